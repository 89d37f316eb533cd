//! Protocol and selector pauses, admin unpauses and the guardian episode rule.

use crate::tests::*;

#[test]
fn protocol_pause_blocks_every_selector_until_it_expires() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(g.pause_protocol(PROTOCOL, 100));
    let until = T0 + 100;
    assert_logged(
        &vm,
        ProtocolPauseSet {
            protocol: PROTOCOL,
            by: ADMIN,
            until,
        },
    );
    // Configured (from the copy in the selector word) and unconfigured (from the protocol word).
    rejects(&vm, ProtocolPaused { until }, || {
        check(&vm, &mut g, ALICE, SEL, 0)
    });
    rejects(&vm, ProtocolPaused { until }, || {
        check(&vm, &mut g, ALICE, SEL2, 0)
    });
    // A selector configured during the pause inherits it.
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL2, 0, false));
    rejects(&vm, ProtocolPaused { until }, || {
        check(&vm, &mut g, ALICE, SEL2, 0)
    });
    vm.set_block_timestamp(until);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
}

#[test]
fn unpause_protocol_clears_every_copy() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(g.pause_protocol(PROTOCOL, 100));
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.unpause_protocol(PROTOCOL),
    );
    as_admin(&vm);
    ok(g.unpause_protocol(PROTOCOL));
    assert_logged(
        &vm,
        ProtocolUnpaused {
            protocol: PROTOCOL,
            by: ADMIN,
        },
    );
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
    assert_eq!(g.selector_policy(PROTOCOL, SEL).protocolPausedUntil, 0);
}

#[test]
fn selector_pause_blocks_only_that_selector() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.pause_selector(PROTOCOL, SEL, 50));
    assert_logged(
        &vm,
        SelectorPauseSet {
            protocol: PROTOCOL,
            selector: SEL,
            by: ADMIN,
            until: T0 + 50,
        },
    );
    assert_eq!(g.configured_selectors(PROTOCOL), vec![SEL]);
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 50,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
    vm.set_block_timestamp(T0 + 50);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
}

#[test]
fn unpause_selector_is_admin_only() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_guardian(PROTOCOL, GUARDIAN, true));
    ok(g.pause_selector(PROTOCOL, SEL, 50));
    vm.set_sender(GUARDIAN);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: GUARDIAN,
        },
        || g.unpause_selector(PROTOCOL, SEL),
    );
    as_admin(&vm);
    ok(g.unpause_selector(PROTOCOL, SEL));
    assert_logged(
        &vm,
        SelectorUnpaused {
            protocol: PROTOCOL,
            selector: SEL,
            by: ADMIN,
        },
    );
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // Unpausing a selector without a policy changes nothing but the (absent) episode.
    as_admin(&vm);
    ok(g.unpause_selector(PROTOCOL, SEL2));
    assert!(!g.selector_policy(PROTOCOL, SEL2).configured);
}

#[test]
fn pauses_need_admin_or_guardian_and_a_duration() {
    let (vm, mut g) = with_guardian();
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdminOrGuardian {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.pause_protocol(PROTOCOL, 10),
    );
    rejects(
        &vm,
        NotAdminOrGuardian {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.pause_selector(PROTOCOL, SEL, 10),
    );
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.pause_protocol(STRANGER, 10)
    });
    vm.set_sender(GUARDIAN);
    rejects(&vm, ZeroDuration {}, || g.pause_protocol(PROTOCOL, 0));
    rejects(
        &vm,
        PauseTooLong {
            duration: DAY + 1,
            max: DAY,
        },
        || g.pause_protocol(PROTOCOL, DAY + 1),
    );
    rejects(
        &vm,
        PauseTooLong {
            duration: DAY + 1,
            max: DAY,
        },
        || g.pause_selector(PROTOCOL, SEL, DAY + 1),
    );
    // The admin is not bounded.
    as_admin(&vm);
    ok(g.pause_protocol(PROTOCOL, 30 * DAY));
    assert_eq!(g.protocol_info(PROTOCOL).pausedUntil, T0 + 30 * DAY);
}

#[test]
fn guardian_pauses_come_in_bounded_episodes() {
    let (vm, mut g) = with_guardian();
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(g.set_screening(PROTOCOL, SEL2, 0, false));
    vm.set_sender(GUARDIAN);
    ok(g.pause_selector(PROTOCOL, SEL, 3_600));
    assert_logged(
        &vm,
        SelectorPauseSet {
            protocol: PROTOCOL,
            selector: SEL,
            by: GUARDIAN,
            until: T0 + 3_600,
        },
    );
    assert_eq!(g.protocol_info(PROTOCOL).guardianPauseEnd, T0 + 3_600);
    // During the episode: more pauses, clamped to its end.
    vm.set_block_timestamp(T0 + 600);
    ok(g.pause_protocol(PROTOCOL, DAY));
    assert_logged(
        &vm,
        ProtocolPauseSet {
            protocol: PROTOCOL,
            by: GUARDIAN,
            until: T0 + 3_600,
        },
    );
    ok(g.pause_selector(PROTOCOL, SEL2, 10));
    assert_eq!(g.selector_policy(PROTOCOL, SEL2).pausedUntil, T0 + 610);
    // After it: the cooldown, then a fresh episode.
    vm.set_block_timestamp(T0 + 3_600);
    let retry_at = T0 + 3_600 + 2 * DAY;
    rejects(&vm, PauseCooldown { retryAt: retry_at }, || {
        g.pause_protocol(PROTOCOL, 10)
    });
    vm.set_block_timestamp(retry_at - 1);
    rejects(&vm, PauseCooldown { retryAt: retry_at }, || {
        g.pause_selector(PROTOCOL, SEL, 10)
    });
    vm.set_block_timestamp(retry_at);
    ok(g.pause_selector(PROTOCOL, SEL, 10));
    assert_eq!(g.protocol_info(PROTOCOL).guardianPauseEnd, retry_at + 10);
}

#[test]
fn an_admin_unpause_ends_the_episode() {
    let (vm, mut g) = with_guardian();
    ok(g.pause_protocol(PROTOCOL, DAY));
    vm.set_block_timestamp(T0 + 100);
    as_admin(&vm);
    ok(g.unpause_protocol(PROTOCOL));
    // The guardian cannot re-pause within the (now closed) episode; the cooldown runs from the unpause.
    vm.set_sender(GUARDIAN);
    rejects(
        &vm,
        PauseCooldown {
            retryAt: T0 + 100 + 2 * DAY,
        },
        || g.pause_protocol(PROTOCOL, 10),
    );
    ok(check(&vm, &mut g, ALICE, SEL, 0));
}

#[test]
fn a_pause_never_shortens_one_in_force() {
    let (vm, mut g) = with_guardian();
    as_admin(&vm);
    ok(g.pause_protocol(PROTOCOL, 10 * DAY));
    ok(g.pause_selector(PROTOCOL, SEL, 10 * DAY));
    vm.set_sender(GUARDIAN);
    ok(g.pause_protocol(PROTOCOL, 60));
    ok(g.pause_selector(PROTOCOL, SEL, 60));
    assert_eq!(g.protocol_info(PROTOCOL).pausedUntil, T0 + 10 * DAY);
    assert_eq!(g.selector_policy(PROTOCOL, SEL).pausedUntil, T0 + 10 * DAY);
}

#[test]
fn a_guardian_cannot_spend_the_admins_selector_slots() {
    // The attack: a guardian pauses 32 dummy selectors, each of which used to take a policy slot
    // for good. Now each is refused, changes nothing and opens no episode.
    let (vm, mut g) = with_guardian();
    for i in 0..MAX_SELECTORS {
        let dummy = FixedBytes((0xd000_0000 + i).to_be_bytes());
        rejects(&vm, SelectorNotConfigured { selector: dummy }, || {
            g.pause_selector(PROTOCOL, dummy, 60)
        });
    }
    assert!(g.configured_selectors(PROTOCOL).is_empty());
    assert_eq!(g.protocol_info(PROTOCOL).guardianPauseEnd, 0);
    // The admin still has every slot.
    as_admin(&vm);
    for i in 0..MAX_SELECTORS {
        ok(g.set_screening(PROTOCOL, FixedBytes(i.to_be_bytes()), 0, false));
    }
    // To stop a function without a policy the guardian pauses the protocol, which reaches it.
    vm.set_sender(GUARDIAN);
    ok(g.pause_protocol(PROTOCOL, 60));
    rejects(&vm, ProtocolPaused { until: T0 + 60 }, || {
        check(&vm, &mut g, ALICE, SEL, 0)
    });
}

#[test]
fn a_guardian_pause_changes_the_pause_and_nothing_else() {
    // Issue 11 §3: a selector without a policy keeps following the protocol's screening, so a
    // later protocol-wide change still reaches it; a guardian pause of a configured selector
    // writes its pause field and the episode end, nothing else.
    let (vm, mut g) = with_guardian();
    rejects(&vm, SelectorNotConfigured { selector: SEL2 }, || {
        g.pause_selector(PROTOCOL, SEL2, 60)
    });
    as_admin(&vm);
    ok(g.set_protocol_screening(PROTOCOL, 1, false));
    flag(&vm, &mut g, MALLORY, Level::Watch);
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 2,
        },
        || check(&vm, &mut g, MALLORY, SEL2, 0),
    );
    as_admin(&vm);
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![advisory(1)]));
    let key = policy_key(PROTOCOL, SEL);
    let before = word::SelectorWord::from_word(g.selectors.get(key));
    vm.set_sender(GUARDIAN);
    ok(g.pause_selector(PROTOCOL, SEL, 60));
    let after = word::SelectorWord::from_word(g.selectors.get(key));
    assert_eq!(
        after,
        word::SelectorWord {
            paused_until: (T0 + 60) as u32,
            ..before
        }
    );
    assert_eq!(g.configured_selectors(PROTOCOL), vec![SEL]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_paused_selector_never_passes(
        duration in 1u64..DAY,
        at in 0u64..DAY,
        amount in any::<u64>(),
        limited in any::<bool>(),
        by_guardian in any::<bool>(),
    ) {
        let (vm, mut g) = with_guardian();
        as_admin(&vm);
        ok(g.set_screening(PROTOCOL, SEL, 0, false));
        if limited {
            limit(&vm, &mut g, 1 << 40, 1 << 20, None);
        }
        vm.set_sender(if by_guardian { GUARDIAN } else { ADMIN });
        ok(g.pause_selector(PROTOCOL, SEL, duration));
        vm.set_block_timestamp(T0 + at);
        let verdict = check(&vm, &mut g, ALICE, SEL, amount);
        if at < duration {
            prop_assert_eq!(revert(verdict), SelectorPaused { selector: SEL, until: T0 + duration }.abi_encode());
        } else if !limited || amount <= 1 << 40 {
            ok(verdict);
        }
    }
}
