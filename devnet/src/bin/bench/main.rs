//! `bench`: what Vigil costs, measured side by side with plain-Solidity peers in one devnet run
//! (issue 5). `script/bench.sh` builds the release wasm and the size report first, then runs this.
//!
//! Every gas figure is a committed transaction on a chain where every account starts cold (each
//! transaction is its own EIP-2929 access list), measured in this run; nothing is taken from a
//! table. A guarded `withdraw` is compared with the same vault body without protection
//! (test/forge's `UnguardedVault`), measured in the same run from the same state shape: the user
//! keeps a vault and a token balance, so every slot the withdraw writes is non-zero before and
//! after. Any transaction that fails aborts the run: a number from a reverted call would be a lie.
//!
//! One module per section of the report, each measuring its rows and printing its table; this file
//! runs them in order on one world and writes the JSON.
//!
//! Prints Markdown and writes the same data as JSON to `<target>/bench.json`. Exit status 0 even
//! when a budget is missed (this is a report); non-zero when something could not run: 1 with a
//! `bench: error:` line, or a panic naming the failed transaction (signature, sender, revert data).
//!
//! Usage: `bench [--calls N]` (N guarded withdraws for the throughput line, default 5,000), or
//! `bench --profile`: only the gas profile per wasm function of the hot paths (`profile.rs`),
//! printed and written to `<target>/bench-profile.json`.

mod budgets;
mod chart;
mod is_flagged;
mod profile;
mod registry_ops;
mod sizes;
mod throughput;
mod withdraw;

use alloy_sol_types::sol;
use serde_json::json;
use vigil_devnet::report::{thousands, write_json};
use vigil_devnet::system::*;
use vigil_devnet::{artifacts, Address};

sol! {
    /// test/forge/bench/BenchBaselines.sol
    interface IBench {
        function setPolicy(address protocol, bytes4 selector, uint32 pausedUntil, bool screening) external;
        function setFlagged(address account, bool flagged) external;
        function read(address oracle, address account) external view returns (bool flagged, uint256 gasUsed);
    }

    /// test/forge/attack/VaultDrainer.sol: the contract caller of the code-hash rows.
    interface IDrainer {
        function fund(address vault, address token, uint256 amount) external;
        function withdraw(address vault, uint256 amount) external;
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let calls = match parse_args()? {
        Mode::Bench { calls } => calls,
        Mode::Profile => {
            let (md, json) = profile::run()?;
            print!("{md}");
            let path = artifacts::target_dir().join("bench-profile.json");
            write_json(&path, &json)?;
            println!("JSON: {}", path.display());
            return Ok(());
        }
    };
    let mut w = World::with_warm_reporters();
    let (guard, registry) = (w.guard, w.registry);
    let entry = entry_gas(&mut w, guard)?;
    let guard_extension = w.guard_extension;
    let extension_entry = entry_gas(&mut w, guard_extension)?;
    let registry_entry = entry_gas(&mut w, registry)?;

    let withdraws = withdraw::rows(&mut w)?;
    let registry_ops = registry_ops::rows();
    let lookups = is_flagged::rows(&mut w);
    let sizes = sizes::rows(&w)?;
    let throughput = throughput::measure(&mut w, calls);
    let budgets = budgets::check(&withdraws, &registry_ops, &lookups, &sizes)?;

    let mut md = format!(
        "## Vigil benchmark (devnet, one run)\n\nGas of one vault `withdraw` of {} token as its own \
         transaction, all accounts cold; extra gas = that withdraw minus the same vault without \
         protection. Guard entry cost in this run (devnet cost model): {} gas cached, {} \
         uncached. The guard is two programs (docs/design.md §6.3): the rows below never reach its \
         extension, while every other guard call (registration, policies, pauses, governance, \
         views) pays a DELEGATECALL (2,600 gas cold) and the extension's entry cost, {} gas \
         cached, {} uncached.\n\n",
        withdraw::WITHDRAW_ETH,
        thousands(entry.0),
        thousands(entry.1),
        thousands(extension_entry.0),
        thousands(extension_entry.1),
    );
    md.push_str(&withdraw::table(&withdraws));
    md.push_str(&registry_ops::table(&registry_ops));
    md.push_str(&is_flagged::table(&lookups, registry_entry));
    md.push_str(&sizes::table(&sizes));
    md.push_str(&throughput.markdown());
    md.push_str(&budgets::table(&budgets));
    md.push_str(&budgets::model_note(&withdraws)?);
    print!("{md}");

    let report = json!({
        "guard_entry_gas": { "cached": entry.0, "uncached": entry.1 },
        "guard_extension_entry_gas": { "cached": extension_entry.0, "uncached": extension_entry.1 },
        "registry_entry_gas": { "cached": registry_entry.0, "uncached": registry_entry.1 },
        "withdraw": withdraws.iter().map(withdraw::Row::json).collect::<Vec<_>>(),
        "registry": registry_ops.iter().map(registry_ops::Row::json).collect::<Vec<_>>(),
        "is_flagged": lookups.iter().map(is_flagged::Row::json).collect::<Vec<_>>(),
        "wasm": sizes.iter().map(sizes::Row::json).collect::<Vec<_>>(),
        "throughput": throughput.json(),
        "budgets": budgets.iter().map(budgets::Budget::json).collect::<Vec<_>>(),
        "floor_constants": withdraw::floor_constants(),
    });
    let target = artifacts::target_dir();
    let path = target.join("bench.json");
    write_json(&path, &report)?;
    println!("JSON: {}", path.display());
    let markdown = target.join("bench.md");
    std::fs::write(&markdown, &md).map_err(|e| format!("{}: {e}", markdown.display()))?;
    let svg = target.join("bench.svg");
    std::fs::write(&svg, chart::svg(&withdraw::chart_groups(&withdraws)))
        .map_err(|e| format!("{}: {e}", svg.display()))?;
    println!("Markdown: {}\nChart: {}", markdown.display(), svg.display());
    Ok(())
}

/// A program's entry cost (cached, uncached) as the devnet charges it, from the module's size
/// terms: what a call pays before the program runs, above the 352 / 9,184 floors.
fn entry_gas(w: &mut World, program: Address) -> Result<(u64, u64), String> {
    let stats = w
        .chain
        .program_stats(program)
        .map_err(|e| format!("program stats of {program}: {e}"))?;
    Ok((stats.cached_gas(), stats.cached_gas() + stats.init_gas()))
}

enum Mode {
    Bench { calls: u64 },
    Profile,
}

fn parse_args() -> Result<Mode, String> {
    const USAGE: &str = "usage: bench [--calls N] | bench --profile";
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(Mode::Bench { calls: 5_000 }),
        [flag] if flag == "--profile" => Ok(Mode::Profile),
        [flag, n] if flag == "--calls" => match n.parse() {
            Ok(n) if n > 0 => Ok(Mode::Bench { calls: n }),
            _ => Err(format!("--calls needs a positive count\n{USAGE}")),
        },
        _ => Err(USAGE.to_string()),
    }
}

/// Deploys `contract` of forge's `file` with constructor arguments `args`, from the deployer.
fn deploy(w: &mut World, file: &str, contract: &str, args: &[u8]) -> Address {
    let code = with_args(creation_code(file, contract), args);
    w.chain
        .deploy_evm(DEPLOYER, code)
        .unwrap_or_else(|e| panic!("deploy {contract}: {e}"))
}
