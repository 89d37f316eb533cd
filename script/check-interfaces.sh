#!/usr/bin/env bash
# check-interfaces.sh: the Solidity interfaces in interfaces/ must be exactly what the contracts' export-abi
# binaries print (docs/design.md, code map). For every contracts/<name>/ with a src/main.rs (the export-abi bin
# vigil-<name>-abi, built with --features export-abi), run it and compare its output with the mapped file:
#
#   contracts/registry -> interfaces/IThreatRegistry.sol
#   contracts/guard    -> interfaces/ICircuitGuard.sol
#
# Fails with the diff when they differ. `--write` regenerates the files instead.
# The abi binaries build natively in their own target dir (target/abi, or $CARGO_TARGET_DIR/abi), because the
# export-abi feature changes the contract crates' features and would otherwise churn the main build cache.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

write=0
case "${1:-}" in
  "") ;;
  --write) write=1 ;;
  *) echo "usage: script/check-interfaces.sh [--write]" >&2; exit 2 ;;
esac

interface_file() {
  case "$1" in
    registry) echo interfaces/IThreatRegistry.sol ;;
    guard) echo interfaces/ICircuitGuard.sol ;;
    *) return 1 ;;
  esac
}

license="MIT OR Apache-2.0"
abi_target="${CARGO_TARGET_DIR:-$root/target}/abi"
out_dir="$abi_target/interfaces"
mkdir -p "$out_dir"

checked=0
failed=0
for main in contracts/*/src/main.rs; do
  [ -f "$main" ] || continue
  name="$(basename "$(dirname "$(dirname "$main")")")"
  if ! file="$(interface_file "$name")"; then
    echo "check-interfaces: contracts/$name has an export-abi bin but no interface file is mapped for it;" >&2
    echo "  add it to interface_file() in script/check-interfaces.sh" >&2
    exit 1
  fi
  crate="vigil-$name"
  generated="$out_dir/$(basename "$file")"
  log="$out_dir/$name.build.log"
  # The SDK's default SPDX line ("MIT-OR-APACHE-2.0") is not a valid SPDX expression; ours is Cargo.toml's.
  if ! CARGO_TARGET_DIR="$abi_target" cargo run --quiet --locked -p "$crate" --features export-abi \
      --bin "$crate-abi" -- abi --license "$license" >"$generated" 2>"$log"; then
    cat "$log" >&2
    echo "check-interfaces: \`cargo run -p $crate --features export-abi --bin $crate-abi\` failed" >&2
    exit 1
  fi
  [ -s "$generated" ] || { echo "check-interfaces: $crate-abi printed nothing" >&2; exit 1; }
  checked=$((checked + 1))

  if [ "$write" = 1 ]; then
    if cmp -s "$generated" "$file"; then
      echo "$file: up to date"
    else
      cp "$generated" "$file"
      echo "$file: written from $crate-abi"
    fi
  elif [ ! -f "$file" ]; then
    echo "check-interfaces: $file is missing; create it with script/check-interfaces.sh --write" >&2
    failed=$((failed + 1))
  elif ! diff -u --label "$file (committed)" --label "$crate-abi (export-abi output)" "$file" "$generated"; then
    echo "check-interfaces: $file differs from what $crate-abi prints (diff above);" >&2
    echo "  if the contract change is intended, run script/check-interfaces.sh --write and commit the file" >&2
    failed=$((failed + 1))
  else
    echo "$file: matches $crate-abi"
  fi
done

[ "$checked" -gt 0 ] || { echo "check-interfaces: no contract has an export-abi bin (contracts/*/src/main.rs)" >&2; exit 1; }
[ "$failed" -eq 0 ] || exit 1
