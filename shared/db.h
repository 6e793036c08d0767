/*
 * db: a thin layer over one libpq connection.
 *
 * - Connects lazily; db_ensure() (re)connects, db_connect_retry() blocks with
 *   exponential backoff (workers at start).
 * - Every statement is parameterised ($1...); values are never formatted
 *   into SQL.
 * - Hot statements are handles (struct db_stmt, a constant in the file that
 *   uses them) passed by pointer: each is prepared on a connection the first
 *   time it runs there, so it survives a reconnect, and a misspelt one does
 *   not compile.
 * - When the server goes away between statements (restart, failover), the
 *   next statement outside a transaction reconnects and runs once more; inside
 *   a transaction the error is returned and the caller rolls back.
 * - Counts every statement and its time (COPY and scripts included), for
 *   X-Query-Count / X-Query-Time and the workers' "ms in the database".
 * - The replica fallback dh-api uses is in db_fallback.c (same header).
 *
 * Results returned are the caller's: PQclear() them (NULL is fine).  Errors
 * are kept in the handle (db_error) and not logged here: the caller knows
 * the context and logs once.
 */
#ifndef DH_DB_H
#define DH_DB_H

#include <signal.h>
#include <stdint.h>

#include <libpq-fe.h>

struct db;

/*
 * Makes a handle for a connection string or URL; application_name and
 * options (e.g. "-c statement_timeout=5000", may be NULL) are sent on each
 * connect.  Does not connect.  Returns NULL when out of memory.
 */
struct db *db_new(const char *url, const char *application_name, const char *options);

/*
 * Names a second database to use while url cannot be reached: dh-api reads
 * from a replica and falls back to the primary.  The names (e.g.
 * "DATABASE_READ_URL") are for the log line each switch writes, once; they
 * must outlive the handle.  Returns 0, or -1 when out of memory.
 *
 * While on the fallback, db_poll_fallback() tries url again every 10 s
 * without blocking and takes it back when it answers.  When the fallback
 * fails too, url is tried at once, and the error names both.
 */
int db_set_fallback(struct db *db, const char *url, const char *url_name,
    const char *fallback_name);

/*
 * On the fallback, outside a transaction: starts or advances a non-blocking
 * attempt at url (only name resolution may block) and switches back to it
 * when connected.  Call it between units of work (dh-api: before each
 * request), so that one request never reads from two servers.
 */
void db_poll_fallback(struct db *db);

/* Non-zero while the handle uses its fallback. */
int db_on_fallback(const struct db *db);

/*
 * The fallback for a read URL: primary_url's server, database and settings
 * with read_url's user and password, so that the fallback keeps the
 * read-only role, as a conninfo string in out.  Returns 1 when made, 0 when
 * both name the same server and database (a fallback there would not help),
 * -1 when a URL does not parse or out is too small.
 */
int db_fallback_url(const char *read_url, const char *primary_url, char *out, size_t outlen);

/* Closes the connection and frees the handle.  NULL is fine. */
void db_free(struct db *db);

/*
 * A prepared statement: name (unique in the process, shown in
 * pg_prepared_statements) and its SQL.  Define one per statement as a
 * static constant, DB_STMT("races_list", sql_races), and pass it by
 * pointer; the handle remembers which statements its connection holds.
 */
struct db_stmt {
	const char *name;
	const char *sql;
	int         generic;	/* DB_STMT_GENERIC: its cached generic plan is right for any values */
};
#define DB_STMT(name, sql) { (name), (sql), 0 }
/*
 * A statement whose plan does not depend on its values (one row by its
 * key): on a handle that plans for the values (db_plan_for_values), it
 * stays prepared and PostgreSQL may reuse one generic plan for it.
 */
#define DB_STMT_GENERIC(name, sql) { (name), (sql), 1 }

/*
 * From now on, the handle's statements are planned for their values on
 * every run (sent unnamed, so PostgreSQL can never switch one to a generic
 * plan that reads a large table whole for the values at hand, issue 15),
 * but for those made with DB_STMT_GENERIC, prepared once.  dh-api's lists
 * have a "$n IS NULL OR ..." for each filter; its item lookups are planned
 * once (planning one cost more than running it: issue 15's yardstick).
 */
void db_plan_for_values(struct db *db);

/* Makes sure a connection is up, connecting once if needed.  0 or -1. */
int db_ensure(struct db *db);

/*
 * Connects, retrying with backoff from 0.5 s doubling to max_delay_s, until
 * connected (0) or *stop becomes non-zero (-1).  Logs each failed attempt.
 */
int db_connect_retry(struct db *db, volatile sig_atomic_t *stop, int max_delay_s);

/* Runs sql with text parameters.  Returns a result (tuples or command ok) or NULL. */
PGresult *db_exec(struct db *db, const char *sql, int nparams, const char *const *params);

/*
 * Runs stmt, preparing it first on this connection when it is new there.
 * As db_exec.
 */
PGresult *db_exec_prepared(struct db *db, const struct db_stmt *stmt, int nparams,
    const char *const *params);

/*
 * Runs a script of several statements without parameters (the simple query
 * protocol), for migrations.  Returns 0 or -1.
 */
int db_script(struct db *db, const char *sql);

/*
 * Runs "COPY ... FROM STDIN" and sends data[0..len) (COPY text format) as
 * its input.  Returns the rows copied, or -1.  When sending fails the COPY
 * is ended with an error (the server discards it) and its results drained:
 * the connection is never left in COPY mode.
 */
long db_copy_in(struct db *db, const char *copy_sql, const char *data, size_t len);

/*
 * Runs "COPY ... TO STDOUT" and hands each row (COPY's own format, its
 * newline included) to sink as it arrives: memory stays one row whatever
 * the size.  A sink returning -1 (its reader went away) cancels the COPY.
 * Returns the rows copied, or -1 (the error set; rows already handed on
 * stay handed on).  Counted and timed as a statement.
 */
long db_copy_out(struct db *db, const char *copy_sql,
    int (*sink)(void *ctx, const char *row, size_t len), void *ctx);

/* Runs sql and discards the result.  Returns 0 or -1. */
int db_command(struct db *db, const char *sql, int nparams, const char *const *params);

/*
 * Transactions: every BEGIN goes through these, so that the handle knows
 * and never retries a statement of a transaction on a new connection.
 * db_begin_read_write() is for sessions read-only by default (dh-api).
 * db_rollback() also clears the state after a lost connection.
 */
int db_begin(struct db *db);
int db_begin_read_write(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/*
 * Tries to take the session-level advisory lock key.  Returns 1 when taken,
 * 0 when another session holds it, -1 on error.  The lock is lost with the
 * connection: compare db_generation() to know when to take it again.
 */
int db_try_lock(struct db *db, int64_t key);

/* Counts connections made so far; changes after every reconnect. */
unsigned db_generation(const struct db *db);

/* Non-zero when the last failure was the connection, not the statement. */
int db_is_down(const struct db *db);

/* The last error message, one line; "" when none. */
const char *db_error(const struct db *db);

/* Statements run and their total time in microseconds since the last reset. */
void db_stats(const struct db *db, unsigned *queries, int64_t *micros);
void db_stats_reset(struct db *db);

/*
 * Returns a column's value by name, or NULL when the column is absent or
 * the value is SQL NULL.
 */
const char *db_value(const PGresult *res, int row, const char *column);

#endif
