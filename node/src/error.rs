//! The node's errors and their JSON-RPC codes: the standard codes for malformed requests, -32000
//! for a transaction the chain refuses (as geth), and code 3 with the revert data for a call
//! that reverts, which is what cast and alloy decode custom errors from.

use alloy_primitives::{hex, Address, Bytes};
use alloy_sol_types::{Revert, SolError};
use jsonrpsee::types::ErrorObjectOwned;
use thiserror::Error;
use vigil_devnet::error::TxError;
use vigil_devnet::DevnetError;

/// JSON-RPC's code for invalid method parameters.
pub const INVALID_PARAMS: i32 = -32602;
/// geth's code for a refused transaction or a failed call.
pub const SERVER_ERROR: i32 = -32000;
/// geth's code for a reverted call; `data` holds the revert bytes.
pub const REVERTED: i32 = 3;
/// JSON-RPC's code for an internal error.
pub const INTERNAL: i32 = -32603;

/// Everything a method can answer instead of a result.
#[derive(Debug, Error)]
pub enum RpcError {
    #[error("invalid params: {0}")]
    InvalidParams(String),
    #[error("{0}; fix the transaction and send it again")]
    Tx(#[from] TxError),
    #[error("invalid signature: {0}; sign the transaction with a valid secp256k1 key")]
    InvalidSignature(String),
    #[error(
        "transaction is not a valid EIP-2718 encoding: {0}; send the signed RLP bytes as 0x hex"
    )]
    InvalidTransaction(String),
    #[error(
        "transaction type {0} is not supported: send a legacy, EIP-2930 or EIP-1559 transaction"
    )]
    UnsupportedType(u8),
    /// A call or gas estimate that reverted.
    #[error("execution reverted")]
    Reverted(Bytes),
    /// A call or gas estimate whose top frame halted (out of gas, invalid opcode, ...).
    #[error("execution halted: {0}")]
    Halted(String),
    #[error("state of block {requested} is not kept: this node keeps only the latest state (block {latest}); ask for \"latest\"")]
    HistoricState { requested: u64, latest: u64 },
    #[error("block {0} does not exist yet (latest is {1})")]
    FutureBlock(u64, u64),
    #[error("{0} is not an unlocked account: sign the transaction yourself and use eth_sendRawTransaction, or call anvil_impersonateAccount first")]
    Locked(Address),
    #[error("transaction already known: {0}")]
    Known(alloy_primitives::B256),
    #[error("transaction {0} is not known to this node")]
    UnknownTransaction(alloy_primitives::B256),
    #[error("tracer {0} is not supported: this node runs Nitro's native \"stylusTracer\" (and answers cargo stylus's JavaScript query with it)")]
    UnsupportedTracer(String),
    #[error("filter not found: create a new one with eth_newFilter or eth_newBlockFilter")]
    UnknownFilter,
    #[error("state file: {0}")]
    State(String),
    #[error("{0}")]
    Devnet(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl RpcError {
    pub fn code(&self) -> i32 {
        match self {
            RpcError::InvalidParams(_)
            | RpcError::UnknownFilter
            | RpcError::UnsupportedTracer(_) => INVALID_PARAMS,
            RpcError::Reverted(_) => REVERTED,
            RpcError::State(_) | RpcError::Internal(_) => INTERNAL,
            _ => SERVER_ERROR,
        }
    }
}

impl From<DevnetError> for RpcError {
    fn from(error: DevnetError) -> Self {
        match error {
            DevnetError::Transaction(tx) => RpcError::Tx(tx),
            other => RpcError::Devnet(other.to_string()),
        }
    }
}

impl From<RpcError> for ErrorObjectOwned {
    fn from(error: RpcError) -> Self {
        let code = error.code();
        match error {
            RpcError::Reverted(data) => {
                let message = match Revert::abi_decode(&data) {
                    Ok(revert) => format!("execution reverted: {}", revert.reason),
                    Err(_) => "execution reverted".to_string(),
                };
                ErrorObjectOwned::owned(code, message, Some(hex::encode_prefixed(&data)))
            }
            other => ErrorObjectOwned::owned(code, other.to_string(), None::<()>),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revert_is_geths_code_3_with_the_data() {
        let data = Bytes::from(vec![0x12, 0x34, 0x56, 0x78]);
        let object = ErrorObjectOwned::from(RpcError::Reverted(data));
        assert_eq!(object.code(), 3);
        assert_eq!(object.message(), "execution reverted");
        assert_eq!(object.data().unwrap().get(), "\"0x12345678\"");
    }

    #[test]
    fn an_error_string_is_spelled_out() {
        let data = Revert::from("no").abi_encode();
        let object = ErrorObjectOwned::from(RpcError::Reverted(data.into()));
        assert_eq!(object.message(), "execution reverted: no");
    }

    #[test]
    fn refused_transactions_are_server_errors() {
        let error = RpcError::from(TxError::NonceTooLow { tx: 0, state: 1 });
        assert_eq!(error.code(), SERVER_ERROR);
        assert!(error.to_string().starts_with("nonce too low"));
    }
}
