#!/bin/sh
# Fails when C code calls a banned function (unbounded or unchecked: use
# snprintf, the buf module, num_parse_long) or formats SQL with %s.
set -eu
cd "$(dirname "$0")/.."
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|gets|atoi|atol|atoll|atof)[[:space:]]*\('
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.c' -o -name '*.h')
[ -n "$files" ] || exit 0
status=0
if echo "$files" | xargs grep -nHE "$banned" | grep -v 'snprintf'; then
	echo "lint: banned functions above" >&2
	status=1
fi
if echo "$files" | xargs grep -nHE 'snprintf\([^;]*"(SELECT|INSERT|UPDATE|DELETE)[^"]*%s'; then
	echo "lint: SQL built with %s above: use \$1 parameters" >&2
	status=1
fi
exit $status
