/* Unit tests for shared/buf: growth, the maximum, take and reset. */
#include "testutil.h"

#include <stdlib.h>

#include "buf.h"

static void
test_init_is_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 16);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

/* Many small additions grow the buffer and keep every byte, NUL-terminated. */
static void
test_growth_keeps_data(void **state)
{
	struct buf b;
	char expect[5000];

	(void)state;
	buf_init(&b, sizeof(expect));
	for (size_t i = 0; i < 1000; i++) {
		char chunk[5];

		for (size_t k = 0; k < 5; k++)
			chunk[k] = (char)('a' + (i * 5 + k) % 26);
		memcpy(expect + i * 5, chunk, 5);
		assert_int_equal(buf_add(&b, chunk, 5), 0);
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
	}
	assert_int_equal(b.len, sizeof(expect));
	assert_memory_equal(b.data, expect, sizeof(expect));
	buf_free(&b);
}

/* Binary data with NULs counts in len; buf_str stops at the first NUL. */
static void
test_binary_data(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_add(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	assert_string_equal(buf_str(&b), "a");
	buf_free(&b);
}

/* Exactly max bytes fit; one more frees the buffer and leaves it empty. */
static void
test_max_enforced(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "12345678"), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_addstr(&b, "9"), -1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(buf_str(&b), "");

	/* Reusable afterwards, with the same maximum. */
	assert_int_equal(buf_addstr(&b, "abc"), 0);
	assert_string_equal(buf_str(&b), "abc");
	assert_int_equal(buf_add(&b, "123456", 6), -1);
	assert_null(b.data);
	buf_free(&b);
}

/* A single addition bigger than max fails at once, even on an empty buffer. */
static void
test_max_single_addition(void **state)
{
	struct buf b;
	char big[100];

	(void)state;
	memset(big, 'x', sizeof(big));
	buf_init(&b, 99);
	assert_int_equal(buf_add(&b, big, sizeof(big)), -1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_add(&b, big, sizeof(big) - 1), 0);
	assert_int_equal(b.len, 99);
	buf_free(&b);
}

/* A zero maximum accepts empty additions only. */
static void
test_max_zero(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_addstr(&b, "x"), -1);
	assert_null(b.data);
	buf_free(&b);
}

/* The largest maximum means "no practical limit" and must not overflow. */
static void
test_max_size_max(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, SIZE_MAX);
	assert_int_equal(buf_addstr(&b, "abc"), 0);
	assert_int_equal(buf_addf(&b, "%0300d", 7), 0);
	assert_int_equal(b.len, 303);
	assert_true(b.cap > b.len);
	assert_memory_equal(b.data, "abc000", 6);
	assert_int_equal(b.data[302], '7');
	buf_free(&b);
}

static void
test_addf(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(buf_addf(&b, "%s=%d", "rows", 12), 0);
	assert_int_equal(buf_addf(&b, " %zu%%", (size_t)7), 0);
	assert_string_equal(buf_str(&b), "rows=12 7%");
	assert_int_equal(b.len, strlen("rows=12 7%"));
	assert_int_equal(buf_addf(&b, "%s", ""), 0);
	assert_int_equal(b.len, strlen("rows=12 7%"));
	buf_free(&b);
}

/* A formatted addition that would pass max frees the buffer, as buf_add. */
static void
test_addf_past_max(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_addf(&b, "%d", 12345), 0);
	assert_int_equal(buf_addf(&b, "%d", 67890), 0);
	assert_string_equal(buf_str(&b), "1234567890");
	assert_int_equal(buf_addf(&b, "%c", 'x'), -1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_addf(&b, "%0400d", 1), -1);
	assert_null(b.data);
	buf_free(&b);
}

/* buf_take hands the memory over and leaves the buffer empty and usable. */
static void
test_take(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_addstr(&b, "hello"), 0);
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(buf_str(&b), "");

	assert_int_equal(buf_addstr(&b, "again"), 0);
	assert_string_equal(buf_str(&b), "again");
	assert_true(b.data != p);
	free(p);
	buf_free(&b);
}

/* Taking from an empty buffer gives an allocated "" and length 0. */
static void
test_take_empty(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 64);
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);

	/* A NULL length pointer is allowed. */
	p = buf_take(&b, NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
}

/* After a failed addition, take gives "" rather than stale data. */
static void
test_take_after_failure(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(buf_addstr(&b, "abcde"), -1);
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
}

/* Reset empties the buffer but keeps the same memory. */
static void
test_reset_keeps_memory(void **state)
{
	struct buf b;
	char *before;
	size_t cap;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(buf_addstr(&b, "some text"), 0);
	before = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_ptr_equal(b.data, before);
	assert_int_equal(b.cap, cap);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_addstr(&b, "new"), 0);
	assert_ptr_equal(b.data, before);
	assert_string_equal(buf_str(&b), "new");
	buf_free(&b);

	/* Reset of a never-used buffer is harmless. */
	buf_init(&b, 8);
	buf_reset(&b);
	assert_null(b.data);
	assert_string_equal(buf_str(&b), "");
}

/* Free may be called twice and keeps the maximum. */
static void
test_free_twice(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 32);
	assert_int_equal(buf_addstr(&b, "x"), 0);
	buf_free(&b);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.max, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_is_empty),
		cmocka_unit_test(test_growth_keeps_data),
		cmocka_unit_test(test_binary_data),
		cmocka_unit_test(test_max_enforced),
		cmocka_unit_test(test_max_single_addition),
		cmocka_unit_test(test_max_zero),
		cmocka_unit_test(test_max_size_max),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_addf_past_max),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_take_empty),
		cmocka_unit_test(test_take_after_failure),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_free_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
