//! `vigil feed`: every status change of the registry's subjects, rebuilt from its logs alone, as
//! JSON lines for off-chain systems (indexers, alerting, a protocol's own screening).
//!
//! Each `StatusChanged` log carries the subject's whole new status word (design §3.7), so a
//! change needs no call to the registry, and none at a past block, which nodes that keep only
//! the latest state cannot answer. The word does not say who stands behind it: the reports
//! logged before it in the same transaction do (`FlagSubmitted`, `FlagCorroborated`, and
//! `ReporterDisplaced` when a heavier reporter takes the weakest one's place), so the feed keeps
//! each flag's reporter list from them, in the registry's order.

use crate::abi::IThreatRegistry::{
    FlagCorroborated, FlagSubmitted, ReporterDisplaced, StatusChanged,
};
use crate::chain::Chain;
use crate::context::Vigil;
use crate::status::Word;
use crate::subject::{self, Kind};
use crate::Error;
use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_eth::{Filter, Log};
use alloy_sol_types::SolEvent;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

/// Blocks per `eth_getLogs`: public RPCs cap a query's range (commonly at 10,000 blocks) or its
/// answer's size, so a long history is read in pieces.
pub const RANGE: u64 = 10_000;
/// How often `--follow` asks for the latest block.
pub const POLL: Duration = Duration::from_millis(500);

/// One report behind a flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reporter {
    pub account: Address,
    /// What its report adds to the score (wei-scale, as the registry stores it).
    pub weight: U256,
}

/// A subject's status as one `StatusChanged` log set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub block: u64,
    pub tx: B256,
    pub log_index: u64,
    pub subject: B256,
    pub flag_id: u32,
    pub status: Word,
    /// The flag's reporters once the transaction's reports are counted.
    pub reporters: Vec<Reporter>,
}

impl Change {
    /// The change as one line of the feed. `level` is the stored level (pending, watch,
    /// confirmed, removed): a live level stops having effect at `expiry` without any log, so
    /// the feed never says "expired" and consumers compare `expiry` with their clock.
    pub fn json(&self) -> Value {
        let kind = match subject::kind(self.subject) {
            Some(Kind::Address(_)) => "address",
            Some(Kind::CodeHash) => "code",
            Some(Kind::Advisory) => "advisory",
            None => "unknown",
        };
        let reporters: Vec<Value> = self
            .reporters
            .iter()
            .map(|r| json!({"account": r.account, "weight": r.weight.to_string()}))
            .collect();
        let status = &self.status;
        json!({
            "block": self.block,
            "tx": self.tx,
            "logIndex": self.log_index,
            "subject": subject::write(self.subject),
            "kind": kind,
            "flagId": self.flag_id,
            "level": status.level_name(),
            "disputed": status.disputed,
            "final": status.finalized,
            "category": status.category_name(),
            "severity": status.severity_name(),
            "score": status.score.to_string(),
            "reporters": reporters,
            "expiry": status.expiry,
        })
    }
}

/// Rebuilds changes from registry logs given in chain order; keeps each flag's reporter list.
///
/// Give it the registry's logs only (filter by its address): anyone can emit an event with the
/// same signature from another contract. A flag opened before the first log given has no
/// reporters until its next report; replay from the deployment's first block to know them all.
#[derive(Default)]
pub struct Feed {
    reporters: HashMap<u32, Vec<Reporter>>,
}

impl Feed {
    /// The change `log` makes, if it is a `StatusChanged`; reports update the reporter lists.
    /// None also for a log a reorg removed and one that does not decode (see [`Self::try_apply`]).
    pub fn apply(&mut self, log: &Log) -> Option<Change> {
        self.try_apply(log).ok().flatten()
    }

    /// [`Self::apply`], with a log of the registry's events that does not decode as an error. A
    /// change takes its block, transaction and index from the log (eth_getLogs gives them; a
    /// log without them reads 0).
    pub fn try_apply(&mut self, log: &Log) -> Result<Option<Change>, Error> {
        if log.removed {
            return Ok(None);
        }
        match log.topic0().copied() {
            Some(FlagSubmitted::SIGNATURE_HASH) => {
                let e = decode::<FlagSubmitted>(log)?;
                self.report(e.flagId, e.reporter, e.weight);
                Ok(None)
            }
            Some(FlagCorroborated::SIGNATURE_HASH) => {
                let e = decode::<FlagCorroborated>(log)?;
                self.report(e.flagId, e.reporter, e.weight);
                Ok(None)
            }
            Some(ReporterDisplaced::SIGNATURE_HASH) => {
                let e = decode::<ReporterDisplaced>(log)?;
                let list = self.reporters.entry(e.flagId).or_default();
                // The registry puts the newcomer in the displaced reporter's slot.
                match list.iter_mut().find(|r| r.account == e.displaced) {
                    Some(slot) => {
                        *slot = Reporter {
                            account: e.by,
                            weight: e.weight,
                        }
                    }
                    None => self.report(e.flagId, e.by, e.weight),
                }
                Ok(None)
            }
            Some(StatusChanged::SIGNATURE_HASH) => {
                let e = decode::<StatusChanged>(log)?;
                Ok(Some(Change {
                    block: log.block_number.unwrap_or_default(),
                    tx: log.transaction_hash.unwrap_or_default(),
                    log_index: log.log_index.unwrap_or_default(),
                    subject: e.subject,
                    flag_id: e.flagId,
                    status: Word::decode(e.status),
                    reporters: self.reporters.get(&e.flagId).cloned().unwrap_or_default(),
                }))
            }
            _ => Ok(None),
        }
    }

    /// Adds a report, or updates the weight of a reporter already listed.
    fn report(&mut self, flag_id: u32, account: Address, weight: U256) {
        let list = self.reporters.entry(flag_id).or_default();
        match list.iter_mut().find(|r| r.account == account) {
            Some(known) => known.weight = weight,
            None => list.push(Reporter { account, weight }),
        }
    }

    /// Applies the registry's logs of blocks `from` to `to` (both mined), [`RANGE`] blocks per
    /// request, and hands each change to `on_change` as soon as its range is read.
    pub async fn scan(
        &mut self,
        chain: &Chain,
        registry: Address,
        from: u64,
        to: u64,
        on_change: &mut dyn FnMut(Change) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut start = from;
        while start <= to {
            let end = start.saturating_add(RANGE - 1).min(to);
            let filter = Filter::new()
                .address(registry)
                .event_signature(vec![
                    FlagSubmitted::SIGNATURE_HASH,
                    FlagCorroborated::SIGNATURE_HASH,
                    ReporterDisplaced::SIGNATURE_HASH,
                    StatusChanged::SIGNATURE_HASH,
                ])
                .from_block(start)
                .to_block(end);
            let mut logs = chain.raw_logs(&filter).await?;
            logs.sort_by_key(|log| (log.block_number, log.log_index));
            for log in &logs {
                if let Some(change) = self.try_apply(log)? {
                    on_change(change)?;
                }
            }
            match end.checked_add(1) {
                Some(next) => start = next,
                None => break,
            }
        }
        Ok(())
    }
}

/// The registry's status changes in blocks `from` to `to` (the latest when None), oldest first.
/// Reporter lists are complete for flags opened from `from` on (see [`Feed`]).
pub async fn read(
    chain: &Chain,
    registry: Address,
    from: u64,
    to: Option<u64>,
) -> Result<Vec<Change>, Error> {
    let head = chain.block_number().await?;
    let to = bounds(from, to, head)?;
    let mut changes = Vec::new();
    Feed::default()
        .scan(chain, registry, from, to, &mut |change| {
            changes.push(change);
            Ok(())
        })
        .await?;
    Ok(changes)
}

/// The last block of a window starting at `from`, checked against the chain's latest block.
fn bounds(from: u64, to: Option<u64>, head: u64) -> Result<u64, Error> {
    let bad = |what: String, message: String| Error::BadArgument { what, message };
    if from > head {
        return Err(bad(
            format!("--from-block {from}"),
            format!("it is after the latest block, {head}: pick a mined block"),
        ));
    }
    match to {
        Some(to) if to > head => Err(bad(
            format!("--to-block {to}"),
            format!("it is after the latest block, {head}: pick a mined block, or --follow"),
        )),
        Some(to) if to < from => Err(bad(
            format!("--to-block {to}"),
            format!("it is before --from-block {from}"),
        )),
        Some(to) => Ok(to),
        None => Ok(head),
    }
}

/// What `vigil feed` prints.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    /// The first block; None: the deployment's first block ([`Vigil::from_block`]).
    pub from: Option<u64>,
    /// The last block; None: the latest.
    pub to: Option<u64>,
    /// After the window, keep printing changes as blocks arrive, polling every [`POLL`].
    pub follow: bool,
}

/// `vigil feed`: one JSON object per change and line on `out`. The reporter lists of flags
/// opened before `--from-block` are rebuilt first from the deployment's first block. Returns
/// when the window is printed, or, with `--follow`, when `out` is closed (a pipe's reader left).
pub async fn run(vigil: &Vigil, window: Window, out: &mut dyn Write) -> Result<(), Error> {
    match follow(vigil, window, out).await {
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

async fn follow(vigil: &Vigil, window: Window, out: &mut dyn Write) -> Result<(), Error> {
    let (chain, registry) = (&vigil.chain, vigil.registry);
    let start = vigil.from_block();
    let from = window.from.unwrap_or(start);
    let to = bounds(from, window.to, chain.block_number().await?)?;
    let mut feed = Feed::default();
    if from > start {
        feed.scan(chain, registry, start, from - 1, &mut |_| Ok(()))
            .await?;
    }
    let mut print = |change: Change| {
        writeln!(out, "{}", change.json())
            .and_then(|()| out.flush())
            .map_err(Error::Output)
    };
    feed.scan(chain, registry, from, to, &mut print).await?;
    if !window.follow {
        return Ok(());
    }
    let mut next = to + 1;
    loop {
        tokio::time::sleep(POLL).await;
        let head = chain.block_number().await?;
        if head >= next {
            feed.scan(chain, registry, next, head, &mut print).await?;
            next = head + 1;
        }
    }
}

fn decode<E: SolEvent>(log: &Log) -> Result<E, Error> {
    E::decode_log_data(log.data()).map_err(|e| Error::Rpc {
        what: format!("eth_getLogs of {}", E::SIGNATURE),
        message: format!(
            "undecodable log {} of transaction {:?}: {e}",
            log.log_index.unwrap_or_default(),
            log.transaction_hash
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::LogData;

    const REGISTRY: Address = Address::repeat_byte(0xee);

    fn ether(n: u64) -> U256 {
        U256::from(n) * U256::from(10u64).pow(U256::from(18))
    }

    fn subject() -> B256 {
        subject::of_address(Address::repeat_byte(0xba))
    }

    fn account(n: u8) -> Address {
        Address::repeat_byte(n)
    }

    /// `data` as the registry logged it in block `block`, at index `index` of transaction `tx`.
    fn log(data: LogData, block: u64, tx: u8, index: u64) -> Log {
        Log {
            inner: alloy_primitives::Log {
                address: REGISTRY,
                data,
            },
            block_number: Some(block),
            transaction_hash: Some(B256::repeat_byte(tx)),
            log_index: Some(index),
            ..Log::default()
        }
    }

    fn submitted(flag: u32, reporter: Address, weight: U256) -> LogData {
        FlagSubmitted {
            subject: subject(),
            flagId: flag,
            reporter,
            category: 1,
            severity: 4,
            evidence: B256::repeat_byte(0xe1),
            expiry: 1_000,
            rulesVersion: 1,
            weight,
            locked: ether(10),
        }
        .encode_log_data()
    }

    fn corroborated(flag: u32, reporter: Address, weight: U256) -> LogData {
        FlagCorroborated {
            subject: subject(),
            flagId: flag,
            reporter,
            severity: 4,
            evidence: B256::repeat_byte(0xe2),
            weight,
            locked: ether(10),
        }
        .encode_log_data()
    }

    /// A status word: `level`, exploit, critical, expiry 1000, `score`.
    fn changed(flag: u32, level: u8, score: U256) -> LogData {
        let low = u64::from(level) | 1 << 16 | 4 << 24 | u64::from(flag) << 32;
        StatusChanged {
            subject: subject(),
            flagId: flag,
            status: U256::from(low) | U256::from(1_000u64) << 64 | score << 128,
        }
        .encode_log_data()
    }

    fn accounts(change: &Change) -> Vec<(Address, U256)> {
        change
            .reporters
            .iter()
            .map(|r| (r.account, r.weight))
            .collect()
    }

    #[test]
    fn reports_build_the_list_each_change_carries() {
        let mut feed = Feed::default();
        assert_eq!(
            feed.apply(&log(submitted(1, account(1), ether(5)), 10, 1, 0)),
            None
        );
        let first = feed.apply(&log(changed(1, 2, ether(5)), 10, 1, 1)).unwrap();
        assert_eq!(
            (first.block, first.tx, first.log_index, first.subject),
            (10, B256::repeat_byte(1), 1, subject())
        );
        assert_eq!(first.status.level_name(), "watch");
        assert_eq!(accounts(&first), [(account(1), ether(5))]);
        for (n, tx) in [(2, 2), (3, 3)] {
            let report = log(corroborated(1, account(n), ether(5)), 11, tx, 0);
            assert_eq!(feed.apply(&report), None);
        }
        let confirmed = feed
            .apply(&log(changed(1, 3, ether(15)), 11, 3, 1))
            .unwrap();
        assert_eq!(confirmed.status.level_name(), "confirmed");
        assert_eq!(confirmed.status.score, ether(15));
        assert_eq!(
            accounts(&confirmed),
            [1, 2, 3].map(|n| (account(n), ether(5)))
        );
        // The change before keeps the list it had then.
        assert_eq!(first.reporters.len(), 1);
    }

    #[test]
    fn a_displaced_reporter_leaves_the_list_and_its_place_goes_to_the_newcomer() {
        let mut feed = Feed::default();
        feed.apply(&log(submitted(7, account(1), ether(5)), 1, 1, 0));
        for n in 2..=4 {
            let weight = if n == 3 { ether(1) } else { ether(5) };
            feed.apply(&log(corroborated(7, account(n), weight), 1, n, 0));
        }
        let displaced = ReporterDisplaced {
            flagId: 7,
            displaced: account(3),
            by: account(9),
            weight: ether(8),
            released: ether(1),
        }
        .encode_log_data();
        assert_eq!(feed.apply(&log(displaced, 2, 9, 0)), None);
        feed.apply(&log(corroborated(7, account(9), ether(8)), 2, 9, 1));
        let change = feed.apply(&log(changed(7, 3, ether(23)), 2, 9, 2)).unwrap();
        assert_eq!(
            accounts(&change),
            [
                (account(1), ether(5)),
                (account(2), ether(5)),
                (account(9), ether(8)),
                (account(4), ether(5)),
            ]
        );
    }

    #[test]
    fn flags_keep_their_own_reporters() {
        let mut feed = Feed::default();
        feed.apply(&log(submitted(1, account(1), ether(5)), 1, 1, 0));
        feed.apply(&log(submitted(2, account(2), ether(3)), 2, 2, 0));
        let change = feed.apply(&log(changed(2, 2, ether(3)), 2, 2, 1)).unwrap();
        assert_eq!(accounts(&change), [(account(2), ether(3))]);
        // A flag opened before the logs given: its change comes with no reporters.
        let unseen = feed.apply(&log(changed(5, 1, ether(1)), 3, 3, 0)).unwrap();
        assert!(unseen.reporters.is_empty());
    }

    #[test]
    fn removed_foreign_and_undecodable_logs_change_nothing() {
        let mut feed = Feed::default();
        let mut removed = log(submitted(1, account(1), ether(5)), 1, 1, 0);
        removed.removed = true;
        assert_eq!(feed.apply(&removed), None);
        let other = LogData::new_unchecked(vec![B256::repeat_byte(0x42)], Default::default());
        assert_eq!(feed.try_apply(&log(other, 1, 1, 1)).unwrap(), None);
        let truncated = LogData::new_unchecked(
            vec![
                StatusChanged::SIGNATURE_HASH,
                subject(),
                B256::with_last_byte(1),
            ],
            Default::default(),
        );
        let error = feed
            .try_apply(&log(truncated.clone(), 1, 1, 2))
            .unwrap_err();
        assert!(error.to_string().contains("undecodable log 2"), "{error}");
        assert_eq!(feed.apply(&log(truncated, 1, 1, 2)), None);
        let change = feed.apply(&log(changed(1, 1, ether(1)), 1, 1, 3)).unwrap();
        assert!(
            change.reporters.is_empty(),
            "the removed report is not counted"
        );
    }

    #[test]
    fn a_change_is_written_as_one_json_object() {
        let mut feed = Feed::default();
        feed.apply(&log(submitted(1, account(1), ether(5)), 10, 1, 0));
        let change = feed.apply(&log(changed(1, 2, ether(5)), 10, 1, 1)).unwrap();
        assert_eq!(
            change.json(),
            json!({
                "block": 10,
                "tx": B256::repeat_byte(1),
                "logIndex": 1,
                "subject": "0xBAbAbabAbabaBABaBAbABabaBAbAbaBaBAbABaBa",
                "kind": "address",
                "flagId": 1,
                "level": "watch",
                "disputed": false,
                "final": false,
                "category": "exploit",
                "severity": "critical",
                "score": "5000000000000000000",
                "reporters": [{"account": account(1), "weight": "5000000000000000000"}],
                "expiry": 1_000,
            })
        );
        let code = Change {
            subject: subject::of_code_hash(B256::repeat_byte(0x11)),
            ..change
        };
        assert_eq!(code.json()["kind"], "code");
        assert_eq!(
            code.json()["subject"],
            format!("code:0x02{}", "11".repeat(31))
        );
    }

    #[test]
    fn windows_stay_within_the_mined_blocks() {
        assert_eq!(bounds(3, None, 9).unwrap(), 9);
        assert_eq!(bounds(3, Some(5), 9).unwrap(), 5);
        assert_eq!(bounds(9, Some(9), 9).unwrap(), 9);
        for (from, to) in [(10, None), (3, Some(10)), (5, Some(4))] {
            let error = bounds(from, to, 9).unwrap_err().to_string();
            assert!(error.contains("block"), "{error}");
        }
        assert!(bounds(10, None, 9)
            .unwrap_err()
            .to_string()
            .contains("after the latest block, 9"));
    }
}
