#!/usr/bin/env bash
# setup.sh: make a fresh machine ready for Vigil's commands. Idempotent and quiet on success; the demo and
# test commands run it first, so nobody has to.
#
# - Rust: needs cargo and rustup (stable). Adds the wasm32-unknown-unknown target, and the rustfmt and clippy
#   components, only when they are missing.
# - Solidity: runs script/setup-forge.sh when it exists (npm ci of the pinned forge and solc, then checks them).
# - The explorer page: script/setup-explorer.sh (its npm packages and build; Debian's chromium for its
#   browser test, installed with apt-get when missing).
# Network: only crates.io, the npm registry, rustup's own components and Debian's archive (chromium).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() { echo "setup: $*" >&2; exit 1; }

# Run a command quietly; on failure show its output and stop.
quiet() {
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    cat "$log" >&2
    rm -f "$log"
    die "\`$*\` failed (exit $rc)"
  fi
  rm -f "$log"
}

command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install Rust with rustup (stable), then \`. ~/.cargo/env\`"
command -v rustup >/dev/null 2>&1 || die "rustup is not on PATH: the wasm32 target is added with rustup"

# rustup answers for the toolchain active in this directory (a rust-toolchain.toml here would select it).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  quiet rustup target add wasm32-unknown-unknown
fi
cargo fmt --version >/dev/null 2>&1 || quiet rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || quiet rustup component add clippy

if [ -f script/setup-forge.sh ]; then
  bash script/setup-forge.sh || die "script/setup-forge.sh failed (see above)"
fi

bash script/setup-explorer.sh || die "script/setup-explorer.sh failed (see above)"
