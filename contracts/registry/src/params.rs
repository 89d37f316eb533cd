//! Versioned parameters: storage layout, validation and typed accessors.
//!
//! Each version is written once and never changed, which is what lets a flag keep the rules in
//! force at its submission. Accessors read single fields so a method pays only for the slots it uses.

use alloc::{vec, vec::Vec};
use alloy_primitives::{U16, U256, U64, U8};
use stylus_sdk::{
    prelude::*,
    storage::{StorageU16, StorageU256, StorageU64, StorageU8},
};

use alloy_sol_types::SolError;

use crate::abi::{revert, w, InvalidParams, Params, Result};
use crate::math::BPS;

/// Every loop over a flag's reporters is bounded by this.
pub const MAX_REPORTERS_LIMIT: u8 = 32;
/// Bound on the stake cap and the bonds (2^96 wei): keeps `cap * REP_MAX * MAX_REPORTERS_LIMIT`
/// far inside a `uint128` score and lets payout math run in `u128`.
pub const MAX_STAKE_CAP: U256 = U256::from_limbs([0, 1 << 32, 0, 0]);
/// Longest delay or time to live accepted, so no window can be set to "forever" by mistake.
pub const MAX_WINDOW: u64 = 5 * 365 * 24 * 60 * 60;

#[storage]
pub struct ParamsSlot {
    pub min_stake: StorageU256,
    pub stake_cap: StorageU256,
    pub report_bond: StorageU256,
    pub dispute_bond: StorageU256,
    pub watch_score: StorageU256,
    pub confirm_score: StorageU256,
    stake_warmup: StorageU64,
    unbonding_delay: StorageU64,
    max_ttl: StorageU64,
    params_delay: StorageU64,
    min_reporters: StorageU8,
    max_reporters: StorageU8,
    disputer_share_bps: StorageU16,
}

impl ParamsSlot {
    pub fn to_params(&self) -> Params {
        Params {
            minStake: self.min_stake.get(),
            stakeCap: self.stake_cap.get(),
            stakeWarmup: self.stake_warmup(),
            unbondingDelay: self.unbonding_delay(),
            reportBond: self.report_bond.get(),
            disputeBond: self.dispute_bond.get(),
            watchScore: self.watch_score.get(),
            confirmScore: self.confirm_score.get(),
            minReporters: self.min_reporters(),
            maxReporters: self.max_reporters(),
            maxTtl: self.max_ttl(),
            disputerShareBps: self.disputer_share(),
            paramsDelay: self.params_delay(),
        }
    }

    pub fn set_params(&mut self, p: &Params) {
        self.min_stake.set(p.minStake);
        self.stake_cap.set(p.stakeCap);
        self.report_bond.set(p.reportBond);
        self.dispute_bond.set(p.disputeBond);
        self.watch_score.set(p.watchScore);
        self.confirm_score.set(p.confirmScore);
        self.stake_warmup.set(U64::from(p.stakeWarmup));
        self.unbonding_delay.set(U64::from(p.unbondingDelay));
        self.max_ttl.set(U64::from(p.maxTtl));
        self.params_delay.set(U64::from(p.paramsDelay));
        self.min_reporters.set(U8::from(p.minReporters));
        self.max_reporters.set(U8::from(p.maxReporters));
        self.disputer_share_bps.set(U16::from(p.disputerShareBps));
    }

    /// At most 2^96 by validation.
    pub fn stake_cap(&self) -> u128 {
        self.stake_cap.get().saturating_to()
    }

    pub fn stake_warmup(&self) -> u64 {
        self.stake_warmup.get().to()
    }

    pub fn unbonding_delay(&self) -> u64 {
        self.unbonding_delay.get().to()
    }

    pub fn max_ttl(&self) -> u64 {
        self.max_ttl.get().to()
    }

    pub fn params_delay(&self) -> u64 {
        self.params_delay.get().to()
    }

    pub fn min_reporters(&self) -> u8 {
        self.min_reporters.get().to()
    }

    pub fn max_reporters(&self) -> u8 {
        self.max_reporters.get().to()
    }

    pub fn disputer_share(&self) -> u16 {
        self.disputer_share_bps.get().to()
    }
}

/// Rejects parameter sets that would break an invariant; `InvalidParams.field` names the first
/// offending field by its index in `Params`.
pub fn validate(p: &Params) -> Result<()> {
    let checks = [
        p.minStake <= p.stakeCap,
        !p.stakeCap.is_zero() && p.stakeCap <= MAX_STAKE_CAP,
        p.stakeWarmup <= MAX_WINDOW,
        p.unbondingDelay <= MAX_WINDOW,
        // A reporter at the minimum stake must be able to afford one bond.
        !p.reportBond.is_zero() && p.reportBond <= p.minStake,
        !p.disputeBond.is_zero() && p.disputeBond <= MAX_STAKE_CAP,
        !p.watchScore.is_zero(),
        p.watchScore <= p.confirmScore,
        p.minReporters >= 1,
        p.maxReporters >= p.minReporters && p.maxReporters <= MAX_REPORTERS_LIMIT,
        p.maxTtl >= 1 && p.maxTtl <= MAX_WINDOW,
        // Below 100% so that disputing one's own flag always loses money.
        (p.disputerShareBps as u64) < BPS,
        p.paramsDelay <= MAX_WINDOW,
    ];
    match checks.iter().position(|ok| !ok) {
        Some(field) => Err(revert(InvalidParams::SELECTOR, &[w(field as u8)])),
        None => Ok(()),
    }
}
