#!/usr/bin/env bash
# Installs Debian's Chromium when missing (idempotent). The browser tests (src/web/*.browser.test.ts) drive it
# through playwright-core with executablePath /usr/bin/chromium; never `npx playwright install` (no downloads).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
[ -x /usr/bin/chromium ] || { echo 'chromium: /usr/bin/chromium still missing after install' >&2; exit 1; }
