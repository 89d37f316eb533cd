//! Subject encoding: one `bytes32` namespace for addresses, code hashes and advisories.
//!
//! The top byte is a kind tag, so subjects of different kinds can never collide, and an address
//! subject is computed from the address alone (no hashing): a consumer's lookup by address is one
//! SLOAD. Code hashes and advisory ids keep their low 31 bytes (248 bits, still collision
//! resistant) under their tag.

use alloy_primitives::{Address, B256};

/// What a subject names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum SubjectKind {
    /// An attacker EOA, an exploit contract or a compromised contract.
    Address = 1,
    /// Every contract whose runtime code hashes to this value.
    CodeHash = 2,
    /// A vulnerability class or incident id that protocols tag their functions with.
    Advisory = 3,
}

impl SubjectKind {
    /// The kind of a well-formed subject; `None` for words no encoder produces.
    pub fn of(subject: B256) -> Option<Self> {
        let kind = match subject[0] {
            1 => Self::Address,
            2 => Self::CodeHash,
            3 => Self::Advisory,
            _ => return None,
        };
        // Address subjects carry the address in the low 20 bytes and zeros between tag and address.
        if kind == Self::Address && subject[1..12].iter().any(|b| *b != 0) {
            return None;
        }
        Some(kind)
    }
}

/// The subject of an address.
pub fn address(account: Address) -> B256 {
    let mut word = [0u8; 32];
    word[0] = SubjectKind::Address as u8;
    word[12..].copy_from_slice(account.as_slice());
    B256::new(word)
}

/// The subject of every contract with runtime code hash `code_hash`.
pub fn code_hash(code_hash: B256) -> B256 {
    tagged(SubjectKind::CodeHash, code_hash)
}

/// The code-hash subject that screens an account whose EXTCODEHASH is `hash`, or `None` for an
/// account without code: zero (no account) and `keccak256("")` (an EOA or an empty account) name
/// no code, so a flag on the empty code's subject can never reach an EOA.
pub fn of_runtime_code(hash: B256) -> Option<B256> {
    // keccak256(""), built from immediates so it does not sit in the data segment.
    const EMPTY: [u64; 4] = crate::abi::limbs(alloy_primitives::KECCAK256_EMPTY.0);
    let empty = crate::abi::word_from_limbs(EMPTY[0], EMPTY[1], EMPTY[2], EMPTY[3]);
    (!hash.is_zero() && hash != empty).then(|| code_hash(hash))
}

/// The subject of an advisory id (for example the keccak256 of a CVE-style identifier).
pub fn advisory(id: B256) -> B256 {
    tagged(SubjectKind::Advisory, id)
}

/// The address an address subject names, if it is one.
pub fn as_address(subject: B256) -> Option<Address> {
    match SubjectKind::of(subject) {
        Some(SubjectKind::Address) => Some(Address::from_slice(&subject[12..])),
        _ => None,
    }
}

fn tagged(kind: SubjectKind, value: B256) -> B256 {
    let mut word = value.0;
    word[0] = kind as u8;
    B256::new(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn address_subject_layout() {
        let a = Address::repeat_byte(0xab);
        let s = address(a);
        assert_eq!(s[0], 1);
        assert!(s[1..12].iter().all(|b| *b == 0));
        assert_eq!(&s[12..], a.as_slice());
        assert_eq!(as_address(s), Some(a));
    }

    #[test]
    fn unknown_tags_and_dirty_padding_are_not_subjects() {
        assert_eq!(SubjectKind::of(B256::ZERO), None);
        assert_eq!(SubjectKind::of(B256::repeat_byte(4)), None);
        let mut dirty = address(Address::ZERO).0;
        dirty[5] = 1;
        assert_eq!(SubjectKind::of(B256::new(dirty)), None);
        assert_eq!(as_address(code_hash(B256::ZERO)), None);
    }

    #[test]
    fn no_code_has_no_code_subject() {
        assert_eq!(of_runtime_code(B256::ZERO), None);
        assert_eq!(of_runtime_code(alloy_primitives::KECCAK256_EMPTY), None);
        let h = alloy_primitives::keccak256([0x60, 0x00]);
        assert_eq!(of_runtime_code(h), Some(code_hash(h)));
    }

    proptest! {
        #[test]
        fn kinds_never_collide(a in any::<[u8; 20]>(), h in any::<[u8; 32]>(), v in any::<[u8; 32]>()) {
            let (a, h, v) = (address(Address::new(a)), code_hash(B256::new(h)), advisory(B256::new(v)));
            prop_assert_eq!(SubjectKind::of(a), Some(SubjectKind::Address));
            prop_assert_eq!(SubjectKind::of(h), Some(SubjectKind::CodeHash));
            prop_assert_eq!(SubjectKind::of(v), Some(SubjectKind::Advisory));
            prop_assert_ne!(a, h);
            prop_assert_ne!(h, v);
            prop_assert_ne!(a, v);
        }

        #[test]
        fn encoding_is_idempotent(h in any::<[u8; 32]>()) {
            let s = code_hash(B256::new(h));
            prop_assert_eq!(code_hash(s), s);
            prop_assert_eq!(&s[1..], &h[1..]);
        }
    }
}
