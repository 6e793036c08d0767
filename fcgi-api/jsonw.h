/*
 * jsonw: writing JSON text straight into a buf, for bodies built in one pass
 * over a query result (no Jansson tree in between).
 *
 * Errors are sticky: once an addition fails (the buffer's maximum, or out of
 * memory; the buf then frees itself, see buf.h) every later call does
 * nothing and jsonw_failed() says so.  The caller checks once at the end.
 */
#ifndef DH_JSONW_H
#define DH_JSONW_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct jsonw {
	struct buf *b;
	int         failed;
};

/* Starts writing at the end of b.  Cannot fail. */
void jsonw_init(struct jsonw *w, struct buf *b);

/* Appends raw JSON text (punctuation, a key with its colon, a literal). */
void jsonw_raw(struct jsonw *w, const char *s);

/* Appends n bytes of raw JSON text. */
void jsonw_rawn(struct jsonw *w, const char *s, size_t n);

/* Appends a string literal as raw JSON text (its length known at compile time). */
#define jsonw_lit(w, lit) jsonw_rawn((w), "" lit, sizeof(lit) - 1)

/* Appends printf-formatted raw JSON text. */
void jsonw_rawf(struct jsonw *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Appends s as a JSON string, escaped; NULL becomes null.  Bytes that are not
 * valid UTF-8 become U+FFFD.
 */
void jsonw_str(struct jsonw *w, const char *s);

/*
 * Appends a number given as text (a PostgreSQL numeric or integer value);
 * NULL, or text that is not a plain decimal number, becomes null.
 */
void jsonw_num(struct jsonw *w, const char *s);

/*
 * Appends a PostgreSQL timestamptz as text ("2025-10-14 12:04:59+00", UTC
 * session) as an ISO-8601 JSON string ("2025-10-14T12:04:59+00:00"); NULL
 * becomes null.
 */
void jsonw_time(struct jsonw *w, const char *pg);

/* Appends a time_t as an ISO-8601 JSON string in UTC ("...+00:00"). */
void jsonw_instant(struct jsonw *w, time_t t);

/* Non-zero once anything failed. */
int jsonw_failed(const struct jsonw *w);

/*
 * Parses a PostgreSQL timestamptz text in a UTC session ("2025-10-14
 * 12:04:59+00", optionally with fractional seconds).  Returns 0 or -1.
 */
int jsonw_parse_pgtime(const char *s, time_t *out);

/* Returns 1 when s is a plain JSON-compatible decimal number ("-12.50"). */
int jsonw_is_number(const char *s);

#endif
