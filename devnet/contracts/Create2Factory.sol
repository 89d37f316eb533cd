// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @title Create2Factory
/// @notice The deterministic deployment proxy's interface, which `forge script`, cargo-stylus and most deploy tooling
///         expect at 0x4e59b44847b379578588920ca78fbf26c0b4956c: calldata is a 32-byte salt followed by init code;
///         the call's value goes to the new contract; the answer is the new address as 20 raw bytes. A failed creation
///         reverts (with the init code's revert data when it has any).
contract Create2Factory {
    fallback(bytes calldata input) external payable returns (bytes memory) {
        if (input.length < 32) revert();
        bytes32 salt = bytes32(input[:32]);
        bytes memory initcode = input[32:];
        address deployed;
        assembly ("memory-safe") {
            deployed := create2(callvalue(), add(initcode, 0x20), mload(initcode), salt)
            if iszero(deployed) {
                let data := mload(0x40)
                returndatacopy(data, 0, returndatasize())
                revert(data, returndatasize())
            }
        }
        return abi.encodePacked(deployed);
    }
}
