//! The packed status word: everything a consumer needs about a subject, in one storage slot.
//!
//! Layout (bit 0 is the least significant), aligned to the 64-bit limbs of a `U256` so the hot path
//! reads level and expiry with two limb loads and no shifts across limbs:
//!
//! | bits     | field                                              |
//! |----------|----------------------------------------------------|
//! | 0..8     | stored level (`Level`, never `Expired`)            |
//! | 8..16    | flags: bit 0 disputed, bit 1 final                 |
//! | 16..24   | category                                           |
//! | 24..32   | severity (1-4)                                     |
//! | 32..64   | flag id                                            |
//! | 64..128  | expiry, unix seconds                               |
//! | 128..256 | score (reputation-weighted stake, wei)             |
//!
//! Expiry needs no transaction: `Expired` is derived from the stored expiry and the block time.
//! A dispute does not change the level, because a dispute must never suspend a flag's effect; it
//! only sets the `disputed` flag.

use alloy_primitives::U256;

/// Where a subject stands. `Expired` is never stored; it is what a live level becomes once the
/// block time reaches the expiry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    /// Never flagged.
    #[default]
    None = 0,
    /// Reported, score below the watch threshold.
    Pending = 1,
    /// Score at or above the watch threshold: soft signal.
    Watch = 2,
    /// Confirmed: consumers hard-block.
    Confirmed = 3,
    /// Rejected on dispute or removed by governance.
    Removed = 4,
    /// A pending, watch or confirmed flag whose time to live has passed.
    Expired = 5,
}

impl Level {
    /// The level a stored byte names; `None` for bytes no encoder writes.
    pub const fn from_stored(byte: u8) -> Option<Self> {
        Some(match byte {
            0 => Self::None,
            1 => Self::Pending,
            2 => Self::Watch,
            3 => Self::Confirmed,
            4 => Self::Removed,
            _ => return None,
        })
    }

    /// Pending, watch and confirmed flags are live: they carry an effect until they expire.
    pub const fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::Watch | Self::Confirmed)
    }
}

const DISPUTED: u8 = 1;
const FINAL: u8 = 2;

/// A decoded status word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// Stored level (never `Expired`; see [`Status::level_at`]).
    pub level: Level,
    /// A dispute is open. The level keeps its effect meanwhile.
    pub disputed: bool,
    /// Resolved by governance: no further dispute is possible for this flag.
    pub finalized: bool,
    /// Category code (see the registry's `CATEGORY_*` constants).
    pub category: u8,
    /// Severity, 1 (low) to 4 (critical).
    pub severity: u8,
    /// Id of the flag this word describes (0 when never flagged).
    pub flag_id: u32,
    /// Unix time at which a live level stops having an effect.
    pub expiry: u64,
    /// Reputation-weighted stake behind the flag.
    pub score: u128,
}

impl Status {
    /// Packs the status into its storage word.
    pub fn to_word(&self) -> U256 {
        let flags =
            (self.disputed as u64 * DISPUTED as u64) | (self.finalized as u64 * FINAL as u64);
        let low = self.level as u64
            | flags << 8
            | (self.category as u64) << 16
            | (self.severity as u64) << 24
            | (self.flag_id as u64) << 32;
        U256::from_limbs([
            low,
            self.expiry,
            self.score as u64,
            (self.score >> 64) as u64,
        ])
    }

    /// Unpacks a storage word; `None` when the level byte or a reserved flag bit is not one an
    /// encoder writes.
    pub fn from_word(word: U256) -> Option<Self> {
        let [low, expiry, score_lo, score_hi] = *word.as_limbs();
        let level = Level::from_stored(low as u8)?;
        let flags = (low >> 8) as u8;
        if flags & !(DISPUTED | FINAL) != 0 {
            return None;
        }
        Some(Self {
            level,
            disputed: flags & DISPUTED != 0,
            finalized: flags & FINAL != 0,
            category: (low >> 16) as u8,
            severity: (low >> 24) as u8,
            flag_id: (low >> 32) as u32,
            expiry,
            score: (score_hi as u128) << 64 | score_lo as u128,
        })
    }

    /// The level in effect at unix time `now`.
    pub fn level_at(&self, now: u64) -> Level {
        effective_level(self.level, self.expiry, now)
    }

    /// The level a raw word has in effect at `now`, without decoding the rest: the guard's hot path.
    /// Words that do not decode have no effect.
    pub fn word_level_at(word: U256, now: u64) -> Level {
        let limbs = word.as_limbs();
        match Level::from_stored(limbs[0] as u8) {
            Some(level) => effective_level(level, limbs[1], now),
            None => Level::None,
        }
    }
}

fn effective_level(level: Level, expiry: u64, now: u64) -> Level {
    if level.is_live() && now >= expiry {
        Level::Expired
    } else {
        level
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn level() -> impl Strategy<Value = Level> {
        (0u8..=4).prop_map(|b| Level::from_stored(b).unwrap_or_default())
    }

    fn status() -> impl Strategy<Value = Status> {
        (level(), any::<(bool, bool, u8, u8, u32, u64, u128)>()).prop_map(
            |(level, (disputed, finalized, category, severity, flag_id, expiry, score))| Status {
                level,
                disputed,
                finalized,
                category,
                severity,
                flag_id,
                expiry,
                score,
            },
        )
    }

    #[test]
    fn zero_word_is_never_flagged() {
        assert_eq!(Status::from_word(U256::ZERO), Some(Status::default()));
        assert_eq!(Status::word_level_at(U256::ZERO, u64::MAX), Level::None);
    }

    #[test]
    fn expiry_boundary_is_exclusive() {
        let s = Status {
            level: Level::Confirmed,
            expiry: 100,
            ..Status::default()
        };
        assert_eq!(s.level_at(99), Level::Confirmed);
        assert_eq!(s.level_at(100), Level::Expired);
        let removed = Status {
            level: Level::Removed,
            expiry: 100,
            ..Status::default()
        };
        assert_eq!(removed.level_at(1_000), Level::Removed);
    }

    #[test]
    fn undecodable_words_are_rejected_and_inert() {
        assert_eq!(Status::from_word(U256::from(5u8)), None);
        assert_eq!(Status::from_word(U256::from(4u64 << 8)), None);
        assert_eq!(
            Status::word_level_at(U256::from_limbs([7, u64::MAX, 0, 0]), 0),
            Level::None
        );
    }

    proptest! {
        #[test]
        fn codec_roundtrips(s in status()) {
            prop_assert_eq!(Status::from_word(s.to_word()), Some(s));
        }

        #[test]
        fn fast_path_agrees_with_decode(s in status(), now in any::<u64>()) {
            prop_assert_eq!(Status::word_level_at(s.to_word(), now), s.level_at(now));
        }

        #[test]
        fn fields_do_not_bleed(s in status()) {
            let mut other = s;
            other.score = other.score.wrapping_add(1);
            let decoded = Status::from_word(other.to_word()).unwrap();
            prop_assert_eq!(decoded.expiry, s.expiry);
            prop_assert_eq!(decoded.flag_id, s.flag_id);
            prop_assert_eq!(decoded.level, s.level);
        }
    }
}
