//! anvil, the baseline, as a child process on a free port of 127.0.0.1. Dropping the handle kills
//! it, so it goes away however the benchmark ends (an error, a panic, Ctrl-C).

use crate::rpc::Rpc;
use crate::BenchError;
use serde_json::json;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// anvil mines on an interval of this many seconds. Its automine (a block per arriving
/// transaction, the default) stops mining under this load: after a few hundred back-to-back
/// transactions from one sender, its pool keeps an already mined transaction as ready, no block
/// follows, and the run never ends (anvil 1.7.1; foundry-rs/foundry#10122 reports automine missing
/// ready transactions). A short interval drains every ready transaction each tick, anvil's fastest
/// mode for a backlog, and costs at most one tick per run.
pub const BLOCK_TIME: &str = "0.05";
/// How long anvil may take to answer its first call.
const START_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Anvil {
    child: Child,
    pub url: String,
}

impl Anvil {
    /// Starts `<workspace>/node_modules/.bin/anvil` (script/setup-forge.sh installs it), mining
    /// every [`BLOCK_TIME`], and waits until it answers.
    pub async fn start(workspace: &Path) -> Result<Self, BenchError> {
        let program = workspace.join("node_modules/.bin/anvil");
        if !program.exists() {
            return Err(BenchError::Anvil(format!(
                "{} is missing: run script/setup-forge.sh",
                program.display()
            )));
        }
        // anvil --port 0 would pick a port but only say which in its log; a port just freed by
        // the OS is free enough for a benchmark.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| BenchError::Anvil(format!("no free port: {e}")))?
            .port();
        let child = Command::new(&program)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--silent",
            ])
            .args(["--block-time", BLOCK_TIME])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| BenchError::Anvil(format!("cannot run {}: {e}", program.display())))?;
        let mut anvil = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        anvil.wait_ready().await?;
        Ok(anvil)
    }

    async fn wait_ready(&mut self) -> Result<(), BenchError> {
        let rpc = Rpc::new(&self.url);
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(BenchError::Anvil(format!("exited at start with {status}")));
            }
            if rpc.call("eth_chainId", json!([])).await.is_ok() {
                return Ok(());
            }
            if start.elapsed() > START_TIMEOUT {
                return Err(BenchError::Anvil(format!(
                    "no answer on {} after {START_TIMEOUT:?}",
                    self.url
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        // Already exited is fine: either way nothing is left running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
