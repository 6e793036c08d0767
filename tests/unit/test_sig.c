/* Unit tests for shared/sig: SIGTERM and SIGINT reach the handler, SIGPIPE is ignored. */
#include "testutil.h"

#include <signal.h>

#include "sig.h"

static volatile sig_atomic_t got;

static void
on_stop(int sig)
{
	got = sig;
}

static void
test_install(void **state)
{
	(void)state;
	assert_int_equal(sig_install(on_stop), 0);
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(got, SIGTERM);
	assert_int_equal(raise(SIGINT), 0);
	assert_int_equal(got, SIGINT);
	got = 0;
	assert_int_equal(raise(SIGPIPE), 0);	/* still here */
	assert_int_equal(got, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
