//! Prints the registry's Solidity interface (`interfaces/IThreatRegistry.sol` is this output): the
//! SDK's export of the `#[public]` impl with NatSpec from the router table, and the events and
//! named errors from their declarations.

fn main() {
    vigil_common::export::print::<vigil_registry::ThreatRegistry>(
        vigil_registry::router::DOCS,
        &[vigil_registry::EVENTS, vigil_common::ownable::EVENTS],
        vigil_registry::ERRORS,
    );
}
