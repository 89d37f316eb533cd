//! The interfaces the deployment speaks: Vigil's own, read from `interfaces/` so a drift between
//! the contracts and the CLI shows up as a decoding failure, and the Arbitrum pieces it needs.

#![allow(clippy::too_many_arguments)]

use alloy_primitives::{address, Address};
use alloy_sol_types::sol;

sol!(
    #[sol(all_derives)]
    "../interfaces/IThreatRegistry.sol"
);
sol!(
    #[sol(all_derives)]
    "../interfaces/ICircuitGuard.sol"
);

sol! {
    #![sol(all_derives)]
    /// Offchain Labs' StylusDeployer (nitro-contracts src/stylus/StylusDeployer.sol): deploys,
    /// activates and initialises a program in one transaction.
    interface StylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes revertData);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
    }

    /// The ArbWasm precompile (nitro-precompile-interfaces ArbWasm.sol), the part used here.
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function programVersion(address program) external view returns (uint16 version);
        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramInsufficientValue(uint256 have, uint256 want);
        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
    }
}

/// Where the StylusDeployer lives on every Arbitrum chain (a CREATE2 of the canonical factory).
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The ArbWasm precompile.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");

sol! {
    #![sol(all_derives)]
    /// ArbWasm's lifetime getter (nitro-precompile-interfaces ArbWasm.sol), apart because the
    /// `ArbWasm` binding above is the deployment's: the doctor reads it for every program.
    interface ArbWasmLifetime {
        function programTimeLeft(address program) external view returns (uint64 secs);
    }

    /// The ArbWasmCache precompile (nitro-precompile-interfaces ArbWasmCache.sol): a cached
    /// program skips its init gas on every call. Caching takes a cache manager (or, on the
    /// local node, the chain owner); anyone else bids through `cargo stylus cache bid`.
    interface ArbWasmCache {
        function codehashIsCached(bytes32 codehash) external view returns (bool);
        function cacheProgram(address addr) external;
    }
}

/// The ArbWasmCache precompile.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
