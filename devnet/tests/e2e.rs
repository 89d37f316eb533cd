//! End-to-end scenarios on the devnet, against the artifacts users deploy: the release wasm of the
//! ThreatRegistry and the CircuitGuard (`script/build-contracts.sh`) and forge's bytecode of the
//! example GuardedVault and TestToken (`script/forge-build.sh`). Every call goes through real
//! calldata, and reverts are compared byte for byte with the interfaces' custom errors.
//!
//! Run: `cargo test -p vigil-devnet --test e2e` (add `-- --nocapture` for the gas figures).

use alloy_sol_types::{SolCall, SolEvent, SolInterface};
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Bytes, Receipt, B256, U256};

fn topic_of(signature: &str) -> B256 {
    keccak256(signature.as_bytes())
}

/// The registry's status word as its `StatusChanged` log in `r` carries it.
fn pushed_word(w: &World, r: &Receipt, subject: B256) -> U256 {
    let topic = topic_of("StatusChanged(bytes32,uint32,uint256)");
    let log = r
        .logs
        .iter()
        .find(|l| l.address == w.registry && l.topics[0] == topic && l.topics[1] == subject)
        .expect("a StatusChanged log");
    U256::from_be_slice(&log.data)
}

/// The guard's `StatusSynced(subject, word)` log in `r`, if any.
fn synced_word(w: &World, r: &Receipt, subject: B256) -> Option<U256> {
    r.logs
        .iter()
        .find(|l| {
            l.address == w.guard
                && l.topics[0] == IGuardEvents::StatusSynced::SIGNATURE_HASH
                && l.topics[1] == subject
        })
        .map(|l| U256::from_be_slice(&l.data))
}

fn caller_flagged(caller: Address, level: u8) -> Bytes {
    error_data(ICircuitGuard::CallerFlagged { caller, level })
}

// ---------------------------------------------------------------------------------------------
// 1. An attacker is flagged, and the confirming transaction blocks it everywhere at once.
// ---------------------------------------------------------------------------------------------

#[test]
fn confirmed_attacker_is_blocked_in_the_confirming_block() {
    let mut w = World::with_warm_reporters();
    let (registry, guard, vault) = (w.registry, w.guard, w.vault);
    let sel = withdraw_selector();

    // The link is in place both ways and the vault registered itself from its constructor.
    let config = w.read(registry, &IThreatRegistry::configCall {});
    assert_eq!((config.owner, config.guard), (OWNER, guard));
    let gconfig = w.read(guard, &ICircuitGuard::guardConfigCall {});
    assert_eq!((gconfig.owner, gconfig.registry), (GUARD_OWNER, registry));
    let info = w.read(guard, &ICircuitGuard::protocolInfoCall { protocol: vault });
    assert!(info.registered, "vault registered");
    assert_eq!(info.admin, VAULT_ADMIN);
    let policy = w.read(
        guard,
        &ICircuitGuard::selectorPolicyCall {
            protocol: vault,
            selector: sel,
        },
    );
    assert!(policy.configured, "withdraw configured");
    assert_eq!(policy.screening, 0, "screening: confirmed");
    assert_eq!(w.read(vault, &IVault::guardCall {}), guard);

    w.deposit(ATTACKER, eth(1_000));
    w.deposit(USER, eth(1_000));

    let subject = address_subject(ATTACKER);
    let report = |i: usize| IThreatRegistry::corroborateCall {
        subject,
        severity: 0,
        evidence: keccak256(format!("exploit tx trace, report {i}")),
    };
    let r = w.ok(
        REPORTERS[0],
        registry,
        &IThreatRegistry::submitCall {
            subject,
            category: 1,
            severity: 4,
            evidence: keccak256(b"exploit tx trace, report 0"),
            ttl: 10 * DAY,
        },
    );
    assert_eq!(
        synced_word(&w, &r, subject),
        Some(pushed_word(&w, &r, subject)),
        "every status change is pushed"
    );
    // One and two reports (5 and 10 ETH of weight: each new reporter locks 10 ETH and weighs half
    // of it at reputation 500 of 1,000) put the attacker on watch, which the confirmed-only
    // screening lets through: pending or watch is not guilty.
    let watch_verdict = |w: &mut World| {
        w.read(
            guard,
            &ICircuitGuard::previewCall {
                protocol: vault,
                caller: ATTACKER,
                selector: sel,
                amount: eth(1),
            },
        )
    };
    assert_eq!(w.status(subject).level, 2);
    assert!(watch_verdict(&mut w).is_empty());
    w.ok(REPORTERS[1], registry, &report(1));
    let status = w.status(subject);
    assert_eq!((status.level, status.score), (2, 10 * ETH as u128));
    assert!(watch_verdict(&mut w).is_empty());

    // The third report confirms (15 >= 12 with 3 >= 2 reporters) and pushes the new word to the guard
    // in the same transaction.
    let block = w.chain.block_number();
    let confirm = w.ok(REPORTERS[2], registry, &report(2));
    let word = pushed_word(&w, &confirm, subject);
    assert_eq!(
        synced_word(&w, &confirm, subject),
        Some(word),
        "the confirmation pushed to the guard"
    );
    assert_eq!(
        w.read(guard, &ICircuitGuard::statusWordCall { subject }),
        word
    );
    let status = w.status(subject);
    assert_eq!(status.level, 3);
    assert_eq!(status.score, 15 * ETH as u128);
    assert!(w.read(
        registry,
        &IThreatRegistry::isFlaggedCall { account: ATTACKER }
    ));
    assert!(w.read(
        registry,
        &IThreatRegistry::isSanctionedCall { account: ATTACKER }
    ));

    // Same block, no roll: the attacker's withdraw reverts with exactly CallerFlagged(attacker, 3),
    // re-thrown by the vault byte for byte.
    let blocked = w.withdraw(ATTACKER, eth(1));
    assert_reverted(&blocked, "attacker withdraw", &caller_flagged(ATTACKER, 3));
    match ICircuitGuard::ICircuitGuardErrors::abi_decode(&blocked.output) {
        Ok(ICircuitGuard::ICircuitGuardErrors::CallerFlagged(e)) => {
            assert_eq!((e.caller, e.level), (ATTACKER, 3))
        }
        other => panic!("decoded {other:?}"),
    }
    // preview agrees without reverting.
    let verdict = w.read(
        guard,
        &ICircuitGuard::previewCall {
            protocol: vault,
            caller: ATTACKER,
            selector: sel,
            amount: eth(1),
        },
    );
    assert_eq!(verdict, caller_flagged(ATTACKER, 3));
    // Deposits are screened too (the protocol-wide default is confirmed-only screening).
    let deposit = w.send(ATTACKER, vault, &IVault::depositCall { amount: eth(1) });
    assert_reverted(&deposit, "attacker deposit", &caller_flagged(ATTACKER, 3));
    assert_eq!(w.vault_balance(ATTACKER), eth(1_000), "nothing moved");

    // An honest user keeps withdrawing.
    for _ in 0..2 {
        assert!(w.withdraw(USER, eth(10)).success);
    }
    assert_eq!(w.vault_balance(USER), eth(980));
    assert_eq!(w.token_balance(USER), eth(20));

    // Counterparties are screened too (`notFlagged(to)`, a STATICCALL to `screen`): nobody can move
    // vault balance to the attacker, and the attacker cannot move its own out to a clean address.
    let to_attacker = IVault::transferBalanceCall {
        to: ATTACKER,
        amount: eth(1),
    };
    assert_reverted(
        &w.send(USER, vault, &to_attacker),
        "transfer to the attacker",
        &caller_flagged(ATTACKER, 3),
    );
    let from_attacker = IVault::transferBalanceCall {
        to: USER2,
        amount: eth(1),
    };
    assert_reverted(
        &w.send(ATTACKER, vault, &from_attacker),
        "transfer by the attacker",
        &caller_flagged(ATTACKER, 3),
    );
    w.ok(USER, vault, &from_attacker);
    assert_eq!(w.vault_balance(USER2), eth(1));

    // The unguarded exit keeps working, even for a flagged caller: exits are the protocol's choice.
    let exit = w.ok(ATTACKER, vault, &IVault::emergencyExitCall {});
    assert_eq!(
        IVault::emergencyExitCall::abi_decode_returns(&exit.output).unwrap(),
        eth(1_000)
    );
    assert_eq!(w.vault_balance(ATTACKER), U256::ZERO);
    assert_eq!(w.token_balance(ATTACKER), eth(1_000));
    assert_eq!(w.chain.block_number(), block, "all in one block");
    assert_eq!(w.read(vault, &IVault::totalDepositsCall {}), eth(980));
}

/// The other side of "confirmation protects in the same transaction": a guard that refuses the
/// push (here its owner cut the feed, through the guard's timelock) cannot stop the registry. The
/// confirming report lands, bonds and all, and the registry logs `GuardSyncSkipped` with the word
/// the guard missed; the guard's copy stays stale (the attacker still passes the vault) until,
/// once the feed is back, anyone pushes the registry's word with `syncGuard`.
#[test]
fn a_refused_push_is_logged_and_repaired_by_anyone() {
    let mut w = World::with_warm_reporters();
    let (registry, guard) = (w.registry, w.guard);
    w.deposit(ATTACKER, eth(10));
    let subject = address_subject(ATTACKER);
    let submit = IThreatRegistry::submitCall {
        subject,
        category: 1,
        severity: 4,
        evidence: B256::repeat_byte(1),
        ttl: 10 * DAY,
    };
    w.ok(REPORTERS[0], registry, &submit);
    let corroborate = IThreatRegistry::corroborateCall {
        subject,
        severity: 0,
        evidence: B256::repeat_byte(2),
    };
    w.ok(REPORTERS[1], registry, &corroborate);
    let watch_word = w.read(guard, &ICircuitGuard::statusWordCall { subject });
    let cut = w.timelocked(
        GUARD_OWNER,
        guard,
        &ICircuitGuard::setRegistryCall {
            registry: Address::ZERO,
        },
    );
    assert!(cut.success, "the guard's owner cuts the feed");

    let r = w.ok(REPORTERS[2], registry, &corroborate);
    let word = pushed_word(&w, &r, subject);
    let skipped = topic_of("GuardSyncSkipped(address,bytes32,uint256)");
    let log = r
        .logs
        .iter()
        .find(|l| l.address == registry && l.topics[0] == skipped)
        .expect("a GuardSyncSkipped log");
    assert_eq!(
        (log.topics[1], log.topics[2], U256::from_be_slice(&log.data)),
        (guard.into_word(), subject, word),
        "GuardSyncSkipped(guard, subject, the word it missed)"
    );
    assert_eq!(synced_word(&w, &r, subject), None, "the guard took nothing");
    assert_eq!(w.status(subject).level, 3, "confirmed in the registry");
    let info = w.read(
        registry,
        &IThreatRegistry::reporterInfoCall {
            reporter: REPORTERS[2],
        },
    );
    assert_eq!(info.locked, eth(10), "the report's bond is locked as usual");
    assert_eq!(
        w.read(guard, &ICircuitGuard::statusWordCall { subject }),
        watch_word,
        "the guard's copy is stale"
    );

    // Relinked, the guard still holds the old word: the attacker passes.
    let relink = w.timelocked(
        GUARD_OWNER,
        guard,
        &ICircuitGuard::setRegistryCall { registry },
    );
    assert!(relink.success);
    assert!(
        w.withdraw(ATTACKER, eth(1)).success,
        "a stale copy lets it out"
    );

    // One public call repairs it; the vault then refuses the attacker.
    w.chain.fund(USER2, eth(1));
    let r = w.ok(
        USER2,
        registry,
        &IThreatRegistry::syncGuardCall {
            subjects: vec![subject],
        },
    );
    assert_eq!(synced_word(&w, &r, subject), Some(word));
    assert_eq!(
        w.read(guard, &ICircuitGuard::statusWordCall { subject }),
        word
    );
    assert_reverted(
        &w.withdraw(ATTACKER, eth(1)),
        "attacker withdraw after the repair",
        &caller_flagged(ATTACKER, 3),
    );
    assert_eq!(w.vault_balance(ATTACKER), eth(9));
}

/// Gas of the confirming corroboration (with its push to the guard) and of a guarded withdraw,
/// with the programs cached and uncached, next to the same vault without a guard.
#[test]
fn gas_of_confirmation_and_guarded_withdraw() {
    let mut w = World::with_warm_reporters();
    let registry = w.registry;
    let subject = address_subject(ATTACKER);
    // Steady state for the withdraw: every slot it writes is non-zero before and after (the user
    // keeps a vault balance and a token balance), all accounts cold (each call is a transaction).
    w.deposit(USER, eth(1_000));
    let token = w.token;
    w.ok(
        DEPLOYER,
        token,
        &IToken::mintCall {
            to: USER,
            value: eth(1),
        },
    );
    w.ok(
        REPORTERS[0],
        registry,
        &IThreatRegistry::submitCall {
            subject,
            category: 1,
            severity: 4,
            evidence: B256::repeat_byte(1),
            ttl: 10 * DAY,
        },
    );
    w.ok(
        REPORTERS[1],
        registry,
        &IThreatRegistry::corroborateCall {
            subject,
            severity: 0,
            evidence: B256::repeat_byte(2),
        },
    );
    let confirm = IThreatRegistry::corroborateCall {
        subject,
        severity: 0,
        evidence: B256::repeat_byte(3),
    };

    let confirm_gas = |w: &mut World, cached: bool, linked: bool| {
        let snap = w.chain.snapshot();
        for p in [w.registry, w.guard] {
            w.chain.set_cached(p, cached).unwrap();
        }
        if !linked {
            let unlink = w.timelocked(
                OWNER,
                registry,
                &IThreatRegistry::setGuardCall {
                    guard: Address::ZERO,
                },
            );
            assert!(unlink.success);
        }
        let r = w.ok(REPORTERS[2], registry, &confirm);
        assert_eq!(synced_word(w, &r, subject).is_some(), linked);
        assert_eq!(w.status(subject).level, 3);
        w.chain.revert_to(snap).unwrap();
        r.gas_used
    };
    let confirm_uncached = confirm_gas(&mut w, false, true);
    let confirm_cached = confirm_gas(&mut w, true, true);
    let confirm_unlinked = confirm_gas(&mut w, true, false);

    let withdraw_gas = |w: &mut World, cached: bool| {
        let snap = w.chain.snapshot();
        w.chain.set_cached(w.guard, cached).unwrap();
        let r = w.withdraw(USER, eth(1));
        assert!(r.success);
        w.chain.revert_to(snap).unwrap();
        r.gas_used
    };
    let withdraw_uncached = withdraw_gas(&mut w, false);
    let withdraw_cached = withdraw_gas(&mut w, true);

    // The same vault without a guard (test/forge/utils/Helpers.sol `UnguardedVault`).
    let plain_code = with_args(
        creation_code("Helpers.sol", "UnguardedVault"),
        &alloy_sol_types::SolValue::abi_encode(&token),
    );
    let plain = w
        .chain
        .deploy_evm(DEPLOYER, plain_code)
        .expect("deploy UnguardedVault");
    w.ok(
        DEPLOYER,
        token,
        &IToken::mintCall {
            to: USER2,
            value: eth(1_001),
        },
    );
    w.ok(
        USER2,
        token,
        &IToken::approveCall {
            spender: plain,
            value: eth(1_000),
        },
    );
    w.ok(USER2, plain, &IVault::depositCall { amount: eth(1_000) });
    let baseline = w
        .ok(USER2, plain, &IVault::withdrawCall { amount: eth(1) })
        .gas_used;

    eprintln!("gas (whole transaction, intrinsic included)");
    eprintln!("  confirming corroboration + push, programs uncached  {confirm_uncached:>8}");
    eprintln!("  confirming corroboration + push, programs cached    {confirm_cached:>8}");
    eprintln!("  confirming corroboration, no guard linked, cached   {confirm_unlinked:>8}");
    eprintln!("  vault withdraw, guard uncached                      {withdraw_uncached:>8}");
    eprintln!("  vault withdraw, guard cached                        {withdraw_cached:>8}");
    eprintln!("  same vault without a guard (baseline)               {baseline:>8}");
    assert!(withdraw_cached < withdraw_uncached);
    assert!(confirm_cached < confirm_uncached);
    assert!(confirm_unlinked < confirm_cached);
    assert!(baseline < withdraw_cached);
}

// ---------------------------------------------------------------------------------------------
// 2. Rate limit: a token bucket on withdraw, a trip, a re-arm level, an exact refill.
// ---------------------------------------------------------------------------------------------

#[test]
fn rate_limit_drains_trips_and_refills_exactly() {
    const CAP: u64 = 1_000_000;
    const REFILL: u64 = 100;
    const TRIP: u64 = 100_000;
    // The trip below leaves 50,000: refill brings it back to 410,000 in exactly an hour.
    const REARM: u64 = 410_000;
    let mut w = World::deploy();
    let (guard, vault) = (w.guard, w.vault);
    let sel = withdraw_selector();
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setRateLimitCall {
            protocol: vault,
            selector: sel,
            enabled: true,
            capacity: U256::from(CAP),
            refillPerSecond: U256::from(REFILL),
            tripLevel: U256::from(TRIP),
            rearmLevel: U256::from(REARM),
        },
    );
    let available = |w: &mut World| {
        w.read(
            guard,
            &ICircuitGuard::rateLimitCall {
                protocol: vault,
                selector: sel,
            },
        )
    };
    let limit = available(&mut w);
    assert_eq!(
        (
            limit.capacity,
            limit.refillPerSecond,
            limit.tripLevel,
            limit.rearmLevel,
            limit.available,
            limit.unit
        ),
        (
            U256::from(CAP),
            U256::from(REFILL),
            U256::from(TRIP),
            U256::from(REARM),
            U256::from(CAP),
            U256::from(1)
        ),
        "(capacity, refill, trip level, re-arm level, available, unit)"
    );
    w.deposit(USER, U256::from(5_000_000u64));
    w.deposit(USER2, U256::from(1_000u64));
    // The deposits refill withdraw's bucket only within their second (it was full anyway).
    w.warp_by(1);
    let n = U256::from;
    let t0 = w.now();

    // Two withdrawals in the same second drain 800,000 of the 1,000,000.
    for _ in 0..2 {
        let r = w.withdraw(USER, n(400_000u64));
        assert!(r.success);
        assert!(r
            .logs
            .iter()
            .all(|l| l.address != guard || l.topics[0] != IGuardEvents::Tripped::SIGNATURE_HASH));
    }
    assert_eq!(available(&mut w).available, n(200_000u64));
    // More than what is left: the revert says what is available and exactly when the amount fits
    // (100,000 short at 100 per second: 1,000 s), and the failed call charged nothing.
    let r = w.withdraw(USER, n(300_000u64));
    assert_reverted(
        &r,
        "withdraw over the limit",
        &error_data(ICircuitGuard::RateLimited {
            selector: sel,
            available: n(200_000u64),
            retryAfter: t0 + 1_000,
        }),
    );
    assert_eq!(available(&mut w).available, n(200_000u64));

    // A withdrawal that leaves 50,000 <= the trip level succeeds and trips the breaker.
    let r = w.withdraw(USER, n(150_000u64));
    assert!(r.success);
    let until = t0 + (REARM - 50_000) / REFILL;
    let tripped = r
        .logs
        .iter()
        .find(|l| l.address == guard && l.topics[0] == IGuardEvents::Tripped::SIGNATURE_HASH)
        .expect("Tripped log");
    assert_eq!(tripped.topics[1], vault.into_word());
    assert_eq!(U256::from_be_slice(&tripped.data), n(until));
    let paused = error_data(ICircuitGuard::SelectorPaused {
        selector: sel,
        until,
    });
    let r = w.withdraw(USER, n(1u64));
    assert_reverted(&r, "withdraw while tripped", &paused);
    let policy = w.read(
        guard,
        &ICircuitGuard::selectorPolicyCall {
            protocol: vault,
            selector: sel,
        },
    );
    assert_eq!(policy.pausedUntil, until);
    // The exit stays open while the selector is paused.
    w.ok(USER2, vault, &IVault::emergencyExitCall {});
    assert_eq!(w.token_balance(USER2), n(1_000u64));

    // One second before the reopening time: still paused, with the same reopening time.
    w.chain.warp(until - 1);
    let r = w.withdraw(USER, n(1u64));
    assert_reverted(&r, "withdraw one second early", &paused);

    // At the reopening time the bucket holds exactly 50,000 + 3,600 * 100 = 410,000, the re-arm level.
    w.chain.warp(until);
    assert_eq!(available(&mut w).available, n(410_000u64));
    let r = w.withdraw(USER, n(410_001u64));
    assert_reverted(
        &r,
        "one over the refilled amount",
        &error_data(ICircuitGuard::RateLimited {
            selector: sel,
            available: n(410_000u64),
            retryAfter: until + 1,
        }),
    );
    let r = w.withdraw(USER, n(200_000u64));
    assert!(r.success, "works again once re-armed");
    assert!(
        r.logs
            .iter()
            .all(|l| l.topics[0] != IGuardEvents::Tripped::SIGNATURE_HASH),
        "210,000 left is above the trip level"
    );

    // Refill is exact: tokens(t) = min(capacity, left + 100 * elapsed), however time is split.
    let t1 = until;
    let mut left = 210_000u64;
    let mut last = t1;
    for (dt, take) in [(1u64, 1u64), (3, 7), (7, 0), (59, 333), (997, 12_345)] {
        w.chain.warp(last + dt);
        left = (left + REFILL * dt).min(CAP);
        assert_eq!(
            available(&mut w).available,
            n(left),
            "at t1 + {}",
            last + dt - t1
        );
        if take > 0 {
            assert!(w.withdraw(USER, n(take)).success);
            left -= take;
        }
        last += dt;
    }
    // A retry time is exact too: 1 short needs one more second, 101 short needs two.
    let r = w.withdraw(USER, n(left + 101));
    assert_reverted(
        &r,
        "101 over",
        &error_data(ICircuitGuard::RateLimited {
            selector: sel,
            available: n(left),
            retryAfter: last + 2,
        }),
    );
    w.chain.warp(last + 2);
    let r = w.withdraw(USER, n(left + 101));
    assert!(r.success, "fits at the announced time");
    assert!(
        r.logs
            .iter()
            .any(|l| l.topics[0] == IGuardEvents::Tripped::SIGNATURE_HASH),
        "and leaves 99, below the trip level: tripped again"
    );
    assert_eq!(
        available(&mut w).available,
        n(99),
        "200 refilled, 101 over: 99 left"
    );
    // Full after long enough, never above capacity.
    w.warp_by(30 * DAY);
    assert_eq!(available(&mut w).available, n(CAP));
}

/// With 18-decimal amounts the guard counts in units of 2^shift wei: the stored limit is rounded
/// down to whole units and every charge up, so rounding never favours the withdrawer, and refill
/// stays exact in units.
#[test]
fn rate_limit_in_wei_rounds_against_the_withdrawer() {
    let mut w = World::deploy();
    let (guard, vault) = (w.guard, w.vault);
    let sel = withdraw_selector();
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setRateLimitCall {
            protocol: vault,
            selector: sel,
            enabled: true,
            capacity: eth(1_000),
            refillPerSecond: eth(1),
            tripLevel: U256::ZERO,
            rearmLevel: U256::ZERO,
        },
    );
    let limit = |w: &mut World| {
        w.read(
            guard,
            &ICircuitGuard::rateLimitCall {
                protocol: vault,
                selector: sel,
            },
        )
    };
    let l = limit(&mut w);
    let unit = l.unit;
    assert!(
        unit > U256::from(1) && unit.is_power_of_two(),
        "unit {unit}"
    );
    let cap = eth(1_000) / unit * unit;
    let refill = eth(1) / unit * unit;
    assert_eq!(
        (
            l.capacity,
            l.refillPerSecond,
            l.tripLevel,
            l.rearmLevel,
            l.available
        ),
        (cap, refill, U256::ZERO, U256::ZERO, cap),
        "rounded down to whole units"
    );
    w.deposit(USER, eth(2_000));
    // The deposit refills withdraw's bucket only within its second (it was full anyway).
    w.warp_by(1);
    // One wei costs a whole unit.
    assert!(w.withdraw(USER, U256::from(1)).success);
    let left = cap - unit;
    assert_eq!(limit(&mut w).available, left);
    // One wei more than what is left needs one more unit: one second of refill.
    let now = w.now();
    assert_reverted(
        &w.withdraw(USER, left + U256::from(1)),
        "one wei over",
        &error_data(ICircuitGuard::RateLimited {
            selector: sel,
            available: left,
            retryAfter: now + 1,
        }),
    );
    assert!(w.withdraw(USER, left).success, "exactly what is left");
    assert_eq!(limit(&mut w).available, U256::ZERO);
    for dt in [1u64, 6, 993] {
        w.warp_by(dt);
        let elapsed = w.now() - now;
        assert_eq!(
            limit(&mut w).available,
            (refill * U256::from(elapsed)).min(cap)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Advisory: a confirmed advisory pauses every selector tagged with it.
// ---------------------------------------------------------------------------------------------

#[test]
fn confirmed_advisory_pauses_tagged_selector_until_removed() {
    let mut w = World::with_warm_reporters();
    let (registry, guard, vault) = (w.registry, w.guard, w.vault);
    let sel = withdraw_selector();
    let advisory = advisory_subject("VIGIL-2026-0001: ERC-4626 first-depositor share inflation");
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setAdvisoryTagsCall {
            protocol: vault,
            selector: sel,
            tags: vec![advisory],
        },
    );
    assert_eq!(
        w.read(
            guard,
            &ICircuitGuard::advisoryTagsCall {
                protocol: vault,
                selector: sel
            }
        ),
        vec![advisory]
    );
    w.deposit(USER, eth(100));
    w.deposit(USER2, eth(100));
    assert!(w.withdraw(USER, eth(1)).success, "nothing confirmed yet");

    // Only a resolver may take the emergency path.
    let r = w.send(
        ATTACKER,
        registry,
        &IThreatRegistry::emergencyConfirmCall {
            subject: advisory,
            category: 5,
            severity: 4,
            ttl: 7 * DAY,
            rationale: B256::repeat_byte(0x5e),
        },
    );
    assert_reverted(
        &r,
        "emergencyConfirm by a stranger",
        &error_data(IThreatRegistry::Unauthorized { account: ATTACKER }),
    );

    // The SEAL-911 path: a resolver confirms the advisory; the push pauses withdraw for everyone.
    let r = w.ok(
        RESOLVER,
        registry,
        &IThreatRegistry::emergencyConfirmCall {
            subject: advisory,
            category: 5,
            severity: 4,
            ttl: 7 * DAY,
            rationale: B256::repeat_byte(0x5e),
        },
    );
    assert!(synced_word(&w, &r, advisory).is_some());
    let active = error_data(ICircuitGuard::AdvisoryActive { advisory });
    for who in [USER, USER2, ATTACKER] {
        let r = w.withdraw(who, eth(1));
        assert_reverted(&r, "withdraw under a confirmed advisory", &active);
    }
    // Untagged functions and the exit are not affected.
    let token = w.token;
    w.ok(
        DEPLOYER,
        token,
        &IToken::mintCall {
            to: USER,
            value: eth(1),
        },
    );
    w.ok(
        USER,
        token,
        &IToken::approveCall {
            spender: vault,
            value: eth(1),
        },
    );
    w.ok(USER, vault, &IVault::depositCall { amount: eth(1) });
    w.ok(USER2, vault, &IVault::emergencyExitCall {});
    assert_eq!(w.token_balance(USER2), eth(100));

    // Removal reopens it.
    let r = w.ok(
        RESOLVER,
        registry,
        &IThreatRegistry::emergencyRemoveCall {
            subject: advisory,
            rationale: B256::repeat_byte(0x6f),
        },
    );
    assert!(synced_word(&w, &r, advisory).is_some());
    assert_eq!(w.status(advisory).level, 4);
    assert!(w.withdraw(USER, eth(1)).success, "reopened");

    // The reporters' path: a new flag on the advisory pauses withdraw again from the confirming
    // report on (pending and watch do not pause), and its expiry lifts the pause without a
    // transaction.
    let reports = w.flag(advisory, 5, 3 * DAY);
    assert_eq!(reports.len(), 3);
    assert_eq!(w.status(advisory).level, 3);
    let r = w.withdraw(USER, eth(1));
    assert_reverted(&r, "withdraw under a reporter-confirmed advisory", &active);
    let expiry = w.status(advisory).expiry;
    w.chain.warp(expiry - 1);
    assert_reverted(
        &w.withdraw(USER, eth(1)),
        "one second before expiry",
        &active,
    );
    w.chain.warp(expiry);
    assert_eq!(w.status(advisory).level, 5, "expired");
    assert!(
        w.withdraw(USER, eth(1)).success,
        "expired advisory no longer pauses"
    );
    assert_eq!(w.vault_balance(USER), eth(98));
}

// ---------------------------------------------------------------------------------------------
// 4. False flag: the victim disputes, the resolver rejects, every wei accounted for.
// ---------------------------------------------------------------------------------------------

/// The default rules priced end to end: three new reporters lock 10 ETH each (weight 5 each, 15 >=
/// 12 confirms), the victim disputes, the resolver rejects; each report loses half its lock, the
/// victim is paid 60% of the 15 ETH slashed plus the disputer's 20% and its bond, the treasury
/// keeps 20%, and every wei is found again at the end. (economics.rs plays the attacks around this
/// one: colluding disputers, self-disputes for 1 to 4 reporters, short flags, squats.)
#[test]
fn false_flag_dispute_rejected_pays_victim_and_slashes_reporters() {
    let mut w = World::with_warm_reporters();
    let registry = w.registry;
    assert_eq!(w.chain.balance(registry), eth(30));
    for r in REPORTERS {
        assert_eq!(w.chain.balance(r), eth(90));
    }
    w.deposit(USER, eth(100));
    w.chain.fund(USER, eth(1));
    // Gas is free at base fee 0 (the devnet default): a transaction leaves the sender's balance alone.
    assert!(w.withdraw(USER, eth(1)).success);
    assert_eq!(w.chain.balance(USER), eth(1));

    let subject = address_subject(USER);
    w.flag(subject, 2, 10 * DAY);
    let status = w.status(subject);
    assert_eq!((status.level, status.score), (3, 15 * ETH as u128));
    let flag_id = status.flagId;
    for reporter in REPORTERS {
        let report = w.read(
            registry,
            &IThreatRegistry::reportOfCall {
                flagId: flag_id,
                reporter,
            },
        );
        assert_eq!((report.locked, report.weight), (eth(10), eth(5)));
        let info = w.read(registry, &IThreatRegistry::reporterInfoCall { reporter });
        assert_eq!((info.stake, info.locked), (eth(10), eth(10)));
        // The stake behind the flag cannot leave while the flag is open.
        w.reverts(
            reporter,
            registry,
            &IThreatRegistry::requestUnstakeCall {
                amount: U256::from(1),
            },
            &error_data(IThreatRegistry::InsufficientStake {
                available: U256::ZERO,
                required: U256::from(1),
            }),
        );
    }
    let flagged = caller_flagged(USER, 3);
    assert_reverted(&w.withdraw(USER, eth(1)), "victim withdraw", &flagged);

    // The bond must be exact; a wrong one is refused and returned.
    let evidence = keccak256(b"I am not an attacker");
    let appeal = IThreatRegistry::disputeCall {
        flagId: flag_id,
        evidence,
    };
    let wrong = w.send_value(USER, registry, &appeal, deci_eth(4));
    assert_reverted(
        &wrong,
        "dispute with a wrong bond",
        &error_data(IThreatRegistry::WrongBond {
            expected: deci_eth(5),
            sent: deci_eth(4),
        }),
    );
    assert_eq!(w.chain.balance(USER), eth(1));
    let r = w.ok_value(USER, registry, &appeal, deci_eth(5));
    assert_eq!(
        synced_word(&w, &r, subject),
        Some(pushed_word(&w, &r, subject))
    );
    assert_eq!(w.chain.balance(USER), deci_eth(5));
    assert_eq!(w.chain.balance(registry), deci_eth(305));
    let status = w.status(subject);
    assert!(status.disputed);
    assert_eq!(status.level, 3, "a dispute does not suspend the flag");
    assert_reverted(
        &w.withdraw(USER, eth(1)),
        "withdraw while disputed",
        &flagged,
    );

    // Only a resolver resolves.
    let resolve = IThreatRegistry::resolveCall {
        flagId: flag_id,
        upheld: false,
        rationale: keccak256(b"mistaken identity"),
    };
    assert_reverted(
        &w.send(USER, registry, &resolve),
        "resolve by the disputer",
        &error_data(IThreatRegistry::Unauthorized { account: USER }),
    );
    let r = w.ok(RESOLVER, registry, &resolve);
    // The removal reached the guard in the same transaction: the victim is unblocked at once.
    assert_eq!(
        synced_word(&w, &r, subject),
        Some(pushed_word(&w, &r, subject))
    );
    let status = w.status(subject);
    assert_eq!(
        (status.level, status.disputed, status.finalized),
        (4, false, true)
    );
    assert!(!w.read(registry, &IThreatRegistry::isFlaggedCall { account: USER }));
    assert!(w.withdraw(USER, eth(1)).success, "victim unblocked");
    assert_eq!(w.vault_balance(USER), eth(98));

    // DisputeResolved: slashed 3 x 5 (half of each 10-ETH lock); the victim gets 60% of it (9);
    // as the disputer it also gets its 0.5 bond back and 20% (3); the treasury keeps 20% (3).
    let resolved = r
        .logs
        .iter()
        .find(|l| l.topics[0] == IThreatRegistry::DisputeResolved::SIGNATURE_HASH)
        .expect("DisputeResolved");
    let words: Vec<U256> = resolved.data.chunks(32).map(U256::from_be_slice).collect();
    assert_eq!(
        words[2..],
        [eth(15), eth(9), deci_eth(35), U256::ZERO, eth(3)],
        "slashed, toVictim, toDisputer, toReporters, toTreasury"
    );
    for reporter in REPORTERS {
        let info = w.read(registry, &IThreatRegistry::reporterInfoCall { reporter });
        assert_eq!(
            (info.stake, info.locked, info.reputation),
            (eth(5), U256::ZERO, 0)
        );
    }
    let owed = deci_eth(125);
    assert_eq!(
        w.read(registry, &IThreatRegistry::claimableCall { account: USER }),
        owed
    );
    let acc = w.read(registry, &IThreatRegistry::accountingCall {});
    assert_eq!(
        (acc.stakes, acc.disputeBonds, acc.claimable, acc.treasury),
        (eth(15), U256::ZERO, owed, eth(3))
    );
    assert_eq!(
        w.chain.balance(registry),
        acc.stakes + acc.disputeBonds + acc.claimable + acc.treasury
    );

    // The victim pulls its payment: 1 - 0.5 + 12.5 = 13 ETH.
    w.ok(USER, registry, &IThreatRegistry::claimCall {});
    assert_eq!(w.chain.balance(USER), eth(13));
    assert_reverted(
        &w.send(USER, registry, &IThreatRegistry::claimCall {}),
        "second claim",
        &error_data(IThreatRegistry::NothingToClaim {}),
    );
    assert_eq!(w.chain.balance(USER), eth(13));

    // Reporters leave with what the slash left them; the treasury is swept: the registry ends
    // with nothing, and every wei is where it should be.
    for reporter in REPORTERS {
        w.ok(
            reporter,
            registry,
            &IThreatRegistry::requestUnstakeCall { amount: eth(5) },
        );
    }
    w.warp_by(7 * DAY);
    for reporter in REPORTERS {
        w.ok(reporter, registry, &IThreatRegistry::withdrawCall {});
        assert_eq!(w.chain.balance(reporter), eth(95));
    }
    let sweep = w.timelocked(
        OWNER,
        registry,
        &IThreatRegistry::sweepTreasuryCall { to: TREASURY },
    );
    assert!(sweep.success, "the treasury is swept after the delay");
    assert_eq!(w.chain.balance(TREASURY), eth(3));
    assert_eq!(w.chain.balance(registry), U256::ZERO);
    let acc = w.read(registry, &IThreatRegistry::accountingCall {});
    assert_eq!(
        (acc.stakes, acc.disputeBonds, acc.claimable, acc.treasury),
        (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO)
    );
    // Conservation: 3 x 100 (reporters) + 1 (victim) in, all of it still out there.
    let total = REPORTERS
        .iter()
        .fold(U256::ZERO, |s, r| s + w.chain.balance(*r))
        + w.chain.balance(USER)
        + w.chain.balance(TREASURY);
    assert_eq!(total, eth(301));
}

// ---------------------------------------------------------------------------------------------
// 5. Bad input through real calldata: clean reverts, nothing changes.
// ---------------------------------------------------------------------------------------------

/// Everything a bad call could disturb, as raw bytes: the first storage slots of both programs
/// (their scalar fields), the views over the maps, and ETH balances.
fn fingerprint(w: &mut World) -> Vec<(String, Bytes)> {
    let (registry, guard, vault) = (w.registry, w.guard, w.vault);
    let sel = withdraw_selector();
    let subject = address_subject(ATTACKER);
    let mut out = Vec::new();
    for (name, program) in [("registry", registry), ("guard", guard)] {
        for slot in 0..48u64 {
            let v = w.chain.storage(program, U256::from(slot));
            out.push((
                format!("{name} slot {slot}"),
                v.to_be_bytes::<32>().to_vec().into(),
            ));
        }
    }
    let views: Vec<(&str, Address, Vec<u8>)> = vec![
        (
            "config",
            registry,
            IThreatRegistry::configCall {}.abi_encode(),
        ),
        (
            "accounting",
            registry,
            IThreatRegistry::accountingCall {}.abi_encode(),
        ),
        (
            "statusOf",
            registry,
            IThreatRegistry::statusOfCall { subject }.abi_encode(),
        ),
        (
            "flagInfo",
            registry,
            IThreatRegistry::flagInfoCall { flagId: 1 }.abi_encode(),
        ),
        (
            "reporterInfo",
            registry,
            IThreatRegistry::reporterInfoCall {
                reporter: REPORTERS[0],
            }
            .abi_encode(),
        ),
        (
            "claimable",
            registry,
            IThreatRegistry::claimableCall { account: ATTACKER }.abi_encode(),
        ),
        (
            "paramsAt",
            registry,
            IThreatRegistry::paramsAtCall { version: 0 }.abi_encode(),
        ),
        (
            "scheduledAt",
            registry,
            IThreatRegistry::scheduledAtCall {
                id: keccak256(dirty_set_guard()),
            }
            .abi_encode(),
        ),
        (
            "guardConfig",
            guard,
            ICircuitGuard::guardConfigCall {}.abi_encode(),
        ),
        (
            "protocolInfo",
            guard,
            ICircuitGuard::protocolInfoCall { protocol: vault }.abi_encode(),
        ),
        (
            "selectorPolicy",
            guard,
            ICircuitGuard::selectorPolicyCall {
                protocol: vault,
                selector: sel,
            }
            .abi_encode(),
        ),
        (
            "rateLimit",
            guard,
            ICircuitGuard::rateLimitCall {
                protocol: vault,
                selector: sel,
            }
            .abi_encode(),
        ),
        (
            "statusWord",
            guard,
            ICircuitGuard::statusWordCall { subject }.abi_encode(),
        ),
        (
            "configuredSelectors",
            guard,
            ICircuitGuard::configuredSelectorsCall { protocol: vault }.abi_encode(),
        ),
    ];
    for (name, to, data) in views {
        let o = w.chain.view(VIEWER, to, data.into()).expect("view");
        assert!(o.success, "{name} view reverted");
        out.push((name.to_string(), o.data));
    }
    for who in [registry, guard, ATTACKER, OWNER, VAULT_ADMIN, VIEWER] {
        out.push((
            format!("balance {who}"),
            w.chain.balance(who).to_be_bytes::<32>().to_vec().into(),
        ));
    }
    out
}

/// `setGuard(ATTACKER)` whose address word has a non-zero padding byte.
fn dirty_set_guard() -> Vec<u8> {
    let mut data = IThreatRegistry::setGuardCall { guard: ATTACKER }.abi_encode();
    data[4] = 1;
    data
}

/// (what, sender, target, calldata, value, expected revert data)
type BadCall = (&'static str, Address, Address, Vec<u8>, U256, Bytes);

fn word(v: U256) -> [u8; 32] {
    v.to_be_bytes::<32>()
}

fn calldata(selector: &[u8], words: &[[u8; 32]]) -> Vec<u8> {
    let mut data = selector.to_vec();
    for w in words {
        data.extend_from_slice(w);
    }
    data
}

#[test]
fn bad_calldata_reverts_cleanly_and_changes_nothing() {
    let mut w = World::with_warm_reporters();
    let (registry, guard, vault) = (w.registry, w.guard, w.vault);
    let sel = withdraw_selector();
    // Some live state to disturb: a confirmed flag, a rate limit, a deposit.
    w.flag(address_subject(ATTACKER), 1, 10 * DAY);
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setRateLimitCall {
            protocol: vault,
            selector: sel,
            enabled: true,
            capacity: eth(1_000),
            refillPerSecond: eth(1),
            tripLevel: U256::ZERO,
            rearmLevel: U256::ZERO,
        },
    );
    for who in [ATTACKER, OWNER, VAULT_ADMIN] {
        w.chain.fund(who, eth(5));
    }

    let subject = address_subject(ATTACKER);
    let submit = IThreatRegistry::submitCall {
        subject: address_subject(USER),
        category: 1,
        severity: 4,
        evidence: B256::ZERO,
        ttl: DAY,
    }
    .abi_encode();
    let dirty_address = {
        let mut a = word(U256::from_be_slice(ATTACKER.as_slice()));
        a[0] = 1;
        a
    };
    let reveal_sel = IThreatRegistry::revealCall::SELECTOR;
    let tags_sel = ICircuitGuard::setAdvisoryTagsCall::SELECTOR;
    let check_sel = ICircuitGuard::checkCall::SELECTOR;
    let ctor_sel = &keccak256(b"stylus_constructor()")[..4];
    let big = U256::from(1u64) << 64;
    let empty = Bytes::new();

    let cases: Vec<BadCall> = vec![
        // --- registry ---
        (
            "registry: empty calldata",
            ATTACKER,
            registry,
            vec![],
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: 3 bytes",
            ATTACKER,
            registry,
            vec![0x5c, 0x19, 0xa9],
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: unknown selector",
            ATTACKER,
            registry,
            calldata(&[0xde, 0xad, 0xbe, 0xef], &[[7; 32], [9; 32]]),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: submit without ttl",
            ATTACKER,
            registry,
            submit[..4 + 4 * 32].to_vec(),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: submit cut mid-word",
            ATTACKER,
            registry,
            submit[..submit.len() - 1].to_vec(),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: submit, category above uint8",
            REPORTERS[0],
            registry,
            {
                let mut d = submit.clone();
                d[4 + 32 + 30] = 1;
                d
            },
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: isFlagged, dirty address",
            ATTACKER,
            registry,
            calldata(&IThreatRegistry::isFlaggedCall::SELECTOR, &[dirty_address]),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: resolve, flag id above uint32",
            RESOLVER,
            registry,
            calldata(
                &IThreatRegistry::resolveCall::SELECTOR,
                &[
                    word((U256::from(1) << 32) + U256::from(1)),
                    word(U256::ZERO),
                    [0; 32],
                ],
            ),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: resolve, bool 2",
            RESOLVER,
            registry,
            calldata(
                &IThreatRegistry::resolveCall::SELECTOR,
                &[word(U256::from(1)), word(U256::from(2)), [0; 32]],
            ),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: garbage",
            ATTACKER,
            registry,
            (0..333u32).map(|i| (i * 37 + 11) as u8).collect(),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: reveal, bytes length 2^256-1",
            REPORTERS[0],
            registry,
            calldata(
                &reveal_sel,
                &[subject.0, word(U256::from(64)), word(U256::MAX)],
            ),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: reveal, offset past the end",
            REPORTERS[0],
            registry,
            calldata(
                &reveal_sel,
                &[subject.0, word(U256::from(4096)), word(U256::from(1))],
            ),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: reveal, 40 bytes claimed, 32 present",
            REPORTERS[0],
            registry,
            calldata(
                &reveal_sel,
                &[
                    subject.0,
                    word(U256::from(64)),
                    word(U256::from(40)),
                    subject.0,
                ],
            ),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: reveal, bytes length 2^64",
            REPORTERS[0],
            registry,
            calldata(
                &IThreatRegistry::revealCall::SELECTOR,
                &[subject.0, word(U256::from(64)), word(big)],
            ),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: value to claim",
            ATTACKER,
            registry,
            IThreatRegistry::claimCall {}.abi_encode(),
            U256::from(1),
            empty.clone(),
        ),
        (
            "registry: value to submit",
            REPORTERS[0],
            registry,
            submit.clone(),
            eth(1),
            empty.clone(),
        ),
        (
            "registry: value to setGuard (owner)",
            OWNER,
            registry,
            IThreatRegistry::setGuardCall { guard }.abi_encode(),
            U256::from(1),
            empty.clone(),
        ),
        (
            "registry: value to a view",
            ATTACKER,
            registry,
            IThreatRegistry::isFlaggedCall { account: ATTACKER }.abi_encode(),
            U256::from(1),
            empty.clone(),
        ),
        (
            "registry: stake 0",
            ATTACKER,
            registry,
            IThreatRegistry::stakeCall {}.abi_encode(),
            U256::ZERO,
            error_data(IThreatRegistry::ZeroAmount {}),
        ),
        (
            "registry: dispute with a wrong bond",
            ATTACKER,
            registry,
            IThreatRegistry::disputeCall {
                flagId: 1,
                evidence: B256::ZERO,
            }
            .abi_encode(),
            deci_eth(3),
            error_data(IThreatRegistry::WrongBond {
                expected: deci_eth(5),
                sent: deci_eth(3),
            }),
        ),
        (
            "registry: constructor again (owner, valid args)",
            OWNER,
            registry,
            {
                let mut d = ctor_sel.to_vec();
                d.extend(alloy_sol_types::SolValue::abi_encode_params(&(
                    ATTACKER,
                    params(),
                    ATTACKER,
                    ATTACKER,
                    vec![ATTACKER],
                )));
                d
            },
            U256::ZERO,
            empty.clone(),
        ),
        (
            "registry: a timelocked power called directly (owner)",
            OWNER,
            registry,
            IThreatRegistry::setGuardCall { guard: ATTACKER }.abi_encode(),
            U256::ZERO,
            error_data(IThreatRegistry::MustBeScheduled {}),
        ),
        (
            "registry: schedule, setGuard with a dirty address (owner)",
            OWNER,
            registry,
            IThreatRegistry::scheduleCall {
                data: dirty_set_guard().into(),
            }
            .abi_encode(),
            U256::ZERO,
            error_data(IThreatRegistry::NotTimelockable {
                selector: IThreatRegistry::setGuardCall::SELECTOR.into(),
            }),
        ),
        (
            "registry: syncGuard, 33 subjects",
            ATTACKER,
            registry,
            IThreatRegistry::syncGuardCall {
                subjects: vec![subject; 33],
            }
            .abi_encode(),
            U256::ZERO,
            error_data(IThreatRegistry::BatchTooLarge {
                count: U256::from(33),
                max: U256::from(32),
            }),
        ),
        (
            "registry: syncGuard, array length 2^64",
            ATTACKER,
            registry,
            calldata(
                &IThreatRegistry::syncGuardCall::SELECTOR,
                &[word(U256::from(32)), word(big)],
            ),
            U256::ZERO,
            empty.clone(),
        ),
        // --- guard ---
        (
            "guard: empty calldata",
            ATTACKER,
            guard,
            vec![],
            U256::ZERO,
            empty.clone(),
        ),
        (
            "guard: 2 bytes",
            ATTACKER,
            guard,
            vec![0xa2, 0x09],
            U256::ZERO,
            empty.clone(),
        ),
        (
            "guard: unknown selector",
            ATTACKER,
            guard,
            calldata(&[0xff, 0xff, 0xff, 0xff], &[[1; 32]]),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "guard: check, two words",
            ATTACKER,
            guard,
            calldata(&check_sel, &[word(U256::from(1)), word(U256::from(2))]),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "guard: check, bytes4 with low bytes set",
            ATTACKER,
            guard,
            calldata(&check_sel, &[[0; 32], [0xff; 32], [0; 32]]),
            U256::ZERO,
            empty.clone(),
        ),
        (
            "guard: check by a non-protocol",
            ATTACKER,
            guard,
            ICircuitGuard::checkCall {
                caller: ATTACKER,
                selector: sel,
                amount: U256::ZERO,
            }
            .abi_encode(),
            U256::ZERO,
            error_data(ICircuitGuard::ProtocolNotRegistered { protocol: ATTACKER }),
        ),
        (
            "guard: value to check",
            ATTACKER,
            guard,
            ICircuitGuard::checkCall {
                caller: ATTACKER,
                selector: sel,
                amount: U256::ZERO,
            }
            .abi_encode(),
            U256::from(1),
            empty.clone(),
        ),
        (
            "guard: value to setScreening (admin)",
            VAULT_ADMIN,
            guard,
            ICircuitGuard::setScreeningCall {
                protocol: vault,
                selector: sel,
                mode: 2,
                screenOrigin: false,
            }
            .abi_encode(),
            U256::from(1),
            empty.clone(),
        ),
        (
            "guard: onStatusChange from a stranger",
            ATTACKER,
            guard,
            ICircuitGuard::onStatusChangeCall {
                subject,
                status: U256::ZERO,
            }
            .abi_encode(),
            U256::ZERO,
            error_data(ICircuitGuard::NotRegistry { account: ATTACKER }),
        ),
        (
            "guard: setScreening mode 3",
            VAULT_ADMIN,
            guard,
            ICircuitGuard::setScreeningCall {
                protocol: vault,
                selector: sel,
                mode: 3,
                screenOrigin: false,
            }
            .abi_encode(),
            U256::ZERO,
            error_data(ICircuitGuard::InvalidScreening { mode: 3 }),
        ),
        (
            "guard: setScreening by a stranger",
            ATTACKER,
            guard,
            ICircuitGuard::setScreeningCall {
                protocol: vault,
                selector: sel,
                mode: 2,
                screenOrigin: false,
            }
            .abi_encode(),
            U256::ZERO,
            error_data(ICircuitGuard::NotAdmin {
                protocol: vault,
                account: ATTACKER,
            }),
        ),
        (
            "guard: setRateLimit capacity 0",
            VAULT_ADMIN,
            guard,
            ICircuitGuard::setRateLimitCall {
                protocol: vault,
                selector: sel,
                enabled: true,
                capacity: U256::ZERO,
                refillPerSecond: U256::ZERO,
                tripLevel: U256::ZERO,
                rearmLevel: U256::ZERO,
            }
            .abi_encode(),
            U256::ZERO,
            error_data(ICircuitGuard::CapacityZero {}),
        ),
        (
            "guard: five advisory tags",
            VAULT_ADMIN,
            guard,
            ICircuitGuard::setAdvisoryTagsCall {
                protocol: vault,
                selector: sel,
                tags: (0..5).map(|i| advisory_subject(&format!("a{i}"))).collect(),
            }
            .abi_encode(),
            U256::ZERO,
            error_data(ICircuitGuard::TooManyTags {
                count: U256::from(5),
                max: 4,
            }),
        ),
        (
            "guard: advisory tags, length 2^64 without data",
            VAULT_ADMIN,
            guard,
            {
                let mut protocol = [0u8; 32];
                protocol[12..].copy_from_slice(vault.as_slice());
                let mut s = [0u8; 32];
                s[..4].copy_from_slice(sel.as_slice());
                calldata(&tags_sel, &[protocol, s, word(U256::from(96)), word(big)])
            },
            U256::ZERO,
            empty.clone(),
        ),
        (
            "guard: registerProtocol(0)",
            ATTACKER,
            guard,
            ICircuitGuard::registerProtocolCall {
                admin: Address::ZERO,
            }
            .abi_encode(),
            U256::ZERO,
            error_data(ICircuitGuard::ZeroAddress {}),
        ),
        (
            "guard: constructor again",
            GUARD_OWNER,
            guard,
            {
                let mut d = ctor_sel.to_vec();
                d.extend(alloy_sol_types::SolValue::abi_encode(&ATTACKER));
                d
            },
            U256::ZERO,
            empty.clone(),
        ),
        (
            "vault: value to withdraw (Solidity, non-payable)",
            USER,
            vault,
            IVault::withdrawCall {
                amount: U256::from(1),
            }
            .abi_encode(),
            U256::from(1),
            empty.clone(),
        ),
    ];

    w.chain.fund(USER, eth(1));
    for (what, from, to, data, value, expected) in cases {
        let before = fingerprint(&mut w);
        let sender_before = w.chain.balance(from);
        let r = w
            .chain
            .call(from, to, data.into(), value)
            .unwrap_or_else(|e| panic!("{what}: invalid transaction: {e}"));
        assert_reverted(&r, what, &expected);
        assert!(
            r.gas_used < 1_000_000,
            "{what}: {} gas, a clean revert should be cheap",
            r.gas_used
        );
        assert!(r.logs.is_empty(), "{what}: logged");
        assert_eq!(
            w.chain.balance(from),
            sender_before,
            "{what}: sender balance"
        );
        let after = fingerprint(&mut w);
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b, a, "{what}: state changed");
        }
    }

    // Control: the fingerprint does see a change a valid call makes.
    let before = fingerprint(&mut w);
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setScreeningCall {
            protocol: vault,
            selector: sel,
            mode: 1,
            screenOrigin: false,
        },
    );
    assert_ne!(before, fingerprint(&mut w));
}
