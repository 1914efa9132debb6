#!/usr/bin/env bash
# Issue 22: start a real streaming replica of the local PostgreSQL (pg_basebackup of the running server, on loopback
# port ${REPLICA_PORT:-5433}), migrate a scratch database on the primary, and run the routing tests against both.
# Needs root (to run the server binaries as the postgres user and to allow replication connections from 127.0.0.1).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
cd "$(dirname "$0")/.."
PORT="${REPLICA_PORT:-5433}"
DB="orgwork_replica_check"
PRIMARY_URL="postgres://postgres@127.0.0.1:5432/$DB"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
DIR="$(mktemp -d /tmp/orgwork-replica.XXXXXX)"
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

cleanup() {
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP_REPLICA_DIR:-}" ] || rm -rf "$DIR"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Replication connections from loopback: the stock pg_hba.conf allows none; add one line (trust, like the others).
HBA="$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW hba_file')"
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
  psql -h 127.0.0.1 -U postgres -qAtc 'SELECT pg_reload_conf()' >/dev/null
fi

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
DATABASE_URL="$PRIMARY_URL" .venv/bin/python manage.py migrate --noinput -v0

chown postgres "$DIR"
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$DIR/data" -R -X stream -c fast
cat > "$DIR/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
hot_standby = on
max_connections = $(psql -h 127.0.0.1 -U postgres -Atc 'SHOW max_connections')
shared_buffers = 64MB
CONF
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$DIR/data/pg_hba.conf"
: > "$DIR/data/pg_ident.conf"
chown postgres "$DIR/data/postgresql.conf" "$DIR/data/pg_hba.conf" "$DIR/data/pg_ident.conf"
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/replica.log" -w start >/dev/null
echo "replica: streaming from 127.0.0.1:5432 on 127.0.0.1:$PORT ($(psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc 'SELECT pg_is_in_recovery()') in recovery)"

REPLICA_CHECK=1 DATABASE_URL="$PRIMARY_URL" REPLICA_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DB" \
  .venv/bin/pytest orgwork/core/tests/test_replica.py -q -p no:randomly "$@"
