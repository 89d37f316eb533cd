//! The watcher's memory across restarts: the next block to inspect, every subject it reported
//! (so it never reports one twice), and when it sent its recent reports (the hourly cap). Written
//! to a temporary file and renamed over the old one, so a crash leaves the old or the new state,
//! never half of one.

use crate::Error;
use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchState {
    /// Whose memory this is: a state file of another chain, registry or reporter is refused.
    pub chain_id: u64,
    pub registry: Address,
    pub reporter: Address,
    /// The first block not yet inspected.
    pub next_block: u64,
    pub reported: BTreeMap<B256, Reported>,
    /// Unix seconds of the reports sent in the last hour.
    pub sent: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reported {
    /// `submit` or `corroborate`.
    pub call: String,
    pub tx: B256,
    pub detector: String,
    /// The block the finding was made in.
    pub block: u64,
    /// The report this one replaced after it reverted (a report is retried once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<B256>,
}

impl WatchState {
    pub fn new(chain_id: u64, registry: Address, reporter: Address, next_block: u64) -> Self {
        WatchState {
            chain_id,
            registry,
            reporter,
            next_block,
            ..WatchState::default()
        }
    }

    /// The state at `path`, or None when there is none yet; one of another watcher is an error.
    pub fn load(
        path: &Path,
        chain_id: u64,
        registry: Address,
        reporter: Address,
    ) -> Result<Option<WatchState>, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(Error::ReadConfig {
                    path: path.to_owned(),
                    source,
                })
            }
        };
        let bad = |message: String| Error::BadConfig {
            path: path.to_owned(),
            message,
        };
        let state: WatchState = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if (state.chain_id, state.registry, state.reporter) != (chain_id, registry, reporter) {
            return Err(bad(format!(
                "this state belongs to reporter {} of registry {} on chain {}, not to reporter \
                 {reporter} of registry {registry} on chain {chain_id}: give this watcher its own \
                 state file",
                state.reporter, state.registry, state.chain_id
            )));
        }
        Ok(Some(state))
    }

    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let failed = |source| Error::WriteRecord {
            path: path.to_owned(),
            source,
        };
        let temporary = sibling(path);
        let text = serde_json::to_string_pretty(self).expect("the state serializes");
        std::fs::write(&temporary, text).map_err(failed)?;
        std::fs::rename(&temporary, path).map_err(failed)
    }

    /// Reports sent within the hour before `now`; older ones are forgotten.
    pub fn sent_in_last_hour(&mut self, now: u64) -> usize {
        self.sent.retain(|t| now.saturating_sub(*t) < 3_600);
        self.sent.len()
    }
}

fn sibling(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vigil-watch-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_saved_state_reads_back_and_another_watchers_is_refused() {
        let path = dir().join("roundtrip.json");
        let (registry, me) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let mut state = WatchState::new(412_346, registry, me, 7);
        state.reported.insert(
            B256::repeat_byte(3),
            Reported {
                call: "submit".into(),
                tx: B256::repeat_byte(4),
                detector: "drain".into(),
                block: 6,
                retry_of: None,
            },
        );
        state.sent.push(100);
        state.save(&path).unwrap();
        assert_eq!(
            WatchState::load(&path, 412_346, registry, me).unwrap(),
            Some(state)
        );
        let other = WatchState::load(&path, 412_346, registry, Address::repeat_byte(9));
        assert!(other
            .unwrap_err()
            .to_string()
            .contains("its own state file"));
        assert_eq!(
            WatchState::load(&dir().join("none.json"), 1, registry, me).unwrap(),
            None
        );
    }

    #[test]
    fn the_hourly_count_forgets_older_reports() {
        let mut state = WatchState {
            sent: vec![0, 1_000, 3_599, 4_000],
            ..WatchState::default()
        };
        assert_eq!(state.sent_in_last_hour(5_000), 2);
        assert_eq!(state.sent, vec![3_599, 4_000]);
    }
}
