//! devnet/README.md's section "vigil-node: methods and precompiles served" against the code: the
//! JSON-RPC methods the node registers, the functions of each precompile's ABI and the predeploys'
//! addresses, so the list users read cannot drift from what the node serves.

mod common;

use alloy_primitives::Address;
use std::collections::{BTreeMap, BTreeSet};
use vigil_devnet::genesis::{CACHE_MANAGER, CREATE2_FACTORY, STYLUS_DEPLOYER};
use vigil_devnet::precompiles::arb_owner_public::{ArbOwnerPublic, ARB_OWNER_PUBLIC};
use vigil_devnet::precompiles::arb_sys::{ArbSys, ARB_SYS};
use vigil_devnet::precompiles::arb_wasm_cache::{ArbWasmCache, ARB_WASM_CACHE};
use vigil_devnet::stylus::arbwasm::{ArbWasm, ARB_WASM};

const SECTION: &str = "## vigil-node: methods and precompiles served";

/// The README's section, up to the next second-level heading.
fn section() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../devnet/README.md");
    let readme = std::fs::read_to_string(path).expect("read devnet/README.md");
    let start = readme.find(SECTION).expect("the section's heading");
    let body = &readme[start + SECTION.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].to_string()
}

/// The lines under `heading` (a whole heading line), up to the next heading of any level.
fn part<'a>(section: &'a str, heading: &str) -> &'a str {
    let start = section
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no heading {heading:?}"));
    let body = &section[start + heading.len() + 2..];
    let end = body.find("\n#").unwrap_or(body.len());
    &body[..end]
}

/// The first cell of each table row, where it is one `code` span: the names a table lists.
fn listed(part: &str) -> Vec<String> {
    part.lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| rest.split('`').next().unwrap_or_default().to_string())
        .collect()
}

/// Checks that a list has no name twice and returns it as a set.
fn unique(names: Vec<String>, what: &str) -> BTreeSet<String> {
    let set: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(set.len(), names.len(), "{what}: a name is listed twice");
    set
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_lists_every_method_the_node_serves() {
    let node = common::node().await;
    let module = vigil_node::rpc::module(node.node.clone()).expect("method table");
    let served: BTreeSet<String> = module.method_names().map(str::to_string).collect();
    node.stop().await.unwrap();
    let section = section();
    let listed = unique(
        listed(part(&section, "### JSON-RPC methods")),
        "JSON-RPC methods",
    );
    let missing: Vec<_> = served.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&served).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "devnet/README.md: served but not listed {missing:?}; listed but not served {extra:?}"
    );
}

#[test]
fn the_readme_lists_every_precompile_function_served() {
    let section = section();
    let precompiles: [(&str, Address, &[&str]); 4] = [
        ("ArbSys", ARB_SYS, ArbSys::ArbSysCalls::SIGNATURES),
        ("ArbWasm", ARB_WASM, ArbWasm::ArbWasmCalls::SIGNATURES),
        (
            "ArbWasmCache",
            ARB_WASM_CACHE,
            ArbWasmCache::ArbWasmCacheCalls::SIGNATURES,
        ),
        (
            "ArbOwnerPublic",
            ARB_OWNER_PUBLIC,
            ArbOwnerPublic::ArbOwnerPublicCalls::SIGNATURES,
        ),
    ];
    for (name, address, signatures) in precompiles {
        let heading = format!("#### {name} `{}`", address.to_string().to_lowercase());
        let listed = unique(listed(part(&section, &heading)), name);
        let served: BTreeSet<String> = signatures.iter().map(|s| s.to_string()).collect();
        assert_eq!(listed, served, "devnet/README.md, {name}'s functions");
    }
}

#[test]
fn the_readme_gives_the_predeploys_addresses() {
    let section = section();
    let rows: BTreeMap<&str, Address> = part(&section, "### Predeploys")
        .lines()
        .filter_map(|line| {
            let mut cells = line.strip_prefix("| ")?.split(" | ");
            let name = cells.next()?;
            let address = cells.next()?.strip_prefix('`')?.split('`').next()?;
            Some((name, address.parse().expect("a predeploy's address")))
        })
        .collect();
    let expected = BTreeMap::from([
        ("StylusDeployer", STYLUS_DEPLOYER),
        ("Create2Factory", CREATE2_FACTORY),
        ("CacheManager", CACHE_MANAGER),
    ]);
    assert_eq!(rows, expected, "devnet/README.md, the predeploys");
}
