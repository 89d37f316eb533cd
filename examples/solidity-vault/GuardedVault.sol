// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Guarded} from "../../interfaces/Guarded.sol";
import {ICircuitGuard} from "../../interfaces/ICircuitGuard.sol";
import {IERC20} from "./IERC20.sol";

/// @title GuardedVault: the example Solidity integration of Vigil's CircuitGuard.
/// @notice A single-token vault: users deposit an ERC-20, withdraw it, move vault balances to each other, and
/// can always take everything back with `emergencyExit`. Which functions are guarded, and why:
///
/// | function          | protection                         | why                                                      |
/// |-------------------|------------------------------------|----------------------------------------------------------|
/// | `deposit`         | `guarded` (amount 0) + `credits(withdraw, amount)` | pauses and caller screening apply (flagged accounts cannot park stolen funds here); the inflow refills withdraw's rate limit, so the limit meters net outflow and a breaker trip lasts only while the outflow stays out |
/// | `withdraw`        | `guardedAmount(amount)`            | the value-moving path: pauses, screening and the rate limit on outflows |
/// | `transferBalance` | `guarded` + `notFlagged(to)`       | no tokens leave, but the recipient is screened too (no laundering through a clean-looking sender) |
/// | `emergencyExit`   | none, deliberately                 | exits must keep working while the protocol is paused or rate limited: it returns the caller's whole balance and nothing else |
///
/// If the guard's program cannot run (expired, or not re-activated after an ArbOS Stylus upgrade), the guarded
/// functions revert `GuardUnavailable(guard)` and `emergencyExit` keeps paying; the outage functions inherited
/// from Guarded (`reportGuardDown`, then `bypassGuard` by the admin three days later, `restoreGuard`) are the way
/// out if nobody re-activates the guard.
///
/// Checks-effects-interactions throughout: balances change before any token call. Fee-on-transfer and
/// rebasing tokens are not supported (the vault credits the amount requested). Tokens that return no bool
/// (e.g. USDT) are supported.
contract GuardedVault is Guarded {
    /// @notice The token this vault holds.
    IERC20 public immutable token;
    /// @notice Each account's balance in the vault.
    mapping(address => uint256) public balanceOf;
    /// @notice Sum of all balances (equals the vault's token balance unless someone sent tokens directly).
    uint256 public totalDeposits;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);
    event BalanceTransferred(address indexed from, address indexed to, uint256 amount);
    /// @notice The caller took out its whole balance through the unguarded exit.
    event EmergencyExited(address indexed account, uint256 amount);

    error TokenNotContract(address token);
    error ZeroAmount();
    error ZeroAddress();
    error InsufficientBalance(uint256 balance, uint256 requested);
    error NothingToExit();
    /// @notice The token returned false (or reverted without a reason).
    error TokenTransferFailed();

    /// @param token_ The ERC-20 to hold (must have code).
    /// @param guard_ The CircuitGuard (see Guarded: must have code; this vault registers itself with it).
    /// @param admin Who configures this vault's policies on the guard (cannot be zero).
    constructor(IERC20 token_, ICircuitGuard guard_, address admin) Guarded(guard_, admin) {
        if (address(token_).code.length == 0) revert TokenNotContract(address(token_));
        token = token_;
    }

    /// @notice Deposits `amount` tokens from the caller (approve the vault first).
    function deposit(uint256 amount) external guarded credits(GuardedVault.withdraw.selector, amount) {
        if (amount == 0) revert ZeroAmount();
        balanceOf[msg.sender] += amount;
        totalDeposits += amount;
        emit Deposited(msg.sender, amount);
        _tokenCall(abi.encodeCall(IERC20.transferFrom, (msg.sender, address(this), amount)));
    }

    /// @notice Withdraws `amount` of the caller's balance. Blocked while the guard says so; use
    /// `emergencyExit` to take everything out regardless.
    function withdraw(uint256 amount) external guardedAmount(amount) {
        if (amount == 0) revert ZeroAmount();
        uint256 balance = balanceOf[msg.sender];
        if (balance < amount) revert InsufficientBalance(balance, amount);
        unchecked {
            balanceOf[msg.sender] = balance - amount;
            totalDeposits -= amount; // cannot underflow: totalDeposits >= every balance
        }
        emit Withdrawn(msg.sender, amount);
        _tokenCall(abi.encodeCall(IERC20.transfer, (msg.sender, amount)));
    }

    /// @notice Moves `amount` of the caller's vault balance to `to` (no tokens leave the vault).
    function transferBalance(address to, uint256 amount) external guarded notFlagged(to) {
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        uint256 balance = balanceOf[msg.sender];
        if (balance < amount) revert InsufficientBalance(balance, amount);
        unchecked {
            balanceOf[msg.sender] = balance - amount;
            balanceOf[to] += amount; // cannot overflow: bounded by totalDeposits
        }
        emit BalanceTransferred(msg.sender, to, amount);
    }

    /// @notice Returns the caller's whole balance. DELIBERATELY UNGUARDED: it works while the vault is
    /// paused, rate limited or its guard misbehaves or cannot run, so users can always leave. It cannot move anyone
    /// else's funds, which is why it is safe to leave open.
    /// @return amount What was sent back.
    function emergencyExit() external returns (uint256 amount) {
        amount = balanceOf[msg.sender];
        if (amount == 0) revert NothingToExit();
        balanceOf[msg.sender] = 0;
        unchecked {
            totalDeposits -= amount;
        }
        emit EmergencyExited(msg.sender, amount);
        _tokenCall(abi.encodeCall(IERC20.transfer, (msg.sender, amount)));
    }

    /// @dev Calls the token; accepts `true` or no return data (non-standard tokens). A token revert bubbles
    /// with the token's own error; a `false` (or garbage) return reverts with TokenTransferFailed.
    function _tokenCall(bytes memory data) private {
        (bool ok, bytes memory ret) = address(token).call(data);
        if (!ok) {
            if (ret.length == 0) revert TokenTransferFailed();
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        if (ret.length != 0 && (ret.length < 32 || abi.decode(ret, (uint256)) != 1)) revert TokenTransferFailed();
    }
}
