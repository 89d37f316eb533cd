//! `vigil-wasm-report`: measures the release `.wasm` of every Vigil Stylus contract and fails above the
//! chain limits.
//!
//! For each contract it reads `<target>/wasm/<crate_with_underscores>.wasm`
//! (where `script/build-contracts.sh` puts it)
//! and reports:
//! - raw bytes (Stylus `MaxWasmSize`: at most 128 KiB = 131,072 bytes uncompressed);
//! - deployable bytes: the on-chain form, the `0xEFF00000` prefix followed by the Brotli
//!   (quality 11, window 22) compression of the wasm, as cargo-stylus builds it. It must fit the EVM
//!   max code size, 24,576 bytes. cargo-stylus first appends a small project-hash custom section to the
//!   wasm, so `cargo stylus check` may print a number a few dozen bytes higher; the margin to the limit
//!   is what matters here;
//! - data-segment bytes (sum of the data segments' sizes): every byte costs ~0.75 gas on every call
//!   (see shared/reference/stylus-gas-model.md);
//! - local and imported functions.
//!
//! It prints a Markdown table and writes the same numbers as JSON to `<target>/wasm-report.json`.
//! Exit status: 0 within limits, 1 when a contract exceeds a limit or cannot be read, 2 on bad usage.
//!
//! Usage: `vigil-wasm-report [--list] [--target-dir DIR] [CONTRACT...]`. Without contract names it
//! measures every crate under `contracts/` whose `[lib]` builds a `cdylib`; `--list` prints those
//! crate names, one a line, so the scripts build exactly the crates that this tool measures.
//!
//! `measure` computes the figures, `crates` finds the contract crates, `report` prints them.

mod crates;
mod measure;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crates::{discover, wasm_file, workspace_root};
use measure::{measure, violations, MAX_DEPLOYABLE_BYTES, MAX_RAW_BYTES};
use report::{json, markdown, Row};

const USAGE: &str = "usage: vigil-wasm-report [--list] [--target-dir DIR] [CONTRACT...]";

fn run() -> Result<bool, (u8, String)> {
    let mut list = false;
    let mut target_dir: Option<PathBuf> = None;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--list" => list = true,
            "--target-dir" => {
                let dir = args.next().ok_or((2, USAGE.to_string()))?;
                target_dir = Some(PathBuf::from(dir));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(true);
            }
            a if a.starts_with('-') => return Err((2, format!("unknown option {a}\n{USAGE}"))),
            a => names.push(a.to_string()),
        }
    }

    let cwd = std::env::current_dir().map_err(|e| (1, format!("no current directory: {e}")))?;
    let root = workspace_root(&cwd)
        .or_else(|| workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))))
        .ok_or((1, "not inside the Vigil workspace".to_string()))?;
    let known = discover(&root).map_err(|e| (1, e))?;

    if list {
        for name in &known {
            println!("{name}");
        }
        return Ok(true);
    }

    let contracts = if names.is_empty() { known } else { names };
    if contracts.is_empty() {
        return Err((1, "no contract crates to measure".to_string()));
    }

    // Same rule as cargo: --target-dir, else CARGO_TARGET_DIR (relative to the current directory),
    // else <workspace>/target.
    let target = target_dir
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .map(|d| if d.is_absolute() { d } else { cwd.join(d) })
        .unwrap_or_else(|| root.join("target"));
    let release = target.join("wasm");

    let mut rows = Vec::new();
    for name in contracts {
        let path = release.join(wasm_file(&name));
        let wasm = std::fs::read(&path).map_err(|e| {
            (
                1,
                format!(
                    "cannot read {} ({e}); build it first: script/build-contracts.sh {}",
                    path.display(),
                    name
                ),
            )
        })?;
        let measure = measure(&wasm).map_err(|e| (1, format!("{}: {e}", path.display())))?;
        rows.push(Row {
            name,
            wasm: path,
            measure,
        });
    }

    print!("{}", markdown(&rows));
    println!(
        "\nLimits: deployable <= {MAX_DEPLOYABLE_BYTES} bytes (EVM max code size), raw <= {MAX_RAW_BYTES} bytes (Stylus MaxWasmSize)."
    );

    let out = target.join("wasm-report.json");
    std::fs::create_dir_all(&target)
        .and_then(|_| std::fs::write(&out, json(&rows)))
        .map_err(|e| (1, format!("cannot write {}: {e}", out.display())))?;
    println!("JSON: {}", out.display());

    let mut ok = true;
    for row in &rows {
        for v in violations(&row.measure) {
            eprintln!("error: {}: {v}", row.name);
            ok = false;
        }
    }
    Ok(ok)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("wasm-report: FAILED: a contract exceeds a Stylus chain limit (see above)");
            ExitCode::from(1)
        }
        Err((code, msg)) => {
            eprintln!("wasm-report: error: {msg}");
            ExitCode::from(code)
        }
    }
}
