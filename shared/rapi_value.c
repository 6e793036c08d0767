/* rapi_value: one upstream value into one typed field (see rapi_value.h). */
#include "num.h"
#include "rapi_value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "jsonout.h"
#include "rapi_arena.h"

/*
 * Bounds that keep every value storable: upstream numbers are counts,
 * ratings, weights, lengths and money, never negative; reals fit the
 * numeric(12,2) columns and prices numeric(10,3) with CHECK (decimal > 1)
 * (a price under 1.0005 rounds to 1.000 there: no price, as "1.0" is).
 * Names are keys of btree indexes, whose rows hold at most a few kB.
 */
#define RAPI_VALUE_ID_MAX    64
#define RAPI_VALUE_NAME_MAX  500
#define RAPI_VALUE_INT_MAX   2147483647L
#define RAPI_VALUE_REAL_MAX  1e9
#define RAPI_VALUE_PRICE_MIN 1.0005
#define RAPI_VALUE_PRICE_MAX 1e6

int
rapi_value_missing(const char *s, size_t len)
{
	size_t i;

	if ((len == 1 && s[0] == '-') ||
	    (len == 3 && memcmp(s, "\xe2\x80", 2) == 0 && (s[2] == '\x93' || s[2] == '\x94')))
		return 1;
	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		continue;
	return i == len;
}

/* A decimal number, the whole string: no hex, no inf/nan, no blanks. */
static int
rapi_value_real(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0' || strspn(s, "0123456789.+-eE") != strlen(s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || fabs(v) > RAPI_VALUE_REAL_MAX)
		return -1;
	*out = v;
	return 0;
}

/* "2:19.97" (minutes:seconds) or "59.3" (seconds) as seconds. */
static int
rapi_value_duration(const char *s, double *out)
{
	const char *colon = strchr(s, ':');
	double secs;
	long mins = 0;
	char m[8];

	if (colon != NULL) {
		if (colon == s || (size_t)(colon - s) >= sizeof(m))
			return -1;
		memcpy(m, s, (size_t)(colon - s));
		m[colon - s] = '\0';
		if (num_parse_long(m, 0, 600, &mins) < 0)
			return -1;
		s = colon + 1;
	}
	if (rapi_value_real(s, &secs) < 0 || secs < 0 || (colon != NULL && secs >= 60))
		return -1;
	*out = (double)mins * 60 + secs;
	return 0;
}

static int
rapi_value_id_ok(const char *s, size_t len)
{
	if (len > RAPI_VALUE_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* Text kinds: validates and copies s into the arena at *dst. */
static int
rapi_value_text(struct rapi_value_ctx *x, int kind, const char *s, size_t len, char **dst)
{
	struct clock_date d;
	char *p;

	switch (kind) {
	case RAPI_V_ID:
		if (!rapi_value_id_ok(s, len))
			return -1;
		break;
	case RAPI_V_REGION:
		if (len > 8)
			return -1;
		for (size_t i = 0; i < len; i++)
			if (!isalpha((unsigned char)s[i]))
				return -1;
		break;
	case RAPI_V_DATE:
		if (len != 10 || clock_parse_date(s, &d) < 0)
			return -1;
		break;
	case RAPI_V_NAME:
		if (len > RAPI_VALUE_NAME_MAX || !jsonout_valid_utf8(s, len))
			return -1;
		break;
	default:
		if (!jsonout_valid_utf8(s, len))
			return -1;
	}
	p = rapi_arena_strndup(x->arena, s, len);
	if (p == NULL) {
		x->oom = 1;
		return 0;
	}
	if (kind == RAPI_V_REGION)
		for (char *q = p; *q != '\0'; q++)
			*q = (char)toupper((unsigned char)*q);
	*dst = p;
	return 0;
}

/*
 * A REAL or PRICE d into r: 0 (set, or for a price under the floor, no
 * price), or -1 when out of range.
 */
static int
rapi_value_set_real(int kind, double d, struct rapi_real *r)
{
	if (!isfinite(d))
		return -1;
	if (kind == RAPI_V_PRICE) {
		if (d < RAPI_VALUE_PRICE_MIN)
			return 0;
		if (d > RAPI_VALUE_PRICE_MAX)
			return -1;
	} else if (d < 0 || d > RAPI_VALUE_REAL_MAX) {
		return -1;
	}
	r->present = 1;
	r->v = d;
	return 0;
}

/*
 * An INT or PLACE d (a whole number) into i: 0, or -1 when out of range.
 * A place is 1 or more; anything else is no placing, not an error.
 */
static int
rapi_value_set_int(int kind, double d, struct rapi_int *i)
{
	if (d < (kind == RAPI_V_PLACE ? 1 : 0) || d > RAPI_VALUE_INT_MAX)
		return kind == RAPI_V_PLACE ? 0 : -1;
	i->present = 1;
	i->v = (long)d;
	return 0;
}

/* Number kinds from a JSON number. */
static int
rapi_value_number(const json_t *v, int kind, void *dst)
{
	double d = json_number_value(v);

	if (kind == RAPI_V_REAL || kind == RAPI_V_PRICE)
		return rapi_value_set_real(kind, d, dst);
	if (kind != RAPI_V_INT && kind != RAPI_V_PLACE)
		return -1;
	if (!isfinite(d) || d != floor(d))
		return kind == RAPI_V_PLACE ? 0 : -1;
	return rapi_value_set_int(kind, d, dst);
}

/*
 * An instant PostgreSQL and the day arithmetic can hold: 1970 (time of day
 * by plain modulo) up to the start of year 9999 (four-digit years, even a
 * day on).
 */
static int
rapi_value_time_ok(time_t t)
{
	static const struct clock_date last = { 9999, 1, 1 };

	return t >= 0 && t < clock_date_to_utc(&last);
}

/* Number and time kinds from text. */
static int
rapi_value_parse(const char *s, int kind, void *dst)
{
	struct rapi_int *i = dst;
	struct rapi_real *r = dst;
	struct rapi_time *t = dst;
	double d;
	long n;

	switch (kind) {
	case RAPI_V_INT:
	case RAPI_V_PLACE:
		if (num_parse_long(s, -RAPI_VALUE_INT_MAX, RAPI_VALUE_INT_MAX, &n) < 0)
			return kind == RAPI_V_PLACE ? 0 : -1;
		return rapi_value_set_int(kind, (double)n, dst);
	case RAPI_V_PRICE:
		if (strcmp(s, "SP") == 0)
			return 0;
		/* FALLTHROUGH */
	case RAPI_V_REAL:
		if (rapi_value_real(s, &d) < 0)
			return -1;
		return rapi_value_set_real(kind, d, dst);
	case RAPI_V_DURATION:
		if (rapi_value_duration(s, &d) < 0)
			return -1;
		break;
	case RAPI_V_BOOL:
		if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
			return -1;
		i->present = 1;
		i->v = s[0] == 't';
		return 0;
	case RAPI_V_INSTANT:
	case RAPI_V_UKLOCAL:
		if ((kind == RAPI_V_INSTANT ? clock_parse_instant(s, &t->v) :
		    clock_parse_uk_local(s, &t->v)) < 0 || !rapi_value_time_ok(t->v))
			return -1;
		t->present = 1;
		return 0;
	default:
		return -1;
	}
	r->present = 1;
	r->v = d;
	return 0;
}

static int
rapi_value_is_text(int kind)
{
	return kind == RAPI_V_TEXT || kind == RAPI_V_NAME || kind == RAPI_V_ID ||
	    kind == RAPI_V_REGION || kind == RAPI_V_DATE;
}

/* One field; returns -1 when the value is present but unusable. */
static int
rapi_value_one(struct rapi_value_ctx *x, const json_t *v, int kind, void *dst)
{
	const char *s;
	size_t len;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_number(v))
		return rapi_value_is_text(kind) ? -1 : rapi_value_number(v, kind, dst);
	if (json_is_boolean(v)) {
		if (kind != RAPI_V_BOOL)
			return kind == RAPI_V_PLACE ? 0 : -1;
		((struct rapi_int *)dst)->present = 1;
		((struct rapi_int *)dst)->v = json_is_true(v);
		return 0;
	}
	if (!json_is_string(v))
		return kind == RAPI_V_PLACE ? 0 : -1;
	s = json_string_value(v);
	len = json_string_length(v);
	if (rapi_value_missing(s, len))
		return 0;
	if (rapi_value_is_text(kind))
		return rapi_value_text(x, kind, s, len, dst);
	/* An embedded NUL would hide the rest of the text from the parsers. */
	if (strlen(s) != len)
		return kind == RAPI_V_PLACE ? 0 : -1;
	return rapi_value_parse(s, kind, dst);
}

void
rapi_value_fields(struct rapi_value_ctx *x, const json_t *obj,
    const struct rapi_value_field *f, size_t n, void *rec)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(obj, f[i].key);

		if (rapi_value_one(x, v, f[i].kind, (char *)rec + f[i].offset) < 0)
			x->counts->bad_fields++;
	}
}
