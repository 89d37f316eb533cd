#!/usr/bin/env bash
# forge-test.sh: run the Solidity tests (test/forge/) with the npm-installed forge and solc.
# Usage: script/forge-test.sh [extra `forge test` args, e.g. -vv, --match-test X, --gas-report]
# Exits non-zero on any failure. Build output goes to target/forge/ (see foundry.toml).
# Ends with a plain summary line: "forge: N passed, N failed, N skipped".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
forge="$("$root/script/setup-forge.sh" --print-forge)"
cd "$root"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# NO_COLOR/CI: plain, non-interactive output; --root: independent of the caller's directory.
status=0
NO_COLOR=1 CI="${CI:-true}" "$forge" test --root "$root" "$@" 2>&1 | tee "$out" || status=$?
summary="$(sed -n 's/.*: \([0-9]*\) tests passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1 passed, \2 failed, \3 skipped/p' "$out" | tail -1)"
[ -n "$summary" ] && echo "forge: $summary"
exit "$status"
