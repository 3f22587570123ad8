//! Cryptography the engine needs: password hashing, generated passwords and tokens; TOTP and
//! sealing come with their issues.

mod password_hasher;
pub mod secrets;

pub use password_hasher::PasswordHasher;
