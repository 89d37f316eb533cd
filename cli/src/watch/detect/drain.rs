//! Drain: a watched protocol loses more of a token than its limits allow, in one transaction or
//! through one actor's transactions in one block. The sender and the contract the drain went
//! through are reported as exploit, with a severity from the share of the balance drained.
//!
//! Flows are exact: they are the token's `Transfer` logs, applied in order to a running balance
//! per protocol and token. The balance is read from the chain only to start: at the block before
//! the first one inspected, or, if the node no longer serves that block's state (the local node
//! serves only the latest block's, and the watcher may start behind the head after a restart), at
//! the first inspected block whose state it still serves, less that block's own flows. [`State`]
//! has no read of the head's number, which reading at the head and subtracting the logs since
//! would need. Until a balance is known, only the protocol's absolute limit applies: a share of
//! an unknown balance is never guessed, and a failed read is never taken for zero.

use super::{Detector, Finding, Knowledge};
use crate::reporter::Category;
use crate::subject;
use crate::watch::view::{Asset, BlockView, State, TxView};
use crate::Error;
use alloy_primitives::{Address, Log, B256, U256, U512};
use alloy_sol_types::{sol, SolEvent};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

sol! {
    /// ERC-20's event for every move of a balance, mints and burns included.
    event Transfer(address indexed from, address indexed to, uint256 value);
}

/// The ERC-20 `Transfer` a log records, if it is one: ERC-721's event has the same signature
/// but a fourth topic (the token id) and no data, and is not a move of a balance.
pub(super) fn transfer(log: &Log) -> Option<Transfer> {
    let topics = log.topics();
    if topics.len() != 3 || topics[0] != Transfer::SIGNATURE_HASH || log.data.data.len() != 32 {
        return None;
    }
    Some(Transfer {
        from: Address::from_word(topics[1]),
        to: Address::from_word(topics[2]),
        value: U256::from_be_slice(&log.data.data),
    })
}

const BPS: u64 = 10_000;

/// A watched protocol, as the watcher's config names it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    /// For the log and the reports' reasons.
    pub name: String,
    pub address: Address,
    /// The ERC-20s it holds.
    pub tokens: Vec<Address>,
    /// A loss of at least this much of any one token trips (raw token units).
    #[serde(default, deserialize_with = "amount")]
    pub min_amount: Option<U256>,
    /// A loss of at least this share of a token's balance trips (basis points, 1-10000).
    pub min_share_bps: Option<u16>,
}

/// Raw token units often pass a TOML integer's 2^63, so an amount is written as an integer or as
/// a string (decimal digits, or 0x and hex digits).
fn amount<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<U256>, D::Error> {
    struct Amount;
    impl Visitor<'_> for Amount {
        type Value = U256;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("raw token units: an integer, or a string of digits for a larger one")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<U256, E> {
            Ok(U256::from(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<U256, E> {
            u64::try_from(v)
                .map(U256::from)
                .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<U256, E> {
            v.parse()
                .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
        }
    }
    deserializer.deserialize_any(Amount).map(Some)
}

impl Protocol {
    /// Whether losing `lost` out of `balance` (None: unknown) trips a limit.
    fn trips(&self, lost: U256, balance: Option<U256>) -> bool {
        if lost.is_zero() {
            return false;
        }
        let by_amount = self.min_amount.is_some_and(|min| lost >= min);
        let by_share = match (self.min_share_bps, balance) {
            (Some(bps), Some(balance)) => {
                U512::from(lost) * U512::from(BPS) >= U512::from(bps) * U512::from(balance)
            }
            _ => false,
        };
        by_amount || by_share
    }
}

/// A protocol (its index) and one of its tokens.
type Key = (usize, Address);

/// Who a block's outflows are summed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Sender(Address),
    /// The contract a transaction called (or created), when it is neither a watched protocol nor
    /// a watched token.
    Through(Address),
}

/// One actor's transactions in a block, for one protocol and token.
#[derive(Debug, Default)]
struct Tally {
    out: U256,
    inflow: U256,
    /// Its transactions that took more than they brought.
    draining: usize,
    last: B256,
    senders: BTreeSet<Address>,
    contracts: BTreeSet<Address>,
}

/// What one transaction did to one protocol's balance of one token.
struct Flow {
    out: U256,
    inflow: U256,
    /// The running balance before the transaction, when known and the transaction's flows are
    /// consistent with it.
    before: Option<U256>,
}

/// A limit that tripped, with whom to report.
struct Trip {
    key: Key,
    lost: U256,
    balance: Option<U256>,
    evidence: B256,
    senders: Vec<Address>,
    contracts: Vec<Address>,
    /// How the loss happened, for the reason: "in tx …" or "in 3 txs through … in block …".
    how: String,
}

/// Follows each watched protocol's balance of each of its tokens.
#[derive(Debug)]
pub struct Drain {
    protocols: Vec<Protocol>,
    /// Running balances as of the end of the last block applied; a missing key is unknown.
    balances: HashMap<Key, U256>,
    /// Contracts a drain went through whose code was read, so each is read once.
    contracts: HashSet<Address>,
}

impl Drain {
    pub fn new(protocols: Vec<Protocol>) -> Result<Drain, Error> {
        let bad = |what: String, message: &str| {
            Err(Error::BadArgument {
                what,
                message: message.to_owned(),
            })
        };
        if protocols.is_empty() {
            return bad(
                "the drain detector watches no protocol".into(),
                "name at least one protocol with its address and tokens",
            );
        }
        let mut addresses = HashSet::new();
        for p in &protocols {
            let name = format!("the watched protocol `{}` ({})", p.name, p.address);
            if !addresses.insert(p.address) {
                return bad(
                    name,
                    "its address is watched twice: merge the two entries into one",
                );
            }
            if p.tokens.is_empty() {
                return bad(name, "it has no tokens: list the ERC-20s it holds");
            }
            if p.tokens.iter().collect::<HashSet<_>>().len() != p.tokens.len() {
                return bad(name, "a token is listed twice: list each token once");
            }
            if p.min_amount.is_none() && p.min_share_bps.is_none() {
                return bad(
                    name,
                    "it has no limit: set min_amount (raw token units), min_share_bps \
                     (1-10000), or both",
                );
            }
            if p.min_amount.is_some_and(|min| min.is_zero()) {
                return bad(
                    name,
                    "min_amount is 0, which every transfer out would trip: set at least 1",
                );
            }
            if p.min_share_bps
                .is_some_and(|bps| bps == 0 || u64::from(bps) > BPS)
            {
                return bad(
                    name,
                    "min_share_bps is a share in basis points: set it from 1 to 10000",
                );
            }
        }
        Ok(Drain {
            protocols,
            balances: HashMap::new(),
            contracts: HashSet::new(),
        })
    }

    fn keys(&self) -> Vec<Key> {
        self.protocols
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.tokens.iter().map(move |t| (i, *t)))
            .collect()
    }

    /// The contract `tx` went through: the contract it called, unless that is a watched protocol
    /// or token (a user calling the protocol, or an approved spender calling the token) or a
    /// system address, or the contract it created.
    fn through(&self, tx: &TxView) -> Option<Address> {
        match (tx.to, &tx.created) {
            (Some(to), _) => {
                let watched = self
                    .protocols
                    .iter()
                    .any(|p| p.address == to || p.tokens.contains(&to));
                (!watched && !is_system(to)).then_some(to)
            }
            (None, Some(created)) => Some(created.address),
            (None, None) => None,
        }
    }

    /// The flows of one successful transaction for `key`, applied in log order to the running
    /// balance. A flow the balance cannot have paid means the running value is wrong (a token
    /// that moves balances without logs): it becomes unknown until read again.
    fn apply(&mut self, (index, token): Key, tx: &TxView) -> Flow {
        let protocol = self.protocols[index].address;
        let before = self.balances.get(&(index, token)).copied();
        let mut running = before;
        let mut flow = Flow {
            out: U256::ZERO,
            inflow: U256::ZERO,
            before,
        };
        for moved in tx
            .logs
            .iter()
            .filter(|log| log.address == token)
            .filter_map(transfer)
        {
            if moved.from == protocol {
                flow.out = flow.out.saturating_add(moved.value);
                running = running.and_then(|b| b.checked_sub(moved.value));
            }
            if moved.to == protocol {
                flow.inflow = flow.inflow.saturating_add(moved.value);
                running = running.map(|b| b.saturating_add(moved.value));
            }
        }
        match running {
            Some(balance) => {
                self.balances.insert((index, token), balance);
            }
            None => {
                self.balances.remove(&(index, token));
                flow.before = None;
            }
        }
        flow
    }

    /// Reads each unknown balance at `block` and takes the block's own flows back out, so the
    /// block is applied to its starting balance. A read the node refuses leaves it unknown.
    async fn establish(&mut self, block: &BlockView, state: &State) {
        for (index, token) in self.keys() {
            if self.balances.contains_key(&(index, token)) {
                continue;
            }
            let protocol = self.protocols[index].address;
            let Ok(end) = state
                .balance(Asset::Token(token), protocol, block.number)
                .await
            else {
                continue;
            };
            let (mut out, mut inflow) = (U256::ZERO, U256::ZERO);
            for moved in block
                .txs
                .iter()
                .filter(|tx| tx.success)
                .flat_map(|tx| &tx.logs)
                .filter(|log| log.address == token)
                .filter_map(transfer)
            {
                if moved.from == protocol {
                    out = out.saturating_add(moved.value);
                }
                if moved.to == protocol {
                    inflow = inflow.saturating_add(moved.value);
                }
            }
            if let Some(start) = end.saturating_add(out).checked_sub(inflow) {
                self.balances.insert((index, token), start);
            }
        }
    }

    /// Whether `account`, which a draining transaction called, is reported as the contract the
    /// drain went through: unless its code, read at `block`, is empty. A transaction whose call
    /// moved the protocol's tokens ran code at the address it called, so when the node no longer
    /// serves `block` only an account known to be an EOA is left out. (Before Cancun a contract
    /// could destroy itself in the drain and read as an EOA; Arbitrum has Cancun's rules.)
    async fn is_contract(&mut self, account: Address, block: u64, state: &State) -> bool {
        if self.contracts.contains(&account) {
            return true;
        }
        match state.code(account, block).await {
            Ok(code) if code.is_empty() => false,
            Ok(_) => {
                self.contracts.insert(account);
                true
            }
            Err(_) => true,
        }
    }

    /// The limits that trip in `block`, with the running balances moved past it.
    fn trips(&mut self, block: &BlockView) -> Vec<Trip> {
        let keys = self.keys();
        let at_start: HashMap<Key, U256> = self.balances.clone();
        let mut trips = Vec::new();
        let mut tallies: BTreeMap<(Key, Actor), Tally> = BTreeMap::new();
        for tx in block.txs.iter().filter(|tx| tx.success) {
            let through = self.through(tx);
            for &key in &keys {
                let flow = self.apply(key, tx);
                if flow.out.is_zero() && flow.inflow.is_zero() {
                    continue;
                }
                let lost = flow.out.saturating_sub(flow.inflow);
                if self.protocols[key.0].trips(lost, flow.before) {
                    trips.push(Trip {
                        key,
                        lost,
                        balance: flow.before,
                        evidence: tx.hash,
                        senders: vec![tx.from],
                        contracts: through.into_iter().collect(),
                        how: format!("in tx {}", tx.hash),
                    });
                }
                let actors =
                    std::iter::once(Actor::Sender(tx.from)).chain(through.map(Actor::Through));
                for actor in actors {
                    let tally = tallies.entry((key, actor)).or_default();
                    tally.out = tally.out.saturating_add(flow.out);
                    tally.inflow = tally.inflow.saturating_add(flow.inflow);
                    if !lost.is_zero() {
                        tally.draining += 1;
                        tally.last = tx.hash;
                        tally.senders.insert(tx.from);
                        tally.contracts.extend(through);
                    }
                }
            }
        }
        for ((key, actor), tally) in tallies {
            // One draining transaction was judged on its own, against the balance just before it.
            if tally.draining < 2 {
                continue;
            }
            let lost = tally.out.saturating_sub(tally.inflow);
            let balance = at_start.get(&key).copied();
            if !self.protocols[key.0].trips(lost, balance) {
                continue;
            }
            let (senders, contracts, by) = match actor {
                Actor::Sender(sender) => (
                    vec![sender],
                    tally.contracts.into_iter().collect(),
                    format!("sent by {sender}"),
                ),
                // Several senders through one contract may be users of a shared router: only
                // the contract is reported then, never a crowd of its users.
                Actor::Through(contract) => (
                    if tally.senders.len() == 1 {
                        tally.senders.into_iter().collect()
                    } else {
                        Vec::new()
                    },
                    vec![contract],
                    format!("through {contract}"),
                ),
            };
            trips.push(Trip {
                key,
                lost,
                balance,
                evidence: tally.last,
                senders,
                contracts,
                how: format!(
                    "in {} txs {by} in block {}, the last {}",
                    tally.draining, block.number, tally.last
                ),
            });
        }
        trips
    }

    fn reason(&self, trip: &Trip) -> String {
        let (index, token) = trip.key;
        let share = match share_bps(trip.lost, trip.balance) {
            Some(bps) => format!("{}.{:02}% of its balance", bps / 100, bps % 100),
            None => "its balance unknown".to_owned(),
        };
        format!(
            "{} lost {} of token {token} ({share}) {}",
            self.protocols[index].name, trip.lost, trip.how
        )
    }
}

/// Precompiles and ArbOS's own addresses (ArbSys at 0x64, ArbRetryableTx at 0x6e, ArbosActs at
/// 0xa4b05, …): a retryable's redemption calls a protocol through them, yet no contract can be
/// deployed there (a created address is a hash, and 12 leading zero bytes are out of reach).
fn is_system(account: Address) -> bool {
    account[..12].iter().all(|b| *b == 0)
}

/// `lost` as a share of `balance` in basis points (at most 100%), when the balance is known.
fn share_bps(lost: U256, balance: Option<U256>) -> Option<u64> {
    let balance = balance?;
    if lost >= balance {
        return Some(BPS);
    }
    let bps = U512::from(lost) * U512::from(BPS) / U512::from(balance);
    Some(bps.to::<u64>())
}

/// Severity from the share drained; a loss that tripped only the absolute limit, against an
/// unknown balance, claims the least.
fn severity(share_bps: Option<u64>) -> u8 {
    match share_bps {
        Some(bps) if bps >= 5_000 => 4,
        Some(bps) if bps >= 2_500 => 3,
        Some(bps) if bps >= 1_000 => 2,
        _ => 1,
    }
}

#[async_trait::async_trait]
impl Detector for Drain {
    fn name(&self) -> &'static str {
        "drain"
    }

    async fn start(&mut self, state: &State, next: u64) -> Result<(), Error> {
        self.balances.clear();
        let Some(before) = next.checked_sub(1) else {
            return Ok(());
        };
        for (index, token) in self.keys() {
            let protocol = self.protocols[index].address;
            if let Ok(balance) = state.balance(Asset::Token(token), protocol, before).await {
                self.balances.insert((index, token), balance);
            }
        }
        Ok(())
    }

    async fn inspect(
        &mut self,
        block: &BlockView,
        _known: &Knowledge,
        state: &State,
    ) -> Result<Vec<Finding>, Error> {
        self.establish(block, state).await;
        let created: HashSet<Address> = block
            .txs
            .iter()
            .filter(|tx| tx.success)
            .filter_map(|tx| tx.created.as_ref().map(|c| c.address))
            .collect();
        let mut findings: Vec<Finding> = Vec::new();
        for trip in self.trips(block) {
            let severity = severity(share_bps(trip.lost, trip.balance));
            let reason = self.reason(&trip);
            let mut reported = trip.senders.clone();
            for contract in &trip.contracts {
                if created.contains(contract)
                    || self.is_contract(*contract, block.number, state).await
                {
                    reported.push(*contract);
                }
            }
            for account in reported {
                let finding = Finding {
                    subject: subject::of_address(account),
                    category: Category::Exploit as u8,
                    severity,
                    evidence: trip.evidence,
                    detector: "drain",
                    reason: reason.clone(),
                };
                // One finding per subject: the most severe.
                match findings.iter_mut().find(|f| f.subject == finding.subject) {
                    Some(kept) if kept.severity < finding.severity => *kept = finding,
                    Some(_) => {}
                    None => findings.push(finding),
                }
            }
        }
        Ok(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::view::Created;
    use alloy_primitives::{address, Bytes};
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_transport::mock::Asserter;

    const VAULT: Address = address!("b0b00000000000000000000000000000000000b0");
    const TOKEN: Address = address!("e1e10000000000000000000000000000000000e1");
    const OTHER_TOKEN: Address = address!("e2e20000000000000000000000000000000000e2");
    const ATTACKER: Address = address!("a1a10000000000000000000000000000000000a1");
    const ATTACK_CONTRACT: Address = address!("a2a20000000000000000000000000000000000a2");

    fn vault(min_amount: Option<u64>, min_share_bps: Option<u16>) -> Protocol {
        Protocol {
            name: "Vault A".into(),
            address: VAULT,
            tokens: vec![TOKEN],
            min_amount: min_amount.map(U256::from),
            min_share_bps,
        }
    }

    fn user(n: u8) -> Address {
        Address::repeat_byte(0x10 + n)
    }

    fn moved(token: Address, from: Address, to: Address, value: u64) -> Log {
        Log {
            address: token,
            data: Transfer {
                from,
                to,
                value: U256::from(value),
            }
            .encode_log_data(),
        }
    }

    fn tx(n: u8, from: Address, to: Address, logs: Vec<Log>) -> TxView {
        TxView {
            hash: B256::repeat_byte(n),
            from,
            to: Some(to),
            success: true,
            logs,
            ..TxView::default()
        }
    }

    fn block(number: u64, txs: Vec<TxView>) -> BlockView {
        BlockView {
            number,
            txs,
            ..BlockView::default()
        }
    }

    fn state(asserter: &Asserter) -> State {
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .connect_mocked_client(asserter.clone())
            .erased();
        State::new(provider, "mock")
    }

    /// `balanceOf`'s answer, or any 32-byte word.
    fn word(value: u64) -> Bytes {
        Bytes::from(U256::from(value).to_be_bytes::<32>().to_vec())
    }

    /// A detector started before block 11 with the vault holding `balance`, and the mocked node.
    async fn watching(protocol: Protocol, balance: u64) -> (Drain, Asserter) {
        let asserter = Asserter::new();
        asserter.push_success(&word(balance));
        let mut drain = Drain::new(vec![protocol]).unwrap();
        drain.start(&state(&asserter), 11).await.unwrap();
        assert_eq!(drain.balances.get(&(0, TOKEN)), Some(&U256::from(balance)));
        (drain, asserter)
    }

    async fn inspect(drain: &mut Drain, asserter: &Asserter, block: &BlockView) -> Vec<Finding> {
        let findings = drain
            .inspect(block, &Knowledge::default(), &state(asserter))
            .await
            .unwrap();
        assert!(asserter.read_q().is_empty(), "every mocked answer was read");
        findings
    }

    fn subjects(findings: &[Finding]) -> Vec<B256> {
        findings.iter().map(|f| f.subject).collect()
    }

    #[tokio::test]
    async fn a_30_percent_drain_reports_the_sender_and_its_contract() {
        let (mut drain, asserter) = watching(vault(None, Some(1_000)), 1_000).await;
        let drain_tx = tx(
            1,
            ATTACKER,
            ATTACK_CONTRACT,
            vec![moved(TOKEN, VAULT, ATTACK_CONTRACT, 300)],
        );
        asserter.push_success(&Bytes::from_static(&[0x60, 0x00]));
        let findings = inspect(&mut drain, &asserter, &block(11, vec![drain_tx])).await;
        assert_eq!(
            subjects(&findings),
            [
                subject::of_address(ATTACKER),
                subject::of_address(ATTACK_CONTRACT)
            ]
        );
        let hash = B256::repeat_byte(1);
        for finding in &findings {
            assert_eq!((finding.category, finding.severity), (1, 3));
            assert_eq!(finding.evidence, hash);
            assert_eq!(
                finding.reason,
                format!("Vault A lost 300 of token {TOKEN} (30.00% of its balance) in tx {hash}")
            );
        }
        assert_eq!(drain.balances[&(0, TOKEN)], U256::from(700));
    }

    #[tokio::test]
    async fn a_withdrawal_under_the_limits_is_not_reported() {
        let (mut drain, asserter) = watching(vault(Some(500), Some(1_000)), 1_000).await;
        let withdraw = tx(1, user(1), VAULT, vec![moved(TOKEN, VAULT, user(1), 50)]);
        assert!(inspect(&mut drain, &asserter, &block(11, vec![withdraw]))
            .await
            .is_empty());
    }

    #[tokio::test]
    async fn small_drains_through_one_contract_add_up_in_a_block() {
        // Three senders, 4% each through the same contract: 12% of the block's starting
        // balance against a 10% limit. Only the contract is reported: its senders may be a
        // shared router's users.
        let (mut drain, asserter) = watching(vault(None, Some(1_000)), 1_000).await;
        let txs = (1..=3)
            .map(|n| {
                tx(
                    n,
                    user(n),
                    ATTACK_CONTRACT,
                    vec![moved(TOKEN, VAULT, ATTACK_CONTRACT, 40)],
                )
            })
            .collect();
        asserter.push_success(&Bytes::from_static(&[0x00]));
        let findings = inspect(&mut drain, &asserter, &block(11, txs)).await;
        assert_eq!(subjects(&findings), [subject::of_address(ATTACK_CONTRACT)]);
        let last = B256::repeat_byte(3);
        assert_eq!((findings[0].severity, findings[0].evidence), (2, last));
        assert_eq!(
            findings[0].reason,
            format!(
                "Vault A lost 120 of token {TOKEN} (12.00% of its balance) in 3 txs through \
                 {ATTACK_CONTRACT} in block 11, the last {last}"
            )
        );

        // One sender splitting its drain: the sender and its contract.
        let txs = (4..=6)
            .map(|n| {
                tx(
                    n,
                    ATTACKER,
                    ATTACK_CONTRACT,
                    vec![moved(TOKEN, VAULT, ATTACK_CONTRACT, 40)],
                )
            })
            .collect();
        let findings = inspect(&mut drain, &asserter, &block(12, txs)).await;
        assert_eq!(
            subjects(&findings),
            [
                subject::of_address(ATTACKER),
                subject::of_address(ATTACK_CONTRACT)
            ]
        );
        // 120 of the 880 the block started with.
        assert!(findings[0]
            .reason
            .contains("(13.63% of its balance) in 3 txs sent by"));
    }

    #[tokio::test]
    async fn a_bank_run_reports_no_one() {
        let (mut drain, asserter) = watching(vault(None, Some(1_000)), 1_000).await;
        let txs = (1..=10)
            .map(|n| tx(n, user(n), VAULT, vec![moved(TOKEN, VAULT, user(n), 20)]))
            .collect();
        // Were the vault taken for a contract the users went through, its code would be read.
        asserter.push_success(&Bytes::from_static(&[0x00]));
        let findings = drain
            .inspect(&block(11, txs), &Knowledge::default(), &state(&asserter))
            .await
            .unwrap();
        assert!(findings.is_empty());
        assert_eq!(
            asserter.read_q().len(),
            1,
            "nothing tripped, nothing was read"
        );
        assert_eq!(drain.balances[&(0, TOKEN)], U256::from(800));
    }

    #[tokio::test]
    async fn deposits_count_in_the_order_they_come() {
        // 300 out after a 1000 deposit is 15% of 2000, not 30% of 1000.
        let (mut drain, asserter) = watching(vault(None, Some(2_500)), 1_000).await;
        let txs = vec![
            tx(1, user(1), VAULT, vec![moved(TOKEN, user(1), VAULT, 1_000)]),
            tx(
                2,
                ATTACKER,
                ATTACK_CONTRACT,
                vec![moved(TOKEN, VAULT, ATTACK_CONTRACT, 300)],
            ),
        ];
        assert!(inspect(&mut drain, &asserter, &block(11, txs))
            .await
            .is_empty());
        // The next block starts from 1700: 425 is 25.00% of it.
        let txs = vec![tx(
            3,
            ATTACKER,
            ATTACK_CONTRACT,
            vec![moved(TOKEN, VAULT, ATTACK_CONTRACT, 425)],
        )];
        asserter.push_success(&Bytes::from_static(&[0x00]));
        let findings = inspect(&mut drain, &asserter, &block(12, txs)).await;
        assert_eq!(findings.len(), 2);
        assert!(findings[0].reason.contains("lost 425 of token"));
        assert!(findings[0].reason.contains("(25.00% of its balance)"));
        assert_eq!(findings[0].severity, 3);
    }

    #[tokio::test]
    async fn reverted_transactions_and_other_tokens_move_nothing() {
        let (mut drain, asserter) = watching(vault(None, Some(1_000)), 1_000).await;
        let mut reverted = tx(
            1,
            ATTACKER,
            ATTACK_CONTRACT,
            vec![moved(TOKEN, VAULT, ATTACKER, 900)],
        );
        reverted.success = false;
        let other = tx(
            2,
            ATTACKER,
            ATTACK_CONTRACT,
            vec![moved(OTHER_TOKEN, VAULT, ATTACKER, 900)],
        );
        assert!(
            inspect(&mut drain, &asserter, &block(11, vec![reverted, other]))
                .await
                .is_empty()
        );
        assert_eq!(drain.balances[&(0, TOKEN)], U256::from(1_000));
    }

    #[tokio::test]
    async fn a_constructor_drain_reports_the_created_contract_without_a_read() {
        let (mut drain, asserter) = watching(vault(None, Some(1_000)), 1_000).await;
        let created = address!("c1c10000000000000000000000000000000000c1");
        let creation = TxView {
            hash: B256::repeat_byte(1),
            from: ATTACKER,
            success: true,
            logs: vec![moved(TOKEN, VAULT, created, 600)],
            created: Some(Created {
                address: created,
                code: Bytes::new(),
            }),
            ..TxView::default()
        };
        let findings = inspect(&mut drain, &asserter, &block(11, vec![creation])).await;
        assert_eq!(
            subjects(&findings),
            [subject::of_address(ATTACKER), subject::of_address(created)]
        );
        assert_eq!(findings[0].severity, 4);
    }

    #[tokio::test]
    async fn the_called_address_is_reported_unless_known_to_be_an_eoa() {
        let (mut drain, asserter) = watching(vault(None, Some(1_000)), 1_000).await;
        let drain_tx =
            |n: u8, to: Address| tx(n, ATTACKER, to, vec![moved(TOKEN, VAULT, ATTACKER, 100)]);
        let both = [
            subject::of_address(ATTACKER),
            subject::of_address(ATTACK_CONTRACT),
        ];

        // The node moved on: the call ran code, so the address is a contract.
        asserter.push_failure_msg("state of block 11 is not kept");
        let findings = inspect(
            &mut drain,
            &asserter,
            &block(11, vec![drain_tx(1, ATTACK_CONTRACT)]),
        )
        .await;
        assert_eq!(subjects(&findings), both);

        // An empty code read is an EOA: only the sender.
        asserter.push_success(&Bytes::new());
        let findings = inspect(
            &mut drain,
            &asserter,
            &block(12, vec![drain_tx(2, user(1))]),
        )
        .await;
        assert_eq!(subjects(&findings), [subject::of_address(ATTACKER)]);

        // A system address (ArbRetryableTx) is neither read nor reported.
        let retryable = Address::with_last_byte(0x6e);
        let findings = inspect(
            &mut drain,
            &asserter,
            &block(13, vec![drain_tx(3, retryable)]),
        )
        .await;
        assert_eq!(subjects(&findings), [subject::of_address(ATTACKER)]);
    }

    #[tokio::test]
    async fn an_unknown_balance_is_read_at_the_inspected_block_and_never_guessed() {
        let asserter = Asserter::new();
        let mut drain = Drain::new(vec![vault(Some(500), Some(1_000))]).unwrap();
        asserter.push_failure_msg("state of block 10 is not kept");
        drain.start(&state(&asserter), 11).await.unwrap();
        assert!(drain.balances.is_empty());

        // Still unknown at block 11: the absolute limit trips, the share is not claimed.
        asserter.push_failure_msg("state of block 11 is not kept");
        let small = tx(1, ATTACKER, VAULT, vec![moved(TOKEN, VAULT, ATTACKER, 300)]);
        let large = tx(2, ATTACKER, VAULT, vec![moved(TOKEN, VAULT, ATTACKER, 600)]);
        let findings = inspect(&mut drain, &asserter, &block(11, vec![small, large])).await;
        assert_eq!(subjects(&findings), [subject::of_address(ATTACKER)]);
        assert_eq!(findings[0].severity, 1);
        assert_eq!(findings[0].evidence, B256::repeat_byte(2));
        assert!(findings[0].reason.contains("lost 600 of token"));
        assert!(findings[0].reason.contains("(its balance unknown)"));

        // Block 12's state is served: 700 at its end, after a 300 drain, started at 1000.
        asserter.push_success(&word(700));
        let drain_tx = tx(3, ATTACKER, VAULT, vec![moved(TOKEN, VAULT, ATTACKER, 300)]);
        let findings = inspect(&mut drain, &asserter, &block(12, vec![drain_tx])).await;
        assert_eq!(findings[0].severity, 3);
        assert!(findings[0].reason.contains("(30.00% of its balance)"));
        assert_eq!(drain.balances[&(0, TOKEN)], U256::from(700));
    }

    #[tokio::test]
    async fn a_flow_the_balance_cannot_pay_makes_it_unknown() {
        let (mut drain, asserter) = watching(vault(None, Some(1_000)), 100).await;
        let impossible = tx(1, ATTACKER, VAULT, vec![moved(TOKEN, VAULT, ATTACKER, 300)]);
        assert!(inspect(&mut drain, &asserter, &block(11, vec![impossible]))
            .await
            .is_empty());
        assert!(drain.balances.is_empty());
    }

    #[test]
    fn severity_follows_the_share_drained() {
        let of = |lost: u64, balance: u64| {
            severity(share_bps(U256::from(lost), Some(U256::from(balance))))
        };
        assert_eq!(
            [
                of(500, 1_000),
                of(499, 1_000),
                of(250, 1_000),
                of(100, 1_000),
                of(99, 1_000)
            ],
            [4, 3, 3, 2, 1]
        );
        assert_eq!(
            share_bps(U256::MAX, Some(U256::MAX - U256::from(1))),
            Some(10_000)
        );
        assert_eq!(
            share_bps(U256::MAX / U256::from(2), Some(U256::MAX)),
            Some(4_999)
        );
        assert_eq!(severity(share_bps(U256::from(1), None)), 1);
    }

    #[test]
    fn erc721_transfers_are_not_balance_moves() {
        let mut nft = moved(TOKEN, VAULT, ATTACKER, 1);
        nft.data = alloy_primitives::LogData::new_unchecked(
            [nft.data.topics(), &[B256::with_last_byte(7)]].concat(),
            Bytes::new(),
        );
        assert!(transfer(&nft).is_none());
        let erc20 = transfer(&moved(TOKEN, VAULT, ATTACKER, 5)).unwrap();
        assert_eq!(
            (erc20.from, erc20.to, erc20.value),
            (VAULT, ATTACKER, U256::from(5))
        );
    }

    #[test]
    fn bad_configs_are_refused_with_the_fix() {
        let refused = |protocols: Vec<Protocol>, fix: &str| {
            let message = Drain::new(protocols).unwrap_err().to_string();
            assert!(message.contains(fix), "{message}");
        };
        refused(vec![], "name at least one protocol");
        refused(
            vec![Protocol {
                tokens: vec![],
                ..vault(Some(1), None)
            }],
            "list the ERC-20s",
        );
        refused(
            vec![Protocol {
                tokens: vec![TOKEN, TOKEN],
                ..vault(Some(1), None)
            }],
            "each token once",
        );
        refused(vec![vault(None, None)], "it has no limit");
        refused(vec![vault(None, Some(0))], "from 1 to 10000");
        refused(vec![vault(None, Some(10_001))], "from 1 to 10000");
        refused(vec![vault(Some(0), None)], "set at least 1");
        refused(
            vec![vault(Some(1), None), vault(None, Some(1))],
            "watched twice",
        );
        assert!(Drain::new(vec![vault(Some(1), Some(10_000))]).is_ok());
    }

    #[test]
    fn the_config_is_snake_case_and_strict() {
        let text = format!(
            "name = \"Vault A\"\naddress = \"{VAULT}\"\ntokens = [\"{TOKEN}\"]\n\
             min_amount = \"1000000000000000000000\"\nmin_share_bps = 1000\n"
        );
        let protocol: Protocol = toml::from_str(&text).unwrap();
        assert_eq!(
            protocol.min_amount,
            Some(U256::from(10).pow(U256::from(21)))
        );
        assert_eq!(protocol.min_share_bps, Some(1_000));
        let typo = text.replace("min_share_bps", "min_share");
        assert!(toml::from_str::<Protocol>(&typo).is_err());

        let amount = |written: &str| {
            let text = text.replace("\"1000000000000000000000\"", written);
            toml::from_str::<Protocol>(&text).map(|p| p.min_amount)
        };
        assert_eq!(amount("1000").unwrap(), Some(U256::from(1_000)));
        assert_eq!(amount("\"0x3e8\"").unwrap(), Some(U256::from(1_000)));
        for wrong in ["-5", "\"ten\"", "1.5"] {
            let message = amount(wrong).unwrap_err().to_string();
            assert!(message.contains("raw token units"), "{wrong}: {message}");
        }
        let unset = text.replace("min_amount = \"1000000000000000000000\"\n", "");
        assert_eq!(toml::from_str::<Protocol>(&unset).unwrap().min_amount, None);
    }
}
