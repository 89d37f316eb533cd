//! Pauses: protocol-wide and per selector, by the admin (unbounded) or a guardian (bounded).
//!
//! Guardian pauses come in episodes: the first pause opens one that ends `duration` later; during
//! it guardians may pause more (other selectors, the protocol) but never past its end; after it
//! they must wait `pauseCooldown` (prior art, lesson 10). The owner sets both bounds, behind its
//! delay. A pause never shortens one already in force, and only the admin unpauses.
//!
//! `check` sees a protocol pause without reading the protocol word because every configured
//! selector's word carries a copy of it ([`CircuitGuard::sync_protocol_pause`]).
//!
//! A pause is not a policy: a selector pause writes that selector's pause field and nothing else.
//! A selector without a policy keeps none after a pause (its word holds only the pause, `check`
//! still decides the rest from the protocol's word and so follows later protocol-wide changes,
//! and no [`crate::MAX_SELECTORS`] slot is spent). Guardians pause only selectors the admin has
//! configured (the functions the admin chose to guard by name); to stop any other function a
//! guardian pauses the protocol.

use alloy_primitives::{Address, FixedBytes};
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, topic0};

use crate::{
    errors::*,
    events::{
        PauseBoundsSet, ProtocolPauseSet, ProtocolUnpaused, SelectorPauseSet, SelectorUnpaused,
    },
    policy_key,
    word::{self, until, ProtocolWord, SelectorWord},
    CircuitGuard, U32,
};

/// Guardian pause bound the constructor starts with (Euler's choice: one day).
pub const DEFAULT_MAX_PAUSE: u32 = 86_400;
/// Guardian re-pause cooldown the constructor starts with (Euler's choice: two days).
pub const DEFAULT_PAUSE_COOLDOWN: u32 = 2 * 86_400;

/// Pauses the whole protocol for `duration` seconds. Admin: any duration. Guardian: at most
/// `maxPauseDuration`, within the episode rule. A pause never shortens one already in force.
pub fn pause_protocol(g: &mut CircuitGuard, protocol: Address, duration: u64) -> Result<()> {
    let mut p = g.registered(protocol)?;
    let by = g.vm().msg_sender();
    let now = g.vm().block_timestamp();
    let end = g.pause_end(protocol, &mut p, by, now, duration)?;
    p.paused_until = p.paused_until.max(end);
    g.set_protocol(protocol, p);
    g.sync_protocol_pause(protocol, p.paused_until);
    log::emit(
        g.vm(),
        topic0!(ProtocolPauseSet),
        &[w(protocol), w(by)],
        &[w(p.paused_until)],
    );
    Ok(())
}

/// Admin only: lifts the protocol pause and ends any guardian pause episode, so the guardian
/// cooldown runs from now.
pub fn unpause_protocol(g: &mut CircuitGuard, protocol: Address) -> Result<()> {
    let mut p = g.only_admin(protocol)?;
    let now = g.vm().block_timestamp();
    p.paused_until = 0;
    p.guardian_pause_end = p.guardian_pause_end.min(word::clamp_time(now));
    g.set_protocol(protocol, p);
    g.sync_protocol_pause(protocol, 0);
    let by = g.vm().msg_sender();
    log::emit(
        g.vm(),
        topic0!(ProtocolUnpaused),
        &[w(protocol), w(by)],
        &[],
    );
    Ok(())
}

/// Pauses one selector for `duration` seconds, under the same bounds as a protocol pause. The
/// admin may pause a selector without a policy (it gets none: only the pause is stored); a
/// guardian may not (`SelectorNotConfigured`).
pub fn pause_selector(
    g: &mut CircuitGuard,
    protocol: Address,
    selector: FixedBytes<4>,
    duration: u64,
) -> Result<()> {
    let mut p = g.registered(protocol)?;
    let by = g.vm().msg_sender();
    let now = g.vm().block_timestamp();
    let end = g.pause_end(protocol, &mut p, by, now, duration)?;
    let key = policy_key(protocol, selector);
    let mut word = SelectorWord::from_word(g.selectors.get(key));
    if by != p.admin && !word.configured() {
        return Err(CircuitGuardError::SelectorNotConfigured(
            SelectorNotConfigured { selector },
        ));
    }
    word.paused_until = if now < word.paused_until as u64 {
        word.paused_until.max(end)
    } else {
        end
    };
    g.set_protocol(protocol, p);
    g.selectors.setter(key).set(word.to_word());
    log::emit(
        g.vm(),
        topic0!(SelectorPauseSet),
        &[w(protocol), w(selector), w(by)],
        &[w(word.paused_until)],
    );
    Ok(())
}

/// Admin only: lifts a selector pause, manual or tripped (the bucket stays as it is), with or
/// without a policy, and ends any guardian episode.
pub fn unpause_selector(
    g: &mut CircuitGuard,
    protocol: Address,
    selector: FixedBytes<4>,
) -> Result<()> {
    let mut p = g.only_admin(protocol)?;
    let now = g.vm().block_timestamp();
    let key = policy_key(protocol, selector);
    let stored = SelectorWord::from_word(g.selectors.get(key));
    let mut word = stored;
    word.paused_until = 0;
    word.set_tripped(false);
    if word != stored {
        g.selectors.setter(key).set(word.to_word());
    }
    p.guardian_pause_end = p.guardian_pause_end.min(word::clamp_time(now));
    g.set_protocol(protocol, p);
    let by = g.vm().msg_sender();
    log::emit(
        g.vm(),
        topic0!(SelectorUnpaused),
        &[w(protocol), w(selector), w(by)],
        &[],
    );
    Ok(())
}

/// Timelocked: bounds on guardians, the longest pause and the wait after a pause episode. Zero
/// `max_pause_duration` disables guardian pauses (and trips, for new rate limits) in every
/// protocol, which is why it waits the owner's delay.
pub fn set_pause_bounds(
    g: &mut CircuitGuard,
    max_pause_duration: u32,
    pause_cooldown: u32,
) -> Result<()> {
    g.only_executing()?;
    g.max_pause.set(U32::from(max_pause_duration));
    g.pause_cooldown.set(U32::from(pause_cooldown));
    log::emit(
        g.vm(),
        topic0!(PauseBoundsSet),
        &[],
        &[w(max_pause_duration), w(pause_cooldown)],
    );
    Ok(())
}

impl CircuitGuard {
    /// The end of a pause `by` may place now, applying the guardian bounds (and opening a new
    /// guardian episode in `p`). Reads only.
    fn pause_end(
        &self,
        protocol: Address,
        p: &mut ProtocolWord,
        by: Address,
        now: u64,
        duration: u64,
    ) -> Result<u32> {
        if duration == 0 {
            return Err(CircuitGuardError::ZeroDuration(ZeroDuration {}));
        }
        if by == p.admin {
            return Ok(until(now, duration));
        }
        if !self.guardians.getter(protocol).get(by) {
            return Err(CircuitGuardError::NotAdminOrGuardian(NotAdminOrGuardian {
                protocol,
                account: by,
            }));
        }
        let max = self.max_pause.get().saturating_to::<u64>();
        if duration > max {
            return Err(CircuitGuardError::PauseTooLong(PauseTooLong {
                duration,
                max,
            }));
        }
        let episode_end = p.guardian_pause_end as u64;
        if now < episode_end {
            return Ok(until(now, duration).min(p.guardian_pause_end));
        }
        let retry_at = episode_end.saturating_add(self.pause_cooldown.get().saturating_to::<u64>());
        if episode_end != 0 && now < retry_at {
            return Err(CircuitGuardError::PauseCooldown(PauseCooldown {
                retryAt: retry_at,
            }));
        }
        p.guardian_pause_end = until(now, duration);
        Ok(p.guardian_pause_end)
    }

    /// Copies the protocol pause into every configured selector's word, which is what lets
    /// `check` see it without reading the protocol word.
    fn sync_protocol_pause(&mut self, protocol: Address, paused_until: u32) {
        let selectors = crate::views::configured_selectors(self, protocol);
        for selector in selectors {
            let key = policy_key(protocol, selector);
            let mut word = SelectorWord::from_word(self.selectors.get(key));
            word.protocol_paused_until = paused_until;
            self.selectors.setter(key).set(word.to_word());
        }
    }
}

#[cfg(test)]
mod tests;
