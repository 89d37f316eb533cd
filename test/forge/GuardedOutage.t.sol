// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Test} from "./utils/Test.sol";
import {ArbWasmMock} from "./utils/ArbWasmMock.sol";
import {CircuitGuardDouble} from "./utils/CircuitGuardDouble.sol";
import {GuardedProbe, MiniProxy, UpgradeableProbe} from "./utils/Helpers.sol";
import {GuardedBase} from "../../interfaces/Guarded.sol";
import {ICircuitGuard} from "../../interfaces/ICircuitGuard.sol";
import {GuardedVault} from "../../examples/solidity-vault/GuardedVault.sol";
import {TestToken} from "../../examples/solidity-vault/TestToken.sol";

/// @notice A guard that stops running (Nitro program expiry, an ArbOS Stylus upgrade), against stand-ins: the
/// guard's account gets code with the Stylus prefix, which revm cannot run, so a call into it fails the way
/// Nitro fails a program that is not active: all the gas it was given is consumed and no data comes back.
/// ArbWasm is an ArbWasmMock etched at 0x71. The real guard and the devnet's ArbWasm are played end to end
/// in devnet/tests/guard_outage.rs.
contract GuardedOutageTest is Test {
    address internal constant ARB_WASM = address(0x71);
    address internal constant ADMIN = address(0xAD);
    address internal constant USER = address(0xB0B);
    address internal constant STRANGER = address(0x5EE);
    /// @dev The Stylus prefix (0xEFF000, no dictionary): code no EVM can run, as a dead program is to Nitro.
    bytes internal constant STYLUS_CODE = hex"eff00000";
    uint64 internal constant T0 = 1_800_000_000;
    /// @dev When the expired program was last activated: more than a year before T0.
    uint64 internal constant ACTIVATED = T0 - 400 days;

    event GuardAdminSet(address indexed admin);
    event GuardReportedDown(address indexed guard, bytes32 indexed outage, bytes reason);
    event GuardBypassed(address indexed guard, bytes32 indexed outage, address indexed admin);
    event GuardRestored(address indexed guard, bytes32 indexed outage, bool wasBypassed);

    CircuitGuardDouble internal guard;
    GuardedProbe internal probe;
    ArbWasmMock internal arbWasm = ArbWasmMock(ARB_WASM);
    bytes internal doubleCode;

    function setUp() public {
        guard = new CircuitGuardDouble();
        probe = new GuardedProbe(ICircuitGuard(address(guard)), ADMIN);
        doubleCode = address(guard).code;
        vm.etch(ARB_WASM, address(new ArbWasmMock()).code);
        vm.warp(T0);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /// @dev The guard cannot run, and ArbWasm says why.
    function _down(ArbWasmMock.Answer why) internal {
        vm.etch(address(guard), STYLUS_CODE);
        arbWasm.set(why, ACTIVATED);
    }

    function _expire(uint64 activatedAt) internal {
        vm.etch(address(guard), STYLUS_CODE);
        arbWasm.set(ArbWasmMock.Answer.Expired, activatedAt);
    }

    /// @dev Someone re-activated the guard: it runs again (the double's code, its storage untouched).
    function _revive() internal {
        vm.etch(address(guard), doubleCode);
        arbWasm.set(ArbWasmMock.Answer.Version, 0);
    }

    /// @dev The fingerprint Guarded gives an expiry: the activation time, the same for the whole outage.
    function _expiry(uint64 activatedAt) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(ArbWasmMock.ProgramExpired.selector, uint256(activatedAt)));
    }

    function _unavailable() internal view returns (bytes memory) {
        return abi.encodeWithSelector(GuardedBase.GuardUnavailable.selector, address(guard));
    }

    function _gasTooLow() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(GuardedBase.GuardGasTooLow.selector);
    }

    /// @dev Calls `data` on `target` with `gasLimit`; returns success, return or revert data and the gas used.
    function _call(address target, bytes memory data, uint256 gasLimit)
        internal
        returns (bool ok, bytes memory ret, uint256 used)
    {
        uint256 before = gasleft();
        (ok, ret) = target.call{gas: gasLimit}(data);
        used = before - gasleft();
    }

    /// @dev One call through each modifier.
    function _modifierCalls() internal pure returns (bytes[4] memory calls) {
        calls[0] = abi.encodeCall(GuardedProbe.ping, ());
        calls[1] = abi.encodeCall(GuardedProbe.pingAmount, (1e18));
        calls[2] = abi.encodeCall(GuardedProbe.pingScreen, (USER));
        calls[3] = abi.encodeCall(GuardedProbe.pingCredit, (GuardedProbe.pingAmount.selector, 1e18));
    }

    function _expectEveryModifier(bool ok, bytes memory expected, uint256 gasLimit) internal {
        bytes[4] memory calls = _modifierCalls();
        for (uint256 i = 0; i < calls.length; i++) {
            (bool done, bytes memory ret,) = _call(address(probe), calls[i], gasLimit);
            assertEq(done, ok, string.concat("outcome of modifier ", vm.toString(i)));
            assertEq(ret, expected, string.concat("data of modifier ", vm.toString(i)));
        }
    }

    /// @dev Reports the current outage at T0 and bypasses it GUARD_OUTAGE_DELAY later.
    function _reportAndBypass() internal {
        vm.prank(STRANGER);
        probe.reportGuardDown();
        vm.warp(T0 + probe.GUARD_OUTAGE_DELAY());
        vm.prank(ADMIN);
        probe.bypassGuard();
    }

    // ---- telling an outage from out-of-gas ----------------------------------------------------------------

    function test_expiredGuard_isGuardUnavailable_notGasTooLow() public {
        _expire(ACTIVATED);
        _expectEveryModifier(false, _unavailable(), 1_000_000);
        _expectEveryModifier(false, _unavailable(), 30_000_000);
    }

    function test_everyReasonArbWasmGivesIsGuardUnavailable() public {
        _down(ArbWasmMock.Answer.NotActivated);
        _expectEveryModifier(false, _unavailable(), 1_000_000);
        _down(ArbWasmMock.Answer.NeedsUpgrade);
        _expectEveryModifier(false, _unavailable(), 1_000_000);
    }

    /// @dev A Stylus guard that took all its gas while ArbWasm says it can run simply ran out of gas.
    function test_runningStylusGuardOutOfGas_isGasTooLow() public {
        vm.etch(address(guard), STYLUS_CODE);
        arbWasm.set(ArbWasmMock.Answer.Version, 0);
        _expectEveryModifier(false, _gasTooLow(), 1_000_000);
    }

    /// @dev Only a Stylus program can stop running: an EVM guard out of gas is GuardGasTooLow whatever ArbWasm
    /// says about its address (it says ProgramNotActivated for every EVM contract).
    function test_evmGuardOutOfGas_isGasTooLow_whateverArbWasmSays() public {
        guard.setMode(CircuitGuardDouble.Mode.BurnGas);
        guard.setScreenUsesMode(true);
        arbWasm.set(ArbWasmMock.Answer.NotActivated, 0);
        bytes[3] memory calls = [
            abi.encodeCall(GuardedProbe.ping, ()),
            abi.encodeCall(GuardedProbe.pingAmount, (1)),
            abi.encodeCall(GuardedProbe.pingScreen, (USER))
        ];
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory ret,) = _call(address(probe), calls[i], 1_000_000);
            assertTrue(!ok, "reverted");
            assertEq(ret, _gasTooLow(), "GuardGasTooLow");
        }
    }

    /// @dev No answer is not an outage: ArbWasm out of gas, an answer it never gives, no ArbWasm at all.
    function test_noAnswerFromArbWasm_isGasTooLow() public {
        _down(ArbWasmMock.Answer.OutOfGas);
        _expectEveryModifier(false, _gasTooLow(), 1_000_000);
        _down(ArbWasmMock.Answer.Foreign);
        _expectEveryModifier(false, _gasTooLow(), 1_000_000);
        vm.etch(ARB_WASM, "");
        _expectEveryModifier(false, _gasTooLow(), 1_000_000);
    }

    /// @dev The guard's revert data is its answer, never an outage, even while a bypass is on record and ArbWasm
    /// would call the program expired; so is an empty revert that gave gas back.
    function test_aRevertWithDataIsAlwaysTheGuardsAnswer() public {
        _expire(ACTIVATED);
        _reportAndBypass();
        vm.etch(address(guard), doubleCode); // the guard answers, ArbWasm still says "expired"
        guard.setErrorArgs(0, 3, bytes32(0), 0, 0);
        guard.setMode(CircuitGuardDouble.Mode.CallerFlagged);
        vm.prank(USER);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, USER, uint8(3)));
        probe.pingBoth(address(0xC0FFEE), 1);
        guard.setRawRevert("");
        (bool ok, bytes memory ret,) = _call(address(probe), abi.encodeCall(GuardedProbe.ping, ()), 1_000_000);
        assertTrue(!ok && ret.length == 0, "an empty revert with gas left is re-thrown as it is");
        assertEq(probe.hits(), 0, "no body ran");
    }

    /// @dev The smallest gas that still gets the outage named: the cap, then enough to ask ArbWasm. Below it
    /// the answer is GuardGasTooLow (raise the limit), never GuardUnavailable by chance and never a pass.
    function test_outageIsNamedWithTheCapPlusTheProbe() public {
        _expire(ACTIVATED);
        bytes memory ping = abi.encodeCall(GuardedProbe.ping, ());
        uint256 lo = probe.GUARD_MIN_GAS_LEFT();
        uint256 hi = 1_000_000;
        (, bytes memory ret,) = _call(address(probe), ping, lo);
        assertEq(ret, _gasTooLow(), "GuardGasTooLow with little gas");
        (, ret,) = _call(address(probe), ping, hi);
        assertEq(ret, _unavailable(), "GuardUnavailable with plenty");
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            (, ret,) = _call(address(probe), ping, mid);
            if (keccak256(ret) == keccak256(_unavailable())) {
                hi = mid;
            } else {
                assertEq(ret, _gasTooLow(), "below: GuardGasTooLow");
                lo = mid;
            }
        }
        emit log_named_uint("smallest gas limit that names the outage", hi);
        uint256 named = probe.GUARD_GAS_CAP() + probe.GUARD_PROBE_GAS_LEFT();
        assertGe(hi, named, "the cap and the probe are both kept");
        assertLe(hi, named + 2_000, "and little more");
    }

    // ---- cost of a dead guard --------------------------------------------------------------------------------

    /// @dev A dead guard costs a guarded call the cap and the probe, not the whole gas limit.
    function test_gas_deadGuardCostsTheCapNotTheLimit() public {
        _expire(ACTIVATED);
        (bool ok, bytes memory ret, uint256 used) =
            _call(address(probe), abi.encodeCall(GuardedProbe.ping, ()), 30_000_000);
        assertTrue(!ok, "reverted");
        assertEq(ret, _unavailable(), "GuardUnavailable");
        emit log_named_uint("GuardUnavailable, gas used of a 30M limit", used);
        assertGe(used, probe.GUARD_GAS_CAP(), "the dead guard took the cap");
        assertLe(used, probe.GUARD_GAS_CAP() + 20_000, "and the probe little more");
    }

    /// @dev While bypassed, each modifier still pays the cap and the probe (the hot path does not read the
    /// bypass); a function with two modifiers pays twice. Bounded, and independent of the gas limit.
    function test_gas_bypassedCallIsBoundedByTheCap() public {
        _expire(ACTIVATED);
        _reportAndBypass();
        uint256 cap = probe.GUARD_GAS_CAP();
        (bool ok,, uint256 one) = _call(address(probe), abi.encodeCall(GuardedProbe.ping, ()), 30_000_000);
        assertTrue(ok, "bypassed ping runs");
        (bool ok2,, uint256 two) = _call(address(probe), abi.encodeCall(GuardedProbe.pingBoth, (USER, 1)), 30_000_000);
        assertTrue(ok2, "bypassed pingBoth runs");
        assertEq(probe.hits(), 1, "pingBoth's body ran");
        emit log_named_uint("bypassed call, one modifier, gas", one);
        emit log_named_uint("bypassed call, two modifiers, gas", two);
        assertLe(one, cap + 25_000, "one modifier: the cap and the probe");
        assertLe(two, 2 * (cap + 25_000), "two modifiers: twice");
        assertGe(two, 2 * cap, "each modifier paid the cap");
    }

    // ---- report ----------------------------------------------------------------------------------------------

    function test_report_refusedWhileTheGuardRuns() public {
        bytes memory notDown = abi.encodeWithSelector(GuardedBase.GuardNotDown.selector, address(guard));
        vm.expectRevert(notDown); // an EVM guard: nothing to expire
        probe.reportGuardDown();
        vm.etch(address(guard), STYLUS_CODE);
        arbWasm.set(ArbWasmMock.Answer.Version, 0);
        vm.expectRevert(notDown); // ArbWasm: it runs
        probe.reportGuardDown();
        arbWasm.set(ArbWasmMock.Answer.OutOfGas, 0);
        vm.expectRevert(notDown); // no answer is not "down"
        probe.reportGuardDown();
        arbWasm.set(ArbWasmMock.Answer.Foreign, 0);
        vm.expectRevert(notDown);
        probe.reportGuardDown();
        assertEq(probe.guardOutage().reportedAt, 0, "nothing on record");
    }

    function test_report_anyoneRecordsTheOutageOnce() public {
        _expire(ACTIVATED);
        bytes memory reason = abi.encodeWithSelector(ArbWasmMock.ProgramExpired.selector, uint64(T0 - ACTIVATED));
        vm.expectEmit(address(probe));
        emit GuardReportedDown(address(guard), _expiry(ACTIVATED), reason);
        vm.prank(STRANGER);
        probe.reportGuardDown();
        GuardedBase.GuardOutage memory s = probe.guardOutage();
        assertEq(s.admin, ADMIN, "admin on record");
        assertEq(s.reportedAt, T0, "reported now");
        assertEq(s.outage, _expiry(ACTIVATED), "the outage: the expiry of the activation at ACTIVATED");
        assertTrue(!s.bypassed, "not bypassed");
        // A day later ArbWasm reports a larger age, but it is the same outage: the record stays.
        vm.warp(T0 + 1 days);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardOutageAlreadyReported.selector, T0));
        probe.reportGuardDown();
    }

    function test_report_cannotBeStarved() public {
        _expire(ACTIVATED);
        (bool ok, bytes memory ret,) = _call(address(probe), abi.encodeCall(GuardedBase.reportGuardDown, ()), 25_000);
        assertTrue(!ok, "reverted");
        assertEq(ret, _gasTooLow(), "GuardGasTooLow");
        assertEq(probe.guardOutage().reportedAt, 0, "nothing on record");
    }

    // ---- bypass ----------------------------------------------------------------------------------------------

    function test_bypass_adminOnly_afterTheDelay_whileStillDown() public {
        _expire(ACTIVATED);
        vm.prank(ADMIN);
        vm.expectRevert(GuardedBase.GuardOutageNotReported.selector);
        probe.bypassGuard();
        vm.prank(STRANGER);
        probe.reportGuardDown();
        uint256 opens = T0 + probe.GUARD_OUTAGE_DELAY();
        vm.warp(opens - 1);
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardOutageDelay.selector, opens));
        probe.bypassGuard();
        vm.warp(opens);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.NotGuardAdmin.selector, STRANGER));
        probe.bypassGuard();
        vm.prank(USER);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.NotGuardAdmin.selector, USER));
        probe.bypassGuard();
        assertTrue(!probe.guardOutage().bypassed, "refusals changed nothing");
        _expectEveryModifier(false, _unavailable(), 1_000_000);

        vm.expectEmit(address(probe));
        emit GuardBypassed(address(guard), _expiry(ACTIVATED), ADMIN);
        vm.prank(ADMIN);
        probe.bypassGuard();
        assertTrue(probe.guardOutage().bypassed, "bypassed");
        vm.prank(ADMIN);
        vm.expectRevert(GuardedBase.GuardAlreadyBypassed.selector);
        probe.bypassGuard();
        // Every modifier lets the body run now.
        _expectEveryModifier(true, "", 1_000_000);
        probe.pingBoth(USER, 1);
        assertEq(probe.hits(), 1, "body ran");
    }

    function test_bypass_refusedWhileTheGuardRuns() public {
        _expire(ACTIVATED);
        vm.prank(STRANGER);
        probe.reportGuardDown();
        vm.warp(T0 + probe.GUARD_OUTAGE_DELAY());
        _revive();
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardNotDown.selector, address(guard)));
        probe.bypassGuard();
    }

    /// @dev A bypass covers one outage. Re-activation ends it for every call at once, with no transaction to
    /// the protocol; the next outage needs its own report and its own delay.
    function test_bypass_endsWhenTheGuardRunsAgain_andCoversNoLaterOutage() public {
        _expire(ACTIVATED);
        _reportAndBypass();
        probe.ping();

        _revive();
        assertEq(guard.checkCount(), 0, "while bypassed nothing reached the guard");
        guard.setErrorArgs(0, 2, bytes32(0), 0, 0);
        guard.setMode(CircuitGuardDouble.Mode.CallerFlagged);
        vm.prank(USER);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, USER, uint8(2)));
        probe.ping();
        guard.setMode(CircuitGuardDouble.Mode.Pass);
        probe.ping();
        assertEq(guard.checkCount(), 1, "the guard checks again");
        // A running Stylus guard starved of gas while the old bypass is still on record: GuardGasTooLow.
        vm.etch(address(guard), STYLUS_CODE);
        arbWasm.set(ArbWasmMock.Answer.Version, 0);
        _expectEveryModifier(false, _gasTooLow(), 1_000_000);

        // Re-activated at T0 + 4 days, expired again a year later: a new outage.
        uint64 reactivated = T0 + 4 days;
        vm.warp(reactivated + 366 days);
        _expire(reactivated);
        _expectEveryModifier(false, _unavailable(), 1_000_000);
        vm.prank(ADMIN);
        vm.expectRevert(GuardedBase.GuardOutageNotReported.selector);
        probe.bypassGuard();
        probe.reportGuardDown();
        GuardedBase.GuardOutage memory s = probe.guardOutage();
        assertEq(s.outage, _expiry(reactivated), "the new outage");
        assertEq(s.reportedAt, block.timestamp, "its own report time");
        assertTrue(!s.bypassed, "not bypassed");
        uint64 opens = uint64(block.timestamp + probe.GUARD_OUTAGE_DELAY());
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardOutageDelay.selector, opens));
        probe.bypassGuard();
    }

    /// @dev Starving the probe never turns a bypass on: with too little gas a bypassed call fails
    /// GuardGasTooLow, and with enough it runs.
    function test_bypass_starvedProbeIsGasTooLow() public {
        _expire(ACTIVATED);
        _reportAndBypass();
        bytes memory ping = abi.encodeCall(GuardedProbe.ping, ());
        uint256 lo = probe.GUARD_MIN_GAS_LEFT();
        uint256 hi = 1_000_000;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            (bool ok, bytes memory ret,) = _call(address(probe), ping, mid);
            if (ok) {
                hi = mid;
            } else {
                assertEq(ret, _gasTooLow(), "below: GuardGasTooLow");
                lo = mid;
            }
        }
        emit log_named_uint("smallest gas limit for a bypassed call", hi);
        assertGe(hi, probe.GUARD_GAS_CAP() + probe.GUARD_PROBE_GAS_LEFT(), "the cap and the probe, at least");
    }

    // ---- restore ---------------------------------------------------------------------------------------------

    function test_restore_byAnyoneOnceTheGuardRuns() public {
        vm.expectRevert(GuardedBase.GuardOutageNotReported.selector);
        probe.restoreGuard();
        _expire(ACTIVATED);
        _reportAndBypass();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardNotRunning.selector, address(guard)));
        probe.restoreGuard();
        _revive();
        vm.expectEmit(address(probe));
        emit GuardRestored(address(guard), _expiry(ACTIVATED), true);
        vm.prank(STRANGER);
        probe.restoreGuard();
        GuardedBase.GuardOutage memory s = probe.guardOutage();
        assertTrue(s.outage == 0 && s.reportedAt == 0 && !s.bypassed, "record cleared");
        assertEq(s.admin, ADMIN, "admin kept");
    }

    /// @dev The admin may end its own bypass while the guard is still down: guarded functions stop again.
    function test_restore_byTheAdminEndsTheBypassAtAnyTime() public {
        _expire(ACTIVATED);
        _reportAndBypass();
        _expectEveryModifier(true, "", 1_000_000);
        vm.expectEmit(address(probe));
        emit GuardRestored(address(guard), _expiry(ACTIVATED), true);
        vm.prank(ADMIN);
        probe.restoreGuard();
        _expectEveryModifier(false, _unavailable(), 1_000_000);
    }

    // ---- the admin on record ---------------------------------------------------------------------------------

    function test_syncGuardAdmin_copiesTheGuardsAdmin() public {
        address next = address(0xAD2);
        guard.setAdmin(address(probe), next);
        vm.expectEmit(address(probe));
        emit GuardAdminSet(next);
        vm.prank(STRANGER);
        probe.syncGuardAdmin();
        assertEq(probe.guardOutage().admin, next, "copied");
        _expire(ACTIVATED);
        vm.prank(STRANGER);
        probe.reportGuardDown();
        vm.warp(T0 + probe.GUARD_OUTAGE_DELAY());
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.NotGuardAdmin.selector, ADMIN));
        probe.bypassGuard();
        vm.prank(next);
        probe.bypassGuard();
        // A dead guard cannot be asked: the sync fails, at a bounded cost, and changes nothing.
        (bool ok,, uint256 used) = _call(address(probe), abi.encodeCall(GuardedBase.syncGuardAdmin, ()), 30_000_000);
        assertTrue(!ok, "no sync from a dead guard");
        assertLe(used, probe.GUARD_GAS_CAP() + 10_000, "bounded");
        assertEq(probe.guardOutage().admin, next, "unchanged");
    }

    function test_syncGuardAdmin_refusesNoAdmin() public {
        guard.setAdmin(address(probe), address(0));
        vm.expectRevert(GuardedBase.GuardZeroAdmin.selector);
        probe.syncGuardAdmin();
        assertEq(probe.guardOutage().admin, ADMIN, "unchanged");
    }

    // ---- storage -------------------------------------------------------------------------------------------

    function test_upgradeable_keepsTheOutageStateInTheProxysNamespacedSlot() public {
        bytes32 slot = keccak256(abi.encode(uint256(keccak256("vigil.guarded.outage")) - 1)) & ~bytes32(uint256(0xff));
        UpgradeableProbe impl = new UpgradeableProbe(ICircuitGuard(address(guard)));
        UpgradeableProbe proxy = UpgradeableProbe(address(new MiniProxy(address(impl))));
        vm.expectEmit(address(proxy));
        emit GuardAdminSet(ADMIN);
        proxy.initialize(ADMIN);
        assertEq(vm.load(address(proxy), slot), bytes32(uint256(uint160(ADMIN))), "admin in the ERC-7201 slot");
        assertEq(vm.load(address(proxy), bytes32(0)), bytes32(uint256(1)), "slot 0 is the protocol's own");
        assertEq(vm.load(address(impl), slot), bytes32(0), "nothing in the implementation");

        _expire(ACTIVATED);
        vm.expectRevert(_unavailable());
        proxy.ping();
        proxy.reportGuardDown();
        vm.warp(T0 + proxy.GUARD_OUTAGE_DELAY());
        vm.prank(ADMIN);
        proxy.bypassGuard();
        proxy.ping();
        bytes32 word = vm.load(address(proxy), slot);
        assertEq(word, bytes32(uint256(uint160(ADMIN)) | (uint256(T0) << 160) | (uint256(1) << 224)), "packed");
        assertEq(vm.load(address(proxy), bytes32(uint256(slot) + 1)), _expiry(ACTIVATED), "outage");
        assertEq(vm.load(address(impl), slot), bytes32(0), "implementation untouched");
    }

    // ---- exits -------------------------------------------------------------------------------------------------

    /// @dev The example vault during an outage: withdraw names it, the unguarded exit still pays out.
    function test_vault_exitWorksDuringAnOutage() public {
        TestToken token = new TestToken("Test", "TST");
        GuardedVault vault = new GuardedVault(token, ICircuitGuard(address(guard)), ADMIN);
        token.mint(USER, 10e18);
        vm.startPrank(USER);
        token.approve(address(vault), 10e18);
        vault.deposit(10e18);
        vm.stopPrank();
        _expire(ACTIVATED);
        vm.prank(USER);
        vm.expectRevert(_unavailable());
        vault.withdraw(1e18);
        vm.prank(USER);
        assertEq(vault.emergencyExit(), 10e18, "exit pays out");
        assertEq(token.balanceOf(USER), 10e18, "tokens back");
    }
}
