//! Loading the master key that seals secrets at rest. Without `--master-key-file` the key lives
//! at one stable place whatever the working directory (`$XDG_DATA_HOME/lanyard/master.key`, else
//! `~/.local/share/lanyard/master.key`); it is generated there on first use (mode 0600) only for
//! a database that has never sealed anything, so a command run from another directory, or with a
//! missing file, can never replace the key a database depends on.

use crate::config::Config;
use crate::error::CommandError;
use lanyard_iam::crypto::sealing::{Keyring, MasterKey};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the master key is kept when no file is configured.
pub fn default_file() -> PathBuf {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("/var/lib"));
    data.join("lanyard").join("master.key")
}

/// The current key as found: read from its file, or absent at the default place (which only a
/// database that has sealed nothing may fill with a new key: see [`generate`]).
pub enum CurrentKey {
    Read(MasterKey),
    MissingDefault(PathBuf),
}

/// The current key and the previous keys of a rotation (opening only).
pub fn load(config: &Config) -> Result<(CurrentKey, Vec<MasterKey>), CommandError> {
    let previous = config.previous_master_key_files.iter().map(|p| read(p)).collect::<Result<Vec<_>, _>>()?;
    let current = match &config.master_key_file {
        Some(path) => CurrentKey::Read(read(path)?),
        None => {
            let path = default_file();
            match std::fs::read_to_string(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => CurrentKey::MissingDefault(path),
                text => CurrentKey::Read(parse(&path, text)?),
            }
        }
    };
    Ok((current, previous))
}

/// A keyring with the current key, which must exist (the rotation command's old key).
pub fn load_existing(config: &Config) -> Result<Keyring, CommandError> {
    match load(config)? {
        (CurrentKey::Read(key), previous) => Ok(Keyring::new(key, previous)),
        (CurrentKey::MissingDefault(path), _) => {
            Err(CommandError::Usage(format!("no master key file at {} (set --master-key-file)", path.display())))
        }
    }
}

/// A key file that must exist.
pub fn read(path: &Path) -> Result<MasterKey, CommandError> {
    parse(path, std::fs::read_to_string(path))
}

/// The key in a file's text, or an error naming the file.
fn parse(path: &Path, text: std::io::Result<String>) -> Result<MasterKey, CommandError> {
    let text = text.map_err(|e| CommandError::Usage(format!("cannot read master key file {}: {e}", path.display())))?;
    MasterKey::from_base64(&text).map_err(|e| CommandError::Usage(format!("master key file {}: {e}", path.display())))
}

/// A new key at `path` (mode 0600); the caller has checked that the database sealed nothing.
pub fn generate(path: &Path) -> Result<MasterKey, CommandError> {
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
                "generated a new master key for sealing secrets; back it up: without it MFA devices and access keys cannot be used"
            );
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(path),
        Err(e) => Err(e.into()),
    }
}
