/*
 * Unit tests for shared/qstring: splitting and percent-decoding, strict
 * (the API) and lenient (the simulator).
 */
#include "testutil.h"

#include <stdlib.h>

#include "qstring.h"

static void
test_decode(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(qstring_decode("a%20b+c", 7, out, QSTRING_PLUS), 5);
	assert_string_equal(out, "a b c");
	assert_int_equal(qstring_decode("a+b%2F", 6, out, 0), 4);	/* a path: "+" stays */
	assert_string_equal(out, "a+b/");
	assert_int_equal(qstring_decode("%zz%4%", 6, out, 0), 6);	/* lenient: kept as is */
	assert_string_equal(out, "%zz%4%");
	assert_int_equal(qstring_decode("%zz", 3, out, QSTRING_STRICT), -1);
	assert_int_equal(qstring_decode("%4", 2, out, QSTRING_STRICT), -1);
	assert_int_equal(qstring_decode("x%00y", 5, out, QSTRING_STRICT), 3);
	assert_int_equal(memcmp(out, "x\0y", 4), 0);
}

static void
test_split(void **state)
{
	struct qstring_pair pairs[8];
	char *storage;
	size_t at;

	(void)state;
	assert_int_equal(qstring_split("a=1&&b=x+y;c&d=", "&;", QSTRING_STRICT, pairs, 8, &storage, &at), 4);
	assert_string_equal(pairs[0].key, "a");
	assert_string_equal(pairs[0].value, "1");
	assert_string_equal(pairs[1].value, "x y");
	assert_string_equal(pairs[2].key, "c");
	assert_string_equal(pairs[2].value, "");
	assert_string_equal(pairs[3].key, "d");
	assert_int_equal(pairs[3].value_len, 0);
	free(storage);

	/* "&" only: ";" is part of the value. */
	assert_int_equal(qstring_split("a=1;b=2", "&", 0, pairs, 8, &storage, &at), 1);
	assert_string_equal(pairs[0].value, "1;b=2");
	free(storage);

	assert_int_equal(qstring_split(NULL, "&", 0, pairs, 8, &storage, &at), 0);
	assert_null(storage);
	assert_int_equal(qstring_split("", "&", 0, pairs, 8, &storage, &at), 0);
	assert_null(storage);
}

static void
test_split_errors(void **state)
{
	struct qstring_pair pairs[2];
	char *storage;
	size_t at;

	(void)state;
	assert_int_equal(qstring_split("a=1&b=%zz", "&", QSTRING_STRICT, pairs, 2, &storage, &at),
	    QSTRING_BAD_ESCAPE);
	assert_int_equal(at, 4);
	free(storage);
	assert_int_equal(qstring_split("a=1&b=%zz", "&", 0, pairs, 2, &storage, &at), 2);
	assert_string_equal(pairs[1].value, "%zz");
	free(storage);
	assert_int_equal(qstring_split("a%00b=1", "&", QSTRING_STRICT, pairs, 2, &storage, &at),
	    QSTRING_NUL_NAME);
	free(storage);
	assert_int_equal(qstring_split("a=1&b=2&c=3", "&", 0, pairs, 2, &storage, &at), QSTRING_TOO_MANY);
	assert_int_equal(at, 8);
	free(storage);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
