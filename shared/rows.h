/*
 * rows: records written as a JSON array of objects for PostgreSQL's
 * json_to_recordset($1::json): how the workers send a whole batch in one
 * parameter (bulk, and no value is ever quoted into SQL).
 *
 *   struct rows r;
 *   rows_init(&r, max_bytes);
 *   for each record: rows_open(&r); rows_text(&r, "race_id", id); ...
 *   json = rows_json(&r);      NULL if building failed (too big, out of memory)
 *   ... db_exec with json as $1 ...
 *   rows_free(&r);
 *
 * The add calls never fail visibly: the first failure frees the buffer and
 * later calls do nothing, so rows_json() is the one check.  Absent values
 * are written as null.
 */
#ifndef DH_ROWS_H
#define DH_ROWS_H

#include <stddef.h>

#include "buf.h"
#include "rapi_model.h"

struct rows {
	struct buf buf;
	long       n;		/* records opened */
	int        failed;
};

void rows_init(struct rows *r, size_t max_bytes);
void rows_free(struct rows *r);

/* Starts a record (the previous one, if any, is closed). */
void rows_open(struct rows *r);

void rows_text(struct rows *r, const char *key, const char *v);
void rows_long(struct rows *r, const char *key, long v);
void rows_int(struct rows *r, const char *key, const struct rapi_int *v);
void rows_real(struct rows *r, const char *key, const struct rapi_real *v);
void rows_double(struct rows *r, const char *key, double v, int present);
void rows_bool(struct rows *r, const char *key, int v);
void rows_instant(struct rows *r, const char *key, const struct rapi_time *v);

/*
 * Closes the array and returns it, owned by r; NULL when any addition
 * failed.  Call once.
 */
const char *rows_json(struct rows *r);

#endif
