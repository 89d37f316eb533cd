//! What the registry says to the outside: custom errors, events and the structs its methods take and
//! return. Events carry every actor, amount and evidence/rationale hash, so an indexer can rebuild
//! the whole state from logs alone.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

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

    error Unauthorized(address account);
    error ZeroAddress();
    error ZeroAmount();
    error InvalidSubject(bytes32 subject);
    error InvalidCategory(uint8 category);
    error InvalidSeverity(uint8 severity);
    error InvalidTtl(uint64 ttl, uint64 max);
    /// `field` is the index of the offending field in `Params` (0 = minStake ... 12 = paramsDelay).
    error InvalidParams(uint8 field);
    error SubmissionsPaused();
    error FlagExists(bytes32 subject, uint32 flagId);
    error NoLiveFlag(bytes32 subject);
    error UnknownFlag(uint32 flagId);
    error FlagFinal(bytes32 subject);
    error SubjectInDispute(bytes32 subject);
    error AlreadyReported(bytes32 subject, address reporter);
    error TooManyReporters(bytes32 subject, uint8 max);
    error NotAReporter(bytes32 subject, address account);
    error InsufficientStake(uint256 available, uint256 required);
    error NoReputation(address reporter);
    error WrongBond(uint256 expected, uint256 sent);
    error AlreadyDisputed(bytes32 subject);
    error NotDisputed(bytes32 subject);
    error FlagStillLive(uint32 flagId, uint64 expiry);
    error AlreadySettled(uint32 flagId);
    error StillUnbonding(uint64 until);
    error NothingToWithdraw();
    error NothingToClaim();
    error NoPendingParams();
    error ParamsNotReady(uint64 eta);
    error BatchTooLarge(uint256 length, uint256 max);
    error RevealMismatch(bytes32 subject, bytes32 evidence);
    error AmountOverflow();
    error TransferFailed(address to, uint256 amount);
    error GuardSyncFailed(address guard, bytes32 subject);

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
    event OwnershipTransferStarted(address indexed owner, address indexed pendingOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event ResolverSet(address indexed account, bool enabled);
    event GuardSet(address indexed guard);
    event SubmissionsPausedSet(bool paused);
    event ParamsScheduled(uint32 indexed version, uint64 eta);
    event ParamsCancelled(uint32 indexed version);
    event ParamsApplied(uint32 indexed version);
    event TreasurySwept(address indexed to, uint256 amount);
}

/// A revert: the ABI encoding of one of the custom errors declared above, so a failed call says
/// exactly what was wrong and with which values. Built by one non-generic encoder ([`revert`])
/// instead of alloy's per-error encoders (~150 bytes of wasm each, paid on every call); the unit
/// tests compare every revert with alloy's encoding of the declared error.
pub struct RegistryError(Vec<u8>);

impl From<RegistryError> for Vec<u8> {
    fn from(e: RegistryError) -> Self {
        e.0
    }
}

/// Encodes custom error `selector` with static arguments `args`.
pub fn revert(selector: [u8; 4], args: &[B256]) -> RegistryError {
    let mut data = Vec::with_capacity(4 + 32 * args.len());
    data.extend_from_slice(&selector);
    for arg in args {
        data.extend_from_slice(arg.as_slice());
    }
    RegistryError(data)
}

/// Lists the errors in the exported interface, as `#[derive(SolidityError)]` would.
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for RegistryError {
    fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
        use alloc::format;
        use alloy_sol_types::SolError;
        use core::any::TypeId;
        use stylus_sdk::abi::export::internal::InnerType;
        macro_rules! listed {
            ($($name:ident),*) => {
                alloc::vec![$(InnerType {
                    name: format!("error {};", <$name as SolError>::SIGNATURE.replace(',', ", ")),
                    id: TypeId::of::<$name>(),
                }),*]
            };
        }
        listed!(
            Unauthorized,
            ZeroAddress,
            ZeroAmount,
            InvalidSubject,
            InvalidCategory,
            InvalidSeverity,
            InvalidTtl,
            InvalidParams,
            SubmissionsPaused,
            FlagExists,
            NoLiveFlag,
            UnknownFlag,
            FlagFinal,
            SubjectInDispute,
            AlreadyReported,
            TooManyReporters,
            NotAReporter,
            InsufficientStake,
            NoReputation,
            WrongBond,
            AlreadyDisputed,
            NotDisputed,
            FlagStillLive,
            AlreadySettled,
            StillUnbonding,
            NothingToWithdraw,
            NothingToClaim,
            NoPendingParams,
            ParamsNotReady,
            BatchTooLarge,
            RevealMismatch,
            AmountOverflow,
            TransferFailed,
            GuardSyncFailed
        )
    }
}

pub type Result<T, E = RegistryError> = core::result::Result<T, E>;

/// A value as one ABI word, for the registry's single event emitter.
pub trait Word {
    fn word(self) -> B256;
}

pub fn w(value: impl Word) -> B256 {
    value.word()
}

impl Word for B256 {
    fn word(self) -> B256 {
        self
    }
}

impl Word for Address {
    fn word(self) -> B256 {
        self.into_word()
    }
}

impl Word for bool {
    fn word(self) -> B256 {
        U256::from(self as u8).into()
    }
}

macro_rules! uint_word {
    ($($t:ty),*) => {$(
        impl Word for $t {
            fn word(self) -> B256 {
                U256::from(self).into()
            }
        }
    )*};
}

uint_word!(u8, u32, u64, u128, usize, U256);
