#!/usr/bin/env bash
# build-contracts.sh: the deployable .wasm of contract crates, the one way they are built (the test
# command, the size report and the devnet's end-to-end tests all use these bytes).
#
#   script/build-contracts.sh [PACKAGE...]   default: every contract crate under contracts/
#
# Output: $CARGO_TARGET_DIR (default target/)/wasm32-unknown-unknown/release/<crate>.wasm
#
# Every wasm byte costs entry gas on every call and counts against the 24 KiB deployable limit, so
# std is rebuilt with the immediate-abort panic strategy and without panic locations or Debug
# formatting (../shared/reference/stylus-gas-model.md, "Smaller binaries"). These are unstable
# flags: RUSTC_BOOTSTRAP=1 enables them on the stable toolchain, and build-std needs rust-src.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  rustup component add rust-src >/dev/null
fi

packages=("$@")
if [ "${#packages[@]}" -eq 0 ]; then
  for manifest in contracts/*/Cargo.toml; do
    grep -q 'cdylib' "$manifest" || continue
    packages+=("$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n 1)")
  done
fi

export RUSTC_BOOTSTRAP=1
export CARGO_ENCODED_RUSTFLAGS="-Zunstable-options"$'\x1f'"-Cpanic=immediate-abort"$'\x1f'"-Zlocation-detail=none"$'\x1f'"-Zfmt-debug=none"
unset RUSTFLAGS
# One cargo invocation per contract, so features never unify across contracts.
for p in "${packages[@]}"; do
  cargo build --quiet --release --locked --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort -p "$p"
done
