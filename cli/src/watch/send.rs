//! Turning findings into reports on chain: which call (a live flag is corroborated, otherwise a
//! flag is opened; two watchers opening the same flag in one block compose in the registry), the
//! simulation that keeps a doomed report from costing gas, the nonce kept here so several
//! reports go out in one block, fees, and re-sends of a report that waits too long (same nonce,
//! higher fee: whichever lands, the other cannot).

use crate::abi::IThreatRegistry as R;
use crate::explain;
use crate::watch::detect::Finding;
use crate::Error;
use alloy_consensus::TxEnvelope;
use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address, Bytes, B256};
use alloy_provider::{DynProvider, Provider};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::SolCall;
use std::time::{Duration, Instant};

/// Gas above the estimate: the estimate is made against the state before this block's other
/// reports, and the report that confirms a flag also pushes it to the guard (the registry keeps
/// 105,587 gas for that push, design §5.7) and may displace a reporter.
const GAS_MARGIN: u64 = 300_000;
/// A re-send raises both fees by this many percent (nodes replace a waiting transaction only for
/// at least 10% more).
const BUMP_PERCENT: u128 = 25;
/// A live level in a status word: pending, watch, confirmed.
const LIVE: std::ops::RangeInclusive<u8> = 1..=3;

/// What became of one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Sent: the call made and its transaction.
    Sent {
        call: &'static str,
        tx: B256,
        nonce: u64,
    },
    /// Not sent, for good: the registry would refuse it (already reported by this reporter, the
    /// flag final, ...), in its own words.
    Refused { call: &'static str, reason: String },
    /// `--dry-run`: the call that would have been sent.
    DryRun { call: &'static str },
}

/// A report mined.
pub struct Mined {
    pub tx: B256,
    pub success: bool,
    pub finding: Finding,
}

/// A report sent and not yet mined.
struct Waiting {
    finding: Finding,
    nonce: u64,
    request: TransactionRequest,
    hashes: Vec<B256>,
    max_fee: u128,
    tip: u128,
    since: Instant,
}

pub struct Sender {
    provider: DynProvider,
    wallet: EthereumWallet,
    pub from: Address,
    registry: Address,
    chain_id: u64,
    ttl: u64,
    dry_run: bool,
    resend_after: Duration,
    next_nonce: Option<u64>,
    waiting: Vec<Waiting>,
}

/// The pieces a [`Sender`] is made of.
pub struct SenderConfig {
    pub provider: DynProvider,
    pub wallet: EthereumWallet,
    pub from: Address,
    pub registry: Address,
    pub chain_id: u64,
    pub ttl: u64,
    pub dry_run: bool,
    pub resend_after: Duration,
}

impl Sender {
    pub fn new(c: SenderConfig) -> Self {
        Sender {
            provider: c.provider,
            wallet: c.wallet,
            from: c.from,
            registry: c.registry,
            chain_id: c.chain_id,
            ttl: c.ttl,
            dry_run: c.dry_run,
            resend_after: c.resend_after,
            next_nonce: None,
            waiting: Vec::new(),
        }
    }

    fn fail(what: &str, e: impl std::fmt::Display) -> Error {
        Error::Rpc {
            what: what.to_owned(),
            message: e.to_string(),
        }
    }

    /// Reports `finding`: corroborates a live flag, opens one otherwise.
    pub async fn report(&mut self, finding: &Finding) -> Result<Outcome, Error> {
        let status = self
            .read(R::statusOfCall {
                subject: finding.subject,
            })
            .await?;
        let (call, data) = if LIVE.contains(&status.level) {
            (
                "corroborate",
                R::corroborateCall {
                    subject: finding.subject,
                    severity: finding.severity,
                    evidence: finding.evidence,
                }
                .abi_encode(),
            )
        } else {
            (
                "submit",
                R::submitCall {
                    subject: finding.subject,
                    category: finding.category,
                    severity: finding.severity,
                    evidence: finding.evidence,
                    ttl: self.ttl,
                }
                .abi_encode(),
            )
        };
        let request = TransactionRequest::default()
            .with_from(self.from)
            .with_to(self.registry)
            .with_input(Bytes::from(data));
        let gas = match self.provider.estimate_gas(request.clone()).await {
            Ok(gas) => gas,
            Err(e) => match e.as_error_resp().and_then(|p| p.as_revert_data()) {
                Some(data) => {
                    let now = self.now().await?;
                    return Ok(Outcome::Refused {
                        call,
                        reason: explain::explain(&data, now).sentence,
                    });
                }
                None => return Err(Self::fail("eth_estimateGas", e)),
            },
        };
        if self.dry_run {
            return Ok(Outcome::DryRun { call });
        }
        let (max_fee, tip) = self.fees().await?;
        let nonce = self.nonce().await?;
        let request = request.with_gas_limit(gas + GAS_MARGIN);
        let tx = self.sign_and_send(&request, nonce, max_fee, tip).await?;
        self.next_nonce = Some(nonce + 1);
        self.waiting.push(Waiting {
            finding: finding.clone(),
            nonce,
            request,
            hashes: vec![tx],
            max_fee,
            tip,
            since: Instant::now(),
        });
        Ok(Outcome::Sent { call, tx, nonce })
    }

    /// Checks the reports still waiting: a mined one is done (returned with whether it
    /// succeeded, and its finding); one waiting longer than `resend_after` is signed again at its
    /// nonce with higher fees.
    pub async fn follow_up(&mut self) -> Result<Vec<Mined>, Error> {
        let mut mined = Vec::new();
        let mut still = Vec::new();
        for mut waiting in std::mem::take(&mut self.waiting) {
            let mut done = None;
            for hash in &waiting.hashes {
                let receipt = self
                    .provider
                    .get_transaction_receipt(*hash)
                    .await
                    .map_err(|e| Self::fail("eth_getTransactionReceipt", e))?;
                if let Some(receipt) = receipt {
                    done = Some((*hash, receipt.status()));
                }
            }
            match done {
                Some((tx, success)) => mined.push(Mined {
                    tx,
                    success,
                    finding: waiting.finding,
                }),
                None if waiting.since.elapsed() >= self.resend_after => {
                    waiting.max_fee += waiting.max_fee * BUMP_PERCENT / 100;
                    waiting.tip += waiting.tip * BUMP_PERCENT / 100;
                    let (request, nonce) = (waiting.request.clone(), waiting.nonce);
                    let hash = self
                        .sign_and_send(&request, nonce, waiting.max_fee, waiting.tip)
                        .await?;
                    waiting.hashes.push(hash);
                    waiting.since = Instant::now();
                    still.push(waiting);
                }
                None => still.push(waiting),
            }
        }
        self.waiting = still;
        Ok(mined)
    }

    /// Reports sent and not yet mined.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// The next nonce: the chain's count of this account's transactions (waiting ones included)
    /// the first time and after a refusal, then counted here, so reports found in one block go
    /// out back to back without waiting for each other.
    async fn nonce(&mut self) -> Result<u64, Error> {
        if let Some(nonce) = self.next_nonce {
            return Ok(nonce);
        }
        self.provider
            .get_transaction_count(self.from)
            .pending()
            .await
            .map_err(|e| Self::fail("eth_getTransactionCount", e))
    }

    async fn fees(&self) -> Result<(u128, u128), Error> {
        let fees = self
            .provider
            .estimate_eip1559_fees()
            .await
            .map_err(|e| Self::fail("the fee estimate (eth_feeHistory)", e))?;
        Ok((fees.max_fee_per_gas, fees.max_priority_fee_per_gas))
    }

    async fn sign_and_send(
        &mut self,
        request: &TransactionRequest,
        nonce: u64,
        max_fee: u128,
        tip: u128,
    ) -> Result<B256, Error> {
        let envelope: TxEnvelope = request
            .clone()
            .with_nonce(nonce)
            .with_chain_id(self.chain_id)
            .with_max_fee_per_gas(max_fee)
            .with_max_priority_fee_per_gas(tip)
            .build(&self.wallet)
            .await
            .map_err(|e| Self::fail("signing", e))?;
        let hash = *envelope.tx_hash();
        if let Err(e) = self.provider.send_tx_envelope(envelope).await {
            // The count kept here may be wrong (another client used the key): ask the chain again.
            self.next_nonce = None;
            return Err(Self::fail("eth_sendRawTransaction", e));
        }
        Ok(hash)
    }

    async fn read<C: SolCall>(&self, call: C) -> Result<C::Return, Error> {
        let request = TransactionRequest::default()
            .with_to(self.registry)
            .with_input(Bytes::from(call.abi_encode()));
        let answer = self
            .provider
            .call(request)
            .await
            .map_err(|e| Self::fail("eth_call to the registry", e))?;
        C::abi_decode_returns(&answer).map_err(|e| Self::fail("the registry's answer", e))
    }

    async fn now(&self) -> Result<u64, Error> {
        let block = self
            .provider
            .get_block_by_number(Default::default())
            .await
            .map_err(|e| Self::fail("eth_getBlockByNumber", e))?;
        Ok(block.map(|b| b.header.timestamp).unwrap_or_default())
    }
}
