//! The pieces of a hand-written ABI router: selector constants, the routing table and the wasm
//! entrypoint.
//!
//! Why by hand: the SDK's router instantiates alloy's generic decoder and encoder per method, with
//! a type-name string each; for Vigil's contracts that was over a third of the wasm and most of the
//! data segment, which every call pays for. The `#[public]` impl stays the one definition of the
//! ABI (export-abi prints it), and the tests ([`crate::testing`]) run every method through both
//! routers and require identical results, storage and logs.
//!
//! A contract declares one table with [`router!`](crate::router!) and one entrypoint with
//! [`entrypoint!`](crate::entrypoint!):
//!
//! ```ignore
//! use vigil_common::{abi::Encode, entrypoint, router};
//!
//! router! {
//!     /// Runs one message against the contract exactly as the SDK's router would.
//!     pub fn route(c: &mut MyContract) -> MyError;
//!     // Run once: a second call reverts empty, as in the SDK.
//!     constructor(owner: Address) => c.constructor(owner)?;
//!     // CONST = solidityName(arg: RustType, ...) [payable] => call;
//!     // `?` propagates the method's typed error; the value is ABI-encoded by its `Encode`.
//!     // Doc comments are the function's NatSpec in the exported interface (`DOCS`).
//!     /// Adds the sent ETH to the caller's balance.
//!     DEPOSIT = deposit() payable => c.deposit()?;
//!     SET_LIMIT = setLimit(who: Address, limit: U256) => c.set_limit(who, limit)?;
//!     LIMIT_OF = limitOf(who: Address) => c.limit_of(who);
//! }
//!
//! entrypoint!(MyContract, route);
//! ```
//!
//! Argument types are Rust types with an [`AbiType`](stylus_sdk::abi::AbiType) (for the selector)
//! and a [`Decode`](crate::abi::Decode); results implement [`Encode`](crate::abi::Encode).

use alloc::{format, string::String, vec::Vec};

/// `const NAME: u32` function selectors, computed at compile time from the Solidity name and the
/// argument types exactly as the SDK does.
///
/// ```
/// use alloy_primitives::{Address, U256};
/// vigil_common::selectors! {
///     TRANSFER = "transfer"(Address, U256);
///     TOTAL_SUPPLY = "totalSupply"();
/// }
/// assert_eq!(TRANSFER, 0xa9059cbb);
/// assert_eq!(TOTAL_SUPPLY, 0x18160ddd);
/// ```
#[macro_export]
macro_rules! selectors {
    ($($name:ident = $sol:literal ($($ty:ty),*);)*) => {
        $(const $name: u32 = u32::from_be_bytes(
            $crate::__private::stylus_sdk::function_selector!($sol $(, $ty)*)
        );)*
    };
}

/// One routed method, for tests that compare the table with the contract's exported interface
/// and generate well-formed calls.
#[derive(Clone, Debug)]
pub struct Route {
    pub selector: u32,
    /// The Solidity name.
    pub name: &'static str,
    /// Argument types as in the signature (`uint8`, `bytes32[]`, `(uint256,...)` for a struct).
    pub args: Vec<String>,
    pub payable: bool,
}

impl Route {
    /// `name(type,...)`, whose keccak the selector is.
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.args.join(","))
    }
}

/// Generates a contract's router from one table (see the [module docs](self) for the syntax).
///
/// The generated `route(contract, input) -> ArbResult` behaves exactly like the SDK's router: empty
/// revert data for calldata shorter than a selector, an unknown selector, malformed arguments,
/// value sent to a method not marked `payable`, or a repeated constructor; otherwise the method's
/// encoded result or its error converted with `Into<Vec<u8>>`. It is one `match` on the selector,
/// as small as the hand-written one.
///
/// Also generated, for the contract's tests only (`cfg(test)`): a `routes()` list of
/// [`Route`]s (every table entry except the constructor) with which
/// `vigil_common::testing::assert_routes_exactly` checks that the table routes every exported
/// function and nothing else.
#[macro_export]
macro_rules! router {
    (
        $(#[$meta:meta])*
        $vis:vis fn $route:ident($c:ident: &mut $Contract:ty) -> $Error:ty;
        constructor($($carg:ident: $cty:ty),* $(,)?) => $cbody:expr;
        $($entries:tt)*
    ) => {
        $crate::router! {
            @table [$(#[$meta])*] $vis $route $c $Contract, $Error, args;
            [
                $crate::__private::stylus_sdk::abi::CONSTRUCTOR_SELECTOR => {
                    $c.check_constructor_slot()?;
                    $crate::__router_args!(args, 0usize; $($carg: $cty,)*);
                    (|| -> ::core::result::Result<$crate::__private::Vec<u8>, $Error> {
                        Ok($crate::abi::Encode::encode($cbody))
                    })()
                }
            ]
            $($entries)*
        }
    };
    // A table without a constructor: an extension program reached by DELEGATECALL, which the
    // deploying program's constructor initialises.
    (
        $(#[$meta:meta])*
        $vis:vis fn $route:ident($c:ident: &mut $Contract:ty) -> $Error:ty;
        $($entries:tt)*
    ) => {
        $crate::router! {
            @table [$(#[$meta])*] $vis $route $c $Contract, $Error, args; []
            $($entries)*
        }
    };
    (
        @table [$(#[$meta:meta])*] $vis:vis $route:ident $c:ident $Contract:ty, $Error:ty, $args:ident;
        [$($constructor:tt)*]
        $($(#[doc = $doc:literal])* $NAME:ident = $sol:ident($($arg:ident: $ty:ty),* $(,)?) $($payable:ident)? => $body:expr;)*
    ) => {
        $(const $NAME: u32 = u32::from_be_bytes(
            $crate::__private::stylus_sdk::function_selector!(stringify!($sol) $(, $ty)*)
        );)*

        $(#[$meta])*
        $vis fn $route($c: &mut $Contract, input: &[u8]) -> $crate::__private::stylus_sdk::ArbResult {
            #[allow(unused_imports)]
            use $crate::__private::stylus_sdk::prelude::*;
            use $crate::__private::Vec;
            let Some((selector, rest)) = input.split_first_chunk::<4>() else {
                return Err(Vec::new());
            };
            let selector = u32::from_be_bytes(*selector);
            let $args = $crate::abi::Args(rest);
            let payable = false $($(|| $crate::__router_payable!($payable, selector == $NAME))?)*;
            if !payable && !$crate::word::is_zero(&$c.vm().msg_value()) {
                return Err(Vec::new());
            }
            let result: ::core::result::Result<Vec<u8>, $Error> = match selector {
                $($NAME => {
                    $crate::__router_args!($args, 0usize; $($arg: $ty,)*);
                    (|| -> ::core::result::Result<Vec<u8>, $Error> {
                        Ok($crate::abi::Encode::encode($body))
                    })()
                })*
                $($constructor)*
                _ => return Err(Vec::new()),
            };
            result.map_err(Into::into)
        }

        /// Whether this table routes `selector` (a constructor aside): how a program tells which
        /// calls belong to its extension.
        #[allow(dead_code)]
        pub fn routes_selector(selector: u32) -> bool {
            matches!(selector, $($NAME)|*)
        }

        /// Each function's NatSpec (the table's doc comments), for the exported interface.
        #[allow(dead_code)]
        pub const DOCS: $crate::export::FunctionDocs = &[$((stringify!($sol), &[$($doc),*])),*];

        /// Every routed function (the constructor aside), in table order.
        #[cfg(test)]
        pub fn routes() -> $crate::__private::Vec<$crate::router::Route> {
            $crate::__private::vec![$($crate::router::Route {
                selector: $NAME,
                name: stringify!($sol),
                args: $crate::__private::vec![$(
                    <$ty as $crate::__private::stylus_sdk::abi::AbiType>::SELECTOR_ABI.as_str().into()
                ),*],
                payable: $crate::__router_is_payable!($($payable)?),
            }),*]
        }
    };
}

/// Decodes a table entry's arguments in order, each at the head word after the previous one's.
#[doc(hidden)]
#[macro_export]
macro_rules! __router_args {
    ($args:ident, $at:expr; ) => {};
    ($args:ident, $at:expr; $arg:ident: $ty:ty, $($rest:tt)*) => {
        let Some($arg) = <$ty as $crate::abi::Decode>::decode($args, $at) else {
            return Err($crate::__private::Vec::new());
        };
        $crate::__router_args!($args, $at + <$ty as $crate::abi::Decode>::WORDS; $($rest)*);
    };
}

/// `payable` is the only word allowed after an entry's arguments.
#[doc(hidden)]
#[macro_export]
macro_rules! __router_payable {
    (payable, $e:expr) => {
        $e
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __router_is_payable {
    () => {
        false
    };
    (payable) => {
        true
    };
}

/// The deployed program's entrypoint (`user_entrypoint`, wasm32 without `export-abi` only): what
/// the SDK's `#[entrypoint]` generates, with the contract's own `route` in place of the SDK's
/// router. The calling crate must declare an `export-abi` feature and
/// `unsafe impl TopLevelStorage for $Contract {}` (what `#[entrypoint]` would declare). Put
/// further conditions on the invocation, e.g. `#[cfg(feature = "contract")] entrypoint!(..);`.
///
/// ```ignore
/// vigil_common::entrypoint!(ThreatRegistry, router::route);
/// ```
#[macro_export]
macro_rules! entrypoint {
    ($Contract:ty, $route:path) => {
        #[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
        #[no_mangle]
        pub extern "C" fn user_entrypoint(len: usize) -> usize {
            use $crate::__private::stylus_sdk::{
                host::{WasmVM, VM},
                prelude::*,
                storage::StorageType,
            };
            let host = VM { host: WasmVM {} };
            // The SDK's default: a reentrant call reverts, so a payout's recipient cannot call
            // back in.
            if host.msg_reentrant() {
                return 1;
            }
            // Referenced so that activation can hook memory growth (see the SDK's entrypoint).
            host.pay_for_memory_grow(0);
            let input = host.read_args(len);
            let mut contract = unsafe {
                <$Contract as StorageType>::new($crate::__private::U256::ZERO, 0, host.clone())
            };
            let (data, status) = match $route(&mut contract, &input) {
                Ok(data) => (data, 0),
                Err(data) => (data, 1),
            };
            host.flush_cache(false);
            host.write_result(&data);
            status
        }
    };
}
