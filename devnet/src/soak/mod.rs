//! Soak: random sequences of every registry and guard operation, from many accounts, against the
//! release wasm on the devnet, with the system's invariants checked after every operation.
//!
//! A run is a function of its seed: the same seed plays the same operations with the same
//! outcomes. Reverted operations are expected (many are drawn wrong on purpose) and counted by
//! error name; a revert must be a typed error and must change nothing. The first violated
//! invariant stops the run with the seed, the operation's index and the last operations.
//!
//! Layout: [`abi`] speaks the registry's interface, [`cast`] deploys the system and names the
//! accounts and subjects, [`ops`] draws and sends operations, [`observe`] keeps the readings,
//! [`invariants`] checks them, [`rng`] is the seeded generator.

mod abi;
mod cast;
mod invariants;
mod observe;
mod ops;
mod rng;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use crate::system::{hex_string, ICircuitGuard, IVault};
use cast::{Cast, REPORTER_SLOTS, VICTIMS};
use invariants::{Outcome, Tally};
use observe::Observed;
use ops::{Op, Touch};
use rng::Rng;

/// How many operations a violation report lists before the failing one.
const TAIL: usize = 24;

/// What to play.
#[derive(Clone, Debug)]
pub struct Config {
    pub ops: u64,
    pub seed: u64,
    /// Every `sweep_every` operations every reading is taken again, not only those the operation
    /// may touch, and a reading that changed untouched is a violation.
    pub sweep_every: u64,
}

impl Config {
    pub fn new(ops: u64, seed: u64) -> Self {
        Config {
            ops,
            seed,
            sweep_every: 100,
        }
    }
}

/// Successes and reverts (by error name) of one operation kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpCount {
    pub ok: u64,
    pub reverted: BTreeMap<String, u64>,
}

impl OpCount {
    pub fn reverts(&self) -> u64 {
        self.reverted.values().sum()
    }
}

/// A run without violation.
#[derive(Clone, Debug)]
pub struct Summary {
    pub seed: u64,
    pub ops: u64,
    /// Per operation kind this ABI has, in the order of [`ops::KINDS`].
    pub counts: Vec<(&'static str, OpCount)>,
    /// How many times each invariant was checked.
    pub checks: Tally,
    pub flags_created: u32,
    pub reporters_retired: u32,
    /// Retired reporters still holding something, and flags still unsettled, at the end.
    pub retirees_left: usize,
    pub flags_unsettled: usize,
    /// A hash of every operation and its outcome: equal digests, equal runs.
    pub digest: u64,
    pub elapsed: Duration,
}

/// The first invariant a run broke.
#[derive(Clone, Debug)]
pub struct Violation {
    pub seed: u64,
    /// Index of the operation after which the invariant failed (0-based).
    pub index: u64,
    pub what: String,
    /// The operations up to and including the failing one, with their outcomes.
    pub tail: Vec<String>,
}

/// Plays `config.ops` operations; `progress(done, elapsed)` is called every 10,000.
pub fn run(
    config: &Config,
    mut progress: impl FnMut(u64, Duration),
) -> Result<Summary, Box<Violation>> {
    let start = Instant::now();
    let mut soak = Soak::new(config);
    for index in 0..config.ops {
        soak.step(index).map_err(|what| {
            Box::new(Violation {
                seed: config.seed,
                index,
                what,
                tail: soak.tail.iter().cloned().collect(),
            })
        })?;
        if index % 10_000 == 9_999 {
            progress(index + 1, start.elapsed());
        }
    }
    Ok(Summary {
        seed: config.seed,
        ops: config.ops,
        counts: ops::KINDS
            .iter()
            .zip(ops::weights())
            .filter(|(_, weight)| *weight > 0)
            .map(|((k, _), _)| (*k, soak.counts.remove(k).unwrap_or_default()))
            .collect(),
        checks: soak.checks,
        flags_created: soak.seen.flag_count,
        reporters_retired: soak.cast.reporters.generation.iter().sum(),
        retirees_left: soak.cast.reporters.retired.len(),
        flags_unsettled: soak.seen.flags.len(),
        digest: soak.digest,
        elapsed: start.elapsed(),
    })
}

struct Soak {
    cast: Cast,
    rng: Rng,
    seen: Observed,
    sweep_every: u64,
    /// Slots whose current reporter has staked (so a reputation of zero means it was slashed).
    staked: [bool; REPORTER_SLOTS],
    counts: BTreeMap<&'static str, OpCount>,
    checks: Tally,
    tail: VecDeque<String>,
    digest: u64,
}

impl Soak {
    fn new(config: &Config) -> Self {
        let mut cast = Cast::deploy();
        let seen = Observed::read_all(&mut cast);
        Soak {
            cast,
            rng: Rng::new(config.seed),
            seen,
            sweep_every: config.sweep_every.max(1),
            staked: [true; REPORTER_SLOTS],
            counts: BTreeMap::new(),
            checks: Tally::new(),
            tail: VecDeque::with_capacity(TAIL + 1),
            digest: 0xcbf2_9ce4_8422_2325,
        }
    }

    /// Draws, sends and checks operation `index`.
    fn step(&mut self, index: u64) -> Result<(), String> {
        let op = ops::draw(&mut self.rng, &self.cast, &self.seen);
        let outcome = self.send(&op, index);
        let line = format!(
            "#{index} {op} -> {}",
            outcome.error.as_deref().unwrap_or("ok")
        );
        self.remember(line);
        let count = self.counts.entry(op.kind()).or_default();
        match &outcome.error {
            None => count.ok += 1,
            Some(e) => *count.reverted.entry(e.clone()).or_default() += 1,
        }
        if outcome.error.as_deref().is_some_and(|e| e.starts_with('(')) {
            return Err(format!(
                "an untyped revert or halt: {}",
                outcome.error.unwrap_or_default()
            ));
        }
        let touch = touch_of(&op, &self.cast, &self.seen);
        let mut after = self.seen.clone();
        after.refresh(&mut self.cast, &touch, &self.seen.flags);
        if index % self.sweep_every == self.sweep_every - 1 {
            let mut full = self.seen.clone();
            let mut all = Touch::everything(&self.cast);
            all.flags.extend(self.seen.flags.keys());
            full.refresh(&mut self.cast, &all, &self.seen.flags);
            *self
                .checks
                .entry("readings an operation does not touch are unchanged")
                .or_default() += 1;
            if full != after {
                return Err(format!(
                    "a reading changed that the operation does not touch: {}",
                    invariants::difference(&after, &full)
                ));
            }
        }
        invariants::check(
            &mut self.cast,
            &op,
            &outcome,
            &self.seen,
            &after,
            &touch,
            &mut self.checks,
        )?;
        if let (Op::Stake { who, .. }, true) = (&op, outcome.ok) {
            if let Some(slot) =
                (0..REPORTER_SLOTS).find(|s| self.cast.reporters.current(*s) == *who)
            {
                self.staked[slot] = true;
            }
        }
        self.seen = after;
        self.replace_dead_reporters();
        Ok(())
    }

    fn send(&mut self, op: &Op, index: u64) -> Outcome {
        let Some((from, to, data, value)) = op.tx(&self.cast, index) else {
            if let Op::Warp { seconds } = op {
                self.cast.world.warp_by(*seconds);
            }
            return Outcome {
                ok: true,
                error: None,
            };
        };
        match self.cast.world.chain.call(from, to, data, value) {
            Ok(r) if r.success => Outcome {
                ok: true,
                error: None,
            },
            Ok(r) => Outcome {
                ok: false,
                error: Some(match r.halt {
                    Some(halt) => format!("(halt {halt:?})"),
                    None => error_name(&r.output),
                }),
            },
            Err(e) => Outcome {
                ok: false,
                error: Some(format!("(invalid transaction: {e})")),
            },
        }
    }

    fn remember(&mut self, line: String) {
        for b in line.bytes() {
            self.digest = (self.digest ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        if self.tail.len() == TAIL {
            self.tail.pop_front();
        }
        self.tail.push_back(line);
    }

    /// A slot whose reporter lost all reputation (it can never report again) gets a fresh
    /// reporter; a retired one is forgotten once it holds nothing in the registry.
    fn replace_dead_reporters(&mut self) {
        for slot in 0..REPORTER_SLOTS {
            let who = self.cast.reporters.current(slot);
            if self.staked[slot] && self.seen.reporter(who).reputation == 0 {
                self.cast.retire(slot);
                self.staked[slot] = false;
                self.seen.track(self.cast.reporters.current(slot));
            }
        }
        let seen = &mut self.seen;
        self.cast.reporters.retired.retain(|who| {
            let r = seen.reporter(*who);
            let empty = r.stake.is_zero()
                && r.locked.is_zero()
                && r.unbonding.is_zero()
                && seen.claimable_of(*who).is_zero();
            if empty {
                seen.untrack(*who);
            }
            !empty
        });
    }
}

/// What `op` may change, given the readings before it: its sender, its subject (and that
/// subject's victim), the flag it names or its subject's current flag, and everyone in those flags.
fn touch_of(op: &Op, cast: &Cast, before: &Observed) -> Touch {
    let mut t = Touch {
        protocols: op.protocols(cast.world.vault).into_iter().collect(),
        registry: op.reaches_registry(cast.world.vault),
        new_flags: matches!(op, Op::Submit { .. } | Op::EmergencyConfirm { .. }),
        clock: matches!(op, Op::Warp { .. }),
        ..Touch::default()
    };
    t.accounts.extend(op.sender());
    let mut flags: BTreeSet<u32> = op.flag().into_iter().collect();
    if let Some(i) = op.subject() {
        t.subjects.insert(i);
        flags.insert(before.statuses[i].flag_id);
    }
    for id in &flags {
        if let Some(f) = before.flags.get(id) {
            if let Some(i) = cast.subjects.all.iter().position(|s| *s == f.subject) {
                t.subjects.insert(i);
            }
            t.accounts.extend(f.reports.iter().map(|r| r.0));
            t.accounts.extend(f.open_dispute.map(|d| d.0));
        }
    }
    for i in &t.subjects {
        t.accounts.extend(VICTIMS.get(*i));
    }
    flags.remove(&0);
    t.flags = flags;
    t
}

/// The name of a revert's custom error (registry, guard or vault); in parentheses when it is none.
fn error_name(output: &[u8]) -> String {
    let Some(selector) = output
        .get(..4)
        .map(|s| <[u8; 4]>::try_from(s).expect("four bytes"))
    else {
        return format!("(untyped revert 0x{})", hex_string(output));
    };
    abi::error_name(selector)
        .or_else(|| ICircuitGuard::ICircuitGuardErrors::name_by_selector(selector))
        .or_else(|| IVault::IVaultErrors::name_by_selector(selector))
        .map(str::to_string)
        .unwrap_or_else(|| format!("(unknown error 0x{})", hex_string(output)))
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        writeln!(
            f,
            "soak: seed {}, {} operations in {:.1} s ({:.0} operations/s), no violation",
            self.seed,
            self.ops,
            secs,
            self.ops as f64 / secs.max(1e-9)
        )?;
        writeln!(
            f,
            "\n{:<18} {:>9} {:>9}  reverts by error",
            "operation", "ok", "reverted"
        )?;
        for (kind, c) in &self.counts {
            let by: Vec<String> = c.reverted.iter().map(|(e, n)| format!("{e} {n}")).collect();
            writeln!(
                f,
                "{kind:<18} {:>9} {:>9}  {}",
                c.ok,
                c.reverts(),
                by.join(", ")
            )?;
        }
        let total: u64 = self.checks.values().sum();
        writeln!(f, "\ninvariant checks: {total}")?;
        for (name, n) in &self.checks {
            writeln!(f, "{n:>12}  {name}")?;
        }
        writeln!(
            f,
            "\nflags created: {} ({} unsettled at the end); reporters retired (reputation gone): \
             {} ({} still winding down); digest {:016x}",
            self.flags_created,
            self.flags_unsettled,
            self.reporters_retired,
            self.retirees_left,
            self.digest
        )
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "soak: VIOLATION at operation #{} (seed {}): {}",
            self.index, self.seed, self.what
        )?;
        writeln!(f, "last operations:")?;
        for line in &self.tail {
            writeln!(f, "  {line}")?;
        }
        write!(
            f,
            "replay: ./script/soak.sh --ops {} --seed {}",
            self.index + 1,
            self.seed
        )
    }
}
