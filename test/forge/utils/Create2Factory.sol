// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @notice A tiny CREATE2 factory, as an attacker uses one to redeploy a flagged exploit at fresh addresses
/// (devnet/tests/code_screening.rs): same creation code, new salt, new address, same runtime code.
contract Create2Factory {
    /// @notice `instance` was deployed from creation code hashing to `codeHash` under `salt`.
    event Deployed(address indexed instance, bytes32 codeHash, bytes32 salt);

    /// @notice CREATE2 returned no contract (the address is taken, or the creation code reverted).
    error DeployFailed(bytes32 salt);

    /// @notice Deploys `code` (creation code) with CREATE2 under `salt`; returns the new contract's address.
    function deploy(bytes calldata code, bytes32 salt) external returns (address instance) {
        bytes memory creation = code;
        assembly ("memory-safe") {
            instance := create2(0, add(creation, 32), mload(creation), salt)
        }
        if (instance == address(0)) revert DeployFailed(salt);
        emit Deployed(instance, keccak256(creation), salt);
    }
}
