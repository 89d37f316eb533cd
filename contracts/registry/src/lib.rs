//! ThreatRegistry: staked reporters flag attacker addresses, exploit code hashes and vulnerability
//! advisories; flags gain reputation-weighted score and are confirmed at a threshold; anyone may
//! dispute with a bond; resolvers (governance multisigs) decide; false flags are slashed.
//!
//! Design decisions the spec leaves open, recorded here:
//! - A report's bond is locked out of the reporter's stake (not sent separately), so "stake bonded to
//!   open flags cannot leave" is one `locked` counter per reporter.
//! - Rules are versioned, not copied: a flag stores the parameter version in force at submission and
//!   every later decision about it reads that version.
//! - A dispute sets a `disputed` bit and never lowers the level: an attacker cannot escape by
//!   disputing itself. A winning disputer's share of the slashed bonds is how the victim of a false
//!   flag is made whole (the victim normally disputes its own flag).
//! - Bonds are settled in bounded loops (at most `maxReporters`, itself at most 32): at resolution,
//!   on an emergency action, or by anyone calling `release` once a flag has expired.
//! - Emergency removal releases bonds without slashing and refunds an open dispute: it is a safety
//!   lever, judgment belongs to the dispute path. Emergency confirmation settles like an upheld
//!   dispute.
//! - A guard push that fails reverts the whole transaction, so a confirmation never lands without
//!   the protection it triggers.

#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

pub mod abi;
pub mod math;
mod params;
#[cfg(any(test, target_arch = "wasm32"))]
mod router;

#[cfg(test)]
mod tests;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U256, U32, U64};
use alloy_sol_types::SolError;
use stylus_sdk::{
    abi::Bytes,
    call::transfer::transfer_eth,
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU32, StorageU64,
        StorageVec,
    },
};
use vigil_common::{subject, topic0, Level, Status, SubjectKind};

pub use abi::*;
use params::ParamsSlot;

/// Highest category code: exploit, phishing, sanctions, compromised key, vulnerable code, scam, other.
pub const CATEGORY_MAX: u8 = 7;
/// Largest batch `statusOfMany` answers; bounds the gas of one view call.
pub const MAX_BATCH: usize = 256;

sol_interface! {
    /// The CircuitGuard's side of the link: it keeps its own copy of every subject's status word.
    interface IStatusSink {
        function onStatusChange(bytes32 subject, uint256 status) external;
    }
}

/// A reporter's stake and standing. Every amount is part of `stake`.
#[storage]
pub struct Reporter {
    stake: StorageU256,
    locked: StorageU256,
    warming: StorageU256,
    unbonding: StorageU256,
    warm_at: StorageU64,
    unbond_at: StorageU64,
    reputation: StorageU32,
    joined: StorageBool,
}

/// One flag: who backed it, under which rules, and how its case stands.
#[storage]
pub struct Flag {
    subject: StorageB256,
    evidence: StorageB256,
    rules: StorageU32,
    created: StorageU64,
    ttl: StorageU64,
    reporters: StorageVec<StorageAddress>,
    joined: StorageMap<Address, StorageBool>,
    disputer: StorageAddress,
    dispute_bond: StorageU256,
    reached_confirmed: StorageBool,
    settled: StorageBool,
}

#[storage]
pub struct ThreatRegistry {
    owner: StorageAddress,
    pending_owner: StorageAddress,
    resolvers: StorageMap<Address, StorageBool>,
    guard: StorageAddress,
    submissions_paused: StorageBool,
    params: StorageMap<u32, ParamsSlot>,
    params_version: StorageU32,
    pending_params: ParamsSlot,
    pending_eta: StorageU64,
    /// One word per subject: the packed `vigil_common::Status`.
    status: StorageMap<B256, StorageU256>,
    flags: StorageMap<u32, Flag>,
    flag_count: StorageU32,
    reporters: StorageMap<Address, Reporter>,
    claimable: StorageMap<Address, StorageU256>,
    /// Sums kept so the balance invariant (balance == stakes + dispute bonds + claimable +
    /// treasury) is checkable on chain and in tests.
    total_stake: StorageU256,
    total_dispute_bonds: StorageU256,
    total_claimable: StorageU256,
    treasury: StorageU256,
}

// What `#[entrypoint]` would declare: mutable access to this struct is access to all the program's
// state. The entrypoint itself is `router::user_entrypoint`.
unsafe impl TopLevelStorage for ThreatRegistry {}

#[public]
impl ThreatRegistry {
    /// `owner` is passed explicitly: inside a Stylus constructor the sender is the deployer contract.
    #[constructor]
    pub fn constructor(&mut self, owner: Address, params: Params) -> Result<()> {
        if owner.is_zero() {
            return Err(revert(ZeroAddress::SELECTOR, &[]));
        }
        params::validate(&params)?;
        self.owner.set(owner);
        self.params_version.set(U32::from(1));
        self.params.setter(1).set_params(&params);
        self.emit(
            topic0!(OwnershipTransferred),
            &[w(Address::ZERO), w(owner)],
            &[],
        );
        self.emit(topic0!(ParamsApplied), &[w(1u32)], &[]);
        Ok(())
    }

    // ----- reporters -----

    /// Adds the sent ETH to the caller's stake. It counts toward weight after `stakeWarmup`;
    /// a top-up restarts the warm-up of stake that has not warmed yet.
    #[payable]
    pub fn stake(&mut self) -> Result<()> {
        let amount = self.vm().msg_value();
        if amount.is_zero() {
            return Err(revert(ZeroAmount::SELECTOR, &[]));
        }
        let (who, now) = (self.vm().msg_sender(), self.vm().block_timestamp());
        let warmup = self.current_params().stake_word().2;
        let mut r = self.reporters.setter(who);
        if !r.joined.get() {
            r.joined.set(true);
            r.reputation.set(U32::from(math::REP_NEUTRAL));
        }
        let warming = if now >= r.warm_at.get().to::<u64>() {
            U256::ZERO
        } else {
            r.warming.get()
        };
        let warm_at = now.saturating_add(warmup);
        let stake = r.stake.get() + amount;
        r.warming.set(warming + amount);
        r.warm_at.set(U64::from(warm_at));
        r.stake.set(stake);
        let total = self.total_stake.get() + amount;
        self.total_stake.set(total);
        self.emit(
            topic0!(Staked),
            &[w(who)],
            &[w(amount), w(stake), w(warm_at)],
        );
        Ok(())
    }

    /// Starts unbonding `amount` of free stake (not locked by open flags). A second request adds to
    /// the amount and restarts the delay for all of it.
    pub fn request_unstake(&mut self, amount: U256) -> Result<()> {
        if amount.is_zero() {
            return Err(revert(ZeroAmount::SELECTOR, &[]));
        }
        let (who, now) = (self.vm().msg_sender(), self.vm().block_timestamp());
        let delay = self.current_params().stake_word().3;
        let mut r = self.reporters.setter(who);
        let available = free_stake(&r);
        if amount > available {
            return Err(revert(
                InsufficientStake::SELECTOR,
                &[w(available), w(amount)],
            ));
        }
        // Leaving stake comes out of the warming part first, so warm stake stays warm.
        let warming = r.warming.get();
        r.warming.set(warming - warming.min(amount));
        let unbonding = r.unbonding.get() + amount;
        let unbond_at = now.saturating_add(delay);
        r.unbonding.set(unbonding);
        r.unbond_at.set(U64::from(unbond_at));
        self.emit(
            topic0!(UnstakeRequested),
            &[w(who)],
            &[w(amount), w(unbonding), w(unbond_at)],
        );
        Ok(())
    }

    /// Pays out the caller's unbonded stake once the delay has passed.
    pub fn withdraw(&mut self) -> Result<()> {
        let (who, now) = (self.vm().msg_sender(), self.vm().block_timestamp());
        let mut r = self.reporters.setter(who);
        let amount = r.unbonding.get();
        if amount.is_zero() {
            return Err(revert(NothingToWithdraw::SELECTOR, &[]));
        }
        let until = r.unbond_at.get().to::<u64>();
        if now < until {
            return Err(revert(StillUnbonding::SELECTOR, &[w(until)]));
        }
        let stake = r.stake.get() - amount;
        r.stake.set(stake);
        r.unbonding.set(U256::ZERO);
        let total = self.total_stake.get() - amount;
        self.total_stake.set(total);
        self.emit(topic0!(Withdrawn), &[w(who)], &[w(amount)]);
        self.pay(who, amount)
    }

    /// Pays out everything credited to the caller: dispute refunds and rewards, reporter shares.
    pub fn claim(&mut self) -> Result<()> {
        let who = self.vm().msg_sender();
        let amount = self.claimable.get(who);
        if amount.is_zero() {
            return Err(revert(NothingToClaim::SELECTOR, &[]));
        }
        self.claimable.insert(who, U256::ZERO);
        let total = self.total_claimable.get() - amount;
        self.total_claimable.set(total);
        self.emit(topic0!(Claimed), &[w(who)], &[w(amount)]);
        self.pay(who, amount)
    }

    // ----- flags -----

    /// Opens a flag on `subject`, bonding `reportBond` of the caller's stake. Fails if the subject
    /// already has a live flag (corroborate it instead) or an unresolved dispute.
    pub fn submit(
        &mut self,
        subject: B256,
        category: u8,
        severity: u8,
        evidence: B256,
        ttl: u64,
    ) -> Result<u32> {
        self.ensure_open()?;
        let now = self.vm().block_timestamp();
        let version = self.params_version.get().to::<u32>();
        validate_subject(subject)?;
        validate_labels(category, severity)?;
        validate_ttl(ttl, self.params.get(version).bonds_word().2)?;
        let current = self.status_of_subject(subject);
        if current.level_at(now).is_live() {
            return Err(revert(
                FlagExists::SELECTOR,
                &[w(subject), w(current.flag_id)],
            ));
        }
        if current.disputed {
            return Err(revert(SubjectInDispute::SELECTOR, &[w(subject)]));
        }
        let who = self.vm().msg_sender();
        let id = self
            .flag_count
            .get()
            .to::<u32>()
            .checked_add(1)
            .ok_or_else(|| revert(AmountOverflow::SELECTOR, &[]))?;
        let (bond, weight) = self.bond_report(who, version, now)?;
        self.flag_count.set(U32::from(id));
        let expiry = now.saturating_add(ttl);
        {
            let mut f = self.flags.setter(id);
            f.subject.set(subject);
            f.evidence.set(evidence);
            f.rules.set(U32::from(version));
            f.created.set(U64::from(now));
            f.ttl.set(U64::from(ttl));
            f.reporters.push(who);
            f.joined.insert(who, true);
        }
        let level = self.earned_level(version, weight, 1);
        let status = Status {
            level,
            category,
            severity,
            flag_id: id,
            expiry,
            score: weight,
            ..Status::default()
        };
        if level == Level::Confirmed {
            self.flags.setter(id).reached_confirmed.set(true);
        }
        self.emit(
            topic0!(FlagSubmitted),
            &[w(subject), w(id), w(who)],
            &[
                w(category),
                w(severity),
                w(evidence),
                w(expiry),
                w(version),
                w(weight),
                w(bond),
            ],
        );
        self.write_status(subject, status)?;
        Ok(id)
    }

    /// Adds the caller's weight to the live flag on `subject`, once per reporter, bonding
    /// `reportBond` under the flag's rules. Corroboration continues during a dispute.
    pub fn corroborate(&mut self, subject: B256, evidence: B256) -> Result<()> {
        self.ensure_open()?;
        let now = self.vm().block_timestamp();
        let mut status = self.live_status(subject, now)?;
        if status.finalized {
            return Err(revert(FlagFinal::SELECTOR, &[w(subject)]));
        }
        let who = self.vm().msg_sender();
        let id = status.flag_id;
        let version = self.flags.get(id).rules.get().to::<u32>();
        let max = self.params.get(version).scores_word().3;
        {
            let f = self.flags.get(id);
            if f.joined.get(who) {
                return Err(revert(AlreadyReported::SELECTOR, &[w(subject), w(who)]));
            }
            if f.reporters.len() >= max as usize {
                return Err(revert(TooManyReporters::SELECTOR, &[w(subject), w(max)]));
            }
        }
        let (bond, weight) = self.bond_report(who, version, now)?;
        let reporters = {
            let mut f = self.flags.setter(id);
            f.reporters.push(who);
            f.joined.insert(who, true);
            f.reporters.len()
        };
        let score = status.score + weight;
        let earned = self.earned_level(version, score, reporters);
        status.score = score;
        status.level = status.level.max(earned);
        if status.level == Level::Confirmed {
            self.flags.setter(id).reached_confirmed.set(true);
        }
        self.emit(
            topic0!(FlagCorroborated),
            &[w(subject), w(id), w(who)],
            &[w(evidence), w(weight), w(bond)],
        );
        self.write_status(subject, status)
    }

    /// Extends a live flag by its time to live from now. Only its reporters may renew.
    pub fn renew(&mut self, subject: B256) -> Result<()> {
        let now = self.vm().block_timestamp();
        let mut status = self.live_status(subject, now)?;
        let who = self.vm().msg_sender();
        let f = self.flags.get(status.flag_id);
        if !f.joined.get(who) {
            return Err(revert(NotAReporter::SELECTOR, &[w(subject), w(who)]));
        }
        status.expiry = now.saturating_add(f.ttl.get().to::<u64>());
        self.emit(
            topic0!(FlagRenewed),
            &[w(subject), w(status.flag_id), w(who)],
            &[w(status.expiry)],
        );
        self.write_status(subject, status)
    }

    /// Publishes the details behind an advisory whose flag committed to `keccak256(details)` as its
    /// evidence. Protection started at confirmation; the reveal only adds the details.
    pub fn reveal(&mut self, subject: B256, details: Bytes) -> Result<()> {
        let status = self.status_of_subject(subject);
        if status.flag_id == 0 || SubjectKind::of(subject) != Some(SubjectKind::Advisory) {
            return Err(revert(NoLiveFlag::SELECTOR, &[w(subject)]));
        }
        let who = self.vm().msg_sender();
        let f = self.flags.get(status.flag_id);
        if !f.joined.get(who) {
            return Err(revert(NotAReporter::SELECTOR, &[w(subject), w(who)]));
        }
        let evidence = f.evidence.get();
        if self.vm().native_keccak256(&details) != evidence {
            return Err(revert(RevealMismatch::SELECTOR, &[w(subject), w(evidence)]));
        }
        // `bytes` is the one dynamic event field: head offset, length, then the padded bytes.
        let padded = 64 + details.len().div_ceil(32) * 32;
        let mut data = Vec::with_capacity(padded);
        data.extend_from_slice(w(32u32).as_slice());
        data.extend_from_slice(w(details.len()).as_slice());
        data.extend_from_slice(&details);
        data.resize(padded, 0);
        self.emit_bytes(
            topic0!(AdvisoryRevealed),
            &[w(subject), w(status.flag_id), w(who)],
            &data,
        );
        Ok(())
    }

    /// Disputes the live flag on `subject`, posting exactly the flag's `disputeBond`. The flag keeps
    /// its effect until a resolver decides.
    #[payable]
    pub fn dispute(&mut self, subject: B256, evidence: B256) -> Result<()> {
        let now = self.vm().block_timestamp();
        let mut status = self.live_status(subject, now)?;
        if status.finalized {
            return Err(revert(FlagFinal::SELECTOR, &[w(subject)]));
        }
        if status.disputed {
            return Err(revert(AlreadyDisputed::SELECTOR, &[w(subject)]));
        }
        let id = status.flag_id;
        let version = self.flags.get(id).rules.get().to::<u32>();
        let expected = U256::from(self.params.get(version).bonds_word().1);
        let sent = self.vm().msg_value();
        if sent != expected {
            return Err(revert(WrongBond::SELECTOR, &[w(expected), w(sent)]));
        }
        let who = self.vm().msg_sender();
        {
            let mut f = self.flags.setter(id);
            f.disputer.set(who);
            f.dispute_bond.set(sent);
        }
        let bonds = self.total_dispute_bonds.get() + sent;
        self.total_dispute_bonds.set(bonds);
        status.disputed = true;
        self.emit(
            topic0!(Disputed),
            &[w(subject), w(id), w(who)],
            &[w(evidence), w(sent)],
        );
        self.write_status(subject, status)
    }

    /// Releases the bonds of a flag that ended without a resolution (expired, or replaced after
    /// expiry). Anyone may call it; reporters of a flag that reached confirmation gain reputation.
    pub fn release(&mut self, flag_id: u32) -> Result<()> {
        let now = self.vm().block_timestamp();
        self.known_flag(flag_id)?;
        let f = self.flags.get(flag_id);
        if f.settled.get() {
            return Err(revert(AlreadySettled::SELECTOR, &[w(flag_id)]));
        }
        let subject = f.subject.get();
        let status = self.status_of_subject(subject);
        if status.flag_id == flag_id {
            if status.disputed {
                return Err(revert(SubjectInDispute::SELECTOR, &[w(subject)]));
            }
            if status.level_at(now).is_live() {
                return Err(revert(
                    FlagStillLive::SELECTOR,
                    &[w(flag_id), w(status.expiry)],
                ));
            }
        }
        let reward = f.reached_confirmed.get();
        let per = self.settle_reporters(flag_id, Settlement::Release { reward });
        let count = self.flags.get(flag_id).reporters.len();
        self.emit(topic0!(BondsReleased), &[w(flag_id)], &[w(per), w(count)]);
        Ok(())
    }

    // ----- resolvers -----

    /// Decides the open dispute on `subject`. Upheld: the flag is confirmed for good, reporters get
    /// their bonds back, reputation and the disputer's bond. Rejected: the flag is removed, each
    /// reporter's bond is slashed and split between the disputer and the treasury.
    pub fn resolve(&mut self, subject: B256, upheld: bool, rationale: B256) -> Result<()> {
        let who = self.only_resolver()?;
        let now = self.vm().block_timestamp();
        let mut status = self.status_of_subject(subject);
        if !status.disputed {
            return Err(revert(NotDisputed::SELECTOR, &[w(subject)]));
        }
        let id = status.flag_id;
        let (disputer, bond) = self.take_dispute_bond(&status);
        status.disputed = false;
        status.finalized = true;
        let (slashed, to_disputer, to_reporters, to_treasury) = if upheld {
            let to_reporters = self.uphold(id, bond);
            self.confirm_until(&mut status, id, now);
            (U256::ZERO, U256::ZERO, to_reporters, bond - to_reporters)
        } else {
            let slashed = self.settle_reporters(id, Settlement::Rejected);
            let version = self.flags.get(id).rules.get().to::<u32>();
            let share_bps = self.params.get(version).scores_word().4;
            let (reward, rest) = math::split_slash(slashed.saturating_to::<u128>(), share_bps);
            let (reward, rest) = (U256::from(reward), U256::from(rest));
            self.credit(disputer, bond + reward);
            self.add_treasury(rest);
            status.level = Level::Removed;
            (slashed, bond + reward, U256::ZERO, rest)
        };
        self.emit(
            topic0!(DisputeResolved),
            &[w(subject), w(id), w(who)],
            &[
                w(upheld),
                w(rationale),
                w(slashed),
                w(to_disputer),
                w(to_reporters),
                w(to_treasury),
            ],
        );
        self.write_status(subject, status)
    }

    /// Confirms `subject` at once (the SEAL-911 path). A live flag is confirmed for good and settled
    /// as if upheld; otherwise a new reporter-less flag is created.
    pub fn emergency_confirm(
        &mut self,
        subject: B256,
        category: u8,
        severity: u8,
        ttl: u64,
        rationale: B256,
    ) -> Result<u32> {
        let who = self.only_resolver()?;
        let now = self.vm().block_timestamp();
        validate_subject(subject)?;
        validate_labels(category, severity)?;
        let version = self.params_version.get().to::<u32>();
        validate_ttl(ttl, self.params.get(version).bonds_word().2)?;
        let mut status = self.status_of_subject(subject);
        let id = if status.level_at(now).is_live() || status.disputed {
            let id = status.flag_id;
            // Finalized flags cannot be disputed, so a settled flag has no bond in escrow.
            if !self.flags.get(id).settled.get() {
                let (_, bond) = self.take_dispute_bond(&status);
                self.uphold(id, bond);
            }
            id
        } else {
            let id = self
                .flag_count
                .get()
                .to::<u32>()
                .checked_add(1)
                .ok_or_else(|| revert(AmountOverflow::SELECTOR, &[]))?;
            self.flag_count.set(U32::from(id));
            let mut f = self.flags.setter(id);
            f.subject.set(subject);
            f.evidence.set(rationale);
            f.rules.set(U32::from(version));
            f.created.set(U64::from(now));
            f.ttl.set(U64::from(ttl));
            f.settled.set(true);
            status = Status::default();
            id
        };
        status.flag_id = id;
        status.category = category;
        status.severity = severity;
        status.disputed = false;
        status.finalized = true;
        status.level = Level::Confirmed;
        status.expiry = status.expiry.max(now.saturating_add(ttl));
        self.flags.setter(id).reached_confirmed.set(true);
        self.emit(
            topic0!(EmergencyAction),
            &[w(subject), w(id), w(who)],
            &[w(true), w(rationale)],
        );
        self.write_status(subject, status)?;
        Ok(id)
    }

    /// Removes the live flag on `subject` at once. Bonds are released unslashed and an open
    /// dispute's bond is refunded: judgment belongs to the dispute path.
    pub fn emergency_remove(&mut self, subject: B256, rationale: B256) -> Result<()> {
        let who = self.only_resolver()?;
        let now = self.vm().block_timestamp();
        let mut status = self.status_of_subject(subject);
        if !status.level_at(now).is_live() && !status.disputed {
            return Err(revert(NoLiveFlag::SELECTOR, &[w(subject)]));
        }
        let id = status.flag_id;
        let (disputer, bond) = self.take_dispute_bond(&status);
        self.credit(disputer, bond);
        if !self.flags.get(id).settled.get() {
            self.settle_reporters(id, Settlement::Release { reward: false });
        }
        status.disputed = false;
        status.finalized = true;
        status.level = Level::Removed;
        self.emit(
            topic0!(EmergencyAction),
            &[w(subject), w(id), w(who)],
            &[w(false), w(rationale)],
        );
        self.write_status(subject, status)
    }

    // ----- governance -----

    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<()> {
        let owner = self.only_owner()?;
        self.pending_owner.set(new_owner);
        self.emit(
            topic0!(OwnershipTransferStarted),
            &[w(owner), w(new_owner)],
            &[],
        );
        Ok(())
    }

    pub fn accept_ownership(&mut self) -> Result<()> {
        let who = self.vm().msg_sender();
        if who != self.pending_owner.get() || who.is_zero() {
            return Err(revert(Unauthorized::SELECTOR, &[w(who)]));
        }
        let previous = self.owner.get();
        self.owner.set(who);
        self.pending_owner.set(Address::ZERO);
        self.emit(topic0!(OwnershipTransferred), &[w(previous), w(who)], &[]);
        Ok(())
    }

    pub fn set_resolver(&mut self, account: Address, enabled: bool) -> Result<()> {
        self.only_owner()?;
        if account.is_zero() {
            return Err(revert(ZeroAddress::SELECTOR, &[]));
        }
        self.resolvers.insert(account, enabled);
        self.emit(topic0!(ResolverSet), &[w(account)], &[w(enabled)]);
        Ok(())
    }

    /// Links the guard that receives every status change; the zero address unlinks it.
    pub fn set_guard(&mut self, guard: Address) -> Result<()> {
        self.only_owner()?;
        self.guard.set(guard);
        self.emit(topic0!(GuardSet), &[w(guard)], &[]);
        Ok(())
    }

    /// Stops new reports (submit, corroborate). Queries, disputes, resolutions, claims and
    /// withdrawals keep working.
    pub fn set_submissions_paused(&mut self, paused: bool) -> Result<()> {
        self.only_owner()?;
        self.submissions_paused.set(paused);
        self.emit(topic0!(SubmissionsPausedSet), &[], &[w(paused)]);
        Ok(())
    }

    /// Schedules new parameters; they apply no earlier than the current `paramsDelay` from now.
    /// Scheduling again replaces the pending set and restarts the delay.
    pub fn schedule_params(&mut self, params: Params) -> Result<()> {
        self.only_owner()?;
        params::validate(&params)?;
        let now = self.vm().block_timestamp();
        let eta = now.saturating_add(self.current_params().bonds_word().3);
        self.pending_params.set_params(&params);
        self.pending_eta.set(U64::from(eta));
        let version = self.params_version.get().to::<u32>() + 1;
        self.emit(topic0!(ParamsScheduled), &[w(version)], &[w(eta)]);
        Ok(())
    }

    pub fn cancel_params(&mut self) -> Result<()> {
        self.only_owner()?;
        if self.pending_eta.get().is_zero() {
            return Err(revert(NoPendingParams::SELECTOR, &[]));
        }
        self.pending_eta.set(U64::ZERO);
        let version = self.params_version.get().to::<u32>() + 1;
        self.emit(topic0!(ParamsCancelled), &[w(version)], &[]);
        Ok(())
    }

    /// Applies scheduled parameters once their delay has passed. Anyone may call it: the delay, not
    /// the caller, is the protection.
    pub fn apply_params(&mut self) -> Result<u32> {
        let eta = self.pending_eta.get().to::<u64>();
        if eta == 0 {
            return Err(revert(NoPendingParams::SELECTOR, &[]));
        }
        if self.vm().block_timestamp() < eta {
            return Err(revert(ParamsNotReady::SELECTOR, &[w(eta)]));
        }
        let params = self.pending_params.to_params();
        let version = self.params_version.get().to::<u32>() + 1;
        self.params.setter(version).set_params(&params);
        self.params_version.set(U32::from(version));
        self.pending_eta.set(U64::ZERO);
        self.emit(topic0!(ParamsApplied), &[w(version)], &[]);
        Ok(version)
    }

    /// Sends the slashed funds accrued to the treasury to `to`.
    pub fn sweep_treasury(&mut self, to: Address) -> Result<()> {
        self.only_owner()?;
        if to.is_zero() {
            return Err(revert(ZeroAddress::SELECTOR, &[]));
        }
        let amount = self.treasury.get();
        if amount.is_zero() {
            return Err(revert(NothingToClaim::SELECTOR, &[]));
        }
        self.treasury.set(U256::ZERO);
        self.emit(topic0!(TreasurySwept), &[w(to)], &[w(amount)]);
        self.pay(to, amount)
    }

    // ----- queries -----

    /// True while `account` has a confirmed, unexpired flag.
    pub fn is_flagged(&self, account: Address) -> bool {
        let word = self.status.get(subject::address(account));
        Status::word_level_at(word, self.vm().block_timestamp()) == Level::Confirmed
    }

    /// Same as `isFlagged`, so consumers of the Chainalysis sanctions-oracle interface can point here.
    pub fn is_sanctioned(&self, account: Address) -> bool {
        self.is_flagged(account)
    }

    pub fn status_of(&self, subject: B256) -> SubjectStatus {
        self.view_status(subject)
    }

    pub fn status_of_many(&self, subjects: Vec<B256>) -> Result<Vec<SubjectStatus>> {
        if subjects.len() > MAX_BATCH {
            return Err(revert(
                BatchTooLarge::SELECTOR,
                &[w(U256::from(subjects.len())), w(U256::from(MAX_BATCH))],
            ));
        }
        Ok(subjects.into_iter().map(|s| self.view_status(s)).collect())
    }

    pub fn flag_info(&self, flag_id: u32) -> Result<FlagInfo> {
        self.known_flag(flag_id)?;
        let f = self.flags.get(flag_id);
        let reporters = (0..f.reporters.len())
            .filter_map(|i| f.reporters.get(i))
            .collect();
        Ok(FlagInfo {
            subject: f.subject.get(),
            evidence: f.evidence.get(),
            rulesVersion: f.rules.get().to::<u32>(),
            created: f.created.get().to::<u64>(),
            ttl: f.ttl.get().to::<u64>(),
            reporters,
            disputer: f.disputer.get(),
            disputeBond: f.dispute_bond.get(),
            reachedConfirmed: f.reached_confirmed.get(),
            settled: f.settled.get(),
        })
    }

    pub fn reporter_info(&self, reporter: Address) -> ReporterInfo {
        let now = self.vm().block_timestamp();
        let r = self.reporters.get(reporter);
        let p = self.current_params();
        ReporterInfo {
            stake: r.stake.get(),
            locked: r.locked.get(),
            warming: r.warming.get(),
            warmAt: r.warm_at.get().to::<u64>(),
            unbonding: r.unbonding.get(),
            unbondAt: r.unbond_at.get().to::<u64>(),
            reputation: r.reputation.get().to::<u32>(),
            weight: U256::from(report_weight(&r, p.stake_word().1, now)),
        }
    }

    /// The parameters of `version` (the `rulesVersion` a flag is judged by); 0 means current.
    pub fn params_at(&self, version: u32) -> Result<Params> {
        let current = self.params_version.get().to::<u32>();
        let version = if version == 0 { current } else { version };
        if version > current {
            return Err(revert(InvalidParams::SELECTOR, &[w(0u8)]));
        }
        Ok(self.params.get(version).to_params())
    }

    /// The scheduled parameters and when they may apply (eta 0: none scheduled).
    pub fn pending_params(&self) -> (Params, u64) {
        (
            self.pending_params.to_params(),
            self.pending_eta.get().to::<u64>(),
        )
    }

    /// Registry-wide settings in one call: (owner, pendingOwner, guard, submissionsPaused,
    /// paramsVersion, flagCount).
    pub fn config(&self) -> (Address, Address, Address, bool, u32, u32) {
        (
            self.owner.get(),
            self.pending_owner.get(),
            self.guard.get(),
            self.submissions_paused.get(),
            self.params_version.get().to::<u32>(),
            self.flag_count.get().to::<u32>(),
        )
    }

    pub fn is_resolver(&self, account: Address) -> bool {
        self.resolvers.get(account)
    }

    pub fn claimable(&self, account: Address) -> U256 {
        self.claimable.get(account)
    }

    /// The four sums whose total must equal the contract's balance: stakes, dispute bonds,
    /// claimable credits and treasury.
    pub fn accounting(&self) -> (U256, U256, U256, U256) {
        (
            self.total_stake.get(),
            self.total_dispute_bonds.get(),
            self.total_claimable.get(),
            self.treasury.get(),
        )
    }
}

/// How a flag's reporters leave it.
#[derive(Clone, Copy)]
enum Settlement {
    /// Bonds come back; reputation rises if `reward`.
    Release { reward: bool },
    /// Bonds come back, reputation rises and each reporter is credited `share` of the dispute bond.
    Upheld { share: U256 },
    /// Bonds are slashed and reputation falls.
    Rejected,
}

impl ThreatRegistry {
    /// Emits an event whose data is static words. One emitter for every event instead of alloy's
    /// per-event encoders, which cost ~600 bytes of wasm each; the tests decode every event with its
    /// `sol!` declaration, so the layouts cannot drift.
    fn emit(&self, signature: B256, indexed: &[B256], data: &[B256]) {
        let bytes: Vec<u8> = data.iter().flat_map(|word| word.0).collect();
        self.emit_bytes(signature, indexed, &bytes);
    }

    fn emit_bytes(&self, signature: B256, indexed: &[B256], data: &[u8]) {
        let mut topics = [signature; 4];
        let n = indexed.len().min(3);
        topics[1..=n].copy_from_slice(&indexed[..n]);
        // emit_log, not raw_log: raw_log's error string would sit in the data segment.
        let mut out = Vec::with_capacity(32 * (n + 1) + data.len());
        for t in &topics[..=n] {
            out.extend_from_slice(t.as_slice());
        }
        out.extend_from_slice(data);
        self.vm().emit_log(&out, n + 1);
    }

    fn current_params(&self) -> stylus_sdk::storage::StorageGuard<'_, ParamsSlot> {
        self.params.getter(self.params_version.get().to::<u32>())
    }

    fn known_flag(&self, flag_id: u32) -> Result<()> {
        if flag_id == 0 || flag_id > self.flag_count.get().to::<u32>() {
            return Err(revert(UnknownFlag::SELECTOR, &[w(flag_id)]));
        }
        Ok(())
    }

    fn earned_level(&self, version: u32, score: u128, reporters: usize) -> Level {
        let (watch, confirm, min_reporters, _, _) = self.params.get(version).scores_word();
        math::level_for(score, reporters, watch, confirm, min_reporters)
    }

    fn status_of_subject(&self, subject: B256) -> Status {
        // Words are only ever written by `write_status`, so they always decode.
        Status::from_word(self.status.get(subject)).unwrap_or_default()
    }

    fn view_status(&self, subject: B256) -> SubjectStatus {
        let s = self.status_of_subject(subject);
        SubjectStatus {
            level: s.level_at(self.vm().block_timestamp()) as u8,
            disputed: s.disputed,
            finalized: s.finalized,
            category: s.category,
            severity: s.severity,
            flagId: s.flag_id,
            expiry: s.expiry,
            score: s.score,
        }
    }

    /// The status of a subject whose flag is live at `now`, or `NoLiveFlag`.
    fn live_status(&self, subject: B256, now: u64) -> Result<Status> {
        let s = self.status_of_subject(subject);
        if s.level_at(now).is_live() {
            Ok(s)
        } else {
            Err(revert(NoLiveFlag::SELECTOR, &[w(subject)]))
        }
    }

    /// Stores a subject's new word, logs it and pushes it to the guard in the same transaction.
    fn write_status(&mut self, subject: B256, status: Status) -> Result<()> {
        let word = status.to_word();
        self.status.insert(subject, word);
        self.emit(
            topic0!(StatusChanged),
            &[w(subject), w(status.flag_id)],
            &[w(word)],
        );
        let guard = self.guard.get();
        if guard.is_zero() {
            return Ok(());
        }
        let call = Call::new_mutating(self);
        IStatusSink::new(guard)
            .on_status_change(self.vm(), call, subject, word)
            .map_err(|_| revert(GuardSyncFailed::SELECTOR, &[w(guard), w(subject)]))
    }

    /// Checks that `who` may report under `version` and locks its bond. Returns (bond, weight).
    fn bond_report(&mut self, who: Address, version: u32, now: u64) -> Result<(U256, u128)> {
        let (bond, min_stake, cap) = {
            let p = self.params.get(version);
            let (min_stake, cap, _, _) = p.stake_word();
            (U256::from(p.bonds_word().0), U256::from(min_stake), cap)
        };
        let mut r = self.reporters.setter(who);
        let warm = math::warm_stake(
            r.stake.get(),
            r.unbonding.get(),
            r.warming.get(),
            r.warm_at.get().to::<u64>(),
            now,
        );
        if warm < min_stake || warm.is_zero() {
            return Err(revert(
                InsufficientStake::SELECTOR,
                &[w(warm), w(min_stake.max(U256::from(1)))],
            ));
        }
        if r.reputation.get().is_zero() {
            return Err(revert(NoReputation::SELECTOR, &[w(who)]));
        }
        let available = free_stake(&r);
        if available < bond {
            return Err(revert(
                InsufficientStake::SELECTOR,
                &[w(available), w(bond)],
            ));
        }
        let locked = r.locked.get() + bond;
        r.locked.set(locked);
        Ok((bond, report_weight(&r, cap, now)))
    }

    /// Settles every reporter of `flag_id` and marks it settled. Returns the total slashed for
    /// `Rejected`, else the bond released per reporter.
    fn settle_reporters(&mut self, flag_id: u32, how: Settlement) -> U256 {
        let bond = {
            let version = self.flags.get(flag_id).rules.get().to::<u32>();
            U256::from(self.params.get(version).bonds_word().0)
        };
        let count = self.flags.get(flag_id).reporters.len();
        let mut slashed = U256::ZERO;
        for i in 0..count {
            let Some(who) = self.flags.get(flag_id).reporters.get(i) else {
                continue;
            };
            let mut r = self.reporters.setter(who);
            let locked = r.locked.get();
            r.locked.set(locked - bond);
            let rep = r.reputation.get().to::<u32>();
            let (rep, lost) = match how {
                Settlement::Release { reward: false } => (rep, U256::ZERO),
                Settlement::Release { reward: true } | Settlement::Upheld { .. } => {
                    (math::reputation_up(rep), U256::ZERO)
                }
                Settlement::Rejected => {
                    let stake = r.stake.get();
                    r.stake.set(stake - bond);
                    (math::reputation_down(rep), bond)
                }
            };
            r.reputation.set(U32::from(rep));
            slashed += lost;
            if let Settlement::Upheld { share } = how {
                self.credit(who, share);
            }
            self.emit(
                topic0!(ReporterSettled),
                &[w(flag_id), w(who)],
                &[w(lost), w(bond - lost), w(rep)],
            );
        }
        let total = self.total_stake.get() - slashed;
        self.total_stake.set(total);
        self.flags.setter(flag_id).settled.set(true);
        match how {
            Settlement::Rejected => slashed,
            _ => bond,
        }
    }

    /// Takes an open dispute's bond out of escrow: `(disputer, bond)`, zero when none is open.
    fn take_dispute_bond(&mut self, status: &Status) -> (Address, U256) {
        if !status.disputed {
            return (Address::ZERO, U256::ZERO);
        }
        let (disputer, bond) = {
            let f = self.flags.get(status.flag_id);
            (f.disputer.get(), f.dispute_bond.get())
        };
        let left = self.total_dispute_bonds.get() - bond;
        self.total_dispute_bonds.set(left);
        (disputer, bond)
    }

    /// Settles a flag found right: bonds back, reputation up, `dispute_bond` shared among the
    /// reporters with the indivisible remainder to the treasury. Returns what the reporters got.
    fn uphold(&mut self, flag_id: u32, dispute_bond: U256) -> U256 {
        let reporters = self.flags.get(flag_id).reporters.len();
        let (share, rest) = math::split_even(dispute_bond.saturating_to::<u128>(), reporters);
        let (share, rest) = (U256::from(share), U256::from(rest));
        self.settle_reporters(flag_id, Settlement::Upheld { share });
        self.add_treasury(rest);
        dispute_bond - rest
    }

    /// Marks a flag confirmed for good, for at least its time to live from now.
    fn confirm_until(&mut self, status: &mut Status, flag_id: u32, now: u64) {
        let ttl = self.flags.get(flag_id).ttl.get().to::<u64>();
        status.level = Level::Confirmed;
        status.expiry = status.expiry.max(now.saturating_add(ttl));
        self.flags.setter(flag_id).reached_confirmed.set(true);
    }

    fn credit(&mut self, account: Address, amount: U256) {
        if amount.is_zero() {
            return;
        }
        let owed = self.claimable.get(account) + amount;
        self.claimable.insert(account, owed);
        let total = self.total_claimable.get() + amount;
        self.total_claimable.set(total);
    }

    fn add_treasury(&mut self, amount: U256) {
        let total = self.treasury.get() + amount;
        self.treasury.set(total);
    }

    /// Sends ETH after all state is written; the SDK's entrypoint rejects reentrant calls.
    fn pay(&mut self, to: Address, amount: U256) -> Result<()> {
        transfer_eth(self.vm(), to, amount)
            .map_err(|_| revert(TransferFailed::SELECTOR, &[w(to), w(amount)]))
    }

    fn ensure_open(&self) -> Result<()> {
        if self.submissions_paused.get() {
            return Err(revert(SubmissionsPaused::SELECTOR, &[]));
        }
        Ok(())
    }

    fn only_owner(&self) -> Result<Address> {
        let who = self.vm().msg_sender();
        if who != self.owner.get() {
            return Err(revert(Unauthorized::SELECTOR, &[w(who)]));
        }
        Ok(who)
    }

    fn only_resolver(&self) -> Result<Address> {
        let who = self.vm().msg_sender();
        if !self.resolvers.get(who) {
            return Err(revert(Unauthorized::SELECTOR, &[w(who)]));
        }
        Ok(who)
    }
}

/// Stake neither locked by open flags nor already unbonding.
fn free_stake(r: &Reporter) -> U256 {
    r.stake
        .get()
        .saturating_sub(r.locked.get())
        .saturating_sub(r.unbonding.get())
}

fn report_weight(r: &Reporter, cap: u128, now: u64) -> u128 {
    let warm = math::warm_stake(
        r.stake.get(),
        r.unbonding.get(),
        r.warming.get(),
        r.warm_at.get().to::<u64>(),
        now,
    );
    math::weight(warm, cap, r.reputation.get().to::<u32>())
}

fn validate_subject(subject: B256) -> Result<()> {
    match SubjectKind::of(subject) {
        Some(_) => Ok(()),
        None => Err(revert(InvalidSubject::SELECTOR, &[w(subject)])),
    }
}

fn validate_labels(category: u8, severity: u8) -> Result<()> {
    if category == 0 || category > CATEGORY_MAX {
        return Err(revert(InvalidCategory::SELECTOR, &[w(category)]));
    }
    if !(1..=4).contains(&severity) {
        return Err(revert(InvalidSeverity::SELECTOR, &[w(severity)]));
    }
    Ok(())
}

fn validate_ttl(ttl: u64, max: u64) -> Result<()> {
    if ttl == 0 || ttl > max {
        return Err(revert(InvalidTtl::SELECTOR, &[w(ttl), w(max)]));
    }
    Ok(())
}
