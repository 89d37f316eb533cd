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
    event FlagSubmitted(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, uint8 category, uint8 severity, bytes32 evidence, uint64 expiry, uint32 rulesVersion, uint256 weight, uint256 bond);
    event FlagCorroborated(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, bytes32 evidence, uint256 weight, uint256 bond);
    event FlagRenewed(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, uint64 expiry);
    event StatusChanged(bytes32 indexed subject, uint32 indexed flagId, uint256 status);
    event Disputed(bytes32 indexed subject, uint32 indexed flagId, address indexed disputer, bytes32 evidence, uint256 bond);
    event DisputeResolved(bytes32 indexed subject, uint32 indexed flagId, address indexed resolver, bool upheld, bytes32 rationale, uint256 slashed, uint256 toDisputer, uint256 toReporters, uint256 toTreasury);
    event ReporterSettled(uint32 indexed flagId, address indexed reporter, uint256 slashed, uint256 released, uint32 reputation);
    event EmergencyAction(bytes32 indexed subject, uint32 indexed flagId, address indexed resolver, bool confirmed, bytes32 rationale);
    event BondsReleased(uint32 indexed flagId, uint256 perReporter, uint256 reporters);
    event AdvisoryRevealed(bytes32 indexed subject, uint32 indexed flagId, address indexed reporter, bytes details);
    event ResolverSet(address indexed account, bool enabled);
    event GuardSet(address indexed guard);
    event SubmissionsPausedSet(bool paused);
    event ParamsScheduled(uint32 indexed version, uint64 eta);
    event ParamsCancelled(uint32 indexed version);
    event ParamsApplied(uint32 indexed version);
    event TreasurySwept(address indexed to, uint256 amount);
}
