//! Why a benchmark run could not produce its figures.

use crate::rpc::RpcError;
use serde_json::Value;
use thiserror::Error;
use vigil_devnet::artifacts::BuildError;
use vigil_node::StartError;

#[derive(Debug, Error)]
pub enum BenchError {
    #[error(transparent)]
    Rpc(#[from] RpcError),
    #[error("building the contracts: {0}")]
    Build(#[from] BuildError),
    #[error("starting vigil-node: {0}")]
    Start(#[from] StartError),
    #[error("signing: {0}")]
    Sign(#[from] alloy_signer::Error),
    #[error("anvil: {0}")]
    Anvil(String),
    #[error("{what} failed; receipt: {receipt}")]
    Reverted { what: String, receipt: Value },
    #[error("{0}")]
    Check(String),
    #[error("interrupted")]
    Interrupted,
    #[error("usage: node_bench [--count N]  (N >= {0} withdraws per run)")]
    Usage(usize),
}
