//! Nitro's ArbOS precompiles beside ArbWasm: ArbSys (0x64), ArbOwnerPublic (0x6b) and
//! ArbWasmCache (0x72), and the wrapper every one of them, ArbWasm included, runs under.
//!
//! The wrapper follows Nitro's `Precompile.Call`: a call without a known selector, under a
//! delegate call or call code (not acting as the precompile), writing under STATICCALL, or with
//! value to a method that is not payable reverts with no data and consumes all its gas; otherwise
//! the caller pays 800 to open ArbOS state (it reads the ArbOS version), 3 per word of arguments,
//! what the method's storage work costs, and 3 per word of the result or of the Solidity error
//! data. A Solidity error reverts with its data and returns the gas left.

mod address_set;
pub mod arb_owner_public;
pub mod arb_sys;
pub mod arb_wasm_cache;

pub(crate) use address_set::AddressSet;

use crate::error::ProgramError;
use crate::evm::Ctx;
use crate::stylus::gas;
use crate::stylus::programs::{self, Arbos, Burner, Fail, OutOfGas};
use alloy_sol_types::SolInterface;
use revm::context::{ContextTr, JournalTr};
use revm::database_interface::DatabaseRef;
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{Address, Bytes, Log, LogData, B256, U256};

/// Opening ArbOS state reads its version: one storage read.
const OPEN_STATE_GAS: u64 = programs::STORAGE_READ_GAS;
/// Reading an account's code hash (priced as a cold account access, warm or not).
const CODE_HASH_GAS: u64 = 2_600;
/// Per word of arguments and of results.
const COPY_GAS: u64 = 3;

/// What a method may do (Nitro's purity, without `pure`: every method served here reads state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purity {
    View,
    Write,
    Payable,
}

/// One precompile: its address, ABI and methods.
pub(crate) trait Precompile {
    const ADDRESS: Address;
    type Calls: SolInterface;

    /// The purity of a method whose selector the ABI knows.
    fn purity(selector: [u8; 4]) -> Purity;

    /// Runs a decoded method; returns its ABI-encoded result.
    fn dispatch(call: &mut Call<'_>, method: Self::Calls) -> Result<Vec<u8>, Failure>;
}

/// How a method stops short of returning.
pub(crate) enum Failure {
    /// A Solidity error: revert with its data, the gas left returned.
    Error(Vec<u8>),
    /// A plain error: revert with no data, the gas left returned.
    Revert,
    /// Out of gas (or Nitro's `BurnOut`): revert with no data, all gas consumed.
    OutOfGas,
    /// Program validation or compilation failed: all gas consumed, and not as a revert.
    Activation,
}

impl From<OutOfGas> for Failure {
    fn from(_: OutOfGas) -> Self {
        Failure::OutOfGas
    }
}

impl From<ProgramError> for Failure {
    fn from(error: ProgramError) -> Self {
        Failure::Error(error.abi_encode())
    }
}

impl From<Fail> for Failure {
    fn from(fail: Fail) -> Self {
        match fail {
            Fail::Program(error) => error.into(),
            Fail::OutOfGas => Failure::OutOfGas,
        }
    }
}

/// One decoded call and what it runs against.
pub(crate) struct Call<'a> {
    /// ArbOS state through the transaction's journal, and the caller's gas.
    pub arbos: Arbos<&'a mut Ctx>,
    pub caller: Address,
    pub value: U256,
    /// The block's timestamp.
    pub time: u64,
    /// The ArbOS version read when the state was opened.
    pub arbos_version: u64,
    /// Whether activation accepts the debug "console" imports.
    pub debug: bool,
}

impl Call<'_> {
    /// An account's code hash, priced as Nitro prices it and without warming the account (Nitro
    /// reads the state directly, outside the access list).
    pub fn code_hash(&mut self, address: Address) -> Result<B256, Failure> {
        self.arbos.gas.burn(CODE_HASH_GAS)?;
        Ok(account_code(&*self.arbos.words, address).0)
    }
}

/// Emits an event from `address` after charging geth's log price for it.
pub(crate) fn emit(
    arbos: &mut Arbos<&mut Ctx>,
    address: Address,
    data: LogData,
) -> Result<(), OutOfGas> {
    let cost = gas::log_gas(data.topics().len() as u64, data.data.len() as u64);
    arbos.gas.burn(cost)?;
    arbos.words.journal_mut().log(Log { address, data });
    Ok(())
}

/// An account's code hash and code as the state has them now, without touching the access list:
/// the transaction's journal if it loaded the account, the committed state otherwise.
pub(crate) fn account_code(ctx: &Ctx, address: Address) -> (B256, Bytes) {
    let journal = ctx.journal_ref();
    let db = journal.db();
    let info = match journal.evm_state().get(&address) {
        Some(account) => account.info.clone(),
        None => match db.basic_ref(address) {
            Ok(info) => info.unwrap_or_default(),
            Err(never) => match never {},
        },
    };
    let code = match info.code {
        Some(code) => code.original_bytes(),
        None => match db.code_by_hash_ref(info.code_hash) {
            Ok(code) => code.original_bytes(),
            Err(never) => match never {},
        },
    };
    (info.code_hash, code)
}

/// Runs one call to precompile `P` with the frame's gas; revm has already moved the call value
/// to the precompile and reverts the frame's changes unless this returns successfully.
pub(crate) fn run<P: Precompile>(
    ctx: &mut Ctx,
    inputs: &CallInputs,
    debug: bool,
) -> InterpreterResult {
    let input = inputs.input.bytes(ctx);
    let mut gas = Gas::new_with_regular_gas_and_reservoir(inputs.gas_limit, inputs.reservoir);
    let (result, output) = match answer::<P>(ctx, inputs, &input, debug) {
        // The burner stops at the limit, so the charges below always fit.
        Reply::Return(output, used) => {
            let _ = gas.record_regular_cost(used);
            (InstructionResult::Return, output)
        }
        Reply::Revert(output, used) => {
            let _ = gas.record_regular_cost(used);
            (InstructionResult::Revert, output)
        }
        Reply::RevertAll => {
            gas.spend_all();
            (InstructionResult::Revert, Bytes::new())
        }
        Reply::Halt(result) => {
            gas.spend_all();
            (result, Bytes::new())
        }
    };
    InterpreterResult::new(result, output, gas)
}

/// How a call ends, as Nitro's precompile wrapper ends it.
enum Reply {
    /// Output and gas used.
    Return(Bytes, u64),
    /// Revert data (empty for a plain error) and gas used.
    Revert(Bytes, u64),
    /// Revert with no data, all gas consumed.
    RevertAll,
    /// A failure that is not a revert, all gas consumed.
    Halt(InstructionResult),
}

fn answer<P: Precompile>(ctx: &mut Ctx, inputs: &CallInputs, input: &[u8], debug: bool) -> Reply {
    let Some(selector) = input.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return Reply::RevertAll;
    };
    if !P::Calls::valid_selector(selector) {
        return Reply::RevertAll;
    }
    let purity = P::purity(selector);
    let value = inputs.value.get();
    let refused = inputs.target_address != P::ADDRESS
        || (purity != Purity::View && inputs.is_static)
        || (purity != Purity::Payable && !value.is_zero());
    if refused {
        return Reply::RevertAll;
    }
    let mut burner = Burner::metered(inputs.gas_limit);
    if burner.burn(OPEN_STATE_GAS).is_err() {
        return Reply::Halt(InstructionResult::PrecompileOOG);
    }
    let arbos_version = programs::arbos_version(ctx);
    let args = &input[4..];
    if burner
        .burn(COPY_GAS * gas::words(args.len() as u64))
        .is_err()
    {
        return Reply::RevertAll;
    }
    let Ok(method) = P::Calls::abi_decode_raw(selector, args) else {
        return Reply::RevertAll;
    };
    let time = ctx.block.timestamp.saturating_to();
    let mut call = Call {
        arbos: Arbos {
            words: ctx,
            gas: burner,
        },
        caller: inputs.caller,
        value,
        time,
        arbos_version,
        debug,
    };
    let outcome = P::dispatch(&mut call, method);
    let gas = &mut call.arbos.gas;
    let (data, success) = match outcome {
        Ok(output) => (output, true),
        Err(Failure::Error(data)) => (data, false),
        Err(Failure::Revert) => return Reply::Revert(Bytes::new(), gas.used()),
        Err(Failure::OutOfGas) => return Reply::RevertAll,
        Err(Failure::Activation) => return Reply::Halt(InstructionResult::PrecompileError),
    };
    // Returning data (or error data) costs its words too.
    if gas.burn(COPY_GAS * gas::words(data.len() as u64)).is_err() {
        return Reply::RevertAll;
    }
    if success {
        Reply::Return(data.into(), gas.used())
    } else {
        Reply::Revert(data.into(), gas.used())
    }
}
