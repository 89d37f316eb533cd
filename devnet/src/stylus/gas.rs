//! Stylus prices, from `shared/reference/stylus-gas-model.md` (Nitro's defaults as of 2026-04).
//!
//! Wasm execution and hostios are priced in ink (1 gas = [`INK_PER_GAS`] ink); storage, logs, calls
//! and account access are priced in EVM gas exactly as geth prices them. Everything here is a pure
//! function so the unit tests can pin it to hand-computed cases from the cost model.

/// Ink per EVM gas (ArbOS `InkPrice`).
pub const INK_PER_GAS: u64 = 10_000;
/// Base ink of every hostio.
pub const HOSTIO_INK: u64 = 8_400;
/// Ink per pointer argument a hostio reads or writes.
pub const PTR_INK: u64 = 5_040;
/// Ink of a hostio that goes through the EVM API (storage flush, logs, calls, account reads).
pub const EVM_API_INK: u64 = 59_673;
/// Hostios that return a 20- or 32-byte value (msg_sender, tx_origin, ...).
pub const ADDRESS_HOSTIO_INK: u64 = HOSTIO_INK + PTR_INK;

/// Gas floor `storage_load_bytes32` needs before touching the EVM (a cold SLOAD plus slack).
pub const SLOAD_SENTRY_GAS: u64 = 2_110;
/// Gas floor `storage_cache_bytes32` needs (geth's SSTORE sentry plus slack).
pub const SSTORE_SENTRY_GAS: u64 = 2_310;
/// Gas floor `storage_flush_cache` needs, even in a view (geth's SSTORE sentry).
pub const FLUSH_SENTRY_GAS: u64 = 2_300;

/// EIP-2929 costs.
pub const COLD_SLOAD_GAS: u64 = 2_100;
pub const WARM_ACCESS_GAS: u64 = 100;
pub const COLD_ACCOUNT_GAS: u64 = 2_600;
/// Surcharge of reading an account's code (`ExtcodeSizeGasEIP150`, scaled by max code size / 24,576).
pub const EXTCODE_GAS: u64 = 700;
/// Value-transfer surcharge of a call and the surcharge for creating an account with it.
pub const CALL_VALUE_GAS: u64 = 9_000;
pub const NEW_ACCOUNT_GAS: u64 = 25_000;
pub const CALL_STIPEND: u64 = 2_300;
/// CREATE base cost and CREATE2's hashing cost per word of init code.
pub const CREATE_GAS: u64 = 32_000;
pub const KECCAK_WORD_GAS: u64 = 6;
/// LOG costs.
pub const LOG_GAS: u64 = 375;
pub const LOG_TOPIC_GAS: u64 = 375;
pub const LOG_DATA_GAS: u64 = 8;

/// Stylus v2 entry-cost floors and scalars (`MinInitGas`, `MinCachedInitGas`, the cost scalars).
pub const MIN_INIT_GAS: u64 = 69;
pub const MIN_CACHED_INIT_GAS: u64 = 11;
pub const INIT_COST_SCALAR: u64 = 50;
pub const CACHED_COST_SCALAR: u64 = 50;

/// Memory model: pages free per transaction, base gas per page and the page limit.
pub const FREE_PAGES: u16 = 2;
pub const PAGE_GAS: u64 = 1_000;
pub const PAGE_LIMIT: u16 = 128;
/// Nitro's `PageRamp`: the float bits behind the exponential page costs of [`page_exp`].
pub const PAGE_RAMP: u64 = 620_674_314;

/// Ink to copy `bytes` into wasm memory.
pub fn write_price(bytes: u64) -> u64 {
    PTR_INK + 30 * bytes.saturating_sub(32)
}

/// Ink to copy `bytes` out of wasm memory.
pub fn read_price(bytes: u64) -> u64 {
    16_381 + 55 * bytes.saturating_sub(32)
}

/// Ink of `native_keccak256` over `bytes`.
pub fn keccak_price(bytes: u64) -> u64 {
    121_800 + 21_000 * words(bytes).saturating_sub(2)
}

/// Number of 32-byte words covering `bytes`.
pub fn words(bytes: u64) -> u64 {
    bytes.div_ceil(32)
}

/// Gas of a log with `topics` topics and `data_bytes` bytes of data.
pub fn log_gas(topics: u64, data_bytes: u64) -> u64 {
    LOG_GAS + LOG_TOPIC_GAS * topics + LOG_DATA_GAS * data_bytes
}

/// geth's memory expansion cost for `bytes`: a program's return data costs at least this much.
pub fn evm_memory_gas(bytes: u64) -> u64 {
    let words = words(bytes);
    3 * words + words * words / 512
}

/// Sizes of a module that fix its entry costs at activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModuleStats {
    /// Locally defined functions.
    pub funcs: u64,
    /// Sum of params + results over the local functions' signatures.
    pub type_len: u64,
    /// Uncompressed wasm bytes.
    pub wasm_len: u64,
    /// Locally defined globals.
    pub globals: u64,
    /// Bytes of data segments.
    pub data_len: u64,
    /// Elements of element segments.
    pub elem_len: u64,
    /// Initial memory pages.
    pub footprint: u16,
}

/// Coefficients are in units of 1e-5 gas so the model stays in integers.
const COST_UNIT: u64 = 100_000;

impl ModuleStats {
    /// `initCost` of the cost model (gas, rounded up).
    pub fn init_cost(&self) -> u64 {
        let units = self.funcs * 825_200 + self.type_len * 105_900 + self.wasm_len * 12_860;
        units.div_ceil(COST_UNIT)
    }

    /// `cachedCost` of the cost model (gas, rounded up).
    pub fn cached_cost(&self) -> u64 {
        let units = self.funcs * 13_420
            + self.type_len * 89
            + self.wasm_len * 122
            + self.globals * 162_800
            + (self.data_len + self.elem_len) * 75_244
            + u64::from(self.footprint) * 500_000;
        units.div_ceil(COST_UNIT)
    }

    /// Gas charged on every uncached call on top of [`Self::cached_gas`].
    pub fn init_gas(&self) -> u64 {
        init_gas(self.init_cost())
    }

    /// Gas charged on every call, cached or not.
    pub fn cached_gas(&self) -> u64 {
        cached_gas(self.cached_cost())
    }

    /// Nitro's prediction of the module's native code size in bytes (`asm_estimate`): the data
    /// fee of activation and keepalive is priced on it.
    pub fn asm_estimate(&self) -> u64 {
        512_000u64
            .saturating_add(self.funcs.saturating_mul(996_829) / 1_000)
            .saturating_add(self.type_len.saturating_mul(11_416) / 1_000)
            .saturating_add(self.wasm_len.saturating_mul(62_628) / 10_000)
    }
}

/// `initGas` of a program whose activation fixed its `initCost`.
pub fn init_gas(init_cost: u64) -> u64 {
    MIN_INIT_GAS * 128 + (init_cost * INIT_COST_SCALAR * 2).div_ceil(100)
}

/// `cachedGas` of a program whose activation fixed its `cachedCost`.
pub fn cached_gas(cached_cost: u64) -> u64 {
    MIN_CACHED_INIT_GAS * 32 + (cached_cost * CACHED_COST_SCALAR * 2).div_ceil(100)
}

/// What Nitro's activation charges for compiling a module, from its shape: microseconds per item
/// (`pay!` in Nitro's `ProverProgram::activate`), each term converted at 28 gas per microsecond.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CompileCost {
    /// Uncompressed wasm bytes.
    pub wasm_len: u64,
    /// Locally defined functions.
    pub funcs: u64,
    /// Bytes of data segment payloads.
    pub data_bytes: u64,
    /// Bytes of element segments as encoded.
    pub elem_bytes: u64,
    /// Initial memory pages.
    pub pages: u64,
    /// Operators of the instrumented function bodies.
    pub code_ops: u64,
}

impl CompileCost {
    /// Gas of compiling the module.
    pub fn gas(&self) -> u64 {
        let micros = [
            self.wasm_len.saturating_mul(31_733) / 100_000,
            self.funcs.saturating_mul(17_263) / 100_000,
            self.data_bytes.saturating_mul(17_376) / 100_000,
            self.elem_bytes.saturating_mul(17_376) / 100_000,
            self.pages.saturating_mul(2_217),
            self.code_ops.saturating_mul(535) / 1_000,
        ];
        micros.iter().fold(0u64, |gas, us| {
            gas.saturating_add(us.saturating_mul(GAS_PER_MICROSECOND))
        })
    }
}

/// Nitro's conversion of activation time to gas (fudge 2 x 7M gas/s, at a 500,000 us sync rate).
const GAS_PER_MICROSECOND: u64 = 28;

/// Nitro's memory model: the first [`FREE_PAGES`] pages of a transaction are free, then every new
/// open page costs [`PAGE_GAS`] and the high-water mark pays an exponential ramp.
pub fn memory_gas(new_pages: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new_pages);
    let new_ever = ever.max(new_open);
    if new_ever <= FREE_PAGES {
        return 0;
    }
    let credit = |pages: u16| pages.saturating_sub(FREE_PAGES);
    let adding = u64::from(credit(new_open).saturating_sub(credit(open)));
    let linear = adding.saturating_mul(PAGE_GAS);
    let expand = page_exp(new_ever).saturating_sub(page_exp(ever));
    linear.saturating_add(expand)
}

/// The ramp term, Nitro's precomputed `exp(pages)` (about 1.1445^pages, fitted so 128 pages cost
/// ~32M gas with the linear term); infinite past [`PAGE_LIMIT`] so growing beyond the limit always
/// runs out of gas. The table is data from Nitro's memory model, not reproducible bit-for-bit from
/// `PageRamp` with integer arithmetic, so it is kept verbatim.
pub fn page_exp(pages: u16) -> u64 {
    MEMORY_EXPONENTS
        .get(usize::from(pages))
        .map_or(u64::MAX, |&x| u64::from(x))
}

const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

/// EIP-2200/2929/3529 SSTORE gas and refund for one slot, given its value at the start of the
/// transaction (`original`), now (`current`) and the value being written (`new`).
pub fn sstore_gas(original: [u8; 32], current: [u8; 32], new: [u8; 32], cold: bool) -> (u64, i64) {
    const SET: u64 = 20_000;
    const RESET: u64 = 5_000 - COLD_SLOAD_GAS;
    const CLEAR_REFUND: i64 = 4_800;
    let zero = [0u8; 32];
    let cold_gas = if cold { COLD_SLOAD_GAS } else { 0 };
    if new == current {
        return (cold_gas + WARM_ACCESS_GAS, 0);
    }
    if original == current {
        if original == zero {
            return (cold_gas + SET, 0);
        }
        let refund = if new == zero { CLEAR_REFUND } else { 0 };
        return (cold_gas + RESET, refund);
    }
    let mut refund = 0i64;
    if original != zero {
        if current == zero {
            refund -= CLEAR_REFUND;
        } else if new == zero {
            refund += CLEAR_REFUND;
        }
    }
    if original == new {
        refund += if original == zero {
            (SET - WARM_ACCESS_GAS) as i64
        } else {
            (RESET - WARM_ACCESS_GAS) as i64
        };
    }
    (cold_gas + WARM_ACCESS_GAS, refund)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostio_prices_match_the_cost_model_table() {
        // read_args(100): 8,400 + 5,040 + 30*68
        assert_eq!(HOSTIO_INK + write_price(100), 15_480);
        // write_result(64): 8,400 + 2*(16,381 + 55*32)
        assert_eq!(HOSTIO_INK + 2 * read_price(64), 44_682);
        // emit_log of 2 topics + 32 data bytes: ink and gas
        assert_eq!(
            HOSTIO_INK + EVM_API_INK + read_price(96),
            8_400 + 59_673 + 16_381 + 55 * 64
        );
        assert_eq!(log_gas(2, 32), 375 * 3 + 256);
        // keccak of 32 bytes is the base price; of 100 bytes (4 words) two extra words
        assert_eq!(keccak_price(32), 121_800);
        assert_eq!(keccak_price(100), 121_800 + 42_000);
        assert_eq!(ADDRESS_HOSTIO_INK, 13_440);
    }

    #[test]
    fn entry_cost_floors_hold_for_an_empty_module() {
        let empty = ModuleStats::default();
        assert_eq!(empty.init_gas(), 8_832);
        assert_eq!(empty.cached_gas(), 352);
    }

    #[test]
    fn entry_cost_of_a_worked_module() {
        // 100 funcs, type_len 250, 20,000 bytes, 3 globals, 1,000 data bytes, 2 pages.
        let m = ModuleStats {
            funcs: 100,
            type_len: 250,
            wasm_len: 20_000,
            globals: 3,
            data_len: 1_000,
            elem_len: 0,
            footprint: 2,
        };
        // initCost = 825.2 + 264.75 + 2572 = 3661.95 -> 3662
        assert_eq!(m.init_cost(), 3_662);
        assert_eq!(m.init_gas(), 8_832 + 3_662);
        // cachedCost = 13.42 + 0.2225 + 24.4 + 4.884 + 752.44 + 10 = 805.3665 -> 806
        assert_eq!(m.cached_cost(), 806);
        assert_eq!(m.cached_gas(), 352 + 806);
    }

    #[test]
    fn asm_estimate_and_compile_cost_follow_nitro() {
        let m = ModuleStats {
            funcs: 100,
            type_len: 250,
            wasm_len: 20_000,
            ..ModuleStats::default()
        };
        // 512,000 + 99,682 + 2,854 + 125,256
        assert_eq!(m.asm_estimate(), 739_792);
        let cost = CompileCost {
            wasm_len: 20_000,
            funcs: 100,
            data_bytes: 1_000,
            elem_bytes: 50,
            pages: 2,
            code_ops: 10_000,
        };
        // us: 6,346 + 17 + 173 + 8 + 4,434 + 5,350 = 16,328; each term x 28
        assert_eq!(cost.gas(), 16_328 * 28);
        assert_eq!(CompileCost::default().gas(), 0);
    }

    #[test]
    fn memory_model_is_free_then_linear_plus_ramp() {
        assert_eq!(memory_gas(2, 0, 0), 0);
        assert_eq!(page_exp(0), 1);
        assert_eq!(page_exp(2), 1);
        assert_eq!(page_exp(36), 128);
        assert_eq!(page_exp(128), 31_873_999);
        // A third page: 1,000 linear, ramp exp(3) - exp(0) = 0.
        assert_eq!(memory_gas(1, 2, 2), 1_000);
        // From 2 open to 12 open: 10 pages linear plus exp(12) - exp(2).
        assert_eq!(memory_gas(10, 2, 2), 10_000 + 5 - 1);
        // Re-opening pages under the high-water mark pays only the linear term.
        assert_eq!(memory_gas(4, 0, 12), 2_000);
        assert!(memory_gas(1, PAGE_LIMIT, PAGE_LIMIT) > 1 << 60);
    }

    #[test]
    fn sstore_follows_eip2200_and_eip2929() {
        let z = [0u8; 32];
        let mut one = [0u8; 32];
        one[31] = 1;
        let mut two = [0u8; 32];
        two[31] = 2;
        assert_eq!(sstore_gas(z, z, one, true), (22_100, 0));
        assert_eq!(sstore_gas(z, z, one, false), (20_000, 0));
        assert_eq!(sstore_gas(one, one, two, true), (5_000, 0));
        assert_eq!(sstore_gas(one, one, z, false), (2_900, 4_800));
        assert_eq!(sstore_gas(one, one, one, true), (2_200, 0));
        // dirty slot restored to its original zero: refund 19,900
        assert_eq!(sstore_gas(z, one, z, false), (100, 19_900));
        // dirty slot restored to its original non-zero value
        assert_eq!(sstore_gas(one, two, one, false), (100, 2_800));
        // dirty slot cleared earlier, then set again: the clear refund is taken back
        assert_eq!(sstore_gas(one, z, two, false), (100, -4_800));
    }
}
