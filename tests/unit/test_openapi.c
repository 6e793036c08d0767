/*
 * Unit tests for fcgi-api/openapi against main.c's route table (included
 * here, its main renamed): every route is described, nothing else is, and
 * the document holds together (every $ref resolves, every operation has its
 * responses and path parameters).
 */
#include "testutil.h"

#include <stdio.h>

#include <jansson.h>

#include "openapi.h"

/* main.c, with its main() out of the way. */
int dh_api_main(int argc, char **argv);
#define main dh_api_main
#include "../../fcgi-api/main.c"
#undef main

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
		const json_t *item = json_object_get(paths, routes[i].pattern);
		char method[8];

		snprintf(method, sizeof(method), "%s", routes[i].method);
		for (char *p = method; *p; p++)
			*p = (char)(*p - 'A' + 'a');
		if (item == NULL || json_object_get(item, method) == NULL)
			fail_msg("%s %s is not in the OpenAPI document", routes[i].method, routes[i].pattern);
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

		while (i < NROUTES && strcmp(routes[i].pattern, path) != 0)
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
		    routes[i].pattern), "get");
		const char *p = routes[i].pattern;

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
				fail_msg("%s: no required path parameter %.*s", routes[i].pattern, (int)n, p + 1);
			if (json_object_get(json_object_get(op, "responses"), "404") == NULL)
				fail_msg("%s: no 404 response", routes[i].pattern);
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
		    routes[i].pattern), "get");
		int admin = strncmp(routes[i].pattern, "/api/db-health/", 15) == 0;

		assert_int_equal(json_array_size(json_object_get(op, "security")) > 0, admin);
		assert_int_equal(json_object_get(json_object_get(op, "responses"), "401") != NULL, admin);
		if (admin)
			assert_string_equal(routes[i].cache_control, "no-store");
	}
}

/* Health, admin and metrics are never cacheable; the rest say for how long. */
static void
test_cache_control(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROUTES; i++) {
		const char *p = routes[i].pattern, *cc = routes[i].cache_control;
		int never = strstr(p, "health") != NULL || strcmp(p, "/metrics") == 0;

		assert_non_null(cc);
		if (never)
			assert_string_equal(cc, "no-store");
		else
			assert_non_null(strstr(cc, "max-age="));
	}
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
