//! The program's entrypoint and ABI router, written by hand.
//!
//! The SDK's router decodes each function's arguments with alloy's generic decoder, which adds a
//! decoder instance and a ~256-byte type-name string (for an error message nobody sees) per
//! signature to the wasm. Data bytes cost ~0.75 gas on every call, cached or not, and this
//! contract has 27 signatures: that alone would cost `check` more than its whole gas budget. Every
//! argument here is one ABI word (or a `bytes32[]`), so this router reads words directly with
//! `vigil_common::abi::Args`, as strictly as alloy's validating decoder.
//!
//! The `#[public]` impl stays the one definition of the ABI: export-abi prints it, and the tests run
//! every function through both this router and the SDK's and require identical results, storage
//! and logs.

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
use stylus_sdk::{function_selector, prelude::*, ArbResult};

use vigil_common::abi::Args;

use crate::{abi, CircuitGuard};

fn words(ws: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * ws.len());
    for w in ws {
        out.extend_from_slice(w.as_slice());
    }
    out
}

/// A dynamic array or `bytes` return value: offset, length, then `body` (already padded).
fn dynamic(len: usize, body: &[u8]) -> Vec<u8> {
    let mut out = words(&[abi::uint(32), abi::uint(len as u64)]);
    out.extend_from_slice(body);
    out
}

macro_rules! selectors {
    ($($name:ident = $sol:literal ($($ty:ty),*);)*) => {
        $(const $name: u32 = u32::from_be_bytes(function_selector!($sol $(, $ty)*));)*
    };
}

selectors! {
    CHECK = "check"(Address, FixedBytes<4>, U256);
    SCREEN = "screen"(Address, FixedBytes<4>);
    PREVIEW = "preview"(Address, Address, FixedBytes<4>, U256);
    ON_STATUS_CHANGE = "onStatusChange"(B256, U256);
    REGISTER_PROTOCOL = "registerProtocol"(Address);
    SET_ADMIN = "setAdmin"(Address, Address);
    SET_GUARDIAN = "setGuardian"(Address, Address, bool);
    SET_PROTOCOL_SCREENING = "setProtocolScreening"(Address, u8, bool);
    SET_SCREENING = "setScreening"(Address, FixedBytes<4>, u8, bool);
    SET_RATE_LIMIT = "setRateLimit"(Address, FixedBytes<4>, bool, U256, U256, U256, u32);
    SET_ADVISORY_TAGS = "setAdvisoryTags"(Address, FixedBytes<4>, Vec<B256>);
    PAUSE_PROTOCOL = "pauseProtocol"(Address, u64);
    UNPAUSE_PROTOCOL = "unpauseProtocol"(Address);
    PAUSE_SELECTOR = "pauseSelector"(Address, FixedBytes<4>, u64);
    UNPAUSE_SELECTOR = "unpauseSelector"(Address, FixedBytes<4>);
    TRANSFER_OWNERSHIP = "transferOwnership"(Address);
    ACCEPT_OWNERSHIP = "acceptOwnership"();
    SET_REGISTRY = "setRegistry"(Address);
    SET_PAUSE_BOUNDS = "setPauseBounds"(u32, u32);
    GUARD_CONFIG = "guardConfig"();
    PROTOCOL_INFO = "protocolInfo"(Address);
    SELECTOR_POLICY = "selectorPolicy"(Address, FixedBytes<4>);
    RATE_LIMIT = "rateLimit"(Address, FixedBytes<4>);
    ADVISORY_TAGS = "advisoryTags"(Address, FixedBytes<4>);
    CONFIGURED_SELECTORS = "configuredSelectors"(Address);
    IS_GUARDIAN = "isGuardian"(Address, Address);
    STATUS_WORD = "statusWord"(B256);
}

/// Runs one message against the guard: selector, arguments, result, exactly as the SDK's router
/// would (empty revert data for unknown selectors, bad arguments, value sent, a repeated
/// constructor).
pub fn route(g: &mut CircuitGuard, input: &[u8]) -> ArbResult {
    let Some((selector, rest)) = input.split_first_chunk::<4>() else {
        return Err(Vec::new());
    };
    let a = Args(rest);
    if !g.vm().msg_value().is_zero() {
        return Err(Vec::new());
    }
    macro_rules! arg {
        ($e:expr) => {
            match $e {
                Some(v) => v,
                None => return Err(Vec::new()),
            }
        };
    }
    let done = |r: crate::Result<()>| r.map(|()| Vec::new());
    let result = match u32::from_be_bytes(*selector) {
        CHECK => done(g.check(arg!(a.address(0)), arg!(a.bytes4(1)), arg!(a.u256(2)))),
        SCREEN => done(g.screen(arg!(a.address(0)), arg!(a.bytes4(1)))),
        PREVIEW => {
            let verdict = g.preview(
                arg!(a.address(0)),
                arg!(a.address(1)),
                arg!(a.bytes4(2)),
                arg!(a.u256(3)),
            );
            let mut body = verdict.to_vec();
            body.resize(verdict.len().div_ceil(32) * 32, 0);
            Ok(dynamic(verdict.len(), &body))
        }
        ON_STATUS_CHANGE => done(g.on_status_change(arg!(a.b256(0)), arg!(a.u256(1)))),
        REGISTER_PROTOCOL => done(g.register_protocol(arg!(a.address(0)))),
        SET_ADMIN => done(g.set_admin(arg!(a.address(0)), arg!(a.address(1)))),
        SET_GUARDIAN => {
            done(g.set_guardian(arg!(a.address(0)), arg!(a.address(1)), arg!(a.boolean(2))))
        }
        SET_PROTOCOL_SCREENING => {
            done(g.set_protocol_screening(arg!(a.address(0)), arg!(a.u8(1)), arg!(a.boolean(2))))
        }
        SET_SCREENING => done(g.set_screening(
            arg!(a.address(0)),
            arg!(a.bytes4(1)),
            arg!(a.u8(2)),
            arg!(a.boolean(3)),
        )),
        SET_RATE_LIMIT => done(g.set_rate_limit(
            arg!(a.address(0)),
            arg!(a.bytes4(1)),
            arg!(a.boolean(2)),
            arg!(a.u256(3)),
            arg!(a.u256(4)),
            arg!(a.u256(5)),
            arg!(a.u32(6)),
        )),
        SET_ADVISORY_TAGS => {
            done(g.set_advisory_tags(arg!(a.address(0)), arg!(a.bytes4(1)), arg!(a.b256_array(2))))
        }
        PAUSE_PROTOCOL => done(g.pause_protocol(arg!(a.address(0)), arg!(a.u64(1)))),
        UNPAUSE_PROTOCOL => done(g.unpause_protocol(arg!(a.address(0)))),
        PAUSE_SELECTOR => {
            done(g.pause_selector(arg!(a.address(0)), arg!(a.bytes4(1)), arg!(a.u64(2))))
        }
        UNPAUSE_SELECTOR => done(g.unpause_selector(arg!(a.address(0)), arg!(a.bytes4(1)))),
        TRANSFER_OWNERSHIP => done(g.transfer_ownership(arg!(a.address(0)))),
        ACCEPT_OWNERSHIP => done(g.accept_ownership()),
        SET_REGISTRY => done(g.set_registry(arg!(a.address(0)))),
        SET_PAUSE_BOUNDS => done(g.set_pause_bounds(arg!(a.u32(0)), arg!(a.u32(1)))),
        GUARD_CONFIG => {
            let c = g.guard_config();
            Ok(words(&[
                abi::address(c.owner),
                abi::address(c.pendingOwner),
                abi::address(c.registry),
                abi::uint(c.maxPauseDuration as u64),
                abi::uint(c.pauseCooldown as u64),
            ]))
        }
        PROTOCOL_INFO => {
            let p = g.protocol_info(arg!(a.address(0)));
            Ok(words(&[
                abi::flag(p.registered),
                abi::address(p.admin),
                abi::uint(p.pausedUntil),
                abi::uint(p.screening as u64),
                abi::flag(p.screenOrigin),
                abi::uint(p.guardianPauseEnd),
            ]))
        }
        SELECTOR_POLICY => {
            let s = g.selector_policy(arg!(a.address(0)), arg!(a.bytes4(1)));
            Ok(words(&[
                abi::flag(s.configured),
                abi::uint(s.pausedUntil),
                abi::uint(s.protocolPausedUntil),
                abi::uint(s.screening as u64),
                abi::flag(s.screenOrigin),
                abi::uint(s.tagCount as u64),
            ]))
        }
        RATE_LIMIT => {
            let r = g.rate_limit(arg!(a.address(0)), arg!(a.bytes4(1)));
            Ok(words(&[
                abi::u256(r.capacity),
                abi::u256(r.refillPerSecond),
                abi::u256(r.tripLevel),
                abi::uint(r.tripCooldown as u64),
                abi::u256(r.available),
                abi::u256(r.unit),
            ]))
        }
        ADVISORY_TAGS => {
            let tags = g.advisory_tags(arg!(a.address(0)), arg!(a.bytes4(1)));
            Ok(dynamic(tags.len(), &words(&tags)))
        }
        CONFIGURED_SELECTORS => {
            let selectors = g.configured_selectors(arg!(a.address(0)));
            let body: Vec<B256> = selectors.iter().map(|s| abi::bytes4(*s)).collect();
            Ok(dynamic(body.len(), &words(&body)))
        }
        IS_GUARDIAN => Ok(words(&[abi::flag(
            g.is_guardian(arg!(a.address(0)), arg!(a.address(1))),
        )])),
        STATUS_WORD => Ok(words(&[abi::u256(g.status_word(arg!(a.b256(0))))])),
        stylus_sdk::abi::CONSTRUCTOR_SELECTOR => {
            g.check_constructor_slot()?;
            done(g.constructor(arg!(a.address(0))))
        }
        _ => return Err(Vec::new()),
    };
    result.map_err(Into::into)
}

/// The deployed program's entrypoint: what `#[entrypoint]` generates, with [`route`] in place of
/// the SDK's router.
#[cfg(all(
    target_arch = "wasm32",
    feature = "contract",
    not(feature = "export-abi")
))]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    use stylus_sdk::{
        host::{WasmVM, VM},
        storage::StorageType,
    };
    let host = VM { host: WasmVM {} };
    // The SDK's default: a reentrant call reverts. The guard calls nobody, so none can happen
    // through it; this keeps the program's behaviour identical to an SDK-routed one.
    if host.msg_reentrant() {
        return 1;
    }
    // Referenced so that activation can hook memory growth (see the SDK's entrypoint).
    host.pay_for_memory_grow(0);
    let input = host.read_args(len);
    let mut guard = unsafe { CircuitGuard::new(U256::ZERO, 0, host.clone()) };
    let (data, status) = match route(&mut guard, &input) {
        Ok(data) => (data, 0),
        Err(data) => (data, 1),
    };
    host.flush_cache(false);
    host.write_result(&data);
    status
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, keccak256};
    use alloy_sol_types::{abi::TokenSeq, SolType, SolValue};
    use proptest::prelude::*;
    use stylus_sdk::{abi::router_entrypoint, host::VM, testing::TestVM};

    use super::*;

    const OWNER: Address = address!("0x00000000000000000000000000000000000000a1");
    const REGISTRY: Address = address!("0x00000000000000000000000000000000000000a2");
    const PROTOCOL: Address = address!("0x00000000000000000000000000000000000000b1");
    const ADMIN: Address = address!("0x00000000000000000000000000000000000000b2");
    const SEL: FixedBytes<4> = FixedBytes([0xde, 0xad, 0xbe, 0xef]);

    /// One guard behind `route`, one behind the SDK's router, fed the same messages.
    struct Twin {
        ours: TestVM,
        guard: CircuitGuard,
        sdk: TestVM,
    }

    impl Twin {
        fn new() -> Self {
            let ours = TestVM::default();
            let sdk = TestVM::default();
            for vm in [&ours, &sdk] {
                vm.set_block_timestamp(1_700_000_000);
            }
            let guard = CircuitGuard::from(&ours);
            Self { ours, guard, sdk }
        }

        fn send(&mut self, from: Address, input: Vec<u8>) -> ArbResult {
            for vm in [&self.ours, &self.sdk] {
                vm.set_sender(from);
            }
            let ours = route(&mut self.guard, &input);
            let sdk = router_entrypoint::<CircuitGuard, CircuitGuard>(
                input,
                VM {
                    host: Box::new(self.sdk.clone()),
                },
            );
            assert_eq!(ours, sdk);
            assert_eq!(self.ours.snapshot().storage, self.sdk.snapshot().storage);
            assert_eq!(self.ours.get_emitted_logs(), self.sdk.get_emitted_logs());
            ours
        }
    }

    fn call<T: SolValue>(signature: &str, args: T) -> Vec<u8>
    where
        for<'a> <T::SolType as SolType>::Token<'a>: TokenSeq<'a>,
    {
        let mut data = keccak256(signature)[..4].to_vec();
        data.extend(args.abi_encode_params());
        data
    }

    fn constructor(owner: Address) -> Vec<u8> {
        let mut data = stylus_sdk::abi::CONSTRUCTOR_SELECTOR.to_be_bytes().to_vec();
        data.extend((owner,).abi_encode_params());
        data
    }

    #[test]
    fn every_function_routes_like_the_sdk() {
        let mut t = Twin::new();
        let advisory = vigil_common::subject::advisory(B256::repeat_byte(7));
        let flagged = vigil_common::Status {
            level: vigil_common::Level::Confirmed,
            expiry: u64::MAX,
            ..Default::default()
        };
        let u = U256::from;
        let ok = |r: ArbResult| assert!(r.is_ok(), "{r:?}");
        ok(t.send(OWNER, constructor(OWNER)));
        assert!(t.send(OWNER, constructor(ADMIN)).is_err());
        ok(t.send(OWNER, call("setRegistry(address)", (REGISTRY,))));
        ok(t.send(
            OWNER,
            call("setPauseBounds(uint32,uint32)", (100u32, 200u32)),
        ));
        ok(t.send(OWNER, call("transferOwnership(address)", (ADMIN,))));
        ok(t.send(ADMIN, call("acceptOwnership()", ())));
        ok(t.send(ADMIN, call("guardConfig()", ())));
        ok(t.send(PROTOCOL, call("registerProtocol(address)", (OWNER,))));
        ok(t.send(OWNER, call("setAdmin(address,address)", (PROTOCOL, ADMIN))));
        ok(t.send(
            ADMIN,
            call("setGuardian(address,address,bool)", (PROTOCOL, OWNER, true)),
        ));
        ok(t.send(
            ADMIN,
            call(
                "setProtocolScreening(address,uint8,bool)",
                (PROTOCOL, U256::from(1u8), true),
            ),
        ));
        ok(t.send(
            ADMIN,
            call(
                "setScreening(address,bytes4,uint8,bool)",
                (PROTOCOL, SEL, U256::ZERO, false),
            ),
        ));
        let limit = (PROTOCOL, SEL, true, u(1_000), u(10), u(100), 60u32);
        ok(t.send(
            ADMIN,
            call(
                "setRateLimit(address,bytes4,bool,uint256,uint256,uint256,uint32)",
                limit,
            ),
        ));
        let tags = (PROTOCOL, SEL, vec![advisory, advisory]);
        ok(t.send(
            ADMIN,
            call("setAdvisoryTags(address,bytes4,bytes32[])", tags),
        ));
        ok(t.send(
            OWNER,
            call("pauseProtocol(address,uint64)", (PROTOCOL, 50u64)),
        ));
        ok(t.send(ADMIN, call("unpauseProtocol(address)", (PROTOCOL,))));
        ok(t.send(
            ADMIN,
            call(
                "pauseSelector(address,bytes4,uint64)",
                (PROTOCOL, SEL, 50u64),
            ),
        ));
        ok(t.send(
            ADMIN,
            call("unpauseSelector(address,bytes4)", (PROTOCOL, SEL)),
        ));
        ok(t.send(ADMIN, call("setRegistry(address)", (REGISTRY,))));
        let status = (vigil_common::subject::address(OWNER), flagged.to_word());
        ok(t.send(REGISTRY, call("onStatusChange(bytes32,uint256)", status)));
        ok(t.send(
            PROTOCOL,
            call("check(address,bytes4,uint256)", (ADMIN, SEL, u(950))),
        ));
        assert!(t
            .send(
                PROTOCOL,
                call("check(address,bytes4,uint256)", (OWNER, SEL, u(1)))
            )
            .is_err());
        assert!(t
            .send(PROTOCOL, call("screen(address,bytes4)", (OWNER, SEL)))
            .is_err());
        ok(t.send(PROTOCOL, call("screen(address,bytes4)", (ADMIN, SEL))));
        for amount in [0u64, 1, 60] {
            ok(t.send(
                ADMIN,
                call(
                    "preview(address,address,bytes4,uint256)",
                    (PROTOCOL, ADMIN, SEL, u(amount)),
                ),
            ));
        }
        ok(t.send(ADMIN, call("protocolInfo(address)", (PROTOCOL,))));
        ok(t.send(
            ADMIN,
            call("selectorPolicy(address,bytes4)", (PROTOCOL, SEL)),
        ));
        ok(t.send(ADMIN, call("rateLimit(address,bytes4)", (PROTOCOL, SEL))));
        ok(t.send(ADMIN, call("advisoryTags(address,bytes4)", (PROTOCOL, SEL))));
        ok(t.send(ADMIN, call("configuredSelectors(address)", (PROTOCOL,))));
        ok(t.send(
            ADMIN,
            call("isGuardian(address,address)", (PROTOCOL, OWNER)),
        ));
        ok(t.send(ADMIN, call("statusWord(bytes32)", (status.0,))));
        // Errors from the contract come through unchanged.
        assert!(!t
            .send(ADMIN, call("registerProtocol(address)", (Address::ZERO,)))
            .unwrap_err()
            .is_empty());
    }

    #[test]
    fn malformed_messages_revert_empty_like_the_sdk() {
        let mut t = Twin::new();
        let mut dirty_address = call("registerProtocol(address)", (ADMIN,));
        dirty_address[4] = 1;
        let mut dirty_bytes4 = call("unpauseSelector(address,bytes4)", (PROTOCOL, SEL));
        dirty_bytes4[4 + 63] = 1;
        let bad_bool = call(
            "setGuardian(address,address,uint256)",
            (PROTOCOL, ADMIN, U256::from(2u8)),
        );
        let mut bad_bool_input = keccak256("setGuardian(address,address,bool)")[..4].to_vec();
        bad_bool_input.extend_from_slice(&bad_bool[4..]);
        let mut short = call("check(address,bytes4,uint256)", (ADMIN, SEL, U256::ZERO));
        short.truncate(4 + 64);
        for input in [
            vec![],
            vec![1, 2, 3],
            vec![0xff; 4],
            dirty_address,
            dirty_bytes4,
            bad_bool_input,
            short,
        ] {
            assert_eq!(t.send(PROTOCOL, input), Err(vec![]));
        }
        // Value sent to a non-payable function.
        for vm in [&t.ours, &t.sdk] {
            vm.set_value(U256::from(1u8));
        }
        assert_eq!(
            t.send(PROTOCOL, call("registerProtocol(address)", (ADMIN,))),
            Err(vec![])
        );
    }

    const SIGNATURES: [&str; 28] = [
        "check(address,bytes4,uint256)",
        "screen(address,bytes4)",
        "preview(address,address,bytes4,uint256)",
        "onStatusChange(bytes32,uint256)",
        "registerProtocol(address)",
        "setAdmin(address,address)",
        "setGuardian(address,address,bool)",
        "setProtocolScreening(address,uint8,bool)",
        "setScreening(address,bytes4,uint8,bool)",
        "setRateLimit(address,bytes4,bool,uint256,uint256,uint256,uint32)",
        "setAdvisoryTags(address,bytes4,bytes32[])",
        "pauseProtocol(address,uint64)",
        "unpauseProtocol(address)",
        "pauseSelector(address,bytes4,uint64)",
        "unpauseSelector(address,bytes4)",
        "transferOwnership(address)",
        "acceptOwnership()",
        "setRegistry(address)",
        "setPauseBounds(uint32,uint32)",
        "guardConfig()",
        "protocolInfo(address)",
        "selectorPolicy(address,bytes4)",
        "rateLimit(address,bytes4)",
        "advisoryTags(address,bytes4)",
        "configuredSelectors(address)",
        "isGuardian(address,address)",
        "statusWord(bytes32)",
        "stylus_constructor()",
    ];

    /// A word that is often a valid small value, sometimes a valid address or selector, sometimes junk.
    fn word() -> impl Strategy<Value = [u8; 32]> {
        prop_oneof![
            (0u64..4).prop_map(|v| U256::from(v).to_be_bytes()),
            any::<u64>().prop_map(|v| U256::from(v).to_be_bytes()),
            any::<[u8; 20]>().prop_map(|a| Address::new(a).into_word().0),
            any::<[u8; 4]>().prop_map(|s| abi::bytes4(FixedBytes(s)).0),
            Just(U256::from(32u8).to_be_bytes()),
            any::<[u8; 32]>(),
        ]
    }

    proptest! {
        #[test]
        fn any_message_routes_like_the_sdk(
            which in 0..SIGNATURES.len(),
            args in prop::collection::vec(word(), 0..10),
            sender in prop_oneof![Just(OWNER), Just(ADMIN), Just(PROTOCOL), Just(REGISTRY)],
        ) {
            let mut t = Twin::new();
            t.send(OWNER, constructor(OWNER)).ok();
            t.send(OWNER, call("setRegistry(address)", (REGISTRY,))).ok();
            t.send(PROTOCOL, call("registerProtocol(address)", (ADMIN,))).ok();
            let mut input = keccak256(SIGNATURES[which])[..4].to_vec();
            for w in &args {
                input.extend_from_slice(w);
            }
            t.send(sender, input).ok();
        }
    }

    #[test]
    fn the_signature_list_is_the_routers() {
        // Every routed selector is in SIGNATURES (so the property test reaches it) and vice versa.
        let routed = [
            CHECK,
            SCREEN,
            PREVIEW,
            ON_STATUS_CHANGE,
            REGISTER_PROTOCOL,
            SET_ADMIN,
            SET_GUARDIAN,
            SET_PROTOCOL_SCREENING,
            SET_SCREENING,
            SET_RATE_LIMIT,
            SET_ADVISORY_TAGS,
            PAUSE_PROTOCOL,
            UNPAUSE_PROTOCOL,
            PAUSE_SELECTOR,
            UNPAUSE_SELECTOR,
            TRANSFER_OWNERSHIP,
            ACCEPT_OWNERSHIP,
            SET_REGISTRY,
            SET_PAUSE_BOUNDS,
            GUARD_CONFIG,
            PROTOCOL_INFO,
            SELECTOR_POLICY,
            RATE_LIMIT,
            ADVISORY_TAGS,
            CONFIGURED_SELECTORS,
            IS_GUARDIAN,
            STATUS_WORD,
            stylus_sdk::abi::CONSTRUCTOR_SELECTOR,
        ];
        let listed: Vec<u32> = SIGNATURES
            .iter()
            .map(|s| u32::from_be_bytes(keccak256(s)[..4].try_into().unwrap()))
            .collect();
        assert_eq!(routed.to_vec(), listed);
    }
}
