//! Token-bucket arithmetic on the [`SelectorWord`]'s bucket fields, and the breaker on top of it.
//!
//! The bucket counts units of `2^shift` of the protocol's `amount`. Refill is an integer number of
//! units per second, so a refill over any split of time is exact: `min(capacity, tokens + t·rate)`
//! computed once or in pieces gives the same result, and nothing is lost to rounding (the bug that
//! pins other limiters at zero). A charge costs `ceil(amount / 2^shift)` units and a credit is
//! worth `floor(amount / 2^shift)`, so splitting a withdrawal or a deposit never gains anything.
//! There are no windows, hence no boundary at which twice the limit can pass.
//!
//! # Net outflow
//! Outflows are charged (`check`), inflows credited (`credit`, from the protocol's deposit path).
//! Within one second credits and charges net exactly: the bucket may hold more than its capacity
//! until the second ends, so a deposit and a withdrawal of the same amount in one transaction (a
//! flash loan) leave it where it was. Once time moves on the bucket is capped at capacity again:
//! inflows never bank headroom for later, so an exploit right after large deposits can take no
//! more than an idle bucket allows.
//!
//! # Breaker
//! A charge that leaves the bucket at or below the trip level passes and trips the selector, which
//! then stays paused while the bucket is below its re-arm level, whether refill or inflow brings it
//! back. There is no cooldown: a fixed pause that outlives a deposit back is what let the same
//! capital hold a selector closed indefinitely. Since the re-arm level is at most the capacity, a
//! paused bucket is never full, so while a pause holds, the net outflow since the bucket was last
//! full exceeds `capacity - rearm + refill·(seconds since)` (see the property tests).

use alloy_primitives::U256;

use crate::word::{clamp_time, SelectorWord, CAPACITY_BITS, MAX_TOKENS};

/// Why a charge did not fit: what is left now (in `amount` terms) and the first second at which
/// the charge will fit, `u64::MAX` if it never can (above capacity, or no refill).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub available: U256,
    pub retry_after: u64,
}

/// Units needed for `amount`, rounded up; `None` above [`MAX_TOKENS`], which no bucket can hold.
pub fn units(amount: U256, shift: u8) -> Option<u64> {
    let whole = amount >> shift as usize;
    let partial = whole << shift as usize != amount;
    let limbs = whole.as_limbs();
    if limbs[1] | limbs[2] | limbs[3] != 0 || limbs[0] > MAX_TOKENS {
        return None;
    }
    let needed = limbs[0] + partial as u64;
    (needed <= MAX_TOKENS).then_some(needed)
}

/// Units an inflow of `amount` is worth, rounded down and saturating at [`MAX_TOKENS`].
fn units_down(amount: U256, shift: u8) -> u64 {
    let whole = amount >> shift as usize;
    let limbs = whole.as_limbs();
    if limbs[1] | limbs[2] | limbs[3] != 0 {
        return MAX_TOKENS;
    }
    limbs[0].min(MAX_TOKENS)
}

impl SelectorWord {
    /// Tokens in the bucket at `now`: the stored count in the second it was written (inflows of
    /// that second included), else refilled and capped at capacity. Times past 2106 saturate, so
    /// refills freeze instead of counting the same seconds twice.
    pub fn available(&self, now: u64) -> u64 {
        let elapsed = (clamp_time(now) as u64).saturating_sub(self.last_refill as u64);
        if elapsed == 0 {
            return self.tokens;
        }
        let refilled = self
            .tokens
            .saturating_add(elapsed.saturating_mul(self.refill));
        refilled.min(self.capacity)
    }

    /// Takes `amount` from the bucket at `now`. On success the bucket holds the remainder and the
    /// result says whether the charge trips the breaker (only a non-empty charge on a limit with
    /// a re-arm level can). On failure the word is unchanged.
    pub fn charge(&mut self, amount: U256, now: u64) -> Result<bool, Shortfall> {
        let available = self.available(now);
        let short = |retry_after| Shortfall {
            available: U256::from(available) << self.shift as usize,
            retry_after,
        };
        match units(amount, self.shift) {
            Some(needed) if needed <= available => {
                self.tokens = available - needed;
                self.last_refill = clamp_time(now);
                Ok(needed != 0 && self.rearm != 0 && self.tokens <= self.trip)
            }
            // Short but within capacity: refill alone makes it fit (`available` is below
            // capacity here, so it is a refilled count).
            Some(needed) if needed <= self.capacity && self.refill != 0 => Err(short(
                now.saturating_add((needed - available).div_ceil(self.refill)),
            )),
            _ => Err(short(u64::MAX)),
        }
    }

    /// Adds an inflow of `amount` at `now`. It counts in full against this second's charges;
    /// whatever is above capacity when the second ends is dropped.
    pub fn credit(&mut self, amount: U256, now: u64) {
        let worth = units_down(amount, self.shift);
        self.tokens = self.available(now).saturating_add(worth).min(MAX_TOKENS);
        self.last_refill = clamp_time(now);
    }

    /// `Some(second at which refill alone re-arms it)` while the breaker holds the selector
    /// closed at `now`; `None` when it is not tripped or the bucket is back at its re-arm level.
    pub fn tripped_until(&self, now: u64) -> Option<u64> {
        if !self.tripped() {
            return None;
        }
        let available = self.available(now);
        if available >= self.rearm {
            return None;
        }
        Some(match self.refill {
            0 => u64::MAX,
            rate => now.saturating_add((self.rearm - available).div_ceil(rate)),
        })
    }
}

/// A rate limit as stored: everything rounded down to whole units of `2^shift`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limit {
    pub shift: u8,
    pub capacity: u64,
    pub refill: u64,
    pub trip: u64,
    /// 0 when the limit never trips.
    pub rearm: u64,
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
    /// A tripping limit needs `tripLevel < rearmLevel <= capacity` (in whole units) and a refill,
    /// else a trip could never end by itself; a limit that never trips has both levels zero.
    Trip,
}

impl Limit {
    /// Picks the smallest unit that fits the capacity in [`crate::word::MAX_CAPACITY`] and rounds every level
    /// down to it. `rearm_level` zero means the limit never trips.
    pub fn new(
        capacity: U256,
        refill: U256,
        trip_level: U256,
        rearm_level: U256,
    ) -> Result<Self, LimitError> {
        if capacity.is_zero() {
            return Err(LimitError::CapacityZero);
        }
        if refill > capacity {
            return Err(LimitError::RefillAboveCapacity);
        }
        let trips = !rearm_level.is_zero();
        if trips && (trip_level >= rearm_level || rearm_level > capacity || refill.is_zero())
            || !trips && !trip_level.is_zero()
        {
            return Err(LimitError::Trip);
        }
        let bits = 256 - capacity.leading_zeros();
        let shift = bits.saturating_sub(CAPACITY_BITS);
        let down = |v: U256| (v >> shift).as_limbs()[0];
        let limit = Self {
            shift: shift as u8,
            capacity: down(capacity),
            refill: down(refill),
            trip: down(trip_level),
            rearm: down(rearm_level),
        };
        if limit.refill == 0 && !refill.is_zero() {
            return Err(LimitError::RefillBelowUnit {
                unit: U256::from(1u8) << shift,
            });
        }
        if trips && limit.rearm <= limit.trip {
            return Err(LimitError::Trip);
        }
        Ok(limit)
    }

    /// `units` of this limit in `amount` terms.
    pub fn wei(&self, units: u64) -> U256 {
        U256::from(units) << self.shift as usize
    }

    /// The longest a trip can pause the selector without inflow: refilling an empty bucket to
    /// the re-arm level. Zero for a limit that never trips.
    pub fn longest_trip(&self) -> u64 {
        match self.refill {
            0 => 0,
            rate => self.rearm.div_ceil(rate),
        }
    }

    /// Installs the limit in `word` at `now`. As in Chainlink CCIP, a running bucket is first
    /// refilled under its old settings and then capped at the new capacity, so a change neither
    /// forgives past use nor confiscates what had refilled; a bucket that was not limited starts
    /// full. A trip in force stays in force, to end at the new re-arm level.
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
        word.rearm = self.rearm;
        word.tokens = tokens;
        word.last_refill = clamp_time(now);
    }
}

/// Clears any rate limit, and with it any trip, from `word`.
pub fn uninstall(word: &mut SelectorWord) {
    word.shift = 0;
    word.capacity = 0;
    word.refill = 0;
    word.trip = 0;
    word.rearm = 0;
    word.tokens = 0;
    word.last_refill = 0;
    word.set_tripped(false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::word::MAX_CAPACITY;
    use proptest::prelude::*;

    fn bucket(capacity: u64, refill: u64, trip: u64, rearm: u64, shift: u8) -> SelectorWord {
        SelectorWord {
            flags: 1,
            shift,
            tokens: capacity,
            capacity,
            refill,
            trip,
            rearm,
            last_refill: 1_000,
            ..SelectorWord::default()
        }
    }

    fn u(v: u64) -> U256 {
        U256::from(v)
    }

    #[test]
    fn units_round_up_and_credits_down() {
        assert_eq!(units(U256::ZERO, 4), Some(0));
        assert_eq!(units(u(1), 4), Some(1));
        assert_eq!(units(u(16), 4), Some(1));
        assert_eq!(units(u(17), 4), Some(2));
        assert_eq!(units(u(MAX_TOKENS), 0), Some(MAX_TOKENS));
        assert_eq!(units(u(MAX_TOKENS + 1), 0), None);
        assert_eq!(units(U256::MAX, 0), None);
        assert_eq!(units(U256::MAX, 220), None);
        assert_eq!(units(U256::MAX, 255), Some(2));
        assert_eq!(units_down(u(31), 4), 1);
        assert_eq!(units_down(u(15), 4), 0);
        assert_eq!(units_down(U256::MAX, 0), MAX_TOKENS);
        assert_eq!(units_down(U256::MAX, 255), 1);
    }

    #[test]
    fn charge_edges() {
        let mut b = bucket(100, 10, 0, 0, 0);
        assert_eq!(b.charge(u(100), 1_000), Ok(false));
        assert_eq!(b.tokens, 0);
        // One unit short: a second of refill covers it.
        let e = b.charge(u(1), 1_000).unwrap_err();
        assert_eq!(
            e,
            Shortfall {
                available: U256::ZERO,
                retry_after: 1_001
            }
        );
        assert_eq!(b.charge(u(10), 1_001), Ok(false));
        // Above capacity can never fit from refill alone.
        let e = b.charge(u(101), 5_000).unwrap_err();
        assert_eq!(
            e,
            Shortfall {
                available: u(100),
                retry_after: u64::MAX
            }
        );
        // A zero charge always passes, even on an empty bucket, and never trips.
        let mut t = bucket(100, 1, 1, 50, 0);
        t.tokens = 0;
        assert_eq!(t.charge(U256::ZERO, 1_000), Ok(false));
        let mut dry = bucket(100, 0, 0, 0, 0);
        dry.tokens = 0;
        assert_eq!(dry.charge(u(1), 1_000).unwrap_err().retry_after, u64::MAX);
    }

    #[test]
    fn trips_at_or_below_the_level_and_holds_below_the_rearm_level() {
        let mut b = bucket(100, 2, 20, 50, 0);
        assert_eq!(b.charge(u(79), 1_000), Ok(false));
        assert_eq!(b.charge(u(1), 1_000), Ok(true));
        b.set_tripped(true);
        // 20 left, re-arm at 50, 2 per second: 15 seconds of refill.
        assert_eq!(b.tripped_until(1_000), Some(1_015));
        assert_eq!(b.tripped_until(1_014), Some(1_015));
        assert_eq!(b.tripped_until(1_015), None);
        // An inflow re-arms it at once: 20 + 30 = 50.
        let mut short = b;
        short.credit(u(27), 1_001); // 20 + 2 + 27 = 49: one unit, half a second of refill, short
        assert_eq!(short.tripped_until(1_001), Some(1_002));
        let mut paid = b;
        paid.credit(u(30), 1_000);
        assert_eq!(paid.tripped_until(1_000), None);
        let mut never = bucket(100, 0, 0, 0, 0);
        assert_eq!(never.charge(u(100), 1_000), Ok(false));
    }

    #[test]
    fn credits_net_within_the_second_and_cap_after_it() {
        let mut b = bucket(100, 1, 10, 60, 0);
        // A flash round trip on a full bucket: in, out, and nothing changed or tripped.
        b.credit(u(1_000), 1_000);
        assert_eq!(b.available(1_000), 1_100);
        assert_eq!(b.charge(u(1_000), 1_000), Ok(false));
        assert_eq!(b.available(1_000), 100);
        // What is above capacity is gone once the second ends.
        b.credit(u(50), 1_000);
        assert_eq!(b.available(1_001), 100);
        // Below capacity an inflow stays, and refill continues from it.
        assert_eq!(b.charge(u(80), 1_001), Ok(false));
        b.credit(u(30), 1_002);
        assert_eq!(b.available(1_002), 20 + 1 + 30);
        assert_eq!(b.available(1_010), 51 + 8);
        // The count saturates rather than wraps.
        b.credit(U256::MAX, 1_010);
        assert_eq!(b.tokens, MAX_TOKENS);
    }

    #[test]
    fn limit_rounds_down_to_the_smallest_unit() {
        let l = Limit::new(u(1000), u(7), u(10), u(500)).unwrap();
        assert_eq!(
            l,
            Limit {
                shift: 0,
                capacity: 1000,
                refill: 7,
                trip: 10,
                rearm: 500
            }
        );
        assert_eq!(l.longest_trip(), 72);
        let big = U256::from(10u8).pow(u(24));
        let l = Limit::new(big, big / u(86_400), U256::ZERO, U256::ZERO).unwrap();
        assert!(l.capacity <= MAX_CAPACITY && l.capacity > MAX_CAPACITY / 2);
        assert!(l.wei(l.capacity) <= big && big - l.wei(l.capacity) < l.wei(1));
        assert_eq!(l.longest_trip(), 0);
        let top = Limit::new(U256::MAX, U256::MAX, U256::ZERO, U256::ZERO).unwrap();
        assert!(top.capacity <= MAX_CAPACITY && top.wei(top.capacity) <= U256::MAX);
        let edge = Limit::new(u(MAX_CAPACITY + 1), U256::ZERO, U256::ZERO, U256::ZERO).unwrap();
        assert_eq!((edge.shift, edge.capacity), (1, 1 << 23));
    }

    #[test]
    fn limit_rejects_bad_input() {
        let (zero, one, ten) = (U256::ZERO, u(1), u(10));
        assert_eq!(
            Limit::new(zero, zero, zero, zero),
            Err(LimitError::CapacityZero)
        );
        assert_eq!(
            Limit::new(ten, ten + one, zero, zero),
            Err(LimitError::RefillAboveCapacity)
        );
        // Trip at or above the re-arm level, re-arm above capacity, a trip with no refill, a
        // trip level without a re-arm level.
        assert_eq!(Limit::new(ten, one, u(5), u(5)), Err(LimitError::Trip));
        assert_eq!(Limit::new(ten, one, one, u(11)), Err(LimitError::Trip));
        assert_eq!(Limit::new(ten, zero, one, u(5)), Err(LimitError::Trip));
        assert_eq!(Limit::new(ten, one, one, zero), Err(LimitError::Trip));
        // Levels one unit apart in wei but equal in units.
        let huge = u(1) << 100;
        let unit = u(1) << 77;
        assert_eq!(
            Limit::new(huge, unit, unit + one, unit + u(2)),
            Err(LimitError::Trip)
        );
        assert_eq!(
            Limit::new(huge, one, zero, zero),
            Err(LimitError::RefillBelowUnit { unit })
        );
    }

    #[test]
    fn install_refills_then_caps_and_keeps_a_trip() {
        let mut w = bucket(100, 1, 0, 0, 0);
        w.tokens = 40;
        w.set_tripped(true);
        let smaller = Limit::new(u(50), u(1), u(5), u(45)).unwrap();
        smaller.install(&mut w, 1_005); // 40 + 5 refilled, under the new cap of 50
        assert_eq!((w.tokens, w.capacity, w.last_refill), (45, 50, 1_005));
        assert!(w.tripped() && w.tripped_until(1_005).is_none());
        smaller.install(&mut w, 1_100);
        assert_eq!(w.tokens, 50);
        let mut fresh = SelectorWord {
            flags: 1,
            ..SelectorWord::default()
        };
        smaller.install(&mut fresh, 7);
        assert_eq!((fresh.tokens, fresh.last_refill, fresh.rearm), (50, 7, 45));
        fresh.set_tripped(true);
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

    /// Any valid bucket: tokens up to capacity, and half the time a trip level below a re-arm
    /// level at most the capacity, with a refill.
    fn any_bucket() -> impl Strategy<Value = SelectorWord> {
        (
            (1..=MAX_CAPACITY, 0u64..1 << 20, 0u8..64),
            (any::<u64>(), any::<bool>(), any::<u64>(), any::<u64>()),
        )
            .prop_map(|((cap, refill, shift), (t, trips, level, rearm))| {
                let refill = refill.min(cap);
                let (trip, rearm) = if trips && cap > 1 {
                    let rearm = 1 + rearm % cap;
                    (level % rearm, rearm)
                } else {
                    (0, 0)
                };
                let refill = if rearm != 0 { refill.max(1) } else { refill };
                let mut b = bucket(cap, refill, trip, rearm, shift);
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
                    let capacity = (U256::from_limbs(cap) >> bits as usize).max(u(1));
                    let refill = capacity / u(refill_frac);
                    let (trip_level, rearm) = if trips {
                        (capacity / u(level_frac.max(2)), capacity)
                    } else {
                        (U256::ZERO, U256::ZERO)
                    };
                    let limit = Limit::new(capacity, refill, trip_level, rearm).ok()?;
                    Some((trip_level, limit))
                },
            )
    }

    /// One step of a protocol's traffic: a wait, then a withdrawal (charge) or a deposit (credit)
    /// of a fraction of the capacity.
    fn any_flow() -> impl Strategy<Value = Vec<(u64, bool, u64)>> {
        prop::collection::vec((0u64..200, any::<bool>(), 1u64..=100), 1..60)
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
                    (l.wei(l.capacity) / u(fraction)) >> bits
                };
                let before = w;
                match w.charge(amount, now) {
                    Ok(tripped) => {
                        let left = l.wei(w.tokens);
                        let trips = l.rearm != 0 && !amount.is_zero() && left <= trip_level;
                        prop_assert_eq!(tripped, trips, "left {} of {}", left, l.wei(l.capacity));
                    }
                    Err(_) => prop_assert_eq!(w, before),
                }
            }
        }

        #[test]
        fn a_trip_only_flags_the_charge(b in any_bucket(), amount in any::<u64>(), dt in 0u64..10_000) {
            // The breaker's levels change the verdict's flag and nothing else: the same bucket
            // without them passes or fails the same charges and keeps the same tokens.
            let now = 1_000 + dt;
            let plain = |b: SelectorWord| SelectorWord { trip: 0, rearm: 0, ..b };
            let (mut with, mut without) = (b, plain(b));
            let tripped = with.charge(u(amount), now);
            let untripped = without.charge(u(amount), now);
            prop_assert_eq!(untripped, tripped.map(|_| false));
            prop_assert_eq!(plain(with), without);
        }

        #[test]
        fn only_the_current_second_holds_more_than_capacity(
            mut b in any_bucket(),
            steps in prop::collection::vec((0u64..10_000, any::<u64>(), any::<bool>()), 1..40),
        ) {
            let mut now = 1_000u64;
            for (dt, amount, inflow) in steps {
                now += dt;
                if inflow {
                    b.credit(u(amount), now);
                } else {
                    let _ = b.charge(u(amount), now);
                }
                prop_assert!(b.tokens <= MAX_TOKENS);
                prop_assert!(b.available(now + 1) <= b.capacity);
            }
        }

        #[test]
        fn a_round_trip_within_a_second_changes_nothing(
            b in any_bucket(),
            dt in 0u64..1_000,
            amount in 0u64..1 << 35,
            extra in 1u64..4,
        ) {
            // A deposit then a withdrawal of the same whole number of units in one second (a
            // flash loan): the withdrawal fits whatever the bucket held and leaves it exactly as
            // it was, so it trips only a bucket that a charge there would have tripped anyway.
            // A ragged amount costs at most the one unit by which credits round down and charges
            // up.
            let now = 1_000 + dt;
            let before = b.available(now);
            let whole = u(amount) << b.shift as usize;
            let mut w = b;
            w.credit(whole, now);
            let retrips = b.rearm != 0 && amount != 0 && before <= b.trip;
            prop_assert_eq!(w.charge(whole, now), Ok(retrips));
            prop_assert_eq!(w.available(now), before);
            let ragged = whole + u(extra.min((1u64 << b.shift.min(63)) - 1));
            let mut w = b;
            w.credit(ragged, now);
            if w.charge(ragged, now).is_ok() {
                prop_assert!(before - w.available(now) <= u64::from(ragged != whole));
            }
        }

        #[test]
        fn a_held_pause_needs_net_outflow_since_the_bucket_was_last_full(
            cap in 100u64..1_000_000,
            refill_frac in 1u64..1_000,
            trip_frac in 2u64..10,
            rearm_pct in 1u64..=100,
            flow in any_flow(),
        ) {
            // A protocol's withdrawals and deposits, each first asking the breaker as `check`
            // does. Whenever the selector is held closed at t, the bucket is below the re-arm
            // level, hence not full; since it was last full (at s), charges minus credits, in
            // units, exceed capacity - rearm + refill·(t - s). So a pause held for T seconds
            // costs capacity - rearm + refill·T of capital kept out, and resetting that count
            // means letting the bucket fill, which re-arms the selector.
            let refill = (cap / refill_frac).max(1);
            let trip = cap / trip_frac;
            let rearm = (trip + 1).max(cap * rearm_pct / 100);
            let mut w = bucket(cap, refill, trip, rearm, 0);
            let (mut now, mut since_full, mut net) = (1_000u64, 1_000u64, 0i128);
            for (dt, withdraw, pct) in flow {
                now += dt;
                if w.available(now) >= cap {
                    (since_full, net) = (now, 0);
                }
                let amount = cap * pct / 100;
                if withdraw {
                    if w.tripped_until(now).is_some() {
                        continue;
                    }
                    w.set_tripped(false);
                    if let Ok(tripped) = w.charge(u(amount), now) {
                        net += amount as i128;
                        if tripped {
                            w.set_tripped(true);
                        }
                    }
                } else {
                    w.credit(u(amount), now);
                    net -= amount as i128;
                }
                if w.tripped_until(now).is_some() {
                    let bought = (cap - rearm) as i128 + (refill * (now - since_full)) as i128;
                    prop_assert!(net > bought, "net {} <= {} at +{}", net, bought, now - since_full);
                }
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
                if small.charge(u(amount), now).is_ok() {
                    total += u(amount);
                }
            }
            let mut large = b;
            prop_assert!(large.charge(total, now).is_ok());
            prop_assert!(large.tokens >= small.available(now));
        }

        #[test]
        fn split_deposits_never_credit_more_than_one(
            b in any_bucket(),
            amounts in prop::collection::vec(0u64..1 << 40, 1..30),
        ) {
            let mut split = b;
            for amount in &amounts {
                split.credit(u(*amount), 1_000);
            }
            let mut once = b;
            once.credit(u(amounts.iter().sum::<u64>()), 1_000);
            prop_assert!(split.tokens <= once.tokens);
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
                if bucket.charge(u(amount), now).is_ok() {
                    passed += u(amount);
                }
            }
            let budget = u(b.tokens) + u(now - 1_000) * u(b.refill);
            prop_assert!(passed <= budget << b.shift as usize);
        }

        #[test]
        fn retry_after_is_the_first_second_that_fits(b in any_bucket(), amount in any::<u64>(), dt in 0u64..10_000) {
            let now = 1_000 + dt;
            let mut probe = b;
            if let Err(short) = probe.charge(u(amount), now) {
                prop_assert_eq!(probe, b);
                prop_assert_eq!(short.available, u(b.available(now)) << b.shift as usize);
                if short.retry_after != u64::MAX {
                    prop_assert!(short.retry_after > now);
                    prop_assert!(b.clone().charge(u(amount), short.retry_after).is_ok());
                    prop_assert!(b.clone().charge(u(amount), short.retry_after - 1).is_err());
                } else {
                    // Never: above capacity, or nothing refills.
                    let above = units(u(amount), b.shift).is_none_or(|n| n > b.capacity);
                    prop_assert!(above || b.refill == 0);
                }
            }
        }

        #[test]
        fn limits_are_never_looser_and_use_the_smallest_unit(
            cap in any::<[u64; 4]>(), refill_frac in any::<u64>(), trip_frac in any::<u64>(),
        ) {
            let capacity = U256::from_limbs(cap).max(u(1));
            let refill = capacity / u(refill_frac.max(1));
            let trip_level = capacity / u(trip_frac.max(2));
            match Limit::new(capacity, refill, trip_level, capacity) {
                Ok(l) => {
                    prop_assert!(l.capacity >= 1 && l.capacity <= MAX_CAPACITY);
                    prop_assert!(l.wei(l.capacity) <= capacity);
                    prop_assert!(l.wei(l.refill) <= refill);
                    prop_assert!(l.wei(l.trip) <= trip_level);
                    prop_assert!(l.trip < l.rearm && l.rearm == l.capacity);
                    prop_assert!(capacity - l.wei(l.capacity) < l.wei(1));
                    if l.shift > 0 {
                        prop_assert!(capacity >> (l.shift as usize - 1) > u(MAX_CAPACITY));
                    }
                }
                Err(e) => {
                    let expected = matches!(e, LimitError::RefillBelowUnit { .. } | LimitError::Trip);
                    prop_assert!(expected, "{:?}", e);
                }
            }
        }
    }
}
