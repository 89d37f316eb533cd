//! Scenario 5 of issue 4: a Stylus protocol guarded by a Stylus guard. The release wasm of
//! `examples/stylus-vault` (built by `script/build-contracts.sh`, as users deploy it) asks the real
//! CircuitGuard through `vigil_guard::client::GuardClient` before every withdrawal; its reverts
//! must be the guard's bytes, unchanged, and a contract re-entering `withdraw` from `receive()`
//! must get nothing. Gas is free on the devnet (base fee 0), so every ETH balance is exact.
//!
//! Run: `cargo test -p vigil-devnet --test stylus_vault` (add `-- --nocapture` for the gas figures).

use std::sync::OnceLock;

use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use vigil_devnet::system::*;
use vigil_devnet::{Address, Bytes, Receipt, U256};

sol! {
    /// examples/stylus-vault (the Stylus program).
    interface IStylusVault {
        function deposit() external payable;
        function withdraw(uint256 amount) external;
        function balanceOf(address account) external view returns (uint256);
        function guard() external view returns (address);
        error InsufficientBalance(address account, uint256 balance, uint256 requested);
        error TransferFailed(address to, uint256 amount);
        event Deposited(address indexed account, uint256 amount);
        event Withdrawn(address indexed account, uint256 amount);
    }

    /// test/forge/attack/ReentrantWithdrawer.sol
    interface IReentrantWithdrawer {
        function attack(uint256 amount) external payable;
        function attempts() external view returns (uint256);
        function reentered() external view returns (uint256);
        function refusal() external view returns (bytes memory);
    }
}

/// The deployable wasm of the example vault, built once per test binary.
fn vault_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        vigil_devnet::artifacts::build_wasm(&workspace(), "vigil-example-stylus-vault")
            .unwrap_or_else(|e| panic!("building vigil-example-stylus-vault: {e}"))
    })
}

/// Registry and guard linked, reporters warm, and the Stylus vault deployed by DEPLOYER with
/// VAULT_ADMIN as its admin on the guard. (`World::vault` is the Solidity vault, unused here.)
fn setup() -> (World, Address) {
    let mut w = World::with_warm_reporters();
    let ctor = (w.guard, VAULT_ADMIN).abi_encode_params();
    let vault = w
        .chain
        .deploy_stylus(DEPLOYER, vault_wasm(), Some(&ctor))
        .expect("deploy the Stylus vault");
    (w, vault)
}

fn deposit(w: &mut World, vault: Address, who: Address, amount: U256) -> Receipt {
    w.ok_value(who, vault, &IStylusVault::depositCall {}, amount)
}

fn withdraw(w: &mut World, vault: Address, who: Address, amount: U256) -> Receipt {
    w.send(who, vault, &IStylusVault::withdrawCall { amount })
}

fn held(w: &mut World, vault: Address, account: Address) -> U256 {
    w.read(vault, &IStylusVault::balanceOfCall { account })
}

/// The vault's logs of event `E` in `r`, decoded.
fn vault_logs<E: SolEvent>(r: &Receipt, vault: Address) -> Vec<E> {
    r.logs
        .iter()
        .filter(|l| l.address == vault && l.topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|l| E::decode_raw_log(l.topics.iter().copied(), &l.data).expect("event decodes"))
        .collect()
}

fn withdraw_sel() -> FixedBytes<4> {
    IStylusVault::withdrawCall::SELECTOR.into()
}

/// (the caller's vault balance, the caller's ETH, the vault's ETH).
fn books(w: &mut World, vault: Address, who: Address) -> (U256, U256, U256) {
    (
        held(w, vault, who),
        w.chain.balance(who),
        w.chain.balance(vault),
    )
}

#[test]
fn registers_itself_and_moves_exact_eth() {
    let (mut w, vault) = setup();
    let guard = w.guard;
    assert_eq!(w.read(vault, &IStylusVault::guardCall {}), guard);
    // The constructor's Stylus -> Stylus call registered the vault (not its deployer) with the
    // admin it was given.
    let info = w.read(guard, &ICircuitGuard::protocolInfoCall { protocol: vault });
    assert_eq!((info.registered, info.admin), (true, VAULT_ADMIN));
    let info = w.read(
        guard,
        &ICircuitGuard::protocolInfoCall { protocol: DEPLOYER },
    );
    assert!(!info.registered, "the deployer is not a protocol");

    w.chain.fund(USER, eth(10));
    let r = deposit(&mut w, vault, USER, eth(3));
    let logs = vault_logs::<IStylusVault::Deposited>(&r, vault);
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].account, logs[0].amount), (USER, eth(3)));
    assert_eq!(books(&mut w, vault, USER), (eth(3), eth(7), eth(3)));

    // One ether and one wei out: the caller gets exactly that, the vault keeps the rest.
    let amount = eth(1) + U256::from(1);
    let r = withdraw(&mut w, vault, USER, amount);
    assert!(r.success, "withdraw: 0x{}", hex_string(&r.output));
    let logs = vault_logs::<IStylusVault::Withdrawn>(&r, vault);
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].account, logs[0].amount), (USER, amount));
    let left = eth(2) - U256::from(1);
    assert_eq!(
        books(&mut w, vault, USER),
        (left, eth(8) + U256::from(1), left)
    );

    // More than the balance, and a stranger's first withdrawal: the vault's own typed error,
    // after the guard passed, and nothing moves.
    let over = left + U256::from(1);
    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall { amount: over },
        &error_data(IStylusVault::InsufficientBalance {
            account: USER,
            balance: left,
            requested: over,
        }),
    );
    w.reverts(
        USER2,
        vault,
        &IStylusVault::withdrawCall {
            amount: U256::from(1),
        },
        &error_data(IStylusVault::InsufficientBalance {
            account: USER2,
            balance: U256::ZERO,
            requested: U256::from(1),
        }),
    );
    assert_eq!(
        books(&mut w, vault, USER),
        (left, eth(8) + U256::from(1), left)
    );

    // Everything that is left, to the wei.
    assert!(withdraw(&mut w, vault, USER, left).success);
    assert_eq!(
        books(&mut w, vault, USER),
        (U256::ZERO, eth(10), U256::ZERO)
    );
}

#[test]
fn a_flagged_caller_gets_the_guards_verdict_byte_for_byte() {
    let (mut w, vault) = setup();
    let guard = w.guard;
    let sel = withdraw_sel();
    let screening = |mode: u8| ICircuitGuard::setScreeningCall {
        protocol: vault,
        selector: sel,
        mode,
        screenOrigin: false,
    };
    // Only the vault's admin sets the vault's policy.
    w.reverts(
        ATTACKER,
        guard,
        &screening(1),
        &error_data(ICircuitGuard::NotAdmin {
            protocol: vault,
            account: ATTACKER,
        }),
    );
    w.ok(VAULT_ADMIN, guard, &screening(1));
    let policy = w.read(
        guard,
        &ICircuitGuard::selectorPolicyCall {
            protocol: vault,
            selector: sel,
        },
    );
    assert_eq!(
        (policy.configured, policy.screening, policy.screenOrigin),
        (true, 1, false)
    );

    for who in [USER, USER2] {
        w.chain.fund(who, eth(5));
        deposit(&mut w, vault, who, eth(2));
    }
    assert!(withdraw(&mut w, vault, USER, eth(1)).success);

    w.flag(address_subject(USER), 1, 10 * DAY);
    assert_eq!(w.status(address_subject(USER)).level, 3);
    let verdict = error_data(ICircuitGuard::CallerFlagged {
        caller: USER,
        level: 3,
    });
    // What the guard itself would say to the vault for this call...
    let preview: Bytes = w.read(
        guard,
        &ICircuitGuard::previewCall {
            protocol: vault,
            caller: USER,
            selector: sel,
            amount: eth(1),
        },
    );
    assert_eq!(preview, verdict);
    // ...is exactly what the vault's caller gets, through the Stylus -> Stylus call.
    let before = books(&mut w, vault, USER);
    assert_eq!(before, (eth(1), eth(4), eth(3)));
    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall { amount: eth(1) },
        &verdict,
    );
    assert_eq!(books(&mut w, vault, USER), before);

    // Someone else is unaffected.
    assert!(withdraw(&mut w, vault, USER2, eth(2)).success);
    assert_eq!(books(&mut w, vault, USER2), (U256::ZERO, eth(5), eth(1)));

    // The policy is the vault admin's: screening off lets the flagged caller out again.
    w.ok(VAULT_ADMIN, guard, &screening(2));
    assert!(withdraw(&mut w, vault, USER, eth(1)).success);
    assert_eq!(books(&mut w, vault, USER), (U256::ZERO, eth(5), U256::ZERO));
}

/// The vault's withdraw limit as the guard reports it (levels in wei, whole units).
fn withdraw_limit(w: &mut World, vault: Address) -> ICircuitGuard::RateLimit {
    let guard = w.guard;
    w.read(
        guard,
        &ICircuitGuard::rateLimitCall {
            protocol: vault,
            selector: withdraw_sel(),
        },
    )
}

/// The `until` of each Tripped log the guard wrote for the vault in `r`.
fn trips(w: &World, vault: Address, r: &Receipt) -> Vec<u64> {
    r.logs
        .iter()
        .filter(|l| {
            l.address == w.guard
                && l.topics[0] == IGuardEvents::Tripped::SIGNATURE_HASH
                && l.topics[1] == vault.into_word()
        })
        .map(|l| U256::from_be_slice(&l.data).to::<u64>())
        .collect()
}

#[test]
fn a_rate_limit_on_withdraw_refuses_then_trips() {
    let (mut w, vault) = setup();
    let guard = w.guard;
    let sel = withdraw_sel();
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setRateLimitCall {
            protocol: vault,
            selector: sel,
            enabled: true,
            capacity: eth(3),
            refillPerSecond: deci_eth(1),
            tripLevel: eth(1),
            rearmLevel: eth(2),
        },
    );
    let l = withdraw_limit(&mut w, vault);
    let unit = l.unit;
    assert!(unit.is_power_of_two(), "unit {unit}");
    let cap = eth(3) / unit * unit;
    assert_eq!(
        (l.capacity, l.tripLevel, l.rearmLevel, l.available),
        (cap, eth(1) / unit * unit, eth(2) / unit * unit, cap),
        "(capacity, trip level, re-arm level, available)"
    );
    // A charge is rounded up to whole units.
    let charge = |amount: U256| amount.div_ceil(unit) * unit;

    w.chain.fund(USER, eth(10));
    deposit(&mut w, vault, USER, eth(10));
    // The deposit was credited to the full bucket: what is above capacity lapses with its second.
    w.warp_by(1);
    let t0 = w.now();
    assert!(withdraw(&mut w, vault, USER, eth(1)).success);
    let available = cap - charge(eth(1));
    assert_eq!(withdraw_limit(&mut w, vault).available, available);

    // One wei over what is left: the guard's RateLimited, unchanged, and nothing charged.
    let before = books(&mut w, vault, USER);
    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall {
            amount: available + U256::from(1),
        },
        &error_data(ICircuitGuard::RateLimited {
            selector: sel,
            available,
            retryAfter: t0 + 1,
        }),
    );
    assert_eq!(books(&mut w, vault, USER), before);
    assert_eq!(withdraw_limit(&mut w, vault).available, available);

    // Exactly what is left drains the bucket below the trip level: the breaker trips in the
    // same transaction and the next withdrawal meets a paused selector.
    let r = withdraw(&mut w, vault, USER, available);
    assert!(r.success);
    // Drained to zero: paused until refill alone brings it back to the re-arm level, in whole
    // units per second.
    let (rearm_units, refill_units) = (eth(2) / unit, deci_eth(1) / unit);
    let until = t0 + rearm_units.div_ceil(refill_units).to::<u64>();
    assert_eq!(trips(&w, vault, &r), vec![until]);
    assert_eq!(
        books(&mut w, vault, USER),
        (eth(9) - available, eth(1) + available, eth(9) - available)
    );
    let paused = error_data(ICircuitGuard::SelectorPaused {
        selector: sel,
        until,
    });
    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall {
            amount: U256::from(1),
        },
        &paused,
    );
    w.chain.warp(until - 1);
    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall {
            amount: U256::from(1),
        },
        &paused,
    );
    w.chain.warp(until);
    assert!(withdraw(&mut w, vault, USER, U256::from(1)).success);
}

/// A breaker on withdraw: 3 ETH refilling 0.1 ETH/s, tripping when a withdrawal leaves at most
/// 1 ETH and re-arming at 2 ETH (10 s of refill above the trip level). USER holds 10 ETH in the
/// vault and 50 outside, USER2 1 ETH in it, and the bucket is full: the setup's deposits were
/// credited, but above capacity a credit lapses when its second ends.
fn breaker_setup() -> (World, Address, ICircuitGuard::RateLimit) {
    let (mut w, vault) = setup();
    let guard = w.guard;
    w.ok(
        VAULT_ADMIN,
        guard,
        &rate_limit(vault, withdraw_sel(), eth(3), deci_eth(1), eth(1), eth(2)),
    );
    w.chain.fund(USER, eth(60));
    deposit(&mut w, vault, USER, eth(10));
    w.chain.fund(USER2, eth(1));
    deposit(&mut w, vault, USER2, eth(1));
    w.warp_by(1);
    let limit = withdraw_limit(&mut w, vault);
    assert_eq!(limit.available, limit.capacity);
    (w, vault, limit)
}

/// The old griefing loop (withdraw to trip, deposit back, wait, repeat) needed no capital out of
/// the vault. Now the deposit credits withdraw's bucket, so the pause it bought ends in the
/// transaction that puts the money back: an honest withdrawal passes in the next transaction,
/// in the same second, long before refill alone would have re-armed the selector.
#[test]
fn a_deposit_back_rearms_withdraw_at_once() {
    let (mut w, vault, l) = breaker_setup();
    let t = w.now();
    let (held_before, eth_before, vault_before) = books(&mut w, vault, USER);

    // Whole units, so the charge and the credit are exact.
    let amount = l.available - l.tripLevel;
    let r = withdraw(&mut w, vault, USER, amount);
    assert!(r.success, "withdraw: 0x{}", hex_string(&r.output));
    let until = t
        + (l.rearmLevel - l.tripLevel)
            .div_ceil(l.refillPerSecond)
            .to::<u64>();
    assert_eq!(trips(&w, vault, &r), vec![until]);
    assert!(until > t + 1, "refill alone re-arms only at {until}");
    w.reverts(
        USER2,
        vault,
        &IStylusVault::withdrawCall {
            amount: U256::from(1),
        },
        &error_data(ICircuitGuard::SelectorPaused {
            selector: withdraw_sel(),
            until,
        }),
    );

    let r = deposit(&mut w, vault, USER, amount);
    let deposited = vault_logs::<IStylusVault::Deposited>(&r, vault);
    assert_eq!(deposited.len(), 1);
    assert_eq!((deposited[0].account, deposited[0].amount), (USER, amount));
    let bucket = withdraw_limit(&mut w, vault);
    assert_eq!(
        (bucket.available, bucket.tripped),
        (l.tripLevel + amount, false),
        "the deposit refilled the bucket by what came in and re-armed it"
    );

    let r = withdraw(&mut w, vault, USER2, eth(1));
    assert!(r.success, "honest withdraw: 0x{}", hex_string(&r.output));
    assert!(trips(&w, vault, &r).is_empty());
    assert_eq!(w.now(), t, "no second passed");
    // What the pause cost the attacker: two transactions and no capital kept out. (The vault is
    // short only USER2's ether.)
    assert_eq!(
        books(&mut w, vault, USER),
        (held_before, eth_before, vault_before - eth(1))
    );
}

/// Deposit X and withdraw X in the same second, as a flash loan would, on a full bucket: the
/// credit counts in full against that second's withdrawals, so the round trip neither trips
/// nor spends the limit. The inflow banks nothing: the same withdrawal a second later, or
/// without the deposit, is far over the limit.
#[test]
fn a_flash_round_trip_does_not_trip() {
    let (mut w, vault, l) = breaker_setup();
    let loan = eth(20) / l.unit * l.unit;
    let before = books(&mut w, vault, USER);
    let over_the_limit = error_data(ICircuitGuard::RateLimited {
        selector: withdraw_sel(),
        available: l.capacity,
        retryAfter: u64::MAX,
    });
    let round_trip = |w: &mut World| {
        let t = w.now();
        deposit(w, vault, USER, loan);
        assert_eq!(withdraw_limit(w, vault).available, l.capacity + loan);
        let r = withdraw(w, vault, USER, loan);
        assert!(r.success, "withdraw: 0x{}", hex_string(&r.output));
        assert!(trips(w, vault, &r).is_empty(), "the round trip tripped");
        assert_eq!(w.now(), t);
        let bucket = withdraw_limit(w, vault);
        assert_eq!((bucket.available, bucket.tripped), (l.capacity, false));
    };
    round_trip(&mut w);
    assert_eq!(books(&mut w, vault, USER), before);

    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall { amount: loan },
        &over_the_limit,
    );
    deposit(&mut w, vault, USER, loan);
    w.warp_by(1);
    assert_eq!(withdraw_limit(&mut w, vault).available, l.capacity);
    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall { amount: loan },
        &over_the_limit,
    );
    // The round trip works in any second, not only the setup's.
    round_trip(&mut w);
}

/// The victim's deposit, the attacker's contract (deployed by ATTACKER) and its 1-ETH stake.
fn attack_setup(propagate: bool) -> (World, Address, Address) {
    let (mut w, vault) = setup();
    w.chain.fund(USER, eth(5));
    deposit(&mut w, vault, USER, eth(5));
    w.chain.fund(ATTACKER, eth(1));
    let code = with_args(
        creation_code("ReentrantWithdrawer.sol", "ReentrantWithdrawer"),
        &(vault, propagate).abi_encode_params(),
    );
    let attacker = w
        .chain
        .deploy_evm(ATTACKER, code)
        .expect("deploy ReentrantWithdrawer");
    (w, vault, attacker)
}

/// A receive() that re-throws the refused re-entry makes the vault's ETH transfer fail: the
/// whole withdrawal reverts with the vault's TransferFailed and not one wei moves.
#[test]
fn reentrancy_that_propagates_reverts_everything() {
    let (mut w, vault, attacker) = attack_setup(true);
    let r = w.send_value(
        ATTACKER,
        attacker,
        &IReentrantWithdrawer::attackCall { amount: eth(1) },
        eth(1),
    );
    assert_reverted(
        &r,
        "attack",
        &error_data(IStylusVault::TransferFailed {
            to: attacker,
            amount: eth(1),
        }),
    );
    assert!(r.logs.is_empty());
    assert_eq!(w.chain.balance(ATTACKER), eth(1));
    assert_eq!(w.chain.balance(attacker), U256::ZERO);
    assert_eq!(w.chain.balance(vault), eth(5));
    assert_eq!(held(&mut w, vault, attacker), U256::ZERO);
    assert_eq!(held(&mut w, vault, USER), eth(5));
    assert_eq!(
        w.read(attacker, &IReentrantWithdrawer::attemptsCall {}),
        U256::ZERO
    );
}

/// A receive() that swallows the refused re-entry gets its own ether back once: the legitimate
/// withdrawal happens, the re-entry was refused at the vault's entrypoint (empty revert data:
/// not even the guard or the balance check ran), and the victim's deposit is untouched.
#[test]
fn reentrancy_that_swallows_gets_only_its_own_withdrawal() {
    let (mut w, vault, attacker) = attack_setup(false);
    let r = w.ok_value(
        ATTACKER,
        attacker,
        &IReentrantWithdrawer::attackCall { amount: eth(1) },
        eth(1),
    );
    let withdrawn = vault_logs::<IStylusVault::Withdrawn>(&r, vault);
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(
        (withdrawn[0].account, withdrawn[0].amount),
        (attacker, eth(1))
    );
    assert_eq!(
        w.read(attacker, &IReentrantWithdrawer::attemptsCall {}),
        U256::from(1)
    );
    assert_eq!(
        w.read(attacker, &IReentrantWithdrawer::reenteredCall {}),
        U256::ZERO
    );
    // Checks-effects-interactions alone would have refused it too, but with the vault's error;
    // the empty data shows the SDK's entrypoint refused it first.
    let refusal = w.read(attacker, &IReentrantWithdrawer::refusalCall {});
    assert_eq!(refusal, Bytes::new());
    assert_eq!(w.chain.balance(ATTACKER), U256::ZERO);
    assert_eq!(w.chain.balance(attacker), eth(1));
    assert_eq!(w.chain.balance(vault), eth(5));
    assert_eq!(held(&mut w, vault, attacker), U256::ZERO);
    assert_eq!(held(&mut w, vault, USER), eth(5));
}

/// Gas of a guarded withdrawal (guard check + ETH transfer), with the guard out of and in the
/// cache manager, and with the vault cached too. Printed for `--nocapture`.
#[test]
fn guarded_withdraw_gas() {
    let (mut w, vault) = setup();
    w.chain.fund(USER, eth(2));
    deposit(&mut w, vault, USER, eth(2));
    let guard = w.guard;
    let gas = |w: &mut World, guard_cached: bool, vault_cached: bool| {
        let snap = w.chain.snapshot();
        w.chain.set_cached(guard, guard_cached).unwrap();
        w.chain.set_cached(vault, vault_cached).unwrap();
        let r = withdraw(w, vault, USER, eth(1));
        assert!(r.success);
        assert_eq!(books(w, vault, USER), (eth(1), eth(1), eth(1)));
        w.chain.revert_to(snap).unwrap();
        r.gas_used
    };
    let uncached = gas(&mut w, false, false);
    let guard_cached = gas(&mut w, true, false);
    let both_cached = gas(&mut w, true, true);
    println!("Stylus vault withdraw (guard check + ETH transfer), total tx gas:");
    println!("  guard and vault uncached: {uncached}");
    println!("  guard cached:             {guard_cached}");
    println!("  guard and vault cached:   {both_cached}");
    assert!(
        both_cached < guard_cached && guard_cached < uncached,
        "caching a program lowers its entry cost: {uncached} {guard_cached} {both_cached}"
    );
}

/// Gas of a deposit (one more wei for an account that already has a balance), with and without
/// a rate limit on withdraw, with the guard out of and in the cache manager, and with the vault
/// cached too. The deposit tells the guard the inflow (`credit`): with a limit that rewrites
/// withdraw's policy word, without one the guard only reads it. Printed for `--nocapture`.
#[test]
fn deposit_gas() {
    let (mut w, vault) = setup();
    w.chain.fund(USER, eth(3));
    deposit(&mut w, vault, USER, eth(1));
    let guard = w.guard;
    let gas = |w: &mut World, guard_cached: bool, vault_cached: bool| {
        let snap = w.chain.snapshot();
        w.chain.set_cached(guard, guard_cached).unwrap();
        w.chain.set_cached(vault, vault_cached).unwrap();
        let r = deposit(w, vault, USER, eth(1));
        assert_eq!(books(w, vault, USER), (eth(2), eth(1), eth(2)));
        w.chain.revert_to(snap).unwrap();
        r.gas_used
    };
    let measure = |w: &mut World| {
        [
            gas(w, false, false),
            gas(w, true, false),
            gas(w, true, true),
        ]
    };
    let unlimited = measure(&mut w);
    w.ok(
        VAULT_ADMIN,
        guard,
        &rate_limit(vault, withdraw_sel(), eth(3), deci_eth(1), eth(1), eth(2)),
    );
    w.warp_by(1);
    let limited = measure(&mut w);
    println!("Stylus vault deposit (credit to withdraw's bucket), total tx gas:");
    println!("                            no rate limit   rate limit on withdraw");
    for (i, what) in [
        "guard and vault uncached",
        "guard cached",
        "guard and vault cached",
    ]
    .iter()
    .enumerate()
    {
        println!("  {what:<24} {:>15} {:>24}", unlimited[i], limited[i]);
    }
    for (free, metered) in unlimited.iter().zip(limited) {
        assert!(
            metered > *free,
            "a credit to a rate-limited selector writes its word: {free} vs {metered}"
        );
    }
}

sol! {
    /// The client's own errors (vigil_guard::client), beside the guard's verdicts.
    interface IGuardClient {
        error GuardNotContract(address guard);
        error GuardUnavailable(address guard);
    }
}

/// A vault given a guard address without code must not pass every check. Its constructor's
/// `registerProtocol` fails closed with GuardNotContract(wrong): on Nitro, where StylusDeployer
/// deploys, activates and constructs in one transaction, no such vault exists. (The devnet deploys
/// and constructs in two transactions, which leaves the program behind uninitialised, its guard
/// slot zero: an address without code, on every call.) Every deposit and withdraw of it is refused
/// with GuardNotContract, and no ether moves.
#[test]
fn a_vault_given_a_guard_address_without_code_fails_closed() {
    let (mut w, _) = setup();
    let wrong = Address::repeat_byte(0x77);
    assert!(w.chain.code(wrong).is_empty());
    let ctor = (wrong, VAULT_ADMIN).abi_encode_params();
    let err = w
        .chain
        .deploy_stylus(DEPLOYER, vault_wasm(), Some(&ctor))
        .expect_err("a vault cannot be constructed with a guard address without code");
    let refusal = error_data(IGuardClient::GuardNotContract { guard: wrong });
    assert!(
        err.to_string().contains(&hex_string(&refusal)),
        "the constructor's revert: {err}"
    );
    // The program the devnet left behind: its guard is zero, an address without code.
    let vault = DEPLOYER.create(w.chain.nonce(DEPLOYER) - 2);
    assert!(!w.chain.code(vault).is_empty());
    assert_eq!(w.read(vault, &IStylusVault::guardCall {}), Address::ZERO);
    let none = error_data(IGuardClient::GuardNotContract {
        guard: Address::ZERO,
    });
    w.chain.fund(USER, eth(2));
    let r = w.send_value(USER, vault, &IStylusVault::depositCall {}, eth(1));
    assert_reverted(&r, "deposit", &none);
    w.reverts(
        USER,
        vault,
        &IStylusVault::withdrawCall { amount: U256::ZERO },
        &none,
    );
    assert_eq!(w.chain.balance(USER), eth(2));
    assert_eq!(w.chain.balance(vault), U256::ZERO);
}

/// A guard whose program expired (Nitro's 365 days after activation): the vault's calls name the
/// outage, GuardUnavailable(guard), instead of an empty out-of-gas revert, and nothing moves; the
/// guard's re-activation (anyone may) brings the checks back. (The vault was activated a day after
/// the guard, so it still runs.)
#[test]
fn an_expired_guard_is_named_by_the_client() {
    let (mut w, vault) = setup();
    let guard = w.guard;
    w.chain.fund(USER, eth(10));
    deposit(&mut w, vault, USER, eth(3));
    // The chain's clock, not World::warp_by, whose keeper would renew the guard.
    let left = w
        .chain
        .program_time_left(guard)
        .expect("the guard is active");
    let t = w.now() + left + 1;
    w.chain.warp(t);
    assert!(w.chain.program_time_left(guard).is_err(), "expired");
    assert!(
        w.chain.program_time_left(vault).is_ok(),
        "the vault still runs"
    );
    let down = error_data(IGuardClient::GuardUnavailable { guard });
    let before = books(&mut w, vault, USER);
    let r = withdraw(&mut w, vault, USER, eth(1));
    assert_reverted(&r, "withdraw while the guard is expired", &down);
    eprintln!("withdraw against an expired guard: {} gas", r.gas_used);
    let r = w.send_value(USER, vault, &IStylusVault::depositCall {}, eth(1));
    assert_reverted(&r, "deposit while the guard is expired", &down);
    assert_eq!(books(&mut w, vault, USER), before);
    let keeper = Address::repeat_byte(0x4b);
    w.chain.fund(keeper, eth(10));
    let r = w.chain.activate_program(keeper, guard).unwrap();
    assert!(
        r.success,
        "re-activating the guard: 0x{}",
        hex_string(&r.output)
    );
    assert!(withdraw(&mut w, vault, USER, eth(1)).success);
    assert_eq!(books(&mut w, vault, USER), (eth(2), eth(8), eth(2)));
}
