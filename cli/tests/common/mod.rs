//! The stage the `vigil` binary's integration tests play on: a vigil-node started in the test's
//! process, the dev accounts, a scratch directory for the deployment record, and a runner of the
//! binary that sees only what the test gives it. One copy, so every test runs the CLI the same way.
// Each test target compiles this module on its own and uses a subset of it.
#![allow(dead_code)]

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{hex, Address, Bytes, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{sol, SolValue};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use vigil_cli::keys::{KEY_VAR, PASSWORD_VAR};
use vigil_devnet::artifacts::{target_dir, workspace};
use vigil_devnet::system::creation_code;
use vigil_devnet::Devnet;
use vigil_node::accounts::{DevAccounts, NITRO_DEV_KEY};
use vigil_node::{Config, Running};

sol! {
    /// The calls the tests make to examples/solidity-vault/GuardedVault.sol.
    interface IVault {
        function deposit(uint256 amount) external;
        function withdraw(uint256 amount) external;
    }
    /// The calls the tests make to examples/solidity-vault/TestToken.sol.
    interface IToken {
        function mint(address to, uint256 value) external;
        function approve(address spender, uint256 value) external returns (bool);
        function transfer(address to, uint256 value) external returns (bool);
    }
}

/// `n` ether in wei.
pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// The programs' directory for `vigil deploy --wasm-dir`, built first (once per test binary):
/// the binary reads target/wasm and never builds it.
pub fn wasm_dir() -> PathBuf {
    vigil_devnet::system::guard_wasm();
    vigil_devnet::system::guard_extension_wasm();
    vigil_devnet::system::registry_wasm();
    vigil_devnet::system::registry_extension_wasm();
    target_dir().join("wasm")
}

/// The Nitro dev key, which the node funds, as VIGIL_PRIVATE_KEY takes it.
pub fn dev_key() -> String {
    hex::encode_prefixed(NITRO_DEV_KEY)
}

/// A node on an unused port that mines blocks on demand.
pub async fn start_node() -> Running {
    start_node_with(Config {
        port: 0,
        ..Config::default()
    })
    .await
}

pub async fn start_node_with(config: Config) -> Running {
    vigil_node::start(config, Devnet::new)
        .await
        .expect("start node")
}

/// Moves `node`'s clock `seconds` ahead and mines a block at the new time: how the tests wait
/// out a timelock or a warm-up.
pub async fn warp(node: &Running, seconds: u64) {
    let provider = ProviderBuilder::new().connect_http(node.http_url().parse().unwrap());
    let _: Value = provider
        .raw_request("evm_increaseTime".into(), [seconds])
        .await
        .unwrap();
    let _: Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
}

/// Sends `request` through `provider` and waits for its receipt, which must say it succeeded: a
/// test's setup that failed would otherwise surface later as a puzzling assertion.
pub async fn mined(provider: &impl Provider, request: TransactionRequest) -> TransactionReceipt {
    let receipt = provider
        .send_transaction(request)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status(), "{receipt:?}");
    receipt
}

/// `vigil deploy --rpc-url <url> --config <config> --deployments <dir> --wasm-dir <wasm> <extra>`
/// with `key` in VIGIL_PRIVATE_KEY (unset when None), run to the end.
pub fn vigil_deploy(
    url: &str,
    config: &Path,
    deployments: &Path,
    wasm: &Path,
    key: Option<&str>,
    extra: &[&str],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigil"));
    command
        .args(["deploy", "--rpc-url", url, "--config"])
        .arg(config)
        .arg("--deployments")
        .arg(deployments)
        .arg("--wasm-dir")
        .arg(wasm)
        .args(extra)
        .env_remove(KEY_VAR);
    if let Some(key) = key {
        command.env(KEY_VAR, key);
    }
    command.output().expect("run vigil")
}

/// A finished command's exit code and both streams, for an assertion's message.
pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Who signs a setup transaction: a dev account by index, or a signer the test made itself
/// (a fresh attacker), so one `send` serves both.
pub trait Key {
    fn signer(&self, accounts: &DevAccounts) -> PrivateKeySigner;
}

impl Key for usize {
    fn signer(&self, accounts: &DevAccounts) -> PrivateKeySigner {
        accounts.signers()[*self].clone()
    }
}

impl Key for &PrivateKeySigner {
    fn signer(&self, _: &DevAccounts) -> PrivateKeySigner {
        (*self).clone()
    }
}

/// A test's own directory, `vigil-<name>-<pid>` in the temporary directory (so tests running at
/// once never share one), emptied when made and removed when its test ends, passed or not.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("vigil-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Where `vigil deploy` keeps the deployment records.
    pub fn deployments(&self) -> PathBuf {
        self.0.join("deployments")
    }

    /// cli/deploy.local.toml with `governance` and `resolver` in place of the dev account it
    /// names for both, written to deploy.toml here.
    pub fn config(&self, governance: Address, resolver: Address) -> PathBuf {
        let example = std::fs::read_to_string(workspace().join("cli/deploy.local.toml")).unwrap();
        let dev = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E";
        let text = example
            .replacen(
                &format!("governance = \"{dev}\""),
                &format!("governance = \"{governance}\""),
                1,
            )
            .replacen(
                &format!("resolvers = [\"{dev}\"]"),
                &format!("resolvers = [\"{resolver}\"]"),
                1,
            );
        let path = self.0.join("deploy.toml");
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A node, the dev accounts, and a scratch directory for the deployment record and files.
pub struct Stage {
    pub node: Running,
    pub dir: PathBuf,
    pub accounts: DevAccounts,
    _scratch: Scratch,
}

impl Stage {
    /// A stage on a node that mines blocks on demand, with the scratch directory
    /// `vigil-<name>-<pid>`.
    pub async fn new(name: &str) -> Self {
        Self::with_config(
            name,
            Config {
                port: 0,
                ..Config::default()
            },
        )
        .await
    }

    /// A stage on a node started with `config` (a block time, say).
    pub async fn with_config(name: &str, config: Config) -> Self {
        let scratch = Scratch::new(name);
        std::fs::create_dir_all(scratch.deployments()).unwrap();
        Stage {
            node: start_node_with(config).await,
            dir: scratch.0.clone(),
            accounts: DevAccounts::derive().unwrap(),
            _scratch: scratch,
        }
    }

    pub fn signer(&self, index: usize) -> &PrivateKeySigner {
        &self.accounts.signers()[index]
    }

    /// Dev account `index`'s private key as VIGIL_PRIVATE_KEY takes it.
    pub fn key(&self, index: usize) -> String {
        hex::encode_prefixed(self.signer(index).to_bytes())
    }

    pub fn address(&self, index: usize) -> Address {
        self.signer(index).address()
    }

    /// Writes `contents` to `name` in the scratch directory.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `vigil <args>` against the node and the stage's deployments (unless `args` name their
    /// own), signed by `key` (none: VIGIL_PRIVATE_KEY unset). The caller's VIGIL_* variables
    /// are removed so a developer's shell cannot change what a test does.
    pub fn command(&self, key: Option<&PrivateKeySigner>, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vigil"));
        command
            .args(args)
            .arg("--rpc-url")
            .arg(self.node.http_url())
            .current_dir(workspace())
            .env_remove(KEY_VAR)
            .env_remove(PASSWORD_VAR)
            .env_remove("VIGIL_RPC_URL")
            .env_remove("VIGIL_WS_URL");
        if !args.contains(&"--deployments") {
            command
                .arg("--deployments")
                .arg(self.dir.join("deployments"));
        }
        if let Some(signer) = key {
            command.env(KEY_VAR, hex::encode_prefixed(signer.to_bytes()));
        }
        command
    }

    /// Runs `vigil <args>` signed by dev account `key` to the end.
    pub fn vigil(&self, key: Option<usize>, args: &[&str]) -> Output {
        self.command(key.map(|k| self.signer(k)), args)
            .output()
            .expect("run vigil")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, key: Option<usize>, args: &[&str]) -> String {
        let output = self.vigil(key, args);
        assert!(output.status.success(), "vigil {args:?}\n{}", text(&output));
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs a command that must fail with exit code 1; returns its stderr.
    pub fn fails(&self, key: Option<usize>, args: &[&str]) -> String {
        let output = self.vigil(key, args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "vigil {args:?}\n{}",
            text(&output)
        );
        String::from_utf8(output.stderr).unwrap()
    }

    /// Runs a command with `--json` that must succeed; returns what it printed.
    pub fn json(&self, key: Option<usize>, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        serde_json::from_str(&self.ok(key, &args)).unwrap()
    }

    /// `vigil deploy` of Vigil under `config` with the built programs, signed by dev account
    /// `key`; returns its stdout. Run again after the guard's timelock, it finishes the handover.
    pub fn deploy_vigil(&self, key: usize, config: &str) -> String {
        let wasm = wasm_dir().to_string_lossy().into_owned();
        self.ok(
            Some(key),
            &["deploy", "--config", config, "--wasm-dir", &wasm],
        )
    }

    /// A client of the node that signs as `key`, for the test's own setup and reads.
    pub fn provider(&self, key: impl Key) -> impl Provider {
        ProviderBuilder::new()
            .wallet(EthereumWallet::from(key.signer(&self.accounts)))
            .connect_http(self.node.http_url().parse().unwrap())
    }

    pub async fn warp(&self, seconds: u64) {
        warp(&self.node, seconds).await;
    }

    /// Sends a transaction from `from` in the test's own name (setup, not the CLI); it must
    /// succeed.
    pub async fn send(&self, from: impl Key, request: TransactionRequest) -> TransactionReceipt {
        mined(&self.provider(from), request).await
    }

    /// Calls `to` with `data` from `from`; returns the block it was mined in.
    pub async fn call(&self, from: impl Key, to: Address, data: Vec<u8>) -> u64 {
        let request = TransactionRequest::default().with_to(to).with_input(data);
        self.send(from, request).await.block_number.unwrap()
    }

    /// Deploys `code` (creation code and its arguments) from `from`; returns the contract.
    pub async fn deploy(&self, from: impl Key, code: Vec<u8>) -> Address {
        let request = TransactionRequest::default().with_deploy_code(Bytes::from(code));
        self.send(from, request).await.contract_address.unwrap()
    }

    /// A protocol on `guard`: TestToken and the example GuardedVault, deployed from `deployer`
    /// (the vault registers itself with dev account `admin` as its admin), whose admin then
    /// screens `withdraw` for confirmed callers through `vigil protocol screening`. Returns
    /// (token, vault).
    pub async fn guarded_vault(
        &self,
        deployer: usize,
        guard: Address,
        admin: usize,
    ) -> (Address, Address) {
        let token_code = [
            creation_code("TestToken.sol", "TestToken"),
            ("Vigil Test Token".to_string(), "VTT".to_string()).abi_encode_params(),
        ]
        .concat();
        let token = self.deploy(deployer, token_code).await;
        let vault_code = [
            creation_code("GuardedVault.sol", "GuardedVault"),
            (token, guard, self.address(admin)).abi_encode_params(),
        ]
        .concat();
        let vault = self.deploy(deployer, vault_code).await;
        self.ok(
            Some(admin),
            &[
                "protocol",
                "screening",
                &vault.to_string(),
                "confirmed",
                "--selector",
                "withdraw(uint256)",
            ],
        );
        (token, vault)
    }
}
