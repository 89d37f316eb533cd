//! ThreatRegistry operations: one flag's whole case, each step a committed transaction, played
//! once with both programs out of the cache and once with both in.

use serde_json::{json, Value};
use vigil_devnet::report::{thousands, Align, Table};
use vigil_devnet::system::*;
use vigil_devnet::{Address, Receipt};

/// Disputes the flag on itself.
const DISPUTER: Address = USER2;

pub struct Row {
    name: &'static str,
    uncached: u64,
    cached: u64,
}

impl Row {
    pub fn json(&self) -> Value {
        json!({
            "operation": self.name, "gas_uncached": self.uncached, "gas_cached": self.cached,
        })
    }
}

pub fn rows() -> Vec<Row> {
    let uncached = flow(false);
    let cached = flow(true);
    uncached
        .into_iter()
        .zip(cached)
        .map(|((name, u), (_, c))| Row {
            name,
            uncached: u,
            cached: c,
        })
        .collect()
}

/// Registry operations in the order a case runs, on a fresh world: the first stake of a reporter,
/// a submit, a corroboration to Watch, the corroboration that confirms (and pushes to the guard),
/// the flagged account's dispute, the resolver's rejection, the disputer's claim.
fn flow(cached: bool) -> Vec<(&'static str, u64)> {
    let mut w = World::deploy();
    let (registry, guard) = (w.registry, w.guard);
    for p in [registry, guard] {
        w.chain
            .set_cached(p, cached)
            .unwrap_or_else(|e| panic!("set_cached: {e}"));
    }
    let mut ops = Vec::new();
    for (i, r) in REPORTERS.into_iter().enumerate() {
        w.chain.fund(r, eth(100));
        let receipt = w.ok_value(r, registry, &IThreatRegistry::stakeCall {}, eth(10));
        if i == 0 {
            ops.push(("stake (first, 10 ETH)", receipt.gas_used));
        }
    }
    w.warp_by(DAY);
    let subject = address_subject(DISPUTER);
    let r = w.ok(
        REPORTERS[0],
        registry,
        &submit(subject, 2, 4, 10 * DAY, "bench: report 1"),
    );
    ops.push(("submit", r.gas_used));
    let report = |i: usize| corroborate(subject, format!("bench: report {}", i + 1));
    let r = w.ok(REPORTERS[1], registry, &report(1));
    ops.push(("corroborate (to Watch)", r.gas_used));
    let r = w.ok(REPORTERS[2], registry, &report(2));
    assert_eq!(w.status(subject).level, 3, "the third report confirms");
    assert!(pushed(&r, guard), "the confirmation reached the guard");
    ops.push(("corroborate, confirming (+ push to guard)", r.gas_used));
    w.chain.fund(DISPUTER, eth(1));
    let flag_id = w.status(subject).flagId;
    let r = w.ok_value(
        DISPUTER,
        registry,
        &dispute(flag_id, "bench: not an attacker"),
        deci_eth(5),
    );
    ops.push(("dispute", r.gas_used));
    let r = w.ok(
        RESOLVER,
        registry,
        &resolve(flag_id, false, "bench: mistaken identity"),
    );
    assert!(pushed(&r, guard), "the removal reached the guard");
    ops.push(("resolve (rejected: slash + push)", r.gas_used));
    let r = w.ok(DISPUTER, registry, &IThreatRegistry::claimCall {});
    ops.push(("claim", r.gas_used));
    ops
}

/// Whether the guard logged anything (its StatusSynced) in this transaction.
fn pushed(r: &Receipt, guard: Address) -> bool {
    r.logs.iter().any(|l| l.address == guard)
}

pub fn table(rows: &[Row]) -> String {
    let mut t = Table::new(&[
        ("operation", Align::Left),
        ("programs uncached", Align::Right),
        ("programs cached", Align::Right),
    ]);
    for r in rows {
        t.row(&[
            r.name.to_string(),
            thousands(r.uncached),
            thousands(r.cached),
        ]);
    }
    format!(
        "### ThreatRegistry operations (gas per transaction, intrinsic included)\n\n{}\n",
        t.markdown()
    )
}
