//! CircuitGuard: the contract protocols ask before every value-moving call.
//!
//! A protocol registers itself (`registerProtocol(admin)`, normally from `Guarded`'s constructor)
//! and calls `check(caller, selector, amount)` at the top of each guarded function. `check` reverts
//! with the reason (protocol paused, selector paused, advisory active, caller flagged, rate
//! limited, in that order) or returns. The ThreatRegistry pushes every status change into
//! [`CircuitGuard::on_status_change`], so `check` never calls out and a confirmation protects every
//! protocol in the transaction that confirms it.
//!
//! # Roles
//! - The protocol's **admin** configures policies, appoints guardians and unpauses.
//! - **Guardians** may only pause, for at most `maxPauseDuration`, and not again within
//!   `pauseCooldown` after their previous pause episode ended (prior art, lesson 10).
//! - The guard **owner** (two-step transfer) sets the registry and those two bounds.
//!
//! # Gas: configure the selectors you guard
//! A configured selector is decided from one storage word (see [`word::SelectorWord`]), plus the
//! caller's status word when screening is on, plus a tag word and a status word per advisory tag.
//! A selector without a policy falls back to the protocol's word: one more cold read (three with
//! screening). Any configuration call (`setScreening`, `setRateLimit`, `setAdvisoryTags`,
//! `pauseSelector`) puts a selector on the fast path; a protocol may configure up to
//! [`MAX_SELECTORS`].
//!
//! # Program
//! The deployed entrypoint is `router::user_entrypoint` (wasm32 only): a hand-written ABI router
//! in place of the SDK's, which keeps the data segment (charged on every call) small; the
//! `#[public]` impl below is still the one definition of the ABI. A Stylus protocol that only wants the [`client`] depends on
//! this crate with `default-features = false`.
//!
//! # Exits
//! The guard pauses whatever a protocol puts behind it. Functions that return users' own funds
//! (repay, withdraw own collateral, emergency exit) should stay unguarded, or at least not
//! rate-limited, so that a pause or a drained bucket never traps honest users.

#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

#[macro_use]
mod abi;
pub mod bucket;
pub mod client;
pub mod router;
pub mod word;

#[cfg(test)]
mod tests;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, Bytes, FixedBytes, B256, U256};
use alloy_sol_types::sol;
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageArray, StorageB256, StorageBool, StorageFixedBytes, StorageMap,
        StorageU256, StorageU32, StorageVec,
    },
};
use vigil_common::{subject, topic0, Level, Status, SubjectKind};

use bucket::{Limit, LimitError};
use word::{until, ProtocolWord, Screening, SelectorWord, MAX_TAGS};

/// Configured selectors per protocol: `pauseProtocol` rewrites each one's copy of the pause.
pub const MAX_SELECTORS: u32 = 32;

/// Guardian pause bound the constructor starts with (Euler's choice: one day).
pub const DEFAULT_MAX_PAUSE: u32 = 86_400;
/// Guardian re-pause cooldown the constructor starts with (Euler's choice: two days).
pub const DEFAULT_PAUSE_COOLDOWN: u32 = 2 * 86_400;

sol! {
    // The hot path's verdicts: the fixed ABI `Guarded` and integrators decode.
    error ProtocolNotRegistered(address protocol);
    error ProtocolPaused(uint64 until);
    error SelectorPaused(bytes4 selector, uint64 until);
    error CallerFlagged(address caller, uint8 level);
    error AdvisoryActive(bytes32 advisory);
    error RateLimited(bytes4 selector, uint256 available, uint64 retry_after);

    // Access control.
    error NotOwner(address account);
    error NotPendingOwner(address account);
    error NotAdmin(address protocol, address account);
    error NotAdminOrGuardian(address protocol, address account);
    error NotRegistry(address account);

    // Bad input.
    error ZeroAddress();
    error AlreadyRegistered(address protocol);
    error InvalidScreening(uint8 mode);
    error CapacityZero();
    error RefillOverflow(uint256 refill_per_second, uint256 capacity);
    error RefillBelowUnit(uint256 refill_per_second, uint256 unit);
    error InvalidTrip(uint256 trip_level, uint32 trip_cooldown);
    error ZeroDuration();
    error PauseTooLong(uint64 duration, uint64 max);
    error PauseCooldown(uint64 retry_at);
    error TooManySelectors(uint32 max);
    error TooManyTags(uint256 count, uint8 max);
    error NotAdvisory(bytes32 tag);
    error InvalidSubject(bytes32 subject);
    error InvalidStatus(bytes32 subject, uint256 status);

    event ProtocolRegistered(address indexed protocol, address indexed admin);
    event AdminChanged(address indexed protocol, address indexed admin);
    event GuardianSet(address indexed protocol, address indexed guardian, bool enabled);
    event ProtocolScreeningSet(address indexed protocol, uint8 mode, bool screen_origin);
    event ScreeningSet(address indexed protocol, bytes4 indexed selector, uint8 mode, bool screen_origin);
    event RateLimitSet(
        address indexed protocol,
        bytes4 indexed selector,
        bool enabled,
        uint256 capacity,
        uint256 refill_per_second,
        uint256 trip_level,
        uint32 trip_cooldown,
        uint256 unit
    );
    event AdvisoryTagsSet(address indexed protocol, bytes4 indexed selector, bytes32[] tags);
    event ProtocolPauseSet(address indexed protocol, address indexed by, uint64 until);
    event ProtocolUnpaused(address indexed protocol, address indexed by);
    event SelectorPauseSet(address indexed protocol, bytes4 indexed selector, address indexed by, uint64 until);
    event SelectorUnpaused(address indexed protocol, bytes4 indexed selector, address indexed by);
    event Tripped(address indexed protocol, bytes4 indexed selector, uint64 until);
    event StatusSynced(bytes32 indexed subject, uint256 status);
    event OwnershipTransferStarted(address indexed owner, address indexed pending_owner);
    event OwnershipTransferred(address indexed previous_owner, address indexed new_owner);
    event RegistrySet(address indexed registry);
    event PauseBoundsSet(uint32 max_pause_duration, uint32 pause_cooldown);
}

/// Every revert the guard produces. The first six are `check`'s verdicts.
#[cfg_attr(feature = "export-abi", derive(SolidityError))]
pub enum CircuitGuardError {
    ProtocolNotRegistered(ProtocolNotRegistered),
    ProtocolPaused(ProtocolPaused),
    SelectorPaused(SelectorPaused),
    CallerFlagged(CallerFlagged),
    AdvisoryActive(AdvisoryActive),
    RateLimited(RateLimited),
    NotOwner(NotOwner),
    NotPendingOwner(NotPendingOwner),
    NotAdmin(NotAdmin),
    NotAdminOrGuardian(NotAdminOrGuardian),
    NotRegistry(NotRegistry),
    ZeroAddress(ZeroAddress),
    AlreadyRegistered(AlreadyRegistered),
    InvalidScreening(InvalidScreening),
    CapacityZero(CapacityZero),
    RefillOverflow(RefillOverflow),
    RefillBelowUnit(RefillBelowUnit),
    InvalidTrip(InvalidTrip),
    ZeroDuration(ZeroDuration),
    PauseTooLong(PauseTooLong),
    PauseCooldown(PauseCooldown),
    TooManySelectors(TooManySelectors),
    TooManyTags(TooManyTags),
    NotAdvisory(NotAdvisory),
    InvalidSubject(InvalidSubject),
    InvalidStatus(InvalidStatus),
}

type Result<T, E = CircuitGuardError> = core::result::Result<T, E>;

#[storage]
pub struct CircuitGuard {
    /// Hot: (protocol ++ selector) -> packed [`SelectorWord`]. The 24-byte key is the whole
    /// preimage, so one keccak finds the slot.
    selectors: StorageMap<FixedBytes<24>, StorageU256>,
    /// Hot: subject -> the registry's status word, verbatim.
    statuses: StorageMap<B256, StorageU256>,
    /// Cold: protocol -> packed [`ProtocolWord`].
    protocols: StorageMap<Address, StorageU256>,
    /// Read only when the selector word's tag count is non-zero.
    tags: StorageMap<FixedBytes<24>, StorageArray<StorageB256, 4>>,
    /// Read only when a charge trips.
    trip_cooldowns: StorageMap<FixedBytes<24>, StorageU32>,
    /// Protocol -> its configured selectors, for keeping the protocol pause copies in sync.
    configured: StorageMap<Address, StorageVec<StorageFixedBytes<4>>>,
    guardians: StorageMap<Address, StorageMap<Address, StorageBool>>,
    owner: StorageAddress,
    max_pause: StorageU32,
    pause_cooldown: StorageU32,
    pending_owner: StorageAddress,
    registry: StorageAddress,
}

// What `#[entrypoint]` would declare: mutable access to this struct is access to all the program's
// state. The entrypoint itself is `router::user_entrypoint`.
unsafe impl TopLevelStorage for CircuitGuard {}

/// What a passing `check` must write back.
struct Pass {
    charged: Option<SelectorWord>,
    tripped: bool,
}

fn policy_key(protocol: Address, selector: FixedBytes<4>) -> FixedBytes<24> {
    let mut key = [0u8; 24];
    for (d, s) in key.iter_mut().zip(protocol.iter().chain(selector.iter())) {
        *d = *s;
    }
    FixedBytes(key)
}

#[public]
impl CircuitGuard {
    /// The owner is explicit because a deployment through StylusDeployer runs the constructor
    /// with the deployer as `msg.sender`.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<()> {
        if owner.is_zero() {
            return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
        }
        self.owner.set(owner);
        self.max_pause.set(U32::from(DEFAULT_MAX_PAUSE));
        self.pause_cooldown.set(U32::from(DEFAULT_PAUSE_COOLDOWN));
        self.log(
            &[
                topic0!(OwnershipTransferred),
                abi::address(Address::ZERO),
                abi::address(owner),
            ],
            &[],
        );
        Ok(())
    }

    // ---- hot path ------------------------------------------------------------------------

    /// Called by the protocol (`msg.sender`) before a guarded call. Reverts with the first
    /// reason that applies; on success charges `amount` to the selector's bucket and, if that
    /// drains it to the trip level, pauses the selector for its cooldown (a revert cannot record
    /// a trip: the revert would undo it).
    pub fn check(&mut self, caller: Address, selector: FixedBytes<4>, amount: U256) -> Result<()> {
        let protocol = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let key = policy_key(protocol, selector);
        // The selector word's slot, hashed once for the read and the write-back.
        let mut slot = unsafe { self.selectors.setter(key).into_raw() };
        let pass = self.evaluate(protocol, caller, selector, slot.get(), amount, now)?;
        if let Some(mut charged) = pass.charged {
            if pass.tripped {
                let cooldown = self.trip_cooldowns.get(key).saturating_to::<u64>();
                charged.paused_until = until(now, cooldown);
                self.log(
                    &[
                        topic0!(Tripped),
                        abi::address(protocol),
                        abi::bytes4(selector),
                    ],
                    &[abi::uint(charged.paused_until as u64)],
                );
            }
            slot.set(charged.to_word());
        }
        Ok(())
    }

    /// Screens a counterparty (a recipient, an `onBehalfOf`) under the screening policy of the
    /// calling protocol's `selector`: reverts `CallerFlagged(account, level)` if it is blocked.
    pub fn screen(&self, account: Address, selector: FixedBytes<4>) -> Result<()> {
        let protocol = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let w = SelectorWord::from_word(self.selectors.get(policy_key(protocol, selector)));
        let mode = if w.configured() {
            w.screening()
        } else {
            self.registered(protocol)?.screening()
        };
        self.screen_account(account, mode, now)
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

    /// The registry's push of a subject's new status word, stored verbatim for the hot path.
    pub fn on_status_change(&mut self, subject: B256, status: U256) -> Result<()> {
        let sender = self.vm().msg_sender();
        let registry = self.registry.get();
        if registry.is_zero() || sender != registry {
            return Err(CircuitGuardError::NotRegistry(NotRegistry {
                account: sender,
            }));
        }
        if SubjectKind::of(subject).is_none() {
            return Err(CircuitGuardError::InvalidSubject(InvalidSubject {
                subject,
            }));
        }
        if Status::from_word(status).is_none() {
            return Err(CircuitGuardError::InvalidStatus(InvalidStatus {
                subject,
                status,
            }));
        }
        self.statuses.setter(subject).set(status);
        self.log(&[topic0!(StatusSynced), subject], &[abi::u256(status)]);
        Ok(())
    }

    // ---- protocols -----------------------------------------------------------------------

    /// Registers `msg.sender` as a protocol administered by `admin`.
    pub fn register_protocol(&mut self, admin: Address) -> Result<()> {
        let protocol = self.vm().msg_sender();
        if admin.is_zero() {
            return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
        }
        if self.protocol(protocol).registered() {
            return Err(CircuitGuardError::AlreadyRegistered(AlreadyRegistered {
                protocol,
            }));
        }
        self.set_protocol(protocol, ProtocolWord::registered_to(admin));
        self.log(
            &[
                topic0!(ProtocolRegistered),
                abi::address(protocol),
                abi::address(admin),
            ],
            &[],
        );
        Ok(())
    }

    /// Hands the protocol to a new admin (a multisig rotation). One step: the admin is already
    /// trusted with every policy, so a typo is no worse than a bad policy.
    pub fn set_admin(&mut self, protocol: Address, admin: Address) -> Result<()> {
        let mut p = self.only_admin(protocol)?;
        if admin.is_zero() {
            return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
        }
        p.admin = admin;
        self.set_protocol(protocol, p);
        self.log(
            &[
                topic0!(AdminChanged),
                abi::address(protocol),
                abi::address(admin),
            ],
            &[],
        );
        Ok(())
    }

    pub fn set_guardian(
        &mut self,
        protocol: Address,
        guardian: Address,
        enabled: bool,
    ) -> Result<()> {
        self.only_admin(protocol)?;
        if guardian.is_zero() {
            return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}));
        }
        self.guardians
            .setter(protocol)
            .setter(guardian)
            .set(enabled);
        self.log(
            &[
                topic0!(GuardianSet),
                abi::address(protocol),
                abi::address(guardian),
            ],
            &[abi::flag(enabled)],
        );
        Ok(())
    }

    /// Screening for selectors without a policy of their own, and the default a selector starts
    /// with when it is first configured. Modes: 0 confirmed, 1 watch and above, 2 off.
    pub fn set_protocol_screening(
        &mut self,
        protocol: Address,
        mode: u8,
        screen_origin: bool,
    ) -> Result<()> {
        let mut p = self.only_admin(protocol)?;
        p.set_screening(screening(mode)?, screen_origin);
        self.set_protocol(protocol, p);
        self.log(
            &[topic0!(ProtocolScreeningSet), abi::address(protocol)],
            &[abi::uint(mode as u64), abi::flag(screen_origin)],
        );
        Ok(())
    }

    pub fn set_screening(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        mode: u8,
        screen_origin: bool,
    ) -> Result<()> {
        let p = self.only_admin(protocol)?;
        let mode_ = screening(mode)?;
        let (mut w, new) = self.policy(protocol, &p, selector)?;
        w.set_screening(mode_, screen_origin);
        self.store_policy(protocol, selector, &w, new);
        self.log(
            &[
                topic0!(ScreeningSet),
                abi::address(protocol),
                abi::bytes4(selector),
            ],
            &[abi::uint(mode as u64), abi::flag(screen_origin)],
        );
        Ok(())
    }

    /// Sets the selector's token bucket on `amount`: `capacity` and `refill_per_second` in the
    /// protocol's amount unit (wei), rounded down to the unit the guard picks so the stored
    /// limit is never looser (the event reports the effective values). With `trip_cooldown` > 0
    /// a successful charge that leaves at most `trip_level` pauses the selector for the cooldown
    /// (bounded by `maxPauseDuration`: anyone who can drain a bucket can trigger it). A running
    /// bucket is refilled under its old settings, then capped at the new capacity. With `enabled`
    /// false the limit is removed and the other arguments are ignored.
    #[allow(clippy::too_many_arguments)]
    pub fn set_rate_limit(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        enabled: bool,
        capacity: U256,
        refill_per_second: U256,
        trip_level: U256,
        trip_cooldown: u32,
    ) -> Result<()> {
        let p = self.only_admin(protocol)?;
        let now = self.vm().block_timestamp();
        let limit = if enabled {
            let max = self.max_pause.get().saturating_to::<u32>();
            if trip_cooldown > max {
                return Err(CircuitGuardError::PauseTooLong(PauseTooLong {
                    duration: trip_cooldown as u64,
                    max: max as u64,
                }));
            }
            let limit = Limit::new(capacity, refill_per_second, trip_level, trip_cooldown != 0)
                .map_err(|e| {
                    limit_error(e, capacity, refill_per_second, trip_level, trip_cooldown)
                })?;
            Some(limit)
        } else {
            None
        };
        let (mut w, new) = self.policy(protocol, &p, selector)?;
        let effective = match limit {
            Some(limit) => {
                limit.install(&mut w, now);
                self.trip_cooldowns
                    .setter(policy_key(protocol, selector))
                    .set(U32::from(trip_cooldown));
                limit
            }
            None => {
                bucket::uninstall(&mut w);
                Limit::default()
            }
        };
        self.store_policy(protocol, selector, &w, new);
        let cooldown = if effective.trip != 0 {
            trip_cooldown
        } else {
            0
        };
        let unit = if enabled {
            effective.wei(1)
        } else {
            U256::ZERO
        };
        self.log(
            &[
                topic0!(RateLimitSet),
                abi::address(protocol),
                abi::bytes4(selector),
            ],
            &[
                abi::flag(enabled),
                abi::u256(effective.wei(effective.capacity)),
                abi::u256(effective.wei(effective.refill)),
                abi::u256(effective.wei(effective.trip.saturating_sub(1))),
                abi::uint(cooldown as u64),
                abi::u256(unit),
            ],
        );
        Ok(())
    }

    /// Pauses the selector while any of `tags` (advisory subjects) is confirmed. At most
    /// [`word::MAX_TAGS`]: every tag costs two cold reads on each `check`.
    pub fn set_advisory_tags(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        tags: Vec<B256>,
    ) -> Result<()> {
        let p = self.only_admin(protocol)?;
        if tags.len() > MAX_TAGS as usize {
            return Err(CircuitGuardError::TooManyTags(TooManyTags {
                count: U256::from(tags.len()),
                max: MAX_TAGS,
            }));
        }
        if let Some(tag) = tags
            .iter()
            .find(|t| SubjectKind::of(**t) != Some(SubjectKind::Advisory))
        {
            return Err(CircuitGuardError::NotAdvisory(NotAdvisory { tag: *tag }));
        }
        let (mut w, new) = self.policy(protocol, &p, selector)?;
        w.set_tag_count(tags.len() as u8);
        let key = policy_key(protocol, selector);
        let mut stored = self.tags.setter(key);
        for (i, tag) in tags.iter().enumerate() {
            if let Some(mut slot) = stored.setter(i) {
                slot.set(*tag);
            }
        }
        self.store_policy(protocol, selector, &w, new);
        let mut data = vec![abi::uint(32), abi::uint(tags.len() as u64)];
        data.extend_from_slice(&tags);
        self.log(
            &[
                topic0!(AdvisoryTagsSet),
                abi::address(protocol),
                abi::bytes4(selector),
            ],
            &data,
        );
        Ok(())
    }

    // ---- pauses --------------------------------------------------------------------------

    /// Pauses the whole protocol for `duration` seconds. Admin: any duration. Guardian: at most
    /// `maxPauseDuration`, see [`CircuitGuard::pause_selector`] for the episode rule. A pause
    /// never shortens one already in force.
    pub fn pause_protocol(&mut self, protocol: Address, duration: u64) -> Result<()> {
        let mut p = self.registered(protocol)?;
        let by = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let end = self.pause_end(protocol, &mut p, by, now, duration)?;
        p.paused_until = p.paused_until.max(end);
        self.set_protocol(protocol, p);
        self.sync_protocol_pause(protocol, p.paused_until);
        self.log(
            &[
                topic0!(ProtocolPauseSet),
                abi::address(protocol),
                abi::address(by),
            ],
            &[abi::uint(p.paused_until as u64)],
        );
        Ok(())
    }

    /// Admin only: lifts the protocol pause and ends any guardian pause episode, so the guardian
    /// cooldown runs from now.
    pub fn unpause_protocol(&mut self, protocol: Address) -> Result<()> {
        let mut p = self.only_admin(protocol)?;
        let now = self.vm().block_timestamp();
        p.paused_until = 0;
        p.guardian_pause_end = p.guardian_pause_end.min(word::clamp_time(now));
        self.set_protocol(protocol, p);
        self.sync_protocol_pause(protocol, 0);
        let by = self.vm().msg_sender();
        self.log(
            &[
                topic0!(ProtocolUnpaused),
                abi::address(protocol),
                abi::address(by),
            ],
            &[],
        );
        Ok(())
    }

    /// Pauses one selector for `duration` seconds (configuring it with the protocol's defaults if
    /// it had no policy). Guardian pauses come in episodes: the first pause opens one that ends
    /// `duration` later; during it guardians may pause more (other selectors, the protocol) but
    /// never past its end; after it they must wait `pauseCooldown` (`PauseCooldown(retry_at)`).
    pub fn pause_selector(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        duration: u64,
    ) -> Result<()> {
        let mut p = self.registered(protocol)?;
        let by = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let end = self.pause_end(protocol, &mut p, by, now, duration)?;
        let (mut w, new) = self.policy(protocol, &p, selector)?;
        w.paused_until = if now < w.paused_until as u64 {
            w.paused_until.max(end)
        } else {
            end
        };
        self.set_protocol(protocol, p);
        self.store_policy(protocol, selector, &w, new);
        self.log(
            &[
                topic0!(SelectorPauseSet),
                abi::address(protocol),
                abi::bytes4(selector),
                abi::address(by),
            ],
            &[abi::uint(w.paused_until as u64)],
        );
        Ok(())
    }

    /// Admin only: lifts a selector pause, manual or tripped, and ends any guardian episode.
    pub fn unpause_selector(&mut self, protocol: Address, selector: FixedBytes<4>) -> Result<()> {
        let mut p = self.only_admin(protocol)?;
        let now = self.vm().block_timestamp();
        let key = policy_key(protocol, selector);
        let mut w = SelectorWord::from_word(self.selectors.get(key));
        if w.configured() {
            w.paused_until = 0;
            self.selectors.setter(key).set(w.to_word());
        }
        p.guardian_pause_end = p.guardian_pause_end.min(word::clamp_time(now));
        self.set_protocol(protocol, p);
        let by = self.vm().msg_sender();
        self.log(
            &[
                topic0!(SelectorUnpaused),
                abi::address(protocol),
                abi::bytes4(selector),
                abi::address(by),
            ],
            &[],
        );
        Ok(())
    }

    // ---- guard owner ---------------------------------------------------------------------

    /// Starts a two-step transfer; the zero address cancels a pending one.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<()> {
        let owner = self.only_owner()?;
        self.pending_owner.set(new_owner);
        self.log(
            &[
                topic0!(OwnershipTransferStarted),
                abi::address(owner),
                abi::address(new_owner),
            ],
            &[],
        );
        Ok(())
    }

    pub fn accept_ownership(&mut self) -> Result<()> {
        let sender = self.vm().msg_sender();
        if sender.is_zero() || sender != self.pending_owner.get() {
            return Err(CircuitGuardError::NotPendingOwner(NotPendingOwner {
                account: sender,
            }));
        }
        let previous_owner = self.owner.get();
        self.owner.set(sender);
        self.pending_owner.set(Address::ZERO);
        self.log(
            &[
                topic0!(OwnershipTransferred),
                abi::address(previous_owner),
                abi::address(sender),
            ],
            &[],
        );
        Ok(())
    }

    /// The only account whose `onStatusChange` pushes are accepted. Zero cuts the feed off (for a
    /// compromised registry); the statuses already stored stay in force until they expire.
    pub fn set_registry(&mut self, registry: Address) -> Result<()> {
        self.only_owner()?;
        self.registry.set(registry);
        self.log(&[topic0!(RegistrySet), abi::address(registry)], &[]);
        Ok(())
    }

    /// Bounds on guardians: the longest pause and the wait after a pause episode. Zero
    /// `max_pause_duration` disables guardian pauses (and trips, for new rate limits).
    pub fn set_pause_bounds(&mut self, max_pause_duration: u32, pause_cooldown: u32) -> Result<()> {
        self.only_owner()?;
        self.max_pause.set(U32::from(max_pause_duration));
        self.pause_cooldown.set(U32::from(pause_cooldown));
        self.log(
            &[topic0!(PauseBoundsSet)],
            &[
                abi::uint(max_pause_duration as u64),
                abi::uint(pause_cooldown as u64),
            ],
        );
        Ok(())
    }

    // ---- views ---------------------------------------------------------------------------

    /// (owner, pendingOwner, registry, maxPauseDuration, pauseCooldown).
    pub fn guard_config(&self) -> (Address, Address, Address, u32, u32) {
        (
            self.owner.get(),
            self.pending_owner.get(),
            self.registry.get(),
            self.max_pause.get().saturating_to::<u32>(),
            self.pause_cooldown.get().saturating_to::<u32>(),
        )
    }

    /// (registered, admin, pausedUntil, screening mode, screenOrigin, guardianPauseEnd).
    pub fn protocol_info(&self, protocol: Address) -> (bool, Address, u64, u8, bool, u64) {
        let p = self.protocol(protocol);
        (
            p.registered(),
            p.admin,
            p.paused_until as u64,
            p.screening() as u8,
            p.screens_origin(),
            p.guardian_pause_end as u64,
        )
    }

    /// (configured, pausedUntil, protocolPausedUntil, screening mode, screenOrigin, tag count).
    pub fn selector_policy(
        &self,
        protocol: Address,
        selector: FixedBytes<4>,
    ) -> (bool, u64, u64, u8, bool, u8) {
        let w = SelectorWord::from_word(self.selectors.get(policy_key(protocol, selector)));
        (
            w.configured(),
            w.paused_until as u64,
            w.protocol_paused_until as u64,
            w.screening() as u8,
            w.screens_origin(),
            w.tag_count(),
        )
    }

    /// Effective (capacity, refillPerSecond, tripLevel, tripCooldown, available now, unit); all
    /// zero without a limit. tripCooldown is zero when the limit never trips.
    pub fn rate_limit(
        &self,
        protocol: Address,
        selector: FixedBytes<4>,
    ) -> (U256, U256, U256, u32, U256, U256) {
        let key = policy_key(protocol, selector);
        let w = SelectorWord::from_word(self.selectors.get(key));
        if !w.rate_limited() {
            return Default::default();
        }
        let l = Limit {
            shift: w.shift,
            capacity: w.capacity,
            refill: w.refill,
            trip: w.trip,
        };
        let cooldown = if w.trip != 0 {
            self.trip_cooldowns.get(key).saturating_to::<u32>()
        } else {
            0
        };
        (
            l.wei(l.capacity),
            l.wei(l.refill),
            l.wei(l.trip.saturating_sub(1)),
            cooldown,
            l.wei(w.available(self.vm().block_timestamp())),
            l.wei(1),
        )
    }

    pub fn advisory_tags(&self, protocol: Address, selector: FixedBytes<4>) -> Vec<B256> {
        let key = policy_key(protocol, selector);
        let count = SelectorWord::from_word(self.selectors.get(key)).tag_count();
        let stored = self.tags.getter(key);
        (0..count as usize).filter_map(|i| stored.get(i)).collect()
    }

    pub fn configured_selectors(&self, protocol: Address) -> Vec<FixedBytes<4>> {
        let list = self.configured.getter(protocol);
        (0..list.len()).filter_map(|i| list.get(i)).collect()
    }

    pub fn is_guardian(&self, protocol: Address, account: Address) -> bool {
        self.guardians.getter(protocol).get(account)
    }

    /// The status word last pushed for `subject` (zero if none).
    pub fn status_word(&self, subject: B256) -> U256 {
        self.statuses.get(subject)
    }
}

type U32 = alloy_primitives::Uint<32, 1>;

fn screening(mode: u8) -> Result<Screening> {
    Screening::from_u8(mode).ok_or(CircuitGuardError::InvalidScreening(InvalidScreening {
        mode,
    }))
}

fn limit_error(
    e: LimitError,
    capacity: U256,
    refill: U256,
    trip_level: U256,
    trip_cooldown: u32,
) -> CircuitGuardError {
    match e {
        LimitError::CapacityZero => CircuitGuardError::CapacityZero(CapacityZero {}),
        LimitError::RefillAboveCapacity => CircuitGuardError::RefillOverflow(RefillOverflow {
            refill_per_second: refill,
            capacity,
        }),
        LimitError::RefillBelowUnit { unit } => {
            CircuitGuardError::RefillBelowUnit(RefillBelowUnit {
                refill_per_second: refill,
                unit,
            })
        }
        LimitError::Trip => CircuitGuardError::InvalidTrip(InvalidTrip {
            trip_level,
            trip_cooldown,
        }),
    }
}

impl CircuitGuard {
    /// Emits a log of `topics` (the first is the event's signature hash) and static `data` words.
    fn log(&self, topics: &[B256], data: &[B256]) {
        let mut out = Vec::with_capacity(32 * (topics.len() + data.len()));
        for word in topics.iter().chain(data) {
            out.extend_from_slice(word.as_slice());
        }
        self.vm().emit_log(&out, topics.len());
    }

    /// `preview`'s answer as plain bytes (the router encodes it without alloy's `Bytes`).
    fn verdict(
        &self,
        protocol: Address,
        caller: Address,
        selector: FixedBytes<4>,
        amount: U256,
    ) -> Vec<u8> {
        let now = self.vm().block_timestamp();
        let word = self.selectors.get(policy_key(protocol, selector));
        match self.evaluate(protocol, caller, selector, word, amount, now) {
            Ok(_) => Vec::new(),
            Err(e) => e.into(),
        }
    }

    /// `check`'s decision, shared with `preview` so the two cannot disagree. `word` is the
    /// selector's stored word (the caller has its slot).
    fn evaluate(
        &self,
        protocol: Address,
        caller: Address,
        selector: FixedBytes<4>,
        word: U256,
        amount: U256,
        now: u64,
    ) -> Result<Pass> {
        let mut w = SelectorWord::from_word(word);
        let nothing = Pass {
            charged: None,
            tripped: false,
        };
        if !w.configured() {
            let p = self.registered(protocol)?;
            if now < p.paused_until as u64 {
                return Err(CircuitGuardError::ProtocolPaused(ProtocolPaused {
                    until: p.paused_until as u64,
                }));
            }
            self.screen_parties(caller, p.screening(), p.screens_origin(), now)?;
            return Ok(nothing);
        }
        if now < w.protocol_paused_until as u64 {
            return Err(CircuitGuardError::ProtocolPaused(ProtocolPaused {
                until: w.protocol_paused_until as u64,
            }));
        }
        if now < w.paused_until as u64 {
            return Err(CircuitGuardError::SelectorPaused(SelectorPaused {
                selector,
                until: w.paused_until as u64,
            }));
        }
        if w.tag_count() != 0 {
            let tags = self.tags.getter(policy_key(protocol, selector));
            for i in 0..w.tag_count() as usize {
                if let Some(advisory) = tags.get(i) {
                    if Status::word_level_at(self.statuses.get(advisory), now) == Level::Confirmed {
                        return Err(CircuitGuardError::AdvisoryActive(AdvisoryActive {
                            advisory,
                        }));
                    }
                }
            }
        }
        self.screen_parties(caller, w.screening(), w.screens_origin(), now)?;
        if !w.rate_limited() || amount.is_zero() {
            return Ok(nothing);
        }
        match w.charge(amount, now) {
            Ok(tripped) => Ok(Pass {
                charged: Some(w),
                tripped,
            }),
            Err(short) => Err(CircuitGuardError::RateLimited(RateLimited {
                selector,
                available: short.available,
                retry_after: short.retry_after,
            })),
        }
    }

    fn screen_parties(
        &self,
        caller: Address,
        mode: Screening,
        origin: bool,
        now: u64,
    ) -> Result<()> {
        if mode == Screening::Off {
            return Ok(());
        }
        self.screen_account(caller, mode, now)?;
        if origin {
            let origin = self.vm().tx_origin();
            if origin != caller {
                self.screen_account(origin, mode, now)?;
            }
        }
        Ok(())
    }

    fn screen_account(&self, account: Address, mode: Screening, now: u64) -> Result<()> {
        if mode == Screening::Off {
            return Ok(());
        }
        let level = Status::word_level_at(self.statuses.get(subject::address(account)), now);
        if mode.blocks(level) {
            return Err(CircuitGuardError::CallerFlagged(CallerFlagged {
                caller: account,
                level: level as u8,
            }));
        }
        Ok(())
    }

    fn protocol(&self, protocol: Address) -> ProtocolWord {
        ProtocolWord::from_word(self.protocols.get(protocol))
    }

    fn set_protocol(&mut self, protocol: Address, p: ProtocolWord) {
        self.protocols.setter(protocol).set(p.to_word());
    }

    fn registered(&self, protocol: Address) -> Result<ProtocolWord> {
        let p = self.protocol(protocol);
        if !p.registered() {
            return Err(CircuitGuardError::ProtocolNotRegistered(
                ProtocolNotRegistered { protocol },
            ));
        }
        Ok(p)
    }

    fn only_admin(&self, protocol: Address) -> Result<ProtocolWord> {
        let p = self.registered(protocol)?;
        let account = self.vm().msg_sender();
        if account != p.admin {
            return Err(CircuitGuardError::NotAdmin(NotAdmin { protocol, account }));
        }
        Ok(p)
    }

    fn only_owner(&self) -> Result<Address> {
        let owner = self.owner.get();
        let account = self.vm().msg_sender();
        if account != owner {
            return Err(CircuitGuardError::NotOwner(NotOwner { account }));
        }
        Ok(owner)
    }

    /// The end of a pause `by` may place now, applying the guardian bounds (and opening a new
    /// guardian episode in `p`). Reads only.
    fn pause_end(
        &self,
        protocol: Address,
        p: &mut ProtocolWord,
        by: Address,
        now: u64,
        duration: u64,
    ) -> Result<u32> {
        if duration == 0 {
            return Err(CircuitGuardError::ZeroDuration(ZeroDuration {}));
        }
        if by == p.admin {
            return Ok(until(now, duration));
        }
        if !self.guardians.getter(protocol).get(by) {
            return Err(CircuitGuardError::NotAdminOrGuardian(NotAdminOrGuardian {
                protocol,
                account: by,
            }));
        }
        let max = self.max_pause.get().saturating_to::<u64>();
        if duration > max {
            return Err(CircuitGuardError::PauseTooLong(PauseTooLong {
                duration,
                max,
            }));
        }
        let episode_end = p.guardian_pause_end as u64;
        if now < episode_end {
            return Ok(until(now, duration).min(p.guardian_pause_end));
        }
        let retry_at = episode_end.saturating_add(self.pause_cooldown.get().saturating_to::<u64>());
        if episode_end != 0 && now < retry_at {
            return Err(CircuitGuardError::PauseCooldown(PauseCooldown { retry_at }));
        }
        p.guardian_pause_end = until(now, duration);
        Ok(p.guardian_pause_end)
    }

    /// The selector's word, or a fresh one with the protocol's defaults (and `true`) if it has no
    /// policy yet. Fails if the protocol's list of configured selectors is full. Reads only.
    fn policy(
        &self,
        protocol: Address,
        p: &ProtocolWord,
        selector: FixedBytes<4>,
    ) -> Result<(SelectorWord, bool)> {
        let w = SelectorWord::from_word(self.selectors.get(policy_key(protocol, selector)));
        if w.configured() {
            return Ok((w, false));
        }
        if self.configured.getter(protocol).len() >= MAX_SELECTORS as usize {
            return Err(CircuitGuardError::TooManySelectors(TooManySelectors {
                max: MAX_SELECTORS,
            }));
        }
        let mut fresh = SelectorWord {
            protocol_paused_until: p.paused_until,
            ..SelectorWord::default()
        };
        fresh.set_screening(p.screening(), p.screens_origin());
        Ok((fresh, true))
    }

    fn store_policy(
        &mut self,
        protocol: Address,
        selector: FixedBytes<4>,
        w: &SelectorWord,
        new: bool,
    ) {
        if new {
            self.configured.setter(protocol).push(selector);
        }
        self.selectors
            .setter(policy_key(protocol, selector))
            .set(w.to_word());
    }

    /// Copies the protocol pause into every configured selector's word, which is what lets
    /// `check` see it without reading the protocol word.
    fn sync_protocol_pause(&mut self, protocol: Address, paused_until: u32) {
        let selectors = self.configured_selectors(protocol);
        for selector in selectors {
            let key = policy_key(protocol, selector);
            let mut w = SelectorWord::from_word(self.selectors.get(key));
            w.protocol_paused_until = paused_until;
            self.selectors.setter(key).set(w.to_word());
        }
    }
}
