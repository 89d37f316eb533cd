//! What a detector sees of one block: its transactions with their receipts' logs, the contracts
//! they created, and reads of the chain's state as of any block (a detector compares before and
//! after). Everything is fetched once per block by the watcher, so detectors stay plain code.

use crate::Error;
use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_provider::{DynProvider, Provider};
use alloy_rpc_types_eth::{BlockId, Filter, TransactionRequest};
use alloy_sol_types::{sol, SolCall};
use alloy_transport::TransportError;
use std::future::IntoFuture;

sol! {
    function balanceOf(address account) external view returns (uint256);
}

/// One sealed block.
#[derive(Clone, Debug, Default)]
pub struct BlockView {
    pub number: u64,
    pub hash: B256,
    pub timestamp: u64,
    pub txs: Vec<TxView>,
}

/// One transaction with what its receipt says.
#[derive(Clone, Debug, Default)]
pub struct TxView {
    pub hash: B256,
    pub from: Address,
    /// None for a contract creation.
    pub to: Option<Address>,
    pub value: U256,
    /// The receipt's status: a reverted transaction moved nothing (its logs are empty).
    pub success: bool,
    pub logs: Vec<Log>,
    /// The contract a creation transaction deployed, with its runtime code. Contracts created by
    /// other contracts are not in a receipt: they are seen when first called (see [`BlockView`]'s
    /// builder in the watcher).
    pub created: Option<Created>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub address: Address,
    pub code: Bytes,
}

/// A balance a detector follows: the chain's native currency or an ERC-20.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Asset {
    Native,
    Token(Address),
}

/// Reads of the chain's state as of a block (`eth_getBalance`, `eth_getTransactionCount`,
/// `eth_getCode` and an ERC-20's `balanceOf` at that block), and logs over a range of blocks.
///
/// A full Arbitrum node serves the state of recent blocks; the local node serves only the latest
/// block's and refuses an older one with an error. Detectors therefore keep balances as running
/// values (a balance follows its token's `Transfer` logs), and code and nonces fall back to the
/// latest block, where the answer means the same for what detectors ask.
#[derive(Clone)]
pub struct State {
    provider: DynProvider,
    url: String,
}

impl State {
    pub fn new(provider: DynProvider, url: &str) -> Self {
        State {
            provider,
            url: url.to_owned(),
        }
    }

    fn fail(&self, what: &str, e: impl std::fmt::Display) -> Error {
        Error::Rpc {
            what: format!("{what} on {}", self.url),
            message: e.to_string(),
        }
    }

    /// What `holder` has of `asset` once block `block` is sealed.
    pub async fn balance(&self, asset: Asset, holder: Address, block: u64) -> Result<U256, Error> {
        match asset {
            Asset::Native => self
                .provider
                .get_balance(holder)
                .block_id(BlockId::number(block))
                .await
                .map_err(|e| self.fail("eth_getBalance", e)),
            Asset::Token(token) => {
                let request = TransactionRequest::default()
                    .to(token)
                    .input(balanceOfCall { account: holder }.abi_encode().into());
                let answer = self
                    .provider
                    .call(request)
                    .block(BlockId::number(block))
                    .await
                    .map_err(|e| self.fail("balanceOf", e))?;
                balanceOfCall::abi_decode_returns(&answer)
                    .map_err(|e| self.fail("balanceOf's answer", e))
            }
        }
    }

    /// How many transactions `account` had sent once block `block` was sealed; from a node that
    /// keeps only the latest state, the latest count, which is never smaller: an account that
    /// reads as unused was unused at `block` too.
    pub async fn nonce(&self, account: Address, block: u64) -> Result<u64, Error> {
        self.at_or_latest("eth_getTransactionCount", block, |id| {
            self.provider
                .get_transaction_count(account)
                .block_id(id)
                .into_future()
        })
        .await
    }

    /// The logs matching `filter` (a block range bounded by the caller).
    pub async fn logs(&self, filter: &Filter) -> Result<Vec<alloy_rpc_types_eth::Log>, Error> {
        self.provider
            .get_logs(filter)
            .await
            .map_err(|e| self.fail("eth_getLogs", e))
    }

    /// `account`'s runtime code once block `block` was sealed; from a node that keeps only the
    /// latest state, the latest code, which is the same for any contract that existed at
    /// `block` (code does not change once created).
    pub async fn code(&self, account: Address, block: u64) -> Result<Bytes, Error> {
        self.at_or_latest("eth_getCode", block, |id| {
            self.provider
                .get_code_at(account)
                .block_id(id)
                .into_future()
        })
        .await
    }

    /// `read` at `block`, or at the latest block when the node refuses `block`.
    async fn at_or_latest<T, F>(
        &self,
        what: &str,
        block: u64,
        read: impl Fn(BlockId) -> F,
    ) -> Result<T, Error>
    where
        F: std::future::Future<Output = Result<T, TransportError>>,
    {
        match read(BlockId::number(block)).await {
            Err(e) if e.as_error_resp().is_some() => read(BlockId::latest()).await,
            answer => answer,
        }
        .map_err(|e| self.fail(what, e))
    }
}
