//! The clock: signed withdraws sent through `eth_sendRawTransaction` by one or more concurrent
//! clients, each with its own connection and account, each sending its transactions back to back.
//! Every transaction is signed before the clock starts; the clock stops when the last client has
//! the receipt of its last transaction (nonces are consecutive, so that receipt comes last), so a
//! node that answers before it mines gains nothing. Afterwards, off the clock, every receipt must
//! have status 1 and every client's vault balance must have dropped by its withdraws: a rate of
//! failed transactions would be a lie.

use crate::chain::{succeeded, wait_receipt, Account, Chain};
use crate::rpc::Rpc;
use crate::workload::{self, vault_balance, withdraw_input, Artifacts, Guard, Vault};
use crate::BenchError;
use alloy_primitives::{TxKind, U256};
use serde_json::{json, Value};
use std::time::Instant;
use vigil_node::accounts::DevAccounts;

/// Concurrent clients of the second run of each workload.
pub const CLIENTS: usize = 8;
/// Receipts fetched per batch when checking a run.
const RECEIPT_BATCH: usize = 250;

/// One measured run.
pub struct Run {
    pub clients: usize,
    pub txs: u64,
    pub seconds: f64,
}

impl Run {
    pub fn rate(&self) -> f64 {
        self.txs as f64 / self.seconds
    }
}

/// Deploys `guard`'s workload on the node at `url`, funds the clients, and measures one client,
/// then [`CLIENTS`].
pub async fn workload(
    url: &str,
    guard: Guard,
    artifacts: &Artifacts,
    count: u64,
) -> Result<Vec<Run>, BenchError> {
    let chain = Chain::connect(url).await?;
    let accounts = DevAccounts::derive().map_err(|e| BenchError::Check(e.to_string()))?;
    // The mnemonic's accounts (after Nitro's dev key), which anvil funds too: the first deploys
    // and administers, the next eight are the clients.
    let signers = &accounts.signers()[1..];
    let mut admin = chain.account(&signers[0]).await?;
    let vault = workload::deploy(&chain, &mut admin, guard, artifacts).await?;
    let mut clients: Vec<Account> = Vec::new();
    for signer in &signers[1..=CLIENTS] {
        let mut client = chain.account(signer).await?;
        // Enough for both runs: all of the one-client run and a share of the other.
        workload::fund(&chain, &vault, &mut client, 2 * count).await?;
        clients.push(client);
    }
    let input = withdraw_input();
    let to = TxKind::Call(vault.address);
    let gas = chain
        .estimate(clients[0].address(), to, &input, U256::ZERO)
        .await?;
    let one = withdraws(&chain, &vault, &mut clients[..1], count, gas).await?;
    let many = withdraws(&chain, &vault, &mut clients, count, gas).await?;
    Ok(vec![one, many])
}

/// `count` withdraws of one token unit from `vault`, shared evenly by `clients` (the first takes
/// the remainder), each with gas limit `gas`.
pub async fn withdraws(
    chain: &Chain,
    vault: &Vault,
    clients: &mut [Account],
    count: u64,
    gas: u64,
) -> Result<Run, BenchError> {
    let share = count / clients.len() as u64;
    let remainder = count - share * clients.len() as u64;
    let mut batches = Vec::new();
    let mut before = Vec::new();
    for (i, client) in clients.iter_mut().enumerate() {
        let n = if i == 0 { share + remainder } else { share };
        before.push(vault_balance(chain, vault, client.address()).await?);
        let to = TxKind::Call(vault.address);
        let batch = (0..n)
            .map(|_| chain.sign(client, to, withdraw_input(), U256::ZERO, gas))
            .collect::<Result<Vec<_>, _>>()?;
        batches.push(batch);
    }

    let start = Instant::now();
    let tasks: Vec<_> = batches
        .into_iter()
        .map(|batch| tokio::spawn(send_all(Rpc::new(chain.rpc.url()), batch)))
        .collect();
    let mut hashes = Vec::new();
    for task in tasks {
        let sent = task
            .await
            .map_err(|e| BenchError::Check(format!("a client task failed: {e}")))??;
        hashes.push(sent);
    }
    let seconds = start.elapsed().as_secs_f64();

    for ((client, sent), before) in clients.iter().zip(&hashes).zip(before) {
        check_receipts(&chain.rpc, sent).await?;
        let after = vault_balance(chain, vault, client.address()).await?;
        let moved = before.saturating_sub(after);
        if moved != U256::from(sent.len()) {
            return Err(BenchError::Check(format!(
                "{}: {} withdraws moved {moved} from the vault",
                client.address(),
                sent.len()
            )));
        }
    }
    Ok(Run {
        clients: clients.len(),
        txs: count,
        seconds,
    })
}

/// One client: sends every transaction, one answer at a time, then waits for the last receipt.
async fn send_all(rpc: Rpc, batch: Vec<String>) -> Result<Vec<Value>, BenchError> {
    let mut hashes = Vec::with_capacity(batch.len());
    for raw in batch {
        hashes.push(rpc.call("eth_sendRawTransaction", json!([raw])).await?);
    }
    if let Some(last) = hashes.last() {
        wait_receipt(&rpc, last).await?;
    }
    Ok(hashes)
}

/// Every transaction of `hashes` was mined with status 1.
async fn check_receipts(rpc: &Rpc, hashes: &[Value]) -> Result<(), BenchError> {
    for chunk in hashes.chunks(RECEIPT_BATCH) {
        let params: Vec<Value> = chunk.iter().map(|h| json!([h])).collect();
        let receipts = rpc.batch("eth_getTransactionReceipt", &params).await?;
        if let Some((hash, bad)) = chunk.iter().zip(receipts).find(|(_, r)| !succeeded(r)) {
            let what = if bad.is_null() {
                format!("withdraw {hash} was never mined")
            } else {
                format!("withdraw {hash}")
            };
            return Err(BenchError::Reverted { what, receipt: bad });
        }
    }
    Ok(())
}
