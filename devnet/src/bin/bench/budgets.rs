//! Budgets (issue 5): the measured rows against the limits Vigil promised, each with its margin.

use serde_json::{json, Value};
use vigil_devnet::report::{signed, thousands, thousands_signed, Align, Table};

use crate::sizes;
use crate::withdraw::{self, baseline_extra, Baseline};

/// Pause + caller screening, cached, against the external Solidity guard doing the same two reads.
const SCREENING_RATIO: f64 = 1.10;
/// Pause + screening + rate limit, cached: below ERC-7265 v2's one-word limiter
/// (shared/reference/prior-art.md, "Gas overhead of protecting a withdraw").
const RATE_LIMIT_GAS: i64 = 11_071;
/// Brotli-compressed deployable wasm per contract (16 KiB).
const COMPRESSED_BYTES: u64 = 16_384;
/// Data segment per contract (1 KiB): every byte is charged on every call.
const DATA_BYTES: u64 = 1_024;

/// One budget line; `limit_value` and `measured_value` are in `unit` (gas or bytes), so the margin
/// is their difference whatever the budget is phrased in.
pub struct Budget {
    name: String,
    limit: String,
    measured: String,
    pass: bool,
    unit: &'static str,
    limit_value: i64,
    measured_value: i64,
}

impl Budget {
    fn margin(&self) -> i64 {
        self.limit_value - self.measured_value
    }

    /// A byte budget: `measured` at most `limit`.
    fn bytes(name: String, limit: u64, measured: u64) -> Self {
        Self {
            name,
            limit: thousands(limit),
            measured: thousands(measured),
            pass: measured <= limit,
            unit: "bytes",
            limit_value: limit as i64,
            measured_value: measured as i64,
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "budget": self.name, "limit": self.limit, "measured": self.measured, "pass": self.pass,
            "unit": self.unit, "limit_value": self.limit_value,
            "measured_value": self.measured_value, "margin": self.margin(),
        })
    }
}

pub fn check(rows: &[withdraw::Row], sizes: &[sizes::Row]) -> Result<Vec<Budget>, String> {
    let vigil = |prefix: &str| {
        rows.iter()
            .find(|r| r.cached == Some(true) && r.name.starts_with(prefix))
            .map(|r| r.extra)
            .ok_or_else(|| format!("no cached row {prefix}"))
    };
    let mut out = Vec::new();

    let screening = vigil("Vigil: pause + caller screening")?;
    let ext = baseline_extra(rows, Baseline::ExternalTwoReads);
    let ratio = screening as f64 / ext as f64;
    let allowed = (ext as f64 * SCREENING_RATIO).floor() as i64;
    out.push(Budget {
        name: "pause + screening, cached <= 1.10x the external Solidity guard".into(),
        limit: format!(
            "{:.2}x ({} gas)",
            SCREENING_RATIO,
            thousands_signed(allowed)
        ),
        measured: format!("{ratio:.3}x ({} gas)", thousands_signed(screening)),
        pass: ratio <= SCREENING_RATIO,
        unit: "gas",
        limit_value: allowed,
        measured_value: screening,
    });

    let limited = vigil("Vigil: pause + screening + rate limit,")?;
    out.push(Budget {
        name: "pause + screening + rate limit, cached < 11,071 extra gas (ERC-7265 v2)".into(),
        limit: format!("< {}", thousands_signed(RATE_LIMIT_GAS)),
        measured: thousands_signed(limited),
        pass: limited < RATE_LIMIT_GAS,
        unit: "gas",
        limit_value: RATE_LIMIT_GAS,
        measured_value: limited,
    });

    for s in sizes {
        out.push(Budget::bytes(
            format!("{}: compressed wasm <= 16 KiB", s.name),
            COMPRESSED_BYTES,
            s.compressed,
        ));
        out.push(Budget::bytes(
            format!("{}: data segment <= 1 KiB", s.name),
            DATA_BYTES,
            s.data,
        ));
    }
    Ok(out)
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
    format!("### Budgets (issue 5)\n\n{}\n", t.markdown())
}
