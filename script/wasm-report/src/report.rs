//! The report: a Markdown table for people and the same numbers as JSON for the bench (written
//! by hand: this tool has no JSON dependency).

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::measure::{violations, Measure, MAX_DEPLOYABLE_BYTES, MAX_RAW_BYTES};

/// One measured contract.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub wasm: PathBuf,
    pub measure: Measure,
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::new();
    s.push_str("| contract | raw wasm (bytes) | of 131,072 | deployable: 0xEFF00000 + Brotli-11 (bytes) | of 24,576 | data segments (bytes) | segments | functions (local + imported) |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for Row {
        name, measure: m, ..
    } in rows
    {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} + {} |",
            name,
            m.raw_bytes,
            percent(m.raw_bytes, MAX_RAW_BYTES),
            m.deployable_bytes,
            percent(m.deployable_bytes, MAX_DEPLOYABLE_BYTES),
            m.data_segment_bytes,
            m.data_segments,
            m.functions,
            m.imported_functions,
        );
    }
    s
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn json(rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{{\n  \"limits\": {{ \"max_deployable_bytes\": {MAX_DEPLOYABLE_BYTES}, \"max_raw_bytes\": {MAX_RAW_BYTES} }},"
    );
    s.push_str("  \"contracts\": [");
    for (
        i,
        Row {
            name,
            wasm,
            measure: m,
        },
    ) in rows.iter().enumerate()
    {
        let v = violations(m);
        let v: Vec<String> = v.iter().map(|x| json_string(x)).collect();
        let _ = write!(
            s,
            "{}\n    {{ \"name\": {}, \"wasm\": {}, \"raw_bytes\": {}, \"deployable_bytes\": {}, \"data_segment_bytes\": {}, \"data_segments\": {}, \"functions\": {}, \"imported_functions\": {}, \"within_limits\": {}, \"violations\": [{}] }}",
            if i == 0 { "" } else { "," },
            json_string(name),
            json_string(&wasm.display().to_string()),
            m.raw_bytes,
            m.deployable_bytes,
            m.data_segment_bytes,
            m.data_segments,
            m.functions,
            m.imported_functions,
            v.is_empty(),
            v.join(", "),
        );
    }
    s.push_str(if rows.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::measure;
    use crate::measure::tests::{noise, wasm_with_data};

    #[test]
    fn json_and_markdown_carry_the_numbers() {
        let wasm = wasm_with_data(&[&noise(30_000)]);
        let m = measure(&wasm).unwrap();
        let rows = [Row {
            name: "vigil-x".into(),
            wasm: PathBuf::from("t/x.wasm"),
            measure: m.clone(),
        }];
        let j = json(&rows);
        assert!(j.contains("\"name\": \"vigil-x\""), "{j}");
        assert!(j.contains(&format!("\"deployable_bytes\": {}", m.deployable_bytes)));
        assert!(j.contains("\"within_limits\": false"), "{j}");
        let md = markdown(&rows);
        assert!(
            md.contains(&format!("| vigil-x | {} |", m.raw_bytes)),
            "{md}"
        );
        assert_eq!(json(&[]).matches('[').count(), 1);
    }
}
