//! Shared helpers: the probe fixture (built on demand), hand-assembled EVM code, and the probe ABI.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use vigil_devnet::{Address, Bytes, Devnet, U256};

alloy_sol_types::sol! {
    interface IProbe {
        function owner() external view returns (address, uint256);
        function context() external payable returns (address, uint256, address, address, uint256, bool);
        function block() external view returns (uint256, address, uint64, uint64, uint64, uint64);
        function meter() external view returns (uint64, uint64, uint32);
        function load(bytes32 key) external view returns (bytes32);
        function store(bytes32 key, bytes32 value) external;
        function storeAndRevert(bytes32 key, bytes32 value) external;
        function keccak(bytes data) external view returns (bytes32);
        function log(bytes32[] topics, bytes data) external;
        function account(address target) external view returns (uint256, bytes32, uint256, bytes);
        function call(address target, bytes data, uint256 value, uint64 gas) external payable returns (uint8, bytes);
        function callThenRevert(address target, bytes data) external;
        function staticCall(address target, bytes data) external view returns (uint8, bytes);
        function delegateCall(address target, bytes data) external returns (uint8, bytes);
        function create(bytes code, uint256 endowment, bytes32[] salt) external payable returns (address, bytes);
        function trap() external view;
        function burn(uint64 rounds) external view returns (uint64);
        function grow(uint32 pages) external view returns (uint32);
    }
}

pub use alloy_sol_types::SolCall;

/// The release wasm of the probe fixture, built once per test binary.
pub fn probe_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        vigil_devnet::artifacts::build_wasm(&workspace, "vigil-devnet-probe")
            .unwrap_or_else(|e| panic!("building the probe fixture: {e}"))
    })
}

pub fn addr(byte: u8) -> Address {
    Address::repeat_byte(byte)
}

pub const ALICE: Address = Address::repeat_byte(0xa1);
pub const BOB: Address = Address::repeat_byte(0xb0);

pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// Deploys the probe from ALICE with constructor argument 7.
pub fn deploy_probe(chain: &mut Devnet) -> Address {
    let args = U256::from(7).to_be_bytes::<32>();
    chain
        .deploy_stylus(ALICE, probe_wasm(), Some(&args))
        .expect("deploy probe")
}

/// Init code that deploys `runtime` as is.
pub fn initcode(runtime: &[u8]) -> Bytes {
    let len = (runtime.len() as u16).to_be_bytes();
    let mut init = vec![
        0x61, len[0], len[1], 0x60, 14, 0x60, 0, 0x39, 0x61, len[0], len[1], 0x60, 0, 0xf3,
    ];
    init.extend_from_slice(runtime);
    init.into()
}

pub fn deploy(chain: &mut Devnet, runtime: &[u8]) -> Address {
    chain
        .deploy_evm(ALICE, initcode(runtime))
        .expect("deploy evm")
}

/// Forwards `calldata[32..]` with the call value to the address in `calldata[0..32]`; returns or
/// reverts with the callee's return data. With `revert_after`, always reverts with it.
pub fn forwarder(revert_after: bool) -> Vec<u8> {
    let last = if revert_after { 0xfd } else { 0xf3 };
    vec![
        0x36, 0x60, 0x20, 0x90, 0x03, // len = calldatasize - 32
        0x80, 0x60, 0x20, 0x60, 0x00, 0x37, // calldatacopy(0, 32, len)
        0x60, 0x00, 0x60, 0x00, 0x82, 0x60, 0x00, 0x34, 0x60, 0x00, 0x35, 0x5a,
        0xf1, // call(gas, addr, callvalue, 0, len, 0, 0)
        0x3d, 0x60, 0x00, 0x60, 0x00, 0x3e, // returndatacopy(0, 0, returndatasize)
        0x60, 0x25, 0x57, // jumpi(ok, success)
        0x3d, 0x60, 0x00, 0xfd, // revert(0, returndatasize)
        0x5b, 0x3d, 0x60, 0x00, last, // ok: return(0, returndatasize)
    ]
}

/// Calldata for a forwarder: target address word then the inner calldata.
pub fn forward(target: Address, inner: &[u8]) -> Bytes {
    let mut data = vec![0u8; 12];
    data.extend_from_slice(target.as_slice());
    data.extend_from_slice(inner);
    data.into()
}

/// sstore(0, caller); stop
pub const STORE_CALLER: &[u8] = &[0x33, 0x60, 0x00, 0x55, 0x00];
/// sstore(1, 1); revert(0, 0)
pub const STORE_THEN_REVERT: &[u8] = &[0x60, 0x01, 0x60, 0x01, 0x55, 0x60, 0x00, 0x60, 0x00, 0xfd];
/// mstore(0, 42); return(0, 32)
pub const RETURN_42: &[u8] = &[0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];

pub fn word(n: u64) -> vigil_devnet::B256 {
    U256::from(n).to_be_bytes::<32>().into()
}

/// Parameter and result types of a function.
pub type Sig = (Vec<wasm_encoder::ValType>, Vec<wasm_encoder::ValType>);
/// A function body.
pub type Body = Vec<wasm_encoder::Instruction<'static>>;

/// A hand-built wasm module: imports, one exported `user_entrypoint` with `body`, memory, data.
pub struct Wasm {
    pub imports: Vec<(
        &'static str,
        &'static str,
        Vec<wasm_encoder::ValType>,
        Vec<wasm_encoder::ValType>,
    )>,
    pub body: Body,
    pub entry: Sig,
    pub memory_pages: Option<u64>,
    pub export_memory: bool,
    pub export_entry: bool,
    pub data: Vec<u8>,
    /// Extra local functions (type, body), e.g. to carry a forbidden instruction.
    pub extra: Vec<(Sig, Body)>,
    /// Function index of a start function.
    pub start: Option<u32>,
}

impl Default for Wasm {
    fn default() -> Self {
        use wasm_encoder::{Instruction::*, ValType::I32};
        Wasm {
            imports: Vec::new(),
            body: vec![I32Const(0), End],
            entry: (vec![I32], vec![I32]),
            memory_pages: Some(1),
            export_memory: true,
            export_entry: true,
            data: Vec::new(),
            extra: Vec::new(),
            start: None,
        }
    }
}

impl Wasm {
    pub fn build(&self) -> Vec<u8> {
        use wasm_encoder::*;
        let mut types = TypeSection::new();
        let mut imports = ImportSection::new();
        for (i, (module, name, params, results)) in self.imports.iter().enumerate() {
            types.ty().function(params.clone(), results.clone());
            imports.import(module, name, EntityType::Function(i as u32));
        }
        let entry_type = self.imports.len() as u32;
        types
            .ty()
            .function(self.entry.0.clone(), self.entry.1.clone());
        let mut functions = FunctionSection::new();
        functions.function(entry_type);
        for (i, ((params, results), _)) in self.extra.iter().enumerate() {
            types.ty().function(params.clone(), results.clone());
            functions.function(entry_type + 1 + i as u32);
        }
        let mut module = Module::new();
        module.section(&types);
        if !self.imports.is_empty() {
            module.section(&imports);
        }
        module.section(&functions);
        if let Some(pages) = self.memory_pages {
            let mut memories = MemorySection::new();
            memories.memory(MemoryType {
                minimum: pages,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            });
            module.section(&memories);
        }
        let mut exports = ExportSection::new();
        if self.export_entry {
            exports.export(
                "user_entrypoint",
                ExportKind::Func,
                self.imports.len() as u32,
            );
        }
        if self.export_memory && self.memory_pages.is_some() {
            exports.export("memory", ExportKind::Memory, 0);
        }
        module.section(&exports);
        if let Some(function_index) = self.start {
            module.section(&StartSection { function_index });
        }
        let mut code = CodeSection::new();
        let mut entry = Function::new([]);
        for instruction in &self.body {
            entry.instruction(instruction);
        }
        code.function(&entry);
        for (_, body) in &self.extra {
            let mut f = Function::new([]);
            for instruction in body {
                f.instruction(instruction);
            }
            code.function(&f);
        }
        module.section(&code);
        if !self.data.is_empty() {
            let mut data = DataSection::new();
            data.active(0, &ConstExpr::i32_const(0), self.data.iter().copied());
            module.section(&data);
        }
        module.finish()
    }
}

/// `call(gas, target, 0, 0, 0, 0, 0); pop` `times` times, then stop.
pub fn call_n_times(target: Address, times: usize) -> Vec<u8> {
    let mut code = Vec::new();
    for _ in 0..times {
        code.extend_from_slice(&[
            0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73,
        ]);
        code.extend_from_slice(target.as_slice());
        code.extend_from_slice(&[0x5a, 0xf1, 0x50]);
    }
    code.push(0x00);
    code
}
