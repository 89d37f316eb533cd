//! The registry's ABI as the soak speaks it. Every registry call the engine sends and every registry
//! view it reads is built or decoded here, into shapes of the soak's own ([`Flag`], [`Reporter`],
//! [`Rules`]), so an interface change of the registry is a change of this file only.
//!
//! The interface of issue 10: a report locks its free warm stake up to the cap (`reportOf` tells
//! each lock and weight); disputes, resolutions and lapses name the flag id.

use alloy_sol_types::SolCall;

use crate::calls;
use crate::system::{IThreatRegistry, World};
use crate::{keccak256, Address, Bytes, B256, U256};

/// The parameters the soak's expectations depend on (the soak never changes them).
#[derive(Clone, Debug)]
pub struct Rules {
    pub min_stake: U256,
    pub dispute_bond: U256,
    pub max_ttl: u64,
    pub max_reporters: u8,
    /// The longest timer the rules set (the unbonding delay, the dispute deadline or window):
    /// the longest time warps reach past it, so every timer runs out now and then.
    pub longest_delay: u64,
}

/// One flag as the invariants need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub subject: B256,
    pub settled: bool,
    /// Each reporter with the stake its report locks and the weight it brought (`None` where the
    /// ABI does not say).
    pub reports: Vec<(Address, U256, Option<U256>)>,
    /// Who disputes it and the bond held for that dispute, while a dispute is open.
    pub open_dispute: Option<(Address, U256)>,
}

/// A reporter's stored books (the time-dependent `weight` view is left out on purpose: a snapshot
/// must not change when only the clock moves).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reporter {
    pub stake: U256,
    pub locked: U256,
    pub warming: U256,
    pub warm_at: u64,
    pub unbonding: U256,
    pub unbond_at: u64,
    pub reputation: u32,
}

/// The four sums the registry keeps; their total must equal its balance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Books {
    pub stakes: U256,
    pub dispute_bonds: U256,
    pub claimable: U256,
    pub treasury: U256,
}

impl Books {
    pub fn total(&self) -> Option<U256> {
        self.stakes
            .checked_add(self.dispute_bonds)?
            .checked_add(self.claimable)?
            .checked_add(self.treasury)
    }
}

/// A subject's status as `statusOf` reports it (level as of the current block).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Status {
    pub level: u8,
    pub disputed: bool,
    pub finalized: bool,
    pub category: u8,
    pub severity: u8,
    pub flag_id: u32,
    pub expiry: u64,
    pub score: u128,
}

/// Whether this ABI has the dispute deadline (`lapseDispute`).
pub const HAS_LAPSE: bool = true;

/// Whether a report may only lock warm stake (then locked + unbonding + still-warming stake never
/// exceeds the stake).
pub const LOCKS_WARM_STAKE: bool = true;

/// The most reputation a reporter can have.
pub const REP_MAX: u32 = 1_000;

fn enc<C: SolCall>(call: C) -> Bytes {
    call.abi_encode().into()
}

pub fn stake() -> Bytes {
    enc(IThreatRegistry::stakeCall {})
}

pub fn request_unstake(amount: U256) -> Bytes {
    enc(IThreatRegistry::requestUnstakeCall::new((amount,)))
}

pub fn withdraw() -> Bytes {
    enc(IThreatRegistry::withdrawCall {})
}

pub fn claim() -> Bytes {
    enc(IThreatRegistry::claimCall {})
}

pub fn submit(subject: B256, category: u8, severity: u8, ttl: u64, evidence: &str) -> Bytes {
    enc(calls::submit(subject, category, severity, ttl, evidence))
}

/// `severity` 0 keeps the flag's severity, 1-4 may raise it.
pub fn corroborate(subject: B256, severity: u8, evidence: &str) -> Bytes {
    enc(IThreatRegistry::corroborateCall::new((
        subject,
        severity,
        keccak256(evidence),
    )))
}

/// A renewal names the subject (its current flag).
pub fn renew(subject: B256) -> Bytes {
    enc(IThreatRegistry::renewCall::new((subject,)))
}

pub fn release(flag_id: u32) -> Bytes {
    enc(IThreatRegistry::releaseCall::new((flag_id,)))
}

pub fn dispute(flag_id: u32, evidence: &str) -> Bytes {
    enc(calls::dispute(flag_id, evidence))
}

pub fn resolve(flag_id: u32, upheld: bool, rationale: &str) -> Bytes {
    enc(calls::resolve(flag_id, upheld, rationale))
}

/// `lapseDispute(flagId)`, where the ABI has it.
pub fn lapse_dispute(flag_id: u32) -> Option<Bytes> {
    Some(enc(calls::lapse_dispute(flag_id)))
}

pub fn emergency_confirm(subject: B256, category: u8, severity: u8, ttl: u64) -> Bytes {
    enc(calls::emergency_confirm(
        subject,
        category,
        severity,
        ttl,
        "soak: emergency confirm",
    ))
}

pub fn emergency_remove(subject: B256) -> Bytes {
    enc(calls::emergency_remove(subject, "soak: emergency remove"))
}

/// The treasury sweep is timelocked: the owner schedules it, then executes it once due.
pub fn sweep_treasury(to: Address, schedule: bool) -> Bytes {
    let data = Bytes::from(IThreatRegistry::sweepTreasuryCall::new((to,)).abi_encode());
    if schedule {
        enc(IThreatRegistry::scheduleCall { data })
    } else {
        enc(IThreatRegistry::executeCall { data })
    }
}

pub fn rules(w: &mut World) -> Rules {
    let p = w.read(w.registry, &IThreatRegistry::paramsAtCall::new((0,)));
    Rules {
        min_stake: p.minStake,
        dispute_bond: p.disputeBond,
        max_ttl: p.maxTtl,
        max_reporters: p.maxReporters,
        longest_delay: p.unbondingDelay.max(p.disputeDeadline).max(p.disputeWindow),
    }
}

pub fn flag_count(w: &mut World) -> u32 {
    w.read(w.registry, &IThreatRegistry::configCall {})
        .flagCount
}

/// Flag `id` (known to exist), with each reporter's lock and weight from `reportOf`. A dispute is
/// open while the flag's record names a disputer.
pub fn flag(w: &mut World, id: u32) -> Flag {
    let f = w.read(w.registry, &IThreatRegistry::flagInfoCall::new((id,)));
    let reports = f
        .reporters
        .into_iter()
        .map(|r| {
            let report = w.read(w.registry, &IThreatRegistry::reportOfCall::new((id, r)));
            (r, report.locked, Some(report.weight))
        })
        .collect();
    Flag {
        subject: f.subject,
        settled: f.settled,
        reports,
        open_dispute: (!f.disputer.is_zero()).then_some((f.disputer, f.disputeBond)),
    }
}

pub fn reporter(w: &mut World, who: Address) -> Reporter {
    let r = w.read(w.registry, &IThreatRegistry::reporterInfoCall::new((who,)));
    Reporter {
        stake: r.stake,
        locked: r.locked,
        warming: r.warming,
        warm_at: r.warmAt,
        unbonding: r.unbonding,
        unbond_at: r.unbondAt,
        reputation: r.reputation,
    }
}

pub fn claimable(w: &mut World, who: Address) -> U256 {
    w.read(w.registry, &IThreatRegistry::claimableCall::new((who,)))
}

pub fn books(w: &mut World) -> Books {
    let a = w.read(w.registry, &IThreatRegistry::accountingCall {});
    Books {
        stakes: a.stakes,
        dispute_bonds: a.disputeBonds,
        claimable: a.claimable,
        treasury: a.treasury,
    }
}

pub fn status(w: &mut World, subject: B256) -> Status {
    let s = w.read(w.registry, &IThreatRegistry::statusOfCall::new((subject,)));
    Status {
        level: s.level,
        disputed: s.disputed,
        finalized: s.finalized,
        category: s.category,
        severity: s.severity,
        flag_id: s.flagId,
        expiry: s.expiry,
        score: s.score,
    }
}

pub fn is_flagged(w: &mut World, account: Address) -> bool {
    w.read(w.registry, &IThreatRegistry::isFlaggedCall::new((account,)))
}

/// The registry's name of a revert, when it is one of the registry's errors.
pub fn error_name(selector: [u8; 4]) -> Option<&'static str> {
    IThreatRegistry::IThreatRegistryErrors::name_by_selector(selector)
}
