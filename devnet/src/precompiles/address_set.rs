//! Nitro's `AddressSet` in ArbOS storage: the size at offset 0, members at offsets 1..=size, and
//! a sub-space mapping each member (as a left-padded word) to its offset, so that membership is
//! one read.

use crate::stylus::programs::{Arbos, Load, OutOfGas, Space, Store};
use revm::primitives::{Address, B256, U256};

/// Where one set lives.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AddressSet {
    members: Space,
    by_address: Space,
}

impl AddressSet {
    /// The chain owners (ArbOS root sub-space 4).
    pub const CHAIN_OWNERS: AddressSet = AddressSet {
        members: Space::ChainOwners,
        by_address: Space::ChainOwnersByAddress,
    };
    /// The cache managers (sub-space 4 of the programs space).
    pub const CACHE_MANAGERS: AddressSet = AddressSet {
        members: Space::CacheManagers,
        by_address: Space::CacheManagersByAddress,
    };

    fn index_slot(&self, address: Address) -> U256 {
        self.by_address.slot(address.into_word())
    }

    /// Whether `address` is a member: one storage read.
    pub fn is_member<W: Load>(
        &self,
        arbos: &mut Arbos<W>,
        address: Address,
    ) -> Result<bool, OutOfGas> {
        Ok(!arbos.get(self.index_slot(address))?.is_zero())
    }

    /// Up to `max` members in insertion order: a read for the size and one per member.
    pub fn members<W: Load>(
        &self,
        arbos: &mut Arbos<W>,
        max: u64,
    ) -> Result<Vec<Address>, OutOfGas> {
        let size: u64 = arbos.get(self.members.slot_at(0))?.saturating_to();
        (1..=size.min(max))
            .map(|i| {
                let word = arbos.get(self.members.slot_at(i))?;
                Ok(Address::from_word(B256::from(word)))
            })
            .collect()
    }

    /// Adds `address` unless present (the chain's own write: genesis).
    pub fn add<S: Store>(&self, words: &mut S, address: Address) {
        if !words.load(self.index_slot(address)).is_zero() {
            return;
        }
        let size: u64 = words.load(self.members.slot_at(0)).saturating_to();
        let index = size + 1;
        words.store(self.index_slot(address), U256::from(index));
        words.store(
            self.members.slot_at(index),
            U256::from_be_bytes(address.into_word().0),
        );
        words.store(self.members.slot_at(0), U256::from(index));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stylus::programs::{Burner, Words};
    use revm::primitives::keccak256;

    #[test]
    fn members_are_listed_in_order_and_looked_up_by_address() {
        let set = AddressSet::CACHE_MANAGERS;
        let mut arbos = Arbos {
            words: Words::default(),
            gas: Burner::metered(100_000),
        };
        let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
        set.add(&mut arbos.words, a);
        set.add(&mut arbos.words, b);
        set.add(&mut arbos.words, a);
        assert_eq!(set.members(&mut arbos, 10), Ok(vec![a, b]));
        assert_eq!(set.members(&mut arbos, 1), Ok(vec![a]));
        assert_eq!(set.is_member(&mut arbos, b), Ok(true));
        assert_eq!(set.is_member(&mut arbos, Address::ZERO), Ok(false));
        // size + 2 members, size + 1 member, two lookups
        assert_eq!(arbos.gas.used(), 800 * (3 + 2 + 2));
        assert!(!AddressSet::CHAIN_OWNERS.is_member(&mut arbos, a).unwrap());
        // Nitro's layout: the managers space is keccak(keccak([8]) ++ [4]), the index of a
        // member sits in its sub-space 0 under the left-padded address.
        let managers = keccak256([&keccak256([8u8])[..], &[4u8]].concat());
        let by_address = keccak256([&managers[..], &[0u8]].concat());
        let key = a.into_word();
        let mut slot = keccak256([&by_address[..], &key[..31]].concat()).0;
        slot[31] = key[31];
        assert_eq!(arbos.words.load(U256::from_be_bytes(slot)), U256::from(1));
    }
}
