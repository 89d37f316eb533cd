// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {IERC20Like} from "../utils/Helpers.sol";

// The Solidity baselines of the gas benchmark (devnet/src/bin/bench.rs, script/bench.sh): the cheapest
// plain-Solidity way to get each protection Vigil's CircuitGuard offers, measured in the same run on the
// same vault withdraw. They are written to be cheap, not feature-complete: a baseline that wastes gas would
// flatter the guard.

/// @notice UnguardedVault (test/forge/utils/Helpers.sol) plus an OpenZeppelin-Pausable-style local pause: one
/// bool in its own storage slot, read by `whenNotPaused`. The vault body is copied, not inherited, so that
/// the withdraw path differs from the unprotected baseline only by the modifier.
contract PausableVault {
    /// @dev Alone in slot 0, as OZ Pausable's `_paused` is when it is the first base: one cold SLOAD.
    bool public paused;
    IERC20Like public immutable token;
    address public immutable admin;
    mapping(address => uint256) public balanceOf;
    uint256 public totalDeposits;

    event Withdrawn(address indexed account, uint256 amount);
    event Deposited(address indexed account, uint256 amount);

    error EnforcedPause();
    error NotAdmin();
    error ZeroAmount();
    error InsufficientBalance(uint256 balance, uint256 requested);
    error TokenTransferFailed();

    modifier whenNotPaused() {
        if (paused) revert EnforcedPause();
        _;
    }

    constructor(IERC20Like token_, address admin_) {
        token = token_;
        admin = admin_;
    }

    function setPaused(bool paused_) external {
        if (msg.sender != admin) revert NotAdmin();
        paused = paused_;
    }

    function deposit(uint256 amount) external whenNotPaused {
        if (amount == 0) revert ZeroAmount();
        balanceOf[msg.sender] += amount;
        totalDeposits += amount;
        emit Deposited(msg.sender, amount);
        _tokenCall(abi.encodeCall(IERC20Like.transferFrom, (msg.sender, address(this), amount)));
    }

    function withdraw(uint256 amount) external whenNotPaused {
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

/// @notice UnguardedVault plus an in-contract token bucket on withdraw, the shape of Chainlink CCIP's
/// RateLimiter: two slots (tokens + last update; capacity + refill rate), refilled lazily on each call.
contract BucketVault {
    /// @dev Slot A, read and written on every withdraw.
    struct Level {
        uint128 tokens;
        uint32 lastUpdated;
    }

    /// @dev Slot B, read on every withdraw.
    struct Config {
        uint128 capacity;
        uint128 rate;
    }

    Level public level;
    Config public config;
    IERC20Like public immutable token;
    mapping(address => uint256) public balanceOf;
    uint256 public totalDeposits;

    event Withdrawn(address indexed account, uint256 amount);
    event Deposited(address indexed account, uint256 amount);

    error RateLimited(uint256 available, uint256 requested);
    error ZeroAmount();
    error InsufficientBalance(uint256 balance, uint256 requested);
    error TokenTransferFailed();

    modifier rateLimited(uint256 amount) {
        _consume(amount);
        _;
    }

    /// @param capacity Bucket size in token units; the bucket starts full.
    /// @param rate Refill in token units per second.
    constructor(IERC20Like token_, uint128 capacity, uint128 rate) {
        token = token_;
        config = Config(capacity, rate);
        level = Level(capacity, uint32(block.timestamp));
    }

    function deposit(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        balanceOf[msg.sender] += amount;
        totalDeposits += amount;
        emit Deposited(msg.sender, amount);
        _tokenCall(abi.encodeCall(IERC20Like.transferFrom, (msg.sender, address(this), amount)));
    }

    function withdraw(uint256 amount) external rateLimited(amount) {
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

    function _consume(uint256 amount) private {
        Level memory l = level;
        Config memory c = config;
        uint256 available = uint256(l.tokens) + (block.timestamp - l.lastUpdated) * c.rate;
        if (available > c.capacity) available = c.capacity;
        if (amount > available) revert RateLimited(available, amount);
        // available <= capacity < 2**128
        level = Level(uint128(available - amount), uint32(block.timestamp));
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

/// @notice A CircuitGuard written in Solidity, doing what Vigil's hot path does on a configured selector: one
/// policy word per (protocol, selector) and, when screening is on, one status word per caller. Deployed
/// behind the example GuardedVault itself, so the vault bytecode and the call into the guard are identical
/// to the Vigil rows and only the guard differs.
contract SolidityGuard {
    uint256 private constant SCREENING = 1 << 32;

    /// @dev protocol => selector => bits 0..32 paused until, bit 32 screening on.
    mapping(address => mapping(bytes4 => uint256)) public policy;
    /// @dev account => flagged (what the registry would push).
    mapping(address => bool) public flagged;
    mapping(address => address) public adminOf;
    address public immutable owner;

    error ProtocolPaused(uint256 until);
    error CallerFlagged(address caller);
    error AlreadyRegistered(address protocol);
    error Unauthorized(address account);

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Guarded's constructor calls this.
    function registerProtocol(address admin) external {
        if (adminOf[msg.sender] != address(0)) revert AlreadyRegistered(msg.sender);
        adminOf[msg.sender] = admin;
    }

    /// @notice The vault's deposit credits its inflow; this baseline has no rate limit, so it keeps nothing.
    function credit(bytes4, uint256) external {}

    function setPolicy(address protocol, bytes4 selector, uint32 pausedUntil, bool screening) external {
        if (msg.sender != adminOf[protocol]) revert Unauthorized(msg.sender);
        policy[protocol][selector] = uint256(pausedUntil) | (screening ? SCREENING : 0);
    }

    function setFlagged(address account, bool isFlagged) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        flagged[account] = isFlagged;
    }

    /// @notice The hot path: one SLOAD for the pause, a second for the caller when screening is on.
    function check(address caller, bytes4 selector, uint256) external view {
        uint256 p = policy[msg.sender][selector];
        if (block.timestamp < uint32(p)) revert ProtocolPaused(uint32(p));
        if (p & SCREENING != 0 && flagged[caller]) revert CallerFlagged(caller);
    }
}

/// @notice The Chainalysis-sanctions-oracle shape: an owner-written address => bool, read by `isFlagged`.
contract MappingOracle {
    mapping(address => bool) public isFlagged;
    address public immutable owner;

    error Unauthorized(address account);

    constructor(address owner_) {
        owner = owner_;
    }

    function setFlagged(address account, bool flagged_) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        isFlagged[account] = flagged_;
    }
}

interface IFlagOracle {
    function isFlagged(address account) external view returns (bool);
}

/// @notice A Solidity consumer of an `isFlagged(address)` oracle. Returns the gas the lookup took as the
/// caller sees it (cold account access, call, the oracle's execution, the return), so the benchmark compares
/// oracles without the transaction around them.
contract FlagReader {
    function read(IFlagOracle oracle, address account) external view returns (bool flagged, uint256 gasUsed) {
        uint256 before = gasleft();
        flagged = oracle.isFlagged(account);
        gasUsed = before - gasleft();
    }
}
