/* db: libpq connection with reconnect, prepared statements, transactions, stats (see db.h). */
#include "db.h"
#include "db_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "redact.h"

#define DB_COPY_CHUNK     (1024 * 1024)

char *
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
	db_fallback_stop(db);
	free(db->url);
	free(db->fallback_url);
	free(db->app_name);
	free(db->options);
	free(db);
}

void
db_set_error(struct db *db, const char *prefix, const char *msg)
{
	char copy[sizeof(db->err)];
	size_t n;

	/* msg may be db->err itself.  libpq quotes a URL it cannot parse. */
	redact_secrets(msg ? msg : "unknown error", copy, sizeof(copy));
	n = strcspn(copy, "\n");
	copy[n] = '\0';
	n = strlen(prefix);
	if (n >= sizeof(db->err))
		n = sizeof(db->err) - 1;
	memcpy(db->err, prefix, n);
	snprintf(db->err + n, sizeof(db->err) - n, "%s", copy);
}

void
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
void
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

PGconn *
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

void
db_adopt(struct db *db, PGconn *conn)
{
	db_disconnect(db);
	PQsetNoticeProcessor(conn, db_notice, NULL);
	db->conn = conn;
	db->gen++;
	db->down = 0;
	db->nprepared = 0;
}

/* Connects to url, or through the fallback when the handle has one. */
static int
db_connect(struct db *db)
{
	PGconn *conn;

	if (db->fallback_url != NULL)
		return db_fallback_connect(db);
	db_disconnect(db);
	conn = db_open(db, db->url);
	if (conn == NULL) {
		db->down = 1;
		return -1;
	}
	db_adopt(db, conn);
	return 0;
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

/*
 * Makes sure stmt is prepared on the connection.  Past DB_MAX_PREPARED
 * distinct statements it is not remembered: prepared and run unnamed
 * instead (correct, one round trip more).  0, or -1 with the error set.
 */
static int
db_ready(struct db *db, const struct db_stmt *stmt, const char **name)
{
	PGresult *res;

	*name = stmt->name;
	for (size_t i = 0; i < db->nprepared; i++)
		if (db->prepared[i] == stmt)
			return 0;
	if (db->nprepared == DB_MAX_PREPARED)
		*name = "";
	res = db_check(db, PQprepare(db->conn, *name, stmt->sql, 0, NULL));
	if (res == NULL)
		return -1;
	PQclear(res);
	if (db->nprepared < DB_MAX_PREPARED)
		db->prepared[db->nprepared++] = stmt;
	return 0;
}

/* One attempt at a statement; stmt is NULL for plain SQL. */
static PGresult *
db_run(struct db *db, const struct db_stmt *stmt, const char *sql, int nparams,
    const char *const *params)
{
	const char *name;

	if (db_ensure(db) < 0)
		return NULL;
	if (stmt != NULL && db->plan_for_values && !stmt->generic)
		sql = stmt->sql, stmt = NULL;
	if (stmt == NULL)
		return db_check(db, PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0));
	if (db_ready(db, stmt, &name) < 0)
		return NULL;
	return db_check(db, PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0));
}

void
db_plan_for_values(struct db *db)
{
	db->plan_for_values = 1;
}

/* Counts one statement that started at t0_us (clock_mono_us) in the handle's stats. */
static void
db_count(struct db *db, int64_t t0_us)
{
	db->queries++;
	db->micros += clock_mono_us() - t0_us;
}

static PGresult *
db_run_retry(struct db *db, const struct db_stmt *stmt, const char *sql, int nparams,
    const char *const *params)
{
	int64_t t0 = clock_mono_us();
	PGresult *res;
	int was_connected = db->conn != NULL;

	res = db_run(db, stmt, sql, nparams, params);
	/* A connection that died while idle: reconnect and run once more. */
	if (res == NULL && db->down && was_connected && !db->in_tx)
		res = db_run(db, stmt, sql, nparams, params);
	db_count(db, t0);
	return res;
}

PGresult *
db_exec(struct db *db, const char *sql, int nparams, const char *const *params)
{
	return db_run_retry(db, NULL, sql, nparams, params);
}

PGresult *
db_exec_prepared(struct db *db, const struct db_stmt *stmt, int nparams,
    const char *const *params)
{
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
	int64_t t0 = clock_mono_us();
	PGresult *res;

	if (db_ensure(db) < 0)
		return -1;
	res = db_check(db, PQexec(db->conn, sql));
	db_count(db, t0);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* Reads the results left after a COPY until none; keeps the first error. */
static PGresult *
db_copy_results(struct db *db)
{
	PGresult *res, *first = NULL;

	while ((res = PQgetResult(db->conn)) != NULL) {
		if (first == NULL)
			first = res;
		else
			PQclear(res);
	}
	return db_check(db, first);
}

/*
 * Sends data as the COPY's input and ends it: with an error message when
 * sending failed, as psql does, so that the server aborts the COPY and the
 * connection leaves COPY mode.  Returns the COPY's result or NULL.
 */
static PGresult *
db_copy_send(struct db *db, const char *data, size_t len)
{
	const char *failed = NULL;
	char why[sizeof(db->err)];

	for (size_t off = 0; off < len && failed == NULL; off += DB_COPY_CHUNK) {
		size_t n_send = len - off < DB_COPY_CHUNK ? len - off : DB_COPY_CHUNK;

		if (PQputCopyData(db->conn, data + off, (int)n_send) != 1)
			failed = "could not send COPY data";
	}
	if (failed != NULL)
		snprintf(why, sizeof(why), "%s: %s", failed, PQerrorMessage(db->conn));
	if (PQputCopyEnd(db->conn, failed) != 1 && failed == NULL) {
		failed = "could not end COPY";
		snprintf(why, sizeof(why), "%s: %s", failed, PQerrorMessage(db->conn));
	}
	if (failed == NULL)
		return db_copy_results(db);
	PQclear(db_copy_results(db));
	db_set_error(db, "", why);
	if (PQstatus(db->conn) != CONNECTION_OK)
		db->down = 1;
	return NULL;
}

long
db_copy_in(struct db *db, const char *copy_sql, const char *data, size_t len)
{
	int64_t t0 = clock_mono_us();
	PGresult *res;
	long n = -1;

	if (db_ensure(db) < 0)
		return -1;
	res = PQexec(db->conn, copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		db_check(db, res);
		db_count(db, t0);
		return -1;
	}
	PQclear(res);
	res = db_copy_send(db, data, len);
	if (res != NULL) {
		char *end;

		n = strtol(PQcmdTuples(res), &end, 10);
		if (*end != '\0')
			n = 0;
		PQclear(res);
	}
	db_count(db, t0);
	return n;
}

long
db_copy_out(struct db *db, const char *copy_sql,
    int (*sink)(void *ctx, const char *row, size_t len), void *ctx)
{
	int64_t t0 = clock_mono_us();
	PGresult *res;
	long rows = 0;
	int cancelled = 0, n;
	char *row;

	if (db_ensure(db) < 0)
		return -1;
	res = PQexec(db->conn, copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		db_check(db, res);
		db_count(db, t0);
		return -1;
	}
	PQclear(res);
	while ((n = PQgetCopyData(db->conn, &row, 0)) > 0) {
		if (!cancelled && sink(ctx, row, (size_t)n) < 0) {
			/* Ask the server to stop, then read what it already sent. */
			PGcancel *c = PQgetCancel(db->conn);
			char why[256];

			if (c != NULL) {
				PQcancel(c, why, sizeof(why));
				PQfreeCancel(c);
			}
			cancelled = 1;
		}
		rows += !cancelled;
		PQfreemem(row);
	}
	res = db_copy_results(db);	/* n == -1: the COPY ended; -2: it failed */
	db_count(db, t0);
	if (res == NULL)
		return -1;
	PQclear(res);
	if (cancelled) {
		db_set_error(db, "", "COPY cancelled: the reader went away");
		return -1;
	}
	return rows;
}

/* BEGIN with sql; the handle then knows it is in a transaction. */
static int
db_begin_with(struct db *db, const char *sql)
{
	if (db_command(db, sql, 0, NULL) < 0)
		return -1;
	db->in_tx = 1;
	return 0;
}

int
db_begin(struct db *db)
{
	return db_begin_with(db, "BEGIN");
}

int
db_begin_read_write(struct db *db)
{
	return db_begin_with(db, "BEGIN READ WRITE");
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
