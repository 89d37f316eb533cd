//! The node's chain: the devnet plus blocks. Transactions run as they arrive in the open block;
//! a block is sealed after each transaction (instant mining) or on a timer (`--block-time`),
//! with real header hashes, transaction and receipt roots, blooms and log indexes.

use crate::accounts::{DevAccounts, DEV_BALANCE};
use crate::block::{self, Executed};
use crate::clock::Clock;
use crate::error::RpcError;
use crate::history::History;
use crate::tx::{call_request, SignedTx};
use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_network::TxSignerSync;
use alloy_primitives::{Address, Bytes, Signature, TxKind, B256, U256};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::{Header, Log, TransactionRequest};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use tokio::sync::broadcast;
use vigil_devnet::chain::{BLOCK_GAS_LIMIT, COINBASE};
use vigil_devnet::{BlockInfo, ChainState, Devnet, DevnetError, Fees, Receipt, TxError, TxRequest};

/// Nitro's minimum base fee (arbos/l2pricing): 0.1 gwei. Blocks here are never congested, so it
/// is also the base fee of every block.
pub const BASE_FEE: u64 = 100_000_000;
/// Gas limit of calls and estimates that name none: the block gas limit.
pub const CALL_GAS: u64 = BLOCK_GAS_LIMIT;
/// How far above the smallest succeeding gas limit an estimate may stop (go-ethereum's
/// `gasestimator.EstimateGasErrorRatio`, which Nitro's `eth_estimateGas` passes).
pub const ESTIMATE_ERROR_RATIO: f64 = 0.015;
/// Gas of a plain transfer (`params.TxGas`).
const TX_GAS: u64 = 21_000;
/// The stipend a value-carrying call passes on (`params.CallStipend`); geth adds it to the
/// first limit an estimate tries.
const CALL_STIPEND: u64 = 2_300;

/// A sealed block as subscribers see it.
#[derive(Clone, Debug)]
pub struct NewBlock {
    pub header: Header,
    pub logs: Vec<Log>,
}

/// Everything `evm_snapshot` saves besides the devnet's own snapshot.
struct Snapshot {
    devnet: u64,
    history: History,
    open: Vec<Executed>,
    clock: Clock,
}

/// What the state file holds.
#[derive(Serialize, Deserialize)]
pub struct SavedChain {
    pub chain_id: u64,
    pub state: ChainState,
    pub history: History,
    pub clock: Clock,
}

/// The chain behind the RPC server.
pub struct Chain {
    devnet: Devnet,
    chain_id: u64,
    accounts: DevAccounts,
    history: History,
    open: Vec<Executed>,
    clock: Clock,
    /// Seal only on the timer, not after each transaction; blocks may then share a second.
    interval: bool,
    impersonated: HashSet<Address>,
    snapshots: BTreeMap<u64, Snapshot>,
    next_snapshot: u64,
    blocks: broadcast::Sender<Arc<NewBlock>>,
}

impl Chain {
    /// A chain on `devnet` (a fresh one, or one with contracts already deployed), with the dev
    /// accounts funded and a genesis block sealed at the current time.
    /// `devnet_time` starts the clock at the devnet's own timestamp instead of the wall
    /// clock: a devnet prepared in-process has its programs activated on its own clock, and
    /// they would have expired by the wall clock.
    pub fn new(
        mut devnet: Devnet,
        chain_id: u64,
        accounts: DevAccounts,
        interval: bool,
        devnet_time: bool,
    ) -> Self {
        devnet.set_chain_id(chain_id);
        for address in accounts.addresses() {
            devnet.fund(address, DEV_BALANCE);
        }
        let (blocks, _) = broadcast::channel(256);
        let mut chain = Self {
            devnet,
            chain_id,
            accounts,
            history: History::default(),
            open: Vec::new(),
            clock: Clock::default(),
            interval,
            impersonated: HashSet::new(),
            snapshots: BTreeMap::new(),
            next_snapshot: 0,
            blocks,
        };
        if devnet_time {
            let now = chain.devnet.timestamp();
            chain.clock.set_next(now);
        }
        chain.mine();
        chain
    }

    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    pub fn accounts(&self) -> &DevAccounts {
        &self.accounts
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<NewBlock>> {
        self.blocks.subscribe()
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn latest_number(&self) -> u64 {
        self.history.latest_number()
    }

    /// The devnet, for queries of the latest state.
    pub fn devnet(&self) -> &Devnet {
        &self.devnet
    }

    /// The block number a state query names, if this node has that state: only the latest
    /// (and the open block, which "pending" names and which Nitro reports as latest).
    pub fn state_at(&self, block: Option<BlockId>) -> Result<(), RpcError> {
        let latest = self.latest_number();
        let requested = match block {
            None => return Ok(()),
            Some(BlockId::Hash(hash)) => match self.history.block_by_hash(hash.block_hash) {
                Some(record) => record.header.number,
                None => {
                    return Err(RpcError::InvalidParams(format!(
                        "unknown block hash {}",
                        hash.block_hash
                    )))
                }
            },
            Some(BlockId::Number(BlockNumberOrTag::Number(n))) => n,
            Some(BlockId::Number(BlockNumberOrTag::Earliest)) => 0,
            Some(BlockId::Number(_)) => latest,
        };
        match requested {
            n if n == latest => Ok(()),
            n if n > latest => Err(RpcError::FutureBlock(n, latest)),
            n => Err(RpcError::HistoricState {
                requested: n,
                latest,
            }),
        }
    }

    /// The block a block tag names, if it has been mined.
    pub fn block_number(&self, tag: BlockNumberOrTag) -> Option<u64> {
        match tag {
            BlockNumberOrTag::Number(n) => Some(n).filter(|&n| n <= self.latest_number()),
            BlockNumberOrTag::Earliest => Some(0),
            _ => Some(self.latest_number()),
        }
    }

    /// `eth_sendRawTransaction`.
    pub fn send_raw(&mut self, raw: &[u8]) -> Result<B256, RpcError> {
        let signed = SignedTx::decode(raw, self.chain_id)?;
        self.submit(signed.envelope, signed.from)
    }

    /// `eth_sendTransaction` from a dev account (signed with its key) or an impersonated one.
    pub fn send(&mut self, call: &TransactionRequest) -> Result<B256, RpcError> {
        let from = call
            .from
            .ok_or_else(|| RpcError::InvalidParams("\"from\" is required".into()))?;
        let signer = self.accounts.signer(from).cloned();
        if signer.is_none() && !self.impersonated.contains(&from) {
            return Err(RpcError::Locked(from));
        }
        let nonce = call.nonce.unwrap_or_else(|| self.devnet.nonce(from));
        let gas = match call.gas {
            Some(gas) => gas,
            None => self.estimate(call, None, None)?,
        };
        let data = call.input.input().cloned().unwrap_or_default();
        let to = call.to.unwrap_or(TxKind::Create);
        let value = call.value.unwrap_or_default();
        let envelope = match call.gas_price {
            Some(gas_price) => {
                let tx = TxLegacy {
                    chain_id: Some(self.chain_id),
                    nonce,
                    gas_price,
                    gas_limit: gas,
                    to,
                    value,
                    input: data,
                };
                sign(tx, from, signer.as_ref())?
            }
            None => {
                let tx = TxEip1559 {
                    chain_id: self.chain_id,
                    nonce,
                    gas_limit: gas,
                    max_fee_per_gas: call.max_fee_per_gas.unwrap_or(u128::from(BASE_FEE)),
                    max_priority_fee_per_gas: call.max_priority_fee_per_gas.unwrap_or_default(),
                    to,
                    value,
                    access_list: call.access_list.clone().unwrap_or_default(),
                    input: data,
                };
                sign(tx, from, signer.as_ref())?
            }
        };
        self.submit(envelope, from)
    }

    /// Runs a transaction whose sender is known in the open block; seals it unless mining on
    /// a timer.
    fn submit(&mut self, envelope: TxEnvelope, from: Address) -> Result<B256, RpcError> {
        let hash = *envelope.tx_hash();
        if self.history.tx(hash).is_some() || self.open.iter().any(|e| *e.tx.tx_hash() == hash) {
            return Err(RpcError::Known(hash));
        }
        let request = SignedTx {
            envelope: envelope.clone(),
            from,
        }
        .request();
        self.ensure_open();
        let (receipt, trace) = self.devnet.trace(&request, true)?;
        self.open.push(Executed {
            tx: envelope,
            from,
            receipt,
            trace,
        });
        if !self.interval {
            self.seal();
        }
        Ok(hash)
    }

    /// `eth_call`: the result, or the revert as geth reports it. Runs on a throwaway copy when
    /// `overrides` are given.
    pub fn call(
        &mut self,
        call: &TransactionRequest,
        overrides: Option<&StateOverride>,
    ) -> Result<Bytes, RpcError> {
        let request = call_request(call, CALL_GAS)?;
        let receipt = self.simulate(&request, overrides)?;
        outcome(receipt).map(|r| r.output)
    }

    /// `debug_traceCall` with Nitro's `stylusTracer`: the trace whether the call succeeds or
    /// not (a refused transaction is an error).
    pub fn trace_call(&mut self, call: &TransactionRequest) -> Result<serde_json::Value, RpcError> {
        let request = call_request(call, CALL_GAS)?;
        if !self.is_open() {
            let info = self.next_block_info();
            self.devnet.set_block_info(info);
        }
        let (_, trace) = self.devnet.trace(&request, false)?;
        serde_json::to_value(trace).map_err(|e| RpcError::Internal(e.to_string()))
    }

    /// `debug_traceTransaction` with Nitro's `stylusTracer`: the trace recorded when the
    /// transaction ran (also for one in the open block).
    pub fn trace_transaction(&self, hash: B256) -> Result<serde_json::Value, RpcError> {
        if let Some(record) = self.history.tx(hash) {
            return Ok(record.trace.clone());
        }
        let open = self.open.iter().find(|e| *e.tx.tx_hash() == hash);
        match open {
            Some(e) => {
                serde_json::to_value(&e.trace).map_err(|e| RpcError::Internal(e.to_string()))
            }
            None => Err(RpcError::UnknownTransaction(hash)),
        }
    }

    /// `eth_estimateGas` as Nitro answers it (go-ethereum's `eth/gasestimator`, which Nitro's
    /// fork runs unchanged): not the gas a call uses but a gas limit at which it succeeds,
    /// found by a search that stops within [`ESTIMATE_ERROR_RATIO`] above the smallest such
    /// limit. A Stylus call needs more than it uses (the storage flush refuses to run with less
    /// than 2,300 gas left), so its estimate is about its gas used + 2,300, plus up to 1.5%.
    pub fn estimate(
        &mut self,
        call: &TransactionRequest,
        overrides: Option<&StateOverride>,
        cap: Option<u64>,
    ) -> Result<u64, RpcError> {
        let mut request = call_request(call, cap.unwrap_or(CALL_GAS))?;
        // geth: the call's own limit when it names a usable one, else the block's.
        if request.gas_limit < TX_GAS {
            request.gas_limit = CALL_GAS;
        }
        if !self.is_open() {
            let info = self.next_block_info();
            self.devnet.set_block_info(info);
        }
        let Some(overrides) = overrides.filter(|o| !o.is_empty()) else {
            return self.search(request);
        };
        let snapshot = self.devnet.snapshot();
        apply_overrides(&mut self.devnet, overrides);
        let estimate = self.search(request);
        self.devnet.revert_to(snapshot)?;
        estimate
    }

    /// geth's `gasestimator.Estimate` on the devnet as it stands (overrides applied).
    fn search(&mut self, mut request: TxRequest) -> Result<u64, RpcError> {
        let mut high = request.gas_limit;
        // A priced call cannot buy more gas than the sender's balance pays for.
        let fee_cap = match request.fees {
            Fees::Legacy { gas_price } | Fees::AccessList { gas_price } => gas_price,
            Fees::Dynamic { max_fee, .. } => max_fee,
        };
        if fee_cap > 0 {
            let balance = self.devnet.balance(request.caller);
            if request.value >= balance {
                return Err(RpcError::Devnet("insufficient funds for transfer".into()));
            }
            let allowance = (balance - request.value) / U256::from(fee_cap);
            high = high.min(u64::try_from(allowance).unwrap_or(u64::MAX));
        }
        // A plain transfer to an account without code: 21,000 if that suffices.
        if request.data.is_empty() {
            if let TxKind::Call(to) = request.kind {
                if self.devnet.code(to).is_empty() {
                    request.gas_limit = TX_GAS;
                    if self.attempt(&request)?.is_some_and(|r| r.success) {
                        return Ok(TX_GAS);
                    }
                }
            }
        }
        request.gas_limit = high;
        let first = match self.attempt(&request)? {
            Some(receipt) => receipt,
            None => return Err(exceeds_allowance(high)),
        };
        if !first.success {
            return Err(match first.halt {
                Some(reason) if reason.starts_with("OutOfGas") => exceeds_allowance(high),
                Some(reason) => RpcError::Halted(reason),
                None => RpcError::Reverted(first.output),
            });
        }
        geth_search(first.gas_used, first.peak_gas_used, high, |limit| {
            request.gas_limit = limit;
            Ok(self.attempt(&request)?.is_some_and(|r| r.success))
        })
    }

    /// One run of the estimate at `request`'s limit: `None` when the limit is below the
    /// intrinsic gas (geth raises the limit then); other refusals end the estimate.
    fn attempt(&mut self, request: &TxRequest) -> Result<Option<Receipt>, RpcError> {
        match self.devnet.simulate(request) {
            Ok(receipt) => Ok(Some(receipt)),
            Err(DevnetError::Transaction(TxError::IntrinsicGas { .. })) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }

    fn simulate(
        &mut self,
        request: &TxRequest,
        overrides: Option<&StateOverride>,
    ) -> Result<Receipt, RpcError> {
        if !self.is_open() {
            let info = self.next_block_info();
            self.devnet.set_block_info(info);
        }
        let Some(overrides) = overrides.filter(|o| !o.is_empty()) else {
            return Ok(self.devnet.simulate(request)?);
        };
        let snapshot = self.devnet.snapshot();
        apply_overrides(&mut self.devnet, overrides);
        let result = self.devnet.simulate(request);
        self.devnet.revert_to(snapshot)?;
        Ok(result?)
    }

    fn is_open(&self) -> bool {
        !self.open.is_empty()
    }

    /// The earliest timestamp the next block may take. Mined per transaction, each block is a
    /// second after the previous one (so each transaction sees time pass, as on geth's dev
    /// chain); mined on a timer faster than seconds, consecutive blocks share a second, as
    /// Arbitrum's do.
    /// With a block open (mining on a timer), "next" is the block after it.
    fn earliest_timestamp(&self) -> u64 {
        let last = if self.is_open() {
            self.devnet.block_info().timestamp
        } else {
            self.history.latest().map_or(0, |b| b.header.timestamp)
        };
        if self.interval {
            last
        } else {
            last.saturating_add(1)
        }
    }

    /// The block the next transaction would open.
    fn next_block_info(&self) -> BlockInfo {
        BlockInfo {
            number: self.latest_number() + u64::from(self.history.latest().is_some()),
            timestamp: self.clock.peek(self.earliest_timestamp()),
            basefee: BASE_FEE,
            coinbase: COINBASE,
            gas_limit: BLOCK_GAS_LIMIT,
        }
    }

    fn ensure_open(&mut self) {
        if !self.is_open() {
            let info = BlockInfo {
                timestamp: self.clock.take(self.earliest_timestamp()),
                ..self.next_block_info()
            };
            self.devnet.set_block_info(info);
        }
    }

    /// `evm_mine` and the interval timer: seals the open block, empty or not.
    pub fn mine(&mut self) {
        self.ensure_open();
        self.seal();
    }

    /// Seals the open block at the devnet's current block info.
    fn seal(&mut self) {
        let info = self.devnet.block_info();
        let parent = self.history.latest().map_or(B256::ZERO, |b| b.header.hash);
        let executed = std::mem::take(&mut self.open);
        let (block, records, logs) = block::assemble(parent, &info, executed);
        let header = block.header.clone();
        self.devnet.record_block_hash(info.number, header.hash);
        self.history.push(block, records);
        let next = BlockInfo {
            number: info.number + 1,
            ..info
        };
        self.devnet.set_block_info(next);
        // Nobody listening is not an error.
        let _ = self.blocks.send(Arc::new(NewBlock { header, logs }));
    }

    /// `evm_increaseTime`: moves the clock forward; returns the total offset in seconds.
    pub fn increase_time(&mut self, seconds: u64) -> i64 {
        self.clock.increase(seconds)
    }

    /// `evm_setNextBlockTimestamp`.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), RpcError> {
        let earliest = self.earliest_timestamp();
        if timestamp < earliest {
            return Err(RpcError::InvalidParams(format!(
                "timestamp {timestamp} is before {earliest}, the earliest the next block can \
                 take: pick a later one"
            )));
        }
        self.clock.set_next(timestamp);
        Ok(())
    }

    /// `evm_snapshot`.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        let snapshot = Snapshot {
            devnet: self.devnet.snapshot(),
            history: self.history.clone(),
            open: self.open.clone(),
            clock: self.clock.clone(),
        };
        self.snapshots.insert(id, snapshot);
        id
    }

    /// `evm_revert`: false for an unknown (or already used) id, as anvil answers.
    pub fn revert(&mut self, id: u64) -> Result<bool, RpcError> {
        let Some(snapshot) = self.snapshots.remove(&id) else {
            return Ok(false);
        };
        self.snapshots.split_off(&id);
        self.devnet.revert_to(snapshot.devnet)?;
        self.history = snapshot.history;
        self.open = snapshot.open;
        self.clock = snapshot.clock;
        Ok(true)
    }

    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.devnet.fund(address, balance);
    }

    pub fn set_code(&mut self, address: Address, code: Bytes) {
        self.devnet.set_code(address, code);
    }

    pub fn impersonate(&mut self, address: Address, on: bool) {
        if on {
            self.impersonated.insert(address);
        } else {
            self.impersonated.remove(&address);
        }
    }

    /// The chain as the state file keeps it; the open block is sealed first, so nothing is lost.
    pub fn save(&mut self) -> SavedChain {
        if self.is_open() {
            self.seal();
        }
        SavedChain {
            chain_id: self.chain_id,
            state: self.devnet.export_state(),
            history: self.history.clone(),
            clock: self.clock.clone(),
        }
    }

    /// Replaces the chain by a saved one; snapshots of the replaced chain are dropped.
    pub fn load(&mut self, mut saved: SavedChain) -> Result<(), RpcError> {
        if saved.chain_id != self.chain_id {
            return Err(RpcError::State(format!(
                "the state is of chain {}, this node runs chain {}: start it with --chain-id {}",
                saved.chain_id, self.chain_id, saved.chain_id
            )));
        }
        saved.history.reindex();
        self.devnet.import_state(saved.state);
        let latest = saved.history.latest_number();
        for number in latest.saturating_sub(255)..=latest {
            if let Some(block) = saved.history.block(number) {
                self.devnet.record_block_hash(number, block.header.hash);
            }
        }
        self.history = saved.history;
        self.clock = saved.clock;
        self.open.clear();
        self.snapshots.clear();
        Ok(())
    }
}

/// Signs with the dev key, or gives an impersonated sender's transaction a stand-in signature
/// that makes its hash unique to the sender.
fn sign<T>(
    mut tx: T,
    from: Address,
    signer: Option<&alloy_signer_local::PrivateKeySigner>,
) -> Result<TxEnvelope, RpcError>
where
    T: SignableTransaction<Signature>,
    alloy_consensus::Signed<T>: Into<TxEnvelope>,
{
    let signature = match signer {
        Some(signer) => signer
            .sign_transaction_sync(&mut tx)
            .map_err(|e| RpcError::InvalidSignature(e.to_string()))?,
        None => Signature::new(U256::from_be_slice(from.as_slice()), U256::from(1), false),
    };
    Ok(tx.into_signed(signature).into())
}

/// geth's message when a call fails even at the highest limit the estimate may try.
fn exceeds_allowance(high: u64) -> RpcError {
    RpcError::Devnet(format!("gas required exceeds allowance ({high})"))
}

/// The search of geth's `gasestimator.Estimate` once a run at `high` succeeded, using `used`
/// (refunds deducted) and `peak` (before refunds) gas: a first try at the limit most calls need,
/// then bisection skewed to the low side, stopped as soon as the interval is within
/// [`ESTIMATE_ERROR_RATIO`] of its top. Answers the top, a limit at which `succeeds`.
fn geth_search(
    used: u64,
    peak: u64,
    mut high: u64,
    mut succeeds: impl FnMut(u64) -> Result<bool, RpcError>,
) -> Result<u64, RpcError> {
    let mut low = used.saturating_sub(1);
    let optimistic = peak.saturating_add(CALL_STIPEND).saturating_mul(64) / 63;
    if optimistic < high {
        if succeeds(optimistic)? {
            high = optimistic;
        } else {
            low = optimistic;
        }
    }
    while low + 1 < high {
        if (high - low) as f64 / (high as f64) < ESTIMATE_ERROR_RATIO {
            break;
        }
        let mid = ((high + low) / 2).min(low.saturating_mul(2));
        if succeeds(mid)? {
            high = mid;
        } else {
            low = mid;
        }
    }
    Ok(high)
}

/// A call's receipt as geth reports it: success, a revert (code 3 with the data), or a halt.
fn outcome(receipt: Receipt) -> Result<Receipt, RpcError> {
    if receipt.success {
        return Ok(receipt);
    }
    match receipt.halt {
        Some(reason) => Err(RpcError::Halted(reason)),
        None => Err(RpcError::Reverted(receipt.output)),
    }
}

/// geth's state overrides: balance, nonce, code, and storage replaced (`state`) or patched
/// (`stateDiff`).
fn apply_overrides(devnet: &mut Devnet, overrides: &StateOverride) {
    for (address, account) in overrides {
        let address = *address;
        if let Some(balance) = account.balance {
            devnet.fund(address, balance);
        }
        if let Some(nonce) = account.nonce {
            devnet.set_nonce(address, nonce);
        }
        if let Some(code) = &account.code {
            devnet.set_code(address, code.clone());
        }
        if let Some(state) = &account.state {
            let storage = state
                .iter()
                .map(|(slot, value)| (U256::from_be_bytes(slot.0), U256::from_be_bytes(value.0)))
                .collect();
            devnet.replace_storage(address, storage);
        }
        if let Some(diff) = &account.state_diff {
            for (slot, value) in diff {
                devnet.set_storage(
                    address,
                    U256::from_be_bytes(slot.0),
                    U256::from_be_bytes(value.0),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search against a call that succeeds from `minimal` gas on.
    fn estimate(used: u64, minimal: u64) -> u64 {
        geth_search(used, used, CALL_GAS, |limit| Ok(limit >= minimal)).unwrap()
    }

    /// Receipt gas used and `eth_estimateGas` of the same calls, published from a
    /// `nitro-node` v3.7.1 `--dev` node (L1 price 0): github.com/nickthelegend/koma,
    /// stylus/bench/results.json, `route(4,1e6)` on a Solidity royalty router (warm and cold
    /// recipients) and on a Stylus one (cached, warm; uncached, cold).
    /// An EVM call needs no more than it uses; a Stylus call needs the 2,300 gas its storage
    /// flush requires to be left, less what it spends after the flush.
    #[test]
    fn the_search_answers_what_nitro_published() {
        assert_eq!(estimate(132_890, 132_890), 134_000);
        assert_eq!(estimate(303_890, 303_890), 307_469);
        for after_flush in 0..=80 {
            assert_eq!(estimate(131_802, 131_802 + 2_300 - after_flush), 135_122);
            assert_eq!(estimate(318_057, 318_057 + 2_300 - after_flush), 321_749);
        }
    }

    #[test]
    fn the_answer_succeeds_and_is_within_the_error_ratio_of_the_smallest_limit() {
        for used in [21_000, 23_408, 36_860, 150_000, 1_000_000] {
            for extra in [0, 1, 700, 2_300, 5_000, 40_000] {
                let minimal = used + extra;
                let answer = estimate(used, minimal);
                assert!(answer >= minimal, "{used} + {extra}: {answer}");
                let over = (answer - minimal) as f64 / answer as f64;
                assert!(over < ESTIMATE_ERROR_RATIO, "{used} + {extra}: {answer}");
            }
        }
    }

    #[test]
    fn the_first_try_covers_the_peak_and_the_stipend() {
        // The first limit tried is 64/63 of the peak (not the used gas) plus the stipend.
        let mut tries = Vec::new();
        let answer = geth_search(50_000, 60_000, CALL_GAS, |limit| {
            tries.push(limit);
            Ok(limit >= 62_300)
        })
        .unwrap();
        assert_eq!(tries[0], (60_000 + 2_300) * 64 / 63);
        assert_eq!(answer, 62_457);
    }

    #[test]
    fn bisection_is_skewed_to_the_low_side() {
        // The first try fails, so the next one doubles the lower bound instead of halving the
        // way to the block gas limit.
        let mut tries = Vec::new();
        geth_search(30_000, 30_000, CALL_GAS, |limit| {
            tries.push(limit);
            Ok(limit >= 100_000)
        })
        .unwrap();
        assert_eq!(tries[1], 2 * tries[0]);
    }
}
