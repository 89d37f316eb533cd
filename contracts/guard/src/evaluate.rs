//! The hot path: `check`, and the two calls that share its decision, `preview` and `screen`.
//!
//! `check` on a configured selector reads one policy word (see [`SelectorWord`]), plus the
//! caller's status word when screening (and its code's status word in code-hash mode), plus a tag
//! word and a status word per advisory tag, and writes back at most that policy word. A selector
//! without a policy falls back to the protocol's word. The verdicts come in a fixed order:
//! protocol paused, selector paused (by hand, or by a trip until the bucket is back at its re-arm
//! level), advisory active, caller flagged (its address, then its code, then `tx.origin`), rate
//! limited. The statuses it reads are the registry's pushes ([`on_status_change`]), so `check`
//! never calls out. [`credit`] is the other side of the bucket: the protocol's inflows.
//!
//! Code-hash screening is opt-in because it costs an EXTCODEHASH (100 gas: the caller is warm,
//! it just called the protocol) and, for a caller with code, one more cold status read. A clone
//! of a flagged exploit contract has a fresh address but the same runtime code, so only this mode
//! stops it. An account without code (an EOA, or an address with nothing deployed) has no code
//! subject and is never looked up.

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, subject, topic0, Level, Status, SubjectKind};

use crate::{
    errors::*,
    events::{StatusSynced, Tripped},
    policy_key,
    word::{ProtocolWord, Screening, SelectorWord},
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
    if word.rate_limited() && !vigil_common::word::is_zero(&amount) {
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
            // A selector without a policy may still carry a pause, and nothing else.
            if now < w.paused_until as u64 {
                return Err(CircuitGuardError::SelectorPaused(SelectorPaused {
                    selector,
                    until: w.paused_until as u64,
                }));
            }
            let screen = Screen::protocol(&p);
            self.screen_parties(caller, screen, now)?;
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
        self.screen_parties(caller, Screen::selector(&w), now)?;
        if !w.rate_limited() || vigil_common::word::is_zero(&amount) {
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

    /// The caller's address, then its code in code-hash mode, then `tx.origin` when it is
    /// screened and differs from the caller (an origin is an externally owned account: its code,
    /// if any, is a delegation, not an exploit's).
    fn screen_parties(&self, caller: Address, screen: Screen, now: u64) -> Result<()> {
        if screen.mode == Screening::Off {
            return Ok(());
        }
        self.screen_account(caller, screen, now)?;
        if screen.origin {
            let origin = self.vm().tx_origin();
            if origin != caller {
                self.screen_address(origin, screen.mode, now)?;
            }
        }
        Ok(())
    }

    /// One account under `screen`: its address, then (code-hash mode) its runtime code.
    fn screen_account(&self, account: Address, screen: Screen, now: u64) -> Result<()> {
        self.screen_address(account, screen.mode, now)?;
        if screen.code {
            self.screen_code(account, screen.mode, now)?;
        }
        Ok(())
    }

    fn screen_address(&self, account: Address, mode: Screening, now: u64) -> Result<()> {
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

    fn screen_code(&self, account: Address, mode: Screening, now: u64) -> Result<()> {
        let hash = self.vm().code_hash(account);
        let Some(code) = subject::of_runtime_code(hash) else {
            return Ok(());
        };
        let level = Status::word_level_at(self.statuses.get(code), now);
        if mode.blocks(level) {
            return Err(CircuitGuardError::CodeFlagged(CodeFlagged {
                caller: account,
                codeHash: hash,
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
/// protocol's `selector`, exactly as `check` screens a caller (`tx.origin` aside): reverts
/// `CallerFlagged(account, level)`, or in code-hash mode `CodeFlagged(account, codeHash, level)`,
/// if it is blocked.
pub fn screen(g: &CircuitGuard, account: Address, selector: FixedBytes<4>) -> Result<()> {
    let protocol = g.vm().msg_sender();
    let now = g.vm().block_timestamp();
    let w = SelectorWord::from_word(g.selectors.get(policy_key(protocol, selector)));
    let screen = if w.configured() {
        Screen::selector(&w)
    } else {
        Screen::protocol(&g.registered(protocol)?)
    };
    g.screen_account(account, screen, now)
}

/// The registry's push of a subject's status word, stored verbatim for the hot path. A push of
/// the word already stored writes and logs nothing: the registry lets anyone re-push current
/// statuses to repair a missed push, so a repeat must be cheap and silent.
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
    let mut stored = g.statuses.setter(subject);
    if stored.get() == status {
        return Ok(());
    }
    stored.set(status);
    log::emit(g.vm(), topic0!(StatusSynced), &[subject], &[w(status)]);
    Ok(())
}

/// What a policy screens: the level mode, `tx.origin`, the caller's code.
#[derive(Clone, Copy)]
struct Screen {
    mode: Screening,
    origin: bool,
    code: bool,
}

impl Screen {
    fn selector(w: &SelectorWord) -> Self {
        Self {
            mode: w.screening(),
            origin: w.screens_origin(),
            code: w.screens_code(),
        }
    }

    fn protocol(p: &ProtocolWord) -> Self {
        Self {
            mode: p.screening(),
            origin: p.screens_origin(),
            code: p.screens_code(),
        }
    }
}

#[cfg(test)]
mod tests;
