//! The structs the registry's methods take and return, and how the hand router reads and writes
//! them (`Decode` / `Words` / `Encode`, tested byte for byte against alloy's encoding through the
//! twin router).

use alloc::vec::Vec;
use alloy_primitives::U256;
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;
use vigil_common::abi::{Args, Decode, Encode, Out, Words};

sol! {
    /// Rules a flag is judged by. Versioned: a flag keeps the version in force when it was
    /// submitted until it ends, so a parameter change never alters an open case.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct Params {
        /// Stake (wei) a report must be able to lock: warm, not yet locked, not unbonding.
        uint256 minStake;
        /// Most stake one report locks, and so most weight it carries: one whale cannot confirm
        /// alone, and a reporter can back several flags at once.
        uint256 stakeCap;
        /// Seconds new stake waits before it counts (flash loans buy nothing).
        uint64 stakeWarmup;
        /// Seconds between `requestUnstake` and `withdraw`.
        uint64 unbondingDelay;
        /// Share (basis points, 1..=10,000) of a report's locked stake slashed when its flag is
        /// rejected: a false confirmation costs at least `confirmScore * slashBps / 10,000`.
        uint16 slashBps;
        /// ETH (wei) a disputer posts with `dispute`.
        uint256 disputeBond;
        /// Score at which a flag becomes Watch.
        uint256 watchScore;
        /// Score at which a flag becomes Confirmed (together with `minReporters`).
        uint256 confirmScore;
        /// Distinct reporters a confirmation needs.
        uint8 minReporters;
        /// Reporters a flag may have; bounds every loop over them. A heavier reporter displaces
        /// the weakest of a full flag.
        uint8 maxReporters;
        /// Longest time to live (seconds) a flag may ask for.
        uint64 maxTtl;
        /// Share (basis points) of a rejected flag's slash credited to its victim (the flagged
        /// address).
        uint16 victimShareBps;
        /// Share (basis points) of a rejected flag's slash credited to the disputer, unless it is
        /// one of the flag's reporters. With `victimShareBps` below 10,000: the treasury keeps
        /// the rest, so reporters and a colluding disputer always lose together.
        uint16 disputerShareBps;
        /// Seconds a flag stays disputable after it ends; its reporters are released and
        /// rewarded only after this window.
        uint64 disputeWindow;
        /// Seconds resolvers have to decide a dispute; after it anyone may lapse it (the bond is
        /// refunded and the flag stands).
        uint64 disputeDeadline;
        /// Seconds between scheduling a timelocked owner call (new parameters, a resolver, the
        /// guard link, ownership, the treasury) and executing it.
        uint64 paramsDelay;
    }

    /// Registry-wide settings in one call.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct RegistryConfig {
        address owner;
        /// Proposed by `transferOwnership`, until it accepts (0: none).
        address pendingOwner;
        /// Receives every status change (0: unlinked).
        address guard;
        bool submissionsPaused;
        uint32 paramsVersion;
        uint32 flagCount;
    }

    /// The four sums whose total must equal the contract's balance.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct Accounting {
        /// All reporters' stake, bonded or not.
        uint256 stakes;
        /// ETH posted by open disputes.
        uint256 disputeBonds;
        /// Credited to accounts and not yet claimed.
        uint256 claimable;
        /// Slashed funds not yet swept.
        uint256 treasury;
    }

    /// A subject's status as consumers read it.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct SubjectStatus {
        /// 0 none, 1 pending, 2 watch, 3 confirmed, 4 removed, 5 expired.
        uint8 level;
        /// A dispute is open; the level keeps its effect meanwhile.
        bool disputed;
        /// Resolved by governance; cannot be disputed again.
        bool finalized;
        uint8 category;
        uint8 severity;
        uint32 flagId;
        uint64 expiry;
        uint128 score;
    }

    /// One flag's record: attribution and the case's state.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct FlagInfo {
        bytes32 subject;
        bytes32 evidence;
        uint32 rulesVersion;
        uint64 created;
        uint64 ttl;
        /// When the flag ends (or ended): disputable until `expiry + disputeWindow`.
        uint64 expiry;
        address[] reporters;
        /// The open dispute's disputer (0: none open).
        address disputer;
        uint256 disputeBond;
        /// When the open dispute was posted; it may be lapsed after `disputeDeadline`.
        uint64 disputedAt;
        bool reachedConfirmed;
        bool settled;
    }

    /// One reporter's stake in one flag.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct Report {
        /// Stake locked until the flag is settled; the base of its slash.
        uint256 locked;
        /// Weight added to the flag's score: `locked` scaled by reputation, never above it.
        uint256 weight;
    }

    /// A reporter's stake and standing.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct ReporterInfo {
        /// All stake held for the reporter, including locked, warming and unbonding parts.
        uint256 stake;
        /// Part of `stake` bonded to open flags.
        uint256 locked;
        /// Part of `stake` still in its warm-up; it counts from `warmAt` on.
        uint256 warming;
        uint64 warmAt;
        /// Part of `stake` waiting for `withdraw`.
        uint256 unbonding;
        uint64 unbondAt;
        /// 500 for a new reporter, at most 1,000; weight is locked stake times reputation / 1,000.
        /// 0 after a rejected flag: the address may not report again.
        uint32 reputation;
        /// Weight a report would carry now under the current parameters.
        uint256 weight;
    }
}

/// `Params` is static: its 16 fields are 16 words inline.
impl Decode for Params {
    const WORDS: usize = 16;
    fn decode(a: Args, i: usize) -> Option<Self> {
        Some(Params {
            minStake: a.u256(i)?,
            stakeCap: a.u256(i + 1)?,
            stakeWarmup: a.u64(i + 2)?,
            unbondingDelay: a.u64(i + 3)?,
            slashBps: a.u16(i + 4)?,
            disputeBond: a.u256(i + 5)?,
            watchScore: a.u256(i + 6)?,
            confirmScore: a.u256(i + 7)?,
            minReporters: a.u8(i + 8)?,
            maxReporters: a.u8(i + 9)?,
            maxTtl: a.u64(i + 10)?,
            victimShareBps: a.u16(i + 11)?,
            disputerShareBps: a.u16(i + 12)?,
            disputeWindow: a.u64(i + 13)?,
            disputeDeadline: a.u64(i + 14)?,
            paramsDelay: a.u64(i + 15)?,
        })
    }
}

impl Words for Params {
    const WORDS: usize = 16;
    fn write(&self, out: &mut Out) {
        out.u256(self.minStake)
            .u256(self.stakeCap)
            .uint(self.stakeWarmup)
            .uint(self.unbondingDelay)
            .uint(self.slashBps as u64)
            .u256(self.disputeBond)
            .u256(self.watchScore)
            .u256(self.confirmScore)
            .uint(self.minReporters as u64)
            .uint(self.maxReporters as u64)
            .uint(self.maxTtl)
            .uint(self.victimShareBps as u64)
            .uint(self.disputerShareBps as u64)
            .uint(self.disputeWindow)
            .uint(self.disputeDeadline)
            .uint(self.paramsDelay);
    }
}

impl Words for RegistryConfig {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.address(self.owner)
            .address(self.pendingOwner)
            .address(self.guard)
            .boolean(self.submissionsPaused)
            .uint(self.paramsVersion as u64)
            .uint(self.flagCount as u64);
    }
}

impl Words for Accounting {
    const WORDS: usize = 4;
    fn write(&self, out: &mut Out) {
        out.u256(self.stakes)
            .u256(self.disputeBonds)
            .u256(self.claimable)
            .u256(self.treasury);
    }
}

impl Words for SubjectStatus {
    const WORDS: usize = 8;
    fn write(&self, out: &mut Out) {
        out.uint(self.level as u64)
            .boolean(self.disputed)
            .boolean(self.finalized)
            .uint(self.category as u64)
            .uint(self.severity as u64)
            .uint(self.flagId as u64)
            .uint(self.expiry)
            .u256(U256::from(self.score));
    }
}

impl Words for Report {
    const WORDS: usize = 2;
    fn write(&self, out: &mut Out) {
        out.u256(self.locked).u256(self.weight);
    }
}

impl Words for ReporterInfo {
    const WORDS: usize = 8;
    fn write(&self, out: &mut Out) {
        out.u256(self.stake)
            .u256(self.locked)
            .u256(self.warming)
            .uint(self.warmAt)
            .u256(self.unbonding)
            .uint(self.unbondAt)
            .uint(self.reputation as u64)
            .u256(self.weight);
    }
}

/// `FlagInfo` is dynamic (its `address[]`): an offset to the struct, its twelve head words with
/// the array's offset relative to the struct, then the array.
impl Encode for FlagInfo {
    fn encode(self) -> Vec<u8> {
        let mut out = Out::with_capacity(15 + self.reporters.len());
        out.uint(32)
            .word(self.subject)
            .word(self.evidence)
            .uint(self.rulesVersion as u64)
            .uint(self.created)
            .uint(self.ttl)
            .uint(self.expiry)
            .uint(12 * 32)
            .address(self.disputer)
            .u256(self.disputeBond)
            .uint(self.disputedAt)
            .boolean(self.reachedConfirmed)
            .boolean(self.settled)
            .uint(self.reporters.len() as u64);
        for reporter in &self.reporters {
            out.address(*reporter);
        }
        out.finish()
    }
}
