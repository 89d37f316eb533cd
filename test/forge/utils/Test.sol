// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

/// @notice The few forge cheatcodes our tests use. We do not depend on forge-std (no git access, and its npm
/// copies are unofficial): these signatures are forge's own (see `forge`'s cheatcode spec).
interface Vm {
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert() external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit(address emitter) external;
    function etch(address target, bytes calldata newRuntimeBytecode) external;
    function warp(uint256 timestamp) external;
    function load(address target, bytes32 slot) external view returns (bytes32 data);
    function assume(bool condition) external pure;
    function toString(uint256 value) external pure returns (string memory);
    function toString(address value) external pure returns (string memory);
    function toString(bytes32 value) external pure returns (string memory);
    function toString(bytes calldata value) external pure returns (string memory);
    function toString(bool value) external pure returns (string memory);
}

/// @notice Minimal base for forge tests: the cheatcode handle, assertions that revert (forge fails a test
/// that reverts), and the log events forge prints with -vv.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    event log_named_uint(string key, uint256 val);
    event log_named_int(string key, int256 val);
    event log_string(string val);

    function fail(string memory why) internal pure {
        revert(string.concat("assertion failed: ", why));
    }

    function assertTrue(bool ok, string memory why) internal pure {
        if (!ok) fail(why);
    }

    function assertEq(uint256 a, uint256 b, string memory why) internal pure {
        if (a != b) fail(string.concat(why, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertEq(address a, address b, string memory why) internal pure {
        if (a != b) fail(string.concat(why, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertEq(bytes32 a, bytes32 b, string memory why) internal pure {
        if (a != b) fail(string.concat(why, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertEq(bool a, bool b, string memory why) internal pure {
        if (a != b) fail(string.concat(why, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertEq(bytes memory a, bytes memory b, string memory why) internal pure {
        if (keccak256(a) != keccak256(b)) fail(string.concat(why, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory why) internal pure {
        if (a < b) fail(string.concat(why, ": ", vm.toString(a), " < ", vm.toString(b)));
    }

    function assertLe(uint256 a, uint256 b, string memory why) internal pure {
        if (a > b) fail(string.concat(why, ": ", vm.toString(a), " > ", vm.toString(b)));
    }
}
