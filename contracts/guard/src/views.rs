//! Read-only answers for admins, integrators and monitors. Each multi-value answer is a named
//! struct, so the Solidity interface names its outputs; every one is static, so it encodes exactly
//! like the tuple of its fields.

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

use crate::{bucket::Limit, policy_key, word::SelectorWord, CircuitGuard};

sol! {
    /// The guard's own settings.
    #[derive(AbiType, Debug, Default, PartialEq, Eq)]
    struct GuardConfig {
        address owner;
        /// Set by `transferOwnership`, cleared by `acceptOwnership`; zero when none.
        address pendingOwner;
        /// The only account whose `onStatusChange` pushes are accepted.
        address registry;
        /// Longest guardian pause and trip cooldown, in seconds.
        uint32 maxPauseDuration;
        /// Seconds a guardian waits after a pause episode ends.
        uint32 pauseCooldown;
        /// Seconds a timelocked owner call waits between `schedule` and `execute`.
        uint64 delay;
    }

    /// A protocol's registration and the defaults for its unconfigured selectors.
    #[derive(AbiType, Debug, Default, PartialEq, Eq)]
    struct ProtocolInfo {
        bool registered;
        address admin;
        /// Protocol-wide pause end (unix seconds); in force while `block.timestamp` is below it.
        uint64 pausedUntil;
        /// 0 confirmed, 1 watch and above, 2 off; plus 4 when the caller's code hash is screened.
        uint8 screening;
        /// Whether `tx.origin` is screened too.
        bool screenOrigin;
        /// End of the latest guardian pause episode.
        uint64 guardianPauseEnd;
    }

    /// One selector's policy word.
    #[derive(AbiType, Debug, Default, PartialEq, Eq)]
    struct SelectorPolicy {
        /// False: `check` uses the protocol's defaults, and the rest is zero but a selector pause
        /// (a pause is not a policy).
        bool configured;
        /// Selector pause end as `check` reports it: the manual pause while in force, else while
        /// tripped the second refill alone re-arms it (inflows re-arm it sooner).
        uint64 pausedUntil;
        /// The selector's copy of the protocol pause.
        uint64 protocolPausedUntil;
        /// 0 confirmed, 1 watch and above, 2 off; plus 4 when the caller's code hash is screened.
        uint8 screening;
        bool screenOrigin;
        uint8 tagCount;
    }

    /// A selector's effective rate limit, in the protocol's amount unit; all zero without a limit.
    #[derive(AbiType, Debug, Default, PartialEq, Eq)]
    struct RateLimit {
        uint256 capacity;
        uint256 refillPerSecond;
        /// A passing charge that leaves at most this much trips the selector.
        uint256 tripLevel;
        /// A tripped selector is paused until the bucket is back at this level; zero when the
        /// limit never trips.
        uint256 rearmLevel;
        /// What a charge could take now (inflows of this second included).
        uint256 available;
        /// The bucket's unit: every value above is a whole number of it.
        uint256 unit;
        /// Whether a trip holds the selector closed now.
        bool tripped;
    }
}

pub fn guard_config(g: &CircuitGuard) -> GuardConfig {
    GuardConfig {
        owner: g.ownership.owner(),
        pendingOwner: g.ownership.pending_owner(),
        registry: g.registry.get(),
        maxPauseDuration: g.max_pause.get().saturating_to::<u32>(),
        pauseCooldown: g.pause_cooldown.get().saturating_to::<u32>(),
        delay: crate::governance::delay(g),
    }
}

pub fn protocol_info(g: &CircuitGuard, protocol: Address) -> ProtocolInfo {
    let p = g.protocol(protocol);
    ProtocolInfo {
        registered: p.registered(),
        admin: p.admin,
        pausedUntil: p.paused_until as u64,
        screening: p.screening().mode(p.screens_code()),
        screenOrigin: p.screens_origin(),
        guardianPauseEnd: p.guardian_pause_end as u64,
    }
}

pub fn selector_policy(
    g: &CircuitGuard,
    protocol: Address,
    selector: FixedBytes<4>,
) -> SelectorPolicy {
    let w = SelectorWord::from_word(g.selectors.get(policy_key(protocol, selector)));
    let now = g.vm().block_timestamp();
    let paused_until = match w.tripped_until(now) {
        Some(until) if now >= w.paused_until as u64 => until,
        _ => w.paused_until as u64,
    };
    SelectorPolicy {
        configured: w.configured(),
        pausedUntil: paused_until,
        protocolPausedUntil: w.protocol_paused_until as u64,
        screening: w.screening().mode(w.screens_code()),
        screenOrigin: w.screens_origin(),
        tagCount: w.tag_count(),
    }
}

pub fn rate_limit(g: &CircuitGuard, protocol: Address, selector: FixedBytes<4>) -> RateLimit {
    let w = SelectorWord::from_word(g.selectors.get(policy_key(protocol, selector)));
    if !w.rate_limited() {
        return RateLimit::default();
    }
    let l = Limit {
        shift: w.shift,
        capacity: w.capacity,
        refill: w.refill,
        trip: w.trip,
        rearm: w.rearm,
    };
    let now = g.vm().block_timestamp();
    RateLimit {
        capacity: l.wei(l.capacity),
        refillPerSecond: l.wei(l.refill),
        tripLevel: l.wei(l.trip),
        rearmLevel: l.wei(l.rearm),
        available: l.wei(w.available(now)),
        unit: l.wei(1),
        tripped: w.tripped_until(now).is_some(),
    }
}

pub fn advisory_tags(g: &CircuitGuard, protocol: Address, selector: FixedBytes<4>) -> Vec<B256> {
    let key = policy_key(protocol, selector);
    let count = SelectorWord::from_word(g.selectors.get(key)).tag_count();
    let stored = g.tags.getter(key);
    (0..count as usize).filter_map(|i| stored.get(i)).collect()
}

pub fn configured_selectors(g: &CircuitGuard, protocol: Address) -> Vec<FixedBytes<4>> {
    let list = g.configured.getter(protocol);
    (0..list.len()).filter_map(|i| list.get(i)).collect()
}

pub fn is_guardian(g: &CircuitGuard, protocol: Address, account: Address) -> bool {
    g.guardians.getter(protocol).get(account)
}

/// The status word last pushed for `subject` (zero if none).
pub fn status_word(g: &CircuitGuard, subject: B256) -> U256 {
    g.statuses.get(subject)
}
