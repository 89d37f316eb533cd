//! Prints the guard's Solidity interface (interfaces/ICircuitGuard.sol is this output, verbatim).

fn main() {
    stylus_sdk::abi::export::handle_license_and_pragma();
    vigil_guard::print_from_args();
}
