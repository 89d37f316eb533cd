//! ArbSys at 0x64 (Nitro's `precompiles/ArbSys.go`): the block number, chain id, ArbOS version
//! and recent block hashes. Its L1 messaging (sendTxToL1, the outbox) is not served: the devnet
//! has no parent chain, and a call to any other ArbSys method reverts as an unknown method does.

use super::{Call, Failure, Precompile, Purity};
use alloy_sol_types::{sol, SolCall, SolError};
use revm::context_interface::Host;
use revm::primitives::{address, constants::BLOCK_HASH_HISTORY, Address, U256};

sol! {
    /// The part of nitro-precompile-interfaces `ArbSys.sol` the devnet serves.
    interface ArbSys {
        function arbBlockNumber() external view returns (uint256);
        function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);

        error InvalidBlockNumber(uint256 requested, uint256 current);
    }
}

/// The precompile's address.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
/// What `arbOSVersion` adds to the ArbOS version: Nitro's numbering starts at 56.
pub const ARBOS_VERSION_BASE: u64 = 55;

pub(crate) struct ArbSysPrecompile;

impl Precompile for ArbSysPrecompile {
    const ADDRESS: Address = ARB_SYS;
    type Calls = ArbSys::ArbSysCalls;

    fn purity(_: [u8; 4]) -> Purity {
        Purity::View
    }

    fn dispatch(call: &mut Call<'_>, method: Self::Calls) -> Result<Vec<u8>, Failure> {
        use ArbSys::{ArbSysCalls as Calls, *};
        let ctx = &mut *call.arbos.words;
        let number = ctx.block.number;
        Ok(match method {
            Calls::arbBlockNumber(_) => arbBlockNumberCall::abi_encode_returns(&number),
            Calls::arbChainID(_) => {
                arbChainIDCall::abi_encode_returns(&U256::from(ctx.cfg.chain_id))
            }
            Calls::arbOSVersion(_) => arbOSVersionCall::abi_encode_returns(&U256::from(
                ARBOS_VERSION_BASE + call.arbos_version,
            )),
            Calls::arbBlockHash(c) => {
                let invalid = || {
                    Failure::Error(
                        InvalidBlockNumber {
                            requested: c.arbBlockNum,
                            current: number,
                        }
                        .abi_encode(),
                    )
                };
                let requested = u64::try_from(c.arbBlockNum).map_err(|_| invalid())?;
                let current: u64 = number.saturating_to();
                if requested >= current || requested + BLOCK_HASH_HISTORY < current {
                    return Err(invalid());
                }
                let hash = ctx.block_hash(requested).ok_or(Failure::Revert)?;
                arbBlockHashCall::abi_encode_returns(&hash)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ArbSys::*;
    use alloy_sol_types::{SolCall, SolError};

    #[test]
    fn selectors_are_nitros() {
        assert_eq!(arbBlockNumberCall::SELECTOR, [0xa3, 0xb1, 0xb3, 0x1d]);
        assert_eq!(arbChainIDCall::SELECTOR, [0xd1, 0x27, 0xf5, 0x4a]);
        assert_eq!(arbOSVersionCall::SELECTOR, [0x05, 0x10, 0x38, 0xf2]);
        assert_eq!(arbBlockHashCall::SELECTOR, [0x2b, 0x40, 0x7a, 0x82]);
        assert_eq!(
            InvalidBlockNumber::SIGNATURE,
            "InvalidBlockNumber(uint256,uint256)"
        );
    }
}
