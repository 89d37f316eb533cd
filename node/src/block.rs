//! Sealing a block: what ran in it becomes a header with a real hash (transaction and receipt
//! roots, logs bloom), receipts with cumulative gas and log indexes, and the transactions as
//! clients read them.

use crate::history::{BlockRecord, TxRecord};
use alloy_consensus::proofs::{calculate_receipt_root, calculate_transaction_root};
use alloy_consensus::transaction::Recovered;
use alloy_consensus::{
    Eip658Value, Header as ConsensusHeader, Receipt as ConsensusReceipt, ReceiptEnvelope,
    ReceiptWithBloom, TxEnvelope, EMPTY_OMMER_ROOT_HASH,
};
use alloy_primitives::{Address, Bloom, Log as PrimitiveLog, TxKind, B256, U256};
use alloy_rpc_types_eth::{Header, Log, Transaction, TransactionReceipt};
use vigil_devnet::stylus::trace::HostioTrace;
use vigil_devnet::{BlockInfo, Receipt};

/// A transaction that ran in the open block, waiting for the block to be sealed.
#[derive(Clone, Debug)]
pub struct Executed {
    pub tx: TxEnvelope,
    pub from: Address,
    pub receipt: Receipt,
    /// Nitro's `stylusTracer` of the run, kept for `debug_traceTransaction`: this node keeps no
    /// earlier states to replay a transaction on.
    pub trace: Vec<HostioTrace>,
}

/// The block of `executed` (in order) on top of `parent`, mined as `info` says; its
/// transactions with their receipts, and its logs in order.
pub fn assemble(
    parent: B256,
    info: &BlockInfo,
    executed: Vec<Executed>,
) -> (BlockRecord, Vec<TxRecord>, Vec<Log>) {
    let mut cumulative = 0u64;
    let mut bloom = Bloom::default();
    let mut envelopes = Vec::with_capacity(executed.len());
    let mut receipts = Vec::with_capacity(executed.len());
    for e in &executed {
        cumulative += e.receipt.gas_used;
        let logs: Vec<PrimitiveLog> = e
            .receipt
            .logs
            .iter()
            .map(|log| {
                PrimitiveLog::new_unchecked(log.address, log.topics.clone(), log.data.clone())
            })
            .collect();
        let mut tx_bloom = Bloom::default();
        tx_bloom.accrue_logs(&logs);
        bloom.accrue_bloom(&tx_bloom);
        let receipt = ConsensusReceipt {
            status: Eip658Value::Eip658(e.receipt.success),
            cumulative_gas_used: cumulative,
            logs,
        };
        let typed = ReceiptWithBloom::new(receipt, tx_bloom);
        receipts.push(ReceiptEnvelope::from_typed(e.tx.tx_type(), typed));
        envelopes.push(e.tx.clone());
    }
    let header = ConsensusHeader {
        parent_hash: parent,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: info.coinbase,
        transactions_root: calculate_transaction_root(&envelopes),
        receipts_root: calculate_receipt_root(&receipts),
        logs_bloom: bloom,
        difficulty: U256::from(1),
        number: info.number,
        gas_limit: info.gas_limit,
        gas_used: cumulative,
        timestamp: info.timestamp,
        base_fee_per_gas: Some(info.basefee),
        ..ConsensusHeader::default()
    };
    let hash = header.hash_slow();
    let header = Header {
        hash,
        inner: header,
        total_difficulty: Some(U256::from(info.number + 1)),
        size: None,
    };
    let mut log_index = 0u64;
    let mut block_logs = Vec::new();
    let mut records = Vec::with_capacity(executed.len());
    for (index, (e, receipt)) in executed.into_iter().zip(receipts).enumerate() {
        let index = index as u64;
        let tx_hash = *e.tx.tx_hash();
        let rpc_receipt = receipt.map_logs(|inner| {
            let log = Log {
                inner,
                block_hash: Some(hash),
                block_number: Some(info.number),
                block_timestamp: Some(info.timestamp),
                transaction_hash: Some(tx_hash),
                transaction_index: Some(index),
                log_index: Some(log_index),
                removed: false,
            };
            log_index += 1;
            block_logs.push(log.clone());
            log
        });
        let price = effective_price(&e.tx, info.basefee);
        let to = match alloy_consensus::Transaction::kind(&e.tx) {
            TxKind::Call(to) => Some(to),
            TxKind::Create => None,
        };
        let receipt = TransactionReceipt {
            inner: rpc_receipt,
            transaction_hash: tx_hash,
            transaction_index: Some(index),
            block_hash: Some(hash),
            block_number: Some(info.number),
            gas_used: e.receipt.gas_used,
            effective_gas_price: price,
            blob_gas_used: None,
            blob_gas_price: None,
            from: e.from,
            to,
            contract_address: e.receipt.created,
        };
        let tx = Transaction {
            inner: Recovered::new_unchecked(e.tx, e.from),
            block_hash: Some(hash),
            block_number: Some(info.number),
            transaction_index: Some(index),
            effective_gas_price: Some(price),
        };
        let trace = serde_json::to_value(&e.trace).unwrap_or_default();
        records.push(TxRecord { tx, receipt, trace });
    }
    let block = BlockRecord {
        header,
        txs: records.iter().map(|r| r.receipt.transaction_hash).collect(),
    };
    (block, records, block_logs)
}

/// What a transaction pays per gas: its gas price, or for EIP-1559 the base fee (Nitro pays
/// no tips).
fn effective_price(tx: &TxEnvelope, basefee: u64) -> u128 {
    match tx {
        TxEnvelope::Eip1559(_) => u128::from(basefee),
        other => alloy_consensus::Transaction::max_fee_per_gas(other),
    }
}
