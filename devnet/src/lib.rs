//! vigil-devnet: an embedded chain that runs deployable Stylus wasm and EVM bytecode together.
//!
//! EVM code runs under revm; Stylus programs (code with the 0xEFF000 prefix) run under wasmi as
//! frames of the same revm frame loop, so both share one journal. See `README.md` for the design,
//! the gas model and where it approximates Nitro.

pub mod artifacts;
pub mod calls;
pub mod chain;
pub mod error;
pub mod evm;
pub mod genesis;
pub mod precompiles;
pub mod report;
pub mod soak;
pub mod stylus;
pub mod system;

pub use chain::{BlockInfo, ChainState, Devnet, Fees, Output, Receipt, TxRequest};
pub use error::{ActivationError, DevnetError, ProgramError, TxError};
pub use revm::primitives::{keccak256, Address, Bytes, Log, TxKind, B256, U256};
