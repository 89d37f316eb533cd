//! Every log the guard emits.
//!
//! The `sol!` declarations are the reference (signature hashes, the exported interface, the
//! encodings the tests compare with). Every field is one word, or a list of words, so events are
//! written by `vigil_common::log::emit` from `topic0!` immediates and words, not by alloy's
//! encoder.

/// Two-step ownership's and the timelock's events, declared once with their logic.
pub use vigil_common::{
    ownable::{OwnershipTransferStarted, OwnershipTransferred},
    timelock::{CallCancelled, CallExecuted, CallScheduled},
};

vigil_common::sol_items! {
    /// The guard's own events, for the exported interface.
    pub const EVENTS;

    /// `protocol` registered itself with `admin`.
    event ProtocolRegistered(address indexed protocol, address indexed admin);
    /// The protocol's admin is now `admin`.
    event AdminChanged(address indexed protocol, address indexed admin);
    /// `guardian` was appointed (`enabled`) or removed.
    event GuardianSet(address indexed protocol, address indexed guardian, bool enabled);
    /// The protocol's default screening.
    event ProtocolScreeningSet(address indexed protocol, uint8 mode, bool screenOrigin);
    /// A selector's screening.
    event ScreeningSet(address indexed protocol, bytes4 indexed selector, uint8 mode, bool screenOrigin);
    /// A selector's rate limit, with the effective (rounded) values; all zero when removed.
    event RateLimitSet(
        address indexed protocol,
        bytes4 indexed selector,
        bool enabled,
        uint256 capacity,
        uint256 refillPerSecond,
        uint256 tripLevel,
        uint256 rearmLevel,
        uint256 unit
    );
    /// The selector's own policy was removed: it falls back to the protocol's word, and its slot
    /// is free.
    event PolicyRemoved(address indexed protocol, bytes4 indexed selector);
    /// A selector's advisory tags.
    event AdvisoryTagsSet(address indexed protocol, bytes4 indexed selector, bytes32[] tags);
    /// The protocol is paused until `until`, by `by`.
    event ProtocolPauseSet(address indexed protocol, address indexed by, uint64 until);
    /// The protocol pause was lifted.
    event ProtocolUnpaused(address indexed protocol, address indexed by);
    /// A selector is paused until `until`, by `by`.
    event SelectorPauseSet(address indexed protocol, bytes4 indexed selector, address indexed by, uint64 until);
    /// A selector pause was lifted.
    event SelectorUnpaused(address indexed protocol, bytes4 indexed selector, address indexed by);
    /// A charge drained the selector's bucket to its trip level: paused until the bucket is back
    /// at its re-arm level, which refill alone brings at `until` (inflows bring it sooner).
    event Tripped(address indexed protocol, bytes4 indexed selector, uint64 until);
    /// The registry pushed `subject`'s status word.
    event StatusSynced(bytes32 indexed subject, uint256 status);
    /// The registry whose pushes are accepted.
    event RegistrySet(address indexed registry);
    /// The guardian bounds.
    event PauseBoundsSet(uint32 maxPauseDuration, uint32 pauseCooldown);
    /// The owner's timelock delay for calls scheduled from now on.
    event DelaySet(uint64 delay);
}

#[cfg(test)]
mod tests {
    use alloy_sol_types::SolEvent;
    use vigil_common::topic0;

    use super::*;

    #[test]
    fn topic0_is_the_signature_hash() {
        assert_eq!(topic0!(RateLimitSet), RateLimitSet::SIGNATURE_HASH);
        assert_eq!(topic0!(Tripped), Tripped::SIGNATURE_HASH);
    }
}
