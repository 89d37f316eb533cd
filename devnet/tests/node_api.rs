//! The devnet API a JSON-RPC node is built on: transactions described in full with typed
//! refusals, simulation, block control, and state export/import.

mod common;

use common::*;
use vigil_devnet::{BlockInfo, Bytes, Devnet, DevnetError, Fees, TxError, TxKind, TxRequest, U256};

const GWEI: u128 = 1_000_000_000;

fn transfer(nonce: u64, value: U256) -> TxRequest {
    TxRequest {
        caller: ALICE,
        kind: TxKind::Call(BOB),
        data: Bytes::new(),
        value,
        gas_limit: 21_000,
        fees: Fees::Dynamic {
            max_fee: GWEI,
            max_priority_fee: GWEI / 10,
        },
        nonce: Some(nonce),
        access_list: Default::default(),
        chain_id: Some(vigil_devnet::chain::CHAIN_ID),
    }
}

fn refusal(chain: &mut Devnet, tx: &TxRequest) -> TxError {
    match chain.execute(tx) {
        Err(DevnetError::Transaction(error)) => error,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn node_chain() -> Devnet {
    let mut chain = Devnet::new();
    let block = BlockInfo {
        basefee: 100_000_000,
        ..chain.block_info()
    };
    chain.set_block_info(block);
    chain.fund(ALICE, ether(1));
    chain
}

#[test]
fn a_transfer_pays_the_base_fee_and_no_tip() {
    let mut chain = node_chain();
    let receipt = chain.execute(&transfer(0, U256::from(5))).unwrap();
    assert!(receipt.success);
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(chain.nonce(ALICE), 1);
    assert_eq!(chain.balance(BOB), U256::from(5));
    let paid = ether(1) - chain.balance(ALICE) - U256::from(5);
    assert_eq!(paid, U256::from(21_000u64 * 100_000_000));
}

#[test]
fn refusals_are_typed_and_change_nothing() {
    let mut chain = node_chain();
    chain.execute(&transfer(0, U256::ZERO)).unwrap();
    let before = chain.export_state();

    let low = refusal(&mut chain, &transfer(0, U256::ZERO));
    assert_eq!(low, TxError::NonceTooLow { tx: 0, state: 1 });
    let high = refusal(&mut chain, &transfer(5, U256::ZERO));
    assert_eq!(high, TxError::NonceTooHigh { tx: 5, state: 1 });
    let rich = refusal(&mut chain, &transfer(1, ether(2)));
    assert!(
        matches!(rich, TxError::InsufficientFunds { .. }),
        "{rich:?}"
    );
    let short = refusal(
        &mut chain,
        &TxRequest {
            gas_limit: 20_000,
            ..transfer(1, U256::ZERO)
        },
    );
    assert_eq!(
        short,
        TxError::IntrinsicGas {
            gas_limit: 20_000,
            intrinsic: 21_000
        }
    );
    let foreign = refusal(
        &mut chain,
        &TxRequest {
            chain_id: Some(1),
            ..transfer(1, U256::ZERO)
        },
    );
    assert_eq!(
        foreign,
        TxError::WrongChainId {
            tx: 1,
            chain: 412_346
        }
    );
    let cheap = refusal(
        &mut chain,
        &TxRequest {
            fees: Fees::Legacy { gas_price: 1 },
            ..transfer(1, U256::ZERO)
        },
    );
    assert!(
        matches!(cheap, TxError::FeeBelowBaseFee { .. }),
        "{cheap:?}"
    );
    let greedy = refusal(
        &mut chain,
        &TxRequest {
            fees: Fees::Dynamic {
                max_fee: GWEI,
                max_priority_fee: 2 * GWEI,
            },
            ..transfer(1, U256::ZERO)
        },
    );
    assert!(
        matches!(greedy, TxError::TipAboveFeeCap { .. }),
        "{greedy:?}"
    );
    assert_eq!(chain.export_state(), before);
}

#[test]
fn a_simulation_needs_no_price_or_nonce_and_commits_nothing() {
    let mut chain = node_chain();
    let before = chain.export_state();
    let call = TxRequest {
        caller: BOB,
        fees: Fees::Dynamic {
            max_fee: 0,
            max_priority_fee: 0,
        },
        nonce: None,
        chain_id: None,
        ..transfer(0, U256::ZERO)
    };
    let receipt = chain.simulate(&call).unwrap();
    assert!(receipt.success);
    assert_eq!(chain.export_state(), before);
}

#[test]
fn a_contract_may_be_the_sender_of_a_call_not_of_a_transaction() {
    let mut chain = node_chain();
    chain.set_code(ALICE, Bytes::from_static(&[0x00]));
    let refused = refusal(&mut chain, &transfer(0, U256::ZERO));
    assert_eq!(refused, TxError::SenderHasCode(ALICE));
    let call = TxRequest {
        nonce: None,
        ..transfer(0, U256::ZERO)
    };
    assert!(chain.simulate(&call).unwrap().success);
}

#[test]
fn the_state_survives_export_and_import() {
    let mut chain = node_chain();
    let probe = deploy_probe(&mut chain);
    let key = U256::from(0xabcu64);
    chain.set_storage(BOB, key, U256::from(9));
    chain.set_code(BOB, Bytes::from_static(&[0x60, 0x00]));
    chain.set_nonce(BOB, 4);
    chain.set_cached(probe, true).unwrap();
    let state = chain.export_state();
    let json = serde_json::to_string(&state).unwrap();

    let mut copy = Devnet::new();
    copy.import_state(serde_json::from_str(&json).unwrap());
    assert_eq!(copy.export_state(), state);
    assert_eq!(copy.block_info(), chain.block_info());
    assert_eq!(copy.storage(BOB, key), U256::from(9));
    assert_eq!(copy.nonce(BOB), 4);
    assert_eq!(copy.code(BOB), Bytes::from_static(&[0x60, 0x00]));
    // The program still runs, with the same gas, cached as before.
    let call = IProbe::ownerCall {}.abi_encode();
    let original = chain.view(ALICE, probe, call.clone().into()).unwrap();
    let restored = copy.view(ALICE, probe, call.into()).unwrap();
    assert!(restored.success);
    assert_eq!(restored, original);
}

#[test]
fn code_can_be_replaced_and_removed() {
    let mut chain = node_chain();
    chain.set_code(BOB, Bytes::from_static(&[0x00]));
    assert_eq!(chain.code(BOB), Bytes::from_static(&[0x00]));
    chain.set_code(BOB, Bytes::new());
    assert!(chain.code(BOB).is_empty());
    chain.replace_storage(BOB, [(U256::from(1), U256::from(2))].into());
    assert_eq!(chain.storage(BOB, U256::from(1)), U256::from(2));
}
