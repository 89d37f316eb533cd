//! `vigil`: the command line. Parses, runs the library, prints; exit 0 on success, 1 on error
//! (with the error's sentence on stderr), 2 on a usage error.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use vigil_cli::deploy::{self, Options, Outcome, Planned};
use vigil_cli::keys::{self, KEY_VAR};

#[derive(Parser)]
#[command(
    name = "vigil",
    version,
    about = "Deploy and operate Vigil on an Arbitrum chain"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Deploy the registry, its extension and the guard, link them and hand them to governance;
    /// resumes an interrupted deployment. The key is read from VIGIL_PRIVATE_KEY.
    Deploy {
        /// The chain's JSON-RPC endpoint.
        #[arg(long)]
        rpc_url: String,
        /// The deployment's TOML: governance, resolvers, parameters.
        #[arg(long)]
        config: PathBuf,
        /// Print the plan and its estimated gas and fees; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where <chainId>.json is read and written.
        #[arg(long, default_value = "deployments")]
        deployments: PathBuf,
        /// Where the programs' wasm are (script/build-contracts.sh writes target/wasm).
        #[arg(long, default_value = "target/wasm")]
        wasm_dir: PathBuf,
        /// Stop once this many steps are mined (a later run resumes).
        #[arg(long)]
        stop_after: Option<usize>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let Command::Deploy {
        rpc_url,
        config,
        dry_run,
        deployments,
        wasm_dir,
        stop_after,
    } = Cli::parse().command;
    let options = Options {
        rpc_url,
        config,
        wasm_dir,
        deployments,
        dry_run,
        stop_after,
    };
    match run(&options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: &Options) -> Result<(), vigil_cli::Error> {
    let signer = keys::from_env()?;
    let outcome = deploy::deploy(options, signer, &mut |line| eprintln!("{line}")).await?;
    match outcome {
        Outcome::Done(record) => {
            println!("deployed on chain {}:", record.chain_id);
            print_programs(&record);
            println!(
                "governance ({}) owns the registry and is the guard's pending owner: it must \
                 call acceptOwnership() on the guard",
                record.config.governance
            );
        }
        Outcome::Waiting { record, due, left } => {
            print_programs(&record);
            println!(
                "the guard's handover to governance is scheduled: run this command again after \
                 {due} (unix time, in {}h{:02}m) to execute it",
                left / 3600,
                left % 3600 / 60
            );
        }
        Outcome::Stopped(record) => {
            println!("stopped after {} steps as asked", record.steps.len());
            print_programs(&record);
        }
        Outcome::Planned(steps) => print_plan(&steps),
    }
    Ok(())
}

fn print_programs(record: &vigil_cli::record::Record) {
    let programs = &record.programs;
    for (name, program) in [
        ("extension", &programs.extension),
        ("guard", &programs.guard),
        ("registry", &programs.registry),
    ] {
        if let Some(p) = program {
            println!("  {name:<10} {} (Stylus v{})", p.address, p.stylus_version);
        }
    }
}

fn print_plan(steps: &[Planned]) {
    println!("dry run: nothing sent (the key in {KEY_VAR} signs nothing)");
    let mut total = 0u128;
    for p in steps {
        let data_fee: u128 = p.data_fee.try_into().unwrap_or(u128::MAX);
        match p.gas {
            Some(gas) => {
                let cost = u128::from(gas) * p.max_fee_per_gas + data_fee;
                total = total.saturating_add(cost);
                println!(
                    "  {:<17} gas {gas:>10}  at most {cost} wei, of which {data_fee} wei for the \
                     activation (its data fee + 20%, the excess refunded)  {}",
                    p.step.name(),
                    p.step.describe()
                );
            }
            None => println!(
                "  {:<17} gas estimated once the earlier steps are on chain  {}",
                p.step.name(),
                p.step.describe()
            ),
        }
    }
    println!("  total of the estimated steps: at most {total} wei");
}
