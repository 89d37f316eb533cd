//! Polling filters (`eth_newFilter`, `eth_newBlockFilter`, `eth_getFilterChanges`): each
//! remembers the last block it reported, and a poll answers what was mined since.

use crate::error::RpcError;
use crate::history::History;
use alloy_primitives::U256;
use alloy_rpc_types_eth::{Filter, FilterChanges};
use std::collections::HashMap;

#[derive(Clone, Debug)]
enum Kind {
    Blocks,
    Logs(Box<Filter>),
}

#[derive(Clone, Debug)]
struct Installed {
    kind: Kind,
    /// The latest block already reported.
    seen: u64,
}

/// The installed filters of the node, shared by all clients (ids are not guessable counters,
/// but they need not be secret on a dev node).
#[derive(Debug, Default)]
pub struct Filters {
    next: u64,
    installed: HashMap<U256, Installed>,
}

impl Filters {
    /// A filter for blocks mined after `latest`.
    pub fn new_blocks(&mut self, latest: u64) -> U256 {
        self.install(Kind::Blocks, latest)
    }

    /// A log filter; its first poll reports the logs of blocks mined after `latest`.
    pub fn new_logs(&mut self, filter: Filter, latest: u64) -> U256 {
        self.install(Kind::Logs(Box::new(filter)), latest)
    }

    fn install(&mut self, kind: Kind, seen: u64) -> U256 {
        self.next += 1;
        let id = U256::from(self.next);
        self.installed.insert(id, Installed { kind, seen });
        id
    }

    pub fn uninstall(&mut self, id: U256) -> bool {
        self.installed.remove(&id).is_some()
    }

    /// What was mined since the last poll.
    pub fn changes(&mut self, id: U256, history: &History) -> Result<FilterChanges, RpcError> {
        let installed = self.installed.get_mut(&id).ok_or(RpcError::UnknownFilter)?;
        let latest = history.latest_number();
        let from = installed.seen + 1;
        installed.seen = latest;
        if from > latest {
            return Ok(FilterChanges::Empty);
        }
        Ok(match &installed.kind {
            Kind::Blocks => FilterChanges::Hashes(
                (from..=latest)
                    .filter_map(|n| history.block(n))
                    .map(|b| b.header.hash)
                    .collect(),
            ),
            Kind::Logs(filter) => FilterChanges::Logs(history.logs_between(from, latest, filter)),
        })
    }

    /// `eth_getFilterLogs`: every log the filter selects, as `eth_getLogs` would answer.
    pub fn logs(&self, id: U256, history: &History) -> Result<FilterChanges, RpcError> {
        match &self.installed.get(&id).ok_or(RpcError::UnknownFilter)?.kind {
            Kind::Logs(filter) => history
                .logs(filter)
                .map(FilterChanges::Logs)
                .map_err(RpcError::InvalidParams),
            Kind::Blocks => Err(RpcError::InvalidParams(
                "a block filter has no logs: poll it with eth_getFilterChanges".into(),
            )),
        }
    }
}
