//! Who may do what: the guard owner (two-step transfer) and the registry link, protocol
//! registration, each protocol's admin and guardians, and the checks every other module uses.
//!
//! - The protocol's **admin** configures policies, appoints guardians and unpauses.
//! - **Guardians** may only pause, within the bounds in [`crate::pause`].
//! - The guard **owner** sets the registry and the guardian bounds, behind the delay of
//!   [`crate::governance`].

use alloy_primitives::Address;
use stylus_sdk::prelude::*;
use vigil_common::{abi::w, log, topic0};

use crate::{
    errors::*,
    events::{AdminChanged, GuardianSet, ProtocolRegistered},
    pause::{DEFAULT_MAX_PAUSE, DEFAULT_PAUSE_COOLDOWN},
    word::ProtocolWord,
    CircuitGuard, U32,
};

/// The owner is explicit because a deployment through StylusDeployer runs the constructor with
/// the deployer as `msg.sender`.
pub fn constructor(g: &mut CircuitGuard, owner: Address, extension: Address) -> Result<()> {
    if owner.is_zero() || extension.is_zero() {
        return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
    }
    g.ownership.init(owner);
    g.extension.set(extension);
    g.max_pause.set(U32::from(DEFAULT_MAX_PAUSE));
    g.pause_cooldown.set(U32::from(DEFAULT_PAUSE_COOLDOWN));
    crate::governance::init(g);
    Ok(())
}

/// Registers `msg.sender` as a protocol administered by `admin`.
pub fn register_protocol(g: &mut CircuitGuard, admin: Address) -> Result<()> {
    let protocol = g.vm().msg_sender();
    if admin.is_zero() {
        return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
    }
    if g.protocol(protocol).registered() {
        return Err(CircuitGuardError::AlreadyRegistered(AlreadyRegistered {
            protocol,
        }));
    }
    g.set_protocol(protocol, ProtocolWord::registered_to(admin));
    log::emit(
        g.vm(),
        topic0!(ProtocolRegistered),
        &[w(protocol), w(admin)],
        &[],
    );
    Ok(())
}

/// Hands the protocol to a new admin (a multisig rotation). One step: the admin is already
/// trusted with every policy, so a typo is no worse than a bad policy.
pub fn set_admin(g: &mut CircuitGuard, protocol: Address, admin: Address) -> Result<()> {
    let mut p = g.only_admin(protocol)?;
    if admin.is_zero() {
        return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
    }
    p.admin = admin;
    g.set_protocol(protocol, p);
    log::emit(g.vm(), topic0!(AdminChanged), &[w(protocol), w(admin)], &[]);
    Ok(())
}

pub fn set_guardian(
    g: &mut CircuitGuard,
    protocol: Address,
    guardian: Address,
    enabled: bool,
) -> Result<()> {
    g.only_admin(protocol)?;
    if guardian.is_zero() {
        return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
    }
    g.guardians.setter(protocol).setter(guardian).set(enabled);
    log::emit(
        g.vm(),
        topic0!(GuardianSet),
        &[w(protocol), w(guardian)],
        &[w(enabled)],
    );
    Ok(())
}

/// Timelocked: starts a two-step transfer; the zero address cancels a pending one.
pub fn transfer_ownership(g: &mut CircuitGuard, new_owner: Address) -> Result<()> {
    g.only_executing()?;
    Ok(g.ownership.transfer_ownership(new_owner)?)
}

pub fn accept_ownership(g: &mut CircuitGuard) -> Result<()> {
    Ok(g.ownership.accept_ownership()?)
}

impl CircuitGuard {
    pub(crate) fn protocol(&self, protocol: Address) -> ProtocolWord {
        ProtocolWord::from_word(self.protocols.get(protocol))
    }

    pub(crate) fn set_protocol(&mut self, protocol: Address, p: ProtocolWord) {
        self.protocols.setter(protocol).set(p.to_word());
    }

    pub(crate) fn registered(&self, protocol: Address) -> Result<ProtocolWord> {
        let p = self.protocol(protocol);
        if !p.registered() {
            return Err(CircuitGuardError::ProtocolNotRegistered(
                ProtocolNotRegistered { protocol },
            ));
        }
        Ok(p)
    }

    pub(crate) fn only_admin(&self, protocol: Address) -> Result<ProtocolWord> {
        let p = self.registered(protocol)?;
        let account = self.vm().msg_sender();
        if account != p.admin {
            return Err(CircuitGuardError::NotAdmin(NotAdmin { protocol, account }));
        }
        Ok(p)
    }

    pub(crate) fn only_owner(&self) -> Result<Address> {
        Ok(self.ownership.only_owner()?)
    }
}

#[cfg(test)]
mod tests;
