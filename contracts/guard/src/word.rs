//! The two packed words the guard's `check` decides from.
//!
//! `check` on a configured selector reads exactly one policy word (plus the caller's status word
//! when screening, plus one tag and one status word per advisory tag), and writes back at most that
//! same word. Everything `check` needs about a (protocol, selector) therefore lives in the
//! [`SelectorWord`], including a copy of the protocol-wide pause, which `pauseProtocol` and
//! `unpauseProtocol` keep in sync over the protocol's bounded list of configured selectors.
//! The [`ProtocolWord`] is only read on the slow path (unconfigured selectors) and by admin calls.
//!
//! Times are unix seconds in 32 bits: they last until February 2106. A block time beyond that
//! saturates, which keeps every pause in force (an `until` of `u32::MAX` never passes) and freezes
//! refills; the contract must be migrated before then.

use alloy_primitives::{Address, U256};

/// Largest bucket capacity in units (24 bits). Small on purpose: the 36-bit tokens field then
/// holds more than 4,000 capacities, which is the room a second's inflows have above capacity
/// (see [`crate::bucket`]: credits are netted exactly against charges of the same second).
pub const MAX_CAPACITY: u64 = (1 << CAPACITY_BITS) - 1;
pub const CAPACITY_BITS: usize = 24;

/// Largest token count in units: capacity plus the current second's inflows, saturating.
pub const MAX_TOKENS: u64 = (1 << 36) - 1;

const TOKENS_MASK: u128 = (1 << 36) - 1;
const LEVEL_MASK: u128 = (1 << 24) - 1;
/// Bit 244 of the selector word, in its high 128 bits.
const CODE_BIT: u32 = 244 - 128;

/// The bit of an admin's screening `mode` that also screens the caller's runtime code hash: mode
/// `0 | SCREEN_CODE` blocks confirmed addresses and confirmed code, `1 | SCREEN_CODE` also watch.
pub const SCREEN_CODE: u8 = 4;

/// Screening policy for callers (and, optionally, `tx.origin`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum Screening {
    /// Block confirmed, unexpired flags only: pending is not guilty (prior art, lesson 1).
    #[default]
    Confirmed = 0,
    /// Also block subjects on watch: for functions where a soft signal is enough to refuse.
    WatchAndAbove = 1,
    /// No screening: the status word is not even read.
    Off = 2,
}

impl Screening {
    /// The mode a 2-bit field or an admin's `uint8` names; `None` for anything else.
    pub const fn from_u8(mode: u8) -> Option<Self> {
        Some(match mode {
            0 => Self::Confirmed,
            1 => Self::WatchAndAbove,
            2 => Self::Off,
            _ => return None,
        })
    }

    /// An admin's `mode`: a mode in bits 0-1, plus [`SCREEN_CODE`] for the caller's code hash;
    /// `None` for anything else, including code screening with screening off (it would block
    /// nothing).
    pub const fn parse(mode: u8) -> Option<(Self, bool)> {
        let code = mode & SCREEN_CODE != 0;
        match Self::from_u8(mode & !SCREEN_CODE) {
            Some(Self::Off) if code => None,
            Some(m) => Some((m, code)),
            None => None,
        }
    }

    /// The admin's `mode` that [`Screening::parse`] reads as `(self, code)`.
    pub const fn mode(self, code: bool) -> u8 {
        self as u8 | if code { SCREEN_CODE } else { 0 }
    }

    /// Whether a subject at `level` is blocked under this mode.
    pub fn blocks(self, level: vigil_common::Level) -> bool {
        use vigil_common::Level;
        match self {
            Self::Confirmed => level == Level::Confirmed,
            Self::WatchAndAbove => matches!(level, Level::Watch | Level::Confirmed),
            Self::Off => false,
        }
    }
}

const CONFIGURED: u8 = 1;
const MODE_SHIFT: u8 = 1;
const ORIGIN: u8 = 1 << 3;
const TRIPPED: u8 = 1 << 4;
const TAGS_SHIFT: u8 = 5;

/// Maximum advisory tags per selector: each costs two cold reads on every `check` while set.
pub const MAX_TAGS: u8 = 4;

/// The hot per-(protocol, selector) word.
///
/// | bits     | field                                                     |
/// |----------|-----------------------------------------------------------|
/// | 0..32    | `paused_until` (manual selector pause)                    |
/// | 32..64   | `protocol_paused_until` (copy of the protocol's pause)    |
/// | 64..96   | `last_refill`                                             |
/// | 96..104  | flags: bit 0 configured, 1-2 screening, 3 screen origin, 4 tripped, 5-7 tag count |
/// | 104..112 | `shift`: one bucket unit is `2^shift` of `amount`         |
/// | 112..148 | `tokens` (36 bits: capacity plus the second's inflows)    |
/// | 148..172 | `capacity` (0: no rate limit)                             |
/// | 172..196 | `refill` units per second                                 |
/// | 196..220 | `trip`: trip level                                        |
/// | 220..244 | `rearm`: re-arm level (0: never trips)                    |
/// | 244      | `code`: screening also reads the caller's code-hash status |
/// | 245..256 | zero                                                      |
///
/// A zero word is a selector without a policy. A selector without a policy may still be paused:
/// its word then holds only `paused_until` (a pause is not a policy, so it takes no slot and the
/// selector keeps following the protocol's word). The rate limit is on exactly when `capacity` is
/// non-zero, and the breaker exactly when `rearm` is, so no separate flag can disagree with them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SelectorWord {
    pub paused_until: u32,
    pub protocol_paused_until: u32,
    pub last_refill: u32,
    pub flags: u8,
    pub shift: u8,
    pub tokens: u64,
    pub capacity: u64,
    pub refill: u64,
    pub trip: u64,
    pub rearm: u64,
    pub code: bool,
}

impl SelectorWord {
    pub fn from_word(word: U256) -> Self {
        let [l0, l1, l2, l3] = *word.as_limbs();
        let lo = (l1 as u128) << 64 | l0 as u128;
        let hi = (l3 as u128) << 64 | l2 as u128;
        Self {
            paused_until: lo as u32,
            protocol_paused_until: (lo >> 32) as u32,
            last_refill: (lo >> 64) as u32,
            flags: (lo >> 96) as u8,
            shift: (lo >> 104) as u8,
            tokens: ((lo >> 112) | (hi & 0xF_FFFF) << 16) as u64,
            capacity: ((hi >> 20) & LEVEL_MASK) as u64,
            refill: ((hi >> 44) & LEVEL_MASK) as u64,
            trip: ((hi >> 68) & LEVEL_MASK) as u64,
            rearm: ((hi >> 92) & LEVEL_MASK) as u64,
            code: (hi >> CODE_BIT) & 1 != 0,
        }
    }

    /// Packs the word. Tokens are masked to 36 bits and the other bucket fields to 24; callers
    /// keep them within [`MAX_TOKENS`] and [`MAX_CAPACITY`].
    pub fn to_word(&self) -> U256 {
        let tokens = self.tokens as u128 & TOKENS_MASK;
        let lo = self.paused_until as u128
            | (self.protocol_paused_until as u128) << 32
            | (self.last_refill as u128) << 64
            | (self.flags as u128) << 96
            | (self.shift as u128) << 104
            | (tokens & 0xFFFF) << 112;
        let hi = tokens >> 16
            | (self.capacity as u128 & LEVEL_MASK) << 20
            | (self.refill as u128 & LEVEL_MASK) << 44
            | (self.trip as u128 & LEVEL_MASK) << 68
            | (self.rearm as u128 & LEVEL_MASK) << 92
            | (self.code as u128) << CODE_BIT;
        U256::from_limbs([lo as u64, (lo >> 64) as u64, hi as u64, (hi >> 64) as u64])
    }

    pub fn configured(&self) -> bool {
        self.flags & CONFIGURED != 0
    }

    /// Stored modes are only ever written from a validated [`Screening`]; the unused fourth
    /// value reads as `Off` rather than panicking.
    pub fn screening(&self) -> Screening {
        Screening::from_u8(self.flags >> MODE_SHIFT & 3).unwrap_or(Screening::Off)
    }

    pub fn screens_origin(&self) -> bool {
        self.flags & ORIGIN != 0
    }

    pub fn tag_count(&self) -> u8 {
        self.flags >> TAGS_SHIFT
    }

    pub fn screens_code(&self) -> bool {
        self.code
    }

    /// Marks the selector configured with the given screening, keeping the tag count.
    pub fn set_screening(&mut self, mode: Screening, origin: bool, code: bool) {
        self.flags = CONFIGURED
            | (mode as u8) << MODE_SHIFT
            | if origin { ORIGIN } else { 0 }
            | self.flags & (TRIPPED | 7 << TAGS_SHIFT);
        self.code = code;
    }

    pub fn set_tag_count(&mut self, count: u8) {
        self.flags = self.flags & !(7 << TAGS_SHIFT) | (count & 7) << TAGS_SHIFT;
    }

    pub fn rate_limited(&self) -> bool {
        self.capacity != 0
    }

    /// A charge left the bucket at or below its trip level and the bucket has not been seen at
    /// its re-arm level since. Whether the selector is still paused depends on the bucket now.
    pub fn tripped(&self) -> bool {
        self.flags & TRIPPED != 0
    }

    pub fn set_tripped(&mut self, tripped: bool) {
        self.flags = self.flags & !TRIPPED | if tripped { TRIPPED } else { 0 };
    }
}

const REGISTERED: u8 = 1;
/// The protocol word's code-screening flag (the selector word has no room left in its flags).
const CODE: u8 = 1 << 4;

/// The cold per-protocol word, read by `check` only for selectors without a [`SelectorWord`].
///
/// | bits     | field                                                          |
/// |----------|----------------------------------------------------------------|
/// | 0..160   | admin                                                          |
/// | 160..192 | `paused_until` (protocol-wide pause)                           |
/// | 192..200 | flags: bit 0 registered, 1-2 default screening, 3 screen origin, 4 screen code |
/// | 200..232 | `guardian_pause_end`: end of the latest guardian pause episode |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProtocolWord {
    pub admin: Address,
    pub paused_until: u32,
    pub flags: u8,
    pub guardian_pause_end: u32,
}

impl ProtocolWord {
    pub fn from_word(word: U256) -> Self {
        let b = word.to_be_bytes::<32>();
        Self {
            admin: low_address(&b),
            paused_until: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
            flags: b[7],
            guardian_pause_end: u32::from_be_bytes([b[3], b[4], b[5], b[6]]),
        }
    }

    pub fn to_word(&self) -> U256 {
        let mut b = vigil_common::abi::w(self.admin).0;
        [b[8], b[9], b[10], b[11]] = self.paused_until.to_be_bytes();
        b[7] = self.flags;
        [b[3], b[4], b[5], b[6]] = self.guardian_pause_end.to_be_bytes();
        U256::from_be_bytes(b)
    }

    pub fn registered(&self) -> bool {
        self.flags & REGISTERED != 0
    }

    pub fn registered_to(admin: Address) -> Self {
        Self {
            admin,
            flags: REGISTERED,
            ..Self::default()
        }
    }

    pub fn screening(&self) -> Screening {
        Screening::from_u8(self.flags >> MODE_SHIFT & 3).unwrap_or(Screening::Off)
    }

    pub fn screens_origin(&self) -> bool {
        self.flags & ORIGIN != 0
    }

    pub fn screens_code(&self) -> bool {
        self.flags & CODE != 0
    }

    pub fn set_screening(&mut self, mode: Screening, origin: bool, code: bool) {
        self.flags = REGISTERED
            | (mode as u8) << MODE_SHIFT
            | if origin { ORIGIN } else { 0 }
            | if code { CODE } else { 0 };
    }
}

/// The address in the low 20 bytes of a word. Copied with `zip`: no length check, so no panic
/// site the optimiser must prove away.
fn low_address(w: &[u8; 32]) -> Address {
    let mut a = [0u8; 20];
    for (d, s) in a.iter_mut().zip(&w[12..]) {
        *d = *s;
    }
    Address::new(a)
}

/// `now + duration` as a stored time, saturating at the end of the 32-bit range.
pub fn until(now: u64, duration: u64) -> u32 {
    clamp_time(now.saturating_add(duration))
}

/// A block time as a stored time, saturating at the end of the 32-bit range.
pub fn clamp_time(t: u64) -> u32 {
    if t > u32::MAX as u64 {
        u32::MAX
    } else {
        t as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn level() -> impl Strategy<Value = u64> {
        0..=MAX_CAPACITY
    }

    fn selector_word() -> impl Strategy<Value = SelectorWord> {
        (
            any::<(u32, u32, u32, u8, u8, bool)>(),
            (0..=MAX_TOKENS, level(), level(), level(), level()),
        )
            .prop_map(
                |((p, pp, l, flags, shift, code), (tokens, capacity, refill, trip, rearm))| {
                    SelectorWord {
                        paused_until: p,
                        protocol_paused_until: pp,
                        last_refill: l,
                        flags,
                        shift,
                        tokens,
                        capacity,
                        refill,
                        trip,
                        rearm,
                        code,
                    }
                },
            )
    }

    fn protocol_word() -> impl Strategy<Value = ProtocolWord> {
        (any::<[u8; 20]>(), any::<(u32, u8, u32)>()).prop_map(|(a, (p, flags, g))| ProtocolWord {
            admin: Address::new(a),
            paused_until: p,
            flags,
            guardian_pause_end: g,
        })
    }

    #[test]
    fn zero_words_are_unconfigured_and_unregistered() {
        assert!(!SelectorWord::from_word(U256::ZERO).configured());
        assert_eq!(SelectorWord::from_word(U256::ZERO), SelectorWord::default());
        assert!(!ProtocolWord::from_word(U256::ZERO).registered());
    }

    #[test]
    fn all_ones_fields_fill_exactly_the_low_245_bits() {
        let w = SelectorWord {
            paused_until: u32::MAX,
            protocol_paused_until: u32::MAX,
            last_refill: u32::MAX,
            flags: u8::MAX,
            shift: u8::MAX,
            tokens: MAX_TOKENS,
            capacity: MAX_CAPACITY,
            refill: MAX_CAPACITY,
            trip: MAX_CAPACITY,
            rearm: MAX_CAPACITY,
            code: true,
        };
        let low = U256::MAX >> 11;
        assert_eq!(w.to_word(), low);
        assert_eq!(SelectorWord::from_word(low), w);
        assert_eq!(SelectorWord::from_word(U256::MAX), w);
    }

    #[test]
    fn the_trip_flag_is_its_own_bit() {
        let mut w = SelectorWord::default();
        w.set_tag_count(3);
        w.set_screening(Screening::Off, true, true);
        w.set_tripped(true);
        w.set_screening(Screening::Confirmed, false, false);
        assert!(w.tripped() && w.configured());
        assert_eq!(w.tag_count(), 3);
        w.set_tripped(false);
        assert!(!w.tripped());
        assert_eq!((w.tag_count(), w.screening()), (3, Screening::Confirmed));
    }

    #[test]
    fn screening_flags_keep_the_tag_count() {
        let mut w = SelectorWord::default();
        w.set_tag_count(4);
        w.set_screening(Screening::WatchAndAbove, true, true);
        assert!(w.configured() && w.screens_origin() && w.screens_code());
        assert_eq!(
            (w.screening(), w.tag_count()),
            (Screening::WatchAndAbove, 4)
        );
        w.set_screening(Screening::Off, false, false);
        w.set_tag_count(0);
        assert_eq!(
            (
                w.screening(),
                w.screens_origin(),
                w.screens_code(),
                w.tag_count()
            ),
            (Screening::Off, false, false, 0)
        );
        assert!(w.configured());
    }

    #[test]
    fn times_saturate_at_2106() {
        assert_eq!(until(10, 5), 15);
        assert_eq!(until(u32::MAX as u64 - 1, 5), u32::MAX);
        assert_eq!(until(u64::MAX, u64::MAX), u32::MAX);
        assert_eq!(clamp_time(1 << 40), u32::MAX);
    }

    #[test]
    fn screening_modes_block_the_right_levels() {
        use vigil_common::Level::*;
        for level in [None, Pending, Watch, Confirmed, Removed, Expired] {
            assert_eq!(Screening::Confirmed.blocks(level), level == Confirmed);
            assert_eq!(
                Screening::WatchAndAbove.blocks(level),
                matches!(level, Watch | Confirmed)
            );
            assert!(!Screening::Off.blocks(level));
        }
        assert_eq!(Screening::from_u8(3), Option::None);
    }

    #[test]
    fn admin_modes_add_code_screening_as_a_bit() {
        for (mode, parsed) in [
            (0, Some((Screening::Confirmed, false))),
            (1, Some((Screening::WatchAndAbove, false))),
            (2, Some((Screening::Off, false))),
            (SCREEN_CODE, Some((Screening::Confirmed, true))),
            (SCREEN_CODE | 1, Some((Screening::WatchAndAbove, true))),
            // Code screening with screening off would read nothing and block nothing.
            (SCREEN_CODE | 2, Option::None),
            (3, Option::None),
            (SCREEN_CODE | 3, Option::None),
            (8, Option::None),
            (u8::MAX, Option::None),
        ] {
            assert_eq!(Screening::parse(mode), parsed, "mode {mode}");
            if let Some((m, code)) = parsed {
                assert_eq!(m.mode(code), mode);
            }
        }
    }

    #[test]
    fn the_protocol_word_keeps_code_screening_apart() {
        let mut p = ProtocolWord::registered_to(Address::repeat_byte(1));
        p.set_screening(Screening::WatchAndAbove, false, true);
        let p = ProtocolWord::from_word(p.to_word());
        assert!(p.registered() && p.screens_code() && !p.screens_origin());
        assert_eq!(p.screening(), Screening::WatchAndAbove);
    }

    proptest! {
        #[test]
        fn selector_word_roundtrips(w in selector_word()) {
            prop_assert_eq!(SelectorWord::from_word(w.to_word()), w);
        }

        #[test]
        fn selector_fields_do_not_bleed(w in selector_word(), field in 0usize..11) {
            // Setting one field to all ones leaves every other field as it was.
            let mut changed = w;
            match field {
                0 => changed.paused_until = u32::MAX,
                1 => changed.protocol_paused_until = u32::MAX,
                2 => changed.last_refill = u32::MAX,
                3 => changed.flags = u8::MAX,
                4 => changed.shift = u8::MAX,
                5 => changed.tokens = MAX_TOKENS,
                6 => changed.capacity = MAX_CAPACITY,
                7 => changed.refill = MAX_CAPACITY,
                8 => changed.trip = MAX_CAPACITY,
                9 => changed.rearm = MAX_CAPACITY,
                _ => changed.code = true,
            }
            prop_assert_eq!(SelectorWord::from_word(changed.to_word()), changed);
        }

        #[test]
        fn protocol_word_roundtrips(p in protocol_word()) {
            prop_assert_eq!(ProtocolWord::from_word(p.to_word()), p);
        }

        #[test]
        fn protocol_word_leaves_top_bits_clear(p in protocol_word()) {
            prop_assert!(p.to_word() < U256::from(1u8) << 232);
        }
    }
}
