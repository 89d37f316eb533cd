//! Issue 10 §4 on the release wasm: can the breaker be held tripped cheaply?
//!
//! The example GuardedVault's `withdraw` has a token bucket of 100 ETH refilling 0.01 ETH/s (36 ETH
//! an hour), tripping when a withdrawal leaves at most 10 ETH and re-arming at 46 ETH, one hour of
//! refill above the trip level; its `deposit` credits the bucket (net outflow). An honest user
//! keeps 1,000 ETH in the vault. The attacker plays for 24 simulated hours:
//!
//! 1. the loop the old cooldown allowed (withdraw to trip, deposit back, wait, repeat), which kept
//!    `withdraw` closed 24 hours with no capital out: it now buys no pause at all;
//! 2. the same round trip inside one second (a flash loan): it does not even trip;
//! 3. the cheapest hold left: trip, keep the capital out until refill re-arms the selector, put
//!    it back for one second, trip again. It needs 90 ETH out of the vault during every paused
//!    second and gives honest users a second between pauses;
//! 4. a hold without gaps: every re-trip needs new net outflow, 36 ETH an hour.
//!
//! Every pause is checked against the guard's bound: while held at t, the net outflow since the
//! bucket was last full (at s) exceeds capacity - re-arm + refill·(t - s).
//!
//! The last test plays §5's other pause abuse: a guardian spending the vault's selector slots.
//!
//! Run: `cargo test -p vigil-devnet --test breaker -- --nocapture` for the figures.

use alloy_sol_types::{SolCall, SolEvent};
use vigil_devnet::report::{ether, thousands};
use vigil_devnet::system::*;
use vigil_devnet::{Receipt, U256};

const HOUR: u64 = 3_600;
/// The honest user's deposit, in ETH.
const HONEST: u64 = 1_000;
/// The attacker's capital in the vault, and as much again outside it, in ETH.
const ATTACKER_CAPITAL: u64 = 1_000;

/// The vault, its withdraw limit in effective (rounded) wei, and what the attacker spent.
struct Arena {
    w: World,
    limit: ICircuitGuard::RateLimit,
    txs: u64,
    gas: u64,
}

impl Arena {
    fn new() -> Self {
        let mut w = World::deploy();
        let (guard, vault) = (w.guard, w.vault);
        w.ok(
            VAULT_ADMIN,
            guard,
            &rate_limit(
                vault,
                withdraw_selector(),
                eth(100),
                deci_eth(1) / U256::from(10),
                eth(10),
                eth(46),
            ),
        );
        w.deposit(USER, eth(HONEST));
        // The attacker's capital: 1,000 ETH in the vault and as much outside, approved once.
        // None of this is counted: it is not part of the loop.
        w.deposit(ATTACKER, eth(ATTACKER_CAPITAL));
        let (token, vault) = (w.token, w.vault);
        w.ok(
            DEPLOYER,
            token,
            &IToken::mintCall {
                to: ATTACKER,
                value: eth(ATTACKER_CAPITAL),
            },
        );
        w.ok(
            ATTACKER,
            token,
            &IToken::approveCall {
                spender: vault,
                value: U256::MAX,
            },
        );
        // The setup's deposits count only within their second: start from a full bucket.
        w.warp_by(1);
        let limit = Self::read_limit(&mut w);
        assert_eq!(limit.available, limit.capacity);
        Arena {
            w,
            limit,
            txs: 0,
            gas: 0,
        }
    }

    fn read_limit(w: &mut World) -> ICircuitGuard::RateLimit {
        let (guard, vault) = (w.guard, w.vault);
        w.read(
            guard,
            &ICircuitGuard::rateLimitCall {
                protocol: vault,
                selector: withdraw_selector(),
            },
        )
    }

    fn bucket(&mut self) -> ICircuitGuard::RateLimit {
        Self::read_limit(&mut self.w)
    }

    fn spend(&mut self, r: &Receipt) -> &mut Self {
        assert!(r.success, "attacker transaction failed");
        self.txs += 1;
        self.gas += r.gas_used;
        self
    }

    /// Withdraws what leaves the bucket exactly at the trip level; returns the amount and, when
    /// it tripped, the `until` of the Tripped log (when refill alone re-arms it).
    fn trip(&mut self) -> (U256, Option<u64>) {
        let amount = self.bucket().available - self.limit.tripLevel;
        let r = self.w.withdraw(ATTACKER, amount);
        self.spend(&r);
        let guard = self.w.guard;
        let until = r
            .logs
            .iter()
            .find(|l| l.address == guard && l.topics[0] == IGuardEvents::Tripped::SIGNATURE_HASH)
            .map(|l| U256::from_be_slice(&l.data).to::<u64>());
        (amount, until)
    }

    fn deposit(&mut self, amount: U256) {
        let vault = self.w.vault;
        let r = self
            .w
            .send(ATTACKER, vault, &IVault::depositCall { amount });
        self.spend(&r);
    }

    /// Whether `withdraw` is held closed now, as a user meets it: the guard's preview of an
    /// honest 1-wei withdrawal, which is the exact revert `check` would give.
    fn closed(&mut self) -> bool {
        let (guard, vault) = (self.w.guard, self.w.vault);
        let verdict = self.w.read(
            guard,
            &ICircuitGuard::previewCall {
                protocol: vault,
                caller: USER,
                selector: withdraw_selector(),
                amount: U256::from(1),
            },
        );
        let closed = !verdict.is_empty();
        assert_eq!(closed, self.bucket().tripped, "preview and the view agree");
        closed
    }

    /// The attacker's net outflow from the vault since the setup: withdrawn minus deposited.
    fn net_out(&mut self) -> U256 {
        self.w.token_balance(ATTACKER) - eth(ATTACKER_CAPITAL)
    }

    /// The guard's bound for a pause held at `now`: the net outflow since the bucket was last
    /// full (`full_at`, when `net_at_full` was out) exceeds capacity - re-arm + refill·elapsed.
    fn assert_paid_for(&mut self, full_at: u64, net_at_full: U256) {
        let elapsed = U256::from(self.w.now() - full_at);
        let bought =
            self.limit.capacity - self.limit.rearmLevel + self.limit.refillPerSecond * elapsed;
        let net = self.net_out() - net_at_full;
        assert!(net > bought, "held closed with net {net} <= {bought}");
    }

    /// One line of the figures: how long `withdraw` was closed, the attacker's transactions and
    /// gas, and the capital it had to keep out of the vault while closed.
    fn report(&self, what: &str, closed: u64, span: u64, capital: U256) {
        eprintln!(
            "  {what:<44} closed {:>6} of {:>6} s ({:>6.2}%), {:>2} tx, {:>9} gas, capital out {}",
            thousands(closed),
            thousands(span),
            100.0 * closed as f64 / span as f64,
            self.txs,
            thousands(self.gas),
            ether(capital)
        );
    }
}

#[test]
fn the_old_loop_buys_no_pause() {
    // Withdraw to trip, deposit the same amount back, wait an hour, repeat: with the cooldown
    // this held `withdraw` closed 24 hours with no capital out (48 tx). Now the deposit back
    // re-arms the selector in the transaction that makes it.
    let mut a = Arena::new();
    let start = a.w.now();
    let mut closed_seconds = 0;
    for _ in 0..24 {
        let tripped_at = a.w.now();
        let (amount, until) = a.trip();
        assert!(until.is_some(), "the withdrawal trips");
        assert!(a.closed());
        a.deposit(amount);
        assert!(!a.closed(), "the deposit back ends the pause at once");
        closed_seconds += a.w.now() - tripped_at;
        // An honest user withdraws in the same second.
        assert!(a.w.withdraw(USER, eth(1)).success);
        a.w.deposit(USER, eth(1));
        a.w.warp_by(HOUR);
    }
    let span = a.w.now() - start;
    assert_eq!(a.txs, 48);
    assert_eq!(a.net_out(), U256::ZERO);
    a.report(
        "old loop: trip, deposit back, wait",
        closed_seconds,
        span,
        U256::ZERO,
    );
}

#[test]
fn a_flash_round_trip_does_not_trip() {
    // Deposit 1,000 ETH (whole units) and withdraw it in the same second, as a flash loan would,
    // on a full bucket: the credit counts in full, so the bucket ends where it started.
    let mut a = Arena::new();
    let before = a.bucket().available;
    let loan = eth(1_000) / a.limit.unit * a.limit.unit;
    a.deposit(loan);
    assert_eq!(a.bucket().available, before + loan);
    let r = a.w.withdraw(ATTACKER, loan);
    a.spend(&r);
    assert!(!r
        .logs
        .iter()
        .any(|l| l.topics[0] == IGuardEvents::Tripped::SIGNATURE_HASH));
    assert!(!a.closed());
    assert_eq!(a.bucket().available, before);
    a.report("flash round trip (deposit, withdraw)", 0, 1, U256::ZERO);
    // Without the deposit, the same withdrawal is far over the limit.
    let vault = a.w.vault;
    let r =
        a.w.send(ATTACKER, vault, &IVault::withdrawCall { amount: loan });
    assert!(!r.success, "1,000 ETH without the inflow: RateLimited");
    // The surplus lapses with the second: it banks no headroom for a later exploit.
    a.deposit(loan);
    a.w.warp_by(1);
    assert_eq!(a.bucket().available, a.limit.capacity);
}

#[test]
fn the_cheapest_hold_keeps_the_capital_out_and_reopens_every_hour() {
    // Trip; keep the capital out until refill re-arms the selector; deposit it back (the
    // selector opens: the bucket is full until the second ends); one second later withdraw it
    // again to trip. Closed all but one second in each 3,601, but 90 ETH must be out of the
    // vault through every closed second, and honest users get a second to withdraw each hour.
    let mut a = Arena::new();
    let start = a.w.now();
    let end = start + DAY;
    let (mut closed_seconds, mut min_out_while_closed) = (0u64, U256::MAX);
    let (mut full_at, mut net_at_full) = (start, U256::ZERO);
    let (mut amount, mut until) = a.trip();
    while a.w.now() < end {
        let until_t = until.expect("every round trips");
        // Sample the pause: closed through until - 1 (bound checked), open at until.
        let tripped_at = a.w.now();
        a.w.chain.warp(until_t - 1);
        assert!(a.closed());
        a.assert_paid_for(full_at, net_at_full);
        min_out_while_closed = min_out_while_closed.min(a.net_out());
        a.w.chain.warp(until_t);
        assert!(!a.closed(), "refill re-arms it at the announced second");
        closed_seconds += until_t - tripped_at;
        // The gap: the capital goes back in, and an honest user can withdraw.
        a.deposit(amount);
        assert!(a.w.withdraw(USER, eth(1)).success);
        a.w.deposit(USER, eth(1));
        a.w.warp_by(1);
        assert_eq!(a.bucket().available, a.limit.capacity, "full again");
        (full_at, net_at_full) = (a.w.now(), a.net_out());
        (amount, until) = a.trip();
    }
    let span = a.w.now() - start;
    let capital = a.limit.capacity - a.limit.tripLevel;
    assert_eq!(
        min_out_while_closed, capital,
        "90 ETH out through every closed second"
    );
    // Each cycle: closed for the refill from the trip level to the re-arm level (36 ETH at
    // 0.01 ETH/s, an hour), then open for one second.
    let cycle = (a.limit.rearmLevel - a.limit.tripLevel)
        .div_ceil(a.limit.refillPerSecond)
        .to::<u64>();
    assert_eq!(span % (cycle + 1), 0);
    let cycles = span / (cycle + 1);
    assert_eq!(closed_seconds, cycles * cycle);
    assert_eq!(
        a.txs,
        2 * cycles + 1,
        "a deposit and a withdrawal per cycle"
    );
    a.report(
        "recycled hold: out until re-armed, 1 s back",
        closed_seconds,
        span,
        capital,
    );
}

#[test]
fn a_hold_without_gaps_needs_new_net_outflow_every_hour() {
    // Re-trip the moment refill re-arms the selector, without putting anything back: the
    // selector never opens, and each re-trip takes the hour's refill, 36 ETH of new outflow.
    let mut a = Arena::new();
    let start = a.w.now();
    let end = start + DAY;
    let mut closed_seconds = 0u64;
    let (_, mut until) = a.trip();
    let mut tripped_at = start;
    while a.w.now() < end {
        let until_t = until.expect("every round trips");
        a.w.chain.warp(until_t - 1);
        assert!(a.closed());
        a.assert_paid_for(start, U256::ZERO);
        a.w.chain.warp(until_t);
        closed_seconds += until_t - tripped_at;
        tripped_at = until_t;
        (_, until) = a.trip();
        assert!(a.closed(), "re-tripped in the second it re-armed");
    }
    let span = a.w.now() - start;
    assert_eq!(closed_seconds, span, "closed every second");
    // Capital out: capacity - trip level, plus refill for every second held.
    let capital = a.net_out();
    let expected =
        a.limit.capacity - a.limit.tripLevel + a.limit.refillPerSecond * U256::from(span);
    assert_eq!(capital, expected);
    assert!(capital > eth(90 + 23 * 36), "{} ETH", capital / eth(1));
    a.report(
        "hold without gaps: new outflow per re-trip",
        closed_seconds,
        span,
        capital,
    );
}

#[test]
fn a_guardian_cannot_spend_the_vaults_selector_slots() {
    // A rogue guardian pauses 32 dummy selectors, which used to give each a policy and leave the
    // admin with TooManySelectors for good. Each is now refused and changes nothing.
    let mut w = World::deploy();
    let (guard, vault) = (w.guard, w.vault);
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setGuardianCall {
            protocol: vault,
            guardian: ATTACKER,
            enabled: true,
        },
    );
    let dummy = |i: u32| (0xd000_0000u32 + i).to_be_bytes().into();
    let mut gas = 0;
    for i in 0..32 {
        let r = w.send(
            ATTACKER,
            guard,
            &ICircuitGuard::pauseSelectorCall::new((vault, dummy(i), 60)),
        );
        assert_reverted(
            &r,
            "guardian pause of a selector without a policy",
            &error_data(ICircuitGuard::SelectorNotConfigured { selector: dummy(i) }),
        );
        gas += r.gas_used;
    }
    let listed = |w: &mut World| {
        w.read(
            guard,
            &ICircuitGuard::configuredSelectorsCall { protocol: vault },
        )
    };
    assert_eq!(listed(&mut w), vec![withdraw_selector()]);
    let info = w.read(guard, &ICircuitGuard::protocolInfoCall { protocol: vault });
    assert_eq!(info.guardianPauseEnd, 0, "no episode opened");
    // The admin still has all 32 slots (withdraw holds one) ...
    for i in 1..32 {
        w.ok(
            VAULT_ADMIN,
            guard,
            &screening(vault, dummy(i), SCREEN_CONFIRMED),
        );
    }
    assert_reverted(
        &w.send(
            VAULT_ADMIN,
            guard,
            &screening(vault, dummy(99), SCREEN_CONFIRMED),
        ),
        "a 33rd selector",
        &error_data(ICircuitGuard::TooManySelectors { max: 32 }),
    );
    // ... and takes one back: the selector falls back to the protocol's word, the slot is free.
    let removed = w.ok(VAULT_ADMIN, guard, &remove_policy(vault, dummy(5)));
    assert!(!listed(&mut w).contains(&dummy(5)));
    w.ok(
        VAULT_ADMIN,
        guard,
        &screening(vault, dummy(99), SCREEN_CONFIRMED),
    );
    assert_eq!(listed(&mut w).len(), 32);
    // The guardian still pauses what has a policy, and the protocol for the rest.
    w.ok(
        ATTACKER,
        guard,
        &ICircuitGuard::pauseSelectorCall::new((vault, withdraw_selector(), 60)),
    );
    w.ok(
        ATTACKER,
        guard,
        &ICircuitGuard::pauseProtocolCall::new((vault, 60)),
    );
    eprintln!(
        "  32 refused guardian pauses: {} gas in all; removePolicy: {} gas",
        thousands(gas),
        thousands(removed.gas_used)
    );
}
