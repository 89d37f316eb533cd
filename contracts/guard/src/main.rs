//! Prints the guard's Solidity interface (`interfaces/ICircuitGuard.sol` is this output, verbatim).

fn main() {
    vigil_guard::print_from_args();
}
