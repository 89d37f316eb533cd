//! A Stylus call frame: entry cost, the wasm run with its suspend/resume loop, and every hostio.
//!
//! The program runs under wasmi as a resumable call. Each hostio suspends the wasm (see
//! [`super::Suspend`]) and is answered with the whole EVM at hand: storage goes through revm's
//! journal, and sub-calls and creates run as nested revm frames on the same frame stack.
//!
//! This file is the frame's life: value transfer and checkpoint, entry cost, the resume loop, the
//! storage flush and the result handed back to revm. `hostio` answers each request, `calls` runs
//! a program's sub-calls and creates, `wasm` reads and meters the instance.

mod calls;
mod hostio;
mod trace;
mod wasm;

use super::gas::*;
use super::hooks::Hook;
use super::profile::{Site, CODE, ENTRY, FLUSH, UNATTRIBUTED};
use super::{profiled_program, program, programs, Suspend};
use crate::error::ProgramError;
use crate::evm::{Ctx, DevnetEvm};
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::context::ContextError;
use revm::handler::{evm::ContextDbError, FrameResult};
use revm::interpreter::{
    interpreter_action::FrameInit, CallInputs, CallOutcome, CallScheme, CallValue, FrameInput, Gas,
    InstructionResult, InterpreterResult, SharedMemory,
};
use revm::primitives::{constants::CALL_STACK_LIMIT, Address, Bytes, B256, U256};
use std::collections::BTreeMap;
use std::convert::Infallible;
use wasm::{Counters, Wasm};
use wasmi::{
    Instance, Module, Store, StoreLimits, StoreLimitsBuilder, TrapCode, TypedResumableCall,
};

/// How a hostio leaves the normal flow.
enum Escape {
    /// Ink ran out: the frame halts out of gas.
    OutOfInk,
    /// The wasm call stack overflowed: the frame halts like a call too deep (Nitro's ErrDepth).
    OutOfStack,
    /// A bad pointer, a write in a static context, a malformed log, ...: the frame reverts.
    Failure,
    /// `exit_early(status)`.
    Exit(u32),
    /// The database failed: the transaction aborts.
    Fatal(ContextDbError<Ctx>),
}

fn ok<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// One slot of the host-side storage cache.
struct Slot {
    value: B256,
    dirty: bool,
}

/// What a running program sees of its call.
struct Frame {
    caller: Address,
    /// The acting address: storage, logs and `contract_address` (the caller's, under delegatecall).
    target: Address,
    value: U256,
    is_static: bool,
    reentrant: bool,
    depth: usize,
    calldata: Bytes,
    cache: BTreeMap<B256, Slot>,
    return_data: Bytes,
    output: Bytes,
    refund: i64,
    /// Parent memory context for the shared buffer nested EVM frames use.
    memory: SharedMemory,
}

enum Kind {
    Success,
    Revert,
    Failure,
    OutOfGas,
    OutOfStack,
    /// The code has the Stylus prefix but no program that may run: never activated, expired, or
    /// activated under an older Stylus version (Nitro's `getActiveProgram` errors).
    Unavailable,
}

struct Exec {
    kind: Kind,
    output: Bytes,
    gas_left: u64,
    refund: i64,
}

impl Exec {
    fn halt(kind: Kind, gas_left: u64) -> Self {
        Exec {
            kind,
            output: Bytes::new(),
            gas_left,
            refund: 0,
        }
    }
}

/// Runs a call into a Stylus program as one frame and returns its result to revm.
pub(crate) fn run(
    evm: &mut DevnetEvm<'_>,
    init: FrameInit,
) -> Result<FrameResult, ContextDbError<Ctx>> {
    let FrameInit {
        depth,
        memory,
        frame_input,
    } = init;
    let FrameInput::Call(inputs) = frame_input else {
        return Err(ContextError::Custom("Stylus frames are calls".into()));
    };
    let limit = inputs.gas_limit;
    let outcome = |result, gas, output| {
        FrameResult::Call(CallOutcome {
            result: InterpreterResult {
                result,
                gas,
                output,
            },
            memory_offset: inputs.return_memory_offset.clone(),
            was_precompile_called: false,
            precompile_call_logs: Vec::new(),
            charged_new_account_state_gas: inputs.charged_new_account_state_gas,
        })
    };
    let fresh_gas = || Gas::new_with_regular_gas_and_reservoir(limit, inputs.reservoir);
    if depth > CALL_STACK_LIMIT as usize {
        return Ok(outcome(
            InstructionResult::CallTooDeep,
            fresh_gas(),
            Bytes::new(),
        ));
    }
    let checkpoint = evm.inner.ctx.journal_mut().checkpoint();
    if let CallValue::Transfer(value) = inputs.value {
        let journal = evm.inner.ctx.journal_mut();
        if let Some(error) = ok(journal.transfer(inputs.caller, inputs.target_address, value)) {
            journal.checkpoint_revert(checkpoint);
            return Ok(outcome(error.into(), fresh_gas(), Bytes::new()));
        }
    }
    let calldata = inputs.input.bytes(&evm.inner.ctx);
    let mut exec = execute(evm, &inputs, calldata, depth, memory)?;
    // Return data costs at least what the EVM's memory expansion would (ArbOS StylusFixes).
    if !exec.output.is_empty() {
        let floor = evm_memory_gas(exec.output.len() as u64);
        if limit < floor {
            exec = Exec::halt(Kind::OutOfGas, 0);
        } else {
            exec.gas_left = exec.gas_left.min(limit - floor);
        }
    }
    let journal = evm.inner.ctx.journal_mut();
    let (result, output) = match exec.kind {
        Kind::Success => {
            journal.checkpoint_commit();
            (InstructionResult::Return, exec.output)
        }
        Kind::Revert => {
            journal.checkpoint_revert(checkpoint);
            (InstructionResult::Revert, exec.output)
        }
        Kind::Failure => {
            journal.checkpoint_revert(checkpoint);
            (InstructionResult::Revert, Bytes::new())
        }
        Kind::OutOfGas => {
            journal.checkpoint_revert(checkpoint);
            (InstructionResult::OutOfGas, Bytes::new())
        }
        Kind::OutOfStack => {
            journal.checkpoint_revert(checkpoint);
            (InstructionResult::CallTooDeep, Bytes::new())
        }
        Kind::Unavailable => {
            journal.checkpoint_revert(checkpoint);
            (InstructionResult::NotActivated, Bytes::new())
        }
    };
    let mut gas = fresh_gas();
    // gas_left is clamped to the limit, so this charge always fits.
    let _ = gas.record_regular_cost(limit - exec.gas_left.min(limit));
    if result.is_ok() {
        gas.record_refund(exec.refund);
    }
    Ok(outcome(result, gas, output))
}

/// Charges the entry cost, tracks the transaction's pages and reentrancy, and runs the program.
fn execute(
    evm: &mut DevnetEvm<'_>,
    inputs: &CallInputs,
    calldata: Bytes,
    depth: usize,
    memory: SharedMemory,
) -> Result<Exec, ContextDbError<Ctx>> {
    let limit = inputs.gas_limit;
    let code_hash = inputs.known_bytecode.0;
    let code = inputs.known_bytecode.1.original_byte_slice();
    // A program that may not run (never activated, expired, outdated) fails as Nitro's
    // `getActiveProgram` error does: not a revert, so the frame's gas is consumed and no data
    // returned. Activation compiled it, so the lookup of the module cannot fail after the record.
    let time = evm.inner.ctx.block.timestamp.saturating_to();
    let runnable = programs::runnable(&mut evm.inner.ctx, code_hash, time).and_then(|record| {
        program(code, code_hash, evm.stylus.debug())
            .map(|program| (record, program))
            .map_err(|_| ProgramError::NotActivated)
    });
    let (record, program) = match runnable {
        Ok(found) => found,
        Err(error) => {
            if depth == 0 {
                evm.tx.unavailable = Some(error);
            }
            return Ok(Exec::halt(Kind::Unavailable, 0));
        }
    };
    // Recorded before the entry cost is paid, as Nitro inserts into its recent-wasms set first.
    let recent = !evm.tx.recent.insert(code_hash);
    let cached = record.cached || recent;
    let entry = memory_gas(record.footprint, evm.tx.pages_open, evm.tx.pages_ever)
        .saturating_add(record.cached_gas())
        .saturating_add(if cached { 0 } else { record.init_gas() });
    if entry > limit {
        return Ok(Exec::halt(Kind::OutOfGas, 0));
    }
    // A profiled run executes the same code with per-function counters; activation accepted the
    // code above, so instrumenting it again cannot fail.
    let module = if evm.stylus.profiler().is_some() {
        let Ok(module) = profiled_program(code, code_hash) else {
            return Ok(Exec::halt(Kind::Failure, 0));
        };
        let program = inputs.bytecode_address;
        if let Some(mut profile) = evm.stylus.profiler() {
            profile.add(
                program,
                Site::Frame,
                ENTRY,
                entry.saturating_mul(INK_PER_GAS),
            );
        }
        module
    } else {
        program.module.clone()
    };
    let pages_open = evm.tx.pages_open;
    evm.tx.pages_open = pages_open.saturating_add(record.footprint);
    evm.tx.pages_ever = evm.tx.pages_ever.max(evm.tx.pages_open);
    // As Nitro's TxProcessor: delegate and callcode frames do not open a span of their acting
    // address; a program is reentrant when another open span has its address.
    let counted = !matches!(
        inputs.scheme,
        CallScheme::DelegateCall | CallScheme::CallCode
    );
    let target = inputs.target_address;
    if counted {
        evm.tx.active.push(target);
    }
    let reentrant = evm.tx.active.iter().filter(|a| **a == target).count() > 1;

    let mut frame = Frame {
        caller: inputs.caller,
        target: inputs.target_address,
        value: inputs.value.get(),
        is_static: inputs.is_static,
        reentrant,
        depth,
        calldata,
        cache: BTreeMap::new(),
        return_data: Bytes::new(),
        output: Bytes::new(),
        refund: 0,
        memory,
    };
    let exec = interpret(
        evm,
        &module,
        &mut frame,
        limit - entry,
        inputs.bytecode_address,
    );

    if counted {
        evm.tx.active.pop();
    }
    evm.tx.pages_open = pages_open;
    exec
}

/// Instantiates the program and drives its resumable call, answering each hostio.
/// `code_address` names the program in a profile.
fn interpret(
    evm: &mut DevnetEvm<'_>,
    module: &Module,
    frame: &mut Frame,
    gas: u64,
    code_address: Address,
) -> Result<Exec, ContextDbError<Ctx>> {
    // Memory can never exceed Stylus' page limit, even in a module without pay_for_memory_grow.
    let limits = StoreLimitsBuilder::new()
        .memory_size(usize::from(PAGE_LIMIT) * 65_536)
        .build();
    let mut store = Store::new(evm.stylus.engine(), limits);
    store.limiter(|limits| limits);
    let Ok(instance) = evm
        .stylus
        .linker()
        .instantiate_and_start(&mut store, module)
    else {
        return Ok(Exec::halt(Kind::Failure, gas));
    };
    let Some(wasm) = Wasm::bind(&store, &instance) else {
        return Ok(Exec::halt(Kind::Failure, gas));
    };
    wasm.set_ink(&mut store, gas.saturating_mul(INK_PER_GAS));
    let Ok(entrypoint) = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint") else {
        return Ok(Exec::halt(Kind::Failure, gas));
    };
    let args_len = i32::try_from(frame.calldata.len()).unwrap_or(i32::MAX);
    // Nitro traces the entry and the return at the ink the program starts with.
    let start_ink = wasm.ink(&store);
    if let Some(mut tracer) = evm.stylus.tracer() {
        let len = (args_len as u32).to_be_bytes().to_vec();
        tracer.hostio(
            "user_entrypoint",
            len,
            Vec::new(),
            (start_ink, start_ink),
            None,
        );
    }
    let mut profile = FrameProfile::bind(evm, &store, &instance, code_address, start_ink);
    let mut call = entrypoint.call_resumable(&mut store, args_len);
    let end = loop {
        match call {
            Ok(TypedResumableCall::Finished(status)) => break Ok(status as u32),
            Ok(TypedResumableCall::HostTrap(trap)) => {
                let Some(Suspend { hook, args }) = trap.host_error().downcast_ref::<Suspend>()
                else {
                    break Err(Escape::Failure);
                };
                let (hook, args) = (*hook, args.clone());
                let traced = evm
                    .stylus
                    .tracer()
                    .is_some()
                    .then(|| (wasm.ink(&store), trace::args(hook, &args, &wasm, &store)));
                let ink_before = wasm.ink(&store);
                let answer = hostio::answer(evm, frame, &wasm, &mut store, hook, &args);
                if let Some(profile) = profile.as_mut() {
                    profile.hostio(evm, &wasm, &store, hook, ink_before);
                }
                if let Some((ink, operands)) = traced {
                    record(
                        evm, frame, &wasm, &store, hook, &args, ink, operands, &answer,
                    );
                }
                match answer {
                    Ok(results) => call = trap.resume(&mut store, &results),
                    Err(escape) => break Err(escape),
                }
            }
            Ok(TypedResumableCall::OutOfFuel(_)) => break Err(Escape::Failure),
            Err(_) if wasm.out_of_ink(&store) => break Err(Escape::OutOfInk),
            Err(error) if error.as_trap_code() == Some(TrapCode::StackOverflow) => {
                break Err(Escape::OutOfStack)
            }
            Err(_) => break Err(Escape::Failure),
        }
    };
    if let Some(profile) = &profile {
        profile.finish(evm, &wasm, &store);
    }
    if let (Ok(status) | Err(Escape::Exit(status)), Some(mut tracer)) = (&end, evm.stylus.tracer())
    {
        let outs = status.to_be_bytes().to_vec();
        tracer.hostio(
            "user_returned",
            Vec::new(),
            outs,
            (start_ink, start_ink),
            None,
        );
    }
    let status = match end {
        Ok(status) | Err(Escape::Exit(status)) => status,
        Err(Escape::OutOfInk) => return Ok(Exec::halt(Kind::OutOfGas, 0)),
        Err(Escape::OutOfStack) => return Ok(Exec::halt(Kind::OutOfStack, 0)),
        Err(Escape::Failure) => return Ok(Exec::halt(Kind::Failure, wasm.gas_left(&store))),
        Err(Escape::Fatal(error)) => return Err(error),
    };
    if status != 0 {
        return Ok(Exec {
            kind: Kind::Revert,
            output: std::mem::take(&mut frame.output),
            gas_left: wasm.gas_left(&store),
            refund: 0,
        });
    }
    // A successful call flushes whatever the program left in the host cache.
    let ink_before = wasm.ink(&store);
    let flushed = flush(evm, frame, &wasm, &mut store);
    let flush_ink = ink_before.saturating_sub(wasm.ink(&store));
    if let (Some(_), Some(mut p), true) = (&profile, evm.stylus.profiler(), flush_ink > 0) {
        p.add(code_address, Site::Frame, FLUSH, flush_ink);
    }
    match flushed {
        Ok(()) => {}
        Err(Escape::OutOfInk) => return Ok(Exec::halt(Kind::OutOfGas, 0)),
        Err(Escape::Fatal(error)) => return Err(error),
        Err(_) => return Ok(Exec::halt(Kind::Failure, wasm.gas_left(&store))),
    }
    Ok(Exec {
        kind: Kind::Success,
        output: std::mem::take(&mut frame.output),
        gas_left: wasm.gas_left(&store),
        refund: frame.refund,
    })
}

/// A profiled frame's running account: its counters and the hostio ink it has attributed, so
/// that what no counter saw can be named at the end.
struct FrameProfile {
    counters: Counters,
    program: Address,
    start_ink: u64,
    hostio_ink: u64,
}

impl FrameProfile {
    /// The frame's profile when one is being recorded and the module carries counters.
    fn bind(
        evm: &DevnetEvm<'_>,
        store: &Store<StoreLimits>,
        instance: &Instance,
        program: Address,
        start_ink: u64,
    ) -> Option<Self> {
        evm.stylus.profiler()?;
        Some(Self {
            counters: Counters::bind(store, instance)?,
            program,
            start_ink,
            hostio_ink: 0,
        })
    }

    /// Charges a hostio that just returned to the function that called it.
    fn hostio(
        &mut self,
        evm: &DevnetEvm<'_>,
        wasm: &Wasm,
        store: &Store<StoreLimits>,
        hook: Hook,
        ink_before: u64,
    ) {
        let spent = ink_before.saturating_sub(wasm.ink(store));
        self.hostio_ink = self.hostio_ink.saturating_add(spent);
        let site = self
            .counters
            .function(store)
            .map_or(Site::Frame, Site::Function);
        if let Some(mut profile) = evm.stylus.profiler() {
            profile.add(self.program, site, hook.name(), spent);
        }
    }

    /// Adds each function's own ink and the rest no counter saw, once the wasm has stopped.
    fn finish(&self, evm: &DevnetEvm<'_>, wasm: &Wasm, store: &Store<StoreLimits>) {
        let Some(mut profile) = evm.stylus.profiler() else {
            return;
        };
        let mut code = 0u64;
        for (function, ink) in self.counters.ink(store) {
            code = code.saturating_add(ink);
            profile.add(self.program, Site::Function(function), CODE, ink);
        }
        let spent = self.start_ink.saturating_sub(wasm.ink(store));
        let rest = spent.saturating_sub(code).saturating_sub(self.hostio_ink);
        if rest > 0 {
            profile.add(self.program, Site::Frame, UNATTRIBUTED, rest);
        }
    }
}

/// Records a hostio that returned (or exited early) in the trace: its operands, read before it
/// ran, its results and the ink before and after it.
#[allow(clippy::too_many_arguments)]
fn record(
    evm: &DevnetEvm<'_>,
    frame: &Frame,
    wasm: &Wasm,
    store: &Store<StoreLimits>,
    hook: Hook,
    raw: &[u64],
    start_ink: u64,
    operands: Vec<u8>,
    answer: &Result<Vec<wasmi::Val>, Escape>,
) {
    let results = match answer {
        Ok(results) => &results[..],
        Err(Escape::Exit(_)) => &[],
        Err(_) => return,
    };
    let outs = trace::outs(hook, raw, results, frame, wasm, store);
    let callee = matches!(
        hook,
        Hook::CallContract | Hook::DelegateCallContract | Hook::StaticCallContract
    )
    .then(|| operands.get(..20).map(Address::from_slice))
    .flatten();
    let end_ink = wasm.ink(store);
    if let Some(mut tracer) = evm.stylus.tracer() {
        let name = trace::name(hook);
        tracer.hostio(name, operands, outs, (start_ink, end_ink), callee);
    }
}

/// Writes every dirty cached slot through the journal, charging geth's SSTORE gas.
fn flush(
    evm: &mut DevnetEvm<'_>,
    frame: &mut Frame,
    wasm: &Wasm,
    store: &mut Store<StoreLimits>,
) -> Result<(), Escape> {
    let dirty: Vec<(B256, B256)> = frame
        .cache
        .iter_mut()
        .filter(|(_, slot)| slot.dirty)
        .map(|(key, slot)| {
            slot.dirty = false;
            (*key, slot.value)
        })
        .collect();
    if dirty.is_empty() {
        return Ok(());
    }
    if frame.is_static {
        return Err(Escape::Failure);
    }
    for (key, value) in dirty {
        let journal = evm.inner.ctx.journal_mut();
        let stored = ok(journal.sstore(frame.target, key.into(), value.into()));
        let (gas, refund) = sstore_gas(
            stored.data.original_value.to_be_bytes(),
            stored.data.present_value.to_be_bytes(),
            stored.data.new_value.to_be_bytes(),
            stored.is_cold,
        );
        wasm.buy_gas(store, gas)?;
        frame.refund += refund;
    }
    Ok(())
}
