//! The program's entrypoint and ABI router, written by hand.
//!
//! The SDK's router instantiates alloy's generic decoder and encoder per method signature; for
//! this contract's 36 methods that was over a third of the wasm and pushed the deployable form past
//! the 24 KiB limit. The `#[public]` impl in `lib.rs` stays the one definition of the ABI:
//! export-abi prints it, and the tests run every method through both this router and the SDK's and
//! require identical results, storage and logs.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{abi::Bytes, function_selector, prelude::*, ArbResult};
use vigil_common::abi::{Args, Out};

use crate::{FlagInfo, Params, ReporterInfo, SubjectStatus, ThreatRegistry};

macro_rules! selectors {
    ($($name:ident = $sol:literal ($($ty:ty),*);)*) => {
        $(const $name: u32 = u32::from_be_bytes(function_selector!($sol $(, $ty)*));)*
    };
}

selectors! {
    STAKE = "stake"();
    REQUEST_UNSTAKE = "requestUnstake"(U256);
    WITHDRAW = "withdraw"();
    CLAIM = "claim"();
    SUBMIT = "submit"(B256, u8, u8, B256, u64);
    CORROBORATE = "corroborate"(B256, B256);
    RENEW = "renew"(B256);
    REVEAL = "reveal"(B256, Bytes);
    DISPUTE = "dispute"(B256, B256);
    RELEASE = "release"(u32);
    RESOLVE = "resolve"(B256, bool, B256);
    EMERGENCY_CONFIRM = "emergencyConfirm"(B256, u8, u8, u64, B256);
    EMERGENCY_REMOVE = "emergencyRemove"(B256, B256);
    TRANSFER_OWNERSHIP = "transferOwnership"(Address);
    ACCEPT_OWNERSHIP = "acceptOwnership"();
    SET_RESOLVER = "setResolver"(Address, bool);
    SET_GUARD = "setGuard"(Address);
    SET_SUBMISSIONS_PAUSED = "setSubmissionsPaused"(bool);
    SCHEDULE_PARAMS = "scheduleParams"(Params);
    CANCEL_PARAMS = "cancelParams"();
    APPLY_PARAMS = "applyParams"();
    SWEEP_TREASURY = "sweepTreasury"(Address);
    IS_FLAGGED = "isFlagged"(Address);
    IS_SANCTIONED = "isSanctioned"(Address);
    STATUS_OF = "statusOf"(B256);
    STATUS_OF_MANY = "statusOfMany"(Vec<B256>);
    FLAG_INFO = "flagInfo"(u32);
    REPORTER_INFO = "reporterInfo"(Address);
    PARAMS_AT = "paramsAt"(u32);
    PENDING_PARAMS = "pendingParams"();
    CONFIG = "config"();
    IS_RESOLVER = "isResolver"(Address);
    CLAIMABLE = "claimable"(Address);
    ACCOUNTING = "accounting"();
}

/// Runs one message against the registry exactly as the SDK's router would: empty revert data for
/// unknown selectors, malformed arguments, value sent to a non-payable method, or a repeated
/// constructor.
pub fn route(r: &mut ThreatRegistry, input: &[u8]) -> ArbResult {
    let Some((selector, rest)) = input.split_first_chunk::<4>() else {
        return Err(Vec::new());
    };
    let selector = u32::from_be_bytes(*selector);
    let a = Args(rest);
    if selector != STAKE && selector != DISPUTE && !r.vm().msg_value().is_zero() {
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
    let done = |res: crate::Result<()>| res.map(|()| Vec::new());
    let result = match selector {
        STAKE => done(r.stake()),
        REQUEST_UNSTAKE => done(r.request_unstake(arg!(a.u256(0)))),
        WITHDRAW => done(r.withdraw()),
        CLAIM => done(r.claim()),
        SUBMIT => r
            .submit(
                arg!(a.b256(0)),
                arg!(a.u8(1)),
                arg!(a.u8(2)),
                arg!(a.b256(3)),
                arg!(a.u64(4)),
            )
            .map(|id| Out::default().uint(id as u64).finish()),
        CORROBORATE => done(r.corroborate(arg!(a.b256(0)), arg!(a.b256(1)))),
        RENEW => done(r.renew(arg!(a.b256(0)))),
        REVEAL => done(r.reveal(arg!(a.b256(0)), arg!(a.bytes(1)).into())),
        DISPUTE => done(r.dispute(arg!(a.b256(0)), arg!(a.b256(1)))),
        RELEASE => done(r.release(arg!(a.u32(0)))),
        RESOLVE => done(r.resolve(arg!(a.b256(0)), arg!(a.boolean(1)), arg!(a.b256(2)))),
        EMERGENCY_CONFIRM => r
            .emergency_confirm(
                arg!(a.b256(0)),
                arg!(a.u8(1)),
                arg!(a.u8(2)),
                arg!(a.u64(3)),
                arg!(a.b256(4)),
            )
            .map(|id| Out::default().uint(id as u64).finish()),
        EMERGENCY_REMOVE => done(r.emergency_remove(arg!(a.b256(0)), arg!(a.b256(1)))),
        TRANSFER_OWNERSHIP => done(r.transfer_ownership(arg!(a.address(0)))),
        ACCEPT_OWNERSHIP => done(r.accept_ownership()),
        SET_RESOLVER => done(r.set_resolver(arg!(a.address(0)), arg!(a.boolean(1)))),
        SET_GUARD => done(r.set_guard(arg!(a.address(0)))),
        SET_SUBMISSIONS_PAUSED => done(r.set_submissions_paused(arg!(a.boolean(0)))),
        SCHEDULE_PARAMS => done(r.schedule_params(arg!(params(a, 0)))),
        CANCEL_PARAMS => done(r.cancel_params()),
        APPLY_PARAMS => r
            .apply_params()
            .map(|v| Out::default().uint(v as u64).finish()),
        SWEEP_TREASURY => done(r.sweep_treasury(arg!(a.address(0)))),
        IS_FLAGGED => Ok(Out::default()
            .boolean(r.is_flagged(arg!(a.address(0))))
            .finish()),
        IS_SANCTIONED => Ok(Out::default()
            .boolean(r.is_sanctioned(arg!(a.address(0))))
            .finish()),
        STATUS_OF => {
            let mut out = Out::with_capacity(8);
            status(&mut out, &r.status_of(arg!(a.b256(0))));
            Ok(out.finish())
        }
        STATUS_OF_MANY => r.status_of_many(arg!(a.b256_array(0))).map(|all| {
            let mut out = Out::with_capacity(2 + 8 * all.len());
            out.uint(32).uint(all.len() as u64);
            for s in &all {
                status(&mut out, s);
            }
            out.finish()
        }),
        FLAG_INFO => r.flag_info(arg!(a.u32(0))).map(|f| flag_info(&f)),
        REPORTER_INFO => Ok(reporter_info(&r.reporter_info(arg!(a.address(0))))),
        PARAMS_AT => r.params_at(arg!(a.u32(0))).map(|p| {
            let mut out = Out::with_capacity(13);
            write_params(&mut out, &p);
            out.finish()
        }),
        PENDING_PARAMS => {
            let (p, eta) = r.pending_params();
            let mut out = Out::with_capacity(14);
            write_params(&mut out, &p);
            Ok(out.uint(eta).finish())
        }
        CONFIG => {
            let (owner, pending, guard, paused, version, flags) = r.config();
            Ok(Out::with_capacity(6)
                .address(owner)
                .address(pending)
                .address(guard)
                .boolean(paused)
                .uint(version as u64)
                .uint(flags as u64)
                .finish())
        }
        IS_RESOLVER => Ok(Out::default()
            .boolean(r.is_resolver(arg!(a.address(0))))
            .finish()),
        CLAIMABLE => Ok(Out::default()
            .u256(r.claimable(arg!(a.address(0))))
            .finish()),
        ACCOUNTING => {
            let (stakes, bonds, claimable, treasury) = r.accounting();
            Ok(Out::with_capacity(4)
                .u256(stakes)
                .u256(bonds)
                .u256(claimable)
                .u256(treasury)
                .finish())
        }
        stylus_sdk::abi::CONSTRUCTOR_SELECTOR => {
            r.check_constructor_slot()?;
            done(r.constructor(arg!(a.address(0)), arg!(params(a, 1))))
        }
        _ => return Err(Vec::new()),
    };
    result.map_err(Into::into)
}

/// A `Params` struct: static, so its 13 fields are 13 words inline from word `i`.
fn params(a: Args, i: usize) -> Option<Params> {
    Some(Params {
        minStake: a.u256(i)?,
        stakeCap: a.u256(i + 1)?,
        stakeWarmup: a.u64(i + 2)?,
        unbondingDelay: a.u64(i + 3)?,
        reportBond: a.u256(i + 4)?,
        disputeBond: a.u256(i + 5)?,
        watchScore: a.u256(i + 6)?,
        confirmScore: a.u256(i + 7)?,
        minReporters: a.u8(i + 8)?,
        maxReporters: a.u8(i + 9)?,
        maxTtl: a.u64(i + 10)?,
        disputerShareBps: a.u16(i + 11)?,
        paramsDelay: a.u64(i + 12)?,
    })
}

fn write_params(out: &mut Out, p: &Params) {
    out.u256(p.minStake)
        .u256(p.stakeCap)
        .uint(p.stakeWarmup)
        .uint(p.unbondingDelay)
        .u256(p.reportBond)
        .u256(p.disputeBond)
        .u256(p.watchScore)
        .u256(p.confirmScore)
        .uint(p.minReporters as u64)
        .uint(p.maxReporters as u64)
        .uint(p.maxTtl)
        .uint(p.disputerShareBps as u64)
        .uint(p.paramsDelay);
}

fn status(out: &mut Out, s: &SubjectStatus) {
    out.uint(s.level as u64)
        .boolean(s.disputed)
        .boolean(s.finalized)
        .uint(s.category as u64)
        .uint(s.severity as u64)
        .uint(s.flagId as u64)
        .uint(s.expiry)
        .u256(U256::from(s.score));
}

fn reporter_info(i: &ReporterInfo) -> Vec<u8> {
    Out::with_capacity(8)
        .u256(i.stake)
        .u256(i.locked)
        .u256(i.warming)
        .uint(i.warmAt)
        .u256(i.unbonding)
        .uint(i.unbondAt)
        .uint(i.reputation as u64)
        .u256(i.weight)
        .finish()
}

/// `FlagInfo` is dynamic (its `address[]`): an offset to the struct, its ten head words with the
/// array's offset relative to the struct, then the array.
fn flag_info(f: &FlagInfo) -> Vec<u8> {
    let mut out = Out::with_capacity(13 + f.reporters.len());
    out.uint(32)
        .word(f.subject)
        .word(f.evidence)
        .uint(f.rulesVersion as u64)
        .uint(f.created)
        .uint(f.ttl)
        .uint(10 * 32)
        .address(f.disputer)
        .u256(f.disputeBond)
        .boolean(f.reachedConfirmed)
        .boolean(f.settled)
        .uint(f.reporters.len() as u64);
    for reporter in &f.reporters {
        out.address(*reporter);
    }
    out.finish()
}

/// The deployed program's entrypoint: what `#[entrypoint]` generates, with [`route`] in place of
/// the SDK's router.
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    use stylus_sdk::{
        host::{WasmVM, VM},
        storage::StorageType,
    };
    let host = VM { host: WasmVM {} };
    // The SDK's default: a reentrant call reverts, so a payout's recipient cannot call back in.
    if host.msg_reentrant() {
        return 1;
    }
    // Referenced so that activation can hook memory growth (see the SDK's entrypoint).
    host.pay_for_memory_grow(0);
    let input = host.read_args(len);
    let mut registry = unsafe { ThreatRegistry::new(U256::ZERO, 0, host.clone()) };
    let (data, status) = match route(&mut registry, &input) {
        Ok(data) => (data, 0),
        Err(data) => (data, 1),
    };
    host.flush_cache(false);
    host.write_result(&data);
    status
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::{address, keccak256};
    use alloy_sol_types::{abi::TokenSeq, SolType, SolValue};
    use proptest::prelude::*;
    use stylus_sdk::{abi::router_entrypoint, host::VM, testing::TestVM};
    use vigil_common::subject;

    use super::*;

    const OWNER: Address = address!("00000000000000000000000000000000000000a1");
    const RESOLVER: Address = address!("00000000000000000000000000000000000000a2");
    const ALICE: Address = address!("0000000000000000000000000000000000000a11");
    const BOB: Address = address!("0000000000000000000000000000000000000b0b");
    const CAROL: Address = address!("0000000000000000000000000000000000000ca1");
    const DAVE: Address = address!("0000000000000000000000000000000000000da7");
    const ETH: u128 = 1_000_000_000_000_000_000;
    const DAY: u64 = 86_400;

    /// One registry behind `route`, one behind the SDK's router, fed the same messages.
    struct Twin {
        ours: TestVM,
        registry: ThreatRegistry,
        sdk: TestVM,
    }

    impl Twin {
        fn new() -> Self {
            let (ours, sdk) = (TestVM::default(), TestVM::default());
            for vm in [&ours, &sdk] {
                vm.set_block_timestamp(1_700_000_000);
            }
            let registry = ThreatRegistry::from(&ours);
            Self {
                ours,
                registry,
                sdk,
            }
        }

        fn send_value(&mut self, from: Address, value: u128, input: Vec<u8>) -> ArbResult {
            for vm in [&self.ours, &self.sdk] {
                vm.set_sender(from);
                vm.set_value(U256::from(value));
            }
            let ours = route(&mut self.registry, &input);
            let sdk = router_entrypoint::<ThreatRegistry, ThreatRegistry>(
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

        fn send(&mut self, from: Address, input: Vec<u8>) -> ArbResult {
            self.send_value(from, 0, input)
        }

        fn ok(&mut self, from: Address, input: Vec<u8>) -> Vec<u8> {
            self.send(from, input).expect("call succeeds")
        }

        fn warp(&mut self, seconds: u64) {
            let now = self.ours.snapshot().block_timestamp + seconds;
            for vm in [&self.ours, &self.sdk] {
                vm.set_block_timestamp(now);
            }
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

    // alloy has no `SolValue` for `u8`; a `uint8` argument is encoded as the same word as a
    // `uint16` of equal value, so the tests pass `u16`s for `uint8` parameters.
    fn bare(signature: &str) -> Vec<u8> {
        keccak256(signature)[..4].to_vec()
    }

    const PARAMS_SIG: &str = "(uint256,uint256,uint64,uint64,uint256,uint256,uint256,uint256,uint8,uint8,uint64,uint16,uint64)";

    fn params() -> Params {
        Params {
            minStake: U256::from(ETH),
            stakeCap: U256::from(10 * ETH),
            stakeWarmup: DAY,
            unbondingDelay: 7 * DAY,
            reportBond: U256::from(ETH / 10),
            disputeBond: U256::from(ETH / 2),
            watchScore: U256::from(ETH),
            confirmScore: U256::from(25 * ETH),
            minReporters: 2,
            maxReporters: 4,
            maxTtl: 30 * DAY,
            disputerShareBps: 5_000,
            paramsDelay: 2 * DAY,
        }
    }

    fn deployed() -> Twin {
        let mut t = Twin::new();
        let mut ctor = stylus_sdk::abi::CONSTRUCTOR_SELECTOR.to_be_bytes().to_vec();
        ctor.extend((OWNER, params()).abi_encode_params());
        t.ok(OWNER, ctor.clone());
        // A second constructor call is refused.
        assert_eq!(t.send(OWNER, ctor), Err(vec![]));
        t.ok(OWNER, call("setResolver(address,bool)", (RESOLVER, true)));
        t
    }

    /// Every method, through both routers, in a story that reaches each branch of the encoders.
    #[test]
    fn every_method_matches_the_sdk_router() {
        let mut t = deployed();
        let attacker = subject::address(Address::repeat_byte(0xba));
        for who in [ALICE, BOB, CAROL] {
            t.send_value(who, 10 * ETH, bare("stake()")).unwrap();
        }
        t.warp(DAY);
        let id = t.ok(
            ALICE,
            call(
                "submit(bytes32,uint8,uint8,bytes32,uint64)",
                (attacker, 1u16, 4u16, B256::ZERO, 10 * DAY),
            ),
        );
        assert_eq!(U256::from_be_slice(&id), U256::from(1));
        t.ok(
            BOB,
            call("corroborate(bytes32,bytes32)", (attacker, B256::ZERO)),
        );
        t.ok(
            CAROL,
            call("corroborate(bytes32,bytes32)", (attacker, B256::ZERO)),
        );
        assert_eq!(
            t.ok(
                DAVE,
                call("isFlagged(address)", (Address::repeat_byte(0xba),))
            ),
            true.abi_encode()
        );
        t.ok(
            DAVE,
            call("isSanctioned(address)", (Address::repeat_byte(0xba),)),
        );
        t.ok(DAVE, call("statusOf(bytes32)", (attacker,)));
        t.ok(
            DAVE,
            call("statusOfMany(bytes32[])", (vec![attacker, B256::ZERO],)),
        );
        t.ok(DAVE, call("statusOfMany(bytes32[])", (Vec::<B256>::new(),)));
        t.ok(DAVE, call("flagInfo(uint32)", (1u32,)));
        t.send(DAVE, call("flagInfo(uint32)", (7u32,))).unwrap_err();
        t.ok(DAVE, call("reporterInfo(address)", (ALICE,)));
        t.ok(DAVE, call("paramsAt(uint32)", (0u32,)));
        t.ok(DAVE, bare("pendingParams()"));
        t.ok(DAVE, bare("config()"));
        t.ok(DAVE, call("isResolver(address)", (RESOLVER,)));
        t.ok(DAVE, call("claimable(address)", (ALICE,)));
        t.ok(DAVE, bare("accounting()"));
        t.ok(BOB, call("renew(bytes32)", (attacker,)));
        t.send_value(
            DAVE,
            ETH / 2,
            call("dispute(bytes32,bytes32)", (attacker, B256::ZERO)),
        )
        .unwrap();
        t.ok(
            RESOLVER,
            call(
                "resolve(bytes32,bool,bytes32)",
                (attacker, false, B256::repeat_byte(1)),
            ),
        );
        t.ok(DAVE, bare("claim()"));
        let advisory = subject::advisory(B256::repeat_byte(0xad));
        let details = b"details of the advisory".to_vec();
        t.ok(
            ALICE,
            call(
                "submit(bytes32,uint8,uint8,bytes32,uint64)",
                (advisory, 5u16, 3u16, keccak256(&details), DAY),
            ),
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
        let expiring = subject::address(DAVE);
        t.ok(
            BOB,
            call(
                "submit(bytes32,uint8,uint8,bytes32,uint64)",
                (expiring, 2u16, 1u16, B256::ZERO, DAY),
            ),
        );
        t.warp(2 * DAY);
        t.ok(DAVE, call("release(uint32)", (4u32,)));
        t.ok(ALICE, call("requestUnstake(uint256)", (U256::from(ETH),)));
        t.warp(7 * DAY);
        t.ok(ALICE, bare("withdraw()"));
        let schedule = format!("scheduleParams({PARAMS_SIG})");
        t.ok(OWNER, call(&schedule, (params(),)));
        t.ok(DAVE, bare("pendingParams()"));
        t.ok(OWNER, bare("cancelParams()"));
        t.ok(OWNER, call(&schedule, (params(),)));
        t.warp(2 * DAY);
        t.ok(DAVE, bare("applyParams()"));
        t.ok(OWNER, call("sweepTreasury(address)", (OWNER,)));
        t.ok(OWNER, call("setGuard(address)", (Address::ZERO,)));
        t.ok(OWNER, call("setSubmissionsPaused(bool)", (true,)));
        t.ok(OWNER, call("transferOwnership(address)", (BOB,)));
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
            t.send_value(ALICE, 1, call("setGuard(address)", (ALICE,))),
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

    proptest! {
        /// Any bytes after a known selector: both routers agree, on result, storage and logs.
        #[test]
        fn arbitrary_arguments_match_the_sdk_router(
            method in 0usize..8,
            body in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let signatures = [
                "submit(bytes32,uint8,uint8,bytes32,uint64)",
                "statusOfMany(bytes32[])",
                "reveal(bytes32,bytes)",
                "resolve(bytes32,bool,bytes32)",
                "setResolver(address,bool)",
                "release(uint32)",
                "emergencyConfirm(bytes32,uint8,uint8,uint64,bytes32)",
                "requestUnstake(uint256)",
            ];
            let mut t = deployed();
            let mut input = bare(signatures[method]);
            input.extend(body);
            // Each send asserts that both routers agree; whether the call succeeds is irrelevant.
            let _ = t.send(OWNER, input.clone());
            let _ = t.send(RESOLVER, input);
        }
    }
}
