//! The operations a soak plays: how one is drawn (mostly plausible, sometimes wrong on purpose:
//! a wrong bond, a stranger, an unknown flag), how it is sent, and which accounts, flags and
//! subjects it may touch (what the engine reads again after it).

use std::collections::BTreeSet;
use std::fmt;

use super::abi::{self, Flag, Rules, Status};
use super::cast::{
    pause_selectors, Cast, BYSTANDER, DISPUTERS, GUARDIAN, PROBE, PROBE_SELECTOR, REPORTER_SLOTS,
    RESOLVER2, STRANGER, VICTIMS,
};
use super::observe::Observed;
use super::rng::Rng;
use crate::system::{
    eth, withdraw_selector, ICircuitGuard, IVault, DAY, OWNER, RESOLVER, TREASURY, VAULT_ADMIN,
};
use crate::{calls, Address, Bytes, U256};
use alloy_primitives::FixedBytes;
use alloy_sol_types::SolCall;

/// One operation, with everything needed to send it again.
#[derive(Clone, Debug)]
pub enum Op {
    Stake {
        who: Address,
        amount: U256,
    },
    RequestUnstake {
        who: Address,
        amount: U256,
    },
    Withdraw {
        who: Address,
    },
    Claim {
        who: Address,
    },
    Submit {
        who: Address,
        subject: usize,
        category: u8,
        severity: u8,
        ttl: u64,
    },
    Corroborate {
        who: Address,
        subject: usize,
        severity: u8,
    },
    Renew {
        who: Address,
        subject: usize,
        flag: u32,
    },
    Release {
        who: Address,
        flag: u32,
    },
    Dispute {
        who: Address,
        subject: usize,
        flag: u32,
        value: U256,
    },
    Resolve {
        who: Address,
        subject: usize,
        flag: u32,
        upheld: bool,
    },
    LapseDispute {
        who: Address,
        flag: u32,
    },
    EmergencyConfirm {
        who: Address,
        subject: usize,
        severity: u8,
        ttl: u64,
    },
    EmergencyRemove {
        who: Address,
        subject: usize,
    },
    /// Schedules the treasury sweep, or executes it.
    SweepTreasury {
        who: Address,
        schedule: bool,
    },
    PauseProtocol {
        who: Address,
        protocol: Address,
        duration: u64,
    },
    UnpauseProtocol {
        who: Address,
        protocol: Address,
    },
    PauseSelector {
        who: Address,
        protocol: Address,
        selector: FixedBytes<4>,
        duration: u64,
    },
    UnpauseSelector {
        who: Address,
        protocol: Address,
        selector: FixedBytes<4>,
    },
    SetScreening {
        who: Address,
        protocol: Address,
        selector: FixedBytes<4>,
    },
    RemovePolicy {
        who: Address,
        protocol: Address,
        selector: FixedBytes<4>,
    },
    Deposit {
        who: Address,
        amount: U256,
    },
    VaultWithdraw {
        who: Address,
        amount: U256,
    },
    GuardCheck {
        caller: Address,
        amount: U256,
    },
    GuardCredit {
        amount: U256,
    },
    Warp {
        seconds: u64,
    },
}

/// The operation kinds in the order the summary lists them, with the weight each is drawn with.
pub const KINDS: [(&str, u64); 26] = [
    ("stake", 5),
    ("requestUnstake", 3),
    ("withdraw", 2),
    ("claim", 3),
    ("submit", 10),
    ("corroborate", 16),
    ("renew", 3),
    ("release", 6),
    ("dispute", 6),
    ("resolve upheld", 3),
    ("resolve rejected", 2),
    ("lapseDispute", 2),
    ("emergencyConfirm", 1),
    ("emergencyRemove", 1),
    ("sweepTreasury", 1),
    ("pauseProtocol", 1),
    ("unpauseProtocol", 1),
    ("pauseSelector", 2),
    ("unpauseSelector", 1),
    ("setScreening", 1),
    ("removePolicy", 1),
    ("vault.deposit", 3),
    ("vault.withdraw", 8),
    ("guard.check", 4),
    ("guard.credit", 2),
    ("warp", 10),
];

impl Op {
    /// Its name in [`KINDS`].
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Stake { .. } => "stake",
            Op::RequestUnstake { .. } => "requestUnstake",
            Op::Withdraw { .. } => "withdraw",
            Op::Claim { .. } => "claim",
            Op::Submit { .. } => "submit",
            Op::Corroborate { .. } => "corroborate",
            Op::Renew { .. } => "renew",
            Op::Release { .. } => "release",
            Op::Dispute { .. } => "dispute",
            Op::Resolve { upheld: true, .. } => "resolve upheld",
            Op::Resolve { upheld: false, .. } => "resolve rejected",
            Op::LapseDispute { .. } => "lapseDispute",
            Op::EmergencyConfirm { .. } => "emergencyConfirm",
            Op::EmergencyRemove { .. } => "emergencyRemove",
            Op::SweepTreasury { .. } => "sweepTreasury",
            Op::PauseProtocol { .. } => "pauseProtocol",
            Op::UnpauseProtocol { .. } => "unpauseProtocol",
            Op::PauseSelector { .. } => "pauseSelector",
            Op::UnpauseSelector { .. } => "unpauseSelector",
            Op::SetScreening { .. } => "setScreening",
            Op::RemovePolicy { .. } => "removePolicy",
            Op::Deposit { .. } => "vault.deposit",
            Op::VaultWithdraw { .. } => "vault.withdraw",
            Op::GuardCheck { .. } => "guard.check",
            Op::GuardCredit { .. } => "guard.credit",
            Op::Warp { .. } => "warp",
        }
    }

    /// The account that sends it (none for a time warp).
    pub fn sender(&self) -> Option<Address> {
        Some(match *self {
            Op::Stake { who, .. }
            | Op::RequestUnstake { who, .. }
            | Op::Withdraw { who }
            | Op::Claim { who }
            | Op::Submit { who, .. }
            | Op::Corroborate { who, .. }
            | Op::Renew { who, .. }
            | Op::Release { who, .. }
            | Op::Dispute { who, .. }
            | Op::Resolve { who, .. }
            | Op::LapseDispute { who, .. }
            | Op::EmergencyConfirm { who, .. }
            | Op::EmergencyRemove { who, .. }
            | Op::SweepTreasury { who, .. }
            | Op::PauseProtocol { who, .. }
            | Op::UnpauseProtocol { who, .. }
            | Op::PauseSelector { who, .. }
            | Op::UnpauseSelector { who, .. }
            | Op::SetScreening { who, .. }
            | Op::RemovePolicy { who, .. }
            | Op::Deposit { who, .. }
            | Op::VaultWithdraw { who, .. } => who,
            Op::GuardCheck { .. } | Op::GuardCredit { .. } => PROBE,
            Op::Warp { .. } => return None,
        })
    }

    /// The subject it names, by index into the cast's subjects.
    pub fn subject(&self) -> Option<usize> {
        match *self {
            Op::Submit { subject, .. }
            | Op::Corroborate { subject, .. }
            | Op::Renew { subject, .. }
            | Op::Dispute { subject, .. }
            | Op::Resolve { subject, .. }
            | Op::EmergencyConfirm { subject, .. }
            | Op::EmergencyRemove { subject, .. } => Some(subject),
            _ => None,
        }
    }

    /// The flag it names by id.
    pub fn flag(&self) -> Option<u32> {
        match *self {
            Op::Renew { flag, .. }
            | Op::Release { flag, .. }
            | Op::Dispute { flag, .. }
            | Op::Resolve { flag, .. }
            | Op::LapseDispute { flag, .. } => Some(flag),
            _ => None,
        }
    }

    /// The protocols whose pauses and buckets it may change on the guard (a time warp refills
    /// every bucket).
    pub fn protocols(&self, vault: Address) -> Vec<Address> {
        match *self {
            Op::PauseProtocol { protocol, .. }
            | Op::UnpauseProtocol { protocol, .. }
            | Op::PauseSelector { protocol, .. }
            | Op::UnpauseSelector { protocol, .. }
            | Op::SetScreening { protocol, .. }
            | Op::RemovePolicy { protocol, .. } => vec![protocol],
            Op::Deposit { .. } | Op::VaultWithdraw { .. } => vec![vault],
            Op::GuardCheck { .. } | Op::GuardCredit { .. } => vec![PROBE],
            Op::Warp { .. } => vec![vault, PROBE],
            _ => Vec::new(),
        }
    }

    /// Whether it is a call of the registry (or a time warp, which moves its levels).
    pub fn reaches_registry(&self, vault: Address) -> bool {
        matches!(self, Op::Warp { .. }) || self.protocols(vault).is_empty()
    }

    /// A guarded call: the protocol, the guarded function and the caller the guard screens.
    pub fn guarded(&self, vault: Address) -> Option<(Address, FixedBytes<4>, Address)> {
        let deposit: FixedBytes<4> = IVault::depositCall::SELECTOR.into();
        match *self {
            Op::Deposit { who, .. } => Some((vault, deposit, who)),
            Op::VaultWithdraw { who, .. } => Some((vault, withdraw_selector(), who)),
            Op::GuardCheck { caller, .. } => Some((PROBE, PROBE_SELECTOR, caller)),
            _ => None,
        }
    }

    /// Sender, target, calldata and value; `None` for a time warp.
    pub fn tx(&self, cast: &Cast, n: u64) -> Option<(Address, Address, Bytes, U256)> {
        let w = &cast.world;
        let subject = |i: usize| cast.subjects.all[i];
        let evidence = format!("soak evidence {n}");
        let reg = |who: Address, data: Bytes| Some((who, w.registry, data, U256::ZERO));
        let guard = |who: Address, data: Vec<u8>| Some((who, w.guard, data.into(), U256::ZERO));
        let vault = w.vault;
        match *self {
            Op::Stake { who, amount } => Some((who, w.registry, abi::stake(), amount)),
            Op::RequestUnstake { who, amount } => reg(who, abi::request_unstake(amount)),
            Op::Withdraw { who } => reg(who, abi::withdraw()),
            Op::Claim { who } => reg(who, abi::claim()),
            Op::Submit {
                who,
                subject: s,
                category,
                severity,
                ttl,
            } => reg(
                who,
                abi::submit(subject(s), category, severity, ttl, &evidence),
            ),
            Op::Corroborate {
                who,
                subject: s,
                severity,
            } => reg(who, abi::corroborate(subject(s), severity, &evidence)),
            Op::Renew {
                who, subject: s, ..
            } => reg(who, abi::renew(subject(s))),
            Op::Release { who, flag } => reg(who, abi::release(flag)),
            Op::Dispute {
                who, flag, value, ..
            } => Some((who, w.registry, abi::dispute(flag, &evidence), value)),
            Op::Resolve {
                who, flag, upheld, ..
            } => reg(who, abi::resolve(flag, upheld, &evidence)),
            Op::LapseDispute { who, flag } => reg(who, abi::lapse_dispute(flag)?),
            Op::EmergencyConfirm {
                who,
                subject: s,
                severity,
                ttl,
            } => reg(who, abi::emergency_confirm(subject(s), 1, severity, ttl)),
            Op::EmergencyRemove { who, subject: s } => reg(who, abi::emergency_remove(subject(s))),
            Op::SweepTreasury { who, schedule } => {
                reg(who, abi::sweep_treasury(TREASURY, schedule))
            }
            Op::PauseProtocol {
                who,
                protocol,
                duration,
            } => guard(
                who,
                ICircuitGuard::pauseProtocolCall::new((protocol, duration)).abi_encode(),
            ),
            Op::UnpauseProtocol { who, protocol } => guard(
                who,
                ICircuitGuard::unpauseProtocolCall::new((protocol,)).abi_encode(),
            ),
            Op::PauseSelector {
                who,
                protocol,
                selector,
                duration,
            } => guard(
                who,
                ICircuitGuard::pauseSelectorCall::new((protocol, selector, duration)).abi_encode(),
            ),
            Op::UnpauseSelector {
                who,
                protocol,
                selector,
            } => guard(
                who,
                ICircuitGuard::unpauseSelectorCall::new((protocol, selector)).abi_encode(),
            ),
            Op::Deposit { who, amount } => Some((
                who,
                vault,
                IVault::depositCall::new((amount,)).abi_encode().into(),
                U256::ZERO,
            )),
            Op::VaultWithdraw { who, amount } => Some((
                who,
                vault,
                IVault::withdrawCall::new((amount,)).abi_encode().into(),
                U256::ZERO,
            )),
            Op::SetScreening {
                who,
                protocol,
                selector,
            } => guard(
                who,
                calls::screening(protocol, selector, calls::SCREEN_CONFIRMED).abi_encode(),
            ),
            Op::RemovePolicy {
                who,
                protocol,
                selector,
            } => guard(
                who,
                ICircuitGuard::removePolicyCall::new((protocol, selector)).abi_encode(),
            ),
            // The probe's report of an inflow: it refills its function's bucket.
            Op::GuardCredit { amount } => guard(
                PROBE,
                ICircuitGuard::creditCall::new((PROBE_SELECTOR, amount)).abi_encode(),
            ),
            // The probe protocol's own call into the guard: a direct charge of its bucket.
            Op::GuardCheck { caller, amount } => guard(
                PROBE,
                ICircuitGuard::checkCall::new((caller, PROBE_SELECTOR, amount)).abi_encode(),
            ),
            Op::Warp { .. } => None,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// What an operation may change: the engine reads these again after it.
#[derive(Default)]
pub struct Touch {
    pub accounts: BTreeSet<Address>,
    pub flags: BTreeSet<u32>,
    pub subjects: BTreeSet<usize>,
    /// The protocols whose pauses and buckets are read again.
    pub protocols: BTreeSet<Address>,
    /// The registry's books are read again.
    pub registry: bool,
    /// Flags may have been created.
    pub new_flags: bool,
    /// Only the clock moved: every time-dependent reading is taken again.
    pub clock: bool,
}

/// The weight each kind is drawn with under this ABI (zero: the ABI lacks it).
pub fn weights() -> Vec<u64> {
    KINDS
        .iter()
        .map(|(kind, w)| {
            if *kind == "lapseDispute" && !abi::HAS_LAPSE {
                0
            } else {
                *w
            }
        })
        .collect()
}

/// Draws the next operation from the state last observed.
pub fn draw(rng: &mut Rng, cast: &Cast, seen: &Observed) -> Op {
    if rng.percent(8) {
        if let Some(op) = wind_down(cast, seen) {
            return op;
        }
    }
    let weights = weights();
    let rules = &cast.rules;
    let kind = KINDS[rng.weighted(&weights)].0;
    let reporter = |rng: &mut Rng| pick_reporter(rng, cast);
    let amount_eth = |rng: &mut Rng| eth(*rng.pick(&[1, 5, 20, 60, 150, 400]));
    match kind {
        // A fresh reporter (one that replaced a retired one) stakes first, mostly.
        "stake" => Op::Stake {
            who: {
                let fresh: Vec<Address> = (0..REPORTER_SLOTS)
                    .map(|slot| cast.reporters.current(slot))
                    .filter(|who| seen.reporter(*who).stake.is_zero())
                    .collect();
                if !fresh.is_empty() && rng.percent(60) {
                    *rng.pick(&fresh)
                } else {
                    reporter(rng)
                }
            },
            amount: if rng.percent(3) {
                U256::ZERO
            } else {
                *rng.pick(&stake_sizes(rules))
            },
        },
        "requestUnstake" => {
            let who = retiree_or(rng, cast, reporter);
            let free = seen.free_stake(who);
            let amount = match rng.below(4) {
                0 => free,
                1 => free / U256::from(2),
                2 => free + U256::from(1),
                _ => U256::from(rng.range(0, 3)) * rules.min_stake,
            };
            Op::RequestUnstake { who, amount }
        }
        "withdraw" => Op::Withdraw {
            who: retiree_or(rng, cast, reporter),
        },
        "claim" => {
            let accounts = cast.accounts();
            let owed: Vec<Address> = accounts
                .iter()
                .copied()
                .filter(|a| !seen.claimable_of(*a).is_zero())
                .collect();
            let who = if !owed.is_empty() && rng.percent(85) {
                *rng.pick(&owed)
            } else {
                *rng.pick(&accounts)
            };
            Op::Claim { who }
        }
        "submit" => {
            let free: Vec<usize> = seen.subjects_where(|s| !is_live(s) && !s.disputed);
            let subject = if !free.is_empty() && rng.percent(85) {
                *rng.pick(&free)
            } else {
                rng.below(seen.statuses.len() as u64) as usize
            };
            let ttl = ttl(rng, rules);
            let (category, severity) = labels(rng);
            Op::Submit {
                who: reporter(rng),
                subject,
                category,
                severity,
                ttl,
            }
        }
        "corroborate" => {
            let open = seen.subjects_where(|s| is_live(s) && !s.finalized);
            let subject = if !open.is_empty() && rng.percent(90) {
                *rng.pick(&open)
            } else {
                any_live_or_random(rng, seen)
            };
            Op::Corroborate {
                who: reporter(rng),
                subject,
                severity: rng.range(0, 4) as u8,
            }
        }
        "renew" => {
            let subject = any_live_or_random(rng, seen);
            let flag = seen.statuses[subject].flag_id;
            let who = match seen.flags.get(&flag) {
                Some(f) if !f.reports.is_empty() && rng.percent(80) => rng.pick(&f.reports).0,
                _ => reporter(rng),
            };
            Op::Renew { who, subject, flag }
        }
        "release" => Op::Release {
            who: *rng.pick(&[STRANGER, BYSTANDER, DISPUTERS[0]]),
            flag: some_flag(rng, seen),
        },
        // Mostly an unsettled flag without an open dispute (live, or ended and still within its
        // dispute window where the ABI has one); by a disputer, the victim (which may stand in an
        // open dispute without a bond), a resolver (which then may not decide it) or a reporter.
        "dispute" => {
            let undisputed = flags_where(seen, |f| f.open_dispute.is_none());
            let flag = match undisputed.is_empty() || rng.percent(15) {
                true => seen.statuses[any_live_or_random(rng, seen)].flag_id,
                false => *rng.pick(&undisputed),
            };
            let subject = subject_of(cast, seen, flag);
            let victim = cast.subjects.victim(subject);
            let who = match rng.below(10) {
                0..=5 => *rng.pick(&DISPUTERS),
                6 | 7 => victim.unwrap_or(DISPUTERS[0]),
                8 => RESOLVER2,
                _ => match seen.flags.get(&flag) {
                    Some(f) if !f.reports.is_empty() => rng.pick(&f.reports).0,
                    _ => reporter(rng),
                },
            };
            let standing = Some(who) == victim
                && seen
                    .flags
                    .get(&flag)
                    .is_some_and(|f| f.open_dispute.is_some());
            let value = match rng.below(100) {
                0..=89 if standing => U256::ZERO,
                0..=91 => rules.dispute_bond,
                n => rules.dispute_bond + U256::from(n & 1) * U256::from(2) - U256::from(1),
            };
            Op::Dispute {
                who,
                subject,
                flag,
                value,
            }
        }
        "resolve upheld" | "resolve rejected" => {
            let flag = open_dispute_or_any(rng, seen, abi::HAS_LAPSE);
            let who = match rng.below(20) {
                0 => STRANGER,
                n if n & 1 == 0 => RESOLVER,
                _ => RESOLVER2,
            };
            Op::Resolve {
                who,
                subject: subject_of(cast, seen, flag),
                flag,
                upheld: kind == "resolve upheld",
            }
        }
        "lapseDispute" => Op::LapseDispute {
            who: STRANGER,
            flag: open_dispute_or_any(rng, seen, false),
        },
        "emergencyConfirm" => Op::EmergencyConfirm {
            who: if rng.percent(90) { RESOLVER } else { STRANGER },
            subject: rng.below(seen.statuses.len() as u64) as usize,
            severity: rng.range(1, 4) as u8,
            ttl: rng.range(60, DAY),
        },
        "emergencyRemove" => Op::EmergencyRemove {
            who: if rng.percent(90) { RESOLVER2 } else { STRANGER },
            subject: any_live_or_random(rng, seen),
        },
        "sweepTreasury" => Op::SweepTreasury {
            who: if rng.percent(90) { OWNER } else { STRANGER },
            schedule: rng.percent(50),
        },
        "pauseProtocol" => Op::PauseProtocol {
            who: pauser(rng),
            protocol: protocol(rng, cast),
            duration: pause_duration(rng),
        },
        "unpauseProtocol" => Op::UnpauseProtocol {
            who: pauser(rng),
            protocol: protocol(rng, cast),
        },
        "pauseSelector" => Op::PauseSelector {
            who: pauser(rng),
            protocol: protocol(rng, cast),
            selector: *rng.pick(&pause_selectors()),
            duration: pause_duration(rng),
        },
        "unpauseSelector" => Op::UnpauseSelector {
            who: pauser(rng),
            protocol: protocol(rng, cast),
            selector: *rng.pick(&pause_selectors()),
        },
        // A pause gives no selector a policy; the admin's screening of one (the default mode, so
        // verdicts do not change) does, and `removePolicy` frees it again.
        "setScreening" => {
            let (who, protocol, selector) = policy_target(rng, cast);
            Op::SetScreening {
                who,
                protocol,
                selector,
            }
        }
        "removePolicy" => {
            let (who, protocol, selector) = policy_target(rng, cast);
            Op::RemovePolicy {
                who,
                protocol,
                selector,
            }
        }
        "guard.credit" => Op::GuardCredit {
            amount: amount_eth(rng),
        },
        "vault.deposit" => Op::Deposit {
            who: vault_user(rng),
            amount: amount_eth(rng),
        },
        "vault.withdraw" => Op::VaultWithdraw {
            who: vault_user(rng),
            amount: amount_eth(rng),
        },
        "guard.check" => Op::GuardCheck {
            caller: vault_user(rng),
            amount: amount_eth(rng),
        },
        _ => Op::Warp {
            seconds: warp(rng, rules),
        },
    }
}

pub fn is_live(s: &Status) -> bool {
    (1..=3).contains(&s.level)
}

/// Mostly an active reporter; sometimes an account that never staked.
fn pick_reporter(rng: &mut Rng, cast: &Cast) -> Address {
    if rng.percent(4) {
        return *rng.pick(&[DISPUTERS[1], VICTIMS[0], STRANGER]);
    }
    cast.reporters
        .current(rng.below(REPORTER_SLOTS as u64) as usize)
}

/// The next step out of the registry of the oldest retired reporter that can take one: claim
/// what it is owed, request the unbonding of its free stake, withdraw what has unbonded. Without
/// it retirees (one per rejected report) would pile up faster than random draws empty them.
fn wind_down(cast: &Cast, seen: &Observed) -> Option<Op> {
    cast.reporters.retired.iter().find_map(|&who| {
        let r = seen.reporter(who);
        let free = seen.free_stake(who);
        if !seen.claimable_of(who).is_zero() {
            Some(Op::Claim { who })
        } else if !free.is_zero() {
            Some(Op::RequestUnstake { who, amount: free })
        } else if !r.unbonding.is_zero() && seen.now >= r.unbond_at {
            Some(Op::Withdraw { who })
        } else {
            None
        }
    })
}

/// A retired reporter winding down (when there is one, half the time), else `other`.
fn retiree_or(rng: &mut Rng, cast: &Cast, other: impl Fn(&mut Rng) -> Address) -> Address {
    if !cast.reporters.retired.is_empty() && rng.percent(50) {
        *rng.pick(&cast.reporters.retired)
    } else {
        other(rng)
    }
}

fn stake_sizes(rules: &Rules) -> [U256; 5] {
    let m = rules.min_stake;
    [
        m / U256::from(2),
        m,
        m * U256::from(3),
        m * U256::from(10),
        m * U256::from(40),
    ]
}

fn any_live_or_random(rng: &mut Rng, seen: &Observed) -> usize {
    let live = seen.subjects_where(is_live);
    if !live.is_empty() && rng.percent(85) {
        *rng.pick(&live)
    } else {
        rng.below(seen.statuses.len() as u64) as usize
    }
}

/// The unsettled flags that satisfy `keep`.
fn flags_where(seen: &Observed, keep: impl Fn(&Flag) -> bool) -> Vec<u32> {
    seen.flags
        .iter()
        .filter(|(_, f)| keep(f))
        .map(|(id, _)| *id)
        .collect()
}

/// Mostly a flag with an open dispute, when there is one; else any. With `backlog`, only the
/// disputes of even flag ids: resolvers leave the others to run to their deadline and lapse.
fn open_dispute_or_any(rng: &mut Rng, seen: &Observed, backlog: bool) -> u32 {
    let open = flags_where(seen, |f| f.open_dispute.is_some());
    let open: Vec<u32> = open
        .into_iter()
        .filter(|id| !backlog || id & 1 == 0)
        .collect();
    if !open.is_empty() && rng.percent(90) {
        *rng.pick(&open)
    } else {
        some_flag(rng, seen)
    }
}

/// The index of flag `id`'s subject (the first subject when the flag is unknown or settled).
fn subject_of(cast: &Cast, seen: &Observed, id: u32) -> usize {
    let subject = match seen.flags.get(&id) {
        Some(f) => f.subject,
        None => {
            return seen
                .statuses
                .iter()
                .position(|s| s.flag_id == id)
                .unwrap_or(0)
        }
    };
    cast.subjects
        .all
        .iter()
        .position(|s| *s == subject)
        .unwrap_or(0)
}

/// Mostly an unsettled flag; sometimes a settled one, id 0 or one past the last.
fn some_flag(rng: &mut Rng, seen: &Observed) -> u32 {
    let unsettled: Vec<u32> = seen.flags.keys().copied().collect();
    if !unsettled.is_empty() && rng.percent(85) {
        *rng.pick(&unsettled)
    } else {
        rng.range(0, seen.flag_count as u64 + 1) as u32
    }
}

fn ttl(rng: &mut Rng, rules: &Rules) -> u64 {
    match rng.below(20) {
        0 => 0,
        1 => rules.max_ttl + 1,
        2..=9 => rng.range(60, 6 * 3_600),
        10..=16 => rng.range(3_600, 3 * DAY),
        _ => rng.range(DAY, rules.max_ttl),
    }
}

/// Category and severity, once in a while out of range.
fn labels(rng: &mut Rng) -> (u8, u8) {
    match rng.below(30) {
        0 => (0, 2),
        1 => (8, 2),
        2 => (1, 0),
        3 => (1, 5),
        _ => (rng.range(1, 7) as u8, rng.range(1, 4) as u8),
    }
}

fn protocol(rng: &mut Rng, cast: &Cast) -> Address {
    *rng.pick(&[cast.world.vault, PROBE])
}

/// Who sets or removes a selector's own policy (mostly its admin; a guardian, who may not), on which
/// protocol and selector: only `deposit` and the selector nobody has, whose policies no check relies on.
fn policy_target(rng: &mut Rng, cast: &Cast) -> (Address, Address, FixedBytes<4>) {
    let who = if rng.percent(85) {
        VAULT_ADMIN
    } else {
        GUARDIAN
    };
    let protocol = protocol(rng, cast);
    (who, protocol, pause_selectors()[*rng.pick(&[1, 3])])
}

fn pauser(rng: &mut Rng) -> Address {
    *rng.pick(&[VAULT_ADMIN, VAULT_ADMIN, GUARDIAN, GUARDIAN, STRANGER])
}

fn pause_duration(rng: &mut Rng) -> u64 {
    match rng.below(10) {
        0 => 0,
        1 => 2 * DAY,
        _ => rng.range(60, 12 * 3_600),
    }
}

fn vault_user(rng: &mut Rng) -> Address {
    if rng.percent(25) {
        BYSTANDER
    } else {
        *rng.pick(&VICTIMS)
    }
}

/// Time warps of every scale: seconds (inside a block's worth of activity), hours (rate-limit
/// refills, short ttls), days (warm-up, expiries, the unbonding delay) and weeks.
fn warp(rng: &mut Rng, rules: &Rules) -> u64 {
    match rng.below(20) {
        0..=9 => rng.range(1, 600),
        10..=15 => rng.range(600, 12 * 3_600),
        16..=18 => rng.range(12 * 3_600, 3 * DAY),
        _ => rng.range(3 * DAY, rules.longest_delay + 2 * DAY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once() {
        let mut names: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        let a = Address::ZERO;
        let s = FixedBytes::ZERO;
        let one = U256::from(1);
        let every = [
            Op::Stake {
                who: a,
                amount: one,
            },
            Op::RequestUnstake {
                who: a,
                amount: one,
            },
            Op::Withdraw { who: a },
            Op::Claim { who: a },
            Op::Submit {
                who: a,
                subject: 0,
                category: 1,
                severity: 1,
                ttl: 1,
            },
            Op::Corroborate {
                who: a,
                subject: 0,
                severity: 1,
            },
            Op::Renew {
                who: a,
                subject: 0,
                flag: 1,
            },
            Op::Release { who: a, flag: 1 },
            Op::Dispute {
                who: a,
                subject: 0,
                flag: 1,
                value: one,
            },
            Op::Resolve {
                who: a,
                subject: 0,
                flag: 1,
                upheld: true,
            },
            Op::Resolve {
                who: a,
                subject: 0,
                flag: 1,
                upheld: false,
            },
            Op::LapseDispute { who: a, flag: 1 },
            Op::EmergencyConfirm {
                who: a,
                subject: 0,
                severity: 1,
                ttl: 1,
            },
            Op::EmergencyRemove { who: a, subject: 0 },
            Op::SweepTreasury {
                who: a,
                schedule: true,
            },
            Op::PauseProtocol {
                who: a,
                protocol: a,
                duration: 1,
            },
            Op::UnpauseProtocol {
                who: a,
                protocol: a,
            },
            Op::PauseSelector {
                who: a,
                protocol: a,
                selector: s,
                duration: 1,
            },
            Op::UnpauseSelector {
                who: a,
                protocol: a,
                selector: s,
            },
            Op::SetScreening {
                who: a,
                protocol: a,
                selector: s,
            },
            Op::RemovePolicy {
                who: a,
                protocol: a,
                selector: s,
            },
            Op::Deposit {
                who: a,
                amount: one,
            },
            Op::VaultWithdraw {
                who: a,
                amount: one,
            },
            Op::GuardCheck {
                caller: a,
                amount: one,
            },
            Op::GuardCredit { amount: one },
            Op::Warp { seconds: 1 },
        ];
        let kinds: Vec<&str> = every.iter().map(Op::kind).collect();
        assert_eq!(kinds, KINDS.iter().map(|k| k.0).collect::<Vec<_>>());
    }
}
