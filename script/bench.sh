#!/usr/bin/env bash
# bench.sh: Vigil's gas and size benchmark (issue 5). Runs the `bench` binary of the vigil-devnet crate on
# the embedded devnet, in process, against the release .wasm of the contracts (built here first, exactly as
# script/test.sh builds them) and the forge bytecode of the example vault and the Solidity baselines
# (test/forge/bench/). Prints Markdown tables and writes the same data to target/bench.json.
#
# A report, not a test: it exits 0 when a budget is missed (the table says MISS and by how much) and
# non-zero only when something fails to build or run. Not part of script/test.sh.
#
# Usage: script/bench.sh [--calls N]   (N guarded withdraws for the throughput line, default 5,000)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# setup, then the release wasm of every contract and its size report (test.sh's own steps, so the bench
# measures the bytes the tests deploy; the report writes target/wasm-report.json, which the bench reads).
./script/test.sh wasm report
echo
echo "==> cargo run --release --locked -p vigil-devnet --bin bench"
exec cargo run --release --quiet --locked -p vigil-devnet --bin bench -- "$@"
