//! The README's first command (`./script/demo.sh`): Vigil's story on the embedded devnet, played
//! against the release wasm of the registry and the guard and forge's bytecode of the example vault.
//!
//! Four acts on one chain: an attacker blocked in the block that confirms it (scenario 1), a
//! drained rate limit that trips the breaker (2), an advisory that pauses a tagged function (3),
//! and a false flag that is disputed and reversed with every wei accounted for (4). Each
//! transaction prints one line: who, what, the chain's answer (decoded), gas. Every answer is
//! checked against what the story expects, so a demo that drifts from the contracts fails (exit 1)
//! instead of telling a false story.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use alloy_sol_types::{SolCall, SolInterface};
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Bytes, Receipt, B256, U256};

/// What the story expects a transaction to do.
enum Expect {
    Success,
    Revert(Bytes),
}

/// A figure for the closing table.
struct Row {
    act: &'static str,
    what: String,
    gas: u64,
}

struct Demo {
    w: World,
    rows: Vec<Row>,
    txs: usize,
    names: Vec<(Address, &'static str)>,
}

type Step = Result<(), String>;

fn main() -> ExitCode {
    // Build (or find) the release wasm and the forge artifacts first, so the time printed at the
    // end is the devnet's alone.
    registry_wasm();
    guard_wasm();
    creation_code("GuardedVault.sol", "GuardedVault");
    let started = Instant::now();
    match play() {
        Ok(demo) => {
            demo.closing_table();
            println!(
                "\n{} transactions on the devnet in {:.2} s (after the build).",
                demo.txs,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\ndemo: the chain did not answer as the story expects: {e}");
            ExitCode::FAILURE
        }
    }
}

fn play() -> Result<Demo, String> {
    let mut d = Demo::deploy();
    d.act_attacker_blocked()?;
    d.act_rate_limit()?;
    d.act_advisory()?;
    d.act_false_flag()?;
    Ok(d)
}

impl Demo {
    fn deploy() -> Self {
        section("Deployment: registry and guard (release wasm), token and vault (forge bytecode)");
        let w = World::deploy();
        let names = vec![
            (OWNER, "governance"),
            (GUARD_OWNER, "guard-owner"),
            (RESOLVER, "resolver"),
            (VAULT_ADMIN, "vault-admin"),
            (DEPLOYER, "deployer"),
            (REPORTERS[0], "reporter-1"),
            (REPORTERS[1], "reporter-2"),
            (REPORTERS[2], "reporter-3"),
            (ATTACKER, "attacker"),
            (USER, "alice"),
            (USER2, "bob"),
            (TREASURY, "treasury"),
            (w.registry, "registry"),
            (w.guard, "guard"),
            (w.token, "token"),
            (w.vault, "vault"),
        ];
        let d = Demo {
            w,
            rows: Vec::new(),
            txs: 0,
            names,
        };
        for (what, at) in [
            ("ThreatRegistry (Stylus)", d.w.registry),
            ("CircuitGuard (Stylus)", d.w.guard),
            ("TestToken (EVM)", d.w.token),
            ("GuardedVault (EVM)", d.w.vault),
        ] {
            let size = d.w.chain.code(at).len();
            println!("  {what:<26} at {at}  ({size} bytes of code on chain)");
        }
        println!(
            "  linked: registry.setGuard, guard.setRegistry, resolver appointed, vault registered \
             itself and screens withdraw for confirmed flags"
        );
        d
    }

    // -----------------------------------------------------------------------------------------
    // Act 1: a confirmed attacker is blocked in the confirming block.
    // -----------------------------------------------------------------------------------------

    fn act_attacker_blocked(&mut self) -> Step {
        section("Act 1: three reporters flag an attacker; the confirming report blocks it at once");
        let registry = self.w.registry;
        for r in REPORTERS {
            self.w.chain.fund(r, eth(100));
            self.tx_value(
                r,
                registry,
                &IThreatRegistry::stakeCall {},
                eth(10),
                "stake 10 ETH".into(),
                Expect::Success,
            )?;
        }
        self.w.warp_by(DAY);
        note("one day passes: the stakes are warm");
        self.deposit(ATTACKER, eth(1_000))?;
        self.deposit(USER, eth(1_000))?;

        // An honest withdraw before the guard is in the cache, then after: the two hot-path prices.
        // The first withdraw also creates alice's token balance (a zero-to-nonzero SSTORE), so the
        // second is the one comparable to the cached price.
        self.withdraw(USER, eth(10), Expect::Success)?;
        let r = self.withdraw(USER, eth(10), Expect::Success)?;
        self.row("1", "guarded withdraw, guard not cached", r.gas_used);
        self.w
            .chain
            .set_cached(self.w.guard, true)
            .map_err(|e| e.to_string())?;
        note("the guard program is placed in the Stylus cache (CacheManager): cheaper entry");
        let r = self.withdraw(USER, eth(10), Expect::Success)?;
        self.row("1", "guarded withdraw, guard cached", r.gas_used);

        let subject = address_subject(ATTACKER);
        let r = self.tx(
            REPORTERS[0],
            registry,
            &IThreatRegistry::submitCall {
                subject,
                category: 1,
                severity: 4,
                evidence: keccak256(b"exploit tx trace"),
                ttl: 10 * DAY,
            },
            "submit flag on attacker (exploit, severity 4)".into(),
            Expect::Success,
        )?;
        self.row("1", "submit (first report, pushed to guard)", r.gas_used);
        self.level_note(subject)?;
        let r = self.tx(
            REPORTERS[1],
            registry,
            &IThreatRegistry::corroborateCall {
                subject,
                evidence: keccak256(b"same exploit, second trace"),
            },
            "corroborate flag on attacker".into(),
            Expect::Success,
        )?;
        self.row("1", "corroborate (below threshold)", r.gas_used);
        self.level_note(subject)?;
        let block = self.w.chain.block_number();
        let r = self.tx(
            REPORTERS[2],
            registry,
            &IThreatRegistry::corroborateCall {
                subject,
                evidence: keccak256(b"same exploit, third trace"),
            },
            "corroborate flag on attacker (reaches threshold)".into(),
            Expect::Success,
        )?;
        self.row("1", "confirming corroboration + push to guard", r.gas_used);
        self.level_note(subject)?;

        let flagged = error_data(ICircuitGuard::CallerFlagged {
            _0: ATTACKER,
            _1: 3,
        });
        let r = self.withdraw(ATTACKER, eth(1), Expect::Revert(flagged))?;
        self.row("1", "blocked withdraw (reverts in the guard)", r.gas_used);
        self.withdraw(USER, eth(10), Expect::Success)?;
        let vault = self.w.vault;
        self.tx(
            ATTACKER,
            vault,
            &IVault::emergencyExitCall {},
            "emergencyExit (unguarded by design)".into(),
            Expect::Success,
        )?;
        if self.w.chain.block_number() != block {
            return Err("act 1 left its block".into());
        }
        note(&format!(
            "all of this in block {block}: the attacker was blocked by the transaction that confirmed it"
        ));
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Act 2: a token bucket on withdraw; draining it trips the breaker.
    // -----------------------------------------------------------------------------------------

    fn act_rate_limit(&mut self) -> Step {
        section("Act 2: a rate limit on withdraw drains, trips the breaker, and reopens on time");
        let (guard, vault) = (self.w.guard, self.w.vault);
        let sel = withdraw_selector();
        const COOLDOWN: u32 = 3_600;
        self.tx(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setRateLimitCall {
                protocol: vault,
                selector: sel,
                enabled: true,
                capacity: eth(100),
                refill_per_second: deci_eth(1) / U256::from(10),
                trip_level: eth(10),
                trip_cooldown: COOLDOWN,
            },
            "rate limit withdraw: 100 ETH, 0.01 ETH/s, trip <10".into(),
            Expect::Success,
        )?;
        let r = self.withdraw(USER, eth(40), Expect::Success)?;
        self.row("2", "guarded withdraw + rate limit, cached", r.gas_used);
        self.withdraw(USER, eth(40), Expect::Success)?;
        let t0 = self.w.now();
        let r = self.withdraw(USER, eth(15), Expect::Success)?;
        self.row("2", "withdraw that trips the breaker", r.gas_used);
        let until = t0 + u64::from(COOLDOWN);
        let paused = error_data(ICircuitGuard::SelectorPaused { _0: sel, _1: until });
        self.withdraw(USER, eth(1), Expect::Revert(paused))?;
        self.w.chain.warp(until);
        note("one hour passes: the cooldown is over and the bucket refilled 36 ETH");
        self.withdraw(USER, eth(1), Expect::Success)?;
        self.tx(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setRateLimitCall {
                protocol: vault,
                selector: sel,
                enabled: false,
                capacity: U256::ZERO,
                refill_per_second: U256::ZERO,
                trip_level: U256::ZERO,
                trip_cooldown: 0,
            },
            "setRateLimit(withdraw: off)".into(),
            Expect::Success,
        )?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Act 3: a confirmed advisory pauses the function tagged with it.
    // -----------------------------------------------------------------------------------------

    fn act_advisory(&mut self) -> Step {
        section("Act 3: an advisory on the vault's withdraw pattern pauses it until removed");
        let (registry, guard, vault) = (self.w.registry, self.w.guard, self.w.vault);
        let advisory =
            advisory_subject("VIGIL-2026-0001: ERC-4626 first-depositor share inflation");
        self.deposit(USER2, eth(100))?;
        self.withdraw(USER2, eth(1), Expect::Success)?;
        self.tx(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setAdvisoryTagsCall {
                protocol: vault,
                selector: withdraw_selector(),
                tags: vec![advisory],
            },
            "tag withdraw with advisory VIGIL-2026-0001".into(),
            Expect::Success,
        )?;
        let r = self.withdraw(USER2, eth(1), Expect::Success)?;
        self.row("3", "guarded withdraw + 1 advisory tag, cached", r.gas_used);
        let r = self.tx(
            RESOLVER,
            registry,
            &IThreatRegistry::emergencyConfirmCall {
                subject: advisory,
                category: 5,
                severity: 4,
                ttl: 7 * DAY,
                rationale: keccak256(b"SEAL 911 report"),
            },
            "emergencyConfirm advisory VIGIL-2026-0001".into(),
            Expect::Success,
        )?;
        self.row("3", "emergency confirmation + push", r.gas_used);
        let active = error_data(ICircuitGuard::AdvisoryActive(advisory));
        self.withdraw(USER2, eth(1), Expect::Revert(active.clone()))?;
        self.withdraw(USER, eth(1), Expect::Revert(active))?;
        self.tx(
            RESOLVER,
            registry,
            &IThreatRegistry::emergencyRemoveCall {
                subject: advisory,
                rationale: keccak256(b"patched upstream"),
            },
            "emergencyRemove advisory (patched)".into(),
            Expect::Success,
        )?;
        self.withdraw(USER2, eth(1), Expect::Success)?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Act 4: a false flag, disputed and reversed; every wei accounted for.
    // -----------------------------------------------------------------------------------------

    fn act_false_flag(&mut self) -> Step {
        section("Act 4: an honest user is falsely flagged, disputes, and is made whole");
        let registry = self.w.registry;
        let victim = USER2;
        self.w.chain.fund(victim, eth(1));
        let subject = address_subject(victim);
        let reporters_before: Vec<U256> =
            REPORTERS.iter().map(|r| self.w.chain.balance(*r)).collect();
        let (_, locked_before) = self.stake_of(REPORTERS[0]);

        for (i, r) in self.w.flag(subject, 2, 10 * DAY).iter().enumerate() {
            self.txs += 1;
            let who = self.name(REPORTERS[i]);
            let what = if i == 0 { "submit" } else { "corroborate" };
            self.line(&who, &format!("{what} flag on bob (phishing)"), r);
        }
        self.level_note(subject)?;
        let flagged = error_data(ICircuitGuard::CallerFlagged { _0: victim, _1: 3 });
        self.withdraw(victim, eth(1), Expect::Revert(flagged))?;

        let dispute = IThreatRegistry::disputeCall {
            subject,
            evidence: keccak256(b"bob's wallet history"),
        };
        let wrong = error_data(IThreatRegistry::WrongBond {
            _0: deci_eth(5),
            _1: deci_eth(4),
        });
        self.tx_value(
            victim,
            registry,
            &dispute,
            deci_eth(4),
            "dispute with a 0.4 ETH bond".into(),
            Expect::Revert(wrong),
        )?;
        let r = self.tx_value(
            victim,
            registry,
            &dispute,
            deci_eth(5),
            "dispute with the 0.5 ETH bond".into(),
            Expect::Success,
        )?;
        self.row("4", "dispute (bond, pushed to guard)", r.gas_used);
        let r = self.tx(
            RESOLVER,
            registry,
            &IThreatRegistry::resolveCall {
                subject,
                upheld: false,
                rationale: keccak256(b"mistaken identity"),
            },
            "resolve dispute: flag rejected".into(),
            Expect::Success,
        )?;
        self.row("4", "resolve (slash 3 reporters, push)", r.gas_used);
        self.level_note(subject)?;
        self.withdraw(victim, eth(1), Expect::Success)?;
        let owed = self.claimable(victim);
        let r = self.tx(
            victim,
            registry,
            &IThreatRegistry::claimCall {},
            format!("claim {}", ether(owed)),
            Expect::Success,
        )?;
        self.row("4", "claim", r.gas_used);

        // The accounting the resolver's decision implies, to the wei: each reporter loses its
        // 0.1 ETH report bond out of stake; the disputer gets its bond back plus half of the 0.3
        // slashed; the treasury keeps the other half. Gas is free on the devnet (base fee 0), so
        // wallet balances move only by value.
        let (stake_after, locked_after) = self.stake_of(REPORTERS[0]);
        let slashed = deci_eth(1);
        let expect_victim = eth(1) - deci_eth(5) + owed;
        check(
            "disputer paid bond back + half of the slash",
            owed,
            deci_eth(5) + deci_eth(3) / U256::from(2),
        )?;
        check(
            "disputer wallet",
            self.w.chain.balance(victim),
            expect_victim,
        )?;
        check("reporter stake", stake_after, eth(10) - slashed)?;
        check("reporter locked bonds", locked_after, locked_before)?;
        for (r, before) in REPORTERS.iter().zip(&reporters_before) {
            check("reporter wallet", self.w.chain.balance(*r), *before)?;
        }
        let acc = self.w.read(registry, &IThreatRegistry::accountingCall {});
        check(
            "registry holds exactly stakes + claims + treasury",
            self.w.chain.balance(registry),
            acc._0 + acc._1 + acc._2 + acc._3,
        )?;
        note(&format!(
            "bob: +{} net; each reporter: -{} of stake; treasury: {}; registry balance = its books",
            ether(owed - deci_eth(5)),
            ether(slashed),
            ether(acc._3)
        ));

        // A self-dispute does not pay: reporter-1 flags mallory, mallory... is reporter-1.
        section("Epilogue: disputing your own false flag loses money");
        let sock = Address::repeat_byte(0x5c);
        self.names.push((sock, "sock-puppet"));
        let subject = address_subject(sock);
        let reporter = REPORTERS[0];
        let wallet_before = self.w.chain.balance(reporter);
        let (stake_before, _) = self.stake_of(reporter);
        self.tx(
            reporter,
            registry,
            &IThreatRegistry::submitCall {
                subject,
                category: 2,
                severity: 1,
                evidence: keccak256(b"fabricated"),
                ttl: DAY,
            },
            "submit a flag on sock-puppet".into(),
            Expect::Success,
        )?;
        self.tx_value(
            reporter,
            registry,
            &IThreatRegistry::disputeCall {
                subject,
                evidence: keccak256(b"hoping to farm the slash"),
            },
            deci_eth(5),
            "dispute its own flag".into(),
            Expect::Success,
        )?;
        self.tx(
            RESOLVER,
            registry,
            &IThreatRegistry::resolveCall {
                subject,
                upheld: false,
                rationale: keccak256(b"false flag"),
            },
            "resolve: flag rejected".into(),
            Expect::Success,
        )?;
        let owed = self.claimable(reporter);
        self.tx(
            reporter,
            registry,
            &IThreatRegistry::claimCall {},
            format!("claim {}", ether(owed)),
            Expect::Success,
        )?;
        let (stake_after, _) = self.stake_of(reporter);
        let before = wallet_before + stake_before;
        let after = self.w.chain.balance(reporter) + stake_after;
        if after >= before {
            return Err(format!(
                "a self-dispute did not lose money ({before} -> {after})"
            ));
        }
        note(&format!(
            "reporter-1 (wallet + stake): {} -> {}: lost {}",
            ether(before),
            ether(after),
            ether(before - after)
        ));
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Helpers
    // -----------------------------------------------------------------------------------------

    fn deposit(&mut self, who: Address, amount: U256) -> Step {
        let (token, vault) = (self.w.token, self.w.vault);
        self.tx(
            DEPLOYER,
            token,
            &IToken::mintCall {
                to: who,
                value: amount,
            },
            format!("mint {} to {}", ether(amount), self.name(who)),
            Expect::Success,
        )?;
        self.tx(
            who,
            token,
            &IToken::approveCall {
                spender: vault,
                value: amount,
            },
            "approve vault".into(),
            Expect::Success,
        )?;
        self.tx(
            who,
            vault,
            &IVault::depositCall { amount },
            format!("deposit {}", ether(amount)),
            Expect::Success,
        )?;
        Ok(())
    }

    fn withdraw(&mut self, who: Address, amount: U256, expect: Expect) -> Result<Receipt, String> {
        let vault = self.w.vault;
        self.tx(
            who,
            vault,
            &IVault::withdrawCall { amount },
            format!("withdraw {}", ether(amount)),
            expect,
        )
    }

    fn tx<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        what: String,
        expect: Expect,
    ) -> Result<Receipt, String> {
        self.tx_value(from, to, call, U256::ZERO, what, expect)
    }

    /// One transaction: sent, printed, and checked against the story.
    fn tx_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
        what: String,
        expect: Expect,
    ) -> Result<Receipt, String> {
        let r = self.w.send_value(from, to, call, value);
        self.txs += 1;
        let who = self.name(from);
        self.line(&who, &what, &r);
        match expect {
            Expect::Success if r.success => Ok(r),
            Expect::Revert(ref data) if !r.success && r.output == *data => Ok(r),
            Expect::Success => Err(format!("{who}: {what}: {}", self.answer(&r))),
            Expect::Revert(data) => Err(format!(
                "{who}: {what}: expected revert {}, got {}",
                self.decode_error(&data),
                self.answer(&r)
            )),
        }
    }

    fn line(&self, who: &str, what: &str, r: &Receipt) {
        let mut answer = self.answer(r);
        let events = event_names(r);
        if r.success && !events.is_empty() {
            let _ = write!(answer, " [{}]", events.join(", "));
        }
        println!(
            "  {:<12} {:<52} {:<60} {:>9} gas",
            who,
            what,
            answer,
            group(r.gas_used)
        );
    }

    fn level_note(&mut self, subject: B256) -> Step {
        let status = self.w.status(subject);
        let level = match status.level {
            0 => "none",
            1 => "pending",
            2 => "watch",
            3 => "confirmed",
            4 => "removed",
            5 => "expired",
            _ => return Err(format!("unknown level {}", status.level)),
        };
        let registry = self.w.registry;
        let flag = self.w.read(
            registry,
            &IThreatRegistry::flagInfoCall {
                flag_id: status.flagId,
            },
        );
        note(&format!(
            "registry: flag #{} is {level}, score {} from {} reporter(s){}",
            status.flagId,
            ether(U256::from(status.score)),
            flag.reporters.len(),
            if status.disputed { ", disputed" } else { "" }
        ));
        Ok(())
    }

    /// A reporter's (stake, locked bonds).
    fn stake_of(&mut self, reporter: Address) -> (U256, U256) {
        let registry = self.w.registry;
        let info = self
            .w
            .read(registry, &IThreatRegistry::reporterInfoCall { reporter });
        (info.stake, info.locked)
    }

    fn claimable(&mut self, account: Address) -> U256 {
        let registry = self.w.registry;
        self.w
            .read(registry, &IThreatRegistry::claimableCall { account })
    }

    fn row(&mut self, act: &'static str, what: &str, gas: u64) {
        self.rows.push(Row {
            act,
            what: what.to_string(),
            gas,
        });
    }

    fn name(&self, who: Address) -> String {
        self.names
            .iter()
            .find(|(a, _)| *a == who)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| who.to_string())
    }

    /// The chain's answer in words: "ok", or the decoded revert.
    fn answer(&self, r: &Receipt) -> String {
        match (&r.halt, r.success) {
            (Some(halt), _) => format!("HALT {halt}"),
            (None, true) => "ok".into(),
            (None, false) => format!("revert {}", self.decode_error(&r.output)),
        }
    }

    /// A custom error of the guard, the registry or the vault, by name with its arguments.
    fn decode_error(&self, data: &[u8]) -> String {
        use ICircuitGuard::ICircuitGuardErrors as G;
        use IThreatRegistry::IThreatRegistryErrors as R;
        match G::abi_decode(data) {
            Ok(G::CallerFlagged(e)) => {
                return format!("CallerFlagged({}, level {})", self.name(e._0), e._1)
            }
            Ok(G::SelectorPaused(e)) => {
                return format!("SelectorPaused(withdraw, until t={})", e._1)
            }
            Ok(G::AdvisoryActive(e)) => return format!("AdvisoryActive({:.10}…)", e.0.to_string()),
            Ok(G::RateLimited(e)) => {
                return format!(
                    "RateLimited(available {}, retry at t={})",
                    ether(e._1),
                    e._2
                )
            }
            Ok(other) => return format!("{other:?}"),
            Err(_) => {}
        }
        match R::abi_decode(data) {
            Ok(R::WrongBond(e)) => {
                format!("WrongBond(expected {}, sent {})", ether(e._0), ether(e._1))
            }
            Ok(other) => format!("{other:?}"),
            Err(_) => match IVault::IVaultErrors::abi_decode(data) {
                Ok(IVault::IVaultErrors::InsufficientBalance(e)) => format!(
                    "InsufficientBalance(has {}, asked {})",
                    ether(e.balance),
                    ether(e.requested)
                ),
                Ok(IVault::IVaultErrors::NothingToExit(_)) => "NothingToExit()".into(),
                Err(_) => format!("0x{}", hex_string(data)),
            },
        }
    }

    fn closing_table(&self) {
        section("Closing table (whole-transaction gas: 21,000 intrinsic + calldata included)");
        println!("| act | transaction | gas |");
        println!("|---|---|---:|");
        for r in &self.rows {
            println!("| {} | {} | {} |", r.act, r.what, group(r.gas));
        }
    }
}

/// The names of the events a receipt logged that tell the story (token transfers left out).
fn event_names(r: &Receipt) -> Vec<&'static str> {
    const EVENTS: [(&str, &str); 14] = [
        ("Staked(address,uint256,uint256,uint64)", "Staked"),
        (
            "FlagSubmitted(bytes32,uint32,address,uint8,uint8,bytes32,uint64,uint32,uint256,uint256)",
            "FlagSubmitted",
        ),
        (
            "FlagCorroborated(bytes32,uint32,address,bytes32,uint256,uint256)",
            "FlagCorroborated",
        ),
        ("StatusChanged(bytes32,uint32,uint256)", "StatusChanged"),
        ("StatusSynced(bytes32,uint256)", "guard:StatusSynced"),
        ("Tripped(address,bytes4,uint64)", "guard:Tripped"),
        (
            "Disputed(bytes32,uint32,address,bytes32,uint256)",
            "Disputed",
        ),
        (
            "DisputeResolved(bytes32,uint32,address,bool,bytes32,uint256,uint256,uint256,uint256)",
            "DisputeResolved",
        ),
        (
            "EmergencyAction(bytes32,uint32,address,bool,bytes32)",
            "EmergencyAction",
        ),
        ("Claimed(address,uint256)", "Claimed"),
        ("Deposited(address,uint256)", "Deposited"),
        ("Withdrawn(address,uint256)", "Withdrawn"),
        ("EmergencyExited(address,uint256)", "EmergencyExited"),
        (
            "AdvisoryTagsSet(address,bytes4,bytes32[])",
            "guard:AdvisoryTagsSet",
        ),
    ];
    let mut names = Vec::new();
    for log in &r.logs {
        let Some(topic) = log.topics.first() else {
            continue;
        };
        if let Some((_, name)) = EVENTS
            .iter()
            .find(|(sig, _)| keccak256(sig.as_bytes()) == *topic)
        {
            if !names.contains(name) {
                names.push(*name);
            }
        }
    }
    names
}

fn check(what: &str, got: U256, expected: U256) -> Step {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: {got} wei, expected {expected} wei"))
    }
}

fn section(title: &str) {
    println!("\n== {title}");
}

fn note(text: &str) {
    println!("  {:<12} {text}", "..");
}

/// Wei as ETH with up to 4 decimals, exact when it has no more.
fn ether(wei: U256) -> String {
    let unit = U256::from(ETH);
    let whole = wei / unit;
    let frac = wei % unit;
    if frac.is_zero() {
        return format!("{whole} ETH");
    }
    let digits = format!("{:018}", frac.to::<u64>());
    let trimmed = digits.trim_end_matches('0');
    if trimmed.len() <= 4 {
        format!("{whole}.{trimmed} ETH")
    } else {
        format!("{whole}.{}… ETH", &digits[..4])
    }
}

/// 123456 -> "123,456".
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
