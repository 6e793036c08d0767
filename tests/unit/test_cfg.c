/*
 * Unit tests for shared/cfg: defaults, every variable's bad values, TLS,
 * DH_NOW.  load_ok and load_fails check what dh-config checks (cfg_load,
 * then cfg_load_web into web); test_web_settings_not_programs that a
 * program's cfg_load ignores the web front's settings.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "clock.h"

extern char **environ;

/* Unsets every variable cfg_load reads, so the host's environment cannot leak in. */
static int
clear_env(void **state)
{
	static const char *const prefixes[] = { "DH_", "RACING_", "DATABASE_", "LOG_LEVEL=", "FCGI_",
		"SUPABASE_", "SESSION_POOLER=", "TRANSACTION_POOLER=", "PORT=" };
	int again = 1;

	(void)state;
	while (again) {
		again = 0;
		for (char **e = environ; *e != NULL && !again; e++) {
			for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
				char name[256];
				size_t n = strcspn(*e, "=");

				if (strncmp(*e, prefixes[i], strlen(prefixes[i])) != 0 || n >= sizeof(name))
					continue;
				memcpy(name, *e, n);
				name[n] = '\0';
				assert_int_equal(unsetenv(name), 0);
				again = 1;
				break;
			}
		}
	}
	return 0;
}

static void
set(const char *name, const char *value)
{
	assert_int_equal(setenv(name, value, 1), 0);
}

/* The web front's settings of the last load_ok. */
static struct cfg_web web;

static void
load_ok(struct cfg *c)
{
	char err[512] = "";

	if (cfg_load(c, err, sizeof(err)) != 0)
		fail_msg("cfg_load failed: %s", err);
	if (cfg_load_web(&web, c, err, sizeof(err)) != 0)
		fail_msg("cfg_load_web failed: %s", err);
}

/* cfg_load, or else cfg_load_web, must fail with a message containing every part given. */
static void
load_fails(const char *part1, const char *part2)
{
	struct cfg_web w;
	struct cfg c;
	char err[512] = "";

	if (cfg_load(&c, err, sizeof(err)) != -1 && cfg_load_web(&w, &c, err, sizeof(err)) != -1)
		fail_msg("accepted, expected an error about %s %s", part1, part2 ? part2 : "");
	assert_contains(err, part1);
	if (part2 != NULL)
		assert_contains(err, part2);
	assert_not_contains(err, "\n");
}

/* Setting name to value alone fails, naming the variable and quoting the value. */
static void
bad_value(const char *name, const char *value)
{
	char quoted[256];

	snprintf(quoted, sizeof(quoted), "\"%s\"", value);
	set(name, value);
	load_fails(name, quoted);
	assert_int_equal(unsetenv(name), 0);
}

/* Temporary files of the running test, removed by its teardown. */
static char temp_paths[3][32];

static int
remove_temp_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(temp_paths) / sizeof(temp_paths[0]); i++) {
		if (temp_paths[i][0] != '\0')
			unlink(temp_paths[i]);
		temp_paths[i][0] = '\0';
	}
	return 0;
}

/* Makes temporary file number slot holding text; returns its name. */
static const char *
temp_file(int slot, const char *text)
{
	char *path = temp_paths[slot];
	int fd;

	snprintf(path, sizeof(temp_paths[slot]), "/tmp/dh-test-cfg-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Both NULL, or equal strings. */
#define assert_str_or_null(a, b) do { \
	if ((b) == NULL) \
		assert_null(a); \
	else \
		assert_string_equal((a), (b)); \
} while (0)

/* Compares every field cfg_load and cfg_load_web set with want and want_web. */
static void
check_cfg(const struct cfg *c, const struct cfg *want, const struct cfg_web *want_web)
{
	const struct cfg_web *w = &web;

	assert_str_or_null(c->database_url, want->database_url);
	assert_str_or_null(c->database_read_url, want->database_read_url);
	assert_str_or_null(c->racing_api_base_url, want->racing_api_base_url);
	assert_str_or_null(c->racing_api_username, want->racing_api_username);
	assert_str_or_null(c->racing_api_password, want->racing_api_password);
	assert_true(c->racing_api_rate == want->racing_api_rate);
	assert_string_equal(c->regions, want->regions);
	assert_int_equal(w->http_port, want_web->http_port);
	assert_int_equal(w->https_port, want_web->https_port);
	assert_str_or_null(w->tls_cert, want_web->tls_cert);
	assert_str_or_null(w->tls_key, want_web->tls_key);
	assert_int_equal(c->sim_port, want->sim_port);
	assert_int_equal(w->api_procs, want_web->api_procs);
	assert_int_equal(w->api_rate_limit, want_web->api_rate_limit);
	assert_string_equal(w->listen_addr, want_web->listen_addr);
	assert_string_equal(w->cors_origins, want_web->cors_origins);
	assert_string_equal(c->var_dir, want->var_dir);
	assert_int_equal(c->log_level, want->log_level);
	assert_int_equal(c->has_now, want->has_now);
}

static const struct cfg defaults = {
	.racing_api_rate = 2.0,
	.regions = "gb,ire",
	.sim_port = 8089,
	.var_dir = "var",
	.log_level = LOG_INFO,
};

static const struct cfg_web web_defaults = {
	.http_port = 8080,
	.api_procs = 4,
	.api_rate_limit = 50,
	.listen_addr = "127.0.0.1",
	.cors_origins = "*",
};

static void
test_defaults(void **state)
{
	struct cfg c;

	(void)state;
	load_ok(&c);
	check_cfg(&c, &defaults, &web_defaults);
}

/* An empty variable counts as unset. */
static void
test_empty_is_unset(void **state)
{
	static const char *const names[] = {
		"DATABASE_URL", "RACING_API_RATE", "DH_REGIONS", "DH_HTTP_PORT", "DH_HTTPS_PORT",
		"DH_TLS_CERT", "DH_LISTEN_ADDR", "LOG_LEVEL", "DH_NOW", "RACING_API_USERNAME",
	};
	struct cfg c;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		set(names[i], "");
	load_ok(&c);
	check_cfg(&c, &defaults, &web_defaults);
}

static void
test_values_read(void **state)
{
	const struct cfg want = {
		.database_url = "postgresql://dh@localhost/dh",
		.database_read_url = "host=/tmp dbname=dh",
		.racing_api_base_url = "https://api.example.com/v1",
		.racing_api_username = "user",
		.racing_api_password = "secret",
		.racing_api_rate = 0.5,
		.regions = "gb,ire,fr",
		.sim_port = 9001,
		.var_dir = "/srv/dh/var",
		.log_level = LOG_DEBUG,
	};
	const struct cfg_web want_web = {
		.http_port = 9000,
		.api_procs = 64,
		.api_rate_limit = 1000000,
		.listen_addr = "0.0.0.0",
		.cors_origins = "https://odds.example.com,http://localhost:3000",
	};
	struct cfg c;

	(void)state;
	set("DATABASE_URL", want.database_url);
	set("DATABASE_READ_URL", want.database_read_url);
	set("RACING_API_BASE_URL", want.racing_api_base_url);
	set("RACING_API_USERNAME", want.racing_api_username);
	set("RACING_API_PASSWORD", want.racing_api_password);
	set("RACING_API_RATE", "0.5");
	set("DH_REGIONS", "GB,ire,Fr");
	set("DH_HTTP_PORT", "9000");
	set("DH_SIM_PORT", "9001");
	set("DH_API_PROCS", "64");
	set("DH_API_RATE_LIMIT", "1000000");
	set("DH_LISTEN_ADDR", want_web.listen_addr);
	set("DH_CORS_ORIGINS", "https://Odds.Example.com,http://localhost:3000");
	set("DH_VAR_DIR", want.var_dir);
	set("LOG_LEVEL", "debug");
	load_ok(&c);
	check_cfg(&c, &want, &want_web);
}

/* The original's LOG_LEVEL values (Python logging's names, any case) are accepted. */
static void
test_log_level_original(void **state)
{
	static const struct {
		const char     *value;
		enum log_level  level;
	} levels[] = {
		{ "INFO", LOG_INFO }, { "DEBUG", LOG_DEBUG }, { "WARNING", LOG_WARN }, { "Warn", LOG_WARN },
		{ "ERROR", LOG_ERROR }, { "CRITICAL", LOG_ERROR }, { "debug", LOG_DEBUG }, { "NOTSET", LOG_DEBUG },
	};
	struct cfg c;

	(void)state;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		set("LOG_LEVEL", levels[i].value);
		load_ok(&c);
		if (c.log_level != levels[i].level)
			fail_msg("LOG_LEVEL=%s read as %d", levels[i].value, (int)c.log_level);
	}
}

/*
 * The original's variables that mean nothing here are named, each with what
 * to set instead, and never stop a program.
 */
static void
test_original_unused(void **state)
{
	static const char *const names[] = { "SUPABASE_URL", "SUPABASE_SERVICE_KEY", "SESSION_POOLER",
		"TRANSACTION_POOLER", "PORT" };
	const char *name, *instead;
	struct cfg c;
	size_t i, n;

	(void)state;
	assert_int_equal(cfg_unused(0, &name, &instead), 0);
	set("SUPABASE_URL", "https://x.supabase.co");
	set("SUPABASE_SERVICE_KEY", "key");
	set("SESSION_POOLER", "postgresql://pooler/db");
	set("TRANSACTION_POOLER", "postgresql://pooler:6543/db");
	set("PORT", "10000");
	load_ok(&c);
	assert_null(c.database_url);
	assert_int_equal(web.http_port, 8080);
	for (i = 0, n = 0; (i = cfg_unused(i, &name, &instead)) != 0; n++) {
		assert_string_equal(name, names[n]);
		assert_contains(instead, n == 4 ? "DH_HTTP_PORT" : "DATABASE_URL");
	}
	assert_int_equal(n, 5);
}

static void
test_listen_addr_forms(void **state)
{
	static const char *const good[] = { "127.0.0.1", "0.0.0.0", "*", "[::1]", "[::]", "[fe80::1]" };
	struct cfg c;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		set("DH_LISTEN_ADDR", good[i]);
		load_ok(&c);
		assert_string_equal(web.listen_addr, good[i]);
	}
}

static void
test_bad_urls(void **state)
{
	(void)state;
	bad_value("DATABASE_URL", "mysql://localhost/dh");
	bad_value("DATABASE_URL", "localhost");
	bad_value("DATABASE_READ_URL", "http://localhost/dh");
	bad_value("RACING_API_BASE_URL", "ftp://api.example.com");
	bad_value("RACING_API_BASE_URL", "api.example.com");
}

static void
test_bad_rate(void **state)
{
	static const char *const bad[] = { "0", "-1", "abc", "101", "nan", "inf", "2x", " 2", "1e3", "0x" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_value("RACING_API_RATE", bad[i]);
}

static void
test_bad_regions(void **state)
{
	static const char *const bad[] = {
		"gb,,ire", "gb,", ",gb", ",", "g b", "gb;ire", "gb1", "abcdefghi", "gb,ire ",
		"gb,ire,fr,de,it,es,us,au,nz,za,jp,hk,sg,ae,sa,qa,bh,kw,om,in,pk,lk",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_value("DH_REGIONS", bad[i]);
}

static void
test_bad_ports_and_counts(void **state)
{
	static const char *const ports[] = { "0", "65536", "80x", "-1", "abc", " 80", "80 ", "1e3",
		"99999999999999999999" };
	static const char *const vars[] = { "DH_HTTP_PORT", "DH_HTTPS_PORT", "DH_SIM_PORT" };

	(void)state;
	for (size_t v = 0; v < sizeof(vars) / sizeof(vars[0]); v++)
		for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
			bad_value(vars[v], ports[i]);
	bad_value("DH_API_PROCS", "0");
	bad_value("DH_API_PROCS", "65");
	bad_value("DH_API_PROCS", "four");
	bad_value("DH_API_RATE_LIMIT", "0");
	bad_value("DH_API_RATE_LIMIT", "1000001");
	bad_value("DH_API_RATE_LIMIT", "5.5");
}

static void
test_bad_listen_addr(void **state)
{
	static const char *const bad[] = {
		"localhost", "cafe", "dead:beef", "::1", "[::1", "::1]", "[1.2.3.4]", "1.2.3",
		"256.0.0.1", "127.0.0.1 ", "1.2.3.4:80", "[::1]:80", "**", "[]", ":::",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_value("DH_LISTEN_ADDR", bad[i]);
}

/* Several API hosts: where the pool listens, nginx's upstreams, allowed peers. */
static void
test_api_hosts(void **state)
{
	static const char *const listen_good[] = { "127.0.0.2:9000", "0.0.0.0:9000" };
	static const char *const listen_bad[] = {
		"9000", ":9000", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "localhost:9000",
		"*:9000", "::1:9000", "[::1]", "[::1]:9000", "127.0.0.1:90x", "unix:/run/dh.sock",
	};
	static const char *const upstream_good[] = {
		"127.0.0.2:9000", "10.0.0.5:9000,10.0.0.6:9000", "unix:/run/darkhorses/dh-api.sock",
		"[::1]:9000,unix:/tmp/a.sock",
	};
	static const char *const upstream_bad[] = {
		"10.0.0.5:9000,", ",10.0.0.5:9000", "10.0.0.5", "api1:9000", "unix:relative.sock",
		"unix:/a b.sock", "unix:/a;b", "10.0.0.5:9000;10.0.0.6:9000",
	};
	static const char *const peers_bad[] = { "::1", "10.0.0.2,", "10.0.0.2;10.0.0.3", "nginx1", "10.0.0.0/24" };
	struct cfg c;

	(void)state;
	load_ok(&c);
	assert_null(web.api_listen);
	assert_null(web.api_upstreams);
	assert_null(c.fcgi_web_server_addrs);
	for (size_t i = 0; i < sizeof(listen_good) / sizeof(listen_good[0]); i++) {
		set("DH_API_LISTEN", listen_good[i]);
		load_ok(&c);
		assert_string_equal(web.api_listen, listen_good[i]);
	}
	assert_int_equal(unsetenv("DH_API_LISTEN"), 0);
	for (size_t i = 0; i < sizeof(listen_bad) / sizeof(listen_bad[0]); i++)
		bad_value("DH_API_LISTEN", listen_bad[i]);
	for (size_t i = 0; i < sizeof(upstream_good) / sizeof(upstream_good[0]); i++) {
		set("DH_API_UPSTREAMS", upstream_good[i]);
		load_ok(&c);
		assert_string_equal(web.api_upstreams, upstream_good[i]);
	}
	assert_int_equal(unsetenv("DH_API_UPSTREAMS"), 0);
	for (size_t i = 0; i < sizeof(upstream_bad) / sizeof(upstream_bad[0]); i++)
		bad_value("DH_API_UPSTREAMS", upstream_bad[i]);
	set("FCGI_WEB_SERVER_ADDRS", "10.0.0.2,10.0.0.3");
	load_ok(&c);
	assert_string_equal(c.fcgi_web_server_addrs, "10.0.0.2,10.0.0.3");
	assert_int_equal(unsetenv("FCGI_WEB_SERVER_ADDRS"), 0);
	for (size_t i = 0; i < sizeof(peers_bad) / sizeof(peers_bad[0]); i++)
		bad_value("FCGI_WEB_SERVER_ADDRS", peers_bad[i]);
}

/* DH_CORS_ORIGINS: * or origins as browsers send them; anything else is refused. */
static void
test_cors_origins(void **state)
{
	static const char *const good[] = {
		"*", "https://example.com", "http://localhost:3000,https://a.example.org",
		"http://127.0.0.1:8080", "http://[::1]:3000", "https://x-y.example.co.uk",
	};
	static const char *const bad[] = {
		"**", "example.com", "https://example.com/", "https://example.com/path", "ftp://example.com",
		"https://", "https://a.example,", ",https://a.example", "https://a.example;", "https://a b",
		"https://a.example:0", "https://a.example:99999", "http://[::1", "https://\"a\"", "*,https://a.example",
		"https://-a.example",
	};
	struct cfg c;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		set("DH_CORS_ORIGINS", good[i]);
		load_ok(&c);
		assert_string_equal(web.cors_origins, good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_value("DH_CORS_ORIGINS", bad[i]);
}

/* Live push: DH_PUSH on/off, the socket path, the stream limits, nchan's Redis. */
static void
test_push(void **state)
{
	static const char *const redis_good[] = { "redis://127.0.0.1:6379", "redis://10.0.0.9:6380/2",
		"redis://[::1]:6379" };
	static const char *const redis_bad[] = { "127.0.0.1:6379", "redis://", "redis://localhost:6379",
		"redis://127.0.0.1", "redis://127.0.0.1:6379/16", "redis://127.0.0.1:6379/x", "http://127.0.0.1:6379" };
	struct cfg c;

	(void)state;
	load_ok(&c);
	assert_int_equal(c.push, 1);
	assert_null(c.push_socket);
	assert_int_equal(web.stream_client_limit, 16);
	assert_int_equal(web.stream_max, 10000);
	assert_null(web.push_redis_url);
	set("DH_PUSH", "OFF");
	load_ok(&c);
	assert_int_equal(c.push, 0);
	set("DH_PUSH", "on");
	set("DH_PUSH_SOCKET", "/run/darkhorses/push.sock");
	set("DH_STREAM_CLIENT_LIMIT", "2000");
	load_ok(&c);
	assert_int_equal(c.push, 1);
	assert_string_equal(c.push_socket, "/run/darkhorses/push.sock");
	assert_int_equal(web.stream_client_limit, 2000);
	for (size_t i = 0; i < sizeof(redis_good) / sizeof(redis_good[0]); i++) {
		set("DH_PUSH_REDIS_URL", redis_good[i]);
		load_ok(&c);
		assert_string_equal(web.push_redis_url, redis_good[i]);
	}
	for (size_t i = 0; i < sizeof(redis_bad) / sizeof(redis_bad[0]); i++)
		bad_value("DH_PUSH_REDIS_URL", redis_bad[i]);
	bad_value("DH_PUSH", "maybe");
	bad_value("DH_PUSH_SOCKET", "relative/push.sock");
	bad_value("DH_PUSH_SOCKET", "/a b/push.sock");
	bad_value("DH_STREAM_CLIENT_LIMIT", "0");
	bad_value("DH_STREAM_MAX", "lots");
}

static void
test_bad_log_level_and_now(void **state)
{
	(void)state;
	bad_value("LOG_LEVEL", "verbose");
	bad_value("LOG_LEVEL", "INFO ");
	bad_value("DH_NOW", "2025-10-14");
	bad_value("DH_NOW", "2025-10-14T13:30:00");
	bad_value("DH_NOW", "yesterday");
	bad_value("DH_NOW", "2025-02-29T13:30:00Z");
	assert_int_equal(clock_has_override(), 0);
}

/* Pairs and clashes name both variables. */
static void
test_combinations(void **state)
{
	(void)state;
	set("RACING_API_USERNAME", "user");
	load_fails("RACING_API_USERNAME", "RACING_API_PASSWORD");
	assert_int_equal(unsetenv("RACING_API_USERNAME"), 0);
	set("RACING_API_PASSWORD", "secret");
	load_fails("RACING_API_USERNAME", "RACING_API_PASSWORD");
	assert_int_equal(unsetenv("RACING_API_PASSWORD"), 0);

	/* Credentials over plain http: only to the loopback (the simulator). */
	set("RACING_API_USERNAME", "user");
	set("RACING_API_PASSWORD", "secret");
	set("RACING_API_BASE_URL", "http://api.example.com/v1");
	load_fails("RACING_API_BASE_URL", "https");
	set("RACING_API_BASE_URL", "http://127.0.0.1.example.com/v1");
	load_fails("RACING_API_BASE_URL", "https");
	set("RACING_API_BASE_URL", "http://localhost.example.com:80/v1");
	load_fails("RACING_API_BASE_URL", "https");
	{
		static const char *const ok[] = { "https://api.example.com/v1", "http://127.0.0.1:8089/v1",
		    "http://127.0.0.2/v1", "http://localhost:8089/v1", "http://[::1]:8089/v1" };
		struct cfg c;

		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
			set("RACING_API_BASE_URL", ok[i]);
			load_ok(&c);
		}
	}
	assert_int_equal(unsetenv("RACING_API_USERNAME"), 0);
	assert_int_equal(unsetenv("RACING_API_PASSWORD"), 0);
	set("RACING_API_BASE_URL", "http://api.example.com/v1");
	{
		struct cfg c;

		load_ok(&c);	/* no credentials to leak */
	}
	assert_int_equal(unsetenv("RACING_API_BASE_URL"), 0);
	/* A bad DATABASE_URL is quoted without its password. */
	set("DATABASE_URL", "mysql://dh_writer:hunter2@db/darkhorses");
	load_fails("DATABASE_URL", "\"mysql://***@db/darkhorses\"");
	assert_int_equal(unsetenv("DATABASE_URL"), 0);

	set("DH_SIM_PORT", "8080");
	load_fails("DH_SIM_PORT", "DH_HTTP_PORT");
	set("DH_HTTP_PORT", "9090");
	set("DH_SIM_PORT", "9090");
	load_fails("DH_SIM_PORT", "9090");
}

static void
test_tls(void **state)
{
	const char *cert = temp_file(0, "-----BEGIN CERTIFICATE-----\n");
	const char *key = temp_file(1, "-----BEGIN PRIVATE KEY-----\n");
	const char *empty = temp_file(2, "");
	struct cfg c;

	(void)state;

	/* Files without the port. */
	set("DH_TLS_CERT", cert);
	load_fails("DH_TLS_CERT", "DH_HTTPS_PORT");
	assert_int_equal(unsetenv("DH_TLS_CERT"), 0);
	set("DH_TLS_KEY", key);
	load_fails("DH_TLS_KEY", "DH_HTTPS_PORT");
	assert_int_equal(unsetenv("DH_TLS_KEY"), 0);

	/* The port without files. */
	set("DH_HTTPS_PORT", "8443");
	load_fails("DH_HTTPS_PORT", "DH_TLS_CERT");
	set("DH_TLS_CERT", cert);
	load_fails("DH_HTTPS_PORT", "DH_TLS_KEY");

	/* Both readable: fine. */
	set("DH_TLS_KEY", key);
	load_ok(&c);
	assert_int_equal(web.https_port, 8443);
	assert_string_equal(web.tls_cert, cert);
	assert_string_equal(web.tls_key, key);

	/* Missing, a directory, or empty: not a usable file. */
	bad_value("DH_TLS_CERT", "/nonexistent/dh-test.pem");
	bad_value("DH_TLS_CERT", "/tmp");
	set("DH_TLS_CERT", cert);
	bad_value("DH_TLS_KEY", "/nonexistent/dh-test.key");
	bad_value("DH_TLS_KEY", empty);
	set("DH_TLS_KEY", key);

	/* The port must differ from the others. */
	set("DH_HTTPS_PORT", "8080");
	load_fails("DH_HTTPS_PORT", "DH_HTTP_PORT");
	set("DH_HTTPS_PORT", "8089");
	load_fails("DH_HTTPS_PORT", "DH_SIM_PORT");
}

/*
 * A program's cfg_load ignores the web front's settings: a missing TLS key or
 * a bad upstream list stops dh-config (cfg_load_web), not a worker.
 */
static void
test_web_settings_not_programs(void **state)
{
	struct cfg_web w;
	struct cfg c;
	char err[512] = "";

	(void)state;
	set("DH_HTTPS_PORT", "8443");
	set("DH_TLS_CERT", "/nonexistent/dh-test.pem");
	set("DH_TLS_KEY", "/nonexistent/dh-test.key");
	set("DH_API_UPSTREAMS", "api1:9000");
	set("DH_LISTEN_ADDR", "localhost");
	set("DH_HTTP_PORT", "8089");	/* the simulator's port */
	set("DH_CORS_ORIGINS", "example.com");
	assert_int_equal(cfg_load(&c, err, sizeof(err)), 0);
	assert_int_equal(cfg_load_web(&w, &c, err, sizeof(err)), -1);
	assert_contains(err, "DH_TLS_CERT");
	assert_int_equal(unsetenv("DH_HTTPS_PORT"), 0);
	assert_int_equal(unsetenv("DH_TLS_CERT"), 0);
	assert_int_equal(unsetenv("DH_TLS_KEY"), 0);
	assert_int_equal(cfg_load_web(&w, &c, err, sizeof(err)), -1);
	assert_contains(err, "DH_SIM_PORT and DH_HTTP_PORT");
	set("DH_HTTP_PORT", "8080");
	assert_int_equal(cfg_load_web(&w, &c, err, sizeof(err)), -1);
	assert_contains(err, "DH_LISTEN_ADDR");
	assert_int_equal(unsetenv("DH_LISTEN_ADDR"), 0);
	assert_int_equal(unsetenv("DH_API_UPSTREAMS"), 0);
	assert_int_equal(cfg_load_web(&w, &c, err, sizeof(err)), -1);
	assert_contains(err, "DH_CORS_ORIGINS");
}

/* DH_NOW is parsed and installed as the clock's override. */
static void
test_now_sets_override(void **state)
{
	struct cfg c;
	time_t want;

	(void)state;
	assert_int_equal(clock_parse_instant("2025-10-14T12:30:00Z", &want), 0);
	set("DH_NOW", "2025-10-14T13:30:00+01:00");
	load_ok(&c);
	assert_int_equal(c.has_now, 1);
	assert_int_equal(c.now, want);
	assert_int_equal(clock_has_override(), 1);
	assert_int_equal(clock_now(), want);
}

/* DH_ENV_FILE: its pairs fill what the environment leaves unset, then are validated. */
static void
test_env_file(void **state)
{
	const char *file = temp_file(0,
	    "# DarkHorses settings\n"
	    "\n"
	    "   # an indented comment\n"
	    "DATABASE_URL=postgresql://dh_writer:p=w@localhost/darkhorses?sslmode=require\n"
	    "DH_REGIONS=\"gb\"\n"
	    "LOG_LEVEL='debug'\r\n"
	    "DH_HTTP_PORT=9090\n"
	    "DH_SIM_PORT=9091\n"
	    "DH_VAR_DIR=\n"
	    "RACING_API_USERNAME=\"it's\"\n"
	    "RACING_API_PASSWORD=\"mismatched'\n"
	    "DH_TEST_QUOTE=\"\n"
	    "DH_TEST_SPACES= a b \n"
	    "  DH_TEST_INDENTED=y\n"
	    "DH_API_PROCS=2\n"
	    "DH_API_PROCS=3\n"
	    "_DH_TEST_1=x");
	struct cfg c;

	(void)state;
	set("DH_ENV_FILE", file);
	set("DH_SIM_PORT", "7000");	/* the environment wins */
	set("DH_VAR_DIR", "/srv/dh");
	assert_int_equal(setenv("DH_REGIONS", "", 1), 0);	/* empty counts as unset */
	load_ok(&c);
	assert_string_equal(c.database_url, "postgresql://dh_writer:p=w@localhost/darkhorses?sslmode=require");
	assert_string_equal(c.regions, "gb");
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_int_equal(web.http_port, 9090);
	assert_int_equal(c.sim_port, 7000);
	assert_string_equal(c.var_dir, "/srv/dh");
	assert_int_equal(web.api_procs, 3);	/* the later line wins */
	assert_string_equal(getenv("DH_TEST_INDENTED"), "y");
	assert_int_equal(unsetenv("DH_TEST_INDENTED"), 0);
	assert_string_equal(getenv("RACING_API_USERNAME"), "it's");
	assert_string_equal(getenv("RACING_API_PASSWORD"), "\"mismatched'");
	assert_string_equal(getenv("DH_TEST_QUOTE"), "\"");
	assert_string_equal(getenv("DH_TEST_SPACES"), " a b ");
	assert_string_equal(getenv("_DH_TEST_1"), "x");
	assert_int_equal(unsetenv("_DH_TEST_1"), 0);
}

/* A missing file, an unreadable one, a malformed line, a bad value: each named. */
static void
test_env_file_errors(void **state)
{
	static const char *const bad_lines[] = {
		"DH_HTTP_PORT", "export DH_HTTP_PORT=1", "DH HTTP PORT=1",
		"1DH=1", "=1", "DH-PORT=1", "DH_HTTP_PORT =1",
	};
	char text[128], line2[160];

	(void)state;
	set("DH_ENV_FILE", "/nonexistent/darkhorses.env");
	load_fails("DH_ENV_FILE \"/nonexistent/darkhorses.env\"", "No such file");
	set("DH_ENV_FILE", "/tmp");
	load_fails("DH_ENV_FILE \"/tmp\"", "directory");

	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		const char *file;

		snprintf(text, sizeof(text), "# ok\n%s\nLOG_LEVEL=debug\n", bad_lines[i]);
		file = temp_file(1, text);
		snprintf(line2, sizeof(line2), "DH_ENV_FILE \"%s\" line 2", file);
		set("DH_ENV_FILE", file);
		load_fails(line2, "NAME=value");
		remove_temp_files(NULL);
	}

	/* Values from the file are validated like the environment's. */
	set("DH_ENV_FILE", temp_file(2, "DH_HTTP_PORT=eighty\n"));
	load_fails("DH_HTTP_PORT", "\"eighty\"");
}

#define T(f) cmocka_unit_test_setup(f, clear_env)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_empty_is_unset),
		T(test_values_read),
		T(test_listen_addr_forms),
		T(test_bad_urls),
		T(test_bad_rate),
		T(test_bad_regions),
		T(test_bad_ports_and_counts),
		T(test_bad_listen_addr),
		T(test_api_hosts),
		T(test_cors_origins),
		T(test_push),
		T(test_bad_log_level_and_now),
		T(test_log_level_original),
		T(test_original_unused),
		T(test_combinations),
		T(test_web_settings_not_programs),
		cmocka_unit_test_setup_teardown(test_tls, clear_env, remove_temp_files),
		cmocka_unit_test_setup_teardown(test_env_file, clear_env, remove_temp_files),
		cmocka_unit_test_setup_teardown(test_env_file_errors, clear_env, remove_temp_files),
		/* Last: the clock override cannot be undone. */
		T(test_now_sets_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
