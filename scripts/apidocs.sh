#!/bin/sh
# apidocs: the API's docs pages as nginx serves them (/docs: Swagger UI,
# /redoc: ReDoc, both reading /openapi.json), built by make and by make
# install from apidocs/: our pages, their script and style, and from the npm
# packages apidocs/package-lock.json pins (scripts/npm.sh) only the files
# the pages load, with the packages' licences.  Nothing is loaded from
# elsewhere at run time (nginx/locations.conf.in sends a CSP that says so).
#
#   scripts/apidocs.sh SRC DST
#
# DST is replaced whole; DST/.version names the packages' versions.
set -eu

die() { echo "apidocs: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: scripts/apidocs.sh SRC DST"
src=$1 dst=$2
[ -f "$src/package-lock.json" ] || die "$src/package-lock.json is missing"
# React and the rest that ReDoc names as peers are inside its standalone bundle.
"$(dirname "$0")/npm.sh" "$src" --omit=peer || die "could not install the npm packages of $src"
mod=$src/node_modules

version() {
	sed -n 's/^  "version": "\(.*\)",$/\1/p' "$mod/$1/package.json"
}

# A vendored script without its source map comment (the map is not shipped).
copy_js() {
	[ -f "$1" ] || die "$1 is missing"
	sed -e '/^\/\/# sourceMappingURL=/d' "$1" > "$2"
}

rm -rf "$dst.new"
mkdir -p "$dst.new/swagger-ui" "$dst.new/redoc"
copy_js "$mod/swagger-ui-dist/swagger-ui-bundle.js" "$dst.new/swagger-ui/swagger-ui-bundle.js"
cp "$mod/swagger-ui-dist/swagger-ui.css" "$mod/swagger-ui-dist/LICENSE" "$mod/swagger-ui-dist/NOTICE" \
	"$dst.new/swagger-ui/"
sed -i -e '/sourceMappingURL=/d' "$dst.new/swagger-ui/swagger-ui.css"
copy_js "$mod/redoc/bundles/redoc.standalone.js" "$dst.new/redoc/redoc.standalone.js"
# ReDoc's menu shows Redocly's logo from its CDN: a blank local image instead.
cdn_logo=https://cdn.redoc.ly/redoc/logo-mini.svg
grep -q "$cdn_logo" "$dst.new/redoc/redoc.standalone.js" || die "ReDoc no longer names $cdn_logo: check what it loads"
sed -i -e "s#$cdn_logo#/apidocs/redoc/logo-mini.svg#" "$dst.new/redoc/redoc.standalone.js"
printf '%s\n' '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>' > "$dst.new/redoc/logo-mini.svg"
cp "$mod/redoc/LICENSE" "$mod/redoc/bundles/redoc.standalone.js.LICENSE.txt" "$dst.new/redoc/"
cp "$src/docs.html" "$src/redoc.html" "$src/docs.js" "$src/docs.css" "$dst.new/"
printf 'swagger-ui-dist %s\nredoc %s\n' "$(version swagger-ui-dist)" "$(version redoc)" > "$dst.new/.version"

rm -rf "$dst.old"
[ -d "$dst" ] && mv "$dst" "$dst.old"
mv "$dst.new" "$dst"
rm -rf "$dst.old"
