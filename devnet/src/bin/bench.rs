//! `bench`: what Vigil costs, measured side by side with plain-Solidity peers in one devnet run
//! (issue 5). `script/bench.sh` builds the release wasm and the size report first, then runs this.
//!
//! Every gas figure is a committed transaction on a chain where every account starts cold (each
//! transaction is its own EIP-2929 access list), measured in this run; nothing is taken from a
//! table. A guarded `withdraw` is compared with the same vault body without protection
//! (test/forge's `UnguardedVault`), measured in the same run from the same state shape: the user
//! keeps a vault and a token balance, so every slot the withdraw writes is non-zero before and
//! after. Any transaction that fails aborts the run: a number from a reverted call would be a lie.
//!
//! Prints Markdown and writes the same data as JSON to `<target>/bench.json`. Exit status 0 even
//! when a budget is missed (this is a report); non-zero when something could not run: 1 with a
//! `bench: error:` line, or a panic naming the failed transaction (signature, sender, revert data).
//!
//! Usage: `bench [--calls N]` (N guarded withdraws for the throughput line, default 5,000).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use alloy_sol_types::{sol, SolCall, SolValue};
use serde_json::{json, Value};
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Receipt, U256};

// Budgets, from issue 5.
/// Pause + caller screening, cached, against the external Solidity guard doing the same two reads.
const BUDGET_SCREENING_RATIO: f64 = 1.10;
/// Pause + screening + rate limit, cached: below ERC-7265 v2's one-word limiter
/// (shared/reference/prior-art.md, "Gas overhead of protecting a withdraw").
const BUDGET_RATE_LIMIT_GAS: i64 = 11_071;
/// Brotli-compressed deployable wasm per contract (16 KiB).
const BUDGET_COMPRESSED_BYTES: u64 = 16_384;
/// Data segment per contract (1 KiB): every byte is charged on every call.
const BUDGET_DATA_BYTES: u64 = 1_024;

// The physical floor of an external guard check (issue 5; shared/reference/stylus-gas-model.md).
/// EIP-2929 cold account access: the vault's call into the guard.
const COLD_ACCOUNT_GAS: u64 = 2_600;
/// Stylus cached entry floor, MinCachedInitGas 11 x 32.
const CACHED_ENTRY_GAS: u64 = 352;
/// Stylus uncached entry floor on top of the cached one, MinInitGas 69 x 128.
const INIT_ENTRY_GAS: u64 = 8_832;
/// EIP-2929 cold SLOAD.
const COLD_SLOAD_GAS: u64 = 2_100;

/// The vault deposit each withdrawing account starts with, and what one measured withdraw takes.
const DEPOSIT_ETH: u64 = 1_000;
const WITHDRAW_ETH: u64 = 1;

/// Withdraws by this account feed the throughput line, apart from the gas rows' user.
const THROUGHPUT_USER: Address = Address::repeat_byte(0xa3);
/// Flagged in both oracles for the `isFlagged` rows.
const SUSPECT: Address = Address::repeat_byte(0xbb);
/// Disputes the flag on itself in the registry flow.
const DISPUTER: Address = USER2;

sol! {
    /// test/forge/bench/BenchBaselines.sol
    interface IBench {
        function setPolicy(address protocol, bytes4 selector, uint32 pausedUntil, bool screening) external;
        function setFlagged(address account, bool flagged) external;
        function read(address oracle, address account) external view returns (bool flagged, uint256 gasUsed);
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let calls = parse_calls()?;
    let mut md = String::new();
    let mut w = World::with_warm_reporters();
    let (guard, registry) = (w.guard, w.registry);
    let entry = entry_gas(&mut w, guard)?;
    let registry_entry = entry_gas(&mut w, registry)?;

    let withdraws = withdraw_rows(&mut w)?;
    let registry_ops = registry_rows();
    let lookups = is_flagged_rows(&mut w);
    let sizes = size_rows(&w)?;
    let throughput = throughput(&mut w, calls);

    let _ = writeln!(
        md,
        "## Vigil benchmark (devnet, one run)\n\nGas of one vault `withdraw` of {WITHDRAW_ETH} token \
         as its own transaction, all accounts cold; extra gas = that withdraw minus the same vault \
         without protection. Guard entry cost in this run (devnet cost model): {} gas cached, {} \
         uncached.\n",
        thousands(entry.0),
        thousands(entry.1),
    );
    md.push_str(&withdraw_table(&withdraws));
    md.push_str(&registry_table(&registry_ops));
    md.push_str(&lookup_table(&lookups, registry_entry));
    md.push_str(&size_table(&sizes));
    let _ = writeln!(
        md,
        "### Devnet throughput\n\n{} guarded withdraws (cached guard, pause + screening + rate limit \
         + one advisory tag), each a committed transaction: {:.3} s, {} calls/s.\n",
        thousands(throughput.calls),
        throughput.seconds,
        thousands((throughput.calls as f64 / throughput.seconds) as u64),
    );
    let budgets = budgets(&withdraws, &sizes)?;
    md.push_str(&budget_table(&budgets));
    print!("{md}");

    let report = json!({
        "guard_entry_gas": { "cached": entry.0, "uncached": entry.1 },
        "registry_entry_gas": { "cached": registry_entry.0, "uncached": registry_entry.1 },
        "withdraw": withdraws.iter().map(WithdrawRow::json).collect::<Vec<_>>(),
        "registry": registry_ops.iter().map(|r| json!({
            "operation": r.name, "gas_uncached": r.uncached, "gas_cached": r.cached,
        })).collect::<Vec<_>>(),
        "is_flagged": lookups.iter().map(|l| json!({
            "oracle": l.name, "lookup_gas": l.lookup_gas, "tx_gas": l.tx_gas,
            "ratio_to_mapping_oracle": l.ratio,
        })).collect::<Vec<_>>(),
        "wasm": sizes.iter().map(|s| json!({
            "contract": s.name, "raw_bytes": s.raw, "compressed_bytes": s.compressed,
            "data_segment_bytes": s.data,
        })).collect::<Vec<_>>(),
        "throughput": {
            "calls": throughput.calls, "seconds": throughput.seconds,
            "calls_per_second": throughput.calls as f64 / throughput.seconds,
        },
        "budgets": budgets.iter().map(|b| json!({
            "budget": b.name, "limit": b.limit, "measured": b.measured, "pass": b.pass,
            "unit": b.unit, "limit_value": b.limit_value, "measured_value": b.measured_value,
            "margin": b.margin(),
        })).collect::<Vec<_>>(),
        "floor_constants": {
            "cold_account": COLD_ACCOUNT_GAS, "cached_entry": CACHED_ENTRY_GAS,
            "uncached_entry_extra": INIT_ENTRY_GAS, "cold_sload": COLD_SLOAD_GAS,
        },
    });
    let path = target_dir().join("bench.json");
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("JSON: {}", path.display());
    Ok(())
}

/// A program's entry cost (cached, uncached) as the devnet charges it, from the module's size
/// terms: what a call pays before the program runs, above the 352 / 9,184 floors.
fn entry_gas(w: &mut World, program: Address) -> Result<(u64, u64), String> {
    let stats = w
        .chain
        .program_stats(program)
        .map_err(|e| format!("program stats of {program}: {e}"))?;
    Ok((stats.cached_gas(), stats.cached_gas() + stats.init_gas()))
}

fn parse_calls() -> Result<u64, String> {
    const USAGE: &str = "usage: bench [--calls N]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(5_000),
        [flag, n] if flag == "--calls" => match n.parse() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("--calls needs a positive count\n{USAGE}")),
        },
        _ => Err(USAGE.to_string()),
    }
}

/// Same rule as cargo and script/wasm-report: CARGO_TARGET_DIR, else `<workspace>/target`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let root = workspace();
            root.canonicalize().unwrap_or(root).join("target")
        })
}

// ---- guarded withdraw ------------------------------------------------------------------------

/// What a row is compared with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Baseline {
    LocalPause,
    ExternalPause,
    ExternalTwoReads,
    Bucket,
}

impl Baseline {
    fn label(self) -> &'static str {
        match self {
            Self::LocalPause => "local pause bool",
            Self::ExternalPause => "Solidity guard, pause only",
            Self::ExternalTwoReads => "Solidity guard, 2 reads",
            Self::Bucket => "in-contract bucket",
        }
    }
}

struct WithdrawRow {
    name: String,
    /// Vigil rows: cached or not; `None` for Solidity.
    cached: Option<bool>,
    /// Storage words the check reads (Vigil rows, from contracts/guard/src/word.rs and lib.rs).
    words: Option<u64>,
    gas: u64,
    extra: i64,
    /// This row is the named baseline (Solidity rows).
    is: Option<Baseline>,
    /// Vigil rows: the baselines they are compared with.
    against: Vec<Baseline>,
}

impl WithdrawRow {
    fn floor(&self) -> Option<u64> {
        let (words, cached) = (self.words?, self.cached?);
        let entry = CACHED_ENTRY_GAS + if cached { 0 } else { INIT_ENTRY_GAS };
        Some(COLD_ACCOUNT_GAS + entry + COLD_SLOAD_GAS * words)
    }

    fn json(&self) -> Value {
        json!({
            "protection": self.name, "cached": self.cached, "words_read": self.words,
            "withdraw_gas": self.gas, "extra_gas": self.extra, "floor_gas": self.floor(),
            "above_floor": self.floor().map(|f| self.extra - f as i64),
            "baseline": self.is.map(Baseline::label),
            "compared_with": self.against.iter().map(|b| b.label()).collect::<Vec<_>>(),
        })
    }
}

/// Mints to `who`, approves and deposits [`DEPOSIT_ETH`] into `vault`, then withdraws once, so that
/// the measured withdraw finds every slot it touches non-zero (and a rate limit already charged).
fn fund_vault(w: &mut World, vault: Address, who: Address, extra_tokens: U256) {
    let token = w.token;
    w.ok(
        DEPLOYER,
        token,
        &IToken::mintCall {
            to: who,
            value: eth(DEPOSIT_ETH) + extra_tokens,
        },
    );
    w.ok(
        who,
        token,
        &IToken::approveCall {
            spender: vault,
            value: eth(DEPOSIT_ETH),
        },
    );
    w.ok(
        who,
        vault,
        &IVault::depositCall {
            amount: eth(DEPOSIT_ETH),
        },
    );
    withdraw(w, vault, who);
}

/// One withdraw that must succeed and move exactly the amount; its gas.
fn withdraw(w: &mut World, vault: Address, who: Address) -> u64 {
    let before = w.read(vault, &IVault::balanceOfCall { account: who });
    let r = w.ok(
        who,
        vault,
        &IVault::withdrawCall {
            amount: eth(WITHDRAW_ETH),
        },
    );
    let after = w.read(vault, &IVault::balanceOfCall { account: who });
    assert_eq!(
        before - after,
        eth(WITHDRAW_ETH),
        "withdraw from {vault} did not move the amount"
    );
    r.gas_used
}

fn deploy(w: &mut World, file: &str, contract: &str, args: &[u8]) -> Address {
    let code = with_args(creation_code(file, contract), args);
    w.chain
        .deploy_evm(DEPLOYER, code)
        .unwrap_or_else(|e| panic!("deploy {contract}: {e}"))
}

/// Screening modes of `setScreening` (contracts/guard/src/word.rs `Screening`).
const SCREENING_CONFIRMED: u8 = 0;
const SCREENING_OFF: u8 = 2;

/// The part of the guard's policy on the vault's withdraw that decides what `check` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Policy {
    mode: u8,
    tags: u8,
    limited: bool,
}

impl Policy {
    const fn new(mode: u8, tags: u8, limited: bool) -> Self {
        Self {
            mode,
            tags,
            limited,
        }
    }
}

/// The policy as the guard reports it, read back so a row can never measure a configuration it
/// did not set.
fn vigil_policy(w: &mut World) -> Policy {
    let (guard, vault) = (w.guard, w.vault);
    let p = w.read(
        guard,
        &ICircuitGuard::selectorPolicyCall {
            protocol: vault,
            selector: withdraw_selector(),
        },
    );
    let limit = w.read(
        guard,
        &ICircuitGuard::rateLimitCall {
            protocol: vault,
            selector: withdraw_selector(),
        },
    );
    assert!(p._0, "withdraw has no policy on the guard");
    Policy::new(p._3, p._5, limit._0 != U256::ZERO)
}

fn withdraw_rows(w: &mut World) -> Result<Vec<WithdrawRow>, String> {
    let token = w.token;
    let sel = withdraw_selector();
    let mut rows = Vec::new();

    // The unprotected vault: the baseline every extra figure subtracts.
    let plain = deploy(w, "Helpers.sol", "UnguardedVault", &token.abi_encode());
    fund_vault(w, plain, USER, eth(1));
    let base = withdraw(w, plain, USER);
    let solidity = |name: &str, gas: u64, is: Baseline| WithdrawRow {
        name: name.to_string(),
        cached: None,
        words: None,
        gas,
        extra: gas as i64 - base as i64,
        is: Some(is),
        against: Vec::new(),
    };

    let pausable = deploy(
        w,
        "BenchBaselines.sol",
        "PausableVault",
        &(token, VAULT_ADMIN).abi_encode_params(),
    );
    fund_vault(w, pausable, USER, U256::ZERO);
    let gas = withdraw(w, pausable, USER);
    rows.push(solidity(
        "local pause bool (Pausable-style)",
        gas,
        Baseline::LocalPause,
    ));

    let sol_guard = deploy(
        w,
        "BenchBaselines.sol",
        "SolidityGuard",
        &OWNER.abi_encode(),
    );
    let ext_vault = deploy(
        w,
        "GuardedVault.sol",
        "GuardedVault",
        &(token, sol_guard, VAULT_ADMIN).abi_encode_params(),
    );
    fund_vault(w, ext_vault, USER, U256::ZERO);
    for (screening, name, is) in [
        (
            false,
            "external Solidity guard, pause only (1 read)",
            Baseline::ExternalPause,
        ),
        (
            true,
            "external Solidity guard, pause + screening (2 reads)",
            Baseline::ExternalTwoReads,
        ),
    ] {
        w.ok(
            VAULT_ADMIN,
            sol_guard,
            &IBench::setPolicyCall {
                protocol: ext_vault,
                selector: sel,
                pausedUntil: 0,
                screening,
            },
        );
        let gas = withdraw(w, ext_vault, USER);
        rows.push(solidity(name, gas, is));
    }

    let bucket = deploy(
        w,
        "BenchBaselines.sol",
        "BucketVault",
        &(token, eth(1_000_000), eth(1)).abi_encode_params(),
    );
    fund_vault(w, bucket, USER, U256::ZERO);
    let gas = withdraw(w, bucket, USER);
    rows.push(solidity(
        "in-contract token bucket (2 slots)",
        gas,
        Baseline::Bucket,
    ));

    // Vigil: the example GuardedVault on the release CircuitGuard, one configuration at a time.
    let (guard, vault) = (w.guard, w.vault);
    fund_vault(w, vault, USER, U256::ZERO);
    let tag = advisory_subject("VIGIL-BENCH-ADVISORY");
    let configs: [(&str, u64, Policy, &[Baseline]); 4] = [
        (
            "Vigil: pause check only",
            1,
            Policy::new(SCREENING_OFF, 0, false),
            &[Baseline::ExternalPause, Baseline::LocalPause],
        ),
        (
            "Vigil: pause + caller screening",
            2,
            Policy::new(SCREENING_CONFIRMED, 0, false),
            &[Baseline::ExternalTwoReads],
        ),
        (
            "Vigil: pause + screening + rate limit",
            2,
            Policy::new(SCREENING_CONFIRMED, 0, true),
            &[Baseline::Bucket],
        ),
        (
            "Vigil: pause + screening + rate limit + 1 advisory tag",
            4,
            Policy::new(SCREENING_CONFIRMED, 1, true),
            &[Baseline::Bucket],
        ),
    ];
    for (name, words, policy, against) in configs {
        w.ok(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setScreeningCall {
                protocol: vault,
                selector: sel,
                mode: policy.mode,
                screen_origin: false,
            },
        );
        w.ok(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setRateLimitCall {
                protocol: vault,
                selector: sel,
                enabled: policy.limited,
                capacity: eth(1_000_000),
                refill_per_second: eth(1),
                trip_level: U256::ZERO,
                trip_cooldown: 0,
            },
        );
        w.ok(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setAdvisoryTagsCall {
                protocol: vault,
                selector: sel,
                tags: vec![tag; policy.tags as usize],
            },
        );
        let reported = vigil_policy(w);
        if reported != policy {
            return Err(format!(
                "{name}: the guard reports {reported:?}, expected {policy:?}"
            ));
        }
        // One unmeasured withdraw under the new policy: the measured ones then find its bucket
        // already charged, like every later withdraw in production.
        withdraw(w, vault, USER);
        for cached in [true, false] {
            w.chain
                .set_cached(guard, cached)
                .map_err(|e| format!("set_cached: {e}"))?;
            let gas = withdraw(w, vault, USER);
            rows.push(WithdrawRow {
                name: format!("{name}, {}", if cached { "cached" } else { "uncached" }),
                cached: Some(cached),
                words: Some(words),
                gas,
                extra: gas as i64 - base as i64,
                is: None,
                against: against.to_vec(),
            });
        }
    }
    w.chain
        .set_cached(guard, true)
        .map_err(|e| format!("set_cached: {e}"))?;
    rows.insert(
        0,
        WithdrawRow {
            name: "no protection (UnguardedVault)".to_string(),
            cached: None,
            words: None,
            gas: base,
            extra: 0,
            is: None,
            against: Vec::new(),
        },
    );
    Ok(rows)
}

fn baseline_extra(rows: &[WithdrawRow], b: Baseline) -> i64 {
    rows.iter()
        .find(|r| r.is == Some(b))
        .map(|r| r.extra)
        .expect("every baseline is measured")
}

fn withdraw_table(rows: &[WithdrawRow]) -> String {
    let mut s = String::from(
        "### Guarded `withdraw`\n\n| protection | words read | withdraw gas | extra gas | vs Solidity baseline (extra / extra) | floor | above floor |\n|---|---:|---:|---:|---|---:|---:|\n",
    );
    for r in rows {
        let ratios: Vec<String> = r
            .against
            .iter()
            .map(|b| {
                format!(
                    "{:.2}x {}",
                    r.extra as f64 / baseline_extra(rows, *b) as f64,
                    b.label()
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            r.words.map_or("".into(), |n| n.to_string()),
            thousands(r.gas),
            signed(r.extra),
            if r.is.is_some() {
                "(baseline)".to_string()
            } else {
                ratios.join("; ")
            },
            r.floor().map_or("".into(), thousands),
            r.floor().map_or("".into(), |f| signed(r.extra - f as i64)),
        );
    }
    let _ = writeln!(
        s,
        "\nFloor = cold account {} (EIP-2929) + Stylus entry {} cached (+{} uncached; \
         stylus-gas-model.md) + {} per cold storage word the \
         check reads: the selector word (pause copies, flags, bucket); + the caller's status word when \
         screening; + a tag word and its status word per advisory tag (contracts/guard/src/word.rs, \
         lib.rs `evaluate`). Rate-limited rows also write the selector word back (a warm SSTORE, not in \
         the floor).\n",
        thousands(COLD_ACCOUNT_GAS),
        thousands(CACHED_ENTRY_GAS),
        thousands(INIT_ENTRY_GAS),
        thousands(COLD_SLOAD_GAS),
    );
    s
}

// ---- registry --------------------------------------------------------------------------------

struct OpRow {
    name: &'static str,
    uncached: u64,
    cached: u64,
}

/// Registry operations in the order a case runs, each a committed transaction: the first stake
/// of a reporter, a submit, a corroboration to Watch, the corroboration that confirms (and pushes
/// to the guard), the flagged account's dispute, the resolver's rejection, the disputer's claim.
fn registry_flow(cached: bool) -> Vec<(&'static str, u64)> {
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
        &IThreatRegistry::submitCall {
            subject,
            category: 2,
            severity: 4,
            evidence: keccak256(b"bench: report 1"),
            ttl: 10 * DAY,
        },
    );
    ops.push(("submit", r.gas_used));
    let corroborate = |w: &mut World, i: usize| {
        w.ok(
            REPORTERS[i],
            registry,
            &IThreatRegistry::corroborateCall {
                subject,
                evidence: keccak256(format!("bench: report {}", i + 1)),
            },
        )
    };
    let r = corroborate(&mut w, 1);
    ops.push(("corroborate (to Watch)", r.gas_used));
    let r = corroborate(&mut w, 2);
    assert_eq!(w.status(subject).level, 3, "the third report confirms");
    assert!(pushed(&r, guard), "the confirmation reached the guard");
    ops.push(("corroborate, confirming (+ push to guard)", r.gas_used));
    w.chain.fund(DISPUTER, eth(1));
    let r = w.ok_value(
        DISPUTER,
        registry,
        &IThreatRegistry::disputeCall {
            subject,
            evidence: keccak256(b"bench: not an attacker"),
        },
        deci_eth(5),
    );
    ops.push(("dispute", r.gas_used));
    let r = w.ok(
        RESOLVER,
        registry,
        &IThreatRegistry::resolveCall {
            subject,
            upheld: false,
            rationale: keccak256(b"bench: mistaken identity"),
        },
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

fn registry_rows() -> Vec<OpRow> {
    let uncached = registry_flow(false);
    let cached = registry_flow(true);
    uncached
        .into_iter()
        .zip(cached)
        .map(|((name, u), (_, c))| OpRow {
            name,
            uncached: u,
            cached: c,
        })
        .collect()
}

fn registry_table(rows: &[OpRow]) -> String {
    let mut s = String::from(
        "### ThreatRegistry operations (gas per transaction, intrinsic included)\n\n| operation | programs uncached | programs cached |\n|---|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            r.name,
            thousands(r.uncached),
            thousands(r.cached)
        );
    }
    s.push('\n');
    s
}

// ---- isFlagged -------------------------------------------------------------------------------

struct LookupRow {
    name: &'static str,
    lookup_gas: u64,
    tx_gas: u64,
    ratio: f64,
}

fn is_flagged_rows(w: &mut World) -> Vec<LookupRow> {
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
    let mut rows = vec![LookupRow {
        name: "Solidity mapping oracle (baseline)",
        lookup_gas: base,
        tx_gas: base_tx,
        ratio: 1.0,
    }];
    for (cached, name) in [
        (true, "ThreatRegistry, cached"),
        (false, "ThreatRegistry, uncached"),
    ] {
        w.chain
            .set_cached(registry, cached)
            .unwrap_or_else(|e| panic!("set_cached: {e}"));
        let (gas, tx) = lookup(w, registry);
        rows.push(LookupRow {
            name,
            lookup_gas: gas,
            tx_gas: tx,
            ratio: gas as f64 / base as f64,
        });
    }
    rows
}

fn lookup_table(rows: &[LookupRow], registry_entry: (u64, u64)) -> String {
    let mut s = format!(
        "### `isFlagged(address)` from a Solidity caller\n\nRegistry entry cost in this run: {} gas \
         cached, {} uncached.\n\n| oracle | lookup gas (caller's view) | transaction gas | vs mapping oracle |\n|---|---:|---:|---:|\n",
        thousands(registry_entry.0),
        thousands(registry_entry.1),
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.2}x |",
            r.name,
            thousands(r.lookup_gas),
            thousands(r.tx_gas),
            r.ratio
        );
    }
    s.push('\n');
    s
}

// ---- wasm sizes ------------------------------------------------------------------------------

struct SizeRow {
    name: String,
    raw: u64,
    compressed: u64,
    data: u64,
}

/// The sizes script/wasm-report measured (`target/wasm-report.json`), after checking that they
/// describe the bytes this run deployed: same wasm, same on-chain code length.
fn size_rows(w: &World) -> Result<Vec<SizeRow>, String> {
    let path = target_dir().join("wasm-report.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {} ({e}): run `cargo run --locked -p vigil-wasm-report` after the wasm build (script/bench.sh does)",
            path.display()
        )
    })?;
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let contracts = report["contracts"]
        .as_array()
        .ok_or_else(|| format!("{}: no contracts array", path.display()))?;
    let deployed: [(&str, &[u8], Address); 2] = [
        ("vigil-guard", guard_wasm(), w.guard),
        ("vigil-registry", registry_wasm(), w.registry),
    ];
    let mut rows = Vec::new();
    for c in contracts {
        let field = |key: &str| {
            c[key]
                .as_u64()
                .ok_or_else(|| format!("{}: {key} missing", path.display()))
        };
        let name = c["name"].as_str().unwrap_or_default().to_string();
        let row = SizeRow {
            raw: field("raw_bytes")?,
            compressed: field("deployable_bytes")?,
            data: field("data_segment_bytes")?,
            name,
        };
        if let Some((_, wasm, address)) = deployed.iter().find(|(n, ..)| *n == row.name) {
            let on_chain = w.chain.code(*address).len() as u64;
            if wasm.len() as u64 != row.raw || on_chain != row.compressed {
                return Err(format!(
                    "{} describes {} ({} raw, {} deployable bytes) but this run deployed {} raw, \
                     {on_chain} on-chain bytes: rebuild with ./script/bench.sh",
                    path.display(),
                    row.name,
                    row.raw,
                    row.compressed,
                    wasm.len()
                ));
            }
        }
        rows.push(row);
    }
    for (name, ..) in deployed {
        if !rows.iter().any(|r| r.name == name) {
            return Err(format!("{} has no row for {name}", path.display()));
        }
    }
    Ok(rows)
}

fn size_table(rows: &[SizeRow]) -> String {
    let mut s = String::from(
        "### Wasm sizes (script/wasm-report)\n\n| contract | raw wasm (bytes) | compressed: 0xEFF00000 + Brotli-11 (bytes) | data segment (bytes) |\n|---|---:|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            r.name,
            thousands(r.raw),
            thousands(r.compressed),
            thousands(r.data)
        );
    }
    s.push('\n');
    s
}

// ---- throughput ------------------------------------------------------------------------------

struct Throughput {
    calls: u64,
    seconds: f64,
}

/// Wall time of `calls` guarded withdraws through the whole devnet (revm, wasmi, the journal),
/// with the last configuration [`withdraw_rows`] left in place.
fn throughput(w: &mut World, calls: u64) -> Throughput {
    let (token, vault) = (w.token, w.vault);
    let total = eth(WITHDRAW_ETH) * U256::from(calls);
    w.ok(
        DEPLOYER,
        token,
        &IToken::mintCall {
            to: THROUGHPUT_USER,
            value: total,
        },
    );
    w.ok(
        THROUGHPUT_USER,
        token,
        &IToken::approveCall {
            spender: vault,
            value: total,
        },
    );
    w.ok(
        THROUGHPUT_USER,
        vault,
        &IVault::depositCall { amount: total },
    );
    let call = IVault::withdrawCall {
        amount: eth(WITHDRAW_ETH),
    }
    .abi_encode();
    let start = Instant::now();
    for i in 0..calls {
        let r = w
            .chain
            .call(THROUGHPUT_USER, vault, call.clone().into(), U256::ZERO)
            .unwrap_or_else(|e| panic!("throughput withdraw {i}: invalid transaction: {e}"));
        assert!(r.success, "throughput withdraw {i} failed: {:?}", r.output);
    }
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(w.vault_balance(THROUGHPUT_USER), U256::ZERO);
    Throughput { calls, seconds }
}

// ---- budgets ---------------------------------------------------------------------------------

/// One budget line; `limit_value` and `measured_value` are in `unit` (gas or bytes), so the margin
/// is their difference whatever the budget is phrased in.
struct Budget {
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
}

fn budgets(rows: &[WithdrawRow], sizes: &[SizeRow]) -> Result<Vec<Budget>, String> {
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
    let allowed = (ext as f64 * BUDGET_SCREENING_RATIO).floor() as i64;
    out.push(Budget {
        name: "pause + screening, cached <= 1.10x the external Solidity guard".into(),
        limit: format!(
            "{:.2}x ({} gas)",
            BUDGET_SCREENING_RATIO,
            thousands_i(allowed)
        ),
        measured: format!("{ratio:.3}x ({} gas)", thousands_i(screening)),
        pass: ratio <= BUDGET_SCREENING_RATIO,
        unit: "gas",
        limit_value: allowed,
        measured_value: screening,
    });

    let limited = vigil("Vigil: pause + screening + rate limit,")?;
    out.push(Budget {
        name: "pause + screening + rate limit, cached < 11,071 extra gas (ERC-7265 v2)".into(),
        limit: format!("< {}", thousands_i(BUDGET_RATE_LIMIT_GAS)),
        measured: thousands_i(limited),
        pass: limited < BUDGET_RATE_LIMIT_GAS,
        unit: "gas",
        limit_value: BUDGET_RATE_LIMIT_GAS,
        measured_value: limited,
    });

    for s in sizes {
        out.push(Budget {
            name: format!("{}: compressed wasm <= 16 KiB", s.name),
            limit: thousands(BUDGET_COMPRESSED_BYTES),
            measured: thousands(s.compressed),
            pass: s.compressed <= BUDGET_COMPRESSED_BYTES,
            unit: "bytes",
            limit_value: BUDGET_COMPRESSED_BYTES as i64,
            measured_value: s.compressed as i64,
        });
        out.push(Budget {
            name: format!("{}: data segment <= 1 KiB", s.name),
            limit: thousands(BUDGET_DATA_BYTES),
            measured: thousands(s.data),
            pass: s.data <= BUDGET_DATA_BYTES,
            unit: "bytes",
            limit_value: BUDGET_DATA_BYTES as i64,
            measured_value: s.data as i64,
        });
    }
    Ok(out)
}

fn budget_table(rows: &[Budget]) -> String {
    let mut s = String::from(
        "### Budgets (issue 5)\n\n| budget | limit | measured | result | margin |\n|---|---:|---:|---|---:|\n",
    );
    for b in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} {} |",
            b.name,
            b.limit,
            b.measured,
            if b.pass { "PASS" } else { "MISS" },
            signed(b.margin()),
            b.unit
        );
    }
    s.push('\n');
    s
}

// ---- formatting ------------------------------------------------------------------------------

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut groups = Vec::new();
    let mut end = digits.len();
    while end > 3 {
        groups.push(&digits[end - 3..end]);
        end -= 3;
    }
    groups.push(&digits[..end]);
    groups.reverse();
    groups.join(",")
}

fn thousands_i(n: i64) -> String {
    let abs = thousands(n.unsigned_abs());
    if n < 0 {
        format!("-{abs}")
    } else {
        abs
    }
}

fn signed(n: i64) -> String {
    if n >= 0 {
        format!("+{}", thousands(n as u64))
    } else {
        thousands_i(n)
    }
}
