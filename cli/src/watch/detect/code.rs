//! Exploit code: a new contract that is a confirmed exploit's code again. An attacker redeploys
//! the contract that worked against the next victim, usually with other constructor arguments
//! (the victim's address, its own) and sometimes from another build; both land in parts of the
//! runtime code that the comparison sets aside, so a redeployment is caught in its creation block,
//! before its first call.

use super::{Detector, Finding, Knowledge};
use crate::reporter::Category;
use crate::subject;
use crate::watch::view::{BlockView, Created, State};
use crate::Error;
use alloy_primitives::{keccak256, Address, B256};
use std::collections::HashMap;

/// The first bytes of a Stylus program's code: what follows is compressed wasm, with no EVM
/// opcodes to walk, so such code is compared whole.
const STYLUS_PREFIX: [u8; 3] = [0xef, 0xf0, 0x00];
const PUSH1: u8 = 0x60;
const PUSH32: u8 = 0x7f;
/// The CBOR map headers solc's metadata tail starts with (a map of 1 to 5 entries: ipfs or bzzr,
/// solc, experimental).
const METADATA_MAP: std::ops::RangeInclusive<u8> = 0xa1..=0xa5;

/// A confirmed exploit's code is always critical: it already drained someone.
const SEVERITY: u8 = 4;

/// Remembers the skeleton of each confirmed contract, so each is computed once rather than once
/// per created contract.
#[derive(Debug, Default)]
pub struct ExploitCode {
    skeletons: HashMap<Address, Vec<u8>>,
}

impl ExploitCode {
    pub fn new() -> Self {
        Self::default()
    }

    fn judge(&mut self, tx: B256, created: &Created, known: &Knowledge) -> Vec<Finding> {
        if created.code.is_empty() {
            return Vec::new();
        }
        let hash = keccak256(&created.code);
        let new = created.address;
        if known.confirmed_code.contains(&hash) {
            return vec![finding(
                subject::of_address(new),
                tx,
                format!("{new} was deployed with the confirmed exploit code {hash} in tx {tx}"),
            )];
        }
        let Some(twin) = self.twin(new, &skeleton(&created.code), known) else {
            return Vec::new();
        };
        let reason = format!(
            "{new} was deployed in tx {tx} with the code of the confirmed {twin} once metadata \
             and immutables are set aside (code hash {hash})"
        );
        vec![
            finding(subject::of_address(new), tx, reason.clone()),
            finding(subject::of_code_hash(hash), tx, reason),
        ]
    }

    /// The confirmed contract (the lowest address, so the answer does not depend on a map's
    /// order) whose skeleton is `skeleton`.
    fn twin(&mut self, new: Address, skeleton: &[u8], known: &Knowledge) -> Option<Address> {
        // A subject that is no longer confirmed (a dispute overturned it) stops matching.
        self.skeletons
            .retain(|address, _| known.confirmed_contracts.contains_key(address));
        let mut twin = None;
        for (address, code) in &known.confirmed_contracts {
            if *address == new || code.is_empty() {
                continue;
            }
            let theirs = self
                .skeletons
                .entry(*address)
                .or_insert_with(|| self::skeleton(code));
            if theirs.as_slice() == skeleton && twin.is_none_or(|t| *address < t) {
                twin = Some(*address);
            }
        }
        twin
    }
}

fn finding(subject: B256, evidence: B256, reason: String) -> Finding {
    Finding {
        subject,
        category: Category::Exploit as u8,
        severity: SEVERITY,
        evidence,
        detector: "code",
        reason,
    }
}

/// EVM runtime code without what differs between deployments of one contract: solc's CBOR
/// metadata tail (it hashes the sources' comments and paths as well as the compiler) and the
/// values of every PUSH32, which is where immutables, and so constructor arguments, sit in
/// runtime code. Opcodes are walked from the start so that an immediate byte is never taken for
/// an opcode. A PUSH32 that is a true constant is zeroed too: that only makes two codes that
/// differ in such a constant alike, which they are in all but that value.
pub fn skeleton(code: &[u8]) -> Vec<u8> {
    if code.starts_with(&STYLUS_PREFIX) {
        return code.to_vec();
    }
    let body = without_metadata(code);
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    while at < body.len() {
        let op = body[at];
        out.push(op);
        at += 1;
        if (PUSH1..=PUSH32).contains(&op) {
            // A PUSH cut off by the end of the code pushes what is there (zeros after it).
            let end = body.len().min(at + usize::from(op - PUSH1) + 1);
            let immediate = &body[at..end];
            if op == PUSH32 {
                out.resize(out.len() + immediate.len(), 0);
            } else {
                out.extend_from_slice(immediate);
            }
            at = end;
        }
    }
    out
}

/// `code` without solc's metadata: the last two bytes give the tail's length, and the tail is a
/// CBOR map. Code that does not end that way is returned whole.
fn without_metadata(code: &[u8]) -> &[u8] {
    let Some(split) = code.len().checked_sub(2) else {
        return code;
    };
    let length = usize::from(u16::from_be_bytes([code[split], code[split + 1]]));
    match split.checked_sub(length) {
        Some(start) if length > 0 && METADATA_MAP.contains(&code[start]) => &code[..start],
        _ => code,
    }
}

#[async_trait::async_trait]
impl Detector for ExploitCode {
    fn name(&self) -> &'static str {
        "code"
    }

    async fn inspect(
        &mut self,
        block: &BlockView,
        known: &Knowledge,
        _state: &State,
    ) -> Result<Vec<Finding>, Error> {
        let mut findings: Vec<Finding> = Vec::new();
        for tx in block.txs.iter().filter(|tx| tx.success) {
            let Some(created) = &tx.created else {
                continue;
            };
            for finding in self.judge(tx.hash, created, known) {
                // Copies deployed in one block share their code hash: it is reported once.
                if findings.iter().all(|f| f.subject != finding.subject) {
                    findings.push(finding);
                }
            }
        }
        Ok(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::view::TxView;
    use alloy_primitives::{address, Bytes};
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_transport::mock::Asserter;

    /// A solc-like tail: a CBOR map of one entry (`ipfs` and 34 bytes), then its length.
    fn metadata(fill: u8) -> Vec<u8> {
        let mut tail = vec![0xa1, 0x64, b'i', b'p', b'f', b's', 0x58, 0x22];
        tail.extend([fill; 34]);
        let length = u16::try_from(tail.len()).unwrap();
        tail.extend(length.to_be_bytes());
        tail
    }

    /// PUSH32 `value`, PUSH1 0 SSTORE, CALLER, STOP: a contract with one immutable.
    fn runtime(value: u8, op: u8, fill: u8) -> Vec<u8> {
        let mut code = vec![PUSH32];
        code.extend([value; 32]);
        code.extend([PUSH1, 0x00, 0x55, op, 0x00]);
        code.extend(metadata(fill));
        code
    }

    #[test]
    fn metadata_and_immutables_are_set_aside() {
        let base = skeleton(&runtime(1, 0x33, 0xaa));
        assert_eq!(skeleton(&runtime(1, 0x33, 0xbb)), base, "metadata differs");
        assert_eq!(
            skeleton(&runtime(2, 0x33, 0xaa)),
            base,
            "an immutable differs"
        );
        assert_ne!(
            skeleton(&runtime(1, 0x32, 0xaa)),
            base,
            "ORIGIN is not CALLER"
        );
        // The metadata is gone, the PUSH32 kept as an opcode with a zeroed value.
        assert_eq!(base.len(), 33 + 5);
        assert_eq!(&base[..33], &[&[PUSH32][..], &[0; 32]].concat()[..]);
    }

    #[test]
    fn immediates_are_not_read_as_opcodes() {
        // PUSH1 0x7f pushes the byte of PUSH32's opcode: the 0xab that follows is an opcode and
        // must be kept, not zeroed as a PUSH32 immediate.
        let a = [PUSH1, PUSH32, 0xab, 0x00];
        let b = [PUSH1, PUSH32, 0xcd, 0x00];
        assert_eq!(skeleton(&a), a);
        assert_ne!(skeleton(&a), skeleton(&b));
    }

    #[test]
    fn a_push_cut_off_by_the_end_is_kept_as_is() {
        assert_eq!(skeleton(&[0x00, PUSH32, 1, 2]), [0x00, PUSH32, 0, 0]);
        assert_eq!(skeleton(&[0x61, 0x12]), [0x61, 0x12]);
        assert_eq!(skeleton(&[PUSH32]), [PUSH32]);
        assert!(skeleton(&[]).is_empty());
        // Two trailing bytes that claim a longer tail than the code holds strip nothing.
        assert_eq!(skeleton(&[0x00, 0xff, 0xff]), [0x00, 0xff, 0xff]);
        // A tail that does not start like a CBOR map is code.
        assert_eq!(
            skeleton(&[0x00, 0x5b, 0x00, 0x01]),
            [0x00, 0x5b, 0x00, 0x01]
        );
    }

    #[test]
    fn stylus_programs_are_compared_whole() {
        let mut program = STYLUS_PREFIX.to_vec();
        program.extend([PUSH32, 1, 2, 3]);
        program.extend(metadata(0xaa));
        assert_eq!(skeleton(&program), program);
    }

    fn state() -> State {
        let provider = ProviderBuilder::new()
            .connect_mocked_client(Asserter::new())
            .erased();
        State::new(provider, "mock")
    }

    fn creation(code: Vec<u8>) -> (BlockView, Address, B256) {
        let new = address!("00000000000000000000000000000000000000c1");
        let hash = B256::repeat_byte(0x77);
        let tx = TxView {
            hash,
            from: address!("00000000000000000000000000000000000000a1"),
            success: true,
            created: Some(Created {
                address: new,
                code: Bytes::from(code),
            }),
            ..TxView::default()
        };
        let block = BlockView {
            number: 10,
            txs: vec![tx],
            ..BlockView::default()
        };
        (block, new, hash)
    }

    #[tokio::test]
    async fn a_confirmed_code_hash_reports_the_new_address() {
        let code = runtime(1, 0x33, 0xaa);
        let (block, new, tx) = creation(code.clone());
        let mut known = Knowledge::default();
        known.confirmed_code.insert(keccak256(&code));
        let findings = ExploitCode::new()
            .inspect(&block, &known, &state())
            .await
            .unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].subject, subject::of_address(new));
        assert_eq!(findings[0].severity, 4);
        assert_eq!(findings[0].category, 1);
        assert_eq!(findings[0].evidence, tx);
    }

    #[tokio::test]
    async fn a_redeployment_reports_the_address_and_its_code_hash() {
        let confirmed = address!("00000000000000000000000000000000000000b1");
        let mut known = Knowledge::default();
        known
            .confirmed_contracts
            .insert(confirmed, runtime(1, 0x33, 0xaa).into());
        let code = runtime(9, 0x33, 0xbb);
        let (block, new, tx) = creation(code.clone());
        let mut detector = ExploitCode::new();
        let findings = detector.inspect(&block, &known, &state()).await.unwrap();
        let subjects: Vec<B256> = findings.iter().map(|f| f.subject).collect();
        assert_eq!(
            subjects,
            [
                subject::of_address(new),
                subject::of_code_hash(keccak256(&code))
            ]
        );
        assert!(findings.iter().all(|f| f.evidence == tx && f.category == 1));
        assert!(findings[0].reason.contains(&confirmed.to_string()));

        // A second copy in the same block: its address, and the code hash only once.
        let mut copies = block.clone();
        let second = address!("00000000000000000000000000000000000000c2");
        let mut copy = copies.txs[0].clone();
        copy.created.as_mut().unwrap().address = second;
        copies.txs.push(copy);
        let findings = detector.inspect(&copies, &known, &state()).await.unwrap();
        assert_eq!(
            findings.iter().map(|f| f.subject).collect::<Vec<_>>(),
            [
                subject::of_address(new),
                subject::of_code_hash(keccak256(&code)),
                subject::of_address(second)
            ]
        );

        // Another opcode is another contract; a failed creation created nothing.
        let (other, _, _) = creation(runtime(9, 0x32, 0xbb));
        assert!(detector
            .inspect(&other, &known, &state())
            .await
            .unwrap()
            .is_empty());
        let (mut reverted, _, _) = creation(code);
        reverted.txs[0].success = false;
        assert!(detector
            .inspect(&reverted, &known, &state())
            .await
            .unwrap()
            .is_empty());

        // Once the contract is no longer confirmed, its twins are not reported.
        known.confirmed_contracts.clear();
        assert!(detector
            .inspect(&block, &known, &state())
            .await
            .unwrap()
            .is_empty());
        assert!(detector.skeletons.is_empty());
    }
}
