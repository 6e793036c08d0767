/*
 * Unit tests for fcgi-api/resp: bodies PostgreSQL built, copied as they
 * stand, and the failures.
 */
#include "testutil.h"

#include "api.h"

static PGresult *
one_value(const char *column, const char *value)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc attr;

	assert_non_null(res);
	memset(&attr, 0, sizeof(attr));
	attr.name = (char *)column;
	attr.typid = 25;
	attr.typlen = -1;
	attr.atttypmod = -1;
	assert_int_equal(PQsetResultAttrs(res, 1, &attr), 1);
	assert_int_equal(PQsetvalue(res, 0, 0, (char *)value, value ? (int)strlen(value) : -1), 1);
	return res;
}

static void
setup_request(struct request *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->path = "/test";
	buf_init(&r->body, max);
}

static void
test_as_built(void **state)
{
	struct request r;

	(void)state;
	setup_request(&r, 4096);
	resp_result(&r, 200, one_value("body",
	    "{\"success\" : true, \"data\" : [{\"a\" : 1}, \n {\"name\" : \"two  words\\\" and \\\\\", \"t\" : \"\\n\"}]}"),
	    "body");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data,
	    "{\"success\" : true, \"data\" : [{\"a\" : 1}, \n {\"name\" : \"two  words\\\" and \\\\\", \"t\" : \"\\n\"}]}");
	buf_free(&r.body);
}

static void
test_missing_value(void **state)
{
	struct request r;

	(void)state;
	setup_request(&r, 4096);
	resp_result(&r, 200, one_value("body", NULL), "body");
	assert_int_equal(r.status, 500);
	assert_contains(r.body.data, "internal error");
	resp_result(&r, 200, one_value("other", "{}"), "body");
	assert_int_equal(r.status, 500);
	buf_free(&r.body);
}

static void
test_too_large(void **state)
{
	struct request r;

	(void)state;
	setup_request(&r, 64);
	resp_result(&r, 200, one_value("body", "[\"0123456789\", \"0123456789\", \"0123456789\", "
	    "\"0123456789\", \"0123456789\", \"0123456789\"]"), "body");
	assert_int_equal(r.status, 500);
	resp_body(&r, 200, 1);
	assert_int_equal(r.status, 500);
	buf_free(&r.body);
}

static void
test_detail(void **state)
{
	struct request r;

	(void)state;
	setup_request(&r, 4096);
	resp_detail(&r, 404, "race %s not found", "rac_\"1\"");
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body.data, "{\"detail\":\"race rac_\\\"1\\\" not found\"}");
	buf_free(&r.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_as_built),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_detail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
