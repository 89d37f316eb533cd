//! Wasm sizes: what script/wasm-report measured, checked against the bytes this run deployed.

use serde_json::{json, Value};
use vigil_devnet::report::{thousands, Align, Table};
use vigil_devnet::system::*;
use vigil_devnet::{artifacts, Address};

pub struct Row {
    pub name: String,
    raw: u64,
    pub compressed: u64,
    pub data: u64,
}

impl Row {
    pub fn json(&self) -> Value {
        json!({
            "contract": self.name, "raw_bytes": self.raw, "compressed_bytes": self.compressed,
            "data_segment_bytes": self.data,
        })
    }
}

/// The sizes script/wasm-report measured (`target/wasm-report.json`), after checking that they
/// describe the bytes this run deployed: same wasm, same on-chain code length.
pub fn rows(w: &World) -> Result<Vec<Row>, String> {
    let path = artifacts::target_dir().join("wasm-report.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {} ({e}): run `cargo run --locked -p vigil-wasm-report` after the wasm build (script/bench.sh does)",
            path.display()
        )
    })?;
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let contracts = report["contracts"]
        .as_array()
        .ok_or_else(|| format!("{}: no contracts array", path.display()))?;
    let deployed: [(&str, &[u8], Address); 4] = [
        ("vigil-guard", guard_wasm(), w.guard),
        (
            "vigil-guard-extension",
            guard_extension_wasm(),
            w.guard_extension,
        ),
        ("vigil-registry", registry_wasm(), w.registry),
        (
            "vigil-registry-extension",
            registry_extension_wasm(),
            w.extension,
        ),
    ];
    let mut rows = Vec::new();
    for c in contracts {
        let field = |key: &str| {
            c[key]
                .as_u64()
                .ok_or_else(|| format!("{}: {key} missing", path.display()))
        };
        let name = c["name"].as_str().unwrap_or_default().to_string();
        let row = Row {
            raw: field("raw_bytes")?,
            compressed: field("deployable_bytes")?,
            data: field("data_segment_bytes")?,
            name,
        };
        if let Some((_, wasm, address)) = deployed.iter().find(|(n, ..)| *n == row.name) {
            let on_chain = w.chain.code(*address).len() as u64;
            if wasm.len() as u64 != row.raw || on_chain != row.compressed {
                return Err(format!(
                    "{} describes {} ({} raw, {} deployable bytes) but this run deployed {} raw, \
                     {on_chain} on-chain bytes: rebuild with ./script/bench.sh",
                    path.display(),
                    row.name,
                    row.raw,
                    row.compressed,
                    wasm.len()
                ));
            }
        }
        rows.push(row);
    }
    for (name, ..) in deployed {
        if !rows.iter().any(|r| r.name == name) {
            return Err(format!("{} has no row for {name}", path.display()));
        }
    }
    Ok(rows)
}

pub fn table(rows: &[Row]) -> String {
    let mut t = Table::new(&[
        ("contract", Align::Left),
        ("raw wasm (bytes)", Align::Right),
        ("compressed: 0xEFF00000 + Brotli-11 (bytes)", Align::Right),
        ("data segment (bytes)", Align::Right),
    ]);
    for r in rows {
        t.row(&[
            r.name.clone(),
            thousands(r.raw),
            thousands(r.compressed),
            thousands(r.data),
        ]);
    }
    format!("### Wasm sizes (script/wasm-report)\n\n{}\n", t.markdown())
}
