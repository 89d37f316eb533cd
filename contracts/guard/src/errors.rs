//! Every revert the guard produces, as one typed enum with one encoder.
//!
//! The `sol!` declarations are the reference: selectors, the exported interface, and the encodings
//! the tests compare with. Each error has only one-word fields, so [`CircuitGuardError`] is encoded
//! by `vigil_common::abi::revert` (selector and words) instead of alloy's encoder, which is generic
//! over each type and would put ~26 copies of encoding code in the wasm.

use alloc::vec::Vec;

#[cfg(feature = "export-abi")]
use stylus_sdk::prelude::*;
use vigil_common::{ownable::OwnershipError, timelock::TimelockError};
#[cfg(not(feature = "export-abi"))]
use {
    alloy_sol_types::SolError,
    vigil_common::abi::{revert, w},
};

vigil_common::sol_items! {
    /// Every error, for the exported interface.
    pub const ERRORS;

    // `check`'s verdicts: the fixed ABI `Guarded` and integrators decode.

    /// `protocol` never called `registerProtocol`.
    error ProtocolNotRegistered(address protocol);
    /// The protocol is paused until `until` (unix seconds).
    error ProtocolPaused(uint64 until);
    /// `selector` is paused until `until`, by hand or by a rate-limit trip.
    error SelectorPaused(bytes4 selector, uint64 until);
    /// `caller` (or `tx.origin`, or a screened counterparty) is flagged at `level` (2 watch,
    /// 3 confirmed), which the selector's screening blocks.
    error CallerFlagged(address caller, uint8 level);
    /// The runtime code of `caller` (or of a screened counterparty), EXTCODEHASH `codeHash`, is
    /// flagged at `level`, which the selector's code-hash screening blocks.
    error CodeFlagged(address caller, bytes32 codeHash, uint8 level);
    /// One of the selector's advisory tags, `advisory`, is confirmed.
    error AdvisoryActive(bytes32 advisory);
    /// The charge does not fit: `available` now, and the first second it fits (`retryAfter`,
    /// `type(uint64).max` if never).
    error RateLimited(bytes4 selector, uint256 available, uint64 retryAfter);

    // Access control.

    /// Owner only.
    error NotOwner(address account);
    /// Only the pending owner may accept ownership.
    error NotPendingOwner(address account);
    /// Only the protocol's admin may do this.
    error NotAdmin(address protocol, address account);
    /// Only the protocol's admin or a guardian may pause.
    error NotAdminOrGuardian(address protocol, address account);
    /// Only the registry pushes statuses.
    error NotRegistry(address account);
    /// The extension named at construction initialised nothing: `account` is not the guard's
    /// extension program.
    error NotExtension(address account);
    /// No call with this id is scheduled (`schedule` it first; an executed call must be scheduled
    /// again).
    error CallNotScheduled(bytes32 id);
    /// The scheduled call may run from `eta`.
    error CallNotReady(bytes32 id, uint64 eta);
    /// The same call is already scheduled; cancel it to restart its delay.
    error CallAlreadyScheduled(bytes32 id);
    /// This power is timelocked: `schedule` the call, then `execute` it after the delay.
    error MustBeScheduled();
    /// `schedule` takes only calls to the timelocked methods, with well-formed arguments.
    error NotTimelockable(bytes4 selector);

    // Bad input: nothing was changed.

    /// An owner, admin or guardian cannot be the zero address.
    error ZeroAddress();
    /// `protocol` is registered already.
    error AlreadyRegistered(address protocol);
    /// Screening modes are 0, 1 and 2, plus 4 for code-hash screening (4 and 5; not with 2).
    error InvalidScreening(uint8 mode);
    /// The timelock's delay must lie within `[min, max]` seconds.
    error InvalidDelay(uint64 delay, uint64 min, uint64 max);
    /// A rate limit needs a capacity.
    error CapacityZero();
    /// The refill per second exceeds the capacity.
    error RefillAboveCapacity(uint256 refillPerSecond, uint256 capacity);
    /// A non-zero refill is below the bucket's unit, so it would round to nothing.
    error RefillBelowUnit(uint256 refillPerSecond, uint256 unit);
    /// A tripping limit needs `tripLevel < rearmLevel <= capacity` (in whole units) and a refill;
    /// a limit that never trips has both levels zero.
    error InvalidTrip(uint256 tripLevel, uint256 rearmLevel);
    /// A pause needs a duration.
    error ZeroDuration();
    /// A guardian pause, or a trip's longest pause (re-arm level over refill), longer than
    /// `maxPauseDuration`.
    error PauseTooLong(uint64 duration, uint64 max);
    /// A guardian may pause again from `retryAt`.
    error PauseCooldown(uint64 retryAt);
    /// The protocol has configured `max` selectors already.
    error TooManySelectors(uint32 max);
    /// `selector` has no policy of its own: a guardian cannot create one, and there is none to
    /// remove.
    error SelectorNotConfigured(bytes4 selector);
    /// At most `max` advisory tags per selector.
    error TooManyTags(uint256 count, uint8 max);
    /// `tag` is not an advisory subject.
    error NotAdvisory(bytes32 tag);
    /// `subject` has no known kind.
    error InvalidSubject(bytes32 subject);
    /// `status` is not a valid status word.
    error InvalidStatus(bytes32 subject, uint256 status);
}

/// Every revert the guard produces. The first seven are `check`'s verdicts.
#[cfg_attr(feature = "export-abi", derive(SolidityError))]
pub enum CircuitGuardError {
    ProtocolNotRegistered(ProtocolNotRegistered),
    ProtocolPaused(ProtocolPaused),
    SelectorPaused(SelectorPaused),
    CallerFlagged(CallerFlagged),
    CodeFlagged(CodeFlagged),
    AdvisoryActive(AdvisoryActive),
    RateLimited(RateLimited),
    NotOwner(NotOwner),
    NotPendingOwner(NotPendingOwner),
    NotAdmin(NotAdmin),
    NotAdminOrGuardian(NotAdminOrGuardian),
    NotRegistry(NotRegistry),
    NotExtension(NotExtension),
    CallNotScheduled(CallNotScheduled),
    CallNotReady(CallNotReady),
    CallAlreadyScheduled(CallAlreadyScheduled),
    MustBeScheduled(MustBeScheduled),
    NotTimelockable(NotTimelockable),
    ZeroAddress(ZeroAddress),
    AlreadyRegistered(AlreadyRegistered),
    InvalidScreening(InvalidScreening),
    InvalidDelay(InvalidDelay),
    CapacityZero(CapacityZero),
    RefillAboveCapacity(RefillAboveCapacity),
    RefillBelowUnit(RefillBelowUnit),
    InvalidTrip(InvalidTrip),
    ZeroDuration(ZeroDuration),
    PauseTooLong(PauseTooLong),
    PauseCooldown(PauseCooldown),
    TooManySelectors(TooManySelectors),
    SelectorNotConfigured(SelectorNotConfigured),
    TooManyTags(TooManyTags),
    NotAdvisory(NotAdvisory),
    InvalidSubject(InvalidSubject),
    InvalidStatus(InvalidStatus),
    /// The revert data of a scheduled call that `execute` ran, passed on unchanged so the caller
    /// sees the method's own error. Not an interface error of its own, hence absent from the
    /// export build.
    #[cfg(not(feature = "export-abi"))]
    Reverted(Vec<u8>),
}

pub(crate) type Result<T, E = CircuitGuardError> = core::result::Result<T, E>;

impl CircuitGuardError {
    /// `execute`'s pass-through of a scheduled call's revert data.
    pub(crate) fn reverted(data: Vec<u8>) -> Self {
        #[cfg(not(feature = "export-abi"))]
        return Self::Reverted(data);
        // The export build only prints the interface and never runs a call.
        #[cfg(feature = "export-abi")]
        {
            drop(data);
            Self::MustBeScheduled(MustBeScheduled {})
        }
    }
}

/// The timelock's failures, as the guard's errors.
impl From<TimelockError> for CircuitGuardError {
    fn from(e: TimelockError) -> Self {
        match e {
            TimelockError::NotScheduled(id) => Self::CallNotScheduled(CallNotScheduled { id }),
            TimelockError::NotReady(id, eta) => Self::CallNotReady(CallNotReady { id, eta }),
            TimelockError::AlreadyScheduled(id) => {
                Self::CallAlreadyScheduled(CallAlreadyScheduled { id })
            }
            TimelockError::NotExecuting => Self::MustBeScheduled(MustBeScheduled {}),
        }
    }
}

impl From<OwnershipError> for CircuitGuardError {
    fn from(e: OwnershipError) -> Self {
        match e {
            OwnershipError::NotOwner(account) => Self::NotOwner(NotOwner { account }),
            OwnershipError::NotPendingOwner(account) => {
                Self::NotPendingOwner(NotPendingOwner { account })
            }
        }
    }
}

/// The revert data: the error's selector, then its fields as words, through the one encoder both
/// contracts use. (With `export-abi` the derived `SolidityError` provides this conversion.)
#[cfg(not(feature = "export-abi"))]
impl From<CircuitGuardError> for Vec<u8> {
    fn from(err: CircuitGuardError) -> Self {
        use CircuitGuardError as E;
        match err {
            E::ProtocolNotRegistered(e) => {
                revert(ProtocolNotRegistered::SELECTOR, &[w(e.protocol)])
            }
            E::ProtocolPaused(e) => revert(ProtocolPaused::SELECTOR, &[w(e.until)]),
            E::SelectorPaused(e) => revert(SelectorPaused::SELECTOR, &[w(e.selector), w(e.until)]),
            E::CallerFlagged(e) => revert(CallerFlagged::SELECTOR, &[w(e.caller), w(e.level)]),
            E::CodeFlagged(e) => revert(
                CodeFlagged::SELECTOR,
                &[w(e.caller), e.codeHash, w(e.level)],
            ),
            E::AdvisoryActive(e) => revert(AdvisoryActive::SELECTOR, &[w(e.advisory)]),
            E::RateLimited(e) => revert(
                RateLimited::SELECTOR,
                &[w(e.selector), w(e.available), w(e.retryAfter)],
            ),
            E::NotOwner(e) => revert(NotOwner::SELECTOR, &[w(e.account)]),
            E::NotPendingOwner(e) => revert(NotPendingOwner::SELECTOR, &[w(e.account)]),
            E::NotAdmin(e) => revert(NotAdmin::SELECTOR, &[w(e.protocol), w(e.account)]),
            E::NotAdminOrGuardian(e) => {
                revert(NotAdminOrGuardian::SELECTOR, &[w(e.protocol), w(e.account)])
            }
            E::NotRegistry(e) => revert(NotRegistry::SELECTOR, &[w(e.account)]),
            E::NotExtension(e) => revert(NotExtension::SELECTOR, &[w(e.account)]),
            E::CallNotScheduled(e) => revert(CallNotScheduled::SELECTOR, &[e.id]),
            E::CallNotReady(e) => revert(CallNotReady::SELECTOR, &[e.id, w(e.eta)]),
            E::CallAlreadyScheduled(e) => revert(CallAlreadyScheduled::SELECTOR, &[e.id]),
            E::MustBeScheduled(_) => revert(MustBeScheduled::SELECTOR, &[]),
            E::NotTimelockable(e) => revert(NotTimelockable::SELECTOR, &[w(e.selector)]),
            E::ZeroAddress(_) => revert(ZeroAddress::SELECTOR, &[]),
            E::AlreadyRegistered(e) => revert(AlreadyRegistered::SELECTOR, &[w(e.protocol)]),
            E::InvalidScreening(e) => revert(InvalidScreening::SELECTOR, &[w(e.mode)]),
            E::InvalidDelay(e) => revert(InvalidDelay::SELECTOR, &[w(e.delay), w(e.min), w(e.max)]),
            E::CapacityZero(_) => revert(CapacityZero::SELECTOR, &[]),
            E::RefillAboveCapacity(e) => revert(
                RefillAboveCapacity::SELECTOR,
                &[w(e.refillPerSecond), w(e.capacity)],
            ),
            E::RefillBelowUnit(e) => revert(
                RefillBelowUnit::SELECTOR,
                &[w(e.refillPerSecond), w(e.unit)],
            ),
            E::InvalidTrip(e) => revert(InvalidTrip::SELECTOR, &[w(e.tripLevel), w(e.rearmLevel)]),
            E::ZeroDuration(_) => revert(ZeroDuration::SELECTOR, &[]),
            E::PauseTooLong(e) => revert(PauseTooLong::SELECTOR, &[w(e.duration), w(e.max)]),
            E::PauseCooldown(e) => revert(PauseCooldown::SELECTOR, &[w(e.retryAt)]),
            E::TooManySelectors(e) => revert(TooManySelectors::SELECTOR, &[w(e.max)]),
            E::SelectorNotConfigured(e) => {
                revert(SelectorNotConfigured::SELECTOR, &[w(e.selector)])
            }
            E::TooManyTags(e) => revert(TooManyTags::SELECTOR, &[w(e.count), w(e.max)]),
            E::NotAdvisory(e) => revert(NotAdvisory::SELECTOR, &[w(e.tag)]),
            E::InvalidSubject(e) => revert(InvalidSubject::SELECTOR, &[w(e.subject)]),
            E::InvalidStatus(e) => revert(InvalidStatus::SELECTOR, &[w(e.subject), w(e.status)]),
            E::Reverted(data) => data,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use alloy_primitives::{Address, FixedBytes, B256, U256};
    use alloy_sol_types::SolError;

    use super::*;
    use CircuitGuardError as E;

    /// alloy's encoding of the declared error. The match is exhaustive, so a new variant cannot
    /// be added without saying how alloy encodes it.
    fn alloy(err: &CircuitGuardError) -> Vec<u8> {
        match err {
            E::ProtocolNotRegistered(e) => e.abi_encode(),
            E::ProtocolPaused(e) => e.abi_encode(),
            E::SelectorPaused(e) => e.abi_encode(),
            E::CallerFlagged(e) => e.abi_encode(),
            E::CodeFlagged(e) => e.abi_encode(),
            E::AdvisoryActive(e) => e.abi_encode(),
            E::RateLimited(e) => e.abi_encode(),
            E::NotOwner(e) => e.abi_encode(),
            E::NotPendingOwner(e) => e.abi_encode(),
            E::NotAdmin(e) => e.abi_encode(),
            E::NotAdminOrGuardian(e) => e.abi_encode(),
            E::NotRegistry(e) => e.abi_encode(),
            E::NotExtension(e) => e.abi_encode(),
            E::CallNotScheduled(e) => e.abi_encode(),
            E::CallNotReady(e) => e.abi_encode(),
            E::CallAlreadyScheduled(e) => e.abi_encode(),
            E::MustBeScheduled(e) => e.abi_encode(),
            E::NotTimelockable(e) => e.abi_encode(),
            E::ZeroAddress(e) => e.abi_encode(),
            E::AlreadyRegistered(e) => e.abi_encode(),
            E::InvalidScreening(e) => e.abi_encode(),
            E::InvalidDelay(e) => e.abi_encode(),
            E::CapacityZero(e) => e.abi_encode(),
            E::RefillAboveCapacity(e) => e.abi_encode(),
            E::RefillBelowUnit(e) => e.abi_encode(),
            E::InvalidTrip(e) => e.abi_encode(),
            E::ZeroDuration(e) => e.abi_encode(),
            E::PauseTooLong(e) => e.abi_encode(),
            E::PauseCooldown(e) => e.abi_encode(),
            E::TooManySelectors(e) => e.abi_encode(),
            E::SelectorNotConfigured(e) => e.abi_encode(),
            E::TooManyTags(e) => e.abi_encode(),
            E::NotAdvisory(e) => e.abi_encode(),
            E::InvalidSubject(e) => e.abi_encode(),
            E::InvalidStatus(e) => e.abi_encode(),
            E::Reverted(data) => data.clone(),
        }
    }

    /// Every variant, with extreme field values, encoded by hand and by alloy, byte for byte.
    #[test]
    fn errors_encode_like_alloy() {
        let a = Address::repeat_byte(0xab);
        let b = Address::repeat_byte(0xcd);
        let s = FixedBytes([0xff, 0, 0xee, 1]);
        let h = B256::repeat_byte(0x5a);
        let big = U256::MAX - U256::from(7u8);
        let one = U256::from(1u8);
        let cases = vec![
            E::ProtocolNotRegistered(ProtocolNotRegistered { protocol: a }),
            E::ProtocolPaused(ProtocolPaused { until: u64::MAX }),
            E::SelectorPaused(SelectorPaused {
                selector: s,
                until: 9,
            }),
            E::CallerFlagged(CallerFlagged {
                caller: a,
                level: 255,
            }),
            E::CodeFlagged(CodeFlagged {
                caller: b,
                codeHash: h,
                level: 255,
            }),
            E::AdvisoryActive(AdvisoryActive { advisory: h }),
            E::RateLimited(RateLimited {
                selector: s,
                available: big,
                retryAfter: 3,
            }),
            E::NotOwner(NotOwner { account: a }),
            E::NotPendingOwner(NotPendingOwner { account: a }),
            E::NotAdmin(NotAdmin {
                protocol: a,
                account: b,
            }),
            E::NotAdminOrGuardian(NotAdminOrGuardian {
                protocol: a,
                account: b,
            }),
            E::NotRegistry(NotRegistry { account: b }),
            E::NotExtension(NotExtension { account: b }),
            E::CallNotScheduled(CallNotScheduled { id: h }),
            E::CallNotReady(CallNotReady {
                id: h,
                eta: u64::MAX,
            }),
            E::CallAlreadyScheduled(CallAlreadyScheduled { id: h }),
            E::MustBeScheduled(MustBeScheduled {}),
            E::NotTimelockable(NotTimelockable { selector: s }),
            E::ZeroAddress(ZeroAddress {}),
            E::AlreadyRegistered(AlreadyRegistered { protocol: b }),
            E::InvalidScreening(InvalidScreening { mode: 200 }),
            E::InvalidDelay(InvalidDelay {
                delay: u64::MAX,
                min: 1,
                max: 2,
            }),
            E::CapacityZero(CapacityZero {}),
            E::RefillAboveCapacity(RefillAboveCapacity {
                refillPerSecond: big,
                capacity: one,
            }),
            E::RefillBelowUnit(RefillBelowUnit {
                refillPerSecond: one,
                unit: big,
            }),
            E::InvalidTrip(InvalidTrip {
                tripLevel: big,
                rearmLevel: one,
            }),
            E::ZeroDuration(ZeroDuration {}),
            E::PauseTooLong(PauseTooLong {
                duration: 1,
                max: 2,
            }),
            E::PauseCooldown(PauseCooldown { retryAt: 5 }),
            E::TooManySelectors(TooManySelectors { max: 32 }),
            E::SelectorNotConfigured(SelectorNotConfigured { selector: s }),
            E::TooManyTags(TooManyTags { count: big, max: 4 }),
            E::NotAdvisory(NotAdvisory { tag: h }),
            E::InvalidSubject(InvalidSubject { subject: h }),
            E::InvalidStatus(InvalidStatus {
                subject: h,
                status: big,
            }),
            // Passed through as it came: a scheduled call's own revert data.
            E::Reverted(vec![1, 2, 3]),
        ];
        let variants: HashSet<_> = cases.iter().map(std::mem::discriminant).collect();
        assert_eq!(variants.len(), 36, "one case per variant");
        for err in cases {
            let expected = alloy(&err);
            assert_eq!(Vec::<u8>::from(err), expected);
        }
    }
}
