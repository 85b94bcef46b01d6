#!/usr/bin/env bash
# Makes sure the local PostgreSQL cluster answers on 127.0.0.1:5432, starting it if not.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432; then exit 0; fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
echo "Starting PostgreSQL $version"
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
  sleep 1
done
echo "PostgreSQL did not start" >&2
exit 1
