//! What a protocol's admin configures per selector: screening, the rate limit (token bucket) and
//! advisory tags. Any of these puts the selector on `check`'s fast path (its own
//! [`SelectorWord`]); a protocol may configure up to [`MAX_SELECTORS`].
//!
//! Only the admin creates or removes a selector's policy, so the slots are the admin's to spend
//! and to reclaim (`removePolicy`). A pause is not a policy: pausing a selector (admin or
//! guardian, see [`crate::pause`]) never creates, copies or changes one.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, topic0, SubjectKind};

use crate::{
    bucket::{self, Limit, LimitError},
    errors::*,
    events::{AdvisoryTagsSet, PolicyRemoved, ProtocolScreeningSet, RateLimitSet, ScreeningSet},
    policy_key,
    word::{ProtocolWord, Screening, SelectorWord, MAX_TAGS},
    CircuitGuard,
};

/// Configured selectors per protocol: `pauseProtocol` rewrites each one's copy of the pause.
pub const MAX_SELECTORS: u32 = 32;

/// Screening for selectors without a policy of their own, and the default a selector starts with
/// when it is first configured. Modes: 0 confirmed, 1 watch and above, 2 off; plus
/// [`SCREEN_CODE`](crate::word::SCREEN_CODE) (4) to screen the caller's runtime code hash too.
pub fn set_protocol_screening(
    g: &mut CircuitGuard,
    protocol: Address,
    mode: u8,
    screen_origin: bool,
) -> Result<()> {
    let mut p = g.only_admin(protocol)?;
    let (mode_, code) = screening(mode)?;
    p.set_screening(mode_, screen_origin, code);
    g.set_protocol(protocol, p);
    log::emit(
        g.vm(),
        topic0!(ProtocolScreeningSet),
        &[w(protocol)],
        &[w(mode), w(screen_origin)],
    );
    Ok(())
}

pub fn set_screening(
    g: &mut CircuitGuard,
    protocol: Address,
    selector: FixedBytes<4>,
    mode: u8,
    screen_origin: bool,
) -> Result<()> {
    let p = g.only_admin(protocol)?;
    let (mode_, code) = screening(mode)?;
    let (mut word, new) = g.policy(protocol, &p, selector)?;
    word.set_screening(mode_, screen_origin, code);
    g.store_policy(protocol, selector, &word, new);
    log::emit(
        g.vm(),
        topic0!(ScreeningSet),
        &[w(protocol), w(selector)],
        &[w(mode), w(screen_origin)],
    );
    Ok(())
}

/// Sets the selector's token bucket on `amount`: `capacity` and `refill_per_second` in the
/// protocol's amount unit (wei), rounded down to the unit the guard picks (the event reports the
/// effective values). With `rearm_level` > 0 a passing charge that leaves at most `trip_level`
/// trips the selector, which stays paused until refill or inflow bring the bucket back to
/// `rearm_level`. Refilling an empty bucket to that level may take at most `maxPauseDuration`:
/// anyone who can drain a bucket can trip it. A running bucket is refilled under its old
/// settings, then capped at the new capacity. With `enabled` false the limit (and any trip) is
/// removed and the other arguments are ignored.
#[allow(clippy::too_many_arguments)]
pub fn set_rate_limit(
    g: &mut CircuitGuard,
    protocol: Address,
    selector: FixedBytes<4>,
    enabled: bool,
    capacity: U256,
    refill_per_second: U256,
    trip_level: U256,
    rearm_level: U256,
) -> Result<()> {
    let p = g.only_admin(protocol)?;
    let now = g.vm().block_timestamp();
    let limit = if enabled {
        let limit = Limit::new(capacity, refill_per_second, trip_level, rearm_level)
            .map_err(|e| limit_error(e, capacity, refill_per_second, trip_level, rearm_level))?;
        let max = g.max_pause.get().saturating_to::<u64>();
        if limit.longest_trip() > max {
            return Err(CircuitGuardError::PauseTooLong(PauseTooLong {
                duration: limit.longest_trip(),
                max,
            }));
        }
        limit
    } else {
        Limit::default()
    };
    let (mut word, new) = g.policy(protocol, &p, selector)?;
    if enabled {
        limit.install(&mut word, now);
    } else {
        bucket::uninstall(&mut word);
    }
    g.store_policy(protocol, selector, &word, new);
    let unit = if enabled { limit.wei(1) } else { U256::ZERO };
    log::emit(
        g.vm(),
        topic0!(RateLimitSet),
        &[w(protocol), w(selector)],
        &[
            w(enabled),
            w(limit.wei(limit.capacity)),
            w(limit.wei(limit.refill)),
            w(limit.wei(limit.trip)),
            w(limit.wei(limit.rearm)),
            w(unit),
        ],
    );
    Ok(())
}

/// Pauses the selector while any of `tags` (advisory subjects) is confirmed. At most
/// [`MAX_TAGS`]: every tag costs two cold reads on each `check`.
pub fn set_advisory_tags(
    g: &mut CircuitGuard,
    protocol: Address,
    selector: FixedBytes<4>,
    tags: Vec<B256>,
) -> Result<()> {
    let p = g.only_admin(protocol)?;
    if tags.len() > MAX_TAGS as usize {
        return Err(CircuitGuardError::TooManyTags(TooManyTags {
            count: U256::from(tags.len()),
            max: MAX_TAGS,
        }));
    }
    if let Some(tag) = tags
        .iter()
        .find(|t| SubjectKind::of(**t) != Some(SubjectKind::Advisory))
    {
        return Err(CircuitGuardError::NotAdvisory(NotAdvisory { tag: *tag }));
    }
    let (mut word, new) = g.policy(protocol, &p, selector)?;
    word.set_tag_count(tags.len() as u8);
    let key = policy_key(protocol, selector);
    let mut stored = g.tags.setter(key);
    for (i, tag) in tags.iter().enumerate() {
        if let Some(mut slot) = stored.setter(i) {
            slot.set(*tag);
        }
    }
    g.store_policy(protocol, selector, &word, new);
    let mut data = vec![w(32u64), w(tags.len())];
    data.extend_from_slice(&tags);
    log::emit(
        g.vm(),
        topic0!(AdvisoryTagsSet),
        &[w(protocol), w(selector)],
        &data,
    );
    Ok(())
}

/// Removes the selector's own policy (screening, rate limit and any trip, tags): `check` falls back
/// to the protocol's word and the slot is free again. A selector pause is not a policy and stays
/// until it ends or the admin lifts it, so reconfiguring cannot undo a guardian's pause.
pub fn remove_policy(
    g: &mut CircuitGuard,
    protocol: Address,
    selector: FixedBytes<4>,
) -> Result<()> {
    g.only_admin(protocol)?;
    let key = policy_key(protocol, selector);
    let word = SelectorWord::from_word(g.selectors.get(key));
    if !word.configured() {
        return Err(CircuitGuardError::SelectorNotConfigured(
            SelectorNotConfigured { selector },
        ));
    }
    let now = g.vm().block_timestamp();
    let paused = SelectorWord {
        paused_until: if now < word.paused_until as u64 {
            word.paused_until
        } else {
            0
        },
        ..SelectorWord::default()
    };
    g.selectors.setter(key).set(paused.to_word());
    let mut tags = g.tags.setter(key);
    for i in 0..word.tag_count() as usize {
        if let Some(mut slot) = tags.setter(i) {
            slot.set(B256::ZERO);
        }
    }
    // A configured selector is always listed; its entry takes the last one, and the list shrinks.
    let mut list = g.configured.setter(protocol);
    if let Some(i) = (0..list.len()).find(|&i| list.get(i) == Some(selector)) {
        if let Some(moved) = list.get(list.len() - 1) {
            if let Some(mut slot) = list.setter(i) {
                slot.set(moved);
            }
        }
        list.erase_last();
    }
    log::emit(
        g.vm(),
        topic0!(PolicyRemoved),
        &[w(protocol), w(selector)],
        &[],
    );
    Ok(())
}

impl CircuitGuard {
    /// The selector's word, or a fresh one with the protocol's defaults (and `true`) if it has no
    /// policy yet, keeping any selector pause it already has. Fails if the protocol's list of
    /// configured selectors is full. Reads only.
    pub(crate) fn policy(
        &self,
        protocol: Address,
        p: &ProtocolWord,
        selector: FixedBytes<4>,
    ) -> Result<(SelectorWord, bool)> {
        let word = SelectorWord::from_word(self.selectors.get(policy_key(protocol, selector)));
        if word.configured() {
            return Ok((word, false));
        }
        if self.configured.getter(protocol).len() >= MAX_SELECTORS as usize {
            return Err(CircuitGuardError::TooManySelectors(TooManySelectors {
                max: MAX_SELECTORS,
            }));
        }
        let mut fresh = SelectorWord {
            paused_until: word.paused_until,
            protocol_paused_until: p.paused_until,
            ..SelectorWord::default()
        };
        fresh.set_screening(p.screening(), p.screens_origin(), p.screens_code());
        Ok((fresh, true))
    }

    pub(crate) fn store_policy(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        word: &SelectorWord,
        new: bool,
    ) {
        if new {
            self.configured.setter(protocol).push(selector);
        }
        self.selectors
            .setter(policy_key(protocol, selector))
            .set(word.to_word());
    }
}

fn screening(mode: u8) -> Result<(Screening, bool)> {
    Screening::parse(mode).ok_or(CircuitGuardError::InvalidScreening(InvalidScreening {
        mode,
    }))
}

fn limit_error(
    e: LimitError,
    capacity: U256,
    refill: U256,
    trip_level: U256,
    rearm_level: U256,
) -> CircuitGuardError {
    match e {
        LimitError::CapacityZero => CircuitGuardError::CapacityZero(CapacityZero {}),
        LimitError::RefillAboveCapacity => {
            CircuitGuardError::RefillAboveCapacity(RefillAboveCapacity {
                refillPerSecond: refill,
                capacity,
            })
        }
        LimitError::RefillBelowUnit { unit } => {
            CircuitGuardError::RefillBelowUnit(RefillBelowUnit {
                refillPerSecond: refill,
                unit,
            })
        }
        LimitError::Trip => CircuitGuardError::InvalidTrip(InvalidTrip {
            tripLevel: trip_level,
            rearmLevel: rearm_level,
        }),
    }
}

#[cfg(test)]
mod tests;
