#!/usr/bin/env bash
# forge-test.sh: run the Solidity tests (test/forge/) with the npm-installed forge and solc.
# Usage: script/forge-test.sh [extra forge test args, e.g. -vv, --match-test X, --gas-report]
# Exits non-zero on any failure. Build output goes to target/forge/ (see foundry.toml).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
forge="$("$root/script/setup-forge.sh" --print-forge)"
cd "$root"
# NO_COLOR/CI: plain, non-interactive output; --root: independent of the caller's directory.
NO_COLOR=1 CI="${CI:-true}" "$forge" test --root "$root" "$@"
