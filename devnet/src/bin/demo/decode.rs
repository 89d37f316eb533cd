//! The chain's answers in words: custom errors by name with their arguments, and the events that
//! tell the story.

use alloy_sol_types::SolInterface;
use vigil_devnet::report::ether;
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Receipt, B256, U256};

/// A custom error of the guard, the registry or the vault, by name with its arguments; `name`
/// gives an address its part in the story.
pub fn error(data: &[u8], name: impl Fn(Address) -> String) -> String {
    use ICircuitGuard::ICircuitGuardErrors as G;
    use IThreatRegistry::IThreatRegistryErrors as R;
    use IVault::IVaultErrors as V;
    // Arguments by position (the errors' tuples), whatever the interfaces name them.
    if let Ok(e) = G::abi_decode(data) {
        return match e {
            G::CallerFlagged(e) => {
                let (caller, level): (Address, u8) = e.into();
                format!("CallerFlagged({}, level {level})", name(caller))
            }
            G::SelectorPaused(e) => {
                let (_, until): (FixedBytes<4>, u64) = e.into();
                format!("SelectorPaused(withdraw, until t={until})")
            }
            G::AdvisoryActive(e) => {
                let (advisory,): (B256,) = e.into();
                format!("AdvisoryActive({:.10}…)", advisory.to_string())
            }
            G::RateLimited(e) => {
                let (_, available, retry): (FixedBytes<4>, U256, u64) = e.into();
                format!(
                    "RateLimited(available {}, retry at t={retry})",
                    ether(available)
                )
            }
            other => format!("{other:?}"),
        };
    }
    match R::abi_decode(data) {
        Ok(R::WrongBond(e)) => {
            let (expected, sent): (U256, U256) = e.into();
            format!(
                "WrongBond(expected {}, sent {})",
                ether(expected),
                ether(sent)
            )
        }
        Ok(other) => format!("{other:?}"),
        Err(_) => match V::abi_decode(data) {
            Ok(V::InsufficientBalance(e)) => format!(
                "InsufficientBalance(has {}, asked {})",
                ether(e.balance),
                ether(e.requested)
            ),
            Ok(V::NothingToExit(_)) => "NothingToExit()".into(),
            Err(_) => format!("0x{}", hex_string(data)),
        },
    }
}

/// The names of the events a receipt logged that tell the story (token transfers left out).
pub fn event_names(r: &Receipt) -> Vec<&'static str> {
    const EVENTS: [(&str, &str); 14] = [
        ("Staked(address,uint256,uint256,uint64)", "Staked"),
        (
            "FlagSubmitted(bytes32,uint32,address,uint8,uint8,bytes32,uint64,uint32,uint256,uint256)",
            "FlagSubmitted",
        ),
        (
            "FlagCorroborated(bytes32,uint32,address,bytes32,uint256,uint256)",
            "FlagCorroborated",
        ),
        ("StatusChanged(bytes32,uint32,uint256)", "StatusChanged"),
        ("StatusSynced(bytes32,uint256)", "guard:StatusSynced"),
        ("Tripped(address,bytes4,uint64)", "guard:Tripped"),
        (
            "Disputed(bytes32,uint32,address,bytes32,uint256)",
            "Disputed",
        ),
        (
            "DisputeResolved(bytes32,uint32,address,bool,bytes32,uint256,uint256,uint256,uint256)",
            "DisputeResolved",
        ),
        (
            "EmergencyAction(bytes32,uint32,address,bool,bytes32)",
            "EmergencyAction",
        ),
        ("Claimed(address,uint256)", "Claimed"),
        ("Deposited(address,uint256)", "Deposited"),
        ("Withdrawn(address,uint256)", "Withdrawn"),
        ("EmergencyExited(address,uint256)", "EmergencyExited"),
        (
            "AdvisoryTagsSet(address,bytes4,bytes32[])",
            "guard:AdvisoryTagsSet",
        ),
    ];
    let mut names = Vec::new();
    for log in &r.logs {
        let Some(topic) = log.topics.first() else {
            continue;
        };
        if let Some((_, name)) = EVENTS
            .iter()
            .find(|(sig, _)| keccak256(sig.as_bytes()) == *topic)
        {
            if !names.contains(name) {
                names.push(*name);
            }
        }
    }
    names
}
