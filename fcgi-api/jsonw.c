/* jsonw: JSON text written straight into a buf (see jsonw.h). */
#include "jsonw.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "jsonout.h"

void
jsonw_init(struct jsonw *w, struct buf *b)
{
	w->b = b;
	w->failed = 0;
}

static void
jsonw_add(struct jsonw *w, const char *p, size_t n)
{
	if (!w->failed && buf_add(w->b, p, n) < 0)
		w->failed = 1;
}

void
jsonw_raw(struct jsonw *w, const char *s)
{
	jsonw_add(w, s, strlen(s));
}

void
jsonw_rawn(struct jsonw *w, const char *s, size_t n)
{
	jsonw_add(w, s, n);
}

void
jsonw_rawf(struct jsonw *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failed)
		return;
	va_start(ap, fmt);
	if (buf_vaddf(w->b, fmt, ap) < 0)
		w->failed = 1;
	va_end(ap);
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	json_t *fixed = NULL;

	if (w->failed)
		return;
	/* Text from the database is UTF-8; anything else is repaired first. */
	if (s != NULL && !jsonout_valid_utf8(s, strlen(s))) {
		fixed = jsonout_string(s, strlen(s));
		s = fixed != NULL ? json_string_value(fixed) : NULL;
		w->failed = fixed == NULL;
	}
	if (!w->failed && jsonout_quote(w->b, s) < 0)
		w->failed = 1;
	json_decref(fixed);
}

int
jsonw_is_number(const char *s)
{
	size_t i = 0, digits = 0;

	if (s[i] == '-')
		i++;
	while (s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (digits == 0)
		return 0;
	if (s[i] == '.') {
		i++;
		digits = 0;
		while (s[i] >= '0' && s[i] <= '9') {
			i++;
			digits++;
		}
		if (digits == 0)
			return 0;
	}
	return s[i] == '\0';
}

void
jsonw_num(struct jsonw *w, const char *s)
{
	if (s == NULL || !jsonw_is_number(s))
		jsonw_add(w, "null", 4);
	else
		jsonw_raw(w, s);
}

int
jsonw_parse_pgtime(const char *s, time_t *out)
{
	char iso[48];
	size_t n = strlen(s);

	/* "+00" (a whole-hour zone) is PostgreSQL's short form of "+00:00". */
	if (n < 19 || n + 4 > sizeof(iso))
		return -1;
	memcpy(iso, s, n + 1);
	if (n >= 3 && (iso[n - 3] == '+' || iso[n - 3] == '-'))
		memcpy(iso + n, ":00", 4);
	return clock_parse_instant(iso, out);
}

void
jsonw_instant(struct jsonw *w, time_t t)
{
	char iso[32];

	clock_format_instant(t, iso, sizeof(iso));
	/* "...Z" -> "...+00:00", the form PostgreSQL's JSON uses. */
	iso[strlen(iso) - 1] = '\0';
	jsonw_rawf(w, "\"%s+00:00\"", iso);
}

void
jsonw_time(struct jsonw *w, const char *pg)
{
	time_t t;

	if (pg == NULL || jsonw_parse_pgtime(pg, &t) < 0)
		jsonw_add(w, "null", 4);
	else
		jsonw_instant(w, t);
}

int
jsonw_failed(const struct jsonw *w)
{
	return w->failed;
}
