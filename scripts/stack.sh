#!/bin/sh
# The whole stack under supervisord, in DH_VAR_DIR (var/ by default).
#
#   stack.sh run      prepare, then supervisord in the foreground (Ctrl-C stops all)
#   stack.sh start    prepare, then supervisord in the background; waits for /health
#   stack.sh stop     stop supervisord and everything under it
#   stack.sh status   supervisorctl status
#   stack.sh ctl ARGS supervisorctl ARGS against this stack
#
# "Prepare" validates the configuration (bin/dh-config, exit 78 on a bad
# value), creates the embedded PostgreSQL cluster when DATABASE_URL is unset,
# applies the migrations, and renders nginx/ and supervisor/ into var/.
# Settings come from the environment, then from ./.env for what is unset.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${DH_BIN_DIR:-$ROOT/build/bin}
STATIC_DIR=$ROOT/build/static		# static/ with versioned asset names (make)
cmd=${1:-}
[ $# -gt 0 ] && shift

die() { echo "stack: $*" >&2; exit 1; }
say() { echo "stack: $*" >&2; }
. "$ROOT/scripts/render.sh"

# Variables from ./.env that the environment does not set already.
load_dotenv() {
	[ -f "$ROOT/.env" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in ''|'#'*) continue ;; esac
		key=${line%%=*}
		val=${line#*=}
		case "$key" in *[!A-Za-z0-9_]*|'') continue ;; esac
		eval "isset=\${$key+x}"
		[ -n "$isset" ] && continue
		val=${val#\"}; val=${val%\"}; val=${val#\'}; val=${val%\'}
		export "$key=$val"
	done < "$ROOT/.env"
}

# Validated settings with defaults filled in, as shell variables.
load_config() {
	[ -x "$BIN/dh-config" ] || die "$BIN/dh-config is missing: run make first"
	out=$("$BIN/dh-config") || exit 78
	eval "$out"
	case "$DH_VAR_DIR" in /*) VAR=$DH_VAR_DIR ;; *) VAR=$ROOT/$DH_VAR_DIR ;; esac
	export DH_VAR_DIR="$VAR"
	# The rendered configs hold these paths unquoted (nginx, supervisord).
	case "$VAR$ROOT" in *[[:space:]]*) die "paths with blanks are not supported: $ROOT, $VAR" ;; esac
	CONF=$VAR/supervisor/supervisord.conf
}

ctl() {
	supervisorctl -c "$CONF" "$@"
}

running() {
	[ -S "$VAR/run/supervisor.sock" ] && ctl pid >/dev/null 2>&1
}

# Who owns what when we run as root: nothing that parses outside input runs
# as root.  PostgreSQL runs as postgres, nginx's workers as www-data, dh-api,
# the workers and the simulator as darkhorses (created when absent, as for a
# system install).  www-data must reach var/ and the dashboard: when it
# cannot, say how to fix that rather than run nginx's workers as root.
setup_users() {
	PROGRAM_USER_LINE=""
	if [ "$(id -u)" -eq 0 ]; then
		PG_OS_USER=postgres
		PG_USER_LINE="user=postgres"
		NGINX_OS_USER=www-data
		PROGRAM_OS_USER=darkhorses
		id "$PG_OS_USER" >/dev/null 2>&1 || die "user $PG_OS_USER is missing (is postgresql installed?)"
		id "$NGINX_OS_USER" >/dev/null 2>&1 || die "user $NGINX_OS_USER is missing"
		if ! id "$PROGRAM_OS_USER" >/dev/null 2>&1; then
			say "creating the system user $PROGRAM_OS_USER for dh-api, the workers and the simulator"
			useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
				"$PROGRAM_OS_USER" || die "could not create the user $PROGRAM_OS_USER"
		fi
		runuser -u "$NGINX_OS_USER" -- test -x "$VAR/run" 2>/dev/null &&
		    runuser -u "$NGINX_OS_USER" -- test -r "$STATIC_DIR/index.html" ||
			die "user $NGINX_OS_USER (nginx's workers) cannot reach $VAR/run or $STATIC_DIR/index.html; nginx's workers never run as root: let it traverse every directory above them (chmod o+x DIR), or set DH_VAR_DIR to such a path"
		runuser -u "$PROGRAM_OS_USER" -- test -x "$BIN/dh-api" ||
			die "user $PROGRAM_OS_USER cannot run $BIN/dh-api: let it traverse every directory above it (chmod o+x DIR)"
		NGINX_USER_LINE="user $NGINX_OS_USER;"
		API_SOCKET_OWNER_LINE="socket_owner=$PROGRAM_OS_USER:$NGINX_OS_USER"
		PROGRAM_USER_LINE="user=$PROGRAM_OS_USER"
	else
		PG_OS_USER=$(id -un)
		PG_USER_LINE=""
		NGINX_OS_USER=$(id -un)
		NGINX_USER_LINE=""
		API_SOCKET_OWNER_LINE=""
		PROGRAM_OS_USER=$(id -un)
	fi
}

# The state files the programs open by path in var/run (the Racing API rate,
# dh-api's metrics): made here, by root in a root-owned directory, for the
# programs' user; they open them with O_NOFOLLOW and check the owner
# (shared/runfile.c).  Anything else in their place is replaced.
setup_run_files() {
	[ "$(id -u)" -eq 0 ] || return 0
	for f in racing-api.rate dh-api.metrics; do
		p=$VAR/run/$f
		if [ -L "$p" ] || [ ! -f "$p" ] || [ "$(stat -c %U:%h "$p")" != "$PROGRAM_OS_USER:1" ]; then
			rm -rf "$p"
			install -o "$PROGRAM_OS_USER" -g "$PROGRAM_OS_USER" -m 0600 /dev/null "$p"
		fi
	done
}

# Writes stdin to a file the postgres OS user owns, as that user: root never
# writes through a path postgres controls.
pg_write() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PG_OS_USER" -- sh -c 'cat > "$1"' sh "$1"
	else
		cat > "$1"
	fi
}

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PG_OS_USER" -- "$@"
	else
		"$@"
	fi
}

find_pg_bin() {
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		[ -x "$d/postgres" ] && { PG_BIN=$d; return 0; }
	done
	die "PostgreSQL server binaries not found (apt-get install postgresql-15)"
}

# Creates the embedded cluster once: UTF-8, peer auth for the admin role,
# passwords for the application roles.
init_cluster() {
	PGDATA=$VAR/pg/data
	PGSOCK=$VAR/run/pg
	mkdir -p "$VAR/pg" "$PGSOCK"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$PG_OS_USER" "$VAR/pg" "$PGSOCK"
		runuser -u "$PG_OS_USER" -- test -w "$VAR/pg" ||
			die "user $PG_OS_USER cannot reach $VAR/pg: set DH_VAR_DIR to a path it can traverse"
	fi
	[ ${#PGSOCK} -lt 90 ] || die "socket path too long for PostgreSQL: $PGSOCK (set DH_VAR_DIR shorter)"
	if [ ! -f "$PGDATA/PG_VERSION" ]; then
		say "creating the embedded PostgreSQL cluster in $PGDATA"
		as_pg "$PG_BIN/initdb" -D "$PGDATA" -E UTF8 --locale=C.UTF-8 -U postgres \
			--auth-local=peer --auth-host=scram-sha-256 >"$VAR/log/initdb.log" 2>&1 ||
			die "initdb failed: see $VAR/log/initdb.log"
		pg_write "$PGDATA/pg_hba.conf" <<-EOF
		# DarkHorses embedded cluster: the admin role by OS user, the rest by password.
		local all postgres peer map=dh
		local all all scram-sha-256
		local replication postgres peer map=dh
		EOF
		printf 'dh %s postgres\ndh postgres postgres\n' "$(id -un)" | pg_write "$PGDATA/pg_ident.conf"
		echo "include_if_exists = 'darkhorses.conf'" | as_pg sh -c 'cat >> "$1"' sh "$PGDATA/postgresql.conf"
	fi
	# Settings we own, rewritten every start (the socket path follows DH_VAR_DIR).
	pg_write "$PGDATA/darkhorses.conf" <<-EOF
	listen_addresses = ''
	unix_socket_directories = '$PGSOCK'
	max_connections = 200
	shared_buffers = 256MB
	log_line_prefix = 'ts=%m level=pg pid=%p db=%d user=%u '
	log_min_duration_statement = 1000
	EOF
	load_secrets
}

# The application roles' passwords, made once, in a directory only root (or
# the user running the stack) may enter, outside the cluster's data
# directory: the postgres OS user cannot plant what this script reads.  Read
# as data, never sourced.  A copy from before (var/pg/secrets.env) is moved
# over once, its values checked.
load_secrets() {
	SECRETS_DIR=$VAR/secrets
	secrets=$SECRETS_DIR/db.env
	if [ -L "$SECRETS_DIR" ] || { [ -e "$SECRETS_DIR" ] && [ ! -d "$SECRETS_DIR" ]; }; then
		die "$SECRETS_DIR is not a directory"
	fi
	mkdir -p "$SECRETS_DIR"
	chmod 0700 "$SECRETS_DIR"
	[ "$(stat -c %u "$SECRETS_DIR")" = "$(id -u)" ] || die "$SECRETS_DIR is not owned by $(id -un)"
	if [ ! -f "$secrets" ]; then
		old=$VAR/pg/secrets.env
		(
			umask 077
			if [ -f "$old" ] && [ ! -L "$old" ] && [ -n "$(secret_value WRITER_PASSWORD "$old")" ] &&
			    [ -n "$(secret_value READER_PASSWORD "$old")" ]; then
				printf 'WRITER_PASSWORD=%s\nREADER_PASSWORD=%s\n' "$(secret_value WRITER_PASSWORD "$old")" \
					"$(secret_value READER_PASSWORD "$old")" > "$secrets.tmp"
			else
				printf 'WRITER_PASSWORD=%s\nREADER_PASSWORD=%s\n' \
					"$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')" \
					"$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')" > "$secrets.tmp"
			fi
			mv "$secrets.tmp" "$secrets"
		)
		rm -f "$VAR/pg/secrets.env"
	fi
	WRITER_PASSWORD=$(secret_value WRITER_PASSWORD "$secrets")
	READER_PASSWORD=$(secret_value READER_PASSWORD "$secrets")
	[ -n "$WRITER_PASSWORD" ] && [ -n "$READER_PASSWORD" ] || die "$secrets does not hold the two passwords"
}

# The value of NAME=HEX in FILE (40 hex digits), or nothing.
secret_value() {
	sed -n "s/^$1=\([0-9a-f]\{40\}\)\$/\1/p" "$2" | head -n 1
}

admin_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -U postgres "$@"
}

# Starts the cluster briefly to create the database, migrate and set the
# application roles' passwords; supervisord runs it afterwards.
migrate_embedded() {
	: > "$VAR/log/postgres-setup.log"
	chown "$PG_OS_USER" "$VAR/log/postgres-setup.log" 2>/dev/null || true
	as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -w -t 60 -l "$VAR/log/postgres-setup.log" start >/dev/null ||
		die "PostgreSQL did not start: see $VAR/log/postgres-setup.log"
	trap 'as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true' EXIT
	if [ -z "$(admin_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'darkhorses'")" ]; then
		admin_psql -d postgres -c "CREATE DATABASE darkhorses"
	fi
	DATABASE_MIGRATE_URL="postgresql:///darkhorses?host=$PGSOCK&user=postgres" \
		"$BIN/dh-migrate" --dir "$ROOT/sql/migrations" || die "migrations failed"
	admin_psql -d darkhorses <<-EOF
	ALTER ROLE dh_writer LOGIN PASSWORD '$WRITER_PASSWORD';
	ALTER ROLE dh_reader LOGIN PASSWORD '$READER_PASSWORD';
	EOF
	as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
	trap - EXIT
	export DATABASE_URL="postgresql://dh_writer:$WRITER_PASSWORD@/darkhorses?host=$PGSOCK"
	# dh-api reads as dh_reader, here or from a replica given in DATABASE_READ_URL.
	export DATABASE_READ_URL="${DATABASE_READ_URL:-postgresql://dh_reader:$READER_PASSWORD@/darkhorses?host=$PGSOCK}"
}

prepare() {
	load_dotenv
	load_config
	# The simulator's own settings (DH_SIM_SEED, DH_SIM_FAULTS), before anything starts.
	if [ -n "$DH_SIMULATOR" ] && [ -x "$BIN/dh-racing-sim" ] && [ "$DH_WORKERS" != none ]; then
		"$BIN/dh-racing-sim" --check || exit 78
	fi
	if running; then
		say "already running in $VAR (make stop first)"
		exit 0
	fi
	mkdir -p "$VAR/run" "$VAR/log" "$VAR/nginx/tmp" "$VAR/nginx/cache" "$VAR/supervisor/conf.d" \
		"$VAR/nginx/conf.d"
	chmod 755 "$VAR" "$VAR/run"
	setup_users
	if [ -z "$DATABASE_URL" ]; then
		find_pg_bin
		init_cluster
		migrate_embedded
		EMBEDDED=1
	else
		if [ "$DH_WORKERS" = none ] && [ -z "${DATABASE_MIGRATE_URL:-}" ]; then
			# An API-only host changes no schema: it checks it is current.
			"$BIN/dh-migrate" --check --dir "$ROOT/sql/migrations" || die "the database schema is not current"
		else
			"$BIN/dh-migrate" --dir "$ROOT/sql/migrations" || die "migrations failed"
		fi
		EMBEDDED=""
	fi

	[ -f "$STATIC_DIR/.version" ] || die "$STATIC_DIR is not built (run make)"
	NGINX_CONF_DIR=$VAR/nginx
	NGINX_CACHE_DIR=$VAR/nginx/cache
	NGINX_ACCESS_LOG=$VAR/log/nginx-access.log
	LOG_DIR=$VAR/log
	PROGRAM_ENV_LINE=""
	api_environment
	setup_run_files
	api_sockets "$VAR/run"
	cors_origins
	DH_API_RATE_BURST=$((DH_API_RATE_LIMIT * 2))
	nginx_cache_zone
	cache_key_maps "$BIN"
	rm -f "$VAR"/supervisor/conf.d/*.conf "$VAR"/nginx/conf.d/*.conf
	render "$ROOT/supervisor/supervisord.conf.in" "$CONF"
	[ -n "$EMBEDDED" ] && render "$ROOT/supervisor/postgres.conf.in" "$VAR/supervisor/conf.d/postgres.conf"
	render "$ROOT/supervisor/dh-api.conf.in" "$VAR/supervisor/conf.d/dh-api.conf"
	render "$ROOT/supervisor/nginx.conf.in" "$VAR/supervisor/conf.d/nginx.conf"
	if [ -n "$DH_SIMULATOR" ] && [ -x "$BIN/dh-racing-sim" ] && [ "$DH_WORKERS" != none ]; then
		render "$ROOT/supervisor/dh-racing-sim.conf.in" "$VAR/supervisor/conf.d/dh-racing-sim.conf"
		export RACING_API_BASE_URL="http://127.0.0.1:$DH_SIM_PORT/v1"
		export RACING_API_USERNAME=simulator RACING_API_PASSWORD=simulator
	fi
	WORKER_PROGRAMS=""
	for WORKER in masters live historical statistics; do
		[ -x "$BIN/dh-$WORKER" ] || continue
		case ",$DH_WORKERS," in ,all,|*,$WORKER,*) ;; *) continue ;; esac
		render "$ROOT/supervisor/worker.conf.in" "$VAR/supervisor/conf.d/dh-$WORKER.conf"
		WORKER_PROGRAMS="$WORKER_PROGRAMS${WORKER_PROGRAMS:+,}dh-$WORKER"
	done
	if [ -n "$WORKER_PROGRAMS" ]; then
		render "$ROOT/supervisor/workers.conf.in" "$VAR/supervisor/conf.d/workers.conf"
	fi
	render "$ROOT/nginx/nginx.conf.in" "$VAR/nginx/nginx.conf"
	render "$ROOT/nginx/darkhorses.conf.in" "$VAR/nginx/darkhorses.conf"
	render "$ROOT/nginx/errors.conf.in" "$VAR/nginx/errors.conf"
	render "$ROOT/nginx/locations.conf.in" "$VAR/nginx/locations.conf"
	render "$ROOT/nginx/fastcgi.conf.in" "$VAR/nginx/fastcgi.conf"
	render "$ROOT/nginx/fastcgi_params.conf.in" "$VAR/nginx/fastcgi_params.conf"
	render "$ROOT/nginx/health.conf.in" "$VAR/nginx/health.conf"
	render "$ROOT/nginx/cors.conf.in" "$VAR/nginx/cors.conf"
	rm -f "$VAR/nginx/stream.conf"
	if [ "$DH_PUSH" = on ]; then
		push_settings "$VAR/run"
		render "$ROOT/nginx/push.conf.in" "$VAR/nginx/conf.d/push.conf"
		render "$ROOT/nginx/subscriber.conf.in" "$VAR/nginx/subscriber.conf"
		render "$ROOT/nginx/stream.conf.in" "$VAR/nginx/stream.conf"
	fi
	if [ -n "$DH_HTTPS_PORT" ]; then
		# TLS: plain HTTP redirects, as in a system install (nginx/redirect.conf.in).
		HTTPS_PORT_SUFFIX=":$DH_HTTPS_PORT"
		render "$ROOT/nginx/redirect.conf.in" "$VAR/nginx/conf.d/http.conf"
		render "$ROOT/nginx/https.conf.in" "$VAR/nginx/conf.d/https.conf"
	else
		render "$ROOT/nginx/http.conf.in" "$VAR/nginx/conf.d/http.conf"
	fi
	if [ "$NGINX_OS_USER" != "$(id -un)" ]; then
		chown -R "$NGINX_OS_USER" "$VAR/nginx/tmp" "$VAR/nginx/cache"
	fi
	nginx -t -q -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" 2>&1 | grep -v -e 'could not open error log' -e 'shared memory for nchan' >&2 || true
	nginx -t -q -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" >/dev/null 2>&1 ||
		die "the rendered nginx configuration is invalid (above)"
	export PATH="$BIN:$PATH"
	export DH_HTTP_PORT DH_API_PROCS
}

# dh-api's own environment (supervisord's environment= line): the reader's
# URL, and for the fallback to the primary DATABASE_URL without its
# credentials; never the writer's password or the Racing API credentials
# (set empty, which every program reads as unset).  Without a
# DATABASE_READ_URL (a database of the operator's with no reader given)
# dh-api has only DATABASE_URL to read with, and says so.
api_environment() {
	if [ -n "${DATABASE_READ_URL:-}" ]; then
		api_db=$(printf '%s' "$DATABASE_URL" | sed -e 's|://[^/?#@]*@|://|' \
			-e 's/\([?&]\)password=[^&]*&*/\1/' -e 's/password *= *[^ ]*//')
	else
		say "DATABASE_READ_URL is not set: dh-api reads with DATABASE_URL's credentials (give it the dh_reader role, README)"
		api_db=$DATABASE_URL
	fi
	API_ENV_LINE="environment=DATABASE_URL=\"$(supervisor_quote "$api_db")\",RACING_API_USERNAME=\"\",RACING_API_PASSWORD=\"\""
}

# A value inside supervisord's environment="...": % doubled, no quotes or newlines.
supervisor_quote() {
	case "$1" in *'"'*|*"
"*) die "a database URL holds a quote or a newline" ;; esac
	printf '%s' "$1" | sed 's/%/%%/g'
}

wait_healthy() {
	url="http://127.0.0.1:$DH_HTTP_PORT/health"
	[ "$DH_LISTEN_ADDR" = "127.0.0.1" ] || [ "$DH_LISTEN_ADDR" = "0.0.0.0" ] ||
		url="http://$DH_LISTEN_ADDR:$DH_HTTP_PORT/health"
	i=0
	while [ $i -lt 120 ]; do
		if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null &&
		    ! ctl status | grep -q STARTING; then
			return 0
		fi
		sleep 0.5
		i=$((i + 1))
	done
	say "not healthy after 60 s: see $VAR/log/"
	ctl status >&2 || true
	return 1
}

case "$cmd" in
run)
	prepare
	say "dashboard at http://$DH_LISTEN_ADDR:$DH_HTTP_PORT/  (logs in $VAR/log, Ctrl-C stops everything)"
	exec supervisord -n -c "$CONF"
	;;
start)
	prepare
	supervisord -c "$CONF"
	wait_healthy
	say "running: dashboard at http://$DH_LISTEN_ADDR:$DH_HTTP_PORT/ (make status, make stop)"
	;;
stop)
	load_dotenv
	load_config
	if ! running; then
		say "not running in $VAR"
		exit 0
	fi
	pid=$(cat "$VAR/run/supervisord.pid" 2>/dev/null || true)
	ctl shutdown >/dev/null
	i=0
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	say "stopped"
	;;
status)
	load_dotenv
	load_config
	running || { say "not running in $VAR"; exit 3; }
	ctl status
	;;
ctl)
	load_dotenv
	load_config
	ctl "$@"
	;;
*)
	echo "usage: stack.sh run|start|stop|status|ctl ARGS" >&2
	exit 64
	;;
esac
