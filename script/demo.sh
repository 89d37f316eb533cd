#!/usr/bin/env bash
# demo.sh: the README's first command. Runs Vigil's story on the embedded devnet: the `demo` binary of the
# vigil-devnet crate, against the release .wasm of the contracts (built here first, exactly as
# script/test.sh builds them). Extra arguments go to the demo binary.
#
# Until the devnet crate has that binary, this says so and exits 2: there is no demo to fake.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

meta="$(cargo metadata --no-deps --format-version 1 --locked)" \
  || { echo "demo.sh: \`cargo metadata\` failed (see above)" >&2; exit 1; }

has_demo() {
  printf '%s' "$meta" | python3 -c '
import json, sys
meta = json.load(sys.stdin)
sys.exit(0 if any(
    t["name"] == "demo" and "bin" in t["kind"]
    for p in meta["packages"] if p["name"] == "vigil-devnet"
    for t in p["targets"]) else 1)
'
}

if ! has_demo; then
  echo "demo.sh: the demo is not built yet: it arrives with the devnet (a \`demo\` binary in the vigil-devnet"
  echo "crate that deploys the registry, the guard and an example vault and plays an attack)."
  echo "Until then, ./script/test.sh runs every test there is."
  exit 2
fi

# setup, then the release wasm of every contract (test.sh's own wasm step, so both build the same bytes).
./script/test.sh wasm
echo
echo "==> cargo run --release --locked -p vigil-devnet --bin demo"
exec cargo run --release --quiet --locked -p vigil-devnet --bin demo -- "$@"
