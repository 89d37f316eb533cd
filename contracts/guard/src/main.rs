//! Prints the guard's Solidity interface (`interfaces/ICircuitGuard.sol` is this output): the SDK's
//! export of the `#[public]` impl with NatSpec from the router table, and the events and named
//! errors from their declarations.

fn main() {
    vigil_common::export::print::<vigil_guard::CircuitGuard>(
        vigil_guard::router::DOCS,
        &[
            vigil_guard::EVENTS,
            vigil_common::ownable::EVENTS,
            vigil_common::timelock::EVENTS,
        ],
        vigil_guard::ERRORS,
    );
}
