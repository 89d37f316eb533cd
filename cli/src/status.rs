//! `vigil status <subject>`: what the registry and the guard say about one subject, side by side,
//! so a reporter, a victim or a protocol admin sees what is in force, on whose word, until when,
//! whether it is contested, and what the guard does about it right now.
//!
//! The guard's part is its own answer, not a prediction: for an address, `preview` of every
//! registered protocol's selectors with the address as the caller; for an advisory, the selectors
//! it pauses; for a code hash, the selectors that screen callers' code. The guard reads its own
//! copy of the status word, so that copy is compared with the registry's: a stale copy is the one
//! way the two can disagree, and `syncGuard` repairs it.

use crate::abi::{ICircuitGuard, IThreatRegistry};
use crate::chain::decode_revert;
use crate::config::Wei;
use crate::context::Vigil;
use crate::subject::{self, Kind};
use crate::Error;
use alloy_primitives::{Address, Bytes, FixedBytes, B256, U256};
use serde::Serialize;

const LEVELS: [&str; 6] = [
    "none",
    "pending",
    "watch",
    "confirmed",
    "removed",
    "expired",
];
/// Design §2.2; the registry enforces only the range 1..7.
const CATEGORIES: [&str; 8] = [
    "none",
    "exploit",
    "phishing",
    "sanctions",
    "compromised key",
    "vulnerable code",
    "scam",
    "other",
];
const SEVERITIES: [&str; 5] = ["none", "low", "medium", "high", "critical"];
const CONFIRMED: u8 = 3;
const EXPIRED: u8 = 5;
/// The guard's screening modes (design §5.4): the low bits say which levels block, bit 2 adds the
/// caller's code hash.
const SCREEN_WATCH: u8 = 1;
const SCREEN_OFF: u8 = 2;
const SCREEN_CODE: u8 = 4;
/// The selector `preview` is asked about for "any other selector": one no protocol configures in
/// practice, so the answer is the protocol's default policy.
const OTHER_SELECTOR: FixedBytes<4> = FixedBytes::ZERO;

/// One subject, as `vigil status` prints it (`--json`: this structure, amounts as wei strings).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub subject: B256,
    /// "address", "code hash" or "advisory".
    pub kind: &'static str,
    /// The subject as users write it.
    pub name: String,
    /// The level as of the latest block (0 none, 1 pending, 2 watch, 3 confirmed, 4 removed,
    /// 5 expired).
    pub level: u8,
    pub level_name: &'static str,
    pub disputed: bool,
    /// Decided by governance: no longer disputable or corroborable.
    pub finalized: bool,
    /// The latest block's time: what expiries, deadlines and time left are measured against.
    pub now: u64,
    /// The subject's current flag; None if it was never flagged.
    pub flag: Option<Flag>,
    pub guard: GuardView,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub id: u32,
    pub category: u8,
    pub category_name: &'static str,
    pub severity: u8,
    pub severity_name: &'static str,
    pub evidence: B256,
    /// The parameter version the flag is judged by (its thresholds below are that version's).
    pub rules_version: u32,
    pub created: u64,
    pub ttl: u64,
    pub expiry: u64,
    /// Seconds from `now` to the expiry; 0 once expired.
    pub seconds_left: u64,
    pub score: Wei,
    pub watch_score: Wei,
    pub confirm_score: Wei,
    pub min_reporters: u8,
    pub max_reporters: u8,
    pub reporters: Vec<Reporter>,
    pub reached_confirmed: bool,
    /// Its locks are released or slashed: nothing about it can change any more.
    pub settled: bool,
    /// The open dispute, if any.
    pub dispute: Option<Dispute>,
    /// The last second it may be disputed (its expiry plus the dispute window); None once final
    /// or settled.
    pub disputable_until: Option<u64>,
    /// Details published for an advisory (AdvisoryRevealed), oldest first.
    pub revealed: Vec<Revealed>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reporter {
    pub address: Address,
    /// What its report adds to the score.
    pub weight: Wei,
    /// Its stake locked until the flag is settled.
    pub locked: Wei,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dispute {
    pub disputer: Address,
    pub bond: Wei,
    pub disputed_at: u64,
    /// From then on anyone may lapse the dispute if no resolver decided it.
    pub deadline: u64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Revealed {
    pub reporter: Address,
    pub details: Bytes,
}

/// What the guard holds and does about the subject.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardView {
    pub guard: Address,
    /// The guard's copy of the status word (zero: never pushed).
    pub word: U256,
    /// Whether that copy says what the registry says.
    pub in_sync: bool,
    /// Address subjects: the guard's answer to this address calling each selector.
    pub verdicts: Vec<Verdict>,
    /// Advisory subjects: the selectors that carry it as a tag.
    pub tags: Vec<Tag>,
    /// Code-hash subjects: the selectors that screen their callers' runtime code.
    pub code_screens: Vec<CodeScreen>,
}

/// `preview(protocol, subject's address, selector, 0)`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub protocol: Address,
    /// None: any selector without a policy of its own (the protocol's default).
    pub selector: Option<FixedBytes<4>>,
    pub passes: bool,
    /// The revert the call would get, raw and decoded.
    pub revert_data: Option<Bytes>,
    pub revert: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub protocol: Address,
    pub selector: FixedBytes<4>,
    /// The guard's copy is confirmed and unexpired: the selector is paused now.
    pub pausing: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeScreen {
    pub protocol: Address,
    /// None: the protocol's default for selectors without a policy.
    pub selector: Option<FixedBytes<4>>,
    pub mode: u8,
    /// A caller running this code is refused now.
    pub blocks: bool,
}

/// Reads everything about `subject` from the registry and the guard.
pub async fn status(vigil: &Vigil, subject: B256) -> Result<Status, Error> {
    let kind = subject::kind(subject).ok_or_else(|| Error::BadArgument {
        what: format!("{subject} is not a subject"),
        message: "its first byte is not 01, 02 or 03, or an address subject has non-zero padding"
            .into(),
    })?;
    let chain = &vigil.chain;
    let now = chain.now().await?;
    let current = chain
        .read(vigil.registry, IThreatRegistry::statusOfCall { subject })
        .await?;
    let flag = match current.flagId {
        0 => None,
        id => Some(flag(vigil, subject, &current, id, now).await?),
    };
    let (word, in_sync) = guard_copy(vigil, subject, &current, now).await?;
    let live_level = Word::decode(word).live_level(now);
    let mut guard = GuardView {
        guard: vigil.guard,
        word,
        in_sync,
        verdicts: Vec::new(),
        tags: Vec::new(),
        code_screens: Vec::new(),
    };
    for protocol in protocols(vigil).await? {
        let selectors = chain
            .read(
                vigil.guard,
                ICircuitGuard::configuredSelectorsCall { protocol },
            )
            .await?;
        match kind {
            Kind::Address(caller) => {
                guard
                    .verdicts
                    .extend(verdicts(vigil, protocol, caller, &selectors).await?);
            }
            Kind::Advisory => {
                for &selector in &selectors {
                    let tags = chain
                        .read(
                            vigil.guard,
                            ICircuitGuard::advisoryTagsCall { protocol, selector },
                        )
                        .await?;
                    if tags.contains(&subject) {
                        guard.tags.push(Tag {
                            protocol,
                            selector,
                            pausing: live_level == CONFIRMED,
                        });
                    }
                }
            }
            Kind::CodeHash => {
                guard
                    .code_screens
                    .extend(code_screens(vigil, protocol, &selectors, live_level).await?);
            }
        }
    }
    Ok(Status {
        subject,
        kind: kind.name(),
        name: subject::describe(subject),
        level: current.level,
        level_name: name(&LEVELS, current.level),
        disputed: current.disputed,
        finalized: current.finalized,
        now,
        flag,
        guard,
    })
}

async fn flag(
    vigil: &Vigil,
    subject: B256,
    current: &IThreatRegistry::SubjectStatus,
    id: u32,
    now: u64,
) -> Result<Flag, Error> {
    let chain = &vigil.chain;
    let info = chain
        .read(vigil.registry, IThreatRegistry::flagInfoCall { flagId: id })
        .await?;
    let rules = chain
        .read(
            vigil.registry,
            IThreatRegistry::paramsAtCall {
                version: info.rulesVersion,
            },
        )
        .await?;
    let mut reporters = Vec::with_capacity(info.reporters.len());
    for &address in &info.reporters {
        let report = chain
            .read(
                vigil.registry,
                IThreatRegistry::reportOfCall {
                    flagId: id,
                    reporter: address,
                },
            )
            .await?;
        reporters.push(Reporter {
            address,
            weight: Wei(report.weight),
            locked: Wei(report.locked),
        });
    }
    let revealed = if matches!(subject::kind(subject), Some(Kind::Advisory)) {
        chain
            .logs::<IThreatRegistry::AdvisoryRevealed>(
                vigil.registry,
                vigil.from_block(),
                Some(subject),
            )
            .await?
            .into_iter()
            .filter(|e| e.flagId == id)
            .map(|e| Revealed {
                reporter: e.reporter,
                details: e.details,
            })
            .collect()
    } else {
        Vec::new()
    };
    let dispute = (info.disputer != Address::ZERO).then(|| Dispute {
        disputer: info.disputer,
        bond: Wei(info.disputeBond),
        disputed_at: info.disputedAt,
        deadline: info.disputedAt.saturating_add(rules.disputeDeadline),
    });
    Ok(Flag {
        id,
        category: current.category,
        category_name: name(&CATEGORIES, current.category),
        severity: current.severity,
        severity_name: name(&SEVERITIES, current.severity),
        evidence: info.evidence,
        rules_version: info.rulesVersion,
        created: info.created,
        ttl: info.ttl,
        expiry: current.expiry,
        seconds_left: current.expiry.saturating_sub(now),
        score: Wei(U256::from(current.score)),
        watch_score: Wei(rules.watchScore),
        confirm_score: Wei(rules.confirmScore),
        min_reporters: rules.minReporters,
        max_reporters: rules.maxReporters,
        reporters,
        reached_confirmed: info.reachedConfirmed,
        settled: info.settled,
        dispute,
        disputable_until: (!current.finalized && !info.settled)
            .then(|| current.expiry.saturating_add(rules.disputeWindow)),
        revealed,
    })
}

/// The guard's copy of `subject`'s status word, and whether it says what the registry's
/// `current` status says.
async fn guard_copy(
    vigil: &Vigil,
    subject: B256,
    current: &IThreatRegistry::SubjectStatus,
    now: u64,
) -> Result<(U256, bool), Error> {
    let word = vigil
        .chain
        .read(vigil.guard, ICircuitGuard::statusWordCall { subject })
        .await?;
    Ok((word, Word::decode(word).agrees(current, now)))
}

/// Whether the guard's copy of `subject`'s status says what the registry says now.
pub async fn guard_in_sync(vigil: &Vigil, subject: B256, now: u64) -> Result<bool, Error> {
    let current = vigil
        .chain
        .read(vigil.registry, IThreatRegistry::statusOfCall { subject })
        .await?;
    Ok(guard_copy(vigil, subject, &current, now).await?.1)
}

/// The guard's answer to `caller` calling each configured selector of `protocol`, and any other.
async fn verdicts(
    vigil: &Vigil,
    protocol: Address,
    caller: Address,
    selectors: &[FixedBytes<4>],
) -> Result<Vec<Verdict>, Error> {
    let mut asked: Vec<Option<FixedBytes<4>>> = selectors.iter().copied().map(Some).collect();
    if !selectors.contains(&OTHER_SELECTOR) {
        asked.push(None);
    }
    let mut verdicts = Vec::with_capacity(asked.len());
    for selector in asked {
        let answer = vigil
            .chain
            .read(
                vigil.guard,
                ICircuitGuard::previewCall {
                    protocol,
                    caller,
                    selector: selector.unwrap_or(OTHER_SELECTOR),
                    amount: U256::ZERO,
                },
            )
            .await?;
        let passes = answer.is_empty();
        verdicts.push(Verdict {
            protocol,
            selector,
            passes,
            revert: (!passes).then(|| decode_revert(&answer)),
            revert_data: (!passes).then_some(answer),
        });
    }
    Ok(verdicts)
}

/// The selectors of `protocol` (and its default) whose screening includes callers' code.
async fn code_screens(
    vigil: &Vigil,
    protocol: Address,
    selectors: &[FixedBytes<4>],
    live_level: u8,
) -> Result<Vec<CodeScreen>, Error> {
    let chain = &vigil.chain;
    let info = chain
        .read(vigil.guard, ICircuitGuard::protocolInfoCall { protocol })
        .await?;
    let mut modes = vec![(None, info.screening)];
    for &selector in selectors {
        let policy = chain
            .read(
                vigil.guard,
                ICircuitGuard::selectorPolicyCall { protocol, selector },
            )
            .await?;
        modes.push((Some(selector), policy.screening));
    }
    Ok(modes
        .into_iter()
        .filter(|(_, mode)| mode & SCREEN_CODE != 0)
        .map(|(selector, mode)| CodeScreen {
            protocol,
            selector,
            mode,
            blocks: blocks(mode, live_level),
        })
        .collect())
}

/// Whether screening `mode` refuses a subject at `level` (design §5.4).
fn blocks(mode: u8, level: u8) -> bool {
    match mode & !SCREEN_CODE {
        SCREEN_OFF => false,
        SCREEN_WATCH => level == 2 || level == CONFIRMED,
        _ => level == CONFIRMED,
    }
}

/// The protocols registered at the guard, in registration order.
async fn protocols(vigil: &Vigil) -> Result<Vec<Address>, Error> {
    let mut protocols: Vec<Address> = Vec::new();
    for event in vigil
        .chain
        .logs::<ICircuitGuard::ProtocolRegistered>(vigil.guard, vigil.from_block(), None)
        .await?
    {
        if !protocols.contains(&event.protocol) {
            protocols.push(event.protocol);
        }
    }
    Ok(protocols)
}

/// A status word decoded (design §2.2): the guard's copy, compared with the registry's answer,
/// and the word each `StatusChanged` log carries (`vigil feed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// The stored level (0 none, 1 pending, 2 watch, 3 confirmed, 4 removed): expired is read
    /// from the expiry and the clock, never stored.
    pub level: u8,
    pub disputed: bool,
    pub finalized: bool,
    pub category: u8,
    pub severity: u8,
    pub flag_id: u32,
    /// Unix seconds.
    pub expiry: u64,
    /// Reputation-weighted stake, wei.
    pub score: U256,
}

impl Word {
    pub fn decode(word: U256) -> Self {
        let limbs = word.as_limbs();
        let low = limbs[0];
        Word {
            level: low as u8,
            disputed: (low >> 8) & 1 == 1,
            finalized: (low >> 9) & 1 == 1,
            category: (low >> 16) as u8,
            severity: (low >> 24) as u8,
            flag_id: (low >> 32) as u32,
            expiry: limbs[1],
            score: word >> 128,
        }
    }

    pub fn level_name(&self) -> &'static str {
        name(&LEVELS, self.level)
    }

    pub fn category_name(&self) -> &'static str {
        name(&CATEGORIES, self.category)
    }

    pub fn severity_name(&self) -> &'static str {
        name(&SEVERITIES, self.severity)
    }

    /// The level the guard acts on now: a live level past its expiry has no effect.
    pub fn live_level(&self, now: u64) -> u8 {
        match self.level {
            1..=CONFIRMED if now >= self.expiry => EXPIRED,
            level => level,
        }
    }

    /// Whether this copy says what the registry's `statusOf` says (which reads an expired live
    /// level as 5).
    fn agrees(&self, registry: &IThreatRegistry::SubjectStatus, now: u64) -> bool {
        self.live_level(now) == registry.level
            && self.disputed == registry.disputed
            && self.finalized == registry.finalized
            && self.category == registry.category
            && self.severity == registry.severity
            && self.flag_id == registry.flagId
            && self.expiry == registry.expiry
            && self.score == U256::from(registry.score)
    }
}

fn name<const N: usize>(table: &[&'static str; N], value: u8) -> &'static str {
    table.get(usize::from(value)).copied().unwrap_or("unknown")
}

/// An amount for people: ether, without trailing zeros.
pub fn ether(wei: U256) -> String {
    let text = alloy_primitives::utils::format_ether(wei);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} ETH")
}

/// A duration for people, to the minute ("6d 23h 59m", "45s" under a minute).
pub fn span(seconds: u64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, m) => format!("{d}d {h}h {m}m"),
    }
}

/// A unix time for people, in UTC ("2026-12-01 00:10:07 UTC"), by the proleptic Gregorian
/// calendar's day count.
pub fn utc(time: u64) -> String {
    let (days, second_of_day) = (time / 86_400, time % 86_400);
    // Days since 0000-03-01, so a year's leap day comes last.
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        second_of_day / 3_600,
        second_of_day % 3_600 / 60,
        second_of_day % 60
    )
}

/// When `time` is relative to `now`: "in 6d 23h 59m" or "2h 0m ago".
pub fn relative(time: u64, now: u64) -> String {
    if time > now {
        format!("in {}", span(time - now))
    } else {
        format!("{} ago", span(now - time))
    }
}

fn selector_name(selector: Option<FixedBytes<4>>) -> String {
    match selector {
        Some(selector) => format!("selector {selector}"),
        None => "any other selector".into(),
    }
}

impl Status {
    /// The status for people, one statement a line.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![match subject::kind(self.subject) {
            Some(Kind::Address(_)) => format!("address {}", self.name),
            _ => self.name.clone(),
        }];
        let Some(flag) = &self.flag else {
            lines.push("never flagged: the registry has no flag on it".into());
            self.guard_lines(&mut lines);
            return lines;
        };
        let mut level = self.level_name.to_owned();
        if self.disputed {
            level.push_str(", disputed");
        }
        if self.finalized {
            level.push_str(", final (decided by governance)");
        }
        lines.push(format!(
            "level: {level}; flag #{}: {}, {} severity",
            flag.id, flag.category_name, flag.severity_name
        ));
        lines.push(format!(
            "score: {} (watch at {}, confirmed at {} with at least {} reporters; rules version {})",
            ether(flag.score.0),
            ether(flag.watch_score.0),
            ether(flag.confirm_score.0),
            flag.min_reporters,
            flag.rules_version
        ));
        lines.push(format!(
            "reporters: {} of at most {}",
            flag.reporters.len(),
            flag.max_reporters
        ));
        for r in &flag.reporters {
            lines.push(format!(
                "  {}  weight {}, locked {}",
                r.address,
                ether(r.weight.0),
                ether(r.locked.0)
            ));
        }
        lines.push(format!("evidence: {}", flag.evidence));
        lines.push(format!(
            "created: {} ({})",
            utc(flag.created),
            relative(flag.created, self.now)
        ));
        let verb = if flag.seconds_left > 0 {
            "expires"
        } else {
            "expired"
        };
        lines.push(format!(
            "{verb}: {} ({})",
            utc(flag.expiry),
            relative(flag.expiry, self.now)
        ));
        match &flag.dispute {
            Some(d) => lines.push(format!(
                "dispute: opened by {} with a bond of {} {}; a resolver decides, or anyone lapses \
                 it from {} ({})",
                d.disputer,
                ether(d.bond.0),
                relative(d.disputed_at, self.now),
                utc(d.deadline),
                relative(d.deadline, self.now)
            )),
            None => lines.push("dispute: none open".into()),
        }
        match flag.disputable_until {
            Some(until) if until > self.now => lines.push(format!(
                "disputable until {} ({})",
                utc(until),
                relative(until, self.now)
            )),
            _ => {}
        }
        if flag.settled {
            lines.push("settled: its locks are released or slashed".into());
        }
        for r in &flag.revealed {
            let details = match std::str::from_utf8(&r.details) {
                Ok(text) if !text.chars().any(char::is_control) => format!("{text:?}"),
                _ => r.details.to_string(),
            };
            lines.push(format!("revealed by {}: {details}", r.reporter));
        }
        self.guard_lines(&mut lines);
        lines
    }

    fn guard_lines(&self, lines: &mut Vec<String>) {
        let guard = &self.guard;
        if guard.in_sync {
            lines.push(format!(
                "guard {}: holds the same status as the registry",
                guard.guard
            ));
        } else {
            lines.push(format!(
                "guard {}: holds another status (word {:#x}): anyone repairs it with \
                 syncGuard([{}]) on the registry",
                guard.guard, guard.word, self.subject
            ));
        }
        match subject::kind(self.subject) {
            Some(Kind::Address(_)) if guard.verdicts.is_empty() => {
                lines.push("no protocol is registered at the guard".into())
            }
            Some(Kind::Address(_)) => {
                lines.push(format!(
                    "the guard's answer to {} as the caller:",
                    self.name
                ));
                for v in &guard.verdicts {
                    let answer = match &v.revert {
                        None => "passes".to_owned(),
                        Some(revert) => format!("refused: {revert}"),
                    };
                    lines.push(format!(
                        "  protocol {} {}: {answer}",
                        v.protocol,
                        selector_name(v.selector)
                    ));
                }
            }
            Some(Kind::Advisory) if guard.tags.is_empty() => {
                lines.push("no protocol's selector carries this advisory as a tag".into())
            }
            Some(Kind::Advisory) => {
                lines.push("selectors paused while this advisory is confirmed:".into());
                for t in &guard.tags {
                    let now = if t.pausing {
                        "paused now"
                    } else {
                        "not paused now"
                    };
                    lines.push(format!(
                        "  protocol {} selector {}: {now}",
                        t.protocol, t.selector
                    ));
                }
            }
            Some(Kind::CodeHash) if guard.code_screens.is_empty() => {
                lines.push("no protocol screens its callers' code".into())
            }
            Some(Kind::CodeHash) => {
                lines.push("selectors that screen their callers' code:".into());
                for c in &guard.code_screens {
                    let now = if c.blocks {
                        "refuses callers running this code"
                    } else {
                        "lets them pass"
                    };
                    lines.push(format!(
                        "  protocol {} {} (mode {}): {now}",
                        c.protocol,
                        selector_name(c.selector),
                        c.mode
                    ));
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_amounts_read_as_people_write_them() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_796_083_807), "2026-12-01 00:10:07 UTC");
        assert_eq!(span(45), "45s");
        assert_eq!(span(7 * 86_400 - 60), "6d 23h 59m");
        assert_eq!(relative(100, 3_700), "1h 0m ago");
        assert_eq!(
            ether(U256::from(5u64) * U256::from(10u64).pow(U256::from(17))),
            "0.5 ETH"
        );
        assert_eq!(
            ether(U256::from(12u64) * U256::from(10u64).pow(U256::from(18))),
            "12 ETH"
        );
        assert_eq!(ether(U256::ZERO), "0 ETH");
    }

    #[test]
    fn the_guards_word_is_decoded_as_the_registry_encodes_it() {
        // confirmed, disputed and final, exploit, critical, flag 7, expiry 1000, score 15 ETH.
        let score = U256::from(15u64) * U256::from(10u64).pow(U256::from(18));
        let word = U256::from(3u64 | 3 << 8 | 1 << 16 | 4 << 24 | 7 << 32)
            | U256::from(1_000u64) << 64
            | score << 128;
        let decoded = Word::decode(word);
        let registry = IThreatRegistry::SubjectStatus {
            level: 3,
            disputed: true,
            finalized: true,
            category: 1,
            severity: 4,
            flagId: 7,
            expiry: 1_000,
            score: score.to::<u128>(),
        };
        assert!(decoded.agrees(&registry, 999));
        // From the expiry on the registry reads 5 and the guard's copy has no effect.
        assert_eq!(decoded.live_level(1_000), EXPIRED);
        assert!(decoded.agrees(
            &IThreatRegistry::SubjectStatus {
                level: EXPIRED,
                ..registry.clone()
            },
            1_000
        ));
        assert!(!decoded.agrees(
            &IThreatRegistry::SubjectStatus {
                flagId: 8,
                ..registry
            },
            999
        ));
        assert!(Word::decode(U256::ZERO).agrees(&Default::default(), 0));
    }

    #[test]
    fn screening_modes_block_the_levels_they_name() {
        for (mode, watch, confirmed) in [(0, false, true), (1, true, true), (2, false, false)] {
            for code in [0, SCREEN_CODE] {
                assert_eq!(blocks(mode | code, 2), watch, "mode {}", mode | code);
                assert_eq!(blocks(mode | code, CONFIRMED), confirmed);
                assert!(!blocks(mode | code, EXPIRED) && !blocks(mode | code, 1));
            }
        }
    }
}
