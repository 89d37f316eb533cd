// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Test} from "./utils/Test.sol";
import {CircuitGuardDouble} from "./utils/CircuitGuardDouble.sol";
import {FalseToken, IERC20Like, NoReturnToken, NoopGuard, UnguardedVault} from "./utils/Helpers.sol";
import {GuardedBase} from "../../interfaces/Guarded.sol";
import {ICircuitGuard} from "../../interfaces/ICircuitGuard.sol";
import {GuardedVault} from "../../examples/solidity-vault/GuardedVault.sol";
import {IERC20} from "../../examples/solidity-vault/IERC20.sol";
import {TestToken} from "../../examples/solidity-vault/TestToken.sol";

/// @notice The example vault against the CircuitGuardDouble (a Solidity test double of the guard; the real
/// Stylus guard guards this same vault in the devnet e2e tests).
contract GuardedVaultTest is Test {
    CircuitGuardDouble internal guard;
    TestToken internal token;
    GuardedVault internal vault;
    address internal constant ADMIN = address(0xAD);
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);
    event BalanceTransferred(address indexed from, address indexed to, uint256 amount);
    event EmergencyExited(address indexed account, uint256 amount);
    event Transfer(address indexed from, address indexed to, uint256 value);

    function setUp() public {
        guard = new CircuitGuardDouble();
        token = new TestToken("Test", "TST");
        vault = new GuardedVault(token, ICircuitGuard(address(guard)), ADMIN);
        token.mint(ALICE, 1_000e18);
        token.mint(BOB, 1_000e18);
        vm.prank(ALICE);
        token.approve(address(vault), type(uint256).max);
        vm.prank(BOB);
        token.approve(address(vault), type(uint256).max);
    }

    function _deposit(address who, uint256 amount) internal {
        vm.prank(who);
        vault.deposit(amount);
    }

    // ---- constructor -----------------------------------------------------------------------------------

    function test_constructor() public view {
        assertEq(address(vault.token()), address(token), "token");
        assertEq(address(vault.guard()), address(guard), "guard");
        assertEq(guard.adminOf(address(vault)), ADMIN, "registered with admin");
    }

    function test_constructorRejectsBadArgs() public {
        vm.expectRevert(abi.encodeWithSelector(GuardedVault.TokenNotContract.selector, address(0)));
        new GuardedVault(IERC20(address(0)), ICircuitGuard(address(guard)), ADMIN);
        vm.expectRevert(abi.encodeWithSelector(GuardedVault.TokenNotContract.selector, ALICE));
        new GuardedVault(IERC20(ALICE), ICircuitGuard(address(guard)), ADMIN);
        vm.expectRevert(abi.encodeWithSelector(GuardedBase.GuardNotContract.selector, BOB));
        new GuardedVault(token, ICircuitGuard(BOB), ADMIN);
        vm.expectRevert(GuardedBase.GuardZeroAdmin.selector);
        new GuardedVault(token, ICircuitGuard(address(guard)), address(0));
    }

    // ---- deposit ---------------------------------------------------------------------------------------------

    function test_deposit() public {
        vm.expectEmit(address(vault));
        emit Deposited(ALICE, 100e18);
        vm.expectEmit(address(token));
        emit Transfer(ALICE, address(vault), 100e18);
        _deposit(ALICE, 100e18);
        assertEq(vault.balanceOf(ALICE), 100e18, "vault balance");
        assertEq(vault.totalDeposits(), 100e18, "total");
        assertEq(token.balanceOf(address(vault)), 100e18, "tokens in vault");
        assertEq(token.balanceOf(ALICE), 900e18, "tokens left");
        // guarded, not guardedAmount: screened and pausable, but no rate-limit budget used.
        assertEq(guard.lastCaller(), ALICE, "caller checked");
        assertEq(guard.lastSelector(), GuardedVault.deposit.selector, "selector");
        assertEq(guard.lastAmount(), 0, "deposit checks amount 0");
        // ...and the inflow refills withdraw's bucket: the limit meters net outflow.
        assertEq(guard.creditCount(), 1, "credited once");
        assertEq(guard.lastCreditProtocol(), address(vault), "vault credits its own bucket");
        assertEq(guard.lastCreditSelector(), GuardedVault.withdraw.selector, "withdraw's bucket");
        assertEq(guard.lastCreditAmount(), 100e18, "the amount received");
    }

    function test_depositBubblesCreditRevertAndMovesNothing() public {
        bytes memory err = abi.encodeWithSelector(ICircuitGuard.ProtocolPaused.selector, uint64(9));
        guard.setCreditRevert(err);
        vm.expectRevert(err);
        _deposit(ALICE, 1e18);
        assertEq(vault.balanceOf(ALICE), 0, "nothing credited to the user");
        assertEq(token.balanceOf(address(vault)), 0, "no tokens moved");
    }

    function test_depositRevertsZero() public {
        vm.expectRevert(GuardedVault.ZeroAmount.selector);
        _deposit(ALICE, 0);
    }

    function test_depositBubblesTokenError() public {
        vm.expectRevert(abi.encodeWithSelector(TestToken.InsufficientBalance.selector, ALICE, 1_000e18, 1_001e18));
        _deposit(ALICE, 1_001e18);
    }

    function test_depositBlockedForFlaggedCaller() public {
        guard.setErrorArgs(0, 3, 0, 0, 0);
        guard.setMode(CircuitGuardDouble.Mode.CallerFlagged);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, ALICE, uint8(3)));
        _deposit(ALICE, 1e18);
    }

    // ---- withdraw ------------------------------------------------------------------------------------------

    function test_withdraw() public {
        _deposit(ALICE, 100e18);
        vm.expectEmit(address(vault));
        emit Withdrawn(ALICE, 40e18);
        vm.expectEmit(address(token));
        emit Transfer(address(vault), ALICE, 40e18);
        vm.prank(ALICE);
        vault.withdraw(40e18);
        assertEq(vault.balanceOf(ALICE), 60e18, "vault balance");
        assertEq(vault.totalDeposits(), 60e18, "total");
        assertEq(token.balanceOf(ALICE), 940e18, "tokens back");
        assertEq(guard.lastCaller(), ALICE, "caller");
        assertEq(guard.lastSelector(), GuardedVault.withdraw.selector, "selector");
        assertEq(guard.lastAmount(), 40e18, "amount reaches the guard");
    }

    function test_withdrawRevertsZeroAndOverBalance() public {
        _deposit(ALICE, 10e18);
        vm.prank(ALICE);
        vm.expectRevert(GuardedVault.ZeroAmount.selector);
        vault.withdraw(0);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(GuardedVault.InsufficientBalance.selector, 10e18, 11e18));
        vault.withdraw(11e18);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(GuardedVault.InsufficientBalance.selector, 0, 1));
        vault.withdraw(1);
    }

    function test_withdrawBubblesEachGuardError() public {
        _deposit(ALICE, 10e18);
        guard.setErrorArgs(2_000_000_000, 4, keccak256("advisory"), 5e18, 600);
        bytes4 sel = GuardedVault.withdraw.selector;
        bytes[6] memory expected = [
            abi.encodeWithSelector(ICircuitGuard.ProtocolNotRegistered.selector, address(vault)),
            abi.encodeWithSelector(ICircuitGuard.ProtocolPaused.selector, uint64(2_000_000_000)),
            abi.encodeWithSelector(ICircuitGuard.SelectorPaused.selector, sel, uint64(2_000_000_000)),
            abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, ALICE, uint8(4)),
            abi.encodeWithSelector(ICircuitGuard.AdvisoryActive.selector, keccak256("advisory")),
            abi.encodeWithSelector(ICircuitGuard.RateLimited.selector, sel, uint256(5e18), uint64(600))
        ];
        for (uint256 i = 0; i < expected.length; i++) {
            guard.setMode(CircuitGuardDouble.Mode(i + 1));
            vm.prank(ALICE);
            vm.expectRevert(expected[i]);
            vault.withdraw(10e18);
        }
        assertEq(vault.balanceOf(ALICE), 10e18, "nothing moved");
        assertEq(token.balanceOf(address(vault)), 10e18, "tokens stay");
    }

    // ---- transferBalance ----------------------------------------------------------------------------------------

    function test_transferBalance() public {
        _deposit(ALICE, 10e18);
        vm.expectEmit(address(vault));
        emit BalanceTransferred(ALICE, BOB, 4e18);
        vm.prank(ALICE);
        vault.transferBalance(BOB, 4e18);
        assertEq(vault.balanceOf(ALICE), 6e18, "from");
        assertEq(vault.balanceOf(BOB), 4e18, "to");
        assertEq(vault.totalDeposits(), 10e18, "total unchanged");
        assertEq(token.balanceOf(address(vault)), 10e18, "no tokens moved");
        assertEq(guard.lastAmount(), 0, "guarded, amount 0");
        assertEq(guard.lastSelector(), GuardedVault.transferBalance.selector, "selector");
    }

    function test_transferBalanceScreensRecipient() public {
        _deposit(ALICE, 10e18);
        address bad = address(0xBAD);
        guard.setFlagged(bad, GuardedVault.transferBalance.selector, 3);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICircuitGuard.CallerFlagged.selector, bad, uint8(3)));
        vault.transferBalance(bad, 1e18);
    }

    function test_transferBalanceRejectsBadInput() public {
        _deposit(ALICE, 10e18);
        vm.startPrank(ALICE);
        vm.expectRevert(GuardedVault.ZeroAddress.selector);
        vault.transferBalance(address(0), 1e18);
        vm.expectRevert(GuardedVault.ZeroAmount.selector);
        vault.transferBalance(BOB, 0);
        vm.expectRevert(abi.encodeWithSelector(GuardedVault.InsufficientBalance.selector, 10e18, 10e18 + 1));
        vault.transferBalance(BOB, 10e18 + 1);
        vm.stopPrank();
    }

    // ---- emergency exit ----------------------------------------------------------------------------------------

    function test_emergencyExit() public {
        _deposit(ALICE, 70e18);
        _deposit(BOB, 5e18);
        vm.expectEmit(address(vault));
        emit EmergencyExited(ALICE, 70e18);
        vm.prank(ALICE);
        uint256 out = vault.emergencyExit();
        assertEq(out, 70e18, "returns the whole balance");
        assertEq(vault.balanceOf(ALICE), 0, "balance cleared");
        assertEq(vault.totalDeposits(), 5e18, "total");
        assertEq(token.balanceOf(ALICE), 1_000e18, "all tokens back");
        vm.prank(ALICE);
        vm.expectRevert(GuardedVault.NothingToExit.selector);
        vault.emergencyExit();
    }

    /// @dev Exits stay open whatever the guard does: paused, flagged, rate limited, out of gas, raw garbage.
    function test_emergencyExitIgnoresTheGuard() public {
        CircuitGuardDouble.Mode[5] memory modes = [
            CircuitGuardDouble.Mode.ProtocolPaused,
            CircuitGuardDouble.Mode.CallerFlagged,
            CircuitGuardDouble.Mode.RateLimited,
            CircuitGuardDouble.Mode.BurnGas,
            CircuitGuardDouble.Mode.RawRevert
        ];
        for (uint256 i = 0; i < modes.length; i++) {
            guard.setMode(CircuitGuardDouble.Mode.Pass);
            _deposit(ALICE, 50e18);
            guard.setMode(modes[i]);
            uint256 checks = guard.checkCount();
            // The guarded path is blocked...
            vm.prank(ALICE);
            (bool ok,) = address(vault).call{gas: 1_000_000}(abi.encodeCall(GuardedVault.withdraw, (1e18)));
            assertTrue(!ok, "withdraw blocked");
            // ...the exit is not, and never asks the guard.
            vm.prank(ALICE);
            assertEq(vault.emergencyExit{gas: 1_000_000}(), 50e18, "exit returns everything");
            assertEq(guard.checkCount(), checks, "guard not consulted");
            assertEq(token.balanceOf(ALICE), 1_000e18, "tokens back");
        }
        assertEq(vault.totalDeposits(), 0, "vault empty");
        // A guard that passes counts every check it sees: the exit still asks it nothing.
        guard.setMode(CircuitGuardDouble.Mode.Pass);
        _deposit(ALICE, 50e18);
        uint256 before = guard.checkCount();
        vm.prank(ALICE);
        assertEq(vault.emergencyExit(), 50e18, "exit returns everything");
        assertEq(guard.checkCount(), before, "guard not consulted when it would pass");
    }

    // ---- tokens -------------------------------------------------------------------------------------------------

    function test_tokenReturningFalseReverts() public {
        FalseToken ft = new FalseToken();
        GuardedVault v = new GuardedVault(IERC20(address(ft)), ICircuitGuard(address(guard)), ADMIN);
        vm.prank(ALICE);
        vm.expectRevert(GuardedVault.TokenTransferFailed.selector);
        v.deposit(1);
    }

    function test_tokenReturningNothingWorks() public {
        NoReturnToken nt = new NoReturnToken();
        GuardedVault v = new GuardedVault(IERC20(address(nt)), ICircuitGuard(address(guard)), ADMIN);
        nt.mint(ALICE, 10);
        vm.startPrank(ALICE);
        v.deposit(10);
        v.withdraw(4);
        assertEq(v.emergencyExit(), 6, "exit");
        vm.stopPrank();
        assertEq(nt.balanceOf(ALICE), 10, "all back");
    }

    // ---- accounting, fuzzed ----------------------------------------------------------------------------------------

    /// @dev Any sequence of deposit / withdraw / transfer / exit keeps: vault token balance == totalDeposits ==
    /// sum of balances, and each user's wallet + vault balance == what it started with.
    function testFuzz_accountingConserved(uint256 seed) public {
        address[2] memory users = [ALICE, BOB];
        for (uint256 i = 0; i < 12; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            address u = users[r % 2];
            address other = users[(r + 1) % 2];
            uint256 op = (r >> 8) % 4;
            uint256 bal = vault.balanceOf(u);
            vm.startPrank(u);
            if (op == 0) {
                uint256 amt = 1 + (r >> 16) % 300e18;
                if (amt <= token.balanceOf(u)) vault.deposit(amt);
            } else if (op == 1 && bal != 0) {
                vault.withdraw(1 + (r >> 16) % bal);
            } else if (op == 2 && bal != 0) {
                vault.transferBalance(other, 1 + (r >> 16) % bal);
            } else if (op == 3 && bal != 0) {
                vault.emergencyExit();
            }
            vm.stopPrank();
            uint256 sum = vault.balanceOf(ALICE) + vault.balanceOf(BOB);
            assertEq(vault.totalDeposits(), sum, "totalDeposits == sum of balances");
            assertEq(token.balanceOf(address(vault)), sum, "tokens held == sum of balances");
            assertEq(token.balanceOf(ALICE) + token.balanceOf(BOB) + sum, 2_000e18, "no tokens created or lost");
        }
    }
}

/// @dev What the gas tests need of GuardedVault and UnguardedVault (the same functions).
interface IVaultLike {
    function deposit(uint256 amount) external;
    function withdraw(uint256 amount) external;
    function emergencyExit() external returns (uint256);
    function balanceOf(address account) external view returns (uint256);
}

/// @notice Gas of the vault's functions. Numbers: `script/forge-test.sh --match-contract GuardedVaultGas -vv`
/// logs each call's execution gas (no 21k transaction base); `... --match-contract GuardedVaultGas --isolate
/// --gas-report` reports whole transactions (the steady-state figure is the table's Min: setUp's first calls
/// write fresh slots). setUp deploys everything, so the measured call meets cold accounts and slots, as a
/// transaction's first call would. Each test checks that the call did its work (and, where it matters, that the
/// guard was or was not called), then bounds its gas: the figure measured with solc 0.8.37 plus about 3%, so a
/// change that makes the path noticeably dearer fails here and must update the bound on purpose.
abstract contract VaultGasBase is Test {
    address internal constant ALICE = address(0xA11CE);
    /// @dev ALICE's vault balance and wallet after `_fund`.
    uint256 internal constant HELD = 99e18;
    uint256 internal constant WALLET = 901e18;
    uint256 internal constant AMOUNT = 10e18;

    /// @dev Mints ALICE 1,000e18, deposits 100e18 and withdraws 1e18: steady state, every slot the measured
    /// calls write is already non-zero.
    function _fund(TestToken token_, IVaultLike vault_) internal {
        token_.mint(ALICE, 1_000e18);
        vm.startPrank(ALICE);
        token_.approve(address(vault_), type(uint256).max);
        vault_.deposit(100e18);
        vault_.withdraw(1e18);
        vm.stopPrank();
    }

    /// @dev ALICE withdraws AMOUNT; returns the call's execution gas. Balances are read only afterwards, so the
    /// measured call meets them cold.
    function _withdraw(TestToken token_, IVaultLike vault_, string memory label) internal returns (uint256 used) {
        vm.prank(ALICE);
        uint256 g = gasleft();
        vault_.withdraw(AMOUNT);
        used = g - gasleft();
        emit log_named_uint(label, used);
        assertEq(vault_.balanceOf(ALICE), HELD - AMOUNT, "vault balance debited");
        assertEq(token_.balanceOf(ALICE), WALLET + AMOUNT, "tokens paid out");
    }
}

contract GuardedVaultGasDoubleTest is VaultGasBase {
    /// @dev Measured 53,572.
    uint256 internal constant WITHDRAW_MAX = 55_200;
    CircuitGuardDouble internal guard;
    TestToken internal token;
    GuardedVault internal vault;

    function setUp() public {
        guard = new CircuitGuardDouble();
        token = new TestToken("Test", "TST");
        vault = new GuardedVault(token, ICircuitGuard(address(guard)), address(0xAD));
        _fund(token, IVaultLike(address(vault)));
    }

    function test_gas_withdraw() public {
        uint256 used = _withdraw(
            token, IVaultLike(address(vault)), "withdraw, CircuitGuardDouble (records 4 slots), execution gas"
        );
        // The double records only checks that pass; setUp's last one was for 1e18.
        assertEq(guard.lastProtocol(), address(vault), "checked by the vault");
        assertEq(guard.lastCaller(), ALICE, "for ALICE");
        assertEq(guard.lastSelector(), GuardedVault.withdraw.selector, "for withdraw");
        assertEq(guard.lastAmount(), AMOUNT, "this withdrawal's amount");
        assertLe(used, WITHDRAW_MAX, "withdraw gas");
    }
}

contract GuardedVaultGasNoopTest is VaultGasBase {
    /// @dev Measured 33,498 and 32,799.
    uint256 internal constant WITHDRAW_MAX = 34_500;
    uint256 internal constant EXIT_MAX = 33_800;
    /// @dev A call to a cold account costs 2,600 (EIP-2929): the guard's overhead must include it (so the guard
    /// was called) and little else (measured 2,831: the modifier's own work is about 230).
    uint256 internal constant COLD_ACCOUNT = 2_600;
    uint256 internal constant OVERHEAD_MAX = 3_000;
    NoopGuard internal noop;
    TestToken internal token;
    GuardedVault internal vault;
    /// @dev The same withdraw without a guard, over its own token so neither measurement warms the other's.
    TestToken internal plainToken;
    UnguardedVault internal plain;

    function setUp() public {
        noop = new NoopGuard();
        token = new TestToken("Test", "TST");
        vault = new GuardedVault(token, ICircuitGuard(address(noop)), address(0xAD));
        _fund(token, IVaultLike(address(vault)));
        plainToken = new TestToken("Plain", "PLN");
        plain = new UnguardedVault(IERC20Like(address(plainToken)));
        _fund(plainToken, IVaultLike(address(plain)));
    }

    function test_gas_withdraw() public {
        uint256 used = _withdraw(token, IVaultLike(address(vault)), "withdraw, no-op guard, execution gas");
        uint256 base = _withdraw(plainToken, IVaultLike(address(plain)), "withdraw, no guard at all, execution gas");
        emit log_named_uint("what the guard adds (no-op guard)", used - base);
        assertGe(used - base, COLD_ACCOUNT, "the guard's account was called");
        assertLe(used - base, OVERHEAD_MAX, "modifier overhead");
        assertLe(used, WITHDRAW_MAX, "withdraw gas");
    }

    function test_gas_emergencyExit() public {
        vm.prank(ALICE);
        uint256 g = gasleft();
        uint256 out = vault.emergencyExit();
        uint256 used = g - gasleft();
        emit log_named_uint("emergencyExit (unguarded), execution gas", used);
        // Touching the guard's account now costs the cold price only if the exit never called it.
        address guardAccount = address(noop);
        g = gasleft();
        uint256 guardBalance = guardAccount.balance;
        assertGe(g - gasleft(), COLD_ACCOUNT, "the exit never touched the guard");
        assertEq(guardBalance, 0, "guard holds no ETH");
        assertEq(out, HELD, "whole balance returned");
        assertEq(token.balanceOf(ALICE), 1_000e18, "tokens back");
        assertEq(vault.balanceOf(ALICE), 0, "balance cleared");
        assertLe(used, EXIT_MAX, "emergencyExit gas");
    }
}

/// @notice The baseline: the same withdraw with no guard (test/forge/utils/Helpers.sol's UnguardedVault).
contract GuardedVaultGasBaselineTest is VaultGasBase {
    /// @dev Measured 30,667.
    uint256 internal constant WITHDRAW_MAX = 31_600;
    TestToken internal token;
    UnguardedVault internal vault;

    function setUp() public {
        token = new TestToken("Test", "TST");
        vault = new UnguardedVault(IERC20Like(address(token)));
        _fund(token, IVaultLike(address(vault)));
    }

    function test_gas_withdraw() public {
        uint256 used =
            _withdraw(token, IVaultLike(address(vault)), "withdraw, no guard at all (baseline), execution gas");
        assertLe(used, WITHDRAW_MAX, "withdraw gas");
    }
}
