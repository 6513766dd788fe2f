#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages (each scripts/setup/*.sh is idempotent and installs
# its own Debian packages when missing), then runs the whole test suite against real databases and a real browser.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1
for s in scripts/setup/*.sh; do
  [ -e "$s" ] || continue
  echo "== setup: $s"
  bash "$s"
done
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
