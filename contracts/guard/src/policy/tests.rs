//! Configuring screening, rate limits and advisory tags, and the bounds on configuration.

use crate::tests::*;

#[test]
fn screening_modes() {
    let (vm, mut g) = deploy();
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    flag(&vm, &mut g, ALICE, Level::Watch);
    // Default (confirmed): watch passes, confirmed does not; unconfigured selectors too.
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL2, 0),
    );
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 1, false));
    assert_logged(
        &vm,
        ScreeningSet {
            protocol: PROTOCOL,
            selector: SEL,
            mode: 1,
            screenOrigin: false,
        },
    );
    rejects(
        &vm,
        CallerFlagged {
            caller: ALICE,
            level: 2,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 2, false));
    ok(check(&vm, &mut g, MALLORY, SEL, 0));
    as_admin(&vm);
    rejects(&vm, InvalidScreening { mode: 3 }, || {
        g.set_screening(PROTOCOL, SEL, 3, false)
    });
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.set_screening(PROTOCOL, SEL, 0, false),
    );
}

#[test]
fn protocol_screening_is_the_default_for_unconfigured_and_new_selectors() {
    let (vm, mut g) = deploy();
    flag(&vm, &mut g, ALICE, Level::Watch);
    as_admin(&vm);
    rejects(&vm, InvalidScreening { mode: 9 }, || {
        g.set_protocol_screening(PROTOCOL, 9, false)
    });
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.set_protocol_screening(PROTOCOL, 1, true),
    );
    as_admin(&vm);
    ok(g.set_protocol_screening(PROTOCOL, 1, true));
    assert_logged(
        &vm,
        ProtocolScreeningSet {
            protocol: PROTOCOL,
            mode: 1,
            screenOrigin: true,
        },
    );
    rejects(
        &vm,
        CallerFlagged {
            caller: ALICE,
            level: 2,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    // An admin's pause of a selector without a policy stores the pause and nothing else, so the
    // selector keeps following protocol-wide screening.
    as_admin(&vm);
    ok(g.pause_selector(PROTOCOL, SEL, 1));
    assert_eq!(
        g.selector_policy(PROTOCOL, SEL),
        SelectorPolicy {
            configured: false,
            pausedUntil: T0 + 1,
            ..SelectorPolicy::default()
        }
    );
    vm.set_block_timestamp(T0 + 1);
    rejects(
        &vm,
        CallerFlagged {
            caller: ALICE,
            level: 2,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    as_admin(&vm);
    ok(g.set_protocol_screening(PROTOCOL, 0, false));
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // A selector configured later starts from the protocol's screening of that time.
    as_admin(&vm);
    ok(g.set_protocol_screening(PROTOCOL, 1, true));
    limit(&vm, &mut g, 1_000, 1, None);
    assert_eq!(
        g.selector_policy(PROTOCOL, SEL),
        SelectorPolicy {
            configured: true,
            pausedUntil: T0 + 1,
            screening: 1,
            screenOrigin: true,
            ..SelectorPolicy::default()
        }
    );
}

#[test]
fn a_policy_created_on_a_paused_selector_keeps_the_pause() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.pause_selector(PROTOCOL, SEL, 100));
    ok(g.set_screening(PROTOCOL, SEL, 2, false));
    assert_eq!(g.configured_selectors(PROTOCOL), vec![SEL]);
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 100,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    // And the protocol pause reaches it through its new word's copy.
    as_admin(&vm);
    ok(g.pause_protocol(PROTOCOL, 200));
    rejects(&vm, ProtocolPaused { until: T0 + 200 }, || {
        check(&vm, &mut g, ALICE, SEL, 0)
    });
}

#[test]
fn advisory_tags_reject_bad_input() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    let five = (1..=5).map(advisory).collect::<Vec<_>>();
    rejects(
        &vm,
        TooManyTags {
            count: U256::from(5u8),
            max: 4,
        },
        || g.set_advisory_tags(PROTOCOL, SEL, five),
    );
    let not = subject::address(ALICE);
    rejects(&vm, NotAdvisory { tag: not }, || {
        g.set_advisory_tags(PROTOCOL, SEL, vec![advisory(1), not])
    });
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.set_advisory_tags(PROTOCOL, SEL, vec![]),
    );
}

#[test]
fn rate_limit_rejects_bad_input() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    let u = |v: u64| U256::from(v);
    let z = U256::ZERO;
    rejects(&vm, CapacityZero {}, || {
        g.set_rate_limit(PROTOCOL, SEL, true, z, z, z, z)
    });
    rejects(
        &vm,
        RefillAboveCapacity {
            refillPerSecond: u(11),
            capacity: u(10),
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(11), z, z),
    );
    let huge = U256::from(1u8) << 100;
    rejects(
        &vm,
        RefillBelowUnit {
            refillPerSecond: u(1),
            unit: U256::from(1u8) << 77,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, huge, u(1), z, z),
    );
    // Trip level at the re-arm level, re-arm above capacity, a trip level without a re-arm
    // level, a trip without refill: each rejected with both levels.
    for (refill, trip, rearm) in [(1, 5, 5), (1, 5, 11), (1, 5, 0), (0, 5, 8)] {
        rejects(
            &vm,
            InvalidTrip {
                tripLevel: u(trip),
                rearmLevel: u(rearm),
            },
            || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(refill), u(trip), u(rearm)),
        );
    }
    // Refilling an empty bucket to the re-arm level must take at most maxPauseDuration.
    rejects(
        &vm,
        PauseTooLong {
            duration: DAY + 1,
            max: DAY,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(DAY + 1), u(1), u(5), u(DAY + 1)),
    );
    ok(g.set_rate_limit(PROTOCOL, SEL, true, u(DAY + 1), u(1), u(5), u(DAY)));
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(1), z, z),
    );
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.set_rate_limit(STRANGER, SEL, true, u(10), u(1), z, z)
    });
}

#[test]
fn rate_limit_in_wei_picks_a_unit_and_reports_effective_values() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    let cap = U256::from(10u8).pow(U256::from(24u8)) + U256::from(12_345u16);
    let refill = U256::from(10u8).pow(U256::from(19u8));
    let trip_level = cap / U256::from(10u8);
    ok(g.set_rate_limit(
        PROTOCOL,
        SEL,
        true,
        cap,
        refill,
        trip_level,
        cap / U256::from(2u8),
    ));
    let RateLimit {
        capacity,
        refillPerSecond: refill_eff,
        tripLevel: trip,
        rearmLevel: rearm,
        available,
        unit,
        tripped,
    } = g.rate_limit(PROTOCOL, SEL);
    assert!(capacity <= cap && cap - capacity < unit);
    assert!(refill_eff <= refill && refill - refill_eff < unit);
    assert!(trip <= trip_level && trip_level - trip < unit);
    assert!(rearm <= cap / U256::from(2u8) && cap / U256::from(2u8) - rearm < unit);
    assert_eq!((available, tripped), (capacity, false));
    assert!(unit > U256::from(1u8));
    // Any amount that is not a whole number of units is charged up to the next unit.
    ok(check(&vm, &mut g, ALICE, SEL, 1));
    assert_eq!(g.rate_limit(PROTOCOL, SEL).available, capacity - unit);
}

#[test]
fn reconfiguring_refills_then_caps_and_disabling_removes_the_limit() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 10, None);
    ok(check(&vm, &mut g, ALICE, SEL, 1_000));
    vm.set_block_timestamp(T0 + 30);
    limit(&vm, &mut g, 200, 10, None); // refilled 300, capped at 200
    assert_eq!(g.rate_limit(PROTOCOL, SEL).available, U256::from(200u8));
    limit(&vm, &mut g, 5_000, 10, None); // keeps 200: a raise is not a gift
    assert_eq!(g.rate_limit(PROTOCOL, SEL).available, U256::from(200u8));
    as_admin(&vm);
    ok(g.set_rate_limit(
        PROTOCOL,
        SEL,
        false,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
    ));
    assert_logged(
        &vm,
        RateLimitSet {
            protocol: PROTOCOL,
            selector: SEL,
            enabled: false,
            capacity: U256::ZERO,
            refillPerSecond: U256::ZERO,
            tripLevel: U256::ZERO,
            rearmLevel: U256::ZERO,
            unit: U256::ZERO,
        },
    );
    assert_eq!(g.rate_limit(PROTOCOL, SEL), RateLimit::default());
    ok(check(&vm, &mut g, ALICE, SEL, u64::MAX));
}

#[test]
fn a_protocol_configures_at_most_max_selectors() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    for i in 0..MAX_SELECTORS {
        ok(g.set_screening(PROTOCOL, FixedBytes(i.to_be_bytes()), 0, false));
    }
    // Reconfiguring a listed selector is fine; a new one is not.
    ok(g.set_screening(PROTOCOL, FixedBytes(0u32.to_be_bytes()), 1, false));
    rejects(&vm, TooManySelectors { max: MAX_SELECTORS }, || {
        g.set_screening(PROTOCOL, SEL, 0, false)
    });
    // A pause takes no slot: a 33rd selector can still be paused.
    ok(g.pause_selector(PROTOCOL, SEL, 10));
    assert_eq!(
        g.configured_selectors(PROTOCOL).len(),
        MAX_SELECTORS as usize
    );
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 10,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    as_admin(&vm);
    // The protocol pause reaches all of them.
    ok(g.pause_protocol(PROTOCOL, 10));
    for s in g.configured_selectors(PROTOCOL) {
        assert_eq!(g.selector_policy(PROTOCOL, s).protocolPausedUntil, T0 + 10);
    }
}

#[test]
fn removing_a_policy_frees_its_slot_and_falls_back_to_the_protocol() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    for i in 0..MAX_SELECTORS {
        ok(g.set_screening(PROTOCOL, FixedBytes(i.to_be_bytes()), 2, false));
    }
    let victim = FixedBytes(7u32.to_be_bytes());
    ok(g.set_advisory_tags(PROTOCOL, victim, vec![advisory(1), advisory(2)]));
    ok(g.pause_selector(PROTOCOL, victim, DAY));
    rejects(&vm, TooManySelectors { max: MAX_SELECTORS }, || {
        g.set_screening(PROTOCOL, SEL, 0, false)
    });
    let before = storage(&vm).len();
    ok(g.remove_policy(PROTOCOL, victim));
    assert_logged(
        &vm,
        PolicyRemoved {
            protocol: PROTOCOL,
            selector: victim,
        },
    );
    // Its policy, its tags and its list entry are gone (the last entry moved into its place);
    // its pause, not a policy, stays.
    assert_eq!(
        g.selector_policy(PROTOCOL, victim),
        SelectorPolicy {
            pausedUntil: T0 + DAY,
            ..SelectorPolicy::default()
        }
    );
    assert!(g.advisory_tags(PROTOCOL, victim).is_empty());
    let listed = g.configured_selectors(PROTOCOL);
    assert_eq!(listed.len(), MAX_SELECTORS as usize - 1);
    assert!(!listed.contains(&victim));
    assert_eq!(listed[7], FixedBytes((MAX_SELECTORS - 1).to_be_bytes()));
    assert_eq!(
        storage(&vm).len(),
        before - 2,
        "two tags; the word keeps the pause; the list shrank in place"
    );
    // The selector now follows the protocol (default screening) once its pause is lifted, and the
    // slot is free.
    rejects(
        &vm,
        SelectorPaused {
            selector: victim,
            until: T0 + DAY,
        },
        || check(&vm, &mut g, ALICE, victim, 0),
    );
    as_admin(&vm);
    ok(g.unpause_selector(PROTOCOL, victim));
    ok(check(&vm, &mut g, ALICE, victim, 0));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    assert_eq!(g.configured_selectors(PROTOCOL).last(), Some(&SEL));
    rejects(&vm, TooManySelectors { max: MAX_SELECTORS }, || {
        g.set_screening(PROTOCOL, victim, 0, false)
    });
    // The last entry can go too, and a selector without a policy has nothing to remove.
    ok(g.remove_policy(PROTOCOL, SEL));
    rejects(&vm, SelectorNotConfigured { selector: SEL }, || {
        g.remove_policy(PROTOCOL, SEL)
    });
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.remove_policy(PROTOCOL, FixedBytes(0u32.to_be_bytes())),
    );
}
