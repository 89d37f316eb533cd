//! A flag's life from report to release: submit, corroborate (with displacement of the weakest
//! reporter of a full flag), renew, reveal, release, and the one place a subject's status word is
//! written (and pushed to the guard, which `syncGuard` repairs).
//!
//! A subject has at most one live flag; every report on it corroborates it, a `submit` included.
//! Score and level only rise while the flag lives; `Expired` is derived from the expiry and the
//! block time, so no transaction is needed when a flag ends. A flag stays disputable for
//! `disputeWindow` after it ends; only then may anyone `release` it, returning its reporters'
//! locked stake and minting their reputation.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{abi::Bytes, prelude::*};
use vigil_common::{
    abi::{w, Out},
    log, topic0, Level, Status, SubjectKind,
};

use crate::{
    disputes::Settlement,
    errors::*,
    events::{
        AdvisoryRevealed, BondsReleased, FlagCorroborated, FlagRenewed, FlagSubmitted,
        GuardSyncSkipped, ReporterDisplaced, StatusChanged,
    },
    math,
    storage::FlagHead,
    IStatusSink, ThreatRegistry, CATEGORY_MAX,
};

/// Gas each push to the guard receives: its worst case (an uncached program writing a new status
/// word and its log) with ample margin.
pub const PUSH_GAS: u64 = 100_000;
/// Gas that must be left before a push so that the guard receives all of [`PUSH_GAS`]: the budget,
/// the 1/64 the call keeps back (EIP-150, as Stylus calls do), a cold account access (2,600) and
/// the encoding in between.
pub const PUSH_GAS_LEFT: u64 = PUSH_GAS * 64 / 63 + 4_000;
/// The most subjects one `syncGuard` takes, bounding its gas.
pub const SYNC_BATCH_MAX: usize = 32;

/// Anyone: pushes the stored status word of each subject to the linked guard, repairing a copy
/// that missed pushes (a re-link, a push the guard refused). The words are the registry's own, so
/// a repeat changes nothing.
pub fn sync_guard(r: &mut ThreatRegistry, subjects: Vec<B256>) -> Result<()> {
    if subjects.len() > SYNC_BATCH_MAX {
        return Err(RegistryError::BatchTooLarge(BatchTooLarge {
            count: U256::from(subjects.len()),
            max: U256::from(SYNC_BATCH_MAX),
        }));
    }
    let guard = r.settings().guard;
    if guard.is_zero() {
        return Err(RegistryError::ZeroAddress(ZeroAddress {}));
    }
    for subject in subjects {
        if SubjectKind::of(subject).is_none() {
            return Err(RegistryError::InvalidSubject(InvalidSubject { subject }));
        }
        let word = r.status.get(subject);
        r.push(guard, subject, word)?;
    }
    Ok(())
}

/// Opens a flag on `subject`, locking the caller's stake behind it. On a subject whose flag is
/// live the report joins that flag exactly as `corroborate` would and its id is returned: watchers
/// that see the same exploit at the same moment then all land in one block instead of taking
/// turns. The first report's category stands, but the flag lives for at least the joining
/// report's `ttl` from now (never shorter): otherwise a sybil that front-runs the watchers with a
/// one-second flag would make their reports expire with it. Input is validated first either way,
/// so a bad report never joins. A flag that ended does not block a new one, even while it is still
/// in dispute: its case continues on its own record.
pub fn submit(
    r: &mut ThreatRegistry,
    subject: B256,
    category: u8,
    severity: u8,
    evidence: B256,
    ttl: u64,
) -> Result<u32> {
    r.ensure_open()?;
    let now = r.vm().block_timestamp();
    let version = r.settings().params_version;
    validate_subject(subject)?;
    validate_labels(category, severity)?;
    validate_ttl(ttl, r.params.get(version).bonds_word().max_ttl)?;
    let current = r.status_of_subject(subject);
    if current.level_at(now).is_live() {
        join(r, subject, current, severity, evidence, ttl, now)?;
        return Ok(current.flag_id);
    }
    let who = r.vm().msg_sender();
    let (lock, weight) = r.report_terms(who, version, now)?;
    let id = r.next_flag_id()?;
    r.lock(who, lock)?;
    let expiry = now.saturating_add(ttl);
    r.open_flag(id, subject, evidence, version, ttl, expiry);
    {
        let mut f = r.flags.setter(id);
        f.push_reporter(who);
        f.reports.insert(who, pack_report(lock, weight));
    }
    let level = r.earned_level(version, weight, 1);
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
        r.flags.setter(id).mark_confirmed();
    }
    log::emit(
        r.vm(),
        topic0!(FlagSubmitted),
        &[w(subject), w(id), w(who)],
        &[
            w(category),
            w(severity),
            w(evidence),
            w(expiry),
            w(version),
            w(weight),
            w(lock),
        ],
    );
    r.write_status(subject, status)?;
    Ok(id)
}

/// Adds the caller's weight to the live flag on `subject`, once per reporter, locking its stake
/// under the flag's rules; `severity` 1-4 raises the flag's severity, 0 keeps it. On a full flag
/// the caller takes the place of the weakest reporter if it out-weighs it, so filling the slots
/// with light sybils cannot hold a true flag below confirmation. Corroboration continues during a
/// dispute.
pub fn corroborate(
    r: &mut ThreatRegistry,
    subject: B256,
    severity: u8,
    evidence: B256,
) -> Result<()> {
    r.ensure_open()?;
    if severity > 4 {
        return Err(RegistryError::InvalidSeverity(InvalidSeverity { severity }));
    }
    let now = r.vm().block_timestamp();
    let status = r.live_status(subject, now)?;
    join(r, subject, status, severity, evidence, 0, now)
}

/// The caller's report on the live flag whose status is `status`: the one body of `corroborate`
/// and of a `submit` on a live flag, so both lock, weigh and count a report alike. The flag then
/// lives for at least `ttl` from now, the submitter's time to live; a corroboration passes 0,
/// which never moves a live flag's expiry (it is after `now`).
fn join(
    r: &mut ThreatRegistry,
    subject: B256,
    mut status: Status,
    severity: u8,
    evidence: B256,
    ttl: u64,
    now: u64,
) -> Result<()> {
    if status.finalized {
        return Err(RegistryError::FlagFinal(FlagFinal { subject }));
    }
    let who = r.vm().msg_sender();
    let id = status.flag_id;
    let version = r.flags.get(id).rules();
    let max = r.params.get(version).scores_word().3;
    let (reporters, full) = {
        let f = r.flags.get(id);
        if f.reports.get(who) != U256::ZERO {
            return Err(RegistryError::AlreadyReported(AlreadyReported {
                subject,
                reporter: who,
            }));
        }
        let count = f.reporter_count();
        (count, count >= max as usize)
    };
    // The weakest of a full flag, found before locking so a failed displacement changes nothing.
    let weakest = match full {
        true => Some(r.weakest_report(id)),
        false => None,
    };
    let (lock, weight) = r.report_terms(who, version, now)?;
    let mut score = status.score;
    let count = match weakest {
        None => {
            r.lock(who, lock)?;
            let mut f = r.flags.setter(id);
            f.push_reporter(who);
            f.reports.insert(who, pack_report(lock, weight));
            reporters + 1
        }
        Some((index, displaced, report)) => {
            let (displaced_lock, displaced_weight) = unpack_report(report);
            if weight <= displaced_weight {
                return Err(RegistryError::TooManyReporters(TooManyReporters {
                    subject,
                    max,
                }));
            }
            r.lock(who, lock)?;
            {
                let mut f = r.flags.setter(id);
                f.replace_reporter(index, who);
                f.reports.insert(displaced, U256::ZERO);
                f.reports.insert(who, pack_report(lock, weight));
            }
            r.unlock(displaced, displaced_lock, 0)?;
            score -= displaced_weight;
            log::emit(
                r.vm(),
                topic0!(ReporterDisplaced),
                &[w(id), w(displaced), w(who)],
                &[w(weight), w(displaced_lock)],
            );
            reporters
        }
    };
    score += weight;
    let earned = r.earned_level(version, score, count);
    status.score = score;
    status.level = status.level.max(earned);
    status.severity = status.severity.max(severity);
    if status.level == Level::Confirmed {
        r.flags.setter(id).mark_confirmed();
    }
    log::emit(
        r.vm(),
        topic0!(FlagCorroborated),
        &[w(subject), w(id), w(who)],
        &[w(status.severity), w(evidence), w(weight), w(lock)],
    );
    let until = now.saturating_add(ttl);
    if until > status.expiry {
        status.expiry = until;
        r.prolong(subject, id, who, until, ttl);
    }
    r.write_status(subject, status)
}

/// Keeps a live flag in force for at least its time to live from now; never shortens it. Only its
/// reporters may renew, and only while the flag is open: a final flag has no locked stake behind it
/// any more (and a live flag that is not final is never settled).
pub fn renew(r: &mut ThreatRegistry, subject: B256) -> Result<()> {
    let now = r.vm().block_timestamp();
    let mut status = r.live_status(subject, now)?;
    if status.finalized {
        return Err(RegistryError::FlagFinal(FlagFinal { subject }));
    }
    let who = r.vm().msg_sender();
    let id = status.flag_id;
    let ttl = {
        let f = r.flags.get(id);
        if f.reports.get(who) == U256::ZERO {
            return Err(RegistryError::NotAReporter(NotAReporter {
                subject,
                account: who,
            }));
        }
        f.head().ttl
    };
    status.expiry = status.expiry.max(now.saturating_add(ttl));
    r.prolong(subject, id, who, status.expiry, ttl);
    r.write_status(subject, status)
}

/// Publishes the details behind an advisory whose flag committed to `keccak256(details)` as its
/// evidence. Protection started at confirmation; the reveal only adds the details.
pub fn reveal(r: &mut ThreatRegistry, subject: B256, details: Bytes) -> Result<()> {
    let status = r.status_of_subject(subject);
    if status.flag_id == 0 || SubjectKind::of(subject) != Some(SubjectKind::Advisory) {
        return Err(RegistryError::NoLiveFlag(NoLiveFlag { subject }));
    }
    let who = r.vm().msg_sender();
    let f = r.flags.get(status.flag_id);
    if f.reports.get(who) == U256::ZERO {
        return Err(RegistryError::NotAReporter(NotAReporter {
            subject,
            account: who,
        }));
    }
    let evidence = f.evidence.get();
    if r.vm().native_keccak256(&details) != evidence {
        return Err(RegistryError::RevealMismatch(RevealMismatch {
            subject,
            evidence,
        }));
    }
    // `bytes` is the one dynamic event field: head offset, length, then the padded bytes.
    let data = Out::with_capacity(2 + details.len().div_ceil(32))
        .uint(32)
        .uint(details.len() as u64)
        .padded(&details)
        .finish();
    log::emit_bytes(
        r.vm(),
        topic0!(AdvisoryRevealed),
        &[w(subject), w(status.flag_id), w(who)],
        &data,
    );
    Ok(())
}

/// Returns the locked stake of a flag that ended without a resolution, once its dispute window
/// has closed. Anyone may call it; reporters of a flag that reached confirmation share its
/// reputation pool.
pub fn release(r: &mut ThreatRegistry, flag_id: u32) -> Result<()> {
    let now = r.vm().block_timestamp();
    r.known_flag(flag_id)?;
    let (expiry, version) = {
        let h = r.flags.get(flag_id).head();
        if h.settled {
            return Err(RegistryError::AlreadySettled(AlreadySettled {
                flagId: flag_id,
            }));
        }
        (h.expiry, h.rules)
    };
    if now < expiry {
        return Err(RegistryError::FlagStillLive(FlagStillLive {
            flagId: flag_id,
            expiry,
        }));
    }
    r.ensure_no_dispute(flag_id)?;
    let until = expiry.saturating_add(r.params.get(version).bonds_word().dispute_window);
    if now < until {
        return Err(RegistryError::DisputeWindowOpen(DisputeWindowOpen {
            flagId: flag_id,
            until,
        }));
    }
    let reward = r.flags.get(flag_id).reached_confirmed();
    let released = r.settle_reporters(flag_id, Settlement::Release { reward })?;
    let count = r.flags.get(flag_id).reporter_count();
    log::emit(
        r.vm(),
        topic0!(BondsReleased),
        &[w(flag_id)],
        &[w(released), w(count)],
    );
    Ok(())
}

impl ThreatRegistry {
    /// A subject's stored status (none: the default).
    pub(crate) fn status_of_subject(&self, subject: B256) -> Status {
        // Words are only ever written by `write_status`, so they always decode.
        Status::from_word(self.status.get(subject)).unwrap_or_default()
    }

    /// The status of a subject whose flag is live at `now`, or `NoLiveFlag`.
    pub(crate) fn live_status(&self, subject: B256, now: u64) -> Result<Status> {
        let s = self.status_of_subject(subject);
        if s.level_at(now).is_live() {
            Ok(s)
        } else {
            Err(RegistryError::NoLiveFlag(NoLiveFlag { subject }))
        }
    }

    /// Stores a subject's new word, logs it and pushes it to the linked guard in the same
    /// transaction.
    pub(crate) fn write_status(&mut self, subject: B256, status: Status) -> Result<()> {
        let word = status.to_word();
        self.status.insert(subject, word);
        log::emit(
            self.vm(),
            topic0!(StatusChanged),
            &[w(subject), w(status.flag_id)],
            &[w(word)],
        );
        let guard = self.settings().guard;
        if guard.is_zero() {
            return Ok(());
        }
        self.push(guard, subject, word)
    }

    /// Gives the guard `word` with exactly [`PUSH_GAS`]. Too little gas left to give it reverts,
    /// so nobody can make a confirmation skip the guard by choosing the gas limit; a guard that
    /// refuses or cannot run with the full budget does not stop the registry (a resolution or a
    /// removal must always land): the miss is logged for `syncGuard` to repair.
    fn push(&mut self, guard: Address, subject: B256, word: U256) -> Result<()> {
        if self.vm().evm_gas_left() < PUSH_GAS_LEFT {
            return Err(RegistryError::GuardGasTooLow(GuardGasTooLow {
                required: PUSH_GAS_LEFT,
            }));
        }
        let call = Call::new_mutating(self).gas(PUSH_GAS);
        if IStatusSink::new(guard)
            .on_status_change(self.vm(), call, subject, word)
            .is_err()
        {
            log::emit(
                self.vm(),
                topic0!(GuardSyncSkipped),
                &[w(guard), subject],
                &[w(word)],
            );
        }
        Ok(())
    }

    /// Records that `who` keeps flag `id` in force until `expiry` (never earlier than its current
    /// one) and logs it; its caller writes the same expiry into the status word. The record's ttl
    /// becomes at least `ttl`, so a later `renew` extends by the longest time to live its
    /// reporters asked for, not by a front-runner's second.
    fn prolong(&mut self, subject: B256, id: u32, who: Address, expiry: u64, ttl: u64) {
        let mut f = self.flags.setter(id);
        let h = f.head();
        f.set_head(FlagHead {
            ttl: h.ttl.max(ttl),
            expiry,
            ..h
        });
        log::emit(
            self.vm(),
            topic0!(FlagRenewed),
            &[w(subject), w(id), w(who)],
            &[w(expiry)],
        );
    }

    /// Takes the next flag id; ids never wrap.
    pub(crate) fn next_flag_id(&mut self) -> Result<u32> {
        let mut s = self.settings();
        s.flag_count = s
            .flag_count
            .checked_add(1)
            .ok_or(RegistryError::TooManyFlags(TooManyFlags {}))?;
        self.set_settings(s);
        Ok(s.flag_count)
    }

    /// Writes a new flag's record (reporters are added by the caller).
    pub(crate) fn open_flag(
        &mut self,
        id: u32,
        subject: B256,
        evidence: B256,
        version: u32,
        ttl: u64,
        expiry: u64,
    ) {
        let now = self.vm().block_timestamp();
        let mut f = self.flags.setter(id);
        f.subject.set(subject);
        f.evidence.set(evidence);
        f.set_head(FlagHead {
            rules: version,
            created: now,
            ttl,
            expiry,
            ..FlagHead::default()
        });
    }

    /// The report of a full flag that weighs least (the earliest among equals): (index, reporter,
    /// packed report).
    fn weakest_report(&self, id: u32) -> (usize, Address, U256) {
        let f = self.flags.get(id);
        let mut weakest = (0, Address::ZERO, U256::MAX);
        for i in 0..f.reporter_count() {
            let who = f.reporter(i);
            let report = f.reports.get(who);
            if unpack_report(report).1 < unpack_report(weakest.2).1 {
                weakest = (i, who, report);
            }
        }
        weakest
    }

    pub(crate) fn known_flag(&self, flag_id: u32) -> Result<()> {
        if flag_id == 0 || flag_id > self.settings().flag_count {
            return Err(RegistryError::UnknownFlag(UnknownFlag { flagId: flag_id }));
        }
        Ok(())
    }

    pub(crate) fn earned_level(&self, version: u32, score: u128, reporters: usize) -> Level {
        let (watch, confirm, min_reporters, _, _) = self.params.get(version).scores_word();
        math::level_for(score, reporters, watch, confirm, min_reporters)
    }

    fn ensure_open(&self) -> Result<()> {
        if self.settings().submissions_paused {
            return Err(RegistryError::SubmissionsPaused(SubmissionsPaused {}));
        }
        Ok(())
    }
}

/// A report as stored in a flag: locked stake in the low half, weight in the high half (both fit:
/// locks are bounded by the stake cap, 2^96).
pub(crate) fn pack_report(lock: u128, weight: u128) -> U256 {
    U256::from_limbs([
        lock as u64,
        (lock >> 64) as u64,
        weight as u64,
        (weight >> 64) as u64,
    ])
}

/// (locked, weight)
pub(crate) fn unpack_report(report: U256) -> (u128, u128) {
    let [a, b, c, d] = *report.as_limbs();
    ((b as u128) << 64 | a as u128, (d as u128) << 64 | c as u128)
}

pub(crate) fn validate_subject(subject: B256) -> Result<()> {
    match SubjectKind::of(subject) {
        Some(_) => Ok(()),
        None => Err(RegistryError::InvalidSubject(InvalidSubject { subject })),
    }
}

pub(crate) fn validate_labels(category: u8, severity: u8) -> Result<()> {
    if category == 0 || category > CATEGORY_MAX {
        return Err(RegistryError::InvalidCategory(InvalidCategory { category }));
    }
    if !(1..=4).contains(&severity) {
        return Err(RegistryError::InvalidSeverity(InvalidSeverity { severity }));
    }
    Ok(())
}

pub(crate) fn validate_ttl(ttl: u64, max: u64) -> Result<()> {
    if ttl == 0 || ttl > max {
        return Err(RegistryError::InvalidTtl(InvalidTtl { ttl, max }));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
