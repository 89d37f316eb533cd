//! Unit tests of a flag's life (submit to release), what a report locks and weighs, displacement
//! and squatting, reputation, and the guard push, on the SDK's TestVM with the shared harness in
//! [`crate::tests`].

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use vigil_common::{subject, Level, Status};

use alloy_sol_types::SolCall;

use crate::{tests::*, *};

// ----- submit and what a report locks -----

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
    // An address that never staked is short of stake (not of reputation: it has none to lose).
    reverts(
        env.submit(DAVE, s),
        InsufficientStake {
            available: U256::ZERO,
            required: eth(1),
        },
    );
    // Staked, but below the minimum lock.
    env.stake(DAVE, deci(9)).ok().unwrap();
    env.warp(DAY);
    reverts_clean(
        &mut env,
        |env| env.submit(DAVE, s),
        InsufficientStake {
            available: deci(9),
            required: eth(1),
        },
    );
    assert_eq!(env.reg.config().flagCount, 0);
    env.assert_balanced();
}

#[test]
fn submit_opens_a_flag_weighted_by_its_lock_and_reputation() {
    let mut env = Env::with_reporters();
    let id = env.submit(ALICE, attacker()).ok().unwrap();
    assert_eq!(id, 1);
    let st = env.status(attacker());
    assert_eq!(st.level, Level::Watch as u8);
    assert_eq!(
        (st.category, st.severity, st.flagId, st.expiry),
        (1, 4, 1, T0 + DAY + 10 * DAY)
    );
    // A fresh reporter (reputation 500 of 1,000) locks its 10 ETH and weighs half of it.
    assert_eq!(st.score, 5 * ETH);
    assert!(!env.reg.is_flagged(ATTACKER));
    let info = env.flag(1);
    assert_eq!(
        (info.subject, info.reporters.clone(), info.rulesVersion),
        (attacker(), vec![ALICE], 1)
    );
    assert_eq!(
        (info.created, info.ttl, info.expiry),
        (T0 + DAY, 10 * DAY, T0 + 11 * DAY)
    );
    assert_eq!(env.report(1, ALICE), (eth(10), eth(5)));
    assert_eq!(env.report(1, BOB), (U256::ZERO, U256::ZERO));
    reverts(env.reg.report_of(2, ALICE), UnknownFlag { flagId: 2 });
    let me = env.reg.reporter_info(ALICE);
    assert_eq!((me.locked, me.weight), (eth(10), U256::ZERO));
    let ev = &env.logs::<FlagSubmitted>()[0];
    assert_eq!(
        (ev.reporter, ev.weight, ev.locked, ev.evidence),
        (ALICE, eth(5), eth(10), B256::repeat_byte(0xe1))
    );
    assert_eq!(
        (ev.category, ev.severity, ev.expiry, ev.rulesVersion),
        (1, 4, T0 + 11 * DAY, 1)
    );
    env.assert_locks_cover_weight(&[ALICE, BOB, CAROL]);
}

/// A report locks min(free warm stake, cap) and weighs lock * reputation / 1,000 <= lock: one
/// stake backs several flags only as far as it goes, and warming stake backs none.
#[test]
fn a_report_locks_free_warm_stake_up_to_the_cap() {
    let mut env = Env::new();
    env.stake_warm(&[ALICE], eth(25));
    let subjects: Vec<B256> = (1..=4u8)
        .map(|i| subject::code_hash(B256::repeat_byte(i)))
        .collect();
    for (i, s) in subjects[..3].iter().enumerate() {
        env.submit(ALICE, *s).ok().unwrap();
        let id = i as u32 + 1;
        let want = [(eth(10), eth(5)), (eth(10), eth(5)), (eth(5), deci(25))][i];
        assert_eq!(env.report(id, ALICE), want);
        assert_eq!(U256::from(env.status(*s).score), want.1);
    }
    assert_eq!(env.reg.reporter_info(ALICE).locked, eth(25));
    reverts_clean(
        &mut env,
        |env| env.submit(ALICE, subjects[3]),
        InsufficientStake {
            available: U256::ZERO,
            required: eth(1),
        },
    );
    // New stake counts only once warm.
    env.stake(ALICE, eth(3)).ok().unwrap();
    reverts(
        env.submit(ALICE, subjects[3]),
        InsufficientStake {
            available: U256::ZERO,
            required: eth(1),
        },
    );
    env.warp(DAY);
    assert_eq!(env.reg.reporter_info(ALICE).weight, deci(15));
    env.submit(ALICE, subjects[3]).ok().unwrap();
    assert_eq!(env.report(4, ALICE), (eth(3), deci(15)));
    let ev = env.logs::<FlagSubmitted>();
    assert_eq!(
        ev.iter().map(|e| (e.locked, e.weight)).collect::<Vec<_>>(),
        vec![
            (eth(10), eth(5)),
            (eth(10), eth(5)),
            (eth(5), deci(25)),
            (eth(3), deci(15))
        ]
    );
    env.assert_locks_cover_weight(&[ALICE]);
    env.assert_balanced();
}

#[test]
fn low_weight_report_is_pending() {
    let mut env = Env::new();
    env.stake_warm(&[DAVE], deci(15));
    env.submit(DAVE, attacker()).ok().unwrap();
    let st = env.status(attacker());
    // 1.5 ETH locked at reputation 500 weighs 0.75 ETH, below the 1 ETH watch score.
    assert_eq!((st.level, st.score), (Level::Pending as u8, 75 * ETH / 100));
}

#[test]
fn confirmation_needs_score_and_distinct_reporters() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    reverts(
        env.corroborate(ALICE, s),
        AlreadyReported {
            subject: s,
            reporter: ALICE,
        },
    );
    env.corroborate(BOB, s).ok().unwrap();
    // Two fresh 10-ETH reporters weigh 10 ETH: below the 12 ETH threshold.
    let st = env.status(s);
    assert_eq!((st.level, st.score), (Level::Watch as u8, 10 * ETH));
    env.as_(CAROL)
        .corroborate(s, 0, B256::repeat_byte(7))
        .ok()
        .unwrap();
    let st = env.status(s);
    assert_eq!((st.level, st.score), (Level::Confirmed as u8, 15 * ETH));
    assert!(env.reg.is_flagged(ATTACKER));
    assert!(env.reg.is_sanctioned(ATTACKER));
    assert!(env.flag(1).reachedConfirmed);
    let ev = &env.logs::<FlagCorroborated>()[1];
    assert_eq!(
        (ev.reporter, ev.severity, ev.evidence, ev.weight, ev.locked),
        (CAROL, 4, B256::repeat_byte(7), eth(5), eth(10))
    );
    env.assert_locks_cover_weight(&[ALICE, BOB, CAROL]);
}

#[test]
fn one_whale_cannot_confirm_alone() {
    let mut p = params();
    p.confirmScore = eth(5);
    let mut env = Env::with_params(p);
    env.stake_warm(&[ALICE], eth(1_000));
    env.submit(ALICE, attacker()).ok().unwrap();
    let st = env.status(attacker());
    // The cap bounds both the lock and the weight: 10 ETH locked, 5 of weight, one reporter.
    assert_eq!((st.level, st.score), (Level::Watch as u8, 5 * ETH));
    assert_eq!(env.report(1, ALICE), (eth(10), eth(5)));
}

#[test]
fn corroborate_rejects_missing_expired_and_final_flags() {
    let mut env = Env::with_reporters();
    let s = attacker();
    reverts(env.corroborate(BOB, s), NoLiveFlag { subject: s });
    let id = env.submit(ALICE, s).ok().unwrap();
    reverts(
        env.as_(BOB).corroborate(s, 5, B256::ZERO),
        InvalidSeverity { severity: 5 },
    );
    env.warp(10 * DAY);
    reverts(env.corroborate(BOB, s), NoLiveFlag { subject: s });
    let other = victim();
    env.stake_warm(&[DAVE, VICTIM], eth(10));
    env.report_all(&[BOB, CAROL, DAVE], other);
    env.dispute(ATTACKER, id + 1, params().disputeBond)
        .ok()
        .unwrap();
    env.as_(RESOLVER)
        .resolve(id + 1, true, B256::ZERO)
        .ok()
        .unwrap();
    reverts(env.corroborate(VICTIM, other), FlagFinal { subject: other });
}

/// Corroborators may raise the severity (never lower it); 0 keeps it.
#[test]
fn corroborators_may_raise_the_severity() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.as_(ALICE)
        .submit(s, 1, 1, B256::ZERO, DAY)
        .ok()
        .unwrap();
    env.as_(BOB).corroborate(s, 3, B256::ZERO).ok().unwrap();
    assert_eq!(env.status(s).severity, 3);
    env.as_(CAROL).corroborate(s, 2, B256::ZERO).ok().unwrap();
    assert_eq!(env.status(s).severity, 3);
    assert_eq!(
        env.logs::<FlagCorroborated>()
            .iter()
            .map(|e| e.severity)
            .collect::<Vec<_>>(),
        vec![3, 3]
    );
}

// ----- concurrent reports compose -----

/// Everything a run leaves behind: storage, logs and the calls it made (the guard's pushes).
type Outcome = (
    std::collections::HashMap<U256, B256>,
    Vec<(Vec<B256>, Vec<u8>)>,
    Vec<vigil_common::testing::Sent>,
);

fn outcome(env: &Env) -> Outcome {
    (
        env.vm.snapshot().storage,
        env.vm.get_emitted_logs(),
        env.calls.all(),
    )
}

/// A second reporter's `submit` on a live flag whose own ttl ends before the flag does is its
/// `corroborate`: the same storage, logs and guard push to the byte (no `FlagRenewed`), the first
/// flag's id returned, its category, ttl and expiry kept.
#[test]
fn a_submit_on_a_live_flag_is_a_corroboration() {
    let s = attacker();
    let evidence = B256::repeat_byte(0xb2);
    let run = |compose: bool| {
        let mut env = Env::with_guard();
        env.as_(ALICE)
            .submit(s, 1, 1, B256::ZERO, 10 * DAY)
            .ok()
            .unwrap();
        env.warp(2 * DAY);
        if compose {
            // Ends at T0 + 8 days, before the flag's T0 + 11.
            let id = env.as_(BOB).submit(s, 6, 3, evidence, 5 * DAY);
            assert_eq!(id.ok(), Some(1), "the live flag's id");
        } else {
            env.as_(BOB).corroborate(s, 3, evidence).ok().unwrap();
        }
        env
    };
    let (composed, explicit) = (run(true), run(false));
    assert!(outcome(&composed) == outcome(&explicit));
    let st = composed.status(s);
    // Two fresh 10-ETH reports of weight 5; the first report's category, the higher severity.
    assert_eq!(
        (st.flagId, st.level, st.score, st.category, st.severity),
        (1, Level::Watch as u8, 10 * ETH, 1, 3)
    );
    let f = composed.flag(1);
    assert_eq!(f.reporters, vec![ALICE, BOB]);
    assert_eq!(
        (st.expiry, f.expiry, f.ttl),
        (T0 + 11 * DAY, T0 + 11 * DAY, 10 * DAY),
        "expiry and ttl are the first report's"
    );
    assert!(composed.logs::<FlagRenewed>().is_empty());
    assert_eq!(composed.report(1, BOB), (eth(10), eth(5)));
    assert_eq!(composed.reg.reporter_info(BOB).locked, eth(10));
    assert_eq!(composed.reg.config().flagCount, 1);
    assert_eq!(composed.logs::<FlagSubmitted>().len(), 1);
    let ev = composed.logs::<FlagCorroborated>();
    assert_eq!(
        ev.iter()
            .map(|e| (e.flagId, e.reporter, e.severity, e.evidence, e.weight, e.locked))
            .collect::<Vec<_>>(),
        vec![(1, BOB, 3, evidence, eth(5), eth(10))]
    );
    composed.assert_locks_cover_weight(&[ALICE, BOB, CAROL]);
    composed.assert_balanced();
}

/// Three reporters that all `submit` confirm exactly as a submit and two corroborations do: the
/// same status word, locks and push of the confirmed word to the guard.
#[test]
fn three_submits_confirm_as_a_submit_and_two_corroborations() {
    let s = attacker();
    let run = |compose: bool| {
        let mut env = Env::with_guard();
        assert_eq!(env.submit(ALICE, s).ok(), Some(1));
        for who in [BOB, CAROL] {
            if compose {
                assert_eq!(env.submit(who, s).ok(), Some(1));
            } else {
                // What `Env::submit` sends, as a corroboration: severity 4, evidence 0xe1.
                env.as_(who)
                    .corroborate(s, 4, B256::repeat_byte(0xe1))
                    .ok()
                    .unwrap();
            }
        }
        env
    };
    let (composed, explicit) = (run(true), run(false));
    assert!(outcome(&composed) == outcome(&explicit));
    let st = composed.status(s);
    assert_eq!(
        (st.level, st.score, st.flagId),
        (Level::Confirmed as u8, 15 * ETH, 1)
    );
    assert!(composed.reg.is_flagged(ATTACKER));
    assert!(composed.flag(1).reachedConfirmed);
    for who in [ALICE, BOB, CAROL] {
        assert_eq!(composed.report(1, who), (eth(10), eth(5)));
        assert_eq!(composed.reg.reporter_info(who).locked, eth(10));
    }
    let confirmed = onStatusChangeCall {
        subject: s,
        status: composed.reg.status.get(s),
    }
    .abi_encode();
    assert_eq!(
        composed.calls.all().last(),
        Some(&(GUARD, confirmed, U256::ZERO)),
        "the confirming report pushed the confirmed word"
    );
    assert_eq!(composed.logs::<FlagSubmitted>().len(), 1);
    assert_eq!(composed.logs::<FlagCorroborated>().len(), 2);
}

/// A reporter counts once per flag, whichever call it repeats with.
#[test]
fn a_repeated_submit_is_already_reported() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    env.submit(BOB, s).ok().unwrap();
    for who in [ALICE, BOB] {
        reverts_clean(
            &mut env,
            |env| env.submit(who, s),
            AlreadyReported {
                subject: s,
                reporter: who,
            },
        );
    }
    assert_eq!(env.status(s).score, 10 * ETH);
    env.assert_locks_cover_weight(&[ALICE, BOB]);
}

/// A final flag takes no more reports, submitted or corroborated.
#[test]
fn a_submit_on_a_final_flag_is_refused() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.as_(RESOLVER)
        .emergency_confirm(s, 1, 4, DAY, B256::ZERO)
        .ok()
        .unwrap();
    reverts_clean(
        &mut env,
        |env| env.submit(ALICE, s),
        FlagFinal { subject: s },
    );
    let upheld = victim();
    let id = env.report_all(&[ALICE, BOB], upheld);
    env.dispute(DAVE, id, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(id, true, B256::ZERO)
        .ok()
        .unwrap();
    reverts_clean(
        &mut env,
        |env| env.submit(CAROL, upheld),
        FlagFinal { subject: upheld },
    );
}

/// `submit`'s own input checks come first: bad input on a live subject is refused with its
/// error and joins nothing, even where `corroborate` would accept the value (severity 0).
#[test]
fn bad_input_never_composes() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    let word = env.reg.status.get(s);
    reverts_clean(
        &mut env,
        |env| env.as_(BOB).submit(s, 0, 4, B256::ZERO, DAY),
        InvalidCategory { category: 0 },
    );
    reverts_clean(
        &mut env,
        |env| env.as_(BOB).submit(s, CATEGORY_MAX + 1, 4, B256::ZERO, DAY),
        InvalidCategory { category: 8 },
    );
    for severity in [0, 5] {
        reverts_clean(
            &mut env,
            |env| env.as_(BOB).submit(s, 1, severity, B256::ZERO, DAY),
            InvalidSeverity { severity },
        );
    }
    for ttl in [0, 30 * DAY + 1] {
        reverts_clean(
            &mut env,
            |env| env.as_(BOB).submit(s, 1, 4, B256::ZERO, ttl),
            InvalidTtl { ttl, max: 30 * DAY },
        );
    }
    assert_eq!(env.reg.status.get(s), word);
    assert_eq!(env.flag(1).reporters, vec![ALICE]);
}

#[test]
fn paused_submissions_stop_a_composing_submit() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    env.as_(OWNER).set_submissions_paused(true).ok().unwrap();
    reverts_clean(&mut env, |env| env.submit(BOB, s), SubmissionsPaused {});
}

/// A composed report is priced under the flag's rules, not the current ones, as a corroboration
/// is; its time to live is checked against the current `maxTtl` and keeps the flag live for it.
#[test]
fn a_composed_submit_locks_under_the_flags_rules() {
    let mut env = Env::with_reporters();
    env.stake_warm(&[DAVE], eth(40));
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    let expiry = env.flag(1).expiry;
    let mut p = params();
    p.stakeCap = eth(20);
    p.maxTtl = 40 * DAY;
    env.timelocked(set_params_call(&p)).ok().unwrap();
    assert_eq!(
        env.as_(DAVE).submit(s, 1, 4, B256::ZERO, 40 * DAY).ok(),
        Some(1)
    );
    // Version 1's 10-ETH cap, not version 2's 20.
    assert_eq!(env.report(1, DAVE), (eth(10), eth(5)));
    let until = env.now() + 40 * DAY;
    assert!(until > expiry);
    let f = env.flag(1);
    assert_eq!(
        (f.expiry, f.ttl, env.status(s).expiry),
        (until, 40 * DAY, until),
        "version 2's maxTtl allows 40 days on a version-1 flag"
    );
    env.assert_locks_cover_weight(&[ALICE, DAVE]);
}

/// The front-running attack on composition: a sybil opens the flag first with a one-second ttl
/// so that the watchers' reports, joining it in the same block, would expire with it. The first
/// watcher's own ttl keeps the flag live (status word, record and the guard's copy), logged as a
/// renewal; the later watchers' equal ttl moves nothing; and the flag's ttl, by which `renew`
/// extends, becomes the watchers' so the sybil's second does not stick.
#[test]
fn a_front_runners_one_second_flag_lives_for_the_watchers_ttl() {
    let s = attacker();
    let sybil = actor(0);
    let mut env = Env::with_guard();
    env.stake_warm(&[sybil], eth(1));
    let t = env.now();
    assert_eq!(env.as_(sybil).submit(s, 2, 1, B256::ZERO, 1).ok(), Some(1));
    assert_eq!(env.status(s).expiry, t + 1);
    assert_eq!(
        env.as_(ALICE)
            .submit(s, 1, 4, B256::repeat_byte(0xe1), 30 * DAY)
            .ok(),
        Some(1)
    );
    let until = t + 30 * DAY;
    let f = env.flag(1);
    assert_eq!(
        (env.status(s).expiry, f.expiry, f.ttl),
        (until, until, 30 * DAY)
    );
    let renewed = env.logs::<FlagRenewed>();
    assert_eq!(
        renewed
            .iter()
            .map(|e| (e.subject, e.flagId, e.reporter, e.expiry))
            .collect::<Vec<_>>(),
        vec![(s, 1, ALICE, until)]
    );
    let pushed = onStatusChangeCall {
        subject: s,
        status: env.reg.status.get(s),
    }
    .abi_encode();
    assert_eq!(env.calls.all().last(), Some(&(GUARD, pushed, U256::ZERO)));
    for who in [BOB, CAROL] {
        env.as_(who)
            .submit(s, 1, 4, B256::repeat_byte(0xe1), 30 * DAY)
            .ok()
            .unwrap();
    }
    assert_eq!(
        env.logs::<FlagRenewed>().len(),
        1,
        "equal ttls move nothing"
    );
    env.warp(2);
    let st = env.status(s);
    assert_eq!(
        (st.level, st.expiry, st.category),
        (Level::Confirmed as u8, until, 2),
        "confirmed past the sybil's second; its category stands"
    );
    assert!(env.reg.is_flagged(ATTACKER));
    // `renew` now extends by the watchers' 30 days.
    env.warp_to(until - DAY);
    env.as_(BOB).renew(s).ok().unwrap();
    assert_eq!(env.status(s).expiry, until - DAY + 30 * DAY);
    env.assert_locks_cover_weight(&[ALICE, BOB, CAROL, sybil]);
    env.assert_balanced();
}

/// A composed submit never shortens a flag: a ttl that ends before the flag does moves nothing
/// (no event); one that ends after it moves the expiry to its own end but leaves the flag's
/// longer ttl in place.
#[test]
fn a_composed_submit_never_shortens_a_flag() {
    let s = attacker();
    let mut env = Env::with_reporters();
    let t = env.now();
    env.as_(ALICE)
        .submit(s, 1, 4, B256::ZERO, 10 * DAY)
        .ok()
        .unwrap();
    env.as_(BOB).submit(s, 1, 4, B256::ZERO, 1).ok().unwrap();
    let f = env.flag(1);
    assert_eq!(
        (env.status(s).expiry, f.expiry, f.ttl),
        (t + 10 * DAY, t + 10 * DAY, 10 * DAY)
    );
    assert!(env.logs::<FlagRenewed>().is_empty());
    env.warp(8 * DAY);
    env.as_(CAROL)
        .submit(s, 1, 4, B256::ZERO, 5 * DAY)
        .ok()
        .unwrap();
    let f = env.flag(1);
    assert_eq!(
        (env.status(s).expiry, f.expiry, f.ttl),
        (t + 13 * DAY, t + 13 * DAY, 10 * DAY)
    );
    assert_eq!(env.logs::<FlagRenewed>().len(), 1);
}

/// `corroborate` has no ttl: it never moves a flag's expiry, even a front-runner's second.
#[test]
fn corroborate_keeps_the_expiry() {
    let s = attacker();
    let mut env = Env::with_reporters();
    let t = env.now();
    env.as_(ALICE).submit(s, 1, 4, B256::ZERO, 1).ok().unwrap();
    env.corroborate(BOB, s).ok().unwrap();
    let f = env.flag(1);
    assert_eq!((env.status(s).expiry, f.expiry, f.ttl), (t + 1, t + 1, 1));
    assert!(env.logs::<FlagRenewed>().is_empty());
    env.warp(1);
    assert_eq!(env.status(s).level, Level::Expired as u8);
}

/// On a full flag a composed report displaces the weakest when it out-weighs it and is refused
/// otherwise, as a corroboration is.
#[test]
fn a_composed_submit_on_a_full_flag_displaces_or_is_refused() {
    let mut env = Env::new();
    let s = attacker();
    let sybils: Vec<Address> = (0..5).map(actor).collect();
    env.stake_warm(&sybils, eth(1));
    env.stake_warm(&[ALICE], eth(10));
    for who in &sybils[..4] {
        assert_eq!(env.submit(*who, s).ok(), Some(1));
    }
    reverts_clean(
        &mut env,
        |env| env.submit(sybils[4], s),
        TooManyReporters { subject: s, max: 4 },
    );
    assert_eq!(env.submit(ALICE, s).ok(), Some(1));
    assert_eq!(
        env.flag(1).reporters,
        vec![ALICE, sybils[1], sybils[2], sybils[3]]
    );
    assert_eq!(env.status(s).score, 2 * ETH - ETH / 2 + 5 * ETH);
    let ev = &env.logs::<ReporterDisplaced>()[0];
    assert_eq!(
        (ev.displaced, ev.by, ev.released),
        (sybils[0], ALICE, eth(1))
    );
    env.assert_locks_cover_weight(&sybils);
    env.assert_balanced();
}

// ----- displacement and squatting -----

impl Env {
    /// Has `who` report `subject` in order (the first submits, with a 10-day time to live).
    /// Returns the flag id.
    pub(crate) fn report_all(&mut self, who: &[Address], subject: B256) -> u32 {
        let id = self.submit(who[0], subject).ok().expect("submit");
        for w in &who[1..] {
            self.corroborate(*w, subject).ok().expect("corroborate");
        }
        id
    }
}

/// A full flag takes a heavier reporter in place of its weakest; an equal or lighter one gets
/// `TooManyReporters` and changes nothing; the displaced report's lock is released, unslashed.
#[test]
fn a_heavier_reporter_displaces_the_weakest_of_a_full_flag() {
    let mut env = Env::new();
    let s = attacker();
    let sybils: Vec<Address> = (0..4).map(actor).collect();
    let fifth = actor(4);
    env.stake_warm(&[sybils.as_slice(), &[fifth]].concat(), eth(1));
    env.stake_warm(&[ALICE], eth(10));
    // Four 1-ETH sybils fill the flag: 4 x 0.5 ETH of weight.
    env.report_all(&sybils, s);
    assert_eq!(env.status(s).score, 2 * ETH);
    // A fifth 1-ETH report weighs as much as the weakest: refused, nothing written.
    reverts_clean(
        &mut env,
        |env| env.corroborate(fifth, s),
        TooManyReporters { subject: s, max: 4 },
    );
    assert_eq!(env.reg.reporter_info(fifth).locked, U256::ZERO);
    // ALICE (10 ETH, weight 5) takes the place of the earliest of the weakest.
    env.corroborate(ALICE, s).ok().unwrap();
    let f = env.flag(1);
    assert_eq!(f.reporters, vec![ALICE, sybils[1], sybils[2], sybils[3]]);
    assert_eq!(env.status(s).score, 2 * ETH - ETH / 2 + 5 * ETH);
    assert_eq!(env.report(1, sybils[0]), (U256::ZERO, U256::ZERO));
    let out = env.reg.reporter_info(sybils[0]);
    assert_eq!(
        (out.stake, out.locked, out.reputation),
        (eth(1), U256::ZERO, math::REP_START)
    );
    let ev = &env.logs::<ReporterDisplaced>()[0];
    assert_eq!(
        (ev.flagId, ev.displaced, ev.by, ev.weight, ev.released),
        (1, sybils[0], ALICE, eth(5), eth(1))
    );
    // The displaced sybil's stake is free to leave at once.
    env.as_(sybils[0]).request_unstake(eth(1)).ok().unwrap();
    // Coming back at the same weight displaces nobody.
    env.stake_warm(&[sybils[0]], eth(1));
    reverts_clean(
        &mut env,
        |env| env.corroborate(sybils[0], s),
        TooManyReporters { subject: s, max: 4 },
    );
    env.assert_locks_cover_weight(&sybils);
    env.assert_balanced();
}

#[test]
fn a_lighter_reporter_cannot_displace_anyone() {
    let mut env = Env::new();
    let s = subject::code_hash(B256::repeat_byte(0xc0));
    let crowd: Vec<Address> = (0..4).map(actor).collect();
    env.stake_warm(&crowd, eth(2));
    env.stake_warm(&[DAVE], eth(1));
    env.report_all(&crowd, s);
    assert_eq!(env.status(s).score, 4 * ETH);
    reverts_clean(
        &mut env,
        |env| env.corroborate(DAVE, s),
        TooManyReporters { subject: s, max: 4 },
    );
    assert_eq!(env.flag(1).reporters, crowd);
    assert_eq!(env.reg.reporter_info(DAVE).locked, U256::ZERO);
}

/// The squat of issue 10: the attacker flags itself first (longest ttl, lowest severity) and
/// fills every slot with warm sybils below the confirm score. Three honest 10-ETH reporters
/// displace three sybils and confirm, raising the severity, with no resolver involved; the
/// squat cost the attacker nothing but it bought nothing either.
#[test]
fn a_squatted_flag_is_confirmed_by_heavier_honest_reporters_without_a_resolver() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let sybils: Vec<Address> = (0..4).map(actor).collect();
    env.stake_warm(&sybils, eth(1));
    env.as_(sybils[0])
        .submit(s, 7, 1, B256::ZERO, 30 * DAY)
        .ok()
        .unwrap();
    for w in &sybils[1..] {
        env.corroborate(*w, s).ok().unwrap();
    }
    let st = env.status(s);
    assert_eq!((st.level, st.score), (Level::Watch as u8, 2 * ETH));
    let mut expected = [2 * ETH, 0, 0, 0];
    for (i, honest) in [ALICE, BOB, CAROL].into_iter().enumerate() {
        env.as_(honest).corroborate(s, 4, B256::ZERO).ok().unwrap();
        expected[i + 1] = expected[i] - ETH / 2 + 5 * ETH;
        assert_eq!(env.status(s).score, expected[i + 1]);
    }
    let st = env.status(s);
    // 0.5 + 3 x 5 = 15.5 ETH >= 12: confirmed, at the severity the honest reporters gave.
    assert_eq!(
        (st.level, st.score, st.severity),
        (Level::Confirmed as u8, 31 * ETH / 2, 4)
    );
    assert!(env.reg.is_flagged(ATTACKER));
    assert_eq!(env.flag(1).reporters, vec![ALICE, BOB, CAROL, sybils[3]]);
    assert_eq!(env.logs::<ReporterDisplaced>().len(), 3);
    for w in &sybils[..3] {
        assert_eq!(env.reg.reporter_info(*w).locked, U256::ZERO);
    }
    env.assert_locks_cover_weight(&sybils);
    env.assert_balanced();
}

/// The expired-then-disputed squat: the attacker's short flag ends, the attacker disputes it
/// within its window, and nobody resolves. Honest reporters flag the subject anew at once; the
/// old dispute lives on the old record and lapses after its deadline, refunding the bond and
/// leaving the new confirmation untouched.
#[test]
fn an_expired_squat_under_dispute_does_not_block_a_new_flag() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let sybil = actor(0);
    env.stake_warm(&[sybil], eth(1));
    let old = env
        .as_(sybil)
        .submit(s, 7, 1, B256::ZERO, DAY)
        .ok()
        .unwrap();
    env.warp(DAY);
    assert_eq!(env.status(s).level, Level::Expired as u8);
    env.dispute(ATTACKER, old, params().disputeBond)
        .ok()
        .unwrap();
    assert!(env.status(s).disputed);
    let disputed_at = env.now();
    let new = env.report_all(&[ALICE, BOB, CAROL], s);
    assert_eq!(new, old + 1);
    let st = env.status(s);
    assert_eq!(
        (st.level, st.flagId, st.disputed),
        (Level::Confirmed as u8, new, false)
    );
    let deadline = disputed_at + 14 * DAY;
    reverts(
        env.as_(DAVE).release(old),
        DisputeOpen {
            flagId: old,
            deadline,
        },
    );
    reverts(
        env.as_(DAVE).lapse_dispute(old),
        DisputeOpen {
            flagId: old,
            deadline,
        },
    );
    env.warp_to(deadline);
    let word = env.reg.status.get(s);
    env.as_(DAVE).lapse_dispute(old).ok().unwrap();
    assert_eq!(env.reg.status.get(s), word, "the new flag is untouched");
    assert_eq!(env.reg.claimable(ATTACKER), params().disputeBond);
    env.as_(DAVE).release(old).ok().unwrap();
    assert_eq!(env.reg.reporter_info(sybil).locked, U256::ZERO);
    env.assert_balanced();
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

// ----- renew -----

#[test]
fn renew_extends_by_ttl_for_reporters_only_and_never_shortens() {
    let mut env = Env::with_reporters();
    let s = attacker();
    reverts(env.as_(ALICE).renew(s), NoLiveFlag { subject: s });
    let id = env.confirm(s);
    // Renewing at once keeps the expiry: now + ttl is not later.
    env.as_(ALICE).renew(s).ok().unwrap();
    assert_eq!(env.status(s).expiry, T0 + 11 * DAY);
    env.warp(5 * DAY);
    reverts(
        env.as_(DAVE).renew(s),
        NotAReporter {
            subject: s,
            account: DAVE,
        },
    );
    env.as_(BOB).renew(s).ok().unwrap();
    assert_eq!(env.status(s).expiry, T0 + 16 * DAY);
    assert_eq!(env.flag(id).expiry, T0 + 16 * DAY);
    env.as_(CAROL).renew(s).ok().unwrap();
    assert_eq!(env.status(s).expiry, T0 + 16 * DAY);
    env.warp(10 * DAY);
    reverts(env.as_(BOB).renew(s), NoLiveFlag { subject: s });
}

/// Final and removed flags have no lock behind them: nobody can keep them in force.
#[test]
fn renew_fails_on_final_and_removed_flags() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.confirm(s);
    env.dispute(DAVE, id, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(id, true, B256::ZERO)
        .ok()
        .unwrap();
    reverts(env.as_(ALICE).renew(s), FlagFinal { subject: s });
    let code = subject::code_hash(B256::repeat_byte(0xc0));
    env.confirm(code);
    env.as_(RESOLVER)
        .emergency_confirm(code, 1, 4, DAY, B256::ZERO)
        .ok()
        .unwrap();
    reverts(env.as_(ALICE).renew(code), FlagFinal { subject: code });
    let adv = subject::advisory(B256::repeat_byte(0xad));
    env.confirm(adv);
    env.as_(RESOLVER)
        .emergency_remove(adv, B256::ZERO)
        .ok()
        .unwrap();
    reverts(env.as_(ALICE).renew(adv), NoLiveFlag { subject: adv });
}

#[test]
fn rules_are_snapshotted_per_flag() {
    let mut env = Env::with_reporters();
    env.stake_warm(&[DAVE], eth(40));
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    let mut p = params();
    p.stakeCap = eth(20);
    p.confirmScore = eth(20);
    p.slashBps = 10_000;
    env.timelocked(set_params_call(&p)).ok().unwrap();
    // The open flag keeps version 1: a 10 ETH cap, 12 ETH to confirm, half of a lock slashed.
    env.corroborate(DAVE, s).ok().unwrap();
    assert_eq!(env.report(1, DAVE), (eth(10), eth(5)));
    env.corroborate(BOB, s).ok().unwrap();
    assert_eq!(env.status(s).level, Level::Confirmed as u8);
    // A new flag runs under version 2.
    let id = env.submit(DAVE, victim()).ok().unwrap();
    assert_eq!(env.flag(id).rulesVersion, 2);
    assert_eq!(env.report(id, DAVE), (eth(20), eth(10)));
    env.dispute(CAROL, 1, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(1, false, B256::ZERO)
        .ok()
        .unwrap();
    // Version 1's slashBps: DAVE loses 5 of its 10 ETH lock, not all of it.
    let dave = env.reg.reporter_info(DAVE);
    assert_eq!((dave.stake, dave.locked), (eth(35), eth(20)));
    env.assert_balanced();
}

// ----- release -----

/// A flag stays disputable for `disputeWindow` after it ends; its locks come back, and its
/// reporters earn, only once that window has closed.
#[test]
fn release_frees_locks_after_the_dispute_window_and_rewards_confirmed_flags() {
    let mut env = Env::with_reporters();
    let id = env.confirm(attacker());
    reverts(env.as_(DAVE).release(0), UnknownFlag { flagId: 0 });
    reverts(env.as_(DAVE).release(9), UnknownFlag { flagId: 9 });
    let expiry = T0 + 11 * DAY;
    reverts(
        env.as_(DAVE).release(id),
        FlagStillLive { flagId: id, expiry },
    );
    env.warp_to(expiry - 1);
    reverts(
        env.as_(DAVE).release(id),
        FlagStillLive { flagId: id, expiry },
    );
    env.warp_to(expiry);
    let until = expiry + 2 * DAY;
    reverts_clean(
        &mut env,
        |env| env.as_(DAVE).release(id),
        DisputeWindowOpen { flagId: id, until },
    );
    env.warp_to(until - 1);
    reverts(
        env.as_(DAVE).release(id),
        DisputeWindowOpen { flagId: id, until },
    );
    // Nothing is earned before the window closes.
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        assert_eq!((info.locked, info.reputation), (eth(10), math::REP_START));
    }
    env.warp_to(until);
    env.as_(DAVE).release(id).ok().unwrap();
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        // The pool of 100 split three ways.
        assert_eq!(
            (info.stake, info.locked, info.reputation),
            (eth(10), U256::ZERO, 533)
        );
    }
    assert!(env.flag(id).settled);
    reverts(env.as_(DAVE).release(id), AlreadySettled { flagId: id });
    let ev = &env.logs::<BondsReleased>()[0];
    assert_eq!(
        (ev.flagId, ev.released, ev.reporters),
        (id, eth(30), U256::from(3))
    );
    let settled = env.logs::<ReporterSettled>();
    assert_eq!(
        settled
            .iter()
            .map(|e| (e.reporter, e.slashed, e.released, e.reputation))
            .collect::<Vec<_>>(),
        [ALICE, BOB, CAROL].map(|w| (w, U256::ZERO, eth(10), 533))
    );
    env.assert_locks_cover_weight(&[ALICE, BOB, CAROL]);
    env.assert_balanced();
}

#[test]
fn unconfirmed_expired_flag_releases_without_reward_and_can_be_reflagged() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    env.corroborate(BOB, s).ok().unwrap();
    env.warp(10 * DAY);
    let id2 = env.submit(CAROL, s).ok().unwrap();
    assert_eq!(id2, id + 1);
    env.warp(2 * DAY);
    env.as_(DAVE).release(id).ok().unwrap();
    for who in [ALICE, BOB] {
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.locked, info.reputation),
            (U256::ZERO, math::REP_START)
        );
    }
    env.assert_locks_cover_weight(&[ALICE, BOB, CAROL]);
}

#[test]
fn subjects_of_every_kind_can_be_flagged() {
    let mut env = Env::with_reporters();
    let code = subject::code_hash(B256::repeat_byte(0xc0));
    let adv = subject::advisory(B256::repeat_byte(0xad));
    env.submit(ALICE, code).ok().unwrap();
    env.submit(BOB, adv).ok().unwrap();
    let ids = [code, adv, attacker()].map(|s| env.reg.status_of(s).flagId);
    assert_eq!(ids, [1, 2, 0]);
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

// ----- reputation -----

/// Releases every flag in `ids` once their windows have closed.
fn release_all(env: &mut Env, ids: &[u32]) {
    env.warp(10 * DAY + 2 * DAY);
    for id in ids {
        env.as_(DAVE).release(*id).ok().unwrap();
    }
}

/// A confirmed flag mints a pool of 100 split evenly among its reporters; a lone reporter or a
/// flag that never reached confirmation earns nothing.
#[test]
fn the_reputation_pool_is_split_evenly_and_lone_or_unconfirmed_flags_earn_nothing() {
    let mut p = params();
    p.confirmScore = eth(5);
    p.minReporters = 1;
    let mut env = Env::with_params(p);
    let groups: Vec<Vec<Address>> = [(0u8, 1u8), (1, 2), (3, 3), (6, 4)]
        .iter()
        .map(|&(from, n)| (from..from + n).map(actor).collect())
        .collect();
    // Two 1-ETH reporters: 1 ETH of weight, Watch, never confirmed.
    let watch: Vec<Address> = (10..12).map(actor).collect();
    env.stake_warm(&groups.concat(), eth(10));
    env.stake_warm(&watch, eth(1));
    let mut ids = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let s = subject::code_hash(B256::repeat_byte(i as u8 + 1));
        ids.push(env.report_all(group, s));
        assert_eq!(env.status(s).level, Level::Confirmed as u8);
    }
    let s = subject::code_hash(B256::repeat_byte(0x77));
    ids.push(env.report_all(&watch, s));
    assert_eq!(env.status(s).level, Level::Watch as u8);
    release_all(&mut env, &ids);
    let rep = |env: &Env, w: &Address| env.reg.reporter_info(*w).reputation;
    for (group, want) in groups.iter().zip([500, 550, 533, 525]) {
        for w in group {
            assert_eq!(rep(&env, w), want, "{} reporters", group.len());
        }
    }
    for w in &watch {
        assert_eq!(rep(&env, w), 500);
    }
}

/// A reporter gains at most 50 per 7-day period, however many flags it carries.
#[test]
fn reputation_gains_are_capped_per_period() {
    let mut p = params();
    p.confirmScore = eth(5);
    let mut env = Env::with_params(p);
    let pair = [actor(0), actor(1)];
    env.stake_warm(&pair, eth(20));
    let flags = |env: &mut Env, first: u8| -> Vec<u32> {
        (first..first + 2)
            .map(|i| {
                let s = subject::code_hash(B256::repeat_byte(i));
                let id = env.submit(pair[0], s).ok().unwrap();
                env.corroborate(pair[1], s).ok().unwrap();
                id
            })
            .collect()
    };
    let ids = flags(&mut env, 1);
    release_all(&mut env, &ids);
    // Two flags of two reporters, 50 each, released in one period: 50 in all.
    for w in pair {
        assert_eq!(env.reg.reporter_info(w).reputation, 550);
    }
    let ids = flags(&mut env, 3);
    release_all(&mut env, &ids);
    for w in pair {
        assert_eq!(env.reg.reporter_info(w).reputation, 600);
    }
}

/// The patient farmer: two addresses confirming flags together gain 50 each per period, so the
/// 500 points from a fresh address to the maximum take ten distinct periods. Timed at the
/// boundaries (the first release in the last second of a period, the others in the first second
/// of the next nine), that is 8 periods and 1 second: 56 days.
#[test]
fn reputation_reaches_its_maximum_in_ten_distinct_periods() {
    let mut p = params();
    p.confirmScore = eth(5);
    let mut env = Env::with_params(p);
    let pair = [actor(0), actor(1)];
    env.stake_warm(&pair, eth(20));
    let period = math::REP_PERIOD;
    let first = (env.now() / period + 2) * period - 1;
    let releases: Vec<u64> = (0..11u64)
        .map(|i| match i {
            0 => first,
            _ => first + 1 + (i - 1) * period,
        })
        .collect();
    // A flag lives one day and stays disputable two more: submit three days before its release.
    let mut events: Vec<(u64, bool, usize)> = releases
        .iter()
        .enumerate()
        .flat_map(|(i, t)| [(t - 3 * DAY, false, i), (*t, true, i)])
        .collect();
    events.sort();
    let mut ids = [0u32; 11];
    for (at, release, i) in events {
        env.warp_to(at);
        if !release {
            let s = subject::code_hash(B256::repeat_byte(i as u8 + 1));
            ids[i] = env
                .as_(pair[0])
                .submit(s, 1, 1, B256::ZERO, DAY)
                .ok()
                .unwrap();
            env.corroborate(pair[1], s).ok().unwrap();
            continue;
        }
        env.as_(DAVE).release(ids[i]).ok().unwrap();
        let want = (550 + 50 * i as u32).min(1_000);
        for w in pair {
            assert_eq!(env.reg.reporter_info(w).reputation, want, "release {i}");
        }
    }
    assert_eq!(releases[9] - releases[0], 8 * period + 1);
    assert_eq!(env.reg.reporter_info(pair[0]).weight, eth(10));
}

/// Same stake, different standing: a fresh address weighs less than an established one, so
/// starting over under a new address never helps, and it cannot displace the established one.
#[test]
fn a_fresh_address_never_outweighs_an_established_one() {
    let mut env = Env::with_reporters();
    let id = env.confirm(attacker());
    release_all(&mut env, &[id]);
    let fresh = actor(0);
    env.stake_warm(&[fresh], eth(10));
    let established = env.reg.reporter_info(ALICE);
    let newcomer = env.reg.reporter_info(fresh);
    assert_eq!(established.reputation, 533);
    assert_eq!(
        (established.weight, newcomer.weight),
        (U256::from(533 * ETH / 100), eth(5))
    );
    // A full flag of established reporters is closed to the newcomer.
    let mut p = params();
    p.maxReporters = 3;
    p.confirmScore = eth(14);
    env.timelocked(set_params_call(&p)).ok().unwrap();
    let s = victim();
    env.report_all(&[ALICE, BOB, CAROL], s);
    assert_eq!(env.status(s).level, Level::Confirmed as u8);
    reverts(
        env.corroborate(fresh, s),
        TooManyReporters { subject: s, max: 3 },
    );
}

// ----- guard link -----

/// ALICE's first report on `attacker()` (10 ETH at newcomer reputation: Watch), as the guard
/// receives it.
fn first_push() -> (B256, U256, Vec<u8>) {
    let s = attacker();
    let word = Status {
        level: Level::Watch,
        category: 1,
        severity: 4,
        flag_id: 1,
        expiry: T0 + 11 * DAY,
        score: 5 * ETH,
        ..Status::default()
    }
    .to_word();
    let calldata = onStatusChangeCall {
        subject: s,
        status: word,
    }
    .abi_encode();
    (s, word, calldata)
}

fn linked() -> Env {
    let env = Env::with_guard();
    assert_eq!(env.reg.config().guard, GUARD);
    env
}

#[test]
fn every_status_change_is_pushed_to_the_guard_with_exact_calldata() {
    let (s, word, calldata) = first_push();
    let mut env = linked();
    env.vm
        .mock_call(GUARD, calldata.clone(), U256::ZERO, Ok(vec![]));
    env.calls.take();
    env.submit(ALICE, s).ok().unwrap();
    assert_eq!(
        env.logs::<StatusChanged>().last().map(|e| e.status),
        Some(word)
    );
    // The push itself: one call, to the guard, with exactly this calldata and no value.
    assert_eq!(env.calls.take(), vec![(GUARD, calldata, U256::ZERO)]);
    assert!(env.logs::<GuardSyncSkipped>().is_empty());
}

/// A guard that refuses (unlinked on its side, broken, or not running) cannot block the registry:
/// the report lands, the miss is logged with the word the guard should hold.
#[test]
fn a_guard_that_refuses_does_not_stop_the_registry() {
    let (s, word, calldata) = first_push();
    let mut env = linked();
    env.vm
        .mock_call(GUARD, calldata, U256::ZERO, Err(vec![0xde, 0xad]));
    env.submit(ALICE, s).ok().unwrap();
    assert_eq!(env.status(s).level, Level::Watch as u8);
    let skipped = env.logs::<GuardSyncSkipped>();
    assert_eq!(
        skipped
            .iter()
            .map(|e| (e.guard, e.subject, e.status))
            .collect::<Vec<_>>(),
        vec![(GUARD, s, word)]
    );
}

/// The push needs PUSH_GAS_LEFT at the moment it is made: one gas less reverts, so a caller
/// cannot pick a gas limit that lets the change land while the guard's call runs out of gas.
#[test]
fn too_little_gas_for_the_push_reverts_instead_of_skipping_the_guard() {
    let (s, _, calldata) = first_push();
    let mut env = linked();
    env.vm.mock_call(GUARD, calldata, U256::ZERO, Ok(vec![]));
    env.vm.set_gas_left(flags::PUSH_GAS_LEFT - 1);
    reverts(
        env.submit(ALICE, s),
        GuardGasTooLow {
            required: flags::PUSH_GAS_LEFT,
        },
    );
    let mut env = linked();
    env.vm.set_gas_left(flags::PUSH_GAS_LEFT);
    env.submit(ALICE, s).ok().unwrap();
    // Unlinked, no push, so no gas floor.
    let mut env = Env::with_reporters();
    env.vm.set_gas_left(0);
    env.submit(ALICE, s).ok().unwrap();
}

#[test]
fn unlinking_the_guard_stops_pushes() {
    let (s, _, calldata) = first_push();
    let mut env = linked();
    env.timelocked(
        setGuardCall {
            guard: Address::ZERO,
        }
        .abi_encode(),
    )
    .ok()
    .unwrap();
    env.vm
        .mock_call(GUARD, calldata, U256::ZERO, Err(vec![0xde, 0xad]));
    env.calls.take();
    env.submit(ALICE, s).ok().unwrap();
    assert_eq!(env.calls.take(), vec![], "no push without a guard");
    assert!(env.logs::<GuardSyncSkipped>().is_empty());
    assert_eq!(
        env.logs::<GuardSet>().last().map(|e| e.guard),
        Some(Address::ZERO)
    );
}

/// Anyone re-pushes the registry's stored words, in order; a repeat sends the same calls again
/// (the guard ignores unchanged words); bad batches fail before any push.
#[test]
fn sync_guard_repushes_the_stored_words() {
    let mut env = Env::with_reporters();
    env.stake_warm(&[DAVE], eth(10));
    let (a, v) = (attacker(), victim());
    env.confirm(a);
    env.submit(DAVE, v).ok().unwrap();
    let never = subject::advisory(B256::repeat_byte(7));
    reverts(env.as_(DAVE).sync_guard(vec![a]), ZeroAddress {});
    env.timelocked(setGuardCall { guard: GUARD }.abi_encode())
        .ok()
        .unwrap();
    let expected: Vec<_> = [a, v, never]
        .iter()
        .map(|s| {
            let status = env.reg.status.get(*s);
            let data = onStatusChangeCall {
                subject: *s,
                status,
            }
            .abi_encode();
            (GUARD, data, U256::ZERO)
        })
        .collect();
    assert_eq!(
        expected[2].1[36..],
        [0u8; 32],
        "a never-flagged subject pushes the empty word"
    );
    for _ in 0..2 {
        env.calls.take();
        env.as_(DAVE).sync_guard(vec![a, v, never]).ok().unwrap();
        assert_eq!(env.calls.take(), expected);
    }
    let too_many = vec![a; flags::SYNC_BATCH_MAX + 1];
    reverts_clean(
        &mut env,
        |env| env.as_(DAVE).sync_guard(too_many),
        BatchTooLarge {
            count: U256::from(33),
            max: U256::from(32),
        },
    );
    env.calls.take();
    reverts(
        env.as_(DAVE).sync_guard(vec![a, B256::ZERO]),
        InvalidSubject {
            subject: B256::ZERO,
        },
    );
}

/// The code views read the account's code hash now: a clone of flagged code is flagged, an
/// account without code never is (not even if someone flagged the empty code's hash).
#[test]
fn code_views_follow_the_accounts_runtime_code() {
    let mut env = Env::with_reporters();
    let exploit = vec![0x60, 0x00, 0x60, 0x00, 0xfd];
    let (original, clone, eoa) = (actor(200), actor(201), actor(202));
    env.vm.set_code(original, exploit.clone());
    env.vm.set_code(clone, exploit.clone());
    let code_subject = subject::code_hash(alloy_primitives::keccak256(&exploit));
    assert!(!env.reg.is_flagged_code(clone));
    env.confirm(code_subject);
    assert!(env.reg.is_flagged_code(clone));
    assert!(env.reg.is_flagged_code(original));
    assert_eq!(
        env.reg.status_of_code(clone),
        env.reg.status_of(code_subject)
    );
    assert!(!env.reg.is_flagged_code(eoa));
    let empty = subject::code_hash(alloy_primitives::KECCAK256_EMPTY);
    env.stake_warm(&[ALICE, BOB, CAROL], eth(10));
    env.confirm(empty);
    env.vm.set_code(eoa, vec![]);
    assert!(
        !env.reg.is_flagged_code(eoa),
        "flagging the empty code reaches no EOA"
    );
    assert_eq!(env.reg.status_of_code(eoa).level, 0);
    env.warp(40 * DAY);
    assert!(
        !env.reg.is_flagged_code(clone),
        "an expired flag no longer screens"
    );
}
