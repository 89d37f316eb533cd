//! The state a fresh chain starts from: what Nitro's genesis and its dev-node setup put on chain
//! before the first user transaction.
//!
//! The predeploys are Vigil's own Solidity (`devnet/contracts/`), embedded as the runtime hex that
//! `script/predeploys.sh` builds and checks, so a chain starts without running forge.

use crate::evm::ARBITRUM_PRECOMPILES;
use crate::precompiles::AddressSet;
use crate::stylus::pricer::DataPricer;
use crate::stylus::programs::{self, Params, ARBOS_STATE, ARBOS_VERSION};
use alloy_primitives::hex;
use revm::bytecode::Bytecode;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{address, Address, Bytes, U256};
use revm::state::AccountInfo;

/// The account `nitro --dev` funds and makes chain owner (its `--init.dev-init-address`).
pub const DEV_ACCOUNT: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// Where cargo-stylus sends deployments with a constructor (its `--deployer-address` default).
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The deterministic CREATE2 factory most deploy tooling expects.
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");
/// The cache manager, at the address the Stylus SDK's devnet setup gives its own.
pub const CACHE_MANAGER: Address = address!("2F8Bd4EaB69764c105aDd7dE7CB0402557a44E6f");
/// The bytes of asm the cache manager starts with room for (its owner may change it).
pub const CACHE_SIZE: u64 = 4 * 1024 * 1024;

/// Runtime code of the predeploys, as `script/predeploys.sh --write` committed it.
const STYLUS_DEPLOYER_HEX: &str = include_str!("../contracts/StylusDeployer.hex");
const CACHE_MANAGER_HEX: &str = include_str!("../contracts/CacheManager.hex");
const CREATE2_FACTORY_HEX: &str = include_str!("../contracts/Create2Factory.hex");

/// A fresh chain's state: ArbOS state at [`ARBOS_VERSION`] with Nitro's Stylus params and data
/// pricer (the account has nonce 1 so no state clearing ever deletes it, as in Nitro), the dev
/// account as chain owner, the code `INVALID` in every precompile account, as Nitro gives its
/// precompiles so that they are not empty accounts, and the predeploys, the cache manager
/// registered with ArbWasmCache.
pub fn state() -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    db.insert_account_info(ARBOS_STATE, AccountInfo::default().with_nonce(1));
    programs::save_arbos_version(&mut db, ARBOS_VERSION);
    Params::genesis().save(&mut db);
    DataPricer::genesis().save(&mut db);
    AddressSet::CHAIN_OWNERS.add(&mut db, DEV_ACCOUNT);
    let invalid = Bytecode::new_raw(Bytes::from_static(&[0xFE]));
    for precompile in ARBITRUM_PRECOMPILES {
        db.insert_account_info(precompile, AccountInfo::from_bytecode(invalid.clone()));
    }
    for (address, runtime) in [
        (STYLUS_DEPLOYER, STYLUS_DEPLOYER_HEX),
        (CREATE2_FACTORY, CREATE2_FACTORY_HEX),
        (CACHE_MANAGER, CACHE_MANAGER_HEX),
    ] {
        // The files are checked by script/predeploys.sh (devnet/tests/arbitrum.rs runs it); every
        // chain of every test builds on them, so a corrupt one cannot go unnoticed.
        let code = hex::decode(runtime.trim()).expect("committed predeploy hex");
        let code = Bytecode::new_raw(code.into());
        // A deployed contract's nonce is 1 (EIP-161).
        db.insert_account_info(address, AccountInfo::from_bytecode(code).with_nonce(1));
    }
    // CacheManager slot 0 packs cacheSize (lowest 8 bytes), queueSize and isPaused.
    match db.insert_account_storage(CACHE_MANAGER, U256::ZERO, U256::from(CACHE_SIZE)) {
        Ok(()) => {}
        Err(never) => match never {},
    }
    AddressSet::CACHE_MANAGERS.add(&mut db, CACHE_MANAGER);
    db
}
