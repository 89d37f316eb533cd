//! Detectors: what turns a block into reports. Each is a small stateful object the watcher hands
//! every block to, in order; a protocol adds its own by implementing [`Detector`] in Rust and
//! passing it to [`crate::watch::Watcher::with_detector`].
//!
//! - [`drain`]: a watched protocol loses more than its limit of a token in one transaction or
//!   one block: the sender and the contract it went through are reported as exploit.
//! - [`code`]: a new contract whose code hash is confirmed, or whose runtime code is a confirmed
//!   contract's once metadata and immutables are set aside: the new address and its code hash.
//! - [`counterparty`]: a confirmed attacker pays a fresh address soon after its confirmation:
//!   that address is reported at watch level.

pub mod code;
pub mod counterparty;
pub mod drain;

use crate::watch::view::{BlockView, State};
use crate::Error;
use alloy_primitives::{Address, Bytes, B256};
use std::collections::{HashMap, HashSet};

/// What a detector concluded: one subject to report, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The registry's subject (see [`crate::subject`]).
    pub subject: B256,
    /// 1-7 as the registry numbers categories ([`crate::reporter::Category`]).
    pub category: u8,
    /// 1-4.
    pub severity: u8,
    /// The evidence hash the report commits to: the transaction that showed it.
    pub evidence: B256,
    /// The detector's name.
    pub detector: &'static str,
    /// One sentence for the log: what was seen, with the numbers.
    pub reason: String,
}

/// What the registry says, as the watcher has followed it (from its `StatusChanged` events):
/// detectors act on confirmed subjects only, so a pending or disputed report by someone else
/// never makes this reporter stake on it.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    /// Confirmed attacker addresses and the block each was confirmed in.
    pub confirmed_accounts: HashMap<Address, u64>,
    /// Confirmed code-hash subjects, as the registry writes them ([`crate::subject::of_code_hash`]:
    /// the tag takes the hash's first byte, so compare subjects, not hashes).
    pub confirmed_code: HashSet<B256>,
    /// The runtime code of confirmed addresses that are contracts.
    pub confirmed_contracts: HashMap<Address, Bytes>,
}

/// A detector: handed every block in order, once.
#[async_trait::async_trait]
pub trait Detector: Send {
    /// Short and stable: it names the detector in logs and in findings.
    fn name(&self) -> &'static str;

    /// Called once before the first block, `next`, is inspected (the watcher may start behind
    /// the chain's head after a restart): read starting state here.
    async fn start(&mut self, _state: &State, _next: u64) -> Result<(), Error> {
        Ok(())
    }

    /// The findings in `block`; a detector keeps whatever it needs between blocks itself.
    async fn inspect(
        &mut self,
        block: &BlockView,
        known: &Knowledge,
        state: &State,
    ) -> Result<Vec<Finding>, Error>;
}
