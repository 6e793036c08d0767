/* rows: JSON records for json_to_recordset (see rows.h). */
#include "rows.h"

#include <stdio.h>

#include "clock.h"
#include "jsonout.h"

void
rows_init(struct rows *r, size_t max_bytes)
{
	buf_init(&r->buf, max_bytes);
	r->n = 0;
	r->failed = buf_add(&r->buf, "[", 1) < 0;
}

void
rows_free(struct rows *r)
{
	buf_free(&r->buf);
}

static void
rows_check(struct rows *r, int rc)
{
	if (rc < 0)
		r->failed = 1;
}

void
rows_open(struct rows *r)
{
	if (r->failed)
		return;
	rows_check(r, buf_addstr(&r->buf, r->n > 0 ? "},{" : "{"));
	r->n++;
}

/* Writes "key": after a comma unless the record was just opened. */
static int
rows_key(struct rows *r, const char *key)
{
	if (r->failed)
		return -1;
	if ((r->buf.data[r->buf.len - 1] != '{' && buf_add(&r->buf, ",", 1) < 0) ||
	    buf_addf(&r->buf, "\"%s\":", key) < 0) {
		r->failed = 1;
		return -1;
	}
	return 0;
}

void
rows_text(struct rows *r, const char *key, const char *v)
{
	if (rows_key(r, key) == 0)
		rows_check(r, jsonout_quote(&r->buf, v));
}

void
rows_long(struct rows *r, const char *key, long v)
{
	if (rows_key(r, key) == 0)
		rows_check(r, buf_addf(&r->buf, "%ld", v));
}

void
rows_int(struct rows *r, const char *key, const struct rapi_int *v)
{
	if (rows_key(r, key) == 0)
		rows_check(r, v->present ? buf_addf(&r->buf, "%ld", v->v) : buf_addstr(&r->buf, "null"));
}

void
rows_double(struct rows *r, const char *key, double v, int present)
{
	if (rows_key(r, key) == 0)
		rows_check(r, present ? buf_addf(&r->buf, "%.10g", v) : buf_addstr(&r->buf, "null"));
}

void
rows_real(struct rows *r, const char *key, const struct rapi_real *v)
{
	rows_double(r, key, v->v, v->present);
}

void
rows_bool(struct rows *r, const char *key, int v)
{
	if (rows_key(r, key) == 0)
		rows_check(r, buf_addstr(&r->buf, v ? "true" : "false"));
}

void
rows_instant(struct rows *r, const char *key, const struct rapi_time *v)
{
	char t[32];

	if (!v->present) {
		rows_text(r, key, NULL);
		return;
	}
	clock_format_instant(v->v, t, sizeof(t));
	rows_text(r, key, t);
}

const char *
rows_json(struct rows *r)
{
	if (r->failed)
		return NULL;
	rows_check(r, buf_addstr(&r->buf, r->n > 0 ? "}]" : "]"));
	return r->failed ? NULL : buf_str(&r->buf);
}
