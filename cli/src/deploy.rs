//! `vigil deploy`: runs the plan against a chain, resuming from `deployments/<chainId>.json`
//! and from what the chain shows.
//!
//! Everything that can be checked without sending is checked first (key, config, wasm, chain
//! id, the record against the chain), so bad input changes nothing. Each transaction is signed
//! here, its hash written to the record as pending, then sent; its result is written as soon as
//! it is mined. A second run therefore never sends a step twice: a mined step is verified on
//! chain and skipped, a pending one is waited for (and re-sent only if the node has never seen
//! it).

use crate::abi::{
    ArbWasm, ICircuitGuard, IThreatRegistry, StylusDeployer, ARB_WASM, STYLUS_DEPLOYER,
};
use crate::chain::Chain;
use crate::config::{DeployConfig, Wei};
use crate::plan::{self, Step};
use crate::record::{Program, Record, StepStatus};
use crate::wasm::{ProgramKind, Wasm};
use crate::Error;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rpc_types_eth::TransactionReceipt;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use std::path::{Path, PathBuf};

pub struct Options {
    pub rpc_url: String,
    pub config: PathBuf,
    /// Where `vigil_guard.wasm`, `vigil_guard_extension.wasm`, `vigil_registry.wasm` and
    /// `vigil_registry_extension.wasm` are.
    pub wasm_dir: PathBuf,
    /// Where `<chainId>.json` is read and written.
    pub deployments: PathBuf,
    pub dry_run: bool,
    /// Stop once this many steps are mined: an interrupted deployment on purpose (tests, or an
    /// operator who wants to inspect each program before linking).
    pub stop_after: Option<usize>,
    /// Programs already deployed (by `cargo stylus deploy`, or by hand through the
    /// StylusDeployer), to be checked and recorded instead of deployed.
    pub adopt: Adopt,
}

/// The addresses of programs someone already deployed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Adopt {
    /// The registry's extension.
    pub extension: Option<Address>,
    pub guard_extension: Option<Address>,
    pub guard: Option<Address>,
    pub registry: Option<Address>,
}

impl Adopt {
    fn get(&self, kind: ProgramKind) -> Option<Address> {
        match kind {
            ProgramKind::Extension => self.extension,
            ProgramKind::GuardExtension => self.guard_extension,
            ProgramKind::Guard => self.guard,
            ProgramKind::Registry => self.registry,
        }
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every step mined; governance has only to accept the guard's ownership.
    Done(Record),
    /// Everything before the guard's handover is mined; its timelock ends at `due` (unix
    /// seconds), `left` seconds after the latest block.
    Waiting { record: Record, due: u64, left: u64 },
    /// Stopped by `stop_after`.
    Stopped(Record),
    /// `--dry-run`: the steps left and what they would cost; nothing sent.
    Planned(Vec<Planned>),
}

/// One step of a dry run.
#[derive(Debug)]
pub struct Planned {
    pub step: Step,
    /// None when the step calls a contract an earlier step deploys (or waits for the handover's
    /// timelock): the chain cannot simulate it yet.
    pub gas: Option<u64>,
    pub max_fee_per_gas: u128,
    pub data_fee: U256,
}

/// Runs (or with `dry_run`, plans) the deployment; `progress` receives a line per event.
pub async fn deploy(
    options: &Options,
    signer: PrivateKeySigner,
    progress: &mut dyn FnMut(String),
) -> Result<Outcome, Error> {
    let config = DeployConfig::load(&options.config)?;
    let wasms = ProgramKind::ALL
        .iter()
        .map(|&kind| Wasm::load(&options.wasm_dir, kind))
        .collect::<Result<Vec<_>, _>>()?;
    let chain = Chain::connect(&options.rpc_url, signer).await?;
    let chain_id = chain.chain_id().await?;
    let path = Record::path(&options.deployments, chain_id);
    let record = match Record::load(&path)? {
        Some(record) => {
            check_record(
                &record,
                &path,
                chain_id,
                chain.from,
                &config,
                &options.rpc_url,
            )?;
            record
        }
        None => Record::new(chain_id, chain.from, STYLUS_DEPLOYER, config),
    };
    if chain.code(STYLUS_DEPLOYER).await?.is_empty() {
        return Err(Error::NoStylusDeployer(STYLUS_DEPLOYER));
    }
    let mut run = Run {
        chain,
        wasms,
        record,
        path,
        done: Vec::new(),
    };
    run.adopt(&options.adopt).await?;
    run.verify().await?;
    // A dry run writes nothing; a real one records the adopted programs before its first step.
    if !options.dry_run
        && ProgramKind::ALL
            .iter()
            .any(|&k| options.adopt.get(k).is_some())
    {
        run.record.save(&run.path)?;
    }
    if options.dry_run {
        return run.plan().await.map(Outcome::Planned);
    }
    for step in Step::ALL {
        if run.mined(step) {
            continue;
        }
        let mined = run
            .record
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Mined);
        if options.stop_after.is_some_and(|n| mined.count() >= n) {
            return Ok(Outcome::Stopped(run.record));
        }
        if let Some((due, left)) = run.step(step, progress).await? {
            return Ok(Outcome::Waiting {
                record: run.record,
                due,
                left,
            });
        }
    }
    Ok(Outcome::Done(run.record))
}

/// The record must be this chain's, this deployer's and this config's: resuming anything else
/// would mix two deployments.
fn check_record(
    record: &Record,
    path: &Path,
    chain_id: u64,
    deployer: Address,
    config: &DeployConfig,
    url: &str,
) -> Result<(), Error> {
    if record.chain_id != chain_id {
        return Err(Error::WrongChain {
            path: path.to_owned(),
            recorded: record.chain_id,
            actual: chain_id,
            url: url.to_owned(),
        });
    }
    if record.deployer != deployer {
        return Err(Error::WrongDeployer {
            path: path.to_owned(),
            recorded: record.deployer,
            actual: deployer,
        });
    }
    let changed = |field| Error::ConfigChanged {
        path: path.to_owned(),
        field,
    };
    if record.config.governance != config.governance {
        return Err(changed("governance"));
    }
    if record.config.resolvers != config.resolvers {
        return Err(changed("resolvers"));
    }
    if record.config.params != config.params {
        return Err(changed("params"));
    }
    Ok(())
}

struct Run {
    chain: Chain,
    wasms: Vec<Wasm>,
    record: Record,
    path: PathBuf,
    /// Steps an adopted program had already taken before this deployment knew it (the guard
    /// linked, its handover scheduled or executed): done, with no transaction of ours.
    done: Vec<Step>,
}

impl Run {
    fn mined(&self, step: Step) -> bool {
        let adopted = match step {
            Step::Deploy(kind) => self.record.program(kind).is_some_and(|p| p.adopted),
            _ => false,
        };
        adopted
            || self.done.contains(&step)
            || self
                .record
                .step(step.name())
                .is_some_and(|s| s.status == StepStatus::Mined)
    }

    fn wasm(&self, kind: ProgramKind) -> &Wasm {
        &self.wasms[kind.index()]
    }

    fn address(&self, kind: ProgramKind) -> Option<Address> {
        self.record.program(kind).map(|p| p.address)
    }

    fn disagrees(&self, what: String, problem: String) -> Error {
        Error::ChainDisagrees {
            path: self.path.clone(),
            what,
            problem,
        }
    }

    /// Takes over the programs named in `adopt`: each must be this deployment's wasm, active at
    /// the chain's Stylus version, and fit with the others and with the config; then it is
    /// recorded as adopted, and what the adopted guard has already done (linked, handed over)
    /// is noted so only the remaining steps are sent. Nothing is sent or written here.
    async fn adopt(&mut self, adopt: &Adopt) -> Result<(), Error> {
        for kind in ProgramKind::ALL {
            let Some(address) = adopt.get(kind) else {
                continue;
            };
            match self.record.program(kind) {
                Some(p) if p.address == address => continue,
                Some(p) => {
                    return Err(Error::Adopt {
                        program: kind.name(),
                        address,
                        problem: format!(
                            "{} already records the {} at {}: drop {}, or use another \
                             --deployments directory",
                            self.path.display(),
                            kind.name(),
                            p.address,
                            kind.flag()
                        ),
                    })
                }
                None => {}
            }
            let program = self.adopted_program(kind, address).await?;
            self.record.set_program(kind, program);
        }
        if let Some(registry) = self.record.program(ProgramKind::Registry) {
            if registry.adopted {
                self.check_adopted_registry(registry.address).await?;
            }
        }
        if let Some(guard) = self.record.program(ProgramKind::Guard) {
            if guard.adopted {
                self.check_adopted_guard(guard.address).await?;
            }
        }
        Ok(())
    }

    /// The record of a program deployed by someone else, once its code and activation are
    /// checked. The activation's data fee comes from ArbWasm's ProgramActivated log when the
    /// node serves it (its transaction and block are not in the decoded log, so they stay
    /// absent).
    async fn adopted_program(&self, kind: ProgramKind, address: Address) -> Result<Program, Error> {
        let refuse = |problem: String| Error::Adopt {
            program: kind.name(),
            address,
            problem,
        };
        let code = self.chain.code(address).await?;
        if code.is_empty() {
            return Err(refuse(
                "there is no code there: check the address and --rpc-url".into(),
            ));
        }
        let wasm = self.wasm(kind);
        let onchain = keccak256(&code);
        if onchain != wasm.codehash {
            return Err(Error::WasmChanged {
                program: kind.name(),
                recorded: onchain,
                local: wasm.codehash,
            });
        }
        let current = self
            .chain
            .read(ARB_WASM, ArbWasm::stylusVersionCall {})
            .await?;
        let version = self
            .chain
            .read(ARB_WASM, ArbWasm::programVersionCall { program: address })
            .await;
        if version.as_ref().ok() != Some(&current) {
            return Err(refuse(format!(
                "it is not active at Stylus version {current}: run `cargo stylus activate \
                 --address {address}`, then adopt it again"
            )));
        }
        let fee = self
            .chain
            .logs::<ArbWasm::ProgramActivated>(ARB_WASM, 0, None)
            .await
            .ok()
            .and_then(|events| {
                events
                    .into_iter()
                    .rev()
                    .find(|e| e.program == address)
                    .map(|e| Wei(e.dataFee))
            });
        Ok(Program {
            address,
            codehash: wasm.codehash,
            wasm_sha256: wasm.sha256,
            wasm_size: wasm.size,
            stylus_version: current,
            activation_data_fee: fee,
            transaction: None,
            block: None,
            adopted: true,
        })
    }

    /// An adopted registry must be governance's, built with the config's parameters and
    /// resolvers, on the recorded guard and a working extension. The registry keeps its
    /// extension's address in storage with no view, so the link to a named extension cannot be
    /// read: `config()`, which only the extension serves (by DELEGATECALL), answering proves
    /// that the registry reaches a working extension of this build.
    async fn check_adopted_registry(&self, registry: Address) -> Result<(), Error> {
        let refuse = |problem: String| Error::Adopt {
            program: "registry",
            address: registry,
            problem,
        };
        let Some(guard) = self.address(ProgramKind::Guard) else {
            return Err(refuse(
                "a registry is adopted with the guard it links to: name it with --guard".into(),
            ));
        };
        if self.record.program(ProgramKind::Extension).is_none() {
            return Err(refuse(
                "a registry is adopted with the extension it was built on: name it with \
                 --extension"
                    .into(),
            ));
        }
        let config = self
            .chain
            .read(registry, IThreatRegistry::configCall {})
            .await
            .map_err(|e| {
                refuse(format!(
                    "it does not answer config(), which its extension serves ({e}): deploy the \
                     registry on an active extension"
                ))
            })?;
        let governance = self.record.config.governance;
        if config.owner != governance {
            return Err(refuse(format!(
                "its owner is {}, not the config's governance {governance}: adopt a registry \
                 built for this config, or deploy one",
                config.owner
            )));
        }
        if config.guard != guard {
            return Err(refuse(format!(
                "it is linked to the guard {}, not {guard}: adopt the guard it was built with",
                config.guard
            )));
        }
        let params = self
            .chain
            .read(registry, IThreatRegistry::paramsAtCall { version: 1 })
            .await?;
        if params.abi_encode() != self.record.config.params.to_abi().abi_encode() {
            return Err(refuse(
                "it was built with other parameters than the config's: deploy it again with \
                 the config's, or adopt the config it was built with"
                    .into(),
            ));
        }
        for &account in &self.record.config.resolvers {
            let yes = self
                .chain
                .read(registry, IThreatRegistry::isResolverCall { account })
                .await?;
            if !yes {
                return Err(refuse(format!(
                    "{account}, a resolver in the config, is not one of its resolvers"
                )));
            }
        }
        Ok(())
    }

    /// An adopted guard must reach a working extension: as for the registry, the guard keeps its
    /// extension's address with no view, and `guardConfig()`, which only the extension serves,
    /// answering is the proof. One still owned by the deploying key is linked and handed over
    /// here; one already linked (or handed over) must be linked to the recorded registry (and
    /// handed to the config's governance). Those steps it has taken are marked done.
    async fn check_adopted_guard(&mut self, guard: Address) -> Result<(), Error> {
        let refuse = |problem: String| Error::Adopt {
            program: "guard",
            address: guard,
            problem,
        };
        if self.record.program(ProgramKind::GuardExtension).is_none() {
            return Err(refuse(
                "a guard is adopted with the extension it was built on: name it with \
                 --guard-extension"
                    .into(),
            ));
        }
        let config = self
            .chain
            .read(guard, ICircuitGuard::guardConfigCall {})
            .await
            .map_err(|e| {
                refuse(format!(
                    "it does not answer guardConfig(), which its extension serves ({e}): deploy \
                     the guard on an active extension"
                ))
            })?;
        let registry = self.address(ProgramKind::Registry);
        let governance = self.record.config.governance;
        if config.registry != Address::ZERO {
            if Some(config.registry) != registry {
                return Err(refuse(format!(
                    "it is linked to the registry {}: adopt that registry with --registry",
                    config.registry
                )));
            }
            self.done.push(Step::LinkGuard);
        }
        let handed = config.owner == governance || config.pendingOwner == governance;
        if handed {
            if config.registry == Address::ZERO {
                return Err(refuse(format!(
                    "it is already handed to governance {governance} but not linked to a \
                     registry: governance must call setRegistry"
                )));
            }
            self.done.push(Step::ScheduleHandover);
            self.done.push(Step::Handover);
            return Ok(());
        }
        if config.owner != self.chain.from {
            return Err(refuse(format!(
                "its owner is {}, not the deploying key {}: it must still link the registry \
                 and hand the guard over, so deploy with the owner's key",
                config.owner, self.chain.from
            )));
        }
        let id = plan::handover_id(governance);
        let due = self
            .chain
            .read(guard, ICircuitGuard::scheduledAtCall { id })
            .await?;
        if due != 0 && !self.mined(Step::ScheduleHandover) {
            self.done.push(Step::ScheduleHandover);
            self.record.handover_due = Some(due);
        }
        Ok(())
    }

    /// Checks every mined step against the chain: each program's code, codehash and activation,
    /// and each link and handover.
    async fn verify(&self) -> Result<(), Error> {
        let governance = self.record.config.governance;
        for kind in ProgramKind::ALL {
            let Some(program) = self.record.program(kind) else {
                continue;
            };
            let what = format!("the {} is at {}", kind.name(), program.address);
            let code = self.chain.code(program.address).await?;
            if code.is_empty() {
                return Err(self.disagrees(what, "no code there".into()));
            }
            if keccak256(&code) != program.codehash {
                return Err(self.disagrees(what, "its codehash differs".into()));
            }
            let local = self.wasm(kind).codehash;
            if local != program.codehash {
                return Err(Error::WasmChanged {
                    program: kind.name(),
                    recorded: program.codehash,
                    local,
                });
            }
            let version = self
                .chain
                .read(
                    ARB_WASM,
                    ArbWasm::programVersionCall {
                        program: program.address,
                    },
                )
                .await
                .map_err(|e| self.disagrees(what.clone(), format!("not active: {e}")))?;
            if version != program.stylus_version {
                return Err(self.disagrees(
                    what,
                    format!(
                        "active at Stylus version {version}, recorded {}",
                        program.stylus_version
                    ),
                ));
            }
        }
        if let (Some(registry), Some(guard)) = (
            self.address(ProgramKind::Registry),
            self.address(ProgramKind::Guard),
        ) {
            // config() is served by the extension program: an answer proves the link too.
            let config = self
                .chain
                .read(registry, IThreatRegistry::configCall {})
                .await?;
            if config.guard != guard || config.owner != governance {
                return Err(self.disagrees(
                    format!("the registry at {registry} is governance's, linked to {guard}"),
                    format!("owner {}, guard {}", config.owner, config.guard),
                ));
            }
        }
        let Some(guard) = self.address(ProgramKind::Guard) else {
            return Ok(());
        };
        // guardConfig() is served by the guard's extension: an answer proves that link too.
        let config = self
            .chain
            .read(guard, ICircuitGuard::guardConfigCall {})
            .await
            .map_err(|e| {
                self.disagrees(
                    format!("the guard at {guard} reaches its extension"),
                    format!("guardConfig() fails: {e}"),
                )
            })?;
        if self.mined(Step::LinkGuard)
            && Some(config.registry) != self.address(ProgramKind::Registry)
        {
            return Err(self.disagrees(
                format!("the guard at {guard} is linked to the registry"),
                format!("its registry is {}", config.registry),
            ));
        }
        let handed = config.pendingOwner == governance || config.owner == governance;
        if self.mined(Step::Handover) && !handed {
            return Err(self.disagrees(
                format!("the guard at {guard} was handed to {governance}"),
                format!(
                    "owner {}, pending owner {}",
                    config.owner, config.pendingOwner
                ),
            ));
        }
        Ok(())
    }

    /// The programs' addresses as the record has them.
    fn addresses(&self) -> [Address; 4] {
        ProgramKind::ALL.map(|kind| self.address(kind).unwrap_or_default())
    }

    /// The call a step sends, given the programs' addresses (the registry's extension, the
    /// guard's extension, the guard, the registry): (to, input, value).
    async fn call(
        &self,
        step: Step,
        [extension, guard_extension, guard, registry]: [Address; 4],
    ) -> Result<(Address, Bytes, U256), Error> {
        let governance = self.record.config.governance;
        Ok(match step {
            Step::Deploy(kind) => {
                let wasm = self.wasm(kind);
                let init = plan::constructor_data(
                    kind,
                    &self.record.config,
                    self.chain.from,
                    extension,
                    guard_extension,
                    guard,
                );
                let fee = self
                    .chain
                    .activation_fee(wasm.codehash, wasm.code.clone())
                    .await?;
                let input = StylusDeployer::deployCall {
                    bytecode: wasm.initcode.clone().into(),
                    initData: init,
                    initValue: U256::ZERO,
                    salt: B256::ZERO,
                };
                // A fifth more than the simulated fee, as cargo-stylus bumps it: the fee may rise
                // before inclusion, and the StylusDeployer refunds what is left.
                (
                    STYLUS_DEPLOYER,
                    input.abi_encode().into(),
                    fee + fee / U256::from(5),
                )
            }
            Step::LinkGuard => (guard, plan::link_call(registry), U256::ZERO),
            Step::ScheduleHandover => (guard, plan::schedule_call(governance), U256::ZERO),
            Step::Handover => (guard, plan::execute_call(governance), U256::ZERO),
        })
    }

    /// Runs one step to its mined receipt; returns the handover's due time and the seconds left
    /// instead when its timelock has not ended.
    async fn step(
        &mut self,
        step: Step,
        progress: &mut dyn FnMut(String),
    ) -> Result<Option<(u64, u64)>, Error> {
        let name = step.name();
        if let Some(pending) = self.record.step(name).map(|s| s.transaction) {
            if self.chain.known(pending).await? {
                progress(format!(
                    "{name}: waiting for {pending}, sent by an earlier run"
                ));
                let receipt = self.chain.wait(pending).await?;
                return self.mined_receipt(step, receipt).await.map(|()| None);
            }
            progress(format!(
                "{name}: {pending} never reached the node; sending again"
            ));
        }
        if step == Step::Handover {
            let due = self.record.handover_due.unwrap_or_default();
            let now = self.chain.now().await?;
            if now < due {
                return Ok(Some((due, due - now)));
            }
        }
        let (to, input, value) = self.call(step, self.addresses()).await?;
        let prepared = self.chain.prepare(name, to, input, value).await?;
        let (envelope, hash) = self.chain.sign(prepared, self.record.chain_id).await?;
        self.record.set_pending(name, hash);
        self.record.save(&self.path)?;
        progress(format!("{name}: {}; sent {hash}, waiting", step.describe()));
        self.chain.send(envelope).await?;
        let receipt = self.chain.wait(hash).await?;
        self.mined_receipt(step, receipt).await.map(|()| None)
    }

    /// Records a mined step; a reverted one is dropped from the record (a rerun retries it) and
    /// reported.
    async fn mined_receipt(
        &mut self,
        step: Step,
        receipt: TransactionReceipt,
    ) -> Result<(), Error> {
        let name = step.name();
        let tx = receipt.transaction_hash;
        if !receipt.status() {
            self.record.steps.retain(|s| s.step != name);
            self.record.save(&self.path)?;
            return Err(Error::Reverted { step: name, tx });
        }
        let block = receipt.block_number.unwrap_or_default();
        match step {
            Step::Deploy(kind) => {
                let program = self.deployed(kind, &receipt).await?;
                self.record.set_program(kind, program);
            }
            Step::ScheduleHandover => {
                let guard = self.address(ProgramKind::Guard).unwrap_or_default();
                let id = plan::handover_id(self.record.config.governance);
                let due = self
                    .chain
                    .read(guard, ICircuitGuard::scheduledAtCall { id })
                    .await?;
                self.record.handover_due = Some(due);
            }
            Step::LinkGuard | Step::Handover => {}
        }
        self.record.set_mined(name, tx, block, receipt.gas_used);
        self.record.save(&self.path)
    }

    /// The program a StylusDeployer receipt deployed: its address from `ContractDeployed`, its
    /// data fee and version from ArbWasm's `ProgramActivated` (absent when the same code was
    /// already active: no fee, and the version is asked).
    async fn deployed(
        &self,
        kind: ProgramKind,
        receipt: &TransactionReceipt,
    ) -> Result<Program, Error> {
        let name = kind.name();
        let tx = receipt.transaction_hash;
        let logs = receipt.inner.logs();
        let address = logs
            .iter()
            .filter(|l| l.address() == STYLUS_DEPLOYER)
            .find_map(|l| StylusDeployer::ContractDeployed::decode_log_data(l.data()).ok())
            .map(|e| e.deployedContract)
            .ok_or(Error::MissingLog {
                step: name,
                tx,
                what: "StylusDeployer.ContractDeployed",
            })?;
        let activated = logs
            .iter()
            .filter(|l| l.address() == ARB_WASM)
            .filter_map(|l| ArbWasm::ProgramActivated::decode_log_data(l.data()).ok())
            .find(|e| e.program == address);
        let (fee, version) = match activated {
            Some(e) => (e.dataFee, e.version),
            None => {
                let version = self
                    .chain
                    .read(ARB_WASM, ArbWasm::programVersionCall { program: address })
                    .await?;
                (U256::ZERO, version)
            }
        };
        let wasm = self.wasm(kind);
        Ok(Program {
            address,
            codehash: wasm.codehash,
            wasm_sha256: wasm.sha256,
            wasm_size: wasm.size,
            stylus_version: version,
            activation_data_fee: Some(Wei(fee)),
            transaction: Some(tx),
            block: receipt.block_number,
            adopted: false,
        })
    }

    /// The steps left, each estimated through the chain's own simulation when it can be: the
    /// program deployments (through the StylusDeployer, with the activation's data fee from
    /// ArbWasm's simulation; the registry's constructor is given the addresses the
    /// StylusDeployer will create), except the guard's before its extension is on chain (its
    /// constructor runs there), and the guard's calls once the guard exists.
    async fn plan(&self) -> Result<Vec<Planned>, Error> {
        let mut next = self.chain.nonce(STYLUS_DEPLOYER).await?;
        let mut addresses = self.addresses();
        let exists = |kind| self.record.program(kind).is_some();
        let guard_exists = exists(ProgramKind::Guard);
        let mut planned = Vec::new();
        for step in Step::ALL {
            if self.mined(step) {
                continue;
            }
            let estimable = match step {
                Step::Deploy(ProgramKind::Guard) => exists(ProgramKind::GuardExtension),
                Step::Deploy(_) => true,
                Step::LinkGuard | Step::ScheduleHandover => guard_exists,
                Step::Handover => false,
            };
            let mut entry = Planned {
                step,
                gas: None,
                max_fee_per_gas: 0,
                data_fee: U256::ZERO,
            };
            if estimable {
                let (to, input, value) = self.call(step, addresses).await?;
                let prepared = self.chain.prepare(step.name(), to, input, value).await?;
                entry.gas = Some(prepared.gas);
                entry.max_fee_per_gas = prepared.max_fee_per_gas;
                entry.data_fee = value;
            }
            if let Step::Deploy(kind) = step {
                addresses[kind.index()] = STYLUS_DEPLOYER.create(next);
                next += 1;
            }
            planned.push(entry);
        }
        Ok(planned)
    }
}
