#!/usr/bin/env bash
# forge-build.sh: compile the Solidity side (interfaces/, examples/solidity-vault/, test/forge/) with the
# npm-installed forge and solc; quiet on success. Artifacts: target/forge/out/<File>.sol/<Contract>.json,
# e.g. target/forge/out/GuardedVault.sol/GuardedVault.json (`.bytecode.object` is the 0x-hex creation code;
# append the ABI-encoded constructor arguments to deploy). Prints the artifact directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
forge="$("$root/script/setup-forge.sh" --print-forge)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! NO_COLOR=1 CI="${CI:-true}" "$forge" build --root "$root" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
echo "$root/target/forge/out"
