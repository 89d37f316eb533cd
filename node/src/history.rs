//! The mined chain as clients read it: blocks, transactions and receipts in their JSON-RPC
//! shapes, and log queries over them. Serialisable, so it survives in the state file.

use alloy_eips::BlockNumberOrTag;
use alloy_primitives::B256;
use alloy_rpc_types_eth::{
    Filter, FilterBlockOption, Header, Log, Transaction, TransactionReceipt,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A mined block: its header (with hash) and its transactions' hashes, in order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockRecord {
    pub header: Header,
    pub txs: Vec<B256>,
}

/// A mined transaction and its receipt.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TxRecord {
    pub tx: Transaction,
    pub receipt: TransactionReceipt,
    /// Nitro's `stylusTracer` output of the transaction (`debug_traceTransaction`).
    #[serde(default)]
    pub trace: serde_json::Value,
}

/// Every mined block (index = number, block 0 is genesis) and transaction.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct History {
    blocks: Vec<BlockRecord>,
    txs: HashMap<B256, TxRecord>,
    #[serde(skip)]
    by_hash: HashMap<B256, u64>,
}

impl History {
    /// Rebuilds the hash index after deserialising.
    pub fn reindex(&mut self) {
        self.by_hash = self
            .blocks
            .iter()
            .map(|b| (b.header.hash, b.header.number))
            .collect();
    }

    pub fn push(&mut self, block: BlockRecord, txs: Vec<TxRecord>) {
        self.by_hash.insert(block.header.hash, block.header.number);
        self.blocks.push(block);
        for record in txs {
            self.txs.insert(record.receipt.transaction_hash, record);
        }
    }

    pub fn latest(&self) -> Option<&BlockRecord> {
        self.blocks.last()
    }

    pub fn latest_number(&self) -> u64 {
        self.latest().map_or(0, |b| b.header.number)
    }

    pub fn block(&self, number: u64) -> Option<&BlockRecord> {
        usize::try_from(number)
            .ok()
            .and_then(|n| self.blocks.get(n))
    }

    pub fn block_by_hash(&self, hash: B256) -> Option<&BlockRecord> {
        self.by_hash.get(&hash).and_then(|&n| self.block(n))
    }

    pub fn tx(&self, hash: B256) -> Option<&TxRecord> {
        self.txs.get(&hash)
    }

    /// The receipts of a block's transactions, in block order.
    pub fn receipts(&self, block: &BlockRecord) -> Vec<TransactionReceipt> {
        block
            .txs
            .iter()
            .filter_map(|hash| self.txs.get(hash))
            .map(|record| record.receipt.clone())
            .collect()
    }

    /// Logs of the blocks from `from` to `to` (inclusive) that `filter` selects.
    pub fn logs_between(&self, from: u64, to: u64, filter: &Filter) -> Vec<Log> {
        (from..=to)
            .filter_map(|n| self.block(n))
            .flat_map(|block| self.block_logs(block))
            .filter(|log| filter.matches(&log.inner))
            .collect()
    }

    /// `eth_getLogs`: the range or block hash of `filter`, then its addresses and topics.
    pub fn logs(&self, filter: &Filter) -> Result<Vec<Log>, String> {
        let latest = self.latest_number();
        match filter.block_option {
            FilterBlockOption::AtBlockHash(hash) => {
                let block = self
                    .block_by_hash(hash)
                    .ok_or_else(|| format!("unknown block {hash}"))?;
                let n = block.header.number;
                Ok(self.logs_between(n, n, filter))
            }
            FilterBlockOption::Range {
                from_block,
                to_block,
            } => {
                let from = resolve(from_block, latest);
                let to = resolve(to_block, latest);
                if from > to {
                    return Err(format!("fromBlock {from} is after toBlock {to}"));
                }
                Ok(self.logs_between(from, to, filter))
            }
        }
    }

    fn block_logs<'a>(&'a self, block: &'a BlockRecord) -> impl Iterator<Item = Log> + 'a {
        block
            .txs
            .iter()
            .filter_map(|hash| self.txs.get(hash))
            .flat_map(|record| record.receipt.inner.logs().iter().cloned())
    }
}

/// A block tag of a log range as a number: absent, "latest", "pending", "safe" and "finalized"
/// are the latest block (this chain finalises at once).
fn resolve(tag: Option<BlockNumberOrTag>, latest: u64) -> u64 {
    match tag {
        Some(BlockNumberOrTag::Earliest) => 0,
        Some(BlockNumberOrTag::Number(n)) => n.min(latest),
        _ => latest,
    }
}
