//! One event emitter for both contracts.
//!
//! alloy's per-event encoders cost ~600 bytes of wasm each and `raw_log` keeps an error string in
//! the data segment (paid on every call); these write the topics and words straight into one
//! buffer. The `sol!` declarations stay the reference: [`topic0!`](crate::topic0!) takes the
//! signature hash from them, and each contract's tests decode every event it emits with them.
//!
//! ```ignore
//! use vigil_common::{abi::w, log, topic0};
//! // event GuardSet(address indexed guard);  event Staked(address indexed who, uint256 amount);
//! log::emit(self.vm(), topic0!(GuardSet), &[w(guard)], &[]);
//! log::emit(self.vm(), topic0!(Staked), &[w(who)], &[w(amount)]);
//! // A dynamic field (`bytes`): its head offset, length and padded bytes as raw data.
//! log::emit_bytes(self.vm(), topic0!(Revealed), &[w(subject)], &abi_encoded_bytes);
//! ```

use alloc::vec::Vec;
use alloy_primitives::B256;
use stylus_sdk::{host::VM, stylus_core::RawLogAccess};

/// Logs event `topic0` with `indexed` topics (at most three) and static `data` words.
pub fn emit(vm: &VM, topic0: B256, indexed: &[B256], data: &[B256]) {
    write(vm, topic0, indexed, data, &[]);
}

/// Logs event `topic0` with `indexed` topics (at most three) and `data` already ABI-encoded.
pub fn emit_bytes(vm: &VM, topic0: B256, indexed: &[B256], data: &[u8]) {
    write(vm, topic0, indexed, &[], data);
}

fn write(vm: &VM, topic0: B256, indexed: &[B256], words: &[B256], bytes: &[u8]) {
    let mut out = Vec::with_capacity(32 * (1 + indexed.len() + words.len()) + bytes.len());
    for word in core::iter::once(&topic0).chain(indexed).chain(words) {
        out.extend_from_slice(word.as_slice());
    }
    out.extend_from_slice(bytes);
    vm.emit_log(&out, 1 + indexed.len());
}
