//! Unit tests of the constructor, ownership, resolvers, parameters and the treasury on the SDK's TestVM, with the shared harness in [`crate::tests`].

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::testing::TestVM;
use vigil_common::subject;

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
    assert!(env.reg.is_resolver(RESOLVER));
}

#[test]
fn constructor_rejects_zero_owner_and_bad_params() {
    let vm = TestVM::default();
    let mut reg = ThreatRegistry::from(&vm);
    reverts(reg.constructor(Address::ZERO, params()), ZeroAddress {});
    let mut bad = params();
    bad.disputerShareBps = 10_000;
    reverts(reg.constructor(OWNER, bad), InvalidParams { field: 11 });
}

#[test]
fn every_params_rule_is_enforced() {
    let mut env = Env::new();
    type Breaker = fn(&mut Params);
    let cases: Vec<(u8, Breaker)> = vec![
        (0, |p| p.minStake = eth(11)),
        (1, |p| {
            p.minStake = U256::ZERO;
            p.stakeCap = U256::ZERO;
        }),
        (1, |p| {
            p.stakeCap = U256::from(params::MAX_AMOUNT) + U256::from(1)
        }),
        (2, |p| p.stakeWarmup = params::MAX_WINDOW + 1),
        (3, |p| p.unbondingDelay = params::MAX_WINDOW + 1),
        (4, |p| p.reportBond = U256::ZERO),
        (4, |p| p.reportBond = eth(2)),
        (5, |p| p.disputeBond = U256::ZERO),
        (6, |p| p.watchScore = U256::ZERO),
        (7, |p| p.confirmScore = U256::ZERO),
        (7, |p| {
            p.confirmScore = U256::from(params::MAX_SCORE) + U256::from(1)
        }),
        (5, |p| {
            p.disputeBond = U256::from(params::MAX_AMOUNT) + U256::from(1)
        }),
        (8, |p| p.minReporters = 0),
        (9, |p| p.maxReporters = 1),
        (9, |p| p.maxReporters = params::MAX_REPORTERS_LIMIT + 1),
        (10, |p| p.maxTtl = 0),
        (11, |p| p.disputerShareBps = 10_000),
        (12, |p| p.paramsDelay = params::MAX_WINDOW + 1),
    ];
    for (field, break_it) in cases {
        let mut p = params();
        break_it(&mut p);
        reverts(env.as_(OWNER).schedule_params(p), InvalidParams { field });
    }
}

#[test]
fn params_change_waits_for_delay_and_applies_as_new_version() {
    let mut env = Env::new();
    let mut next = params();
    next.confirmScore = eth(15);
    reverts(
        env.as_(ALICE).schedule_params(next.clone()),
        Unauthorized { account: ALICE },
    );
    reverts(env.as_(ALICE).apply_params(), NoPendingParams {});
    env.as_(OWNER).schedule_params(next.clone()).ok().unwrap();
    assert_eq!(
        env.reg.pending_params(),
        PendingParams {
            params: next.clone(),
            eta: T0 + 2 * DAY
        }
    );
    reverts(
        env.as_(ALICE).apply_params(),
        ParamsNotReady { eta: T0 + 2 * DAY },
    );
    env.warp(2 * DAY);
    assert_eq!(env.as_(ALICE).apply_params().ok(), Some(2));
    assert_eq!(env.reg.params_at(0).ok(), Some(next.clone()));
    assert_eq!(env.reg.params_at(2).ok(), Some(next));
    assert_eq!(env.reg.params_at(1).ok(), Some(params()));
    reverts(env.reg.params_at(3), InvalidParams { field: 0 });
    reverts(env.as_(ALICE).apply_params(), NoPendingParams {});
    assert_eq!(
        env.logs::<ParamsApplied>().last().map(|e| e.version),
        Some(2)
    );
}

#[test]
fn params_can_be_cancelled() {
    let mut env = Env::new();
    reverts(env.as_(OWNER).cancel_params(), NoPendingParams {});
    env.as_(OWNER).schedule_params(params()).ok().unwrap();
    reverts(env.as_(BOB).cancel_params(), Unauthorized { account: BOB });
    env.as_(OWNER).cancel_params().ok().unwrap();
    env.warp(3 * DAY);
    reverts(env.as_(OWNER).apply_params(), NoPendingParams {});
}

#[test]
fn ownership_transfer_is_two_step() {
    let mut env = Env::new();
    reverts(
        env.as_(ALICE).transfer_ownership(ALICE),
        Unauthorized { account: ALICE },
    );
    env.as_(OWNER).transfer_ownership(BOB).ok().unwrap();
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
        env.as_(OWNER).set_guard(GUARD),
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
fn resolver_management_is_owner_only() {
    let mut env = Env::new();
    reverts(
        env.as_(RESOLVER).set_resolver(BOB, true),
        Unauthorized { account: RESOLVER },
    );
    reverts(
        env.as_(OWNER).set_resolver(Address::ZERO, true),
        ZeroAddress {},
    );
    env.as_(OWNER).set_resolver(RESOLVER, false).ok().unwrap();
    assert!(!env.reg.is_resolver(RESOLVER));
    let set = env.logs::<ResolverSet>();
    assert_eq!(
        (set.last().unwrap().account, set.last().unwrap().enabled),
        (RESOLVER, false)
    );
}

#[test]
fn pause_stops_reports_but_not_exits() {
    let mut env = Env::with_reporters();
    env.confirm(attacker());
    reverts(
        env.as_(ALICE).set_submissions_paused(true),
        Unauthorized { account: ALICE },
    );
    env.as_(OWNER).set_submissions_paused(true).ok().unwrap();
    assert!(env.reg.config().submissionsPaused);
    let other = subject::address(VICTIM);
    reverts(env.submit(ALICE, other), SubmissionsPaused {});
    reverts(
        env.as_(DAVE).corroborate(attacker(), B256::ZERO),
        SubmissionsPaused {},
    );
    // Queries, unstaking and withdrawals keep working.
    assert!(env.reg.is_flagged(ATTACKER));
    env.as_(ALICE).request_unstake(eth(1)).ok().unwrap();
    env.warp(7 * DAY);
    env.withdraw(ALICE).ok().unwrap();
    env.as_(OWNER).set_submissions_paused(false).ok().unwrap();
    env.submit(ALICE, other).ok().unwrap();
    env.assert_balanced();
}

// ----- treasury -----

#[test]
fn treasury_sweep_is_owner_only() {
    let mut env = Env::with_reporters();
    reverts(env.as_(OWNER).sweep_treasury(OWNER), NothingToClaim {});
    let s = attacker();
    env.confirm(s);
    env.dispute(DAVE, s, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, false, B256::ZERO)
        .ok()
        .unwrap();
    let amount = env.reg.accounting().treasury;
    assert!(!amount.is_zero());
    reverts(
        env.as_(ALICE).sweep_treasury(ALICE),
        Unauthorized { account: ALICE },
    );
    reverts(env.as_(OWNER).sweep_treasury(Address::ZERO), ZeroAddress {});
    env.as_(OWNER).sweep_treasury(OWNER).ok().unwrap();
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
