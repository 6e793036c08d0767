/* cfg: configuration from the environment (see cfg.h). */
#include "cfg.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "num.h"
#include "redact.h"

/* Returns the variable's value, or NULL when unset or empty. */
static const char *
cfg_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
cfg_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
cfg_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
cfg_int(const char *name, long def, long min, long max, int *out, char *err,
    size_t errlen)
{
	const char *v = cfg_env(name);
	long n = def;

	if (v != NULL && num_parse_long(v, min, max, &n) < 0)
		return cfg_fail(err, errlen,
		    "invalid value for %s: \"%s\" (expected an integer from %ld to %ld)",
		    name, v, min, max);
	*out = (int)n;
	return 0;
}

/* The value is quoted with its secrets redacted: it may be a DSN with a password. */
static int
cfg_url(const char *name, const char *v, const char *const *schemes,
    char *err, size_t errlen)
{
	char shown[512];

	for (; *schemes != NULL; schemes++)
		if (strncmp(v, *schemes, strlen(*schemes)) == 0)
			return 0;
	redact_secrets(v, shown, sizeof(shown));
	return cfg_fail(err, errlen, "invalid value for %s: \"%s\" (not a URL this program understands)",
	    name, shown);
}

/*
 * Whether an http(s) URL's host is the loopback: 127.0.0.0/8, [::1] or
 * localhost.  Credentials may travel in clear text only there.
 */
static int
cfg_loopback_url(const char *v)
{
	const char *host = strstr(v, "://");
	size_t n;

	if (host == NULL)
		return 0;
	host += 3;
	if (strchr(host, '@') != NULL && strcspn(host, "@") < strcspn(host, "/?#"))
		host = strchr(host, '@') + 1;
	if (strncmp(host, "[::1]", 5) == 0)
		return strchr(":/?#", host[5]) != NULL;
	n = strcspn(host, ":/?#");
	if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
		return 1;
	if (n >= 4 && n <= 15 && strncmp(host, "127.", 4) == 0) {
		char addr[16];
		unsigned char bin[4];

		memcpy(addr, host, n);
		addr[n] = '\0';
		return inet_pton(AF_INET, addr, bin) == 1;
	}
	return 0;
}

/* A switch: on/off (also 1/0, yes/no, true/false), def when unset. */
static int
cfg_switch(const char *name, int def, int *out, char *err, size_t errlen)
{
	static const char *const on[] = { "on", "1", "yes", "true" }, *const off[] = { "off", "0", "no", "false" };
	const char *v = cfg_env(name);

	*out = def;
	if (v == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (strcasecmp(v, on[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, off[i]) == 0)
			return *out = 0, 0;
	}
	return cfg_fail(err, errlen, "invalid value for %s: \"%s\" (expected on or off)", name, v);
}

/* Region list: lowercase letters, comma separated, e.g. "gb,ire". */
static int
cfg_regions(struct cfg *c, char *err, size_t errlen)
{
	const char *v = cfg_env("DH_REGIONS");
	size_t n = 0, word = 0;

	if (v == NULL)
		v = "gb,ire";
	for (const char *p = v; *p != '\0'; p++) {
		char ch = (char)tolower((unsigned char)*p);

		if (n + 1 >= sizeof(c->regions))
			return cfg_fail(err, errlen, "invalid value for DH_REGIONS: \"%s\" (too long)", v);
		if (ch == ',' && word > 0) {
			word = 0;
		} else if (ch >= 'a' && ch <= 'z' && word < 8) {
			word++;
		} else {
			return cfg_fail(err, errlen,
			    "invalid value for DH_REGIONS: \"%s\" (expected region codes such as gb,ire)", v);
		}
		c->regions[n++] = ch;
	}
	if (word == 0)
		return cfg_fail(err, errlen, "invalid value for DH_REGIONS: \"%s\" (empty region)", v);
	c->regions[n] = '\0';
	return 0;
}

/* DH_WORKERS: which workers this host runs: all (default), none, or a list. */
static int
cfg_workers(struct cfg *c, char *err, size_t errlen)
{
	static const char *const names[] = { "live", "masters", "historical", "statistics" };
	const char *v = cfg_env("DH_WORKERS");
	const char *p;

	if (v == NULL)
		v = "all";
	if (strlen(v) >= sizeof(c->workers))
		return cfg_fail(err, errlen, "invalid value for DH_WORKERS: \"%s\" (too long)", v);
	snprintf(c->workers, sizeof(c->workers), "%s", v);
	if (strcmp(v, "all") == 0 || strcmp(v, "none") == 0)
		return 0;
	for (p = v; *p != '\0';) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < 4; i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				break;
		if (i == 4)
			return cfg_fail(err, errlen,
			    "invalid value for DH_WORKERS: \"%s\" (expected all, none, or names from live,masters,historical,statistics)", v);
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
cfg_rate(struct cfg *c, char *err, size_t errlen)
{
	const char *v = cfg_env("RACING_API_RATE");
	char *end;

	c->racing_api_rate = 2.0;
	if (v == NULL)
		return 0;
	errno = 0;
	c->racing_api_rate = strtod(v, &end);
	/* The whole string, as num_parse_long: strtod would skip leading space. */
	if (errno != 0 || end == v || *end != '\0' || isspace((unsigned char)*v) ||
	    !(c->racing_api_rate > 0.0) || c->racing_api_rate > 100.0)
		return cfg_fail(err, errlen,
		    "invalid value for RACING_API_RATE: \"%s\" (expected requests per second, more than 0 and at most 100)", v);
	return 0;
}

/*
 * Where nginx listens, as its listen directive and a URL take it: "*", an
 * IPv4 address, or an IPv6 address in brackets.  Returns 0 or -1.
 */
static int
cfg_listen_addr(const char *v)
{
	unsigned char addr[16];
	char inner[64];
	size_t n = strlen(v);

	if (strcmp(v, "*") == 0 || inet_pton(AF_INET, v, addr) == 1)
		return 0;
	if (n < 3 || n - 2 >= sizeof(inner) || v[0] != '[' || v[n - 1] != ']')
		return -1;
	memcpy(inner, v + 1, n - 2);
	inner[n - 2] = '\0';
	return inet_pton(AF_INET6, inner, addr) == 1 ? 0 : -1;
}

/*
 * A FastCGI address over TCP: IPv4:PORT, or [IPv6]:PORT when ipv6.  Host
 * names are refused: nginx resolves them once at start and supervisord
 * binds the first address only, so a name would hide which one is meant.
 */
static int
cfg_tcp_addr(const char *v, int ipv6)
{
	const char *colon = strrchr(v, ':');
	char host[64];
	long port;
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - v)) == 0 || n >= sizeof(host) ||
	    num_parse_long(colon + 1, 1, 65535, &port) < 0)
		return -1;
	memcpy(host, v, n);
	host[n] = '\0';
	if (!ipv6 && host[0] == '[')
		return -1;
	return strcmp(host, "*") != 0 ? cfg_listen_addr(host) : -1;
}

/*
 * Checks each item of a comma-separated list with ok(); an empty list or an
 * empty item fails.  Returns 0 or -1.
 */
static int
cfg_list(const char *v, int (*ok)(const char *item))
{
	char one[256];

	for (const char *p = v;; p++) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(one))
			return -1;
		memcpy(one, p, n);
		one[n] = '\0';
		if (ok(one) < 0)
			return -1;
		p += n;
		if (*p == '\0')
			return 0;
	}
}

/* One of DH_API_UPSTREAMS: IPv4:PORT, [IPv6]:PORT or unix:/absolute/path. */
static int
cfg_upstream(const char *v)
{
	if (strncmp(v, "unix:/", 6) == 0)
		return strpbrk(v, " \t;{}'\"") == NULL ? 0 : -1;
	return cfg_tcp_addr(v, 1);
}

/*
 * One of FCGI_WEB_SERVER_ADDRS (read by libfcgi itself: the peers dh-api
 * accepts FastCGI connections from): an IPv4 address.  libfcgi compares
 * IPv4 peers only, so an IPv6 entry would silently match nothing.
 */
static int
cfg_fcgi_peer(const char *v)
{
	unsigned char addr[4];

	return inet_pton(AF_INET, v, addr) == 1 ? 0 : -1;
}

/*
 * One of DH_CORS_ORIGINS: an origin as browsers send it, scheme://host or
 * scheme://host:port, http or https, the host a name, an IPv4 address or an
 * IPv6 one in brackets; no path, nothing nginx's map would read as syntax.
 */
static int
cfg_origin(const char *v)
{
	const char *host;
	size_t n;
	long port;

	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else
		return -1;
	if (*host == '[') {
		n = strcspn(host, "]");
		if (host[n] != ']' || n < 3 || strspn(host + 1, "0123456789abcdefABCDEF:.") != n - 1)
			return -1;
		n++;
	} else {
		n = strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		if (n == 0 || host[0] == '.' || host[0] == '-')
			return -1;
	}
	if (host[n] == '\0')
		return 0;
	return host[n] == ':' && num_parse_long(host + n + 1, 1, 65535, &port) == 0 ? 0 : -1;
}

/* DH_CORS_ORIGINS: "*" (the default, as the original) or a list of origins. */
static int
cfg_cors(struct cfg_web *w, char *err, size_t errlen)
{
	const char *v = cfg_env("DH_CORS_ORIGINS");
	size_t i;

	if (v == NULL)
		v = "*";
	if (strcmp(v, "*") != 0 && (strlen(v) >= sizeof(w->cors_origins) || cfg_list(v, cfg_origin) < 0))
		return cfg_fail(err, errlen,
		    "invalid value for DH_CORS_ORIGINS: \"%s\" (expected * or comma-separated origins such as https://example.com,http://localhost:3000)",
		    v);
	/* Browsers send scheme and host in lower case. */
	for (i = 0; v[i] != '\0'; i++)
		w->cors_origins[i] = (char)tolower((unsigned char)v[i]);
	w->cors_origins[i] = '\0';
	return 0;
}

/* NAME=value with NAME a shell variable name; splits line at the '='. */
static int
cfg_env_pair(char *line, char **name, char **value)
{
	size_t n = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	char *v;
	size_t len;

	if (n == 0 || isdigit((unsigned char)line[0]) || line[n] != '=')
		return -1;
	line[n] = '\0';
	v = line + n + 1;
	len = strlen(v);
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		v[len - 1] = '\0';
		v++;
	}
	*name = line;
	*value = v;
	return 0;
}

/* The names an env file set so far: a later line for one of them wins. */
#define CFG_ENV_FILE_NAMES 256

int
cfg_env_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *name, *value, *ours[CFG_ENV_FILE_NAMES];
	size_t cap = 0, nours = 0;
	ssize_t len;
	int lineno = 0, rc = 0;

	if (f == NULL)
		return cfg_fail(err, errlen, "could not read DH_ENV_FILE \"%s\": %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		size_t i;
		char *p;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		/* The line itself is never quoted back: it may hold a password. */
		if (cfg_env_pair(p, &name, &value) < 0) {
			rc = cfg_fail(err, errlen, "DH_ENV_FILE \"%s\" line %d: expected NAME=value", path, lineno);
			break;
		}
		for (i = 0; i < nours && strcmp(ours[i], name) != 0; i++)
			;
		if (i == nours && cfg_env(name) != NULL)
			continue;	/* the environment's own value wins */
		if (i == nours) {
			if (nours == CFG_ENV_FILE_NAMES || (ours[nours] = strdup(name)) == NULL) {
				rc = cfg_fail(err, errlen, "DH_ENV_FILE \"%s\" line %d: too many names", path,
				    lineno);
				break;
			}
			nours++;
		}
		if (setenv(name, value, 1) < 0) {
			rc = cfg_fail(err, errlen, "DH_ENV_FILE \"%s\" line %d: %s", path, lineno, strerror(errno));
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = cfg_fail(err, errlen, "could not read DH_ENV_FILE \"%s\": %s", path, strerror(errno));
	while (nours > 0)
		free(ours[--nours]);
	free(line);
	fclose(f);
	return rc;
}

static int
cfg_tls(const struct cfg_web *w, const struct cfg *c, char *err, size_t errlen)
{
	const char *files[2] = { w->tls_cert, w->tls_key };
	const char *names[2] = { "DH_TLS_CERT", "DH_TLS_KEY" };

	if (w->https_port == 0) {
		if (w->tls_cert != NULL || w->tls_key != NULL)
			return cfg_fail(err, errlen, "DH_TLS_CERT and DH_TLS_KEY need DH_HTTPS_PORT");
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		FILE *f;
		int ch, saved;

		if (files[i] == NULL)
			return cfg_fail(err, errlen, "DH_HTTPS_PORT is set but %s is not", names[i]);
		f = fopen(files[i], "r");
		if (f == NULL)
			return cfg_fail(err, errlen, "invalid value for %s: \"%s\" (%s)", names[i],
			    files[i], strerror(errno));
		/* Reading a byte catches a directory (fopen accepts it) and an empty file. */
		ch = fgetc(f);
		saved = ferror(f) ? errno : 0;
		fclose(f);
		if (ch == EOF)
			return cfg_fail(err, errlen, "invalid value for %s: \"%s\" (%s)", names[i],
			    files[i], saved ? strerror(saved) : "empty file");
	}
	if (w->https_port == w->http_port)
		return cfg_fail(err, errlen, "DH_HTTPS_PORT and DH_HTTP_PORT are both %d", w->http_port);
	if (w->https_port == c->sim_port)
		return cfg_fail(err, errlen, "DH_HTTPS_PORT and DH_SIM_PORT are both %d", c->sim_port);
	return 0;
}

/*
 * DH_PUSH (on, off; also true/false, 1/0, yes/no) and DH_PUSH_SOCKET, the
 * absolute path of nchan's publisher socket (default VAR_DIR/run/dh-push.sock).
 */
static int
cfg_push(struct cfg *c, char *err, size_t errlen)
{
	static const char *const on[] = { "on", "true", "1", "yes", NULL };
	static const char *const off[] = { "off", "false", "0", "no", NULL };
	const char *v = cfg_env("DH_PUSH");

	c->push = 1;
	if (v != NULL) {
		c->push = -1;
		for (int i = 0; on[i] != NULL; i++) {
			if (strcasecmp(v, on[i]) == 0)
				c->push = 1;
			if (strcasecmp(v, off[i]) == 0)
				c->push = 0;
		}
		if (c->push < 0)
			return cfg_fail(err, errlen, "invalid value for DH_PUSH: \"%s\" (expected on or off)", v);
	}
	c->push_socket = cfg_env("DH_PUSH_SOCKET");
	if (c->push_socket != NULL && (c->push_socket[0] != '/' || strlen(c->push_socket) >= 100 ||
	    strpbrk(c->push_socket, " \t;{}'\"") != NULL))
		return cfg_fail(err, errlen,
		    "invalid value for DH_PUSH_SOCKET: \"%s\" (expected an absolute path under 100 characters)",
		    c->push_socket);
	return 0;
}

/* DH_PUSH_REDIS_URL: redis://HOST:PORT[/DB] for nchan's Redis mode (unset: nginx's memory). */
static int
cfg_redis_url(const char *v)
{
	const char *host = v + 8, *slash;
	char addr[128];
	size_t n;
	long db;

	if (strncmp(v, "redis://", 8) != 0)
		return -1;
	slash = strchr(host, '/');
	n = slash != NULL ? (size_t)(slash - host) : strlen(host);
	if (n == 0 || n >= sizeof(addr))
		return -1;
	memcpy(addr, host, n);
	addr[n] = '\0';
	if (slash != NULL && num_parse_long(slash + 1, 0, 15, &db) < 0)
		return -1;
	return cfg_tcp_addr(addr, 1);
}

int
cfg_load(struct cfg *c, char *err, size_t errlen)
{
	static const char *const pg_schemes[] = { "postgresql://", "postgres://", "host=", "dbname=", "user=", NULL };
	static const char *const http_schemes[] = { "http://", "https://", NULL };
	const char *v;

	memset(c, 0, sizeof(*c));
	v = cfg_env("DH_ENV_FILE");
	if (v != NULL && cfg_env_file(v, err, errlen) < 0)
		return -1;
	c->database_url = cfg_env("DATABASE_URL");
	c->database_read_url = cfg_env("DATABASE_READ_URL");
	if (c->database_url != NULL && cfg_url("DATABASE_URL", c->database_url, pg_schemes, err, errlen) < 0)
		return -1;
	if (c->database_read_url != NULL &&
	    cfg_url("DATABASE_READ_URL", c->database_read_url, pg_schemes, err, errlen) < 0)
		return -1;

	c->racing_api_base_url = cfg_env("RACING_API_BASE_URL");
	c->racing_api_username = cfg_env("RACING_API_USERNAME");
	c->racing_api_password = cfg_env("RACING_API_PASSWORD");
	if (c->racing_api_base_url != NULL &&
	    cfg_url("RACING_API_BASE_URL", c->racing_api_base_url, http_schemes, err, errlen) < 0)
		return -1;
	if ((c->racing_api_username == NULL) != (c->racing_api_password == NULL))
		return cfg_fail(err, errlen, "RACING_API_USERNAME and RACING_API_PASSWORD must be set together");
	if (c->racing_api_username != NULL && c->racing_api_base_url != NULL &&
	    strncmp(c->racing_api_base_url, "http://", 7) == 0 && !cfg_loopback_url(c->racing_api_base_url))
		return cfg_fail(err, errlen,
		    "RACING_API_BASE_URL \"%s\" is plain http: the Racing API credentials go over https only (or http to the loopback, as the simulator)",
		    c->racing_api_base_url);
	if (cfg_rate(c, err, errlen) < 0 || cfg_regions(c, err, errlen) < 0 ||
	    cfg_workers(c, err, errlen) < 0)
		return -1;

	if (cfg_int("DH_SIM_PORT", 8089, 1, 65535, &c->sim_port, err, errlen) < 0 ||
	    cfg_int("DH_MASTERS_BACKFILL_DAYS", 3, 0, 365, &c->masters_backfill_days, err, errlen) < 0 ||
	    cfg_int("DH_ODDS_HISTORY_RETENTION_MONTHS", 0, 0, 1200, &c->history_retention_months,
		err, errlen) < 0 ||
	    cfg_int("DH_EXPORT_MAX_ROWS", 1000000, 1, 100000000, &c->export_max_rows, err, errlen) < 0 ||
	    cfg_int("DH_OPS_RETENTION_DAYS", 30, 0, 3650, &c->ops_retention_days, err, errlen) < 0)
		return -1;
	c->fcgi_web_server_addrs = cfg_env("FCGI_WEB_SERVER_ADDRS");
	if (c->fcgi_web_server_addrs != NULL && cfg_list(c->fcgi_web_server_addrs, cfg_fcgi_peer) < 0)
		return cfg_fail(err, errlen,
		    "invalid value for FCGI_WEB_SERVER_ADDRS: \"%s\" (expected comma-separated IPv4 addresses of the nginx hosts, e.g. 10.0.0.2,10.0.0.3)",
		    c->fcgi_web_server_addrs);
	c->var_dir = cfg_env("DH_VAR_DIR");
	if (c->var_dir == NULL)
		c->var_dir = "var";
	if (cfg_push(c, err, errlen) < 0 ||
	    cfg_switch("DH_QUERY_HEADERS", 1, &c->query_headers, err, errlen) < 0)
		return -1;

	c->log_level = LOG_INFO;
	v = cfg_env("LOG_LEVEL");
	if (v != NULL && log_level_parse(v, &c->log_level) < 0)
		return cfg_fail(err, errlen,
		    "invalid value for LOG_LEVEL: \"%s\" (expected debug, info, warn or error, or warning or critical; any case)", v);

	v = cfg_env("DH_NOW");
	if (v != NULL) {
		if (clock_parse_instant(v, &c->now) < 0)
			return cfg_fail(err, errlen,
			    "invalid value for DH_NOW: \"%s\" (expected an ISO-8601 instant such as 2025-10-14T13:30:00Z)", v);
		c->has_now = 1;
		clock_set_override(c->now);
	}
	if (cfg_switch("DH_NOW_RUNS", 0, &c->now_runs, err, errlen) < 0)
		return -1;
	if (c->now_runs && c->has_now)
		clock_set_running(c->now);
	return 0;
}

/*
 * The original DarkHorses' settings that have no counterpart of the same
 * name here, with what to set instead.  Its others (DATABASE_URL,
 * RACING_API_USERNAME, RACING_API_PASSWORD, LOG_LEVEL) are read as they are.
 */
static const struct {
	const char *name;
	const char *instead;
} cfg_original[] = {
	{ "SUPABASE_URL", "dh-api reads PostgreSQL directly: set DATABASE_URL (and DATABASE_READ_URL)" },
	{ "SUPABASE_SERVICE_KEY", "dh-api reads PostgreSQL directly: set DATABASE_URL (and DATABASE_READ_URL)" },
	{ "SESSION_POOLER", "set DATABASE_URL (a session-mode pooler URL works there)" },
	{ "TRANSACTION_POOLER", "set DATABASE_URL to the server or a session-mode pooler (the workers hold "
	  "advisory locks and prepared statements, which transaction pooling breaks)" },
	{ "PORT", "nginx listens on DH_HTTP_PORT (and DH_LISTEN_ADDR)" },
};

size_t
cfg_unused(size_t i, const char **name, const char **instead)
{
	for (; i < sizeof(cfg_original) / sizeof(cfg_original[0]); i++) {
		if (cfg_env(cfg_original[i].name) != NULL) {
			*name = cfg_original[i].name;
			*instead = cfg_original[i].instead;
			return i + 1;
		}
	}
	return 0;
}

void
cfg_log_unused(void)
{
	const char *name, *instead;

	for (size_t i = 0; (i = cfg_unused(i, &name, &instead)) != 0;)
		log_warn("%s is set but not used here (a setting of the original DarkHorses): %s", name, instead);
}

int
cfg_load_web(struct cfg_web *w, const struct cfg *c, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	if (cfg_int("DH_HTTP_PORT", 8080, 1, 65535, &w->http_port, err, errlen) < 0 ||
	    cfg_int("DH_HTTPS_PORT", 0, 1, 65535, &w->https_port, err, errlen) < 0 ||
	    cfg_int("DH_API_PROCS", 4, 1, 64, &w->api_procs, err, errlen) < 0 ||
	    cfg_int("DH_API_RATE_LIMIT", 50, 1, 1000000, &w->api_rate_limit, err, errlen) < 0 ||
	    cfg_int("DH_STREAM_CLIENT_LIMIT", 16, 1, 100000, &w->stream_client_limit, err, errlen) < 0 ||
	    cfg_int("DH_STREAM_MAX", 10000, 1, 1000000, &w->stream_max, err, errlen) < 0 ||
	    cfg_int("DH_API_CONN_LIMIT", 8, 1, 1000000, &w->api_conn_limit, err, errlen) < 0 ||
	    cfg_switch("DH_API_CACHE", 1, &w->api_cache, err, errlen) < 0)
		return -1;
	w->push_redis_url = cfg_env("DH_PUSH_REDIS_URL");
	if (w->push_redis_url != NULL && cfg_redis_url(w->push_redis_url) < 0)
		return cfg_fail(err, errlen,
		    "invalid value for DH_PUSH_REDIS_URL: \"%s\" (expected redis://IP:PORT or redis://IP:PORT/DB)",
		    w->push_redis_url);
	w->server_name = cfg_env("DH_SERVER_NAME");
	if (w->server_name == NULL)
		w->server_name = "localhost";
	if (strspn(w->server_name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
	    strlen(w->server_name) || w->server_name[0] == '-' || w->server_name[0] == '.')
		return cfg_fail(err, errlen,
		    "invalid value for DH_SERVER_NAME: \"%s\" (expected a host name such as darkhorses.example.com)",
		    w->server_name);
	w->tls_cert = cfg_env("DH_TLS_CERT");
	w->tls_key = cfg_env("DH_TLS_KEY");
	if (cfg_tls(w, c, err, errlen) < 0)
		return -1;
	if (c->sim_port == w->http_port)
		return cfg_fail(err, errlen, "DH_SIM_PORT and DH_HTTP_PORT are both %d", w->http_port);

	w->listen_addr = cfg_env("DH_LISTEN_ADDR");
	if (w->listen_addr == NULL)
		w->listen_addr = "127.0.0.1";
	if (cfg_listen_addr(w->listen_addr) < 0)
		return cfg_fail(err, errlen,
		    "invalid value for DH_LISTEN_ADDR: \"%s\" (expected an IP address such as 127.0.0.1 or [::1], or *)",
		    w->listen_addr);
	w->api_listen = cfg_env("DH_API_LISTEN");
	/* IPv4 only: supervisord's tcp:// sockets take no IPv6, libfcgi's peer check neither. */
	if (w->api_listen != NULL && cfg_tcp_addr(w->api_listen, 0) < 0)
		return cfg_fail(err, errlen,
		    "invalid value for DH_API_LISTEN: \"%s\" (expected IPv4:PORT, e.g. 10.0.0.5:9000; unset for the unix socket)",
		    w->api_listen);
	w->api_upstreams = cfg_env("DH_API_UPSTREAMS");
	if (w->api_upstreams != NULL && cfg_list(w->api_upstreams, cfg_upstream) < 0)
		return cfg_fail(err, errlen,
		    "invalid value for DH_API_UPSTREAMS: \"%s\" (expected a comma-separated list of IPv4:PORT, [IPv6]:PORT or unix:/path)",
		    w->api_upstreams);
	return cfg_cors(w, err, errlen);
}
