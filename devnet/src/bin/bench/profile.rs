//! `bench --profile`: where the gas of each hot path goes, per wasm function, from the devnet's
//! meter (`vigil_devnet::stylus::profile`), so the next optimisation is chosen from data.
//!
//! Profiled: a guarded withdraw (guard cached; pause, screening and a rate limit), and the three
//! reports a reporter weighs (submit, corroborate, the confirming corroboration with its push;
//! programs cached). Functions are named from `target/wasm/names/<crate>.wasm`, which
//! `script/build-contracts.sh` writes beside each deployable wasm, and only when it is the deployed
//! program with its name section; otherwise by index.

use std::collections::HashMap;

use serde_json::{json, Value};
use vigil_devnet::report::{thousands, Align, Table};
use vigil_devnet::stylus::gas::INK_PER_GAS;
use vigil_devnet::stylus::profile::{Profile, Site};
use vigil_devnet::system::*;
use vigil_devnet::{artifacts, Address, Receipt, U256};
use wasmparser::{KnownCustom, Name, Parser, Payload};

use crate::registry_ops;

/// Rows shown per profiled transaction (the JSON has all of them).
const TOP: usize = 14;

/// One profiled transaction.
struct Case {
    name: String,
    gas: u64,
    profile: Profile,
}

/// A program of the world, with its function names when they could be matched.
struct Program {
    label: &'static str,
    address: Address,
    names: Option<HashMap<u32, String>>,
}

pub fn run() -> Result<(String, Value), String> {
    let mut w = World::with_warm_reporters();
    let mut cases = vec![withdraw_case(&mut w)];
    for (name, receipt, profile) in registry_ops::profiles() {
        cases.push(Case {
            name: format!("{name} (programs cached)"),
            gas: receipt.gas_used,
            profile,
        });
    }
    // Every world the bench builds deploys the same programs at the same addresses.
    let mut notes = Vec::new();
    let programs: Vec<Program> = [
        ("guard", w.guard, "vigil_guard", guard_wasm()),
        (
            "guard extension",
            w.guard_extension,
            "vigil_guard_extension",
            guard_extension_wasm(),
        ),
        ("registry", w.registry, "vigil_registry", registry_wasm()),
        (
            "extension",
            w.extension,
            "vigil_registry_extension",
            registry_extension_wasm(),
        ),
    ]
    .into_iter()
    .map(|(label, address, crate_name, deployed)| {
        let names = names(crate_name, deployed).map_err(|e| notes.push(format!("{label}: {e}")));
        Program {
            label,
            address,
            names: names.ok(),
        }
    })
    .collect();

    let mut md = String::from(
        "## Gas profile per wasm function (`bench --profile`)\n\nEach row: ink a program's \
         function spent on its own instructions (`code`) or on a hostio it called (named as the \
         import; storage, log and account gas included), or a frame's entry cost, its storage \
         flush and what no counter saw. A call hostio includes the whole callee, whose own rows \
         follow, so shares add up to more than 100% when a program calls another. Gas = ink / \
         10,000.\n\n",
    );
    for note in &notes {
        md.push_str(&format!("Functions by index: {note}.\n\n"));
    }
    let mut json_cases = Vec::new();
    for case in &cases {
        md.push_str(&table(case, &programs));
        json_cases.push(case_json(case, &programs));
    }
    Ok((md, json!({ "cases": json_cases, "notes": notes })))
}

/// A guarded withdraw with the guard cached, under pause, caller screening and a rate limit:
/// the hot path every protocol call pays.
fn withdraw_case(w: &mut World) -> Case {
    let (guard, vault) = (w.guard, w.vault);
    let sel = withdraw_selector();
    w.chain
        .set_cached(guard, true)
        .unwrap_or_else(|e| panic!("set_cached: {e}"));
    w.ok(
        VAULT_ADMIN,
        guard,
        &rate_limit(vault, sel, eth(1_000_000), eth(1), U256::ZERO, U256::ZERO),
    );
    w.deposit(USER, eth(1_000));
    // One withdraw first, so the profiled one finds its bucket charged, as in production.
    w.withdraw(USER, eth(1));
    w.chain.start_profile();
    let receipt: Receipt = w.withdraw(USER, eth(1));
    let profile = w.chain.finish_profile();
    assert!(receipt.success, "the profiled withdraw must succeed");
    Case {
        name: "guarded withdraw: pause + screening + rate limit (guard cached)".into(),
        gas: receipt.gas_used,
        profile,
    }
}

/// The names of `crate_name`'s functions from its names build, when that build is `deployed`
/// with names added.
fn names(crate_name: &str, deployed: &[u8]) -> Result<HashMap<u32, String>, String> {
    let path = artifacts::target_dir()
        .join("wasm")
        .join("names")
        .join(format!("{crate_name}.wasm"));
    let named = std::fs::read(&path).map_err(|e| {
        format!(
            "no {} ({e}; script/build-contracts.sh writes it)",
            path.display()
        )
    })?;
    if sections(&named)? != sections(deployed)? {
        return Err(format!(
            "{} differs from the deployed wasm beyond its custom sections",
            path.display()
        ));
    }
    let mut names = HashMap::new();
    for payload in Parser::new(0).parse_all(&named) {
        let payload = payload.map_err(|e| e.to_string())?;
        let Payload::CustomSection(section) = payload else {
            continue;
        };
        let KnownCustom::Name(reader) = section.as_known() else {
            continue;
        };
        for name in reader {
            let Ok(Name::Function(map)) = name else {
                continue;
            };
            for naming in map.into_iter().flatten() {
                names.insert(naming.index, short(naming.name));
            }
        }
    }
    Ok(names)
}

/// The module's non-custom sections, byte for byte.
fn sections(wasm: &[u8]) -> Result<Vec<(u8, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        if matches!(payload, Payload::CustomSection(_)) {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            out.push((id, wasm[range].to_vec()));
        }
    }
    Ok(out)
}

/// A Rust symbol demangled, without its hash (`{:#}`): `vigil_guard::evaluate::check`.
fn short(name: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(name))
}

/// Program label and function name of a profile row.
fn describe(programs: &[Program], address: Address, site: Site) -> (String, String) {
    let program = programs.iter().find(|p| p.address == address);
    let label = program.map_or_else(|| address.to_string(), |p| p.label.to_string());
    let function = match site {
        Site::Frame => "(frame)".to_string(),
        Site::Function(index) => program
            .and_then(|p| p.names.as_ref())
            .and_then(|names| names.get(&index).cloned())
            .unwrap_or_else(|| format!("function {index}")),
    };
    (label, function)
}

fn sorted(profile: &Profile) -> Vec<(Address, Site, &'static str, u64, u64)> {
    let mut rows: Vec<_> = profile
        .costs
        .iter()
        .map(|((a, s, w), c)| (*a, *s, *w, c.ink, c.count))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.3));
    rows
}

fn table(case: &Case, programs: &[Program]) -> String {
    let mut t = Table::new(&[
        ("program", Align::Left),
        ("function", Align::Left),
        ("charge", Align::Left),
        ("count", Align::Right),
        ("gas", Align::Right),
        ("share", Align::Right),
    ]);
    let rows = sorted(&case.profile);
    let tx_ink = case.gas.saturating_mul(INK_PER_GAS).max(1);
    for &(address, site, what, ink, count) in rows.iter().take(TOP) {
        let (label, function) = describe(programs, address, site);
        t.row(&[
            label,
            format!("`{function}`"),
            what.to_string(),
            thousands(count),
            format!("{:.1}", ink as f64 / INK_PER_GAS as f64),
            format!("{:.1}%", 100.0 * ink as f64 / tx_ink as f64),
        ]);
    }
    let rest: u64 = rows.iter().skip(TOP).map(|r| r.3).sum();
    let more = rows.len().saturating_sub(TOP);
    format!(
        "### {}: {} gas\n\n{}\n{}",
        case.name,
        thousands(case.gas),
        t.markdown(),
        if more > 0 {
            format!(
                "{more} more rows: {:.1} gas.\n\n",
                rest as f64 / INK_PER_GAS as f64
            )
        } else {
            String::new()
        }
    )
}

fn case_json(case: &Case, programs: &[Program]) -> Value {
    let rows: Vec<Value> = sorted(&case.profile)
        .into_iter()
        .map(|(address, site, what, ink, count)| {
            let (label, function) = describe(programs, address, site);
            json!({
                "program": label, "address": address.to_string(), "function": function,
                "function_index": match site { Site::Frame => None, Site::Function(i) => Some(i) },
                "charge": what, "count": count, "ink": ink,
            })
        })
        .collect();
    json!({ "transaction": case.name, "gas": case.gas, "rows": rows })
}
