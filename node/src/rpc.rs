//! The JSON-RPC methods: parameters parsed, the chain asked, results in the shapes geth and anvil
//! answer with. Each call runs as one job on the chain thread ([`crate::node`]).

use crate::chain::{Chain, NewBlock, BASE_FEE};
use crate::error::RpcError;
use crate::node::{Node, NodeHandle};
use crate::state;
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{hex, Address, Bytes, B256, U256, U64};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::{
    Block, BlockTransactions, FeeHistory, Filter, Header, Transaction, TransactionRequest,
};
use jsonrpsee::core::{RegisterMethodError, SubscriptionError};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::{PendingSubscriptionSink, RpcModule, SubscriptionMessage};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// What `web3_clientVersion` answers.
pub const CLIENT_VERSION: &str = concat!("vigil-node/v", env!("CARGO_PKG_VERSION"));

type Result<T> = std::result::Result<T, RpcError>;

/// Parameters read one by one, with the position named in errors.
struct Args<'a> {
    seq: jsonrpsee::types::params::ParamsSequence<'a>,
}

impl<'a> Args<'a> {
    fn new(params: &'a Params<'a>) -> Self {
        Self {
            seq: params.sequence(),
        }
    }

    fn next<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> Result<T> {
        self.seq
            .next()
            .map_err(|e: ErrorObjectOwned| invalid(what, e))
    }

    fn optional<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> Result<Option<T>> {
        self.seq
            .optional_next()
            .map_err(|e: ErrorObjectOwned| invalid(what, e))
    }
}

fn invalid(what: &str, e: ErrorObjectOwned) -> RpcError {
    // jsonrpsee puts serde's reason in `data` as a JSON string.
    let reason = e
        .data()
        .and_then(|d| serde_json::from_str::<String>(d.get()).ok())
        .unwrap_or_else(|| e.message().to_string());
    RpcError::InvalidParams(format!("{what}: {reason}"))
}

fn json<T: Serialize>(value: T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| RpcError::Devnet(e.to_string()))
}

fn quantity(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

/// Registers a method that runs as a job on the chain thread.
fn method<F>(
    module: &mut RpcModule<NodeHandle>,
    name: &'static str,
    f: F,
) -> std::result::Result<(), RegisterMethodError>
where
    F: Fn(&mut Node, Args<'_>) -> Result<Value> + Clone + Send + Sync + 'static,
{
    module.register_async_method(name, move |params, handle, _| {
        let f = f.clone();
        async move {
            let answer = handle.run(move |node| f(node, Args::new(&params))).await;
            answer
                .and_then(|result| result)
                .map_err(ErrorObjectOwned::from)
        }
    })?;
    Ok(())
}

/// Every method the node serves.
pub fn module(node: NodeHandle) -> std::result::Result<RpcModule<NodeHandle>, RegisterMethodError> {
    let mut m = RpcModule::new(node);
    method(&mut m, "web3_clientVersion", |_, _| json(CLIENT_VERSION))?;
    method(&mut m, "web3_sha3", |_, mut a| {
        let data: Bytes = a.next("data")?;
        json(alloy_primitives::keccak256(&data))
    })?;
    method(&mut m, "net_version", |n, _| {
        json(n.chain.chain_id().to_string())
    })?;
    method(&mut m, "net_listening", |_, _| json(true))?;
    method(&mut m, "net_peerCount", |_, _| Ok(quantity(0)))?;
    method(&mut m, "eth_chainId", |n, _| {
        Ok(quantity(n.chain.chain_id()))
    })?;
    method(&mut m, "eth_syncing", |_, _| json(false))?;
    method(&mut m, "eth_mining", |_, _| json(true))?;
    method(&mut m, "eth_blockNumber", |n, _| {
        Ok(quantity(n.chain.latest_number()))
    })?;
    method(&mut m, "eth_accounts", |n, _| {
        json(n.chain.accounts().addresses())
    })?;
    method(&mut m, "eth_gasPrice", |_, _| Ok(quantity(BASE_FEE)))?;
    method(&mut m, "eth_maxPriorityFeePerGas", |_, _| Ok(quantity(0)))?;
    method(&mut m, "eth_feeHistory", fee_history)?;
    method(&mut m, "eth_getBalance", |n, mut a| {
        let address: Address = a.next("address")?;
        let chain = &n.chain;
        chain.state_at(a.optional("block")?)?;
        json(chain.devnet().balance(address))
    })?;
    method(&mut m, "eth_getTransactionCount", |n, mut a| {
        let address: Address = a.next("address")?;
        let chain = &n.chain;
        chain.state_at(a.optional("block")?)?;
        Ok(quantity(chain.devnet().nonce(address)))
    })?;
    method(&mut m, "eth_getCode", |n, mut a| {
        let address: Address = a.next("address")?;
        let chain = &n.chain;
        chain.state_at(a.optional("block")?)?;
        json(chain.devnet().code(address))
    })?;
    method(&mut m, "eth_getStorageAt", |n, mut a| {
        let address: Address = a.next("address")?;
        let slot: U256 = a.next("slot")?;
        let chain = &n.chain;
        chain.state_at(a.optional("block")?)?;
        json(B256::from(chain.devnet().storage(address, slot)))
    })?;
    method(&mut m, "eth_getBlockByNumber", |n, mut a| {
        let tag: BlockNumberOrTag = a.next("block")?;
        let full = a.optional::<bool>("full")?.unwrap_or(false);
        let chain = &n.chain;
        let number = chain.block_number(tag);
        json(number.and_then(|number| block(chain, number, full)))
    })?;
    method(&mut m, "eth_getBlockByHash", |n, mut a| {
        let hash: B256 = a.next("block hash")?;
        let full = a.optional::<bool>("full")?.unwrap_or(false);
        let chain = &n.chain;
        let number = chain.history().block_by_hash(hash).map(|b| b.header.number);
        json(number.and_then(|number| block(chain, number, full)))
    })?;
    method(
        &mut m,
        "eth_getBlockTransactionCountByNumber",
        |n, mut a| {
            let tag: BlockNumberOrTag = a.next("block")?;
            let chain = &n.chain;
            let count = chain
                .block_number(tag)
                .and_then(|n| chain.history().block(n))
                .map(|b| quantity(b.txs.len() as u64));
            json(count)
        },
    )?;
    method(&mut m, "eth_getTransactionByHash", |n, mut a| {
        let hash: B256 = a.next("transaction hash")?;
        json(n.chain.history().tx(hash).map(|r| r.tx.clone()))
    })?;
    method(&mut m, "eth_getTransactionReceipt", |n, mut a| {
        let hash: B256 = a.next("transaction hash")?;
        json(n.chain.history().tx(hash).map(|r| r.receipt.clone()))
    })?;
    method(&mut m, "eth_getBlockReceipts", |n, mut a| {
        let block: BlockId = a.next("block")?;
        let history = n.chain.history();
        let record = match block {
            BlockId::Hash(hash) => history.block_by_hash(hash.block_hash),
            BlockId::Number(tag) => n.chain.block_number(tag).and_then(|n| history.block(n)),
        };
        json(record.map(|record| history.receipts(record)))
    })?;
    method(&mut m, "eth_call", |n, mut a| {
        let call: TransactionRequest = a.next("transaction")?;
        let block: Option<BlockId> = a.optional("block")?;
        let overrides: Option<StateOverride> = a.optional("state overrides")?;
        let chain = &mut n.chain;
        chain.state_at(block)?;
        json(chain.call(&call, overrides.as_ref())?)
    })?;
    method(&mut m, "eth_estimateGas", |n, mut a| {
        let call: TransactionRequest = a.next("transaction")?;
        let block: Option<BlockId> = a.optional("block")?;
        let overrides: Option<StateOverride> = a.optional("state overrides")?;
        let chain = &mut n.chain;
        chain.state_at(block)?;
        Ok(quantity(chain.estimate(&call, overrides.as_ref(), None)?))
    })?;
    method(&mut m, "eth_sendRawTransaction", |n, mut a| {
        let raw: Bytes = a.next("signed transaction")?;
        json(n.chain.send_raw(&raw)?)
    })?;
    method(&mut m, "eth_sendTransaction", |n, mut a| {
        let call: TransactionRequest = a.next("transaction")?;
        json(n.chain.send(&call)?)
    })?;
    method(&mut m, "eth_getLogs", |n, mut a| {
        let filter: Filter = a.next("filter")?;
        json(
            n.chain
                .history()
                .logs(&filter)
                .map_err(RpcError::InvalidParams)?,
        )
    })?;
    method(&mut m, "eth_newFilter", |n, mut a| {
        let filter: Filter = a.next("filter")?;
        let latest = n.chain.latest_number();
        json(n.filters.new_logs(filter, latest))
    })?;
    method(&mut m, "eth_newBlockFilter", |n, _| {
        let latest = n.chain.latest_number();
        json(n.filters.new_blocks(latest))
    })?;
    method(&mut m, "eth_getFilterChanges", |n, mut a| {
        let id: U256 = a.next("filter id")?;
        json(n.filters.changes(id, n.chain.history())?)
    })?;
    method(&mut m, "eth_getFilterLogs", |n, mut a| {
        let id: U256 = a.next("filter id")?;
        json(n.filters.logs(id, n.chain.history())?)
    })?;
    method(&mut m, "eth_uninstallFilter", |n, mut a| {
        let id: U256 = a.next("filter id")?;
        json(n.filters.uninstall(id))
    })?;
    method(&mut m, "debug_traceTransaction", |n, mut a| {
        let hash: B256 = a.next("transaction hash")?;
        stylus_tracer(a.optional("tracing options")?)?;
        n.chain.trace_transaction(hash)
    })?;
    method(&mut m, "debug_traceCall", |n, mut a| {
        let call: TransactionRequest = a.next("transaction")?;
        n.chain.state_at(a.optional("block")?)?;
        stylus_tracer(a.optional("tracing options")?)?;
        n.chain.trace_call(&call)
    })?;
    anvil(&mut m)?;
    m.register_subscription(
        "eth_subscribe",
        "eth_subscription",
        "eth_unsubscribe",
        |params, pending, node, _| async move { subscribe(params, pending, node).await },
    )?;
    Ok(m)
}

/// The anvil and hardhat cheat methods.
fn anvil(m: &mut RpcModule<NodeHandle>) -> std::result::Result<(), RegisterMethodError> {
    method(m, "evm_mine", |n, _| {
        n.chain.mine();
        json("0x0")
    })?;
    method(m, "evm_increaseTime", |n, mut a| {
        let seconds: U64 = a.next("seconds")?;
        let offset = n.chain.increase_time(seconds.to());
        json(offset.to_string())
    })?;
    method(m, "evm_setNextBlockTimestamp", |n, mut a| {
        let timestamp: U64 = a.next("timestamp")?;
        n.chain.set_next_timestamp(timestamp.to())?;
        json(Value::Null)
    })?;
    method(m, "evm_snapshot", |n, _| Ok(quantity(n.chain.snapshot())))?;
    method(m, "evm_revert", |n, mut a| {
        let id: U64 = a.next("snapshot id")?;
        json(n.chain.revert(id.to())?)
    })?;
    method(m, "anvil_setBalance", |n, mut a| {
        let address: Address = a.next("address")?;
        let balance: U256 = a.next("balance")?;
        n.chain.set_balance(address, balance);
        json(Value::Null)
    })?;
    method(m, "anvil_setCode", |n, mut a| {
        let address: Address = a.next("address")?;
        let code: Bytes = a.next("code")?;
        n.chain.set_code(address, code);
        json(Value::Null)
    })?;
    method(m, "anvil_impersonateAccount", |n, mut a| {
        let address: Address = a.next("address")?;
        n.chain.impersonate(address, true);
        json(Value::Null)
    })?;
    method(m, "anvil_stopImpersonatingAccount", |n, mut a| {
        let address: Address = a.next("address")?;
        n.chain.impersonate(address, false);
        json(Value::Null)
    })?;
    method(m, "anvil_dumpState", |n, _| {
        let saved = n.chain.save();
        let bytes = state::encode(&saved).map_err(|e| RpcError::State(e.to_string()))?;
        if let Some(path) = &n.state_file {
            state::write_atomic(path, &bytes).map_err(|e| RpcError::State(e.to_string()))?;
        }
        json(hex::encode_prefixed(bytes))
    })?;
    method(m, "anvil_loadState", |n, mut a| {
        let bytes: Bytes = a.next("state (from anvil_dumpState)")?;
        let saved = state::decode(&bytes).map_err(|e| {
            RpcError::InvalidParams(format!("not a state from this node's anvil_dumpState: {e}"))
        })?;
        n.chain.load(saved)?;
        json(true)
    })?;
    Ok(())
}

/// Checks that the tracing options ask for what this node traces: Nitro's `stylusTracer`, or
/// cargo stylus's JavaScript query (recognised by its `hostio` handler), which builds the same
/// array from the same hooks and so gets the native tracer's answer.
fn stylus_tracer(options: Option<Value>) -> Result<()> {
    let tracer = options
        .as_ref()
        .and_then(|o| o.get("tracer"))
        .and_then(Value::as_str);
    match tracer {
        Some("stylusTracer") => Ok(()),
        Some(js) if js.contains("\"hostio\"") && js.contains("\"enter\"") => Ok(()),
        Some(other) => {
            let name: String = other.chars().take(40).collect();
            Err(RpcError::UnsupportedTracer(format!("{name:?}")))
        }
        None => Err(RpcError::UnsupportedTracer(
            "(none: geth's struct logger)".into(),
        )),
    }
}

/// `eth_feeHistory`: every block's base fee (one more than blocks, for the next), zero rewards
/// (Nitro pays no tips).
fn fee_history(node: &mut Node, mut a: Args<'_>) -> Result<Value> {
    let count: U64 = a.next("block count")?;
    let newest: BlockNumberOrTag = a.next("newest block")?;
    let percentiles: Option<Vec<f64>> = a.optional("reward percentiles")?;
    let chain = &node.chain;
    let newest = chain
        .block_number(newest)
        .ok_or_else(|| RpcError::InvalidParams("newest block is not mined yet".into()))?;
    let count = count.to::<u64>().clamp(1, 1_024).min(newest + 1);
    let oldest = newest + 1 - count;
    let blocks: Vec<&Header> = (oldest..=newest)
        .filter_map(|n| chain.history().block(n))
        .map(|b| &b.header)
        .collect();
    let mut base_fee_per_gas: Vec<u128> = blocks
        .iter()
        .map(|h| u128::from(h.base_fee_per_gas.unwrap_or(BASE_FEE)))
        .collect();
    base_fee_per_gas.push(u128::from(BASE_FEE));
    let gas_used_ratio = blocks
        .iter()
        .map(|h| h.gas_used as f64 / h.gas_limit.max(1) as f64)
        .collect();
    let reward = percentiles.map(|p| vec![vec![0u128; p.len()]; blocks.len()]);
    json(FeeHistory {
        base_fee_per_gas,
        gas_used_ratio,
        base_fee_per_blob_gas: Vec::new(),
        blob_gas_used_ratio: Vec::new(),
        oldest_block: oldest,
        reward,
    })
}

/// Block `number` with its transactions' hashes, or the transactions themselves when `full`.
fn block(chain: &Chain, number: u64, full: bool) -> Option<Block> {
    let record = chain.history().block(number)?;
    let transactions = if full {
        let txs: Vec<Transaction> = record
            .txs
            .iter()
            .filter_map(|hash| chain.history().tx(*hash).map(|r| r.tx.clone()))
            .collect();
        BlockTransactions::Full(txs)
    } else {
        BlockTransactions::Hashes(record.txs.clone())
    };
    Some(Block {
        header: record.header.clone(),
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    })
}

/// `eth_subscribe` to `newHeads` or `logs` (with an optional filter): one notification per
/// header, one per matching log, until the client unsubscribes or goes away.
async fn subscribe(
    params: Params<'static>,
    pending: PendingSubscriptionSink,
    node: Arc<NodeHandle>,
) -> std::result::Result<(), SubscriptionError> {
    let mut args = Args::new(&params);
    let kind: String = match args.next("subscription kind") {
        Ok(kind) => kind,
        Err(e) => {
            pending.reject(e).await;
            return Ok(());
        }
    };
    let filter = match kind.as_str() {
        "newHeads" => None,
        "logs" => match args.optional::<Filter>("filter") {
            Ok(filter) => Some(filter.unwrap_or_default()),
            Err(e) => {
                pending.reject(e).await;
                return Ok(());
            }
        },
        other => {
            let error = RpcError::InvalidParams(format!(
                "unknown subscription {other:?}: this node offers \"newHeads\" and \"logs\""
            ));
            pending.reject(error).await;
            return Ok(());
        }
    };
    let mut blocks = match node.run(|node| node.chain.subscribe()).await {
        Ok(blocks) => blocks,
        Err(e) => {
            pending.reject(e).await;
            return Ok(());
        }
    };
    let sink = pending.accept().await?;
    loop {
        let block: Arc<NewBlock> = tokio::select! {
            _ = sink.closed() => return Ok(()),
            received = blocks.recv() => match received {
                Ok(block) => block,
                // A client too slow for the chain misses blocks, it is not dropped.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(()),
            },
        };
        let messages: Vec<Box<serde_json::value::RawValue>> = match &filter {
            None => vec![serde_json::value::to_raw_value(&block.header)?],
            Some(filter) => block
                .logs
                .iter()
                .filter(|log| filter.matches(&log.inner))
                .map(serde_json::value::to_raw_value)
                .collect::<std::result::Result<_, _>>()?,
        };
        for message in messages {
            if sink.send(SubscriptionMessage::from(message)).await.is_err() {
                return Ok(());
            }
        }
    }
}
