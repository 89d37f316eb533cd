//! ABI words, built by hand for revert data, logs and return data.
//!
//! Every error the guard reverts with, every event it logs and every value it returns is made of
//! one-word fields. alloy's encoder is generic over each type, so its ~45 errors and events would
//! each get their own copy of encoding code in the wasm; these word builders serve them all.

use alloy_primitives::{Address, FixedBytes, B256, U256};

// The word builders below copy with `zip` rather than `copy_from_slice`: a length check that the
// optimiser cannot prove away leaves a panic site, and its location string lands in the data segment.

/// `bytes` right-aligned in a word (padded on the left).
pub fn right_aligned(bytes: &[u8]) -> B256 {
    let mut w = [0u8; 32];
    for (d, s) in w.iter_mut().rev().zip(bytes.iter().rev()) {
        *d = *s;
    }
    B256::new(w)
}

pub fn address(a: Address) -> B256 {
    right_aligned(a.as_slice())
}

pub fn uint(v: u64) -> B256 {
    right_aligned(&v.to_be_bytes())
}

pub fn u256(v: U256) -> B256 {
    B256::new(v.to_be_bytes())
}

/// `bytesN` values sit at the start of their word.
pub fn bytes4(s: FixedBytes<4>) -> B256 {
    let mut w = [0u8; 32];
    for (d, s) in w.iter_mut().zip(s.0) {
        *d = s;
    }
    B256::new(w)
}

/// The address in the low 20 bytes of a word.
pub fn word_address(w: &[u8; 32]) -> Address {
    let mut a = [0u8; 20];
    for (d, s) in a.iter_mut().zip(&w[12..]) {
        *d = *s;
    }
    Address::new(a)
}

pub fn flag(b: bool) -> B256 {
    uint(b as u64)
}
