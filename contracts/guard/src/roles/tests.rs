//! The guard owner, the registry link, registration, admins and guardians.

use crate::tests::*;

#[test]
fn constructor_sets_owner_and_default_bounds() {
    let vm = TestVM::default();
    let mut g = CircuitGuard::from(&vm);
    vm.set_sender(STRANGER);
    ok(g.constructor(OWNER, EXTENSION));
    assert_eq!(
        g.guard_config(),
        GuardConfig {
            owner: OWNER,
            pendingOwner: Address::ZERO,
            registry: Address::ZERO,
            maxPauseDuration: DEFAULT_MAX_PAUSE,
            pauseCooldown: DEFAULT_PAUSE_COOLDOWN,
            delay: DEFAULT_DELAY,
        }
    );
    assert_logged(
        &vm,
        OwnershipTransferred {
            previousOwner: Address::ZERO,
            newOwner: OWNER,
        },
    );
}

#[test]
fn constructor_rejects_zero_owner_or_extension() {
    let vm = TestVM::default();
    let mut g = CircuitGuard::from(&vm);
    rejects(&vm, ZeroAddress {}, || {
        g.constructor(Address::ZERO, EXTENSION)
    });
    rejects(&vm, ZeroAddress {}, || g.constructor(OWNER, Address::ZERO));
}

#[test]
fn ownership_is_two_step() {
    let (vm, mut g) = deploy();
    vm.set_sender(STRANGER);
    rejects(&vm, NotOwner { account: STRANGER }, || {
        g.schedule(call("transferOwnership(address)", (STRANGER,)).into())
    });
    ok(timelocked(
        &vm,
        &mut g,
        call("transferOwnership(address)", (ADMIN,)),
    ));
    assert_logged(
        &vm,
        OwnershipTransferStarted {
            owner: OWNER,
            pendingOwner: ADMIN,
        },
    );
    assert_eq!(g.guard_config().pendingOwner, ADMIN);
    vm.set_sender(STRANGER);
    rejects(&vm, NotPendingOwner { account: STRANGER }, || {
        g.accept_ownership()
    });
    vm.set_sender(ADMIN);
    ok(g.accept_ownership());
    assert_logged(
        &vm,
        OwnershipTransferred {
            previousOwner: OWNER,
            newOwner: ADMIN,
        },
    );
    assert_eq!(
        (g.guard_config().owner, g.guard_config().pendingOwner),
        (ADMIN, Address::ZERO)
    );
    // The old owner is out; the accepted transfer cannot be replayed.
    vm.set_sender(OWNER);
    rejects(&vm, NotOwner { account: OWNER }, || {
        g.cancel(B256::repeat_byte(1))
    });
    rejects(&vm, NotPendingOwner { account: OWNER }, || {
        g.accept_ownership()
    });
}

#[test]
fn a_pending_transfer_can_be_cancelled() {
    let (vm, mut g) = deploy();
    ok(timelocked(
        &vm,
        &mut g,
        call("transferOwnership(address)", (ADMIN,)),
    ));
    ok(timelocked(
        &vm,
        &mut g,
        call("transferOwnership(address)", (Address::ZERO,)),
    ));
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
    ok(timelocked(
        &vm,
        &mut g,
        call("setRegistry(address)", (STRANGER,)),
    ));
    assert_eq!(g.guard_config().registry, STRANGER);
    assert_logged(&vm, RegistrySet { registry: STRANGER });
    ok(timelocked(
        &vm,
        &mut g,
        call("setPauseBounds(uint32,uint32)", (3_600u32, 7_200u32)),
    ));
    assert_eq!(
        (
            g.guard_config().maxPauseDuration,
            g.guard_config().pauseCooldown
        ),
        (3_600, 7_200)
    );
    assert_logged(
        &vm,
        PauseBoundsSet {
            maxPauseDuration: 3_600,
            pauseCooldown: 7_200,
        },
    );
}

#[test]
fn register_protocol_records_the_admin() {
    let (vm, mut g) = deploy();
    assert_eq!(
        g.protocol_info(PROTOCOL),
        ProtocolInfo {
            registered: true,
            admin: ADMIN,
            pausedUntil: 0,
            screening: 0,
            screenOrigin: false,
            guardianPauseEnd: 0,
        }
    );
    vm.set_sender(STRANGER);
    ok(g.register_protocol(ALICE));
    assert_logged(
        &vm,
        ProtocolRegistered {
            protocol: STRANGER,
            admin: ALICE,
        },
    );
    assert_eq!(g.protocol_info(STRANGER).admin, ALICE);
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
