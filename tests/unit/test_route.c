/* Unit tests for fcgi-api/route: matching by method and path pattern. */
#include "testutil.h"

#include "api.h"
#include "route.h"

static enum api_outcome
handler_a(struct request *r)
{
	(void)r;
	return API_DONE;
}

static enum api_outcome
handler_b(struct request *r)
{
	(void)r;
	return API_DB_FAILED;
}

static const struct api_route defs[] = {
	{ .method = "GET", .pattern = "/", .handler = handler_a, .cache_control = "no-cache", .name = "root" },
	{ .method = "GET", .pattern = "/health", .handler = handler_a, .cache_control = "no-store", .name = "health" },
	{ .method = "GET", .pattern = "/api/courses", .handler = handler_a, .cache_control = NULL, .name = "courses" },
	{ .method = "GET", .pattern = "/api/masters/horses", .handler = handler_b, .cache_control = NULL, .name = "horses" },
	{ .method = "GET", .pattern = "/api/masters/horses/{id}", .handler = handler_a, .cache_control = NULL, .name = "horse" },
	{ .method = "GET", .pattern = "/api/races/{race_id}/odds/history", .handler = handler_b, .cache_control = NULL, .name = "odds_history" },
	{ .method = "GET", .pattern = "/api/races/{race_id}/runners/{horse_id}", .handler = handler_a, .cache_control = NULL, .name = "runner" },
	{ .method = "POST", .pattern = "/admin/refresh", .handler = handler_b, .cache_control = NULL, .name = "refresh" },
	{ .method = "GET", .pattern = "/admin/jobs", .handler = handler_a, .cache_control = NULL, .name = "jobs_get" },
	{ .method = "POST", .pattern = "/admin/jobs", .handler = handler_b, .cache_control = NULL, .name = "jobs_post" },
	{ .method = "DELETE", .pattern = "/admin/jobs", .handler = handler_b, .cache_control = NULL, .name = "jobs_delete" },
};

#define NROUTES API_COUNT(defs)

static const struct api_route *routes[NROUTES];

static enum route_result
find(const char *method, const char *path, struct route_match *m)
{
	for (size_t i = 0; i < NROUTES; i++)
		routes[i] = &defs[i];
	memset(m, 0x5a, sizeof(*m));
	return route_find(routes, NROUTES, method, path, m);
}

/* Finds a route that must exist and returns its name. */
static const char *
found(const char *method, const char *path, struct route_match *m)
{
	if (find(method, path, m) != ROUTE_FOUND)
		fail_msg("%s %s not found", method, path);
	assert_non_null(m->route);
	return m->route->name;
}

static void
test_found_literal(void **state)
{
	struct route_match m;

	(void)state;
	assert_string_equal(found("GET", "/health", &m), "health");
	assert_ptr_equal(m.route, &defs[1]);
	assert_int_equal(m.ncaptures, 0);
	assert_string_equal(m.route->cache_control, "no-store");
	assert_true(m.route->handler == handler_a);
	assert_string_equal(found("GET", "/api/courses", &m), "courses");
	assert_string_equal(found("GET", "/api/masters/horses", &m), "horses");
}

static void
test_found_captures(void **state)
{
	struct route_match m;

	(void)state;
	assert_string_equal(found("GET", "/api/masters/horses/hrs_123", &m), "horse");
	assert_int_equal(m.ncaptures, 1);
	assert_string_equal(m.captures[0], "hrs_123");

	assert_string_equal(found("GET", "/api/races/rac_11745861/odds/history", &m), "odds_history");
	assert_int_equal(m.ncaptures, 1);
	assert_string_equal(m.captures[0], "rac_11745861");
	assert_true(m.route->handler == handler_b);

	assert_string_equal(found("GET", "/api/races/r1/runners/h2", &m), "runner");
	assert_int_equal(m.ncaptures, 2);
	assert_string_equal(m.captures[0], "r1");
	assert_string_equal(m.captures[1], "h2");

	/* Captures are raw: no decoding, any bytes but '/'. */
	assert_string_equal(found("GET", "/api/masters/horses/a%20b", &m), "horse");
	assert_string_equal(m.captures[0], "a%20b");
}

static void
test_not_found(void **state)
{
	static const char *const paths[] = {
		"/nope", "/api", "/api/", "/api/course", "/api/coursesx", "/healthz",
		"/api/masters/horses/1/extra", "/api/races/r1/odds", "/api/races/r1/odds/history/x",
		"/api/races//odds/history", "/API/courses", "health", "api/courses",
	};
	struct route_match m;

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (find("GET", paths[i], &m) != ROUTE_NOT_FOUND)
			fail_msg("%s matched", paths[i]);
		assert_null(m.route);
		assert_int_equal(m.ncaptures, 0);
		assert_string_equal(m.allow, "");
	}
}

/* "/api/masters/horses/" is the list, never {id} with an empty capture. */
static void
test_empty_capture(void **state)
{
	struct route_match m;

	(void)state;
	assert_string_equal(found("GET", "/api/masters/horses/", &m), "horses");
	assert_int_equal(m.ncaptures, 0);
	assert_int_equal(find("GET", "/api/masters/horses//", &m), ROUTE_NOT_FOUND);
	assert_int_equal(find("GET", "/api/races/r1/runners/", &m), ROUTE_NOT_FOUND);
}

static void
test_bad_method(void **state)
{
	struct route_match m;

	(void)state;
	assert_int_equal(find("POST", "/api/masters/horses/123", &m), ROUTE_BAD_METHOD);
	assert_null(m.route);
	assert_string_equal(m.allow, "GET, HEAD");
	assert_int_equal(find("DELETE", "/health/", &m), ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "GET, HEAD");
	assert_int_equal(find("GET", "/admin/refresh", &m), ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "POST");
	assert_int_equal(find("HEAD", "/admin/refresh", &m), ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "POST");
	assert_int_equal(find("PUT", "/admin/jobs", &m), ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "GET, HEAD, POST, DELETE");
	/* Methods are case sensitive. */
	assert_int_equal(find("get", "/health", &m), ROUTE_BAD_METHOD);
}

/* HEAD is served by GET routes; other methods by their own. */
static void
test_head_and_methods(void **state)
{
	struct route_match m;

	(void)state;
	assert_string_equal(found("HEAD", "/api/races/r9/odds/history", &m), "odds_history");
	assert_string_equal(m.captures[0], "r9");
	assert_string_equal(found("HEAD", "/", &m), "root");
	assert_string_equal(found("POST", "/admin/jobs", &m), "jobs_post");
	assert_string_equal(found("DELETE", "/admin/jobs", &m), "jobs_delete");
	assert_string_equal(found("GET", "/admin/jobs", &m), "jobs_get");
}

static void
test_trailing_slash(void **state)
{
	struct route_match m;

	(void)state;
	assert_string_equal(found("GET", "/health/", &m), "health");
	assert_string_equal(found("GET", "/api/masters/horses/7/", &m), "horse");
	assert_string_equal(m.captures[0], "7");
	assert_string_equal(found("GET", "/api/races/r1/odds/history/", &m), "odds_history");
	/* Only one is ignored. */
	assert_int_equal(find("GET", "/health//", &m), ROUTE_NOT_FOUND);
}

static void
test_root(void **state)
{
	struct route_match m;

	(void)state;
	assert_string_equal(found("GET", "/", &m), "root");
	assert_int_equal(m.ncaptures, 0);
	assert_int_equal(find("POST", "/", &m), ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "GET, HEAD");
	/* An empty table finds nothing. */
	memset(&m, 0, sizeof(m));
	assert_int_equal(route_find(routes, 0, "GET", "/", &m), ROUTE_NOT_FOUND);
}

static void
test_empty_and_long_paths(void **state)
{
	char path[ROUTE_MAX_PATH + 64];
	struct route_match m;
	size_t n;

	(void)state;
	assert_int_equal(find("GET", "", &m), ROUTE_NOT_FOUND);

	/* The longest path that fits is matched; one byte more is not. */
	n = ROUTE_MAX_PATH - 1;
	memcpy(path, "/api/races/", 11);
	memset(path + 11, 'x', n - 11 - strlen("/odds/history"));
	memcpy(path + n - strlen("/odds/history"), "/odds/history", strlen("/odds/history") + 1);
	assert_int_equal(strlen(path), n);
	/* The capture is too long for ROUTE_MAX_CAPTURE, so no route takes it. */
	assert_int_equal(find("GET", path, &m), ROUTE_NOT_FOUND);

	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[ROUTE_MAX_PATH] = '\0';
	assert_int_equal(find("GET", path, &m), ROUTE_NOT_FOUND);
	path[ROUTE_MAX_PATH + 40] = '\0';
	assert_int_equal(find("GET", path, &m), ROUTE_NOT_FOUND);
}

/* A capture up to ROUTE_MAX_CAPTURE - 1 bytes is kept whole; longer, no match. */
static void
test_capture_length(void **state)
{
	char path[64 + ROUTE_MAX_CAPTURE];
	struct route_match m;
	size_t base = strlen("/api/masters/horses/");

	(void)state;
	memcpy(path, "/api/masters/horses/", base);
	memset(path + base, 'h', ROUTE_MAX_CAPTURE - 1);
	path[base + ROUTE_MAX_CAPTURE - 1] = '\0';
	assert_string_equal(found("GET", path, &m), "horse");
	assert_int_equal(strlen(m.captures[0]), ROUTE_MAX_CAPTURE - 1);
	path[base + ROUTE_MAX_CAPTURE - 1] = 'h';
	path[base + ROUTE_MAX_CAPTURE] = '\0';
	assert_int_equal(find("GET", path, &m), ROUTE_NOT_FOUND);
}

/* More segments than a pattern has never match it, with or without captures. */
static void
test_more_segments(void **state)
{
	struct route_match m;

	(void)state;
	assert_int_equal(find("GET", "/health/extra", &m), ROUTE_NOT_FOUND);
	assert_int_equal(find("GET", "/api/masters/horses/1/2", &m), ROUTE_NOT_FOUND);
	assert_int_equal(find("GET", "/api/races/r1/runners/h2/x", &m), ROUTE_NOT_FOUND);
	assert_int_equal(find("GET", "/api/masters/horses/a/b/", &m), ROUTE_NOT_FOUND);
}

/* route_regex: the nginx map's regex for a pattern (cachekey.c). */
static void
test_regex(void **state)
{
	char re[256];

	(void)state;
	assert_int_equal(route_regex("/api/masters/horses/{id}", re, sizeof(re)), 0);
	assert_string_equal(re, "^/api/masters/horses/[^/]{1,127}/?$");
	assert_int_equal(route_regex("/api/openapi.json", re, sizeof(re)), 0);
	assert_string_equal(re, "^/api/openapi[.]json/?$");
	assert_int_equal(route_regex("/", re, sizeof(re)), 0);
	assert_string_equal(re, "^/$");
	assert_int_equal(route_regex("/a(b)", re, sizeof(re)), -1);
	assert_int_equal(route_regex("/a/{}", re, sizeof(re)), -1);
	assert_int_equal(route_regex("/api/masters/horses/{id}", re, 20), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_literal),
		cmocka_unit_test(test_found_captures),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_empty_capture),
		cmocka_unit_test(test_bad_method),
		cmocka_unit_test(test_head_and_methods),
		cmocka_unit_test(test_trailing_slash),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_empty_and_long_paths),
		cmocka_unit_test(test_capture_length),
		cmocka_unit_test(test_more_segments),
		cmocka_unit_test(test_regex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
