//! Unit tests of disputes, resolutions, lapses and the emergency path on the SDK's TestVM, with
//! the shared harness in [`crate::tests`]. Amounts are exact: under the default parameters a
//! fresh 10-ETH reporter locks 10 ETH, weighs 5 and loses 5 when its flag is rejected.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use vigil_common::{subject, Level};

use crate::{tests::*, *};

/// `amount * bps / 10,000`, computed apart from the contract's own math.
fn bps(amount: U256, bps: u16) -> U256 {
    amount * U256::from(bps) / U256::from(10_000u64)
}

// ----- disputes -----

#[test]
fn dispute_needs_a_known_open_flag_and_the_exact_bond() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let bond = params().disputeBond;
    reverts(env.dispute(ATTACKER, 0, bond), UnknownFlag { flagId: 0 });
    reverts(env.dispute(ATTACKER, 1, bond), UnknownFlag { flagId: 1 });
    let id = env.confirm(s);
    reverts(
        env.dispute(ATTACKER, id, bond - U256::from(1)),
        WrongBond {
            expected: bond,
            sent: bond - U256::from(1),
        },
    );
    reverts(
        env.dispute(DAVE, id, U256::ZERO),
        WrongBond {
            expected: bond,
            sent: U256::ZERO,
        },
    );
    env.dispute(ATTACKER, id, bond).ok().unwrap();
    let f = env.flag(id);
    assert_eq!(
        (f.disputer, f.disputeBond, f.disputedAt),
        (ATTACKER, bond, T0 + DAY)
    );
    for sent in [bond, U256::ZERO] {
        reverts_clean(
            &mut env,
            |env| env.dispute(DAVE, id, sent),
            AlreadyDisputed { subject: s },
        );
    }
    // A dispute never suspends the flag's effect.
    assert!(env.reg.is_flagged(ATTACKER));
    let st = env.status(s);
    assert!(st.disputed);
    assert_eq!(st.level, Level::Confirmed as u8);
    assert_eq!(env.reg.accounting().disputeBonds, bond);
    env.assert_balanced();
}

/// The flagged address may join a dispute someone else opened, without a bond; nobody else can.
#[test]
fn the_victim_stands_in_a_dispute_someone_else_opened() {
    let mut env = Env::with_reporters();
    let id = env.confirm(victim());
    let bond = params().disputeBond;
    // The first disputer always posts the bond, the victim included.
    reverts(
        env.dispute(VICTIM, id, U256::ZERO),
        WrongBond {
            expected: bond,
            sent: U256::ZERO,
        },
    );
    env.dispute(DAVE, id, bond).ok().unwrap();
    env.dispute(VICTIM, id, U256::ZERO).ok().unwrap();
    let ev = env.logs::<Disputed>();
    assert_eq!(
        ev.iter()
            .map(|e| (e.flagId, e.disputer, e.bond))
            .collect::<Vec<_>>(),
        [(id, DAVE, bond), (id, VICTIM, U256::ZERO)]
    );
    assert_eq!(env.flag(id).disputer, DAVE);
    assert_eq!(env.reg.accounting().disputeBonds, bond);
    for (who, sent) in [(VICTIM, bond), (CAROL, U256::ZERO), (ALICE, U256::ZERO)] {
        reverts_clean(
            &mut env,
            |env| env.dispute(who, id, sent),
            AlreadyDisputed { subject: victim() },
        );
    }
    env.assert_balanced();
}

#[test]
fn resolve_requires_a_resolver_and_an_open_dispute() {
    let mut env = Env::with_reporters();
    let s = attacker();
    reverts(
        env.as_(RESOLVER).resolve(0, true, B256::ZERO),
        UnknownFlag { flagId: 0 },
    );
    let id = env.confirm(s);
    reverts(
        env.as_(RESOLVER).resolve(id, true, B256::ZERO),
        NotDisputed { subject: s },
    );
    env.dispute(ATTACKER, id, params().disputeBond)
        .ok()
        .unwrap();
    reverts(
        env.as_(OWNER).resolve(id, true, B256::ZERO),
        Unauthorized { account: OWNER },
    );
}

/// A resolver may not decide a case it is a party to (a reporter of the flag, the disputer, or
/// the subject), nor take an emergency action on it; another resolver can.
#[test]
fn a_resolver_that_is_a_party_has_a_conflict_of_interest() {
    let mut env = Env::new();
    env.stake_warm(&[ALICE, BOB, CAROL], eth(40));
    env.stake_warm(&[RESOLVER], eth(10));
    let bond = params().disputeBond;
    let reported = env.confirm(attacker());
    env.corroborate(RESOLVER, attacker()).ok().unwrap();
    env.dispute(DAVE, reported, bond).ok().unwrap();
    let code = subject::code_hash(B256::repeat_byte(0xc0));
    let disputed = env.confirm(code);
    env.dispute(RESOLVER, disputed, bond).ok().unwrap();
    let own = subject::address(RESOLVER);
    let named = env.confirm(own);
    env.dispute(DAVE, named, bond).ok().unwrap();
    let conflict = ConflictOfInterest { resolver: RESOLVER };
    for (id, s) in [(reported, attacker()), (disputed, code), (named, own)] {
        for upheld in [true, false] {
            reverts_clean(
                &mut env,
                |env| env.as_(RESOLVER).resolve(id, upheld, B256::ZERO),
                conflict.clone(),
            );
        }
        reverts_clean(
            &mut env,
            |env| env.as_(RESOLVER).emergency_remove(s, B256::ZERO),
            conflict.clone(),
        );
        reverts_clean(
            &mut env,
            |env| {
                env.as_(RESOLVER)
                    .emergency_confirm(s, 1, 4, DAY, B256::ZERO)
            },
            conflict.clone(),
        );
        env.as_(RESOLVER2)
            .resolve(id, true, B256::ZERO)
            .ok()
            .unwrap();
    }
    env.assert_balanced();
}

#[test]
fn upheld_dispute_pays_reporters_and_finalizes() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.confirm(s);
    let bond = params().disputeBond;
    env.dispute(ATTACKER, id, bond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(id, true, B256::repeat_byte(0x99))
        .ok()
        .unwrap();
    let st = env.status(s);
    assert_eq!(
        (st.level, st.disputed, st.finalized, st.expiry),
        (Level::Confirmed as u8, false, true, T0 + 11 * DAY)
    );
    // 0.5 ETH in three: 166,666,666,666,666,666 wei each, 2 wei to the treasury.
    let share = U256::from(166_666_666_666_666_666u128);
    for who in [ALICE, BOB, CAROL] {
        assert_eq!(env.reg.claimable(who), share);
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.stake, info.locked, info.reputation),
            (eth(10), U256::ZERO, 533)
        );
    }
    assert_eq!(env.reg.accounting().treasury, U256::from(2));
    assert!(env.flag(id).settled);
    let ev = &env.logs::<DisputeResolved>()[0];
    assert_eq!(
        (ev.flagId, ev.resolver, ev.upheld, ev.rationale),
        (id, RESOLVER, true, B256::repeat_byte(0x99))
    );
    assert_eq!(
        (
            ev.slashed,
            ev.toVictim,
            ev.toDisputer,
            ev.toReporters,
            ev.toTreasury
        ),
        (
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            share * U256::from(3),
            U256::from(2)
        )
    );
    reverts(env.dispute(DAVE, id, bond), AlreadySettled { flagId: id });
    assert_eq!(env.claim(BOB).ok(), Some(share));
    env.assert_balanced();
}

/// The cost of one false confirmation under the default parameters (confirm 12 ETH, slash 50%):
/// the three fresh 10-ETH reporters it takes lose 5 ETH each, 15 in all, at least the 6 ETH
/// floor `confirmScore * slashBps / 10,000`; the victim gets 9, the disputer 3 and its bond,
/// the treasury 3. The reporters can never report again, under any stake.
#[test]
fn a_false_confirmation_costs_its_reporters_half_their_locks() {
    let mut env = Env::with_reporters();
    let s = victim();
    let id = env.confirm(s);
    assert!(env.reg.is_flagged(VICTIM));
    let bond = params().disputeBond;
    env.dispute(DAVE, id, bond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(id, false, B256::repeat_byte(0x42))
        .ok()
        .unwrap();
    assert!(!env.reg.is_flagged(VICTIM));
    let st = env.status(s);
    assert_eq!(
        (st.level, st.finalized, st.disputed),
        (Level::Removed as u8, true, false)
    );
    let floor = bps(params().confirmScore, params().slashBps);
    assert_eq!(floor, eth(6));
    let ev = &env.logs::<DisputeResolved>()[0];
    assert_eq!(
        (
            ev.upheld,
            ev.slashed,
            ev.toVictim,
            ev.toDisputer,
            ev.toReporters,
            ev.toTreasury
        ),
        (false, eth(15), eth(9), eth(3) + bond, U256::ZERO, eth(3))
    );
    assert!(ev.slashed >= floor);
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.stake, info.locked, info.reputation, info.weight),
            (eth(5), U256::ZERO, 0, U256::ZERO)
        );
    }
    assert_eq!(
        env.logs::<ReporterSettled>()
            .iter()
            .map(|e| (e.reporter, e.slashed, e.released, e.reputation))
            .collect::<Vec<_>>(),
        [ALICE, BOB, CAROL].map(|w| (w, eth(5), eth(5), 0))
    );
    assert!(env.flag(id).settled);
    assert_eq!(env.claim(VICTIM).ok(), Some(eth(9)));
    assert_eq!(env.claim(DAVE).ok(), Some(eth(3) + bond));
    assert_eq!(env.reg.accounting().treasury, eth(3));
    env.assert_balanced();
    // Banned for good: more stake buys nothing back.
    env.stake_warm(&[ALICE, DAVE], eth(20));
    let other = attacker();
    reverts(env.submit(ALICE, other), NoReputation { reporter: ALICE });
    env.submit(DAVE, other).ok().unwrap();
    for who in [ALICE, BOB, CAROL] {
        reverts(env.corroborate(who, other), NoReputation { reporter: who });
    }
    // The victim can be flagged again later, on new evidence, by others.
    assert_eq!(env.submit(DAVE, s).ok(), Some(id + 2));
    env.assert_balanced();
}

proptest::proptest! {
    /// The floor of the cost of a false confirmation, for any reports that reach the confirm
    /// score (any locks up to the cap, any reputations): their slashes sum to at least
    /// `confirmScore * slashBps / 10,000`, because no report weighs more than its lock.
    #[test]
    fn any_confirming_set_of_reports_loses_at_least_the_floor(
        reports in proptest::collection::vec((1u128..=10 * ETH, 0u32..=1_000), 1..32),
        confirm_permille in 1u128..=1_000,
        slash_bps in 1u16..=10_000,
    ) {
        let weight: u128 = reports.iter().map(|&(lock, rep)| math::weight(lock, rep)).sum();
        // Any confirm score the reports reach.
        let confirm = (weight / 1_000 * confirm_permille).max(1);
        proptest::prop_assume!(weight >= confirm);
        let slashed: u128 = reports.iter().map(|&(lock, _)| math::slash(lock, slash_bps)).sum();
        proptest::prop_assert!(
            U256::from(slashed) * U256::from(10_000u64) >= U256::from(confirm) * U256::from(slash_bps)
        );
    }
}

/// Each report loses `slashBps` of its own lock, rounded up; with no victim (a code hash) the
/// victim's share stays with the treasury.
#[test]
fn rejection_slashes_slash_bps_of_each_lock() {
    let mut env = Env::with_reporters();
    let odd = eth(3) + U256::from(1);
    env.stake_warm(&[DAVE], odd);
    let s = subject::code_hash(B256::repeat_byte(0xc0));
    let id = env.submit(ALICE, s).ok().unwrap();
    env.corroborate(DAVE, s).ok().unwrap();
    assert_eq!(
        env.report(id, DAVE),
        (odd, (odd * U256::from(500)) / U256::from(1_000))
    );
    let bond = params().disputeBond;
    env.dispute(BOB, id, bond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(id, false, B256::ZERO)
        .ok()
        .unwrap();
    // 5 ETH of ALICE's 10, 1.5 ETH + 1 wei of DAVE's 3 ETH + 1 wei.
    let dave_slash = deci(15) + U256::from(1);
    let slashed = eth(5) + dave_slash;
    let to_bob = bps(slashed, 2_000);
    assert_eq!(to_bob, deci(13));
    let ev = &env.logs::<DisputeResolved>()[0];
    assert_eq!(
        (ev.slashed, ev.toVictim, ev.toDisputer, ev.toTreasury),
        (slashed, U256::ZERO, to_bob + bond, slashed - to_bob)
    );
    assert_eq!(env.reg.reporter_info(ALICE).stake, eth(5));
    assert_eq!(env.reg.reporter_info(DAVE).stake, odd - dave_slash);
    assert_eq!(env.reg.accounting().treasury, slashed - to_bob);
    env.assert_balanced();
}

/// Whoever disputes first (a stranger, the victim itself, or a reporter colluding to pre-empt
/// the victim), the victim gets `victimShareBps` of the slash.
#[test]
fn the_victim_is_paid_its_share_whoever_disputed() {
    let bond = params().disputeBond;
    // (disputer, its credit, the treasury's) for a 15 ETH slash.
    let cases = [
        (DAVE, eth(3) + bond, eth(3)),
        (VICTIM, eth(9) + eth(3) + bond, eth(3)),
        (ALICE, bond, eth(6)),
    ];
    for (disputer, credited, treasury) in cases {
        let mut env = Env::with_reporters();
        let id = env.confirm(victim());
        env.dispute(disputer, id, bond).ok().unwrap();
        if disputer != VICTIM {
            env.dispute(VICTIM, id, U256::ZERO).ok().unwrap();
        }
        env.as_(RESOLVER)
            .resolve(id, false, B256::ZERO)
            .ok()
            .unwrap();
        let ev = &env.logs::<DisputeResolved>()[0];
        assert_eq!(
            (ev.toVictim, ev.toTreasury),
            (eth(9), treasury),
            "{disputer}"
        );
        assert_eq!(env.reg.claimable(disputer), credited, "{disputer}");
        if disputer != VICTIM {
            assert_eq!(env.claim(VICTIM).ok(), Some(eth(9)));
        }
        env.assert_balanced();
    }
}

/// The self-dispute rule, for 1, 2, 3 and 32 (the most a flag may have) reporters: a reporter
/// that disputes its own rejected flag gets its bond back and nothing else, so it loses its whole
/// slash; a non-reporter disputer colluding with all the reporters earns 20% of the slash while
/// they lose all of it; and even with the victim in the ring, the treasury's 20% is lost.
#[test]
fn disputing_your_own_flag_always_loses() {
    let mut p = params();
    p.maxReporters = params::MAX_REPORTERS_LIMIT;
    let bond = p.disputeBond;
    for n in [1u8, 2, 3, params::MAX_REPORTERS_LIMIT] {
        let reporters: Vec<Address> = (0..n).map(actor).collect();
        let lock = |i: u8| eth(i as u128 % 10 + 1);
        let slash: Vec<U256> = (0..n).map(|i| lock(i) / U256::from(2)).collect();
        let total: U256 = slash.iter().copied().sum();
        for self_dispute in [true, false] {
            let mut env = Env::with_params(p.clone());
            for (i, w) in reporters.iter().enumerate() {
                env.stake(*w, lock(i as u8)).ok().unwrap();
            }
            env.warp(DAY);
            let id = env.report_all(&reporters, victim());
            assert_eq!(env.flag(id).reporters.len(), n as usize);
            let disputer = if self_dispute {
                reporters[n as usize - 1]
            } else {
                DAVE
            };
            env.dispute(disputer, id, bond).ok().unwrap();
            env.as_(RESOLVER)
                .resolve(id, false, B256::ZERO)
                .ok()
                .unwrap();
            let to_victim = bps(total, 6_000);
            let to_disputer = if self_dispute {
                U256::ZERO
            } else {
                bps(total, 2_000)
            };
            let ev = &env.logs::<DisputeResolved>()[0];
            assert_eq!(
                (ev.slashed, ev.toVictim, ev.toDisputer, ev.toTreasury),
                (
                    total,
                    to_victim,
                    to_disputer + bond,
                    total - to_victim - to_disputer
                ),
                "{n} reporters, self-dispute {self_dispute}"
            );
            for (i, w) in reporters.iter().enumerate() {
                assert_eq!(env.reg.reporter_info(*w).stake, lock(i as u8) - slash[i]);
            }
            assert_eq!(env.reg.claimable(disputer), to_disputer + bond);
            let position = |env: &Env, who: &[Address]| -> U256 {
                who.iter()
                    .map(|w| env.reg.reporter_info(*w).stake)
                    .sum::<U256>()
                    + env.reg.claimable(disputer)
            };
            let put_in: U256 = (0..n).map(lock).sum::<U256>() + bond;
            if self_dispute {
                // The self-disputer put in its lock and its bond and is down by its own slash.
                let own = slash[n as usize - 1];
                let d = &reporters[n as usize - 1..];
                assert_eq!(position(&env, d), lock(n - 1) + bond - own);
                assert!(own > U256::ZERO);
            } else {
                // The ring (the reporters and the disputer) is down by 80% of the slash; with the
                // victim in it too, by the treasury's 20%.
                let loss = put_in - position(&env, &reporters);
                assert_eq!(loss, bps(total, 8_000));
                let with_victim = loss - env.reg.claimable(VICTIM);
                assert_eq!(with_victim, bps(total, 2_000));
                assert!(with_victim > U256::ZERO);
            }
            env.assert_balanced();
        }
    }
}

/// A flag stays disputable for `disputeWindow` after it ends, then never again: a short false
/// flag cannot run out its time to live and escape its victim.
#[test]
fn disputes_close_a_window_after_the_flag_ends() {
    let mut env = Env::with_reporters();
    let short = env.submit(ALICE, victim()).ok().unwrap();
    let other = env.submit(BOB, attacker()).ok().unwrap();
    let closes = T0 + 11 * DAY + 2 * DAY;
    env.warp_to(closes - 1);
    assert_eq!(env.status(victim()).level, Level::Expired as u8);
    env.dispute(DAVE, short, params().disputeBond).ok().unwrap();
    env.warp_to(closes);
    reverts_clean(
        &mut env,
        |env| env.dispute(DAVE, other, params().disputeBond),
        DisputeWindowClosed {
            flagId: other,
            closedAt: closes,
        },
    );
    // Nothing was earned meanwhile, and the disputed flag is still slashed.
    env.as_(RESOLVER)
        .resolve(short, false, B256::ZERO)
        .ok()
        .unwrap();
    let alice = env.reg.reporter_info(ALICE);
    assert_eq!((alice.stake, alice.reputation), (eth(5), 0));
    assert_eq!(env.reg.claimable(VICTIM), eth(3));
    assert_eq!(env.status(victim()).level, Level::Removed as u8);
    env.as_(DAVE).release(other).ok().unwrap();
    env.assert_balanced();
}

/// Absent resolvers cannot freeze a case: after `disputeDeadline` anyone lapses the dispute, the
/// bond goes back, the flag stands and may be disputed again while disputable.
#[test]
fn a_dispute_lapses_after_its_deadline_and_the_flag_stands() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env
        .as_(ALICE)
        .submit(s, 1, 4, B256::ZERO, 30 * DAY)
        .ok()
        .unwrap();
    for who in [BOB, CAROL] {
        env.corroborate(who, s).ok().unwrap();
    }
    reverts(env.as_(CAROL).lapse_dispute(0), UnknownFlag { flagId: 0 });
    reverts(env.as_(CAROL).lapse_dispute(id), NotDisputed { subject: s });
    let bond = params().disputeBond;
    env.dispute(DAVE, id, bond).ok().unwrap();
    let deadline = T0 + DAY + 14 * DAY;
    env.warp_to(deadline - 1);
    reverts_clean(
        &mut env,
        |env| env.as_(CAROL).lapse_dispute(id),
        DisputeOpen {
            flagId: id,
            deadline,
        },
    );
    env.warp_to(deadline);
    env.as_(CAROL).lapse_dispute(id).ok().unwrap();
    let ev = &env.logs::<DisputeLapsed>()[0];
    assert_eq!((ev.flagId, ev.disputer, ev.refund), (id, DAVE, bond));
    assert_eq!(env.reg.claimable(DAVE), bond);
    assert_eq!(env.reg.accounting().disputeBonds, U256::ZERO);
    let st = env.status(s);
    assert_eq!(
        (st.level, st.disputed, st.finalized),
        (Level::Confirmed as u8, false, false)
    );
    let f = env.flag(id);
    assert_eq!(
        (f.disputer, f.disputeBond, f.disputedAt, f.settled),
        (Address::ZERO, U256::ZERO, 0, false)
    );
    for who in [ALICE, BOB, CAROL] {
        assert_eq!(env.reg.reporter_info(who).locked, eth(10));
    }
    reverts(env.as_(CAROL).lapse_dispute(id), NotDisputed { subject: s });
    env.dispute(VICTIM, id, bond).ok().unwrap();
    assert!(env.status(s).disputed);
    assert_eq!(env.claim(DAVE).ok(), Some(bond));
    env.assert_balanced();
}

/// A flag that ended no longer blocks its subject, even while its dispute is open: the case
/// goes on on its own record, and its outcome does not touch the new flag.
#[test]
fn submit_is_allowed_while_an_ended_flag_is_disputed() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let old = env.submit(ALICE, s).ok().unwrap();
    env.warp(10 * DAY);
    env.dispute(DAVE, old, params().disputeBond).ok().unwrap();
    let new = env.submit(BOB, s).ok().unwrap();
    assert_eq!(new, old + 1);
    let st = env.status(s);
    assert_eq!(
        (st.flagId, st.disputed, st.level),
        (new, false, Level::Watch as u8)
    );
    reverts(
        env.as_(DAVE).release(old),
        DisputeOpen {
            flagId: old,
            deadline: T0 + 11 * DAY + 14 * DAY,
        },
    );
    let word = env.reg.status.get(s);
    env.as_(RESOLVER)
        .resolve(old, false, B256::ZERO)
        .ok()
        .unwrap();
    assert_eq!(env.reg.status.get(s), word, "the new flag is untouched");
    assert!(env.flag(old).settled);
    assert_eq!(env.reg.reporter_info(ALICE).stake, eth(5));
    assert_eq!(env.reg.claimable(ATTACKER), eth(3));
    env.assert_balanced();
}

#[test]
fn upheld_after_expiry_confirms_again_for_its_ttl() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    env.warp(10 * DAY);
    assert!(!env.reg.is_flagged(ATTACKER));
    env.dispute(ATTACKER, id, params().disputeBond)
        .ok()
        .unwrap();
    env.as_(RESOLVER)
        .resolve(id, true, B256::ZERO)
        .ok()
        .unwrap();
    let st = env.status(s);
    assert_eq!(
        (st.level, st.finalized, st.expiry),
        (Level::Confirmed as u8, true, T0 + 21 * DAY)
    );
    assert!(env.reg.is_flagged(ATTACKER));
    // A lone reporter earns no reputation, only the bond.
    assert_eq!(env.reg.reporter_info(ALICE).reputation, math::REP_START);
    assert_eq!(env.reg.claimable(ALICE), params().disputeBond);
}

#[test]
fn corroboration_continues_during_a_dispute() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    // The attacker disputes its own flag; it must not stop the confirmation.
    env.dispute(ATTACKER, id, params().disputeBond)
        .ok()
        .unwrap();
    env.corroborate(BOB, s).ok().unwrap();
    env.corroborate(CAROL, s).ok().unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    assert!(env.status(s).disputed);
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
    let f = env.flag(id);
    assert_eq!(
        (f.reporters.len(), f.settled, f.reachedConfirmed),
        (0, true, true)
    );
    let ev = &env.logs::<EmergencyAction>()[0];
    assert_eq!(
        (ev.confirmed, ev.rationale, ev.resolver),
        (true, B256::repeat_byte(0x91), RESOLVER)
    );
    reverts(
        env.dispute(ATTACKER, id, params().disputeBond),
        AlreadySettled { flagId: id },
    );
}

#[test]
fn emergency_confirm_of_a_disputed_flag_settles_it_as_upheld() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    env.dispute(ATTACKER, id, params().disputeBond)
        .ok()
        .unwrap();
    env.as_(RESOLVER)
        .emergency_confirm(s, 1, 4, DAY, B256::ZERO)
        .ok()
        .unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    assert_eq!(env.reg.claimable(ALICE), params().disputeBond);
    let alice = env.reg.reporter_info(ALICE);
    assert_eq!(
        (alice.locked, alice.reputation),
        (U256::ZERO, math::REP_START)
    );
    assert!(env.flag(id).settled);
    env.assert_balanced();
}

#[test]
fn emergency_remove_unblocks_and_refunds_without_slashing() {
    let mut env = Env::with_reporters();
    let s = victim();
    reverts(
        env.as_(RESOLVER).emergency_remove(s, B256::ZERO),
        NoLiveFlag { subject: s },
    );
    let id = env.confirm(s);
    env.dispute(VICTIM, id, params().disputeBond).ok().unwrap();
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
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.stake, info.locked, info.reputation),
            (eth(10), U256::ZERO, math::REP_START)
        );
    }
    assert!(env.flag(id).settled);
    env.assert_balanced();
}
