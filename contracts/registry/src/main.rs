//! Prints the registry's Solidity interface (`interfaces/IThreatRegistry.sol` is this output): the
//! SDK's export of the `#[public]` impl with NatSpec from the router table, and the events and
//! named errors from their declarations.

fn main() {
    // The interface is one contract's: both programs' tables document its functions.
    let docs = [
        vigil_registry::router::DOCS,
        vigil_registry::extension::DOCS,
    ]
    .concat();
    vigil_common::export::print::<vigil_registry::ThreatRegistry>(
        Box::leak(docs.into_boxed_slice()),
        &[
            vigil_registry::EVENTS,
            vigil_common::ownable::EVENTS,
            vigil_common::timelock::EVENTS,
        ],
        vigil_registry::ERRORS,
    );
}
