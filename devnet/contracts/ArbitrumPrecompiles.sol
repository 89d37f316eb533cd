// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @notice The ArbOS precompile methods the devnet's predeploys call, declared as Nitro's
///         nitro-precompile-interfaces declare them (same names and types, so the same selectors).

/// @dev ArbWasm at 0x71: program activation and the Stylus version.
interface IArbWasm {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function stylusVersion() external view returns (uint16 version);
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
}

/// @dev ArbWasmCache at 0x72: the cache flag of each program; only cache managers and chain owners may change it.
interface IArbWasmCache {
    function codehashIsCached(bytes32 codehash) external view returns (bool);
    function cacheProgram(address addr) external;
    function evictCodehash(bytes32 codehash) external;
}

/// @dev ArbOwnerPublic at 0x6b.
interface IArbOwnerPublic {
    function isChainOwner(address addr) external view returns (bool);
}

IArbWasm constant ARB_WASM = IArbWasm(address(0x71));
IArbWasmCache constant ARB_WASM_CACHE = IArbWasmCache(address(0x72));
IArbOwnerPublic constant ARB_OWNER_PUBLIC = IArbOwnerPublic(address(0x6b));
