/*
 * query: the query string, decoded once, and typed getters that validate a
 * parameter and, when it is bad, add a FastAPI-style item naming it to the
 * request's 422 "detail" list.
 *
 * Getters that take a single value refuse a parameter given more than once,
 * a value with a NUL byte, invalid UTF-8, or longer than their limit.
 * Parameters nobody asks for are ignored.
 */
#ifndef DH_QUERY_H
#define DH_QUERY_H

#include <stddef.h>

#include <jansson.h>

#include "clock.h"
#include "qstring.h"

#define QUERY_MAX_LEN    16384	/* bytes of raw query string */
#define QUERY_MAX_PARAMS 64
#define QUERY_MAX_VALUE  1024	/* default longest value a getter accepts */
#define QUERY_MAX_DECLARED 8	/* names query_declare takes (API_MAX_PARAMS) */

struct query {
	char               *storage;	/* decoded keys and values */
	size_t              n;
	struct qstring_pair params[QUERY_MAX_PARAMS];
	json_t             *errors;	/* NULL until a getter finds a bad value */
	/* query_declare: the only names the getters read; unrestricted when ndeclared is -1 */
	const char         *declared[QUERY_MAX_DECLARED];
	int                 ndeclared;
};

/*
 * Decodes a raw query string ("a=1&b=x%20y"; "+" is a space; pairs split at
 * "&" only, as the original's Starlette does), strictly (qstring.h).  A name
 * sent with a "%" escape ("%6Cimit") is nobody's parameter: no client spells
 * one so, and nginx's cache key, which reads names as sent, must see the
 * same parameters as the getters (fcgi-api/cachekey.c).  Returns 0, or
 * -1 with a message in err when the string is malformed (bad percent
 * escape, too long, too many parameters): the caller answers 400.  Call
 * query_free() in both cases.
 */
int query_parse(struct query *q, const char *raw, char *err, size_t errlen);

/*
 * After query_parse: the getters read only these names (a route's declared
 * parameters, NULL-terminated or n long).  A getter asked for another name
 * logs the mistake and sees the parameter as absent, so that nothing a
 * handler reads can be missing from nginx's cache key, which is made of the
 * same declarations (fcgi-api/cachekey.c).
 */
void query_declare(struct query *q, const char *const *names, size_t n);

/* Frees what query_parse allocated, errors included.  Safe to call twice. */
void query_free(struct query *q);

/*
 * The getters return 1 when the parameter was given and is valid (value in
 * *out), 0 when absent (*out holds the default), -1 when invalid (an error
 * was added; *out holds the default).
 */
int query_str(struct query *q, const char *name, size_t maxlen, const char **out);
int query_int(struct query *q, const char *name, long min, long max, long def, long *out);
int query_bool(struct query *q, const char *name, int def, int *out);
int query_date(struct query *q, const char *name, struct clock_date *out);
/* An instant: "2025-10-14T13:05:00Z" or with an offset (clock_parse_instant). */
int query_instant(struct query *q, const char *name, time_t *out);
int query_enum(struct query *q, const char *name, const char *const *choices,
    const char *def, const char **out);
/*
 * Checks that from is not after to and that they span at most max_days
 * days, both included; adds the error to "from" otherwise.  Returns 1 when
 * the span is good, -1 when not.
 */
int query_date_span(struct query *q, const struct clock_date *from, const struct clock_date *to,
    int max_days);

/*
 * The range from..to of racing days: "to" (default *to as given), "from"
 * (default default_days - 1 days before to), checked by query_date_span.
 * Returns 1, or -1 with the error added.
 */
int query_date_range(struct query *q, int default_days, int max_days, struct clock_date *from,
    struct clock_date *to);

/* An upstream id: 1..64 of [A-Za-z0-9_-], e.g. "rac_11745861". */
int query_id(struct query *q, const char *name, const char **out);

/* Returns 1 when s is a well-formed id (see query_id). */
int query_valid_id(const char *s);

/*
 * Validates a path capture as an id (see query_id): 1 with *out = value, or
 * -1 with an error located at ["path", name] and *out = NULL.
 */
int query_path_id(struct query *q, const char *name, const char *value, const char **out);

/* Adds an error item for name (msg is copied).  Returns -1 for convenience. */
int query_error(struct query *q, const char *name, const char *msg, const char *type);

#endif
