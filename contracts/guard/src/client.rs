//! A client for Stylus protocols: call the guard from a Rust contract and get its verdict as a
//! typed [`GuardError`] instead of raw revert bytes.
//!
//! ```ignore
//! use vigil_guard::client::GuardClient;
//!
//! #[public]
//! impl Vault {
//!     pub fn withdraw(&mut self, amount: U256) -> Result<(), Vec<u8>> {
//!         let guard = GuardClient::new(self.guard.get());
//!         let caller = self.vm().msg_sender();
//!         let ctx = Call::new_mutating(self);
//!         // `?` re-throws the guard's revert data byte for byte (From<GuardError> for Vec<u8>).
//!         guard.check(self.vm(), ctx, caller, WITHDRAW_SELECTOR.into(), amount)?;
//!         // ... move the funds ...
//!         Ok(())
//!     }
//! }
//! ```
//!
//! Reentrancy: the guard makes no calls, so a protocol calling it is never re-entered. A Stylus
//! protocol built without the SDK's `reentrant` feature still rejects any reentrant call into
//! itself, which is why the guard must never call back into protocols.
//!
//! Construct a [`GuardClient`] from a stored address on each call: it is a plain address wrapper
//! and costs nothing to build.
//!
//! # Failing closed
//! A call to an address without code succeeds and returns nothing, which is exactly what `check`
//! returns when it passes: a vault given a wrong guard address would pass every check. So a call
//! that returned nothing is followed by a code-size check of the guard (100 gas: the call just
//! warmed the account), and an address without code fails with [`GuardError::GuardNotContract`],
//! as `Guarded.sol`'s constructor refuses one.
//!
//! # A guard that cannot run
//! On Nitro a Stylus program stops running at its expiry (365 days after activation by default)
//! and after an ArbOS Stylus upgrade until it is re-activated. A call to it then fails with no
//! revert data and all its gas burnt, just like running out of gas. This client mirrors
//! `Guarded.sol`: every guard call gets at most [`GUARD_GAS_CAP`] (four times the guard's worst
//! path), so a dead guard costs a bounded amount and gas is left to find out why; when a call fails
//! with no data and the guard's code is a Stylus program, the client asks ArbWasm
//! (`programVersion(guard)`, with [`GUARD_PROBE_GAS`]). Only ArbWasm's own errors
//! (ProgramNotActivated, ProgramNeedsUpgrade, ProgramExpired) mean the guard cannot run, reported as
//! [`GuardError::GuardUnavailable`]; anything else (a version, no ArbWasm on the chain, a probe
//! starved of gas) keeps the empty revert of a guard that ran out of gas. Only that failure path
//! pays for the probe.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, FixedBytes, B256, U256};
use alloy_sol_types::{sol, SolError};
use stylus_sdk::{
    call::static_call,
    function_selector,
    prelude::*,
    stylus_core::calls::{
        errors::Error as CallError, Call, CallContext, MutatingCallContext, NonPayableCallContext,
        StaticCallContext,
    },
};

use crate::{
    AdvisoryActive, CallerFlagged, CodeFlagged, ProtocolNotRegistered, ProtocolPaused, RateLimited,
    SelectorPaused,
};

sol! {
    /// The guard address has no code (a wrong address, or nothing deployed there).
    error GuardNotContract(address guard);
    /// The guard program exists but cannot run: not activated, expired, or in need of
    /// re-activation after a Stylus upgrade (ArbWasm said so). Re-activate it
    /// (`ArbWasm.activateProgram`); see the keep-alive runbook.
    error GuardUnavailable(address guard);
}

/// Nitro's ArbWasm precompile, which knows whether a Stylus program can run.
pub const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");

/// Most gas a guard call gets (`Guarded.GUARD_GAS_CAP`): four times the guard's worst path, so a
/// guard that cannot run burns a bounded amount and the caller keeps gas to ask ArbWasm why.
pub const GUARD_GAS_CAP: u64 = 200_000;

/// Gas ArbWasm's `programVersion` is given (`Guarded.GUARD_PROBE_GAS`): it charges about 4,300
/// and hands back the rest. A probe starved of gas reverts without data, which never reads as
/// "unavailable".
pub const GUARD_PROBE_GAS: u64 = 20_000;

/// The first three bytes of every Stylus program's code: only a program can expire.
const STYLUS_PREFIX: [u8; 3] = [0xef, 0xf0, 0x00];

/// A caller's call context with its gas capped at [`GUARD_GAS_CAP`].
struct Capped<C>(C);

impl<C: CallContext> CallContext for Capped<C> {
    fn gas(&self) -> u64 {
        self.0.gas().min(GUARD_GAS_CAP)
    }
}

impl<C: StaticCallContext> StaticCallContext for Capped<C> {}

// SAFETY: the wrapped context was built from the caller's top-level storage, which is what the
// trait requires; only the gas differs.
unsafe impl<C: MutatingCallContext> MutatingCallContext for Capped<C> {
    fn value(&self) -> U256 {
        self.0.value()
    }
}

impl<C: NonPayableCallContext> NonPayableCallContext for Capped<C> {}

sol_interface! {
    interface ICircuitGuard {
        function registerProtocol(address admin) external;
        function check(address caller, bytes4 selector, uint256 amount) external;
        function credit(bytes4 selector, uint256 amount) external;
        function screen(address account, bytes4 selector) external view;
        function preview(address protocol, address caller, bytes4 selector, uint256 amount) external view returns (bytes);
    }
}

/// Why the guard said no.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardError {
    ProtocolNotRegistered {
        protocol: Address,
    },
    ProtocolPaused {
        until: u64,
    },
    SelectorPaused {
        selector: FixedBytes<4>,
        until: u64,
    },
    CallerFlagged {
        caller: Address,
        level: u8,
    },
    CodeFlagged {
        caller: Address,
        code_hash: B256,
        level: u8,
    },
    AdvisoryActive {
        advisory: B256,
    },
    RateLimited {
        selector: FixedBytes<4>,
        available: U256,
        retry_after: u64,
    },
    /// The guard address has no code: nothing was checked.
    GuardNotContract {
        guard: Address,
    },
    /// The guard program cannot run until it is re-activated: nothing was checked.
    GuardUnavailable {
        guard: Address,
    },
    /// Any other revert data (another guard error, out of gas, an address that is not a guard),
    /// kept byte for byte so it can be re-thrown unchanged.
    Other(Vec<u8>),
}

impl GuardError {
    /// Decodes the guard's revert data; anything that is not one of `check`'s verdicts (or the
    /// client's own two errors, so a re-thrown one decodes again), or does not decode exactly,
    /// becomes [`GuardError::Other`].
    pub fn decode(data: &[u8]) -> Self {
        let Some(selector) = data.get(..4) else {
            return Self::Other(data.to_vec());
        };
        let decoded = match <[u8; 4]>::try_from(selector).unwrap_or_default() {
            ProtocolNotRegistered::SELECTOR => ProtocolNotRegistered::abi_decode_validate(data)
                .map(|e| Self::ProtocolNotRegistered {
                    protocol: e.protocol,
                }),
            ProtocolPaused::SELECTOR => ProtocolPaused::abi_decode_validate(data)
                .map(|e| Self::ProtocolPaused { until: e.until }),
            SelectorPaused::SELECTOR => {
                SelectorPaused::abi_decode_validate(data).map(|e| Self::SelectorPaused {
                    selector: e.selector,
                    until: e.until,
                })
            }
            CallerFlagged::SELECTOR => {
                CallerFlagged::abi_decode_validate(data).map(|e| Self::CallerFlagged {
                    caller: e.caller,
                    level: e.level,
                })
            }
            CodeFlagged::SELECTOR => {
                CodeFlagged::abi_decode_validate(data).map(|e| Self::CodeFlagged {
                    caller: e.caller,
                    code_hash: e.codeHash,
                    level: e.level,
                })
            }
            GuardNotContract::SELECTOR => GuardNotContract::abi_decode_validate(data)
                .map(|e| Self::GuardNotContract { guard: e.guard }),
            GuardUnavailable::SELECTOR => GuardUnavailable::abi_decode_validate(data)
                .map(|e| Self::GuardUnavailable { guard: e.guard }),
            AdvisoryActive::SELECTOR => {
                AdvisoryActive::abi_decode_validate(data).map(|e| Self::AdvisoryActive {
                    advisory: e.advisory,
                })
            }
            RateLimited::SELECTOR => {
                RateLimited::abi_decode_validate(data).map(|e| Self::RateLimited {
                    selector: e.selector,
                    available: e.available,
                    retry_after: e.retryAfter,
                })
            }
            _ => return Self::Other(data.to_vec()),
        };
        decoded.unwrap_or_else(|_| Self::Other(data.to_vec()))
    }

    /// The revert data this error stands for, as the guard produced it.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::ProtocolNotRegistered { protocol } => ProtocolNotRegistered {
                protocol: *protocol,
            }
            .abi_encode(),
            Self::ProtocolPaused { until } => ProtocolPaused { until: *until }.abi_encode(),
            Self::SelectorPaused { selector, until } => SelectorPaused {
                selector: *selector,
                until: *until,
            }
            .abi_encode(),
            Self::CallerFlagged { caller, level } => CallerFlagged {
                caller: *caller,
                level: *level,
            }
            .abi_encode(),
            Self::CodeFlagged {
                caller,
                code_hash,
                level,
            } => CodeFlagged {
                caller: *caller,
                codeHash: *code_hash,
                level: *level,
            }
            .abi_encode(),
            Self::GuardNotContract { guard } => GuardNotContract { guard: *guard }.abi_encode(),
            Self::GuardUnavailable { guard } => GuardUnavailable { guard: *guard }.abi_encode(),
            Self::AdvisoryActive { advisory } => AdvisoryActive {
                advisory: *advisory,
            }
            .abi_encode(),
            Self::RateLimited {
                selector,
                available,
                retry_after,
            } => RateLimited {
                selector: *selector,
                available: *available,
                retryAfter: *retry_after,
            }
            .abi_encode(),
            Self::Other(data) => data.clone(),
        }
    }
}

/// Re-throws the guard's verdict unchanged from a `#[public]` method returning `Vec<u8>` errors.
impl From<GuardError> for Vec<u8> {
    fn from(err: GuardError) -> Self {
        err.encode()
    }
}

/// The guard at an address, with typed errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardClient {
    pub address: Address,
}

impl GuardClient {
    pub const fn new(address: Address) -> Self {
        Self { address }
    }

    fn iface(&self) -> ICircuitGuard {
        ICircuitGuard::new(self.address)
    }

    /// A call that returned nothing passed only if the guard has code: a call to an address
    /// without code "succeeds" too.
    fn ran(&self, host: &impl Host, result: Result<(), CallError>) -> Result<(), GuardError> {
        result.map_err(|e| self.failed(host, e))?;
        if host.code_size(self.address) == 0 {
            return Err(GuardError::GuardNotContract {
                guard: self.address,
            });
        }
        Ok(())
    }

    /// Why a call to the guard failed: its revert data decoded; for a failure without data,
    /// whether the guard program could run at all.
    fn failed(&self, host: &impl Host, err: CallError) -> GuardError {
        match err {
            CallError::Revert(data) if !data.is_empty() => GuardError::decode(&data),
            CallError::Revert(_) if self.unavailable(host) => GuardError::GuardUnavailable {
                guard: self.address,
            },
            CallError::Revert(_) => GuardError::Other(Vec::new()),
            // Only `preview` returns data; data that does not decode comes from no guard, and
            // no data at all from an address without code.
            CallError::AbiDecodingFailed(_) if host.code_size(self.address) == 0 => {
                GuardError::GuardNotContract {
                    guard: self.address,
                }
            }
            CallError::AbiDecodingFailed(_) => GuardError::Other(Vec::new()),
        }
    }

    /// ArbWasm's own refusal to report the guard's program version: it cannot run. Code that is
    /// not a Stylus program cannot expire; a chain without ArbWasm answers nothing and a probe
    /// short of gas reverts without data, and none of these reads as unavailable.
    fn unavailable(&self, host: &impl Host) -> bool {
        if !host.code(self.address).starts_with(&STYLUS_PREFIX) {
            return false;
        }
        let mut probe = function_selector!("programVersion", Address).to_vec();
        probe.extend_from_slice(&[0; 12]);
        probe.extend_from_slice(self.address.as_slice());
        let Err(CallError::Revert(data)) =
            static_call(host, Call::new().gas(GUARD_PROBE_GAS), ARB_WASM, &probe)
        else {
            return false;
        };
        let not_activated = function_selector!("ProgramNotActivated");
        let needs_upgrade = function_selector!("ProgramNeedsUpgrade", u16, u16);
        let expired = function_selector!("ProgramExpired", u64);
        match (data.get(..4), data.len()) {
            (Some(s), 4) => s == not_activated,
            (Some(s), 36) => s == expired,
            (Some(s), 68) => s == needs_upgrade,
            _ => false,
        }
    }

    /// Registers the calling contract with `admin` (call it from the constructor).
    pub fn register_protocol(
        &self,
        host: &impl Host,
        ctx: impl NonPayableCallContext,
        admin: Address,
    ) -> Result<(), GuardError> {
        let result = self.iface().register_protocol(host, Capped(ctx), admin);
        self.ran(host, result)
    }

    /// `check(caller, selector, amount)` for the calling contract.
    pub fn check(
        &self,
        host: &impl Host,
        ctx: impl NonPayableCallContext,
        caller: Address,
        selector: FixedBytes<4>,
        amount: U256,
    ) -> Result<(), GuardError> {
        let result = self
            .iface()
            .check(host, Capped(ctx), caller, selector, amount);
        self.ran(host, result)
    }

    /// `credit(selector, amount)` for the calling contract: `amount` came in (a deposit), so the
    /// bucket of the outflow `selector` it offsets is refilled by it. Credit only value received.
    pub fn credit(
        &self,
        host: &impl Host,
        ctx: impl NonPayableCallContext,
        selector: FixedBytes<4>,
        amount: U256,
    ) -> Result<(), GuardError> {
        let result = self.iface().credit(host, Capped(ctx), selector, amount);
        self.ran(host, result)
    }

    /// Screens a counterparty under the calling contract's policy for `selector`.
    pub fn screen(
        &self,
        host: &impl Host,
        ctx: impl StaticCallContext,
        account: Address,
        selector: FixedBytes<4>,
    ) -> Result<(), GuardError> {
        let result = self.iface().screen(host, Capped(ctx), account, selector);
        self.ran(host, result)
    }

    /// What `check` would say for `protocol`, without consuming anything: `Ok(None)` if it would
    /// pass, `Ok(Some(verdict))` if it would revert, `Err` if the call itself failed.
    pub fn preview(
        &self,
        host: &impl Host,
        ctx: impl StaticCallContext,
        protocol: Address,
        caller: Address,
        selector: FixedBytes<4>,
        amount: U256,
    ) -> Result<Option<GuardError>, GuardError> {
        let verdict = self
            .iface()
            .preview(host, Capped(ctx), protocol, caller, selector, amount)
            .map_err(|e| self.failed(host, e))?;
        Ok((!verdict.is_empty()).then(|| GuardError::decode(&verdict)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stylus_sdk::testing::TestVM;

    const GUARD: Address = address!("0x00000000000000000000000000000000000000aa");
    const CALLER: Address = address!("0x00000000000000000000000000000000000000cc");

    fn verdicts() -> Vec<GuardError> {
        vec![
            GuardError::ProtocolNotRegistered { protocol: CALLER },
            GuardError::ProtocolPaused { until: 7 },
            GuardError::SelectorPaused {
                selector: FixedBytes([1, 2, 3, 4]),
                until: u64::MAX,
            },
            GuardError::CallerFlagged {
                caller: CALLER,
                level: 3,
            },
            GuardError::CodeFlagged {
                caller: CALLER,
                code_hash: B256::repeat_byte(0xc0),
                level: 2,
            },
            GuardError::GuardNotContract { guard: GUARD },
            GuardError::GuardUnavailable { guard: GUARD },
            GuardError::AdvisoryActive {
                advisory: B256::repeat_byte(3),
            },
            GuardError::RateLimited {
                selector: FixedBytes([9, 9, 9, 9]),
                available: U256::MAX,
                retry_after: 12,
            },
        ]
    }

    #[test]
    fn every_verdict_roundtrips_byte_for_byte() {
        for v in verdicts() {
            let data = v.encode();
            assert_eq!(GuardError::decode(&data), v);
            assert_eq!(Vec::<u8>::from(v), data);
        }
    }

    #[test]
    fn decodes_the_guards_own_encoding() {
        let e = crate::CircuitGuardError::RateLimited(RateLimited {
            selector: FixedBytes([1, 1, 1, 1]),
            available: U256::from(5u8),
            retryAfter: 99,
        });
        assert_eq!(
            GuardError::decode(&Vec::<u8>::from(e)),
            GuardError::RateLimited {
                selector: FixedBytes([1, 1, 1, 1]),
                available: U256::from(5u8),
                retry_after: 99
            }
        );
    }

    #[test]
    fn anything_else_is_kept_verbatim() {
        let other = crate::NotAdmin {
            protocol: CALLER,
            account: CALLER,
        }
        .abi_encode();
        let mut truncated = ProtocolPaused { until: 1 }.abi_encode();
        truncated.pop();
        // A uint64 field holding more than 64 bits is not a verdict the guard could produce.
        let mut dirty = ProtocolPaused { until: 1 }.abi_encode();
        dirty[4] = 1;
        for data in [vec![], vec![1, 2, 3], other, truncated, dirty] {
            assert_eq!(GuardError::decode(&data), GuardError::Other(data.clone()));
            assert_eq!(GuardError::decode(&data).encode(), data);
        }
    }

    /// A VM where GUARD has code, as a deployed guard does.
    fn with_guard() -> TestVM {
        let vm = TestVM::default();
        vm.set_code(GUARD, vec![0xef, 0xf0, 0x00]);
        vm
    }

    #[test]
    fn client_calls_decode_reverts() {
        let vm = with_guard();
        let mut storage = crate::CircuitGuard::from(&vm);
        let client = GuardClient::new(GUARD);
        let selector = FixedBytes([0xaa, 0xbb, 0xcc, 0xdd]);
        let calldata = ICircuitGuardCalls::check(CALLER, selector, U256::from(5u8));
        let paused = GuardError::ProtocolPaused { until: 42 };
        vm.mock_call(GUARD, calldata.clone(), U256::ZERO, Err(paused.encode()));
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(
            client.check(&vm, ctx, CALLER, selector, U256::from(5u8)),
            Err(paused)
        );
        vm.mock_call(GUARD, calldata, U256::ZERO, Ok(vec![]));
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(
            client.check(&vm, ctx, CALLER, selector, U256::from(5u8)),
            Ok(())
        );

        let credit = ICircuitGuardCalls::credit(selector, U256::from(9u8));
        vm.mock_call(GUARD, credit.clone(), U256::ZERO, Ok(vec![]));
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(client.credit(&vm, ctx, selector, U256::from(9u8)), Ok(()));
        vm.mock_call(GUARD, credit, U256::ZERO, Err(vec![1, 2, 3]));
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(
            client.credit(&vm, ctx, selector, U256::from(9u8)),
            Err(GuardError::Other(vec![1, 2, 3]))
        );

        let register = ICircuitGuardCalls::register_protocol(CALLER);
        vm.mock_call(GUARD, register, U256::ZERO, Ok(vec![]));
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(client.register_protocol(&vm, ctx, CALLER), Ok(()));

        let flagged = GuardError::CallerFlagged {
            caller: CALLER,
            level: 2,
        };
        vm.mock_static_call(
            GUARD,
            ICircuitGuardCalls::screen(CALLER, selector),
            Err(flagged.encode()),
        );
        assert_eq!(
            client.screen(&vm, Call::new(), CALLER, selector),
            Err(flagged.clone())
        );

        let preview = ICircuitGuardCalls::preview(GUARD, CALLER, selector, U256::ZERO);
        let encoded =
            alloy_sol_types::SolValue::abi_encode(&alloy_primitives::Bytes::from(flagged.encode()));
        vm.mock_static_call(GUARD, preview.clone(), Ok(encoded));
        assert_eq!(
            client.preview(&vm, Call::new(), GUARD, CALLER, selector, U256::ZERO),
            Ok(Some(flagged))
        );
        let empty = alloy_sol_types::SolValue::abi_encode(&alloy_primitives::Bytes::new());
        vm.mock_static_call(GUARD, preview, Ok(empty));
        assert_eq!(
            client.preview(&vm, Call::new(), GUARD, CALLER, selector, U256::ZERO),
            Ok(None)
        );
    }

    /// The TestVM answers every call nobody mocked with success and no data, exactly as an
    /// address without code does on chain: every call must then fail closed.
    #[test]
    fn a_guard_address_without_code_fails_closed() {
        let vm = TestVM::default();
        let mut storage = crate::CircuitGuard::from(&vm);
        let client = GuardClient::new(GUARD);
        let selector = FixedBytes([0xaa, 0xbb, 0xcc, 0xdd]);
        let none = Err(GuardError::GuardNotContract { guard: GUARD });
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(client.check(&vm, ctx, CALLER, selector, U256::ZERO), none);
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(client.credit(&vm, ctx, selector, U256::from(1u8)), none);
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(client.register_protocol(&vm, ctx, CALLER), none);
        assert_eq!(client.screen(&vm, Call::new(), CALLER, selector), none);
        // `preview` gets no data to decode from an address without code.
        assert_eq!(
            client.preview(&vm, Call::new(), GUARD, CALLER, selector, U256::ZERO),
            Err(GuardError::GuardNotContract { guard: GUARD })
        );
        // The same calls pass once the address has code.
        vm.set_code(GUARD, vec![0xef, 0xf0, 0x00]);
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(client.check(&vm, ctx, CALLER, selector, U256::ZERO), Ok(()));
        assert_eq!(client.screen(&vm, Call::new(), CALLER, selector), Ok(()));
        // Data that is not `bytes` from an address with code: no guard, but not "no code".
        let preview = ICircuitGuardCalls::preview(GUARD, CALLER, selector, U256::ZERO);
        vm.mock_static_call(GUARD, preview, Ok(vec![1, 2, 3]));
        assert_eq!(
            client.preview(&vm, Call::new(), GUARD, CALLER, selector, U256::ZERO),
            Err(GuardError::Other(vec![]))
        );
    }

    /// `programVersion(GUARD)` as the client asks ArbWasm.
    fn probe() -> Vec<u8> {
        ICircuitGuardCalls::with("programVersion(address)", GUARD.into_word().to_vec())
    }

    /// ArbWasm's error `name(types)` with `args` as its words.
    fn arbwasm_error(signature: &str, args: &[u64]) -> Vec<u8> {
        let mut data = alloy_primitives::keccak256(signature)[..4].to_vec();
        for a in args {
            data.extend_from_slice(&U256::from(*a).to_be_bytes::<32>());
        }
        data
    }

    /// A failure without data is told apart by ArbWasm's answer: only its own three errors, with
    /// their exact sizes, mean the guard cannot run; a version, an empty revert (a probe out of
    /// gas) or anything else keeps the empty revert. (The TestVM hands every call the data of the
    /// last mock, so the guard's failure is given to `failed` directly and only the probe is a
    /// mocked call.)
    #[test]
    fn an_empty_failure_is_unavailable_only_if_arbwasm_says_so() {
        let unavailable = GuardError::GuardUnavailable { guard: GUARD };
        let kept = GuardError::Other(vec![]);
        let expired = arbwasm_error("ProgramExpired(uint64)", &[31_536_000]);
        let mut long = expired.clone();
        long.push(0);
        let client = GuardClient::new(GUARD);
        for (answer, expected) in [
            (Err(expired), &unavailable),
            (
                Err(arbwasm_error("ProgramNotActivated()", &[])),
                &unavailable,
            ),
            (
                Err(arbwasm_error("ProgramNeedsUpgrade(uint16,uint16)", &[1, 2])),
                &unavailable,
            ),
            (Err(long), &kept),
            (Err(arbwasm_error("ProgramExpired(uint64)", &[])), &kept),
            (Err(arbwasm_error("SomethingElse()", &[])), &kept),
            (Err(vec![]), &kept),
            (Ok(U256::from(2u8).to_be_bytes::<32>().to_vec()), &kept),
        ] {
            let vm = with_guard();
            vm.mock_static_call(ARB_WASM, probe(), answer);
            assert_eq!(&client.failed(&vm, CallError::Revert(vec![])), expected);
            // Re-thrown by a protocol, the error decodes again as itself.
            assert_eq!(
                &GuardError::decode(&Vec::<u8>::from(expected.clone())),
                expected
            );
            // A guard's own revert is never probed: it ran.
            let paused = GuardError::ProtocolPaused { until: 9 };
            assert_eq!(
                client.failed(&vm, CallError::Revert(paused.encode())),
                paused
            );
        }
        // Code that is not a Stylus program cannot expire: whatever ArbWasm says of it (it says
        // ProgramNotActivated of any EVM contract), an empty failure is kept.
        let vm = TestVM::default();
        vm.set_code(GUARD, vec![0x60, 0x00, 0x80, 0xfd]);
        vm.mock_static_call(
            ARB_WASM,
            probe(),
            Err(arbwasm_error("ProgramNotActivated()", &[])),
        );
        assert_eq!(client.failed(&vm, CallError::Revert(vec![])), kept);
        // A chain without ArbWasm (an address without code answers nothing): through `check`,
        // the empty revert is kept as it was.
        let vm = with_guard();
        let mut storage = crate::CircuitGuard::from(&vm);
        let selector = FixedBytes([1, 2, 3, 4]);
        let check = ICircuitGuardCalls::check(CALLER, selector, U256::ZERO);
        vm.mock_call(GUARD, check, U256::ZERO, Err(vec![]));
        let ctx = Call::new_mutating(&mut storage);
        assert_eq!(
            client.check(&vm, ctx, CALLER, selector, U256::ZERO),
            Err(GuardError::Other(vec![]))
        );
    }

    #[test]
    fn guard_calls_get_at_most_the_cap() {
        assert_eq!(Capped(Call::new()).gas(), GUARD_GAS_CAP);
        assert_eq!(Capped(Call::new().gas(5)).gas(), 5);
        assert_eq!(GUARD_GAS_CAP, 200_000);
    }

    #[test]
    fn the_client_errors_are_the_documented_ones() {
        assert_eq!(
            GuardNotContract::SELECTOR,
            alloy_primitives::keccak256("GuardNotContract(address)")[..4]
        );
        assert_eq!(
            GuardUnavailable::SELECTOR,
            alloy_primitives::keccak256("GuardUnavailable(address)")[..4]
        );
        assert_eq!(
            ARB_WASM,
            Address::from_word(U256::from(0x71u8).to_be_bytes::<32>().into())
        );
    }

    /// Calldata the client sends, built independently of `sol_interface!`.
    struct ICircuitGuardCalls;

    impl ICircuitGuardCalls {
        fn with(signature: &str, args: Vec<u8>) -> Vec<u8> {
            let mut data = alloy_primitives::keccak256(signature)[..4].to_vec();
            data.extend(args);
            data
        }

        fn check(caller: Address, selector: FixedBytes<4>, amount: U256) -> Vec<u8> {
            use alloy_sol_types::SolValue;
            Self::with(
                "check(address,bytes4,uint256)",
                (caller, selector, amount).abi_encode_params(),
            )
        }

        fn credit(selector: FixedBytes<4>, amount: U256) -> Vec<u8> {
            use alloy_sol_types::SolValue;
            Self::with(
                "credit(bytes4,uint256)",
                (selector, amount).abi_encode_params(),
            )
        }

        fn register_protocol(admin: Address) -> Vec<u8> {
            use alloy_sol_types::SolValue;
            Self::with("registerProtocol(address)", (admin,).abi_encode_params())
        }

        fn screen(account: Address, selector: FixedBytes<4>) -> Vec<u8> {
            use alloy_sol_types::SolValue;
            Self::with(
                "screen(address,bytes4)",
                (account, selector).abi_encode_params(),
            )
        }

        fn preview(
            protocol: Address,
            caller: Address,
            selector: FixedBytes<4>,
            amount: U256,
        ) -> Vec<u8> {
            use alloy_sol_types::SolValue;
            Self::with(
                "preview(address,address,bytes4,uint256)",
                (protocol, caller, selector, amount).abi_encode_params(),
            )
        }
    }
}
