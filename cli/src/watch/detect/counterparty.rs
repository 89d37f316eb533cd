//! Flagged counterparty: a confirmed attacker moves its loot to fresh addresses soon after it is
//! flagged, to get it out of the guard's reach. Such an address is reported at watch level: a
//! payment is a soft signal (an attacker can pay anyone, to smear them), so one reporter's flag
//! warns rather than blocks, and other reporters decide whether it rises.

use super::drain::transfer;
use super::{Detector, Finding, Knowledge};
use crate::reporter::Category;
use crate::subject;
use crate::watch::view::{Asset, BlockView, State, TxView};
use crate::Error;
use alloy_primitives::{Address, U256};
use std::collections::HashSet;

/// Watch level: a soft signal, see the module's documentation.
const SEVERITY: u8 = 2;

/// Follows confirmed attackers' payments for `window` blocks after each confirmation.
#[derive(Debug)]
pub struct Counterparty {
    window: u64,
}

impl Counterparty {
    pub fn new(window_blocks: u64) -> Result<Self, Error> {
        if window_blocks == 0 {
            return Err(Error::BadArgument {
                what: "the counterparty detector's window is 0 blocks".into(),
                message: "give it at least 1 block after a confirmation to watch payments in"
                    .into(),
            });
        }
        Ok(Counterparty {
            window: window_blocks,
        })
    }
}

/// A confirmed attacker paying someone, as one transaction shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Payment {
    attacker: Address,
    recipient: Address,
    asset: Asset,
    amount: U256,
    /// Blocks from the attacker's confirmation to the payment.
    distance: u64,
}

/// What the chain says of a recipient at the inspected block.
#[derive(Clone, Copy, Debug)]
struct Recipient {
    has_code: bool,
    nonce: u64,
}

/// How many blocks after its confirmation at `confirmed_at` block `block` is, if within
/// `window`; a block before the confirmation is not (the watcher may learn of a confirmation
/// while it catches up on older blocks).
fn distance(confirmed_at: u64, block: u64, window: u64) -> Option<u64> {
    block.checked_sub(confirmed_at).filter(|d| *d <= window)
}

/// Fresh: never sent a transaction, holds no code, and is not already confirmed. A contract or a
/// used account has a history of its own that this signal knows nothing about.
fn fresh(recipient: Address, seen: Recipient, known: &Knowledge) -> bool {
    !seen.has_code && seen.nonce == 0 && !known.confirmed_accounts.contains_key(&recipient)
}

/// The payments by confirmed attackers in `tx` (a successful transaction of block `block`) within
/// `window` blocks of the payer's confirmation: the native value the transaction sends, and every
/// ERC-20 `Transfer` from an attacker (whose logs may come from its contract as well as its
/// account). A transfer to the zero address is a burn, not a recipient.
fn payments(tx: &TxView, block: u64, known: &Knowledge, window: u64) -> Vec<Payment> {
    let payment = |attacker: Address, recipient: Address, asset: Asset, amount: U256| {
        let confirmed_at = *known.confirmed_accounts.get(&attacker)?;
        let distance = distance(confirmed_at, block, window)?;
        (!amount.is_zero() && !recipient.is_zero()).then_some(Payment {
            attacker,
            recipient,
            asset,
            amount,
            distance,
        })
    };
    let native = tx
        .to
        .and_then(|to| payment(tx.from, to, Asset::Native, tx.value));
    let tokens = tx.logs.iter().filter_map(|log| {
        let moved = transfer(log)?;
        payment(moved.from, moved.to, Asset::Token(log.address), moved.value)
    });
    native.into_iter().chain(tokens).collect()
}

/// The recipient as of `block`, or None when the node cannot say (it moved on): an unknown
/// recipient is never reported.
async fn recipient(state: &State, account: Address, block: u64) -> Option<Recipient> {
    let code = state.code(account, block).await.ok()?;
    let nonce = state.nonce(account, block).await.ok()?;
    Some(Recipient {
        has_code: !code.is_empty(),
        nonce,
    })
}

fn describe(payment: &Payment) -> String {
    let what = match payment.asset {
        Asset::Native => "wei".to_owned(),
        Asset::Token(token) => format!("of token {token}"),
    };
    format!(
        "the confirmed attacker {} paid {} {what} to the fresh address {} {} block(s) after its \
         confirmation",
        payment.attacker, payment.amount, payment.recipient, payment.distance
    )
}

#[async_trait::async_trait]
impl Detector for Counterparty {
    fn name(&self) -> &'static str {
        "counterparty"
    }

    async fn inspect(
        &mut self,
        block: &BlockView,
        known: &Knowledge,
        state: &State,
    ) -> Result<Vec<Finding>, Error> {
        let mut findings = Vec::new();
        let mut judged = HashSet::new();
        for tx in block.txs.iter().filter(|tx| tx.success) {
            for payment in payments(tx, block.number, known, self.window) {
                if !judged.insert(payment.recipient) {
                    continue;
                }
                let Some(seen) = recipient(state, payment.recipient, block.number).await else {
                    continue;
                };
                if fresh(payment.recipient, seen, known) {
                    findings.push(Finding {
                        subject: subject::of_address(payment.recipient),
                        category: Category::Exploit as u8,
                        severity: SEVERITY,
                        evidence: tx.hash,
                        detector: "counterparty",
                        reason: format!("{} in tx {}", describe(&payment), tx.hash),
                    });
                }
            }
        }
        Ok(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::detect::drain::Transfer;
    use alloy_primitives::{address, Bytes, Log, LogData, B256};
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_sol_types::SolEvent;
    use alloy_transport::mock::Asserter;

    const ATTACKER: Address = address!("00000000000000000000000000000000000000a1");
    const ATTACK_CONTRACT: Address = address!("00000000000000000000000000000000000000a2");
    const FRESH: Address = address!("00000000000000000000000000000000000000f1");
    const TOKEN: Address = address!("00000000000000000000000000000000000000e2");

    fn known() -> Knowledge {
        let mut known = Knowledge::default();
        known.confirmed_accounts.insert(ATTACKER, 100);
        known.confirmed_accounts.insert(ATTACK_CONTRACT, 100);
        known
    }

    fn transfer_log(token: Address, from: Address, to: Address, value: u64) -> Log {
        let data = LogData::new_unchecked(
            vec![Transfer::SIGNATURE_HASH, from.into_word(), to.into_word()],
            Bytes::from(U256::from(value).to_be_bytes::<32>().to_vec()),
        );
        Log {
            address: token,
            data,
        }
    }

    fn paying(logs: Vec<Log>, value: u64) -> TxView {
        TxView {
            hash: B256::repeat_byte(0x55),
            from: ATTACKER,
            to: Some(FRESH),
            value: U256::from(value),
            success: true,
            logs,
            ..TxView::default()
        }
    }

    #[test]
    fn a_zero_window_is_refused() {
        assert!(Counterparty::new(0)
            .unwrap_err()
            .to_string()
            .contains("at least 1 block"));
        assert!(Counterparty::new(1).is_ok());
    }

    #[test]
    fn only_blocks_within_the_window_after_the_confirmation_count() {
        assert_eq!(distance(100, 100, 5), Some(0));
        assert_eq!(distance(100, 105, 5), Some(5));
        assert_eq!(distance(100, 106, 5), None);
        assert_eq!(distance(100, 99, 5), None);
        let tx = paying(vec![], 7);
        assert!(payments(&tx, 106, &known(), 5).is_empty());
        assert_eq!(payments(&tx, 103, &known(), 5).len(), 1);
    }

    #[test]
    fn a_transfer_from_the_attackers_contract_is_a_payment() {
        let tx = TxView {
            to: Some(ATTACK_CONTRACT),
            ..paying(vec![transfer_log(TOKEN, ATTACK_CONTRACT, FRESH, 500)], 0)
        };
        assert_eq!(
            payments(&tx, 102, &known(), 5),
            [Payment {
                attacker: ATTACK_CONTRACT,
                recipient: FRESH,
                asset: Asset::Token(TOKEN),
                amount: U256::from(500),
                distance: 2,
            }]
        );
    }

    #[test]
    fn burns_and_others_payments_are_not() {
        let stranger = address!("00000000000000000000000000000000000000d1");
        let mut nft = transfer_log(TOKEN, ATTACKER, FRESH, 1);
        // ERC-721's Transfer has the same signature with the token id as a fourth topic.
        nft.data = LogData::new_unchecked(
            [nft.data.topics(), &[B256::with_last_byte(1)]].concat(),
            Bytes::new(),
        );
        let tx = paying(
            vec![
                transfer_log(TOKEN, ATTACKER, Address::ZERO, 5),
                transfer_log(TOKEN, stranger, FRESH, 5),
                nft,
            ],
            0,
        );
        assert!(payments(&tx, 101, &known(), 5).is_empty());
    }

    #[test]
    fn only_fresh_recipients_are_reported() {
        let new = Recipient {
            has_code: false,
            nonce: 0,
        };
        assert!(fresh(FRESH, new, &known()));
        let contract = Recipient {
            has_code: true,
            ..new
        };
        assert!(!fresh(FRESH, contract, &known()));
        assert!(!fresh(FRESH, Recipient { nonce: 3, ..new }, &known()));
        assert!(!fresh(ATTACK_CONTRACT, new, &known()));
    }

    fn state(asserter: &Asserter) -> State {
        let provider = ProviderBuilder::new()
            .connect_mocked_client(asserter.clone())
            .erased();
        State::new(provider, "mock")
    }

    fn block(tx: TxView) -> BlockView {
        BlockView {
            number: 103,
            txs: vec![tx],
            ..BlockView::default()
        }
    }

    #[tokio::test]
    async fn a_fresh_recipient_is_reported_once_per_block_and_an_unknown_one_never() {
        let tx = paying(vec![transfer_log(TOKEN, ATTACKER, FRESH, 500)], 7);
        let asserter = Asserter::new();
        asserter.push_success(&Bytes::new());
        asserter.push_success(&"0x0");
        let mut detector = Counterparty::new(5).unwrap();
        let findings = detector
            .inspect(&block(tx.clone()), &known(), &state(&asserter))
            .await
            .unwrap();
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.subject, subject::of_address(FRESH));
        assert_eq!((finding.category, finding.severity), (1, 2));
        assert_eq!(finding.evidence, tx.hash);
        assert_eq!(
            finding.reason,
            format!(
                "the confirmed attacker {ATTACKER} paid 7 wei to the fresh address {FRESH} 3 \
                 block(s) after its confirmation in tx {}",
                tx.hash
            )
        );
        assert!(asserter.read_q().is_empty());

        // The node moved on: the recipient's state is unknown, so nothing is reported.
        asserter.push_failure_msg("state of block 103 is not kept");
        let findings = detector
            .inspect(&block(tx), &known(), &state(&asserter))
            .await
            .unwrap();
        assert!(findings.is_empty());
    }
}
