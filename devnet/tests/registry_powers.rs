//! Issue 11 §2, §4 and §6 on the release wasm: what the registry's powers can and cannot do, and
//! what each costs. One test per claim, each asserting gas, capital or time, not only a revert:
//! - a guard whose feed is cut cannot stop the registry (confirmations, resolutions and removals
//!   land, bonds move), and one public `syncGuard` repairs the guard's stale copy;
//! - no gas limit lands a confirmation that the guard did not get;
//! - every owner power that can hurt users waits `paramsDelay`, the safe ones act at once;
//! - `isFlaggedCode` / `statusOfCode` follow the code, not the address, and never an EOA;
//! - the deployment cannot be initialised twice, the extension program does nothing on its own,
//!   and nothing re-points the registry to other extension code.
//!
//! Run: `cargo test -p vigil-devnet --test registry_powers -- --nocapture` (prints the gas, the
//! gas-limit threshold and the delays).

use std::collections::HashMap;

use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use vigil_devnet::system::IThreatRegistry as R;
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Bytes, Receipt, B256, U256};

sol! {
    /// test/forge/utils/Create2Factory.sol
    interface ICreate2Factory {
        function deploy(bytes code, bytes32 salt) external returns (address instance);
        event Deployed(address indexed instance, bytes32 codeHash, bytes32 salt);
    }
}

/// Anyone at all: the repair of the guard's copy needs no role.
const STRANGER: Address = Address::repeat_byte(0x53);
/// Reporters who flag two innocent accounts (20 ETH staked each: one 10-ETH lock per flag).
const LIARS: [Address; 3] = [
    Address::repeat_byte(0x71),
    Address::repeat_byte(0x72),
    Address::repeat_byte(0x73),
];
/// A second innocent account, flagged and then removed by a resolver.
const BYSTANDER: Address = Address::repeat_byte(0xa3);
/// Where the guard's owner re-points the feed in the second variant: not the registry.
const DECOY: Address = Address::repeat_byte(0xdc);
const NEW_OWNER: Address = Address::repeat_byte(0x0f);
const NEW_RESOLVER: Address = Address::repeat_byte(0x1c);
/// Deploys the CREATE2 factory and, through it, the clone.
const FRESH: Address = Address::repeat_byte(0xf5);

/// The gas a status change must have left when it pushes to the guard
/// (`vigil_registry::flags::PUSH_GAS_LEFT`: the 100,000 the guard gets, the 1/64 a call keeps
/// back, a cold account access and the encoding).
const PUSH_GAS_LEFT: u64 = 100_000 * 64 / 63 + 4_000;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The events `E` that `emitter` logged in `r`, in order.
fn events<E: SolEvent>(r: &Receipt, emitter: Address) -> Vec<E> {
    r.logs
        .iter()
        .filter(|l| l.address == emitter && l.topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|l| E::decode_raw_log(l.topics.iter().copied(), &l.data).expect("event decodes"))
        .collect()
}

/// The registry's stored words, as its `StatusChanged` logs report each write.
#[derive(Default)]
struct Words(HashMap<B256, U256>);

impl Words {
    fn record(&mut self, w: &World, r: &Receipt) {
        for e in events::<R::StatusChanged>(r, w.registry) {
            self.0.insert(e.subject, e.status);
        }
    }

    fn of(&self, subject: B256) -> U256 {
        self.0.get(&subject).copied().unwrap_or_default()
    }
}

/// The pushes the guard missed in `r`: `GuardSyncSkipped(guard, subject, word)`.
fn skipped(w: &World, r: &Receipt) -> Vec<(Address, B256, U256)> {
    events::<R::GuardSyncSkipped>(r, w.registry)
        .into_iter()
        .map(|e| (e.guard, e.subject, e.status))
        .collect()
}

/// The words the guard took in `r`: `StatusSynced(subject, word)`.
fn synced(w: &World, r: &Receipt) -> Vec<(B256, U256)> {
    events::<IGuardEvents::StatusSynced>(r, w.guard)
        .into_iter()
        .map(|e| (e.subject, e.status))
        .collect()
}

fn guard_word(w: &mut World, subject: B256) -> U256 {
    let guard = w.guard;
    w.read(guard, &ICircuitGuard::statusWordCall { subject })
}

fn reporter(w: &mut World, who: Address) -> R::ReporterInfo {
    let registry = w.registry;
    w.read(registry, &R::reporterInfoCall { reporter: who })
}

fn accounting(w: &mut World) -> R::Accounting {
    let registry = w.registry;
    w.read(registry, &R::accountingCall {})
}

fn config(w: &mut World) -> R::RegistryConfig {
    let registry = w.registry;
    w.read(registry, &R::configCall {})
}

/// The registry's books add up to its balance.
fn assert_books(w: &mut World) {
    let a = accounting(w);
    assert_eq!(
        a.stakes + a.disputeBonds + a.claimable + a.treasury,
        w.chain.balance(w.registry),
        "the books add up to the registry's balance"
    );
}

/// The guard's owner re-points the feed through the guard's timelock (the delay passes).
fn set_feed(w: &mut World, registry: Address) -> Receipt {
    let guard = w.guard;
    let r = w.timelocked(
        GUARD_OWNER,
        guard,
        &ICircuitGuard::setRegistryCall { registry },
    );
    assert!(r.success, "the guard's owner sets the feed to {registry}");
    assert_eq!(
        w.read(guard, &ICircuitGuard::guardConfigCall {}).registry,
        registry
    );
    r
}

/// The subject of a code hash (`vigil_common::subject::code_hash`): 0x02 over the hash's top byte.
fn code_subject(hash: B256) -> B256 {
    let mut word = hash.0;
    word[0] = 2;
    B256::new(word)
}

/// A `stylus_constructor` call with the registry's constructor arguments.
fn constructor_call(
    owner: Address,
    extension: Address,
    guard: Address,
    resolvers: Vec<Address>,
) -> Bytes {
    let mut data = keccak256(b"stylus_constructor()")[..4].to_vec();
    data.extend((owner, params(), extension, guard, resolvers).abi_encode_params());
    data.into()
}

// ---------------------------------------------------------------------------------------------
// a. The feed is cut and repaired (issue 11 §2)
// ---------------------------------------------------------------------------------------------

/// With the guard's feed cut (`cut_to` zero) or re-pointed (`cut_to` another account), the
/// registry goes on: a confirmation, a dispute, a rejection and an emergency removal all land and
/// move bonds as usual, each logging the word the guard missed. Re-linked, the guard's copy is
/// stale both ways (the attacker passes, the cleared victims stay blocked) until one public
/// `syncGuard` repairs it; a repeat changes nothing and costs less.
fn feed_cut_and_repaired(cut_to: Address) {
    let p = params();
    let mut w = World::with_warm_reporters();
    let (registry, guard) = (w.registry, w.guard);
    let mut words = Words::default();
    for liar in LIARS {
        w.chain.fund(liar, eth(100));
        w.ok_value(liar, registry, &R::stakeCall {}, eth(20));
    }
    w.warp_by(p.stakeWarmup);
    for who in [ATTACKER, USER, BYSTANDER] {
        w.deposit(who, eth(10));
    }
    w.chain.fund(USER2, eth(1));

    // Before the cut: two innocent accounts falsely confirmed (flags 1 and 2), the attacker on
    // watch (flag 3). The guard has every word.
    let (attacker, victim, bystander) = (
        address_subject(ATTACKER),
        address_subject(USER),
        address_subject(BYSTANDER),
    );
    for subject in [victim, bystander] {
        let r = w.ok(
            LIARS[0],
            registry,
            &submit(subject, 2, 4, 10 * DAY, "a lie"),
        );
        words.record(&w, &r);
        for liar in &LIARS[1..] {
            let r = w.ok(*liar, registry, &corroborate(subject, "the same lie"));
            words.record(&w, &r);
        }
        assert_eq!(w.status(subject).level, 3);
    }
    let r = w.ok(
        REPORTERS[0],
        registry,
        &submit(attacker, 1, 4, 10 * DAY, "exploit trace"),
    );
    words.record(&w, &r);
    let r = w.ok(
        REPORTERS[1],
        registry,
        &corroborate(attacker, "exploit trace 2"),
    );
    words.record(&w, &r);
    for s in [attacker, victim, bystander] {
        assert_eq!(guard_word(&mut w, s), words.of(s));
    }
    let blocked = |who: Address| {
        error_data(ICircuitGuard::CallerFlagged {
            caller: who,
            level: 3,
        })
    };
    assert_reverted(&w.withdraw(USER, eth(1)), "victim", &blocked(USER));
    let (victim_flag, bystander_flag) = (w.status(victim).flagId, w.status(bystander).flagId);

    // The cut.
    set_feed(&mut w, cut_to);
    let before_cut: Vec<U256> = [attacker, victim, bystander]
        .into_iter()
        .map(|s| guard_word(&mut w, s))
        .collect();

    // 1. The confirmation lands, with its bond, and logs the push the guard refused.
    let confirm = w.ok(
        REPORTERS[2],
        registry,
        &corroborate(attacker, "exploit trace 3"),
    );
    words.record(&w, &confirm);
    assert_eq!(w.status(attacker).level, 3);
    assert!(w.read(registry, &R::isFlaggedCall { account: ATTACKER }));
    assert_eq!(reporter(&mut w, REPORTERS[2]).locked, eth(10));
    assert_eq!(
        skipped(&w, &confirm),
        vec![(guard, attacker, words.of(attacker))]
    );
    assert!(synced(&w, &confirm).is_empty());

    // 2. The victim's dispute (bond 0.5 ETH) and its rejection land; the slash is paid out as
    //    usual: of 3 x 5 ETH, 60% to the victim, 20% (and the bond back) to the disputer.
    let disputed = w.ok_value(
        USER2,
        registry,
        &dispute(victim_flag, "I am not an attacker"),
        p.disputeBond,
    );
    words.record(&w, &disputed);
    assert_eq!(
        accounting(&mut w).disputeBonds,
        p.disputeBond,
        "the bond is held"
    );
    assert_eq!(
        skipped(&w, &disputed),
        vec![(guard, victim, words.of(victim))]
    );
    let rejected = w.ok(
        RESOLVER,
        registry,
        &resolve(victim_flag, false, "a false flag"),
    );
    words.record(&w, &rejected);
    assert_eq!(w.status(victim).level, 4, "removed");
    assert_eq!(
        skipped(&w, &rejected),
        vec![(guard, victim, words.of(victim))]
    );
    assert!(synced(&w, &rejected).is_empty());
    let claimable = |w: &mut World, who: Address| {
        let registry = w.registry;
        w.read(registry, &R::claimableCall { account: who })
    };
    assert_eq!(accounting(&mut w).disputeBonds, U256::ZERO);
    assert_eq!(claimable(&mut w, USER), eth(9));
    assert_eq!(claimable(&mut w, USER2), deci_eth(35));
    assert_eq!(accounting(&mut w).treasury, eth(3));
    for liar in LIARS {
        let info = reporter(&mut w, liar);
        assert_eq!((info.stake, info.locked), (eth(15), eth(10)), "slashed 5");
    }

    // 3. The emergency removal lands and releases the other flag's locks unslashed.
    let removed = w.ok(
        RESOLVER,
        registry,
        &emergency_remove(bystander, "also false"),
    );
    words.record(&w, &removed);
    assert_eq!(
        skipped(&w, &removed),
        vec![(guard, bystander, words.of(bystander))]
    );
    for liar in LIARS {
        let info = reporter(&mut w, liar);
        assert_eq!((info.stake, info.locked), (eth(15), U256::ZERO));
    }
    assert_eq!(w.status(bystander).level, 4);
    assert!(
        w.read(
            registry,
            &R::flagInfoCall {
                flagId: bystander_flag
            }
        )
        .settled
    );
    assert_books(&mut w);
    for (s, before) in [attacker, victim, bystander].into_iter().zip(&before_cut) {
        assert_eq!(guard_word(&mut w, s), *before, "the guard took nothing");
    }

    // Re-linked, the guard's copy is stale both ways.
    set_feed(&mut w, registry);
    for s in [attacker, victim, bystander] {
        assert_ne!(guard_word(&mut w, s), words.of(s), "stale");
    }
    let escaped = w.withdraw(ATTACKER, eth(1));
    assert!(escaped.success, "a confirmed attacker passes a stale guard");
    assert_eq!(w.token_balance(ATTACKER), eth(1));
    assert_reverted(&w.withdraw(USER, eth(1)), "cleared victim", &blocked(USER));
    assert_reverted(
        &w.withdraw(BYSTANDER, eth(1)),
        "removed bystander",
        &blocked(BYSTANDER),
    );

    // One public call by a stranger repairs all three.
    let subjects = vec![attacker, victim, bystander];
    let sync = R::syncGuardCall {
        subjects: subjects.clone(),
    };
    let base = {
        let snap = w.chain.snapshot();
        let r = w.ok(STRANGER, registry, &R::syncGuardCall { subjects: vec![] });
        w.chain.revert_to(snap).unwrap();
        r.gas_used
    };
    let repair = w.ok(STRANGER, registry, &sync);
    assert_eq!(
        synced(&w, &repair),
        subjects
            .iter()
            .map(|s| (*s, words.of(*s)))
            .collect::<Vec<_>>()
    );
    assert!(skipped(&w, &repair).is_empty());
    for s in [attacker, victim, bystander] {
        assert_eq!(guard_word(&mut w, s), words.of(s), "repaired");
    }
    assert_reverted(
        &w.withdraw(ATTACKER, eth(1)),
        "attacker after the repair",
        &blocked(ATTACKER),
    );
    for who in [USER, BYSTANDER] {
        assert!(w.withdraw(who, eth(1)).success, "{who} passes again");
        assert_eq!(w.vault_balance(who), eth(9));
    }

    // A repeat changes nothing in the guard (no StatusSynced, the same words) and costs less.
    let repeat = w.ok(STRANGER, registry, &sync);
    assert!(synced(&w, &repeat).is_empty());
    for s in [attacker, victim, bystander] {
        assert_eq!(guard_word(&mut w, s), words.of(s));
    }
    assert!(repeat.gas_used < repair.gas_used);
    let n = subjects.len() as u64;
    let (first, again) = ((repair.gas_used - base) / n, (repeat.gas_used - base) / n);
    assert!(again < first);

    println!("feed cut to {cut_to} (whole-transaction gas):");
    println!(
        "  confirmation, push skipped        {:>8}",
        confirm.gas_used
    );
    println!(
        "  dispute, push skipped             {:>8}",
        disputed.gas_used
    );
    println!(
        "  rejection, push skipped           {:>8}",
        rejected.gas_used
    );
    println!(
        "  emergency removal, push skipped   {:>8}",
        removed.gas_used
    );
    println!("  syncGuard([]) by a stranger       {base:>8}");
    println!(
        "  syncGuard(3 stale) by a stranger  {:>8} ({first} per subject)",
        repair.gas_used
    );
    println!(
        "  the same again (no change)        {:>8} ({again} per subject)",
        repeat.gas_used
    );
    println!("  the attacker withdrew 1 ETH of 10 through the stale copy before the repair");
}

#[test]
fn a_cut_feed_cannot_stop_the_registry_and_one_public_call_repairs_the_guard() {
    feed_cut_and_repaired(Address::ZERO);
    feed_cut_and_repaired(DECOY);
}

// ---------------------------------------------------------------------------------------------
// b. No gas limit lands a confirmation without the guard (issue 11 §2)
// ---------------------------------------------------------------------------------------------

/// How a confirming corroboration ended under some gas limit.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Confirmed,
    /// `GuardGasTooLow(PUSH_GAS_LEFT)`: too little left to give the guard its budget.
    PushStarved,
    /// Out of gas (before the push, or after it while writing storage).
    OutOfGas,
}

/// Runs the confirming corroboration under gas limits around the push. Below the smallest limit
/// that confirms there are up to three bands: out of gas (too little even to revert, since a
/// revert still pays the flush of the storage writes made so far), then `GuardGasTooLow` (the push
/// would get less than its budget), then out of gas again after the push when the storage writes
/// flushed there cost more than the guard's budget leaves over (since a report writes fewer fresh
/// words, issue 15, they do not, and the `GuardGasTooLow` band reaches the threshold). Every limit
/// tried below the threshold (each of the 256 just below it, each of the 64 either side of both
/// edges of the `GuardGasTooLow` band, and a sweep from 40,000 in steps of 4,001) fails, and the
/// registry and the guard are as they were; every limit tried from the threshold up confirms, with
/// the guard's copy equal to the registry's word. No gas limit confirms without the guard.
#[test]
fn no_gas_limit_lands_a_confirmation_without_the_guard() {
    let mut w = World::with_warm_reporters();
    let registry = w.registry;
    let subject = address_subject(ATTACKER);
    w.ok(
        REPORTERS[0],
        registry,
        &submit(subject, 1, 4, 10 * DAY, "exploit trace"),
    );
    w.ok(
        REPORTERS[1],
        registry,
        &corroborate(subject, "exploit trace 2"),
    );
    let confirm: Bytes = corroborate(subject, "exploit trace 3").abi_encode().into();
    let state = |w: &mut World| {
        (
            w.status(subject),
            reporter(w, REPORTERS[2]),
            guard_word(w, subject),
        )
    };
    let before = state(&mut w);
    assert_eq!(before.0.level, 2, "watch before the confirming report");
    let too_low = error_data(R::GuardGasTooLow {
        required: PUSH_GAS_LEFT,
    });
    // The outcome under `limit`; a confirmation is checked (the guard has the registry's word)
    // and undone, a failure must have changed nothing.
    let run = |w: &mut World, limit: u64| {
        let snap = w.chain.snapshot();
        let r = w
            .chain
            .call_with_gas(REPORTERS[2], registry, confirm.clone(), U256::ZERO, limit)
            .expect("a valid transaction");
        let outcome = if r.success {
            let word = events::<R::StatusChanged>(&r, registry)[0].status;
            assert_eq!(synced(w, &r), vec![(subject, word)], "gas limit {limit}");
            assert_eq!(guard_word(w, subject), word, "gas limit {limit}");
            assert_eq!(w.status(subject).level, 3);
            Outcome::Confirmed
        } else {
            assert_eq!(state(w), before, "gas limit {limit} changed something");
            if r.halt.is_some() {
                assert!(r.output.is_empty());
                Outcome::OutOfGas
            } else {
                assert_eq!(
                    hex_string(&r.output),
                    hex_string(&too_low),
                    "gas limit {limit}: revert data"
                );
                Outcome::PushStarved
            }
        };
        w.chain.revert_to(snap).expect("revert to the snapshot");
        (outcome, r.gas_used)
    };

    // The threshold, then the GuardGasTooLow band below it (steps of 2,000 find a limit inside,
    // binary searches find its edges).
    let (mut fails, mut works) = (40_000u64, 10_000_000u64);
    while works - fails > 1 {
        let mid = fails + (works - fails) / 2;
        match run(&mut w, mid).0 {
            Outcome::Confirmed => works = mid,
            _ => fails = mid,
        }
    }
    let threshold = works;
    let inside = (1..=100)
        .map(|k| threshold - k * 2_000)
        .find(|&limit| run(&mut w, limit).0 == Outcome::PushStarved)
        .expect("a limit that starves the push");
    let (mut top, mut above) = (inside, threshold);
    while above - top > 1 {
        let mid = top + (above - top) / 2;
        match run(&mut w, mid).0 {
            Outcome::PushStarved => top = mid,
            _ => above = mid,
        }
    }
    let (mut below, mut bottom) = (40_000u64, inside);
    while bottom - below > 1 {
        let mid = below + (bottom - below) / 2;
        match run(&mut w, mid).0 {
            Outcome::PushStarved => bottom = mid,
            _ => below = mid,
        }
    }

    let around = |edge: u64| edge - 64..edge + 64;
    let limits: Vec<u64> = (threshold - 256..threshold)
        .chain(around(top))
        .chain(around(bottom))
        .chain((40_000..threshold).step_by(4_001))
        .collect();
    let mut counts = HashMap::new();
    for &limit in &limits {
        let (outcome, _) = run(&mut w, limit);
        let expected = if limit >= threshold {
            Outcome::Confirmed
        } else if (bottom..=top).contains(&limit) {
            Outcome::PushStarved
        } else {
            Outcome::OutOfGas
        };
        assert_eq!(outcome, expected, "gas limit {limit}");
        *counts.entry(format!("{outcome:?}")).or_insert(0) += 1;
    }
    let mut used = Vec::new();
    for limit in (threshold..threshold + 64).chain([threshold + 100_000, 30_000_000]) {
        let (outcome, gas) = run(&mut w, limit);
        assert_eq!(outcome, Outcome::Confirmed, "gas limit {limit}");
        used.push(gas);
    }
    assert!(
        used.iter().all(|g| *g == used[0]),
        "the gas used does not depend on the limit"
    );

    println!("confirming corroboration against the gas limit:");
    println!("  smallest gas limit that confirms        {threshold:>9}");
    println!("  gas it uses (at any limit from there)   {:>9}", used[0]);
    println!("  GuardGasTooLow band of gas limits        {bottom}..={top}");
    println!("  PUSH_GAS_LEFT required at the push      {PUSH_GAS_LEFT:>9}");
    println!(
        "  {} limits tried around it, all below it failing and changing nothing: {counts:?}",
        limits.len()
    );
}

// ---------------------------------------------------------------------------------------------
// c. Harmful owner powers wait the delay; safe ones do not (issue 11 §4)
// ---------------------------------------------------------------------------------------------

/// What the owner's powers change, to compare before and after.
type Governed = (R::RegistryConfig, bool, Params, R::Accounting, U256);

fn governed(w: &mut World) -> Governed {
    let registry = w.registry;
    (
        config(w),
        w.read(
            registry,
            &R::isResolverCall {
                account: NEW_RESOLVER,
            },
        ),
        w.read(registry, &R::paramsAtCall { version: 0 }),
        accounting(w),
        w.chain.balance(TREASURY),
    )
}

#[test]
fn harmful_powers_wait_the_delay_and_safe_ones_act_at_once() {
    let p = params();
    let mut w = World::with_warm_reporters();
    let registry = w.registry;
    for who in [NEW_OWNER, STRANGER, USER2] {
        w.chain.fund(who, eth(1));
    }
    // Pausing is immediate, so that resuming has something to resume.
    w.ok(
        OWNER,
        registry,
        &R::setSubmissionsPausedCall { paused: true },
    );
    let mut next = params();
    next.minStake = eth(2);
    next.paramsDelay = 3 * DAY;
    let powers: Vec<(&str, Bytes)> = vec![
        (
            "setResolver(x, true)",
            R::setResolverCall {
                account: NEW_RESOLVER,
                enabled: true,
            }
            .abi_encode()
            .into(),
        ),
        (
            "setSubmissionsPaused(false)",
            R::setSubmissionsPausedCall { paused: false }
                .abi_encode()
                .into(),
        ),
        (
            "setParams",
            R::setParamsCall {
                params: next.clone(),
            }
            .abi_encode()
            .into(),
        ),
        (
            "setGuard(0)",
            R::setGuardCall {
                guard: Address::ZERO,
            }
            .abi_encode()
            .into(),
        ),
        (
            "transferOwnership",
            R::transferOwnershipCall {
                newOwner: NEW_OWNER,
            }
            .abi_encode()
            .into(),
        ),
        (
            "sweepTreasury",
            R::sweepTreasuryCall { to: TREASURY }.abi_encode().into(),
        ),
    ];
    let schedule = |data: &Bytes| R::scheduleCall { data: data.clone() };
    let execute = |data: &Bytes| R::executeCall { data: data.clone() };

    // 1. Called directly, by the owner or anyone, each is refused and changes nothing.
    let before = governed(&mut w);
    for (name, data) in &powers {
        for from in [OWNER, STRANGER] {
            let r = w
                .chain
                .call(from, registry, data.clone(), U256::ZERO)
                .unwrap();
            assert_reverted(&r, name, &error_data(R::MustBeScheduled {}));
        }
    }
    assert_eq!(governed(&mut w), before);

    // 2. Scheduling is the owner's; the log carries the exact calldata and the eta.
    w.reverts(
        STRANGER,
        registry,
        &schedule(&powers[0].1),
        &error_data(R::Unauthorized { account: STRANGER }),
    );
    let eta = w.now() + p.paramsDelay;
    let mut gas = Vec::new();
    for (name, data) in &powers {
        let id = keccak256(data);
        let r = w.ok(OWNER, registry, &schedule(data));
        assert_eq!(R::scheduleCall::abi_decode_returns(&r.output).unwrap(), id);
        let logged = events::<R::CallScheduled>(&r, registry);
        assert_eq!(logged.len(), 1, "{name}");
        assert_eq!(
            (logged[0].id, logged[0].eta, &logged[0].data),
            (id, eta, data),
            "{name}: CallScheduled(id, eta, the exact calldata)"
        );
        assert_eq!(w.read(registry, &R::scheduledAtCall { id }), eta);
        w.reverts(
            OWNER,
            registry,
            &schedule(data),
            &error_data(R::CallAlreadyScheduled { id }),
        );
        gas.push((*name, r.gas_used));
    }

    // 3. Not a second before the delay, and never by anyone else.
    w.chain.warp(eta - 1);
    for (_, data) in &powers {
        let id = keccak256(data);
        w.reverts(
            OWNER,
            registry,
            &execute(data),
            &error_data(R::CallNotReady { id, eta }),
        );
    }
    w.chain.warp(eta);
    for (_, data) in &powers {
        w.reverts(
            STRANGER,
            registry,
            &execute(data),
            &error_data(R::Unauthorized { account: STRANGER }),
        );
    }
    assert_eq!(governed(&mut w), before);

    // 4. At the eta each runs once, with CallExecuted; the sweep is kept for step 5.
    let mut executed = Vec::new();
    for (name, data) in &powers[..5] {
        let id = keccak256(data);
        let r = w.ok(OWNER, registry, &execute(data));
        let done = events::<R::CallExecuted>(&r, registry);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].id, id);
        assert_eq!(w.read(registry, &R::scheduledAtCall { id }), 0);
        w.reverts(
            OWNER,
            registry,
            &execute(data),
            &error_data(R::CallNotScheduled { id }),
        );
        executed.push((*name, r.gas_used));
    }
    let after = config(&mut w);
    assert!(w.read(
        registry,
        &R::isResolverCall {
            account: NEW_RESOLVER
        }
    ));
    assert!(!after.submissionsPaused);
    assert_eq!(after.paramsVersion, 2);
    assert_eq!(w.read(registry, &R::paramsAtCall { version: 0 }), next);
    assert_eq!(after.guard, Address::ZERO);
    assert_eq!((after.owner, after.pendingOwner), (OWNER, NEW_OWNER));

    // 5. A scheduled call that fails reverts with its own error and stays scheduled: the sweep of
    //    an empty treasury. Once a rejected flag fills the treasury, the same call runs.
    let sweep = &powers[5].1;
    let sweep_id = keccak256(sweep);
    w.reverts(
        OWNER,
        registry,
        &execute(sweep),
        &error_data(R::TreasuryEmpty {}),
    );
    assert_eq!(w.read(registry, &R::scheduledAtCall { id: sweep_id }), eta);
    let victim = address_subject(USER);
    w.flag(victim, 2, 10 * DAY);
    let flag = w.status(victim).flagId;
    w.ok_value(USER2, registry, &dispute(flag, "not me"), p.disputeBond);
    w.ok(RESOLVER, registry, &resolve(flag, false, "false"));
    let treasury = accounting(&mut w).treasury;
    assert_eq!(treasury, eth(3));
    let swept = w.ok(OWNER, registry, &execute(sweep));
    assert_eq!(w.chain.balance(TREASURY), treasury);
    assert_eq!(accounting(&mut w).treasury, U256::ZERO);
    assert_eq!(w.read(registry, &R::scheduledAtCall { id: sweep_id }), 0);
    executed.push(("sweepTreasury", swept.gas_used));

    // 6. A cancelled call never runs. The delay is the current `paramsDelay` (3 days now).
    let appoint: Bytes = R::setResolverCall {
        account: ATTACKER,
        enabled: true,
    }
    .abi_encode()
    .into();
    let id = keccak256(&appoint);
    w.ok(OWNER, registry, &schedule(&appoint));
    let eta = w.read(registry, &R::scheduledAtCall { id });
    assert_eq!(eta, w.now() + next.paramsDelay);
    w.reverts(
        STRANGER,
        registry,
        &R::cancelCall { id },
        &error_data(R::Unauthorized { account: STRANGER }),
    );
    let cancelled = w.ok(OWNER, registry, &R::cancelCall { id });
    assert_eq!(events::<R::CallCancelled>(&cancelled, registry)[0].id, id);
    assert_eq!(w.read(registry, &R::scheduledAtCall { id }), 0);
    w.chain.warp(eta);
    w.reverts(
        OWNER,
        registry,
        &execute(&appoint),
        &error_data(R::CallNotScheduled { id }),
    );
    w.reverts(
        OWNER,
        registry,
        &R::cancelCall { id },
        &error_data(R::CallNotScheduled { id }),
    );
    assert!(!w.read(registry, &R::isResolverCall { account: ATTACKER }));

    // 7. What makes things safer is immediate, and the owner's alone.
    let mut immediate = Vec::new();
    for (name, call) in [
        (
            "setResolver(x, false)",
            R::setResolverCall {
                account: RESOLVER,
                enabled: false,
            }
            .abi_encode(),
        ),
        (
            "setSubmissionsPaused(true)",
            R::setSubmissionsPausedCall { paused: true }.abi_encode(),
        ),
    ] {
        let r = w
            .chain
            .call(STRANGER, registry, call.clone().into(), U256::ZERO)
            .unwrap();
        assert_reverted(
            &r,
            "a safe power by a stranger",
            &error_data(R::Unauthorized { account: STRANGER }),
        );
        let r = w
            .chain
            .call(OWNER, registry, call.into(), U256::ZERO)
            .unwrap();
        assert!(r.success, "{name} by the owner");
        immediate.push((name, r.gas_used));
    }
    assert!(!w.read(registry, &R::isResolverCall { account: RESOLVER }));
    assert!(config(&mut w).submissionsPaused);

    // 8. The new owner takes over; the old one schedules nothing more.
    w.ok(NEW_OWNER, registry, &R::acceptOwnershipCall {});
    w.reverts(
        OWNER,
        registry,
        &schedule(&appoint),
        &error_data(R::Unauthorized { account: OWNER }),
    );
    w.ok(NEW_OWNER, registry, &schedule(&appoint));

    println!(
        "registry timelock: delay {} s (paramsDelay), then {} s after setParams",
        p.paramsDelay, next.paramsDelay
    );
    for (name, g) in gas {
        println!("  schedule {name:<28} {g:>8}");
    }
    for (name, g) in executed {
        println!("  execute  {name:<28} {g:>8}");
    }
    for (name, g) in immediate {
        println!("  at once  {name:<28} {g:>8}");
    }
}

// ---------------------------------------------------------------------------------------------
// d. The code views (issue 11 §1, registry side)
// ---------------------------------------------------------------------------------------------

#[test]
fn code_views_follow_the_code_and_never_an_eoa() {
    let mut w = World::with_warm_reporters();
    let registry = w.registry;
    w.chain.fund(FRESH, eth(1));
    let code = creation_code("EtherRefuser.sol", "EtherRefuser");
    let original = w
        .chain
        .deploy_evm(ATTACKER, code.clone().into())
        .expect("deploy the original");
    let factory = w
        .chain
        .deploy_evm(
            FRESH,
            creation_code("Create2Factory.sol", "Create2Factory").into(),
        )
        .expect("deploy the factory");
    let r = w.ok(
        FRESH,
        factory,
        &ICreate2Factory::deployCall {
            code: code.into(),
            salt: B256::repeat_byte(1),
        },
    );
    let clone = events::<ICreate2Factory::Deployed>(&r, factory)[0].instance;
    assert_ne!(clone, original);
    let hash = keccak256(w.chain.code(original));
    assert_eq!(keccak256(w.chain.code(clone)), hash, "same runtime code");
    let subject = code_subject(hash);
    let contracts = [original, clone];
    // An EOA with history, one without, and an address nothing ever touched.
    let eoas = [REPORTERS[0], USER, Address::repeat_byte(0x77)];

    let views = |w: &mut World, account: Address| {
        (
            w.read(registry, &R::isFlaggedCodeCall { account }),
            w.read(registry, &R::statusOfCodeCall { account }),
        )
    };
    let none = views(&mut w, Address::repeat_byte(0x77)).1;
    assert_eq!(none, SubjectStatus::default());
    for a in contracts.into_iter().chain(eoas) {
        assert_eq!(
            views(&mut w, a),
            (false, none.clone()),
            "{a} before any flag"
        );
    }

    // Watch, then confirmed: both copies read the code hash's status, whatever their address.
    w.ok(
        REPORTERS[0],
        registry,
        &submit(subject, 1, 4, DAY, "exploit bytecode"),
    );
    for a in contracts {
        let (flagged, status) = views(&mut w, a);
        assert!(!flagged, "watch is not flagged");
        assert_eq!(status, w.status(subject));
        assert_eq!(status.level, 2);
    }
    for r in &REPORTERS[1..] {
        w.ok(*r, registry, &corroborate(subject, "the same bytecode"));
    }
    assert_eq!(w.status(subject).level, 3);
    for a in contracts {
        let (flagged, status) = views(&mut w, a);
        assert!(flagged, "{a} runs the flagged code");
        assert_eq!(status, w.status(subject));
        assert!(
            !w.read(registry, &R::isFlaggedCall { account: a }),
            "its address is clean"
        );
    }
    // Flagging the empty code's hash, to reach every account without code, reaches none.
    let empty = code_subject(keccak256([]));
    w.ok(
        RESOLVER,
        registry,
        &emergency_confirm(empty, 1, 4, DAY, "every EOA"),
    );
    assert_eq!(w.status(empty).level, 3);
    for a in eoas {
        assert_eq!(
            views(&mut w, a),
            (false, none.clone()),
            "{a} is never flagged"
        );
    }

    // The cost of reading the code hash: the views as transactions, beside isFlagged.
    let gas = |w: &mut World, data: Vec<u8>| {
        let r = w
            .chain
            .call(VIEWER, registry, data.into(), U256::ZERO)
            .unwrap();
        assert!(r.success);
        r.gas_used
    };
    let by_address = gas(&mut w, R::isFlaggedCall { account: clone }.abi_encode());
    let by_code = gas(&mut w, R::isFlaggedCodeCall { account: clone }.abi_encode());
    let by_code_eoa = gas(&mut w, R::isFlaggedCodeCall { account: USER }.abi_encode());
    let status_by_code = gas(&mut w, R::statusOfCodeCall { account: clone }.abi_encode());
    assert!(by_code > by_address, "EXTCODEHASH costs something");

    // The flag ends at its expiry for every copy at once.
    w.warp_by(DAY);
    for a in contracts {
        let (flagged, status) = views(&mut w, a);
        assert!(!flagged);
        assert_eq!(status.level, 5, "expired");
    }

    println!("code views (whole transaction gas, registry uncached):");
    println!("  isFlagged(clone)          {by_address:>8}");
    println!("  isFlaggedCode(clone)      {by_code:>8}");
    println!("  isFlaggedCode(EOA)        {by_code_eoa:>8}");
    println!("  statusOfCode(clone)       {status_by_code:>8}");
}

// ---------------------------------------------------------------------------------------------
// e. Deployment safety (issue 11 §6)
// ---------------------------------------------------------------------------------------------

/// The first `n` storage slots of `account`.
fn slots(w: &World, account: Address, n: u64) -> Vec<U256> {
    (0..n)
        .map(|i| w.chain.storage(account, U256::from(i)))
        .collect()
}

/// What a call on the registry could disturb.
fn registry_state(w: &mut World) -> (Vec<U256>, Governed, SubjectStatus, U256) {
    let registry = w.registry;
    let subject = address_subject(ATTACKER);
    (
        slots(w, registry, 64),
        governed(w),
        w.status(subject),
        w.chain.balance(registry),
    )
}

#[test]
fn the_deployment_cannot_be_redone_and_the_extension_is_inert() {
    let mut w = World::with_warm_reporters();
    let (registry, guard) = (w.registry, w.guard);
    w.flag(address_subject(ATTACKER), 1, 10 * DAY);
    let extension = w.extension;
    let ext_code = w.chain.code(extension);
    assert_eq!(&ext_code[..3], &[0xef, 0xf0, 0x00], "a Stylus program");
    assert_ne!(ext_code, w.chain.code(registry));
    // The registry holds the extension's address in one of its own slots.
    let ext_word = U256::from_be_slice(extension.as_slice());
    let ext_slot = slots(&w, registry, 64)
        .iter()
        .position(|v| *v == ext_word)
        .expect("the registry stores its extension") as u64;

    // 1. A second constructor call, by the owner or an attacker, reverts and changes nothing.
    let before = registry_state(&mut w);
    for from in [OWNER, ATTACKER] {
        let data = constructor_call(from, from, from, vec![from]);
        let r = w.chain.call(from, registry, data, U256::ZERO).unwrap();
        assert_reverted(&r, "a second constructor call", &[]);
        assert_eq!(registry_state(&mut w), before, "constructor by {from}");
        println!(
            "second constructor call by {from}: reverted, {} gas",
            r.gas_used
        );
    }

    // 2. Called directly, the extension runs on its own empty storage: no owner, no resolver, no
    //    guard, no funds. Every power is refused and nothing is stored, there or in the registry.
    let unauthorized = |who: Address| error_data(R::Unauthorized { account: who });
    let set_guard = Bytes::from(R::setGuardCall { guard: ATTACKER }.abi_encode());
    let subject = address_subject(ATTACKER);
    for from in [OWNER, RESOLVER, ATTACKER] {
        let refused: Vec<(Vec<u8>, Bytes)> = vec![
            (
                R::setResolverCall {
                    account: ATTACKER,
                    enabled: false,
                }
                .abi_encode(),
                unauthorized(from),
            ),
            (
                R::setSubmissionsPausedCall { paused: true }.abi_encode(),
                unauthorized(from),
            ),
            (
                R::scheduleCall {
                    data: set_guard.clone(),
                }
                .abi_encode(),
                unauthorized(from),
            ),
            (
                R::cancelCall {
                    id: keccak256(&set_guard),
                }
                .abi_encode(),
                unauthorized(from),
            ),
            (
                R::executeCall {
                    data: set_guard.clone(),
                }
                .abi_encode(),
                unauthorized(from),
            ),
            (R::acceptOwnershipCall {}.abi_encode(), unauthorized(from)),
            (
                emergency_confirm(subject, 1, 4, DAY, "direct").abi_encode(),
                unauthorized(from),
            ),
            (
                emergency_remove(subject, "direct").abi_encode(),
                unauthorized(from),
            ),
            (set_guard.to_vec(), error_data(R::MustBeScheduled {})),
            (
                R::setResolverCall {
                    account: from,
                    enabled: true,
                }
                .abi_encode(),
                error_data(R::MustBeScheduled {}),
            ),
            (
                R::transferOwnershipCall { newOwner: from }.abi_encode(),
                error_data(R::MustBeScheduled {}),
            ),
            (
                R::sweepTreasuryCall { to: from }.abi_encode(),
                error_data(R::MustBeScheduled {}),
            ),
            (
                R::syncGuardCall {
                    subjects: vec![subject],
                }
                .abi_encode(),
                error_data(R::ZeroAddress {}),
            ),
            // The extension has no constructor, and none of the registry's own calls.
            (
                constructor_call(from, from, guard, vec![from]).to_vec(),
                Bytes::new(),
            ),
            (
                submit(subject, 1, 4, DAY, "direct").abi_encode(),
                Bytes::new(),
            ),
            (R::stakeCall {}.abi_encode(), Bytes::new()),
        ];
        for (data, expected) in refused {
            let r = w
                .chain
                .call(from, extension, data.into(), U256::ZERO)
                .unwrap();
            assert_reverted(&r, "a direct call to the extension", &expected);
        }
    }
    // Its views answer from nothing.
    let ext_config = {
        let out = w
            .chain
            .view(VIEWER, extension, R::configCall {}.abi_encode().into())
            .unwrap();
        R::configCall::abi_decode_returns(&out.data).unwrap()
    };
    assert_eq!(
        (
            ext_config.owner,
            ext_config.guard,
            ext_config.paramsVersion,
            ext_config.flagCount
        ),
        (Address::ZERO, Address::ZERO, 0, 0)
    );
    let ext_resolver = w
        .chain
        .view(
            VIEWER,
            extension,
            R::isResolverCall { account: RESOLVER }.abi_encode().into(),
        )
        .unwrap();
    assert_eq!(ext_resolver.data, false.abi_encode());
    assert_eq!(
        slots(&w, extension, 64),
        vec![U256::ZERO; 64],
        "the extension stores nothing"
    );
    assert_eq!(w.chain.balance(extension), U256::ZERO);
    assert_eq!(w.chain.code(extension), ext_code);
    assert_eq!(registry_state(&mut w), before, "the registry is untouched");

    // 3. The extension's address is written once, by the constructor: no method writes it, and
    //    every power the owner has leaves it where it was.
    let writers = extension_writes();
    assert_eq!(
        writers,
        vec!["governance.rs: fn constructor".to_string()],
        "the only write of `extension` in contracts/registry/src"
    );
    let powers: Vec<Bytes> = vec![
        R::setGuardCall { guard: ATTACKER }.abi_encode().into(),
        R::setResolverCall {
            account: ATTACKER,
            enabled: true,
        }
        .abi_encode()
        .into(),
        R::setParamsCall { params: params() }.abi_encode().into(),
        R::transferOwnershipCall {
            newOwner: NEW_OWNER,
        }
        .abi_encode()
        .into(),
    ];
    for data in &powers {
        w.ok(OWNER, registry, &R::scheduleCall { data: data.clone() });
    }
    w.warp_by(params().paramsDelay);
    for data in &powers {
        w.ok(OWNER, registry, &R::executeCall { data: data.clone() });
    }
    w.ok(NEW_OWNER, registry, &R::acceptOwnershipCall {});
    assert_eq!(
        w.chain.storage(registry, U256::from(ext_slot)),
        ext_word,
        "the extension is where the constructor put it"
    );
    // The delegated calls still reach the same program: the new owner is visible through it.
    assert_eq!(config(&mut w).owner, NEW_OWNER);
}

/// Every place in the registry's sources that writes its `extension` field, as "file: fn name".
fn extension_writes() -> Vec<String> {
    let mut files = Vec::new();
    let mut dirs = vec![workspace().join("contracts/registry/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the registry's sources") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut writes = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read a source file");
        let mut current_fn = String::new();
        for line in text.lines() {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed
                .strip_prefix("pub fn ")
                .or_else(|| trimmed.strip_prefix("pub(crate) fn "))
                .or_else(|| trimmed.strip_prefix("fn "))
            {
                current_fn = rest.split(['(', '<']).next().unwrap_or("").to_string();
            }
            // Any use of the field other than reading it.
            for (at, _) in line.match_indices("extension.") {
                let after = &line[at + "extension.".len()..];
                let before = &line[..at];
                // `r.extension` or `self.extension`, not `owner.extension` or a module path.
                let receiver = before
                    .strip_suffix("self.")
                    .or_else(|| before.strip_suffix("r."));
                let is_field = receiver
                    .is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                if is_field && !after.starts_with("get()") {
                    let file = path.file_name().unwrap().to_string_lossy();
                    writes.push(format!("{file}: fn {current_fn}"));
                }
            }
        }
    }
    writes
}
