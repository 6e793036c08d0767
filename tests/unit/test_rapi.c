/*
 * Unit tests for shared/rapi, the parts that need no server: backoff
 * arithmetic, options from the configuration, argument checks before any
 * request, names.  Requests, retries and the shared rate are exercised
 * against the simulator by tests/integration/test_rapi_client.py.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "http.h"
#include "rapi.h"

static void
test_backoff(void **state)
{
	(void)state;
	/* rnd 0: half the step; rnd max: the whole step. */
	assert_long_equal(rapi_backoff_ms(1, 500, 30000, 0), 250);
	assert_long_equal(rapi_backoff_ms(1, 500, 30000, UINT32_MAX), 500);
	assert_long_equal(rapi_backoff_ms(2, 500, 30000, 0), 500);
	assert_long_equal(rapi_backoff_ms(3, 500, 30000, UINT32_MAX), 2000);
	assert_true(labs((long)rapi_backoff_ms(4, 500, 30000, UINT32_MAX / 2) - 3000) <= 1);
	/* Capped, also for absurd attempt numbers. */
	assert_long_equal(rapi_backoff_ms(7, 500, 30000, UINT32_MAX), 30000);
	assert_long_equal(rapi_backoff_ms(1000, 500, 30000, 0), 15000);
	assert_long_equal(rapi_backoff_ms(1000000, 500, 30000, UINT32_MAX), 30000);
	assert_long_equal(rapi_backoff_ms(0, 500, 30000, UINT32_MAX), 500);
	assert_long_equal(rapi_backoff_ms(3, 0, 30000, UINT32_MAX), 0);
	/* Jitter stays within [d/2, d]. */
	for (uint32_t rnd = 1; rnd < UINT32_MAX / 7 * 6; rnd += UINT32_MAX / 7) {
		int64_t d = rapi_backoff_ms(5, 500, 30000, rnd);

		assert_true(d >= 4000 && d <= 8000);
	}
}

static void
test_opts_from_cfg(void **state)
{
	struct rapi_opts o;
	struct cfg c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.sim_port = 8089;
	c.var_dir = "/srv/dh/var";
	c.racing_api_rate = 2;
	snprintf(c.regions, sizeof(c.regions), "gb,ire");
	rapi_opts_from_cfg(&o, &c, NULL);
	assert_string_equal(o.base_url, "http://127.0.0.1:8089/v1");
	assert_string_equal(o.username, "simulator");
	assert_string_equal(o.password, "simulator");
	assert_string_equal(o.limit_dir, "/srv/dh/var/run");
	assert_string_equal(o.regions, "gb,ire");
	assert_true(o.rate == 2.0);
	assert_int_equal(o.max_attempts, 5);
	assert_int_equal(o.racecards_limit, 500);
	assert_true(o.max_body >= 16u << 20);

	c.racing_api_base_url = "https://api.theracingapi.com/v1//";
	c.racing_api_username = "u";
	c.racing_api_password = "p";
	c.racing_api_rate = 0.5;
	rapi_opts_from_cfg(&o, &c, NULL);
	assert_string_equal(o.base_url, "https://api.theracingapi.com/v1");
	assert_string_equal(o.username, "u");
	assert_true(o.rate == 0.5);

	/* A base URL without credentials: no auth, not the simulator's. */
	c.racing_api_username = c.racing_api_password = NULL;
	rapi_opts_from_cfg(&o, &c, NULL);
	assert_null(o.username);
}

/* Bad arguments are refused before any request is made. */
static void
test_arguments_checked(void **state)
{
	struct rapi_racecards *rc = (void *)1;
	struct rapi_results *rs = (void *)1;
	struct rapi_horse *h = (void *)1;
	struct rapi_search *s = (void *)1;
	struct rapi_opts o;
	struct rapi *r;
	struct cfg c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.sim_port = 1;
	c.var_dir = "/nonexistent";
	rapi_opts_from_cfg(&o, &c, NULL);
	o.limit_dir[0] = '\0';
	r = rapi_new(&o);
	assert_non_null(r);
	assert_int_equal(rapi_racecards(r, "2025-02-30", &rc), RAPI_ERR_INTERNAL);
	assert_null(rc);
	assert_contains(rapi_error(r), "2025-02-30");
	assert_int_equal(rapi_results(r, "yesterday", &rs), RAPI_ERR_INTERNAL);
	assert_null(rs);
	assert_int_equal(rapi_racecard(r, "rac_1/../x", &rc), RAPI_ERR_INTERNAL);
	assert_int_equal(rapi_result(r, "", &rs), RAPI_ERR_INTERNAL);
	assert_int_equal(rapi_horse(r, "hrs 1", &h), RAPI_ERR_INTERNAL);
	assert_null(h);
	assert_int_equal(rapi_search(r, "dams", "x", &s), RAPI_ERR_INTERNAL);
	assert_int_equal(rapi_search(r, "horses", "", &s), RAPI_ERR_INTERNAL);
	assert_null(s);
	assert_int_equal(rapi_stats(r)->requests, 0);
	rapi_free(r);
	rapi_free(NULL);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(rapi_err_name(RAPI_OK), "ok");
	assert_string_equal(rapi_err_name(RAPI_ERR_AUTH), "auth");
	assert_string_equal(rapi_err_name(RAPI_ERR_INTERNAL), "internal");
	assert_string_equal(rapi_err_name((enum rapi_err)99), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_opts_from_cfg),
		cmocka_unit_test(test_arguments_checked),
		cmocka_unit_test(test_names),
	};
	int rc;

	if (http_global_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	http_global_cleanup();
	return rc;
}
