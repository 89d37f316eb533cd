//! Safe Transaction Builder batch files: what `--safe FILE` writes instead of sending, so the
//! governance Safe's owners import the calls in the Safe web app (Transaction Builder, "drag and
//! drop a JSON file") and sign them there.
//!
//! The format is the Transaction Builder's own (safe-global/safe-react-apps,
//! apps/tx-builder/src/typings/models.ts `BatchFile`), and the checksum is computed the way its
//! apps/tx-builder/src/lib/checksum.ts does, so the app imports a file written here without its
//! "this file was modified since it was generated" warning. The algorithm, restated:
//!
//! 1. take the file with `meta.checksum` removed and `meta.name` set to null (renaming a batch
//!    in the app must not invalidate it);
//! 2. serialize it canonically: an array as `[a,b]`; an object as `{` + the JSON array of its keys
//!    sorted in JavaScript's default order + each value (in that key order) followed by a comma +
//!    `}`; anything else as `JSON.stringify` writes it;
//! 3. keccak256 of that text, as 0x and 64 lowercase hex digits.
//!
//! Every transaction is written as raw calldata (`data`), with `contractMethod` and
//! `contractInputsValues` null, as the app itself writes a transaction given as raw data.

use crate::call::Call;
use alloy_primitives::{hex, keccak256, Address, Bytes, U256};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// The batch file format version the Transaction Builder writes and reads.
pub const FORMAT_VERSION: &str = "1.0";
/// The Transaction Builder release whose format this module follows (recorded in
/// `meta.txBuilderVersion`, as the app records its own version).
pub const TX_BUILDER_VERSION: &str = "1.18.3";

/// Why a batch file cannot be written, read or used. A file refused here is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum SafeError {
    #[error("cannot read the Safe batch {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the Safe batch {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the Safe batch {path} is not JSON: {source}")]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path} is not a Safe Transaction Builder batch: {source}")]
    NotBatch {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the Safe batch is format version {found}; vigil reads version {FORMAT_VERSION}")]
    Version { found: String },
    #[error(
        "the Safe batch has no meta.checksum: it was not written by vigil or the Transaction \
         Builder; check its transactions and write it again"
    )]
    MissingChecksum,
    #[error(
        "the Safe batch was modified since it was written (its checksum is {recorded}, its \
         content hashes to {computed}): check its transactions and write it again"
    )]
    BadChecksum { recorded: String, computed: String },
    #[error("the Safe batch's chainId {0:?} is not a chain id (a decimal number)")]
    BadChainId(String),
    #[error("the Safe batch's createdFromSafeAddress {0:?} is not an address")]
    BadSafe(String),
    #[error("transaction {index} of the Safe batch: `to` {value:?} is not an address")]
    BadAddress { index: usize, value: String },
    #[error(
        "transaction {index} of the Safe batch: `value` {value:?} is not a decimal amount of wei"
    )]
    BadValue { index: usize, value: String },
    #[error("transaction {index} of the Safe batch: `data` {value:?} is not 0x-prefixed hex")]
    BadData { index: usize, value: String },
    #[error(
        "transaction {index} of the Safe batch is given as a contract method and its inputs, not \
         as raw data: vigil decodes raw-data transactions only"
    )]
    MethodCall { index: usize },
    #[error("{path} is a batch for chain {found}, not chain {wanted}: write to another file")]
    OtherChain {
        path: PathBuf,
        found: u64,
        wanted: u64,
    },
    #[error("{path} is a batch for the Safe {found}, not {wanted}: write to another file")]
    OtherSafe {
        path: PathBuf,
        found: String,
        wanted: Address,
    },
}

/// A batch file, field for field as the Transaction Builder writes it (so the order of the
/// fields here is the order in the file). Strings stay strings as they were read: the checksum
/// covers their exact text, and [`Batch::calls`] is where they are parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Batch {
    pub version: String,
    /// Decimal, as a string.
    pub chain_id: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: u64,
    pub meta: Meta,
    pub transactions: Vec<Transaction>,
}

/// The app writes every field; other tools may leave the optional ones out, and a field left
/// out stays out when the batch is written again (its absence is part of the checksum). A null
/// here, which the app never writes, reads as absent, so such a file fails its checksum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_builder_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_from_safe_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_from_owner_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

/// One transaction. The three optional fields keep the difference between absent (`None`) and
/// null (`Some(Value::Null)`), because the checksum sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Transaction {
    pub to: String,
    /// Wei, decimal, as a string (the app refuses a number: JavaScript's lose precision).
    pub value: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub data: Option<Value>,
    /// The ABI fragment of the method, when the transaction is given by method and inputs.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub contract_method: Option<Value>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub contract_inputs_values: Option<Value>,
}

/// A field that is present, even as null, is `Some`; serde's `default` makes an absent one `None`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl Transaction {
    /// How the app writes a transaction entered as raw data.
    fn raw(call: &Call) -> Self {
        Transaction {
            to: call.to.to_checksum(None),
            value: call.value.to_string(),
            data: Some(Value::String(hex::encode_prefixed(&call.data))),
            contract_method: Some(Value::Null),
            contract_inputs_values: Some(Value::Null),
        }
    }

    /// The call this transaction makes. Like the app, non-empty `data` wins over a contract
    /// method; a transaction with neither sends empty calldata.
    fn call(&self, index: usize) -> Result<Call, SafeError> {
        let to = parse_address(&self.to).ok_or_else(|| SafeError::BadAddress {
            index,
            value: self.to.clone(),
        })?;
        let value = parse_wei(&self.value).ok_or_else(|| SafeError::BadValue {
            index,
            value: self.value.clone(),
        })?;
        let data = match &self.data {
            Some(Value::String(text)) if !text.is_empty() => {
                parse_data(text).ok_or_else(|| SafeError::BadData {
                    index,
                    value: text.clone(),
                })?
            }
            None | Some(Value::Null) | Some(Value::String(_)) => {
                if matches!(&self.contract_method, Some(method) if !method.is_null()) {
                    return Err(SafeError::MethodCall { index });
                }
                Bytes::new()
            }
            Some(other) => {
                return Err(SafeError::BadData {
                    index,
                    value: other.to_string(),
                })
            }
        };
        Ok(Call { to, value, data })
    }
}

impl Batch {
    /// A batch of `calls` for the Safe `safe` on chain `chain_id`, created now.
    pub fn new(
        chain_id: u64,
        safe: Address,
        name: &str,
        description: &str,
        calls: &[Call],
    ) -> Batch {
        Batch::at(now_ms(), chain_id, safe, name, description, calls)
    }

    /// [`Batch::new`] with a given creation time (milliseconds since the Unix epoch).
    pub fn at(
        created_at: u64,
        chain_id: u64,
        safe: Address,
        name: &str,
        description: &str,
        calls: &[Call],
    ) -> Batch {
        let mut batch = Batch {
            version: FORMAT_VERSION.to_owned(),
            chain_id: chain_id.to_string(),
            created_at,
            meta: Meta {
                name: name.to_owned(),
                description: Some(description.to_owned()),
                tx_builder_version: Some(TX_BUILDER_VERSION.to_owned()),
                created_from_safe_address: Some(safe.to_checksum(None)),
                created_from_owner_address: Some(String::new()),
                checksum: None,
            },
            transactions: calls.iter().map(Transaction::raw).collect(),
        };
        batch.meta.checksum = Some(batch.checksum());
        batch
    }

    /// The checksum the Transaction Builder computes for this batch (see the module's doc).
    pub fn checksum(&self) -> String {
        let mut value = serde_json::to_value(self).expect("a batch is plain JSON");
        let meta = value["meta"]
            .as_object_mut()
            .expect("a batch's meta is an object");
        meta.remove("checksum");
        meta.insert("name".to_owned(), Value::Null);
        let mut text = String::new();
        canonical(&value, &mut text);
        hex::encode_prefixed(keccak256(text.as_bytes()))
    }

    /// Whether `meta.checksum` is the one the content hashes to.
    pub fn verify_checksum(&self) -> Result<(), SafeError> {
        let recorded = self
            .meta
            .checksum
            .as_ref()
            .ok_or(SafeError::MissingChecksum)?;
        let computed = self.checksum();
        if *recorded != computed {
            return Err(SafeError::BadChecksum {
                recorded: recorded.clone(),
                computed,
            });
        }
        Ok(())
    }

    /// The chain the batch is for.
    pub fn chain(&self) -> Result<u64, SafeError> {
        let digits = !self.chain_id.is_empty() && self.chain_id.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| self.chain_id.parse().ok())
            .flatten()
            .ok_or_else(|| SafeError::BadChainId(self.chain_id.clone()))
    }

    /// The Safe the batch was written for.
    pub fn safe(&self) -> Result<Address, SafeError> {
        let text = self.meta.created_from_safe_address.as_deref().unwrap_or("");
        parse_address(text).ok_or_else(|| SafeError::BadSafe(text.to_owned()))
    }

    /// The calls of the batch, in order, decoded back from the file.
    pub fn calls(&self) -> Result<Vec<Call>, SafeError> {
        self.transactions
            .iter()
            .enumerate()
            .map(|(index, tx)| tx.call(index))
            .collect()
    }

    /// Writes the batch, pretty-printed, with its checksum recomputed so the file is always one
    /// the app accepts. The file is replaced whole (written beside it, then renamed), so an
    /// interrupted write leaves the previous file.
    pub fn write(&self, path: &Path) -> Result<(), SafeError> {
        let mut sealed = self.clone();
        sealed.meta.checksum = Some(self.checksum());
        let mut text = serde_json::to_string_pretty(&sealed).expect("a batch is plain JSON");
        text.push('\n');
        let write_error = |source| SafeError::Write {
            path: path.to_owned(),
            source,
        };
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        std::fs::write(&partial, text).map_err(write_error)?;
        std::fs::rename(&partial, path).map_err(write_error)
    }

    /// Reads a batch and checks all of it: format version, checksum, chain id, the Safe's
    /// address and every transaction's `to`, `value` and `data`.
    pub fn read(path: &Path) -> Result<Batch, SafeError> {
        let text = std::fs::read_to_string(path).map_err(|source| SafeError::Read {
            path: path.to_owned(),
            source,
        })?;
        let value: Value = serde_json::from_str(&text).map_err(|source| SafeError::NotJson {
            path: path.to_owned(),
            source,
        })?;
        let batch: Batch = serde_json::from_value(value).map_err(|source| SafeError::NotBatch {
            path: path.to_owned(),
            source,
        })?;
        if batch.version != FORMAT_VERSION {
            return Err(SafeError::Version {
                found: batch.version,
            });
        }
        batch.verify_checksum()?;
        batch.chain()?;
        batch.safe()?;
        batch.calls()?;
        Ok(batch)
    }

    /// Adds `calls` to the batch at `path`, creating it (named after the file) when there is
    /// none, so several commands build one batch for the owners to sign at once. A file for
    /// another chain or Safe, or one that does not read back whole, is refused and left as it was.
    pub fn append(
        path: &Path,
        chain_id: u64,
        safe: Address,
        calls: &[Call],
    ) -> Result<Batch, SafeError> {
        let batch = if path.exists() {
            let mut batch = Batch::read(path)?;
            let found = batch.chain()?;
            if found != chain_id {
                return Err(SafeError::OtherChain {
                    path: path.to_owned(),
                    found,
                    wanted: chain_id,
                });
            }
            if batch.safe()? != safe {
                return Err(SafeError::OtherSafe {
                    path: path.to_owned(),
                    found: batch.meta.created_from_safe_address.unwrap_or_default(),
                    wanted: safe,
                });
            }
            batch
                .transactions
                .extend(calls.iter().map(Transaction::raw));
            batch.meta.checksum = Some(batch.checksum());
            batch
        } else {
            let name = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            Batch::new(chain_id, safe, &name, "", calls)
        };
        batch.write(path)?;
        Ok(batch)
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The tx-builder's canonical serialization (step 2 of the module's doc). Strings, booleans and
/// null come out of serde_json as `JSON.stringify` writes them (same escapes: `\"`, `\\`,
/// `\b\f\n\r\t`, `\u00xx` in lowercase for the other control characters, nothing else
/// escaped); numbers do for integers, the only numbers in the format.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            // JavaScript sorts strings by UTF-16 code units, not by code points.
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            out.push_str(&serde_json::to_string(&keys).expect("strings are JSON"));
            for key in keys {
                canonical(&map[key], out);
                out.push(',');
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// An address as the app accepts one: 0x and 40 hex digits; mixed case must be the EIP-55
/// checksum (a wrong one is a typo), all-lower or all-upper case is taken as it is.
fn parse_address(text: &str) -> Option<Address> {
    let digits = text.strip_prefix("0x")?;
    if digits.len() != 40 {
        return None;
    }
    let address = Address::from_str(text).ok()?;
    let lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    (!(lower && upper) || address.to_checksum(None) == text).then_some(address)
}

fn parse_wei(text: &str) -> Option<U256> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    U256::from_str_radix(text, 10).ok()
}

fn parse_data(text: &str) -> Option<Bytes> {
    let digits = text.strip_prefix("0x")?;
    hex::decode(digits).ok().map(Bytes::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const SAFE: Address = address!("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a");

    fn calls() -> Vec<Call> {
        vec![
            Call {
                to: address!("00000000000000000000000000000000000000aa"),
                value: U256::from(1_000_000_000_000_000_000u128),
                data: Bytes::new(),
            },
            Call {
                to: address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"),
                value: U256::ZERO,
                data: Bytes::from(vec![0xa9, 0x05, 0x9c, 0xbb, 0x00, 0x01]),
            },
        ]
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vigil-safe-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_written_batch_reads_back_to_the_same_calls() {
        let dir = scratch("round-trip");
        let path = dir.join("batch.json");
        let batch = Batch::new(421_614, SAFE, "resolve", "a dispute", &calls());
        batch.write(&path).unwrap();
        let read = Batch::read(&path).unwrap();
        assert_eq!(read, batch);
        assert_eq!(read.calls().unwrap(), calls());
        assert_eq!(read.chain().unwrap(), 421_614);
        assert_eq!(read.safe().unwrap(), SAFE);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The serialization of a one-transaction batch written out by hand from the algorithm of
    /// safe-global/safe-react-apps apps/tx-builder/src/lib/checksum.ts (`serializeJSONObject`
    /// over the file with meta.name null and meta.checksum removed), and its keccak256
    /// computed apart from this code (`cast keccak '<text>'`).
    #[test]
    fn the_checksum_is_the_tx_builders() {
        let call = Call {
            to: address!("00000000000000000000000000000000000000aa"),
            value: U256::from(5u8),
            data: Bytes::from(vec![0x12, 0x34]),
        };
        let batch = Batch::at(1_700_000_000_000, 42_161, SAFE, "n", "d", &[call]);
        let expected_text = concat!(
            r#"{["chainId","createdAt","meta","transactions","version"]"42161",1700000000000,"#,
            r#"{["createdFromOwnerAddress","createdFromSafeAddress","description","name","txBuilderVersion"]"#,
            r#""","0x5a5A5a5a5A5a5a5a5a5A5a5A5A5a5a5A5A5A5A5A","d",null,"1.18.3",},"#,
            r#"[{["contractInputsValues","contractMethod","data","to","value"]"#,
            r#"null,null,"0x1234","0x00000000000000000000000000000000000000AA","5",}],"1.0",}"#,
        );
        let mut value = serde_json::to_value(&batch).unwrap();
        let meta = value["meta"].as_object_mut().unwrap();
        meta.remove("checksum");
        meta.insert("name".into(), Value::Null);
        let mut text = String::new();
        canonical(&value, &mut text);
        assert_eq!(text, expected_text);
        assert_eq!(
            batch.meta.checksum.as_deref(),
            Some("0x30d8e5a4cc68c6f91f177e03b5f30efc380705ed682f963ee7c1948855972a86")
        );
        batch.verify_checksum().unwrap();
    }

    /// The tx-builder's own test vector (apps/tx-builder/src/lib/checksum.test.js): a batch
    /// with method-encoded transactions whose meta still holds an empty checksum when hashed.
    #[test]
    fn the_canonical_form_matches_the_tx_builders_test_vector() {
        let address = "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6";
        let method = |input: &str, kind: &str, name: &str| {
            serde_json::json!({
                "inputs": [{"internalType": kind, "name": input, "type": kind}],
                "name": name,
                "payable": false,
            })
        };
        let file = serde_json::json!({
            "version": "1.0",
            "chainId": "4",
            "createdAt": 1_646_321_521_061u64,
            "meta": {
                "name": null,
                "txBuilderVersion": "1.4.0",
                "checksum": "",
                "createdFromSafeAddress": "0xDF8a1Ce35c9a6ACE153B4e0767942f1E2291a1Aa",
                "createdFromOwnerAddress": address,
            },
            "transactions": [
                {
                    "to": address,
                    "value": "0",
                    "contractMethod": method("paramAddress", "address", "testAddress"),
                    "contractInputsValues": {"paramAddress": address},
                },
                {
                    "to": address,
                    "value": "0",
                    "contractMethod": method("paramBool", "bool", "testBool"),
                    "contractInputsValues": {"paramAddress": "", "paramBool": "false"},
                },
                {
                    "to": address,
                    "value": "2000000000000000000",
                    "data": "0x42f4579000000000000000000000000049d4450977e2c95362c13d3a31a09311e0ea26a6",
                },
            ],
        });
        let mut text = String::new();
        canonical(&file, &mut text);
        assert_eq!(
            hex::encode_prefixed(keccak256(text.as_bytes())),
            "0x4ecbfd364aa6759983915644e73f8bd411e85a2dc306f252a387c2728c4db64c"
        );
    }

    #[test]
    fn a_renamed_batch_keeps_its_checksum() {
        let mut batch = Batch::new(1, SAFE, "before", "", &calls());
        batch.meta.name = "after".into();
        batch.verify_checksum().unwrap();
    }

    #[test]
    fn a_tampered_file_is_refused() {
        let dir = scratch("tampered");
        let path = dir.join("batch.json");
        Batch::new(1, SAFE, "b", "", &calls()).write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let tampered = text.replacen("\"1000000000000000000\"", "\"9000000000000000000\"", 1);
        assert_ne!(tampered, text);
        std::fs::write(&path, &tampered).unwrap();
        assert!(matches!(
            Batch::read(&path),
            Err(SafeError::BadChecksum { .. })
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn files_that_are_not_batches_are_refused() {
        let dir = scratch("refused");
        let path = dir.join("batch.json");
        assert!(matches!(Batch::read(&path), Err(SafeError::Read { .. })));
        std::fs::write(&path, "{ not json").unwrap();
        assert!(matches!(Batch::read(&path), Err(SafeError::NotJson { .. })));
        std::fs::write(&path, r#"{"version": "1.0"}"#).unwrap();
        assert!(matches!(
            Batch::read(&path),
            Err(SafeError::NotBatch { .. })
        ));
        let mut batch = Batch::new(1, SAFE, "b", "", &calls());
        batch.version = "2.0".into();
        batch.write(&path).unwrap();
        assert!(matches!(Batch::read(&path), Err(SafeError::Version { .. })));
        let mut unsealed = serde_json::to_value(Batch::new(1, SAFE, "b", "", &calls())).unwrap();
        unsealed["meta"].as_object_mut().unwrap().remove("checksum");
        std::fs::write(&path, unsealed.to_string()).unwrap();
        assert!(matches!(
            Batch::read(&path),
            Err(SafeError::MissingChecksum)
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Each field broken in turn, in a file whose checksum is right: the content is refused.
    #[test]
    fn bad_fields_are_refused_by_name() {
        let dir = scratch("fields");
        let path = dir.join("batch.json");
        let broken = |edit: &dyn Fn(&mut Batch)| {
            let mut batch = Batch::new(1, SAFE, "b", "", &calls());
            edit(&mut batch);
            batch.write(&path).unwrap();
            Batch::read(&path).unwrap_err()
        };
        let e = broken(&|b| b.chain_id = "0x1".into());
        assert!(matches!(e, SafeError::BadChainId(_)), "{e}");
        let e = broken(&|b| b.meta.created_from_safe_address = None);
        assert!(matches!(e, SafeError::BadSafe(_)), "{e}");
        let e =
            broken(&|b| b.transactions[1].to = "0x3f1eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E".into());
        assert!(matches!(e, SafeError::BadAddress { index: 1, .. }), "{e}");
        let e = broken(&|b| b.transactions[0].value = "1e18".into());
        assert!(matches!(e, SafeError::BadValue { index: 0, .. }), "{e}");
        let e = broken(&|b| b.transactions[1].data = Some(Value::String("0xabc".into())));
        assert!(matches!(e, SafeError::BadData { index: 1, .. }), "{e}");
        let e = broken(&|b| {
            b.transactions[0].data = Some(Value::Null);
            b.transactions[0].contract_method =
                Some(serde_json::json!({"inputs": [], "name": "f", "payable": false}));
        });
        assert!(matches!(e, SafeError::MethodCall { index: 0 }), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn appending_extends_the_batch_for_the_same_chain_and_safe_only() {
        let dir = scratch("append");
        let path = dir.join("governance.json");
        let [first, second] = <[Call; 2]>::try_from(calls()).unwrap();
        let created = Batch::append(&path, 1, SAFE, std::slice::from_ref(&first)).unwrap();
        assert_eq!(created.meta.name, "governance");
        Batch::append(&path, 1, SAFE, std::slice::from_ref(&second)).unwrap();
        let read = Batch::read(&path).unwrap();
        assert_eq!(read.calls().unwrap(), calls());
        assert_eq!(read.created_at, created.created_at);

        let before = std::fs::read(&path).unwrap();
        let e = Batch::append(&path, 2, SAFE, &calls()).unwrap_err();
        assert!(
            matches!(
                e,
                SafeError::OtherChain {
                    found: 1,
                    wanted: 2,
                    ..
                }
            ),
            "{e}"
        );
        let other = Address::repeat_byte(0x11);
        let e = Batch::append(&path, 1, other, &calls()).unwrap_err();
        assert!(matches!(e, SafeError::OtherSafe { .. }), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
