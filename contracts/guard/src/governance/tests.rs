//! The owner's timelock: which powers wait, scheduling, cancelling, executing, and the first
//! registry link.

use crate::tests::*;

const NEW_REGISTRY: Address = address!("0x00000000000000000000000000000000000000a3");

/// A timelocked power: its name, calldata that changes something, and a check that it did.
type Power = (&'static str, Vec<u8>, fn(&CircuitGuard) -> bool);

/// The four timelocked powers.
fn powers() -> Vec<Power> {
    vec![
        (
            "setRegistry",
            call("setRegistry(address)", (NEW_REGISTRY,)),
            |g| g.guard_config().registry == NEW_REGISTRY,
        ),
        (
            "setPauseBounds",
            call("setPauseBounds(uint32,uint32)", (0u32, 7u32)),
            |g| {
                (
                    g.guard_config().maxPauseDuration,
                    g.guard_config().pauseCooldown,
                ) == (0, 7)
            },
        ),
        (
            "transferOwnership",
            call("transferOwnership(address)", (STRANGER,)),
            |g| g.guard_config().pendingOwner == STRANGER,
        ),
        ("setDelay", call("setDelay(uint64)", (MIN_DELAY,)), |g| {
            g.guard_config().delay == MIN_DELAY
        }),
    ]
}

fn id(data: &[u8]) -> B256 {
    alloy_primitives::keccak256(data)
}

#[test]
fn the_constructor_sets_the_default_delay() {
    let (_, g) = deploy();
    assert_eq!(g.guard_config().delay, DEFAULT_DELAY);
    assert_eq!(DEFAULT_DELAY, 2 * DAY);
}

#[test]
fn every_timelocked_power_is_refused_when_called_directly() {
    let (vm, mut g) = deploy();
    for who in [OWNER, STRANGER] {
        vm.set_sender(who);
        rejects(&vm, MustBeScheduled {}, || g.set_registry(NEW_REGISTRY));
        rejects(&vm, MustBeScheduled {}, || g.set_registry(Address::ZERO));
        rejects(&vm, MustBeScheduled {}, || g.set_pause_bounds(0, 0));
        rejects(&vm, MustBeScheduled {}, || g.transfer_ownership(STRANGER));
        rejects(&vm, MustBeScheduled {}, || g.set_delay(MIN_DELAY));
    }
}

#[test]
fn only_the_first_registry_link_is_immediate() {
    let vm = TestVM::default();
    vm.set_block_timestamp(T0);
    let mut g = CircuitGuard::from(&vm);
    vm.set_sender(OWNER);
    ok(g.constructor(OWNER, EXTENSION));
    vm.set_sender(STRANGER);
    rejects(&vm, NotOwner { account: STRANGER }, || {
        g.set_registry(STRANGER)
    });
    // Zero changes nothing and links nothing: the first real link is still immediate.
    vm.set_sender(OWNER);
    ok(g.set_registry(Address::ZERO));
    ok(g.set_registry(REGISTRY));
    assert_logged(&vm, RegistrySet { registry: REGISTRY });
    assert_eq!(g.guard_config().registry, REGISTRY);
    // Every later change waits, including cutting the feed off.
    rejects(&vm, MustBeScheduled {}, || g.set_registry(NEW_REGISTRY));
    rejects(&vm, MustBeScheduled {}, || g.set_registry(Address::ZERO));
    ok(timelocked(
        &vm,
        &mut g,
        call("setRegistry(address)", (Address::ZERO,)),
    ));
    assert_eq!(g.guard_config().registry, Address::ZERO);
    // A guard once linked stays "linked" at zero: re-linking waits too.
    rejects(&vm, MustBeScheduled {}, || g.set_registry(REGISTRY));
}

#[test]
fn each_power_runs_exactly_from_its_eta() {
    for (name, data, done) in powers() {
        let (vm, mut g) = deploy();
        vm.set_block_timestamp(T0 + 5);
        vm.set_sender(OWNER);
        let scheduled = ok(g.schedule(data.clone().into()));
        let eta = T0 + 5 + DEFAULT_DELAY;
        assert_eq!(scheduled, id(&data), "{name}");
        assert_eq!(g.scheduled_at(scheduled), eta, "{name}");
        assert_logged(
            &vm,
            CallScheduled {
                id: scheduled,
                eta,
                data: data.clone().into(),
            },
        );
        for at in [T0 + 5, eta - 1] {
            vm.set_block_timestamp(at);
            rejects(&vm, CallNotReady { id: scheduled, eta }, || {
                g.execute(data.clone().into())
            });
        }
        assert!(!done(&g), "{name} ran before its eta");
        vm.set_block_timestamp(eta);
        // Only the owner executes, even when the call is due.
        vm.set_sender(STRANGER);
        rejects(&vm, NotOwner { account: STRANGER }, || {
            g.execute(data.clone().into())
        });
        vm.set_sender(OWNER);
        ok(g.execute(data.clone().into()));
        assert!(done(&g), "{name} did not run");
        assert_logged(&vm, CallExecuted { id: scheduled });
        // Consumed: it runs once per scheduling, and the execute flag is down again.
        assert_eq!(g.scheduled_at(scheduled), 0);
        rejects(&vm, CallNotScheduled { id: scheduled }, || {
            g.execute(data.clone().into())
        });
        rejects(&vm, MustBeScheduled {}, || g.set_delay(MIN_DELAY));
    }
}

#[test]
fn schedule_takes_only_well_formed_timelocked_calls_from_the_owner() {
    let (vm, mut g) = deploy();
    let good = call("setDelay(uint64)", (DAY,));
    vm.set_sender(STRANGER);
    rejects(&vm, NotOwner { account: STRANGER }, || {
        g.schedule(good.clone().into())
    });
    vm.set_sender(OWNER);
    let selector = |data: &[u8]| FixedBytes::<4>::from_slice(&data[..4]);
    // Not timelocked: the hot path, admin settings, the timelock itself, the second step of a
    // transfer, the constructor.
    let not_timelocked = [
        call("check(address,bytes4,uint256)", (ALICE, SEL, U256::ZERO)),
        call(
            "setScreening(address,bytes4,uint8,bool)",
            (PROTOCOL, SEL, U256::ZERO, false),
        ),
        call("acceptOwnership()", ()),
        call(
            "execute(bytes)",
            (alloy_primitives::Bytes::from(good.clone()),),
        ),
        call(
            "schedule(bytes)",
            (alloy_primitives::Bytes::from(good.clone()),),
        ),
        call("cancel(bytes32)", (B256::ZERO,)),
        call("onStatusChange(bytes32,uint256)", (B256::ZERO, U256::ZERO)),
        stylus_sdk::abi::CONSTRUCTOR_SELECTOR.to_be_bytes().to_vec(),
    ];
    for data in not_timelocked {
        let s = selector(&data);
        rejects(&vm, NotTimelockable { selector: s }, || {
            g.schedule(data.into())
        });
    }
    // Shorter than a selector: the zero selector.
    for data in [vec![], vec![0xde, 0xad, 0xbe]] {
        rejects(
            &vm,
            NotTimelockable {
                selector: FixedBytes::ZERO,
            },
            || g.schedule(data.into()),
        );
    }
    // Timelocked, but arguments that would not decode: a dirty address, a uint32 over 32 bits,
    // a missing argument, a uint64 over 64 bits.
    let mut dirty = call("setRegistry(address)", (NEW_REGISTRY,));
    dirty[4] = 1;
    let over = call(
        "setPauseBounds(uint32,uint32)",
        (U256::from(u32::MAX) + U256::from(1u8), U256::ZERO),
    );
    let mut short = call("setPauseBounds(uint32,uint32)", (1u32, 2u32));
    short.truncate(4 + 32);
    let wide = call(
        "setDelay(uint64)",
        (U256::from(u64::MAX) + U256::from(1u8),),
    );
    for data in [dirty, over, short, wide] {
        let s = selector(&data);
        rejects(&vm, NotTimelockable { selector: s }, || {
            g.schedule(data.into())
        });
    }
    // A delay out of range fails now, with the method's own error, not after the wait.
    for delay in [0, MIN_DELAY - 1, MAX_DELAY + 1, u64::MAX] {
        rejects(
            &vm,
            InvalidDelay {
                delay,
                min: MIN_DELAY,
                max: MAX_DELAY,
            },
            || g.schedule(call("setDelay(uint64)", (delay,)).into()),
        );
    }
    // The same call twice: cancel first to restart its delay.
    let first = ok(g.schedule(good.clone().into()));
    rejects(&vm, CallAlreadyScheduled { id: first }, || {
        g.schedule(good.clone().into())
    });
}

#[test]
fn cancel_drops_a_scheduled_call() {
    let (vm, mut g) = deploy();
    let data = call("setPauseBounds(uint32,uint32)", (0u32, 0u32));
    vm.set_sender(OWNER);
    let scheduled = ok(g.schedule(data.clone().into()));
    vm.set_sender(STRANGER);
    rejects(&vm, NotOwner { account: STRANGER }, || g.cancel(scheduled));
    vm.set_sender(OWNER);
    rejects(
        &vm,
        CallNotScheduled {
            id: B256::repeat_byte(1),
        },
        || g.cancel(B256::repeat_byte(1)),
    );
    ok(g.cancel(scheduled));
    assert_logged(&vm, CallCancelled { id: scheduled });
    assert_eq!(g.scheduled_at(scheduled), 0);
    vm.set_block_timestamp(T0 + DEFAULT_DELAY);
    rejects(&vm, CallNotScheduled { id: scheduled }, || {
        g.execute(data.clone().into())
    });
    // Scheduling it again starts a full delay from now.
    ok(g.schedule(data.clone().into()));
    assert_eq!(g.scheduled_at(scheduled), T0 + 2 * DEFAULT_DELAY);
    assert_eq!(g.guard_config().maxPauseDuration, DEFAULT_MAX_PAUSE);
}

#[test]
fn a_new_delay_applies_to_calls_scheduled_after_it() {
    let (vm, mut g) = deploy();
    let early = call("setPauseBounds(uint32,uint32)", (1u32, 1u32));
    vm.set_sender(OWNER);
    let early_id = ok(g.schedule(early.clone().into()));
    ok(timelocked(
        &vm,
        &mut g,
        call("setDelay(uint64)", (MAX_DELAY,)),
    ));
    assert_logged(&vm, DelaySet { delay: MAX_DELAY });
    assert_eq!(g.guard_config().delay, MAX_DELAY);
    // Scheduled before: keeps its eta.
    assert_eq!(g.scheduled_at(early_id), T0 + DEFAULT_DELAY);
    ok(g.execute(early.into()));
    // Scheduled after: waits the new delay.
    let now = T0 + DEFAULT_DELAY;
    let later = call("transferOwnership(address)", (STRANGER,));
    let later_id = ok(g.schedule(later.into()));
    assert_eq!(g.scheduled_at(later_id), now + MAX_DELAY);
}

#[test]
fn a_failing_scheduled_call_reverts_with_its_own_data() {
    // Every call `schedule` accepts is validated when scheduled, so none of the guard's can fail
    // when run; a call placed in the queue without that check (here `registerProtocol` with a
    // zero admin) shows that `execute` passes the inner revert data through unchanged. That
    // the revert also leaves the call scheduled is a property of a real revert, tested on the
    // devnet (devnet/tests/guard_powers.rs).
    let (vm, mut g) = deploy();
    let data = call("registerProtocol(address)", (Address::ZERO,));
    vm.set_sender(OWNER);
    ok(g.owner_settings()
        .timelock
        .schedule(&data, DEFAULT_DELAY)
        .map_err(CircuitGuardError::from));
    vm.set_block_timestamp(T0 + DEFAULT_DELAY);
    assert_eq!(revert(g.execute(data.into())), ZeroAddress {}.abi_encode());
}

#[test]
fn execute_cannot_be_reentered() {
    // `execute(execute(x))` would need `execute` in the queue, which `schedule` refuses; placed
    // there without that check, the inner `execute` meets the running one and is refused.
    let (vm, mut g) = deploy();
    let inner = call("setDelay(uint64)", (DAY,));
    let outer = call(
        "execute(bytes)",
        (alloy_primitives::Bytes::from(inner.clone()),),
    );
    vm.set_sender(OWNER);
    ok(g.schedule(inner.into()));
    ok(g.owner_settings()
        .timelock
        .schedule(&outer, DEFAULT_DELAY)
        .map_err(CircuitGuardError::from));
    vm.set_block_timestamp(T0 + DEFAULT_DELAY);
    assert_eq!(
        revert(g.execute(outer.into())),
        MustBeScheduled {}.abi_encode()
    );
}

#[test]
fn a_timelocked_transfer_still_needs_the_new_owners_acceptance() {
    let (vm, mut g) = deploy();
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
    assert_eq!(g.guard_config().owner, OWNER);
    vm.set_sender(ADMIN);
    ok(g.accept_ownership());
    assert_eq!(g.guard_config().owner, ADMIN);
    // The old owner can neither schedule nor execute any more.
    vm.set_sender(OWNER);
    rejects(&vm, NotOwner { account: OWNER }, || {
        g.schedule(call("setDelay(uint64)", (DAY,)).into())
    });
}

#[test]
fn admins_and_guardians_act_at_once() {
    // Protocol roles govern only their own protocol and are not behind the owner's delay.
    let (vm, mut g) = with_guardian();
    ok(g.pause_protocol(PROTOCOL, 60));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 1, true));
    ok(g.unpause_protocol(PROTOCOL));
    ok(check(&vm, &mut g, ALICE, SEL, 0));
}

#[test]
fn the_owner_settings_root_is_derived_as_erc7201_does() {
    let id =
        U256::from_be_bytes(alloy_primitives::keccak256("vigil.guard.owner").0) - U256::from(1u8);
    let root = U256::from_be_bytes(alloy_primitives::keccak256(id.to_be_bytes::<32>()).0)
        & !U256::from(0xffu8);
    let limbs = governance::ROOT;
    assert_eq!(
        U256::from_limbs([limbs[3], limbs[2], limbs[1], limbs[0]]),
        root,
        "ROOT should be {:#x}",
        root
    );
}

#[test]
fn the_owner_settings_live_outside_the_struct_every_call_builds() {
    // The delay (with `linked` packed above it) sits a few slots past ROOT, not among the guard's
    // own consecutive slots.
    let (vm, g) = deploy();
    let limbs = governance::ROOT;
    let root = U256::from_limbs([limbs[3], limbs[2], limbs[1], limbs[0]]);
    let low64 = |w: &B256| U256::from_be_bytes(w.0) & U256::from(u64::MAX);
    let near_root = storage(&vm)
        .into_iter()
        .filter(|(slot, word)| {
            *slot >= root
                && *slot - root < U256::from(4u8)
                && low64(word) == U256::from(DEFAULT_DELAY)
        })
        .count();
    assert_eq!(near_root, 1, "the delay is stored just past ROOT");
    assert_eq!(g.guard_config().delay, DEFAULT_DELAY);
}
