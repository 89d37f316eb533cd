//! The `--state FILE`: JSON of the whole chain, written atomically (a temporary file in the same
//! directory, synced, then renamed over the old one), so a save that is interrupted leaves the
//! previous state intact.

use crate::chain::SavedChain;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StateError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "{path} is not a state this node wrote: {source}; move it away to start a fresh chain"
    )]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write {path}: {source}; the previous state is untouched")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot encode the state: {0}")]
    Encode(#[from] serde_json::Error),
}

/// The saved chain in `path`, or `None` when there is no such file (a fresh start).
pub fn load(path: &Path) -> Result<Option<SavedChain>, StateError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StateError::Read {
                path: path.into(),
                source,
            })
        }
    };
    decode(&bytes)
        .map(Some)
        .map_err(|source| StateError::Parse {
            path: path.into(),
            source,
        })
}

pub fn encode(saved: &SavedChain) -> Result<Vec<u8>, StateError> {
    Ok(serde_json::to_vec(saved)?)
}

pub fn decode(bytes: &[u8]) -> Result<SavedChain, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// Where a save of `path` writes before renaming: beside it (a rename within one directory is
/// atomic), named after this process so two nodes never share one.
pub fn temp_path(path: &Path) -> PathBuf {
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".tmp-{}", std::process::id()));
    PathBuf::from(temp)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let fail = |source| StateError::Write {
        path: path.into(),
        source,
    };
    let temp = temp_path(path);
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // The rename is durable once the directory entry is.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(fail)
}

/// Saves the chain to `path`.
pub fn save(path: &Path, saved: &SavedChain) -> Result<(), StateError> {
    write_atomic(path, &encode(saved)?)
}
