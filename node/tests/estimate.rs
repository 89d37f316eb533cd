//! `eth_estimateGas` answers what Nitro answers, which is not the gas a call uses: go-ethereum's
//! search (Nitro's fork runs it unchanged) returns a gas limit at which the call succeeds,
//! stopping within 1.5% above the smallest one, and a Stylus call's smallest limit is about
//! 2,300 above its gas used, because the storage flush at its end refuses to start with less
//! than 2,300 gas left (Nitro's SSTORE sentry). Published Stylus gas figures measured with
//! `eth_estimateGas` are these limits; docs/design.md §8.2 compares them with gas used.

mod common;

use alloy_network::TransactionBuilder;
use alloy_provider::Provider;
use alloy_rpc_types_eth::TransactionRequest;
use common::*;
use vigil_devnet::system::ICircuitGuard;
use vigil_node::chain::{CALL_GAS, ESTIMATE_ERROR_RATIO};

/// The gas a Stylus program must have left when its storage flush starts.
const FLUSH_SENTRY_GAS: u64 = 2_300;

/// go-ethereum's `gasestimator.Estimate`, written out again from its source, for a call that
/// uses `used` gas (no refunds) and succeeds from `minimal` gas on.
fn geth_estimate(used: u64, minimal: u64) -> u64 {
    let mut low = used - 1;
    let mut high = CALL_GAS;
    let first = (used + 2_300) * 64 / 63;
    if first >= minimal {
        high = first;
    } else {
        low = first;
    }
    while low + 1 < high && (high - low) as f64 / high as f64 >= ESTIMATE_ERROR_RATIO {
        let mid = ((high + low) / 2).min(2 * low);
        if mid >= minimal {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}

/// The smallest gas limit at which `request` succeeds as an `eth_call`, between `low` (fails)
/// and `high` (succeeds): an exact bisection, unlike the estimate's.
async fn smallest_limit(
    provider: &impl Provider,
    request: &TransactionRequest,
    mut low: u64,
    mut high: u64,
) -> u64 {
    let succeeds = |limit: u64| {
        let call = request.clone().with_gas_limit(limit);
        async move { provider.call(call).await.is_ok() }
    };
    assert!(!succeeds(low).await, "the call succeeds with {low} gas");
    assert!(succeeds(high).await, "the call fails with {high} gas");
    while low + 1 < high {
        let mid = low + (high - low) / 2;
        if succeeds(mid).await {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stylus_calls_estimate_is_geths_answer_above_its_gas_used_and_the_flush_sentry() {
    let (node, guard) = guard_node().await;
    let provider = provider(&node, dev_signer());
    // A call the guard's own program answers: its configuration calls and views run in its
    // extension (a DELEGATECALL, whose callee keeps back a 64th and flushes on its own), and the
    // sentry measured here is one program's.
    let preview = ICircuitGuard::previewCall {
        protocol: GUARD_OWNER,
        caller: dev_signer().address(),
        selector: Default::default(),
        amount: Default::default(),
    };
    let request = TransactionRequest::default()
        .with_from(dev_signer().address())
        .with_to(guard)
        .with_call(&preview);

    let estimate = provider.estimate_gas(request.clone()).await.unwrap();
    let receipt = mined(&provider, request.clone().with_gas_limit(estimate)).await;
    assert!(receipt.status());
    let used = receipt.gas_used;
    let minimal = smallest_limit(&provider, &request, used - 1, estimate).await;

    // The program's flush needs 2,300 gas left; only the result it writes after the flush
    // (under 50 gas) is spent beyond that point, so the smallest limit is just under used + 2,300.
    assert!(minimal <= used + FLUSH_SENTRY_GAS, "{used} used, {minimal}");
    assert!(
        minimal > used + FLUSH_SENTRY_GAS - 50,
        "{used} used, {minimal}"
    );
    // The estimate is geth's answer: a succeeding limit less than 1.5% above the smallest.
    assert_eq!(
        estimate,
        geth_estimate(used, minimal),
        "{used} used, {minimal}"
    );
    assert!(((estimate - minimal) as f64) < ESTIMATE_ERROR_RATIO * estimate as f64);
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_evm_calls_estimate_is_geths_answer_above_its_gas_used() {
    let node = node().await;
    let provider = provider(&node, dev_signer());
    let logger = deploy_logger(&provider).await;
    let request = TransactionRequest::default()
        .with_from(dev_signer().address())
        .with_to(logger)
        .with_input(vec![7u8; 32]);

    let estimate = provider.estimate_gas(request.clone()).await.unwrap();
    let receipt = mined(&provider, request.clone().with_gas_limit(estimate)).await;
    assert!(receipt.status());
    let used = receipt.gas_used;
    // Plain EVM code needs no gas beyond what it uses...
    let minimal = smallest_limit(&provider, &request, used - 1, estimate).await;
    assert_eq!(minimal, used);
    // ...and the estimate still stops above it, where geth's search stops.
    assert_eq!(estimate, geth_estimate(used, used));
    assert!(estimate > used, "{estimate}");
    node.stop().await.unwrap();
}
