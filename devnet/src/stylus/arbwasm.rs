//! The ArbWasm precompile at 0x71 (Nitro's `precompiles/ArbWasm.go`): activation, keepalive and
//! the program and parameter getters, with Nitro's ABI, errors, events and gas.
//!
//! It runs under Nitro's precompile wrapper ([`crate::precompiles`]: refusals, the 800 to open
//! ArbOS state, 3 per word of arguments and results). Beyond that, gas is what ArbOS storage
//! charges: 100 for the Stylus params, 800 per record read, 2,600 per code-hash lookup, 20,000
//! (5,000 for zero) per write, geth's log price per event; activation also burns a fixed
//! 1,659,168 and its compile time. A module that fails validation halts, consuming all the gas.

use super::programs::{self, Params, ProgramRecord};
use super::{activation, gas, program};
use crate::error::{ActivationError, ProgramError};
use crate::precompiles::{account_code, emit, Call, Failure, Precompile, Purity};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface};
use revm::context::{ContextTr, JournalTr};
use revm::primitives::{address, Address, LogData, B256, U256};

sol! {
    /// Nitro's ArbWasm precompile (nitro-precompile-interfaces `ArbWasm.sol`).
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashKeepalive(bytes32 codehash) external payable;
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 _secs);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }
}

use ArbWasm::{ArbWasmCalls as Calls, ArbWasmErrors as Errors};

/// The precompile's address.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// Gas every activation burns before anything else (Nitro's `ArbWasm.ActivateProgram`).
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;

impl ProgramError {
    /// Nitro's revert data for the error.
    pub fn abi_encode(&self) -> Vec<u8> {
        match *self {
            ProgramError::NotWasm => ArbWasm::ProgramNotWasm {}.abi_encode(),
            ProgramError::NotActivated => ArbWasm::ProgramNotActivated {}.abi_encode(),
            ProgramError::NeedsUpgrade {
                version,
                stylus_version,
            } => ArbWasm::ProgramNeedsUpgrade {
                version,
                stylusVersion: stylus_version,
            }
            .abi_encode(),
            ProgramError::Expired { age } => {
                ArbWasm::ProgramExpired { ageInSeconds: age }.abi_encode()
            }
            ProgramError::UpToDate => ArbWasm::ProgramUpToDate {}.abi_encode(),
            ProgramError::KeepaliveTooSoon { age } => {
                ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }.abi_encode()
            }
            ProgramError::InsufficientValue { have, want } => {
                ArbWasm::ProgramInsufficientValue { have, want }.abi_encode()
            }
        }
    }

    /// The error whose revert data `data` is, if it is one of ArbWasm's.
    pub fn abi_decode(data: &[u8]) -> Option<Self> {
        Some(match Errors::abi_decode(data).ok()? {
            Errors::ProgramNotWasm(_) => ProgramError::NotWasm,
            Errors::ProgramNotActivated(_) => ProgramError::NotActivated,
            Errors::ProgramNeedsUpgrade(e) => ProgramError::NeedsUpgrade {
                version: e.version,
                stylus_version: e.stylusVersion,
            },
            Errors::ProgramExpired(e) => ProgramError::Expired {
                age: e.ageInSeconds,
            },
            Errors::ProgramUpToDate(_) => ProgramError::UpToDate,
            Errors::ProgramKeepaliveTooSoon(e) => ProgramError::KeepaliveTooSoon {
                age: e.ageInSeconds,
            },
            Errors::ProgramInsufficientValue(e) => ProgramError::InsufficientValue {
                have: e.have,
                want: e.want,
            },
        })
    }
}

pub(crate) struct ArbWasmPrecompile;

impl Precompile for ArbWasmPrecompile {
    const ADDRESS: Address = ARB_WASM;
    type Calls = Calls;

    fn purity(selector: [u8; 4]) -> Purity {
        if selector == ArbWasm::activateProgramCall::SELECTOR
            || selector == ArbWasm::codehashKeepaliveCall::SELECTOR
        {
            Purity::Payable
        } else {
            Purity::View
        }
    }

    fn dispatch(call: &mut Call<'_>, method: Calls) -> Result<Vec<u8>, Failure> {
        call.arb_wasm(method)
    }
}

impl Call<'_> {
    fn arb_wasm(&mut self, call: Calls) -> Result<Vec<u8>, Failure> {
        use ArbWasm::*;
        let params = |r: &mut Self| Params::load(&mut r.arbos);
        Ok(match call {
            Calls::activateProgram(c) => self.activate(c.program)?,
            Calls::codehashKeepalive(c) => self.keepalive(c.codehash)?,
            Calls::stylusVersion(_) => {
                stylusVersionCall::abi_encode_returns(&params(self)?.version)
            }
            Calls::inkPrice(_) => inkPriceCall::abi_encode_returns(&params(self)?.ink_price),
            Calls::maxStackDepth(_) => {
                maxStackDepthCall::abi_encode_returns(&params(self)?.max_stack_depth)
            }
            Calls::freePages(_) => freePagesCall::abi_encode_returns(&params(self)?.free_pages),
            Calls::pageGas(_) => pageGasCall::abi_encode_returns(&params(self)?.page_gas),
            Calls::pageRamp(_) => {
                params(self)?;
                pageRampCall::abi_encode_returns(&gas::PAGE_RAMP)
            }
            Calls::pageLimit(_) => pageLimitCall::abi_encode_returns(&params(self)?.page_limit),
            Calls::minInitGas(_) => {
                let p = params(self)?;
                minInitGasCall::abi_encode_returns(&minInitGasReturn {
                    gas: u64::from(p.min_init_gas) * 128,
                    cached: u64::from(p.min_cached_init_gas) * 32,
                })
            }
            Calls::initCostScalar(_) => initCostScalarCall::abi_encode_returns(
                &(u64::from(params(self)?.init_cost_scalar) * 2),
            ),
            Calls::expiryDays(_) => expiryDaysCall::abi_encode_returns(&params(self)?.expiry_days),
            Calls::keepaliveDays(_) => {
                keepaliveDaysCall::abi_encode_returns(&params(self)?.keepalive_days)
            }
            Calls::blockCacheSize(_) => {
                blockCacheSizeCall::abi_encode_returns(&params(self)?.block_cache_size)
            }
            Calls::codehashVersion(c) => {
                let p = params(self)?;
                let record = self.active_record(c.codehash, &p)?;
                codehashVersionCall::abi_encode_returns(&record.version)
            }
            Calls::codehashAsmSize(c) => {
                let p = params(self)?;
                let record = self.active_record(c.codehash, &p)?;
                codehashAsmSizeCall::abi_encode_returns(&record.asm_size())
            }
            Calls::programVersion(c) => {
                let code_hash = self.code_hash(c.program)?;
                let p = params(self)?;
                let record = self.active_record(code_hash, &p)?;
                programVersionCall::abi_encode_returns(&record.version)
            }
            Calls::programInitGas(c) => {
                let (record, _) = self.active_program(c.program)?;
                let cached = record.cached_gas();
                programInitGasCall::abi_encode_returns(&programInitGasReturn {
                    gas: record.init_gas().saturating_add(cached),
                    gasWhenCached: cached,
                })
            }
            Calls::programMemoryFootprint(c) => {
                let (record, _) = self.active_program(c.program)?;
                programMemoryFootprintCall::abi_encode_returns(&record.footprint)
            }
            Calls::programTimeLeft(c) => {
                let (record, p) = self.active_program(c.program)?;
                programTimeLeftCall::abi_encode_returns(&record.time_left(&p, self.time)?)
            }
        })
    }

    /// The active record of `code_hash` (one storage read).
    fn active_record(
        &mut self,
        code_hash: B256,
        params: &Params,
    ) -> Result<ProgramRecord, Failure> {
        let record = ProgramRecord::load(&mut self.arbos, code_hash)?;
        Ok(record.active(params, self.time)?)
    }

    /// The active record of the program at `address` and the params, in Nitro's order for the
    /// address-keyed getters (params, code hash, record).
    fn active_program(&mut self, address: Address) -> Result<(ProgramRecord, Params), Failure> {
        let params = Params::load(&mut self.arbos)?;
        let code_hash = self.code_hash(address)?;
        Ok((self.active_record(code_hash, &params)?, params))
    }

    /// Nitro's `ActivateProgram`.
    fn activate(&mut self, address: Address) -> Result<Vec<u8>, Failure> {
        let extra = self.arbos.activation_gas()?;
        self.arbos.gas.burn(extra)?;
        self.arbos.gas.burn(ACTIVATION_FIXED_GAS)?;
        let (code_hash, code) = account_code(&*self.arbos.words, address);
        let params = Params::load(&mut self.arbos)?;
        let cached = programs::require_outdated(&mut self.arbos, code_hash, &params, self.time)?;
        if code.starts_with(&[0xEF, 0xF0, 0x01]) || code.starts_with(&[0xEF, 0xF0, 0x02]) {
            // A fragment is refused as a plain error; the devnet does not assemble root programs.
            return Err(Failure::Revert);
        }
        if !activation::is_stylus(&code) {
            return Err(ProgramError::NotWasm.into());
        }
        let compiled = match program(&code, code_hash, self.debug) {
            Ok(compiled) => compiled,
            // Nitro fails to decompress with a plain error, before compiling anything.
            Err(
                ActivationError::UnsupportedDictionary(_)
                | ActivationError::Decompress(_)
                | ActivationError::WasmTooLarge { .. },
            ) => return Err(Failure::Revert),
            Err(_) => return Err(Failure::Activation),
        };
        if self.arbos.gas.burn(compiled.compile.gas()).is_err() {
            return Err(Failure::Activation);
        }
        let fee = programs::record_activation(
            &mut self.arbos,
            code_hash,
            compiled.module_hash,
            &compiled.stats,
            &params,
            self.time,
            cached,
        )?;
        self.pay_data_fee(fee)?;
        self.emit_from_arb_wasm(
            ArbWasm::ProgramActivated {
                codehash: code_hash,
                moduleHash: compiled.module_hash,
                program: address,
                dataFee: fee,
                version: params.version,
            }
            .encode_log_data(),
        )?;
        Ok(ArbWasm::activateProgramCall::abi_encode_returns(
            &ArbWasm::activateProgramReturn {
                version: params.version,
                dataFee: fee,
            },
        ))
    }

    /// Nitro's `CodehashKeepalive`.
    fn keepalive(&mut self, code_hash: B256) -> Result<Vec<u8>, Failure> {
        let params = Params::load(&mut self.arbos)?;
        let fee = programs::keepalive(&mut self.arbos, code_hash, &params, self.time)?;
        self.pay_data_fee(fee)?;
        self.emit_from_arb_wasm(
            ArbWasm::ProgramLifetimeExtended {
                codehash: code_hash,
                dataFee: fee,
            }
            .encode_log_data(),
        )?;
        Ok(Vec::new())
    }

    /// Sends the data fee to the network fee account and the rest of the call value back.
    fn pay_data_fee(&mut self, fee: U256) -> Result<(), Failure> {
        if self.value < fee {
            return Err(ProgramError::InsufficientValue {
                have: self.value,
                want: fee,
            }
            .into());
        }
        let network = self.arbos.network_fee_account()?;
        let journal = self.arbos.words.journal_mut();
        for (to, amount) in [(network, fee), (self.caller, self.value - fee)] {
            match journal.transfer(ARB_WASM, to, amount) {
                Ok(None) => {}
                _ => return Err(Failure::Revert),
            }
        }
        Ok(())
    }

    fn emit_from_arb_wasm(&mut self, data: LogData) -> Result<(), Failure> {
        Ok(emit(&mut self.arbos, ARB_WASM, data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_and_topics_are_nitros() {
        use ArbWasm::*;
        assert_eq!(activateProgramCall::SELECTOR, [0x58, 0xc7, 0x80, 0xc2]);
        assert_eq!(programVersionCall::SELECTOR, [0xcc, 0x8f, 0x4e, 0x88]);
        assert_eq!(programTimeLeftCall::SELECTOR, [0xc7, 0x75, 0xa6, 0x2a]);
        assert_eq!(codehashKeepaliveCall::SELECTOR, [0xc6, 0x89, 0xba, 0xd5]);
        assert_eq!(ProgramExpired::SELECTOR, [0xc9, 0xb1, 0x2e, 0x52]);
        assert_eq!(ProgramNotActivated::SELECTOR, [0x6f, 0x80, 0x9c, 0x4e]);
        assert_eq!(ProgramKeepaliveTooSoon::SELECTOR, [0x16, 0xbd, 0x0c, 0xf8]);
        assert_eq!(
            ProgramActivated::SIGNATURE_HASH.to_string(),
            "0xc0e812780707128d9a180db8ee4d1c1f1300b6dd0626d577b5d9ac759b76253c"
        );
        assert_eq!(
            ProgramLifetimeExtended::SIGNATURE_HASH.to_string(),
            "0x03802ba32e3bd489d2ab04abb93d10687e0b6883bcb091206ca75172d248f2ec"
        );
    }

    #[test]
    fn errors_round_trip_through_their_revert_data() {
        let errors = [
            ProgramError::NotWasm,
            ProgramError::NotActivated,
            ProgramError::NeedsUpgrade {
                version: 1,
                stylus_version: 2,
            },
            ProgramError::Expired { age: 31_536_001 },
            ProgramError::UpToDate,
            ProgramError::KeepaliveTooSoon { age: 7 },
            ProgramError::InsufficientValue {
                have: U256::from(1),
                want: U256::from(2),
            },
        ];
        for error in errors {
            assert_eq!(ProgramError::abi_decode(&error.abi_encode()), Some(error));
        }
        let expired = ProgramError::Expired { age: 5 }.abi_encode();
        assert_eq!(expired[..4], [0xc9, 0xb1, 0x2e, 0x52]);
        assert_eq!(expired.len(), 36);
        assert_eq!(ProgramError::abi_decode(&[0xde, 0xad, 0xbe, 0xef]), None);
    }
}
