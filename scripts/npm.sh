#!/bin/sh
# npm: the npm packages a directory pins (its package.json and
# package-lock.json), installed into DIR/node_modules with `npm ci` from the
# npm registry when they are missing or were installed from another lock.
# Install scripts never run: only the packages' files arrive.  Used by make
# (apidocs/: Swagger UI and ReDoc, scripts/apidocs.sh) and by the browser
# tests (tests/browser/setup: playwright-core).
#
#   scripts/npm.sh DIR [NPM_CI_OPTION...]
set -eu

[ $# -ge 1 ] || { echo "usage: scripts/npm.sh DIR [NPM_CI_OPTION...]" >&2; exit 64; }
cd "$1"
shift
# The lock the modules were installed from, beside them.
stamp=node_modules/.dh-package-lock.json
cmp -s package-lock.json "$stamp" 2>/dev/null && exit 0
command -v npm >/dev/null 2>&1 || { echo "npm is missing: run scripts/deps.sh" >&2; exit 1; }
echo "npm: installing $(sed -n 's/^  "name": "\(.*\)",$/\1/p' package.json)'s packages (package-lock.json) into $(pwd)/node_modules" >&2
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error "$@" >&2
cp package-lock.json "$stamp"
