/*
 * qstring: the decoding core of a URL query string ("a=1&b=x%20y"):
 * splitting it into key=value pairs and percent-decoding them, "+" being a
 * space.  The API reads query strings strictly (fcgi-api/query.c: a bad
 * escape is a 400); the simulator leniently, as the upstream's Starlette
 * does (a bad escape stays as it is).  Validation of the values is the
 * callers' business.
 */
#ifndef DH_QSTRING_H
#define DH_QSTRING_H

#include <stddef.h>

/* Flags. */
#define QSTRING_STRICT 1	/* a "%" without two hex digits, or a NUL in a name, is an error */
#define QSTRING_PLUS   2	/* "+" decodes to a space (query strings; not paths) */

/* Why qstring_split failed. */
enum qstring_error {
	QSTRING_BAD_ESCAPE = -1,	/* strict only */
	QSTRING_NUL_NAME = -2,		/* strict only: "a%00b=1" must not pass for "a" */
	QSTRING_TOO_MANY = -3,
	QSTRING_NOMEM = -4,
};

struct qstring_pair {
	const char *key;	/* decoded, NUL-terminated */
	const char *value;	/* decoded, NUL-terminated; "" for a key without "=" */
	size_t      value_len;	/* may differ from strlen(value) when it holds a NUL */
	int         key_escaped;	/* the key as sent held a "%" escape */
};

/*
 * Percent-decodes src[0..n) into dst (room for n + 1 bytes: decoding never
 * lengthens), NUL-terminated.  Returns the decoded length, or -1 at a bad
 * escape with QSTRING_STRICT (without it the "%" is kept as it is).
 */
long qstring_decode(const char *src, size_t n, char *dst, int flags);

/*
 * Splits raw (NULL or "" has no pairs) at every byte of seps ("&", or
 * "&;"), empty pieces skipped, into at most max pairs decoded with flags |
 * QSTRING_PLUS into *storage, which it allocates (NULL when there is
 * nothing) and the caller frees with free() in every case.  Returns the
 * number of pairs, or a qstring_error with *at set to the offset in raw of
 * the piece at fault.
 */
int qstring_split(const char *raw, const char *seps, int flags, struct qstring_pair *pairs,
    size_t max, char **storage, size_t *at);

#endif
