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

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256};
use alloy_sol_types::SolError;
use stylus_sdk::{
    prelude::*,
    stylus_core::calls::{errors::Error as CallError, NonPayableCallContext, StaticCallContext},
};

use crate::{
    AdvisoryActive, CallerFlagged, ProtocolNotRegistered, ProtocolPaused, RateLimited,
    SelectorPaused,
};

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
    AdvisoryActive {
        advisory: B256,
    },
    RateLimited {
        selector: FixedBytes<4>,
        available: U256,
        retry_after: u64,
    },
    /// Any other revert data (another guard error, out of gas, an address that is not a guard),
    /// kept byte for byte so it can be re-thrown unchanged.
    Other(Vec<u8>),
}

impl GuardError {
    /// Decodes the guard's revert data; anything that is not one of `check`'s verdicts, or does
    /// not decode exactly, becomes [`GuardError::Other`].
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

impl From<CallError> for GuardError {
    fn from(err: CallError) -> Self {
        match err {
            CallError::Revert(data) => Self::decode(&data),
            // The guard's functions used here return nothing but `preview`'s bytes; a result that
            // does not decode means the address is not a guard.
            CallError::AbiDecodingFailed(_) => Self::Other(Vec::new()),
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

    /// Registers the calling contract with `admin` (call it from the constructor).
    pub fn register_protocol(
        &self,
        host: &impl Host,
        ctx: impl NonPayableCallContext,
        admin: Address,
    ) -> Result<(), GuardError> {
        Ok(self.iface().register_protocol(host, ctx, admin)?)
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
        Ok(self.iface().check(host, ctx, caller, selector, amount)?)
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
        Ok(self.iface().credit(host, ctx, selector, amount)?)
    }

    /// Screens a counterparty under the calling contract's policy for `selector`.
    pub fn screen(
        &self,
        host: &impl Host,
        ctx: impl StaticCallContext,
        account: Address,
        selector: FixedBytes<4>,
    ) -> Result<(), GuardError> {
        Ok(self.iface().screen(host, ctx, account, selector)?)
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
            .preview(host, ctx, protocol, caller, selector, amount)?;
        Ok((!verdict.is_empty()).then(|| GuardError::decode(&verdict)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;
    use stylus_sdk::{stylus_core::calls::Call, testing::TestVM};

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

    #[test]
    fn client_calls_decode_reverts() {
        let vm = TestVM::default();
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
