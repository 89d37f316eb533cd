//! `vigil explorer`: serves the explorer web page (explorer/dist, built by `npm run build` in
//! explorer/) and a `config.json` naming the chain and Vigil's addresses on it. The page itself
//! speaks JSON-RPC to the node: this server hands out files and never sits between the page and
//! the chain, so the same files work from any static host (with the config in the page's URL).

use crate::context::Vigil;
use alloy_primitives::Address;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;

/// The files a build writes; without them there is no page to serve.
const BUILT: [&str; 3] = ["index.html", "app.js", "style.css"];

#[derive(Debug, thiserror::Error)]
pub enum ExplorerError {
    #[error(
        "the explorer is not built ({missing} is missing): run `npm --prefix explorer ci && npm \
         --prefix explorer run build` in the repository, or name the built files with --dist"
    )]
    NotBuilt { missing: PathBuf },
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("the explorer's server stopped: {0}")]
    Accept(std::io::Error),
    #[error("the explorer's config does not serialise: {0}")]
    Config(serde_json::Error),
}

/// What the page reads from `config.json`: where the chain is and where Vigil is on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub chain_id: u64,
    pub rpc_url: String,
    /// The WebSocket the page subscribes to logs through (and reads over); None: HTTP polling.
    pub ws_url: Option<String>,
    pub registry: Address,
    pub guard: Address,
    /// The deployment's first block, where the page's log queries start.
    pub from_block: u64,
}

impl Config {
    /// The config for `vigil` on the chain at `rpc_url`. Without `ws_url`, a loopback HTTP
    /// endpoint's WebSocket is taken to be on the same port (the local node serves both there);
    /// a public RPC's WebSocket, when it has one, is elsewhere and must be named.
    pub fn new(vigil: &Vigil, rpc_url: &str, ws_url: Option<String>) -> Self {
        Config {
            chain_id: vigil.chain_id,
            rpc_url: rpc_url.to_owned(),
            ws_url: ws_url.or_else(|| loopback_ws(rpc_url)),
            registry: vigil.registry,
            guard: vigil.guard,
            from_block: vigil.from_block(),
        }
    }
}

/// `ws://host:port/path` for an `http://` URL whose host is this machine.
fn loopback_ws(rpc_url: &str) -> Option<String> {
    let rest = rpc_url.strip_prefix("http://")?;
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let loopback = name == "localhost"
        || name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    loopback.then(|| format!("ws://{rest}"))
}

/// A directory that holds a build of the page.
pub struct Build(PathBuf);

impl Build {
    /// Checked first, before the chain is asked anything, so a missing build is the one error.
    pub fn find(dist: &Path) -> Result<Self, ExplorerError> {
        for file in BUILT {
            let path = dist.join(file);
            if !path.is_file() {
                return Err(ExplorerError::NotBuilt { missing: path });
            }
        }
        Ok(Build(dist.to_owned()))
    }
}

/// The built files and the config, as served.
pub struct Site {
    dist: PathBuf,
    config: Bytes,
}

impl Site {
    pub fn new(build: Build, config: &Config) -> Result<Self, ExplorerError> {
        let config = serde_json::to_vec_pretty(config).map_err(ExplorerError::Config)?;
        Ok(Site {
            dist: build.0,
            config: Bytes::from(config),
        })
    }

    async fn respond(&self, request: &Request<Incoming>) -> Response<Full<Bytes>> {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            let mut response = reply(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "GET only\n");
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let path = request.uri().path();
        if path == "/config.json" {
            return reply(StatusCode::OK, "application/json", self.config.clone());
        }
        let Some(file) = self.file(path) else {
            return reply(StatusCode::NOT_FOUND, "text/plain", "not found\n");
        };
        match tokio::fs::read(&file).await {
            Ok(body) => reply(StatusCode::OK, content_type(&file), body),
            Err(_) => reply(StatusCode::NOT_FOUND, "text/plain", "not found\n"),
        }
    }

    /// The file under `dist` that `path` names; None for a path that would leave it.
    fn file(&self, path: &str) -> Option<PathBuf> {
        let relative = match path.trim_start_matches('/') {
            "" => "index.html",
            other => other,
        };
        let relative = Path::new(relative);
        relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            .then(|| self.dist.join(relative))
    }
}

fn reply(status: StatusCode, kind: &'static str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    // The page is rebuilt in place and the config changes with the deployment.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// Listens on `host:port`; returns the listener and the address it got (port 0: any free port).
pub async fn bind(host: IpAddr, port: u16) -> Result<(TcpListener, SocketAddr), ExplorerError> {
    let address = SocketAddr::new(host, port);
    let error = |source| ExplorerError::Bind { address, source };
    let listener = TcpListener::bind(address).await.map_err(error)?;
    let bound = listener.local_addr().map_err(error)?;
    Ok((listener, bound))
}

/// Serves `site` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, site: Site) -> Result<(), ExplorerError> {
    let site = Arc::new(site);
    loop {
        let (stream, _) = listener.accept().await.map_err(ExplorerError::Accept)?;
        let site = Arc::clone(&site);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let site = Arc::clone(&site);
                async move { Ok::<_, Infallible>(site.respond(&request).await) }
            });
            // A browser that drops its connection ends only that connection.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_loopback_http_endpoint_gets_a_websocket_on_its_port() {
        assert_eq!(
            loopback_ws("http://127.0.0.1:8547").as_deref(),
            Some("ws://127.0.0.1:8547")
        );
        assert_eq!(
            loopback_ws("http://localhost:8547/").as_deref(),
            Some("ws://localhost:8547/")
        );
        assert_eq!(
            loopback_ws("http://[::1]:8547").as_deref(),
            Some("ws://[::1]:8547")
        );
        assert_eq!(loopback_ws("https://sepolia-rollup.arbitrum.io/rpc"), None);
        assert_eq!(loopback_ws("http://10.0.0.7:8547"), None);
    }

    #[test]
    fn paths_stay_inside_the_build() {
        let site = Site {
            dist: PathBuf::from("/srv/dist"),
            config: Bytes::new(),
        };
        assert_eq!(site.file("/"), Some(PathBuf::from("/srv/dist/index.html")));
        assert_eq!(
            site.file("/app.js"),
            Some(PathBuf::from("/srv/dist/app.js"))
        );
        assert_eq!(site.file("/../secret"), None);
        assert_eq!(site.file("/a/../../secret"), None);
        assert_eq!(
            site.file("//etc/passwd"),
            Some(PathBuf::from("/srv/dist/etc/passwd"))
        );
    }
}
