// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import {GuardedVault} from "../../../examples/solidity-vault/GuardedVault.sol";
import {ICircuitGuard} from "../../../interfaces/ICircuitGuard.sol";
import {IERC20} from "../../../examples/solidity-vault/IERC20.sol";

/// @notice The example vault with the most common bug of drained protocols: a function meant for the admin
/// (`migrate`, moving every token to a new vault) that checks nobody. The watcher's end-to-end test
/// (cli/tests/watch.rs) lets an exploit contract drain it; the guard cannot stop the first drain (nobody is
/// flagged yet), Vigil's job is that the attacker is refused everywhere else a moment later.
contract LeakyVault is GuardedVault {
    constructor(IERC20 token_, ICircuitGuard guard_, address admin) GuardedVault(token_, guard_, admin) {}

    /// @notice Moves the vault's whole token balance to `to`. The deliberate bug: no `msg.sender` check.
    function migrate(address to) external guarded {
        if (!token.transfer(to, token.balanceOf(address(this)))) revert TokenTransferFailed();
    }
}
