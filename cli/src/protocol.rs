//! `vigil protocol`: what a protocol's admin (often a Safe) and its guardians do at the guard,
//! and the policy anyone can read. Writes are sent by the key or, with `--safe FILE`, batched for
//! the protocol's admin as the guard records it.

use crate::abi::ICircuitGuard as G;
use crate::call::Call;
use crate::context::Vigil;
use crate::parse;
use crate::send::{self, Done, Via};
use crate::subject;
use crate::Error;
use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::SolCall;
use serde::Serialize;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Register the sending account as a protocol administered by `admin`. Contracts register
    /// themselves in their constructor (Guarded.sol does); this is for an account that calls
    /// the guard itself.
    Register {
        #[arg(long)]
        admin: Address,
    },
    /// The protocol's policy: screening, pauses, and each configured selector's rate limit, tags
    /// and pause.
    Show { protocol: Address },
    /// Who is blocked: `confirmed`, `watch` (watch and above) or `off`, for the whole protocol
    /// or one selector.
    Screening {
        protocol: Address,
        #[arg(value_enum)]
        mode: Mode,
        /// One function (a signature like withdraw(uint256), or 0x and 8 hex digits).
        #[arg(long)]
        selector: Option<String>,
        /// Also screen each caller's runtime code hash (callers with code).
        #[arg(long)]
        code: bool,
        /// Also screen tx.origin.
        #[arg(long)]
        origin: bool,
    },
    /// A selector's token bucket on the amounts it moves, or `--off` to remove it.
    RateLimit {
        protocol: Address,
        selector: String,
        #[arg(long, required_unless_present = "off")]
        capacity: Option<String>,
        #[arg(long, required_unless_present = "off")]
        refill_per_second: Option<String>,
        /// Trip the breaker when a charge leaves the bucket at or below this level.
        #[arg(long, default_value = "0")]
        trip: String,
        /// Re-open a tripped selector once the bucket is back at this level (0: no breaker).
        #[arg(long, default_value = "0")]
        rearm: String,
        #[arg(long, conflicts_with_all = ["capacity", "refill_per_second"])]
        off: bool,
    },
    /// Pause a selector while any of these advisories (at most four) is confirmed; none clears.
    Tags {
        protocol: Address,
        selector: String,
        /// advisory:<name> or advisory:0x<id>.
        advisories: Vec<String>,
    },
    /// Appoint (or with --remove dismiss) a guardian, who may only pause.
    Guardian {
        protocol: Address,
        guardian: Address,
        #[arg(long)]
        remove: bool,
    },
    /// Pause the protocol, or one selector, for a duration (admin, or a guardian within bounds).
    Pause {
        protocol: Address,
        #[arg(long)]
        selector: Option<String>,
        /// Seconds, or a number and s, m, h or d.
        #[arg(long = "for")]
        duration: String,
    },
    /// Lift the protocol's pause, or one selector's pause or trip (admin).
    Unpause {
        protocol: Address,
        #[arg(long)]
        selector: Option<String>,
    },
    /// Hand the protocol to a new admin, in one step.
    SetAdmin { protocol: Address, admin: Address },
    /// Drop a selector's own policy so it follows the protocol's.
    RemovePolicy { protocol: Address, selector: String },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Mode {
    Confirmed,
    Watch,
    Off,
}

/// Screening's stored value (design §5.4): the level mode, plus 4 for code-hash screening.
fn screening(mode: Mode, code: bool) -> Result<u8, Error> {
    let level = match mode {
        Mode::Confirmed => 0,
        Mode::Watch => 1,
        Mode::Off if code => {
            return Err(Error::BadArgument {
                what: "--code with screening off".into(),
                message: "screening the code of callers no level blocks would block nothing".into(),
            })
        }
        Mode::Off => 2,
    };
    Ok(level | if code { 4 } else { 0 })
}

fn mode_name(value: u8) -> String {
    let level = match value & 3 {
        0 => "confirmed",
        1 => "watch and above",
        2 => "off",
        _ => "unknown",
    };
    if value & 4 != 0 {
        format!("{level}, with code hashes")
    } else {
        level.to_string()
    }
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    Done(Done),
    Policy(Policy),
}

impl Outcome {
    pub fn lines(&self) -> Vec<String> {
        match self {
            Outcome::Done(done) => done.lines(),
            Outcome::Policy(p) => p.lines(),
        }
    }
}

pub async fn run(vigil: &Vigil, via: &Via, command: Command) -> Result<Outcome, Error> {
    let guard = vigil.guard;
    let call = |data: Vec<u8>| Call::new(guard, data);
    let (what, protocol, data) = match command {
        Command::Show { protocol } => return policy(vigil, protocol).await.map(Outcome::Policy),
        Command::Register { admin } => {
            let data = G::registerProtocolCall { admin }.abi_encode();
            let sender = via.sender.unwrap_or(vigil.chain.from);
            let done = send::apply(vigil, via, "register", sender, vec![call(data)]).await?;
            return Ok(Outcome::Done(done));
        }
        Command::Screening {
            protocol,
            mode,
            selector,
            code,
            origin,
        } => {
            let mode = screening(mode, code)?;
            let data = match selector {
                None => G::setProtocolScreeningCall {
                    protocol,
                    mode,
                    screenOrigin: origin,
                }
                .abi_encode(),
                Some(selector) => G::setScreeningCall {
                    protocol,
                    selector: parse::selector(&selector)?,
                    mode,
                    screenOrigin: origin,
                }
                .abi_encode(),
            };
            ("set screening", protocol, data)
        }
        Command::RateLimit {
            protocol,
            selector,
            capacity,
            refill_per_second,
            trip,
            rearm,
            off,
        } => {
            let amount = |text: Option<String>| text.map_or(Ok(U256::ZERO), |t| parse::amount(&t));
            let data = G::setRateLimitCall {
                protocol,
                selector: parse::selector(&selector)?,
                enabled: !off,
                capacity: amount(capacity)?,
                refillPerSecond: amount(refill_per_second)?,
                tripLevel: parse::amount(&trip)?,
                rearmLevel: parse::amount(&rearm)?,
            }
            .abi_encode();
            ("set rate limit", protocol, data)
        }
        Command::Tags {
            protocol,
            selector,
            advisories,
        } => {
            let tags = advisories
                .iter()
                .map(|a| advisory(a))
                .collect::<Result<Vec<_>, _>>()?;
            let data = G::setAdvisoryTagsCall {
                protocol,
                selector: parse::selector(&selector)?,
                tags,
            }
            .abi_encode();
            ("set advisory tags", protocol, data)
        }
        Command::Guardian {
            protocol,
            guardian,
            remove,
        } => {
            let data = G::setGuardianCall {
                protocol,
                guardian,
                enabled: !remove,
            }
            .abi_encode();
            ("set guardian", protocol, data)
        }
        Command::Pause {
            protocol,
            selector,
            duration,
        } => {
            let duration = parse::duration(&duration)?;
            let data = match selector {
                None => G::pauseProtocolCall { protocol, duration }.abi_encode(),
                Some(s) => G::pauseSelectorCall {
                    protocol,
                    selector: parse::selector(&s)?,
                    duration,
                }
                .abi_encode(),
            };
            ("pause", protocol, data)
        }
        Command::Unpause { protocol, selector } => {
            let data = match selector {
                None => G::unpauseProtocolCall { protocol }.abi_encode(),
                Some(s) => G::unpauseSelectorCall {
                    protocol,
                    selector: parse::selector(&s)?,
                }
                .abi_encode(),
            };
            ("unpause", protocol, data)
        }
        Command::SetAdmin { protocol, admin } => (
            "set admin",
            protocol,
            G::setAdminCall { protocol, admin }.abi_encode(),
        ),
        Command::RemovePolicy { protocol, selector } => (
            "remove policy",
            protocol,
            G::removePolicyCall {
                protocol,
                selector: parse::selector(&selector)?,
            }
            .abi_encode(),
        ),
    };
    let sender = match (via.sender, &via.safe) {
        (Some(sender), _) => sender,
        (None, Some(_)) => info(vigil, protocol).await?.admin,
        (None, None) => vigil.chain.from,
    };
    send::apply(vigil, via, what, sender, vec![call(data)])
        .await
        .map(Outcome::Done)
}

/// An advisory tag: only advisory subjects pause selectors (the guard refuses others).
fn advisory(text: &str) -> Result<FixedBytes<32>, Error> {
    let tag = subject::parse(text)?;
    match subject::kind(tag) {
        Some(subject::Kind::Advisory) => Ok(tag),
        _ => Err(Error::BadArgument {
            what: format!("`{text}` is not an advisory"),
            message: "tags are advisories: write advisory:<name> or advisory:0x<id>".into(),
        }),
    }
}

async fn info(vigil: &Vigil, protocol: Address) -> Result<G::ProtocolInfo, Error> {
    let info = vigil
        .chain
        .read(vigil.guard, G::protocolInfoCall { protocol })
        .await?;
    if !info.registered {
        return Err(Error::BadArgument {
            what: format!("{protocol} is not a protocol at the guard {}", vigil.guard),
            message: "a protocol registers itself (Guarded.sol's constructor does)".into(),
        });
    }
    Ok(info)
}

/// A protocol's policy as the guard stores it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub protocol: Address,
    pub admin: Address,
    pub screening: String,
    pub screen_origin: bool,
    pub paused_until: u64,
    pub guardian_pause_end: u64,
    pub now: u64,
    pub selectors: Vec<SelectorView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectorView {
    pub selector: FixedBytes<4>,
    pub screening: String,
    pub screen_origin: bool,
    pub paused_until: u64,
    pub rate_limit: Option<Bucket>,
    pub tags: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    pub capacity: String,
    pub available: String,
    pub refill_per_second: String,
    pub trip_level: String,
    pub rearm_level: String,
    pub tripped: bool,
}

impl Policy {
    pub fn lines(&self) -> Vec<String> {
        let pause = |until: u64| {
            if until > self.now {
                format!("paused until {until} (in {} s)", until - self.now)
            } else {
                "open".to_string()
            }
        };
        let mut lines = vec![
            format!("protocol {} (admin {})", self.protocol, self.admin),
            format!(
                "  screening {}{}; {}",
                self.screening,
                if self.screen_origin {
                    ", tx.origin too"
                } else {
                    ""
                },
                pause(self.paused_until)
            ),
        ];
        if self.selectors.is_empty() {
            lines.push("  no selector has a policy of its own".into());
        }
        for s in &self.selectors {
            lines.push(format!(
                "  {}: screening {}{}; {}",
                s.selector,
                s.screening,
                if s.screen_origin {
                    ", tx.origin too"
                } else {
                    ""
                },
                pause(s.paused_until)
            ));
            if let Some(b) = &s.rate_limit {
                lines.push(format!(
                    "    rate limit: {} of {} available, +{}/s; trips at {}, re-arms at {}{}",
                    b.available,
                    b.capacity,
                    b.refill_per_second,
                    b.trip_level,
                    b.rearm_level,
                    if b.tripped { "; TRIPPED" } else { "" }
                ));
            }
            for tag in &s.tags {
                lines.push(format!("    paused while {tag} is confirmed"));
            }
        }
        lines
    }
}

pub async fn policy(vigil: &Vigil, protocol: Address) -> Result<Policy, Error> {
    let guard = vigil.guard;
    let chain = &vigil.chain;
    let info = info(vigil, protocol).await?;
    let configured = chain
        .read(guard, G::configuredSelectorsCall { protocol })
        .await?;
    let mut selectors = Vec::with_capacity(configured.len());
    for selector in configured {
        let policy = chain
            .read(guard, G::selectorPolicyCall { protocol, selector })
            .await?;
        let limit = chain
            .read(guard, G::rateLimitCall { protocol, selector })
            .await?;
        let tags = chain
            .read(guard, G::advisoryTagsCall { protocol, selector })
            .await?;
        selectors.push(SelectorView {
            selector,
            screening: mode_name(policy.screening),
            screen_origin: policy.screenOrigin,
            paused_until: policy.pausedUntil.max(policy.protocolPausedUntil),
            rate_limit: (!limit.capacity.is_zero()).then(|| Bucket {
                capacity: limit.capacity.to_string(),
                available: limit.available.to_string(),
                refill_per_second: limit.refillPerSecond.to_string(),
                trip_level: limit.tripLevel.to_string(),
                rearm_level: limit.rearmLevel.to_string(),
                tripped: limit.tripped,
            }),
            tags: tags.into_iter().map(subject::describe).collect(),
        });
    }
    Ok(Policy {
        protocol,
        admin: info.admin,
        screening: mode_name(info.screening),
        screen_origin: info.screenOrigin,
        paused_until: info.pausedUntil,
        guardian_pause_end: info.guardianPauseEnd,
        now: chain.now().await?,
        selectors,
    })
}
