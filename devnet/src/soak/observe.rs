//! What the engine knows of the chain: the last readings of the registry's books, every reporter,
//! every claimable balance, every subject's status, the unsettled flags, and the guard's copy of
//! each status and its pauses. Readings are refreshed for what an operation may touch after every
//! operation, and all of them every `sweep` operations; the invariants compare readings only.

use std::collections::BTreeMap;

use super::abi::{self, Books, Flag, Reporter, Status};
use super::cast::{pause_selectors, Cast, PROBE, PROBE_SELECTOR};
use super::ops::Touch;
use crate::system::{withdraw_selector, ICircuitGuard, World};
use crate::{Address, U256};

/// The guard's state the soak compares with the registry and with the guard's own verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GuardView {
    /// `statusWord(subject)` for each subject, in the cast's order.
    pub words: Vec<U256>,
    pub vault: ProtocolView,
    pub probe: ProtocolView,
}

/// One protocol's pauses and the bucket of its rate-limited function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProtocolView {
    pub paused_until: u64,
    /// `pausedUntil` of each of [`pause_selectors`].
    pub selector_paused_until: Vec<u64>,
    /// What the bucket of its rate-limited function holds now.
    pub available: U256,
    /// Whether that bucket's breaker holds the function closed now.
    pub tripped: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    pub now: u64,
    pub balance: U256,
    pub books: Books,
    /// Every account of the cast (anyone may stake), retired reporters included.
    pub reporters: BTreeMap<Address, Reporter>,
    /// The same accounts' claimable balances.
    pub claimable: BTreeMap<Address, U256>,
    /// Each subject's status, in the cast's order.
    pub statuses: Vec<Status>,
    /// The flags not yet settled.
    pub flags: BTreeMap<u32, Flag>,
    pub flag_count: u32,
    pub guard: GuardView,
}

impl Observed {
    /// Everything, read from the chain.
    pub fn read_all(cast: &mut Cast) -> Self {
        let mut seen = Observed::default();
        for who in cast.accounts() {
            seen.track(who);
        }
        seen.refresh(cast, &Touch::everything(cast), &BTreeMap::new());
        seen
    }

    /// Takes again every reading `touch` names (the statuses of all subjects after a time warp),
    /// and the registry's balance. `known` are the unsettled flags before the operation.
    pub fn refresh(&mut self, cast: &mut Cast, touch: &Touch, known: &BTreeMap<u32, Flag>) {
        let subjects = cast.subjects.all.clone();
        let w = &mut cast.world;
        self.now = w.now();
        self.balance = w.chain.balance(w.registry);
        if touch.registry {
            self.books = abi::books(w);
        }
        self.statuses.resize(subjects.len(), Status::default());
        let moved: Vec<usize> = match touch.clock {
            true => (0..subjects.len()).collect(),
            false => touch.subjects.iter().copied().collect(),
        };
        for i in moved {
            self.statuses[i] = abi::status(w, subjects[i]);
        }
        if touch.new_flags {
            let count = abi::flag_count(w);
            for id in self.flag_count + 1..=count {
                self.read_flag(w, id);
            }
            self.flag_count = count;
        }
        for id in &touch.flags {
            if known.contains_key(id) || self.flags.contains_key(id) {
                self.read_flag(w, *id);
            }
        }
        for who in &touch.accounts {
            if self.reporters.contains_key(who) {
                self.reporters.insert(*who, abi::reporter(w, *who));
            }
            if self.claimable.contains_key(who) {
                self.claimable.insert(*who, abi::claimable(w, *who));
            }
        }
        if self.guard.words.len() != subjects.len() {
            self.guard.words = vec![U256::ZERO; subjects.len()];
        }
        for i in &touch.subjects {
            let call = ICircuitGuard::statusWordCall {
                subject: subjects[*i],
            };
            self.guard.words[*i] = w.read(w.guard, &call);
        }
        for protocol in &touch.protocols {
            let view = protocol_view(w, *protocol);
            match *protocol == PROBE {
                true => self.guard.probe = view,
                false => self.guard.vault = view,
            }
        }
    }

    fn read_flag(&mut self, w: &mut World, id: u32) {
        let flag = abi::flag(w, id);
        if flag.settled {
            self.flags.remove(&id);
        } else {
            self.flags.insert(id, flag);
        }
    }

    /// Starts reading `who` (an account that may stake from now on).
    pub fn track(&mut self, who: Address) {
        self.reporters.entry(who).or_default();
        self.claimable.entry(who).or_default();
    }

    /// Stops reading `who`, which holds nothing any more.
    pub fn untrack(&mut self, who: Address) {
        self.reporters.remove(&who);
        self.claimable.remove(&who);
    }

    pub fn reporter(&self, who: Address) -> Reporter {
        self.reporters.get(&who).cloned().unwrap_or_default()
    }

    pub fn claimable_of(&self, who: Address) -> U256 {
        self.claimable.get(&who).copied().unwrap_or_default()
    }

    /// Stake neither locked nor unbonding.
    pub fn free_stake(&self, who: Address) -> U256 {
        let r = self.reporter(who);
        r.stake.saturating_sub(r.locked).saturating_sub(r.unbonding)
    }

    pub fn subjects_where(&self, keep: impl Fn(&Status) -> bool) -> Vec<usize> {
        (0..self.statuses.len())
            .filter(|i| keep(&self.statuses[*i]))
            .collect()
    }
}

/// The pauses of `protocol` (the vault or the probe) and the bucket of its rate-limited function.
fn protocol_view(w: &mut World, protocol: Address) -> ProtocolView {
    let limited = match protocol == PROBE {
        true => PROBE_SELECTOR,
        false => withdraw_selector(),
    };
    let guard = w.guard;
    let info = w.read(guard, &ICircuitGuard::protocolInfoCall { protocol });
    let selector_paused_until = pause_selectors()
        .into_iter()
        .map(|selector| {
            let call = ICircuitGuard::selectorPolicyCall { protocol, selector };
            w.read(guard, &call).pausedUntil
        })
        .collect();
    let bucket = ICircuitGuard::rateLimitCall {
        protocol,
        selector: limited,
    };
    let bucket = w.read(guard, &bucket);
    ProtocolView {
        paused_until: info.pausedUntil,
        selector_paused_until,
        available: bucket.available,
        tripped: bucket.tripped,
    }
}

impl Touch {
    /// Every reading the engine keeps.
    pub fn everything(cast: &Cast) -> Self {
        let mut t = Touch {
            registry: true,
            new_flags: true,
            clock: true,
            ..Touch::default()
        };
        t.protocols.extend([cast.world.vault, PROBE]);
        t.accounts.extend(cast.accounts());
        t.subjects.extend(0..cast.subjects.all.len());
        t
    }
}
