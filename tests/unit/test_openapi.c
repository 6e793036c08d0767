/*
 * Unit tests for fcgi-api/openapi and the endpoint families it is made
 * from (api_modules): every route is described, nothing else is, and the
 * document holds together (every $ref resolves, every operation has its
 * responses and path parameters); the route table holds no duplicate and
 * every route has what dispatch and the metrics need.
 */
#include "testutil.h"

#include <stdio.h>

#include <jansson.h>

#include "api.h"
#include "openapi.h"

static const struct api_route *const *routes;
static size_t nroutes;
#define NROUTES nroutes
#define R(i) (*routes[i])

static int
setup(void **state)
{
	(void)state;
	if (api_init() < 0)
		return -1;
	routes = api_routes(&nroutes);
	return nroutes > 30 ? 0 : -1;
}

static const json_t *
doc(void)
{
	const json_t *d = openapi_document();

	if (d == NULL)
		fail_msg("the OpenAPI document could not be built");
	return d;
}

/* Every route of the table is a path of the document, with its method. */
static void
test_every_route_described(void **state)
{
	const json_t *paths = json_object_get(doc(), "paths");

	(void)state;
	assert_true(json_is_object(paths));
	for (size_t i = 0; i < NROUTES; i++) {
		const json_t *item = json_object_get(paths, R(i).pattern);
		char method[8];

		snprintf(method, sizeof(method), "%s", R(i).method);
		for (char *p = method; *p; p++)
			*p = (char)(*p - 'A' + 'a');
		if (item == NULL || json_object_get(item, method) == NULL)
			fail_msg("%s %s is not in the OpenAPI document", R(i).method, R(i).pattern);
	}
}

/* The document describes nothing the table does not serve. */
static void
test_nothing_else_described(void **state)
{
	const char *path;
	json_t *item;

	(void)state;
	json_object_foreach(json_object_get(doc(), "paths"), path, item) {
		size_t i = 0;

		while (i < NROUTES && strcmp(R(i).pattern, path) != 0)
			i++;
		if (i == NROUTES)
			fail_msg("%s is described but not routed", path);
	}
}

/* Every {capture} of a pattern is a required path parameter of its operation. */
static void
test_path_parameters(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROUTES; i++) {
		const json_t *op = json_object_get(json_object_get(json_object_get(doc(), "paths"),
		    R(i).pattern), "get");
		const char *p = R(i).pattern;

		assert_non_null(json_object_get(op, "summary"));
		assert_non_null(json_object_get(json_object_get(op, "responses"), "200"));
		while ((p = strchr(p, '{')) != NULL) {
			size_t n = strcspn(p + 1, "}"), k;
			const json_t *params = json_object_get(op, "parameters");

			for (k = 0; k < json_array_size(params); k++) {
				const json_t *q = json_array_get(params, k);
				const char *name = json_string_value(json_object_get(q, "name"));

				if (name && strlen(name) == n && strncmp(name, p + 1, n) == 0 &&
				    strcmp(json_string_value(json_object_get(q, "in")), "path") == 0 &&
				    json_is_true(json_object_get(q, "required")))
					break;
			}
			if (k == json_array_size(params))
				fail_msg("%s: no required path parameter %.*s", R(i).pattern, (int)n, p + 1);
			if (json_object_get(json_object_get(op, "responses"), "404") == NULL)
				fail_msg("%s: no 404 response", R(i).pattern);
			p += n + 1;
		}
	}
}

/* Checks every "$ref" below j names a schema of the document. */
static void
check_refs(const json_t *j, const json_t *schemas)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			check_refs(v, schemas);
		return;
	}
	json_object_foreach((json_t *)j, key, v) {
		if (strcmp(key, "$ref") == 0) {
			const char *ref = json_string_value(v);
			const char *prefix = "#/components/schemas/";

			assert_non_null(ref);
			assert_int_equal(strncmp(ref, prefix, strlen(prefix)), 0);
			if (json_object_get(schemas, ref + strlen(prefix)) == NULL)
				fail_msg("dangling $ref %s", ref);
		} else {
			check_refs(v, schemas);
		}
	}
}

static void
test_refs_resolve(void **state)
{
	const json_t *schemas = json_object_get(json_object_get(doc(), "components"), "schemas");

	(void)state;
	assert_true(json_object_size(schemas) > 40);
	check_refs(doc(), schemas);
	assert_string_equal(json_string_value(json_object_get(doc(), "openapi")), "3.0.3");
}

/* The admin route says it needs the key; the rest need nothing. */
static void
test_security(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROUTES; i++) {
		const json_t *op = json_object_get(json_object_get(json_object_get(doc(), "paths"),
		    R(i).pattern), "get");
		int admin = strncmp(R(i).pattern, "/api/db-health/", 15) == 0;

		assert_int_equal(json_array_size(json_object_get(op, "security")) > 0, admin);
		assert_int_equal(json_object_get(json_object_get(op, "responses"), "401") != NULL, admin);
		if (admin)
			assert_string_equal(R(i).cache_control, "no-store");
	}
}

/* Health, admin, metrics, exports and streams are never cacheable; the rest say for how long. */
static void
test_cache_control(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROUTES; i++) {
		const char *p = R(i).pattern, *cc = R(i).cache_control;
		int never = strstr(p, "health") != NULL || strcmp(p, "/metrics") == 0 ||
		    strncmp(p, "/api/export/", 12) == 0 || strncmp(p, "/api/stream/", 12) == 0;

		assert_non_null(cc);
		if (never)
			assert_string_equal(cc, "no-store");
		else
			assert_non_null(strstr(cc, "max-age="));
	}
}

/* Every route has a handler, a metrics name and a summary; no method and pattern twice. */
static void
test_routes_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROUTES; i++) {
		assert_non_null(R(i).handler);
		assert_non_null(R(i).name);
		assert_non_null(R(i).summary);
		for (size_t j = 0; j < i; j++)
			if (strcmp(R(i).method, R(j).method) == 0 && strcmp(R(i).pattern, R(j).pattern) == 0)
				fail_msg("%s %s is routed twice", R(i).method, R(i).pattern);
	}
}

/*
 * Every operation has an operationId, unique, of word characters; on the
 * original's paths it is the original's (reference §1.1), so that its docs'
 * deep links (/docs#/default/get_live_odds_api_live_odds_get) still work;
 * elsewhere it is made the way FastAPI made them.
 */
static void
test_operation_ids(void **state)
{
	static const char *const original[][2] = {
		{ "/health", "health_check_health_get" },
		{ "/version", "version_check_version_get" },
		{ "/api/live-odds", "get_live_odds_api_live_odds_get" },
		{ "/api/live-odds/upcoming-races", "get_upcoming_races_api_live_odds_upcoming_races_get" },
		{ "/api/live-odds/races-by-stage", "get_races_by_stage_api_live_odds_races_by_stage_get" },
		{ "/api/live-odds/next-race", "get_next_race_api_live_odds_next_race_get" },
		{ "/api/historical-odds", "get_historical_odds_api_historical_odds_get" },
		{ "/api/historical-odds/summary", "get_historical_summary_api_historical_odds_summary_get" },
		{ "/api/statistics", "get_statistics_api_statistics_get" },
		{ "/api/scheduler-status", "get_scheduler_status_api_scheduler_status_get" },
		{ "/api/bookmakers", "get_bookmakers_api_bookmakers_get" },
		{ "/api/courses", "get_courses_api_courses_get" },
	};
	const json_t *paths = json_object_get(doc(), "paths");
	json_t *seen = json_object(), *item, *op;
	const char *path, *method;

	(void)state;
	json_object_foreach((json_t *)paths, path, item) {
		json_object_foreach(item, method, op) {
			const char *id = json_string_value(json_object_get(op, "operationId"));

			if (id == NULL || *id == '\0' || strspn(id, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(id))
				fail_msg("%s %s: operationId \"%s\"", method, path, id ? id : "(none)");
			if (json_object_get(seen, id) != NULL)
				fail_msg("operationId %s twice", id);
			json_object_set_new(seen, id, json_true());
		}
	}
	json_decref(seen);
	for (size_t i = 0; i < sizeof(original) / sizeof(original[0]); i++) {
		const json_t *get = json_object_get(json_object_get(paths, original[i][0]), "get");

		assert_non_null(get);
		assert_string_equal(json_string_value(json_object_get(get, "operationId")), original[i][1]);
	}
	op = json_object_get(json_object_get(paths, "/api/races/{race_id}/odds"), "get");
	assert_non_null(op);
	assert_string_equal(json_string_value(json_object_get(op, "operationId")),
	    "race_odds_api_races__race_id__odds_get");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_described),
		cmocka_unit_test(test_nothing_else_described),
		cmocka_unit_test(test_path_parameters),
		cmocka_unit_test(test_refs_resolve),
		cmocka_unit_test(test_security),
		cmocka_unit_test(test_cache_control),
		cmocka_unit_test(test_routes_complete),
		cmocka_unit_test(test_operation_ids),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
