//! `vigil status` and `vigil doctor` (the library) against a vigil-node started in this process,
//! on a deployment made by `vigil deploy`'s library and state made by signed transactions:
//! reporters staking and warming up, a flag corroborated to confirmation, a disputed flag, a
//! confirmed and revealed advisory that pauses a tagged selector, a scheduled `setParams`, the
//! guard's handover left for governance to accept; then a deployment whose guard was never
//! linked to its registry, and one whose guard's extension expired.

use alloy_primitives::{keccak256, Address, Bytes, FixedBytes, B256, U256};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolInterface};
use vigil_cli::abi::{ArbWasmCache, ICircuitGuard, IThreatRegistry, ARB_WASM_CACHE};
use vigil_cli::chain::Chain;
use vigil_cli::context::{Global, Vigil};
use vigil_cli::deploy::{self, Options, Outcome};
use vigil_cli::doctor::{doctor, Check, Health, Report};
use vigil_cli::record::Record;
use vigil_cli::status::status;
use vigil_cli::subject;
use vigil_node::accounts::DevAccounts;
use vigil_node::server::DEFAULT_CHAIN_ID;
use vigil_node::Running;

mod common;
use common::{ether, start_node, warp, wasm_dir, Scratch};

/// The guard's timelock (contracts/guard: DEFAULT_DELAY) and the registry's (the local config's
/// paramsDelay).
const GUARD_DELAY: u64 = 2 * 86_400;
const PARAMS_DELAY: u64 = 2 * 86_400;
const DAY: u64 = 86_400;
const WITHDRAW: FixedBytes<4> = FixedBytes([0x2e, 0x1a, 0x7d, 0x4d]);
const TRANSFER: FixedBytes<4> = FixedBytes([0xa9, 0x05, 0x9c, 0xbb]);
const ATTACKER: Address = Address::repeat_byte(0xba);
const VICTIM: Address = Address::repeat_byte(0x71);
const BYSTANDER: Address = Address::repeat_byte(0x99);

/// The node's funded keys, by role.
struct Cast {
    deployer: PrivateKeySigner,
    governance: PrivateKeySigner,
    resolver: PrivateKeySigner,
    reporters: [PrivateKeySigner; 3],
    disputer: PrivateKeySigner,
    /// An account that registers itself at the guard as a protocol, and administers itself.
    protocol: PrivateKeySigner,
}

impl Cast {
    fn new() -> Self {
        let keys = DevAccounts::derive().unwrap().signers().to_vec();
        Cast {
            deployer: keys[0].clone(),
            governance: keys[1].clone(),
            resolver: keys[2].clone(),
            reporters: [keys[3].clone(), keys[4].clone(), keys[5].clone()],
            disputer: keys[6].clone(),
            protocol: keys[7].clone(),
        }
    }
}

/// Deploys with the library, stopping after `stop_after` steps, or through the guard's handover.
async fn deploy(node: &Running, scratch: &Scratch, cast: &Cast, stop_after: Option<usize>) {
    let options = Options {
        rpc_url: node.http_url(),
        config: scratch.config(cast.governance.address(), cast.resolver.address()),
        wasm_dir: wasm_dir(),
        deployments: scratch.deployments(),
        dry_run: false,
        stop_after,
        adopt: Default::default(),
    };
    let mut quiet = |_: String| {};
    match deploy::deploy(&options, cast.deployer.clone(), &mut quiet)
        .await
        .unwrap()
    {
        Outcome::Stopped(_) if stop_after.is_some() => return,
        Outcome::Waiting { .. } => {}
        other => panic!("unexpected outcome: {other:?}"),
    }
    // A minute more than the delay: quick blocks run ahead of the wall clock.
    warp(node, GUARD_DELAY + 60).await;
    let done = deploy::deploy(&options, cast.deployer.clone(), &mut quiet).await;
    assert!(matches!(done, Ok(Outcome::Done(_))), "{done:?}");
}

async fn vigil(node: &Running, scratch: &Scratch) -> Vigil {
    Vigil::reader(&Global {
        rpc_url: node.http_url(),
        deployments: scratch.deployments(),
        registry: None,
        guard: None,
        keystore: None,
        json: false,
        timeout: 60,
    })
    .await
    .unwrap()
}

/// Signs `call` to `to` with `key`, sends it and waits for it; it must succeed.
async fn send<C: SolCall>(
    node: &Running,
    key: &PrivateKeySigner,
    to: Address,
    call: C,
    value: U256,
) {
    let chain = Chain::connect(&node.http_url(), key.clone()).await.unwrap();
    let prepared = chain
        .prepare(C::SIGNATURE, to, call.abi_encode().into(), value)
        .await
        .unwrap();
    let (envelope, hash) = chain.sign(prepared, DEFAULT_CHAIN_ID).await.unwrap();
    chain.send(envelope).await.unwrap();
    assert!(
        chain.wait(hash).await.unwrap().status(),
        "{} reverted",
        C::SIGNATURE
    );
}

fn find<'a>(report: &'a Report, name: &str, status: Health) -> Vec<&'a Check> {
    report
        .checks
        .iter()
        .filter(|c| c.name == name && c.status == status)
        .collect()
}

fn names(report: &Report, status: Health) -> Vec<String> {
    report
        .checks
        .iter()
        .filter(|c| c.status == status)
        .map(|c| c.name.clone())
        .collect()
}

fn revert_of(data: &Bytes) -> ICircuitGuard::ICircuitGuardErrors {
    ICircuitGuard::ICircuitGuardErrors::abi_decode(data).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn status_and_doctor_report_a_live_deployment() {
    let node = start_node().await;
    let scratch = Scratch::new("read-live");
    let cast = Cast::new();
    deploy(&node, &scratch, &cast, None).await;
    let vigil = vigil(&node, &scratch).await;
    let (registry, guard) = (vigil.registry, vigil.guard);
    let advisory = subject::parse("advisory:CVE-2026-0001").unwrap();
    let details = b"CVE-2026-0001: reentrancy in withdraw".to_vec();

    // A protocol (an account registering itself) screens withdraw for confirmed callers and
    // pauses transfer while the advisory is confirmed.
    let p = cast.protocol.address();
    send(
        &node,
        &cast.protocol,
        guard,
        ICircuitGuard::registerProtocolCall { admin: p },
        U256::ZERO,
    )
    .await;
    send(
        &node,
        &cast.protocol,
        guard,
        ICircuitGuard::setScreeningCall {
            protocol: p,
            selector: WITHDRAW,
            mode: 0,
            screenOrigin: false,
        },
        U256::ZERO,
    )
    .await;
    send(
        &node,
        &cast.protocol,
        guard,
        ICircuitGuard::setAdvisoryTagsCall {
            protocol: p,
            selector: TRANSFER,
            tags: vec![advisory],
        },
        U256::ZERO,
    )
    .await;

    // Three reporters stake 30 ETH each (a report locks at most 10) and warm up.
    for reporter in &cast.reporters {
        send(
            &node,
            reporter,
            registry,
            IThreatRegistry::stakeCall {},
            ether(30),
        )
        .await;
    }
    warp(&node, DAY + 60).await;
    let [a, b, c] = &cast.reporters;
    let submit = |subject, category, severity, evidence| IThreatRegistry::submitCall {
        subject,
        category,
        severity,
        evidence,
        ttl: 7 * DAY,
    };
    let corroborate = |subject| IThreatRegistry::corroborateCall {
        subject,
        severity: 0,
        evidence: B256::repeat_byte(0xee),
    };

    // Flag 1: the attacker, corroborated to confirmation (3 x 5 ETH of weight >= 12, 3 >= 2).
    let attacker = subject::of_address(ATTACKER);
    send(
        &node,
        a,
        registry,
        submit(attacker, 1, 4, B256::repeat_byte(0xe1)),
        U256::ZERO,
    )
    .await;
    send(&node, b, registry, corroborate(attacker), U256::ZERO).await;
    send(&node, c, registry, corroborate(attacker), U256::ZERO).await;
    // Flag 2: an innocent account at watch, disputed with the 0.5 ETH bond.
    let victim = subject::of_address(VICTIM);
    send(
        &node,
        a,
        registry,
        submit(victim, 2, 2, B256::repeat_byte(0xe2)),
        U256::ZERO,
    )
    .await;
    send(
        &node,
        &cast.disputer,
        registry,
        IThreatRegistry::disputeCall {
            flagId: 2,
            evidence: B256::repeat_byte(0xd1),
        },
        ether(1) / U256::from(2),
    )
    .await;
    // Flag 3: the advisory, committed to its details, confirmed, then revealed.
    send(
        &node,
        a,
        registry,
        submit(advisory, 5, 3, keccak256(&details)),
        U256::ZERO,
    )
    .await;
    send(&node, b, registry, corroborate(advisory), U256::ZERO).await;
    send(&node, c, registry, corroborate(advisory), U256::ZERO).await;
    send(
        &node,
        a,
        registry,
        IThreatRegistry::revealCall {
            subject: advisory,
            details: details.clone().into(),
        },
        U256::ZERO,
    )
    .await;
    // Governance schedules a higher confirmation threshold.
    let mut params = vigil
        .chain
        .read(registry, IThreatRegistry::paramsAtCall { version: 0 })
        .await
        .unwrap();
    params.confirmScore = ether(15);
    let set_params = IThreatRegistry::setParamsCall { params }.abi_encode();
    send(
        &node,
        &cast.governance,
        registry,
        IThreatRegistry::scheduleCall {
            data: set_params.clone().into(),
        },
        U256::ZERO,
    )
    .await;
    let now = vigil.chain.now().await.unwrap();

    // The attacker: confirmed by three reporters, refused by the guard.
    let s = status(&vigil, attacker).await.unwrap();
    assert_eq!(
        (s.level, s.level_name, s.disputed, s.finalized),
        (3, "confirmed", false, false)
    );
    let flag = s.flag.as_ref().unwrap();
    assert_eq!(
        (flag.id, flag.category_name, flag.severity_name),
        (1, "exploit", "critical")
    );
    assert_eq!(flag.score.0, ether(15));
    assert_eq!(
        (flag.watch_score.0, flag.confirm_score.0),
        (ether(1), ether(12))
    );
    assert_eq!(
        (flag.min_reporters, flag.max_reporters, flag.rules_version),
        (2, 4, 1)
    );
    let reporters: Vec<_> = flag
        .reporters
        .iter()
        .map(|r| (r.address, r.weight.0, r.locked.0))
        .collect();
    assert_eq!(
        reporters,
        [a, b, c].map(|k| (k.address(), ether(5), ether(10)))
    );
    assert_eq!(flag.evidence, B256::repeat_byte(0xe1));
    assert_eq!(flag.expiry, flag.created + 7 * DAY);
    assert_eq!(flag.seconds_left, flag.expiry - now);
    assert!(flag.dispute.is_none() && flag.reached_confirmed && !flag.settled);
    assert!(s.guard.in_sync);
    let verdicts: Vec<_> = s
        .guard
        .verdicts
        .iter()
        .map(|v| (v.protocol, v.selector, v.passes))
        .collect();
    assert_eq!(
        verdicts,
        [
            (p, Some(WITHDRAW), false),
            (p, Some(TRANSFER), false),
            (p, None, false)
        ]
    );
    let withdraw = s.guard.verdicts[0].revert_data.as_ref().unwrap();
    assert_eq!(
        revert_of(withdraw),
        ICircuitGuard::ICircuitGuardErrors::CallerFlagged(ICircuitGuard::CallerFlagged {
            caller: ATTACKER,
            level: 3
        })
    );
    let transfer = s.guard.verdicts[1].revert_data.as_ref().unwrap();
    assert_eq!(
        revert_of(transfer),
        ICircuitGuard::ICircuitGuardErrors::AdvisoryActive(ICircuitGuard::AdvisoryActive {
            advisory
        })
    );
    let lines = s.lines().join("\n");
    for expected in [
        "level: confirmed; flag #1: exploit, critical severity",
        "score: 15 ETH (watch at 1 ETH, confirmed at 12 ETH with at least 2 reporters; rules version 1)",
        "reporters: 3 of at most 4",
        "weight 5 ETH, locked 10 ETH",
        "(in 6d 23h",
        "holds the same status as the registry",
        "selector 0x2e1a7d4d: refused: CallerFlagged",
    ] {
        assert!(lines.contains(expected), "{expected:?} not in\n{lines}");
    }
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["levelName"], "confirmed");
    assert_eq!(json["flag"]["score"], "15000000000000000000");
    assert_eq!(
        json["flag"]["reporters"][2]["locked"],
        "10000000000000000000"
    );
    assert_eq!(json["guard"]["verdicts"][0]["selector"], "0x2e1a7d4d");
    println!("{lines}");

    // The innocent: at watch and disputed; withdraw lets it through, transfer is paused for all.
    let s = status(&vigil, victim).await.unwrap();
    assert_eq!((s.level, s.disputed), (2, true));
    let flag = s.flag.as_ref().unwrap();
    let dispute = flag.dispute.as_ref().unwrap();
    assert_eq!(dispute.disputer, cast.disputer.address());
    assert_eq!(dispute.bond.0, ether(1) / U256::from(2));
    assert_eq!(dispute.deadline, dispute.disputed_at + 14 * DAY);
    assert_eq!(flag.disputable_until, Some(flag.expiry + 2 * DAY));
    let passes: Vec<_> = s.guard.verdicts.iter().map(|v| v.passes).collect();
    assert_eq!(passes, [true, false, true]);
    let lines = s.lines().join("\n");
    assert!(lines.contains("level: watch, disputed"), "{lines}");
    assert!(
        lines.contains(&format!(
            "dispute: opened by {} with a bond of 0.5 ETH",
            cast.disputer.address()
        )),
        "{lines}"
    );
    println!("{lines}");

    // The advisory: confirmed, revealed, pausing the protocol's transfer.
    let s = status(&vigil, advisory).await.unwrap();
    assert_eq!(s.level, 3);
    let flag = s.flag.as_ref().unwrap();
    assert_eq!(flag.revealed.len(), 1);
    assert_eq!(
        (flag.revealed[0].reporter, flag.revealed[0].details.to_vec()),
        (a.address(), details)
    );
    let tags: Vec<_> = s
        .guard
        .tags
        .iter()
        .map(|t| (t.protocol, t.selector, t.pausing))
        .collect();
    assert_eq!(tags, [(p, TRANSFER, true)]);
    assert!(s.guard.verdicts.is_empty());
    let lines = s.lines().join("\n");
    assert!(
        lines.contains(&format!("protocol {p} selector {TRANSFER}: paused now")),
        "{lines}"
    );
    println!("{lines}");

    // Never flagged: said plainly; only the advisory's pause stops it.
    let s = status(&vigil, subject::of_address(BYSTANDER))
        .await
        .unwrap();
    assert!(s.flag.is_none() && s.level == 0 && s.guard.in_sync && s.guard.word.is_zero());
    let passes: Vec<_> = s.guard.verdicts.iter().map(|v| v.passes).collect();
    assert_eq!(passes, [true, false, true]);
    assert!(s.lines().join("\n").contains("never flagged"));

    // Doctor: linked, alive, books whole; the handover and setParams pending, nothing cached.
    let report = doctor(&vigil).await.unwrap();
    let text = report.lines().join("\n");
    println!("{text}");
    assert!(names(&report, Health::Failure).is_empty(), "{text}");
    let mut warnings = names(&report, Health::Warning);
    warnings.sort();
    assert_eq!(
        warnings,
        [
            "extension cache",
            "guard cache",
            "guard extension cache",
            "guard owner",
            "registry cache",
            "registry timelock"
        ],
        "{text}"
    );
    assert_eq!(report.verdict, "6 warnings");
    let owner = find(&report, "guard owner", Health::Warning)[0];
    assert!(
        owner
            .fix
            .as_deref()
            .unwrap()
            .starts_with("governance calls acceptOwnership() on the guard"),
        "{text}"
    );
    let scheduled = find(&report, "registry timelock", Health::Warning)[0];
    assert!(
        scheduled
            .detail
            .starts_with("scheduled setParams (confirmScore 12 ETH → 15 ETH): may run from"),
        "{text}"
    );
    assert!(
        scheduled
            .detail
            .contains(&keccak256(&set_params).to_string()),
        "{text}"
    );
    for ok in [
        "registry → guard",
        "guard → registry",
        "guard copies",
        "registry owner",
        "registry program",
        "extension program",
        "guard program",
        "guard extension program",
        "guard timelock",
        "resolvers",
        "submissions",
        "accounting",
        "treasury",
    ] {
        assert_eq!(find(&report, ok, Health::Ok).len(), 1, "{ok}: {text}");
    }
    let books = find(&report, "accounting", Health::Ok)[0];
    assert_eq!(
        books.detail,
        "balance 90.5 ETH = stakes 90 ETH + dispute bonds 0.5 ETH + claimable 0 ETH + treasury 0 ETH"
    );
    assert_eq!(
        find(&report, "resolvers", Health::Ok)[0].detail,
        cast.resolver.address().to_string()
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["verdict"], "6 warnings");
    assert_eq!(json["checks"][0]["status"], "ok");

    // Every warning followed: the programs cached (the dev account is the chain owner), the
    // guard's ownership accepted, the new parameters applied after the delay.
    let programs = &vigil.record.as_ref().unwrap().programs;
    for program in [
        registry,
        guard,
        programs.extension.as_ref().unwrap().address,
        programs.guard_extension.as_ref().unwrap().address,
    ] {
        send(
            &node,
            &cast.deployer,
            ARB_WASM_CACHE,
            ArbWasmCache::cacheProgramCall { addr: program },
            U256::ZERO,
        )
        .await;
    }
    send(
        &node,
        &cast.governance,
        guard,
        ICircuitGuard::acceptOwnershipCall {},
        U256::ZERO,
    )
    .await;
    warp(&node, PARAMS_DELAY + 60).await;
    send(
        &node,
        &cast.governance,
        registry,
        IThreatRegistry::executeCall {
            data: set_params.into(),
        },
        U256::ZERO,
    )
    .await;
    let report = doctor(&vigil).await.unwrap();
    let text = report.lines().join("\n");
    println!("{text}");
    assert_eq!(report.verdict, "healthy", "{text}");
    assert!(report.healthy());
    assert!(report.checks.iter().all(|c| c.fix.is_none()));
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_fails_a_guard_that_does_not_take_the_registrys_pushes() {
    let node = start_node().await;
    let scratch = Scratch::new("read-unlinked");
    let cast = Cast::new();
    // The extensions, the guard and the registry deployed; the guard's setRegistry never sent.
    deploy(&node, &scratch, &cast, Some(4)).await;
    let vigil = vigil(&node, &scratch).await;
    let record = Record::load(&Record::path(&scratch.deployments(), DEFAULT_CHAIN_ID))
        .unwrap()
        .unwrap();
    assert_eq!(record.steps.len(), 4);

    let report = doctor(&vigil).await.unwrap();
    let text = report.lines().join("\n");
    println!("{text}");
    assert_eq!(
        names(&report, Health::Failure),
        ["guard → registry"],
        "{text}"
    );
    let link = find(&report, "guard → registry", Health::Failure)[0];
    assert_eq!(
        link.detail,
        "the guard accepts no registry's pushes: its copies go stale"
    );
    assert_eq!(
        link.fix.as_deref().unwrap(),
        format!(
            "the guard's owner ({}) calls setRegistry({}) on the guard (immediate: the guard \
             never had a registry); then anyone calls syncGuard(subjects) on the registry for \
             the live subjects",
            cast.deployer.address(),
            vigil.registry
        )
    );
    // The deployer still owns the guard, with no handover scheduled.
    let owner = find(&report, "guard owner", Health::Warning)[0];
    assert!(
        owner.detail.ends_with(&format!(
            "not the recorded governance {}",
            cast.governance.address()
        )),
        "{text}"
    );
    assert!(
        owner
            .fix
            .as_deref()
            .unwrap()
            .contains("schedules transferOwnership"),
        "{text}"
    );
    assert!(report.verdict.starts_with("1 failure, "), "{text}");
    assert!(!report.healthy());

    // A status read through the unlinked guard: the registry's flag never reached it.
    let key = &cast.reporters[0];
    let registry = vigil.registry;
    send(
        &node,
        key,
        registry,
        IThreatRegistry::stakeCall {},
        ether(10),
    )
    .await;
    warp(&node, DAY + 60).await;
    let attacker = subject::of_address(ATTACKER);
    send(
        &node,
        key,
        registry,
        IThreatRegistry::submitCall {
            subject: attacker,
            category: 1,
            severity: 4,
            evidence: B256::repeat_byte(0xe1),
            ttl: DAY,
        },
        U256::ZERO,
    )
    .await;
    let s = status(&vigil, attacker).await.unwrap();
    assert_eq!(s.level, 2);
    let report = doctor(&vigil).await.unwrap();
    let stale = find(&report, "guard copies", Health::Warning)[0];
    assert!(
        stale.detail.ends_with(&format!(": {attacker}")),
        "{stale:?}"
    );
    assert!(
        stale
            .fix
            .as_deref()
            .unwrap()
            .contains(&format!("syncGuard([{attacker}])")),
        "{stale:?}"
    );
    assert!(!s.guard.in_sync && s.guard.word.is_zero());
    let lines = s.lines().join("\n");
    assert!(
        lines.contains(&format!(
            "anyone repairs it with syncGuard([{attacker}]) on the registry"
        )),
        "{lines}"
    );
    assert!(
        lines.contains("no protocol is registered at the guard"),
        "{lines}"
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_counts_down_to_a_programs_expiry_and_names_the_cure() {
    let node = start_node().await;
    let scratch = Scratch::new("read-expiry");
    let cast = Cast::new();
    deploy(&node, &scratch, &cast, None).await;
    let vigil = vigil(&node, &scratch).await;
    let codehash = keccak256(vigil.chain.code(vigil.registry).await.unwrap());

    // 320 days on: fewer than the runbook's 60 days left, keepalive time.
    warp(&node, 320 * DAY).await;
    let report = doctor(&vigil).await.unwrap();
    let text = report.lines().join("\n");
    println!("{text}");
    assert!(names(&report, Health::Failure).is_empty(), "{text}");
    let lifetime = find(&report, "registry program", Health::Warning)[0];
    assert!(lifetime.detail.contains("expires in 4"), "{text}");
    assert!(
        lifetime
            .fix
            .as_deref()
            .unwrap()
            .contains(&format!("'codehashKeepalive(bytes32)' {codehash}")),
        "{text}"
    );
    assert_eq!(find(&report, "guard program", Health::Warning).len(), 1);
    assert_eq!(find(&report, "extension program", Health::Warning).len(), 1);
    assert_eq!(
        find(&report, "guard extension program", Health::Warning).len(),
        1
    );

    // Past the year: nothing runs; the cure is a re-activation, and nothing else is read.
    warp(&node, 50 * DAY).await;
    let report = doctor(&vigil).await.unwrap();
    let text = report.lines().join("\n");
    println!("{text}");
    assert_eq!(
        names(&report, Health::Failure),
        [
            "registry program",
            "extension program",
            "guard program",
            "guard extension program",
            "the rest"
        ],
        "{text}"
    );
    let expired = find(&report, "registry program", Health::Failure)[0];
    assert!(expired.detail.contains("expired (ProgramExpired"), "{text}");
    assert_eq!(
        expired.fix.as_deref().unwrap(),
        format!(
            "anyone re-activates it (paying the data fee): cargo stylus activate --address {0}, \
             or ArbWasm.activateProgram({0})",
            vigil.registry
        )
    );
    assert_eq!(report.verdict, "5 failures", "{text}");
    assert!(
        text.contains("not checked: the registry, extension, guard and guard extension cannot run"),
        "{text}"
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_fails_a_guard_whose_extension_cannot_run() {
    // A deployment named on the command line (no record, so neither extension's lifetime is
    // known), all of whose programs were kept alive but the guard's extension, which expired.
    let (tx, rx) = std::sync::mpsc::channel();
    let config = vigil_node::Config {
        port: 0,
        devnet_time: true,
        ..vigil_node::Config::default()
    };
    let node = vigil_node::start(config, move || {
        use vigil_devnet::system::{World, KEEPER};
        let mut w = World::deploy();
        let later = w.now() + 320 * DAY;
        w.chain.warp(later);
        for program in [w.registry, w.extension, w.guard] {
            w.chain.keepalive(KEEPER, program).expect("keepalive");
        }
        let later = w.now() + 50 * DAY;
        w.chain.warp(later);
        tx.send((w.registry, w.guard)).unwrap();
        w.chain
    })
    .await
    .expect("start node");
    let (registry, guard) = rx.recv().unwrap();
    let scratch = Scratch::new("read-guard-extension");
    let vigil = Vigil::reader(&Global {
        rpc_url: node.http_url(),
        deployments: scratch.deployments(),
        registry: Some(registry),
        guard: Some(guard),
        keystore: None,
        json: false,
        timeout: 60,
    })
    .await
    .unwrap();

    let report = doctor(&vigil).await.unwrap();
    let text = report.lines().join("\n");
    println!("{text}");
    assert_eq!(names(&report, Health::Failure), ["guard"], "{text}");
    let failure = find(&report, "guard", Health::Failure)[0];
    assert!(
        failure
            .detail
            .contains("the guard cannot reach its extension"),
        "{text}"
    );
    let unknown = find(&report, "guard extension program", Health::Warning)[0];
    assert!(
        unknown
            .detail
            .contains("the guard's extension is not in the deployment record"),
        "{text}"
    );
    assert!(!report.healthy());
    node.stop().await.unwrap();
}
