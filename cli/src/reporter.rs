//! `vigil reporter`: what a staked reporter does. Each command is one registry call, simulated
//! from the reporter's key first, so an insufficient stake or a flag in the wrong state is
//! explained before anything is sent.

use crate::abi::IThreatRegistry as R;
use crate::call::Call;
use crate::context::Vigil;
use crate::explain::ether;
use crate::parse::{self, Evidence};
use crate::send::{self, Done, Via};
use crate::subject;
use crate::Error;
use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use serde::Serialize;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Add ETH to your stake; it counts after the warm-up.
    Stake {
        /// For example `2 ether`.
        amount: String,
    },
    /// Start unbonding free stake; withdraw it after the unbonding delay.
    Unstake { amount: String },
    /// Pay out the stake whose unbonding ended.
    Withdraw,
    /// Pay out what disputes and slashes credited you.
    Claim,
    /// Flag a subject (a live flag on it is corroborated instead); locks your warm stake up to
    /// the cap.
    Submit {
        /// An address, code:<hash> or advisory:<name>.
        subject: String,
        #[command(flatten)]
        labels: Labels,
        /// A file or http(s) URL (hashed with keccak256), or the hash itself. For an advisory,
        /// the details file: the hash commits to them, `reveal` publishes them later.
        #[arg(long)]
        evidence: String,
    },
    /// Add your weight to a subject's live flag.
    Corroborate {
        subject: String,
        /// Raise the flag's severity; without it the severity stays.
        #[arg(long, value_enum)]
        severity: Option<Severity>,
        #[arg(long)]
        evidence: String,
    },
    /// Push your flag's expiry to now + its ttl.
    Renew { subject: String },
    /// Publish an advisory's details, whose hash the flag's evidence committed to.
    Reveal { subject: String, details: String },
    /// Unlock the stake of an ended, undisputed flag after its dispute window.
    Release {
        /// A subject (its latest flag) or a flag id as #N.
        flag: String,
    },
    /// Dispute a flag, posting the bond its rules set.
    Dispute {
        flag: String,
        #[arg(long)]
        evidence: String,
    },
    /// A reporter's stake, locks, reputation, weight and claimable ETH.
    Position {
        /// Defaults to the key's own address.
        reporter: Option<Address>,
    },
}

/// What a flag says of its subject, and how long it lives.
#[derive(clap::Args, Debug)]
pub struct Labels {
    #[arg(long, value_enum)]
    pub category: Category,
    #[arg(long, value_enum)]
    pub severity: Severity,
    /// How long the flag lives: seconds, or a number and s, m, h or d.
    #[arg(long, default_value = "30d")]
    pub ttl: String,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Category {
    Exploit = 1,
    Phishing = 2,
    Sanctions = 3,
    CompromisedKey = 4,
    VulnerableCode = 5,
    Scam = 6,
    Other = 7,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Severity {
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// A reporter's account at the registry.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    pub reporter: Address,
    pub stake: String,
    pub locked: String,
    pub warming: String,
    pub warm_at: u64,
    pub unbonding: String,
    pub unbond_at: u64,
    pub reputation: u32,
    pub weight: String,
    pub claimable: String,
}

impl Position {
    pub fn lines(&self) -> Vec<String> {
        let eth = |wei: &str| wei.parse().map_or_else(|_| format!("{wei} wei"), ether);
        vec![
            format!("reporter   {}", self.reporter),
            format!("stake      {}", eth(&self.stake)),
            format!(
                "locked     {} (behind unsettled reports)",
                eth(&self.locked)
            ),
            format!(
                "warming    {} (counts from unix {})",
                eth(&self.warming),
                self.warm_at
            ),
            format!(
                "unbonding  {} (withdrawable from unix {})",
                eth(&self.unbonding),
                self.unbond_at
            ),
            format!("reputation {} / 1000", self.reputation),
            format!(
                "weight     {} (what your next report adds)",
                eth(&self.weight)
            ),
            format!("claimable  {}", eth(&self.claimable)),
        ]
    }
}

/// What a reporter command did.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    Done(Done),
    Position(Position),
    /// A report and where its evidence hash came from.
    Reported {
        #[serde(flatten)]
        done: Done,
        subject: B256,
        evidence: B256,
        evidence_source: Option<String>,
    },
}

impl Outcome {
    pub fn lines(&self) -> Vec<String> {
        match self {
            Outcome::Done(done) => done.lines(),
            Outcome::Position(p) => p.lines(),
            Outcome::Reported {
                done,
                subject,
                evidence,
                evidence_source,
            } => {
                let mut lines = done.lines();
                lines.push(format!("  subject  {}", subject::describe(*subject)));
                lines.push(match evidence_source {
                    Some(source) => format!("  evidence {evidence} (keccak256 of {source})"),
                    None => format!("  evidence {evidence}"),
                });
                if matches!(subject::kind(*subject), Some(subject::Kind::Advisory)) {
                    lines.push(
                        "  the details stay private until `vigil reporter reveal <subject> <file>`"
                            .into(),
                    );
                }
                lines
            }
        }
    }
}

pub async fn run(vigil: &Vigil, via: &Via, command: Command) -> Result<Outcome, Error> {
    let me = vigil.chain.from;
    let registry = vigil.registry;
    let call = |data: Vec<u8>, value: U256| Call {
        to: registry,
        value,
        data: Bytes::from(data),
    };
    let (what, calls) = match command {
        Command::Position { reporter } => {
            return position(vigil, reporter.unwrap_or(me))
                .await
                .map(Outcome::Position)
        }
        Command::Stake { amount } => {
            let amount = parse::amount(&amount)?;
            ("stake", vec![call(R::stakeCall {}.abi_encode(), amount)])
        }
        Command::Unstake { amount } => {
            let amount = parse::amount(&amount)?;
            (
                "request unstake",
                vec![call(
                    R::requestUnstakeCall { amount }.abi_encode(),
                    U256::ZERO,
                )],
            )
        }
        Command::Withdraw => (
            "withdraw",
            vec![call(R::withdrawCall {}.abi_encode(), U256::ZERO)],
        ),
        Command::Claim => (
            "claim",
            vec![call(R::claimCall {}.abi_encode(), U256::ZERO)],
        ),
        Command::Submit {
            subject,
            labels,
            evidence,
        } => {
            let subject = subject::parse(&subject)?;
            let ttl = parse::duration(&labels.ttl)?;
            let evidence = parse::evidence(&evidence).await?;
            let data = R::submitCall {
                subject,
                category: labels.category as u8,
                severity: labels.severity as u8,
                evidence: evidence.hash,
                ttl,
            }
            .abi_encode();
            return reported(
                vigil,
                via,
                "submit",
                subject,
                evidence,
                call(data, U256::ZERO),
            )
            .await;
        }
        Command::Corroborate {
            subject,
            severity,
            evidence,
        } => {
            let subject = subject::parse(&subject)?;
            let evidence = parse::evidence(&evidence).await?;
            let data = R::corroborateCall {
                subject,
                severity: severity.map_or(0, |s| s as u8),
                evidence: evidence.hash,
            }
            .abi_encode();
            let call = call(data, U256::ZERO);
            return reported(vigil, via, "corroborate", subject, evidence, call).await;
        }
        Command::Renew { subject } => {
            let subject = subject::parse(&subject)?;
            (
                "renew",
                vec![call(R::renewCall { subject }.abi_encode(), U256::ZERO)],
            )
        }
        Command::Reveal { subject, details } => {
            let subject = subject::parse(&subject)?;
            let details = std::fs::read(&details).map_err(|e| Error::BadArgument {
                what: format!("the details file {details}"),
                message: e.to_string(),
            })?;
            let data = R::revealCall {
                subject,
                details: details.into(),
            }
            .abi_encode();
            ("reveal", vec![call(data, U256::ZERO)])
        }
        Command::Release { flag } => {
            let flag_id = flag_id(vigil, &flag).await?;
            (
                "release",
                vec![call(
                    R::releaseCall { flagId: flag_id }.abi_encode(),
                    U256::ZERO,
                )],
            )
        }
        Command::Dispute { flag, evidence } => {
            let flag_id = flag_id(vigil, &flag).await?;
            let evidence = parse::evidence(&evidence).await?;
            let info = vigil
                .chain
                .read(registry, R::flagInfoCall { flagId: flag_id })
                .await?;
            let rules = vigil
                .chain
                .read(
                    registry,
                    R::paramsAtCall {
                        version: info.rulesVersion,
                    },
                )
                .await?;
            let data = R::disputeCall {
                flagId: flag_id,
                evidence: evidence.hash,
            }
            .abi_encode();
            let call = call(data, rules.disputeBond);
            return reported(vigil, via, "dispute", info.subject, evidence, call).await;
        }
    };
    send::apply(vigil, via, what, me, calls)
        .await
        .map(Outcome::Done)
}

async fn reported(
    vigil: &Vigil,
    via: &Via,
    what: &str,
    subject: B256,
    evidence: Evidence,
    call: Call,
) -> Result<Outcome, Error> {
    let done = send::apply(vigil, via, what, vigil.chain.from, vec![call]).await?;
    Ok(Outcome::Reported {
        done,
        subject,
        evidence: evidence.hash,
        evidence_source: evidence.source,
    })
}

/// `#N`, or a subject whose latest flag is meant.
pub async fn flag_id(vigil: &Vigil, text: &str) -> Result<u32, Error> {
    if let Some(id) = text.trim().strip_prefix('#') {
        return id.parse().map_err(|_| Error::BadArgument {
            what: format!("`{text}` is not a flag id"),
            message: "write # and the flag's number, or the subject".into(),
        });
    }
    let subject = subject::parse(text)?;
    let status = vigil
        .chain
        .read(vigil.registry, R::statusOfCall { subject })
        .await?;
    match status.flagId {
        0 => Err(Error::BadArgument {
            what: format!("{} has never been flagged", subject::describe(subject)),
            message: "check the subject with `vigil status`".into(),
        }),
        id => Ok(id),
    }
}

pub async fn position(vigil: &Vigil, reporter: Address) -> Result<Position, Error> {
    let info = vigil
        .chain
        .read(vigil.registry, R::reporterInfoCall { reporter })
        .await?;
    let claimable = vigil
        .chain
        .read(vigil.registry, R::claimableCall { account: reporter })
        .await?;
    Ok(Position {
        reporter,
        stake: info.stake.to_string(),
        locked: info.locked.to_string(),
        warming: info.warming.to_string(),
        warm_at: info.warmAt,
        unbonding: info.unbonding.to_string(),
        unbond_at: info.unbondAt,
        reputation: info.reputation,
        weight: info.weight.to_string(),
        claimable: claimable.to_string(),
    })
}
