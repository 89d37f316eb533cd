//! Exact integer math of weight, score and payouts. Pure functions, so the rules can be tested and
//! property-checked apart from storage.
//!
//! Amounts are `u128`: parameter validation bounds every stake cap and bond by 2^96 wei, far above
//! all ETH in existence, and 256-bit division would add ~15 KB of wasm to every call's entry cost.

use alloy_primitives::U256;
use vigil_common::Level;

/// Reputation of a new reporter. Weight is stake scaled by reputation / `REP_NEUTRAL`.
pub const REP_NEUTRAL: u32 = 1_000;
/// Reputation never rises above twice neutral, so weight is bounded by `2 * stakeCap`.
pub const REP_MAX: u32 = 2_000;
/// Gain when a flag the reporter backed is confirmed and ends unchallenged, or is upheld.
pub const REP_GAIN: u32 = 50;
/// Loss when a flag the reporter backed is rejected: five upheld flags to earn back one false one.
pub const REP_LOSS: u32 = 250;
/// Basis-point denominator.
pub const BPS: u64 = 10_000;

/// Stake that counts toward weight: all stake less what is leaving and what is still warming up.
pub fn warm_stake(stake: U256, unbonding: U256, warming: U256, warm_at: u64, now: u64) -> U256 {
    let cold = if now >= warm_at { U256::ZERO } else { warming };
    stake.saturating_sub(unbonding).saturating_sub(cold)
}

/// Weight of a report: capped stake scaled by reputation. Rounds down.
pub fn weight(warm: U256, cap: u128, reputation: u32) -> u128 {
    // cap <= 2^96 and reputation <= REP_MAX < 2^11 (params validation): the product fits.
    let capped = if warm < U256::from(cap) {
        warm.saturating_to::<u128>()
    } else {
        cap
    };
    capped.saturating_mul(reputation as u128) / REP_NEUTRAL as u128
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
        n => (amount / n, amount % n),
    }
}

/// Splits slashed bonds: `(to_disputer, to_treasury)`. With `share_bps < BPS` a reporter disputing
/// its own flag gets back less than it loses.
pub fn split_slash(slashed: u128, share_bps: u16) -> (u128, u128) {
    // slashed <= 2^96 * MAX_REPORTERS_LIMIT and share_bps < 2^14: the product fits.
    let to_disputer = slashed.saturating_mul(share_bps as u128) / BPS as u128;
    (to_disputer, slashed - to_disputer)
}

pub fn reputation_up(reputation: u32) -> u32 {
    reputation.saturating_add(REP_GAIN).min(REP_MAX)
}

pub fn reputation_down(reputation: u32) -> u32 {
    reputation.saturating_sub(REP_LOSS)
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
    fn weight_is_capped_and_scaled() {
        assert_eq!(weight(u(5_000), 1_000, REP_NEUTRAL), 1_000);
        assert_eq!(weight(u(500), 1_000, REP_MAX), 1_000);
        assert_eq!(weight(u(500), 1_000, 0), 0);
        assert_eq!(weight(u(3), 1_000, 333), 0);
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
    fn reputation_is_bounded() {
        assert_eq!(reputation_up(REP_MAX - 1), REP_MAX);
        assert_eq!(reputation_down(REP_LOSS - 1), 0);
    }

    proptest! {
        #[test]
        fn weight_never_exceeds_twice_the_cap(stake in any::<u128>(), cap in 1u128..=(1u128 << 96), rep in 0..=REP_MAX) {
            let w = weight(u(stake), cap, rep);
            prop_assert!(w <= cap * 2);
            prop_assert!(u(w) <= u(stake) * u(2));
        }

        #[test]
        fn weight_is_monotonic(a in any::<u64>(), b in any::<u64>(), cap in 1u128..=(1u128 << 96), rep in 0..=REP_MAX) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(weight(u(lo as u128), cap, rep) <= weight(u(hi as u128), cap, rep));
        }

        #[test]
        fn even_split_loses_nothing(amount in any::<u128>(), n in 0usize..64) {
            let (share, rest) = split_even(amount, n);
            prop_assert_eq!(u(share) * U256::from(n) + u(rest), u(amount));
            prop_assert!(n == 0 || rest < n as u128);
        }

        #[test]
        fn slash_split_loses_nothing_and_self_dispute_loses(slashed in 1u128..(1u128 << 101), bps in 0u16..10_000) {
            let (d, t) = split_slash(slashed, bps);
            prop_assert_eq!(d + t, slashed);
            prop_assert!(d < slashed);
        }

        #[test]
        fn levels_are_monotonic_in_score(s1 in any::<u64>(), s2 in any::<u64>(), n in 0usize..8, w in 1u64..1_000, extra in 0u64..1_000, m in 1u8..8) {
            let (lo, hi) = (s1.min(s2), s1.max(s2));
            let (w, c) = (w as u128, (w + extra) as u128);
            prop_assert!(level_for(lo as u128, n, w, c, m) <= level_for(hi as u128, n, w, c, m));
        }
    }
}
