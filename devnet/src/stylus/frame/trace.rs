//! A hostio's operands as Nitro's user-host code traces them (`user-host-trait`'s `trace!`):
//! fixed-size values big-endian, byte strings as they are, concatenated in its order.

use super::wasm::Wasm;
use super::Frame;
use crate::stylus::hooks::Hook;
use wasmi::{Store, StoreLimits, Val};

/// The name Nitro traces a hostio under.
pub(super) fn name(hook: Hook) -> &'static str {
    match hook {
        Hook::LogTxt => "console_log_text",
        Hook::LogI32 | Hook::LogI64 => "console_log",
        _ => hook.name(),
    }
}

/// Reads memory for a trace; a range the hostio could not read fails the hostio, which is then
/// not traced, so an empty answer here is never recorded.
fn read_mem(wasm: &Wasm, store: &Store<StoreLimits>, ptr: u64, len: u64) -> Vec<u8> {
    wasm.read(store, ptr, len).unwrap_or_default()
}

fn u32_be(value: u64) -> [u8; 4] {
    (value as u32).to_be_bytes()
}

/// The operands, read before the hostio runs (it may overwrite them).
pub(super) fn args(hook: Hook, raw: &[u64], wasm: &Wasm, store: &Store<StoreLimits>) -> Vec<u8> {
    let arg = |i: usize| raw.get(i).copied().unwrap_or(0);
    let mem = |ptr: u64, len: u64| read_mem(wasm, store, ptr, len);
    match hook {
        Hook::AccountBalance | Hook::AccountCodehash | Hook::AccountCodeSize => mem(arg(0), 20),
        Hook::AccountCode => [
            mem(arg(0), 20),
            u32_be(arg(1)).into(),
            u32_be(arg(2)).into(),
        ]
        .concat(),
        Hook::StorageLoadBytes32 => mem(arg(0), 32),
        Hook::StorageCacheBytes32 => [mem(arg(0), 32), mem(arg(1), 32)].concat(),
        Hook::StorageFlushCache => vec![u8::from(arg(0) != 0)],
        Hook::CallContract => [
            mem(arg(0), 20),
            arg(4).to_be_bytes().into(),
            mem(arg(3), 32),
            mem(arg(1), arg(2)),
        ]
        .concat(),
        Hook::DelegateCallContract | Hook::StaticCallContract => [
            mem(arg(0), 20),
            arg(3).to_be_bytes().into(),
            mem(arg(1), arg(2)),
        ]
        .concat(),
        Hook::Create1 => [mem(arg(2), 32), mem(arg(0), arg(1))].concat(),
        Hook::Create2 => [mem(arg(2), 32), mem(arg(3), 32), mem(arg(0), arg(1))].concat(),
        Hook::EmitLog => [u32_be(arg(2)).into(), mem(arg(0), arg(1))].concat(),
        Hook::NativeKeccak256 | Hook::WriteResult | Hook::LogTxt => mem(arg(0), arg(1)),
        Hook::ReadReturnData => [u32_be(arg(1)), u32_be(arg(2))].concat(),
        Hook::ExitEarly => u32_be(arg(0)).into(),
        Hook::PayForMemoryGrow => (arg(0) as u16).to_be_bytes().into(),
        Hook::LogI32 => (arg(0) as u32 as i32).to_string().into_bytes(),
        Hook::LogI64 => (arg(0) as i64).to_string().into_bytes(),
        Hook::BlockBasefee
        | Hook::Chainid
        | Hook::BlockCoinbase
        | Hook::BlockGasLimit
        | Hook::BlockNumber
        | Hook::BlockTimestamp
        | Hook::ContractAddress
        | Hook::EvmGasLeft
        | Hook::EvmInkLeft
        | Hook::MsgReentrant
        | Hook::MsgSender
        | Hook::MsgValue
        | Hook::ReadArgs
        | Hook::ReturnDataSize
        | Hook::TxGasPrice
        | Hook::TxInkPrice
        | Hook::TxOrigin => Vec::new(),
    }
}

/// The results, read after the hostio ran: what it returned and what it wrote.
pub(super) fn outs(
    hook: Hook,
    raw: &[u64],
    results: &[Val],
    frame: &Frame,
    wasm: &Wasm,
    store: &Store<StoreLimits>,
) -> Vec<u8> {
    let arg = |i: usize| raw.get(i).copied().unwrap_or(0);
    let mem = |ptr: u64, len: u64| read_mem(wasm, store, ptr, len);
    let returned = match results.first() {
        Some(Val::I32(v)) => u64::from(*v as u32),
        Some(Val::I64(v)) => *v as u64,
        _ => 0,
    };
    let return_data_len = u32_be(frame.return_data.len() as u64);
    match hook {
        Hook::ReadArgs => frame.calldata.to_vec(),
        Hook::StorageLoadBytes32 | Hook::AccountBalance | Hook::AccountCodehash => mem(arg(1), 32),
        Hook::AccountCode => mem(arg(3), returned),
        Hook::ReadReturnData => mem(arg(0), returned),
        Hook::BlockBasefee | Hook::MsgValue | Hook::TxGasPrice => mem(arg(0), 32),
        Hook::BlockCoinbase | Hook::ContractAddress | Hook::MsgSender | Hook::TxOrigin => {
            mem(arg(0), 20)
        }
        Hook::Chainid
        | Hook::BlockGasLimit
        | Hook::BlockNumber
        | Hook::BlockTimestamp
        | Hook::EvmGasLeft
        | Hook::EvmInkLeft => returned.to_be_bytes().into(),
        Hook::AccountCodeSize | Hook::MsgReentrant | Hook::TxInkPrice | Hook::ReturnDataSize => {
            u32_be(returned).into()
        }
        Hook::NativeKeccak256 => mem(arg(2), 32),
        Hook::CallContract | Hook::DelegateCallContract | Hook::StaticCallContract => {
            [&return_data_len[..], &[returned as u8]].concat()
        }
        Hook::Create1 => [mem(arg(3), 20), return_data_len.into()].concat(),
        Hook::Create2 => [mem(arg(4), 20), return_data_len.into()].concat(),
        Hook::StorageCacheBytes32
        | Hook::StorageFlushCache
        | Hook::EmitLog
        | Hook::WriteResult
        | Hook::ExitEarly
        | Hook::PayForMemoryGrow
        | Hook::LogTxt
        | Hook::LogI32
        | Hook::LogI64 => Vec::new(),
    }
}
