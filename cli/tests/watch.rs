//! `vigil watch` end to end: two protocols share the guard; three watchers run as separate
//! processes, each with its own staked reporter key; an exploit contract drains vault A; the
//! watchers see it in the same block, their reports compose into one flag, and the attacker's
//! next call into vault B is refused. Repeated with fresh attackers (draining by hand after the
//! first), the blocks and the wall-clock time from the exploit's block to the confirming block are
//! the time to protection, written to target/time-to-protection.json for the bench. Then: a copy
//! of the exploit contract deployed by someone else is flagged before it can attack, a payment
//! from a confirmed attacker to a fresh address is reported, a watcher restarted behind the chain
//! catches up and reports nothing twice, and a dry run under an hourly cap sends nothing.

use alloy_network::TransactionBuilder;
use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::{Filter, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolValue};
use futures::StreamExt;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vigil_cli::abi::{ICircuitGuard, IThreatRegistry as R};
use vigil_cli::subject;
use vigil_devnet::artifacts::{target_dir, workspace};
use vigil_devnet::system::creation_code;
use vigil_node::Config;

mod common;
use common::{ether, IToken, IVault, Stage};

sol! {
    interface IExploit {
        function attack(address vault, address token) external;
    }
    interface ILeaky {
        function migrate(address to) external;
    }
}

/// Arbitrum's block time, which the time to protection is measured at.
const BLOCK_TIME: Duration = Duration::from_millis(250);
/// The guard's timelock (contracts/guard: DEFAULT_DELAY), which the handover waits.
const GUARD_DELAY: u64 = 2 * 86_400;
/// cli/deploy.local.toml's warm-up.
const WARMUP: u64 = 86_400;
/// Exploits measured; the bench prints their median.
const ROUNDS: usize = 5;
/// How long a watcher may take to do what the test waits for before the test fails: generous,
/// since it only bounds a failure (nothing here asserts a time).
const PATIENCE: Duration = Duration::from_secs(90);

// The cast: dev account 0 deploys and governs, 1 administers both vaults, 2..4 run the watchers,
// 5 is the depositor whose funds vault A loses, 6 copies the exploit, 7 runs the dry run.
const GOV: usize = 0;
const ADMIN: usize = 1;
const REPORTERS: [usize; 3] = [2, 3, 4];
const DEPOSITOR: usize = 5;
const COPIER: usize = 6;
const DRY: usize = 7;

impl Stage {
    /// An account nobody has used, funded for gas.
    async fn fresh_account(&self) -> PrivateKeySigner {
        let signer = PrivateKeySigner::random();
        let _: Value = self
            .provider(self.signer(GOV))
            .raw_request("anvil_setBalance".into(), (signer.address(), ether(10)))
            .await
            .unwrap();
        signer
    }

    async fn status(&self, registry: Address, subject: B256) -> R::SubjectStatus {
        let data = R::statusOfCall { subject }.abi_encode();
        let answer = self
            .provider(self.signer(GOV))
            .call(
                TransactionRequest::default()
                    .with_to(registry)
                    .with_input(data),
            )
            .await
            .unwrap();
        R::statusOfCall::abi_decode_returns(&answer).unwrap()
    }

    /// Waits until `subject`'s level is at least `level`; returns the block of the status change
    /// that reached it.
    async fn reaches(
        &self,
        registry: Address,
        subject: B256,
        level: u8,
        watchers: &mut [Watcher],
    ) -> u64 {
        let started = Instant::now();
        while self.status(registry, subject).await.level < level {
            if started.elapsed() > PATIENCE {
                let said: Vec<String> = watchers.iter_mut().map(|w| w.said()).collect();
                panic!(
                    "{} did not reach level {level}; the watchers said:\n{}",
                    subject::describe(subject),
                    said.join("\n---\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The node answers calls on the open block's state: the change's log is readable once
        // its block is sealed.
        let filter = Filter::new()
            .address(registry)
            .event_signature(R::StatusChanged::SIGNATURE_HASH)
            .topic1(subject)
            .from_block(0u64);
        loop {
            let logs = self
                .provider(self.signer(GOV))
                .get_logs(&filter)
                .await
                .unwrap();
            let reached = logs.iter().find(|log| {
                let changed = R::StatusChanged::decode_log(&log.inner).unwrap();
                changed.status.as_limbs()[0] as u8 >= level
            });
            if let Some(block) = reached.and_then(|log| log.block_number) {
                return block;
            }
            assert!(started.elapsed() < PATIENCE, "no sealed status change");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A `vigil watch --json` process and the events it printed.
struct Watcher {
    child: Child,
    events: mpsc::Receiver<Value>,
    seen: Vec<Value>,
}

impl Watcher {
    fn start(stage: &Stage, key: &PrivateKeySigner, config: &Path, dry_run: bool) -> Watcher {
        let ws = stage.node.ws_url();
        let mut args = vec![
            "watch",
            "--json",
            "--config",
            config.to_str().unwrap(),
            "--ws-url",
            &ws,
        ];
        if dry_run {
            args.push("--dry-run");
        }
        let mut child = stage
            .command(Some(key), &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start vigil watch");
        let stdout = child.stdout.take().unwrap();
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let event = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
                if tx.send(event).is_err() {
                    return;
                }
            }
        });
        let mut watcher = Watcher {
            child,
            events,
            seen: Vec::new(),
        };
        watcher.expect(|e| e["event"] == "started");
        watcher
    }

    /// The first event (from now on) that `wanted` accepts.
    fn expect(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    self.seen.push(event.clone());
                    if wanted(&event) {
                        return event;
                    }
                }
                Err(_) => panic!("the watcher never said it; it said:\n{}", self.said()),
            }
        }
    }

    /// Everything said so far, one event per line.
    fn said(&mut self) -> String {
        while let Ok(event) = self.events.try_recv() {
            self.seen.push(event);
        }
        self.seen
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The watcher's config: both vaults' token balances, exploit code, counterparties.
fn watch_config(vaults: [(&str, Address); 2], token: Address, state: &str, cap: u32) -> String {
    let mut text = format!(
        "[watch]\nstate = \"{state}\"\nmax_reports_per_hour = {cap}\n\n[code]\n\n[counterparty]\nwindow_blocks = 2000\n"
    );
    for (name, vault) in vaults {
        text.push_str(&format!(
            "\n[[drain]]\nname = \"{name}\"\naddress = \"{vault}\"\ntokens = [\"{token}\"]\nmin_share_bps = 1000\n"
        ));
    }
    text
}

/// One exploit, measured.
struct Round {
    /// How the attacker drained: through its contract, or itself.
    through: &'static str,
    blocks: u64,
    millis: u128,
}

#[tokio::test(flavor = "multi_thread")]
async fn watchers_turn_a_drain_of_one_vault_into_protection_of_the_other() {
    let stage = Stage::with_config(
        "watch",
        Config {
            port: 0,
            block_time: Some(BLOCK_TIME),
            ..Config::default()
        },
    )
    .await;
    let config = workspace().join("cli/deploy.local.toml");
    stage.deploy_vigil(GOV, config.to_str().unwrap());
    stage.warp(GUARD_DELAY + 60).await;
    stage.deploy_vigil(GOV, config.to_str().unwrap());
    stage.ok(Some(GOV), &["gov", "accept-ownership", "guard"]);
    let registry: Address = stage
        .ok(None, &["address", "registry"])
        .trim()
        .parse()
        .unwrap();
    let guard: Address = stage
        .ok(None, &["address", "guard"])
        .trim()
        .parse()
        .unwrap();

    // Two protocols on the one guard: the leaky vault A and the example vault B, both
    // screening withdrawals for confirmed callers.
    let gov = stage.signer(GOV).clone();
    let token_code = [
        creation_code("TestToken.sol", "TestToken"),
        ("Vigil Test Token".to_string(), "VTT".to_string()).abi_encode_params(),
    ]
    .concat();
    let token = stage.deploy(&gov, token_code).await;
    let vault = |file: &str, name: &str| {
        [
            creation_code(file, name),
            (token, guard, stage.address(ADMIN)).abi_encode_params(),
        ]
        .concat()
    };
    let vault_a = stage
        .deploy(&gov, vault("LeakyVault.sol", "LeakyVault"))
        .await;
    let vault_b = stage
        .deploy(&gov, vault("GuardedVault.sol", "GuardedVault"))
        .await;
    for v in [vault_a, vault_b] {
        stage.ok(
            Some(ADMIN),
            &[
                "protocol",
                "screening",
                &v.to_string(),
                "confirmed",
                "--selector",
                "withdraw(uint256)",
            ],
        );
    }
    let depositor = stage.signer(DEPOSITOR).clone();
    stage
        .call(
            &gov,
            token,
            IToken::mintCall {
                to: depositor.address(),
                value: ether(1_000_000),
            }
            .abi_encode(),
        )
        .await;
    stage
        .call(
            &depositor,
            token,
            IToken::approveCall {
                spender: vault_a,
                value: U256::MAX,
            }
            .abi_encode(),
        )
        .await;

    // Each live report locks the stake cap, 10 ETH, for 5 ETH of weight: three reports confirm
    // against the 12 ETH threshold, and a watcher needs 10 ETH staked per subject it reports
    // while the earlier flags live (here 2 per exploit, 2 for the copy, 1 counterparty).
    for reporter in REPORTERS.into_iter().chain([DRY]) {
        stage.ok(Some(reporter), &["reporter", "stake", "150 ether"]);
    }
    stage.warp(WARMUP + 60).await;

    let vaults = [("Vault A", vault_a), ("Vault B", vault_b)];
    let mut watchers: Vec<Watcher> = REPORTERS
        .iter()
        .enumerate()
        .map(|(i, reporter)| {
            let config = stage.file(
                &format!("watch-{i}.toml"),
                &watch_config(vaults, token, &format!("watch-{i}.json"), 100),
            );
            Watcher::start(&stage, &stage.signer(*reporter).clone(), &config, false)
        })
        .collect();
    let dry_config = stage.file("dry.toml", &watch_config(vaults, token, "dry.json", 1));
    let dry_key = stage.signer(DRY).clone();
    let dry_nonce = stage
        .provider(&dry_key)
        .get_transaction_count(dry_key.address())
        .await
        .unwrap();
    let mut dry = Watcher::start(&stage, &dry_key, &dry_config, true);

    // Every block's arrival, as a client subscribed to heads sees it.
    let arrivals: Arc<Mutex<BTreeMap<u64, Instant>>> = Arc::default();
    let ws = ProviderBuilder::new()
        .connect(&stage.node.ws_url())
        .await
        .unwrap();
    let mut heads = ws.subscribe_blocks().await.unwrap().into_stream();
    let seen = arrivals.clone();
    tokio::spawn(async move {
        while let Some(header) = heads.next().await {
            seen.lock().unwrap().insert(header.number, Instant::now());
        }
    });

    let mut rounds = Vec::new();
    let mut last = None;
    let mut first_exploit = None;
    for round in 0..ROUNDS {
        // The depositor's funds go in; a fresh attacker drains them: the first through its own
        // exploit contract, the others by calling the leaky function themselves (a second
        // deployment of the same exploit would be a copy of a confirmed contract, which the
        // watchers flag before it attacks: see below).
        stage
            .call(
                &depositor,
                vault_a,
                IVault::depositCall {
                    amount: ether(1_000),
                }
                .abi_encode(),
            )
            .await;
        let attacker = stage.fresh_account().await;
        let (drained, exploit) = if round == 0 {
            let exploit = stage
                .deploy(&attacker, creation_code("VaultExploit.sol", "VaultExploit"))
                .await;
            let attack = IExploit::attackCall {
                vault: vault_a,
                token,
            };
            (
                stage.call(&attacker, exploit, attack.abi_encode()).await,
                Some(exploit),
            )
        } else {
            let migrate = ILeaky::migrateCall {
                to: attacker.address(),
            };
            (
                stage.call(&attacker, vault_a, migrate.abi_encode()).await,
                None,
            )
        };
        let confirmed = stage
            .reaches(
                registry,
                subject::of_address(attacker.address()),
                3,
                &mut watchers,
            )
            .await;
        if let Some(exploit) = exploit {
            stage
                .reaches(registry, subject::of_address(exploit), 3, &mut watchers)
                .await;
        }

        // Vault B refuses the attacker: the guard names it, confirmed.
        let refused = stage
            .provider(&attacker)
            .call(
                TransactionRequest::default()
                    .with_from(attacker.address())
                    .with_to(vault_b)
                    .with_input(
                        IVault::withdrawCall {
                            amount: U256::from(1),
                        }
                        .abi_encode(),
                    ),
            )
            .await
            .unwrap_err();
        let data = refused.as_error_resp().unwrap().as_revert_data().unwrap();
        let flagged = ICircuitGuard::CallerFlagged::abi_decode(&data).unwrap();
        assert_eq!((flagged.caller, flagged.level), (attacker.address(), 3));

        // The three reports composed into one flag: three reporters, the attacker's flag
        // confirmed by the watchers alone.
        let status = stage
            .status(registry, subject::of_address(attacker.address()))
            .await;
        let info = R::flagInfoCall {
            flagId: status.flagId,
        };
        let answer = stage
            .provider(&gov)
            .call(
                TransactionRequest::default()
                    .with_to(registry)
                    .with_input(info.abi_encode()),
            )
            .await
            .unwrap();
        let info = R::flagInfoCall::abi_decode_returns(&answer).unwrap();
        let mut reporters = info.reporters.clone();
        reporters.sort();
        let mut expected: Vec<Address> = REPORTERS.iter().map(|r| stage.address(*r)).collect();
        expected.sort();
        assert_eq!(reporters, expected, "round {round}");
        assert_eq!(
            status.severity, 4,
            "the whole balance was drained: critical"
        );

        let millis = {
            let arrivals = arrivals.lock().unwrap();
            match (arrivals.get(&drained), arrivals.get(&confirmed)) {
                (Some(a), Some(b)) => b.duration_since(*a).as_millis(),
                _ => panic!("the heads subscription missed block {drained} or {confirmed}"),
            }
        };
        println!(
            "round {round}: drained in block {drained}, confirmed in block {confirmed}: {} \
             block(s), {millis} ms",
            confirmed - drained
        );
        rounds.push(Round {
            through: if exploit.is_some() {
                "its contract"
            } else {
                "itself"
            },
            blocks: confirmed - drained,
            millis,
        });
        last = Some((attacker, drained));
        first_exploit.get_or_insert(exploit);
    }
    let (attacker, last_exploit_block) = last.unwrap();
    let exploit = first_exploit
        .flatten()
        .expect("the first round's exploit contract");
    write_time_to_protection(&rounds);

    // The dry run under a cap of one report an hour: one report it would send, the next one
    // held back by the cap, and nothing sent.
    dry.expect(|e| e["event"] == "wouldReport");
    dry.expect(|e| e["event"] == "skipped" && e["why"].as_str().unwrap().contains("cap of 1"));
    assert_eq!(
        stage
            .provider(&dry_key)
            .get_transaction_count(dry_key.address())
            .await
            .unwrap(),
        dry_nonce
    );
    dry.stop();

    // Someone else deploys the same exploit: a different deployer makes different runtime code
    // (the immutable owner), so only the comparison with immutables set aside sees it; the copy
    // and its code hash are reported.
    let copier = stage.signer(COPIER).clone();
    let copy = stage
        .deploy(&copier, creation_code("VaultExploit.sol", "VaultExploit"))
        .await;
    let copy_code = stage.provider(&gov).get_code_at(copy).await.unwrap();
    let exploit_code = stage.provider(&gov).get_code_at(exploit).await.unwrap();
    assert_ne!(keccak256(&copy_code), keccak256(&exploit_code));
    stage
        .reaches(registry, subject::of_address(copy), 3, &mut watchers)
        .await;
    stage
        .reaches(
            registry,
            subject::of_code_hash(keccak256(&copy_code)),
            3,
            &mut watchers,
        )
        .await;
    // Flagged before it attacks: vault A's guard refuses the copy (the vault's default screening
    // covers every guarded function), and the refusal bubbles up through the exploit.
    let attack = IExploit::attackCall {
        vault: vault_a,
        token,
    };
    let refused = stage
        .provider(&copier)
        .call(
            TransactionRequest::default()
                .with_from(copier.address())
                .with_to(copy)
                .with_input(attack.abi_encode()),
        )
        .await
        .unwrap_err();
    let data = refused.as_error_resp().unwrap().as_revert_data().unwrap();
    let flagged = ICircuitGuard::CallerFlagged::abi_decode(&data).unwrap();
    assert_eq!((flagged.caller, flagged.level), (copy, 3));

    // Watcher 0 stops; the confirmed attacker pays a fresh address while it is away.
    watchers[0].stop();
    let state_path = stage.dir.join("watch-0.json");
    let mut state: Value =
        serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    let fresh = PrivateKeySigner::random().address();
    stage
        .call(
            &attacker,
            token,
            IToken::transferCall {
                to: fresh,
                value: ether(10),
            }
            .abi_encode(),
        )
        .await;
    stage
        .reaches(registry, subject::of_address(fresh), 2, &mut watchers[1..])
        .await;

    // Restarted with its memory set back to the last exploit's block, it inspects every block
    // since, reports what it missed and nothing it reported before.
    let reporter0 = stage.signer(REPORTERS[0]).clone();
    let reported_before = state["reported"].as_object().unwrap().len();
    // Per watcher: the first attacker and its contract, one attacker a round after it, the copy
    // and its code hash.
    assert_eq!(reported_before, ROUNDS + 3, "{state}");
    state["nextBlock"] = Value::from(last_exploit_block);
    std::fs::write(&state_path, state.to_string()).unwrap();
    let nonce = stage
        .provider(&gov)
        .get_transaction_count(reporter0.address())
        .await
        .unwrap();
    let config0 = stage.dir.join("watch-0.toml");
    watchers[0] = Watcher::start(&stage, &reporter0, &config0, false);
    let sent = watchers[0].expect(|e| e["event"] == "reported");
    assert_eq!(sent["subject"], fresh.to_string(), "{}", watchers[0].said());
    stage
        .reaches(registry, subject::of_address(fresh), 3, &mut watchers)
        .await;
    let skipped = watchers[0]
        .said()
        .lines()
        .filter(|l| l.contains("reported before"))
        .count();
    assert!(skipped >= 1, "{}", watchers[0].said());
    assert_eq!(
        stage
            .provider(&gov)
            .get_transaction_count(reporter0.address())
            .await
            .unwrap(),
        nonce + 1,
        "one report sent after the restart: the missed one"
    );
}

/// target/time-to-protection.json: each round's blocks and milliseconds and their medians.
fn write_time_to_protection(rounds: &[Round]) {
    let median = |mut values: Vec<u128>| {
        values.sort();
        values[values.len() / 2]
    };
    let blocks = median(rounds.iter().map(|r| u128::from(r.blocks)).collect());
    let millis = median(rounds.iter().map(|r| r.millis).collect());
    println!("| exploit | the attacker drained through | blocks to confirmation | ms |");
    println!("|---|---|---|---|");
    for (i, round) in rounds.iter().enumerate() {
        println!(
            "| {} | {} | {} | {} |",
            i + 1,
            round.through,
            round.blocks,
            round.millis
        );
    }
    println!(
        "time to protection: median {blocks} block(s), {millis} ms over {} exploits, blocks every {} ms",
        rounds.len(),
        BLOCK_TIME.as_millis()
    );
    let json = serde_json::json!({
        "blockTimeMs": BLOCK_TIME.as_millis() as u64,
        "rounds": rounds.iter().map(|r| serde_json::json!({"through": r.through, "blocks": r.blocks, "ms": r.millis as u64})).collect::<Vec<_>>(),
        "medianBlocks": blocks as u64,
        "medianMs": millis as u64,
    });
    std::fs::write(
        target_dir().join("time-to-protection.json"),
        serde_json::to_string_pretty(&json).unwrap(),
    )
    .unwrap();
}
