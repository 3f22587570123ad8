//! Cryptography the engine needs: password hashing now; TOTP and sealing come with their issues.

mod password_hasher;

pub use password_hasher::PasswordHasher;
