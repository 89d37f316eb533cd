//! Gas pinned to hand-computed cases from the cost model (shared/reference/stylus-gas-model.md),
//! on hand-built modules whose every instruction is known.

mod common;

use common::*;
use vigil_devnet::stylus::gas::ModuleStats;
use vigil_devnet::{Bytes, Devnet, U256};
use wasm_encoder::{Instruction::*, ValType::I32};

const INTRINSIC: u64 = 21_000;

#[test]
fn entry_cost_of_the_minimal_module() {
    let wasm = Wasm::default().build();
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &wasm, None).unwrap();
    let stats = chain.program_stats(program).unwrap();
    assert_eq!(wasm.len(), 63);
    assert_eq!(
        stats,
        ModuleStats {
            funcs: 1,
            type_len: 2,
            wasm_len: 63,
            globals: 0,
            data_len: 0,
            elem_len: 0,
            footprint: 1
        }
    );
    // initCost = 8.252 + 2*1.059 + 63*0.1286 = 18.4718 -> 19; initGas = 8,832 + 19
    // cachedCost = 0.1342 + 2*0.00089 + 63*0.00122 + 1*5 = 5.2128 -> 6; cachedGas = 352 + 6
    // one page is within the 2 free pages; the body (i32.const, end) is 2 ink plus the block
    // header's 2,695 -> 1 gas.
    let uncached = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert_eq!(uncached.gas_used, INTRINSIC + 8_851 + 358 + 1);
    chain.set_cached(program, true).unwrap();
    let cached = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert_eq!(cached.gas_used, INTRINSIC + 358 + 1);
}

#[test]
fn a_program_run_earlier_in_the_transaction_counts_as_cached() {
    let mut chain = Devnet::new();
    let program = chain
        .deploy_stylus(ALICE, &Wasm::default().build(), None)
        .unwrap();
    let once = deploy(&mut chain, &call_n_times(program, 1));
    let twice = deploy(&mut chain, &call_n_times(program, 2));
    let once = chain
        .call(ALICE, once, Bytes::new(), U256::ZERO)
        .unwrap()
        .gas_used;
    let twice = chain
        .call(ALICE, twice, Bytes::new(), U256::ZERO)
        .unwrap()
        .gas_used;
    // Second call: EVM overhead (five push1 and a push20 at 3, gas 2, pop 2, warm CALL 100) plus
    // the cached entry cost and the body, but no initGas.
    assert_eq!(twice - once, 3 * 5 + 3 + 2 + 2 + 100 + 358 + 1);
}

#[test]
fn hostio_ink_and_cold_sload() {
    // storage_load_bytes32(0, 32): key at 0 (zero), result at 32.
    let wasm = Wasm {
        imports: vec![("vm_hooks", "storage_load_bytes32", vec![I32, I32], vec![])],
        body: vec![I32Const(0), I32Const(32), Call(0), I32Const(0), End],
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &wasm.build(), None).unwrap();
    let stats = chain.program_stats(program).unwrap();
    // Ink: block 1 (i32.const x2 + call) 3,802; block 2 (i32.const + end) 2; two block headers
    // 2 * 2,695; hostio 8,400 + 2*5,040 = 18,480. Total 27,674 ink -> 3 gas. Cold SLOAD: 2,100 gas.
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(
        receipt.gas_used,
        INTRINSIC + stats.init_gas() + stats.cached_gas() + 2_100 + 3
    );
}

#[test]
fn cached_store_is_charged_at_the_final_flush() {
    // storage_cache_bytes32(0, 32) with key 0 and value 1 from the data segment.
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
    let stats = chain.program_stats(program).unwrap();
    assert_eq!(stats.data_len, 64);
    // Same ink as the load (27,674 -> 3 gas); the flush at the end of the successful call pays a
    // cold zero-to-non-zero SSTORE: 22,100.
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(
        receipt.gas_used,
        INTRINSIC + stats.init_gas() + stats.cached_gas() + 22_100 + 3
    );
    assert_eq!(chain.storage(program, U256::ZERO), U256::from(1));
}

#[test]
fn evm_gas_is_revm_exact() {
    let mut chain = Devnet::new();
    // push1 1 push1 0 sstore stop: 21,000 + 3 + 3 + 22,100
    let contract = deploy(&mut chain, &[0x60, 0x01, 0x60, 0x00, 0x55, 0x00]);
    let receipt = chain
        .call(ALICE, contract, Bytes::new(), U256::ZERO)
        .unwrap();
    assert_eq!(receipt.gas_used, 43_106);
    // A plain transfer: 21,000; calldata costs 4 per zero byte and 16 per non-zero byte.
    chain.fund(ALICE, ether(1));
    let receipt = chain
        .call(ALICE, BOB, Bytes::from_static(&[0, 1]), ether(1))
        .unwrap();
    assert_eq!(receipt.gas_used, 21_000 + 4 + 16);
    assert_eq!(chain.balance(BOB), ether(1));
}

#[test]
fn memory_grow_pays_through_the_injected_pay_for_memory_grow() {
    // memory.grow(3) from a 1-page footprint: 4 pages open, 2 of them beyond the free 2:
    // 2 * 1,000 linear, exp(4) - exp(1) = 0 ramp.
    let wasm = Wasm {
        imports: vec![("vm_hooks", "pay_for_memory_grow", vec![I32], vec![])],
        body: vec![I32Const(3), MemoryGrow(0), Drop, I32Const(0), End],
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &wasm.build(), None).unwrap();
    let stats = chain.program_stats(program).unwrap();
    // Ink: i32.const + injected (global.set, global.get x2, call) = 4,826; memory.grow 8,050 +
    // drop 9 + i32.const + end = 8,061; two headers 5,390. 18,277 ink -> 2 gas.
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(
        receipt.gas_used,
        INTRINSIC + stats.init_gas() + stats.cached_gas() + 2_000 + 2
    );
}

#[test]
fn memory_is_capped_at_the_page_limit_without_pay_for_memory_grow() {
    let grow = |pages| Wasm {
        // returns 1 (revert) when memory.grow failed
        body: vec![I32Const(pages), MemoryGrow(0), I32Const(-1), I32Eq, End],
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let small = chain.deploy_stylus(ALICE, &grow(10).build(), None).unwrap();
    let large = chain
        .deploy_stylus(ALICE, &grow(200).build(), None)
        .unwrap();
    assert!(
        chain
            .call(ALICE, small, Bytes::new(), U256::ZERO)
            .unwrap()
            .success
    );
    assert!(
        !chain
            .call(ALICE, large, Bytes::new(), U256::ZERO)
            .unwrap()
            .success
    );
}

#[test]
fn bulk_memory_pays_per_byte() {
    let fill = |bytes| Wasm {
        body: vec![
            I32Const(0),
            I32Const(0),
            I32Const(bytes),
            MemoryFill(0),
            I32Const(0),
            End,
        ],
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let none = chain.deploy_stylus(ALICE, &fill(0).build(), None).unwrap();
    let many = chain
        .deploy_stylus(ALICE, &fill(60_000).build(), None)
        .unwrap();
    let none = chain.call(ALICE, none, Bytes::new(), U256::ZERO).unwrap();
    let many = chain.call(ALICE, many, Bytes::new(), U256::ZERO).unwrap();
    assert!(none.success && many.success);
    // 100 ink per byte: 6,000,000 ink = 600 gas; the modules differ only in the constant's
    // LEB length, which changes wasm_len and so the entry cost by at most a gas or two.
    let diff = many.gas_used - none.gas_used;
    assert!((600..=602).contains(&diff), "{diff}");
}

#[test]
fn account_code_size_pays_the_extcode_surcharge() {
    let wasm = Wasm {
        imports: vec![("vm_hooks", "account_code_size", vec![I32], vec![I32])],
        body: vec![I32Const(0), Call(0), Drop, I32Const(0), End],
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &wasm.build(), None).unwrap();
    let stats = chain.program_stats(program).unwrap();
    // Ink: (i32.const + call) 3,801 + (drop + i32.const + end) 11 + two headers 5,390 + hostio
    // 8,400 + 59,673 = 77,275 -> 8 gas. Gas: 700 code surcharge + 2,600 cold account (address 0).
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(
        receipt.gas_used,
        INTRINSIC + stats.init_gas() + stats.cached_gas() + 3_300 + 8
    );
}

#[test]
fn large_return_data_costs_at_least_evm_memory() {
    // write_result(0, 100,000) from 2 pages of memory.
    let wasm = Wasm {
        imports: vec![("vm_hooks", "write_result", vec![I32, I32], vec![])],
        body: vec![I32Const(0), I32Const(100_000), Call(0), I32Const(0), End],
        memory_pages: Some(2),
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &wasm.build(), None).unwrap();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(receipt.output.len(), 100_000);
    // 3,125 words: 3 * 3,125 + 3,125^2 / 512 = 28,448 gas, more than the program's own ~10k.
    assert_eq!(receipt.gas_used, INTRINSIC + 28_448);
}

#[test]
fn wasm_stack_overflow_halts_and_consumes_the_frame_gas() {
    // user_entrypoint calls function 1, which calls itself forever.
    let wasm = Wasm {
        body: vec![Call(1), I32Const(0), End],
        extra: vec![((vec![], vec![]), vec![Call(1), End])],
        ..Wasm::default()
    };
    let mut chain = Devnet::new();
    let program = chain.deploy_stylus(ALICE, &wasm.build(), None).unwrap();
    let receipt = chain
        .call_with_gas(ALICE, program, Bytes::new(), U256::ZERO, 5_000_000)
        .unwrap();
    assert!(!receipt.success);
    assert_eq!(receipt.halt.as_deref(), Some("CallTooDeep"));
    assert_eq!(receipt.gas_used, 5_000_000);
}

#[test]
fn an_unaffordable_transaction_is_an_error_not_a_receipt() {
    let mut chain = Devnet::new();
    let result = chain.call(BOB, ALICE, Bytes::new(), ether(1));
    assert!(matches!(
        result,
        Err(vigil_devnet::DevnetError::Transaction(_))
    ));
    // With a base fee, gas must be paid for too.
    chain.set_basefee(1_000_000_000);
    chain.fund(BOB, U256::from(21_000u64 * 1_000_000_000 - 1));
    let result = chain.call_with_gas(BOB, ALICE, Bytes::new(), U256::ZERO, 21_000);
    assert!(matches!(
        result,
        Err(vigil_devnet::DevnetError::Transaction(_))
    ));
    chain.fund(BOB, U256::from(21_000u64 * 1_000_000_000));
    let receipt = chain
        .call_with_gas(BOB, ALICE, Bytes::new(), U256::ZERO, 21_000)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(chain.balance(BOB), U256::ZERO);
}
