//! The Solidity interface a contract publishes: what the SDK's export-abi prints, completed with
//! what it leaves out. The SDK prints functions, unnamed error parameters and structs; it has no
//! events and no NatSpec. This module adds NatSpec to each function (from the `router!` table's doc
//! comments), replaces the errors with their named, documented declarations and adds the events,
//! both taken from the same [`sol_items!`](crate::sol_items!) blocks the contract compiles, so the
//! interface cannot drift from the code (and `script/check-interfaces.sh` compares it byte for
//! byte with the committed file).
//!
//! ```ignore
//! // errors.rs / events.rs
//! vigil_common::sol_items! {
//!     pub const ERRORS;
//!     /// The caller may not do this.
//!     error Unauthorized(address account);
//! }
//! // the export-abi bin (main.rs), with `export-abi = [..., "vigil-common/export-abi"]`
//! fn main() {
//!     vigil_common::export::print::<MyContract>(router::DOCS, &[EVENTS, ownable::EVENTS], ERRORS);
//! }
//! ```

use alloc::{format, string::String, vec::Vec};

/// One `event` or `error` declaration as written in a [`sol_items!`](crate::sol_items!) block.
#[derive(Clone, Copy, Debug)]
pub struct SolItem {
    /// Doc comment lines, each with its leading space (`/// text` gives `" text"`).
    pub docs: &'static [&'static str],
    /// `event` or `error`.
    pub kind: &'static str,
    pub name: &'static str,
    /// The parameter list as tokens (`stringify!`), whitespace normalized by [`SolItem::render`].
    pub args: &'static str,
}

impl SolItem {
    /// NatSpec lines and the declaration, indented as an interface member.
    pub fn render(&self) -> String {
        let mut out = docs(self.docs);
        out += &format!(
            "    {} {}({});\n",
            self.kind,
            self.name,
            normalize(self.args)
        );
        out
    }
}

/// Declares Solidity events or errors with `alloy_sol_types::sol!` and keeps their source as a
/// `&[SolItem]` constant, so the exported interface prints them with names and NatSpec. Each item
/// is `/// docs` then `event Name(...);` or `error Name(...);`. The calling crate needs
/// `alloy-sol-types`.
#[macro_export]
macro_rules! sol_items {
    (
        $(#[$cattr:meta])*
        $vis:vis const $SRC:ident;
        $($(#[doc = $doc:literal])* $kind:ident $name:ident ($($args:tt)*);)*
    ) => {
        ::alloy_sol_types::sol! {
            $($(#[doc = $doc])* $kind $name($($args)*);)*
        }

        $(#[$cattr])*
        $vis const $SRC: &[$crate::export::SolItem] = &[$($crate::export::SolItem {
            docs: &[$($doc),*],
            kind: stringify!($kind),
            name: stringify!($name),
            args: stringify!($($args)*),
        }),*];
    };
}

/// NatSpec for each function, by Solidity name (the `router!` table's `DOCS`).
pub type FunctionDocs = &'static [(&'static str, &'static [&'static str])];

/// `sdk` (the SDK's interface text) with NatSpec before each function documented in `functions`,
/// the `events` sections after the functions, and every SDK `error` line replaced by its
/// declaration in `errors`. Panics if an error the SDK lists has no declaration or vice versa: the
/// export must not print a partial interface.
pub fn interface(
    sdk: &str,
    functions: FunctionDocs,
    events: &[&[SolItem]],
    errors: &[SolItem],
) -> String {
    let mut out = String::new();
    let mut errors_left: Vec<&SolItem> = errors.iter().collect();
    let mut events_done = false;
    let structs: Vec<&str> = sdk
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("struct "))
        .filter_map(|rest| rest.split([' ', '{']).next())
        .collect();
    for line in sdk.split_inclusive('\n') {
        let member = line.trim_start();
        if let Some(rest) = member.strip_prefix("function ") {
            let name = rest.split('(').next().unwrap_or_default();
            if let Some((_, lines)) = functions.iter().find(|(n, _)| *n == name) {
                out += &docs(lines);
            }
            out += &with_calldata(line, &structs);
            continue;
        } else if let Some(rest) = member.strip_prefix("error ") {
            if !events_done {
                out += &section(events);
                events_done = true;
            }
            let name = rest.split('(').next().unwrap_or_default();
            let at = errors_left
                .iter()
                .position(|e| e.name == name)
                .unwrap_or_else(|| panic!("error {name} has no sol_items! declaration"));
            out += &errors_left.remove(at).render();
            continue;
        } else if (member.starts_with("struct ") || member.starts_with('}')) && !events_done {
            out += &section(events);
            events_done = true;
        }
        out += line;
    }
    assert!(
        errors_left.is_empty(),
        "errors the contract does not export: {:?}",
        errors_left.iter().map(|e| e.name).collect::<Vec<_>>()
    );
    out
}

/// What a contract's export-abi bin runs: the SDK's license and pragma header (and its command
/// line), then [`interface`] of `T`.
#[cfg(feature = "export-abi")]
pub fn print<T: stylus_sdk::abi::GenerateAbi>(
    functions: FunctionDocs,
    events: &[&[SolItem]],
    errors: &[SolItem],
) {
    extern crate std;
    stylus_sdk::abi::export::handle_license_and_pragma();
    std::print!(
        "{}",
        interface(&sdk_interface::<T>(), functions, events, errors)
    );
}

/// The interface the SDK's export-abi prints for `T` (what `print_from_args` writes).
#[cfg(feature = "export-abi")]
pub fn sdk_interface<T: stylus_sdk::abi::GenerateAbi>() -> String {
    struct Abi<T>(core::marker::PhantomData<T>);
    impl<T: stylus_sdk::abi::GenerateAbi> core::fmt::Display for Abi<T> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            T::fmt_abi(f)
        }
    }
    format!("{}", Abi::<T>(core::marker::PhantomData))
}

/// A function line whose struct-typed parameters carry `calldata`: the SDK prints them without a
/// data location (`setParams(Params params)`), which solc refuses to compile, and the location
/// changes nothing in the ABI. Only the parameter list is touched; returns already say `memory`.
fn with_calldata(line: &str, structs: &[&str]) -> String {
    let (Some(open), Some(close)) = (line.find('('), line.find(')')) else {
        return String::from(line);
    };
    let params: Vec<String> = line[open + 1..close]
        .split(", ")
        .map(|param| {
            let mut words: Vec<&str> = param.split(' ').collect();
            let base = words[0].trim_end_matches("[]");
            if words.len() == 2 && structs.contains(&base) {
                words.insert(1, "calldata");
            }
            words.join(" ")
        })
        .collect();
    format!("{}{}{}", &line[..=open], params.join(", "), &line[close..])
}

fn section(items: &[&[SolItem]]) -> String {
    let mut out = String::new();
    for item in items.iter().flat_map(|s| s.iter()) {
        out += &item.render();
        out += "\n";
    }
    out
}

fn docs(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| format!("    ///{}\n", l.trim_end()))
        .collect()
}

/// Token text as Solidity writes it: single spaces, none inside parentheses or before commas.
fn normalize(tokens: &str) -> String {
    let words: Vec<&str> = tokens.split_whitespace().collect();
    words
        .join(" ")
        .replace(" ,", ",")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" [", "[")
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::sol_items! {
        const ITEMS;
        /// Staked some.
        event Staked(address indexed reporter, uint256 amount);
        error TooLate(uint64 deadline, bytes32[] tags);
    }

    #[test]
    fn struct_parameters_get_calldata_and_nothing_else_changes() {
        let structs = ["Params", "Info"];
        assert_eq!(
            with_calldata(
                "    function setParams(Params params) external;\n",
                &structs
            ),
            "    function setParams(Params calldata params) external;\n"
        );
        assert_eq!(
            with_calldata(
                "    function f(uint32 v, Info[] infos, bytes calldata d) external returns (Info memory);\n",
                &structs
            ),
            "    function f(uint32 v, Info[] calldata infos, bytes calldata d) external returns (Info memory);\n"
        );
        let plain = "    function config() external view returns (Info memory);\n";
        assert_eq!(with_calldata(plain, &structs), plain);
    }

    #[test]
    fn items_render_with_names_and_natspec() {
        assert_eq!(
            ITEMS[0].render(),
            "    /// Staked some.\n    event Staked(address indexed reporter, uint256 amount);\n"
        );
        assert_eq!(
            ITEMS[1].render(),
            "    error TooLate(uint64 deadline, bytes32[] tags);\n"
        );
    }

    #[test]
    fn interface_documents_functions_and_names_errors() {
        let sdk = "interface I {\n    function f(uint256 a) external;\n\n    error TooLate(uint64, bytes32[]);\n\n    struct S {uint8 a;}\n}\n";
        let out = interface(sdk, &[("f", &[" Does f."])], &[&ITEMS[..1]], &ITEMS[1..]);
        assert_eq!(
            out,
            "interface I {\n    /// Does f.\n    function f(uint256 a) external;\n\n    /// Staked some.\n    event Staked(address indexed reporter, uint256 amount);\n\n    error TooLate(uint64 deadline, bytes32[] tags);\n\n    struct S {uint8 a;}\n}\n"
        );
    }
}
