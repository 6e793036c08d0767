#!/bin/sh
# Installs the Debian 12 packages DarkHorses needs (npm packages are not
# Debian's: make fetches the docs pages' from the npm registry,
# scripts/apidocs.sh, and the browser tests theirs, tests/browser/setup).
#
#   deps.sh [run]   what building and running need (make, make run, make start)
#   deps.sh test    that, and what the tests need (make test): a browser,
#                   clang for the fuzzers, wrk, cmocka ...; a server never
#                   gets these because someone ran make
#
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -eu

RUN_PACKAGES="build-essential dpkg-dev pkg-config libfcgi-dev libpq-dev libjansson-dev \
libcurl4-openssl-dev libssl-dev postgresql-15 postgresql-client-15 nginx supervisor curl openssl \
libnginx-mod-nchan redis-server"
TEST_PACKAGES="libcmocka-dev wrk time python3 clang libclang-rt-14-dev chromium nodejs"

case "${1:-run}" in
run) PACKAGES=$RUN_PACKAGES ;;
test) PACKAGES="$RUN_PACKAGES $TEST_PACKAGES" ;;
*) echo "usage: deps.sh [run|test]" >&2; exit 64 ;;
esac
# The build vendors Swagger UI and ReDoc (npm) for /docs and /redoc; the
# browser tests run playwright-core (npm) against Debian's chromium.  npm
# comes with Debian's npm package, or inside a nodejs that provides it.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages; install them with:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q $missing >&2
# The stack runs its own nginx, supervisord and PostgreSQL under var/; stop
# the copies the packages start (the ports they would hold are ours).
if command -v service >/dev/null 2>&1; then
	for s in nginx supervisor postgresql redis-server; do service "$s" stop >/dev/null 2>&1 || true; done
fi
