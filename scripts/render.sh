# render: the one template renderer, sourced by scripts/stack.sh (the dev
# stack in var/) and scripts/install.sh (the examples of a system install).
#
#   render SRC DST
#
# Copies SRC to DST with every @NAME@ replaced by the value of the shell
# variable NAME (empty values allowed).  A placeholder whose variable is unset
# is an error: the caller's die() is called naming both.  Values may hold any
# character but a newline.
render() {
	src=$1 dst=$2
	mkdir -p "$(dirname "$dst")"
	script=""
	for name in $(grep -o '@[A-Z_][A-Z0-9_]*@' "$src" | tr -d @ | sort -u); do
		eval "isset=\${$name+x}"
		[ -n "$isset" ] || die "$src: no value for @$name@"
		eval "val=\$$name"
		esc=$(printf '%s' "$val" | sed -e 's/[\\|&]/\\&/g')
		script="$script
s|@$name@|$esc|g"
	done
	sed -e "$script" "$src" > "$dst.tmp"
	mv "$dst.tmp" "$dst"
}
