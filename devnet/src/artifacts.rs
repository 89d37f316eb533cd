//! Building what the devnet deploys: the deployable `.wasm` of a workspace crate and forge's
//! artifacts of the Solidity side. The one module of the crate that runs a build; the chain, the
//! Stylus runtime and [`crate::system`] only receive bytes.
//!
//! Both builds go through the project's scripts (`script/build-contracts.sh`,
//! `script/forge-build.sh`), so tests and binaries run the same bytes the size report measures and
//! users deploy. The script puts every wasm build below one directory, `<target>/wasm`, so the test
//! command's wasm step and these builds share their output and a build started from inside
//! `cargo test` never waits on the lock of the cargo running it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use thiserror::Error;

/// Why an artifact could not be produced.
#[derive(Debug, Error)]
pub enum BuildError {
    #[error("could not run {script}: {source}")]
    Spawn {
        script: &'static str,
        source: std::io::Error,
    },
    #[error("cargo build of {package} failed with {status}")]
    Failed {
        package: String,
        status: std::process::ExitStatus,
    },
    #[error("script/forge-build.sh failed:\n{stderr}")]
    Forge { stderr: String },
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Artifact { path: PathBuf, reason: String },
}

/// The workspace this crate belongs to.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where cargo puts this workspace's outputs: `CARGO_TARGET_DIR`, else `<workspace>/target` (the
/// rule script/wasm-report follows too, so reports written there are found here).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let root = workspace();
            root.canonicalize().unwrap_or(root).join("target")
        })
}

/// Builds `package` (a cdylib crate of the workspace at `workspace`) with
/// `script/build-contracts.sh`, the one way the project builds deployable wasm, and returns the
/// bytes of `<crate_name>.wasm`.
pub fn build_wasm(workspace: &Path, package: &str) -> Result<Vec<u8>, BuildError> {
    let target_dir = target_dir();
    let status = Command::new("bash")
        .current_dir(workspace)
        .arg(workspace.join("script").join("build-contracts.sh"))
        .arg(package)
        .env("CARGO_TARGET_DIR", &target_dir)
        // Host flags (coverage, sanitizers) of an outer cargo must not leak into the wasm build.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .map_err(|source| BuildError::Spawn {
            script: "script/build-contracts.sh",
            source,
        })?;
    if !status.success() {
        return Err(BuildError::Failed {
            package: package.to_string(),
            status,
        });
    }
    let path = target_dir
        .join("wasm")
        .join(format!("{}.wasm", package.replace('-', "_")));
    std::fs::read(&path).map_err(|source| BuildError::Read { path, source })
}

/// Compiles the Solidity side with `script/forge-build.sh`; returns forge's output directory
/// (`<File>.sol/<Contract>.json` below it).
pub fn forge_build(workspace: &Path) -> Result<PathBuf, BuildError> {
    let output = Command::new("bash")
        .current_dir(workspace)
        .arg(workspace.join("script").join("forge-build.sh"))
        .output()
        .map_err(|source| BuildError::Spawn {
            script: "script/forge-build.sh",
            source,
        })?;
    if !output.status.success() {
        return Err(BuildError::Forge {
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    // The script prints the directory as its last line.
    let printed = String::from_utf8_lossy(&output.stdout);
    Ok(PathBuf::from(
        printed.lines().last().unwrap_or_default().trim(),
    ))
}

/// Creation code (`.bytecode.object`) of `contract` in `file` from forge's output directory.
pub fn forge_creation_code(out: &Path, file: &str, contract: &str) -> Result<Vec<u8>, BuildError> {
    let path = out.join(file).join(format!("{contract}.json"));
    let json = std::fs::read_to_string(&path).map_err(|source| BuildError::Read {
        path: path.clone(),
        source,
    })?;
    let invalid = |reason: String| BuildError::Artifact {
        path: path.clone(),
        reason,
    };
    let artifact: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let object = artifact["bytecode"]["object"]
        .as_str()
        .ok_or_else(|| invalid("no bytecode.object".into()))?;
    alloy_primitives::hex::decode(object).map_err(|e| invalid(format!("bytecode.object: {e}")))
}

// Vigil's own artifacts, built on first use and kept for the process: every test of a test binary
// and both binaries deploy the same bytes. These panic on a failed build, which is what a test or
// a binary that cannot get its contracts should do.

fn built(package: &str) -> Vec<u8> {
    build_wasm(&workspace(), package).unwrap_or_else(|e| panic!("building {package}: {e}"))
}

/// The deployable wasm of `vigil-registry`.
pub fn registry_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| built("vigil-registry"))
}

/// The deployable wasm of `vigil-registry-extension`, the registry's second program.
pub fn registry_extension_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| built("vigil-registry-extension"))
}

/// The deployable wasm of `vigil-guard`.
pub fn guard_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| built("vigil-guard"))
}

/// The deployable wasm of `vigil-guard-extension`, the guard's second program.
pub fn guard_extension_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| built("vigil-guard-extension"))
}

/// Creation code of `contract` in `file` from this workspace's forge build (run once).
pub fn creation_code(file: &str, contract: &str) -> Vec<u8> {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    let out = OUT.get_or_init(|| forge_build(&workspace()).unwrap_or_else(|e| panic!("{e}")));
    forge_creation_code(out, file, contract).unwrap_or_else(|e| panic!("{e}"))
}
