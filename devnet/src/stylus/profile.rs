//! A gas profile of Stylus programs per wasm function: where a transaction's ink went, from the
//! devnet's own meter, so the next optimisation is chosen from data (`bench --profile`).
//!
//! A profiled run executes each program's [`super::meter::instrument_profiled`] module, whose
//! blocks add their ink to a counter of their function and name the function that runs. Every
//! charge is the same as in an unprofiled run: the profile only reads the counters. Each frame of
//! a program contributes:
//! - its entry cost (memory pages, the cached cost and, uncached, the init cost);
//! - per function, the ink of its own instructions ([`CODE`]) and of each hostio it called, named
//!   as the import is, including the EVM gas the hostio charged (storage, logs, account reads; a
//!   call hostio includes the whole callee, which the callee's own frame breaks down again);
//! - the storage flush at its return;
//! - what no counter saw: bulk-memory bytes and pages grown inside a hostio ([`UNATTRIBUTED`]).

use revm::primitives::Address;
use std::collections::BTreeMap;

/// The charge of a function's own instructions.
pub const CODE: &str = "code";
/// Entry cost of a frame.
pub const ENTRY: &str = "entry (pages, cached and init cost)";
/// The host cache's storage writes at a successful return.
pub const FLUSH: &str = "storage flush at return";
/// Ink of the frame that no function counter or hostio saw.
pub const UNATTRIBUTED: &str = "unattributed (bulk memory bytes)";

/// Where in a program a charge was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Site {
    /// The frame itself: its entry, its flush, its unattributed rest.
    Frame,
    /// A function, by its index in the module (imports first, as a name section numbers them).
    Function(u32),
}

/// One charge's total over the profiled run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub ink: u64,
    /// Times it was charged: hostio calls, frames, or the functions' runs that charged ink.
    pub count: u64,
}

/// The profile of everything that ran since [`super::StylusState::start_profile`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub costs: BTreeMap<(Address, Site, &'static str), Cost>,
}

impl Profile {
    pub(crate) fn add(&mut self, program: Address, site: Site, what: &'static str, ink: u64) {
        let cost = self.costs.entry((program, site, what)).or_default();
        cost.ink = cost.ink.saturating_add(ink);
        cost.count += 1;
    }

    /// All ink charged to `program`'s frames.
    pub fn program_ink(&self, program: Address) -> u64 {
        self.costs
            .iter()
            .filter(|((p, ..), _)| *p == program)
            .map(|(_, c)| c.ink)
            .sum()
    }
}
