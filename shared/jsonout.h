/*
 * jsonout: helpers to turn Jansson values into response bodies, and to build
 * the error bodies every program answers with.
 */
#ifndef DH_JSONOUT_H
#define DH_JSONOUT_H

#include <jansson.h>

#include "buf.h"

/* Appends j as compact JSON to b.  Returns 0, or -1 (b freed, see buf.h). */
int jsonout_dump(struct buf *b, const json_t *j);

/*
 * Makes a JSON string from bytes that may not be valid UTF-8 (upstream
 * text): invalid sequences and NULs become U+FFFD.  Returns a new
 * reference, or NULL when out of memory.
 */
json_t *jsonout_string(const char *s, size_t len);

/*
 * Makes one item of a 422 "detail" list, FastAPI style:
 * {"loc": [where, name], "msg": msg, "type": type}.  Returns a new
 * reference, or NULL when out of memory.
 */
json_t *jsonout_detail_item(const char *where, const char *name, const char *msg,
    const char *type);

/*
 * Appends s as a JSON string literal (quoted and escaped), or null when s is
 * NULL; a byte that starts no valid UTF-8 sequence becomes U+FFFD, as in
 * jsonout_string.  Returns 0, or -1 (b freed, see buf.h).  For bodies too
 * large to build as Jansson trees (see jsonw.h).
 */
int jsonout_quote(struct buf *b, const char *s);

/* Returns 1 when s[0..len) is valid UTF-8 with no NUL, else 0. */
int jsonout_valid_utf8(const char *s, size_t len);

#endif
