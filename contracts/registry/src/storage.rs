//! The registry's storage: one top-level struct, a record per reporter and per flag.
//!
//! Layout (slots in declaration order, as `#[storage]` assigns them): the two-step ownership's owner
//! and pending owner first (slots 0 and 1, where they were before `vigil_common::ownable` held
//! them), then the fields below. Parameters are packed three words per version (see
//! [`crate::params`]) and a subject's hot status is one word (`vigil_common::Status`).

// `#[storage]` expands to code that names `vec!` and `Vec`.
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageU256},
};
use vigil_common::{ownable::Ownable2Step, timelock::Timelock, Map};

use crate::{
    errors::AmountOverflow,
    params::{ParamsSlot, MAX_REPORTERS_LIMIT},
};

/// A reporter's stake and standing. Every amount is part of `stake`; `locked` is the sum of the
/// locks of its unsettled reports. `stake` and `locked` share one word ([`Reporter::funds`]): a
/// reporter's first report then updates the word its stake already wrote instead of writing a
/// fresh one (22,100 gas). The small fields share one word ([`ReporterMeta`]): every storage field
/// costs code in each instantiation of the record, and they are read together.
#[storage]
pub struct Reporter {
    /// `stake` in the low 128 bits, `locked` in the high 128.
    funds: StorageU256,
    pub(crate) warming: StorageU256,
    pub(crate) unbonding: StorageU256,
    meta: StorageU256,
}

/// A reporter's funds word: `stake` low, `locked` high, 128 bits each, or [`AmountOverflow`] if
/// either is wider. No honest amount comes near: all the ETH there is, about 1.2e26 wei, is far
/// below 2^128 (3.4e38) wei, and `locked` never exceeds `stake`.
fn pack_funds(stake: U256, locked: U256) -> Result<U256, AmountOverflow> {
    let ([a, b, s2, s3], [c, d, l2, l3]) = (*stake.as_limbs(), *locked.as_limbs());
    if s2 | s3 | l2 | l3 != 0 {
        return Err(AmountOverflow {});
    }
    Ok(U256::from_limbs([a, b, c, d]))
}

/// (stake, locked) of a funds word.
fn unpack_funds(word: U256) -> (U256, U256) {
    let [a, b, c, d] = *word.as_limbs();
    (
        U256::from_limbs([a, b, 0, 0]),
        U256::from_limbs([c, d, 0, 0]),
    )
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
    /// (stake, locked).
    pub(crate) fn funds(&self) -> (U256, U256) {
        unpack_funds(self.funds.get())
    }

    /// Stores `stake` and `locked`, or writes nothing and returns [`AmountOverflow`] if either
    /// does not fit its 128 bits.
    pub(crate) fn set_funds(&mut self, stake: U256, locked: U256) -> Result<(), AmountOverflow> {
        self.funds.set(pack_funds(stake, locked)?);
        Ok(())
    }

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
/// replaces that word while this one may still be disputed or released. The small fields share
/// one word ([`FlagHead`], and [`Flag::dispute`]) for the same reason as [`ReporterMeta`], and
/// because a first report writes the head anyway: the reporter count and the state bits in it
/// cost a report no fresh word (a `StorageVec`'s length and a separate state byte did).
#[storage]
pub struct Flag {
    pub(crate) subject: StorageB256,
    pub(crate) evidence: StorageB256,
    /// [`FlagHead`].
    head: StorageU256,
    /// The reporters by index, `0..FlagHead::reporters`: a displaced reporter's index goes to the
    /// one that displaced it.
    reporters: Map<u32, StorageAddress>,
    /// Per reporter: locked stake (low 128 bits) and weight (high 128 bits); zero if none.
    pub(crate) reports: Map<Address, StorageU256>,
    /// The open dispute: disputer (low 160 bits) and the time it was opened (next 64); zero if none.
    dispute: StorageU256,
    pub(crate) dispute_bond: StorageU256,
}

/// A flag's rules version, times, state and reporter count, packed low to high: rules (32) ·
/// created (64) · ttl (64) · expiry (64) · reached confirmation (1) · settled (1) · 6 bits unused ·
/// reporters (24).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlagHead {
    pub rules: u32,
    pub created: u64,
    pub ttl: u64,
    pub expiry: u64,
    pub reached_confirmed: bool,
    pub settled: bool,
    /// How many entries the reporter list has; at most `maxReporters`.
    pub reporters: u32,
}

// The count's 24 bits hold any reporter list the parameters allow.
const _: () = assert!((MAX_REPORTERS_LIMIT as u32) < 1 << 24);

// Positions in the head's last limb, above expiry's 32 bits.
const REACHED_CONFIRMED_BIT: u32 = 32;
const SETTLED_BIT: u32 = 33;
const COUNT_SHIFT: u32 = 40;

impl FlagHead {
    fn from_word(word: U256) -> Self {
        let [a, b, c, d] = *word.as_limbs();
        FlagHead {
            rules: a as u32,
            created: (a >> 32) | (b << 32),
            ttl: (b >> 32) | (c << 32),
            expiry: (c >> 32) | (d << 32),
            reached_confirmed: (d >> REACHED_CONFIRMED_BIT) & 1 == 1,
            settled: (d >> SETTLED_BIT) & 1 == 1,
            reporters: (d >> COUNT_SHIFT) as u32,
        }
    }

    fn to_word(self) -> U256 {
        U256::from_limbs([
            self.rules as u64 | self.created << 32,
            self.created >> 32 | self.ttl << 32,
            self.ttl >> 32 | self.expiry << 32,
            self.expiry >> 32
                | (self.reached_confirmed as u64) << REACHED_CONFIRMED_BIT
                | (self.settled as u64) << SETTLED_BIT
                | (self.reporters as u64) << COUNT_SHIFT,
        ])
    }
}

impl Flag {
    pub(crate) fn head(&self) -> FlagHead {
        FlagHead::from_word(self.head.get())
    }

    pub(crate) fn set_head(&mut self, h: FlagHead) {
        self.head.set(h.to_word());
    }

    pub(crate) fn rules(&self) -> u32 {
        self.head().rules
    }

    pub(crate) fn set_expiry(&mut self, expiry: u64) {
        let h = self.head();
        self.set_head(FlagHead { expiry, ..h });
    }

    /// How many reporters the list holds.
    pub(crate) fn reporter_count(&self) -> usize {
        self.head().reporters as usize
    }

    /// The reporter at `index` (below [`Self::reporter_count`]).
    pub(crate) fn reporter(&self, index: usize) -> Address {
        self.reporters.get(index as u32)
    }

    /// Appends `who` to the reporter list. Callers keep the list within `maxReporters`.
    pub(crate) fn push_reporter(&mut self, who: Address) {
        let h = self.head();
        self.reporters.insert(h.reporters, who);
        self.set_head(FlagHead {
            reporters: h.reporters + 1,
            ..h
        });
    }

    /// Puts `who` at `index` in place of the reporter it displaced.
    pub(crate) fn replace_reporter(&mut self, index: usize, who: Address) {
        self.reporters.insert(index as u32, who);
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
        self.head().reached_confirmed
    }

    pub(crate) fn settled(&self) -> bool {
        self.head().settled
    }

    pub(crate) fn mark_confirmed(&mut self) {
        let h = self.head();
        self.set_head(FlagHead {
            reached_confirmed: true,
            ..h
        });
    }

    pub(crate) fn mark_settled(&mut self) {
        let h = self.head();
        self.set_head(FlagHead { settled: true, ..h });
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every field of the head comes back as it went in, whatever the others hold: the
        /// widths the layout gives them do not overlap.
        #[test]
        fn flag_head_round_trips(
            rules in any::<u32>(),
            created in any::<u64>(),
            ttl in any::<u64>(),
            expiry in any::<u64>(),
            reached_confirmed in any::<bool>(),
            settled in any::<bool>(),
            reporters in 0u32..1 << 24,
        ) {
            let head = FlagHead {
                rules,
                created,
                ttl,
                expiry,
                reached_confirmed,
                settled,
                reporters,
            };
            prop_assert_eq!(FlagHead::from_word(head.to_word()), head);
        }

        /// Stake and lock share a word exactly when both fit 128 bits; otherwise nothing is packed.
        #[test]
        fn funds_pack_only_what_fits(stake in any::<[u64; 4]>(), locked in any::<[u64; 4]>()) {
            let (stake, locked) = (U256::from_limbs(stake), U256::from_limbs(locked));
            let fits = stake <= U256::from(u128::MAX) && locked <= U256::from(u128::MAX);
            match pack_funds(stake, locked) {
                Ok(word) => {
                    prop_assert!(fits);
                    prop_assert_eq!(unpack_funds(word), (stake, locked));
                }
                Err(AmountOverflow {}) => prop_assert!(!fits),
            }
        }
    }

    #[test]
    fn funds_hold_the_largest_amounts() {
        let most = U256::from(u128::MAX);
        let word = pack_funds(most, most).ok().expect("fits");
        assert_eq!(word, U256::MAX);
        assert_eq!(unpack_funds(word), (most, most));
        assert!(pack_funds(most + U256::from(1), U256::ZERO).is_err());
        assert!(pack_funds(U256::ZERO, most + U256::from(1)).is_err());
    }
}
