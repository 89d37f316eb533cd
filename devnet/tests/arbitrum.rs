//! The Arbitrum pieces tooling relies on: ArbSys, ArbOwnerPublic and ArbWasmCache with Nitro's
//! selectors, values and access rules; the predeployed StylusDeployer deploying, activating and
//! constructing the release guard in one transaction; the CacheManager's bids moving a program's
//! entry gas by exactly the cached/uncached difference; and the CREATE2 factory. The predeploys'
//! committed bytecode is what forge builds from their sources.

mod common;

use alloy_primitives::aliases::U192;
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolValue};
use common::*;
use std::process::Command;
use vigil_devnet::artifacts::{guard_extension_wasm, guard_wasm, workspace};
use vigil_devnet::chain::{Fees, TxRequest};
use vigil_devnet::genesis::{
    CACHE_MANAGER, CACHE_SIZE, CREATE2_FACTORY, DEV_ACCOUNT, STYLUS_DEPLOYER,
};
use vigil_devnet::precompiles::arb_owner_public::{ArbOwnerPublic, ARB_OWNER_PUBLIC};
use vigil_devnet::precompiles::arb_sys::{ArbSys, ARB_SYS};
use vigil_devnet::precompiles::arb_wasm_cache::{ArbWasmCache, ARB_WASM_CACHE};
use vigil_devnet::stylus::activation::compress;
use vigil_devnet::stylus::arbwasm::{ArbWasm, ARB_WASM};
use vigil_devnet::stylus::trace::HostioTrace;
use vigil_devnet::system::ICircuitGuard;
use vigil_devnet::{keccak256, Address, Bytes, Devnet, ProgramError, Receipt, TxKind, B256, U256};

sol! {
    /// The StylusDeployer's ABI as cargo-stylus encodes it (stylus-rpc.md §2).
    interface IStylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        function initSalt(bytes32 salt, bytes initData) external pure returns (bytes32);
        function requiresActivation(address program) external view returns (bool);
        event ContractDeployed(address deployedContract);
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
    }

    /// The CacheManager's ABI as `cargo stylus cache` uses it (stylus-rpc.md §4), plus the owner's
    /// size setting.
    interface ICacheManager {
        function cacheSize() external view returns (uint64);
        function queueSize() external view returns (uint64);
        function isPaused() external view returns (bool);
        function placeBid(address program) external payable;
        function getMinBid(address program) external view returns (uint192);
        function getMinBid(uint64 size) external view returns (uint192);
        function setCacheSize(uint64 size) external;
        error NotChainOwner(address sender);
        error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize);
        error AlreadyCached(bytes32 codehash);
        error BidTooSmall(uint192 bid, uint192 min);
        error BidsArePaused();
    }
}

use ICacheManager::{getMinBid_0Call as MinBidForProgram, getMinBid_1Call as MinBidForSize};

/// `stylus_constructor()`: the selector the SDK gives every constructor.
const CONSTRUCTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn selector_hex(selector: [u8; 4]) -> String {
    hex(&selector)
}

fn topic(hash: B256) -> String {
    hex(&hash[..])
}

#[test]
fn selectors_and_topics_are_the_reference_values() {
    use IStylusDeployer as D;
    assert_eq!(selector_hex(D::deployCall::SELECTOR), "a9a8e4e9");
    assert_eq!(selector_hex(D::initSaltCall::SELECTOR), "9f40b385");
    assert_eq!(
        selector_hex(D::requiresActivationCall::SELECTOR),
        "835d1d4c"
    );
    assert_eq!(
        topic(D::ContractDeployed::SIGNATURE_HASH),
        "8ffcdc15a283d706d38281f500270d8b5a656918f555de0913d7455e3e6bc1bf"
    );
    assert_eq!(
        selector_hex(D::ContractDeploymentError::SELECTOR),
        "794c92ce"
    );
    assert_eq!(
        selector_hex(D::ContractInitializationError::SELECTOR),
        "88d8f57d"
    );
    assert_eq!(
        selector_hex(D::RefundExcessValueError::SELECTOR),
        "3ea99169"
    );
    assert_eq!(selector_hex(D::EmptyBytecode::SELECTOR), "21744a59");
    assert_eq!(
        selector_hex(D::InitValueButNotInitData::SELECTOR),
        "00cc7971"
    );
    assert_eq!(
        selector_hex(CONSTRUCTOR),
        selector_hex(keccak4("stylus_constructor()"))
    );

    use ICacheManager as M;
    assert_eq!(selector_hex(M::cacheSizeCall::SELECTOR), "674a64e0");
    assert_eq!(selector_hex(M::queueSizeCall::SELECTOR), "bae6c2ad");
    assert_eq!(selector_hex(M::isPausedCall::SELECTOR), "b187bd26");
    assert_eq!(selector_hex(M::placeBidCall::SELECTOR), "e4940157");
    assert_eq!(selector_hex(MinBidForProgram::SELECTOR), "32052a9b");
    assert_eq!(selector_hex(MinBidForSize::SELECTOR), "d29b303e");
    assert_eq!(selector_hex(M::AsmTooLarge::SELECTOR), "bcc27c37");
    assert_eq!(selector_hex(M::AlreadyCached::SELECTOR), "c7e2d8e5");
    assert_eq!(selector_hex(M::BidTooSmall::SELECTOR), "df370e48");
    assert_eq!(selector_hex(M::BidsArePaused::SELECTOR), "8f55c96c");

    use ArbWasmCache as C;
    assert_eq!(selector_hex(C::isCacheManagerCall::SELECTOR), "85e2de85");
    assert_eq!(selector_hex(C::allCacheManagersCall::SELECTOR), "0ec1d773");
    assert_eq!(selector_hex(C::cacheProgramCall::SELECTOR), "e73ac9f2");
    assert_eq!(selector_hex(C::evictCodehashCall::SELECTOR), "ce972013");
    assert_eq!(selector_hex(C::codehashIsCachedCall::SELECTOR), "a72f179b");
    assert_eq!(
        topic(C::UpdateProgramCache::SIGNATURE_HASH),
        "1bfaa29b4618e78f5b398027d530826dbb266dc976a5067f67fdad15434ecfab"
    );

    assert_eq!(
        selector_hex(ArbSys::arbBlockNumberCall::SELECTOR),
        "a3b1b31d"
    );
    assert_eq!(selector_hex(ArbSys::arbChainIDCall::SELECTOR), "d127f54a");
    assert_eq!(selector_hex(ArbSys::arbOSVersionCall::SELECTOR), "051038f2");
    assert_eq!(selector_hex(ArbSys::arbBlockHashCall::SELECTOR), "2b407a82");
    assert_eq!(
        selector_hex(ArbOwnerPublic::getMaxStylusContractFragmentsCall::SELECTOR),
        "e5a7f893"
    );
}

fn keccak4(signature: &str) -> [u8; 4] {
    let hash = keccak256(signature.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}

/// The committed runtime hex of the predeploys is what forge builds from their sources.
#[test]
fn predeploy_bytecode_is_forges_build_of_the_sources() {
    let output = Command::new("bash")
        .current_dir(workspace())
        .arg("script/predeploys.sh")
        .output()
        .expect("run script/predeploys.sh");
    assert!(
        output.status.success(),
        "script/predeploys.sh: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

// --- helpers ---------------------------------------------------------------------------------

/// cargo-stylus's init code: CODECOPY the runtime from offset 43 and RETURN it
/// (stylus-rpc.md §6).
fn stylus_initcode(wasm: &[u8]) -> Vec<u8> {
    let runtime = compress(wasm).expect("compress");
    let mut init = vec![0x7f];
    init.extend_from_slice(&U256::from(runtime.len()).to_be_bytes::<32>());
    init.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend_from_slice(&runtime);
    init
}

/// The guard constructor's init data for `owner`.
/// The constructor call of a guard owned by `owner`, bound to the extension [`funded`] deploys.
fn guard_ctor(owner: Address) -> Vec<u8> {
    let mut data = CONSTRUCTOR.to_vec();
    data.extend_from_slice(&(owner, guard_extension()).abi_encode_params());
    data
}

/// Where [`funded`] deploys the guard's extension program: BOB's first contract.
fn guard_extension() -> Address {
    BOB.create(0)
}

fn deploy_call(initcode: &[u8], init: &[u8], init_value: U256, salt: B256) -> Bytes {
    IStylusDeployer::deployCall {
        bytecode: initcode.to_vec().into(),
        initData: init.to_vec().into(),
        initValue: init_value,
        salt,
    }
    .abi_encode()
    .into()
}

/// What cargo-stylus reads: data[12..32] of the first ContractDeployed log.
fn deployed_address(receipt: &Receipt) -> Address {
    let log = receipt
        .logs
        .iter()
        .find(|l| l.topics.first() == Some(&IStylusDeployer::ContractDeployed::SIGNATURE_HASH))
        .expect("a ContractDeployed log");
    assert_eq!(log.address, STYLUS_DEPLOYER);
    Address::from_slice(&log.data[12..32])
}

/// The data fee of the ProgramActivated log, if the transaction activated anything.
fn activation_fee(receipt: &Receipt) -> Option<U256> {
    receipt.logs.iter().find_map(|l| {
        (l.address == ARB_WASM
            && l.topics.first() == Some(&ArbWasm::ProgramActivated::SIGNATURE_HASH))
        .then(|| {
            ArbWasm::ProgramActivated::decode_raw_log(l.topics.iter().copied(), &l.data)
                .expect("ProgramActivated")
                .dataFee
        })
    })
}

fn view<C: SolCall>(chain: &mut Devnet, to: Address, call: &C) -> C::Return {
    let out = chain
        .view(ALICE, to, call.abi_encode().into())
        .expect("view");
    assert!(out.success, "view of {to} failed: 0x{}", hex(&out.data));
    C::abi_decode_returns(&out.data).expect("decode")
}

fn send<C: SolCall>(
    chain: &mut Devnet,
    from: Address,
    to: Address,
    call: &C,
    value: U256,
) -> Receipt {
    chain
        .call(from, to, call.abi_encode().into(), value)
        .expect("transaction")
}

fn guard_owner(chain: &mut Devnet, guard: Address) -> Address {
    view(chain, guard, &ICircuitGuard::guardConfigCall {}).owner
}

/// Deploys the release guard through the StylusDeployer from ALICE with 1 ether; returns the
/// receipt.
fn deploy_guard(chain: &mut Devnet, owner: Address, salt: B256) -> Receipt {
    let data = deploy_call(
        &stylus_initcode(guard_wasm()),
        &guard_ctor(owner),
        U256::ZERO,
        salt,
    );
    chain
        .call(ALICE, STYLUS_DEPLOYER, data, ether(1))
        .expect("deploy transaction")
}

/// A chain with ALICE and BOB funded and the guard's extension program deployed (by BOB), which
/// every guard these tests deploy delegates its configuration and views to.
fn funded() -> Devnet {
    let mut chain = Devnet::new();
    chain.fund(ALICE, ether(100));
    chain.fund(BOB, ether(100));
    let extension = chain
        .deploy_stylus(BOB, guard_extension_wasm(), None)
        .expect("deploy the guard extension");
    assert_eq!(extension, guard_extension());
    chain
}

// --- StylusDeployer --------------------------------------------------------------------------

#[test]
fn the_deployer_deploys_activates_and_constructs_the_guard_in_one_transaction() {
    let mut chain = funded();
    let before = chain.balance(ALICE);
    let receipt = deploy_guard(&mut chain, BOB, B256::ZERO);
    assert!(
        receipt.success,
        "deploy reverted: 0x{}",
        hex(&receipt.output)
    );
    let guard = deployed_address(&receipt);
    // CREATE from the deployer's first nonce (its account starts with nonce 1).
    assert_eq!(guard, STYLUS_DEPLOYER.create(1));
    assert_eq!(
        IStylusDeployer::deployCall::abi_decode_returns(&receipt.output).unwrap(),
        guard
    );
    // Activated by the deployer, constructed with the owner given.
    let fee = activation_fee(&receipt).expect("the program was activated");
    assert!(fee > U256::ZERO);
    assert_eq!(chain.program_version(guard).unwrap(), 2);
    assert_eq!(guard_owner(&mut chain, guard), BOB);
    // The sender paid the data fee and nothing else (gas is free at base fee 0); the deployer
    // kept nothing.
    assert_eq!(chain.balance(ALICE), before - fee);
    assert_eq!(chain.balance(STYLUS_DEPLOYER), U256::ZERO);

    // The same code again needs no activation: everything sent comes back.
    assert!(!view(
        &mut chain,
        STYLUS_DEPLOYER,
        &IStylusDeployer::requiresActivationCall { program: guard }
    ));
    let before = chain.balance(ALICE);
    let again = deploy_guard(&mut chain, BOB, B256::ZERO);
    assert!(again.success);
    assert_eq!(activation_fee(&again), None);
    assert_eq!(chain.balance(ALICE), before);
    assert_eq!(guard_owner(&mut chain, deployed_address(&again)), BOB);
}

#[test]
fn a_salted_deployment_lands_at_the_create2_address_of_the_salted_init_data() {
    let mut chain = funded();
    let salt = B256::repeat_byte(0x5a);
    let initcode = stylus_initcode(guard_wasm());
    let init = guard_ctor(BOB);
    let salted = view(
        &mut chain,
        STYLUS_DEPLOYER,
        &IStylusDeployer::initSaltCall {
            salt,
            initData: init.clone().into(),
        },
    );
    assert_eq!(salted, keccak256([&salt[..], &init[..]].concat()));
    let receipt = deploy_guard(&mut chain, BOB, salt);
    assert!(receipt.success);
    let expected = STYLUS_DEPLOYER.create2(salted, keccak256(&initcode));
    assert_eq!(deployed_address(&receipt), expected);
    // The address is taken: the same deployment again fails without revert data.
    let again = deploy_guard(&mut chain, BOB, salt);
    assert!(!again.success);
    let error = IStylusDeployer::ContractDeploymentError::abi_decode(&again.output).unwrap();
    assert_eq!(error.bytecode.as_ref(), &initcode[..]);
}

#[test]
fn the_deployer_refuses_with_its_errors_and_changes_nothing() {
    let mut chain = funded();
    let initcode = stylus_initcode(guard_wasm());
    let nonce = chain.nonce(STYLUS_DEPLOYER);
    let refuse = |chain: &mut Devnet, data: Bytes, value: U256| {
        let before = chain.balance(ALICE);
        let receipt = chain.call(ALICE, STYLUS_DEPLOYER, data, value).unwrap();
        assert!(!receipt.success);
        assert_eq!(
            chain.balance(ALICE),
            before,
            "a refusal costs nothing but gas"
        );
        assert_eq!(chain.nonce(STYLUS_DEPLOYER), nonce, "nothing was deployed");
        receipt.output
    };

    let empty = refuse(
        &mut chain,
        deploy_call(&[], &[], U256::ZERO, B256::ZERO),
        ether(1),
    );
    assert_eq!(empty, IStylusDeployer::EmptyBytecode {}.abi_encode());

    let no_init = deploy_call(&initcode, &[], U256::from(1), B256::ZERO);
    let output = refuse(&mut chain, no_init, ether(1));
    assert_eq!(
        output,
        IStylusDeployer::InitValueButNotInitData {}.abi_encode()
    );

    // The guard's constructor refuses a zero owner: its error comes back inside the deployer's.
    let failing = deploy_call(
        &initcode,
        &guard_ctor(Address::ZERO),
        U256::ZERO,
        B256::ZERO,
    );
    let output = refuse(&mut chain, failing, ether(1));
    let error = IStylusDeployer::ContractInitializationError::abi_decode(&output).unwrap();
    assert_eq!(error.newContract, STYLUS_DEPLOYER.create(1));
    assert_eq!(
        error.data.as_ref(),
        &ICircuitGuard::ZeroAddress {}.abi_encode()[..]
    );

    // Too little value for the data fee: ArbWasm's own error comes through.
    let poor = deploy_call(&initcode, &guard_ctor(BOB), U256::ZERO, B256::ZERO);
    let output = refuse(&mut chain, poor, U256::from(1));
    match ProgramError::abi_decode(&output) {
        Some(ProgramError::InsufficientValue { have, want }) => {
            assert_eq!(have, U256::from(1));
            assert!(want > have);
        }
        other => panic!("expected ProgramInsufficientValue, got {other:?}"),
    }
    assert_eq!(chain.balance(STYLUS_DEPLOYER), U256::ZERO);
}

// --- caching ---------------------------------------------------------------------------------

/// Gas of a `guardConfig()` transaction to `guard` from ALICE.
fn config_gas(chain: &mut Devnet, guard: Address) -> u64 {
    let receipt = send(
        chain,
        ALICE,
        guard,
        &ICircuitGuard::guardConfigCall {},
        U256::ZERO,
    );
    assert!(receipt.success);
    receipt.gas_used
}

fn is_cached(chain: &mut Devnet, program: Address) -> bool {
    let codehash = keccak256(chain.code(program));
    view(
        chain,
        ARB_WASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash },
    )
}

/// What caching saves a call: `programInitGas`'s uncached minus cached figure.
fn cache_saving(chain: &mut Devnet, program: Address) -> u64 {
    let init = view(chain, ARB_WASM, &ArbWasm::programInitGasCall { program });
    init.gas - init.gasWhenCached
}

fn guard_at(chain: &mut Devnet, salt: u8) -> Address {
    let receipt = deploy_guard(chain, BOB, B256::repeat_byte(salt));
    assert!(receipt.success);
    deployed_address(&receipt)
}

#[test]
fn the_cache_manager_is_what_cargo_stylus_cache_status_reads() {
    let mut chain = funded();
    let managers = view(
        &mut chain,
        ARB_WASM_CACHE,
        &ArbWasmCache::allCacheManagersCall {},
    );
    assert_eq!(managers.last(), Some(&CACHE_MANAGER));
    assert!(view(
        &mut chain,
        ARB_WASM_CACHE,
        &ArbWasmCache::isCacheManagerCall {
            manager: CACHE_MANAGER
        }
    ));
    assert!(!view(
        &mut chain,
        ARB_WASM_CACHE,
        &ArbWasmCache::isCacheManagerCall { manager: ALICE }
    ));
    assert_eq!(
        view(&mut chain, CACHE_MANAGER, &ICacheManager::cacheSizeCall {}),
        CACHE_SIZE
    );
    assert_eq!(
        view(&mut chain, CACHE_MANAGER, &ICacheManager::queueSizeCall {}),
        0
    );
    assert!(!view(
        &mut chain,
        CACHE_MANAGER,
        &ICacheManager::isPausedCall {}
    ));
    for size in [8_000u64, 16_000, 24_000] {
        let min = view(&mut chain, CACHE_MANAGER, &MinBidForSize { size });
        assert_eq!(min, U192::ZERO);
    }
    let guard = guard_at(&mut chain, 1);
    let min = view(
        &mut chain,
        CACHE_MANAGER,
        &MinBidForProgram { program: guard },
    );
    assert_eq!(min, U192::ZERO);
}

#[test]
fn a_bid_caches_the_program_and_eviction_restores_its_entry_gas() {
    let mut chain = funded();
    let first = guard_at(&mut chain, 1);
    // Different code (the init data is in the salt, not the code), so deploy the probe as the
    // second program: eviction must pick between two code hashes.
    let second = deploy_probe(&mut chain);
    let saving = cache_saving(&mut chain, first);
    assert!(saving > 0);
    let uncached = config_gas(&mut chain, first);

    let bid = send(
        &mut chain,
        BOB,
        CACHE_MANAGER,
        &ICacheManager::placeBidCall { program: first },
        U256::from(10),
    );
    assert!(bid.success, "placeBid reverted: 0x{}", hex(&bid.output));
    let update = bid
        .logs
        .iter()
        .find(|l| l.address == ARB_WASM_CACHE)
        .expect("UpdateProgramCache");
    let event = ArbWasmCache::UpdateProgramCache::decode_raw_log(
        update.topics.iter().copied(),
        &update.data,
    )
    .unwrap();
    assert_eq!(
        (event.manager, event.codehash, event.cached),
        (CACHE_MANAGER, keccak256(chain.code(first)), true)
    );
    assert!(is_cached(&mut chain, first));
    assert_eq!(config_gas(&mut chain, first), uncached - saving);

    // A second bid for a cached program is refused by name.
    let again = send(
        &mut chain,
        BOB,
        CACHE_MANAGER,
        &ICacheManager::placeBidCall { program: first },
        U256::from(99),
    );
    assert_eq!(
        again.output,
        ICacheManager::AlreadyCached {
            codehash: keccak256(chain.code(first))
        }
        .abi_encode()
    );

    // Shrink the cache (chain owner only) so that one program fills it.
    let asm = |chain: &mut Devnet, program: Address| {
        let codehash = keccak256(chain.code(program));
        u64::from(view(
            chain,
            ARB_WASM,
            &ArbWasm::codehashAsmSizeCall { codehash },
        ))
        .max(4_096)
    };
    let (a, b) = (asm(&mut chain, first), asm(&mut chain, second));
    let size = a.max(b);
    let denied = send(
        &mut chain,
        ALICE,
        CACHE_MANAGER,
        &ICacheManager::setCacheSizeCall { size },
        U256::ZERO,
    );
    assert_eq!(
        denied.output,
        ICacheManager::NotChainOwner { sender: ALICE }.abi_encode()
    );
    let resized = send(
        &mut chain,
        DEV_ACCOUNT,
        CACHE_MANAGER,
        &ICacheManager::setCacheSizeCall { size },
        U256::ZERO,
    );
    assert!(resized.success);

    // A lower bid cannot take the room; the minimum bid says what would.
    let min = view(
        &mut chain,
        CACHE_MANAGER,
        &MinBidForProgram { program: second },
    );
    assert_eq!(min, U192::from(10));
    let low = send(
        &mut chain,
        BOB,
        CACHE_MANAGER,
        &ICacheManager::placeBidCall { program: second },
        U256::from(9),
    );
    assert_eq!(
        low.output,
        ICacheManager::BidTooSmall {
            bid: U192::from(9),
            min: U192::from(10)
        }
        .abi_encode()
    );
    assert!(is_cached(&mut chain, first));

    // A higher one evicts the first program, whose calls pay init gas again.
    let high = send(
        &mut chain,
        BOB,
        CACHE_MANAGER,
        &ICacheManager::placeBidCall { program: second },
        U256::from(11),
    );
    assert!(high.success, "placeBid reverted: 0x{}", hex(&high.output));
    assert!(!is_cached(&mut chain, first));
    assert!(is_cached(&mut chain, second));
    assert_eq!(config_gas(&mut chain, first), uncached);
    assert_eq!(
        view(&mut chain, CACHE_MANAGER, &ICacheManager::queueSizeCall {}),
        b
    );
    // Bids stay with the manager.
    assert_eq!(chain.balance(CACHE_MANAGER), U256::from(21));
}

#[test]
fn a_reverted_cache_call_caches_nothing() {
    let mut chain = funded();
    let guard = guard_at(&mut chain, 1);
    let uncached = config_gas(&mut chain, guard);
    // placeBid succeeds inside a frame that then reverts.
    let reverter = deploy(&mut chain, &forwarder(true));
    let inner = ICacheManager::placeBidCall { program: guard }.abi_encode();
    let receipt = chain
        .call(BOB, reverter, forward(CACHE_MANAGER, &inner), U256::from(5))
        .unwrap();
    assert!(!receipt.success);
    assert!(!is_cached(&mut chain, guard));
    assert_eq!(
        view(&mut chain, CACHE_MANAGER, &ICacheManager::queueSizeCall {}),
        0
    );
    assert_eq!(config_gas(&mut chain, guard), uncached);

    // The same call through a forwarder that returns caches it.
    let passer = deploy(&mut chain, &forwarder(false));
    let receipt = chain
        .call(BOB, passer, forward(CACHE_MANAGER, &inner), U256::from(5))
        .unwrap();
    assert!(receipt.success);
    assert!(is_cached(&mut chain, guard));
    assert_eq!(
        config_gas(&mut chain, guard),
        uncached - cache_saving(&mut chain, guard)
    );
}

#[test]
fn arb_wasm_cache_admits_only_managers_and_chain_owners() {
    let mut chain = funded();
    chain.fund(DEV_ACCOUNT, ether(1));
    let guard = guard_at(&mut chain, 1);
    let codehash = keccak256(chain.code(guard));
    let cache = ArbWasmCache::cacheProgramCall { addr: guard }.abi_encode();

    // Anyone else is burnt out: no data, all the call's gas.
    let limit = 200_000;
    let refused = chain
        .call_with_gas(
            ALICE,
            ARB_WASM_CACHE,
            cache.clone().into(),
            U256::ZERO,
            limit,
        )
        .unwrap();
    assert!(!refused.success);
    assert!(refused.output.is_empty());
    assert_eq!(refused.gas_used, limit);
    assert!(!is_cached(&mut chain, guard));

    // The chain owner may cache and evict directly.
    let cached = chain
        .call(DEV_ACCOUNT, ARB_WASM_CACHE, cache.into(), U256::ZERO)
        .unwrap();
    assert!(cached.success);
    assert!(is_cached(&mut chain, guard));
    let evict = ArbWasmCache::evictCodehashCall { codehash }.abi_encode();
    assert!(
        chain
            .call(
                DEV_ACCOUNT,
                ARB_WASM_CACHE,
                evict.clone().into(),
                U256::ZERO
            )
            .unwrap()
            .success
    );
    assert!(!is_cached(&mut chain, guard));
    // Evicting what is not cached succeeds without an event.
    let noop = chain
        .call(DEV_ACCOUNT, ARB_WASM_CACHE, evict.into(), U256::ZERO)
        .unwrap();
    assert!(noop.success && noop.logs.is_empty());

    // A code hash never activated cannot be cached: Nitro reports version 0 as outdated.
    let plain = deploy(&mut chain, RETURN_42);
    let refused = chain
        .call(
            DEV_ACCOUNT,
            ARB_WASM_CACHE,
            ArbWasmCache::cacheProgramCall { addr: plain }
                .abi_encode()
                .into(),
            U256::ZERO,
        )
        .unwrap();
    assert_eq!(
        ProgramError::abi_decode(&refused.output),
        Some(ProgramError::NeedsUpgrade {
            version: 0,
            stylus_version: 2
        })
    );
    // The deprecated cacheCodehash is gone since ArbOS 31: an unknown method.
    let mut deprecated = keccak4("cacheCodehash(bytes32)").to_vec();
    deprecated.extend_from_slice(&codehash[..]);
    let gone = chain
        .call_with_gas(
            DEV_ACCOUNT,
            ARB_WASM_CACHE,
            deprecated.into(),
            U256::ZERO,
            limit,
        )
        .unwrap();
    assert!(!gone.success && gone.output.is_empty());
    assert_eq!(gone.gas_used, limit);
}

#[test]
fn the_cache_flag_is_chain_state_that_snapshots_carry() {
    let mut chain = funded();
    let guard = guard_at(&mut chain, 1);
    let snapshot = chain.snapshot();
    chain.set_cached(guard, true).unwrap();
    assert!(is_cached(&mut chain, guard));
    chain.revert_to(snapshot).unwrap();
    assert!(!is_cached(&mut chain, guard));
    // set_cached writes the flag ArbWasmCache reads, and gas follows it.
    let uncached = config_gas(&mut chain, guard);
    chain.set_cached(guard, true).unwrap();
    assert_eq!(
        config_gas(&mut chain, guard),
        uncached - cache_saving(&mut chain, guard)
    );
    // A state dump carries it to another chain.
    let mut copy = Devnet::new();
    copy.import_state(chain.export_state());
    assert!(is_cached(&mut copy, guard));
    chain.set_cached(guard, false).unwrap();
    assert!(is_cached(&mut copy, guard) && !is_cached(&mut chain, guard));
}

// --- ArbSys, ArbOwnerPublic, the factory -----------------------------------------------------

#[test]
fn arb_sys_and_arb_owner_public_report_the_chain() {
    let mut chain = Devnet::new();
    chain.roll(1_000);
    assert_eq!(
        view(&mut chain, ARB_SYS, &ArbSys::arbBlockNumberCall {}),
        U256::from(1_000)
    );
    assert_eq!(
        view(&mut chain, ARB_SYS, &ArbSys::arbChainIDCall {}),
        U256::from(412_346)
    );
    // 55 + ArbOS 60.
    assert_eq!(
        view(&mut chain, ARB_SYS, &ArbSys::arbOSVersionCall {}),
        U256::from(115)
    );

    // arbBlockHash answers what BLOCKHASH answers, for the 256 blocks before the current one.
    // PUSH1 1 NUMBER SUB BLOCKHASH PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    let previous = deploy(
        &mut chain,
        &[
            0x60, 0x01, 0x43, 0x03, 0x40, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,
        ],
    );
    let expected = chain.view(ALICE, previous, Bytes::new()).unwrap().data;
    let hash = view(
        &mut chain,
        ARB_SYS,
        &ArbSys::arbBlockHashCall {
            arbBlockNum: U256::from(999),
        },
    );
    assert_eq!(&hash[..], &expected[..]);
    for requested in [1_000u64, 743] {
        let call = ArbSys::arbBlockHashCall {
            arbBlockNum: U256::from(requested),
        };
        let out = chain
            .view(ALICE, ARB_SYS, call.abi_encode().into())
            .unwrap();
        assert!(!out.success);
        let error = ArbSys::InvalidBlockNumber {
            requested: U256::from(requested),
            current: U256::from(1_000),
        };
        assert_eq!(out.data, error.abi_encode());
    }
    assert!(
        view(
            &mut chain,
            ARB_SYS,
            &ArbSys::arbBlockHashCall {
                arbBlockNum: U256::from(744)
            }
        ) != B256::ZERO
    );

    assert_eq!(
        view(
            &mut chain,
            ARB_OWNER_PUBLIC,
            &ArbOwnerPublic::getMaxStylusContractFragmentsCall {}
        ),
        2
    );
    assert!(view(
        &mut chain,
        ARB_OWNER_PUBLIC,
        &ArbOwnerPublic::isChainOwnerCall { addr: DEV_ACCOUNT }
    ));
    assert!(!view(
        &mut chain,
        ARB_OWNER_PUBLIC,
        &ArbOwnerPublic::isChainOwnerCall { addr: ALICE }
    ));
    // Nitro's other ArbOwnerPublic methods are not pretended: getNetworkFeeAccount() is unknown.
    let out = chain
        .view(
            ALICE,
            ARB_OWNER_PUBLIC,
            keccak4("getNetworkFeeAccount()").to_vec().into(),
        )
        .unwrap();
    assert!(!out.success && out.data.is_empty());

    // Every precompile account holds INVALID, so it is not empty.
    for precompile in [ARB_SYS, ARB_OWNER_PUBLIC, ARB_WASM, ARB_WASM_CACHE] {
        assert_eq!(chain.code(precompile).as_ref(), &[0xFE]);
    }
}

#[test]
fn the_factory_deploys_at_the_create2_address() {
    let mut chain = funded();
    let salt = B256::repeat_byte(7);
    let init = initcode(RETURN_42);
    let mut data = salt.to_vec();
    data.extend_from_slice(&init);
    let receipt = chain
        .call(ALICE, CREATE2_FACTORY, data.clone().into(), U256::ZERO)
        .unwrap();
    assert!(receipt.success);
    let expected = CREATE2_FACTORY.create2(salt, keccak256(&init));
    let formula = {
        let hash = keccak256(
            [
                &[0xff][..],
                &CREATE2_FACTORY[..],
                &salt[..],
                &keccak256(&init)[..],
            ]
            .concat(),
        );
        Address::from_slice(&hash[12..])
    };
    assert_eq!(expected, formula);
    assert_eq!(receipt.output.as_ref(), expected.as_slice());
    assert_eq!(chain.code(expected).as_ref(), RETURN_42);
    // The same salt and code again: the address is taken, the call reverts.
    let again = chain
        .call(ALICE, CREATE2_FACTORY, data.into(), U256::ZERO)
        .unwrap();
    assert!(!again.success);
    // Calldata shorter than a salt is refused.
    assert!(
        !chain
            .call(ALICE, CREATE2_FACTORY, vec![1u8; 31].into(), U256::ZERO)
            .unwrap()
            .success
    );
}

// --- stylusTracer ----------------------------------------------------------------------------

fn request(to: Address, data: Vec<u8>) -> TxRequest {
    TxRequest {
        caller: ALICE,
        kind: TxKind::Call(to),
        data: data.into(),
        value: U256::ZERO,
        gas_limit: 10_000_000,
        fees: Fees::Legacy { gas_price: 0 },
        nonce: None,
        access_list: Default::default(),
        chain_id: None,
    }
}

fn find<'a>(steps: &'a [HostioTrace], name: &str) -> &'a HostioTrace {
    steps
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no {name} step"))
}

/// Every step spends ink and the next starts where (or below where) the last ended.
fn assert_ink_flows(steps: &[HostioTrace]) {
    for pair in steps.windows(2) {
        assert!(pair[0].start_ink >= pair[0].end_ink, "{}", pair[0].name);
        if !pair[1].name.starts_with("evm_") && !pair[0].name.starts_with("evm_") {
            assert!(
                pair[1].start_ink <= pair[0].end_ink,
                "{} after {}",
                pair[1].name,
                pair[0].name
            );
        }
    }
}

#[test]
fn the_stylus_tracer_records_hostios_with_nitros_operands_and_nested_calls() {
    let mut chain = funded();
    let outer = deploy_probe(&mut chain);
    let inner = deploy_probe(&mut chain);
    let meter = IProbe::meterCall {}.abi_encode();
    let gas = 1_000_000u64;
    let calldata = IProbe::callCall {
        target: inner,
        data: meter.clone().into(),
        value: U256::ZERO,
        gas,
    }
    .abi_encode();
    let tx = request(outer, calldata.clone());
    let untraced = chain.simulate(&tx).unwrap();
    let (receipt, trace) = chain.trace(&tx, false).unwrap();
    assert!(receipt.success);
    // Tracing changes nothing the chain charges.
    assert_eq!(receipt.gas_used, untraced.gas_used);
    assert_eq!(receipt.output, untraced.output);

    let entry = &trace[0];
    assert_eq!(entry.name, "user_entrypoint");
    assert_eq!(entry.args.as_ref(), &(calldata.len() as u32).to_be_bytes());
    assert_eq!(entry.start_ink, entry.end_ink);
    assert_eq!(find(&trace, "read_args").outs.as_ref(), &calldata[..]);
    let returned = trace.last().unwrap();
    assert_eq!(returned.name, "user_returned");
    assert_eq!(returned.outs.as_ref(), &[0, 0, 0, 0]);
    // Nitro traces the return at the ink the program started with.
    assert_eq!(returned.start_ink, entry.start_ink);
    assert_ink_flows(&trace[1..trace.len() - 1]);

    // call_contract: address, gas, value, data in; return length and status out; the callee's
    // steps nested under it.
    let call = find(&trace, "call_contract");
    assert_eq!(call.address, Some(inner));
    let args = call.args.as_ref();
    assert_eq!(&args[..20], inner.as_slice());
    assert_eq!(&args[20..28], &gas.to_be_bytes());
    assert_eq!(&args[28..60], &[0u8; 32]);
    assert_eq!(&args[60..], &meter[..]);
    let outs = call.outs.as_ref();
    assert_eq!(outs.len(), 5);
    assert_eq!(outs[4], 0, "the call succeeded");
    let steps = call.steps.as_ref().expect("nested steps");
    assert_eq!(steps[0].name, "user_entrypoint");
    assert_eq!(steps[0].args.as_ref(), &4u32.to_be_bytes());
    assert_eq!(steps.last().unwrap().name, "user_returned");
    let written = find(steps, "write_result");
    assert_eq!(
        u32::from_be_bytes(outs[..4].try_into().unwrap()) as usize,
        written.args.len()
    );
    assert!(call.start_ink > call.end_ink);

    // The JSON is the stylusTracer's.
    let json = serde_json::to_value(call).unwrap();
    for key in [
        "name", "args", "outs", "startInk", "endInk", "address", "steps",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
    assert!(serde_json::to_value(entry).unwrap().get("steps").is_none());
}

#[test]
fn evm_frames_are_traced_as_evm_entries_holding_the_programs_steps() {
    let mut chain = funded();
    let probe = deploy_probe(&mut chain);
    let forwarder = deploy(&mut chain, &forwarder(false));
    let meter = IProbe::meterCall {}.abi_encode();
    let (receipt, trace) = chain
        .trace(&request(forwarder, forward(probe, &meter).to_vec()), true)
        .unwrap();
    assert!(receipt.success);
    assert_eq!(trace.len(), 1);
    let frame = &trace[0];
    assert_eq!(frame.name, "evm_call_contract");
    assert_eq!(frame.address, Some(probe));
    let steps = frame.steps.as_ref().unwrap();
    assert_eq!(steps.first().unwrap().name, "user_entrypoint");
    assert_eq!(steps.last().unwrap().name, "user_returned");
    // A plain EVM transaction has nothing to trace.
    let (_, trace) = chain.trace(&request(forwarder, Vec::new()), false).unwrap();
    assert!(trace.is_empty() || trace.iter().all(|s| s.name.starts_with("evm_")));
}

/// A field of a traced operand string as cargo-stylus reads it: a fixed size, or the rest.
#[derive(Clone, Copy)]
enum Field {
    Bytes(usize),
    Rest,
}

use Field::{Bytes as B, Rest};

/// cargo-stylus's `core/tracing/frame.rs` layouts: args, outs, and whether a frame is nested.
fn layout(name: &str) -> (Vec<Field>, Vec<Field>, bool) {
    match name {
        "user_entrypoint" => (vec![B(4)], vec![], false),
        "user_returned" => (vec![], vec![B(4)], false),
        "read_args" => (vec![], vec![Rest], false),
        "write_result" => (vec![Rest], vec![], false),
        "exit_early" => (vec![B(4)], vec![], false),
        "storage_load_bytes32" => (vec![B(32)], vec![B(32)], false),
        "storage_cache_bytes32" => (vec![B(32), B(32)], vec![], false),
        "storage_flush_cache" => (vec![B(1)], vec![], false),
        "account_balance" | "account_codehash" => (vec![B(20)], vec![B(32)], false),
        "account_code" => (vec![B(20), B(4), B(4)], vec![Rest], false),
        "account_code_size" => (vec![B(20)], vec![B(4)], false),
        "block_basefee" | "msg_value" | "tx_gas_price" => (vec![], vec![B(32)], false),
        "block_coinbase" | "contract_address" | "msg_sender" | "tx_origin" => {
            (vec![], vec![B(20)], false)
        }
        "block_gas_limit" | "block_number" | "block_timestamp" | "chainid" | "evm_gas_left"
        | "evm_ink_left" => (vec![], vec![B(8)], false),
        "msg_reentrant" | "tx_ink_price" | "return_data_size" => (vec![], vec![B(4)], false),
        "native_keccak256" => (vec![Rest], vec![B(32)], false),
        "pay_for_memory_grow" => (vec![B(2)], vec![], false),
        "call_contract" => (vec![B(20), B(8), B(32), Rest], vec![B(4), B(1)], true),
        "delegate_call_contract" | "static_call_contract" => {
            (vec![B(20), B(8), Rest], vec![B(4), B(1)], true)
        }
        "create1" => (vec![B(32), Rest], vec![B(20), B(4)], false),
        "create2" => (vec![B(32), B(32), Rest], vec![B(20), B(4)], false),
        "emit_log" => (vec![B(4), Rest], vec![], false),
        "read_return_data" => (vec![B(4), B(4)], vec![Rest], false),
        evm if evm.starts_with("evm_") => (vec![], vec![], true),
        other => panic!("cargo-stylus cannot decode a {other} step"),
    }
}

/// Whether `data` is exactly `fields` (cargo-stylus asserts nothing is left over).
fn consumed(data: &[u8], fields: &[Field]) -> bool {
    let mut left = data.len();
    for field in fields {
        match field {
            B(n) if *n <= left => left -= n,
            B(_) => return false,
            Rest => left = 0,
        }
    }
    left == 0
}

fn assert_decodes(steps: &[HostioTrace], seen: &mut std::collections::BTreeSet<String>) {
    for step in steps {
        let (args, outs, nested) = layout(&step.name);
        assert!(
            consumed(&step.args, &args),
            "{} args 0x{}",
            step.name,
            hex(&step.args)
        );
        assert!(
            consumed(&step.outs, &outs),
            "{} outs 0x{}",
            step.name,
            hex(&step.outs)
        );
        assert_eq!(step.address.is_some(), nested, "{}", step.name);
        assert_eq!(step.steps.is_some(), nested, "{}", step.name);
        if let Some(inner) = &step.steps {
            assert_decodes(inner, seen);
        }
        seen.insert(step.name.clone());
    }
}

#[test]
fn every_traced_step_decodes_as_cargo_stylus_reads_it() {
    let mut chain = funded();
    let probe = deploy_probe(&mut chain);
    let other = deploy_probe(&mut chain);
    let plain = deploy(&mut chain, RETURN_42);
    let meter = IProbe::meterCall {}.abi_encode();
    let calls: Vec<Vec<u8>> = vec![
        IProbe::contextCall {}.abi_encode(),
        IProbe::blockCall {}.abi_encode(),
        meter.clone(),
        IProbe::accountCall { target: plain }.abi_encode(),
        IProbe::keccakCall {
            data: vec![7u8; 40].into(),
        }
        .abi_encode(),
        IProbe::logCall {
            topics: vec![word(1), word(2)],
            data: vec![9u8; 5].into(),
        }
        .abi_encode(),
        IProbe::storeCall {
            key: word(3),
            value: word(4),
        }
        .abi_encode(),
        IProbe::loadCall { key: word(3) }.abi_encode(),
        IProbe::callCall {
            target: other,
            data: meter.clone().into(),
            value: U256::ZERO,
            gas: 500_000,
        }
        .abi_encode(),
        IProbe::staticCallCall {
            target: plain,
            data: Bytes::new(),
        }
        .abi_encode(),
        IProbe::delegateCallCall {
            target: other,
            data: meter.clone().into(),
        }
        .abi_encode(),
        IProbe::createCall {
            code: initcode(RETURN_42),
            endowment: U256::ZERO,
            salt: vec![],
        }
        .abi_encode(),
        IProbe::createCall {
            code: initcode(RETURN_42),
            endowment: U256::ZERO,
            salt: vec![word(5)],
        }
        .abi_encode(),
        IProbe::growCall { pages: 1 }.abi_encode(),
        IProbe::burnCall { rounds: 3 }.abi_encode(),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for data in calls {
        let (receipt, trace) = chain.trace(&request(probe, data), true).unwrap();
        assert!(receipt.success, "probe call failed: {:?}", receipt.halt);
        assert_decodes(&trace, &mut seen);
    }
    for name in [
        "call_contract",
        "static_call_contract",
        "delegate_call_contract",
        "create1",
        "create2",
        "evm_create1",
        "evm_create2",
        "emit_log",
        "storage_load_bytes32",
        "storage_cache_bytes32",
        "storage_flush_cache",
        "native_keccak256",
        "account_balance",
        "read_return_data",
    ] {
        assert!(seen.contains(name), "no {name} step among {seen:?}");
    }
}

#[test]
fn nitros_precompiles_are_warm_from_the_start() {
    let mut chain = funded();
    // PUSH1 a BALANCE POP STOP, for a served precompile and for an address nothing touched.
    let mut gas = |address: u8| {
        let code = deploy(&mut chain, &[0x60, address, 0x31, 0x50, 0x00]);
        chain
            .call(ALICE, code, Bytes::new(), U256::ZERO)
            .unwrap()
            .gas_used
    };
    let cold = gas(0x65);
    for precompile in [0x64, 0x6b, 0x71, 0x72] {
        assert_eq!(gas(precompile) + 2_500, cold, "0x{precompile:x}");
    }
}
