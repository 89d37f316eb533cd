//! Building the deployable `.wasm` of a workspace crate, for tests and tools that run it here.
//!
//! The build is `script/build-contracts.sh`, the same bytes the size report measures and users
//! deploy, into its own target directory so a build started from inside `cargo test` never waits
//! on the lock of the cargo running it.

use std::path::{Path, PathBuf};
use std::process::Command;
use thiserror::Error;

/// Why a wasm artifact could not be produced.
#[derive(Debug, Error)]
pub enum BuildError {
    #[error("could not run script/build-contracts.sh: {0}")]
    Spawn(std::io::Error),
    #[error("cargo build of {package} failed with {status}")]
    Failed {
        package: String,
        status: std::process::ExitStatus,
    },
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Target directory used for wasm builds, under the workspace's `target/`.
pub fn wasm_target_dir(workspace: &Path) -> PathBuf {
    workspace.join("target").join("fixtures")
}

/// Builds `package` (a cdylib crate of the workspace at `workspace`) with
/// `script/build-contracts.sh`, the one way the project builds deployable wasm, and returns the
/// bytes of `<crate_name>.wasm`.
pub fn build_wasm(workspace: &Path, package: &str) -> Result<Vec<u8>, BuildError> {
    let target_dir = wasm_target_dir(workspace);
    let status = Command::new("bash")
        .current_dir(workspace)
        .arg(workspace.join("script").join("build-contracts.sh"))
        .arg(package)
        .env("CARGO_TARGET_DIR", &target_dir)
        // Host flags (coverage, sanitizers) of an outer cargo must not leak into the wasm build.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .map_err(BuildError::Spawn)?;
    if !status.success() {
        return Err(BuildError::Failed {
            package: package.to_string(),
            status,
        });
    }
    let path = target_dir
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(format!("{}.wasm", package.replace('-', "_")));
    std::fs::read(&path).map_err(|source| BuildError::Read { path, source })
}
