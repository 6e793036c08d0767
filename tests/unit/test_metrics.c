/*
 * Unit tests for fcgi-api/metrics: counters by route and status, the
 * histogram's buckets, and the shared segment seen by a second mapping.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "metrics.h"

/* The family under test (listed in modules.c). */
extern const struct api_module metrics_module;

static const struct api_route route_defs[] = {
	{ .method = "GET", .pattern = "/a", .name = "a" },
	{ .method = "GET", .pattern = "/b/{id}", .name = "b" },
};
static const struct api_route *const routes[] = { &route_defs[0], &route_defs[1] };

static char *
scrape(void)
{
	struct request r;

	memset(&r, 0, sizeof(r));
	r.path = "/metrics";
	buf_init(&r.body, 1 << 20);
	assert_int_equal(metrics_module.routes[0].handler(&r), API_DONE);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
	return buf_take(&r.body, NULL);
}

static void
test_counters(void **state)
{
	char dir[] = "/tmp/dh-metrics-XXXXXX", run[64], *text;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(run, sizeof(run), "%s/run", dir);
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(metrics_init(routes, 2, dir), 1);
	metrics_record(0, 200, 300, 1, 250, METRICS_DB_OK);
	metrics_record(0, 200, 7000, 1, 6000, METRICS_DB_OK);
	metrics_record(1, 404, 800, 1, 500, METRICS_DB_OK);
	metrics_record(1, 503, 900, 1, 0, METRICS_DB_UNAVAILABLE);
	metrics_record(1, 418, 900, 0, 0, METRICS_DB_ERROR);
	metrics_record(METRICS_UNMATCHED, 404, 100, 0, 0, METRICS_DB_OK);

	/* A second mapping of the same file, as another process of the pool: same numbers. */
	assert_int_equal(metrics_init(routes, 2, dir), 1);
	text = scrape();
	assert_contains(text, "all dh-api processes of the pool (shared memory)");
	assert_contains(text, "dh_api_requests_total{route=\"/a\",status=\"200\"} 2\n");
	assert_contains(text, "dh_api_requests_total{route=\"/b/{id}\",status=\"404\"} 1\n");
	assert_contains(text, "dh_api_requests_total{route=\"/b/{id}\",status=\"other\"} 1\n");
	assert_contains(text, "dh_api_requests_total{route=\"unmatched\",status=\"404\"} 1\n");
	/* Cumulative buckets: 300 us is under 0.5 ms, 7 ms under 10 ms. */
	assert_contains(text, "dh_api_request_duration_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1\n");
	assert_contains(text, "dh_api_request_duration_seconds_bucket{route=\"/a\",le=\"0.005\"} 1\n");
	assert_contains(text, "dh_api_request_duration_seconds_bucket{route=\"/a\",le=\"0.01\"} 2\n");
	assert_contains(text, "dh_api_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 2\n");
	assert_contains(text, "dh_api_request_duration_seconds_sum{route=\"/a\"} 0.007300\n");
	assert_contains(text, "dh_api_request_duration_seconds_count{route=\"/a\"} 2\n");
	assert_contains(text, "dh_api_db_errors_total{kind=\"error\"} 1\n");
	assert_contains(text, "dh_api_db_errors_total{kind=\"unavailable\"} 1\n");
	assert_contains(text, "dh_api_db_queries_total 4\n");
	assert_contains(text, "dh_api_metrics_shared 1\n");
	free(text);

	/* Another route table (an upgrade) starts the segment afresh. */
	assert_int_equal(metrics_init(routes, 1, dir), 1);
	text = scrape();
	assert_not_contains(text, "dh_api_requests_total{");
	free(text);
	snprintf(run, sizeof(run), "rm -rf %s", dir);
	assert_int_equal(system(run), 0);
}

static void
test_local_fallback(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(metrics_init(routes, 2, "/nonexistent/dir"), 0);
	metrics_record(0, 200, 100, 1, 50, METRICS_DB_OK);
	text = scrape();
	assert_contains(text, "this dh-api process only");
	assert_contains(text, "dh_api_requests_total{route=\"/a\",status=\"200\"} 1\n");
	assert_contains(text, "dh_api_metrics_shared 0\n");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_local_fallback),
	};

	log_init("test_metrics", LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
