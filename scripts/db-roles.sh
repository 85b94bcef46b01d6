#!/usr/bin/env bash
# Sets up the two PostgreSQL roles on the local cluster and proves the split (CI):
# the owner migrates a fresh database, the application role loads the demo through
# the app's own services, and then cannot UPDATE, DELETE or TRUNCATE an append-only
# table, disable its trigger or set session_replication_role.
# Local trust authentication, so no passwords here; README "Database roles" shows
# the production set-up with passwords.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
host=127.0.0.1:5432
admin="postgres://postgres@$host/postgres"
db=${ROLES_DATABASE:-decision_records_roles}
owner=decision_records_owner
app=decision_records_app

psql "$admin" -v ON_ERROR_STOP=1 -q <<SQL
DROP DATABASE IF EXISTS $db;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$owner') THEN CREATE ROLE $owner LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$app') THEN CREATE ROLE $app LOGIN; END IF;
END \$\$;
CREATE DATABASE $db OWNER $owner;
REVOKE ALL ON DATABASE $db FROM PUBLIC;
SQL

media=$(mktemp -d)
trap 'rm -rf "$media"' EXIT
export DEBUG=1 MEDIA_ROOT="$media" \
  DATABASE_URL="postgres://$app@$host/$db" MIGRATE_DATABASE_URL="postgres://$owner@$host/$db"
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo >/dev/null
echo "The application role $app loaded the demo (INSERT, UPDATE, DELETE on ordinary tables)."

app_url="postgres://$app@$host/$db"
events=$(psql "$app_url" -tAc "SELECT count(*) FROM decisions_decisionevent")
[ "$events" -gt 0 ] || { echo "No events written" >&2; exit 1; }
echo "It reads $events events."
refused=(
  "UPDATE decisions_decisionevent SET comment = 'forged'"
  "DELETE FROM decisions_decisionevent"
  "TRUNCATE decisions_decisionevent"
  "ALTER TABLE decisions_decisionevent DISABLE TRIGGER ALL"
  "SET session_replication_role = replica"
)
for statement in "${refused[@]}"; do
  if output=$(psql "$app_url" -v ON_ERROR_STOP=1 -qc "$statement" 2>&1); then
    echo "NOT REFUSED: $statement" >&2; exit 1
  fi
  echo "$output" | grep -Eq "permission denied|must be owner" \
    || { echo "Refused for another reason: $statement: $output" >&2; exit 1; }
  echo "Refused: $statement"
done
after=$(psql "$app_url" -tAc "SELECT count(*) FROM decisions_decisionevent")
[ "$after" = "$events" ] || { echo "Events changed: $events -> $after" >&2; exit 1; }
psql "$admin" -q -c "DROP DATABASE $db"
echo "Database roles: OK"
