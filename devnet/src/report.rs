//! Formatting shared by the `demo` and `bench` binaries: numbers as people read them, Markdown
//! tables and the JSON file, so the two print gas and ether the same way.

use std::fmt::Write as _;
use std::path::Path;

use alloy_primitives::utils::format_ether;

use crate::U256;

/// 123456 -> "123,456".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// -1234 -> "-1,234", 1234 -> "1,234".
pub fn thousands_signed(n: i64) -> String {
    let abs = thousands(n.unsigned_abs());
    if n < 0 {
        format!("-{abs}")
    } else {
        abs
    }
}

/// A difference, always with its sign: "+1,234", "-1,234", "+0".
pub fn signed(n: i64) -> String {
    if n >= 0 {
        format!("+{}", thousands(n.unsigned_abs()))
    } else {
        thousands_signed(n)
    }
}

/// Wei as ETH with up to 4 decimals, exact when it has no more ("0.65 ETH", "1.3333… ETH").
pub fn ether(wei: U256) -> String {
    let text = format_ether(wei);
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let trimmed = frac.trim_end_matches('0');
    if trimmed.is_empty() {
        format!("{whole} ETH")
    } else if trimmed.len() <= 4 {
        format!("{whole}.{trimmed} ETH")
    } else {
        format!("{whole}.{}… ETH", &frac[..4])
    }
}

/// How a Markdown column is aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A Markdown table: a header line, the alignment line, one line per row.
pub struct Table {
    text: String,
    columns: usize,
}

impl Table {
    pub fn new(columns: &[(&str, Align)]) -> Self {
        let mut text = String::new();
        let header: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        let _ = writeln!(text, "| {} |", header.join(" | "));
        for (_, align) in columns {
            text.push_str(match align {
                Align::Left => "|---",
                Align::Right => "|---:",
            });
        }
        text.push_str("|\n");
        Self {
            text,
            columns: columns.len(),
        }
    }

    /// Appends a row; it must have one cell per column.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        assert_eq!(cells.len(), self.columns, "a row with the wrong width");
        let cells: Vec<&str> = cells.iter().map(AsRef::as_ref).collect();
        let _ = writeln!(self.text, "| {} |", cells.join(" | "));
    }

    /// The table as Markdown, every line ending in a newline.
    pub fn markdown(&self) -> &str {
        &self.text
    }
}

/// Writes `value` as pretty JSON with a final newline.
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_by_thousands_with_their_sign() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(123_456_789), "123,456,789");
        assert_eq!(thousands_signed(-1_234), "-1,234");
        assert_eq!(signed(0), "+0");
        assert_eq!(signed(8_172), "+8,172");
        assert_eq!(signed(-11_071), "-11,071");
        assert_eq!(signed(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn ether_is_exact_up_to_four_decimals_then_cut() {
        let wei = |n: u128| U256::from(n);
        assert_eq!(ether(U256::ZERO), "0 ETH");
        assert_eq!(ether(wei(1_000 * 10u128.pow(18))), "1000 ETH");
        assert_eq!(ether(wei(65 * 10u128.pow(16))), "0.65 ETH");
        assert_eq!(ether(wei(10u128.pow(14))), "0.0001 ETH");
        assert_eq!(ether(wei(4 * 10u128.pow(18) / 3)), "1.3333… ETH");
        assert_eq!(ether(wei(1)), "0.0000… ETH");
    }

    #[test]
    fn tables_align_and_refuse_ragged_rows() {
        let mut t = Table::new(&[("a", Align::Left), ("b", Align::Right)]);
        t.row(&["x", "1"]);
        assert_eq!(t.markdown(), "| a | b |\n|---|---:|\n| x | 1 |\n");
        let ragged = std::panic::catch_unwind(move || t.row(&["only one"]));
        assert!(ragged.is_err());
    }
}
