//! Exact integer math of weight, score and payouts. Pure functions, so the rules can be tested and
//! property-checked apart from storage.
//!
//! Amounts are `u128`: parameter validation bounds every stake cap and bond by 2^96 wei, far above
//! all ETH in existence, and 256-bit division would add ~15 KB of wasm to every call's entry cost.

use alloy_primitives::U256;
use vigil_common::Level;

/// Reputation is out of this: weight is locked stake times reputation / `REP_MAX`, so a report never
/// weighs more than the stake it puts at risk.
pub const REP_MAX: u32 = 1_000;
/// Reputation of a new address: the lowest any reporter in good standing has (reputation only
/// rises, except to zero on a rejected flag), so a fresh address never out-weighs an established
/// one with the same stake and starting over under a new address never helps.
pub const REP_START: u32 = 500;
/// Reputation one flag can mint, shared evenly by its reporters: sybils that fill a flag split it
/// instead of multiplying it.
pub const REP_POOL: u32 = 100;
/// Most reputation one reporter gains per [`REP_PERIOD`]: a patient farmer needs gains in ten
/// distinct periods (at least 56 days, timed at period boundaries) from a new address to the maximum.
pub const REP_PERIOD_CAP: u32 = 50;
/// Seconds of a reputation period.
pub const REP_PERIOD: u64 = 7 * 24 * 60 * 60;
/// Basis-point denominator.
pub const BPS: u64 = 10_000;

/// Stake that counts: all stake less what is leaving and what is still warming up.
pub fn warm_stake(stake: U256, unbonding: U256, warming: U256, warm_at: u64, now: u64) -> U256 {
    let cold = if now >= warm_at { U256::ZERO } else { warming };
    stake.saturating_sub(unbonding).saturating_sub(cold)
}

/// Stake a new report locks: the warm stake not yet locked by other reports, up to the cap.
pub fn lockable(warm: U256, locked: U256, cap: u128) -> u128 {
    let free = warm.saturating_sub(locked);
    if free < U256::from(cap) {
        free.saturating_to::<u128>()
    } else {
        cap
    }
}

/// `(x / d, x % d)` for a nonzero divisor below 2^32, in four 32-bit steps of the wasm's native
/// 64-bit division. Every divisor here is small (1,000, 10,000, a reporter count), and the generic
/// `u128` division would add about a kilobyte of compiler-builtins code to the program, paid in
/// entry gas on every call and in deployable bytes.
pub fn div_small(x: u128, d: u32) -> (u128, u128) {
    let d = d as u64;
    let (mut q, mut r) = (0u128, 0u64);
    for shift in [96u32, 64, 32, 0] {
        // r < d < 2^32, so the partial dividend fits 64 bits.
        let part = r << 32 | (x >> shift) as u32 as u64;
        q |= ((part / d) as u128) << shift;
        r = part % d;
    }
    (q, r as u128)
}

/// Weight of a report: its locked stake scaled by reputation, never above the lock. Rounds down.
pub fn weight(lock: u128, reputation: u32) -> u128 {
    // lock <= 2^96 (the cap's bound) and reputation <= REP_MAX < 2^10: the product fits.
    div_small(
        lock.saturating_mul(reputation.min(REP_MAX) as u128),
        REP_MAX,
    )
    .0
}

/// What a rejected flag takes from one report's lock. Rounds up, so a nonzero lock always loses
/// something.
pub fn slash(lock: u128, slash_bps: u16) -> u128 {
    // lock <= 2^96 and slash_bps <= 10^4 < 2^14: the product fits.
    let (q, r) = div_small(lock * slash_bps as u128, BPS as u32);
    (q + (r != 0) as u128).min(lock)
}

/// The level a flag's score and reporter count earn.
pub fn level_for(
    score: u128,
    reporters: usize,
    watch: u128,
    confirm: u128,
    min_reporters: u8,
) -> Level {
    if score >= confirm && reporters >= min_reporters as usize {
        Level::Confirmed
    } else if score >= watch {
        Level::Watch
    } else {
        Level::Pending
    }
}

/// Splits `amount` equally among `n` recipients: `(share, remainder)`, `share * n + remainder ==
/// amount`. The remainder goes to the treasury so no wei is lost to rounding.
pub fn split_even(amount: u128, n: usize) -> (u128, u128) {
    match n as u128 {
        0 => (0, amount),
        n => div_small(amount, n as u32),
    }
}

/// Shares of a slash: `(to_victim, to_disputer, to_treasury)`, summing to `slashed`. A victim or
/// disputer that does not qualify (none, or a reporter of the flag) gets nothing: its part stays
/// with the treasury. With `victim_bps + disputer_bps < BPS`, whoever receives both parts still
/// gets less than the reporters lost.
pub fn split_slash(
    slashed: u128,
    victim_bps: u16,
    disputer_bps: u16,
    victim: bool,
    disputer: bool,
) -> (u128, u128, u128) {
    // slashed <= 2^96 * MAX_REPORTERS_LIMIT and bps < 2^14: the products fit.
    let part = |bps: u16, paid: bool| match paid {
        true => div_small(slashed * bps as u128, BPS as u32).0,
        false => 0,
    };
    let to_victim = part(victim_bps, victim);
    let to_disputer = part(disputer_bps, disputer);
    (to_victim, to_disputer, slashed - to_victim - to_disputer)
}

/// Reputation a reporter gains from one rewarded flag with `reporters` reporters, given what it
/// already gained this period. Lone flags earn nothing.
pub fn reputation_gain(reputation: u32, reporters: usize, gained_this_period: u32) -> u32 {
    if reporters < 2 || reputation == 0 {
        return 0;
    }
    let share = REP_POOL / reporters as u32;
    share
        .min(REP_PERIOD_CAP.saturating_sub(gained_this_period))
        .min(REP_MAX.saturating_sub(reputation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn u(v: u128) -> U256 {
        U256::from(v)
    }

    #[test]
    fn warming_stake_does_not_count_until_warm() {
        assert_eq!(warm_stake(u(10), u(0), u(4), 100, 99), u(6));
        assert_eq!(warm_stake(u(10), u(0), u(4), 100, 100), u(10));
        assert_eq!(warm_stake(u(10), u(7), u(4), 100, 0), u(0));
    }

    #[test]
    fn weight_never_exceeds_the_lock() {
        assert_eq!(weight(10_000, REP_START), 5_000);
        assert_eq!(weight(10_000, REP_MAX), 10_000);
        assert_eq!(weight(10_000, 0), 0);
        assert_eq!(weight(3, 333), 0);
    }

    #[test]
    fn lock_takes_free_warm_stake_up_to_the_cap() {
        assert_eq!(lockable(u(25), u(0), 10), 10);
        assert_eq!(lockable(u(25), u(20), 10), 5);
        assert_eq!(lockable(u(5), u(20), 10), 0);
    }

    #[test]
    fn slash_rounds_up_and_never_exceeds_the_lock() {
        assert_eq!(slash(10, 5_000), 5);
        assert_eq!(slash(3, 5_000), 2);
        assert_eq!(slash(1, 1), 1);
        assert_eq!(slash(7, 10_000), 7);
    }

    #[test]
    fn confirmation_needs_score_and_reporters() {
        let (w, c) = (10, 100);
        assert_eq!(level_for(9, 5, w, c, 2), Level::Pending);
        assert_eq!(level_for(10, 5, w, c, 2), Level::Watch);
        assert_eq!(level_for(1_000, 1, w, c, 2), Level::Watch);
        assert_eq!(level_for(100, 2, w, c, 2), Level::Confirmed);
    }

    #[test]
    fn reputation_gains_are_shared_and_bounded() {
        assert_eq!(
            reputation_gain(REP_START, 1, 0),
            0,
            "a lone flag earns nothing"
        );
        assert_eq!(reputation_gain(REP_START, 2, 0), 50);
        assert_eq!(reputation_gain(REP_START, 4, 0), 25);
        assert_eq!(
            reputation_gain(REP_START, 32, 0),
            3,
            "sybils split the pool"
        );
        assert_eq!(
            reputation_gain(REP_START, 2, 40),
            10,
            "the period cap binds"
        );
        assert_eq!(reputation_gain(REP_START, 2, 50), 0);
        assert_eq!(reputation_gain(REP_MAX - 5, 2, 0), 5);
        assert_eq!(
            reputation_gain(0, 2, 0),
            0,
            "a banned reporter earns nothing"
        );
    }

    proptest! {
        #[test]
        fn weight_is_at_most_the_lock_and_monotonic(a in 0u128..(1u128 << 96), b in 0u128..(1u128 << 96), rep in 0..=REP_MAX) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(weight(hi, rep) <= hi);
            prop_assert!(weight(lo, rep) <= weight(hi, rep));
            prop_assert!(weight(hi, REP_START) <= weight(hi, rep.max(REP_START)));
        }

        #[test]
        fn small_division_is_exact(x in any::<u128>(), d in 1u32..) {
            prop_assert_eq!(div_small(x, d), (x / d as u128, x % d as u128));
        }

        #[test]
        fn even_split_loses_nothing(amount in any::<u128>(), n in 0usize..64) {
            let (share, rest) = split_even(amount, n);
            prop_assert_eq!(u(share) * U256::from(n) + u(rest), u(amount));
            prop_assert!(n == 0 || rest < n as u128);
        }

        /// Whoever is paid from a slash (victim, disputer, or one party in both roles), the parts
        /// sum to the slash and the payees together get less than the reporters lost.
        #[test]
        fn slash_split_loses_nothing_and_colluders_lose(
            slashed in 1u128..(1u128 << 101),
            victim_bps in 0u16..10_000,
            disputer_frac in 0u16..10_000,
            victim in any::<bool>(),
            disputer in any::<bool>(),
        ) {
            let disputer_bps = disputer_frac % (10_000 - victim_bps);
            let (v, d, t) = split_slash(slashed, victim_bps, disputer_bps, victim, disputer);
            prop_assert_eq!(v + d + t, slashed);
            prop_assert!(v + d < slashed);
            prop_assert!(t > 0);
        }

        #[test]
        fn slash_is_a_share_of_the_lock(lock in 1u128..(1u128 << 96), bps in 1u16..=10_000) {
            let s = slash(lock, bps);
            prop_assert!(s >= 1 && s <= lock);
            prop_assert!(u(s) * U256::from(10_000u64) >= u(lock) * U256::from(bps));
        }

        #[test]
        fn levels_are_monotonic_in_score(s1 in any::<u64>(), s2 in any::<u64>(), n in 0usize..8, w in 1u64..1_000, extra in 0u64..1_000, m in 1u8..8) {
            let (lo, hi) = (s1.min(s2), s1.max(s2));
            let (w, c) = (w as u128, (w + extra) as u128);
            prop_assert!(level_for(lo as u128, n, w, c, m) <= level_for(hi as u128, n, w, c, m));
        }
    }
}
