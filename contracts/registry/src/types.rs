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
        /// Warm stake (wei) a reporter needs before it may report.
        uint256 minStake;
        /// Stake counted toward weight is capped here, so one whale cannot confirm alone.
        uint256 stakeCap;
        /// Seconds new stake waits before it counts (flash loans buy nothing).
        uint64 stakeWarmup;
        /// Seconds between `requestUnstake` and `withdraw`.
        uint64 unbondingDelay;
        /// Stake (wei) locked per report (submit or corroborate) until the flag ends.
        uint256 reportBond;
        /// ETH (wei) a disputer posts with `dispute`.
        uint256 disputeBond;
        /// Score at which a flag becomes Watch.
        uint256 watchScore;
        /// Score at which a flag becomes Confirmed (together with `minReporters`).
        uint256 confirmScore;
        /// Distinct reporters a confirmation needs.
        uint8 minReporters;
        /// Reporters a flag may have; bounds every loop over them.
        uint8 maxReporters;
        /// Longest time to live (seconds) a flag may ask for.
        uint64 maxTtl;
        /// Share (basis points, < 10,000) of slashed bonds paid to a winning disputer.
        uint16 disputerShareBps;
        /// Seconds between scheduling and applying new parameters.
        uint64 paramsDelay;
    }

    /// The parameters scheduled by `scheduleParams` and when they may apply.
    #[derive(AbiType, Debug, PartialEq, Eq)]
    struct PendingParams {
        Params params;
        /// 0: none scheduled.
        uint64 eta;
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
        address[] reporters;
        address disputer;
        uint256 disputeBond;
        bool reachedConfirmed;
        bool settled;
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
        /// 1,000 is neutral; 0 means no weight.
        uint32 reputation;
        /// Weight a report would carry now under the current parameters.
        uint256 weight;
    }
}

/// `Params` is static: its 13 fields are 13 words inline.
impl Decode for Params {
    const WORDS: usize = 13;
    fn decode(a: Args, i: usize) -> Option<Self> {
        Some(Params {
            minStake: a.u256(i)?,
            stakeCap: a.u256(i + 1)?,
            stakeWarmup: a.u64(i + 2)?,
            unbondingDelay: a.u64(i + 3)?,
            reportBond: a.u256(i + 4)?,
            disputeBond: a.u256(i + 5)?,
            watchScore: a.u256(i + 6)?,
            confirmScore: a.u256(i + 7)?,
            minReporters: a.u8(i + 8)?,
            maxReporters: a.u8(i + 9)?,
            maxTtl: a.u64(i + 10)?,
            disputerShareBps: a.u16(i + 11)?,
            paramsDelay: a.u64(i + 12)?,
        })
    }
}

impl Words for Params {
    const WORDS: usize = 13;
    fn write(&self, out: &mut Out) {
        out.u256(self.minStake)
            .u256(self.stakeCap)
            .uint(self.stakeWarmup)
            .uint(self.unbondingDelay)
            .u256(self.reportBond)
            .u256(self.disputeBond)
            .u256(self.watchScore)
            .u256(self.confirmScore)
            .uint(self.minReporters as u64)
            .uint(self.maxReporters as u64)
            .uint(self.maxTtl)
            .uint(self.disputerShareBps as u64)
            .uint(self.paramsDelay);
    }
}

impl Words for PendingParams {
    const WORDS: usize = 14;
    fn write(&self, out: &mut Out) {
        self.params.write(out);
        out.uint(self.eta);
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

/// `FlagInfo` is dynamic (its `address[]`): an offset to the struct, its ten head words with the
/// array's offset relative to the struct, then the array.
impl Encode for FlagInfo {
    fn encode(self) -> Vec<u8> {
        let mut out = Out::with_capacity(13 + self.reporters.len());
        out.uint(32)
            .word(self.subject)
            .word(self.evidence)
            .uint(self.rulesVersion as u64)
            .uint(self.created)
            .uint(self.ttl)
            .uint(10 * 32)
            .address(self.disputer)
            .u256(self.disputeBond)
            .boolean(self.reachedConfirmed)
            .boolean(self.settled)
            .uint(self.reporters.len() as u64);
        for reporter in &self.reporters {
            out.address(*reporter);
        }
        out.finish()
    }
}
