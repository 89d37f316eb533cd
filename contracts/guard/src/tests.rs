//! Unit and property tests of the contract on stylus-sdk's TestVM.
//!
//! The TestVM does not roll back a reverted call's writes, so every revert test also checks that
//! storage is untouched: bad input must change nothing before it is rejected.

use std::collections::HashMap;

use alloy_primitives::{address, Address, FixedBytes, B256, U256};
use alloy_sol_types::{SolError, SolEvent};
use proptest::prelude::*;
use stylus_sdk::testing::TestVM;
use vigil_common::{subject, Level, Status};

use super::*;

const OWNER: Address = address!("0x00000000000000000000000000000000000000a1");
const REGISTRY: Address = address!("0x00000000000000000000000000000000000000a2");
const PROTOCOL: Address = address!("0x00000000000000000000000000000000000000b1");
const ADMIN: Address = address!("0x00000000000000000000000000000000000000b2");
const GUARDIAN: Address = address!("0x00000000000000000000000000000000000000b3");
const ALICE: Address = address!("0x00000000000000000000000000000000000000c1");
const MALLORY: Address = address!("0x00000000000000000000000000000000000000c2");
const STRANGER: Address = address!("0x00000000000000000000000000000000000000c3");
const SEL: FixedBytes<4> = FixedBytes([0xde, 0xad, 0xbe, 0xef]);
const SEL2: FixedBytes<4> = FixedBytes([0x12, 0x34, 0x56, 0x78]);
const T0: u64 = 1_700_000_000;
const DAY: u64 = 86_400;

fn deploy() -> (TestVM, CircuitGuard) {
    let vm = TestVM::default();
    vm.set_block_timestamp(T0);
    let mut g = CircuitGuard::from(&vm);
    vm.set_sender(OWNER);
    ok(g.constructor(OWNER));
    ok(g.set_registry(REGISTRY));
    vm.set_sender(PROTOCOL);
    ok(g.register_protocol(ADMIN));
    vm.clear_mocks();
    (vm, g)
}

#[track_caller]
fn ok<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!(
            "unexpected revert 0x{}",
            alloy_primitives::hex::encode(Vec::<u8>::from(e))
        ),
    }
}

#[track_caller]
fn revert<T>(r: Result<T>) -> Vec<u8> {
    match r {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

/// Runs `f` expecting exactly `expected` as revert data and no storage change.
#[track_caller]
fn rejects<T>(vm: &TestVM, expected: impl SolError, f: impl FnOnce() -> Result<T>) {
    let before = storage(vm);
    assert_eq!(revert(f()), expected.abi_encode());
    assert_eq!(storage(vm), before, "a rejected call changed storage");
}

fn storage(vm: &TestVM) -> HashMap<U256, B256> {
    vm.snapshot()
        .storage
        .into_iter()
        .filter(|(_, v)| !v.is_zero())
        .collect()
}

#[track_caller]
fn assert_logged(vm: &TestVM, event: impl SolEvent) {
    let expected = event.encode_log_data();
    let logs = vm.get_emitted_logs();
    assert!(
        logs.iter()
            .any(|(topics, data)| topics == expected.topics() && data[..] == expected.data[..]),
        "event {} not emitted with the expected data",
        std::any::type_name_of_val(&event)
    );
}

fn status(level: Level, expiry: u64) -> U256 {
    Status {
        level,
        expiry,
        ..Status::default()
    }
    .to_word()
}

fn push_status(vm: &TestVM, g: &mut CircuitGuard, subject: B256, word: U256) {
    let sender = vm.snapshot().msg_sender;
    vm.set_sender(REGISTRY);
    ok(g.on_status_change(subject, word));
    vm.set_sender(sender);
}

fn flag(vm: &TestVM, g: &mut CircuitGuard, who: Address, level: Level) {
    push_status(vm, g, subject::address(who), status(level, T0 + 30 * DAY));
}

fn check(
    vm: &TestVM,
    g: &mut CircuitGuard,
    caller: Address,
    selector: FixedBytes<4>,
    amount: u64,
) -> Result<()> {
    vm.set_sender(PROTOCOL);
    g.check(caller, selector, U256::from(amount))
}

fn as_admin(vm: &TestVM) {
    vm.set_sender(ADMIN);
}

fn limit(vm: &TestVM, g: &mut CircuitGuard, capacity: u64, refill: u64, trip: Option<(u64, u32)>) {
    as_admin(vm);
    let (level, cooldown) = trip.unwrap_or((0, 0));
    ok(g.set_rate_limit(
        PROTOCOL,
        SEL,
        true,
        U256::from(capacity),
        U256::from(refill),
        U256::from(level),
        cooldown,
    ));
}

fn advisory(n: u8) -> B256 {
    subject::advisory(B256::repeat_byte(n))
}

// ---- constructor and owner ---------------------------------------------------------------

#[test]
fn constructor_sets_owner_and_default_bounds() {
    let vm = TestVM::default();
    let mut g = CircuitGuard::from(&vm);
    vm.set_sender(STRANGER);
    ok(g.constructor(OWNER));
    assert_eq!(
        g.guard_config(),
        (
            OWNER,
            Address::ZERO,
            Address::ZERO,
            DEFAULT_MAX_PAUSE,
            DEFAULT_PAUSE_COOLDOWN
        )
    );
    assert_logged(
        &vm,
        OwnershipTransferred {
            previous_owner: Address::ZERO,
            new_owner: OWNER,
        },
    );
}

#[test]
fn constructor_rejects_zero_owner() {
    let vm = TestVM::default();
    let mut g = CircuitGuard::from(&vm);
    rejects(&vm, ZeroAddress {}, || g.constructor(Address::ZERO));
}

#[test]
fn ownership_is_two_step() {
    let (vm, mut g) = deploy();
    vm.set_sender(STRANGER);
    rejects(&vm, NotOwner { account: STRANGER }, || {
        g.transfer_ownership(STRANGER)
    });
    vm.set_sender(OWNER);
    ok(g.transfer_ownership(ADMIN));
    assert_logged(
        &vm,
        OwnershipTransferStarted {
            owner: OWNER,
            pending_owner: ADMIN,
        },
    );
    assert_eq!(g.guard_config().1, ADMIN);
    vm.set_sender(STRANGER);
    rejects(&vm, NotPendingOwner { account: STRANGER }, || {
        g.accept_ownership()
    });
    vm.set_sender(ADMIN);
    ok(g.accept_ownership());
    assert_logged(
        &vm,
        OwnershipTransferred {
            previous_owner: OWNER,
            new_owner: ADMIN,
        },
    );
    assert_eq!(
        (g.guard_config().0, g.guard_config().1),
        (ADMIN, Address::ZERO)
    );
    // The old owner is out; the accepted transfer cannot be replayed.
    vm.set_sender(OWNER);
    rejects(&vm, NotOwner { account: OWNER }, || g.set_registry(OWNER));
    rejects(&vm, NotPendingOwner { account: OWNER }, || {
        g.accept_ownership()
    });
}

#[test]
fn a_pending_transfer_can_be_cancelled() {
    let (vm, mut g) = deploy();
    vm.set_sender(OWNER);
    ok(g.transfer_ownership(ADMIN));
    ok(g.transfer_ownership(Address::ZERO));
    vm.set_sender(ADMIN);
    rejects(&vm, NotPendingOwner { account: ADMIN }, || {
        g.accept_ownership()
    });
    // Nobody can accept a cancelled transfer, not even the zero address.
    vm.set_sender(Address::ZERO);
    rejects(
        &vm,
        NotPendingOwner {
            account: Address::ZERO,
        },
        || g.accept_ownership(),
    );
}

#[test]
fn owner_sets_registry_and_pause_bounds() {
    let (vm, mut g) = deploy();
    vm.set_sender(STRANGER);
    rejects(&vm, NotOwner { account: STRANGER }, || {
        g.set_registry(STRANGER)
    });
    rejects(&vm, NotOwner { account: STRANGER }, || {
        g.set_pause_bounds(1, 1)
    });
    vm.set_sender(OWNER);
    ok(g.set_registry(STRANGER));
    assert_eq!(g.guard_config().2, STRANGER);
    assert_logged(&vm, RegistrySet { registry: STRANGER });
    ok(g.set_pause_bounds(3_600, 7_200));
    assert_eq!((g.guard_config().3, g.guard_config().4), (3_600, 7_200));
    assert_logged(
        &vm,
        PauseBoundsSet {
            max_pause_duration: 3_600,
            pause_cooldown: 7_200,
        },
    );
}

// ---- status pushes -----------------------------------------------------------------------

#[test]
fn status_pushes_are_stored_verbatim() {
    let (vm, mut g) = deploy();
    let word = Status {
        level: Level::Confirmed,
        disputed: true,
        expiry: T0 + 5,
        score: 7,
        ..Status::default()
    }
    .to_word();
    vm.set_sender(REGISTRY);
    ok(g.on_status_change(subject::address(MALLORY), word));
    assert_eq!(g.status_word(subject::address(MALLORY)), word);
    assert_logged(
        &vm,
        StatusSynced {
            subject: subject::address(MALLORY),
            status: word,
        },
    );
}

#[test]
fn status_pushes_only_from_the_registry() {
    let (vm, mut g) = deploy();
    let word = status(Level::Confirmed, T0 + DAY);
    vm.set_sender(STRANGER);
    rejects(&vm, NotRegistry { account: STRANGER }, || {
        g.on_status_change(subject::address(ALICE), word)
    });
    // Without a registry nobody can push, the zero address included.
    vm.set_sender(OWNER);
    ok(g.set_registry(Address::ZERO));
    vm.set_sender(Address::ZERO);
    rejects(
        &vm,
        NotRegistry {
            account: Address::ZERO,
        },
        || g.on_status_change(subject::address(ALICE), word),
    );
}

#[test]
fn status_pushes_must_decode() {
    let (vm, mut g) = deploy();
    vm.set_sender(REGISTRY);
    let bad = U256::from(9u8);
    let s = subject::address(ALICE);
    rejects(
        &vm,
        InvalidStatus {
            subject: s,
            status: bad,
        },
        || g.on_status_change(s, bad),
    );
    rejects(
        &vm,
        InvalidSubject {
            subject: B256::ZERO,
        },
        || g.on_status_change(B256::ZERO, U256::ZERO),
    );
}

// ---- registration ------------------------------------------------------------------------

#[test]
fn register_protocol_records_the_admin() {
    let (vm, mut g) = deploy();
    assert_eq!(g.protocol_info(PROTOCOL), (true, ADMIN, 0, 0, false, 0));
    vm.set_sender(STRANGER);
    ok(g.register_protocol(ALICE));
    assert_logged(
        &vm,
        ProtocolRegistered {
            protocol: STRANGER,
            admin: ALICE,
        },
    );
    assert_eq!(g.protocol_info(STRANGER).1, ALICE);
}

#[test]
fn register_protocol_rejects_zero_admin_and_duplicates() {
    let (vm, mut g) = deploy();
    vm.set_sender(STRANGER);
    rejects(&vm, ZeroAddress {}, || g.register_protocol(Address::ZERO));
    vm.set_sender(PROTOCOL);
    rejects(&vm, AlreadyRegistered { protocol: PROTOCOL }, || {
        g.register_protocol(STRANGER)
    });
}

#[test]
fn set_admin_hands_over_the_protocol() {
    let (vm, mut g) = deploy();
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.set_admin(PROTOCOL, STRANGER),
    );
    as_admin(&vm);
    rejects(&vm, ZeroAddress {}, || g.set_admin(PROTOCOL, Address::ZERO));
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.set_admin(STRANGER, ALICE)
    });
    ok(g.set_admin(PROTOCOL, ALICE));
    assert_logged(
        &vm,
        AdminChanged {
            protocol: PROTOCOL,
            admin: ALICE,
        },
    );
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: ADMIN,
        },
        || g.set_protocol_screening(PROTOCOL, 1, false),
    );
    vm.set_sender(ALICE);
    ok(g.set_protocol_screening(PROTOCOL, 1, false));
}

#[test]
fn set_guardian_is_admin_only() {
    let (vm, mut g) = deploy();
    vm.set_sender(GUARDIAN);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: GUARDIAN,
        },
        || g.set_guardian(PROTOCOL, GUARDIAN, true),
    );
    as_admin(&vm);
    rejects(&vm, ZeroAddress {}, || {
        g.set_guardian(PROTOCOL, Address::ZERO, true)
    });
    ok(g.set_guardian(PROTOCOL, GUARDIAN, true));
    assert!(g.is_guardian(PROTOCOL, GUARDIAN));
    assert_logged(
        &vm,
        GuardianSet {
            protocol: PROTOCOL,
            guardian: GUARDIAN,
            enabled: true,
        },
    );
    ok(g.set_guardian(PROTOCOL, GUARDIAN, false));
    assert!(!g.is_guardian(PROTOCOL, GUARDIAN));
}

// ---- check: the verdicts -----------------------------------------------------------------

#[test]
fn check_rejects_unregistered_protocols() {
    let (vm, mut g) = deploy();
    vm.set_sender(STRANGER);
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.check(ALICE, SEL, U256::ZERO)
    });
}

#[test]
fn clean_callers_pass_configured_or_not() {
    let (vm, mut g) = deploy();
    ok(check(&vm, &mut g, ALICE, SEL, 5));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, true));
    ok(check(&vm, &mut g, ALICE, SEL, 5));
    assert!(vm
        .get_emitted_logs()
        .iter()
        .all(|(t, _)| t[0] != Tripped::SIGNATURE_HASH));
}

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
    assert_eq!(g.selector_policy(PROTOCOL, SEL).2, 0);
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
    assert!(!g.selector_policy(PROTOCOL, SEL2).0);
}

#[test]
fn verdicts_come_in_the_documented_order() {
    let (vm, mut g) = deploy();
    let tag = advisory(7);
    as_admin(&vm);
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![tag]));
    limit(&vm, &mut g, 10, 1, None);
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    push_status(&vm, &mut g, tag, status(Level::Confirmed, T0 + DAY));
    as_admin(&vm);
    ok(g.pause_selector(PROTOCOL, SEL, 100));
    ok(g.pause_protocol(PROTOCOL, 10));
    rejects(&vm, ProtocolPaused { until: T0 + 10 }, || {
        check(&vm, &mut g, MALLORY, SEL, 50)
    });
    vm.set_block_timestamp(T0 + 10);
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 100,
        },
        || check(&vm, &mut g, MALLORY, SEL, 50),
    );
    vm.set_block_timestamp(T0 + 100);
    rejects(&vm, AdvisoryActive { advisory: tag }, || {
        check(&vm, &mut g, MALLORY, SEL, 50)
    });
    push_status(&vm, &mut g, tag, status(Level::Removed, 0));
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL, 50),
    );
    let rate = RateLimited {
        selector: SEL,
        available: U256::from(10u8),
        retry_after: u64::MAX,
    };
    rejects(&vm, rate, || check(&vm, &mut g, ALICE, SEL, 50));
    ok(check(&vm, &mut g, ALICE, SEL, 10));
}

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
            screen_origin: false,
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
            screen_origin: true,
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
        (true, T0 + 1, 0, 1, true, 0)
    );
}

#[test]
fn expired_removed_and_disputed_flags() {
    let (vm, mut g) = deploy();
    push_status(
        &vm,
        &mut g,
        subject::address(MALLORY),
        status(Level::Confirmed, T0 + 10),
    );
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL, 0),
    );
    vm.set_block_timestamp(T0 + 10);
    ok(check(&vm, &mut g, MALLORY, SEL, 0));
    push_status(
        &vm,
        &mut g,
        subject::address(MALLORY),
        status(Level::Removed, 0),
    );
    ok(check(&vm, &mut g, MALLORY, SEL, 0));
    // A dispute does not suspend the flag.
    let disputed = Status {
        level: Level::Confirmed,
        disputed: true,
        expiry: T0 + DAY,
        ..Status::default()
    };
    push_status(&vm, &mut g, subject::address(MALLORY), disputed.to_word());
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL, 0),
    );
}

#[test]
fn origin_screening() {
    let (vm, mut g) = deploy();
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    vm.set_tx_origin(MALLORY);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, true));
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    vm.set_tx_origin(ALICE);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
}

#[test]
fn advisory_tags_pause_while_confirmed() {
    let (vm, mut g) = deploy();
    let (a, b) = (advisory(1), advisory(2));
    as_admin(&vm);
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![a, b]));
    assert_logged(
        &vm,
        AdvisoryTagsSet {
            protocol: PROTOCOL,
            selector: SEL,
            tags: vec![a, b],
        },
    );
    assert_eq!(g.advisory_tags(PROTOCOL, SEL), vec![a, b]);
    push_status(&vm, &mut g, b, status(Level::Watch, T0 + DAY));
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    push_status(&vm, &mut g, b, status(Level::Confirmed, T0 + DAY));
    rejects(&vm, AdvisoryActive { advisory: b }, || {
        check(&vm, &mut g, ALICE, SEL, 0)
    });
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
    vm.set_block_timestamp(T0 + DAY);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // Untagging lifts it at once.
    vm.set_block_timestamp(T0);
    as_admin(&vm);
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![a]));
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    assert_eq!(g.advisory_tags(PROTOCOL, SEL), vec![a]);
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

// ---- rate limits -------------------------------------------------------------------------

#[test]
fn rate_limit_charges_refills_and_says_when() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 10, None);
    assert_logged(
        &vm,
        RateLimitSet {
            protocol: PROTOCOL,
            selector: SEL,
            enabled: true,
            capacity: U256::from(1_000u16),
            refill_per_second: U256::from(10u8),
            trip_level: U256::ZERO,
            trip_cooldown: 0,
            unit: U256::from(1u8),
        },
    );
    ok(check(&vm, &mut g, ALICE, SEL, 900));
    let short = RateLimited {
        selector: SEL,
        available: U256::from(100u8),
        retry_after: T0 + 5,
    };
    rejects(&vm, short, || check(&vm, &mut g, ALICE, SEL, 150));
    vm.set_block_timestamp(T0 + 4);
    let short = RateLimited {
        selector: SEL,
        available: U256::from(140u8),
        retry_after: T0 + 5,
    };
    rejects(&vm, short, || check(&vm, &mut g, ALICE, SEL, 150));
    vm.set_block_timestamp(T0 + 5);
    ok(check(&vm, &mut g, ALICE, SEL, 150));
    assert_eq!(g.rate_limit(PROTOCOL, SEL).4, U256::ZERO);
    // Above capacity never fits; zero amounts pass and write nothing.
    let never = RateLimited {
        selector: SEL,
        available: U256::ZERO,
        retry_after: u64::MAX,
    };
    rejects(&vm, never, || check(&vm, &mut g, ALICE, SEL, 1_001));
    let before = storage(&vm);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    assert_eq!(storage(&vm), before);
}

#[test]
fn a_trip_pauses_the_selector_for_its_cooldown() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    assert_eq!(
        g.rate_limit(PROTOCOL, SEL),
        (
            U256::from(1_000u16),
            U256::from(1u8),
            U256::from(100u8),
            600,
            U256::from(1_000u16),
            U256::from(1u8)
        )
    );
    ok(check(&vm, &mut g, ALICE, SEL, 899));
    ok(check(&vm, &mut g, ALICE, SEL, 1)); // leaves exactly the trip level: trips, but passes
    assert_logged(
        &vm,
        Tripped {
            protocol: PROTOCOL,
            selector: SEL,
            until: T0 + 600,
        },
    );
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 600,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    vm.set_block_timestamp(T0 + 600);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // A charge that does not fit reverts and records nothing, trip included.
    let short = RateLimited {
        selector: SEL,
        available: U256::from(700u16),
        retry_after: T0 + 600 + 300,
    };
    rejects(&vm, short, || check(&vm, &mut g, ALICE, SEL, 1_000));
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
            refill_per_second: u(11),
            capacity: u(10),
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(11), u(0), 0),
    );
    let huge = U256::from(1u8) << 100;
    rejects(
        &vm,
        RefillBelowUnit {
            refill_per_second: u(1),
            unit: U256::from(1u8) << 65,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, huge, u(1), u(0), 0),
    );
    rejects(
        &vm,
        InvalidTrip {
            trip_level: u(10),
            trip_cooldown: 60,
        },
        || g.set_rate_limit(PROTOCOL, SEL, true, u(10), u(1), u(10), 60),
    );
    rejects(
        &vm,
        InvalidTrip {
            trip_level: u(5),
            trip_cooldown: 0,
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
    let (capacity, refill_eff, trip, cooldown, available, unit) = g.rate_limit(PROTOCOL, SEL);
    assert!(capacity <= cap && cap - capacity < unit);
    assert!(refill_eff <= refill && refill - refill_eff < unit);
    assert_eq!((trip, cooldown, available), (U256::ZERO, 60, capacity));
    assert!(unit > U256::from(1u8));
    // Any amount that is not a whole number of units is charged up to the next unit.
    ok(check(&vm, &mut g, ALICE, SEL, 1));
    assert_eq!(g.rate_limit(PROTOCOL, SEL).4, capacity - unit);
}

#[test]
fn reconfiguring_refills_then_caps_and_disabling_removes_the_limit() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 10, None);
    ok(check(&vm, &mut g, ALICE, SEL, 1_000));
    vm.set_block_timestamp(T0 + 30);
    limit(&vm, &mut g, 200, 10, None); // refilled 300, capped at 200
    assert_eq!(g.rate_limit(PROTOCOL, SEL).4, U256::from(200u8));
    limit(&vm, &mut g, 5_000, 10, None); // keeps 200: a raise is not a gift
    assert_eq!(g.rate_limit(PROTOCOL, SEL).4, U256::from(200u8));
    as_admin(&vm);
    ok(g.set_rate_limit(PROTOCOL, SEL, false, U256::ZERO, U256::ZERO, U256::ZERO, 0));
    assert_logged(
        &vm,
        RateLimitSet {
            protocol: PROTOCOL,
            selector: SEL,
            enabled: false,
            capacity: U256::ZERO,
            refill_per_second: U256::ZERO,
            trip_level: U256::ZERO,
            trip_cooldown: 0,
            unit: U256::ZERO,
        },
    );
    assert_eq!(g.rate_limit(PROTOCOL, SEL), Default::default());
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
        assert_eq!(g.selector_policy(PROTOCOL, s).2, T0 + 10);
    }
}

// ---- guardians ---------------------------------------------------------------------------

fn with_guardian() -> (TestVM, CircuitGuard) {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_guardian(PROTOCOL, GUARDIAN, true));
    vm.set_sender(GUARDIAN);
    (vm, g)
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
    assert_eq!(g.protocol_info(PROTOCOL).2, T0 + 30 * DAY);
}

#[test]
fn guardian_pauses_come_in_bounded_episodes() {
    let (vm, mut g) = with_guardian();
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
    assert_eq!(g.protocol_info(PROTOCOL).5, T0 + 3_600);
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
    assert_eq!(g.selector_policy(PROTOCOL, SEL2).1, T0 + 610);
    // After it: the cooldown, then a fresh episode.
    vm.set_block_timestamp(T0 + 3_600);
    let retry_at = T0 + 3_600 + 2 * DAY;
    rejects(&vm, PauseCooldown { retry_at }, || {
        g.pause_protocol(PROTOCOL, 10)
    });
    vm.set_block_timestamp(retry_at - 1);
    rejects(&vm, PauseCooldown { retry_at }, || {
        g.pause_selector(PROTOCOL, SEL, 10)
    });
    vm.set_block_timestamp(retry_at);
    ok(g.pause_selector(PROTOCOL, SEL, 10));
    assert_eq!(g.protocol_info(PROTOCOL).5, retry_at + 10);
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
            retry_at: T0 + 100 + 2 * DAY,
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
    assert_eq!(g.protocol_info(PROTOCOL).2, T0 + 10 * DAY);
    assert_eq!(g.selector_policy(PROTOCOL, SEL).1, T0 + 10 * DAY);
}

// ---- screen and preview ------------------------------------------------------------------

#[test]
fn screen_uses_the_selector_policy() {
    let (vm, mut g) = deploy();
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    flag(&vm, &mut g, ALICE, Level::Watch);
    vm.set_sender(PROTOCOL);
    assert_eq!(
        revert(g.screen(MALLORY, SEL)),
        CallerFlagged {
            caller: MALLORY,
            level: 3
        }
        .abi_encode()
    );
    ok(g.screen(ALICE, SEL));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 1, false));
    vm.set_sender(PROTOCOL);
    assert_eq!(
        revert(g.screen(ALICE, SEL)),
        CallerFlagged {
            caller: ALICE,
            level: 2
        }
        .abi_encode()
    );
    vm.set_sender(STRANGER);
    assert_eq!(
        revert(g.screen(ALICE, SEL)),
        ProtocolNotRegistered { protocol: STRANGER }.abi_encode()
    );
}

#[test]
fn preview_matches_check_without_consuming() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 100, 1, Some((10, 60)));
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    vm.set_sender(STRANGER);
    assert!(g.preview(PROTOCOL, ALICE, SEL, U256::from(95u8)).is_empty());
    assert_eq!(g.rate_limit(PROTOCOL, SEL).4, U256::from(100u8));
    let flagged = g.preview(PROTOCOL, MALLORY, SEL, U256::ZERO);
    assert_eq!(
        flagged.to_vec(),
        revert(check(&vm, &mut g, MALLORY, SEL, 0))
    );
    let short = g.preview(PROTOCOL, ALICE, SEL, U256::from(101u8));
    assert_eq!(short.to_vec(), revert(check(&vm, &mut g, ALICE, SEL, 101)));
    let unknown = g.preview(STRANGER, ALICE, SEL, U256::ZERO);
    assert_eq!(
        unknown.to_vec(),
        ProtocolNotRegistered { protocol: STRANGER }.abi_encode()
    );
}

// ---- properties --------------------------------------------------------------------------

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

    #[test]
    fn a_confirmed_unexpired_caller_never_passes(
        mode in 0u8..2,
        configured in any::<bool>(),
        origin in any::<bool>(),
        ttl in 1u64..DAY,
        at in 0u64..2 * DAY,
        amount in any::<u64>(),
    ) {
        let (vm, mut g) = deploy();
        as_admin(&vm);
        if configured {
            ok(g.set_screening(PROTOCOL, SEL, mode, origin));
            limit(&vm, &mut g, u64::MAX >> 28, 2, None);
        } else {
            ok(g.set_protocol_screening(PROTOCOL, mode, origin));
        }
        push_status(&vm, &mut g, subject::address(MALLORY), status(Level::Confirmed, T0 + ttl));
        vm.set_block_timestamp(T0 + at);
        let verdict = check(&vm, &mut g, MALLORY, SEL, amount);
        if at < ttl {
            prop_assert_eq!(revert(verdict), CallerFlagged { caller: MALLORY, level: 3 }.abi_encode());
        }
    }

    #[test]
    fn preview_always_agrees_with_check(
        steps in prop::collection::vec((0u64..120, 0u64..400, any::<bool>()), 1..25),
    ) {
        let (vm, mut g) = deploy();
        limit(&vm, &mut g, 1_000, 7, Some((50, 300)));
        flag(&vm, &mut g, MALLORY, Level::Confirmed);
        let mut now = T0;
        for (dt, amount, bad) in steps {
            now += dt;
            vm.set_block_timestamp(now);
            let caller = if bad { MALLORY } else { ALICE };
            let preview = g.preview(PROTOCOL, caller, SEL, U256::from(amount)).to_vec();
            match check(&vm, &mut g, caller, SEL, amount) {
                Ok(()) => prop_assert!(preview.is_empty()),
                Err(e) => prop_assert_eq!(preview, Vec::<u8>::from(e)),
            }
        }
    }
}
