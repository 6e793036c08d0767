/* sim_params: the query string, leniently decoded, and FastAPI-style checks (see sim_params.h). */
#include "sim_params.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "jsonout.h"
#include "qstring.h"

/* Makes s valid UTF-8 for the echo: when it is not, bytes >= 0x80 become '?'. */
static void
sim_params_ascii_if_invalid(char *s)
{
	if (jsonout_valid_utf8(s, strlen(s)))
		return;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			*s = '?';
}

int
sim_params_parse(struct sim_params *p, const char *raw)
{
	size_t at;
	int n;

	memset(p, 0, sizeof(*p));
	n = qstring_split(raw, "&", 0, p->pairs, SIM_PARAMS_MAX, &p->storage, &at);
	if (n < 0)
		return -1;
	p->n = (size_t)n;
	/* The pairs point into p->storage, which p owns. */
	for (size_t i = 0; i < p->n; i++) {
		sim_params_ascii_if_invalid((char *)p->pairs[i].key);
		sim_params_ascii_if_invalid((char *)p->pairs[i].value);
	}
	return 0;
}

void
sim_params_free(struct sim_params *p)
{
	free(p->storage);
	p->storage = NULL;
	json_decref(p->errors);
	p->errors = NULL;
	p->n = 0;
}

/* Whether key is name or name[]. */
static int
sim_params_is(const char *key, const char *name)
{
	size_t n = strlen(name);

	return strncmp(key, name, n) == 0 && (key[n] == '\0' || strcmp(key + n, "[]") == 0);
}

const char *
sim_params_get(const struct sim_params *p, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < p->n; i++)
		if (sim_params_is(p->pairs[i].key, name))
			v = p->pairs[i].value;
	return v;
}

size_t
sim_params_list(const struct sim_params *p, const char *name, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n && n < max; i++)
		if (sim_params_is(p->pairs[i].key, name))
			out[n++] = p->pairs[i].value;
	return n;
}

/* Adds an item, with ctx (stolen, may be NULL) as pydantic does for limits. */
static void
sim_params_item(struct sim_params *p, const char *name, const char *msg, const char *type, json_t *ctx)
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
sim_params_error(struct sim_params *p, const char *name, const char *msg, const char *type)
{
	sim_params_item(p, name, msg, type, NULL);
}

int
sim_params_int(struct sim_params *p, const char *name, long min, long max, long def, long *out)
{
	const char *v = sim_params_get(p, name);
	char msg[96];
	long n;

	*out = def;
	if (v == NULL)
		return 0;
	if (num_parse_long(v, LONG_MIN, LONG_MAX, &n) < 0) {
		sim_params_error(p, name, "value is not a valid integer", "type_error.integer");
		return -1;
	}
	if (n < min) {
		snprintf(msg, sizeof(msg), "ensure this value is greater than or equal to %ld", min);
		sim_params_item(p, name, msg, "value_error.number.not_ge", json_pack("{s:I}", "limit_value", (json_int_t)min));
		return -1;
	}
	if (n > max) {
		snprintf(msg, sizeof(msg), "ensure this value is less than or equal to %ld", max);
		sim_params_item(p, name, msg, "value_error.number.not_le", json_pack("{s:I}", "limit_value", (json_int_t)max));
		return -1;
	}
	*out = n;
	return 1;
}

int
sim_params_require(struct sim_params *p, const char *name, const char **out)
{
	*out = sim_params_get(p, name);
	if (*out != NULL)
		return 1;
	sim_params_error(p, name, "field required", "value_error.missing");
	return -1;
}

int
sim_params_date(struct sim_params *p, const char *name, struct clock_date *out)
{
	const char *v = sim_params_get(p, name);

	if (v == NULL)
		return 0;
	if (clock_parse_date(v, out) < 0) {
		sim_params_error(p, name, "invalid date format, expected YYYY-MM-DD", "value_error.date");
		return -1;
	}
	return 1;
}

void
sim_params_echo(const struct sim_params *p, struct jsonw *w)
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
