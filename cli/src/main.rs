//! `vigil`: the command line. Parses, runs the library, prints; exit 0 on success, 1 on error
//! (with the error's sentence on stderr), 2 on a usage error.

use clap::{Parser, Subcommand};
use serde::Serialize;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use vigil_cli::context::{Global, Vigil};
use vigil_cli::deploy::{self, Options, Outcome, Planned};
use vigil_cli::keys::{self, KEY_VAR};
use vigil_cli::send::Via;
use vigil_cli::wasm::ProgramKind;
use vigil_cli::{explorer, governance, protocol, reporter, watch, Error};

#[derive(Parser)]
#[command(
    name = "vigil",
    version,
    about = "Deploy and operate Vigil on an Arbitrum chain",
    after_help = "Keys: VIGIL_PRIVATE_KEY, or --keystore FILE (password prompted, or \
                  VIGIL_KEYSTORE_PASSWORD). Addresses: deployments/<chainId>.json, or --registry \
                  and --guard."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Deploy the registry and the guard, each with its extension, link them and hand them to
    /// governance; resumes an interrupted deployment.
    Deploy {
        /// The deployment's TOML: governance, resolvers, parameters.
        #[arg(long)]
        config: PathBuf,
        /// Print the plan and its estimated gas and fees; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where the programs' wasm are (script/build-contracts.sh writes target/wasm).
        #[arg(long, default_value = "target/wasm")]
        wasm_dir: PathBuf,
        /// Stop once this many steps are mined (a later run resumes).
        #[arg(long)]
        stop_after: Option<usize>,
        /// Adopt the registry's extension already deployed here (by `cargo stylus deploy`)
        /// instead of deploying one; --guard-extension, --guard and --registry adopt those
        /// programs likewise.
        #[arg(long)]
        extension: Option<alloy_primitives::Address>,
        /// Adopt the guard's extension already deployed here instead of deploying one (a guard
        /// is adopted with the extension it was built on).
        #[arg(long)]
        guard_extension: Option<alloy_primitives::Address>,
    },
    /// Print the recorded address of one of Vigil's programs (for scripts: GUARD=$(vigil address guard)).
    Address {
        #[arg(value_enum)]
        program: Program,
    },
    /// A subject as the registry and the guard see it: level, score, reporters, expiry, dispute,
    /// and what the guard does to it in each protocol.
    Status {
        /// An address, code:0x<hash>, advisory:<name> or advisory:0x<id>.
        subject: String,
    },
    /// Checks the deployment: links, owners, program lifetimes and cache, pending timelocked
    /// calls, resolvers, the books. Exits 1 when a check fails.
    Doctor,
    /// Every status change since a block as JSON lines (one object a line on stdout), rebuilt
    /// from the registry's logs: subject, kind, level, score, reporters, expiry, transaction.
    Feed {
        /// The first block (default: the recorded deployment's first block).
        #[arg(long)]
        from_block: Option<u64>,
        /// The last block (default: the latest).
        #[arg(long, conflicts_with = "follow")]
        to_block: Option<u64>,
        /// Then keep printing new changes as blocks arrive (polled twice a second) until
        /// interrupted.
        #[arg(long)]
        follow: bool,
    },
    /// Reporters: stake, report, dispute, and your position.
    Reporter {
        #[command(subcommand)]
        command: reporter::Command,
        #[command(flatten)]
        via: Via,
    },
    /// Governance and resolvers: decisions, timelocked changes, the dispute queue.
    Gov {
        #[command(subcommand)]
        command: governance::Command,
        #[command(flatten)]
        via: Via,
    },
    /// Protocol admins: policies, rate limits, advisory tags, guardians, pauses.
    Protocol {
        #[command(subcommand)]
        command: protocol::Command,
        #[command(flatten)]
        via: Via,
    },
    /// Follow the chain and report what the configured detectors find, with your stake (one line
    /// per event on stdout, JSON lines with --json); runs until stopped.
    Watch {
        /// The watcher's TOML: detectors, the hourly cap, the state file.
        #[arg(long)]
        config: PathBuf,
        /// A WebSocket endpoint for new heads (the local node serves one on its HTTP port);
        /// without it heads are polled.
        #[arg(long, env = "VIGIL_WS_URL")]
        ws_url: Option<String>,
        /// Detect and print what would be reported; send nothing and keep no state.
        #[arg(long)]
        dry_run: bool,
    },
    /// Serve the explorer web page (search, live feed, dispute queue, protocols, reporters) for
    /// this chain's deployment; the page reads the chain over JSON-RPC itself. Runs until stopped.
    Explorer {
        /// The port to listen on (0: any free port; the first line printed names it).
        #[arg(long, default_value_t = 8550)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// The WebSocket the page follows new logs through (default: the RPC's own port when it
        /// is on this machine, as the local node's is; else the page polls over HTTP).
        #[arg(long, env = "VIGIL_WS_URL")]
        ws_url: Option<String>,
        /// The built page (`npm --prefix explorer run build` writes explorer/dist).
        #[arg(long, default_value = "explorer/dist")]
        dist: PathBuf,
    },
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum Program {
    Registry,
    Guard,
    /// The registry's extension.
    Extension,
    GuardExtension,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Error> {
    let global = &cli.global;
    match cli.command {
        Command::Deploy {
            config,
            dry_run,
            wasm_dir,
            stop_after,
            extension,
            guard_extension,
        } => {
            let options = Options {
                rpc_url: global.rpc_url.clone(),
                config,
                wasm_dir,
                deployments: global.deployments.clone(),
                dry_run,
                stop_after,
                adopt: deploy::Adopt {
                    extension,
                    guard_extension,
                    guard: global.guard,
                    registry: global.registry,
                },
            };
            deploy_and_print(&options).await
        }
        Command::Status { subject } => {
            let subject = vigil_cli::subject::parse(&subject)?;
            let vigil = Vigil::reader(global).await?;
            let status = vigil_cli::status::status(&vigil, subject).await?;
            emit(global.json, &status, status.lines());
            Ok(())
        }
        Command::Doctor => {
            let vigil = Vigil::reader(global).await?;
            let report = vigil_cli::doctor::doctor(&vigil).await?;
            emit(global.json, &report, report.lines());
            if report.failures > 0 {
                return Err(Error::Unhealthy(report.verdict));
            }
            Ok(())
        }
        Command::Feed {
            from_block,
            to_block,
            follow,
        } => {
            let vigil = Vigil::reader(global).await?;
            let window = vigil_cli::feed::Window {
                from: from_block,
                to: to_block,
                follow,
            };
            vigil_cli::feed::run(&vigil, window, &mut std::io::stdout().lock()).await
        }
        Command::Address { program } => {
            let vigil = Vigil::reader(global).await?;
            let recorded = |kind| {
                vigil
                    .record
                    .as_ref()
                    .and_then(|r| r.program(kind))
                    .map(|p| p.address)
            };
            let address = match program {
                Program::Registry => Some(vigil.registry),
                Program::Guard => Some(vigil.guard),
                Program::Extension => recorded(ProgramKind::Extension),
                Program::GuardExtension => recorded(ProgramKind::GuardExtension),
            };
            let address = address.ok_or(Error::NoDeployment {
                path: vigil_cli::record::Record::path(&global.deployments, vigil.chain_id),
                chain_id: vigil.chain_id,
            })?;
            emit(global.json, &address, vec![address.to_string()]);
            Ok(())
        }
        Command::Reporter { command, via } => {
            let vigil = if needs_key(&via)
                && !matches!(command, reporter::Command::Position { reporter: Some(_) })
            {
                Vigil::signer(global).await?
            } else {
                Vigil::reader(global).await?
            };
            let outcome = reporter::run(&vigil, &via, command).await?;
            emit(global.json, &outcome, outcome.lines());
            Ok(())
        }
        Command::Gov { command, via } => {
            let reads = matches!(
                command,
                governance::Command::Params { .. }
                    | governance::Command::Treasury
                    | governance::Command::Disputes
            );
            let vigil = if needs_key(&via) && !reads {
                Vigil::signer(global).await?
            } else {
                Vigil::reader(global).await?
            };
            let outcome = governance::run(&vigil, &via, command).await?;
            emit(global.json, &outcome, outcome.lines());
            Ok(())
        }
        Command::Protocol { command, via } => {
            let reads = matches!(command, protocol::Command::Show { .. });
            let vigil = if needs_key(&via) && !reads {
                Vigil::signer(global).await?
            } else {
                Vigil::reader(global).await?
            };
            let outcome = protocol::run(&vigil, &via, command).await?;
            emit(global.json, &outcome, outcome.lines());
            Ok(())
        }
        Command::Explorer {
            port,
            host,
            ws_url,
            dist,
        } => {
            let build = explorer::Build::find(&dist)?;
            let vigil = Vigil::reader(global).await?;
            let config = explorer::Config::new(&vigil, &global.rpc_url, ws_url);
            let site = explorer::Site::new(build, &config)?;
            let (listener, address) = explorer::bind(host, port).await?;
            println!("explorer: http://{address}/");
            println!(
                "chain {}, registry {}, guard {}; the page reads {}",
                config.chain_id,
                config.registry,
                config.guard,
                config.ws_url.as_deref().unwrap_or(&config.rpc_url)
            );
            Ok(explorer::serve(listener, site).await?)
        }
        Command::Watch {
            config,
            ws_url,
            dry_run,
        } => {
            let vigil = Vigil::reader(global).await?;
            let options = watch::Options {
                rpc_url: global.rpc_url.clone(),
                ws_url,
                registry: vigil.registry,
                from_block: vigil.from_block(),
                signer: keys::signer(global.keystore.as_deref())?,
                config,
                dry_run,
            };
            let watcher = watch::Watcher::new(options).await?;
            let json = global.json;
            watcher
                .run(&mut |event| {
                    if json {
                        match serde_json::to_string(&event) {
                            Ok(line) => println!("{line}"),
                            Err(e) => eprintln!("error: an event does not serialise: {e}"),
                        }
                    } else {
                        println!("{}", event.line());
                    }
                })
                .await
        }
    }
}

/// A write needs the key only when it is sent: a batch or printed calldata is signed elsewhere.
fn needs_key(via: &Via) -> bool {
    via.safe.is_none() && !via.calldata
}

/// The result as JSON with `--json`, else as lines for people.
fn emit<T: Serialize>(json: bool, value: &T, lines: Vec<String>) {
    if json {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("error: the result does not serialise as JSON: {e}"),
        }
    } else {
        for line in lines {
            println!("{line}");
        }
    }
}

async fn deploy_and_print(options: &Options) -> Result<(), Error> {
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
    for kind in ProgramKind::ALL {
        if let Some(p) = record.program(kind) {
            println!(
                "  {:<14} {} (Stylus v{})",
                kind.name(),
                p.address,
                p.stylus_version
            );
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
