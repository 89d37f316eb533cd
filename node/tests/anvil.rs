//! The anvil methods scripts use, interval mining, and the state file.

mod common;

use alloy_eips::BlockId;
use alloy_network::TransactionBuilder;
use alloy_primitives::{address, Address, Bytes, B256, U256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::TransactionRequest;
use common::*;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use vigil_node::{Config, Running};

const BOB: Address = address!("00000000000000000000000000000000000000b0");
const WHALE: Address = address!("00000000000000000000000000000000000000aa");

async fn result(node: &Running, method: &str, params: Value) -> Value {
    let response = rpc(node, method, params).await;
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

async fn latest_timestamp(node: &Running) -> u64 {
    let block = result(node, "eth_getBlockByNumber", json!(["latest", false])).await;
    u64::from_str_radix(
        block["timestamp"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
        16,
    )
    .unwrap()
}

async fn send(node: &Running, value: u64) {
    let provider = provider(node, dev_signer());
    let tx = TransactionRequest::default()
        .with_to(BOB)
        .with_value(U256::from(value));
    mined(&provider, tx).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_and_revert_restore_state_and_blocks() {
    let node = node().await;
    send(&node, 1).await;
    let id = result(&node, "evm_snapshot", json!([])).await;
    send(&node, 2).await;
    send(&node, 3).await;
    assert_eq!(result(&node, "eth_blockNumber", json!([])).await, "0x3");
    assert_eq!(result(&node, "evm_revert", json!([id])).await, true);
    assert_eq!(result(&node, "eth_blockNumber", json!([])).await, "0x1");
    let balance = result(&node, "eth_getBalance", json!([BOB, "latest"])).await;
    assert_eq!(balance, "0x1");
    // A snapshot is used up by its revert.
    assert_eq!(result(&node, "evm_revert", json!([id])).await, false);
    // The chain goes on from the snapshot.
    send(&node, 4).await;
    assert_eq!(result(&node, "eth_blockNumber", json!([])).await, "0x2");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn time_moves_forward_on_request() {
    let node = node().await;
    let start = latest_timestamp(&node).await;
    result(&node, "evm_increaseTime", json!([3_600])).await;
    result(&node, "evm_mine", json!([])).await;
    let after = latest_timestamp(&node).await;
    assert!(after >= start + 3_600, "{after} < {start} + 3600");
    let next = after + 1_000_000;
    result(&node, "evm_setNextBlockTimestamp", json!([next])).await;
    send(&node, 1).await;
    assert_eq!(latest_timestamp(&node).await, next);
    send(&node, 1).await;
    assert!(latest_timestamp(&node).await > next);
    let past = rpc(&node, "evm_setNextBlockTimestamp", json!([start])).await;
    assert_eq!(code(&past), Some(-32602), "{past}");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn impersonation_balance_and_code() {
    let node = node().await;
    result(
        &node,
        "anvil_setBalance",
        json!([WHALE, "0xde0b6b3a7640000"]),
    )
    .await;
    let send = json!([{"from": WHALE, "to": BOB, "value": "0x5"}]);
    let locked = rpc(&node, "eth_sendTransaction", send.clone()).await;
    assert_eq!(code(&locked), Some(-32000));
    result(&node, "anvil_impersonateAccount", json!([WHALE])).await;
    let hash = result(&node, "eth_sendTransaction", send.clone()).await;
    let receipt = result(&node, "eth_getTransactionReceipt", json!([hash])).await;
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["from"], json!(WHALE));
    // A second impersonated send has its own hash.
    let second = result(&node, "eth_sendTransaction", send.clone()).await;
    assert_ne!(second, hash);
    result(&node, "anvil_stopImpersonatingAccount", json!([WHALE])).await;
    assert_eq!(
        code(&rpc(&node, "eth_sendTransaction", send).await),
        Some(-32000)
    );
    assert_eq!(
        result(&node, "eth_getBalance", json!([BOB, "latest"])).await,
        "0xa"
    );

    result(&node, "anvil_setCode", json!([BOB, logger_runtime()])).await;
    let code = result(&node, "eth_getCode", json!([BOB, "latest"])).await;
    assert_eq!(code, json!(logger_runtime()));
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn interval_mining_seals_on_the_timer() {
    let config = Config {
        block_time: Some(Duration::from_secs(1)),
        ..Config::default()
    };
    let node = node_with(config, vigil_devnet::Devnet::new).await;
    let provider = provider(&node, dev_signer());
    let tx = TransactionRequest::default()
        .with_to(BOB)
        .with_value(U256::from(1));
    let pending = provider.send_transaction(tx).await.unwrap();
    let hash = *pending.tx_hash();
    // Not mined yet: no receipt until the timer seals the block.
    let receipt = pending.get_receipt().await.unwrap();
    assert_eq!(receipt.transaction_hash, hash);
    assert!(receipt.block_number.unwrap() >= 1);
    node.stop().await.unwrap();
}

async fn latest_number(node: &Running) -> u64 {
    let number = result(node, "eth_blockNumber", json!([])).await;
    u64::from_str_radix(number.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

async fn timestamp_of(node: &Running, number: u64) -> u64 {
    let block = result(
        node,
        "eth_getBlockByNumber",
        json!([format!("{number:#x}"), false]),
    )
    .await;
    let hex = block["timestamp"]
        .as_str()
        .unwrap()
        .trim_start_matches("0x");
    u64::from_str_radix(hex, 16).unwrap()
}

/// Waits until the timer has sealed block `number` (a test that hangs here fails by timeout).
async fn wait_for_block(node: &Running, number: u64) {
    while latest_number(node).await < number {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every block's timestamp is at or after its parent's (sub-second blocks share seconds).
async fn assert_timestamps_never_go_back(node: &Running) {
    let latest = latest_number(node).await;
    let mut previous = timestamp_of(node, 0).await;
    for number in 1..=latest {
        let timestamp = timestamp_of(node, number).await;
        assert!(
            timestamp >= previous,
            "block {number}: {timestamp} < {previous}"
        );
        previous = timestamp;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn quarter_second_blocks_seal_without_transactions_and_share_seconds() {
    let config = Config {
        block_time: Some(Duration::from_millis(250)),
        ..Config::default()
    };
    let node = node_with(config, vigil_devnet::Devnet::new).await;
    let start = latest_number(&node).await;
    wait_for_block(&node, start + 3).await;

    let provider = provider(&node, dev_signer());
    let tx = TransactionRequest::default()
        .with_to(BOB)
        .with_value(U256::from(1));
    let sent_after = latest_number(&node).await;
    let receipt = mined(&provider, tx).await;
    let mined = receipt.block_number.unwrap();
    assert!(mined > sent_after, "sealed by the timer after it was sent");
    assert!(timestamp_of(&node, mined).await >= timestamp_of(&node, mined - 1).await);

    // The clock cheats still move the timer's blocks.
    let before = timestamp_of(&node, latest_number(&node).await).await;
    result(&node, "evm_increaseTime", json!([3_600])).await;
    let at = latest_number(&node).await;
    wait_for_block(&node, at + 2).await;
    assert!(timestamp_of(&node, at + 2).await >= before + 3_600);
    let next = before + 1_000_000;
    let at = latest_number(&node).await;
    result(&node, "evm_setNextBlockTimestamp", json!([next])).await;
    wait_for_block(&node, at + 3).await;
    let mut stamps = Vec::new();
    for number in at + 1..=latest_number(&node).await {
        stamps.push(timestamp_of(&node, number).await);
    }
    assert!(stamps.contains(&next), "{stamps:?} should hold {next}");
    assert!(stamps.last().unwrap() >= &next);
    let past = rpc(&node, "evm_setNextBlockTimestamp", json!([before])).await;
    assert_eq!(code(&past), Some(-32602), "{past}");
    assert_timestamps_never_go_back(&node).await;
    node.stop().await.unwrap();
}

#[test]
fn the_binary_refuses_a_block_time_that_is_not_positive() {
    for bad in ["0", "-1", "NaN", "inf", "soon"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vigil-node"))
            .args(["--port", "0", "--block-time", bad])
            .output()
            .expect("run vigil-node");
        assert!(!output.status.success(), "--block-time {bad} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("number of seconds"), "{bad}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn block_receipts_are_the_receipts_of_the_blocks_transactions() {
    // An hour-long block time: the block is sealed by evm_mine, with both transactions in it.
    let config = Config {
        block_time: Some(Duration::from_secs(3_600)),
        ..Config::default()
    };
    let node = node_with(config, vigil_devnet::Devnet::new).await;
    result(&node, "anvil_setCode", json!([WHALE, logger_runtime()])).await;
    let provider = provider(&node, dev_signer());
    let mut hashes = Vec::new();
    for (nonce, (to, input)) in [
        (BOB, Bytes::new()),
        (WHALE, Bytes::from(B256::repeat_byte(7).to_vec())),
        (WHALE, Bytes::from(B256::repeat_byte(8).to_vec())),
    ]
    .into_iter()
    .enumerate()
    {
        let tx = TransactionRequest::default()
            .with_to(to)
            .with_input(input)
            .with_nonce(nonce as u64)
            .with_gas_limit(100_000)
            .with_value(U256::from(1));
        hashes.push(*provider.send_transaction(tx).await.unwrap().tx_hash());
    }
    result(&node, "evm_mine", json!([])).await;
    let number = latest_number(&node).await;

    let mut expected = Vec::new();
    for hash in &hashes {
        let receipt = provider.get_transaction_receipt(*hash).await.unwrap();
        let receipt = receipt.expect("mined");
        assert_eq!(receipt.block_number, Some(number));
        expected.push(receipt);
    }
    let by_number = provider
        .get_block_receipts(BlockId::number(number))
        .await
        .unwrap()
        .expect("the block's receipts");
    assert_eq!(by_number, expected);
    assert_eq!(by_number[2].inner.logs()[0].log_index, Some(1));
    let hash = expected[0].block_hash.unwrap();
    let by_hash = provider.get_block_receipts(BlockId::hash(hash)).await;
    assert_eq!(by_hash.unwrap().expect("by hash"), expected);
    let latest = provider.get_block_receipts(BlockId::latest()).await;
    assert_eq!(latest.unwrap().expect("latest"), expected);
    let empty = provider.get_block_receipts(BlockId::number(0)).await;
    assert_eq!(empty.unwrap(), Some(Vec::new()));
    let future = provider
        .get_block_receipts(BlockId::number(number + 1))
        .await;
    assert_eq!(future.unwrap(), None);
    let unknown = provider
        .get_block_receipts(BlockId::hash(B256::repeat_byte(1)))
        .await;
    assert_eq!(unknown.unwrap(), None);
    node.stop().await.unwrap();
}

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-node-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("state.json")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_file_round_trips() {
    let path = temp_file("round-trip");
    let config = Config {
        state_file: Some(path.clone()),
        ..Config::default()
    };
    let node = node_with(config.clone(), vigil_devnet::Devnet::new).await;
    send(&node, 9).await;
    let provider = provider(&node, dev_signer());
    let logger = deploy_logger(&provider).await;
    let block = result(&node, "eth_getBlockByNumber", json!(["latest", false])).await;
    node.stop().await.unwrap();
    assert!(path.exists());

    let node = node_with(config, vigil_devnet::Devnet::new).await;
    assert_eq!(
        result(&node, "eth_getBalance", json!([BOB, "latest"])).await,
        "0x9"
    );
    let code = result(&node, "eth_getCode", json!([logger, "latest"])).await;
    assert_eq!(code, json!(logger_runtime()));
    let again = result(&node, "eth_getBlockByNumber", json!(["latest", false])).await;
    assert_eq!(again, block, "blocks survive too");
    // Nonces go on: the dev account can send at once.
    send(&node, 1).await;
    assert_eq!(
        result(&node, "eth_getBalance", json!([BOB, "latest"])).await,
        "0xa"
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn dump_and_load_state() {
    let path = temp_file("dump");
    let config = Config {
        state_file: Some(path.clone()),
        ..Config::default()
    };
    let node = node_with(config, vigil_devnet::Devnet::new).await;
    send(&node, 5).await;
    let dump = result(&node, "anvil_dumpState", json!([])).await;
    // anvil_dumpState also saves the file.
    let saved = std::fs::read(&path).unwrap();
    let hex = dump.as_str().unwrap();
    assert_eq!(alloy_primitives::hex::decode(hex).unwrap(), saved);
    send(&node, 5).await;
    assert_eq!(result(&node, "anvil_loadState", json!([dump])).await, true);
    assert_eq!(
        result(&node, "eth_getBalance", json!([BOB, "latest"])).await,
        "0x5"
    );
    let junk = rpc(&node, "anvil_loadState", json!([Bytes::from_static(b"{}")])).await;
    assert_eq!(code(&junk), Some(-32602), "{junk}");
    assert_eq!(
        result(&node, "eth_getBalance", json!([BOB, "latest"])).await,
        "0x5",
        "a bad state changes nothing"
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_save_leaves_the_previous_state() {
    let path = temp_file("interrupted");
    let config = Config {
        state_file: Some(path.clone()),
        ..Config::default()
    };
    let node = node_with(config.clone(), vigil_devnet::Devnet::new).await;
    send(&node, 3).await;
    node.stop().await.unwrap();
    let previous = std::fs::read(&path).unwrap();

    // A save that cannot complete (here: its temporary file cannot be created) fails and
    // leaves the state file as it was.
    let temp = vigil_node::state::temp_path(&path);
    std::fs::create_dir(&temp).unwrap();
    assert!(vigil_node::state::write_atomic(&path, b"{}").is_err());
    assert_eq!(std::fs::read(&path).unwrap(), previous);
    std::fs::remove_dir(&temp).unwrap();
    // A save killed half-way leaves a partial temporary file: the node starts from the
    // previous state, and its next save replaces both.
    std::fs::write(&temp, &previous[..previous.len() / 2]).unwrap();
    let node = node_with(config, vigil_devnet::Devnet::new).await;
    assert_eq!(
        result(&node, "eth_getBalance", json!([BOB, "latest"])).await,
        "0x3"
    );
    send(&node, 1).await;
    node.stop().await.unwrap();
    assert!(!temp.exists());
    let node = node_with(
        Config {
            state_file: Some(path),
            ..Config::default()
        },
        vigil_devnet::Devnet::new,
    )
    .await;
    assert_eq!(
        result(&node, "eth_getBalance", json!([BOB, "latest"])).await,
        "0x4"
    );
    node.stop().await.unwrap();
}

/// The binary, started as a user would, saves its state on SIGTERM.
#[tokio::test(flavor = "multi_thread")]
async fn the_binary_saves_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let path = temp_file("sigterm");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil-node"))
        .args(["--port", "0", "--state"])
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start vigil-node");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("the node prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("Listening on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    let url = format!("http://{addr}");
    let body =
        json!({"jsonrpc": "2.0", "id": 1, "method": "anvil_setBalance", "params": [BOB, "0x7"]});
    let answer: Value = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer.get("error").is_none(), "{answer}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let saved = vigil_node::state::load(&path)
        .unwrap()
        .expect("a saved state");
    let account = saved.state.accounts.get(&BOB).expect("BOB saved");
    assert_eq!(account.balance, U256::from(7));
}

/// A page served from another origin (the explorer hosted anywhere, a dapp) may call the node over
/// HTTP, as anvil allows: the browser's preflight passes and the answer admits any origin.
#[tokio::test(flavor = "multi_thread")]
async fn pages_on_other_origins_may_call_it_over_http() {
    let node = node().await;
    let client = reqwest::Client::new();
    let url = node.http_url();
    let origin = "http://127.0.0.1:8550";
    let preflight = client
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    for (name, value) in [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "*"),
        ("access-control-allow-headers", "*"),
    ] {
        assert_eq!(headers.get(name).map(|v| v.to_str().unwrap()), Some(value));
    }
    let answer = client
        .post(&url)
        .header("Origin", origin)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}))
        .send()
        .await
        .unwrap();
    let allowed = answer.headers().get("access-control-allow-origin").cloned();
    assert_eq!(allowed.as_ref().map(|v| v.to_str().unwrap()), Some("*"));
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["result"], "0x64aba");
}
