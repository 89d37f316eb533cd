//! Who runs the registry and how its rules change: the owner (two-step transfer, from
//! `vigil_common::ownable`), resolvers, the guard link, the submissions pause, versioned parameters
//! behind a delay, and the treasury.
//!
//! Rules are versioned, not copied: a flag stores the parameter version in force at submission and
//! every later decision about it reads that version, so a parameter change never alters an open
//! case. New parameters apply no earlier than the current `paramsDelay` after scheduling.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256, U64};
use stylus_sdk::prelude::*;
use vigil_common::{
    abi::{w, Out, Words},
    log, topic0,
};

use crate::{
    errors::*,
    events::{
        GuardSet, ParamsApplied, ParamsCancelled, ParamsScheduled, ResolverSet,
        SubmissionsPausedSet, TreasurySwept,
    },
    params,
    storage::Settings,
    types::Params,
    ThreatRegistry,
};

/// Sets the owner (explicit: inside a Stylus constructor the sender is the deployer contract) and
/// the first parameters, version 1.
pub fn constructor(r: &mut ThreatRegistry, owner: Address, params: Params) -> Result<()> {
    if owner.is_zero() {
        return Err(RegistryError::ZeroAddress(ZeroAddress {}));
    }
    params::validate(&params)?;
    r.ownership.init(owner);
    r.set_settings(Settings {
        params_version: 1,
        ..r.settings()
    });
    r.params.setter(1).set_params(&params);
    log::emit_bytes(
        r.vm(),
        topic0!(ParamsApplied),
        &[w(1u32)],
        &params_data(None, &params),
    );
    Ok(())
}

/// Owner only: enables or disables a resolver (a governance multisig that decides disputes and
/// takes emergency actions).
pub fn set_resolver(r: &mut ThreatRegistry, account: Address, enabled: bool) -> Result<()> {
    r.ownership.only_owner()?;
    if account.is_zero() {
        return Err(RegistryError::ZeroAddress(ZeroAddress {}));
    }
    r.resolvers.insert(account, enabled);
    log::emit(r.vm(), topic0!(ResolverSet), &[w(account)], &[w(enabled)]);
    Ok(())
}

/// Owner only: links the guard that receives every status change; the zero address unlinks it.
pub fn set_guard(r: &mut ThreatRegistry, guard: Address) -> Result<()> {
    r.ownership.only_owner()?;
    r.set_settings(Settings {
        guard,
        ..r.settings()
    });
    log::emit(r.vm(), topic0!(GuardSet), &[w(guard)], &[]);
    Ok(())
}

/// Owner only: stops new reports (submit, corroborate). Queries, disputes, resolutions, claims and
/// withdrawals keep working.
pub fn set_submissions_paused(r: &mut ThreatRegistry, paused: bool) -> Result<()> {
    r.ownership.only_owner()?;
    r.set_settings(Settings {
        submissions_paused: paused,
        ..r.settings()
    });
    log::emit(r.vm(), topic0!(SubmissionsPausedSet), &[], &[w(paused)]);
    Ok(())
}

/// Owner only: schedules new parameters; they apply no earlier than the current `paramsDelay` from
/// now. Scheduling again replaces the pending set and restarts the delay.
pub fn schedule_params(r: &mut ThreatRegistry, params: Params) -> Result<()> {
    r.ownership.only_owner()?;
    params::validate(&params)?;
    let now = r.vm().block_timestamp();
    let eta = now.saturating_add(r.current_params().bonds_word().params_delay);
    r.pending_params.set_params(&params);
    r.pending_eta.set(U64::from(eta));
    let version = r.settings().params_version + 1;
    log::emit_bytes(
        r.vm(),
        topic0!(ParamsScheduled),
        &[w(version)],
        &params_data(Some(eta), &params),
    );
    Ok(())
}

/// Owner only: drops the scheduled parameters.
pub fn cancel_params(r: &mut ThreatRegistry) -> Result<()> {
    r.ownership.only_owner()?;
    if r.pending_eta.get().is_zero() {
        return Err(RegistryError::NoPendingParams(NoPendingParams {}));
    }
    r.pending_eta.set(U64::ZERO);
    let version = r.settings().params_version + 1;
    log::emit(r.vm(), topic0!(ParamsCancelled), &[w(version)], &[]);
    Ok(())
}

/// Applies scheduled parameters once their delay has passed. Anyone may call it: the delay, not the
/// caller, is the protection.
pub fn apply_params(r: &mut ThreatRegistry) -> Result<u32> {
    let eta = r.pending_eta.get().to::<u64>();
    if eta == 0 {
        return Err(RegistryError::NoPendingParams(NoPendingParams {}));
    }
    if r.vm().block_timestamp() < eta {
        return Err(RegistryError::ParamsNotReady(ParamsNotReady { eta }));
    }
    let params = r.pending_params.to_params();
    let settings = r.settings();
    let version = settings.params_version + 1;
    r.params.setter(version).set_params(&params);
    r.set_settings(Settings {
        params_version: version,
        ..settings
    });
    r.pending_eta.set(U64::ZERO);
    log::emit_bytes(
        r.vm(),
        topic0!(ParamsApplied),
        &[w(version)],
        &params_data(None, &params),
    );
    Ok(version)
}

/// Owner only: sends the slashed funds accrued to the treasury to `to`.
pub fn sweep_treasury(r: &mut ThreatRegistry, to: Address) -> Result<()> {
    r.ownership.only_owner()?;
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

/// The data of `ParamsScheduled` (with its eta) and `ParamsApplied`: the whole set, so logs alone
/// rebuild every version.
fn params_data(eta: Option<u64>, params: &Params) -> Vec<u8> {
    let mut out = Out::with_capacity(1 + <Params as Words>::WORDS);
    if let Some(eta) = eta {
        out.uint(eta);
    }
    params.write(&mut out);
    out.finish()
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
