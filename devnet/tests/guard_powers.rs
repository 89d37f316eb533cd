//! Issue 11 §3 and §4 on the release wasm: a guardian's pause changes nothing but the pause, and
//! the guard owner's powers wait out a public delay.
//!
//! - §3: the same admin settings run from one snapshot with and without a guardian's pause (and an
//!   admin's pause of a selector without a policy); every answer, every log and every policy view
//!   must be the same, and once the pauses end so must every verdict.
//! - §4: `setRegistry` (after the first link), `setPauseBounds`, `transferOwnership` and `setDelay`
//!   are refused when called directly, refused before their eta, run after it; `cancel` drops one;
//!   `schedule` refuses anything else (`execute` included, so `execute` cannot be re-entered); an
//!   `execute` that fails reverts everything and leaves the call scheduled.
//! - The status feed's cost: `onStatusChange` of a changed word (the worst case the registry's
//!   push budget must cover) and of an unchanged one (a repair push).
//!
//! Run: `cargo test -p vigil-devnet --test guard_powers` (add `-- --nocapture` for the gas).

use alloy_sol_types::{SolCall, SolEvent, SolValue};
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Bytes, Receipt, B256, U256};

const GUARDIAN: Address = Address::repeat_byte(0x9a);
/// A second registry, for the timelocked re-link.
const NEW_REGISTRY: Address = Address::repeat_byte(0x9b);
const TWO_DAYS: u64 = 2 * DAY;

/// The guard's events this file looks for.
mod events {
    alloy_sol_types::sol! {
        event CallScheduled(bytes32 indexed id, uint64 eta, bytes data);
        event CallCancelled(bytes32 indexed id);
        event CallExecuted(bytes32 indexed id);
        event SelectorPauseSet(address indexed protocol, bytes4 indexed selector, address indexed by, uint64 until);
        event ProtocolPauseSet(address indexed protocol, address indexed by, uint64 until);
        event SelectorUnpaused(address indexed protocol, bytes4 indexed selector, address indexed by);
    }
}

fn deposit_selector() -> FixedBytes<4> {
    IVault::depositCall::SELECTOR.into()
}

fn logged<E: SolEvent>(r: &Receipt, emitter: Address) -> Vec<E> {
    r.logs
        .iter()
        .filter(|l| l.address == emitter && l.topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|l| E::decode_raw_log(l.topics.iter().copied(), &l.data).expect("event decodes"))
        .collect()
}

// ---- §3: a guardian's pause changes nothing but the pause ---------------------------------------

/// What an observer sees of one step: success, output, and the logs (pause logs aside).
type Seen = (bool, Bytes, Vec<(Vec<B256>, Bytes)>);

fn seen(r: &Receipt) -> Seen {
    let pause_events = [
        events::SelectorPauseSet::SIGNATURE_HASH,
        events::ProtocolPauseSet::SIGNATURE_HASH,
        events::SelectorUnpaused::SIGNATURE_HASH,
    ];
    let logs = r
        .logs
        .iter()
        .filter(|l| !pause_events.contains(&l.topics[0]))
        .map(|l| (l.topics.clone(), l.data.clone()))
        .collect();
    (r.success, r.output.clone(), logs)
}

/// Every policy view of the vault's withdraw and deposit, pause fields cleared.
fn policies(w: &mut World) -> String {
    let (guard, vault) = (w.guard, w.vault);
    let mut out = String::new();
    for s in [withdraw_selector(), deposit_selector()] {
        let mut p = w.read(guard, &ICircuitGuard::selectorPolicyCall::new((vault, s)));
        p.pausedUntil = 0;
        p.protocolPausedUntil = 0;
        let limit = w.read(guard, &ICircuitGuard::rateLimitCall::new((vault, s)));
        let tags = w.read(guard, &ICircuitGuard::advisoryTagsCall::new((vault, s)));
        out += &format!("{p:?} {limit:?} {tags:?}\n");
    }
    let list = w.read(
        guard,
        &ICircuitGuard::configuredSelectorsCall::new((vault,)),
    );
    let mut info = w.read(guard, &ICircuitGuard::protocolInfoCall { protocol: vault });
    info.pausedUntil = 0;
    info.guardianPauseEnd = 0;
    out + &format!("{list:?} {info:?}")
}

/// The vault with a guardian, a rate limit and an advisory tag on withdraw; USER (clean) and USER2
/// (on watch after one report) each hold 10 tokens in the vault and 10 outside.
fn pause_world() -> World {
    let mut w = World::with_warm_reporters();
    let (guard, vault, registry) = (w.guard, w.vault, w.registry);
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setGuardianCall::new((vault, GUARDIAN, true)),
    );
    w.ok(
        VAULT_ADMIN,
        guard,
        &rate_limit(
            vault,
            withdraw_selector(),
            eth(100),
            eth(1),
            eth(10),
            eth(50),
        ),
    );
    let tag = advisory_subject("VIGIL-POWERS");
    w.ok(
        VAULT_ADMIN,
        guard,
        &advisory_tags(vault, withdraw_selector(), vec![tag]),
    );
    for who in [USER, USER2] {
        w.deposit(who, eth(20));
        assert!(w.withdraw(who, eth(10)).success);
    }
    w.ok(
        REPORTERS[0],
        registry,
        &submit(address_subject(USER2), 1, 4, 30 * DAY, "USER2 on watch"),
    );
    assert_eq!(w.status(address_subject(USER2)).level, 2);
    w
}

/// Runs every admin setting that can follow a pause, then waits for the pauses to end and tries
/// every guarded function: what an observer sees, and the policies after each step.
fn settings_then_verdicts(w: &mut World, lift: bool) -> Vec<(Seen, String)> {
    let (guard, vault) = (w.guard, w.vault);
    let sel = withdraw_selector();
    let tag = advisory_subject("VIGIL-POWERS-2");
    // Each an admin call to the guard, as calldata.
    let mut steps = vec![
        // Watch-level screening protocol-wide: it must reach deposit, which has no policy.
        ICircuitGuard::setProtocolScreeningCall::new((vault, 1, false)).abi_encode(),
        ICircuitGuard::setScreeningCall::new((vault, sel, SCREEN_CODE, true)).abi_encode(),
        rate_limit(vault, sel, eth(200), eth(2), eth(20), eth(100)).abi_encode(),
        advisory_tags(vault, sel, vec![tag]).abi_encode(),
        remove_policy(vault, sel).abi_encode(),
        rate_limit(vault, sel, eth(100), eth(1), U256::ZERO, U256::ZERO).abi_encode(),
        ICircuitGuard::setProtocolScreeningCall::new((vault, 0, false)).abi_encode(),
        ICircuitGuard::setProtocolScreeningCall::new((vault, 1, false)).abi_encode(),
    ];
    if lift {
        for s in [withdraw_selector(), deposit_selector()] {
            steps.push(ICircuitGuard::unpauseSelectorCall::new((vault, s)).abi_encode());
        }
    }
    let mut out = Vec::new();
    for data in steps {
        let r = w
            .chain
            .call(VAULT_ADMIN, guard, data.into(), U256::ZERO)
            .expect("valid transaction");
        out.push((seen(&r), policies(w)));
    }
    // The pauses end (or were lifted): every guarded function, for a clean and a watched user.
    w.warp_by(3_601);
    for who in [USER, USER2] {
        let r = w.withdraw(who, eth(1));
        out.push((seen(&r), policies(w)));
        let (token, vault) = (w.token, w.vault);
        w.ok(
            who,
            token,
            &IToken::approveCall {
                spender: vault,
                value: eth(1),
            },
        );
        let r = w.send(who, vault, &IVault::depositCall { amount: eth(1) });
        out.push((seen(&r), policies(w)));
    }
    out
}

fn pauses(w: &mut World) {
    let (guard, vault) = (w.guard, w.vault);
    let r = w.ok(
        GUARDIAN,
        guard,
        &ICircuitGuard::pauseSelectorCall::new((vault, withdraw_selector(), 3_600)),
    );
    assert_eq!(logged::<events::SelectorPauseSet>(&r, guard).len(), 1);
    // The admin's pause of deposit, which has no policy: it gets none.
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::pauseSelectorCall::new((vault, deposit_selector(), 3_600)),
    );
    let deposit = w.read(
        guard,
        &ICircuitGuard::selectorPolicyCall::new((vault, deposit_selector())),
    );
    assert!(!deposit.configured && deposit.pausedUntil > 0);
}

#[test]
fn every_admin_setting_after_a_pause_behaves_as_without_it() {
    for lift in [false, true] {
        let mut w = pause_world();
        let before = policies(&mut w);
        let snap = w.chain.snapshot();
        let free = settings_then_verdicts(&mut w, lift);
        w.chain.revert_to(snap).unwrap();
        pauses(&mut w);
        assert_eq!(policies(&mut w), before, "the pauses changed a policy");
        let paused = settings_then_verdicts(&mut w, lift);
        assert_eq!(free.len(), paused.len());
        for (i, (a, b)) in free.iter().zip(&paused).enumerate() {
            assert_eq!(a, b, "step {i} (unpause: {lift}) differs after a pause");
        }
        // The protocol-wide watch screening reached deposit, paused or not: USER2 is refused.
        let refused = error_data(ICircuitGuard::CallerFlagged {
            caller: USER2,
            level: 2,
        });
        let (deposit_by_user2, _) = &paused[paused.len() - 1];
        assert_eq!((deposit_by_user2.0, &deposit_by_user2.1), (false, &refused));
    }
}

// ---- §4: owner powers behind the delay ----------------------------------------------------------

/// A timelocked power: its calldata, and whether the guard's settings show it ran.
type Power = (Vec<u8>, fn(&ICircuitGuard::GuardConfig) -> bool);

/// Schedules `data` as the guard owner: its id and eta.
fn schedule(w: &mut World, data: &[u8]) -> (B256, u64) {
    let guard = w.guard;
    let r = w.ok(
        GUARD_OWNER,
        guard,
        &ICircuitGuard::scheduleCall {
            data: data.to_vec().into(),
        },
    );
    let scheduled = logged::<events::CallScheduled>(&r, guard);
    assert_eq!(scheduled.len(), 1);
    assert_eq!(
        scheduled[0].data,
        Bytes::from(data.to_vec()),
        "the log carries the call"
    );
    let id = scheduled[0].id;
    assert_eq!(id, keccak256(data));
    assert_eq!(
        w.read(guard, &ICircuitGuard::scheduledAtCall { id }),
        scheduled[0].eta
    );
    (id, scheduled[0].eta)
}

fn execute(w: &mut World, data: &[u8]) -> Receipt {
    let guard = w.guard;
    w.send(
        GUARD_OWNER,
        guard,
        &ICircuitGuard::executeCall {
            data: data.to_vec().into(),
        },
    )
}

fn config(w: &mut World) -> ICircuitGuard::GuardConfig {
    let guard = w.guard;
    w.read(guard, &ICircuitGuard::guardConfigCall {})
}

#[test]
fn each_owner_power_waits_the_delay() {
    let mut w = World::deploy();
    let guard = w.guard;
    assert_eq!(config(&mut w).delay, TWO_DAYS);
    let powers: Vec<Power> = vec![
        (
            ICircuitGuard::setRegistryCall {
                registry: NEW_REGISTRY,
            }
            .abi_encode(),
            |c| c.registry == NEW_REGISTRY,
        ),
        (
            ICircuitGuard::setPauseBoundsCall::new((0, 0)).abi_encode(),
            |c| c.maxPauseDuration == 0,
        ),
        (
            ICircuitGuard::transferOwnershipCall { newOwner: USER }.abi_encode(),
            |c| c.pendingOwner == USER,
        ),
        (
            ICircuitGuard::setDelayCall { delay: 3_600 }.abi_encode(),
            |c| c.delay == 3_600,
        ),
    ];
    for (data, done) in powers {
        // Directly: refused, for the owner as for anyone.
        for who in [GUARD_OWNER, ATTACKER] {
            let r = w
                .chain
                .call(who, guard, data.clone().into(), U256::ZERO)
                .unwrap();
            assert_reverted(
                &r,
                "a direct call",
                &error_data(ICircuitGuard::MustBeScheduled {}),
            );
        }
        // Only the owner schedules.
        w.reverts(
            ATTACKER,
            guard,
            &ICircuitGuard::scheduleCall {
                data: data.clone().into(),
            },
            &error_data(ICircuitGuard::NotOwner { account: ATTACKER }),
        );
        let now = w.now();
        let (id, eta) = schedule(&mut w, &data);
        assert_eq!(eta, now + TWO_DAYS);
        w.chain.warp(eta - 1);
        let r = execute(&mut w, &data);
        assert_reverted(
            &r,
            "before the eta",
            &error_data(ICircuitGuard::CallNotReady { id, eta }),
        );
        assert!(!done(&config(&mut w)));
        w.chain.warp(eta);
        let r = w.send(
            ATTACKER,
            guard,
            &ICircuitGuard::executeCall {
                data: data.clone().into(),
            },
        );
        assert_reverted(
            &r,
            "a stranger's execute",
            &error_data(ICircuitGuard::NotOwner { account: ATTACKER }),
        );
        let r = execute(&mut w, &data);
        assert!(r.success, "execute at the eta: 0x{}", hex_string(&r.output));
        assert_eq!(logged::<events::CallExecuted>(&r, guard).len(), 1);
        assert!(done(&config(&mut w)));
        assert_eq!(w.read(guard, &ICircuitGuard::scheduledAtCall { id }), 0);
        assert_reverted(
            &execute(&mut w, &data),
            "a second execute",
            &error_data(ICircuitGuard::CallNotScheduled { id }),
        );
    }
    // The new delay applies to what is scheduled next.
    let data = ICircuitGuard::setDelayCall { delay: TWO_DAYS }.abi_encode();
    let now = w.now();
    assert_eq!(schedule(&mut w, &data).1, now + 3_600);
}

#[test]
fn only_the_first_registry_link_is_immediate() {
    // World::deploy linked the guard at once (a fresh guard has nothing to protect).
    let mut w = World::deploy();
    let (guard, registry) = (w.guard, w.registry);
    assert_eq!(config(&mut w).registry, registry);
    for target in [NEW_REGISTRY, Address::ZERO] {
        w.reverts(
            GUARD_OWNER,
            guard,
            &ICircuitGuard::setRegistryCall { registry: target },
            &error_data(ICircuitGuard::MustBeScheduled {}),
        );
    }
    // A fresh guard: the owner links it at once, a stranger cannot.
    let fresh = w
        .chain
        .deploy_stylus(
            GUARD_OWNER,
            guard_wasm(),
            Some(&(GUARD_OWNER, w.guard_extension).abi_encode_params()),
        )
        .expect("deploy a second guard");
    w.reverts(
        ATTACKER,
        fresh,
        &ICircuitGuard::setRegistryCall { registry: ATTACKER },
        &error_data(ICircuitGuard::NotOwner { account: ATTACKER }),
    );
    w.ok(
        GUARD_OWNER,
        fresh,
        &ICircuitGuard::setRegistryCall { registry },
    );
    w.reverts(
        GUARD_OWNER,
        fresh,
        &ICircuitGuard::setRegistryCall { registry: ATTACKER },
        &error_data(ICircuitGuard::MustBeScheduled {}),
    );
}

#[test]
fn schedule_refuses_what_is_not_timelocked_and_cancel_drops_a_call() {
    let mut w = World::deploy();
    let guard = w.guard;
    let inner = ICircuitGuard::setPauseBoundsCall::new((60, 60)).abi_encode();
    // `execute` itself cannot be scheduled, so it can never run inside itself; nor can admin
    // settings or the hot path.
    let refused = [
        ICircuitGuard::executeCall {
            data: inner.clone().into(),
        }
        .abi_encode(),
        ICircuitGuard::checkCall::new((USER, withdraw_selector(), U256::ZERO)).abi_encode(),
        ICircuitGuard::acceptOwnershipCall {}.abi_encode(),
    ];
    for data in refused {
        let selector = FixedBytes::<4>::from_slice(&data[..4]);
        w.reverts(
            GUARD_OWNER,
            guard,
            &ICircuitGuard::scheduleCall { data: data.into() },
            &error_data(ICircuitGuard::NotTimelockable { selector }),
        );
    }
    for delay in [3_599u64, 30 * DAY + 1] {
        w.reverts(
            GUARD_OWNER,
            guard,
            &ICircuitGuard::scheduleCall {
                data: ICircuitGuard::setDelayCall { delay }.abi_encode().into(),
            },
            &error_data(ICircuitGuard::InvalidDelay {
                delay,
                min: 3_600,
                max: 30 * DAY,
            }),
        );
    }
    let (id, eta) = schedule(&mut w, &inner);
    w.reverts(
        GUARD_OWNER,
        guard,
        &ICircuitGuard::scheduleCall {
            data: inner.clone().into(),
        },
        &error_data(ICircuitGuard::CallAlreadyScheduled { id }),
    );
    w.reverts(
        ATTACKER,
        guard,
        &ICircuitGuard::cancelCall { id },
        &error_data(ICircuitGuard::NotOwner { account: ATTACKER }),
    );
    let r = w.ok(GUARD_OWNER, guard, &ICircuitGuard::cancelCall { id });
    assert_eq!(logged::<events::CallCancelled>(&r, guard).len(), 1);
    w.chain.warp(eta);
    assert_reverted(
        &execute(&mut w, &inner),
        "a cancelled call",
        &error_data(ICircuitGuard::CallNotScheduled { id }),
    );
    assert_eq!(config(&mut w).maxPauseDuration, 86_400);
}

/// An `execute` that fails (here: given just too little gas, the only way a call `schedule`
/// validated can fail on the guard) reverts as a whole: the call stays scheduled and nothing it
/// would have changed has changed. The same call then runs with enough gas.
#[test]
fn a_failing_execute_reverts_everything_and_stays_scheduled() {
    let mut w = World::deploy();
    let guard = w.guard;
    let data = ICircuitGuard::transferOwnershipCall { newOwner: USER }.abi_encode();
    let (id, eta) = schedule(&mut w, &data);
    w.chain.warp(eta);
    let calldata: Bytes = ICircuitGuard::executeCall {
        data: data.clone().into(),
    }
    .abi_encode()
    .into();
    let attempt = |w: &mut World, gas: u64| {
        let snap = w.chain.snapshot();
        let r = w
            .chain
            .call_with_gas(GUARD_OWNER, guard, calldata.clone(), U256::ZERO, gas)
            .expect("valid transaction");
        let state = (
            w.read(guard, &ICircuitGuard::scheduledAtCall { id }),
            config(w).pendingOwner,
        );
        w.chain.revert_to(snap).unwrap();
        (r, state)
    };
    // The least gas that runs it.
    let (mut low, mut high) = (21_000u64, 1_000_000u64);
    while high - low > 1 {
        let mid = (low + high) / 2;
        if attempt(&mut w, mid).0.success {
            high = mid;
        } else {
            low = mid;
        }
    }
    let (short, state) = attempt(&mut w, high - 1);
    assert!(!short.success);
    assert!(short.logs.is_empty());
    assert_eq!(
        state,
        (eta, Address::ZERO),
        "still scheduled, nothing changed"
    );
    let (enough, state) = attempt(&mut w, high);
    assert!(enough.success);
    assert_eq!(state, (0, USER));
    eprintln!(
        "execute(transferOwnership): runs from a {high} gas limit; {} fails and stays scheduled",
        high - 1
    );
}

// ---- §2: the cost of a status push ---------------------------------------------------------------

/// `onStatusChange` as its own transaction from a feed account, on a guard linked to it: the gas
/// the guard's execution takes (the transaction minus its intrinsic 21,000 and calldata), which is
/// what the registry's fixed push budget must cover. The worst case is a changed word on a
/// never-written slot, with the program uncached and every slot cold.
#[test]
fn status_push_gas() {
    let mut w = World::deploy();
    let feed = Address::repeat_byte(0xfe);
    w.chain.fund(feed, eth(1));
    let guard = w
        .chain
        .deploy_stylus(
            GUARD_OWNER,
            guard_wasm(),
            Some(&(GUARD_OWNER, w.guard_extension).abi_encode_params()),
        )
        .expect("deploy a guard");
    w.ok(
        GUARD_OWNER,
        guard,
        &ICircuitGuard::setRegistryCall { registry: feed },
    );
    let subject = address_subject(ATTACKER);
    let word = |level: u64| U256::from(level) | (U256::from(u64::MAX) << 64);
    let push = |w: &mut World, status: U256, cached: bool| {
        w.chain.set_cached(guard, cached).unwrap();
        let call = ICircuitGuard::onStatusChangeCall { subject, status };
        let data = call.abi_encode();
        let r = w.ok(feed, guard, &call);
        let calldata: u64 = data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum();
        (r.gas_used - 21_000 - calldata, r.logs.len())
    };
    let snap = w.chain.snapshot();
    let (new_uncached, logs) = push(&mut w, word(3), false);
    assert_eq!(logs, 1);
    w.chain.revert_to(snap).unwrap();
    let (new_cached, _) = push(&mut w, word(3), true);
    let (changed_uncached, logs) = push(&mut w, word(2), false);
    assert_eq!(logs, 1);
    let (same_uncached, logs) = push(&mut w, word(2), false);
    assert_eq!(logs, 0, "a repeat logs nothing");
    let (same_cached, _) = push(&mut w, word(2), true);
    eprintln!("onStatusChange, the guard's execution gas (tx - 21,000 - calldata):");
    eprintln!("  changed, new slot, uncached (worst): {new_uncached:>7}");
    eprintln!("  changed, new slot, cached:           {new_cached:>7}");
    eprintln!("  changed, written slot, uncached:     {changed_uncached:>7}");
    eprintln!("  unchanged (a repair push), uncached: {same_uncached:>7}");
    eprintln!("  unchanged (a repair push), cached:   {same_cached:>7}");
    assert!(
        new_uncached < 100_000,
        "the worst push fits the planned 100,000 budget"
    );
    assert!(same_uncached < changed_uncached && same_cached < new_cached);
}
