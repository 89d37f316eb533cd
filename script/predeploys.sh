#!/usr/bin/env bash
# predeploys.sh: the runtime bytecode of the devnet's Solidity predeploys (devnet/contracts/*.sol: StylusDeployer,
# CacheManager, Create2Factory), which the devnet library embeds from devnet/contracts/<Contract>.hex so that a chain
# starts without running forge. This script compiles them with the pinned forge and solc (script/setup-forge.sh)
# and, by default, checks the committed hex byte for byte; `--write` regenerates the files instead.
#
# No CBOR metadata is appended (bytecode_hash none, cbor_metadata false): the bytes then depend only on the sources
# and the compiler settings of foundry.toml, not on file paths or comments, so the check is reproducible anywhere.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

write=0
case "${1:-}" in
  "") ;;
  --write) write=1 ;;
  *) echo "usage: script/predeploys.sh [--write]" >&2; exit 2 ;;
esac

forge="$(script/setup-forge.sh --print-forge)"
build="target/forge/predeploys"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! NO_COLOR=1 CI="${CI:-true}" \
    FOUNDRY_SRC=devnet/contracts FOUNDRY_TEST=devnet/contracts FOUNDRY_SCRIPT=devnet/contracts \
    FOUNDRY_OUT="$build/out" FOUNDRY_CACHE_PATH="$build/cache" \
    FOUNDRY_BYTECODE_HASH=none FOUNDRY_CBOR_METADATA=false \
    "$forge" build --root "$root" >"$log" 2>&1; then
  cat "$log" >&2
  echo "predeploys: forge build of devnet/contracts failed" >&2
  exit 1
fi

failed=0
for contract in StylusDeployer CacheManager Create2Factory; do
  artifact="$build/out/$contract.sol/$contract.json"
  file="devnet/contracts/$contract.hex"
  runtime="$(node -e 'const a = require(process.argv[1]); process.stdout.write(a.deployedBytecode.object.replace(/^0x/, ""))' \
    "$root/$artifact")"
  [ -n "$runtime" ] || { echo "predeploys: $artifact has no deployedBytecode" >&2; exit 1; }
  if [ "$write" = 1 ]; then
    printf '%s\n' "$runtime" >"$file"
    echo "$file: written ($(( ${#runtime} / 2 )) bytes)"
  elif [ ! -f "$file" ]; then
    echo "predeploys: $file is missing; create it with script/predeploys.sh --write" >&2
    failed=1
  elif [ "$(cat "$file")" != "$runtime" ]; then
    echo "predeploys: $file differs from what forge builds from devnet/contracts/$contract.sol;" >&2
    echo "  if the source change is intended, run script/predeploys.sh --write and commit the file" >&2
    failed=1
  else
    echo "$file: matches forge's build"
  fi
done
exit "$failed"
