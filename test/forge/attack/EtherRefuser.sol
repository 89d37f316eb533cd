// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @notice A recipient that refuses every ETH transfer, for the devnet test that makes the registry's payouts
/// fail (devnet/tests/errors.rs: `TransferFailed` on the release wasm). Plain contracts without `receive`
/// refuse too; this one says so on purpose, so the test does not depend on some other contract's ABI.
contract EtherRefuser {
    error EtherRefused(address from, uint256 amount);

    receive() external payable {
        revert EtherRefused(msg.sender, msg.value);
    }
}
