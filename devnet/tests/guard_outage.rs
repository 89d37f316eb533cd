//! A guard that stops running (issue 11 §5), on the release wasm: the example Guarded vault in front of
//! the CircuitGuard, whose program expires 365 days after its activation or stops at an ArbOS Stylus
//! upgrade. A guarded call then names the outage (`GuardUnavailable`, not `GuardGasTooLow`); anyone
//! may report it; the vault's admin may bypass the guard only `GUARD_OUTAGE_DELAY` after the report and
//! only while ArbWasm still says the guard cannot run; a bypassed call pays the gas cap, not its gas
//! limit; a re-activation by anyone brings the check back at once, and `restoreGuard` clears the record.
//!
//! The registry plays no part in an outage: these scenarios deploy the guard, the token and the vault
//! only (nothing is flagged, so every status word the guard reads is zero).

use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface};
use vigil_devnet::stylus::arbwasm::ArbWasm;
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Devnet, Receipt, B256, U256};

sol! {
    /// interfaces/Guarded.sol: the outage part of GuardedBase, which the example vault inherits.
    #[sol(all_derives)]
    interface IGuardedOutage {
        struct GuardOutage { address admin; uint64 reportedAt; bool bypassed; bytes32 outage; }

        function GUARD_GAS_CAP() external view returns (uint256);
        function GUARD_PROBE_GAS_LEFT() external view returns (uint256);
        function GUARD_OUTAGE_DELAY() external view returns (uint256);
        function guardOutage() external view returns (GuardOutage memory);
        function reportGuardDown() external;
        function bypassGuard() external;
        function restoreGuard() external;
        function syncGuardAdmin() external;

        error GuardGasTooLow();
        error GuardUnavailable(address guard);
        error GuardNotDown(address guard);
        error GuardNotRunning(address guard);
        error GuardOutageAlreadyReported(uint64 reportedAt);
        error GuardOutageNotReported();
        error GuardOutageDelay(uint64 bypassableAt);
        error GuardAlreadyBypassed();
        error NotGuardAdmin(address account);

        event GuardReportedDown(address indexed guard, bytes32 indexed outage, bytes reason);
        event GuardBypassed(address indexed guard, bytes32 indexed outage, address indexed admin);
        event GuardRestored(address indexed guard, bytes32 indexed outage, bool wasBypassed);
    }
}

use IGuardedOutage::IGuardedOutageErrors as OutageError;

/// Re-activates and keeps the guard alive: anyone may (Vigil's operators, a protocol, a user).
const KEEPER: Address = Address::repeat_byte(0x4b);
/// Nitro's program lifetime and keep-alive window.
const EXPIRY: u64 = 365 * DAY;
const KEEPALIVE: u64 = 31 * DAY;

/// The guard, the token and the example vault (registered with the guard, VAULT_ADMIN its admin);
/// USER has 100 tokens in the vault and USER2 10.
struct Outage {
    chain: Devnet,
    guard: Address,
    /// The guard's extension program: it expires with the guard, and a guard brought back needs
    /// it for every call but the hot path's.
    extension: Address,
    token: Address,
    vault: Address,
}

impl Outage {
    fn deploy() -> Self {
        let mut chain = Devnet::new();
        for who in [
            GUARD_OWNER,
            VAULT_ADMIN,
            DEPLOYER,
            KEEPER,
            USER,
            USER2,
            ATTACKER,
        ] {
            chain.fund(who, eth(10));
        }
        let (guard, extension) = deploy_guard(&mut chain, GUARD_OWNER);
        let (token, vault) = deploy_vault(&mut chain, guard);
        let mut o = Outage {
            chain,
            guard,
            extension,
            token,
            vault,
        };
        o.deposit(USER, eth(100));
        o.deposit(USER2, eth(10));
        o
    }

    fn send<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> Receipt {
        self.send_with_gas(from, to, call, 30_000_000)
    }

    fn send_with_gas<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        gas: u64,
    ) -> Receipt {
        self.chain
            .call_with_gas(from, to, call.abi_encode().into(), U256::ZERO, gas)
            .unwrap_or_else(|e| panic!("{}: invalid transaction: {e}", C::SIGNATURE))
    }

    fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> Receipt {
        let r = self.send(from, to, call);
        assert!(
            r.success,
            "{} from {from} failed: {}",
            C::SIGNATURE,
            describe(&r)
        );
        r
    }

    fn read<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        let out = self
            .chain
            .view(VIEWER, to, call.abi_encode().into())
            .expect("view");
        assert!(out.success, "{} reverted", C::SIGNATURE);
        C::abi_decode_returns(&out.data).expect("decodable")
    }

    fn deposit(&mut self, who: Address, amount: U256) {
        let (token, vault) = (self.token, self.vault);
        self.ok(
            DEPLOYER,
            token,
            &IToken::mintCall {
                to: who,
                value: amount,
            },
        );
        self.ok(
            who,
            token,
            &IToken::approveCall {
                spender: vault,
                value: amount,
            },
        );
        self.ok(who, vault, &IVault::depositCall { amount });
    }

    fn withdraw(&mut self, who: Address, amount: U256) -> Receipt {
        let vault = self.vault;
        self.send(who, vault, &IVault::withdrawCall { amount })
    }

    fn record(&mut self) -> IGuardedOutage::GuardOutage {
        let vault = self.vault;
        self.read(vault, &IGuardedOutage::guardOutageCall {})
    }

    fn constant<C: SolCall<Return = U256>>(&mut self, call: C) -> u64 {
        let vault = self.vault;
        self.read(vault, &call).saturating_to()
    }

    fn warp_by(&mut self, seconds: u64) {
        let t = self.chain.timestamp() + seconds;
        self.chain.warp(t);
    }

    /// Moves the clock one second past the guard's expiry.
    fn expire_guard(&mut self) {
        let left = self
            .chain
            .program_time_left(self.guard)
            .expect("guard runs");
        self.warp_by(left + 1);
    }
}

/// The vault's revert, decoded by selector against Guarded's errors.
fn outage_error(r: &Receipt, what: &str) -> OutageError {
    assert!(!r.success, "{what} succeeded");
    assert!(r.halt.is_none(), "{what} halted: {:?}", r.halt);
    OutageError::abi_decode(&r.output)
        .unwrap_or_else(|_| panic!("{what}: not a Guarded error: 0x{}", hex_string(&r.output)))
}

fn describe(r: &Receipt) -> String {
    match &r.halt {
        Some(reason) => format!("halted: {reason}"),
        None => format!("reverted with 0x{}", hex_string(&r.output)),
    }
}

/// The fingerprint Guarded gives an outage: ArbWasm's error, an expiry's age turned into the
/// activation time (constant while the outage lasts).
fn fingerprint(reason: &[u8], now: u64) -> B256 {
    match ArbWasm::ProgramExpired::abi_decode(reason) {
        Ok(expired) => {
            let mut packed = ArbWasm::ProgramExpired::SELECTOR.to_vec();
            packed.extend_from_slice(&U256::from(now - expired.ageInSeconds).to_be_bytes::<32>());
            keccak256(packed)
        }
        Err(_) => keccak256(reason),
    }
}

fn log_of<E: SolEvent>(r: &Receipt, emitter: Address) -> E {
    let log = r
        .logs
        .iter()
        .find(|l| l.address == emitter && l.topics.first() == Some(&E::SIGNATURE_HASH))
        .unwrap_or_else(|| panic!("no {} log", E::SIGNATURE));
    E::decode_raw_log(log.topics.iter().copied(), &log.data).expect("decodable log")
}

// ---------------------------------------------------------------------------------------------
// The gas cap against the guard's worst path.
// ---------------------------------------------------------------------------------------------

/// The dearest `check` the guard has: four advisory tags, caller, origin and caller-code screening at
/// watch level, a rate limit that trips (a write and a `Tripped` log), uncached. Guarded forwards at most
/// `GUARD_GAS_CAP` to the guard, so the cap must stay well above it.
#[test]
fn the_gas_cap_is_at_least_three_times_the_guards_worst_path() {
    let mut o = Outage::deploy();
    let guard = o.guard;
    let protocol = Address::repeat_byte(0x55);
    o.chain.fund(protocol, eth(1));
    let sel = FixedBytes([1, 2, 3, 4]);
    o.ok(
        protocol,
        guard,
        &ICircuitGuard::registerProtocolCall { admin: protocol },
    );
    o.ok(
        protocol,
        guard,
        &ICircuitGuard::setScreeningCall::new((protocol, sel, SCREEN_WATCH | SCREEN_CODE, true)),
    );
    o.ok(
        protocol,
        guard,
        &rate_limit(
            protocol,
            sel,
            U256::from(1_000_000u64),
            U256::from(100u64),
            U256::from(100_000u64),
            U256::from(410_000u64),
        ),
    );
    let tags = (0..4)
        .map(|i| advisory_subject(&format!("ADV-{i}")))
        .collect();
    o.ok(protocol, guard, &advisory_tags(protocol, sel, tags));
    o.warp_by(1);
    // From the protocol itself (as the vault calls it): the transaction's gas minus intrinsic gas is
    // the guard's frame, its account already warm as a callee's is after the CALL's own access charge.
    // The caller is a contract (the token), so its code hash is screened too, and cold (a vault's
    // caller would be warm: this overstates the worst case a little).
    let call = ICircuitGuard::checkCall::new((o.token, sel, U256::from(950_000u64)));
    let data = call.abi_encode();
    let intrinsic = 21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>();
    let r = o.ok(protocol, guard, &call);
    assert!(
        r.logs
            .iter()
            .any(|l| l.topics[0] == IGuardEvents::Tripped::SIGNATURE_HASH),
        "the charge tripped"
    );
    let worst = r.gas_used - intrinsic;
    let cap = o.constant(IGuardedOutage::GUARD_GAS_CAPCall {});
    eprintln!("guard's worst check, uncached: {worst} gas; Guarded's cap {cap}");
    assert!(
        cap >= 3 * worst,
        "GUARD_GAS_CAP {cap} < 3 x the worst path {worst}"
    );
}

// ---------------------------------------------------------------------------------------------
// Expiry: named, reported, bypassed after the delay, restored by a re-activation.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_expired_guard_is_named_reported_bypassed_and_brought_back() {
    let mut o = Outage::deploy();
    let (guard, vault) = (o.guard, o.vault);
    let cap = o.constant(IGuardedOutage::GUARD_GAS_CAPCall {});
    let delay = o.constant(IGuardedOutage::GUARD_OUTAGE_DELAYCall {});

    // Running: a withdrawal passes the guard.
    let running = o.withdraw(USER, eth(1));
    assert!(running.success, "withdraw: {}", describe(&running));
    let running_gas = running.gas_used;

    // A year later the program has expired; every guarded function names the outage.
    o.expire_guard();
    assert!(o.chain.program_time_left(guard).is_err(), "expired");
    let r = o.withdraw(USER, eth(1));
    match outage_error(&r, "withdraw of an expired guard") {
        OutageError::GuardUnavailable(e) => assert_eq!(e.guard, guard),
        other => panic!("withdraw: {other:?}, expected GuardUnavailable"),
    }
    let failed_gas = r.gas_used;
    assert!(
        failed_gas >= cap && failed_gas <= cap + 50_000,
        "a dead guard costs the cap and the probe: {failed_gas}"
    );
    // The smallest gas limit that gets the outage named: below it GuardGasTooLow (or out of gas).
    let unavailable = IGuardedOutage::GuardUnavailable { guard }.abi_encode();
    let probe_left = o.constant(IGuardedOutage::GUARD_PROBE_GAS_LEFTCall {});
    let (mut lo, mut hi) = (60_000, 1_000_000);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let r = o.send_with_gas(USER, vault, &IVault::withdrawCall { amount: eth(1) }, mid);
        if r.output == unavailable {
            hi = mid;
        } else {
            assert!(
                r.halt.is_some()
                    || matches!(outage_error(&r, "starved"), OutageError::GuardGasTooLow(_)),
                "gas {mid}: {}",
                describe(&r)
            );
            lo = mid;
        }
    }
    let named_from = hi;
    assert!(
        named_from > cap + probe_left && named_from < cap + probe_left + 40_000,
        "the outage is named from {named_from} gas"
    );
    let r = o.send(USER, vault, &IVault::depositCall { amount: eth(1) });
    assert!(matches!(
        outage_error(&r, "deposit"),
        OutageError::GuardUnavailable(_)
    ));
    // The exit needs no guard.
    o.ok(USER2, vault, &IVault::emergencyExitCall {});
    assert_eq!(
        o.read(o.token, &IToken::balanceOfCall { account: USER2 }),
        eth(10)
    );

    // Anyone reports it: ArbWasm's error, its fingerprint, the time.
    let t0 = o.chain.timestamp();
    let r = o.ok(ATTACKER, vault, &IGuardedOutage::reportGuardDownCall {});
    let reported = log_of::<IGuardedOutage::GuardReportedDown>(&r, vault);
    let age = match ArbWasm::ProgramExpired::abi_decode(&reported.reason) {
        Ok(e) => e.ageInSeconds,
        Err(_) => panic!("reason: 0x{}", hex_string(&reported.reason)),
    };
    assert!(age > EXPIRY, "the program is older than the expiry: {age}");
    assert_eq!(reported.guard, guard);
    assert_eq!(reported.outage, fingerprint(&reported.reason, t0));
    let record = o.record();
    assert_eq!(
        (record.admin, record.reportedAt, record.bypassed),
        (VAULT_ADMIN, t0, false)
    );
    // A day later: the same outage, already on record.
    o.warp_by(DAY);
    let r = o.send(USER, vault, &IGuardedOutage::reportGuardDownCall {});
    assert!(matches!(
        outage_error(&r, "second report"),
        OutageError::GuardOutageAlreadyReported(e) if e.reportedAt == t0
    ));

    // The bypass: refused before the delay, to anyone but the admin, then allowed.
    o.chain.warp(t0 + delay - 1);
    let r = o.send(VAULT_ADMIN, vault, &IGuardedOutage::bypassGuardCall {});
    assert!(matches!(
        outage_error(&r, "bypass one second early"),
        OutageError::GuardOutageDelay(e) if e.bypassableAt == t0 + delay
    ));
    o.chain.warp(t0 + delay);
    for who in [ATTACKER, USER, GUARD_OWNER] {
        let r = o.send(who, vault, &IGuardedOutage::bypassGuardCall {});
        assert!(matches!(
            outage_error(&r, "bypass by a non-admin"),
            OutageError::NotGuardAdmin(e) if e.account == who
        ));
    }
    let r = o.withdraw(USER, eth(1));
    assert!(matches!(
        outage_error(&r, "withdraw before the bypass"),
        OutageError::GuardUnavailable(_)
    ));
    let r = o.ok(VAULT_ADMIN, vault, &IGuardedOutage::bypassGuardCall {});
    let bypassed = log_of::<IGuardedOutage::GuardBypassed>(&r, vault);
    assert_eq!(
        (bypassed.guard, bypassed.outage, bypassed.admin),
        (guard, reported.outage, VAULT_ADMIN)
    );

    // Bypassed: the withdrawal runs, and pays the cap the dead guard takes, not its gas limit.
    let before = o.read(o.token, &IToken::balanceOfCall { account: USER });
    let r = o.withdraw(USER, eth(1));
    assert!(r.success, "bypassed withdraw: {}", describe(&r));
    assert_eq!(
        o.read(o.token, &IToken::balanceOfCall { account: USER }),
        before + eth(1)
    );
    let bypassed_gas = r.gas_used;
    assert!(bypassed_gas >= cap, "the dead guard took the cap");
    assert!(
        bypassed_gas <= running_gas + cap + 20_000,
        "bypassed withdraw {bypassed_gas} > running {running_gas} + cap + the probe"
    );
    // Too little gas to ask ArbWasm after the cap: GuardGasTooLow, never a pass.
    let r = o.send_with_gas(
        USER,
        vault,
        &IVault::withdrawCall { amount: eth(1) },
        cap + probe_left,
    );
    assert!(matches!(
        outage_error(&r, "starved bypassed withdraw"),
        OutageError::GuardGasTooLow(_)
    ));

    // Anyone re-activates the guard and its extension: the check applies again at once, though
    // the bypass is still on record. The admin pauses withdraw on the guard (a call the extension
    // serves), and no gas limit gets a withdrawal past it.
    for program in [guard, o.extension] {
        let r = o
            .chain
            .activate_program(KEEPER, program)
            .expect("activation transaction");
        assert!(r.success, "re-activation: {}", describe(&r));
    }
    assert!(o.chain.program_time_left(guard).unwrap() > EXPIRY - DAY);
    assert!(o.record().bypassed, "still on record");
    o.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::pauseSelectorCall::new((vault, withdraw_selector(), 3_600)),
    );
    let until = o.chain.timestamp() + 3_600;
    let paused = error_data(ICircuitGuard::SelectorPaused {
        selector: withdraw_selector(),
        until,
    });
    let too_low = IGuardedOutage::GuardGasTooLow {}.abi_encode();
    let (mut answered, mut starved) = (0, 0);
    for gas in (40_000..=400_000).step_by(2_000) {
        let r = o.send_with_gas(USER, vault, &IVault::withdrawCall { amount: eth(1) }, gas);
        assert!(
            !r.success,
            "withdraw got past a paused guard with gas {gas}"
        );
        if r.output == paused {
            answered += 1;
        } else {
            assert!(
                r.halt.is_some() || r.output == too_low,
                "gas {gas}: {}",
                describe(&r)
            );
            starved += 1;
        }
    }
    assert!(answered > 0 && starved > 0, "both outcomes seen");
    o.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::unpauseSelectorCall::new((vault, withdraw_selector())),
    );
    let r = o.withdraw(USER, eth(1));
    assert!(r.success, "withdraw: {}", describe(&r));
    assert!(r.gas_used < cap, "the guard answered: no cap paid");

    // Anyone clears the record now that the guard runs.
    let r = o.ok(ATTACKER, vault, &IGuardedOutage::restoreGuardCall {});
    let restored = log_of::<IGuardedOutage::GuardRestored>(&r, vault);
    assert_eq!(
        (restored.guard, restored.outage, restored.wasBypassed),
        (guard, reported.outage, true)
    );
    let record = o.record();
    assert_eq!(
        (record.reportedAt, record.bypassed, record.outage),
        (0, false, B256::ZERO)
    );

    eprintln!("withdraw gas (whole transaction), guard uncached");
    eprintln!("  guard running                               {running_gas:>8}");
    eprintln!("  guard expired: GuardUnavailable             {failed_gas:>8}");
    eprintln!("  smallest gas limit that names the outage    {named_from:>8}");
    eprintln!("  guard expired, bypassed by the admin        {bypassed_gas:>8}");
}

/// The guard's hot path never reaches its extension: with the guard running and the extension
/// expired, a guarded withdrawal is checked and passes, while a configuration call (served by the
/// extension) reverts until the extension is re-activated too.
#[test]
fn an_expired_extension_stops_configuration_but_never_the_check() {
    let mut o = Outage::deploy();
    let (guard, extension, vault) = (o.guard, o.extension, o.vault);
    o.expire_guard();
    assert!(
        o.chain.program_time_left(extension).is_err(),
        "expired with the guard"
    );
    let r = o.chain.activate_program(KEEPER, guard).expect("activation");
    assert!(r.success, "re-activation: {}", describe(&r));
    let r = o.withdraw(USER, eth(1));
    assert!(
        r.success,
        "withdraw with the extension down: {}",
        describe(&r)
    );
    let pause = ICircuitGuard::pauseSelectorCall::new((vault, withdraw_selector(), 3_600));
    let r = o.send(VAULT_ADMIN, guard, &pause);
    assert!(
        !r.success,
        "a configuration call reached an expired extension"
    );
    let r = o
        .chain
        .activate_program(KEEPER, extension)
        .expect("activation");
    assert!(r.success, "re-activation: {}", describe(&r));
    o.ok(VAULT_ADMIN, guard, &pause);
    let r = o.withdraw(USER, eth(1));
    assert!(!r.success, "the pause set through the extension holds");
}

/// A keep-alive before the expiry (`codehashKeepalive`, anyone, once the program is
/// `keepaliveDays` old) restarts the year, so the guard never stops.
#[test]
fn a_keepalive_before_the_expiry_keeps_the_guard_running() {
    let mut o = Outage::deploy();
    let guard = o.guard;
    let left = o.chain.program_time_left(guard).unwrap();
    // Too early: ArbWasm refuses, nothing changes.
    let r = o
        .chain
        .keepalive(KEEPER, guard)
        .expect("keepalive transaction");
    assert!(!r.success, "a keepalive before keepaliveDays is refused");
    o.warp_by(left - DAY);
    assert!(o.chain.program_time_left(guard).unwrap() <= DAY);
    let r = o
        .chain
        .keepalive(KEEPER, guard)
        .expect("keepalive transaction");
    assert!(r.success, "keepalive: {}", describe(&r));
    assert!(o.chain.program_time_left(guard).unwrap() > EXPIRY - DAY);
    o.warp_by(EXPIRY - KEEPALIVE);
    let r = o.withdraw(USER, eth(1));
    assert!(r.success, "withdraw after the old expiry: {}", describe(&r));
}

/// The bypass belongs to the protocol's admin on the guard: after `setAdmin` there, anyone copies the
/// new admin into the vault (read from the real guard's `protocolInfo`), and the old one loses it.
#[test]
fn the_admin_on_record_follows_the_guard() {
    let mut o = Outage::deploy();
    let (guard, vault) = (o.guard, o.vault);
    let next = Address::repeat_byte(0xd2);
    o.chain.fund(next, eth(1));
    o.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setAdminCall::new((vault, next)),
    );
    assert_eq!(o.record().admin, VAULT_ADMIN, "not copied yet");
    o.ok(ATTACKER, vault, &IGuardedOutage::syncGuardAdminCall {});
    assert_eq!(o.record().admin, next);
    o.expire_guard();
    o.ok(USER, vault, &IGuardedOutage::reportGuardDownCall {});
    let delay = o.constant(IGuardedOutage::GUARD_OUTAGE_DELAYCall {});
    o.warp_by(delay);
    let r = o.send(VAULT_ADMIN, vault, &IGuardedOutage::bypassGuardCall {});
    assert!(matches!(
        outage_error(&r, "bypass by the former admin"),
        OutageError::NotGuardAdmin(e) if e.account == VAULT_ADMIN
    ));
    o.ok(next, vault, &IGuardedOutage::bypassGuardCall {});
    let r = o.withdraw(USER, eth(1));
    assert!(r.success, "bypassed withdraw: {}", describe(&r));
}

// ---------------------------------------------------------------------------------------------
// A Stylus upgrade: another outage, which an earlier bypass does not cover.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_stylus_upgrade_is_a_new_outage_that_an_old_bypass_does_not_cover() {
    let mut o = Outage::deploy();
    let (guard, vault) = (o.guard, o.vault);
    let delay = o.constant(IGuardedOutage::GUARD_OUTAGE_DELAYCall {});

    // A first outage, bypassed, then ended by a re-activation nobody followed with restoreGuard.
    o.expire_guard();
    o.ok(KEEPER, vault, &IGuardedOutage::reportGuardDownCall {});
    o.warp_by(delay);
    o.ok(VAULT_ADMIN, vault, &IGuardedOutage::bypassGuardCall {});
    let r = o.chain.activate_program(KEEPER, guard).expect("activation");
    assert!(r.success, "re-activation: {}", describe(&r));
    let r = o.withdraw(USER, eth(1));
    assert!(r.success, "withdraw: {}", describe(&r));

    // ArbOS raises the Stylus version: the guard must be activated again.
    let version = o.chain.stylus_params().version;
    o.chain.set_stylus_version(version + 1);
    let r = o.withdraw(USER, eth(1));
    match outage_error(&r, "withdraw after the upgrade") {
        OutageError::GuardUnavailable(e) => assert_eq!(e.guard, guard),
        other => panic!("withdraw: {other:?}, expected GuardUnavailable"),
    }
    // The old bypass does not carry over: the admin needs a report and a fresh delay.
    let r = o.send(VAULT_ADMIN, vault, &IGuardedOutage::bypassGuardCall {});
    assert!(matches!(
        outage_error(&r, "bypass of an unreported outage"),
        OutageError::GuardOutageNotReported(_)
    ));
    let t0 = o.chain.timestamp();
    let r = o.ok(USER2, vault, &IGuardedOutage::reportGuardDownCall {});
    let reported = log_of::<IGuardedOutage::GuardReportedDown>(&r, vault);
    let upgrade = ArbWasm::ProgramNeedsUpgrade::abi_decode(&reported.reason)
        .unwrap_or_else(|_| panic!("reason: 0x{}", hex_string(&reported.reason)));
    assert_eq!(
        (upgrade.version, upgrade.stylusVersion),
        (version, version + 1)
    );
    assert_eq!(reported.outage, keccak256(&reported.reason));
    let record = o.record();
    assert_eq!(
        (record.reportedAt, record.bypassed, record.outage),
        (t0, false, reported.outage)
    );
    let r = o.send(VAULT_ADMIN, vault, &IGuardedOutage::bypassGuardCall {});
    assert!(matches!(
        outage_error(&r, "bypass right after the report"),
        OutageError::GuardOutageDelay(e) if e.bypassableAt == t0 + delay
    ));

    // Re-activated under the new version: it runs, the bypass is refused, the record is cleared.
    let r = o.chain.activate_program(KEEPER, guard).expect("activation");
    assert!(
        r.success,
        "activation under the new version: {}",
        describe(&r)
    );
    assert_eq!(o.chain.program_version(guard).unwrap(), version + 1);
    o.warp_by(delay);
    let r = o.send(VAULT_ADMIN, vault, &IGuardedOutage::bypassGuardCall {});
    assert!(matches!(
        outage_error(&r, "bypass of a running guard"),
        OutageError::GuardNotDown(e) if e.guard == guard
    ));
    let r = o.withdraw(USER, eth(1));
    assert!(r.success, "withdraw: {}", describe(&r));
    o.ok(ATTACKER, vault, &IGuardedOutage::restoreGuardCall {});
}
