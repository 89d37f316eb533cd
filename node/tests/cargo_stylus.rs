//! The real `cargo stylus` (the pinned release script/setup-stylus.sh installs) and cast against
//! the node, the way a developer deploys Vigil to it: check, deploy without activation then
//! activate (the two extensions), the guard, the registry and the Stylus example vault through the
//! predeployed StylusDeployer with their constructors, the wiring and an emergency flag with cast, the cache
//! manager, and a withdraw the guard refuses with `CallerFlagged`, traced hostio by hostio.
//!
//! cargo-stylus 0.10.10 reads `--constructor-signature`/`--constructor-args` only on its crate
//! route, which builds the program itself (plain `cargo build --release`, without
//! build-contracts.sh's build-std and wasm-opt: other bytes than the ones the project tests and
//! measures) and needs a `Stylus.toml` in each crate. On the `--wasm-file` route it deploys with a
//! plain CREATE and never calls the constructor. So the programs with constructors go through
//! `StylusDeployer.deploy` with `cast send`: the one transaction cargo-stylus sends on its crate
//! route (deploy, activate, constructor), with the same init code.

mod common;

use alloy_primitives::{address, hex, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolValue};
use common::*;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use vigil_devnet::artifacts::{build_wasm, target_dir};
use vigil_devnet::genesis::STYLUS_DEPLOYER;
use vigil_devnet::stylus::activation::compress;
use vigil_devnet::system::{
    address_subject, params, withdraw_selector, ICircuitGuard, IThreatRegistry, DAY,
};
use vigil_node::accounts::{DevAccounts, NITRO_DEV_KEY};
use vigil_node::Running;

sol! {
    interface ArbWasm {
        function stylusVersion() external view returns (uint16 version);
        function programVersion(address program) external view returns (uint16 version);
    }
    interface ArbWasmCache {
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }
    error ProgramNotActivated();
}

const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");

/// topic0 of `StylusDeployer.ContractDeployed(address)`.
const CONTRACT_DEPLOYED: &str =
    "0x8ffcdc15a283d706d38281f500270d8b5a656918f555de0913d7455e3e6bc1bf";

/// The tools of one test: the pinned cargo-stylus, foundry's cast and forge, and the directories
/// they run in.
struct Tools {
    endpoint: String,
    cargo_stylus: PathBuf,
    cast: PathBuf,
    /// cargo-stylus 0.10.10 asks `cargo metadata` for a Stylus workspace (a `Stylus.toml` at its
    /// root) even with `--wasm-file`: an empty one, so no crate of ours is built.
    stylus_workspace: PathBuf,
    /// HOME of cast and forge (foundry's selector cache lives there).
    home: PathBuf,
    /// Holds the two directories above; removed with the tools.
    scratch: PathBuf,
}

impl Drop for Tools {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

impl Tools {
    fn new(node: &Running) -> Self {
        let cargo_stylus = target_dir().join("tools/bin/cargo-stylus");
        assert!(
            cargo_stylus.exists(),
            "{} is missing: run script/setup-stylus.sh",
            cargo_stylus.display()
        );
        let scratch =
            std::env::temp_dir().join(format!("vigil-node-cargo-stylus-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let stylus_workspace = scratch.join("workspace");
        let home = scratch.join("home");
        std::fs::create_dir_all(&stylus_workspace).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            stylus_workspace.join("Cargo.toml"),
            "[workspace]\nmembers = []\n",
        )
        .unwrap();
        std::fs::write(
            stylus_workspace.join("Stylus.toml"),
            "[workspace.networks]\n",
        )
        .unwrap();
        Tools {
            endpoint: node.http_url(),
            cargo_stylus,
            cast: npm_tool("cast"),
            stylus_workspace,
            home,
            scratch,
        }
    }

    /// `cargo stylus <args> --endpoint <node>`; returns stdout and stderr together, colours
    /// removed (it logs to both), and panics unless it succeeds.
    async fn stylus(&self, args: &[&str]) -> String {
        let mut command = Command::new(&self.cargo_stylus);
        command
            .arg("stylus")
            .args(args)
            .args(["--endpoint", &self.endpoint])
            .current_dir(&self.stylus_workspace);
        let (success, stdout, stderr) = run(command).await;
        assert!(
            success,
            "cargo stylus {args:?}\nstdout: {stdout}\nstderr: {stderr}"
        );
        format!("{stdout}\n{stderr}")
    }

    /// `cast <subcommand> --rpc-url <node> <args...>`: stdout on success; when `fails`, it must
    /// fail and its stderr is returned.
    async fn cast(&self, args: &[&str], fails: bool) -> String {
        let mut command = Command::new(&self.cast);
        // Right after the subcommand: `--create CODE [ARGS]...` takes everything after it.
        command
            .arg(args[0])
            .args(["--rpc-url", &self.endpoint])
            .args(&args[1..])
            .env("HOME", &self.home);
        let (success, stdout, stderr) = run(command).await;
        assert_eq!(
            success, !fails,
            "cast {args:?}\nstdout: {stdout}\nstderr: {stderr}"
        );
        if fails {
            stderr
        } else {
            stdout
        }
    }

    /// `cast send --private-key <dev> --json <args...>`: the receipt, which must say success.
    async fn send(&self, args: &[&str]) -> Value {
        let key = hex::encode_prefixed(NITRO_DEV_KEY);
        let mut full = vec!["send", "--private-key", &key, "--json"];
        full.extend_from_slice(args);
        let receipt: Value = serde_json::from_str(&self.cast(&full, false).await).unwrap();
        assert_eq!(receipt["status"], "0x1", "cast send {args:?}: {receipt}");
        receipt
    }

    /// Deploys `wasm` through the StylusDeployer in one `cast send` (deploy, activate, then the
    /// constructor with `ctor_args`); returns the program's address from `ContractDeployed`.
    async fn deploy_with_constructor(&self, wasm: &[u8], ctor_args: &[u8]) -> Address {
        let mut init_data = keccak256(b"stylus_constructor()")[..4].to_vec();
        init_data.extend_from_slice(ctor_args);
        let receipt = self
            .send(&[
                "--value",
                // Well above the activation's data fee: the deployer refunds the excess.
                "0.01ether",
                &STYLUS_DEPLOYER.to_string(),
                "deploy(bytes,bytes,uint256,bytes32)",
                &hex::encode_prefixed(initcode(wasm)),
                &hex::encode_prefixed(init_data),
                "0",
                &B256::ZERO.to_string(),
            ])
            .await;
        let log = receipt["logs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|log| log["topics"][0] == CONTRACT_DEPLOYED)
            .unwrap_or_else(|| panic!("no ContractDeployed log: {receipt}"));
        let data = hex::decode(log["data"].as_str().unwrap()).unwrap();
        Address::from_slice(&data[12..32])
    }
}

async fn run(mut command: Command) -> (bool, String, String) {
    command.env("NO_COLOR", "1");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run the tool");
    let text = |bytes: &[u8]| strip_ansi(String::from_utf8_lossy(bytes).trim());
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

/// cargo-stylus colours its logs whatever NO_COLOR says.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The init code cargo-stylus deploys a program with (stylus-rpc.md §6): copy the compressed
/// runtime that follows a 43-byte prelude and return it.
fn initcode(wasm: &[u8]) -> Vec<u8> {
    let runtime = compress(wasm).expect("compress the wasm");
    let mut code = vec![0x7f];
    code.extend_from_slice(&U256::from(runtime.len()).to_be_bytes::<32>());
    code.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    code.extend_from_slice(&runtime);
    code
}

/// The address after "deployed code at address: " in cargo-stylus's log.
fn deployed_address(log: &str) -> Address {
    let rest = log
        .split("deployed code at address: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no deployed address in: {log}"));
    rest[..42].parse().unwrap()
}

/// `eth_call` of `call` on `to` at latest: the decoded return, or the raw error response.
async fn read<C: SolCall>(node: &Running, to: Address, call: C) -> Result<C::Return, Value> {
    let input = Bytes::from(call.abi_encode());
    let response = rpc(
        node,
        "eth_call",
        json!([{"to": to, "input": input}, "latest"]),
    )
    .await;
    match response["result"].as_str() {
        Some(out) => Ok(C::abi_decode_returns(&hex::decode(out).unwrap()).unwrap()),
        None => Err(response),
    }
}

async fn code(node: &Running, at: Address) -> Vec<u8> {
    let response = rpc(node, "eth_getCode", json!([at, "latest"])).await;
    hex::decode(response["result"].as_str().unwrap()).unwrap()
}

/// Every hostio of a cargo-stylus trace, frames flattened in call order.
fn hostios(frames: &Value, out: &mut Vec<Value>) {
    for frame in frames.as_array().expect("a trace is an array") {
        out.push(frame.clone());
        if let Some(steps) = frame.get("steps") {
            hostios(steps, out);
        }
    }
}

/// `cargo stylus deploy --no-activate` of a program without a constructor, which leaves it
/// unusable, then `cargo stylus activate`; returns its address.
async fn deploy_then_activate(node: &Running, tools: &Tools, file: &str) -> Address {
    let key = hex::encode_prefixed(NITRO_DEV_KEY);
    let deployed = tools
        .stylus(&[
            "deploy",
            "--no-verify",
            "--no-activate",
            "--wasm-file",
            file,
            "--private-key",
            &key,
        ])
        .await;
    let program = deployed_address(&deployed);
    assert_eq!(&code(node, program).await[..4], &[0xef, 0xf0, 0x00, 0x00]);
    let inactive = read(node, ARB_WASM, ArbWasm::programVersionCall { program })
        .await
        .expect_err("not activated yet");
    assert_eq!(inactive["error"]["code"], 3, "{inactive}");
    assert_eq!(
        inactive["error"]["data"],
        hex::encode_prefixed(ProgramNotActivated::SELECTOR)
    );
    let activated = tools
        .stylus(&[
            "activate",
            "--address",
            &program.to_string(),
            "--private-key",
            &key,
        ])
        .await;
    assert!(
        activated.contains("successfully activated contract"),
        "{activated}"
    );
    program
}

#[tokio::test(flavor = "multi_thread")]
async fn cargo_stylus_and_cast_deploy_vigil_and_the_guard_refuses_a_flagged_caller() {
    // The bytes and the file of each program, built by script/build-contracts.sh.
    let built = |package: &str| {
        let wasm = build_wasm(&workspace(), package).expect("build the program");
        let file = target_dir().join(format!("wasm/{}.wasm", package.replace('-', "_")));
        (wasm, file.to_string_lossy().into_owned())
    };
    let (guard_wasm, guard_file) = built("vigil-guard");
    let (registry_wasm, registry_file) = built("vigil-registry");
    let (_, extension_file) = built("vigil-registry-extension");
    let (_, guard_extension_file) = built("vigil-guard-extension");
    let (vault_wasm, _) = built("vigil-example-stylus-vault");

    let node = node().await;
    let tools = Tools::new(&node);
    let dev = dev_signer().address();
    let key = hex::encode_prefixed(NITRO_DEV_KEY);

    // check: each program activates (an eth_call of activateProgram with a code override).
    let checked = tools
        .stylus(&[
            "check",
            "--wasm-file",
            &guard_file,
            "--wasm-file",
            &registry_file,
            "--wasm-file",
            &extension_file,
            "--wasm-file",
            &guard_extension_file,
        ])
        .await;
    assert_eq!(checked.matches("wasm data fee: ").count(), 4, "{checked}");
    assert!(!checked.contains("error"), "{checked}");

    // The extensions have no constructor: each deployed without activation, then activated. The
    // guard's first: the guard's constructor runs in it.
    let version = read(&node, ARB_WASM, ArbWasm::stylusVersionCall {})
        .await
        .unwrap();
    let guard_extension = deploy_then_activate(&node, &tools, &guard_extension_file).await;
    let extension = deploy_then_activate(&node, &tools, &extension_file).await;
    for program in [guard_extension, extension] {
        assert_eq!(
            read(&node, ARB_WASM, ArbWasm::programVersionCall { program })
                .await
                .unwrap(),
            version
        );
    }

    // The guard (owner: dev; its extension) and the registry (owner and resolver: dev; its
    // extension and the guard), each in one StylusDeployer transaction; then the guard's first
    // link, immediate.
    let guard = tools
        .deploy_with_constructor(&guard_wasm, &(dev, guard_extension).abi_encode_params())
        .await;
    let registry_args = (dev, params(), extension, guard, vec![dev]).abi_encode_params();
    let registry = tools
        .deploy_with_constructor(&registry_wasm, &registry_args)
        .await;
    for program in [guard, registry] {
        assert_eq!(
            read(&node, ARB_WASM, ArbWasm::programVersionCall { program })
                .await
                .unwrap(),
            version
        );
    }
    let config = read(&node, registry, IThreatRegistry::configCall {})
        .await
        .unwrap();
    assert_eq!((config.owner, config.guard), (dev, guard));
    tools
        .send(&[
            &guard.to_string(),
            "setRegistry(address)",
            &registry.to_string(),
        ])
        .await;
    let config = read(&node, guard, ICircuitGuard::guardConfigCall {})
        .await
        .unwrap();
    assert_eq!((config.owner, config.registry), (dev, registry));

    // The cache manager caches the guard for a zero bid while the cache has room.
    tools
        .stylus(&[
            "cache",
            "bid",
            &guard.to_string(),
            "0",
            "--private-key",
            &key,
        ])
        .await;
    let status = tools
        .stylus(&["cache", "status", "--address", &guard.to_string()])
        .await;
    assert!(
        status.contains("Cache manager status: \"active\""),
        "{status}"
    );
    assert!(status.contains("\"is cached\""), "{status}");
    let guard_codehash = keccak256(code(&node, guard).await);
    assert!(read(
        &node,
        ARB_WASM_CACHE,
        ArbWasmCache::codehashIsCachedCall {
            codehash: guard_codehash
        }
    )
    .await
    .unwrap());

    // The Stylus example vault (it registers with the guard, dev its admin), screening confirmed
    // callers on withdraw. A program, so that `cargo stylus trace` of its transactions has a
    // top-level Stylus frame: cargo-stylus 0.10.10 takes a trace that starts with an EVM frame
    // for an activation's and prints nothing.
    let vault = tools
        .deploy_with_constructor(&vault_wasm, &(guard, dev).abi_encode_params())
        .await;
    let withdraw = withdraw_selector();
    tools
        .send(&[
            &guard.to_string(),
            "setScreening(address,bytes4,uint8,bool)",
            &vault.to_string(),
            &withdraw.to_string(),
            "0",
            "false",
        ])
        .await;

    // The quickest real flag: the resolver's emergency confirmation, pushed to the guard.
    let attacker = DevAccounts::derive().unwrap().signers()[2].clone();
    let subject = address_subject(attacker.address());
    tools
        .send(&[
            &registry.to_string(),
            "emergencyConfirm(bytes32,uint8,uint8,uint64,bytes32)",
            &subject.to_string(),
            "1",
            "4",
            &(7 * DAY).to_string(),
            &keccak256(b"drained a pool").to_string(),
        ])
        .await;
    let word = read(&node, guard, ICircuitGuard::statusWordCall { subject })
        .await
        .unwrap();
    assert_ne!(
        word,
        U256::ZERO,
        "the registry pushed the flag to the guard"
    );

    // The attacker's withdraw: cast names the guard's error (once the project's selectors are
    // in foundry's cache, as a developer does once).
    cache_selectors(&tools.home);
    let attacker_key = hex::encode_prefixed(attacker.to_bytes());
    let vault_arg = vault.to_string();
    let refused = tools
        .cast(
            &[
                "send",
                "--private-key",
                &attacker_key,
                &vault_arg,
                "withdraw(uint256)",
                "1",
            ],
            true,
        )
        .await;
    assert!(
        refused.contains(&format!("CallerFlagged({}, 3)", attacker.address())),
        "cast should name the error: {refused}"
    );

    // The same withdraw mined (a fixed gas limit skips the estimate), and its trace.
    let hash = tools
        .cast(
            &[
                "send",
                "--private-key",
                &attacker_key,
                "--gas-limit",
                "1000000",
                "--async",
                &vault_arg,
                "withdraw(uint256)",
                "1",
            ],
            false,
        )
        .await;
    let receipt = rpc(&node, "eth_getTransactionReceipt", json!([hash])).await;
    assert_eq!(receipt["result"]["status"], "0x0", "{receipt}");
    let traced = tools.stylus(&["trace", "--tx", &hash]).await;
    let json_start = traced.find('[').expect("a JSON trace");
    let frames: Value = serde_json::Deserializer::from_str(&traced[json_start..])
        .into_iter::<Value>()
        .next()
        .unwrap()
        .unwrap();
    let flagged = Bytes::from(
        ICircuitGuard::CallerFlagged {
            caller: attacker.address(),
            level: 3,
        }
        .abi_encode(),
    )
    .to_string();
    // The vault's own hostios, with the guard's nested under the call that asked it.
    let vault_steps = frames.as_array().expect("a trace is an array");
    let ask = vault_steps
        .iter()
        .find(|s| s["name"] == "call_contract")
        .expect("the vault calls the guard");
    assert_eq!(ask["address"], guard.to_string().to_lowercase(), "{ask}");
    let guard_steps = ask["steps"].as_array().expect("the guard's steps");
    let named = |steps: &[Value], name: &str| -> Vec<Value> {
        steps
            .iter()
            .filter(|s| s["name"] == name)
            .cloned()
            .collect()
    };
    assert!(
        !named(guard_steps, "storage_load_bytes32").is_empty(),
        "the guard reads its policy and the caller's status: {guard_steps:?}"
    );
    for steps in [guard_steps, vault_steps] {
        // The guard reverts with CallerFlagged and the vault re-throws it byte for byte.
        let written = named(steps, "write_result");
        assert_eq!(written.len(), 1, "{steps:?}");
        assert_eq!(written[0]["args"], flagged.as_str());
        let returned = named(steps, "user_returned");
        assert_eq!(returned[0]["outs"], "0x00000001", "status 1: a revert");
    }
    // call_contract's outs: the return data's length (u32) and Nitro's status for a reverted
    // sub-call (2, `userFailure`).
    let revert_len = (flagged.len() as u32 - 2) / 2;
    assert_eq!(
        ask["outs"],
        format!("0x{}02", hex::encode(revert_len.to_be_bytes()))
    );
    let mut all = Vec::new();
    hostios(&frames, &mut all);
    for step in &all {
        let (start, end) = (step["startInk"].as_u64(), step["endInk"].as_u64());
        assert!(end <= start, "ink only goes down: {step}");
    }
    node.stop().await.unwrap();
}
