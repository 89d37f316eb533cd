//! Every custom error the ThreatRegistry and the CircuitGuard declare is produced here at least once,
//! on the release wasm users deploy, through real calldata. Each failure is compared byte for byte
//! with the interface's error (selector and arguments), must decode as that `sol!` type, and must
//! leave the watched state (views, the programs' scalar slots, ETH balances) exactly as it was.
//!
//! Each test ends with a completeness check: the errors declared in the generated interface and in
//! the contract's own sources, minus the ones listed as unreachable (with the reason) or as
//! produced by another test (the guard crate's client errors, raised inside the protocol that
//! embeds the client), must all have been produced. A new error without a scenario here fails the
//! test.
//!
//! Run: `cargo test -p vigil-devnet --test errors` (`-- --nocapture` prints the counts).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use alloy_sol_types::{SolCall, SolError, SolInterface, SolValue};
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Bytes, Receipt, B256, U256};

/// Registry errors no transaction can produce, and why.
const REGISTRY_UNREACHABLE: &[(&str, &str)] = &[(
    "TooManyFlags",
    "guards the uint32 flag-id counter (submit, emergencyConfirm): it needs 2^32 - 1 flags \
         first, one transaction each, and the devnet has no storage write to fake the counter",
)];

/// Guard errors no transaction can produce, and why: none.
const GUARD_UNREACHABLE: &[(&str, &str)] = &[];

/// Errors the guard crate declares that the guard program never raises, and the test that
/// produces them on the release wasm: those of the Rust client (`contracts/guard/src/client.rs`),
/// which a protocol embeds and which raises them inside the protocol, about its guard.
const GUARD_CLIENT_ELSEWHERE: &[(&str, &str)] = &[
    ("GuardNotContract", "stylus_vault.rs"),
    ("GuardUnavailable", "stylus_vault.rs"),
];

/// The gas a status change must have left when it pushes to the guard
/// (`vigil_registry::flags::PUSH_GAS_LEFT`: the 100,000 the guard gets, the 1/64 a call keeps
/// back, a cold account access and the encoding).
const PUSH_GAS_LEFT: u64 = 100_000 * 64 / 63 + 4_000;

/// A guarded protocol played by an EOA, so `check` can be called directly with any selector.
const PROTOCOL: Address = Address::repeat_byte(0x50);
const PROTOCOL_ADMIN: Address = Address::repeat_byte(0x51);
const GUARDIAN: Address = Address::repeat_byte(0x52);
/// Never registered with the guard.
const STRANGER: Address = Address::repeat_byte(0x53);
/// An EOA the guard is told to take status pushes from, to push malformed words.
const FEED: Address = Address::repeat_byte(0x54);
/// Reporters beyond the World's three, to fill a flag to `maxReporters`.
const EXTRA: [Address; 2] = [Address::repeat_byte(0x14), Address::repeat_byte(0x15)];
/// A reporter whose rejected flag takes its reputation to zero.
const LOSER: Address = Address::repeat_byte(0x17);
/// Stakes and unstakes; its stake never warms enough to report.
const STAKER: Address = Address::repeat_byte(0x21);

/// Sends calls that must fail and records which errors they produced.
struct Probe {
    w: World,
    produced: BTreeSet<String>,
    /// Read-only calls whose answers a failed call must leave unchanged: (label, target, calldata).
    watched: Vec<(String, Address, Bytes)>,
}

impl Probe {
    fn new(w: World) -> Self {
        Self {
            w,
            produced: BTreeSet::new(),
            watched: Vec::new(),
        }
    }

    fn watch<C: SolCall>(&mut self, label: impl Into<String>, to: Address, call: C) {
        self.watched
            .push((label.into(), to, call.abi_encode().into()));
    }

    /// The watched views' raw answers (so a view's return type does not matter), the first storage
    /// slots of both programs (their scalar fields) and the ETH of both programs and `sender`.
    fn state(&mut self, sender: Address) -> Vec<(String, Bytes)> {
        let mut out = Vec::new();
        for (label, to, data) in &self.watched {
            let o = self.w.chain.view(VIEWER, *to, data.clone()).expect("view");
            out.push((format!("{label} (ok: {})", o.success), o.data));
        }
        for (name, program) in [("registry", self.w.registry), ("guard", self.w.guard)] {
            for slot in 0..32u64 {
                let v = self.w.chain.storage(program, U256::from(slot));
                out.push((format!("{name} slot {slot}"), word_bytes(v)));
            }
        }
        for (name, who) in [
            ("registry", self.w.registry),
            ("guard", self.w.guard),
            ("sender", sender),
        ] {
            out.push((
                format!("{name} balance"),
                word_bytes(self.w.chain.balance(who)),
            ));
        }
        out
    }

    fn fails<C: SolCall, E: SolError>(&mut self, from: Address, to: Address, call: C, error: E) {
        self.fails_value(from, to, call, U256::ZERO, error);
    }

    /// Sends `call` with `value`: it must revert with exactly `error`, decode as `E`, and change
    /// nothing watched.
    fn fails_value<C: SolCall, E: SolError>(
        &mut self,
        from: Address,
        to: Address,
        call: C,
        value: U256,
        error: E,
    ) {
        let expected = error.abi_encode();
        let before = self.state(from);
        let r = self.w.send_value(from, to, &call, value);
        let what = format!("{} from {from} (expecting {})", C::SIGNATURE, E::SIGNATURE);
        assert_reverted(&r, &what, &expected);
        self.decodes::<E>(&what, &r.output);
        let after = self.state(from);
        assert_unchanged(&what, &before, &after);
    }

    /// [`Probe::fails`] with an explicit gas limit.
    fn fails_with_gas<C: SolCall, E: SolError>(
        &mut self,
        from: Address,
        to: Address,
        call: C,
        gas_limit: u64,
        error: E,
    ) {
        let expected = error.abi_encode();
        let before = self.state(from);
        let r = self
            .w
            .chain
            .call_with_gas(from, to, call.abi_encode().into(), U256::ZERO, gas_limit)
            .expect("a valid transaction");
        let what = format!(
            "{} from {from} with gas limit {gas_limit} (expecting {})",
            C::SIGNATURE,
            E::SIGNATURE
        );
        assert_reverted(&r, &what, &expected);
        self.decodes::<E>(&what, &r.output);
        let after = self.state(from);
        assert_unchanged(&what, &before, &after);
    }

    /// A read-only call that must revert with exactly `error`.
    fn view_fails<C: SolCall, E: SolError>(&mut self, to: Address, call: C, error: E) {
        let what = format!("view {} (expecting {})", C::SIGNATURE, E::SIGNATURE);
        let out = self
            .w
            .chain
            .view(VIEWER, to, call.abi_encode().into())
            .expect("view");
        assert!(!out.success, "{what} succeeded");
        assert_eq!(
            hex_string(&out.data),
            hex_string(&error.abi_encode()),
            "{what}: revert data (got, expected)"
        );
        self.decodes::<E>(&what, &out.data);
    }

    fn decodes<E: SolError>(&mut self, what: &str, data: &[u8]) {
        E::abi_decode_validate(data)
            .unwrap_or_else(|e| panic!("{what}: does not decode as {}: {e}", E::SIGNATURE));
        self.produced.insert(error_name(E::SIGNATURE).to_string());
    }

    fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: C) {
        self.w.ok(from, to, &call);
    }

    fn ok_value<C: SolCall>(&mut self, from: Address, to: Address, call: C, value: U256) {
        self.w.ok_value(from, to, &call, value);
    }

    fn now(&self) -> u64 {
        self.w.now()
    }
}

/// What `call` from `from` does under `gas_limit`; nothing is kept.
fn try_with_gas(
    w: &mut World,
    from: Address,
    to: Address,
    data: &Bytes,
    gas_limit: u64,
) -> Receipt {
    let snap = w.chain.snapshot();
    let r = w
        .chain
        .call_with_gas(from, to, data.clone(), U256::ZERO, gas_limit)
        .expect("a valid transaction");
    w.chain.revert_to(snap).expect("revert to the snapshot");
    r
}

/// A gas limit under which `call` from `from` reaches the push to the guard with less than
/// [`PUSH_GAS_LEFT`] left: the smallest limit that succeeds is found by binary search, and the
/// band that starves the push lies below it (right below for a call without storage writes; some
/// way further down, narrower, or nowhere for one whose revert pays the flush of many writes).
/// Steps of 2,000 find it.
fn starving_gas_limit<C: SolCall>(w: &mut World, from: Address, to: Address, call: &C) -> u64 {
    let data: Bytes = call.abi_encode().into();
    let (mut fails, mut works) = (21_000u64, 10_000_000u64);
    assert!(try_with_gas(w, from, to, &data, works).success);
    while works - fails > 1 {
        let mid = fails + (works - fails) / 2;
        if try_with_gas(w, from, to, &data, mid).success {
            works = mid;
        } else {
            fails = mid;
        }
    }
    let too_low = IThreatRegistry::GuardGasTooLow::new((PUSH_GAS_LEFT,)).abi_encode();
    (1..=100)
        .map(|k| works - k * 2_000)
        .find(|&limit| try_with_gas(w, from, to, &data, limit).output[..] == too_low[..])
        .unwrap_or_else(|| panic!("no limit below {works} starves the push"))
}

fn word_bytes(v: U256) -> Bytes {
    v.to_be_bytes::<32>().to_vec().into()
}

fn assert_unchanged(what: &str, before: &[(String, Bytes)], after: &[(String, Bytes)]) {
    assert_eq!(before.len(), after.len());
    for ((label, b), (_, a)) in before.iter().zip(after) {
        assert_eq!(
            hex_string(b),
            hex_string(a),
            "{what} changed {label} (before, after)"
        );
    }
}

/// `Name` of an error signature `Name(types)`.
fn error_name(signature: &str) -> &str {
    signature.split('(').next().unwrap_or(signature)
}

/// Names of the `error Name(...)` declarations in Solidity or `sol!` text.
fn declared_errors(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix("error "))
        .filter_map(|rest| rest.split_once('('))
        .map(|(name, _)| name.trim().to_string())
        .collect()
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Fails unless every error declared for a contract (in its generated interface, whose `sol!`
/// binding declares `interface_count` errors, and in its sources) was produced, is listed as
/// unreachable, or is listed as produced elsewhere (by the named test in devnet/tests, which must
/// name it), and nothing listed as unreachable or elsewhere was produced here.
fn assert_complete(
    contract: &str,
    interface: &str,
    interface_count: usize,
    crate_dir: &str,
    produced: &BTreeSet<String>,
    unreachable: &[(&str, &str)],
    elsewhere: &[(&str, &str)],
) {
    let root = workspace();
    let from_interface = declared_errors(&read(&root.join("interfaces").join(interface)));
    assert_eq!(
        from_interface.len(),
        interface_count,
        "{interface}: the error lines parsed here and the sol! binding disagree"
    );
    let mut sources = Vec::new();
    rust_sources(
        &root.join("contracts").join(crate_dir).join("src"),
        &mut sources,
    );
    let mut declared = from_interface;
    for file in &sources {
        declared.extend(declared_errors(&read(file)));
    }
    for (name, test) in elsewhere {
        assert!(
            declared.contains(*name) && !produced.contains(*name),
            "{contract}: {name} is listed as produced elsewhere but is not declared, or is \
             produced here"
        );
        let text = read(&root.join("devnet").join("tests").join(test));
        assert!(
            text.contains(&format!("{name} {{")),
            "{contract}: {name} is listed as produced by {test}, which does not build it"
        );
    }
    let unreachable: BTreeSet<String> = unreachable
        .iter()
        .chain(elsewhere)
        .map(|(n, _)| n.to_string())
        .collect();
    for name in &unreachable {
        assert!(
            declared.contains(name),
            "{contract}: {name} is listed as unreachable but not declared"
        );
        assert!(
            !produced.contains(name),
            "{contract}: {name} is listed as unreachable but was produced: drop it from the list"
        );
    }
    let missing: Vec<&String> = declared
        .iter()
        .filter(|n| !produced.contains(*n) && !unreachable.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "{contract}: declared errors never produced on the release wasm: {missing:?}"
    );
    let undeclared: Vec<&String> = produced.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "{contract}: produced errors it does not declare: {undeclared:?}"
    );
    println!(
        "{contract}: {} of {} declared errors produced; unreachable or produced elsewhere: \
         {unreachable:?}",
        produced.len(),
        declared.len()
    );
}

// ---------------------------------------------------------------------------------------------
// ThreatRegistry
// ---------------------------------------------------------------------------------------------

#[test]
fn every_registry_error_is_produced_on_the_release_wasm() {
    use IThreatRegistry as R;
    let mut t = Probe::new(World::with_warm_reporters());
    let (registry, guard) = (t.w.registry, t.w.guard);
    for who in EXTRA.into_iter().chain([LOSER, STAKER]) {
        t.w.chain.fund(who, eth(100));
    }
    for who in [USER, USER2] {
        t.w.chain.fund(who, eth(10));
    }
    for who in EXTRA.into_iter().chain([LOSER]) {
        t.ok_value(who, registry, R::stakeCall::new(()), eth(10));
    }
    t.w.warp_by(DAY);

    let attacker = address_subject(ATTACKER);
    let details = b"VIGIL-2026-0001: reentrancy in withdraw".to_vec();
    let advisory = advisory_subject("VIGIL-2026-0001");
    let losers: Vec<B256> = (0..2u8)
        .map(|i| address_subject(Address::repeat_byte(0x30 + i)))
        .collect();
    let unpushed = address_subject(Address::repeat_byte(0x40));
    let unstaked = address_subject(Address::repeat_byte(0x41));
    let ended = address_subject(Address::repeat_byte(0x42));
    for (i, s) in [attacker, advisory, unpushed, unstaked, ended]
        .iter()
        .chain(&losers)
        .enumerate()
    {
        t.watch(
            format!("statusOf #{i}"),
            registry,
            R::statusOfCall::new((*s,)),
        );
        t.watch(
            format!("guard statusWord #{i}"),
            guard,
            ICircuitGuard::statusWordCall::new((*s,)),
        );
    }
    // Reporters first, then USER and USER2, who never report.
    let everyone: Vec<Address> = REPORTERS
        .into_iter()
        .chain(EXTRA)
        .chain([LOSER, STAKER, USER, USER2])
        .collect();
    for &who in &everyone {
        t.watch(
            format!("reporterInfo {who}"),
            registry,
            R::reporterInfoCall::new((who,)),
        );
        t.watch(
            format!("claimable {who}"),
            registry,
            R::claimableCall::new((who,)),
        );
    }
    t.watch("config", registry, R::configCall::new(()));
    t.watch("accounting", registry, R::accountingCall::new(()));
    t.watch("paramsAt", registry, R::paramsAtCall::new((0,)));
    for who in [RESOLVER, EXTRA[0]] {
        t.watch(
            format!("isResolver {who}"),
            registry,
            R::isResolverCall::new((who,)),
        );
    }
    t.watch(
        "guardConfig",
        guard,
        ICircuitGuard::guardConfigCall::new(()),
    );
    for id in 1..=5u32 {
        t.watch(
            format!("flagInfo {id}"),
            registry,
            R::flagInfoCall::new((id,)),
        );
        for &who in &everyone[..everyone.len() - 2] {
            t.watch(
                format!("reportOf {id} {who}"),
                registry,
                R::reportOfCall::new((id, who)),
            );
        }
    }
    let p = params();
    let evidence = B256::repeat_byte(0xe1);
    let rationale = B256::repeat_byte(0xa7);
    let submit = |subject: B256, category: u8, severity: u8, ttl: u64| {
        R::submitCall::new((subject, category, severity, evidence, ttl))
    };
    let corroborate = |subject: B256| R::corroborateCall::new((subject, 0, evidence));
    let dispute = |flag: u32| R::disputeCall::new((flag, evidence));

    // ----- governance: timelocked powers, the immediate safe ones, the timelock itself -----
    let call_id = |data: &Bytes| keccak256(data);
    let good_params = Bytes::from(R::setParamsCall::new((params(),)).abi_encode());
    let resume = Bytes::from(R::setSubmissionsPausedCall::new((false,)).abi_encode());
    let sweep = Bytes::from(R::sweepTreasuryCall::new((TREASURY,)).abi_encode());
    let appoint = Bytes::from(R::setResolverCall::new((EXTRA[0], true)).abi_encode());
    for (label, data) in [
        ("setParams", &good_params),
        ("resume", &resume),
        ("sweep", &sweep),
        ("appoint", &appoint),
    ] {
        t.watch(
            format!("scheduledAt {label}"),
            registry,
            R::scheduledAtCall::new((call_id(data),)),
        );
    }
    let schedule = |data: &Bytes| R::scheduleCall::new((data.clone(),));
    let execute = |data: &Bytes| R::executeCall::new((data.clone(),));
    // A harmful power called directly, even by the owner, must wait the delay.
    t.fails(
        OWNER,
        registry,
        R::setGuardCall::new((ATTACKER,)),
        R::MustBeScheduled::new(()),
    );
    t.fails(
        ATTACKER,
        registry,
        schedule(&Bytes::from(R::setGuardCall::new((ATTACKER,)).abi_encode())),
        R::Unauthorized::new((ATTACKER,)),
    );
    t.fails(
        ATTACKER,
        registry,
        R::setResolverCall::new((RESOLVER, false)),
        R::Unauthorized::new((ATTACKER,)),
    );
    t.fails(
        OWNER,
        registry,
        R::setResolverCall::new((Address::ZERO, false)),
        R::ZeroAddress::new(()),
    );
    t.fails(
        OWNER,
        registry,
        R::cancelCall::new((call_id(&good_params),)),
        R::CallNotScheduled::new((call_id(&good_params),)),
    );
    t.fails(
        OWNER,
        registry,
        execute(&good_params),
        R::CallNotScheduled::new((call_id(&good_params),)),
    );
    // Field 4, slashBps: a rejected flag must always cost its reporters something. Checked when
    // scheduled, not after the wait.
    let mut bad = params();
    bad.slashBps = 0;
    t.fails(
        OWNER,
        registry,
        schedule(&Bytes::from(R::setParamsCall::new((bad,)).abi_encode())),
        R::InvalidParams::new((4,)),
    );
    // Only well-formed calls to the timelocked methods can be scheduled: not a reporter's call,
    // not `execute` itself (no nesting), not a truncated or dirty argument, not nothing.
    let mut dirty = R::setGuardCall::new((ATTACKER,)).abi_encode();
    dirty[4] = 1;
    let not_timelockable: [(Vec<u8>, [u8; 4]); 5] = [
        (R::stakeCall::new(()).abi_encode(), R::stakeCall::SELECTOR),
        (execute(&good_params).abi_encode(), R::executeCall::SELECTOR),
        (dirty, R::setGuardCall::SELECTOR),
        (
            R::setGuardCall::SELECTOR.to_vec(),
            R::setGuardCall::SELECTOR,
        ),
        (Vec::new(), [0; 4]),
    ];
    for (data, selector) in not_timelockable {
        t.fails(
            OWNER,
            registry,
            schedule(&Bytes::from(data)),
            R::NotTimelockable::new((selector.into(),)),
        );
    }
    t.view_fails(
        registry,
        R::paramsAtCall::new((2,)),
        R::UnknownVersion::new((2,)),
    );
    t.ok(OWNER, registry, schedule(&good_params));
    let eta = t.now() + p.paramsDelay;
    t.fails(
        OWNER,
        registry,
        schedule(&good_params),
        R::CallAlreadyScheduled::new((call_id(&good_params),)),
    );
    t.fails(
        OWNER,
        registry,
        execute(&good_params),
        R::CallNotReady::new((call_id(&good_params), eta)),
    );
    t.ok(
        OWNER,
        registry,
        R::cancelCall::new((call_id(&good_params),)),
    );
    // Pausing is immediate; resuming waits the delay. A scheduled sweep of an empty treasury
    // fails with its own error when executed, and stays scheduled.
    t.ok(OWNER, registry, R::setSubmissionsPausedCall::new((true,)));
    t.fails(
        REPORTERS[0],
        registry,
        submit(attacker, 1, 4, DAY),
        R::SubmissionsPaused::new(()),
    );
    for data in [&resume, &sweep, &appoint] {
        t.ok(OWNER, registry, schedule(data));
    }
    t.w.warp_by(p.paramsDelay);
    t.fails(OWNER, registry, execute(&sweep), R::TreasuryEmpty::new(()));
    t.ok(OWNER, registry, execute(&resume));
    t.ok(OWNER, registry, execute(&appoint));
    // The repair of the guard's copy is bounded.
    let too_many = vec![attacker; 33];
    t.fails(
        USER,
        registry,
        R::syncGuardCall::new((too_many,)),
        R::BatchTooLarge::new((U256::from(33), U256::from(32))),
    );

    // ----- stake -----
    t.fails(
        USER,
        registry,
        R::stakeCall::new(()),
        R::ZeroAmount::new(()),
    );
    t.fails(
        USER,
        registry,
        R::withdrawCall::new(()),
        R::NothingToWithdraw::new(()),
    );
    t.fails(
        USER2,
        registry,
        R::claimCall::new(()),
        R::NothingToClaim::new(()),
    );
    t.ok_value(STAKER, registry, R::stakeCall::new(()), eth(2));
    t.ok(STAKER, registry, R::requestUnstakeCall::new((eth(1),)));
    t.fails(
        STAKER,
        registry,
        R::requestUnstakeCall::new((eth(5),)),
        R::InsufficientStake::new((eth(1), eth(5))),
    );
    let unbond_at = t.now() + p.unbondingDelay;
    t.fails(
        STAKER,
        registry,
        R::withdrawCall::new(()),
        R::StillUnbonding::new((unbond_at,)),
    );
    // A reporter's stake shares a word with its locks, 128 bits each (docs/design.md §6.1): a
    // stake that would take it past 2^128 - 1 wei, more than all the ETH there is, is refused.
    let kept = t.w.chain.balance(STAKER);
    let past = U256::from(u128::MAX) - eth(2) + U256::from(1);
    t.w.chain.fund(STAKER, past + eth(1));
    t.fails_value(
        STAKER,
        registry,
        R::stakeCall::new(()),
        past,
        R::AmountOverflow::new(()),
    );
    t.w.chain.fund(STAKER, kept);

    // ----- submit: input, pause, stake -----
    let r0 = REPORTERS[0];
    t.fails(
        r0,
        registry,
        submit(B256::ZERO, 1, 4, DAY),
        R::InvalidSubject::new((B256::ZERO,)),
    );
    t.fails(
        r0,
        registry,
        submit(attacker, 8, 4, DAY),
        R::InvalidCategory::new((8,)),
    );
    t.fails(
        r0,
        registry,
        submit(attacker, 1, 5, DAY),
        R::InvalidSeverity::new((5,)),
    );
    t.fails(
        r0,
        registry,
        submit(attacker, 1, 4, p.maxTtl + 1),
        R::InvalidTtl::new((p.maxTtl + 1, p.maxTtl)),
    );
    // STAKER's 2 ETH: 1 is unbonding, the other still warming up: nothing it could lock.
    t.fails(
        STAKER,
        registry,
        submit(unstaked, 1, 4, DAY),
        R::InsufficientStake::new((U256::ZERO, p.minStake)),
    );
    // A push to the guard with less than its budget left is refused, so no gas limit lands a
    // status change the guard did not get. Shown on `syncGuard`, whose revert has no storage
    // writes to pay for: a report starved there still pays the flush of its writes and runs out
    // of gas instead (registry_powers.rs maps the bands of a confirmation).
    let repair = R::syncGuardCall::new((vec![unpushed],));
    let starving = starving_gas_limit(&mut t.w, USER, registry, &repair);
    t.fails_with_gas(
        USER,
        registry,
        repair,
        starving,
        R::GuardGasTooLow::new((PUSH_GAS_LEFT,)),
    );

    // ----- one flag through its life: flag 1 on the attacker -----
    t.ok(r0, registry, submit(attacker, 1, 4, 10 * DAY));
    // A submit on a live flag corroborates it, with corroborate's checks.
    t.fails(
        r0,
        registry,
        submit(attacker, 1, 4, DAY),
        R::AlreadyReported::new((attacker, r0)),
    );
    t.fails(
        r0,
        registry,
        corroborate(attacker),
        R::AlreadyReported::new((attacker, r0)),
    );
    t.fails(
        REPORTERS[1],
        registry,
        R::renewCall::new((attacker,)),
        R::NotAReporter::new((attacker, REPORTERS[1])),
    );
    let expiry = t.w.status(attacker).expiry;
    t.fails(
        USER,
        registry,
        R::releaseCall::new((1,)),
        R::FlagStillLive::new((1, expiry)),
    );
    t.fails(
        USER,
        registry,
        R::releaseCall::new((99,)),
        R::UnknownFlag::new((99,)),
    );
    t.view_fails(
        registry,
        R::flagInfoCall::new((0,)),
        R::UnknownFlag::new((0,)),
    );
    t.fails(
        r0,
        registry,
        corroborate(unstaked),
        R::NoLiveFlag::new((unstaked,)),
    );
    for who in [REPORTERS[1], REPORTERS[2], EXTRA[0]] {
        t.ok(who, registry, corroborate(attacker));
    }
    assert_eq!(t.w.status(attacker).level, 3, "confirmed");
    // Full (4 of 4), and a new 10-ETH reporter weighs 5, no more than the weakest: it cannot
    // take a place.
    t.fails(
        EXTRA[1],
        registry,
        corroborate(attacker),
        R::TooManyReporters::new((attacker, p.maxReporters)),
    );
    t.fails(
        RESOLVER,
        registry,
        R::resolveCall::new((1, true, rationale)),
        R::NotDisputed::new((attacker,)),
    );
    let wrong = deci_eth(1);
    t.fails_value(
        USER,
        registry,
        dispute(1),
        wrong,
        R::WrongBond::new((p.disputeBond, wrong)),
    );
    t.ok_value(USER, registry, dispute(1), p.disputeBond);
    t.fails_value(
        USER2,
        registry,
        dispute(1),
        p.disputeBond,
        R::AlreadyDisputed::new((attacker,)),
    );
    let deadline = t.now() + p.disputeDeadline;
    t.fails(
        USER2,
        registry,
        R::lapseDisputeCall::new((1,)),
        R::DisputeOpen::new((1, deadline)),
    );
    // A resolver that reported the flag may not judge it (EXTRA[0], appointed through the
    // timelock above); removing it is immediate.
    t.fails(
        EXTRA[0],
        registry,
        R::resolveCall::new((1, false, rationale)),
        R::ConflictOfInterest::new((EXTRA[0],)),
    );
    t.ok(OWNER, registry, R::setResolverCall::new((EXTRA[0], false)));
    t.ok(
        RESOLVER,
        registry,
        R::resolveCall::new((1, true, rationale)),
    );
    t.fails(
        EXTRA[1],
        registry,
        corroborate(attacker),
        R::FlagFinal::new((attacker,)),
    );
    t.fails(
        USER,
        registry,
        R::releaseCall::new((1,)),
        R::AlreadySettled::new((1,)),
    );

    // ----- an advisory whose details do not match its commitment: flag 2 -----
    t.ok(
        r0,
        registry,
        R::submitCall::new((advisory, 5, 4, keccak256(&details), DAY)),
    );
    t.fails(
        r0,
        registry,
        R::revealCall::new((advisory, Bytes::from_static(b"other details"))),
        R::RevealMismatch::new((advisory, keccak256(&details))),
    );

    // ----- flag 3 ends: disputable and bound for `disputeWindow`, then neither -----
    t.ok(REPORTERS[1], registry, submit(ended, 2, 1, DAY));
    let expiry = t.w.status(ended).expiry;
    let closes = expiry + p.disputeWindow;
    t.w.chain.warp(expiry);
    t.fails(
        USER,
        registry,
        R::releaseCall::new((3,)),
        R::DisputeWindowOpen::new((3, closes)),
    );
    t.w.chain.warp(closes);
    t.fails_value(
        USER,
        registry,
        dispute(3),
        p.disputeBond,
        R::DisputeWindowClosed::new((3, closes)),
    );

    // ----- a rejected flag (4) takes its reporter's reputation to zero -----
    t.ok(LOSER, registry, submit(losers[0], 1, 1, DAY));
    t.ok_value(USER, registry, dispute(4), p.disputeBond);
    t.ok(
        RESOLVER,
        registry,
        R::resolveCall::new((4, false, rationale)),
    );
    t.fails(
        LOSER,
        registry,
        submit(losers[1], 1, 1, DAY),
        R::NoReputation::new((LOSER,)),
    );

    // ----- the treasury's part of that slash cannot be paid to a refuser -----
    let refuser =
        t.w.chain
            .deploy_evm(
                DEPLOYER,
                creation_code("EtherRefuser.sol", "EtherRefuser").into(),
            )
            .expect("deploy EtherRefuser");
    let bps = |amount: U256, bps: u16| amount * U256::from(bps) / U256::from(10_000);
    let slashed = bps(p.stakeCap, p.slashBps);
    let treasury = slashed - bps(slashed, p.victimShareBps) - bps(slashed, p.disputerShareBps);
    let accounting =
        t.w.chain
            .view(
                VIEWER,
                registry,
                R::accountingCall::new(()).abi_encode().into(),
            )
            .expect("accounting");
    assert_eq!(
        U256::from_be_slice(&accounting.data[96..128]),
        treasury,
        "accounting's fourth word is the treasury"
    );
    let to_refuser = Bytes::from(R::sweepTreasuryCall::new((refuser,)).abi_encode());
    t.ok(OWNER, registry, schedule(&to_refuser));
    t.w.warp_by(p.paramsDelay);
    t.fails(
        OWNER,
        registry,
        execute(&to_refuser),
        R::TransferFailed::new((refuser, treasury)),
    );

    assert_complete(
        "ThreatRegistry",
        "IThreatRegistry.sol",
        <R::IThreatRegistryErrors as SolInterface>::COUNT,
        "registry",
        &t.produced,
        REGISTRY_UNREACHABLE,
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// CircuitGuard
// ---------------------------------------------------------------------------------------------

/// The subject of a code hash (`vigil_common::subject::code_hash`): 0x02 over the hash's top byte.
fn code_subject(hash: B256) -> B256 {
    let mut word = hash.0;
    word[0] = 2;
    B256::new(word)
}

fn selector(n: u8) -> FixedBytes<4> {
    FixedBytes([0xa0, 0, 0, n])
}

#[test]
fn every_guard_error_is_produced_on_the_release_wasm() {
    use ICircuitGuard as G;
    let mut t = Probe::new(World::deploy());
    let (registry, guard, vault) = (t.w.registry, t.w.guard, t.w.vault);
    for who in [
        PROTOCOL,
        PROTOCOL_ADMIN,
        GUARDIAN,
        STRANGER,
        FEED,
        USER,
        ATTACKER,
    ] {
        t.w.chain.fund(who, eth(1));
    }
    let attacker = address_subject(ATTACKER);
    let advisory = advisory_subject("VIGIL-2026-0002");
    t.watch("guardConfig", guard, G::guardConfigCall::new(()));
    for (name, p) in [("protocol", PROTOCOL), ("vault", vault)] {
        t.watch(
            format!("protocolInfo {name}"),
            guard,
            G::protocolInfoCall::new((p,)),
        );
        t.watch(
            format!("configuredSelectors {name}"),
            guard,
            G::configuredSelectorsCall::new((p,)),
        );
    }
    for n in 1..=5 {
        let s = selector(n);
        t.watch(
            format!("selectorPolicy {n}"),
            guard,
            G::selectorPolicyCall::new((PROTOCOL, s)),
        );
        t.watch(
            format!("rateLimit {n}"),
            guard,
            G::rateLimitCall::new((PROTOCOL, s)),
        );
        t.watch(
            format!("advisoryTags {n}"),
            guard,
            G::advisoryTagsCall::new((PROTOCOL, s)),
        );
    }
    t.watch(
        "vault withdraw policy",
        guard,
        G::selectorPolicyCall::new((vault, withdraw_selector())),
    );
    t.watch(
        "guardian",
        guard,
        G::isGuardianCall::new((PROTOCOL, GUARDIAN)),
    );
    for s in [attacker, advisory, address_subject(USER)] {
        t.watch(
            format!("statusWord {s}"),
            guard,
            G::statusWordCall::new((s,)),
        );
    }
    t.watch("vault balance", vault, IVault::balanceOfCall::new((USER,)));
    let check = |caller: Address, n: u8, amount: u64| {
        G::checkCall::new((caller, selector(n), U256::from(amount)))
    };

    // ----- registration and roles -----
    t.ok(
        PROTOCOL,
        guard,
        G::registerProtocolCall::new((PROTOCOL_ADMIN,)),
    );
    t.fails(
        PROTOCOL,
        guard,
        G::registerProtocolCall::new((PROTOCOL_ADMIN,)),
        G::AlreadyRegistered::new((PROTOCOL,)),
    );
    t.fails(
        STRANGER,
        guard,
        G::registerProtocolCall::new((Address::ZERO,)),
        G::ZeroAddress::new(()),
    );
    t.fails(
        STRANGER,
        guard,
        check(USER, 1, 0),
        G::ProtocolNotRegistered::new((STRANGER,)),
    );
    t.fails(
        USER,
        guard,
        G::setAdminCall::new((PROTOCOL, USER)),
        G::NotAdmin::new((PROTOCOL, USER)),
    );
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        G::setProtocolScreeningCall::new((PROTOCOL, 3, false)),
        G::InvalidScreening::new((3,)),
    );
    t.ok(
        PROTOCOL_ADMIN,
        guard,
        G::setProtocolScreeningCall::new((PROTOCOL, 0, false)),
    );
    t.fails(
        USER,
        guard,
        G::acceptOwnershipCall::new(()),
        G::NotPendingOwner::new((USER,)),
    );

    // ----- the owner's powers wait the delay -----
    let feed_link = Bytes::from(G::setRegistryCall::new((FEED,)).abi_encode());
    let feed_id = keccak256(&feed_link);
    t.watch(
        "scheduledAt feed link",
        guard,
        G::scheduledAtCall::new((feed_id,)),
    );
    t.fails(
        GUARD_OWNER,
        guard,
        G::setRegistryCall::new((USER,)),
        G::MustBeScheduled::new(()),
    );
    t.fails(
        USER,
        guard,
        G::scheduleCall::new((feed_link.clone(),)),
        G::NotOwner::new((USER,)),
    );
    t.fails(
        GUARD_OWNER,
        guard,
        G::scheduleCall::new((G::registerProtocolCall::new((USER,)).abi_encode().into(),)),
        G::NotTimelockable::new((G::registerProtocolCall::SELECTOR.into(),)),
    );
    t.fails(
        GUARD_OWNER,
        guard,
        G::scheduleCall::new((G::setDelayCall::new((60,)).abi_encode().into(),)),
        G::InvalidDelay::new((60, 3_600, 30 * 86_400)),
    );
    t.fails(
        GUARD_OWNER,
        guard,
        G::cancelCall::new((feed_id,)),
        G::CallNotScheduled::new((feed_id,)),
    );
    t.ok(
        GUARD_OWNER,
        guard,
        G::scheduleCall::new((feed_link.clone(),)),
    );
    let eta = t.now() + t.w.read(guard, &G::guardConfigCall::new(())).delay;
    t.fails(
        GUARD_OWNER,
        guard,
        G::scheduleCall::new((feed_link.clone(),)),
        G::CallAlreadyScheduled::new((feed_id,)),
    );
    t.fails(
        GUARD_OWNER,
        guard,
        G::executeCall::new((feed_link.clone(),)),
        G::CallNotReady::new((feed_id, eta)),
    );

    // ----- status pushes -----
    t.fails(
        USER,
        guard,
        G::onStatusChangeCall::new((attacker, U256::ZERO)),
        G::NotRegistry::new((USER,)),
    );
    t.w.chain.warp(eta);
    t.ok(GUARD_OWNER, guard, G::executeCall::new((feed_link,)));
    t.fails(
        FEED,
        guard,
        G::onStatusChangeCall::new((B256::ZERO, U256::ZERO)),
        G::InvalidSubject::new((B256::ZERO,)),
    );
    // Level byte 7: no level has that code.
    let user = address_subject(USER);
    t.fails(
        FEED,
        guard,
        G::onStatusChangeCall::new((user, U256::from(7))),
        G::InvalidStatus::new((user, U256::from(7))),
    );
    let relinked =
        t.w.timelocked(GUARD_OWNER, guard, &G::setRegistryCall::new((registry,)));
    assert!(relinked.success, "the registry is linked again");

    // ----- pauses -----
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        G::pauseProtocolCall::new((PROTOCOL, 0)),
        G::ZeroDuration::new(()),
    );
    t.fails(
        USER,
        guard,
        G::pauseProtocolCall::new((PROTOCOL, 60)),
        G::NotAdminOrGuardian::new((PROTOCOL, USER)),
    );
    t.ok(
        PROTOCOL_ADMIN,
        guard,
        G::setGuardianCall::new((PROTOCOL, GUARDIAN, true)),
    );
    let max = 86_400u64;
    t.fails(
        GUARDIAN,
        guard,
        G::pauseProtocolCall::new((PROTOCOL, max + 1)),
        G::PauseTooLong::new((max + 1, max)),
    );
    t.ok(
        PROTOCOL_ADMIN,
        guard,
        G::pauseProtocolCall::new((PROTOCOL, 3_600)),
    );
    let until = t.now() + 3_600;
    t.fails(
        PROTOCOL,
        guard,
        check(USER, 1, 0),
        G::ProtocolPaused::new((until,)),
    );
    t.ok(
        PROTOCOL_ADMIN,
        guard,
        G::unpauseProtocolCall::new((PROTOCOL,)),
    );
    // The same verdict end to end: the vault's withdraw re-throws the guard's revert.
    t.w.deposit(USER, eth(5));
    t.ok(
        VAULT_ADMIN,
        guard,
        G::pauseProtocolCall::new((vault, 3_600)),
    );
    let until = t.now() + 3_600;
    t.fails(
        USER,
        vault,
        IVault::withdrawCall::new((eth(1),)),
        G::ProtocolPaused::new((until,)),
    );
    t.ok(VAULT_ADMIN, guard, G::unpauseProtocolCall::new((vault,)));
    t.ok(USER, vault, IVault::withdrawCall::new((eth(1),)));

    // A guardian cannot give a selector a policy (slots are the admin's); it pauses configured ones.
    t.fails(
        GUARDIAN,
        guard,
        G::pauseSelectorCall::new((PROTOCOL, selector(2), 100)),
        G::SelectorNotConfigured::new((selector(2),)),
    );
    t.ok(
        PROTOCOL_ADMIN,
        guard,
        G::setScreeningCall::new((PROTOCOL, selector(2), 0, false)),
    );
    t.ok(
        GUARDIAN,
        guard,
        G::pauseSelectorCall::new((PROTOCOL, selector(2), 100)),
    );
    let episode_end = t.now() + 100;
    t.fails(
        PROTOCOL,
        guard,
        check(USER, 2, 0),
        G::SelectorPaused::new((selector(2), episode_end)),
    );
    t.w.warp_by(101);
    t.fails(
        GUARDIAN,
        guard,
        G::pauseSelectorCall::new((PROTOCOL, selector(2), 100)),
        G::PauseCooldown::new((episode_end + 2 * 86_400,)),
    );

    // ----- rate limits -----
    let limit = |capacity: U256, refill: u64, trip: u64, rearm: u64| {
        G::setRateLimitCall::new((
            PROTOCOL,
            selector(3),
            true,
            capacity,
            U256::from(refill),
            U256::from(trip),
            U256::from(rearm),
        ))
    };
    let hundred = U256::from(100);
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        limit(U256::ZERO, 0, 0, 0),
        G::CapacityZero::new(()),
    );
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        limit(hundred, 101, 0, 0),
        G::RefillAboveCapacity::new((U256::from(101), hundred)),
    );
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        limit(hundred, 1, 100, 10),
        G::InvalidTrip::new((hundred, U256::from(10))),
    );
    // 2^40 needs 41 bits; a capacity holds 24, so a unit is 2^17 and 1 per second rounds to none.
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        limit(U256::from(1u64 << 40), 1, 0, 0),
        G::RefillBelowUnit::new((U256::from(1), U256::from(1u64 << 17))),
    );
    t.ok(PROTOCOL_ADMIN, guard, limit(hundred, 1, 0, 0));
    t.ok(PROTOCOL, guard, check(USER, 3, 60));
    let retry = t.now() + 20;
    t.fails(
        PROTOCOL,
        guard,
        check(USER, 3, 60),
        G::RateLimited::new((selector(3), U256::from(40), retry)),
    );

    // ----- advisory tags -----
    let tags = |tags: Vec<B256>| G::setAdvisoryTagsCall::new((PROTOCOL, selector(4), tags));
    let five: Vec<B256> = (0..5)
        .map(|i| advisory_subject(&format!("VIGIL-TAG-{i}")))
        .collect();
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        tags(five),
        G::TooManyTags::new((U256::from(5), 4)),
    );
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        tags(vec![advisory, user]),
        G::NotAdvisory::new((user,)),
    );
    t.ok(PROTOCOL_ADMIN, guard, tags(vec![advisory]));
    let rationale = B256::repeat_byte(0xa7);
    t.ok(
        RESOLVER,
        registry,
        IThreatRegistry::emergencyConfirmCall::new((advisory, 5, 4, DAY, rationale)),
    );
    t.fails(
        PROTOCOL,
        guard,
        check(USER, 4, 0),
        G::AdvisoryActive::new((advisory,)),
    );

    // ----- screening -----
    t.ok(
        RESOLVER,
        registry,
        IThreatRegistry::emergencyConfirmCall::new((attacker, 1, 4, DAY, rationale)),
    );
    t.fails(
        PROTOCOL,
        guard,
        check(ATTACKER, 5, 0),
        G::CallerFlagged::new((ATTACKER, 3)),
    );
    t.fails(
        ATTACKER,
        vault,
        IVault::withdrawCall::new((eth(1),)),
        G::CallerFlagged::new((ATTACKER, 3)),
    );
    // Code-hash screening (mode 4) refuses a contract caller whose runtime code is flagged, here
    // the token's, whatever its address.
    let token = t.w.token;
    let code_hash = keccak256(t.w.chain.code(token));
    t.ok(
        RESOLVER,
        registry,
        IThreatRegistry::emergencyConfirmCall::new((code_subject(code_hash), 1, 4, DAY, rationale)),
    );
    t.ok(
        PROTOCOL_ADMIN,
        guard,
        G::setScreeningCall::new((PROTOCOL, selector(6), 4, false)),
    );
    t.fails(
        PROTOCOL,
        guard,
        check(token, 6, 0),
        G::CodeFlagged::new((token, code_hash, 3)),
    );

    // ----- construction -----
    // A guard bound to an account that is no extension program would pass every configuration
    // call to nothing: its constructor refuses, and the guard stays unconstructed.
    let unbound =
        t.w.chain
            .deploy_stylus(GUARD_OWNER, guard_wasm(), None)
            .expect("deploy an unconstructed guard");
    let construct = |t: &mut Probe, extension: Address| {
        let mut ctor = keccak256(b"stylus_constructor()")[..4].to_vec();
        ctor.extend((GUARD_OWNER, extension).abi_encode_params());
        t.w.chain
            .call(GUARD_OWNER, unbound, ctor.into(), U256::ZERO)
            .expect("a valid transaction")
    };
    let r = construct(&mut t, Address::ZERO);
    assert_reverted(
        &r,
        "a zero extension",
        &G::ZeroAddress::new(()).abi_encode(),
    );
    let what = "the guard's constructor bound to an account";
    let r = construct(&mut t, STRANGER);
    assert_reverted(&r, what, &G::NotExtension::new((STRANGER,)).abi_encode());
    t.decodes::<G::NotExtension>(what, &r.output);
    let extension = t.w.guard_extension;
    assert!(
        construct(&mut t, extension).success,
        "the same guard constructs once bound to the extension"
    );
    assert_reverted(&construct(&mut t, extension), "a second construction", &[]);

    // ----- the list of configured selectors is bounded -----
    let configured =
        t.w.read(guard, &G::configuredSelectorsCall::new((PROTOCOL,)))
            .len();
    for n in configured..32 {
        t.ok(
            PROTOCOL_ADMIN,
            guard,
            G::setScreeningCall::new((PROTOCOL, selector(100 + n as u8), 0, false)),
        );
    }
    t.fails(
        PROTOCOL_ADMIN,
        guard,
        G::setScreeningCall::new((PROTOCOL, selector(200), 0, false)),
        G::TooManySelectors::new((32,)),
    );

    assert_complete(
        "CircuitGuard",
        "ICircuitGuard.sol",
        <G::ICircuitGuardErrors as SolInterface>::COUNT,
        "guard",
        &t.produced,
        GUARD_UNREACHABLE,
        GUARD_CLIENT_ELSEWHERE,
    );
}
