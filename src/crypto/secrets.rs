//! Random secrets: generated console passwords and single-use tokens (stored only as hashes).

use crate::domain::{password_violations, Password, PasswordPolicy, SYMBOLS};
use rand::seq::SliceRandom;
use rand::Rng;
use sha2::{Digest, Sha256};

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";

/// A password that meets `policy` (AWS's defaults when `None`): at least 20 characters (more if
/// the policy asks), with every character class, from the OS's random source. Look-alike
/// characters (I, l, O, 0, 1) are left out because people copy these by eye.
pub fn generate_password(policy: Option<&PasswordPolicy>) -> Password {
    let len = policy.map(|p| p.minimum_password_length as usize).unwrap_or(0).max(20);
    let symbols = SYMBOLS.as_bytes();
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, symbols].concat();
    let mut rng = rand::rngs::OsRng;
    loop {
        let mut chars: Vec<u8> =
            [UPPER, LOWER, DIGITS, symbols].iter().filter_map(|set| set.choose(&mut rng).copied()).collect();
        while chars.len() < len {
            chars.push(all[rng.gen_range(0..all.len())]);
        }
        chars.shuffle(&mut rng);
        // Never a first character a spreadsheet reads as a formula (the credentials .csv).
        if chars.first().is_some_and(|c| b"=+-@".contains(c)) {
            continue;
        }
        let candidate: String = chars.into_iter().map(char::from).collect();
        if password_violations(policy, &candidate, &[]).is_empty() {
            return Password::new(candidate);
        }
    }
}

/// A URL-safe token with 256 bits of entropy.
pub fn generate_token() -> String {
    let bytes: [u8; 32] = rand::rngs::OsRng.gen();
    crate::sigv4::hex(&bytes)
}

/// What is stored of a token: its SHA-256, hex. (The token is random and long, so a fast hash is
/// enough: there is nothing to brute-force.)
pub fn token_hash(token: &str) -> String {
    crate::sigv4::hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_meet_the_strictest_policy() {
        let strict = PasswordPolicy {
            minimum_password_length: 32,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: false,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: false,
        };
        for _ in 0..200 {
            let p = generate_password(Some(&strict));
            assert!(password_violations(Some(&strict), p.expose(), &[]).is_empty());
            assert_eq!(p.expose().chars().count(), 32);
            assert!(password_violations(None, generate_password(None).expose(), &[]).is_empty());
        }
        assert_ne!(generate_password(None), generate_password(None));
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let t = generate_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, generate_token());
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), t);
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

/// A new access key ID: `AKIA` and 16 random characters of `A-Z2-7` (80 bits).
pub fn generate_access_key_id() -> Result<crate::domain::AccessKeyId, crate::IamError> {
    // Right by construction; parsing keeps one definition of the format.
    crate::domain::AccessKeyId::parse(&format!("AKIA{}", random_chars(BASE32, 16)))
}

/// `n` characters of `alphabet` from the OS's random source.
pub fn random_chars(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..n).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

/// The alphabet of IAM's ids after their four-letter prefix.
pub const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `APKA…`, as IAM names SSH public keys.
pub fn generate_ssh_public_key_id() -> Result<crate::domain::SshPublicKeyId, crate::IamError> {
    crate::domain::SshPublicKeyId::parse(&format!(
        "{}{}",
        crate::domain::SshPublicKeyId::PREFIX,
        random_chars(BASE32, 16)
    ))
}

/// `ACCA…`, as IAM names service-specific credentials.
pub fn generate_service_credential_id() -> Result<crate::domain::ServiceCredentialId, crate::IamError> {
    let prefix = crate::domain::ServiceCredentialId::PREFIX;
    crate::domain::ServiceCredentialId::parse(&format!("{prefix}{}", random_chars(BASE32, 16)))
}

/// 32 of `A-Z0-9`, as IAM's signing certificate ids look.
pub fn generate_certificate_id() -> Result<crate::domain::CertificateId, crate::IamError> {
    crate::domain::CertificateId::parse(&random_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32))
}

/// A service-specific password: 44 characters of base64 (264 random bits), as IAM's look.
pub fn generate_service_password() -> crate::domain::Password {
    use base64::Engine as _;
    let mut bytes = [0u8; 33];
    rand::rngs::OsRng.fill(&mut bytes[..]);
    crate::domain::Password::new(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A secret access key: 40 characters of the base64 alphabet (240 random bits). `Debug` hides it.
#[derive(Clone)]
pub struct SecretAccessKey(String);

impl SecretAccessKey {
    pub fn generate() -> Self {
        use base64::Engine as _;
        let bytes: [u8; 30] = rand::rngs::OsRng.gen();
        Self(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretAccessKey([redacted])")
    }
}

#[cfg(test)]
mod access_key_tests {
    use super::*;

    #[test]
    fn generated_keys_have_aws_shapes() {
        let id = generate_access_key_id().unwrap();
        assert_eq!(id.as_str().len(), 20);
        let secret = SecretAccessKey::generate();
        assert_eq!(secret.expose().len(), 40);
        assert!(secret.expose().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'));
        assert!(!format!("{secret:?}").contains(secret.expose()));
    }
}
