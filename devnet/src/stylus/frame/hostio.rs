//! The answer to each hostio: its ink and gas, then what it reads or writes. One arm per
//! `vm_hooks` import (and the debug `console` ones), priced as Nitro's user-host code.

use super::calls::{access_gas, call, create};
use super::wasm::Wasm;
use super::{flush, ok, Escape, Frame, Slot};
use crate::evm::DevnetEvm;
use crate::stylus::gas::*;
use crate::stylus::hooks::Hook;
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::CreateScheme;
use revm::interpreter::CallScheme;
use revm::primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use wasmi::{Store, StoreLimits, Val};

/// Answers one hostio. Returns the values the import returns to wasm.
pub(super) fn answer(
    evm: &mut DevnetEvm<'_>,
    frame: &mut Frame,
    wasm: &Wasm,
    store: &mut Store<StoreLimits>,
    hook: Hook,
    args: &[u64],
) -> Result<Vec<Val>, Escape> {
    let arg = |i: usize| args.get(i).copied().unwrap_or(0);
    let i32_val = |v: u64| Val::I32(v as u32 as i32);
    let i64_val = |v: u64| Val::I64(v as i64);
    let ctx = &evm.inner.ctx;
    match hook {
        Hook::ReadArgs => {
            wasm.buy_ink(store, HOSTIO_INK + write_price(frame.calldata.len() as u64))?;
            wasm.write(store, arg(0), &frame.calldata)?;
        }
        Hook::WriteResult => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * read_price(arg(1)))?;
            frame.output = wasm.read(store, arg(0), arg(1))?.into();
        }
        Hook::ExitEarly => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Err(Escape::Exit(arg(0) as u32));
        }
        Hook::StorageLoadBytes32 => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * PTR_INK)?;
            let key = B256::from(wasm.read_fixed::<32>(store, arg(0))?);
            let value = match frame.cache.get(&key) {
                Some(slot) => slot.value,
                None => {
                    wasm.require_gas(store, SLOAD_SENTRY_GAS)?;
                    let journal = evm.inner.ctx.journal_mut();
                    let load = ok(journal.sload(frame.target, key.into()));
                    let gas = if load.is_cold {
                        COLD_SLOAD_GAS
                    } else {
                        WARM_ACCESS_GAS
                    };
                    wasm.buy_gas(store, gas)?;
                    let value = B256::from(load.data);
                    frame.cache.insert(
                        key,
                        Slot {
                            value,
                            dirty: false,
                        },
                    );
                    value
                }
            };
            wasm.write(store, arg(1), value.as_slice())?;
        }
        Hook::StorageCacheBytes32 => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * PTR_INK)?;
            wasm.require_gas(store, SSTORE_SENTRY_GAS)?;
            let key = B256::from(wasm.read_fixed::<32>(store, arg(0))?);
            let value = B256::from(wasm.read_fixed::<32>(store, arg(1))?);
            frame.cache.insert(key, Slot { value, dirty: true });
        }
        Hook::StorageFlushCache => {
            wasm.buy_ink(store, HOSTIO_INK + EVM_API_INK)?;
            wasm.require_gas(store, FLUSH_SENTRY_GAS)?;
            flush(evm, frame, wasm, store)?;
            if arg(0) != 0 {
                frame.cache.clear();
            }
        }
        Hook::BlockBasefee => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let basefee = U256::from(ctx.block.basefee);
            wasm.write(store, arg(0), &basefee.to_be_bytes::<32>())?;
        }
        Hook::BlockCoinbase => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let coinbase = ctx.block.beneficiary;
            wasm.write(store, arg(0), coinbase.as_slice())?;
        }
        Hook::Chainid => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.cfg.chain_id)]);
        }
        Hook::BlockGasLimit => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.block.gas_limit)]);
        }
        Hook::BlockNumber => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.block.number.saturating_to())]);
        }
        Hook::BlockTimestamp => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(ctx.block.timestamp.saturating_to())]);
        }
        Hook::ContractAddress => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            wasm.write(store, arg(0), frame.target.as_slice())?;
        }
        Hook::MsgSender => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            wasm.write(store, arg(0), frame.caller.as_slice())?;
        }
        Hook::MsgValue => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            wasm.write(store, arg(0), &frame.value.to_be_bytes::<32>())?;
        }
        Hook::TxOrigin => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let origin = ctx.tx.caller;
            wasm.write(store, arg(0), origin.as_slice())?;
        }
        Hook::TxGasPrice => {
            wasm.buy_ink(store, ADDRESS_HOSTIO_INK)?;
            let price = U256::from(ctx.tx.gas_price);
            wasm.write(store, arg(0), &price.to_be_bytes::<32>())?;
        }
        Hook::TxInkPrice => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i32_val(INK_PER_GAS)]);
        }
        Hook::EvmGasLeft => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(wasm.gas_left(store))]);
        }
        Hook::EvmInkLeft => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i64_val(wasm.ink(store))]);
        }
        Hook::MsgReentrant => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i32_val(u64::from(frame.reentrant))]);
        }
        Hook::ReturnDataSize => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            return Ok(vec![i32_val(frame.return_data.len() as u64)]);
        }
        Hook::ReadReturnData => {
            let (dest, offset, size) = (arg(0), arg(1), arg(2));
            // Only as many bytes as could possibly be written are paid for.
            let available = (frame.return_data.len() as u64).saturating_sub(offset);
            wasm.buy_ink(
                store,
                HOSTIO_INK + EVM_API_INK + write_price(size.min(available)),
            )?;
            let data = &frame.return_data;
            let start = (offset as usize).min(data.len());
            let end = start.saturating_add(size as usize).min(data.len());
            let slice = data.slice(start..end);
            wasm.write(store, dest, &slice)?;
            return Ok(vec![i32_val(slice.len() as u64)]);
        }
        Hook::NativeKeccak256 => {
            wasm.buy_ink(store, keccak_price(arg(1)))?;
            let data = wasm.read(store, arg(0), arg(1))?;
            wasm.write(store, arg(2), keccak256(&data).as_slice())?;
        }
        Hook::EmitLog => {
            let (len, topics) = (arg(1), arg(2));
            wasm.buy_ink(store, HOSTIO_INK + EVM_API_INK + read_price(len))?;
            if frame.is_static || topics > 4 || len < topics * 32 {
                return Err(Escape::Failure);
            }
            wasm.buy_gas(store, log_gas(topics, len - topics * 32))?;
            let bytes = wasm.read(store, arg(0), len)?;
            let (topic_bytes, data) = bytes.split_at(topics as usize * 32);
            let topics = topic_bytes.chunks(32).map(B256::from_slice).collect();
            let log = Log {
                address: frame.target,
                data: LogData::new_unchecked(topics, Bytes::copy_from_slice(data)),
            };
            evm.inner.ctx.journal_mut().log(log);
        }
        Hook::AccountBalance | Hook::AccountCodehash => {
            wasm.buy_ink(store, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
            wasm.require_gas(store, COLD_ACCOUNT_GAS)?;
            let address = Address::from(wasm.read_fixed::<20>(store, arg(0))?);
            let journal = evm.inner.ctx.journal_mut();
            let (word, cold) = if hook == Hook::AccountBalance {
                let account = ok(journal.load_account(address));
                (
                    account.data.info.balance.to_be_bytes::<32>(),
                    account.is_cold,
                )
            } else {
                let hash = ok(journal.code_hash(address));
                (hash.data.0, hash.is_cold)
            };
            wasm.buy_gas(store, access_gas(cold))?;
            wasm.write(store, arg(1), &word)?;
        }
        Hook::AccountCode | Hook::AccountCodeSize => {
            wasm.buy_ink(store, HOSTIO_INK + EVM_API_INK)?;
            let address = Address::from(wasm.read_fixed::<20>(store, arg(0))?);
            let code = ok(evm.inner.ctx.journal_mut().code(address));
            wasm.buy_gas(store, EXTCODE_GAS + access_gas(code.is_cold))?;
            if hook == Hook::AccountCodeSize {
                return Ok(vec![i32_val(code.data.len() as u64)]);
            }
            let (offset, size) = (arg(1), arg(2));
            wasm.buy_ink(store, write_price(size))?;
            let start = (offset as usize).min(code.data.len());
            let end = start.saturating_add(size as usize).min(code.data.len());
            wasm.write(store, arg(3), &code.data[start..end])?;
            return Ok(vec![i32_val((end - start) as u64)]);
        }
        Hook::PayForMemoryGrow => {
            let pages = u16::try_from(arg(0)).unwrap_or(u16::MAX);
            if pages == 0 {
                wasm.buy_ink(store, HOSTIO_INK)?;
            } else {
                let tx = &mut evm.tx;
                wasm.buy_gas(store, memory_gas(pages, tx.pages_open, tx.pages_ever))?;
                tx.pages_open = tx.pages_open.saturating_add(pages);
                tx.pages_ever = tx.pages_ever.max(tx.pages_open);
            }
        }
        Hook::CallContract | Hook::DelegateCallContract | Hook::StaticCallContract => {
            let (scheme, value, gas, out) = match hook {
                Hook::CallContract => {
                    let value = U256::from_be_bytes(wasm.read_fixed::<32>(store, arg(3))?);
                    (CallScheme::Call, value, arg(4), arg(5))
                }
                Hook::DelegateCallContract => {
                    (CallScheme::DelegateCall, U256::ZERO, arg(3), arg(4))
                }
                _ => (CallScheme::StaticCall, U256::ZERO, arg(3), arg(4)),
            };
            wasm.buy_ink(
                store,
                HOSTIO_INK + 3 * PTR_INK + EVM_API_INK + 2 * read_price(arg(2)),
            )?;
            let target = Address::from(wasm.read_fixed::<20>(store, arg(0))?);
            let calldata = Bytes::from(wasm.read(store, arg(1), arg(2))?);
            let status = call(
                evm, frame, wasm, store, scheme, target, calldata, value, gas,
            )?;
            wasm.write_u32(store, out, frame.return_data.len())?;
            return Ok(vec![i32_val(status)]);
        }
        Hook::Create1 | Hook::Create2 => {
            let create2 = hook == Hook::Create2;
            let (code_len, out, revert_len) = if create2 {
                (arg(1), arg(4), arg(5))
            } else {
                (arg(1), arg(3), arg(4))
            };
            let ptrs = if create2 { 4 } else { 3 };
            // Reading the init code and handing it to the EVM are each priced as a read.
            let io = 2 * read_price(code_len);
            wasm.buy_ink(store, HOSTIO_INK + ptrs * PTR_INK + EVM_API_INK + io)?;
            let code = Bytes::from(wasm.read(store, arg(0), code_len)?);
            let endowment = U256::from_be_bytes(wasm.read_fixed::<32>(store, arg(2))?);
            let scheme = if create2 {
                let salt = U256::from_be_bytes(wasm.read_fixed::<32>(store, arg(3))?);
                CreateScheme::Create2 { salt }
            } else {
                CreateScheme::Create
            };
            let address = create(evm, frame, wasm, store, scheme, code, endowment)?;
            wasm.write(store, out, address.as_slice())?;
            wasm.write_u32(store, revert_len, frame.return_data.len())?;
        }
        Hook::LogTxt | Hook::LogI32 | Hook::LogI64 => {
            wasm.buy_ink(store, HOSTIO_INK)?;
            let line = match hook {
                Hook::LogTxt => {
                    String::from_utf8_lossy(&wasm.read(store, arg(0), arg(1))?).into_owned()
                }
                Hook::LogI32 => (arg(0) as u32 as i32).to_string(),
                _ => (arg(0) as i64).to_string(),
            };
            evm.tx.console.push(line);
        }
    }
    Ok(Vec::new())
}
