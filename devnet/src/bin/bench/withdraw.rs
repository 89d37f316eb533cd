//! Guarded `withdraw`: the vault's withdraw under each Vigil configuration against the same vault
//! unprotected and against the Solidity ways of doing the same (a local pause, an external
//! Solidity guard, an in-contract token bucket), with the physical floor of an external check.

use alloy_sol_types::{SolCall, SolValue};
use serde_json::{json, Value};
use vigil_devnet::report::{signed, thousands, Align, Table};
use vigil_devnet::system::*;
use vigil_devnet::{Address, U256};

use crate::{chart, deploy, IBench, IDrainer};

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
pub const WITHDRAW_ETH: u64 = 1;

/// What a row is compared with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Baseline {
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

pub struct Row {
    pub name: String,
    /// Vigil rows: cached or not; `None` for Solidity.
    pub cached: Option<bool>,
    /// Storage words the check reads (Vigil rows, from the guard's selector word layout and
    /// `evaluate`).
    words: Option<u64>,
    gas: u64,
    pub extra: i64,
    /// This row is the named baseline (Solidity rows).
    is: Option<Baseline>,
    /// Vigil rows: the baselines they are compared with.
    against: Vec<Baseline>,
}

impl Row {
    fn floor(&self) -> Option<u64> {
        let (words, cached) = (self.words?, self.cached?);
        let entry = CACHED_ENTRY_GAS + if cached { 0 } else { INIT_ENTRY_GAS };
        Some(COLD_ACCOUNT_GAS + entry + COLD_SLOAD_GAS * words)
    }

    pub fn json(&self) -> Value {
        json!({
            "protection": self.name, "cached": self.cached, "words_read": self.words,
            "withdraw_gas": self.gas, "extra_gas": self.extra, "floor_gas": self.floor(),
            "above_floor": self.floor().map(|f| self.extra - f as i64),
            "baseline": self.is.map(Baseline::label),
            "compared_with": self.against.iter().map(|b| b.label()).collect::<Vec<_>>(),
        })
    }
}

/// The floor's terms, for the JSON.
pub fn floor_constants() -> Value {
    json!({
        "cold_account": COLD_ACCOUNT_GAS, "cached_entry": CACHED_ENTRY_GAS,
        "uncached_entry_extra": INIT_ENTRY_GAS, "cold_sload": COLD_SLOAD_GAS,
    })
}

/// Mints to `who`, approves and deposits [`DEPOSIT_ETH`] into `vault`, then withdraws once, so that
/// the measured withdraw finds every slot it touches non-zero (and a rate limit already charged).
fn fund_vault(w: &mut World, vault: Address, who: Address, extra_tokens: U256) {
    // One mint of both (not World::deposit_into and a second mint): the deployer's nonce, and so
    // the address of every contract the bench deploys after, stays what it always was.
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
    let policy = ICircuitGuard::selectorPolicyCall::new((vault, withdraw_selector()));
    let (configured, _paused_until, _protocol_paused_until, mode, _screen_origin, tags): (
        bool,
        u64,
        u64,
        u8,
        bool,
        u8,
    ) = w.read(guard, &policy).into();
    let limit = ICircuitGuard::rateLimitCall::new((vault, withdraw_selector()));
    let capacity = w.read(guard, &limit).capacity;
    assert!(configured, "withdraw has no policy on the guard");
    Policy::new(mode, tags, capacity != U256::ZERO)
}

/// The Solidity rows (the unprotected vault first), then each Vigil configuration cached and not.
pub fn rows(w: &mut World) -> Result<Vec<Row>, String> {
    // The unprotected vault: the baseline every extra figure subtracts.
    let token = w.token;
    let plain = deploy(w, "Helpers.sol", "UnguardedVault", &token.abi_encode());
    fund_vault(w, plain, USER, eth(1));
    let base = withdraw(w, plain, USER);
    let mut rows = solidity_rows(w, base);
    rows.extend(vigil_rows(w, base)?);
    rows.extend(contract_caller_rows(w, plain)?);
    rows.insert(
        0,
        Row {
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

/// The baselines: the same withdraw protected the ways Solidity does it today.
fn solidity_rows(w: &mut World, base: u64) -> Vec<Row> {
    let token = w.token;
    let mut rows = Vec::new();
    let mut push = |name: &str, gas: u64, is: Baseline| {
        rows.push(Row {
            name: name.to_string(),
            cached: None,
            words: None,
            gas,
            extra: gas as i64 - base as i64,
            is: Some(is),
            against: Vec::new(),
        })
    };

    let pausable = deploy(
        w,
        "BenchBaselines.sol",
        "PausableVault",
        &(token, VAULT_ADMIN).abi_encode_params(),
    );
    fund_vault(w, pausable, USER, U256::ZERO);
    let gas = withdraw(w, pausable, USER);
    push(
        "local pause bool (Pausable-style)",
        gas,
        Baseline::LocalPause,
    );

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
                selector: withdraw_selector(),
                pausedUntil: 0,
                screening,
            },
        );
        let gas = withdraw(w, ext_vault, USER);
        push(name, gas, is);
    }

    let bucket = deploy(
        w,
        "BenchBaselines.sol",
        "BucketVault",
        &(token, eth(1_000_000), eth(1)).abi_encode_params(),
    );
    fund_vault(w, bucket, USER, U256::ZERO);
    let gas = withdraw(w, bucket, USER);
    push("in-contract token bucket (2 slots)", gas, Baseline::Bucket);
    rows
}

/// The example GuardedVault on the release CircuitGuard, one configuration at a time, each
/// measured with the guard cached and not; leaves the guard cached and the last configuration set.
fn vigil_rows(w: &mut World, base: u64) -> Result<Vec<Row>, String> {
    let (guard, vault) = (w.guard, w.vault);
    let sel = withdraw_selector();
    fund_vault(w, vault, USER, U256::ZERO);
    let tag = advisory_subject("VIGIL-BENCH-ADVISORY");
    let configs: [(&str, u64, Policy, &[Baseline]); 4] = [
        (
            "Vigil: pause check only",
            1,
            Policy::new(SCREEN_OFF, 0, false),
            &[Baseline::ExternalPause, Baseline::LocalPause],
        ),
        (
            "Vigil: pause + caller screening",
            2,
            Policy::new(SCREEN_CONFIRMED, 0, false),
            &[Baseline::ExternalTwoReads],
        ),
        (
            "Vigil: pause + screening + rate limit",
            2,
            Policy::new(SCREEN_CONFIRMED, 0, true),
            &[Baseline::Bucket],
        ),
        (
            "Vigil: pause + screening + rate limit + 1 advisory tag",
            4,
            Policy::new(SCREEN_CONFIRMED, 1, true),
            &[Baseline::Bucket],
        ),
    ];
    let mut rows = Vec::new();
    for (name, words, policy, against) in configs {
        w.ok(VAULT_ADMIN, guard, &screening(vault, sel, policy.mode));
        // The bucket's figures stay set when it is off, so every row finds the same words.
        let limit = ICircuitGuard::setRateLimitCall {
            enabled: policy.limited,
            ..rate_limit(vault, sel, eth(1_000_000), eth(1), U256::ZERO, U256::ZERO)
        };
        w.ok(VAULT_ADMIN, guard, &limit);
        let tags = vec![tag; policy.tags as usize];
        w.ok(VAULT_ADMIN, guard, &advisory_tags(vault, sel, tags));
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
            set_cached(w, guard, cached)?;
            let gas = withdraw(w, vault, USER);
            rows.push(Row {
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
    set_cached(w, guard, true)?;
    Ok(rows)
}

/// The caller of the code-hash rows: an account that controls a contract (test/forge's
/// VaultDrainer) which holds the vault balance and calls `withdraw` itself.
const CONTRACT_OWNER: Address = Address::repeat_byte(0xdc);

/// Code-hash screening costs only for callers with code (an EOA is never looked up), so these rows
/// withdraw through a contract, and their extra gas is against the same contract withdrawing from
/// the unprotected vault: pause + caller screening, then the same with code-hash screening (mode
/// 4), one more status word and a warm EXTCODEHASH. Leaves the guard cached and mode 4 set.
fn contract_caller_rows(w: &mut World, plain: Address) -> Result<Vec<Row>, String> {
    let (guard, vault, token) = (w.guard, w.vault, w.token);
    let sel = withdraw_selector();
    w.chain.fund(CONTRACT_OWNER, eth(1));
    let drainer = w
        .chain
        .deploy_evm(
            CONTRACT_OWNER,
            creation_code("VaultDrainer.sol", "VaultDrainer").into(),
        )
        .map_err(|e| format!("deploy VaultDrainer: {e}"))?;
    // The token mints to anyone: the deployer's nonce (and every later address) stays as it was.
    w.ok(
        CONTRACT_OWNER,
        token,
        &IToken::mintCall {
            to: drainer,
            value: eth(2 * DEPOSIT_ETH),
        },
    );
    let through = |w: &mut World, to: Address| {
        let before = w.read(to, &IVault::balanceOfCall { account: drainer });
        let r = w.ok(
            CONTRACT_OWNER,
            drainer,
            &IDrainer::withdrawCall {
                vault: to,
                amount: eth(WITHDRAW_ETH),
            },
        );
        let after = w.read(to, &IVault::balanceOfCall { account: drainer });
        assert_eq!(
            before - after,
            eth(WITHDRAW_ETH),
            "withdraw through the drainer"
        );
        r.gas_used
    };
    for to in [plain, vault] {
        let fund = IDrainer::fundCall {
            vault: to,
            token,
            amount: eth(DEPOSIT_ETH),
        };
        w.ok(CONTRACT_OWNER, drainer, &fund);
        through(w, to);
    }
    let base = through(w, plain);
    w.ok(VAULT_ADMIN, guard, &rate_limit_off(vault, sel));
    w.ok(VAULT_ADMIN, guard, &advisory_tags(vault, sel, Vec::new()));
    let configs: [(&str, u64, u8); 2] = [
        (
            "Vigil (contract caller): pause + caller screening",
            2,
            SCREEN_CONFIRMED,
        ),
        (
            "Vigil (contract caller): pause + screening + code hash",
            3,
            SCREEN_CODE,
        ),
    ];
    let mut rows = Vec::new();
    for (name, words, mode) in configs {
        w.ok(VAULT_ADMIN, guard, &screening(vault, sel, mode));
        let policy = Policy::new(mode, 0, false);
        let reported = vigil_policy(w);
        if reported != policy {
            return Err(format!(
                "{name}: the guard reports {reported:?}, expected {policy:?}"
            ));
        }
        through(w, vault);
        for cached in [true, false] {
            set_cached(w, guard, cached)?;
            let gas = through(w, vault);
            rows.push(Row {
                name: format!("{name}, {}", if cached { "cached" } else { "uncached" }),
                cached: Some(cached),
                words: Some(words),
                gas,
                extra: gas as i64 - base as i64,
                is: None,
                against: vec![Baseline::ExternalTwoReads],
            });
        }
    }
    set_cached(w, guard, true)?;
    Ok(rows)
}

/// The extra gas of the row that is baseline `b`.
pub fn baseline_extra(rows: &[Row], b: Baseline) -> i64 {
    rows.iter()
        .find(|r| r.is == Some(b))
        .map(|r| r.extra)
        .expect("every baseline is measured")
}

/// The Vigil rows as chart groups: one per protection, its cached and uncached bars with their
/// floors, then the baselines it is compared with.
pub fn chart_groups(rows: &[Row]) -> Vec<chart::Group> {
    let mut groups: Vec<chart::Group> = Vec::new();
    for r in rows.iter().filter(|r| r.cached.is_some()) {
        let cached = r.cached == Some(true);
        let label = r
            .name
            .trim_end_matches(if cached { ", cached" } else { ", uncached" })
            .trim_start_matches("Vigil: ")
            .trim_start_matches("Vigil ")
            .to_string();
        let bar = chart::Bar {
            label: format!("Vigil, {}", if cached { "cached" } else { "uncached" }),
            kind: if cached {
                chart::Kind::Cached
            } else {
                chart::Kind::Uncached
            },
            extra: r.extra,
            floor: r.floor().map(|f| f as i64),
        };
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.bars.push(bar),
            None => {
                let mut bars = vec![bar];
                bars.extend(r.against.iter().map(|b| chart::Bar {
                    label: b.label().to_string(),
                    kind: chart::Kind::Solidity,
                    extra: baseline_extra(rows, *b),
                    floor: None,
                }));
                groups.push(chart::Group { label, bars });
            }
        }
    }
    for g in &mut groups {
        g.bars
            .sort_by_key(|b| b.kind != chart::Kind::Cached && b.kind != chart::Kind::Uncached);
    }
    groups
}

pub fn table(rows: &[Row]) -> String {
    let mut t = Table::new(&[
        ("protection", Align::Left),
        ("words read", Align::Right),
        ("withdraw gas", Align::Right),
        ("extra gas", Align::Right),
        ("vs Solidity baseline (extra / extra)", Align::Left),
        ("floor", Align::Right),
        ("above floor", Align::Right),
    ]);
    for r in rows {
        let compared = if r.is.is_some() {
            "(baseline)".to_string()
        } else {
            let ratios: Vec<String> = r
                .against
                .iter()
                .map(|b| {
                    let ratio = r.extra as f64 / baseline_extra(rows, *b) as f64;
                    format!("{ratio:.2}x {}", b.label())
                })
                .collect();
            ratios.join("; ")
        };
        t.row(&[
            r.name.clone(),
            r.words.map_or(String::new(), |n| n.to_string()),
            thousands(r.gas),
            signed(r.extra),
            compared,
            r.floor().map_or(String::new(), thousands),
            r.floor()
                .map_or(String::new(), |f| signed(r.extra - f as i64)),
        ]);
    }
    format!(
        "### Guarded `withdraw`\n\n{}\nFloor = cold account {} (EIP-2929) + Stylus entry {} cached \
         (+{} uncached; stylus-gas-model.md) + {} per cold storage word the check reads: the \
         selector word (pause copies, flags, bucket); + the caller's status word when screening; + \
         a tag word and its status word per advisory tag; + the caller's code-hash status word with \
         code-hash screening (contracts/guard/src/word.rs and evaluate.rs). Rate-limited rows also \
         write the selector word back (a warm SSTORE, not in the floor). Contract-caller rows \
         withdraw through a contract (test/forge's VaultDrainer) and are measured against that \
         contract withdrawing from the unprotected vault; code-hash screening also pays a warm \
         EXTCODEHASH (100, not in the floor): the caller just called the vault. An externally owned \
         caller is never looked up.\n\n",
        t.markdown(),
        thousands(COLD_ACCOUNT_GAS),
        thousands(CACHED_ENTRY_GAS),
        thousands(INIT_ENTRY_GAS),
        thousands(COLD_SLOAD_GAS),
    )
}

/// Puts `program` in the cache manager or takes it out.
fn set_cached(w: &mut World, program: Address, cached: bool) -> Result<(), String> {
    w.chain
        .set_cached(program, cached)
        .map_err(|e| format!("set_cached: {e}"))
}
