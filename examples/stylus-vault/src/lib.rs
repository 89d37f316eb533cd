//! An example Stylus protocol guarded by Vigil: a vault of native ETH whose `withdraw` asks the
//! CircuitGuard first, through `vigil_guard::client::GuardClient` (a Stylus -> Stylus call).
//!
//! It exists to prove, on the devnet against the release wasm, that a Rust protocol integrates
//! with the guard as cheaply and as transparently as a Solidity one inheriting `Guarded`: the
//! guard's verdict reaches the vault's caller byte for byte, so the errors of
//! `interfaces/ICircuitGuard.sol` decode from the vault's revert data.
//!
//! # A wrong or dead guard
//! The client fails closed: a guard address without code makes every `deposit` and `withdraw`
//! revert `GuardNotContract(guard)` (a call to such an address would otherwise "succeed" and pass
//! every check), and a guard program that cannot run (expired, or not re-activated after a Stylus
//! upgrade) reverts `GuardUnavailable(guard)` instead of an empty out-of-gas revert.
//!
//! # Reentrancy
//! `withdraw` follows checks-effects-interactions (guard, balance, debit, then the ETH transfer),
//! and the program is built without the SDK's `reentrant` feature, so its entrypoint refuses any
//! call that re-enters it while a `withdraw` is sending ETH. A recipient that tries gets an empty
//! revert; if it lets that failure propagate, the transfer fails and `withdraw` reverts with
//! [`TransferFailed`].

#![cfg_attr(not(test), no_main)]
#![cfg_attr(not(test), no_std)]
extern crate alloc;

#[cfg(test)]
mod tests;

// `vec!` is used by the code `#[public]` generates.
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::{sol, SolError};
use stylus_sdk::{
    call::transfer::transfer_eth,
    function_selector,
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256},
};
use vigil_guard::client::{GuardClient, GuardError};

sol! {
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientBalance(address account, uint256 balance, uint256 requested);
    /// The recipient refused the ETH (its `receive` reverted or it ran out of gas).
    #[derive(Debug, PartialEq, Eq)]
    error TransferFailed(address to, uint256 amount);

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);
}

/// The selector the guard's policies for `withdraw` are keyed on: the vault's admin configures
/// screening and rate limits for exactly this value.
pub const WITHDRAW_SELECTOR: [u8; 4] = function_selector!("withdraw", U256);

/// Every revert `deposit` and `withdraw` produce.
#[derive(Debug, PartialEq, Eq)]
pub enum VaultError {
    InsufficientBalance(InsufficientBalance),
    TransferFailed(TransferFailed),
    /// The guard said no, or could not be asked or told: its revert data, unchanged.
    Guard(GuardError),
}

impl From<GuardError> for VaultError {
    fn from(err: GuardError) -> Self {
        Self::Guard(err)
    }
}

/// The ABI revert data: the vault's own errors encoded, the guard's re-thrown as it produced them,
/// so callers decode `CallerFlagged`, `RateLimited`, ... from the vault exactly as from the guard.
impl From<VaultError> for Vec<u8> {
    fn from(err: VaultError) -> Self {
        match err {
            VaultError::InsufficientBalance(e) => e.abi_encode(),
            VaultError::TransferFailed(e) => e.abi_encode(),
            VaultError::Guard(e) => e.into(),
        }
    }
}

#[storage]
#[entrypoint]
pub struct StylusVault {
    guard: StorageAddress,
    balances: StorageMap<Address, StorageU256>,
}

#[public]
impl StylusVault {
    /// Registers the vault with the guard, administered by `admin`. The guard registers its
    /// `msg.sender`, which is this program whoever deploys it, so the admin is explicit.
    #[constructor]
    pub fn constructor(&mut self, guard: Address, admin: Address) -> Result<(), Vec<u8>> {
        self.guard.set(guard);
        let ctx = Call::new_mutating(self);
        GuardClient::new(guard).register_protocol(self.vm(), ctx, admin)?;
        Ok(())
    }

    /// Not checked (money coming in is never the attack), but reported: the guard credits it to
    /// `withdraw`'s rate limit, which then meters net outflow. So a deposit back ends a breaker
    /// trip at once, holding `withdraw` paused needs capital kept out of the vault, and a deposit
    /// and a withdrawal in the same second cancel out. The ETH came with the call, so the credit
    /// is of value already received; like `Guarded.credits`, it goes before the vault's effects.
    #[payable]
    pub fn deposit(&mut self) -> Result<(), VaultError> {
        let account = self.vm().msg_sender();
        let amount = self.vm().msg_value();
        let guard = GuardClient::new(self.guard.get());
        let ctx = Call::new_mutating(self);
        guard.credit(self.vm(), ctx, FixedBytes(WITHDRAW_SELECTOR), amount)?;
        let mut balance = self.balances.setter(account);
        let credited = balance.get() + amount;
        balance.set(credited);
        self.vm().log(Deposited { account, amount });
        Ok(())
    }

    /// Sends `amount` of the caller's balance to the caller, if the guard allows it. The guard is
    /// asked first, so a flagged caller learns nothing about its balance and a rate-limit charge
    /// is undone by any later revert.
    pub fn withdraw(&mut self, amount: U256) -> Result<(), VaultError> {
        let account = self.vm().msg_sender();
        let guard = GuardClient::new(self.guard.get());
        let ctx = Call::new_mutating(self);
        guard.check(
            self.vm(),
            ctx,
            account,
            FixedBytes(WITHDRAW_SELECTOR),
            amount,
        )?;
        let mut balance = self.balances.setter(account);
        let held = balance.get();
        if held < amount {
            return Err(VaultError::InsufficientBalance(InsufficientBalance {
                account,
                balance: held,
                requested: amount,
            }));
        }
        // Effects before the interaction: `transfer_eth` flushes this debit to storage before it
        // calls out, so even a re-entry the SDK let through would see the reduced balance.
        balance.set(held - amount);
        self.vm().log(Withdrawn { account, amount });
        transfer_eth(self.vm(), account, amount).map_err(|_| {
            VaultError::TransferFailed(TransferFailed {
                to: account,
                amount,
            })
        })
    }

    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    pub fn guard(&self) -> Address {
        self.guard.get()
    }
}
