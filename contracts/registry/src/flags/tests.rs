//! Unit tests of a flag's life (submit to release) and the guard push on the SDK's TestVM, with the shared harness in [`crate::tests`].

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use vigil_common::{subject, Level, Status};

use alloy_sol_types::SolCall;

use crate::{tests::*, *};

// ----- flags -----

#[test]
fn submit_validates_input() {
    let mut env = Env::with_reporters();
    reverts(
        env.submit(ALICE, B256::ZERO),
        InvalidSubject {
            subject: B256::ZERO,
        },
    );
    let s = attacker();
    reverts(
        env.as_(ALICE).submit(s, 0, 1, B256::ZERO, DAY),
        InvalidCategory { category: 0 },
    );
    reverts(
        env.as_(ALICE)
            .submit(s, CATEGORY_MAX + 1, 1, B256::ZERO, DAY),
        InvalidCategory { category: 8 },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 0, B256::ZERO, DAY),
        InvalidSeverity { severity: 0 },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 5, B256::ZERO, DAY),
        InvalidSeverity { severity: 5 },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 1, B256::ZERO, 0),
        InvalidTtl {
            ttl: 0,
            max: 30 * DAY,
        },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 1, B256::ZERO, 30 * DAY + 1),
        InvalidTtl {
            ttl: 30 * DAY + 1,
            max: 30 * DAY,
        },
    );
    reverts(
        env.submit(DAVE, s),
        InsufficientStake {
            available: U256::ZERO,
            required: eth(1),
        },
    );
    assert_eq!(env.reg.config().flagCount, 0);
    env.assert_balanced();
}

#[test]
fn submit_opens_a_flag_with_weighted_score() {
    let mut env = Env::with_reporters();
    let id = env.submit(ALICE, attacker()).ok().unwrap();
    assert_eq!(id, 1);
    let st = env.status(attacker());
    assert_eq!(st.level, Level::Watch as u8);
    assert_eq!(
        (st.category, st.severity, st.flagId, st.expiry),
        (1, 4, 1, T0 + DAY + 10 * DAY)
    );
    assert_eq!(st.score, 10 * ETH);
    assert!(!env.reg.is_flagged(ATTACKER));
    let info = env.reg.flag_info(1).ok().unwrap();
    assert_eq!(
        (info.subject, info.reporters.clone(), info.rulesVersion),
        (attacker(), vec![ALICE], 1)
    );
    assert_eq!(env.reg.reporter_info(ALICE).locked, params().reportBond);
    let ev = &env.logs::<FlagSubmitted>()[0];
    assert_eq!(
        (ev.reporter, ev.weight, ev.bond, ev.evidence),
        (ALICE, eth(10), params().reportBond, B256::repeat_byte(0xe1))
    );
    reverts(
        env.submit(BOB, attacker()),
        FlagExists {
            subject: attacker(),
            flagId: 1,
        },
    );
}

#[test]
fn low_weight_report_is_pending() {
    let mut env = Env::new();
    env.stake(DAVE, U256::from(ETH / 2) + eth(1)).ok().unwrap();
    env.warp(DAY);
    let mut p = params();
    p.watchScore = eth(2);
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    env.submit(DAVE, attacker()).ok().unwrap();
    assert_eq!(env.status(attacker()).level, Level::Pending as u8);
}

#[test]
fn confirmation_needs_score_and_distinct_reporters() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    reverts(
        env.as_(ALICE).corroborate(s, B256::ZERO),
        AlreadyReported {
            subject: s,
            reporter: ALICE,
        },
    );
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    // 20 ETH of weight from two reporters: below the 25 ETH threshold.
    assert_eq!(env.status(s).level, Level::Watch as u8);
    env.as_(CAROL)
        .corroborate(s, B256::repeat_byte(7))
        .ok()
        .unwrap();
    assert_eq!(env.status(s).level, Level::Confirmed as u8);
    assert!(env.reg.is_flagged(ATTACKER));
    assert!(env.reg.is_sanctioned(ATTACKER));
    assert_eq!(
        env.logs::<FlagCorroborated>()[1].evidence,
        B256::repeat_byte(7)
    );
}

#[test]
fn one_whale_cannot_confirm_alone() {
    let mut env = Env::new();
    let mut p = params();
    p.confirmScore = eth(10);
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.stake(ALICE, eth(1_000)).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    env.submit(ALICE, attacker()).ok().unwrap();
    let st = env.status(attacker());
    assert_eq!((st.level, st.score), (Level::Watch as u8, 10 * ETH));
}

#[test]
fn corroborate_rejects_missing_expired_and_full_flags() {
    let mut env = Env::with_reporters();
    let s = attacker();
    reverts(
        env.as_(BOB).corroborate(s, B256::ZERO),
        NoLiveFlag { subject: s },
    );
    env.submit(ALICE, s).ok().unwrap();
    env.stake(DAVE, eth(2)).ok().unwrap();
    env.warp(DAY);
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    env.as_(CAROL).corroborate(s, B256::ZERO).ok().unwrap();
    env.as_(DAVE).corroborate(s, B256::ZERO).ok().unwrap();
    env.stake(VICTIM, eth(2)).ok().unwrap();
    env.warp(DAY);
    reverts(
        env.as_(VICTIM).corroborate(s, B256::ZERO),
        TooManyReporters { subject: s, max: 4 },
    );
    env.warp(10 * DAY);
    reverts(
        env.as_(VICTIM).corroborate(s, B256::ZERO),
        NoLiveFlag { subject: s },
    );
}

#[test]
fn max_reporters_bounds_a_flag() {
    let mut env = Env::with_reporters();
    let mut p = params();
    p.confirmScore = eth(1_000);
    p.maxReporters = 2;
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    reverts(
        env.as_(CAROL).corroborate(s, B256::ZERO),
        TooManyReporters { subject: s, max: 2 },
    );
}

#[test]
fn flags_expire_without_a_transaction() {
    let mut env = Env::with_reporters();
    env.confirm(attacker());
    assert!(env.reg.is_flagged(ATTACKER));
    env.warp(10 * DAY - 1);
    assert!(env.reg.is_flagged(ATTACKER));
    env.warp(1);
    assert!(!env.reg.is_flagged(ATTACKER));
    assert_eq!(env.status(attacker()).level, Level::Expired as u8);
}

#[test]
fn renew_extends_by_ttl_for_reporters_only() {
    let mut env = Env::with_reporters();
    let s = attacker();
    reverts(env.as_(ALICE).renew(s), NoLiveFlag { subject: s });
    env.confirm(s);
    env.warp(5 * DAY);
    reverts(
        env.as_(DAVE).renew(s),
        NotAReporter {
            subject: s,
            account: DAVE,
        },
    );
    env.as_(BOB).renew(s).ok().unwrap();
    assert_eq!(env.status(s).expiry, T0 + 6 * DAY + 10 * DAY);
    env.warp(10 * DAY);
    reverts(env.as_(BOB).renew(s), NoLiveFlag { subject: s });
}

#[test]
fn rules_are_snapshotted_per_flag() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    let mut p = params();
    p.confirmScore = eth(15);
    p.reportBond = eth(1);
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    // The open flag still needs 25 ETH and bonds 0.1 ETH: its rules are version 1.
    assert_eq!(env.status(s).level, Level::Watch as u8);
    assert_eq!(env.reg.reporter_info(BOB).locked, params().reportBond);
    // A new flag runs under version 2.
    let other = subject::address(VICTIM);
    let id = env.submit(CAROL, other).ok().unwrap();
    assert_eq!(env.reg.flag_info(id).ok().unwrap().rulesVersion, 2);
    assert_eq!(env.reg.reporter_info(CAROL).locked, eth(1));
}

#[test]
fn release_frees_bonds_after_expiry_and_rewards_confirmed_flags() {
    let mut env = Env::with_reporters();
    let id = env.confirm(attacker());
    reverts(env.as_(DAVE).release(0), UnknownFlag { flagId: 0 });
    reverts(env.as_(DAVE).release(9), UnknownFlag { flagId: 9 });
    reverts(
        env.as_(DAVE).release(id),
        FlagStillLive {
            flagId: id,
            expiry: T0 + 11 * DAY,
        },
    );
    env.warp(10 * DAY);
    env.as_(DAVE).release(id).ok().unwrap();
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.locked, info.reputation),
            (U256::ZERO, math::REP_NEUTRAL + math::REP_GAIN)
        );
    }
    reverts(env.as_(DAVE).release(id), AlreadySettled { flagId: id });
    let ev = &env.logs::<BondsReleased>()[0];
    assert_eq!(
        (ev.perReporter, ev.reporters),
        (params().reportBond, U256::from(3))
    );
}

#[test]
fn unconfirmed_expired_flag_releases_without_reward_and_can_be_reflagged() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    env.warp(10 * DAY);
    let id2 = env.submit(BOB, s).ok().unwrap();
    assert_eq!(id2, id + 1);
    env.as_(DAVE).release(id).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).reputation, math::REP_NEUTRAL);
    assert_eq!(env.reg.reporter_info(ALICE).locked, U256::ZERO);
}

#[test]
fn subjects_of_every_kind_can_be_flagged() {
    let mut env = Env::with_reporters();
    let code = subject::code_hash(B256::repeat_byte(0xc0));
    let adv = subject::advisory(B256::repeat_byte(0xad));
    env.submit(ALICE, code).ok().unwrap();
    env.submit(ALICE, adv).ok().unwrap();
    let many = env
        .reg
        .status_of_many(vec![code, adv, attacker()])
        .ok()
        .unwrap();
    assert_eq!(
        many.iter().map(|s| s.flagId).collect::<Vec<_>>(),
        vec![1, 2, 0]
    );
    reverts(
        env.reg.status_of_many(vec![B256::ZERO; MAX_BATCH + 1]),
        BatchTooLarge {
            length: U256::from(MAX_BATCH + 1),
            max: U256::from(MAX_BATCH),
        },
    );
}

#[test]
fn advisory_details_can_be_revealed_after_commit() {
    let mut env = Env::with_reporters();
    let details = b"CVE-2026-0001: share inflation in vaults".to_vec();
    let commitment = B256::from(alloy_primitives::keccak256(&details));
    let adv = subject::advisory(B256::repeat_byte(0xad));
    env.as_(ALICE)
        .submit(adv, 5, 3, commitment, DAY)
        .ok()
        .unwrap();
    reverts(
        env.as_(BOB).reveal(adv, details.clone().into()),
        NotAReporter {
            subject: adv,
            account: BOB,
        },
    );
    reverts(
        env.as_(ALICE).reveal(adv, b"other".to_vec().into()),
        RevealMismatch {
            subject: adv,
            evidence: commitment,
        },
    );
    reverts(
        env.as_(ALICE).reveal(attacker(), details.clone().into()),
        NoLiveFlag {
            subject: attacker(),
        },
    );
    env.as_(ALICE)
        .reveal(adv, details.clone().into())
        .ok()
        .unwrap();
    assert_eq!(env.logs::<AdvisoryRevealed>()[0].details.to_vec(), details);
}

// ----- guard link -----

#[test]
fn every_status_change_is_pushed_to_the_guard_with_exact_calldata() {
    let linked = || {
        let mut env = Env::with_reporters();
        reverts(
            env.as_(ALICE).set_guard(GUARD),
            Unauthorized { account: ALICE },
        );
        env.as_(OWNER).set_guard(GUARD).ok().unwrap();
        assert_eq!(env.reg.config().guard, GUARD);
        env
    };
    let s = attacker();
    let expected = Status {
        level: Level::Watch,
        category: 1,
        severity: 4,
        flag_id: 1,
        expiry: T0 + 11 * DAY,
        score: 10 * ETH,
        ..Status::default()
    };
    let calldata = onStatusChangeCall {
        subject: s,
        status: expected.to_word(),
    }
    .abi_encode();
    // A guard that refuses this exact calldata makes the report revert: no confirmation without
    // protection. Any other calldata would have succeeded (unmocked calls return success).
    let mut refusing = linked();
    refusing
        .vm
        .mock_call(GUARD, calldata.clone(), U256::ZERO, Err(vec![0xde, 0xad]));
    reverts(
        refusing.submit(ALICE, s),
        GuardSyncFailed {
            guard: GUARD,
            subject: s,
        },
    );
    let mut env = linked();
    env.vm
        .mock_call(GUARD, calldata.clone(), U256::ZERO, Ok(vec![]));
    env.calls.take();
    env.submit(ALICE, s).ok().unwrap();
    let pushed = env.logs::<StatusChanged>();
    assert_eq!(pushed.last().map(|e| e.status), Some(expected.to_word()));
    // The push itself: one call, to the guard, with exactly this calldata and no value.
    assert_eq!(env.calls.take(), vec![(GUARD, calldata, U256::ZERO)]);
}

#[test]
fn unlinking_the_guard_stops_pushes() {
    let s = attacker();
    let push = onStatusChangeCall {
        subject: s,
        status: Status {
            level: Level::Watch,
            category: 1,
            severity: 4,
            flag_id: 1,
            expiry: T0 + 11 * DAY,
            score: 10 * ETH,
            ..Status::default()
        }
        .to_word(),
    }
    .abi_encode();
    let refusing = |env: &mut Env| {
        env.vm
            .mock_call(GUARD, push.clone(), U256::ZERO, Err(vec![0xde, 0xad]))
    };
    // The mock matches the exact push ALICE's report makes to GUARD: while linked, it fails.
    let mut linked = Env::with_reporters();
    linked.as_(OWNER).set_guard(GUARD).ok().unwrap();
    refusing(&mut linked);
    reverts(
        linked.submit(ALICE, s),
        GuardSyncFailed {
            guard: GUARD,
            subject: s,
        },
    );
    // Unlinked, the same report goes through and calls nobody.
    let mut env = Env::with_reporters();
    env.as_(OWNER).set_guard(GUARD).ok().unwrap();
    env.as_(OWNER).set_guard(Address::ZERO).ok().unwrap();
    refusing(&mut env);
    env.calls.take();
    env.submit(ALICE, s).ok().unwrap();
    assert_eq!(env.calls.take(), vec![], "no push without a guard");
    assert_eq!(
        env.logs::<GuardSet>().last().map(|e| e.guard),
        Some(Address::ZERO)
    );
}
