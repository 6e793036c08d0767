/*
 * dh-config: validates the environment exactly as every program will
 * (cfg_load), and the web front's settings that only the stack uses
 * (cfg_load_web: nginx's ports, TLS files, listen address and upstreams),
 * and prints the effective settings (defaults filled in) as shell
 * assignments, one per line, single-quoted, for scripts/stack.sh to read.
 * A bad value is one message on stderr and exit 78, before anything starts.
 * A setting of the original DarkHorses that means nothing here is a warning
 * on stderr naming what to set instead (cfg_log_unused).
 */
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "clock.h"

static void
put(const char *name, const char *value)
{
	printf("%s='", name);
	for (const char *p = value ? value : ""; *p != '\0'; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	puts("'");
}

static void
put_int(const char *name, int value)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", value);
	put(name, value ? v : "");
}

int
main(void)
{
	static const char *const levels[] = { "debug", "info", "warn", "error" };
	struct cfg_web w;
	struct cfg c;
	char err[512], now[32] = "";

	if (cfg_load(&c, err, sizeof(err)) < 0 || cfg_load_web(&w, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "configuration error: %s\n", err);
		return CFG_EXIT_CONFIG;
	}
	log_init("dh-config", c.log_level);
	cfg_log_unused();
	if (c.has_now)
		clock_format_instant(c.now, now, sizeof(now));
	put("DATABASE_URL", c.database_url);
	put("DATABASE_READ_URL", c.database_read_url);
	put("RACING_API_BASE_URL", c.racing_api_base_url);
	put("DH_REGIONS", c.regions);
	put("DH_WORKERS", c.workers);
	put_int("DH_HTTP_PORT", w.http_port);
	put_int("DH_HTTPS_PORT", w.https_port);
	put("DH_TLS_CERT", w.tls_cert);
	put("DH_TLS_KEY", w.tls_key);
	put_int("DH_SIM_PORT", c.sim_port);
	put_int("DH_API_PROCS", w.api_procs);
	put_int("DH_API_RATE_LIMIT", w.api_rate_limit);
	put_int("DH_API_CONN_LIMIT", w.api_conn_limit);
	put("DH_API_CACHE", w.api_cache ? "on" : "off");
	put("DH_SERVER_NAME", w.server_name);
	put("DH_QUERY_HEADERS", c.query_headers ? "on" : "off");
	put("DH_LISTEN_ADDR", w.listen_addr);
	put("DH_API_LISTEN", w.api_listen);
	put("DH_API_UPSTREAMS", w.api_upstreams);
	put("FCGI_WEB_SERVER_ADDRS", c.fcgi_web_server_addrs);
	put("DH_CORS_ORIGINS", w.cors_origins);
	put("DH_VAR_DIR", c.var_dir);
	put("DH_PUSH", c.push ? "on" : "off");
	put("DH_PUSH_SOCKET", c.push_socket);
	put_int("DH_STREAM_CLIENT_LIMIT", w.stream_client_limit);
	put_int("DH_STREAM_MAX", w.stream_max);
	put("DH_PUSH_REDIS_URL", w.push_redis_url);
	put("LOG_LEVEL", levels[c.log_level]);
	put("DH_NOW", now);
	put("DH_NOW_RUNS", c.now_runs ? "on" : "off");
	put("DH_SIMULATOR", c.racing_api_base_url == NULL && c.racing_api_username == NULL ? "1" : "");
	return 0;
}
