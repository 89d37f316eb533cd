//! The program's entrypoint and ABI router: one declarative table, expanded by
//! `vigil_common::router!` into a hand-written router.
//!
//! The SDK's router decodes each function's arguments with alloy's generic decoder, which adds a
//! decoder instance and a ~256-byte type-name string (for an error message nobody sees) per
//! signature to the wasm. Data bytes cost ~0.75 gas on every call, cached or not, and this
//! contract has 27 functions: that alone would cost `check` more than its whole gas budget. Every
//! argument here is one ABI word (or a `bytes32[]`), read directly and as strictly as alloy's
//! validating decoder.
//!
//! The `#[public]` impl stays the one definition of the ABI: export-abi prints it, and the tests
//! run every function through both this router and the SDK's and require identical results,
//! storage and logs, and require the table to route exactly the functions the interface exports.

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
use vigil_common::abi::{Out, Words};

use crate::{CircuitGuard, GuardConfig, ProtocolInfo, RateLimit, SelectorPolicy};

vigil_common::router! {
    /// Runs one message against the guard exactly as the SDK's router would.
    pub fn route(g: &mut CircuitGuard) -> crate::CircuitGuardError;
    constructor(owner: Address) => g.constructor(owner)?;
    CHECK = check(caller: Address, selector: FixedBytes<4>, amount: U256)
        => g.check(caller, selector, amount)?;
    SCREEN = screen(account: Address, selector: FixedBytes<4>) => g.screen(account, selector)?;
    PREVIEW = preview(protocol: Address, caller: Address, selector: FixedBytes<4>, amount: U256)
        => g.preview(protocol, caller, selector, amount);
    ON_STATUS_CHANGE = onStatusChange(subject: B256, status: U256)
        => g.on_status_change(subject, status)?;
    REGISTER_PROTOCOL = registerProtocol(admin: Address) => g.register_protocol(admin)?;
    SET_ADMIN = setAdmin(protocol: Address, admin: Address) => g.set_admin(protocol, admin)?;
    SET_GUARDIAN = setGuardian(protocol: Address, guardian: Address, enabled: bool)
        => g.set_guardian(protocol, guardian, enabled)?;
    SET_PROTOCOL_SCREENING = setProtocolScreening(protocol: Address, mode: u8, screen_origin: bool)
        => g.set_protocol_screening(protocol, mode, screen_origin)?;
    SET_SCREENING = setScreening(protocol: Address, selector: FixedBytes<4>, mode: u8, screen_origin: bool)
        => g.set_screening(protocol, selector, mode, screen_origin)?;
    SET_RATE_LIMIT = setRateLimit(
        protocol: Address,
        selector: FixedBytes<4>,
        enabled: bool,
        capacity: U256,
        refill_per_second: U256,
        trip_level: U256,
        trip_cooldown: u32,
    ) => g.set_rate_limit(
        protocol,
        selector,
        enabled,
        capacity,
        refill_per_second,
        trip_level,
        trip_cooldown,
    )?;
    SET_ADVISORY_TAGS = setAdvisoryTags(protocol: Address, selector: FixedBytes<4>, tags: Vec<B256>)
        => g.set_advisory_tags(protocol, selector, tags)?;
    PAUSE_PROTOCOL = pauseProtocol(protocol: Address, duration: u64)
        => g.pause_protocol(protocol, duration)?;
    UNPAUSE_PROTOCOL = unpauseProtocol(protocol: Address) => g.unpause_protocol(protocol)?;
    PAUSE_SELECTOR = pauseSelector(protocol: Address, selector: FixedBytes<4>, duration: u64)
        => g.pause_selector(protocol, selector, duration)?;
    UNPAUSE_SELECTOR = unpauseSelector(protocol: Address, selector: FixedBytes<4>)
        => g.unpause_selector(protocol, selector)?;
    TRANSFER_OWNERSHIP = transferOwnership(new_owner: Address) => g.transfer_ownership(new_owner)?;
    ACCEPT_OWNERSHIP = acceptOwnership() => g.accept_ownership()?;
    SET_REGISTRY = setRegistry(registry: Address) => g.set_registry(registry)?;
    SET_PAUSE_BOUNDS = setPauseBounds(max_pause_duration: u32, pause_cooldown: u32)
        => g.set_pause_bounds(max_pause_duration, pause_cooldown)?;
    GUARD_CONFIG = guardConfig() => g.guard_config();
    PROTOCOL_INFO = protocolInfo(protocol: Address) => g.protocol_info(protocol);
    SELECTOR_POLICY = selectorPolicy(protocol: Address, selector: FixedBytes<4>)
        => g.selector_policy(protocol, selector);
    RATE_LIMIT = rateLimit(protocol: Address, selector: FixedBytes<4>)
        => g.rate_limit(protocol, selector);
    ADVISORY_TAGS = advisoryTags(protocol: Address, selector: FixedBytes<4>)
        => g.advisory_tags(protocol, selector);
    CONFIGURED_SELECTORS = configuredSelectors(protocol: Address) => g.configured_selectors(protocol);
    IS_GUARDIAN = isGuardian(protocol: Address, account: Address) => g.is_guardian(protocol, account);
    STATUS_WORD = statusWord(subject: B256) => g.status_word(subject);
}

#[cfg(feature = "contract")]
vigil_common::entrypoint!(CircuitGuard, route);

impl Words for GuardConfig {
    const WORDS: usize = 5;
    fn write(&self, out: &mut Out) {
        out.address(self.owner)
            .address(self.pendingOwner)
            .address(self.registry)
            .uint(self.maxPauseDuration as u64)
            .uint(self.pauseCooldown as u64);
    }
}

impl Words for ProtocolInfo {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.boolean(self.registered)
            .address(self.admin)
            .uint(self.pausedUntil)
            .uint(self.screening as u64)
            .boolean(self.screenOrigin)
            .uint(self.guardianPauseEnd);
    }
}

impl Words for SelectorPolicy {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.boolean(self.configured)
            .uint(self.pausedUntil)
            .uint(self.protocolPausedUntil)
            .uint(self.screening as u64)
            .boolean(self.screenOrigin)
            .uint(self.tagCount as u64);
    }
}

impl Words for RateLimit {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.u256(self.capacity)
            .u256(self.refillPerSecond)
            .u256(self.tripLevel)
            .uint(self.tripCooldown as u64)
            .u256(self.available)
            .u256(self.unit);
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::{address, keccak256};
    use proptest::prelude::*;
    use stylus_sdk::ArbResult;
    use vigil_common::testing::{self, assert_routes_exactly, call, constructor, Pools};

    use super::*;

    const OWNER: Address = address!("0x00000000000000000000000000000000000000a1");
    const REGISTRY: Address = address!("0x00000000000000000000000000000000000000a2");
    const PROTOCOL: Address = address!("0x00000000000000000000000000000000000000b1");
    const ADMIN: Address = address!("0x00000000000000000000000000000000000000b2");
    const SEL: FixedBytes<4> = FixedBytes([0xde, 0xad, 0xbe, 0xef]);

    type Twin = testing::Twin<CircuitGuard>;

    #[test]
    fn every_function_routes_like_the_sdk() {
        let mut t = Twin::new(route);
        let advisory = vigil_common::subject::advisory(B256::repeat_byte(7));
        let flagged = vigil_common::Status {
            level: vigil_common::Level::Confirmed,
            expiry: u64::MAX,
            ..Default::default()
        };
        let u = U256::from;
        let ok = |r: ArbResult| assert!(r.is_ok(), "{r:?}");
        ok(t.send(OWNER, constructor((OWNER,))));
        assert!(t.send(OWNER, constructor((ADMIN,))).is_err());
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
        let mut t = Twin::new(route);
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
        assert_eq!(
            t.send_value(
                PROTOCOL,
                U256::from(1u8),
                call("registerProtocol(address)", (ADMIN,))
            ),
            Err(vec![])
        );
    }

    #[test]
    fn the_table_routes_exactly_the_exported_functions() {
        assert_routes_exactly::<CircuitGuard>(
            &routes(),
            include_str!("../../../interfaces/ICircuitGuard.sol"),
        );
    }

    /// A guard with a registry, a registered protocol whose admin has configured `SEL`, a
    /// guardian and a flagged account, so generated calls reach past the access checks.
    fn configured() -> Twin {
        let mut t = Twin::new(route);
        t.ok(OWNER, constructor((OWNER,)));
        t.ok(OWNER, call("setRegistry(address)", (REGISTRY,)));
        t.ok(PROTOCOL, call("registerProtocol(address)", (ADMIN,)));
        t.ok(
            ADMIN,
            call(
                "setRateLimit(address,bytes4,bool,uint256,uint256,uint256,uint32)",
                (
                    PROTOCOL,
                    SEL,
                    true,
                    U256::from(1_000u16),
                    U256::from(10u8),
                    U256::from(100u8),
                    60u32,
                ),
            ),
        );
        t.ok(
            ADMIN,
            call("setGuardian(address,address,bool)", (PROTOCOL, OWNER, true)),
        );
        let flagged = vigil_common::Status {
            level: vigil_common::Level::Confirmed,
            expiry: u64::MAX,
            ..Default::default()
        };
        t.ok(
            REGISTRY,
            call(
                "onStatusChange(bytes32,uint256)",
                (vigil_common::subject::address(OWNER), flagged.to_word()),
            ),
        );
        t
    }

    fn pools() -> Pools {
        Pools {
            addresses: vec![OWNER, REGISTRY, PROTOCOL, ADMIN],
            words: vec![
                vigil_common::subject::address(OWNER),
                vigil_common::subject::advisory(B256::repeat_byte(7)),
            ],
            selectors: vec![SEL],
        }
    }

    /// Any routed function with well-formed arguments (one call in eight corrupted), drawn from
    /// the accounts and words the configured guard knows, from any of its actors.
    fn any_call() -> impl Strategy<Value = (Address, Vec<u8>)> {
        let routes = routes();
        (
            0..routes.len(),
            prop::sample::select(vec![OWNER, ADMIN, PROTOCOL, REGISTRY]),
        )
            .prop_flat_map(move |(i, sender)| {
                let selector = routes[i].selector.to_be_bytes().to_vec();
                testing::args(&routes[i], &pools()).prop_map(move |args| {
                    let mut input = selector.clone();
                    input.extend(args);
                    (sender, input)
                })
            })
    }

    proptest! {
        #[test]
        fn any_call_routes_like_the_sdk(calls in prop::collection::vec(any_call(), 1..6)) {
            let mut t = configured();
            for (sender, input) in calls {
                // Each send asserts that both routers agree; whether the call succeeds is irrelevant.
                let _ = t.send(sender, input);
            }
        }
    }

    #[test]
    fn the_constructor_runs_once_and_unknown_selectors_revert_empty() {
        let mut t = Twin::new(route);
        t.ok(OWNER, constructor((OWNER,)));
        assert_eq!(t.send(OWNER, constructor((ADMIN,))), Err(vec![]));
        assert_eq!(
            t.send(OWNER, keccak256("nope()")[..4].to_vec()),
            Err(vec![])
        );
    }
}
