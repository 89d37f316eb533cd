//! The JSON-RPC side of a deployment: reads, estimates, and transactions signed here and sent
//! raw, so each one's hash is known (and recorded) before it is sent.

use crate::abi::{ArbWasm, ICircuitGuard, IThreatRegistry, StylusDeployer, ARB_WASM};
use crate::call::Call;
use crate::keys::KEY_VAR;
use crate::Error;
use alloy_consensus::TxEnvelope;
use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{address, Address, Bytes, B256, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::state::StateOverridesBuilder;
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolInterface};
use alloy_transport::TransportError;
use std::time::Duration;

/// A made-up account and program for the activation fee's simulation (as `cargo stylus check`
/// does): the code is placed at the program's address by a state override, and the caller's
/// balance is overridden to pay any fee.
const FEE_PROBE_CALLER: Address = address!("00000000000000000000000000000000000f11e5");
const FEE_PROBE_PROGRAM: Address = address!("00000000000000000000000000000000000c0de5");

/// Receipts are polled this often.
const POLL: Duration = Duration::from_millis(250);

/// What a signed transaction costs at most, and what it is.
pub struct Prepared {
    pub request: TransactionRequest,
    pub gas: u64,
    pub max_fee_per_gas: u128,
}

pub struct Chain {
    provider: DynProvider,
    /// None for a read-only client (status, doctor, a batch written for a Safe).
    wallet: Option<EthereumWallet>,
    pub url: String,
    /// The signer's address; the zero address for a read-only client.
    pub from: Address,
}

impl Chain {
    /// Builds the client; nothing is sent until the first call.
    pub async fn connect(url: &str, signer: PrivateKeySigner) -> Result<Self, Error> {
        let mut chain = Self::reader(url).await?;
        chain.from = signer.address();
        chain.wallet = Some(EthereumWallet::from(signer));
        Ok(chain)
    }

    /// A client that reads and simulates but cannot sign.
    pub async fn reader(url: &str) -> Result<Self, Error> {
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .connect(url)
            .await
            .map_err(|e| Error::Unreachable {
                url: url.to_owned(),
                message: e.to_string(),
            })?
            .erased();
        Ok(Chain {
            provider,
            from: Address::ZERO,
            wallet: None,
            url: url.to_owned(),
        })
    }

    /// The JSON-RPC client itself, for what this type does not wrap (the watcher's block reads).
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// A failed request: the node unreachable, or a refusal worth naming.
    fn fail(&self, what: &str, e: TransportError) -> Error {
        if e.is_transport_error() {
            Error::Unreachable {
                url: self.url.clone(),
                message: e.to_string(),
            }
        } else {
            Error::Rpc {
                what: what.to_owned(),
                message: explain(&e),
            }
        }
    }

    pub async fn chain_id(&self) -> Result<u64, Error> {
        self.provider
            .get_chain_id()
            .await
            .map_err(|e| self.fail("eth_chainId", e))
    }

    pub async fn code(&self, at: Address) -> Result<Bytes, Error> {
        self.provider
            .get_code_at(at)
            .await
            .map_err(|e| self.fail("eth_getCode", e))
    }

    pub async fn balance(&self, of: Address) -> Result<U256, Error> {
        self.provider
            .get_balance(of)
            .await
            .map_err(|e| self.fail("eth_getBalance", e))
    }

    pub async fn nonce(&self, of: Address) -> Result<u64, Error> {
        self.provider
            .get_transaction_count(of)
            .await
            .map_err(|e| self.fail("eth_getTransactionCount", e))
    }

    /// The latest block's timestamp: the clock the timelocks read.
    pub async fn now(&self) -> Result<u64, Error> {
        let block = self
            .provider
            .get_block_by_number(Default::default())
            .await
            .map_err(|e| self.fail("eth_getBlockByNumber", e))?;
        block.map(|b| b.header.timestamp).ok_or_else(|| Error::Rpc {
            what: "eth_getBlockByNumber".into(),
            message: "no latest block".into(),
        })
    }

    /// `eth_call` of `call` on `to`, decoded; a revert is an error that names it.
    pub async fn read<C: SolCall>(&self, to: Address, call: C) -> Result<C::Return, Error> {
        let request = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        let out = self
            .provider
            .call(request)
            .await
            .map_err(|e| self.fail(C::SIGNATURE, e))?;
        C::abi_decode_returns(&out).map_err(|e| Error::Rpc {
            what: C::SIGNATURE.to_owned(),
            message: format!("undecodable answer 0x{out:x}: {e}"),
        })
    }

    /// Runs `call` from `from` on the latest state without sending it: None if it succeeds,
    /// the revert data if it reverts; any other refusal is an error.
    pub async fn simulate(&self, from: Address, call: &Call) -> Result<Option<Bytes>, Error> {
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(call.to)
            .with_value(call.value)
            .with_input(call.data.clone());
        match self.provider.call(request).await {
            Ok(_) => Ok(None),
            Err(e) => match e.as_error_resp().and_then(|p| p.as_revert_data()) {
                Some(data) => Ok(Some(data)),
                None => Err(self.fail("eth_call", e)),
            },
        }
    }

    /// The data fee the activation of `code` costs now: 0 if a program with this codehash is
    /// already active at the current Stylus version (the StylusDeployer then skips activation),
    /// else ArbWasm's own answer to a simulated `activateProgram`.
    pub async fn activation_fee(&self, codehash: B256, code: Bytes) -> Result<U256, Error> {
        let current = self.read(ARB_WASM, ArbWasm::stylusVersionCall {}).await?;
        let active = self
            .read(ARB_WASM, ArbWasm::codehashVersionCall { codehash })
            .await;
        if matches!(active, Ok(version) if version == current) {
            return Ok(U256::ZERO);
        }
        let request = TransactionRequest::default()
            .with_from(FEE_PROBE_CALLER)
            .with_to(ARB_WASM)
            .with_value(U256::from(10u64).pow(U256::from(18)))
            .with_input(
                ArbWasm::activateProgramCall {
                    program: FEE_PROBE_PROGRAM,
                }
                .abi_encode(),
            );
        let overrides = StateOverridesBuilder::default()
            .with_code(FEE_PROBE_PROGRAM, code)
            .with_balance(FEE_PROBE_CALLER, U256::MAX)
            .build();
        let out = self
            .provider
            .call(request)
            .overrides(overrides)
            .await
            .map_err(|e| self.fail("the activation's simulation (ArbWasm.activateProgram)", e))?;
        let answer =
            ArbWasm::activateProgramCall::abi_decode_returns(&out).map_err(|e| Error::Rpc {
                what: "ArbWasm.activateProgram".into(),
                message: format!("undecodable answer: {e}"),
            })?;
        Ok(answer.dataFee)
    }

    /// A transaction from the deployer with its gas estimated (with a margin: the estimate is
    /// the least that succeeds now, and a public chain moves between estimate and inclusion)
    /// and EIP-1559 fees; a revert in the estimate is the step's error, named.
    pub async fn prepare(
        &self,
        step: &str,
        to: Address,
        input: Bytes,
        value: U256,
    ) -> Result<Prepared, Error> {
        let request = TransactionRequest::default()
            .with_from(self.from)
            .with_to(to)
            .with_input(input)
            .with_value(value);
        let estimate = self
            .provider
            .estimate_gas(request.clone())
            .await
            .map_err(|e| match self.fail(step, e) {
                Error::Rpc { message, .. } => Error::WouldFail {
                    step: step.to_owned(),
                    message,
                },
                other => other,
            })?;
        let gas = estimate + estimate / 5;
        let fees = self
            .provider
            .estimate_eip1559_fees()
            .await
            .map_err(|e| self.fail("the fee estimate (eth_feeHistory)", e))?;
        Ok(Prepared {
            request: request
                .with_gas_limit(gas)
                .with_max_fee_per_gas(fees.max_fee_per_gas)
                .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas),
            gas,
            max_fee_per_gas: fees.max_fee_per_gas,
        })
    }

    /// Signs `prepared` at the account's next nonce; returns the raw transaction and its hash.
    pub async fn sign(
        &self,
        prepared: Prepared,
        chain_id: u64,
    ) -> Result<(TxEnvelope, B256), Error> {
        let wallet = self.wallet.as_ref().ok_or(Error::MissingKey(KEY_VAR))?;
        let nonce = self.nonce(self.from).await?;
        let envelope = prepared
            .request
            .with_nonce(nonce)
            .with_chain_id(chain_id)
            .build::<EthereumWallet>(wallet)
            .await
            .map_err(|e| Error::Rpc {
                what: "signing".into(),
                message: e.to_string(),
            })?;
        let hash = *envelope.tx_hash();
        Ok((envelope, hash))
    }

    pub async fn send(&self, envelope: TxEnvelope) -> Result<(), Error> {
        self.provider
            .send_tx_envelope(envelope)
            .await
            .map(|_| ())
            .map_err(|e| self.fail("eth_sendRawTransaction", e))
    }

    pub async fn receipt(&self, tx: B256) -> Result<Option<TransactionReceipt>, Error> {
        self.provider
            .get_transaction_receipt(tx)
            .await
            .map_err(|e| self.fail("eth_getTransactionReceipt", e))
    }

    /// Whether the node knows `tx` at all (mined or waiting).
    pub async fn known(&self, tx: B256) -> Result<bool, Error> {
        self.provider
            .get_transaction_by_hash(tx)
            .await
            .map(|t| t.is_some())
            .map_err(|e| self.fail("eth_getTransactionByHash", e))
    }

    /// Waits for `tx`'s receipt, however long the chain takes.
    pub async fn wait(&self, tx: B256) -> Result<TransactionReceipt, Error> {
        loop {
            if let Some(receipt) = self.receipt(tx).await? {
                return Ok(receipt);
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// The node's message, with the revert decoded when it is one of the errors Vigil or the
/// StylusDeployer define.
fn explain(e: &TransportError) -> String {
    let Some(payload) = e.as_error_resp() else {
        return e.to_string();
    };
    match payload.as_revert_data() {
        Some(data) => format!("{} ({})", payload.message, decode_revert(&data)),
        None => payload.message.to_string(),
    }
}

/// A revert's name and arguments, looking inside the StylusDeployer's wrapper of a constructor's
/// revert.
pub fn decode_revert(data: &[u8]) -> String {
    if let Ok(e) = StylusDeployer::StylusDeployerErrors::abi_decode(data) {
        if let StylusDeployer::StylusDeployerErrors::ContractInitializationError(inner) = &e {
            return format!(
                "the constructor reverted: {}",
                decode_revert(&inner.revertData)
            );
        }
        return format!("{e:?}");
    }
    if let Ok(e) = IThreatRegistry::IThreatRegistryErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = ICircuitGuard::ICircuitGuardErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = ArbWasm::ArbWasmErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    format!("revert data 0x{}", alloy_primitives::hex::encode(data))
}

/// Reads for `status` and `doctor`: logs, and calls whose revert is an answer rather than a
/// failure.
impl Chain {
    /// The `E` events `address` logged from block `from` to the latest, oldest first; `topic1`
    /// keeps only those whose first indexed argument is that word. One request: an RPC that caps
    /// log ranges refuses it, named.
    pub async fn logs<E: alloy_sol_types::SolEvent>(
        &self,
        address: Address,
        from: u64,
        topic1: Option<B256>,
    ) -> Result<Vec<E>, Error> {
        let mut filter = alloy_rpc_types_eth::Filter::new()
            .address(address)
            .event_signature(E::SIGNATURE_HASH)
            .from_block(from);
        if let Some(topic) = topic1 {
            filter = filter.topic1(topic);
        }
        let logs = self
            .provider
            .get_logs(&filter)
            .await
            .map_err(|e| self.fail(&format!("eth_getLogs of {}", E::SIGNATURE), e))?;
        logs.iter()
            .map(|log| {
                E::decode_log_data(log.data()).map_err(|e| Error::Rpc {
                    what: format!("eth_getLogs of {}", E::SIGNATURE),
                    message: format!("undecodable log: {e}"),
                })
            })
            .collect()
    }

    /// The logs `filter` selects, undecoded and with their block, transaction and index (for
    /// `vigil feed`, which asks for bounded block ranges).
    pub async fn raw_logs(
        &self,
        filter: &alloy_rpc_types_eth::Filter,
    ) -> Result<Vec<alloy_rpc_types_eth::Log>, Error> {
        self.provider
            .get_logs(filter)
            .await
            .map_err(|e| self.fail("eth_getLogs", e))
    }

    /// The latest block's number.
    pub async fn block_number(&self) -> Result<u64, Error> {
        self.provider
            .get_block_number()
            .await
            .map_err(|e| self.fail("eth_blockNumber", e))
    }

    /// `eth_call` of `call` on `to`: its decoded answer, or the revert data when it reverts (a
    /// precompile's way of saying "expired", a guard's of saying "blocked").
    pub async fn attempt<C: SolCall>(
        &self,
        to: Address,
        call: C,
    ) -> Result<Result<C::Return, Bytes>, Error> {
        let request = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        match self.provider.call(request).await {
            Ok(out) => C::abi_decode_returns(&out).map(Ok).map_err(|e| Error::Rpc {
                what: C::SIGNATURE.to_owned(),
                message: format!("undecodable answer 0x{out:x}: {e}"),
            }),
            Err(e) => match e.as_error_resp().and_then(|p| p.as_revert_data()) {
                Some(data) => Ok(Err(data)),
                None => Err(self.fail(C::SIGNATURE, e)),
            },
        }
    }
}
