//! Unit tests on the SDK's TestVM: the order of checks and effects and the revert data. The guard
//! and the recipient are mocks here; `devnet/tests/stylus_vault.rs` runs the release wasm against
//! the real guard.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, keccak256, Address, FixedBytes, U256};
use alloy_sol_types::{SolEvent, SolValue};
use stylus_sdk::testing::TestVM;

use super::*;

const GUARD: Address = address!("0x00000000000000000000000000000000000000aa");
const ALICE: Address = address!("0x00000000000000000000000000000000000a11ce");

/// `check(caller, withdraw, amount)` as the guard receives it, encoded without `sol_interface!`.
fn check_calldata(caller: Address, amount: U256) -> Vec<u8> {
    let mut data = keccak256("check(address,bytes4,uint256)")[..4].to_vec();
    data.extend((caller, FixedBytes(WITHDRAW_SELECTOR), amount).abi_encode_params());
    data
}

/// `credit(withdraw, amount)` as the guard receives it.
fn credit_calldata(amount: U256) -> Vec<u8> {
    let mut data = keccak256("credit(bytes4,uint256)")[..4].to_vec();
    data.extend((FixedBytes(WITHDRAW_SELECTOR), amount).abi_encode_params());
    data
}

/// A vault holding `deposit` for ALICE, with ALICE as the sender of the next call. GUARD has code,
/// as a deployed guard does: the client fails closed on an address without any.
fn vault_with(vm: &TestVM, deposit: U256) -> StylusVault {
    vm.set_code(GUARD, vec![0xef, 0xf0, 0x00]);
    let mut vault = StylusVault::from(vm);
    vault.guard.set(GUARD);
    vm.set_sender(ALICE);
    vm.set_value(deposit);
    vault.deposit().expect("the guard takes the credit");
    vm.set_value(U256::ZERO);
    vault
}

fn logs_of<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .into_iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| {
            E::decode_raw_log(topics.iter().copied(), &data).expect("event decodes")
        })
        .collect()
}

#[test]
fn withdraw_selector_is_the_abi_selector() {
    assert_eq!(WITHDRAW_SELECTOR, keccak256("withdraw(uint256)")[..4]);
}

#[test]
fn deposits_accumulate_per_account() {
    let vm = TestVM::default();
    let mut vault = vault_with(&vm, U256::from(7u8));
    vm.set_value(U256::from(5u8));
    assert_eq!(vault.deposit(), Ok(()));
    assert_eq!(vault.balance_of(ALICE), U256::from(12u8));
    assert_eq!(vault.balance_of(GUARD), U256::ZERO);
    let deposited: Vec<(Address, U256)> = logs_of::<Deposited>(&vm)
        .into_iter()
        .map(|e| (e.account, e.amount))
        .collect();
    assert_eq!(
        deposited,
        vec![(ALICE, U256::from(7u8)), (ALICE, U256::from(5u8))]
    );
}

/// The TestVM answers any call nobody mocked with success, so the guard's answer to exactly
/// `credit(withdraw, msg.value)`, with no value sent, is mocked as a revert: the deposit
/// failing with it proves that call was made. It comes before the vault's effects, as
/// `Guarded.credits` does, and its revert data reaches the depositor unchanged.
#[test]
fn a_deposit_credits_withdraws_bucket_before_its_effects() {
    let vm = TestVM::default();
    let mut vault = vault_with(&vm, U256::from(10u8));
    let amount = U256::from(7u8);
    let refusal = vec![0xde, 0xad];
    vm.mock_call(
        GUARD,
        credit_calldata(amount),
        U256::ZERO,
        Err(refusal.clone()),
    );
    vm.set_value(amount);
    let err = vault.deposit().unwrap_err();
    assert_eq!(err, VaultError::Guard(GuardError::Other(refusal.clone())));
    assert_eq!(Vec::<u8>::from(err), refusal);
    assert_eq!(vault.balance_of(ALICE), U256::from(10u8));
    assert_eq!(logs_of::<Deposited>(&vm).len(), 1, "only vault_with's");
}

#[test]
fn a_passing_check_debits_then_pays() {
    let vm = TestVM::default();
    let mut vault = vault_with(&vm, U256::from(10u8));
    let amount = U256::from(4u8);
    vm.mock_call(GUARD, check_calldata(ALICE, amount), U256::ZERO, Ok(vec![]));
    vm.mock_call(ALICE, vec![], amount, Ok(vec![]));
    assert_eq!(vault.withdraw(amount), Ok(()));
    assert_eq!(vault.balance_of(ALICE), U256::from(6u8));
    let withdrawn = logs_of::<Withdrawn>(&vm);
    assert_eq!(withdrawn.len(), 1);
    assert_eq!((withdrawn[0].account, withdrawn[0].amount), (ALICE, amount));
}

#[test]
fn the_guards_verdict_is_rethrown_byte_for_byte_and_nothing_moves() {
    let vm = TestVM::default();
    let mut vault = vault_with(&vm, U256::from(10u8));
    let amount = U256::from(4u8);
    let verdicts = [
        GuardError::CallerFlagged {
            caller: ALICE,
            level: 3,
        },
        GuardError::RateLimited {
            selector: FixedBytes(WITHDRAW_SELECTOR),
            available: U256::from(3u8),
            retry_after: 1_000,
        },
        // Not a verdict the client knows (another guard error, a contract that is no guard):
        // still verbatim.
        GuardError::Other(vec![0xde, 0xad]),
    ];
    for verdict in verdicts {
        let data = verdict.encode();
        vm.mock_call(
            GUARD,
            check_calldata(ALICE, amount),
            U256::ZERO,
            Err(data.clone()),
        );
        let err = vault.withdraw(amount).unwrap_err();
        assert_eq!(err, VaultError::Guard(verdict));
        assert_eq!(Vec::<u8>::from(err), data);
        assert_eq!(vault.balance_of(ALICE), U256::from(10u8));
    }
    assert!(logs_of::<Withdrawn>(&vm).is_empty());
}

#[test]
fn more_than_the_balance_is_refused_after_the_guard_passes() {
    let vm = TestVM::default();
    let mut vault = vault_with(&vm, U256::from(10u8));
    let amount = U256::from(11u8);
    vm.mock_call(GUARD, check_calldata(ALICE, amount), U256::ZERO, Ok(vec![]));
    let err = vault.withdraw(amount).unwrap_err();
    let expected = InsufficientBalance {
        account: ALICE,
        balance: U256::from(10u8),
        requested: amount,
    };
    assert_eq!(Vec::<u8>::from(err), expected.abi_encode());
    assert_eq!(vault.balance_of(ALICE), U256::from(10u8));
}

#[test]
fn a_refused_transfer_is_a_typed_error() {
    let vm = TestVM::default();
    let mut vault = vault_with(&vm, U256::from(10u8));
    let amount = U256::from(4u8);
    vm.mock_call(GUARD, check_calldata(ALICE, amount), U256::ZERO, Ok(vec![]));
    vm.mock_call(ALICE, vec![], amount, Err(vec![]));
    let err = vault.withdraw(amount).unwrap_err();
    let mut expected = keccak256("TransferFailed(address,uint256)")[..4].to_vec();
    expected.extend((ALICE, amount).abi_encode_params());
    assert_eq!(Vec::<u8>::from(err), expected);
}

/// A vault given an address without code (a typo, a guard not deployed yet) must not pass every
/// check: the call "succeeds" there, and the client turns that into GuardNotContract. Nothing
/// moves and nothing is logged.
#[test]
fn a_guard_address_without_code_refuses_everything() {
    let vm = TestVM::default();
    let mut vault = StylusVault::from(&vm);
    vault.guard.set(GUARD);
    vm.set_sender(ALICE);
    let none = || VaultError::Guard(GuardError::GuardNotContract { guard: GUARD });
    vm.set_value(U256::from(5u8));
    assert_eq!(vault.deposit(), Err(none()));
    vm.set_value(U256::ZERO);
    assert_eq!(vault.withdraw(U256::ZERO), Err(none()));
    let mut expected = keccak256("GuardNotContract(address)")[..4].to_vec();
    expected.extend(GUARD.abi_encode());
    assert_eq!(Vec::<u8>::from(none()), expected);
    assert_eq!(vault.balance_of(ALICE), U256::ZERO);
    assert!(vm.get_emitted_logs().is_empty());
}
