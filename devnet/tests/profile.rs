//! The gas profile per wasm function (`vigil_devnet::stylus::profile`): every ink of a frame is
//! charged to the function, hostio or frame item that spent it, and profiling changes no charge.

mod common;

use common::*;
use vigil_devnet::stylus::profile::{Cost, Site, CODE, ENTRY, FLUSH};
use vigil_devnet::{Bytes, Devnet, U256};
use wasm_encoder::{Instruction::*, ValType::I32};

const INTRINSIC: u64 = 21_000;
const INK_PER_GAS: u64 = 10_000;
/// Block header of the meter (devnet/src/stylus/meter.rs).
const HEADER: u64 = 2_695;

/// The entry point (function 1) calls function 2, which reads storage slot 0 through the
/// `storage_load_bytes32` import (function 0).
fn nested_load() -> Vec<u8> {
    Wasm {
        imports: vec![("vm_hooks", "storage_load_bytes32", vec![I32, I32], vec![])],
        body: vec![Call(2), I32Const(0), End],
        extra: vec![(
            (vec![], vec![]),
            vec![I32Const(0), I32Const(32), Call(0), End],
        )],
        ..Wasm::default()
    }
    .build()
}

fn cost(ink: u64, count: u64) -> Cost {
    Cost { ink, count }
}

#[test]
fn every_ink_of_a_frame_is_charged_where_it_was_spent() {
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &nested_load(), None).unwrap();
    let stats = chain.program_stats(program).unwrap();
    chain.start_profile();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    let profile = chain.finish_profile();
    assert!(receipt.success);

    let at = |site: Site, what: &str| {
        profile
            .costs
            .iter()
            .find(|((p, s, w), _)| *p == program && *s == site && *w == what)
            .map(|(_, c)| *c)
    };
    let entry = (stats.init_gas() + stats.cached_gas()) * INK_PER_GAS;
    assert_eq!(at(Site::Frame, ENTRY), Some(cost(entry, 1)));
    // Entry point: `call 2` (3,800) and `i32.const; end` (2), each behind a header.
    assert_eq!(
        at(Site::Function(1), CODE),
        Some(cost(3_800 + HEADER + 2 + HEADER, 1))
    );
    // Function 2: `i32.const x2; call 0` (3,802) and `end` (1).
    assert_eq!(
        at(Site::Function(2), CODE),
        Some(cost(3_802 + HEADER + 1 + HEADER, 1))
    );
    // The load is charged to function 2, which called it: 8,400 + 2 x 5,040 ink and a cold
    // SLOAD's 2,100 gas.
    assert_eq!(
        at(Site::Function(2), "storage_load_bytes32"),
        Some(cost(18_480 + 2_100 * INK_PER_GAS, 1))
    );
    // Nothing else was charged (no flush: nothing was written), and the receipt's gas is the
    // profile's ink rounded up to gas.
    assert_eq!(profile.costs.len(), 4);
    let ink = profile.program_ink(program);
    assert_eq!(receipt.gas_used, INTRINSIC + ink.div_ceil(INK_PER_GAS));
}

#[test]
fn a_profiled_run_costs_what_an_unprofiled_one_does() {
    let gas = |profiled: bool| {
        let mut chain = Devnet::new();
        let program = chain.deploy_stylus(ALICE, &nested_load(), None).unwrap();
        if profiled {
            chain.start_profile();
        }
        let receipt = chain
            .call(ALICE, program, Bytes::new(), U256::ZERO)
            .unwrap();
        let profile = chain.finish_profile();
        assert_eq!(profile.costs.is_empty(), !profiled);
        receipt.gas_used
    };
    assert_eq!(gas(true), gas(false));
}

#[test]
fn the_storage_flush_at_return_is_the_frames() {
    // storage_cache_bytes32(0, 32): slot 0 <- 1 from the data segment, written at the return.
    let mut data = vec![0u8; 64];
    data[63] = 1;
    let wasm = Wasm {
        imports: vec![("vm_hooks", "storage_cache_bytes32", vec![I32, I32], vec![])],
        body: vec![I32Const(0), I32Const(32), Call(0), I32Const(0), End],
        data,
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &wasm.build(), None).unwrap();
    chain.start_profile();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    let profile = chain.finish_profile();
    assert!(receipt.success);
    // A cold zero-to-non-zero SSTORE, charged when the frame returns, not to the function that
    // cached the value (whose hostio is only the host cache's ink).
    let flush = profile.costs.get(&(program, Site::Frame, FLUSH)).copied();
    assert_eq!(flush, Some(cost(22_100 * INK_PER_GAS, 1)));
    let cached = profile
        .costs
        .get(&(program, Site::Function(1), "storage_cache_bytes32"))
        .copied();
    assert_eq!(cached, Some(cost(18_480, 1)));
    let ink = profile.program_ink(program);
    assert_eq!(receipt.gas_used, INTRINSIC + ink.div_ceil(INK_PER_GAS));
}
