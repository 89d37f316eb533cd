//! The registry's storage: one top-level struct, a record per reporter and per flag.
//!
//! Layout (slots in declaration order, as `#[storage]` assigns them): the two-step ownership's owner
//! and pending owner first (slots 0 and 1, where they were before `vigil_common::ownable` held
//! them), then the fields below. Parameters are packed three words per version (see
//! [`crate::params`]) and a subject's hot status is one word (`vigil_common::Status`).

// `#[storage]` expands to code that names `vec!` and `Vec`.
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU32, StorageU64,
        StorageVec,
    },
};
use vigil_common::ownable::Ownable2Step;

use crate::params::ParamsSlot;

/// A reporter's stake and standing. Every amount is part of `stake`; `locked` is the sum of the
/// locks of its unsettled reports. The small fields share one word.
#[storage]
pub struct Reporter {
    pub(crate) stake: StorageU256,
    pub(crate) locked: StorageU256,
    pub(crate) warming: StorageU256,
    pub(crate) unbonding: StorageU256,
    pub(crate) warm_at: StorageU64,
    pub(crate) unbond_at: StorageU64,
    pub(crate) reputation: StorageU32,
    pub(crate) joined: StorageBool,
    /// The reputation period (`now / REP_PERIOD`) `gained` counts in.
    pub(crate) period: StorageU32,
    pub(crate) gained: StorageU32,
}

/// One flag: who backed it with how much, under which rules, and how its case stands. `expiry`
/// is kept here as well as in the subject's status word because a later flag on the same subject
/// replaces that word while this one may still be disputed or released.
#[storage]
pub struct Flag {
    pub(crate) subject: StorageB256,
    pub(crate) evidence: StorageB256,
    pub(crate) rules: StorageU32,
    pub(crate) created: StorageU64,
    pub(crate) ttl: StorageU64,
    pub(crate) expiry: StorageU64,
    pub(crate) reporters: StorageVec<StorageAddress>,
    /// Per reporter: locked stake (low 128 bits) and weight (high 128 bits); zero if none.
    pub(crate) reports: StorageMap<Address, StorageU256>,
    pub(crate) disputer: StorageAddress,
    pub(crate) disputed_at: StorageU64,
    pub(crate) dispute_bond: StorageU256,
    pub(crate) reached_confirmed: StorageBool,
    pub(crate) settled: StorageBool,
}

#[storage]
pub struct ThreatRegistry {
    pub(crate) ownership: Ownable2Step,
    pub(crate) resolvers: StorageMap<Address, StorageBool>,
    pub(crate) guard: StorageAddress,
    pub(crate) submissions_paused: StorageBool,
    pub(crate) params: StorageMap<u32, ParamsSlot>,
    pub(crate) params_version: StorageU32,
    pub(crate) pending_params: ParamsSlot,
    pub(crate) pending_eta: StorageU64,
    /// One word per subject: the packed `vigil_common::Status`.
    pub(crate) status: StorageMap<B256, StorageU256>,
    pub(crate) flags: StorageMap<u32, Flag>,
    pub(crate) flag_count: StorageU32,
    pub(crate) reporters: StorageMap<Address, Reporter>,
    pub(crate) claimable: StorageMap<Address, StorageU256>,
    /// Sums kept so the balance invariant (balance == stakes + dispute bonds + claimable +
    /// treasury) is checkable on chain and in tests.
    pub(crate) total_stake: StorageU256,
    pub(crate) total_dispute_bonds: StorageU256,
    pub(crate) total_claimable: StorageU256,
    pub(crate) treasury: StorageU256,
}

// What `#[entrypoint]` would declare: mutable access to this struct is access to all the program's
// state. The entrypoint itself is `router::user_entrypoint`.
unsafe impl TopLevelStorage for ThreatRegistry {}
