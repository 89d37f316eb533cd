//! CircuitGuard: the contract protocols ask before every value-moving call.
//!
//! A protocol registers itself (`registerProtocol(admin)`, normally from `Guarded`'s constructor)
//! and calls `check(caller, selector, amount)` at the top of each guarded function. `check` reverts
//! with the reason (protocol paused, selector paused, advisory active, caller flagged, rate
//! limited, in that order) or returns. The ThreatRegistry pushes every status change into
//! `onStatusChange`, so `check` never calls out and a confirmation protects every protocol in the
//! transaction that confirms it.
//!
//! # Where things are
//! This file is the ABI: the storage layout and one `#[public]` method per function, each
//! delegating to the module that owns its concept.
//! - [`evaluate`]: the hot path (`check`, `preview`, `screen`) and the status feed it reads.
//! - [`policy`]: per-selector screening, rate limits ([`bucket`]) and advisory tags.
//! - [`pause`]: protocol and selector pauses, guardian bounds.
//! - [`roles`]: owner, registration, admins and guardians.
//! - [`governance`]: the owner's powers (the registry link, guardian bounds, ownership, the delay)
//!   behind a public delay.
//! - [`views`]: read-only answers, as named structs.
//! - [`errors`] and [`events`]: the ABI's errors and logs; [`word`]: the packed storage words.
//! - [`router`]: the deployed entrypoint and the hot path's table; [`extension`]: the second
//!   program's table; [`client`]: calling the guard from a Stylus protocol.
//!
//! # Gas: configure the selectors you guard
//! A configured selector is decided from one storage word (see [`word::SelectorWord`]), plus the
//! caller's status word when screening is on (and its code's status word in code-hash mode), plus
//! a tag word and a status word per advisory tag. A selector without a policy falls back to the
//! protocol's word: one more cold read (three with screening). Any configuration call by the admin
//! (`setScreening`, `setRateLimit`, `setAdvisoryTags`) puts a selector on the fast path; a pause
//! does not (a pause is not a policy). A protocol may configure up to [`MAX_SELECTORS`] and frees a
//! slot with `removePolicy`.
//!
//! # Program
//! Two programs behind one address: the guard's entrypoint (`router`) runs the hot path and passes
//! every other call by DELEGATECALL to the extension program ([`extension`], built from this crate
//! with the `extension` feature by `contracts/guard-extension`), so a guarded call pays entry gas
//! for the hot path's code only. Both entrypoints are hand-written ABI routers in place of the
//! SDK's, which keeps the data segment (charged on every call) small; the `#[public]` impl below is
//! still the one definition of the ABI. A Stylus protocol that only wants the [`client`] depends on
//! this crate with `default-features = false`.
//!
//! # Exits
//! The guard pauses whatever a protocol puts behind it. Functions that return users' own funds
//! (repay, withdraw own collateral, emergency exit) should stay unguarded, or at least not
//! rate-limited, so that a pause or a drained bucket never traps honest users.

#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

pub mod bucket;
pub mod client;
pub mod errors;
pub mod evaluate;
pub mod events;
pub mod extension;
pub mod governance;
pub mod pause;
pub mod policy;
pub mod roles;
pub mod router;
pub mod views;
pub mod word;

#[cfg(test)]
mod tests;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, Bytes, FixedBytes, B256, U256};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageArray, StorageB256, StorageBool, StorageFixedBytes, StorageU256,
        StorageU32, StorageVec,
    },
};

use vigil_common::{ownable::Ownable2Step, Map};

pub use errors::*;
pub use events::*;
pub use governance::{DEFAULT_DELAY, MAX_DELAY, MIN_DELAY};
pub use pause::{DEFAULT_MAX_PAUSE, DEFAULT_PAUSE_COOLDOWN};
pub use policy::MAX_SELECTORS;
pub use views::{GuardConfig, ProtocolInfo, RateLimit, SelectorPolicy};
pub use word::SCREEN_CODE;

#[storage]
pub struct CircuitGuard {
    /// Hot: (protocol ++ selector) -> packed [`word::SelectorWord`]. The 24-byte key is the whole
    /// preimage, so one keccak finds the slot.
    selectors: Map<FixedBytes<24>, StorageU256>,
    /// Hot: subject -> the registry's status word, verbatim.
    statuses: Map<B256, StorageU256>,
    /// Cold: protocol -> packed [`word::ProtocolWord`].
    protocols: Map<Address, StorageU256>,
    /// Read only when the selector word's tag count is non-zero.
    tags: Map<FixedBytes<24>, StorageArray<StorageB256, 4>>,
    /// Protocol -> its configured selectors, for keeping the protocol pause copies in sync.
    configured: Map<Address, StorageVec<StorageFixedBytes<4>>>,
    guardians: Map<Address, Map<Address, StorageBool>>,
    /// The guard owner and the proposed next one (two slots).
    ownership: Ownable2Step,
    /// The registry, the guardian pause bound and the guardian cooldown share one slot.
    registry: StorageAddress,
    max_pause: StorageU32,
    pause_cooldown: StorageU32,
    /// The program that runs the calls of `extension::route`, fixed at construction.
    extension: StorageAddress,
}

// What `#[entrypoint]` would declare: mutable access to this struct is access to all the program's
// state. The entrypoints are `router`'s and `extension`'s `user_entrypoint`.
unsafe impl TopLevelStorage for CircuitGuard {}

type U32 = alloy_primitives::Uint<32, 1>;

/// The key of a (protocol, selector) policy: the 24 bytes are the whole keccak preimage.
fn policy_key(protocol: Address, selector: FixedBytes<4>) -> FixedBytes<24> {
    // Element by element: at opt-level "z" a `copy_from_slice` is an out-of-line call, this is
    // straight loads and stores (the key is built on every `check`).
    let (p, s) = (protocol.0 .0, selector.0);
    FixedBytes([
        p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13],
        p[14], p[15], p[16], p[17], p[18], p[19], s[0], s[1], s[2], s[3],
    ])
}

/// The ABI, with its Solidity parameter names (hence camelCase). The logic is in the module named;
/// the functions' NatSpec is in the router table.
#[public]
#[allow(non_snake_case)]
impl CircuitGuard {
    /// Sets the guard owner (explicit: a StylusDeployer deployment runs this with the deployer as
    /// `msg.sender`), the extension program for good, and the default guardian bounds.
    #[constructor]
    pub fn constructor(&mut self, owner: Address, extension: Address) -> Result<()> {
        roles::constructor(self, owner, extension)
    }

    // ---- hot path: evaluate ----------------------------------------------------------------

    /// Called by a protocol before a guarded call: reverts with the first verdict that applies,
    /// else charges `amount` to the selector's rate limit.
    pub fn check(&mut self, caller: Address, selector: FixedBytes<4>, amount: U256) -> Result<()> {
        evaluate::check(self, caller, selector, amount)
    }

    /// The calling protocol's inflow of `amount`, credited to the bucket of `selector`.
    pub fn credit(&mut self, selector: FixedBytes<4>, amount: U256) -> Result<()> {
        evaluate::credit(self, selector, amount);
        Ok(())
    }

    /// Screens a counterparty under the calling protocol's policy for `selector`.
    pub fn screen(&self, account: Address, selector: FixedBytes<4>) -> Result<()> {
        evaluate::screen(self, account, selector)
    }

    /// `check`'s verdict without its effects: empty if `check` would pass, else the exact revert
    /// data it would produce. `tx.origin` screening uses this call's origin.
    pub fn preview(
        &self,
        protocol: Address,
        caller: Address,
        selector: FixedBytes<4>,
        amount: U256,
    ) -> Bytes {
        self.verdict(protocol, caller, selector, amount).into()
    }

    /// The registry's push of a subject's status word (a repeat changes nothing).
    pub fn on_status_change(&mut self, subject: B256, status: U256) -> Result<()> {
        evaluate::on_status_change(self, subject, status)
    }

    // ---- roles -----------------------------------------------------------------------------

    /// Registers `msg.sender` as a protocol administered by `admin`.
    pub fn register_protocol(&mut self, admin: Address) -> Result<()> {
        roles::register_protocol(self, admin)
    }

    /// Hands the protocol to a new admin, in one step.
    pub fn set_admin(&mut self, protocol: Address, admin: Address) -> Result<()> {
        roles::set_admin(self, protocol, admin)
    }

    /// Appoints or removes a guardian: an account that may only pause, within bounds.
    pub fn set_guardian(
        &mut self,
        protocol: Address,
        guardian: Address,
        enabled: bool,
    ) -> Result<()> {
        roles::set_guardian(self, protocol, guardian, enabled)
    }

    // ---- policy ----------------------------------------------------------------------------

    /// Screening for selectors without a policy, and the default new policies start with.
    pub fn set_protocol_screening(
        &mut self,
        protocol: Address,
        mode: u8,
        screenOrigin: bool,
    ) -> Result<()> {
        policy::set_protocol_screening(self, protocol, mode, screenOrigin)
    }

    /// The selector's screening: 0 confirmed, 1 watch and above, 2 off.
    pub fn set_screening(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        mode: u8,
        screenOrigin: bool,
    ) -> Result<()> {
        policy::set_screening(self, protocol, selector, mode, screenOrigin)
    }

    /// The selector's token bucket on `amount`, with an optional trip and re-arm level.
    #[allow(clippy::too_many_arguments)]
    pub fn set_rate_limit(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        enabled: bool,
        capacity: U256,
        refillPerSecond: U256,
        tripLevel: U256,
        rearmLevel: U256,
    ) -> Result<()> {
        policy::set_rate_limit(
            self,
            protocol,
            selector,
            enabled,
            capacity,
            refillPerSecond,
            tripLevel,
            rearmLevel,
        )
    }

    /// Pauses the selector while any of `tags` (advisory subjects) is confirmed.
    pub fn set_advisory_tags(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        tags: Vec<B256>,
    ) -> Result<()> {
        policy::set_advisory_tags(self, protocol, selector, tags)
    }

    /// Removes the selector's own policy and frees its slot.
    pub fn remove_policy(&mut self, protocol: Address, selector: FixedBytes<4>) -> Result<()> {
        policy::remove_policy(self, protocol, selector)
    }

    // ---- pause -----------------------------------------------------------------------------

    /// Pauses the whole protocol for `duration` seconds (admin, or a guardian within bounds).
    pub fn pause_protocol(&mut self, protocol: Address, duration: u64) -> Result<()> {
        pause::pause_protocol(self, protocol, duration)
    }

    /// Admin only: lifts the protocol pause and ends any guardian episode.
    pub fn unpause_protocol(&mut self, protocol: Address) -> Result<()> {
        pause::unpause_protocol(self, protocol)
    }

    /// Pauses one selector for `duration` seconds (admin, or a guardian within bounds).
    pub fn pause_selector(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        duration: u64,
    ) -> Result<()> {
        pause::pause_selector(self, protocol, selector, duration)
    }

    /// Admin only: lifts a selector pause, manual or tripped, and ends any guardian episode.
    pub fn unpause_selector(&mut self, protocol: Address, selector: FixedBytes<4>) -> Result<()> {
        pause::unpause_selector(self, protocol, selector)
    }

    // ---- guard owner -----------------------------------------------------------------------

    /// Timelocked: starts a two-step ownership transfer; the zero address cancels a pending one.
    pub fn transfer_ownership(&mut self, newOwner: Address) -> Result<()> {
        roles::transfer_ownership(self, newOwner)
    }

    /// Completes a transfer: only the pending owner may call it.
    pub fn accept_ownership(&mut self) -> Result<()> {
        roles::accept_ownership(self)
    }

    /// The only account whose status pushes are accepted; zero cuts the feed off. Timelocked but
    /// for the first link.
    pub fn set_registry(&mut self, registry: Address) -> Result<()> {
        governance::set_registry(self, registry)
    }

    /// Timelocked: bounds on guardians, the longest pause and the wait after a pause episode.
    pub fn set_pause_bounds(&mut self, maxPauseDuration: u32, pauseCooldown: u32) -> Result<()> {
        pause::set_pause_bounds(self, maxPauseDuration, pauseCooldown)
    }

    /// Timelocked: the delay of owner calls scheduled from now on.
    pub fn set_delay(&mut self, delay: u64) -> Result<()> {
        governance::set_delay(self, delay)
    }

    /// Owner only: schedules a timelocked call behind the current delay; returns its id.
    pub fn schedule(&mut self, data: Bytes) -> Result<B256> {
        governance::schedule(self, &data)
    }

    /// Owner only: drops scheduled call `id`.
    pub fn cancel(&mut self, id: B256) -> Result<()> {
        governance::cancel(self, id)
    }

    /// Owner only: runs a scheduled call once due.
    pub fn execute(&mut self, data: Bytes) -> Result<()> {
        governance::execute(self, &data)
    }

    // ---- views -----------------------------------------------------------------------------

    /// The owner, the pending owner, the registry, the guardian bounds and the delay.
    pub fn guard_config(&self) -> GuardConfig {
        views::guard_config(self)
    }

    /// When scheduled call `id` may run (0: not scheduled).
    pub fn scheduled_at(&self, id: B256) -> u64 {
        governance::scheduled_at(self, id)
    }

    /// A protocol's registration, pause, default screening and guardian episode.
    pub fn protocol_info(&self, protocol: Address) -> ProtocolInfo {
        views::protocol_info(self, protocol)
    }

    /// A selector's policy word as `check` reads it.
    pub fn selector_policy(&self, protocol: Address, selector: FixedBytes<4>) -> SelectorPolicy {
        views::selector_policy(self, protocol, selector)
    }

    /// A selector's effective rate limit and what a charge could take now.
    pub fn rate_limit(&self, protocol: Address, selector: FixedBytes<4>) -> RateLimit {
        views::rate_limit(self, protocol, selector)
    }

    /// The advisory subjects that pause a selector while confirmed.
    pub fn advisory_tags(&self, protocol: Address, selector: FixedBytes<4>) -> Vec<B256> {
        views::advisory_tags(self, protocol, selector)
    }

    /// The selectors a protocol has configured, in configuration order.
    pub fn configured_selectors(&self, protocol: Address) -> Vec<FixedBytes<4>> {
        views::configured_selectors(self, protocol)
    }

    /// Whether `account` is one of the protocol's guardians.
    pub fn is_guardian(&self, protocol: Address, account: Address) -> bool {
        views::is_guardian(self, protocol, account)
    }

    /// The status word last pushed for `subject` (zero if none).
    pub fn status_word(&self, subject: B256) -> U256 {
        views::status_word(self, subject)
    }
}
