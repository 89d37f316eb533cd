//! Test support the contracts share (feature `testing`, enabled from their dev-dependencies).
//!
//! The centre is [`Twin`]: two instances of a contract on two `TestVM`s, one behind the
//! contract's hand-written `route` (what is deployed), one behind the SDK's router (what the
//! `#[public]` impl defines). Every message goes to both and the results, the whole storage and the
//! logs must be identical, so the hand router cannot drift from the ABI the interface exports.
//!
//! ```ignore
//! use vigil_common::testing::{assert_routes_exactly, call, constructor, Twin};
//!
//! let mut t = Twin::new(router::route);
//! t.ok(OWNER, constructor((OWNER,)));
//! t.ok(OWNER, call("setRegistry(address)", (REGISTRY,)));
//! t.send_value(ALICE, U256::from(1), call("stake()", ())).unwrap();
//!
//! // The table routes exactly the functions the exported interface declares.
//! assert_routes_exactly::<MyContract>(&router::routes(), include_str!("../../../interfaces/IMy.sol"));
//! ```
//!
//! For property tests, [`args`] generates well-formed arguments for any routed function from its
//! [`Route`] (occasionally corrupted, so rejections are compared too).

use alloc::{boxed::Box, string::String, vec, vec::Vec};
use core::borrow::BorrowMut;
use std::collections::BTreeSet;

use alloy_primitives::{keccak256, Address, FixedBytes, B256, U256};
use alloy_sol_types::{abi::TokenSeq, SolError, SolEvent, SolType, SolValue};
use proptest::prelude::*;
use stylus_sdk::{
    abi::{router_entrypoint, Router},
    host::VM,
    storage::StorageType,
    stylus_core::{storage::TopLevelStorage, ValueDenier},
    testing::TestVM,
    ArbResult,
};

use crate::{abi::Word, router::Route};

/// The block time both VMs start at.
pub const T0: u64 = 1_700_000_000;

/// A contract `C` behind its own router (`contract`, on `ours`) and behind the SDK's (on `sdk`),
/// fed the same messages.
pub struct Twin<C> {
    pub ours: TestVM,
    pub contract: C,
    pub sdk: TestVM,
    route: fn(&mut C, &[u8]) -> ArbResult,
}

impl<C> Twin<C>
where
    C: Router<C, Storage = C>
        + StorageType
        + TopLevelStorage
        + BorrowMut<C>
        + ValueDenier
        + for<'a> From<&'a TestVM>,
{
    /// Two fresh VMs at block time [`T0`]; `route` is the contract's hand router.
    pub fn new(route: fn(&mut C, &[u8]) -> ArbResult) -> Self {
        let (ours, sdk) = (TestVM::default(), TestVM::default());
        for vm in [&ours, &sdk] {
            vm.set_block_timestamp(T0);
        }
        let contract = C::from(&ours);
        Self {
            ours,
            contract,
            sdk,
            route,
        }
    }

    /// Sends `input` with `value` from `from` through both routers; panics unless the results,
    /// the storage and the logs are identical. Returns the (common) result.
    pub fn send_value(&mut self, from: Address, value: U256, input: Vec<u8>) -> ArbResult {
        for vm in [&self.ours, &self.sdk] {
            vm.set_sender(from);
            vm.set_value(value);
        }
        let ours = (self.route)(&mut self.contract, &input);
        let sdk = router_entrypoint::<C, C>(
            input,
            VM {
                host: Box::new(self.sdk.clone()),
            },
        );
        assert_eq!(ours, sdk, "results differ");
        assert_eq!(
            self.ours.snapshot().storage,
            self.sdk.snapshot().storage,
            "storage differs"
        );
        assert_eq!(
            self.ours.get_emitted_logs(),
            self.sdk.get_emitted_logs(),
            "logs differ"
        );
        ours
    }

    /// [`Twin::send_value`] without value.
    pub fn send(&mut self, from: Address, input: Vec<u8>) -> ArbResult {
        self.send_value(from, U256::ZERO, input)
    }

    /// [`Twin::send`], which must succeed; returns the return data.
    #[track_caller]
    pub fn ok(&mut self, from: Address, input: Vec<u8>) -> Vec<u8> {
        match self.send(from, input) {
            Ok(data) => data,
            Err(e) => panic!("call reverted: 0x{}", alloy_primitives::hex::encode(e)),
        }
    }

    /// Moves both block clocks forward.
    pub fn warp(&mut self, seconds: u64) {
        let now = self.ours.snapshot().block_timestamp + seconds;
        for vm in [&self.ours, &self.sdk] {
            vm.set_block_timestamp(now);
        }
    }
}

/// A call the contract made: callee, calldata, value (a plain ETH transfer has empty calldata).
pub type Sent = (Address, Vec<u8>, U256);

/// A `TestVM` that also records every call the contract makes. `TestVM` answers unmocked calls
/// with success and keeps no record, so a payout of the wrong amount would go unnoticed; tests of
/// money movements read the transfers here instead of trusting the contract's own figures.
///
/// ```ignore
/// let calls = Recorder::new(TestVM::default());
/// let mut contract = calls.contract::<MyContract>();
/// contract.withdraw()?;
/// assert_eq!(calls.take(), vec![(ALICE, vec![], U256::from(5))]);
/// assert_eq!(calls.value_sent(), U256::from(5));
/// ```
#[derive(Clone)]
pub struct Recorder {
    pub vm: TestVM,
    sent: std::rc::Rc<core::cell::RefCell<Vec<Sent>>>,
    taken: std::rc::Rc<core::cell::Cell<usize>>,
}

impl Recorder {
    pub fn new(vm: TestVM) -> Self {
        Self {
            vm,
            sent: Default::default(),
            taken: Default::default(),
        }
    }

    /// A contract instance whose host is this recorder.
    pub fn contract<C: StorageType>(&self) -> C {
        // SAFETY: slot 0 is where a top-level contract's storage starts; one instance per test.
        unsafe {
            C::new(
                U256::ZERO,
                0,
                VM {
                    host: Box::new(self.clone()),
                },
            )
        }
    }

    /// The calls made since the last `take`, in order.
    pub fn take(&self) -> Vec<Sent> {
        let all = self.sent.borrow();
        let new = all[self.taken.get()..].to_vec();
        self.taken.set(all.len());
        new
    }

    /// Every call made so far, taken or not.
    pub fn all(&self) -> Vec<Sent> {
        self.sent.borrow().clone()
    }

    /// The ETH sent so far, by every call.
    pub fn value_sent(&self) -> U256 {
        self.sent.borrow().iter().map(|(_, _, value)| *value).sum()
    }
}

mod recorder_host {
    //! `Host` for [`Recorder`]: every method delegates to the `TestVM` except `call_contract`,
    //! which also records the call.
    use alloc::vec::Vec;
    use alloy_primitives::{Address, B256, U256};
    use stylus_sdk::stylus_core::host::*;

    use super::Recorder;

    impl Host for Recorder {}

    impl CryptographyAccess for Recorder {
        fn native_keccak256(&self, input: &[u8]) -> B256 {
            self.vm.native_keccak256(input)
        }
    }

    impl CalldataAccess for Recorder {
        fn read_args(&self, len: usize) -> Vec<u8> {
            self.vm.read_args(len)
        }
        fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
            self.vm.read_return_data(offset, size)
        }
        fn return_data_size(&self) -> usize {
            self.vm.return_data_size()
        }
        fn write_result(&self, data: &[u8]) {
            self.vm.write_result(data)
        }
    }

    unsafe impl UnsafeDeploymentAccess for Recorder {
        unsafe fn create1(
            &self,
            code: *const u8,
            code_len: usize,
            endowment: *const u8,
            contract: *mut u8,
            revert_data_len: *mut usize,
        ) {
            self.vm
                .create1(code, code_len, endowment, contract, revert_data_len)
        }
        unsafe fn create2(
            &self,
            code: *const u8,
            code_len: usize,
            endowment: *const u8,
            salt: *const u8,
            contract: *mut u8,
            revert_data_len: *mut usize,
        ) {
            self.vm
                .create2(code, code_len, endowment, salt, contract, revert_data_len)
        }
    }

    impl StorageAccess for Recorder {
        fn storage_load_bytes32(&self, key: U256) -> B256 {
            self.vm.storage_load_bytes32(key)
        }
        unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
            self.vm.storage_cache_bytes32(key, value)
        }
        fn flush_cache(&self, clear: bool) {
            self.vm.flush_cache(clear)
        }
    }

    unsafe impl UnsafeCallAccess for Recorder {
        unsafe fn call_contract(
            &self,
            to: *const u8,
            data: *const u8,
            data_len: usize,
            value: *const u8,
            gas: u64,
            outs_len: &mut usize,
        ) -> u8 {
            let callee = Address::from_slice(core::slice::from_raw_parts(to, 20));
            let calldata = core::slice::from_raw_parts(data, data_len).to_vec();
            let amount = U256::from_be_slice(core::slice::from_raw_parts(value, 32));
            self.sent.borrow_mut().push((callee, calldata, amount));
            self.vm
                .call_contract(to, data, data_len, value, gas, outs_len)
        }
        unsafe fn static_call_contract(
            &self,
            to: *const u8,
            data: *const u8,
            data_len: usize,
            gas: u64,
            outs_len: &mut usize,
        ) -> u8 {
            self.vm
                .static_call_contract(to, data, data_len, gas, outs_len)
        }
        unsafe fn delegate_call_contract(
            &self,
            to: *const u8,
            data: *const u8,
            data_len: usize,
            gas: u64,
            outs_len: &mut usize,
        ) -> u8 {
            self.vm
                .delegate_call_contract(to, data, data_len, gas, outs_len)
        }
    }

    impl BlockAccess for Recorder {
        fn block_basefee(&self) -> U256 {
            self.vm.block_basefee()
        }
        fn block_coinbase(&self) -> Address {
            self.vm.block_coinbase()
        }
        fn block_number(&self) -> u64 {
            self.vm.block_number()
        }
        fn block_timestamp(&self) -> u64 {
            self.vm.block_timestamp()
        }
        fn block_gas_limit(&self) -> u64 {
            self.vm.block_gas_limit()
        }
    }

    impl ChainAccess for Recorder {
        fn chain_id(&self) -> u64 {
            self.vm.chain_id()
        }
    }

    impl AccountAccess for Recorder {
        fn balance(&self, account: Address) -> U256 {
            self.vm.balance(account)
        }
        fn contract_address(&self) -> Address {
            self.vm.contract_address()
        }
        fn code(&self, account: Address) -> Vec<u8> {
            self.vm.code(account)
        }
        fn code_size(&self, account: Address) -> usize {
            self.vm.code_size(account)
        }
        fn code_hash(&self, account: Address) -> B256 {
            self.vm.code_hash(account)
        }
    }

    impl MemoryAccess for Recorder {
        fn pay_for_memory_grow(&self, pages: u16) {
            self.vm.pay_for_memory_grow(pages)
        }
    }

    impl MessageAccess for Recorder {
        fn msg_sender(&self) -> Address {
            self.vm.msg_sender()
        }
        fn msg_reentrant(&self) -> bool {
            self.vm.msg_reentrant()
        }
        fn msg_value(&self) -> U256 {
            self.vm.msg_value()
        }
        fn tx_origin(&self) -> Address {
            self.vm.tx_origin()
        }
    }

    impl MeteringAccess for Recorder {
        fn evm_gas_left(&self) -> u64 {
            self.vm.evm_gas_left()
        }
        fn evm_ink_left(&self) -> u64 {
            self.vm.evm_ink_left()
        }
        fn tx_gas_price(&self) -> U256 {
            self.vm.tx_gas_price()
        }
        fn tx_ink_price(&self) -> u32 {
            self.vm.tx_ink_price()
        }
    }

    impl RawLogAccess for Recorder {
        fn emit_log(&self, input: &[u8], num_topics: usize) {
            self.vm.emit_log(input, num_topics)
        }
        fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
            self.vm.raw_log(topics, data)
        }
    }
}

/// Calldata for `signature` with `args` (a tuple; alloy has no `SolValue` for `u8`, so pass a
/// `u16` or `U256` for a `uint8`: the word is the same).
pub fn call<T: SolValue>(signature: &str, args: T) -> Vec<u8>
where
    for<'a> <T::SolType as SolType>::Token<'a>: TokenSeq<'a>,
{
    let mut data = keccak256(signature)[..4].to_vec();
    data.extend(args.abi_encode_params());
    data
}

/// Constructor calldata: the SDK's constructor selector and `args`.
pub fn constructor<T: SolValue>(args: T) -> Vec<u8>
where
    for<'a> <T::SolType as SolType>::Token<'a>: TokenSeq<'a>,
{
    let mut data = stylus_sdk::abi::CONSTRUCTOR_SELECTOR.to_be_bytes().to_vec();
    data.extend(args.abi_encode_params());
    data
}

/// Asserts `r` failed with exactly `expected` (selector and arguments).
#[track_caller]
pub fn assert_reverts<T, E: Into<Vec<u8>>>(r: Result<T, E>, expected: impl SolError) {
    match r {
        Ok(_) => panic!("expected revert {}", core::any::type_name_of_val(&expected)),
        Err(e) => assert_eq!(e.into(), expected.abi_encode(), "wrong revert"),
    }
}

/// Every log of event `E` in `vm`, decoded with its `sol!` declaration. A log with `E`'s topic 0
/// that does not decode fails the test: an emitter that drifted from the declaration must not
/// silently drop out of the assertions.
#[track_caller]
pub fn logs<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .into_iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(
            |(topics, data)| match E::decode_raw_log(topics.iter().copied(), &data) {
                Ok(event) => event,
                Err(e) => panic!("a {} log does not decode: {e}", E::SIGNATURE),
            },
        )
        .collect()
}

/// Asserts that the router table (`routes`, from `router!`) routes exactly the functions the
/// contract exports: each routed selector is one the SDK's router (generated from the `#[public]`
/// impl) knows, no selector is routed twice, and there are as many as `function`s in
/// `interface` (the export-abi output, which `script/check-interfaces.sh` keeps identical to the
/// committed interface file). So nothing exported is missing and nothing else is routed.
#[track_caller]
pub fn assert_routes_exactly<C>(routes: &[Route], interface: &str)
where
    C: Router<C, Storage = C>
        + StorageType
        + TopLevelStorage
        + BorrowMut<C>
        + ValueDenier
        + for<'a> From<&'a TestVM>,
{
    let mut seen = BTreeSet::new();
    for r in routes {
        let sig = r.signature();
        assert_eq!(
            r.selector.to_be_bytes(),
            keccak256(&sig)[..4],
            "{sig}: selector"
        );
        assert!(seen.insert(r.selector), "{sig} routed twice");
        let vm = TestVM::default();
        let mut contract = C::from(&vm);
        assert!(
            <C as Router<C>>::route(&mut contract, r.selector, &[]).is_some(),
            "{sig} is routed but the contract does not export it"
        );
        let declared = interface.lines().any(|l| {
            l.trim_start()
                .starts_with(&alloc::format!("function {}(", r.name))
        });
        assert!(declared, "{sig} is not in the interface");
    }
    let exported = interface
        .lines()
        .filter(|l| l.trim_start().starts_with("function "))
        .count();
    assert_eq!(routes.len(), exported, "routed vs exported functions");
    let unknown = 0xffff_ffffu32;
    let mut contract = C::from(&TestVM::default());
    assert!(<C as Router<C>>::route(&mut contract, unknown, &[]).is_none());
}

/// Values property tests draw arguments from: known accounts and words (subjects, selectors...)
/// make calls that get past access checks and find state; random ones cover the rest.
#[derive(Clone, Debug, Default)]
pub struct Pools {
    pub addresses: Vec<Address>,
    pub words: Vec<B256>,
    pub selectors: Vec<FixedBytes<4>>,
}

/// Well-formed ABI arguments (the bytes after the selector) for `route`, drawn from `pools`.
/// One call in eight has one word corrupted (a dirty padding byte or a huge offset), so the
/// routers' rejections are compared as well as their successes.
pub fn args(route: &Route, pools: &Pools) -> BoxedStrategy<Vec<u8>> {
    let types: Vec<String> = route.args.clone();
    let values: Vec<BoxedStrategy<Value>> = types.iter().map(|t| value(t, pools)).collect();
    (values, 0u8..8, any::<prop::sample::Index>(), any::<u8>())
        .prop_map(|(values, corrupt, at, byte)| {
            let mut data = encode(&values);
            if corrupt == 0 && !data.is_empty() {
                let i = at.index(data.len());
                data[i] = data[i].wrapping_add(byte | 1);
            }
            data
        })
        .boxed()
}

/// A generated argument: static words, or a dynamic array / `bytes`.
#[derive(Clone, Debug)]
enum Value {
    Static(Vec<B256>),
    Array(Vec<B256>),
    Bytes(Vec<u8>),
}

fn encode(values: &[Value]) -> Vec<u8> {
    let head_words: usize = values
        .iter()
        .map(|v| match v {
            Value::Static(ws) => ws.len(),
            _ => 1,
        })
        .sum();
    let (mut head, mut tail) = (Vec::new(), Vec::new());
    for v in values {
        match v {
            Value::Static(ws) => ws.iter().for_each(|w| head.extend_from_slice(w.as_slice())),
            Value::Array(items) => {
                head.extend_from_slice(((32 * head_words + tail.len()) as u64).word().as_slice());
                tail.extend_from_slice(items.len().word().as_slice());
                items
                    .iter()
                    .for_each(|w| tail.extend_from_slice(w.as_slice()));
            }
            Value::Bytes(bytes) => {
                head.extend_from_slice(((32 * head_words + tail.len()) as u64).word().as_slice());
                tail.extend_from_slice(bytes.len().word().as_slice());
                tail.extend_from_slice(bytes);
                tail.resize(tail.len().div_ceil(32) * 32, 0);
            }
        }
    }
    head.extend(tail);
    head
}

fn value(ty: &str, pools: &Pools) -> BoxedStrategy<Value> {
    if let Some(item) = ty.strip_suffix("[]") {
        let item = word(item, pools);
        return prop::collection::vec(item, 0..4)
            .prop_map(Value::Array)
            .boxed();
    }
    if ty == "bytes" {
        return prop::collection::vec(any::<u8>(), 0..70)
            .prop_map(Value::Bytes)
            .boxed();
    }
    if let Some(fields) = ty.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        let fields: Vec<BoxedStrategy<B256>> = fields.split(',').map(|f| word(f, pools)).collect();
        return fields.prop_map(Value::Static).boxed();
    }
    word(ty, pools).prop_map(|w| Value::Static(vec![w])).boxed()
}

/// One static word of Solidity type `ty`.
fn word(ty: &str, pools: &Pools) -> BoxedStrategy<B256> {
    fn pick<T: Clone + core::fmt::Debug + 'static>(
        pool: &[T],
        any: BoxedStrategy<T>,
    ) -> BoxedStrategy<T> {
        if pool.is_empty() {
            any
        } else {
            prop_oneof![3 => prop::sample::select(pool.to_vec()), 1 => any].boxed()
        }
    }
    match ty {
        "address" => pick(
            &pools.addresses,
            any::<[u8; 20]>().prop_map(Address::new).boxed(),
        )
        .prop_map(Word::word)
        .boxed(),
        "bytes32" => pick(&pools.words, any::<[u8; 32]>().prop_map(B256::new).boxed()),
        "bytes4" => pick(
            &pools.selectors,
            any::<[u8; 4]>().prop_map(FixedBytes).boxed(),
        )
        .prop_map(Word::word)
        .boxed(),
        "bool" => any::<bool>().prop_map(Word::word).boxed(),
        _ => {
            let bits: usize = ty
                .strip_prefix("uint")
                .and_then(|b| b.parse().ok())
                .unwrap_or_else(|| panic!("no generator for ABI type {ty}"));
            let max = if bits == 256 {
                U256::MAX
            } else {
                (U256::from(1) << bits) - U256::from(1)
            };
            prop_oneof![
                4 => (0u64..10).prop_map(U256::from),
                2 => any::<u64>().prop_map(move |v| U256::from(v) & max),
                1 => any::<[u8; 32]>().prop_map(move |b| U256::from_be_bytes(b) & max),
                1 => Just(max),
            ]
            .prop_map(Word::word)
            .boxed()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_arguments_decode_with_alloy() {
        let route = Route {
            selector: 0,
            name: "f",
            args: ["address", "(uint8,bool)", "bytes32[]", "bytes", "uint64"]
                .map(String::from)
                .to_vec(),
            payable: false,
        };
        use alloy_sol_types::sol_data::{Address as A, Array, Bool, Bytes, FixedBytes as F, Uint};
        type Args = (A, (Uint<8>, Bool), Array<F<32>>, Bytes, Uint<64>);
        let pools = Pools::default();
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut decoded = 0;
        for _ in 0..200 {
            let data = args(&route, &pools)
                .new_tree(&mut runner)
                .unwrap()
                .current();
            if <Args as SolType>::abi_decode_params_validate(&data).is_ok() {
                decoded += 1;
            }
        }
        // All but the deliberately corrupted ones (about one in eight).
        assert!(decoded > 150, "{decoded} of 200 decoded");
    }
}
