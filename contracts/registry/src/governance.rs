//! Who runs the registry and how its rules change: the owner (two-step transfer, from
//! `vigil_common::ownable`), resolvers, the guard link, the submissions pause, versioned parameters
//! and the treasury.
//!
//! Every owner power that can hurt users waits `paramsDelay` in the timelock
//! (`vigil_common::timelock`): appointing a resolver (who can slash honest reporters), moving the
//! guard link (the feed every protocol's protection reads), resuming submissions, new parameters,
//! the treasury and ownership. Only what makes things safer is immediate: removing a resolver and
//! pausing submissions; resolvers' emergency actions stay the human fast path.
//!
//! Rules are versioned, not copied: a flag stores the parameter version in force at submission and
//! every later decision about it reads that version, so a parameter change never alters an open
//! case.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use vigil_common::{
    abi::{w, Out, Words},
    log, topic0,
};

use crate::{
    errors::*,
    events::{GuardSet, ParamsApplied, ResolverSet, SubmissionsPausedSet, TreasurySwept},
    extension, params,
    storage::Settings,
    types::Params,
    ThreatRegistry,
};

/// Sets the owner (explicit: inside a Stylus constructor the sender is the deployer contract), the
/// first parameters (version 1), the extension program (for good), the guard link and the first
/// resolvers: what a deployment needs at once, since later changes wait the delay.
pub fn constructor(
    r: &mut ThreatRegistry,
    owner: Address,
    params: Params,
    extension: Address,
    guard: Address,
    resolvers: Vec<Address>,
) -> Result<()> {
    if owner.is_zero() || extension.is_zero() {
        return Err(RegistryError::ZeroAddress(ZeroAddress {}));
    }
    params::validate(&params)?;
    r.ownership.init(owner);
    r.extension.set(extension);
    r.set_settings(Settings {
        params_version: 1,
        guard,
        ..r.settings()
    });
    log::emit(r.vm(), topic0!(GuardSet), &[w(guard)], &[]);
    for account in resolvers {
        enable_resolver(r, account, true)?;
    }
    r.params.setter(1).set_params(&params);
    applied(r, 1, &params);
    Ok(())
}

/// Removing a resolver is immediate (owner); appointing one is timelocked, since a resolver can
/// reject true flags and slash their reporters.
pub fn set_resolver(r: &mut ThreatRegistry, account: Address, enabled: bool) -> Result<()> {
    if enabled {
        r.timelock.only_executing()?;
    } else {
        r.ownership.only_owner()?;
    }
    enable_resolver(r, account, enabled)
}

fn enable_resolver(r: &mut ThreatRegistry, account: Address, enabled: bool) -> Result<()> {
    if account.is_zero() {
        return Err(RegistryError::ZeroAddress(ZeroAddress {}));
    }
    r.resolvers.insert(account, enabled);
    log::emit(r.vm(), topic0!(ResolverSet), &[w(account)], &[w(enabled)]);
    Ok(())
}

/// Timelocked: links the guard that receives every status change; zero unlinks it. The new guard's
/// copy starts from what is pushed from now on: `syncGuard` fills in the rest.
pub fn set_guard(r: &mut ThreatRegistry, guard: Address) -> Result<()> {
    r.timelock.only_executing()?;
    r.set_settings(Settings {
        guard,
        ..r.settings()
    });
    log::emit(r.vm(), topic0!(GuardSet), &[w(guard)], &[]);
    Ok(())
}

/// Pausing new reports (submit, corroborate) is immediate (owner); resuming them is timelocked.
/// Queries, disputes, resolutions, claims and withdrawals keep working throughout.
pub fn set_submissions_paused(r: &mut ThreatRegistry, paused: bool) -> Result<()> {
    if paused {
        r.ownership.only_owner()?;
    } else {
        r.timelock.only_executing()?;
    }
    r.set_settings(Settings {
        submissions_paused: paused,
        ..r.settings()
    });
    log::emit(r.vm(), topic0!(SubmissionsPausedSet), &[], &[w(paused)]);
    Ok(())
}

/// Timelocked: makes `params` the next version. Open flags keep the version they were submitted
/// under.
pub fn set_params(r: &mut ThreatRegistry, params: Params) -> Result<()> {
    r.timelock.only_executing()?;
    params::validate(&params)?;
    let settings = r.settings();
    let version = settings.params_version + 1;
    r.params.setter(version).set_params(&params);
    r.set_settings(Settings {
        params_version: version,
        ..settings
    });
    applied(r, version, &params);
    Ok(())
}

/// Timelocked: sends the slashed funds accrued to the treasury to `to`.
pub fn sweep_treasury(r: &mut ThreatRegistry, to: Address) -> Result<()> {
    r.timelock.only_executing()?;
    if to.is_zero() {
        return Err(RegistryError::ZeroAddress(ZeroAddress {}));
    }
    let amount = r.treasury.get();
    if amount.is_zero() {
        return Err(RegistryError::TreasuryEmpty(TreasuryEmpty {}));
    }
    r.treasury.set(U256::ZERO);
    log::emit(r.vm(), topic0!(TreasurySwept), &[w(to)], &[w(amount)]);
    r.pay(to, amount)
}

/// Timelocked: proposes `newOwner`, who must then accept.
pub fn transfer_ownership(r: &mut ThreatRegistry, new_owner: Address) -> Result<()> {
    r.timelock.only_executing()?;
    Ok(r.ownership.transfer_ownership(new_owner)?)
}

/// Owner only: schedules `data`, a call to one of the timelocked methods, to run after the
/// current `paramsDelay`; returns its id. The data is checked now, so a malformed call or invalid
/// parameters fail here rather than after the wait.
pub fn schedule(r: &mut ThreatRegistry, data: &[u8]) -> Result<B256> {
    r.ownership.only_owner()?;
    extension::check_timelocked(data)?;
    let delay = r.current_params().bonds_word().params_delay;
    Ok(r.timelock.schedule(data, delay)?)
}

/// Owner only: drops scheduled call `id`.
pub fn cancel(r: &mut ThreatRegistry, id: B256) -> Result<()> {
    r.ownership.only_owner()?;
    Ok(r.timelock.cancel(id)?)
}

/// Owner only: runs scheduled call `data` once its delay has passed. A failing call reverts with
/// its own error and stays scheduled.
pub fn execute(r: &mut ThreatRegistry, data: &[u8]) -> Result<()> {
    r.ownership.only_owner()?;
    let id = r.timelock.begin(data)?;
    extension::route(r, data).map_err(RegistryError::reverted)?;
    r.timelock.finish(id);
    Ok(())
}

/// Logs `ParamsApplied` with the whole set, so logs alone rebuild every version.
fn applied(r: &ThreatRegistry, version: u32, params: &Params) {
    let mut out = Out::with_capacity(<Params as Words>::WORDS);
    params.write(&mut out);
    log::emit_bytes(r.vm(), topic0!(ParamsApplied), &[w(version)], &out.finish());
}

impl ThreatRegistry {
    /// The caller, if it is an enabled resolver.
    pub(crate) fn only_resolver(&self) -> Result<Address> {
        let who = self.vm().msg_sender();
        if !self.resolvers.get(who) {
            return Err(RegistryError::Unauthorized(Unauthorized { account: who }));
        }
        Ok(who)
    }
}

#[cfg(test)]
mod tests;
