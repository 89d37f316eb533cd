//! Prints the registry's Solidity interface (`interfaces/IThreatRegistry.sol` is this output).

fn main() {
    vigil_registry::print_from_args();
}
