//! A real Safe on a vigil-node, for tests of what `--safe FILE` writes: the Safe v1.4.1
//! contracts deployed from the compiled release artifacts of the npm package
//! `@safe-global/safe-contracts` (pinned in package.json, installed by script/setup-forge.sh),
//! a Safe proxy made by the factory and set up with owners and a threshold, and a Transaction
//! Builder batch executed through it with the owners' ECDSA signatures, the way the Safe web
//! app executes an imported batch: one transaction as a direct call, several as one DELEGATECALL
//! to MultiSendCallOnly.
//!
//! Include it with `#[path = "safe_support/mod.rs"] mod safe_support;`.
#![allow(dead_code)] // each test crate that includes this module uses a part of it

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{b256, keccak256, Address, Bytes, B256, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{sol, Eip712Domain, Revert, SolCall, SolError, SolEvent, SolStruct};
use std::path::PathBuf;
use vigil_cli::call::Call;
use vigil_cli::safe::Batch;

sol! {
    /// The parts of the Safe (v1.4.1) the tests use.
    interface ISafe {
        function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver) external;
        function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) external payable returns (bool success);
        function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 nonce) external view returns (bytes32);
        function nonce() external view returns (uint256);
        function getThreshold() external view returns (uint256);
        function getOwners() external view returns (address[]);
        function VERSION() external view returns (string);
        function addOwnerWithThreshold(address owner, uint256 threshold) external;
        event ExecutionSuccess(bytes32 indexed txHash, uint256 payment);
    }

    interface ISafeProxyFactory {
        function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce) external returns (address proxy);
        event ProxyCreation(address indexed proxy, address singleton);
    }

    interface IMultiSendCallOnly {
        function multiSend(bytes transactions) external payable;
    }

    /// What the owners sign (EIP-712), field for field as the Safe hashes it.
    struct SafeTx {
        address to;
        uint256 value;
        bytes data;
        uint8 operation;
        uint256 safeTxGas;
        uint256 baseGas;
        uint256 gasPrice;
        address gasToken;
        address refundReceiver;
        uint256 nonce;
    }
}

/// Enum.Operation of the Safe.
pub const CALL: u8 = 0;
pub const DELEGATECALL: u8 = 1;

/// A contract of the release: its artifact and the keccak256 of its runtime code in the canonical
/// deployments (@safe-global/safe-deployments, src/assets/v1.4.1/<file>.json,
/// deployments.canonical.codeHash), which the code deployed here must have.
pub struct Release {
    pub artifact: &'static str,
    pub code_hash: B256,
}

pub const SAFE_L2: Release = Release {
    artifact: "SafeL2.sol/SafeL2.json",
    code_hash: b256!("b1f926978a0f44a2c0ec8fe822418ae969bd8c3f18d61e5103100339894f81ff"),
};
pub const PROXY_FACTORY: Release = Release {
    artifact: "proxies/SafeProxyFactory.sol/SafeProxyFactory.json",
    code_hash: b256!("50c3cdc4074750a7a974204a716c999edd37482f907608d960b2b025ee0b3317"),
};
pub const MULTI_SEND_CALL_ONLY: Release = Release {
    artifact: "libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json",
    code_hash: b256!("ecd5bd14a08c5d2122379900b2f272bdf107a7e92423c10dd5fe3254386c9939"),
};
pub const FALLBACK_HANDLER: Release = Release {
    artifact: "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
    code_hash: b256!("7c6007a5d711cea8dfd5d91f5940ec29c7f200fe511eb1fc1397b367af3c42f9"),
};

/// Found from this crate's own directory (the workspace's node_modules), not from a dependency's,
/// whose compiled-in path may be another checkout's when target directories are shared.
fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../node_modules/@safe-global/safe-contracts/build/artifacts/contracts")
}

/// The creation code of a release contract, from its artifact.
pub fn creation_code(release: &Release) -> Bytes {
    let path = artifacts().join(release.artifact);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: run script/setup-forge.sh (it installs @safe-global/safe-contracts)",
            path.display()
        )
    });
    let artifact: serde_json::Value = serde_json::from_str(&text).expect("artifact JSON");
    let code = artifact["bytecode"].as_str().expect("artifact bytecode");
    code.parse().expect("artifact bytecode hex")
}

/// An HTTP provider that signs with `signer` and fills nonce, gas and fees from the node.
pub fn provider(url: &str, signer: PrivateKeySigner) -> DynProvider {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url.parse().expect("node URL"))
        .erased()
}

async fn mined(provider: &DynProvider, tx: TransactionRequest) -> TransactionReceipt {
    let receipt = provider
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status(), "reverted: {receipt:?}");
    receipt
}

/// `eth_call` of `call` on `to`, decoded.
pub async fn read<C: SolCall>(provider: &DynProvider, to: Address, call: C) -> C::Return {
    let request = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let out = provider.call(request).await.expect(C::SIGNATURE);
    C::abi_decode_returns(&out).expect(C::SIGNATURE)
}

/// The singleton, factory and libraries a Safe needs, deployed once per chain.
pub struct SafeContracts {
    pub singleton: Address,
    pub factory: Address,
    pub multi_send_call_only: Address,
    pub fallback_handler: Address,
}

impl SafeContracts {
    /// Deploys the four release contracts from the provider's key, checking that each one's code
    /// on chain is the released code.
    pub async fn deploy(provider: &DynProvider) -> SafeContracts {
        let mut addresses = Vec::new();
        for release in [
            &SAFE_L2,
            &PROXY_FACTORY,
            &MULTI_SEND_CALL_ONLY,
            &FALLBACK_HANDLER,
        ] {
            let tx = TransactionRequest::default().with_deploy_code(creation_code(release));
            let receipt = mined(provider, tx).await;
            let address = receipt.contract_address.expect("a created contract");
            let code = provider.get_code_at(address).await.expect("eth_getCode");
            assert_eq!(
                keccak256(&code),
                release.code_hash,
                "{} on chain is not the released code",
                release.artifact
            );
            addresses.push(address);
        }
        SafeContracts {
            singleton: addresses[0],
            factory: addresses[1],
            multi_send_call_only: addresses[2],
            fallback_handler: addresses[3],
        }
    }

    /// A new Safe proxy of `owners` with `threshold`, set up in the factory's transaction (as the
    /// Safe web app creates one).
    pub async fn create_safe(
        &self,
        provider: &DynProvider,
        owners: &[Address],
        threshold: u64,
    ) -> Safe {
        let setup = ISafe::setupCall {
            owners: owners.to_vec(),
            threshold: U256::from(threshold),
            to: Address::ZERO,
            data: Bytes::new(),
            fallbackHandler: self.fallback_handler,
            paymentToken: Address::ZERO,
            payment: U256::ZERO,
            paymentReceiver: Address::ZERO,
        };
        let create = ISafeProxyFactory::createProxyWithNonceCall {
            singleton: self.singleton,
            initializer: setup.abi_encode().into(),
            saltNonce: U256::ZERO,
        };
        let tx = TransactionRequest::default()
            .with_to(self.factory)
            .with_input(create.abi_encode());
        let receipt = mined(provider, tx).await;
        let created = receipt
            .inner
            .logs()
            .iter()
            .find_map(|log| ISafeProxyFactory::ProxyCreation::decode_log(&log.inner).ok())
            .expect("ProxyCreation");
        Safe {
            address: created.proxy,
            chain_id: provider.get_chain_id().await.expect("eth_chainId"),
            multi_send_call_only: self.multi_send_call_only,
        }
    }
}

/// What the Safe executes for a batch: one call itself, or several through MultiSendCallOnly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeTransaction {
    pub to: Address,
    pub value: U256,
    pub data: Bytes,
    pub operation: u8,
}

/// MultiSend's packed encoding: per call, the operation (1 byte, CALL: the CallOnly variant
/// refuses any other), `to` (20), `value` (32), the data's length (32) and the data.
pub fn multi_send_data(calls: &[Call]) -> Bytes {
    let mut packed = Vec::new();
    for call in calls {
        packed.push(CALL);
        packed.extend_from_slice(call.to.as_slice());
        packed.extend_from_slice(&call.value.to_be_bytes::<32>());
        packed.extend_from_slice(&U256::from(call.data.len()).to_be_bytes::<32>());
        packed.extend_from_slice(&call.data);
    }
    IMultiSendCallOnly::multiSendCall {
        transactions: packed.into(),
    }
    .abi_encode()
    .into()
}

/// A Safe proxy on the node.
pub struct Safe {
    pub address: Address,
    pub chain_id: u64,
    pub multi_send_call_only: Address,
}

impl Safe {
    pub async fn nonce(&self, provider: &DynProvider) -> U256 {
        read(provider, self.address, ISafe::nonceCall {}).await
    }

    /// The transaction the Safe executes for these calls.
    pub fn transaction(&self, calls: &[Call]) -> SafeTransaction {
        match calls {
            [call] => SafeTransaction {
                to: call.to,
                value: call.value,
                data: call.data.clone(),
                operation: CALL,
            },
            _ => SafeTransaction {
                to: self.multi_send_call_only,
                value: U256::ZERO,
                data: multi_send_data(calls),
                operation: DELEGATECALL,
            },
        }
    }

    /// The EIP-712 hash the owners sign for `tx` at `nonce`, computed here (the domain is the
    /// chain id and the Safe's address; gas, refund and payment fields are zero: the submitter
    /// pays its own gas).
    pub fn hash(&self, tx: &SafeTransaction, nonce: U256) -> B256 {
        let domain = Eip712Domain::new(
            None,
            None,
            Some(U256::from(self.chain_id)),
            Some(self.address),
            None,
        );
        SafeTx {
            to: tx.to,
            value: tx.value,
            data: tx.data.clone(),
            operation: tx.operation,
            safeTxGas: U256::ZERO,
            baseGas: U256::ZERO,
            gasPrice: U256::ZERO,
            gasToken: Address::ZERO,
            refundReceiver: Address::ZERO,
            nonce,
        }
        .eip712_signing_hash(&domain)
    }

    /// The same hash, as the Safe itself computes it.
    pub async fn hash_on_chain(
        &self,
        provider: &DynProvider,
        tx: &SafeTransaction,
        nonce: U256,
    ) -> B256 {
        let call = ISafe::getTransactionHashCall {
            to: tx.to,
            value: tx.value,
            data: tx.data.clone(),
            operation: tx.operation,
            safeTxGas: U256::ZERO,
            baseGas: U256::ZERO,
            gasPrice: U256::ZERO,
            gasToken: Address::ZERO,
            refundReceiver: Address::ZERO,
            nonce,
        };
        read(provider, self.address, call).await
    }

    /// Executes `batch` (read from a file) with one ECDSA signature per signer, sent by the
    /// provider's key. The Safe's answer to a simulation comes first: a refusal is returned
    /// as the Safe's revert reason (e.g. "GS020") and nothing is sent.
    pub async fn execute(
        &self,
        provider: &DynProvider,
        batch: &Batch,
        signers: &[&PrivateKeySigner],
    ) -> Result<TransactionReceipt, String> {
        let calls = batch.calls().expect("the batch decodes");
        let tx = self.transaction(&calls);
        let hash = self.hash(&tx, self.nonce(provider).await);
        let exec = ISafe::execTransactionCall {
            to: tx.to,
            value: tx.value,
            data: tx.data,
            operation: tx.operation,
            safeTxGas: U256::ZERO,
            baseGas: U256::ZERO,
            gasPrice: U256::ZERO,
            gasToken: Address::ZERO,
            refundReceiver: Address::ZERO,
            signatures: signatures(hash, signers),
        };
        let request = TransactionRequest::default()
            .with_to(self.address)
            .with_input(exec.abi_encode());
        if let Err(e) = provider.call(request.clone()).await {
            let data = e
                .as_error_resp()
                .and_then(|payload| payload.as_revert_data())
                .unwrap_or_else(|| panic!("not a revert: {e}"));
            let reason = Revert::abi_decode(&data).map_or_else(|_| data.to_string(), |r| r.reason);
            return Err(reason);
        }
        let receipt = mined(provider, request).await;
        let executed = receipt
            .inner
            .logs()
            .iter()
            .find_map(|log| ISafe::ExecutionSuccess::decode_log(&log.inner).ok())
            .unwrap_or_else(|| panic!("no ExecutionSuccess: {receipt:?}"));
        assert_eq!(
            executed.txHash, hash,
            "the Safe executed what the owners signed"
        );
        Ok(receipt)
    }
}

/// The owners' signatures as the Safe checks them: 65 bytes each (r, s, v = 27 or 28), in
/// ascending order of the signer's address.
pub fn signatures(hash: B256, signers: &[&PrivateKeySigner]) -> Bytes {
    let mut sorted = signers.to_vec();
    sorted.sort_by_key(|signer| signer.address());
    let mut out = Vec::with_capacity(65 * sorted.len());
    for signer in sorted {
        let signature = signer.sign_hash_sync(&hash).expect("sign");
        out.extend_from_slice(&signature.as_bytes());
    }
    out.into()
}
