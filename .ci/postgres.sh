#!/usr/bin/env bash
# .ci/postgres.sh installs PostgreSQL from the distribution's packages when it
# is missing, starts a throwaway cluster that listens only on a unix socket,
# creates a role and a database for the tests, and prints the line that points
# the tests at it:
#
#	eval "$(bash .ci/postgres.sh)"   # sets PMSHOOKS_TEST_POSTGRES_DSN
#
# It is idempotent: run again, it reuses the cluster (starting it if it is
# down) and prints the same line. The DSN is also written to $PGDIR/dsn.
# Progress goes to stderr; stdout carries only the export line.
#
# Settings (environment): PMSHOOKS_PG_DIR (default /tmp/pmshooks-pg) holds the
# data directory, the socket and the log; PMSHOOKS_PG_PORT (default 54329) only
# names the socket file, since no TCP port is opened.
set -euo pipefail

PGDIR=${PMSHOOKS_PG_DIR:-/tmp/pmshooks-pg}
PORT=${PMSHOOKS_PG_PORT:-54329}
DATA=$PGDIR/data
LOG=$PGDIR/postgres.log
DB=pmshooks_test
ROLE=pmshooks

log() { printf 'postgres.sh: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
	log "must run as root (it installs packages and runs the server as the postgres user)"
	exit 1
fi

# The newest installed server's binaries: Debian keeps them out of PATH.
bindir() {
	local d
	d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
		printf '%s\n' "$d"
	fi
}

BIN=$(bindir)
if [ -z "$BIN" ]; then
	log "installing PostgreSQL from the distribution's packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update >&2
	apt-get install -y --no-install-recommends postgresql >&2
	BIN=$(bindir)
	if [ -z "$BIN" ]; then
		log "postgresql installed but no server binaries under /usr/lib/postgresql"
		exit 1
	fi
fi
if ! id postgres >/dev/null 2>&1; then
	log "the postgres user is missing; the postgresql package normally creates it"
	exit 1
fi

as_postgres() { runuser -u postgres -- "$@"; }

mkdir -p "$PGDIR"
chown postgres: "$PGDIR"
chmod 0755 "$PGDIR"

VERSION=$(basename "$(dirname "$BIN")")
if [ -s "$DATA/PG_VERSION" ] && [ "$(cat "$DATA/PG_VERSION")" != "$VERSION" ]; then
	log "$DATA was made by PostgreSQL $(cat "$DATA/PG_VERSION"), not $VERSION: making it anew"
	as_postgres "$BIN/pg_ctl" -D "$DATA" -m immediate stop >&2 || true
	rm -rf "$DATA"
fi
if [ ! -s "$DATA/PG_VERSION" ]; then
	log "initializing a PostgreSQL $VERSION cluster in $DATA"
	rm -rf "$DATA"
	# trust over the socket only: the socket lives in $PGDIR and no TCP
	# listener exists, so only this machine's local users can connect.
	as_postgres "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C \
		--auth-local=trust --auth-host=reject >&2
fi

ready() { "$BIN/pg_isready" -q -h "$PGDIR" -p "$PORT" -U postgres -d postgres; }

# wait_ready SECONDS: wait for the server to accept connections.
wait_ready() {
	local i
	for ((i = 0; i < $1; i++)); do
		if ready; then
			return 0
		fi
		sleep 1
	done
	ready
}

# start_server: start the cluster, retrying for a while: right after a crash
# the old server's children may still hold its shared memory.
start_server() {
	local i
	for i in 1 2 3 4 5; do
		log "starting the server (socket $PGDIR/.s.PGSQL.$PORT, no TCP), attempt $i"
		if as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
			-o "-c listen_addresses='' -c unix_socket_directories='$PGDIR' -p $PORT -c max_connections=200" \
			start >&2; then
			return 0
		fi
		sleep 2
	done
	log "the server did not start; the end of $LOG:"
	tail -n 20 "$LOG" >&2 || true
	return 1
}

if ! ready; then
	if as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
		# A server is said to run but does not answer: it may be starting or
		# recovering. Give it time, then restart it.
		if ! wait_ready 30; then
			log "the server does not answer; restarting it"
			as_postgres "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >&2 || true
			start_server
		fi
	else
		start_server
	fi
fi
if ! wait_ready 60; then
	log "server not ready; the end of $LOG:"
	tail -n 20 "$LOG" >&2 || true
	exit 1
fi

psql_admin() {
	"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PORT" -U postgres -d postgres "$@"
}

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
	log "creating role $ROLE"
	psql_admin -c "CREATE ROLE $ROLE LOGIN"
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
	log "creating database $DB"
	psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
fi

DSN="postgres://$ROLE@/$DB?host=$PGDIR&port=$PORT&sslmode=disable"
printf '%s\n' "$DSN" >"$PGDIR/dsn"
log "ready: $DSN"
printf "export PMSHOOKS_TEST_POSTGRES_DSN='%s'\n" "$DSN"
