# shellcheck shell=bash
# Starts (and if needed creates) the project's own PostgreSQL cluster, unless DATABASE_URL is set.
# Sourced by scripts/run and scripts/test. Postgres refuses to run as root, so as root the cluster
# is owned by the `postgres` system user; as anyone else it runs as that user.

LANYARD_PG_PORT="${LANYARD_PG_PORT:-54329}"
LANYARD_DATA_DIR="${LANYARD_DATA_DIR:-$PWD/.lanyard}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Prints the URL of the database named $1 on the local cluster.
local_database_url() {
  echo "postgres://postgres@127.0.0.1:${LANYARD_PG_PORT}/$1"
}

# The same database over the cluster's Unix socket (as a server on the database's own host would
# connect: no TCP/IP stack on each of the many small round trips).
# Falls back to TCP when the cluster serving the port is another checkout's (its socket is there).
local_socket_url() {
  if [ -S "$LANYARD_DATA_DIR/pg/.s.PGSQL.${LANYARD_PG_PORT}" ]; then
    echo "postgres://postgres@localhost/$1?host=$LANYARD_DATA_DIR/pg&port=${LANYARD_PG_PORT}"
  else
    local_database_url "$1"
  fi
}

ensure_local_postgres() {
  local dir="$LANYARD_DATA_DIR/pg"
  # Another checkout's cluster (trust auth, same port) already serving: share it rather than fail
  # to bind. Every use creates its own databases.
  if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 && \
     "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$LANYARD_PG_PORT" && \
     psql -h 127.0.0.1 -p "$LANYARD_PG_PORT" -U postgres -tAc 'SELECT 1' postgres >/dev/null 2>&1; then
    echo "==> using the PostgreSQL already listening on 127.0.0.1:$LANYARD_PG_PORT"
    return 0
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    # The postgres user must be able to reach the data directory inside the checkout.
    chown postgres:postgres "$dir"
    local d="$dir"; while [ "$d" != "/" ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    echo "==> creating a PostgreSQL cluster in $dir/data (trust auth on 127.0.0.1: local development only)"
    pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log"; return 1; }
  fi
  if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "==> starting PostgreSQL on 127.0.0.1:$LANYARD_PG_PORT"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $LANYARD_PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
      || { tail -20 "$dir/server.log"; return 1; }
  fi
}

# Creates database $1 on the local cluster if it does not exist yet.
ensure_local_database() {
  local name="$1"
  if ! psql -h 127.0.0.1 -p "$LANYARD_PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" postgres | grep -q 1; then
    psql -h 127.0.0.1 -p "$LANYARD_PG_PORT" -U postgres -qc "CREATE DATABASE \"$name\"" postgres
  fi
}

# Drops and recreates database $1 on the local cluster (fresh state for a test run).
recreate_local_database() {
  local name="$1"
  psql -h 127.0.0.1 -p "$LANYARD_PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" postgres
  psql -h 127.0.0.1 -p "$LANYARD_PG_PORT" -U postgres -qc "CREATE DATABASE \"$name\"" postgres
}
