/*
 * openapi: the API described as OpenAPI 3.0 (see openapi.h).
 *
 * Made from the endpoint families (api_modules): each route's summary,
 * parameters and body schema, each family's schemas.  Bodies are described
 * in a small notation, expanded into JSON Schema when the document is built:
 *
 *   "name:type name:type ..."   an object's properties, where type is
 *   s string, i integer, n number, b boolean, d date, t date-time, o object,
 *   a Schema name ($ref), or [type] an array of it.
 *
 * Values may be null when unknown (upstream data is often incomplete).
 */
#include "openapi.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "log.h"

static json_t *openapi_doc;

static json_t *
openapi_ref(const char *name)
{
	char ref[128];

	snprintf(ref, sizeof(ref), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", ref);
}

/* The JSON Schema of one type of the notation (len bytes at t). */
static json_t *
openapi_type(const char *t, size_t len)
{
	char name[64];

	if (len >= 2 && t[0] == '[' && t[len - 1] == ']') {
		json_t *items = openapi_type(t + 1, len - 2);

		return items ? json_pack("{s:s, s:o}", "type", "array", "items", items) : NULL;
	}
	if (len == 1) {
		switch (t[0]) {
		case 's': return json_pack("{s:s}", "type", "string");
		case 'i': return json_pack("{s:s}", "type", "integer");
		case 'n': return json_pack("{s:s}", "type", "number");
		case 'b': return json_pack("{s:s}", "type", "boolean");
		case 'd': return json_pack("{s:s, s:s}", "type", "string", "format", "date");
		case 't': return json_pack("{s:s, s:s}", "type", "string", "format", "date-time");
		case 'o': return json_pack("{s:s}", "type", "object");
		default: break;
		}
	}
	if (len == 0 || len >= sizeof(name))
		return NULL;
	memcpy(name, t, len);
	name[len] = '\0';
	return openapi_ref(name);
}

/* An object schema from "name:type name:type ...". */
static json_t *
openapi_object(const char *props)
{
	json_t *properties = json_object();
	const char *p = props;

	while (properties != NULL && *p != '\0') {
		size_t n = strcspn(p, " "), k = strcspn(p, ":");
		char key[64];
		json_t *type;

		if (k >= n || k >= sizeof(key)) {
			log_error("openapi: malformed property near \"%.20s\"", p);
			json_decref(properties);
			return NULL;
		}
		memcpy(key, p, k);
		key[k] = '\0';
		type = openapi_type(p + k + 1, n - k - 1);
		if (type == NULL || json_object_set_new(properties, key, type) < 0) {
			json_decref(properties);
			return NULL;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return properties ? json_pack("{s:s, s:o}", "type", "object", "properties", properties) : NULL;
}

static json_t *
openapi_content(json_t *schema)
{
	return schema ? json_pack("{s:{s:{s:o}}}", "content", "application/json", "schema", schema) : NULL;
}

/* A response: description and, for JSON, the schema. */
static int
openapi_response(json_t *responses, const char *status, const char *description, json_t *schema)
{
	json_t *r = schema ? openapi_content(schema) : json_object();

	if (r == NULL || json_object_set_new(r, "description", json_string(description)) < 0) {
		json_decref(r);
		return -1;
	}
	return json_object_set_new(responses, status, r);
}

/* The parameters of op: its query parameters, then {captures} of the path. */
static json_t *
openapi_parameters(const struct api_route *op)
{
	json_t *list = json_array();
	const char *p = op->pattern;

	for (const struct api_param *q = op->params; list && q < op->params + API_MAX_PARAMS &&
	    q->name != NULL; q++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", q->name, "in", "query",
		    "required", 0, "description", q->description, "schema", openapi_type(q->type, strlen(q->type))));
	while (list != NULL && (p = strchr(p, '{')) != NULL) {
		size_t n = strcspn(p + 1, "}");
		char name[64];

		if (n >= sizeof(name))
			break;
		memcpy(name, p + 1, n);
		name[n] = '\0';
		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:s}}", "name", name, "in", "path",
		    "required", 1, "description", "an upstream id, e.g. rac_11745861",
		    "schema", "type", "string", "pattern", "^[A-Za-z0-9_-]{1,64}$"));
		p += n + 1;
	}
	return list;
}

/*
 * The operationId of op: its own (the original's, so that its docs' deep
 * links such as /docs#/default/get_live_odds_api_live_odds_get still name
 * it), or made as FastAPI made them: name, path and method, every character
 * that is not a letter, digit or _ turned into _.
 */
static void
openapi_operation_id(const struct api_route *op, const char *method, char *out, size_t outlen)
{
	size_t n;

	if (op->operation_id != NULL) {
		snprintf(out, outlen, "%s", op->operation_id);
		return;
	}
	snprintf(out, outlen, "%s%s_%s", op->name, op->pattern, method);
	n = strlen(op->name) + strlen(op->pattern);
	for (size_t i = 0; i < n && out[i] != '\0'; i++)
		if (!isalnum((unsigned char)out[i]))
			out[i] = '_';
}

static json_t *
openapi_operation(const struct api_route *op, const char *tag, const char *method)
{
	json_t *responses = json_object(), *body = NULL;
	char id[160];
	int rc = 0;

	if (responses == NULL)
		return NULL;
	openapi_operation_id(op, method, id, sizeof(id));
	if (op->flags & API_LIST) {
		char props[160];

		snprintf(props, sizeof(props), "count:i limit:i offset:i data:[%s] next_after:s", op->schema);
		body = openapi_object(props);
	} else if (op->schema != NULL) {
		body = openapi_ref(op->schema);
	}
	if (op->flags & API_EXPORT)
		rc |= json_object_set_new(responses, "200", json_pack("{s:s, s:{s:{s:{s:s}}, s:{s:o}}}",
		    "description", "OK: a header line then one row a line (CSV), or one object a line (NDJSON)",
		    "content", "text/csv", "schema", "type", "string",
		    "application/x-ndjson", "schema", openapi_ref(op->schema)));
	else if (op->flags & API_STREAM)
		rc |= json_object_set_new(responses, "200", json_pack("{s:s, s:{s:{s:o}}}", "description",
		    "a stream of messages: one JSON object each (SSE data lines or WebSocket text frames)",
		    "content", "text/event-stream", "schema", body));
	else if (op->flags & API_TEXT)
		rc |= json_object_set_new(responses, "200", json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "OK",
		    "content", "text/plain; version=0.0.4", "schema", "type", "string"));
	else if (op->schema == NULL)
		rc |= openapi_response(responses, "200", "OK", json_pack("{s:s}", "type", "object"));
	else
		rc |= openapi_response(responses, "200", "OK", body);
	if (op->params[0].name != NULL || strchr(op->pattern, '{') != NULL)
		rc |= openapi_response(responses, "422", "a parameter is invalid (each one is named)",
		    openapi_ref("ValidationError"));
	if (strchr(op->pattern, '{') != NULL)
		rc |= openapi_response(responses, "404", "no such id", openapi_ref("Detail"));
	if (op->flags & API_ADMIN_KEY)
		rc |= openapi_response(responses, "401", "API key missing or wrong", openapi_ref("Detail"));
	if (op->flags & API_STREAM) {
		rc |= openapi_response(responses, "429", "too many stream connections from this client or on "
		    "this host", openapi_ref("Detail"));
		rc |= openapi_response(responses, "503", "live push is off on this host: poll the REST endpoints",
		    openapi_ref("Detail"));
	} else {
		rc |= openapi_response(responses, "503", "the database is unreachable", openapi_ref("Detail"));
	}
	if (rc != 0) {
		json_decref(responses);
		return NULL;
	}
	return json_pack("{s:[s], s:s, s:s*, s:s, s:o, s:o, s:o}", "tags", op->tag ? op->tag : tag,
	    "summary", op->summary, "description", op->description,
	    "operationId", id, "parameters", openapi_parameters(op), "responses", responses,
	    "security", (op->flags & API_ADMIN_KEY) ? json_pack("[{s:[]}]", "bearer") : json_array());
}

/* Adds the operations of module m to paths (one path may have several methods).  0 or -1. */
static int
openapi_add_paths(json_t *paths, const struct api_module *m)
{
	for (size_t i = 0; i < m->nroutes; i++) {
		const struct api_route *route = &m->routes[i];
		json_t *item = json_object_get(paths, route->pattern), *op;
		char method[8];
		size_t k;

		for (k = 0; route->method[k] != '\0' && k < sizeof(method) - 1; k++)
			method[k] = (char)(route->method[k] - 'A' + 'a');
		method[k] = '\0';
		if (item == NULL && json_object_set_new(paths, route->pattern, item = json_object()) < 0)
			return -1;
		op = openapi_operation(route, m->tag, method);
		if (op == NULL || json_object_set_new(item, method, op) < 0) {
			log_error("openapi: could not describe %s", route->pattern);
			return -1;
		}
	}
	return 0;
}

/* Adds the schemas of module m.  0 or -1. */
static int
openapi_add_schemas(json_t *schemas, const struct api_module *m)
{
	for (size_t i = 0; i < m->nschemas; i++) {
		json_t *s = openapi_object(m->schemas[i].props);

		if (s == NULL || json_object_set_new(schemas, m->schemas[i].name, s) < 0) {
			log_error("openapi: could not describe schema %s", m->schemas[i].name);
			return -1;
		}
	}
	return 0;
}

static json_t *
openapi_build(void)
{
	json_t *paths = json_object(), *schemas = json_object(), *doc;

	for (const struct api_module *const *m = api_modules; paths && schemas && *m != NULL; m++) {
		if (openapi_add_paths(paths, *m) < 0) {
			json_decref(paths);
			paths = NULL;
		}
		if (openapi_add_schemas(schemas, *m) < 0) {
			json_decref(schemas);
			schemas = NULL;
		}
	}
	if (paths == NULL || schemas == NULL) {
		json_decref(paths);
		json_decref(schemas);
		return NULL;
	}
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, s:s}}}}",
	    "openapi", "3.0.3",
	    "info", "title", "DarkHorses API", "version", "1.0",
	    "description", "Horse-racing odds (GB and IRE): the Odds API ({\"success\": true, ...} bodies), "
	    "the Masters API under /api/masters ({\"count\": n, \"data\": [...]}) and race odds. Ids are "
	    "upstream strings; times are ISO 8601 in UTC; racing days are Europe/London dates. Values may be "
	    "null when unknown. Every error is JSON: 404 {\"detail\": \"... not found\"}, 422 "
	    "{\"detail\": [{\"loc\", \"msg\", \"type\"}]} naming each bad parameter, 429 past the rate limit, "
	    "503 when the database is unreachable. Headers: X-Query-Count, X-Query-Time (ms), Cache-Control.",
	    "paths", paths,
	    "components", "schemas", schemas, "securitySchemes", "bearer", "type", "http", "scheme", "bearer");
	return doc;
}

const json_t *
openapi_document(void)
{
	if (openapi_doc == NULL)
		openapi_doc = openapi_build();
	return openapi_doc;
}

static enum api_outcome
openapi_get(struct request *r)
{
	const json_t *doc = openapi_document();

	if (doc == NULL) {
		resp_detail(r, 500, "internal error: the OpenAPI document could not be built");
		return API_DONE;
	}
	resp_json(r, 200, json_incref((json_t *)doc));
	return API_DONE;
}

static const struct api_route openapi_routes[] = {
	{ .method = "GET", .pattern = "/api/openapi.json",
	  .handler = openapi_get, .cache_control = API_MASTERS, .name = "openapi",
	  .summary = "This document" },
};

static const struct api_schema openapi_schemas[] = {
	{ "Detail", "detail:s" },
	{ "ValidationItem", "loc:[s] msg:s type:s" },
	{ "ValidationError", "detail:[ValidationItem]" },
};

const struct api_module openapi_module = {
	.name = "openapi", .tag = "Admin",
	.routes = openapi_routes, .nroutes = API_COUNT(openapi_routes),
	.schemas = openapi_schemas, .nschemas = API_COUNT(openapi_schemas),
};
