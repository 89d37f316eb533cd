// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Test} from "./utils/Test.sol";
import {CircuitGuardDouble} from "./utils/CircuitGuardDouble.sol";
import {GuardedProbe, NoopGuard} from "./utils/Helpers.sol";
import {GuardedBase} from "../../interfaces/Guarded.sol";
import {ICircuitGuard} from "../../interfaces/ICircuitGuard.sol";

/// @notice Guarded's constructor and modifiers against the CircuitGuardDouble (a Solidity test double; the
/// real Stylus guard runs in the devnet e2e tests).
contract GuardedTest is Test {
    CircuitGuardDouble internal guard;
    GuardedProbe internal probe;
    address internal constant ADMIN = address(0xAD);
    address internal constant USER = address(0xB0B);

    function setUp() public {
        guard = new CircuitGuardDouble();
        probe = new GuardedProbe(ICircuitGuard(address(guard)), ADMIN);
    }

    // ---- constructor -----------------------------------------------------------------------------------

    function test_constructorRegistersWithAdmin() public view {
        assertEq(guard.adminOf(address(probe)), ADMIN, "admin registered for the protocol");
        assertEq(guard.registerCount(), 1, "registered once");
        assertEq(address(probe.guard()), address(guard), "guard stored");
    }

    function test_constructorRejectsGuardWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardNotContract.selector, address(0x1234)));
        new GuardedProbe(ICircuitGuard(address(0x1234)), ADMIN);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardNotContract.selector, address(0)));
        new GuardedProbe(ICircuitGuard(address(0)), ADMIN);
    }

    function test_constructorRejectsZeroAdmin() public {
        vm.expectRevert(GuardedBase.GuardZeroAdmin.selector);
        new GuardedProbe(ICircuitGuard(address(guard)), address(0));
    }

    function test_constructorBubblesRegisterRevert() public {
        bytes memory err = abi.encodeWithSelector(ICircuitGuard.ProtocolPaused.selector, uint64(7));
        guard.setRegisterRevert(err);
        vm.expectRevert(err);
        new GuardedProbe(ICircuitGuard(address(guard)), ADMIN);
    }

    // ---- what reaches the guard --------------------------------------------------------------------------

    function test_selectorConstantsMatchInterface() public {
        // Guarded hard-codes check/screen selectors in assembly. The double answers the same selectors as the
        // interface, and the calls below only pass if Guarded uses them too.
        assertEq(CircuitGuardDouble.check.selector, ICircuitGuard.check.selector, "double: check");
        assertEq(CircuitGuardDouble.screen.selector, ICircuitGuard.screen.selector, "double: screen");
        assertEq(
            CircuitGuardDouble.registerProtocol.selector, ICircuitGuard.registerProtocol.selector, "double: register"
        );
        assertEq(CircuitGuardDouble.preview.selector, ICircuitGuard.preview.selector, "double: preview");
        assertEq(CircuitGuardDouble.credit.selector, ICircuitGuard.credit.selector, "double: credit");
        assertEq(CircuitGuardDouble.setAdmin.selector, ICircuitGuard.setAdmin.selector, "double: setAdmin");
        assertEq(CircuitGuardDouble.protocolInfo.selector, ICircuitGuard.protocolInfo.selector, "double: protocolInfo");
        probe.ping();
        assertEq(guard.checkCount(), 1, "check reached");
        guard.setFlagged(USER, GuardedProbe.pingScreen.selector, 1);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, USER, uint8(1)));
        probe.pingScreen(USER);
        assertEq(bytes4(keccak256("GuardGasTooLow()")), GuardedBase.GuardGasTooLow.selector, "error selector");
    }

    function test_guardedSendsCallerSelectorAndZero() public {
        vm.prank(USER);
        probe.ping();
        assertEq(guard.lastProtocol(), address(probe), "protocol = msg.sender of check");
        assertEq(guard.lastCaller(), USER, "caller");
        assertEq(guard.lastSelector(), GuardedProbe.ping.selector, "selector");
        assertEq(guard.lastAmount(), 0, "amount");
    }

    function testFuzz_guardedAmountSendsAmount(address caller, uint256 amount) public {
        vm.prank(caller);
        probe.pingAmount(amount);
        assertEq(guard.lastCaller(), caller, "caller");
        assertEq(guard.lastSelector(), GuardedProbe.pingAmount.selector, "selector");
        assertEq(guard.lastAmount(), amount, "amount");
        assertEq(guard.checkCount(), 1, "one check");
    }

    function testFuzz_creditsSendsOutflowSelectorAndAmount(bytes4 outflow, uint256 amount) public {
        probe.pingCredit(outflow, amount);
        assertEq(guard.creditCount(), 1, "credit reached");
        assertEq(guard.lastCreditProtocol(), address(probe), "the protocol credits its own bucket");
        assertEq(guard.lastCreditSelector(), outflow, "outflow selector");
        assertEq(guard.lastCreditAmount(), amount, "amount");
        assertEq(guard.checkCount(), 0, "credit is not a check");
    }

    function testFuzz_creditsBubblesRevertDataExactly(bytes memory data) public {
        vm.assume(data.length != 0);
        guard.setCreditRevert(data);
        vm.expectRevert(data);
        probe.pingCredit(GuardedProbe.pingAmount.selector, 1);
    }

    function test_fallbackSendsZeroPaddedShortSelector() public {
        (bool ok,) = address(probe).call(hex"abcd");
        assertTrue(ok, "fallback passes");
        // forge-lint: disable-next-line(unsafe-typecast)
        assertEq(guard.lastSelector(), bytes4(hex"abcd0000"), "msg.sig of 2-byte calldata");
        (ok,) = address(probe).call("");
        assertTrue(ok, "empty calldata passes");
        assertEq(guard.lastSelector(), bytes4(0), "msg.sig of empty calldata");
    }

    function test_notFlaggedScreensAccountUnderSelector() public {
        address bad = address(0xBAD);
        // Flagged under another selector only: passes.
        guard.setFlagged(bad, GuardedProbe.ping.selector, 3);
        probe.pingScreen(bad);
        // Flagged under this selector: CallerFlagged(account, level), byte for byte.
        guard.setFlagged(bad, GuardedProbe.pingScreen.selector, 3);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, bad, uint8(3)));
        probe.pingScreen(bad);
        // The caller is not what is screened.
        vm.prank(bad);
        probe.pingScreen(USER);
    }

    function test_bothModifiersRunInOrder() public {
        // Both modifiers would reject: the revert is guardedAmount's, so it ran first.
        guard.setErrorArgs(1_700_000_000, 0, bytes32(0), 0, 0);
        guard.setMode(CircuitGuardDouble.Mode.ProtocolPaused);
        guard.setFlagged(USER, GuardedProbe.pingBoth.selector, 2);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.ProtocolPaused.selector, uint64(1_700_000_000)));
        probe.pingBoth(USER, 5);
        // check passes: notFlagged runs next, before the body.
        guard.setMode(CircuitGuardDouble.Mode.Pass);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, USER, uint8(2)));
        probe.pingBoth(USER, 5);
        probe.pingBoth(address(0xC0FFEE), 5);
        assertEq(guard.lastAmount(), 5, "amount checked");
        assertEq(probe.hits(), 1, "body ran once");
    }

    // ---- errors bubble byte for byte ------------------------------------------------------------------------

    function _expectCheckError(CircuitGuardDouble.Mode m, bytes memory expected) internal {
        guard.setErrorArgs(1_700_000_000, 4, keccak256("CVE-2026-0001"), 123e18, 3600);
        guard.setMode(m);
        vm.expectRevert(expected);
        vm.prank(USER);
        probe.pingAmount(1e18);
        // The same through notFlagged (screen honours the modes when told to).
        guard.setScreenUsesMode(true);
        vm.expectRevert(_withSelector(expected, GuardedProbe.pingScreen.selector));
        probe.pingScreen(USER);
        guard.setScreenUsesMode(false);
    }

    /// @dev The errors that carry the selector name pingAmount's; when screening, the selector is pingScreen's.
    function _withSelector(bytes memory err, bytes4 sel) internal pure returns (bytes memory) {
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes4 errSel = bytes4(err);
        if (errSel == ICircuitGuard.SelectorPaused.selector || errSel == ICircuitGuard.RateLimited.selector) {
            bytes memory copy = bytes.concat(err);
            for (uint256 i = 0; i < 4; i++) {
                copy[4 + i] = sel[i];
            }
            return copy;
        }
        return err;
    }

    function test_bubbles_ProtocolNotRegistered() public {
        _expectCheckError(
            CircuitGuardDouble.Mode.ProtocolNotRegistered,
            abi.encodeWithSelector(ICircuitGuard.ProtocolNotRegistered.selector, address(probe))
        );
    }

    function test_bubbles_ProtocolPaused() public {
        _expectCheckError(
            CircuitGuardDouble.Mode.ProtocolPaused,
            abi.encodeWithSelector(ICircuitGuard.ProtocolPaused.selector, uint64(1_700_000_000))
        );
    }

    function test_bubbles_SelectorPaused() public {
        _expectCheckError(
            CircuitGuardDouble.Mode.SelectorPaused,
            abi.encodeWithSelector(
                ICircuitGuard.SelectorPaused.selector, GuardedProbe.pingAmount.selector, uint64(1_700_000_000)
            )
        );
    }

    function test_bubbles_CallerFlagged() public {
        _expectCheckError(
            CircuitGuardDouble.Mode.CallerFlagged,
            abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, USER, uint8(4))
        );
    }

    function test_bubbles_AdvisoryActive() public {
        _expectCheckError(
            CircuitGuardDouble.Mode.AdvisoryActive,
            abi.encodeWithSelector(ICircuitGuard.AdvisoryActive.selector, keccak256("CVE-2026-0001"))
        );
    }

    function test_bubbles_RateLimited() public {
        _expectCheckError(
            CircuitGuardDouble.Mode.RateLimited,
            abi.encodeWithSelector(
                ICircuitGuard.RateLimited.selector, GuardedProbe.pingAmount.selector, uint256(123e18), uint64(3600)
            )
        );
    }

    /// @dev Any revert data, of any length (including empty and non-word-aligned), comes back unchanged.
    function testFuzz_bubblesRawRevertDataExactly(bytes memory data) public {
        guard.setRawRevert(data);
        (bool ok, bytes memory ret) = address(probe).call(abi.encodeCall(GuardedProbe.pingAmount, (1)));
        assertTrue(!ok, "reverted");
        assertEq(ret, data, "revert data");
        guard.setScreenUsesMode(true);
        (ok, ret) = address(probe).call(abi.encodeCall(GuardedProbe.pingScreen, (USER)));
        assertTrue(!ok, "screen reverted");
        assertEq(ret, data, "screen revert data");
    }

    function test_previewMatchesCheck() public {
        guard.setErrorArgs(9, 2, bytes32(0), 0, 0);
        guard.setMode(CircuitGuardDouble.Mode.CallerFlagged);
        bytes memory p = guard.preview(address(probe), USER, GuardedProbe.ping.selector, 0);
        vm.prank(USER);
        (bool ok, bytes memory ret) = address(probe).call(abi.encodeCall(GuardedProbe.ping, ()));
        assertTrue(!ok, "check reverts");
        assertEq(ret, p, "preview = check's revert data");
        guard.setMode(CircuitGuardDouble.Mode.Pass);
        assertEq(guard.preview(address(probe), USER, GuardedProbe.ping.selector, 0), "", "preview passes");
    }
}
