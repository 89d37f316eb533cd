// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Test} from "./utils/Test.sol";
import {CircuitGuardDouble} from "./utils/CircuitGuardDouble.sol";
import {GuardedProbe, MiniProxy, UpgradeableProbe} from "./utils/Helpers.sol";
import {GuardedBase} from "../../interfaces/Guarded.sol";
import {ICircuitGuard} from "../../interfaces/ICircuitGuard.sol";

/// @notice Guarded behind a proxy, against the CircuitGuardDouble (a Solidity test double; the real Stylus
/// guard runs in the devnet e2e tests).
contract GuardedUpgradeableTest is Test {
    CircuitGuardDouble internal guard;
    address internal constant ADMIN = address(0xAD);
    address internal constant USER = address(0xB0B);

    function setUp() public {
        guard = new CircuitGuardDouble();
    }

    function test_proxyRegistersFromInitializerAndIsTheProtocol() public {
        UpgradeableProbe impl = new UpgradeableProbe(ICircuitGuard(address(guard)));
        assertEq(guard.registerCount(), 0, "implementation does not register");
        UpgradeableProbe proxy = UpgradeableProbe(address(new MiniProxy(address(impl))));
        proxy.initialize(ADMIN);
        assertEq(guard.adminOf(address(proxy)), ADMIN, "proxy registered");
        assertEq(address(proxy.guard()), address(guard), "guard read through the proxy");
        vm.prank(USER);
        proxy.ping();
        assertEq(guard.lastProtocol(), address(proxy), "the proxy is the protocol");
        assertEq(guard.lastCaller(), USER, "caller");
        assertEq(guard.lastSelector(), UpgradeableProbe.ping.selector, "selector");
        vm.expectRevert(UpgradeableProbe.AlreadyInitialized.selector);
        proxy.initialize(USER);
    }

    function test_upgradeableRejectsBadArgs() public {
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardNotContract.selector, USER));
        new UpgradeableProbe(ICircuitGuard(USER));
        UpgradeableProbe proxy =
            UpgradeableProbe(address(new MiniProxy(address(new UpgradeableProbe(ICircuitGuard(address(guard)))))));
        vm.expectRevert(GuardedBase.GuardZeroAdmin.selector);
        proxy.initialize(address(0));
    }

    /// @dev Why plain Guarded is for non-proxy contracts: behind a proxy the implementation got registered,
    /// and the proxy's checks fail.
    function test_plainGuardedBehindAProxyIsNotRegistered() public {
        GuardedProbe impl = new GuardedProbe(ICircuitGuard(address(guard)), ADMIN);
        GuardedProbe proxy = GuardedProbe(payable(address(new MiniProxy(address(impl)))));
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.ProtocolNotRegistered.selector, address(proxy)));
        proxy.ping();
    }
}
