// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @notice The part of examples/stylus-vault (a Stylus program) the attacker calls.
interface IStylusVault {
    function deposit() external payable;
    function withdraw(uint256 amount) external;
}

/// @notice A malicious vault user for the devnet's Stylus-vault scenario (devnet/tests/stylus_vault.rs): it
/// deposits, withdraws, and from `receive()` re-enters `withdraw` once, hoping to be paid twice for one debit.
/// The vault is a Stylus program built without the SDK's `reentrant` feature, so the re-entry is refused at its
/// entrypoint with empty revert data. What happens next is the attacker's choice, fixed at deployment:
/// `propagate` re-throws the failure, so the vault's ETH transfer fails and the whole withdrawal reverts;
/// otherwise the failure is recorded and swallowed, and only the single legitimate withdrawal happens.
contract ReentrantWithdrawer {
    IStylusVault public immutable vault;
    bool public immutable propagate;
    /// Re-entries tried and re-entries the vault accepted (the attack works iff this is ever non-zero).
    uint256 public attempts;
    uint256 public reentered;
    /// Revert data of the last refused re-entry.
    bytes public refusal;
    uint256 private pending;

    error ReentryRefused(bytes data);

    constructor(IStylusVault vault_, bool propagate_) {
        vault = vault_;
        propagate = propagate_;
    }

    /// @notice Deposits `msg.value`, then withdraws `amount` and tries to withdraw it again from `receive()`.
    function attack(uint256 amount) external payable {
        vault.deposit{value: msg.value}();
        pending = amount;
        vault.withdraw(amount);
    }

    receive() external payable {
        uint256 amount = pending;
        // One re-entry only (and none for plain payments), so an accepted one could not recurse.
        if (msg.sender != address(vault) || amount == 0) return;
        pending = 0;
        attempts += 1;
        (bool ok, bytes memory data) = address(vault).call(abi.encodeCall(IStylusVault.withdraw, (amount)));
        if (ok) {
            reentered += 1;
        } else if (propagate) {
            revert ReentryRefused(data);
        } else {
            refusal = data;
        }
    }
}
