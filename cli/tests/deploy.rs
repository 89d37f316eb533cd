//! `vigil deploy` against a vigil-node started in this process: the binary run as a process for
//! the whole deployment, a dry run and bad input; the library for an interrupted deployment; the
//! record checked against its documented schema (deployments/README.md) and every claim of it
//! checked on chain.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use vigil_cli::abi::{ArbWasm, ICircuitGuard, IThreatRegistry, ARB_WASM, STYLUS_DEPLOYER};
use vigil_cli::chain::Chain;
use vigil_cli::config::DeployConfig;
use vigil_cli::deploy::{self, Options, Outcome};
use vigil_cli::keys::parse_key;
use vigil_cli::record::{Record, StepStatus};
use vigil_cli::Error;
use vigil_devnet::artifacts::workspace;
use vigil_node::Running;

mod common;
use common::{dev_key, start_node, text, vigil_deploy, warp, wasm_dir, Scratch};

const GOVERNANCE: Address = Address::repeat_byte(0x5a);
const RESOLVER: Address = Address::repeat_byte(0x0c);
/// The guard's timelock (contracts/guard: DEFAULT_DELAY).
const GUARD_DELAY: u64 = 2 * 86_400;

async fn chain(node: &Running) -> Chain {
    Chain::connect(&node.http_url(), parse_key(&dev_key()).unwrap())
        .await
        .unwrap()
}

fn load(deployments: &Path) -> Record {
    Record::load(&Record::path(
        deployments,
        vigil_node::server::DEFAULT_CHAIN_ID,
    ))
    .unwrap()
    .expect("a record")
}

/// Everything the record claims, checked on chain: code, codehash and version of each program,
/// the registry (governance's, linked to the guard, with the resolver and the config's
/// parameters) and the guard (reaching its extension, linked to the registry, governance its
/// pending owner).
async fn check_on_chain(chain: &Chain, record: &Record) {
    let stylus = chain
        .read(ARB_WASM, ArbWasm::stylusVersionCall {})
        .await
        .unwrap();
    let programs = &record.programs;
    let (extension, guard_extension, guard, registry) = (
        programs.extension.as_ref().unwrap(),
        programs.guard_extension.as_ref().unwrap(),
        programs.guard.as_ref().unwrap(),
        programs.registry.as_ref().unwrap(),
    );
    let addresses = [extension, guard_extension, guard, registry].map(|p| p.address);
    assert!(
        (1..4).all(|i| !addresses[..i].contains(&addresses[i])),
        "four programs: {addresses:?}"
    );
    for program in [extension, guard_extension, guard, registry] {
        let code = chain.code(program.address).await.unwrap();
        assert_eq!(alloy_primitives::keccak256(&code), program.codehash);
        let version = chain
            .read(
                ARB_WASM,
                ArbWasm::programVersionCall {
                    program: program.address,
                },
            )
            .await
            .unwrap();
        assert_eq!((version, program.stylus_version), (stylus, stylus));
        assert!(
            program
                .activation_data_fee
                .is_some_and(|fee| fee.0 > U256::ZERO),
            "a fresh chain charges a data fee"
        );
    }
    // config() is the extension's: its answer shows the registry reaches it.
    let config = chain
        .read(registry.address, IThreatRegistry::configCall {})
        .await
        .unwrap();
    assert_eq!(config.owner, GOVERNANCE);
    assert_eq!(config.pendingOwner, Address::ZERO);
    assert_eq!(config.guard, guard.address);
    assert!(chain
        .read(
            registry.address,
            IThreatRegistry::isResolverCall { account: RESOLVER }
        )
        .await
        .unwrap());
    let params = chain
        .read(
            registry.address,
            IThreatRegistry::paramsAtCall { version: 1 },
        )
        .await
        .unwrap();
    assert_eq!(params, record.config.params.to_abi());
    // guardConfig() is the guard's extension's: its answer shows the guard reaches it.
    let guard_config = chain
        .read(guard.address, ICircuitGuard::guardConfigCall {})
        .await
        .unwrap();
    assert_eq!(guard_config.registry, registry.address);
    assert_eq!(guard_config.owner, record.deployer);
    assert_eq!(guard_config.pendingOwner, GOVERNANCE);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_deploys_vigil_hands_it_over_and_records_it_to_the_schema() {
    let wasm = wasm_dir();
    let node = start_node().await;
    let scratch = Scratch::new("cli-deploy");
    let (config, deployments) = (scratch.config(GOVERNANCE, RESOLVER), scratch.deployments());
    let url = node.http_url();
    let chain = chain(&node).await;
    let nonce = chain.nonce(chain.from).await.unwrap();

    // Everything up to the guard's handover, whose timelock then runs.
    let first = vigil_deploy(&url, &config, &deployments, &wasm, Some(&dev_key()), &[]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("run this command again after"),
        "{}",
        text(&first)
    );
    let record = load(&deployments);
    assert_eq!(record.steps.len(), 6);
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 6);
    let due = record.handover_due.expect("the handover is scheduled");
    assert_eq!(due, chain.now().await.unwrap() + GUARD_DELAY);

    // Run again before the delay: nothing is sent.
    let early = vigil_deploy(&url, &config, &deployments, &wasm, Some(&dev_key()), &[]);
    assert!(early.status.success(), "{}", text(&early));
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 6);

    // A minute more: the node stamps each block at least a second after the one before, so six
    // quick blocks run ahead of the wall clock that evm_increaseTime offsets.
    warp(&node, GUARD_DELAY + 60).await;
    let last = vigil_deploy(&url, &config, &deployments, &wasm, Some(&dev_key()), &[]);
    assert!(last.status.success(), "{}", text(&last));
    assert!(text(&last).contains("acceptOwnership"), "{}", text(&last));
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 7);
    let record = load(&deployments);
    assert_eq!(record.steps.len(), 7);
    assert!(record
        .steps
        .iter()
        .all(|s| s.status == StepStatus::Mined && s.block.is_some()));
    assert_eq!(record.config, DeployConfig::load(&config).unwrap());
    assert_eq!(record.stylus_deployer, STYLUS_DEPLOYER);
    check_on_chain(&chain, &record).await;

    let file = Record::path(&deployments, record.chain_id);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    check_schema(&json);

    // A finished deployment run again verifies and sends nothing.
    let again = vigil_deploy(&url, &config, &deployments, &wasm, Some(&dev_key()), &[]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 7);
    assert_eq!(load(&deployments), record);
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_deployment_resumes_without_deploying_twice() {
    let wasm = wasm_dir();
    let node = start_node().await;
    let scratch = Scratch::new("cli-resume");
    let chain = chain(&node).await;
    let nonce = chain.nonce(chain.from).await.unwrap();
    let url = node.http_url();
    let options = |stop_after| Options {
        rpc_url: url.clone(),
        config: scratch.config(GOVERNANCE, RESOLVER),
        wasm_dir: wasm.clone(),
        deployments: scratch.deployments(),
        dry_run: false,
        stop_after,
        adopt: Default::default(),
    };
    let signer = || parse_key(&dev_key()).unwrap();
    let mut lines = Vec::new();

    let stopped = deploy::deploy(&options(Some(3)), signer(), &mut |l| lines.push(l))
        .await
        .unwrap();
    let Outcome::Stopped(half) = stopped else {
        panic!("expected a stop after 3 steps: {stopped:?}")
    };
    assert_eq!(half.steps.len(), 3);
    assert!(half.programs.guard.is_some() && half.programs.registry.is_none());
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 3);
    assert_eq!(load(&scratch.deployments()), half);
    // A dry run of the rest: the registry estimated through the StylusDeployer, the guard's
    // calls now that the guard exists; nothing sent or written.
    let planned = deploy::deploy(
        &Options {
            dry_run: true,
            ..options(None)
        },
        signer(),
        &mut |l| lines.push(l),
    )
    .await
    .unwrap();
    let Outcome::Planned(plan) = planned else {
        panic!("expected a plan: {planned:?}")
    };
    let estimated: Vec<(&str, bool)> = plan
        .iter()
        .map(|p| (p.step.name(), p.gas.is_some()))
        .collect();
    assert_eq!(
        estimated,
        [
            ("registry", true),
            ("linkGuard", true),
            ("scheduleHandover", true),
            ("handover", false)
        ]
    );
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 3);
    assert_eq!(load(&scratch.deployments()), half);

    // Other wasm under the guard's name: the deployed guard is not that build, refused.
    let swapped = scratch.0.join("swapped");
    std::fs::create_dir_all(&swapped).unwrap();
    for (from, to) in [
        (
            "vigil_registry_extension.wasm",
            "vigil_registry_extension.wasm",
        ),
        ("vigil_guard_extension.wasm", "vigil_guard_extension.wasm"),
        ("vigil_registry.wasm", "vigil_guard.wasm"),
        ("vigil_registry.wasm", "vigil_registry.wasm"),
    ] {
        std::fs::copy(wasm.join(from), swapped.join(to)).unwrap();
    }
    let refused = deploy::deploy(
        &Options {
            wasm_dir: swapped,
            ..options(None)
        },
        signer(),
        &mut |l| lines.push(l),
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(Error::WasmChanged {
                program: "guard",
                ..
            })
        ),
        "{refused:?}"
    );
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 3);

    // The registry's transaction signed and recorded, then lost before it reached the node (the
    // process died between the two): the next run finds the node never saw it and sends the step
    // afresh.
    let mut lost = half.clone();
    lost.set_pending("registry", B256::repeat_byte(0x77));
    lost.save(&Record::path(&scratch.deployments(), half.chain_id))
        .unwrap();

    let resumed = deploy::deploy(&options(None), signer(), &mut |l| lines.push(l))
        .await
        .unwrap();
    let Outcome::Waiting { record, .. } = resumed else {
        panic!("expected the handover's wait: {resumed:?}")
    };
    // The three programs of the first run are the ones the registry was built on; only the
    // three steps left were sent.
    assert_eq!(record.programs.extension, half.programs.extension);
    assert_eq!(
        record.programs.guard_extension,
        half.programs.guard_extension
    );
    assert_eq!(record.programs.guard, half.programs.guard);
    assert_eq!(record.steps[..3], half.steps[..]);
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce + 6);
    assert!(
        lines.iter().any(|l| l.contains("never reached the node")),
        "{lines:?}"
    );
    let registry = record.programs.registry.as_ref().unwrap().address;
    let config = chain
        .read(registry, IThreatRegistry::configCall {})
        .await
        .unwrap();
    assert_eq!(config.guard, half.programs.guard.as_ref().unwrap().address);
    node.stop().await.unwrap();

    // The same record against a fresh chain of the same id (a restarted node): refused, nothing
    // sent.
    let fresh = start_node().await;
    let options = Options {
        rpc_url: fresh.http_url(),
        ..options(None)
    };
    let refused = deploy::deploy(&options, signer(), &mut |l| lines.push(l)).await;
    assert!(
        matches!(&refused, Err(Error::ChainDisagrees { problem, .. }) if problem == "no code there"),
        "{refused:?}"
    );
    let fresh_chain = Chain::connect(&fresh.http_url(), signer()).await.unwrap();
    assert_eq!(fresh_chain.nonce(fresh_chain.from).await.unwrap(), 0);
    fresh.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_estimates_the_plan_and_sends_nothing() {
    let wasm = wasm_dir();
    let node = start_node().await;
    let scratch = Scratch::new("cli-dry-run");
    let chain = chain(&node).await;
    let nonce = chain.nonce(chain.from).await.unwrap();
    let output = vigil_deploy(
        &node.http_url(),
        &scratch.config(GOVERNANCE, RESOLVER),
        &scratch.deployments(),
        &wasm,
        Some(&dev_key()),
        &["--dry-run"],
    );
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    let line = |step: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(step))
            .unwrap_or_else(|| panic!("no line for {step}: {out}"))
    };
    for step in ["extension", "guardExtension", "registry"] {
        let line = line(step);
        assert!(line.contains(" gas "), "no estimate for {step}: {line}");
        assert!(!line.contains("of which 0 wei"), "{line}");
    }
    // The guard's constructor runs in its extension, which only an earlier step deploys: the
    // chain cannot simulate it yet.
    assert!(
        line("guard").contains("gas estimated once the earlier steps are on chain"),
        "{out}"
    );
    assert!(out.contains("handover"), "{out}");
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce);
    assert!(
        !scratch.deployments().exists(),
        "a dry run writes no record"
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_with_a_clear_error_and_nothing_sent() {
    let wasm = wasm_dir();
    let node = start_node().await;
    let scratch = Scratch::new("cli-bad-input");
    let (config, deployments) = (scratch.config(GOVERNANCE, RESOLVER), scratch.deployments());
    let url = node.http_url();
    let chain = chain(&node).await;
    let nonce = chain.nonce(chain.from).await.unwrap();
    let empty = scratch.0.join("no-wasm");
    std::fs::create_dir_all(&empty).unwrap();
    let secret = "0x1234deadbeef";

    let refused = |output: Output, expected: &str| {
        let out = text(&output);
        assert_eq!(output.status.code(), Some(1), "{out}");
        assert!(out.contains(expected), "expected {expected:?} in: {out}");
        assert!(
            !out.contains(&dev_key()[2..]) && !out.contains(secret),
            "a key leaked: {out}"
        );
    };
    refused(
        vigil_deploy(&url, &config, &deployments, &wasm, None, &[]),
        "VIGIL_PRIVATE_KEY is not set",
    );
    refused(
        vigil_deploy(&url, &config, &deployments, &wasm, Some(secret), &[]),
        "VIGIL_PRIVATE_KEY is not a private key",
    );
    refused(
        vigil_deploy(&url, &config, &deployments, &empty, Some(&dev_key()), &[]),
        "the wasm of extension is missing",
    );
    refused(
        vigil_deploy(
            "http://127.0.0.1:1",
            &config,
            &deployments,
            &wasm,
            Some(&dev_key()),
            &[],
        ),
        "cannot reach the RPC at http://127.0.0.1:1",
    );
    let bad_config = scratch.0.join("bad.toml");
    std::fs::write(
        &bad_config,
        "governance = \"0x0000000000000000000000000000000000000000\"\nresolvers = []\n",
    )
    .unwrap();
    refused(
        vigil_deploy(
            &url,
            &bad_config,
            &deployments,
            &wasm,
            Some(&dev_key()),
            &[],
        ),
        "is invalid",
    );

    // A record of another chain under this chain's name.
    let chain_id = chain.chain_id().await.unwrap();
    let foreign = Record::new(
        1,
        chain.from,
        STYLUS_DEPLOYER,
        DeployConfig::load(&config).unwrap(),
    );
    foreign.save(&Record::path(&deployments, chain_id)).unwrap();
    refused(
        vigil_deploy(&url, &config, &deployments, &wasm, Some(&dev_key()), &[]),
        "records chain 1 but the RPC",
    );
    assert_eq!(chain.nonce(chain.from).await.unwrap(), nonce);
    node.stop().await.unwrap();
}

#[test]
fn the_local_config_holds_the_devnet_parameters() {
    let config = DeployConfig::load(&workspace().join("cli/deploy.local.toml")).unwrap();
    // Two bindings of the same ABI struct: compared by their encoding.
    assert_eq!(
        config.params.to_abi().abi_encode(),
        vigil_devnet::system::params().abi_encode()
    );
}

/// The schema table of deployments/README.md: field path -> (type, required).
fn schema() -> BTreeMap<String, (String, bool)> {
    // This crate's own checkout: a target dir shared between worktrees may bake another one
    // into vigil_devnet's `workspace()`.
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deployments/README.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let table = readme.split("## Schema").nth(1).expect("a schema section");
    table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let path = cells[1].trim_matches('`').to_owned();
            (path, (cells[2].to_owned(), cells[3] == "yes"))
        })
        .collect()
}

/// Every field of `json` is in the schema with its type; every required field of each object
/// present is there.
fn check_schema(json: &Value) {
    let schema = schema();
    assert!(schema.len() > 30, "the schema table was not found");
    let mut seen = Vec::new();
    walk(json, "", &schema, &mut seen);
    for (path, (_, required)) in &schema {
        let parent = path.rsplit_once(['.']).map_or("", |(p, _)| p);
        let parent = parent.trim_end_matches("[]");
        let parent_seen = parent.is_empty() || seen.iter().any(|s: &String| s == parent);
        if *required && parent_seen {
            assert!(seen.contains(path), "required field {path} is missing");
        }
    }
}

/// Records the schema path of every field (array elements as `[]`, programs as `programs.*`),
/// checking each leaf's type.
fn walk(
    value: &Value,
    path: &str,
    schema: &BTreeMap<String, (String, bool)>,
    seen: &mut Vec<String>,
) {
    match value {
        Value::Object(fields) => {
            if !path.is_empty() {
                seen.push(path.to_owned());
            }
            for (key, field) in fields {
                let child = match path {
                    "" => key.clone(),
                    "programs" => "programs.*".to_owned(),
                    _ => format!("{path}.{key}"),
                };
                walk(field, &child, schema, seen);
            }
        }
        Value::Array(items) => {
            seen.push(path.to_owned());
            for item in items {
                walk(item, &format!("{path}[]"), schema, seen);
            }
        }
        leaf => {
            let (kind, _) = schema
                .get(path)
                .unwrap_or_else(|| panic!("{path} is not in deployments/README.md's schema"));
            let hex_of = |digits: usize| {
                leaf.as_str().is_some_and(|s| {
                    s.len() == digits + 2
                        && s.starts_with("0x")
                        && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
                })
            };
            let ok = match kind.as_str() {
                "integer" => leaf.as_u64().is_some(),
                "string" => leaf.is_string(),
                "address" => hex_of(40),
                "bytes32" => hex_of(64),
                "wei" => leaf
                    .as_str()
                    .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())),
                "boolean" => leaf.is_boolean(),
                "status" => matches!(leaf.as_str(), Some("pending" | "mined")),
                other => panic!("unknown schema type {other} for {path}"),
            };
            assert!(ok, "{path} = {leaf} is not a {kind}");
            seen.push(path.to_owned());
        }
    }
}

#[test]
#[should_panic(expected = "programs.*.owner is not in deployments/README.md's schema")]
fn the_schema_check_refuses_an_undocumented_field() {
    walk(
        &serde_json::json!({"programs": {"guard": {"owner": "0x00"}}}),
        "",
        &schema(),
        &mut Vec::new(),
    );
}

#[test]
#[should_panic(expected = "required field deployer is missing")]
fn the_schema_check_refuses_a_missing_field() {
    check_schema(&serde_json::json!({"schemaVersion": 1, "chainId": 1}));
}

/// A record holding an adopted program (no transaction or block of ours, and the data fee
/// possibly unknown) matches the schema, and reads back the same.
#[test]
fn a_record_with_an_adopted_program_matches_the_schema() {
    let config = DeployConfig::load(&workspace().join("cli/deploy.local.toml")).unwrap();
    let mut record = Record::new(412_346, GOVERNANCE, STYLUS_DEPLOYER, config);
    record.set_program(
        vigil_cli::wasm::ProgramKind::Guard,
        vigil_cli::record::Program {
            address: Address::repeat_byte(0x11),
            codehash: B256::repeat_byte(0x22),
            wasm_sha256: B256::repeat_byte(0x33),
            wasm_size: 58_203,
            stylus_version: 2,
            activation_data_fee: None,
            transaction: None,
            block: None,
            adopted: true,
        },
    );
    record.set_mined("linkGuard", B256::repeat_byte(0x44), 7, 53_946);
    let json = serde_json::to_value(&record).unwrap();
    check_schema(&json);
    assert_eq!(json["programs"]["guard"]["adopted"], Value::Bool(true));
    assert_eq!(serde_json::from_value::<Record>(json).unwrap(), record);
}

/// A record of a guard that was one program (no `guardExtension`) still reads: the registry's
/// extension keeps its name.
#[test]
fn a_record_from_before_the_guards_extension_still_reads() {
    let program = serde_json::json!({
        "address": Address::repeat_byte(0x11),
        "codehash": B256::repeat_byte(0x22),
        "wasmSha256": B256::repeat_byte(0x33),
        "wasmSize": 1,
        "stylusVersion": 2
    });
    let config = DeployConfig::load(&workspace().join("cli/deploy.local.toml")).unwrap();
    let mut json =
        serde_json::to_value(Record::new(412_346, GOVERNANCE, STYLUS_DEPLOYER, config)).unwrap();
    json["programs"] = serde_json::json!({
        "extension": program,
        "guard": program,
        "registry": program
    });
    let record: Record = serde_json::from_value(json).unwrap();
    let programs = &record.programs;
    assert!(programs.extension.is_some() && programs.guard.is_some());
    assert_eq!(programs.guard_extension, None);
}

/// A record written before adoption existed (every program with its transaction, block and
/// data fee, no `adopted`) still reads, as programs deployed by this run.
#[test]
fn a_record_from_before_adoption_still_reads() {
    let old = serde_json::json!({
        "address": Address::repeat_byte(0x11),
        "codehash": B256::repeat_byte(0x22),
        "wasmSha256": B256::repeat_byte(0x33),
        "wasmSize": 1,
        "stylusVersion": 2,
        "activationDataFee": "5",
        "transaction": B256::repeat_byte(0x44),
        "block": 7
    });
    let program: vigil_cli::record::Program = serde_json::from_value(old).unwrap();
    assert!(!program.adopted);
    assert_eq!(program.block, Some(7));
    assert_eq!(program.transaction, Some(B256::repeat_byte(0x44)));
}
