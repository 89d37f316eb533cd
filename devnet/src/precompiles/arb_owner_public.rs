//! ArbOwnerPublic at 0x6b (Nitro's `precompiles/ArbOwnerPublic.go`): who owns the chain and the
//! Stylus fragment limit cargo-stylus checks before a multi-fragment deployment. Its other
//! getters (fee accounts, pricing, scheduled upgrades) are not served: a call to one reverts as an
//! unknown method does.

use super::{AddressSet, Call, Failure, Precompile, Purity};
use crate::stylus::programs::Params;
use alloy_sol_types::{sol, SolCall};
use revm::primitives::{address, Address};

sol! {
    /// The part of nitro-precompile-interfaces `ArbOwnerPublic.sol` the devnet serves.
    interface ArbOwnerPublic {
        function isChainOwner(address addr) external view returns (bool);
        function getMaxStylusContractFragments() external view returns (uint8);
    }
}

/// The precompile's address.
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");

pub(crate) struct ArbOwnerPublicPrecompile;

impl Precompile for ArbOwnerPublicPrecompile {
    const ADDRESS: Address = ARB_OWNER_PUBLIC;
    type Calls = ArbOwnerPublic::ArbOwnerPublicCalls;

    fn purity(_: [u8; 4]) -> Purity {
        Purity::View
    }

    fn dispatch(call: &mut Call<'_>, method: Self::Calls) -> Result<Vec<u8>, Failure> {
        use ArbOwnerPublic::{ArbOwnerPublicCalls as Calls, *};
        Ok(match method {
            Calls::isChainOwner(c) => {
                let owner = AddressSet::CHAIN_OWNERS.is_member(&mut call.arbos, c.addr)?;
                isChainOwnerCall::abi_encode_returns(&owner)
            }
            Calls::getMaxStylusContractFragments(_) => {
                let params = Params::load(&mut call.arbos)?;
                getMaxStylusContractFragmentsCall::abi_encode_returns(&params.max_fragment_count)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ArbOwnerPublic::*;
    use alloy_sol_types::SolCall;

    #[test]
    fn selectors_are_nitros() {
        assert_eq!(
            getMaxStylusContractFragmentsCall::SELECTOR,
            [0xe5, 0xa7, 0xf8, 0x93]
        );
        assert_eq!(isChainOwnerCall::SIGNATURE, "isChainOwner(address)");
    }
}
