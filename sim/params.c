/* params: the query string, leniently decoded, and FastAPI-style checks (see params.h). */
#include "params.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "jsonout.h"
#include "qstring.h"

/* Makes s valid UTF-8 for the echo: when it is not, bytes >= 0x80 become '?'. */
static void
params_ascii_if_invalid(char *s)
{
	if (jsonout_valid_utf8(s, strlen(s)))
		return;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			*s = '?';
}

int
params_parse(struct params *p, const char *raw)
{
	size_t at;
	int n;

	memset(p, 0, sizeof(*p));
	n = qstring_split(raw, "&", 0, p->pairs, PARAMS_MAX, &p->storage, &at);
	if (n < 0)
		return -1;
	p->n = (size_t)n;
	/* The pairs point into p->storage, which p owns. */
	for (size_t i = 0; i < p->n; i++) {
		params_ascii_if_invalid((char *)p->pairs[i].key);
		params_ascii_if_invalid((char *)p->pairs[i].value);
	}
	return 0;
}

void
params_free(struct params *p)
{
	free(p->storage);
	p->storage = NULL;
	json_decref(p->errors);
	p->errors = NULL;
	p->n = 0;
}

/* Whether key is name or name[]. */
static int
params_is(const char *key, const char *name)
{
	size_t n = strlen(name);

	return strncmp(key, name, n) == 0 && (key[n] == '\0' || strcmp(key + n, "[]") == 0);
}

const char *
params_get(const struct params *p, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < p->n; i++)
		if (params_is(p->pairs[i].key, name))
			v = p->pairs[i].value;
	return v;
}

size_t
params_list(const struct params *p, const char *name, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n && n < max; i++)
		if (params_is(p->pairs[i].key, name))
			out[n++] = p->pairs[i].value;
	return n;
}

/* Adds an item, with ctx (stolen, may be NULL) as pydantic does for limits. */
static void
params_item(struct params *p, const char *name, const char *msg, const char *type, json_t *ctx)
{
	json_t *item = json_pack("{s:[ss], s:s, s:s}", "loc", "query", name, "msg", msg, "type", type);

	if (p->errors == NULL)
		p->errors = json_array();
	if (item != NULL && ctx != NULL)
		json_object_set_new(item, "ctx", ctx);
	else
		json_decref(ctx);
	if (p->errors != NULL && item != NULL)
		json_array_append_new(p->errors, item);
	else
		json_decref(item);
}

void
params_error(struct params *p, const char *name, const char *msg, const char *type)
{
	params_item(p, name, msg, type, NULL);
}

int
params_int(struct params *p, const char *name, long min, long max, long def, long *out)
{
	const char *v = params_get(p, name);
	char msg[96];
	long n;

	*out = def;
	if (v == NULL)
		return 0;
	if (cfg_parse_long(v, LONG_MIN, LONG_MAX, &n) < 0) {
		params_error(p, name, "value is not a valid integer", "type_error.integer");
		return -1;
	}
	if (n < min) {
		snprintf(msg, sizeof(msg), "ensure this value is greater than or equal to %ld", min);
		params_item(p, name, msg, "value_error.number.not_ge", json_pack("{s:I}", "limit_value", (json_int_t)min));
		return -1;
	}
	if (n > max) {
		snprintf(msg, sizeof(msg), "ensure this value is less than or equal to %ld", max);
		params_item(p, name, msg, "value_error.number.not_le", json_pack("{s:I}", "limit_value", (json_int_t)max));
		return -1;
	}
	*out = n;
	return 1;
}

int
params_require(struct params *p, const char *name, const char **out)
{
	*out = params_get(p, name);
	if (*out != NULL)
		return 1;
	params_error(p, name, "field required", "value_error.missing");
	return -1;
}

int
params_date(struct params *p, const char *name, struct clock_date *out)
{
	const char *v = params_get(p, name);

	if (v == NULL)
		return 0;
	if (clock_parse_date(v, out) < 0) {
		params_error(p, name, "invalid date format, expected YYYY-MM-DD", "value_error.date");
		return -1;
	}
	return 1;
}

void
params_echo(const struct params *p, struct jsonw *w)
{
	jsonw_arr(w);
	for (size_t i = 0; i < p->n; i++) {
		jsonw_arr(w);
		jsonw_str(w, p->pairs[i].key);
		jsonw_str(w, p->pairs[i].value);
		jsonw_arr_end(w);
	}
	jsonw_arr_end(w);
}
