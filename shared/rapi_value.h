/*
 * rapi_value: reading one upstream JSON value into a typed field, the rules
 * every parser of rapi_parse.c shares (see rapi_model.h for what the fields
 * mean).  A record parser describes its struct with a table of
 * { key, kind, offset } and calls rapi_value_fields().
 */
#ifndef DH_RAPI_VALUE_H
#define DH_RAPI_VALUE_H

#include <stddef.h>

#include <jansson.h>

#include "rapi_model.h"

enum rapi_value_kind {
	RAPI_V_TEXT,     /* char *: any text */
	RAPI_V_NAME,     /* char *: a name the database indexes, at most 500 bytes */
	RAPI_V_ID,       /* char *: an upstream id, [A-Za-z0-9_.-], at most 64 */
	RAPI_V_REGION,   /* char *: a region code, letters, made uppercase */
	RAPI_V_DATE,     /* char *: "YYYY-MM-DD", a real date */
	RAPI_V_INT,      /* struct rapi_int: 0 or more */
	RAPI_V_PLACE,    /* struct rapi_int: 1 or more; other text ("PU", "NR", "0") is absent, not bad */
	RAPI_V_REAL,     /* struct rapi_real: 0 up to 1e9 */
	RAPI_V_PRICE,    /* struct rapi_real: decimal odds up to 1e6; "SP" and < 1.0005 are no price */
	RAPI_V_BOOL,     /* struct rapi_int: 0 or 1 */
	RAPI_V_INSTANT,  /* struct rapi_time: ISO-8601 with an offset, 1970 to 9998 */
	RAPI_V_UKLOCAL,  /* struct rapi_time: "YYYY-MM-DD HH:MM:SS" Europe/London, likewise */
	RAPI_V_DURATION, /* struct rapi_real: "2:19.97" or "59.3" -> seconds */
};

struct rapi_value_field {
	const char *key;
	int         kind;    /* enum rapi_value_kind */
	size_t      offset;  /* of the member in the record */
};

/* What the values of one parse are carved from and counted in. */
struct rapi_value_ctx {
	struct rapi_arena  *arena;
	struct rapi_counts *counts;
	int                 oom;  /* set when an allocation failed */
};

/* Fills the members of rec that the table names from the object obj. */
void rapi_value_fields(struct rapi_value_ctx *x, const json_t *obj,
    const struct rapi_value_field *f, size_t n, void *rec);

/*
 * Returns 1 when s[0..len) is one of upstream's "no value" markers: "", "-",
 * an en or em dash, or only blanks.
 */
int rapi_value_missing(const char *s, size_t len);

#endif
