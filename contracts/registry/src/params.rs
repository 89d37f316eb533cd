//! Versioned parameters: packed storage, validation and typed accessors.
//!
//! Each version is written once and never changed, which is what lets a flag keep the rules in
//! force at its submission. A version is three storage words, grouped by use, so a report reads
//! one or two words instead of sixteen slots:
//!
//! | word   | low 128 bits                                  | high 128 bits                                                     |
//! |--------|-----------------------------------------------|-------------------------------------------------------------------|
//! | stake  | minStake (96) · stakeWarmup (32)               | stakeCap (96) · unbondingDelay (32)                               |
//! | bonds  | disputeBond (96) · maxTtl (32)                 | paramsDelay · disputeWindow · disputeDeadline (32 each) · slashBps · victimShareBps (16 each) |
//! | scores | watchScore (112) · minReporters · maxReporters | confirmScore (112) · disputerShareBps                             |
//!
//! Validation guarantees every field fits its width.

use alloc::{vec, vec::Vec};
use alloy_primitives::U256;
use stylus_sdk::{prelude::*, storage::StorageU256};

use crate::errors::{InvalidParams, RegistryError, Result};
use crate::math::{self, BPS, REP_MAX, REP_START};
use crate::types::Params;
use crate::ThreatRegistry;

/// Every loop over a flag's reporters is bounded by this.
pub const MAX_REPORTERS_LIMIT: u8 = 32;
/// Bound on the stake cap and the dispute bond (2^96 - 1 wei, far above all ETH in existence):
/// keeps `cap * MAX_REPORTERS_LIMIT` far inside a `uint128` score and lets payout math run in
/// `u128`.
pub const MAX_AMOUNT: u128 = (1 << 96) - 1;
/// Bound on the thresholds (2^112 - 1): no higher score can ever be reached (see `MAX_AMOUNT`).
pub const MAX_SCORE: u128 = (1 << 112) - 1;
/// Longest delay or time to live accepted (five years), so no window can be set to "forever" by
/// mistake; fits the 32-bit fields.
pub const MAX_WINDOW: u64 = 5 * 365 * 24 * 60 * 60;

const LOW96: u128 = MAX_AMOUNT;
const LOW112: u128 = MAX_SCORE;

/// The dispute-related fields of a version (the `bonds` word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisputeRules {
    pub dispute_bond: u128,
    pub max_ttl: u64,
    pub params_delay: u64,
    pub dispute_window: u64,
    pub dispute_deadline: u64,
    pub slash_bps: u16,
    pub victim_bps: u16,
}

#[storage]
pub struct ParamsSlot {
    stake: StorageU256,
    bonds: StorageU256,
    scores: StorageU256,
}

impl ParamsSlot {
    pub fn to_params(&self) -> Params {
        let (min_stake, cap, warmup, unbonding) = self.stake_word();
        let d = self.bonds_word();
        let (watch, confirm, min_reporters, max_reporters, share) = self.scores_word();
        Params {
            minStake: U256::from(min_stake),
            stakeCap: U256::from(cap),
            stakeWarmup: warmup,
            unbondingDelay: unbonding,
            slashBps: d.slash_bps,
            disputeBond: U256::from(d.dispute_bond),
            watchScore: U256::from(watch),
            confirmScore: U256::from(confirm),
            minReporters: min_reporters,
            maxReporters: max_reporters,
            maxTtl: d.max_ttl,
            victimShareBps: d.victim_bps,
            disputerShareBps: share,
            disputeWindow: d.dispute_window,
            disputeDeadline: d.dispute_deadline,
            paramsDelay: d.params_delay,
        }
    }

    /// Stores a set that passed [`validate`], so every field fits its width.
    pub fn set_params(&mut self, p: &Params) {
        let amount = |v: U256| v.saturating_to::<u128>() & LOW96;
        let window = |v: u64, at: u32| (v as u128) << at;
        self.stake.set(pack(
            amount(p.minStake) | window(p.stakeWarmup, 96),
            amount(p.stakeCap) | window(p.unbondingDelay, 96),
        ));
        self.bonds.set(pack(
            amount(p.disputeBond) | window(p.maxTtl, 96),
            window(p.paramsDelay, 0)
                | window(p.disputeWindow, 32)
                | window(p.disputeDeadline, 64)
                | (p.slashBps as u128) << 96
                | (p.victimShareBps as u128) << 112,
        ));
        self.scores.set(pack(
            (p.watchScore.saturating_to::<u128>() & LOW112)
                | (p.minReporters as u128) << 112
                | (p.maxReporters as u128) << 120,
            (p.confirmScore.saturating_to::<u128>() & LOW112) | (p.disputerShareBps as u128) << 112,
        ));
    }

    /// (minStake, stakeCap, stakeWarmup, unbondingDelay)
    pub fn stake_word(&self) -> (u128, u128, u64, u64) {
        let (lo, hi) = unpack(self.stake.get());
        (lo & LOW96, hi & LOW96, (lo >> 96) as u64, (hi >> 96) as u64)
    }

    pub fn bonds_word(&self) -> DisputeRules {
        let (lo, hi) = unpack(self.bonds.get());
        let window = |at: u32| (hi >> at) as u32 as u64;
        DisputeRules {
            dispute_bond: lo & LOW96,
            max_ttl: (lo >> 96) as u64,
            params_delay: window(0),
            dispute_window: window(32),
            dispute_deadline: window(64),
            slash_bps: (hi >> 96) as u16,
            victim_bps: (hi >> 112) as u16,
        }
    }

    /// (watchScore, confirmScore, minReporters, maxReporters, disputerShareBps)
    pub fn scores_word(&self) -> (u128, u128, u8, u8, u16) {
        let (lo, hi) = unpack(self.scores.get());
        (
            lo & LOW112,
            hi & LOW112,
            (lo >> 112) as u8,
            (lo >> 120) as u8,
            (hi >> 112) as u16,
        )
    }
}

impl ThreatRegistry {
    /// The parameter version new flags are judged by.
    pub(crate) fn current_params(&self) -> stylus_sdk::storage::StorageGuard<'_, ParamsSlot> {
        self.params.getter(self.settings().params_version)
    }
}

fn pack(lo: u128, hi: u128) -> U256 {
    U256::from_limbs([lo as u64, (lo >> 64) as u64, hi as u64, (hi >> 64) as u64])
}

fn unpack(word: U256) -> (u128, u128) {
    let [a, b, c, d] = *word.as_limbs();
    ((b as u128) << 64 | a as u128, (d as u128) << 64 | c as u128)
}

/// Rejects parameter sets that would break an invariant or not fit their storage; the
/// `InvalidParams.field` names the first offending field by its index in `Params`.
pub fn validate(p: &Params) -> Result<()> {
    let amount_ok = |v: U256| v <= U256::from(MAX_AMOUNT);
    let window_ok = |v: u64| v <= MAX_WINDOW;
    let cap = p.stakeCap.saturating_to::<u128>();
    // Squatting cannot hold a flag below confirmation: `maxReporters` new reporters at the cap
    // out-weigh any set of reporters each lighter than `confirmScore / maxReporters`, so a full
    // flag is always open to a heavier honest reporter.
    let fresh_full_flag =
        math::div_small(cap, REP_MAX).0 * REP_START as u128 * p.maxReporters as u128;
    let checks = [
        !p.minStake.is_zero() && p.minStake <= p.stakeCap,
        !p.stakeCap.is_zero() && amount_ok(p.stakeCap),
        window_ok(p.stakeWarmup),
        window_ok(p.unbondingDelay),
        // A false flag always costs something.
        p.slashBps >= 1 && p.slashBps as u64 <= BPS,
        !p.disputeBond.is_zero() && amount_ok(p.disputeBond),
        !p.watchScore.is_zero(),
        p.watchScore <= p.confirmScore
            && p.confirmScore <= U256::from(MAX_SCORE)
            && U256::from(fresh_full_flag) > p.confirmScore,
        p.minReporters >= 1,
        p.maxReporters >= p.minReporters && p.maxReporters <= MAX_REPORTERS_LIMIT,
        p.maxTtl >= 1 && window_ok(p.maxTtl),
        (p.victimShareBps as u64) < BPS,
        // The treasury keeps a part, so the reporters and a colluding disputer (or victim) lose
        // together.
        (p.victimShareBps as u64 + p.disputerShareBps as u64) < BPS,
        window_ok(p.disputeWindow),
        p.disputeDeadline >= 1 && window_ok(p.disputeDeadline),
        window_ok(p.paramsDelay),
    ];
    match checks.iter().position(|ok| !ok) {
        Some(field) => Err(RegistryError::InvalidParams(InvalidParams {
            field: field as u8,
        })),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use stylus_sdk::testing::TestVM;

    prop_compose! {
        pub(crate) fn valid_params()(
            cap in (1u128 << 20)..=MAX_AMOUNT,
            min_frac in 1u128..=1_000,
            dispute in 1u128..=MAX_AMOUNT,
            windows in any::<[u32; 6]>(),
            confirm_frac in 1u128..=1_000,
            watch_frac in 1u128..=1_000,
            reporters in (1u8..=MAX_REPORTERS_LIMIT, 0u8..=MAX_REPORTERS_LIMIT),
            slash in 1u16..=10_000,
            shares in (0u16..10_000, 0u16..10_000),
        ) -> Params {
            let min_stake = (cap / 1_000 * min_frac).max(1);
            let window = |i: usize| windows[i] as u64 % (MAX_WINDOW + 1);
            let max_reporters = reporters.0.max(reporters.1);
            // Below what max_reporters fresh reporters at the cap weigh.
            let ceiling = cap / 1_000 * 500 * max_reporters as u128 - 1;
            let confirm = (ceiling / 1_000 * confirm_frac).max(1);
            let watch = (confirm / 1_000 * watch_frac).max(1);
            let victim = shares.0 % 10_000;
            Params {
                minStake: U256::from(min_stake),
                stakeCap: U256::from(cap),
                stakeWarmup: window(0),
                unbondingDelay: window(1),
                slashBps: slash,
                disputeBond: U256::from(dispute),
                watchScore: U256::from(watch),
                confirmScore: U256::from(confirm),
                minReporters: reporters.0,
                maxReporters: max_reporters,
                maxTtl: window(2).max(1),
                victimShareBps: victim,
                disputerShareBps: shares.1 % (10_000 - victim),
                disputeWindow: window(4),
                disputeDeadline: window(5).max(1),
                paramsDelay: window(3),
            }
        }
    }

    proptest! {
        /// Every valid parameter set survives the packed storage unchanged.
        #[test]
        fn packed_params_roundtrip(p in valid_params()) {
            prop_assert!(validate(&p).is_ok());
            let vm = TestVM::default();
            let mut slot = ParamsSlot::from(&vm);
            slot.set_params(&p);
            prop_assert_eq!(slot.to_params(), p);
        }
    }
}
