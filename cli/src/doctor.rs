//! `vigil doctor`: whether a deployment protects anyone, and what to do where it does not.
//!
//! Each check reads the chain and says ok, warning (Vigil works, but something needs doing before
//! it stops working or someone is surprised) or failure (Vigil does not protect as designed now),
//! with the fix for anything not ok. The failures are the ones of design §4.3: a feed cut in
//! either direction, a program that cannot run, no resolver, books that do not add up.

use crate::abi::{
    ArbWasm, ArbWasmCache, ArbWasmLifetime, ICircuitGuard, IThreatRegistry, ARB_WASM,
    ARB_WASM_CACHE,
};
use crate::chain::decode_revert;
use crate::context::Vigil;
use crate::status::{ether, guard_in_sync, relative, span, utc};
use crate::wasm::ProgramKind;
use crate::Error;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolInterface;
use serde::Serialize;

/// Design §4.4's runbook: extend a program's life once fewer than 60 days are left.
const KEEPALIVE_WITHIN: u64 = 60 * 86_400;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Health {
    Ok,
    Warning,
    Failure,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub name: String,
    pub status: Health,
    pub detail: String,
    /// What to do; present for every warning and failure.
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Check {
            name: name.into(),
            status: Health::Ok,
            detail: detail.into(),
            fix: None,
        }
    }

    fn warning(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Check {
            name: name.into(),
            status: Health::Warning,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn failure(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Check {
            name: name.into(),
            status: Health::Failure,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

/// Every check, and the verdict (`--json`: this structure).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub registry: Address,
    pub guard: Address,
    pub checks: Vec<Check>,
    pub warnings: usize,
    pub failures: usize,
    /// "healthy", "N warnings", "N failures" (and "N failures, M warnings").
    pub verdict: String,
}

impl Report {
    fn new(registry: Address, guard: Address, checks: Vec<Check>) -> Self {
        let count = |health| checks.iter().filter(|c| c.status == health).count();
        let (warnings, failures) = (count(Health::Warning), count(Health::Failure));
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let verdict = match (failures, warnings) {
            (0, 0) => "healthy".to_owned(),
            (0, w) => plural(w, "warning"),
            (f, 0) => plural(f, "failure"),
            (f, w) => format!("{}, {}", plural(f, "failure"), plural(w, "warning")),
        };
        Report {
            registry,
            guard,
            checks,
            warnings,
            failures,
            verdict,
        }
    }

    /// True when nothing needs doing.
    pub fn healthy(&self) -> bool {
        self.warnings == 0 && self.failures == 0
    }

    /// The report for people: one line a check, its fix under it, the verdict last.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("registry {}, guard {}", self.registry, self.guard)];
        for check in &self.checks {
            let mark = match check.status {
                Health::Ok => "ok     ",
                Health::Warning => "warning",
                Health::Failure => "FAILURE",
            };
            lines.push(format!("{mark}  {}: {}", check.name, check.detail));
            if let Some(fix) = &check.fix {
                lines.push(format!("         fix: {fix}"));
            }
        }
        lines.push(format!("verdict: {}", self.verdict));
        lines
    }
}

/// Runs every check against `vigil`'s registry and guard.
pub async fn doctor(vigil: &Vigil) -> Result<Report, Error> {
    let chain = &vigil.chain;
    let now = chain.now().await?;
    let mut checks = Vec::new();
    let mut stopped = Vec::new();
    for program in programs(vigil) {
        let program_checks = program_checks(vigil, &program, now).await?;
        if program_checks.iter().any(|c| c.status == Health::Failure) {
            stopped.push(program.name);
        }
        checks.extend(program_checks);
    }
    // A program that cannot run fails every call like an out-of-gas error, and the rest of the
    // checks read them all.
    if !stopped.is_empty() {
        checks.push(Check::failure(
            "the rest",
            format!(
                "links, owners, timelocks, resolvers and books not checked: the {} cannot run",
                listing(&stopped)
            ),
            "re-activate the programs above, then run vigil doctor again",
        ));
        return Ok(Report::new(vigil.registry, vigil.guard, checks));
    }
    // config() is served by the registry's extension: a registry that cannot reach it answers
    // nothing else either.
    let config = match chain
        .attempt(vigil.registry, IThreatRegistry::configCall {})
        .await?
    {
        Ok(config) => config,
        Err(data) => {
            checks.push(Check::failure(
                "registry",
                format!(
                    "config() reverts ({}): the registry cannot reach its extension",
                    revert(&data)
                ),
                "check the extension's lifetime by hand (cast call \
                 0x0000000000000000000000000000000000000071 'programTimeLeft(address)(uint64)' \
                 <extension>) and re-activate it",
            ));
            return Ok(Report::new(vigil.registry, vigil.guard, checks));
        }
    };
    // guardConfig() likewise is served by the guard's extension.
    let guard_config = match chain
        .attempt(vigil.guard, ICircuitGuard::guardConfigCall {})
        .await?
    {
        Ok(config) => config,
        Err(data) => {
            checks.push(Check::failure(
                "guard",
                format!(
                    "guardConfig() reverts ({}): the guard cannot reach its extension, so it \
                     cannot be configured or paused",
                    revert(&data)
                ),
                "check the guard extension's lifetime by hand (cast call \
                 0x0000000000000000000000000000000000000071 'programTimeLeft(address)(uint64)' \
                 <guard extension>) and re-activate it",
            ));
            return Ok(Report::new(vigil.registry, vigil.guard, checks));
        }
    };
    checks.push(registry_link(vigil, &config));
    checks.push(guard_link(vigil, &guard_config).await?);
    checks.push(skipped_pushes(vigil, now).await?);
    let governance = recorded_governance(vigil);
    checks.extend(owner_checks(
        "registry",
        config.owner,
        config.pendingOwner,
        governance,
        "paramsDelay",
    ));
    checks.extend(owner_checks(
        "guard",
        guard_config.owner,
        guard_config.pendingOwner,
        governance,
        &format!("the guard's delay ({})", span(guard_config.delay)),
    ));
    let params = chain
        .read(vigil.registry, IThreatRegistry::paramsAtCall { version: 0 })
        .await?;
    checks.extend(registry_calls(vigil, &params, now).await?);
    checks.extend(guard_calls(vigil, now).await?);
    checks.push(resolvers(vigil).await?);
    checks.push(if config.submissionsPaused {
        Check::warning(
            "submissions",
            "paused: nobody can submit or corroborate a flag",
            "governance schedules setSubmissionsPaused(false) on the registry and executes it \
             after paramsDelay",
        )
    } else {
        Check::ok("submissions", "open")
    });
    checks.extend(books(vigil).await?);
    Ok(Report::new(vigil.registry, vigil.guard, checks))
}

/// A program to keep alive.
struct Kept {
    /// Its name in the checks ("extension" is the registry's, as in the record).
    name: &'static str,
    what: &'static str,
    /// None for an extension the record does not name.
    address: Option<Address>,
}

/// The programs to keep alive: the registry and the guard, and each one's extension (known only
/// from the record, when it records the registry or guard in use: neither exposes its
/// extension's address).
fn programs(vigil: &Vigil) -> [Kept; 4] {
    let extension = |of: ProgramKind, at: Address, extension: ProgramKind| {
        let record = vigil.record.as_ref()?;
        let recorded = record.program(of).map(|p| p.address);
        (recorded == Some(at))
            .then(|| record.program(extension).map(|p| p.address))
            .flatten()
    };
    [
        Kept {
            name: "registry",
            what: "registry",
            address: Some(vigil.registry),
        },
        Kept {
            name: "extension",
            what: "registry's extension",
            address: extension(
                ProgramKind::Registry,
                vigil.registry,
                ProgramKind::Extension,
            ),
        },
        Kept {
            name: "guard",
            what: "guard",
            address: Some(vigil.guard),
        },
        Kept {
            name: "guard extension",
            what: "guard's extension",
            address: extension(ProgramKind::Guard, vigil.guard, ProgramKind::GuardExtension),
        },
    ]
}

/// A program's time left before it expires, and whether it is cached.
async fn program_checks(vigil: &Vigil, kept: &Kept, now: u64) -> Result<Vec<Check>, Error> {
    let name = kept.name;
    let lifetime = format!("{name} program");
    let Some(program) = kept.address else {
        return Ok(vec![Check::warning(
            lifetime,
            format!(
                "the {} is not in the deployment record, so its lifetime is unchecked",
                kept.what
            ),
            format!(
                "check it by hand: cast call 0x0000000000000000000000000000000000000071 \
                 'programTimeLeft(address)(uint64)' <{name} address>"
            ),
        )]);
    };
    let chain = &vigil.chain;
    let reactivate = format!(
        "anyone re-activates it (paying the data fee): cargo stylus activate --address \
         {program}, or ArbWasm.activateProgram({program})"
    );
    let left = chain
        .attempt(ARB_WASM, ArbWasmLifetime::programTimeLeftCall { program })
        .await?;
    let codehash = keccak256(chain.code(program).await?);
    let mut checks = vec![match left {
        Ok(secs) if secs < KEEPALIVE_WITHIN => Check::warning(
            lifetime,
            format!(
                "{program} expires {} ({})",
                relative(now.saturating_add(secs), now),
                utc(now.saturating_add(secs))
            ),
            format!(
                "anyone extends it for another year (paying the data fee): cast send \
                 0x0000000000000000000000000000000000000071 'codehashKeepalive(bytes32)' \
                 {codehash} --value <fee> (design §4.4)"
            ),
        ),
        Ok(secs) => Check::ok(lifetime, format!("{program} runs for {} more", span(secs))),
        Err(data) => Check::failure(
            lifetime,
            format!("{program} cannot run: {}", revert(&data)),
            reactivate,
        ),
    }];
    // An expired program's cache place is moot until it runs again.
    if checks[0].status == Health::Failure {
        return Ok(checks);
    }
    let cached = chain
        .read(
            ARB_WASM_CACHE,
            ArbWasmCache::codehashIsCachedCall { codehash },
        )
        .await?;
    checks.push(if cached {
        Check::ok(
            format!("{name} cache"),
            "cached: its calls skip the init gas",
        )
    } else {
        Check::warning(
            format!("{name} cache"),
            format!("{program} is not cached: every call pays its init gas"),
            format!(
                "bid for a place in the cache: cargo stylus cache bid {program} <bid in wei> \
                 (a cache manager can call ArbWasmCache.cacheProgram({program}))"
            ),
        )
    });
    Ok(checks)
}

fn registry_link(vigil: &Vigil, config: &IThreatRegistry::RegistryConfig) -> Check {
    let name = "registry → guard";
    if config.guard == vigil.guard {
        return Check::ok(
            name,
            format!("the registry pushes every status change to {}", vigil.guard),
        );
    }
    let detail = if config.guard == Address::ZERO {
        "the registry pushes to no guard: status changes stop reaching protocols".to_owned()
    } else {
        format!(
            "the registry pushes to another guard, {}: this guard's copies go stale",
            config.guard
        )
    };
    Check::failure(
        name,
        detail,
        format!(
            "governance schedules setGuard({}) on the registry and executes it after \
             paramsDelay; then anyone calls syncGuard(subjects) on the registry for the live \
             subjects",
            vigil.guard
        ),
    )
}

async fn guard_link(vigil: &Vigil, config: &ICircuitGuard::GuardConfig) -> Result<Check, Error> {
    let name = "guard → registry";
    if config.registry == vigil.registry {
        return Ok(Check::ok(
            name,
            format!("the guard accepts the pushes of {}", vigil.registry),
        ));
    }
    let detail = if config.registry == Address::ZERO {
        "the guard accepts no registry's pushes: its copies go stale".to_owned()
    } else {
        format!(
            "the guard accepts the pushes of another registry, {}",
            config.registry
        )
    };
    let ever_linked = !vigil
        .chain
        .logs::<ICircuitGuard::RegistrySet>(vigil.guard, vigil.from_block(), None)
        .await?
        .is_empty();
    let set = if ever_linked {
        format!(
            "the guard's owner ({}) schedules setRegistry({}) on the guard and executes it \
             after its delay ({})",
            config.owner,
            vigil.registry,
            span(config.delay)
        )
    } else {
        format!(
            "the guard's owner ({}) calls setRegistry({}) on the guard (immediate: the guard \
             never had a registry)",
            config.owner, vigil.registry
        )
    };
    Ok(Check::failure(
        name,
        detail,
        format!(
            "{set}; then anyone calls syncGuard(subjects) on the registry for the live subjects"
        ),
    ))
}

/// The subjects whose push to this guard the registry skipped (GuardSyncSkipped) and whose copy
/// at the guard is still not the registry's status.
async fn skipped_pushes(vigil: &Vigil, now: u64) -> Result<Check, Error> {
    let name = "guard copies";
    let mut skipped: Vec<B256> = vigil
        .chain
        .logs::<IThreatRegistry::GuardSyncSkipped>(
            vigil.registry,
            vigil.from_block(),
            Some(vigil.guard.into_word()),
        )
        .await?
        .into_iter()
        .map(|e| e.subject)
        .collect();
    skipped.sort();
    skipped.dedup();
    let mut stale = Vec::new();
    for &subject in &skipped {
        if !guard_in_sync(vigil, subject, now).await? {
            stale.push(subject.to_string());
        }
    }
    Ok(match (skipped.len(), stale.len()) {
        (0, _) => Check::ok(name, "the registry skipped no push to the guard"),
        (n, 0) => Check::ok(
            name,
            format!("the registry skipped pushes of {n} subjects to the guard; all repaired since"),
        ),
        (_, n) => Check::warning(
            name,
            format!(
                "the guard's copy of {n} subjects is not the registry's status (pushes the \
                 registry skipped): {}",
                stale.join(", ")
            ),
            format!(
                "once the guard takes the registry's pushes, anyone calls syncGuard([{}]) on the \
                 registry (at most 32 subjects a call)",
                stale.join(",")
            ),
        ),
    })
}

/// Governance as the deployment record names it, when the record is of these contracts.
fn recorded_governance(vigil: &Vigil) -> Option<Address> {
    let record = vigil.record.as_ref()?;
    let programs = &record.programs;
    let registry = programs.registry.as_ref().map(|p| p.address);
    let guard = programs.guard.as_ref().map(|p| p.address);
    (registry == Some(vigil.registry) && guard == Some(vigil.guard))
        .then_some(record.config.governance)
}

fn owner_checks(
    contract: &str,
    owner: Address,
    pending: Address,
    governance: Option<Address>,
    delay: &str,
) -> Vec<Check> {
    let name = format!("{contract} owner");
    let mut checks = Vec::new();
    match governance {
        Some(g) if owner == g => checks.push(Check::ok(
            name.clone(),
            format!("{owner}, the recorded governance"),
        )),
        Some(g) if pending == g => {}
        Some(g) => checks.push(Check::warning(
            name.clone(),
            format!("{owner}, not the recorded governance {g}"),
            format!(
                "{owner} schedules transferOwnership({g}) on the {contract}, executes it after \
                 {delay}, then governance calls acceptOwnership() on the {contract}"
            ),
        )),
        None => checks.push(Check::ok(
            name.clone(),
            format!("{owner} (no deployment record names governance)"),
        )),
    }
    if pending != Address::ZERO {
        let who = if Some(pending) == governance {
            "governance".to_owned()
        } else {
            pending.to_string()
        };
        checks.push(Check::warning(
            name,
            format!("{owner} owns it; {pending} is the pending owner, not yet in charge"),
            format!(
                "{who} calls acceptOwnership() on the {contract} (or {owner} withdraws the \
                 offer: transferOwnership(0x0000000000000000000000000000000000000000) through \
                 the timelock)"
            ),
        ));
    }
    checks
}

/// A call scheduled on a timelock and not executed or cancelled, per the logs and the contract.
struct Pending {
    id: B256,
    eta: u64,
    data: Bytes,
}

/// The calls scheduled and still pending, from `(id, eta, data)` of CallScheduled and the ids of
/// CallExecuted and CallCancelled: each close follows the schedule it closes and a call cannot be
/// scheduled twice at once, so a call is pending while its schedules outnumber its closes. The
/// contract's `scheduledAt` is read next to the logs' answer to catch a node that lost logs.
async fn pending_calls<Read, Fut>(
    scheduled: Vec<(B256, u64, Bytes)>,
    closed: Vec<B256>,
    scheduled_at: Read,
) -> Result<(Vec<Pending>, Vec<B256>), Error>
where
    Read: Fn(B256) -> Fut,
    Fut: std::future::Future<Output = Result<u64, Error>>,
{
    let mut pending: Vec<Pending> = Vec::new();
    let mut disagreeing = Vec::new();
    let mut ids: Vec<B256> = scheduled.iter().map(|(id, ..)| *id).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let schedules: Vec<_> = scheduled.iter().filter(|(i, ..)| *i == id).collect();
        let closes = closed.iter().filter(|i| **i == id).count();
        let open_by_logs = schedules.len() > closes;
        let eta = scheduled_at(id).await?;
        let (_, logged_eta, data) = schedules[schedules.len() - 1];
        if open_by_logs != (eta != 0) || (open_by_logs && eta != *logged_eta) {
            disagreeing.push(id);
        }
        if eta != 0 {
            pending.push(Pending {
                id,
                eta,
                data: data.clone(),
            });
        }
    }
    pending.sort_by_key(|p| p.eta);
    Ok((pending, disagreeing))
}

async fn registry_calls(
    vigil: &Vigil,
    params: &IThreatRegistry::Params,
    now: u64,
) -> Result<Vec<Check>, Error> {
    let chain = &vigil.chain;
    let from = vigil.from_block();
    let scheduled = chain
        .logs::<IThreatRegistry::CallScheduled>(vigil.registry, from, None)
        .await?
        .into_iter()
        .map(|e| (e.id, e.eta, e.data))
        .collect();
    let mut closed: Vec<B256> = chain
        .logs::<IThreatRegistry::CallExecuted>(vigil.registry, from, None)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    closed.extend(
        chain
            .logs::<IThreatRegistry::CallCancelled>(vigil.registry, from, None)
            .await?
            .into_iter()
            .map(|e| e.id),
    );
    let (pending, disagreeing) = pending_calls(scheduled, closed, |id| async move {
        chain
            .read(vigil.registry, IThreatRegistry::scheduledAtCall { id })
            .await
    })
    .await?;
    let describe = |data: &Bytes| match IThreatRegistry::IThreatRegistryCalls::abi_decode(data) {
        Ok(call) => describe_registry_call(&call, params),
        Err(_) => format!("undecodable call {data}"),
    };
    Ok(timelock_checks(
        "registry",
        &pending,
        &disagreeing,
        describe,
        now,
    ))
}

async fn guard_calls(vigil: &Vigil, now: u64) -> Result<Vec<Check>, Error> {
    let chain = &vigil.chain;
    let from = vigil.from_block();
    let scheduled = chain
        .logs::<ICircuitGuard::CallScheduled>(vigil.guard, from, None)
        .await?
        .into_iter()
        .map(|e| (e.id, e.eta, e.data))
        .collect();
    let mut closed: Vec<B256> = chain
        .logs::<ICircuitGuard::CallExecuted>(vigil.guard, from, None)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    closed.extend(
        chain
            .logs::<ICircuitGuard::CallCancelled>(vigil.guard, from, None)
            .await?
            .into_iter()
            .map(|e| e.id),
    );
    let (pending, disagreeing) = pending_calls(scheduled, closed, |id| async move {
        chain
            .read(vigil.guard, ICircuitGuard::scheduledAtCall { id })
            .await
    })
    .await?;
    let describe = |data: &Bytes| match ICircuitGuard::ICircuitGuardCalls::abi_decode(data) {
        Ok(call) => describe_guard_call(&call),
        Err(_) => format!("undecodable call {data}"),
    };
    Ok(timelock_checks(
        "guard",
        &pending,
        &disagreeing,
        describe,
        now,
    ))
}

fn timelock_checks(
    contract: &str,
    pending: &[Pending],
    disagreeing: &[B256],
    describe: impl Fn(&Bytes) -> String,
    now: u64,
) -> Vec<Check> {
    let name = format!("{contract} timelock");
    let mut checks: Vec<Check> = pending
        .iter()
        .map(|p| {
            let when = if p.eta <= now {
                format!("ready since {}", relative(p.eta, now))
            } else {
                format!("may run from {} ({})", utc(p.eta), relative(p.eta, now))
            };
            Check::warning(
                name.clone(),
                format!("scheduled {}: {when} (id {})", describe(&p.data), p.id),
                format!(
                    "its owner executes it once due (execute with the scheduled data), or \
                     cancels it (cancel({})) if it is not governance's",
                    p.id
                ),
            )
        })
        .collect();
    for id in disagreeing {
        checks.push(Check::warning(
            name.clone(),
            format!(
                "the logs and the {contract}'s scheduledAt({id}) disagree about scheduled call {id}"
            ),
            "the RPC may be missing logs: check the call against another RPC or a block explorer",
        ));
    }
    if checks.is_empty() {
        checks.push(Check::ok(name, "nothing scheduled"));
    }
    checks
}

fn describe_registry_call(
    call: &IThreatRegistry::IThreatRegistryCalls,
    current: &IThreatRegistry::Params,
) -> String {
    use IThreatRegistry::IThreatRegistryCalls as C;
    match call {
        C::setParams(c) => {
            let changes = params_changes(current, &c.params);
            if changes.is_empty() {
                "setParams (the current parameters again)".to_owned()
            } else {
                format!("setParams ({})", changes.join(", "))
            }
        }
        C::setResolver(c) => format!("setResolver({}, {})", c.account, c.enabled),
        C::setGuard(c) => format!("setGuard({})", c.guard),
        C::setSubmissionsPaused(c) => format!("setSubmissionsPaused({})", c.paused),
        C::sweepTreasury(c) => format!("sweepTreasury({})", c.to),
        C::transferOwnership(c) => format!("transferOwnership({})", c.newOwner),
        other => format!("{other:?}"),
    }
}

fn describe_guard_call(call: &ICircuitGuard::ICircuitGuardCalls) -> String {
    use ICircuitGuard::ICircuitGuardCalls as C;
    match call {
        C::transferOwnership(c) => format!("transferOwnership({})", c.newOwner),
        C::setRegistry(c) => format!("setRegistry({})", c.registry),
        C::setPauseBounds(c) => format!(
            "setPauseBounds(maxPauseDuration {}s, pauseCooldown {}s)",
            c.maxPauseDuration, c.pauseCooldown
        ),
        C::setDelay(c) => format!("setDelay({}s)", c.delay),
        other => format!("{other:?}"),
    }
}

/// The fields a scheduled `setParams` changes: "field old → new".
fn params_changes(old: &IThreatRegistry::Params, new: &IThreatRegistry::Params) -> Vec<String> {
    let mut changes = Vec::new();
    macro_rules! compare {
        ($($field:ident),*) => {$(
            if old.$field != new.$field {
                changes.push(format!(
                    "{} {} → {}",
                    stringify!($field),
                    old.$field.show(),
                    new.$field.show()
                ));
            }
        )*};
    }
    compare!(
        minStake,
        stakeCap,
        stakeWarmup,
        unbondingDelay,
        slashBps,
        disputeBond,
        watchScore,
        confirmScore,
        minReporters,
        maxReporters,
        maxTtl,
        victimShareBps,
        disputerShareBps,
        disputeWindow,
        disputeDeadline,
        paramsDelay
    );
    changes
}

/// A parameter's value for people: amounts in ether, counts and seconds as they are.
trait Show {
    fn show(&self) -> String;
}

impl Show for U256 {
    fn show(&self) -> String {
        ether(*self)
    }
}

macro_rules! show_plain {
    ($($t:ty),*) => {$(
        impl Show for $t {
            fn show(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
show_plain!(u8, u16, u64);

/// The resolvers in office: every account a ResolverSet log or the record names, as `isResolver`
/// answers now.
async fn resolvers(vigil: &Vigil) -> Result<Check, Error> {
    let chain = &vigil.chain;
    let mut candidates: Vec<Address> = chain
        .logs::<IThreatRegistry::ResolverSet>(vigil.registry, vigil.from_block(), None)
        .await?
        .into_iter()
        .map(|e| e.account)
        .collect();
    if recorded_governance(vigil).is_some() {
        if let Some(record) = &vigil.record {
            candidates.extend(record.config.resolvers.iter().copied());
        }
    }
    candidates.sort();
    candidates.dedup();
    let mut active = Vec::new();
    for account in candidates {
        if chain
            .read(vigil.registry, IThreatRegistry::isResolverCall { account })
            .await?
        {
            active.push(account.to_string());
        }
    }
    Ok(if active.is_empty() {
        Check::failure(
            "resolvers",
            "none: disputes can only lapse, and nobody can confirm or remove a subject at once",
            "governance schedules setResolver(<account>, true) on the registry and executes it \
             after paramsDelay",
        )
    } else {
        Check::ok("resolvers", active.join(", "))
    })
}

/// The registry's balance against its four books (design §3.4), and the treasury.
async fn books(vigil: &Vigil) -> Result<Vec<Check>, Error> {
    let chain = &vigil.chain;
    let balance = chain.balance(vigil.registry).await?;
    let books = chain
        .read(vigil.registry, IThreatRegistry::accountingCall {})
        .await?;
    let sum = [books.disputeBonds, books.claimable, books.treasury]
        .into_iter()
        .try_fold(books.stakes, U256::checked_add);
    let parts = format!(
        "stakes {} + dispute bonds {} + claimable {} + treasury {}",
        ether(books.stakes),
        ether(books.disputeBonds),
        ether(books.claimable),
        ether(books.treasury)
    );
    let name = "accounting";
    let invariant = match sum {
        Some(sum) if sum == balance => {
            Check::ok(name, format!("balance {} = {parts}", ether(balance)))
        }
        Some(sum) if sum < balance => Check::warning(
            name,
            format!(
                "balance {} is {} wei more than {parts}: ETH sent without a call (a SELFDESTRUCT \
                 or a block reward) that no book holds and nobody can withdraw",
                ether(balance),
                balance - sum
            ),
            "find the transfer that sent it; the books themselves are whole",
        ),
        _ => Check::failure(
            name,
            format!(
                "balance {} is less than {parts}: the registry owes more than it holds",
                ether(balance)
            ),
            "stop and investigate before anyone claims or withdraws: governance pauses \
             submissions (setSubmissionsPaused(true), immediate) and reports the registry's bug",
        ),
    };
    let treasury = Check::ok(
        "treasury",
        if books.treasury.is_zero() {
            "empty".to_owned()
        } else {
            format!(
                "{} from slashes, which governance sweeps with sweepTreasury(to) (timelocked)",
                ether(books.treasury)
            )
        },
    );
    Ok(vec![invariant, treasury])
}

/// "a", "a and b", "a, b and c".
fn listing(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A precompile's or a contract's revert, named.
fn revert(data: &[u8]) -> String {
    match ArbWasm::ArbWasmErrors::abi_decode(data) {
        Ok(ArbWasm::ArbWasmErrors::ProgramExpired(e)) => {
            format!("expired (ProgramExpired, {} old)", span(e.ageInSeconds))
        }
        Ok(ArbWasm::ArbWasmErrors::ProgramNeedsUpgrade(e)) => format!(
            "activated for Stylus v{}, the chain runs v{} (ProgramNeedsUpgrade)",
            e.version, e.stylusVersion
        ),
        Ok(ArbWasm::ArbWasmErrors::ProgramNotActivated(_)) => {
            "not activated (ProgramNotActivated)".to_owned()
        }
        _ if data.is_empty() => "no revert data".to_owned(),
        _ => decode_revert(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setparams_is_described_by_what_it_changes() {
        let ether = U256::from(10u64).pow(U256::from(18));
        let old = IThreatRegistry::Params {
            confirmScore: U256::from(12u64) * ether,
            minStake: ether,
            minReporters: 2,
            ..Default::default()
        };
        let new = IThreatRegistry::Params {
            confirmScore: U256::from(25u64) * ether / U256::from(2u64),
            minReporters: 3,
            ..old.clone()
        };
        assert_eq!(
            params_changes(&old, &new),
            ["confirmScore 12 ETH → 12.5 ETH", "minReporters 2 → 3"]
        );
        assert!(params_changes(&old, &old).is_empty());
        let call =
            IThreatRegistry::IThreatRegistryCalls::setParams(IThreatRegistry::setParamsCall {
                params: new,
            });
        let data = Bytes::from(call.abi_encode());
        let decoded = IThreatRegistry::IThreatRegistryCalls::abi_decode(&data).unwrap();
        assert_eq!(
            describe_registry_call(&decoded, &old),
            "setParams (confirmScore 12 ETH → 12.5 ETH, minReporters 2 → 3)"
        );
    }

    #[tokio::test]
    async fn a_call_is_pending_while_its_schedules_outnumber_its_closes() {
        let (a, b, c) = (
            B256::repeat_byte(1),
            B256::repeat_byte(2),
            B256::repeat_byte(3),
        );
        // a: scheduled, executed, scheduled again; b: scheduled and cancelled; c: scheduled,
        // but the contract says it is not (a node that lost the close).
        let scheduled = vec![
            (a, 10, Bytes::from_static(b"a")),
            (b, 20, Bytes::from_static(b"b")),
            (a, 30, Bytes::from_static(b"a")),
            (c, 40, Bytes::from_static(b"c")),
        ];
        let closed = vec![a, b];
        let state = |id: B256| async move { Ok(if id == a { 30 } else { 0 }) };
        let (pending, disagreeing) = pending_calls(scheduled, closed, state).await.unwrap();
        let pending: Vec<_> = pending.iter().map(|p| (p.id, p.eta)).collect();
        assert_eq!(pending, [(a, 30)]);
        assert_eq!(disagreeing, [c]);
    }

    #[test]
    fn the_verdict_counts_what_needs_doing() {
        let verdict = |statuses: &[Health]| {
            let checks = statuses
                .iter()
                .map(|&status| Check {
                    name: "check".into(),
                    status,
                    detail: String::new(),
                    fix: None,
                })
                .collect();
            let report = Report::new(Address::ZERO, Address::ZERO, checks);
            (report.verdict.clone(), report.healthy())
        };
        assert_eq!(verdict(&[Health::Ok, Health::Ok]), ("healthy".into(), true));
        assert_eq!(verdict(&[Health::Warning]), ("1 warning".into(), false));
        assert_eq!(
            verdict(&[Health::Warning, Health::Ok, Health::Warning]),
            ("2 warnings".into(), false)
        );
        assert_eq!(
            verdict(&[Health::Failure, Health::Warning]),
            ("1 failure, 1 warning".into(), false)
        );
        assert_eq!(
            listing(&["registry", "extension", "guard"]),
            "registry, extension and guard"
        );
        assert_eq!(listing(&["guard"]), "guard");
        assert_eq!(
            verdict(&[Health::Failure, Health::Failure]),
            ("2 failures".into(), false)
        );
    }
}
