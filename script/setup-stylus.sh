#!/usr/bin/env bash
# setup-stylus.sh: make the pinned cargo-stylus ready for the node's tests (node/tests/cargo_stylus.rs).
# Idempotent and quiet on success; script/setup.sh runs it. `--print` prints the binary's path.
#
# The version is the one of the workspace's stylus-sdk (=0.10.10, Cargo.toml): cargo-stylus ships with the
# SDK, and the deploy/activate/check/trace flows it drives are the ones the node is tested against.
# It goes to $CARGO_TARGET_DIR/tools/bin (default target/tools/bin), not to ~/.cargo/bin: a user's own
# cargo-stylus of another version is left alone, and `cargo clean` removes ours with the rest.
#
# The first install compiles cargo-stylus from crates.io (`--locked`, its own lockfile): 15 minutes for
# this release build on 2 cores shared with other builds (915 s measured). Its build dir stays under
# tools/build until the install succeeds, so an interrupted install resumes where it stopped, and is
# deleted afterwards (it is much larger than the binary).
# Network: crates.io only.
set -euo pipefail

version=0.10.10

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${CARGO_TARGET_DIR:-$root/target}/tools"
bin="$tools/bin/cargo-stylus"

die() { echo "setup-stylus: $*" >&2; exit 1; }

# cargo-stylus is a cargo subcommand: it reports its version when called as `cargo-stylus stylus --version`.
pinned() { [ -x "$bin" ] && [ "$("$bin" stylus --version 2>/dev/null)" = "stylus $version" ]; }

if ! pinned; then
  command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install Rust with rustup (stable)"
  log="$(mktemp)"
  if ! cargo install cargo-stylus --version "$version" --locked --force \
      --root "$tools" --target-dir "$tools/build" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    die "\`cargo install cargo-stylus --version $version\` failed (see above); a re-run resumes the build"
  fi
  rm -f "$log"
  rm -rf "$tools/build"
  pinned || die "$bin does not report version $version after the install: $("$bin" stylus --version 2>&1 | head -1)"
fi

if [ "${1:-}" = "--print" ]; then echo "$bin"; fi
