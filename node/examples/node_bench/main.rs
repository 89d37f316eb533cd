//! `node_bench`: signed guarded withdraws per second through `eth_sendRawTransaction`, on
//! vigil-node and on anvil started in the same run (issue 12, "Measured").
//!
//! Two workloads, each the example GuardedVault (examples/solidity-vault) with screening of
//! `withdraw`'s caller on: behind BenchBaselines.sol's SolidityGuard (EVM only, so anvil can run
//! it: the ratio to anvil; goal >= 0.5x), and behind Vigil's CircuitGuard (release wasm, deployed
//! through the StylusDeployer; vigil-node only, anvil cannot run Stylus). Each is measured with one
//! client and with eight concurrent ones; everything, setup included, goes through JSON-RPC, the
//! same way on both nodes.
//!
//! vigil-node runs in this process on a runtime of its own (the `native` profile this example is
//! built with is the node binary's), anvil as a child process killed on the way out, however the
//! run ends. A report, not a test: it exits 0 when the goal is missed and 1 when something could
//! not run.
//!
//! Usage: `cargo run --profile native -p vigil-node --example node_bench -- [--count N]`
//! (N withdraws per run, default 2,000); script/bench.sh runs it after the devnet bench.

mod anvil;
mod chain;
mod error;
mod measure;
mod rpc;
mod workload;

use anvil::Anvil;
pub use error::BenchError;
use measure::Run;
use std::process::ExitCode;
use vigil_devnet::artifacts::workspace;
use vigil_devnet::report::{thousands, Align, Table};
use vigil_devnet::Devnet;
use vigil_node::Config;
use workload::{Artifacts, Guard};

/// The goal of issue 12: vigil-node's rate on the Solidity-only workload against anvil's.
const GOAL: f64 = 0.5;

/// One line of the table.
struct Row {
    guard: Guard,
    node: &'static str,
    run: Run,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("node_bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), BenchError> {
    let count = parse_count()?;
    let artifacts = Artifacts::build()?;
    let runtime = |name: &str| {
        tokio::runtime::Builder::new_multi_thread()
            .thread_name(name)
            .enable_all()
            .build()
            .map_err(|e| BenchError::Check(format!("tokio runtime: {e}")))
    };
    // The node's server tasks on their own threads, as if it were its own process.
    let node_runtime = runtime("vigil-node")?;
    let config = Config {
        port: 0,
        ..Config::default()
    };
    let node = node_runtime.block_on(vigil_node::start(config, Devnet::new))?;
    let url = node.http_url();
    let clients = runtime("bench-client")?;
    let rows = clients.block_on(async {
        tokio::select! {
            rows = measure_all(&url, &artifacts, count) => rows,
            _ = interrupted() => Err(BenchError::Interrupted),
        }
    });
    // The benchmark is over either way; a failed stop changes no figure.
    let _ = node_runtime.block_on(node.stop());
    print!("{}", table(&rows?, count));
    Ok(())
}

/// Every row: vigil-node and anvil on the Solidity-only workload, then vigil-node on the Stylus
/// one. anvil lives for exactly this call.
async fn measure_all(
    vigil: &str,
    artifacts: &Artifacts,
    count: u64,
) -> Result<Vec<Row>, BenchError> {
    let anvil = Anvil::start(&workspace()).await?;
    let mut rows = Vec::new();
    for (node, url, guard) in [
        ("vigil-node", vigil, Guard::Solidity),
        ("anvil", anvil.url.as_str(), Guard::Solidity),
        ("vigil-node", vigil, Guard::Stylus),
    ] {
        eprintln!("node_bench: {} on {node} ({url})", guard.label());
        for run in measure::workload(url, guard, artifacts, count).await? {
            rows.push(Row { guard, node, run });
        }
    }
    Ok(rows)
}

async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// anvil's rate on the Solidity-only workload with `clients` clients.
fn anvil_rate(rows: &[Row], clients: usize) -> Option<f64> {
    rows.iter()
        .find(|r| r.node == "anvil" && r.run.clients == clients)
        .map(|r| r.run.rate())
}

fn table(rows: &[Row], count: u64) -> String {
    let mut t = Table::new(&[
        ("workload", Align::Left),
        ("node", Align::Left),
        ("clients", Align::Right),
        ("tx", Align::Right),
        ("seconds", Align::Right),
        ("tx/s", Align::Right),
        ("ratio to anvil", Align::Right),
    ]);
    for r in rows {
        let ratio = anvil_rate(rows, r.run.clients).map_or(String::new(), |anvil| {
            let ratio = format!("{:.2}x", r.run.rate() / anvil);
            match (r.node, r.guard) {
                ("anvil", _) => format!("{ratio} (baseline)"),
                (_, Guard::Stylus) => format!("{ratio} *"),
                _ => ratio,
            }
        });
        t.row(&[
            r.guard.label().to_string(),
            r.node.to_string(),
            r.run.clients.to_string(),
            thousands(r.run.txs),
            format!("{:.3}", r.run.seconds),
            thousands(r.run.rate().round() as u64),
            ratio,
        ]);
    }
    let solidity: Vec<String> = rows
        .iter()
        .filter(|r| r.node == "vigil-node" && r.guard == Guard::Solidity)
        .filter_map(|r| {
            let ratio = r.run.rate() / anvil_rate(rows, r.run.clients)?;
            let verdict = if ratio >= GOAL { "met" } else { "MISSED" };
            let clients = match r.run.clients {
                1 => "one client".to_string(),
                n => format!("{n} clients"),
            };
            Some(format!("{clients} {ratio:.2}x ({verdict})"))
        })
        .collect();
    format!(
        "### Node throughput (signed guarded withdraws through eth_sendRawTransaction)\n\n{}\n\
         {} withdraws of one token unit per run, signed before the clock starts; the clock \
         stops at the last receipt; every receipt checked for status 1 and every client's vault \
         balance for the amount, off the clock. anvil mines every {} s (its \
         automine stalls under this load). * Stylus rows are compared with anvil's \
         Solidity-only row (anvil cannot run Stylus). Goal vigil-node >= {GOAL}x anvil on the \
         Solidity-only workload: {}.\n",
        t.markdown(),
        thousands(count),
        anvil::BLOCK_TIME,
        solidity.join(", "),
    )
}

fn parse_count() -> Result<u64, BenchError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(2_000),
        [flag, n] if flag == "--count" => match n.parse() {
            Ok(n) if n >= measure::CLIENTS as u64 => Ok(n),
            _ => Err(BenchError::Usage(measure::CLIENTS)),
        },
        _ => Err(BenchError::Usage(measure::CLIENTS)),
    }
}
