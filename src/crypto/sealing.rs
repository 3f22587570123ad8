//! Secrets at rest (TOTP seeds, access-key and session-token secrets, enrolment tickets):
//! XChaCha20-Poly1305 under the server's master key. Each sealed value is bound to what it belongs
//! to (the associated data), so a value copied onto another row does not open there, and names the
//! key that sealed it, so a server holding the keys of a rotation ([`Keyring`]) opens old and new
//! values alike and knows which it cannot open.

use crate::IamError;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The layout version in front of every sealed value: 1 was `1 || nonce || ciphertext`, 2 is
/// `2 || key id (8 bytes) || nonce || ciphertext`. Version 1 values still open (by trying keys).
const VERSION_1: u8 = 1;
const VERSION: u8 = 2;
const NONCE_LEN: usize = 24;
pub const KEY_ID_LEN: usize = 8;

/// The server's 256-bit master key, with its public id (computed once). `Debug` never shows it.
#[derive(Clone)]
pub struct MasterKey {
    key: [u8; 32],
    id: KeyId,
}

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
        Self::from_bytes(key)
    }

    fn from_bytes(key: [u8; 32]) -> Self {
        let digest = Sha256::digest(key);
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        Self { key, id: KeyId(id) }
    }

    /// A key as `lanyard` keeps it in a file or the environment: 32 bytes in standard base64.
    pub fn from_base64(text: &str) -> Result<Self, IamError> {
        let bytes =
            STANDARD.decode(text.trim()).map_err(|_| IamError::InvalidInput("the master key is not base64".into()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| IamError::InvalidInput("the master key must be 32 bytes (44 base64 characters)".into()))?;
        Ok(Self::from_bytes(key))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.key)
    }

    /// The key's public name: the first 8 bytes of SHA-256 over the key, in hex. It identifies
    /// the key in sealed values and messages without revealing anything usable.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The first bytes of every value this key seals (`2 || key id`): how the store finds the
    /// values a rotation still has to re-seal.
    pub fn header(&self) -> Vec<u8> {
        [&[VERSION][..], &self.id().0].concat()
    }

    /// `2 || key id || nonce || ciphertext+tag`, with a fresh random nonce (192 bits, so random
    /// nonces never collide in practice).
    /// An error (never an empty value that would not open) if the cipher refuses.
    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, IamError> {
        let cipher = XChaCha20Poly1305::new((&self.key).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: bound_to })
            .map_err(|_| IamError::Internal("sealing a secret failed".into()))?;
        let mut out = Vec::with_capacity(1 + KEY_ID_LEN + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&self.id.0);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn decrypt(&self, nonce_and_body: &[u8], bound_to: &[u8]) -> Option<Vec<u8>> {
        let (nonce, body) = nonce_and_body.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new((&self.key).into());
        cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: bound_to }).ok()
    }
}

/// A master key's public name (see [`MasterKey::id`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; KEY_ID_LEN]);

impl KeyId {
    pub fn to_hex(self) -> String {
        crate::sigv4::hex(&self.0)
    }

    pub fn from_hex(text: &str) -> Option<KeyId> {
        let text = text.trim();
        if text.len() != 2 * KEY_ID_LEN || !text.is_ascii() {
            return None;
        }
        let mut id = [0u8; KEY_ID_LEN];
        for (i, byte) in id.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(KeyId(id))
    }
}

impl std::fmt::Debug for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Which key sealed a value, as its header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealedBy {
    Key(KeyId),
    /// A version 1 value, from before values named their key.
    Unnamed,
    Malformed,
}

pub fn sealed_by(sealed: &[u8]) -> SealedBy {
    match sealed.first() {
        Some(&VERSION) if sealed.len() >= 1 + KEY_ID_LEN + NONCE_LEN + 16 => {
            let mut id = [0u8; KEY_ID_LEN];
            id.copy_from_slice(&sealed[1..1 + KEY_ID_LEN]);
            SealedBy::Key(KeyId(id))
        }
        Some(&VERSION_1) if sealed.len() >= 1 + NONCE_LEN + 16 => SealedBy::Unnamed,
        _ => SealedBy::Malformed,
    }
}

/// The keys a server holds: the current one seals; during a rotation the previous ones still
/// open what they sealed until `lanyard master-key rotate` has re-sealed it all.
#[derive(Clone, Debug)]
pub struct Keyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl From<MasterKey> for Keyring {
    fn from(current: MasterKey) -> Self {
        Keyring { current, previous: Vec::new() }
    }
}

impl Keyring {
    pub fn new(current: MasterKey, previous: Vec<MasterKey>) -> Self {
        let current_id = current.id();
        let previous = previous.into_iter().filter(|k| k.id() != current_id).collect();
        Keyring { current, previous }
    }

    pub fn current(&self) -> &MasterKey {
        &self.current
    }

    /// The same keys with `new` as the current one (a rotation's keyring): every key held so far
    /// still opens what it sealed.
    pub fn rotated_to(self, new: MasterKey) -> Keyring {
        let mut previous = vec![self.current];
        previous.extend(self.previous);
        Keyring::new(new, previous)
    }

    /// The current key first, then the previous ones.
    fn keys(&self) -> impl Iterator<Item = &MasterKey> {
        std::iter::once(&self.current).chain(&self.previous)
    }

    pub fn ids(&self) -> Vec<KeyId> {
        self.keys().map(MasterKey::id).collect()
    }

    fn find(&self, id: KeyId) -> Option<&MasterKey> {
        self.keys().find(|k| k.id() == id)
    }

    /// Seals under the current key.
    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, IamError> {
        self.current.seal(plaintext, bound_to)
    }

    /// The plaintext, if `sealed` was made by one of these keys for `bound_to` and not altered.
    /// A value sealed under a key this server was not given is a clear error naming that key,
    /// never a wrong answer (the cipher authenticates).
    pub fn open(&self, sealed: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, IamError> {
        let fail = || IamError::Internal("a sealed secret does not open with this master key".into());
        match sealed_by(sealed) {
            SealedBy::Key(id) => match self.find(id) {
                Some(key) => key.decrypt(&sealed[1 + KEY_ID_LEN..], bound_to).ok_or_else(fail),
                None => Err(IamError::Internal(format!(
                    "a secret is sealed under master key {id}, which this server was not given \
                     (add it with --previous-master-key-files until `lanyard master-key rotate` has finished)"
                ))),
            },
            SealedBy::Unnamed => self.keys().find_map(|k| k.decrypt(&sealed[1..], bound_to)).ok_or_else(fail),
            SealedBy::Malformed => Err(fail()),
        }
    }

    /// `sealed` under the current key, if another key sealed it (`None`: already current).
    pub fn reseal(&self, sealed: &[u8], bound_to: &[u8]) -> Result<Option<Vec<u8>>, IamError> {
        if sealed_by(sealed) == SealedBy::Key(self.current.id()) {
            return Ok(None);
        }
        let plain = self.open(sealed, bound_to)?;
        Ok(Some(self.current.seal(&plain, bound_to)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_binding() {
        let key = Keyring::from(MasterKey::generate());
        let sealed = key.seal(b"seed bytes", b"mfa:1").unwrap();
        assert!(!sealed.windows(10).any(|w| w == b"seed bytes"), "the plaintext is not in the sealed value");
        assert_eq!(key.open(&sealed, b"mfa:1").unwrap(), b"seed bytes");
        assert!(key.open(&sealed, b"mfa:2").is_err(), "bound to another row");
        assert!(Keyring::from(MasterKey::generate()).open(&sealed, b"mfa:1").is_err(), "another key");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.open(&tampered, b"mfa:1").is_err(), "tampered");
        assert_ne!(key.seal(b"seed bytes", b"mfa:1").unwrap(), sealed, "a fresh nonce each time");
    }

    #[test]
    fn keys_round_trip_through_base64_and_hide_in_debug() {
        let key = MasterKey::generate();
        let again = Keyring::from(MasterKey::from_base64(&key.to_base64()).unwrap());
        assert_eq!(again.open(&key.seal(b"x", b"").unwrap(), b"").unwrap(), b"x");
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
        assert!(!format!("{key:?}").contains(&key.to_base64()));
    }

    #[test]
    fn a_keyring_opens_old_and_new_values_and_names_the_key_it_lacks() {
        let (old, new) = (MasterKey::generate(), MasterKey::generate());
        let by_old = old.seal(b"secret", b"row:1").unwrap();
        let during = Keyring::from(old.clone()).rotated_to(new.clone());
        assert_eq!(during.current().id(), new.id());
        assert_eq!(during.open(&by_old, b"row:1").unwrap(), b"secret");
        let resealed = during.reseal(&by_old, b"row:1").unwrap().unwrap();
        assert_eq!(sealed_by(&resealed), SealedBy::Key(new.id()));
        assert_eq!(during.reseal(&resealed, b"row:1").unwrap(), None, "already under the current key");
        let after = Keyring::from(new.clone());
        assert_eq!(after.open(&resealed, b"row:1").unwrap(), b"secret");
        let missing = after.open(&by_old, b"row:1").unwrap_err().to_string();
        assert!(missing.contains(&old.id().to_hex()), "{missing}");
        assert!(!missing.contains(&old.to_base64()));
        assert_eq!(KeyId::from_hex(&new.id().to_hex()), Some(new.id()));
    }

    /// Values sealed before values named their key (version 1) still open, and are re-sealed.
    #[test]
    fn version_one_values_still_open() {
        let key = MasterKey::generate();
        let cipher = XChaCha20Poly1305::new((&key.key).into());
        let nonce = [7u8; NONCE_LEN];
        let body = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: b"old", aad: b"b" }).unwrap();
        let v1: Vec<u8> = [&[VERSION_1][..], &nonce, &body].concat();
        assert_eq!(sealed_by(&v1), SealedBy::Unnamed);
        let ring = Keyring::new(MasterKey::generate(), vec![key]);
        assert_eq!(ring.open(&v1, b"b").unwrap(), b"old");
        assert!(ring.reseal(&v1, b"b").unwrap().is_some());
    }
}
