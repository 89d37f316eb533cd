//! `vigil-wasm-report`: measures the release `.wasm` of every Vigil Stylus contract and fails above the
//! chain limits.
//!
//! For each contract it reads `<target>/wasm32-unknown-unknown/release/<crate_with_underscores>.wasm`
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

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Prefix of Stylus program code on chain: EOF-style magic, Stylus root, no dictionary.
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];
/// Brotli quality and window that cargo-stylus uses.
pub const BROTLI_QUALITY: u32 = 11;
pub const BROTLI_WINDOW: u32 = 22;
/// EVM max code size (EIP-170): the deployable form must fit it.
pub const MAX_DEPLOYABLE_BYTES: usize = 24_576;
/// Stylus `MaxWasmSize`: the uncompressed wasm must fit it.
pub const MAX_RAW_BYTES: usize = 131_072;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub raw_bytes: usize,
    pub deployable_bytes: usize,
    pub data_segment_bytes: usize,
    pub data_segments: u32,
    pub functions: u32,
    pub imported_functions: u32,
}

/// The on-chain form of a wasm: `0xEFF00000` followed by its Brotli compression.
pub fn deployable(wasm: &[u8]) -> Vec<u8> {
    let mut out = STYLUS_PREFIX.to_vec();
    let mut writer = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
    writer
        .write_all(wasm)
        .expect("writing into a Vec cannot fail");
    // into_inner finishes the Brotli stream.
    writer.into_inner();
    out
}

pub fn measure(wasm: &[u8]) -> Result<Measure, String> {
    use wasmparser::{Parser, Payload, TypeRef};

    let mut m = Measure {
        raw_bytes: wasm.len(),
        deployable_bytes: deployable(wasm).len(),
        data_segment_bytes: 0,
        data_segments: 0,
        functions: 0,
        imported_functions: 0,
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| format!("not a valid wasm module: {e}"))? {
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(|e| format!("bad import section: {e}"))?;
                    if matches!(import.ty, TypeRef::Func(_)) {
                        m.imported_functions += 1;
                    }
                }
            }
            Payload::FunctionSection(reader) => m.functions = reader.count(),
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(|e| format!("bad data section: {e}"))?;
                    m.data_segment_bytes += data.data.len();
                    m.data_segments += 1;
                }
            }
            _ => {}
        }
    }
    Ok(m)
}

/// The chain limits this measure breaks, as messages; empty when it fits.
pub fn violations(m: &Measure) -> Vec<String> {
    let mut v = Vec::new();
    if m.deployable_bytes > MAX_DEPLOYABLE_BYTES {
        v.push(format!(
            "deployable (0xEFF00000 + Brotli) is {} bytes, above the EVM max code size of {MAX_DEPLOYABLE_BYTES}",
            m.deployable_bytes
        ));
    }
    if m.raw_bytes > MAX_RAW_BYTES {
        v.push(format!(
            "uncompressed wasm is {} bytes, above the Stylus MaxWasmSize of {MAX_RAW_BYTES}",
            m.raw_bytes
        ));
    }
    v
}

/// The file name cargo gives a crate's cdylib: `vigil-registry` -> `vigil_registry.wasm`.
pub fn wasm_file(crate_name: &str) -> String {
    format!("{}.wasm", crate_name.replace('-', "_"))
}

/// One measured contract.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub wasm: PathBuf,
    pub measure: Measure,
}

/// The package name of a Cargo.toml whose `[lib]` builds a `cdylib`, else `None`.
/// A deliberately small reader of the two keys it needs, not a TOML parser.
pub fn cdylib_package_name(manifest: &str) -> Option<String> {
    let mut section = String::new();
    let mut name = None;
    let mut cdylib = false;
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        match (section.as_str(), key.trim()) {
            ("[package]", "name") => {
                name = Some(value.trim().trim_matches('"').to_string());
            }
            ("[lib]", "crate-type") => cdylib |= value.contains("\"cdylib\""),
            _ => {}
        }
    }
    name.filter(|_| cdylib)
}

/// Every crate under `<root>/contracts/` that builds a cdylib, sorted.
pub fn discover(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("contracts");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let manifest = entry.path().join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            if let Some(name) = cdylib_package_name(&text) {
                found.push(name);
            }
        }
    }
    found.sort();
    Ok(found)
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

/// The workspace root: the nearest ancestor of `start` whose Cargo.toml has a `[workspace]` table.
fn workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        text.lines()
            .any(|l| l.trim() == "[workspace]")
            .then(|| dir.to_path_buf())
    })
}

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
    let release = target.join("wasm32-unknown-unknown").join("release");

    let mut rows = Vec::new();
    for name in contracts {
        let path = release.join(wasm_file(&name));
        let wasm = std::fs::read(&path).map_err(|e| {
            (
                1,
                format!(
                    "cannot read {} ({e}); build it first: cargo build --release --locked --target wasm32-unknown-unknown -p {}",
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Unsigned LEB128, as the wasm binary format writes sizes and counts.
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    /// The 8-byte wasm header plus one data section holding one passive segment per entry of `segments`.
    fn wasm_with_data(segments: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        leb(segments.len(), &mut body);
        for seg in segments {
            body.push(0x01); // passive segment: no memory index, no offset expression
            leb(seg.len(), &mut body);
            body.extend_from_slice(seg);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(11); // data section id
        leb(body.len(), &mut wasm);
        wasm.extend_from_slice(&body);
        wasm
    }

    /// Incompressible bytes (xorshift), so the Brotli size is about the input size.
    fn noise(len: usize) -> Vec<u8> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn decompress(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &data[..], &mut out).expect("valid brotli stream");
        out
    }

    #[test]
    fn deployable_is_prefix_plus_brotli_of_the_wasm() {
        let wasm = wasm_with_data(&[b"hello stylus", &[0u8; 1000]]);
        let d = deployable(&wasm);
        assert_eq!(&d[..4], &[0xEF, 0xF0, 0x00, 0x00]);
        assert_eq!(decompress(&d[4..]), wasm);
        // 1000 zero bytes compress to almost nothing.
        assert!(d.len() < 100, "deployable is {} bytes", d.len());
    }

    #[test]
    fn measures_header_only_module() {
        let wasm = b"\0asm\x01\0\0\0".to_vec();
        let m = measure(&wasm).unwrap();
        assert_eq!(m.raw_bytes, 8);
        assert_eq!(m.deployable_bytes, deployable(&wasm).len());
        assert_eq!((m.data_segment_bytes, m.data_segments), (0, 0));
        assert_eq!((m.functions, m.imported_functions), (0, 0));
        assert!(violations(&m).is_empty());
    }

    #[test]
    fn sums_data_segments() {
        let wasm = wasm_with_data(&[b"abc", b"", &[7u8; 300]]);
        let m = measure(&wasm).unwrap();
        assert_eq!(m.raw_bytes, wasm.len());
        assert_eq!(m.data_segment_bytes, 303);
        assert_eq!(m.data_segments, 3);
    }

    #[test]
    fn counts_local_and_imported_functions() {
        #[rustfmt::skip]
        let wasm: Vec<u8> = [
            &b"\0asm\x01\0\0\0"[..],
            &[1, 4, 1, 0x60, 0, 0],                 // type section: one type () -> ()
            &[2, 7, 1, 1, b'm', 1, b'f', 0, 0],     // import section: m.f, a function of type 0
            &[3, 3, 2, 0, 0],                       // function section: two local functions
            &[10, 7, 2, 2, 0, 0x0b, 2, 0, 0x0b],    // code section: two empty bodies
        ]
        .concat();
        let m = measure(&wasm).unwrap();
        assert_eq!((m.functions, m.imported_functions), (2, 1));
    }

    #[test]
    fn rejects_garbage() {
        assert!(measure(b"not wasm at all").is_err());
    }

    #[test]
    fn fails_above_compressed_limit() {
        // 30,000 incompressible bytes: raw is fine, the deployable form is not.
        let wasm = wasm_with_data(&[&noise(30_000)]);
        let m = measure(&wasm).unwrap();
        assert!(m.raw_bytes <= MAX_RAW_BYTES);
        assert!(m.deployable_bytes > MAX_DEPLOYABLE_BYTES);
        let v = violations(&m);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("24576"), "{}", v[0]);
    }

    #[test]
    fn fails_above_raw_limit() {
        // 140,000 zero bytes: compresses to almost nothing, but the raw wasm is too large.
        let wasm = wasm_with_data(&[&vec![0u8; 140_000]]);
        let m = measure(&wasm).unwrap();
        assert!(m.deployable_bytes <= MAX_DEPLOYABLE_BYTES);
        let v = violations(&m);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("131072"), "{}", v[0]);
    }

    #[test]
    fn limits_are_inclusive() {
        let at = Measure {
            raw_bytes: MAX_RAW_BYTES,
            deployable_bytes: MAX_DEPLOYABLE_BYTES,
            data_segment_bytes: 0,
            data_segments: 0,
            functions: 0,
            imported_functions: 0,
        };
        assert!(violations(&at).is_empty());
        let over = Measure {
            raw_bytes: MAX_RAW_BYTES + 1,
            deployable_bytes: MAX_DEPLOYABLE_BYTES + 1,
            ..at
        };
        assert_eq!(violations(&over).len(), 2);
    }

    #[test]
    fn reads_cdylib_package_names() {
        let registry = r#"
[package]
name = "vigil-registry"
version.workspace = true

[dependencies]
name = "not-this"

[lib]
crate-type = ["lib", "cdylib"] # deployable
"#;
        assert_eq!(
            cdylib_package_name(registry).as_deref(),
            Some("vigil-registry")
        );
        let common = "[package]\nname = \"vigil-common\"\n";
        assert_eq!(cdylib_package_name(common), None);
        let rlib = "[package]\nname = \"x\"\n[lib]\ncrate-type = [\"rlib\"]\n";
        assert_eq!(cdylib_package_name(rlib), None);
    }

    #[test]
    fn wasm_file_uses_underscores() {
        assert_eq!(wasm_file("vigil-registry"), "vigil_registry.wasm");
    }

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
