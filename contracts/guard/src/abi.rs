//! Revert data and log words, encoded by hand.
//!
//! Every error the guard reverts with and every event it logs has only one-word fields (plus the
//! tag list of `AdvisoryTagsSet`, which is words too). alloy's encoder is generic over each type,
//! so its ~45 errors and events would each get their own copy of encoding code in the wasm; one
//! word writer serves them all here. The `sol!` definitions stay the reference (selectors,
//! signature hashes, the exported interface) and the tests compare every encoding with alloy's.

#[cfg(not(feature = "export-abi"))]
use alloc::vec::Vec;

use alloy_primitives::{Address, FixedBytes, B256, U256};
#[cfg(not(feature = "export-abi"))]
use alloy_sol_types::SolError;

#[cfg(not(feature = "export-abi"))]
use crate::*;

// The word builders below copy with `zip` rather than `copy_from_slice`: a length check that the
// optimiser cannot prove away leaves a panic site, and its location string lands in the data segment.

/// `bytes` right-aligned in a word (padded on the left).
pub fn right_aligned(bytes: &[u8]) -> B256 {
    let mut w = [0u8; 32];
    for (d, s) in w.iter_mut().rev().zip(bytes.iter().rev()) {
        *d = *s;
    }
    B256::new(w)
}

pub fn address(a: Address) -> B256 {
    right_aligned(a.as_slice())
}

pub fn uint(v: u64) -> B256 {
    right_aligned(&v.to_be_bytes())
}

pub fn u256(v: U256) -> B256 {
    B256::new(v.to_be_bytes())
}

/// `bytesN` values sit at the start of their word.
pub fn bytes4(s: FixedBytes<4>) -> B256 {
    let mut w = [0u8; 32];
    for (d, s) in w.iter_mut().zip(s.0) {
        *d = s;
    }
    B256::new(w)
}

/// The address in the low 20 bytes of a word.
pub fn word_address(w: &[u8; 32]) -> Address {
    let mut a = [0u8; 20];
    for (d, s) in a.iter_mut().zip(&w[12..]) {
        *d = *s;
    }
    Address::new(a)
}

pub fn flag(b: bool) -> B256 {
    uint(b as u64)
}

#[cfg(not(feature = "export-abi"))]
fn revert(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend(selector);
    for word in words {
        out.extend_from_slice(word.as_slice());
    }
    out
}

#[cfg(not(feature = "export-abi"))]
impl From<CircuitGuardError> for Vec<u8> {
    fn from(err: CircuitGuardError) -> Self {
        use CircuitGuardError as E;
        match err {
            E::ProtocolNotRegistered(e) => {
                revert(ProtocolNotRegistered::SELECTOR, &[address(e.protocol)])
            }
            E::ProtocolPaused(e) => revert(ProtocolPaused::SELECTOR, &[uint(e.until)]),
            E::SelectorPaused(e) => revert(
                SelectorPaused::SELECTOR,
                &[bytes4(e.selector), uint(e.until)],
            ),
            E::CallerFlagged(e) => revert(
                CallerFlagged::SELECTOR,
                &[address(e.caller), uint(e.level as u64)],
            ),
            E::AdvisoryActive(e) => revert(AdvisoryActive::SELECTOR, &[e.advisory]),
            E::RateLimited(e) => revert(
                RateLimited::SELECTOR,
                &[bytes4(e.selector), u256(e.available), uint(e.retry_after)],
            ),
            E::NotOwner(e) => revert(NotOwner::SELECTOR, &[address(e.account)]),
            E::NotPendingOwner(e) => revert(NotPendingOwner::SELECTOR, &[address(e.account)]),
            E::NotAdmin(e) => revert(
                NotAdmin::SELECTOR,
                &[address(e.protocol), address(e.account)],
            ),
            E::NotAdminOrGuardian(e) => revert(
                NotAdminOrGuardian::SELECTOR,
                &[address(e.protocol), address(e.account)],
            ),
            E::NotRegistry(e) => revert(NotRegistry::SELECTOR, &[address(e.account)]),
            E::ZeroAddress(_) => revert(ZeroAddress::SELECTOR, &[]),
            E::AlreadyRegistered(e) => revert(AlreadyRegistered::SELECTOR, &[address(e.protocol)]),
            E::InvalidScreening(e) => revert(InvalidScreening::SELECTOR, &[uint(e.mode as u64)]),
            E::CapacityZero(_) => revert(CapacityZero::SELECTOR, &[]),
            E::RefillOverflow(e) => revert(
                RefillOverflow::SELECTOR,
                &[u256(e.refill_per_second), u256(e.capacity)],
            ),
            E::RefillBelowUnit(e) => revert(
                RefillBelowUnit::SELECTOR,
                &[u256(e.refill_per_second), u256(e.unit)],
            ),
            E::InvalidTrip(e) => revert(
                InvalidTrip::SELECTOR,
                &[u256(e.trip_level), uint(e.trip_cooldown as u64)],
            ),
            E::ZeroDuration(_) => revert(ZeroDuration::SELECTOR, &[]),
            E::PauseTooLong(e) => revert(PauseTooLong::SELECTOR, &[uint(e.duration), uint(e.max)]),
            E::PauseCooldown(e) => revert(PauseCooldown::SELECTOR, &[uint(e.retry_at)]),
            E::TooManySelectors(e) => revert(TooManySelectors::SELECTOR, &[uint(e.max as u64)]),
            E::TooManyTags(e) => {
                revert(TooManyTags::SELECTOR, &[u256(e.count), uint(e.max as u64)])
            }
            E::NotAdvisory(e) => revert(NotAdvisory::SELECTOR, &[e.tag]),
            E::InvalidSubject(e) => revert(InvalidSubject::SELECTOR, &[e.subject]),
            E::InvalidStatus(e) => revert(InvalidStatus::SELECTOR, &[e.subject, u256(e.status)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolEvent;

    #[test]
    fn topic0_is_the_signature_hash() {
        assert_eq!(topic0!(RateLimitSet), RateLimitSet::SIGNATURE_HASH);
        assert_eq!(topic0!(Tripped), Tripped::SIGNATURE_HASH);
    }

    /// Every variant, encoded by hand and by alloy, byte for byte.
    #[test]
    fn errors_encode_like_alloy() {
        let a = Address::repeat_byte(0xab);
        let b = Address::repeat_byte(0xcd);
        let s = FixedBytes([0xff, 0, 0xee, 1]);
        let h = B256::repeat_byte(0x5a);
        let big = U256::MAX - U256::from(7u8);
        let cases: Vec<(CircuitGuardError, Vec<u8>)> = vec![
            (
                E::ProtocolNotRegistered(ProtocolNotRegistered { protocol: a }),
                ProtocolNotRegistered { protocol: a }.abi_encode(),
            ),
            (
                E::ProtocolPaused(ProtocolPaused { until: u64::MAX }),
                ProtocolPaused { until: u64::MAX }.abi_encode(),
            ),
            (
                E::SelectorPaused(SelectorPaused {
                    selector: s,
                    until: 9,
                }),
                SelectorPaused {
                    selector: s,
                    until: 9,
                }
                .abi_encode(),
            ),
            (
                E::CallerFlagged(CallerFlagged {
                    caller: a,
                    level: 255,
                }),
                CallerFlagged {
                    caller: a,
                    level: 255,
                }
                .abi_encode(),
            ),
            (
                E::AdvisoryActive(AdvisoryActive { advisory: h }),
                AdvisoryActive { advisory: h }.abi_encode(),
            ),
            (
                E::RateLimited(RateLimited {
                    selector: s,
                    available: big,
                    retry_after: 3,
                }),
                RateLimited {
                    selector: s,
                    available: big,
                    retry_after: 3,
                }
                .abi_encode(),
            ),
            (
                E::NotOwner(NotOwner { account: a }),
                NotOwner { account: a }.abi_encode(),
            ),
            (
                E::NotPendingOwner(NotPendingOwner { account: a }),
                NotPendingOwner { account: a }.abi_encode(),
            ),
            (
                E::NotAdmin(NotAdmin {
                    protocol: a,
                    account: b,
                }),
                NotAdmin {
                    protocol: a,
                    account: b,
                }
                .abi_encode(),
            ),
            (
                E::NotAdminOrGuardian(NotAdminOrGuardian {
                    protocol: a,
                    account: b,
                }),
                NotAdminOrGuardian {
                    protocol: a,
                    account: b,
                }
                .abi_encode(),
            ),
            (
                E::NotRegistry(NotRegistry { account: b }),
                NotRegistry { account: b }.abi_encode(),
            ),
            (E::ZeroAddress(ZeroAddress {}), ZeroAddress {}.abi_encode()),
            (
                E::AlreadyRegistered(AlreadyRegistered { protocol: b }),
                AlreadyRegistered { protocol: b }.abi_encode(),
            ),
            (
                E::InvalidScreening(InvalidScreening { mode: 200 }),
                InvalidScreening { mode: 200 }.abi_encode(),
            ),
            (
                E::CapacityZero(CapacityZero {}),
                CapacityZero {}.abi_encode(),
            ),
            (
                E::RefillOverflow(RefillOverflow {
                    refill_per_second: big,
                    capacity: U256::from(1u8),
                }),
                RefillOverflow {
                    refill_per_second: big,
                    capacity: U256::from(1u8),
                }
                .abi_encode(),
            ),
            (
                E::RefillBelowUnit(RefillBelowUnit {
                    refill_per_second: U256::from(1u8),
                    unit: big,
                }),
                RefillBelowUnit {
                    refill_per_second: U256::from(1u8),
                    unit: big,
                }
                .abi_encode(),
            ),
            (
                E::InvalidTrip(InvalidTrip {
                    trip_level: big,
                    trip_cooldown: u32::MAX,
                }),
                InvalidTrip {
                    trip_level: big,
                    trip_cooldown: u32::MAX,
                }
                .abi_encode(),
            ),
            (
                E::ZeroDuration(ZeroDuration {}),
                ZeroDuration {}.abi_encode(),
            ),
            (
                E::PauseTooLong(PauseTooLong {
                    duration: 1,
                    max: 2,
                }),
                PauseTooLong {
                    duration: 1,
                    max: 2,
                }
                .abi_encode(),
            ),
            (
                E::PauseCooldown(PauseCooldown { retry_at: 5 }),
                PauseCooldown { retry_at: 5 }.abi_encode(),
            ),
            (
                E::TooManySelectors(TooManySelectors { max: 32 }),
                TooManySelectors { max: 32 }.abi_encode(),
            ),
            (
                E::TooManyTags(TooManyTags { count: big, max: 4 }),
                TooManyTags { count: big, max: 4 }.abi_encode(),
            ),
            (
                E::NotAdvisory(NotAdvisory { tag: h }),
                NotAdvisory { tag: h }.abi_encode(),
            ),
            (
                E::InvalidSubject(InvalidSubject { subject: h }),
                InvalidSubject { subject: h }.abi_encode(),
            ),
            (
                E::InvalidStatus(InvalidStatus {
                    subject: h,
                    status: big,
                }),
                InvalidStatus {
                    subject: h,
                    status: big,
                }
                .abi_encode(),
            ),
        ];
        assert_eq!(cases.len(), 26);
        for (err, expected) in cases {
            assert_eq!(Vec::<u8>::from(err), expected);
        }
    }

    use CircuitGuardError as E;
}
