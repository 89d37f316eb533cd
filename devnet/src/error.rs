//! Typed errors of the devnet.

use revm::primitives::Address;
use thiserror::Error;

/// Why a program cannot be deployed: the checks Nitro's activation applies.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ActivationError {
    #[error("code does not start with the Stylus prefix 0xEFF000")]
    NotStylus,
    #[error("unsupported Brotli dictionary {0}")]
    UnsupportedDictionary(u8),
    #[error("Brotli compression failed: {0}")]
    Compress(String),
    #[error("Brotli stream is corrupt: {0}")]
    Decompress(String),
    #[error("compressed program is {size} bytes, over the {limit}-byte code size limit")]
    CompressedTooLarge { size: usize, limit: usize },
    #[error("wasm is {size} bytes, over the {limit}-byte limit")]
    WasmTooLarge { size: usize, limit: usize },
    #[error("invalid or unsupported wasm: {0}")]
    Invalid(String),
    #[error("import {module}::{name} is not allowed")]
    ForbiddenImport { module: String, name: String },
    #[error("import {module}::{name} has the wrong signature")]
    ImportSignature { module: String, name: String },
    #[error("missing export user_entrypoint(i32) -> i32")]
    MissingEntrypoint,
    #[error("start functions are not allowed")]
    StartFunction,
    #[error("missing memory export")]
    MissingMemory,
    #[error("initial memory of {pages} pages exceeds the {limit}-page limit")]
    MemoryTooLarge { pages: u64, limit: u16 },
    #[error("opcode {0} is not priced by Stylus")]
    UnsupportedOpcode(String),
    #[error("instrumentation failed: {0}")]
    Instrument(String),
    #[error("wasm engine rejected the module: {0}")]
    Compile(String),
}

/// Errors of the devnet API.
#[derive(Debug, Error)]
pub enum DevnetError {
    #[error("activation failed: {0}")]
    Activation(#[from] ActivationError),
    #[error("transaction invalid: {0}")]
    Transaction(String),
    #[error("no snapshot {0}")]
    UnknownSnapshot(u64),
    #[error("{0} has no Stylus program")]
    NotAProgram(Address),
    #[error("deployment reverted or failed: {0}")]
    DeployFailed(String),
}
