/* api: the route table, dispatch, and helpers every handler shares (see api.h). */
#include "api.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "board.h"
#include "clock.h"
#include "jsonw.h"
#include "log.h"
#include "digest.h"

#define API_KEY_MAX 256

static const struct api_route *api_table[API_MAX_ROUTES];
static size_t api_ntable;

int
api_init(void)
{
	api_ntable = 0;
	for (const struct api_module *const *m = api_modules; *m != NULL; m++)
		for (size_t i = 0; i < (*m)->nroutes; i++) {
			if (api_ntable == API_MAX_ROUTES)
				return -1;
			api_table[api_ntable++] = &(*m)->routes[i];
		}
	return 0;
}

const struct api_route *const *
api_routes(size_t *n)
{
	*n = api_ntable;
	return api_table;
}

enum api_outcome
api_db_failed(struct request *r)
{
	return db_is_down(r->db) ? API_DB_DOWN : API_DB_FAILED;
}

/*
 * The key of "Authorization: Bearer <key>" copied into key, or -1 when
 * there is none or it is malformed.
 */
static int
api_bearer(const char *header, char *key, size_t keylen)
{
	size_t n;

	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return -1;
	header += 7;
	while (*header == ' ')
		header++;
	n = strlen(header);
	while (n > 0 && header[n - 1] == ' ')
		n--;
	if (n == 0 || n >= keylen)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (header[i] <= 0x20 || header[i] >= 0x7f)
			return -1;
	memcpy(key, header, n);
	key[n] = '\0';
	return 0;
}

/*
 * API_ADMIN_KEY: a bearer key of the right form, kept only as its hash in
 * r->key_hash for the handler to check against dh_api_keys.  Returns 0, or
 * -1 with a 401 set.
 */
static int
api_check_key(struct request *r)
{
	char key[API_KEY_MAX];
	int hashed;

	if (api_bearer(r->authorization, key, sizeof(key)) < 0) {
		r->www_authenticate = "Bearer realm=\"darkhorses\"";
		resp_detail(r, 401, "an API key is required: Authorization: Bearer <key> "
		    "(make one with dh-apikey create NAME)");
		return -1;
	}
	hashed = digest_sha256_hex(key, strlen(key), r->key_hash);
	explicit_bzero(key, sizeof(key));
	if (hashed < 0) {
		log_error("could not hash the API key (libcrypto)");
		resp_detail(r, 500, "internal error");
		return -1;
	}
	return 0;
}

static const char sql_operator[] =
    "SELECT EXISTS (SELECT 1 FROM dh_api_keys WHERE key_hash = $1 AND revoked_at IS NULL) AS valid";
static const struct db_stmt api_operator_stmt = DB_STMT("api_operator", sql_operator);

int
api_operator(struct request *r)
{
	char key[API_KEY_MAX], hash[DIGEST_SHA256_HEX_LEN + 1];
	const char *params[1] = { hash };
	const char *valid;
	PGresult *res;
	int hashed, rc;

	if (r->authorization == NULL || api_bearer(r->authorization, key, sizeof(key)) < 0)
		return 0;
	hashed = digest_sha256_hex(key, strlen(key), hash);
	explicit_bzero(key, sizeof(key));
	if (hashed < 0)
		return 0;
	res = db_exec_prepared(r->db, &api_operator_stmt, 1, params);
	explicit_bzero(hash, sizeof(hash));
	if (res == NULL)
		return -1;
	valid = db_value(res, 0, "valid");
	rc = valid != NULL && strcmp(valid, "t") == 0;
	PQclear(res);
	if (rc)
		r->cache_control = API_NEVER;	/* the detail is never shared from a cache */
	return rc;
}

_Static_assert(QUERY_MAX_DECLARED >= API_MAX_PARAMS, "a route's params fit query_declare");

/* The handler reads the parameters its route declares, and no other. */
static void
api_declare_params(struct request *r, const struct api_route *route)
{
	const char *names[API_MAX_PARAMS];
	size_t n = 0;

	while (n < API_MAX_PARAMS && route->params[n].name != NULL) {
		names[n] = route->params[n].name;
		n++;
	}
	query_declare(&r->query, names, n);
}

enum api_outcome
api_dispatch(struct request *r, const char *raw_query)
{
	const struct api_route *route;
	enum api_outcome out;
	char err[160];

	switch (route_find(api_table, api_ntable, r->method, r->path, &r->match)) {
	case ROUTE_NOT_FOUND:
		resp_detail(r, 404, "%s not found", r->path);
		return API_DONE;
	case ROUTE_BAD_METHOD:
		r->allow = r->match.allow;
		resp_detail(r, 405, "method %s not allowed on %s", r->method, r->path);
		return API_DONE;
	case ROUTE_FOUND:
		break;
	}
	route = r->match.route;
	if (query_parse(&r->query, raw_query, err, sizeof(err)) < 0) {
		resp_detail(r, 400, "%s", err);
		return API_DONE;
	}
	api_declare_params(r, route);
	if ((route->flags & API_ADMIN_KEY) && api_check_key(r) < 0)
		return API_DONE;
	r->cache_control = route->cache_control;
	out = route->handler(r);
	switch (out) {
	case API_DONE:
		break;
	case API_DB_DOWN:
		log_warn("%s %s: database unavailable: %s", r->method, r->path, db_error(r->db));
		resp_detail(r, 503, "database unavailable");
		break;
	case API_DB_FAILED:
		log_error("%s %s: %s", r->method, r->path, db_error(r->db));
		resp_detail(r, 500, "internal error");
		break;
	}
	return out;
}

/* Reads limit (default def_limit) and offset, capped; a bad value is a 422 item. */
static void
api_page(struct request *r, long def_limit, struct api_page *p)
{
	char msg[200];

	memset(p->after, 0, sizeof(p->after));
	p->nkeys = 0;
	query_int(&r->query, "limit", 1, API_MAX_LIMIT, def_limit, &p->limit);
	if (query_int(&r->query, "offset", 0, LONG_MAX, 0, &p->offset) == 1 && p->offset > API_MAX_OFFSET) {
		snprintf(msg, sizeof(msg), "parameter \"offset\" is at most %d: page further with \"after\" "
		    "set to the previous page's next_after (keyset pagination)", API_MAX_OFFSET);
		query_error(&r->query, "offset", msg, "value_error.offset_cap");
		p->offset = 0;
	}
	snprintf(p->limit_s, sizeof(p->limit_s), "%ld", p->limit);
	snprintf(p->offset_s, sizeof(p->offset_s), "%ld", p->offset);
}

/* base64url (no padding) to bytes: their length, or -1 when s is not base64url or out too small. */
static long
api_base64url(const char *s, size_t len, unsigned char *out, size_t outlen)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned long acc = 0;
	size_t o = 0;
	int bits = 0;

	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const char *d = s[i] != '\0' ? strchr(digits, s[i]) : NULL;

		if (d == NULL)
			return -1;
		acc = (acc << 6 | (unsigned long)(d - digits)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outlen)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if ((acc & ((1ul << bits) - 1)) != 0)	/* leftover bits must be zero */
		return -1;
	return (long)o;
}

/*
 * One column of a cursor, as text for its $n parameter, checked so that
 * PostgreSQL's cast cannot fail: 'i' an integer, 'u' an instant in
 * microseconds since 1970 (up to 2286), 'd' a date "YYYY-MM-DD", 's' a text
 * without NUL.  0 or -1.
 */
static int
api_cursor_value(char type, const json_t *v, char *out, size_t outlen)
{
	struct clock_date d;
	const char *s = json_string_value(v);

	switch (type) {
	case 'i':
	case 'u':
		if (!json_is_integer(v) ||
		    (type == 'u' && (json_integer_value(v) < 0 || json_integer_value(v) >= 10000000000000000LL)))
			return -1;
		snprintf(out, outlen, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	case 'd':
		if (s == NULL || clock_parse_date(s, &d) < 0)
			return -1;
		snprintf(out, outlen, "%s", s);
		return 0;
	case 's':
		if (s == NULL || json_string_length(v) >= outlen || strlen(s) != json_string_length(v))
			return -1;
		memcpy(out, s, json_string_length(v) + 1);
		return 0;
	default:
		return -1;
	}
}

int
api_cursor_decode(const char *s, const struct api_key *key, struct api_page *p, char *err, size_t errlen)
{
	unsigned char raw[API_MAX_KEYS * (API_CURSOR_TEXT + 8) + 64];
	size_t nkeys = strlen(key->types);
	json_t *a = NULL, *v;
	long n;
	int rc = -1;

	memset(p->after, 0, sizeof(p->after));
	n = api_base64url(s, strlen(s), raw, sizeof(raw));
	if (n < 0) {
		snprintf(err, errlen, "not a cursor (base64url text)");
		return -1;
	}
	a = json_loadb((const char *)raw, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
	if (a == NULL || !json_is_array(a) || json_array_size(a) != nkeys + 1 ||
	    !json_is_string(json_array_get(a, 0)) ||
	    strcmp(json_string_value(json_array_get(a, 0)), key->list) != 0) {
		snprintf(err, errlen, "not a cursor of this list (%s)", key->list);
		goto out;
	}
	for (size_t i = 0; i < nkeys; i++) {
		v = json_array_get(a, i + 1);
		if (api_cursor_value(key->types[i], v, p->after_s[i], sizeof(p->after_s[i])) < 0) {
			snprintf(err, errlen, "column %zu of the cursor is not %s", i + 1,
			    key->types[i] == 'i' ? "an integer" : key->types[i] == 'u' ? "an instant" :
			    key->types[i] == 'd' ? "a date" : "a text");
			goto out;
		}
		p->after[i] = p->after_s[i];
	}
	rc = 0;
out:
	if (rc < 0)
		memset(p->after, 0, sizeof(p->after));
	json_decref(a);
	return rc;
}

void
api_page_keyed(struct request *r, long def_limit, const struct api_key *key, struct api_page *p)
{
	const char *after;
	char err[96], msg[256];

	api_page(r, def_limit, p);
	p->nkeys = (int)strlen(key->types);
	if (query_str(&r->query, "after", 1024, &after) != 1 || after[0] == '\0')
		return;
	if (api_cursor_decode(after, key, p, err, sizeof(err)) < 0) {
		snprintf(msg, sizeof(msg), "invalid value for parameter \"after\": %s; pass the next_after "
		    "of the previous page unchanged", err);
		query_error(&r->query, "after", msg, "value_error.cursor");
	}
}

enum api_outcome
api_send_page(struct request *r, const struct db_stmt *stmt, const char **params, int n,
    const struct api_page *page)
{
	if (resp_invalid_params(r))
		return API_DONE;
	params[n] = page->limit_s;
	params[n + 1] = page->offset_s;
	for (int i = 0; i < page->nkeys; i++)
		params[n + 2 + i] = page->after[i];
	return api_send_json(r, stmt, n + 2 + page->nkeys, params);
}

const char *
api_path_id(struct request *r, size_t i, const char *name)
{
	const char *id;

	if (i >= r->match.ncaptures)
		return NULL;
	query_path_id(&r->query, name, r->match.captures[i], &id);
	return id;
}

enum api_outcome
api_send_json(struct request *r, const struct db_stmt *stmt, int nparams, const char *const *params)
{
	PGresult *res = db_exec_prepared(r->db, stmt, nparams, params);

	if (res == NULL)
		return api_db_failed(r);
	resp_result(r, 200, res, "body");
	return API_DONE;
}

enum api_outcome
api_send_found(struct request *r, const struct db_stmt *stmt, int nparams,
    const char *const *params, const char *what, const char *id)
{
	PGresult *res = db_exec_prepared(r->db, stmt, nparams, params);

	if (res == NULL)
		return api_db_failed(r);
	if (PQntuples(res) == 0 || db_value(res, 0, "body") == NULL) {
		PQclear(res);
		resp_detail(r, 404, "%s %s not found", what, id);
		return API_DONE;
	}
	resp_result(r, 200, res, "body");
	return API_DONE;
}

const char *const api_regions[] = { "gb", "ire", "GB", "IRE", NULL };

int
api_odds_format(struct request *r)
{
	static const char *const formats[] = { "decimal", "fractional", "american", "probability", NULL };
	const char *f;

	query_enum(&r->query, "format", formats, "decimal", &f);
	if (strcmp(f, "american") == 0)
		return BOARD_FORMAT_AMERICAN;
	if (strcmp(f, "probability") == 0)
		return BOARD_FORMAT_PROBABILITY;
	return BOARD_FORMAT_PLAIN;
}

int
api_board_start(struct request *r, const PGresult *res, int format, struct board *b, struct jsonw *w)
{
	if (board_init(b, res) < 0) {
		board_free(b);
		resp_detail(r, 500, "internal error: malformed prices");
		return -1;
	}
	b->format = (enum board_format)format;
	buf_reset(&r->body);
	jsonw_init(w, &r->body);
	jsonw_obj(w);
	jsonw_kbool(w, "success", 1);
	jsonw_key(w, "timestamp");
	jsonw_instant(w, r->now);
	return 0;
}
