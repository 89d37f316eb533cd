//! `vigil watch`: a reporter agent that follows the chain block by block, runs detectors on every
//! transaction, and reports what they find to the registry with its own stake.
//!
//! - [`config`]: the TOML (detectors, the hourly cap, the reports' time to live).
//! - [`view`]: a block as detectors see it, and reads of the chain's state.
//! - [`detect`]: the [`detect::Detector`] trait and the built-in detectors.
//! - [`send`]: findings become `submit` or `corroborate` transactions.
//! - [`state`]: what survives a restart (next block, subjects reported, the hourly count).
//!
//! Heads come from a WebSocket subscription when one is given (`--ws-url`), else by polling; a
//! node that goes away is retried with a growing pause, and since the next block to inspect is
//! remembered, the blocks mined meanwhile are inspected on return, in order.

pub mod config;
pub mod detect;
pub mod send;
pub mod state;
pub mod view;

use crate::abi::IThreatRegistry as R;
use crate::chain::Chain;
use crate::status::Word;
use crate::subject::{self, Kind};
use crate::Error;
use alloy_consensus::Transaction as _;
use alloy_network::{EthereumWallet, TransactionResponse};
use alloy_primitives::{Address, B256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{Filter, TransactionReceipt};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolEvent;
use config::Config;
use detect::{Detector, Finding, Knowledge};
use futures::StreamExt;
use send::{FollowUp, Outcome, Sender, SenderConfig};
use serde::Serialize;
use state::{Reported, WatchState};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use view::{BlockView, Created, State, TxView};

/// Logs are read in ranges of this many blocks (providers cap `eth_getLogs` ranges).
const LOG_RANGE: u64 = 10_000;
/// The pause before the first retry of a node that went away; each further failure doubles it.
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LAST_RETRY: Duration = Duration::from_secs(30);
/// The stored confirmed level (design §2.2) and the removed one.
const CONFIRMED: u8 = 3;
const REMOVED: u8 = 4;

/// What the watcher tells its operator, one line each (JSON lines with `--json`).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum Event {
    #[serde(rename_all = "camelCase")]
    Started {
        reporter: Address,
        next_block: u64,
        head: u64,
        subscribed: bool,
        dry_run: bool,
    },
    #[serde(rename_all = "camelCase")]
    Found {
        block: u64,
        detector: &'static str,
        subject: String,
        severity: u8,
        evidence: B256,
        reason: String,
    },
    #[serde(rename_all = "camelCase")]
    Reported {
        subject: String,
        call: &'static str,
        tx: B256,
        nonce: u64,
    },
    /// Not sent: `why` says it (reported before, the hourly cap, the registry's refusal).
    #[serde(rename_all = "camelCase")]
    Skipped { subject: String, why: String },
    #[serde(rename_all = "camelCase")]
    WouldReport { subject: String, call: &'static str },
    #[serde(rename_all = "camelCase")]
    Mined { tx: B256, success: bool },
    /// A report not mined in time, signed again at its nonce with higher fees.
    #[serde(rename_all = "camelCase")]
    Resent { nonce: u64, tx: B256 },
    /// The node refused the re-send (it holds that nonce already); the report keeps waiting.
    #[serde(rename_all = "camelCase")]
    ResendRefused { nonce: u64, error: String },
    /// A detector failed on a block: that detector's findings in it are lost, the others' are not.
    #[serde(rename_all = "camelCase")]
    DetectorFailed {
        block: u64,
        detector: &'static str,
        error: String,
    },
    #[serde(rename_all = "camelCase")]
    Retrying { error: String, wait_ms: u64 },
}

impl Event {
    pub fn line(&self) -> String {
        match self {
            Event::Started {
                reporter,
                next_block,
                head,
                subscribed,
                dry_run,
            } => {
                format!(
                "watching as reporter {reporter} from block {next_block} (head {head}), heads by \
                 {}{}",
                if *subscribed { "WebSocket subscription" } else { "polling" },
                if *dry_run { "; dry run: nothing is sent" } else { "" }
            )
            }
            Event::Found {
                block,
                detector,
                subject,
                severity,
                reason,
                ..
            } => format!("block {block}: {detector}: {subject} (severity {severity}): {reason}"),
            Event::Reported {
                subject,
                call,
                tx,
                nonce,
            } => format!("  {call} {subject}: sent {tx} (nonce {nonce})"),
            Event::Skipped { subject, why } => format!("  {subject} not reported: {why}"),
            Event::WouldReport { subject, call } => format!("  would {call} {subject}"),
            Event::Mined { tx, success } => format!(
                "  {tx} {}",
                if *success {
                    "mined"
                } else {
                    "mined and REVERTED"
                }
            ),
            Event::Resent { nonce, tx } => {
                format!("  nonce {nonce} not mined in time: sent again with higher fees as {tx}")
            }
            Event::ResendRefused { nonce, error } => {
                format!("  nonce {nonce} not mined in time; the re-send was refused: {error}")
            }
            Event::DetectorFailed {
                block,
                detector,
                error,
            } => format!("block {block}: the {detector} detector failed: {error}"),
            Event::Retrying { error, wait_ms } => {
                format!("the node failed ({error}); retrying in {wait_ms} ms")
            }
        }
    }
}

/// How the watcher is run.
pub struct Options {
    pub rpc_url: String,
    /// A WebSocket endpoint for heads; polling without one.
    pub ws_url: Option<String>,
    pub registry: Address,
    /// The first block the registry's logs can be in (its deployment's).
    pub from_block: u64,
    pub signer: PrivateKeySigner,
    pub config: PathBuf,
    pub dry_run: bool,
}

pub struct Watcher {
    options: Options,
    config: Config,
    provider: DynProvider,
    chain_id: u64,
    state: WatchState,
    known: Knowledge,
    sender: Sender,
    reads: State,
    /// Whether the node answers `eth_getBlockReceipts`; per-transaction receipts otherwise.
    block_receipts: bool,
    /// The block whose detectors have run, with the findings not yet reported.
    unreported: Option<(u64, VecDeque<Finding>)>,
}

impl Watcher {
    /// Reads the config and the state file and connects; sends nothing.
    pub async fn new(options: Options) -> Result<Watcher, Error> {
        let config = Config::load(&options.config)?;
        let provider = Chain::reader(&options.rpc_url).await?.provider().clone();
        let chain_id = provider
            .get_chain_id()
            .await
            .map_err(|e| rpc("eth_chainId", &options.rpc_url, e))?;
        let from = options.signer.address();
        let state = WatchState::load(&config.state, chain_id, options.registry, from)?
            .unwrap_or_else(|| WatchState::new(chain_id, options.registry, from, 0));
        let sender = Sender::new(SenderConfig {
            provider: provider.clone(),
            wallet: EthereumWallet::from(options.signer.clone()),
            from,
            registry: options.registry,
            chain_id,
            ttl: config.ttl,
            dry_run: options.dry_run,
            resend_after: config.resend_after,
        });
        let reads = State::new(provider.clone(), &options.rpc_url);
        Ok(Watcher {
            options,
            config,
            provider,
            chain_id,
            state,
            known: Knowledge::default(),
            sender,
            reads,
            block_receipts: true,
            unreported: None,
        })
    }

    /// Adds a detector of the caller's own beside those of the config.
    pub fn with_detector(mut self, detector: Box<dyn Detector>) -> Self {
        self.config.detectors.push(detector);
        self
    }

    /// Watches until the process is stopped; `out` receives every event. Returns only on an
    /// error retrying cannot cure: a state file that cannot be written, or one ahead of the chain.
    pub async fn run(mut self, out: &mut (dyn FnMut(Event) + Send)) -> Result<(), Error> {
        let head = self.retry(out, |w| Box::pin(w.head())).await;
        if self.state.next_block == 0 {
            self.state.next_block = head + 1;
        } else if self.state.next_block > head + 1 {
            return Err(Error::BadConfig {
                path: self.config.state.clone(),
                message: format!(
                    "the state is ahead of the chain (next block {}, head {head}): the chain was \
                     reset or this is another chain with the same addresses; remove the state file \
                     or name another one",
                    self.state.next_block
                ),
            });
        }
        let next = self.state.next_block;
        self.retry(out, |w| Box::pin(w.learn_history(next))).await;
        for i in 0..self.config.detectors.len() {
            self.retry(out, |w| {
                Box::pin(async move { w.config.detectors[i].start(&w.reads, next).await })
            })
            .await;
        }
        let mut heads = Heads::open(self.options.ws_url.as_deref(), self.config.poll).await;
        out(Event::Started {
            reporter: self.sender.from,
            next_block: next,
            head,
            subscribed: heads.subscribed(),
            dry_run: self.options.dry_run,
        });
        let mut backoff = Backoff::default();
        loop {
            let step = async {
                let head = heads.next(&self.provider, &self.options.rpc_url).await?;
                while self.state.next_block <= head {
                    self.inspect(self.state.next_block, out).await?;
                }
                for event in self.sender.follow_up().await? {
                    match event {
                        FollowUp::Mined(mined) => {
                            out(Event::Mined {
                                tx: mined.tx,
                                success: mined.success,
                            });
                            if !mined.success {
                                self.retry_reverted(mined.tx, mined.finding, out).await?;
                            }
                        }
                        FollowUp::Resent { nonce, tx } => out(Event::Resent { nonce, tx }),
                        FollowUp::ResendRefused { nonce, error } => {
                            out(Event::ResendRefused { nonce, error })
                        }
                    }
                }
                Ok::<(), Error>(())
            }
            .await;
            match step {
                Ok(()) => backoff = Backoff::default(),
                Err(e @ Error::WriteRecord { .. }) => return Err(e),
                Err(e) => {
                    backoff.wait(&e, out).await;
                    heads = Heads::open(self.options.ws_url.as_deref(), self.config.poll).await;
                }
            }
        }
    }

    /// Runs `step` until it succeeds, pausing longer after each failure.
    async fn retry<T>(
        &mut self,
        out: &mut (dyn FnMut(Event) + Send),
        mut step: impl for<'a> FnMut(
            &'a mut Watcher,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, Error>> + Send + 'a>,
        >,
    ) -> T {
        let mut backoff = Backoff::default();
        loop {
            match step(self).await {
                Ok(value) => return value,
                Err(e) => backoff.wait(&e, out).await,
            }
        }
    }

    async fn head(&mut self) -> Result<u64, Error> {
        self.provider
            .get_block_number()
            .await
            .map_err(|e| rpc("eth_blockNumber", &self.options.rpc_url, e))
    }

    /// Learns the registry's confirmed subjects from its `StatusChanged` logs before `next`.
    async fn learn_history(&mut self, next: u64) -> Result<(), Error> {
        let mut from = self.options.from_block;
        while from < next {
            let to = (from + LOG_RANGE - 1).min(next - 1);
            let filter = Filter::new()
                .address(self.options.registry)
                .event_signature(R::StatusChanged::SIGNATURE_HASH)
                .from_block(from)
                .to_block(to);
            for log in self.reads.logs(&filter).await? {
                let block = log.block_number.unwrap_or(to);
                self.learn(&log.inner, block, None).await?;
            }
            from = to + 1;
        }
        Ok(())
    }

    /// Applies one `StatusChanged` log to what the watcher knows. A confirmed contract's code is
    /// read at `block` when given (the block being inspected), else at the latest block.
    async fn learn(
        &mut self,
        log: &alloy_primitives::Log,
        block: u64,
        at: Option<u64>,
    ) -> Result<(), Error> {
        let Ok(changed) = R::StatusChanged::decode_log(log) else {
            return Ok(());
        };
        let level = Word::decode(changed.status).level;
        match (subject::kind(changed.subject), level) {
            (Some(Kind::Address(account)), CONFIRMED) => {
                self.known.confirmed_accounts.insert(account, block);
                let at = match at {
                    Some(at) => at,
                    None => self.head().await?,
                };
                let code = self.reads.code(account, at).await?;
                if !code.is_empty() {
                    self.known.confirmed_contracts.insert(account, code);
                }
            }
            (Some(Kind::Address(account)), REMOVED) => {
                self.known.confirmed_accounts.remove(&account);
                self.known.confirmed_contracts.remove(&account);
            }
            (Some(Kind::CodeHash), CONFIRMED) => {
                self.known.confirmed_code.insert(changed.subject);
            }
            (Some(Kind::CodeHash), REMOVED) => {
                self.known.confirmed_code.remove(&changed.subject);
            }
            _ => {}
        }
        Ok(())
    }

    /// Inspects block `number`: learns its status changes, runs every detector, reports the
    /// findings, then remembers that the block is done. A failure is retried from where it
    /// stopped: fetching and learning may be repeated, but each detector sees a block once (its
    /// running values would count a block twice), and the findings left unreported are kept.
    async fn inspect(
        &mut self,
        number: u64,
        out: &mut (dyn FnMut(Event) + Send),
    ) -> Result<(), Error> {
        if self.unreported.as_ref().map(|(block, _)| *block) != Some(number) {
            let view = self.fetch(number).await?;
            let registry = self.options.registry;
            for log in view.txs.iter().flat_map(|tx| &tx.logs) {
                if log.address == registry {
                    self.learn(log, number, Some(number)).await?;
                }
            }
            let mut findings = VecDeque::new();
            for detector in &mut self.config.detectors {
                match detector.inspect(&view, &self.known, &self.reads).await {
                    Ok(found) => findings.extend(found),
                    Err(e) => out(Event::DetectorFailed {
                        block: number,
                        detector: detector.name(),
                        error: e.to_string(),
                    }),
                }
            }
            self.unreported = Some((number, findings));
        }
        while let Some(finding) = self
            .unreported
            .as_mut()
            .and_then(|(_, findings)| findings.front().cloned())
        {
            self.report(number, finding, out).await?;
            if let Some((_, findings)) = self.unreported.as_mut() {
                findings.pop_front();
            }
        }
        self.unreported = None;
        self.state.next_block = number + 1;
        if !self.options.dry_run {
            self.state.save(&self.config.state)?;
        }
        Ok(())
    }

    /// A report that reverted once is decided again: the chain moved between the simulation and
    /// the block (another reporter's report landed first, and the flag it opened now takes a
    /// corroboration). A second revert is left at that, so a report can cost at most two.
    async fn retry_reverted(
        &mut self,
        tx: B256,
        finding: Finding,
        out: &mut (dyn FnMut(Event) + Send),
    ) -> Result<(), Error> {
        let first = self
            .state
            .reported
            .get(&finding.subject)
            .is_some_and(|r| r.tx == tx && r.retry_of.is_none());
        if !first {
            return Ok(());
        }
        let block = self.state.reported[&finding.subject].block;
        self.state.reported.remove(&finding.subject);
        self.report(block, finding.clone(), out).await?;
        if let Some(again) = self.state.reported.get_mut(&finding.subject) {
            again.retry_of = Some(tx);
            self.state.save(&self.config.state)?;
        }
        Ok(())
    }

    async fn report(
        &mut self,
        block: u64,
        finding: Finding,
        out: &mut (dyn FnMut(Event) + Send),
    ) -> Result<(), Error> {
        let subject = subject::describe(finding.subject);
        out(Event::Found {
            block,
            detector: finding.detector,
            subject: subject.clone(),
            severity: finding.severity,
            evidence: finding.evidence,
            reason: finding.reason.clone(),
        });
        if let Some(before) = self.state.reported.get(&finding.subject) {
            out(Event::Skipped {
                subject,
                why: format!("reported before ({} in {})", before.call, before.tx),
            });
            return Ok(());
        }
        let cap = self.config.max_reports_per_hour as usize;
        if self.state.sent_in_last_hour(unix_now()) >= cap {
            out(Event::Skipped {
                subject,
                why: format!(
                    "the cap of {cap} reports an hour is reached (watch.max_reports_per_hour)"
                ),
            });
            return Ok(());
        }
        match self.sender.report(&finding).await? {
            Outcome::Sent { call, tx, nonce } => {
                self.state.sent.push(unix_now());
                self.state.reported.insert(
                    finding.subject,
                    Reported {
                        call: call.into(),
                        tx,
                        detector: finding.detector.into(),
                        block,
                        retry_of: None,
                    },
                );
                self.state.save(&self.config.state)?;
                out(Event::Reported {
                    subject,
                    call,
                    tx,
                    nonce,
                });
            }
            Outcome::Refused { call, reason } => out(Event::Skipped {
                subject,
                why: format!("{call} would revert: {reason}"),
            }),
            Outcome::DryRun { call } => {
                // Counted, so that a dry run shows what the cap would hold back.
                self.state.sent.push(unix_now());
                out(Event::WouldReport { subject, call })
            }
        }
        Ok(())
    }

    /// Block `number` with its receipts, and the code of the contracts it created.
    async fn fetch(&mut self, number: u64) -> Result<BlockView, Error> {
        let url = self.options.rpc_url.clone();
        let block = self
            .provider
            .get_block_by_number(number.into())
            .full()
            .await
            .map_err(|e| rpc("eth_getBlockByNumber", &url, e))?
            .ok_or_else(|| Error::Rpc {
                what: format!("eth_getBlockByNumber on {url}"),
                message: format!("block {number} is not known (a reorganisation, or another node behind the URL)"),
            })?;
        let receipts = self
            .receipts(number, &block.transactions.hashes().collect::<Vec<_>>())
            .await?;
        let mut txs = Vec::new();
        for (tx, receipt) in block.transactions.txns().zip(receipts) {
            let created = match receipt.contract_address {
                Some(address) => Some(Created {
                    address,
                    code: self.reads.code(address, number).await?,
                }),
                None => None,
            };
            txs.push(TxView {
                hash: tx.tx_hash(),
                from: tx.from(),
                to: tx.to(),
                value: tx.value(),
                success: receipt.status(),
                logs: receipt
                    .inner
                    .logs()
                    .iter()
                    .map(|l| l.inner.clone())
                    .collect(),
                created,
            });
        }
        Ok(BlockView {
            number,
            hash: block.header.hash,
            timestamp: block.header.timestamp,
            txs,
        })
    }

    async fn receipts(
        &mut self,
        number: u64,
        hashes: &[B256],
    ) -> Result<Vec<TransactionReceipt>, Error> {
        let url = self.options.rpc_url.clone();
        if self.block_receipts {
            match self.provider.get_block_receipts(number.into()).await {
                Ok(Some(receipts)) if receipts.len() == hashes.len() => return Ok(receipts),
                Ok(_) => {}
                Err(e) if e.as_error_resp().is_some_and(|p| p.code == -32601) => {
                    self.block_receipts = false;
                }
                Err(e) => return Err(rpc("eth_getBlockReceipts", &url, e)),
            }
        }
        let answers = futures::future::join_all(
            hashes
                .iter()
                .map(|h| self.provider.get_transaction_receipt(*h)),
        )
        .await;
        answers
            .into_iter()
            .zip(hashes)
            .map(|(answer, hash)| {
                answer
                    .map_err(|e| rpc("eth_getTransactionReceipt", &url, e))?
                    .ok_or_else(|| Error::Rpc {
                        what: format!("eth_getTransactionReceipt on {url}"),
                        message: format!("no receipt for {hash} of block {number}"),
                    })
            })
            .collect()
    }

    /// The chain this watcher is on.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }
}

/// The pause before retrying a node that failed: 250 ms, doubling up to 30 s.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Backoff(FIRST_RETRY)
    }
}

impl Backoff {
    async fn wait(&mut self, error: &Error, out: &mut (dyn FnMut(Event) + Send)) {
        out(Event::Retrying {
            error: error.to_string(),
            wait_ms: self.0.as_millis() as u64,
        });
        tokio::time::sleep(self.0).await;
        self.0 = (self.0 * 2).min(LAST_RETRY);
    }
}

/// Where new heads come from.
enum Heads {
    Subscribed {
        stream: alloy_pubsub::SubscriptionStream<alloy_rpc_types_eth::Header>,
        /// The connection the stream is served on: dropping it would end the stream.
        _connection: DynProvider,
    },
    Polling(Duration),
}

impl Heads {
    /// A subscription on `ws` when it can be made; polling every `poll` otherwise.
    async fn open(ws: Option<&str>, poll: Duration) -> Heads {
        if let Some(url) = ws {
            if let Ok(provider) = ProviderBuilder::new()
                .disable_recommended_fillers()
                .connect(url)
                .await
            {
                let provider = provider.erased();
                if let Ok(subscription) = provider.subscribe_blocks().await {
                    return Heads::Subscribed {
                        stream: subscription.into_stream(),
                        _connection: provider,
                    };
                }
            }
        }
        Heads::Polling(poll)
    }

    fn subscribed(&self) -> bool {
        matches!(self, Heads::Subscribed { .. })
    }

    /// The next head: at once when polling finds the chain already ahead.
    async fn next(&mut self, provider: &DynProvider, url: &str) -> Result<u64, Error> {
        match self {
            Heads::Subscribed { stream, .. } => match stream.next().await {
                Some(header) => Ok(header.number),
                None => Err(Error::Unreachable {
                    url: url.to_owned(),
                    message: "the WebSocket subscription ended".into(),
                }),
            },
            Heads::Polling(poll) => {
                tokio::time::sleep(*poll).await;
                provider
                    .get_block_number()
                    .await
                    .map_err(|e| rpc("eth_blockNumber", url, e))
            }
        }
    }
}

fn rpc(what: &str, url: &str, e: impl std::fmt::Display) -> Error {
    Error::Rpc {
        what: format!("{what} on {url}"),
        message: e.to_string(),
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
