// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {SolidityGuard} from "../bench/BenchBaselines.sol";
import {ICircuitGuard} from "../../../interfaces/ICircuitGuard.sol";
import {GuardedVault} from "../../../examples/solidity-vault/GuardedVault.sol";
import {TestToken} from "../../../examples/solidity-vault/TestToken.sol";

/// @dev The two broadcast cheatcodes this script needs (the repository has no forge-std).
interface BroadcastVm {
    function startBroadcast() external;
    function stopBroadcast() external;
}

/// @notice Deploys the example GuardedVault with everything it needs and makes one deposit, all signed by the
/// key given to `forge script --private-key` (node/tests/forge_script.rs runs it against vigil-node):
///
///     forge script test/forge/script/DeployVault.s.sol:DeployVault --rpc-url http://127.0.0.1:8547 \
///         --broadcast --private-key <key>
///
/// The guard is the Solidity baseline (test/forge/bench), not Vigil's Stylus CircuitGuard: forge runs the script
/// in its own EVM before broadcasting, and that EVM cannot execute a Stylus program, so the vault's constructor
/// (which registers with its guard) would revert there. Stylus programs are deployed by cargo stylus instead.
contract DeployVault {
    BroadcastVm private constant VM = BroadcastVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice What the script mints to the deployer and then deposits into the vault.
    uint256 public constant MINTED = 1_000e18;
    uint256 public constant DEPOSITED = 100e18;

    /// @return guard The Solidity guard, owned by the deployer.
    /// @return token The vault's TestToken.
    /// @return vault The GuardedVault, administered by the deployer, holding its deposit.
    function run() external returns (SolidityGuard guard, TestToken token, GuardedVault vault) {
        VM.startBroadcast();
        guard = new SolidityGuard(msg.sender);
        token = new TestToken("Vigil Test", "VTST");
        vault = new GuardedVault(token, ICircuitGuard(address(guard)), msg.sender);
        token.mint(msg.sender, MINTED);
        token.approve(address(vault), DEPOSITED);
        vault.deposit(DEPOSITED);
        VM.stopBroadcast();
    }
}
