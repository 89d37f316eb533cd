//! ThreatRegistry operations: one flag's whole case, each step a committed transaction, played
//! once with both programs out of the cache and once with both in.

use serde_json::{json, Value};
use vigil_devnet::report::{thousands, Align, Table};
use vigil_devnet::stylus::profile::Profile;
use vigil_devnet::system::*;
use vigil_devnet::{Address, Receipt};

/// Disputes the flag on itself.
const DISPUTER: Address = USER2;

/// The rows the budgets name.
pub const SUBMIT: &str = "submit";
pub const CORROBORATE: &str = "corroborate (to Watch)";
pub const CONFIRMING: &str = "corroborate, confirming (+ push to guard)";

pub struct Row {
    pub name: &'static str,
    uncached: u64,
    pub cached: u64,
}

impl Row {
    pub fn json(&self) -> Value {
        json!({
            "operation": self.name, "gas_uncached": self.uncached, "gas_cached": self.cached,
        })
    }
}

pub fn rows() -> Vec<Row> {
    let uncached = flow(false, false);
    let cached = flow(true, false);
    uncached
        .into_iter()
        .zip(cached)
        .map(|(u, c)| Row {
            name: u.name,
            uncached: u.receipt.gas_used,
            cached: c.receipt.gas_used,
        })
        .collect()
}

/// The reports a reporter weighs ([`SUBMIT`], [`CORROBORATE`], [`CONFIRMING`]), programs cached,
/// each with the gas profile of its transaction (`bench --profile`).
pub fn profiles() -> Vec<(&'static str, Receipt, Profile)> {
    flow(true, true)
        .into_iter()
        .filter(|op| [SUBMIT, CORROBORATE, CONFIRMING].contains(&op.name))
        .filter_map(|op| Some((op.name, op.receipt, op.profile?)))
        .collect()
}

/// One operation of the flow: its receipt, and its gas profile when the flow was profiled.
struct Op {
    name: &'static str,
    receipt: Receipt,
    profile: Option<Profile>,
}

/// Sends one operation, under a gas profile when `profile`.
fn op(
    w: &mut World,
    name: &'static str,
    profile: bool,
    send: impl FnOnce(&mut World) -> Receipt,
) -> Op {
    if profile {
        w.chain.start_profile();
    }
    let receipt = send(w);
    Op {
        name,
        receipt,
        profile: profile.then(|| w.chain.finish_profile()),
    }
}

/// Registry operations in the order a case runs, on a fresh world: the first stake of a reporter,
/// a submit, a corroboration to Watch, the corroboration that confirms (and pushes to the guard),
/// the flagged account's dispute, the resolver's rejection, the disputer's claim.
fn flow(cached: bool, profile: bool) -> Vec<Op> {
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
        let stake = op(&mut w, "stake (first, 10 ETH)", profile, |w| {
            w.ok_value(r, registry, &IThreatRegistry::stakeCall {}, eth(10))
        });
        if i == 0 {
            ops.push(stake);
        }
    }
    w.warp_by(DAY);
    let subject = address_subject(DISPUTER);
    ops.push(op(&mut w, SUBMIT, profile, |w| {
        w.ok(
            REPORTERS[0],
            registry,
            &submit(subject, 2, 4, 10 * DAY, "bench: report 1"),
        )
    }));
    let report = |i: usize| corroborate(subject, format!("bench: report {}", i + 1));
    ops.push(op(&mut w, CORROBORATE, profile, |w| {
        w.ok(REPORTERS[1], registry, &report(1))
    }));
    let confirming = op(&mut w, CONFIRMING, profile, |w| {
        w.ok(REPORTERS[2], registry, &report(2))
    });
    assert_eq!(w.status(subject).level, 3, "the third report confirms");
    assert!(
        pushed(&confirming.receipt, guard),
        "the confirmation reached the guard"
    );
    ops.push(confirming);
    w.chain.fund(DISPUTER, eth(1));
    let flag_id = w.status(subject).flagId;
    ops.push(op(&mut w, "dispute", profile, |w| {
        w.ok_value(
            DISPUTER,
            registry,
            &dispute(flag_id, "bench: not an attacker"),
            deci_eth(5),
        )
    }));
    let rejected = op(&mut w, "resolve (rejected: slash + push)", profile, |w| {
        w.ok(
            RESOLVER,
            registry,
            &resolve(flag_id, false, "bench: mistaken identity"),
        )
    });
    assert!(
        pushed(&rejected.receipt, guard),
        "the removal reached the guard"
    );
    ops.push(rejected);
    ops.push(op(&mut w, "claim", profile, |w| {
        w.ok(DISPUTER, registry, &IThreatRegistry::claimCall {})
    }));
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
