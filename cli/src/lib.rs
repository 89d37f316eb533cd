//! The `vigil` command's library: everything the binary does, callable from tests, so the
//! binary itself only parses arguments and prints.
//!
//! - [`config`]: the deployment's TOML (governance, resolvers, parameters).
//! - [`wasm`]: the programs' wasm as built, compressed and hashed the way they go on chain.
//! - [`plan`]: the ordered steps of a deployment and the calls each makes.
//! - [`record`]: `deployments/<chainId>.json`, written after every mined step.
//! - [`chain`]: the JSON-RPC client that reads, estimates, signs and sends.
//! - [`deploy`]: runs the plan, resuming from the record and the chain.
//! - [`keys`]: the signing key, from the environment or an encrypted keystore.
//! - [`context`]: the options every command takes, and Vigil's addresses on the chain.
//! - [`status`]: `vigil status`, one subject as the registry and the guard see it.
//! - [`doctor`]: `vigil doctor`, the deployment's health and the fix for each problem.
//! - [`feed`]: `vigil feed`, every status change rebuilt from the registry's logs, as JSON lines.
//! - [`explorer`]: `vigil explorer`, the web page's files and its config, served.
//! - [`subject`], [`parse`]: what users type (subjects, amounts, durations, selectors, evidence).

pub mod abi;
pub mod call;
pub mod chain;
pub mod config;
pub mod context;
pub mod deploy;
pub mod doctor;
pub mod error;
pub mod explain;
pub mod explorer;
pub mod feed;
pub mod governance;
pub mod keys;
pub mod parse;
pub mod plan;
pub mod protocol;
pub mod record;
pub mod reporter;
pub mod safe;
pub mod send;
pub mod status;
pub mod subject;
pub mod wasm;
pub mod watch;

pub use error::Error;
