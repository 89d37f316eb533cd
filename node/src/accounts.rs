//! The prefunded dev accounts: Nitro's dev-node key, then the ten accounts of the test mnemonic
//! that anvil and hardhat print, so scripts written for either work unchanged.

use alloy_primitives::{Address, B256, U256};
use alloy_signer_local::{LocalSignerError, MnemonicBuilder, PrivateKeySigner};

/// The Nitro dev node's funded key (nitro-devnode README).
pub const NITRO_DEV_KEY: B256 =
    alloy_primitives::b256!("b6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659");
/// The mnemonic anvil and hardhat derive their accounts from.
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// How many accounts the mnemonic gives (m/44'/60'/0'/0/0 to /9).
pub const MNEMONIC_ACCOUNTS: u32 = 10;
/// What each dev account starts with: 10,000 ETH, as anvil gives.
pub const DEV_BALANCE: U256 = U256::from_limbs([0x19e0_c9ba_b240_0000, 0x21e, 0, 0]);

/// The node's unlocked accounts, in the order they are printed.
#[derive(Clone, Debug)]
pub struct DevAccounts {
    signers: Vec<PrivateKeySigner>,
}

impl DevAccounts {
    /// Derives the accounts (the mnemonic ones through BIP-32, not from a table).
    pub fn derive() -> Result<Self, LocalSignerError> {
        let mut signers = vec![PrivateKeySigner::from_bytes(&NITRO_DEV_KEY)?];
        for index in 0..MNEMONIC_ACCOUNTS {
            let signer = MnemonicBuilder::english()
                .phrase(TEST_MNEMONIC)
                .index(index)?
                .build()?;
            signers.push(signer);
        }
        Ok(Self { signers })
    }

    pub fn signers(&self) -> &[PrivateKeySigner] {
        &self.signers
    }

    pub fn addresses(&self) -> Vec<Address> {
        self.signers.iter().map(PrivateKeySigner::address).collect()
    }

    /// The signer of `address`, if it is a dev account.
    pub fn signer(&self, address: Address) -> Option<&PrivateKeySigner> {
        self.signers.iter().find(|s| s.address() == address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn the_accounts_are_nitros_and_anvils() {
        let accounts = DevAccounts::derive().unwrap();
        let addresses = accounts.addresses();
        assert_eq!(addresses.len(), 11);
        assert_eq!(
            addresses[0],
            address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")
        );
        // anvil's first and last default accounts.
        assert_eq!(
            addresses[1],
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        assert_eq!(
            addresses[10],
            address!("a0Ee7A142d267C1f36714E4a8F75612F20a79720")
        );
    }

    #[test]
    fn the_dev_balance_is_ten_thousand_ether() {
        let ether = U256::from(10u64).pow(U256::from(18u64));
        assert_eq!(DEV_BALANCE, U256::from(10_000u64) * ether);
    }
}
