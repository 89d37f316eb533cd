//! foundry's `cast` (the npm build script/setup-forge.sh installs) against the node: chain id,
//! balance, a send signed with a private key, its receipt and logs, a raw anvil method, and a
//! Vigil custom error decoded by name.

mod common;

use alloy_primitives::{address, hex, Address};
use common::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use vigil_node::accounts::NITRO_DEV_KEY;
use vigil_node::Running;

const BOB: Address = address!("00000000000000000000000000000000000000b0");

/// Runs `cast args... --rpc-url <node>` with `home` as HOME (foundry's signature cache lives
/// there); returns stdout, or panics with stderr unless `fails`, then returns stderr.
async fn cast(node: &Running, home: &PathBuf, args: &[&str], fails: bool) -> String {
    let mut command = Command::new(npm_tool("cast"));
    // Right after the subcommand: `--create CODE [ARGS]...` takes everything after it.
    command
        .arg(args[0])
        .args(["--rpc-url", &node.http_url()])
        .args(&args[1..])
        .env("HOME", home)
        .env("NO_COLOR", "1");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run cast");
    let stdout = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    assert_eq!(
        output.status.success(),
        !fails,
        "cast {args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    if fails {
        stderr
    } else {
        stdout
    }
}

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-node-cast-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn key() -> String {
    hex::encode_prefixed(NITRO_DEV_KEY)
}

#[tokio::test(flavor = "multi_thread")]
async fn cast_reads_sends_and_scripts_the_node() {
    let node = node().await;
    let home = home("basics");
    assert_eq!(cast(&node, &home, &["chain-id"], false).await, "412346");
    let dev = dev_signer().address().to_string();
    let balance = cast(&node, &home, &["balance", &dev], false).await;
    assert_eq!(balance, ether(10_000).to_string());

    let bob = BOB.to_string();
    let sent = cast(
        &node,
        &home,
        &[
            "send",
            "--private-key",
            &key(),
            "--value",
            "5",
            "--json",
            &bob,
        ],
        false,
    )
    .await;
    let sent: Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(sent["status"], "0x1");
    let hash = sent["transactionHash"].as_str().unwrap();
    let receipt = cast(&node, &home, &["receipt", "--json", hash], false).await;
    let receipt: Value = serde_json::from_str(&receipt).unwrap();
    assert_eq!(receipt["gasUsed"], "0x5208");
    assert_eq!(
        receipt["from"].as_str().unwrap().to_lowercase(),
        dev.to_lowercase()
    );
    assert_eq!(cast(&node, &home, &["balance", &bob], false).await, "5");

    let init = hex::encode_prefixed(logger_initcode());
    let created = cast(
        &node,
        &home,
        &["send", "--private-key", &key(), "--json", "--create", &init],
        false,
    )
    .await;
    let created: Value = serde_json::from_str(&created).unwrap();
    let logger = created["contractAddress"].as_str().unwrap().to_string();
    let word = format!("0x{}", "ab".repeat(32));
    cast(
        &node,
        &home,
        &["send", "--private-key", &key(), &logger, &word],
        false,
    )
    .await;
    let logs = cast(
        &node,
        &home,
        &["logs", "--json", "--from-block", "0", "--address", &logger],
        false,
    )
    .await;
    let logs: Value = serde_json::from_str(&logs).unwrap();
    assert_eq!(logs.as_array().unwrap().len(), 1);
    assert_eq!(logs[0]["topics"][0], word.as_str());

    let offset = cast(&node, &home, &["rpc", "evm_increaseTime", "3600"], false).await;
    assert_eq!(offset, "\"3600\"");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn cast_names_a_vigil_custom_error() {
    let (node, guard) = guard_node().await;
    let guard = guard.to_string();
    // What a developer does once: put the project's selectors in foundry's local cache.
    let home = home("errors");
    cache_selectors(&home);
    // Only the guard's owner may schedule a call; cast's gas estimate names the error.
    let error = cast(
        &node,
        &home,
        &[
            "send",
            "--private-key",
            &key(),
            &guard,
            "schedule(bytes)",
            "0x",
        ],
        true,
    )
    .await;
    let dev = dev_signer().address();
    assert!(
        error.contains(&format!("NotOwner({dev})")),
        "cast should name the error: {error}"
    );
    node.stop().await.unwrap();
}
