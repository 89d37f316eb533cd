// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

/// @notice A stand-in for Nitro's ArbWasm precompile (0x71), `programVersion` only, for the forge tests. Its
/// runtime code is etched at 0x71 and configured there (the storage is 0x71's). The real precompile answers
/// from ArbOS state; on the devnet (devnet/tests/guard_outage.rs) the devnet's own ArbWasm does.
/// @dev The errors are ArbWasm's, as Nitro declares them (Guarded matches their selectors and sizes).
contract ArbWasmMock {
    /// @notice What `programVersion` answers.
    enum Answer {
        Version, // returns 2: the program can run
        NotActivated, // ProgramNotActivated()
        NeedsUpgrade, // ProgramNeedsUpgrade(1, 2): an ArbOS Stylus upgrade since its activation
        Expired, // ProgramExpired(now - activatedAt)
        OutOfGas, // spins until out of gas: no revert data
        Foreign // reverts ProgramExpired's selector with 68 bytes: no answer ArbWasm gives
    }

    error ProgramNotActivated();
    error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
    error ProgramExpired(uint64 ageInSeconds);

    Answer public answer;
    uint64 public activatedAt;

    function set(Answer answer_, uint64 activatedAt_) external {
        answer = answer_;
        activatedAt = activatedAt_;
    }

    function programVersion(address) external view returns (uint16) {
        Answer a = answer;
        if (a == Answer.NotActivated) revert ProgramNotActivated();
        if (a == Answer.NeedsUpgrade) revert ProgramNeedsUpgrade(1, 2);
        if (a == Answer.Expired) revert ProgramExpired(uint64(block.timestamp) - activatedAt);
        if (a == Answer.OutOfGas) {
            while (true) {}
        }
        if (a == Answer.Foreign) {
            bytes memory data = abi.encodeWithSelector(ProgramExpired.selector, uint256(1), uint256(2));
            assembly ("memory-safe") {
                revert(add(data, 32), mload(data))
            }
        }
        return 2;
    }
}
