//! Owner powers that can hurt users wait out a public delay: the owner schedules the exact call
//! (`schedule(data)`, where `data` is the ABI-encoded call to the contract itself), anyone can
//! read it in the `CallScheduled` log during the delay, and only then may the owner run it
//! (`execute(data)`); `cancel(id)` drops it. This is the shape of OpenZeppelin's
//! `TimelockController`, kept inside each contract so that no deployment can leave the delay out.
//!
//! A timelocked method is an ordinary routed method whose first line is
//! [`Timelock::only_executing`]: called directly it fails; called through `execute` it runs with
//! the owner as the sender. The flag that tells the two apart is a storage word set for the
//! duration of `execute` only (written twice in one transaction, so its net cost is small), which
//! keeps the check free of globals that native tests running in parallel would share.
//!
//! Why the data and not a typed queue per power: one mechanism covers every power (appointing a
//! resolver, re-linking the feed, moving ownership, parameters) with the same three calls a
//! multisig already knows, and the log carries the values themselves.
//!
//! Each contract validates the data when it is scheduled (only its timelocked selectors, well
//! formed arguments) and maps [`TimelockError`] into its own errors, as with
//! [`ownable`](crate::ownable).

// `#[storage]` expands to code that names `vec!` and `Vec`.
use alloc::{vec, vec::Vec};
use alloy_primitives::{B256, U64};
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageU64},
};

use crate::{abi::Out, log, topic0};

crate::sol_items! {
    /// The three events, for the exported interface.
    pub const EVENTS;

    /// The owner scheduled `data`, a call to this contract; the owner may execute it from `eta`.
    /// `id` is `keccak256(data)`.
    event CallScheduled(bytes32 indexed id, uint64 eta, bytes data);
    /// The owner dropped scheduled call `id`.
    event CallCancelled(bytes32 indexed id);
    /// Scheduled call `id` ran.
    event CallExecuted(bytes32 indexed id);
}

/// Why a timelock operation failed, for the contract to turn into its own revert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelockError {
    /// No call with this id is scheduled.
    NotScheduled(B256),
    /// The call may run from `eta`.
    NotReady(B256, u64),
    /// The same call is already scheduled (cancel it first to restart its delay).
    AlreadyScheduled(B256),
    /// A timelocked method was called directly, or `execute` was re-entered.
    NotExecuting,
}

/// Scheduled calls by id, and the flag that marks an `execute` in progress.
#[storage]
pub struct Timelock {
    eta: crate::Map<B256, StorageU64>,
    executing: StorageBool,
}

impl Timelock {
    /// When call `id` may run; 0 when it is not scheduled.
    pub fn eta(&self, id: B256) -> u64 {
        self.eta.get(id).to::<u64>()
    }

    /// Schedules `data` to run no earlier than `delay` seconds from now; returns its id. The
    /// caller has checked the owner and the data.
    pub fn schedule(&mut self, data: &[u8], delay: u64) -> Result<B256, TimelockError> {
        let id = self.vm().native_keccak256(data);
        if self.eta(id) != 0 {
            return Err(TimelockError::AlreadyScheduled(id));
        }
        let eta = self.vm().block_timestamp().saturating_add(delay).max(1);
        self.eta.setter(id).set(U64::from(eta));
        let event = Out::with_capacity(3 + data.len().div_ceil(32))
            .uint(eta)
            .uint(64)
            .uint(data.len() as u64)
            .padded(data)
            .finish();
        log::emit_bytes(self.vm(), topic0!(CallScheduled), &[id], &event);
        Ok(id)
    }

    /// Drops scheduled call `id`. The caller has checked the owner.
    pub fn cancel(&mut self, id: B256) -> Result<(), TimelockError> {
        if self.eta(id) == 0 {
            return Err(TimelockError::NotScheduled(id));
        }
        self.eta.delete(id);
        log::emit(self.vm(), topic0!(CallCancelled), &[id], &[]);
        Ok(())
    }

    /// Starts running `data`: it must be scheduled and due, and no other `execute` may be running.
    /// The schedule is consumed, so a call runs once per scheduling. The caller has checked the
    /// owner, then routes `data` and calls [`Timelock::finish`].
    pub fn begin(&mut self, data: &[u8]) -> Result<B256, TimelockError> {
        if self.executing.get() {
            return Err(TimelockError::NotExecuting);
        }
        let id = self.vm().native_keccak256(data);
        let eta = self.eta(id);
        if eta == 0 {
            return Err(TimelockError::NotScheduled(id));
        }
        if self.vm().block_timestamp() < eta {
            return Err(TimelockError::NotReady(id, eta));
        }
        self.eta.delete(id);
        self.executing.set(true);
        Ok(id)
    }

    /// Ends the `execute` that [`Timelock::begin`] started and logs it.
    pub fn finish(&mut self, id: B256) {
        self.executing.set(false);
        log::emit(self.vm(), topic0!(CallExecuted), &[id], &[]);
    }

    /// Fails unless an `execute` is running: the first check of every timelocked method.
    pub fn only_executing(&self) -> Result<(), TimelockError> {
        if self.executing.get() {
            Ok(())
        } else {
            Err(TimelockError::NotExecuting)
        }
    }
}
