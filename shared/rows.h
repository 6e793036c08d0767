/*
 * rows: how the workers send a whole batch to PostgreSQL without ever
 * quoting a value into SQL, in one of two encodings:
 *
 *   - JSON (rows_init): an array of objects for json_to_recordset($1::json),
 *     one parameter per batch; keys name the columns.
 *   - COPY text (rows_init_copy): for COPY ... FROM STDIN (db_copy_in), the
 *     fastest way in for large batches; keys are ignored and the order of
 *     the calls must follow the COPY column list.
 *
 *   struct rows r;
 *   rows_init(&r, max_bytes);
 *   for each record: rows_open(&r); rows_text(&r, "race_id", id); ...
 *   data = rows_finish(&r);    NULL if building failed (too big, out of memory)
 *   ... db_exec with data as $1, or db_copy_in(db, "COPY ...", data, r.buf.len) ...
 *   rows_free(&r);
 *
 * The add calls never fail visibly: the first failure frees the buffer and
 * later calls do nothing, so rows_finish() is the one check.  Absent values
 * are null (JSON) or \N (COPY).
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
	int        copy;	/* COPY text rather than JSON */
	int        fields;	/* fields written in the open record */
};

void rows_init(struct rows *r, size_t max_bytes);
void rows_init_copy(struct rows *r, size_t max_bytes);
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
 * Opens a row and adds a race's own columns, in this order: race_id,
 * race_date (day, the racing day as YYYY-MM-DD), off_dt, course_id, course,
 * region_code, race_name (ra_races, ra_results, dh-live's live_races).
 */
void rows_race(struct rows *r, const struct rapi_race *race, const char *day);

/*
 * Ends the batch and returns it (length in r->buf.len), owned by r; NULL
 * when any addition failed.  Call once.
 */
const char *rows_finish(struct rows *r);

#endif
