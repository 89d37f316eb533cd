//! Revert data, said in one sentence: what happened, with its arguments written for people, the
//! error's name, and what to do next ("<what happened> (<ErrorName>): <next step>").
//!
//! Every error of the four interfaces the CLI talks to has its own sentence, in a `match` with
//! no catch-all arm, so an error added to `interfaces/*.sol` stops the build until it is given
//! one. The registry and the guard share their timelock's errors, `ZeroAddress` and
//! `InvalidSubject` (same declarations, so same selectors): the registry's set is tried first and
//! both sets use the same sentences.

use std::cmp::Ordering;
use std::fmt;

use alloy_primitives::{hex, Address, FixedBytes, B256, U256};
use alloy_sol_types::{Panic, PanicKind, Revert, SolError, SolInterface};

use crate::abi::{
    ArbWasm::ArbWasmErrors,
    ICircuitGuard::{self, ICircuitGuardErrors},
    IThreatRegistry::{self, IThreatRegistryErrors},
    StylusDeployer::StylusDeployerErrors,
};

/// `name` of a revert without data.
const EMPTY: &str = "EmptyRevert";
/// `name` of revert data that none of the known ABIs decodes.
const UNKNOWN: &str = "UnknownRevert";
/// Constructor reverts wrapped in constructor reverts are explained this deep, no deeper: each
/// level is a recursion, and revert data is only bounded by gas.
const MAX_NESTING: u8 = 8;
/// Unknown revert data is shown up to this many bytes.
const SHOWN_BYTES: usize = 64;
const WEI_PER_ETHER: u64 = 1_000_000_000_000_000_000;

/// A revert, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    /// The error's Solidity name (`AlreadyDisputed`); `Error` and `Panic` for Solidity's own,
    /// `EmptyRevert` for no data, `UnknownRevert` for data no known ABI decodes. A constructor's
    /// revert wrapped by the StylusDeployer keeps the wrapper's name,
    /// `ContractInitializationError`; the sentence explains the constructor's own error.
    pub name: &'static str,
    /// "<what happened> (<ErrorName>): <next step>", arguments written for people.
    pub sentence: String,
}

impl fmt::Display for Explained {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence)
    }
}

/// Explains `data`, the revert data of a Vigil transaction or call. `now`: the chain's latest
/// block timestamp, so deadlines read as "in 1h02m" / "2d 3h ago".
pub fn explain(data: &[u8], now: u64) -> Explained {
    explain_nested(data, now, 0)
}

fn explain_nested(data: &[u8], now: u64, nesting: u8) -> Explained {
    if data.is_empty() {
        return Explained {
            name: EMPTY,
            sentence: "reverted without a reason (out of gas, or a call to an account without \
                       code): raise the gas limit and check that the address called has code; a \
                       Stylus program that is not activated, expired or needs re-activation \
                       fails this way too (ArbWasm.programVersion says which), and so does a \
                       Vigil program's constructor called a second time"
                .into(),
        };
    }
    if let Ok(e) = IThreatRegistryErrors::abi_decode(data) {
        return registry(e, now);
    }
    if let Ok(e) = ICircuitGuardErrors::abi_decode(data) {
        return guard(e, now);
    }
    if let Ok(e) = ArbWasmErrors::abi_decode(data) {
        return arb_wasm(e);
    }
    if let Ok(e) = StylusDeployerErrors::abi_decode(data) {
        return deployer(e, now, nesting);
    }
    if let Ok(e) = Revert::abi_decode(data) {
        return said(
            &e,
            format_args!("the call reverted with the message {:?}", e.reason),
            "the message comes from the contract called, not from Vigil's registry or guard: do \
             what it asks, or check the address and arguments",
        );
    }
    if let Ok(e) = Panic::abi_decode(data) {
        return panic(&e);
    }
    unknown(data)
}

/// `<what> (<ErrorName>): <next>`, the name read from the error's own declaration.
fn said<E: SolError>(_: &E, what: impl fmt::Display, next: impl fmt::Display) -> Explained {
    let name = E::SIGNATURE
        .split_once('(')
        .map_or(E::SIGNATURE, |(name, _)| name);
    Explained {
        name,
        sentence: format!("{what} ({name}): {next}"),
    }
}

fn registry(error: IThreatRegistryErrors, now: u64) -> Explained {
    use IThreatRegistryErrors as R;
    match error {
        R::Unauthorized(e) => said(
            &e,
            format_args!("{} may not make this call", e.account),
            "it is for the registry's owner (governance), its pending owner (acceptOwnership) or \
             a resolver: send it from that account",
        ),
        R::ZeroAddress(e) => zero_address(&e),
        R::ZeroAmount(e) => said(
            &e,
            "the amount is zero",
            "stake (or request to unstake) an amount above zero",
        ),
        R::InvalidSubject(e) => invalid_subject(&e, e.subject),
        R::InvalidCategory(e) => said(
            &e,
            format_args!("category {} does not exist", e.category),
            "use 1 exploit, 2 phishing, 3 sanctions, 4 compromised key, 5 vulnerable code, 6 \
             scam or 7 other",
        ),
        R::InvalidSeverity(e) => said(
            &e,
            format_args!("severity {} does not exist", e.severity),
            "use 1 (low) to 4 (critical); when corroborating, 0 keeps the flag's severity",
        ),
        R::InvalidTtl(e) => said(
            &e,
            format_args!(
                "a time to live of {} is not between 1s and the current maximum, {}",
                length(e.ttl),
                length(e.max)
            ),
            format_args!("ask for a ttl from 1 to {} seconds (maxTtl)", e.max),
        ),
        R::InvalidParams(e) => invalid_params(&e),
        R::UnknownVersion(e) => said(
            &e,
            format_args!("parameter version {} does not exist yet", e.version),
            "ask for a version from 1 to the current one (config's paramsVersion), or 0 for the \
             current one",
        ),
        R::SubmissionsPaused(e) => said(
            &e,
            "the registry's owner has paused new reports",
            "submit and corroborate wait until governance resumes them (a timelocked call); \
             disputes, renewals, releases, claims and withdrawals still work",
        ),
        R::NoLiveFlag(e) => said(
            &e,
            format_args!("{} has no live flag", subject(e.subject)),
            "check its status; to report it, submit a new flag (a flag that ended is disputed \
             or released by its id; a reveal needs an advisory with a flag)",
        ),
        R::UnknownFlag(e) => said(
            &e,
            format_args!("flag #{} does not exist", e.flagId),
            "check the flag id: ids count from 1 up to the registry's flagCount",
        ),
        R::FlagFinal(e) => said(
            &e,
            format_args!(
                "the flag on {} is final: governance decided it",
                subject(e.subject)
            ),
            "it can no longer be disputed, corroborated or renewed; once it has ended, a new \
             flag may be submitted",
        ),
        R::AlreadyReported(e) => said(
            &e,
            format_args!("{} has already reported {}", e.reporter, subject(e.subject)),
            "a reporter adds its weight to a flag once; renew the flag to keep it in force",
        ),
        R::TooManyReporters(e) => said(
            &e,
            format_args!(
                "the flag on {} is full ({} reporters) and the caller does not out-weigh its \
                 weakest reporter",
                subject(e.subject),
                e.max
            ),
            "stake more (up to stakeCap) and let it warm up to weigh more, or leave the flag to \
             its reporters",
        ),
        R::NotAReporter(e) => said(
            &e,
            format_args!(
                "{} did not report the flag on {}",
                e.account,
                subject(e.subject)
            ),
            "only its reporters may renew it or reveal its details: send from a reporter's \
             account",
        ),
        R::InsufficientStake(e) => said(
            &e,
            format_args!(
                "only {} of stake is available where {} is needed",
                ether(e.available),
                ether(e.required)
            ),
            "to report, stake more and wait for its warm-up (stakeWarmup), or for open flags \
             to release their locks; to unstake, ask for at most the available amount",
        ),
        R::NoReputation(e) => said(
            &e,
            format_args!(
                "{} has no reputation left: a flag it backed was rejected",
                e.reporter
            ),
            "it can no longer report; its free stake can still be unstaked and withdrawn",
        ),
        R::WrongBond(e) => said(
            &e,
            format_args!(
                "the dispute bond is exactly {} but {} was sent",
                ether(e.expected),
                ether(e.sent)
            ),
            format_args!(
                "send exactly {} (the victim joining a dispute already open sends nothing)",
                ether(e.expected)
            ),
        ),
        R::AlreadyDisputed(e) => said(
            &e,
            format_args!("{} is already in dispute", subject(e.subject)),
            "wait for the resolver, or lapse the dispute once its deadline has passed; only the \
             flagged address may join an open dispute (sending nothing)",
        ),
        R::NotDisputed(e) => said(
            &e,
            format_args!("the flag on {} has no open dispute", subject(e.subject)),
            "there is nothing to resolve or lapse: dispute the flag first",
        ),
        R::DisputeOpen(e) => said(
            &e,
            format_args!(
                "flag #{} has an open dispute, which anyone may lapse from {}",
                e.flagId,
                when(e.deadline, now)
            ),
            "wait for the resolver; once the deadline has passed, lapse the dispute \
             (lapseDispute), then the flag can be released",
        ),
        R::DisputeWindowClosed(e) => said(
            &e,
            format_args!(
                "flag #{} ended and its dispute window closed at {}",
                e.flagId,
                when(e.closedAt, now)
            ),
            "it can no longer be disputed; release it (anyone may) to free its reporters' stake",
        ),
        R::DisputeWindowOpen(e) => said(
            &e,
            format_args!(
                "flag #{} ended but stays disputable until {}",
                e.flagId,
                when(e.until, now)
            ),
            "release it once the window has closed",
        ),
        R::ConflictOfInterest(e) => said(
            &e,
            format_args!(
                "resolver {} is a party to this flag (a reporter, the disputer or the subject)",
                e.resolver
            ),
            "another resolver must decide it",
        ),
        R::FlagStillLive(e) => said(
            &e,
            format_args!("flag #{} is live until {}", e.flagId, when(e.expiry, now)),
            "release it once it has ended and its dispute window has closed",
        ),
        R::AlreadySettled(e) => said(
            &e,
            format_args!("flag #{} is already settled", e.flagId),
            "its locks were released or slashed, nothing is left to do with it; claim any \
             credit it left you",
        ),
        R::StillUnbonding(e) => said(
            &e,
            format_args!(
                "the unstaked amount is unbonding until {}",
                when(e.until, now)
            ),
            "withdraw once the unbonding delay has passed",
        ),
        R::NothingToWithdraw(e) => said(
            &e,
            "nothing is unbonding",
            "request an unstake first, then withdraw after the unbonding delay",
        ),
        R::NothingToClaim(e) => said(
            &e,
            "nothing is credited to this account",
            "credits come from dispute refunds and rewards and from slashes paid to victims and \
             disputers; check claimable before claiming",
        ),
        R::TreasuryEmpty(e) => said(
            &e,
            "the treasury is empty",
            "there is nothing to sweep: execute the sweep once slashes have accrued (it stays \
             scheduled), or cancel it",
        ),
        R::RevealMismatch(e) => said(
            &e,
            format_args!(
                "the details do not hash to {}, the evidence the flag on {} committed to",
                e.evidence,
                subject(e.subject)
            ),
            "reveal exactly the bytes whose keccak256 was submitted as the evidence",
        ),
        R::TooManyFlags(e) => said(
            &e,
            "every flag id (2^32 - 1) has been used",
            "this registry takes no new flags; governance must deploy a new one",
        ),
        R::AmountOverflow(e) => said(
            &e,
            "an ETH or stake amount would overflow",
            "nothing changed; use smaller amounts, and tell the operators (the registry's \
             books should never get there)",
        ),
        R::TransferFailed(e) => said(
            &e,
            format_args!("sending {} to {} failed", ether(e.amount), e.to),
            "the recipient must accept plain ETH transfers (a contract needs a receive \
             function): use an account that does",
        ),
        R::CallNotScheduled(e) => call_not_scheduled(&e, e.id),
        R::CallNotReady(e) => call_not_ready(&e, e.id, e.eta, now),
        R::CallAlreadyScheduled(e) => call_already_scheduled(&e, e.id),
        R::MustBeScheduled(e) => must_be_scheduled(&e),
        R::NotTimelockable(e) => not_timelockable(&e, e.selector),
        R::GuardGasTooLow(e) => said(
            &e,
            format_args!(
                "less than {} gas was left for the push to the guard",
                e.required
            ),
            "raise the gas limit (with less, the status would change without the guard \
             knowing)",
        ),
        R::BatchTooLarge(e) => said(
            &e,
            format_args!(
                "{} subjects are more than syncGuard takes at once ({})",
                e.count, e.max
            ),
            format_args!("send them in batches of at most {}", e.max),
        ),
    }
}

fn guard(error: ICircuitGuardErrors, now: u64) -> Explained {
    use ICircuitGuardErrors as G;
    match error {
        G::ProtocolNotRegistered(e) => said(
            &e,
            format_args!("{} is not registered with the guard", e.protocol),
            "check the protocol's address; a protocol registers itself with registerProtocol \
             (Guarded's constructor does)",
        ),
        G::ProtocolPaused(e) => said(
            &e,
            format_args!("the protocol is paused until {}", when(e.until, now)),
            "wait for the pause to end, or ask the protocol's admin to lift it \
             (unpauseProtocol)",
        ),
        G::SelectorPaused(e) => said(
            &e,
            format_args!(
                "the protocol's function {} is paused until {}, by hand or by its rate limit \
                 tripping",
                e.selector,
                when(e.until, now)
            ),
            "wait for the pause to end (deposits end a trip sooner), or ask the protocol's \
             admin to lift it (unpauseSelector)",
        ),
        G::CallerFlagged(e) => said(
            &e,
            format_args!(
                "{} is flagged ({}), which this function's screening blocks",
                e.caller,
                level(e.level)
            ),
            "the protocol refuses it while the flag stands; look the address up, and dispute \
             the flag if it is wrong",
        ),
        G::CodeFlagged(e) => said(
            &e,
            format_args!(
                "the runtime code of {} (code hash {}) is flagged ({}), which this function's \
                 screening blocks",
                e.caller,
                e.codeHash,
                level(e.level)
            ),
            "the protocol refuses every contract with this code while the flag stands; look \
             the code hash up, and dispute the flag if it is wrong",
        ),
        G::AdvisoryActive(e) => said(
            &e,
            format_args!(
                "{} is confirmed, which pauses this function",
                subject(e.advisory)
            ),
            "wait for the advisory to expire or be removed, or for the protocol's admin to \
             drop the tag (setAdvisoryTags)",
        ),
        G::RateLimited(e) => {
            let retry = if e.retryAfter == u64::MAX {
                "it can never fit as it is: ask for at most the capacity, in parts".to_owned()
            } else {
                format!(
                    "retry from {}, ask for at most what is available, or wait for deposits to \
                     refill the limit",
                    when(e.retryAfter, now)
                )
            };
            said(
                &e,
                format_args!(
                    "the rate limit of the protocol's function {} has only {} available",
                    e.selector,
                    units(e.available)
                ),
                retry,
            )
        }
        G::NotOwner(e) => said(
            &e,
            format_args!("{} is not the guard's owner", e.account),
            "send it from the owner (governance)",
        ),
        G::NotPendingOwner(e) => said(
            &e,
            format_args!("{} is not the guard's pending owner", e.account),
            "acceptOwnership must come from the account transferOwnership proposed",
        ),
        G::NotAdmin(e) => said(
            &e,
            format_args!("{} is not the admin of protocol {}", e.account, e.protocol),
            "send it from the protocol's admin (protocolInfo shows it)",
        ),
        G::NotAdminOrGuardian(e) => said(
            &e,
            format_args!(
                "{} is neither the admin nor a guardian of protocol {}",
                e.account, e.protocol
            ),
            "only they may pause it: send it from the admin or a guardian",
        ),
        G::NotRegistry(e) => said(
            &e,
            format_args!("{} is not the registry the guard listens to", e.account),
            "only the linked registry pushes statuses; the guard's owner links it \
             (setRegistry)",
        ),
        G::NotExtension(e) => said(
            &e,
            format_args!(
                "{} is not the guard's extension program: the guard's constructor found nothing \
                 there to run its body",
                e.account
            ),
            "deploy and activate vigil_guard_extension.wasm first (vigil deploy does), then \
             construct the guard with its address",
        ),
        G::CallNotScheduled(e) => call_not_scheduled(&e, e.id),
        G::CallNotReady(e) => call_not_ready(&e, e.id, e.eta, now),
        G::CallAlreadyScheduled(e) => call_already_scheduled(&e, e.id),
        G::MustBeScheduled(e) => must_be_scheduled(&e),
        G::NotTimelockable(e) => not_timelockable(&e, e.selector),
        G::ZeroAddress(e) => zero_address(&e),
        G::AlreadyRegistered(e) => said(
            &e,
            format_args!("{} is registered already", e.protocol),
            "nothing to do; its admin hands it over with setAdmin",
        ),
        G::InvalidScreening(e) => said(
            &e,
            format_args!("screening mode {} does not exist", e.mode),
            "use 0 (confirmed), 1 (watch and above) or 2 (off), or 4 or 5 to screen code \
             hashes too",
        ),
        G::InvalidDelay(e) => said(
            &e,
            format_args!(
                "a timelock delay of {} is not between {} and {}",
                length(e.delay),
                length(e.min),
                length(e.max)
            ),
            format_args!("choose a delay from {} to {} seconds", e.min, e.max),
        ),
        G::CapacityZero(e) => said(
            &e,
            "a rate limit needs a capacity",
            "give a capacity above zero, or disable the limit",
        ),
        G::RefillAboveCapacity(e) => said(
            &e,
            format_args!(
                "a refill of {} per second is more than the capacity, {}",
                units(e.refillPerSecond),
                units(e.capacity)
            ),
            "lower the refill or raise the capacity",
        ),
        G::RefillBelowUnit(e) => said(
            &e,
            format_args!(
                "a refill of {} per second is below the limit's unit, {}, so it would round to \
                 nothing",
                units(e.refillPerSecond),
                units(e.unit)
            ),
            "raise the refill to at least the unit, or lower the capacity (the unit shrinks \
             with it)",
        ),
        G::InvalidTrip(e) => said(
            &e,
            format_args!(
                "trip level {} and re-arm level {} do not make a breaker",
                units(e.tripLevel),
                units(e.rearmLevel)
            ),
            "a tripping limit needs trip < re-arm <= capacity (in whole units) and a refill; a \
             limit that never trips has both levels 0",
        ),
        G::ZeroDuration(e) => said(
            &e,
            "a pause needs a duration",
            "give a duration of at least one second",
        ),
        G::PauseTooLong(e) => said(
            &e,
            format_args!(
                "a pause of {} is longer than the longest allowed, {}",
                length(e.duration),
                length(e.max)
            ),
            "a guardian pauses for at most maxPauseDuration (the admin for any time; 0 \
             disables guardian pauses); a tripping rate limit must re-arm within it: lower its \
             re-arm level or raise its refill",
        ),
        G::PauseCooldown(e) => said(
            &e,
            format_args!(
                "guardian pauses are cooling down until {}",
                when(e.retryAt, now)
            ),
            "pause again then, or ask the protocol's admin, who may pause at any time",
        ),
        G::TooManySelectors(e) => said(
            &e,
            format_args!(
                "the protocol has configured its maximum of {} functions",
                e.max
            ),
            "free a slot by removing a function's policy (removePolicy)",
        ),
        G::SelectorNotConfigured(e) => said(
            &e,
            format_args!("function {} has no policy of its own", e.selector),
            "a guardian may pause only configured functions (or the whole protocol); the \
             admin configures one with setScreening, setRateLimit or setAdvisoryTags",
        ),
        G::TooManyTags(e) => said(
            &e,
            format_args!(
                "{} advisory tags are more than the {} a function may have",
                e.count, e.max
            ),
            format_args!("give at most {} tags", e.max),
        ),
        G::NotAdvisory(e) => said(
            &e,
            format_args!("{} is not an advisory", subject(e.tag)),
            "advisory tags are advisory subjects (their first byte is 0x03)",
        ),
        G::InvalidSubject(e) => invalid_subject(&e, e.subject),
        G::InvalidStatus(e) => said(
            &e,
            format_args!(
                "{:#066x} is not a valid status word (for {})",
                e.status,
                subject(e.subject)
            ),
            "a word's level must be 0 to 4 and its reserved flag bits zero: push only words the \
             registry wrote",
        ),
    }
}

fn arb_wasm(error: ArbWasmErrors) -> Explained {
    use ArbWasmErrors as A;
    match error {
        A::ProgramNotWasm(e) => said(
            &e,
            "the account's code is not a Stylus program",
            "check the address; only wasm deployed with the Stylus prefix (0xEFF000) can be \
             activated",
        ),
        A::ProgramNotActivated(e) => said(
            &e,
            "the Stylus program is not activated",
            "activate it with ArbWasm.activateProgram, paying the data fee (vigil deploy does \
             it)",
        ),
        A::ProgramNeedsUpgrade(e) => said(
            &e,
            format_args!(
                "the program was activated for Stylus version {} and the chain runs version {}",
                e.version, e.stylusVersion
            ),
            "re-activate it with ArbWasm.activateProgram, paying the data fee",
        ),
        A::ProgramExpired(e) => said(
            &e,
            format_args!(
                "the program's activation expired; it is {} old",
                length(e.ageInSeconds)
            ),
            "re-activate it with ArbWasm.activateProgram, paying the data fee (a keepalive no \
             longer helps); for the guard, then push what it missed with syncGuard",
        ),
        A::ProgramUpToDate(e) => said(
            &e,
            "the program is already activated for the chain's Stylus version",
            "nothing to do; ArbWasm.codehashKeepalive extends its life",
        ),
        A::ProgramInsufficientValue(e) => said(
            &e,
            format_args!(
                "the activation's data fee is {} but {} was sent",
                ether(e.want),
                ether(e.have)
            ),
            format_args!("send at least {} (the rest is refunded)", ether(e.want)),
        ),
    }
}

fn deployer(error: StylusDeployerErrors, now: u64, nesting: u8) -> Explained {
    use StylusDeployerErrors as D;
    match error {
        D::ContractDeploymentError(e) => said(
            &e,
            format_args!(
                "the StylusDeployer could not create a contract from {} bytes of code",
                e.bytecode.len()
            ),
            "with a salt, its address may be taken already (change the salt); otherwise the \
             code is too large or the gas ran short",
        ),
        D::ContractInitializationError(e) => {
            let inner = if nesting < MAX_NESTING {
                explain_nested(&e.revertData, now, nesting + 1).sentence
            } else {
                format!(
                    "{} bytes of constructor reverts nested too deep to explain",
                    e.revertData.len()
                )
            };
            said(
                &e,
                format_args!("the constructor of {} reverted", e.newContract),
                inner,
            )
        }
        D::RefundExcessValueError(e) => said(
            &e,
            format_args!(
                "the StylusDeployer could not refund the {} sent beyond the data fee and the \
                 init value",
                ether(e.excessValue)
            ),
            "send from an account that accepts ETH, or send exactly the data fee plus the init \
             value",
        ),
        D::EmptyBytecode(e) => said(
            &e,
            "the StylusDeployer was given no code to deploy",
            "pass the program's deployment code (vigil deploy builds it from the wasm)",
        ),
        D::InitValueButNotInitData(e) => said(
            &e,
            "a value for the constructor was given without constructor calldata",
            "pass the constructor's calldata, or an init value of 0",
        ),
    }
}

fn panic(e: &Panic) -> Explained {
    let kind = e.kind();
    let what = match kind {
        Some(kind) => format!("the contract panicked with code {:#x}: {kind}", e.code),
        None => format!("the contract panicked with code {:#x}", e.code),
    };
    let next = if kind == Some(PanicKind::UnderOverflow) {
        "a bug in the contract or an input it did not check: check the arguments and the value \
         sent (a StylusDeployer.deploy sent less than the data fee plus the init value panics \
         this way)"
    } else {
        "a bug in the contract or an input it did not check: check the arguments, and report it \
         to the contract's authors"
    };
    said(e, what, next)
}

fn unknown(data: &[u8]) -> Explained {
    let shown = &data[..data.len().min(SHOWN_BYTES)];
    let more = if data.len() > SHOWN_BYTES { "…" } else { "" };
    let what = match data.first_chunk::<4>() {
        None => format!(
            "{} bytes of revert data (0x{}), too short for an error's selector",
            data.len(),
            hex::encode(data)
        ),
        Some(selector) => match known_error(*selector) {
            Some(name) => format!(
                "revert data with the selector of {name} (0x{}) whose arguments do not decode \
                 ({} bytes: 0x{}{more})",
                hex::encode(selector),
                data.len(),
                hex::encode(shown)
            ),
            None => format!(
                "revert data with the unknown selector 0x{} ({} bytes: 0x{}{more})",
                hex::encode(selector),
                data.len(),
                hex::encode(shown)
            ),
        },
    };
    Explained {
        name: UNKNOWN,
        sentence: format!(
            "{what} ({UNKNOWN}): it is none of the errors of IThreatRegistry, ICircuitGuard, \
             ArbWasm and StylusDeployer, nor Error(string) or Panic(uint256); check that the \
             address called is the contract meant, or update vigil if the contract is newer"
        ),
    }
}

/// The name of the error `selector` belongs to, among all the ABIs tried.
fn known_error(selector: [u8; 4]) -> Option<&'static str> {
    IThreatRegistryErrors::name_by_selector(selector)
        .or_else(|| ICircuitGuardErrors::name_by_selector(selector))
        .or_else(|| ArbWasmErrors::name_by_selector(selector))
        .or_else(|| StylusDeployerErrors::name_by_selector(selector))
        .or_else(|| (selector == Revert::SELECTOR).then_some("Error"))
        .or_else(|| (selector == Panic::SELECTOR).then_some("Panic"))
}

fn zero_address<E: SolError>(e: &E) -> Explained {
    said(
        e,
        "an address given is the zero address, or syncGuard found no guard linked",
        "give a real address (owner, admin, guardian, resolver, extension or recipient); \
         syncGuard needs the registry's owner to link a guard first (setGuard)",
    )
}

fn invalid_subject<E: SolError>(e: &E, subject: B256) -> Explained {
    said(
        e,
        format_args!("{subject} is not a subject"),
        "a subject is 0x01, 11 zero bytes and an address; 0x02 and a code hash's low 31 bytes; \
         or 0x03 and an advisory id's low 31 bytes: give the address, code hash or advisory id \
         and let vigil build it",
    )
}

fn call_not_scheduled<E: SolError>(e: &E, id: B256) -> Explained {
    said(
        e,
        format_args!("no call with id {id} is scheduled"),
        "schedule it first; a call already executed or cancelled must be scheduled again",
    )
}

fn call_not_ready<E: SolError>(e: &E, id: B256, eta: u64, now: u64) -> Explained {
    said(
        e,
        format_args!("scheduled call {id} may run only from {}", when(eta, now)),
        "execute it once its delay has passed",
    )
}

fn call_already_scheduled<E: SolError>(e: &E, id: B256) -> Explained {
    said(
        e,
        format_args!("the same call is already scheduled, as {id}"),
        "execute it when it is due, or cancel it to restart its delay",
    )
}

fn must_be_scheduled<E: SolError>(e: &E) -> Explained {
    said(
        e,
        "this power is timelocked",
        "the owner schedules the call, then executes it once the delay has passed",
    )
}

fn not_timelockable<E: SolError>(e: &E, selector: FixedBytes<4>) -> Explained {
    said(
        e,
        format_args!("function {} cannot be scheduled", function(selector)),
        "schedule takes only calls to the timelocked methods, with well-formed arguments; call \
         the others directly",
    )
}

/// `InvalidParams(field)`: the field's name and the bound it broke (design §3.6, in `Params`
/// order).
fn invalid_params(e: &IThreatRegistry::InvalidParams) -> Explained {
    const FIELDS: [(&str, &str); 16] = [
        ("minStake", "from 1 wei up to stakeCap"),
        ("stakeCap", "from 1 wei up to 2^96 - 1 wei"),
        ("stakeWarmup", "at most 5 years (157680000 seconds)"),
        ("unbondingDelay", "at most 5 years (157680000 seconds)"),
        ("slashBps", "from 1 to 10000 basis points"),
        ("disputeBond", "from 1 wei up to 2^96 - 1 wei"),
        ("watchScore", "at least 1"),
        (
            "confirmScore",
            "from watchScore up to 2^112 - 1, and below what maxReporters newcomers at the \
             cap weigh (stakeCap / 1000 * 500 * maxReporters)",
        ),
        ("minReporters", "at least 1"),
        ("maxReporters", "from minReporters up to 32"),
        ("maxTtl", "from 1 second up to 5 years (157680000 seconds)"),
        ("victimShareBps", "below 10000 basis points"),
        (
            "disputerShareBps",
            "such that victimShareBps + disputerShareBps is below 10000",
        ),
        ("disputeWindow", "at most 5 years (157680000 seconds)"),
        (
            "disputeDeadline",
            "from 1 second up to 5 years (157680000 seconds)",
        ),
        ("paramsDelay", "at most 5 years (157680000 seconds)"),
    ];
    match FIELDS.get(usize::from(e.field)) {
        Some((name, bound)) => said(
            e,
            format_args!("parameter {name} (field {}) is out of bounds", e.field),
            format_args!("it must be {bound}: fix it and send the parameters again"),
        ),
        None => said(
            e,
            format_args!("field {} of the parameters is refused", e.field),
            "Params has fields 0 to 15 only: check that the registry is the version this vigil \
             knows",
        ),
    }
}

/// A subject as a person reads it (design §2.1): an address subject as the address, the other
/// kinds by name.
fn subject(s: B256) -> String {
    match s[0] {
        0x01 if s[1..12].iter().all(|b| *b == 0) => Address::from_slice(&s[12..]).to_string(),
        0x02 => format!("code hash {s}"),
        0x03 => format!("advisory {s}"),
        _ => format!("{s} (not a subject)"),
    }
}

/// A function selector, named when it is one of the registry's or the guard's.
fn function(selector: FixedBytes<4>) -> String {
    IThreatRegistry::IThreatRegistryCalls::name_by_selector(selector.0)
        .or_else(|| ICircuitGuard::ICircuitGuardCalls::name_by_selector(selector.0))
        .map_or_else(
            || selector.to_string(),
            |name| format!("{selector} ({name})"),
        )
}

/// A status level (design §2.2; 5 is the expired level views report).
fn level(level: u8) -> String {
    match level {
        0 => "level 0, none".into(),
        1 => "level 1, pending".into(),
        2 => "level 2, watch".into(),
        3 => "level 3, confirmed".into(),
        4 => "level 4, removed".into(),
        5 => "level 5, expired".into(),
        other => format!("level {other}"),
    }
}

/// Wei as ether, exactly: trailing zeros of the fraction dropped, none lost.
pub fn ether(wei: U256) -> String {
    let (whole, fraction) = wei.div_rem(U256::from(WEI_PER_ETHER));
    // The remainder is below 10^18, so it is all in the low limb.
    let fraction = fraction.as_limbs()[0];
    if fraction == 0 {
        format!("{whole} ETH")
    } else {
        let digits = format!("{fraction:018}");
        format!("{whole}.{} ETH", digits.trim_end_matches('0'))
    }
}

/// A guard amount: in whatever unit the protocol meters, wei for Vigil's example vaults.
fn units(amount: U256) -> String {
    format!("{amount} ({} if it is wei)", ether(amount))
}

/// `t` as unix seconds, then relative to `now`: "unix 1800003720 (in 1h02m)", so it reads after
/// "until", "from" or "at" whether it is past or to come.
fn when(t: u64, now: u64) -> String {
    let relative = match t.cmp(&now) {
        Ordering::Greater => format!("in {}", span(t - now)),
        Ordering::Less => format!("{} ago", span(now - t)),
        Ordering::Equal => "now".to_owned(),
    };
    format!("unix {t} ({relative})")
}

/// A duration in its two largest units: "45s", "3m07s", "1h02m", "2d 3h".
fn span(secs: u64) -> String {
    let (days, hours, minutes, seconds) =
        (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h{minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m{seconds:02}s")
    } else {
        format!("{seconds}s")
    }
}

/// A duration that must read exactly (a bound): [`span`], with the seconds when it rounds.
fn length(secs: u64) -> String {
    let exact =
        secs < 3_600 || (secs < 86_400 && secs.is_multiple_of(60)) || secs.is_multiple_of(3_600);
    if exact {
        span(secs)
    } else {
        format!("{} ({secs} s)", span(secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{
        ArbWasm as aw, ICircuitGuard as g, IThreatRegistry as r, StylusDeployer as d,
    };
    use alloy_primitives::{address, b256, fixed_bytes, Bytes};
    use alloy_sol_types::SolCall;
    use std::collections::BTreeSet;

    const NOW: u64 = 1_800_000_000;
    const ALICE: Address = address!("a11ce00000000000000000000000000000000a11");
    const BOB: Address = address!("b0b00000000000000000000000000000000000b0");
    const CODE: B256 = b256!("02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    const ADVISORY: B256 =
        b256!("03bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    /// An address subject whose padding is not zero.
    const BAD: B256 = b256!("0100000000000000000000ff0000000000000000000000000000000000000001");
    const ID: B256 = b256!("1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d");
    const HASH: B256 = b256!("c0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0de");
    const WITHDRAW: FixedBytes<4> = fixed_bytes!("2e1a7d4d");

    fn wei(amount: u128) -> U256 {
        U256::from(amount)
    }

    const ONE: u128 = 1_000_000_000_000_000_000;

    fn alice() -> B256 {
        let mut word = B256::ZERO;
        word[0] = 0x01;
        word[12..].copy_from_slice(ALICE.as_slice());
        word
    }

    /// An interface's `name_by_selector`.
    type NameOf = fn([u8; 4]) -> Option<&'static str>;

    /// Revert data and what its sentence must contain besides the error's name.
    struct Case {
        data: Vec<u8>,
        needles: Vec<String>,
    }

    fn case<E: SolError>(error: E, needles: &[&str]) -> Case {
        Case {
            data: error.abi_encode(),
            needles: needles.iter().map(|n| n.to_string()).collect(),
        }
    }

    fn registry_cases() -> Vec<Case> {
        let (a, b, id) = (ALICE.to_string(), BOB.to_string(), ID.to_string());
        vec![
            case(r::Unauthorized { account: ALICE }, &[&a]),
            case(r::ZeroAddress, &[]),
            case(r::ZeroAmount, &[]),
            case(r::InvalidSubject { subject: BAD }, &[&BAD.to_string()]),
            case(r::InvalidCategory { category: 9 }, &["category 9"]),
            case(r::InvalidSeverity { severity: 5 }, &["severity 5"]),
            case(
                r::InvalidTtl {
                    ttl: 0,
                    max: 2_592_000,
                },
                &["of 0s", "30d 0h", "2592000 seconds"],
            ),
            case(
                r::InvalidParams { field: 7 },
                &["confirmScore", "2^112 - 1"],
            ),
            case(r::UnknownVersion { version: 4 }, &["version 4"]),
            case(r::SubmissionsPaused, &[]),
            case(
                r::NoLiveFlag { subject: CODE },
                &[&format!("code hash {CODE}")],
            ),
            case(r::UnknownFlag { flagId: 9 }, &["flag #9"]),
            case(
                r::FlagFinal { subject: ADVISORY },
                &[&format!("advisory {ADVISORY}")],
            ),
            case(
                r::AlreadyReported {
                    subject: alice(),
                    reporter: BOB,
                },
                &[&a, &b],
            ),
            case(
                r::TooManyReporters {
                    subject: alice(),
                    max: 32,
                },
                &[&a, "32 reporters"],
            ),
            case(
                r::NotAReporter {
                    subject: alice(),
                    account: BOB,
                },
                &[&a, &b],
            ),
            case(
                r::InsufficientStake {
                    available: wei(ONE / 2),
                    required: wei(ONE),
                },
                &["only 0.5 ETH", "where 1 ETH"],
            ),
            case(r::NoReputation { reporter: BOB }, &[&b]),
            case(
                r::WrongBond {
                    expected: wei(ONE / 10),
                    sent: wei(1),
                },
                &["exactly 0.1 ETH", "0.000000000000000001 ETH was sent"],
            ),
            case(
                r::AlreadyDisputed { subject: alice() },
                &[&format!(
                    "{a} is already in dispute (AlreadyDisputed): wait for the resolver"
                )],
            ),
            case(r::NotDisputed { subject: alice() }, &[&a]),
            case(
                r::DisputeOpen {
                    flagId: 7,
                    deadline: NOW + 3_720,
                },
                &["flag #7", "lapse from unix 1800003720 (in 1h02m)"],
            ),
            case(
                r::DisputeWindowClosed {
                    flagId: 7,
                    closedAt: NOW - (2 * 86_400 + 3 * 3_600),
                },
                &["flag #7", "closed at unix 1799816400 (2d 3h ago)"],
            ),
            case(
                r::DisputeWindowOpen {
                    flagId: 7,
                    until: NOW + 45,
                },
                &["flag #7", "in 45s"],
            ),
            case(r::ConflictOfInterest { resolver: BOB }, &[&b]),
            case(
                r::FlagStillLive {
                    flagId: 7,
                    expiry: NOW,
                },
                &["flag #7", "until unix 1800000000 (now)"],
            ),
            case(r::AlreadySettled { flagId: 7 }, &["flag #7"]),
            case(
                r::StillUnbonding { until: NOW + 187 },
                &["until unix 1800000187 (in 3m07s)"],
            ),
            case(r::NothingToWithdraw, &[]),
            case(r::NothingToClaim, &[]),
            case(r::TreasuryEmpty, &[]),
            case(
                r::RevealMismatch {
                    subject: ADVISORY,
                    evidence: ID,
                },
                &[&id, &format!("advisory {ADVISORY}")],
            ),
            case(r::TooManyFlags, &[]),
            case(r::AmountOverflow, &[]),
            case(
                r::TransferFailed {
                    to: BOB,
                    amount: wei(ONE + 1),
                },
                &[&b, "1.000000000000000001 ETH"],
            ),
            case(r::CallNotScheduled { id: ID }, &[&id]),
            case(
                r::CallNotReady {
                    id: ID,
                    eta: NOW + 172_800,
                },
                &[&id, "in 2d 0h"],
            ),
            case(r::CallAlreadyScheduled { id: ID }, &[&id]),
            case(r::MustBeScheduled, &["schedule"]),
            case(
                r::NotTimelockable {
                    selector: r::setParamsCall::SELECTOR.into(),
                },
                &[&format!(
                    "0x{} (setParams)",
                    hex::encode(r::setParamsCall::SELECTOR)
                )],
            ),
            case(r::GuardGasTooLow { required: 105_587 }, &["105587 gas"]),
            case(
                r::BatchTooLarge {
                    count: U256::from(33),
                    max: U256::from(32),
                },
                &["33 subjects", "at most 32"],
            ),
        ]
    }

    fn guard_cases() -> Vec<Case> {
        let (a, b, id, sel) = (
            ALICE.to_string(),
            BOB.to_string(),
            ID.to_string(),
            WITHDRAW.to_string(),
        );
        vec![
            case(g::ProtocolNotRegistered { protocol: ALICE }, &[&a]),
            case(g::ProtocolPaused { until: NOW + 3_720 }, &["in 1h02m"]),
            case(
                g::SelectorPaused {
                    selector: WITHDRAW,
                    until: NOW + 60,
                },
                &[&sel, "in 1m00s"],
            ),
            case(
                g::CallerFlagged {
                    caller: ALICE,
                    level: 3,
                },
                &[&a, "confirmed"],
            ),
            case(
                g::CodeFlagged {
                    caller: BOB,
                    codeHash: HASH,
                    level: 2,
                },
                &[&b, &HASH.to_string(), "watch"],
            ),
            case(
                g::AdvisoryActive { advisory: ADVISORY },
                &[&format!("advisory {ADVISORY}")],
            ),
            case(
                g::RateLimited {
                    selector: WITHDRAW,
                    available: wei(5 * ONE),
                    retryAfter: NOW + 60,
                },
                &[
                    &sel,
                    "5000000000000000000 (5 ETH",
                    "retry from unix 1800000060 (in 1m00s)",
                ],
            ),
            case(g::NotOwner { account: ALICE }, &[&a]),
            case(g::NotPendingOwner { account: ALICE }, &[&a]),
            case(
                g::NotAdmin {
                    protocol: BOB,
                    account: ALICE,
                },
                &[&a, &b],
            ),
            case(
                g::NotAdminOrGuardian {
                    protocol: BOB,
                    account: ALICE,
                },
                &[&a, &b],
            ),
            case(g::NotRegistry { account: ALICE }, &[&a]),
            case(g::NotExtension { account: ALICE }, &[&a]),
            case(g::CallNotScheduled { id: ID }, &[&id]),
            case(
                g::CallNotReady {
                    id: ID,
                    eta: NOW + 7_200,
                },
                &[&id, "in 2h00m"],
            ),
            case(g::CallAlreadyScheduled { id: ID }, &[&id]),
            case(g::MustBeScheduled, &[]),
            case(
                g::NotTimelockable {
                    selector: g::setDelayCall::SELECTOR.into(),
                },
                &["(setDelay)"],
            ),
            case(g::ZeroAddress, &[]),
            case(g::AlreadyRegistered { protocol: BOB }, &[&b]),
            case(g::InvalidScreening { mode: 6 }, &["mode 6"]),
            case(
                g::InvalidDelay {
                    delay: 60,
                    min: 3_600,
                    max: 2_592_000,
                },
                &["of 1m00s", "between 1h00m and 30d 0h"],
            ),
            case(g::CapacityZero, &[]),
            case(
                g::RefillAboveCapacity {
                    refillPerSecond: wei(2 * ONE),
                    capacity: wei(ONE),
                },
                &["(2 ETH", "(1 ETH"],
            ),
            case(
                g::RefillBelowUnit {
                    refillPerSecond: wei(1),
                    unit: wei(1 << 43),
                },
                &["8796093022208"],
            ),
            case(
                g::InvalidTrip {
                    tripLevel: wei(46),
                    rearmLevel: wei(10),
                },
                &["trip level 46", "re-arm level 10"],
            ),
            case(g::ZeroDuration, &[]),
            case(
                g::PauseTooLong {
                    duration: 90_000,
                    max: 86_400,
                },
                &["1d 1h", "1d 0h"],
            ),
            case(
                g::PauseCooldown {
                    retryAt: NOW + 7_200,
                },
                &["in 2h00m"],
            ),
            case(g::TooManySelectors { max: 32 }, &["32 functions"]),
            case(g::SelectorNotConfigured { selector: WITHDRAW }, &[&sel]),
            case(
                g::TooManyTags {
                    count: U256::from(5),
                    max: 4,
                },
                &["5 advisory tags", "at most 4"],
            ),
            case(
                g::NotAdvisory { tag: CODE },
                &[&format!("code hash {CODE}")],
            ),
            case(g::InvalidSubject { subject: BAD }, &[&BAD.to_string()]),
            case(
                g::InvalidStatus {
                    subject: alice(),
                    status: U256::from(7),
                },
                &[&format!("{:#066x}", 7), &a],
            ),
        ]
    }

    fn arb_wasm_cases() -> Vec<Case> {
        vec![
            case(aw::ProgramNotWasm, &[]),
            case(aw::ProgramNotActivated, &["activateProgram"]),
            case(
                aw::ProgramNeedsUpgrade {
                    version: 1,
                    stylusVersion: 2,
                },
                &["version 1", "version 2"],
            ),
            case(
                aw::ProgramExpired {
                    ageInSeconds: 31_536_000 + 3_661,
                },
                &["365d 1h (31539661 s)"],
            ),
            case(aw::ProgramUpToDate, &[]),
            case(
                aw::ProgramInsufficientValue {
                    have: wei(80_000_000_000_000),
                    want: wei(96_000_000_000_000),
                },
                &["0.000096 ETH", "0.00008 ETH"],
            ),
        ]
    }

    fn deployer_cases() -> Vec<Case> {
        let inner = r::InvalidParams { field: 0 }.abi_encode();
        vec![
            case(
                d::ContractDeploymentError {
                    bytecode: Bytes::from_static(&[0xef, 0xf0, 0x00]),
                },
                &["3 bytes"],
            ),
            case(
                d::ContractInitializationError {
                    newContract: BOB,
                    revertData: inner.into(),
                },
                &[
                    &format!("the constructor of {BOB} reverted (ContractInitializationError): "),
                    "minStake",
                    "(InvalidParams)",
                ],
            ),
            case(
                d::RefundExcessValueError {
                    excessValue: wei(ONE / 5),
                },
                &["0.2 ETH"],
            ),
            case(d::EmptyBytecode, &[]),
            case(d::InitValueButNotInitData, &[]),
        ]
    }

    /// Every case is explained under its own name, with its arguments, and the cases cover
    /// every selector of the interface.
    fn covers(cases: Vec<Case>, selectors: &[[u8; 4]], name_of: NameOf) {
        let mut seen = BTreeSet::new();
        for Case { data, needles } in cases {
            let selector: [u8; 4] = data[..4].try_into().unwrap();
            seen.insert(selector);
            let name = name_of(selector).unwrap();
            let explained = explain(&data, NOW);
            assert_eq!(explained.name, name, "{explained}");
            assert_eq!(explained.to_string(), explained.sentence);
            assert!(
                explained.sentence.contains(&format!(" ({name}): ")),
                "{explained}"
            );
            for needle in needles {
                assert!(
                    explained.sentence.contains(&needle),
                    "{needle:?} not in {explained}"
                );
            }
        }
        assert_eq!(seen, selectors.iter().copied().collect::<BTreeSet<_>>());
    }

    #[test]
    fn every_registry_error_is_explained() {
        covers(
            registry_cases(),
            IThreatRegistryErrors::SELECTORS,
            IThreatRegistryErrors::name_by_selector,
        );
    }

    #[test]
    fn every_guard_error_is_explained() {
        covers(
            guard_cases(),
            ICircuitGuardErrors::SELECTORS,
            ICircuitGuardErrors::name_by_selector,
        );
    }

    #[test]
    fn every_arb_wasm_error_is_explained() {
        covers(
            arb_wasm_cases(),
            ArbWasmErrors::SELECTORS,
            ArbWasmErrors::name_by_selector,
        );
    }

    #[test]
    fn every_stylus_deployer_error_is_explained() {
        covers(
            deployer_cases(),
            StylusDeployerErrors::SELECTORS,
            StylusDeployerErrors::name_by_selector,
        );
    }

    /// Decoding tries the sets in turn, so a selector two sets share must mean the same error.
    #[test]
    fn selectors_are_shared_only_by_errors_of_the_same_name() {
        let sets: [(&[[u8; 4]], NameOf); 4] = [
            (
                IThreatRegistryErrors::SELECTORS,
                IThreatRegistryErrors::name_by_selector,
            ),
            (
                ICircuitGuardErrors::SELECTORS,
                ICircuitGuardErrors::name_by_selector,
            ),
            (ArbWasmErrors::SELECTORS, ArbWasmErrors::name_by_selector),
            (
                StylusDeployerErrors::SELECTORS,
                StylusDeployerErrors::name_by_selector,
            ),
        ];
        let mut shared = 0;
        for (selectors, name_of) in sets {
            for &selector in selectors {
                assert_ne!(selector, Revert::SELECTOR);
                assert_ne!(selector, Panic::SELECTOR);
                let name = name_of(selector);
                for (_, other) in sets {
                    if let Some(other) = other(selector) {
                        assert_eq!(Some(other), name);
                        shared += 1;
                    }
                }
            }
        }
        // Each selector meets itself; the registry and the guard share seven errors, counted
        // from both sides.
        let total: usize = sets.iter().map(|(s, _)| s.len()).sum();
        assert_eq!(shared, total + 2 * 7);
    }

    #[test]
    fn ether_is_exact() {
        assert_eq!(ether(U256::ZERO), "0 ETH");
        assert_eq!(ether(U256::from(1)), "0.000000000000000001 ETH");
        assert_eq!(ether(wei(ONE)), "1 ETH");
        assert_eq!(ether(wei(ONE + 1)), "1.000000000000000001 ETH");
        assert_eq!(ether(wei(ONE / 2)), "0.5 ETH");
        assert_eq!(ether(wei(1_234 * ONE + 56 * ONE / 1_000)), "1234.056 ETH");
        assert_eq!(
            ether(U256::MAX),
            "115792089237316195423570985008687907853269984665640564039457.584007913129639935 ETH"
        );
    }

    #[test]
    fn durations_read_in_their_two_largest_units_and_bounds_exactly() {
        assert_eq!(span(0), "0s");
        assert_eq!(span(59), "59s");
        assert_eq!(span(60), "1m00s");
        assert_eq!(span(3_599), "59m59s");
        assert_eq!(span(3_661), "1h01m");
        assert_eq!(span(86_399), "23h59m");
        assert_eq!(span(86_400), "1d 0h");
        assert_eq!(span(u64::MAX), "213503982334601d 7h");
        assert_eq!(length(3_661), "1h01m (3661 s)");
        assert_eq!(length(3_660), "1h01m");
        assert_eq!(length(90_000), "1d 1h");
        assert_eq!(length(90_001), "1d 1h (90001 s)");
        assert_eq!(when(0, u64::MAX), "unix 0 (213503982334601d 7h ago)");
    }

    #[test]
    fn subjects_read_by_kind() {
        assert_eq!(subject(alice()), ALICE.to_string());
        assert_eq!(subject(CODE), format!("code hash {CODE}"));
        assert_eq!(subject(ADVISORY), format!("advisory {ADVISORY}"));
        assert_eq!(subject(BAD), format!("{BAD} (not a subject)"));
        assert_eq!(subject(ID), format!("{ID} (not a subject)"));
    }

    #[test]
    fn a_constructor_revert_is_explained_inside_its_wrappers() {
        let wrap = |address: Address, data: Vec<u8>| {
            d::ContractInitializationError {
                newContract: address,
                revertData: data.into(),
            }
            .abi_encode()
        };
        let inner = r::AlreadyDisputed { subject: alice() }.abi_encode();
        let explained = explain(&wrap(ALICE, wrap(BOB, inner)), NOW);
        assert_eq!(explained.name, "ContractInitializationError");
        assert!(explained.sentence.starts_with(&format!(
            "the constructor of {ALICE} reverted (ContractInitializationError): the constructor \
             of {BOB} reverted (ContractInitializationError): {ALICE} is already in dispute \
             (AlreadyDisputed): wait for the resolver"
        )));

        let empty = explain(&wrap(BOB, Vec::new()), NOW);
        assert!(
            empty.sentence.contains("): reverted without a reason"),
            "{empty}"
        );

        let mut deep = Vec::new();
        for _ in 0..=MAX_NESTING + 1 {
            deep = wrap(BOB, deep);
        }
        let explained = explain(&deep, NOW);
        assert_eq!(explained.name, "ContractInitializationError");
        assert!(
            explained.sentence.contains("nested too deep"),
            "{explained}"
        );
        assert_eq!(
            explained.sentence.matches("the constructor of").count(),
            usize::from(MAX_NESTING) + 1
        );
    }

    #[test]
    fn a_message_is_quoted_with_its_control_characters_escaped() {
        let data = Revert::from("vault: \u{1b}[31mnot enough\"").abi_encode();
        let explained = explain(&data, NOW);
        assert_eq!(explained.name, "Error");
        assert!(
            explained.sentence.starts_with(
                r#"the call reverted with the message "vault: \u{1b}[31mnot enough\"" (Error): "#
            ),
            "{explained}"
        );
    }

    #[test]
    fn a_panic_names_its_code() {
        let explained = explain(&Panic::from(PanicKind::UnderOverflow).abi_encode(), NOW);
        assert_eq!(explained.name, "Panic");
        assert!(
            explained.sentence.starts_with(
                "the contract panicked with code 0x11: arithmetic underflow or overflow (Panic): "
            ),
            "{explained}"
        );
        assert!(explained.sentence.contains("StylusDeployer.deploy"));

        let odd = Panic {
            code: U256::from(0x99),
        };
        let explained = explain(&odd.abi_encode(), NOW);
        assert!(
            explained
                .sentence
                .starts_with("the contract panicked with code 0x99 (Panic): "),
            "{explained}"
        );
        assert!(!explained.sentence.contains("StylusDeployer"));
    }

    #[test]
    fn no_data_is_a_revert_without_a_reason() {
        let explained = explain(&[], NOW);
        assert_eq!(explained.name, EMPTY);
        assert!(explained.sentence.starts_with(
            "reverted without a reason (out of gas, or a call to an account without code): "
        ));
    }

    #[test]
    fn unknown_data_shows_its_selector_and_the_abis_tried() {
        let tried = "none of the errors of IThreatRegistry, ICircuitGuard, ArbWasm and \
                     StylusDeployer, nor Error(string) or Panic(uint256)";

        let explained = explain(&[0xde, 0xad, 0xbe, 0xef, 1, 2, 3], NOW);
        assert_eq!(explained.name, UNKNOWN);
        assert!(
            explained
                .sentence
                .starts_with("revert data with the unknown selector 0xdeadbeef (7 bytes: 0xdeadbeef010203) (UnknownRevert): "),
            "{explained}"
        );
        assert!(explained.sentence.contains(tried));

        let short = explain(&[0x01, 0x02], NOW);
        assert_eq!(short.name, UNKNOWN);
        assert!(short
            .sentence
            .starts_with("2 bytes of revert data (0x0102), too short"));
        assert!(short.sentence.contains(tried));

        let mut truncated = r::WrongBond {
            expected: wei(1),
            sent: wei(2),
        }
        .abi_encode();
        truncated.truncate(40);
        let explained = explain(&truncated, NOW);
        assert_eq!(explained.name, UNKNOWN);
        assert!(
            explained.sentence.contains("the selector of WrongBond (0x"),
            "{explained}"
        );

        let long = [0xab; 200];
        let explained = explain(&long, NOW);
        assert!(
            explained
                .sentence
                .contains(&format!("(200 bytes: 0x{}…)", "ab".repeat(SHOWN_BYTES))),
            "{explained}"
        );
    }

    #[test]
    fn a_limit_that_can_never_fit_says_so() {
        let data = g::RateLimited {
            selector: WITHDRAW,
            available: wei(3),
            retryAfter: u64::MAX,
        }
        .abi_encode();
        let explained = explain(&data, NOW);
        assert!(
            explained
                .sentence
                .contains("(RateLimited): it can never fit"),
            "{explained}"
        );
    }

    #[test]
    fn every_params_field_has_its_name_and_bound() {
        let fields = [
            "minStake",
            "stakeCap",
            "stakeWarmup",
            "unbondingDelay",
            "slashBps",
            "disputeBond",
            "watchScore",
            "confirmScore",
            "minReporters",
            "maxReporters",
            "maxTtl",
            "victimShareBps",
            "disputerShareBps",
            "disputeWindow",
            "disputeDeadline",
            "paramsDelay",
        ];
        for (field, name) in (0u8..).zip(fields) {
            let explained = explain(&r::InvalidParams { field }.abi_encode(), NOW);
            assert!(
                explained.sentence.starts_with(&format!(
                    "parameter {name} (field {field}) is out of bounds (InvalidParams): it must be "
                )),
                "{explained}"
            );
        }
        let beyond = explain(&r::InvalidParams { field: 16 }.abi_encode(), NOW);
        assert!(beyond.sentence.contains("fields 0 to 15"), "{beyond}");
    }
}
