//! Unit tests of disputes, resolutions and the emergency path on the SDK's TestVM, with the shared harness in [`crate::tests`].

use alloy_primitives::{B256, U256};
use vigil_common::{subject, Level};

use crate::{tests::*, *};

// ----- disputes -----

#[test]
fn dispute_needs_a_live_flag_and_the_exact_bond() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let bond = params().disputeBond;
    reverts(env.dispute(ATTACKER, s, bond), NoLiveFlag { subject: s });
    env.confirm(s);
    reverts(
        env.dispute(ATTACKER, s, bond - U256::from(1)),
        WrongBond {
            expected: bond,
            sent: bond - U256::from(1),
        },
    );
    env.dispute(ATTACKER, s, bond).ok().unwrap();
    reverts(env.dispute(DAVE, s, bond), AlreadyDisputed { subject: s });
    // A dispute never suspends the flag's effect.
    assert!(env.reg.is_flagged(ATTACKER));
    let st = env.status(s);
    assert!(st.disputed);
    assert_eq!(st.level, Level::Confirmed as u8);
    env.assert_balanced();
}

#[test]
fn resolve_requires_resolver_and_an_open_dispute() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.confirm(s);
    reverts(
        env.as_(RESOLVER).resolve(s, true, B256::ZERO),
        NotDisputed { subject: s },
    );
    env.dispute(ATTACKER, s, params().disputeBond).ok().unwrap();
    reverts(
        env.as_(OWNER).resolve(s, true, B256::ZERO),
        Unauthorized { account: OWNER },
    );
}

#[test]
fn upheld_dispute_pays_reporters_and_finalizes() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.confirm(s);
    let bond = params().disputeBond;
    env.dispute(ATTACKER, s, bond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, true, B256::repeat_byte(0x99))
        .ok()
        .unwrap();
    let st = env.status(s);
    assert_eq!(
        (st.level, st.disputed, st.finalized),
        (Level::Confirmed as u8, false, true)
    );
    let (share, rest) = math::split_even(bond.to::<u128>(), 3);
    let (share, rest) = (U256::from(share), U256::from(rest));
    for who in [ALICE, BOB, CAROL] {
        assert_eq!(env.reg.claimable(who), share);
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.locked, info.reputation),
            (U256::ZERO, math::REP_NEUTRAL + math::REP_GAIN)
        );
    }
    assert_eq!(env.reg.accounting().treasury, rest);
    assert!(env.reg.flag_info(id).ok().unwrap().settled);
    let ev = &env.logs::<DisputeResolved>()[0];
    assert_eq!(
        (ev.upheld, ev.rationale, ev.toReporters, ev.toTreasury),
        (true, B256::repeat_byte(0x99), share * U256::from(3), rest)
    );
    reverts(env.dispute(DAVE, s, bond), FlagFinal { subject: s });
    assert_eq!(env.claim(BOB).ok(), Some(share));
    env.assert_balanced();
}

/// The false-flag story: an honest user is flagged, disputes, wins; every wei is accounted for.
#[test]
fn rejected_dispute_slashes_reporters_and_compensates_the_victim() {
    let mut env = Env::with_reporters();
    let s = subject::address(VICTIM);
    let id = env.confirm(s);
    assert!(env.reg.is_flagged(VICTIM));
    let (rbond, dbond) = (params().reportBond, params().disputeBond);
    env.dispute(VICTIM, s, dbond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, false, B256::repeat_byte(0x42))
        .ok()
        .unwrap();
    assert!(!env.reg.is_flagged(VICTIM));
    let st = env.status(s);
    assert_eq!((st.level, st.finalized), (Level::Removed as u8, true));
    let slashed = rbond * U256::from(3);
    let (reward, to_treasury) = math::split_slash(slashed.to::<u128>(), 5_000);
    let (reward, to_treasury) = (U256::from(reward), U256::from(to_treasury));
    assert_eq!(env.reg.claimable(VICTIM), dbond + reward);
    assert_eq!(env.reg.accounting().treasury, to_treasury);
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        assert_eq!((info.stake, info.locked), (eth(10) - rbond, U256::ZERO));
        assert_eq!(info.reputation, math::REP_NEUTRAL - math::REP_LOSS);
    }
    assert_eq!(env.logs::<ReporterSettled>().len(), 3);
    assert!(env.reg.flag_info(id).ok().unwrap().settled);
    assert_eq!(env.claim(VICTIM).ok(), Some(dbond + reward));
    env.assert_balanced();
    // The subject can be flagged again later, on new evidence.
    assert_eq!(env.submit(ALICE, s).ok(), Some(id + 1));
}

#[test]
fn self_dispute_loses_money() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    let before = env.reg.reporter_info(ALICE).stake;
    let dbond = params().disputeBond;
    env.dispute(ALICE, s, dbond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, false, B256::ZERO)
        .ok()
        .unwrap();
    let paid_back = env.claim(ALICE).ok().unwrap();
    let after = env.reg.reporter_info(ALICE).stake;
    // ALICE put in stake + dispute bond and gets back less than both.
    assert!(after + paid_back < before + dbond);
    env.assert_balanced();
}

#[test]
fn false_flags_drain_reputation_to_no_weight() {
    let mut env = Env::with_reporters();
    for i in 1..=4u8 {
        let s = subject::code_hash(B256::repeat_byte(i));
        env.submit(ALICE, s).ok().unwrap();
        env.dispute(DAVE, s, params().disputeBond).ok().unwrap();
        env.as_(RESOLVER)
            .resolve(s, false, B256::ZERO)
            .ok()
            .unwrap();
    }
    let info = env.reg.reporter_info(ALICE);
    assert_eq!((info.reputation, info.weight), (0, U256::ZERO));
    reverts(
        env.submit(ALICE, attacker()),
        NoReputation { reporter: ALICE },
    );
    env.assert_balanced();
}

#[test]
fn corroboration_continues_during_a_dispute() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    // The attacker disputes its own flag; it must not stop the confirmation.
    env.dispute(ATTACKER, s, params().disputeBond).ok().unwrap();
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    env.as_(CAROL).corroborate(s, B256::ZERO).ok().unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    assert!(env.status(s).disputed);
}

#[test]
fn subject_in_dispute_cannot_be_reflagged_until_resolved() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    env.dispute(DAVE, s, params().disputeBond).ok().unwrap();
    env.warp(10 * DAY);
    reverts(env.submit(BOB, s), SubjectInDispute { subject: s });
    reverts(env.as_(DAVE).release(id), SubjectInDispute { subject: s });
    env.as_(RESOLVER).resolve(s, true, B256::ZERO).ok().unwrap();
    // Upheld after expiry: confirmed again for its time to live.
    assert!(env.reg.is_flagged(ATTACKER));
}

// ----- emergency path -----

#[test]
fn emergency_confirm_creates_a_final_flag_without_reporters() {
    let mut env = Env::new();
    let s = attacker();
    reverts(
        env.as_(ALICE).emergency_confirm(s, 1, 4, DAY, B256::ZERO),
        Unauthorized { account: ALICE },
    );
    reverts(
        env.as_(RESOLVER)
            .emergency_confirm(B256::ZERO, 1, 4, DAY, B256::ZERO),
        InvalidSubject {
            subject: B256::ZERO,
        },
    );
    reverts(
        env.as_(RESOLVER).emergency_confirm(s, 1, 4, 0, B256::ZERO),
        InvalidTtl {
            ttl: 0,
            max: 30 * DAY,
        },
    );
    let id = env
        .as_(RESOLVER)
        .emergency_confirm(s, 1, 4, DAY, B256::repeat_byte(0x91))
        .ok()
        .unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    let st = env.status(s);
    assert_eq!((st.finalized, st.flagId, st.expiry), (true, id, T0 + DAY));
    let ev = &env.logs::<EmergencyAction>()[0];
    assert_eq!(
        (ev.confirmed, ev.rationale, ev.resolver),
        (true, B256::repeat_byte(0x91), RESOLVER)
    );
    reverts(
        env.dispute(ATTACKER, s, params().disputeBond),
        FlagFinal { subject: s },
    );
}

#[test]
fn emergency_confirm_of_a_disputed_flag_settles_it_as_upheld() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    env.dispute(ATTACKER, s, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .emergency_confirm(s, 1, 4, DAY, B256::ZERO)
        .ok()
        .unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    assert_eq!(env.reg.claimable(ALICE), params().disputeBond);
    assert_eq!(env.reg.reporter_info(ALICE).locked, U256::ZERO);
    env.assert_balanced();
}

#[test]
fn emergency_remove_unblocks_and_refunds_without_slashing() {
    let mut env = Env::with_reporters();
    let s = subject::address(VICTIM);
    reverts(
        env.as_(RESOLVER).emergency_remove(s, B256::ZERO),
        NoLiveFlag { subject: s },
    );
    env.confirm(s);
    env.dispute(VICTIM, s, params().disputeBond).ok().unwrap();
    reverts(
        env.as_(BOB).emergency_remove(s, B256::ZERO),
        Unauthorized { account: BOB },
    );
    env.as_(RESOLVER)
        .emergency_remove(s, B256::repeat_byte(3))
        .ok()
        .unwrap();
    assert!(!env.reg.is_flagged(VICTIM));
    assert_eq!(env.reg.claimable(VICTIM), params().disputeBond);
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.locked, info.reputation),
        (eth(10), U256::ZERO, math::REP_NEUTRAL)
    );
    env.assert_balanced();
}
