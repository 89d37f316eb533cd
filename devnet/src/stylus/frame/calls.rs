//! Calls and creates from a program, priced as Nitro's `doCall` and `create`, run as nested revm
//! frames on the same frame stack so both VMs share one journal.

use super::wasm::Wasm;
use super::{ok, Escape, Frame};
use crate::evm::DevnetEvm;
use crate::stylus::gas::*;
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::CreateScheme;
use revm::handler::FrameResult;
use revm::interpreter::{
    interpreter_action::FrameInit, CallInput, CallInputs, CallScheme, CallValue, CreateInputs,
    FrameInput, InstructionResult, InterpreterResult,
};
use revm::primitives::{Address, Bytes, U256};
use wasmi::{Store, StoreLimits};

pub(super) fn access_gas(cold: bool) -> u64 {
    if cold {
        COLD_ACCOUNT_GAS
    } else {
        WARM_ACCESS_GAS
    }
}

/// Status byte Nitro hands a program for a sub-call that reverted or failed (`userFailure`).
const CALL_FAILED: u64 = 2;

/// A call from a program, as Nitro's `doCall`: EIP-2929 access and value costs, then
/// `min((gas_left - base) * 63 / 64, requested)` forwarded plus the stipend when value moves.
/// Returns Nitro's status byte: 0 on success, [`CALL_FAILED`] otherwise.
#[allow(clippy::too_many_arguments)]
pub(super) fn call(
    evm: &mut DevnetEvm<'_>,
    frame: &mut Frame,
    wasm: &Wasm,
    store: &mut Store<StoreLimits>,
    scheme: CallScheme,
    target: Address,
    calldata: Bytes,
    value: U256,
    gas_requested: u64,
) -> Result<u64, Escape> {
    frame.return_data = Bytes::new();
    // Value in a static context: write protection, nothing charged.
    if frame.is_static && !value.is_zero() {
        return Ok(CALL_FAILED);
    }
    let journal = evm.inner.ctx.journal_mut();
    let account = ok(journal.load_account_with_code(target));
    let cold = account.is_cold;
    let empty = account.data.is_empty();
    let code_hash = account.data.info.code_hash;
    let code = account.data.info.code.clone().unwrap_or_default();
    let mut base = access_gas(cold);
    if !value.is_zero() {
        base += CALL_VALUE_GAS;
        if empty {
            base += NEW_ACCOUNT_GAS;
        }
    }
    let gas_left = wasm.gas_left(store);
    if gas_left < base {
        // Nitro charges everything the program has and reports a failed call.
        wasm.buy_gas(store, gas_left)?;
        return Ok(CALL_FAILED);
    }
    wasm.buy_gas(store, base)?;
    let gas = ((gas_left - base) * 63 / 64).min(gas_requested);
    wasm.buy_gas(store, gas)?;
    let stipend = if value.is_zero() { 0 } else { CALL_STIPEND };
    let delegate = scheme == CallScheme::DelegateCall;
    let inputs = CallInputs {
        input: CallInput::Bytes(calldata),
        return_memory_offset: 0..0,
        gas_limit: gas + stipend,
        reservoir: 0,
        bytecode_address: target,
        known_bytecode: (code_hash, code),
        target_address: if delegate { frame.target } else { target },
        caller: if delegate { frame.caller } else { frame.target },
        value: if delegate {
            CallValue::Apparent(frame.value)
        } else {
            CallValue::Transfer(value)
        },
        scheme,
        is_static: frame.is_static || scheme == CallScheme::StaticCall,
        charged_new_account_state_gas: false,
    };
    let result = nested(evm, frame, FrameInput::Call(Box::new(inputs)))?;
    let FrameResult::Call(outcome) = result else {
        return Err(Escape::Failure);
    };
    settle(frame, wasm, store, &outcome.result);
    frame.return_data = outcome.result.output;
    Ok(if outcome.result.result.is_ok() {
        0
    } else {
        CALL_FAILED
    })
}

/// CREATE/CREATE2 from a program, priced as Nitro's `create`: base cost (plus hashing for
/// CREATE2), all but 1/64 of the rest forwarded. Returns the new address or zero.
pub(super) fn create(
    evm: &mut DevnetEvm<'_>,
    frame: &mut Frame,
    wasm: &Wasm,
    store: &mut Store<StoreLimits>,
    scheme: CreateScheme,
    code: Bytes,
    endowment: U256,
) -> Result<Address, Escape> {
    if frame.is_static {
        return Err(Escape::Failure);
    }
    let mut base = CREATE_GAS;
    if matches!(scheme, CreateScheme::Create2 { .. }) {
        base += KECCAK_WORD_GAS * words(code.len() as u64);
    }
    // Nitro's create returns an error here, which fails the program.
    if wasm.gas_left(store) < base {
        return Err(Escape::Failure);
    }
    wasm.buy_gas(store, base)?;
    let available = wasm.gas_left(store);
    let gas = available - available / 64;
    wasm.buy_gas(store, gas)?;
    let inputs = CreateInputs::new(frame.target, scheme, endowment, code, gas, 0);
    let result = nested(evm, frame, FrameInput::Create(Box::new(inputs)))?;
    let FrameResult::Create(outcome) = result else {
        return Err(Escape::Failure);
    };
    settle(frame, wasm, store, &outcome.result);
    let reverted = outcome.result.result == InstructionResult::Revert;
    frame.return_data = if reverted {
        outcome.result.output
    } else {
        Bytes::new()
    };
    Ok(if outcome.result.result.is_ok() {
        outcome.address.unwrap_or_default()
    } else {
        Address::ZERO
    })
}

/// Returns a child's unused gas to the program and keeps its refunds if it succeeded.
fn settle(
    frame: &mut Frame,
    wasm: &Wasm,
    store: &mut Store<StoreLimits>,
    result: &InterpreterResult,
) {
    wasm.give_gas(store, result.gas.remaining());
    if result.result.is_ok() {
        frame.refund += result.gas.refunded();
    }
}

/// Runs a sub-call or sub-create on revm's frame stack in a child memory context.
fn nested(
    evm: &mut DevnetEvm<'_>,
    frame: &mut Frame,
    frame_input: FrameInput,
) -> Result<FrameResult, Escape> {
    let init = FrameInit {
        depth: frame.depth + 1,
        memory: frame.memory.new_child_context(),
        frame_input,
    };
    let result = evm.run_nested(init).map_err(Escape::Fatal);
    frame.memory.free_child_context();
    result
}
