/*
 * Unit tests for shared/db against a real PostgreSQL.  Set
 * DH_TEST_DATABASE_URL to a superuser URL to run them; without it every
 * test that needs a server is skipped.  Tests leave nothing behind: they
 * use temporary tables and session locks only.
 */
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db.h"
#include "log.h"

#define BAD_URL "postgresql:///postgres?host=/nonexistent-dh-test"

static const struct db_stmt ut_add = DB_STMT("ut_add", "SELECT $1::int + $2::int AS sum");
static const struct db_stmt ut_bad = DB_STMT("ut_bad", "SELEC $1");
static const struct db_stmt ut_inc = DB_STMT("ut_inc", "SELECT $1::int + 1 AS n");

/* Handles a test opened; the teardown frees them even when the test failed. */
struct handles {
	struct db *a, *b;
};

static int
setup(void **state)
{
	static struct handles h;

	h.a = NULL;
	h.b = NULL;
	*state = &h;
	return 0;
}

static int
teardown(void **state)
{
	struct handles *h = *state;

	db_free(h->a);
	db_free(h->b);
	h->a = NULL;
	h->b = NULL;
	return 0;
}

/* Opens and connects a handle into *slot; skips the test without a server. */
static struct db *
open_db(struct db **slot)
{
	const char *url = getenv("DH_TEST_DATABASE_URL");

	if (url == NULL || *url == '\0')
		skip();
	*slot = db_new(url, "dh-unit-test", "-c statement_timeout=5000");
	assert_non_null(*slot);
	if (db_ensure(*slot) != 0)
		fail_msg("db_ensure: %s", db_error(*slot));
	return *slot;
}

/* Runs a statement that must succeed; the caller clears the result. */
static PGresult *
exec_ok(struct db *db, const char *sql, int nparams, const char *const *params)
{
	PGresult *res = db_exec(db, sql, nparams, params);

	if (res == NULL)
		fail_msg("%s: %s", sql, db_error(db));
	return res;
}

/* The backend pid of a connection, as text. */
static void
backend_pid(struct db *db, char *out, size_t outlen)
{
	PGresult *res = exec_ok(db, "SELECT pg_backend_pid() AS pid", 0, NULL);

	snprintf(out, outlen, "%s", db_value(res, 0, "pid"));
	PQclear(res);
}

/* From killer, ends the backend of victim and waits until it is gone. */
static void
terminate(struct db *killer, struct db *victim)
{
	char pid[32];
	const char *params[1] = { pid };
	PGresult *res;

	backend_pid(victim, pid, sizeof(pid));
	res = exec_ok(killer, "SELECT pg_terminate_backend($1::int, 5000) AS ok", 1, params);
	assert_string_equal(db_value(res, 0, "ok"), "t");
	PQclear(res);
}

static void
assert_one_line(const char *msg)
{
	assert_true(msg[0] != '\0');
	assert_null(strchr(msg, '\n'));
}

static void
test_ensure_connects(void **state)
{
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	PGresult *res;

	assert_int_equal(db_generation(db), 1);
	assert_int_equal(db_is_down(db), 0);
	assert_string_equal(db_error(db), "");
	assert_int_equal(db_ensure(db), 0);
	assert_int_equal(db_generation(db), 1);

	/* The application name and options reach the server. */
	res = exec_ok(db, "SELECT current_setting('application_name') AS app, "
	    "current_setting('statement_timeout') AS timeout", 0, NULL);
	assert_string_equal(db_value(res, 0, "app"), "dh-unit-test");
	assert_string_equal(db_value(res, 0, "timeout"), "5s");
	PQclear(res);
}

/* Values travel as parameters: quotes, backslashes and Unicode need no escaping. */
static void
test_exec_params(void **state)
{
	static const char *const values[] = {
		"O'Brien \"quoted\" \\ back; DROP TABLE x; --",
		"S\xc3\xa9 \xf0\x9f\x90\x8e \xe6\x97\xa5\xe6\x9c\xac",
		"",
		NULL,
	};
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	PGresult *res;

	res = exec_ok(db, "SELECT $1::text AS a, $2::text AS b, $3::text AS c, $4::text AS d, "
	    "length($2) AS len, $4 IS NULL AS d_null", 4, values);
	assert_string_equal(db_value(res, 0, "a"), values[0]);
	assert_string_equal(db_value(res, 0, "b"), values[1]);
	assert_string_equal(db_value(res, 0, "c"), "");
	assert_null(db_value(res, 0, "d"));
	assert_string_equal(db_value(res, 0, "len"), "7");
	assert_string_equal(db_value(res, 0, "d_null"), "t");
	PQclear(res);

	/* And back out of a table, matched by value. */
	PQclear(exec_ok(db, "CREATE TEMP TABLE ut_params (v text)", 0, NULL));
	for (int i = 0; i < 3; i++)
		PQclear(exec_ok(db, "INSERT INTO ut_params (v) VALUES ($1)", 1, &values[i]));
	for (int i = 0; i < 3; i++) {
		res = exec_ok(db, "SELECT count(*) AS n FROM ut_params WHERE v = $1", 1, &values[i]);
		assert_string_equal(db_value(res, 0, "n"), "1");
		PQclear(res);
	}
}

static void
test_prepared(void **state)
{
	static const char *const params[] = { "2", "3" };
	struct handles *h = *state;
	struct db *db;
	PGresult *res;

	db = open_db(&h->a);
	for (int i = 0; i < 3; i++) {
		res = db_exec_prepared(db, &ut_add, 2, params);
		if (res == NULL)
			fail_msg("ut_add: %s", db_error(db));
		assert_string_equal(db_value(res, 0, "sum"), "5");
		PQclear(res);
	}
	res = exec_ok(db, "SELECT count(*) AS n FROM pg_prepared_statements WHERE name = 'ut_add'",
	    0, NULL);
	assert_string_equal(db_value(res, 0, "n"), "1");
	PQclear(res);
}

/* One statement on two connections: each prepares it once, in any order. */
static void
test_prepared_two_handles(void **state)
{
	struct handles *h = *state;
	struct db *a = open_db(&h->a), *b = open_db(&h->b);
	const char *params[] = { "1", "1" };

	for (int i = 0; i < 3; i++) {
		PGresult *ra = db_exec_prepared(a, &ut_add, 2, params);
		PGresult *rb = db_exec_prepared(b, &ut_add, 2, params);

		if (ra == NULL || rb == NULL)
			fail_msg("ut_add: %s / %s", db_error(a), db_error(b));
		assert_string_equal(db_value(ra, 0, "sum"), "2");
		assert_string_equal(db_value(rb, 0, "sum"), "2");
		PQclear(ra);
		PQclear(rb);
	}
	/* Inside a transaction too: preparing never fails it. */
	assert_int_equal(db_begin(a), 0);
	PQclear(exec_ok(a, "SELECT 1", 0, NULL));
	PQclear(exec_ok(a, "SELECT 2", 0, NULL));
	assert_int_equal(db_commit(a), 0);
	h->b = NULL;
	db_free(b);
	b = open_db(&h->b);
	assert_int_equal(db_begin(b), 0);
	PGresult *res = db_exec_prepared(b, &ut_add, 2, params);
	if (res == NULL)
		fail_msg("ut_add in a transaction: %s", db_error(b));
	PQclear(res);
	assert_int_equal(db_commit(b), 0);
}

/* Past DB_MAX_PREPARED statements on one connection, the rest still run (unnamed). */
static void
test_prepared_many(void **state)
{
	static struct db_stmt many[140];
	static char sql[140][32], names[140][16];
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	PGresult *res;

	for (int i = 0; i < 140; i++) {
		snprintf(names[i], sizeof(names[i]), "ut_many_%d", i);
		snprintf(sql[i], sizeof(sql[i]), "SELECT %d AS n", i);
		many[i].name = names[i];
		many[i].sql = sql[i];
	}
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 140; i++) {
			char want[8];

			res = db_exec_prepared(db, &many[i], 0, NULL);
			if (res == NULL)
				fail_msg("statement %d: %s", i, db_error(db));
			snprintf(want, sizeof(want), "%d", i);
			assert_string_equal(db_value(res, 0, "n"), want);
			PQclear(res);
		}
}

/* A bad statement fails alone: the connection stays up and usable. */
static void
test_statement_errors(void **state)
{
	struct handles *h = *state;
	struct db *db = open_db(&h->a);

	assert_null(db_exec(db, "SELEC 1", 0, NULL));
	assert_int_equal(db_is_down(db), 0);
	assert_one_line(db_error(db));
	assert_contains(db_error(db), "syntax error");

	assert_null(db_exec(db, "SELECT 1 / 0", 0, NULL));
	assert_contains(db_error(db), "division by zero");
	assert_int_equal(db_command(db, "SELECT 1 / 0", 0, NULL), -1);

	/* A statement with bad SQL fails when prepared. */
	assert_null(db_exec_prepared(db, &ut_bad, 0, NULL));
	assert_int_equal(db_is_down(db), 0);
	assert_one_line(db_error(db));

	assert_int_equal(db_command(db, "SELECT 1", 0, NULL), 0);
	assert_int_equal(db_generation(db), 1);
}

static void
test_transactions(void **state)
{
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	PGresult *res;

	PQclear(exec_ok(db, "CREATE TEMP TABLE ut_tx (n int)", 0, NULL));

	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_command(db, "INSERT INTO ut_tx VALUES (1), (2)", 0, NULL), 0);
	res = exec_ok(db, "SELECT count(*) AS n FROM ut_tx", 0, NULL);
	assert_string_equal(db_value(res, 0, "n"), "2");
	PQclear(res);
	assert_int_equal(db_rollback(db), 0);
	res = exec_ok(db, "SELECT count(*) AS n FROM ut_tx", 0, NULL);
	assert_string_equal(db_value(res, 0, "n"), "0");
	PQclear(res);

	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_command(db, "INSERT INTO ut_tx VALUES (3)", 0, NULL), 0);
	assert_int_equal(db_commit(db), 0);
	res = exec_ok(db, "SELECT count(*) AS n, max(n) AS top FROM ut_tx", 0, NULL);
	assert_string_equal(db_value(res, 0, "n"), "1");
	assert_string_equal(db_value(res, 0, "top"), "3");
	PQclear(res);

	/* A failed statement aborts the transaction until the rollback. */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_command(db, "INSERT INTO ut_tx VALUES ('x')", 0, NULL), -1);
	assert_int_equal(db_command(db, "SELECT 1", 0, NULL), -1);
	assert_contains(db_error(db), "aborted");
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_command(db, "SELECT 1", 0, NULL), 0);
}

static void
test_try_lock(void **state)
{
	const int64_t key = 0x4448756e69740001;	/* "DHunit" 1 */
	struct handles *h = *state;
	struct db *a = open_db(&h->a), *b = open_db(&h->b);

	assert_int_equal(db_try_lock(a, key), 1);
	assert_int_equal(db_try_lock(a, key), 1);	/* session locks stack */
	assert_int_equal(db_try_lock(b, key), 0);
	assert_int_equal(db_try_lock(b, -key), 1);	/* another key is free */
	/* The lock goes with the connection, once the server has ended it. */
	db_free(a);
	h->a = NULL;
	for (int i = 0; i < 500 && db_try_lock(b, key) == 0; i++)
		usleep(10000);
	assert_int_equal(db_try_lock(b, key), 1);
}

static void
test_value(void **state)
{
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	PGresult *res;

	res = exec_ok(db, "SELECT NULL::text AS nothing, 'x' AS s, '' AS empty, 42 AS n", 0, NULL);
	assert_int_equal(PQntuples(res), 1);
	assert_null(db_value(res, 0, "nothing"));
	assert_string_equal(db_value(res, 0, "s"), "x");
	assert_string_equal(db_value(res, 0, "empty"), "");
	assert_string_equal(db_value(res, 0, "n"), "42");
	assert_null(db_value(res, 0, "missing"));
	assert_null(db_value(res, 1, "s"));
	assert_null(db_value(res, -1, "s"));
	PQclear(res);

	res = exec_ok(db, "SELECT 1 AS n WHERE false", 0, NULL);
	assert_null(db_value(res, 0, "n"));
	PQclear(res);
}

static void
test_stats(void **state)
{
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	unsigned queries = 99;
	int64_t micros = -1;

	db_stats_reset(db);
	db_stats(db, &queries, &micros);
	assert_int_equal(queries, 0);
	assert_int_equal(micros, 0);

	PQclear(exec_ok(db, "SELECT pg_sleep(0.01)", 0, NULL));
	assert_int_equal(db_command(db, "SELECT 1", 0, NULL), 0);
	assert_null(db_exec(db, "SELEC 1", 0, NULL));	/* failures count too */
	assert_int_equal(db_script(db, "SELECT 1; SELECT 2"), 0);
	db_stats(db, &queries, &micros);
	assert_int_equal(queries, 4);
	assert_true(micros >= 10000);

	db_stats_reset(db);
	db_stats(db, &queries, &micros);
	assert_int_equal(queries, 0);
	assert_int_equal(micros, 0);
}

static void
test_script(void **state)
{
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	PGresult *res;

	assert_int_equal(db_script(db,
	    "CREATE TEMP TABLE ut_script (a int);\n"
	    "INSERT INTO ut_script VALUES (1), (2);\n"
	    "INSERT INTO ut_script VALUES (3);\n"), 0);
	res = exec_ok(db, "SELECT sum(a) AS s FROM ut_script", 0, NULL);
	assert_string_equal(db_value(res, 0, "s"), "6");
	PQclear(res);
	assert_int_equal(db_script(db, "SELECT 1; SELEC 2"), -1);
	assert_contains(db_error(db), "syntax error");
	assert_int_equal(db_is_down(db), 0);
}

/*
 * A connection killed while idle: the next prepared statement reconnects,
 * prepares again and runs, once.
 */
static void
test_reconnect(void **state)
{
	static const char *const params[] = { "41" };
	struct handles *h = *state;
	struct db *a = open_db(&h->a), *b = open_db(&h->b);
	char pid_before[32], pid_after[32];
	unsigned gen, queries;
	int64_t micros;
	PGresult *res;

	res = db_exec_prepared(a, &ut_inc, 1, params);
	assert_non_null(res);
	PQclear(res);
	gen = db_generation(a);
	backend_pid(a, pid_before, sizeof(pid_before));

	terminate(b, a);
	res = db_exec_prepared(a, &ut_inc, 1, params);
	if (res == NULL)
		fail_msg("after the restart: %s", db_error(a));
	assert_string_equal(db_value(res, 0, "n"), "42");
	PQclear(res);
	assert_true(db_generation(a) > gen);
	assert_int_equal(db_is_down(a), 0);
	backend_pid(a, pid_after, sizeof(pid_after));
	assert_string_not_equal(pid_before, pid_after);

	/* The same for plain statements; the retried call counts once. */
	terminate(b, a);
	gen = db_generation(a);
	db_stats_reset(a);
	assert_int_equal(db_command(a, "SELECT 1", 0, NULL), 0);
	assert_true(db_generation(a) > gen);
	db_stats(a, &queries, &micros);
	assert_int_equal(queries, 1);
}

/* Inside a transaction a lost connection is reported, not retried. */
static void
test_lost_in_transaction(void **state)
{
	struct handles *h = *state;
	struct db *a = open_db(&h->a), *b = open_db(&h->b);
	unsigned gen;

	gen = db_generation(a);
	assert_int_equal(db_begin(a), 0);
	terminate(b, a);
	assert_null(db_exec(a, "SELECT 1", 0, NULL));
	assert_int_equal(db_is_down(a), 1);
	assert_one_line(db_error(a));
	assert_int_equal(strncmp(db_error(a), "lost connection to database: ",
	    strlen("lost connection to database: ")), 0);
	assert_int_equal(db_generation(a), gen);

	assert_int_equal(db_rollback(a), 0);
	assert_int_equal(db_command(a, "SELECT 1", 0, NULL), 0);
	assert_int_equal(db_is_down(a), 0);
	assert_true(db_generation(a) > gen);
}

/* Blocks until connected when the server is there. */
static void
test_connect_retry_connects(void **state)
{
	struct handles *h = *state;
	volatile sig_atomic_t stop = 0;

	open_db(&h->a);
	db_free(h->a);
	h->a = db_new(getenv("DH_TEST_DATABASE_URL"), "dh-unit-test", NULL);
	assert_non_null(h->a);
	assert_int_equal(db_connect_retry(h->a, &stop, 1), 0);
	assert_int_equal(db_generation(h->a), 1);
}

/* An unreachable url with a fallback: the fallback serves, prepared statements too. */
static void
test_fallback(void **state)
{
	struct handles *h = *state;
	PGresult *res;

	open_db(&h->b);	/* skips without a server */
	h->a = db_new(BAD_URL, "dh-unit-test", NULL);
	assert_non_null(h->a);
	assert_int_equal(db_set_fallback(h->a, getenv("DH_TEST_DATABASE_URL"), "READ_URL", "URL"), 0);
	assert_int_equal(db_on_fallback(h->a), 0);
	log_init("dh-test", LOG_ERROR);	/* the switch logs a warning */
	assert_int_equal(db_ensure(h->a), 0);
	log_init("dh-test", LOG_INFO);
	assert_int_equal(db_on_fallback(h->a), 1);
	assert_int_equal(db_is_down(h->a), 0);
	res = db_exec_prepared(h->a, &ut_inc, 1, (const char *[]){ "41" });
	assert_non_null(res);
	assert_string_equal(db_value(res, 0, "n"), "42");
	PQclear(res);
	/* Within 10 s the unreachable url is not tried again: same connection. */
	assert_int_equal(db_command(h->a, "SELECT 1", 0, NULL), 0);
	assert_int_equal(db_generation(h->a), 1);
	assert_int_equal(db_on_fallback(h->a), 1);
}

/* The tests below need no server. */

static void
test_connect_failure(void **state)
{
	struct handles *h = *state;
	struct db *db = h->a = db_new(BAD_URL, "dh-unit-test", NULL);

	assert_non_null(db);
	assert_int_equal(db_ensure(db), -1);
	assert_int_equal(db_is_down(db), 1);
	assert_int_equal(db_generation(db), 0);
	assert_one_line(db_error(db));
	assert_int_equal(strncmp(db_error(db), "could not connect to database: ",
	    strlen("could not connect to database: ")), 0);
	assert_null(db_exec(db, "SELECT 1", 0, NULL));
	assert_int_equal(db_is_down(db), 1);
	assert_int_equal(db_command(db, "SELECT 1", 0, NULL), -1);
	assert_int_equal(db_script(db, "SELECT 1"), -1);
	assert_int_equal(db_try_lock(db, 1), -1);
	assert_int_equal(db_begin(db), -1);
	assert_int_equal(db_rollback(db), 0);
	db_free(NULL);
}

static volatile sig_atomic_t retry_stop;

static void
on_alarm(int sig)
{
	(void)sig;
	retry_stop = 1;
}

/* db_connect_retry keeps trying until told to stop. */
static void
test_connect_retry_stops(void **state)
{
	struct handles *h = *state;
	struct sigaction sa;

	h->a = db_new(BAD_URL, "dh-unit-test", NULL);
	assert_non_null(h->a);
	retry_stop = 1;
	assert_int_equal(db_connect_retry(h->a, &retry_stop, 1), -1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	retry_stop = 0;
	log_init("dh-test", LOG_ERROR);	/* each attempt logs a warning */
	alarm(1);
	assert_int_equal(db_connect_retry(h->a, &retry_stop, 1), -1);
	alarm(0);
	log_init("dh-test", LOG_INFO);
	assert_int_equal(db_is_down(h->a), 1);
}

/* The fallback URL: the primary's server with the read URL's credentials. */
static void
test_fallback_url(void **state)
{
	char out[512];

	(void)state;
	assert_int_equal(db_fallback_url("postgresql://reader:pw@/dh?host=/tmp/a",
	    "postgresql://writer:wpw@/dh?host=/tmp/a", out, sizeof(out)), 0);
	assert_int_equal(db_fallback_url("postgresql://reader:pw@replica:5433/dh",
	    "postgresql://writer:wpw@primary/dh", out, sizeof(out)), 1);
	assert_contains(out, "host='primary'");
	assert_contains(out, "dbname='dh'");
	assert_contains(out, "user='reader'");
	assert_contains(out, "password='pw'");
	assert_null(strstr(out, "writer"));
	assert_null(strstr(out, "wpw"));
	assert_null(strstr(out, "5433"));
	/* Same host, another port: another server. */
	assert_int_equal(db_fallback_url("host=db port=5433 dbname=dh user=r",
	    "host=db port=5432 dbname=dh user=w", out, sizeof(out)), 1);
	/* Quotes and backslashes survive. */
	assert_int_equal(db_fallback_url("host=replica dbname=dh user=r password='it\\'s'",
	    "host=primary dbname=dh user=w", out, sizeof(out)), 1);
	assert_contains(out, "password='it\\'s'");
	assert_int_equal(db_fallback_url("nonsense", "host=primary", out, sizeof(out)), -1);
	assert_int_equal(db_fallback_url("host=replica user=r", "host=primary", out, 20), -1);
	assert_string_equal(out, "");
}

/* COPY counts as a statement, with its time, and a failed one leaves COPY mode. */
static void
test_copy(void **state)
{
	struct handles *h = *state;
	struct db *db = open_db(&h->a);
	static const char rows[] = "1\ta\n2\tb\n";
	unsigned queries;
	int64_t micros;
	PGresult *res;

	PQclear(exec_ok(db, "CREATE TEMP TABLE ut_copy (n int, s text)", 0, NULL));
	db_stats_reset(db);
	assert_int_equal(db_copy_in(db, "COPY ut_copy FROM STDIN", rows, strlen(rows)), 2);
	db_stats(db, &queries, &micros);
	assert_int_equal(queries, 1);
	assert_true(micros > 0);

	/* Bad data: the server refuses it; the connection is usable at once. */
	assert_int_equal(db_copy_in(db, "COPY ut_copy FROM STDIN", "x\ty\n", 4), -1);
	assert_contains(db_error(db), "invalid input syntax");
	assert_int_equal(db_is_down(db), 0);
	res = exec_ok(db, "SELECT count(*) AS n FROM ut_copy", 0, NULL);
	assert_string_equal(db_value(res, 0, "n"), "2");
	PQclear(res);

	/* Inside a transaction: the failure fails it, and it rolls back cleanly. */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_copy_in(db, "COPY ut_copy FROM STDIN", rows, strlen(rows)), 2);
	assert_int_equal(db_copy_in(db, "COPY ut_copy FROM STDIN", "bad\n", 4), -1);
	assert_int_equal(db_rollback(db), 0);
	res = exec_ok(db, "SELECT count(*) AS n FROM ut_copy", 0, NULL);
	assert_string_equal(db_value(res, 0, "n"), "2");
	PQclear(res);
	db_stats(db, &queries, &micros);
	assert_true(queries >= 5);
}

/* BEGIN READ WRITE in a read-only session; the handle knows it is in a transaction. */
static void
test_begin_read_write(void **state)
{
	struct handles *h = *state;
	const char *url = getenv("DH_TEST_DATABASE_URL");
	struct db *db;

	if (url == NULL || *url == '\0')
		skip();
	h->a = db = db_new(url, "dh-unit-test", "-c default_transaction_read_only=on");
	assert_non_null(db);
	assert_int_equal(db_command(db, "CREATE TEMP TABLE ut_rw (n int)", 0, NULL), -1);
	assert_int_equal(db_begin_read_write(db), 0);
	assert_int_equal(db_command(db, "CREATE TEMP TABLE ut_rw (n int)", 0, NULL), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_begin_read_write(db), 0);
	assert_int_equal(db_command(db, "INSERT INTO ut_rw VALUES (1)", 0, NULL), 0);
	assert_int_equal(db_rollback(db), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ensure_connects),
		T(test_exec_params),
		T(test_prepared),
		T(test_statement_errors),
		T(test_transactions),
		T(test_try_lock),
		T(test_value),
		T(test_stats),
		T(test_script),
		T(test_reconnect),
		T(test_lost_in_transaction),
		T(test_connect_retry_connects),
		T(test_fallback),
		T(test_connect_failure),
		T(test_connect_retry_stops),
		T(test_prepared_two_handles),
		T(test_prepared_many),
		T(test_copy),
		T(test_begin_read_write),
		T(test_fallback_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
