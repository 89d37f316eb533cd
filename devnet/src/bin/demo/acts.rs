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
                eth(20),
                "stake 20 ETH (a report locks up to 10)".into(),
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

    /// Act 4: a false confirmation, disputed first by a colluder of its reporters; the victim
    /// stands in the dispute and is paid first, and every wei is accounted for.
    pub(crate) fn act_4_false_flag(&mut self) -> Step {
        section(
            "Act 4: an honest user is falsely flagged; the reporters pay for it, the victim first",
        );
        let registry = self.w.registry;
        let victim = USER2;
        let colluder = Address::repeat_byte(0xc0);
        self.names.push((colluder, "mallory"));
        self.w.chain.fund(victim, eth(1));
        self.w.chain.fund(colluder, eth(1));
        let subject = address_subject(victim);
        let reporters_before: Vec<(U256, U256)> =
            REPORTERS.iter().map(|r| self.stake_of(*r)).collect();
        let wallets_before: Vec<U256> =
            REPORTERS.iter().map(|r| self.w.chain.balance(*r)).collect();

        for (i, r) in self.w.flag(subject, 2, 10 * DAY).iter().enumerate() {
            self.txs += 1;
            let who = self.name(REPORTERS[i]);
            let what = if i == 0 { "submit" } else { "corroborate" };
            self.line(&who, &format!("{what} flag on bob (phishing)"), r);
        }
        self.level_note(subject)?;
        let flag_id = self.w.status(subject).flagId;
        let locked: Vec<U256> = REPORTERS.iter().map(|r| self.stake_of(*r).1).collect();
        for ((_, before), after) in reporters_before.iter().zip(&locked) {
            check("each report locked its 10 ETH", *after - *before, eth(10))?;
        }
        let flagged = error_data(ICircuitGuard::CallerFlagged::new((victim, 3)));
        self.withdraw(victim, eth(1), Expect::Revert(flagged))?;
        let free = self.stake_of(REPORTERS[2]).0 - self.stake_of(REPORTERS[2]).1;
        let locked_out = error_data(IThreatRegistry::InsufficientStake::new((free, eth(11))));
        self.tx(
            REPORTERS[2],
            registry,
            &IThreatRegistry::requestUnstakeCall { amount: eth(11) },
            "try to unstake the stake behind the flag".into(),
            Expect::Revert(locked_out),
        )?;

        let r = self.tx_value(
            colluder,
            registry,
            &dispute(flag_id, "a friend of the reporters, disputing first"),
            deci_eth(5),
            "dispute first, hoping to take the slash".into(),
            Expect::Success,
        )?;
        self.row("4", "dispute (bond, pushed to guard)", r.gas_used);
        let taken = error_data(IThreatRegistry::AlreadyDisputed::new((subject,)));
        self.tx_value(
            victim,
            registry,
            &dispute(flag_id, "bob's wallet history"),
            deci_eth(5),
            "dispute too, with a bond".into(),
            Expect::Revert(taken),
        )?;
        self.tx(
            victim,
            registry,
            &dispute(flag_id, "bob's wallet history"),
            "stand in the open dispute (the victim needs no bond)".into(),
            Expect::Success,
        )?;
        self.w.warp_by(DAY);
        note("one day passes while the resolver reviews; bob stays blocked");
        let r = self.tx(
            RESOLVER,
            registry,
            &resolve(flag_id, false, "mistaken identity"),
            "resolve dispute: flag rejected".into(),
            Expect::Success,
        )?;
        self.row("4", "resolve (slash 3 locks, push)", r.gas_used);
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
        let paid = self.claimable(colluder);

        // The rules (docs/design.md §5): each report locked 10 ETH and weighed 5; rejection
        // slashes 50% of each lock (15 ETH in all), pays 60% of it to the victim and 20% to the
        // disputer (its bond comes back), and the treasury keeps 20%. Gas is free on the devnet
        // (base fee 0), so wallets move only by value.
        let slashed = eth(15);
        check("bob is paid 60% of the slash", owed, eth(9))?;
        check(
            "bob's wallet",
            self.w.chain.balance(victim),
            eth(1) + eth(9),
        )?;
        check(
            "mallory: bond back + 20% of the slash",
            paid,
            deci_eth(5) + eth(3),
        )?;
        for (i, r) in REPORTERS.iter().enumerate() {
            let (stake, locked) = self.stake_of(*r);
            let (stake_before, locked_before) = reporters_before[i];
            check("reporter stake", stake, stake_before - eth(5))?;
            check("reporter locked", locked, locked_before)?;
            check(
                "reporter wallet",
                self.w.chain.balance(*r),
                wallets_before[i],
            )?;
            let reputation = self.reputation_of(*r);
            check("reporter reputation", U256::from(reputation), U256::ZERO)?;
        }
        let (owes, treasury) = self.books();
        check(
            "registry holds exactly stakes + bonds + claims + treasury",
            self.w.chain.balance(registry),
            owes,
        )?;
        note(&format!(
            "reporters: -{} (5 each, and no reputation left to report with); mallory recovers {} \
             of it: the coalition is down {}; bob was blocked for a day and is paid {}; treasury {}",
            ether(slashed),
            ether(paid - deci_eth(5)),
            ether(slashed - (paid - deci_eth(5))),
            ether(owed),
            ether(treasury)
        ));
        note("harm by the rules: bob's bond at risk (0.5 ETH) and a day blocked; the reporters paid 30x the bond");
        Ok(())
    }

    /// Epilogue: a self-dispute does not pay. A new reporter flags its own sock puppet and
    /// disputes the flag itself, hoping the slash comes back to it: a disputer that reported the
    /// flag gets no share, and even the victim share paid to its sock puppet does not cover it.
    pub(crate) fn epilogue_self_dispute(&mut self) -> Step {
        section("Epilogue: disputing your own false flag loses money");
        let registry = self.w.registry;
        let sock = Address::repeat_byte(0x5c);
        let reporter = Address::repeat_byte(0x5d);
        self.names.push((sock, "sock-puppet"));
        self.names.push((reporter, "reporter-4"));
        self.w.chain.fund(reporter, eth(20));
        self.tx_value(
            reporter,
            registry,
            &IThreatRegistry::stakeCall {},
            eth(10),
            "stake 10 ETH".into(),
            Expect::Success,
        )?;
        self.w.warp_by(DAY);
        let subject = address_subject(sock);
        let wallets_before = self.w.chain.balance(reporter) + self.w.chain.balance(sock);
        let (stake_before, _) = self.stake_of(reporter);
        self.tx(
            reporter,
            registry,
            &submit(subject, 2, 1, DAY, "fabricated"),
            "submit a flag on sock-puppet".into(),
            Expect::Success,
        )?;
        let flag_id = self.w.status(subject).flagId;
        self.tx_value(
            reporter,
            registry,
            &dispute(flag_id, "hoping to farm the slash"),
            deci_eth(5),
            "dispute its own flag".into(),
            Expect::Success,
        )?;
        self.tx(
            RESOLVER,
            registry,
            &resolve(flag_id, false, "false flag"),
            "resolve: flag rejected".into(),
            Expect::Success,
        )?;
        for who in [reporter, sock] {
            let owed = self.claimable(who);
            self.tx(
                who,
                registry,
                &IThreatRegistry::claimCall {},
                format!("claim {}", ether(owed)),
                Expect::Success,
            )?;
        }
        let (stake_after, _) = self.stake_of(reporter);
        let before = wallets_before + stake_before;
        let after = self.w.chain.balance(reporter) + self.w.chain.balance(sock) + stake_after;
        // Slash 5 ETH (half the 10-ETH lock): 3 to the victim (its own sock puppet), the disputer's
        // 20% withheld because it reported the flag, 2 to the treasury.
        check(
            "reporter-4 + sock-puppet lose 40% of the slash",
            before - after,
            eth(2),
        )?;
        note(&format!(
            "reporter-4 and its sock puppet (wallets + stake): {} -> {}: lost {}, and reporter-4 can never report again",
            ether(before),
            ether(after),
            ether(before - after)
        ));
        Ok(())
    }
}
