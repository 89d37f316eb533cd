// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Guarded, GuardedUpgradeable} from "../../../interfaces/Guarded.sol";
import {ICircuitGuard} from "../../../interfaces/ICircuitGuard.sol";

/// @notice A Guarded contract with one function per modifier and nothing else, to test and measure the
/// modifiers alone.
contract GuardedProbe is Guarded {
    uint256 public hits;

    constructor(ICircuitGuard guard_, address admin) Guarded(guard_, admin) {}

    function ping() external guarded {}

    function pingAmount(uint256 amount) external guardedAmount(amount) {}

    function pingScreen(address account) external notFlagged(account) {}

    function pingCredit(bytes4 outflow, uint256 amount) external credits(outflow, amount) {}

    function pingBoth(address account, uint256 amount) external guardedAmount(amount) notFlagged(account) {
        hits++;
    }

    /// @dev The same functions without a modifier: baselines for gas measurements.
    function plain() external {}

    function plainAmount(uint256 amount) external {}

    function plainScreen(address account) external {}

    /// @dev Short or unknown calldata lands here: msg.sig is then the zero-padded first bytes.
    fallback() external guarded {}
}

/// @notice Measures what each modifier costs inside the function, after dispatch: `mark` notes gasleft()
/// before the modifier under test and the body returns what was used since. Comparing a guarded function
/// with its unguarded twin through the public dispatcher would also count the selector's position in the
/// dispatch table, which moves whenever a base contract gains a public function.
contract ModifierMeter is Guarded {
    uint256 private transient _mark;

    constructor(ICircuitGuard guard_, address admin) Guarded(guard_, admin) {}

    modifier mark() {
        _mark = gasleft();
        _;
    }

    function plain() external mark returns (uint256) {
        return _mark - gasleft();
    }

    function ping() external mark guarded returns (uint256) {
        return _mark - gasleft();
    }

    function pingAmount(uint256 amount) external mark guardedAmount(amount) returns (uint256) {
        return _mark - gasleft();
    }

    function pingScreen(address account) external mark notFlagged(account) returns (uint256) {
        return _mark - gasleft();
    }

    function pingCredit(bytes4 outflow, uint256 amount) external mark credits(outflow, amount) returns (uint256) {
        return _mark - gasleft();
    }
}

/// @notice A guard that accepts everything at the lowest possible cost (an empty fallback), to measure what
/// the modifiers themselves cost.
contract NoopGuard {
    fallback() external {}
}

/// @notice Returns false from transfer/transferFrom instead of reverting (old-style ERC-20).
contract FalseToken {
    function transfer(address, uint256) external pure returns (bool) {
        return false;
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        return false;
    }
}

/// @notice Returns nothing from transfer/transferFrom (USDT-style) and keeps balances.
contract NoReturnToken {
    mapping(address => uint256) public balanceOf;

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
    }

    function transfer(address to, uint256 value) external {
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
    }

    function transferFrom(address from, address to, uint256 value) external {
        balanceOf[from] -= value;
        balanceOf[to] += value;
    }
}

/// @notice An upgradeable protocol's implementation: registers from its initializer, through the proxy.
contract UpgradeableProbe is GuardedUpgradeable {
    bool public initialized;

    error AlreadyInitialized();

    constructor(ICircuitGuard guard_) GuardedUpgradeable(guard_) {
        initialized = true; // the implementation itself can never be initialized
    }

    function initialize(address admin) external {
        if (initialized) revert AlreadyInitialized();
        initialized = true;
        _registerWithGuard(admin);
    }

    function ping() external guarded {}
}

/// @notice The smallest proxy that matters here: DELEGATECALLs everything to a fixed implementation.
contract MiniProxy {
    address private immutable implementation;

    constructor(address implementation_) {
        implementation = implementation_;
    }

    fallback() external payable {
        address impl = implementation;
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), impl, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}

/// @notice GuardedVault's deposit/withdraw with no guard at all: the baseline for "what does the guard add".
/// (Same storage layout, checks, events and token calls as GuardedVault.)
contract UnguardedVault {
    IERC20Like public immutable token;
    mapping(address => uint256) public balanceOf;
    uint256 public totalDeposits;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    error ZeroAmount();
    error InsufficientBalance(uint256 balance, uint256 requested);
    error TokenTransferFailed();

    constructor(IERC20Like token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        balanceOf[msg.sender] += amount;
        totalDeposits += amount;
        emit Deposited(msg.sender, amount);
        _tokenCall(abi.encodeCall(IERC20Like.transferFrom, (msg.sender, address(this), amount)));
    }

    function withdraw(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 balance = balanceOf[msg.sender];
        if (balance < amount) revert InsufficientBalance(balance, amount);
        unchecked {
            balanceOf[msg.sender] = balance - amount;
            totalDeposits -= amount;
        }
        emit Withdrawn(msg.sender, amount);
        _tokenCall(abi.encodeCall(IERC20Like.transfer, (msg.sender, amount)));
    }

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

interface IERC20Like {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}
