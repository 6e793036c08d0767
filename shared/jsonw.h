/*
 * jsonw: writes JSON text straight into a buf, without building a tree, for
 * bodies made in one pass (a query result, a day of racecards): one buffer,
 * no allocation per value.  The writer tracks nesting, puts the commas and
 * colons, and refuses what would not be JSON (a value where a key belongs,
 * a key in an array, a close that does not match, a second top-level value).
 *
 * Callers open and close containers in order:
 *
 *	jsonw_obj(w);
 *	jsonw_kstr(w, "race_id", id);
 *	jsonw_key(w, "runners");
 *	jsonw_arr(w); ... jsonw_arr_end(w);
 *	jsonw_obj_end(w);
 *
 * Strings are escaped as JSON requires; bytes that are not valid UTF-8 (and
 * NULs cannot occur in a C string) become U+FFFD.  Besides the JSON types,
 * values the product's bodies need: a number given as PostgreSQL text
 * (jsonw_num), a PostgreSQL timestamptz as ISO-8601 (jsonw_time), a time_t
 * (jsonw_instant) and a value already encoded as JSON (jsonw_token, e.g.
 * an element of an array json_agg built).
 *
 * Errors are sticky: the first failure (the buffer's maximum or out of
 * memory, which free the buf, see buf.h; or a misuse above, or nesting
 * deeper than JSONW_DEPTH) makes every later call do nothing, and
 * jsonw_failed() says so.  The caller checks once at the end.
 */
#ifndef DH_JSONW_H
#define DH_JSONW_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define JSONW_DEPTH 32

struct jsonw;

/*
 * A hook jsonw_str calls before writing a string value (not a key; s may
 * be NULL): it
 * returns 1 when it wrote a value in its place (with the calls below; the
 * hook is not called for what it writes), 0 to let s be written.  The
 * simulator's "wrong_types" fault uses it.
 */
typedef int (*jsonw_str_hook)(struct jsonw *w, const char *s, void *arg);

struct jsonw {
	struct buf    *b;
	int            depth;
	unsigned char  first[JSONW_DEPTH];	/* no element yet in this container */
	unsigned char  in_obj[JSONW_DEPTH];	/* the container is an object */
	int            after_key;		/* the next value belongs to a key */
	int            failed;
	jsonw_str_hook hook;
	void          *hook_arg;
};

/* Starts writing at the end of b (which the caller owns).  Cannot fail. */
void jsonw_init(struct jsonw *w, struct buf *b);

/* Sets (or, with NULL, clears) the string hook.  Cannot fail. */
void jsonw_set_hook(struct jsonw *w, jsonw_str_hook hook, void *arg);

void jsonw_obj(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);

/* An object key; the next call writes its value. */
void jsonw_key(struct jsonw *w, const char *key);

/* A key given as an encoded JSON string ("\"bet365\"", as json_agg wrote it), n bytes. */
void jsonw_key_token(struct jsonw *w, const char *p, size_t n);

/* A string, escaped; NULL becomes null.  Invalid UTF-8 becomes U+FFFD. */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);

/* A number with a fixed count of decimals ("%.2f"); null when not finite. */
void jsonw_fixed(struct jsonw *w, double v, int decimals);

/*
 * A number given as text (a PostgreSQL numeric or integer value); NULL, or
 * text that is not a plain decimal number (see jsonw_is_number), becomes
 * null.
 */
void jsonw_num(struct jsonw *w, const char *s);

/*
 * A PostgreSQL timestamptz as text ("2025-10-14 12:04:59+00", UTC session)
 * as an ISO-8601 string ("2025-10-14T12:04:59+00:00"); NULL or unreadable
 * text becomes null.
 */
void jsonw_time(struct jsonw *w, const char *pg);

/* A time_t as an ISO-8601 string in UTC ("...+00:00", PostgreSQL's JSON form). */
void jsonw_instant(struct jsonw *w, time_t t);

/*
 * A value already encoded as JSON, p[0..n) copied as it stands (the caller
 * vouches for it); an empty token fails.
 */
void jsonw_token(struct jsonw *w, const char *p, size_t n);

/* Key and value in one call. */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, long long v);
void jsonw_kbool(struct jsonw *w, const char *key, int v);

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
