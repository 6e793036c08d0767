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
	r->copy = 0;
	r->fields = 0;
	r->failed = buf_add(&r->buf, "[", 1) < 0;
}

void
rows_init_copy(struct rows *r, size_t max_bytes)
{
	buf_init(&r->buf, max_bytes);
	r->n = 0;
	r->copy = 1;
	r->fields = 0;
	r->failed = 0;
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
	if (r->copy)
		rows_check(r, r->n > 0 ? buf_add(&r->buf, "\n", 1) : 0);
	else
		rows_check(r, buf_addstr(&r->buf, r->n > 0 ? "},{" : "{"));
	r->n++;
	r->fields = 0;
}

/* Starts a field: "key": after a comma (JSON), or a tab between fields (COPY). */
static int
rows_key(struct rows *r, const char *key)
{
	int rc;

	if (r->failed)
		return -1;
	if (r->copy)
		rc = r->fields > 0 ? buf_add(&r->buf, "\t", 1) : 0;
	else if ((rc = r->fields > 0 ? buf_add(&r->buf, ",", 1) : 0) == 0)
		rc = buf_addf(&r->buf, "\"%s\":", key);
	r->fields++;
	rows_check(r, rc);
	return rc;
}

/* Appends s escaped for COPY text: backslash, tab, newline, carriage return. */
static int
rows_copy_escape(struct buf *b, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" :
		    *s == '\r' ? "\\r" : NULL;

		if (esc == NULL)
			continue;
		if (buf_add(b, run, (size_t)(s - run)) < 0 || buf_addstr(b, esc) < 0)
			return -1;
		run = s + 1;
	}
	return buf_add(b, run, (size_t)(s - run));
}

/* Writes the literal for SQL NULL in the current encoding. */
static int
rows_null(struct rows *r)
{
	return buf_addstr(&r->buf, r->copy ? "\\N" : "null");
}

void
rows_text(struct rows *r, const char *key, const char *v)
{
	if (rows_key(r, key) < 0)
		return;
	if (v == NULL)
		rows_check(r, rows_null(r));
	else
		rows_check(r, r->copy ? rows_copy_escape(&r->buf, v) : jsonout_quote(&r->buf, v));
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
		rows_check(r, v->present ? buf_addf(&r->buf, "%ld", v->v) : rows_null(r));
}

void
rows_double(struct rows *r, const char *key, double v, int present)
{
	if (rows_key(r, key) == 0)
		rows_check(r, present ? buf_addf(&r->buf, "%.10g", v) : rows_null(r));
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
		rows_check(r, buf_addstr(&r->buf, r->copy ? (v ? "t" : "f") : (v ? "true" : "false")));
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

void
rows_race(struct rows *r, const struct rapi_race *race, const char *day)
{
	rows_open(r);
	rows_text(r, "race_id", race->race_id);
	rows_text(r, "race_date", day);
	rows_instant(r, "off_dt", &race->off_dt);
	rows_text(r, "course_id", race->course_id);
	rows_text(r, "course", race->course);
	rows_text(r, "region_code", race->region);
	rows_text(r, "race_name", race->race_name);
}

const char *
rows_finish(struct rows *r)
{
	if (r->failed)
		return NULL;
	if (r->copy)
		rows_check(r, r->n > 0 ? buf_add(&r->buf, "\n", 1) : 0);
	else
		rows_check(r, buf_addstr(&r->buf, r->n > 0 ? "}]" : "]"));
	return r->failed ? NULL : buf_str(&r->buf);
}
