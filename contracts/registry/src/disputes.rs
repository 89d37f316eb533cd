//! Disputes and their outcomes: `dispute`, `resolve`, `lapseDispute`, the emergency actions, and
//! how a flag's reporters are settled.
//!
//! A dispute is addressed by flag id and lives on the flag's record, so a flag stays disputable
//! for `disputeWindow` after it ends and a dispute on an ended flag never stops the subject from
//! being flagged again. A dispute never lowers the level: an attacker cannot escape by disputing
//! itself. Resolvers decide; one that is a party (a reporter, the disputer, the subject) may not.
//! When nobody decides within `disputeDeadline`, anyone lapses the dispute: the bond goes back and
//! the flag stands.
//!
//! A rejected flag's slash is split so that the victim is paid whoever disputed, a disputer that
//! reported the flag earns nothing from it, and the treasury always keeps a part: the reporters and
//! any colluder lose together. Emergency removal releases locks without slashing and refunds an
//! open dispute (a safety lever; judgment belongs to the dispute path). Emergency confirmation
//! settles like an upheld dispute. Settlement loops are bounded by `maxReporters` (at most 32).

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, subject as subjects, topic0, Level, Status};

use crate::{
    errors::*,
    events::{DisputeLapsed, DisputeResolved, Disputed, EmergencyAction, ReporterSettled},
    flags::{unpack_report, validate_labels, validate_subject, validate_ttl},
    math,
    storage::ReporterMeta,
    ThreatRegistry,
};

/// How a flag's reporters leave it.
#[derive(Clone, Copy)]
pub(crate) enum Settlement {
    /// Locks come back; the reputation pool is shared if `reward`.
    Release { reward: bool },
    /// Locks come back, the reputation pool is shared and each reporter is credited `share` of
    /// the dispute bond.
    Upheld { share: U256 },
    /// A share of each lock is slashed and reputation drops to zero.
    Rejected,
}

/// Disputes flag `flag_id`, posting exactly its `disputeBond`, while it is live or within
/// `disputeWindow` after it ended. The flag keeps its effect until a resolver decides. The victim
/// (the flagged address) may stand in a dispute someone else opened, without a bond.
pub fn dispute(r: &mut ThreatRegistry, flag_id: u32, evidence: B256) -> Result<()> {
    let now = r.vm().block_timestamp();
    r.known_flag(flag_id)?;
    let (subject, expiry, version, disputer) = {
        let f = r.flags.get(flag_id);
        let h = f.head();
        if h.settled {
            return Err(RegistryError::AlreadySettled(AlreadySettled {
                flagId: flag_id,
            }));
        }
        (f.subject.get(), h.expiry, h.rules, f.dispute().0)
    };
    let mut status = r.status_of_subject(subject);
    let current = status.flag_id == flag_id;
    if current && status.finalized {
        return Err(RegistryError::FlagFinal(FlagFinal { subject }));
    }
    let rules = r.params.get(version).bonds_word();
    let closes = expiry.saturating_add(rules.dispute_window);
    if now >= closes {
        return Err(RegistryError::DisputeWindowClosed(DisputeWindowClosed {
            flagId: flag_id,
            closedAt: closes,
        }));
    }
    let (who, sent) = (r.vm().msg_sender(), r.vm().msg_value());
    if !disputer.is_zero() {
        if subjects::as_address(subject) != Some(who) || !sent.is_zero() {
            return Err(RegistryError::AlreadyDisputed(AlreadyDisputed { subject }));
        }
        log::emit(
            r.vm(),
            topic0!(Disputed),
            &[w(subject), w(flag_id), w(who)],
            &[w(evidence), w(0u8)],
        );
        return Ok(());
    }
    let expected = U256::from(rules.dispute_bond);
    if sent != expected {
        return Err(RegistryError::WrongBond(WrongBond { expected, sent }));
    }
    let bonds = add(r.total_dispute_bonds.get(), sent)?;
    {
        let mut f = r.flags.setter(flag_id);
        f.set_dispute(who, now);
        f.dispute_bond.set(sent);
    }
    r.total_dispute_bonds.set(bonds);
    log::emit(
        r.vm(),
        topic0!(Disputed),
        &[w(subject), w(flag_id), w(who)],
        &[w(evidence), w(sent)],
    );
    if !current {
        return Ok(());
    }
    status.disputed = true;
    r.write_status(subject, status)
}

/// Decides the open dispute on flag `flag_id`. Upheld: the flag is final (and, while it is the
/// subject's flag, confirmed), reporters get their locks back, the reputation pool and the
/// disputer's bond. Rejected: each reporter loses `slashBps` of its lock and all reputation; the
/// slash pays the victim, then the disputer, and the treasury keeps the rest.
pub fn resolve(r: &mut ThreatRegistry, flag_id: u32, upheld: bool, rationale: B256) -> Result<()> {
    let who = r.only_resolver()?;
    let now = r.vm().block_timestamp();
    r.known_flag(flag_id)?;
    let subject = r.flags.get(flag_id).subject.get();
    if r.flags.get(flag_id).dispute().0.is_zero() {
        return Err(RegistryError::NotDisputed(NotDisputed { subject }));
    }
    r.ensure_impartial(who, flag_id)?;
    let victim = subjects::as_address(subject);
    let (disputer, bond) = r.take_dispute_bond(flag_id)?;
    let mut status = r.status_of_subject(subject);
    let current = status.flag_id == flag_id;
    let (slashed, to_victim, to_disputer, to_reporters, to_treasury) = if upheld {
        let to_reporters = r.uphold(flag_id, bond)?;
        if current {
            r.confirm_until(&mut status, flag_id, now);
        }
        let zero = U256::ZERO;
        (zero, zero, zero, to_reporters, bond - to_reporters)
    } else {
        let is_reporter =
            |r: &ThreatRegistry, a: Address| r.flags.get(flag_id).reports.get(a) != U256::ZERO;
        // The zero address is nobody's: its share stays with the treasury.
        let victim_paid = victim.is_some_and(|v| !v.is_zero() && !is_reporter(r, v));
        let victim = victim.unwrap_or_default();
        let disputer_paid = !is_reporter(r, disputer);
        let slashed = r.settle_reporters(flag_id, Settlement::Rejected)?;
        let version = r.flags.get(flag_id).rules();
        let victim_bps = r.params.get(version).bonds_word().victim_bps;
        let disputer_bps = r.params.get(version).scores_word().4;
        let (v, d, t) = math::split_slash(
            slashed,
            victim_bps,
            disputer_bps,
            victim_paid,
            disputer_paid,
        );
        r.credit(victim, U256::from(v))?;
        r.add_treasury(U256::from(t))?;
        if current {
            status.level = Level::Removed;
        }
        let to_disputer = add(bond, U256::from(d))?;
        r.credit(disputer, to_disputer)?;
        let (slashed, v, t) = (U256::from(slashed), U256::from(v), U256::from(t));
        (slashed, v, to_disputer, U256::ZERO, t)
    };
    log::emit(
        r.vm(),
        topic0!(DisputeResolved),
        &[w(subject), w(flag_id), w(who)],
        &[
            w(upheld),
            w(rationale),
            w(slashed),
            w(to_victim),
            w(to_disputer),
            w(to_reporters),
            w(to_treasury),
        ],
    );
    if !current {
        return Ok(());
    }
    status.disputed = false;
    status.finalized = true;
    r.write_status(subject, status)
}

/// Ends a dispute no resolver decided within `disputeDeadline`: the bond is refunded to the
/// disputer and the flag stands, disputable again while its window is open. Anyone may call it, so
/// absent resolvers cannot keep locks, bonds or the subject frozen.
pub fn lapse_dispute(r: &mut ThreatRegistry, flag_id: u32) -> Result<()> {
    let now = r.vm().block_timestamp();
    r.known_flag(flag_id)?;
    let subject = r.flags.get(flag_id).subject.get();
    if r.flags.get(flag_id).dispute().0.is_zero() {
        return Err(RegistryError::NotDisputed(NotDisputed { subject }));
    }
    let deadline = r.dispute_deadline(flag_id);
    if now < deadline {
        return Err(RegistryError::DisputeOpen(DisputeOpen {
            flagId: flag_id,
            deadline,
        }));
    }
    let (disputer, bond) = r.refund_dispute(flag_id)?;
    log::emit(
        r.vm(),
        topic0!(DisputeLapsed),
        &[w(flag_id), w(disputer)],
        &[w(bond)],
    );
    let mut status = r.status_of_subject(subject);
    if status.flag_id != flag_id {
        return Ok(());
    }
    status.disputed = false;
    r.write_status(subject, status)
}

/// Confirms `subject` at once (the SEAL-911 path). A live or disputed flag is confirmed for good
/// and settled as if upheld; otherwise a new reporter-less flag is created.
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
    let version = r.settings().params_version;
    validate_ttl(ttl, r.params.get(version).bonds_word().max_ttl)?;
    let mut status = r.status_of_subject(subject);
    let id = if status.level_at(now).is_live() || status.disputed {
        let id = status.flag_id;
        r.ensure_impartial(who, id)?;
        // Finalized flags cannot be disputed, so a settled flag has no bond in escrow.
        if !r.flags.get(id).settled() {
            let (_, bond) = r.take_dispute_bond(id)?;
            r.uphold(id, bond)?;
        }
        id
    } else {
        let id = r.next_flag_id()?;
        r.open_flag(
            id,
            subject,
            rationale,
            version,
            ttl,
            now.saturating_add(ttl),
        );
        r.flags.setter(id).mark_settled();
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
    {
        let mut f = r.flags.setter(id);
        f.mark_confirmed();
        f.set_expiry(status.expiry);
    }
    log::emit(
        r.vm(),
        topic0!(EmergencyAction),
        &[w(subject), w(id), w(who)],
        &[w(true), w(rationale)],
    );
    r.write_status(subject, status)?;
    Ok(id)
}

/// Removes the live flag on `subject` at once. Locks are released unslashed and an open dispute's
/// bond is refunded: judgment belongs to the dispute path.
pub fn emergency_remove(r: &mut ThreatRegistry, subject: B256, rationale: B256) -> Result<()> {
    let who = r.only_resolver()?;
    let now = r.vm().block_timestamp();
    let mut status = r.status_of_subject(subject);
    if !status.level_at(now).is_live() && !status.disputed {
        return Err(RegistryError::NoLiveFlag(NoLiveFlag { subject }));
    }
    let id = status.flag_id;
    r.ensure_impartial(who, id)?;
    r.refund_dispute(id)?;
    if !r.flags.get(id).settled() {
        r.settle_reporters(id, Settlement::Release { reward: false })?;
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
    /// `Rejected`, else the total lock released.
    pub(crate) fn settle_reporters(&mut self, flag_id: u32, how: Settlement) -> Result<u128> {
        let slash_bps = {
            let version = self.flags.get(flag_id).rules();
            self.params.get(version).bonds_word().slash_bps
        };
        let now = self.vm().block_timestamp();
        let period = (now / math::REP_PERIOD) as u32;
        let count = self.flags.get(flag_id).reporter_count();
        let (mut slashed, mut released) = (0u128, 0u128);
        for i in 0..count {
            let who = self.flags.get(flag_id).reporter(i);
            let (lock, _) = unpack_report(self.flags.get(flag_id).reports.get(who));
            let lost = match how {
                Settlement::Rejected => math::slash(lock, slash_bps),
                _ => 0,
            };
            let reputation = self.unlock(who, lock, lost)?;
            let reputation = match how {
                Settlement::Rejected => {
                    let mut rep = self.reporters.setter(who);
                    let meta = rep.meta();
                    rep.set_meta(ReporterMeta {
                        reputation: 0,
                        ..meta
                    });
                    0
                }
                Settlement::Release { reward: false } => reputation,
                Settlement::Release { reward: true } | Settlement::Upheld { .. } => {
                    self.reward(who, reputation, count, period)
                }
            };
            slashed += lost;
            released += lock - lost;
            if let Settlement::Upheld { share } = how {
                self.credit(who, share)?;
            }
            log::emit(
                self.vm(),
                topic0!(ReporterSettled),
                &[w(flag_id), w(who)],
                &[w(lost), w(lock - lost), w(reputation)],
            );
        }
        let total = sub(self.total_stake.get(), U256::from(slashed))?;
        self.total_stake.set(total);
        self.flags.setter(flag_id).mark_settled();
        Ok(match how {
            Settlement::Rejected => slashed,
            _ => released,
        })
    }

    /// Adds `who`'s share of a rewarded flag's reputation pool within its period cap, and writes
    /// the new reputation. Returns it.
    fn reward(&mut self, who: Address, reputation: u32, reporters: usize, period: u32) -> u32 {
        let mut rep = self.reporters.setter(who);
        let meta = rep.meta();
        let gained = match meta.period == period {
            true => meta.gained,
            false => 0,
        };
        let gain = math::reputation_gain(reputation, reporters, gained);
        rep.set_meta(ReporterMeta {
            reputation: reputation + gain,
            period,
            gained: gained + gain,
            ..meta
        });
        reputation + gain
    }

    /// Takes an open dispute's bond out of escrow and clears the dispute: `(disputer, bond)`,
    /// zero when none is open.
    fn take_dispute_bond(&mut self, flag_id: u32) -> Result<(Address, U256)> {
        let (disputer, bond) = {
            let f = self.flags.get(flag_id);
            (f.dispute().0, f.dispute_bond.get())
        };
        if disputer.is_zero() {
            return Ok((Address::ZERO, U256::ZERO));
        }
        let left = sub(self.total_dispute_bonds.get(), bond)?;
        self.total_dispute_bonds.set(left);
        let mut f = self.flags.setter(flag_id);
        f.set_dispute(Address::ZERO, 0);
        f.dispute_bond.set(U256::ZERO);
        Ok((disputer, bond))
    }

    /// Ends an open dispute without a judgment: its bond is credited back to the disputer.
    fn refund_dispute(&mut self, flag_id: u32) -> Result<(Address, U256)> {
        let (disputer, bond) = self.take_dispute_bond(flag_id)?;
        self.credit(disputer, bond)?;
        Ok((disputer, bond))
    }

    /// When flag `flag_id`'s open dispute may be lapsed.
    fn dispute_deadline(&self, flag_id: u32) -> u64 {
        let f = self.flags.get(flag_id);
        let deadline = self.params.get(f.rules()).bonds_word().dispute_deadline;
        f.dispute().1.saturating_add(deadline)
    }

    /// `DisputeOpen` while flag `flag_id` has an open dispute.
    pub(crate) fn ensure_no_dispute(&self, flag_id: u32) -> Result<()> {
        if self.flags.get(flag_id).dispute().0.is_zero() {
            return Ok(());
        }
        Err(RegistryError::DisputeOpen(DisputeOpen {
            flagId: flag_id,
            deadline: self.dispute_deadline(flag_id),
        }))
    }

    /// `ConflictOfInterest` if `resolver` is a party to flag `flag_id`: one of its reporters, its
    /// disputer, or its subject.
    fn ensure_impartial(&self, resolver: Address, flag_id: u32) -> Result<()> {
        let f = self.flags.get(flag_id);
        let party = f.reports.get(resolver) != U256::ZERO
            || f.dispute().0 == resolver
            || subjects::as_address(f.subject.get()) == Some(resolver);
        match party {
            true => Err(RegistryError::ConflictOfInterest(ConflictOfInterest {
                resolver,
            })),
            false => Ok(()),
        }
    }

    /// Settles a flag found right: locks back, reputation pool shared, `dispute_bond` shared
    /// among the reporters with the indivisible remainder to the treasury. Returns what the
    /// reporters got.
    fn uphold(&mut self, flag_id: u32, dispute_bond: U256) -> Result<U256> {
        let reporters = self.flags.get(flag_id).reporter_count();
        let (share, rest) = math::split_even(dispute_bond.saturating_to::<u128>(), reporters);
        let (share, rest) = (U256::from(share), U256::from(rest));
        self.settle_reporters(flag_id, Settlement::Upheld { share })?;
        self.add_treasury(rest)?;
        Ok(dispute_bond - rest)
    }

    /// Marks a flag confirmed for good, for at least its time to live from now.
    fn confirm_until(&mut self, status: &mut Status, flag_id: u32, now: u64) {
        let ttl = self.flags.get(flag_id).head().ttl;
        status.level = Level::Confirmed;
        status.expiry = status.expiry.max(now.saturating_add(ttl));
        let mut f = self.flags.setter(flag_id);
        f.mark_confirmed();
        f.set_expiry(status.expiry);
    }

    fn add_treasury(&mut self, amount: U256) -> Result<()> {
        let total = add(self.treasury.get(), amount)?;
        self.treasury.set(total);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
