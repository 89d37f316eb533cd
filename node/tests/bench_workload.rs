//! The node benchmark's workloads (node/examples/node_bench, run by script/bench.sh) do what their
//! rows claim: every signed withdraw mines with status 1 and moves the client's vault balance, on
//! vigil-node with both guards and on anvil (interval mining) with the Solidity one. The runs'
//! own checks fail the test; their times are never asserted.
#![allow(dead_code)]

#[path = "../examples/node_bench/anvil.rs"]
mod anvil;
#[path = "../examples/node_bench/chain.rs"]
mod chain;
mod common;
#[path = "../examples/node_bench/error.rs"]
mod error;
#[path = "../examples/node_bench/measure.rs"]
mod measure;
#[path = "../examples/node_bench/rpc.rs"]
mod rpc;
#[path = "../examples/node_bench/workload.rs"]
mod workload;

pub use error::BenchError;
use vigil_devnet::artifacts::workspace;
use workload::{Artifacts, Guard};

/// Withdraws per run: enough for every client of the eight-client run to send two.
const COUNT: u64 = 2 * measure::CLIENTS as u64;

fn shape(runs: &[measure::Run]) -> Vec<(usize, u64)> {
    runs.iter().map(|r| (r.clients, r.txs)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_benchmarked_withdraw_succeeds_on_vigil_node_and_anvil() {
    let artifacts = Artifacts::build().expect("forge and wasm artifacts");
    let node = common::node().await;
    for guard in [Guard::Solidity, Guard::Stylus] {
        let runs = measure::workload(&node.http_url(), guard, &artifacts, COUNT)
            .await
            .unwrap_or_else(|e| panic!("{guard:?} on vigil-node: {e}"));
        assert_eq!(shape(&runs), [(1, COUNT), (measure::CLIENTS, COUNT)]);
    }
    let anvil = anvil::Anvil::start(&workspace()).await.expect("anvil");
    let runs = measure::workload(&anvil.url, Guard::Solidity, &artifacts, COUNT)
        .await
        .unwrap_or_else(|e| panic!("Solidity on anvil: {e}"));
    assert_eq!(shape(&runs), [(1, COUNT), (measure::CLIENTS, COUNT)]);
}
