//! The guard's second program. Protocols call the guard on every guarded transaction, and a
//! Stylus program's entry cost grows with its size: about 0.13 gas per wasm byte on every call of a
//! program that is not cached, and a little on every cached call too. So the calls no hot path
//! makes (registration, policies, pauses, governance and the views) live in a second program
//! that the guard reaches by DELEGATECALL. It runs on the guard's storage, with the guard's
//! address, sender and value: to every caller it is one contract with one interface
//! (`interfaces/ICircuitGuard.sol`). `check`, `credit`, `screen`, `preview` and `onStatusChange`
//! stay in the guard itself and pay nothing for the split; a configuration call pays one
//! DELEGATECALL (measured in the bench).
//!
//! The extension's address is fixed by the guard's constructor and can never change: whoever
//! could repoint it could run any code with the guard's storage, and so unblock any attacker or
//! pause any protocol. The extension program holds nothing of its own; called directly, it acts on
//! its own empty storage (no owner, no registry, no protocols), so it can do nothing there.
//!
//! The program itself is built from this crate with the `extension` feature
//! (`contracts/guard-extension`), which swaps the entrypoint to the table below.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, FixedBytes, B256, U256};
use stylus_sdk::ArbResult;
use vigil_common::abi::{Args, Out, Words};

use crate::{
    governance, CircuitGuard, CircuitGuardError, GuardConfig, NotTimelockable, ProtocolInfo,
    RateLimit, SelectorPolicy,
};

vigil_common::router! {
    /// The extension program's calls, on the guard's storage.
    pub fn route(g: &mut CircuitGuard) -> crate::CircuitGuardError;
    // Run by the guard's own constructor (`router::construct`), which has bound this program.
    constructor(owner: Address, extension: Address) => g.constructor(owner, extension)?;
    /// Registers `msg.sender` as a protocol administered by `admin` (normally from the
    /// protocol's constructor).
    REGISTER_PROTOCOL = registerProtocol(admin: Address) => g.register_protocol(admin)?;
    /// Admin only: hands the protocol to a new admin, in one step.
    SET_ADMIN = setAdmin(protocol: Address, admin: Address) => g.set_admin(protocol, admin)?;
    /// Admin only: appoints or removes a guardian, an account that may only pause, for at most
    /// `maxPauseDuration` and not again within `pauseCooldown` after its pause episode ends.
    SET_GUARDIAN = setGuardian(protocol: Address, guardian: Address, enabled: bool)
        => g.set_guardian(protocol, guardian, enabled)?;
    /// Admin only: the screening of selectors without a policy of their own, and the one a
    /// selector starts with when first configured. Modes: 0 confirmed flags, 1 watch and above,
    /// 2 off; add 4 (modes 4 and 5) to also screen the caller's runtime code hash (EXTCODEHASH,
    /// for callers with code: one more storage read). `screenOrigin` screens `tx.origin` too.
    SET_PROTOCOL_SCREENING = setProtocolScreening(protocol: Address, mode: u8, screen_origin: bool)
        => g.set_protocol_screening(protocol, mode, screen_origin)?;
    /// Admin only: the selector's screening (modes as in `setProtocolScreening`).
    SET_SCREENING = setScreening(protocol: Address, selector: FixedBytes<4>, mode: u8, screen_origin: bool)
        => g.set_screening(protocol, selector, mode, screen_origin)?;
    /// Admin only: the selector's token bucket on `check`'s `amount`, refilled by `credit`.
    /// Levels are rounded down to a unit the guard picks (the event reports the effective
    /// values). With `rearmLevel` > 0 a passing charge that leaves at most `tripLevel` trips the
    /// selector, paused until the bucket is back at `rearmLevel` (`tripLevel < rearmLevel <=
    /// capacity`, and refilling an empty bucket to it takes at most `maxPauseDuration`). A
    /// running bucket is refilled under its old settings, then capped at the new capacity;
    /// `enabled` false removes the limit and any trip, and ignores the other arguments.
    SET_RATE_LIMIT = setRateLimit(
        protocol: Address,
        selector: FixedBytes<4>,
        enabled: bool,
        capacity: U256,
        refill_per_second: U256,
        trip_level: U256,
        rearm_level: U256,
    ) => g.set_rate_limit(
        protocol,
        selector,
        enabled,
        capacity,
        refill_per_second,
        trip_level,
        rearm_level,
    )?;
    /// Admin only: pauses the selector while any of `tags` (at most four advisory subjects) is
    /// confirmed. Each tag costs two storage reads on every `check`.
    SET_ADVISORY_TAGS = setAdvisoryTags(protocol: Address, selector: FixedBytes<4>, tags: Vec<B256>)
        => g.set_advisory_tags(protocol, selector, tags)?;
    /// Admin only: removes the selector's own policy (screening, rate limit and any trip, tags),
    /// so `check` uses the protocol's defaults, and frees its slot. A selector pause in force
    /// stays (a pause is not a policy): `unpauseSelector` lifts it.
    REMOVE_POLICY = removePolicy(protocol: Address, selector: FixedBytes<4>)
        => g.remove_policy(protocol, selector)?;
    /// Pauses the whole protocol for `duration` seconds: the admin for any duration, a guardian
    /// within its bounds. A pause never shortens one already in force.
    PAUSE_PROTOCOL = pauseProtocol(protocol: Address, duration: u64)
        => g.pause_protocol(protocol, duration)?;
    /// Admin only: lifts the protocol pause and ends any guardian episode.
    UNPAUSE_PROTOCOL = unpauseProtocol(protocol: Address) => g.unpause_protocol(protocol)?;
    /// Pauses one selector for `duration` seconds, as `pauseProtocol` does the protocol. A pause
    /// changes nothing but the pause: a selector without a policy gets none (the admin may pause
    /// one; it keeps following the protocol's screening), and a guardian may pause only a
    /// selector that has a policy (else SelectorNotConfigured).
    PAUSE_SELECTOR = pauseSelector(protocol: Address, selector: FixedBytes<4>, duration: u64)
        => g.pause_selector(protocol, selector, duration)?;
    /// Admin only: lifts a selector pause, manual or tripped, and ends any guardian episode.
    UNPAUSE_SELECTOR = unpauseSelector(protocol: Address, selector: FixedBytes<4>)
        => g.unpause_selector(protocol, selector)?;
    /// Timelocked: proposes `newOwner`, who must accept; the zero address cancels a proposal.
    TRANSFER_OWNERSHIP = transferOwnership(new_owner: Address) => g.transfer_ownership(new_owner)?;
    /// The proposed owner takes over.
    ACCEPT_OWNERSHIP = acceptOwnership() => g.accept_ownership()?;
    /// The only account whose `onStatusChange` pushes are accepted. Zero cuts the feed off; the
    /// statuses already stored stay in force until they expire. Owner only and immediate for the
    /// first link of a guard that never had a registry; timelocked for every later change.
    SET_REGISTRY = setRegistry(registry: Address) => g.set_registry(registry)?;
    /// Timelocked: bounds on guardians, the longest pause (and trip, for new limits) and the wait
    /// after a pause episode. Zero `maxPauseDuration` disables guardian pauses.
    SET_PAUSE_BOUNDS = setPauseBounds(max_pause_duration: u32, pause_cooldown: u32)
        => g.set_pause_bounds(max_pause_duration, pause_cooldown)?;
    /// Timelocked: the delay of owner calls scheduled from now on, 3,600 to 2,592,000 seconds
    /// (InvalidDelay).
    SET_DELAY = setDelay(delay: u64) => g.set_delay(delay)?;
    /// Owner only: schedules `data`, the calldata of a timelocked method of this contract, to run
    /// after the current delay; returns its id, `keccak256(data)`. Checked now: only timelocked
    /// methods (NotTimelockable), well-formed arguments, a delay in range.
    SCHEDULE = schedule(data: Bytes) => g.schedule(data)?;
    /// Owner only: drops scheduled call `id`.
    CANCEL = cancel(id: B256) => g.cancel(id)?;
    /// Owner only: runs scheduled call `data` once due; its own error reverts it (it stays
    /// scheduled).
    EXECUTE = execute(data: Bytes) => g.execute(data)?;
    /// When scheduled call `id` may run (0: not scheduled).
    SCHEDULED_AT = scheduledAt(id: B256) => g.scheduled_at(id);
    /// The owner, the pending owner, the registry, the guardian bounds and the timelock delay.
    GUARD_CONFIG = guardConfig() => g.guard_config();
    /// A protocol's registration, pause, default screening and guardian episode.
    PROTOCOL_INFO = protocolInfo(protocol: Address) => g.protocol_info(protocol);
    /// A selector's policy word as `check` reads it.
    SELECTOR_POLICY = selectorPolicy(protocol: Address, selector: FixedBytes<4>)
        => g.selector_policy(protocol, selector);
    /// A selector's effective rate limit and what a charge could take now.
    RATE_LIMIT = rateLimit(protocol: Address, selector: FixedBytes<4>)
        => g.rate_limit(protocol, selector);
    /// The advisory subjects that pause a selector while confirmed.
    ADVISORY_TAGS = advisoryTags(protocol: Address, selector: FixedBytes<4>)
        => g.advisory_tags(protocol, selector);
    /// The selectors a protocol has configured (at most 32), in configuration order.
    CONFIGURED_SELECTORS = configuredSelectors(protocol: Address) => g.configured_selectors(protocol);
    /// Whether `account` is one of the protocol's guardians.
    IS_GUARDIAN = isGuardian(protocol: Address, account: Address) => g.is_guardian(protocol, account);
    /// The status word last pushed for `subject` (zero if none).
    STATUS_WORD = statusWord(subject: B256) => g.status_word(subject);
}

/// What `schedule` accepts: a call to a timelocked method whose arguments decode (and whose delay
/// is in range), so a bad call fails when it is scheduled, not after the wait.
pub(crate) fn check_timelocked(data: &[u8]) -> crate::Result<()> {
    let (selector, rest) = data.split_first_chunk::<4>().unwrap_or((&[0; 4], &[]));
    let args = Args(rest);
    let well_formed = match u32::from_be_bytes(*selector) {
        SET_REGISTRY | TRANSFER_OWNERSHIP => args.address(0).is_some(),
        SET_PAUSE_BOUNDS => args.u32(0).is_some() && args.u32(1).is_some(),
        SET_DELAY => match args.u64(0) {
            Some(delay) => governance::check_delay(delay).map(|()| true)?,
            None => false,
        },
        _ => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(CircuitGuardError::NotTimelockable(NotTimelockable {
            selector: FixedBytes(*selector),
        }))
    }
}

impl Words for GuardConfig {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.address(self.owner)
            .address(self.pendingOwner)
            .address(self.registry)
            .uint(self.maxPauseDuration as u64)
            .uint(self.pauseCooldown as u64)
            .uint(self.delay);
    }
}

impl Words for ProtocolInfo {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.boolean(self.registered)
            .address(self.admin)
            .uint(self.pausedUntil)
            .uint(self.screening as u64)
            .boolean(self.screenOrigin)
            .uint(self.guardianPauseEnd);
    }
}

impl Words for SelectorPolicy {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.boolean(self.configured)
            .uint(self.pausedUntil)
            .uint(self.protocolPausedUntil)
            .uint(self.screening as u64)
            .boolean(self.screenOrigin)
            .uint(self.tagCount as u64);
    }
}

impl Words for RateLimit {
    const WORDS: usize = 7;
    fn write(&self, out: &mut Out) {
        out.u256(self.capacity)
            .u256(self.refillPerSecond)
            .u256(self.tripLevel)
            .u256(self.rearmLevel)
            .u256(self.available)
            .u256(self.unit)
            .boolean(self.tripped);
    }
}

/// Runs `input` in the extension program on the guard's storage. The storage cache is written and
/// emptied first, so each side reads what the other wrote.
pub(crate) fn delegate(g: &mut CircuitGuard, input: &[u8]) -> ArbResult {
    let extension = g.extension.get();
    #[cfg(not(test))]
    // SAFETY: no storage reference is held across the call; the cache is flushed and cleared.
    unsafe {
        use stylus_sdk::prelude::HostAccess;
        stylus_sdk::call::RawCall::new_delegate(g.vm())
            .clear_storage_cache()
            .call(extension, input)
    }
    // The native tests run both tables on one TestVM, which is what DELEGATECALL amounts to: the
    // same storage, sender and value. The devnet's tests run the real call.
    #[cfg(test)]
    {
        let _ = extension;
        route(g, input)
    }
}

#[cfg(feature = "extension")]
vigil_common::entrypoint!(CircuitGuard, route);
