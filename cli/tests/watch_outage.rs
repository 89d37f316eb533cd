//! The watcher as a library, with a protocol's own detector, through an outage of its node: the
//! node stops (its chain saved), blocks are mined by the node that replaces it, and the watcher,
//! polling, retries with growing pauses and then inspects every block it missed, each exactly
//! once and in order.

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address, U256};
use alloy_provider::ProviderBuilder;
use alloy_rpc_types_eth::TransactionRequest;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use vigil_cli::watch::detect::{Detector, Finding, Knowledge};
use vigil_cli::watch::view::{BlockView, State};
use vigil_cli::watch::{Event, Options, Watcher};
use vigil_cli::Error;
use vigil_node::accounts::DevAccounts;
use vigil_node::{Config, Running};

/// A protocol's own detector: it reports nothing and remembers every block it was handed and
/// every payment to its protocol.
struct Ledger {
    protocol: Address,
    blocks: Arc<Mutex<Vec<u64>>>,
    payments: Arc<Mutex<Vec<u64>>>,
}

#[async_trait::async_trait]
impl Detector for Ledger {
    fn name(&self) -> &'static str {
        "ledger"
    }

    async fn inspect(
        &mut self,
        block: &BlockView,
        _known: &Knowledge,
        _state: &State,
    ) -> Result<Vec<Finding>, Error> {
        self.blocks.lock().unwrap().push(block.number);
        for tx in &block.txs {
            if tx.to == Some(self.protocol) {
                self.payments.lock().unwrap().push(block.number);
            }
        }
        Ok(Vec::new())
    }
}

mod common;

async fn node(port: u16, state: &std::path::Path) -> Running {
    common::start_node_with(Config {
        port,
        state_file: Some(state.to_owned()),
        ..Config::default()
    })
    .await
}

/// Pays the protocol one wei from dev account 1; returns the block it was mined in.
async fn pay(node: &Running, protocol: Address) -> u64 {
    let signer = DevAccounts::derive().unwrap().signers()[1].clone();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(node.http_url().parse().unwrap());
    let request = TransactionRequest::default()
        .with_to(protocol)
        .with_value(U256::from(1));
    common::mined(&provider, request)
        .await
        .block_number
        .unwrap()
}

fn wait_until(events: &mpsc::Receiver<Event>, what: &str, wanted: impl Fn(&Event) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(event) if wanted(&event) => return,
            Ok(_) => {}
            Err(_) => panic!("the watcher never said {what}"),
        }
    }
}

fn wait_for_block(blocks: &Mutex<Vec<u64>>, number: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !blocks.lock().unwrap().contains(&number) {
        assert!(
            Instant::now() < deadline,
            "block {number} was never inspected"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_protocols_detector_sees_every_block_once_across_a_node_outage() {
    let dir = std::env::temp_dir().join(format!("vigil-watch-outage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let chain_file = dir.join("chain.json");
    let first = node(0, &chain_file).await;
    let port = first.addr.port();
    let config = dir.join("watch.toml");
    std::fs::write(
        &config,
        // A config needs a detector of its own: the exploit-code one finds nothing here.
        "[watch]\nstate = \"state.json\"\npoll_ms = 100\n\n[code]\n",
    )
    .unwrap();

    let protocol = Address::repeat_byte(0x77);
    let (blocks, payments) = (Arc::default(), Arc::default());
    let ledger = Ledger {
        protocol,
        blocks: Arc::clone(&blocks),
        payments: Arc::clone(&payments),
    };
    let watcher = Watcher::new(Options {
        rpc_url: first.http_url(),
        ws_url: None,
        registry: Address::repeat_byte(0x11),
        from_block: 0,
        signer: DevAccounts::derive().unwrap().signers()[2].clone(),
        config,
        dry_run: false,
    })
    .await
    .unwrap()
    .with_detector(Box::new(ledger));
    let (tx, events) = mpsc::channel();
    tokio::spawn(async move {
        let _ = watcher.run(&mut |event| drop(tx.send(event))).await;
    });
    wait_until(&events, "started", |e| matches!(e, Event::Started { .. }));

    let before = pay(&first, protocol).await;
    wait_for_block(&blocks, before);

    // The node goes away: the watcher retries, pausing longer each time.
    first.stop().await.unwrap();
    wait_until(
        &events,
        "a second retry",
        |e| matches!(e, Event::Retrying { wait_ms, .. } if *wait_ms >= 500),
    );

    // Its replacement, on the same port and the saved chain, mines three blocks; the watcher's
    // next try finds it and inspects them all.
    let second = node(port, &chain_file).await;
    let mut missed = Vec::new();
    for _ in 0..3 {
        missed.push(pay(&second, protocol).await);
    }
    let last = *missed.last().unwrap();
    wait_for_block(&blocks, last);

    let seen = blocks.lock().unwrap().clone();
    let expected: Vec<u64> = (seen[0]..=last).collect();
    assert_eq!(seen, expected, "every block once, in order");
    assert_eq!(*payments.lock().unwrap(), [vec![before], missed].concat());
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("state.json")).unwrap()).unwrap();
    assert_eq!(state["nextBlock"], last + 1);
    second.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
