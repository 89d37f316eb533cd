//! Two-step ownership, shaped like OpenZeppelin's `Ownable2Step`: the owner proposes
//! (`transferOwnership`), the proposed account accepts (`acceptOwnership`), so a typo cannot hand a
//! contract to an address nobody controls. Proposing the zero address cancels a pending transfer.
//!
//! Both contracts embed [`Ownable2Step`] as a storage field and keep their own public methods and
//! errors: the registry answers both failures with `Unauthorized(account)`, the guard with
//! `NotOwner(account)` / `NotPendingOwner(account)`. So this module returns an
//! [`OwnershipError`] and each contract maps it into its error enum:
//!
//! ```ignore
//! #[storage]
//! pub struct MyContract {
//!     ownership: Ownable2Step,   // two slots: owner, then pending owner
//!     // ...
//! }
//!
//! impl From<OwnershipError> for MyError {
//!     fn from(e: OwnershipError) -> Self {
//!         match e {
//!             OwnershipError::NotOwner(account) => MyError::NotOwner(NotOwner { account }),
//!             OwnershipError::NotPendingOwner(account) => MyError::NotPendingOwner(NotPendingOwner { account }),
//!         }
//!     }
//! }
//!
//! #[public]
//! impl MyContract {
//!     #[constructor]
//!     pub fn constructor(&mut self, owner: Address) -> Result<(), MyError> {
//!         // The zero check stays in the contract: it reverts with the contract's own error.
//!         self.ownership.init(owner);
//!         Ok(())
//!     }
//!     pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), MyError> {
//!         Ok(self.ownership.transfer_ownership(new_owner)?)
//!     }
//!     pub fn accept_ownership(&mut self) -> Result<(), MyError> {
//!         Ok(self.ownership.accept_ownership()?)
//!     }
//!     pub fn set_something(&mut self) -> Result<(), MyError> {
//!         self.ownership.only_owner()?;
//!         // ...
//!         Ok(())
//!     }
//! }
//! ```
//!
//! Storage: the two addresses are two consecutive slots wherever the field sits. A contract that
//! kept them apart before moves them (nothing is deployed, so no migration is needed; each
//! contract's docs record its layout).

// `#[storage]` expands to code that names `vec!` and `Vec`.
use alloc::{vec, vec::Vec};
use alloy_primitives::Address;
use stylus_sdk::{prelude::*, storage::StorageAddress};

use crate::{abi::w, log, topic0};

crate::sol_items! {
    /// The two events, for the exported interface.
    pub const EVENTS;

    /// `owner` proposed `pendingOwner`; it becomes owner when it calls `acceptOwnership`.
    event OwnershipTransferStarted(address indexed owner, address indexed pendingOwner);
    /// Ownership moved (from the zero address at construction).
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}

/// Why an ownership check failed, for the contract to turn into its own revert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnershipError {
    /// `account` called an owner-only method.
    NotOwner(Address),
    /// `account` tried to accept ownership nobody offered it.
    NotPendingOwner(Address),
}

/// The owner and the proposed next owner.
#[storage]
pub struct Ownable2Step {
    owner: StorageAddress,
    pending_owner: StorageAddress,
}

impl Ownable2Step {
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Sets the first owner and logs `OwnershipTransferred(0, owner)`. For the constructor, which
    /// rejects the zero address with its own error first.
    pub fn init(&mut self, owner: Address) {
        self.owner.set(owner);
        self.transferred(Address::ZERO, owner);
    }

    /// The caller, if it is the owner.
    pub fn only_owner(&self) -> Result<Address, OwnershipError> {
        let account = self.vm().msg_sender();
        if account != self.owner.get() {
            return Err(OwnershipError::NotOwner(account));
        }
        Ok(account)
    }

    /// Owner only: proposes `new_owner` (zero cancels), replacing any earlier proposal.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), OwnershipError> {
        let owner = self.only_owner()?;
        self.pending_owner.set(new_owner);
        log::emit(
            self.vm(),
            topic0!(OwnershipTransferStarted),
            &[w(owner), w(new_owner)],
            &[],
        );
        Ok(())
    }

    /// The proposed owner takes over; the proposal is cleared.
    pub fn accept_ownership(&mut self) -> Result<(), OwnershipError> {
        let account = self.vm().msg_sender();
        if account.is_zero() || account != self.pending_owner.get() {
            return Err(OwnershipError::NotPendingOwner(account));
        }
        let previous = self.owner.get();
        self.owner.set(account);
        self.pending_owner.set(Address::ZERO);
        self.transferred(previous, account);
        Ok(())
    }

    fn transferred(&self, previous: Address, owner: Address) {
        log::emit(
            self.vm(),
            topic0!(OwnershipTransferred),
            &[w(previous), w(owner)],
            &[],
        );
    }
}
