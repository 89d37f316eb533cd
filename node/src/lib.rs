//! vigil-node: the devnet served over JSON-RPC, so cast, forge, alloy, viem and cargo stylus can
//! talk to a chain that runs Stylus and EVM code side by side.
//!
//! One module per job: [`accounts`] (the prefunded keys), [`tx`] (signed and call
//! transactions), [`chain`] (mining, calls, cheats), [`block`] (sealing), [`history`] (what clients read back),
//! [`clock`] (timestamps), [`filters`], [`node`] (the chain thread), [`rpc`] (the methods), [`state`] (the state file),
//! [`server`] (start and stop), [`error`] (JSON-RPC error codes).

pub mod accounts;
pub mod block;
pub mod chain;
pub mod clock;
pub mod error;
pub mod filters;
pub mod history;
pub mod node;
pub mod rpc;
pub mod server;
pub mod state;
pub mod tx;

pub use server::{start, Config, Running, StartError};
