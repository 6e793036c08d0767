/*
 * testutil: what every unit test file includes first: cmocka and its
 * prerequisites, and assertions cmocka 1.1 lacks.  Header only; each test
 * file is its own program.
 */
#ifndef DH_TESTUTIL_H
#define DH_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Fails unless the C string s contains sub; shows both. */
#define assert_contains(s, sub) do { \
	const char *tu_s_ = (s), *tu_sub_ = (sub); \
	if (tu_s_ == NULL || strstr(tu_s_, tu_sub_) == NULL) \
		fail_msg("\"%s\" does not contain \"%s\"", \
		    tu_s_ != NULL ? tu_s_ : "(null)", tu_sub_); \
} while (0)

/* Fails when the C string s contains sub. */
#define assert_not_contains(s, sub) do { \
	const char *tu_s_ = (s), *tu_sub_ = (sub); \
	if (strstr(tu_s_, tu_sub_) != NULL) \
		fail_msg("\"%s\" contains \"%s\"", tu_s_, tu_sub_); \
} while (0)

/* Signed comparison with readable output (cmocka prints negatives as huge). */
#define assert_long_equal(a, b) do { \
	long long tu_a_ = (long long)(a), tu_b_ = (long long)(b); \
	if (tu_a_ != tu_b_) \
		fail_msg("%s == %lld, expected %lld", #a, tu_a_, tu_b_); \
} while (0)

#endif
