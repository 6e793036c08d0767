/*
 * Unit tests for shared/jsonw: nesting and commas, what the writer refuses,
 * escaping and invalid UTF-8, numbers from PostgreSQL text, times,
 * pre-encoded tokens, the string hook, and failures that stick.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include "jsonw.h"

/* 2025-10-14T12:00:00Z */
#define NOW ((time_t)1760443200)

struct fixture {
	struct buf  out;
	struct jsonw w;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	buf_init(&f->out, 1 << 16);
	jsonw_init(&f->w, &f->out);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	buf_free(&f->out);
	free(f);
	return 0;
}

/* The text written so far, after checking nothing failed. */
static const char *
written(struct fixture *f)
{
	assert_false(jsonw_failed(&f->w));
	return buf_str(&f->out);
}

static void
test_nesting_and_commas(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;

	jsonw_obj(w);
	jsonw_kint(w, "a", 1);
	jsonw_key(w, "list");
	jsonw_arr(w);
	jsonw_int(w, -2);
	jsonw_bool(w, 1);
	jsonw_null(w);
	jsonw_arr(w);
	jsonw_arr_end(w);
	jsonw_obj(w);
	jsonw_obj_end(w);
	jsonw_obj(w);
	jsonw_kbool(w, "x", 0);
	jsonw_kstr(w, "y", "z");
	jsonw_obj_end(w);
	jsonw_arr_end(w);
	jsonw_key(w, "empty");
	jsonw_obj(w);
	jsonw_obj_end(w);
	jsonw_obj_end(w);
	assert_string_equal(written(f),
	    "{\"a\":1,\"list\":[-2,true,null,[],{},{\"x\":false,\"y\":\"z\"}],\"empty\":{}}");
}

static void
test_top_level_scalar(void **state)
{
	struct fixture *f = *state;

	jsonw_str(&f->w, "alone");
	assert_string_equal(written(f), "\"alone\"");
}

/* Each misuse fails the writer; each runs on a fresh writer. */
static void
test_misuse(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;
	int depth;

	jsonw_obj(w);
	jsonw_int(w, 1);		/* a value without a key */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	jsonw_arr(w);
	jsonw_key(w, "k");		/* a key in an array */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	jsonw_arr(w);
	jsonw_obj_end(w);		/* the wrong close */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	jsonw_obj_end(w);		/* a close with nothing open */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	jsonw_obj(w);
	jsonw_key(w, "k");
	jsonw_obj_end(w);		/* a key without its value */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	jsonw_int(w, 1);
	jsonw_int(w, 2);		/* a second top-level value */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	for (depth = 0; depth < JSONW_DEPTH + 1; depth++)
		jsonw_arr(w);		/* too deep */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	jsonw_token(w, "", 0);		/* an empty token */
	assert_true(jsonw_failed(w));

	buf_reset(&f->out);
	jsonw_init(w, &f->out);
	jsonw_obj(w);
	jsonw_key_token(w, "null", 4);	/* a key token that is not a string */
	assert_true(jsonw_failed(w));
}

static void
test_escaping(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;

	jsonw_arr(w);
	jsonw_str(w, "a\"b\\c\n\r\t\x01\x1f/\xc3\xa9");
	jsonw_str(w, "");
	jsonw_str(w, NULL);
	jsonw_obj(w);
	jsonw_kstr(w, "k\"ey", "v");
	jsonw_obj_end(w);
	jsonw_arr_end(w);
	assert_string_equal(written(f),
	    "[\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f/\xc3\xa9\",\"\",null,{\"k\\\"ey\":\"v\"}]");
}

static void
test_invalid_utf8(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;

	jsonw_arr(w);
	jsonw_str(w, "bad \xff utf-8");
	jsonw_str(w, "cut \xe2\x82");		/* a truncated euro sign */
	jsonw_str(w, "\xed\xa0\x80");		/* a surrogate */
	jsonw_str(w, "\xf0\x9f\x90\x8e ok");	/* valid 4-byte */
	jsonw_arr_end(w);
	assert_string_equal(written(f),
	    "[\"bad \xef\xbf\xbd utf-8\",\"cut \xef\xbf\xbd\xef\xbf\xbd\","
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"\xf0\x9f\x90\x8e ok\"]");
}

static void
test_numbers_from_text(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;
	static const char *const in[] = { "-12.50", "0", "3", "1e5", "1.", ".5", "", "-", "1,5",
		"NaN", "12 ", "1e5; DROP", NULL };

	jsonw_arr(w);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		jsonw_num(w, in[i]);
	jsonw_fixed(w, 2.0 / 3.0, 2);
	jsonw_fixed(w, -1.5, 3);
	jsonw_fixed(w, NAN, 2);
	jsonw_fixed(w, INFINITY, 2);
	jsonw_arr_end(w);
	assert_string_equal(written(f),
	    "[-12.50,0,3,null,null,null,null,null,null,null,null,null,null,0.67,-1.500,null,null]");
	assert_true(jsonw_is_number("0"));
	assert_true(jsonw_is_number("-0.001"));
	assert_false(jsonw_is_number("1."));
	assert_false(jsonw_is_number("."));
	assert_false(jsonw_is_number(""));
	assert_false(jsonw_is_number("+1"));
}

static void
test_times(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;
	time_t t;

	jsonw_arr(w);
	jsonw_time(w, "2025-10-14 12:04:59.25+00");
	jsonw_time(w, "2025-10-14 13:00:00+01");
	jsonw_time(w, "2025-10-14 12:00:00+05:30");
	jsonw_time(w, "2025-10-14");
	jsonw_time(w, "not a time at all, no");
	jsonw_time(w, NULL);
	jsonw_instant(w, NOW);
	jsonw_arr_end(w);
	assert_string_equal(written(f),
	    "[\"2025-10-14T12:04:59+00:00\",\"2025-10-14T12:00:00+00:00\",\"2025-10-14T06:30:00+00:00\","
	    "null,null,null,\"2025-10-14T12:00:00+00:00\"]");
	assert_int_equal(jsonw_parse_pgtime("2025-10-14 13:00:00+01", &t), 0);
	assert_int_equal(t, NOW);
	assert_int_equal(jsonw_parse_pgtime("2025-10-14", &t), -1);
}

static void
test_tokens(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;
	static const char agg[] = "\"bet365\"";

	jsonw_obj(w);
	jsonw_key(w, "ids");
	jsonw_token(w, "[\"a\", 1]", 8);
	jsonw_key_token(w, agg, sizeof(agg) - 1);
	jsonw_obj(w);
	jsonw_key(w, "decimal");
	jsonw_token(w, "5.000", 5);
	jsonw_obj_end(w);
	jsonw_key(w, "list");
	jsonw_arr(w);
	jsonw_token(w, "1", 1);
	jsonw_token(w, "null", 4);
	jsonw_token(w, "{}", 2);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	assert_string_equal(written(f),
	    "{\"ids\":[\"a\", 1],\"bet365\":{\"decimal\":5.000},\"list\":[1,null,{}]}");
}

/* The hook replaces every other string value; keys and its own writes pass. */
static int
hook_every_other(struct jsonw *w, const char *s, void *arg)
{
	int *n = arg;

	if ((*n)++ % 2 == 0)
		return 0;
	jsonw_obj(w);
	jsonw_kstr(w, "value", s);
	jsonw_obj_end(w);
	return 1;
}

static void
test_hook(void **state)
{
	struct fixture *f = *state;
	struct jsonw *w = &f->w;
	int n = 0;

	jsonw_set_hook(w, hook_every_other, &n);
	jsonw_obj(w);
	jsonw_kstr(w, "a", "1");
	jsonw_kstr(w, "b", "2");
	jsonw_kstr(w, "c", NULL);
	jsonw_key(w, "t");
	jsonw_instant(w, NOW);
	jsonw_obj_end(w);
	jsonw_set_hook(w, NULL, NULL);
	assert_string_equal(written(f),
	    "{\"a\":\"1\",\"b\":{\"value\":\"2\"},\"c\":null,\"t\":\"2025-10-14T12:00:00+00:00\"}");
	assert_int_equal(n, 3);	/* NULL strings are shown to the hook too */
}

static void
test_failure_sticks(void **state)
{
	struct buf small;
	struct jsonw w;

	(void)state;
	buf_init(&small, 8);
	jsonw_init(&w, &small);
	jsonw_arr(&w);
	jsonw_str(&w, "0123456789");	/* past the maximum: the buf is freed */
	assert_true(jsonw_failed(&w));
	jsonw_int(&w, 1);		/* would fit in the emptied buf, but the writer stays failed */
	jsonw_arr_end(&w);
	assert_true(jsonw_failed(&w));
	assert_int_equal(small.len, 0);
	buf_free(&small);

	/* A misuse sticks too: nothing more is written. */
	buf_init(&small, 64);
	jsonw_init(&w, &small);
	jsonw_arr(&w);
	jsonw_key(&w, "k");
	jsonw_int(&w, 1);
	assert_true(jsonw_failed(&w));
	assert_string_equal(buf_str(&small), "[");
	buf_free(&small);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nesting_and_commas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_level_scalar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers_from_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_times, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook, setup, teardown),
		cmocka_unit_test(test_failure_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
