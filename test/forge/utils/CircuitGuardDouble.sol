// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {ICircuitGuard} from "../../../interfaces/ICircuitGuard.sol";

/// @title CircuitGuardDouble: a TEST DOUBLE of ICircuitGuard, written in Solidity for the forge tests.
/// @notice This is NOT the guard. It implements ICircuitGuard's ABI so the forge tests can check what
/// Guarded and the example vault send to the guard and how they treat its answers: it records the last
/// `check`, can be told to revert with each of the guard's errors (or any raw bytes, or run out of gas), and
/// flags accounts for `screen`. The real CircuitGuard is a Stylus (Rust/wasm) program that forge cannot run;
/// it is exercised end to end, with this same vault, on the embedded devnet by the Rust e2e tests.
/// @dev It has ICircuitGuard's hot-path functions and errors but does not inherit the interface: the real
/// interface is generated from the Rust guard (export-abi) and will grow admin functions the double does not
/// need. test_selectorConstantsMatchInterface checks the selectors Guarded uses against ICircuitGuard.
contract CircuitGuardDouble {
    /// @notice What `check` does.
    enum Mode {
        Pass,
        ProtocolNotRegistered,
        ProtocolPaused,
        SelectorPaused,
        CallerFlagged,
        AdvisoryActive,
        RateLimited,
        RawRevert, // revert with `rawRevertData` exactly
        BurnGas, // loop until out of gas
        ReportGas // revert with GasSeen(gasleft() at entry)
    }

    /// @notice Reverted by ReportGas mode: the gas `check`/`screen` had when it started.
    error GasSeen(uint256 gas);

    Mode public mode;
    /// @notice Arguments for the error modes.
    uint64 public until;
    uint8 public level;
    bytes32 public advisory;
    uint256 public available;
    uint64 public retryAfter;
    bytes public rawRevertData;

    /// @notice registerProtocol reverts with these bytes when non-empty.
    bytes public registerRevertData;
    mapping(address protocol => address admin) public adminOf;
    uint256 public registerCount;

    /// @notice The last check that passed (a reverted check records nothing: the revert undoes it).
    address public lastProtocol;
    address public lastCaller;
    bytes4 public lastSelector;
    uint256 public lastAmount;
    uint256 public checkCount;

    /// @notice The last credit (a protocol's inflow), and `credit` reverts with these bytes when non-empty.
    address public lastCreditProtocol;
    bytes4 public lastCreditSelector;
    uint256 public lastCreditAmount;
    uint256 public creditCount;
    bytes public creditRevertData;

    /// @notice screen reverts CallerFlagged(account, level) for these (account, selector) pairs.
    mapping(address account => mapping(bytes4 selector => uint8 level)) public flagged;
    /// @notice When set, screen behaves like check's error modes (and ReportGas) instead.
    bool public screenUsesMode;

    // ---- controls -------------------------------------------------------------------------------------

    function setMode(Mode m) external {
        mode = m;
    }

    function setErrorArgs(uint64 until_, uint8 level_, bytes32 advisory_, uint256 available_, uint64 retryAfter_)
        external
    {
        until = until_;
        level = level_;
        advisory = advisory_;
        available = available_;
        retryAfter = retryAfter_;
    }

    function setRawRevert(bytes calldata data) external {
        mode = Mode.RawRevert;
        rawRevertData = data;
    }

    function setCreditRevert(bytes calldata data) external {
        creditRevertData = data;
    }

    function setRegisterRevert(bytes calldata data) external {
        registerRevertData = data;
    }

    function setFlagged(address account, bytes4 selector, uint8 level_) external {
        flagged[account][selector] = level_;
    }

    function setScreenUsesMode(bool on) external {
        screenUsesMode = on;
    }

    // ---- ICircuitGuard ----------------------------------------------------------------------------------

    function registerProtocol(address admin) external {
        bytes memory r = registerRevertData;
        if (r.length != 0) {
            assembly ("memory-safe") {
                revert(add(r, 32), mload(r))
            }
        }
        adminOf[msg.sender] = admin;
        registerCount++;
    }

    function check(address caller, bytes4 selector, uint256 amount) external {
        uint256 g = gasleft();
        if (mode == Mode.ReportGas) revert GasSeen(g);
        if (mode == Mode.BurnGas) _burn();
        _verdict(msg.sender, caller, selector);
        lastProtocol = msg.sender;
        lastCaller = caller;
        lastSelector = selector;
        lastAmount = amount;
        checkCount++;
    }

    /// @notice Hands `protocol` to `admin` (the real guard lets only the current admin do it).
    function setAdmin(address protocol, address admin) external {
        adminOf[protocol] = admin;
    }

    /// @notice The fields Guarded's `syncGuardAdmin` reads; the rest stay zero.
    function protocolInfo(address protocol) external view returns (ICircuitGuard.ProtocolInfo memory info) {
        info.admin = adminOf[protocol];
        info.registered = info.admin != address(0);
    }

    function credit(bytes4 selector, uint256 amount) external {
        bytes memory r = creditRevertData;
        if (r.length != 0) {
            assembly ("memory-safe") {
                revert(add(r, 32), mload(r))
            }
        }
        lastCreditProtocol = msg.sender;
        lastCreditSelector = selector;
        lastCreditAmount = amount;
        creditCount++;
    }

    function screen(address account, bytes4 selector) external view {
        uint256 g = gasleft();
        if (screenUsesMode) {
            if (mode == Mode.ReportGas) revert GasSeen(g);
            if (mode == Mode.BurnGas) _burn();
            _verdict(msg.sender, account, selector);
        }
        uint8 l = flagged[account][selector];
        if (l != 0) revert ICircuitGuard.CallerFlagged(account, l);
    }

    function preview(address protocol, address caller, bytes4 selector, uint256 amount)
        external
        view
        returns (bytes memory)
    {
        amount; // the double has no rate limit of its own: RateLimited mode answers regardless of amount
        if (mode == Mode.Pass || mode == Mode.ReportGas || mode == Mode.BurnGas) {
            if (adminOf[protocol] == address(0)) {
                return abi.encodeWithSelector(ICircuitGuard.ProtocolNotRegistered.selector, protocol);
            }
            return "";
        }
        try this.verdictOf(protocol, caller, selector) {
            return "";
        } catch (bytes memory reason) {
            return reason;
        }
    }

    /// @dev External so preview can catch its revert data.
    function verdictOf(address protocol, address caller, bytes4 selector) external view {
        _verdict(protocol, caller, selector);
    }

    function _verdict(address protocol, address caller, bytes4 selector) private view {
        if (adminOf[protocol] == address(0)) revert ICircuitGuard.ProtocolNotRegistered(protocol);
        Mode m = mode;
        if (m == Mode.ProtocolNotRegistered) revert ICircuitGuard.ProtocolNotRegistered(protocol);
        if (m == Mode.ProtocolPaused) revert ICircuitGuard.ProtocolPaused(until);
        if (m == Mode.SelectorPaused) revert ICircuitGuard.SelectorPaused(selector, until);
        if (m == Mode.CallerFlagged) revert ICircuitGuard.CallerFlagged(caller, level);
        if (m == Mode.AdvisoryActive) revert ICircuitGuard.AdvisoryActive(advisory);
        if (m == Mode.RateLimited) revert ICircuitGuard.RateLimited(selector, available, retryAfter);
        if (m == Mode.RawRevert) {
            bytes memory r = rawRevertData;
            assembly ("memory-safe") {
                revert(add(r, 32), mload(r))
            }
        }
    }

    function _burn() private pure {
        uint256 x;
        while (true) {
            unchecked {
                x++;
            }
        }
    }
}
