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
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use vigil_cli::keys::{KEY_VAR, PASSWORD_VAR};
use vigil_devnet::artifacts::{target_dir, workspace};
use vigil_devnet::Devnet;
use vigil_node::accounts::DevAccounts;
use vigil_node::{Config, Running};

/// `n` ether in wei.
pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// The built programs' directory, for `vigil deploy --wasm-dir`.
pub fn wasm_dir() -> String {
    target_dir().join("wasm").to_string_lossy().into_owned()
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

/// A node, the dev accounts, and a scratch directory for the deployment record and files.
pub struct Stage {
    pub node: Running,
    pub dir: PathBuf,
    pub accounts: DevAccounts,
    _scratch: Scratch,
}

/// Removes a stage's directory when its test ends, passed or not.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Stage {
    /// A stage on a node with the default config (blocks mined on demand); its scratch
    /// directory is `vigil-<name>-<pid>` in the temporary directory, so tests running at once
    /// never share one.
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
        // `vigil deploy --wasm-dir` reads the programs from target/wasm and never builds them:
        // building them here (once per test binary) makes sure they are there and current.
        for program in [
            vigil_devnet::system::guard_wasm,
            vigil_devnet::system::registry_wasm,
            vigil_devnet::system::registry_extension_wasm,
        ] {
            program();
        }
        let dir = std::env::temp_dir().join(format!("vigil-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("deployments")).unwrap();
        let node = vigil_node::start(config, Devnet::new)
            .await
            .expect("start node");
        Stage {
            node,
            _scratch: Scratch(dir.clone()),
            dir,
            accounts: DevAccounts::derive().unwrap(),
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
    /// `key`; returns its stdout. A deploy that waits out the guard's timelock is run again.
    pub fn deploy_vigil(&self, key: usize, config: &str) -> String {
        let wasm = wasm_dir();
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

    /// Moves the node's clock `seconds` ahead and mines a block at the new time.
    pub async fn warp(&self, seconds: u64) {
        let provider = ProviderBuilder::new().connect_http(self.node.http_url().parse().unwrap());
        let _: Value = provider
            .raw_request("evm_increaseTime".into(), [seconds])
            .await
            .unwrap();
        let _: Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    }

    /// Sends a transaction from `from` in the test's own name (setup, not the CLI); it must
    /// succeed.
    pub async fn send(&self, from: impl Key, request: TransactionRequest) -> TransactionReceipt {
        let receipt = self
            .provider(from)
            .send_transaction(request)
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        assert!(receipt.status(), "{receipt:?}");
        receipt
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
}
