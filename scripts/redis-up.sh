#!/usr/bin/env bash
# Makes sure a Redis server (Debian's redis-server) answers on 127.0.0.1:6379, starting
# one if not: for the tests of the shared cache and the two-instance test. `make run`
# does not need it (its cache is the database's).
set -euo pipefail
port=${REDIS_PORT:-6379}
if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then exit 0; fi
"$(dirname "$0")/system-packages.sh" redis-server
echo "Starting redis-server on 127.0.0.1:$port"
# Persistence as in production (an append-only file): a restart loses no entry.
dir=${REDIS_DIR:-${TMPDIR:-/tmp}/decision-records-redis-$port}
mkdir -p "$dir"
redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir" \
  --appendonly yes --save "" --logfile "$dir/redis.log"
for _ in $(seq 1 30); do
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "Redis did not start (see $dir/redis.log)" >&2
exit 1
