//! Nitro's program lifetime: what activation records per code hash, the Stylus parameters, and
//! the rules every call and every ArbWasm request apply (version, expiry, keepalive).
//!
//! Records live where Nitro keeps them, in the storage of the ArbOS state account at Nitro's own
//! slots, so the journal reverts them with the frame that wrote them, views never commit them and
//! snapshots carry them. Access goes through [`Arbos`], which prices it as Nitro's ArbOS storage
//! does for a precompile's caller (800 a read, 20,000 or 5,000 a write) and not at all for the
//! chain's own reads (Nitro's system burner).

use super::gas::{
    self, ModuleStats, FREE_PAGES, INK_PER_GAS, MIN_CACHED_INIT_GAS, MIN_INIT_GAS, PAGE_GAS,
    PAGE_LIMIT,
};
use super::pricer;
use crate::error::ProgramError;
use crate::evm::{Ctx, Db};
use revm::context::{ContextTr, JournalTr};
use revm::database_interface::DatabaseRef;
use revm::primitives::{address, keccak256, Address, B256, U256};
use std::convert::Infallible;
use std::sync::OnceLock;

/// Nitro's ArbOS state account, whose storage holds the records.
pub const ARBOS_STATE: Address = address!("A4B05FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
/// Nitro's epoch: activation times are stored as whole hours since it, so ages carry Nitro's
/// granularity (a program is up to an hour older than its activation transaction).
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;
const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;

/// ArbOS storage prices (geth's EIP-2200 constants) and the warm read of the Stylus params.
pub const STORAGE_READ_GAS: u64 = 800;
pub const STORAGE_WRITE_GAS: u64 = 20_000;
pub const STORAGE_WRITE_ZERO_GAS: u64 = 5_000;
pub const PARAMS_READ_GAS: u64 = 100;

/// A space of ArbOS storage: Nitro derives each key as keccak(parent key ++ id) from an empty
/// root key, and maps an offset into a space as keccak(key ++ offset[..31])[..31] ++ offset[31].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Space {
    Root,
    Params,
    Programs,
    ModuleHashes,
    Pricer,
    CacheManagers,
    CacheManagersByAddress,
    ActivationGas,
    ChainOwners,
    ChainOwnersByAddress,
}

impl Space {
    fn key(self) -> &'static [u8] {
        static KEYS: OnceLock<[B256; 9]> = OnceLock::new();
        let keys = KEYS.get_or_init(|| {
            let sub = |parent: &[u8], id: u8| keccak256([parent, &[id]].concat());
            let programs = sub(&[], 8);
            let managers = sub(&programs[..], 4);
            let owners = sub(&[], 4);
            [
                sub(&programs[..], 0),
                sub(&programs[..], 1),
                sub(&programs[..], 2),
                sub(&programs[..], 3),
                managers,
                sub(&managers[..], 0),
                sub(&programs[..], 5),
                owners,
                sub(&owners[..], 0),
            ]
        });
        match self {
            Space::Root => &[],
            Space::Params => &keys[0][..],
            Space::Programs => &keys[1][..],
            Space::ModuleHashes => &keys[2][..],
            Space::Pricer => &keys[3][..],
            Space::CacheManagers => &keys[4][..],
            Space::CacheManagersByAddress => &keys[5][..],
            Space::ActivationGas => &keys[6][..],
            Space::ChainOwners => &keys[7][..],
            Space::ChainOwnersByAddress => &keys[8][..],
        }
    }

    /// The storage slot of `offset` in this space.
    pub(crate) fn slot(self, offset: B256) -> U256 {
        let mut mapped = keccak256([self.key(), &offset[..31]].concat()).0;
        mapped[31] = offset[31];
        U256::from_be_bytes(mapped)
    }

    pub(crate) fn slot_at(self, offset: u64) -> U256 {
        self.slot(U256::from(offset).into())
    }
}

/// Offsets in the root space: ArbOS's version and the network fee account.
const ARBOS_VERSION_OFFSET: u64 = 0;
const NETWORK_FEE_ACCOUNT_OFFSET: u64 = 3;
/// The ArbOS version the devnet models: the one whose Stylus parameters (version 2, the params
/// word with `maxFragmentCount`, per-transaction recent wasms) [`Params::genesis`] holds.
pub const ARBOS_VERSION: u64 = 60;

/// Read access to ArbOS state words.
pub trait Load {
    fn load(&mut self, slot: U256) -> U256;
}

/// Write access to ArbOS state words.
pub trait Store: Load {
    fn store(&mut self, slot: U256, value: U256);
}

fn ok<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// Inside a transaction: through the journal, so the words revert with their frame. The journal
/// reads storage only of loaded accounts, so the ArbOS account is loaded first.
impl Load for Ctx {
    fn load(&mut self, slot: U256) -> U256 {
        let journal = self.journal_mut();
        ok(journal.load_account(ARBOS_STATE));
        ok(journal.sload(ARBOS_STATE, slot)).data
    }
}

impl Store for Ctx {
    fn store(&mut self, slot: U256, value: U256) {
        let journal = self.journal_mut();
        ok(journal.load_account(ARBOS_STATE));
        ok(journal.sstore(ARBOS_STATE, slot, value));
    }
}

impl<T: Load> Load for &mut T {
    fn load(&mut self, slot: U256) -> U256 {
        (**self).load(slot)
    }
}

impl<T: Store> Store for &mut T {
    fn store(&mut self, slot: U256, value: U256) {
        (**self).store(slot, value);
    }
}

/// Outside a transaction: the committed state.
impl Load for &Db {
    fn load(&mut self, slot: U256) -> U256 {
        ok(self.storage_ref(ARBOS_STATE, slot))
    }
}

impl Load for Db {
    fn load(&mut self, slot: U256) -> U256 {
        ok(self.storage_ref(ARBOS_STATE, slot))
    }
}

impl Store for Db {
    fn store(&mut self, slot: U256, value: U256) {
        ok(self.insert_account_storage(ARBOS_STATE, slot, value));
    }
}

/// The caller ran out of gas for ArbOS work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfGas;

/// Gas a caller pays for ArbOS work (Nitro's burner): metered for a precompile's caller, free for
/// the chain itself.
#[derive(Clone, Copy, Debug)]
pub struct Burner {
    metered: bool,
    limit: u64,
    used: u64,
}

impl Burner {
    /// The chain's own burner: nothing is charged.
    pub fn system() -> Self {
        Burner {
            metered: false,
            limit: u64::MAX,
            used: 0,
        }
    }

    /// A caller's burner with `limit` gas.
    pub fn metered(limit: u64) -> Self {
        Burner {
            metered: true,
            limit,
            used: 0,
        }
    }

    /// Charges `gas`; when it does not fit, everything left is consumed (Nitro's `BurnOut`).
    pub fn burn(&mut self, gas: u64) -> Result<(), OutOfGas> {
        if !self.metered {
            return Ok(());
        }
        if self.left() < gas {
            self.burn_out();
            return Err(OutOfGas);
        }
        self.used += gas;
        Ok(())
    }

    pub fn burn_out(&mut self) {
        self.used = self.limit;
    }

    pub fn used(&self) -> u64 {
        self.used
    }

    pub fn left(&self) -> u64 {
        self.limit - self.used
    }
}

/// ArbOS state as Nitro's storage layer prices it.
pub struct Arbos<W> {
    pub words: W,
    pub gas: Burner,
}

impl<W: Load> Arbos<W> {
    /// Reads a word, charging a storage read.
    pub fn get(&mut self, slot: U256) -> Result<U256, OutOfGas> {
        self.gas.burn(STORAGE_READ_GAS)?;
        Ok(self.words.load(slot))
    }

    /// The network fee account, which receives data fees (the zero address on `nitro --dev`).
    pub fn network_fee_account(&mut self) -> Result<Address, OutOfGas> {
        let word = self.get(Space::Root.slot_at(NETWORK_FEE_ACCOUNT_OFFSET))?;
        Ok(Address::from_word(word.into()))
    }

    /// Gas every activation burns first (ArbOS 60's `ActivationGas`, 0 unless an owner sets it).
    pub fn activation_gas(&mut self) -> Result<u64, OutOfGas> {
        Ok(self.get(Space::ActivationGas.slot_at(0))?.saturating_to())
    }
}

impl<W: Store> Arbos<W> {
    /// Writes a word, charging Nitro's flat write price (whatever the slot held).
    pub fn set(&mut self, slot: U256, value: U256) -> Result<(), OutOfGas> {
        let gas = if value.is_zero() {
            STORAGE_WRITE_ZERO_GAS
        } else {
            STORAGE_WRITE_GAS
        };
        self.gas.burn(gas)?;
        self.words.store(slot, value);
        Ok(())
    }
}

/// Big-endian fields packed from the first byte of a word, as Nitro packs its storage words.
struct Packed {
    bytes: [u8; 32],
    at: usize,
}

impl Packed {
    fn new(word: U256) -> Self {
        Packed {
            bytes: word.to_be_bytes(),
            at: 0,
        }
    }

    fn take(&mut self, len: usize) -> u64 {
        let value = self.bytes[self.at..self.at + len]
            .iter()
            .fold(0u64, |acc, b| acc << 8 | u64::from(*b));
        self.at += len;
        value
    }

    fn put(&mut self, len: usize, value: u64) {
        for i in 0..len {
            self.bytes[self.at + i] = (value >> (8 * (len - 1 - i))) as u8;
        }
        self.at += len;
    }

    fn word(&self) -> U256 {
        U256::from_be_bytes(self.bytes)
    }
}

/// Nitro's Stylus parameters (one word, ArbOS 60 layout). The devnet's pricing reads its own
/// constants, which are these values at genesis; only the lifetime fields (`version`,
/// `expiry_days`, `keepalive_days`) are ever changed, as an ArbOS upgrade or the chain owner
/// would change them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub version: u16,
    pub ink_price: u32,
    pub max_stack_depth: u32,
    pub free_pages: u16,
    pub page_gas: u16,
    pub page_limit: u16,
    pub min_init_gas: u8,
    pub min_cached_init_gas: u8,
    pub init_cost_scalar: u8,
    pub cached_cost_scalar: u8,
    pub expiry_days: u16,
    pub keepalive_days: u16,
    pub block_cache_size: u16,
    pub max_wasm_size: u32,
    pub max_fragment_count: u8,
}

/// Field widths of the params word, in storage order.
const PARAM_WIDTHS: [usize; 15] = [2, 3, 4, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 4, 1];

impl Params {
    /// `nitro --dev` at ArbOS 60 (Stylus version 2).
    pub fn genesis() -> Self {
        Params {
            version: 2,
            ink_price: INK_PER_GAS as u32,
            // Nitro's ArbOS 50 cap in words; the devnet's own wasm stack limit is wasmi's.
            max_stack_depth: 22_000,
            free_pages: FREE_PAGES,
            page_gas: PAGE_GAS as u16,
            page_limit: PAGE_LIMIT,
            min_init_gas: MIN_INIT_GAS as u8,
            min_cached_init_gas: MIN_CACHED_INIT_GAS as u8,
            init_cost_scalar: gas::INIT_COST_SCALAR as u8,
            cached_cost_scalar: gas::CACHED_COST_SCALAR as u8,
            expiry_days: 365,
            keepalive_days: 31,
            block_cache_size: 32,
            max_wasm_size: super::activation::MAX_WASM_SIZE as u32,
            max_fragment_count: 2,
        }
    }

    fn fields(&self) -> [u64; 15] {
        [
            self.version.into(),
            self.ink_price.into(),
            self.max_stack_depth.into(),
            self.free_pages.into(),
            self.page_gas.into(),
            self.page_limit.into(),
            self.min_init_gas.into(),
            self.min_cached_init_gas.into(),
            self.init_cost_scalar.into(),
            self.cached_cost_scalar.into(),
            self.expiry_days.into(),
            self.keepalive_days.into(),
            self.block_cache_size.into(),
            self.max_wasm_size.into(),
            self.max_fragment_count.into(),
        ]
    }

    fn to_word(self) -> U256 {
        let mut packed = Packed::new(U256::ZERO);
        for (width, value) in PARAM_WIDTHS.iter().zip(self.fields()) {
            packed.put(*width, value);
        }
        packed.word()
    }

    fn from_word(word: U256) -> Self {
        let mut p = Packed::new(word);
        let mut next = PARAM_WIDTHS.iter().map(|width| p.take(*width));
        let mut field = || next.next().unwrap_or(0);
        // Widths bound every value to its field.
        Params {
            version: field() as u16,
            ink_price: field() as u32,
            max_stack_depth: field() as u32,
            free_pages: field() as u16,
            page_gas: field() as u16,
            page_limit: field() as u16,
            min_init_gas: field() as u8,
            min_cached_init_gas: field() as u8,
            init_cost_scalar: field() as u8,
            cached_cost_scalar: field() as u8,
            expiry_days: field() as u16,
            keepalive_days: field() as u16,
            block_cache_size: field() as u16,
            max_wasm_size: field() as u32,
            max_fragment_count: field() as u8,
        }
    }

    /// Reads the params; Nitro charges a warm read for the whole word.
    pub fn load<W: Load>(arbos: &mut Arbos<W>) -> Result<Self, OutOfGas> {
        arbos.gas.burn(PARAMS_READ_GAS)?;
        Ok(Self::read(&mut arbos.words))
    }

    /// Reads the params without charging (the chain's own reads).
    pub fn read<W: Load>(words: &mut W) -> Self {
        Self::from_word(words.load(Space::Params.slot_at(0)))
    }

    /// Writes the params (genesis and simulated upgrades, outside any transaction).
    pub fn save<S: Store>(&self, words: &mut S) {
        words.store(Space::Params.slot_at(0), self.to_word());
    }

    pub fn expiry_seconds(&self) -> u64 {
        u64::from(self.expiry_days) * DAY
    }

    pub fn keepalive_seconds(&self) -> u64 {
        u64::from(self.keepalive_days) * DAY
    }
}

/// What activation stored for a code hash (Nitro's `Program`); version 0 = never activated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgramRecord {
    pub version: u16,
    pub init_cost: u16,
    pub cached_cost: u16,
    pub footprint: u16,
    /// Hours since [`ARBITRUM_START_TIME`] (24 bits).
    pub activated_at: u32,
    /// Predicted native size, in KiB (24 bits).
    pub asm_estimate_kb: u32,
    /// Whether the cache manager holds the program: its calls then skip `initGas`. Kept here,
    /// as Nitro keeps it, so caching reverts with its frame and travels with the state.
    pub cached: bool,
}

const RECORD_WIDTHS: [usize; 7] = [2, 2, 2, 2, 3, 3, 1];

impl ProgramRecord {
    fn to_word(self) -> U256 {
        let fields = [
            self.version.into(),
            self.init_cost.into(),
            self.cached_cost.into(),
            self.footprint.into(),
            self.activated_at.into(),
            self.asm_estimate_kb.into(),
            self.cached.into(),
        ];
        let mut packed = Packed::new(U256::ZERO);
        for (width, value) in RECORD_WIDTHS.iter().zip(fields) {
            packed.put(*width, value);
        }
        packed.word()
    }

    fn from_word(word: U256) -> Self {
        let mut p = Packed::new(word);
        ProgramRecord {
            version: p.take(2) as u16,
            init_cost: p.take(2) as u16,
            cached_cost: p.take(2) as u16,
            footprint: p.take(2) as u16,
            activated_at: p.take(3) as u32,
            asm_estimate_kb: p.take(3) as u32,
            cached: p.take(1) != 0,
        }
    }

    /// The record of `code_hash`, charging a storage read.
    pub fn load<W: Load>(arbos: &mut Arbos<W>, code_hash: B256) -> Result<Self, OutOfGas> {
        arbos.gas.burn(STORAGE_READ_GAS)?;
        Ok(Self::read(&mut arbos.words, code_hash))
    }

    /// The record of `code_hash` without charging (the chain's own reads).
    pub fn read<W: Load>(words: &mut W, code_hash: B256) -> Self {
        Self::from_word(words.load(Space::Programs.slot(code_hash)))
    }

    fn save<S: Store>(&self, arbos: &mut Arbos<S>, code_hash: B256) -> Result<(), OutOfGas> {
        arbos.set(Space::Programs.slot(code_hash), self.to_word())
    }

    /// Seconds since activation, from the stored hour (0 when the clock is behind it).
    pub fn age(&self, time: u64) -> u64 {
        let activated = ARBITRUM_START_TIME.saturating_add(u64::from(self.activated_at) * HOUR);
        time.saturating_sub(activated)
    }

    /// Nitro's `getActiveProgram`: the record if the program may run at `time`.
    pub fn active(self, params: &Params, time: u64) -> Result<Self, ProgramError> {
        if self.version == 0 {
            return Err(ProgramError::NotActivated);
        }
        if self.version != params.version {
            return Err(ProgramError::NeedsUpgrade {
                version: self.version,
                stylus_version: params.version,
            });
        }
        let age = self.age(time);
        if age > params.expiry_seconds() {
            return Err(ProgramError::Expired { age });
        }
        Ok(self)
    }

    /// Seconds until the program expires (an error once it has, or when it cannot run).
    pub fn time_left(self, params: &Params, time: u64) -> Result<u64, ProgramError> {
        let active = self.active(params, time)?;
        Ok(params.expiry_seconds().saturating_sub(active.age(time)))
    }

    /// Gas of an uncached call (Nitro's `initGas`, which includes `cachedGas` from version 2).
    pub fn init_gas(&self) -> u64 {
        gas::init_gas(self.init_cost.into())
    }

    /// Gas of every call (Nitro's `cachedGas`).
    pub fn cached_gas(&self) -> u64 {
        gas::cached_gas(self.cached_cost.into())
    }

    /// Nitro's `asmSize`: the estimate rounded up to whole KiB when it was stored.
    pub fn asm_size(&self) -> u32 {
        self.asm_estimate_kb.saturating_mul(1_024)
    }
}

/// The record of a program about to run at `time`, or why it cannot run. The chain reads it for
/// free (Nitro's `CallProgram` reads through the system burner).
pub fn runnable<W: Load>(
    mut words: W,
    code_hash: B256,
    time: u64,
) -> Result<ProgramRecord, ProgramError> {
    let params = Params::read(&mut words);
    ProgramRecord::read(&mut words, code_hash).active(&params, time)
}

/// Whole hours since [`ARBITRUM_START_TIME`], saturating at 24 bits as Nitro stores them.
pub fn hours_since_arbitrum(time: u64) -> u32 {
    (time.saturating_sub(ARBITRUM_START_TIME) / HOUR).min(0xFF_FFFF) as u32
}

/// Why a lifetime operation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fail {
    Program(ProgramError),
    OutOfGas,
}

impl From<OutOfGas> for Fail {
    fn from(_: OutOfGas) -> Self {
        Fail::OutOfGas
    }
}

impl From<ProgramError> for Fail {
    fn from(error: ProgramError) -> Self {
        Fail::Program(error)
    }
}

/// Refuses to activate a program that is current and unexpired (Nitro's `programExists` check:
/// a record never activated, or older than `expiryDays`, counts as expired). Returns whether the
/// code hash is cached, which a new activation keeps.
pub fn require_outdated<W: Load>(
    arbos: &mut Arbos<W>,
    code_hash: B256,
    params: &Params,
    time: u64,
) -> Result<bool, Fail> {
    let record = ProgramRecord::load(arbos, code_hash)?;
    let expired = record.activated_at == 0 || record.age(time) > params.expiry_seconds();
    if record.version == params.version && !expired {
        return Err(ProgramError::UpToDate.into());
    }
    Ok(record.cached)
}

/// Stores a fresh activation of a compiled module (the tail of Nitro's `ActivateProgram`):
/// module hash, data pricer, record (`cached` as [`require_outdated`] found it: Nitro recompiles
/// a cached program's asm rather than evicting it). Returns the data fee.
pub fn record_activation<S: Store>(
    arbos: &mut Arbos<S>,
    code_hash: B256,
    module_hash: B256,
    stats: &ModuleStats,
    params: &Params,
    time: u64,
    cached: bool,
) -> Result<U256, Fail> {
    arbos.set(Space::ModuleHashes.slot(code_hash), module_hash.into())?;
    let estimate = u32::try_from(stats.asm_estimate()).unwrap_or(u32::MAX);
    let fee = pricer::update_model(arbos, estimate, time)?;
    let record = ProgramRecord {
        version: params.version,
        // Activation refuses modules whose costs do not fit 16 bits.
        init_cost: u16::try_from(stats.init_cost()).unwrap_or(u16::MAX),
        cached_cost: u16::try_from(stats.cached_cost()).unwrap_or(u16::MAX),
        footprint: stats.footprint,
        activated_at: hours_since_arbitrum(time),
        asm_estimate_kb: estimate.div_ceil(1_024).min(0xFF_FFFF),
        // A re-activation keeps the program in the cache, as Nitro recompiles the cached asm.
        cached,
    };
    record.save(arbos, code_hash)?;
    Ok(fee)
}

/// Nitro's `ProgramKeepalive`: resets an active program's age once it is `keepaliveDays` old.
/// Returns the data fee.
pub fn keepalive<S: Store>(
    arbos: &mut Arbos<S>,
    code_hash: B256,
    params: &Params,
    time: u64,
) -> Result<U256, Fail> {
    let mut record = ProgramRecord::load(arbos, code_hash)?.active(params, time)?;
    let age = record.age(time);
    if age < params.keepalive_seconds() {
        return Err(ProgramError::KeepaliveTooSoon { age }.into());
    }
    let fee = pricer::update_model(arbos, record.asm_size(), time)?;
    record.activated_at = hours_since_arbitrum(time);
    record.save(arbos, code_hash)?;
    Ok(fee)
}

/// Nitro's `SetProgramCached`: places an active program in the cache or evicts any program
/// from it. Caching refuses a program that is outdated (`ProgramNeedsUpgrade`, also for one never
/// activated: its version is 0) or expired; a request that changes nothing succeeds without
/// effect. When the flag changes, `announce` runs first (the precompile's event), then Nitro
/// charges the program's `initCost` as a storage read, reads the module hash and writes the record.
pub fn set_program_cached<S: Store>(
    arbos: &mut Arbos<S>,
    code_hash: B256,
    cached: bool,
    params: &Params,
    time: u64,
    announce: impl FnOnce(&mut Arbos<S>) -> Result<(), Fail>,
) -> Result<(), Fail> {
    let mut record = ProgramRecord::load(arbos, code_hash)?;
    let age = record.age(time);
    if cached && record.version != params.version {
        return Err(ProgramError::NeedsUpgrade {
            version: record.version,
            stylus_version: params.version,
        }
        .into());
    }
    if cached && age > params.expiry_seconds() {
        return Err(ProgramError::Expired { age }.into());
    }
    if record.cached == cached {
        return Ok(());
    }
    announce(arbos)?;
    arbos.gas.burn(record.init_cost.into())?;
    arbos.get(Space::ModuleHashes.slot(code_hash))?;
    record.cached = cached;
    record.save(arbos, code_hash)?;
    Ok(())
}

/// Sets the cache flag of `code_hash` directly in the state, as the chain's own write (no checks,
/// no gas): what a test's [`crate::Devnet::set_cached`] does.
pub fn write_cached<S: Store>(words: &mut S, code_hash: B256, cached: bool) {
    let mut record = ProgramRecord::read(words, code_hash);
    record.cached = cached;
    words.store(Space::Programs.slot(code_hash), record.to_word());
}

/// ArbOS's version, kept at offset 0 of its root space.
pub fn arbos_version<W: Load>(words: &mut W) -> u64 {
    words
        .load(Space::Root.slot_at(ARBOS_VERSION_OFFSET))
        .saturating_to()
}

/// Writes ArbOS's version (genesis).
pub fn save_arbos_version<S: Store>(words: &mut S, version: u64) {
    words.store(
        Space::Root.slot_at(ARBOS_VERSION_OFFSET),
        U256::from(version),
    );
}

/// ArbOS words in a map: the state the unit tests of code over [`Load`] and [`Store`] run on.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Words(std::collections::HashMap<U256, U256>);

#[cfg(test)]
impl Load for Words {
    fn load(&mut self, slot: U256) -> U256 {
        self.0.get(&slot).copied().unwrap_or_default()
    }
}

#[cfg(test)]
impl Store for Words {
    fn store(&mut self, slot: U256, value: U256) {
        self.0.insert(slot, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_nitros_storage_mapping() {
        // Root space: keccak(offset[..31])[..31] ++ offset[31].
        let offset = B256::from(U256::from(3));
        let mut expected = keccak256(&offset[..31]).0;
        expected[31] = 3;
        assert_eq!(Space::Root.slot(offset), U256::from_be_bytes(expected));
        // The programs data space is keccak(keccak([8]) ++ [1]).
        let data = keccak256([&keccak256([8u8])[..], &[1u8]].concat());
        let code_hash = B256::repeat_byte(0xab);
        let mut expected = keccak256([&data[..], &code_hash[..31]].concat()).0;
        expected[31] = 0xab;
        assert_eq!(
            Space::Programs.slot(code_hash),
            U256::from_be_bytes(expected)
        );
    }

    #[test]
    fn words_round_trip_in_nitros_layout() {
        let params = Params::genesis();
        assert_eq!(Params::from_word(params.to_word()), params);
        let word = params.to_word().to_be_bytes::<32>();
        // version 2, ink price 10,000 (24 bits), stack depth 22,000 (32 bits), ...
        assert_eq!(word[..9], [0, 2, 0, 0x27, 0x10, 0, 0, 0x55, 0xf0]);
        assert_eq!(word[30..], [0, 0]);
        let record = ProgramRecord {
            version: 2,
            init_cost: 0x0102,
            cached_cost: 0x0304,
            footprint: 5,
            activated_at: 0x06_0708,
            asm_estimate_kb: 0x09_0a0b,
            cached: true,
        };
        assert_eq!(ProgramRecord::from_word(record.to_word()), record);
        let bytes = record.to_word().to_be_bytes::<32>();
        assert_eq!(
            bytes[..16],
            [0, 2, 1, 2, 3, 4, 0, 5, 6, 7, 8, 9, 10, 11, 1, 0]
        );
    }

    #[test]
    fn ages_count_from_the_stored_hour() {
        let time = ARBITRUM_START_TIME + 10 * HOUR + 1_234;
        let record = ProgramRecord {
            version: 2,
            activated_at: hours_since_arbitrum(time),
            ..ProgramRecord::default()
        };
        assert_eq!(record.activated_at, 10);
        assert_eq!(record.age(time), 1_234);
        assert_eq!(record.age(ARBITRUM_START_TIME), 0);
        assert_eq!(hours_since_arbitrum(u64::MAX), 0xFF_FFFF);
    }

    #[test]
    fn lifetime_rules_match_get_active_program() {
        let params = Params::genesis();
        let start = ARBITRUM_START_TIME + 1_000 * HOUR;
        let record = ProgramRecord {
            version: 2,
            activated_at: hours_since_arbitrum(start),
            ..ProgramRecord::default()
        };
        let expiry = 365 * DAY;
        assert_eq!(record.time_left(&params, start), Ok(expiry));
        assert_eq!(record.time_left(&params, start + expiry), Ok(0));
        assert_eq!(
            record.active(&params, start + expiry + 1),
            Err(ProgramError::Expired { age: expiry + 1 })
        );
        assert_eq!(
            ProgramRecord::default().active(&params, start),
            Err(ProgramError::NotActivated)
        );
        let upgraded = Params {
            version: 3,
            ..params
        };
        assert_eq!(
            record.active(&upgraded, start),
            Err(ProgramError::NeedsUpgrade {
                version: 2,
                stylus_version: 3
            })
        );
    }

    #[test]
    fn keepalive_waits_for_its_days_and_resets_the_age() {
        let params = Params::genesis();
        let mut arbos = Arbos {
            words: Words::default(),
            gas: Burner::system(),
        };
        pricer::DataPricer::genesis().save(&mut arbos.words);
        let code_hash = B256::repeat_byte(1);
        let start = ARBITRUM_START_TIME + 1_000 * HOUR;
        let stats = ModuleStats {
            funcs: 10,
            wasm_len: 1_000,
            footprint: 1,
            ..ModuleStats::default()
        };
        record_activation(
            &mut arbos,
            code_hash,
            B256::ZERO,
            &stats,
            &params,
            start,
            false,
        )
        .unwrap();
        assert_eq!(
            require_outdated(&mut arbos, code_hash, &params, start),
            Err(Fail::Program(ProgramError::UpToDate))
        );
        let soon = start + 31 * DAY - 1;
        assert_eq!(
            keepalive(&mut arbos, code_hash, &params, soon),
            Err(Fail::Program(ProgramError::KeepaliveTooSoon {
                age: 31 * DAY - 1
            }))
        );
        let later = start + 200 * DAY;
        assert!(keepalive(&mut arbos, code_hash, &params, later).unwrap() > U256::ZERO);
        let record = ProgramRecord::load(&mut arbos, code_hash).unwrap();
        assert_eq!(record.time_left(&params, later), Ok(365 * DAY));
        // Past expiry the record may be activated again.
        let expired = later + 366 * DAY;
        assert_eq!(
            require_outdated(&mut arbos, code_hash, &params, expired),
            Ok(false)
        );
    }

    #[test]
    fn metered_storage_charges_nitros_prices_and_burns_out() {
        let mut arbos = Arbos {
            words: Words::default(),
            gas: Burner::metered(21_000),
        };
        assert_eq!(arbos.get(U256::ZERO), Ok(U256::ZERO));
        assert_eq!(arbos.set(U256::ZERO, U256::ZERO), Ok(()));
        assert_eq!(arbos.gas.used(), 800 + 5_000);
        assert_eq!(arbos.set(U256::ZERO, U256::from(1)), Err(OutOfGas));
        assert_eq!(arbos.gas.left(), 0);
        assert_eq!(arbos.words.load(U256::ZERO), U256::ZERO);
    }
}
