//! Reporters' money: stake, its warm-up and unbonding, the bond a report locks, credits and
//! payouts.
//!
//! A report's bond is locked out of the reporter's stake (not sent separately), so "stake bonded to
//! open flags cannot leave" is one `locked` counter per reporter. Payouts go out after all state is
//! written; the entrypoint rejects reentrant calls.

use alloy_primitives::{Address, U256, U32, U64};
use stylus_sdk::{call::transfer::transfer_eth, prelude::*};
use vigil_common::{abi::w, log, topic0};

use crate::{
    errors::*,
    events::{Claimed, Staked, UnstakeRequested, Withdrawn},
    math,
    storage::Reporter,
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
    let mut rep = r.reporters.setter(who);
    if !rep.joined.get() {
        rep.joined.set(true);
        rep.reputation.set(U32::from(math::REP_NEUTRAL));
    }
    let warming = if now >= rep.warm_at.get().to::<u64>() {
        U256::ZERO
    } else {
        rep.warming.get()
    };
    let warm_at = now.saturating_add(warmup);
    let stake = rep.stake.get() + amount;
    rep.warming.set(warming + amount);
    rep.warm_at.set(U64::from(warm_at));
    rep.stake.set(stake);
    let total = r.total_stake.get() + amount;
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
    let unbonding = rep.unbonding.get() + amount;
    let unbond_at = now.saturating_add(delay);
    rep.unbonding.set(unbonding);
    rep.unbond_at.set(U64::from(unbond_at));
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
    let until = rep.unbond_at.get().to::<u64>();
    if now < until {
        return Err(RegistryError::StillUnbonding(StillUnbonding { until }));
    }
    let stake = rep.stake.get() - amount;
    rep.stake.set(stake);
    rep.unbonding.set(U256::ZERO);
    let total = r.total_stake.get() - amount;
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
    r.claimable.insert(who, U256::ZERO);
    let total = r.total_claimable.get() - amount;
    r.total_claimable.set(total);
    log::emit(r.vm(), topic0!(Claimed), &[w(who)], &[w(amount)]);
    r.pay(who, amount)
}

impl ThreatRegistry {
    /// Checks that `who` may report under `version` and locks its bond. Returns (bond, weight).
    pub(crate) fn bond_report(
        &mut self,
        who: Address,
        version: u32,
        now: u64,
    ) -> Result<(U256, u128)> {
        let (bond, min_stake, cap) = {
            let p = self.params.get(version);
            let (min_stake, cap, _, _) = p.stake_word();
            (U256::from(p.bonds_word().0), U256::from(min_stake), cap)
        };
        let mut rep = self.reporters.setter(who);
        let warm = math::warm_stake(
            rep.stake.get(),
            rep.unbonding.get(),
            rep.warming.get(),
            rep.warm_at.get().to::<u64>(),
            now,
        );
        if warm < min_stake || warm.is_zero() {
            return Err(RegistryError::InsufficientStake(InsufficientStake {
                available: warm,
                required: min_stake.max(U256::from(1)),
            }));
        }
        if rep.reputation.get().is_zero() {
            return Err(RegistryError::NoReputation(NoReputation { reporter: who }));
        }
        let available = free_stake(&rep);
        if available < bond {
            return Err(RegistryError::InsufficientStake(InsufficientStake {
                available,
                required: bond,
            }));
        }
        let locked = rep.locked.get() + bond;
        rep.locked.set(locked);
        Ok((bond, report_weight(&rep, cap, now)))
    }

    /// Credits `amount` to `account`, to be claimed.
    pub(crate) fn credit(&mut self, account: Address, amount: U256) {
        if amount.is_zero() {
            return;
        }
        let owed = self.claimable.get(account) + amount;
        self.claimable.insert(account, owed);
        let total = self.total_claimable.get() + amount;
        self.total_claimable.set(total);
    }

    /// Sends ETH after all state is written; the entrypoint rejects reentrant calls.
    pub(crate) fn pay(&mut self, to: Address, amount: U256) -> Result<()> {
        transfer_eth(self.vm(), to, amount)
            .map_err(|_| RegistryError::TransferFailed(TransferFailed { to, amount }))
    }
}

/// Stake neither locked by open flags nor already unbonding.
fn free_stake(r: &Reporter) -> U256 {
    r.stake
        .get()
        .saturating_sub(r.locked.get())
        .saturating_sub(r.unbonding.get())
}

/// The weight a report by `r` carries now: warm stake, capped, scaled by reputation.
pub(crate) fn report_weight(r: &Reporter, cap: u128, now: u64) -> u128 {
    let warm = math::warm_stake(
        r.stake.get(),
        r.unbonding.get(),
        r.warming.get(),
        r.warm_at.get().to::<u64>(),
        now,
    );
    math::weight(warm, cap, r.reputation.get().to::<u32>())
}

#[cfg(test)]
mod tests;
