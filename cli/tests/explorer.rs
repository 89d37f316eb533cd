//! The explorer page in a real browser: a vigil-node in this process, Vigil deployed and played by
//! the `vigil` binary (a guarded vault whose withdraw screens confirmed callers and carries a rate
//! limit, an attacker flagged to confirmation by three reporters, an innocent's flag disputed),
//! `vigil explorer` serving the built page, and explorer/test/explorer.mjs driving Debian's
//! Chromium through it. After the page loaded, the test makes one more status change, which the
//! page's feed must receive live. The resolve batch the dispute queue wrote is read back here
//! with the CLI's own batch reader (checksum included), decoded to `resolve(...)`, and executed
//! by the resolver: the dispute is then decided. A second dispute is rejected from the page
//! through an injected wallet. Screenshots go to target/explorer/screenshots.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_provider::Provider;
use alloy_sol_types::SolCall;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::sync::mpsc;
use vigil_cli::abi::IThreatRegistry;
use vigil_cli::safe::Batch;
use vigil_cli::subject;
use vigil_devnet::artifacts::{target_dir, workspace};

mod common;
use common::{ether, text, IToken, IVault, Stage};

/// cli/deploy.local.toml's warm-up.
const WARMUP: u64 = 86_400;
// Dev account 0 deploys, governs and resolves (cli/deploy.local.toml names it for both); 1
// administers the vault; 2..4 report; 5 attacks; 6 and 8 are innocents who dispute their flags (the
// page writes a Safe batch for the first, and sends the second's decision from a wallet); 7 is
// flagged while the page is open.
const GOV: usize = 0;
const ADMIN: usize = 1;
const REPORTERS: [usize; 3] = [2, 3, 4];
const ATTACKER: usize = 5;
const INNOCENT: usize = 6;
const LATE: usize = 7;
const WALLET_INNOCENT: usize = 8;
const RATIONALE: &str = "the reporters' evidence stands";

/// A child process killed when the test ends, passed or not.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromium_and_build_present() {
    assert!(
        PathBuf::from("/usr/bin/chromium").is_file(),
        "/usr/bin/chromium is missing: script/setup.sh installs Debian's chromium"
    );
    let explorer = workspace().join("explorer");
    assert!(
        explorer.join("node_modules/playwright-core").is_dir()
            && explorer.join("dist/app.js").is_file(),
        "the explorer is not installed and built: npm --prefix explorer ci && npm --prefix \
         explorer run build (script/test.sh does both)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_shows_the_attacker_the_live_feed_and_the_dispute_queue() {
    chromium_and_build_present();
    let stage = Stage::new("explorer").await;
    let deployed = stage.deploy_vigil(GOV, "cli/deploy.local.toml");
    assert!(deployed.contains("registry"), "{deployed}");
    let guard: Address = stage
        .ok(None, &["address", "guard"])
        .trim()
        .parse()
        .unwrap();
    let registry: Address = stage
        .ok(None, &["address", "registry"])
        .trim()
        .parse()
        .unwrap();

    // The protocol: TestToken and the example GuardedVault (it registers itself at the guard);
    // its admin screens withdraw for confirmed callers and limits what it moves.
    let (token, vault) = stage.guarded_vault(GOV, guard, ADMIN).await;
    let vault_text = vault.to_string();
    stage.ok(
        Some(ADMIN),
        &[
            "protocol",
            "rate-limit",
            &vault_text,
            "withdraw(uint256)",
            "--capacity",
            "1000 ether",
            "--refill-per-second",
            "1 ether",
        ],
    );
    // The attacker holds a deposit: its withdraw is what the guard refuses.
    stage
        .call(
            GOV,
            token,
            IToken::mintCall {
                to: stage.address(ATTACKER),
                value: ether(100),
            }
            .abi_encode(),
        )
        .await;
    stage
        .call(
            ATTACKER,
            token,
            IToken::approveCall {
                spender: vault,
                value: ether(100),
            }
            .abi_encode(),
        )
        .await;
    stage
        .call(
            ATTACKER,
            vault,
            IVault::depositCall { amount: ether(100) }.abi_encode(),
        )
        .await;

    // Three reporters confirm the attacker; one flags the innocent, who disputes it.
    for reporter in REPORTERS {
        stage.ok(Some(reporter), &["reporter", "stake", "30 ether"]);
    }
    stage.warp(WARMUP + 60).await;
    let evidence = stage.file("exploit.txt", "drained the vault in block 12");
    let evidence = evidence.to_str().unwrap();
    let attacker = stage.address(ATTACKER).to_string();
    let report = |reporter: usize, subject: &str, category: &str| {
        stage.ok(
            Some(reporter),
            &[
                "reporter",
                "submit",
                subject,
                "--category",
                category,
                "--severity",
                "high",
                "--evidence",
                evidence,
            ],
        )
    };
    report(REPORTERS[0], &attacker, "exploit");
    for reporter in &REPORTERS[1..] {
        stage.ok(
            Some(*reporter),
            &["reporter", "corroborate", &attacker, "--evidence", evidence],
        );
    }
    let alibi = stage.file("alibi.txt", "the transfer was a refund");
    for victim in [INNOCENT, WALLET_INNOCENT] {
        let address = stage.address(victim).to_string();
        report(REPORTERS[0], &address, "scam");
        stage.ok(
            Some(victim),
            &[
                "reporter",
                "dispute",
                &address,
                "--evidence",
                alibi.to_str().unwrap(),
            ],
        );
    }
    let innocent = stage.address(INNOCENT).to_string();
    let queue = stage.json(None, &["gov", "disputes"]);
    assert_eq!(queue.as_array().map(Vec::len), Some(2), "{queue}");
    let disputed = queue[0]["flagId"].as_u64().expect("a flag id");
    let wallet_flag = queue[1]["flagId"].as_u64().expect("a flag id");

    // The page, served for this deployment on a free port.
    let mut server = Killed(
        stage
            .command(None, &["explorer", "--port", "0"])
            .current_dir(workspace())
            .arg("--dist")
            .arg(workspace().join("explorer/dist"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start vigil explorer"),
    );
    let mut served = lines(server.0.stdout.take().unwrap());
    let first = next_line(&mut served).await.unwrap_or_default();
    let url = first
        .strip_prefix("explorer: ")
        .unwrap_or_else(|| panic!("vigil explorer printed {first:?}"))
        .trim()
        .to_string();
    let config: serde_json::Value = reqwest_get_json(&format!("{url}config.json")).await;
    assert_eq!(config["chainId"], 412346);
    let address = |field: &str| {
        config[field]
            .as_str()
            .and_then(|a| a.parse::<Address>().ok())
    };
    assert_eq!(
        (address("registry"), address("guard")),
        (Some(registry), Some(guard)),
        "{config}"
    );
    assert_eq!(config["wsUrl"], stage.node.ws_url());

    let screenshots = target_dir().join("explorer/screenshots");
    let batch_path = stage.dir.join("resolve.json");
    let mut browser = Killed(
        Command::new("node")
            .arg(workspace().join("explorer/test/explorer.mjs"))
            .current_dir(workspace().join("explorer"))
            .env("EXPLORER_URL", &url)
            .env("ATTACKER", &attacker)
            .env("VAULT", &vault_text)
            .env("WITHDRAW_SELECTOR", "0x2e1a7d4d")
            .env("DISPUTED_FLAG", disputed.to_string())
            .env("REPORTER", stage.address(REPORTERS[0]).to_string())
            .env("SCREENSHOTS", &screenshots)
            .env("BATCH_OUT", &batch_path)
            .env("RATIONALE", RATIONALE)
            .env("RPC_URL", stage.node.http_url())
            .env("WALLET_FLAG", wallet_flag.to_string())
            .env("WALLET_ACCOUNT", stage.address(GOV).to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start node explorer/test/explorer.mjs (node is required)"),
    );
    let mut said = lines(browser.0.stdout.take().unwrap());
    assert_eq!(
        next_line(&mut said).await.as_deref(),
        Some("READY"),
        "the browser test stopped before the page was ready (see its output above)"
    );

    // A change made while the page is open: a first report on another account.
    let late = stage.address(LATE);
    report(REPORTERS[1], &late.to_string(), "phishing");
    let mut stdin = browser.0.stdin.take().unwrap();
    writeln!(stdin, "CHANGED {}", subject::of_address(late)).unwrap();
    let sent = next_line(&mut said).await.unwrap_or_default();
    let sent: B256 = sent
        .strip_prefix("SENT ")
        .and_then(|hash| hash.parse().ok())
        .unwrap_or_else(|| panic!("the browser test failed (see its output above): {sent:?}"));
    assert_eq!(
        next_line(&mut said).await.as_deref(),
        Some("DONE"),
        "the browser test failed (see its output above)"
    );
    // The wallet's transaction: sent by the resolver, mined, and the second flag rejected.
    let receipt = stage
        .provider(GOV)
        .get_transaction_receipt(sent)
        .await
        .unwrap()
        .expect("the wallet's transaction is mined");
    assert!(receipt.status(), "{receipt:?}");
    assert_eq!(
        (receipt.from, receipt.to),
        (stage.address(GOV), Some(registry))
    );
    let rejected = stage.json(
        None,
        &["status", &stage.address(WALLET_INNOCENT).to_string()],
    );
    assert_eq!(rejected["levelName"], "removed", "{rejected}");
    assert!(browser.0.wait().unwrap().success());
    for view in [
        "home",
        "search",
        "feed",
        "disputes",
        "disputes-wallet",
        "protocol",
        "reporter",
        "search-phone",
    ] {
        let png = screenshots.join(format!("{view}.png"));
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is not a PNG",
            png.display()
        );
    }

    // The batch the page wrote: the CLI's reader accepts it (format and checksum), and it holds
    // one call, resolve(the disputed flag, upheld, keccak256 of the rationale), to the registry,
    // for the resolver (the registry's owner, a resolver under the local config).
    let batch = Batch::read(&batch_path).unwrap_or_else(|e| {
        panic!(
            "{e}\n{}",
            std::fs::read_to_string(&batch_path).unwrap_or_default()
        )
    });
    assert_eq!(batch.chain().unwrap(), 412346);
    assert_eq!(batch.safe().unwrap(), stage.address(GOV));
    let calls = batch.calls().unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].to, calls[0].value), (registry, U256::ZERO));
    let resolve = IThreatRegistry::resolveCall::abi_decode(&calls[0].data).unwrap();
    assert_eq!(
        (resolve.flagId, resolve.upheld, resolve.rationale),
        (disputed as u32, true, keccak256(RATIONALE))
    );
    // Executed by the resolver, it decides the dispute: the queue is empty, and the upheld flag
    // is final and confirmed.
    stage.call(GOV, registry, calls[0].data.to_vec()).await;
    assert_eq!(
        stage.json(None, &["gov", "disputes"]),
        serde_json::json!([])
    );
    let status = stage.json(None, &["status", &innocent]);
    assert_eq!(
        (status["levelName"].as_str(), status["finalized"].as_bool()),
        (Some("confirmed"), Some(true)),
        "{status}"
    );
    drop(server);
    stage.node.stop().await.unwrap();
}

/// The lines a child prints, read on a thread of their own so the node in this process keeps
/// answering the page meanwhile.
fn lines(stdout: impl std::io::Read + Send + 'static) -> mpsc::UnboundedReceiver<String> {
    let (sender, receiver) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The next line, or None once the child closed its output or after five minutes of silence.
async fn next_line(lines: &mut mpsc::UnboundedReceiver<String>) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(300), lines.recv())
        .await
        .ok()
        .flatten()
}

/// A GET of `url`'s JSON with the client the CLI already links.
async fn reqwest_get_json(url: &str) -> serde_json::Value {
    let response = reqwest::get(url).await.unwrap();
    assert!(
        response.status().is_success(),
        "GET {url}: {}",
        response.status()
    );
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

#[test]
fn vigil_explorer_says_how_to_build_a_missing_page() {
    let missing = std::env::temp_dir().join(format!("vigil-explorer-none-{}", std::process::id()));
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["explorer", "--port", "0", "--rpc-url", "http://127.0.0.1:9"])
        .arg("--dist")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the explorer is not built")
            && stderr.contains("npm --prefix explorer ci && npm --prefix explorer run build")
            && stderr.contains(&missing.join("index.html").display().to_string()),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "{}", text(&output));
}
