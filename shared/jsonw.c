/* jsonw: structured JSON written straight into a buf (see jsonw.h). */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "jsonout.h"

void
jsonw_init(struct jsonw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->first[0] = 1;
}

void
jsonw_set_hook(struct jsonw *w, jsonw_str_hook hook, void *arg)
{
	w->hook = hook;
	w->hook_arg = arg;
}

static void
jsonw_add(struct jsonw *w, const char *p, size_t n)
{
	if (!w->failed && buf_add(w->b, p, n) < 0)
		w->failed = 1;
}

/*
 * Before a value: a key's value needs nothing more; in an array, a comma
 * unless it is the first element; in an object without a key, or a second
 * top-level value, the writer fails.
 */
static void
jsonw_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->in_obj[w->depth] || (w->depth == 0 && !w->first[0])) {
		w->failed = 1;
		return;
	}
	if (!w->first[w->depth])
		jsonw_add(w, ",", 1);
	w->first[w->depth] = 0;
}

static void
jsonw_open(struct jsonw *w, char c, int obj)
{
	jsonw_value(w);
	if (w->depth + 1 >= JSONW_DEPTH) {
		w->failed = 1;
		return;
	}
	jsonw_add(w, &c, 1);
	w->depth++;
	w->first[w->depth] = 1;
	w->in_obj[w->depth] = (unsigned char)obj;
}

static void
jsonw_close(struct jsonw *w, char c, int obj)
{
	if (w->depth == 0 || w->in_obj[w->depth] != obj || w->after_key) {
		w->failed = 1;
		return;
	}
	jsonw_add(w, &c, 1);
	w->depth--;
}

void
jsonw_obj(struct jsonw *w)
{
	jsonw_open(w, '{', 1);
}

void
jsonw_obj_end(struct jsonw *w)
{
	jsonw_close(w, '}', 1);
}

void
jsonw_arr(struct jsonw *w)
{
	jsonw_open(w, '[', 0);
}

void
jsonw_arr_end(struct jsonw *w)
{
	jsonw_close(w, ']', 0);
}

/* Writes s quoted and escaped, invalid UTF-8 repaired (jsonout_quote); NULL as null. */
static void
jsonw_quoted(struct jsonw *w, const char *s)
{
	if (!w->failed && jsonout_quote(w->b, s) < 0)
		w->failed = 1;
}

/* Before a key: only in an object, and not straight after another key. */
static void
jsonw_key_start(struct jsonw *w)
{
	if (!w->in_obj[w->depth] || w->after_key) {
		w->failed = 1;
		return;
	}
	if (!w->first[w->depth])
		jsonw_add(w, ",", 1);
	w->first[w->depth] = 0;
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_key_start(w);
	jsonw_quoted(w, key != NULL ? key : "");
	jsonw_add(w, ":", 1);
	w->after_key = 1;
}

void
jsonw_key_token(struct jsonw *w, const char *p, size_t n)
{
	if (n < 2 || p[0] != '"' || p[n - 1] != '"') {
		w->failed = 1;
		return;
	}
	jsonw_key_start(w);
	jsonw_add(w, p, n);
	jsonw_add(w, ":", 1);
	w->after_key = 1;
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	if (w->hook != NULL && !w->failed) {
		jsonw_str_hook hook = w->hook;
		int done;

		w->hook = NULL;
		done = hook(w, s, w->hook_arg);
		w->hook = hook;
		if (done)
			return;
	}
	jsonw_value(w);
	jsonw_quoted(w, s);
}

void
jsonw_token(struct jsonw *w, const char *p, size_t n)
{
	if (n == 0) {
		w->failed = 1;
		return;
	}
	jsonw_value(w);
	jsonw_add(w, p, n);
}

void
jsonw_int(struct jsonw *w, long long v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lld", v);

	jsonw_token(w, num, (size_t)n);
}

void
jsonw_bool(struct jsonw *w, int v)
{
	if (v)
		jsonw_token(w, "true", 4);
	else
		jsonw_token(w, "false", 5);
}

void
jsonw_null(struct jsonw *w)
{
	jsonw_token(w, "null", 4);
}

void
jsonw_fixed(struct jsonw *w, double v, int decimals)
{
	char num[64];
	int n;

	if (!isfinite(v) || fabs(v) > 1e15) {
		jsonw_null(w);
		return;
	}
	n = snprintf(num, sizeof(num), "%.*f", decimals, v);
	jsonw_token(w, num, (size_t)n);
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
		jsonw_null(w);
	else
		jsonw_token(w, s, strlen(s));
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
	if (iso[n - 3] == '+' || iso[n - 3] == '-')
		memcpy(iso + n, ":00", 4);
	return clock_parse_instant(iso, out);
}

void
jsonw_instant(struct jsonw *w, time_t t)
{
	char iso[48];
	size_t n;

	clock_format_instant(t, iso, sizeof(iso) - 6);
	/* "...Z" -> "...+00:00", the form PostgreSQL's JSON uses. */
	n = strlen(iso);
	if (n == 0 || iso[n - 1] != 'Z') {
		w->failed = 1;
		return;
	}
	memcpy(iso + n - 1, "+00:00", 7);
	jsonw_value(w);
	jsonw_quoted(w, iso);
}

void
jsonw_time(struct jsonw *w, const char *pg)
{
	time_t t;

	if (pg == NULL || jsonw_parse_pgtime(pg, &t) < 0)
		jsonw_null(w);
	else
		jsonw_instant(w, t);
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

int
jsonw_failed(const struct jsonw *w)
{
	return w->failed;
}
