//! The deployment, step by step, in the only order that works: the guard's constructor runs in
//! the guard's extension, the registry's constructor needs its extension and the guard, the
//! guard's first `setRegistry` needs the registry, and the guard's owner must be the deployer
//! until that link is made.
//!
//! Ownership: the registry is constructed with the governance address as owner, so no key but
//! governance ever controls it. The guard is constructed with the deployer as owner (only its
//! owner can make the first, immediate `setRegistry`); its `transferOwnership` is timelocked
//! (contracts/guard/src/roles.rs), so the handover is scheduled, executed once the guard's delay
//! has passed, and completed when governance calls `acceptOwnership`.

use crate::abi::ICircuitGuard;
use crate::config::DeployConfig;
use crate::wasm::ProgramKind;
use alloy_primitives::{keccak256, Address, Bytes, B256};
use alloy_sol_types::{SolCall, SolValue};

/// One transaction of the deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A program deployed, activated and initialised in one StylusDeployer transaction.
    Deploy(ProgramKind),
    /// `guard.setRegistry(registry)`: the guard's first link, immediate.
    LinkGuard,
    /// `guard.schedule(transferOwnership(governance))`.
    ScheduleHandover,
    /// `guard.execute(transferOwnership(governance))`, once due: governance becomes the guard's
    /// pending owner.
    Handover,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Deploy(ProgramKind::Extension),
        Step::Deploy(ProgramKind::GuardExtension),
        Step::Deploy(ProgramKind::Guard),
        Step::Deploy(ProgramKind::Registry),
        Step::LinkGuard,
        Step::ScheduleHandover,
        Step::Handover,
    ];

    /// The step's name in the record.
    pub fn name(self) -> &'static str {
        match self {
            Step::Deploy(kind) => kind.name(),
            Step::LinkGuard => "linkGuard",
            Step::ScheduleHandover => "scheduleHandover",
            Step::Handover => "handover",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Step::Deploy(ProgramKind::Extension) => "deploy and activate the registry's extension",
            Step::Deploy(ProgramKind::GuardExtension) => {
                "deploy and activate the guard's extension"
            }
            Step::Deploy(ProgramKind::Guard) => {
                "deploy, activate and construct the guard (owner: the deployer; its extension)"
            }
            Step::Deploy(ProgramKind::Registry) => {
                "deploy, activate and construct the registry (owner: governance)"
            }
            Step::LinkGuard => "link the guard to the registry (setRegistry)",
            Step::ScheduleHandover => "schedule the guard's transferOwnership to governance",
            Step::Handover => "execute the guard's transferOwnership (governance then accepts)",
        }
    }
}

/// The constructor calldata the StylusDeployer passes to a program: `stylus_constructor()`'s
/// selector and the arguments. The extensions have no constructor (empty).
pub fn constructor_data(
    kind: ProgramKind,
    config: &DeployConfig,
    deployer: Address,
    extension: Address,
    guard_extension: Address,
    guard: Address,
) -> Bytes {
    let args = match kind {
        ProgramKind::Extension | ProgramKind::GuardExtension => return Bytes::new(),
        ProgramKind::Guard => (deployer, guard_extension).abi_encode_params(),
        ProgramKind::Registry => (
            config.governance,
            config.params.to_abi(),
            extension,
            guard,
            config.resolvers.clone(),
        )
            .abi_encode_params(),
    };
    let mut data = keccak256(b"stylus_constructor()")[..4].to_vec();
    data.extend_from_slice(&args);
    data.into()
}

/// The guard call both handover steps carry: `transferOwnership(governance)`.
pub fn handover_call(governance: Address) -> Bytes {
    ICircuitGuard::transferOwnershipCall {
        newOwner: governance,
    }
    .abi_encode()
    .into()
}

/// The timelock id of the handover: `keccak256(data)`.
pub fn handover_id(governance: Address) -> B256 {
    keccak256(handover_call(governance))
}

pub fn link_call(registry: Address) -> Bytes {
    ICircuitGuard::setRegistryCall { registry }
        .abi_encode()
        .into()
}

pub fn schedule_call(governance: Address) -> Bytes {
    ICircuitGuard::scheduleCall {
        data: handover_call(governance),
    }
    .abi_encode()
    .into()
}

pub fn execute_call(governance: Address) -> Bytes {
    ICircuitGuard::executeCall {
        data: handover_call(governance),
    }
    .abi_encode()
    .into()
}
