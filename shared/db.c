/* db: libpq connection with reconnect, prepared statements, stats (see db.h). */
#include "db.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"

#define DB_MAX_STATEMENTS 64
#define DB_COPY_CHUNK     (1024 * 1024)
#define DB_RETURN_AFTER_MS 10000	/* on the fallback: how often to try url again */
#define DB_PROBE_MS        5000		/* how long an attempt at url may take */

struct db_statement {
	const char *name;
	const char *sql;
	unsigned    prepared_gen;	/* connection generation it was prepared on */
};

struct db {
	PGconn      *conn;
	char        *url;
	char        *fallback_url;	/* used while url cannot be reached; NULL: none */
	const char  *url_name;		/* how log lines name them, e.g. DATABASE_READ_URL */
	const char  *fallback_name;
	int          on_fallback;
	int64_t      return_at_ms;	/* monotonic: next try of url while on the fallback */
	PGconn      *probe;		/* on the fallback: a non-blocking attempt at url */
	PostgresPollingStatusType probe_wants;
	int64_t      probe_deadline_ms;
	char        *app_name;
	char        *options;
	unsigned     gen;		/* incremented on every successful connect */
	int          in_tx;
	int          down;
	char         err[512];
	unsigned     queries;
	int64_t      micros;
	size_t       nstatements;
	struct db_statement statements[DB_MAX_STATEMENTS];
};

static char *
db_strdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct db *
db_new(const char *url, const char *application_name, const char *options)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->url = db_strdup(url);
	db->app_name = db_strdup(application_name);
	db->options = db_strdup(options);
	if (db->url == NULL || (application_name && !db->app_name) || (options && !db->options)) {
		db_free(db);
		return NULL;
	}
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	if (db->probe != NULL)
		PQfinish(db->probe);
	free(db->url);
	free(db->fallback_url);
	free(db->app_name);
	free(db->options);
	free(db);
}

/* Keeps the first line of msg as the handle's error. */
static void
db_set_error(struct db *db, const char *prefix, const char *msg)
{
	char copy[sizeof(db->err)];
	size_t n;

	/* msg may be db->err itself. */
	snprintf(copy, sizeof(copy), "%s", msg ? msg : "unknown error");
	n = strcspn(copy, "\n");
	copy[n] = '\0';
	n = strlen(prefix);
	if (n >= sizeof(db->err))
		n = sizeof(db->err) - 1;
	memcpy(db->err, prefix, n);
	snprintf(db->err + n, sizeof(db->err) - n, "%s", copy);
}

int
db_prepare(struct db *db, const char *name, const char *sql)
{
	if (db->nstatements == DB_MAX_STATEMENTS)
		return -1;
	db->statements[db->nstatements].name = name;
	db->statements[db->nstatements].sql = sql;
	db->statements[db->nstatements].prepared_gen = 0;
	db->nstatements++;
	return 0;
}

static void
db_disconnect(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
}

/* Server notices (e.g. "relation already exists, skipping") are debug lines. */
static void
db_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgres: %.*s", (int)strcspn(message, "\n"), message);
}

/*
 * The connection parameters for url: defaults first, the URL (expanded from
 * dbname) overrides them.  Keepalives and a TCP user timeout turn a link
 * that went silent (a hung replica, a dropped route) into an error within
 * seconds instead of a statement that waits for ever; they do not apply to
 * unix sockets.  A handle with a fallback gives url 2 s to connect (libpq's
 * least), not 5: it has somewhere else to go.  keys and vals hold
 * DB_NPARAMS entries.
 */
#define DB_NPARAMS 10
static void
db_params(const struct db *db, const char *url, const char **keys, const char **vals)
{
	static const char *const fixed[][2] = {
		{ "keepalives", "1" }, { "keepalives_idle", "5" },
		{ "keepalives_interval", "2" }, { "keepalives_count", "3" },
		{ "tcp_user_timeout", "30000" },
	};
	size_t n = 0;

	keys[n] = "connect_timeout";
	vals[n++] = db->fallback_url != NULL && url == db->url ? "2" : "5";
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		keys[n] = fixed[i][0];
		vals[n++] = fixed[i][1];
	}
	if (db->app_name != NULL) {
		keys[n] = "application_name";
		vals[n++] = db->app_name;
	}
	if (db->options != NULL) {
		keys[n] = "options";
		vals[n++] = db->options;
	}
	keys[n] = "dbname";
	vals[n++] = url;
	keys[n] = NULL;
	vals[n] = NULL;
}

/* Opens a connection to url (db_adopt makes it the handle's); NULL with the error set on failure. */
static PGconn *
db_open(struct db *db, const char *url)
{
	const char *keys[DB_NPARAMS], *vals[DB_NPARAMS];
	PGconn *conn;

	db_params(db, url, keys, vals);
	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		db_set_error(db, "could not connect to database: ",
		    conn ? PQerrorMessage(conn) : "out of memory");
		if (conn != NULL)
			PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* Takes conn as the handle's connection: statements are prepared afresh. */
static void
db_adopt(struct db *db, PGconn *conn)
{
	db_disconnect(db);
	PQsetNoticeProcessor(conn, db_notice, NULL);
	db->conn = conn;
	db->gen++;
	db->down = 0;
}

/* --- The fallback (see db_set_fallback) ------------------------------- */

/* Drops an attempt at url in progress, if any. */
static void
db_probe_stop(struct db *db)
{
	if (db->probe != NULL)
		PQfinish(db->probe);
	db->probe = NULL;
}

static void
db_use_fallback(struct db *db, const char *why)
{
	if (!db->on_fallback)
		log_warn("cannot reach %s (%s): reading from %s until it is back", db->url_name, why,
		    db->fallback_name);
	db->on_fallback = 1;
	db->return_at_ms = clock_mono_ms() + DB_RETURN_AFTER_MS;
}

static void
db_leave_fallback(struct db *db)
{
	if (db->on_fallback)
		log_info("%s is reachable again: reading from it", db->url_name);
	db->on_fallback = 0;
	db_probe_stop(db);
}

/*
 * Connects to url, or to the fallback when url does not answer.  On the
 * fallback, url is skipped until its retry time, unless the fallback fails
 * too.  When both fail the error names both.
 */
static int
db_connect(struct db *db)
{
	char why[sizeof(db->err)] = "";
	PGconn *conn = NULL;
	int tried_url = 0;

	db_disconnect(db);
	db_probe_stop(db);
	if (!db->on_fallback || clock_mono_ms() >= db->return_at_ms) {
		conn = db_open(db, db->url);
		tried_url = 1;
		if (conn != NULL)
			db_leave_fallback(db);
		snprintf(why, sizeof(why), "%s", db->err);
	}
	if (conn == NULL && db->fallback_url != NULL) {
		conn = db_open(db, db->fallback_url);
		if (conn != NULL) {
			db_use_fallback(db, why);
		} else if (!tried_url && (conn = db_open(db, db->url)) != NULL) {
			db_leave_fallback(db);
		} else {
			char fallback_err[sizeof(db->err)];

			memcpy(fallback_err, db->err, sizeof(fallback_err));
			snprintf(db->err, sizeof(db->err), "%s: %.220s; %s: %.220s", db->url_name,
			    tried_url ? why : "not tried", db->fallback_name, fallback_err);
		}
	}
	if (conn == NULL) {
		db->down = 1;
		return -1;
	}
	db_adopt(db, conn);
	return 0;
}

void
db_poll_fallback(struct db *db)
{
	const char *keys[DB_NPARAMS], *vals[DB_NPARAMS];
	struct pollfd pfd;

	if (!db->on_fallback || db->in_tx)
		return;
	if (db->probe == NULL) {
		if (clock_mono_ms() < db->return_at_ms)
			return;
		db_params(db, db->url, keys, vals);
		db->probe = PQconnectStartParams(keys, vals, 1);
		db->probe_wants = PGRES_POLLING_WRITING;
		db->probe_deadline_ms = clock_mono_ms() + DB_PROBE_MS;
		if (db->probe == NULL || PQstatus(db->probe) == CONNECTION_BAD)
			goto failed;
	}
	/* Advance the attempt as far as its socket allows, never waiting. */
	for (;;) {
		PostgresPollingStatusType st;

		pfd.fd = PQsocket(db->probe);
		pfd.events = db->probe_wants == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 0) != 1)
			break;
		st = PQconnectPoll(db->probe);
		if (st == PGRES_POLLING_FAILED)
			goto failed;
		if (st == PGRES_POLLING_OK) {
			PGconn *conn = db->probe;

			db->probe = NULL;
			db_leave_fallback(db);
			db_adopt(db, conn);
			return;
		}
		db->probe_wants = st;
	}
	if (clock_mono_ms() < db->probe_deadline_ms)
		return;
failed:
	db_probe_stop(db);
	db->return_at_ms = clock_mono_ms() + DB_RETURN_AFTER_MS;
}

int
db_set_fallback(struct db *db, const char *url, const char *url_name, const char *fallback_name)
{
	free(db->fallback_url);
	db->fallback_url = db_strdup(url);
	db->url_name = url_name;
	db->fallback_name = fallback_name;
	return db->fallback_url != NULL ? 0 : -1;
}

int
db_on_fallback(const struct db *db)
{
	return db->on_fallback;
}

/* Appends key='value' to out (libpq's conninfo quoting); 0, or -1 when full. */
static int
db_conninfo_put(char *out, size_t outlen, const char *key, const char *value)
{
	size_t n = strlen(out);
	int w = snprintf(out + n, outlen - n, "%s%s='", n > 0 ? " " : "", key);

	if (w < 0 || (size_t)w >= outlen - n)
		return -1;
	n += (size_t)w;
	for (const char *p = value; *p != '\0'; p++) {
		if (n + 3 >= outlen)
			return -1;
		if (*p == '\'' || *p == '\\')
			out[n++] = '\\';
		out[n++] = *p;
	}
	if (n + 2 > outlen)
		return -1;
	out[n++] = '\'';
	out[n] = '\0';
	return 0;
}

static const char *
db_conninfo_get(const PQconninfoOption *opts, const char *key)
{
	for (; opts != NULL && opts->keyword != NULL; opts++)
		if (strcmp(opts->keyword, key) == 0)
			return opts->val;
	return NULL;
}

static int
db_same(const char *a, const char *b)
{
	return (a == NULL || *a == '\0') ? (b == NULL || *b == '\0') : (b != NULL && strcmp(a, b) == 0);
}

int
db_fallback_url(const char *read_url, const char *primary_url, char *out, size_t outlen)
{
	static const char *const server[] = { "host", "hostaddr", "port", "dbname" };
	static const char *const creds[] = { "user", "password", "passfile" };
	PQconninfoOption *r = PQconninfoParse(read_url, NULL), *p = PQconninfoParse(primary_url, NULL);
	int rc = -1, same = 1;

	out[0] = '\0';
	if (r == NULL || p == NULL)
		goto out;
	for (size_t i = 0; i < sizeof(server) / sizeof(server[0]); i++)
		same &= db_same(db_conninfo_get(r, server[i]), db_conninfo_get(p, server[i]));
	if (same) {
		rc = 0;
		goto out;
	}
	/* The primary's server and settings, the read URL's credentials. */
	for (PQconninfoOption *o = p; o->keyword != NULL; o++) {
		int cred = 0;

		for (size_t i = 0; i < sizeof(creds) / sizeof(creds[0]); i++)
			cred |= strcmp(o->keyword, creds[i]) == 0;
		if (!cred && o->val != NULL && o->val[0] != '\0' &&
		    db_conninfo_put(out, outlen, o->keyword, o->val) < 0)
			goto out;
	}
	for (size_t i = 0; i < sizeof(creds) / sizeof(creds[0]); i++) {
		const char *v = db_conninfo_get(r, creds[i]);

		if (v != NULL && v[0] != '\0' && db_conninfo_put(out, outlen, creds[i], v) < 0)
			goto out;
	}
	rc = 1;
out:
	if (rc < 0)
		out[0] = '\0';
	PQconninfoFree(r);
	PQconninfoFree(p);
	return rc;
}

int
db_ensure(struct db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	return db_connect(db);
}

int
db_connect_retry(struct db *db, volatile sig_atomic_t *stop, int max_delay_s)
{
	int64_t delay_ms = 500;

	while (!*stop) {
		struct timespec ts;

		if (db_ensure(db) == 0)
			return 0;
		log_warn("%s; retrying in %.1f s", db->err, (double)delay_ms / 1000);
		ts.tv_sec = delay_ms / 1000;
		ts.tv_nsec = (delay_ms % 1000) * 1000000;
		while (!*stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		delay_ms *= 2;
		if (delay_ms > (int64_t)max_delay_s * 1000)
			delay_ms = (int64_t)max_delay_s * 1000;
	}
	return -1;
}

/* Checks a result; on failure records the error, clears it and returns NULL. */
static PGresult *
db_check(struct db *db, PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	db_set_error(db, "", res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
	if (db->err[0] == '\0')
		db_set_error(db, "", PQerrorMessage(db->conn));
	PQclear(res);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db->down = 1;
		db_set_error(db, "lost connection to database: ", db->err);
	}
	return NULL;
}

static struct db_statement *
db_find(struct db *db, const char *name)
{
	for (size_t i = 0; i < db->nstatements; i++)
		if (strcmp(db->statements[i].name, name) == 0)
			return &db->statements[i];
	return NULL;
}

/* One attempt at a statement; stmt is NULL for plain SQL. */
static PGresult *
db_run(struct db *db, struct db_statement *stmt, const char *sql, int nparams,
    const char *const *params)
{
	PGresult *res;

	if (db_ensure(db) < 0)
		return NULL;
	if (stmt != NULL && stmt->prepared_gen != db->gen) {
		res = db_check(db, PQprepare(db->conn, stmt->name, stmt->sql, 0, NULL));
		if (res == NULL)
			return NULL;
		PQclear(res);
		stmt->prepared_gen = db->gen;
	}
	if (stmt != NULL)
		res = PQexecPrepared(db->conn, stmt->name, nparams, params, NULL, NULL, 0);
	else
		res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	return db_check(db, res);
}

static PGresult *
db_run_retry(struct db *db, struct db_statement *stmt, const char *sql, int nparams,
    const char *const *params)
{
	struct timespec a, b;
	PGresult *res;
	int was_connected = db->conn != NULL;

	clock_gettime(CLOCK_MONOTONIC, &a);
	res = db_run(db, stmt, sql, nparams, params);
	/* A connection that died while idle: reconnect and run once more. */
	if (res == NULL && db->down && was_connected && !db->in_tx)
		res = db_run(db, stmt, sql, nparams, params);
	clock_gettime(CLOCK_MONOTONIC, &b);
	db->queries++;
	db->micros += (int64_t)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000;
	return res;
}

PGresult *
db_exec(struct db *db, const char *sql, int nparams, const char *const *params)
{
	return db_run_retry(db, NULL, sql, nparams, params);
}

PGresult *
db_exec_prepared(struct db *db, const char *name, int nparams, const char *const *params)
{
	struct db_statement *stmt = db_find(db, name);

	if (stmt == NULL) {
		db_set_error(db, "no statement registered as ", name);
		return NULL;
	}
	return db_run_retry(db, stmt, NULL, nparams, params);
}

int
db_command(struct db *db, const char *sql, int nparams, const char *const *params)
{
	PGresult *res = db_exec(db, sql, nparams, params);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
db_script(struct db *db, const char *sql)
{
	PGresult *res;

	if (db_ensure(db) < 0)
		return -1;
	res = db_check(db, PQexec(db->conn, sql));
	db->queries++;
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

long
db_copy_in(struct db *db, const char *copy_sql, const char *data, size_t len)
{
	PGresult *res;
	long n = -1;

	if (db_ensure(db) < 0)
		return -1;
	res = PQexec(db->conn, copy_sql);
	db->queries++;
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		db_check(db, res);
		return -1;
	}
	PQclear(res);
	for (size_t off = 0; off < len; off += DB_COPY_CHUNK) {
		size_t n_send = len - off < DB_COPY_CHUNK ? len - off : DB_COPY_CHUNK;

		if (PQputCopyData(db->conn, data + off, (int)n_send) != 1)
			break;
	}
	if (PQputCopyEnd(db->conn, NULL) != 1) {
		db_set_error(db, "copy failed: ", PQerrorMessage(db->conn));
		return -1;
	}
	res = db_check(db, PQgetResult(db->conn));
	if (res != NULL) {
		char *end;

		n = strtol(PQcmdTuples(res), &end, 10);
		if (*end != '\0')
			n = 0;
		PQclear(res);
	}
	/* Drain: a COPY leaves one more NULL result. */
	while ((res = PQgetResult(db->conn)) != NULL)
		PQclear(res);
	return n;
}

int
db_begin(struct db *db)
{
	if (db_command(db, "BEGIN", 0, NULL) < 0)
		return -1;
	db->in_tx = 1;
	return 0;
}

int
db_commit(struct db *db)
{
	int rc = db_command(db, "COMMIT", 0, NULL);

	db->in_tx = 0;
	return rc;
}

int
db_rollback(struct db *db)
{
	int rc = 0;

	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		rc = db_command(db, "ROLLBACK", 0, NULL);
	db->in_tx = 0;
	return rc;
}

int
db_try_lock(struct db *db, int64_t key)
{
	char keybuf[24];
	const char *params[1] = { keybuf };
	PGresult *res;
	int got;

	snprintf(keybuf, sizeof(keybuf), "%" PRId64, key);
	res = db_exec(db, "SELECT pg_try_advisory_lock($1::bigint) AS got", 1, params);
	if (res == NULL)
		return -1;
	got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return got;
}

unsigned
db_generation(const struct db *db)
{
	return db->gen;
}

int
db_is_down(const struct db *db)
{
	return db->down;
}

const char *
db_error(const struct db *db)
{
	return db->err;
}

void
db_stats(const struct db *db, unsigned *queries, int64_t *micros)
{
	*queries = db->queries;
	*micros = db->micros;
}

void
db_stats_reset(struct db *db)
{
	db->queries = 0;
	db->micros = 0;
}

const char *
db_value(const PGresult *res, int row, const char *column)
{
	int col = PQfnumber(res, column);

	if (col < 0 || row >= PQntuples(res) || PQgetisnull(res, row, col))
		return NULL;
	return PQgetvalue(res, row, col);
}
