#!/usr/bin/env bash
# setup-explorer.sh: make the explorer page and its browser test ready. Idempotent and quiet on success;
# script/setup.sh runs it, so the demo and test commands do.
#
# - Debian's Chromium at /usr/bin/chromium, which cli/tests/explorer.rs drives through playwright-core
#   (never a browser playwright downloads): `apt-get install chromium` when it is missing and we are
#   root with apt-get; otherwise a warning says what to install (the test fails without it).
# - `npm ci` in explorer/ when explorer/node_modules is missing or older than explorer/package-lock.json
#   (the pinned viem, esbuild, solc, typescript and playwright-core).
# - `npm run build` (ABIs from interfaces/*.sol, type check, bundle into explorer/dist) when dist is
#   missing or older than a source.
# Network: the npm registry and Debian's archive only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() { echo "setup-explorer: $*" >&2; exit 1; }

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

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # chromium's only recommendation is its setuid sandbox, which the test does not use.
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
      quiet apt-get update
      DEBIAN_FRONTEND=noninteractive quiet apt-get install -y --no-install-recommends chromium
    fi
  else
    # Only the browser test needs it (and fails without it); the demo and the page do not.
    echo "setup-explorer: /usr/bin/chromium is missing, so the explorer's browser test will fail: install Debian's chromium package (sudo apt-get install chromium)" >&2
  fi
fi

command -v npm >/dev/null 2>&1 || die "npm is required: apt-get install nodejs npm"
lock=explorer/package-lock.json
if grep -E '"resolved": *"' "$lock" | grep -vqE '"resolved": *"https://registry\.npmjs\.org/'; then
  die "$lock resolves a package outside the npm registry"
fi
if [ ! -f explorer/node_modules/.package-lock.json ] || [ "$lock" -nt explorer/node_modules/.package-lock.json ]; then
  # --ignore-scripts: esbuild's binary comes in its platform package; nothing may fetch a browser.
  quiet npm --prefix explorer ci --ignore-scripts --no-audit --no-fund --loglevel=error
  touch explorer/node_modules/.package-lock.json
fi

built=explorer/dist/app.js
if [ ! -f "$built" ] || [ -n "$(find explorer/src explorer/scripts explorer/package-lock.json explorer/tsconfig.json interfaces \
    -newer "$built" -not -path 'explorer/src/generated*' -print -quit)" ]; then
  quiet npm --prefix explorer run build
fi
