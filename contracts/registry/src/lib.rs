//! ThreatRegistry: staked reporters flag attacker addresses, exploit code hashes and vulnerability
//! advisories; flags gain reputation-weighted score and are confirmed at a threshold; anyone may
//! dispute with a bond; resolvers (governance multisigs) decide; false flags are slashed.
//!
//! # Where things are
//! This file is the ABI: one `#[public]` method per function, each delegating to the module that
//! owns its concept.
//! - [`staking`]: stake, unbonding, the stake reports lock, credits and payouts.
//! - [`flags`]: submit, corroborate (and displacement), renew, reveal, release; status writes and
//!   the guard push.
//! - [`disputes`]: dispute, resolve, lapse, emergency actions, settling a flag's reporters.
//! - [`governance`]: ownership, resolvers, the guard link, the pause, parameters, the treasury.
//! - [`views`]: read-only answers, as named structs ([`types`]).
//! - [`errors`] and [`events`]: the ABI's errors and logs; [`storage`]: the layout; [`params`]:
//!   the packed parameter versions; [`math`]: weight, score and payout arithmetic.
//! - [`router`]: the deployed entrypoint and its routing table; [`extension`]: the second program
//!   that holds the calls no hot path makes, reached by DELEGATECALL.
//!
//! # Design decisions (docs/design.md §5 states the economics with their costs)
//! - Weight is value at risk: a report locks its free warm stake up to `stakeCap` until the flag
//!   is settled, its weight is that lock scaled by reputation (never above it), and a rejected
//!   flag slashes `slashBps` of each lock. One false confirmation costs at least
//!   `confirmScore * slashBps / 10,000`.
//! - Reputation starts at half and only rises (a shared, per-period-capped pool per confirmed
//!   flag), except to zero on a rejected flag; so no address out-weighs an established one with
//!   the same stake and a fresh address is never a reset.
//! - A full flag takes a heavier reporter in place of its weakest, so light sybils cannot squat a
//!   true flag below confirmation.
//! - Rules are versioned, not copied: a flag stores the parameter version in force at submission
//!   and every later decision about it reads that version.
//! - Disputes are per flag, open until `disputeWindow` after the flag ends, and lapse (bond back,
//!   flag stands) when no impartial resolver decides within `disputeDeadline`. A dispute never
//!   lowers the level: an attacker cannot escape by disputing itself. The victim is paid from the
//!   slash whoever disputed; a reporter disputing its own flag earns nothing.
//! - Settlement loops are bounded (at most `maxReporters`, itself at most 32).
//! - Emergency removal releases locks without slashing and refunds an open dispute: it is a safety
//!   lever, judgment belongs to the dispute path. Emergency confirmation settles like an upheld
//!   dispute.
//! - The guard cannot stop the registry: each status change is pushed with a fixed gas budget
//!   that the transaction must be able to give (else it reverts `GuardGasTooLow`, so a
//!   confirmation cannot skip the guard by starving the push); a push the guard refuses is logged
//!   (`GuardSyncSkipped`) and anyone repairs the guard's copy later with `syncGuard`.
//! - Owner powers that can hurt users are timelocked behind `paramsDelay` (`governance`).
//!
//! Parameter names are camelCase here because the SDK's export-abi prints them as written, and
//! they are the Solidity interface's names.

#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

pub mod disputes;
pub mod errors;
pub mod events;
pub mod extension;
pub mod flags;
pub mod governance;
pub mod math;
pub mod params;
pub mod router;
pub mod staking;
pub mod storage;
pub mod types;
pub mod views;

#[cfg(test)]
mod tests;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{abi::Bytes, prelude::*};

pub use errors::*;
pub use events::*;
pub use storage::ThreatRegistry;
pub use types::*;

/// Highest category code: exploit, phishing, sanctions, compromised key, vulnerable code, scam, other.
pub const CATEGORY_MAX: u8 = 7;

sol_interface! {
    /// The CircuitGuard's side of the link: it keeps its own copy of every subject's status word.
    interface IStatusSink {
        function onStatusChange(bytes32 subject, uint256 status) external;
    }
}

/// The ABI, one method per Solidity function; the logic is in the module named. The NatSpec the
/// interface publishes is the router table's (`router.rs`); the one-line docs here say which is which.
#[public]
#[allow(non_snake_case)]
impl ThreatRegistry {
    /// Sets the owner (explicit: inside a Stylus constructor the sender is the deployer contract)
    /// and the first parameters.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        params: Params,
        extension: Address,
        guard: Address,
        resolvers: Vec<Address>,
    ) -> Result<()> {
        governance::constructor(self, owner, params, extension, guard, resolvers)
    }

    // ---- staking -------------------------------------------------------------------------

    /// Adds the sent ETH to the caller's stake; it counts toward weight after `stakeWarmup`.
    #[payable]
    pub fn stake(&mut self) -> Result<()> {
        staking::stake(self)
    }

    /// Starts unbonding `amount` of the caller's free stake.
    pub fn request_unstake(&mut self, amount: U256) -> Result<()> {
        staking::request_unstake(self, amount)
    }

    /// Pays out the caller's unbonded stake once the delay has passed.
    pub fn withdraw(&mut self) -> Result<()> {
        staking::withdraw(self)
    }

    /// Pays out everything credited to the caller.
    pub fn claim(&mut self) -> Result<()> {
        staking::claim(self)
    }

    // ---- flags ---------------------------------------------------------------------------

    /// Opens a flag on `subject`, locking the caller's stake behind it, or corroborates its live
    /// flag and keeps it live for at least `ttl`; returns the flag's id.
    pub fn submit(
        &mut self,
        subject: B256,
        category: u8,
        severity: u8,
        evidence: B256,
        ttl: u64,
    ) -> Result<u32> {
        flags::submit(self, subject, category, severity, evidence, ttl)
    }

    /// Adds the caller's weight to the live flag on `subject` (displacing the weakest of a full
    /// flag); `severity` 0 keeps the flag's severity, 1-4 may raise it.
    pub fn corroborate(&mut self, subject: B256, severity: u8, evidence: B256) -> Result<()> {
        flags::corroborate(self, subject, severity, evidence)
    }

    /// Keeps a live flag in force for its time to live from now (its reporters only).
    pub fn renew(&mut self, subject: B256) -> Result<()> {
        flags::renew(self, subject)
    }

    /// Publishes the details an advisory's flag committed to.
    pub fn reveal(&mut self, subject: B256, details: Bytes) -> Result<()> {
        flags::reveal(self, subject, details)
    }

    // ---- disputes, and the release of flags that ended without one ---------------------

    /// Disputes flag `flagId`, posting exactly its `disputeBond` (the victim may join without).
    #[payable]
    pub fn dispute(&mut self, flagId: u32, evidence: B256) -> Result<()> {
        disputes::dispute(self, flagId, evidence)
    }

    /// Returns the locks of a flag whose dispute window closed (anyone may call it).
    pub fn release(&mut self, flagId: u32) -> Result<()> {
        flags::release(self, flagId)
    }

    /// Resolver only (and not a party): decides flag `flagId`'s open dispute.
    pub fn resolve(&mut self, flagId: u32, upheld: bool, rationale: B256) -> Result<()> {
        disputes::resolve(self, flagId, upheld, rationale)
    }

    /// Ends a dispute undecided past `disputeDeadline`: bond refunded, flag stands.
    pub fn lapse_dispute(&mut self, flagId: u32) -> Result<()> {
        disputes::lapse_dispute(self, flagId)
    }

    /// Resolver only: confirms `subject` at once; returns the flag's id.
    pub fn emergency_confirm(
        &mut self,
        subject: B256,
        category: u8,
        severity: u8,
        ttl: u64,
        rationale: B256,
    ) -> Result<u32> {
        disputes::emergency_confirm(self, subject, category, severity, ttl, rationale)
    }

    /// Resolver only: removes the live flag on `subject` at once, without slashing.
    pub fn emergency_remove(&mut self, subject: B256, rationale: B256) -> Result<()> {
        disputes::emergency_remove(self, subject, rationale)
    }

    // ---- governance ----------------------------------------------------------------------

    /// Timelocked: proposes `newOwner` (zero cancels a proposal).
    pub fn transfer_ownership(&mut self, newOwner: Address) -> Result<()> {
        governance::transfer_ownership(self, newOwner)
    }

    /// The proposed owner takes over.
    pub fn accept_ownership(&mut self) -> Result<()> {
        Ok(self.ownership.accept_ownership()?)
    }

    /// Disabling a resolver: owner. Enabling one: timelocked.
    pub fn set_resolver(&mut self, account: Address, enabled: bool) -> Result<()> {
        governance::set_resolver(self, account, enabled)
    }

    /// Timelocked: links the guard that receives every status change (zero unlinks).
    pub fn set_guard(&mut self, guard: Address) -> Result<()> {
        governance::set_guard(self, guard)
    }

    /// Pausing new reports: owner. Resuming them: timelocked.
    pub fn set_submissions_paused(&mut self, paused: bool) -> Result<()> {
        governance::set_submissions_paused(self, paused)
    }

    /// Timelocked: makes `params` the next version.
    pub fn set_params(&mut self, params: Params) -> Result<()> {
        governance::set_params(self, params)
    }

    /// Timelocked: sends the treasury's slashed funds to `to`.
    pub fn sweep_treasury(&mut self, to: Address) -> Result<()> {
        governance::sweep_treasury(self, to)
    }

    /// Owner only: schedules a timelocked call behind the current `paramsDelay`; returns its id.
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

    /// When scheduled call `id` may run (0: not scheduled).
    pub fn scheduled_at(&self, id: B256) -> u64 {
        self.timelock.eta(id)
    }

    /// Anyone: re-pushes the current status of up to 32 subjects to the guard.
    pub fn sync_guard(&mut self, subjects: Vec<B256>) -> Result<()> {
        flags::sync_guard(self, subjects)
    }

    // ---- views ---------------------------------------------------------------------------

    /// True while `account` has a confirmed, unexpired flag.
    pub fn is_flagged(&self, account: Address) -> bool {
        views::is_flagged(self, account)
    }

    /// Same as `isFlagged`, for consumers of the Chainalysis sanctions-oracle interface.
    pub fn is_sanctioned(&self, account: Address) -> bool {
        views::is_flagged(self, account)
    }

    pub fn status_of(&self, subject: B256) -> SubjectStatus {
        views::status_of(self, subject)
    }

    /// True while `account`'s runtime code has a confirmed, unexpired code-hash flag.
    pub fn is_flagged_code(&self, account: Address) -> bool {
        views::is_flagged_code(self, account)
    }

    /// The status of `account`'s runtime code's subject.
    pub fn status_of_code(&self, account: Address) -> SubjectStatus {
        views::status_of_code(self, account)
    }

    pub fn flag_info(&self, flagId: u32) -> Result<FlagInfo> {
        views::flag_info(self, flagId)
    }

    pub fn report_of(&self, flagId: u32, reporter: Address) -> Result<Report> {
        views::report_of(self, flagId, reporter)
    }

    pub fn reporter_info(&self, reporter: Address) -> ReporterInfo {
        views::reporter_info(self, reporter)
    }

    /// The parameters of `version`; 0 means current.
    pub fn params_at(&self, version: u32) -> Result<Params> {
        views::params_at(self, version)
    }

    pub fn config(&self) -> RegistryConfig {
        views::config(self)
    }

    pub fn is_resolver(&self, account: Address) -> bool {
        self.resolvers.get(account)
    }

    pub fn claimable(&self, account: Address) -> U256 {
        self.claimable.get(account)
    }

    /// The four sums whose total must equal the contract's balance.
    pub fn accounting(&self) -> Accounting {
        views::accounting(self)
    }
}
