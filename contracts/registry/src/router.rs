//! The program's entrypoint and ABI router, generated from one table. The table's doc comments are
//! the functions' NatSpec in the exported interface.
//!
//! The SDK's router instantiates alloy's generic decoder and encoder per method signature; for
//! this contract's 36 methods that was over a third of the wasm and pushed the deployable form past
//! the 24 KiB limit. The `#[public]` impl in `lib.rs` stays the one definition of the ABI:
//! export-abi prints it, and the tests run every method through both this router and the SDK's and
//! require identical results, storage and logs.

use alloy_primitives::{Address, B256, U256};

use crate::{extension, Params, ThreatRegistry};

vigil_common::router! {
    /// The core program's own calls.
    fn route_core(r: &mut ThreatRegistry) -> crate::RegistryError;
    constructor(
        owner: Address,
        params: Params,
        extension: Address,
        guard: Address,
        resolvers: Vec<Address>,
    ) => r.constructor(owner, params, extension, guard, resolvers)?;
    /// Adds the sent ETH to the caller's stake. It counts toward weight after `stakeWarmup`; a
    /// top-up restarts the warm-up of stake that has not warmed yet.
    STAKE = stake() payable => r.stake()?;
    /// Starts unbonding `amount` of the caller's free stake (not bonded to open flags). A second
    /// request adds to the amount and restarts the delay for all of it.
    REQUEST_UNSTAKE = requestUnstake(amount: U256) => r.request_unstake(amount)?;
    /// Pays out the caller's unbonded stake once `unbondingDelay` has passed.
    WITHDRAW = withdraw() => r.withdraw()?;
    /// Pays out everything credited to the caller: dispute refunds and rewards, reporter shares.
    CLAIM = claim() => r.claim()?;
    /// Opens a flag on `subject`, locking the caller's free warm stake up to `stakeCap` until the
    /// flag is settled; returns its id. On a subject with a live flag it is `corroborate` (same
    /// checks, lock, weight and event) after this call's own input checks, and returns that flag's
    /// id; its category stands, and the flag lives for at least `ttl` from now (never shorter; the
    /// flag's ttl, by which `renew` extends, becomes the longest asked; `FlagRenewed` when the
    /// expiry moves). A flag that ended, even one still in dispute, does not block a new one.
    SUBMIT = submit(subject: B256, category: u8, severity: u8, evidence: B256, ttl: u64)
        => r.submit(subject, category, severity, evidence, ttl)?;
    /// Adds the caller's weight to the live flag on `subject`, once per reporter, locking its stake
    /// under the flag's rules. `severity` 1-4 raises the flag's severity, 0 keeps it. On a full
    /// flag the caller replaces the weakest reporter if it out-weighs it. Corroboration continues
    /// during a dispute.
    CORROBORATE = corroborate(subject: B256, severity: u8, evidence: B256)
        => r.corroborate(subject, severity, evidence)?;
    /// Keeps a live flag in force for at least its time to live from now; never shortens it. Only
    /// its reporters may renew, and not once it is final or settled.
    RENEW = renew(subject: B256) => r.renew(subject)?;
    /// Disputes flag `flagId` while it is live or within `disputeWindow` after it ended, posting
    /// exactly its `disputeBond`; the flag keeps its effect until a resolver decides. The victim
    /// (the flagged address) may stand in a dispute someone else opened, sending no value.
    DISPUTE = dispute(flag_id: u32, evidence: B256) payable => r.dispute(flag_id, evidence)?;
    /// Returns the locked stake of a flag that ended without a resolution, once its dispute window
    /// closed. Anyone may call it; reporters of a flag that reached confirmation share its
    /// reputation pool.
    RELEASE = release(flag_id: u32) => r.release(flag_id)?;
    /// Resolver only, and not a party (reporter, disputer or subject): decides flag `flagId`'s
    /// open dispute. Upheld: final (confirmed while it is the subject's flag); reporters get
    /// their locks, reputation and the dispute bond. Rejected: removed; each reporter loses
    /// `slashBps` of its lock and all reputation; the slash pays the victim, the disputer (unless
    /// it reported the flag) and the treasury.
    RESOLVE = resolve(flag_id: u32, upheld: bool, rationale: B256)
        => r.resolve(flag_id, upheld, rationale)?;
    /// Ends a dispute no resolver decided within `disputeDeadline`: the bond is refunded to the
    /// disputer and the flag stands. Anyone may call it.
    LAPSE_DISPUTE = lapseDispute(flag_id: u32) => r.lapse_dispute(flag_id)?;
    /// True while `account` has a confirmed, unexpired flag (one storage read).
    IS_FLAGGED = isFlagged(account: Address) => r.is_flagged(account);
    /// Same as `isFlagged`, for consumers of the Chainalysis sanctions-oracle interface.
    IS_SANCTIONED = isSanctioned(account: Address) => r.is_sanctioned(account);
    /// A subject's status; `level` is as of this block (an expired flag reads 5).
    STATUS_OF = statusOf(subject: B256) => r.status_of(subject);
    /// True while the runtime code of `account` has a confirmed, unexpired code-hash flag (never
    /// for an account without code).
    IS_FLAGGED_CODE = isFlaggedCode(account: Address) => r.is_flagged_code(account);
    /// The status of the code-hash subject of `account`'s runtime code (none without code).
    STATUS_OF_CODE = statusOfCode(account: Address) => r.status_of_code(account);
}

/// Runs one message against the registry exactly as the SDK's router would: the core program's
/// calls here, the extension's by DELEGATECALL (`extension::delegate`).
pub fn route(r: &mut ThreatRegistry, input: &[u8]) -> stylus_sdk::ArbResult {
    let selector = input.first_chunk::<4>().map(|s| u32::from_be_bytes(*s));
    if selector.is_some_and(extension::routes_selector) {
        return extension::delegate(r, input);
    }
    route_core(r, input)
}

#[cfg(not(feature = "extension"))]
vigil_common::entrypoint!(ThreatRegistry, route);

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::{address, keccak256};
    use alloy_sol_types::SolValue;
    use proptest::prelude::*;
    use vigil_common::{
        router::Route,
        subject,
        testing::{self, call},
    };

    use super::*;

    const OWNER: Address = address!("00000000000000000000000000000000000000a1");
    const RESOLVER: Address = address!("00000000000000000000000000000000000000a2");
    const EXTENSION: Address = address!("00000000000000000000000000000000000000e7");
    const ALICE: Address = address!("0000000000000000000000000000000000000a11");
    const BOB: Address = address!("0000000000000000000000000000000000000b0b");
    const CAROL: Address = address!("0000000000000000000000000000000000000ca1");
    const DAVE: Address = address!("0000000000000000000000000000000000000da7");
    const ETH: u128 = 1_000_000_000_000_000_000;
    const DAY: u64 = 86_400;

    type Twin = testing::Twin<ThreatRegistry>;

    fn eth(n: u128) -> U256 {
        U256::from(n * ETH)
    }

    fn eth_half() -> U256 {
        U256::from(ETH / 2)
    }

    // alloy has no `SolValue` for `u8`; a `uint8` argument is encoded as the same word as a
    // `uint16` of equal value, so the tests pass `u16`s for `uint8` parameters.
    fn bare(signature: &str) -> Vec<u8> {
        keccak256(signature)[..4].to_vec()
    }

    const PARAMS_SIG: &str = "(uint256,uint256,uint64,uint64,uint16,uint256,uint256,uint256,uint8,uint8,uint64,uint16,uint16,uint64,uint64,uint64)";
    const SUBMIT: &str = "submit(bytes32,uint8,uint8,bytes32,uint64)";
    const CORROBORATE: &str = "corroborate(bytes32,uint8,bytes32)";
    const DISPUTE: &str = "dispute(uint32,bytes32)";

    /// The devnet's defaults: three fresh 10-ETH reporters confirm.
    fn params() -> Params {
        Params {
            minStake: U256::from(ETH),
            stakeCap: U256::from(10 * ETH),
            stakeWarmup: DAY,
            unbondingDelay: 7 * DAY,
            slashBps: 5_000,
            disputeBond: U256::from(ETH / 2),
            watchScore: U256::from(ETH),
            confirmScore: U256::from(12 * ETH),
            minReporters: 2,
            maxReporters: 4,
            maxTtl: 30 * DAY,
            victimShareBps: 6_000,
            disputerShareBps: 2_000,
            disputeWindow: 2 * DAY,
            disputeDeadline: 14 * DAY,
            paramsDelay: 2 * DAY,
        }
    }

    /// `schedule(data)` and `execute(data)` calldata.
    fn schedule(data: &[u8]) -> Vec<u8> {
        call(
            "schedule(bytes)",
            (alloy_primitives::Bytes::from(data.to_vec()),),
        )
    }

    fn execute(data: &[u8]) -> Vec<u8> {
        call(
            "execute(bytes)",
            (alloy_primitives::Bytes::from(data.to_vec()),),
        )
    }

    /// The flagged account behind `attacker()`.
    const BAD: Address = address!("babababababababababababababababababababa");

    fn deployed() -> Twin {
        let mut t = Twin::new(route);
        let ctor =
            testing::constructor((OWNER, params(), EXTENSION, Address::ZERO, vec![RESOLVER]));
        t.ok(OWNER, ctor.clone());
        // A second constructor call is refused.
        assert_eq!(t.send(OWNER, ctor), Err(vec![]));
        t
    }

    /// Every method, through both routers, in a story that reaches each branch of the encoders.
    #[test]
    fn every_method_matches_the_sdk_router() {
        let mut t = deployed();
        let attacker = attacker();
        for who in [ALICE, BOB, CAROL] {
            t.send_value(who, eth(20), bare("stake()")).unwrap();
        }
        t.warp(DAY);
        let id = t.ok(
            ALICE,
            call(SUBMIT, (attacker, 1u16, 2u16, B256::ZERO, 10 * DAY)),
        );
        assert_eq!(U256::from_be_slice(&id), U256::from(1));
        t.ok(BOB, call(CORROBORATE, (attacker, 0u16, B256::ZERO)));
        t.ok(
            CAROL,
            call(CORROBORATE, (attacker, 3u16, B256::repeat_byte(3))),
        );
        assert_eq!(
            t.ok(DAVE, call("isFlagged(address)", (BAD,))),
            true.abi_encode()
        );
        t.ok(DAVE, call("isSanctioned(address)", (BAD,)));
        t.ok(DAVE, call("statusOf(bytes32)", (attacker,)));
        t.ok(DAVE, call("flagInfo(uint32)", (1u32,)));
        t.send(DAVE, call("flagInfo(uint32)", (7u32,))).unwrap_err();
        let report = t.ok(DAVE, call("reportOf(uint32,address)", (1u32, CAROL)));
        assert_eq!(report, (eth(10), eth(5)).abi_encode_params());
        t.ok(DAVE, call("reportOf(uint32,address)", (1u32, DAVE)));
        t.send(DAVE, call("reportOf(uint32,address)", (7u32, DAVE)))
            .unwrap_err();
        t.ok(DAVE, call("reporterInfo(address)", (ALICE,)));
        t.ok(DAVE, call("paramsAt(uint32)", (0u32,)));
        t.send(DAVE, call("paramsAt(uint32)", (2u32,))).unwrap_err();
        t.ok(DAVE, bare("config()"));
        t.ok(DAVE, call("isResolver(address)", (RESOLVER,)));
        t.ok(DAVE, call("claimable(address)", (ALICE,)));
        t.ok(DAVE, bare("accounting()"));
        t.ok(BOB, call("renew(bytes32)", (attacker,)));
        let advisory = advisory();
        let details = b"details of the advisory".to_vec();
        t.ok(
            ALICE,
            call(SUBMIT, (advisory, 5u16, 3u16, keccak256(&details), DAY)),
        );
        t.ok(
            ALICE,
            call(
                "reveal(bytes32,bytes)",
                (advisory, alloy_primitives::Bytes::from(details)),
            ),
        );
        t.ok(
            RESOLVER,
            call(
                "emergencyConfirm(bytes32,uint8,uint8,uint64,bytes32)",
                (advisory, 5u16, 4u16, DAY, B256::ZERO),
            ),
        );
        let other = subject::code_hash(B256::repeat_byte(0xc0));
        t.ok(
            RESOLVER,
            call(
                "emergencyConfirm(bytes32,uint8,uint8,uint64,bytes32)",
                (other, 1u16, 1u16, DAY, B256::ZERO),
            ),
        );
        t.ok(
            RESOLVER,
            call("emergencyRemove(bytes32,bytes32)", (other, B256::ZERO)),
        );
        // Flag 4, on DAVE: CAROL disputes it and DAVE, the victim, stands in without a bond.
        let expiring = subject::address(DAVE);
        t.ok(BOB, call(SUBMIT, (expiring, 2u16, 1u16, B256::ZERO, DAY)));
        t.send_value(CAROL, eth_half(), call(DISPUTE, (4u32, B256::ZERO)))
            .unwrap();
        t.ok(DAVE, call(DISPUTE, (4u32, B256::repeat_byte(4))));
        // Flag 1: DAVE disputes, the flagged account stands in, a resolver rejects it.
        t.send_value(DAVE, eth_half(), call(DISPUTE, (1u32, B256::ZERO)))
            .unwrap();
        t.ok(BAD, call(DISPUTE, (1u32, B256::ZERO)));
        t.ok(
            RESOLVER,
            call(
                "resolve(uint32,bool,bytes32)",
                (1u32, false, B256::repeat_byte(1)),
            ),
        );
        t.ok(DAVE, bare("claim()"));
        t.ok(BAD, bare("claim()"));
        t.warp(14 * DAY);
        t.ok(DAVE, call("lapseDispute(uint32)", (4u32,)));
        t.ok(DAVE, call("release(uint32)", (4u32,)));
        t.ok(ALICE, call("requestUnstake(uint256)", (U256::from(ETH),)));
        t.warp(7 * DAY);
        t.ok(ALICE, bare("withdraw()"));
        let set_params = call(&format!("setParams({PARAMS_SIG})"), (params(),));
        let timelocked = [
            set_params.clone(),
            call("sweepTreasury(address)", (OWNER,)),
            call("setGuard(address)", (Address::ZERO,)),
            call("setResolver(address,bool)", (CAROL, true)),
            call("setSubmissionsPaused(bool)", (false,)),
            call("transferOwnership(address)", (BOB,)),
        ];
        t.ok(OWNER, schedule(&set_params));
        t.ok(
            DAVE,
            call("scheduledAt(bytes32)", (keccak256(&set_params),)),
        );
        t.ok(OWNER, call("cancel(bytes32)", (keccak256(&set_params),)));
        t.send(OWNER, call("cancel(bytes32)", (keccak256(&set_params),)))
            .unwrap_err();
        for data in &timelocked {
            t.send(OWNER, data.clone()).unwrap_err();
            t.ok(OWNER, schedule(data));
        }
        t.send(OWNER, execute(&set_params)).unwrap_err();
        t.send(OWNER, schedule(&bare("stake()"))).unwrap_err();
        t.ok(OWNER, call("setSubmissionsPaused(bool)", (true,)));
        t.warp(2 * DAY);
        for data in &timelocked {
            t.ok(OWNER, execute(data));
        }
        t.ok(DAVE, call("paramsAt(uint32)", (2u32,)));
        t.ok(OWNER, schedule(&timelocked[1]));
        t.warp(2 * DAY);
        t.send(OWNER, execute(&timelocked[1])).unwrap_err();
        t.ok(OWNER, call("setResolver(address,bool)", (CAROL, false)));
        t.ok(BOB, bare("acceptOwnership()"));
    }

    #[test]
    fn malformed_messages_revert_empty_in_both() {
        let mut t = deployed();
        assert_eq!(t.send(ALICE, vec![]), Err(vec![]));
        assert_eq!(t.send(ALICE, vec![1, 2, 3]), Err(vec![]));
        assert_eq!(t.send(ALICE, bare("nope()")), Err(vec![]));
        // Value sent to a method that is not payable.
        assert_eq!(
            t.send_value(ALICE, U256::from(1), call("setGuard(address)", (ALICE,))),
            Err(vec![])
        );
        // A truncated argument and an address with dirty padding.
        let mut truncated = call("renew(bytes32)", (B256::ZERO,));
        truncated.pop();
        assert_eq!(t.send(ALICE, truncated), Err(vec![]));
        let mut dirty = call("isFlagged(address)", (ALICE,));
        dirty[4] = 1;
        assert_eq!(t.send(ALICE, dirty), Err(vec![]));
        let mut bad_bool = call("setSubmissionsPaused(bool)", (true,));
        bad_bool[35] = 2;
        assert_eq!(t.send(OWNER, bad_bool), Err(vec![]));
    }

    /// The table routes exactly the functions the `#[public]` impl exports.
    #[test]
    fn every_exported_function_is_routed_and_nothing_else() {
        let both = [routes(), extension::routes()].concat();
        testing::assert_routes_exactly::<ThreatRegistry>(
            &both,
            include_str!("../../../interfaces/IThreatRegistry.sol"),
        );
        let payable: Vec<&str> = both.iter().filter(|r| r.payable).map(|r| r.name).collect();
        assert_eq!(payable, ["stake", "dispute"]);
    }

    /// A registry with three warm reporters, a confirmed flag on `attacker()` that DAVE disputes,
    /// a pending flag on an advisory, and a flag on DAVE: most methods find something to act on.
    fn busy() -> Twin {
        let mut t = deployed();
        for who in [ALICE, BOB, CAROL] {
            t.send_value(who, eth(20), bare("stake()")).unwrap();
        }
        t.warp(DAY);
        t.ok(
            ALICE,
            call(SUBMIT, (attacker(), 1u16, 4u16, B256::ZERO, 10 * DAY)),
        );
        for who in [BOB, CAROL] {
            t.ok(who, call(CORROBORATE, (attacker(), 0u16, B256::ZERO)));
        }
        t.send_value(DAVE, eth_half(), call(DISPUTE, (1u32, B256::ZERO)))
            .unwrap();
        t.ok(BOB, call(SUBMIT, (advisory(), 5u16, 2u16, B256::ZERO, DAY)));
        t.ok(
            CAROL,
            call(
                SUBMIT,
                (subject::address(DAVE), 1u16, 1u16, B256::ZERO, DAY),
            ),
        );
        t
    }

    fn attacker() -> B256 {
        subject::address(BAD)
    }

    fn advisory() -> B256 {
        subject::advisory(B256::repeat_byte(0xad))
    }

    fn pools() -> testing::Pools {
        testing::Pools {
            addresses: vec![OWNER, RESOLVER, ALICE, BOB, DAVE, BAD, Address::ZERO],
            words: vec![attacker(), advisory(), subject::address(DAVE), B256::ZERO],
            selectors: vec![],
        }
    }

    fn any_call() -> impl Strategy<Value = (Route, Vec<u8>)> {
        prop::sample::select(routes())
            .prop_flat_map(|route| (Just(route.clone()), testing::args(&route, &pools())))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Any routed function with well-formed (sometimes corrupted) arguments, from any role, with
        /// or without value: both routers agree on result, storage and logs.
        #[test]
        fn any_call_matches_the_sdk_router(
            (route, args) in any_call(),
            sender in prop::sample::select(vec![OWNER, RESOLVER, ALICE, BOB, DAVE, BAD]),
            value in prop_oneof![4 => Just(0u128), 1 => Just(ETH / 2), 1 => Just(1u128)],
        ) {
            let mut t = busy();
            let mut input = route.selector.to_be_bytes().to_vec();
            input.extend(args);
            // Each send asserts that both routers agree; whether the call succeeds is irrelevant.
            let _ = t.send_value(sender, U256::from(value), input);
        }
    }
}
