//! Devnet throughput: wall time of many guarded withdraws through the whole devnet (revm, wasmi,
//! the journal). A figure about the devnet, not about Vigil's gas.

use std::time::Instant;

use alloy_sol_types::SolCall;
use serde_json::{json, Value};
use vigil_devnet::report::thousands;
use vigil_devnet::system::*;
use vigil_devnet::{Address, U256};

use crate::withdraw::WITHDRAW_ETH;

/// Withdraws by this account feed the throughput line, apart from the gas rows' user.
const THROUGHPUT_USER: Address = Address::repeat_byte(0xa3);

pub struct Throughput {
    calls: u64,
    seconds: f64,
}

impl Throughput {
    fn per_second(&self) -> f64 {
        self.calls as f64 / self.seconds
    }

    pub fn markdown(&self) -> String {
        format!(
            "### Devnet throughput\n\n{} guarded withdraws (cached guard, pause + screening + rate \
             limit + one advisory tag), each a committed transaction: {:.3} s, {} calls/s.\n\n",
            thousands(self.calls),
            self.seconds,
            thousands(self.per_second() as u64),
        )
    }

    pub fn json(&self) -> Value {
        json!({
            "calls": self.calls, "seconds": self.seconds, "calls_per_second": self.per_second(),
        })
    }
}

/// `calls` guarded withdraws of [`WITHDRAW_ETH`] each, with the last configuration the withdraw
/// rows left in place.
pub fn measure(w: &mut World, calls: u64) -> Throughput {
    let vault = w.vault;
    w.deposit(THROUGHPUT_USER, eth(WITHDRAW_ETH) * U256::from(calls));
    let call = IVault::withdrawCall {
        amount: eth(WITHDRAW_ETH),
    }
    .abi_encode();
    let start = Instant::now();
    for i in 0..calls {
        let r = w
            .chain
            .call(THROUGHPUT_USER, vault, call.clone().into(), U256::ZERO)
            .unwrap_or_else(|e| panic!("throughput withdraw {i}: invalid transaction: {e}"));
        assert!(r.success, "throughput withdraw {i} failed: {:?}", r.output);
    }
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(w.vault_balance(THROUGHPUT_USER), U256::ZERO);
    Throughput { calls, seconds }
}
