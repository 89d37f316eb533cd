//! One node as the benchmark's accounts see it: its chain id and fee, signed transactions with
//! nonces counted locally (so a client can sign a whole batch before the clock starts), and the
//! setup path that sends one transaction and insists on its success.

use crate::rpc::{quantity, Rpc, RpcError};
use crate::BenchError;
use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_network::TxSignerSync;
use alloy_primitives::{hex, Address, Bytes, TxKind, U256};
use alloy_signer_local::PrivateKeySigner;
use serde_json::{json, Value};
use std::time::Duration;

/// How long a client waits between two receipt polls: short against a run of seconds, long
/// enough that polling does not compete with the node for the CPU.
pub const POLL: Duration = Duration::from_millis(5);

/// A sender whose next nonce is known.
pub struct Account {
    signer: PrivateKeySigner,
    nonce: u64,
}

impl Account {
    pub fn address(&self) -> Address {
        self.signer.address()
    }
}

pub struct Chain {
    pub rpc: Rpc,
    chain_id: u64,
    /// Fee cap of every transaction: ten times the node's gas price at the start, so a base fee
    /// that rises under load never strands a signed transaction. The tip is zero on both nodes.
    max_fee: u128,
}

impl Chain {
    pub async fn connect(url: &str) -> Result<Self, RpcError> {
        let rpc = Rpc::new(url);
        let chain_id = rpc.quantity("eth_chainId", json!([])).await? as u64;
        let price = rpc.quantity("eth_gasPrice", json!([])).await?;
        Ok(Self {
            rpc,
            chain_id,
            max_fee: price * 10,
        })
    }

    /// `signer` with its pending nonce on this node.
    pub async fn account(&self, signer: &PrivateKeySigner) -> Result<Account, RpcError> {
        let params = json!([signer.address(), "pending"]);
        let nonce = self.rpc.quantity("eth_getTransactionCount", params).await?;
        Ok(Account {
            signer: signer.clone(),
            nonce: nonce as u64,
        })
    }

    /// A signed EIP-1559 transaction from `from` at its next nonce, as `eth_sendRawTransaction`
    /// takes it.
    pub fn sign(
        &self,
        from: &mut Account,
        to: TxKind,
        input: Bytes,
        value: U256,
        gas: u64,
    ) -> Result<String, BenchError> {
        let mut tx = TxEip1559 {
            chain_id: self.chain_id,
            nonce: from.nonce,
            gas_limit: gas,
            max_fee_per_gas: self.max_fee,
            max_priority_fee_per_gas: 0,
            to,
            value,
            access_list: Default::default(),
            input,
        };
        let signature = from.signer.sign_transaction_sync(&mut tx)?;
        from.nonce += 1;
        let envelope = TxEnvelope::from(tx.into_signed(signature));
        Ok(hex::encode_prefixed(envelope.encoded_2718()))
    }

    /// The node's gas estimate for the call, with a fifth more: setup transactions must not fail
    /// for a tight limit.
    pub async fn estimate(
        &self,
        from: Address,
        to: TxKind,
        input: &Bytes,
        value: U256,
    ) -> Result<u64, RpcError> {
        let mut call = json!({"from": from, "input": input, "value": value});
        if let TxKind::Call(to) = to {
            call["to"] = json!(to);
        }
        let gas = self
            .rpc
            .quantity("eth_estimateGas", json!([call, "latest"]))
            .await?;
        Ok((gas + gas / 5) as u64)
    }

    /// Sends one setup transaction and waits for it; a revert is an error naming `what`.
    pub async fn send(
        &self,
        what: &str,
        from: &mut Account,
        to: TxKind,
        input: Bytes,
        value: U256,
    ) -> Result<Value, BenchError> {
        let gas = self.estimate(from.address(), to, &input, value).await?;
        let raw = self.sign(from, to, input, value, gas)?;
        let hash = self
            .rpc
            .call("eth_sendRawTransaction", json!([raw]))
            .await?;
        let receipt = wait_receipt(&self.rpc, &hash).await?;
        if !succeeded(&receipt) {
            return Err(BenchError::Reverted {
                what: what.to_string(),
                receipt,
            });
        }
        Ok(receipt)
    }

    /// An `eth_call` at the latest block; its return data.
    pub async fn view(&self, to: Address, input: Bytes) -> Result<Bytes, BenchError> {
        let answer = self
            .rpc
            .call("eth_call", json!([{"to": to, "input": input}, "latest"]))
            .await?;
        let text = answer.as_str().unwrap_or_default();
        hex::decode(text).map(Bytes::from).map_err(|_| {
            BenchError::Check(format!("eth_call to {to} returned {answer}, not hex data"))
        })
    }
}

/// Polls for the receipt of `hash` until the node has one.
pub async fn wait_receipt(rpc: &Rpc, hash: &Value) -> Result<Value, RpcError> {
    loop {
        let receipt = rpc.call("eth_getTransactionReceipt", json!([hash])).await?;
        if !receipt.is_null() {
            return Ok(receipt);
        }
        tokio::time::sleep(POLL).await;
    }
}

pub fn succeeded(receipt: &Value) -> bool {
    quantity(&receipt["status"]) == Some(1)
}
