#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing:
# libpq for psycopg (libpq-dev: its headers and pg_config, to build psycopg's C
# part), fonts for the PDF, poppler for PDF checks in tests (pdfsig too), NSS's
# certutil for the certificate database pdfsig trusts, Chromium for browser
# tests, nginx as the buffering proxy in front of gunicorn (deploy/nginx.conf,
# tests/test_nginx.py).
set -euo pipefail
# Other packages may be named as arguments instead (scripts/bench-packages.sh).
if [ $# -gt 0 ]; then
  packages=("$@")
else
  packages=(libpq5 libpq-dev fonts-liberation2 fonts-dejavu-core poppler-utils libnss3-tools chromium nginx)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Please install these Debian packages: ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
