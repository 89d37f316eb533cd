//! The node driven by real clients: an alloy provider with a local signer over HTTP and
//! WebSocket, and many clients at once.

mod common;

use alloy_consensus::{SignableTransaction, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::BlockNumberOrTag;
use alloy_network::{TransactionBuilder, TxSignerSync};
use alloy_primitives::{address, b256, Address, Bytes, TxKind, B256, U256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::state::{AccountOverride, StateOverride};
use alloy_rpc_types_eth::{BlockTransactions, Filter, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use common::*;
use futures::StreamExt;
use vigil_devnet::system::ICircuitGuard;
use vigil_node::chain::BASE_FEE;

const BOB: Address = address!("00000000000000000000000000000000000000b0");

#[tokio::test(flavor = "multi_thread")]
async fn chain_id_accounts_and_balances() {
    let node = node().await;
    let provider = provider(&node, dev_signer());
    assert_eq!(provider.get_chain_id().await.unwrap(), 412_346);
    let accounts = provider.get_accounts().await.unwrap();
    assert_eq!(accounts.len(), 11);
    assert_eq!(accounts[0], dev_signer().address());
    for account in accounts {
        assert_eq!(provider.get_balance(account).await.unwrap(), ether(10_000));
    }
    assert_eq!(provider.get_block_number().await.unwrap(), 0);
    assert_eq!(
        provider.get_gas_price().await.unwrap(),
        u128::from(BASE_FEE)
    );
    assert_eq!(provider.get_max_priority_fee_per_gas().await.unwrap(), 0);
    let version: String = provider
        .raw_request("web3_clientVersion".into(), ())
        .await
        .unwrap();
    assert!(version.starts_with("vigil-node/"));
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn another_chain_id_is_honoured_by_transactions_and_chainid() {
    let config = vigil_node::Config {
        chain_id: 1_337,
        ..vigil_node::Config::default()
    };
    let node = node_with(config, vigil_devnet::Devnet::new).await;
    let provider = provider(&node, dev_signer());
    assert_eq!(provider.get_chain_id().await.unwrap(), 1_337);
    // Runtime `CHAINID PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN`, placed by a state override.
    let code = Bytes::from_static(&[0x46, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]);
    let overrides = StateOverride::from_iter([(
        BOB,
        AccountOverride {
            code: Some(code),
            ..AccountOverride::default()
        },
    )]);
    let out = provider
        .call(TransactionRequest::default().with_to(BOB))
        .overrides(overrides)
        .await
        .unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(1_337));
    let tx = TransactionRequest::default()
        .with_to(BOB)
        .with_value(U256::from(1));
    let receipt = mined(&provider, tx).await;
    assert!(receipt.status());
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_eip1559_transfer_is_mined_with_a_full_receipt() {
    let node = node().await;
    let provider = provider(&node, dev_signer());
    let me = dev_signer().address();
    let before = provider.get_balance(me).await.unwrap();
    let tx = TransactionRequest::default()
        .with_to(BOB)
        .with_value(U256::from(1_000));
    let receipt = mined(&provider, tx).await;
    assert!(receipt.status());
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(receipt.effective_gas_price, u128::from(BASE_FEE));
    assert_eq!(receipt.from, me);
    assert_eq!(receipt.to, Some(BOB));
    assert_eq!(receipt.block_number, Some(1));
    assert_eq!(receipt.transaction_index, Some(0));
    assert_eq!(receipt.inner.cumulative_gas_used(), 21_000);
    assert_eq!(receipt.inner.tx_type(), alloy_consensus::TxType::Eip1559);
    assert_eq!(provider.get_balance(BOB).await.unwrap(), U256::from(1_000));
    let fee = U256::from(21_000u64 * BASE_FEE);
    assert_eq!(
        provider.get_balance(me).await.unwrap(),
        before - fee - U256::from(1_000)
    );

    let block = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .full()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(block.header.number, 1);
    assert_eq!(Some(block.header.hash), receipt.block_hash);
    assert_eq!(block.header.gas_used, 21_000);
    assert_eq!(block.header.base_fee_per_gas, Some(BASE_FEE));
    let genesis = provider
        .get_block_by_number(BlockNumberOrTag::Earliest)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(block.header.parent_hash, genesis.header.hash);
    assert!(block.header.timestamp > genesis.header.timestamp);
    // The hash is the header's: recomputing it from the served fields gives it back.
    assert_eq!(block.header.inner.hash_slow(), block.header.hash);
    let BlockTransactions::Full(txs) = &block.transactions else {
        panic!("full transactions asked for");
    };
    assert_eq!(*txs[0].inner.tx_hash(), receipt.transaction_hash);
    let by_hash = provider
        .get_block_by_hash(block.header.hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        by_hash.transactions.hashes().collect::<Vec<_>>(),
        vec![receipt.transaction_hash]
    );
    let tx = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tx.block_number, Some(1));
    assert_eq!(tx.inner.signer(), me);
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_transactions_with_and_without_eip155_are_accepted() {
    let node = node().await;
    let signer = PrivateKeySigner::random();
    let provider = provider(&node, dev_signer());
    let funding = TransactionRequest::default()
        .with_to(signer.address())
        .with_value(ether(1));
    mined(&provider, funding).await;
    for (nonce, chain_id) in [(0, Some(412_346)), (1, None)] {
        let mut tx = TxLegacy {
            chain_id,
            nonce,
            gas_price: u128::from(BASE_FEE),
            gas_limit: 21_000,
            to: TxKind::Call(BOB),
            value: U256::from(7),
            input: Bytes::new(),
        };
        let signature = signer.sign_transaction_sync(&mut tx).unwrap();
        let raw = TxEnvelope::from(tx.into_signed(signature)).encoded_2718();
        let receipt = provider
            .send_raw_transaction(&raw)
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        assert!(receipt.status());
        assert_eq!(receipt.from, signer.address());
        assert_eq!(receipt.inner.tx_type(), alloy_consensus::TxType::Legacy);
        assert_eq!(receipt.effective_gas_price, u128::from(BASE_FEE));
    }
    assert_eq!(provider.get_balance(BOB).await.unwrap(), U256::from(14));
    // alloy's own legacy path (gasPrice set) too.
    let tx = TransactionRequest::default()
        .with_to(BOB)
        .with_gas_price(u128::from(BASE_FEE) * 2);
    let receipt = mined(&provider, tx).await;
    assert_eq!(receipt.effective_gas_price, u128::from(BASE_FEE) * 2);
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_blooms_filters_and_indexes() {
    let node = node().await;
    let provider = provider(&node, dev_signer());
    let logger = deploy_logger(&provider).await;
    let code = provider.get_code_at(logger).await.unwrap();
    assert_eq!(code, logger_runtime());
    let block_filter = provider.new_block_filter().await.unwrap();
    let log_filter_spec = Filter::new().address(logger);
    let log_filter = provider.new_filter(&log_filter_spec).await.unwrap();

    let topic = b256!("00000000000000000000000000000000000000000000000000000000000000aa");
    let tx = TransactionRequest::default()
        .with_to(logger)
        .with_input(topic.to_vec());
    let receipt = mined(&provider, tx).await;
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address(), logger);
    assert_eq!(logs[0].topics(), &[topic]);
    assert_eq!(logs[0].log_index, Some(0));
    assert_eq!(logs[0].transaction_hash, Some(receipt.transaction_hash));
    let bloom = receipt.inner.logs_bloom();
    assert!(bloom.contains_input(alloy_primitives::BloomInput::Raw(logger.as_slice())));
    assert!(bloom.contains_input(alloy_primitives::BloomInput::Raw(topic.as_slice())));

    let found = provider
        .get_logs(&Filter::new().address(logger).from_block(0))
        .await
        .unwrap();
    assert_eq!(found, logs.to_vec());
    let other_topic = B256::repeat_byte(1);
    let none = provider
        .get_logs(&Filter::new().event_signature(other_topic).from_block(0))
        .await
        .unwrap();
    assert!(none.is_empty());

    let blocks: Vec<B256> = provider.get_filter_changes(block_filter).await.unwrap();
    assert_eq!(blocks, vec![receipt.block_hash.unwrap()]);
    let changes: Vec<alloy_rpc_types_eth::Log> =
        provider.get_filter_changes(log_filter).await.unwrap();
    assert_eq!(changes, logs.to_vec());
    let again: Vec<alloy_rpc_types_eth::Log> =
        provider.get_filter_changes(log_filter).await.unwrap();
    assert!(again.is_empty(), "a poll reports only what is new");
    assert!(provider.uninstall_filter(log_filter).await.unwrap());
    assert!(provider
        .get_filter_changes::<B256>(log_filter)
        .await
        .is_err());
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_estimates_and_overrides() {
    let node = node().await;
    let provider = provider(&node, dev_signer());
    let logger = deploy_logger(&provider).await;
    let call = TransactionRequest::default()
        .with_to(logger)
        .with_input(vec![1u8; 32]);
    // The logger returns nothing; the estimate is enough to run it and never short.
    let estimate = provider.estimate_gas(call.clone()).await.unwrap();
    let receipt = provider
        .send_transaction(call.clone().with_gas_limit(estimate))
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    assert!(receipt.gas_used <= estimate);
    let short = mined(&provider, call.with_gas_limit(receipt.gas_used - 1)).await;
    assert!(!short.status(), "one gas less than used must fail");

    // Overrides: code placed on an empty account for one call only.
    let returner =
        Bytes::from_static(&[0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]);
    let overrides = StateOverride::from_iter([(
        BOB,
        AccountOverride {
            code: Some(returner),
            ..AccountOverride::default()
        },
    )]);
    let out = provider
        .call(TransactionRequest::default().with_to(BOB))
        .overrides(overrides)
        .await
        .unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(42));
    assert!(provider.get_code_at(BOB).await.unwrap().is_empty());
    let no_override = provider
        .call(TransactionRequest::default().with_to(BOB))
        .await
        .unwrap();
    assert!(no_override.is_empty());
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn historic_state_is_refused_clearly() {
    let node = node().await;
    let provider = provider(&node, dev_signer());
    deploy_logger(&provider).await;
    let response = rpc(&node, "eth_getBalance", serde_json::json!([BOB, "0x0"])).await;
    assert_eq!(code(&response), Some(-32000));
    let message = response["error"]["message"].as_str().unwrap();
    assert!(message.contains("only the latest state"), "{message}");
    let latest = rpc(&node, "eth_getBalance", serde_json::json!([BOB, "0x1"])).await;
    assert_eq!(latest["result"], "0x0");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vigil_revert_decodes_to_its_custom_error_and_is_traced() {
    let (node, guard) = guard_node().await;
    let provider = provider(&node, dev_signer());
    let me = dev_signer().address();
    // Only the guard's owner may schedule a timelocked call.
    let call = ICircuitGuard::scheduleCall {
        data: ICircuitGuard::setRegistryCall { registry: BOB }
            .abi_encode()
            .into(),
    };
    let request = TransactionRequest::default()
        .with_to(guard)
        .with_call(&call);
    let error = provider.call(request.clone()).await.unwrap_err();
    let payload = error.as_error_resp().expect("an error response");
    assert_eq!(payload.code, 3, "{payload:?}");
    assert_eq!(payload.message, "execution reverted");
    let decoded = payload
        .as_decoded_interface_error::<ICircuitGuard::ICircuitGuardErrors>()
        .expect("a CircuitGuard error");
    assert!(
        matches!(
            decoded,
            ICircuitGuard::ICircuitGuardErrors::NotOwner(ICircuitGuard::NotOwner { account }) if account == me
        ),
        "{decoded:?}"
    );
    // The estimate reports the same revert.
    let estimate = provider.estimate_gas(request.clone()).await.unwrap_err();
    assert_eq!(estimate.as_error_resp().unwrap().code, 3);
    // Sent anyway (with a gas limit), the transaction is mined and fails.
    let receipt = mined(&provider, request.with_gas_limit(1_000_000)).await;
    assert!(!receipt.status());

    // Its trace is Nitro's stylusTracer shape: the program's entry, its hostios, its return.
    let options = serde_json::json!({"tracer": "stylusTracer"});
    let trace: serde_json::Value = provider
        .raw_request(
            "debug_traceTransaction".into(),
            (receipt.transaction_hash, options.clone()),
        )
        .await
        .unwrap();
    let steps = trace.as_array().expect("an array of hostios");
    let names: Vec<&str> = steps.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names.first(), Some(&"user_entrypoint"), "{names:?}");
    assert_eq!(names.last(), Some(&"user_returned"), "{names:?}");
    assert!(names.contains(&"read_args"), "{names:?}");
    assert!(names.contains(&"write_result"), "{names:?}");
    for step in steps {
        let start = step["startInk"].as_u64().unwrap();
        let end = step["endInk"].as_u64().unwrap();
        assert!(end <= start, "{step}");
        assert!(step["args"].as_str().unwrap().starts_with("0x"));
    }
    // debug_traceCall of the same call gives the same hostios.
    let call = TransactionRequest::default()
        .with_from(me)
        .with_to(guard)
        .with_call(&call);
    let simulated: serde_json::Value = provider
        .raw_request("debug_traceCall".into(), (call, "latest", options))
        .await
        .unwrap();
    let simulated_names: Vec<&str> = simulated
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(simulated_names, names);
    // Other tracers are refused by name.
    let refused = rpc(
        &node,
        "debug_traceTransaction",
        serde_json::json!([receipt.transaction_hash, {"tracer": "callTracer"}]),
    )
    .await;
    assert_eq!(code(&refused), Some(-32602), "{refused}");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_subscriptions_see_heads_and_logs() {
    let node = node().await;
    let ws = ws_provider(&node).await;
    let heads = ws.subscribe_blocks().await.unwrap();
    let mut heads = heads.into_stream();
    let http = provider(&node, dev_signer());
    let logger = deploy_logger(&http).await;
    let logs = ws
        .subscribe_logs(&Filter::new().address(logger))
        .await
        .unwrap();
    let mut logs = logs.into_stream();
    let head = heads.next().await.unwrap();
    assert_eq!(head.number, 1);
    let tx = TransactionRequest::default()
        .with_to(logger)
        .with_input(vec![2u8; 32]);
    let receipt = mined(&http, tx).await;
    let head = heads.next().await.unwrap();
    assert_eq!(head.number, 2);
    assert_eq!(Some(head.hash), receipt.block_hash);
    let log = logs.next().await.unwrap();
    assert_eq!(log.address(), logger);
    assert_eq!(log.transaction_hash, Some(receipt.transaction_hash));
    // The same methods answer over WebSocket.
    assert_eq!(ws.get_block_number().await.unwrap(), 2);
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn many_clients_at_once() {
    let node = node().await;
    let accounts = vigil_node::accounts::DevAccounts::derive().unwrap();
    let mut tasks = Vec::new();
    for signer in accounts.signers().iter().take(8).cloned() {
        let url = node.http_url();
        tasks.push(tokio::spawn(async move {
            let provider = alloy_provider::ProviderBuilder::new()
                .wallet(alloy_network::EthereumWallet::from(signer))
                .connect_http(url.parse().unwrap());
            for _ in 0..5 {
                let tx = TransactionRequest::default()
                    .with_to(BOB)
                    .with_value(U256::from(1));
                let receipt = mined(&provider, tx).await;
                assert!(receipt.status());
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let provider = provider(&node, dev_signer());
    assert_eq!(provider.get_balance(BOB).await.unwrap(), U256::from(40));
    assert_eq!(provider.get_block_number().await.unwrap(), 40);
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn blockhash_and_arb_block_hash_answer_the_served_headers() {
    let node = node().await;
    for _ in 0..3 {
        assert_eq!(
            rpc(&node, "evm_mine", serde_json::json!([])).await["result"],
            "0x0"
        );
    }
    let block = rpc(
        &node,
        "eth_getBlockByNumber",
        serde_json::json!(["0x2", false]),
    )
    .await;
    let hash = block["result"]["hash"]
        .as_str()
        .expect("block 2's hash")
        .to_string();
    // Init code `mstore(0, blockhash(2)); return(0, 32)`, run by eth_call without a recipient.
    let evm = rpc(
        &node,
        "eth_call",
        serde_json::json!([{"input": "0x6002405f5260205ff3"}, "latest"]),
    )
    .await;
    assert_eq!(evm["result"], hash.as_str(), "{evm}");
    // ArbSys.arbBlockHash(2).
    let arb_sys = rpc(
        &node,
        "eth_call",
        serde_json::json!([{
            "to": "0x0000000000000000000000000000000000000064",
            "input": format!("0x2b407a82{:064x}", 2),
        }, "latest"]),
    )
    .await;
    assert_eq!(arb_sys["result"], hash.as_str(), "{arb_sys}");
    node.stop().await.unwrap();
}
