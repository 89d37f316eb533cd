//! Signed transfers per second through `eth_sendRawTransaction`, from one client and from eight
//! at once, against any node: vigil-node or anvil (both fund the test mnemonic's accounts).
//!
//!   cargo run --profile native -p vigil-node --example rate -- http://127.0.0.1:8547 [count]
//!
//! Every transaction is signed before the clock starts; the clock stops when the last one's
//! receipt is available, so a node that answers before mining gains nothing.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_network::TxSignerSync;
use alloy_primitives::{hex, Address, TxKind, U256};
use alloy_signer_local::PrivateKeySigner;
use serde_json::{json, Value};
use std::time::Instant;
use vigil_node::accounts::DevAccounts;

const RECEIVER: Address = Address::repeat_byte(0xb0);

async fn call(client: &reqwest::Client, url: &str, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let answer: Value = client
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("the node answers")
        .json()
        .await
        .expect("JSON");
    assert!(answer.get("error").is_none(), "{method}: {answer}");
    answer["result"].clone()
}

fn quantity(value: &Value) -> u128 {
    let text = value.as_str().expect("a quantity");
    u128::from_str_radix(text.trim_start_matches("0x"), 16).expect("hex")
}

/// `count` signed transfers from `signer`, starting at its current nonce.
async fn sign_batch(
    client: &reqwest::Client,
    url: &str,
    signer: &PrivateKeySigner,
    count: u64,
) -> Vec<String> {
    let chain_id = quantity(&call(client, url, "eth_chainId", json!([])).await) as u64;
    let price = quantity(&call(client, url, "eth_gasPrice", json!([])).await);
    let nonce = call(
        client,
        url,
        "eth_getTransactionCount",
        json!([signer.address(), "pending"]),
    )
    .await;
    let nonce = quantity(&nonce) as u64;
    (0..count)
        .map(|i| {
            let mut tx = TxEip1559 {
                chain_id,
                nonce: nonce + i,
                gas_limit: 21_000,
                max_fee_per_gas: price * 2,
                max_priority_fee_per_gas: 0,
                to: TxKind::Call(RECEIVER),
                value: U256::from(1),
                access_list: Default::default(),
                input: Default::default(),
            };
            let signature = signer.sign_transaction_sync(&mut tx).expect("sign");
            hex::encode_prefixed(TxEnvelope::from(tx.into_signed(signature)).encoded_2718())
        })
        .collect()
}

/// Sends every batch, one client per batch, all at once; returns transactions per second.
async fn run(url: &str, batches: Vec<Vec<String>>) -> f64 {
    let total: usize = batches.iter().map(Vec::len).sum();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for batch in batches {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut last = Value::Null;
            for raw in batch {
                last = call(&client, &url, "eth_sendRawTransaction", json!([raw])).await;
            }
            while call(&client, &url, "eth_getTransactionReceipt", json!([last]))
                .await
                .is_null()
            {
                // Polling without a pause would compete with the node for the CPU.
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8547".to_string());
    let count: u64 = args.next().map_or(2_000, |n| n.parse().expect("a count"));
    let accounts = DevAccounts::derive().expect("accounts");
    // The mnemonic's accounts (index 1..), which anvil funds too.
    let signers: Vec<PrivateKeySigner> = accounts.signers()[1..9].to_vec();
    let client = reqwest::Client::new();

    let one = vec![sign_batch(&client, &url, &signers[0], count).await];
    let one_rate = run(&url, one).await;
    let mut eight = Vec::new();
    for signer in &signers {
        eight.push(sign_batch(&client, &url, signer, count / 8).await);
    }
    let eight_rate = run(&url, eight).await;
    println!("| node | transfers | one client (tx/s) | eight clients (tx/s) |");
    println!("|---|---:|---:|---:|");
    println!("| {url} | {count} | {one_rate:.0} | {eight_rate:.0} |");
}
