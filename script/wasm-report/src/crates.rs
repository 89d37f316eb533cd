//! Which crates are contracts: the cdylib crates under `contracts/` of the workspace, and where
//! cargo puts their wasm.

use std::path::{Path, PathBuf};

/// The file name cargo gives a crate's cdylib: `vigil-registry` -> `vigil_registry.wasm`.
pub fn wasm_file(crate_name: &str) -> String {
    format!("{}.wasm", crate_name.replace('-', "_"))
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

/// The workspace root: the nearest ancestor of `start` whose Cargo.toml has a `[workspace]` table.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        text.lines()
            .any(|l| l.trim() == "[workspace]")
            .then(|| dir.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
