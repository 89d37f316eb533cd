//! The `vm_hooks` imports a Stylus program may use, with their wasm signatures.
//!
//! The list is every hostio stylus-sdk 0.10.10 declares (34) plus Nitro's `exit_early`; the
//! "console" module is accepted only on a debug devnet, as on a debug Nitro chain.

/// Wasm value types of hostio signatures (pointers and `usize` are `i32` on wasm32).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    I32,
    I64,
}

use Ty::{I32, I64};

macro_rules! hooks {
    ($($variant:ident $name:literal ($($p:ident),*) -> ($($r:ident),*);)*) => {
        /// One host function a program can import.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Hook { $($variant),* }

        impl Hook {
            /// Every hook, in declaration order.
            pub const ALL: &'static [Hook] = &[$(Hook::$variant),*];

            /// Import module of the hook.
            pub fn module(self) -> &'static str {
                match self {
                    Hook::LogTxt | Hook::LogI32 | Hook::LogI64 => "console",
                    _ => "vm_hooks",
                }
            }

            /// Import name of the hook.
            pub fn name(self) -> &'static str {
                match self { $(Hook::$variant => $name),* }
            }

            /// Parameter types.
            pub fn params(self) -> &'static [Ty] {
                match self { $(Hook::$variant => &[$($p),*]),* }
            }

            /// Result types.
            pub fn results(self) -> &'static [Ty] {
                match self { $(Hook::$variant => &[$($r),*]),* }
            }
        }
    };
}

hooks! {
    AccountBalance "account_balance" (I32, I32) -> ();
    AccountCode "account_code" (I32, I32, I32, I32) -> (I32);
    AccountCodeSize "account_code_size" (I32) -> (I32);
    AccountCodehash "account_codehash" (I32, I32) -> ();
    StorageLoadBytes32 "storage_load_bytes32" (I32, I32) -> ();
    StorageCacheBytes32 "storage_cache_bytes32" (I32, I32) -> ();
    StorageFlushCache "storage_flush_cache" (I32) -> ();
    BlockBasefee "block_basefee" (I32) -> ();
    Chainid "chainid" () -> (I64);
    BlockCoinbase "block_coinbase" (I32) -> ();
    BlockGasLimit "block_gas_limit" () -> (I64);
    BlockNumber "block_number" () -> (I64);
    BlockTimestamp "block_timestamp" () -> (I64);
    CallContract "call_contract" (I32, I32, I32, I32, I64, I32) -> (I32);
    ContractAddress "contract_address" (I32) -> ();
    Create1 "create1" (I32, I32, I32, I32, I32) -> ();
    Create2 "create2" (I32, I32, I32, I32, I32, I32) -> ();
    DelegateCallContract "delegate_call_contract" (I32, I32, I32, I64, I32) -> (I32);
    EmitLog "emit_log" (I32, I32, I32) -> ();
    EvmGasLeft "evm_gas_left" () -> (I64);
    EvmInkLeft "evm_ink_left" () -> (I64);
    PayForMemoryGrow "pay_for_memory_grow" (I32) -> ();
    MsgReentrant "msg_reentrant" () -> (I32);
    MsgSender "msg_sender" (I32) -> ();
    MsgValue "msg_value" (I32) -> ();
    NativeKeccak256 "native_keccak256" (I32, I32, I32) -> ();
    ReadArgs "read_args" (I32) -> ();
    ReadReturnData "read_return_data" (I32, I32, I32) -> (I32);
    WriteResult "write_result" (I32, I32) -> ();
    ReturnDataSize "return_data_size" () -> (I32);
    StaticCallContract "static_call_contract" (I32, I32, I32, I64, I32) -> (I32);
    TxGasPrice "tx_gas_price" (I32) -> ();
    TxInkPrice "tx_ink_price" () -> (I32);
    TxOrigin "tx_origin" (I32) -> ();
    ExitEarly "exit_early" (I32) -> ();
    LogTxt "log_txt" (I32, I32) -> ();
    LogI32 "log_i32" (I32) -> ();
    LogI64 "log_i64" (I64) -> ();
}

impl Hook {
    /// Finds the hook a module imports by module and name.
    pub fn find(module: &str, name: &str) -> Option<Hook> {
        Hook::ALL
            .iter()
            .copied()
            .find(|h| h.module() == module && h.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sdk_hostio_is_declared() {
        let vm_hooks = Hook::ALL
            .iter()
            .filter(|h| h.module() == "vm_hooks")
            .count();
        // 34 from stylus-sdk 0.10.10 plus exit_early.
        assert_eq!(vm_hooks, 35);
        assert_eq!(
            Hook::find("vm_hooks", "call_contract"),
            Some(Hook::CallContract)
        );
        assert_eq!(Hook::find("console", "call_contract"), None);
    }
}
