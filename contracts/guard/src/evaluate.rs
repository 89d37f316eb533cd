//! The hot path: `check`, and the two calls that share its decision, `preview` and `screen`.
//!
//! `check` on a configured selector reads one policy word (see [`SelectorWord`]), plus the
//! caller's status word when screening, plus a tag word and a status word per advisory tag, and
//! writes back at most that policy word. A selector without a policy falls back to the protocol's
//! word. The verdicts come in a fixed order: protocol paused, selector paused (by hand, or by a
//! trip until the bucket is back at its re-arm level), advisory active, caller flagged, rate
//! limited. The statuses it reads are the registry's pushes ([`on_status_change`]), so `check`
//! never calls out. [`credit`] is the other side of the bucket: the protocol's inflows.

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, subject, topic0, Level, Status, SubjectKind};

use crate::{
    errors::*,
    events::{StatusSynced, Tripped},
    policy_key,
    word::{Screening, SelectorWord},
    CircuitGuard,
};

/// What a passing `check` must write back: the charged (or re-armed) word, and whether the
/// charge tripped it.
struct Pass {
    charged: Option<SelectorWord>,
    tripped: bool,
}

/// Called by the protocol (`msg.sender`) before a guarded call. Reverts with the first reason
/// that applies; on success charges `amount` to the selector's bucket and, if that drains it to
/// the trip level, trips the selector (a revert cannot record a trip: the revert would undo it).
pub fn check(
    g: &mut CircuitGuard,
    caller: Address,
    selector: FixedBytes<4>,
    amount: U256,
) -> Result<()> {
    let protocol = g.vm().msg_sender();
    let now = g.vm().block_timestamp();
    let key = policy_key(protocol, selector);
    // The selector word's slot, hashed once for the read and the write-back.
    let mut slot = unsafe { g.selectors.setter(key).into_raw() };
    let pass = g.evaluate(protocol, caller, selector, slot.get(), amount, now)?;
    if let Some(mut charged) = pass.charged {
        if pass.tripped {
            charged.set_tripped(true);
            let until = charged.tripped_until(now).unwrap_or(now);
            log::emit(
                g.vm(),
                topic0!(Tripped),
                &[w(protocol), w(selector)],
                &[w(until)],
            );
        }
        slot.set(charged.to_word());
    }
    Ok(())
}

/// Called by the protocol (`msg.sender`) when `amount` comes in through a value-in function (a
/// deposit): refills the bucket of `selector` (the outflow it offsets) by it, so the bucket meters
/// net outflow. A protocol can credit only its own buckets, and only with what really came in:
/// the guard cannot tell, so `Guarded` credits the amount its deposit received. A selector
/// without a rate limit ignores credits, so removing a limit never breaks a deposit.
pub fn credit(g: &mut CircuitGuard, selector: FixedBytes<4>, amount: U256) {
    let protocol = g.vm().msg_sender();
    let now = g.vm().block_timestamp();
    let mut slot = unsafe {
        g.selectors
            .setter(policy_key(protocol, selector))
            .into_raw()
    };
    let mut word = SelectorWord::from_word(slot.get());
    if word.rate_limited() && !amount.is_zero() {
        word.credit(amount, now);
        slot.set(word.to_word());
    }
}

impl CircuitGuard {
    /// `check`'s decision, shared with `preview` so the two cannot disagree. `word` is the
    /// selector's stored word (the caller has its slot).
    fn evaluate(
        &self,
        protocol: Address,
        caller: Address,
        selector: FixedBytes<4>,
        word: U256,
        amount: U256,
        now: u64,
    ) -> Result<Pass> {
        let mut w = SelectorWord::from_word(word);
        let nothing = Pass {
            charged: None,
            tripped: false,
        };
        if !w.configured() {
            let p = self.registered(protocol)?;
            if now < p.paused_until as u64 {
                return Err(CircuitGuardError::ProtocolPaused(ProtocolPaused {
                    until: p.paused_until as u64,
                }));
            }
            self.screen_parties(caller, p.screening(), p.screens_origin(), now)?;
            return Ok(nothing);
        }
        if now < w.protocol_paused_until as u64 {
            return Err(CircuitGuardError::ProtocolPaused(ProtocolPaused {
                until: w.protocol_paused_until as u64,
            }));
        }
        if now < w.paused_until as u64 {
            return Err(CircuitGuardError::SelectorPaused(SelectorPaused {
                selector,
                until: w.paused_until as u64,
            }));
        }
        let mut rearmed = false;
        if w.tripped() {
            if let Some(until) = w.tripped_until(now) {
                return Err(CircuitGuardError::SelectorPaused(SelectorPaused {
                    selector,
                    until,
                }));
            }
            w.set_tripped(false);
            rearmed = true;
        }
        if w.tag_count() != 0 {
            let tags = self.tags.getter(policy_key(protocol, selector));
            for i in 0..w.tag_count() as usize {
                if let Some(advisory) = tags.get(i) {
                    if Status::word_level_at(self.statuses.get(advisory), now) == Level::Confirmed {
                        return Err(CircuitGuardError::AdvisoryActive(AdvisoryActive {
                            advisory,
                        }));
                    }
                }
            }
        }
        self.screen_parties(caller, w.screening(), w.screens_origin(), now)?;
        if !w.rate_limited() || amount.is_zero() {
            return Ok(Pass {
                charged: rearmed.then_some(w),
                tripped: false,
            });
        }
        match w.charge(amount, now) {
            Ok(tripped) => Ok(Pass {
                charged: Some(w),
                tripped,
            }),
            Err(short) => Err(CircuitGuardError::RateLimited(RateLimited {
                selector,
                available: short.available,
                retryAfter: short.retry_after,
            })),
        }
    }

    fn screen_parties(
        &self,
        caller: Address,
        mode: Screening,
        origin: bool,
        now: u64,
    ) -> Result<()> {
        if mode == Screening::Off {
            return Ok(());
        }
        self.screen_account(caller, mode, now)?;
        if origin {
            let origin = self.vm().tx_origin();
            if origin != caller {
                self.screen_account(origin, mode, now)?;
            }
        }
        Ok(())
    }

    fn screen_account(&self, account: Address, mode: Screening, now: u64) -> Result<()> {
        if mode == Screening::Off {
            return Ok(());
        }
        let level = Status::word_level_at(self.statuses.get(subject::address(account)), now);
        if mode.blocks(level) {
            return Err(CircuitGuardError::CallerFlagged(CallerFlagged {
                caller: account,
                level: level as u8,
            }));
        }
        Ok(())
    }

    /// `preview`'s answer as plain bytes (the router encodes it without alloy's `Bytes`).
    pub(crate) fn verdict(
        &self,
        protocol: Address,
        caller: Address,
        selector: FixedBytes<4>,
        amount: U256,
    ) -> Vec<u8> {
        let now = self.vm().block_timestamp();
        let word = self.selectors.get(policy_key(protocol, selector));
        match self.evaluate(protocol, caller, selector, word, amount, now) {
            Ok(_) => Vec::new(),
            Err(e) => e.into(),
        }
    }
}

/// Screens a counterparty (a recipient, an `onBehalfOf`) under the screening policy of the calling
/// protocol's `selector`: reverts `CallerFlagged(account, level)` if it is blocked.
pub fn screen(g: &CircuitGuard, account: Address, selector: FixedBytes<4>) -> Result<()> {
    let protocol = g.vm().msg_sender();
    let now = g.vm().block_timestamp();
    let w = SelectorWord::from_word(g.selectors.get(policy_key(protocol, selector)));
    let mode = if w.configured() {
        w.screening()
    } else {
        g.registered(protocol)?.screening()
    };
    g.screen_account(account, mode, now)
}

/// The registry's push of a subject's new status word, stored verbatim for the hot path.
pub fn on_status_change(g: &mut CircuitGuard, subject: B256, status: U256) -> Result<()> {
    let sender = g.vm().msg_sender();
    let registry = g.registry.get();
    if registry.is_zero() || sender != registry {
        return Err(CircuitGuardError::NotRegistry(NotRegistry {
            account: sender,
        }));
    }
    if SubjectKind::of(subject).is_none() {
        return Err(CircuitGuardError::InvalidSubject(InvalidSubject {
            subject,
        }));
    }
    if Status::from_word(status).is_none() {
        return Err(CircuitGuardError::InvalidStatus(InvalidStatus {
            subject,
            status,
        }));
    }
    g.statuses.setter(subject).set(status);
    log::emit(g.vm(), topic0!(StatusSynced), &[subject], &[w(status)]);
    Ok(())
}

#[cfg(test)]
mod tests;
