//! The fixtures every module's contract tests share: a deployed guard on stylus-sdk's TestVM with
//! a registry and one registered protocol, the actors, and assertions on reverts and logs.
//!
//! The TestVM does not roll back a reverted call's writes, so every revert test also checks that
//! storage is untouched and nothing was logged: bad input must change nothing before it is
//! rejected.

use std::collections::HashMap;

pub(crate) use alloy_primitives::{address, Address, FixedBytes, B256, U256};
pub(crate) use alloy_sol_types::{SolError, SolEvent};
pub(crate) use proptest::prelude::*;
pub(crate) use stylus_sdk::testing::TestVM;
pub(crate) use vigil_common::{subject, testing::call, Level, Status};

pub(crate) use crate::*;

pub(crate) const OWNER: Address = address!("0x00000000000000000000000000000000000000a1");
pub(crate) const REGISTRY: Address = address!("0x00000000000000000000000000000000000000a2");
pub(crate) const PROTOCOL: Address = address!("0x00000000000000000000000000000000000000b1");
pub(crate) const ADMIN: Address = address!("0x00000000000000000000000000000000000000b2");
pub(crate) const GUARDIAN: Address = address!("0x00000000000000000000000000000000000000b3");
pub(crate) const ALICE: Address = address!("0x00000000000000000000000000000000000000c1");
pub(crate) const MALLORY: Address = address!("0x00000000000000000000000000000000000000c2");
pub(crate) const STRANGER: Address = address!("0x00000000000000000000000000000000000000c3");
/// The extension program the guard is constructed with (the native tests route its calls in
/// process; the devnet's tests run the real DELEGATECALL).
pub(crate) const EXTENSION: Address = address!("0x00000000000000000000000000000000000000e7");
pub(crate) const SEL: FixedBytes<4> = FixedBytes([0xde, 0xad, 0xbe, 0xef]);
pub(crate) const SEL2: FixedBytes<4> = FixedBytes([0x12, 0x34, 0x56, 0x78]);
pub(crate) const T0: u64 = 1_700_000_000;
pub(crate) const DAY: u64 = 86_400;

pub(crate) fn deploy() -> (TestVM, CircuitGuard) {
    let vm = TestVM::default();
    vm.set_block_timestamp(T0);
    let mut g = CircuitGuard::from(&vm);
    vm.set_sender(OWNER);
    ok(g.constructor(OWNER, EXTENSION));
    ok(g.set_registry(REGISTRY));
    vm.set_sender(PROTOCOL);
    ok(g.register_protocol(ADMIN));
    vm.clear_mocks();
    (vm, g)
}

#[track_caller]
pub(crate) fn ok<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!(
            "unexpected revert 0x{}",
            alloy_primitives::hex::encode(Vec::<u8>::from(e))
        ),
    }
}

#[track_caller]
pub(crate) fn revert<T>(r: Result<T>) -> Vec<u8> {
    match r {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

/// Runs `f` expecting exactly `expected` as revert data, no storage change and no log.
#[track_caller]
pub(crate) fn rejects<T>(vm: &TestVM, expected: impl SolError, f: impl FnOnce() -> Result<T>) {
    let before = storage(vm);
    let logs = vm.get_emitted_logs().len();
    assert_eq!(revert(f()), expected.abi_encode());
    assert_eq!(storage(vm), before, "a rejected call changed storage");
    assert_eq!(vm.get_emitted_logs().len(), logs, "a rejected call logged");
}

pub(crate) fn storage(vm: &TestVM) -> HashMap<U256, B256> {
    vm.snapshot()
        .storage
        .into_iter()
        .filter(|(_, v)| !v.is_zero())
        .collect()
}

#[track_caller]
pub(crate) fn assert_logged(vm: &TestVM, event: impl SolEvent) {
    let expected = event.encode_log_data();
    let logs = vm.get_emitted_logs();
    assert!(
        logs.iter()
            .any(|(topics, data)| topics == expected.topics() && data[..] == expected.data[..]),
        "event {} not emitted with the expected data",
        std::any::type_name_of_val(&event)
    );
}

pub(crate) fn status(level: Level, expiry: u64) -> U256 {
    Status {
        level,
        expiry,
        ..Status::default()
    }
    .to_word()
}

pub(crate) fn push_status(vm: &TestVM, g: &mut CircuitGuard, subject: B256, word: U256) {
    let sender = vm.snapshot().msg_sender;
    vm.set_sender(REGISTRY);
    ok(g.on_status_change(subject, word));
    vm.set_sender(sender);
}

pub(crate) fn flag(vm: &TestVM, g: &mut CircuitGuard, who: Address, level: Level) {
    push_status(vm, g, subject::address(who), status(level, T0 + 30 * DAY));
}

pub(crate) fn credit(vm: &TestVM, g: &mut CircuitGuard, selector: FixedBytes<4>, amount: u64) {
    vm.set_sender(PROTOCOL);
    ok(g.credit(selector, U256::from(amount)));
}

pub(crate) fn check(
    vm: &TestVM,
    g: &mut CircuitGuard,
    caller: Address,
    selector: FixedBytes<4>,
    amount: u64,
) -> Result<()> {
    vm.set_sender(PROTOCOL);
    g.check(caller, selector, U256::from(amount))
}

pub(crate) fn as_admin(vm: &TestVM) {
    vm.set_sender(ADMIN);
}

pub(crate) fn limit(
    vm: &TestVM,
    g: &mut CircuitGuard,
    capacity: u64,
    refill: u64,
    trip: Option<(u64, u64)>,
) {
    as_admin(vm);
    let (level, rearm) = trip.unwrap_or((0, 0));
    ok(g.set_rate_limit(
        PROTOCOL,
        SEL,
        true,
        U256::from(capacity),
        U256::from(refill),
        U256::from(level),
        U256::from(rearm),
    ));
}

pub(crate) fn advisory(n: u8) -> B256 {
    subject::advisory(B256::repeat_byte(n))
}

/// Runs `data`, the calldata of a timelocked method, as the owner would: schedule, wait out the
/// delay (the clock moves to the call's eta), execute. The sender is left at OWNER.
pub(crate) fn timelocked(vm: &TestVM, g: &mut CircuitGuard, data: Vec<u8>) -> Result<()> {
    vm.set_sender(OWNER);
    let id = g.schedule(data.clone().into())?;
    vm.set_block_timestamp(g.scheduled_at(id));
    g.execute(data.into())
}

pub(crate) fn with_guardian() -> (TestVM, CircuitGuard) {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_guardian(PROTOCOL, GUARDIAN, true));
    vm.set_sender(GUARDIAN);
    (vm, g)
}
