//! Minimal ABI words for hand-written routers, reverts and logs.
//!
//! The SDK's router decodes every method's arguments with alloy's generic decoder: one decoder
//! instance, plus a type-name string, per signature. In a contract with dozens of methods that is
//! most of the wasm, and every byte of wasm is paid in entry gas on every call and counts against
//! the 24 KiB deployable limit. Vigil's contracts take only static words, `bytes32[]` and `bytes`,
//! so they read words directly, as strictly as alloy's validating decoder: integers and addresses
//! with non-zero padding, bools other than 0/1 and out-of-range offsets are rejected.
//!
//! The traits tie the pieces together: [`Word`] is one value as one word (error arguments, event
//! fields), [`Words`] a static value written in place (a word, or a static struct a contract
//! implements it for), [`Decode`] reads an argument and [`Encode`] writes a whole return value. The
//! [`router!`](crate::router!) table uses the last two; a contract implements them only for its own
//! structs:
//!
//! ```
//! use alloy_primitives::{Address, U256};
//! use vigil_common::abi::{Args, Decode, Encode, Out, Words};
//!
//! /// A static struct returned by a view (`(address owner, uint256 total)` in Solidity).
//! struct Summary {
//!     owner: Address,
//!     total: U256,
//! }
//!
//! impl Words for Summary {
//!     const WORDS: usize = 2;
//!     fn write(&self, out: &mut Out) {
//!         out.address(self.owner).u256(self.total);
//!     }
//! }
//!
//! // Taken as an argument too: its fields are inline words.
//! impl Decode for Summary {
//!     const WORDS: usize = 2;
//!     fn decode(a: Args, i: usize) -> Option<Self> {
//!         Some(Summary { owner: a.address(i)?, total: a.u256(i + 1)? })
//!     }
//! }
//!
//! let s = Summary { owner: Address::repeat_byte(1), total: U256::from(7) };
//! let data = s.encode(); // exactly alloy's `abi_encode` of the tuple
//! assert_eq!(data.len(), 64);
//! let back = Summary::decode(Args(&data), 0).unwrap();
//! assert_eq!(back.total, U256::from(7));
//! ```

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, B256, U256};

use crate::word;

/// Calldata after the selector, read as ABI words. Every reader returns `None` on malformed input.
#[derive(Clone, Copy)]
pub struct Args<'a>(pub &'a [u8]);

impl<'a> Args<'a> {
    pub fn word(&self, i: usize) -> Option<&'a [u8; 32]> {
        self.0.get(i.checked_mul(32)?..)?.first_chunk::<32>()
    }

    /// A word holding an unsigned integer of at most `bytes` (<= 8) bytes.
    pub fn uint(&self, i: usize, bytes: usize) -> Option<u64> {
        let w = self.word(i)?;
        word::fits(w, bytes).then(|| word::limbs(w)[0])
    }

    pub fn address(&self, i: usize) -> Option<Address> {
        let w = self.word(i)?;
        word::fits(w, 20).then(|| Address::from_slice(&w[12..]))
    }

    pub fn bytes4(&self, i: usize) -> Option<FixedBytes<4>> {
        let w = self.word(i)?;
        word::fits_left(w, 4).then(|| FixedBytes([w[0], w[1], w[2], w[3]]))
    }

    pub fn b256(&self, i: usize) -> Option<B256> {
        self.word(i).map(|w| B256::new(*w))
    }

    pub fn u256(&self, i: usize) -> Option<U256> {
        self.word(i).map(word::from_be)
    }

    pub fn boolean(&self, i: usize) -> Option<bool> {
        match self.uint(i, 1)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub fn u8(&self, i: usize) -> Option<u8> {
        self.uint(i, 1).map(|v| v as u8)
    }

    pub fn u16(&self, i: usize) -> Option<u16> {
        self.uint(i, 2).map(|v| v as u16)
    }

    pub fn u32(&self, i: usize) -> Option<u32> {
        self.uint(i, 4).map(|v| v as u32)
    }

    pub fn u64(&self, i: usize) -> Option<u64> {
        self.uint(i, 8)
    }

    /// The tail a dynamic argument's head word `i` points to: its length word, then its contents.
    fn tail(&self, i: usize) -> Option<(usize, Args<'a>)> {
        let offset = self.uint(i, 4)? as usize;
        let tail = Args(self.0.get(offset..)?);
        Some((tail.uint(0, 4)? as usize, Args(tail.0.get(32..)?)))
    }

    /// A `bytes32[]` whose head is word `i`.
    pub fn b256_array(&self, i: usize) -> Option<Vec<B256>> {
        let (len, items) = self.tail(i)?;
        (0..len).map(|k| items.b256(k)).collect()
    }

    /// An `address[]` whose head is word `i`.
    pub fn address_array(&self, i: usize) -> Option<Vec<Address>> {
        let (len, items) = self.tail(i)?;
        (0..len).map(|k| items.address(k)).collect()
    }

    /// A `bytes` whose head is word `i`.
    pub fn bytes(&self, i: usize) -> Option<Vec<u8>> {
        let (len, body) = self.tail(i)?;
        body.0.get(..len).map(<[u8]>::to_vec)
    }
}

/// Builds return data word by word.
#[derive(Default)]
pub struct Out(pub Vec<u8>);

impl Out {
    pub fn with_capacity(words: usize) -> Self {
        Self(Vec::with_capacity(32 * words))
    }

    pub fn word(&mut self, w: B256) -> &mut Self {
        self.0.extend_from_slice(w.as_slice());
        self
    }

    pub fn uint(&mut self, v: u64) -> &mut Self {
        self.word(uint(v))
    }

    pub fn u256(&mut self, v: U256) -> &mut Self {
        self.word(B256::from(v))
    }

    pub fn address(&mut self, a: Address) -> &mut Self {
        self.word(a.into_word())
    }

    pub fn boolean(&mut self, b: bool) -> &mut Self {
        self.uint(b as u64)
    }

    /// `bytes` contents: the bytes, zero-padded to whole words.
    pub fn padded(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self.0.resize(self.0.len().div_ceil(32) * 32, 0);
        self
    }

    pub fn finish(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.0)
    }
}

pub fn uint(v: u64) -> B256 {
    B256::from(U256::from(v))
}

/// Custom error `selector` with static arguments `args`: the revert data of every typed error
/// enum. One non-generic encoder instead of alloy's per-error encoders (~150 bytes of wasm each,
/// paid on every call); each contract's tests compare every variant with alloy's encoding.
///
/// ```
/// use alloy_sol_types::{sol, SolError};
/// use vigil_common::abi::{revert, w};
/// sol! { error TooLate(uint64 deadline); }
/// assert_eq!(revert(TooLate::SELECTOR, &[w(9u64)]), TooLate { deadline: 9 }.abi_encode());
/// ```
pub fn revert(selector: [u8; 4], args: &[B256]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + 32 * args.len());
    data.extend_from_slice(&selector);
    for arg in args {
        data.extend_from_slice(arg.as_slice());
    }
    data
}

/// A value that is one ABI word: an error argument, an event field or topic, a static return.
pub trait Word: Copy {
    fn word(self) -> B256;
}

/// `value` as its ABI word, for argument lists such as `revert(E::SELECTOR, &[w(a), w(b)])`.
pub fn w(value: impl Word) -> B256 {
    value.word()
}

impl Word for B256 {
    fn word(self) -> B256 {
        self
    }
}

impl Word for Address {
    fn word(self) -> B256 {
        self.into_word()
    }
}

impl Word for bool {
    fn word(self) -> B256 {
        uint(self as u64)
    }
}

/// `bytesN` values sit at the start of their word.
impl Word for FixedBytes<4> {
    fn word(self) -> B256 {
        let mut w = [0u8; 32];
        for (d, s) in w.iter_mut().zip(self.0) {
            *d = s;
        }
        B256::new(w)
    }
}

macro_rules! uint_word {
    ($($t:ty),*) => {$(
        impl Word for $t {
            fn word(self) -> B256 {
                U256::from(self).into()
            }
        }
    )*};
}

uint_word!(u8, u16, u32, u64, u128, usize, U256);

/// A static ABI value: `WORDS` words written in place, in a return value or inside an array.
/// Every [`Word`] is one; a contract implements it for its static structs, field by field.
pub trait Words {
    const WORDS: usize;
    fn write(&self, out: &mut Out);
}

impl<T: Word> Words for T {
    const WORDS: usize = 1;
    fn write(&self, out: &mut Out) {
        out.word(self.word());
    }
}

/// A tuple of static values is their words in order (a view returning several values).
macro_rules! tuple_words {
    ($(($($t:ident . $i:tt),+))*) => {$(
        impl<$($t: Words),+> Words for ($($t,)+) {
            const WORDS: usize = 0 $(+ $t::WORDS)+;
            fn write(&self, out: &mut Out) {
                $(self.$i.write(out);)+
            }
        }
    )*};
}

tuple_words! {
    (A.0, B.1)
    (A.0, B.1, C.2)
    (A.0, B.1, C.2, D.3)
    (A.0, B.1, C.2, D.3, E.4)
    (A.0, B.1, C.2, D.3, E.4, F.5)
}

/// A whole return value (what follows a successful call). Static values are their words,
/// `T[]` and `bytes` an offset, a length and the items; `()` is empty. A contract implements it
/// directly only for a dynamic struct.
pub trait Encode {
    fn encode(self) -> Vec<u8>;
}

impl Encode for () {
    fn encode(self) -> Vec<u8> {
        Vec::new()
    }
}

impl<T: Words> Encode for T {
    fn encode(self) -> Vec<u8> {
        let mut out = Out::with_capacity(T::WORDS);
        self.write(&mut out);
        out.finish()
    }
}

impl<T: Words> Encode for Vec<T> {
    fn encode(self) -> Vec<u8> {
        let mut out = Out::with_capacity(2 + T::WORDS * self.len());
        out.uint(32).uint(self.len() as u64);
        for item in &self {
            item.write(&mut out);
        }
        out.finish()
    }
}

/// `bytes` (alloy's `Bytes`, which `stylus_sdk::abi::Bytes` is).
impl Encode for stylus_sdk::abi::Bytes {
    fn encode(self) -> Vec<u8> {
        dynamic_bytes(&self)
    }
}

/// A `bytes` return value held in a `Vec`. alloy's `Bytes` is a `bytes::Bytes`, whose shared-buffer
/// vtables are data segments and table elements: every call of a program that links them pays
/// about 0.75 gas per byte of them (about 74 gas for the guard's hot path), cached or not. A
/// program on a hot path returns this instead.
pub struct ByteVec(pub Vec<u8>);

impl Encode for ByteVec {
    fn encode(self) -> Vec<u8> {
        dynamic_bytes(&self.0)
    }
}

/// A `bytes` return value: offset, length, the zero-padded bytes.
fn dynamic_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Out::with_capacity(2 + bytes.len().div_ceil(32));
    out.uint(32).uint(bytes.len() as u64).padded(bytes);
    out.finish()
}

/// An argument read from its head word `i`. `WORDS` is how many head words it takes: 1 for a
/// word or a dynamic value (its offset), the field count for a static struct.
pub trait Decode: Sized {
    const WORDS: usize = 1;
    fn decode(a: Args, i: usize) -> Option<Self>;
}

macro_rules! decode_with {
    ($($t:ty => $read:ident),*) => {$(
        impl Decode for $t {
            fn decode(a: Args, i: usize) -> Option<Self> {
                a.$read(i)
            }
        }
    )*};
}

decode_with!(
    B256 => b256,
    U256 => u256,
    Address => address,
    FixedBytes<4> => bytes4,
    bool => boolean,
    u8 => u8,
    u16 => u16,
    u32 => u32,
    u64 => u64,
    Vec<B256> => b256_array,
    Vec<Address> => address_array
);

impl Decode for stylus_sdk::abi::Bytes {
    fn decode(a: Args, i: usize) -> Option<Self> {
        a.bytes(i).map(Into::into)
    }
}

/// The signature hash of event `$e` (topic 0), built from four code immediates. As a constant it
/// would sit in the data segment, which every call pays for (~0.75 gas a byte, cached or not): the
/// guard's 17 event hashes were ~400 gas on every `check`, the registry's ~800 bytes ~600 gas a
/// call. In code they cost next to nothing. The calling crate needs `alloy-sol-types`.
#[macro_export]
macro_rules! topic0 {
    ($e:ty) => {{
        const LIMBS: [u64; 4] =
            $crate::abi::limbs(<$e as alloy_sol_types::SolEvent>::SIGNATURE_HASH.0);
        $crate::abi::word_from_limbs(LIMBS[0], LIMBS[1], LIMBS[2], LIMBS[3])
    }};
}

/// A hash as four big-endian limbs, most significant first (for [`topic0!`]).
pub const fn limbs(hash: [u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut i = 0;
    while i < 32 {
        out[i / 8] = out[i / 8] << 8 | hash[i] as u64;
        i += 1;
    }
    out
}

/// Not inlined, so that each call site passes its limbs as immediates instead of copying a
/// 32-byte constant out of the data segment.
#[inline(never)]
pub fn word_from_limbs(a: u64, b: u64, c: u64, d: u64) -> B256 {
    B256::new(U256::from_limbs([d, c, b, a]).to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[[u8; 32]]) -> Vec<u8> {
        ws.concat()
    }

    fn num(v: u64) -> [u8; 32] {
        uint(v).0
    }

    #[test]
    fn integers_reject_dirty_padding() {
        let mut w = num(255);
        assert_eq!(Args(&w).u8(0), Some(255));
        assert_eq!(Args(&num(256)).u8(0), None);
        w[0] = 1;
        assert_eq!(Args(&w).u64(0), None);
        assert_eq!(Args(&num(2)).boolean(0), None);
        assert_eq!(Args(&num(1)).boolean(0), Some(true));
        assert_eq!(Args(&[0u8; 31]).word(0), None);
    }

    #[test]
    fn addresses_and_selectors_reject_dirty_padding() {
        let mut w = Address::repeat_byte(7).into_word().0;
        assert_eq!(Args(&w).address(0), Some(Address::repeat_byte(7)));
        w[0] = 1;
        assert_eq!(Args(&w).address(0), None);
        let mut s = [0u8; 32];
        s[..4].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(Args(&s).bytes4(0), Some(FixedBytes([1, 2, 3, 4])));
        s[4] = 1;
        assert_eq!(Args(&s).bytes4(0), None);
    }

    #[test]
    fn dynamic_arguments_are_bounded() {
        let data = words(&[num(32), num(2), [0xaa; 32], [0xbb; 32]]);
        assert_eq!(
            Args(&data).b256_array(0),
            Some(alloc::vec![
                B256::repeat_byte(0xaa),
                B256::repeat_byte(0xbb)
            ])
        );
        let short = words(&[num(32), num(3), [0xaa; 32]]);
        assert_eq!(Args(&short).b256_array(0), None);
        let far = words(&[num(4096)]);
        assert_eq!(Args(&far).b256_array(0), None);
        let bytes = words(&[num(32), num(3), [0xcc; 32]]);
        assert_eq!(Args(&bytes).bytes(0), Some(alloc::vec![0xcc; 3]));
        let huge = words(&[num(32), num(u32::MAX as u64)]);
        assert_eq!(Args(&huge).bytes(0), None);
    }

    #[test]
    fn out_pads_bytes_to_words() {
        let data = Out::default().uint(3).padded(&[1, 2, 3]).finish();
        assert_eq!(data.len(), 64);
        assert_eq!(&data[32..35], &[1, 2, 3]);
    }

    #[test]
    fn limbs_round_trip_a_hash() {
        let mut hash = [0u8; 32];
        for (i, b) in hash.iter_mut().enumerate() {
            *b = i as u8 * 7 + 1;
        }
        let [a, b, c, d] = limbs(hash);
        assert_eq!(word_from_limbs(a, b, c, d), B256::new(hash));
    }
}
