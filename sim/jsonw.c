/* jsonw: streaming JSON writer (see jsonw.h). */
#include "jsonw.h"

#include "jsonout.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"

/* One string value in CORRUPT_EVERY is replaced when corrupting. */
#define CORRUPT_EVERY 7

void
jsonw_init(struct jsonw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->first[0] = 1;
}

void
jsonw_corrupt(struct jsonw *w, uint64_t key)
{
	w->corrupt_key = key | 1;
}

static void
jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	if (!w->failed && buf_add(w->b, s, n) < 0)
		w->failed = 1;
}

/* The comma before an element, unless it is the first or a key's value. */
static void
jsonw_sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->first[w->depth])
		jsonw_raw(w, ",", 1);
	w->first[w->depth] = 0;
}

static void
jsonw_open(struct jsonw *w, const char *c)
{
	jsonw_sep(w);
	jsonw_raw(w, c, 1);
	if (w->depth + 1 >= JSONW_DEPTH) {
		w->failed = 1;
		return;
	}
	w->first[++w->depth] = 1;
}

static void
jsonw_close(struct jsonw *w, const char *c)
{
	jsonw_raw(w, c, 1);
	if (w->depth > 0)
		w->depth--;
}

void
jsonw_obj(struct jsonw *w)
{
	jsonw_open(w, "{");
}

void
jsonw_obj_end(struct jsonw *w)
{
	jsonw_close(w, "}");
}

void
jsonw_arr(struct jsonw *w)
{
	jsonw_open(w, "[");
}

void
jsonw_arr_end(struct jsonw *w)
{
	jsonw_close(w, "]");
}

/* Writes s quoted, escaping what JSON requires (libdh's jsonout_quote). */
static void
jsonw_quoted(struct jsonw *w, const char *s)
{
	if (!w->failed && jsonout_quote(w->b, s) < 0)
		w->failed = 1;
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_sep(w);
	jsonw_quoted(w, key);
	jsonw_raw(w, ":", 1);
	w->after_key = 1;
}

/* Returns 1 when s reads as a JSON number (digits, one dot, a sign). */
static int
jsonw_numeric(const char *s)
{
	int digits = 0, dots = 0;

	if (*s == '-')
		s++;
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && dots++ == 0 && digits > 0)
			continue;
		else
			return 0;
	}
	return digits > 0 && s[-1] != '.';
}

/* The wrong_types fault: writes something else than the string s. */
static void
jsonw_wrong(struct jsonw *w, const char *s)
{
	uint64_t h = rng_hash(RNG_CORRUPT, w->corrupt_key, w->strings, 0);

	if (jsonw_numeric(s) && s[0] != '0') {
		jsonw_raw(w, s, strlen(s));
		return;
	}
	switch (h % 3) {
	case 0:
		jsonw_raw(w, "null", 4);
		break;
	case 1:
		jsonw_raw(w, "{\"value\":", 9);
		jsonw_quoted(w, s);
		jsonw_raw(w, "}", 1);
		break;
	default:
		jsonw_raw(w, "12345", 5);
		break;
	}
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	jsonw_sep(w);
	w->strings++;
	if (w->corrupt_key != 0 &&
	    (w->strings + w->corrupt_key) % CORRUPT_EVERY == 0) {
		jsonw_wrong(w, s);
		return;
	}
	jsonw_quoted(w, s);
}

void
jsonw_int(struct jsonw *w, long long v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lld", v);

	jsonw_sep(w);
	jsonw_raw(w, num, (size_t)n);
}

void
jsonw_bool(struct jsonw *w, int v)
{
	jsonw_sep(w);
	if (v)
		jsonw_raw(w, "true", 4);
	else
		jsonw_raw(w, "false", 5);
}

void
jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void
jsonw_kint(struct jsonw *w, const char *key, long long v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void
jsonw_kbool(struct jsonw *w, const char *key, int v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}

void
jsonw_kfmt(struct jsonw *w, const char *key, const char *fmt, ...)
{
	char s[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	jsonw_kstr(w, key, s);
}

void
jsonw_knum(struct jsonw *w, const char *key, long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	jsonw_kstr(w, key, s);
}

void
jsonw_kempty(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_arr(w);
	jsonw_arr_end(w);
}

int
jsonw_failed(const struct jsonw *w)
{
	return w->failed;
}
