#!/bin/sh
# `make install`: lays out a system deployment under $DESTDIR$PREFIX.
#
#   bin/dh-*                              the programs given as arguments
#   share/darkhorses/sql/migrations/      what dh-migrate applies (found without --dir)
#   share/darkhorses/static/              the dashboard, assets versioned (scripts/assets.sh),
#                                         and the docs pages in apidocs/ (scripts/apidocs.sh)
#   share/darkhorses/nginx/               what the site file includes
#   share/darkhorses/examples/            nginx-site.conf, supervisor.conf, darkhorses.env, dh-api.env
#
# Everything is rendered for PREFIX from the templates the dev stack uses
# (nginx/, supervisor/), with the system paths below and the defaults of
# dh-config.  Nothing is written outside $DESTDIR$PREFIX; /etc is the
# operator's (README: Deployment on a system nginx and supervisord).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
BUILD_BIN=${BUILD_BIN:-$ROOT/build/bin}

die() { echo "install: $*" >&2; exit 1; }
. "$ROOT/scripts/render.sh"

case "$PREFIX" in /*) ;; *) die "PREFIX must be an absolute path, not \"$PREFIX\"" ;; esac
# The rendered configs hold these paths unquoted (nginx, supervisord).
case "$DESTDIR$PREFIX" in *[[:space:]]*) die "DESTDIR and PREFIX must not contain blanks" ;; esac
[ $# -gt 0 ] || die "usage: install.sh PROGRAM..."

SHARE=$PREFIX/share/darkhorses		# where things are when they run
OUT=$DESTDIR$SHARE			# where they are written now

# Defaults (DH_API_PROCS, DH_API_RATE_LIMIT ...) from dh-config, not from
# whatever the environment or .env of this checkout says; only where the
# dh-api pool listens is taken from the make command line, checked the same
# way: DH_API_LISTEN=IPv4:PORT for the TCP socket of an API host serving
# nginx on other hosts, FCGI_WEB_SERVER_ADDRS for those nginx hosts, and
# DH_API_UPSTREAMS=a:p,b:p for the site file of an nginx host.
defaults=$(env -i PATH="$PATH" DH_API_LISTEN="${DH_API_LISTEN:-}" DH_API_UPSTREAMS="${DH_API_UPSTREAMS:-}" \
	FCGI_WEB_SERVER_ADDRS="${FCGI_WEB_SERVER_ADDRS:-}" DH_CORS_ORIGINS="${DH_CORS_ORIGINS:-}" \
	DH_SERVER_NAME="${DH_SERVER_NAME:-}" DH_API_CACHE="${DH_API_CACHE:-}" \
	"$BUILD_BIN/dh-config") ||
	die "$BUILD_BIN/dh-config refused the settings above (or run make first)"
eval "$defaults"


# The system paths.
BIN=$PREFIX/bin
STATIC_DIR=$SHARE/static
NGINX_CONF_DIR=$SHARE/nginx
NGINX_CACHE_DIR=/var/cache/nginx/darkhorses
NGINX_ACCESS_LOG=/var/log/nginx/darkhorses-access.log
LOG_DIR=/var/log/darkhorses
DH_VAR_DIR=/var/lib/darkhorses
ENV_FILE=/etc/darkhorses/darkhorses.env
API_ENV_FILE=/etc/darkhorses/dh-api.env
DH_LISTEN_ADDR='*'
DH_HTTP_PORT=80
DH_HTTPS_PORT=443
DH_TLS_CERT=/etc/ssl/darkhorses/fullchain.pem
DH_TLS_KEY=/etc/ssl/darkhorses/privkey.pem
DH_API_RATE_BURST=$((DH_API_RATE_LIMIT * 2))
HTTPS_PORT_SUFFIX=""
nginx_cache_zone
cache_key_maps "$BUILD_BIN"
API_SOCKET_OWNER_LINE=socket_owner=darkhorses:www-data
api_sockets "$DH_VAR_DIR/run"
cors_origins
if [ -n "$DH_API_LISTEN" ]; then
	API_PEERS_LINE="FCGI_WEB_SERVER_ADDRS=${FCGI_WEB_SERVER_ADDRS:-CHANGE_ME}"
else
	API_PEERS_LINE="#FCGI_WEB_SERVER_ADDRS="
fi
PROGRAM_USER_LINE=user=darkhorses
PROGRAM_ENV_LINE="environment=DH_ENV_FILE=\"$ENV_FILE\""
API_ENV_LINE="environment=DH_ENV_FILE=\"$API_ENV_FILE\""

install -d "$DESTDIR$BIN" "$OUT/sql/migrations" "$OUT/static" "$OUT/nginx" "$OUT/examples"
install -m 0755 "$@" "$DESTDIR$BIN/"
install -m 0644 "$ROOT"/sql/migrations/*.sql "$OUT/sql/migrations/"
# The dashboard, built with its versioned assets: scripts/assets.sh, run on
# the installed copy, adds this version beside those of earlier installs
# (pages loaded before an upgrade keep finding theirs) and keeps three.
sh "$ROOT/scripts/assets.sh" "$ROOT/static" "$OUT/static" ||
	die "could not lay out the dashboard in $OUT/static"
rm -f "$OUT/static/.version"
# The docs pages (/docs, /redoc) with Swagger UI and ReDoc, as make built
# them (scripts/apidocs.sh).
apidocs=$(dirname "$BUILD_BIN")/static/apidocs
[ -f "$apidocs/.version" ] || die "$apidocs is not built (run make)"
rm -rf "$OUT/static/apidocs"
cp -R "$apidocs" "$OUT/static/apidocs"

push_settings "$DH_VAR_DIR/run"
for f in locations fastcgi fastcgi_params health errors cors stream subscriber; do
	render "$ROOT/nginx/$f.conf.in" "$OUT/nginx/$f.conf"
done

# Examples made of several templates are rendered piece by piece, then joined.
PARTS=$OUT/examples/.parts
mkdir -p "$PARTS"
trap 'rm -rf "$PARTS"' EXIT

# /etc/nginx/sites-available/darkhorses
render "$ROOT/nginx/darkhorses.conf.in" "$PARTS/10-http.conf"
render "$ROOT/nginx/redirect.conf.in" "$PARTS/20-redirect.conf"
render "$ROOT/nginx/https.conf.in" "$PARTS/30-https.conf"
render "$ROOT/nginx/push.conf.in" "$PARTS/40-push.conf"
{
	cat <<-HEAD
	# DarkHorses for the system nginx: copy to /etc/nginx/sites-available/darkhorses
	# and link it from sites-enabled/ (it replaces Debian's default site: both are
	# default_server on port 80).  Edit the certificate paths here; the locations
	# are in $NGINX_CONF_DIR/, rendered by \`make install\`.

	HEAD
	cat "$PARTS/10-http.conf"; echo; cat "$PARTS/20-redirect.conf"; echo; cat "$PARTS/30-https.conf"
	echo; cat "$PARTS/40-push.conf"
} > "$OUT/examples/nginx-site.conf"

# /etc/supervisor/conf.d/darkhorses.conf
render "$ROOT/supervisor/dh-api.conf.in" "$PARTS/10-dh-api.conf"
WORKER_PROGRAMS=""
for dir in "$ROOT"/workers/*/; do
	WORKER=$(basename "$dir")
	render "$ROOT/supervisor/worker.conf.in" "$PARTS/20-dh-$WORKER.conf"
	WORKER_PROGRAMS="$WORKER_PROGRAMS${WORKER_PROGRAMS:+,}dh-$WORKER"
done
render "$ROOT/supervisor/workers.conf.in" "$PARTS/30-workers.conf"
{
	cat <<-HEAD
	; DarkHorses for the system supervisord: copy to /etc/supervisor/conf.d/darkhorses.conf,
	; then \`supervisorctl reread && supervisorctl update\`.  Settings (database URLs,
	; Racing API credentials) are in $ENV_FILE, which each worker reads;
	; dh-api reads its own, $API_ENV_FILE (the reader's credentials only).
	; Logs in $LOG_DIR/, rotated by supervisord.

	HEAD
	for f in "$PARTS"/*-dh-*.conf "$PARTS/30-workers.conf"; do cat "$f"; echo; done
} > "$OUT/examples/supervisor.conf"

# /etc/darkhorses/darkhorses.env (the workers) and dh-api.env (dh-api)
render "$ROOT/supervisor/darkhorses.env.in" "$OUT/examples/darkhorses.env"
render "$ROOT/supervisor/dh-api.env.in" "$OUT/examples/dh-api.env"

chmod 0644 "$OUT"/nginx/*.conf "$OUT"/examples/*
echo "install: $DESTDIR$PREFIX: bin/dh-*, share/darkhorses/{sql,static,nginx,examples}"
