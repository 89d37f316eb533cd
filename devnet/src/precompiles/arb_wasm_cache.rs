//! ArbWasmCache at 0x72 (Nitro's `precompiles/ArbWasmCache.go`): the cache managers and the
//! cache flag of each program, which makes its calls skip `initGas`.
//!
//! The flag is the `cached` field of the program's record in ArbOS state (see
//! [`crate::stylus::programs::set_program_cached`]), so a reverted frame caches nothing and
//! snapshots and state dumps carry it. Only a cache manager or a chain owner may cache or evict;
//! anyone else's request is burnt out (Nitro's `BurnOut`: revert, no data, all gas). The
//! deprecated `cacheCodehash` is not served: Nitro retired it with ArbOS 31 (its
//! `maxArbosVersion`), and the devnet models ArbOS 60, where `cacheProgram` replaces it.

use super::{emit, AddressSet, Call, Failure, Precompile, Purity};
use crate::stylus::programs::{self, Fail, Params};
use alloy_sol_types::{sol, SolCall, SolEvent};
use revm::primitives::{address, Address, B256};

sol! {
    /// nitro-precompile-interfaces `ArbWasmCache.sol` at ArbOS 60.
    interface ArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }
}

/// The precompile's address.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
/// Nitro's cap on the members an `AddressSet` listing returns.
const MAX_LISTED: u64 = 65_536;

pub(crate) struct ArbWasmCachePrecompile;

impl Precompile for ArbWasmCachePrecompile {
    const ADDRESS: Address = ARB_WASM_CACHE;
    type Calls = ArbWasmCache::ArbWasmCacheCalls;

    fn purity(selector: [u8; 4]) -> Purity {
        use ArbWasmCache::*;
        if selector == cacheProgramCall::SELECTOR || selector == evictCodehashCall::SELECTOR {
            Purity::Write
        } else {
            Purity::View
        }
    }

    fn dispatch(call: &mut Call<'_>, method: Self::Calls) -> Result<Vec<u8>, Failure> {
        use ArbWasmCache::{ArbWasmCacheCalls as Calls, *};
        let managers = AddressSet::CACHE_MANAGERS;
        Ok(match method {
            Calls::isCacheManager(c) => {
                let member = managers.is_member(&mut call.arbos, c.manager)?;
                isCacheManagerCall::abi_encode_returns(&member)
            }
            Calls::allCacheManagers(_) => allCacheManagersCall::abi_encode_returns(
                &managers.members(&mut call.arbos, MAX_LISTED)?,
            ),
            Calls::codehashIsCached(c) => {
                let record = programs::ProgramRecord::load(&mut call.arbos, c.codehash)?;
                codehashIsCachedCall::abi_encode_returns(&record.cached)
            }
            Calls::cacheProgram(c) => {
                // Nitro reads the code hash before it checks the caller's rights.
                let code_hash = call.code_hash(c.addr)?;
                set_cached(call, code_hash, true)?;
                Vec::new()
            }
            Calls::evictCodehash(c) => {
                set_cached(call, c.codehash, false)?;
                Vec::new()
            }
        })
    }
}

/// Nitro's `setProgramCached`: the caller's rights, then the program's.
fn set_cached(call: &mut Call<'_>, code_hash: B256, cached: bool) -> Result<(), Failure> {
    if !has_access(call)? {
        return Err(Failure::OutOfGas);
    }
    let params = Params::load(&mut call.arbos)?;
    let manager = call.caller;
    let announce = |arbos: &mut programs::Arbos<&mut crate::evm::Ctx>| -> Result<(), Fail> {
        let event = ArbWasmCache::UpdateProgramCache {
            manager,
            codehash: code_hash,
            cached,
        };
        Ok(emit(arbos, ARB_WASM_CACHE, event.encode_log_data())?)
    };
    let time = call.time;
    programs::set_program_cached(&mut call.arbos, code_hash, cached, &params, time, announce)?;
    Ok(())
}

/// A cache manager or a chain owner (one read each, the second only when the first fails).
fn has_access(call: &mut Call<'_>) -> Result<bool, Failure> {
    let caller = call.caller;
    if AddressSet::CACHE_MANAGERS.is_member(&mut call.arbos, caller)? {
        return Ok(true);
    }
    Ok(AddressSet::CHAIN_OWNERS.is_member(&mut call.arbos, caller)?)
}

#[cfg(test)]
mod tests {
    use super::ArbWasmCache::*;
    use alloy_sol_types::{SolCall, SolEvent};

    #[test]
    fn selectors_and_topic_are_nitros() {
        assert_eq!(isCacheManagerCall::SELECTOR, [0x85, 0xe2, 0xde, 0x85]);
        assert_eq!(allCacheManagersCall::SELECTOR, [0x0e, 0xc1, 0xd7, 0x73]);
        assert_eq!(cacheProgramCall::SELECTOR, [0xe7, 0x3a, 0xc9, 0xf2]);
        assert_eq!(evictCodehashCall::SELECTOR, [0xce, 0x97, 0x20, 0x13]);
        assert_eq!(codehashIsCachedCall::SELECTOR, [0xa7, 0x2f, 0x17, 0x9b]);
        assert_eq!(
            UpdateProgramCache::SIGNATURE_HASH.to_string(),
            "0x1bfaa29b4618e78f5b398027d530826dbb266dc976a5067f67fdad15434ecfab"
        );
    }
}
