//! A Stylus call frame: entry cost, the wasm run with its suspend/resume loop, and every hostio.
//!
//! The program runs under wasmi as a resumable call. Each hostio suspends the wasm (see
//! [`super::Suspend`]) and is answered here with the whole EVM at hand: storage goes through
//! revm's journal, and sub-calls and creates run as nested revm frames on the same frame stack.

use super::gas::*;
use super::hooks::Hook;
use super::meter::{INK_GLOBAL, STATUS_GLOBAL};
use super::{Program, Suspend};
use crate::evm::{Ctx, DevnetEvm};
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::context::ContextError;
use revm::context_interface::CreateScheme;
use revm::handler::{evm::ContextDbError, FrameResult};
use revm::interpreter::{
    interpreter_action::FrameInit, CallInput, CallInputs, CallOutcome, CallScheme, CallValue,
    CreateInputs, FrameInput, Gas, InstructionResult, InterpreterResult, SharedMemory,
};
use revm::primitives::{
    constants::CALL_STACK_LIMIT, keccak256, Address, Bytes, Log, LogData, B256, U256,
};
use std::collections::BTreeMap;
use std::convert::Infallible;
use wasmi::{
    Global, Instance, Memory, Store, StoreLimits, StoreLimitsBuilder, TrapCode, TypedResumableCall,
    Val,
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

/// The instance's memory and meter globals.
struct Wasm {
    memory: Memory,
    ink: Global,
    status: Global,
}

impl Wasm {
    fn ink(&self, store: &Store<StoreLimits>) -> u64 {
        match self.ink.get(store) {
            Val::I64(ink) => ink.max(0) as u64,
            _ => 0,
        }
    }

    fn set_ink(&self, store: &mut Store<StoreLimits>, ink: u64) {
        let ink = i64::try_from(ink).unwrap_or(i64::MAX);
        // The global is a mutable i64 the instrumentation created, so the set cannot fail.
        let _ = self.ink.set(store, Val::I64(ink));
    }

    fn out_of_ink(&self, store: &Store<StoreLimits>) -> bool {
        matches!(self.status.get(store), Val::I32(1))
    }

    fn gas_left(&self, store: &Store<StoreLimits>) -> u64 {
        self.ink(store) / INK_PER_GAS
    }

    fn buy_ink(&self, store: &mut Store<StoreLimits>, ink: u64) -> Result<(), Escape> {
        let left = self.ink(store);
        if left < ink {
            self.set_ink(store, 0);
            return Err(Escape::OutOfInk);
        }
        self.set_ink(store, left - ink);
        Ok(())
    }

    fn buy_gas(&self, store: &mut Store<StoreLimits>, gas: u64) -> Result<(), Escape> {
        self.buy_ink(store, gas.saturating_mul(INK_PER_GAS))
    }

    fn give_gas(&self, store: &mut Store<StoreLimits>, gas: u64) {
        let ink = self
            .ink(store)
            .saturating_add(gas.saturating_mul(INK_PER_GAS));
        self.set_ink(store, ink);
    }

    /// Nitro's sentry: refuse to start an operation without this much gas left.
    fn require_gas(&self, store: &mut Store<StoreLimits>, gas: u64) -> Result<(), Escape> {
        if self.gas_left(store) < gas {
            self.set_ink(store, 0);
            return Err(Escape::OutOfInk);
        }
        Ok(())
    }

    fn read(&self, store: &Store<StoreLimits>, ptr: u64, len: u64) -> Result<Vec<u8>, Escape> {
        // Check the range before allocating: `len` comes from the program.
        let end = ptr.checked_add(len).ok_or(Escape::Failure)?;
        if end > self.memory.data_size(store) as u64 {
            return Err(Escape::Failure);
        }
        let mut buf = vec![0u8; len as usize];
        self.memory
            .read(store, ptr as usize, &mut buf)
            .map_err(|_| Escape::Failure)?;
        Ok(buf)
    }

    fn read_fixed<const N: usize>(
        &self,
        store: &Store<StoreLimits>,
        ptr: u64,
    ) -> Result<[u8; N], Escape> {
        let mut buf = [0u8; N];
        self.memory
            .read(store, ptr as usize, &mut buf)
            .map_err(|_| Escape::Failure)?;
        Ok(buf)
    }

    fn write(&self, store: &mut Store<StoreLimits>, ptr: u64, data: &[u8]) -> Result<(), Escape> {
        self.memory
            .write(store, ptr as usize, data)
            .map_err(|_| Escape::Failure)
    }

    fn write_u32(
        &self,
        store: &mut Store<StoreLimits>,
        ptr: u64,
        value: usize,
    ) -> Result<(), Escape> {
        let value = u32::try_from(value).unwrap_or(u32::MAX);
        self.write(store, ptr, &value.to_le_bytes())
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
    /// The code has the Stylus prefix but no activated program (Nitro: ProgramNotActivated).
    NotActivated,
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
        Kind::NotActivated => {
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
    // Code with the Stylus prefix that was never activated cannot run; as any error other than a
    // revert, it consumes the frame's gas.
    let Some(program) = evm.stylus.program(&code_hash) else {
        return Ok(Exec::halt(Kind::NotActivated, 0));
    };
    let stats = program.stats;
    // Recorded before the entry cost is paid, as Nitro inserts into its recent-wasms set first.
    let recent = !evm.tx.recent.insert(code_hash);
    let cached = evm.stylus.is_cached(&code_hash) || recent;
    let entry = memory_gas(stats.footprint, evm.tx.pages_open, evm.tx.pages_ever)
        .saturating_add(stats.cached_gas())
        .saturating_add(if cached { 0 } else { stats.init_gas() });
    if entry > limit {
        return Ok(Exec::halt(Kind::OutOfGas, 0));
    }
    let pages_open = evm.tx.pages_open;
    evm.tx.pages_open = pages_open.saturating_add(stats.footprint);
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
    let exec = interpret(evm, &program, &mut frame, limit - entry);

    if counted {
        evm.tx.active.pop();
    }
    evm.tx.pages_open = pages_open;
    exec
}

/// Instantiates the program and drives its resumable call, answering each hostio.
fn interpret(
    evm: &mut DevnetEvm<'_>,
    program: &Program,
    frame: &mut Frame,
    gas: u64,
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
        .instantiate_and_start(&mut store, &program.module)
    else {
        return Ok(Exec::halt(Kind::Failure, gas));
    };
    let Some(wasm) = bind(&store, &instance) else {
        return Ok(Exec::halt(Kind::Failure, gas));
    };
    wasm.set_ink(&mut store, gas.saturating_mul(INK_PER_GAS));
    let Ok(entrypoint) = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint") else {
        return Ok(Exec::halt(Kind::Failure, gas));
    };
    let args_len = i32::try_from(frame.calldata.len()).unwrap_or(i32::MAX);
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
                match hostio(evm, frame, &wasm, &mut store, hook, &args) {
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
    match flush(evm, frame, &wasm, &mut store) {
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

fn bind(store: &Store<StoreLimits>, instance: &Instance) -> Option<Wasm> {
    Some(Wasm {
        memory: instance.get_memory(store, "memory")?,
        ink: instance.get_global(store, INK_GLOBAL)?,
        status: instance.get_global(store, STATUS_GLOBAL)?,
    })
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

/// Answers one hostio. Returns the values the import returns to wasm.
fn hostio(
    evm: &mut DevnetEvm<'_>,
    frame: &mut Frame,
    wasm: &Wasm,
    store: &mut Store<StoreLimits>,
    hook: Hook,
    args: &[u64],
) -> Result<Vec<Val>, Escape> {
    let arg = |i: usize| args.get(i).copied().unwrap_or(0);
    let i32_val = |v: u64| Val::I32(v as u32 as i32);
    let i64_val = |v: u64| Val::I64(v as i64);
    let ctx = &evm.inner.ctx;
    match hook {
        Hook::ReadArgs => {
            wasm.buy_ink(store, HOSTIO_INK + write_price(frame.calldata.len() as u64))?;
            wasm.write(store, arg(0), &frame.calldata)?;
        }
        Hook::WriteResult => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * read_price(arg(1)))?;
            frame.output = wasm.read(store, arg(0), arg(1))?.into();
        }
        Hook::ExitEarly => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Err(Escape::Exit(arg(0) as u32));
        }
        Hook::StorageLoadBytes32 => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * PTR_INK)?;
            let key = B256::from(wasm.read_fixed::<32>(store, arg(0))?);
            let value = match frame.cache.get(&key) {
                Some(slot) => slot.value,
                None => {
                    wasm.require_gas(store, SLOAD_SENTRY_GAS)?;
                    let journal = evm.inner.ctx.journal_mut();
                    let load = ok(journal.sload(frame.target, key.into()));
                    let gas = if load.is_cold {
                        COLD_SLOAD_GAS
                    } else {
                        WARM_ACCESS_GAS
                    };
                    wasm.buy_gas(store, gas)?;
                    let value = B256::from(load.data);
                    frame.cache.insert(
                        key,
                        Slot {
                            value,
                            dirty: false,
                        },
                    );
                    value
                }
            };
            wasm.write(store, arg(1), value.as_slice())?;
        }
        Hook::StorageCacheBytes32 => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * PTR_INK)?;
            wasm.require_gas(store, SSTORE_SENTRY_GAS)?;
            let key = B256::from(wasm.read_fixed::<32>(store, arg(0))?);
            let value = B256::from(wasm.read_fixed::<32>(store, arg(1))?);
            frame.cache.insert(key, Slot { value, dirty: true });
        }
        Hook::StorageFlushCache => {
            wasm.buy_ink(store, HOSTIO_INK + EVM_API_INK)?;
            wasm.require_gas(store, FLUSH_SENTRY_GAS)?;
            flush(evm, frame, wasm, store)?;
            if arg(0) != 0 {
                frame.cache.clear();
            }
        }
        Hook::BlockBasefee => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let basefee = U256::from(ctx.block.basefee);
            wasm.write(store, arg(0), &basefee.to_be_bytes::<32>())?;
        }
        Hook::BlockCoinbase => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let coinbase = ctx.block.beneficiary;
            wasm.write(store, arg(0), coinbase.as_slice())?;
        }
        Hook::Chainid => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.cfg.chain_id)]);
        }
        Hook::BlockGasLimit => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.block.gas_limit)]);
        }
        Hook::BlockNumber => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.block.number.saturating_to())]);
        }
        Hook::BlockTimestamp => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.block.timestamp.saturating_to())]);
        }
        Hook::ContractAddress => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            wasm.write(store, arg(0), frame.target.as_slice())?;
        }
        Hook::MsgSender => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            wasm.write(store, arg(0), frame.caller.as_slice())?;
        }
        Hook::MsgValue => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            wasm.write(store, arg(0), &frame.value.to_be_bytes::<32>())?;
        }
        Hook::TxOrigin => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let origin = ctx.tx.caller;
            wasm.write(store, arg(0), origin.as_slice())?;
        }
        Hook::TxGasPrice => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let price = U256::from(ctx.tx.gas_price);
            wasm.write(store, arg(0), &price.to_be_bytes::<32>())?;
        }
        Hook::TxInkPrice => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i32_val(INK_PER_GAS)]);
        }
        Hook::EvmGasLeft => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(wasm.gas_left(store))]);
        }
        Hook::EvmInkLeft => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(wasm.ink(store))]);
        }
        Hook::MsgReentrant => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i32_val(u64::from(frame.reentrant))]);
        }
        Hook::ReturnDataSize => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i32_val(frame.return_data.len() as u64)]);
        }
        Hook::ReadReturnData => {
            let (dest, offset, size) = (arg(0), arg(1), arg(2));
            // Only as many bytes as could possibly be written are paid for.
            let available = (frame.return_data.len() as u64).saturating_sub(offset);
            wasm.buy_ink(
                store,
                HOSTIO_INK + EVM_API_INK + write_price(size.min(available)),
            )?;
            let data = &frame.return_data;
            let start = (offset as usize).min(data.len());
            let end = start.saturating_add(size as usize).min(data.len());
            let slice = data.slice(start..end);
            wasm.write(store, dest, &slice)?;
            return Ok(vec![i32_val(slice.len() as u64)]);
        }
        Hook::NativeKeccak256 => {
            wasm.buy_ink(store, keccak_price(arg(1)))?;
            let data = wasm.read(store, arg(0), arg(1))?;
            wasm.write(store, arg(2), keccak256(&data).as_slice())?;
        }
        Hook::EmitLog => {
            let (len, topics) = (arg(1), arg(2));
            wasm.buy_ink(store, HOSTIO_INK + EVM_API_INK + read_price(len))?;
            if frame.is_static || topics > 4 || len < topics * 32 {
                return Err(Escape::Failure);
            }
            wasm.buy_gas(store, log_gas(topics, len - topics * 32))?;
            let bytes = wasm.read(store, arg(0), len)?;
            let (topic_bytes, data) = bytes.split_at(topics as usize * 32);
            let topics = topic_bytes.chunks(32).map(B256::from_slice).collect();
            let log = Log {
                address: frame.target,
                data: LogData::new_unchecked(topics, Bytes::copy_from_slice(data)),
            };
            evm.inner.ctx.journal_mut().log(log);
        }
        Hook::AccountBalance | Hook::AccountCodehash => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
            wasm.require_gas(store, COLD_ACCOUNT_GAS)?;
            let address = Address::from(wasm.read_fixed::<20>(store, arg(0))?);
            let journal = evm.inner.ctx.journal_mut();
            let (word, cold) = if hook == Hook::AccountBalance {
                let account = ok(journal.load_account(address));
                (
                    account.data.info.balance.to_be_bytes::<32>(),
                    account.is_cold,
                )
            } else {
                let hash = ok(journal.code_hash(address));
                (hash.data.0, hash.is_cold)
            };
            wasm.buy_gas(store, access_gas(cold))?;
            wasm.write(store, arg(1), &word)?;
        }
        Hook::AccountCode | Hook::AccountCodeSize => {
            wasm.buy_ink(store, HOSTIO_INK + EVM_API_INK)?;
            let address = Address::from(wasm.read_fixed::<20>(store, arg(0))?);
            let code = ok(evm.inner.ctx.journal_mut().code(address));
            wasm.buy_gas(store, EXTCODE_GAS + access_gas(code.is_cold))?;
            if hook == Hook::AccountCodeSize {
                return Ok(vec![i32_val(code.data.len() as u64)]);
            }
            let (offset, size) = (arg(1), arg(2));
            wasm.buy_ink(store, write_price(size))?;
            let start = (offset as usize).min(code.data.len());
            let end = start.saturating_add(size as usize).min(code.data.len());
            wasm.write(store, arg(3), &code.data[start..end])?;
            return Ok(vec![i32_val((end - start) as u64)]);
        }
        Hook::PayForMemoryGrow => {
            let pages = u16::try_from(arg(0)).unwrap_or(u16::MAX);
            if pages == 0 {
                wasm.buy_ink(store, HOSTIO_INK)?;
            } else {
                let tx = &mut evm.tx;
                wasm.buy_gas(store, memory_gas(pages, tx.pages_open, tx.pages_ever))?;
                tx.pages_open = tx.pages_open.saturating_add(pages);
                tx.pages_ever = tx.pages_ever.max(tx.pages_open);
            }
        }
        Hook::CallContract | Hook::DelegateCallContract | Hook::StaticCallContract => {
            let (scheme, value, gas, out) = match hook {
                Hook::CallContract => {
                    let value = U256::from_be_bytes(wasm.read_fixed::<32>(store, arg(3))?);
                    (CallScheme::Call, value, arg(4), arg(5))
                }
                Hook::DelegateCallContract => {
                    (CallScheme::DelegateCall, U256::ZERO, arg(3), arg(4))
                }
                _ => (CallScheme::StaticCall, U256::ZERO, arg(3), arg(4)),
            };
            wasm.buy_ink(
                store,
                HOSTIO_INK + 3 * PTR_INK + EVM_API_INK + 2 * read_price(arg(2)),
            )?;
            let target = Address::from(wasm.read_fixed::<20>(store, arg(0))?);
            let calldata = Bytes::from(wasm.read(store, arg(1), arg(2))?);
            let status = call(
                evm, frame, wasm, store, scheme, target, calldata, value, gas,
            )?;
            wasm.write_u32(store, out, frame.return_data.len())?;
            return Ok(vec![i32_val(status)]);
        }
        Hook::Create1 | Hook::Create2 => {
            let create2 = hook == Hook::Create2;
            let (code_len, out, revert_len) = if create2 {
                (arg(1), arg(4), arg(5))
            } else {
                (arg(1), arg(3), arg(4))
            };
            let ptrs = if create2 { 4 } else { 3 };
            // Reading the init code and handing it to the EVM are each priced as a read.
            let io = 2 * read_price(code_len);
            wasm.buy_ink(store, HOSTIO_INK + ptrs * PTR_INK + EVM_API_INK + io)?;
            let code = Bytes::from(wasm.read(store, arg(0), code_len)?);
            let endowment = U256::from_be_bytes(wasm.read_fixed::<32>(store, arg(2))?);
            let scheme = if create2 {
                let salt = U256::from_be_bytes(wasm.read_fixed::<32>(store, arg(3))?);
                CreateScheme::Create2 { salt }
            } else {
                CreateScheme::Create
            };
            let address = create(evm, frame, wasm, store, scheme, code, endowment)?;
            wasm.write(store, out, address.as_slice())?;
            wasm.write_u32(store, revert_len, frame.return_data.len())?;
        }
        Hook::LogTxt | Hook::LogI32 | Hook::LogI64 => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            let line = match hook {
                Hook::LogTxt => {
                    String::from_utf8_lossy(&wasm.read(store, arg(0), arg(1))?).into_owned()
                }
                Hook::LogI32 => (arg(0) as u32 as i32).to_string(),
                _ => (arg(0) as i64).to_string(),
            };
            evm.tx.console.push(line);
        }
    }
    Ok(Vec::new())
}

fn access_gas(cold: bool) -> u64 {
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
fn call(
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
fn create(
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
