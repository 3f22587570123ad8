//! Loading the master key that seals secrets at rest. The default file is created on first use
//! (mode 0600) so a local install just works; an explicitly configured file must exist.

use crate::config::Config;
use crate::error::CommandError;
use lanyard_iam::crypto::sealing::{Keyring, MasterKey};
use std::io::Write;
use std::path::Path;

const DEFAULT_FILE: &str = ".lanyard/master.key";

/// The configured key (sealing) with the previous keys of a rotation (opening only).
pub fn load(config: &Config) -> Result<Keyring, CommandError> {
    let current = load_current(config)?;
    let previous = config.previous_master_key_files.iter().map(|p| read(p)).collect::<Result<Vec<_>, _>>()?;
    Ok(Keyring::new(current, previous))
}

/// A key file that must exist.
pub fn read(path: &Path) -> Result<MasterKey, CommandError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CommandError::Usage(format!("cannot read master key file {}: {e}", path.display())))?;
    MasterKey::from_base64(&text).map_err(|e| CommandError::Usage(format!("master key file {}: {e}", path.display())))
}

fn load_current(config: &Config) -> Result<MasterKey, CommandError> {
    let path = config.master_key_file.as_path();
    match std::fs::read_to_string(path) {
        Ok(text) => MasterKey::from_base64(&text)
            .map_err(|e| CommandError::Usage(format!("master key file {}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && path == Path::new(DEFAULT_FILE) => generate(path),
        Err(e) => Err(CommandError::Usage(format!("cannot read master key file {}: {e}", path.display()))),
    }
}

fn generate(path: &Path) -> Result<MasterKey, CommandError> {
    let key = MasterKey::generate();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            writeln!(file, "{}", key.to_base64())?;
            tracing::warn!(
                file = %path.display(),
                "generated a new master key for sealing MFA seeds; back it up: without it enrolled devices cannot be used"
            );
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path)?;
            MasterKey::from_base64(&text).map_err(|e| CommandError::Usage(format!("master key file: {e}")))
        }
        Err(e) => Err(e.into()),
    }
}
