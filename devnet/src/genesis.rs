//! The state a fresh chain starts from: what Nitro's genesis and its dev-node setup put on chain
//! before the first user transaction.

use crate::stylus::arbwasm::ARB_WASM;
use crate::stylus::pricer::DataPricer;
use crate::stylus::programs::{Params, ARBOS_STATE};
use revm::bytecode::Bytecode;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::Bytes;
use revm::state::AccountInfo;

/// A fresh chain's state: ArbOS state with Nitro's Stylus params and data pricer (the account
/// has nonce 1 so no state clearing ever deletes it, as in Nitro), and ArbWasm's code `INVALID`,
/// as Nitro gives its precompiles so that they are not empty accounts.
pub fn state() -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    db.insert_account_info(ARBOS_STATE, AccountInfo::default().with_nonce(1));
    Params::genesis().save(&mut db);
    DataPricer::genesis().save(&mut db);
    let invalid = Bytecode::new_raw(Bytes::from_static(&[0xFE]));
    db.insert_account_info(ARB_WASM, AccountInfo::from_bytecode(invalid));
    db
}
