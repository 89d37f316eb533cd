//! Stylus support: activation, metering, prices, program lifetime, ArbWasm, and the frame that
//! runs a program.

pub mod activation;
pub mod arbwasm;
pub(crate) mod frame;
pub mod gas;
pub mod hooks;
pub mod meter;
pub mod pricer;
pub mod profile;
pub mod programs;
pub mod trace;

use crate::error::{ActivationError, ProgramError};
use activation::Activated;
use gas::{CompileCost, ModuleStats};
use hooks::{Hook, Ty};
use profile::Profile;
use revm::primitives::{keccak256, Address, B256};
use std::cell::{RefCell, RefMut};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use trace::{HostioTrace, Tracer};
use wasmi::{Engine, Error, FuncType, Linker, Module, StoreLimits, ValType};

/// A compiled program: what activation produces, independent of any chain.
pub struct Program {
    pub module: Module,
    pub stats: ModuleStats,
    /// What compiling it costs an activation.
    pub compile: CompileCost,
    /// keccak256 of the instrumented module. Nitro's module hash is the hash of its prover
    /// module, which the devnet does not build; this one only names the compiled module.
    pub module_hash: B256,
    /// The first import of the debug-only "console" module, if any.
    pub console: Option<String>,
}

/// Decompresses, checks, instruments and compiles on-chain code.
fn compile(code: &[u8], debug: bool) -> Result<Program, ActivationError> {
    let wasm = activation::decompress(code)?;
    let Activated {
        instrumented,
        stats,
        compile,
        console,
    } = activation::activate(&wasm, debug)?;
    let module = Module::new(engine(), &instrumented[..])
        .map_err(|e| ActivationError::Compile(e.to_string()))?;
    Ok(Program {
        module,
        stats,
        compile,
        module_hash: keccak256(&instrumented),
        console,
    })
}

/// The compiled program of on-chain `code` under `code_hash`, compiled once per process (tests
/// create many chains); refuses "console" imports unless `debug`, as a production chain does.
pub(crate) fn program(
    code: &[u8],
    code_hash: B256,
    debug: bool,
) -> Result<Arc<Program>, ActivationError> {
    let known = compiled()
        .lock()
        .ok()
        .and_then(|map| map.get(&code_hash).cloned());
    let program = match known {
        Some(program) => program,
        None => {
            let program = Arc::new(compile(code, debug)?);
            if let Ok(mut map) = compiled().lock() {
                map.insert(code_hash, program.clone());
            }
            program
        }
    };
    // A process-wide entry compiled for a debug chain may import "console"; recheck here.
    if let (false, Some(name)) = (debug, &program.console) {
        return Err(ActivationError::ForbiddenImport {
            module: "console".into(),
            name: name.clone(),
        });
    }
    Ok(program)
}

/// The profiled module of on-chain `code` ([`meter::instrument_profiled`]), compiled once per
/// process; only a profiled run executes it, and only after [`program`] accepted the code.
pub(crate) fn profiled_program(code: &[u8], code_hash: B256) -> Result<Module, ActivationError> {
    static PROFILED: OnceLock<Mutex<HashMap<B256, Module>>> = OnceLock::new();
    let cache = PROFILED.get_or_init(Mutex::default);
    if let Some(module) = cache.lock().ok().and_then(|m| m.get(&code_hash).cloned()) {
        return Ok(module);
    }
    let wasm = activation::decompress(code)?;
    let instrumented = meter::instrument_profiled(&wasm)?;
    let module = Module::new(engine(), &instrumented[..])
        .map_err(|e| ActivationError::Compile(e.to_string()))?;
    if let Ok(mut map) = cache.lock() {
        map.insert(code_hash, module.clone());
    }
    Ok(module)
}

/// A hostio call, raised as a host error so the wasm engine suspends and the EVM side answers it
/// with full access to the journal (and may run nested frames) before resuming.
#[derive(Debug)]
pub(crate) struct Suspend {
    pub hook: Hook,
    pub args: Vec<u64>,
}

impl fmt::Display for Suspend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hostio {}", self.hook.name())
    }
}

impl wasmi::errors::HostError for Suspend {}

fn wasm_ty(ty: Ty) -> ValType {
    match ty {
        Ty::I32 => ValType::I32,
        Ty::I64 => ValType::I64,
    }
}

/// One engine per process, so compiled modules can be shared by every chain in it.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

/// Programs compiled in this process, by code hash.
fn compiled() -> &'static Mutex<HashMap<B256, Arc<Program>>> {
    static COMPILED: OnceLock<Mutex<HashMap<B256, Arc<Program>>>> = OnceLock::new();
    COMPILED.get_or_init(Mutex::default)
}

/// The Stylus runtime of a chain, and the trace being recorded if one was asked for. Which
/// programs are activated, until when, and which are cached is chain state (see [`programs`]).
pub struct StylusState {
    linker: Linker<StoreLimits>,
    debug: bool,
    /// A cell, because the EVM running a transaction holds the runtime by shared reference.
    trace: RefCell<Option<Tracer>>,
    /// The gas profile being recorded, if one was asked for.
    profile: RefCell<Option<Profile>>,
}

impl StylusState {
    /// A runtime that accepts "console" imports only when `debug` (as a debug Nitro chain does).
    pub fn new(debug: bool) -> Self {
        let mut linker = Linker::new(engine());
        for &hook in Hook::ALL {
            let ty = FuncType::new(
                hook.params().iter().copied().map(wasm_ty),
                hook.results().iter().copied().map(wasm_ty),
            );
            // Definitions are unique by construction, so this cannot fail.
            let _ = linker.func_new(hook.module(), hook.name(), ty, move |_, params, _| {
                let args = params
                    .iter()
                    .map(|v| match v {
                        wasmi::Val::I32(x) => u64::from(*x as u32),
                        wasmi::Val::I64(x) => *x as u64,
                        _ => 0,
                    })
                    .collect();
                Err(Error::host(Suspend { hook, args }))
            });
        }
        Self {
            linker,
            debug,
            trace: RefCell::new(None),
            profile: RefCell::new(None),
        }
    }

    /// Whether programs may import the debug "console" module.
    pub fn debug(&self) -> bool {
        self.debug
    }

    /// Applies activation's checks to on-chain `code` and compiles it (no chain state changes).
    pub fn compile(&self, code: &[u8], code_hash: B256) -> Result<Arc<Program>, ActivationError> {
        program(code, code_hash, self.debug)
    }

    /// Starts recording a trace of what follows (Nitro's `stylusTracer`), dropping any other.
    pub fn start_trace(&self) {
        *self.trace.borrow_mut() = Some(Tracer::default());
    }

    /// Stops recording and returns the trace (empty when none was started).
    pub fn finish_trace(&self) -> Vec<HostioTrace> {
        self.trace
            .borrow_mut()
            .take()
            .map(Tracer::finish)
            .unwrap_or_default()
    }

    /// The tracer, while a trace is being recorded.
    pub(crate) fn tracer(&self) -> Option<RefMut<'_, Tracer>> {
        RefMut::filter_map(self.trace.borrow_mut(), Option::as_mut).ok()
    }

    /// Starts recording a gas profile per wasm function of what follows, dropping any other.
    pub fn start_profile(&self) {
        *self.profile.borrow_mut() = Some(Profile::default());
    }

    /// Stops recording and returns the profile (empty when none was started).
    pub fn finish_profile(&self) -> Profile {
        self.profile.borrow_mut().take().unwrap_or_default()
    }

    /// The profile, while one is being recorded.
    pub(crate) fn profiler(&self) -> Option<RefMut<'_, Profile>> {
        RefMut::filter_map(self.profile.borrow_mut(), Option::as_mut).ok()
    }

    pub(crate) fn engine(&self) -> &Engine {
        engine()
    }

    pub(crate) fn linker(&self) -> &Linker<StoreLimits> {
        &self.linker
    }
}

/// Stylus state that lives for one transaction.
#[derive(Debug, Default)]
pub struct TxStylus {
    /// Wasm pages open on the current call stack and the transaction's high-water mark.
    pub pages_open: u16,
    pub pages_ever: u16,
    /// Programs already run in this transaction count as cached (ArbOS 60's recent-wasms set).
    pub recent: HashSet<B256>,
    /// Addresses of the Stylus call (not delegate-call) frames on the call stack, for
    /// `msg_reentrant`. Non-delegate EVM frames never share an address with a program.
    pub active: Vec<Address>,
    /// Lines printed through the debug-only "console" imports.
    pub console: Vec<String>,
    /// Why the transaction's top frame could not run its program, for the receipt.
    pub unavailable: Option<ProgramError>,
}
