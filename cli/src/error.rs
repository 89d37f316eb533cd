//! Every way a command can stop, each with the next step for the user. Errors found before the
//! first transaction (key, arguments, config, wasm, chain, record, a simulated revert) leave the
//! chain untouched.

use alloy_primitives::{Address, B256};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{0} is not set: export the private key (0x and 64 hex digits), or name an encrypted \
         keystore with --keystore"
    )]
    MissingKey(&'static str),
    /// The key's value is never part of the message.
    #[error("{0} is not a private key: expected 0x and 64 hex digits (the value is not shown)")]
    BadKey(&'static str),
    #[error("the keystore {path} cannot be unlocked: {problem}")]
    Keystore { path: PathBuf, problem: String },
    #[error("{what}: {message}")]
    BadArgument { what: String, message: String },
    #[error(
        "no deployment of Vigil is recorded for chain {chain_id} at {path}: deploy it with \
         `vigil deploy`, point --deployments at the directory that holds {chain_id}.json, or name \
         the programs with --registry and --guard"
    )]
    NoDeployment { path: PathBuf, chain_id: u64 },
    #[error(
        "there is no contract at {address} (the {what}) on chain {chain_id}: check --rpc-url \
         and the deployment's addresses"
    )]
    NotDeployed {
        what: &'static str,
        address: Address,
        chain_id: u64,
    },
    #[error("{what} would revert, so nothing was sent: {sentence}")]
    WouldRevert { what: String, sentence: String },
    #[error("{what} reverted in transaction {tx}: {sentence}")]
    TxReverted {
        what: String,
        tx: B256,
        sentence: String,
    },
    #[error(
        "transaction {tx} (nonce {nonce}) was not mined within {waited} s; it may still be: \
         check it later with `cast receipt {tx}`, or replace it by sending a transaction at nonce \
         {nonce} with a higher fee"
    )]
    Stuck { tx: B256, nonce: u64, waited: u64 },
    #[error("{0}")]
    Safe(String),
    #[error("the deployment is not healthy ({0}): the failures above say what to do")]
    Unhealthy(String),
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
    WouldFail { step: String, message: String },
    #[error("{step} reverted in transaction {tx}")]
    Reverted { step: &'static str, tx: B256 },
    #[error("{step}: transaction {tx} has no {what} log")]
    MissingLog {
        step: &'static str,
        tx: B256,
        what: &'static str,
    },
    /// A program named with --extension, --guard-extension, --guard or --registry is not what
    /// this deployment would have made, or does not fit with the others; the problem says what to
    /// do.
    #[error("cannot adopt the {program} at {address}, so nothing was sent: {problem}")]
    Adopt {
        program: &'static str,
        address: Address,
        problem: String,
    },
    #[error("cannot read the record {path}: {message}")]
    ReadRecord { path: PathBuf, message: String },
    #[error("cannot write the record {path}: {source}")]
    WriteRecord {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write to the standard output: {0}")]
    Output(std::io::Error),
    #[error(transparent)]
    Explorer(#[from] crate::explorer::ExplorerError),
}
