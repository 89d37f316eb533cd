//! Deployment form and activation of Stylus programs.
//!
//! On chain a program is `0xEFF000` + a dictionary byte + Brotli of the wasm. Activation (Nitro's
//! `ArbWasm.activateProgram`) decompresses it, refuses modules Stylus cannot run, fixes the entry
//! costs from the module's shape, and compiles it. The devnet compiles each code hash once per
//! process; whether a program is activated, and since when, is chain state (`super::programs`).

use super::gas::{CompileCost, ModuleStats, PAGE_LIMIT};
use super::hooks::{Hook, Ty};
use super::meter;
use crate::error::ActivationError;
use revm::primitives::{keccak256, B256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Mutex, OnceLock};
use wasmparser::{
    ElementItems, ExternalKind, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

/// Prefix of Stylus code with no Brotli dictionary.
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];
/// EVM max code size: the compressed program must fit it.
pub const MAX_CODE_SIZE: usize = 24_576;
/// Stylus `MaxWasmSize`.
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// True when account code is a Stylus program (the 0xEFF000 discriminant).
pub fn is_stylus(code: &[u8]) -> bool {
    code.starts_with(&STYLUS_PREFIX[..3])
}

/// The on-chain form of `wasm`: prefix + Brotli at quality 11, as cargo-stylus deploys it.
/// Quality 11 is slow, so results are kept per process by wasm hash.
pub fn compress(wasm: &[u8]) -> Result<Vec<u8>, ActivationError> {
    static COMPRESSED: OnceLock<Mutex<HashMap<B256, Vec<u8>>>> = OnceLock::new();
    let cache = COMPRESSED.get_or_init(Mutex::default);
    let key = keccak256(wasm);
    if let Some(code) = cache.lock().ok().and_then(|map| map.get(&key).cloned()) {
        return Ok(code);
    }
    let code = compress_uncached(wasm)?;
    if let Ok(mut map) = cache.lock() {
        map.insert(key, code.clone());
    }
    Ok(code)
}

fn compress_uncached(wasm: &[u8]) -> Result<Vec<u8>, ActivationError> {
    let mut out = STYLUS_PREFIX.to_vec();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer
            .write_all(wasm)
            .map_err(|e| ActivationError::Compress(e.to_string()))?;
    }
    if out.len() > MAX_CODE_SIZE {
        return Err(ActivationError::CompressedTooLarge {
            size: out.len(),
            limit: MAX_CODE_SIZE,
        });
    }
    Ok(out)
}

/// Recovers the wasm from on-chain code, refusing anything over [`MAX_WASM_SIZE`].
pub fn decompress(code: &[u8]) -> Result<Vec<u8>, ActivationError> {
    if !is_stylus(code) || code.len() < 4 {
        return Err(ActivationError::NotStylus);
    }
    if code[3] != 0 {
        return Err(ActivationError::UnsupportedDictionary(code[3]));
    }
    let mut wasm = Vec::new();
    brotli::Decompressor::new(&code[4..], 4096)
        .take(MAX_WASM_SIZE as u64 + 1)
        .read_to_end(&mut wasm)
        .map_err(|e| ActivationError::Decompress(e.to_string()))?;
    if wasm.len() > MAX_WASM_SIZE {
        return Err(ActivationError::WasmTooLarge {
            size: wasm.len(),
            limit: MAX_WASM_SIZE,
        });
    }
    Ok(wasm)
}

/// Wasm features the validator runs with: no floats, SIMD, threads or multi-value.
///
/// REFERENCE_TYPES is on only because LLVM (Rust >= 1.82) encodes `call_indirect`'s table index
/// as a padded LEB that the MVP decoder refuses; reference values themselves are refused by
/// [`refuse_reference_types`], and table/ref instructions by the meter (they have no Stylus price).
fn stylus_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::GC_TYPES
        | WasmFeatures::REFERENCE_TYPES
}

fn refuse_reference_types(types: &[ValType]) -> Result<(), ActivationError> {
    if types.iter().any(|ty| matches!(ty, ValType::Ref(_))) {
        return Err(ActivationError::Invalid(
            "reference types are not supported".into(),
        ));
    }
    Ok(())
}

/// A module that passed activation: its instrumented bytes, entry costs and imports.
#[derive(Clone, Debug)]
pub struct Activated {
    /// The module rewritten with the ink meter, ready to compile.
    pub instrumented: Vec<u8>,
    pub stats: ModuleStats,
    /// What activating it costs in compile time, priced as Nitro prices it.
    pub compile: CompileCost,
    /// The first import of the debug-only "console" module, if any.
    pub console: Option<String>,
}

fn ty_matches(expected: &[Ty], actual: &[ValType]) -> bool {
    expected.len() == actual.len()
        && expected
            .iter()
            .zip(actual)
            .all(|(e, a)| matches!((e, a), (Ty::I32, ValType::I32) | (Ty::I64, ValType::I64)))
}

/// Applies activation's checks to uncompressed `wasm` and instruments it.
pub fn activate(wasm: &[u8], debug: bool) -> Result<Activated, ActivationError> {
    if wasm.len() > MAX_WASM_SIZE {
        return Err(ActivationError::WasmTooLarge {
            size: wasm.len(),
            limit: MAX_WASM_SIZE,
        });
    }
    let invalid = |e: wasmparser::BinaryReaderError| ActivationError::Invalid(e.to_string());
    Validator::new_with_features(stylus_features())
        .validate_all(wasm)
        .map_err(invalid)?;

    let mut stats = ModuleStats {
        wasm_len: wasm.len() as u64,
        ..ModuleStats::default()
    };
    let mut elem_bytes = 0u64;
    let mut types = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut memory_pages: Option<u64> = None;
    let mut entrypoint = false;
    let mut console = None;
    let mut memory_export = false;

    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(invalid)? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(invalid)?;
                    refuse_reference_types(ty.params())?;
                    refuse_reference_types(ty.results())?;
                    types.push(ty);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(invalid)?;
                    let forbidden = || ActivationError::ForbiddenImport {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                    };
                    let TypeRef::Func(type_index) = import.ty else {
                        return Err(forbidden());
                    };
                    let hook = Hook::find(import.module, import.name)
                        .filter(|h| debug || h.module() == "vm_hooks")
                        .ok_or_else(forbidden)?;
                    let ty = types.get(type_index as usize).ok_or_else(forbidden)?;
                    if !ty_matches(hook.params(), ty.params())
                        || !ty_matches(hook.results(), ty.results())
                    {
                        return Err(ActivationError::ImportSignature {
                            module: import.module.to_string(),
                            name: import.name.to_string(),
                        });
                    }
                    if hook.module() == "console" && console.is_none() {
                        console = Some(import.name.to_string());
                    }
                    func_types.push(type_index);
                }
            }
            Payload::FunctionSection(reader) => {
                for type_index in reader {
                    let type_index = type_index.map_err(invalid)?;
                    stats.funcs += 1;
                    if let Some(ty) = types.get(type_index as usize) {
                        stats.type_len += (ty.params().len() + ty.results().len()) as u64;
                    }
                    func_types.push(type_index);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    memory_pages = Some(memory.map_err(invalid)?.initial);
                }
            }
            Payload::GlobalSection(reader) => {
                stats.globals = u64::from(reader.count());
                for global in reader {
                    refuse_reference_types(&[global.map_err(invalid)?.ty.content_type])?;
                }
            }
            Payload::StartSection { .. } => return Err(ActivationError::StartFunction),
            Payload::TableSection(reader) if reader.count() > 1 => {
                return Err(ActivationError::Invalid("at most one table".into()));
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    stats.data_len += data.map_err(invalid)?.data.len() as u64;
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(invalid)?;
                    elem_bytes += element.range.len() as u64;
                    stats.elem_len += u64::from(match element.items {
                        ElementItems::Functions(items) => items.count(),
                        ElementItems::Expressions(_, items) => items.count(),
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(invalid)?;
                    match (export.name, export.kind) {
                        ("memory", ExternalKind::Memory) => memory_export = true,
                        ("user_entrypoint", ExternalKind::Func) => {
                            let ty = func_types
                                .get(export.index as usize)
                                .and_then(|t| types.get(*t as usize));
                            entrypoint = ty.is_some_and(|ty| {
                                ty_matches(&[Ty::I32], ty.params())
                                    && ty_matches(&[Ty::I32], ty.results())
                            });
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if !entrypoint {
        return Err(ActivationError::MissingEntrypoint);
    }
    let pages = match (memory_pages, memory_export) {
        (Some(pages), true) => pages,
        _ => return Err(ActivationError::MissingMemory),
    };
    if pages > u64::from(PAGE_LIMIT) {
        return Err(ActivationError::MemoryTooLarge {
            pages,
            limit: PAGE_LIMIT,
        });
    }
    stats.footprint = pages as u16;
    // Nitro stores both costs in 16 bits and refuses a module whose costs do not fit.
    let (init_cost, cached_cost) = (stats.init_cost(), stats.cached_cost());
    if init_cost > u64::from(u16::MAX) || cached_cost > u64::from(u16::MAX) {
        return Err(ActivationError::EntryCostTooHigh {
            init_cost,
            cached_cost,
        });
    }
    let instrumented = meter::instrument(wasm)?;
    let compile = CompileCost {
        wasm_len: stats.wasm_len,
        funcs: stats.funcs,
        data_bytes: stats.data_len,
        elem_bytes,
        pages,
        code_ops: count_operators(&instrumented)?,
    };
    Ok(Activated {
        instrumented,
        stats,
        compile,
        console,
    })
}

/// Operators in the function bodies of a module (Nitro prices compilation per instrumented op).
fn count_operators(wasm: &[u8]) -> Result<u64, ActivationError> {
    let invalid = |e: wasmparser::BinaryReaderError| ActivationError::Invalid(e.to_string());
    let mut ops = 0u64;
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.map_err(invalid)? {
            for op in body.get_operators_reader().map_err(invalid)? {
                op.map_err(invalid)?;
                ops += 1;
            }
        }
    }
    Ok(ops)
}
