#!/usr/bin/env bash
# setup-forge.sh: make forge, cast, anvil, solc and wasm-opt (the npm packages pinned in package.json) ready
# to use. cast drives vigil-node in its tests, anvil is the baseline of the node's benchmark.
# Idempotent and quiet on success; the test and demo commands run it first. Prints forge's path on request
# (--print-forge). wasm-opt (binaryen's JS/wasm build) is what script/build-contracts.sh optimizes the
# contracts' wasm with.
#
# - `npm ci` when node_modules is missing or older than package-lock.json (npm writes
#   node_modules/.package-lock.json on every install; we compare it with the committed lockfile).
# - Then checks that `forge --version` runs and that script/solc-shim reports the Solidity version pinned
#   in foundry.toml (the `# SOLC_VERSION = x.y.z` line).
# Needs node >= 18 and npm. Everything comes from the npm registry (no other downloads).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() { echo "setup-forge: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is required (>= 18): apt-get install nodejs npm"
command -v npm >/dev/null 2>&1 || die "npm is required: apt-get install npm"

# The lockfile may only point at the npm registry (npm normally omits registry URLs or writes
# registry.npmjs.org ones): no git, tarball or other-host dependencies.
if grep -E '"resolved": *"' package-lock.json | grep -vqE '"resolved": *"https://registry\.npmjs\.org/'; then
  die "package-lock.json resolves a package outside the npm registry: $(grep -E '"resolved"' package-lock.json | grep -vE 'registry\.npmjs\.org/' | head -1)"
fi

stale=0
if [ ! -x node_modules/.bin/forge ] || [ ! -x node_modules/.bin/cast ] || [ ! -x node_modules/.bin/anvil ] \
    || [ ! -f node_modules/solc/package.json ] || [ ! -x node_modules/.bin/wasm-opt ] \
    || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  stale=1
fi
if [ "$stale" = 1 ]; then
  log="$(mktemp)"
  # --ignore-scripts: none of our packages needs an install script (forge's binary ships in its
  # platform package), and no script may fetch anything from outside the registry.
  if ! npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    die "npm ci failed"
  fi
  rm -f "$log"
  touch node_modules/.package-lock.json
fi

forge="$root/node_modules/.bin/forge"
[ -x "$forge" ] || die "forge is missing after npm ci: no @foundry-rs/forge-<platform> package for $(uname -sm) in package.json"
"$forge" --version >/dev/null 2>&1 || die "\`forge --version\` failed: $("$forge" --version 2>&1 | head -3)"

# cast and anvil come from the same foundry release as forge.
forge_version="$("$forge" --version | head -1)"
for tool in cast anvil; do
  bin="$root/node_modules/.bin/$tool"
  [ -x "$bin" ] || die "$tool is missing after npm ci: no @foundry-rs/$tool-<platform> package for $(uname -sm) in package.json"
  version="$("$bin" --version 2>&1 | head -1)" || die "\`$tool --version\` failed: $version"
  [ "${version#"$tool" }" = "${forge_version#forge }" ] \
    || die "$tool is '$version' but forge is '$forge_version': pin the same @foundry-rs version for both in package.json"
done

wasm_opt="$root/node_modules/.bin/wasm-opt"
[ -x "$wasm_opt" ] || die "wasm-opt is missing after npm ci: package.json must list binaryen"
"$wasm_opt" --version >/dev/null 2>&1 || die "\`wasm-opt --version\` failed: $("$wasm_opt" --version 2>&1 | head -3)"

want="$(sed -n 's/^# SOLC_VERSION = \([0-9.]*\)$/\1/p' foundry.toml)"
have="$("$root/script/solc-shim" --version | sed -n 's/^Version: \([0-9.]*\)+.*/\1/p')"
[ -n "$want" ] || die "foundry.toml has no '# SOLC_VERSION = x.y.z' line"
[ "$want" = "$have" ] || die "solc is $have but foundry.toml pins $want: update package.json's solc or foundry.toml"

if [ "${1:-}" = "--print-forge" ]; then echo "$forge"; fi
