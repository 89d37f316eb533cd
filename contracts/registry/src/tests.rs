//! Unit tests of every public method on the SDK's TestVM: success, each revert, each role rule,
//! each bad input; then property tests of the accounting invariant over random operation sequences.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{sol, SolError, SolEvent};
use stylus_sdk::testing::TestVM;
use vigil_common::{
    subject,
    testing::{self, Recorder},
    Level,
};

use crate::*;

pub(crate) const OWNER: Address = address!("00000000000000000000000000000000000000a1");
pub(crate) const RESOLVER: Address = address!("00000000000000000000000000000000000000a2");
pub(crate) const GUARD: Address = address!("00000000000000000000000000000000000000a3");
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
}

pub(crate) fn eth(n: u128) -> U256 {
    U256::from(n * ETH)
}

pub(crate) fn params() -> Params {
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

    pub(crate) fn as_(&mut self, who: Address) -> &mut ThreatRegistry {
        self.vm.set_sender(who);
        self.vm.set_value(U256::ZERO);
        &mut self.reg
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

    pub(crate) fn dispute(&mut self, who: Address, subject: B256, bond: U256) -> Result<()> {
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
        let now = self.vm.snapshot().block_timestamp;
        self.vm.set_block_timestamp(now + seconds);
    }

    /// Three reporters with 10 ETH each, warmed up.
    pub(crate) fn with_reporters() -> Self {
        let mut env = Self::new();
        for who in [ALICE, BOB, CAROL] {
            env.stake(who, eth(10)).ok().expect("stake");
        }
        env.warp(DAY);
        env
    }

    pub(crate) fn submit(&mut self, who: Address, subject: B256) -> Result<u32> {
        self.as_(who)
            .submit(subject, 1, 4, B256::repeat_byte(0xe1), 10 * DAY)
    }

    /// Flags `subject` with ALICE, BOB and CAROL: confirmed on the third report.
    pub(crate) fn confirm(&mut self, subject: B256) -> u32 {
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

    pub(crate) fn status(&self, subject: B256) -> SubjectStatus {
        self.reg.status_of(subject)
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

pub(crate) fn attacker() -> B256 {
    subject::address(ATTACKER)
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
