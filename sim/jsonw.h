/*
 * jsonw: writes JSON text straight into a buf, without building a tree, so
 * that a full day of racecards (some 3 MB) costs one buffer and no
 * allocation per value.  Callers open and close containers in order; the
 * writer puts the commas.  Strings are copied as they are (the world only
 * holds valid UTF-8) with quotes, backslashes and controls escaped.
 *
 * The first failure (the buffer's maximum, or memory) frees the buffer (see
 * buf.h) and makes every later call a no-op; jsonw_failed() reports it.
 *
 * The "wrong_types" fault: after jsonw_corrupt(), one string value in every
 * few comes out as a number, null or an object instead.
 */
#ifndef SIM_JSONW_H
#define SIM_JSONW_H

#include <stdint.h>

#include "buf.h"

#define JSONW_DEPTH 16

struct jsonw {
	struct buf *b;
	int         depth;
	int         first[JSONW_DEPTH];  /* no element yet at this depth */
	int         after_key;           /* the next value belongs to a key */
	int         failed;
	uint64_t    corrupt_key;         /* 0: no corruption */
	uint64_t    strings;             /* string values written */
};

/* Starts writing into b (which the caller owns).  Cannot fail. */
void jsonw_init(struct jsonw *w, struct buf *b);

/* From now on, corrupt some string values, chosen by key.  Cannot fail. */
void jsonw_corrupt(struct jsonw *w, uint64_t key);

void jsonw_obj(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);

/* An object key; the next call writes its value. */
void jsonw_key(struct jsonw *w, const char *key);

void jsonw_str(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, int v);

/* Key and value in one call. */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, long long v);
void jsonw_kbool(struct jsonw *w, const char *key, int v);
/* A string value formatted with printf (at most 1 KB). */
void jsonw_kfmt(struct jsonw *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An integer written as a JSON string, the upstream's habit: "field_size": "10". */
void jsonw_knum(struct jsonw *w, const char *key, long long v);
/* An empty array value: "quotes": []. */
void jsonw_kempty(struct jsonw *w, const char *key);

/* Non-zero once a write failed (the buffer is then freed). */
int jsonw_failed(const struct jsonw *w);

#endif
