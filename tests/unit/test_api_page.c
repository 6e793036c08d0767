/*
 * Unit tests for fcgi-api/api's page cursors (api_cursor_decode): what SQL's
 * dh_cursor() makes decodes to its columns as text; anything else, a cursor
 * of another list or with a column of the wrong kind, is refused.
 */
#include "testutil.h"

#include "api.h"

static const struct api_key races = { "races", "dis" };
static const struct api_key live = { "live", "dusiss" };

/* base64url without padding, as dh_cursor() writes it. */
static void
encode(const char *json, char *out)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *s = (const unsigned char *)json;
	size_t n = strlen(json), o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16 | (i + 1 < n ? (unsigned long)s[i + 1] << 8 : 0) |
		    (i + 2 < n ? s[i + 2] : 0);

		out[o++] = digits[v >> 18 & 63];
		out[o++] = digits[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = digits[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = digits[v & 63];
	}
	out[o] = '\0';
}

static int
decode(const char *json, const struct api_key *key, struct api_page *p)
{
	char c[2048], err[128];

	encode(json, c);
	return api_cursor_decode(c, key, p, err, sizeof(err));
}

static void
test_valid(void **state)
{
	struct api_page p;

	(void)state;
	assert_int_equal(decode("[\"races\", \"2025-10-13\", 1760357700000000, \"rac_1\"]", &races, &p), 0);
	assert_string_equal(p.after[0], "2025-10-13");
	assert_string_equal(p.after[1], "1760357700000000");
	assert_string_equal(p.after[2], "rac_1");
	assert_null(p.after[3]);
	assert_int_equal(decode("[\"live\", \"2025-10-14\", 0, \"r\", 2147483647, \"h\", \"b\"]", &live, &p), 0);
	assert_string_equal(p.after[3], "2147483647");
	assert_string_equal(p.after[5], "b");
	assert_int_equal(decode("[\"races\", \"2024-02-29\", -9223372036854775808, \"\\u00e9 ' %\"]", &races, &p), 0);
	assert_string_equal(p.after[2], "\xc3\xa9 ' %");
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"[\"live\", \"2025-10-13\", 1, \"rac_1\"]",		/* another list's */
		"[\"races\", \"2025-10-13\", 1]",			/* too short */
		"[\"races\", \"2025-10-13\", 1, \"r\", 2]",		/* too long */
		"[\"races\", \"2025-02-29\", 1, \"r\"]",		/* not a date */
		"[\"races\", \"2025-10-13\", 1.5, \"r\"]",		/* not an integer */
		"[\"races\", \"2025-10-13\", \"1\", \"r\"]",
		"[\"races\", \"2025-10-13\", 1, 7]",			/* not a text */
		"[\"races\", \"2025-10-13\", 1, \"a\\u0000b\"]",	/* a NUL */
		"[\"races\", \"2025-10-13\", 1, \"r\", ]",
		"{\"races\": 1}",
		"[\"races\", \"2025-10-13\", 99999999999999999999, \"r\"]",
		"\"races\"",
	};
	struct api_page p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(decode(bad[i], &races, &p), -1);
		assert_null(p.after[0]);
	}
	/* an instant before 1970 or past 2286 */
	assert_int_equal(decode("[\"live\", \"2025-10-14\", -1, \"r\", 1, \"h\", \"b\"]", &live, &p), -1);
	assert_int_equal(decode("[\"live\", \"2025-10-14\", 10000000000000000, \"r\", 1, \"h\", \"b\"]", &live, &p),
	    -1);
}

static void
test_not_base64url(void **state)
{
	struct api_page p;
	char err[128];

	(void)state;
	assert_int_equal(api_cursor_decode("WyJy+/8", &races, &p, err, sizeof(err)), -1);
	assert_int_equal(api_cursor_decode("A", &races, &p, err, sizeof(err)), -1);		/* no length of base64 */
	assert_int_equal(api_cursor_decode("WyJyYWNlcyJd==", &races, &p, err, sizeof(err)), -1);	/* padding */
	assert_int_equal(api_cursor_decode("", &races, &p, err, sizeof(err)), -1);
	assert_int_equal(api_cursor_decode("WR", &races, &p, err, sizeof(err)), -1);	/* stray bits */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_not_base64url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
