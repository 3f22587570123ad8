//! Secrets at rest (TOTP seeds, later access key secrets): XChaCha20-Poly1305 under the server's
//! master key. Each sealed value is bound to what it belongs to (the associated data), so a value
//! copied onto another row does not open there.

use crate::IamError;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// The layout version in front of every sealed value, so the format can change later.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// The server's 256-bit master key. `Debug` never shows it.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// A new random key from the OS.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// A key as `lanyard` keeps it in a file or the environment: 32 bytes in standard base64.
    pub fn from_base64(text: &str) -> Result<Self, IamError> {
        let bytes =
            STANDARD.decode(text.trim()).map_err(|_| IamError::InvalidInput("the master key is not base64".into()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| IamError::InvalidInput("the master key must be 32 bytes (44 base64 characters)".into()))?;
        Ok(Self(key))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// `version || nonce || ciphertext+tag`, with a fresh random nonce (192 bits, so random
    /// nonces never collide in practice).
    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption with a valid key and nonce cannot fail; an empty result would not open.
        let sealed =
            cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: bound_to }).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The plaintext, if `sealed` was made by this key for `bound_to` and not altered.
    pub fn open(&self, sealed: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, IamError> {
        let fail = || IamError::Internal("a sealed secret does not open with this master key".into());
        if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != VERSION {
            return Err(fail());
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: bound_to }).map_err(|_| fail())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_binding() {
        let key = MasterKey::generate();
        let sealed = key.seal(b"seed bytes", b"mfa:1");
        assert!(!sealed.windows(10).any(|w| w == b"seed bytes"), "the plaintext is not in the sealed value");
        assert_eq!(key.open(&sealed, b"mfa:1").unwrap(), b"seed bytes");
        assert!(key.open(&sealed, b"mfa:2").is_err(), "bound to another row");
        assert!(MasterKey::generate().open(&sealed, b"mfa:1").is_err(), "another key");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.open(&tampered, b"mfa:1").is_err(), "tampered");
        assert_ne!(key.seal(b"seed bytes", b"mfa:1"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn keys_round_trip_through_base64_and_hide_in_debug() {
        let key = MasterKey::generate();
        let again = MasterKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(again.open(&key.seal(b"x", b""), b"").unwrap(), b"x");
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
        assert!(!format!("{key:?}").contains(&key.to_base64()));
    }
}
