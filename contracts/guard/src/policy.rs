//! What a protocol's admin configures per selector: screening, the rate limit (token bucket) and
//! advisory tags. Any of these puts the selector on `check`'s fast path (its own
//! [`SelectorWord`]); a protocol may configure up to [`MAX_SELECTORS`].

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, topic0, SubjectKind};

use crate::{
    bucket::{self, Limit, LimitError},
    errors::*,
    events::{AdvisoryTagsSet, ProtocolScreeningSet, RateLimitSet, ScreeningSet},
    policy_key,
    word::{ProtocolWord, Screening, SelectorWord, MAX_TAGS},
    CircuitGuard, U32,
};

/// Configured selectors per protocol: `pauseProtocol` rewrites each one's copy of the pause.
pub const MAX_SELECTORS: u32 = 32;

/// Screening for selectors without a policy of their own, and the default a selector starts with
/// when it is first configured. Modes: 0 confirmed, 1 watch and above, 2 off.
pub fn set_protocol_screening(
    g: &mut CircuitGuard,
    protocol: Address,
    mode: u8,
    screen_origin: bool,
) -> Result<()> {
    let mut p = g.only_admin(protocol)?;
    p.set_screening(screening(mode)?, screen_origin);
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
    let mode_ = screening(mode)?;
    let (mut word, new) = g.policy(protocol, &p, selector)?;
    word.set_screening(mode_, screen_origin);
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
/// protocol's amount unit (wei), rounded down to the unit the guard picks so the stored limit is
/// never looser (the event reports the effective values). With `trip_cooldown` > 0 a successful
/// charge that leaves at most `trip_level` pauses the selector for the cooldown (bounded by
/// `maxPauseDuration`: anyone who can drain a bucket can trigger it). A running bucket is refilled
/// under its old settings, then capped at the new capacity. With `enabled` false the limit is
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
    trip_cooldown: u32,
) -> Result<()> {
    let p = g.only_admin(protocol)?;
    let now = g.vm().block_timestamp();
    let limit = if enabled {
        let max = g.max_pause.get().saturating_to::<u32>();
        if trip_cooldown > max {
            return Err(CircuitGuardError::PauseTooLong(PauseTooLong {
                duration: trip_cooldown as u64,
                max: max as u64,
            }));
        }
        let limit = Limit::new(capacity, refill_per_second, trip_level, trip_cooldown != 0)
            .map_err(|e| limit_error(e, capacity, refill_per_second, trip_level, trip_cooldown))?;
        Some(limit)
    } else {
        None
    };
    let (mut word, new) = g.policy(protocol, &p, selector)?;
    let effective = match limit {
        Some(limit) => {
            limit.install(&mut word, now);
            g.trip_cooldowns
                .setter(policy_key(protocol, selector))
                .set(U32::from(trip_cooldown));
            limit
        }
        None => {
            bucket::uninstall(&mut word);
            Limit::default()
        }
    };
    g.store_policy(protocol, selector, &word, new);
    let cooldown = if effective.trip != 0 {
        trip_cooldown
    } else {
        0
    };
    let unit = if enabled {
        effective.wei(1)
    } else {
        U256::ZERO
    };
    log::emit(
        g.vm(),
        topic0!(RateLimitSet),
        &[w(protocol), w(selector)],
        &[
            w(enabled),
            w(effective.wei(effective.capacity)),
            w(effective.wei(effective.refill)),
            w(effective.wei(effective.trip.saturating_sub(1))),
            w(cooldown),
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

impl CircuitGuard {
    /// The selector's word, or a fresh one with the protocol's defaults (and `true`) if it has no
    /// policy yet. Fails if the protocol's list of configured selectors is full. Reads only.
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
            protocol_paused_until: p.paused_until,
            ..SelectorWord::default()
        };
        fresh.set_screening(p.screening(), p.screens_origin());
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

fn screening(mode: u8) -> Result<Screening> {
    Screening::from_u8(mode).ok_or(CircuitGuardError::InvalidScreening(InvalidScreening {
        mode,
    }))
}

fn limit_error(
    e: LimitError,
    capacity: U256,
    refill: U256,
    trip_level: U256,
    trip_cooldown: u32,
) -> CircuitGuardError {
    match e {
        LimitError::CapacityZero => CircuitGuardError::CapacityZero(CapacityZero {}),
        LimitError::RefillAboveCapacity => CircuitGuardError::RefillOverflow(RefillOverflow {
            refillPerSecond: refill,
            capacity,
        }),
        LimitError::RefillBelowUnit { unit } => {
            CircuitGuardError::RefillBelowUnit(RefillBelowUnit {
                refillPerSecond: refill,
                unit,
            })
        }
        LimitError::Trip => CircuitGuardError::InvalidTrip(InvalidTrip {
            tripLevel: trip_level,
            tripCooldown: trip_cooldown,
        }),
    }
}

#[cfg(test)]
mod tests;
