#!/usr/bin/env bash
# soak.sh: plays random sequences of every registry and guard operation (stake, unstake, reports,
# disputes and resolutions, emergency actions, claims, pauses, rate-limited calls, time warps) from
# many accounts against the release .wasm on the embedded devnet, and checks the system's invariants
# after every operation: the registry's balance equals its books, locked stake covers the reports
# of live flags, the guard agrees with the registry, a revert changes nothing (the `soak` binary of
# the vigil-devnet crate; the engine is devnet/src/soak/). Builds the release wasm first, exactly as
# script/test.sh builds it.
#
# Prints the seed first, then the count of each operation (ok / reverted, by error), the invariant
# checks made and the time. Exit 1 on a violation, with the seed, the operation's index and the
# operations before it; `--seed S` replays a run.
#
# Usage: script/soak.sh --ops N [--seed S]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

./script/test.sh wasm
echo
echo "==> cargo run --release --locked -p vigil-devnet --bin soak -- $*"
exec cargo run --release --quiet --locked -p vigil-devnet --bin soak -- "$@"
