//! Token-bucket arithmetic on the [`SelectorWord`]'s 36-bit fields.
//!
//! The bucket counts units of `2^shift` of the protocol's `amount`. Refill is an integer number of
//! units per second, so a refill over any split of time is exact: `min(capacity, tokens + t·rate)`
//! computed once or in pieces gives the same result, and nothing is lost to rounding (the bug that
//! pins other limiters at zero). A charge costs `ceil(amount / 2^shift)` units, so splitting one
//! withdrawal into many small ones never costs less than making it at once. There are no windows,
//! hence no boundary at which twice the limit can pass.

use alloy_primitives::U256;

use crate::word::{clamp_time, SelectorWord, MAX_UNITS};

/// Why a charge did not fit: what is left now (in `amount` terms) and the first second at which
/// the charge will fit, `u64::MAX` if it never can (above capacity, or no refill).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub available: U256,
    pub retry_after: u64,
}

/// Units needed for `amount`, rounded up; `None` above [`MAX_UNITS`], which no bucket can hold.
pub fn units(amount: U256, shift: u8) -> Option<u64> {
    let whole = amount >> shift as usize;
    let partial = whole << shift as usize != amount;
    let limbs = whole.as_limbs();
    if limbs[1] | limbs[2] | limbs[3] != 0 || limbs[0] > MAX_UNITS {
        return None;
    }
    let needed = limbs[0] + partial as u64;
    (needed <= MAX_UNITS).then_some(needed)
}

impl SelectorWord {
    /// Tokens in the bucket at `now`, refill included. Times past 2106 saturate, so refills
    /// freeze instead of counting the same seconds twice.
    pub fn available(&self, now: u64) -> u64 {
        let elapsed = (clamp_time(now) as u64).saturating_sub(self.last_refill as u64);
        let refilled = self
            .tokens
            .saturating_add(elapsed.saturating_mul(self.refill));
        refilled.min(self.capacity)
    }

    /// Takes `amount` from the bucket at `now`. On success the bucket holds the remainder and the
    /// result says whether the charge drained it to the trip level (only a non-empty charge can
    /// trip). On failure the word is unchanged.
    pub fn charge(&mut self, amount: U256, now: u64) -> Result<bool, Shortfall> {
        let available = self.available(now);
        let short = |retry_after| Shortfall {
            available: U256::from(available) << self.shift as usize,
            retry_after,
        };
        let needed = match units(amount, self.shift) {
            Some(n) if n <= self.capacity => n,
            _ => return Err(short(u64::MAX)),
        };
        if needed > available {
            let retry_after = match self.refill {
                0 => u64::MAX,
                rate => now.saturating_add((needed - available).div_ceil(rate)),
            };
            return Err(short(retry_after));
        }
        self.tokens = available - needed;
        self.last_refill = clamp_time(now);
        Ok(needed != 0 && self.tokens < self.trip)
    }
}

/// A rate limit as stored: everything rounded down to whole units of `2^shift`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limit {
    pub shift: u8,
    pub capacity: u64,
    pub refill: u64,
    /// Trip level + 1; 0 when the limit never trips.
    pub trip: u64,
}

/// Why an admin's rate limit cannot be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitError {
    /// A limit with no capacity would block every non-zero amount forever.
    CapacityZero,
    /// Refilling more than the capacity per second is indistinguishable from refilling the
    /// capacity, and would not fit the unit scale the capacity chose.
    RefillAboveCapacity,
    /// A non-zero refill smaller than one unit per second would round to no refill at all.
    RefillBelowUnit { unit: U256 },
    /// The trip level must be below capacity (a level at capacity trips on every call), and a
    /// level without a cooldown is a misconfiguration.
    Trip,
}

impl Limit {
    /// Picks the smallest unit that fits the capacity in 36 bits and rounds capacity, refill and
    /// trip level down to it, so the stored limit is never looser than the one asked for.
    pub fn new(
        capacity: U256,
        refill: U256,
        trip_level: U256,
        trips: bool,
    ) -> Result<Self, LimitError> {
        if capacity.is_zero() {
            return Err(LimitError::CapacityZero);
        }
        if refill > capacity {
            return Err(LimitError::RefillAboveCapacity);
        }
        if (trips && trip_level >= capacity) || (!trips && !trip_level.is_zero()) {
            return Err(LimitError::Trip);
        }
        let bits = 256 - capacity.leading_zeros();
        let mut shift = bits.saturating_sub(36);
        if capacity >> shift > U256::from(MAX_UNITS) {
            shift += 1;
        }
        let down = |v: U256| (v >> shift).as_limbs()[0];
        let limit = Self {
            shift: shift as u8,
            capacity: down(capacity),
            refill: down(refill),
            trip: if trips { down(trip_level) + 1 } else { 0 },
        };
        if limit.refill == 0 && !refill.is_zero() {
            return Err(LimitError::RefillBelowUnit {
                unit: U256::from(1u8) << shift,
            });
        }
        Ok(limit)
    }

    /// `units` of this limit in `amount` terms.
    pub fn wei(&self, units: u64) -> U256 {
        U256::from(units) << self.shift as usize
    }

    /// Installs the limit in `word` at `now`. As in Chainlink CCIP, a running bucket is first
    /// refilled under its old settings and then capped at the new capacity, so a change neither
    /// forgives past use nor confiscates what had refilled; a bucket that was not limited starts full.
    pub fn install(&self, word: &mut SelectorWord, now: u64) {
        let tokens = if word.rate_limited() {
            let held = U256::from(word.available(now)) << word.shift as usize;
            let held = held >> self.shift as usize;
            if held > U256::from(self.capacity) {
                self.capacity
            } else {
                held.as_limbs()[0]
            }
        } else {
            self.capacity
        };
        word.shift = self.shift;
        word.capacity = self.capacity;
        word.refill = self.refill;
        word.trip = self.trip;
        word.tokens = tokens;
        word.last_refill = clamp_time(now);
    }
}

/// Clears any rate limit from `word`.
pub fn uninstall(word: &mut SelectorWord) {
    word.shift = 0;
    word.capacity = 0;
    word.refill = 0;
    word.trip = 0;
    word.tokens = 0;
    word.last_refill = 0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bucket(capacity: u64, refill: u64, trip: u64, shift: u8) -> SelectorWord {
        SelectorWord {
            flags: 1,
            shift,
            tokens: capacity,
            capacity,
            refill,
            trip,
            last_refill: 1_000,
            ..SelectorWord::default()
        }
    }

    #[test]
    fn units_round_up() {
        assert_eq!(units(U256::ZERO, 4), Some(0));
        assert_eq!(units(U256::from(1u8), 4), Some(1));
        assert_eq!(units(U256::from(16u8), 4), Some(1));
        assert_eq!(units(U256::from(17u8), 4), Some(2));
        assert_eq!(units(U256::from(MAX_UNITS), 0), Some(MAX_UNITS));
        assert_eq!(units(U256::from(MAX_UNITS + 1), 0), None);
        assert_eq!(units(U256::MAX, 0), None);
        assert_eq!(units(U256::MAX, 220), None);
        assert_eq!(units(U256::MAX, 255), Some(2));
    }

    #[test]
    fn charge_edges() {
        let mut b = bucket(100, 10, 0, 0);
        assert_eq!(b.charge(U256::from(100u8), 1_000), Ok(false));
        assert_eq!(b.tokens, 0);
        // One unit short: a second of refill covers it.
        let e = b.charge(U256::from(1u8), 1_000).unwrap_err();
        assert_eq!(
            e,
            Shortfall {
                available: U256::ZERO,
                retry_after: 1_001
            }
        );
        assert_eq!(b.charge(U256::from(10u8), 1_001), Ok(false));
        // Above capacity can never fit.
        let e = b.charge(U256::from(101u8), 5_000).unwrap_err();
        assert_eq!(
            e,
            Shortfall {
                available: U256::from(100u8),
                retry_after: u64::MAX
            }
        );
        // A zero charge always passes, even on an empty bucket, and never trips.
        let mut t = bucket(100, 0, 1, 0);
        t.tokens = 0;
        assert_eq!(t.charge(U256::ZERO, 1_000), Ok(false));
        assert_eq!(
            t.charge(U256::from(1u8), 1_000).unwrap_err().retry_after,
            u64::MAX
        );
    }

    #[test]
    fn trips_at_or_below_the_level() {
        let mut b = bucket(100, 0, 21, 0); // trip level 20
        assert_eq!(b.charge(U256::from(79u8), 1_000), Ok(false));
        assert_eq!(b.charge(U256::from(1u8), 1_000), Ok(true));
        let mut never = bucket(100, 0, 0, 0);
        assert_eq!(never.charge(U256::from(100u8), 1_000), Ok(false));
    }

    #[test]
    fn limit_rounds_down_to_the_smallest_unit() {
        let l = Limit::new(U256::from(1000u16), U256::from(7u8), U256::from(10u8), true).unwrap();
        assert_eq!(
            l,
            Limit {
                shift: 0,
                capacity: 1000,
                refill: 7,
                trip: 11
            }
        );
        let big = U256::from(10u8).pow(U256::from(24u8));
        let l = Limit::new(big, big / U256::from(86_400u32), U256::ZERO, false).unwrap();
        assert!(l.capacity <= MAX_UNITS && l.capacity > MAX_UNITS / 2);
        assert!(l.wei(l.capacity) <= big && big - l.wei(l.capacity) < l.wei(1));
        let top = Limit::new(U256::MAX, U256::MAX, U256::ZERO, false).unwrap();
        assert!(top.capacity <= MAX_UNITS && top.wei(top.capacity) <= U256::MAX);
        // Exactly 2^36 - 1 does not fit the trip encoding: it takes a unit of 2.
        let edge = Limit::new(U256::from(MAX_UNITS + 1), U256::ZERO, U256::ZERO, false).unwrap();
        assert_eq!((edge.shift, edge.capacity), (1, (1 << 35) - 1));
    }

    #[test]
    fn limit_rejects_bad_input() {
        let one = U256::from(1u8);
        let ten = U256::from(10u8);
        assert_eq!(
            Limit::new(U256::ZERO, U256::ZERO, U256::ZERO, false),
            Err(LimitError::CapacityZero)
        );
        assert_eq!(
            Limit::new(ten, ten + one, U256::ZERO, false),
            Err(LimitError::RefillAboveCapacity)
        );
        assert_eq!(Limit::new(ten, one, ten, true), Err(LimitError::Trip));
        assert_eq!(Limit::new(ten, one, one, false), Err(LimitError::Trip));
        let huge = U256::from(1u8) << 100;
        assert_eq!(
            Limit::new(huge, one, U256::ZERO, false),
            Err(LimitError::RefillBelowUnit {
                unit: U256::from(1u8) << 65
            })
        );
    }

    #[test]
    fn install_refills_then_caps() {
        let mut w = bucket(100, 1, 0, 0);
        w.tokens = 40;
        let smaller = Limit::new(U256::from(50u8), U256::from(1u8), U256::ZERO, false).unwrap();
        smaller.install(&mut w, 1_005); // 40 + 5 refilled, under the new cap of 50
        assert_eq!((w.tokens, w.capacity, w.last_refill), (45, 50, 1_005));
        smaller.install(&mut w, 1_100);
        assert_eq!(w.tokens, 50);
        let mut fresh = SelectorWord {
            flags: 1,
            ..SelectorWord::default()
        };
        smaller.install(&mut fresh, 7);
        assert_eq!((fresh.tokens, fresh.last_refill), (50, 7));
        uninstall(&mut fresh);
        assert!(!fresh.rate_limited());
        assert_eq!(
            fresh,
            SelectorWord {
                flags: 1,
                ..SelectorWord::default()
            }
        );
    }

    /// Any valid bucket: tokens up to capacity, and half the time a trip level below capacity
    /// (stored as level + 1, so `trip` is in `1..=capacity`).
    fn any_bucket() -> impl Strategy<Value = SelectorWord> {
        (
            (1..=MAX_UNITS, 0u64..1 << 20, 0u8..64),
            (any::<u64>(), any::<bool>(), any::<u64>()),
        )
            .prop_map(|((cap, refill, shift), (t, trips, level))| {
                let trip = if trips { 1 + level % cap } else { 0 };
                let mut b = bucket(cap, refill.min(cap), trip, shift);
                b.tokens = t % (cap + 1);
                b
            })
    }

    /// A limit as an admin would set it, in wei, with or without a trip, and the trip level asked
    /// for. Capacities span every magnitude, so units of 1 and of large powers of two both occur.
    fn any_limit() -> impl Strategy<Value = (U256, Limit)> {
        (
            any::<[u64; 4]>(),
            0u8..=255,
            1u64..1 << 20,
            any::<u64>(),
            any::<bool>(),
        )
            .prop_filter_map(
                "a limit Limit::new accepts",
                |(cap, bits, refill_frac, level_frac, trips)| {
                    let capacity = (U256::from_limbs(cap) >> bits as usize).max(U256::from(1u8));
                    let refill = capacity / U256::from(refill_frac);
                    let trip_level = if trips {
                        capacity / U256::from(level_frac.max(2))
                    } else {
                        U256::ZERO
                    };
                    let limit = Limit::new(capacity, refill, trip_level, trips).ok()?;
                    Some((trip_level, limit))
                },
            )
    }

    proptest! {
        #[test]
        fn a_charge_trips_exactly_when_it_leaves_at_most_the_trip_level(
            (trip_level, l) in any_limit(),
            steps in prop::collection::vec((0u64..1_000, 1u64..6, 0usize..8, any::<bool>()), 1..30),
        ) {
            // In the admin's terms: a passing, non-empty charge trips iff what it leaves, in wei,
            // is at most the trip level; a limit set without a trip never trips. Some steps drain
            // the bucket to exactly the level, the boundary.
            let mut w = SelectorWord { flags: 1, ..SelectorWord::default() };
            l.install(&mut w, 1_000);
            let mut now = 1_000u64;
            for (dt, fraction, bits, to_level) in steps {
                now += dt;
                let amount = if to_level {
                    l.wei(w.available(now)).saturating_sub(trip_level)
                } else {
                    (l.wei(l.capacity) / U256::from(fraction)) >> bits
                };
                let before = w;
                match w.charge(amount, now) {
                    Ok(tripped) => {
                        let left = l.wei(w.tokens);
                        let trips = l.trip != 0 && !amount.is_zero() && left <= trip_level;
                        prop_assert_eq!(tripped, trips, "left {} of {}", left, l.wei(l.capacity));
                    }
                    Err(_) => prop_assert_eq!(w, before),
                }
            }
        }

        #[test]
        fn a_trip_only_flags_the_charge(b in any_bucket(), amount in any::<u64>(), dt in 0u64..10_000) {
            // The trip level changes the verdict's flag and nothing else: the same bucket without
            // it passes or fails the same charges and keeps the same tokens.
            let now = 1_000 + dt;
            let (mut with, mut without) = (b, SelectorWord { trip: 0, ..b });
            let tripped = with.charge(U256::from(amount), now);
            let plain = without.charge(U256::from(amount), now);
            prop_assert_eq!(plain, tripped.map(|_| false));
            prop_assert_eq!(SelectorWord { trip: 0, ..with }, without);
        }

        #[test]
        fn never_exceeds_capacity(mut b in any_bucket(), steps in prop::collection::vec((0u64..10_000, any::<u64>()), 1..40)) {
            let mut now = 1_000u64;
            for (dt, amount) in steps {
                now += dt;
                let _ = b.charge(U256::from(amount), now);
                prop_assert!(b.tokens <= b.capacity);
                prop_assert!(b.available(now) <= b.capacity);
            }
        }

        #[test]
        fn refill_is_exact_over_any_split(b in any_bucket(), cuts in prop::collection::vec(0u64..100_000, 0..20)) {
            let end = 1_000 + cuts.iter().sum::<u64>();
            let mut split = b;
            let mut now = 1_000u64;
            for dt in cuts {
                now += dt;
                // Materialise the refill at each cut, as a zero-amount write would.
                split.tokens = split.available(now);
                split.last_refill = now as u32;
            }
            prop_assert_eq!(split.available(end), b.available(end));
        }

        #[test]
        fn small_steps_never_beat_one_large_step(
            b in any_bucket(),
            dt in 0u64..1_000,
            amounts in prop::collection::vec(0u64..1 << 40, 1..30),
        ) {
            // Splitting one withdrawal at one instant: rounding up per charge means the pieces
            // never fit where the whole does not, and never leave more behind.
            let now = 1_000 + dt;
            let mut small = b;
            let mut total = U256::ZERO;
            for amount in amounts {
                if small.charge(U256::from(amount), now).is_ok() {
                    total += U256::from(amount);
                }
            }
            let mut large = b;
            prop_assert!(large.charge(total, now).is_ok());
            prop_assert!(large.tokens >= small.available(now));
        }

        #[test]
        fn no_window_lets_more_through_than_tokens_plus_refill(
            b in any_bucket(),
            steps in prop::collection::vec((0u64..1_000, 0u64..1 << 40), 1..30),
        ) {
            let mut bucket = b;
            let mut now = 1_000u64;
            let mut passed = U256::ZERO;
            for (dt, amount) in steps {
                now += dt;
                if bucket.charge(U256::from(amount), now).is_ok() {
                    passed += U256::from(amount);
                }
            }
            let budget = U256::from(b.tokens) + U256::from(now - 1_000) * U256::from(b.refill);
            prop_assert!(passed <= budget << b.shift as usize);
        }

        #[test]
        fn retry_after_is_the_first_second_that_fits(b in any_bucket(), amount in any::<u64>(), dt in 0u64..10_000) {
            let now = 1_000 + dt;
            let mut probe = b;
            if let Err(short) = probe.charge(U256::from(amount), now) {
                prop_assert_eq!(probe, b);
                prop_assert_eq!(short.available, U256::from(b.available(now)) << b.shift as usize);
                if short.retry_after != u64::MAX {
                    prop_assert!(short.retry_after > now);
                    prop_assert!(b.clone().charge(U256::from(amount), short.retry_after).is_ok());
                    prop_assert!(b.clone().charge(U256::from(amount), short.retry_after - 1).is_err());
                } else {
                    // Never: above capacity, or nothing refills.
                    let above = units(U256::from(amount), b.shift).is_none_or(|n| n > b.capacity);
                    prop_assert!(above || b.refill == 0);
                }
            }
        }

        #[test]
        fn limits_are_never_looser_and_use_the_smallest_unit(
            cap in any::<[u64; 4]>(), refill_frac in any::<u64>(), trip_frac in any::<u64>(),
        ) {
            let capacity = U256::from_limbs(cap).max(U256::from(1u8));
            let refill = capacity / U256::from(refill_frac.max(1));
            let trip_level = capacity / U256::from(trip_frac.max(2));
            match Limit::new(capacity, refill, trip_level, true) {
                Ok(l) => {
                    prop_assert!(l.capacity >= 1 && l.capacity <= MAX_UNITS);
                    prop_assert!(l.wei(l.capacity) <= capacity);
                    prop_assert!(l.wei(l.refill) <= refill);
                    prop_assert!(l.wei(l.trip - 1) <= trip_level);
                    prop_assert!(capacity - l.wei(l.capacity) < l.wei(1));
                    if l.shift > 0 {
                        prop_assert!(capacity >> (l.shift as usize - 1) > U256::from(MAX_UNITS));
                    }
                }
                Err(e) => {
                    let below_unit = matches!(e, LimitError::RefillBelowUnit { .. });
                    prop_assert!(below_unit);
                }
            }
        }
    }
}
