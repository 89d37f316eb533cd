//! Reporters' money: stake, its warm-up and unbonding, the stake a report locks, credits and
//! payouts.
//!
//! A report locks the stake that gives it weight (up to `stakeCap`) until its flag is settled, and
//! a rejected flag slashes a share of exactly that lock: weight never exceeds value at risk. The
//! lock is a `locked` counter per reporter, so locked stake cannot be unstaked. Every sum is
//! checked (`errors::add` / `errors::sub`), and so is every stake and lock that goes into its 128
//! bits of the reporter's funds word (`AmountOverflow`). Payouts go out after all state is
//! written; the entrypoint rejects reentrant calls.

use alloy_primitives::{Address, U256};
use stylus_sdk::{call::transfer::transfer_eth, prelude::*};
use vigil_common::{abi::w, log, topic0};

use crate::{
    errors::*,
    events::{Claimed, Staked, UnstakeRequested, Withdrawn},
    math,
    storage::{Reporter, ReporterMeta},
    ThreatRegistry,
};

/// Adds the sent ETH to the caller's stake. It counts toward weight after `stakeWarmup`; a top-up
/// restarts the warm-up of stake that has not warmed yet.
pub fn stake(r: &mut ThreatRegistry) -> Result<()> {
    let amount = r.vm().msg_value();
    if amount.is_zero() {
        return Err(RegistryError::ZeroAmount(ZeroAmount {}));
    }
    let (who, now) = (r.vm().msg_sender(), r.vm().block_timestamp());
    let warmup = r.current_params().stake_word().2;
    let total = add(r.total_stake.get(), amount)?;
    let mut rep = r.reporters.setter(who);
    let mut meta = rep.meta();
    if !meta.joined {
        meta.joined = true;
        meta.reputation = math::REP_START;
    }
    let warming = if now >= meta.warm_at {
        U256::ZERO
    } else {
        rep.warming.get()
    };
    let warm_at = now.saturating_add(warmup);
    let (stake, locked) = rep.funds();
    let stake = add(stake, amount)?;
    let warming = add(warming, amount)?;
    // First: a stake that does not fit its word is refused before anything is written.
    rep.set_funds(stake, locked)?;
    rep.warming.set(warming);
    rep.set_meta(ReporterMeta { warm_at, ..meta });
    r.total_stake.set(total);
    log::emit(
        r.vm(),
        topic0!(Staked),
        &[w(who)],
        &[w(amount), w(stake), w(warm_at)],
    );
    Ok(())
}

/// Starts unbonding `amount` of free stake (not locked by open flags). A second request adds to the
/// amount and restarts the delay for all of it.
pub fn request_unstake(r: &mut ThreatRegistry, amount: U256) -> Result<()> {
    if amount.is_zero() {
        return Err(RegistryError::ZeroAmount(ZeroAmount {}));
    }
    let (who, now) = (r.vm().msg_sender(), r.vm().block_timestamp());
    let delay = r.current_params().stake_word().3;
    let mut rep = r.reporters.setter(who);
    let available = free_stake(&rep);
    if amount > available {
        return Err(RegistryError::InsufficientStake(InsufficientStake {
            available,
            required: amount,
        }));
    }
    // Leaving stake comes out of the warming part first, so warm stake stays warm.
    let warming = rep.warming.get();
    rep.warming.set(warming - warming.min(amount));
    let unbonding = add(rep.unbonding.get(), amount)?;
    let unbond_at = now.saturating_add(delay);
    rep.unbonding.set(unbonding);
    let meta = rep.meta();
    rep.set_meta(ReporterMeta { unbond_at, ..meta });
    log::emit(
        r.vm(),
        topic0!(UnstakeRequested),
        &[w(who)],
        &[w(amount), w(unbonding), w(unbond_at)],
    );
    Ok(())
}

/// Pays out the caller's unbonded stake once the delay has passed.
pub fn withdraw(r: &mut ThreatRegistry) -> Result<()> {
    let (who, now) = (r.vm().msg_sender(), r.vm().block_timestamp());
    let mut rep = r.reporters.setter(who);
    let amount = rep.unbonding.get();
    if amount.is_zero() {
        return Err(RegistryError::NothingToWithdraw(NothingToWithdraw {}));
    }
    let until = rep.meta().unbond_at;
    if now < until {
        return Err(RegistryError::StillUnbonding(StillUnbonding { until }));
    }
    let (stake, locked) = rep.funds();
    rep.set_funds(sub(stake, amount)?, locked)?;
    rep.unbonding.set(U256::ZERO);
    let total = sub(r.total_stake.get(), amount)?;
    r.total_stake.set(total);
    log::emit(r.vm(), topic0!(Withdrawn), &[w(who)], &[w(amount)]);
    r.pay(who, amount)
}

/// Pays out everything credited to the caller: dispute refunds and rewards, reporter shares.
pub fn claim(r: &mut ThreatRegistry) -> Result<()> {
    let who = r.vm().msg_sender();
    let amount = r.claimable.get(who);
    if amount.is_zero() {
        return Err(RegistryError::NothingToClaim(NothingToClaim {}));
    }
    let total = sub(r.total_claimable.get(), amount)?;
    r.claimable.insert(who, U256::ZERO);
    r.total_claimable.set(total);
    log::emit(r.vm(), topic0!(Claimed), &[w(who)], &[w(amount)]);
    r.pay(who, amount)
}

impl ThreatRegistry {
    /// Checks that `who` may report under `version` and returns what the report would stand on:
    /// (lock, weight), the lock being all its free warm stake up to the cap. Writes nothing, so a
    /// report refused after this check (a failed displacement) changes nothing; [`Self::lock`]
    /// takes the stake.
    pub(crate) fn report_terms(
        &self,
        who: Address,
        version: u32,
        now: u64,
    ) -> Result<(u128, u128)> {
        let (min_stake, cap, _, _) = self.params.get(version).stake_word();
        let rep = self.reporters.get(who);
        let meta = rep.meta();
        let lock = math::lockable(warm(&rep, now), rep.funds().1, cap);
        // An address that never staked is short of stake, not of reputation.
        if meta.joined && meta.reputation == 0 {
            return Err(RegistryError::NoReputation(NoReputation { reporter: who }));
        }
        if lock < min_stake.max(1) {
            return Err(RegistryError::InsufficientStake(InsufficientStake {
                available: U256::from(lock),
                required: U256::from(min_stake.max(1)),
            }));
        }
        Ok((lock, math::weight(lock, meta.reputation)))
    }

    /// Locks `lock` more of `who`'s stake, for a report priced by [`Self::report_terms`].
    pub(crate) fn lock(&mut self, who: Address, lock: u128) -> Result<()> {
        let mut rep = self.reporters.setter(who);
        let (stake, locked) = rep.funds();
        rep.set_funds(stake, add(locked, U256::from(lock))?)?;
        Ok(())
    }

    /// Gives back `lock` of `who`'s locked stake, less `slashed` which leaves its stake. Returns
    /// the reporter's reputation for the caller to adjust.
    pub(crate) fn unlock(&mut self, who: Address, lock: u128, slashed: u128) -> Result<u32> {
        let mut rep = self.reporters.setter(who);
        let (stake, locked) = rep.funds();
        let locked = sub(locked, U256::from(lock))?;
        let stake = sub(stake, U256::from(slashed))?;
        rep.set_funds(stake, locked)?;
        Ok(rep.meta().reputation)
    }

    /// Credits `amount` to `account`, to be claimed.
    pub(crate) fn credit(&mut self, account: Address, amount: U256) -> Result<()> {
        if amount.is_zero() {
            return Ok(());
        }
        let owed = add(self.claimable.get(account), amount)?;
        let total = add(self.total_claimable.get(), amount)?;
        self.claimable.insert(account, owed);
        self.total_claimable.set(total);
        Ok(())
    }

    /// Sends ETH after all state is written; the entrypoint rejects reentrant calls.
    pub(crate) fn pay(&mut self, to: Address, amount: U256) -> Result<()> {
        transfer_eth(self.vm(), to, amount)
            .map_err(|_| RegistryError::TransferFailed(TransferFailed { to, amount }))
    }
}

/// Stake neither locked by open flags nor already unbonding.
fn free_stake(r: &Reporter) -> U256 {
    let (stake, locked) = r.funds();
    stake
        .saturating_sub(locked)
        .saturating_sub(r.unbonding.get())
}

/// Stake that has warmed up and is not leaving.
fn warm(r: &Reporter, now: u64) -> U256 {
    math::warm_stake(
        r.funds().0,
        r.unbonding.get(),
        r.warming.get(),
        r.meta().warm_at,
        now,
    )
}

/// The weight a new report by `r` would carry now: the stake it would lock, scaled by reputation.
pub(crate) fn report_weight(r: &Reporter, cap: u128, now: u64) -> u128 {
    let lock = math::lockable(warm(r, now), r.funds().1, cap);
    math::weight(lock, r.meta().reputation)
}

#[cfg(test)]
mod tests;
