//! One call a command makes: what is sent, signed by the key, written into a Safe batch, or
//! printed as calldata, whichever the user asked for.

use alloy_primitives::{Address, Bytes, U256};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub to: Address,
    pub value: U256,
    pub data: Bytes,
}

impl Call {
    /// A call that sends no ETH.
    pub fn new(to: Address, data: impl Into<Bytes>) -> Self {
        Call {
            to,
            value: U256::ZERO,
            data: data.into(),
        }
    }
}
