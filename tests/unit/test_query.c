/* Unit tests for fcgi-api/query: decoding and the typed getters. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "query.h"

/* Parses raw, which must be well formed. */
static void
parse_ok(struct query *q, const char *raw)
{
	char err[256] = "";

	if (query_parse(q, raw, err, sizeof(err)) != 0)
		fail_msg("\"%.80s\" rejected: %s", raw, err);
}

/* Parses raw, which must be malformed with a message containing what. */
static void
parse_bad(const char *raw, const char *what)
{
	struct query q;
	char err[256] = "";

	if (query_parse(&q, raw, err, sizeof(err)) != -1)
		fail_msg("\"%.80s\" accepted", raw);
	assert_contains(err, what);
	query_free(&q);
}

static size_t
nerrors(const struct query *q)
{
	return q->errors != NULL ? json_array_size(q->errors) : 0;
}

/*
 * Checks error item i: loc is ["query", name], msg names the parameter in
 * quotes and contains msg_part, type is type.
 */
static void
check_item(const struct query *q, size_t i, const char *name, const char *msg_part,
    const char *type)
{
	const char *where, *loc_name, *msg, *t;
	char quoted[128];
	json_error_t jerr;

	if (i >= nerrors(q))
		fail_msg("no error item %zu (have %zu)", i, nerrors(q));
	if (json_unpack_ex(json_array_get(q->errors, i), &jerr, JSON_STRICT,
	    "{s:[ss], s:s, s:s}", "loc", &where, &loc_name, "msg", &msg, "type", &t) != 0)
		fail_msg("item %zu malformed: %s", i, jerr.text);
	assert_string_equal(where, "query");
	assert_string_equal(loc_name, name);
	snprintf(quoted, sizeof(quoted), "\"%s\"", name);
	assert_contains(msg, quoted);
	assert_contains(msg, msg_part);
	assert_string_equal(t, type);
}

static void
test_parse_basic(void **state)
{
	struct query q;

	(void)state;
	parse_ok(&q, "a=1&b=x%20y+z");
	assert_int_equal(q.n, 2);
	assert_string_equal(q.params[0].key, "a");
	assert_string_equal(q.params[0].value, "1");
	assert_int_equal(q.params[0].value_len, 1);
	assert_string_equal(q.params[1].key, "b");
	assert_string_equal(q.params[1].value, "x y z");
	assert_int_equal(q.params[1].value_len, 5);
	assert_null(q.errors);
	query_free(&q);
}

static void
test_parse_separators_and_segments(void **state)
{
	struct query q;

	(void)state;
	/* ";" is no separator (as Starlette): part of a's value, as nginx's $arg_a reads it. */
	parse_ok(&q, "a=1;b=2&c=3");
	assert_int_equal(q.n, 2);
	assert_string_equal(q.params[0].value, "1;b=2");
	assert_string_equal(q.params[1].value, "3");
	query_free(&q);

	parse_ok(&q, "&&a=1&&b=2&");
	assert_int_equal(q.n, 2);
	assert_string_equal(q.params[0].key, "a");
	assert_string_equal(q.params[1].key, "b");
	query_free(&q);

	/* A key without '=' has an empty value; '=' may appear in the value. */
	parse_ok(&q, "flag&a=b=c&=v&e=");
	assert_int_equal(q.n, 4);
	assert_string_equal(q.params[0].key, "flag");
	assert_string_equal(q.params[0].value, "");
	assert_int_equal(q.params[0].value_len, 0);
	assert_string_equal(q.params[1].value, "b=c");
	assert_string_equal(q.params[2].key, "");
	assert_string_equal(q.params[2].value, "v");
	assert_string_equal(q.params[3].value, "");
	query_free(&q);

	/* Encoded separators are data; keys are decoded too; hex is either case. */
	parse_ok(&q, "k%65y=%26%3d%3B%2b%2B");
	assert_int_equal(q.n, 1);
	assert_string_equal(q.params[0].key, "key");
	assert_string_equal(q.params[0].value, "&=;++");
	query_free(&q);
}

static void
test_parse_empty(void **state)
{
	struct query q;

	(void)state;
	parse_ok(&q, "");
	assert_int_equal(q.n, 0);
	query_free(&q);
	parse_ok(&q, NULL);
	assert_int_equal(q.n, 0);
	query_free(&q);
	parse_ok(&q, "&&&");
	assert_int_equal(q.n, 0);
	query_free(&q);
}

static void
test_parse_bad_escapes(void **state)
{
	(void)state;
	parse_bad("a=%", "percent");
	parse_bad("a=1%", "percent");
	parse_bad("a=%zz", "percent");
	parse_bad("a=%4", "percent");
	parse_bad("a=%4&b=1", "percent");
	parse_bad("a=%g0", "percent");
	parse_bad("%=1", "percent");
	parse_bad("k%4=1", "percent");
	parse_bad("ok=1&a=%%41", "percent");
}

static void
test_parse_limits(void **state)
{
	char *raw = malloc(QUERY_MAX_LEN + 2), many[QUERY_MAX_PARAMS * 8 + 16];
	struct query q;
	size_t o = 0;

	(void)state;
	assert_non_null(raw);
	/* Exactly QUERY_MAX_LEN bytes is fine; one more is not. */
	memset(raw, 'a', QUERY_MAX_LEN + 1);
	memcpy(raw, "v=", 2);
	raw[QUERY_MAX_LEN] = '\0';
	parse_ok(&q, raw);
	assert_int_equal(q.params[0].value_len, QUERY_MAX_LEN - 2);
	query_free(&q);
	raw[QUERY_MAX_LEN] = 'a';
	raw[QUERY_MAX_LEN + 1] = '\0';
	parse_bad(raw, "too long");
	free(raw);

	/* QUERY_MAX_PARAMS parameters are fine; one more is not. */
	for (int i = 0; i < QUERY_MAX_PARAMS; i++)
		o += (size_t)snprintf(many + o, sizeof(many) - o, "p%d=1&", i);
	parse_ok(&q, many);
	assert_int_equal(q.n, QUERY_MAX_PARAMS);
	query_free(&q);
	snprintf(many + o, sizeof(many) - o, "x=1");
	parse_bad(many, "too many");
}

/* A parameter name holding a NUL must not pass for the name before it. */
static void
test_parse_nul_in_key(void **state)
{
	(void)state;
	parse_bad("limit%00junk=5", "NUL");
}

/* A NUL byte in a value gets its own message. */
static void
test_nul_value_rejected(void **state)
{
	struct query q;
	const char *s = "unchanged";
	long n;

	(void)state;
	parse_ok(&q, "name=a%00b");
	assert_int_equal(q.params[0].value_len, 3);
	assert_int_equal(query_str(&q, "name", QUERY_MAX_VALUE, &s), -1);
	assert_null(s);
	assert_int_equal(nerrors(&q), 1);
	check_item(&q, 0, "name", "parameter \"name\" contains a NUL byte", "value_error.str.nul");
	query_free(&q);

	parse_ok(&q, "limit=5%00");
	assert_int_equal(query_int(&q, "limit", 1, 100, 10, &n), -1);
	assert_int_equal(n, 10);
	check_item(&q, 0, "limit", "contains a NUL byte", "value_error.str.nul");
	query_free(&q);
}

static void
test_invalid_utf8_rejected(void **state)
{
	struct query q;
	const char *s;

	(void)state;
	parse_ok(&q, "name=%C3%28&ok=S%C3%A9&emoji=%F0%9F%90%8E&sur=%ED%A0%80");
	assert_int_equal(query_str(&q, "name", QUERY_MAX_VALUE, &s), -1);
	check_item(&q, 0, "name", "UTF-8", "value_error.str");
	assert_int_equal(query_str(&q, "ok", QUERY_MAX_VALUE, &s), 1);
	assert_string_equal(s, "Sé");
	assert_int_equal(query_str(&q, "emoji", QUERY_MAX_VALUE, &s), 1);
	assert_string_equal(s, "\xf0\x9f\x90\x8e");
	assert_int_equal(query_str(&q, "sur", QUERY_MAX_VALUE, &s), -1);
	check_item(&q, 1, "sur", "UTF-8", "value_error.str");
	assert_int_equal(nerrors(&q), 2);
	query_free(&q);
}

static void
test_repeated_key_rejected(void **state)
{
	struct query q;
	const char *s;
	long n;
	int b;

	(void)state;
	parse_ok(&q, "limit=1&limit=2&q=a&q=a&flag&flag");
	assert_int_equal(query_int(&q, "limit", 1, 100, 10, &n), -1);
	assert_int_equal(n, 10);
	check_item(&q, 0, "limit", "more than once", "value_error.repeated");
	assert_int_equal(query_str(&q, "q", QUERY_MAX_VALUE, &s), -1);
	check_item(&q, 1, "q", "more than once", "value_error.repeated");
	assert_int_equal(query_bool(&q, "flag", 0, &b), -1);
	check_item(&q, 2, "flag", "more than once", "value_error.repeated");
	query_free(&q);
}

/* Values longer than the getter's limit are refused by length. */
static void
test_long_value_rejected(void **state)
{
	char *raw = malloc(8192 + 8);
	struct query q;
	const char *s;

	(void)state;
	assert_non_null(raw);
	memcpy(raw, "name=", 5);
	memset(raw + 5, 'x', 8192);
	raw[5 + 8192] = '\0';
	parse_ok(&q, raw);
	assert_int_equal(query_str(&q, "name", QUERY_MAX_VALUE, &s), -1);
	assert_null(s);
	check_item(&q, 0, "name", "too long (8192 bytes, at most 1024)",
	    "value_error.any_str.max_length");
	query_free(&q);

	/* At the limit is fine. */
	raw[5 + QUERY_MAX_VALUE] = '\0';
	parse_ok(&q, raw);
	assert_int_equal(query_str(&q, "name", QUERY_MAX_VALUE, &s), 1);
	assert_int_equal(strlen(s), QUERY_MAX_VALUE);
	assert_null(q.errors);
	query_free(&q);
	free(raw);
}

static void
test_str_absent_and_ignored(void **state)
{
	struct query q;
	const char *s = "unchanged";

	(void)state;
	parse_ok(&q, "other=%ff&x=1");
	assert_int_equal(query_str(&q, "name", QUERY_MAX_VALUE, &s), 0);
	assert_null(s);
	assert_int_equal(query_str(&q, "X", QUERY_MAX_VALUE, &s), 0);
	assert_null(q.errors);
	query_free(&q);
}

static void
test_int(void **state)
{
	static const struct {
		const char *raw;
		long        want;
	} good[] = {
		{ "n=1", 1 }, { "n=100", 100 }, { "n=-5", -5 }, { "n=-0", 0 }, { "n=007", 7 },
	};
	static const char *const bad[] = {
		"n=1e3", "n=+5", "n=%205", "n=5%20", "n=", "n=abc", "n=0x10", "n=1.0",
		"n=99999999999999999999", "n=-99999999999999999999", "n=101", "n=-6", "n=--1",
		"n=%EF%BC%95",
	};
	struct query q;
	long n;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		parse_ok(&q, good[i].raw);
		if (query_int(&q, "n", -5, 100, 42, &n) != 1)
			fail_msg("\"%s\" rejected", good[i].raw);
		assert_long_equal(n, good[i].want);
		assert_null(q.errors);
		query_free(&q);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_ok(&q, bad[i]);
		n = 0;
		if (query_int(&q, "n", -5, 100, 42, &n) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_long_equal(n, 42);
		assert_int_equal(nerrors(&q), 1);
		query_free(&q);
	}

	parse_ok(&q, "limit=1e3");
	assert_int_equal(query_int(&q, "limit", 1, 500, 50, &n), -1);
	check_item(&q, 0, "limit",
	    "invalid value for parameter \"limit\": \"1e3\" (expected an integer from 1 to 500)",
	    "value_error.integer");
	query_free(&q);

	/* Absent: the default, no error. */
	parse_ok(&q, "other=1");
	assert_int_equal(query_int(&q, "limit", 1, 500, 50, &n), 0);
	assert_long_equal(n, 50);
	assert_null(q.errors);
	query_free(&q);
}

static void
test_bool(void **state)
{
	static const char *const yes[] = { "b=true", "b=1", "b=yes", "b=on", "b=TRUE", "b=Yes" };
	static const char *const no[] = { "b=false", "b=0", "b=no", "b=off", "b=False", "b=OFF" };
	static const char *const bad[] = { "b=", "b", "b=maybe", "b=2", "b=t", "b=truee", "b=%20true" };
	struct query q;
	int v;

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		parse_ok(&q, yes[i]);
		assert_int_equal(query_bool(&q, "b", 0, &v), 1);
		assert_int_equal(v, 1);
		query_free(&q);
		parse_ok(&q, no[i]);
		assert_int_equal(query_bool(&q, "b", 1, &v), 1);
		assert_int_equal(v, 0);
		query_free(&q);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_ok(&q, bad[i]);
		v = 7;
		if (query_bool(&q, "b", 1, &v) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(v, 1);
		check_item(&q, 0, "b", "expected true or false", "value_error.bool");
		query_free(&q);
	}
	parse_ok(&q, "");
	assert_int_equal(query_bool(&q, "b", 1, &v), 0);
	assert_int_equal(v, 1);
	query_free(&q);
}

static void
test_date(void **state)
{
	struct query q;
	struct clock_date d = { 1, 1, 1 };

	(void)state;
	parse_ok(&q, "date=2025-10-14&bad=2025-02-29&junk=2025-10-14T00:00:00Z&d2=tomorrow");
	assert_int_equal(query_date(&q, "date", &d), 1);
	assert_int_equal(d.year, 2025);
	assert_int_equal(d.month, 10);
	assert_int_equal(d.day, 14);
	assert_int_equal(query_date(&q, "bad", &d), -1);
	check_item(&q, 0, "bad", "\"2025-02-29\" (expected a date as YYYY-MM-DD)", "value_error.date");
	assert_int_equal(query_date(&q, "junk", &d), -1);
	check_item(&q, 1, "junk", "too long", "value_error.any_str.max_length");
	assert_int_equal(query_date(&q, "d2", &d), -1);
	check_item(&q, 2, "d2", "YYYY-MM-DD", "value_error.date");
	assert_int_equal(query_date(&q, "absent", &d), 0);
	assert_int_equal(d.year, 2025);
	assert_int_equal(nerrors(&q), 3);
	query_free(&q);
}

static void
test_enum(void **state)
{
	static const char *const choices[] = { "asc", "desc", "random", NULL };
	struct query q;
	const char *v;

	(void)state;
	parse_ok(&q, "order=desc&bad=up&case=ASC");
	assert_int_equal(query_enum(&q, "order", choices, "asc", &v), 1);
	assert_ptr_equal(v, choices[1]);
	assert_int_equal(query_enum(&q, "bad", choices, "asc", &v), -1);
	assert_ptr_equal(v, "asc");
	check_item(&q, 0, "bad", "\"up\" (expected one of asc, desc, random)", "value_error.enum");
	assert_int_equal(query_enum(&q, "case", choices, "asc", &v), -1);
	check_item(&q, 1, "case", "expected one of asc, desc, random", "value_error.enum");
	assert_int_equal(query_enum(&q, "absent", choices, NULL, &v), 0);
	assert_null(v);
	query_free(&q);
}

static void
test_id(void **state)
{
	char raw[128], long_id[66];
	struct query q;
	const char *v;

	(void)state;
	assert_true(query_valid_id("rac_11745861"));
	assert_true(query_valid_id("A-z_0"));
	assert_false(query_valid_id(""));
	assert_false(query_valid_id("rac 1"));
	assert_false(query_valid_id("a/b"));
	assert_false(query_valid_id("../x"));
	assert_false(query_valid_id("S\xc3\xa9"));
	assert_false(query_valid_id("rac_1;"));
	memset(long_id, 'a', 65);
	long_id[65] = '\0';
	assert_false(query_valid_id(long_id));
	long_id[64] = '\0';
	assert_true(query_valid_id(long_id));

	snprintf(raw, sizeof(raw), "id=rac_11745861&sp=rac+1&empty=&max=%s", long_id);
	parse_ok(&q, raw);
	assert_int_equal(query_id(&q, "id", &v), 1);
	assert_string_equal(v, "rac_11745861");
	assert_int_equal(query_id(&q, "max", &v), 1);
	assert_int_equal(query_id(&q, "sp", &v), -1);
	assert_null(v);
	check_item(&q, 0, "sp", "\"rac 1\" (expected an id such as rac_11745861)", "value_error.id");
	assert_int_equal(query_id(&q, "empty", &v), -1);
	check_item(&q, 1, "empty", "expected an id", "value_error.id");
	assert_int_equal(query_id(&q, "absent", &v), 0);
	assert_null(v);
	query_free(&q);

	snprintf(raw, sizeof(raw), "id=%sa", long_id);
	parse_ok(&q, raw);
	assert_int_equal(query_id(&q, "id", &v), -1);
	check_item(&q, 0, "id", "too long (65 bytes, at most 64)", "value_error.any_str.max_length");
	query_free(&q);
}

/* Several bad parameters give one item each, in the order asked. */
static void
test_errors_accumulate(void **state)
{
	struct query q;
	struct clock_date d;
	long n;

	(void)state;
	parse_ok(&q, "limit=lots&date=soon&offset=3");
	assert_int_equal(query_int(&q, "limit", 1, 100, 10, &n), -1);
	assert_int_equal(query_int(&q, "offset", 0, 1000, 0, &n), 1);
	assert_int_equal(query_date(&q, "date", &d), -1);
	assert_int_equal(nerrors(&q), 2);
	check_item(&q, 0, "limit", "\"lots\"", "value_error.integer");
	check_item(&q, 1, "date", "\"soon\"", "value_error.date");
	query_free(&q);
}

/* Values in messages are shown printable and short. */
static void
test_message_quoting(void **state)
{
	static const char *const choices[] = { "a", NULL };
	char raw[200];
	struct query q;
	const char *v, *msg;

	(void)state;
	parse_ok(&q, "e=%22x%5C%0A");
	assert_int_equal(query_enum(&q, "e", choices, "a", &v), -1);
	msg = json_string_value(json_object_get(json_array_get(q.errors, 0), "msg"));
	assert_contains(msg, ": \"?x??\" (");
	query_free(&q);

	snprintf(raw, sizeof(raw), "e=%s", "0123456789012345678901234567890123456789TAIL_NOT_SHOWN");
	parse_ok(&q, raw);
	assert_int_equal(query_enum(&q, "e", choices, "a", &v), -1);
	msg = json_string_value(json_object_get(json_array_get(q.errors, 0), "msg"));
	assert_contains(msg, "\"0123456789012345678901234567890123456789...\"");
	assert_not_contains(msg, "TAIL");
	query_free(&q);
}

static void
test_query_error_direct(void **state)
{
	struct query q;

	(void)state;
	parse_ok(&q, "");
	assert_int_equal(query_error(&q, "from", "parameter \"from\" must come before \"to\"",
	    "value_error.range"), -1);
	check_item(&q, 0, "from", "must come before", "value_error.range");
	query_free(&q);
}

/* query_free is safe twice and after a failed parse. */
/* A name sent escaped is nobody's; names not declared read as absent (the cache key's view). */
static void
test_escaped_and_undeclared_names(void **state)
{
	static const char *const declared[] = { "limit", "course", NULL };
	struct query q;
	const char *s;
	long n;

	(void)state;
	parse_ok(&q, "%6Cimit=5&course=Ascot&region=gb");
	assert_int_equal(query_int(&q, "limit", 1, 100, 10, &n), 0);
	assert_int_equal(n, 10);
	query_declare(&q, declared, 8);
	assert_int_equal(query_str(&q, "course", QUERY_MAX_VALUE, &s), 1);
	assert_string_equal(s, "Ascot");
	assert_int_equal(query_str(&q, "region", QUERY_MAX_VALUE, &s), 0);
	assert_null(q.errors);
	query_free(&q);
}

static void
test_free_twice(void **state)
{
	struct query q;
	char err[64];

	(void)state;
	parse_ok(&q, "a=1");
	assert_int_equal(query_error(&q, "a", "m", "t"), -1);
	query_free(&q);
	query_free(&q);
	assert_null(q.storage);
	assert_null(q.errors);
	assert_int_equal(query_parse(&q, "a=%zz", err, sizeof(err)), -1);
	query_free(&q);
	query_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_separators_and_segments),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_bad_escapes),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_nul_in_key),
		cmocka_unit_test(test_nul_value_rejected),
		cmocka_unit_test(test_invalid_utf8_rejected),
		cmocka_unit_test(test_repeated_key_rejected),
		cmocka_unit_test(test_long_value_rejected),
		cmocka_unit_test(test_str_absent_and_ignored),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_errors_accumulate),
		cmocka_unit_test(test_message_quoting),
		cmocka_unit_test(test_query_error_direct),
		cmocka_unit_test(test_escaped_and_undeclared_names),
		cmocka_unit_test(test_free_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
