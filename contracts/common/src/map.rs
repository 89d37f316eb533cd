//! [`Map`]: the SDK's `StorageMap` with the same slots and the same accessors, cheaper to index.
//!
//! The SDK derives an element's slot as `keccak256(key word ++ root)` and builds that 64-byte
//! preimage with alloy's `FixedBytes::concat_const`, a `const fn` that copies one byte per loop
//! turn. The gas profile (`bench --profile`, docs/design.md §8.4) put it first among the guard's
//! own code: 146 gas of a guarded call, and 732 to 950 gas of a registry report. Here the preimage
//! is two slice copies (`memory.copy`, a few hundred ink). The slot is the same for every key, so
//! the storage layout does not change (the tests below compare with the SDK's own derivation).

use core::marker::PhantomData;

use alloy_primitives::{Address, FixedBytes, U256};
use stylus_sdk::{
    crypto,
    host::VM,
    prelude::HostAccess,
    storage::{Erase, SimpleStorageType, StorageGuard, StorageGuardMut, StorageType},
};

use crate::word;

/// A key of a [`Map`]: the 32-byte word its slot hashes, exactly as the SDK's `StorageKey` pads
/// it (numbers and addresses right-aligned, fixed bytes left-aligned).
pub trait MapKey {
    fn word(&self) -> [u8; 32];
}

impl MapKey for Address {
    fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[12..].copy_from_slice(self.as_slice());
        word
    }
}

impl<const N: usize> MapKey for FixedBytes<N> {
    fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[..N].copy_from_slice(self.as_slice());
        word
    }
}

impl MapKey for u32 {
    fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[28..].copy_from_slice(&self.to_be_bytes());
        word
    }
}

/// The slot of `key` in the map rooted at `root`: `keccak256(key word ++ root)`.
fn slot_of(key: &impl MapKey, root: U256) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(&key.word());
    preimage[32..].copy_from_slice(&word::to_be(&root));
    word::from_be(&crypto::keccak(preimage).0)
}

/// A storage-backed map, slot for slot the SDK's `StorageMap<K, V>`.
pub struct Map<K: MapKey, V: StorageType> {
    slot: U256,
    marker: PhantomData<(K, V)>,
    host: VM,
}

impl<K: MapKey, V: StorageType> StorageType for Map<K, V> {
    type Wraps<'a>
        = StorageGuard<'a, Map<K, V>>
    where
        Self: 'a;
    type WrapsMut<'a>
        = StorageGuardMut<'a, Map<K, V>>
    where
        Self: 'a;

    unsafe fn new(slot: U256, offset: u8, host: VM) -> Self {
        debug_assert!(offset == 0);
        Self {
            slot,
            marker: PhantomData,
            host,
        }
    }

    fn load<'s>(self) -> Self::Wraps<'s> {
        StorageGuard::new(self)
    }

    fn load_mut<'s>(self) -> Self::WrapsMut<'s> {
        StorageGuardMut::new(self)
    }
}

impl<K: MapKey, V: StorageType> HostAccess for Map<K, V> {
    type Host = VM;

    fn vm(&self) -> &Self::Host {
        &self.host
    }
}

impl<K: MapKey, V: StorageType> Map<K, V> {
    /// Where in its word the element lives, as in `StorageMap`.
    const CHILD_OFFSET: u8 = 32 - V::SLOT_BYTES as u8;

    /// The element's accessor, valid as long as the borrow of the map.
    pub fn getter(&self, key: K) -> StorageGuard<'_, V> {
        let slot = slot_of(&key, self.slot);
        // SAFETY: the slot is the element's own, as `StorageMap::getter` derives it.
        unsafe { StorageGuard::new(V::new(slot, Self::CHILD_OFFSET, self.host.clone())) }
    }

    /// The element's mutable accessor, valid as long as the borrow of the map.
    pub fn setter(&mut self, key: K) -> StorageGuardMut<'_, V> {
        let slot = slot_of(&key, self.slot);
        // SAFETY: as in `getter`; the `&mut self` borrow keeps the accessor unique.
        unsafe { StorageGuardMut::new(V::new(slot, Self::CHILD_OFFSET, self.host.clone())) }
    }

    /// The element's value, or the zero value if none is there.
    pub fn get(&self, key: K) -> V::Wraps<'_> {
        let store = self.getter(key);
        // SAFETY: the value is loaded at once; no other accessor of the slot is alive.
        unsafe { store.into_raw().load() }
    }
}

impl<'a, K: MapKey, V: SimpleStorageType<'a>> Map<K, V> {
    /// Sets the element at `key`, overwriting what was there.
    pub fn insert(&mut self, key: K, value: V::Wraps<'a>) {
        self.setter(key).set_by_wrapped(value);
    }
}

impl<K: MapKey, V: Erase> Map<K, V> {
    /// Erases the element at `key`.
    pub fn delete(&mut self, key: K) {
        self.setter(key).erase();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{B256, U160};
    use proptest::prelude::*;
    use stylus_sdk::storage::StorageKey;

    fn root(seed: [u8; 32]) -> (U256, B256) {
        let root = U256::from_be_bytes(seed);
        (root, B256::from(root))
    }

    proptest! {
        #[test]
        fn every_key_kind_has_the_sdk_slot(
            seed in any::<[u8; 32]>(),
            address in any::<[u8; 20]>(),
            bytes24 in any::<[u8; 24]>(),
            bytes32 in any::<[u8; 32]>(),
            number in any::<u32>(),
        ) {
            let (root, sdk_root) = root(seed);
            let address = Address::from(address);
            prop_assert_eq!(slot_of(&address, root), address.to_slot(sdk_root));
            let key = FixedBytes::<24>::from(bytes24);
            prop_assert_eq!(slot_of(&key, root), key.to_slot(sdk_root));
            let key = B256::from(bytes32);
            prop_assert_eq!(slot_of(&key, root), key.to_slot(sdk_root));
            prop_assert_eq!(slot_of(&number, root), number.to_slot(sdk_root));
            // The address word is its 160-bit number's, as the SDK keys addresses.
            let as_number: U160 = address.into();
            prop_assert_eq!(slot_of(&address, root), as_number.to_slot(sdk_root));
        }
    }
}
