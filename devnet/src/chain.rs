//! The devnet's public API: deploy, call, view, and the cheat controls tests need.

use crate::error::{DevnetError, ProgramError, TxError};
use crate::evm::{Ctx, DevnetEvm, DevnetPrecompiles, Inner};
use crate::genesis;
use crate::stylus::arbwasm::{ArbWasm, ARB_WASM};
use crate::stylus::pricer::DataPricer;
use crate::stylus::profile::Profile;
use crate::stylus::programs::{self, Arbos, Burner, Fail, Params, ProgramRecord};
use crate::stylus::trace::HostioTrace;
use crate::stylus::{activation, gas::ModuleStats, Program, StylusState, TxStylus};
use alloy_sol_types::SolCall;
use revm::bytecode::Bytecode;
use revm::context::result::{EVMError, ExecutionResult, InvalidTransaction, Output as EvmOutput};
use revm::context::transaction::AccessList;
use revm::context::{BlockEnv, CfgEnv, Context, ContextTr, Evm, JournalTr, TxEnv};
use revm::database::AccountState;
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::{DatabaseCommit, DatabaseRef};
use revm::handler::{
    instructions::EthInstructions, EthFrame, Handler, MainContext, MainnetHandler,
};
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::{hardfork::SpecId, keccak256, Address, Bytes, TxKind, B256, U256};
use revm::state::AccountInfo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;

/// Nitro's local dev chain id.
pub const CHAIN_ID: u64 = 412_346;
/// Arbitrum's block gas limit.
pub const BLOCK_GAS_LIMIT: u64 = 32_000_000;
/// Gas limit of transactions sent without an explicit one.
pub const DEFAULT_TX_GAS: u64 = 30_000_000;
/// Arbitrum blocks name the sequencer's pseudo-address as coinbase.
pub const COINBASE: Address =
    Address::new(*b"\xa4\xb0\x00\x00\x00\x00\x00\x00\x00\x00\x00sequencer");

/// One log, decoded into emitter, topics and data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedLog {
    pub address: Address,
    pub topics: Vec<B256>,
    pub data: Bytes,
}

/// What a committed transaction produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// True when the top frame succeeded.
    pub success: bool,
    /// Return data on success, revert data on revert, empty on a halt.
    pub output: Bytes,
    /// Gas charged for the transaction, intrinsic gas included, refunds deducted.
    pub gas_used: u64,
    /// Gas the transaction had consumed before its refund was deducted (geth's `MaxUsedGas`):
    /// what its gas limit had to cover, and where `eth_estimateGas` starts its search.
    pub peak_gas_used: u64,
    pub logs: Vec<DecodedLog>,
    /// The address a contract-creating transaction deployed.
    pub created: Option<Address>,
    /// The halt reason (out of gas, invalid opcode, ...) when the top frame halted.
    pub halt: Option<String>,
    /// Lines from the debug-only "console" imports.
    pub console: Vec<String>,
}

/// What a view call returned; nothing is committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub success: bool,
    pub data: Bytes,
    pub gas_used: u64,
}

/// What a transaction pays per gas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fees {
    /// A legacy (type 0) transaction's gas price.
    Legacy { gas_price: u128 },
    /// An EIP-2930 (type 1) transaction's gas price.
    AccessList { gas_price: u128 },
    /// An EIP-1559 (type 2) transaction's fee cap and tip. Nitro pays no tips: the price is the
    /// base fee, the tip is only checked against the cap.
    Dynamic {
        max_fee: u128,
        max_priority_fee: u128,
    },
}

/// A transaction described in full, as a node receives it (signature already checked by the
/// caller: the devnet trusts `caller`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxRequest {
    pub caller: Address,
    pub kind: TxKind,
    pub data: Bytes,
    pub value: U256,
    pub gas_limit: u64,
    pub fees: Fees,
    /// The nonce the transaction carries; `None` takes the account's (impersonation, calls).
    pub nonce: Option<u64>,
    pub access_list: AccessList,
    /// `None` for pre-EIP-155 legacy transactions, which are valid on any chain.
    pub chain_id: Option<u64>,
}

/// The block the next transactions run in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    pub number: u64,
    pub timestamp: u64,
    pub basefee: u64,
    pub coinbase: Address,
    pub gas_limit: u64,
}

/// One account of an exported state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDump {
    pub balance: U256,
    pub nonce: u64,
    pub code: Bytes,
    pub storage: BTreeMap<U256, U256>,
}

/// Everything a chain holds, in a form that survives a process (`--state`, `anvil_dumpState`):
/// every account (ArbOS state, with the programs and their cache flags, included) and the block
/// the next transactions run in. Snapshots are not part of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainState {
    pub accounts: BTreeMap<Address, AccountDump>,
    pub block: BlockInfo,
}

/// State saved by [`Devnet::snapshot`].
struct Snapshot {
    db: CacheDB<EmptyDB>,
    block: BlockEnv,
}

/// The in-process chain.
pub struct Devnet {
    evm: Inner,
    stylus: StylusState,
    snapshots: BTreeMap<u64, Snapshot>,
    next_snapshot: u64,
}

impl Default for Devnet {
    fn default() -> Self {
        Self::new()
    }
}

impl Devnet {
    /// A fresh chain at block 1; "console" imports are refused as on a production chain.
    pub fn new() -> Self {
        Self::with_debug(false)
    }

    /// A chain that accepts programs importing the debug "console" module when `debug`.
    pub fn with_debug(debug: bool) -> Self {
        let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
        cfg.chain_id = CHAIN_ID;
        // Nitro lets code starting with the Stylus prefix 0xEF.. be deployed; revm needs the
        // EIP-3541 rule off for that. Arbitrum prices calldata without the EIP-7623 floor.
        cfg.disable_eip3541 = true;
        cfg.disable_eip7623 = true;
        let block = BlockEnv {
            number: U256::from(1),
            timestamp: U256::from(1_700_000_000u64),
            gas_limit: BLOCK_GAS_LIMIT,
            basefee: 0,
            beneficiary: COINBASE,
            ..BlockEnv::default()
        };
        let ctx: Ctx = Context::mainnet()
            .with_db(genesis::state())
            .with_cfg(cfg)
            .with_block(block);
        let spec = SpecId::PRAGUE;
        Self {
            evm: Evm::new(
                ctx,
                EthInstructions::new_mainnet_with_spec(spec),
                DevnetPrecompiles::new(spec, debug),
            ),
            stylus: StylusState::new(debug),
            snapshots: BTreeMap::new(),
            next_snapshot: 0,
        }
    }

    fn db(&self) -> &CacheDB<EmptyDB> {
        self.evm.ctx.journal_ref().db()
    }

    fn db_mut(&mut self) -> &mut CacheDB<EmptyDB> {
        self.evm.ctx.journal_mut().db_mut()
    }

    fn account(&self, address: Address) -> AccountInfo {
        match self.db().basic_ref(address) {
            Ok(info) => info.unwrap_or_default(),
            Err(never) => match never {},
        }
    }

    /// Sets an account's balance.
    pub fn fund(&mut self, address: Address, amount: U256) {
        let mut info = self.account(address);
        info.balance = amount;
        self.db_mut().insert_account_info(address, info);
    }

    pub fn balance(&self, address: Address) -> U256 {
        self.account(address).balance
    }

    pub fn nonce(&self, address: Address) -> u64 {
        self.account(address).nonce
    }

    /// The account's code as stored on chain (for Stylus: prefix + Brotli).
    pub fn code(&self, address: Address) -> Bytes {
        let info = self.account(address);
        match info.code {
            Some(code) => code.original_bytes(),
            None => match self.db().code_by_hash_ref(info.code_hash) {
                Ok(code) => code.original_bytes(),
                Err(never) => match never {},
            },
        }
    }

    /// Raw storage word.
    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        match self.db().storage_ref(address, slot) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    pub fn block_number(&self) -> u64 {
        self.evm.ctx.block.number.saturating_to()
    }

    pub fn timestamp(&self) -> u64 {
        self.evm.ctx.block.timestamp.saturating_to()
    }

    /// Sets the timestamp of the following transactions.
    pub fn warp(&mut self, timestamp: u64) {
        self.evm.ctx.block.timestamp = U256::from(timestamp);
    }

    /// Sets the block number of the following transactions.
    pub fn roll(&mut self, number: u64) {
        self.evm.ctx.block.number = U256::from(number);
    }

    /// Sets the base fee (and so the gas price) of the following transactions; senders then pay
    /// for gas, so fund them.
    pub fn set_basefee(&mut self, basefee: u64) {
        self.evm.ctx.block.basefee = basefee;
    }

    /// The block the next transactions run in.
    pub fn block_info(&self) -> BlockInfo {
        let block = &self.evm.ctx.block;
        BlockInfo {
            number: block.number.saturating_to(),
            timestamp: block.timestamp.saturating_to(),
            basefee: block.basefee,
            coinbase: block.beneficiary,
            gas_limit: block.gas_limit,
        }
    }

    /// Sets the block the next transactions run in (a node opening its next block).
    pub fn set_block_info(&mut self, info: BlockInfo) {
        let block = &mut self.evm.ctx.block;
        block.number = U256::from(info.number);
        block.timestamp = U256::from(info.timestamp);
        block.basefee = info.basefee;
        block.beneficiary = info.coinbase;
        block.gas_limit = info.gas_limit;
    }

    /// Makes `BLOCKHASH` (and `ArbSys.arbBlockHash`) of block `number` answer `hash`. Without it
    /// they answer revm's stand-in (the keccak of the number); a node that seals real headers
    /// records each one's hash so that contracts see the hashes its clients see.
    pub fn record_block_hash(&mut self, number: u64, hash: B256) {
        let hashes = &mut self.db_mut().cache.block_hashes;
        hashes.insert(U256::from(number), hash);
        // BLOCKHASH reaches back 256 blocks: an older entry is never read again.
        if let Some(stale) = number.checked_sub(256) {
            hashes.remove(&U256::from(stale));
        }
    }

    pub fn chain_id(&self) -> u64 {
        self.evm.ctx.cfg.chain_id
    }

    /// Sets the chain id transactions must carry and CHAINID reports (a node started with
    /// another id than Nitro's dev chain).
    pub fn set_chain_id(&mut self, chain_id: u64) {
        self.evm.ctx.cfg.chain_id = chain_id;
    }

    /// Sets an account's nonce.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        let mut info = self.account(address);
        info.nonce = nonce;
        self.db_mut().insert_account_info(address, info);
    }

    /// Replaces an account's code (empty removes it); its storage and balance stay.
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let mut info = self.account(address);
        info.code_hash = keccak256(&code);
        // Taken as plain bytes whatever they start with: no byte string makes this panic.
        info.code = Some(Bytecode::new_legacy(code));
        self.db_mut().insert_account_info(address, info);
    }

    /// Writes one storage word.
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        match self.db_mut().insert_account_storage(address, slot, value) {
            Ok(()) => {}
            Err(never) => match never {},
        }
    }

    /// Replaces an account's whole storage: every slot not in `storage` reads zero.
    pub fn replace_storage(&mut self, address: Address, storage: BTreeMap<U256, U256>) {
        let storage = storage.into_iter().collect();
        match self.db_mut().replace_account_storage(address, storage) {
            Ok(()) => {}
            Err(never) => match never {},
        }
    }

    /// The whole chain state, for saving it.
    pub fn export_state(&self) -> ChainState {
        let cache = &self.db().cache;
        let accounts = cache
            .accounts
            .iter()
            .filter(|(_, account)| !matches!(account.account_state, AccountState::NotExisting))
            .map(|(address, account)| {
                let code = match &account.info.code {
                    Some(code) => code.original_bytes(),
                    None => cache
                        .contracts
                        .get(&account.info.code_hash)
                        .map(Bytecode::original_bytes)
                        .unwrap_or_default(),
                };
                let storage = account
                    .storage
                    .iter()
                    .filter(|(_, value)| !value.is_zero())
                    .map(|(slot, value)| (*slot, *value))
                    .collect();
                let dump = AccountDump {
                    balance: account.info.balance,
                    nonce: account.info.nonce,
                    code,
                    storage,
                };
                (*address, dump)
            })
            .collect();
        ChainState {
            accounts,
            block: self.block_info(),
        }
    }

    /// Replaces the whole chain state by a saved one; snapshots are dropped, since they belong
    /// to the state being replaced.
    pub fn import_state(&mut self, state: ChainState) {
        let mut db = CacheDB::new(EmptyDB::default());
        for (address, account) in state.accounts {
            let code = Bytecode::new_legacy(account.code);
            let info = AccountInfo::new(account.balance, account.nonce, code.hash_slow(), code);
            db.insert_account_info(address, info);
            let storage = account.storage.into_iter().collect();
            match db.replace_account_storage(address, storage) {
                Ok(()) => {}
                Err(never) => match never {},
            }
        }
        *self.db_mut() = db;
        self.set_block_info(state.block);
        self.snapshots.clear();
    }

    /// Saves the whole chain state; returns an id for [`Self::revert_to`].
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        let snapshot = Snapshot {
            db: self.db().clone(),
            block: self.evm.ctx.block.clone(),
        };
        self.snapshots.insert(id, snapshot);
        id
    }

    /// Restores a snapshot; it and every later snapshot are consumed (as in anvil).
    pub fn revert_to(&mut self, id: u64) -> Result<(), DevnetError> {
        let snapshot = self
            .snapshots
            .remove(&id)
            .ok_or(DevnetError::UnknownSnapshot(id))?;
        self.snapshots.split_off(&id);
        *self.db_mut() = snapshot.db;
        self.evm.ctx.block = snapshot.block;
        Ok(())
    }

    /// Places a program in (or removes it from) the cache, making its calls skip `initGas`: the
    /// flag ArbWasmCache sets, written directly (no manager, no checks; a program not activated
    /// yet keeps the flag through its activation, as in Nitro).
    pub fn set_cached(&mut self, program: Address, cached: bool) -> Result<(), DevnetError> {
        let code = self.code(program);
        if !activation::is_stylus(&code) {
            return Err(DevnetError::NotAProgram(program));
        }
        programs::write_cached(self.db_mut(), keccak256(&code), cached);
        Ok(())
    }

    /// Entry-cost inputs of a deployed program's code (for benchmarks and budgets), whether or
    /// not it is activated.
    pub fn program_stats(&mut self, program: Address) -> Result<ModuleStats, DevnetError> {
        Ok(self.program(program)?.stats)
    }

    /// The compiled program behind `program`'s code (its entry and compile costs, module hash),
    /// whether or not it is activated.
    pub fn program(&self, program: Address) -> Result<Arc<Program>, DevnetError> {
        let code = self.code(program);
        if !activation::is_stylus(&code) {
            return Err(DevnetError::NotAProgram(program));
        }
        Ok(self.stylus.compile(&code, keccak256(&code))?)
    }

    /// The Stylus parameters ArbWasm reports.
    pub fn stylus_params(&self) -> Params {
        Params::read(&mut self.db())
    }

    /// Simulates an ArbOS upgrade that raises the Stylus version: programs activated under an
    /// older one stop running (`ProgramNeedsUpgrade`) until activated again. Entry costs and
    /// every price stay those of version 2.
    pub fn set_stylus_version(&mut self, version: u16) {
        let params = Params {
            version,
            ..self.stylus_params()
        };
        params.save(self.db_mut());
    }

    /// What the chain owner's `ArbOwner.setWasmExpiryDays` does: every program's expiry, past
    /// and future, is measured against the new figure.
    pub fn set_expiry_days(&mut self, days: u16) {
        let params = Params {
            expiry_days: days,
            ..self.stylus_params()
        };
        params.save(self.db_mut());
    }

    /// What the chain owner's `ArbOwner.setWasmKeepaliveDays` does.
    pub fn set_keepalive_days(&mut self, days: u16) {
        let params = Params {
            keepalive_days: days,
            ..self.stylus_params()
        };
        params.save(self.db_mut());
    }

    /// The record of `program`'s code if it may run now: what ArbWasm's getters and every call
    /// check (never activated, expired, or activated under an older Stylus version fail).
    pub fn active_program(&self, program: Address) -> Result<ProgramRecord, DevnetError> {
        let params = self.stylus_params();
        let code_hash = keccak256(self.code(program));
        let record = ProgramRecord::read(&mut self.db(), code_hash);
        Ok(record.active(&params, self.timestamp())?)
    }

    /// Seconds until `program` expires (`ArbWasm.programTimeLeft`). Ages count from the hour of
    /// activation, as Nitro stores it; [`Self::warp`] moves the clock they are measured against.
    pub fn program_time_left(&self, program: Address) -> Result<u64, DevnetError> {
        let record = self.active_program(program)?;
        Ok(record.time_left(&self.stylus_params(), self.timestamp())?)
    }

    /// The Stylus version `program` was activated under (`ArbWasm.programVersion`).
    pub fn program_version(&self, program: Address) -> Result<u16, DevnetError> {
        Ok(self.active_program(program)?.version)
    }

    /// The data fee `ArbWasm.activateProgram(program)` would charge now.
    pub fn activation_fee(&self, program: Address) -> Result<U256, DevnetError> {
        let estimate = self.program(program)?.stats.asm_estimate();
        Ok(self.data_fee(u32::try_from(estimate).unwrap_or(u32::MAX)))
    }

    /// The data fee `ArbWasm.codehashKeepalive` would charge now for `program`'s code, or why
    /// it would refuse.
    pub fn keepalive_fee(&self, program: Address) -> Result<U256, DevnetError> {
        let record = self.active_program(program)?;
        let age = record.age(self.timestamp());
        if age < self.stylus_params().keepalive_seconds() {
            return Err(ProgramError::KeepaliveTooSoon { age }.into());
        }
        Ok(self.data_fee(record.asm_size()))
    }

    fn data_fee(&self, bytes: u32) -> U256 {
        DataPricer::read(&mut self.db()).update(bytes, self.timestamp())
    }

    /// `ArbWasm.activateProgram(program)` sent from `from` with the predicted data fee as value
    /// (none when no fee can be predicted, e.g. for code that is not a valid program: the
    /// receipt then carries ArbWasm's answer). `from` must hold the fee.
    pub fn activate_program(
        &mut self,
        from: Address,
        program: Address,
    ) -> Result<Receipt, DevnetError> {
        let fee = self.activation_fee(program).unwrap_or_default();
        let call = ArbWasm::activateProgramCall { program };
        self.call(from, ARB_WASM, call.abi_encode().into(), fee)
    }

    /// `ArbWasm.codehashKeepalive` for `program`'s code, sent from `from` with the predicted data
    /// fee as value (none when it would be refused: the receipt carries the refusal).
    pub fn keepalive(&mut self, from: Address, program: Address) -> Result<Receipt, DevnetError> {
        let fee = self.keepalive_fee(program).unwrap_or_default();
        let call = ArbWasm::codehashKeepaliveCall {
            codehash: keccak256(self.code(program)),
        };
        self.call(from, ARB_WASM, call.abi_encode().into(), fee)
    }

    /// Runs `tx` with Nitro's `stylusTracer` on and returns its receipt and trace: every hostio
    /// of every program and every call frame below the transaction's own (see
    /// [`crate::stylus::trace`]). Without `commit` it runs as [`Self::simulate`] does
    /// (`debug_traceCall`); with it, as [`Self::execute`] (a transaction replayed on the state
    /// before it, for `debug_traceTransaction`).
    pub fn trace(
        &mut self,
        tx: &TxRequest,
        commit: bool,
    ) -> Result<(Receipt, Vec<HostioTrace>), DevnetError> {
        self.stylus.start_trace();
        let receipt = if commit {
            self.execute(tx)
        } else {
            self.simulate(tx)
        };
        let trace = self.stylus.finish_trace();
        Ok((receipt?, trace))
    }

    /// Starts recording a gas profile per wasm function ([`crate::stylus::profile`]) of every
    /// Stylus frame that runs until [`Self::finish_profile`]; charges are unchanged by it.
    pub fn start_profile(&mut self) {
        self.stylus.start_profile();
    }

    /// Stops recording and returns the profile.
    pub fn finish_profile(&mut self) -> Profile {
        self.stylus.finish_profile()
    }

    /// Records an activation of compiled code at the current time, unless its code hash is
    /// already active and current: the activation `cargo stylus deploy` performs, without
    /// billing its fee (the pricer still records the demand).
    fn activate_free(&mut self, code_hash: B256, compiled: &Program) -> Result<(), DevnetError> {
        let time = self.timestamp();
        let mut arbos = Arbos {
            words: self.db_mut(),
            gas: Burner::system(),
        };
        let params = Params::read(&mut arbos.words);
        match programs::require_outdated(&mut arbos, code_hash, &params, time) {
            Ok(cached) => {
                programs::record_activation(
                    &mut arbos,
                    code_hash,
                    compiled.module_hash,
                    &compiled.stats,
                    &params,
                    time,
                    cached,
                )?;
            }
            Err(Fail::Program(ProgramError::UpToDate)) => {}
            Err(fail) => return Err(fail.into()),
        }
        Ok(())
    }

    /// Deploys EVM init code in a transaction from `from`; returns the new address.
    pub fn deploy_evm(&mut self, from: Address, initcode: Bytes) -> Result<Address, DevnetError> {
        self.create(from, initcode, U256::ZERO)
    }

    fn create(
        &mut self,
        from: Address,
        initcode: Bytes,
        value: U256,
    ) -> Result<Address, DevnetError> {
        let receipt = self.transact(from, TxKind::Create, initcode, value, DEFAULT_TX_GAS, true)?;
        match receipt.created {
            Some(address) if receipt.success => Ok(address),
            _ => Err(DevnetError::DeployFailed(describe(&receipt))),
        }
    }

    /// Deploys a Stylus program the way it lands on chain: activation checks first, then a
    /// transaction whose init code returns `0xEFF00000 ++ brotli(wasm)`, then activation. With
    /// `constructor_args` (ABI-encoded, without selector), the SDK constructor is called next with
    /// the `stylus_constructor` selector from `from`: on Nitro the StylusDeployer contract makes
    /// that call, so there `msg_sender` is the deployer contract; here it is `from`.
    pub fn deploy_stylus(
        &mut self,
        from: Address,
        wasm: &[u8],
        constructor_args: Option<&[u8]>,
    ) -> Result<Address, DevnetError> {
        self.deploy_stylus_payable(from, wasm, constructor_args, U256::ZERO)
    }

    /// [`Self::deploy_stylus`] with `value` sent to a payable constructor.
    pub fn deploy_stylus_payable(
        &mut self,
        from: Address,
        wasm: &[u8],
        constructor_args: Option<&[u8]>,
        value: U256,
    ) -> Result<Address, DevnetError> {
        // Activation is keyed by code hash, so it can run (and refuse) before anything is deployed.
        let code = activation::compress(wasm)?;
        let code_hash = keccak256(&code);
        let compiled = self.stylus.compile(&code, code_hash)?;
        self.activate_free(code_hash, &compiled)?;
        let address = self.create(from, Bytes::from(return_code_initcode(&code)), U256::ZERO)?;
        if let Some(args) = constructor_args {
            let mut calldata = keccak256(b"stylus_constructor()")[..4].to_vec();
            calldata.extend_from_slice(args);
            let receipt = self.call(from, address, Bytes::from(calldata), value)?;
            if !receipt.success {
                return Err(DevnetError::DeployFailed(describe(&receipt)));
            }
        }
        Ok(address)
    }

    /// A transaction from `from` (no signature is checked, so any sender can be impersonated)
    /// with the default gas limit. State changes are committed.
    pub fn call(
        &mut self,
        from: Address,
        to: Address,
        calldata: Bytes,
        value: U256,
    ) -> Result<Receipt, DevnetError> {
        self.call_with_gas(from, to, calldata, value, DEFAULT_TX_GAS)
    }

    /// [`Self::call`] with an explicit gas limit.
    pub fn call_with_gas(
        &mut self,
        from: Address,
        to: Address,
        calldata: Bytes,
        value: U256,
        gas_limit: u64,
    ) -> Result<Receipt, DevnetError> {
        self.transact(from, TxKind::Call(to), calldata, value, gas_limit, true)
    }

    /// Runs a call as a transaction without committing anything.
    pub fn view(
        &mut self,
        from: Address,
        to: Address,
        calldata: Bytes,
    ) -> Result<Output, DevnetError> {
        let receipt = self.transact(
            from,
            TxKind::Call(to),
            calldata,
            U256::ZERO,
            DEFAULT_TX_GAS,
            false,
        )?;
        Ok(Output {
            success: receipt.success,
            data: receipt.output,
            gas_used: receipt.gas_used,
        })
    }

    /// Runs a transaction as the chain would and commits its effects; `Err` (nothing changes)
    /// when validation refuses it: nonce, balance for `gas_limit * price + value`, intrinsic
    /// gas, fees against the base fee, chain id.
    pub fn execute(&mut self, tx: &TxRequest) -> Result<Receipt, DevnetError> {
        self.run(tx, false, true)
    }

    /// Runs a transaction without committing anything, as `eth_call` and `eth_estimateGas` do:
    /// a zero price passes under any base fee, without a nonce the account's is used, and the
    /// sender may be a contract (geth skips the EIP-3607 check for calls).
    pub fn simulate(&mut self, tx: &TxRequest) -> Result<Receipt, DevnetError> {
        self.run(tx, true, false)
    }

    /// Validates (strictly unless `simulate`) and runs `tx`; commits when `commit`.
    fn run(
        &mut self,
        tx: &TxRequest,
        simulate: bool,
        commit: bool,
    ) -> Result<Receipt, DevnetError> {
        let (tx_type, gas_price, tip) = match tx.fees {
            Fees::Legacy { gas_price } => (0, gas_price, None),
            Fees::AccessList { gas_price } => (1, gas_price, None),
            Fees::Dynamic {
                max_fee,
                max_priority_fee,
            } => {
                if max_priority_fee > max_fee {
                    return Err(TxError::TipAboveFeeCap {
                        tip: max_priority_fee,
                        fee: max_fee,
                    }
                    .into());
                }
                (2, max_fee, Some(0))
            }
        };
        let chain_id = match tx.chain_id {
            // A call need not name the chain; revm wants one on typed transactions.
            None if simulate => Some(self.evm.ctx.cfg.chain_id),
            id => id,
        };
        self.evm.ctx.tx = TxEnv {
            tx_type,
            caller: tx.caller,
            gas_limit: tx.gas_limit,
            gas_price,
            gas_priority_fee: tip,
            kind: tx.kind,
            value: tx.value,
            data: tx.data.clone(),
            nonce: tx.nonce.unwrap_or_else(|| self.nonce(tx.caller)),
            chain_id,
            access_list: tx.access_list.clone(),
            ..TxEnv::default()
        };
        let cfg = &mut self.evm.ctx.cfg;
        cfg.disable_base_fee = simulate;
        cfg.disable_nonce_check = simulate && tx.nonce.is_none();
        cfg.disable_eip3607 = simulate;
        let result = self.transact_env(commit);
        let cfg = &mut self.evm.ctx.cfg;
        cfg.disable_base_fee = false;
        cfg.disable_nonce_check = false;
        cfg.disable_eip3607 = false;
        result
    }

    fn transact(
        &mut self,
        from: Address,
        kind: TxKind,
        data: Bytes,
        value: U256,
        gas_limit: u64,
        commit: bool,
    ) -> Result<Receipt, DevnetError> {
        let tx = TxRequest {
            caller: from,
            kind,
            data,
            value,
            gas_limit,
            fees: Fees::Legacy {
                gas_price: u128::from(self.evm.ctx.block.basefee),
            },
            nonce: None,
            access_list: AccessList::default(),
            chain_id: Some(self.evm.ctx.cfg.chain_id),
        };
        // A view validates like a transaction (and pays the base fee), it just commits nothing.
        self.run(&tx, false, commit)
    }

    /// Runs the transaction in `self.evm.ctx.tx`.
    fn transact_env(&mut self, commit: bool) -> Result<Receipt, DevnetError> {
        let mut evm = DevnetEvm {
            inner: &mut self.evm,
            stylus: &self.stylus,
            tx: TxStylus::default(),
        };
        let result = MainnetHandler::<
            _,
            EVMError<Infallible, InvalidTransaction>,
            EthFrame<EthInterpreter>,
        >::default()
        .run(&mut evm);
        let console = std::mem::take(&mut evm.tx.console);
        let unavailable = evm.tx.unavailable.take();
        let state = self.evm.ctx.journal_mut().finalize();
        let result = result.map_err(|error| tx_error(error, &self.evm.ctx))?;
        if commit {
            self.db_mut().commit(state);
        }
        let mut receipt = receipt(result, console);
        // A program that may not run halts its frame; name Nitro's reason, as its node does.
        if let (Some(error), Some(halt)) = (unavailable, receipt.halt.as_mut()) {
            *halt = error.to_string();
        }
        Ok(receipt)
    }
}

/// The typed reason validation refused a transaction.
fn tx_error(error: EVMError<Infallible, InvalidTransaction>, ctx: &Ctx) -> TxError {
    let invalid = match error {
        EVMError::Transaction(invalid) => invalid,
        other => return TxError::Other(other.to_string()),
    };
    match invalid {
        InvalidTransaction::NonceTooLow { tx, state } => TxError::NonceTooLow { tx, state },
        InvalidTransaction::NonceTooHigh { tx, state } => TxError::NonceTooHigh { tx, state },
        InvalidTransaction::LackOfFundForMaxFee { fee, balance } => TxError::InsufficientFunds {
            balance: *balance,
            cost: *fee,
        },
        InvalidTransaction::CallGasCostMoreThanGasLimit {
            initial_gas,
            gas_limit,
        } => TxError::IntrinsicGas {
            gas_limit,
            intrinsic: initial_gas,
        },
        InvalidTransaction::GasFloorMoreThanGasLimit {
            gas_floor,
            gas_limit,
        } => TxError::IntrinsicGas {
            gas_limit,
            intrinsic: gas_floor,
        },
        InvalidTransaction::CallerGasLimitMoreThanBlock => TxError::GasLimitAboveBlock {
            gas_limit: ctx.tx.gas_limit,
            block: ctx.block.gas_limit,
        },
        InvalidTransaction::GasPriceLessThanBasefee => TxError::FeeBelowBaseFee {
            fee: ctx.tx.gas_price,
            basefee: ctx.block.basefee,
        },
        InvalidTransaction::InvalidChainId => TxError::WrongChainId {
            tx: ctx.tx.chain_id.unwrap_or_default(),
            chain: ctx.cfg.chain_id,
        },
        InvalidTransaction::RejectCallerWithCode => TxError::SenderHasCode(ctx.tx.caller),
        other => TxError::Other(other.to_string()),
    }
}

/// Init code that returns `code` as the deployed code.
fn return_code_initcode(code: &[u8]) -> Vec<u8> {
    // PUSH2 len PUSH1 14 PUSH1 0 CODECOPY PUSH2 len PUSH1 0 RETURN, then the code (offset 14).
    let len = (code.len() as u16).to_be_bytes();
    let mut init = vec![
        0x61, len[0], len[1], 0x60, 14, 0x60, 0, 0x39, 0x61, len[0], len[1], 0x60, 0, 0xf3,
    ];
    init.extend_from_slice(code);
    init
}

fn receipt(result: ExecutionResult, console: Vec<String>) -> Receipt {
    let gas_used = result.gas().spent_sub_refunded();
    let peak_gas_used = result.gas().total_gas_spent();
    let decode = |logs: Vec<revm::primitives::Log>| {
        logs.into_iter()
            .map(|log| DecodedLog {
                address: log.address,
                topics: log.data.topics().to_vec(),
                data: log.data.data,
            })
            .collect()
    };
    match result {
        ExecutionResult::Success { logs, output, .. } => {
            let (output, created) = match output {
                EvmOutput::Call(data) => (data, None),
                EvmOutput::Create(data, address) => (data, address),
            };
            Receipt {
                success: true,
                output,
                gas_used,
                peak_gas_used,
                logs: decode(logs),
                created,
                halt: None,
                console,
            }
        }
        ExecutionResult::Revert { output, logs, .. } => Receipt {
            success: false,
            output,
            gas_used,
            peak_gas_used,
            logs: decode(logs),
            created: None,
            halt: None,
            console,
        },
        ExecutionResult::Halt { reason, logs, .. } => Receipt {
            success: false,
            output: Bytes::new(),
            gas_used,
            peak_gas_used,
            logs: decode(logs),
            created: None,
            halt: Some(format!("{reason:?}")),
            console,
        },
    }
}

fn describe(receipt: &Receipt) -> String {
    match &receipt.halt {
        Some(reason) => format!("halted: {reason}"),
        None => format!("reverted with 0x{}", hex(&receipt.output)),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
