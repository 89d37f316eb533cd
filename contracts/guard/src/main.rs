//! Prints the guard's Solidity interface (`interfaces/ICircuitGuard.sol` is this output): the SDK's
//! export of the `#[public]` impl with NatSpec from the router table, and the events and named
//! errors from their declarations.

fn main() {
    // The interface is one contract's: both programs' tables document its functions.
    let docs = [vigil_guard::router::DOCS, vigil_guard::extension::DOCS].concat();
    vigil_common::export::print::<vigil_guard::CircuitGuard>(
        Box::leak(docs.into_boxed_slice()),
        &[
            vigil_guard::EVENTS,
            vigil_common::ownable::EVENTS,
            vigil_common::timelock::EVENTS,
        ],
        vigil_guard::ERRORS,
    );
}
