// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Test} from "../utils/Test.sol";
import {IERC20Like} from "../utils/Helpers.sol";
import {TestToken} from "../../../examples/solidity-vault/TestToken.sol";
import {GuardedVault} from "../../../examples/solidity-vault/GuardedVault.sol";
import {ICircuitGuard} from "../../../interfaces/ICircuitGuard.sol";
import {BucketVault, FlagReader, IFlagOracle, MappingOracle, PausableVault, SolidityGuard} from "./BenchBaselines.sol";

/// @notice The benchmark's baselines must really protect: a baseline that skipped its check would make the
/// guard look expensive by comparison.
contract BenchBaselinesTest is Test {
    address internal constant ADMIN = address(0xAD);
    address internal constant ALICE = address(0xA11CE);
    TestToken internal token;

    function setUp() public {
        token = new TestToken("Test", "TST");
        token.mint(ALICE, 1_000e18);
    }

    function _deposit(address vault, uint256 amount) internal {
        vm.startPrank(ALICE);
        token.approve(vault, amount);
        PausableVault(vault).deposit(amount);
        vm.stopPrank();
    }

    function test_pausableVaultBlocksWhilePaused() public {
        PausableVault vault = new PausableVault(IERC20Like(address(token)), ADMIN);
        _deposit(address(vault), 10e18);
        vm.expectRevert(abi.encodeWithSelector(PausableVault.NotAdmin.selector));
        vault.setPaused(true);
        vm.prank(ADMIN);
        vault.setPaused(true);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(PausableVault.EnforcedPause.selector));
        vault.withdraw(1e18);
        vm.prank(ADMIN);
        vault.setPaused(false);
        vm.prank(ALICE);
        vault.withdraw(1e18);
        assertEq(vault.balanceOf(ALICE), 9e18, "balance after withdraw");
    }

    function test_bucketVaultLimitsAndRefills() public {
        BucketVault vault = new BucketVault(IERC20Like(address(token)), 5e18, 1e18);
        _deposit(address(vault), 100e18);
        vm.startPrank(ALICE);
        vault.withdraw(5e18);
        vm.expectRevert(abi.encodeWithSelector(BucketVault.RateLimited.selector, 0, 1));
        vault.withdraw(1);
        vm.warp(block.timestamp + 2);
        vault.withdraw(2e18);
        // Refill stops at the capacity.
        vm.warp(block.timestamp + 1_000);
        vm.expectRevert(abi.encodeWithSelector(BucketVault.RateLimited.selector, 5e18, 5e18 + 1));
        vault.withdraw(5e18 + 1);
        vault.withdraw(5e18);
        vm.stopPrank();
        assertEq(vault.balanceOf(ALICE), 88e18, "balance after withdraws");
    }

    function test_solidityGuardPausesAndScreens() public {
        SolidityGuard guard = new SolidityGuard(address(this));
        GuardedVault vault = new GuardedVault(token, ICircuitGuard(address(guard)), ADMIN);
        assertEq(guard.adminOf(address(vault)), ADMIN, "registered by Guarded");
        _deposit(address(vault), 10e18);
        bytes4 sel = GuardedVault.withdraw.selector;

        vm.prank(ADMIN);
        guard.setPolicy(address(vault), sel, uint32(block.timestamp + 10), false);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(SolidityGuard.ProtocolPaused.selector, block.timestamp + 10));
        vault.withdraw(1e18);

        guard.setFlagged(ALICE, true);
        vm.prank(ADMIN);
        guard.setPolicy(address(vault), sel, 0, false);
        vm.prank(ALICE);
        vault.withdraw(1e18); // screening off: the flag is not read

        vm.prank(ADMIN);
        guard.setPolicy(address(vault), sel, 0, true);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(SolidityGuard.CallerFlagged.selector, ALICE));
        vault.withdraw(1e18);

        vm.expectRevert(abi.encodeWithSelector(SolidityGuard.Unauthorized.selector, ALICE));
        vm.prank(ALICE);
        guard.setPolicy(address(vault), sel, 0, false);
    }

    function test_flagReaderReadsTheOracle() public {
        MappingOracle oracle = new MappingOracle(address(this));
        FlagReader reader = new FlagReader();
        (bool flagged, uint256 gasUsed) = reader.read(IFlagOracle(address(oracle)), ALICE);
        assertTrue(!flagged && gasUsed > 0, "unflagged");
        oracle.setFlagged(ALICE, true);
        (flagged,) = reader.read(IFlagOracle(address(oracle)), ALICE);
        assertTrue(flagged, "flagged");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(MappingOracle.Unauthorized.selector, ALICE));
        oracle.setFlagged(ALICE, false);
    }
}
