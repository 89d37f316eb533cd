//! The chain runs on one thread of its own and every request is a job sent to it. The devnet
//! is not `Send` (revm's context holds `Rc`s), and one owner also serialises clients: requests
//! from many connections apply one at a time, in arrival order. A job that panics is caught
//! there; the client gets an internal error and the chain thread goes on.

use crate::chain::Chain;
use crate::error::RpcError;
use crate::filters::Filters;
use crate::server::StartError;
use crate::state;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::thread;
use tokio::sync::{mpsc, oneshot};

/// Everything the chain thread owns.
pub struct Node {
    pub chain: Chain,
    pub filters: Filters,
    /// Where `anvil_dumpState` also saves, and shutdown saves (`--state`).
    pub state_file: Option<PathBuf>,
}

impl Node {
    /// Saves the chain to the state file, if there is one.
    pub fn save(&mut self) -> Result<(), RpcError> {
        let Some(path) = self.state_file.clone() else {
            return Ok(());
        };
        let saved = self.chain.save();
        state::save(&path, &saved).map_err(|e| RpcError::State(e.to_string()))
    }
}

type Job = Box<dyn FnOnce(&mut Node) + Send>;

/// A cloneable handle that sends jobs to the chain thread.
#[derive(Clone)]
pub struct NodeHandle {
    jobs: mpsc::UnboundedSender<Job>,
}

impl NodeHandle {
    /// Starts the chain thread with the node `make` builds there.
    pub fn spawn<M>(make: M) -> Result<Self, StartError>
    where
        M: FnOnce() -> Result<Node, StartError> + Send + 'static,
    {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        let (ready, started) = std::sync::mpsc::channel();
        thread::Builder::new()
            .name("vigil-chain".into())
            .spawn(move || {
                let mut node = match make() {
                    Ok(node) => node,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let _ = ready.send(Ok(()));
                while let Some(job) = queue.blocking_recv() {
                    // A panicking job drops its reply, which tells its caller.
                    let _ = catch_unwind(AssertUnwindSafe(|| job(&mut node)));
                }
            })
            .map_err(StartError::Thread)?;
        match started.recv() {
            Ok(Ok(())) => Ok(Self { jobs }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(StartError::Load("the chain panicked while starting".into())),
        }
    }

    /// Runs `f` on the chain thread and returns its result.
    pub async fn run<R, F>(&self, f: F) -> Result<R, RpcError>
    where
        F: FnOnce(&mut Node) -> R + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |node| {
            let _ = reply.send(f(node));
        });
        self.jobs
            .send(job)
            .map_err(|_| RpcError::Devnet("the chain thread has stopped".into()))?;
        answer.await.map_err(|_| {
            RpcError::Internal("the request panicked on the chain thread; please report it".into())
        })
    }
}
