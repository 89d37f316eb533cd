//! Budgets (issue 15): the measured rows against the limits Vigil promised, each with its margin.
//! The limits are what a protocol and a reporter weigh: a guard hot path no dearer than the
//! Solidity guard it replaces, reports cheap enough to file against an attacker, programs with
//! room for the next feature.
//!
//! `HELD` lists the budgets that passed when they landed: the bench's own test (`cargo test -p
//! vigil-devnet --bin bench`, in the test command) measures them again and fails when one is
//! lost. Gas on the devnet is deterministic, so the test holds a number, not a timing.

use serde_json::{json, Value};
use vigil_devnet::report::{signed, thousands_signed, Align, Table};

use crate::withdraw::{self, baseline_extra, Baseline};
use crate::{is_flagged, registry_ops, sizes};

/// Pause + caller screening, cached: at most the external Solidity guard doing the same two reads.
const SCREENING_RATIO: f64 = 1.00;
/// Pause + screening + rate limit, cached: within 5% of its floor (2 cold words, about 10,052 with
/// the entry floor and the vault's bucket write).
const RATE_LIMIT_EXTRA: i64 = 10_500;
/// Pause + screening, guard uncached (floor 15,984: the cold account, both entry floors, 2 words).
const UNCACHED_SCREENING_EXTRA: i64 = 18_000;
/// Registry reports, whole transaction, programs cached.
const SUBMIT_GAS: i64 = 120_000;
const CORROBORATE_GAS: i64 = 80_000;
const CONFIRMING_GAS: i64 = 100_000;
/// `isFlagged` from Solidity, registry cached, against a Solidity mapping oracle.
const IS_FLAGGED_RATIO: f64 = 1.05;
/// On-chain code per program (`0xEFF00000` + Brotli-11 of the wasm): 16 KiB, two thirds of the
/// chain's 24,576, so each program keeps room to grow.
const DEPLOYABLE_BYTES: u64 = 16_384;
/// Data segment per program: every byte is charged on every call, cached or not.
const DATA_BYTES: u64 = 512;

/// Gas per Stylus call the devnet may charge below Nitro: curve-math reproduced on vigil-node
/// against its published Nitro estimates (docs/design.md §8.2).
const NITRO_RESIDUAL_GAS: i64 = 50;
/// The gap the published estimates first suggested, before they were read as gas limits.
const PUBLISHED_GAP_GAS: i64 = 2_500;

/// The budgets that passed when they landed (by name), and so are held by the test below.
pub const HELD: &[&str] = &[
    "pause + screening, cached <= 1.00x the external Solidity guard",
    "vigil-guard: deployable <= 16 KiB",
    "vigil-guard-extension: deployable <= 16 KiB",
    "vigil-guard-extension: data segment <= 512 bytes",
    "vigil-registry-extension: deployable <= 16 KiB",
    "vigil-registry-extension: data segment <= 512 bytes",
    "vigil-registry: data segment <= 512 bytes",
    "vigil-guard: data segment <= 512 bytes",
];

/// One budget line; `limit_value` and `measured_value` are in `unit` (gas or bytes), so the margin
/// is their difference whatever the budget is phrased in.
pub struct Budget {
    pub name: String,
    limit: String,
    measured: String,
    pub pass: bool,
    unit: &'static str,
    limit_value: i64,
    measured_value: i64,
}

impl Budget {
    pub fn margin(&self) -> i64 {
        self.limit_value - self.measured_value
    }

    /// `measured` at most `limit`, both in `unit`.
    fn at_most(name: impl Into<String>, limit: i64, measured: i64, unit: &'static str) -> Self {
        Self {
            name: name.into(),
            limit: format!("<= {}", thousands_signed(limit)),
            measured: thousands_signed(measured),
            pass: measured <= limit,
            unit,
            limit_value: limit,
            measured_value: measured,
        }
    }

    /// `measured` at most `ratio` times `baseline` (gas); the margin is in gas.
    fn ratio(name: impl Into<String>, ratio: f64, measured: i64, baseline: i64) -> Self {
        let allowed = (baseline as f64 * ratio).floor() as i64;
        Self {
            name: name.into(),
            limit: format!("{ratio:.2}x ({})", thousands_signed(allowed)),
            measured: format!(
                "{:.3}x ({})",
                measured as f64 / baseline as f64,
                thousands_signed(measured)
            ),
            pass: measured <= allowed,
            unit: "gas",
            limit_value: allowed,
            measured_value: measured,
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "budget": self.name, "limit": self.limit, "measured": self.measured, "pass": self.pass,
            "unit": self.unit, "limit_value": self.limit_value,
            "measured_value": self.measured_value, "margin": self.margin(),
            "held_by_test": HELD.contains(&self.name.as_str()),
        })
    }
}

pub fn check(
    rows: &[withdraw::Row],
    ops: &[registry_ops::Row],
    lookups: &[is_flagged::Row],
    sizes: &[sizes::Row],
) -> Result<Vec<Budget>, String> {
    let vigil = |prefix: &str, cached: bool| {
        rows.iter()
            .find(|r| r.cached == Some(cached) && r.name.starts_with(prefix))
            .map(|r| r.extra)
            .ok_or_else(|| format!("no {} row {prefix}", cache_word(cached)))
    };
    let op = |name: &str| {
        ops.iter()
            .find(|r| r.name == name)
            .map(|r| r.cached as i64)
            .ok_or_else(|| format!("no registry row {name}"))
    };
    let lookup = |name: &str| {
        lookups
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.lookup_gas as i64)
            .ok_or_else(|| format!("no isFlagged row {name}"))
    };

    let mut out = vec![
        Budget::ratio(
            "pause + screening, cached <= 1.00x the external Solidity guard",
            SCREENING_RATIO,
            vigil("Vigil: pause + caller screening", true)?,
            baseline_extra(rows, Baseline::ExternalTwoReads),
        ),
        Budget::at_most(
            "pause + screening + rate limit, cached <= 10,500 extra gas",
            RATE_LIMIT_EXTRA,
            vigil("Vigil: pause + screening + rate limit,", true)?,
            "gas",
        ),
        Budget::at_most(
            "pause + screening, uncached <= 18,000 extra gas",
            UNCACHED_SCREENING_EXTRA,
            vigil("Vigil: pause + caller screening", false)?,
            "gas",
        ),
        Budget::at_most(
            "submit, cached <= 120,000 gas",
            SUBMIT_GAS,
            op(registry_ops::SUBMIT)?,
            "gas",
        ),
        Budget::at_most(
            "corroborate, cached <= 80,000 gas",
            CORROBORATE_GAS,
            op(registry_ops::CORROBORATE)?,
            "gas",
        ),
        Budget::at_most(
            "confirming corroboration + push, cached <= 100,000 gas",
            CONFIRMING_GAS,
            op(registry_ops::CONFIRMING)?,
            "gas",
        ),
        Budget::ratio(
            "isFlagged from Solidity, cached <= 1.05x a mapping oracle",
            IS_FLAGGED_RATIO,
            lookup(is_flagged::REGISTRY_CACHED)?,
            lookup(is_flagged::MAPPING_ORACLE)?,
        ),
    ];
    out.extend(size_budgets(sizes));
    Ok(out)
}

/// The byte budgets: what each program deploys and its data segment.
fn size_budgets(sizes: &[sizes::Row]) -> Vec<Budget> {
    let mut out = Vec::new();
    for s in sizes {
        out.push(Budget::at_most(
            format!("{}: deployable <= 16 KiB", s.name),
            DEPLOYABLE_BYTES as i64,
            s.compressed as i64,
            "bytes",
        ));
        out.push(Budget::at_most(
            format!("{}: data segment <= 512 bytes", s.name),
            DATA_BYTES as i64,
            s.data as i64,
            "bytes",
        ));
    }
    out
}

fn cache_word(cached: bool) -> &'static str {
    if cached {
        "cached"
    } else {
        "uncached"
    }
}

pub fn table(rows: &[Budget]) -> String {
    let mut t = Table::new(&[
        ("budget", Align::Left),
        ("limit", Align::Right),
        ("measured", Align::Right),
        ("result", Align::Left),
        ("margin", Align::Right),
    ]);
    for b in rows {
        t.row(&[
            b.name.clone(),
            b.limit.clone(),
            b.measured.clone(),
            (if b.pass { "PASS" } else { "MISS" }).to_string(),
            format!("{} {}", signed(b.margin()), b.unit),
        ]);
    }
    let passed = rows.iter().filter(|b| b.pass).count();
    format!(
        "### Budgets (issue 15): {passed} of {} pass\n\n{}\n",
        rows.len(),
        t.markdown()
    )
}

/// How far the Stylus-versus-Solidity ratio of the screening budget moves if the devnet's cost
/// model is off by the residual measured against Nitro, and by the whole published gap.
pub fn model_note(rows: &[withdraw::Row]) -> Result<String, String> {
    let vigil = rows
        .iter()
        .find(|r| r.cached == Some(true) && r.name.starts_with("Vigil: pause + caller screening"))
        .map(|r| r.extra)
        .ok_or("no cached screening row")?;
    let solidity = baseline_extra(rows, Baseline::ExternalTwoReads);
    let ratio = |extra: i64| extra as f64 / solidity as f64;
    Ok(format!(
        "The cost model against Nitro (docs/design.md §8.2): the devnet charges a Stylus call about \
         {NITRO_RESIDUAL_GAS} gas below Nitro; if it does, pause + screening (cached) is {:.3}x the \
         external Solidity guard instead of {:.3}x. Had the {} gas first read off the published \
         estimates been real, it would be {:.3}x.\n\n",
        ratio(vigil + NITRO_RESIDUAL_GAS),
        ratio(vigil),
        thousands_signed(PUBLISHED_GAP_GAS),
        ratio(vigil + PUBLISHED_GAP_GAS),
    ))
}

/// The bench's own test: every budget in [`HELD`] is measured on the release wasm and must still
/// pass. Needs the wasm and `target/wasm-report.json` (script/test.sh's `wasm` and `report` steps
/// run before its `test` step).
#[cfg(test)]
mod tests {
    use super::*;
    use vigil_devnet::system::World;

    /// Gas rows are measured only when a gas budget is held: the byte budgets need none.
    #[test]
    fn held_budgets_still_pass() {
        let mut w = World::with_warm_reporters();
        let sizes = sizes::rows(&w).expect("wasm-report.json of this build");
        let mut budgets = size_budgets(&sizes);
        if HELD.iter().any(|h| budgets.iter().all(|b| b.name != *h)) {
            let withdraws = withdraw::rows(&mut w).expect("withdraw rows");
            let ops = registry_ops::rows();
            let lookups = is_flagged::rows(&mut w);
            budgets = check(&withdraws, &ops, &lookups, &sizes).expect("every row measured");
        }
        for name in HELD {
            let b = budgets
                .iter()
                .find(|b| b.name == *name)
                .unwrap_or_else(|| panic!("held budget {name} is no longer measured"));
            assert!(
                b.pass,
                "{name}: measured {} against {} (margin {} {})",
                b.measured,
                b.limit,
                b.margin(),
                b.unit
            );
        }
    }
}
