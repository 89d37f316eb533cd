// SPDX-License-Identifier: MIT-OR-APACHE-2.0
pragma solidity ^0.8.23;

interface ICircuitGuard {
    function registerProtocol(address admin) external;
    function check(address caller, bytes4 selector, uint256 amount) external;
    function screen(address account, bytes4 selector) external view;
    function preview(address protocol, address caller, bytes4 selector, uint256 amount) external view returns (bytes memory);

    error ProtocolNotRegistered(address protocol);
    error ProtocolPaused(uint64 until);
    error SelectorPaused(bytes4 selector, uint64 until);
    error CallerFlagged(address caller, uint8 level);
    error AdvisoryActive(bytes32 advisory);
    error RateLimited(bytes4 selector, uint256 available, uint64 retry_after);
}
