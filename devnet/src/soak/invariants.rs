//! The invariants checked after every operation, on the engine's readings ([`Observed`]): the
//! registry's balance equals its books and each book equals the sum of its accounts, every
//! reporter's stake covers what it has locked and every lock is a report of an unsettled flag, the
//! guard holds exactly the registry's status of every subject and blocks exactly whom the registry
//! flags, the guard's verdicts on guarded calls have a cause, and a reverted operation changed
//! nothing.

use std::collections::BTreeMap;

use super::abi::{self, Status};
use super::cast::{pause_selectors, Cast, PROBE, PROBE_SELECTOR, VICTIMS};
use super::observe::Observed;
use super::ops::{is_live, Op, Touch};
use crate::system::{address_subject, hex_string, withdraw_selector, ICircuitGuard};
use crate::{Address, U256};
use alloy_primitives::FixedBytes;
use alloy_sol_types::{SolCall, SolError};

/// How an operation ended.
pub struct Outcome {
    pub ok: bool,
    /// The revert's error name, when it reverted.
    pub error: Option<String>,
}

/// How many times each invariant was checked.
pub type Tally = BTreeMap<&'static str, u64>;

/// Checks every invariant after `op`; `before` are the readings before it, `after` after it.
pub fn check(
    cast: &mut Cast,
    op: &Op,
    outcome: &Outcome,
    before: &Observed,
    after: &Observed,
    touch: &Touch,
    tally: &mut Tally,
) -> Result<(), String> {
    if !outcome.ok {
        count(tally, "a revert changed nothing");
        if before != after {
            return Err(format!(
                "reverted with {} but the readings changed: {}",
                outcome.error.as_deref().unwrap_or("?"),
                difference(before, after)
            ));
        }
    }
    books(after, tally)?;
    reporters(cast, after, tally)?;
    guard_words(after, tally)?;
    screening(cast, after, touch, tally)?;
    verdict(cast, op, outcome, before, tally)
}

fn count(tally: &mut Tally, name: &'static str) {
    *tally.entry(name).or_default() += 1;
}

fn sum<'a>(values: impl Iterator<Item = &'a U256>) -> U256 {
    values.fold(U256::ZERO, |a, b| a + *b)
}

/// The balance equals the four books, and each book equals the sum of what it accounts for.
fn books(seen: &Observed, tally: &mut Tally) -> Result<(), String> {
    let b = &seen.books;
    count(
        tally,
        "balance == stakes + disputeBonds + claimable + treasury",
    );
    if b.total() != Some(seen.balance) {
        return Err(format!("registry balance {} != books {b:?}", seen.balance));
    }
    count(tally, "stakes == sum of reporters' stake");
    let stakes = sum(seen.reporters.values().map(|r| &r.stake));
    if b.stakes != stakes {
        return Err(format!(
            "books.stakes {} != sum of stakes {stakes}",
            b.stakes
        ));
    }
    count(tally, "claimable == sum of accounts' claimable");
    let claimable = sum(seen.claimable.values());
    if b.claimable != claimable {
        return Err(format!(
            "books.claimable {} != sum of claimable {claimable}",
            b.claimable
        ));
    }
    count(tally, "disputeBonds == sum of open disputes' bonds");
    let bonds = sum(seen
        .flags
        .values()
        .filter_map(|f| f.open_dispute.as_ref().map(|d| &d.1)));
    if b.dispute_bonds != bonds {
        return Err(format!(
            "books.disputeBonds {} != sum of open disputes' bonds {bonds}",
            b.dispute_bonds
        ));
    }
    Ok(())
}

/// Each reporter's stake covers its locks and unbonding; its locks are exactly its reports on
/// unsettled flags; a live flag's reports are distinct, at most `maxReporters`, and the stake
/// locked behind each reporter covers the weight it brings to live flags.
fn reporters(cast: &Cast, seen: &Observed, tally: &mut Tally) -> Result<(), String> {
    let mut locks: BTreeMap<Address, U256> = BTreeMap::new();
    let mut live_weight: BTreeMap<Address, U256> = BTreeMap::new();
    for (id, flag) in &seen.flags {
        let current = seen.statuses.iter().find(|s| s.flag_id == *id);
        let live = current.is_some_and(is_live);
        let weights: Option<Vec<U256>> = flag.reports.iter().map(|r| r.2).collect();
        if let (true, Some(status), Some(weights)) = (live, current, weights) {
            count(tally, "a live flag's score == the weight of its reports");
            let score = U256::from(status.score);
            if score != sum(weights.iter()) {
                return Err(format!(
                    "flag {id} scores {score} but its reports weigh {weights:?}"
                ));
            }
        }
        for (who, lock, weight) in &flag.reports {
            *locks.entry(*who).or_default() += *lock;
            if let (true, Some(weight)) = (live, weight) {
                *live_weight.entry(*who).or_default() += *weight;
            }
        }
        if live {
            count(
                tally,
                "a live flag's reports are distinct and at most maxReporters",
            );
            let mut who: Vec<Address> = flag.reports.iter().map(|r| r.0).collect();
            who.sort();
            who.dedup();
            if who.len() != flag.reports.len()
                || flag.reports.len() > cast.rules.max_reporters as usize
            {
                return Err(format!("flag {id} has reports {:?}", flag.reports));
            }
        }
    }
    for (who, r) in &seen.reporters {
        count(tally, "locked + unbonding <= stake, reputation <= max");
        let cold = if abi::LOCKS_WARM_STAKE && seen.now < r.warm_at {
            r.warming
        } else {
            U256::ZERO
        };
        let committed = r
            .locked
            .checked_add(r.unbonding)
            .and_then(|c| c.checked_add(cold));
        if committed.is_none_or(|c| c > r.stake) || r.reputation > abi::REP_MAX {
            return Err(format!("reporter {who} books out of bounds: {r:?}"));
        }
        count(
            tally,
            "locked == sum of locks of its reports on unsettled flags",
        );
        let expected = locks.get(who).copied().unwrap_or_default();
        if r.locked != expected {
            return Err(format!(
                "reporter {who} has locked {} but its reports on unsettled flags lock {expected}",
                r.locked
            ));
        }
        if let Some(weight) = live_weight.get(who) {
            count(tally, "locked >= weight brought to live flags");
            if r.locked < *weight {
                return Err(format!(
                    "reporter {who} locks {} but brings {weight} of weight to live flags",
                    r.locked
                ));
            }
        }
    }
    Ok(())
}

/// The guard's stored word of every subject says what the registry's `statusOf` says.
fn guard_words(seen: &Observed, tally: &mut Tally) -> Result<(), String> {
    for (i, (word, status)) in seen.guard.words.iter().zip(&seen.statuses).enumerate() {
        count(tally, "guard's status word == registry's statusOf");
        let held = decode_word(*word, seen.now);
        if held != *status {
            return Err(format!(
                "subject #{i}: the guard holds {held:?}, the registry says {status:?}"
            ));
        }
    }
    Ok(())
}

/// The guard blocks a victim exactly when the registry flags it (the probe's function screens
/// confirmed flags), and `isFlagged` agrees with `statusOf`.
fn screening(
    cast: &mut Cast,
    seen: &Observed,
    touch: &Touch,
    tally: &mut Tally,
) -> Result<(), String> {
    for (i, victim) in VICTIMS.iter().enumerate() {
        if !touch.clock && !touch.subjects.contains(&i) {
            continue;
        }
        count(
            tally,
            "guard blocks exactly the addresses the registry flags",
        );
        let flagged = seen.statuses[i].level == 3;
        let w = &mut cast.world;
        let call = ICircuitGuard::screenCall {
            account: *victim,
            selector: PROBE_SELECTOR,
        };
        let out = w
            .chain
            .view(PROBE, w.guard, call.abi_encode().into())
            .map_err(|e| format!("screen view failed: {e}"))?;
        let expected: Vec<u8> = if flagged {
            ICircuitGuard::CallerFlagged {
                caller: *victim,
                level: 3,
            }
            .abi_encode()
        } else {
            Vec::new()
        };
        if out.success == flagged || (flagged && out.data.as_ref() != expected.as_slice()) {
            return Err(format!(
                "guard screens {victim} as {} (0x{}) while the registry's level is {}",
                if out.success { "clear" } else { "blocked" },
                hex_string(&out.data),
                seen.statuses[i].level
            ));
        }
        if touch.subjects.contains(&i) {
            count(tally, "isFlagged == (statusOf level is confirmed)");
            if abi::is_flagged(w, *victim) != flagged {
                return Err(format!("isFlagged({victim}) disagrees with statusOf"));
            }
        }
    }
    Ok(())
}

/// A guarded call passed only when nothing blocks it, and each refusal has its cause in the state
/// before the call.
fn verdict(
    cast: &Cast,
    op: &Op,
    outcome: &Outcome,
    before: &Observed,
    tally: &mut Tally,
) -> Result<(), String> {
    let Some((protocol, selector, caller)) = op.guarded(cast.world.vault) else {
        return Ok(());
    };
    let (view, amount) = match *op {
        Op::GuardCheck { amount, .. } => (&before.guard.probe, amount),
        Op::VaultWithdraw { amount, .. } => (&before.guard.vault, amount),
        _ => (&before.guard.vault, U256::ZERO),
    };
    let limited = amount > U256::ZERO && limited_selector(selector);
    let level_of = |subject| {
        cast.subjects
            .all
            .iter()
            .position(|s| *s == subject)
            .map(|i| before.statuses[i].level)
            .unwrap_or(0)
    };
    let caller_level = level_of(address_subject(caller));
    let tagged = level_of(cast.subjects.tagged) == 3;
    let now = before.now;
    let protocol_paused = now < view.paused_until;
    let slot = pause_selectors().iter().position(|s| *s == selector);
    let tripped = limited_selector(selector) && view.tripped;
    let selector_paused = tripped || slot.is_some_and(|i| now < view.selector_paused_until[i]);
    count(tally, "a guarded call's verdict has its cause");
    let cause = match outcome.error.as_deref() {
        None if limited => {
            !protocol_paused
                && !selector_paused
                && !tagged
                && caller_level != 3
                && amount <= view.available
        }
        None => !protocol_paused && !selector_paused,
        Some("ProtocolPaused") => protocol_paused,
        Some("SelectorPaused") => selector_paused,
        Some("AdvisoryActive") => limited && tagged,
        Some("CallerFlagged") => caller_level == 3,
        Some("RateLimited") => limited && amount > view.available,
        Some("InsufficientBalance") | Some("ZeroAmount") => protocol == cast.world.vault,
        Some(_) => false,
    };
    if !cause {
        return Err(format!(
            "guarded call ended {} with caller level {caller_level}, tagged advisory confirmed \
             {tagged}, protocol paused {protocol_paused}, selector paused {selector_paused} \
             (tripped {tripped}), bucket {} for {amount}",
            outcome.error.as_deref().unwrap_or("ok"),
            view.available,
        ));
    }
    Ok(())
}

/// The functions with a rate limit: the vault's `withdraw` and the probe's.
fn limited_selector(selector: FixedBytes<4>) -> bool {
    selector == withdraw_selector() || selector == PROBE_SELECTOR
}

/// A guard status word (the layout of `vigil_common::status`) as `statusOf` reports it at `now`:
/// a live level whose expiry has passed reads 5 (expired).
pub fn decode_word(word: U256, now: u64) -> Status {
    let [low, expiry, score_lo, score_hi] = *word.as_limbs();
    let stored = low as u8;
    let level = if (1..=3).contains(&stored) && now >= expiry {
        5
    } else {
        stored
    };
    Status {
        level,
        disputed: (low >> 8) & 1 == 1,
        finalized: (low >> 9) & 1 == 1,
        category: (low >> 16) as u8,
        severity: (low >> 24) as u8,
        flag_id: (low >> 32) as u32,
        expiry,
        score: (score_hi as u128) << 64 | score_lo as u128,
    }
}

/// The first reading that differs, for the report.
pub fn difference(a: &Observed, b: &Observed) -> String {
    if a.balance != b.balance || a.books != b.books {
        return format!(
            "books {:?} (balance {}) -> {:?} (balance {})",
            a.books, a.balance, b.books, b.balance
        );
    }
    for (who, r) in &a.reporters {
        if b.reporters.get(who) != Some(r) {
            return format!("reporter {who}: {r:?} -> {:?}", b.reporters.get(who));
        }
    }
    for (who, c) in &a.claimable {
        if b.claimable.get(who) != Some(c) {
            return format!("claimable of {who}: {c} -> {:?}", b.claimable.get(who));
        }
    }
    if a.statuses != b.statuses {
        return format!("statuses {:?} -> {:?}", a.statuses, b.statuses);
    }
    if a.flags != b.flags || a.flag_count != b.flag_count {
        return format!("flags {:?} -> {:?}", a.flags, b.flags);
    }
    format!("guard {:?} -> {:?}", a.guard, b.guard)
}
