/*
 * db_fallback: dh-api's replica fallback (see db_set_fallback in db.h).
 *
 * A handle with a fallback connects to url (the replica) and, when it does
 * not answer, to the fallback (the primary, as the same read-only role).
 * While there, db_poll_fallback() tries url again without blocking between
 * requests and moves back when it answers, so one request never reads from
 * two servers.  The workers never set a fallback.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "db_int.h"
#include "log.h"

#define DB_RETURN_AFTER_MS 10000	/* on the fallback: how often to try url again */
#define DB_PROBE_MS        5000		/* how long an attempt at url may take */

void
db_fallback_stop(struct db *db)
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
	db_fallback_stop(db);
}

/*
 * On the fallback, url is skipped until its retry time, unless the
 * fallback fails too.
 */
int
db_fallback_connect(struct db *db)
{
	char why[sizeof(db->err)] = "";
	PGconn *conn = NULL;
	int tried_url = 0;

	db_disconnect(db);
	db_fallback_stop(db);
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
	db_fallback_stop(db);
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
