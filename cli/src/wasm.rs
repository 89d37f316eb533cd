//! The programs' wasm, as `script/build-contracts.sh` writes it to `target/wasm/<crate>.wasm`,
//! turned into the code that goes on chain: brotli-compressed behind the Stylus prefix (the
//! codehash is the keccak of that), wrapped in init code that returns it.

use crate::Error;
use alloy_primitives::{keccak256, Bytes, B256, U256};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Stylus code: 0xEFF000 then the dictionary byte (0: none).
const STYLUS_PREFIX: [u8; 4] = [0xef, 0xf0, 0x00, 0x00];
/// The EVM's code size limit, which a single Stylus program's compressed code must fit.
pub const MAX_CODE_SIZE: usize = 24_576;

/// One of Vigil's programs, in the order they are deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramKind {
    /// The registry's second program, reached by DELEGATECALL.
    Extension,
    /// The guard's second program, reached by DELEGATECALL.
    GuardExtension,
    Guard,
    Registry,
}

impl ProgramKind {
    pub const ALL: [ProgramKind; 4] = [
        Self::Extension,
        Self::GuardExtension,
        Self::Guard,
        Self::Registry,
    ];

    /// The position in [`ProgramKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in the record and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Extension => "extension",
            Self::GuardExtension => "guardExtension",
            Self::Guard => "guard",
            Self::Registry => "registry",
        }
    }

    /// The `vigil deploy` option that adopts one already deployed.
    pub fn flag(self) -> &'static str {
        match self {
            Self::Extension => "--extension",
            Self::GuardExtension => "--guard-extension",
            Self::Guard => "--guard",
            Self::Registry => "--registry",
        }
    }

    /// The file build-contracts.sh writes.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Extension => "vigil_registry_extension.wasm",
            Self::GuardExtension => "vigil_guard_extension.wasm",
            Self::Guard => "vigil_guard.wasm",
            Self::Registry => "vigil_registry.wasm",
        }
    }
}

/// A program ready to deploy.
#[derive(Clone, Debug)]
pub struct Wasm {
    pub kind: ProgramKind,
    pub path: PathBuf,
    pub size: usize,
    /// sha256 of the wasm file, to tell which build was deployed.
    pub sha256: B256,
    /// keccak256 of the compressed code: what the chain reports as the program's codehash.
    pub codehash: B256,
    /// The code on chain: the Stylus prefix and the compressed wasm.
    pub code: Bytes,
    /// The init code deployed through the StylusDeployer.
    pub initcode: Vec<u8>,
}

impl Wasm {
    pub fn load(dir: &Path, kind: ProgramKind) -> Result<Self, Error> {
        let path = dir.join(kind.file_name());
        if !path.is_file() {
            return Err(Error::MissingWasm {
                program: kind.name(),
                path,
            });
        }
        let wasm = std::fs::read(&path).map_err(|source| Error::ReadWasm {
            path: path.clone(),
            source,
        })?;
        let code = compress(&wasm).map_err(|source| Error::ReadWasm {
            path: path.clone(),
            source,
        })?;
        if code.len() > MAX_CODE_SIZE {
            return Err(Error::WasmTooLarge {
                program: kind.name(),
                size: code.len(),
                limit: MAX_CODE_SIZE,
            });
        }
        Ok(Wasm {
            kind,
            path,
            size: wasm.len(),
            sha256: B256::from_slice(&Sha256::digest(&wasm)),
            codehash: keccak256(&code),
            initcode: initcode(&code),
            code: code.into(),
        })
    }
}

/// Brotli at quality 11 with a 4 MiB window, as cargo-stylus compresses: the smallest code, so
/// the lowest deployment gas.
fn compress(wasm: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = STYLUS_PREFIX.to_vec();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(wasm)?;
    }
    Ok(out)
}

/// `PUSH32 len; DUP1; PUSH1 43; PUSH1 0; CODECOPY; PUSH1 0; RETURN; 0x00` then the code: copies
/// the code that follows the 43-byte prelude and returns it (the prelude cargo-stylus uses).
fn initcode(code: &[u8]) -> Vec<u8> {
    let mut init = vec![0x7f];
    init.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    init.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend_from_slice(code);
    init
}
