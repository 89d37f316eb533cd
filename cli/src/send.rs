//! Where a command's calls go: signed and sent by the key (the default), appended to a Safe
//! Transaction Builder batch for a multisig to sign (`--safe FILE`), or printed (`--calldata`).
//! Every call is simulated first from the account that will send it, so a call that would
//! revert is explained and nothing is sent or written.

use crate::abi::{ICircuitGuard, IThreatRegistry};
use crate::call::Call;
use crate::context::Vigil;
use crate::explain;
use crate::safe::Batch;
use crate::Error;
use alloy_primitives::{Address, B256};
use alloy_rpc_types_eth::{Log, TransactionReceipt};
use alloy_sol_types::SolEventInterface;
use indicatif::{ProgressBar, ProgressDrawTarget};
use serde::Serialize;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How a write command's calls leave the CLI.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Via {
    /// Append the calls to this Safe Transaction Builder batch (created if missing) for the
    /// Safe to import and sign, instead of sending them.
    #[arg(long, global = true, conflicts_with = "calldata")]
    pub safe: Option<PathBuf>,
    /// Print each call's to, value and data instead of sending it.
    #[arg(long, global = true)]
    pub calldata: bool,
    /// The account that will send a batch (a Safe): by default the one that holds the power
    /// (the registry's or the guard's owner, the protocol's admin).
    #[arg(long, global = true)]
    pub sender: Option<Address>,
}

/// One mined transaction and what it logged.
#[derive(Clone, Debug, Serialize)]
pub struct Sent {
    pub transaction: B256,
    pub block: u64,
    pub gas_used: u64,
    /// The registry's and the guard's events, decoded.
    pub events: Vec<String>,
}

/// What happened to a command's calls.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Done {
    Sent {
        what: String,
        transactions: Vec<Sent>,
    },
    Batched {
        what: String,
        file: PathBuf,
        safe: Address,
        calls: usize,
        total: usize,
    },
    Calldata {
        what: String,
        calls: Vec<Printed>,
    },
}

#[derive(Debug, Serialize)]
pub struct Printed {
    pub to: Address,
    pub value: String,
    pub data: String,
}

impl Done {
    /// The lines a person reads.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Done::Sent { what, transactions } => {
                let mut lines = vec![format!("{what}: done")];
                for t in transactions {
                    lines.push(format!(
                        "  transaction {} in block {}, gas used {}",
                        t.transaction, t.block, t.gas_used
                    ));
                    lines.extend(t.events.iter().map(|e| format!("    {e}")));
                }
                lines
            }
            Done::Batched {
                what,
                file,
                safe,
                calls,
                total,
            } => vec![
                format!(
                    "{what}: {calls} call(s) added to {} ({total} in the batch) for the Safe {safe}",
                    file.display()
                ),
                "  import the file in the Safe web app (Transaction Builder), then sign and execute"
                    .into(),
            ],
            Done::Calldata { what, calls } => {
                let mut lines = vec![format!("{what}: not sent; send these from the account that holds the power")];
                for c in calls {
                    lines.push(format!("  to    {}\n  value {}\n  data  {}", c.to, c.value, c.data));
                }
                lines
            }
        }
    }
}

/// Sends `calls` (in order, each waiting for the previous one), or batches or prints them.
/// `sender` is who must send them (the governance Safe, a protocol's admin): a batch is
/// simulated from it and written for it. Sending simulates from the key's account.
pub async fn apply(
    vigil: &Vigil,
    via: &Via,
    what: &str,
    sender: Address,
    calls: Vec<Call>,
) -> Result<Done, Error> {
    let what = what.to_owned();
    if via.calldata {
        return Ok(Done::Calldata {
            what,
            calls: calls
                .iter()
                .map(|c| Printed {
                    to: c.to,
                    value: c.value.to_string(),
                    data: c.data.to_string(),
                })
                .collect(),
        });
    }
    if let Some(file) = &via.safe {
        for call in &calls {
            refuse_revert(vigil, sender, &what, call).await?;
        }
        let total = Batch::append(file, vigil.chain_id, sender, &calls)
            .map_err(|e| Error::Safe(e.to_string()))?
            .transactions
            .len();
        return Ok(Done::Batched {
            what,
            file: file.clone(),
            safe: sender,
            calls: calls.len(),
            total,
        });
    }
    let mut transactions = Vec::with_capacity(calls.len());
    for call in &calls {
        refuse_revert(vigil, vigil.chain.from, &what, call).await?;
        transactions.push(send(vigil, &what, call).await?);
    }
    Ok(Done::Sent { what, transactions })
}

/// A call that would revert now stops the command before anything is sent or written.
async fn refuse_revert(vigil: &Vigil, from: Address, what: &str, call: &Call) -> Result<(), Error> {
    match vigil.chain.simulate(from, call).await? {
        None => Ok(()),
        Some(data) => Err(Error::WouldRevert {
            what: what.to_owned(),
            sentence: explain::explain(&data, vigil.chain.now().await?).to_string(),
        }),
    }
}

async fn send(vigil: &Vigil, what: &str, call: &Call) -> Result<Sent, Error> {
    let prepared = vigil
        .chain
        .prepare(what, call.to, call.data.clone(), call.value)
        .await?;
    let (envelope, tx) = vigil.chain.sign(prepared, vigil.chain_id).await?;
    let nonce = alloy_consensus::Transaction::nonce(&envelope);
    vigil.chain.send(envelope).await?;
    let receipt = wait(vigil, tx, nonce).await?;
    if !receipt.status() {
        let sentence = match vigil.chain.simulate(vigil.chain.from, call).await? {
            Some(data) => explain::explain(&data, vigil.chain.now().await?).to_string(),
            None => "it succeeds when simulated now, so the state changed before it was mined or \
                     it ran out of gas: run the command again"
                .into(),
        };
        return Err(Error::TxReverted {
            what: what.to_owned(),
            tx,
            sentence,
        });
    }
    Ok(Sent {
        transaction: tx,
        block: receipt.block_number.unwrap_or_default(),
        gas_used: receipt.gas_used,
        events: receipt
            .inner
            .logs()
            .iter()
            .filter_map(describe_log)
            .collect(),
    })
}

/// Waits for the receipt with a spinner on a terminal, up to `--timeout` seconds.
async fn wait(vigil: &Vigil, tx: B256, nonce: u64) -> Result<TransactionReceipt, Error> {
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    spinner.set_message(format!("waiting for {tx} to be mined"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let start = Instant::now();
    let result = loop {
        if let Some(receipt) = vigil.chain.receipt(tx).await? {
            break Ok(receipt);
        }
        if start.elapsed() >= Duration::from_secs(vigil.timeout) {
            break Err(Error::Stuck {
                tx,
                nonce,
                waited: vigil.timeout,
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    spinner.finish_and_clear();
    result
}

/// A registry or guard event as a line (`Name { field: value, .. }`); other contracts' logs are
/// left out.
pub fn describe_log(log: &Log) -> Option<String> {
    let inner = &log.inner;
    let text = match IThreatRegistry::IThreatRegistryEvents::decode_log(inner) {
        Ok(event) => format!("{:?}", event.data),
        Err(_) => format!(
            "{:?}",
            ICircuitGuard::ICircuitGuardEvents::decode_log(inner)
                .ok()?
                .data
        ),
    };
    // The interface enum's Debug wraps the event's own in `Name(...)`: keep the inner one.
    Some(match text.split_once('(') {
        Some((_, rest)) if text.ends_with(')') => rest[..rest.len() - 1].to_owned(),
        _ => text,
    })
}
