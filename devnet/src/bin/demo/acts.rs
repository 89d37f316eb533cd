//! The story, one function per act, in the order `play` runs them on one chain.

use alloy_sol_types::SolError;
use vigil_devnet::report::ether;
use vigil_devnet::system::*;
use vigil_devnet::{Address, U256};

use crate::{check, note, section, Demo, Expect, Step};

impl Demo {
    /// Deployment: registry and guard from the release wasm, token and vault from forge, linked
    /// as [`World::deploy`] links them; every address gets its name in the story.
    pub(crate) fn setup() -> Self {
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

    /// Act 1: a confirmed attacker is blocked in the confirming block.
    pub(crate) fn act_1_attacker_blocked(&mut self) -> Step {
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
            &submit(subject, 1, 4, 10 * DAY, "exploit tx trace"),
            "submit flag on attacker (exploit, severity 4)".into(),
            Expect::Success,
        )?;
        self.row("1", "submit (first report, pushed to guard)", r.gas_used);
        self.level_note(subject)?;
        let r = self.tx(
            REPORTERS[1],
            registry,
            &corroborate(subject, "same exploit, second trace"),
            "corroborate flag on attacker".into(),
            Expect::Success,
        )?;
        self.row("1", "corroborate (below threshold)", r.gas_used);
        self.level_note(subject)?;
        let block = self.w.chain.block_number();
        let r = self.tx(
            REPORTERS[2],
            registry,
            &corroborate(subject, "same exploit, third trace"),
            "corroborate flag on attacker (reaches threshold)".into(),
            Expect::Success,
        )?;
        self.row("1", "confirming corroboration + push to guard", r.gas_used);
        self.level_note(subject)?;

        let flagged = error_data(ICircuitGuard::CallerFlagged::new((ATTACKER, 3)));
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

    /// Act 2: a token bucket on withdraw; draining it trips the breaker.
    pub(crate) fn act_2_rate_limit(&mut self) -> Step {
        section("Act 2: a rate limit on withdraw drains, trips the breaker, and re-arms on refill");
        let (guard, vault) = (self.w.guard, self.w.vault);
        let sel = withdraw_selector();
        self.tx(
            VAULT_ADMIN,
            guard,
            &rate_limit(
                vault,
                sel,
                eth(100),
                deci_eth(1) / U256::from(10),
                eth(10),
                eth(41),
            ),
            "rate limit withdraw: 100 ETH, 0.01 ETH/s, trip <=10, re-arm at 41".into(),
            Expect::Success,
        )?;
        let r = self.withdraw(USER, eth(40), Expect::Success)?;
        self.row("2", "guarded withdraw + rate limit, cached", r.gas_used);
        self.withdraw(USER, eth(40), Expect::Success)?;
        let r = self.withdraw(USER, eth(15), Expect::Success)?;
        self.row("2", "withdraw that trips the breaker", r.gas_used);
        let policy = ICircuitGuard::selectorPolicyCall {
            protocol: vault,
            selector: sel,
        };
        let until = self.w.read(guard, &policy).pausedUntil;
        let paused = error_data(ICircuitGuard::SelectorPaused::new((sel, until)));
        self.withdraw(USER, eth(1), Expect::Revert(paused))?;
        self.w.chain.warp(until);
        note("about an hour passes: refill brings the bucket back to its 41 ETH re-arm level");
        self.withdraw(USER, eth(1), Expect::Success)?;
        self.tx(
            VAULT_ADMIN,
            guard,
            &rate_limit_off(vault, sel),
            "setRateLimit(withdraw: off)".into(),
            Expect::Success,
        )?;
        Ok(())
    }

    /// Act 3: a confirmed advisory pauses the function tagged with it.
    pub(crate) fn act_3_advisory(&mut self) -> Step {
        section("Act 3: an advisory on the vault's withdraw pattern pauses it until removed");
        let (registry, guard, vault) = (self.w.registry, self.w.guard, self.w.vault);
        let advisory =
            advisory_subject("VIGIL-2026-0001: ERC-4626 first-depositor share inflation");
        self.deposit(USER2, eth(100))?;
        self.withdraw(USER2, eth(1), Expect::Success)?;
        self.tx(
            VAULT_ADMIN,
            guard,
            &advisory_tags(vault, withdraw_selector(), vec![advisory]),
            "tag withdraw with advisory VIGIL-2026-0001".into(),
            Expect::Success,
        )?;
        let r = self.withdraw(USER2, eth(1), Expect::Success)?;
        self.row("3", "guarded withdraw + 1 advisory tag, cached", r.gas_used);
        let r = self.tx(
            RESOLVER,
            registry,
            &emergency_confirm(advisory, 5, 4, 7 * DAY, "SEAL 911 report"),
            "emergencyConfirm advisory VIGIL-2026-0001".into(),
            Expect::Success,
        )?;
        self.row("3", "emergency confirmation + push", r.gas_used);
        let active = error_data(ICircuitGuard::AdvisoryActive::new((advisory,)));
        self.withdraw(USER2, eth(1), Expect::Revert(active.clone()))?;
        self.withdraw(USER, eth(1), Expect::Revert(active))?;
        self.tx(
            RESOLVER,
            registry,
            &emergency_remove(advisory, "patched upstream"),
            "emergencyRemove advisory (patched)".into(),
            Expect::Success,
        )?;
        self.withdraw(USER2, eth(1), Expect::Success)?;
        Ok(())
    }

    /// Act 4: a false flag, disputed and reversed; every wei accounted for.
    pub(crate) fn act_4_false_flag(&mut self) -> Step {
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
        let flagged = error_data(ICircuitGuard::CallerFlagged::new((victim, 3)));
        self.withdraw(victim, eth(1), Expect::Revert(flagged))?;

        let appeal = dispute(subject, "bob's wallet history");
        let wrong = error_data(IThreatRegistry::WrongBond::new((deci_eth(5), deci_eth(4))));
        self.tx_value(
            victim,
            registry,
            &appeal,
            deci_eth(4),
            "dispute with a 0.4 ETH bond".into(),
            Expect::Revert(wrong),
        )?;
        let r = self.tx_value(
            victim,
            registry,
            &appeal,
            deci_eth(5),
            "dispute with the 0.5 ETH bond".into(),
            Expect::Success,
        )?;
        self.row("4", "dispute (bond, pushed to guard)", r.gas_used);
        let r = self.tx(
            RESOLVER,
            registry,
            &resolve(subject, false, "mistaken identity"),
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
        let (owes, treasury) = self.books();
        check(
            "registry holds exactly stakes + claims + treasury",
            self.w.chain.balance(registry),
            owes,
        )?;
        note(&format!(
            "bob: +{} net; each reporter: -{} of stake; treasury: {}; registry balance = its books",
            ether(owed - deci_eth(5)),
            ether(slashed),
            ether(treasury)
        ));
        Ok(())
    }

    /// Epilogue: a self-dispute does not pay. Reporter-1 flags a sock puppet and disputes the flag
    /// itself, hoping the slash comes back to it; it ends with less than it started with.
    pub(crate) fn epilogue_self_dispute(&mut self) -> Step {
        section("Epilogue: disputing your own false flag loses money");
        let registry = self.w.registry;
        let sock = Address::repeat_byte(0x5c);
        self.names.push((sock, "sock-puppet"));
        let subject = address_subject(sock);
        let reporter = REPORTERS[0];
        let wallet_before = self.w.chain.balance(reporter);
        let (stake_before, _) = self.stake_of(reporter);
        self.tx(
            reporter,
            registry,
            &submit(subject, 2, 1, DAY, "fabricated"),
            "submit a flag on sock-puppet".into(),
            Expect::Success,
        )?;
        self.tx_value(
            reporter,
            registry,
            &dispute(subject, "hoping to farm the slash"),
            deci_eth(5),
            "dispute its own flag".into(),
            Expect::Success,
        )?;
        self.tx(
            RESOLVER,
            registry,
            &resolve(subject, false, "false flag"),
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
}
