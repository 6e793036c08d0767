#!/bin/sh
# assets: the dashboard as nginx serves it, built from static/ by make (and
# copied by make install).
#
#   scripts/assets.sh SRC DST
#
# Copies SRC to DST, and the assets again to DST/v/VERSION/, VERSION being the
# first 12 hex digits of a hash of every asset but index.html; DST/index.html
# names its stylesheet, script and icon under /v/VERSION/, and the modules'
# relative imports resolve under the same prefix.  nginx lets browsers keep
# /v/ for a year (nginx/locations.conf.in), so a deploy that changes any asset
# changes every asset URL, and a browser never runs last week's script against
# this week's page.  The three newest versions are kept, for pages loaded
# before a deploy.  VERSION is written to DST/.version.
set -eu

KEEP=3

die() {
	echo "assets: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: scripts/assets.sh SRC DST"
src=$1 dst=$2
[ -f "$src/index.html" ] || die "$src/index.html is missing"

version=$(cd "$src" && find . -type f ! -path ./index.html -exec sha256sum {} + |
	LC_ALL=C sort -k 2 | sha256sum | cut -c 1-12)

mkdir -p "$dst/v"
# The assets unversioned (for anyone who asks for /css/app.css) ...
(cd "$src" && find . -type f ! -path ./index.html) | while IFS= read -r f; do
	mkdir -p "$dst/$(dirname "$f")"
	cp "$src/$f" "$dst/$f.new" && mv "$dst/$f.new" "$dst/$f"
done
# ... and under their version, written once and never changed.
if [ ! -d "$dst/v/$version" ]; then
	rm -rf "$dst/v/$version.new"
	mkdir "$dst/v/$version.new"
	(cd "$src" && tar cf - --exclude ./index.html .) | (cd "$dst/v/$version.new" && tar xf -)
	mv "$dst/v/$version.new" "$dst/v/$version"
fi
touch "$dst/v/$version"

sed -e "s#\\(href\\|src\\)=\"/\\(css\\|js\\)/#\\1=\"/v/$version/\\2/#g" \
    -e "s#href=\"/favicon.svg\"#href=\"/v/$version/favicon.svg\"#" \
    "$src/index.html" > "$dst/index.html.new"
grep -q "src=\"/v/$version/js/" "$dst/index.html.new" ||
	die "$src/index.html names no script under /js/: nothing to version"
mv "$dst/index.html.new" "$dst/index.html"
printf '%s\n' "$version" > "$dst/.version"

# Older versions beyond the newest $KEEP go.
ls -1t "$dst/v" | grep -E '^[0-9a-f]{12}$' | tail -n +$((KEEP + 1)) | while IFS= read -r old; do
	rm -rf "$dst/v/$old"
done
