#!/usr/bin/env bash
# node.sh: build vigil-node (the `native` profile: optimised for speed, unlike the wasm's release profile)
# and run it in the foreground, passing every argument through.
#
#   ./script/node.sh                          # 127.0.0.1:8547, chain id 412346, instant mining
#   ./script/node.sh --port 8548 --block-time 2 --state chain.json
#
# Prints the prefunded accounts (Nitro's dev key and the ten test-mnemonic accounts) with their keys and
# the listening address; Ctrl-C or SIGTERM stops it (and saves --state FILE).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cargo build --profile native --locked -p vigil-node --bin vigil-node
target="${CARGO_TARGET_DIR:-$root/target}"
exec "$target/native/vigil-node" "$@"
