//! A Safe Transaction Builder batch written by `vigil_cli::safe` and executed by a real 2-of-3
//! Safe (v1.4.1, the released bytecode) on a vigil-node: the file checked field by field against
//! the Transaction Builder's format, its checksum recomputed here from the raw JSON, its calls
//! decoded back, then signed by two owners and executed, and refused one signature short.

#[path = "safe_support/mod.rs"]
mod safe_support;

use alloy_network::TransactionBuilder;
use alloy_primitives::{keccak256, Address, Bytes, U256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::SolCall;
use safe_support::{provider, read, ISafe, SafeContracts, CALL, DELEGATECALL};
use serde_json::Value;
use std::path::PathBuf;
use vigil_cli::call::Call;
use vigil_cli::safe::{Batch, FORMAT_VERSION};
use vigil_devnet::Devnet;
use vigil_node::accounts::{DevAccounts, NITRO_DEV_KEY};
use vigil_node::Config;

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// A scratch directory per test, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("vigil-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

fn is_checksummed_address(value: &Value) -> bool {
    value
        .as_str()
        .and_then(|text| Some((text, text.parse::<Address>().ok()?)))
        .is_some_and(|(text, address)| address.to_checksum(None) == text)
}

fn is_hex(value: &Value, digits: Option<usize>) -> bool {
    value
        .as_str()
        .and_then(|text| text.strip_prefix("0x"))
        .is_some_and(|hex| {
            hex.len() % 2 == 0
                && digits.is_none_or(|n| hex.len() == n)
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// The Transaction Builder's canonical serialization (apps/tx-builder/src/lib/checksum.ts in
/// safe-global/safe-react-apps), written again here from the raw JSON so the file's checksum is
/// checked apart from the library that wrote it.
fn serialize(value: &Value) -> String {
    match value {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(serialize).collect::<Vec<_>>().join(",")
        ),
        Value::Object(map) => {
            let keys = keys(value);
            let values: String = keys.iter().map(|k| serialize(&map[*k]) + ",").collect();
            format!("{{{}{values}}}", serde_json::to_string(&keys).unwrap())
        }
        scalar => scalar.to_string(),
    }
}

/// The file against the format the Transaction Builder writes (typings/models.ts `BatchFile`,
/// store/transactionLibraryContext.tsx `generateBatchFile`): field names, JSON types, a raw-data
/// transaction's nulls, and the checksum over the file with meta.name null and without
/// meta.checksum.
fn check_format(file: &Value, chain_id: u64, safe: Address, calls: &[Call]) {
    assert_eq!(
        keys(file),
        ["chainId", "createdAt", "meta", "transactions", "version"]
    );
    assert_eq!(file["version"], FORMAT_VERSION);
    assert_eq!(file["chainId"], chain_id.to_string());
    assert!(file["createdAt"].is_u64());

    let meta = &file["meta"];
    assert_eq!(
        keys(meta),
        [
            "checksum",
            "createdFromOwnerAddress",
            "createdFromSafeAddress",
            "description",
            "name",
            "txBuilderVersion"
        ]
    );
    for field in [
        "name",
        "description",
        "txBuilderVersion",
        "createdFromOwnerAddress",
    ] {
        assert!(meta[field].is_string(), "meta.{field}");
    }
    assert!(is_checksummed_address(&meta["createdFromSafeAddress"]));
    assert_eq!(meta["createdFromSafeAddress"], safe.to_checksum(None));
    assert!(is_hex(&meta["checksum"], Some(64)));

    let transactions = file["transactions"].as_array().expect("transactions");
    assert_eq!(transactions.len(), calls.len());
    for (tx, call) in transactions.iter().zip(calls) {
        assert_eq!(
            keys(tx),
            [
                "contractInputsValues",
                "contractMethod",
                "data",
                "to",
                "value"
            ]
        );
        assert!(is_checksummed_address(&tx["to"]));
        assert_eq!(tx["to"], call.to.to_checksum(None));
        assert!(tx["value"]
            .as_str()
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())));
        assert_eq!(tx["value"], call.value.to_string());
        assert!(is_hex(&tx["data"], None));
        assert_eq!(tx["data"], call.data.to_string());
        assert!(tx["contractMethod"].is_null());
        assert!(tx["contractInputsValues"].is_null());
    }

    let mut hashed = file.clone();
    let meta = hashed["meta"].as_object_mut().unwrap();
    meta.remove("checksum");
    meta.insert("name".into(), Value::Null);
    let checksum = keccak256(serialize(&hashed).as_bytes()).to_string();
    assert_eq!(file["meta"]["checksum"], checksum);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_of_three_safe_executes_a_written_batch_and_refuses_one_signature() {
    let scratch = Scratch::new("safe-batch");
    let config = Config {
        port: 0,
        ..Config::default()
    };
    let node = vigil_node::start(config, Devnet::new)
        .await
        .expect("start node");
    let dev = alloy_signer_local::PrivateKeySigner::from_bytes(&NITRO_DEV_KEY).unwrap();
    let provider = provider(&node.http_url(), dev);
    let chain_id = provider.get_chain_id().await.unwrap();

    let contracts = SafeContracts::deploy(&provider).await;
    let accounts = DevAccounts::derive().unwrap();
    let owners = &accounts.signers()[1..4];
    let owner_addresses: Vec<Address> = owners.iter().map(|o| o.address()).collect();
    let safe = contracts.create_safe(&provider, &owner_addresses, 2).await;
    let version = read(&provider, safe.address, ISafe::VERSIONCall {}).await;
    assert_eq!(version, "1.4.1");
    let threshold = read(&provider, safe.address, ISafe::getThresholdCall {}).await;
    assert_eq!(threshold, U256::from(2));
    let fund = TransactionRequest::default()
        .with_to(safe.address)
        .with_value(ether(5));
    let funded = provider
        .send_transaction(fund)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(funded.status());

    // Governance's two calls: a payment, and a call with data to a contract that only the Safe
    // itself may make (a fourth owner, threshold kept at 2).
    let payee = Address::repeat_byte(0x77);
    let new_owner = Address::repeat_byte(0x99);
    let calls = vec![
        Call {
            to: payee,
            value: ether(1),
            data: Bytes::new(),
        },
        Call {
            to: safe.address,
            value: U256::ZERO,
            data: ISafe::addOwnerWithThresholdCall {
                owner: new_owner,
                threshold: U256::from(2),
            }
            .abi_encode()
            .into(),
        },
    ];
    let path = scratch.0.join("governance.json");
    Batch::new(chain_id, safe.address, "governance", "two calls", &calls)
        .write(&path)
        .unwrap();

    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    check_format(&file, chain_id, safe.address, &calls);
    let batch = Batch::read(&path).unwrap();
    assert_eq!(batch.calls().unwrap(), calls);

    let tx = safe.transaction(&calls);
    assert_eq!(
        (tx.to, tx.operation),
        (safe.multi_send_call_only, DELEGATECALL)
    );
    let nonce = safe.nonce(&provider).await;
    assert_eq!(nonce, U256::ZERO);
    assert_eq!(
        safe.hash(&tx, nonce),
        safe.hash_on_chain(&provider, &tx, nonce).await
    );

    // One signature short of the threshold, and two signatures of which one is not an owner's.
    let refused = safe.execute(&provider, &batch, &[&owners[0]]).await;
    assert_eq!(refused.unwrap_err(), "GS020");
    let stranger = &accounts.signers()[5];
    let refused = safe
        .execute(&provider, &batch, &[&owners[0], stranger])
        .await;
    assert_eq!(refused.unwrap_err(), "GS026");
    assert_eq!(safe.nonce(&provider).await, U256::ZERO);
    assert_eq!(provider.get_balance(payee).await.unwrap(), U256::ZERO);

    let receipt = safe
        .execute(&provider, &batch, &[&owners[2], &owners[0]])
        .await
        .expect("two owners' signatures execute the batch");
    println!(
        "execTransaction of the 2-call batch: {} gas",
        receipt.gas_used
    );
    assert_eq!(safe.nonce(&provider).await, U256::from(1));
    assert_eq!(provider.get_balance(payee).await.unwrap(), ether(1));
    assert_eq!(provider.get_balance(safe.address).await.unwrap(), ether(4));
    let owners_now = read(&provider, safe.address, ISafe::getOwnersCall {}).await;
    assert!(owners_now.contains(&new_owner));
    assert_eq!(owners_now.len(), 4);

    // A batch of one call (built by append, as successive commands do) is executed directly.
    let single = scratch.0.join("payment.json");
    let payment = Call {
        to: payee,
        value: ether(2),
        data: Bytes::new(),
    };
    Batch::append(
        &single,
        chain_id,
        safe.address,
        std::slice::from_ref(&payment),
    )
    .unwrap();
    let batch = Batch::read(&single).unwrap();
    assert_eq!(safe.transaction(&batch.calls().unwrap()).operation, CALL);
    let receipt = safe
        .execute(&provider, &batch, &[&owners[1], &owners[2]])
        .await
        .expect("two owners' signatures execute the payment");
    println!(
        "execTransaction of the 1-call batch: {} gas",
        receipt.gas_used
    );
    assert_eq!(provider.get_balance(payee).await.unwrap(), ether(3));
    assert_eq!(safe.nonce(&provider).await, U256::from(2));
}
