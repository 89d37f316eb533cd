//! Calls crossing between the EVM and Stylus, nested several deep, with reverts at each depth,
//! the reentrancy flag, and EIP-2929 access lists shared by both VMs.

mod common;

use common::*;
use vigil_devnet::{Address, Bytes, Devnet, U256};

struct World {
    chain: Devnet,
    p1: Address,
    p2: Address,
    forwarder: Address,
    reverting_forwarder: Address,
}

fn world() -> World {
    let mut chain = Devnet::new();
    let p1 = deploy_probe(&mut chain);
    let p2 = deploy_probe(&mut chain);
    let plain = deploy(&mut chain, &forwarder(false));
    let reverting = deploy(&mut chain, &forwarder(true));
    World {
        chain,
        p1,
        p2,
        forwarder: plain,
        reverting_forwarder: reverting,
    }
}

fn probe_call(target: Address, data: Bytes) -> Vec<u8> {
    IProbe::callCall {
        target,
        data,
        value: U256::ZERO,
        gas: u64::MAX,
    }
    .abi_encode()
}

fn store(key: u64, value: u64) -> Bytes {
    IProbe::storeCall {
        key: word(key),
        value: word(value),
    }
    .abi_encode()
    .into()
}

#[test]
fn evm_to_stylus_to_evm_to_stylus() {
    let mut w = world();
    // EOA -> forwarder (EVM) -> p1 (Stylus) -> forwarder (EVM) -> p2.store (Stylus)
    let inner = forward(w.p2, &store(0x60, 61));
    let via_p1 = probe_call(w.forwarder, inner);
    let receipt = w
        .chain
        .call(BOB, w.forwarder, forward(w.p1, &via_p1), U256::ZERO)
        .unwrap();
    assert!(receipt.success, "{receipt:?}");
    let out = IProbe::callCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(out._0, 0);
    assert_eq!(w.chain.storage(w.p2, U256::from(0x60)), U256::from(61));
}

#[test]
fn innermost_revert_rolls_back_only_its_frame() {
    let mut w = world();
    // p1 stores through p2 first (committed), then a reverting store in p2 via the forwarder.
    let ok = probe_call(w.forwarder, forward(w.p2, &store(0x60, 1)));
    assert!(
        w.chain
            .call(BOB, w.p1, ok.into(), U256::ZERO)
            .unwrap()
            .success
    );
    let reverting = IProbe::storeAndRevertCall {
        key: word(0x60),
        value: word(2),
    }
    .abi_encode();
    let data = probe_call(w.forwarder, forward(w.p2, &reverting));
    let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
    assert!(receipt.success);
    let out = IProbe::callCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(out._0, 2);
    assert_eq!(
        out._1.as_ref(),
        b"reverted",
        "revert data bubbles through the EVM frame"
    );
    assert_eq!(w.chain.storage(w.p2, U256::from(0x60)), U256::from(1));
}

#[test]
fn middle_evm_revert_undoes_a_successful_stylus_child() {
    let mut w = world();
    let data = probe_call(w.reverting_forwarder, forward(w.p2, &store(0x60, 5)));
    let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
    assert!(receipt.success);
    assert_eq!(
        IProbe::callCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        2
    );
    assert_eq!(w.chain.storage(w.p2, U256::from(0x60)), U256::ZERO);
}

#[test]
fn stylus_revert_undoes_its_successful_children_and_their_logs() {
    let mut w = world();
    let log = IProbe::logCall {
        topics: vec![word(1)],
        data: Bytes::new(),
    }
    .abi_encode();
    let data = IProbe::callThenRevertCall {
        target: w.p2,
        data: log.into(),
    }
    .abi_encode();
    let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
    assert!(!receipt.success);
    assert_eq!(
        receipt.output[0], 0,
        "the child succeeded before the parent reverted"
    );
    assert!(receipt.logs.is_empty());

    let data = IProbe::callThenRevertCall {
        target: w.p2,
        data: store(0x60, 9),
    }
    .abi_encode();
    assert!(
        !w.chain
            .call(BOB, w.p1, data.into(), U256::ZERO)
            .unwrap()
            .success
    );
    assert_eq!(w.chain.storage(w.p2, U256::from(0x60)), U256::ZERO);
}

#[test]
fn outer_evm_revert_undoes_everything_below() {
    let mut w = world();
    let via_p1 = probe_call(w.forwarder, forward(w.p2, &store(0x60, 5)));
    let receipt = w
        .chain
        .call(
            BOB,
            w.reverting_forwarder,
            forward(w.p1, &via_p1),
            U256::ZERO,
        )
        .unwrap();
    assert!(!receipt.success);
    assert_eq!(w.chain.storage(w.p2, U256::from(0x60)), U256::ZERO);
}

#[test]
fn logs_from_both_vms_keep_their_order() {
    let mut w = world();
    let log = IProbe::logCall {
        topics: vec![word(7)],
        data: Bytes::from_static(b"p2"),
    }
    .abi_encode();
    let inner = forward(w.p2, &log);
    let data = probe_call(w.forwarder, inner);
    let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].address, w.p2);
    assert_eq!(receipt.logs[0].topics, vec![word(7)]);
}

#[test]
fn reentrancy_flag_marks_a_program_already_on_the_stack() {
    let mut w = world();
    // p1 -> forwarder -> p1: the SDK entrypoint sees msg_reentrant and reverts.
    let context = IProbe::contextCall {}.abi_encode();
    let data = probe_call(w.forwarder, forward(w.p1, &context));
    let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
    assert_eq!(
        IProbe::callCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        2
    );
    // p1 -> forwarder -> p2 is not reentrant; p2 sees the forwarder as sender, BOB as origin.
    let data = probe_call(w.forwarder, forward(w.p2, &context));
    let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
    let out = IProbe::callCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(out._0, 0);
    let ctx = IProbe::contextCall::abi_decode_returns(&out._1).unwrap();
    assert_eq!(ctx._0, w.forwarder);
    assert_eq!(ctx._2, BOB);
    assert!(!ctx._5);
}

#[test]
fn a_static_call_into_a_program_cannot_write_or_log() {
    let mut w = world();
    let log = IProbe::logCall {
        topics: vec![],
        data: Bytes::new(),
    }
    .abi_encode();
    let context = IProbe::contextCall {}.abi_encode();
    for (inner, status) in [(store(0x60, 1), 2), (log.into(), 2), (context.into(), 0)] {
        let data = IProbe::staticCallCall {
            target: w.p2,
            data: inner,
        }
        .abi_encode();
        let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
        let out = IProbe::staticCallCall::abi_decode_returns(&receipt.output).unwrap();
        assert_eq!(out._0, status);
    }
    assert_eq!(w.chain.storage(w.p2, U256::from(0x60)), U256::ZERO);
}

#[test]
fn delegate_call_into_a_program_is_not_reentrant() {
    let mut w = world();
    // p1 delegate-calls p2's code: it runs as p1, sees p1's caller, and is not reentrant.
    let context = IProbe::contextCall {}.abi_encode();
    let data = IProbe::delegateCallCall {
        target: w.p2,
        data: context.into(),
    }
    .abi_encode();
    let receipt = w.chain.call(BOB, w.p1, data.into(), U256::ZERO).unwrap();
    let out = IProbe::delegateCallCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(out._0, 0);
    let ctx = IProbe::contextCall::abi_decode_returns(&out._1).unwrap();
    assert_eq!(ctx._0, BOB);
    assert_eq!(ctx._3, w.p1);
    assert!(!ctx._5);
}

#[test]
fn value_flows_through_both_vms() {
    let mut w = world();
    w.chain.fund(BOB, ether(10));
    // BOB -> forwarder (3 ether) -> p1.call(p2.context, 2 ether): p1 keeps 1, p2 gets 2.
    let context = IProbe::contextCall {}.abi_encode();
    let via_p1 = IProbe::callCall {
        target: w.p2,
        data: context.into(),
        value: ether(2),
        gas: u64::MAX,
    }
    .abi_encode();
    let receipt = w
        .chain
        .call(BOB, w.forwarder, forward(w.p1, &via_p1), ether(3))
        .unwrap();
    assert!(receipt.success, "{receipt:?}");
    let out = IProbe::callCall::abi_decode_returns(&receipt.output).unwrap();
    let ctx = IProbe::contextCall::abi_decode_returns(&out._1).unwrap();
    assert_eq!(ctx._0, w.p1);
    assert_eq!(ctx._1, ether(2));
    assert_eq!(w.chain.balance(w.p1), ether(1));
    assert_eq!(w.chain.balance(w.p2), ether(2));
    assert_eq!(w.chain.balance(BOB), ether(7));
}

/// `push20 x; balance; pop` then `call(gas, probe, 0, 0, len, 0, 0)` with the calldata in memory.
fn warm_then_call(warm: Address, probe: Address, calldata: &[u8]) -> Vec<u8> {
    let mut code = vec![0x73];
    code.extend_from_slice(warm.as_slice());
    code.extend_from_slice(&[0x31, 0x50]); // balance, pop
                                           // codecopy(0, offset_of_calldata, len)
    let len = calldata.len() as u8;
    let body_len = 2 + 2 + 2 + 1 + 2 + 2 + 2 + 2 + 2 + 21 + 1 + 1 + 1 + 1;
    let offset = (code.len() + body_len) as u8;
    code.extend_from_slice(&[0x60, len, 0x60, offset, 0x60, 0x00, 0x39]);
    code.extend_from_slice(&[
        0x60, 0x00, 0x60, 0x00, 0x60, len, 0x60, 0x00, 0x60, 0x00, 0x73,
    ]);
    code.extend_from_slice(probe.as_slice());
    code.extend_from_slice(&[0x5a, 0xf1, 0x50, 0x00]); // gas, call, pop, stop
    assert_eq!(code.len(), offset as usize);
    code.extend_from_slice(calldata);
    code
}

#[test]
fn warm_and_cold_access_is_shared_by_both_vms() {
    let mut w = world();
    let target = addr(0x11);
    let other = addr(0x22);
    let query = IProbe::accountCall { target }.abi_encode();
    // Same code shape; one warms `target` in the EVM before the probe reads it, one warms `other`.
    let warmed = deploy(&mut w.chain, &warm_then_call(target, w.p1, &query));
    let unwarmed = deploy(&mut w.chain, &warm_then_call(other, w.p1, &query));
    let warm = w.chain.call(BOB, warmed, Bytes::new(), U256::ZERO).unwrap();
    let cold = w
        .chain
        .call(BOB, unwarmed, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(warm.success && cold.success);
    // The probe touches `target` once cold (2,600) and three times warm (100) otherwise.
    assert_eq!(cold.gas_used - warm.gas_used, 2_600 - 100);
}
