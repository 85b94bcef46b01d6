#!/usr/bin/env bash
# Installs what `make bench` needs beyond scripts/system-packages.sh, only if missing:
# wrk, the HTTP load generator (Debian package).
set -euo pipefail
exec "$(dirname "$0")/system-packages.sh" wrk
