//! `vigil deploy --extension/--guard-extension/--guard/--registry`: programs deployed the way
//! `cargo stylus deploy`
//! deploys them on Arbitrum (signed here and sent raw), then adopted by the binary, which sends
//! only the steps left; and programs that are not what the deployment would have made, refused
//! with nothing sent and nothing written.

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use vigil_cli::abi::{ArbWasm, ICircuitGuard, StylusDeployer, ARB_WASM, STYLUS_DEPLOYER};
use vigil_cli::chain::Chain;
use vigil_cli::config::DeployConfig;
use vigil_cli::keys::parse_key;
use vigil_cli::record::{Record, StepStatus};
use vigil_cli::wasm::{ProgramKind, Wasm};
use vigil_node::Running;

mod common;
use common::{dev_key, mined, start_node, text, vigil_deploy, warp, wasm_dir, Scratch};

const GOVERNANCE: Address = Address::repeat_byte(0x5a);
const RESOLVER: Address = Address::repeat_byte(0x0c);
/// The guard's timelock (contracts/guard: DEFAULT_DELAY).
const GUARD_DELAY: u64 = 2 * 86_400;

/// What a developer with cargo-stylus 0.10.10 sends, signed by the dev key and sent raw.
struct CargoStylus {
    provider: DynProvider,
    chain: Chain,
    wasm: PathBuf,
}

impl CargoStylus {
    async fn new(node: &Running, wasm: PathBuf) -> Self {
        let signer = parse_key(&dev_key()).unwrap();
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(node.http_url().parse().unwrap())
            .erased();
        let chain = Chain::connect(&node.http_url(), signer).await.unwrap();
        CargoStylus {
            provider,
            chain,
            wasm,
        }
    }

    async fn send(&self, request: TransactionRequest) -> TransactionReceipt {
        mined(&self.provider, request.with_from(self.chain.from)).await
    }

    /// The activation's data fee and a fifth more, as cargo-stylus bumps it (the rest refunded).
    async fn fee(&self, wasm: &Wasm) -> U256 {
        let fee = self
            .chain
            .activation_fee(wasm.codehash, wasm.code.clone())
            .await
            .unwrap();
        fee + fee / U256::from(5)
    }

    /// `cargo stylus deploy --no-activate`: a CREATE of the init code.
    async fn create(&self, kind: ProgramKind) -> Address {
        let wasm = Wasm::load(&self.wasm, kind).unwrap();
        let receipt = self
            .send(TransactionRequest::default().with_deploy_code(wasm.initcode.clone()))
            .await;
        receipt.contract_address.expect("a created program")
    }

    /// `cargo stylus activate --address`: ArbWasm.activateProgram with the data fee.
    async fn activate(&self, kind: ProgramKind, program: Address) {
        let wasm = Wasm::load(&self.wasm, kind).unwrap();
        let call = ArbWasm::activateProgramCall { program };
        self.send(
            TransactionRequest::default()
                .with_to(ARB_WASM)
                .with_input(call.abi_encode())
                .with_value(self.fee(&wasm).await),
        )
        .await;
    }

    /// `cargo stylus deploy --constructor-args ...`: StylusDeployer.deploy(initcode,
    /// stylus_constructor selector ++ args, 0, salt 0) with the activation's fee.
    async fn deploy(&self, kind: ProgramKind, args: Vec<u8>) -> Address {
        let wasm = Wasm::load(&self.wasm, kind).unwrap();
        let mut init = keccak256(b"stylus_constructor()")[..4].to_vec();
        init.extend_from_slice(&args);
        let call = StylusDeployer::deployCall {
            bytecode: wasm.initcode.clone().into(),
            initData: Bytes::from(init),
            initValue: U256::ZERO,
            salt: B256::ZERO,
        };
        let receipt = self
            .send(
                TransactionRequest::default()
                    .with_to(STYLUS_DEPLOYER)
                    .with_input(call.abi_encode())
                    .with_value(self.fee(&wasm).await),
            )
            .await;
        receipt
            .inner
            .logs()
            .iter()
            .find_map(|l| StylusDeployer::ContractDeployed::decode_log_data(l.data()).ok())
            .expect("ContractDeployed")
            .deployedContract
    }

    /// A guard owned by `owner`, built on the guard's extension at `extension`.
    async fn guard(&self, owner: Address, extension: Address) -> Address {
        self.deploy(ProgramKind::Guard, (owner, extension).abi_encode_params())
            .await
    }

    async fn registry(&self, config: &DeployConfig, extension: Address, guard: Address) -> Address {
        let args = (
            config.governance,
            config.params.to_abi(),
            extension,
            guard,
            config.resolvers.clone(),
        )
            .abi_encode_params();
        self.deploy(ProgramKind::Registry, args).await
    }

    /// An extension (`ProgramKind::Extension`, the registry's, or `GuardExtension`): created,
    /// then activated (it has no constructor).
    async fn extension(&self, kind: ProgramKind) -> Address {
        let extension = self.create(kind).await;
        self.activate(kind, extension).await;
        extension
    }

    async fn nonce(&self) -> u64 {
        self.chain.nonce(self.chain.from).await.unwrap()
    }
}

/// `vigil deploy` with `extra` after its usual flags, signed by the dev key.
fn vigil(url: &str, config: &Path, deployments: &Path, wasm: &Path, extra: &[String]) -> Output {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    vigil_deploy(url, config, deployments, wasm, Some(&dev_key()), &extra)
}

fn adopt_args(
    extension: Address,
    guard_extension: Address,
    guard: Address,
    registry: Address,
) -> Vec<String> {
    vec![
        "--extension".into(),
        extension.to_string(),
        "--guard-extension".into(),
        guard_extension.to_string(),
        "--guard".into(),
        guard.to_string(),
        "--registry".into(),
        registry.to_string(),
    ]
}

fn load(deployments: &Path) -> Option<Record> {
    Record::load(&Record::path(
        deployments,
        vigil_node::server::DEFAULT_CHAIN_ID,
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn programs_deployed_as_cargo_stylus_does_are_adopted_and_only_linked_and_handed_over() {
    let wasm = wasm_dir();
    let node = start_node().await;
    let scratch = Scratch::new("adopt-adopted");
    let (config_path, deployments) = (scratch.config(GOVERNANCE, RESOLVER), scratch.deployments());
    let config = DeployConfig::load(&config_path).unwrap();
    let url = node.http_url();
    let tools = CargoStylus::new(&node, wasm.clone()).await;
    let extension = tools.extension(ProgramKind::Extension).await;
    let guard_extension = tools.extension(ProgramKind::GuardExtension).await;
    let guard = tools.guard(tools.chain.from, guard_extension).await;
    let registry = tools.registry(&config, extension, guard).await;
    let args = adopt_args(extension, guard_extension, guard, registry);
    let nonce = tools.nonce().await;

    // The dry run plans only the guard's steps, and neither sends nor writes.
    let mut dry = args.clone();
    dry.push("--dry-run".into());
    let planned = vigil(&url, &config_path, &deployments, &wasm, &dry);
    assert!(planned.status.success(), "{}", text(&planned));
    let out = String::from_utf8_lossy(&planned.stdout);
    let steps: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| {
            [
                "extension",
                "guardExtension",
                "guard",
                "registry",
                "linkGuard",
                "scheduleHandover",
                "handover",
            ]
            .contains(w)
        })
        .collect();
    assert_eq!(
        steps,
        ["linkGuard", "scheduleHandover", "handover"],
        "{out}"
    );
    assert_eq!(tools.nonce().await, nonce);
    assert!(load(&deployments).is_none());

    // setRegistry and the handover's schedule, then the handover once the timelock has run.
    let first = vigil(&url, &config_path, &deployments, &wasm, &args);
    assert!(first.status.success(), "{}", text(&first));
    assert_eq!(tools.nonce().await, nonce + 2);
    warp(&node, GUARD_DELAY + 60).await;
    let last = vigil(&url, &config_path, &deployments, &wasm, &args);
    assert!(last.status.success(), "{}", text(&last));
    assert_eq!(tools.nonce().await, nonce + 3);

    let record = load(&deployments).expect("a record");
    let names: Vec<&str> = record.steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(names, ["linkGuard", "scheduleHandover", "handover"]);
    assert!(record.steps.iter().all(|s| s.status == StepStatus::Mined));
    // Deterministic on the devnet: all that adoption costs.
    let gas: Vec<u64> = record.steps.iter().map(|s| s.gas_used.unwrap()).collect();
    assert_eq!(gas, [70_492, 86_680, 87_343]);
    for (kind, address) in [
        (ProgramKind::Extension, extension),
        (ProgramKind::GuardExtension, guard_extension),
        (ProgramKind::Guard, guard),
        (ProgramKind::Registry, registry),
    ] {
        let program = record.program(kind).expect("recorded");
        let local = Wasm::load(&wasm, kind).unwrap();
        assert_eq!(program.address, address);
        assert!(program.adopted);
        assert_eq!(program.codehash, local.codehash);
        assert_eq!(program.wasm_sha256, local.sha256);
        assert_eq!((program.transaction, program.block), (None, None));
        assert!(
            program
                .activation_data_fee
                .is_some_and(|fee| fee.0 > U256::ZERO),
            "the activation's ProgramActivated log gives its data fee"
        );
    }
    let file = Record::path(&deployments, record.chain_id);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(json["programs"]["guard"]["adopted"], Value::Bool(true));
    assert!(json["programs"]["guard"].get("transaction").is_none());

    let guard_config = tools
        .chain
        .read(guard, ICircuitGuard::guardConfigCall {})
        .await
        .unwrap();
    assert_eq!(guard_config.registry, registry);
    assert_eq!(guard_config.pendingOwner, GOVERNANCE);

    // Run again, with or without the addresses: nothing is sent.
    for extra in [args.clone(), Vec::new()] {
        let again = vigil(&url, &config_path, &deployments, &wasm, &extra);
        assert!(again.status.success(), "{}", text(&again));
        assert_eq!(tools.nonce().await, nonce + 3);
    }
    assert_eq!(load(&deployments), Some(record));
    node.stop().await.unwrap();
}

/// Runs the adoption expecting a refusal whose message contains `expected`; nothing is sent
/// and no record written.
async fn refused(
    tools: &CargoStylus,
    url: &str,
    scratch: &Scratch,
    args: &[String],
    expected: &str,
) {
    let nonce = tools.nonce().await;
    let output = vigil(
        url,
        &scratch.config(GOVERNANCE, RESOLVER),
        &scratch.deployments(),
        &tools.wasm,
        args,
    );
    assert!(!output.status.success(), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(expected), "{}", text(&output));
    assert_eq!(tools.nonce().await, nonce);
    assert!(load(&scratch.deployments()).is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn programs_that_are_not_what_the_deployment_would_make_are_refused_with_nothing_sent() {
    let wasm = wasm_dir();
    let node = start_node().await;
    let scratch = Scratch::new("adopt-refused");
    let config = DeployConfig::load(&scratch.config(GOVERNANCE, RESOLVER)).unwrap();
    let url = node.http_url();
    let tools = CargoStylus::new(&node, wasm).await;
    // A program deployed but not activated (before any program of its code is: activation is
    // per codehash).
    let inactive = tools.create(ProgramKind::Extension).await;
    let args = vec!["--extension".into(), inactive.to_string()];
    refused(
        &tools,
        &url,
        &scratch,
        &args,
        "cargo stylus activate --address",
    )
    .await;

    let extension = tools.extension(ProgramKind::Extension).await;
    let guard_extension = tools.extension(ProgramKind::GuardExtension).await;
    let guard = tools.guard(tools.chain.from, guard_extension).await;

    // A registry built with other parameters.
    let mut other = config.clone();
    other.params.min_stake.0 += U256::from(1);
    let registry = tools.registry(&other, extension, guard).await;
    let args = adopt_args(extension, guard_extension, guard, registry);
    refused(&tools, &url, &scratch, &args, "built with other parameters").await;

    // A registry without the guard it links to.
    let lone = vec![
        "--extension".into(),
        extension.to_string(),
        "--registry".into(),
        registry.to_string(),
    ];
    refused(&tools, &url, &scratch, &lone, "name it with --guard").await;

    // A guard without the extension it was built on.
    let args = vec!["--guard".into(), guard.to_string()];
    refused(
        &tools,
        &url,
        &scratch,
        &args,
        "name it with --guard-extension",
    )
    .await;

    // A guard owned by someone else.
    let foreign = tools
        .guard(Address::repeat_byte(0x42), guard_extension)
        .await;
    let args = vec![
        "--guard-extension".into(),
        guard_extension.to_string(),
        "--guard".into(),
        foreign.to_string(),
    ];
    refused(&tools, &url, &scratch, &args, "not the deploying key").await;

    // An address without code.
    let args = vec!["--extension".into(), Address::repeat_byte(0x77).to_string()];
    refused(&tools, &url, &scratch, &args, "there is no code there").await;

    // Another program's code where the guard should be, and the registry's extension where the
    // guard's should be.
    let args = vec!["--guard".into(), extension.to_string()];
    refused(&tools, &url, &scratch, &args, "the wasm of guard changed").await;
    let args = vec!["--guard-extension".into(), extension.to_string()];
    refused(
        &tools,
        &url,
        &scratch,
        &args,
        "the wasm of guardExtension changed",
    )
    .await;
    node.stop().await.unwrap();
}
