//! Turning findings into reports on chain: which call (a live flag that lasts is corroborated,
//! otherwise `submit` opens a flag or joins and prolongs a live one; two watchers submitting in
//! one block compose in the registry), the
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
/// A fee raised for a replacement: by a quarter (nodes replace a waiting transaction only for at
/// least 10% more), and by at least one wei (a zero tip must rise too).
fn bump(fee: u128) -> u128 {
    fee.saturating_add((fee / 4).max(1))
}
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

/// What became of the reports waiting to be mined.
pub enum FollowUp {
    Mined(Mined),
    /// Signed again at its nonce with higher fees: whichever of the two is mined, the other
    /// cannot be.
    Resent {
        nonce: u64,
        tx: B256,
    },
    ResendRefused {
        nonce: u64,
        error: String,
    },
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

impl Waiting {
    /// `tx`, just sent at `nonce` with `fees` (max fee, tip).
    fn new(
        finding: Finding,
        nonce: u64,
        request: TransactionRequest,
        tx: B256,
        (max_fee, tip): (u128, u128),
    ) -> Self {
        Waiting {
            finding,
            nonce,
            request,
            hashes: vec![tx],
            max_fee,
            tip,
            since: Instant::now(),
        }
    }
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

    /// Reports `finding`: corroborates a live flag that lives at least half this watcher's ttl,
    /// submits otherwise. A `submit` opens a flag, or joins a live one and keeps it live for the
    /// ttl (design §3.2): a flag a front-runner opened with a short ttl is not left to expire
    /// under this reporter's stake, and a flag opened a little earlier with the same ttl is
    /// corroborated without paying to move its expiry.
    pub async fn report(&mut self, finding: &Finding) -> Result<Outcome, Error> {
        let status = self
            .read(R::statusOfCall {
                subject: finding.subject,
            })
            .await?;
        let lasts = LIVE.contains(&status.level)
            && status.expiry >= self.now().await?.saturating_add(self.ttl / 2);
        let (call, data) = if lasts {
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
        self.waiting.push(Waiting::new(
            finding.clone(),
            nonce,
            request,
            tx,
            (max_fee, tip),
        ));
        Ok(Outcome::Sent { call, tx, nonce })
    }

    /// Checks the reports still waiting: a mined one is done (returned with whether it
    /// succeeded, and its finding); one waiting longer than `resend_after` is signed again at its
    /// nonce with higher fees. A refused re-send (the node already holds that nonce: the report
    /// is in its open block, or a replacement needs more) leaves the report waiting, to be tried
    /// again after another `resend_after`. A failed read keeps every report waiting.
    pub async fn follow_up(&mut self) -> Result<Vec<FollowUp>, Error> {
        let mut events = Vec::new();
        let mut i = 0;
        while i < self.waiting.len() {
            let mut done = None;
            for hash in self.waiting[i].hashes.clone() {
                let receipt = self
                    .provider
                    .get_transaction_receipt(hash)
                    .await
                    .map_err(|e| Self::fail("eth_getTransactionReceipt", e))?;
                if let Some(receipt) = receipt {
                    done = Some((hash, receipt.status()));
                }
            }
            if let Some((tx, success)) = done {
                let waiting = self.waiting.remove(i);
                events.push(FollowUp::Mined(Mined {
                    tx,
                    success,
                    finding: waiting.finding,
                }));
                continue;
            }
            if self.waiting[i].since.elapsed() >= self.resend_after {
                let waiting = &mut self.waiting[i];
                waiting.since = Instant::now();
                let (request, nonce) = (waiting.request.clone(), waiting.nonce);
                let (max_fee, tip) = (bump(waiting.max_fee), bump(waiting.tip));
                match self.sign_and_send(&request, nonce, max_fee, tip).await {
                    Ok(tx) => {
                        let waiting = &mut self.waiting[i];
                        waiting.hashes.push(tx);
                        (waiting.max_fee, waiting.tip) = (max_fee, tip);
                        events.push(FollowUp::Resent { nonce, tx });
                    }
                    Err(e) => events.push(FollowUp::ResendRefused {
                        nonce,
                        error: e.to_string(),
                    }),
                }
            }
            i += 1;
        }
        Ok(events)
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use vigil_devnet::Devnet;
    use vigil_node::{accounts::DevAccounts, Config};

    #[test]
    fn a_fee_bump_is_a_quarter_and_at_least_one_wei() {
        assert_eq!(bump(100_000_000), 125_000_000);
        assert_eq!(bump(0), 1);
        assert_eq!(bump(3), 4);
        assert_eq!(bump(u128::MAX), u128::MAX);
    }

    /// A node that seals a block an hour: a report sent now is not mined until `evm_mine`.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_report_not_mined_in_time_is_sent_again_and_followed_until_mined() {
        let config = Config {
            port: 0,
            block_time: Some(Duration::from_secs(3_600)),
            ..Config::default()
        };
        let node = vigil_node::start(config, Devnet::new).await.unwrap();
        let signer = DevAccounts::derive().unwrap().signers()[2].clone();
        let provider = crate::chain::Chain::reader(&node.http_url())
            .await
            .unwrap()
            .provider()
            .clone();
        let mut sender = Sender::new(SenderConfig {
            provider: provider.clone(),
            wallet: EthereumWallet::from(signer.clone()),
            from: signer.address(),
            registry: Address::repeat_byte(0x11),
            chain_id: provider.get_chain_id().await.unwrap(),
            ttl: 1,
            dry_run: false,
            resend_after: Duration::ZERO,
        });
        // A plain transfer stands in for a report: following up never looks inside.
        let request = TransactionRequest::default()
            .with_from(signer.address())
            .with_to(Address::repeat_byte(0x22))
            .with_value(U256::from(1))
            .with_gas_limit(21_000);
        let (max_fee, tip) = sender.fees().await.unwrap();
        let nonce = sender.nonce().await.unwrap();
        let tx = sender
            .sign_and_send(&request, nonce, max_fee, tip)
            .await
            .unwrap();
        let finding = Finding {
            subject: B256::repeat_byte(1),
            category: 1,
            severity: 4,
            evidence: B256::repeat_byte(2),
            detector: "test",
            reason: String::new(),
        };
        sender
            .waiting
            .push(Waiting::new(finding, nonce, request, tx, (max_fee, tip)));

        // Not mined in time, so signed again at its nonce with higher fees: this node runs a
        // transaction as it arrives (there is no pool to replace it in), so it refuses the
        // second one and the report keeps waiting.
        let events = sender.follow_up().await.unwrap();
        match &events[..] {
            [FollowUp::ResendRefused { nonce: 0, error }] => {
                assert!(error.contains("nonce too low"), "{error}")
            }
            _ => panic!("expected one refused re-send"),
        }
        assert_eq!(sender.waiting.len(), 1);
        assert_eq!(sender.waiting[0].hashes, vec![tx]);

        // The block is sealed: the report is mined, and nothing waits any more.
        let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
        let events = sender.follow_up().await.unwrap();
        match &events[..] {
            [FollowUp::Mined(mined)] => assert_eq!((mined.tx, mined.success), (tx, true)),
            _ => panic!("expected the report mined"),
        }
        assert!(sender.waiting.is_empty());
    }
}
