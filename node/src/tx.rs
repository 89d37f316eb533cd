//! Transactions as they arrive: signed raw bytes (`eth_sendRawTransaction`) and call objects
//! (`eth_call`, `eth_estimateGas`, `eth_sendTransaction`), turned into the devnet's
//! [`TxRequest`].

use crate::error::RpcError;
use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction as _, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, TxKind, B256, U256};
use alloy_rpc_types_eth::TransactionRequest;
use vigil_devnet::chain::{Fees, TxRequest};
use vigil_devnet::error::TxError;

/// A decoded transaction whose signature has been checked.
#[derive(Clone, Debug)]
pub struct SignedTx {
    pub envelope: TxEnvelope,
    pub from: Address,
}

impl SignedTx {
    /// Decodes EIP-2718 bytes (legacy, EIP-2930 or EIP-1559), recovers the signer and checks
    /// the chain id (pre-EIP-155 legacy transactions carry none and are valid on every chain).
    pub fn decode(raw: &[u8], chain_id: u64) -> Result<Self, RpcError> {
        let envelope = TxEnvelope::decode_2718_exact(raw)
            .map_err(|e| RpcError::InvalidTransaction(e.to_string()))?;
        if !matches!(
            envelope,
            TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_)
        ) {
            return Err(RpcError::UnsupportedType(envelope.tx_type() as u8));
        }
        if let Some(tx) = envelope.chain_id().filter(|&id| id != chain_id) {
            return Err(TxError::WrongChainId {
                tx,
                chain: chain_id,
            }
            .into());
        }
        let from = envelope
            .recover_signer()
            .map_err(|e| RpcError::InvalidSignature(e.to_string()))?;
        Ok(Self { envelope, from })
    }

    pub fn hash(&self) -> B256 {
        *self.envelope.tx_hash()
    }

    /// What the devnet runs.
    pub fn request(&self) -> TxRequest {
        let tx = &self.envelope;
        let fees = match tx {
            TxEnvelope::Legacy(_) => Fees::Legacy {
                gas_price: tx.max_fee_per_gas(),
            },
            TxEnvelope::Eip2930(_) => Fees::AccessList {
                gas_price: tx.max_fee_per_gas(),
            },
            _ => Fees::Dynamic {
                max_fee: tx.max_fee_per_gas(),
                max_priority_fee: tx.max_priority_fee_per_gas().unwrap_or_default(),
            },
        };
        TxRequest {
            caller: self.from,
            kind: tx.kind(),
            data: tx.input().clone(),
            value: tx.value(),
            gas_limit: tx.gas_limit(),
            fees,
            nonce: Some(tx.nonce()),
            access_list: tx.access_list().cloned().unwrap_or_default(),
            chain_id: tx.chain_id(),
        }
    }
}

/// The devnet request for a call object. Missing fields take what geth takes for a call: the
/// zero address as sender, `gas` as gas limit, price zero, the account's nonce.
pub fn call_request(call: &TransactionRequest, gas: u64) -> Result<TxRequest, RpcError> {
    let data = call.input.input().cloned().unwrap_or_default();
    if let (Some(input), Some(data)) = (&call.input.input, &call.input.data) {
        if input != data {
            return Err(RpcError::InvalidParams(
                "both \"input\" and \"data\" are set and differ: send one of them".into(),
            ));
        }
    }
    let fees = match (call.gas_price, call.max_fee_per_gas) {
        (Some(gas_price), None) if call.access_list.is_some() => Fees::AccessList { gas_price },
        (Some(gas_price), None) => Fees::Legacy { gas_price },
        (None, max_fee) => Fees::Dynamic {
            max_fee: max_fee.unwrap_or_default(),
            max_priority_fee: call.max_priority_fee_per_gas.unwrap_or_default(),
        },
        (Some(_), Some(_)) => {
            return Err(RpcError::InvalidParams(
                "both \"gasPrice\" and \"maxFeePerGas\" are set: send one of them".into(),
            ))
        }
    };
    Ok(TxRequest {
        caller: call.from.unwrap_or_default(),
        kind: call.to.unwrap_or(TxKind::Create),
        data,
        value: call.value.unwrap_or(U256::ZERO),
        gas_limit: call.gas.unwrap_or(gas),
        fees,
        nonce: call.nonce,
        access_list: call.access_list.clone().unwrap_or_default(),
        chain_id: call.chain_id,
    })
}
