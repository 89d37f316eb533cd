//! Types the ThreatRegistry and the CircuitGuard must agree on bit for bit.
//!
//! The registry writes a subject's hot status as one packed storage word and pushes that same word to
//! the guard, which stores it verbatim and decodes it on the hot path. Keeping the codec in one
//! `no_std` crate is what makes "one SLOAD per lookup" and "the guard never calls the registry" safe.

#![no_std]
extern crate alloc;

pub mod abi;
pub mod status;
pub mod subject;

pub use status::{Level, Status};
pub use subject::SubjectKind;
