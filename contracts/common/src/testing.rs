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

use alloc::{boxed::Box, vec::Vec};
use core::borrow::BorrowMut;
use std::collections::BTreeSet;

use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::{abi::TokenSeq, SolError, SolEvent, SolType, SolValue};
use stylus_sdk::{
    abi::{router_entrypoint, Router},
    host::VM,
    storage::StorageType,
    stylus_core::{storage::TopLevelStorage, ValueDenier},
    testing::TestVM,
    ArbResult,
};

use crate::router::Route;

mod args;
mod recorder;

pub use args::{args, Pools};
pub use recorder::{Recorder, Sent};

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
