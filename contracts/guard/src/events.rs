//! Every log the guard emits.
//!
//! The `sol!` declarations are the reference (signature hashes, the exported interface, the
//! encodings the tests compare with). Every field is one word, or a list of words, so events are
//! written by `vigil_common::log::emit` from `topic0!` immediates and words, not by alloy's
//! encoder.

use alloy_sol_types::sol;
/// Two-step ownership's events, declared once with its logic.
pub use vigil_common::ownable::{OwnershipTransferStarted, OwnershipTransferred};

sol! {
    event ProtocolRegistered(address indexed protocol, address indexed admin);
    event AdminChanged(address indexed protocol, address indexed admin);
    event GuardianSet(address indexed protocol, address indexed guardian, bool enabled);
    event ProtocolScreeningSet(address indexed protocol, uint8 mode, bool screenOrigin);
    event ScreeningSet(address indexed protocol, bytes4 indexed selector, uint8 mode, bool screenOrigin);
    event RateLimitSet(
        address indexed protocol,
        bytes4 indexed selector,
        bool enabled,
        uint256 capacity,
        uint256 refillPerSecond,
        uint256 tripLevel,
        uint32 tripCooldown,
        uint256 unit
    );
    event AdvisoryTagsSet(address indexed protocol, bytes4 indexed selector, bytes32[] tags);
    event ProtocolPauseSet(address indexed protocol, address indexed by, uint64 until);
    event ProtocolUnpaused(address indexed protocol, address indexed by);
    event SelectorPauseSet(address indexed protocol, bytes4 indexed selector, address indexed by, uint64 until);
    event SelectorUnpaused(address indexed protocol, bytes4 indexed selector, address indexed by);
    event Tripped(address indexed protocol, bytes4 indexed selector, uint64 until);
    event StatusSynced(bytes32 indexed subject, uint256 status);
    event RegistrySet(address indexed registry);
    event PauseBoundsSet(uint32 maxPauseDuration, uint32 pauseCooldown);
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
