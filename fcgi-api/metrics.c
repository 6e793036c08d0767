/* metrics: pool-wide counters in shared memory, and GET /metrics (see metrics.h). */
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "log.h"
#include "runfile.h"

#define METRICS_MAGIC      0x64686d31u	/* "dhm1" */
#define METRICS_MAX_ROUTES 64

/* The statuses counted one by one; anything else is "other". */
static const int metrics_statuses[] = { 200, 400, 401, 404, 405, 413, 422, 500, 503 };
#define METRICS_NSTATUS (sizeof(metrics_statuses) / sizeof(metrics_statuses[0]) + 1)

/* Histogram bounds in microseconds; a last bucket for +Inf. */
static const int64_t metrics_bounds[] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
};
#define METRICS_NBOUNDS (sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

struct metrics_route {
	uint64_t status[METRICS_NSTATUS];
	uint64_t bucket[METRICS_NBOUNDS + 1];	/* not cumulative: summed when written */
	uint64_t sum_us;
	uint64_t count;
};

struct metrics_shm {
	uint32_t             magic;
	uint32_t             layout;		/* hash of the route table and this struct */
	struct metrics_route routes[METRICS_MAX_ROUTES + 1];	/* the last: no route matched */
	uint64_t             db_errors;
	uint64_t             db_unavailable;
	uint64_t             db_queries;
	uint64_t             db_micros;
	uint64_t             db_fallback;	/* requests read from DATABASE_URL, the replica being down */
};

static struct metrics_shm *metrics_seg;
static const struct api_route *const *metrics_routes;
static size_t metrics_nroutes;
static int metrics_shared;

static uint32_t
metrics_layout(const struct api_route *const *routes, size_t n)
{
	uint32_t h = 2166136261u ^ (uint32_t)sizeof(struct metrics_shm);

	for (size_t i = 0; i < n; i++)
		for (const char *p = routes[i]->pattern; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* Maps var_dir/run/dh-api.metrics, initialising it under a lock if needed. */
static struct metrics_shm *
metrics_map(const char *var_dir, uint32_t layout)
{
	char path[1024];
	struct metrics_shm *seg = NULL;
	struct stat st;
	void *p;
	int fd;

	if (var_dir == NULL || snprintf(path, sizeof(path), "%s/run/dh-api.metrics", var_dir) >= (int)sizeof(path))
		return NULL;
	fd = runfile_open(path, 0600);
	if (fd < 0) {
		log_warn("could not open \"%s\": %s; metrics are per process", path, strerror(errno));
		return NULL;
	}
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0)
		goto out;
	if (st.st_size != (off_t)sizeof(*seg) &&
	    (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)sizeof(*seg)) < 0))
		goto out;
	p = mmap(NULL, sizeof(*seg), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto out;
	seg = p;
	if (seg->magic != METRICS_MAGIC || seg->layout != layout) {
		memset(seg, 0, sizeof(*seg));
		seg->magic = METRICS_MAGIC;
		seg->layout = layout;
	}
out:
	if (seg == NULL)
		log_warn("could not map \"%s\": %s; metrics are per process", path, strerror(errno));
	flock(fd, LOCK_UN);
	close(fd);
	return seg;
}

int
metrics_init(const struct api_route *const *routes, size_t n, const char *var_dir)
{
	uint32_t layout = metrics_layout(routes, n);

	metrics_routes = routes;
	metrics_nroutes = n < METRICS_MAX_ROUTES ? n : METRICS_MAX_ROUTES;
	metrics_seg = metrics_map(var_dir, layout);
	metrics_shared = metrics_seg != NULL;
	if (metrics_seg == NULL) {
		metrics_seg = calloc(1, sizeof(*metrics_seg));
		if (metrics_seg == NULL)
			return -1;
	}
	return metrics_shared;
}

static void
metrics_add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static uint64_t
metrics_read(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

void
metrics_record(size_t route, int status, int64_t micros, unsigned queries,
    int64_t query_micros, enum metrics_db db)
{
	struct metrics_route *m;
	size_t i, s, b;

	if (metrics_seg == NULL)
		return;
	i = route;
	if (i >= metrics_nroutes)
		i = METRICS_MAX_ROUTES;
	m = &metrics_seg->routes[i];
	for (s = 0; s < METRICS_NSTATUS - 1 && metrics_statuses[s] != status; s++)
		;
	for (b = 0; b < METRICS_NBOUNDS && micros > metrics_bounds[b]; b++)
		;
	metrics_add(&m->status[s], 1);
	metrics_add(&m->bucket[b], 1);
	metrics_add(&m->sum_us, micros > 0 ? (uint64_t)micros : 0);
	metrics_add(&m->count, 1);
	metrics_add(&metrics_seg->db_queries, queries);
	metrics_add(&metrics_seg->db_micros, query_micros > 0 ? (uint64_t)query_micros : 0);
	if (db == METRICS_DB_ERROR)
		metrics_add(&metrics_seg->db_errors, 1);
	else if (db == METRICS_DB_UNAVAILABLE)
		metrics_add(&metrics_seg->db_unavailable, 1);
	else if (db == METRICS_DB_FALLBACK)
		metrics_add(&metrics_seg->db_fallback, 1);
}

/* The label of slot i: its route pattern, or "unmatched". */
static const char *
metrics_label(size_t i)
{
	return i < metrics_nroutes ? metrics_routes[i]->pattern : "unmatched";
}

/* Appends the request counters to out.  Returns 0, or -1 (out freed, see buf.h). */
static int
metrics_write_requests(struct buf *out)
{
	int rc = 0;

	for (size_t i = 0; i <= METRICS_MAX_ROUTES; i++) {
		const struct metrics_route *m = &metrics_seg->routes[i];

		if (i >= metrics_nroutes && i != METRICS_MAX_ROUTES)
			continue;
		for (size_t s = 0; s < METRICS_NSTATUS; s++) {
			uint64_t v = metrics_read(&m->status[s]);
			char status[8];

			if (v == 0)
				continue;
			if (s < METRICS_NSTATUS - 1)
				snprintf(status, sizeof(status), "%d", metrics_statuses[s]);
			else
				snprintf(status, sizeof(status), "other");
			rc |= buf_addf(out, "dh_api_requests_total{route=\"%s\",status=\"%s\"} %" PRIu64 "\n",
			    metrics_label(i), status, v);
		}
	}
	return rc;
}

/* Appends the latency histograms to out.  Returns 0, or -1 (out freed). */
static int
metrics_write_latency(struct buf *out)
{
	int rc = 0;

	for (size_t i = 0; i <= METRICS_MAX_ROUTES; i++) {
		const struct metrics_route *m = &metrics_seg->routes[i];
		uint64_t count = metrics_read(&m->count), cum = 0;
		const char *label = metrics_label(i);

		if (count == 0 || (i >= metrics_nroutes && i != METRICS_MAX_ROUTES))
			continue;
		for (size_t b = 0; b <= METRICS_NBOUNDS; b++) {
			cum += metrics_read(&m->bucket[b]);
			if (b < METRICS_NBOUNDS)
				rc |= buf_addf(out, "dh_api_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %" PRIu64 "\n",
				    label, (double)metrics_bounds[b] / 1e6, cum);
			else
				rc |= buf_addf(out, "dh_api_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %" PRIu64 "\n",
				    label, cum);
		}
		rc |= buf_addf(out, "dh_api_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
		    label, (double)metrics_read(&m->sum_us) / 1e6);
		rc |= buf_addf(out, "dh_api_request_duration_seconds_count{route=\"%s\"} %" PRIu64 "\n", label, count);
	}
	return rc;
}

static enum api_outcome
metrics_get(struct request *r)
{
	const char *scope = metrics_shared ? "all dh-api processes of the pool (shared memory)" :
	    "this dh-api process only (the shared segment could not be mapped)";
	struct buf *b = &r->body;
	int rc = 0;

	buf_reset(b);
	if (metrics_seg == NULL) {
		resp_detail(r, 503, "metrics are not initialised");
		return API_DONE;
	}
	rc |= buf_addf(b, "# HELP dh_api_requests_total Requests answered, by route pattern and status; %s.\n"
	    "# TYPE dh_api_requests_total counter\n", scope);
	rc |= metrics_write_requests(b);
	rc |= buf_addf(b, "# HELP dh_api_request_duration_seconds Time from accepting a request to "
	    "writing its response, by route pattern; %s.\n"
	    "# TYPE dh_api_request_duration_seconds histogram\n", scope);
	rc |= metrics_write_latency(b);
	rc |= buf_addf(b, "# HELP dh_api_db_errors_total Requests that failed in the database, by kind "
	    "(error: a statement failed; unavailable: no connection); %s.\n"
	    "# TYPE dh_api_db_errors_total counter\n"
	    "dh_api_db_errors_total{kind=\"error\"} %" PRIu64 "\n"
	    "dh_api_db_errors_total{kind=\"unavailable\"} %" PRIu64 "\n",
	    scope, metrics_read(&metrics_seg->db_errors), metrics_read(&metrics_seg->db_unavailable));
	rc |= buf_addf(b, "# HELP dh_api_db_fallback_requests_total Requests read from DATABASE_URL because "
	    "DATABASE_READ_URL (a replica) was unreachable; %s.\n"
	    "# TYPE dh_api_db_fallback_requests_total counter\n"
	    "dh_api_db_fallback_requests_total %" PRIu64 "\n",
	    scope, metrics_read(&metrics_seg->db_fallback));
	rc |= buf_addf(b, "# HELP dh_api_db_queries_total Statements run; %s.\n"
	    "# TYPE dh_api_db_queries_total counter\n"
	    "dh_api_db_queries_total %" PRIu64 "\n"
	    "# HELP dh_api_db_query_seconds_total Time spent waiting for statements; %s.\n"
	    "# TYPE dh_api_db_query_seconds_total counter\n"
	    "dh_api_db_query_seconds_total %.6f\n",
	    scope, metrics_read(&metrics_seg->db_queries), scope,
	    (double)metrics_read(&metrics_seg->db_micros) / 1e6);
	rc |= buf_addf(b, "# HELP dh_api_metrics_shared 1 when these numbers cover the whole pool.\n"
	    "# TYPE dh_api_metrics_shared gauge\n"
	    "dh_api_metrics_shared %d\n", metrics_shared);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	resp_body(r, 200, rc < 0);
	return API_DONE;
}

static const struct api_route metrics_routes_def[] = {
	{ .method = "GET", .pattern = "/metrics", .handler = metrics_get, .cache_control = API_NEVER,
	  .name = "metrics", .flags = API_TEXT,
	  .summary = "Prometheus metrics (text format 0.0.4); loopback only" },
};

const struct api_module metrics_module = {
	.name = "metrics", .tag = "Admin",
	.routes = metrics_routes_def, .nroutes = API_COUNT(metrics_routes_def),
};
