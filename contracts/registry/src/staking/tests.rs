//! Unit tests of staking, unbonding, locks and claims on the SDK's TestVM, with the shared harness
//! in [`crate::tests`].

use alloy_primitives::{B256, U256};

use crate::{tests::*, *};

// ----- staking -----

#[test]
fn stake_warms_up_before_it_counts() {
    let mut env = Env::new();
    reverts(env.stake(ALICE, U256::ZERO), ZeroAmount {});
    env.stake(ALICE, eth(5)).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.warming, info.warmAt, info.reputation),
        (eth(5), eth(5), T0 + DAY, math::REP_START)
    );
    assert_eq!(info.weight, U256::ZERO);
    reverts(
        env.submit(ALICE, attacker()),
        InsufficientStake {
            available: U256::ZERO,
            required: eth(1),
        },
    );
    env.warp(DAY);
    // Warm: 5 ETH lockable at reputation 500.
    assert_eq!(env.reg.reporter_info(ALICE).weight, deci(25));
    // A top-up warms on its own clock; the warm part keeps counting.
    env.stake(ALICE, eth(3)).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).weight, deci(25));
    env.warp(DAY);
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(4));
    let staked = env.logs::<Staked>();
    assert_eq!(
        (staked[1].amount, staked[1].stake, staked[1].warmUntil),
        (eth(3), eth(8), T0 + 2 * DAY)
    );
    env.assert_balanced();
}

#[test]
fn weight_is_capped() {
    let mut env = Env::new();
    env.stake_warm(&[ALICE], eth(100));
    // The cap (10 ETH) at reputation 500.
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(5));
}

/// The stake a report locks stays until its flag is settled: not while it is live, not while it
/// is disputable after it ended; free stake beside it leaves as usual.
#[test]
fn locked_stake_cannot_be_unstaked_until_its_flag_is_settled() {
    let mut env = Env::new();
    env.stake_warm(&[ALICE], eth(14));
    reverts(env.as_(ALICE).request_unstake(U256::ZERO), ZeroAmount {});
    let id = env.submit(ALICE, attacker()).ok().unwrap();
    reverts_clean(
        &mut env,
        |env| env.as_(ALICE).request_unstake(eth(5)),
        InsufficientStake {
            available: eth(4),
            required: eth(5),
        },
    );
    reverts(env.withdraw(ALICE), NothingToWithdraw {});
    env.as_(ALICE).request_unstake(eth(4)).ok().unwrap();
    let until = T0 + DAY + 7 * DAY;
    reverts(env.withdraw(ALICE), StillUnbonding { until });
    env.warp_to(until - 1);
    reverts(env.withdraw(ALICE), StillUnbonding { until });
    env.warp_to(until);
    env.withdraw(ALICE).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.unbonding, info.locked, info.weight),
        (eth(10), U256::ZERO, eth(10), U256::ZERO)
    );
    assert_eq!(env.logs::<Withdrawn>()[0].amount, eth(4));
    // Ended (T0 + 11 days) but disputable for two more days: still locked.
    env.warp_to(T0 + 12 * DAY);
    let locked = InsufficientStake {
        available: U256::ZERO,
        required: eth(1),
    };
    reverts(env.as_(ALICE).request_unstake(eth(1)), locked);
    env.warp_to(T0 + 13 * DAY);
    env.as_(DAVE).release(id).ok().unwrap();
    env.as_(ALICE).request_unstake(eth(10)).ok().unwrap();
    env.warp(7 * DAY);
    env.withdraw(ALICE).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).stake, U256::ZERO);
    env.assert_balanced();
}

/// Stake on its way out backs no new report: only the warm stake that stays is locked.
#[test]
fn unbonding_stake_backs_no_report() {
    let mut env = Env::new();
    env.stake_warm(&[ALICE], eth(12));
    env.as_(ALICE).request_unstake(eth(11)).ok().unwrap();
    let id = env.submit(ALICE, attacker()).ok().unwrap();
    assert_eq!(env.report(id, ALICE), (eth(1), deci(5)));
    env.assert_locks_cover_weight(&[ALICE]);
}

#[test]
fn unstaking_takes_warming_stake_first() {
    let mut env = Env::new();
    env.stake_warm(&[ALICE], eth(5));
    env.stake(ALICE, eth(2)).ok().unwrap();
    env.as_(ALICE).request_unstake(eth(3)).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!((info.warming, info.unbonding), (U256::ZERO, eth(3)));
    // 4 warm ETH at reputation 500.
    assert_eq!(info.weight, eth(2));
}

/// What a rejected flag leaves a reporter is its own and can leave as usual.
#[test]
fn a_slashed_reporter_withdraws_the_rest() {
    let mut env = Env::with_reporters();
    let id = env.confirm(victim());
    env.dispute(DAVE, id, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(id, false, B256::ZERO)
        .ok()
        .unwrap();
    reverts(
        env.as_(ALICE).request_unstake(eth(6)),
        InsufficientStake {
            available: eth(5),
            required: eth(6),
        },
    );
    env.as_(ALICE).request_unstake(eth(5)).ok().unwrap();
    env.warp(7 * DAY);
    env.withdraw(ALICE).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).stake, U256::ZERO);
    env.assert_balanced();
}

#[test]
fn claim_with_nothing_owed_fails() {
    let mut env = Env::new();
    reverts(env.claim(ALICE), NothingToClaim {});
}

/// A reporter's stake and locks share one word, 128 bits each. All the ETH there is fits many
/// times over, but a stake that would not fit is refused whole, and what fits is kept to the wei,
/// its lock beside it.
#[test]
fn a_stake_beyond_128_bits_is_refused_and_changes_nothing() {
    let mut env = Env::new();
    let most = U256::from(u128::MAX);
    env.stake(ALICE, most - eth(10)).ok().unwrap();
    reverts_clean(
        &mut env,
        |env| env.stake(ALICE, eth(10) + U256::from(1)),
        AmountOverflow {},
    );
    env.stake(ALICE, eth(10)).ok().unwrap();
    env.warp(DAY);
    env.submit(ALICE, attacker()).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!((info.stake, info.locked), (most, eth(10)));
    env.assert_balanced();
}
