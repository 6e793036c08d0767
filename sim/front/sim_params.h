/*
 * sim_params: the query string as the upstream (FastAPI) reads it.  Keys may
 * repeat (region_codes=gb&region_codes=ire) and may carry the "[]" suffix
 * of the PHP-style form (region_codes[]=gb), which counts as the same name.
 * Decoding (shared/qstring.h) is lenient like Starlette's: "+" is a space,
 * "%XX" a byte, and a malformed escape stays as it is; keys and values that
 * are not valid UTF-8 have their bytes >= 0x80 made '?'.
 *
 * Validation errors become FastAPI (pydantic v1) "detail" items, collected
 * in p->errors for a 422 answer, with the upstream's exact messages, e.g.
 * {"loc":["query","name"],"msg":"field required","type":"value_error.missing"}.
 */
#ifndef SIM_PARAMS_H
#define SIM_PARAMS_H

#include <stddef.h>

#include <jansson.h>

#include "clock.h"
#include "jsonw.h"
#include "qstring.h"

#define SIM_PARAMS_MAX 256

struct sim_params {
	size_t              n;
	struct qstring_pair pairs[SIM_PARAMS_MAX];  /* keys as given, decoded: "region_codes[]" */
	char               *storage;
	json_t             *errors;                 /* NULL until a check fails */
};

/*
 * Decodes raw (may be NULL or "").  Returns 0, or -1 when there are more
 * than SIM_PARAMS_MAX parameters or memory ran out.  Call sim_params_free() in
 * both cases.
 */
int sim_params_parse(struct sim_params *p, const char *raw);

/* Frees what sim_params_parse and the checks allocated.  Safe to call twice. */
void sim_params_free(struct sim_params *p);

/* The last value given for name (or name[]), FastAPI's choice; NULL when absent. */
const char *sim_params_get(const struct sim_params *p, const char *name);

/* Every value of name and name[], in order; returns how many (at most max). */
size_t sim_params_list(const struct sim_params *p, const char *name, const char **out, size_t max);

/*
 * An integer in [min, max]: returns 1 when given and valid, 0 when absent
 * (*out = def), -1 when invalid (*out = def, a detail item added).
 */
int sim_params_int(struct sim_params *p, const char *name, long min, long max, long def, long *out);

/* A required parameter: 1 with *out set, or -1 with "field required" added. */
int sim_params_require(struct sim_params *p, const char *name, const char **out);

/*
 * A "YYYY-MM-DD" date: 1 when given and valid, 0 when absent, -1 when
 * malformed (a detail item added).
 */
int sim_params_date(struct sim_params *p, const char *name, struct clock_date *out);

/* Adds a detail item for name; msg and type are copied. */
void sim_params_error(struct sim_params *p, const char *name, const char *msg, const char *type);

/* Writes the upstream's "query" echo: [["date", "2025-10-14"], ...]. */
void sim_params_echo(const struct sim_params *p, struct jsonw *w);

#endif
