//! Unit tests of the constructor, ownership, resolvers, parameters and the treasury on the SDK's TestVM, with the shared harness in [`crate::tests`].

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::testing::TestVM;

use crate::{tests::*, *};

// ----- constructor and governance -----

#[test]
fn constructor_sets_owner_and_first_params() {
    let env = Env::new();
    assert_eq!(
        env.reg.config(),
        RegistryConfig {
            owner: OWNER,
            pendingOwner: Address::ZERO,
            guard: Address::ZERO,
            submissionsPaused: false,
            paramsVersion: 1,
            flagCount: 0,
        }
    );
    assert_eq!(env.reg.params_at(0).ok(), Some(params()));
    assert_eq!(env.reg.params_at(1).ok(), Some(params()));
    assert!(env.reg.is_resolver(RESOLVER));
    let first = env.logs::<ParamsApplied>();
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].version, applied(&first[0])), (1, params()));
}

#[test]
fn constructor_rejects_zero_owner_and_bad_params() {
    let vm = TestVM::default();
    let mut reg = ThreatRegistry::from(&vm);
    reverts(
        reg.constructor(Address::ZERO, params(), EXTENSION, Address::ZERO, vec![]),
        ZeroAddress {},
    );
    reverts(
        reg.constructor(OWNER, params(), Address::ZERO, Address::ZERO, vec![]),
        ZeroAddress {},
    );
    let mut bad = params();
    bad.disputerShareBps = 4_000;
    reverts(
        reg.constructor(OWNER, bad, EXTENSION, Address::ZERO, vec![]),
        InvalidParams { field: 12 },
    );
    assert_eq!(reg.config().paramsVersion, 0);
}

/// Each rule names its field by index; the boundary cases one step inside are accepted.
#[test]
fn every_params_rule_is_enforced() {
    let mut env = Env::new();
    type Breaker = fn(&mut Params);
    let cases: Vec<(u8, Breaker)> = vec![
        (0, |p| p.minStake = eth(11)),
        (0, |p| {
            p.minStake = U256::ZERO;
            p.stakeCap = U256::ZERO;
        }),
        (1, |p| {
            p.stakeCap = U256::from(params::MAX_AMOUNT) + U256::from(1)
        }),
        (2, |p| p.stakeWarmup = params::MAX_WINDOW + 1),
        (3, |p| p.unbondingDelay = params::MAX_WINDOW + 1),
        (4, |p| p.slashBps = 0),
        (4, |p| p.slashBps = 10_001),
        (5, |p| p.disputeBond = U256::ZERO),
        (5, |p| {
            p.disputeBond = U256::from(params::MAX_AMOUNT) + U256::from(1)
        }),
        (6, |p| p.watchScore = U256::ZERO),
        (7, |p| p.confirmScore = U256::ZERO),
        (7, |p| {
            p.confirmScore = U256::from(params::MAX_SCORE) + U256::from(1)
        }),
        // Squat protection: four fresh reporters at the 10 ETH cap weigh 20 ETH, which must be
        // above the confirm score.
        (7, |p| p.confirmScore = eth(20)),
        (8, |p| p.minReporters = 0),
        (9, |p| {
            p.maxReporters = 1;
            p.confirmScore = eth(4);
        }),
        (9, |p| p.maxReporters = params::MAX_REPORTERS_LIMIT + 1),
        (10, |p| p.maxTtl = 0),
        (10, |p| p.maxTtl = params::MAX_WINDOW + 1),
        (11, |p| p.victimShareBps = 10_000),
        (12, |p| p.disputerShareBps = 4_000),
        (13, |p| p.disputeWindow = params::MAX_WINDOW + 1),
        (14, |p| p.disputeDeadline = 0),
        (14, |p| p.disputeDeadline = params::MAX_WINDOW + 1),
        (15, |p| p.paramsDelay = params::MAX_WINDOW + 1),
    ];
    for (field, break_it) in cases {
        let mut p = params();
        break_it(&mut p);
        reverts_clean(
            &mut env,
            |env| env.as_(OWNER).schedule(set_params_call(&p).into()),
            InvalidParams { field },
        );
    }
    let accepted: Vec<Breaker> = vec![
        |p| p.confirmScore = eth(20) - U256::from(1),
        |p| p.slashBps = 10_000,
        |p| {
            p.victimShareBps = 9_999;
            p.disputerShareBps = 0;
        },
        |p| {
            p.stakeCap = U256::from(params::MAX_AMOUNT);
            p.disputeBond = U256::from(params::MAX_AMOUNT);
        },
        |p| p.maxReporters = params::MAX_REPORTERS_LIMIT,
    ];
    for make in accepted {
        let mut p = params();
        make(&mut p);
        let data = set_params_call(&p);
        let id = env.as_(OWNER).schedule(data.clone().into()).ok().unwrap();
        assert_eq!(env.reg.scheduled_at(id), env.now() + 2 * DAY);
    }
}

#[test]
fn params_change_waits_for_delay_and_applies_as_new_version() {
    let mut env = Env::new();
    let mut next = params();
    next.confirmScore = eth(15);
    let data = set_params_call(&next);
    let id = alloy_primitives::keccak256(&data);
    reverts(
        env.as_(ALICE).schedule(data.clone().into()),
        Unauthorized { account: ALICE },
    );
    reverts(
        env.as_(OWNER).execute(data.clone().into()),
        CallNotScheduled { id },
    );
    reverts(env.as_(OWNER).set_params(next.clone()), MustBeScheduled {});
    assert_eq!(env.as_(OWNER).schedule(data.clone().into()).ok(), Some(id));
    assert_eq!(env.reg.scheduled_at(id), T0 + 2 * DAY);
    reverts(
        env.as_(OWNER).schedule(data.clone().into()),
        CallAlreadyScheduled { id },
    );
    reverts(
        env.as_(OWNER).execute(data.clone().into()),
        CallNotReady {
            id,
            eta: T0 + 2 * DAY,
        },
    );
    env.warp(2 * DAY);
    reverts(
        env.as_(ALICE).execute(data.clone().into()),
        Unauthorized { account: ALICE },
    );
    env.as_(OWNER).execute(data.clone().into()).ok().unwrap();
    assert_eq!(env.reg.scheduled_at(id), 0);
    assert_eq!(env.reg.params_at(0).ok(), Some(next.clone()));
    assert_eq!(env.reg.params_at(2).ok(), Some(next));
    assert_eq!(env.reg.params_at(1).ok(), Some(params()));
    reverts(env.reg.params_at(3), UnknownVersion { version: 3 });
    // Executed once: running it again needs a new schedule.
    reverts(env.as_(OWNER).execute(data.into()), CallNotScheduled { id });
    assert_eq!(
        env.logs::<ParamsApplied>().last().map(|e| e.version),
        Some(2)
    );
}

/// `ParamsApplied` from its fields, as a `Params`.
fn applied(e: &ParamsApplied) -> Params {
    Params {
        minStake: e.minStake,
        stakeCap: e.stakeCap,
        stakeWarmup: e.stakeWarmup,
        unbondingDelay: e.unbondingDelay,
        slashBps: e.slashBps,
        disputeBond: e.disputeBond,
        watchScore: e.watchScore,
        confirmScore: e.confirmScore,
        minReporters: e.minReporters,
        maxReporters: e.maxReporters,
        maxTtl: e.maxTtl,
        victimShareBps: e.victimShareBps,
        disputerShareBps: e.disputerShareBps,
        disputeWindow: e.disputeWindow,
        disputeDeadline: e.disputeDeadline,
        paramsDelay: e.paramsDelay,
    }
}

/// Logs alone rebuild every version: the schedule carries the exact call, the application the
/// whole set, every field distinct from the defaults; the next schedule waits the new delay.
#[test]
fn params_events_carry_the_whole_set() {
    let mut env = Env::new();
    let next = Params {
        minStake: eth(2),
        stakeCap: eth(20),
        stakeWarmup: 2 * DAY,
        unbondingDelay: 9 * DAY,
        slashBps: 7_000,
        disputeBond: deci(7),
        watchScore: eth(3),
        confirmScore: eth(30),
        minReporters: 3,
        maxReporters: 5,
        maxTtl: 20 * DAY,
        victimShareBps: 5_000,
        disputerShareBps: 2_500,
        disputeWindow: 3 * DAY,
        disputeDeadline: 10 * DAY,
        paramsDelay: 4 * DAY,
    };
    let data = set_params_call(&next);
    env.as_(OWNER).schedule(data.clone().into()).ok().unwrap();
    let e = &env.logs::<vigil_common::timelock::CallScheduled>()[0];
    assert_eq!((e.eta, e.data.to_vec()), (T0 + 2 * DAY, data.clone()));
    env.warp(2 * DAY);
    env.as_(OWNER).execute(data.into()).ok().unwrap();
    let all = env.logs::<ParamsApplied>();
    assert_eq!(
        all.iter()
            .map(|e| (e.version, applied(e)))
            .collect::<Vec<_>>(),
        vec![(1, params()), (2, next.clone())]
    );
    let id = env
        .as_(OWNER)
        .schedule(set_params_call(&params()).into())
        .ok()
        .unwrap();
    assert_eq!(env.reg.scheduled_at(id), T0 + 6 * DAY);
}

#[test]
fn scheduled_calls_can_be_cancelled() {
    let mut env = Env::new();
    let data = set_params_call(&params());
    let id = alloy_primitives::keccak256(&data);
    reverts(env.as_(OWNER).cancel(id), CallNotScheduled { id });
    env.as_(OWNER).schedule(data.clone().into()).ok().unwrap();
    reverts(env.as_(BOB).cancel(id), Unauthorized { account: BOB });
    env.as_(OWNER).cancel(id).ok().unwrap();
    env.warp(3 * DAY);
    reverts(env.as_(OWNER).execute(data.into()), CallNotScheduled { id });
}

/// `schedule` takes the timelocked methods only, with arguments that decode.
#[test]
fn only_timelocked_calls_can_be_scheduled() {
    let mut env = Env::new();
    let stake = stylus_sdk::function_selector!("stake").to_vec();
    let schedule = stylus_sdk::function_selector!("schedule", stylus_sdk::abi::Bytes);
    let mut truncated = setGuardCall { guard: GUARD }.abi_encode();
    truncated.pop();
    let mut dirty = setSubmissionsPausedCall { paused: true }.abi_encode();
    dirty[35] = 2;
    for (data, selector) in [
        (stake.clone(), stake[..4].to_vec()),
        (schedule.to_vec(), schedule.to_vec()),
        (vec![1, 2], vec![0, 0, 0, 0]),
        (truncated.clone(), truncated[..4].to_vec()),
        (dirty.clone(), dirty[..4].to_vec()),
    ] {
        reverts_clean(
            &mut env,
            |env| env.as_(OWNER).schedule(data.into()),
            NotTimelockable {
                selector: alloy_primitives::FixedBytes::from_slice(&selector),
            },
        );
    }
}

/// Every power that can hurt users refuses a direct call, even from the owner; the safe
/// directions (removing a resolver, pausing) stay immediate.
#[test]
fn harmful_powers_wait_the_delay_and_safe_ones_do_not() {
    let mut env = Env::with_reporters();
    reverts(env.as_(OWNER).set_guard(GUARD), MustBeScheduled {});
    reverts(env.as_(OWNER).set_resolver(BOB, true), MustBeScheduled {});
    reverts(
        env.as_(OWNER).set_submissions_paused(false),
        MustBeScheduled {},
    );
    reverts(env.as_(OWNER).sweep_treasury(OWNER), MustBeScheduled {});
    reverts(env.as_(OWNER).transfer_ownership(BOB), MustBeScheduled {});
    reverts(env.as_(OWNER).set_params(params()), MustBeScheduled {});
    reverts(
        env.as_(RESOLVER).set_resolver(RESOLVER2, false),
        Unauthorized { account: RESOLVER },
    );
    env.as_(OWNER).set_resolver(RESOLVER2, false).ok().unwrap();
    assert!(!env.reg.is_resolver(RESOLVER2));
    reverts(
        env.as_(ALICE).set_submissions_paused(true),
        Unauthorized { account: ALICE },
    );
    env.as_(OWNER).set_submissions_paused(true).ok().unwrap();
    assert!(env.reg.config().submissionsPaused);
    env.timelocked(setGuardCall { guard: GUARD }.abi_encode())
        .ok()
        .unwrap();
    assert_eq!(env.reg.config().guard, GUARD);
    env.timelocked(
        setResolverCall {
            account: BOB,
            enabled: true,
        }
        .abi_encode(),
    )
    .ok()
    .unwrap();
    assert!(env.reg.is_resolver(BOB));
    env.timelocked(setSubmissionsPausedCall { paused: false }.abi_encode())
        .ok()
        .unwrap();
    assert!(!env.reg.config().submissionsPaused);
}

/// The scheduled call's own error comes back unchanged from `execute`.
#[test]
fn a_failing_scheduled_call_reverts_with_its_own_error() {
    let mut env = Env::new();
    reverts(
        env.timelocked(
            setResolverCall {
                account: Address::ZERO,
                enabled: true,
            }
            .abi_encode(),
        ),
        ZeroAddress {},
    );
    let sweep = sweepTreasuryCall { to: OWNER }.abi_encode();
    reverts(env.timelocked(sweep.clone()), TreasuryEmpty {});
    // A failed execution consumes nothing: the call stays scheduled and due.
    let id = alloy_primitives::keccak256(&sweep);
    assert_eq!(env.reg.scheduled_at(id), env.now());
    reverts(env.as_(OWNER).set_guard(GUARD), MustBeScheduled {});
}

#[test]
fn ownership_transfer_is_timelocked_and_two_step() {
    let mut env = Env::new();
    env.timelocked(transferOwnershipCall { newOwner: BOB }.abi_encode())
        .ok()
        .unwrap();
    assert_eq!(env.reg.config().pendingOwner, BOB);
    assert_eq!(env.reg.config().owner, OWNER);
    reverts(
        env.as_(ALICE).accept_ownership(),
        Unauthorized { account: ALICE },
    );
    env.as_(BOB).accept_ownership().ok().unwrap();
    assert_eq!(
        (env.reg.config().owner, env.reg.config().pendingOwner),
        (BOB, Address::ZERO)
    );
    reverts(
        env.as_(OWNER)
            .schedule(setGuardCall { guard: GUARD }.abi_encode().into()),
        Unauthorized { account: OWNER },
    );
    // Nobody can accept a cleared pending transfer, not even the zero address.
    reverts(
        env.as_(Address::ZERO).accept_ownership(),
        Unauthorized {
            account: Address::ZERO,
        },
    );
}

#[test]
fn pause_stops_reports_but_not_exits() {
    let mut env = Env::with_reporters();
    env.stake_warm(&[DAVE], eth(2));
    let id = env.confirm(attacker());
    env.as_(OWNER).set_submissions_paused(true).ok().unwrap();
    let other = victim();
    reverts(env.submit(DAVE, other), SubmissionsPaused {});
    reverts(env.corroborate(DAVE, attacker()), SubmissionsPaused {});
    // Queries, disputes, lapses, unstaking and withdrawals keep working.
    assert!(env.reg.is_flagged(ATTACKER));
    env.dispute(VICTIM, id, params().disputeBond).ok().unwrap();
    env.as_(DAVE).request_unstake(eth(1)).ok().unwrap();
    env.warp(7 * DAY);
    env.withdraw(DAVE).ok().unwrap();
    env.warp(7 * DAY);
    env.as_(DAVE).lapse_dispute(id).ok().unwrap();
    env.timelocked(setSubmissionsPausedCall { paused: false }.abi_encode())
        .ok()
        .unwrap();
    env.submit(DAVE, other).ok().unwrap();
    env.assert_balanced();
}

// ----- treasury -----

#[test]
fn treasury_sweep_is_timelocked() {
    let mut env = Env::with_reporters();
    reverts(
        env.timelocked(sweepTreasuryCall { to: OWNER }.abi_encode()),
        TreasuryEmpty {},
    );
    let id = env.confirm(attacker());
    env.dispute(DAVE, id, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(id, false, B256::ZERO)
        .ok()
        .unwrap();
    let amount = env.reg.accounting().treasury;
    // The 20% of a 15 ETH slash left after the victim's and the disputer's shares.
    assert_eq!(amount, eth(3));
    reverts(env.as_(ALICE).sweep_treasury(ALICE), MustBeScheduled {});
    reverts(
        env.timelocked(sweepTreasuryCall { to: Address::ZERO }.abi_encode()),
        ZeroAddress {},
    );
    env.transfers();
    // The sweep that failed on an empty treasury is still scheduled, and due.
    env.as_(OWNER)
        .execute(sweepTreasuryCall { to: OWNER }.abi_encode().into())
        .ok()
        .unwrap();
    assert_eq!(env.transfers(), vec![(OWNER, amount)]);
    assert_eq!(env.reg.accounting().treasury, U256::ZERO);
    env.assert_balanced();
}

#[test]
fn failed_payout_reverts_with_typed_error() {
    let mut env = Env::with_reporters();
    env.as_(ALICE).request_unstake(eth(1)).ok().unwrap();
    env.warp(7 * DAY);
    env.vm.mock_call(ALICE, vec![], eth(1), Err(vec![]));
    reverts(
        env.as_(ALICE).withdraw(),
        TransferFailed {
            to: ALICE,
            amount: eth(1),
        },
    );
}
