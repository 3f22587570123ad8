//! SSH public keys as IAM takes them: one OpenSSH line (`ssh-rsa AAAA… comment`), PEM (PKCS#1
//! `RSA PUBLIC KEY` or SubjectPublicKeyInfo `PUBLIC KEY`, as `ssh-keygen -e -m PEM|PKCS8` writes)
//! or RFC 4716 (`ssh-keygen -e`). RSA of at least 2048 bits, as IAM demands, and Ed25519 beyond
//! it. Parsed by the `ssh-key`, `pkcs1` and `spki` crates; fingerprints as AWS (MD5, hex pairs)
//! and OpenSSH (`SHA256:` base64) show them.

use crate::domain::SshKeyEncoding;
use crate::{CredentialFault, IamError};
use base64::Engine as _;
use der::{Decode, Encode};
use md5::{Digest, Md5};
use ssh_key::public::{Ed25519PublicKey, KeyData, RsaPublicKey};
use ssh_key::{HashAlg, Mpint, PublicKey};

/// The smallest RSA modulus IAM accepts.
pub const MIN_RSA_BITS: usize = 2048;

const RSA_OID: &str = "1.2.840.113549.1.1.1";
const ED25519_OID: &str = "1.3.101.112";
/// The DER of an Ed25519 SubjectPublicKeyInfo before its 32 key bytes (RFC 8410).
const ED25519_SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// An uploaded key, understood: its canonical OpenSSH line (no comment) and fingerprints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshKey {
    key: PublicKey,
    /// `ssh-rsa AAAA…`: what `authorized_keys` and GetSSHPublicKey (SSH) give back.
    pub openssh: String,
    /// `c7:ab:…`: MD5 of the key blob, as IAM's `Fingerprint` shows it.
    pub md5_fingerprint: String,
    /// `SHA256:…`: as `ssh-keygen -l` shows it.
    pub sha256_fingerprint: String,
}

fn unrecognized() -> IamError {
    IamError::BadCredential {
        fault: CredentialFault::UnrecognizedPublicKeyEncoding,
        message: "The public key encoding format is unsupported or unrecognized: give one OpenSSH line (ssh-rsa or ssh-ed25519) or a PEM public key.".into(),
    }
}

fn invalid(why: &str) -> IamError {
    IamError::BadCredential {
        fault: CredentialFault::InvalidPublicKey,
        message: format!("The public key is malformed or otherwise invalid: {why}."),
    }
}

impl SshKey {
    /// Parses any encoding IAM accepts and checks the key's type and strength.
    pub fn parse(body: &str) -> Result<Self, IamError> {
        let body = body.trim();
        let key = if body.starts_with("-----BEGIN") {
            from_pem(body)?
        } else if body.starts_with("---- BEGIN SSH2 PUBLIC KEY ----") {
            from_rfc4716(body)?
        } else if body.starts_with("ssh-") || body.starts_with("ecdsa-") || body.starts_with("sk-") {
            let mut key = PublicKey::from_openssh(body).map_err(|_| invalid("the OpenSSH line does not decode"))?;
            key.set_comment("");
            key
        } else {
            return Err(unrecognized());
        };
        Self::checked(key)
    }

    fn checked(key: PublicKey) -> Result<Self, IamError> {
        match key.key_data() {
            KeyData::Rsa(rsa) => {
                let bits = rsa.n.as_positive_bytes().map(bit_length).unwrap_or(0);
                if bits < MIN_RSA_BITS {
                    return Err(invalid(&format!(
                        "an RSA key must have at least {MIN_RSA_BITS} bits (this one has {bits})"
                    )));
                }
            }
            KeyData::Ed25519(_) => {}
            _ => return Err(invalid("only ssh-rsa and ssh-ed25519 keys are accepted")),
        }
        let blob = key.to_bytes().map_err(|_| invalid("the key does not encode"))?;
        let openssh = key.to_openssh().map_err(|_| invalid("the key does not encode"))?;
        let md5 = Md5::digest(&blob).iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
        let sha256 = key.fingerprint(HashAlg::Sha256).to_string();
        Ok(SshKey { openssh: openssh.trim().to_owned(), md5_fingerprint: md5, sha256_fingerprint: sha256, key })
    }

    /// The key in the encoding GetSSHPublicKey asks for.
    pub fn encoded(&self, encoding: SshKeyEncoding) -> Result<String, IamError> {
        match encoding {
            SshKeyEncoding::Ssh => Ok(self.openssh.clone()),
            SshKeyEncoding::Pem => self.to_pem(),
        }
    }

    fn to_pem(&self) -> Result<String, IamError> {
        fn broken<E>(_: E) -> IamError {
            IamError::Internal("a stored SSH key does not encode as PEM".into())
        }
        let (label, der) = match self.key.key_data() {
            KeyData::Rsa(rsa) => {
                let n = rsa.n.as_positive_bytes().unwrap_or_default();
                let e = rsa.e.as_positive_bytes().unwrap_or_default();
                let pkcs1 = pkcs1::RsaPublicKey {
                    modulus: der::asn1::UintRef::new(n).map_err(broken)?,
                    public_exponent: der::asn1::UintRef::new(e).map_err(broken)?,
                };
                ("RSA PUBLIC KEY", pkcs1.to_der().map_err(broken)?)
            }
            KeyData::Ed25519(ed) => ("PUBLIC KEY", [&ED25519_SPKI_PREFIX[..], ed.as_ref()].concat()),
            _ => return Err(IamError::Internal("a stored SSH key has an unsupported type".into())),
        };
        der::pem::encode_string(label, der::pem::LineEnding::LF, &der).map_err(broken)
    }
}

fn bit_length(bytes: &[u8]) -> usize {
    match bytes.first() {
        Some(first) => bytes.len() * 8 - first.leading_zeros() as usize,
        None => 0,
    }
}

fn rsa_key(n: &[u8], e: &[u8]) -> Result<PublicKey, IamError> {
    let bad = |_| invalid("the RSA numbers do not decode");
    let rsa =
        RsaPublicKey { e: Mpint::from_positive_bytes(e).map_err(bad)?, n: Mpint::from_positive_bytes(n).map_err(bad)? };
    Ok(PublicKey::new(KeyData::Rsa(rsa), ""))
}

fn from_pem(body: &str) -> Result<PublicKey, IamError> {
    let (label, der) = der::pem::decode_vec(body.as_bytes()).map_err(|_| invalid("the PEM block does not decode"))?;
    match label {
        "RSA PUBLIC KEY" => {
            let k = pkcs1::RsaPublicKey::from_der(&der).map_err(|_| invalid("the PKCS#1 key does not decode"))?;
            rsa_key(k.modulus.as_bytes(), k.public_exponent.as_bytes())
        }
        "PUBLIC KEY" => {
            let spki = spki::SubjectPublicKeyInfoRef::from_der(&der)
                .map_err(|_| invalid("the SubjectPublicKeyInfo does not decode"))?;
            let bits = spki.subject_public_key.raw_bytes();
            match spki.algorithm.oid.to_string().as_str() {
                RSA_OID => {
                    let k = pkcs1::RsaPublicKey::from_der(bits).map_err(|_| invalid("the RSA key does not decode"))?;
                    rsa_key(k.modulus.as_bytes(), k.public_exponent.as_bytes())
                }
                ED25519_OID => {
                    let ed =
                        Ed25519PublicKey::try_from(bits).map_err(|_| invalid("the Ed25519 key is not 32 bytes"))?;
                    Ok(PublicKey::new(KeyData::Ed25519(ed), ""))
                }
                _ => Err(invalid("only RSA and Ed25519 keys are accepted")),
            }
        }
        _ => Err(unrecognized()),
    }
}

/// RFC 4716: header lines (`Key: value`, possibly continued with `\`), then the base64 blob.
fn from_rfc4716(body: &str) -> Result<PublicKey, IamError> {
    let mut blob = String::new();
    let mut continued = false;
    for line in body.lines().map(str::trim) {
        if line.starts_with("----") {
            continue;
        }
        if continued || line.contains(':') {
            continued = line.ends_with('\\');
            continue;
        }
        blob.push_str(line);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .map_err(|_| invalid("the RFC 4716 body is not base64"))?;
    PublicKey::from_bytes(&bytes).map_err(|_| invalid("the RFC 4716 key does not decode"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated once with `ssh-keygen -t ed25519`; the fingerprints are what `ssh-keygen -l` printed.
    const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILEfVOuiQ9hysJggWT6HccrGow+XdcRSDHYkYJqKuF7Y lanyard-test";

    #[test]
    fn ed25519_lines_parse_with_fingerprints() {
        let k = SshKey::parse(ED25519).unwrap();
        assert_eq!(k.openssh, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILEfVOuiQ9hysJggWT6HccrGow+XdcRSDHYkYJqKuF7Y");
        assert_eq!(k.sha256_fingerprint, "SHA256:ymm3ZpZEDliaXdYhHs9T2a50FPQ+v2anJ6Er3nbUZKE");
        assert_eq!(k.md5_fingerprint, "52:41:e8:34:08:e2:65:4c:16:da:96:89:a9:f5:af:50");
        let pem = k.encoded(SshKeyEncoding::Pem).unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(SshKey::parse(&pem).unwrap().openssh, k.openssh, "PEM round-trips");
    }

    #[test]
    fn bad_keys_get_iams_codes() {
        let code = |body: &str| SshKey::parse(body).unwrap_err().code();
        assert_eq!(code("hello"), "UnrecognizedPublicKeyEncoding");
        assert_eq!(code("ssh-rsa AAAA!!!"), "InvalidPublicKey");
        assert_eq!(
            code("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            "UnrecognizedPublicKeyEncoding"
        );
        assert_eq!(code("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"), "InvalidPublicKey");
        assert_eq!(code(""), "UnrecognizedPublicKeyEncoding");
    }

    #[test]
    fn bit_lengths_count_from_the_top_bit() {
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[0x01, 0]), 9);
        assert_eq!(bit_length(&[]), 0);
    }
}
