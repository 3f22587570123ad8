//! Cryptography the engine needs: password hashing, generated passwords and tokens, TOTP, and
//! sealing secrets at rest under the master key.

mod password_hasher;
pub mod sealing;
pub mod secrets;
pub mod totp;

pub use password_hasher::PasswordHasher;
