// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @notice The part of examples/solidity-vault/GuardedVault.sol (and test/forge's UnguardedVault) the drainer calls.
interface IDrainedVault {
    function deposit(uint256 amount) external;
    function withdraw(uint256 amount) external;
}

/// @notice The part of an ERC-20 the drainer calls.
interface IDrainedToken {
    function approve(address spender, uint256 value) external returns (bool);
}

/// @notice An exploit contract for the devnet's code-hash screening scenario (devnet/tests/code_screening.rs), and
/// the contract caller of the bench's code-hash rows: it moves its own tokens into a vault and out again, so every
/// guard check it meets screens a caller that has code.
/// @dev No constructor arguments, no immutables, no storage: every copy of it, whoever deploys it and however, has
/// the same runtime code and so the same EXTCODEHASH. A flag on that code hash names all of them; a flag on an
/// address names one. A failing vault call bubbles its revert data up unchanged (the guard's verdict included).
contract VaultDrainer {
    /// @notice Approves `vault` for `amount` of `token`, deposits it, then withdraws it.
    function cycle(IDrainedVault vault, IDrainedToken token, uint256 amount) external {
        token.approve(address(vault), amount);
        vault.deposit(amount);
        vault.withdraw(amount);
    }

    /// @notice Approves `vault` for `amount` of `token` and deposits it.
    function fund(IDrainedVault vault, IDrainedToken token, uint256 amount) external {
        token.approve(address(vault), amount);
        vault.deposit(amount);
    }

    /// @notice Withdraws `amount` from `vault` to this contract.
    function withdraw(IDrainedVault vault, uint256 amount) external {
        vault.withdraw(amount);
    }
}
