//! `vigil-node`: starts the node in the foreground, prints its accounts and address, and saves
//! the state file on Ctrl-C or SIGTERM.

use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use vigil_devnet::Devnet;
use vigil_node::accounts::DevAccounts;
use vigil_node::server::{DEFAULT_CHAIN_ID, DEFAULT_PORT};
use vigil_node::Config;

/// A local JSON-RPC node that runs Stylus and EVM code side by side.
#[derive(Parser, Debug)]
#[command(name = "vigil-node", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port for HTTP and WebSocket (both on this one port).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Chain id.
    #[arg(long, default_value_t = DEFAULT_CHAIN_ID)]
    chain_id: u64,
    /// Load the chain from FILE at start (if it exists) and save it there on exit and on
    /// anvil_dumpState.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Mine a block every N seconds (fractions too: 0.25 is Arbitrum's pace) instead of one
    /// per transaction.
    #[arg(
        long,
        value_name = "N",
        value_parser = vigil_node::server::block_time,
        allow_negative_numbers = true
    )]
    block_time: Option<Duration>,
}

fn print_accounts(accounts: &DevAccounts) {
    println!("Available accounts (10,000 ETH each)");
    println!("====================================");
    for (i, signer) in accounts.signers().iter().enumerate() {
        let key = alloy_primitives::hex::encode_prefixed(signer.to_bytes());
        let label = if i == 0 {
            "Nitro dev".to_string()
        } else {
            format!("mnemonic {}", i - 1)
        };
        println!("({i:>2}) {} {key}  [{label}]", signer.address());
    }
    println!();
    println!("Mnemonic: {}", vigil_node::accounts::TEST_MNEMONIC);
    println!("Derivation path: m/44'/60'/0'/0/i");
    println!();
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        host: args.host,
        port: args.port,
        chain_id: args.chain_id,
        state_file: args.state.clone(),
        block_time: args.block_time,
        ..Config::default()
    };
    let running = match vigil_node::start(config, Devnet::new).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    print_accounts(&running.accounts);
    println!("Chain id: {}", args.chain_id);
    match args.block_time {
        Some(period) => println!("Mining: a block every {} s", period.as_secs_f64()),
        None => println!("Mining: one block per transaction"),
    }
    if let Some(path) = &args.state {
        println!("State file: {}", path.display());
    }
    println!("Listening on {} (HTTP and WebSocket)", running.addr);
    shutdown_signal().await;
    println!("Shutting down");
    match running.stop().await {
        Ok(()) => {
            if let Some(path) = &args.state {
                println!("State saved to {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
