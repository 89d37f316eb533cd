//! The program's entrypoint and ABI router: one declarative table, expanded by
//! `vigil_common::router!` into a hand-written router. The table's doc comments are the functions'
//! NatSpec in the exported interface.
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

use alloy_primitives::{Address, Bytes, FixedBytes, B256, U256};
use vigil_common::abi::{Args, Out, Words};

use crate::{
    governance, CircuitGuard, CircuitGuardError, GuardConfig, NotTimelockable, ProtocolInfo,
    RateLimit, SelectorPolicy,
};

vigil_common::router! {
    /// Runs one message against the guard exactly as the SDK's router would.
    pub fn route(g: &mut CircuitGuard) -> crate::CircuitGuardError;
    constructor(owner: Address) => g.constructor(owner)?;
    /// Called by a protocol (`msg.sender`) at the top of a guarded function. Reverts with the
    /// first verdict that applies: ProtocolNotRegistered, ProtocolPaused, SelectorPaused,
    /// AdvisoryActive, CallerFlagged (the caller, then in code-hash mode CodeFlagged for its
    /// runtime code, then `tx.origin`), RateLimited. Otherwise charges `amount` to the selector's
    /// rate limit; a charge that leaves the bucket at or below its trip level passes and trips
    /// the selector (event Tripped): SelectorPaused until refill or inflows (`credit`) bring the
    /// bucket back to its re-arm level.
    CHECK = check(caller: Address, selector: FixedBytes<4>, amount: U256)
        => g.check(caller, selector, amount)?;
    /// Called by a protocol (`msg.sender`) when `amount` comes in (a deposit): refills the bucket
    /// of `selector`, the outflow it offsets, so the rate limit meters net outflow. Within a
    /// second the credit counts in full (a deposit and a withdrawal of the same amount cancel);
    /// above capacity it lapses when the second ends. Credit only value that really came in. A
    /// selector without a rate limit ignores it.
    CREDIT = credit(selector: FixedBytes<4>, amount: U256) => g.credit(selector, amount)?;
    /// Screens a counterparty (a recipient, an `onBehalfOf`) under the calling protocol's
    /// screening for `selector`: reverts CallerFlagged(account, level) if it is blocked, or in
    /// code-hash mode CodeFlagged(account, codeHash, level) if its runtime code is.
    SCREEN = screen(account: Address, selector: FixedBytes<4>) => g.screen(account, selector)?;
    /// `check`'s verdict for `protocol` without its effects: empty if `check` would pass, else
    /// the exact revert data it would produce. `tx.origin` screening uses this call's origin.
    PREVIEW = preview(protocol: Address, caller: Address, selector: FixedBytes<4>, amount: U256)
        => g.preview(protocol, caller, selector, amount);
    /// Registry only: a subject's status word, stored verbatim for `check` to read. Pushing the
    /// word already stored changes nothing and logs nothing.
    ON_STATUS_CHANGE = onStatusChange(subject: B256, status: U256)
        => g.on_status_change(subject, status)?;
    /// Registers `msg.sender` as a protocol administered by `admin` (normally from the
    /// protocol's constructor).
    REGISTER_PROTOCOL = registerProtocol(admin: Address) => g.register_protocol(admin)?;
    /// Admin only: hands the protocol to a new admin, in one step.
    SET_ADMIN = setAdmin(protocol: Address, admin: Address) => g.set_admin(protocol, admin)?;
    /// Admin only: appoints or removes a guardian, an account that may only pause, for at most
    /// `maxPauseDuration` and not again within `pauseCooldown` after its pause episode ends.
    SET_GUARDIAN = setGuardian(protocol: Address, guardian: Address, enabled: bool)
        => g.set_guardian(protocol, guardian, enabled)?;
    /// Admin only: the screening of selectors without a policy of their own, and the one a
    /// selector starts with when first configured. Modes: 0 confirmed flags, 1 watch and above,
    /// 2 off; add 4 (modes 4 and 5) to also screen the caller's runtime code hash (EXTCODEHASH,
    /// for callers with code: one more storage read). `screenOrigin` screens `tx.origin` too.
    SET_PROTOCOL_SCREENING = setProtocolScreening(protocol: Address, mode: u8, screen_origin: bool)
        => g.set_protocol_screening(protocol, mode, screen_origin)?;
    /// Admin only: the selector's screening (modes as in `setProtocolScreening`).
    SET_SCREENING = setScreening(protocol: Address, selector: FixedBytes<4>, mode: u8, screen_origin: bool)
        => g.set_screening(protocol, selector, mode, screen_origin)?;
    /// Admin only: the selector's token bucket on `check`'s `amount`, refilled by `credit`.
    /// Levels are rounded down to a unit the guard picks (the event reports the effective
    /// values). With `rearmLevel` > 0 a passing charge that leaves at most `tripLevel` trips the
    /// selector, paused until the bucket is back at `rearmLevel` (`tripLevel < rearmLevel <=
    /// capacity`, and refilling an empty bucket to it takes at most `maxPauseDuration`). A
    /// running bucket is refilled under its old settings, then capped at the new capacity;
    /// `enabled` false removes the limit and any trip, and ignores the other arguments.
    SET_RATE_LIMIT = setRateLimit(
        protocol: Address,
        selector: FixedBytes<4>,
        enabled: bool,
        capacity: U256,
        refill_per_second: U256,
        trip_level: U256,
        rearm_level: U256,
    ) => g.set_rate_limit(
        protocol,
        selector,
        enabled,
        capacity,
        refill_per_second,
        trip_level,
        rearm_level,
    )?;
    /// Admin only: pauses the selector while any of `tags` (at most four advisory subjects) is
    /// confirmed. Each tag costs two storage reads on every `check`.
    SET_ADVISORY_TAGS = setAdvisoryTags(protocol: Address, selector: FixedBytes<4>, tags: Vec<B256>)
        => g.set_advisory_tags(protocol, selector, tags)?;
    /// Admin only: removes the selector's own policy (screening, rate limit and any trip, tags),
    /// so `check` uses the protocol's defaults, and frees its slot. A selector pause in force
    /// stays (a pause is not a policy): `unpauseSelector` lifts it.
    REMOVE_POLICY = removePolicy(protocol: Address, selector: FixedBytes<4>)
        => g.remove_policy(protocol, selector)?;
    /// Pauses the whole protocol for `duration` seconds: the admin for any duration, a guardian
    /// within its bounds. A pause never shortens one already in force.
    PAUSE_PROTOCOL = pauseProtocol(protocol: Address, duration: u64)
        => g.pause_protocol(protocol, duration)?;
    /// Admin only: lifts the protocol pause and ends any guardian episode.
    UNPAUSE_PROTOCOL = unpauseProtocol(protocol: Address) => g.unpause_protocol(protocol)?;
    /// Pauses one selector for `duration` seconds, as `pauseProtocol` does the protocol. A pause
    /// changes nothing but the pause: a selector without a policy gets none (the admin may pause
    /// one; it keeps following the protocol's screening), and a guardian may pause only a
    /// selector that has a policy (else SelectorNotConfigured).
    PAUSE_SELECTOR = pauseSelector(protocol: Address, selector: FixedBytes<4>, duration: u64)
        => g.pause_selector(protocol, selector, duration)?;
    /// Admin only: lifts a selector pause, manual or tripped, and ends any guardian episode.
    UNPAUSE_SELECTOR = unpauseSelector(protocol: Address, selector: FixedBytes<4>)
        => g.unpause_selector(protocol, selector)?;
    /// Timelocked: proposes `newOwner`, who must accept; the zero address cancels a proposal.
    TRANSFER_OWNERSHIP = transferOwnership(new_owner: Address) => g.transfer_ownership(new_owner)?;
    /// The proposed owner takes over.
    ACCEPT_OWNERSHIP = acceptOwnership() => g.accept_ownership()?;
    /// The only account whose `onStatusChange` pushes are accepted. Zero cuts the feed off; the
    /// statuses already stored stay in force until they expire. Owner only and immediate for the
    /// first link of a guard that never had a registry; timelocked for every later change.
    SET_REGISTRY = setRegistry(registry: Address) => g.set_registry(registry)?;
    /// Timelocked: bounds on guardians, the longest pause (and trip, for new limits) and the wait
    /// after a pause episode. Zero `maxPauseDuration` disables guardian pauses.
    SET_PAUSE_BOUNDS = setPauseBounds(max_pause_duration: u32, pause_cooldown: u32)
        => g.set_pause_bounds(max_pause_duration, pause_cooldown)?;
    /// Timelocked: the delay of owner calls scheduled from now on, 3,600 to 2,592,000 seconds
    /// (InvalidDelay).
    SET_DELAY = setDelay(delay: u64) => g.set_delay(delay)?;
    /// Owner only: schedules `data`, the calldata of a timelocked method of this contract, to run
    /// after the current delay; returns its id, `keccak256(data)`. Checked now: only timelocked
    /// methods (NotTimelockable), well-formed arguments, a delay in range.
    SCHEDULE = schedule(data: Bytes) => g.schedule(data)?;
    /// Owner only: drops scheduled call `id`.
    CANCEL = cancel(id: B256) => g.cancel(id)?;
    /// Owner only: runs scheduled call `data` once due; its own error reverts it (it stays
    /// scheduled).
    EXECUTE = execute(data: Bytes) => g.execute(data)?;
    /// When scheduled call `id` may run (0: not scheduled).
    SCHEDULED_AT = scheduledAt(id: B256) => g.scheduled_at(id);
    /// The owner, the pending owner, the registry, the guardian bounds and the timelock delay.
    GUARD_CONFIG = guardConfig() => g.guard_config();
    /// A protocol's registration, pause, default screening and guardian episode.
    PROTOCOL_INFO = protocolInfo(protocol: Address) => g.protocol_info(protocol);
    /// A selector's policy word as `check` reads it.
    SELECTOR_POLICY = selectorPolicy(protocol: Address, selector: FixedBytes<4>)
        => g.selector_policy(protocol, selector);
    /// A selector's effective rate limit and what a charge could take now.
    RATE_LIMIT = rateLimit(protocol: Address, selector: FixedBytes<4>)
        => g.rate_limit(protocol, selector);
    /// The advisory subjects that pause a selector while confirmed.
    ADVISORY_TAGS = advisoryTags(protocol: Address, selector: FixedBytes<4>)
        => g.advisory_tags(protocol, selector);
    /// The selectors a protocol has configured (at most 32), in configuration order.
    CONFIGURED_SELECTORS = configuredSelectors(protocol: Address) => g.configured_selectors(protocol);
    /// Whether `account` is one of the protocol's guardians.
    IS_GUARDIAN = isGuardian(protocol: Address, account: Address) => g.is_guardian(protocol, account);
    /// The status word last pushed for `subject` (zero if none).
    STATUS_WORD = statusWord(subject: B256) => g.status_word(subject);
}

#[cfg(feature = "contract")]
vigil_common::entrypoint!(CircuitGuard, route);

/// What `schedule` accepts: a call to a timelocked method whose arguments decode (and whose delay
/// is in range), so a bad call fails when it is scheduled, not after the wait.
pub(crate) fn check_timelocked(data: &[u8]) -> crate::Result<()> {
    let (selector, rest) = data.split_first_chunk::<4>().unwrap_or((&[0; 4], &[]));
    let args = Args(rest);
    let well_formed = match u32::from_be_bytes(*selector) {
        SET_REGISTRY | TRANSFER_OWNERSHIP => args.address(0).is_some(),
        SET_PAUSE_BOUNDS => args.u32(0).is_some() && args.u32(1).is_some(),
        SET_DELAY => match args.u64(0) {
            Some(delay) => governance::check_delay(delay).map(|()| true)?,
            None => false,
        },
        _ => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(CircuitGuardError::NotTimelockable(NotTimelockable {
            selector: FixedBytes(*selector),
        }))
    }
}

impl Words for GuardConfig {
    const WORDS: usize = 6;
    fn write(&self, out: &mut Out) {
        out.address(self.owner)
            .address(self.pendingOwner)
            .address(self.registry)
            .uint(self.maxPauseDuration as u64)
            .uint(self.pauseCooldown as u64)
            .uint(self.delay);
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
    const WORDS: usize = 7;
    fn write(&self, out: &mut Out) {
        out.u256(self.capacity)
            .u256(self.refillPerSecond)
            .u256(self.tripLevel)
            .u256(self.rearmLevel)
            .u256(self.available)
            .u256(self.unit)
            .boolean(self.tripped);
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
        // The owner's timelocked powers: scheduled, one cancelled, the rest run after the delay.
        let timelocked = [
            call("setPauseBounds(uint32,uint32)", (100u32, 200u32)),
            call("setDelay(uint64)", (3_600u64,)),
            call("setRegistry(address)", (REGISTRY,)),
            call("transferOwnership(address)", (ADMIN,)),
        ];
        let bytes = |data: &Vec<u8>| (Bytes::from(data.clone()),);
        for data in &timelocked {
            ok(t.send(OWNER, call("schedule(bytes)", bytes(data))));
        }
        let dropped = call("setDelay(uint64)", (7_200u64,));
        ok(t.send(OWNER, call("schedule(bytes)", bytes(&dropped))));
        ok(t.send(OWNER, call("cancel(bytes32)", (keccak256(&dropped),))));
        ok(t.send(
            OWNER,
            call("scheduledAt(bytes32)", (keccak256(&timelocked[0]),)),
        ));
        assert!(t
            .send(OWNER, call("execute(bytes)", bytes(&timelocked[0])))
            .is_err());
        for vm in [&t.ours, &t.sdk] {
            vm.set_block_timestamp(testing::T0 + crate::DEFAULT_DELAY);
        }
        for data in &timelocked {
            ok(t.send(OWNER, call("execute(bytes)", bytes(data))));
        }
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
        let limit = (PROTOCOL, SEL, true, u(1_000), u(10), u(100), u(400));
        ok(t.send(
            ADMIN,
            call(
                "setRateLimit(address,bytes4,bool,uint256,uint256,uint256,uint256)",
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
        assert!(t
            .send(ADMIN, call("setRegistry(address)", (REGISTRY,)))
            .is_err());
        let status = (vigil_common::subject::address(OWNER), flagged.to_word());
        ok(t.send(REGISTRY, call("onStatusChange(bytes32,uint256)", status)));
        ok(t.send(
            PROTOCOL,
            call("check(address,bytes4,uint256)", (ADMIN, SEL, u(950))),
        ));
        ok(t.send(PROTOCOL, call("credit(bytes4,uint256)", (SEL, u(500)))));
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
        ok(t.send(ADMIN, call("removePolicy(address,bytes4)", (PROTOCOL, SEL))));
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
                "setRateLimit(address,bytes4,bool,uint256,uint256,uint256,uint256)",
                (
                    PROTOCOL,
                    SEL,
                    true,
                    U256::from(1_000u16),
                    U256::from(10u8),
                    U256::from(100u8),
                    U256::from(400u16),
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
