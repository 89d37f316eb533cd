//! Every way a deployment can stop, each with the next step for the operator. Errors found
//! before the first transaction (key, config, wasm, chain, record) leave the chain untouched.

use alloy_primitives::{Address, B256};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("{0} is not set: export the deployer's private key (0x and 64 hex digits)")]
    MissingKey(&'static str),
    /// The key's value is never part of the message.
    #[error("{0} is not a private key: expected 0x and 64 hex digits (the value is not shown)")]
    BadKey(&'static str),
    #[error("cannot read the config {path}: {source}")]
    ReadConfig {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config {path} is invalid: {message}")]
    BadConfig { path: PathBuf, message: String },
    #[error(
        "the wasm of {program} is missing at {path}: build it with script/build-contracts.sh \
         or point --wasm-dir at the directory that holds it"
    )]
    MissingWasm {
        program: &'static str,
        path: PathBuf,
    },
    #[error("cannot read the wasm {path}: {source}")]
    ReadWasm {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the wasm of {program} compresses to {size} bytes, over the {limit}-byte code limit")]
    WasmTooLarge {
        program: &'static str,
        size: usize,
        limit: usize,
    },
    #[error("cannot reach the RPC at {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("the RPC refused {what}: {message}")]
    Rpc { what: String, message: String },
    #[error(
        "{path} records chain {recorded} but the RPC at {url} serves chain {actual}: check \
         --rpc-url, or the file was renamed"
    )]
    WrongChain {
        path: PathBuf,
        recorded: u64,
        actual: u64,
        url: String,
    },
    #[error(
        "{path} records a deployment by {recorded} but the key is {actual}'s: resume with the \
         key that started it"
    )]
    WrongDeployer {
        path: PathBuf,
        recorded: Address,
        actual: Address,
    },
    #[error(
        "{path} was deployed with another config ({field} differs): resume with the config it \
         records, or deploy afresh into another --deployments directory"
    )]
    ConfigChanged { path: PathBuf, field: &'static str },
    #[error(
        "{path} says {what}, but the chain disagrees: {problem}. If the chain was reset, move \
         the file away and deploy afresh"
    )]
    ChainDisagrees {
        path: PathBuf,
        what: String,
        problem: String,
    },
    #[error(
        "the wasm of {program} changed since it was deployed (codehash {recorded} on chain, \
         {local} built): rebuild the deployed version, or deploy afresh"
    )]
    WasmChanged {
        program: &'static str,
        recorded: B256,
        local: B256,
    },
    #[error(
        "no StylusDeployer at {0} on this chain: Vigil's programs are deployed through it \
         (every Arbitrum chain has it; a local node must predeploy it)"
    )]
    NoStylusDeployer(Address),
    #[error("{step} would fail: {message}")]
    WouldFail { step: &'static str, message: String },
    #[error("{step} reverted in transaction {tx}")]
    Reverted { step: &'static str, tx: B256 },
    #[error("{step}: transaction {tx} has no {what} log")]
    MissingLog {
        step: &'static str,
        tx: B256,
        what: &'static str,
    },
    #[error("cannot read the record {path}: {message}")]
    ReadRecord { path: PathBuf, message: String },
    #[error("cannot write the record {path}: {source}")]
    WriteRecord {
        path: PathBuf,
        source: std::io::Error,
    },
}
