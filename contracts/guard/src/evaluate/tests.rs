//! `check`'s verdicts and their order, screening, advisories, the rate limit as charged, trips,
//! `screen`, `preview` and the status feed.

use crate::tests::*;

#[test]
fn status_pushes_are_stored_verbatim() {
    let (vm, mut g) = deploy();
    let word = Status {
        level: Level::Confirmed,
        disputed: true,
        expiry: T0 + 5,
        score: 7,
        ..Status::default()
    }
    .to_word();
    vm.set_sender(REGISTRY);
    ok(g.on_status_change(subject::address(MALLORY), word));
    assert_eq!(g.status_word(subject::address(MALLORY)), word);
    assert_logged(
        &vm,
        StatusSynced {
            subject: subject::address(MALLORY),
            status: word,
        },
    );
}

#[test]
fn status_pushes_only_from_the_registry() {
    let (vm, mut g) = deploy();
    let word = status(Level::Confirmed, T0 + DAY);
    vm.set_sender(STRANGER);
    rejects(&vm, NotRegistry { account: STRANGER }, || {
        g.on_status_change(subject::address(ALICE), word)
    });
    // Without a registry nobody can push, the zero address included.
    ok(timelocked(
        &vm,
        &mut g,
        call("setRegistry(address)", (Address::ZERO,)),
    ));
    vm.set_sender(Address::ZERO);
    rejects(
        &vm,
        NotRegistry {
            account: Address::ZERO,
        },
        || g.on_status_change(subject::address(ALICE), word),
    );
}

#[test]
fn status_pushes_must_decode() {
    let (vm, mut g) = deploy();
    vm.set_sender(REGISTRY);
    let bad = U256::from(9u8);
    let s = subject::address(ALICE);
    rejects(
        &vm,
        InvalidStatus {
            subject: s,
            status: bad,
        },
        || g.on_status_change(s, bad),
    );
    rejects(
        &vm,
        InvalidSubject {
            subject: B256::ZERO,
        },
        || g.on_status_change(B256::ZERO, U256::ZERO),
    );
}

#[test]
fn a_repeated_push_writes_and_logs_nothing() {
    let (vm, mut g) = deploy();
    let s = subject::address(MALLORY);
    let word = status(Level::Confirmed, T0 + DAY);
    vm.set_sender(REGISTRY);
    ok(g.on_status_change(s, word));
    let logs = vm.get_emitted_logs().len();
    let before = storage(&vm);
    ok(g.on_status_change(s, word));
    assert_eq!(storage(&vm), before, "a repeat wrote");
    assert_eq!(vm.get_emitted_logs().len(), logs, "a repeat logged");
    // A never-pushed subject's current word is zero: re-pushing it is silent too.
    ok(g.on_status_change(subject::address(ALICE), U256::ZERO));
    assert_eq!(vm.get_emitted_logs().len(), logs);
    // A change is stored and logged as always, a change back to zero included.
    let removed = status(Level::Removed, T0 + DAY);
    ok(g.on_status_change(s, removed));
    assert_eq!(g.status_word(s), removed);
    assert_eq!(vm.get_emitted_logs().len(), logs + 1);
    ok(g.on_status_change(s, U256::ZERO));
    assert_eq!(g.status_word(s), U256::ZERO);
    assert_eq!(vm.get_emitted_logs().len(), logs + 2);
    // A repeat is still refused from anyone but the registry, and when malformed.
    vm.set_sender(STRANGER);
    rejects(&vm, NotRegistry { account: STRANGER }, || {
        g.on_status_change(s, U256::ZERO)
    });
    vm.set_sender(REGISTRY);
    rejects(
        &vm,
        InvalidSubject {
            subject: B256::ZERO,
        },
        || g.on_status_change(B256::ZERO, U256::ZERO),
    );
}

/// Runtime code of an exploit contract, its clone (same code, another address) and an EOA.
const EXPLOIT: Address = address!("0x00000000000000000000000000000000000000e1");
const CLONE: Address = address!("0x00000000000000000000000000000000000000e2");
const EXPLOIT_CODE: [u8; 4] = [0x60, 0x00, 0x80, 0xfd];

fn code_hash() -> B256 {
    alloy_primitives::keccak256(EXPLOIT_CODE)
}

/// A guard where EXPLOIT and CLONE run EXPLOIT_CODE, whose code hash is flagged at `level`.
fn with_exploit(level: Level) -> (TestVM, CircuitGuard) {
    let (vm, mut g) = deploy();
    for at in [EXPLOIT, CLONE] {
        vm.set_code(at, EXPLOIT_CODE.to_vec());
    }
    let word = status(level, T0 + DAY);
    push_status(&vm, &mut g, subject::code_hash(code_hash()), word);
    (vm, g)
}

#[test]
fn code_screening_refuses_every_contract_with_flagged_code() {
    let (vm, mut g) = with_exploit(Level::Confirmed);
    // Without the mode the code is never looked at: the clone's address is clean.
    ok(check(&vm, &mut g, CLONE, SEL, 0));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, SCREEN_CODE, false));
    assert_logged(
        &vm,
        ScreeningSet {
            protocol: PROTOCOL,
            selector: SEL,
            mode: SCREEN_CODE,
            screenOrigin: false,
        },
    );
    assert_eq!(g.selector_policy(PROTOCOL, SEL).screening, SCREEN_CODE);
    for caller in [EXPLOIT, CLONE] {
        rejects(
            &vm,
            CodeFlagged {
                caller,
                codeHash: code_hash(),
                level: 3,
            },
            || check(&vm, &mut g, caller, SEL, 0),
        );
    }
    // Accounts without code are never looked up, whatever is flagged.
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // Once the flag expires the clone passes.
    vm.set_block_timestamp(T0 + DAY);
    ok(check(&vm, &mut g, CLONE, SEL, 0));
}

#[test]
fn code_screening_follows_the_level_mode_and_comes_after_the_address() {
    let (vm, mut g) = with_exploit(Level::Watch);
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, SCREEN_CODE, true));
    ok(check(&vm, &mut g, CLONE, SEL, 0));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, SCREEN_CODE | 1, true));
    let code = CodeFlagged {
        caller: CLONE,
        codeHash: code_hash(),
        level: 2,
    };
    rejects(&vm, code.clone(), || check(&vm, &mut g, CLONE, SEL, 0));
    // The caller's address is screened first, and `tx.origin` after the caller's code.
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    vm.set_tx_origin(MALLORY);
    rejects(&vm, code, || check(&vm, &mut g, CLONE, SEL, 0));
    flag(&vm, &mut g, CLONE, Level::Confirmed);
    rejects(
        &vm,
        CallerFlagged {
            caller: CLONE,
            level: 3,
        },
        || check(&vm, &mut g, CLONE, SEL, 0),
    );
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
}

#[test]
fn a_flag_on_the_empty_code_never_reaches_an_account_without_code() {
    let (vm, mut g) = deploy();
    let empty = alloy_primitives::KECCAK256_EMPTY;
    push_status(
        &vm,
        &mut g,
        subject::code_hash(empty),
        status(Level::Confirmed, T0 + DAY),
    );
    push_status(
        &vm,
        &mut g,
        subject::code_hash(B256::ZERO),
        status(Level::Confirmed, T0 + DAY),
    );
    as_admin(&vm);
    ok(g.set_protocol_screening(PROTOCOL, SCREEN_CODE | 1, false));
    // An EOA the VM knows with empty code, and an address it has never seen (hash zero).
    vm.set_code(ALICE, Vec::new());
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    ok(check(&vm, &mut g, STRANGER, SEL, 0));
}

#[test]
fn protocol_code_screening_covers_unconfigured_and_new_selectors() {
    let (vm, mut g) = with_exploit(Level::Confirmed);
    as_admin(&vm);
    ok(g.set_protocol_screening(PROTOCOL, SCREEN_CODE, false));
    assert_eq!(g.protocol_info(PROTOCOL).screening, SCREEN_CODE);
    let refused = CodeFlagged {
        caller: CLONE,
        codeHash: code_hash(),
        level: 3,
    };
    rejects(&vm, refused.clone(), || check(&vm, &mut g, CLONE, SEL, 0));
    // A selector configured afterwards starts with the protocol's screening, code included.
    limit(&vm, &mut g, 1_000, 1, None);
    assert_eq!(g.selector_policy(PROTOCOL, SEL).screening, SCREEN_CODE);
    rejects(&vm, refused, || check(&vm, &mut g, CLONE, SEL, 5));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(check(&vm, &mut g, CLONE, SEL, 5));
}

#[test]
fn code_modes_must_screen_something() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    for mode in [SCREEN_CODE | 2, SCREEN_CODE | 3, 3, 8, u8::MAX] {
        rejects(&vm, InvalidScreening { mode }, || {
            g.set_screening(PROTOCOL, SEL, mode, false)
        });
        rejects(&vm, InvalidScreening { mode }, || {
            g.set_protocol_screening(PROTOCOL, mode, false)
        });
    }
}

#[test]
fn screen_and_preview_read_the_code_like_check() {
    let (vm, mut g) = with_exploit(Level::Confirmed);
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, SCREEN_CODE, false));
    let refused = CodeFlagged {
        caller: CLONE,
        codeHash: code_hash(),
        level: 3,
    }
    .abi_encode();
    vm.set_sender(PROTOCOL);
    assert_eq!(revert(g.screen(CLONE, SEL)), refused);
    ok(g.screen(ALICE, SEL));
    // Unconfigured: the protocol's screening, without code.
    ok(g.screen(CLONE, SEL2));
    assert_eq!(
        g.preview(PROTOCOL, CLONE, SEL, U256::ZERO).to_vec(),
        refused
    );
    assert!(g.preview(PROTOCOL, CLONE, SEL2, U256::ZERO).is_empty());
}

#[test]
fn check_rejects_unregistered_protocols() {
    let (vm, mut g) = deploy();
    vm.set_sender(STRANGER);
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.check(ALICE, SEL, U256::ZERO)
    });
}

#[test]
fn clean_callers_pass_configured_or_not() {
    let (vm, mut g) = deploy();
    ok(check(&vm, &mut g, ALICE, SEL, 5));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, true));
    ok(check(&vm, &mut g, ALICE, SEL, 5));
    assert!(vm
        .get_emitted_logs()
        .iter()
        .all(|(t, _)| t[0] != Tripped::SIGNATURE_HASH));
}

#[test]
fn unconfigured_verdicts_come_in_the_documented_order() {
    // The slow path (no selector policy) decides from the protocol word: a protocol pause comes
    // before screening, and an unregistered protocol before anything.
    let (vm, mut g) = deploy();
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    as_admin(&vm);
    ok(g.pause_protocol(PROTOCOL, 10));
    assert!(!g.selector_policy(PROTOCOL, SEL).configured);
    rejects(&vm, ProtocolPaused { until: T0 + 10 }, || {
        check(&vm, &mut g, MALLORY, SEL, 50)
    });
    vm.set_block_timestamp(T0 + 10);
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL, 50),
    );
    vm.set_sender(STRANGER);
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.check(MALLORY, SEL, U256::from(50u8))
    });
}

#[test]
fn verdicts_come_in_the_documented_order() {
    let (vm, mut g) = deploy();
    let tag = advisory(7);
    as_admin(&vm);
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![tag]));
    limit(&vm, &mut g, 10, 1, None);
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    push_status(&vm, &mut g, tag, status(Level::Confirmed, T0 + DAY));
    as_admin(&vm);
    ok(g.pause_selector(PROTOCOL, SEL, 100));
    ok(g.pause_protocol(PROTOCOL, 10));
    rejects(&vm, ProtocolPaused { until: T0 + 10 }, || {
        check(&vm, &mut g, MALLORY, SEL, 50)
    });
    vm.set_block_timestamp(T0 + 10);
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 100,
        },
        || check(&vm, &mut g, MALLORY, SEL, 50),
    );
    vm.set_block_timestamp(T0 + 100);
    rejects(&vm, AdvisoryActive { advisory: tag }, || {
        check(&vm, &mut g, MALLORY, SEL, 50)
    });
    push_status(&vm, &mut g, tag, status(Level::Removed, 0));
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL, 50),
    );
    let rate = RateLimited {
        selector: SEL,
        available: U256::from(10u8),
        retryAfter: u64::MAX,
    };
    rejects(&vm, rate, || check(&vm, &mut g, ALICE, SEL, 50));
    ok(check(&vm, &mut g, ALICE, SEL, 10));
}

#[test]
fn expired_removed_and_disputed_flags() {
    let (vm, mut g) = deploy();
    push_status(
        &vm,
        &mut g,
        subject::address(MALLORY),
        status(Level::Confirmed, T0 + 10),
    );
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL, 0),
    );
    vm.set_block_timestamp(T0 + 10);
    ok(check(&vm, &mut g, MALLORY, SEL, 0));
    push_status(
        &vm,
        &mut g,
        subject::address(MALLORY),
        status(Level::Removed, 0),
    );
    ok(check(&vm, &mut g, MALLORY, SEL, 0));
    // A dispute does not suspend the flag.
    let disputed = Status {
        level: Level::Confirmed,
        disputed: true,
        expiry: T0 + DAY,
        ..Status::default()
    };
    push_status(&vm, &mut g, subject::address(MALLORY), disputed.to_word());
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, MALLORY, SEL, 0),
    );
}

#[test]
fn origin_screening() {
    let (vm, mut g) = deploy();
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    vm.set_tx_origin(MALLORY);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, true));
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 3,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    vm.set_tx_origin(ALICE);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
}

#[test]
fn advisory_tags_pause_while_confirmed() {
    let (vm, mut g) = deploy();
    let (a, b) = (advisory(1), advisory(2));
    as_admin(&vm);
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![a, b]));
    assert_logged(
        &vm,
        AdvisoryTagsSet {
            protocol: PROTOCOL,
            selector: SEL,
            tags: vec![a, b],
        },
    );
    assert_eq!(g.advisory_tags(PROTOCOL, SEL), vec![a, b]);
    push_status(&vm, &mut g, b, status(Level::Watch, T0 + DAY));
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    push_status(&vm, &mut g, b, status(Level::Confirmed, T0 + DAY));
    rejects(&vm, AdvisoryActive { advisory: b }, || {
        check(&vm, &mut g, ALICE, SEL, 0)
    });
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
    vm.set_block_timestamp(T0 + DAY);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // Untagging lifts it at once.
    vm.set_block_timestamp(T0);
    as_admin(&vm);
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![a]));
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    assert_eq!(g.advisory_tags(PROTOCOL, SEL), vec![a]);
}

#[test]
fn rate_limit_charges_refills_and_says_when() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 10, None);
    assert_logged(
        &vm,
        RateLimitSet {
            protocol: PROTOCOL,
            selector: SEL,
            enabled: true,
            capacity: U256::from(1_000u16),
            refillPerSecond: U256::from(10u8),
            tripLevel: U256::ZERO,
            rearmLevel: U256::ZERO,
            unit: U256::from(1u8),
        },
    );
    ok(check(&vm, &mut g, ALICE, SEL, 900));
    let short = RateLimited {
        selector: SEL,
        available: U256::from(100u8),
        retryAfter: T0 + 5,
    };
    rejects(&vm, short, || check(&vm, &mut g, ALICE, SEL, 150));
    vm.set_block_timestamp(T0 + 4);
    let short = RateLimited {
        selector: SEL,
        available: U256::from(140u8),
        retryAfter: T0 + 5,
    };
    rejects(&vm, short, || check(&vm, &mut g, ALICE, SEL, 150));
    vm.set_block_timestamp(T0 + 5);
    ok(check(&vm, &mut g, ALICE, SEL, 150));
    assert_eq!(g.rate_limit(PROTOCOL, SEL).available, U256::ZERO);
    // Above capacity never fits; zero amounts pass and write nothing.
    let never = RateLimited {
        selector: SEL,
        available: U256::ZERO,
        retryAfter: u64::MAX,
    };
    rejects(&vm, never, || check(&vm, &mut g, ALICE, SEL, 1_001));
    let before = storage(&vm);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    assert_eq!(storage(&vm), before);
}

#[test]
fn a_trip_pauses_the_selector_until_the_bucket_is_back_at_its_rearm_level() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    assert_eq!(
        g.rate_limit(PROTOCOL, SEL),
        RateLimit {
            capacity: U256::from(1_000u16),
            refillPerSecond: U256::from(1u8),
            tripLevel: U256::from(100u8),
            rearmLevel: U256::from(600u16),
            available: U256::from(1_000u16),
            unit: U256::from(1u8),
            tripped: false,
        }
    );
    ok(check(&vm, &mut g, ALICE, SEL, 899));
    ok(check(&vm, &mut g, ALICE, SEL, 1)); // leaves exactly the trip level: trips, but passes
                                           // 100 left, 600 to re-arm at 1 per second: 500 seconds of refill.
    let until = T0 + 500;
    assert_logged(
        &vm,
        Tripped {
            protocol: PROTOCOL,
            selector: SEL,
            until,
        },
    );
    assert!(g.rate_limit(PROTOCOL, SEL).tripped);
    assert_eq!(g.selector_policy(PROTOCOL, SEL).pausedUntil, until);
    let closed = SelectorPaused {
        selector: SEL,
        until,
    };
    rejects(&vm, closed.clone(), || check(&vm, &mut g, ALICE, SEL, 0));
    vm.set_block_timestamp(until - 1);
    rejects(&vm, closed, || check(&vm, &mut g, ALICE, SEL, 1));
    vm.set_block_timestamp(until);
    assert!(!g.rate_limit(PROTOCOL, SEL).tripped);
    // The first check after re-arming clears the trip, even with nothing to charge.
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    assert!(!word::SelectorWord::from_word(g.selectors.get(policy_key(PROTOCOL, SEL))).tripped());
    // A charge that does not fit reverts and records nothing, trip included.
    let short = RateLimited {
        selector: SEL,
        available: U256::from(600u16),
        retryAfter: until + 400,
    };
    rejects(&vm, short, || check(&vm, &mut g, ALICE, SEL, 1_000));
}

#[test]
fn an_inflow_rearms_at_once_and_a_deposit_back_ends_the_pause() {
    // The loop the old cooldown allowed: withdraw to trip, deposit the same amount back. The
    // deposit now puts the bucket back above the re-arm level, so the pause ends with it.
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    ok(check(&vm, &mut g, MALLORY, SEL, 950));
    assert!(g.rate_limit(PROTOCOL, SEL).tripped);
    vm.set_block_timestamp(T0 + 10);
    credit(&vm, &mut g, SEL, 540); // 50 + 10 + 540 = 600: exactly the re-arm level
    assert!(!g.rate_limit(PROTOCOL, SEL).tripped);
    ok(check(&vm, &mut g, ALICE, SEL, 1));
    // One short of it keeps the selector closed, and says when refill finishes the job.
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    ok(check(&vm, &mut g, MALLORY, SEL, 950));
    credit(&vm, &mut g, SEL, 549);
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 1,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    // Only the protocol credits its own buckets; a selector without a limit ignores credits.
    vm.set_sender(STRANGER);
    ok(g.credit(SEL, U256::from(1_000u16)));
    assert!(g.rate_limit(PROTOCOL, SEL).tripped);
    let before = storage(&vm);
    credit(&vm, &mut g, SEL2, 1_000);
    credit(&vm, &mut g, SEL, 0);
    assert_eq!(storage(&vm), before);
}

#[test]
fn a_flash_round_trip_cannot_trip() {
    // Deposit X then withdraw X in one transaction, on a full bucket: the credit counts in
    // full within the second, so the withdrawal never reaches the trip level.
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    credit(&vm, &mut g, SEL, 10_000);
    vm.clear_mocks();
    ok(check(&vm, &mut g, MALLORY, SEL, 10_000));
    assert!(vm.get_emitted_logs().is_empty());
    assert_eq!(g.rate_limit(PROTOCOL, SEL).available, U256::from(1_000u16));
    // The surplus of a second lapses with it: no headroom is banked for later.
    credit(&vm, &mut g, SEL, 10_000);
    vm.set_block_timestamp(T0 + 1);
    assert_eq!(g.rate_limit(PROTOCOL, SEL).available, U256::from(1_000u16));
    rejects(
        &vm,
        RateLimited {
            selector: SEL,
            available: U256::from(1_000u16),
            retryAfter: u64::MAX,
        },
        || check(&vm, &mut g, MALLORY, SEL, 1_001),
    );
}

#[test]
fn the_admin_unpause_lifts_a_trip() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    ok(check(&vm, &mut g, MALLORY, SEL, 950));
    as_admin(&vm);
    ok(g.unpause_selector(PROTOCOL, SEL));
    assert!(!g.rate_limit(PROTOCOL, SEL).tripped);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // Still below the trip level: the next non-empty charge trips it again.
    ok(check(&vm, &mut g, ALICE, SEL, 1));
    assert!(g.rate_limit(PROTOCOL, SEL).tripped);
}

#[test]
fn screen_uses_the_selector_policy() {
    let (vm, mut g) = deploy();
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    flag(&vm, &mut g, ALICE, Level::Watch);
    vm.set_sender(PROTOCOL);
    assert_eq!(
        revert(g.screen(MALLORY, SEL)),
        CallerFlagged {
            caller: MALLORY,
            level: 3
        }
        .abi_encode()
    );
    ok(g.screen(ALICE, SEL));
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 1, false));
    vm.set_sender(PROTOCOL);
    assert_eq!(
        revert(g.screen(ALICE, SEL)),
        CallerFlagged {
            caller: ALICE,
            level: 2
        }
        .abi_encode()
    );
    vm.set_sender(STRANGER);
    assert_eq!(
        revert(g.screen(ALICE, SEL)),
        ProtocolNotRegistered { protocol: STRANGER }.abi_encode()
    );
}

#[test]
fn preview_matches_check_without_consuming() {
    let (vm, mut g) = deploy();
    limit(&vm, &mut g, 100, 1, Some((10, 60)));
    flag(&vm, &mut g, MALLORY, Level::Confirmed);
    vm.set_sender(STRANGER);
    assert!(g.preview(PROTOCOL, ALICE, SEL, U256::from(95u8)).is_empty());
    assert_eq!(g.rate_limit(PROTOCOL, SEL).available, U256::from(100u8));
    let flagged = g.preview(PROTOCOL, MALLORY, SEL, U256::ZERO);
    assert_eq!(
        flagged.to_vec(),
        revert(check(&vm, &mut g, MALLORY, SEL, 0))
    );
    let short = g.preview(PROTOCOL, ALICE, SEL, U256::from(101u8));
    assert_eq!(short.to_vec(), revert(check(&vm, &mut g, ALICE, SEL, 101)));
    let unknown = g.preview(STRANGER, ALICE, SEL, U256::ZERO);
    assert_eq!(
        unknown.to_vec(),
        ProtocolNotRegistered { protocol: STRANGER }.abi_encode()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_confirmed_unexpired_caller_never_passes(
        mode in 0u8..2,
        configured in any::<bool>(),
        origin in any::<bool>(),
        ttl in 1u64..DAY,
        at in 0u64..2 * DAY,
        amount in any::<u64>(),
    ) {
        let (vm, mut g) = deploy();
        as_admin(&vm);
        if configured {
            ok(g.set_screening(PROTOCOL, SEL, mode, origin));
            limit(&vm, &mut g, (1 << 24) - 1, 2, None);
        } else {
            ok(g.set_protocol_screening(PROTOCOL, mode, origin));
        }
        push_status(&vm, &mut g, subject::address(MALLORY), status(Level::Confirmed, T0 + ttl));
        vm.set_block_timestamp(T0 + at);
        let verdict = check(&vm, &mut g, MALLORY, SEL, amount);
        if at < ttl {
            prop_assert_eq!(revert(verdict), CallerFlagged { caller: MALLORY, level: 3 }.abi_encode());
        }
    }

    #[test]
    fn preview_and_screen_always_agree_with_check(
        mode in prop::sample::select(vec![0u8, 1, 2, SCREEN_CODE, SCREEN_CODE | 1]),
        code_level in prop::sample::select(vec![Level::Watch, Level::Confirmed]),
        steps in prop::collection::vec((0u64..120, 0u64..400, 0usize..4), 1..25),
    ) {
        let (vm, mut g) = with_exploit(code_level);
        limit(&vm, &mut g, 1_000, 7, Some((50, 300)));
        as_admin(&vm);
        ok(g.set_screening(PROTOCOL, SEL, mode, false));
        flag(&vm, &mut g, MALLORY, Level::Confirmed);
        let mut now = T0;
        for (dt, amount, who) in steps {
            now += dt;
            vm.set_block_timestamp(now);
            let caller = [ALICE, MALLORY, EXPLOIT, CLONE][who];
            let preview = g.preview(PROTOCOL, caller, SEL, U256::from(amount)).to_vec();
            vm.set_sender(PROTOCOL);
            let screened = g.screen(caller, SEL).map_err(Vec::<u8>::from);
            match check(&vm, &mut g, caller, SEL, amount) {
                Ok(()) => {
                    prop_assert!(preview.is_empty());
                    prop_assert_eq!(screened, Ok(()));
                }
                Err(e) => {
                    let e = Vec::<u8>::from(e);
                    prop_assert_eq!(&preview, &e);
                    // `screen` is the caller part of `check`: a caller `check` refuses for who
                    // it is, `screen` refuses with the same data. (A pause or the rate limit
                    // comes before screening in `check`, and does not concern `screen`.)
                    let selector = &e[..4];
                    if selector == CallerFlagged::SELECTOR || selector == CodeFlagged::SELECTOR {
                        prop_assert_eq!(screened, Err(e));
                    }
                }
            }
        }
    }

    #[test]
    fn through_check_and_credit_a_held_pause_is_paid_for_in_net_outflow(
        trip_pct in 1u64..50,
        rearm_pct in 50u64..=100,
        steps in prop::collection::vec((0u64..300, any::<bool>(), 1u64..=100), 1..60),
    ) {
        // Any sequence of withdrawals (check) and deposits (credit) by the protocol. Whenever
        // `withdraw` is held closed by a trip at t, the net outflow since the bucket was last
        // full (at s) exceeds capacity - rearm + refill·(t - s): the pause is paid for.
        const CAP: u64 = 10_000;
        const REFILL: u64 = 7;
        let (vm, mut g) = deploy();
        let rearm = CAP * rearm_pct / 100;
        limit(&vm, &mut g, CAP, REFILL, Some((CAP * trip_pct / 100, rearm)));
        let (mut now, mut full_at, mut net) = (T0, T0, 0i128);
        for (dt, withdraw, pct) in steps {
            now += dt;
            vm.set_block_timestamp(now);
            if g.rate_limit(PROTOCOL, SEL).available >= U256::from(CAP) {
                (full_at, net) = (now, 0);
            }
            let amount = CAP * pct / 100;
            if withdraw {
                if check(&vm, &mut g, ALICE, SEL, amount).is_ok() {
                    net += amount as i128;
                }
            } else {
                credit(&vm, &mut g, SEL, amount);
                net -= amount as i128;
            }
            if g.rate_limit(PROTOCOL, SEL).tripped {
                let bought = (CAP - rearm + REFILL * (now - full_at)) as i128;
                prop_assert!(net > bought, "net {} <= {}", net, bought);
                let closed = check(&vm, &mut g, ALICE, SEL, 0);
                prop_assert!(closed.is_err(), "tripped means closed to every amount");
            }
        }
    }

    #[test]
    fn a_trip_pauses_the_selector_exactly_until_refill_rearms_it(
        capacity in 2u64..1 << 24,
        level_frac in 2u64..100,
        refill_frac in 1u64..1_000,
        rearm_pct in 1u64..=100,
        spend_frac in 1u64..8,
        target in 0u8..3,
        at in 0u64..DAY,
    ) {
        // One charge from a full bucket: it trips iff it leaves at most the trip level, and a
        // trip pauses the selector from that second until refill brings the bucket back to the
        // re-arm level, to the second.
        let (vm, mut g) = deploy();
        let level = capacity / level_frac;
        let rearm = (capacity * rearm_pct / 100).max(level + 1);
        let refill = (capacity / refill_frac).max(1);
        prop_assume!(rearm.div_ceil(refill) <= DAY);
        limit(&vm, &mut g, capacity, refill, Some((level, rearm)));
        let tripped_at = T0 + at;
        vm.set_block_timestamp(tripped_at);
        // Leave exactly the level, one unit above it, or whatever a fraction of the capacity leaves.
        let amount = match target {
            0 => capacity - level,
            1 => capacity - level - 1,
            _ => capacity / spend_frac,
        };
        vm.clear_mocks();
        ok(check(&vm, &mut g, ALICE, SEL, amount));
        let left = capacity - amount;
        let trips = amount != 0 && left <= level;
        let logged = vm
            .get_emitted_logs()
            .iter()
            .any(|(topics, _)| topics[0] == Tripped::SIGNATURE_HASH);
        prop_assert_eq!(logged, trips);
        let paused = g.selector_policy(PROTOCOL, SEL).pausedUntil;
        if !trips {
            prop_assert_eq!(paused, 0);
            return Ok(());
        }
        let until = tripped_at + (rearm - left).div_ceil(refill);
        assert_logged(&vm, Tripped { protocol: PROTOCOL, selector: SEL, until });
        prop_assert_eq!(paused, until);
        // Closed through the last second before it, to every amount; open from it.
        vm.set_block_timestamp(until - 1);
        let closed = SelectorPaused { selector: SEL, until };
        rejects(&vm, closed.clone(), || check(&vm, &mut g, ALICE, SEL, 0));
        rejects(&vm, closed, || check(&vm, &mut g, ALICE, SEL, 1));
        vm.set_block_timestamp(until);
        ok(check(&vm, &mut g, ALICE, SEL, 0));
    }
}
