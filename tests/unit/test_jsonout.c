/* Unit tests for shared/jsonout: UTF-8 checking, repair, detail items, dump. */
#include "testutil.h"

#include <stdlib.h>

#include "jsonout.h"

#define REPLACEMENT "\xef\xbf\xbd"

struct bytes {
	const char *s;
	size_t      len;
	const char *what;
};

#define BYTES(lit, what) { lit, sizeof(lit) - 1, what }

static const struct bytes valid[] = {
	BYTES("", "empty"),
	BYTES("plain ascii", "ascii"),
	BYTES("S\xc3\xa9", "2-byte accent (Sé)"),
	BYTES("Sé Fontaine — Ćiro", "accents and a dash"),
	BYTES("\xe2\x82\xac", "3-byte euro"),
	BYTES("\xf0\x9f\x90\x8e", "4-byte emoji (horse)"),
	BYTES("\xc2\x80", "lowest 2-byte"),
	BYTES("\xe0\xa0\x80", "lowest 3-byte"),
	BYTES("\xed\x9f\xbf", "just below the surrogates"),
	BYTES("\xee\x80\x80", "just above the surrogates"),
	BYTES("\xef\xbf\xbf", "U+FFFF"),
	BYTES("\xf0\x90\x80\x80", "lowest 4-byte"),
	BYTES("\xf4\x8f\xbf\xbf", "U+10FFFF"),
	BYTES("\x7f", "DEL"),
};

static const struct bytes invalid[] = {
	BYTES("\x80", "lone continuation"),
	BYTES("a\xbf" "b", "continuation in text"),
	BYTES("\xc0\xaf", "overlong 2-byte (C0)"),
	BYTES("\xc1\xbf", "overlong 2-byte (C1)"),
	BYTES("\xe0\x80\xaf", "overlong 3-byte"),
	BYTES("\xe0\x9f\xbf", "overlong 3-byte, top"),
	BYTES("\xf0\x80\x80\xaf", "overlong 4-byte"),
	BYTES("\xf0\x8f\xbf\xbf", "overlong 4-byte, top"),
	BYTES("\xed\xa0\x80", "high surrogate"),
	BYTES("\xed\xbf\xbf", "low surrogate"),
	BYTES("\xed\xa0\xbd\xed\xb2\xa9", "CESU-8 surrogate pair"),
	BYTES("\xf4\x90\x80\x80", "above U+10FFFF"),
	BYTES("\xf5\x80\x80\x80", "F5 lead"),
	BYTES("\xff", "FF"),
	BYTES("\xfe", "FE"),
	BYTES("\xc3", "truncated 2-byte"),
	BYTES("\xe2\x82", "truncated 3-byte"),
	BYTES("\xf0\x9f\x90", "truncated 4-byte"),
	BYTES("ok\xf0\x9f", "truncated at the end"),
	BYTES("\xc3(", "bad continuation"),
	BYTES("\xe2(\xa1", "bad second of 3"),
	BYTES("\xe2\x82(", "bad third of 3"),
	BYTES("a\0b", "NUL inside"),
	BYTES("\0", "NUL alone"),
};

static void
test_valid_utf8_accepted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (!jsonout_valid_utf8(valid[i].s, valid[i].len))
			fail_msg("%s rejected", valid[i].what);
}

static void
test_invalid_utf8_rejected(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (jsonout_valid_utf8(invalid[i].s, invalid[i].len))
			fail_msg("%s accepted", invalid[i].what);
}

/* The length given is honoured: a bad byte past it does not count. */
static void
test_valid_utf8_uses_length(void **state)
{
	(void)state;
	assert_true(jsonout_valid_utf8("ab\xff", 2));
	assert_false(jsonout_valid_utf8("ab\xff", 3));
	/* A sequence cut by the length is truncated, even if the bytes go on. */
	assert_false(jsonout_valid_utf8("\xf0\x9f\x90\x8e", 3));
}

/* Valid text comes back unchanged, every time as a string. */
static void
test_string_valid_unchanged(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		json_t *j = jsonout_string(valid[i].s, valid[i].len);

		assert_non_null(j);
		assert_true(json_is_string(j));
		assert_int_equal(json_string_length(j), valid[i].len);
		assert_memory_equal(json_string_value(j), valid[i].s, valid[i].len);
		json_decref(j);
	}
}

/* Each bad byte becomes U+FFFD; good neighbours are kept. */
static void
test_string_repairs(void **state)
{
	static const struct {
		struct bytes in;
		const char  *out;
	} cases[] = {
		{ BYTES("\x80", ""), REPLACEMENT },
		{ BYTES("caf\xe9", ""), "caf" REPLACEMENT },
		{ BYTES("a\0b", ""), "a" REPLACEMENT "b" },
		{ BYTES("\xed\xa0\x80", ""), REPLACEMENT REPLACEMENT REPLACEMENT },
		{ BYTES("\xc0\xaf!", ""), REPLACEMENT REPLACEMENT "!" },
		{ BYTES("S\xc3\xa9\xff\xf0\x9f\x90\x8e", ""), "S\xc3\xa9" REPLACEMENT "\xf0\x9f\x90\x8e" },
		{ BYTES("ok\xf0\x9f", ""), "ok" REPLACEMENT REPLACEMENT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = jsonout_string(cases[i].in.s, cases[i].in.len);

		assert_non_null(j);
		assert_string_equal(json_string_value(j), cases[i].out);
		assert_int_equal(json_string_length(j), strlen(cases[i].out));
		json_decref(j);
	}
}

/* No bad input gives NULL, and the result is always valid UTF-8. */
static void
test_string_never_null(void **state)
{
	unsigned char all[256];

	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		json_t *j = jsonout_string(invalid[i].s, invalid[i].len);

		if (j == NULL)
			fail_msg("%s gave NULL", invalid[i].what);
		assert_true(jsonout_valid_utf8(json_string_value(j), json_string_length(j)));
		json_decref(j);
	}
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)(255 - i);
	{
		json_t *j = jsonout_string((const char *)all, sizeof(all));

		assert_non_null(j);
		assert_true(jsonout_valid_utf8(json_string_value(j), json_string_length(j)));
		json_decref(j);
	}
}

/* jsonout_quote repairs as jsonout_string does, and keeps valid text as it is. */
static void
test_quote_repairs(void **state)
{
	const struct bytes *sets[2] = { valid, invalid };
	size_t counts[2] = { sizeof(valid) / sizeof(valid[0]), sizeof(invalid) / sizeof(invalid[0]) };

	(void)state;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < counts[k]; i++) {
			const struct bytes *t = &sets[k][i];
			json_t *want, *got;
			struct buf b;

			if (strlen(t->s) != t->len)
				continue;	/* a C string ends at its NUL */
			buf_init(&b, 1024);
			assert_int_equal(jsonout_quote(&b, t->s), 0);
			got = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
			want = jsonout_string(t->s, t->len);
			if (got == NULL || !json_equal(got, want))
				fail_msg("jsonout_quote of %s gave %s", t->what, buf_str(&b));
			json_decref(got);
			json_decref(want);
			buf_free(&b);
		}
	}
}

static void
test_detail_item_shape(void **state)
{
	json_t *item = jsonout_detail_item("query", "limit",
	    "invalid value for parameter \"limit\": \"abc\"", "value_error.integer");
	char *s;

	(void)state;
	assert_non_null(item);
	assert_int_equal(json_object_size(item), 3);
	s = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s,
	    "{\"loc\":[\"query\",\"limit\"],"
	    "\"msg\":\"invalid value for parameter \\\"limit\\\": \\\"abc\\\"\","
	    "\"type\":\"value_error.integer\"}");
	free(s);
	json_decref(item);

	/* Missing pieces give NULL, not a half-built item. */
	assert_null(jsonout_detail_item(NULL, "x", "m", "t"));
	assert_null(jsonout_detail_item("query", "x", NULL, "t"));
}

static void
test_dump_packed(void **state)
{
	json_error_t jerr;
	json_t *j = json_pack_ex(&jerr, 0, "{s:i, s:s, s:[i,i], s:n, s:b, s:f, s:o}",
	    "count", 2, "name", "Sé \"q\"", "ids", 1, 2, "none", "ok", 1, "ratio", 0.1,
	    "nested", json_pack("{s:s}", "k", "v"));
	struct buf b;

	(void)state;
	assert_non_null(j);
	buf_init(&b, 1024);
	assert_int_equal(buf_addstr(&b, "prefix:"), 0);
	assert_int_equal(jsonout_dump(&b, j), 0);
	assert_string_equal(buf_str(&b),
	    "prefix:{\"count\":2,\"name\":\"Sé \\\"q\\\"\",\"ids\":[1,2],\"none\":null,"
	    "\"ok\":true,\"ratio\":0.1,\"nested\":{\"k\":\"v\"}}");
	buf_free(&b);
	json_decref(j);
}

/* Reals keep ten significant digits, not the 17 of a raw double. */
static void
test_dump_real_precision(void **state)
{
	json_t *j = json_pack("[f,f,f]", 1.0 / 3.0, 2.5, 100.0);
	struct buf b;

	(void)state;
	buf_init(&b, 256);
	assert_int_equal(jsonout_dump(&b, j), 0);
	assert_string_equal(buf_str(&b), "[0.3333333333,2.5,100.0]");
	buf_free(&b);
	json_decref(j);
}

/* A body past the buffer's maximum fails and leaves the buffer freed. */
static void
test_dump_past_max(void **state)
{
	json_t *j = json_pack("{s:s}", "text", "this will not fit in sixteen bytes");
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(jsonout_dump(&b, j), -1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_utf8_accepted),
		cmocka_unit_test(test_invalid_utf8_rejected),
		cmocka_unit_test(test_valid_utf8_uses_length),
		cmocka_unit_test(test_string_valid_unchanged),
		cmocka_unit_test(test_string_repairs),
		cmocka_unit_test(test_string_never_null),
		cmocka_unit_test(test_quote_repairs),
		cmocka_unit_test(test_detail_item_shape),
		cmocka_unit_test(test_dump_packed),
		cmocka_unit_test(test_dump_real_precision),
		cmocka_unit_test(test_dump_past_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
