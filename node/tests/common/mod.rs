//! Shared by the node's tests: a node on a free port, alloy providers with a dev key, raw
//! JSON-RPC, and a tiny EVM contract that logs.
#![allow(dead_code)]

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address, Bytes, U256};
use alloy_provider::{Provider, ProviderBuilder, WsConnect};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use serde_json::{json, Value};
use std::path::PathBuf;
pub use vigil_devnet::artifacts::workspace;
use vigil_devnet::Devnet;
use vigil_node::accounts::NITRO_DEV_KEY;
use vigil_node::{Config, Running};

/// The owner the guard of [`guard_node`] is deployed with.
pub const GUARD_OWNER: Address = Address::repeat_byte(0x0b);

/// A node serving a devnet with Vigil's CircuitGuard (release wasm) deployed, its extension
/// first, owned by [`GUARD_OWNER`]; returns the node and the guard's address.
pub async fn guard_node() -> (Running, Address) {
    let (tx, rx) = std::sync::mpsc::channel();
    let config = Config {
        devnet_time: true,
        ..Config::default()
    };
    let node = node_with(config, move || {
        let mut chain = Devnet::new();
        let (guard, _) = vigil_devnet::system::deploy_guard(&mut chain, GUARD_OWNER);
        let _ = tx.send(guard);
        chain
    })
    .await;
    let guard = rx.recv().expect("the guard's address");
    (node, guard)
}

/// A node on a free port of 127.0.0.1 serving a fresh devnet.
pub async fn node() -> Running {
    node_with(Config::default(), Devnet::new).await
}

/// A node on a free port with `config` (its port is replaced) serving `devnet()`.
pub async fn node_with<D>(config: Config, devnet: D) -> Running
where
    D: FnOnce() -> Devnet + Send + 'static,
{
    let config = Config { port: 0, ..config };
    vigil_node::start(config, devnet).await.expect("start node")
}

pub fn dev_signer() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&NITRO_DEV_KEY).unwrap()
}

/// An HTTP provider that signs with `signer`.
pub fn provider(node: &Running, signer: PrivateKeySigner) -> impl Provider {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(node.http_url().parse().unwrap())
}

/// A WebSocket provider without a wallet.
pub async fn ws_provider(node: &Running) -> impl Provider {
    ProviderBuilder::new()
        .connect_ws(WsConnect::new(node.ws_url()))
        .await
        .expect("ws connect")
}

/// Posts a raw body; returns the HTTP status and the JSON answer.
pub async fn post(node: &Running, body: impl Into<String>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(node.http_url())
        .header("content-type", "application/json")
        .body(body.into())
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// One JSON-RPC call; returns the whole response object.
pub async fn rpc(node: &Running, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    post(node, body.to_string()).await.1
}

/// The error code of a response, if it is an error.
pub fn code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}

/// Runtime: `mstore(0, calldataload(0)); log1(0, 32, calldataload(0))` – logs its first
/// calldata word as topic and data.
const LOGGER_RUNTIME: [u8; 15] = [
    0x60, 0x00, 0x35, 0x60, 0x00, 0x52, 0x60, 0x00, 0x35, 0x60, 0x20, 0x60, 0x00, 0xa1, 0x00,
];

/// Init code of the logger: copies the runtime (after these 12 bytes) and returns it.
pub fn logger_initcode() -> Bytes {
    let mut code = vec![
        0x60, 15, 0x60, 12, 0x60, 0x00, 0x39, 0x60, 15, 0x60, 0x00, 0xf3,
    ];
    code.extend_from_slice(&LOGGER_RUNTIME);
    code.into()
}

pub fn logger_runtime() -> Bytes {
    Bytes::from_static(&LOGGER_RUNTIME)
}

/// Deploys the logger from the provider's wallet; returns its address.
pub async fn deploy_logger(provider: &impl Provider) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(logger_initcode());
    let receipt = provider
        .send_transaction(tx)
        .await
        .expect("send deploy")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    receipt.contract_address.expect("contract address")
}

pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// A tool script/setup-forge.sh installs from npm (forge, cast, anvil) under node_modules/.bin.
pub fn npm_tool(name: &str) -> PathBuf {
    let path = workspace().join("node_modules/.bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run script/setup-forge.sh",
        path.display()
    );
    path
}

/// Puts the project's error and function selectors in foundry's cache under `home` (what a
/// developer does once), so that cast names Vigil's custom errors.
pub fn cache_selectors(home: &std::path::Path) {
    let cached = std::process::Command::new(npm_tool("forge"))
        .args(["selectors", "cache", "--root"])
        .arg(workspace())
        .current_dir(workspace())
        .env("HOME", home)
        .output()
        .expect("run forge");
    assert!(
        cached.status.success(),
        "{}",
        String::from_utf8_lossy(&cached.stderr)
    );
}

/// Sends `tx` and waits for its receipt: the setup step most tests repeat (the receipt's status
/// is the caller's to check).
pub async fn mined(provider: &impl Provider, tx: TransactionRequest) -> TransactionReceipt {
    provider
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap()
}
