#!/bin/sh
# Checks that programs carry Debian's hardening (dpkg-buildflags with
# hardening=+all, as the Makefile builds them), read from the ELF files
# themselves with readelf:
#
#   PIE            ELF type DYN with the PIE flag (addresses randomised)
#   RELRO, NOW     a GNU_RELRO segment and BIND_NOW: relocations read-only after start
#   stack          __stack_chk_fail referenced (-fstack-protector-strong)
#   fortify        a __*_chk function referenced (-D_FORTIFY_SOURCE=2)
#
#   hardening.sh PROGRAM...    one line per program that lacks any; exit 1 then
set -eu

failed=0
for bin in "$@"; do
	missing=""
	header=$(readelf -h "$bin" 2>/dev/null) || { echo "hardening: $bin: not an ELF file" >&2; failed=1; continue; }
	dynamic=$(readelf -d "$bin")
	segments=$(readelf -lW "$bin")
	symbols=$(readelf --dyn-syms -W "$bin")
	echo "$header" | grep -q 'Type:[[:space:]]*DYN' && echo "$dynamic" | grep -q 'FLAGS_1.*PIE' ||
		missing="$missing PIE"
	echo "$segments" | grep -q 'GNU_RELRO' || missing="$missing RELRO"
	echo "$dynamic" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW' || missing="$missing NOW"
	echo "$symbols" | grep -q '__stack_chk_fail' || missing="$missing stack-protector"
	echo "$symbols" | grep -Ev '__stack_chk_fail' | grep -Eq ' __[a-z0-9_]+_chk(@|$)' || missing="$missing fortify"
	if [ -n "$missing" ]; then
		echo "hardening: $bin lacks:$missing (build with dpkg-buildflags' flags: see the Makefile)" >&2
		failed=1
	fi
done
exit $failed
