//! Read-only answers, as named structs. None of them writes or reverts except on bad input.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{subject, Level, Status};

use crate::{
    errors::*,
    flags::unpack_report,
    staking::report_weight,
    types::{Accounting, FlagInfo, Params, RegistryConfig, Report, ReporterInfo, SubjectStatus},
    ThreatRegistry,
};

/// True while `account` has a confirmed, unexpired flag: one storage read.
pub fn is_flagged(r: &ThreatRegistry, account: Address) -> bool {
    let word = r.status.get(subject::address(account));
    Status::word_level_at(word, r.vm().block_timestamp()) == Level::Confirmed
}

/// True while `account`'s runtime code has a confirmed, unexpired code-hash flag. EXTCODEHASH is
/// read at call time, so the answer follows the code the account has now.
pub fn is_flagged_code(r: &ThreatRegistry, account: Address) -> bool {
    code_subject(r, account).is_some_and(|s| {
        Status::word_level_at(r.status.get(s), r.vm().block_timestamp()) == Level::Confirmed
    })
}

/// The status of `account`'s runtime code's subject; the default (none) for an account without
/// code.
pub fn status_of_code(r: &ThreatRegistry, account: Address) -> SubjectStatus {
    let status = code_subject(r, account).map(|s| r.status_of_subject(s));
    view(r, status.unwrap_or_default())
}

fn code_subject(r: &ThreatRegistry, account: Address) -> Option<B256> {
    subject::of_runtime_code(r.vm().code_hash(account))
}

pub fn status_of(r: &ThreatRegistry, subject: B256) -> SubjectStatus {
    view(r, r.status_of_subject(subject))
}

fn view(r: &ThreatRegistry, s: Status) -> SubjectStatus {
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

pub fn flag_info(r: &ThreatRegistry, flag_id: u32) -> Result<FlagInfo> {
    r.known_flag(flag_id)?;
    let f = r.flags.get(flag_id);
    let reporters = (0..f.reporter_count()).map(|i| f.reporter(i)).collect();
    let t = f.head();
    let (disputer, disputed_at) = f.dispute();
    Ok(FlagInfo {
        subject: f.subject.get(),
        evidence: f.evidence.get(),
        rulesVersion: t.rules,
        created: t.created,
        ttl: t.ttl,
        expiry: t.expiry,
        reporters,
        disputer,
        disputeBond: f.dispute_bond.get(),
        disputedAt: disputed_at,
        reachedConfirmed: t.reached_confirmed,
        settled: t.settled,
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
    let meta = rep.meta();
    let p = r.current_params();
    let (stake, locked) = rep.funds();
    ReporterInfo {
        stake,
        locked,
        warming: rep.warming.get(),
        warmAt: meta.warm_at,
        unbonding: rep.unbonding.get(),
        unbondAt: meta.unbond_at,
        reputation: meta.reputation,
        weight: U256::from(report_weight(&rep, p.stake_word().1, now)),
    }
}

/// The parameters of `version` (the `rulesVersion` a flag is judged by); 0 means current.
pub fn params_at(r: &ThreatRegistry, version: u32) -> Result<Params> {
    let current = r.settings().params_version;
    let version = if version == 0 { current } else { version };
    if version > current {
        return Err(RegistryError::UnknownVersion(UnknownVersion { version }));
    }
    Ok(r.params.get(version).to_params())
}

pub fn config(r: &ThreatRegistry) -> RegistryConfig {
    let settings = r.settings();
    RegistryConfig {
        owner: r.ownership.owner(),
        pendingOwner: r.ownership.pending_owner(),
        guard: settings.guard,
        submissionsPaused: settings.submissions_paused,
        paramsVersion: settings.params_version,
        flagCount: settings.flag_count,
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
