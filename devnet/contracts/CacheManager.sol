// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import {ARB_OWNER_PUBLIC, ARB_WASM, ARB_WASM_CACHE} from "./ArbitrumPrecompiles.sol";

/// @title CacheManager
/// @notice An auction for Stylus's program cache, with the ABI `cargo stylus cache` speaks: a bid pays to place a
///         program in the cache (its calls then skip the program's init gas); the cache holds at most `cacheSize`
///         bytes of programs (each counted at its asm size, at least 4 KiB), and when a bid needs room the lowest
///         bids are evicted through ArbWasmCache, provided the new bid is at least as high as each of them.
/// @dev Arbitrum's CacheManager also lowers old bids over time (a decay rate added to every new bid); this one does
///      not: a bid keeps its value until it is evicted. Bids are kept in a plain list and searched linearly, which
///      suits a local chain's few programs. The devnet registers it as a cache manager in ArbOS state and writes
///      `cacheSize` into its storage at genesis (there is no constructor). Bids stay in the contract.
contract CacheManager {
    struct Entry {
        bytes32 codehash;
        uint64 size;
        uint192 bid;
    }

    /// @notice Programs count at least this many bytes, as on Arbitrum.
    uint64 internal constant MIN_ASM_SIZE = 4096;

    /// @notice The bytes of asm the cache may hold.
    uint64 public cacheSize;
    /// @notice The bytes of asm the cache holds now.
    uint64 public queueSize;
    /// @notice Whether new bids are refused.
    bool public isPaused;
    Entry[] internal entries;

    event InsertBid(bytes32 indexed codehash, address program, uint192 bid, uint64 size);
    event DeleteBid(bytes32 indexed codehash, uint192 bid, uint64 size);
    event SetCacheSize(uint64 size);
    event Pause();
    event Unpause();

    error NotChainOwner(address sender);
    error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize);
    error AlreadyCached(bytes32 codehash);
    error BidTooLarge(uint256 bid);
    error BidTooSmall(uint192 bid, uint192 min);
    error BidsArePaused();

    modifier onlyChainOwner() {
        if (!ARB_OWNER_PUBLIC.isChainOwner(msg.sender)) revert NotChainOwner(msg.sender);
        _;
    }

    /// @notice Caches the program at `program` for a bid of `msg.value`, evicting the lowest bids while the cache
    ///         lacks room. Reverts with BidsArePaused, AlreadyCached, AsmTooLarge (bigger than the whole cache),
    ///         BidTooSmall (an entry that would have to go bid more), or ArbWasm's error for a program that is not
    ///         active.
    function placeBid(address program) external payable {
        if (isPaused) revert BidsArePaused();
        bytes32 codehash = program.codehash;
        if (ARB_WASM_CACHE.codehashIsCached(codehash)) revert AlreadyCached(codehash);
        uint64 size = _asmSize(codehash);
        if (size > cacheSize) revert AsmTooLarge(size, queueSize, cacheSize);
        if (msg.value > type(uint192).max) revert BidTooLarge(msg.value);
        uint192 bid = uint192(msg.value);

        while (queueSize + size > cacheSize) {
            uint256 lowest = _lowestBid();
            uint192 min = entries[lowest].bid;
            if (bid < min) revert BidTooSmall(bid, min);
            _evict(lowest);
        }
        ARB_WASM_CACHE.cacheProgram(program);
        entries.push(Entry({codehash: codehash, size: size, bid: bid}));
        queueSize += size;
        emit InsertBid(codehash, program, bid, size);
    }

    /// @notice The lowest bid that would cache a program of `size` bytes now (0 while there is room).
    function getMinBid(uint64 size) public view returns (uint192 min) {
        if (size > cacheSize) revert AsmTooLarge(size, 0, cacheSize);
        if (size < MIN_ASM_SIZE) size = MIN_ASM_SIZE;
        if (queueSize + size <= cacheSize) return 0;
        uint256 toFree = queueSize + size - cacheSize;
        // Walk the entries from the lowest bid up until enough bytes would be freed: the last one sets the price.
        bool[] memory counted = new bool[](entries.length);
        while (true) {
            uint256 next = _lowestBidExcept(counted);
            counted[next] = true;
            min = entries[next].bid;
            if (toFree <= entries[next].size) return min;
            toFree -= entries[next].size;
        }
    }

    /// @notice The lowest bid that would cache the program with code hash `codehash` now.
    function getMinBid(bytes32 codehash) public view returns (uint192) {
        return getMinBid(_asmSize(codehash));
    }

    /// @notice The lowest bid that would cache the program at `program` now.
    function getMinBid(address program) external view returns (uint192) {
        return getMinBid(program.codehash);
    }

    /// @notice Every entry in the cache, in no particular order.
    function getEntries() external view returns (Entry[] memory) {
        return entries;
    }

    /// @notice Chain owner: sets the bytes the cache may hold (entries stay until a bid needs their room).
    function setCacheSize(uint64 size) external onlyChainOwner {
        cacheSize = size;
        emit SetCacheSize(size);
    }

    /// @notice Chain owner: refuses new bids (Arbitrum's name for it).
    function paused() external onlyChainOwner {
        isPaused = true;
        emit Pause();
    }

    /// @notice Chain owner: accepts bids again.
    function unpause() external onlyChainOwner {
        isPaused = false;
        emit Unpause();
    }

    /// @notice Chain owner: evicts every entry.
    function evictAll() external onlyChainOwner {
        while (entries.length != 0) {
            _evict(entries.length - 1);
        }
    }

    function _asmSize(bytes32 codehash) internal view returns (uint64) {
        uint64 size = ARB_WASM.codehashAsmSize(codehash);
        return size < MIN_ASM_SIZE ? MIN_ASM_SIZE : size;
    }

    function _lowestBid() internal view returns (uint256) {
        return _lowestBidExcept(new bool[](entries.length));
    }

    /// @dev The index of the lowest bid not in `skip` (the first in the list among equal bids). Callers ask only
    ///      while such an entry exists: the queue's bytes are the entries' bytes.
    function _lowestBidExcept(bool[] memory skip) internal view returns (uint256 lowest) {
        lowest = type(uint256).max;
        for (uint256 i = 0; i < entries.length; i++) {
            if (!skip[i] && (lowest == type(uint256).max || entries[i].bid < entries[lowest].bid)) lowest = i;
        }
    }

    function _evict(uint256 index) internal {
        Entry memory entry = entries[index];
        ARB_WASM_CACHE.evictCodehash(entry.codehash);
        queueSize -= entry.size;
        entries[index] = entries[entries.length - 1];
        entries.pop();
        emit DeleteBid(entry.codehash, entry.bid, entry.size);
    }
}
