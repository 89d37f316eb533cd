#!/usr/bin/env bash
# demo.sh: the README's first command. Plays Vigil's story on the embedded devnet (the `demo` binary of the
# vigil-devnet crate) against the release .wasm of the contracts, built here first exactly as
# script/test.sh builds them, and forge's bytecode of the example vault.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# setup (rustup target, npm forge + solc), then the release wasm of every contract.
./script/test.sh wasm
echo
echo "==> cargo run --release --locked -p vigil-devnet --bin demo"
exec cargo run --release --quiet --locked -p vigil-devnet --bin demo
