//! Every log the registry emits. Events carry every actor, amount and evidence/rationale hash, so an
//! indexer can rebuild the whole state from logs alone.
//!
//! The declarations are the reference (signature hashes, the exported interface, the encodings
//! the tests decode with); the logs are written by `vigil_common::log::emit` from `topic0!` immediates and words.

pub use vigil_common::ownable::{OwnershipTransferStarted, OwnershipTransferred};

vigil_common::sol_items! {
    pub const EVENTS;

    event Staked(address indexed reporter, uint256 amount, uint256 stake, uint64 warmUntil);
    event UnstakeRequested(address indexed reporter, uint256 amount, uint256 unbonding, uint64 unbondAt);
    event Withdrawn(address indexed reporter, uint256 amount);
    event Claimed(address indexed account, uint256 amount);
    /// `locked`: the reporter's stake locked until the flag is settled; `weight`: what it added to the score.
    event FlagSubmitted(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, uint8 category, uint8 severity, bytes32 evidence, uint64 expiry, uint32 rulesVersion, uint256 weight, uint256 locked);
    /// `severity`: the flag's severity after this report (a corroborator may raise it).
    event FlagCorroborated(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, uint8 severity, bytes32 evidence, uint256 weight, uint256 locked);
    /// A heavier reporter took the weakest one's place on a full flag; `released` is the displaced report's lock.
    event ReporterDisplaced(uint32 indexed flagId, address indexed displaced, address indexed by, uint256 weight, uint256 released);
    /// The flag now ends at `expiry`: a reporter's `renew`, or a `submit` that joined it asking a longer life.
    event FlagRenewed(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, uint64 expiry);
    event StatusChanged(bytes32 indexed subject, uint32 indexed flagId, uint256 status);
    /// `bond` 0: the victim standing in a dispute someone else opened.
    event Disputed(bytes32 indexed subject, uint32 indexed flagId, address indexed disputer, bytes32 evidence, uint256 bond);
    event DisputeResolved(bytes32 indexed subject, uint32 indexed flagId, address indexed resolver, bool upheld, bytes32 rationale, uint256 slashed, uint256 toVictim, uint256 toDisputer, uint256 toReporters, uint256 toTreasury);
    /// No resolver decided within `disputeDeadline`: the bond is refunded and the flag stands.
    event DisputeLapsed(uint32 indexed flagId, address indexed disputer, uint256 refund);
    event ReporterSettled(uint32 indexed flagId, address indexed reporter, uint256 slashed, uint256 released, uint32 reputation);
    event EmergencyAction(bytes32 indexed subject, uint32 indexed flagId, address indexed resolver, bool confirmed, bytes32 rationale);
    /// `released`: the stake the flag's reports had locked, now free.
    event BondsReleased(uint32 indexed flagId, uint256 released, uint256 reporters);
    event AdvisoryRevealed(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, bytes details);
    event ResolverSet(address indexed account, bool enabled);
    event GuardSet(address indexed guard);
    event SubmissionsPausedSet(bool paused);
    /// The whole set, field by field as in `Params`, so logs alone rebuild every version.
    event ParamsApplied(uint32 indexed version, uint256 minStake, uint256 stakeCap, uint64 stakeWarmup, uint64 unbondingDelay, uint16 slashBps, uint256 disputeBond, uint256 watchScore, uint256 confirmScore, uint8 minReporters, uint8 maxReporters, uint64 maxTtl, uint16 victimShareBps, uint16 disputerShareBps, uint64 disputeWindow, uint64 disputeDeadline, uint64 paramsDelay);
    event TreasurySwept(address indexed to, uint256 amount);
    /// The guard did not take `status` for `subject` (it refused, or it cannot run): the registry
    /// went on, and anyone can repair the guard's copy with `syncGuard` once it accepts again.
    event GuardSyncSkipped(address indexed guard, bytes32 indexed subject, uint256 status);
}
