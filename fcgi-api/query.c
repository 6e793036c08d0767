/* query: query-string decoding and typed validation (see query.h). */
#include "num.h"
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonout.h"
#include "log.h"

int
query_parse(struct query *q, const char *raw, char *err, size_t errlen)
{
	size_t len = raw ? strlen(raw) : 0, at;
	int n;

	memset(q, 0, sizeof(*q));
	q->ndeclared = -1;
	if (len > QUERY_MAX_LEN) {
		snprintf(err, errlen, "query string too long (%zu bytes, at most %d)", len, QUERY_MAX_LEN);
		return -1;
	}
	n = qstring_split(raw, "&", QSTRING_STRICT, q->params, QUERY_MAX_PARAMS, &q->storage, &at);
	switch (n) {
	case QSTRING_NOMEM:
		snprintf(err, errlen, "out of memory");
		return -1;
	case QSTRING_TOO_MANY:
		snprintf(err, errlen, "too many query parameters (at most %d)", QUERY_MAX_PARAMS);
		return -1;
	case QSTRING_NUL_NAME:
		snprintf(err, errlen, "malformed query string: NUL byte in a parameter name near offset %zu", at);
		return -1;
	case QSTRING_BAD_ESCAPE:
		snprintf(err, errlen, "malformed query string: bad percent-encoding near offset %zu", at);
		return -1;
	default:
		q->n = (size_t)n;
		return 0;
	}
}

void
query_declare(struct query *q, const char *const *names, size_t n)
{
	q->ndeclared = 0;
	for (size_t i = 0; i < n && i < QUERY_MAX_DECLARED && names[i] != NULL; i++)
		q->declared[q->ndeclared++] = names[i];
}

/* Whether a getter may read name (query_declare). */
static int
query_declared(const struct query *q, const char *name)
{
	if (q->ndeclared < 0)
		return 1;
	for (int i = 0; i < q->ndeclared; i++)
		if (strcmp(q->declared[i], name) == 0)
			return 1;
	log_error("a handler read query parameter \"%s\", which its route does not declare: "
	    "seen as absent (add it to the route's params, which make nginx's cache key)", name);
	return 0;
}

void
query_free(struct query *q)
{
	free(q->storage);
	q->storage = NULL;
	json_decref(q->errors);
	q->errors = NULL;
	q->n = 0;
}

/* Adds an error item located at [where, name]. */
static int
query_error_at(struct query *q, const char *where, const char *name, const char *msg,
    const char *type)
{
	json_t *item;

	if (q->errors == NULL)
		q->errors = json_array();
	item = jsonout_detail_item(where, name, msg, type);
	if (q->errors != NULL && item != NULL)
		json_array_append_new(q->errors, item);
	else
		json_decref(item);
	return -1;
}

int
query_error(struct query *q, const char *name, const char *msg, const char *type)
{
	return query_error_at(q, "query", name, msg, type);
}

/* Copies v into out for a message: printable ASCII only, at most 40 bytes. */
static void
query_quote(const char *v, size_t vlen, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < vlen && o + 4 < outlen; i++) {
		unsigned char c = (unsigned char)v[i];

		out[o++] = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char)c : '?';
		if (o == 40 && i + 1 < vlen) {
			out[o++] = '.';
			out[o++] = '.';
			out[o++] = '.';
			break;
		}
	}
	out[o] = '\0';
}

static int
query_bad_value(struct query *q, const char *name, const struct qstring_pair *p,
    const char *expected, const char *type)
{
	char shown[48], msg[256];

	query_quote(p->value, p->value_len, shown, sizeof(shown));
	snprintf(msg, sizeof(msg), "invalid value for parameter \"%s\": \"%s\" (%s)", name, shown, expected);
	return query_error(q, name, msg, type);
}

/* Finds name: 1 with *out set, 0 when absent, -1 when invalid (error added). */
static int
query_find(struct query *q, const char *name, size_t maxlen, const struct qstring_pair **out)
{
	const struct qstring_pair *found = NULL;
	char msg[160];

	if (!query_declared(q, name))
		return 0;
	for (size_t i = 0; i < q->n; i++) {
		if (q->params[i].key_escaped || strcmp(q->params[i].key, name) != 0)
			continue;
		if (found != NULL) {
			snprintf(msg, sizeof(msg), "parameter \"%s\" given more than once", name);
			return query_error(q, name, msg, "value_error.repeated");
		}
		found = &q->params[i];
	}
	if (found == NULL)
		return 0;
	if (found->value_len > maxlen) {
		snprintf(msg, sizeof(msg), "parameter \"%s\" is too long (%zu bytes, at most %zu)",
		    name, found->value_len, maxlen);
		return query_error(q, name, msg, "value_error.any_str.max_length");
	}
	if (memchr(found->value, '\0', found->value_len) != NULL) {
		snprintf(msg, sizeof(msg), "parameter \"%s\" contains a NUL byte", name);
		return query_error(q, name, msg, "value_error.str.nul");
	}
	if (!jsonout_valid_utf8(found->value, found->value_len))
		return query_bad_value(q, name, found, "not valid UTF-8 text", "value_error.str");
	*out = found;
	return 1;
}

int
query_str(struct query *q, const char *name, size_t maxlen, const char **out)
{
	const struct qstring_pair *p;
	int rc = query_find(q, name, maxlen, &p);

	*out = rc == 1 ? p->value : NULL;
	return rc;
}

int
query_int(struct query *q, const char *name, long min, long max, long def, long *out)
{
	const struct qstring_pair *p;
	int rc = query_find(q, name, 32, &p);
	char expected[96];

	*out = def;
	if (rc != 1)
		return rc;
	if (num_parse_long(p->value, min, max, out) < 0) {
		*out = def;
		snprintf(expected, sizeof(expected), "expected an integer from %ld to %ld", min, max);
		return query_bad_value(q, name, p, expected, "value_error.integer");
	}
	return 1;
}

int
query_bool(struct query *q, const char *name, int def, int *out)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };
	const struct qstring_pair *p;
	int rc = query_find(q, name, 8, &p);

	*out = def;
	if (rc != 1)
		return rc;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(p->value, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcasecmp(p->value, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return query_bad_value(q, name, p, "expected true or false", "value_error.bool");
}

int
query_date(struct query *q, const char *name, struct clock_date *out)
{
	const struct qstring_pair *p;
	int rc = query_find(q, name, 16, &p);

	if (rc != 1)
		return rc;
	if (clock_parse_date(p->value, out) < 0)
		return query_bad_value(q, name, p, "expected a date as YYYY-MM-DD", "value_error.date");
	return 1;
}

int
query_instant(struct query *q, const char *name, time_t *out)
{
	const struct qstring_pair *p;
	int rc = query_find(q, name, 40, &p);

	if (rc != 1)
		return rc;
	if (clock_parse_instant(p->value, out) < 0)
		return query_bad_value(q, name, p, "expected an ISO-8601 instant with its zone, e.g. 2025-10-14T13:05:00Z",
		    "value_error.datetime");
	return 1;
}

int
query_date_span(struct query *q, const struct clock_date *from, const struct clock_date *to, int max_days)
{
	char msg[64];
	int64_t span = clock_days_from_civil(to->year, to->month, to->day) -
	    clock_days_from_civil(from->year, from->month, from->day) + 1;

	if (span < 1)
		return query_error(q, "from", "parameter \"from\" must not be after \"to\"", "value_error.date_range");
	if (span > max_days) {
		snprintf(msg, sizeof(msg), "at most %d days from \"from\" to \"to\"", max_days);
		return query_error(q, "from", msg, "value_error.date_range");
	}
	return 1;
}

int
query_date_range(struct query *q, int default_days, int max_days, struct clock_date *from,
    struct clock_date *to)
{
	int has_from = query_date(q, "from", from);

	query_date(q, "to", to);
	if (has_from != 1)
		*from = clock_date_add(*to, -(default_days - 1));
	if (q->errors != NULL)
		return -1;
	return query_date_span(q, from, to, max_days);
}

int
query_enum(struct query *q, const char *name, const char *const *choices, const char *def,
    const char **out)
{
	const struct qstring_pair *p;
	int rc = query_find(q, name, 64, &p);
	char expected[256] = "expected one of";
	size_t n;

	*out = def;
	if (rc != 1)
		return rc;
	for (size_t i = 0; choices[i] != NULL; i++) {
		if (strcmp(p->value, choices[i]) == 0) {
			*out = choices[i];
			return 1;
		}
	}
	for (size_t i = 0; choices[i] != NULL; i++) {
		n = strlen(expected);
		snprintf(expected + n, sizeof(expected) - n, "%s %s", i ? "," : "", choices[i]);
	}
	return query_bad_value(q, name, p, expected, "value_error.enum");
}

int
query_valid_id(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 64 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

int
query_id(struct query *q, const char *name, const char **out)
{
	const struct qstring_pair *p;
	int rc = query_find(q, name, 64, &p);

	*out = NULL;
	if (rc != 1)
		return rc;
	if (!query_valid_id(p->value))
		return query_bad_value(q, name, p, "expected an id such as rac_11745861", "value_error.id");
	*out = p->value;
	return 1;
}

int
query_path_id(struct query *q, const char *name, const char *value, const char **out)
{
	char shown[48], msg[256];

	*out = NULL;
	if (query_valid_id(value)) {
		*out = value;
		return 1;
	}
	query_quote(value, strlen(value), shown, sizeof(shown));
	snprintf(msg, sizeof(msg), "invalid value for path parameter \"%s\": \"%s\" "
	    "(expected an id such as rac_11745861)", name, shown);
	return query_error_at(q, "path", name, msg, "value_error.id");
}
