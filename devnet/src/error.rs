//! Typed errors of the devnet.

use crate::stylus::programs::Fail;
use revm::primitives::{Address, U256};
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
    #[error("entry costs do not fit 16 bits: initCost {init_cost}, cachedCost {cached_cost}")]
    EntryCostTooHigh { init_cost: u64, cached_cost: u64 },
}

/// Why ArbWasm refuses a program or a request about one: Nitro's Solidity errors, whose ABI
/// encoding is the revert data (`stylus::arbwasm` encodes and decodes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ProgramError {
    #[error("ProgramNotWasm()")]
    NotWasm,
    #[error("ProgramNotActivated()")]
    NotActivated,
    #[error("ProgramNeedsUpgrade({version}, {stylus_version})")]
    NeedsUpgrade { version: u16, stylus_version: u16 },
    /// Age in seconds, past `expiryDays`.
    #[error("ProgramExpired({age})")]
    Expired { age: u64 },
    #[error("ProgramUpToDate()")]
    UpToDate,
    /// Age in seconds, under `keepaliveDays`.
    #[error("ProgramKeepaliveTooSoon({age})")]
    KeepaliveTooSoon { age: u64 },
    #[error("ProgramInsufficientValue({have}, {want})")]
    InsufficientValue { have: U256, want: U256 },
}

/// Errors of the devnet API.
#[derive(Debug, Error)]
pub enum DevnetError {
    #[error("activation failed: {0}")]
    Activation(#[from] ActivationError),
    #[error("transaction invalid: {0}")]
    Transaction(#[from] TxError),
    #[error("no snapshot {0}")]
    UnknownSnapshot(u64),
    #[error("{0} has no Stylus program")]
    NotAProgram(Address),
    #[error("deployment reverted or failed: {0}")]
    DeployFailed(String),
    #[error("ArbWasm: {0}")]
    Program(#[from] ProgramError),
}

impl From<Fail> for DevnetError {
    fn from(fail: Fail) -> Self {
        match fail {
            Fail::Program(error) => DevnetError::Program(error),
            Fail::OutOfGas => {
                DevnetError::Transaction(TxError::Other("ArbOS work ran out of gas".into()))
            }
        }
    }
}

/// Why a transaction is refused before it runs (nothing changes, no receipt): the checks of
/// transaction validation, each with the figures a caller needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TxError {
    #[error("nonce too low: transaction has {tx}, account has {state}")]
    NonceTooLow { tx: u64, state: u64 },
    #[error("nonce too high: transaction has {tx}, account has {state}")]
    NonceTooHigh { tx: u64, state: u64 },
    #[error("insufficient funds for gas * price + value: balance {balance}, cost {cost}")]
    InsufficientFunds { balance: U256, cost: U256 },
    #[error("intrinsic gas too low: gas limit {gas_limit}, minimum needed {intrinsic}")]
    IntrinsicGas { gas_limit: u64, intrinsic: u64 },
    #[error("gas limit {gas_limit} above the block gas limit {block}")]
    GasLimitAboveBlock { gas_limit: u64, block: u64 },
    #[error("max fee per gas less than block base fee: fee {fee}, base fee {basefee}")]
    FeeBelowBaseFee { fee: u128, basefee: u64 },
    #[error("max priority fee per gas {tip} higher than max fee per gas {fee}")]
    TipAboveFeeCap { tip: u128, fee: u128 },
    #[error("invalid chain id: transaction has {tx}, chain is {chain}")]
    WrongChainId { tx: u64, chain: u64 },
    #[error("sender {0} has code: only accounts without code send transactions")]
    SenderHasCode(Address),
    #[error("{0}")]
    Other(String),
}
