//! The values users type on the command line besides subjects: amounts, durations, selectors,
//! and evidence, each refused with the syntax it expects.

use crate::config::parse_wei;
use crate::Error;
use alloy_primitives::{keccak256, FixedBytes, B256, U256};
use std::path::Path;

fn bad(what: &str, text: &str, message: impl Into<String>) -> Error {
    Error::BadArgument {
        what: format!("`{text}` is not {what}"),
        message: message.into(),
    }
}

/// `"2"` (wei), `"1.5 ether"`, `"1.5ether"`, `"3 gwei"`.
pub fn amount(text: &str) -> Result<U256, Error> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if number.trim().is_empty() || !matches!(unit.trim(), "" | "wei" | "gwei" | "ether") {
        return Err(bad(
            "an amount",
            text,
            "write <number> [wei|gwei|ether], for example `1.5 ether`",
        ));
    }
    parse_wei(&format!("{} {}", number.trim(), unit.trim()))
        .map_err(|message| bad("an amount", text, message))
}

/// Seconds: `"90"`, `"90s"`, `"15m"`, `"12h"`, `"30d"`.
pub fn duration(text: &str) -> Result<u64, Error> {
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => {
            return Err(bad(
                "a duration",
                text,
                "write seconds, or a number and s, m, h or d",
            ))
        }
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| {
            bad(
                "a duration",
                text,
                "write seconds, or a number and s, m, h or d",
            )
        })
}

/// `0x` and 8 hex digits, or a function signature such as `withdraw(uint256)`.
pub fn selector(text: &str) -> Result<FixedBytes<4>, Error> {
    let text = text.trim();
    if text.starts_with("0x") {
        return text
            .parse()
            .map_err(|_| bad("a selector", text, "a selector is 0x and 8 hex digits"));
    }
    let well_formed = text.ends_with(')')
        && text.find('(').is_some_and(|open| {
            open > 0
                && text[..open]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        && !text.contains(char::is_whitespace);
    if !well_formed {
        return Err(bad(
            "a selector",
            text,
            "write 0x and 8 hex digits, or a signature without spaces such as withdraw(uint256)",
        ));
    }
    Ok(FixedBytes::from_slice(&keccak256(text.as_bytes())[..4]))
}

/// `0x` and 64 hex digits.
pub fn hash(text: &str) -> Result<B256, Error> {
    text.trim()
        .parse()
        .map_err(|_| bad("a hash", text, "a hash is 0x and 64 hex digits"))
}

/// A rationale or other short text as the bytes32 the contracts take: a hash given as such, or
/// the keccak256 of the text (which is then logged for people, since the chain keeps only the
/// hash).
pub fn text_hash(text: &str) -> B256 {
    match text.trim().parse::<B256>() {
        Ok(hash) if text.trim().starts_with("0x") => hash,
        _ => keccak256(text.as_bytes()),
    }
}

/// Where a report's evidence came from and the hash that commits to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub hash: B256,
    /// The file or URL hashed, or None when the hash was given.
    pub source: Option<String>,
    pub bytes: usize,
}

/// Evidence as the registry takes it, a bytes32 commitment: a hash as given, the keccak256 of a
/// file's bytes, or the keccak256 of the body an http(s) URL serves now (the hash pins what the
/// reporter saw, whatever the URL serves later).
pub async fn evidence(text: &str) -> Result<Evidence, Error> {
    let text = text.trim();
    let (bytes, source) = if text.starts_with("http://") || text.starts_with("https://") {
        (fetch(text).await?, Some(text.to_owned()))
    } else if text.starts_with("0x") && !Path::new(text).exists() {
        return Ok(Evidence {
            hash: hash(text)?,
            source: None,
            bytes: 0,
        });
    } else {
        let bytes = std::fs::read(text).map_err(|e| {
            bad(
                "evidence",
                text,
                format!("cannot read it as a file ({e}); give a file, an http(s) URL or 0x and 64 hex digits"),
            )
        })?;
        (bytes, Some(text.to_owned()))
    };
    Ok(Evidence {
        hash: keccak256(&bytes),
        source,
        bytes: bytes.len(),
    })
}

async fn fetch(url: &str) -> Result<Vec<u8>, Error> {
    let fail = |message: String| bad("evidence", url, format!("cannot fetch it: {message}"));
    let response = reqwest::get(url).await.map_err(|e| fail(e.to_string()))?;
    if !response.status().is_success() {
        return Err(fail(format!("the server answered {}", response.status())));
    }
    let body = response.bytes().await.map_err(|e| fail(e.to_string()))?;
    Ok(body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let ether = U256::from(10u64).pow(U256::from(18));
        assert_eq!(
            amount("1.5 ether").unwrap(),
            ether * U256::from(3) / U256::from(2)
        );
        assert_eq!(
            amount("1.5ether").unwrap(),
            ether * U256::from(3) / U256::from(2)
        );
        assert_eq!(amount("3 gwei").unwrap(), U256::from(3_000_000_000u64));
        assert_eq!(amount("7").unwrap(), U256::from(7));
        for text in ["", "-1 ether", "1 eth", "one ether", "1 ether 2"] {
            assert!(amount(text).is_err(), "{text}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration("90").unwrap(), 90);
        assert_eq!(duration("15m").unwrap(), 900);
        assert_eq!(duration("2d").unwrap(), 172_800);
        for text in ["", "d", "1w", "1.5h", "-3", "99999999999999999999d"] {
            assert!(duration(text).is_err(), "{text}");
        }
    }

    #[test]
    fn selectors() {
        assert_eq!(
            selector("withdraw(uint256)").unwrap(),
            FixedBytes([0x2e, 0x1a, 0x7d, 0x4d])
        );
        assert_eq!(
            selector("0x2e1a7d4d").unwrap(),
            FixedBytes([0x2e, 0x1a, 0x7d, 0x4d])
        );
        for text in [
            "withdraw",
            "withdraw (uint256)",
            "(uint256)",
            "0x2e1a7d",
            "0xzz1a7d4d",
        ] {
            assert!(selector(text).is_err(), "{text}");
        }
    }

    #[tokio::test]
    async fn evidence_hashes_files_and_keeps_given_hashes() {
        let path = std::env::temp_dir().join(format!("vigil-evidence-{}", std::process::id()));
        std::fs::write(&path, b"tx 0xabc drained the pool").unwrap();
        let from_file = evidence(path.to_str().unwrap()).await.unwrap();
        assert_eq!(from_file.hash, keccak256(b"tx 0xabc drained the pool"));
        assert_eq!(from_file.bytes, 25);
        std::fs::remove_file(&path).unwrap();
        let given = B256::repeat_byte(7);
        assert_eq!(evidence(&given.to_string()).await.unwrap().hash, given);
        let missing = evidence("/nonexistent/evidence.txt")
            .await
            .unwrap_err()
            .to_string();
        assert!(missing.contains("cannot read it as a file"), "{missing}");
    }
}
