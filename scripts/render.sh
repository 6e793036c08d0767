# render: the one template renderer (and api_sockets, the values of the
# templates that place the dh-api pool), sourced by scripts/stack.sh (the dev
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

# The values of the templates that say where the dh-api pool listens, for the
# dev stack and a system install alike:
#
#   api_sockets RUN_DIR
#
# API_SOCKET is the unix socket RUN_DIR/dh-api.sock, or DH_API_LISTEN over TCP
# for an nginx on another host (then without the socket's owner and mode
# lines); API_UPSTREAM_SERVERS is where nginx sends API requests:
# DH_API_UPSTREAMS, by default the local pool.
api_sockets() {
	if [ -n "${DH_API_LISTEN:-}" ]; then
		API_SOCKET="tcp://$DH_API_LISTEN"
		API_SOCKET_OWNER_LINE=""
		API_SOCKET_MODE_LINE=""
		local_api=$DH_API_LISTEN
	else
		API_SOCKET="unix://$1/dh-api.sock"
		API_SOCKET_MODE_LINE="socket_mode=0660"
		local_api="unix:$1/dh-api.sock"
	fi
	API_UPSTREAM_SERVERS=""
	set -f	# a unix: path may hold a '*'
	for server in $(printf '%s' "${DH_API_UPSTREAMS:-$local_api}" | tr ',' ' '); do
		API_UPSTREAM_SERVERS="${API_UPSTREAM_SERVERS}server $server; "
	done
	set +f
}

# The values of the templates that carry DH_CORS_ORIGINS (checked by
# dh-config: "*" or origins such as https://a.example, comma separated) into
# nginx's map (nginx/darkhorses.conf.in, nginx/cors.conf.in):
#
#   cors_origins
#
# "*": every answer carries Access-Control-Allow-Origin: *, whatever the
# Origin.  A list: the Origin echoed when listed, and Vary: Origin always.
cors_origins() {
	DH_CORS_ORIGIN_ENTRIES=""
	if [ "${DH_CORS_ORIGINS:-*}" = "*" ]; then
		DH_CORS_DEFAULT="*"
		DH_CORS_VARY=""
		return 0
	fi
	DH_CORS_DEFAULT=""
	DH_CORS_VARY="Origin"
	for origin in $(printf '%s' "$DH_CORS_ORIGINS" | tr ',' ' '); do
		DH_CORS_ORIGIN_ENTRIES="${DH_CORS_ORIGIN_ENTRIES}\"$origin\" \$http_origin; "
	done
}

# The values of the live-push templates (nginx/push.conf.in, stream.conf.in):
#
#   push_settings RUN_DIR
#
# DH_PUSH_SOCKET, the publisher's unix socket, by default RUN_DIR/dh-push.sock
# (where the workers look, shared/cfg.c); with DH_PUSH_REDIS_URL, nchan's
# Redis (every nginx host sharing it sees every publish): PUSH_REDIS_UPSTREAM
# names the server, PUSH_STORAGE makes the locations use it; both empty for
# nginx's own shared memory.
push_settings() {
	DH_PUSH_SOCKET=${DH_PUSH_SOCKET:-$1/dh-push.sock}
	if [ -n "${DH_PUSH_REDIS_URL:-}" ]; then
		PUSH_REDIS_UPSTREAM="upstream dh_push_redis { nchan_redis_server $DH_PUSH_REDIS_URL; }"
		PUSH_STORAGE="nchan_redis_pass dh_push_redis;"
	else
		PUSH_REDIS_UPSTREAM=""
		PUSH_STORAGE=""
	fi
}

# The maps of the micro-cache's key that dh-api's routes make
# (nginx/darkhorses.conf.in), as the dh-api binary in BIN_DIR prints them
# from its route table (fcgi-api/cachekey.c):
#
#   cache_key_maps BIN_DIR
cache_key_maps() {
	DH_CACHE_KEY_MAPS=$("$1/dh-api" --cache-key-map) ||
		die "$1/dh-api --cache-key-map failed (run make first)"
}

# The micro-cache zone for fastcgi.conf: dh_api, or off with DH_API_CACHE=off
# (a benchmark stack measuring the uncached path).
nginx_cache_zone() {
	case "${DH_API_CACHE:-on}" in
	off) DH_API_CACHE_ZONE=off ;;
	*) DH_API_CACHE_ZONE=dh_api ;;
	esac
}
