//! The benchmark's workload: the example GuardedVault (examples/solidity-vault) behind a guard,
//! deployed through signed transactions on any node, each client funded with a deposit, and
//! guarded withdraws signed for the clock.
//!
//! Both guards check the same thing on `withdraw`: the selector's pause and the caller's
//! screening status (two storage reads each), so the workloads differ only in the guard.

use crate::chain::{Account, Chain};
use crate::BenchError;
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use serde_json::Value;
use vigil_devnet::artifacts::{build_wasm, forge_build, forge_creation_code, workspace};
use vigil_devnet::genesis::STYLUS_DEPLOYER;
use vigil_devnet::stylus::activation::compress;
use vigil_devnet::system::{screening, withdraw_selector, IToken, IVault, SCREEN_CONFIRMED};

sol! {
    /// test/forge/bench/BenchBaselines.sol: the Solidity guard baseline of the gas benchmark.
    interface ISolidityGuard {
        function setPolicy(address protocol, bytes4 selector, uint32 pausedUntil, bool screening) external;
    }

    /// The StylusDeployer every Arbitrum chain has (stylus-rpc.md §2): deploy, activate and
    /// construct in one transaction, as cargo stylus deploys.
    interface IStylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
    }
}

/// The SDK constructor's selector, `stylus_constructor()` (stylus-rpc.md §1).
const STYLUS_CONSTRUCTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// What the deployment pays ArbWasm for activation at most; the StylusDeployer refunds the rest.
const ACTIVATION_VALUE: u64 = 1_000_000_000_000_000_000;

/// Which guard the vault calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// BenchBaselines.sol's SolidityGuard: pause + screening, in Solidity.
    Solidity,
    /// Vigil's CircuitGuard (release wasm): pause + confirmed-caller screening.
    Stylus,
}

impl Guard {
    pub fn label(self) -> &'static str {
        match self {
            Self::Solidity => "Solidity-only (vault + Solidity guard)",
            Self::Stylus => "Stylus (vault + Vigil CircuitGuard)",
        }
    }
}

/// The bytes the workload deploys, built once for every node.
pub struct Artifacts {
    token: Vec<u8>,
    vault: Vec<u8>,
    solidity_guard: Vec<u8>,
    guard_wasm: Vec<u8>,
    guard_extension_wasm: Vec<u8>,
}

impl Artifacts {
    /// forge's build of the Solidity side and the release wasm of the guard's two programs,
    /// through the project's scripts (what script/bench.sh has just built, so normally nothing to do).
    pub fn build() -> Result<Self, BenchError> {
        let root = workspace();
        let out = forge_build(&root)?;
        Ok(Self {
            token: forge_creation_code(&out, "TestToken.sol", "TestToken")?,
            vault: forge_creation_code(&out, "GuardedVault.sol", "GuardedVault")?,
            solidity_guard: forge_creation_code(&out, "BenchBaselines.sol", "SolidityGuard")?,
            guard_wasm: build_wasm(&root, "vigil-guard")?,
            guard_extension_wasm: build_wasm(&root, "vigil-guard-extension")?,
        })
    }
}

/// A deployed vault and its token.
pub struct Vault {
    pub token: Address,
    pub address: Address,
}

fn with_args(code: &[u8], args: &[u8]) -> Bytes {
    [code, args].concat().into()
}

fn created(what: &str, receipt: &Value) -> Result<Address, BenchError> {
    serde_json::from_value(receipt["contractAddress"].clone())
        .map_err(|_| BenchError::Check(format!("{what}: no contract address in {receipt}")))
}

/// Deploys the token, `guard` (administered by `admin`) and the vault on it, and switches on
/// screening of `withdraw`'s caller.
pub async fn deploy(
    chain: &Chain,
    admin: &mut Account,
    guard: Guard,
    artifacts: &Artifacts,
) -> Result<Vault, BenchError> {
    let name = ("Vigil Test Token".to_string(), "VTT".to_string()).abi_encode_params();
    let code = with_args(&artifacts.token, &name);
    let receipt = chain
        .send("deploy TestToken", admin, TxKind::Create, code, U256::ZERO)
        .await?;
    let token = created("TestToken", &receipt)?;
    let guard_address = match guard {
        Guard::Solidity => {
            let code = with_args(&artifacts.solidity_guard, &admin.address().abi_encode());
            let receipt = chain
                .send(
                    "deploy SolidityGuard",
                    admin,
                    TxKind::Create,
                    code,
                    U256::ZERO,
                )
                .await?;
            created("SolidityGuard", &receipt)?
        }
        Guard::Stylus => {
            let extension = deploy_stylus(
                chain,
                admin,
                "the CircuitGuard's extension",
                &artifacts.guard_extension_wasm,
                Vec::new(),
            )
            .await?;
            let ctor = [
                &STYLUS_CONSTRUCTOR[..],
                &(admin.address(), extension).abi_encode_params(),
            ]
            .concat();
            deploy_stylus(
                chain,
                admin,
                "the CircuitGuard",
                &artifacts.guard_wasm,
                ctor,
            )
            .await?
        }
    };
    let args = (token, guard_address, admin.address()).abi_encode_params();
    let code = with_args(&artifacts.vault, &args);
    let receipt = chain
        .send(
            "deploy GuardedVault",
            admin,
            TxKind::Create,
            code,
            U256::ZERO,
        )
        .await?;
    let vault = created("GuardedVault", &receipt)?;
    let policy: Bytes = match guard {
        Guard::Solidity => ISolidityGuard::setPolicyCall {
            protocol: vault,
            selector: withdraw_selector(),
            pausedUntil: 0,
            screening: true,
        }
        .abi_encode()
        .into(),
        Guard::Stylus => screening(vault, withdraw_selector(), SCREEN_CONFIRMED)
            .abi_encode()
            .into(),
    };
    let to = TxKind::Call(guard_address);
    chain
        .send("screen withdraw's caller", admin, to, policy, U256::ZERO)
        .await?;
    Ok(Vault {
        token,
        address: vault,
    })
}

/// Deploys `wasm` (`what`) through the StylusDeployer from `admin`, constructed with `ctor`
/// (empty: a program without a constructor); its address from the ContractDeployed log, as cargo
/// stylus reads it.
async fn deploy_stylus(
    chain: &Chain,
    admin: &mut Account,
    what: &str,
    wasm: &[u8],
    ctor: Vec<u8>,
) -> Result<Address, BenchError> {
    let runtime = compress(wasm).map_err(|e| BenchError::Check(format!("{what}'s wasm: {e}")))?;
    // cargo stylus's init code: copy the runtime from offset 43 and return it (stylus-rpc.md §6).
    let mut initcode = vec![0x7f];
    initcode.extend_from_slice(&U256::from(runtime.len()).to_be_bytes::<32>());
    initcode.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    initcode.extend_from_slice(&runtime);
    let call = IStylusDeployer::deployCall {
        bytecode: initcode.into(),
        initData: ctor.into(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let to = TxKind::Call(STYLUS_DEPLOYER);
    let value = U256::from(ACTIVATION_VALUE);
    let receipt = chain
        .send(
            &format!("deploy {what}"),
            admin,
            to,
            call.abi_encode().into(),
            value,
        )
        .await?;
    let topic = IStylusDeployer::ContractDeployed::SIGNATURE_HASH;
    receipt["logs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|log| log["topics"][0].as_str() == Some(&topic.to_string()))
        .and_then(|log| log["data"].as_str())
        .and_then(|data| alloy_primitives::hex::decode(data).ok())
        .filter(|data| data.len() == 32)
        .map(|data| Address::from_slice(&data[12..]))
        .ok_or_else(|| BenchError::Check(format!("no ContractDeployed log in {receipt}")))
}

/// Mints `amount` tokens to `client` and deposits them in the vault: every withdraw then finds a
/// balance to take from.
pub async fn fund(
    chain: &Chain,
    vault: &Vault,
    client: &mut Account,
    amount: u64,
) -> Result<(), BenchError> {
    let amount = U256::from(amount);
    let mint = IToken::mintCall {
        to: client.address(),
        value: amount,
    };
    let approve = IToken::approveCall {
        spender: vault.address,
        value: amount,
    };
    let deposit = IVault::depositCall { amount };
    let steps: [(&str, Address, Vec<u8>); 3] = [
        ("mint", vault.token, mint.abi_encode()),
        ("approve", vault.token, approve.abi_encode()),
        ("deposit", vault.address, deposit.abi_encode()),
    ];
    for (what, to, input) in steps {
        chain
            .send(what, client, TxKind::Call(to), input.into(), U256::ZERO)
            .await?;
    }
    Ok(())
}

/// The calldata of one measured withdraw: one token unit.
pub fn withdraw_input() -> Bytes {
    IVault::withdrawCall {
        amount: U256::from(1),
    }
    .abi_encode()
    .into()
}

/// `account`'s balance in the vault.
pub async fn vault_balance(
    chain: &Chain,
    vault: &Vault,
    account: Address,
) -> Result<U256, BenchError> {
    let call = IVault::balanceOfCall { account };
    let out = chain.view(vault.address, call.abi_encode().into()).await?;
    IVault::balanceOfCall::abi_decode_returns(&out)
        .map_err(|e| BenchError::Check(format!("balanceOf: {e}")))
}
