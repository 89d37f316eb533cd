//! Nitro's program lifetime and the ArbWasm precompile, on the probe's release wasm: programs age
//! from the hour of their activation, stop running after `expiryDays` exactly as a never-activated
//! program does (frame gas consumed, no data), can be kept alive after `keepaliveDays` and
//! activated again by anyone once expired; every refusal is Nitro's error data, every charge
//! Nitro's gas.

mod common;

use alloy_sol_types::{SolCall, SolEvent};
use common::*;
use vigil_devnet::stylus::arbwasm::{ArbWasm, ACTIVATION_FIXED_GAS, ARB_WASM};
use vigil_devnet::{keccak256, Address, Bytes, Devnet, DevnetError, ProgramError, B256, U256};

const DAY: u64 = 86_400;
const EXPIRY: u64 = 365 * DAY;
const KEEPALIVE: u64 = 31 * DAY;
/// The devnet starts at 1,700,000,000, 800 s past the hour Nitro stores for an activation then.
const START_AGE: u64 = 800;

fn intrinsic(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>()
}

/// A chain with the probe deployed (activated) at the start time, and BOB funded.
fn setup() -> (Devnet, Address) {
    let mut chain = Devnet::new();
    let probe = deploy_probe(&mut chain);
    chain.fund(BOB, ether(10));
    (chain, probe)
}

/// Moves the clock so that programs activated at the start are `age` seconds old.
fn age_to(chain: &mut Devnet, age: u64) {
    chain.warp(1_700_000_000 - START_AGE + age);
}

/// A view of ArbWasm: success, data, and the gas the precompile itself used.
fn ask<C: SolCall>(chain: &mut Devnet, call: &C) -> (bool, Bytes, u64) {
    let data = call.abi_encode();
    let out = chain.view(ALICE, ARB_WASM, data.clone().into()).unwrap();
    (out.success, out.data, out.gas_used - intrinsic(&data))
}

fn read<C: SolCall>(chain: &mut Devnet, call: &C) -> C::Return {
    let (success, data, _) = ask(chain, call);
    assert!(success, "ArbWasm refused: 0x{}", hex(&data));
    C::abi_decode_returns(&data).unwrap()
}

/// ArbWasm's refusal of `call`, decoded by selector, and the precompile's gas.
fn refusal<C: SolCall>(chain: &mut Devnet, call: &C) -> (ProgramError, u64) {
    let (success, data, gas) = ask(chain, call);
    assert!(!success);
    let error = ProgramError::abi_decode(&data)
        .unwrap_or_else(|| panic!("not an ArbWasm error: 0x{}", hex(&data)));
    (error, gas)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn code_hash(chain: &Devnet, program: Address) -> B256 {
    keccak256(chain.code(program))
}

fn owner_call() -> Bytes {
    IProbe::ownerCall {}.abi_encode().into()
}

/// EVM code that calls `target` with exactly `gas` and no data, then returns
/// (success, returndatasize).
fn fixed_gas_caller(target: Address, gas: u32) -> Vec<u8> {
    let mut code = vec![
        0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73,
    ];
    code.extend_from_slice(target.as_slice());
    code.push(0x63);
    code.extend_from_slice(&gas.to_be_bytes());
    code.extend_from_slice(&[
        0xf1, 0x60, 0x00, 0x52, // mstore(0, success)
        0x3d, 0x60, 0x20, 0x52, // mstore(32, returndatasize)
        0x60, 0x40, 0x60, 0x00, 0xf3, // return(0, 64)
    ]);
    code
}

#[test]
fn time_left_counts_down_from_the_activation_hour() {
    let (mut chain, probe) = setup();
    assert_eq!(chain.program_time_left(probe).unwrap(), EXPIRY - START_AGE);
    let (left, gas) = {
        let call = ArbWasm::programTimeLeftCall { program: probe };
        let (success, data, gas) = ask(&mut chain, &call);
        assert!(success);
        (
            ArbWasm::programTimeLeftCall::abi_decode_returns(&data).unwrap(),
            gas,
        )
    };
    assert_eq!(left, EXPIRY - START_AGE);
    // args 3, ArbOS state 800, params 100, code hash 2,600, record 800, result 3.
    assert_eq!(gas, 4_306);
    for days in [1, 10, 100, 364] {
        age_to(&mut chain, START_AGE + days * DAY);
        let left = read(&mut chain, &ArbWasm::programTimeLeftCall { program: probe });
        assert_eq!(left, EXPIRY - START_AGE - days * DAY);
        assert_eq!(chain.program_time_left(probe).unwrap(), left);
    }
    // Exactly expiryDays old: still running, no time left.
    age_to(&mut chain, EXPIRY);
    assert_eq!(chain.program_time_left(probe).unwrap(), 0);
    assert!(
        chain
            .call(ALICE, probe, owner_call(), U256::ZERO)
            .unwrap()
            .success
    );
    assert_eq!(
        read(&mut chain, &ArbWasm::programVersionCall { program: probe }),
        2
    );
    let hash = code_hash(&chain, probe);
    assert_eq!(
        read(&mut chain, &ArbWasm::codehashVersionCall { codehash: hash }),
        2
    );
}

#[test]
fn parameters_and_costs_are_nitros() {
    let (mut chain, probe) = setup();
    let (success, _, gas) = ask(&mut chain, &ArbWasm::stylusVersionCall {});
    assert!(success);
    // ArbOS state 800, params 100, one result word.
    assert_eq!(gas, 903);
    assert_eq!(read(&mut chain, &ArbWasm::stylusVersionCall {}), 2);
    assert_eq!(read(&mut chain, &ArbWasm::expiryDaysCall {}), 365);
    assert_eq!(read(&mut chain, &ArbWasm::keepaliveDaysCall {}), 31);
    assert_eq!(read(&mut chain, &ArbWasm::inkPriceCall {}), 10_000);
    assert_eq!(read(&mut chain, &ArbWasm::freePagesCall {}), 2);
    assert_eq!(read(&mut chain, &ArbWasm::pageGasCall {}), 1_000);
    assert_eq!(read(&mut chain, &ArbWasm::pageLimitCall {}), 128);
    assert_eq!(read(&mut chain, &ArbWasm::pageRampCall {}), 620_674_314);
    assert_eq!(read(&mut chain, &ArbWasm::initCostScalarCall {}), 100);
    assert_eq!(read(&mut chain, &ArbWasm::blockCacheSizeCall {}), 32);
    assert_eq!(read(&mut chain, &ArbWasm::maxStackDepthCall {}), 22_000);
    let min = read(&mut chain, &ArbWasm::minInitGasCall {});
    assert_eq!((min.gas, min.cached), (8_832, 352));
    let stats = chain.program_stats(probe).unwrap();
    let init = read(&mut chain, &ArbWasm::programInitGasCall { program: probe });
    assert_eq!(init.gas, stats.init_gas() + stats.cached_gas());
    assert_eq!(init.gasWhenCached, stats.cached_gas());
    let footprint = read(
        &mut chain,
        &ArbWasm::programMemoryFootprintCall { program: probe },
    );
    assert_eq!(footprint, stats.footprint);
    let hash = code_hash(&chain, probe);
    let asm = read(&mut chain, &ArbWasm::codehashAsmSizeCall { codehash: hash });
    assert_eq!(u64::from(asm), stats.asm_estimate().div_ceil(1_024) * 1_024);
}

#[test]
fn an_expired_program_fails_like_one_never_activated() {
    let (mut chain, probe) = setup();
    let mut never = vec![0xEF, 0xF0, 0x00, 0x00];
    never.extend_from_slice(b"never activated");
    let never = deploy(&mut chain, &never);
    let empty = addr(0xee);
    let callers: Vec<Address> = [probe, never, empty]
        .iter()
        .map(|target| deploy(&mut chain, &fixed_gas_caller(*target, 100_000)))
        .collect();

    age_to(&mut chain, EXPIRY + 1);
    let age = EXPIRY + 1;
    // Called directly, the frame's gas is consumed and nothing returned; Nitro's reason is named.
    let receipt = chain
        .call_with_gas(ALICE, probe, owner_call(), U256::ZERO, 200_000)
        .unwrap();
    assert!(!receipt.success);
    assert!(receipt.output.is_empty());
    assert_eq!(receipt.gas_used, 200_000);
    assert_eq!(
        receipt.halt.as_deref(),
        Some("ProgramExpired(31536001)"),
        "{receipt:?}"
    );

    // From the EVM: failure, empty return data, and all 100,000 forwarded gas gone, exactly as
    // for code never activated; a call to an empty account costs the same but uses none of it.
    let results: Vec<_> = callers
        .iter()
        .map(|caller| {
            chain
                .call(ALICE, *caller, Bytes::new(), U256::ZERO)
                .unwrap()
        })
        .collect();
    let word = |receipt: &vigil_devnet::Receipt, i: usize| {
        U256::from_be_slice(&receipt.output[32 * i..32 * (i + 1)])
    };
    for receipt in &results[..2] {
        assert!(receipt.success);
        assert_eq!(word(receipt, 0), U256::ZERO, "the call failed");
        assert_eq!(word(receipt, 1), U256::ZERO, "no return data");
    }
    assert_eq!(word(&results[2], 0), U256::from(1));
    assert_eq!(results[0].gas_used, results[1].gas_used);
    assert_eq!(results[0].gas_used, results[2].gas_used + 100_000);

    // ArbWasm reports the age; with the data word, the error costs 3 more gas than a version.
    let (error, gas) = refusal(&mut chain, &ArbWasm::programVersionCall { program: probe });
    assert_eq!(error, ProgramError::Expired { age });
    assert_eq!(gas, 4_306 + 3);
    let hash = code_hash(&chain, probe);
    let (error, gas) = refusal(&mut chain, &ArbWasm::codehashVersionCall { codehash: hash });
    assert_eq!(error, ProgramError::Expired { age });
    assert_eq!(gas, 1_709);
    let (error, _) = refusal(&mut chain, &ArbWasm::programTimeLeftCall { program: probe });
    assert_eq!(error, ProgramError::Expired { age });
    let (error, _) = refusal(&mut chain, &ArbWasm::programInitGasCall { program: probe });
    assert_eq!(error, ProgramError::Expired { age });
    assert!(matches!(
        chain.program_time_left(probe),
        Err(DevnetError::Program(ProgramError::Expired { age: a })) if a == age
    ));
    // Never activated code, an EVM contract and an empty account are not activated programs.
    for target in [never, callers[0], empty] {
        let (error, _) = refusal(&mut chain, &ArbWasm::programVersionCall { program: target });
        assert_eq!(error, ProgramError::NotActivated);
    }
}

#[test]
fn keepalive_waits_for_its_days_then_restarts_the_clock() {
    let (mut chain, probe) = setup();
    let hash = code_hash(&chain, probe);
    let keepalive = ArbWasm::codehashKeepaliveCall { codehash: hash };
    let data = keepalive.abi_encode();

    age_to(&mut chain, KEEPALIVE - 1);
    let soon = ProgramError::KeepaliveTooSoon { age: KEEPALIVE - 1 };
    assert!(matches!(chain.keepalive_fee(probe), Err(DevnetError::Program(e)) if e == soon));
    let receipt = chain.keepalive(BOB, probe).unwrap();
    assert!(!receipt.success);
    assert_eq!(ProgramError::abi_decode(&receipt.output), Some(soon));
    // args 3, state 800, params 100, record 800, error data 6; the rest is returned.
    assert_eq!(receipt.gas_used, intrinsic(&data) + 1_709);

    // Without the data fee Nitro refuses too, and nothing changes.
    age_to(&mut chain, KEEPALIVE);
    let fee = chain.keepalive_fee(probe).unwrap();
    assert!(fee > U256::ZERO);
    let receipt = chain
        .call(BOB, ARB_WASM, data.clone().into(), U256::ZERO)
        .unwrap();
    assert_eq!(
        ProgramError::abi_decode(&receipt.output),
        Some(ProgramError::InsufficientValue {
            have: U256::ZERO,
            want: fee
        })
    );
    assert_eq!(chain.program_time_left(probe).unwrap(), EXPIRY - KEEPALIVE);

    // At keepaliveDays the fee goes to the network fee account (zero on a dev chain) and any
    // excess back to the sender; the age restarts from this hour.
    let (bob, network) = (chain.balance(BOB), chain.balance(Address::ZERO));
    let receipt = chain
        .call(BOB, ARB_WASM, data.clone().into(), fee + ether(1))
        .unwrap();
    assert!(receipt.success, "{receipt:?}");
    assert_eq!(chain.balance(BOB), bob - fee);
    assert_eq!(chain.balance(Address::ZERO), network + fee);
    let event = ArbWasm::ProgramLifetimeExtended {
        codehash: hash,
        dataFee: fee,
    };
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].address, ARB_WASM);
    let log = event.encode_log_data();
    assert_eq!(receipt.logs[0].topics, log.topics());
    assert_eq!(receipt.logs[0].data, log.data);
    // args 3, state 800, params 100, record 800, pricer reads 4,000 and writes 40,000, record
    // write 20,000, fee account 800, event 375 + 2 x 375 + 32 x 8.
    assert_eq!(receipt.gas_used, intrinsic(&data) + 67_884);
    assert_eq!(chain.program_time_left(probe).unwrap(), EXPIRY);
    // A second keepalive must wait again.
    let receipt = chain.keepalive(BOB, probe).unwrap();
    assert_eq!(
        ProgramError::abi_decode(&receipt.output),
        Some(ProgramError::KeepaliveTooSoon { age: 0 })
    );

    // Past the first expiry it still runs, and the helper sends exactly the fee.
    age_to(&mut chain, EXPIRY + DAY);
    assert!(
        chain
            .call(ALICE, probe, owner_call(), U256::ZERO)
            .unwrap()
            .success
    );
    assert_eq!(
        chain.program_time_left(probe).unwrap(),
        EXPIRY - (EXPIRY + DAY - KEEPALIVE)
    );
    let fee = chain.keepalive_fee(probe).unwrap();
    let bob = chain.balance(BOB);
    assert!(chain.keepalive(BOB, probe).unwrap().success);
    assert_eq!(chain.balance(BOB), bob - fee);
}

#[test]
fn anyone_can_activate_an_expired_program_again() {
    let (mut chain, probe) = setup();
    age_to(&mut chain, EXPIRY + 1);
    let call = ArbWasm::activateProgramCall { program: probe };
    let data = call.abi_encode();
    let fee = chain.activation_fee(probe).unwrap();
    // Too late for a keepalive: only activation brings it back.
    let receipt = chain.keepalive(BOB, probe).unwrap();
    assert_eq!(
        ProgramError::abi_decode(&receipt.output),
        Some(ProgramError::Expired { age: EXPIRY + 1 })
    );

    // Too little value: Nitro's error, the value returned, still expired.
    let bob = chain.balance(BOB);
    let receipt = chain
        .call(BOB, ARB_WASM, data.clone().into(), fee - U256::from(1))
        .unwrap();
    assert_eq!(
        ProgramError::abi_decode(&receipt.output),
        Some(ProgramError::InsufficientValue {
            have: fee - U256::from(1),
            want: fee
        })
    );
    assert_eq!(chain.balance(BOB), bob);
    assert!(
        !chain
            .call(ALICE, probe, owner_call(), U256::ZERO)
            .unwrap()
            .success
    );

    // A plain account pays the fee (the excess comes back) and the program runs again with its
    // storage intact.
    let receipt = chain
        .call(BOB, ARB_WASM, data.clone().into(), fee + ether(1))
        .unwrap();
    assert!(receipt.success, "{receipt:?}");
    let ret = ArbWasm::activateProgramCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!((ret.version, ret.dataFee), (2, fee));
    assert_eq!(chain.balance(BOB), bob - fee);
    let compiled = chain.program(probe).unwrap();
    let event = ArbWasm::ProgramActivated {
        codehash: code_hash(&chain, probe),
        moduleHash: compiled.module_hash,
        program: probe,
        dataFee: fee,
        version: 2,
    };
    assert_eq!(receipt.logs.len(), 1);
    let log = event.encode_log_data();
    assert_eq!(receipt.logs[0].topics, log.topics());
    assert_eq!(receipt.logs[0].data, log.data);
    // args 3, state 800, activation-gas slot 800, the fixed burn, params 100, record 800, the
    // compile charge, module hash 20,000, pricer 4,000 + 40,000, record 20,000, fee account 800,
    // event 375 + 2 x 375 + 128 x 8, result 6.
    let fixed = 3 + 800 + 800 + ACTIVATION_FIXED_GAS + 100 + 800;
    let writes = 20_000 + 4_000 + 40_000 + 20_000 + 800 + 2_149 + 6;
    assert_eq!(
        receipt.gas_used,
        intrinsic(&data) + fixed + compiled.compile.gas() + writes
    );
    let owner = chain.call(ALICE, probe, owner_call(), U256::ZERO).unwrap();
    assert!(owner.success);
    let (deployer, initial) = IProbe::ownerCall::abi_decode_returns(&owner.output)
        .map(|r| (r._0, r._1))
        .unwrap();
    assert_eq!((deployer, initial), (ALICE, U256::from(7)));
    // Activated at this hour: a full lifetime minus the seconds past it.
    assert_eq!(
        chain.program_time_left(probe).unwrap(),
        EXPIRY - (EXPIRY + 1) % 3_600
    );

    // Current and unexpired: activating again is refused after the fixed burn, value returned.
    let receipt = chain.call(BOB, ARB_WASM, data.clone().into(), fee).unwrap();
    assert_eq!(
        ProgramError::abi_decode(&receipt.output),
        Some(ProgramError::UpToDate)
    );
    assert_eq!(receipt.gas_used, intrinsic(&data) + fixed + 3);
}

#[test]
fn activation_refuses_what_is_not_a_program_and_misuse() {
    let (mut chain, probe) = setup();
    let evm = deploy(&mut chain, RETURN_42);
    for target in [evm, addr(0xee)] {
        let receipt = chain.activate_program(BOB, target).unwrap();
        assert_eq!(
            ProgramError::abi_decode(&receipt.output),
            Some(ProgramError::NotWasm)
        );
    }
    // Value to a view, a call too short for its argument, an unknown selector: reverted with no
    // data and all the gas consumed.
    let version = ArbWasm::programVersionCall { program: probe }.abi_encode();
    for (data, value) in [
        (version.clone(), U256::from(1)),
        (version[..20].to_vec(), U256::ZERO),
        (vec![0xde, 0xad, 0xbe, 0xef], U256::ZERO),
    ] {
        let receipt = chain
            .call_with_gas(BOB, ARB_WASM, data.into(), value, 100_000)
            .unwrap();
        assert!(!receipt.success && receipt.halt.is_none());
        assert!(receipt.output.is_empty());
        assert_eq!(receipt.gas_used, 100_000);
    }
    // Not enough gas for the fixed burn: all of it consumed, nothing activated.
    age_to(&mut chain, EXPIRY + 1);
    let receipt = chain
        .call_with_gas(
            BOB,
            ARB_WASM,
            ArbWasm::activateProgramCall { program: probe }
                .abi_encode()
                .into(),
            ether(1),
            1_000_000,
        )
        .unwrap();
    assert!(!receipt.success && receipt.output.is_empty());
    assert_eq!(receipt.gas_used, 1_000_000);
    assert!(chain.program_time_left(probe).is_err());
}

#[test]
fn reverted_and_restored_activations_do_not_stick() {
    let (mut chain, probe) = setup();
    age_to(&mut chain, EXPIRY + 1);
    let fee = chain.activation_fee(probe).unwrap();
    let activate = ArbWasm::activateProgramCall { program: probe }.abi_encode();
    // Activated inside a call that then reverts.
    let reverter = deploy(&mut chain, &forwarder(true));
    let receipt = chain
        .call(BOB, reverter, forward(ARB_WASM, &activate), fee)
        .unwrap();
    assert!(!receipt.success);
    let ret = ArbWasm::activateProgramCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(ret.dataFee, fee, "the inner activation succeeded");
    assert!(chain.program_time_left(probe).is_err());
    // Activated, then the chain restored to before it.
    let snapshot = chain.snapshot();
    assert!(chain.activate_program(BOB, probe).unwrap().success);
    assert!(chain.program_time_left(probe).is_ok());
    chain.revert_to(snapshot).unwrap();
    assert!(matches!(
        chain.program_time_left(probe),
        Err(DevnetError::Program(ProgramError::Expired { .. }))
    ));
}

#[test]
fn programs_reach_arbwasm_from_stylus_frames() {
    let mut chain = Devnet::new();
    chain.fund(BOB, ether(10));
    let minimal = chain
        .deploy_stylus(ALICE, &Wasm::default().build(), None)
        .unwrap();
    // The probe is activated 200 days later, so the minimal module expires first.
    age_to(&mut chain, START_AGE + 200 * DAY);
    let probe = deploy_probe(&mut chain);
    age_to(&mut chain, EXPIRY + 1);
    let age = EXPIRY + 1;

    let query = |chain: &mut Devnet, inner: Vec<u8>| {
        let call = IProbe::staticCallCall {
            target: ARB_WASM,
            data: inner.into(),
        };
        let out = chain.view(ALICE, probe, call.abi_encode().into()).unwrap();
        assert!(out.success);
        let ret = IProbe::staticCallCall::abi_decode_returns(&out.data).unwrap();
        (ret._0, ret._1)
    };
    let (status, data) = query(
        &mut chain,
        ArbWasm::programTimeLeftCall { program: probe }.abi_encode(),
    );
    assert_eq!(status, 0);
    let left = ArbWasm::programTimeLeftCall::abi_decode_returns(&data).unwrap();
    assert_eq!(left, chain.program_time_left(probe).unwrap());
    let (status, data) = query(
        &mut chain,
        ArbWasm::programVersionCall { program: minimal }.abi_encode(),
    );
    assert_eq!(status, 2);
    assert_eq!(
        ProgramError::abi_decode(&data),
        Some(ProgramError::Expired { age })
    );
    // Under STATICCALL a payable method is refused, with no data.
    let fee = chain.activation_fee(minimal).unwrap();
    let activate = ArbWasm::activateProgramCall { program: minimal }.abi_encode();
    assert_eq!(query(&mut chain, activate.clone()), (2, Bytes::new()));

    // The probe pays the fee out of the value it is sent and activates the minimal module.
    let call = IProbe::callCall {
        target: ARB_WASM,
        data: activate.into(),
        value: fee,
        gas: u64::MAX,
    };
    let receipt = chain
        .call(BOB, probe, call.abi_encode().into(), fee)
        .unwrap();
    assert!(receipt.success, "{receipt:?}");
    let ret = IProbe::callCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(ret._0, 0);
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].address, ARB_WASM);
    assert!(
        chain
            .call(ALICE, minimal, Bytes::new(), U256::ZERO)
            .unwrap()
            .success
    );
}

#[test]
fn a_stylus_version_upgrade_requires_activation_again() {
    let (mut chain, probe) = setup();
    chain.set_stylus_version(3);
    let outdated = ProgramError::NeedsUpgrade {
        version: 2,
        stylus_version: 3,
    };
    let receipt = chain.call(ALICE, probe, owner_call(), U256::ZERO).unwrap();
    assert_eq!(receipt.halt.as_deref(), Some("ProgramNeedsUpgrade(2, 3)"));
    let (error, _) = refusal(&mut chain, &ArbWasm::programVersionCall { program: probe });
    assert_eq!(error, outdated);
    assert!(matches!(chain.program_version(probe), Err(DevnetError::Program(e)) if e == outdated));
    // Unexpired but outdated: activation is allowed and records the new version.
    let receipt = chain.activate_program(BOB, probe).unwrap();
    assert!(receipt.success, "{receipt:?}");
    assert_eq!(chain.program_version(probe).unwrap(), 3);
    assert!(
        chain
            .call(ALICE, probe, owner_call(), U256::ZERO)
            .unwrap()
            .success
    );
}

#[test]
fn the_chain_owner_sets_the_lifetime_every_program_is_measured_against() {
    let (mut chain, probe) = setup();
    age_to(&mut chain, 31 * DAY);
    chain.set_expiry_days(30);
    assert_eq!(read(&mut chain, &ArbWasm::expiryDaysCall {}), 30);
    let receipt = chain.call(ALICE, probe, owner_call(), U256::ZERO).unwrap();
    assert_eq!(receipt.halt.as_deref(), Some("ProgramExpired(2678400)"));
    // Nitro keeps no expiry date, only the activation hour: a longer lifetime revives it.
    chain.set_expiry_days(365);
    assert!(
        chain
            .call(ALICE, probe, owner_call(), U256::ZERO)
            .unwrap()
            .success
    );
    chain.set_keepalive_days(0);
    assert_eq!(read(&mut chain, &ArbWasm::keepaliveDaysCall {}), 0);
    assert!(chain.keepalive(BOB, probe).unwrap().success);
    assert!(chain.keepalive(BOB, probe).unwrap().success);
}
