//! 256-bit words read and tested by their four 64-bit limbs.
//!
//! ruint's `is_zero` compares with `Self::ZERO` through `memcmp`, a byte loop, and its byte
//! conversions go byte by byte too. A Stylus program pays ink for every instruction it runs: on
//! the guard's `check` those loops were over 100 of its ~600 gas of code (`bench --profile`).
//! These functions do the same work with four loads or four compares.

use alloy_primitives::U256;

/// The big-endian `u64` at `word[at..at + 8]`, by constant indices so that it compiles to loads and
/// shifts in place (a `copy_from_slice` over a computed range is an out-of-line call at `opt-level
/// = "z"`).
#[inline(always)]
fn be64(word: &[u8; 32], at: usize) -> u64 {
    u64::from_be_bytes([
        word[at],
        word[at + 1],
        word[at + 2],
        word[at + 3],
        word[at + 4],
        word[at + 5],
        word[at + 6],
        word[at + 7],
    ])
}

/// The word's limbs, least significant first (ruint's order), from its big-endian bytes.
#[inline(always)]
pub fn limbs(word: &[u8; 32]) -> [u64; 4] {
    [be64(word, 24), be64(word, 16), be64(word, 8), be64(word, 0)]
}

/// `U256::from_be_bytes`, a limb at a time.
#[inline(always)]
pub fn from_be(word: &[u8; 32]) -> U256 {
    U256::from_limbs(limbs(word))
}

/// `value.to_be_bytes::<32>()`, a limb at a time.
#[inline(always)]
pub fn to_be(value: &U256) -> [u8; 32] {
    let [a, b, c, d] = *value.as_limbs();
    let [d, c, b, a] = [
        d.to_be_bytes(),
        c.to_be_bytes(),
        b.to_be_bytes(),
        a.to_be_bytes(),
    ];
    [
        d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], c[0], c[1], c[2], c[3], c[4], c[5], c[6],
        c[7], b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], a[0], a[1], a[2], a[3], a[4], a[5],
        a[6], a[7],
    ]
}

/// `value.is_zero()` without `memcmp`.
#[inline(always)]
pub fn is_zero(value: &U256) -> bool {
    let [a, b, c, d] = *value.as_limbs();
    a | b | c | d == 0
}

/// Whether the word's value fits in its low `bytes` bytes (the rest is zero padding), the check an
/// ABI decoder makes on an integer or an address.
pub fn fits(word: &[u8; 32], bytes: usize) -> bool {
    let bits = 8 * bytes.min(32) as u32;
    limbs(word).iter().enumerate().all(|(k, limb)| {
        let low = 64 * k as u32;
        let allowed = bits.saturating_sub(low).min(64);
        allowed == 64 || limb >> allowed == 0
    })
}

/// Whether everything but the first `bytes` bytes of the word is zero: the padding of a `bytesN`.
pub fn fits_left(word: &[u8; 32], bytes: usize) -> bool {
    let bits = 8 * bytes.min(32) as u32;
    limbs(word).iter().enumerate().all(|(k, limb)| {
        let high = 256 - 64 * (k as u32 + 1);
        let allowed = bits.saturating_sub(high).min(64);
        allowed == 64 || limb << allowed == 0
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn agree_with_ruint(word in any::<[u8; 32]>(), bytes in 0usize..=32) {
            let value = U256::from_be_bytes(word);
            prop_assert_eq!(from_be(&word), value);
            prop_assert_eq!(to_be(&value), word);
            prop_assert_eq!(is_zero(&value), value.is_zero());
            let low = bytes * 8;
            let fits_low = low == 256 || value >> low == U256::ZERO;
            prop_assert_eq!(fits(&word, bytes), fits_low);
            let fits_high = low == 256 || value << low == U256::ZERO;
            prop_assert_eq!(fits_left(&word, bytes), fits_high);
        }

        #[test]
        fn padding_checks_see_every_byte(bytes in 0usize..32, at in 0usize..32, byte in 1u8..) {
            let mut word = [0u8; 32];
            word[at] = byte;
            prop_assert_eq!(fits(&word, bytes), at >= 32 - bytes);
            prop_assert_eq!(fits_left(&word, bytes), at < bytes);
        }
    }

    #[test]
    fn zero_is_zero() {
        assert!(is_zero(&U256::ZERO));
        assert!(!is_zero(&(U256::from(1) << 255)));
    }
}
