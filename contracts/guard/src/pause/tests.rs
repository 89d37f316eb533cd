//! Protocol and selector pauses, admin unpauses and the guardian episode rule.

use crate::tests::*;

#[test]
fn protocol_pause_blocks_every_selector_until_it_expires() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(g.pause_protocol(PROTOCOL, 100));
    let until = T0 + 100;
    assert_logged(
        &vm,
        ProtocolPauseSet {
            protocol: PROTOCOL,
            by: ADMIN,
            until,
        },
    );
    // Configured (from the copy in the selector word) and unconfigured (from the protocol word).
    rejects(&vm, ProtocolPaused { until }, || {
        check(&vm, &mut g, ALICE, SEL, 0)
    });
    rejects(&vm, ProtocolPaused { until }, || {
        check(&vm, &mut g, ALICE, SEL2, 0)
    });
    // A selector configured during the pause inherits it.
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL2, 0, false));
    rejects(&vm, ProtocolPaused { until }, || {
        check(&vm, &mut g, ALICE, SEL2, 0)
    });
    vm.set_block_timestamp(until);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
}

#[test]
fn unpause_protocol_clears_every_copy() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(g.pause_protocol(PROTOCOL, 100));
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.unpause_protocol(PROTOCOL),
    );
    as_admin(&vm);
    ok(g.unpause_protocol(PROTOCOL));
    assert_logged(
        &vm,
        ProtocolUnpaused {
            protocol: PROTOCOL,
            by: ADMIN,
        },
    );
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
    assert_eq!(g.selector_policy(PROTOCOL, SEL).protocolPausedUntil, 0);
}

#[test]
fn selector_pause_blocks_only_that_selector() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.pause_selector(PROTOCOL, SEL, 50));
    assert_logged(
        &vm,
        SelectorPauseSet {
            protocol: PROTOCOL,
            selector: SEL,
            by: ADMIN,
            until: T0 + 50,
        },
    );
    // A pause is not a policy: no slot, nothing configured.
    assert!(g.configured_selectors(PROTOCOL).is_empty());
    assert!(!g.selector_policy(PROTOCOL, SEL).configured);
    rejects(
        &vm,
        SelectorPaused {
            selector: SEL,
            until: T0 + 50,
        },
        || check(&vm, &mut g, ALICE, SEL, 0),
    );
    ok(check(&vm, &mut g, ALICE, SEL2, 0));
    vm.set_block_timestamp(T0 + 50);
    ok(check(&vm, &mut g, ALICE, SEL, 0));
}

#[test]
fn unpause_selector_is_admin_only() {
    let (vm, mut g) = deploy();
    as_admin(&vm);
    ok(g.set_guardian(PROTOCOL, GUARDIAN, true));
    ok(g.pause_selector(PROTOCOL, SEL, 50));
    vm.set_sender(GUARDIAN);
    rejects(
        &vm,
        NotAdmin {
            protocol: PROTOCOL,
            account: GUARDIAN,
        },
        || g.unpause_selector(PROTOCOL, SEL),
    );
    as_admin(&vm);
    ok(g.unpause_selector(PROTOCOL, SEL));
    assert_logged(
        &vm,
        SelectorUnpaused {
            protocol: PROTOCOL,
            selector: SEL,
            by: ADMIN,
        },
    );
    ok(check(&vm, &mut g, ALICE, SEL, 0));
    // Unpausing a selector without a policy changes nothing but the (absent) episode.
    as_admin(&vm);
    ok(g.unpause_selector(PROTOCOL, SEL2));
    assert!(!g.selector_policy(PROTOCOL, SEL2).configured);
}

#[test]
fn pauses_need_admin_or_guardian_and_a_duration() {
    let (vm, mut g) = with_guardian();
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        NotAdminOrGuardian {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.pause_protocol(PROTOCOL, 10),
    );
    rejects(
        &vm,
        NotAdminOrGuardian {
            protocol: PROTOCOL,
            account: STRANGER,
        },
        || g.pause_selector(PROTOCOL, SEL, 10),
    );
    rejects(&vm, ProtocolNotRegistered { protocol: STRANGER }, || {
        g.pause_protocol(STRANGER, 10)
    });
    vm.set_sender(GUARDIAN);
    rejects(&vm, ZeroDuration {}, || g.pause_protocol(PROTOCOL, 0));
    rejects(
        &vm,
        PauseTooLong {
            duration: DAY + 1,
            max: DAY,
        },
        || g.pause_protocol(PROTOCOL, DAY + 1),
    );
    rejects(
        &vm,
        PauseTooLong {
            duration: DAY + 1,
            max: DAY,
        },
        || g.pause_selector(PROTOCOL, SEL, DAY + 1),
    );
    // The admin is not bounded.
    as_admin(&vm);
    ok(g.pause_protocol(PROTOCOL, 30 * DAY));
    assert_eq!(g.protocol_info(PROTOCOL).pausedUntil, T0 + 30 * DAY);
}

#[test]
fn guardian_pauses_come_in_bounded_episodes() {
    let (vm, mut g) = with_guardian();
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(g.set_screening(PROTOCOL, SEL2, 0, false));
    vm.set_sender(GUARDIAN);
    ok(g.pause_selector(PROTOCOL, SEL, 3_600));
    assert_logged(
        &vm,
        SelectorPauseSet {
            protocol: PROTOCOL,
            selector: SEL,
            by: GUARDIAN,
            until: T0 + 3_600,
        },
    );
    assert_eq!(g.protocol_info(PROTOCOL).guardianPauseEnd, T0 + 3_600);
    // During the episode: more pauses, clamped to its end.
    vm.set_block_timestamp(T0 + 600);
    ok(g.pause_protocol(PROTOCOL, DAY));
    assert_logged(
        &vm,
        ProtocolPauseSet {
            protocol: PROTOCOL,
            by: GUARDIAN,
            until: T0 + 3_600,
        },
    );
    ok(g.pause_selector(PROTOCOL, SEL2, 10));
    assert_eq!(g.selector_policy(PROTOCOL, SEL2).pausedUntil, T0 + 610);
    // After it: the cooldown, then a fresh episode.
    vm.set_block_timestamp(T0 + 3_600);
    let retry_at = T0 + 3_600 + 2 * DAY;
    rejects(&vm, PauseCooldown { retryAt: retry_at }, || {
        g.pause_protocol(PROTOCOL, 10)
    });
    vm.set_block_timestamp(retry_at - 1);
    rejects(&vm, PauseCooldown { retryAt: retry_at }, || {
        g.pause_selector(PROTOCOL, SEL, 10)
    });
    vm.set_block_timestamp(retry_at);
    ok(g.pause_selector(PROTOCOL, SEL, 10));
    assert_eq!(g.protocol_info(PROTOCOL).guardianPauseEnd, retry_at + 10);
}

#[test]
fn an_admin_unpause_ends_the_episode() {
    let (vm, mut g) = with_guardian();
    ok(g.pause_protocol(PROTOCOL, DAY));
    vm.set_block_timestamp(T0 + 100);
    as_admin(&vm);
    ok(g.unpause_protocol(PROTOCOL));
    // The guardian cannot re-pause within the (now closed) episode; the cooldown runs from the unpause.
    vm.set_sender(GUARDIAN);
    rejects(
        &vm,
        PauseCooldown {
            retryAt: T0 + 100 + 2 * DAY,
        },
        || g.pause_protocol(PROTOCOL, 10),
    );
    ok(check(&vm, &mut g, ALICE, SEL, 0));
}

#[test]
fn a_pause_never_shortens_one_in_force() {
    let (vm, mut g) = with_guardian();
    as_admin(&vm);
    ok(g.set_screening(PROTOCOL, SEL, 0, false));
    ok(g.pause_protocol(PROTOCOL, 10 * DAY));
    ok(g.pause_selector(PROTOCOL, SEL, 10 * DAY));
    vm.set_sender(GUARDIAN);
    ok(g.pause_protocol(PROTOCOL, 60));
    ok(g.pause_selector(PROTOCOL, SEL, 60));
    assert_eq!(g.protocol_info(PROTOCOL).pausedUntil, T0 + 10 * DAY);
    assert_eq!(g.selector_policy(PROTOCOL, SEL).pausedUntil, T0 + 10 * DAY);
}

#[test]
fn a_guardian_cannot_spend_the_admins_selector_slots() {
    // The attack: a guardian pauses 32 dummy selectors, each of which used to take a policy slot
    // for good. Now each is refused, changes nothing and opens no episode.
    let (vm, mut g) = with_guardian();
    for i in 0..MAX_SELECTORS {
        let dummy = FixedBytes((0xd000_0000 + i).to_be_bytes());
        rejects(&vm, SelectorNotConfigured { selector: dummy }, || {
            g.pause_selector(PROTOCOL, dummy, 60)
        });
    }
    assert!(g.configured_selectors(PROTOCOL).is_empty());
    assert_eq!(g.protocol_info(PROTOCOL).guardianPauseEnd, 0);
    // The admin still has every slot.
    as_admin(&vm);
    for i in 0..MAX_SELECTORS {
        ok(g.set_screening(PROTOCOL, FixedBytes(i.to_be_bytes()), 0, false));
    }
    // To stop a function without a policy the guardian pauses the protocol, which reaches it.
    vm.set_sender(GUARDIAN);
    ok(g.pause_protocol(PROTOCOL, 60));
    rejects(&vm, ProtocolPaused { until: T0 + 60 }, || {
        check(&vm, &mut g, ALICE, SEL, 0)
    });
}

#[test]
fn a_guardian_pause_changes_the_pause_and_nothing_else() {
    // Issue 11 §3: a selector without a policy keeps following the protocol's screening, so a
    // later protocol-wide change still reaches it; a guardian pause of a configured selector
    // writes its pause field and the episode end, nothing else.
    let (vm, mut g) = with_guardian();
    rejects(&vm, SelectorNotConfigured { selector: SEL2 }, || {
        g.pause_selector(PROTOCOL, SEL2, 60)
    });
    as_admin(&vm);
    ok(g.set_protocol_screening(PROTOCOL, 1, false));
    flag(&vm, &mut g, MALLORY, Level::Watch);
    rejects(
        &vm,
        CallerFlagged {
            caller: MALLORY,
            level: 2,
        },
        || check(&vm, &mut g, MALLORY, SEL2, 0),
    );
    as_admin(&vm);
    limit(&vm, &mut g, 1_000, 1, Some((100, 600)));
    ok(g.set_advisory_tags(PROTOCOL, SEL, vec![advisory(1)]));
    let key = policy_key(PROTOCOL, SEL);
    let before = word::SelectorWord::from_word(g.selectors.get(key));
    vm.set_sender(GUARDIAN);
    ok(g.pause_selector(PROTOCOL, SEL, 60));
    let after = word::SelectorWord::from_word(g.selectors.get(key));
    assert_eq!(
        after,
        word::SelectorWord {
            paused_until: (T0 + 60) as u32,
            ..before
        }
    );
    assert_eq!(g.configured_selectors(PROTOCOL), vec![SEL]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_paused_selector_never_passes(
        duration in 1u64..DAY,
        at in 0u64..DAY,
        amount in any::<u64>(),
        limited in any::<bool>(),
        by_guardian in any::<bool>(),
    ) {
        let (vm, mut g) = with_guardian();
        as_admin(&vm);
        ok(g.set_screening(PROTOCOL, SEL, 0, false));
        if limited {
            limit(&vm, &mut g, 1 << 40, 1 << 20, None);
        }
        vm.set_sender(if by_guardian { GUARDIAN } else { ADMIN });
        ok(g.pause_selector(PROTOCOL, SEL, duration));
        vm.set_block_timestamp(T0 + at);
        let verdict = check(&vm, &mut g, ALICE, SEL, amount);
        if at < duration {
            prop_assert_eq!(revert(verdict), SelectorPaused { selector: SEL, until: T0 + duration }.abi_encode());
        } else if !limited || amount <= 1 << 40 {
            ok(verdict);
        }
    }
}

/// Issue 11 §3, against every admin setting that can follow a pause: two guards in the same
/// state, one of them with a guardian's pause of a configured selector (SEL) and an admin's pause
/// of a selector without a policy (SEL2). The same admin settings then run on both, and every one
/// must answer, log and leave the policies exactly alike (pause fields aside); once the pauses have
/// ended (or were lifted) every verdict must be alike too.
mod a_pause_changes_nothing_but_the_pause {
    use super::*;

    const CLONE: Address = address!("0x00000000000000000000000000000000000000e2");
    const CODE: [u8; 4] = [0x60, 0x00, 0x80, 0xfd];
    const CALLERS: [Address; 4] = [ALICE, MALLORY, CLONE, STRANGER];

    /// An admin setting, drawn with its arguments.
    #[derive(Clone, Debug)]
    enum Setting {
        ProtocolScreening(u8, bool),
        Screening(usize, u8, bool),
        RateLimit(usize, bool, u64, u64, u64, u64),
        AdvisoryTags(usize, Vec<u8>),
        RemovePolicy(usize),
        Unpause(usize),
        UnpauseProtocol,
        Wait(u64),
    }

    fn selector(i: usize) -> FixedBytes<4> {
        [SEL, SEL2][i % 2]
    }

    fn setting() -> impl Strategy<Value = Setting> {
        let mode = prop::sample::select(vec![0u8, 1, 2, 3, SCREEN_CODE, SCREEN_CODE | 1]);
        prop_oneof![
            (mode.clone(), any::<bool>()).prop_map(|(m, o)| Setting::ProtocolScreening(m, o)),
            (0usize..2, mode, any::<bool>()).prop_map(|(s, m, o)| Setting::Screening(s, m, o)),
            (
                0usize..2,
                any::<bool>(),
                0u64..2_000,
                0u64..50,
                0u64..500,
                0u64..1_500
            )
                .prop_map(|(s, on, cap, refill, trip, rearm)| Setting::RateLimit(
                    s, on, cap, refill, trip, rearm
                )),
            (0usize..2, prop::collection::vec(1u8..4, 0..5))
                .prop_map(|(s, tags)| Setting::AdvisoryTags(s, tags)),
            (0usize..2).prop_map(Setting::RemovePolicy),
            (0usize..2).prop_map(Setting::Unpause),
            Just(Setting::UnpauseProtocol),
            (1u64..200).prop_map(Setting::Wait),
        ]
    }

    fn apply(vm: &TestVM, g: &mut CircuitGuard, s: &Setting) -> Result<()> {
        as_admin(vm);
        let u = U256::from;
        match s.clone() {
            Setting::ProtocolScreening(m, o) => g.set_protocol_screening(PROTOCOL, m, o),
            Setting::Screening(i, m, o) => g.set_screening(PROTOCOL, selector(i), m, o),
            Setting::RateLimit(i, on, cap, refill, trip, rearm) => g.set_rate_limit(
                PROTOCOL,
                selector(i),
                on,
                u(cap),
                u(refill),
                u(trip),
                u(rearm),
            ),
            Setting::AdvisoryTags(i, tags) => g.set_advisory_tags(
                PROTOCOL,
                selector(i),
                tags.into_iter().map(advisory).collect(),
            ),
            Setting::RemovePolicy(i) => g.remove_policy(PROTOCOL, selector(i)),
            Setting::Unpause(i) => g.unpause_selector(PROTOCOL, selector(i)),
            Setting::UnpauseProtocol => g.unpause_protocol(PROTOCOL),
            Setting::Wait(dt) => {
                vm.set_block_timestamp(vm.block_timestamp() + dt);
                Ok(())
            }
        }
    }

    /// Everything a policy is, as the views report it, without the pause fields.
    fn policies(g: &CircuitGuard) -> impl PartialEq + std::fmt::Debug {
        let selectors = [SEL, SEL2].map(|s| {
            let p = g.selector_policy(PROTOCOL, s);
            let without_pause = SelectorPolicy {
                pausedUntil: 0,
                protocolPausedUntil: 0,
                ..p
            };
            (
                without_pause,
                g.rate_limit(PROTOCOL, s),
                g.advisory_tags(PROTOCOL, s),
            )
        });
        // And the stored words themselves, pause fields cleared.
        let words = [SEL, SEL2].map(|s| word::SelectorWord {
            paused_until: 0,
            protocol_paused_until: 0,
            ..word::SelectorWord::from_word(g.selectors.get(policy_key(PROTOCOL, s)))
        });
        let protocol = word::ProtocolWord {
            paused_until: 0,
            guardian_pause_end: 0,
            ..g.protocol(PROTOCOL)
        };
        (selectors, words, protocol, g.configured_selectors(PROTOCOL))
    }

    /// The two guards: flagged accounts, a clone of flagged code, a confirmed advisory, a
    /// guardian, and SEL configured by the admin with `initial`.
    fn twins(initial: &[Setting]) -> [(TestVM, CircuitGuard); 2] {
        [0, 1].map(|_| {
            let (vm, mut g) = with_guardian();
            vm.set_code(CLONE, CODE.to_vec());
            flag(&vm, &mut g, MALLORY, Level::Confirmed);
            flag(&vm, &mut g, ALICE, Level::Watch);
            let code = subject::code_hash(alloy_primitives::keccak256(CODE));
            push_status(&vm, &mut g, code, status(Level::Confirmed, T0 + 30 * DAY));
            push_status(
                &vm,
                &mut g,
                advisory(2),
                status(Level::Confirmed, T0 + 30 * DAY),
            );
            as_admin(&vm);
            ok(g.set_screening(PROTOCOL, SEL, 0, false));
            for s in initial {
                let _ = apply(&vm, &mut g, s);
            }
            // The guardian's target keeps a policy whatever the draw did to it.
            if !g.selector_policy(PROTOCOL, SEL).configured {
                as_admin(&vm);
                ok(g.set_screening(PROTOCOL, SEL, 1, true));
            }
            (vm, g)
        })
    }

    /// Every caller, selector and amount through `preview`, then through `check` (which charges
    /// buckets: the same charges on both guards).
    fn verdicts(vm: &TestVM, g: &mut CircuitGuard) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for caller in CALLERS {
            for s in [SEL, SEL2] {
                for amount in [0u64, 1, 700] {
                    out.push(g.preview(PROTOCOL, caller, s, U256::from(amount)).to_vec());
                    out.push(
                        check(vm, g, caller, s, amount)
                            .err()
                            .map(Vec::from)
                            .unwrap_or_default(),
                    );
                }
            }
        }
        out
    }

    fn logs_since(vm: &TestVM, n: usize) -> Vec<(Vec<B256>, Vec<u8>)> {
        vm.get_emitted_logs()[n..].to_vec()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn every_admin_setting_behaves_as_without_the_pause(
            initial in prop::collection::vec(setting(), 0..4),
            duration in 1u64..DAY,
            protocol_too in any::<bool>(),
            settings in prop::collection::vec(setting(), 1..12),
        ) {
            let [(vm_p, mut paused), (vm_f, mut free)] = twins(&initial);
            prop_assert_eq!(policies(&paused), policies(&free));
            let before = (storage(&vm_p).len(), vm_p.get_emitted_logs().len());
            let ends = vm_p.block_timestamp() + duration;
            vm_p.set_sender(GUARDIAN);
            ok(paused.pause_selector(PROTOCOL, SEL, duration));
            if protocol_too {
                ok(paused.pause_protocol(PROTOCOL, duration));
            }
            as_admin(&vm_p);
            ok(paused.pause_selector(PROTOCOL, SEL2, duration));
            prop_assert!(vm_p.get_emitted_logs().len() > before.1);
            // The pauses wrote pause fields only: the policies read the same.
            prop_assert_eq!(policies(&paused), policies(&free));
            prop_assert!(storage(&vm_p).len() <= before.0 + 1, "at most SEL2's pause word is new");
            for s in &settings {
                let (np, nf) = (vm_p.get_emitted_logs().len(), vm_f.get_emitted_logs().len());
                let answers = (
                    apply(&vm_p, &mut paused, s).map_err(Vec::<u8>::from),
                    apply(&vm_f, &mut free, s).map_err(Vec::<u8>::from),
                );
                prop_assert_eq!(&answers.0, &answers.1, "{:?}", s);
                let (lp, lf) = (logs_since(&vm_p, np), logs_since(&vm_f, nf));
                if !matches!(s, Setting::Unpause(_) | Setting::UnpauseProtocol) {
                    prop_assert_eq!(lp, lf, "{:?} logged differently", s);
                }
                prop_assert_eq!(policies(&paused), policies(&free), "after {:?}", s);
            }
            // The pauses end (or were lifted): every verdict is alike.
            for vm in [&vm_p, &vm_f] {
                vm.set_block_timestamp(vm.block_timestamp().max(ends));
            }
            prop_assert_eq!(verdicts(&vm_p, &mut paused), verdicts(&vm_f, &mut free));
        }
    }

    /// The lifted pauses, without waiting: alike at once.
    #[test]
    fn an_unpause_leaves_no_trace_on_the_policies() {
        let setup = [
            Setting::RateLimit(0, true, 1_000, 10, 100, 600),
            Setting::Screening(0, SCREEN_CODE | 1, true),
            Setting::AdvisoryTags(0, vec![1, 2]),
        ];
        let [(vm_p, mut paused), (vm_f, mut free)] = twins(&setup);
        vm_p.set_sender(GUARDIAN);
        ok(paused.pause_selector(PROTOCOL, SEL, DAY));
        as_admin(&vm_p);
        ok(paused.pause_selector(PROTOCOL, SEL2, DAY));
        for s in [Setting::Unpause(0), Setting::Unpause(1)] {
            ok(apply(&vm_p, &mut paused, &s));
            ok(apply(&vm_f, &mut free, &s));
        }
        assert_eq!(policies(&paused), policies(&free));
        assert_eq!(verdicts(&vm_p, &mut paused), verdicts(&vm_f, &mut free));
        // And a later protocol-wide change reaches SEL2 on both.
        for (vm, g) in [(&vm_p, &mut paused), (&vm_f, &mut free)] {
            ok(apply(vm, g, &Setting::ProtocolScreening(1, false)));
            assert_eq!(
                revert(check(vm, g, ALICE, SEL2, 0)),
                CallerFlagged {
                    caller: ALICE,
                    level: 2
                }
                .abi_encode()
            );
        }
    }
}
