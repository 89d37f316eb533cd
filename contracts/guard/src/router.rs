//! The program's entrypoint and ABI router: one declarative table per program, expanded by
//! `vigil_common::router!` into a hand-written router. The tables' doc comments are the functions'
//! NatSpec in the exported interface.
//!
//! The guard is two programs behind one address (see [`crate::extension`]): this one, which protocols
//! and the registry call on every guarded transaction, holds only `check`, `credit`, `screen`,
//! `preview` and `onStatusChange`; every other call is passed to the extension by DELEGATECALL.
//! Every byte of a program costs entry gas on every call (and far more when it is not cached), so
//! the hot path pays only for its own code.
//!
//! The SDK's router decodes each function's arguments with alloy's generic decoder, which adds a
//! decoder instance and a ~256-byte type-name string (for an error message nobody sees) per
//! signature to the wasm. Data bytes cost ~0.75 gas on every call, cached or not. Every argument
//! here is one ABI word (or a `bytes32[]`), read directly and as strictly as alloy's validating
//! decoder.
//!
//! The `#[public]` impl stays the one definition of the ABI: export-abi prints it, and the tests
//! run every function through both these routers and the SDK's and require identical results,
//! storage and logs, and require the tables to route exactly the functions the interface exports.

use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
use stylus_sdk::{abi::CONSTRUCTOR_SELECTOR, ArbResult};
use vigil_common::abi::{Args, ByteVec};

use crate::{extension, CircuitGuard, CircuitGuardError, NotExtension, ZeroAddress};

vigil_common::router! {
    /// The hot program's own calls.
    fn route_core(g: &mut CircuitGuard) -> crate::CircuitGuardError;
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
        => ByteVec(g.verdict(protocol, caller, selector, amount));
    /// Registry only: a subject's status word, stored verbatim for `check` to read. Pushing the
    /// word already stored changes nothing and logs nothing.
    ON_STATUS_CHANGE = onStatusChange(subject: B256, status: U256)
        => g.on_status_change(subject, status)?;
}

/// Runs one message against the guard exactly as the SDK's router would: the hot path's calls
/// here, the extension's by DELEGATECALL (`extension::delegate`).
pub fn route(g: &mut CircuitGuard, input: &[u8]) -> ArbResult {
    let selector = input.first_chunk::<4>().map(|s| u32::from_be_bytes(*s));
    if selector == Some(CONSTRUCTOR_SELECTOR) {
        return construct(g, input);
    }
    if selector.is_some_and(extension::routes_selector) {
        return extension::delegate(g, input);
    }
    route_core(g, input)
}

/// `constructor(owner, extension)`: binds the extension for good, then runs the constructor's body
/// there, as any other call the hot path does not make. Its code (ownership, the timelock, the
/// bounds, the SDK's run-once slot) then costs the guard's calls nothing. A second run reverts
/// empty, as the SDK's; a zero extension reverts `ZeroAddress` before anything is written; an
/// extension that initialised nothing (no program at that address) reverts `NotExtension`, so a
/// guard never exists whose calls would all go nowhere.
fn construct(g: &mut CircuitGuard, input: &[u8]) -> ArbResult {
    let args = Args(input.get(4..).unwrap_or_default());
    let (Some(_), Some(extension)) = (args.address(0), args.address(1)) else {
        return Err(Vec::new());
    };
    if !g.extension.get().is_zero() {
        return Err(Vec::new());
    }
    if extension.is_zero() {
        return Err(CircuitGuardError::ZeroAddress(ZeroAddress {}).into());
    }
    g.extension.set(extension);
    let done = extension::delegate(g, input)?;
    if g.ownership.owner().is_zero() {
        return Err(CircuitGuardError::NotExtension(NotExtension { account: extension }).into());
    }
    Ok(done)
}

#[cfg(all(feature = "contract", not(feature = "extension")))]
vigil_common::entrypoint!(CircuitGuard, route);

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::{address, keccak256, Bytes};
    use proptest::prelude::*;
    use stylus_sdk::ArbResult;
    use vigil_common::testing::{self, assert_routes_exactly, call, constructor, Pools};

    use super::*;

    const OWNER: Address = address!("0x00000000000000000000000000000000000000a1");
    const REGISTRY: Address = address!("0x00000000000000000000000000000000000000a2");
    const PROTOCOL: Address = address!("0x00000000000000000000000000000000000000b1");
    const ADMIN: Address = address!("0x00000000000000000000000000000000000000b2");
    const EXTENSION: Address = address!("0x00000000000000000000000000000000000000e7");
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
        ok(t.send(OWNER, constructor((OWNER, EXTENSION))));
        assert!(t.send(OWNER, constructor((ADMIN, EXTENSION))).is_err());
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

    /// Both programs' tables: one contract, one interface.
    fn all_routes() -> Vec<vigil_common::router::Route> {
        [routes(), extension::routes()].concat()
    }

    #[test]
    fn the_table_routes_exactly_the_exported_functions() {
        assert_routes_exactly::<CircuitGuard>(
            &all_routes(),
            include_str!("../../../interfaces/ICircuitGuard.sol"),
        );
    }

    /// A guard with a registry, a registered protocol whose admin has configured `SEL`, a
    /// guardian and a flagged account, so generated calls reach past the access checks.
    fn configured() -> Twin {
        let mut t = Twin::new(route);
        t.ok(OWNER, constructor((OWNER, EXTENSION)));
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
        let routes = all_routes();
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
        t.ok(OWNER, constructor((OWNER, EXTENSION)));
        assert_eq!(t.send(OWNER, constructor((ADMIN, EXTENSION))), Err(vec![]));
        assert_eq!(
            t.send(OWNER, keccak256("nope()")[..4].to_vec()),
            Err(vec![])
        );
    }
}
