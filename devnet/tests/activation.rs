//! Activation refuses what Nitro's activation refuses, with typed errors; deployment is the
//! on-chain form.

mod common;

use common::*;
use vigil_devnet::{ActivationError, Bytes, Devnet, DevnetError, U256};
use wasm_encoder::{Instruction::*, ValType};

fn deploy_err(wasm: &[u8]) -> ActivationError {
    let mut chain = Devnet::new();
    match chain.deploy_stylus(ALICE, wasm, None) {
        Err(DevnetError::Activation(error)) => error,
        other => panic!("expected an activation error, got {other:?}"),
    }
}

#[test]
fn minimal_module_deploys_and_runs() {
    let mut chain = Devnet::new();
    let program = chain
        .deploy_stylus(ALICE, &Wasm::default().build(), None)
        .unwrap();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
}

#[test]
fn imports_outside_vm_hooks_are_refused() {
    let wasm = Wasm {
        imports: vec![("env", "abort", vec![], vec![])],
        ..Wasm::default()
    };
    assert!(
        matches!(deploy_err(&wasm.build()), ActivationError::ForbiddenImport { module, .. } if module == "env")
    );
    let wasm = Wasm {
        imports: vec![("vm_hooks", "no_such_hook", vec![], vec![])],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&wasm.build()),
        ActivationError::ForbiddenImport { .. }
    ));
}

#[test]
fn hook_with_wrong_signature_is_refused() {
    let wasm = Wasm {
        imports: vec![("vm_hooks", "block_number", vec![], vec![ValType::I32])],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&wasm.build()),
        ActivationError::ImportSignature { .. }
    ));
}

#[test]
fn console_is_allowed_only_on_a_debug_chain() {
    let wasm = Wasm {
        imports: vec![("console", "log_i32", vec![ValType::I32], vec![])],
        body: vec![I32Const(42), Call(0), I32Const(0), End],
        ..Wasm::default()
    }
    .build();
    assert!(
        matches!(deploy_err(&wasm), ActivationError::ForbiddenImport { module, .. } if module == "console")
    );
    let mut chain = Devnet::with_debug(true);
    let program = chain.deploy_stylus(ALICE, &wasm, None).unwrap();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(receipt.console, vec!["42".to_string()]);
}

#[test]
fn entrypoint_and_memory_exports_are_required() {
    let wasm = Wasm {
        export_entry: false,
        ..Wasm::default()
    };
    assert_eq!(
        deploy_err(&wasm.build()),
        ActivationError::MissingEntrypoint
    );
    let wasm = Wasm {
        entry: (vec![], vec![ValType::I32]),
        ..Wasm::default()
    };
    assert_eq!(
        deploy_err(&wasm.build()),
        ActivationError::MissingEntrypoint
    );
    let wasm = Wasm {
        export_memory: false,
        ..Wasm::default()
    };
    assert_eq!(deploy_err(&wasm.build()), ActivationError::MissingMemory);
    let wasm = Wasm {
        memory_pages: None,
        ..Wasm::default()
    };
    assert_eq!(deploy_err(&wasm.build()), ActivationError::MissingMemory);
}

#[test]
fn floats_simd_multi_value_and_reference_types_are_refused() {
    let floats = Wasm {
        extra: vec![((vec![], vec![]), vec![F32Const(1.0), Drop, End])],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&floats.build()),
        ActivationError::Invalid(_)
    ));
    let float_param = Wasm {
        extra: vec![((vec![ValType::F64], vec![]), vec![End])],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&float_param.build()),
        ActivationError::Invalid(_)
    ));
    let simd = Wasm {
        extra: vec![((vec![], vec![]), vec![V128Const(0), Drop, End])],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&simd.build()),
        ActivationError::Invalid(_)
    ));
    let multi = Wasm {
        extra: vec![(
            (vec![], vec![ValType::I32, ValType::I32]),
            vec![I32Const(1), I32Const(2), End],
        )],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&multi.build()),
        ActivationError::Invalid(_)
    ));
    let reference = Wasm {
        extra: vec![((vec![ValType::FUNCREF], vec![]), vec![End])],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&reference.build()),
        ActivationError::Invalid(_)
    ));
}

#[test]
fn start_functions_are_refused() {
    let wasm = Wasm {
        extra: vec![((vec![], vec![]), vec![End])],
        start: Some(1),
        ..Wasm::default()
    };
    assert_eq!(deploy_err(&wasm.build()), ActivationError::StartFunction);
}

#[test]
fn size_limits_are_enforced() {
    let pages = Wasm {
        memory_pages: Some(129),
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&pages.build()),
        ActivationError::MemoryTooLarge { pages: 129, .. }
    ));
    let raw = Wasm {
        memory_pages: Some(3),
        data: vec![7u8; 140 * 1024],
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&raw.build()),
        ActivationError::WasmTooLarge { .. }
    ));
    // Incompressible data: fits 128 KiB raw, not 24 KiB compressed.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let noise = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let big = Wasm {
        memory_pages: Some(2),
        data: noise,
        ..Wasm::default()
    };
    assert!(matches!(
        deploy_err(&big.build()),
        ActivationError::CompressedTooLarge { .. }
    ));
    assert!(matches!(
        deploy_err(b"\0asm not really"),
        ActivationError::Invalid(_)
    ));
}

#[test]
fn stylus_code_that_was_never_activated_cannot_run() {
    let mut chain = Devnet::new();
    let mut runtime = vec![0xEF, 0xF0, 0x00, 0x00];
    runtime.extend_from_slice(b"not brotli");
    let address = deploy(&mut chain, &runtime);
    // As Nitro's ProgramNotActivated: not a revert, so the gas is consumed and nothing returned.
    let receipt = chain
        .call_with_gas(ALICE, address, Bytes::new(), U256::ZERO, 100_000)
        .unwrap();
    assert!(!receipt.success);
    assert!(receipt.output.is_empty());
    assert_eq!(receipt.gas_used, 100_000);
    assert_eq!(receipt.halt.as_deref(), Some("ProgramNotActivated()"));
    assert!(chain.program_stats(address).is_err());
}

#[test]
fn exit_early_ends_with_its_status() {
    let hooks = vec![("vm_hooks", "exit_early", vec![ValType::I32], vec![])];
    let mut chain = Devnet::new();
    for (status, success) in [(0, true), (1, false)] {
        let wasm = Wasm {
            imports: hooks.clone(),
            body: vec![I32Const(status), Call(0), Unreachable, End],
            ..Wasm::default()
        };
        let program = chain.deploy_stylus(ALICE, &wasm.build(), None).unwrap();
        let receipt = chain
            .call(ALICE, program, Bytes::new(), U256::ZERO)
            .unwrap();
        assert_eq!(receipt.success, success);
    }
}

#[test]
fn hostile_hostio_arguments_never_crash_the_host() {
    let mut chain = Devnet::new();
    let write_result = |len: i32| Wasm {
        imports: vec![(
            "vm_hooks",
            "write_result",
            vec![ValType::I32, ValType::I32],
            vec![],
        )],
        body: vec![I32Const(0), I32Const(len), Call(0), I32Const(0), End],
        ..Wasm::default()
    };
    // 4 GiB: the read price is charged first and cannot be paid.
    let program = chain
        .deploy_stylus(ALICE, &write_result(-1).build(), None)
        .unwrap();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert_eq!(receipt.halt.as_deref(), Some("OutOfGas(Basic)"));
    // Affordable but past the end of memory: the frame reverts.
    let program = chain
        .deploy_stylus(ALICE, &write_result(100_000).build(), None)
        .unwrap();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(!receipt.success && receipt.halt.is_none());
    // storage_load_bytes32 writing past the end of memory.
    let out_of_bounds = Wasm {
        imports: vec![(
            "vm_hooks",
            "storage_load_bytes32",
            vec![ValType::I32, ValType::I32],
            vec![],
        )],
        body: vec![I32Const(0), I32Const(65_530), Call(0), I32Const(0), End],
        ..Wasm::default()
    };
    let program = chain
        .deploy_stylus(ALICE, &out_of_bounds.build(), None)
        .unwrap();
    let receipt = chain
        .call(ALICE, program, Bytes::new(), U256::ZERO)
        .unwrap();
    assert!(!receipt.success && receipt.halt.is_none());
}
