//! Argon2id password hashing with OWASP's parameters (19 MiB, t=2, p=1), run on the blocking pool
//! behind a semaphore so a burst of sign-ins can use every core yet never queue more hashing work
//! than there are cores, and never blocks the async workers serving other requests.
//!
//! Each permit owns a reusable 19 MiB block buffer: allocating it fresh for every hash made the
//! kernel fault in and zero ~5 MiB of pages per sign-in, a fifth of the hash's own cost.

use crate::domain::Password;
use crate::IamError;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// OWASP Password Storage Cheat Sheet, argon2id: m=19456 KiB, t=2, p=1.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;
const OUTPUT_LEN: usize = 32;

#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    permits: Semaphore,
    concurrency: usize,
    /// Block buffers for the hashes in progress; never more than there are permits.
    memory: Mutex<Vec<Vec<Block>>>,
    /// A hash of a random password, verified against when a sign-in names nobody, so that unknown
    /// accounts and users cost exactly the same work as known ones.
    dummy_hash: String,
    /// How many verifications ran (real or dummy): lets tests prove unknown users cost the same.
    verifications: AtomicU64,
    /// Hashes waiting for a permit right now (the metrics' argon2 queue depth).
    waiting: AtomicU64,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").field("available_permits", &self.inner.permits.available_permits()).finish()
    }
}

/// Runs argon2 with the caller's memory; `None` if the inputs are unusable.
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out_len: usize,
    memory: &mut Vec<Block>,
) -> Option<Output> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let argon = Argon2::new(algorithm, version, params.clone());
    Output::init_with(out_len, |out| {
        argon
            .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .ok()
}

fn hash_with(params: &Params, password: &str, memory: &mut Vec<Block>) -> Result<String, IamError> {
    let internal = |e: &dyn std::fmt::Display| IamError::Internal(format!("argon2 hash: {e}"));
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf).map_err(|e| internal(&e))?;
    let output =
        compute(Algorithm::Argon2id, Version::V0x13, params, password.as_bytes(), salt_bytes, OUTPUT_LEN, memory)
            .ok_or_else(|| internal(&"computation failed"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| internal(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Verifies against a PHC string with the parameters it carries; constant-time comparison.
fn verify_with(password: &str, phc: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    match compute(algorithm, version, &params, password.as_bytes(), salt_bytes, expected.len(), memory) {
        // `Output`'s equality is constant-time.
        Some(actual) => actual == expected,
        None => false,
    }
}

impl PasswordHasher {
    /// `concurrency` hashes may run at once (the number of cores is the sensible value).
    pub fn new(concurrency: usize) -> Result<Self, IamError> {
        let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, Some(OUTPUT_LEN))
            .map_err(|e| IamError::Internal(format!("argon2 params: {e}")))?;
        let random: String = {
            use rand::Rng;
            rand::rngs::OsRng.sample_iter(&rand::distributions::Alphanumeric).take(32).map(char::from).collect()
        };
        let mut memory = Vec::new();
        let dummy_hash = hash_with(&params, &random, &mut memory)?;
        Ok(Self {
            inner: Arc::new(Inner {
                params,
                permits: Semaphore::new(concurrency.max(1)),
                concurrency: concurrency.max(1),
                memory: Mutex::new(vec![memory]),
                dummy_hash,
                verifications: AtomicU64::new(0),
                waiting: AtomicU64::new(0),
            }),
        })
    }

    /// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
    pub async fn hash(&self, password: &Password) -> Result<String, IamError> {
        let inner = self.inner.clone();
        let password = password.expose().to_owned();
        self.run(move |memory| hash_with(&inner.params, &password, memory)).await?
    }

    /// Verifies a password against a stored hash, or — when there is none — against a dummy hash,
    /// so the caller does the same work either way. Returns false for `None`.
    pub async fn verify(&self, password: &Password, phc: Option<&str>) -> Result<bool, IamError> {
        let inner = self.inner.clone();
        let password = password.expose().to_owned();
        let phc = phc.map(str::to_owned);
        self.inner.verifications.fetch_add(1, Ordering::Relaxed);
        self.run(move |memory| match phc {
            Some(phc) => verify_with(&password, &phc, memory),
            None => {
                verify_with(&password, &inner.dummy_hash, memory);
                false
            }
        })
        .await
    }

    /// Whether a stored hash was made with other parameters than today's (an older algorithm,
    /// version, memory, time or parallelism), so it should be replaced after the next successful
    /// verification.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return true;
        };
        let current = &self.inner.params;
        let same = parsed.algorithm == Algorithm::Argon2id.ident()
            && parsed.version == Some(Version::V0x13.into())
            && Params::try_from(&parsed).is_ok_and(|p| {
                p.m_cost() == current.m_cost() && p.t_cost() == current.t_cost() && p.p_cost() == current.p_cost()
            });
        !same
    }

    /// The number of password verifications run so far, real and dummy alike.
    pub fn verifications(&self) -> u64 {
        self.inner.verifications.load(Ordering::Relaxed)
    }

    /// Measures the raw hashing rate of this machine: verifications per second on `threads` OS
    /// threads at once for about `duration`, each thread reusing its memory like the server's
    /// permits do. For the benchmark command.
    pub fn raw_verify_rate(&self, duration: std::time::Duration, threads: usize) -> f64 {
        let threads = threads.max(1);
        let start = std::time::Instant::now();
        let done = AtomicU64::new(0);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut memory = Vec::new();
                    while start.elapsed() < duration {
                        verify_with("not the password", &self.inner.dummy_hash, &mut memory);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
    }

    /// Hashes waiting for a free core, and hashes running: what the metrics report.
    pub fn load(&self) -> (u64, usize) {
        let running = self.inner.concurrency.saturating_sub(self.inner.permits.available_permits());
        (self.inner.waiting.load(Ordering::Relaxed), running)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, IamError> {
        self.inner.waiting.fetch_add(1, Ordering::Relaxed);
        let permit = self.inner.permits.acquire().await;
        self.inner.waiting.fetch_sub(1, Ordering::Relaxed);
        let _permit = permit.map_err(|_| IamError::Internal("password hasher closed".into()))?;
        let mut memory = self.inner.memory.lock().unwrap_or_else(|p| p.into_inner()).pop().unwrap_or_default();
        let (result, memory) = tokio::task::spawn_blocking(move || {
            let result = work(&mut memory);
            (result, memory)
        })
        .await
        .map_err(|e| IamError::Internal(format!("hash task: {e}")))?;
        self.inner.memory.lock().unwrap_or_else(|p| p.into_inner()).push(memory);
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[tokio::test]
    async fn hashes_are_argon2id_phc_with_owasp_parameters_and_verify() {
        let h = PasswordHasher::new(2).unwrap();
        let pw = Password::new("Correct-Horse-1");
        let phc = h.hash(&pw).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h.verify(&pw, Some(&phc)).await.unwrap());
        assert!(!h.verify(&Password::new("Correct-Horse-2"), Some(&phc)).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_interoperate_with_the_reference_argon2_implementation() {
        let h = PasswordHasher::new(1).unwrap();
        let phc = h.hash(&Password::new("Interop-Check-7")).await.unwrap();
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(Argon2::default().verify_password(b"Interop-Check-7", &parsed).is_ok());
        // And the other way: a hash made by the crate's own API (other parameters) verifies here.
        use argon2::password_hash::PasswordHasher as _;
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8192, 3, 1, None).unwrap())
            .hash_password(b"Older-Params-1", &SaltString::generate(&mut rand::rngs::OsRng))
            .unwrap()
            .to_string();
        assert!(h.verify(&Password::new("Older-Params-1"), Some(&other)).await.unwrap());
        assert!(!h.verify(&Password::new("Older-Params-2"), Some(&other)).await.unwrap());
    }

    #[tokio::test]
    async fn reused_memory_gives_the_same_answers_many_times() {
        let h = PasswordHasher::new(2).unwrap();
        let pw = Password::new("Reuse-Memory-3");
        let phc = h.hash(&pw).await.unwrap();
        for _ in 0..4 {
            assert!(h.verify(&pw, Some(&phc)).await.unwrap());
            assert!(!h.verify(&Password::new("reuse-memory-3"), Some(&phc)).await.unwrap());
        }
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
        assert!(!h.verify(&pw, Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$")).await.unwrap());
    }
}

#[cfg(test)]
mod upgrade_tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_older_parameters_are_marked_for_upgrade() {
        let hasher = PasswordHasher::new(1).unwrap();
        let current = hasher.hash(&Password::new("Some-Passw0rd")).await.unwrap();
        assert!(!hasher.needs_rehash(&current));
        // The same password hashed with argon2's old defaults (m=4096, t=3) and with argon2i.
        let weak = Params::new(4096, 3, 1, Some(32)).unwrap();
        let old = hash_with(&weak, "Some-Passw0rd", &mut Vec::new()).unwrap();
        assert!(hasher.needs_rehash(&old));
        assert!(hasher.verify(&Password::new("Some-Passw0rd"), Some(&old)).await.unwrap());
        let argon2i = current.replacen("$argon2id$", "$argon2i$", 1);
        assert!(hasher.needs_rehash(&argon2i));
        assert!(hasher.needs_rehash("not a hash"));
    }
}
