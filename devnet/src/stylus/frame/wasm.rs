//! The running instance as the host sees it: its memory, bounds-checked, and its ink meter
//! (the exported globals the instrumentation added), bought from and refunded to in ink or gas.

use super::Escape;
use crate::stylus::gas::INK_PER_GAS;
use crate::stylus::meter::{
    INK_GLOBAL, PROFILE_FUNCTION_GLOBAL, PROFILE_INK_PREFIX, STATUS_GLOBAL,
};
use wasmi::{Global, Instance, Memory, Store, StoreLimits, Val};

/// The instance's memory and meter globals.
pub(super) struct Wasm {
    memory: Memory,
    ink: Global,
    status: Global,
}

impl Wasm {
    /// The memory and the meter globals the instrumentation exported; `None` when the module
    /// lacks one (it then fails like any other broken program).
    pub(super) fn bind(store: &Store<StoreLimits>, instance: &Instance) -> Option<Self> {
        Some(Wasm {
            memory: instance.get_memory(store, "memory")?,
            ink: instance.get_global(store, INK_GLOBAL)?,
            status: instance.get_global(store, STATUS_GLOBAL)?,
        })
    }

    pub(super) fn ink(&self, store: &Store<StoreLimits>) -> u64 {
        match self.ink.get(store) {
            Val::I64(ink) => ink.max(0) as u64,
            _ => 0,
        }
    }

    pub(super) fn set_ink(&self, store: &mut Store<StoreLimits>, ink: u64) {
        let ink = i64::try_from(ink).unwrap_or(i64::MAX);
        // The global is a mutable i64 the instrumentation created, so the set cannot fail.
        let _ = self.ink.set(store, Val::I64(ink));
    }

    pub(super) fn out_of_ink(&self, store: &Store<StoreLimits>) -> bool {
        matches!(self.status.get(store), Val::I32(1))
    }

    pub(super) fn gas_left(&self, store: &Store<StoreLimits>) -> u64 {
        self.ink(store) / INK_PER_GAS
    }

    pub(super) fn buy_ink(&self, store: &mut Store<StoreLimits>, ink: u64) -> Result<(), Escape> {
        let left = self.ink(store);
        if left < ink {
            self.set_ink(store, 0);
            return Err(Escape::OutOfInk);
        }
        self.set_ink(store, left - ink);
        Ok(())
    }

    pub(super) fn buy_gas(&self, store: &mut Store<StoreLimits>, gas: u64) -> Result<(), Escape> {
        self.buy_ink(store, gas.saturating_mul(INK_PER_GAS))
    }

    pub(super) fn give_gas(&self, store: &mut Store<StoreLimits>, gas: u64) {
        let ink = self
            .ink(store)
            .saturating_add(gas.saturating_mul(INK_PER_GAS));
        self.set_ink(store, ink);
    }

    /// Nitro's sentry: refuse to start an operation without this much gas left.
    pub(super) fn require_gas(
        &self,
        store: &mut Store<StoreLimits>,
        gas: u64,
    ) -> Result<(), Escape> {
        if self.gas_left(store) < gas {
            self.set_ink(store, 0);
            return Err(Escape::OutOfInk);
        }
        Ok(())
    }

    pub(super) fn read(
        &self,
        store: &Store<StoreLimits>,
        ptr: u64,
        len: u64,
    ) -> Result<Vec<u8>, Escape> {
        // Check the range before allocating: `len` comes from the program.
        let end = ptr.checked_add(len).ok_or(Escape::Failure)?;
        if end > self.memory.data_size(store) as u64 {
            return Err(Escape::Failure);
        }
        let mut buf = vec![0u8; len as usize];
        self.memory
            .read(store, ptr as usize, &mut buf)
            .map_err(|_| Escape::Failure)?;
        Ok(buf)
    }

    pub(super) fn read_fixed<const N: usize>(
        &self,
        store: &Store<StoreLimits>,
        ptr: u64,
    ) -> Result<[u8; N], Escape> {
        let mut buf = [0u8; N];
        self.memory
            .read(store, ptr as usize, &mut buf)
            .map_err(|_| Escape::Failure)?;
        Ok(buf)
    }

    pub(super) fn write(
        &self,
        store: &mut Store<StoreLimits>,
        ptr: u64,
        data: &[u8],
    ) -> Result<(), Escape> {
        self.memory
            .write(store, ptr as usize, data)
            .map_err(|_| Escape::Failure)
    }

    pub(super) fn write_u32(
        &self,
        store: &mut Store<StoreLimits>,
        ptr: u64,
        value: usize,
    ) -> Result<(), Escape> {
        let value = u32::try_from(value).unwrap_or(u32::MAX);
        self.write(store, ptr, &value.to_le_bytes())
    }
}

/// A profiled instance's counters ([`crate::stylus::profile`]): the function that ran last and
/// the ink of each function's blocks.
pub(super) struct Counters {
    function: Global,
    ink: Vec<(u32, Global)>,
}

impl Counters {
    /// The counters a profiled module exports; `None` for a module instrumented without them.
    pub(super) fn bind(store: &Store<StoreLimits>, instance: &Instance) -> Option<Self> {
        let function = instance.get_global(store, PROFILE_FUNCTION_GLOBAL)?;
        let ink = instance
            .exports(store)
            .filter_map(|export| {
                let index = export
                    .name()
                    .strip_prefix(PROFILE_INK_PREFIX)?
                    .parse()
                    .ok()?;
                Some((index, export.into_global()?))
            })
            .collect();
        Some(Counters { function, ink })
    }

    /// The function whose block ran last, if any ran.
    pub(super) fn function(&self, store: &Store<StoreLimits>) -> Option<u32> {
        match self.function.get(store) {
            Val::I32(index) => u32::try_from(index).ok(),
            _ => None,
        }
    }

    /// Each function that ran, with the ink its blocks were charged.
    pub(super) fn ink(&self, store: &Store<StoreLimits>) -> Vec<(u32, u64)> {
        self.ink
            .iter()
            .filter_map(|(index, global)| match global.get(store) {
                Val::I64(ink) if ink > 0 => Some((*index, ink as u64)),
                _ => None,
            })
            .collect()
    }
}
