//! The registry's second program. One Stylus program may hold at most 24 KiB of compressed code,
//! and the registry outgrew it; so the calls that no hot path makes (governance, emergency
//! actions, advisory reveals, guard repair, and the views off-chain readers use) live in a second
//! program that the registry reaches by DELEGATECALL. It runs on the registry's storage, with the
//! registry's address, sender and value: to every caller it is one contract with one interface
//! (`interfaces/IThreatRegistry.sol`). Reports, stake, disputes and the consumers' views
//! (`isFlagged`, `statusOf`) stay in the registry itself and pay nothing for the split.
//!
//! The extension's address is fixed by the registry's constructor and can never change: whoever
//! could repoint it could run any code on the registry's funds. The extension program holds
//! nothing of its own; called directly, it acts on its own empty storage (no owner, no resolver,
//! no funds), so it can do nothing there.
//!
//! The program itself is built from this crate with the `extension` feature
//! (`contracts/registry-extension`), which swaps the entrypoint to the table below.

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, B256};
use stylus_sdk::{abi::Bytes, ArbResult};
use vigil_common::abi::{Args, Decode};

use crate::{params, NotTimelockable, Params, RegistryError, ThreatRegistry};

vigil_common::router! {
    /// The extension program's calls, on the registry's storage.
    pub fn route(r: &mut ThreatRegistry) -> crate::RegistryError;
    /// Publishes the details behind an advisory whose flag committed to `keccak256(details)`.
    REVEAL = reveal(subject: B256, details: Bytes) => r.reveal(subject, details)?;
    /// Resolver only: confirms `subject` at once (a live flag is settled as if upheld, otherwise a
    /// reporter-less flag is created); returns the flag's id.
    EMERGENCY_CONFIRM = emergencyConfirm(subject: B256, category: u8, severity: u8, ttl: u64, rationale: B256)
        => r.emergency_confirm(subject, category, severity, ttl, rationale)?;
    /// Resolver only: removes the live flag on `subject` at once; locks are released unslashed
    /// and an open dispute's bond is refunded.
    EMERGENCY_REMOVE = emergencyRemove(subject: B256, rationale: B256)
        => r.emergency_remove(subject, rationale)?;
    /// Timelocked: proposes `newOwner`, who must accept; the zero address cancels a proposal.
    TRANSFER_OWNERSHIP = transferOwnership(new_owner: Address) => r.transfer_ownership(new_owner)?;
    /// The proposed owner takes over.
    ACCEPT_OWNERSHIP = acceptOwnership() => r.accept_ownership()?;
    /// Disabling a resolver: owner, at once. Enabling one: timelocked.
    SET_RESOLVER = setResolver(account: Address, enabled: bool) => r.set_resolver(account, enabled)?;
    /// Timelocked: links the guard that receives every status change; zero unlinks it. Repair the
    /// new guard's copy with `syncGuard`.
    SET_GUARD = setGuard(guard: Address) => r.set_guard(guard)?;
    /// Pausing new reports (submit, corroborate): owner, at once. Resuming: timelocked. Everything
    /// else keeps working.
    SET_SUBMISSIONS_PAUSED = setSubmissionsPaused(paused: bool) => r.set_submissions_paused(paused)?;
    /// Timelocked: makes `params` the next version; open flags keep theirs.
    SET_PARAMS = setParams(params: Params) => r.set_params(params)?;
    /// Timelocked: sends the slashed funds accrued to the treasury to `to`.
    SWEEP_TREASURY = sweepTreasury(to: Address) => r.sweep_treasury(to)?;
    /// Owner only: schedules `data`, the calldata of a timelocked method of this contract, to run
    /// after the current `paramsDelay`; returns its id, `keccak256(data)`. Checked now: only
    /// timelocked methods, well-formed arguments, valid parameters.
    SCHEDULE = schedule(data: Bytes) => r.schedule(data)?;
    /// Owner only: drops scheduled call `id`.
    CANCEL = cancel(id: B256) => r.cancel(id)?;
    /// Owner only: runs scheduled call `data` once due; its own error reverts it (it stays
    /// scheduled).
    EXECUTE = execute(data: Bytes) => r.execute(data)?;
    /// When scheduled call `id` may run (0: not scheduled).
    SCHEDULED_AT = scheduledAt(id: B256) => r.scheduled_at(id);
    /// Anyone: pushes the registry's current status of each subject (at most 32) to the guard, so
    /// a re-linked guard or a push it missed is repaired in one call. Idempotent.
    SYNC_GUARD = syncGuard(subjects: Vec<B256>) => r.sync_guard(subjects)?;
    /// One flag's record.
    FLAG_INFO = flagInfo(flag_id: u32) => r.flag_info(flag_id)?;
    /// What `reporter` locked in flag `flagId` and the weight it added (zero: no report there).
    REPORT_OF = reportOf(flag_id: u32, reporter: Address) => r.report_of(flag_id, reporter)?;
    /// A reporter's stake and standing.
    REPORTER_INFO = reporterInfo(reporter: Address) => r.reporter_info(reporter);
    /// The parameters of `version` (a flag's `rulesVersion`); 0 means current.
    PARAMS_AT = paramsAt(version: u32) => r.params_at(version)?;
    /// Registry-wide settings.
    CONFIG = config() => r.config();
    IS_RESOLVER = isResolver(account: Address) => r.is_resolver(account);
    /// ETH credited to `account`, to be claimed.
    CLAIMABLE = claimable(account: Address) => r.claimable(account);
    /// The four sums whose total equals the contract's balance.
    ACCOUNTING = accounting() => r.accounting();
}

/// What `schedule` accepts: a call to a timelocked method whose arguments decode (and whose
/// parameters validate), so a bad call fails when it is scheduled, not after the wait.
pub(crate) fn check_timelocked(data: &[u8]) -> crate::Result<()> {
    let (selector, rest) = data.split_first_chunk::<4>().unwrap_or((&[0; 4], &[]));
    let args = Args(rest);
    let well_formed = match u32::from_be_bytes(*selector) {
        SET_RESOLVER => args.address(0).is_some() && args.boolean(1).is_some(),
        SET_GUARD | SWEEP_TREASURY | TRANSFER_OWNERSHIP => args.address(0).is_some(),
        SET_SUBMISSIONS_PAUSED => args.boolean(0).is_some(),
        SET_PARAMS => match Params::decode(args, 0) {
            Some(p) => params::validate(&p).map(|()| true)?,
            None => false,
        },
        _ => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(RegistryError::NotTimelockable(NotTimelockable {
            selector: FixedBytes(*selector),
        }))
    }
}

/// Runs `input` in the extension program on the registry's storage. The storage cache is written
/// and emptied first, so each side reads what the other wrote.
pub(crate) fn delegate(r: &mut ThreatRegistry, input: &[u8]) -> ArbResult {
    let extension = r.extension.get();
    #[cfg(not(test))]
    // SAFETY: no storage reference is held across the call; the cache is flushed and cleared.
    unsafe {
        use stylus_sdk::prelude::HostAccess;
        stylus_sdk::call::RawCall::new_delegate(r.vm())
            .clear_storage_cache()
            .call(extension, input)
    }
    // The native tests run both tables on one TestVM, which is what DELEGATECALL amounts to: the
    // same storage, sender and value. The devnet's tests run the real call.
    #[cfg(test)]
    {
        let _ = extension;
        route(r, input)
    }
}

#[cfg(feature = "extension")]
vigil_common::entrypoint!(ThreatRegistry, route);
