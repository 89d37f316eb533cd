//! Starting and stopping the node: HTTP and WebSocket on one port (jsonrpsee serves both), the
//! request and batch limits, the interval miner, and the final save.

use crate::accounts::DevAccounts;
use crate::chain::Chain;
use crate::filters::Filters;
use crate::node::{Node, NodeHandle};
use crate::rpc;
use crate::state::{self, StateError};
use jsonrpsee::core::middleware::{Batch, Notification, Request, RpcServiceBuilder, RpcServiceT};
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::server::{BatchRequestConfig, Server, ServerConfig, ServerHandle};
use jsonrpsee::types::error::METHOD_NOT_FOUND_CODE;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::types::SubscriptionId;
use jsonrpsee::MethodResponse;
use std::collections::HashSet;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tower_http::cors::{Any, CorsLayer};
use vigil_devnet::Devnet;

/// The Nitro dev node's port.
pub const DEFAULT_PORT: u16 = 8547;
/// Nitro's local dev chain id.
pub const DEFAULT_CHAIN_ID: u64 = 412_346;

/// The shortest `--block-time`: a shorter timer would only fill memory with empty blocks.
pub const MIN_BLOCK_TIME: Duration = Duration::from_millis(1);
/// The longest `--block-time`, a year: tokio's timer reaches only about two years.
pub const MAX_BLOCK_TIME: Duration = Duration::from_secs(365 * 24 * 3_600);

/// Why a `--block-time` is refused.
#[derive(Debug, Error, PartialEq)]
pub enum BlockTimeError {
    #[error("{0:?} is not a number of seconds: write e.g. 2 or 0.25")]
    NotANumber(String),
    #[error("{0} is not a positive, finite number of seconds: write e.g. 2 or 0.25")]
    NotPositive(String),
    #[error("{0} s is shorter than the shortest block time, 0.001 s")]
    TooShort(String),
    #[error("{0} s is longer than the longest block time, a year (31536000 s)")]
    TooLong(String),
}

/// Reads a block time in seconds, whole or fractional as anvil takes it (`2`, `0.25`).
pub fn block_time(text: &str) -> Result<Duration, BlockTimeError> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| BlockTimeError::NotANumber(text.to_string()))?;
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(BlockTimeError::NotPositive(text.to_string()));
    }
    if seconds > MAX_BLOCK_TIME.as_secs_f64() {
        return Err(BlockTimeError::TooLong(text.to_string()));
    }
    let interval = Duration::from_secs_f64(seconds);
    if interval < MIN_BLOCK_TIME {
        return Err(BlockTimeError::TooShort(text.to_string()));
    }
    Ok(interval)
}

/// How the node runs.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub chain_id: u64,
    pub state_file: Option<PathBuf>,
    /// Seal a block this often instead of after each transaction (see [`block_time`]).
    pub block_time: Option<Duration>,
    /// Largest request body accepted, in bytes.
    pub max_request_bytes: u32,
    /// Largest batch accepted, in calls.
    pub max_batch: u32,
    /// Start the clock at the served devnet's own timestamp rather than the wall clock (for a
    /// devnet prepared in-process, whose programs were activated on its clock).
    pub devnet_time: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            chain_id: DEFAULT_CHAIN_ID,
            state_file: None,
            block_time: None,
            // A state for anvil_loadState is the largest thing clients send.
            max_request_bytes: 64 * 1024 * 1024,
            max_batch: 1_000,
            devnet_time: false,
        }
    }
}

#[derive(Debug, Error)]
pub enum StartError {
    #[error("cannot derive the dev accounts: {0}")]
    Accounts(#[from] alloy_signer_local::LocalSignerError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("{0}")]
    Load(String),
    #[error(
        "cannot listen on {addr}: {source}; is another node running there? pick another --port"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("method table: {0}")]
    Methods(#[from] RegisterMethodError),
    #[error("cannot start the chain thread: {0}")]
    Thread(std::io::Error),
    #[error("block time {0:?} is outside {MIN_BLOCK_TIME:?} to {MAX_BLOCK_TIME:?}")]
    BlockTime(Duration),
}

/// Subscription ids as geth writes them: 0x-prefixed hex.
#[derive(Debug, Default)]
struct HexIds(AtomicU64);

impl jsonrpsee::core::traits::IdProvider for HexIds {
    fn next_id(&self) -> SubscriptionId<'static> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        SubscriptionId::Str(format!("{n:#x}").into())
    }
}

/// Answers a call to a method the node does not serve with a message that says where the served
/// ones are listed (batch entries keep jsonrpsee's plain "Method not found").
#[derive(Clone)]
struct NamedMethods<S> {
    inner: S,
    known: Arc<HashSet<&'static str>>,
}

impl<S> RpcServiceT for NamedMethods<S>
where
    S: RpcServiceT<
            MethodResponse = MethodResponse,
            BatchResponse = MethodResponse,
            NotificationResponse = MethodResponse,
        > + Clone
        + Send
        + Sync
        + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = MethodResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        let known = self.known.contains(request.method_name());
        let inner = self.inner.clone();
        async move {
            if known {
                return inner.call(request).await;
            }
            let message = format!(
                "the method {} does not exist on vigil-node: it serves the eth_, net_, web3_, \
                 debug_trace, evm_ and anvil_ methods listed in devnet/README.md",
                request.method_name()
            );
            let error = ErrorObjectOwned::owned(METHOD_NOT_FOUND_CODE, message, None::<()>);
            MethodResponse::error(request.id, error)
        }
    }

    fn batch<'a>(&self, requests: Batch<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        self.inner.batch(requests)
    }

    fn notification<'a>(
        &self,
        notification: Notification<'a>,
    ) -> impl Future<Output = MethodResponse> + Send + 'a {
        self.inner.notification(notification)
    }
}

/// A running node.
pub struct Running {
    pub addr: SocketAddr,
    pub node: NodeHandle,
    /// The prefunded accounts, for printing.
    pub accounts: DevAccounts,
    handle: ServerHandle,
    miner: Option<JoinHandle<()>>,
}

impl Running {
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Stops serving and saves the state file.
    pub async fn stop(self) -> Result<(), crate::error::RpcError> {
        if let Some(miner) = self.miner {
            miner.abort();
        }
        // Already stopped is fine: the node is going away either way.
        let _ = self.handle.stop();
        self.handle.stopped().await;
        self.node.run(Node::save).await?
    }
}

/// Starts a node serving the devnet `devnet` builds (a fresh one, or one with contracts on it;
/// it is built on the chain thread, since a devnet cannot move between threads). The state
/// file, if it exists, replaces that devnet's state.
pub async fn start<D>(config: Config, devnet: D) -> Result<Running, StartError>
where
    D: FnOnce() -> Devnet + Send + 'static,
{
    if let Some(interval) = config
        .block_time
        .filter(|t| !(MIN_BLOCK_TIME..=MAX_BLOCK_TIME).contains(t))
    {
        return Err(StartError::BlockTime(interval));
    }
    let accounts = DevAccounts::derive()?;
    let (chain_id, interval, devnet_time, state_file) = (
        config.chain_id,
        config.block_time.is_some(),
        config.devnet_time,
        config.state_file.clone(),
    );
    let dev = accounts.clone();
    let node = NodeHandle::spawn(move || {
        let mut chain = Chain::new(devnet(), chain_id, dev, interval, devnet_time);
        if let Some(path) = &state_file {
            if let Some(saved) = state::load(path)? {
                chain
                    .load(saved)
                    .map_err(|e| StartError::Load(e.to_string()))?;
            }
        }
        Ok(Node {
            chain,
            filters: Filters::default(),
            state_file,
        })
    })?;
    let server_config = ServerConfig::builder()
        .max_request_body_size(config.max_request_bytes)
        .max_response_body_size(u32::MAX)
        .set_batch_request_config(BatchRequestConfig::Limit(config.max_batch))
        .set_id_provider(HexIds::default())
        .build();
    let addr = SocketAddr::new(config.host, config.port);
    let module = rpc::module(node.clone())?;
    let known: Arc<HashSet<&'static str>> = Arc::new(module.method_names().collect());
    let middleware = RpcServiceBuilder::new().layer_fn(move |inner| NamedMethods {
        inner,
        known: known.clone(),
    });
    // Any origin, method and header, as anvil: a local dev chain read by pages served elsewhere.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(Any)
        .allow_headers(Any);
    let server = Server::builder()
        .set_config(server_config)
        .set_http_middleware(tower::ServiceBuilder::new().layer(cors))
        .set_rpc_middleware(middleware)
        .build(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let addr = server
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    let handle = server.start(module);
    let miner = config.block_time.map(|period| {
        let node = node.clone();
        tokio::spawn(async move {
            let mut timer = tokio::time::interval(period);
            // A chain thread busy past a tick seals one block late, not a burst of empty ones.
            timer.set_missed_tick_behavior(MissedTickBehavior::Skip);
            timer.tick().await;
            loop {
                timer.tick().await;
                if node.run(|node| node.chain.mine()).await.is_err() {
                    return;
                }
            }
        })
    });
    Ok(Running {
        addr,
        node,
        accounts,
        handle,
        miner,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_times_are_whole_or_fractional_seconds() {
        assert_eq!(block_time("2"), Ok(Duration::from_secs(2)));
        assert_eq!(block_time("0.25"), Ok(Duration::from_millis(250)));
        assert_eq!(block_time("0.001"), Ok(MIN_BLOCK_TIME));
    }

    #[test]
    fn zero_negative_and_non_finite_block_times_are_refused() {
        for text in ["0", "0.0", "-1", "-0.25", "NaN", "inf", "-inf"] {
            assert_eq!(
                block_time(text),
                Err(BlockTimeError::NotPositive(text.into())),
                "{text}"
            );
        }
        assert_eq!(
            block_time("0.0001"),
            Err(BlockTimeError::TooShort("0.0001".into()))
        );
        assert_eq!(
            block_time("fast"),
            Err(BlockTimeError::NotANumber("fast".into()))
        );
        assert_eq!(
            block_time("1e30"),
            Err(BlockTimeError::TooLong("1e30".into()))
        );
    }
}
