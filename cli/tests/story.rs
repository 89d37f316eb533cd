//! The demo's story played by the `vigil` binary, one process per command, against a vigil-node:
//! deploy, a protocol admin's policy, reporters staking through the warm-up (time warped through
//! the node), an attacker flagged to confirmation by three reporters, the guarded vault refusing
//! it, a false flag disputed by its victim and rejected by the resolver, the claims that pay the
//! victim; and bad input refused with a sentence and nothing sent.

use alloy_network::TransactionBuilder;
use alloy_primitives::{hex, Address, U256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::{SolCall, SolError};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use vigil_cli::abi::ICircuitGuard;
use vigil_cli::keys::{KEY_VAR, PASSWORD_VAR};
use vigil_devnet::artifacts::workspace;
use vigil_devnet::Devnet;
use vigil_node::accounts::DevAccounts;
use vigil_node::Config;

mod common;
use common::{ether, text, IToken, IVault, Stage};

#[path = "safe_support/mod.rs"]
mod safe_support;
use safe_support::{Safe, SafeContracts};
use vigil_cli::safe::Batch;

/// The guard's timelock (contracts/guard: DEFAULT_DELAY), which the handover waits.
const GUARD_DELAY: u64 = 2 * 86_400;
/// cli/deploy.local.toml's warm-up.
const WARMUP: u64 = 86_400;

impl Stage {
    async fn nonce(&self, index: usize) -> u64 {
        self.provider(0)
            .get_transaction_count(self.address(index))
            .await
            .unwrap()
    }

    /// The deploy config: governance and the resolver are `governance`.
    fn config(&self, governance: Address) -> PathBuf {
        let example = std::fs::read_to_string(workspace().join("cli/deploy.local.toml")).unwrap();
        let dev = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E";
        self.file(
            "deploy.toml",
            &example.replace(dev, &governance.to_string()),
        )
    }
}

fn address(value: &Value) -> Address {
    value
        .as_str()
        .unwrap_or_else(|| panic!("an address: {value}"))
        .parse()
        .unwrap()
}

// The cast: dev account 0 deploys, 1 administers the vault, 2..4 report, 5 attacks, 6 is the
// innocent the false flag names, 7..9 own the governance Safe (2 of 3), which governs and
// resolves.
const GOV: usize = 0;
const SAFE_OWNERS: [usize; 3] = [7, 8, 9];
const ADMIN: usize = 1;
const REPORTERS: [usize; 3] = [2, 3, 4];
const ATTACKER: usize = 5;
const INNOCENT: usize = 6;

impl Stage {
    /// Executes the batch file `name` through the Safe with two of its owners' signatures, as
    /// the Safe web app does once the owners sign the imported batch.
    async fn execute(&self, safe: &Safe, name: &str) {
        let batch = Batch::read(&self.dir.join(name)).expect("a valid batch");
        let signers = [self.signer(SAFE_OWNERS[0]), self.signer(SAFE_OWNERS[2])];
        let provider = safe_support::provider(&self.node.http_url(), self.signer(GOV).clone());
        safe.execute(&provider, &batch, &signers)
            .await
            .unwrap_or_else(|reason| panic!("the Safe refused {name}: {reason}"));
    }
}

/// Creates the governance Safe, deploys Vigil to it with the binary and hands the guard over
/// through a Safe batch; returns the Safe and the guarded vault.
async fn deploy_and_guard(stage: &Stage) -> (Safe, Address) {
    let provider = safe_support::provider(&stage.node.http_url(), stage.signer(GOV).clone());
    let contracts = SafeContracts::deploy(&provider).await;
    let owners = SAFE_OWNERS.map(|i| stage.address(i));
    let safe = contracts.create_safe(&provider, &owners, 2).await;
    let config = stage.config(safe.address);
    let config = config.to_str().unwrap();
    let first = stage.deploy_vigil(GOV, config);
    assert!(first.contains("run this command again after"), "{first}");
    stage.warp(GUARD_DELAY + 60).await;
    let done = stage.deploy_vigil(GOV, config);
    assert!(done.contains("acceptOwnership"), "{done}");
    let accept = stage.dir.join("accept.json");
    let batched = stage.ok(
        None,
        &[
            "gov",
            "accept-ownership",
            "guard",
            "--safe",
            accept.to_str().unwrap(),
        ],
    );
    assert!(batched.contains(&safe.address.to_string()), "{batched}");
    stage.execute(&safe, "accept.json").await;
    // The finished deployment, run again after governance took the guard: verified, nothing sent.
    let nonce = stage.nonce(GOV).await;
    let again = stage.deploy_vigil(GOV, config);
    assert!(again.contains("deployed on chain 412346"), "{again}");
    assert_eq!(stage.nonce(GOV).await, nonce);

    // The protocol: TestToken and the example GuardedVault, which registers itself at the guard
    // with its admin; the admin screens withdraw for confirmed callers.
    let guard: Address = stage
        .ok(None, &["address", "guard"])
        .trim()
        .parse()
        .unwrap();
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(stage.dir.join("deployments/412346.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(address(&record["programs"]["guard"]["address"]), guard);
    let (token, vault) = stage.guarded_vault(GOV, guard, ADMIN).await;
    let vault_text = vault.to_string();
    let policy = stage.json(None, &["protocol", "show", &vault_text]);
    assert_eq!(address(&policy["admin"]), stage.address(ADMIN));
    assert_eq!(policy["selectors"][0]["selector"], "0x2e1a7d4d");
    assert_eq!(policy["selectors"][0]["screening"], "confirmed");

    // The attacker holds a deposit it will try to take out.
    for call in [IToken::mintCall {
        to: stage.address(ATTACKER),
        value: ether(100),
    }
    .abi_encode()]
    {
        stage.call(GOV, token, call).await;
    }
    for (to, call) in [
        (
            token,
            IToken::approveCall {
                spender: vault,
                value: ether(100),
            }
            .abi_encode(),
        ),
        (
            vault,
            IVault::depositCall { amount: ether(100) }.abi_encode(),
        ),
    ] {
        stage.call(ATTACKER, to, call).await;
    }
    (safe, vault)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_story_played_by_the_cli() {
    let stage = Stage::new("story-demo").await;
    let (safe, vault) = deploy_and_guard(&stage).await;

    // Reporters stake; the stake counts after the warm-up.
    for (n, reporter) in REPORTERS.into_iter().enumerate() {
        let amount = if n == 0 { "20 ether" } else { "10ether" };
        let out = stage.ok(Some(reporter), &["reporter", "stake", amount]);
        assert!(out.contains("Staked"), "{out}");
    }
    let evidence = stage.file("exploit.txt", "0xdead drained the pool in block 12");
    let evidence = evidence.to_str().unwrap();
    let attacker = stage.address(ATTACKER).to_string();
    let submit = [
        "reporter",
        "submit",
        &attacker,
        "--category",
        "exploit",
        "--severity",
        "critical",
        "--evidence",
        evidence,
    ];
    let cold = stage.fails(Some(REPORTERS[0]), &submit);
    assert!(cold.contains("InsufficientStake"), "{cold}");
    stage.warp(WARMUP + 60).await;

    // One report, two corroborations: 5 ETH of weight each against a 12 ETH threshold.
    let submitted = stage.json(Some(REPORTERS[0]), &submit);
    assert_eq!(submitted["outcome"], "sent");
    assert_eq!(
        submitted["evidence"],
        alloy_primitives::keccak256("0xdead drained the pool in block 12").to_string()
    );
    for reporter in &REPORTERS[1..] {
        let out = stage.ok(
            Some(*reporter),
            &["reporter", "corroborate", &attacker, "--evidence", evidence],
        );
        assert!(out.contains("FlagCorroborated"), "{out}");
    }
    let position = stage.json(
        None,
        &[
            "reporter",
            "position",
            &stage.address(REPORTERS[1]).to_string(),
        ],
    );
    assert_eq!(position["locked"], ether(10).to_string());

    // The vault refuses the attacker: the guard names it and its level.
    let provider = stage.provider(ATTACKER);
    let refused = provider
        .call(
            TransactionRequest::default()
                .with_from(stage.address(ATTACKER))
                .with_to(vault)
                .with_input(IVault::withdrawCall { amount: ether(1) }.abi_encode()),
        )
        .await
        .unwrap_err();
    let data = refused.as_error_resp().unwrap().as_revert_data().unwrap();
    let flagged = ICircuitGuard::CallerFlagged::abi_decode(&data).unwrap();
    assert_eq!(
        (flagged.caller, flagged.level),
        (stage.address(ATTACKER), 3)
    );

    // A false flag: the innocent disputes it and the resolver rejects it.
    let innocent = stage.address(INNOCENT).to_string();
    stage.ok(
        Some(REPORTERS[0]),
        &[
            "reporter",
            "submit",
            &innocent,
            "--category",
            "scam",
            "--severity",
            "low",
            "--evidence",
            evidence,
        ],
    );
    let alibi = stage.file("alibi.txt", "the transfer was a refund");
    stage.ok(
        Some(INNOCENT),
        &[
            "reporter",
            "dispute",
            &innocent,
            "--evidence",
            alibi.to_str().unwrap(),
        ],
    );
    let queue = stage.json(None, &["gov", "disputes"]);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(address(&queue[0]["disputer"]), stage.address(INNOCENT));
    // The resolver is the Safe: the decision is written as a batch, with a timelocked change
    // for the same signing round, and executed by two of its three owners.
    let batch = stage.dir.join("resolve.json");
    let batch = batch.to_str().unwrap();
    let reject = [
        "gov",
        "resolve",
        &innocent,
        "--reject",
        "--rationale",
        "a refund, not a scam",
        "--safe",
        batch,
    ];
    stage.ok(None, &reject);
    let new_resolver = stage.address(10).to_string();
    let schedule = [
        "gov",
        "schedule",
        "add-resolver",
        &new_resolver,
        "--safe",
        batch,
    ];
    let batched = stage.ok(None, &schedule);
    assert!(batched.contains("(2 in the batch)"), "{batched}");
    assert_eq!(
        stage
            .json(None, &["gov", "disputes"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    stage.execute(&safe, "resolve.json").await;
    assert_eq!(
        stage.json(None, &["gov", "disputes"]),
        serde_json::json!([])
    );

    // The victim claims its share of the slash and its bond back.
    let before = stage
        .provider(0)
        .get_balance(stage.address(INNOCENT))
        .await
        .unwrap();
    let claimed = stage.ok(Some(INNOCENT), &["reporter", "claim"]);
    assert!(claimed.contains("Claimed"), "{claimed}");
    let after = stage
        .provider(0)
        .get_balance(stage.address(INNOCENT))
        .await
        .unwrap();
    assert!(after > before, "the claim pays: {before} -> {after}");
    let books = stage.json(None, &["gov", "treasury"]);
    assert_eq!(books["invariantHolds"], true);
    let status = stage.ok(None, &["status", &attacker]);
    assert!(
        status.contains("level: confirmed") && status.contains("CallerFlagged"),
        "{status}"
    );
    // No failure (programs not yet cached in the CacheManager are warnings, with the bid to make).
    let doctor = stage.json(None, &["doctor"]);
    assert_eq!(doctor["failures"], 0, "{doctor}");
    stage.node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_explained_and_sends_nothing() {
    let stage = Stage::new("story-bad").await;
    // Before any deployment: the chain is named, with the ways out.
    let none = stage.fails(None, &["gov", "treasury"]);
    assert!(
        none.contains("no deployment of Vigil is recorded for chain 412346"),
        "{none}"
    );
    deploy_and_guard(&stage).await;
    let reporter = REPORTERS[0];
    let nonce = stage.nonce(reporter).await;

    // A malformed key, and none at all: nothing is asked of the node.
    let output = stage.vigil(None, &["reporter", "stake", "1 ether"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("VIGIL_PRIVATE_KEY is not set"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigil"));
    let bad_key = command
        .args([
            "reporter",
            "stake",
            "1 ether",
            "--rpc-url",
            &stage.node.http_url(),
        ])
        .env(KEY_VAR, "0x1234")
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&bad_key.stderr);
    assert!(
        message.contains("is not a private key") && !message.contains("0x1234"),
        "{message}"
    );

    // Subjects, amounts and durations the CLI cannot read.
    for (args, expected) in [
        (
            vec!["reporter", "renew", "alice.eth"],
            "`alice.eth` is not a subject",
        ),
        (
            vec!["reporter", "stake", "1 eth"],
            "`1 eth` is not an amount",
        ),
        (
            vec![
                "reporter",
                "submit",
                "code:0x12",
                "--category",
                "exploit",
                "--severity",
                "low",
                "--evidence",
                "0x",
            ],
            "`code:0x12` is not a subject",
        ),
        (
            vec![
                "protocol",
                "pause",
                "0x0000000000000000000000000000000000000001",
                "--for",
                "1w",
            ],
            "`1w` is not a duration",
        ),
    ] {
        let message = stage.fails(Some(reporter), &args);
        assert!(message.contains(expected), "{args:?}: {message}");
    }

    // A report without stake: the registry's refusal, explained before sending.
    let refused = stage.fails(
        Some(reporter),
        &[
            "reporter",
            "submit",
            &stage.address(ATTACKER).to_string(),
            "--category",
            "exploit",
            "--severity",
            "high",
            "--evidence",
            &format!("0x{}", "11".repeat(32)),
        ],
    );
    assert!(
        refused.contains("would revert, so nothing was sent"),
        "{refused}"
    );

    // Another chain's deployments directory: this chain has none.
    let elsewhere = stage.dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(
        stage.dir.join("deployments/412346.json"),
        elsewhere.join("421614.json"),
    )
    .unwrap();
    let output = stage.vigil(
        Some(reporter),
        &[
            "reporter",
            "stake",
            "1 ether",
            "--deployments",
            elsewhere.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("for chain 412346"),
        "{}",
        text(&output)
    );
    assert_eq!(stage.nonce(reporter).await, nonce, "nothing was sent");
    stage.node.stop().await.unwrap();
}

/// foundry's cast from node_modules (script/setup-forge.sh installs it).
fn cast() -> Command {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Command::new(manifest.join("../node_modules/.bin/cast"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keystore_signs_calldata_is_printed_and_a_dead_node_is_named() {
    let stage = Stage::new("story-keys").await;
    deploy_and_guard(&stage).await;
    let reporter = REPORTERS[1];

    // A keystore written by `cast wallet import`, the tool reporters already use.
    let keystores = stage.dir.join("keystores");
    let imported = cast()
        .args(["wallet", "import", "reporter", "--keystore-dir"])
        .arg(&keystores)
        .args(["--private-key", &stage.key(reporter)])
        .args(["--unsafe-password", "correct horse"])
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", text(&imported));
    let keystore = keystores.join("reporter");
    let with_password = |password: &str, args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vigil"));
        command
            .args(args)
            .arg("--keystore")
            .arg(&keystore)
            .args(["--rpc-url", &stage.node.http_url(), "--deployments"])
            .arg(stage.dir.join("deployments"))
            .env_remove(KEY_VAR)
            .env(PASSWORD_VAR, password)
            .output()
            .unwrap()
    };
    let nonce = stage.nonce(reporter).await;
    let wrong = with_password("wrong", &["reporter", "stake", "1 ether"]);
    assert_eq!(wrong.status.code(), Some(1));
    let message = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        message.contains("wrong password") && !message.contains("correct horse"),
        "{message}"
    );
    assert_eq!(stage.nonce(reporter).await, nonce);
    let staked = with_password("correct horse", &["reporter", "stake", "1 ether"]);
    assert!(staked.status.success(), "{}", text(&staked));
    assert_eq!(stage.nonce(reporter).await, nonce + 1);
    let position = stage.json(
        None,
        &["reporter", "position", &stage.address(reporter).to_string()],
    );
    assert_eq!(position["stake"], ether(1).to_string());

    // --calldata prints what to send and needs no key; cast decodes it back to the call.
    let printed = stage.json(None, &["gov", "pause-submissions", "--calldata"]);
    let call = &printed["calls"][0];
    assert_eq!(printed["outcome"], "calldata");
    assert_eq!(call["value"], "0");
    let decoded = cast()
        .args([
            "calldata-decode",
            "setSubmissionsPaused(bool)",
            call["data"].as_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&decoded.stdout).trim(), "true");

    // A node that is not there: named, with its URL.
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["gov", "treasury", "--rpc-url", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("cannot reach the RPC at http://127.0.0.1:9"),
        "{message}"
    );
    stage.node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reporter_commits_an_advisory_reveals_it_and_leaves_with_its_stake() {
    let stage = Stage::new("story-reporter").await;
    let (safe, vault) = deploy_and_guard(&stage).await;
    let [reporter, second, _] = REPORTERS;
    for r in [reporter, second] {
        stage.ok(Some(r), &["reporter", "stake", "10 ether"]);
    }
    stage.warp(WARMUP + 60).await;

    // The advisory's details stay private: only their hash goes on chain with the report.
    let details = "reentrancy in withdraw(uint256) of vaults built on Guarded 0.1";
    let file = stage.file("advisory.txt", details);
    let file = file.to_str().unwrap();
    let submitted = stage.ok(
        Some(reporter),
        &[
            "reporter",
            "submit",
            "advisory:VGL-2026-1",
            "--category",
            "vulnerable-code",
            "--severity",
            "high",
            "--ttl",
            "2d",
            "--evidence",
            file,
        ],
    );
    assert!(submitted.contains("reveal"), "{submitted}");
    // The protocol tags withdraw with it: confirmed, it pauses withdraw.
    let vault_text = vault.to_string();
    let admin = [
        "protocol",
        "tags",
        &vault_text,
        "withdraw(uint256)",
        "advisory:VGL-2026-1",
    ];
    stage.ok(Some(ADMIN), &admin);
    // A wrong file does not reveal; the committed one does.
    let other = stage.file("other.txt", "something else");
    let mismatch = stage.fails(
        Some(reporter),
        &[
            "reporter",
            "reveal",
            "advisory:VGL-2026-1",
            other.to_str().unwrap(),
        ],
    );
    assert!(mismatch.contains("RevealMismatch"), "{mismatch}");
    let revealed = stage.ok(
        Some(reporter),
        &["reporter", "reveal", "advisory:VGL-2026-1", file],
    );
    assert!(revealed.contains("AdvisoryRevealed"), "{revealed}");
    let renewed = stage.ok(
        Some(reporter),
        &["reporter", "renew", "advisory:VGL-2026-1"],
    );
    assert!(renewed.contains("FlagRenewed"), "{renewed}");

    // Ended and past its dispute window, the flag releases the stake; the reporter unbonds it.
    let early = stage.fails(
        Some(second),
        &["reporter", "release", "advisory:VGL-2026-1"],
    );
    assert!(early.contains("FlagStillLive"), "{early}");
    stage.warp(2 * 86_400 + 2 * 86_400 + 120).await;
    stage.ok(Some(second), &["reporter", "release", "#1"]);
    let position = stage.json(
        None,
        &["reporter", "position", &stage.address(reporter).to_string()],
    );
    assert_eq!(position["locked"], "0");
    stage.ok(Some(reporter), &["reporter", "unstake", "10 ether"]);
    let waiting = stage.fails(Some(reporter), &["reporter", "withdraw"]);
    assert!(waiting.contains("StillUnbonding"), "{waiting}");
    stage.warp(7 * 86_400 + 60).await;
    let before = stage
        .provider(0)
        .get_balance(stage.address(reporter))
        .await
        .unwrap();
    stage.ok(Some(reporter), &["reporter", "withdraw"]);
    let after = stage
        .provider(0)
        .get_balance(stage.address(reporter))
        .await
        .unwrap();
    assert!(after > before + ether(9), "{before} -> {after}");
    let _ = safe;
    stage.node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn governance_and_a_protocol_admin_use_their_powers_through_the_cli() {
    let stage = Stage::new("story-powers").await;
    let (safe, vault) = deploy_and_guard(&stage).await;
    let vault_text = vault.to_string();

    // The admin: a rate limit with a breaker, a guardian; the guardian pauses, the admin unpauses.
    stage.ok(
        Some(ADMIN),
        &[
            "protocol",
            "rate-limit",
            &vault_text,
            "withdraw(uint256)",
            "--capacity",
            "50 ether",
            "--refill-per-second",
            "0.001 ether",
            "--trip",
            "5 ether",
            "--rearm",
            "10 ether",
        ],
    );
    let guardian = stage.address(10).to_string();
    stage.ok(
        Some(ADMIN),
        &["protocol", "guardian", &vault_text, &guardian],
    );
    stage.ok(Some(10), &["protocol", "pause", &vault_text, "--for", "1h"]);
    let policy = stage.json(None, &["protocol", "show", &vault_text]);
    assert!(
        policy["pausedUntil"].as_u64().unwrap() > policy["now"].as_u64().unwrap(),
        "{policy}"
    );
    // Levels are rounded down to the guard's unit (2^42 wei here): the view shows what holds.
    let capacity: U256 = policy["selectors"][0]["rateLimit"]["capacity"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        capacity <= ether(50) && capacity > ether(50) - U256::from(1u64 << 42),
        "{capacity}"
    );
    let not_admin = stage.fails(Some(10), &["protocol", "unpause", &vault_text]);
    assert!(not_admin.contains("NotAdmin"), "{not_admin}");
    stage.ok(Some(ADMIN), &["protocol", "unpause", &vault_text]);
    let policy = stage.json(None, &["protocol", "show", &vault_text]);
    assert!(
        policy["pausedUntil"].as_u64().unwrap() <= policy["now"].as_u64().unwrap(),
        "{policy}"
    );

    // Governance, through its Safe: an emergency confirmation, then a new parameter set scheduled,
    // refused before its delay, applied after it; a second schedule cancelled.
    let attacker = stage.address(ATTACKER).to_string();
    let batch = |name: &str| stage.dir.join(name).to_string_lossy().into_owned();
    let confirm = batch("confirm.json");
    stage.ok(
        None,
        &[
            "gov",
            "confirm",
            &attacker,
            "--category",
            "exploit",
            "--severity",
            "critical",
            "--rationale",
            "SEAL 911 ticket 42",
            "--safe",
            &confirm,
        ],
    );
    stage.execute(&safe, "confirm.json").await;
    let mut params = std::fs::read_to_string(workspace().join("cli/deploy.local.toml")).unwrap();
    params = params.replace("slashBps = 5000", "slashBps = 6000");
    let params_file = stage.file("params.toml", &params);
    let params_file = params_file.to_str().unwrap();
    let schedule = batch("schedule.json");
    stage.ok(
        None,
        &[
            "gov",
            "schedule",
            "params",
            params_file,
            "--safe",
            &schedule,
        ],
    );
    // The guard's own timelock, in the same batch: a change of its guardians' bounds.
    let bounds = ["guard-pause-bounds", "1h", "1d"];
    stage.ok(
        None,
        &[&["gov", "schedule"][..], &bounds, &["--safe", &schedule]].concat(),
    );
    stage.execute(&safe, "schedule.json").await;
    let early = stage.fails(
        None,
        &[
            "gov",
            "apply",
            "params",
            params_file,
            "--safe",
            &batch("early.json"),
        ],
    );
    assert!(early.contains("CallNotReady"), "{early}");
    stage.warp(2 * 86_400 + 60).await;
    stage.ok(
        None,
        &[
            "gov",
            "apply",
            "params",
            params_file,
            "--safe",
            &batch("apply.json"),
        ],
    );
    stage.ok(
        None,
        &[
            &["gov", "apply"][..],
            &bounds,
            &["--safe", &batch("apply.json")],
        ]
        .concat(),
    );
    stage.execute(&safe, "apply.json").await;
    let guard: Address = stage
        .ok(None, &["address", "guard"])
        .trim()
        .parse()
        .unwrap();
    let config = ICircuitGuard::guardConfigCall {}.abi_encode();
    let answer = stage
        .provider(0)
        .call(
            TransactionRequest::default()
                .with_to(guard)
                .with_input(config),
        )
        .await
        .unwrap();
    let config = ICircuitGuard::guardConfigCall::abi_decode_returns(&answer).unwrap();
    assert_eq!(
        (config.maxPauseDuration, config.pauseCooldown),
        (3_600, 86_400)
    );
    let current = stage.json(None, &["gov", "params"]);
    assert_eq!(
        (current["version"].as_u64(), current["slashBps"].as_str()),
        (Some(2), Some("6000"))
    );
    // Each call of a batch is simulated on the chain as it is when written, so a cancel goes in
    // a batch of its own once the schedule is executed.
    let scheduled = batch("resolver.json");
    stage.ok(
        None,
        &[
            "gov",
            "schedule",
            "add-resolver",
            &guardian,
            "--safe",
            &scheduled,
        ],
    );
    stage.execute(&safe, "resolver.json").await;
    let cancel = batch("cancel.json");
    stage.ok(
        None,
        &[
            "gov",
            "cancel",
            "add-resolver",
            &guardian,
            "--safe",
            &cancel,
        ],
    );
    stage.execute(&safe, "cancel.json").await;
    let gone = stage.fails(
        None,
        &[
            "gov",
            "apply",
            "add-resolver",
            &guardian,
            "--safe",
            &batch("gone.json"),
        ],
    );
    assert!(gone.contains("CallNotScheduled"), "{gone}");
    stage.node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transaction_the_chain_does_not_mine_is_reported_stuck() {
    // A node that seals a block once an hour, serving a guard deployed in process: a
    // registration is sent, then waited for no longer than --timeout.
    let (tx, rx) = std::sync::mpsc::channel();
    let config = Config {
        port: 0,
        block_time: Some(std::time::Duration::from_secs(3_600)),
        devnet_time: true,
        ..Config::default()
    };
    let node = vigil_node::start(config, move || {
        let mut chain = Devnet::new();
        let (guard, _) = vigil_devnet::system::deploy_guard(&mut chain, Address::repeat_byte(0x0b));
        tx.send(guard).unwrap();
        chain
    })
    .await
    .expect("start node");
    let guard = rx.recv().unwrap().to_string();
    let accounts = DevAccounts::derive().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args([
            "protocol",
            "register",
            "--admin",
            "0x00000000000000000000000000000000000000a1",
        ])
        .args([
            "--rpc-url",
            &node.http_url(),
            "--registry",
            &guard,
            "--guard",
            &guard,
        ])
        .args(["--timeout", "2"])
        .env(
            KEY_VAR,
            hex::encode_prefixed(accounts.signers()[3].to_bytes()),
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("(nonce 0) was not mined within 2 s") && message.contains("higher fee"),
        "{message}"
    );
    node.stop().await.unwrap();
}
