//! Block timestamps: the wall clock plus the offset `evm_increaseTime` adds, or the time
//! `evm_setNextBlockTimestamp` fixes for the next block; never before the earliest the chain
//! allows (after the previous block's, or equal to it when blocks come faster than seconds).

use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Clock {
    /// Seconds added to the wall clock.
    offset: i64,
    /// The timestamp the next block takes.
    next: Option<u64>,
}

fn wall() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Clock {
    /// The timestamp a block opened now would take, at `earliest` or later.
    pub fn peek(&self, earliest: u64) -> u64 {
        let time = match self.next {
            Some(next) => next,
            None => u64::try_from(wall().saturating_add(self.offset)).unwrap_or_default(),
        };
        time.max(earliest)
    }

    /// [`Self::peek`] for a block being opened: a fixed next timestamp is used up, and the
    /// clock goes on from it.
    pub fn take(&mut self, earliest: u64) -> u64 {
        let time = self.peek(earliest);
        if let Some(next) = self.next.take() {
            self.offset = i64::try_from(next)
                .unwrap_or(i64::MAX)
                .saturating_sub(wall());
        }
        time
    }

    /// Moves the clock forward by `seconds`; returns the total offset.
    pub fn increase(&mut self, seconds: u64) -> i64 {
        let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
        self.offset = self.offset.saturating_add(seconds);
        if let Some(next) = self.next.as_mut() {
            *next = next.saturating_add(seconds.unsigned_abs());
        }
        self.offset
    }

    pub fn set_next(&mut self, timestamp: u64) {
        self.next = Some(timestamp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_follow_the_wall_clock_and_the_offset() {
        let mut clock = Clock::default();
        let now = u64::try_from(wall()).unwrap();
        assert!(clock.peek(0) >= now);
        clock.increase(3_600);
        assert!(clock.peek(0) >= now + 3_600);
    }

    #[test]
    fn a_timestamp_is_never_before_the_earliest() {
        let clock = Clock::default();
        assert_eq!(clock.peek(u64::MAX), u64::MAX);
    }

    #[test]
    fn a_fixed_timestamp_is_used_once_and_the_clock_goes_on_from_it() {
        let mut clock = Clock::default();
        let far = u64::try_from(wall()).unwrap() + 1_000_000;
        clock.set_next(far);
        assert_eq!(clock.take(0), far);
        assert!(clock.peek(0) >= far);
        assert!(clock.peek(far + 1) > far);
    }
}
