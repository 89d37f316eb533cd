#!/usr/bin/env bash
# test.sh: THE test command (.ci/run calls exactly this). Runs every check, in order, and stops at the first
# failure with a non-zero exit:
#
#   setup       script/setup.sh (wasm32 target, rustfmt/clippy, forge + solc from npm, the explorer page
#               built and Debian's chromium for its browser test)
#   fmt         cargo fmt --all --check
#   clippy      cargo clippy --workspace --all-targets -- -D warnings (native), then the contracts and the
#               other wasm programs (devnet probe fixture, examples/stylus-vault) for wasm32, their target
#   wasm        script/build-contracts.sh: the deployable .wasm of every contract crate (contracts/*
#               building a cdylib), the bytes each contract deploys
#   report      script/wasm-report: sizes table, target/wasm-report.json; fails above the chain limits
#   test        cargo test --workspace (native unit and property tests; devnet end-to-end tests, which
#               run the release .wasm built above; the node's tests, which drive vigil-node with cast, forge
#               and the pinned cargo-stylus of script/setup-stylus.sh; the explorer's browser test,
#               cli/tests/explorer.rs, which drives Chromium through the page against a node)
#   interfaces  script/check-interfaces.sh: interfaces/*.sol == what export-abi prints
#   forge       script/forge-test.sh (Solidity tests), when that script exists
#
# The devnet's probe fixture is wasm32-only (natively the crate is empty: its raw hostios do not survive the
# stylus-test feature that the contracts' tests unify into stylus-sdk), so the clippy step lints it, with
# the contracts and the Stylus example vault, for wasm32, the target they are deployed on.
#
# Usage: script/test.sh [STEP...]   no steps: all of them. setup always runs first.
# Build caches live in the repository's target/ (or $CARGO_TARGET_DIR); every cargo call is --locked, so a
# Cargo.lock that does not match the manifests fails instead of being rewritten.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# A fresh clone (CI) builds every crate once, so incremental caches (over 1 GB there) would be written and
# never read. Re-running locally after small edits, CARGO_INCREMENTAL=1 keeps them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

all_steps=(fmt clippy wasm report test interfaces forge)
if [ "$#" -gt 0 ]; then
  for s in "$@"; do
    case " ${all_steps[*]} " in
      *" $s "*) ;;
      *) echo "test.sh: unknown step '$s' (steps: ${all_steps[*]})" >&2; exit 2 ;;
    esac
  done
  steps=("$@")
else
  steps=("${all_steps[@]}")
fi

start=$SECONDS
current=setup
done_steps=()

finish() {
  local rc=$?
  if [ -n "${stylus_pid:-}" ]; then kill -- "-$stylus_pid" 2>/dev/null || true; fi
  if [ "$rc" -ne 0 ]; then
    echo
    echo "==> test.sh: FAILED at step '$current' (exit $rc) after $((SECONDS - start))s; passed before it: ${done_steps[*]:-none}"
  fi
}
trap finish EXIT

wasm_fixtures=(vigil-devnet-probe vigil-example-stylus-vault)

step() {
  current="$1"
  echo
  echo "==> [$current] $2"
}

# The contract crates: the wasm-report tool is the one place that knows which crates they are.
contracts() {
  cargo run --quiet --locked -p vigil-wasm-report -- --list
}

step setup "script/setup.sh"
./script/setup.sh
# Only the node's tests need cargo-stylus, and its first install compiles it (about 15 minutes on 2
# cores): it starts now, in its own process group, beside the steps before `test`, which leave cores
# idle while they link, and `test` waits for it. The demo never pays for it.
stylus_pid=
if [[ " ${steps[*]} " == *" test "* ]]; then
  stylus_log="$(mktemp)"
  setsid bash script/setup-stylus.sh >"$stylus_log" 2>&1 &
  stylus_pid=$!
  echo "script/setup-stylus.sh started in the background (the pinned cargo-stylus; the test step waits for it)"
fi
done_steps+=(setup)

for s in "${steps[@]}"; do
  case "$s" in
    fmt)
      step fmt "cargo fmt --all --check"
      cargo fmt --all --check
      ;;
    clippy)
      step clippy "cargo clippy --workspace --all-targets --locked -- -D warnings; contracts and fixtures for wasm32"
      cargo clippy --workspace --all-targets --locked -- -D warnings
      wasm_pkgs=()
      for c in $(contracts) "${wasm_fixtures[@]}"; do wasm_pkgs+=(-p "$c"); done
      echo "cargo clippy --target wasm32-unknown-unknown --locked ${wasm_pkgs[*]} -- -D warnings"
      cargo clippy --target wasm32-unknown-unknown --locked "${wasm_pkgs[@]}" -- -D warnings
      ;;
    wasm)
      step wasm "deployable wasm of every contract (script/build-contracts.sh)"
      list="$(contracts)"
      [ -n "$list" ] || { echo "no contract crates found under contracts/" >&2; exit 1; }
      # shellcheck disable=SC2086 # one word per crate
      ./script/build-contracts.sh $list
      ;;
    report)
      step report "wasm sizes against the chain limits (script/wasm-report)"
      cargo run --quiet --locked -p vigil-wasm-report
      ;;
    test)
      step test "cargo test --workspace --locked"
      if [ -n "$stylus_pid" ]; then
        echo "waiting for script/setup-stylus.sh"
        if ! wait "$stylus_pid"; then
          stylus_pid=
          cat "$stylus_log" >&2
          echo "script/setup-stylus.sh failed (see above)" >&2
          exit 1
        fi
        stylus_pid=
        rm -f "$stylus_log"
      fi
      cargo test --workspace --locked
      ;;
    interfaces)
      step interfaces "script/check-interfaces.sh"
      ./script/check-interfaces.sh
      ;;
    forge)
      step forge "Solidity tests (script/forge-test.sh)"
      if [ -f script/forge-test.sh ]; then
        bash script/forge-test.sh
      else
        echo "skipped: script/forge-test.sh does not exist yet"
      fi
      ;;
  esac
  done_steps+=("$s")
done

current=finished
echo
echo "==> test.sh: all ${#done_steps[@]} steps passed (${done_steps[*]}) in $((SECONDS - start))s"
