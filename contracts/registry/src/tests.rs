//! Unit tests of every public method on the SDK's TestVM: success, each revert, each role rule,
//! each bad input, with exact amounts; the harness here is shared by the modules' `tests.rs`, and
//! [`properties`] checks the books over random operation sequences.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use stylus_sdk::testing::TestVM;
use vigil_common::{
    subject,
    testing::{self, Recorder},
    Level,
};

use crate::*;

mod properties;

pub(crate) const OWNER: Address = address!("00000000000000000000000000000000000000a1");
pub(crate) const RESOLVER: Address = address!("00000000000000000000000000000000000000a2");
pub(crate) const GUARD: Address = address!("00000000000000000000000000000000000000a3");
/// A second resolver, for cases the first may not decide.
/// The extension program the constructor fixes (natively, its table runs on the same storage).
pub(crate) const EXTENSION: Address = address!("00000000000000000000000000000000000000e7");
pub(crate) const RESOLVER2: Address = address!("00000000000000000000000000000000000000a4");
pub(crate) const ALICE: Address = address!("0000000000000000000000000000000000000a11");
pub(crate) const BOB: Address = address!("0000000000000000000000000000000000000b0b");
pub(crate) const CAROL: Address = address!("0000000000000000000000000000000000000ca1");
pub(crate) const DAVE: Address = address!("0000000000000000000000000000000000000da7");
pub(crate) const VICTIM: Address = address!("000000000000000000000000000000000000fee1");
pub(crate) const ATTACKER: Address = address!("0000000000000000000000000000000000000bad");

pub(crate) const ETH: u128 = 1_000_000_000_000_000_000;
pub(crate) const T0: u64 = 1_700_000_000;
pub(crate) const DAY: u64 = 86_400;

sol! {
    /// Encoded independently of the contract's own interface, so the push test checks real calldata.
    function onStatusChange(bytes32 subject, uint256 status);
    // The timelocked methods, as the owner schedules them.
    function setGuard(address guard);
    function setResolver(address account, bool enabled);
    function setSubmissionsPaused(bool paused);
    function sweepTreasury(address to);
    function transferOwnership(address newOwner);
}

/// `setParams(p)` calldata.
pub(crate) fn set_params_call(p: &Params) -> Vec<u8> {
    let selector = stylus_sdk::function_selector!("setParams", Params);
    [&selector[..], &alloy_sol_types::SolValue::abi_encode(p)].concat()
}

pub(crate) fn eth(n: u128) -> U256 {
    U256::from(n * ETH)
}

/// `n` tenths of an ETH.
pub(crate) fn deci(n: u128) -> U256 {
    U256::from(n * ETH / 10)
}

/// The devnet's defaults (`vigil_devnet::system::params()`, ECON-SPEC): a fresh 10-ETH reporter
/// locks 10 ETH and weighs 5, two reach Watch (10 < 12), three confirm (15 >= 12).
pub(crate) fn params() -> Params {
    Params {
        minStake: eth(1),
        stakeCap: eth(10),
        stakeWarmup: DAY,
        unbondingDelay: 7 * DAY,
        slashBps: 5_000,
        disputeBond: deci(5),
        watchScore: eth(1),
        confirmScore: eth(12),
        minReporters: 2,
        maxReporters: 4,
        maxTtl: 30 * DAY,
        victimShareBps: 6_000,
        disputerShareBps: 2_000,
        disputeWindow: 2 * DAY,
        disputeDeadline: 14 * DAY,
        paramsDelay: 2 * DAY,
    }
}

/// Numbered accounts beyond the named ones (sybils, crowds of reporters).
pub(crate) fn actor(i: u8) -> Address {
    Address::left_padding_from(&[0x5b, i])
}

pub(crate) struct Env {
    pub(crate) vm: TestVM,
    /// The registry's host: records every call it makes, so payouts are the transfers themselves.
    pub(crate) calls: Recorder,
    pub(crate) reg: ThreatRegistry,
    /// ETH the contract received: every successful payable call adds. What it sent is read from
    /// `calls`, never from the contract's own figures.
    pub(crate) balance: U256,
}

impl Env {
    pub(crate) fn new() -> Self {
        Self::with_params(params())
    }

    /// A registry deployed with `p` as version 1, with RESOLVER and RESOLVER2 enabled.
    pub(crate) fn with_params(p: Params) -> Self {
        Self::deployed(p, Address::ZERO)
    }

    /// [`Env::with_reporters`] with GUARD linked from the constructor.
    pub(crate) fn with_guard() -> Self {
        let mut env = Self::deployed(params(), GUARD);
        env.stake_warm(&[ALICE, BOB, CAROL], eth(10));
        env
    }

    fn deployed(p: Params, guard: Address) -> Self {
        let vm = TestVM::default();
        vm.set_block_timestamp(T0);
        let calls = Recorder::new(vm.clone());
        let mut reg: ThreatRegistry = calls.contract();
        reg.constructor(OWNER, p, EXTENSION, guard, vec![RESOLVER, RESOLVER2])
            .ok()
            .expect("constructor");
        Self {
            vm,
            calls,
            reg,
            balance: U256::ZERO,
        }
    }

    /// Schedules `data` as the owner, waits the current `paramsDelay` and executes it. A failed
    /// execution's writes are undone, as the chain undoes a reverted transaction's (the TestVM
    /// keeps them), so the schedule stays and no execution is left half-open.
    pub(crate) fn timelocked(&mut self, data: Vec<u8>) -> Result<()> {
        self.as_(OWNER).schedule(data.clone().into())?;
        let delay = self.reg.params_at(0).ok().expect("params").paramsDelay;
        self.warp(delay);
        let before = self.vm.snapshot().storage;
        let r = self.as_(OWNER).execute(data.into());
        if r.is_err() {
            self.vm.clear_storage();
            for (slot, value) in before {
                self.vm.set_storage(slot, value);
            }
        }
        r
    }

    pub(crate) fn as_(&mut self, who: Address) -> &mut ThreatRegistry {
        self.vm.set_sender(who);
        self.vm.set_value(U256::ZERO);
        &mut self.reg
    }

    pub(crate) fn now(&self) -> u64 {
        self.vm.snapshot().block_timestamp
    }

    pub(crate) fn stake(&mut self, who: Address, amount: U256) -> Result<()> {
        self.vm.set_sender(who);
        self.vm.set_value(amount);
        let r = self.reg.stake();
        self.vm.set_value(U256::ZERO);
        if r.is_ok() {
            self.balance += amount;
        }
        r
    }

    /// Stakes `amount` for each of `who` and waits out the warm-up.
    pub(crate) fn stake_warm(&mut self, who: &[Address], amount: U256) {
        for w in who {
            self.stake(*w, amount).ok().expect("stake");
        }
        self.warp(params().stakeWarmup);
    }

    pub(crate) fn dispute(&mut self, who: Address, flag_id: u32, bond: U256) -> Result<()> {
        self.vm.set_sender(who);
        self.vm.set_value(bond);
        let r = self.reg.dispute(flag_id, B256::repeat_byte(0xd1));
        self.vm.set_value(U256::ZERO);
        if r.is_ok() {
            self.balance += bond;
        }
        r
    }

    /// Withdraws `who`'s unbonded stake; on success exactly the unbonding amount went to `who`.
    pub(crate) fn withdraw(&mut self, who: Address) -> Result<()> {
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
    pub(crate) fn claim(&mut self, who: Address) -> Result<U256> {
        let r = self.as_(who).claim();
        let sent = self.transfers();
        r.map(|()| match sent[..] {
            [(to, amount)] if to == who => amount,
            _ => panic!("claim by {who} sent {sent:?}"),
        })
    }

    /// The ETH transfers (plain calls with value) made since the last look, as (to, amount).
    pub(crate) fn transfers(&self) -> Vec<(Address, U256)> {
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

    pub(crate) fn warp(&mut self, seconds: u64) {
        let now = self.now();
        self.vm.set_block_timestamp(now + seconds);
    }

    /// Moves the clock to exactly `at`.
    pub(crate) fn warp_to(&mut self, at: u64) {
        assert!(at >= self.now(), "time only moves forward");
        self.vm.set_block_timestamp(at);
    }

    /// Three reporters with 10 ETH each, warmed up (the clock is at T0 + 1 day).
    pub(crate) fn with_reporters() -> Self {
        let mut env = Self::new();
        env.stake_warm(&[ALICE, BOB, CAROL], eth(10));
        env
    }

    /// A report with category 1, severity 4 and a 10-day time to live.
    pub(crate) fn submit(&mut self, who: Address, subject: B256) -> Result<u32> {
        self.as_(who)
            .submit(subject, 1, 4, B256::repeat_byte(0xe1), 10 * DAY)
    }

    /// Corroborates keeping the severity.
    pub(crate) fn corroborate(&mut self, who: Address, subject: B256) -> Result<()> {
        self.as_(who).corroborate(subject, 0, B256::ZERO)
    }

    /// Flags `subject` with ALICE, BOB and CAROL: confirmed on the third report (3 x 5 ETH of
    /// weight against 12).
    pub(crate) fn confirm(&mut self, subject: B256) -> u32 {
        let id = self.submit(ALICE, subject).ok().expect("submit");
        for who in [BOB, CAROL] {
            self.corroborate(who, subject).ok().expect("corroborate");
        }
        assert_eq!(self.status(subject).level, Level::Confirmed as u8);
        id
    }

    pub(crate) fn status(&self, subject: B256) -> SubjectStatus {
        self.reg.status_of(subject)
    }

    pub(crate) fn flag(&self, id: u32) -> FlagInfo {
        self.reg.flag_info(id).ok().expect("flag")
    }

    /// (locked, weight) of `who`'s report on flag `id`.
    pub(crate) fn report(&self, id: u32, who: Address) -> (U256, U256) {
        let r = self.reg.report_of(id, who).ok().expect("report");
        (r.locked, r.weight)
    }

    /// The contract's sums match the ETH it holds: received less every transfer it made.
    pub(crate) fn assert_balanced(&self) {
        let a = self.reg.accounting();
        assert_eq!(
            a.stakes + a.disputeBonds + a.claimable + a.treasury,
            self.balance - self.calls.value_sent(),
            "balance invariant"
        );
    }

    /// Each of `who`'s `locked` is the sum of its reports' locks over unsettled flags, and at
    /// least the weight those reports add to flags still live.
    pub(crate) fn assert_locks_cover_weight(&self, who: &[Address]) {
        let now = self.now();
        let unsettled: Vec<(u32, u64)> = (1..=self.reg.config().flagCount)
            .map(|id| (id, self.flag(id)))
            .filter(|(_, f)| !f.settled)
            .map(|(id, f)| (id, f.expiry))
            .collect();
        for w in who {
            let (mut locked, mut live_weight) = (U256::ZERO, U256::ZERO);
            for &(id, expiry) in &unsettled {
                let (lock, weight) = self.report(id, *w);
                locked += lock;
                if now < expiry {
                    live_weight += weight;
                }
            }
            let info = self.reg.reporter_info(*w);
            assert_eq!(info.locked, locked, "{w}: locked vs its reports");
            assert!(info.locked >= live_weight, "{w}: locks below weight");
        }
    }

    /// Every `E` logged so far; a log with `E`'s topic that does not decode fails the test.
    pub(crate) fn logs<E: SolEvent>(&self) -> Vec<E> {
        testing::logs(&self.vm)
    }
}

/// Asserts `r` failed with exactly `expected` (selector and arguments); typed to the registry's
/// `Result` so call sites need no annotations.
#[track_caller]
pub(crate) fn reverts<T>(r: Result<T>, expected: impl SolError) {
    vigil_common::testing::assert_reverts(r, expected);
}

/// Asserts `r` failed with exactly `expected` and wrote no storage and no log (an attacker's
/// failed attempt costs it gas and changes nothing).
#[track_caller]
pub(crate) fn reverts_clean<T>(
    env: &mut Env,
    f: impl FnOnce(&mut Env) -> Result<T>,
    expected: impl SolError,
) {
    let before = env.vm.snapshot().storage;
    let logs = env.vm.get_emitted_logs().len();
    reverts(f(env), expected);
    assert_eq!(
        written_since(env, &before),
        vec![],
        "a failed call wrote storage"
    );
    assert_eq!(
        env.vm.get_emitted_logs().len(),
        logs,
        "a failed call logged"
    );
}

/// The storage slots whose value differs from `before`, as (slot, before, now).
pub(crate) fn written_since(
    env: &Env,
    before: &std::collections::HashMap<U256, B256>,
) -> Vec<(U256, Option<B256>, Option<B256>)> {
    let now = env.vm.snapshot().storage;
    let mut slots: Vec<U256> = before.keys().chain(now.keys()).copied().collect();
    slots.sort();
    slots.dedup();
    slots
        .into_iter()
        .filter(|k| before.get(k) != now.get(k))
        .map(|k| (k, before.get(&k).copied(), now.get(&k).copied()))
        .collect()
}

pub(crate) fn attacker() -> B256 {
    subject::address(ATTACKER)
}

pub(crate) fn victim() -> B256 {
    subject::address(VICTIM)
}

// ----- events and limits -----

/// Events are encoded by the registry's own emitter; each must decode with its `sol!` declaration.
#[test]
fn remaining_events_decode_with_their_declarations() {
    let mut env = Env::with_reporters();
    let s = attacker();
    env.stake(DAVE, eth(1)).ok().unwrap();
    env.as_(DAVE).request_unstake(eth(1)).ok().unwrap();
    let e = &env.logs::<UnstakeRequested>()[0];
    assert_eq!(
        (e.reporter, e.amount, e.unbonding, e.unbondAt),
        (DAVE, eth(1), eth(1), T0 + 8 * DAY)
    );
    let id = env.confirm(s);
    env.warp(DAY);
    env.as_(BOB).renew(s).ok().unwrap();
    let e = &env.logs::<FlagRenewed>()[0];
    assert_eq!(
        (e.subject, e.flagId, e.reporter, e.expiry),
        (s, id, BOB, T0 + 12 * DAY)
    );
    env.dispute(DAVE, id, params().disputeBond).ok().unwrap();
    let e = &env.logs::<Disputed>()[0];
    assert_eq!(
        (e.subject, e.flagId, e.disputer, e.evidence, e.bond),
        (s, id, DAVE, B256::repeat_byte(0xd1), params().disputeBond)
    );
    env.as_(RESOLVER)
        .resolve(id, false, B256::ZERO)
        .ok()
        .unwrap();
    let owed = env.claim(DAVE).ok().unwrap();
    let e = &env.logs::<Claimed>()[0];
    assert_eq!((e.account, e.amount), (DAVE, owed));
    let treasury = env.reg.accounting().treasury;
    let sweep = sweepTreasuryCall { to: CAROL }.abi_encode();
    let id = env.as_(OWNER).schedule(sweep.clone().into()).ok().unwrap();
    let e = &env.logs::<vigil_common::timelock::CallScheduled>()[0];
    assert_eq!(
        (e.id, e.eta, e.data.to_vec()),
        (id, T0 + 2 * DAY + 2 * DAY, sweep.clone())
    );
    env.as_(OWNER).cancel(id).ok().unwrap();
    assert_eq!(
        env.logs::<vigil_common::timelock::CallCancelled>()[0].id,
        id
    );
    env.timelocked(sweep).ok().unwrap();
    assert_eq!(env.logs::<vigil_common::timelock::CallExecuted>()[0].id, id);
    assert_eq!(env.transfers(), vec![(CAROL, treasury)]);
    let e = &env.logs::<TreasurySwept>()[0];
    assert_eq!((e.to, e.amount), (CAROL, treasury));
    env.as_(OWNER).set_submissions_paused(true).ok().unwrap();
    assert!(env.logs::<SubmissionsPausedSet>()[0].paused);
    env.timelocked(transferOwnershipCall { newOwner: BOB }.abi_encode())
        .ok()
        .unwrap();
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
    env.submit(ALICE, attacker()).ok().unwrap();
    env.submit(BOB, victim()).ok().unwrap();
    assert_eq!(env.reg.settings().flag_count, 2);
    // Every id used: the counter sits in the settings word, next to what the reports read.
    let settings = env.reg.settings();
    env.reg.set_settings(crate::storage::Settings {
        flag_count: u32::MAX,
        ..settings
    });
    let s = subject::address(BOB);
    reverts_clean(&mut env, |env| env.submit(CAROL, s), TooManyFlags {});
    reverts_clean(
        &mut env,
        |env| {
            env.as_(RESOLVER)
                .emergency_confirm(s, 1, 1, DAY, B256::ZERO)
        },
        TooManyFlags {},
    );
    // Existing flags keep working.
    env.corroborate(CAROL, attacker()).ok().unwrap();
}
