//! `isFlagged(address)` from a Solidity caller: the registry, cached and not, against a plain
//! Solidity mapping oracle, each read through the same FlagReader that measures the call.

use alloy_sol_types::{SolCall, SolValue};
use serde_json::{json, Value};
use vigil_devnet::report::{thousands, Align, Table};
use vigil_devnet::system::*;
use vigil_devnet::Address;

use crate::{deploy, IBench};

/// Flagged in both oracles.
const SUSPECT: Address = Address::repeat_byte(0xbb);

/// The rows the budgets name.
pub const MAPPING_ORACLE: &str = "Solidity mapping oracle (baseline)";
pub const REGISTRY_CACHED: &str = "ThreatRegistry, cached";

pub struct Row {
    pub name: &'static str,
    pub lookup_gas: u64,
    tx_gas: u64,
    ratio: f64,
}

impl Row {
    pub fn json(&self) -> Value {
        json!({
            "oracle": self.name, "lookup_gas": self.lookup_gas, "tx_gas": self.tx_gas,
            "ratio_to_mapping_oracle": self.ratio,
        })
    }
}

pub fn rows(w: &mut World) -> Vec<Row> {
    w.flag(address_subject(SUSPECT), 1, 10 * DAY);
    let oracle = deploy(
        w,
        "BenchBaselines.sol",
        "MappingOracle",
        &OWNER.abi_encode(),
    );
    w.ok(
        OWNER,
        oracle,
        &IBench::setFlaggedCall {
            account: SUSPECT,
            flagged: true,
        },
    );
    let reader = deploy(w, "BenchBaselines.sol", "FlagReader", &[]);
    let registry = w.registry;
    let lookup = |w: &mut World, oracle: Address| {
        let r = w.ok(
            VIEWER,
            reader,
            &IBench::readCall {
                oracle,
                account: SUSPECT,
            },
        );
        let out = IBench::readCall::abi_decode_returns(&r.output)
            .unwrap_or_else(|e| panic!("FlagReader.read returned undecodable data: {e}"));
        assert!(out.flagged, "{oracle} does not report the suspect flagged");
        (out.gasUsed.to::<u64>(), r.gas_used)
    };
    let (base, base_tx) = lookup(w, oracle);
    let mut rows = vec![Row {
        name: MAPPING_ORACLE,
        lookup_gas: base,
        tx_gas: base_tx,
        ratio: 1.0,
    }];
    for (cached, name) in [(true, REGISTRY_CACHED), (false, "ThreatRegistry, uncached")] {
        w.chain
            .set_cached(registry, cached)
            .unwrap_or_else(|e| panic!("set_cached: {e}"));
        let (gas, tx) = lookup(w, registry);
        rows.push(Row {
            name,
            lookup_gas: gas,
            tx_gas: tx,
            ratio: gas as f64 / base as f64,
        });
    }
    rows
}

/// The table, with the registry's entry cost (cached, uncached) the lookups include.
pub fn table(rows: &[Row], registry_entry: (u64, u64)) -> String {
    let mut t = Table::new(&[
        ("oracle", Align::Left),
        ("lookup gas (caller's view)", Align::Right),
        ("transaction gas", Align::Right),
        ("vs mapping oracle", Align::Right),
    ]);
    for r in rows {
        t.row(&[
            r.name.to_string(),
            thousands(r.lookup_gas),
            thousands(r.tx_gas),
            format!("{:.2}x", r.ratio),
        ]);
    }
    format!(
        "### `isFlagged(address)` from a Solidity caller\n\nRegistry entry cost in this run: {} gas \
         cached, {} uncached.\n\n{}\n",
        thousands(registry_entry.0),
        thousands(registry_entry.1),
        t.markdown()
    )
}
