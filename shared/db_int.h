/*
 * db_int: the inside of a db handle, shared by db.c (connections,
 * statements, transactions) and db_fallback.c (dh-api's replica fallback).
 * Nothing else includes it: programs use db.h.
 */
#ifndef DH_DB_INT_H
#define DH_DB_INT_H

#include <stdint.h>

#include <libpq-fe.h>

#include "db.h"

#define DB_MAX_PREPARED 128	/* statements one connection keeps prepared */
#define DB_NPARAMS      10	/* connection keywords db_params sets, with the NULL */

struct db {
	PGconn      *conn;
	char        *url;
	char        *app_name;
	char        *options;
	unsigned     gen;		/* incremented on every successful connect */
	int          in_tx;
	int          down;
	int          plan_for_values;	/* db_plan_for_values */
	char         err[512];
	unsigned     queries;
	int64_t      micros;
	/* The statements prepared on conn (forgotten on every connect). */
	size_t                 nprepared;
	const struct db_stmt  *prepared[DB_MAX_PREPARED];

	/* The fallback (db_fallback.c); fallback_url NULL: none. */
	char        *fallback_url;
	const char  *url_name;		/* how log lines name them, e.g. DATABASE_READ_URL */
	const char  *fallback_name;
	int          on_fallback;
	int64_t      return_at_ms;	/* monotonic: next try of url while on the fallback */
	PGconn      *probe;		/* on the fallback: a non-blocking attempt at url */
	PostgresPollingStatusType probe_wants;
	int64_t      probe_deadline_ms;
};

/* Keeps prefix and the first line of msg as the handle's error. */
void db_set_error(struct db *db, const char *prefix, const char *msg);

/* The connection keywords and values for url (DB_NPARAMS entries each). */
void db_params(const struct db *db, const char *url, const char **keys, const char **vals);

/* Opens a connection to url; NULL with the error set on failure. */
PGconn *db_open(struct db *db, const char *url);

/* Takes conn as the handle's connection: statements are prepared afresh. */
void db_adopt(struct db *db, PGconn *conn);

/* strdup that passes NULL through. */
char *db_strdup(const char *s);

/* Closes the handle's connection, if any; leaves any transaction. */
void db_disconnect(struct db *db);

/*
 * db_fallback.c: connects to url or, when it does not answer, to the
 * fallback (see db_set_fallback).  0, or -1 with the error naming both.
 */
int db_fallback_connect(struct db *db);

/* db_fallback.c: drops an attempt at url in progress, if any. */
void db_fallback_stop(struct db *db);

#endif
