//! Nitro's data pricer (`arbos/programs/data_pricer.go`): the fee for the native code an
//! activation or a keepalive stores. Demand in bytes drains at a fixed rate per second and each
//! request adds its size; the price per byte is a floor times ~e^(demand / inertia).

use super::programs::{Arbos, Load, OutOfGas, Space, Store, ARBITRUM_START_TIME, STORAGE_READ_GAS};
use revm::primitives::U256;

/// Storage offsets of the pricer's fields, in Nitro's order.
const DEMAND: u64 = 0;
const BYTES_PER_SECOND: u64 = 1;
const LAST_UPDATE_TIME: u64 = 2;
const MIN_PRICE: u64 = 3;
const INERTIA: u64 = 4;

/// Nitro's starting values: 1 TiB a year drains demand, 5 MB cost $1, expensive at 1 TiB.
const INITIAL_BYTES_PER_SECOND: u32 = ((1u64 << 40) / (365 * 24) / 3_600) as u32;
const INITIAL_MIN_PRICE: u32 = 82_928_201;
const INITIAL_INERTIA: u32 = 21_360_419;

/// One in basis points.
const BIPS: u64 = 10_000;

/// The pricer's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataPricer {
    pub demand: u32,
    pub bytes_per_second: u32,
    pub last_update_time: u64,
    pub min_price: u32,
    pub inertia: u32,
}

impl DataPricer {
    /// A fresh chain's pricer.
    pub fn genesis() -> Self {
        DataPricer {
            demand: 0,
            bytes_per_second: INITIAL_BYTES_PER_SECOND,
            last_update_time: ARBITRUM_START_TIME,
            min_price: INITIAL_MIN_PRICE,
            inertia: INITIAL_INERTIA,
        }
    }

    /// Reads all five fields, a storage read each, as Nitro does.
    pub fn load<W: Load>(arbos: &mut Arbos<W>) -> Result<Self, OutOfGas> {
        arbos.gas.burn(5 * STORAGE_READ_GAS)?;
        Ok(Self::read(&mut arbos.words))
    }

    /// Reads the fields without charging (the chain's own reads).
    pub fn read<W: Load>(words: &mut W) -> Self {
        let mut field = |offset| words.load(Space::Pricer.slot_at(offset));
        DataPricer {
            demand: field(DEMAND).saturating_to(),
            bytes_per_second: field(BYTES_PER_SECOND).saturating_to(),
            last_update_time: field(LAST_UPDATE_TIME).saturating_to(),
            min_price: field(MIN_PRICE).saturating_to(),
            inertia: field(INERTIA).saturating_to(),
        }
    }

    /// Writes every field (genesis, outside any transaction).
    pub fn save<S: Store>(&self, words: &mut S) {
        let fields = [
            (DEMAND, u64::from(self.demand)),
            (BYTES_PER_SECOND, u64::from(self.bytes_per_second)),
            (LAST_UPDATE_TIME, self.last_update_time),
            (MIN_PRICE, u64::from(self.min_price)),
            (INERTIA, u64::from(self.inertia)),
        ];
        for (offset, value) in fields {
            words.store(Space::Pricer.slot_at(offset), U256::from(value));
        }
    }

    /// Drains demand for the time passed, adds `bytes`, and returns their fee in wei.
    pub fn update(&mut self, bytes: u32, time: u64) -> U256 {
        // Go's unsigned subtraction wraps: a clock behind the last update drains everything.
        let passed = u32::try_from(time.wrapping_sub(self.last_update_time)).unwrap_or(u32::MAX);
        let credit = self.bytes_per_second.saturating_mul(passed);
        self.demand = self.demand.saturating_sub(credit).saturating_add(bytes);
        self.last_update_time = time;
        let exponent = BIPS * u64::from(self.demand) / u64::from(self.inertia.max(1));
        let multiplier = approx_exp_bips(exponent, 12);
        let per_byte = u64::from(self.min_price).saturating_mul(multiplier) / BIPS;
        U256::from(per_byte.saturating_mul(u64::from(bytes)))
    }
}

/// Nitro's `ApproxExpBasisPoints` for a non-negative exponent: BIPS * e^(x / BIPS) by Horner's
/// method over `accuracy` Maclaurin terms, in integers.
fn approx_exp_bips(x: u64, accuracy: u64) -> u64 {
    let mut res = BIPS + x / accuracy;
    for i in (1..accuracy).rev() {
        res = BIPS + res.saturating_mul(x) / (i * BIPS);
    }
    res.min(i64::MAX as u64)
}

/// Nitro's `UpdateModel`: prices `bytes` at `time` and records the new demand.
pub fn update_model<S: Store>(
    arbos: &mut Arbos<S>,
    bytes: u32,
    time: u64,
) -> Result<U256, OutOfGas> {
    let mut pricer = DataPricer::load(arbos)?;
    let fee = pricer.update(bytes, time);
    arbos.set(Space::Pricer.slot_at(DEMAND), U256::from(pricer.demand))?;
    arbos.set(
        Space::Pricer.slot_at(LAST_UPDATE_TIME),
        U256::from(pricer.last_update_time),
    )?;
    Ok(fee)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_is_nitros_horner_series() {
        assert_eq!(approx_exp_bips(0, 12), 10_000);
        // e^1 = 2.71828...: the 12-term series in integer steps gives 27,182.
        assert_eq!(approx_exp_bips(10_000, 12), 27_182);
    }

    #[test]
    fn fee_is_the_floor_price_at_no_demand_and_rises_with_it() {
        assert_eq!(INITIAL_BYTES_PER_SECOND, 34_865);
        let mut pricer = DataPricer::genesis();
        let time = ARBITRUM_START_TIME + 1_000_000;
        // 1,000 bytes: exponent 10,000 * 1,000 / 21,360,419 = 0 -> exactly the floor.
        assert_eq!(
            pricer.update(1_000, time),
            U256::from(82_928_201u64 * 1_000)
        );
        assert_eq!(pricer.demand, 1_000);
        // 2,136,042 more bytes in the same second: demand 2,137,042, exponent 1,000 bips,
        // e^0.1 -> 11,051 bips.
        let fee = pricer.update(2_136_042, time);
        assert_eq!(pricer.demand, 2_137_042);
        let per_byte = 82_928_201u64 * 11_051 / 10_000;
        assert_eq!(fee, U256::from(per_byte * 2_136_042));
        // A day later the demand has drained.
        pricer.update(0, time + 86_400);
        assert_eq!(pricer.demand, 0);
    }
}
