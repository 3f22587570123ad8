//! Argon2id password hashing with OWASP's parameters (19 MiB, t=2, p=1), run on the blocking pool
//! behind a semaphore so a burst of sign-ins can use every core yet never queue up more hashing
//! work than there are cores, and never block the async workers serving other requests.

use crate::domain::Password;
use crate::IamError;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// OWASP Password Storage Cheat Sheet, argon2id: m=19456 KiB, t=2, p=1.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    permits: Semaphore,
    /// A hash of a random password, verified against when a sign-in names nobody, so that unknown
    /// accounts and users cost exactly the same work as known ones.
    dummy_hash: String,
    /// How many verifications ran (real or dummy): lets tests prove unknown users cost the same.
    verifications: AtomicU64,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("concurrency", &self.inner.permits.available_permits())
            .finish()
    }
}

fn argon(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_blocking(params: &Params, password: &str) -> Result<String, IamError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon(params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| IamError::Internal(format!("argon2 hash: {e}")))
}

fn verify_blocking(params: &Params, password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        // The stored hash carries its own parameters; verification uses those.
        Ok(parsed) => argon(params)
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

impl PasswordHasher {
    /// `concurrency` hashes may run at once (the number of cores is the sensible value).
    pub fn new(concurrency: usize) -> Result<Self, IamError> {
        let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
            .map_err(|e| IamError::Internal(format!("argon2 params: {e}")))?;
        let random: String = {
            use rand::Rng;
            rand::rngs::OsRng
                .sample_iter(&rand::distributions::Alphanumeric)
                .take(32)
                .map(char::from)
                .collect()
        };
        let dummy_hash = hash_blocking(&params, &random)?;
        Ok(Self {
            inner: Arc::new(Inner {
                params,
                permits: Semaphore::new(concurrency.max(1)),
                dummy_hash,
                verifications: AtomicU64::new(0),
            }),
        })
    }

    /// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
    pub async fn hash(&self, password: &Password) -> Result<String, IamError> {
        let inner = self.inner.clone();
        let password = password.expose().to_owned();
        self.run(move || hash_blocking(&inner.params, &password))
            .await?
    }

    /// Verifies a password against a stored hash, or — when there is none — against a dummy hash,
    /// so the caller does the same work either way. Returns false for `None`.
    pub async fn verify(&self, password: &Password, phc: Option<&str>) -> Result<bool, IamError> {
        let inner = self.inner.clone();
        let password = password.expose().to_owned();
        let phc = phc.map(str::to_owned);
        self.inner.verifications.fetch_add(1, Ordering::Relaxed);
        self.run(move || match phc {
            Some(phc) => verify_blocking(&inner.params, &password, &phc),
            None => {
                verify_blocking(&inner.params, &password, &inner.dummy_hash);
                false
            }
        })
        .await
    }

    /// The number of password verifications run so far, real and dummy alike.
    pub fn verifications(&self) -> u64 {
        self.inner.verifications.load(Ordering::Relaxed)
    }

    /// Measures the raw hashing rate of this machine: `n` hashes on `threads` OS threads at once.
    /// Used by the benchmark command to compare end-to-end sign-ins against the hash alone.
    pub fn raw_verify_rate(&self, n: usize, threads: usize) -> f64 {
        let start = std::time::Instant::now();
        let per_thread = n.div_ceil(threads.max(1));
        std::thread::scope(|s| {
            for _ in 0..threads.max(1) {
                s.spawn(|| {
                    for _ in 0..per_thread {
                        verify_blocking(
                            &self.inner.params,
                            "not the password",
                            &self.inner.dummy_hash,
                        );
                    }
                });
            }
        });
        (per_thread * threads.max(1)) as f64 / start.elapsed().as_secs_f64()
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, IamError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| IamError::Internal("password hasher closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| IamError::Internal(format!("hash task: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_phc_with_owasp_parameters_and_verify() {
        let h = PasswordHasher::new(2).unwrap();
        let pw = Password::new("Correct-Horse-1");
        let phc = h.hash(&pw).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h.verify(&pw, Some(&phc)).await.unwrap());
        assert!(!h
            .verify(&Password::new("Correct-Horse-2"), Some(&phc))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn salts_differ_between_hashes_of_the_same_password() {
        let h = PasswordHasher::new(1).unwrap();
        let pw = Password::new("Same-Password-9");
        assert_ne!(h.hash(&pw).await.unwrap(), h.hash(&pw).await.unwrap());
    }

    #[tokio::test]
    async fn missing_or_garbage_hashes_never_verify() {
        let h = PasswordHasher::new(1).unwrap();
        let pw = Password::new("whatever-1A");
        assert!(!h.verify(&pw, None).await.unwrap());
        assert!(!h.verify(&pw, Some("not a phc string")).await.unwrap());
    }
}
