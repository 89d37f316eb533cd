//! The `vigil` command's library: everything the binary does, callable from tests, so the
//! binary itself only parses arguments and prints.
//!
//! - [`config`]: the deployment's TOML (governance, resolvers, parameters).
//! - [`wasm`]: the programs' wasm as built, compressed and hashed the way they go on chain.
//! - [`plan`]: the ordered steps of a deployment and the calls each makes.
//! - [`record`]: `deployments/<chainId>.json`, written after every mined step.
//! - [`chain`]: the JSON-RPC client that reads, estimates, signs and sends.
//! - [`deploy`]: runs the plan, resuming from the record and the chain.

pub mod abi;
pub mod call;
pub mod chain;
pub mod config;
pub mod deploy;
pub mod error;
pub mod plan;
pub mod record;
pub mod safe;
pub mod wasm;

pub use error::DeployError;
