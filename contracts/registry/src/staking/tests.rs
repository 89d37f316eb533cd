//! Unit tests of staking, unbonding and claims on the SDK's TestVM, with the shared harness in [`crate::tests`].

use alloy_primitives::U256;

use crate::{tests::*, *};

// ----- staking -----

#[test]
fn stake_warms_up_before_it_counts() {
    let mut env = Env::new();
    reverts(env.stake(ALICE, U256::ZERO), ZeroAmount {});
    env.stake(ALICE, eth(5)).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.warming, info.reputation),
        (eth(5), eth(5), math::REP_NEUTRAL)
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
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(5));
    // A top-up warms on its own clock; the warm part keeps counting.
    env.stake(ALICE, eth(3)).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(5));
    env.warp(DAY);
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(8));
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
    env.stake(ALICE, eth(100)).ok().unwrap();
    env.warp(DAY);
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(10));
}

#[test]
fn unstake_waits_for_unbonding_and_keeps_bonds() {
    let mut env = Env::with_reporters();
    reverts(env.as_(ALICE).request_unstake(U256::ZERO), ZeroAmount {});
    env.submit(ALICE, attacker()).ok().unwrap();
    let bond = params().reportBond;
    // The bond of the open flag cannot leave.
    reverts(
        env.as_(ALICE).request_unstake(eth(10)),
        InsufficientStake {
            available: eth(10) - bond,
            required: eth(10),
        },
    );
    reverts(env.withdraw(ALICE), NothingToWithdraw {});
    env.as_(ALICE).request_unstake(eth(4)).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(6));
    reverts(
        env.withdraw(ALICE),
        StillUnbonding {
            until: T0 + DAY + 7 * DAY,
        },
    );
    env.warp(7 * DAY - 1);
    reverts(
        env.withdraw(ALICE),
        StillUnbonding {
            until: T0 + DAY + 7 * DAY,
        },
    );
    env.warp(1);
    env.withdraw(ALICE).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.unbonding, info.locked),
        (eth(6), U256::ZERO, bond)
    );
    assert_eq!(env.logs::<Withdrawn>()[0].amount, eth(4));
    env.assert_balanced();
}

#[test]
fn unstaking_takes_warming_stake_first() {
    let mut env = Env::new();
    env.stake(ALICE, eth(5)).ok().unwrap();
    env.warp(DAY);
    env.stake(ALICE, eth(2)).ok().unwrap();
    env.as_(ALICE).request_unstake(eth(3)).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!((info.warming, info.unbonding), (U256::ZERO, eth(3)));
    assert_eq!(info.weight, eth(4));
}

#[test]
fn claim_with_nothing_owed_fails() {
    let mut env = Env::new();
    reverts(env.claim(ALICE), NothingToClaim {});
}
