//! Cryptography the engine needs: password hashing, generated passwords and tokens, TOTP, and
//! sealing secrets at rest under the master key; parsing SSH public keys and X.509 certificates.

mod password_hasher;
pub mod sealing;
pub mod secrets;
pub mod signing_certificates;
pub mod ssh_keys;
pub mod totp;

pub use password_hasher::PasswordHasher;
