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
/// Profiled modules only: the exported global holding the index of the function whose block ran
/// last, so a hostio's ink is charged to the function that called it.
pub const PROFILE_FUNCTION_GLOBAL: &str = "vigil_devnet_profile_function";
/// Profiled modules only: the prefix of the exported `i64` globals, one per defined function
/// (suffixed with its function index), that add up the ink of the function's blocks.
pub const PROFILE_INK_PREFIX: &str = "vigil_devnet_profile_ink_";

/// Whether the instrumentation also counts ink per function ([`instrument_profiled`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profiling {
    Off,
    On,
}

/// Ink of one opcode under Nitro's pricing v1, or `None` for opcodes Stylus does not price.
pub fn op_ink(op: &Operator, types: &[FuncType]) -> Option<u64> {
    use Operator::*;
    let ink = match op {
        Unreachable | Return | Nop | I32Const { .. } | I64Const { .. } => 1,
        Drop => 9,
        Block { .. } | Loop { .. } | Else | End => 1,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select => 1_250,
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
    profiling: Profiling,
    /// Profiling: the current-function global, then one ink global per defined function.
    profile_function: u32,
    profile_ink: u32,
}

/// Ink of a block's check-and-charge header, counted in every block like any other instructions
/// (global.get 225 + i64.const 1 + i64.lt_u 225 + if 765 + i32.const 1 + global.set 575 +
/// unreachable 1 + end 1 + global.get 225 + i64.const 1 + i64.sub 100 + global.set 575).
pub const HEADER_INK: u64 = 2_695;

/// Ink per byte of `memory.copy` and `memory.fill`, charged on top of their 950 base.
pub const BULK_MEMORY_INK_PER_BYTE: i64 = 100;

/// Accumulates one basic block and emits it behind its ink check.
struct BlockMeter<'a> {
    block: Vec<Instruction<'a>>,
    cost: u64,
    /// The function's index in the module (imports first), and among defined functions.
    function: u32,
    defined: u32,
}

impl<'a> BlockMeter<'a> {
    /// Adds `op` to the block and its price to the block's cost; true when it ends the block.
    fn push(&mut self, op: Operator<'a>, layout: &Layout) -> Result<bool, ActivationError> {
        let ink = op_ink(&op, &layout.types)
            .ok_or_else(|| ActivationError::UnsupportedOpcode(format!("{op:?}")))?;
        self.cost = self.cost.saturating_add(ink);
        let end = ends_block(&op);
        let instr = RoundtripReencoder
            .instruction(op)
            .map_err(|e| ActivationError::Instrument(e.to_string()))?;
        self.block.push(instr);
        Ok(end)
    }

    /// Feeds one program instruction, closing the block after a control-flow instruction.
    fn feed(
        &mut self,
        op: Operator<'a>,
        layout: &Layout,
        out: &mut Function,
    ) -> Result<(), ActivationError> {
        if self.push(op, layout)? {
            self.flush(layout, out);
        }
        Ok(())
    }

    /// Adds meter-generated instructions to the current block without splitting it.
    fn inject(
        &mut self,
        ops: impl IntoIterator<Item = Operator<'a>>,
        layout: &Layout,
    ) -> Result<(), ActivationError> {
        for op in ops {
            self.push(op, layout)?;
        }
        Ok(())
    }

    fn flush(&mut self, layout: &Layout, out: &mut Function) {
        // Costs beyond i64::MAX can never be paid; clamp so the check still traps.
        let cost = self.cost.saturating_add(HEADER_INK);
        let cost = i64::try_from(cost).unwrap_or(i64::MAX);
        // Profiling adds the block's charge to its function's counter once it is paid; these
        // instructions are not priced, so a profiled run costs exactly what an unprofiled one does.
        let profile = (layout.profiling == Profiling::On).then(|| {
            let counter = layout.profile_ink + self.defined;
            [
                Instruction::GlobalGet(counter),
                Instruction::I64Const(cost),
                Instruction::I64Add,
                Instruction::GlobalSet(counter),
                Instruction::I32Const(self.function as i32),
                Instruction::GlobalSet(layout.profile_function),
            ]
        });
        let header = [
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
        ];
        for instr in header
            .iter()
            .chain(profile.iter().flatten())
            .chain(self.block.iter())
        {
            out.instruction(instr);
        }
        self.block.clear();
        self.cost = 0;
    }
}

/// Charges [`BULK_MEMORY_INK_PER_BYTE`] times the byte count on top of the stack (kept there),
/// trapping out of ink like a block header when the ink does not cover it.
fn bulk_memory_charge<'a>(layout: &Layout) -> Vec<Operator<'a>> {
    use Operator::*;
    let (ink, status, scratch) = (layout.ink, layout.status, layout.scratch);
    let cost = || {
        [
            GlobalGet {
                global_index: scratch,
            },
            I64ExtendI32U,
            I64Const {
                value: BULK_MEMORY_INK_PER_BYTE,
            },
            I64Mul,
        ]
    };
    let mut ops = vec![GlobalSet {
        global_index: scratch,
    }];
    ops.extend(cost());
    ops.extend([
        GlobalGet { global_index: ink },
        I64GtU,
        If {
            blockty: wasmparser::BlockType::Empty,
        },
        I32Const { value: 1 },
        GlobalSet {
            global_index: status,
        },
        Unreachable,
        End,
        GlobalGet { global_index: ink },
    ]);
    ops.extend(cost());
    ops.extend([
        I64Sub,
        GlobalSet { global_index: ink },
        GlobalGet {
            global_index: scratch,
        },
    ]);
    ops
}

fn instrument_body(
    body: FunctionBody,
    (function, defined): (u32, u32),
    layout: &Layout,
) -> Result<Function, ActivationError> {
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
        function,
        defined,
    };
    for op in body.get_operators_reader().map_err(err)? {
        let op = op.map_err(err)?;
        match (&op, layout.pay_for_memory_grow) {
            // As Nitro's HeapBound: pay for the pages before growing (the call ends a block).
            (Operator::MemoryGrow { .. }, Some(pay)) => {
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
            (Operator::MemoryCopy { .. } | Operator::MemoryFill { .. }, _) => {
                meter.inject(bulk_memory_charge(layout), layout)?;
            }
            _ => {}
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
    rewrite(wasm, Profiling::Off)
}

/// [`instrument`], and each block also adds its ink to its function's exported counter
/// ([`PROFILE_INK_PREFIX`]) and names its function in [`PROFILE_FUNCTION_GLOBAL`]: the module a
/// profiled run executes (`bench --profile`). Every charge is the same as [`instrument`]'s.
pub fn instrument_profiled(wasm: &[u8]) -> Result<Vec<u8>, ActivationError> {
    rewrite(wasm, Profiling::On)
}

fn rewrite(wasm: &[u8], profiling: Profiling) -> Result<Vec<u8>, ActivationError> {
    let err = |e: wasmparser::BinaryReaderError| ActivationError::Invalid(e.to_string());
    let mut module = Module::new();
    let mut layout = Layout {
        types: Vec::new(),
        ink: 0,
        status: 0,
        scratch: 0,
        pay_for_memory_grow: None,
        profiling,
        profile_function: 0,
        profile_ink: 0,
    };
    let mut defined = 0u32;
    let mut bodies = 0u32;
    let mut func_imports = 0u32;
    let mut global_imports = 0u32;
    let mut globals_emitted = false;
    let mut code: Option<(CodeSection, u32)> = None;

    let push_globals = |module: &mut Module,
                        layout: &mut Layout,
                        mut section: GlobalSection,
                        imported: u32,
                        defined: u32| {
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
        if layout.profiling == Profiling::On {
            layout.profile_function = base + 3;
            layout.profile_ink = base + 4;
            section.global(mutable(ValType::I32), &ConstExpr::i32_const(-1));
            for _ in 0..defined {
                section.global(mutable(ValType::I64), &ConstExpr::i64_const(0));
            }
        }
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
                    defined,
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
                push_globals(&mut module, &mut layout, section, global_imports, defined);
                globals_emitted = true;
            }
            Payload::ExportSection(reader) => {
                let mut section = ExportSection::new();
                for export in reader {
                    RoundtripReencoder.parse_export(&mut section, export.map_err(err)?);
                }
                section.export(INK_GLOBAL, ExportKind::Global, layout.ink);
                section.export(STATUS_GLOBAL, ExportKind::Global, layout.status);
                if layout.profiling == Profiling::On {
                    section.export(
                        PROFILE_FUNCTION_GLOBAL,
                        ExportKind::Global,
                        layout.profile_function,
                    );
                    for f in 0..defined {
                        let name = format!("{PROFILE_INK_PREFIX}{}", func_imports + f);
                        section.export(&name, ExportKind::Global, layout.profile_ink + f);
                    }
                }
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
            Payload::FunctionSection(reader) => {
                defined = reader.count();
                copy_section(&mut module, wasm, &Payload::FunctionSection(reader));
            }
            Payload::CodeSectionEntry(body) => {
                let function = instrument_body(body, (func_imports + bodies, bodies), &layout)?;
                bodies += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::BlockType;

    #[test]
    fn header_ink_is_the_sum_of_its_instructions() {
        use Operator::*;
        let header = [
            GlobalGet { global_index: 0 },
            I64Const { value: 0 },
            I64LtU,
            If {
                blockty: BlockType::Empty,
            },
            I32Const { value: 1 },
            GlobalSet { global_index: 1 },
            Unreachable,
            End,
            GlobalGet { global_index: 0 },
            I64Const { value: 0 },
            I64Sub,
            GlobalSet { global_index: 0 },
        ];
        let sum: u64 = header.iter().map(|op| op_ink(op, &[]).unwrap_or(0)).sum();
        assert_eq!(sum, HEADER_INK);
    }

    #[test]
    fn pricing_v1_examples_from_the_cost_model() {
        use Operator::*;
        let price = |op: Operator| op_ink(&op, &[]);
        assert_eq!(price(I32Add), Some(70));
        assert_eq!(price(I64Add), Some(100));
        assert_eq!(price(LocalGet { local_index: 0 }), Some(75));
        assert_eq!(price(Call { function_index: 0 }), Some(3_800));
        assert_eq!(price(BrIf { relative_depth: 0 }), Some(765));
        assert_eq!(price(I64DivU), Some(1_270));
        assert_eq!(price(MemoryGrow { mem: 0 }), Some(8_050));
        assert_eq!(price(TableSize { table: 0 }), None);
    }
}
