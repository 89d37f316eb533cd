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
    as_admin(&vm);
    ok(g.pause_selector(PROTOCOL, SEL, 1));
    assert_eq!(
        g.selector_policy(PROTOCOL, SEL),
        SelectorPolicy {
            configured: true,
            pausedUntil: T0 + 1,
            protocolPausedUntil: 0,
            screening: 1,
            screenOrigin: true,
            tagCount: 0,
        }
    );
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
    rejects(&vm, CapacityZero {}, || {
        g.set_rate_limit(PROTOCOL, SEL, true, u(0), u(0), u(0), 0)
    });
    rejects(
        &vm,
        RefillOverflow {
            refillPerSecond: u(11),
            capacity: u(10),
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(11), u(0), 0),
    );
    let huge = U256::from(1u8) << 100;
    rejects(
        &vm,
        RefillBelowUnit {
            refillPerSecond: u(1),
            unit: U256::from(1u8) << 65,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, huge, u(1), u(0), 0),
    );
    rejects(
        &vm,
        InvalidTrip {
            tripLevel: u(10),
            tripCooldown: 60,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(1), u(10), 60),
    );
    rejects(
        &vm,
        InvalidTrip {
            tripLevel: u(5),
            tripCooldown: 0,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(1), u(5), 0),
    );
    rejects(
        &vm,
        PauseTooLong {
            duration: DAY + 1,
            max: DAY,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(1), u(5), DAY as u32 + 1),
    );
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(1), u(0), 0),
    );
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.set_rate_limit(STRANGER, SEL, true, u(10), u(1), u(0), 0)
    });
}

#[test]
fn rate_limit_in_wei_picks_a_unit_and_reports_effective_values() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    let cap = U256::from(10u8).pow(U256::from(24u8)) + U256::from(12_345u16);
    let refill = U256::from(10u8).pow(U256::from(19u8));
    ok(g.set_rate_limit(PROTOCOL, SEL, true, cap, refill, U256::ZERO, 60));
    let RateLimit {
        capacity,
        refillPerSecond: refill_eff,
        tripLevel: trip,
        tripCooldown: cooldown,
        available,
        unit,
    } = g.rate_limit(PROTOCOL, SEL);
    assert!(capacity <= cap && cap - capacity < unit);
    assert!(refill_eff <= refill && refill - refill_eff < unit);
    assert_eq!((trip, cooldown, available), (U256::ZERO, 60, capacity));
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
    ok(g.set_rate_limit(PROTOCOL, SEL, false, U256::ZERO, U256::ZERO, U256::ZERO, 0));
    assert_logged(
        &vm,
        RateLimitSet {
            protocol: PROTOCOL,
            selector: SEL,
            enabled: false,
            capacity: U256::ZERO,
            refillPerSecond: U256::ZERO,
            tripLevel: U256::ZERO,
            tripCooldown: 0,
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
    rejects(&vm, TooManySelectors { max: MAX_SELECTORS }, || {
        g.pause_selector(PROTOCOL, SEL, 10)
    });
    assert_eq!(
        g.configured_selectors(PROTOCOL).len(),
        MAX_SELECTORS as usize
    );
    // The protocol pause reaches all of them.
    ok(g.pause_protocol(PROTOCOL, 10));
    for s in g.configured_selectors(PROTOCOL) {
        assert_eq!(g.selector_policy(PROTOCOL, s).protocolPausedUntil, T0 + 10);
    }
}
