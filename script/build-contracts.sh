#!/usr/bin/env bash
# build-contracts.sh: the deployable .wasm of contract crates, the one way they are built (the test
# command, the size report and the devnet's end-to-end tests all use these bytes).
#
#   script/build-contracts.sh [PACKAGE...]   default: every contract crate under contracts/
#
# Output: $CARGO_TARGET_DIR (default target/)/wasm/wasm32-unknown-unknown/release/<crate>.wasm
#
# Every wasm build of the project goes to that one target dir, target/wasm: the test command's wasm step
# builds it once and the devnet's end-to-end tests, the demo and the bench reuse it. It is a directory of
# its own so that a build started from inside `cargo test` never waits on the lock of the cargo running it.
#
# Every wasm byte costs entry gas on every call and counts against the 24 KiB deployable limit, so
# std is rebuilt with the immediate-abort panic strategy and without panic locations or Debug
# formatting (../shared/reference/stylus-gas-model.md, "Smaller binaries"). These are unstable
# flags: RUSTC_BOOTSTRAP=1 enables them on the stable toolchain, and build-std needs rust-src.
#
# Then binaryen's wasm-opt (the npm package pinned in package.json, installed by script/setup-forge.sh)
# runs -Oz until it converges (--converge: about 600 more compressed bytes off the registry than one
# round) over each .wasm and the result replaces <crate>.wasm: ~20% fewer raw and compressed bytes and
# fewer functions, which is also less entry gas on every call. Its feature set is exactly what Stylus
# activation accepts and rustc emits here: MVP + mutable globals + sign-ext + memory.copy/fill
# (bulk-memory-opt, so no passive segments or memory.init); never multi-value, SIMD, floats conversions
# or reference types. Cargo re-links the unoptimized file on every build, so the optimized one is kept
# beside it (<crate>.wasm.opt, with the input's hash) and reused while the input is unchanged.
# VIGIL_WASM_OPT=0 leaves cargo's output as it is (for before/after measurements only).
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

wasm_target="${CARGO_TARGET_DIR:-$root/target}/wasm"
export CARGO_TARGET_DIR="$wasm_target"
export RUSTC_BOOTSTRAP=1
export CARGO_ENCODED_RUSTFLAGS="-Zunstable-options"$'\x1f'"-Cpanic=immediate-abort"$'\x1f'"-Zlocation-detail=none"$'\x1f'"-Zfmt-debug=none"
unset RUSTFLAGS
# One cargo invocation per contract, so features never unify across contracts.
for p in "${packages[@]}"; do
  cargo build --quiet --release --locked --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort -p "$p"
done

out_dir="$wasm_target/wasm32-unknown-unknown/release"
if [ "${VIGIL_WASM_OPT:-1}" = 0 ]; then
  for p in "${packages[@]}"; do
    wasm="$out_dir/${p//-/_}.wasm"
    cp "$out_dir/deps/${p//-/_}.wasm" "$wasm.tmp.$$" && mv -f "$wasm.tmp.$$" "$wasm"
  done
  exit 0
fi

wasm_opt="$root/node_modules/.bin/wasm-opt"
if [ ! -x "$wasm_opt" ]; then
  bash script/setup-forge.sh >&2 || { echo "build-contracts: wasm-opt is missing (script/setup-forge.sh failed)" >&2; exit 1; }
fi
opt_flags=(--mvp-features --enable-mutable-globals --enable-sign-ext --enable-bulk-memory-opt
  -Oz --converge --strip-debug --strip-producers --strip-target-features)
opt_version="$("$wasm_opt" --version)"
hash() { sha256sum "$1" | cut -d' ' -f1; }
for p in "${packages[@]}"; do
  wasm="$out_dir/${p//-/_}.wasm"
  [ -f "$wasm" ] || { echo "build-contracts: $wasm was not built" >&2; exit 1; }
  stamp="$(hash "$wasm") $opt_version ${opt_flags[*]}"
  # Already optimized (cargo left the file alone), or optimized before from the same input: reuse.
  if [ -f "$wasm.opt" ] && [ -f "$wasm.opt.stamp" ]; then
    if [ "$(hash "$wasm")" = "$(hash "$wasm.opt")" ]; then continue; fi
    if [ "$(cat "$wasm.opt.stamp")" = "$stamp" ]; then
      cp "$wasm.opt" "$wasm.tmp.$$" && mv -f "$wasm.tmp.$$" "$wasm"
      continue
    fi
  fi
  # Temporary names and renames: concurrent builds of the same crate (parallel tests) stay safe, and
  # the rename breaks cargo's hard link instead of rewriting its deps/ copy.
  "$wasm_opt" "$wasm" "${opt_flags[@]}" -o "$wasm.opt.tmp.$$"
  cp "$wasm.opt.tmp.$$" "$wasm.tmp.$$"
  mv -f "$wasm.opt.tmp.$$" "$wasm.opt"
  echo "$stamp" >"$wasm.opt.stamp.tmp.$$" && mv -f "$wasm.opt.stamp.tmp.$$" "$wasm.opt.stamp"
  mv -f "$wasm.tmp.$$" "$wasm"
done
