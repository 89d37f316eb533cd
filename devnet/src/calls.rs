//! Builders for the calls the scenarios make again and again (tests, `demo`, `bench`), named by
//! what they mean; re-exported by [`crate::system`]. Each is built from its argument tuple, so a
//! parameter the generated interfaces rename changes nothing here or at the call sites. Evidence
//! and rationales are given as text and hashed, as the scenarios describe them.

use alloy_sol_types::SolCall;

use crate::system::{ICircuitGuard, IThreatRegistry};
use crate::{keccak256, Address, B256, U256};
use alloy_primitives::FixedBytes;

/// Screening modes of `setScreening`: block confirmed flags, also block watch, or read nothing.
pub const SCREEN_CONFIRMED: u8 = 0;
pub const SCREEN_WATCH: u8 = 1;
pub const SCREEN_OFF: u8 = 2;
/// Added to [`SCREEN_CONFIRMED`] or [`SCREEN_WATCH`]: the caller's runtime code hash is screened too.
pub const SCREEN_CODE: u8 = 4;

/// A flag on `subject`; the evidence is the hash of the text (or bytes) `evidence`.
pub fn submit(
    subject: B256,
    category: u8,
    severity: u8,
    ttl: u64,
    evidence: impl AsRef<[u8]>,
) -> IThreatRegistry::submitCall {
    IThreatRegistry::submitCall::new((subject, category, severity, keccak256(evidence), ttl))
}

/// A report that joins the open flag on `subject`, keeping its severity, with the hash of
/// `evidence`.
pub fn corroborate(subject: B256, evidence: impl AsRef<[u8]>) -> IThreatRegistry::corroborateCall {
    IThreatRegistry::corroborateCall::new((subject, 0, keccak256(evidence)))
}

/// A dispute of flag `flag_id`, with the hash of `evidence` (the bond is the call's value).
pub fn dispute(flag_id: u32, evidence: impl AsRef<[u8]>) -> IThreatRegistry::disputeCall {
    IThreatRegistry::disputeCall::new((flag_id, keccak256(evidence)))
}

/// The resolver's decision on the dispute of flag `flag_id`, with the hash of `rationale`.
pub fn resolve(
    flag_id: u32,
    upheld: bool,
    rationale: impl AsRef<[u8]>,
) -> IThreatRegistry::resolveCall {
    IThreatRegistry::resolveCall::new((flag_id, upheld, keccak256(rationale)))
}

/// The end of a dispute nobody decided within `disputeDeadline`.
pub fn lapse_dispute(flag_id: u32) -> IThreatRegistry::lapseDisputeCall {
    IThreatRegistry::lapseDisputeCall::new((flag_id,))
}

/// Screening of the caller (not `tx.origin`) on `selector` of `protocol`, in `mode`
/// ([`SCREEN_CONFIRMED`], [`SCREEN_WATCH`], [`SCREEN_OFF`]).
pub fn screening(
    protocol: Address,
    selector: FixedBytes<4>,
    mode: u8,
) -> ICircuitGuard::setScreeningCall {
    ICircuitGuard::setScreeningCall::new((protocol, selector, mode, false))
}

/// A token bucket on `selector` of `protocol`: `capacity` refilled at `refill_per_second` and by
/// the protocol's credited inflows; a call that leaves at most `trip_level` trips the selector,
/// paused until the bucket is back at `rearm_level` (zero: never trips).
pub fn rate_limit(
    protocol: Address,
    selector: FixedBytes<4>,
    capacity: U256,
    refill_per_second: U256,
    trip_level: U256,
    rearm_level: U256,
) -> ICircuitGuard::setRateLimitCall {
    ICircuitGuard::setRateLimitCall::new((
        protocol,
        selector,
        true,
        capacity,
        refill_per_second,
        trip_level,
        rearm_level,
    ))
}

/// No rate limit on `selector` of `protocol`.
pub fn rate_limit_off(
    protocol: Address,
    selector: FixedBytes<4>,
) -> ICircuitGuard::setRateLimitCall {
    ICircuitGuard::setRateLimitCall::new((
        protocol,
        selector,
        false,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
    ))
}

/// Removes the own policy of `selector` of `protocol`, freeing its slot.
pub fn remove_policy(
    protocol: Address,
    selector: FixedBytes<4>,
) -> ICircuitGuard::removePolicyCall {
    ICircuitGuard::removePolicyCall::new((protocol, selector))
}

/// The advisories whose confirmation pauses `selector` of `protocol` (empty: none).
pub fn advisory_tags(
    protocol: Address,
    selector: FixedBytes<4>,
    tags: Vec<B256>,
) -> ICircuitGuard::setAdvisoryTagsCall {
    ICircuitGuard::setAdvisoryTagsCall::new((protocol, selector, tags))
}

/// A resolver's emergency confirmation of `subject`, with the hash of `rationale`.
pub fn emergency_confirm(
    subject: B256,
    category: u8,
    severity: u8,
    ttl: u64,
    rationale: impl AsRef<[u8]>,
) -> IThreatRegistry::emergencyConfirmCall {
    let rationale = keccak256(rationale);
    IThreatRegistry::emergencyConfirmCall::new((subject, category, severity, ttl, rationale))
}

/// A resolver's emergency removal of the flag on `subject`, with the hash of `rationale`.
pub fn emergency_remove(
    subject: B256,
    rationale: impl AsRef<[u8]>,
) -> IThreatRegistry::emergencyRemoveCall {
    IThreatRegistry::emergencyRemoveCall::new((subject, keccak256(rationale)))
}
