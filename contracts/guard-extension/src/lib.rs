//! The CircuitGuard's extension program (see `vigil_guard::extension`): this crate only builds
//! it. Its code is the guard crate's, compiled with the `extension` feature, which exports the
//! extension table's entrypoint instead of the guard's; both programs therefore share one storage
//! layout by construction.

#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

pub use vigil_guard;
