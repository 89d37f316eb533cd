//! Every revert the registry produces, as one typed enum with one encoder.
//!
//! The declarations are the reference: selectors, the exported interface (with their names and
//! NatSpec, through `sol_items!`), and the encodings the tests compare with. Every error has only
//! one-word fields, so [`RegistryError`] is encoded by `vigil_common::abi::revert` instead of
//! alloy's per-error encoders (~150 bytes of wasm each, paid on every call).

use alloc::vec::Vec;

use alloy_primitives::U256;
#[cfg(not(feature = "export-abi"))]
use alloy_sol_types::SolError;
#[cfg(feature = "export-abi")]
use stylus_sdk::prelude::*;
#[cfg(not(feature = "export-abi"))]
use vigil_common::abi::{revert, w};
use vigil_common::{ownable::OwnershipError, timelock::TimelockError};

vigil_common::sol_items! {
    pub const ERRORS;

    // Access control.
    error Unauthorized(address account);

    // Bad input.
    error ZeroAddress();
    error ZeroAmount();
    error InvalidSubject(bytes32 subject);
    error InvalidCategory(uint8 category);
    error InvalidSeverity(uint8 severity);
    error InvalidTtl(uint64 ttl, uint64 max);
    /// `field` is the index of the offending field in `Params` (0 = minStake ... 15 = paramsDelay).
    error InvalidParams(uint8 field);
    error UnknownVersion(uint32 version);
    error RevealMismatch(bytes32 subject, bytes32 evidence);
    /// Every flag id (2^32 - 1) has been used.
    error TooManyFlags();
    /// An ETH or stake amount would wrap: defence in depth behind the accounting invariant.
    error AmountOverflow();

    // A flag's case.
    error SubmissionsPaused();
    error NoLiveFlag(bytes32 subject);
    error UnknownFlag(uint32 flagId);
    error FlagFinal(bytes32 subject);
    error AlreadyReported(bytes32 subject, address reporter);
    /// The flag is full and the caller does not out-weigh its weakest reporter.
    error TooManyReporters(bytes32 subject, uint8 max);
    error NotAReporter(bytes32 subject, address account);
    error WrongBond(uint256 expected, uint256 sent);
    error AlreadyDisputed(bytes32 subject);
    error NotDisputed(bytes32 subject);
    /// The flag's dispute is open; it can be lapsed from `deadline` on.
    error DisputeOpen(uint32 flagId, uint64 deadline);
    /// The flag ended and its dispute window closed at `closedAt`.
    error DisputeWindowClosed(uint32 flagId, uint64 closedAt);
    /// The flag ended but stays disputable, and its reporters bound, until `until`.
    error DisputeWindowOpen(uint32 flagId, uint64 until);
    /// The resolver is a party to the flag (a reporter, the disputer, or the subject).
    error ConflictOfInterest(address resolver);
    error FlagStillLive(uint32 flagId, uint64 expiry);
    error AlreadySettled(uint32 flagId);

    // Stake and money.
    error InsufficientStake(uint256 available, uint256 required);
    error NoReputation(address reporter);
    error StillUnbonding(uint64 until);
    error NothingToWithdraw();
    error NothingToClaim();
    error TreasuryEmpty();
    error TransferFailed(address to, uint256 amount);

    // Governance and the guard link.
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
    /// Less gas is left than the guard's push budget: the transaction would have confirmed
    /// without protecting. Raise the gas limit.
    error GuardGasTooLow(uint64 required);
    /// `syncGuard` takes at most `max` subjects.
    error BatchTooLarge(uint256 count, uint256 max);
}

/// Every revert the registry produces, in the order the interface lists them.
#[cfg_attr(feature = "export-abi", derive(SolidityError))]
pub enum RegistryError {
    Unauthorized(Unauthorized),
    ZeroAddress(ZeroAddress),
    ZeroAmount(ZeroAmount),
    InvalidSubject(InvalidSubject),
    InvalidCategory(InvalidCategory),
    InvalidSeverity(InvalidSeverity),
    InvalidTtl(InvalidTtl),
    InvalidParams(InvalidParams),
    UnknownVersion(UnknownVersion),
    SubmissionsPaused(SubmissionsPaused),
    NoLiveFlag(NoLiveFlag),
    UnknownFlag(UnknownFlag),
    FlagFinal(FlagFinal),
    AlreadyReported(AlreadyReported),
    TooManyReporters(TooManyReporters),
    NotAReporter(NotAReporter),
    InsufficientStake(InsufficientStake),
    NoReputation(NoReputation),
    WrongBond(WrongBond),
    AlreadyDisputed(AlreadyDisputed),
    NotDisputed(NotDisputed),
    DisputeOpen(DisputeOpen),
    DisputeWindowClosed(DisputeWindowClosed),
    DisputeWindowOpen(DisputeWindowOpen),
    ConflictOfInterest(ConflictOfInterest),
    FlagStillLive(FlagStillLive),
    AlreadySettled(AlreadySettled),
    StillUnbonding(StillUnbonding),
    NothingToWithdraw(NothingToWithdraw),
    NothingToClaim(NothingToClaim),
    TreasuryEmpty(TreasuryEmpty),
    RevealMismatch(RevealMismatch),
    TooManyFlags(TooManyFlags),
    AmountOverflow(AmountOverflow),
    TransferFailed(TransferFailed),
    CallNotScheduled(CallNotScheduled),
    CallNotReady(CallNotReady),
    CallAlreadyScheduled(CallAlreadyScheduled),
    MustBeScheduled(MustBeScheduled),
    NotTimelockable(NotTimelockable),
    GuardGasTooLow(GuardGasTooLow),
    BatchTooLarge(BatchTooLarge),
    /// The revert data of a scheduled call that `execute` ran, passed on unchanged so the caller
    /// sees the method's own error. Not an interface error of its own, hence absent from the
    /// export build.
    #[cfg(not(feature = "export-abi"))]
    Reverted(Vec<u8>),
}

pub type Result<T, E = RegistryError> = core::result::Result<T, E>;

/// `a + b`, or [`AmountOverflow`]: every ETH and stake sum goes through this or [`sub`]. The
/// error is the field-less struct itself, so a `?` converts it at the call site instead of moving
/// a whole `RegistryError`.
pub fn add(a: U256, b: U256) -> Result<U256, AmountOverflow> {
    a.checked_add(b).ok_or(AmountOverflow {})
}

/// `a - b`, or [`AmountOverflow`] when the books would go negative.
pub fn sub(a: U256, b: U256) -> Result<U256, AmountOverflow> {
    a.checked_sub(b).ok_or(AmountOverflow {})
}

// With export-abi, `SolidityError` derives the same conversion.
#[cfg(not(feature = "export-abi"))]
impl From<AmountOverflow> for RegistryError {
    fn from(e: AmountOverflow) -> Self {
        RegistryError::AmountOverflow(e)
    }
}

/// The registry answers both ownership failures with `Unauthorized(account)`, as before the
/// two-step logic moved to `vigil_common::ownable`.
impl From<OwnershipError> for RegistryError {
    fn from(e: OwnershipError) -> Self {
        match e {
            OwnershipError::NotOwner(account) | OwnershipError::NotPendingOwner(account) => {
                RegistryError::Unauthorized(Unauthorized { account })
            }
        }
    }
}

impl RegistryError {
    /// `execute`'s pass-through of a scheduled call's revert data.
    pub(crate) fn reverted(data: Vec<u8>) -> Self {
        #[cfg(not(feature = "export-abi"))]
        return RegistryError::Reverted(data);
        // The export build only prints the interface and never runs a call.
        #[cfg(feature = "export-abi")]
        {
            drop(data);
            RegistryError::MustBeScheduled(MustBeScheduled {})
        }
    }
}

/// The timelock's failures, as the registry's errors.
impl From<TimelockError> for RegistryError {
    fn from(e: TimelockError) -> Self {
        match e {
            TimelockError::NotScheduled(id) => {
                RegistryError::CallNotScheduled(CallNotScheduled { id })
            }
            TimelockError::NotReady(id, eta) => {
                RegistryError::CallNotReady(CallNotReady { id, eta })
            }
            TimelockError::AlreadyScheduled(id) => {
                RegistryError::CallAlreadyScheduled(CallAlreadyScheduled { id })
            }
            TimelockError::NotExecuting => RegistryError::MustBeScheduled(MustBeScheduled {}),
        }
    }
}

#[cfg(not(feature = "export-abi"))]
impl From<RegistryError> for Vec<u8> {
    fn from(err: RegistryError) -> Self {
        use RegistryError as E;
        match err {
            E::Unauthorized(e) => revert(Unauthorized::SELECTOR, &[w(e.account)]),
            E::ZeroAddress(_) => revert(ZeroAddress::SELECTOR, &[]),
            E::ZeroAmount(_) => revert(ZeroAmount::SELECTOR, &[]),
            E::InvalidSubject(e) => revert(InvalidSubject::SELECTOR, &[e.subject]),
            E::InvalidCategory(e) => revert(InvalidCategory::SELECTOR, &[w(e.category)]),
            E::InvalidSeverity(e) => revert(InvalidSeverity::SELECTOR, &[w(e.severity)]),
            E::InvalidTtl(e) => revert(InvalidTtl::SELECTOR, &[w(e.ttl), w(e.max)]),
            E::InvalidParams(e) => revert(InvalidParams::SELECTOR, &[w(e.field)]),
            E::UnknownVersion(e) => revert(UnknownVersion::SELECTOR, &[w(e.version)]),
            E::SubmissionsPaused(_) => revert(SubmissionsPaused::SELECTOR, &[]),
            E::NoLiveFlag(e) => revert(NoLiveFlag::SELECTOR, &[e.subject]),
            E::UnknownFlag(e) => revert(UnknownFlag::SELECTOR, &[w(e.flagId)]),
            E::FlagFinal(e) => revert(FlagFinal::SELECTOR, &[e.subject]),
            E::AlreadyReported(e) => revert(AlreadyReported::SELECTOR, &[e.subject, w(e.reporter)]),
            E::TooManyReporters(e) => revert(TooManyReporters::SELECTOR, &[e.subject, w(e.max)]),
            E::NotAReporter(e) => revert(NotAReporter::SELECTOR, &[e.subject, w(e.account)]),
            E::InsufficientStake(e) => revert(
                InsufficientStake::SELECTOR,
                &[w(e.available), w(e.required)],
            ),
            E::NoReputation(e) => revert(NoReputation::SELECTOR, &[w(e.reporter)]),
            E::WrongBond(e) => revert(WrongBond::SELECTOR, &[w(e.expected), w(e.sent)]),
            E::AlreadyDisputed(e) => revert(AlreadyDisputed::SELECTOR, &[e.subject]),
            E::NotDisputed(e) => revert(NotDisputed::SELECTOR, &[e.subject]),
            E::DisputeOpen(e) => revert(DisputeOpen::SELECTOR, &[w(e.flagId), w(e.deadline)]),
            E::DisputeWindowClosed(e) => {
                revert(DisputeWindowClosed::SELECTOR, &[w(e.flagId), w(e.closedAt)])
            }
            E::DisputeWindowOpen(e) => {
                revert(DisputeWindowOpen::SELECTOR, &[w(e.flagId), w(e.until)])
            }
            E::ConflictOfInterest(e) => revert(ConflictOfInterest::SELECTOR, &[w(e.resolver)]),
            E::FlagStillLive(e) => revert(FlagStillLive::SELECTOR, &[w(e.flagId), w(e.expiry)]),
            E::AlreadySettled(e) => revert(AlreadySettled::SELECTOR, &[w(e.flagId)]),
            E::StillUnbonding(e) => revert(StillUnbonding::SELECTOR, &[w(e.until)]),
            E::NothingToWithdraw(_) => revert(NothingToWithdraw::SELECTOR, &[]),
            E::NothingToClaim(_) => revert(NothingToClaim::SELECTOR, &[]),
            E::TreasuryEmpty(_) => revert(TreasuryEmpty::SELECTOR, &[]),
            E::RevealMismatch(e) => revert(RevealMismatch::SELECTOR, &[e.subject, e.evidence]),
            E::TooManyFlags(_) => revert(TooManyFlags::SELECTOR, &[]),
            E::AmountOverflow(_) => revert(AmountOverflow::SELECTOR, &[]),
            E::TransferFailed(e) => revert(TransferFailed::SELECTOR, &[w(e.to), w(e.amount)]),
            E::CallNotScheduled(e) => revert(CallNotScheduled::SELECTOR, &[e.id]),
            E::CallNotReady(e) => revert(CallNotReady::SELECTOR, &[e.id, w(e.eta)]),
            E::CallAlreadyScheduled(e) => revert(CallAlreadyScheduled::SELECTOR, &[e.id]),
            E::MustBeScheduled(_) => revert(MustBeScheduled::SELECTOR, &[]),
            E::NotTimelockable(e) => revert(NotTimelockable::SELECTOR, &[w(e.selector)]),
            E::GuardGasTooLow(e) => revert(GuardGasTooLow::SELECTOR, &[w(e.required)]),
            E::BatchTooLarge(e) => revert(BatchTooLarge::SELECTOR, &[w(e.count), w(e.max)]),
            E::Reverted(data) => data,
        }
    }
}
