//! Code the ThreatRegistry and the CircuitGuard share.
//!
//! Types they must agree on bit for bit: the registry writes a subject's hot status as one packed
//! storage word ([`status`]) and pushes that same word to the guard, which stores it verbatim and
//! decodes it on the hot path; keeping the codec in one `no_std` crate is what makes "one SLOAD per
//! lookup" and "the guard never calls the registry" safe.
//!
//! And one pattern per concern, so both contracts read alike: [`abi`] (argument readers, return
//! encoders, the revert encoder), [`log`] (the event emitter), [`router`] (the `router!` table and
//! `entrypoint!`), [`ownable`] (two-step ownership), [`timelock`] (owner powers behind a delay),
//! [`export`] (the published Solidity interface: events, named errors and NatSpec added to the
//! SDK's export). With the `testing` feature, [`testing`] holds the twin-router harness the
//! contracts' tests share.

#![no_std]
extern crate alloc;
#[cfg(feature = "testing")]
extern crate std;

pub mod abi;
pub mod export;
pub mod log;
pub mod map;
pub mod ownable;
pub mod router;
pub mod status;
pub mod subject;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timelock;
pub mod word;

pub use map::Map;
pub use status::{Level, Status};
pub use subject::SubjectKind;

/// What the exported macros name, so a contract needs no extra imports for them.
#[doc(hidden)]
pub mod __private {
    pub use alloc::{vec, vec::Vec};
    pub use alloy_primitives::U256;
    pub use stylus_sdk;
}
