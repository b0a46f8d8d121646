#!/usr/bin/env bash
# Installs the browser test's node packages (tests/browser: playwright-core, pinned by its
# package-lock.json) with `npm ci`. Safe to run again: skipped while node_modules was installed
# from the same lock (its hash is kept in node_modules/.package-lock.sha256). playwright-core
# downloads no browser; the test drives Debian's chromium (scripts/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$here/tests/browser
stamp=$dir/node_modules/.package-lock.sha256
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dir/node_modules/playwright-core" ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-node-deps: npm is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
echo "$want" > "$stamp"
