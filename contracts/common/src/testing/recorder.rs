//! [`Recorder`]: a `TestVM` host that records the calls a contract makes.

use alloc::{boxed::Box, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::{host::VM, storage::StorageType, testing::TestVM};

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

mod host {
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
