//! `deployments/<chainId>.json`: what was deployed where, written after every mined transaction
//! (and before waiting for one, with its hash), so an interrupted deployment resumes where it
//! stopped and never sends a step twice. The schema is documented in `deployments/README.md`.

use crate::config::{DeployConfig, Wei};
use crate::wasm::ProgramKind;
use crate::Error;
use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The record format's version: a reader refuses a file of another.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    pub schema_version: u32,
    pub chain_id: u64,
    /// The account that sent every transaction.
    pub deployer: Address,
    pub stylus_deployer: Address,
    /// The config the deployment was made with, verbatim.
    pub config: DeployConfig,
    pub programs: Programs,
    /// Every step sent so far, in order.
    pub steps: Vec<StepRecord>,
    /// When the guard's handover may be executed (unix seconds), once scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover_due: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Programs {
    /// The registry's extension (its name from before the guard had one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Program>,
    /// The guard's extension; absent from records of guards that were one program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard_extension: Option<Program>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<Program>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<Program>,
}

/// A deployed, activated program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Program {
    pub address: Address,
    /// keccak256 of the code on chain.
    pub codehash: B256,
    /// sha256 of the wasm file deployed.
    pub wasm_sha256: B256,
    pub wasm_size: usize,
    /// The Stylus version it was activated at (ArbWasm.programVersion).
    pub stylus_version: u16,
    /// The activation's data fee in wei (0 when the same code was already active); absent for
    /// an adopted program whose activation log was not found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_data_fee: Option<Wei>,
    /// The transaction that deployed it (this run's StylusDeployer call), or for an adopted
    /// program the one that activated it, when its log was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<B256>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u64>,
    /// Deployed by someone else (`cargo stylus deploy`, or by hand) and taken over with
    /// `vigil deploy --extension/--guard-extension/--guard/--registry`: checked, not sent by this
    /// deployment.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adopted: bool,
}

/// One transaction of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepRecord {
    /// The step's name (`plan::Step::name`).
    pub step: String,
    pub status: StepStatus,
    pub transaction: B256,
    /// The block it was mined in; absent while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gas_used: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepStatus {
    /// Signed and sent (or about to be): its hash is known, its receipt is not.
    Pending,
    Mined,
}

impl Record {
    pub fn new(
        chain_id: u64,
        deployer: Address,
        stylus_deployer: Address,
        config: DeployConfig,
    ) -> Self {
        Record {
            schema_version: SCHEMA_VERSION,
            chain_id,
            deployer,
            stylus_deployer,
            config,
            programs: Programs::default(),
            steps: Vec::new(),
            handover_due: None,
        }
    }

    /// `dir/<chainId>.json`.
    pub fn path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// The record at `path`, if there is one.
    pub fn load(path: &Path) -> Result<Option<Self>, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::ReadRecord {
                    path: path.to_owned(),
                    message: e.to_string(),
                })
            }
        };
        let record: Record = serde_json::from_str(&text).map_err(|e| Error::ReadRecord {
            path: path.to_owned(),
            message: format!("not a Vigil deployment record: {e}"),
        })?;
        if record.schema_version != SCHEMA_VERSION {
            return Err(Error::ReadRecord {
                path: path.to_owned(),
                message: format!(
                    "schema version {} (this vigil reads {SCHEMA_VERSION})",
                    record.schema_version
                ),
            });
        }
        Ok(Some(record))
    }

    /// Writes the whole file to a temporary sibling and renames it over the old one, so a crash
    /// leaves either the previous record or the new one, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let fail = |source: std::io::Error| Error::WriteRecord {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| fail(std::io::Error::other(e)))?;
        text.push('\n');
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, text).map_err(fail)?;
        std::fs::rename(&temporary, path).map_err(fail)
    }

    pub fn step(&self, name: &str) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.step == name)
    }

    /// Records `step` as sent with `transaction`, replacing a pending entry of the same step.
    pub fn set_pending(&mut self, step: &str, transaction: B256) {
        self.steps.retain(|s| s.step != step);
        self.steps.push(StepRecord {
            step: step.to_owned(),
            status: StepStatus::Pending,
            transaction,
            block: None,
            gas_used: None,
        });
    }

    pub fn set_mined(&mut self, step: &str, transaction: B256, block: u64, gas_used: u64) {
        self.steps.retain(|s| s.step != step);
        self.steps.push(StepRecord {
            step: step.to_owned(),
            status: StepStatus::Mined,
            transaction,
            block: Some(block),
            gas_used: Some(gas_used),
        });
    }

    pub fn program(&self, kind: ProgramKind) -> Option<&Program> {
        match kind {
            ProgramKind::Extension => self.programs.extension.as_ref(),
            ProgramKind::GuardExtension => self.programs.guard_extension.as_ref(),
            ProgramKind::Guard => self.programs.guard.as_ref(),
            ProgramKind::Registry => self.programs.registry.as_ref(),
        }
    }

    pub fn set_program(&mut self, kind: ProgramKind, program: Program) {
        let slot = match kind {
            ProgramKind::Extension => &mut self.programs.extension,
            ProgramKind::GuardExtension => &mut self.programs.guard_extension,
            ProgramKind::Guard => &mut self.programs.guard,
            ProgramKind::Registry => &mut self.programs.registry,
        };
        *slot = Some(program);
    }
}
