//! The deployment's config file (TOML): who governs, who resolves disputes, and the registry's
//! first parameters. Every parameter is spelled out: a deployment's rules are chosen, never
//! inherited from a default that may change. `cli/deploy.example.toml` is the devnet's set.
//!
//! Amounts (`minStake`, `stakeCap`, `disputeBond`, `watchScore`, `confirmScore`) are wei: an
//! integer, a decimal string, or a string with a unit (`"1.5 ether"`, `"3 gwei"`); durations
//! are seconds. The record stores the same structure with amounts as decimal wei strings.

use crate::abi::IThreatRegistry::Params;
use crate::Error;
use alloy_primitives::utils::{parse_units, ParseUnits};
use alloy_primitives::{Address, U256};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::path::Path;

/// An amount in wei, written as a decimal string (JSON and TOML integers cannot hold 10^19).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wei(pub U256);

impl Serialize for Wei {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Wei {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Integer(u64),
            Text(String),
        }
        match Written::deserialize(d)? {
            Written::Integer(n) => Ok(Wei(U256::from(n))),
            Written::Text(text) => parse_wei(&text).map(Wei).map_err(serde::de::Error::custom),
        }
    }
}

/// `"123"` (wei), `"1.5 ether"`, `"3 gwei"`.
pub fn parse_wei(text: &str) -> Result<U256, String> {
    let mut words = text.split_whitespace();
    let (number, unit) = (words.next().unwrap_or(""), words.next().unwrap_or("wei"));
    if words.next().is_some() {
        return Err(format!(
            "`{text}` is not an amount: write `<number> [wei|gwei|ether]`"
        ));
    }
    match parse_units(number, unit) {
        Ok(ParseUnits::U256(wei)) => Ok(wei),
        // A signed result converts to U256 as its two's complement: refused, not wrapped.
        Ok(ParseUnits::I256(_)) => Err(format!("`{text}` is negative")),
        Err(e) => Err(format!(
            "`{text}` is not an amount ({e}): write `<number> [wei|gwei|ether]`"
        )),
    }
}

/// The registry's `Params` as the config file and the record write them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParamsFile {
    pub min_stake: Wei,
    pub stake_cap: Wei,
    pub stake_warmup: u64,
    pub unbonding_delay: u64,
    pub slash_bps: u16,
    pub dispute_bond: Wei,
    pub watch_score: Wei,
    pub confirm_score: Wei,
    pub min_reporters: u8,
    pub max_reporters: u8,
    pub max_ttl: u64,
    pub victim_share_bps: u16,
    pub disputer_share_bps: u16,
    pub dispute_window: u64,
    pub dispute_deadline: u64,
    pub params_delay: u64,
}

impl ParamsFile {
    pub fn to_abi(&self) -> Params {
        Params {
            minStake: self.min_stake.0,
            stakeCap: self.stake_cap.0,
            stakeWarmup: self.stake_warmup,
            unbondingDelay: self.unbonding_delay,
            slashBps: self.slash_bps,
            disputeBond: self.dispute_bond.0,
            watchScore: self.watch_score.0,
            confirmScore: self.confirm_score.0,
            minReporters: self.min_reporters,
            maxReporters: self.max_reporters,
            maxTtl: self.max_ttl,
            victimShareBps: self.victim_share_bps,
            disputerShareBps: self.disputer_share_bps,
            disputeWindow: self.dispute_window,
            disputeDeadline: self.dispute_deadline,
            paramsDelay: self.params_delay,
        }
    }
}

/// The whole config file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeployConfig {
    /// Owner of both contracts once the handover is accepted (a Safe): it owns the registry from
    /// its constructor and is proposed as the guard's owner.
    pub governance: Address,
    /// The registry's first dispute resolvers.
    pub resolvers: Vec<Address>,
    pub params: ParamsFile,
}

impl DeployConfig {
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadConfig {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|message| Error::BadConfig {
            path: path.to_owned(),
            message,
        })
    }

    /// The parameters' own rules are the registry's: its constructor refuses invalid ones, which
    /// the deployment's gas estimate reports before anything is sent. Here only what the
    /// contracts cannot catch: a zero governance would leave the system without an owner.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        if config.governance.is_zero() {
            return Err("governance is the zero address: name the Safe that will own Vigil".into());
        }
        if config.resolvers.iter().any(|a| a.is_zero()) {
            return Err("a resolver is the zero address".into());
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCAL: &str = include_str!("../deploy.local.toml");

    #[test]
    fn amounts_take_wei_or_a_unit() {
        let ether = U256::from(10u64).pow(U256::from(18));
        assert_eq!(parse_wei("12"), Ok(U256::from(12)));
        assert_eq!(parse_wei("3 gwei"), Ok(U256::from(3_000_000_000u64)));
        assert_eq!(
            parse_wei("1.5 ether"),
            Ok(ether * U256::from(3) / U256::from(2))
        );
        for bad in ["1 banana", "abc", "1 ether extra", "-1"] {
            assert!(parse_wei(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_local_config_parses() {
        let config = DeployConfig::parse(LOCAL).unwrap();
        assert_eq!(config.resolvers, vec![config.governance]);
        assert_eq!(config.params.min_reporters, 2);
    }

    #[test]
    fn a_misspelt_or_missing_parameter_is_named() {
        let misspelt = LOCAL.replace("minStake =", "minStak =");
        let message = DeployConfig::parse(&misspelt).unwrap_err();
        assert!(message.contains("minStak"), "{message}");
        let missing = LOCAL.replace("paramsDelay = 172800", "");
        let message = DeployConfig::parse(&missing).unwrap_err();
        assert!(message.contains("paramsDelay"), "{message}");
    }

    #[test]
    fn governance_must_be_named() {
        let zero = LOCAL.replacen(
            "governance = \"0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E\"",
            "governance = \"0x0000000000000000000000000000000000000000\"",
            1,
        );
        assert!(DeployConfig::parse(&zero)
            .unwrap_err()
            .contains("governance is the zero address"));
    }
}
