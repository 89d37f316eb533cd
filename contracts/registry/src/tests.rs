//! Unit tests of every public method on the SDK's TestVM: success, each revert, each role rule,
//! each bad input; then property tests of the accounting invariant over random operation sequences.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use stylus_sdk::testing::TestVM;
use vigil_common::{
    subject,
    testing::{self, Recorder},
    Level, Status,
};

use crate::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const RESOLVER: Address = address!("00000000000000000000000000000000000000a2");
const GUARD: Address = address!("00000000000000000000000000000000000000a3");
const ALICE: Address = address!("0000000000000000000000000000000000000a11");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const CAROL: Address = address!("0000000000000000000000000000000000000ca1");
const DAVE: Address = address!("0000000000000000000000000000000000000da7");
const VICTIM: Address = address!("000000000000000000000000000000000000fee1");
const ATTACKER: Address = address!("0000000000000000000000000000000000000bad");

const ETH: u128 = 1_000_000_000_000_000_000;
const T0: u64 = 1_700_000_000;
const DAY: u64 = 86_400;

sol! {
    /// Encoded independently of the contract's own interface, so the push test checks real calldata.
    function onStatusChange(bytes32 subject, uint256 status);
}

fn eth(n: u128) -> U256 {
    U256::from(n * ETH)
}

fn params() -> Params {
    Params {
        minStake: eth(1),
        stakeCap: eth(10),
        stakeWarmup: DAY,
        unbondingDelay: 7 * DAY,
        reportBond: U256::from(ETH / 10),
        disputeBond: U256::from(ETH / 2),
        watchScore: eth(1),
        confirmScore: eth(25),
        minReporters: 2,
        maxReporters: 4,
        maxTtl: 30 * DAY,
        disputerShareBps: 5_000,
        paramsDelay: 2 * DAY,
    }
}

struct Env {
    vm: TestVM,
    /// The registry's host: records every call it makes, so payouts are the transfers themselves.
    calls: Recorder,
    reg: ThreatRegistry,
    /// ETH the contract received: every successful payable call adds. What it sent is read from
    /// `calls`, never from the contract's own figures.
    balance: U256,
}

impl Env {
    fn new() -> Self {
        let vm = TestVM::default();
        vm.set_block_timestamp(T0);
        let calls = Recorder::new(vm.clone());
        let mut reg: ThreatRegistry = calls.contract();
        reg.constructor(OWNER, params()).ok().expect("constructor");
        vm.set_sender(OWNER);
        reg.set_resolver(RESOLVER, true).ok().expect("resolver");
        Self {
            vm,
            calls,
            reg,
            balance: U256::ZERO,
        }
    }

    fn as_(&mut self, who: Address) -> &mut ThreatRegistry {
        self.vm.set_sender(who);
        self.vm.set_value(U256::ZERO);
        &mut self.reg
    }

    fn stake(&mut self, who: Address, amount: U256) -> Result<()> {
        self.vm.set_sender(who);
        self.vm.set_value(amount);
        let r = self.reg.stake();
        self.vm.set_value(U256::ZERO);
        if r.is_ok() {
            self.balance += amount;
        }
        r
    }

    fn dispute(&mut self, who: Address, subject: B256, bond: U256) -> Result<()> {
        self.vm.set_sender(who);
        self.vm.set_value(bond);
        let r = self.reg.dispute(subject, B256::repeat_byte(0xd1));
        self.vm.set_value(U256::ZERO);
        if r.is_ok() {
            self.balance += bond;
        }
        r
    }

    /// Withdraws `who`'s unbonded stake; on success exactly the unbonding amount went to `who`.
    fn withdraw(&mut self, who: Address) -> Result<()> {
        let unbonding = self.reg.reporter_info(who).unbonding;
        let r = self.as_(who).withdraw();
        let sent = self.transfers();
        if r.is_ok() {
            assert_eq!(sent, vec![(who, unbonding)], "withdraw's transfer");
        } else {
            assert_eq!(sent, vec![], "a failed withdraw sent ETH");
        }
        r
    }

    /// Claims for `who`; returns the amount actually transferred to it.
    fn claim(&mut self, who: Address) -> Result<U256> {
        let r = self.as_(who).claim();
        let sent = self.transfers();
        r.map(|()| match sent[..] {
            [(to, amount)] if to == who => amount,
            _ => panic!("claim by {who} sent {sent:?}"),
        })
    }

    /// The ETH transfers (plain calls with value) made since the last look, as (to, amount).
    fn transfers(&self) -> Vec<(Address, U256)> {
        self.calls
            .take()
            .into_iter()
            .filter(|(_, data, value)| data.is_empty() || !value.is_zero())
            .map(|(to, data, value)| {
                assert!(data.is_empty(), "ETH sent with calldata to {to}");
                (to, value)
            })
            .collect()
    }

    fn warp(&mut self, seconds: u64) {
        let now = self.vm.snapshot().block_timestamp;
        self.vm.set_block_timestamp(now + seconds);
    }

    /// Three reporters with 10 ETH each, warmed up.
    fn with_reporters() -> Self {
        let mut env = Self::new();
        for who in [ALICE, BOB, CAROL] {
            env.stake(who, eth(10)).ok().expect("stake");
        }
        env.warp(DAY);
        env
    }

    fn submit(&mut self, who: Address, subject: B256) -> Result<u32> {
        self.as_(who)
            .submit(subject, 1, 4, B256::repeat_byte(0xe1), 10 * DAY)
    }

    /// Flags `subject` with ALICE, BOB and CAROL: confirmed on the third report.
    fn confirm(&mut self, subject: B256) -> u32 {
        let id = self.submit(ALICE, subject).ok().expect("submit");
        self.as_(BOB)
            .corroborate(subject, B256::ZERO)
            .ok()
            .expect("bob");
        self.as_(CAROL)
            .corroborate(subject, B256::ZERO)
            .ok()
            .expect("carol");
        id
    }

    fn status(&self, subject: B256) -> SubjectStatus {
        self.reg.status_of(subject)
    }

    /// The contract's sums match the ETH it holds: received less every transfer it made.
    fn assert_balanced(&self) {
        let a = self.reg.accounting();
        assert_eq!(
            a.stakes + a.disputeBonds + a.claimable + a.treasury,
            self.balance - self.calls.value_sent(),
            "balance invariant"
        );
    }

    /// Every `E` logged so far; a log with `E`'s topic that does not decode fails the test.
    fn logs<E: SolEvent>(&self) -> Vec<E> {
        testing::logs(&self.vm)
    }
}

/// Asserts `r` failed with exactly `expected` (selector and arguments).
#[track_caller]
fn reverts<T>(r: Result<T>, expected: impl SolError) {
    match r {
        Ok(_) => panic!("expected revert {}", core::any::type_name_of_val(&expected)),
        Err(e) => assert_eq!(Vec::<u8>::from(e), expected.abi_encode(), "wrong revert"),
    }
}

fn attacker() -> B256 {
    subject::address(ATTACKER)
}

// ----- constructor and governance -----

#[test]
fn constructor_sets_owner_and_first_params() {
    let env = Env::new();
    assert_eq!(
        env.reg.config(),
        RegistryConfig {
            owner: OWNER,
            pendingOwner: Address::ZERO,
            guard: Address::ZERO,
            submissionsPaused: false,
            paramsVersion: 1,
            flagCount: 0,
        }
    );
    assert_eq!(env.reg.params_at(0).ok(), Some(params()));
    assert!(env.reg.is_resolver(RESOLVER));
}

#[test]
fn constructor_rejects_zero_owner_and_bad_params() {
    let vm = TestVM::default();
    let mut reg = ThreatRegistry::from(&vm);
    reverts(reg.constructor(Address::ZERO, params()), ZeroAddress {});
    let mut bad = params();
    bad.disputerShareBps = 10_000;
    reverts(reg.constructor(OWNER, bad), InvalidParams { field: 11 });
}

#[test]
fn every_params_rule_is_enforced() {
    let mut env = Env::new();
    type Breaker = fn(&mut Params);
    let cases: Vec<(u8, Breaker)> = vec![
        (0, |p| p.minStake = eth(11)),
        (1, |p| {
            p.minStake = U256::ZERO;
            p.stakeCap = U256::ZERO;
        }),
        (1, |p| {
            p.stakeCap = U256::from(params::MAX_AMOUNT) + U256::from(1)
        }),
        (2, |p| p.stakeWarmup = params::MAX_WINDOW + 1),
        (3, |p| p.unbondingDelay = params::MAX_WINDOW + 1),
        (4, |p| p.reportBond = U256::ZERO),
        (4, |p| p.reportBond = eth(2)),
        (5, |p| p.disputeBond = U256::ZERO),
        (6, |p| p.watchScore = U256::ZERO),
        (7, |p| p.confirmScore = U256::ZERO),
        (7, |p| {
            p.confirmScore = U256::from(params::MAX_SCORE) + U256::from(1)
        }),
        (5, |p| {
            p.disputeBond = U256::from(params::MAX_AMOUNT) + U256::from(1)
        }),
        (8, |p| p.minReporters = 0),
        (9, |p| p.maxReporters = 1),
        (9, |p| p.maxReporters = params::MAX_REPORTERS_LIMIT + 1),
        (10, |p| p.maxTtl = 0),
        (11, |p| p.disputerShareBps = 10_000),
        (12, |p| p.paramsDelay = params::MAX_WINDOW + 1),
    ];
    for (field, break_it) in cases {
        let mut p = params();
        break_it(&mut p);
        reverts(env.as_(OWNER).schedule_params(p), InvalidParams { field });
    }
}

#[test]
fn params_change_waits_for_delay_and_applies_as_new_version() {
    let mut env = Env::new();
    let mut next = params();
    next.confirmScore = eth(15);
    reverts(
        env.as_(ALICE).schedule_params(next.clone()),
        Unauthorized { account: ALICE },
    );
    reverts(env.as_(ALICE).apply_params(), NoPendingParams {});
    env.as_(OWNER).schedule_params(next.clone()).ok().unwrap();
    assert_eq!(
        env.reg.pending_params(),
        PendingParams {
            params: next.clone(),
            eta: T0 + 2 * DAY
        }
    );
    reverts(
        env.as_(ALICE).apply_params(),
        ParamsNotReady { eta: T0 + 2 * DAY },
    );
    env.warp(2 * DAY);
    assert_eq!(env.as_(ALICE).apply_params().ok(), Some(2));
    assert_eq!(env.reg.params_at(0).ok(), Some(next.clone()));
    assert_eq!(env.reg.params_at(2).ok(), Some(next));
    assert_eq!(env.reg.params_at(1).ok(), Some(params()));
    reverts(env.reg.params_at(3), InvalidParams { field: 0 });
    reverts(env.as_(ALICE).apply_params(), NoPendingParams {});
    assert_eq!(
        env.logs::<ParamsApplied>().last().map(|e| e.version),
        Some(2)
    );
}

#[test]
fn params_can_be_cancelled() {
    let mut env = Env::new();
    reverts(env.as_(OWNER).cancel_params(), NoPendingParams {});
    env.as_(OWNER).schedule_params(params()).ok().unwrap();
    reverts(env.as_(BOB).cancel_params(), Unauthorized { account: BOB });
    env.as_(OWNER).cancel_params().ok().unwrap();
    env.warp(3 * DAY);
    reverts(env.as_(OWNER).apply_params(), NoPendingParams {});
}

#[test]
fn ownership_transfer_is_two_step() {
    let mut env = Env::new();
    reverts(
        env.as_(ALICE).transfer_ownership(ALICE),
        Unauthorized { account: ALICE },
    );
    env.as_(OWNER).transfer_ownership(BOB).ok().unwrap();
    assert_eq!(env.reg.config().pendingOwner, BOB);
    assert_eq!(env.reg.config().owner, OWNER);
    reverts(
        env.as_(ALICE).accept_ownership(),
        Unauthorized { account: ALICE },
    );
    env.as_(BOB).accept_ownership().ok().unwrap();
    assert_eq!(
        (env.reg.config().owner, env.reg.config().pendingOwner),
        (BOB, Address::ZERO)
    );
    reverts(
        env.as_(OWNER).set_guard(GUARD),
        Unauthorized { account: OWNER },
    );
    // Nobody can accept a cleared pending transfer, not even the zero address.
    reverts(
        env.as_(Address::ZERO).accept_ownership(),
        Unauthorized {
            account: Address::ZERO,
        },
    );
}

#[test]
fn resolver_management_is_owner_only() {
    let mut env = Env::new();
    reverts(
        env.as_(RESOLVER).set_resolver(BOB, true),
        Unauthorized { account: RESOLVER },
    );
    reverts(
        env.as_(OWNER).set_resolver(Address::ZERO, true),
        ZeroAddress {},
    );
    env.as_(OWNER).set_resolver(RESOLVER, false).ok().unwrap();
    assert!(!env.reg.is_resolver(RESOLVER));
    let set = env.logs::<ResolverSet>();
    assert_eq!(
        (set.last().unwrap().account, set.last().unwrap().enabled),
        (RESOLVER, false)
    );
}

#[test]
fn pause_stops_reports_but_not_exits() {
    let mut env = Env::with_reporters();
    env.confirm(attacker());
    reverts(
        env.as_(ALICE).set_submissions_paused(true),
        Unauthorized { account: ALICE },
    );
    env.as_(OWNER).set_submissions_paused(true).ok().unwrap();
    assert!(env.reg.config().submissionsPaused);
    let other = subject::address(VICTIM);
    reverts(env.submit(ALICE, other), SubmissionsPaused {});
    reverts(
        env.as_(DAVE).corroborate(attacker(), B256::ZERO),
        SubmissionsPaused {},
    );
    // Queries, unstaking and withdrawals keep working.
    assert!(env.reg.is_flagged(ATTACKER));
    env.as_(ALICE).request_unstake(eth(1)).ok().unwrap();
    env.warp(7 * DAY);
    env.withdraw(ALICE).ok().unwrap();
    env.as_(OWNER).set_submissions_paused(false).ok().unwrap();
    env.submit(ALICE, other).ok().unwrap();
    env.assert_balanced();
}

// ----- staking -----

#[test]
fn stake_warms_up_before_it_counts() {
    let mut env = Env::new();
    reverts(env.stake(ALICE, U256::ZERO), ZeroAmount {});
    env.stake(ALICE, eth(5)).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.warming, info.reputation),
        (eth(5), eth(5), math::REP_NEUTRAL)
    );
    assert_eq!(info.weight, U256::ZERO);
    reverts(
        env.submit(ALICE, attacker()),
        InsufficientStake {
            available: U256::ZERO,
            required: eth(1),
        },
    );
    env.warp(DAY);
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(5));
    // A top-up warms on its own clock; the warm part keeps counting.
    env.stake(ALICE, eth(3)).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(5));
    env.warp(DAY);
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(8));
    let staked = env.logs::<Staked>();
    assert_eq!(
        (staked[1].amount, staked[1].stake, staked[1].warmUntil),
        (eth(3), eth(8), T0 + 2 * DAY)
    );
    env.assert_balanced();
}

#[test]
fn weight_is_capped() {
    let mut env = Env::new();
    env.stake(ALICE, eth(100)).ok().unwrap();
    env.warp(DAY);
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(10));
}

#[test]
fn unstake_waits_for_unbonding_and_keeps_bonds() {
    let mut env = Env::with_reporters();
    reverts(env.as_(ALICE).request_unstake(U256::ZERO), ZeroAmount {});
    env.submit(ALICE, attacker()).ok().unwrap();
    let bond = params().reportBond;
    // The bond of the open flag cannot leave.
    reverts(
        env.as_(ALICE).request_unstake(eth(10)),
        InsufficientStake {
            available: eth(10) - bond,
            required: eth(10),
        },
    );
    reverts(env.withdraw(ALICE), NothingToWithdraw {});
    env.as_(ALICE).request_unstake(eth(4)).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).weight, eth(6));
    reverts(
        env.withdraw(ALICE),
        StillUnbonding {
            until: T0 + DAY + 7 * DAY,
        },
    );
    env.warp(7 * DAY - 1);
    reverts(
        env.withdraw(ALICE),
        StillUnbonding {
            until: T0 + DAY + 7 * DAY,
        },
    );
    env.warp(1);
    env.withdraw(ALICE).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.unbonding, info.locked),
        (eth(6), U256::ZERO, bond)
    );
    assert_eq!(env.logs::<Withdrawn>()[0].amount, eth(4));
    env.assert_balanced();
}

#[test]
fn unstaking_takes_warming_stake_first() {
    let mut env = Env::new();
    env.stake(ALICE, eth(5)).ok().unwrap();
    env.warp(DAY);
    env.stake(ALICE, eth(2)).ok().unwrap();
    env.as_(ALICE).request_unstake(eth(3)).ok().unwrap();
    let info = env.reg.reporter_info(ALICE);
    assert_eq!((info.warming, info.unbonding), (U256::ZERO, eth(3)));
    assert_eq!(info.weight, eth(4));
}

#[test]
fn claim_with_nothing_owed_fails() {
    let mut env = Env::new();
    reverts(env.claim(ALICE), NothingToClaim {});
}

// ----- flags -----

#[test]
fn submit_validates_input() {
    let mut env = Env::with_reporters();
    reverts(
        env.submit(ALICE, B256::ZERO),
        InvalidSubject {
            subject: B256::ZERO,
        },
    );
    let s = attacker();
    reverts(
        env.as_(ALICE).submit(s, 0, 1, B256::ZERO, DAY),
        InvalidCategory { category: 0 },
    );
    reverts(
        env.as_(ALICE)
            .submit(s, CATEGORY_MAX + 1, 1, B256::ZERO, DAY),
        InvalidCategory { category: 8 },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 0, B256::ZERO, DAY),
        InvalidSeverity { severity: 0 },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 5, B256::ZERO, DAY),
        InvalidSeverity { severity: 5 },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 1, B256::ZERO, 0),
        InvalidTtl {
            ttl: 0,
            max: 30 * DAY,
        },
    );
    reverts(
        env.as_(ALICE).submit(s, 1, 1, B256::ZERO, 30 * DAY + 1),
        InvalidTtl {
            ttl: 30 * DAY + 1,
            max: 30 * DAY,
        },
    );
    reverts(
        env.submit(DAVE, s),
        InsufficientStake {
            available: U256::ZERO,
            required: eth(1),
        },
    );
    assert_eq!(env.reg.config().flagCount, 0);
    env.assert_balanced();
}

#[test]
fn submit_opens_a_flag_with_weighted_score() {
    let mut env = Env::with_reporters();
    let id = env.submit(ALICE, attacker()).ok().unwrap();
    assert_eq!(id, 1);
    let st = env.status(attacker());
    assert_eq!(st.level, Level::Watch as u8);
    assert_eq!(
        (st.category, st.severity, st.flagId, st.expiry),
        (1, 4, 1, T0 + DAY + 10 * DAY)
    );
    assert_eq!(st.score, 10 * ETH);
    assert!(!env.reg.is_flagged(ATTACKER));
    let info = env.reg.flag_info(1).ok().unwrap();
    assert_eq!(
        (info.subject, info.reporters.clone(), info.rulesVersion),
        (attacker(), vec![ALICE], 1)
    );
    assert_eq!(env.reg.reporter_info(ALICE).locked, params().reportBond);
    let ev = &env.logs::<FlagSubmitted>()[0];
    assert_eq!(
        (ev.reporter, ev.weight, ev.bond, ev.evidence),
        (ALICE, eth(10), params().reportBond, B256::repeat_byte(0xe1))
    );
    reverts(
        env.submit(BOB, attacker()),
        FlagExists {
            subject: attacker(),
            flagId: 1,
        },
    );
}

#[test]
fn low_weight_report_is_pending() {
    let mut env = Env::new();
    env.stake(DAVE, U256::from(ETH / 2) + eth(1)).ok().unwrap();
    env.warp(DAY);
    let mut p = params();
    p.watchScore = eth(2);
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    env.submit(DAVE, attacker()).ok().unwrap();
    assert_eq!(env.status(attacker()).level, Level::Pending as u8);
}

#[test]
fn confirmation_needs_score_and_distinct_reporters() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    reverts(
        env.as_(ALICE).corroborate(s, B256::ZERO),
        AlreadyReported {
            subject: s,
            reporter: ALICE,
        },
    );
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    // 20 ETH of weight from two reporters: below the 25 ETH threshold.
    assert_eq!(env.status(s).level, Level::Watch as u8);
    env.as_(CAROL)
        .corroborate(s, B256::repeat_byte(7))
        .ok()
        .unwrap();
    assert_eq!(env.status(s).level, Level::Confirmed as u8);
    assert!(env.reg.is_flagged(ATTACKER));
    assert!(env.reg.is_sanctioned(ATTACKER));
    assert_eq!(
        env.logs::<FlagCorroborated>()[1].evidence,
        B256::repeat_byte(7)
    );
}

#[test]
fn one_whale_cannot_confirm_alone() {
    let mut env = Env::new();
    let mut p = params();
    p.confirmScore = eth(10);
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.stake(ALICE, eth(1_000)).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    env.submit(ALICE, attacker()).ok().unwrap();
    let st = env.status(attacker());
    assert_eq!((st.level, st.score), (Level::Watch as u8, 10 * ETH));
}

#[test]
fn corroborate_rejects_missing_expired_and_full_flags() {
    let mut env = Env::with_reporters();
    let s = attacker();
    reverts(
        env.as_(BOB).corroborate(s, B256::ZERO),
        NoLiveFlag { subject: s },
    );
    env.submit(ALICE, s).ok().unwrap();
    env.stake(DAVE, eth(2)).ok().unwrap();
    env.warp(DAY);
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    env.as_(CAROL).corroborate(s, B256::ZERO).ok().unwrap();
    env.as_(DAVE).corroborate(s, B256::ZERO).ok().unwrap();
    env.stake(VICTIM, eth(2)).ok().unwrap();
    env.warp(DAY);
    reverts(
        env.as_(VICTIM).corroborate(s, B256::ZERO),
        TooManyReporters { subject: s, max: 4 },
    );
    env.warp(10 * DAY);
    reverts(
        env.as_(VICTIM).corroborate(s, B256::ZERO),
        NoLiveFlag { subject: s },
    );
}

#[test]
fn max_reporters_bounds_a_flag() {
    let mut env = Env::with_reporters();
    let mut p = params();
    p.confirmScore = eth(1_000);
    p.maxReporters = 2;
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    reverts(
        env.as_(CAROL).corroborate(s, B256::ZERO),
        TooManyReporters { subject: s, max: 2 },
    );
}

#[test]
fn flags_expire_without_a_transaction() {
    let mut env = Env::with_reporters();
    env.confirm(attacker());
    assert!(env.reg.is_flagged(ATTACKER));
    env.warp(10 * DAY - 1);
    assert!(env.reg.is_flagged(ATTACKER));
    env.warp(1);
    assert!(!env.reg.is_flagged(ATTACKER));
    assert_eq!(env.status(attacker()).level, Level::Expired as u8);
}

#[test]
fn renew_extends_by_ttl_for_reporters_only() {
    let mut env = Env::with_reporters();
    let s = attacker();
    reverts(env.as_(ALICE).renew(s), NoLiveFlag { subject: s });
    env.confirm(s);
    env.warp(5 * DAY);
    reverts(
        env.as_(DAVE).renew(s),
        NotAReporter {
            subject: s,
            account: DAVE,
        },
    );
    env.as_(BOB).renew(s).ok().unwrap();
    assert_eq!(env.status(s).expiry, T0 + 6 * DAY + 10 * DAY);
    env.warp(10 * DAY);
    reverts(env.as_(BOB).renew(s), NoLiveFlag { subject: s });
}

#[test]
fn rules_are_snapshotted_per_flag() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    let mut p = params();
    p.confirmScore = eth(15);
    p.reportBond = eth(1);
    env.as_(OWNER).schedule_params(p).ok().unwrap();
    env.warp(2 * DAY);
    env.as_(OWNER).apply_params().ok().unwrap();
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    // The open flag still needs 25 ETH and bonds 0.1 ETH: its rules are version 1.
    assert_eq!(env.status(s).level, Level::Watch as u8);
    assert_eq!(env.reg.reporter_info(BOB).locked, params().reportBond);
    // A new flag runs under version 2.
    let other = subject::address(VICTIM);
    let id = env.submit(CAROL, other).ok().unwrap();
    assert_eq!(env.reg.flag_info(id).ok().unwrap().rulesVersion, 2);
    assert_eq!(env.reg.reporter_info(CAROL).locked, eth(1));
}

#[test]
fn release_frees_bonds_after_expiry_and_rewards_confirmed_flags() {
    let mut env = Env::with_reporters();
    let id = env.confirm(attacker());
    reverts(env.as_(DAVE).release(0), UnknownFlag { flagId: 0 });
    reverts(env.as_(DAVE).release(9), UnknownFlag { flagId: 9 });
    reverts(
        env.as_(DAVE).release(id),
        FlagStillLive {
            flagId: id,
            expiry: T0 + 11 * DAY,
        },
    );
    env.warp(10 * DAY);
    env.as_(DAVE).release(id).ok().unwrap();
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.locked, info.reputation),
            (U256::ZERO, math::REP_NEUTRAL + math::REP_GAIN)
        );
    }
    reverts(env.as_(DAVE).release(id), AlreadySettled { flagId: id });
    let ev = &env.logs::<BondsReleased>()[0];
    assert_eq!(
        (ev.perReporter, ev.reporters),
        (params().reportBond, U256::from(3))
    );
}

#[test]
fn unconfirmed_expired_flag_releases_without_reward_and_can_be_reflagged() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    env.warp(10 * DAY);
    let id2 = env.submit(BOB, s).ok().unwrap();
    assert_eq!(id2, id + 1);
    env.as_(DAVE).release(id).ok().unwrap();
    assert_eq!(env.reg.reporter_info(ALICE).reputation, math::REP_NEUTRAL);
    assert_eq!(env.reg.reporter_info(ALICE).locked, U256::ZERO);
}

#[test]
fn subjects_of_every_kind_can_be_flagged() {
    let mut env = Env::with_reporters();
    let code = subject::code_hash(B256::repeat_byte(0xc0));
    let adv = subject::advisory(B256::repeat_byte(0xad));
    env.submit(ALICE, code).ok().unwrap();
    env.submit(ALICE, adv).ok().unwrap();
    let many = env
        .reg
        .status_of_many(vec![code, adv, attacker()])
        .ok()
        .unwrap();
    assert_eq!(
        many.iter().map(|s| s.flagId).collect::<Vec<_>>(),
        vec![1, 2, 0]
    );
    reverts(
        env.reg.status_of_many(vec![B256::ZERO; MAX_BATCH + 1]),
        BatchTooLarge {
            length: U256::from(MAX_BATCH + 1),
            max: U256::from(MAX_BATCH),
        },
    );
}

#[test]
fn advisory_details_can_be_revealed_after_commit() {
    let mut env = Env::with_reporters();
    let details = b"CVE-2026-0001: share inflation in vaults".to_vec();
    let commitment = B256::from(alloy_primitives::keccak256(&details));
    let adv = subject::advisory(B256::repeat_byte(0xad));
    env.as_(ALICE)
        .submit(adv, 5, 3, commitment, DAY)
        .ok()
        .unwrap();
    reverts(
        env.as_(BOB).reveal(adv, details.clone().into()),
        NotAReporter {
            subject: adv,
            account: BOB,
        },
    );
    reverts(
        env.as_(ALICE).reveal(adv, b"other".to_vec().into()),
        RevealMismatch {
            subject: adv,
            evidence: commitment,
        },
    );
    reverts(
        env.as_(ALICE).reveal(attacker(), details.clone().into()),
        NoLiveFlag {
            subject: attacker(),
        },
    );
    env.as_(ALICE)
        .reveal(adv, details.clone().into())
        .ok()
        .unwrap();
    assert_eq!(env.logs::<AdvisoryRevealed>()[0].details.to_vec(), details);
}

// ----- disputes -----

#[test]
fn dispute_needs_a_live_flag_and_the_exact_bond() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let bond = params().disputeBond;
    reverts(env.dispute(ATTACKER, s, bond), NoLiveFlag { subject: s });
    env.confirm(s);
    reverts(
        env.dispute(ATTACKER, s, bond - U256::from(1)),
        WrongBond {
            expected: bond,
            sent: bond - U256::from(1),
        },
    );
    env.dispute(ATTACKER, s, bond).ok().unwrap();
    reverts(env.dispute(DAVE, s, bond), AlreadyDisputed { subject: s });
    // A dispute never suspends the flag's effect.
    assert!(env.reg.is_flagged(ATTACKER));
    let st = env.status(s);
    assert!(st.disputed);
    assert_eq!(st.level, Level::Confirmed as u8);
    env.assert_balanced();
}

#[test]
fn resolve_requires_resolver_and_an_open_dispute() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.confirm(s);
    reverts(
        env.as_(RESOLVER).resolve(s, true, B256::ZERO),
        NotDisputed { subject: s },
    );
    env.dispute(ATTACKER, s, params().disputeBond).ok().unwrap();
    reverts(
        env.as_(OWNER).resolve(s, true, B256::ZERO),
        Unauthorized { account: OWNER },
    );
}

#[test]
fn upheld_dispute_pays_reporters_and_finalizes() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.confirm(s);
    let bond = params().disputeBond;
    env.dispute(ATTACKER, s, bond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, true, B256::repeat_byte(0x99))
        .ok()
        .unwrap();
    let st = env.status(s);
    assert_eq!(
        (st.level, st.disputed, st.finalized),
        (Level::Confirmed as u8, false, true)
    );
    let (share, rest) = math::split_even(bond.to::<u128>(), 3);
    let (share, rest) = (U256::from(share), U256::from(rest));
    for who in [ALICE, BOB, CAROL] {
        assert_eq!(env.reg.claimable(who), share);
        let info = env.reg.reporter_info(who);
        assert_eq!(
            (info.locked, info.reputation),
            (U256::ZERO, math::REP_NEUTRAL + math::REP_GAIN)
        );
    }
    assert_eq!(env.reg.accounting().treasury, rest);
    assert!(env.reg.flag_info(id).ok().unwrap().settled);
    let ev = &env.logs::<DisputeResolved>()[0];
    assert_eq!(
        (ev.upheld, ev.rationale, ev.toReporters, ev.toTreasury),
        (true, B256::repeat_byte(0x99), share * U256::from(3), rest)
    );
    reverts(env.dispute(DAVE, s, bond), FlagFinal { subject: s });
    assert_eq!(env.claim(BOB).ok(), Some(share));
    env.assert_balanced();
}

/// The false-flag story: an honest user is flagged, disputes, wins; every wei is accounted for.
#[test]
fn rejected_dispute_slashes_reporters_and_compensates_the_victim() {
    let mut env = Env::with_reporters();
    let s = subject::address(VICTIM);
    let id = env.confirm(s);
    assert!(env.reg.is_flagged(VICTIM));
    let (rbond, dbond) = (params().reportBond, params().disputeBond);
    env.dispute(VICTIM, s, dbond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, false, B256::repeat_byte(0x42))
        .ok()
        .unwrap();
    assert!(!env.reg.is_flagged(VICTIM));
    let st = env.status(s);
    assert_eq!((st.level, st.finalized), (Level::Removed as u8, true));
    let slashed = rbond * U256::from(3);
    let (reward, to_treasury) = math::split_slash(slashed.to::<u128>(), 5_000);
    let (reward, to_treasury) = (U256::from(reward), U256::from(to_treasury));
    assert_eq!(env.reg.claimable(VICTIM), dbond + reward);
    assert_eq!(env.reg.accounting().treasury, to_treasury);
    for who in [ALICE, BOB, CAROL] {
        let info = env.reg.reporter_info(who);
        assert_eq!((info.stake, info.locked), (eth(10) - rbond, U256::ZERO));
        assert_eq!(info.reputation, math::REP_NEUTRAL - math::REP_LOSS);
    }
    assert_eq!(env.logs::<ReporterSettled>().len(), 3);
    assert!(env.reg.flag_info(id).ok().unwrap().settled);
    assert_eq!(env.claim(VICTIM).ok(), Some(dbond + reward));
    env.assert_balanced();
    // The subject can be flagged again later, on new evidence.
    assert_eq!(env.submit(ALICE, s).ok(), Some(id + 1));
}

#[test]
fn self_dispute_loses_money() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    let before = env.reg.reporter_info(ALICE).stake;
    let dbond = params().disputeBond;
    env.dispute(ALICE, s, dbond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, false, B256::ZERO)
        .ok()
        .unwrap();
    let paid_back = env.claim(ALICE).ok().unwrap();
    let after = env.reg.reporter_info(ALICE).stake;
    // ALICE put in stake + dispute bond and gets back less than both.
    assert!(after + paid_back < before + dbond);
    env.assert_balanced();
}

#[test]
fn false_flags_drain_reputation_to_no_weight() {
    let mut env = Env::with_reporters();
    for i in 1..=4u8 {
        let s = subject::code_hash(B256::repeat_byte(i));
        env.submit(ALICE, s).ok().unwrap();
        env.dispute(DAVE, s, params().disputeBond).ok().unwrap();
        env.as_(RESOLVER)
            .resolve(s, false, B256::ZERO)
            .ok()
            .unwrap();
    }
    let info = env.reg.reporter_info(ALICE);
    assert_eq!((info.reputation, info.weight), (0, U256::ZERO));
    reverts(
        env.submit(ALICE, attacker()),
        NoReputation { reporter: ALICE },
    );
    env.assert_balanced();
}

#[test]
fn corroboration_continues_during_a_dispute() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    // The attacker disputes its own flag; it must not stop the confirmation.
    env.dispute(ATTACKER, s, params().disputeBond).ok().unwrap();
    env.as_(BOB).corroborate(s, B256::ZERO).ok().unwrap();
    env.as_(CAROL).corroborate(s, B256::ZERO).ok().unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    assert!(env.status(s).disputed);
}

#[test]
fn subject_in_dispute_cannot_be_reflagged_until_resolved() {
    let mut env = Env::with_reporters();
    let s = attacker();
    let id = env.submit(ALICE, s).ok().unwrap();
    env.dispute(DAVE, s, params().disputeBond).ok().unwrap();
    env.warp(10 * DAY);
    reverts(env.submit(BOB, s), SubjectInDispute { subject: s });
    reverts(env.as_(DAVE).release(id), SubjectInDispute { subject: s });
    env.as_(RESOLVER).resolve(s, true, B256::ZERO).ok().unwrap();
    // Upheld after expiry: confirmed again for its time to live.
    assert!(env.reg.is_flagged(ATTACKER));
}

// ----- emergency path -----

#[test]
fn emergency_confirm_creates_a_final_flag_without_reporters() {
    let mut env = Env::new();
    let s = attacker();
    reverts(
        env.as_(ALICE).emergency_confirm(s, 1, 4, DAY, B256::ZERO),
        Unauthorized { account: ALICE },
    );
    reverts(
        env.as_(RESOLVER)
            .emergency_confirm(B256::ZERO, 1, 4, DAY, B256::ZERO),
        InvalidSubject {
            subject: B256::ZERO,
        },
    );
    reverts(
        env.as_(RESOLVER).emergency_confirm(s, 1, 4, 0, B256::ZERO),
        InvalidTtl {
            ttl: 0,
            max: 30 * DAY,
        },
    );
    let id = env
        .as_(RESOLVER)
        .emergency_confirm(s, 1, 4, DAY, B256::repeat_byte(0x91))
        .ok()
        .unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    let st = env.status(s);
    assert_eq!((st.finalized, st.flagId, st.expiry), (true, id, T0 + DAY));
    let ev = &env.logs::<EmergencyAction>()[0];
    assert_eq!(
        (ev.confirmed, ev.rationale, ev.resolver),
        (true, B256::repeat_byte(0x91), RESOLVER)
    );
    reverts(
        env.dispute(ATTACKER, s, params().disputeBond),
        FlagFinal { subject: s },
    );
}

#[test]
fn emergency_confirm_of_a_disputed_flag_settles_it_as_upheld() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.submit(ALICE, s).ok().unwrap();
    env.dispute(ATTACKER, s, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .emergency_confirm(s, 1, 4, DAY, B256::ZERO)
        .ok()
        .unwrap();
    assert!(env.reg.is_flagged(ATTACKER));
    assert_eq!(env.reg.claimable(ALICE), params().disputeBond);
    assert_eq!(env.reg.reporter_info(ALICE).locked, U256::ZERO);
    env.assert_balanced();
}

#[test]
fn emergency_remove_unblocks_and_refunds_without_slashing() {
    let mut env = Env::with_reporters();
    let s = subject::address(VICTIM);
    reverts(
        env.as_(RESOLVER).emergency_remove(s, B256::ZERO),
        NoLiveFlag { subject: s },
    );
    env.confirm(s);
    env.dispute(VICTIM, s, params().disputeBond).ok().unwrap();
    reverts(
        env.as_(BOB).emergency_remove(s, B256::ZERO),
        Unauthorized { account: BOB },
    );
    env.as_(RESOLVER)
        .emergency_remove(s, B256::repeat_byte(3))
        .ok()
        .unwrap();
    assert!(!env.reg.is_flagged(VICTIM));
    assert_eq!(env.reg.claimable(VICTIM), params().disputeBond);
    let info = env.reg.reporter_info(ALICE);
    assert_eq!(
        (info.stake, info.locked, info.reputation),
        (eth(10), U256::ZERO, math::REP_NEUTRAL)
    );
    env.assert_balanced();
}

// ----- guard link -----

#[test]
fn every_status_change_is_pushed_to_the_guard_with_exact_calldata() {
    let linked = || {
        let mut env = Env::with_reporters();
        reverts(
            env.as_(ALICE).set_guard(GUARD),
            Unauthorized { account: ALICE },
        );
        env.as_(OWNER).set_guard(GUARD).ok().unwrap();
        assert_eq!(env.reg.config().guard, GUARD);
        env
    };
    let s = attacker();
    let expected = Status {
        level: Level::Watch,
        category: 1,
        severity: 4,
        flag_id: 1,
        expiry: T0 + 11 * DAY,
        score: 10 * ETH,
        ..Status::default()
    };
    let calldata = onStatusChangeCall {
        subject: s,
        status: expected.to_word(),
    }
    .abi_encode();
    // A guard that refuses this exact calldata makes the report revert: no confirmation without
    // protection. Any other calldata would have succeeded (unmocked calls return success).
    let mut refusing = linked();
    refusing
        .vm
        .mock_call(GUARD, calldata.clone(), U256::ZERO, Err(vec![0xde, 0xad]));
    reverts(
        refusing.submit(ALICE, s),
        GuardSyncFailed {
            guard: GUARD,
            subject: s,
        },
    );
    let mut env = linked();
    env.vm.mock_call(GUARD, calldata, U256::ZERO, Ok(vec![]));
    env.submit(ALICE, s).ok().unwrap();
    let pushed = env.logs::<StatusChanged>();
    assert_eq!(pushed.last().map(|e| e.status), Some(expected.to_word()));
}

#[test]
fn unlinking_the_guard_stops_pushes() {
    let s = attacker();
    let push = onStatusChangeCall {
        subject: s,
        status: Status {
            level: Level::Watch,
            category: 1,
            severity: 4,
            flag_id: 1,
            expiry: T0 + 11 * DAY,
            score: 10 * ETH,
            ..Status::default()
        }
        .to_word(),
    }
    .abi_encode();
    let refusing = |env: &mut Env| {
        env.vm
            .mock_call(GUARD, push.clone(), U256::ZERO, Err(vec![0xde, 0xad]))
    };
    // The mock matches the exact push ALICE's report makes to GUARD: while linked, it fails.
    let mut linked = Env::with_reporters();
    linked.as_(OWNER).set_guard(GUARD).ok().unwrap();
    refusing(&mut linked);
    reverts(
        linked.submit(ALICE, s),
        GuardSyncFailed {
            guard: GUARD,
            subject: s,
        },
    );
    // Unlinked, the same report goes through and calls nobody.
    let mut env = Env::with_reporters();
    env.as_(OWNER).set_guard(GUARD).ok().unwrap();
    env.as_(OWNER).set_guard(Address::ZERO).ok().unwrap();
    refusing(&mut env);
    env.calls.take();
    env.submit(ALICE, s).ok().unwrap();
    assert_eq!(env.calls.take(), vec![], "no push without a guard");
    assert_eq!(
        env.logs::<GuardSet>().last().map(|e| e.guard),
        Some(Address::ZERO)
    );
}

// ----- treasury -----

#[test]
fn treasury_sweep_is_owner_only() {
    let mut env = Env::with_reporters();
    reverts(env.as_(OWNER).sweep_treasury(OWNER), NothingToClaim {});
    let s = attacker();
    env.confirm(s);
    env.dispute(DAVE, s, params().disputeBond).ok().unwrap();
    env.as_(RESOLVER)
        .resolve(s, false, B256::ZERO)
        .ok()
        .unwrap();
    let amount = env.reg.accounting().treasury;
    assert!(!amount.is_zero());
    reverts(
        env.as_(ALICE).sweep_treasury(ALICE),
        Unauthorized { account: ALICE },
    );
    reverts(env.as_(OWNER).sweep_treasury(Address::ZERO), ZeroAddress {});
    env.as_(OWNER).sweep_treasury(OWNER).ok().unwrap();
    assert_eq!(env.transfers(), vec![(OWNER, amount)]);
    assert_eq!(env.reg.accounting().treasury, U256::ZERO);
    env.assert_balanced();
}

#[test]
fn failed_payout_reverts_with_typed_error() {
    let mut env = Env::with_reporters();
    env.as_(ALICE).request_unstake(eth(1)).ok().unwrap();
    env.warp(7 * DAY);
    env.vm.mock_call(ALICE, vec![], eth(1), Err(vec![]));
    reverts(
        env.as_(ALICE).withdraw(),
        TransferFailed {
            to: ALICE,
            amount: eth(1),
        },
    );
}

// ----- events and limits -----

/// Events are encoded by the registry's own emitter; each must decode with its `sol!` declaration.
#[test]
fn remaining_events_decode_with_their_declarations() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.as_(ALICE).request_unstake(eth(1)).ok().unwrap();
    let e = &env.logs::<UnstakeRequested>()[0];
    assert_eq!(
        (e.reporter, e.amount, e.unbonding, e.unbondAt),
        (ALICE, eth(1), eth(1), T0 + 8 * DAY)
    );
    env.confirm(s);
    env.as_(BOB).renew(s).ok().unwrap();
    let e = &env.logs::<FlagRenewed>()[0];
    assert_eq!(
        (e.subject, e.flagId, e.reporter, e.expiry),
        (s, 1, BOB, T0 + 11 * DAY)
    );
    env.dispute(DAVE, s, params().disputeBond).ok().unwrap();
    let e = &env.logs::<Disputed>()[0];
    assert_eq!(
        (e.subject, e.disputer, e.evidence, e.bond),
        (s, DAVE, B256::repeat_byte(0xd1), params().disputeBond)
    );
    env.as_(RESOLVER)
        .resolve(s, false, B256::ZERO)
        .ok()
        .unwrap();
    let owed = env.claim(DAVE).ok().unwrap();
    let e = &env.logs::<Claimed>()[0];
    assert_eq!((e.account, e.amount), (DAVE, owed));
    let treasury = env.reg.accounting().treasury;
    env.as_(OWNER).sweep_treasury(CAROL).ok().unwrap();
    assert_eq!(env.transfers(), vec![(CAROL, treasury)]);
    let e = &env.logs::<TreasurySwept>()[0];
    assert_eq!((e.to, e.amount), (CAROL, treasury));
    env.as_(OWNER).set_submissions_paused(true).ok().unwrap();
    assert!(env.logs::<SubmissionsPausedSet>()[0].paused);
    env.as_(OWNER).schedule_params(params()).ok().unwrap();
    let e = &env.logs::<ParamsScheduled>()[0];
    assert_eq!((e.version, e.eta), (2, T0 + DAY + 2 * DAY));
    env.as_(OWNER).cancel_params().ok().unwrap();
    assert_eq!(env.logs::<ParamsCancelled>()[0].version, 2);
    env.as_(OWNER).transfer_ownership(BOB).ok().unwrap();
    let e = &env.logs::<OwnershipTransferStarted>()[0];
    assert_eq!((e.owner, e.pendingOwner), (OWNER, BOB));
    env.as_(BOB).accept_ownership().ok().unwrap();
    let moves = env.logs::<OwnershipTransferred>();
    assert_eq!(
        (moves[0].previousOwner, moves[0].newOwner),
        (Address::ZERO, OWNER)
    );
    assert_eq!((moves[1].previousOwner, moves[1].newOwner), (OWNER, BOB));
    env.assert_balanced();
}

#[test]
fn flag_ids_cannot_overflow() {
    let mut env = Env::with_reporters();
    let before = env.vm.snapshot().storage;
    env.submit(ALICE, attacker()).ok().unwrap();
    let after = env.vm.snapshot().storage;
    // The flag counter is the only word that went from absent to exactly 1 and is not a status,
    // bond or flag record: find it by pushing it to 2 with a second flag.
    let ones: Vec<U256> = after
        .iter()
        .filter(|(k, v)| !before.contains_key(*k) && U256::from_be_bytes(v.0) == U256::from(1))
        .map(|(k, _)| *k)
        .collect();
    env.submit(ALICE, subject::address(VICTIM)).ok().unwrap();
    let twos = env.vm.snapshot().storage;
    let counter = ones
        .into_iter()
        .find(|k| U256::from_be_bytes(twos[k].0) == U256::from(2))
        .unwrap();
    env.vm
        .set_storage(counter, B256::from(U256::from(u32::MAX)));
    let s = subject::address(BOB);
    reverts(env.submit(ALICE, s), AmountOverflow {});
    reverts(
        env.as_(RESOLVER)
            .emergency_confirm(s, 1, 1, DAY, B256::ZERO),
        AmountOverflow {},
    );
}

// ----- properties -----

mod properties {
    use super::*;
    use proptest::prelude::*;

    const ACTORS: [Address; 5] = [ALICE, BOB, CAROL, DAVE, VICTIM];

    #[derive(Clone, Debug)]
    enum Op {
        Stake(usize, u8),
        Unstake(usize, u8),
        Withdraw(usize),
        Claim(usize),
        Submit(usize, usize),
        Corroborate(usize, usize),
        Dispute(usize, usize),
        Resolve(usize, bool),
        Release(u8),
        EmergencyConfirm(usize),
        EmergencyRemove(usize),
        Warp(u32),
    }

    fn op() -> impl Strategy<Value = Op> {
        let who = 0..ACTORS.len();
        let subj = 0usize..3;
        prop_oneof![
            (who.clone(), 1u8..30).prop_map(|(w, a)| Op::Stake(w, a)),
            (who.clone(), 1u8..30).prop_map(|(w, a)| Op::Unstake(w, a)),
            who.clone().prop_map(Op::Withdraw),
            who.clone().prop_map(Op::Claim),
            (who.clone(), subj.clone()).prop_map(|(w, s)| Op::Submit(w, s)),
            (who.clone(), subj.clone()).prop_map(|(w, s)| Op::Corroborate(w, s)),
            (who.clone(), subj.clone()).prop_map(|(w, s)| Op::Dispute(w, s)),
            (subj.clone(), any::<bool>()).prop_map(|(s, u)| Op::Resolve(s, u)),
            (0u8..8).prop_map(Op::Release),
            subj.clone().prop_map(Op::EmergencyConfirm),
            subj.prop_map(Op::EmergencyRemove),
            (0u32..(12 * DAY as u32)).prop_map(Op::Warp),
        ]
    }

    fn subject_of(i: usize) -> B256 {
        [
            attacker(),
            subject::code_hash(B256::repeat_byte(1)),
            subject::advisory(B256::repeat_byte(2)),
        ][i]
    }

    fn apply(env: &mut Env, op: &Op) -> bool {
        let half = U256::from(ETH / 2);
        match *op {
            Op::Stake(w, a) => env.stake(ACTORS[w], half * U256::from(a)).is_ok(),
            Op::Unstake(w, a) => env
                .as_(ACTORS[w])
                .request_unstake(half * U256::from(a))
                .is_ok(),
            Op::Withdraw(w) => env.withdraw(ACTORS[w]).is_ok(),
            Op::Claim(w) => env.claim(ACTORS[w]).is_ok(),
            Op::Submit(w, s) => env.submit(ACTORS[w], subject_of(s)).is_ok(),
            Op::Corroborate(w, s) => env
                .as_(ACTORS[w])
                .corroborate(subject_of(s), B256::ZERO)
                .is_ok(),
            Op::Dispute(w, s) => env
                .dispute(ACTORS[w], subject_of(s), params().disputeBond)
                .is_ok(),
            Op::Resolve(s, upheld) => env
                .as_(RESOLVER)
                .resolve(subject_of(s), upheld, B256::ZERO)
                .is_ok(),
            Op::Release(id) => env.as_(DAVE).release(id as u32).is_ok(),
            Op::EmergencyConfirm(s) => env
                .as_(RESOLVER)
                .emergency_confirm(subject_of(s), 2, 3, DAY, B256::ZERO)
                .is_ok(),
            Op::EmergencyRemove(s) => env
                .as_(RESOLVER)
                .emergency_remove(subject_of(s), B256::ZERO)
                .is_ok(),
            Op::Warp(secs) => {
                env.warp(secs as u64);
                true
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Balance == stakes + dispute bonds + claimable + treasury after every step; a failed call
        /// writes nothing; total stake is the sum of reporters' stakes; locked stake never exceeds
        /// stake; a confirmed flag that governance did not finalize had threshold weight and
        /// reporters.
        #[test]
        fn accounting_and_confirmation_invariants(ops in proptest::collection::vec(op(), 1..60)) {
            let mut env = Env::new();
            let p = params();
            for op in &ops {
                let before = env.vm.snapshot().storage;
                let ok = apply(&mut env, op);
                if !ok {
                    prop_assert_eq!(&env.vm.snapshot().storage, &before, "failed {:?} wrote state", op);
                }
                env.assert_balanced();
                let mut stakes = U256::ZERO;
                for who in ACTORS {
                    let r = env.reg.reporter_info(who);
                    prop_assert!(r.locked + r.unbonding <= r.stake);
                    stakes += r.stake;
                }
                prop_assert_eq!(stakes, env.reg.accounting().stakes);
                for s in 0..3 {
                    let st = env.status(subject_of(s));
                    if st.level == Level::Confirmed as u8 && !st.finalized {
                        let info = env.reg.flag_info(st.flagId).ok().unwrap();
                        prop_assert!(U256::from(st.score) >= p.confirmScore);
                        prop_assert!(info.reporters.len() >= p.minReporters as usize);
                    }
                }
            }
        }
    }
}
