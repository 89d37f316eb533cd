//! Ink metering by instrumentation, the way Nitro's `Meter` and `HeapBound` middlewares do it.
//!
//! Every basic block is prefixed with a check-and-charge of its whole static ink cost against an
//! exported `i64` global; when the ink would go negative the code sets a status global to 1 and
//! executes `unreachable`, which the host reports as out-of-gas. Every `memory.grow` is preceded by
//! a call to the module's own `pay_for_memory_grow` import (through a scratch global), so growth is
//! charged by the memory model exactly where the program grows.

use crate::error::ActivationError;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, ExportKind, ExportSection, Function, GlobalSection, GlobalType,
    Instruction, Module, RawSection, ValType,
};
use wasmparser::{FuncType, FunctionBody, Operator, Parser, Payload, TypeRef};

/// Exported global holding the ink left.
pub const INK_GLOBAL: &str = "vigil_devnet_ink_left";
/// Exported global set to 1 when a block runs out of ink.
pub const STATUS_GLOBAL: &str = "vigil_devnet_ink_status";

/// Ink of one opcode under Nitro's pricing v1, or `None` for opcodes Stylus does not price.
pub fn op_ink(op: &Operator, types: &[FuncType]) -> Option<u64> {
    use Operator::*;
    let ink = match op {
        Unreachable | Return | Nop | I32Const { .. } | I64Const { .. } => 1,
        Drop => 9,
        Block { .. } | Loop { .. } | Else | End => 1,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select | TypedSelect { .. } => 1_250,
        Call { .. } => 3_800,
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. }
        | I32Load8S { .. }
        | I32Load8U { .. }
        | I32Load16S { .. }
        | I32Load16U { .. } => 670,
        I64Load { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3_000,
        MemoryGrow { .. } => 8_050,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS
        | I64GeU => 225,
        I32Clz | I32Ctz | I64Clz | I64Ctz => 210,
        I32Add | I32Sub => 70,
        I32Mul | I64Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1_120,
        I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,
        I64Add | I64Sub => 100,
        I64DivS | I64DivU | I64RemS | I64RemU => 1_270,
        I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,
        I32Popcnt => 2_650,
        I64Popcnt => 6_000,
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U => 100,
        I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        MemoryCopy { .. } | MemoryFill { .. } => 950,
        BrTable { targets } => 2_400 + 325 * u64::from(targets.len()),
        CallIndirect { type_index, .. } => {
            let params = types.get(*type_index as usize)?.params().len() as u64;
            13_610 + 650 * params
        }
        _ => return None,
    };
    Some(ink)
}

/// Ends a basic block: control flow may leave or re-enter right after these.
fn ends_block(op: &Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        End | Else
            | Return
            | Loop { .. }
            | Br { .. }
            | BrTable { .. }
            | BrIf { .. }
            | If { .. }
            | Call { .. }
            | CallIndirect { .. }
    )
}

/// Indices the instrumentation needs while rewriting function bodies.
struct Layout {
    types: Vec<FuncType>,
    ink: u32,
    status: u32,
    scratch: u32,
    pay_for_memory_grow: Option<u32>,
}

/// Accumulates one basic block and emits it behind its ink check.
struct BlockMeter<'a> {
    block: Vec<Instruction<'a>>,
    cost: u64,
}

impl<'a> BlockMeter<'a> {
    fn feed(
        &mut self,
        op: Operator<'a>,
        layout: &Layout,
        out: &mut Function,
    ) -> Result<(), ActivationError> {
        let ink = op_ink(&op, &layout.types)
            .ok_or_else(|| ActivationError::UnsupportedOpcode(format!("{op:?}")))?;
        self.cost = self.cost.saturating_add(ink);
        let end = ends_block(&op);
        let instr = RoundtripReencoder
            .instruction(op)
            .map_err(|e| ActivationError::Instrument(e.to_string()))?;
        self.block.push(instr);
        if end {
            // Costs beyond i64::MAX can never be paid; clamp so the check still traps.
            let cost = i64::try_from(self.cost).unwrap_or(i64::MAX);
            for header in [
                Instruction::GlobalGet(layout.ink),
                Instruction::I64Const(cost),
                Instruction::I64LtU,
                Instruction::If(wasm_encoder::BlockType::Empty),
                Instruction::I32Const(1),
                Instruction::GlobalSet(layout.status),
                Instruction::Unreachable,
                Instruction::End,
                Instruction::GlobalGet(layout.ink),
                Instruction::I64Const(cost),
                Instruction::I64Sub,
                Instruction::GlobalSet(layout.ink),
            ] {
                out.instruction(&header);
            }
            for instr in self.block.drain(..) {
                out.instruction(&instr);
            }
            self.cost = 0;
        }
        Ok(())
    }
}

fn instrument_body(body: FunctionBody, layout: &Layout) -> Result<Function, ActivationError> {
    let err = |e: wasmparser::BinaryReaderError| ActivationError::Invalid(e.to_string());
    let mut locals = Vec::new();
    for local in body.get_locals_reader().map_err(err)? {
        let (count, ty) = local.map_err(err)?;
        if matches!(ty, wasmparser::ValType::Ref(_)) {
            return Err(ActivationError::Invalid(
                "reference types are not supported".into(),
            ));
        }
        let ty = RoundtripReencoder
            .val_type(ty)
            .map_err(|e| ActivationError::Instrument(e.to_string()))?;
        locals.push((count, ty));
    }
    let mut out = Function::new(locals);
    let mut meter = BlockMeter {
        block: Vec::new(),
        cost: 0,
    };
    for op in body.get_operators_reader().map_err(err)? {
        let op = op.map_err(err)?;
        if let (Operator::MemoryGrow { .. }, Some(pay)) = (&op, layout.pay_for_memory_grow) {
            let scratch = layout.scratch;
            for extra in [
                Operator::GlobalSet {
                    global_index: scratch,
                },
                Operator::GlobalGet {
                    global_index: scratch,
                },
                Operator::GlobalGet {
                    global_index: scratch,
                },
                Operator::Call {
                    function_index: pay,
                },
            ] {
                meter.feed(extra, layout, &mut out)?;
            }
        }
        meter.feed(op, layout, &mut out)?;
    }
    Ok(out)
}

/// Returns true for sections that must come after the global section.
fn after_globals(id: u8) -> bool {
    // export, start, element, data count, code, data
    matches!(id, 7..=12)
}

/// Rewrites a validated module with the ink meter and the memory-growth charge.
pub fn instrument(wasm: &[u8]) -> Result<Vec<u8>, ActivationError> {
    let err = |e: wasmparser::BinaryReaderError| ActivationError::Invalid(e.to_string());
    let mut module = Module::new();
    let mut layout = Layout {
        types: Vec::new(),
        ink: 0,
        status: 0,
        scratch: 0,
        pay_for_memory_grow: None,
    };
    let mut func_imports = 0u32;
    let mut global_imports = 0u32;
    let mut globals_emitted = false;
    let mut code: Option<(CodeSection, u32)> = None;

    let push_globals =
        |module: &mut Module, layout: &mut Layout, mut section: GlobalSection, imported: u32| {
            let base = imported + section.len();
            layout.ink = base;
            layout.status = base + 1;
            layout.scratch = base + 2;
            let mutable = |val_type| GlobalType {
                val_type,
                mutable: true,
                shared: false,
            };
            section.global(mutable(ValType::I64), &ConstExpr::i64_const(0));
            section.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
            section.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
            module.section(&section);
        };

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(err)?;
        if let Some((id, _)) = payload.as_section() {
            if after_globals(id) && !globals_emitted {
                push_globals(
                    &mut module,
                    &mut layout,
                    GlobalSection::new(),
                    global_imports,
                );
                globals_emitted = true;
            }
        }
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.clone().into_iter_err_on_gc_types() {
                    layout.types.push(ty.map_err(err)?);
                }
                copy_section(&mut module, wasm, &Payload::TypeSection(reader));
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone() {
                    let import = import.map_err(err)?;
                    match import.ty {
                        TypeRef::Func(_) => {
                            if import.module == "vm_hooks" && import.name == "pay_for_memory_grow" {
                                layout.pay_for_memory_grow = Some(func_imports);
                            }
                            func_imports += 1;
                        }
                        TypeRef::Global(_) => global_imports += 1,
                        _ => {}
                    }
                }
                copy_section(&mut module, wasm, &Payload::ImportSection(reader));
            }
            Payload::GlobalSection(reader) => {
                let mut section = GlobalSection::new();
                for global in reader {
                    let global = global.map_err(err)?;
                    RoundtripReencoder
                        .parse_global(&mut section, global)
                        .map_err(|e| ActivationError::Instrument(e.to_string()))?;
                }
                push_globals(&mut module, &mut layout, section, global_imports);
                globals_emitted = true;
            }
            Payload::ExportSection(reader) => {
                let mut section = ExportSection::new();
                for export in reader {
                    RoundtripReencoder.parse_export(&mut section, export.map_err(err)?);
                }
                section.export(INK_GLOBAL, ExportKind::Global, layout.ink);
                section.export(STATUS_GLOBAL, ExportKind::Global, layout.status);
                module.section(&section);
            }
            Payload::CodeSectionStart { count, .. } => {
                code = Some((CodeSection::new(), count));
                if count == 0 {
                    if let Some((section, _)) = code.take() {
                        module.section(&section);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let function = instrument_body(body, &layout)?;
                if let Some((section, count)) = code.as_mut() {
                    section.function(&function);
                    if section.len() == *count {
                        module.section(section);
                        code = None;
                    }
                }
            }
            Payload::CustomSection(_) => {}
            other => copy_section(&mut module, wasm, &other),
        }
    }
    Ok(module.finish())
}

fn copy_section(module: &mut Module, wasm: &[u8], payload: &Payload) {
    if let Some((id, range)) = payload.as_section() {
        module.section(&RawSection {
            id,
            data: &wasm[range],
        });
    }
}
