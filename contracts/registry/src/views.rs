//! Read-only answers, as named structs. None of them writes or reverts except on bad input.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{subject, Level, Status};

use crate::{
    errors::*,
    flags::unpack_report,
    staking::report_weight,
    types::{
        Accounting, FlagInfo, Params, PendingParams, RegistryConfig, Report, ReporterInfo,
        SubjectStatus,
    },
    ThreatRegistry, MAX_BATCH,
};

/// True while `account` has a confirmed, unexpired flag: one storage read.
pub fn is_flagged(r: &ThreatRegistry, account: Address) -> bool {
    let word = r.status.get(subject::address(account));
    Status::word_level_at(word, r.vm().block_timestamp()) == Level::Confirmed
}

pub fn status_of(r: &ThreatRegistry, subject: B256) -> SubjectStatus {
    let s = r.status_of_subject(subject);
    SubjectStatus {
        level: s.level_at(r.vm().block_timestamp()) as u8,
        disputed: s.disputed,
        finalized: s.finalized,
        category: s.category,
        severity: s.severity,
        flagId: s.flag_id,
        expiry: s.expiry,
        score: s.score,
    }
}

/// At most [`MAX_BATCH`] subjects, so one call's gas stays bounded.
pub fn status_of_many(r: &ThreatRegistry, subjects: Vec<B256>) -> Result<Vec<SubjectStatus>> {
    if subjects.len() > MAX_BATCH {
        return Err(RegistryError::BatchTooLarge(BatchTooLarge {
            length: U256::from(subjects.len()),
            max: U256::from(MAX_BATCH),
        }));
    }
    Ok(subjects.into_iter().map(|s| status_of(r, s)).collect())
}

pub fn flag_info(r: &ThreatRegistry, flag_id: u32) -> Result<FlagInfo> {
    r.known_flag(flag_id)?;
    let f = r.flags.get(flag_id);
    let reporters = (0..f.reporters.len())
        .filter_map(|i| f.reporters.get(i))
        .collect();
    Ok(FlagInfo {
        subject: f.subject.get(),
        evidence: f.evidence.get(),
        rulesVersion: f.rules.get().to::<u32>(),
        created: f.created.get().to::<u64>(),
        ttl: f.ttl.get().to::<u64>(),
        expiry: f.expiry.get().to::<u64>(),
        reporters,
        disputer: f.disputer.get(),
        disputeBond: f.dispute_bond.get(),
        disputedAt: f.disputed_at.get().to::<u64>(),
        reachedConfirmed: f.reached_confirmed.get(),
        settled: f.settled.get(),
    })
}

/// What `reporter` locked in flag `flag_id` and the weight that added (zero if it has no report
/// there, or was displaced).
pub fn report_of(r: &ThreatRegistry, flag_id: u32, reporter: Address) -> Result<Report> {
    r.known_flag(flag_id)?;
    let (locked, weight) = unpack_report(r.flags.get(flag_id).reports.get(reporter));
    Ok(Report {
        locked: U256::from(locked),
        weight: U256::from(weight),
    })
}

pub fn reporter_info(r: &ThreatRegistry, reporter: Address) -> ReporterInfo {
    let now = r.vm().block_timestamp();
    let rep = r.reporters.get(reporter);
    let p = r.current_params();
    ReporterInfo {
        stake: rep.stake.get(),
        locked: rep.locked.get(),
        warming: rep.warming.get(),
        warmAt: rep.warm_at.get().to::<u64>(),
        unbonding: rep.unbonding.get(),
        unbondAt: rep.unbond_at.get().to::<u64>(),
        reputation: rep.reputation.get().to::<u32>(),
        weight: U256::from(report_weight(&rep, p.stake_word().1, now)),
    }
}

/// The parameters of `version` (the `rulesVersion` a flag is judged by); 0 means current.
pub fn params_at(r: &ThreatRegistry, version: u32) -> Result<Params> {
    let current = r.params_version.get().to::<u32>();
    let version = if version == 0 { current } else { version };
    if version > current {
        return Err(RegistryError::UnknownVersion(UnknownVersion { version }));
    }
    Ok(r.params.get(version).to_params())
}

pub fn pending_params(r: &ThreatRegistry) -> PendingParams {
    PendingParams {
        params: r.pending_params.to_params(),
        eta: r.pending_eta.get().to::<u64>(),
    }
}

pub fn config(r: &ThreatRegistry) -> RegistryConfig {
    RegistryConfig {
        owner: r.ownership.owner(),
        pendingOwner: r.ownership.pending_owner(),
        guard: r.guard.get(),
        submissionsPaused: r.submissions_paused.get(),
        paramsVersion: r.params_version.get().to::<u32>(),
        flagCount: r.flag_count.get().to::<u32>(),
    }
}

pub fn accounting(r: &ThreatRegistry) -> Accounting {
    Accounting {
        stakes: r.total_stake.get(),
        disputeBonds: r.total_dispute_bonds.get(),
        claimable: r.total_claimable.get(),
        treasury: r.treasury.get(),
    }
}
