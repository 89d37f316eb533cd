//! `vigil feed` run as a process against a vigil-node started in this process: Vigil deployed by
//! `vigil deploy`, three reporters staking and confirming a flag with `vigil reporter`, then the
//! feed's JSON lines checked against the transactions' receipts, a window that starts after the
//! first change, `--follow` printing a change made while it runs, and bad windows refused.

use alloy_primitives::{Address, B256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_sol_types::SolEvent;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use vigil_cli::abi::IThreatRegistry::StatusChanged;

mod common;
use common::{text, Stage};

/// cli/deploy.local.toml's warm-up.
const WARMUP: u64 = 86_400;
/// What each report weighs under cli/deploy.local.toml's rules with 30 ETH staked (5 ETH).
const WEIGHT: &str = "5000000000000000000";
// Dev account 0 deploys (and governs: the local config names it); 3..5 report.
const DEPLOYER: usize = 0;
const REPORTERS: [usize; 3] = [3, 4, 5];

impl Stage {
    /// A write sent with `--json`: the hash of its one transaction.
    fn sent(&self, key: usize, args: &[&str]) -> B256 {
        let mut args = args.to_vec();
        args.push("--json");
        let out: Value = serde_json::from_str(&self.ok(Some(key), &args)).unwrap();
        out["transactions"][0]["transaction"]
            .as_str()
            .unwrap_or_else(|| panic!("a transaction in {out}"))
            .parse()
            .unwrap()
    }

    /// `vigil feed <args>`, which must succeed: its stdout, one JSON object a line.
    fn feed(&self, args: &[&str]) -> Vec<Value> {
        let mut args = args.to_vec();
        args.insert(0, "feed");
        let out = self.ok(None, &args);
        out.lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: not JSON: {line}"))
            })
            .collect()
    }
}

fn number(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("a number: {value}"))
}

fn levels(lines: &[Value]) -> Vec<&str> {
    lines.iter().map(|l| l["level"].as_str().unwrap()).collect()
}

/// The reporters of a line as (account, weight).
fn reporters(line: &Value) -> Vec<(Address, String)> {
    line["reporters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["account"].as_str().unwrap().parse().unwrap(),
                r["weight"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feed_prints_a_flag_corroborated_to_confirmation() {
    let stage = Stage::new("feed-confirm").await;
    let deployed = stage.deploy_vigil(DEPLOYER, "cli/deploy.local.toml");
    assert!(deployed.contains("registry"), "{deployed}");
    // Nothing flagged yet: an empty feed, and no output at all on stdout.
    assert_eq!(stage.ok(None, &["feed"]), "");

    for reporter in REPORTERS {
        stage.ok(Some(reporter), &["reporter", "stake", "30 ether"]);
    }
    stage.warp(WARMUP + 60).await;
    let attacker = Address::repeat_byte(0xba).to_string();
    let evidence = format!("{}", B256::repeat_byte(0xe1));
    let mut txs = vec![stage.sent(
        REPORTERS[0],
        &[
            "reporter",
            "submit",
            &attacker,
            "--category",
            "exploit",
            "--severity",
            "critical",
            "--evidence",
            &evidence,
        ],
    )];
    for reporter in &REPORTERS[1..] {
        txs.push(stage.sent(
            *reporter,
            &[
                "reporter",
                "corroborate",
                &attacker,
                "--evidence",
                &evidence,
            ],
        ));
    }

    let lines = stage.feed(&[]);
    assert_eq!(levels(&lines), ["watch", "watch", "confirmed"]);
    let provider = ProviderBuilder::new().connect_http(stage.node.http_url().parse().unwrap());
    for (line, tx) in lines.iter().zip(&txs) {
        assert_eq!(line["subject"], attacker.as_str());
        assert_eq!(
            (line["kind"].as_str(), number(&line["flagId"])),
            (Some("address"), 1)
        );
        assert_eq!(
            (line["category"].as_str(), line["severity"].as_str()),
            (Some("exploit"), Some("critical"))
        );
        assert_eq!(
            (line["disputed"].as_bool(), line["final"].as_bool()),
            (Some(false), Some(false))
        );
        // Each change is its transaction's StatusChanged log, where the receipt has it.
        assert_eq!(line["tx"], tx.to_string());
        let receipt = provider
            .get_transaction_receipt(*tx)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(receipt.block_number, Some(number(&line["block"])));
        let log = receipt
            .inner
            .logs()
            .iter()
            .find(|log| log.log_index == Some(number(&line["logIndex"])))
            .expect("the line's log in the receipt");
        assert_eq!(log.topic0(), Some(&StatusChanged::SIGNATURE_HASH));
    }
    let weights: Vec<&str> = lines.iter().map(|l| l["score"].as_str().unwrap()).collect();
    assert_eq!(
        weights,
        [
            "5000000000000000000",
            "10000000000000000000",
            "15000000000000000000"
        ]
    );
    let confirming = &lines[2];
    assert_eq!(
        reporters(confirming),
        REPORTERS.map(|r| (stage.address(r), WEIGHT.to_string()))
    );
    assert_eq!(reporters(&lines[0]).len(), 1);
    let expiry = number(&confirming["expiry"]);
    let now = provider
        .get_block_by_number(number(&confirming["block"]).into())
        .await
        .unwrap()
        .unwrap()
        .header
        .timestamp;
    assert!(expiry > now, "a live flag's expiry {expiry} is after {now}");

    // From the block after the first change: the first is left out, and the reports before the
    // window still count (the second change lists both reporters).
    let after = (number(&lines[0]["block"]) + 1).to_string();
    let later = stage.feed(&["--from-block", &after]);
    assert_eq!(later, lines[1..]);
    assert_eq!(reporters(&later[0]).len(), 2);
    let only = number(&lines[1]["block"]).to_string();
    let window = stage.feed(&["--from-block", &only, "--to-block", &only]);
    assert_eq!(window, lines[1..2]);

    // Bad windows: a clear error on stderr, nothing on stdout, exit code 1; garbage is a usage
    // error (2).
    let head = provider.get_block_number().await.unwrap();
    let beyond = (head + 1).to_string();
    let before = (head - 1).to_string();
    for args in [
        vec!["feed", "--from-block", beyond.as_str()],
        vec!["feed", "--to-block", beyond.as_str()],
        vec!["feed", "--from-block", only.as_str(), "--to-block", "1"],
        vec![
            "feed",
            "--from-block",
            before.as_str(),
            "--to-block",
            before.as_str(),
            "--follow",
        ],
    ] {
        let output = stage.vigil(None, &args);
        assert_ne!(output.status.code(), Some(0), "{args:?}\n{}", text(&output));
        assert!(output.stdout.is_empty(), "{args:?}\n{}", text(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("block"), "{args:?}\n{stderr}");
    }
    let late = stage.vigil(None, &["feed", "--from-block", &beyond]);
    let stderr = String::from_utf8_lossy(&late.stderr);
    assert_eq!(late.status.code(), Some(1), "{}", text(&late));
    assert!(
        stderr.contains(&format!("after the latest block, {head}")),
        "{stderr}"
    );
    let garbage = stage.vigil(None, &["feed", "--from-block", "soon"]);
    assert_eq!(garbage.status.code(), Some(2), "{}", text(&garbage));
    assert!(String::from_utf8_lossy(&garbage.stderr).contains("soon"));

    // --follow prints the window (from the latest block: the confirming change), then what is
    // mined while it runs: a second flag, on another subject.
    let mut follow = stage
        .command(
            None,
            &["feed", "--follow", "--from-block", &head.to_string()],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start vigil feed --follow");
    let stdout = follow.stdout.take().unwrap();
    let printed = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .take(2)
            .collect::<Result<Vec<String>, _>>()
    });
    let innocent = Address::repeat_byte(0x71).to_string();
    let tx = stage.sent(
        REPORTERS[0],
        &[
            "reporter",
            "submit",
            &innocent,
            "--category",
            "scam",
            "--severity",
            "low",
            "--evidence",
            &evidence,
        ],
    );
    let printed = printed.await.unwrap().unwrap();
    follow.kill().unwrap();
    follow.wait().unwrap();
    let printed: Vec<Value> = printed
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(printed[0], lines[2]);
    let line = &printed[1];
    assert_eq!(line["subject"], innocent.as_str());
    assert_eq!(line["tx"], tx.to_string());
    assert_eq!(
        (line["level"].as_str(), number(&line["flagId"])),
        (Some("watch"), 2)
    );
    stage.node.stop().await.unwrap();
}
