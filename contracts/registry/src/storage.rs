//! The registry's storage: one top-level struct, a record per reporter and per flag.
//!
//! Layout (slots in declaration order, as `#[storage]` assigns them): the two-step ownership's owner
//! and pending owner first (slots 0 and 1, where they were before `vigil_common::ownable` held
//! them), then the fields below. Parameters are packed three words per version (see
//! [`crate::params`]) and a subject's hot status is one word (`vigil_common::Status`).

// `#[storage]` expands to code that names `vec!` and `Vec`.
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U256, U8};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageU256, StorageU8, StorageVec},
};
use vigil_common::{ownable::Ownable2Step, timelock::Timelock, Map};

use crate::params::ParamsSlot;

/// A reporter's stake and standing. Every amount is part of `stake`; `locked` is the sum of the
/// locks of its unsettled reports. The small fields share one word ([`ReporterMeta`]): every
/// storage field costs code in each instantiation of the record, and they are read together.
#[storage]
pub struct Reporter {
    pub(crate) stake: StorageU256,
    pub(crate) locked: StorageU256,
    pub(crate) warming: StorageU256,
    pub(crate) unbonding: StorageU256,
    meta: StorageU256,
}

/// The small fields of a [`Reporter`], packed low to high: warm_at (64) · unbond_at (64) ·
/// reputation (32) · period (32) · gained (32) · joined (8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReporterMeta {
    pub warm_at: u64,
    pub unbond_at: u64,
    pub reputation: u32,
    /// The reputation period (`now / REP_PERIOD`) `gained` counts in.
    pub period: u32,
    pub gained: u32,
    pub joined: bool,
}

impl Reporter {
    pub(crate) fn meta(&self) -> ReporterMeta {
        let [a, b, c, d] = *self.meta.get().as_limbs();
        ReporterMeta {
            warm_at: a,
            unbond_at: b,
            reputation: c as u32,
            period: (c >> 32) as u32,
            gained: d as u32,
            joined: (d >> 32) & 1 == 1,
        }
    }

    pub(crate) fn set_meta(&mut self, m: ReporterMeta) {
        self.meta.set(U256::from_limbs([
            m.warm_at,
            m.unbond_at,
            m.reputation as u64 | (m.period as u64) << 32,
            m.gained as u64 | (m.joined as u64) << 32,
        ]));
    }
}

/// One flag: who backed it with how much, under which rules, and how its case stands. The expiry
/// is kept here as well as in the subject's status word because a later flag on the same subject
/// replaces that word while this one may still be disputed or released. Small fields are packed
/// ([`FlagTimes`], [`Flag::dispute`], [`Flag::state`]) for the same reason as [`ReporterMeta`].
#[storage]
pub struct Flag {
    pub(crate) subject: StorageB256,
    pub(crate) evidence: StorageB256,
    times: StorageU256,
    pub(crate) reporters: StorageVec<StorageAddress>,
    /// Per reporter: locked stake (low 128 bits) and weight (high 128 bits); zero if none.
    pub(crate) reports: Map<Address, StorageU256>,
    /// The open dispute: disputer (low 160 bits) and the time it was opened (next 64); zero if none.
    dispute: StorageU256,
    pub(crate) dispute_bond: StorageU256,
    /// Bit 0: reached confirmation; bit 1: settled.
    state: StorageU8,
}

/// A flag's rules version and times, packed low to high: rules (32) · created (64) · ttl (64) ·
/// expiry (64).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlagTimes {
    pub rules: u32,
    pub created: u64,
    pub ttl: u64,
    pub expiry: u64,
}

const REACHED_CONFIRMED: u8 = 1;
const SETTLED: u8 = 2;

impl Flag {
    pub(crate) fn times(&self) -> FlagTimes {
        let [a, b, c, d] = *self.times.get().as_limbs();
        FlagTimes {
            rules: a as u32,
            created: (a >> 32) | (b << 32),
            ttl: (b >> 32) | (c << 32),
            expiry: (c >> 32) | (d << 32),
        }
    }

    pub(crate) fn set_times(&mut self, t: FlagTimes) {
        self.times.set(U256::from_limbs([
            t.rules as u64 | t.created << 32,
            t.created >> 32 | t.ttl << 32,
            t.ttl >> 32 | t.expiry << 32,
            t.expiry >> 32,
        ]));
    }

    pub(crate) fn rules(&self) -> u32 {
        self.times().rules
    }

    pub(crate) fn set_expiry(&mut self, expiry: u64) {
        let t = self.times();
        self.set_times(FlagTimes { expiry, ..t });
    }

    /// The open dispute's (disputer, opened at); the zero address when none is open.
    pub(crate) fn dispute(&self) -> (Address, u64) {
        let word = self.dispute.get();
        let bytes = word.to_be_bytes::<32>();
        (
            Address::from_slice(&bytes[12..]),
            word.as_limbs()[2] >> 32 | word.as_limbs()[3] << 32,
        )
    }

    pub(crate) fn set_dispute(&mut self, disputer: Address, at: u64) {
        let mut bytes = [0u8; 32];
        bytes[12..].copy_from_slice(disputer.as_slice());
        bytes[4..12].copy_from_slice(&at.to_be_bytes());
        self.dispute.set(U256::from_be_bytes(bytes));
    }

    pub(crate) fn reached_confirmed(&self) -> bool {
        self.state.get().to::<u8>() & REACHED_CONFIRMED != 0
    }

    pub(crate) fn settled(&self) -> bool {
        self.state.get().to::<u8>() & SETTLED != 0
    }

    pub(crate) fn mark_confirmed(&mut self) {
        self.mark(REACHED_CONFIRMED);
    }

    pub(crate) fn mark_settled(&mut self) {
        self.mark(SETTLED);
    }

    fn mark(&mut self, bit: u8) {
        let state = self.state.get().to::<u8>() | bit;
        self.state.set(U8::from(state));
    }
}

#[storage]
pub struct ThreatRegistry {
    pub(crate) ownership: Ownable2Step,
    pub(crate) resolvers: Map<Address, StorageBool>,
    /// [`Settings`]: one word that every report reads whole.
    settings: StorageU256,
    pub(crate) params: Map<u32, ParamsSlot>,
    /// Owner calls scheduled behind `paramsDelay`.
    pub(crate) timelock: Timelock,
    /// One word per subject: the packed `vigil_common::Status`.
    pub(crate) status: Map<B256, StorageU256>,
    pub(crate) flags: Map<u32, Flag>,
    pub(crate) reporters: Map<Address, Reporter>,
    pub(crate) claimable: Map<Address, StorageU256>,
    /// Sums kept so the balance invariant (balance == stakes + dispute bonds + claimable +
    /// treasury) is checkable on chain and in tests.
    pub(crate) total_stake: StorageU256,
    pub(crate) total_dispute_bonds: StorageU256,
    pub(crate) total_claimable: StorageU256,
    pub(crate) treasury: StorageU256,
    /// The program that runs the calls of `extension::route`, fixed at construction.
    pub(crate) extension: StorageAddress,
}

/// The registry-wide settings a report needs, packed low to high: the guard (160 bits), the
/// submissions pause (8), the current parameter version (32) and the flag count (32). One storage
/// read instead of four scattered slots on every report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub guard: Address,
    pub submissions_paused: bool,
    pub params_version: u32,
    pub flag_count: u32,
}

impl ThreatRegistry {
    pub(crate) fn settings(&self) -> Settings {
        let word = self.settings.get();
        let bytes = word.to_be_bytes::<32>();
        let high = word.as_limbs()[2] >> 32 | word.as_limbs()[3] << 32;
        Settings {
            guard: Address::from_slice(&bytes[12..]),
            submissions_paused: high & 0xff != 0,
            params_version: (high >> 8) as u32,
            flag_count: (word.as_limbs()[3] >> 8) as u32,
        }
    }

    pub(crate) fn set_settings(&mut self, s: Settings) {
        let mut bytes = [0u8; 32];
        bytes[12..].copy_from_slice(s.guard.as_slice());
        bytes[11] = s.submissions_paused as u8;
        bytes[7..11].copy_from_slice(&s.params_version.to_be_bytes());
        bytes[3..7].copy_from_slice(&s.flag_count.to_be_bytes());
        self.settings.set(U256::from_be_bytes(bytes));
    }
}

// What `#[entrypoint]` would declare: mutable access to this struct is access to all the program's
// state. The entrypoint itself is `router::user_entrypoint`.
unsafe impl TopLevelStorage for ThreatRegistry {}
