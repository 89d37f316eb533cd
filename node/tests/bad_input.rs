//! Bad input gets the standard JSON-RPC code and a message that says what to do, and changes
//! nothing: the balance, nonce and block number of the chain stay as they were.

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_network::TxSignerSync;
use alloy_primitives::{address, hex, Address, Bytes, Signature, TxKind, U256};
use alloy_signer_local::PrivateKeySigner;
use common::*;
use serde_json::{json, Value};
use vigil_node::chain::BASE_FEE;
use vigil_node::{Config, Running};

const BOB: Address = address!("00000000000000000000000000000000000000b0");

/// What must not move when a request is refused.
async fn fingerprint(node: &Running, who: Address) -> (Value, Value, Value) {
    let balance = rpc(node, "eth_getBalance", json!([who, "latest"])).await;
    let nonce = rpc(node, "eth_getTransactionCount", json!([who, "latest"])).await;
    let block = rpc(node, "eth_blockNumber", json!([])).await;
    (
        balance["result"].clone(),
        nonce["result"].clone(),
        block["result"].clone(),
    )
}

fn transfer(nonce: u64) -> TxEip1559 {
    TxEip1559 {
        chain_id: 412_346,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: u128::from(BASE_FEE),
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(BOB),
        value: U256::from(1),
        access_list: Default::default(),
        input: Bytes::new(),
    }
}

fn signed(signer: &PrivateKeySigner, mut tx: TxEip1559) -> String {
    let signature = signer.sign_transaction_sync(&mut tx).unwrap();
    hex::encode_prefixed(TxEnvelope::from(tx.into_signed(signature)).encoded_2718())
}

/// Sends `raw`; asserts the error code, that the message contains `says`, and that nothing
/// changed for the dev account.
async fn refused(node: &Running, raw: String, expected: i64, says: &str) {
    let who = dev_signer().address();
    let before = fingerprint(node, who).await;
    let response = rpc(node, "eth_sendRawTransaction", json!([raw])).await;
    assert_eq!(code(&response), Some(expected), "{response}");
    let message = response["error"]["message"].as_str().unwrap();
    assert!(message.contains(says), "{message:?} should say {says:?}");
    assert_eq!(fingerprint(node, who).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_is_a_parse_error() {
    let node = node().await;
    let (_, response) = post(&node, r#"{"jsonrpc":"2.0","id":1,"method":"#).await;
    assert_eq!(code(&response), Some(-32700), "{response}");
    let (_, response) = post(&node, r#"{"jsonrpc":"2.0","id":1}"#).await;
    assert_eq!(code(&response), Some(-32600), "{response}");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_methods_and_bad_params_are_named() {
    let node = node().await;
    let response = rpc(&node, "eth_getAccountInfo", json!([BOB, "latest"])).await;
    assert_eq!(code(&response), Some(-32601), "{response}");
    let message = response["error"]["message"].as_str().unwrap();
    assert!(message.contains("eth_getAccountInfo"), "{message}");
    assert!(message.contains("devnet/README.md"), "{message}");
    let response = rpc(&node, "eth_getBalance", json!(["0x1234"])).await;
    assert_eq!(code(&response), Some(-32602), "{response}");
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .contains("address"));
    let response = rpc(&node, "eth_getBalance", json!([])).await;
    assert_eq!(code(&response), Some(-32602), "{response}");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_requests_and_batches_are_refused() {
    let config = Config {
        max_request_bytes: 2_048,
        max_batch: 3,
        ..Config::default()
    };
    let node = node_with(config, vigil_devnet::Devnet::new).await;
    let big = format!("0x{}", "00".repeat(4_096));
    let body =
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": [big]});
    let (status, response) = post(&node, body.to_string()).await;
    assert_eq!(status, 413);
    assert_eq!(code(&response), Some(-32007), "{response}");
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []});
    let (_, response) = post(&node, json!([call, call, call, call]).to_string()).await;
    assert_eq!(code(&response), Some(-32010), "{response}");
    let (_, response) = post(&node, json!([call, call, call]).to_string()).await;
    let answers = response.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 3);
    assert!(answers.iter().all(|a| a["result"] == "0x64aba"));
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_signatures_and_encodings() {
    let node = node().await;
    let tx = transfer(0);
    let bad = Signature::new(U256::ZERO, U256::ZERO, false);
    let raw = hex::encode_prefixed(TxEnvelope::from(tx.into_signed(bad)).encoded_2718());
    refused(&node, raw, -32000, "invalid signature").await;
    refused(&node, "0x02c0ffee".into(), -32000, "EIP-2718").await;
    refused(&node, "0x".into(), -32000, "EIP-2718").await;
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_transactions_change_nothing() {
    let node = node().await;
    let dev = dev_signer();
    let first = rpc(
        &node,
        "eth_sendRawTransaction",
        json!([signed(&dev, transfer(0))]),
    )
    .await;
    assert!(first["result"].is_string(), "{first}");

    let foreign = TxEip1559 {
        chain_id: 1,
        ..transfer(1)
    };
    refused(&node, signed(&dev, foreign), -32000, "invalid chain id").await;
    let replay = TxEip1559 {
        value: U256::from(2),
        ..transfer(0)
    };
    refused(&node, signed(&dev, replay), -32000, "nonce too low").await;
    refused(&node, signed(&dev, transfer(7)), -32000, "nonce too high").await;
    let short = TxEip1559 {
        gas_limit: 20_999,
        ..transfer(1)
    };
    refused(&node, signed(&dev, short), -32000, "intrinsic gas too low").await;
    let cheap = TxEip1559 {
        max_fee_per_gas: 1,
        ..transfer(1)
    };
    refused(
        &node,
        signed(&dev, cheap),
        -32000,
        "less than block base fee",
    )
    .await;
    let rich = TxEip1559 {
        value: ether(1_000_000),
        ..transfer(1)
    };
    refused(&node, signed(&dev, rich), -32000, "insufficient funds").await;
    let pauper = PrivateKeySigner::random();
    let response = rpc(
        &node,
        "eth_sendRawTransaction",
        json!([signed(&pauper, transfer(0))]),
    )
    .await;
    assert_eq!(code(&response), Some(-32000));
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .contains("insufficient funds"));
    // The same signed bytes twice: the second is already known.
    let again = rpc(
        &node,
        "eth_sendRawTransaction",
        json!([signed(&dev, transfer(1))]),
    )
    .await;
    assert!(again["result"].is_string(), "{again}");
    let known = rpc(
        &node,
        "eth_sendRawTransaction",
        json!([signed(&dev, transfer(1))]),
    )
    .await;
    assert_eq!(code(&known), Some(-32000), "{known}");
    // Only the two good transfers happened.
    let bob = rpc(&node, "eth_getBalance", json!([BOB, "latest"])).await;
    assert_eq!(bob["result"], "0x2");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_account_cannot_send() {
    let node = node().await;
    let response = rpc(
        &node,
        "eth_sendTransaction",
        json!([{"from": BOB, "to": BOB, "value": "0x1"}]),
    )
    .await;
    assert_eq!(code(&response), Some(-32000), "{response}");
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .contains("anvil_impersonateAccount"));
    node.stop().await.unwrap();
}
