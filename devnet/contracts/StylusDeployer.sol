// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import {ARB_WASM} from "./ArbitrumPrecompiles.sol";

/// @title StylusDeployer
/// @notice Deploys a Stylus program, activates it when its code is not active yet, and calls its constructor, all in
///         one transaction: what `cargo stylus deploy` sends when a program has a constructor. The devnet predeploys
///         it at the address cargo-stylus uses by default; its ABI (selectors, event, errors) is Arbitrum's.
/// @dev Value sent = activation data fee (when activation is needed) + `initValue`; whatever ArbWasm does not keep is
///      refunded to the sender, who must therefore accept ether.
contract StylusDeployer {
    /// @notice `deployedContract` was created, activated and initialised.
    event ContractDeployed(address deployedContract);

    /// @notice CREATE or CREATE2 of `bytecode` failed without revert data (e.g. an address already in use).
    error ContractDeploymentError(bytes bytecode);
    /// @notice The init call to `newContract` reverted with `data`.
    error ContractInitializationError(address newContract, bytes data);
    /// @notice The sender did not accept the refund of `excessValue`.
    error RefundExcessValueError(uint256 excessValue);
    /// @notice No bytecode was given.
    error EmptyBytecode();
    /// @notice `initValue` is not zero but there is no init call to carry it.
    error InitValueButNotInitData();

    /// @notice Deploys `bytecode` (init code), activates the program if its code hash is not active under the current
    ///         Stylus version (paying the data fee out of `msg.value - initValue`), then calls it with `initData` and
    ///         `initValue` unless `initData` is empty. A non-zero `salt` deploys with CREATE2 under
    ///         `initSalt(salt, initData)`, so an address always implies its init data; a zero salt uses CREATE.
    /// @return deployed The new program's address.
    function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt)
        external
        payable
        returns (address deployed)
    {
        if (bytecode.length == 0) revert EmptyBytecode();
        deployed = salt == 0 ? _create(bytecode) : _create2(bytecode, initSalt(salt, initData));

        uint256 dataFee = 0;
        if (requiresActivation(deployed)) {
            // ArbWasm keeps the fee and sends the rest of this value straight back to this contract.
            (, dataFee) = ARB_WASM.activateProgram{value: msg.value - initValue}(deployed);
        }

        if (initData.length != 0) {
            (bool ok, bytes memory reason) = deployed.call{value: initValue}(initData);
            if (!ok) revert ContractInitializationError(deployed, reason);
        } else if (initValue != 0) {
            revert InitValueButNotInitData();
        }

        uint256 excess = msg.value - dataFee - initValue;
        if (excess != 0) {
            (bool sent,) = msg.sender.call{value: excess}("");
            if (!sent) revert RefundExcessValueError(excess);
        }
        emit ContractDeployed(deployed);
    }

    /// @notice The CREATE2 salt `deploy` uses for a caller's `salt` and `initData`.
    function initSalt(bytes32 salt, bytes calldata initData) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(salt, initData));
    }

    /// @notice Whether the code at `program` must be activated before it can run: its code hash has no activation
    ///         under the current Stylus version (ArbWasm reverts for code never activated, outdated or expired).
    function requiresActivation(address program) public view returns (bool) {
        uint16 version = 0;
        try ARB_WASM.codehashVersion(program.codehash) returns (uint16 active) {
            version = active;
        } catch {}
        return version != ARB_WASM.stylusVersion();
    }

    function _create(bytes calldata bytecode) private returns (address deployed) {
        bytes memory code = bytecode;
        assembly ("memory-safe") {
            deployed := create(0, add(code, 0x20), mload(code))
        }
        _checkCreated(deployed, bytecode);
    }

    function _create2(bytes calldata bytecode, bytes32 salt) private returns (address deployed) {
        bytes memory code = bytecode;
        assembly ("memory-safe") {
            deployed := create2(0, add(code, 0x20), mload(code), salt)
        }
        _checkCreated(deployed, bytecode);
    }

    /// @dev A failed creation passes on the init code's revert data, or reverts with ContractDeploymentError.
    function _checkCreated(address deployed, bytes calldata bytecode) private pure {
        if (deployed != address(0)) return;
        assembly ("memory-safe") {
            if returndatasize() {
                let data := mload(0x40)
                returndatacopy(data, 0, returndatasize())
                revert(data, returndatasize())
            }
        }
        revert ContractDeploymentError(bytecode);
    }
}
