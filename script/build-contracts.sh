#!/usr/bin/env bash
# build-contracts.sh: the deployable .wasm of contract crates, the one way they are built (the test
# command, the size report and the devnet's end-to-end tests all use these bytes).
#
#   script/build-contracts.sh [PACKAGE...]   default: every contract crate under contracts/
#
# Output: $CARGO_TARGET_DIR (default target/)/wasm/<crate>.wasm, the optimized deployable wasm.
#
# Every wasm build of the project goes below target/wasm, one cargo target dir per program
# (target/wasm/build/<package>): the test command's wasm step builds each program once and the devnet's
# end-to-end tests, the demo and the bench reuse it. Programs that share a crate with other features (the
# registry and its extension, the guard and the Stylus example vault) would otherwise rebuild each other:
# a crate with a cdylib target gets no feature hash in its cargo fingerprint. The price is std built once
# per program (-Zbuild-std). Being apart from target/, a build started from inside `cargo test` never
# waits on the lock of the cargo running it.
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
# or reference types. The output keeps a stamp (<crate>.wasm.stamp: the input's hash, wasm-opt's version and
# flags) so an unchanged input is not optimized again.
# VIGIL_WASM_OPT=0 leaves cargo's output as it is (for before/after measurements only).
#
# Function names: cargo links with the name section kept (the release profile's strip is turned off
# here, which is what the deployed bytes are built from too), and wasm-opt runs twice on that input: once
# stripping it (the deployable <crate>.wasm), once with -g, which keeps the names and changes no byte of
# code (target/wasm/names/<crate>.wasm). `bench --profile` names the functions of its gas profile from
# the names file, after checking that apart from its custom sections it is the deployed module.
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

wasm_root="${CARGO_TARGET_DIR:-$root/target}/wasm"
mkdir -p "$wasm_root/names"
export CARGO_PROFILE_RELEASE_STRIP=false
export RUSTC_BOOTSTRAP=1
export CARGO_ENCODED_RUSTFLAGS="-Zunstable-options"$'\x1f'"-Cpanic=immediate-abort"$'\x1f'"-Zlocation-detail=none"$'\x1f'"-Zfmt-debug=none"
unset RUSTFLAGS

opt_flags=(--mvp-features --enable-mutable-globals --enable-sign-ext --enable-bulk-memory-opt
  -Oz --converge --strip-producers --strip-target-features)
if [ "${VIGIL_WASM_OPT:-1}" != 0 ]; then
  wasm_opt="$root/node_modules/.bin/wasm-opt"
  if [ ! -x "$wasm_opt" ]; then
    bash script/setup-forge.sh >&2 || { echo "build-contracts: wasm-opt is missing (script/setup-forge.sh failed)" >&2; exit 1; }
  fi
  opt_version="$("$wasm_opt" --version)"
fi
hash() { sha256sum "$1" | cut -d' ' -f1; }

for p in "${packages[@]}"; do
  crate="${p//-/_}"
  # One cargo invocation and one target dir per program: features never unify across programs, and a
  # crate built with other features for another program (the registry for its extension, the guard for
  # the Stylus example vault) never overwrites this one's build.
  build_dir="$wasm_root/build/$p"
  CARGO_TARGET_DIR="$build_dir" cargo build --quiet --release --locked --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort -p "$p"
  input="$build_dir/wasm32-unknown-unknown/release/$crate.wasm"
  [ -f "$input" ] || { echo "build-contracts: $input was not built" >&2; exit 1; }
  wasm="$wasm_root/$crate.wasm"
  named="$wasm_root/names/$crate.wasm"
  # Temporary names and renames: concurrent builds of the same program (parallel tests) stay safe.
  if [ "${VIGIL_WASM_OPT:-1}" = 0 ]; then
    cp "$input" "$wasm.tmp.$$" && mv -f "$wasm.tmp.$$" "$wasm"
    rm -f "$wasm.stamp" "$named"
    continue
  fi
  # Optimized before from the same input with the same wasm-opt: reuse.
  stamp="$(hash "$input") $opt_version ${opt_flags[*]}"
  if [ -f "$wasm" ] && [ -f "$named" ] && [ -f "$wasm.stamp" ] && [ "$(cat "$wasm.stamp")" = "$stamp" ]; then
    continue
  fi
  "$wasm_opt" "$input" "${opt_flags[@]}" --strip-debug -o "$wasm.tmp.$$"
  "$wasm_opt" "$input" "${opt_flags[@]}" -g -o "$named.tmp.$$"
  echo "$stamp" >"$wasm.stamp.tmp.$$"
  mv -f "$named.tmp.$$" "$named"
  mv -f "$wasm.tmp.$$" "$wasm"
  mv -f "$wasm.stamp.tmp.$$" "$wasm.stamp"
done
