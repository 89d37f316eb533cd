//! The subjects users type, in the one syntax every command and `--json` output share:
//!
//! - `0x` and 40 hex digits: an address (an attacker's account or contract);
//! - `code:0x` and 64 hex digits: every contract whose runtime code has this keccak256;
//! - `advisory:<name>`: the advisory whose id is keccak256 of the name (for example
//!   `advisory:CVE-2026-1234`), or `advisory:0x` and 64 hex digits for an id given as a hash;
//! - `0x` and 64 hex digits: a subject word as the registry stores it (design §2.1).
//!
//! The encoding is the registry's own (`vigil_common::subject`), restated here because the CLI
//! does not link the contracts' crate; a test pins it to the registry's answers on chain.

use crate::Error;
use alloy_primitives::{keccak256, Address, B256};

/// The tag in byte 0 of a subject.
const ADDRESS: u8 = 1;
const CODE_HASH: u8 = 2;
const ADVISORY: u8 = 3;

/// What a subject names, with the value it was made from where the word keeps all of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Address(Address),
    CodeHash,
    Advisory,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Address(_) => "address",
            Kind::CodeHash => "code hash",
            Kind::Advisory => "advisory",
        }
    }
}

pub fn of_address(account: Address) -> B256 {
    let mut word = [0u8; 32];
    word[0] = ADDRESS;
    word[12..].copy_from_slice(account.as_slice());
    B256::new(word)
}

pub fn of_code_hash(hash: B256) -> B256 {
    tagged(CODE_HASH, hash)
}

pub fn of_advisory(id: B256) -> B256 {
    tagged(ADVISORY, id)
}

/// The kind of a well-formed subject word; None for a word the registry refuses.
pub fn kind(subject: B256) -> Option<Kind> {
    match subject[0] {
        ADDRESS if subject[1..12].iter().all(|b| *b == 0) => {
            Some(Kind::Address(Address::from_slice(&subject[12..])))
        }
        CODE_HASH => Some(Kind::CodeHash),
        ADVISORY => Some(Kind::Advisory),
        _ => None,
    }
}

/// The subject a user typed, in the syntax of this module's documentation.
pub fn parse(text: &str) -> Result<B256, Error> {
    let text = text.trim();
    let bad = |message: &str| Error::BadArgument {
        what: format!("`{text}` is not a subject"),
        message: format!(
            "{message}; write an address (0x and 40 hex digits), code:<0x and 64 hex digits>, \
             advisory:<name or 0x and 64 hex digits>, or a subject word (0x and 64 hex digits)"
        ),
    };
    if let Some(hash) = text.strip_prefix("code:") {
        let hash = hash
            .parse::<B256>()
            .map_err(|_| bad("a code hash is 0x and 64 hex digits"))?;
        return Ok(of_code_hash(hash));
    }
    if let Some(id) = text.strip_prefix("advisory:") {
        if id.is_empty() {
            return Err(bad("the advisory has no name"));
        }
        let id = match id.parse::<B256>() {
            Ok(hash) if id.starts_with("0x") => hash,
            _ => keccak256(id.as_bytes()),
        };
        return Ok(of_advisory(id));
    }
    if !text.starts_with("0x") {
        return Err(bad("it has no kind"));
    }
    match text.len() {
        42 => text
            .parse::<Address>()
            .map(of_address)
            .map_err(|_| bad("an address is 0x and 40 hex digits")),
        66 => {
            let word = text
                .parse::<B256>()
                .map_err(|_| bad("a subject word is 0x and 64 hex digits"))?;
            kind(word)
                .map(|_| word)
                .ok_or_else(|| bad("its first byte is not 01, 02 or 03 (or an address subject has non-zero padding)"))
        }
        _ => Err(bad("it is neither 42 nor 66 characters long")),
    }
}

/// A subject for people: the address itself, or the kind and the word.
pub fn describe(subject: B256) -> String {
    match kind(subject) {
        Some(Kind::Address(account)) => account.to_string(),
        Some(kind) => format!("{} {subject}", kind.name()),
        None => format!("{subject} (not a subject)"),
    }
}

/// A subject for machines, in the syntax [`parse`] reads back: the address, `code:` or
/// `advisory:` and the word (whose first byte is the kind's tag: the registry keeps a code hash's
/// or an advisory id's low 31 bytes), or the bare word when it is not a subject.
pub fn write(subject: B256) -> String {
    match kind(subject) {
        Some(Kind::Address(account)) => account.to_string(),
        Some(Kind::CodeHash) => format!("code:{subject}"),
        Some(Kind::Advisory) => format!("advisory:{subject}"),
        None => subject.to_string(),
    }
}

fn tagged(tag: u8, value: B256) -> B256 {
    let mut word = value.0;
    word[0] = tag;
    B256::new(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256};

    #[test]
    fn addresses_are_tagged_and_padded() {
        let a = address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
        let word = parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc").unwrap();
        assert_eq!(
            word,
            b256!("0100000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc")
        );
        assert_eq!(kind(word), Some(Kind::Address(a)));
        assert_eq!(describe(word), a.to_string());
        assert_eq!(parse(&word.to_string()).unwrap(), word);
    }

    #[test]
    fn code_hashes_and_advisories_keep_their_low_31_bytes() {
        let hash = b256!("ff11111111111111111111111111111111111111111111111111111111111111");
        let code = parse(&format!("code:{hash}")).unwrap();
        assert_eq!(code[0], CODE_HASH);
        assert_eq!(code[1..], hash[1..]);
        let named = parse("advisory:CVE-2026-1234").unwrap();
        assert_eq!(named, of_advisory(keccak256("CVE-2026-1234")));
        assert_eq!(parse(&format!("advisory:{hash}")).unwrap()[1..], hash[1..]);
        assert_eq!(kind(named), Some(Kind::Advisory));
    }

    #[test]
    fn written_subjects_parse_back_to_the_same_word() {
        let hash = b256!("ff11111111111111111111111111111111111111111111111111111111111111");
        for subject in [
            of_address(address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")),
            of_code_hash(hash),
            of_advisory(keccak256("CVE-2026-1234")),
        ] {
            assert_eq!(
                parse(&write(subject)).unwrap(),
                subject,
                "{}",
                write(subject)
            );
        }
        assert_eq!(
            write(of_code_hash(hash)),
            "code:0x0211111111111111111111111111111111111111111111111111111111111111"
        );
        assert_eq!(
            write(of_address(address!(
                "3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
            ))),
            "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_syntax() {
        for text in [
            "",
            "alice.eth",
            "0x1234",
            "code:",
            "code:0x12",
            "advisory:",
            "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bz",
            // A word with an unknown tag, and an address subject with dirty padding.
            "0x0400000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc",
            "0x0100000000000000000000013c44cdddb6a900fa2b585dd299e03d12fa4293bc",
        ] {
            let message = parse(text).unwrap_err().to_string();
            assert!(message.contains("is not a subject"), "{text}: {message}");
            assert!(message.contains("advisory:<name"), "{text}: {message}");
        }
    }
}
