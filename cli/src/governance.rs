//! `vigil gov`: the powers of resolvers and of the governance Safe. Every command can be sent by
//! the key, or written into a Safe Transaction Builder batch (`--safe FILE`) or printed
//! (`--calldata`) for the account that holds the power: the registry's owner for timelocked
//! and owner calls, a resolver (`--sender`, or the owner when it is one) for decisions.
//!
//! A timelocked call is the same call three times (design §3.5): `schedule` it, `apply` it after
//! the delay, or `cancel` it; `vigil gov schedule|apply|cancel <change>` builds all three from one
//! description, so what is applied is exactly what was scheduled.

use crate::abi::ICircuitGuard as G;
use crate::abi::IThreatRegistry as R;
use crate::call::Call;
use crate::config::ParamsFile;
use crate::context::Vigil;
use crate::explain::ether;
use crate::parse;
use crate::reporter::{flag_id, Labels};
use crate::send::{self, Done, Via};
use crate::subject;
use crate::Error;
use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::SolCall;
use serde::Serialize;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Decide a disputed flag (resolver).
    Resolve {
        /// A subject (its latest flag) or #N.
        flag: String,
        /// Uphold the flag: it becomes final and confirmed; the bond goes to its reporters.
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        uphold: bool,
        /// Reject it: removed, its reporters slashed, the victim and disputer paid.
        #[arg(long)]
        reject: bool,
        /// Why: a text (its keccak256 goes on chain) or a 0x hash.
        #[arg(long)]
        rationale: String,
    },
    /// Confirm a subject at once, for good (resolver; the SEAL-911 path).
    Confirm {
        subject: String,
        #[command(flatten)]
        labels: Labels,
        #[arg(long)]
        rationale: String,
    },
    /// Remove a subject's live flag, releasing its reporters without slashing (resolver).
    Remove {
        subject: String,
        #[arg(long)]
        rationale: String,
    },
    /// Schedule a timelocked change (owner); it can be applied after the delay.
    Schedule {
        #[command(subcommand)]
        change: Change,
    },
    /// Apply a scheduled change once its delay has passed (owner).
    Apply {
        #[command(subcommand)]
        change: Change,
    },
    /// Drop a scheduled change (owner).
    Cancel {
        #[command(subcommand)]
        change: Change,
    },
    /// Dismiss a resolver at once (owner).
    RemoveResolver { account: Address },
    /// Stop new reports at once; disputes, claims and withdrawals go on (owner).
    PauseSubmissions,
    /// Accept the ownership of the registry or the guard proposed to the sender.
    AcceptOwnership {
        #[arg(value_enum)]
        contract: Contract,
    },
    /// The parameters of a rules version (the current one by default).
    Params { version: Option<u32> },
    /// The treasury and the registry's books.
    Treasury,
    /// Open disputes, oldest first, with their deadlines and both sides' evidence.
    Disputes,
}

/// A timelocked change of the registry or (the `guard-` ones) of the guard, each behind its own
/// contract's timelock.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum Change {
    /// A new parameter set: a TOML file of the fields (as the deploy config's [params]).
    Params { file: PathBuf },
    /// Appoint a resolver.
    AddResolver { account: Address },
    /// Pay the whole treasury to an address.
    Sweep { to: Address },
    /// Re-link the registry's feed to another guard (zero unlinks).
    SetGuard { guard: Address },
    /// Let reports in again after `pause-submissions`.
    ResumeSubmissions,
    /// Propose a new owner, who must accept.
    TransferOwnership { owner: Address },
    /// Point the guard's feed at another registry (zero cuts it off).
    GuardRegistry { registry: Address },
    /// The guardians' bounds: the longest pause and the wait after a pause episode.
    GuardPauseBounds {
        /// Seconds, or a number and s, m, h or d; 0 disables guardian pauses.
        max_pause: String,
        cooldown: String,
    },
    /// The guard's timelock delay for calls scheduled from then on.
    GuardDelay { delay: String },
    /// Propose a new owner of the guard, who must accept.
    GuardTransferOwnership { owner: Address },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Contract {
    Registry,
    Guard,
}

#[derive(Debug)]
pub enum Outcome {
    Done(Done),
    /// A read: its JSON, and its lines for people.
    Read(serde_json::Value, Vec<String>),
}

impl Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Outcome::Done(done) => done.serialize(s),
            Outcome::Read(json, _) => json.serialize(s),
        }
    }
}

impl Outcome {
    pub fn lines(&self) -> Vec<String> {
        match self {
            Outcome::Done(done) => done.lines(),
            Outcome::Read(_, lines) => lines.clone(),
        }
    }
}

pub async fn run(vigil: &Vigil, via: &Via, command: Command) -> Result<Outcome, Error> {
    let registry = vigil.registry;
    let to_registry = |data: Vec<u8>| Call::new(registry, data);
    let (what, sender, calls) = match command {
        Command::Resolve {
            flag,
            uphold,
            reject: _,
            rationale,
        } => {
            let flag_id = flag_id(vigil, &flag).await?;
            let data = R::resolveCall {
                flagId: flag_id,
                upheld: uphold,
                rationale: parse::text_hash(&rationale),
            }
            .abi_encode();
            (
                "resolve",
                resolver(vigil, via).await?,
                vec![to_registry(data)],
            )
        }
        Command::Confirm {
            subject,
            labels,
            rationale,
        } => {
            let data = R::emergencyConfirmCall {
                subject: subject::parse(&subject)?,
                category: labels.category as u8,
                severity: labels.severity as u8,
                ttl: parse::duration(&labels.ttl)?,
                rationale: parse::text_hash(&rationale),
            }
            .abi_encode();
            (
                "emergency confirm",
                resolver(vigil, via).await?,
                vec![to_registry(data)],
            )
        }
        Command::Remove { subject, rationale } => {
            let data = R::emergencyRemoveCall {
                subject: subject::parse(&subject)?,
                rationale: parse::text_hash(&rationale),
            }
            .abi_encode();
            (
                "emergency remove",
                resolver(vigil, via).await?,
                vec![to_registry(data)],
            )
        }
        // Both contracts' timelocks have the same schedule, execute and cancel.
        Command::Schedule { change } => {
            let (contract, data) = change.call()?;
            let data = R::scheduleCall { data: data.into() }.abi_encode();
            timelocked(vigil, via, "schedule", contract, data).await?
        }
        Command::Apply { change } => {
            let (contract, data) = change.call()?;
            let data = R::executeCall { data: data.into() }.abi_encode();
            timelocked(vigil, via, "apply", contract, data).await?
        }
        Command::Cancel { change } => {
            let (contract, data) = change.call()?;
            let data = R::cancelCall {
                id: keccak256(data),
            }
            .abi_encode();
            timelocked(vigil, via, "cancel", contract, data).await?
        }
        Command::RemoveResolver { account } => {
            let data = R::setResolverCall {
                account,
                enabled: false,
            }
            .abi_encode();
            (
                "remove resolver",
                owner(vigil, via).await?,
                vec![to_registry(data)],
            )
        }
        Command::PauseSubmissions => {
            let data = R::setSubmissionsPausedCall { paused: true }.abi_encode();
            (
                "pause submissions",
                owner(vigil, via).await?,
                vec![to_registry(data)],
            )
        }
        Command::AcceptOwnership { contract } => {
            let (to, pending) = match contract {
                Contract::Registry => {
                    let config = vigil.chain.read(registry, R::configCall {}).await?;
                    (registry, config.pendingOwner)
                }
                Contract::Guard => {
                    let config = vigil.chain.read(vigil.guard, G::guardConfigCall {}).await?;
                    (vigil.guard, config.pendingOwner)
                }
            };
            let sender = via.sender.unwrap_or(if via.safe.is_some() {
                pending
            } else {
                vigil.chain.from
            });
            let call = Call::new(to, R::acceptOwnershipCall {}.abi_encode());
            ("accept ownership", sender, vec![call])
        }
        Command::Params { version } => return params(vigil, version).await,
        Command::Treasury => return treasury(vigil).await,
        Command::Disputes => return disputes(vigil).await,
    };
    send::apply(vigil, via, what, sender, calls)
        .await
        .map(Outcome::Done)
}

impl Change {
    /// The contract whose timelock holds the change, and the call it runs.
    fn call(&self) -> Result<(Contract, Vec<u8>), Error> {
        let registry = |data: Vec<u8>| Ok((Contract::Registry, data));
        let guard = |data: Vec<u8>| Ok((Contract::Guard, data));
        match self {
            Change::Params { file } => registry(
                R::setParamsCall {
                    params: read_params(file)?.to_abi(),
                }
                .abi_encode(),
            ),
            Change::AddResolver { account } => registry(
                R::setResolverCall {
                    account: *account,
                    enabled: true,
                }
                .abi_encode(),
            ),
            Change::Sweep { to } => registry(R::sweepTreasuryCall { to: *to }.abi_encode()),
            Change::SetGuard { guard } => registry(R::setGuardCall { guard: *guard }.abi_encode()),
            Change::ResumeSubmissions => {
                registry(R::setSubmissionsPausedCall { paused: false }.abi_encode())
            }
            Change::TransferOwnership { owner } => {
                registry(R::transferOwnershipCall { newOwner: *owner }.abi_encode())
            }
            Change::GuardRegistry { registry } => guard(
                G::setRegistryCall {
                    registry: *registry,
                }
                .abi_encode(),
            ),
            Change::GuardPauseBounds {
                max_pause,
                cooldown,
            } => guard(
                G::setPauseBoundsCall {
                    maxPauseDuration: seconds_u32(max_pause)?,
                    pauseCooldown: seconds_u32(cooldown)?,
                }
                .abi_encode(),
            ),
            Change::GuardDelay { delay } => guard(
                G::setDelayCall {
                    delay: parse::duration(delay)?,
                }
                .abi_encode(),
            ),
            Change::GuardTransferOwnership { owner } => {
                guard(G::transferOwnershipCall { newOwner: *owner }.abi_encode())
            }
        }
    }
}

/// A duration the guard stores in 32 bits.
fn seconds_u32(text: &str) -> Result<u32, Error> {
    u32::try_from(parse::duration(text)?).map_err(|_| Error::BadArgument {
        what: format!("`{text}` is too long"),
        message: "the guard's pause bounds hold at most 2^32 - 1 seconds".into(),
    })
}

/// A call to `contract`'s timelock, sent or batched for that contract's owner.
async fn timelocked(
    vigil: &Vigil,
    via: &Via,
    what: &'static str,
    contract: Contract,
    data: Vec<u8>,
) -> Result<(&'static str, Address, Vec<Call>), Error> {
    let (to, sender) = match contract {
        Contract::Registry => (vigil.registry, owner(vigil, via).await?),
        Contract::Guard => {
            let sender = match (via.sender, &via.safe) {
                (Some(sender), _) => sender,
                (None, Some(_)) => {
                    vigil
                        .chain
                        .read(vigil.guard, G::guardConfigCall {})
                        .await?
                        .owner
                }
                (None, None) => vigil.chain.from,
            };
            (vigil.guard, sender)
        }
    };
    Ok((what, sender, vec![Call::new(to, data)]))
}

/// A parameter file: the fields at the top level, or under `[params]` as in a deploy config.
fn read_params(path: &PathBuf) -> Result<ParamsFile, Error> {
    #[derive(serde::Deserialize)]
    struct Wrapped {
        params: ParamsFile,
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadConfig {
        path: path.clone(),
        source,
    })?;
    toml::from_str::<ParamsFile>(&text)
        .or_else(|top| {
            toml::from_str::<Wrapped>(&text)
                .map(|w| w.params)
                .map_err(|_| top)
        })
        .map_err(|e| Error::BadConfig {
            path: path.clone(),
            message: e.to_string(),
        })
}

/// Who holds the registry's owner powers: the batch is written for, and simulated from, it.
async fn owner(vigil: &Vigil, via: &Via) -> Result<Address, Error> {
    if let Some(sender) = via.sender {
        return Ok(sender);
    }
    if via.safe.is_none() {
        return Ok(vigil.chain.from);
    }
    Ok(vigil
        .chain
        .read(vigil.registry, R::configCall {})
        .await?
        .owner)
}

/// Who decides: `--sender`, or for a batch the registry's owner when it is a resolver.
async fn resolver(vigil: &Vigil, via: &Via) -> Result<Address, Error> {
    if let Some(sender) = via.sender {
        return Ok(sender);
    }
    if via.safe.is_none() {
        return Ok(vigil.chain.from);
    }
    let owner = owner(vigil, via).await?;
    let is_resolver = vigil
        .chain
        .read(vigil.registry, R::isResolverCall { account: owner })
        .await?;
    if is_resolver {
        Ok(owner)
    } else {
        Err(Error::BadArgument {
            what: "which resolver sends this batch".into(),
            message: format!(
                "the registry's owner {owner} is not a resolver: name the resolver's Safe with --sender"
            ),
        })
    }
}

async fn params(vigil: &Vigil, version: Option<u32>) -> Result<Outcome, Error> {
    let version = match version {
        Some(v) => v,
        None => {
            vigil
                .chain
                .read(vigil.registry, R::configCall {})
                .await?
                .paramsVersion
        }
    };
    let p = vigil
        .chain
        .read(vigil.registry, R::paramsAtCall { version })
        .await?;
    let fields: [(&str, String); 16] = [
        ("minStake", p.minStake.to_string()),
        ("stakeCap", p.stakeCap.to_string()),
        ("stakeWarmup", p.stakeWarmup.to_string()),
        ("unbondingDelay", p.unbondingDelay.to_string()),
        ("slashBps", p.slashBps.to_string()),
        ("disputeBond", p.disputeBond.to_string()),
        ("watchScore", p.watchScore.to_string()),
        ("confirmScore", p.confirmScore.to_string()),
        ("minReporters", p.minReporters.to_string()),
        ("maxReporters", p.maxReporters.to_string()),
        ("maxTtl", p.maxTtl.to_string()),
        ("victimShareBps", p.victimShareBps.to_string()),
        ("disputerShareBps", p.disputerShareBps.to_string()),
        ("disputeWindow", p.disputeWindow.to_string()),
        ("disputeDeadline", p.disputeDeadline.to_string()),
        ("paramsDelay", p.paramsDelay.to_string()),
    ];
    let mut json = serde_json::Map::new();
    json.insert("version".into(), version.into());
    let mut lines = vec![format!(
        "rules version {version} (amounts in wei, durations in seconds)"
    )];
    for (name, value) in fields {
        lines.push(format!("  {name:<17} {value}"));
        json.insert(name.into(), value.into());
    }
    Ok(Outcome::Read(json.into(), lines))
}

async fn treasury(vigil: &Vigil) -> Result<Outcome, Error> {
    let books = vigil
        .chain
        .read(vigil.registry, R::accountingCall {})
        .await?;
    let balance = vigil.chain.balance(vigil.registry).await?;
    let sum = [
        books.stakes,
        books.disputeBonds,
        books.claimable,
        books.treasury,
    ]
    .into_iter()
    .try_fold(U256::ZERO, U256::checked_add);
    let holds = sum == Some(balance);
    let lines = vec![
        format!(
            "treasury        {} (sweep it with `vigil gov schedule sweep <to>`)",
            ether(books.treasury)
        ),
        format!("stakes          {}", ether(books.stakes)),
        format!("dispute bonds   {}", ether(books.disputeBonds)),
        format!("claimable       {}", ether(books.claimable)),
        format!(
            "balance         {}: {}",
            ether(balance),
            if holds {
                "equal to the four books, as it must be"
            } else {
                "NOT the sum of the four books: run `vigil doctor` and report it"
            }
        ),
    ];
    let json = serde_json::json!({
        "treasury": books.treasury.to_string(),
        "stakes": books.stakes.to_string(),
        "disputeBonds": books.disputeBonds.to_string(),
        "claimable": books.claimable.to_string(),
        "balance": balance.to_string(),
        "invariantHolds": holds,
    });
    Ok(Outcome::Read(json, lines))
}

/// One open dispute.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenDispute {
    flag_id: u32,
    subject: String,
    disputer: Address,
    bond: String,
    disputed_at: u64,
    deadline: u64,
    flag_evidence: String,
    dispute_evidence: String,
}

async fn disputes(vigil: &Vigil) -> Result<Outcome, Error> {
    let now = vigil.chain.now().await?;
    let logs = vigil
        .chain
        .logs::<R::Disputed>(vigil.registry, vigil.from_block(), None)
        .await?;
    let mut open = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for disputed in logs.iter().rev() {
        if !seen.insert(disputed.flagId) {
            continue;
        }
        let flag_id = disputed.flagId;
        let info = vigil
            .chain
            .read(vigil.registry, R::flagInfoCall { flagId: flag_id })
            .await?;
        if info.disputer.is_zero() || info.settled && info.disputedAt == 0 {
            continue;
        }
        let rules = vigil
            .chain
            .read(
                vigil.registry,
                R::paramsAtCall {
                    version: info.rulesVersion,
                },
            )
            .await?;
        let evidence = logs
            .iter()
            .rev()
            .find(|d| d.flagId == flag_id && d.disputer == info.disputer)
            .map_or(disputed.evidence, |d| d.evidence);
        open.push(OpenDispute {
            flag_id,
            subject: subject::describe(info.subject),
            disputer: info.disputer,
            bond: info.disputeBond.to_string(),
            disputed_at: info.disputedAt,
            deadline: info.disputedAt.saturating_add(rules.disputeDeadline),
            flag_evidence: info.evidence.to_string(),
            dispute_evidence: evidence.to_string(),
        });
    }
    open.sort_by_key(|d| (d.disputed_at, d.flag_id));
    let mut lines = vec![match open.len() {
        0 => "no open disputes".to_string(),
        n => format!("{n} open dispute(s), oldest first:"),
    }];
    for d in &open {
        let left = match d.deadline.checked_sub(now) {
            Some(0) | None => "past: anyone may lapse it, refunding the bond".to_string(),
            Some(s) => format!("in {}h{:02}m", s / 3600, s % 3600 / 60),
        };
        lines.push(format!(
            "  flag #{} {}: disputed by {} with a bond of {}; resolvers' deadline unix {} ({left})",
            d.flag_id,
            d.subject,
            d.disputer,
            d.bond.parse().map_or_else(|_| d.bond.clone(), ether),
            d.deadline
        ));
        lines.push(format!(
            "    reporters' evidence {}, disputer's evidence {}",
            d.flag_evidence, d.dispute_evidence
        ));
        lines.push(format!(
            "    decide: vigil gov resolve '#{}' --uphold|--reject --rationale <why> [--safe batch.json]",
            d.flag_id
        ));
    }
    let json = serde_json::to_value(&open).map_err(|e| Error::BadArgument {
        what: "the dispute queue".into(),
        message: e.to_string(),
    })?;
    Ok(Outcome::Read(json, lines))
}
