//! What every command after `deploy` starts from: the chain behind `--rpc-url`, and Vigil's
//! addresses on it, read from `deployments/<chainId>.json` unless named on the command line (a
//! deployment made with `cargo stylus deploy`, or someone else's).

use crate::chain::Chain;
use crate::keys;
use crate::record::Record;
use crate::Error;
use alloy_primitives::Address;
use std::path::PathBuf;

/// The options every command takes.
#[derive(clap::Args, Clone, Debug)]
pub struct Global {
    /// The chain's JSON-RPC endpoint (the local node listens on 8547).
    #[arg(
        long,
        global = true,
        env = "VIGIL_RPC_URL",
        default_value = "http://127.0.0.1:8547"
    )]
    pub rpc_url: String,
    /// Where <chainId>.json records the deployment.
    #[arg(long, global = true, default_value = "deployments")]
    pub deployments: PathBuf,
    /// The registry's address, instead of the recorded one.
    #[arg(long, global = true)]
    pub registry: Option<Address>,
    /// The guard's address, instead of the recorded one.
    #[arg(long, global = true)]
    pub guard: Option<Address>,
    /// An encrypted keystore (as `cast wallet import` writes) to sign with; the password is
    /// asked at the terminal, or read from VIGIL_KEYSTORE_PASSWORD. Without it the key is read
    /// from VIGIL_PRIVATE_KEY.
    #[arg(long, global = true)]
    pub keystore: Option<PathBuf>,
    /// Print the result as JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Seconds to wait for a transaction to be mined before reporting it stuck.
    #[arg(long, global = true, default_value_t = 120)]
    pub timeout: u64,
}

/// Vigil on one chain.
pub struct Vigil {
    pub chain: Chain,
    pub chain_id: u64,
    pub registry: Address,
    pub guard: Address,
    pub record: Option<Record>,
    pub json: bool,
    pub timeout: u64,
}

impl Vigil {
    /// Connects read-only (status, doctor, a batch written for a Safe).
    pub async fn reader(global: &Global) -> Result<Self, Error> {
        Self::open(global, Chain::reader(&global.rpc_url).await?).await
    }

    /// Connects with the key of `--keystore` or VIGIL_PRIVATE_KEY, checked before any request.
    pub async fn signer(global: &Global) -> Result<Self, Error> {
        let signer = keys::signer(global.keystore.as_deref())?;
        Self::open(global, Chain::connect(&global.rpc_url, signer).await?).await
    }

    async fn open(global: &Global, chain: Chain) -> Result<Self, Error> {
        let chain_id = chain.chain_id().await?;
        let path = Record::path(&global.deployments, chain_id);
        let record = Record::load(&path)?;
        let recorded = |pick: fn(&Record) -> Option<Address>| record.as_ref().and_then(pick);
        let registry = global
            .registry
            .or_else(|| recorded(|r| r.programs.registry.as_ref().map(|p| p.address)));
        let guard = global
            .guard
            .or_else(|| recorded(|r| r.programs.guard.as_ref().map(|p| p.address)));
        let (Some(registry), Some(guard)) = (registry, guard) else {
            return Err(Error::NoDeployment { path, chain_id });
        };
        for (what, address) in [("registry", registry), ("guard", guard)] {
            if chain.code(address).await?.is_empty() {
                return Err(Error::NotDeployed {
                    what,
                    address,
                    chain_id,
                });
            }
        }
        Ok(Vigil {
            chain,
            chain_id,
            registry,
            guard,
            record,
            json: global.json,
            timeout: global.timeout,
        })
    }
}

impl Vigil {
    /// The first block Vigil's logs can be in: the recorded deployment's when the addresses in
    /// use are the recorded ones, else genesis (addresses named on the command line may be of an
    /// older deployment, and an adopted program's block may be unknown).
    pub fn from_block(&self) -> u64 {
        let Some(record) = &self.record else {
            return 0;
        };
        let programs = &record.programs;
        let recorded = |p: &Option<crate::record::Program>| p.as_ref().map(|p| p.address);
        if recorded(&programs.registry) != Some(self.registry)
            || recorded(&programs.guard) != Some(self.guard)
        {
            return 0;
        }
        [
            &programs.extension,
            &programs.guard_extension,
            &programs.guard,
            &programs.registry,
        ]
        .into_iter()
        .flatten()
        .map(|p| p.block)
        .min()
        .flatten()
        .unwrap_or(0)
    }
}
