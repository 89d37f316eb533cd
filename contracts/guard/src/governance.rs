//! The guard owner's powers behind a public delay ([`vigil_common::timelock`]).
//!
//! Every owner power reaches into every protocol at once, so each one waits the delay:
//! - `setRegistry`: the feed. Whoever it names can push any status word and so block any caller in
//!   every protocol that screens; the most dangerous power the guard has. The first link is the
//!   exception (a fresh guard has no feed to protect, and a deployment must link without waiting);
//!   every later change, including to zero, waits.
//! - `setPauseBounds`: `maxPauseDuration` 0 disables every protocol's guardians.
//! - `transferOwnership`: the next owner holds all of the above.
//! - `setDelay`: the delay itself, so it cannot be shortened faster than it runs.
//!
//! The owner schedules the exact calldata, anyone reads it in the `CallScheduled` log during the
//! delay (protocols can switch screening off, guardians can pause, users can leave), and only then
//! does `execute` run it. Protocol admins and guardians act at once: they govern only their own
//! protocol, and a pause is their emergency tool.
//!
//! The delay (default [`DEFAULT_DELAY`]) lies within [`MIN_DELAY`]..=[`MAX_DELAY`]: at least an
//! hour, the least time an on-call responder needs to see a scheduled change and act; at most 30
//! days, so that replacing a compromised registry (which itself waits the delay) cannot be made
//! to take longer than a month.

// `#[storage]` expands to code that names `vec!` and `Vec`.
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256, U64};
use stylus_sdk::{
    host::VMAccess,
    prelude::*,
    storage::{StorageBool, StorageU64},
};
use vigil_common::{abi::w, log, timelock::Timelock, topic0};

use crate::{
    errors::*,
    events::{DelaySet, RegistrySet},
    extension, CircuitGuard,
};

/// The owner's scheduled calls, the delay and whether a registry was ever linked. Only owner calls
/// read them, so they live at their own root ([`ROOT`]) and are built on demand: as fields of
/// [`CircuitGuard`], which every call constructs, they cost every `check` about 50 gas (measured
/// on the devnet: the struct's constructor computes each field's slot).
#[storage]
pub struct OwnerSettings {
    timelock: Timelock,
    /// Packed in one word.
    delay: StorageU64,
    linked: StorageBool,
}

/// The root slot of [`OwnerSettings`], as ERC-7201 derives one:
/// `keccak256(abi.encode(uint256(keccak256("vigil.guard.owner")) - 1)) & ~bytes32(uint256(0xff))`.
/// Far from the storage struct's consecutive slots and from any map's hashed ones. As four
/// big-endian limbs, so that it is built from immediates, not read from the data segment.
pub const ROOT: [u64; 4] = [
    0xe0a5_782a_963c_18aa,
    0xf52e_32ef_512e_9fe8,
    0xd145_90cd_4719_f6d7,
    0x853e_ff0f_f761_af00,
];

/// The delay the constructor starts with.
pub const DEFAULT_DELAY: u64 = 2 * 86_400;
/// Shortest delay `setDelay` accepts.
pub const MIN_DELAY: u64 = 3_600;
/// Longest delay `setDelay` accepts.
pub const MAX_DELAY: u64 = 30 * 86_400;

/// Owner only: schedules `data`, the calldata of a timelocked method, to run after the current
/// delay; returns its id. The data is checked now (a timelocked selector, well-formed arguments,
/// a delay in range), so a bad call fails here rather than after the wait.
pub fn schedule(g: &mut CircuitGuard, data: &[u8]) -> Result<B256> {
    g.only_owner()?;
    extension::check_timelocked(data)?;
    let mut o = g.owner_settings();
    let delay = o.delay.get().to::<u64>();
    Ok(o.timelock.schedule(data, delay)?)
}

/// Owner only: drops scheduled call `id`.
pub fn cancel(g: &mut CircuitGuard, id: B256) -> Result<()> {
    g.only_owner()?;
    Ok(g.owner_settings().timelock.cancel(id)?)
}

/// Owner only: runs scheduled call `data` once due, through the guard's own router. A failing call
/// reverts with its own revert data, and the revert undoes `begin`, so it stays scheduled.
pub fn execute(g: &mut CircuitGuard, data: &[u8]) -> Result<()> {
    g.only_owner()?;
    let mut o = g.owner_settings();
    let id = o.timelock.begin(data)?;
    extension::route(g, data).map_err(CircuitGuardError::reverted)?;
    o.timelock.finish(id);
    Ok(())
}

/// When scheduled call `id` may run; 0 when it is not scheduled.
pub fn scheduled_at(g: &CircuitGuard, id: B256) -> u64 {
    g.owner_settings().timelock.eta(id)
}

/// The timelock's delay, in seconds.
pub fn delay(g: &CircuitGuard) -> u64 {
    g.owner_settings().delay.get().to::<u64>()
}

/// Timelocked: the delay of calls scheduled from now on (scheduled calls keep their eta).
pub fn set_delay(g: &mut CircuitGuard, delay: u64) -> Result<()> {
    g.only_executing()?;
    check_delay(delay)?;
    g.owner_settings().delay.set(U64::from(delay));
    log::emit(g.vm(), topic0!(DelaySet), &[], &[w(delay)]);
    Ok(())
}

/// The constructor's delay, [`DEFAULT_DELAY`].
pub(crate) fn init(g: &mut CircuitGuard) {
    g.owner_settings().delay.set(U64::from(DEFAULT_DELAY));
}

/// The only account whose `onStatusChange` pushes are accepted. Immediate for the first link of a
/// guard that never had a registry; timelocked for every later change, including to zero (which
/// cuts the feed off; the statuses stored stay in force until they expire).
pub fn set_registry(g: &mut CircuitGuard, registry: Address) -> Result<()> {
    let mut o = g.owner_settings();
    if o.linked.get() {
        g.only_executing()?;
    } else {
        g.only_owner()?;
    }
    g.registry.set(registry);
    if !registry.is_zero() {
        o.linked.set(true);
    }
    log::emit(g.vm(), topic0!(RegistrySet), &[w(registry)], &[]);
    Ok(())
}

/// `setDelay`'s range, also checked when a `setDelay` is scheduled.
pub(crate) fn check_delay(delay: u64) -> Result<()> {
    if (MIN_DELAY..=MAX_DELAY).contains(&delay) {
        return Ok(());
    }
    Err(CircuitGuardError::InvalidDelay(InvalidDelay {
        delay,
        min: MIN_DELAY,
        max: MAX_DELAY,
    }))
}

impl CircuitGuard {
    /// Fails unless `execute` is running a scheduled call: the first check of every timelocked
    /// method. (Only the owner can run `execute`, so this implies the owner.)
    pub(crate) fn only_executing(&self) -> Result<()> {
        Ok(self.owner_settings().timelock.only_executing()?)
    }

    /// The owner's settings at [`ROOT`]: a handle on the same storage as the contract's.
    fn owner_settings(&self) -> OwnerSettings {
        let root = U256::from_limbs([ROOT[3], ROOT[2], ROOT[1], ROOT[0]]);
        // SAFETY: nothing else is laid out at ROOT, and the handle shares the contract's host, so
        // its reads and writes go through the same storage cache.
        unsafe { OwnerSettings::new(root, 0, self.raw_vm()) }
    }
}

#[cfg(test)]
mod tests;
