//! Disputes and their outcomes: `dispute`, `resolve`, the emergency actions, and how a flag's
//! reporters are settled.
//!
//! A dispute sets a `disputed` bit and never lowers the level: an attacker cannot escape by
//! disputing itself. A winning disputer's share of the slashed bonds is how the victim of a false
//! flag is made whole (the victim normally disputes its own flag). Emergency removal releases bonds
//! without slashing and refunds an open dispute: it is a safety lever, judgment belongs to the
//! dispute path. Emergency confirmation settles like an upheld dispute. Settlement loops are
//! bounded by `maxReporters` (at most 32).

use alloy_primitives::{Address, B256, U256, U32, U64};
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, topic0, Level, Status};

use crate::{
    errors::*,
    events::{DisputeResolved, Disputed, EmergencyAction, ReporterSettled},
    flags::{validate_labels, validate_subject, validate_ttl},
    math, ThreatRegistry,
};

/// How a flag's reporters leave it.
#[derive(Clone, Copy)]
pub(crate) enum Settlement {
    /// Bonds come back; reputation rises if `reward`.
    Release { reward: bool },
    /// Bonds come back, reputation rises and each reporter is credited `share` of the dispute bond.
    Upheld { share: U256 },
    /// Bonds are slashed and reputation falls.
    Rejected,
}

/// Disputes the live flag on `subject`, posting exactly the flag's `disputeBond`. The flag keeps
/// its effect until a resolver decides.
pub fn dispute(r: &mut ThreatRegistry, subject: B256, evidence: B256) -> Result<()> {
    let now = r.vm().block_timestamp();
    let mut status = r.live_status(subject, now)?;
    if status.finalized {
        return Err(RegistryError::FlagFinal(FlagFinal { subject }));
    }
    if status.disputed {
        return Err(RegistryError::AlreadyDisputed(AlreadyDisputed { subject }));
    }
    let id = status.flag_id;
    let version = r.flags.get(id).rules.get().to::<u32>();
    let expected = U256::from(r.params.get(version).bonds_word().1);
    let sent = r.vm().msg_value();
    if sent != expected {
        return Err(RegistryError::WrongBond(WrongBond { expected, sent }));
    }
    let who = r.vm().msg_sender();
    {
        let mut f = r.flags.setter(id);
        f.disputer.set(who);
        f.dispute_bond.set(sent);
    }
    let bonds = r.total_dispute_bonds.get() + sent;
    r.total_dispute_bonds.set(bonds);
    status.disputed = true;
    log::emit(
        r.vm(),
        topic0!(Disputed),
        &[w(subject), w(id), w(who)],
        &[w(evidence), w(sent)],
    );
    r.write_status(subject, status)
}

/// Decides the open dispute on `subject`. Upheld: the flag is confirmed for good, reporters get
/// their bonds back, reputation and the disputer's bond. Rejected: the flag is removed, each
/// reporter's bond is slashed and split between the disputer and the treasury.
pub fn resolve(r: &mut ThreatRegistry, subject: B256, upheld: bool, rationale: B256) -> Result<()> {
    let who = r.only_resolver()?;
    let now = r.vm().block_timestamp();
    let mut status = r.status_of_subject(subject);
    if !status.disputed {
        return Err(RegistryError::NotDisputed(NotDisputed { subject }));
    }
    let id = status.flag_id;
    let (disputer, bond) = r.take_dispute_bond(&status);
    status.disputed = false;
    status.finalized = true;
    let (slashed, to_disputer, to_reporters, to_treasury) = if upheld {
        let to_reporters = r.uphold(id, bond);
        r.confirm_until(&mut status, id, now);
        (U256::ZERO, U256::ZERO, to_reporters, bond - to_reporters)
    } else {
        let slashed = r.settle_reporters(id, Settlement::Rejected);
        let version = r.flags.get(id).rules.get().to::<u32>();
        let share_bps = r.params.get(version).scores_word().4;
        let (reward, rest) = math::split_slash(slashed.saturating_to::<u128>(), share_bps);
        let (reward, rest) = (U256::from(reward), U256::from(rest));
        r.credit(disputer, bond + reward);
        r.add_treasury(rest);
        status.level = Level::Removed;
        (slashed, bond + reward, U256::ZERO, rest)
    };
    log::emit(
        r.vm(),
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
    r.write_status(subject, status)
}

/// Confirms `subject` at once (the SEAL-911 path). A live flag is confirmed for good and settled
/// as if upheld; otherwise a new reporter-less flag is created.
pub fn emergency_confirm(
    r: &mut ThreatRegistry,
    subject: B256,
    category: u8,
    severity: u8,
    ttl: u64,
    rationale: B256,
) -> Result<u32> {
    let who = r.only_resolver()?;
    let now = r.vm().block_timestamp();
    validate_subject(subject)?;
    validate_labels(category, severity)?;
    let version = r.params_version.get().to::<u32>();
    validate_ttl(ttl, r.params.get(version).bonds_word().2)?;
    let mut status = r.status_of_subject(subject);
    let id = if status.level_at(now).is_live() || status.disputed {
        let id = status.flag_id;
        // Finalized flags cannot be disputed, so a settled flag has no bond in escrow.
        if !r.flags.get(id).settled.get() {
            let (_, bond) = r.take_dispute_bond(&status);
            r.uphold(id, bond);
        }
        id
    } else {
        let id = r.next_flag_id()?;
        r.flag_count.set(U32::from(id));
        let mut f = r.flags.setter(id);
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
    r.flags.setter(id).reached_confirmed.set(true);
    log::emit(
        r.vm(),
        topic0!(EmergencyAction),
        &[w(subject), w(id), w(who)],
        &[w(true), w(rationale)],
    );
    r.write_status(subject, status)?;
    Ok(id)
}

/// Removes the live flag on `subject` at once. Bonds are released unslashed and an open dispute's
/// bond is refunded: judgment belongs to the dispute path.
pub fn emergency_remove(r: &mut ThreatRegistry, subject: B256, rationale: B256) -> Result<()> {
    let who = r.only_resolver()?;
    let now = r.vm().block_timestamp();
    let mut status = r.status_of_subject(subject);
    if !status.level_at(now).is_live() && !status.disputed {
        return Err(RegistryError::NoLiveFlag(NoLiveFlag { subject }));
    }
    let id = status.flag_id;
    let (disputer, bond) = r.take_dispute_bond(&status);
    r.credit(disputer, bond);
    if !r.flags.get(id).settled.get() {
        r.settle_reporters(id, Settlement::Release { reward: false });
    }
    status.disputed = false;
    status.finalized = true;
    status.level = Level::Removed;
    log::emit(
        r.vm(),
        topic0!(EmergencyAction),
        &[w(subject), w(id), w(who)],
        &[w(false), w(rationale)],
    );
    r.write_status(subject, status)
}

impl ThreatRegistry {
    /// Settles every reporter of `flag_id` and marks it settled. Returns the total slashed for
    /// `Rejected`, else the bond released per reporter.
    pub(crate) fn settle_reporters(&mut self, flag_id: u32, how: Settlement) -> U256 {
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
            let mut rep = self.reporters.setter(who);
            let locked = rep.locked.get();
            rep.locked.set(locked - bond);
            let reputation = rep.reputation.get().to::<u32>();
            let (reputation, lost) = match how {
                Settlement::Release { reward: false } => (reputation, U256::ZERO),
                Settlement::Release { reward: true } | Settlement::Upheld { .. } => {
                    (math::reputation_up(reputation), U256::ZERO)
                }
                Settlement::Rejected => {
                    let stake = rep.stake.get();
                    rep.stake.set(stake - bond);
                    (math::reputation_down(reputation), bond)
                }
            };
            rep.reputation.set(U32::from(reputation));
            slashed += lost;
            if let Settlement::Upheld { share } = how {
                self.credit(who, share);
            }
            log::emit(
                self.vm(),
                topic0!(ReporterSettled),
                &[w(flag_id), w(who)],
                &[w(lost), w(bond - lost), w(reputation)],
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

    fn add_treasury(&mut self, amount: U256) {
        let total = self.treasury.get() + amount;
        self.treasury.set(total);
    }
}

#[cfg(test)]
mod tests;
