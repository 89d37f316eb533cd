//! revm glue: one EVM whose frame loop also runs Stylus frames.
//!
//! `DevnetEvm` wraps revm's mainnet EVM and intercepts `frame_init`: a call whose callee code has
//! the 0xEFF000 prefix is executed as a Stylus frame and handed back as an immediate frame result,
//! the way revm treats a precompile. A Stylus frame's own sub-calls go through [`DevnetEvm::run_nested`],
//! which pushes them on the same frame stack and drives revm's frame loop until exactly that child
//! returns. Both VMs therefore share one journal: checkpoints, reverts, logs and EIP-2929 warm/cold
//! sets are revm's own, whichever VM touched them.
//!
//! Precompiles are revm's Ethereum set plus Nitro's ArbSys (0x64), ArbOwnerPublic (0x6b), ArbWasm
//! (0x71) and ArbWasmCache (0x72) ([`DevnetPrecompiles`]), so they are warm from the start of every
//! transaction, as Nitro's are, and revm moves call value and reverts their changes as for any
//! precompile.

use crate::precompiles::{
    self, arb_owner_public::ArbOwnerPublicPrecompile, arb_sys::ArbSysPrecompile,
    arb_wasm_cache::ArbWasmCachePrecompile, Precompile,
};
use crate::stylus::trace::FrameKind;
use crate::stylus::{self, arbwasm::ArbWasmPrecompile, StylusState, TxStylus};
use revm::context::{Cfg, ContextTr, Evm, JournalTr};
use revm::context_interface::CreateScheme;
use revm::database::{CacheDB, EmptyDB};
use revm::handler::MainnetContext;
use revm::handler::{
    evm::{ContextDbError, FrameInitResult, FrameTr},
    instructions::EthInstructions,
    EthFrame, EthPrecompiles, EvmTr, FrameInitOrResult, FrameResult, ItemOrResult,
    PrecompileProvider,
};
use revm::interpreter::{
    interpreter::EthInterpreter, interpreter_action::FrameInit, CallInputs, FrameInput,
    InterpreterResult,
};
use revm::primitives::{hardfork::SpecId, keccak256, Address, AddressSet};

/// The devnet's database: an in-memory state that snapshots by cloning.
pub type Db = CacheDB<EmptyDB>;
/// revm context of the devnet.
pub type Ctx = MainnetContext<Db>;
/// revm's mainnet EVM over that context, with the devnet's precompiles.
pub type Inner =
    Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, DevnetPrecompiles, EthFrame<EthInterpreter>>;

/// Nitro's precompiles the devnet serves; each account holds the code `INVALID` (see
/// [`crate::genesis`]).
pub const ARBITRUM_PRECOMPILES: [Address; 4] = [
    ArbSysPrecompile::ADDRESS,
    ArbOwnerPublicPrecompile::ADDRESS,
    ArbWasmPrecompile::ADDRESS,
    ArbWasmCachePrecompile::ADDRESS,
];

/// Ethereum's precompiles and Nitro's.
pub struct DevnetPrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
    /// Whether activation accepts the debug "console" imports.
    debug: bool,
}

impl DevnetPrecompiles {
    pub fn new(spec: SpecId, debug: bool) -> Self {
        let eth = EthPrecompiles::new(spec);
        let warm = Self::warm_set(&eth);
        DevnetPrecompiles { eth, warm, debug }
    }

    fn warm_set(eth: &EthPrecompiles) -> AddressSet {
        let mut warm = eth.warm_addresses().clone();
        warm.extend(ARBITRUM_PRECOMPILES);
        warm
    }
}

impl PrecompileProvider<Ctx> for DevnetPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <<Ctx as ContextTr>::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<Ctx>>::set_spec(&mut self.eth, spec);
        self.warm = Self::warm_set(&self.eth);
        changed
    }

    fn run(
        &mut self,
        context: &mut Ctx,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let run = match inputs.bytecode_address {
            ArbSysPrecompile::ADDRESS => precompiles::run::<ArbSysPrecompile>,
            ArbOwnerPublicPrecompile::ADDRESS => precompiles::run::<ArbOwnerPublicPrecompile>,
            ArbWasmPrecompile::ADDRESS => precompiles::run::<ArbWasmPrecompile>,
            ArbWasmCachePrecompile::ADDRESS => precompiles::run::<ArbWasmCachePrecompile>,
            _ => return self.eth.run(context, inputs),
        };
        Ok(Some(run(context, inputs, self.debug)))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }
}

/// The EVM a transaction runs on: revm plus the Stylus runtime and the transaction's Stylus state.
pub struct DevnetEvm<'a> {
    pub inner: &'a mut Inner,
    pub stylus: &'a StylusState,
    pub tx: TxStylus,
}

impl DevnetEvm<'_> {
    /// Runs one sub-call or sub-create of a Stylus frame to completion on the shared frame stack.
    pub fn run_nested(&mut self, init: FrameInit) -> Result<FrameResult, ContextDbError<Ctx>> {
        let child_index = self.inner.frame_stack.index().map_or(0, |i| i + 1);
        if let ItemOrResult::Result(result) = self.frame_init(init)? {
            self.trace_exit();
            return Ok(result);
        }
        loop {
            let result = match self.frame_run()? {
                ItemOrResult::Item(init) => match self.frame_init(init)? {
                    ItemOrResult::Item(_) => continue,
                    ItemOrResult::Result(result) => result,
                },
                ItemOrResult::Result(result) => result,
            };
            let stack = &mut self.inner.frame_stack;
            if stack.index() == Some(child_index) && stack.get().is_finished() {
                stack.pop();
                self.trace_exit();
                return Ok(result);
            }
            if let Some(result) = self.frame_return_result(result)? {
                return Ok(result);
            }
        }
    }
}

impl DevnetEvm<'_> {
    /// Records the start of a frame below the transaction's own, when tracing. Nitro's tracer
    /// names a create frame after the address it creates (from the caller's nonce before revm
    /// bumps it, or CREATE2's salt and init code) and a call frame after the code it runs.
    fn trace_enter(&mut self, init: &FrameInit) {
        if init.depth == 0 {
            return;
        }
        let Some(mut tracer) = self.stylus.tracer() else {
            return;
        };
        let (kind, to) = match &init.frame_input {
            FrameInput::Call(inputs) => (FrameKind::Call(inputs.scheme), inputs.bytecode_address),
            FrameInput::Create(inputs) => {
                let caller = inputs.caller();
                match inputs.scheme() {
                    CreateScheme::Create2 { salt } => (
                        FrameKind::Create2,
                        caller.create2(salt.to_be_bytes(), keccak256(inputs.init_code())),
                    ),
                    CreateScheme::Create => {
                        let state = self.inner.ctx.journal_ref().evm_state();
                        let nonce = state.get(&caller).map_or(0, |a| a.info.nonce);
                        (FrameKind::Create, caller.create(nonce))
                    }
                    CreateScheme::Custom { address } => (FrameKind::Create, address),
                }
            }
            FrameInput::Empty => return,
        };
        tracer.enter(kind, to);
    }

    /// Records the end of the innermost traced frame, when tracing.
    fn trace_exit(&mut self) {
        if let Some(mut tracer) = self.stylus.tracer() {
            tracer.exit();
        }
    }
}

impl EvmTr for DevnetEvm<'_> {
    type Context = Ctx;
    type Instructions = EthInstructions<EthInterpreter, Ctx>;
    type Precompiles = DevnetPrecompiles;
    type Frame = EthFrame<EthInterpreter>;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &revm::context::FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut revm::context::FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: <Self::Frame as FrameTr>::FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<Ctx>> {
        let is_stylus_call = match &frame_input.frame_input {
            FrameInput::Call(inputs) => {
                let precompile = self
                    .inner
                    .ctx
                    .journal()
                    .precompile_addresses()
                    .contains(&inputs.bytecode_address);
                !precompile
                    && stylus::activation::is_stylus(inputs.known_bytecode.1.original_byte_slice())
            }
            _ => false,
        };
        self.trace_enter(&frame_input);
        if is_stylus_call {
            return stylus::frame::run(self, frame_input).map(ItemOrResult::Result);
        }
        self.inner.frame_init(frame_input)
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<Ctx>> {
        self.inner.frame_run()
    }

    fn frame_return_result(
        &mut self,
        result: <Self::Frame as FrameTr>::FrameResult,
    ) -> Result<Option<<Self::Frame as FrameTr>::FrameResult>, ContextDbError<Ctx>> {
        self.trace_exit();
        self.inner.frame_return_result(result)
    }
}
