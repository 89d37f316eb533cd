#!/usr/bin/env bash
# bench.sh: Vigil's gas and size benchmark (issue 5). Runs the `bench` binary of the vigil-devnet crate on
# the embedded devnet, in process, against the release .wasm of the contracts (built here first, exactly as
# script/test.sh builds them) and the forge bytecode of the example vault and the Solidity baselines
# (test/forge/bench/). Prints Markdown tables and writes the same data to target/bench.json.
#
# Then the node's rows (issue 12): node/examples/node_bench starts vigil-node in process and anvil
# (node_modules/.bin/anvil) in the same run and measures signed guarded withdraws per second through
# eth_sendRawTransaction, one client and eight, on the Solidity-only workload (both nodes, the ratio to
# anvil) and the Stylus one (vigil-node). Built with the `native` profile, the node binary's.
#
# Then time to protection (issue 14): cli/tests/watch.rs in release, three `vigil watch` processes against
# vigil-node mining every 250 ms as Arbitrum does: blocks and milliseconds from each exploit's block to the
# block that confirms its attacker, and their median (also in target/time-to-protection.json).
#
# The bench also writes target/bench.md and target/bench.svg, the guarded-withdraw chart, which this script
# copies to docs/bench.svg for the README.
#
# A report, not a test: it exits 0 when a budget is missed (the table says MISS and by how much) and
# non-zero only when something fails to build or run. Not part of script/test.sh.
#
# With --profile, last: the gas profile per wasm function of the hot paths (`bench --profile`: a guarded
# withdraw, submit, corroborate, the confirming corroboration), its functions named from the name
# section script/build-contracts.sh keeps in target/wasm/names/; target/bench-profile.json.
#
# Usage: script/bench.sh [--calls N] [--node-count M] [--no-node] [--no-watch] [--profile]
#   --calls N       guarded withdraws for the devnet throughput line (default 5,000)
#   --node-count M  signed withdraws per run of the node rows (default 2,000)
#   --no-node       skip the node rows
#   --no-watch      skip time to protection
#   --profile       add the gas profile per wasm function
set -euo pipefail

devnet_args=()
node_args=()
node=1
watch=1
profile=0
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) [ $# -ge 2 ] || { echo "bench.sh: --calls needs a count" >&2; exit 2; }
      devnet_args+=(--calls "$2"); shift 2 ;;
    --node-count) [ $# -ge 2 ] || { echo "bench.sh: --node-count needs a count" >&2; exit 2; }
      node_args+=(--count "$2"); shift 2 ;;
    --no-node) node=0; shift ;;
    --no-watch) watch=0; shift ;;
    --profile) profile=1; shift ;;
    *) echo "usage: script/bench.sh [--calls N] [--node-count M] [--no-node] [--no-watch] [--profile]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# setup, then the release wasm of every contract and its size report (test.sh's own steps, so the bench
# measures the bytes the tests deploy; the report writes target/wasm-report.json, which the bench reads).
./script/test.sh wasm report
echo
echo "==> cargo run --release --locked -p vigil-devnet --bin bench"
cargo run --release --quiet --locked -p vigil-devnet --bin bench -- ${devnet_args[@]+"${devnet_args[@]}"}
# The README shows the chart of the last run (commit it with the numbers it shows).
cp "${CARGO_TARGET_DIR:-target}/bench.svg" docs/bench.svg
if [ "$watch" = 1 ]; then
  echo
  echo "==> time to protection: cargo test --release --locked -p vigil-cli --test watch -- --nocapture"
  log="$(mktemp)"
  if ! cargo test --release --quiet --locked -p vigil-cli --test watch -- --nocapture >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  grep -E '^(\||time to protection)' "$log"
  rm -f "$log"
fi
if [ "$node" = 1 ]; then
  echo
  echo "==> cargo run --profile native --locked -p vigil-node --example node_bench"
  cargo run --profile native --quiet --locked -p vigil-node --example node_bench -- ${node_args[@]+"${node_args[@]}"}
fi
if [ "$profile" = 1 ]; then
  echo
  echo "==> gas profile: cargo run --release --locked -p vigil-devnet --bin bench -- --profile"
  cargo run --release --quiet --locked -p vigil-devnet --bin bench -- --profile
fi
