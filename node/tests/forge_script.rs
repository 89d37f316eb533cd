//! `forge script --broadcast` (the npm foundry script/setup-forge.sh installs) against the node:
//! test/forge/script/DeployVault.s.sol deploys the example GuardedVault behind the Solidity guard
//! baseline, with its TestToken, and deposits into it. Everything forge writes (build output,
//! caches, the broadcast log, its HOME) goes to a temporary directory; the results are then read
//! back from the chain through JSON-RPC, not taken from forge's word.

mod common;

use alloy_primitives::{hex, Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use vigil_node::accounts::NITRO_DEV_KEY;
use vigil_node::Running;

sol! {
    function balanceOf(address account) external view returns (uint256);
    function totalDeposits() external view returns (uint256);
    function token() external view returns (address);
    function guard() external view returns (address);
    function adminOf(address protocol) external view returns (address);
    function owner() external view returns (address);
}

/// What DeployVault.s.sol mints to the deployer and deposits (its MINTED and DEPOSITED).
const MINTED: u128 = 1_000 * 10u128.pow(18);
const DEPOSITED: u128 = 100 * 10u128.pow(18);

/// Runs the deploy script against `node`, signed with the Nitro dev key, with every file forge
/// writes under `dir`; panics with forge's output if it fails.
async fn forge_script(node: &Running, dir: &Path) {
    let mut command = Command::new(npm_tool("forge"));
    command
        .args(["script", "test/forge/script/DeployVault.s.sol:DeployVault"])
        .arg("--root")
        .arg(workspace())
        .args(["--rpc-url", &node.http_url(), "--broadcast"])
        .args(["--private-key", &hex::encode_prefixed(NITRO_DEV_KEY)])
        .current_dir(workspace())
        .env("HOME", dir.join("home"))
        .env("FOUNDRY_OUT", dir.join("out"))
        .env("FOUNDRY_CACHE_PATH", dir.join("cache"))
        .env("FOUNDRY_BROADCAST", dir.join("broadcast"))
        .env("NO_COLOR", "1")
        .env("CI", "true");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run forge");
    assert!(
        output.status.success(),
        "forge script failed\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

fn hex_bytes(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().expect("a hex string")).expect("valid hex")
}

fn address(value: &Value) -> Address {
    value
        .as_str()
        .expect("an address")
        .parse()
        .expect("valid address")
}

/// The result of an `eth_*` call, or a panic naming the node's error.
async fn result(node: &Running, method: &str, params: Value) -> Value {
    let response = rpc(node, method, params.clone()).await;
    assert!(response["error"].is_null(), "{method} {params}: {response}");
    response["result"].clone()
}

async fn call<C: SolCall>(node: &Running, to: Address, call: C) -> C::Return {
    let data = Bytes::from(call.abi_encode());
    let out = result(
        node,
        "eth_call",
        json!([{"to": to, "input": data}, "latest"]),
    )
    .await;
    C::abi_decode_returns(&hex_bytes(&out)).expect("decode return")
}

/// Checks that `code` is the artifact's runtime bytecode with its immutables set to `immutables`:
/// every byte outside the immutable slots as compiled, every slot of one immutable holding the
/// same word, and those words (one per immutable) being exactly the given addresses.
fn assert_runtime(code: &[u8], artifact: &Value, immutables: &[Address], name: &str) {
    let compiled = hex_bytes(&artifact["deployedBytecode"]["object"]);
    assert_eq!(code.len(), compiled.len(), "{name}: code length");
    let mut expected = compiled.clone();
    let mut words = BTreeSet::new();
    let references = artifact["deployedBytecode"]["immutableReferences"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for slots in references.values() {
        let mut word = None;
        for slot in slots.as_array().expect("slots") {
            let start = slot["start"].as_u64().expect("start") as usize;
            let end = start + slot["length"].as_u64().expect("length") as usize;
            let here = &code[start..end];
            assert!(
                word.is_none_or(|w| w == here),
                "{name}: one immutable holds two values"
            );
            word = Some(here);
            expected[start..end].copy_from_slice(here);
        }
        words.insert(word.expect("an immutable is used").to_vec());
    }
    let addresses: BTreeSet<Vec<u8>> = immutables.iter().map(|a| a.into_word().to_vec()).collect();
    assert_eq!(words, addresses, "{name}: immutables");
    assert!(
        code == expected,
        "{name}: runtime differs from the artifact"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forge_script_deploys_the_example_vault() {
    let node = node().await;
    let dir = std::env::temp_dir().join(format!("vigil-node-forge-script-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("home")).unwrap();
    forge_script(&node, &dir).await;

    let dev = dev_signer().address();
    let log = read_json(&dir.join("broadcast/DeployVault.s.sol/412346/run-latest.json"));
    let transactions = log["transactions"].as_array().expect("transactions");
    let receipts = log["receipts"].as_array().expect("receipts");
    let kinds: Vec<(&str, &str)> = transactions
        .iter()
        .map(|t| {
            let kind = t["transactionType"].as_str().unwrap();
            let what = t["function"]
                .as_str()
                .or(t["contractName"].as_str())
                .unwrap();
            (kind, what)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("CREATE", "SolidityGuard"),
            ("CREATE", "TestToken"),
            ("CREATE", "GuardedVault"),
            ("CALL", "mint(address,uint256)"),
            ("CALL", "approve(address,uint256)"),
            ("CALL", "deposit(uint256)"),
        ]
    );
    assert_eq!(receipts.len(), transactions.len());
    for (tx, receipt) in transactions.iter().zip(receipts) {
        assert_eq!(receipt["transactionHash"], tx["hash"]);
        assert_eq!(receipt["status"], "0x1", "forge's receipt: {receipt}");
        assert_eq!(address(&receipt["from"]), dev);
        let onchain = result(&node, "eth_getTransactionReceipt", json!([tx["hash"]])).await;
        assert_eq!(onchain["status"], "0x1");
        assert_eq!(onchain["blockHash"], receipt["blockHash"]);
    }
    let created = |i: usize| address(&transactions[i]["contractAddress"]);
    let (guard, token, vault) = (created(0), created(1), created(2));
    for (i, contract) in [guard, token, vault].into_iter().enumerate() {
        assert_eq!(address(&receipts[i]["contractAddress"]), contract);
    }

    let out = dir.join("out");
    for (contract, artifact, immutables) in [
        (guard, "BenchBaselines.sol/SolidityGuard.json", vec![dev]),
        (token, "TestToken.sol/TestToken.json", vec![]),
        (
            vault,
            "GuardedVault.sol/GuardedVault.json",
            vec![token, guard],
        ),
    ] {
        let code = hex_bytes(&result(&node, "eth_getCode", json!([contract, "latest"])).await);
        assert_runtime(
            &code,
            &read_json(&out.join(artifact)),
            &immutables,
            artifact,
        );
    }

    assert_eq!(call(&node, vault, tokenCall {}).await, token);
    assert_eq!(call(&node, vault, guardCall {}).await, guard);
    assert_eq!(call(&node, guard, ownerCall {}).await, dev);
    assert_eq!(
        call(&node, guard, adminOfCall { protocol: vault }).await,
        dev
    );
    let deposited = U256::from(DEPOSITED);
    let balance = |account| balanceOfCall { account };
    assert_eq!(call(&node, vault, balance(dev)).await, deposited);
    assert_eq!(call(&node, vault, totalDepositsCall {}).await, deposited);
    assert_eq!(call(&node, token, balance(vault)).await, deposited);
    assert_eq!(
        call(&node, token, balance(dev)).await,
        U256::from(MINTED - DEPOSITED)
    );
    let nonce = result(&node, "eth_getTransactionCount", json!([dev, "latest"])).await;
    assert_eq!(nonce, "0x6");

    node.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
