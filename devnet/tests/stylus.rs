//! End-to-end tests of Stylus programs on the devnet, driven through the probe fixture, which
//! calls every hostio.

mod common;

use common::*;
use vigil_devnet::{keccak256 as keccak, Address, Bytes, Devnet, B256, U256};

fn call(chain: &mut Devnet, to: Address, data: Vec<u8>) -> vigil_devnet::Receipt {
    chain
        .call(ALICE, to, data.into(), U256::ZERO)
        .expect("transaction")
}

#[test]
fn constructor_runs_with_the_deployer_as_sender() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let out = chain
        .view(BOB, probe, IProbe::ownerCall {}.abi_encode().into())
        .unwrap();
    assert!(out.success);
    let owner = IProbe::ownerCall::abi_decode_returns(&out.data).unwrap();
    assert_eq!(owner._0, ALICE);
    assert_eq!(owner._1, U256::from(7));
    // The SDK's constructor guard refuses a second run.
    let mut again = keccak(b"stylus_constructor()")[..4].to_vec();
    again.extend_from_slice(&U256::from(8).to_be_bytes::<32>());
    assert!(!call(&mut chain, probe, again).success);
}

#[test]
fn deployed_code_is_the_onchain_form() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let code = chain.code(probe);
    assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
    assert!(code.len() <= 24_576);
}

#[test]
fn message_and_transaction_context() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    chain.fund(BOB, ether(5));
    let receipt = chain
        .call(
            BOB,
            probe,
            IProbe::contextCall {}.abi_encode().into(),
            ether(1),
        )
        .unwrap();
    assert!(receipt.success, "{receipt:?}");
    let ctx = IProbe::contextCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(ctx._0, BOB);
    assert_eq!(ctx._1, ether(1));
    assert_eq!(ctx._2, BOB);
    assert_eq!(ctx._3, probe);
    assert_eq!(ctx._4, U256::ZERO);
    assert!(!ctx._5);
    assert_eq!(chain.balance(probe), ether(1));
    assert_eq!(chain.balance(BOB), ether(4));
}

#[test]
fn non_payable_method_refuses_value_and_the_value_stays_with_the_sender() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    chain.fund(BOB, ether(1));
    let data = IProbe::meterCall {}.abi_encode();
    let receipt = chain.call(BOB, probe, data.into(), ether(1)).unwrap();
    assert!(!receipt.success);
    assert_eq!(chain.balance(BOB), ether(1));
    assert_eq!(chain.balance(probe), U256::ZERO);
}

#[test]
fn block_context_follows_warp_and_roll() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    chain.warp(1_730_000_000);
    chain.roll(42);
    let out = chain
        .view(ALICE, probe, IProbe::blockCall {}.abi_encode().into())
        .unwrap();
    let block = IProbe::blockCall::abi_decode_returns(&out.data).unwrap();
    assert_eq!(block._0, U256::ZERO);
    assert_eq!(block._1, vigil_devnet::chain::COINBASE);
    assert_eq!(block._2, vigil_devnet::chain::BLOCK_GAS_LIMIT);
    assert_eq!(block._3, 42);
    assert_eq!(block._4, 1_730_000_000);
    assert_eq!(block._5, vigil_devnet::chain::CHAIN_ID);
}

#[test]
fn meter_reports_gas_ink_and_ink_price() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let out = chain
        .view(ALICE, probe, IProbe::meterCall {}.abi_encode().into())
        .unwrap();
    let meter = IProbe::meterCall::abi_decode_returns(&out.data).unwrap();
    assert_eq!(meter._2, 10_000);
    assert!(
        meter._0 > 20_000_000 && meter._0 < 30_000_000,
        "{}",
        meter._0
    );
    // evm_ink_left runs after evm_gas_left, so it sees slightly less.
    assert!(meter._1 <= meter._0 * 10_000 && meter._1 + 100_000 > meter._0 * 10_000);
}

#[test]
fn storage_roundtrip_through_the_host_cache() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let store = IProbe::storeCall {
        key: word(5),
        value: word(99),
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, store);
    assert!(receipt.success);
    assert_eq!(chain.storage(probe, U256::from(5)), U256::from(99));
    let out = chain
        .view(
            ALICE,
            probe,
            IProbe::loadCall { key: word(5) }.abi_encode().into(),
        )
        .unwrap();
    assert_eq!(
        IProbe::loadCall::abi_decode_returns(&out.data).unwrap(),
        word(99)
    );
}

#[test]
fn revert_after_an_explicit_flush_undoes_the_write() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let data = IProbe::storeAndRevertCall {
        key: word(5),
        value: word(99),
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert!(!receipt.success);
    assert_eq!(receipt.output.as_ref(), b"reverted");
    assert!(receipt.halt.is_none());
    assert_eq!(chain.storage(probe, U256::from(5)), U256::ZERO);
}

#[test]
fn native_keccak_matches() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let data = IProbe::keccakCall {
        data: Bytes::from_static(b"vigil devnet"),
    }
    .abi_encode();
    let out = chain.view(ALICE, probe, data.into()).unwrap();
    assert_eq!(
        IProbe::keccakCall::abi_decode_returns(&out.data).unwrap(),
        keccak(b"vigil devnet")
    );
}

#[test]
fn logs_are_decoded_into_topics_and_data() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let data = IProbe::logCall {
        topics: vec![word(1), word(2)],
        data: Bytes::from_static(b"hello"),
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert!(receipt.success);
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].address, probe);
    assert_eq!(receipt.logs[0].topics, vec![word(1), word(2)]);
    assert_eq!(receipt.logs[0].data.as_ref(), b"hello");
    // Five topics is malformed: the frame reverts.
    let data = IProbe::logCall {
        topics: vec![word(1); 5],
        data: Bytes::new(),
    }
    .abi_encode();
    assert!(!call(&mut chain, probe, data).success);
}

#[test]
fn account_queries() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let contract = deploy(&mut chain, RETURN_42);
    chain.fund(contract, U256::from(1234));
    let data = IProbe::accountCall { target: contract }.abi_encode();
    let out = chain.view(ALICE, probe, data.into()).unwrap();
    let account = IProbe::accountCall::abi_decode_returns(&out.data).unwrap();
    assert_eq!(account._0, U256::from(1234));
    assert_eq!(account._1, keccak(RETURN_42));
    assert_eq!(account._2, U256::from(RETURN_42.len()));
    assert_eq!(account._3.as_ref(), RETURN_42);
    // A Stylus account's code is its on-chain form.
    let data = IProbe::accountCall { target: probe }.abi_encode();
    let out = chain.view(ALICE, probe, data.into()).unwrap();
    let account = IProbe::accountCall::abi_decode_returns(&out.data).unwrap();
    assert_eq!(account._3, chain.code(probe));
    // An account that does not exist has a zero code hash.
    let data = IProbe::accountCall { target: addr(0x77) }.abi_encode();
    let out = chain.view(ALICE, probe, data.into()).unwrap();
    assert_eq!(
        IProbe::accountCall::abi_decode_returns(&out.data)
            .unwrap()
            ._1,
        B256::ZERO
    );
}

#[test]
fn calls_into_evm_return_status_and_data() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let returner = deploy(&mut chain, RETURN_42);
    let data = IProbe::callCall {
        target: returner,
        data: Bytes::new(),
        value: U256::ZERO,
        gas: u64::MAX,
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    let (status, ret) = IProbe::callCall::abi_decode_returns(&receipt.output)
        .map(|r| (r._0, r._1))
        .unwrap();
    assert_eq!(status, 0);
    assert_eq!(ret.as_ref(), word(42).as_slice());

    let reverter = deploy(&mut chain, STORE_THEN_REVERT);
    let data = IProbe::callCall {
        target: reverter,
        data: Bytes::new(),
        value: U256::ZERO,
        gas: u64::MAX,
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert!(receipt.success);
    assert_eq!(
        IProbe::callCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        2
    );
    assert_eq!(chain.storage(reverter, U256::from(1)), U256::ZERO);
}

#[test]
fn value_transfer_out_of_a_program() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    chain.fund(probe, ether(3));
    let data = IProbe::callCall {
        target: BOB,
        data: Bytes::new(),
        value: ether(2),
        gas: 0,
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert!(receipt.success);
    assert_eq!(
        IProbe::callCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        0
    );
    assert_eq!(chain.balance(BOB), ether(2));
    assert_eq!(chain.balance(probe), ether(1));
    // More than the balance: the call fails, nothing moves.
    let data = IProbe::callCall {
        target: BOB,
        data: Bytes::new(),
        value: ether(2),
        gas: 0,
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert_eq!(
        IProbe::callCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        2
    );
    assert_eq!(chain.balance(BOB), ether(2));
}

#[test]
fn static_call_cannot_write_and_delegate_call_writes_the_callers_storage() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let writer = deploy(&mut chain, STORE_CALLER);
    let data = IProbe::staticCallCall {
        target: writer,
        data: Bytes::new(),
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert_eq!(
        IProbe::staticCallCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        2
    );

    let data = IProbe::delegateCallCall {
        target: writer,
        data: Bytes::new(),
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert_eq!(
        IProbe::delegateCallCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        0
    );
    // The writer ran in the probe's context: slot 0 of the probe holds the probe's caller.
    assert_eq!(
        chain.storage(probe, U256::ZERO),
        U256::from_be_slice(ALICE.as_slice())
    );
    assert_eq!(chain.storage(writer, U256::ZERO), U256::ZERO);
}

#[test]
fn create1_and_create2_from_a_program() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let code = initcode(RETURN_42);
    let data = IProbe::createCall {
        code: code.clone(),
        endowment: U256::ZERO,
        salt: vec![],
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    let created = IProbe::createCall::abi_decode_returns(&receipt.output)
        .unwrap()
        ._0;
    assert_eq!(created, probe.create(1));
    assert_eq!(chain.code(created).as_ref(), RETURN_42);

    let salt = word(9);
    let data = IProbe::createCall {
        code: code.clone(),
        endowment: U256::ZERO,
        salt: vec![salt],
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    let created = IProbe::createCall::abi_decode_returns(&receipt.output)
        .unwrap()
        ._0;
    assert_eq!(created, probe.create2(salt, keccak(&code)));

    // Reverting init code: zero address and the revert data.
    let data = IProbe::createCall {
        code: initcode_reverting_with_42(),
        endowment: U256::ZERO,
        salt: vec![],
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    let out = IProbe::createCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(out._0, Address::ZERO);
    assert_eq!(out._1.as_ref(), word(42).as_slice());
}

fn initcode_reverting_with_42() -> Bytes {
    // mstore(0, 42); revert(0, 32)
    Bytes::from_static(&[0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xfd])
}

#[test]
fn a_trap_reverts_the_frame_without_crashing_the_host() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let receipt = call(&mut chain, probe, IProbe::trapCall {}.abi_encode());
    assert!(!receipt.success);
    assert!(receipt.halt.is_none(), "a trap is a revert, not a halt");
    assert!(receipt.gas_used < 100_000);
    // Nested: the caller sees status 1 and carries on.
    let other = deploy_probe(&mut chain);
    let inner = IProbe::trapCall {}.abi_encode();
    let data = IProbe::callCall {
        target: other,
        data: inner.into(),
        value: U256::ZERO,
        gas: u64::MAX,
    }
    .abi_encode();
    let receipt = call(&mut chain, probe, data);
    assert!(receipt.success);
    assert_eq!(
        IProbe::callCall::abi_decode_returns(&receipt.output)
            .unwrap()
            ._0,
        2
    );
}

#[test]
fn running_out_of_ink_halts_out_of_gas() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let data = IProbe::burnCall {
        rounds: 1_000_000_000,
    }
    .abi_encode();
    let receipt = chain
        .call_with_gas(ALICE, probe, data.into(), U256::ZERO, 200_000)
        .unwrap();
    assert!(!receipt.success);
    assert_eq!(receipt.halt.as_deref(), Some("OutOfGas(Basic)"));
    assert_eq!(receipt.gas_used, 200_000);
    // A bounded loop finishes and pays per iteration.
    let small = call(
        &mut chain,
        probe,
        IProbe::burnCall { rounds: 10 }.abi_encode(),
    );
    let large = call(
        &mut chain,
        probe,
        IProbe::burnCall { rounds: 1_010 }.abi_encode(),
    );
    assert!(small.success && large.success);
    assert!(
        large.gas_used > small.gas_used + 100,
        "{} vs {}",
        large.gas_used,
        small.gas_used
    );
}

#[test]
fn memory_growth_is_charged_by_the_page_model() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let zero = call(
        &mut chain,
        probe,
        IProbe::growCall { pages: 0 }.abi_encode(),
    );
    let one = call(
        &mut chain,
        probe,
        IProbe::growCall { pages: 1 }.abi_encode(),
    );
    assert!(zero.success && one.success);
    let footprint = chain.program_stats(probe).unwrap().footprint;
    let before = IProbe::growCall::abi_decode_returns(&one.output).unwrap();
    assert_eq!(before, u32::from(footprint));
    // One more page above the footprint: 1,000 + the ramp step; calldata differs by one
    // non-zero byte (16 - 4 gas); ink rounds to gas once per call, hence +-1.
    let expected = vigil_devnet::stylus::gas::memory_gas(1, footprint, footprint) + 12;
    let diff = one.gas_used - zero.gas_used;
    assert!(
        diff.abs_diff(expected) <= 1,
        "diff {diff}, expected {expected}"
    );
    // Past the 128-page limit the charge can never be paid.
    let receipt = call(
        &mut chain,
        probe,
        IProbe::growCall { pages: 200 }.abi_encode(),
    );
    assert_eq!(receipt.halt.as_deref(), Some("OutOfGas(Basic)"));
}

#[test]
fn cached_programs_skip_init_gas() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let stats = chain.program_stats(probe).unwrap();
    let data = IProbe::meterCall {}.abi_encode();
    let cold = call(&mut chain, probe, data.clone());
    chain.set_cached(probe, true).unwrap();
    let cached = call(&mut chain, probe, data.clone());
    assert_eq!(cold.gas_used - cached.gas_used, stats.init_gas());
    chain.set_cached(probe, false).unwrap();
    assert_eq!(call(&mut chain, probe, data).gas_used, cold.gas_used);
    assert!(chain.set_cached(ALICE, true).is_err());
}

#[test]
fn snapshot_and_revert_restore_state_and_cache_flags() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let snap = chain.snapshot();
    call(
        &mut chain,
        probe,
        IProbe::storeCall {
            key: word(0x51),
            value: word(2),
        }
        .abi_encode(),
    );
    chain.set_cached(probe, true).unwrap();
    chain.warp(2_000_000_000);
    chain.revert_to(snap).unwrap();
    assert_eq!(chain.storage(probe, U256::from(0x51)), U256::ZERO);
    assert_eq!(chain.timestamp(), 1_700_000_000);
    assert!(chain.revert_to(snap).is_err());
}

#[test]
fn views_do_not_commit() {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    let data = IProbe::storeCall {
        key: word(0x51),
        value: word(2),
    }
    .abi_encode();
    let out = chain.view(ALICE, probe, data.into()).unwrap();
    assert!(out.success);
    assert_eq!(chain.storage(probe, U256::from(0x51)), U256::ZERO);
}
