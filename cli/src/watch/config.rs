//! The watcher's TOML: what to watch and how much it may spend.
//!
//! ```toml
//! [watch]
//! state = "watch-state.json"      # relative to this file
//! max_reports_per_hour = 20       # a bug cannot send more than this, whatever it detects
//! ttl = "30d"                     # each report's time to live
//! poll_ms = 1000                  # head polling when no WebSocket is given or it fails
//! resend_after = "30s"            # a report not mined by then is re-sent, same nonce, higher fee
//!
//! [[drain]]
//! name = "Vault A"
//! address = "0x…"
//! tokens = ["0x…"]
//! min_share_bps = 1000            # 10% of its balance in one transaction or block
//!
//! [code]                          # present: exploit code detection is on
//!
//! [counterparty]
//! window_blocks = 7200
//! ```

use crate::parse;
use crate::watch::detect::{
    code::ExploitCode, counterparty::Counterparty, drain, drain::Drain, Detector,
};
use crate::Error;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    watch: Settings,
    #[serde(default)]
    drain: Vec<drain::Protocol>,
    code: Option<Empty>,
    counterparty: Option<CounterpartyFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterpartyFile {
    window_blocks: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Settings {
    state: PathBuf,
    max_reports_per_hour: u32,
    ttl: String,
    poll_ms: u64,
    resend_after: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            state: PathBuf::from("watch-state.json"),
            max_reports_per_hour: 20,
            ttl: "30d".into(),
            poll_ms: 1_000,
            resend_after: "30s".into(),
        }
    }
}

/// A checked configuration.
pub struct Config {
    pub state: PathBuf,
    pub max_reports_per_hour: u32,
    pub ttl: u64,
    pub poll: Duration,
    pub resend_after: Duration,
    pub detectors: Vec<Box<dyn Detector>>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadConfig {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// `path` names the file in errors and anchors the relative state path.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let bad = |message: String| Error::BadConfig {
            path: path.to_owned(),
            message,
        };
        let file: File = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let settings = file.watch;
        if settings.max_reports_per_hour == 0 {
            return Err(bad("watch.max_reports_per_hour must be at least 1".into()));
        }
        let seconds = |what: &str, text: &str| {
            parse::duration(text).map_err(|e| bad(format!("watch.{what}: {e}")))
        };
        let ttl = seconds("ttl", &settings.ttl)?;
        if settings.poll_ms < 50 {
            return Err(bad("watch.poll_ms must be at least 50".into()));
        }
        let poll = Duration::from_millis(settings.poll_ms);
        let resend_after = Duration::from_secs(seconds("resend_after", &settings.resend_after)?);
        let mut detectors: Vec<Box<dyn Detector>> = Vec::new();
        if !file.drain.is_empty() {
            detectors.push(Box::new(
                Drain::new(file.drain).map_err(|e| bad(e.to_string()))?,
            ));
        }
        if file.code.is_some() {
            detectors.push(Box::new(ExploitCode::default()));
        }
        if let Some(c) = file.counterparty {
            detectors.push(Box::new(
                Counterparty::new(c.window_blocks).map_err(|e| bad(e.to_string()))?,
            ));
        }
        if detectors.is_empty() {
            return Err(bad(
                "no detector is configured: add [[drain]] protocols, [code] or [counterparty]"
                    .into(),
            ));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Config {
            state: base.join(settings.state),
            max_reports_per_hour: settings.max_reports_per_hour,
            ttl,
            poll,
            resend_after,
            detectors,
        })
    }
}
