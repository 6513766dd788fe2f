#!/usr/bin/env bash
# Installs Debian's PostgreSQL server binaries when missing (idempotent). The tests start their own throwaway
# cluster from these binaries (test/global-setup-postgres.ts); no system service is started or configured here.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "postgresql: $(ls -d /usr/lib/postgresql/*/bin/initdb | head -1) present"
  exit 0
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends postgresql
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || { echo 'postgresql: initdb still missing after install' >&2; exit 1; }
