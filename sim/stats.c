/* stats: request counts and the recent requests (see stats.h). */
#include "stats.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonout.h"

struct stats_entry {
	int64_t t_ms;
	int     status;
	char    path[200];
};

static struct stats_entry stats_ring[STATS_RECENT];
static size_t stats_next;        /* where the next entry goes */
static size_t stats_count;       /* entries held, at most STATS_RECENT */
static long long stats_requests;
static long long stats_by_status[600];

void
stats_record(const char *target, int status)
{
	struct stats_entry *e = &stats_ring[stats_next];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	e->t_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	e->status = status;
	snprintf(e->path, sizeof(e->path), "%s", target);
	stats_next = (stats_next + 1) % STATS_RECENT;
	if (stats_count < STATS_RECENT)
		stats_count++;
	stats_requests++;
	if (status >= 0 && status < 600)
		stats_by_status[status]++;
}

void
stats_reset(void)
{
	stats_next = stats_count = 0;
	stats_requests = 0;
	memset(stats_by_status, 0, sizeof(stats_by_status));
}

json_t *
stats_json(void)
{
	json_t *by = json_object(), *recent = json_array(), *out;
	size_t first = (stats_next + STATS_RECENT - stats_count) % STATS_RECENT;

	if (by == NULL || recent == NULL)
		goto fail;
	for (int s = 0; s < 600; s++) {
		char key[8];

		if (stats_by_status[s] == 0)
			continue;
		snprintf(key, sizeof(key), "%d", s);
		if (json_object_set_new(by, key, json_integer(stats_by_status[s])) < 0)
			goto fail;
	}
	for (size_t i = 0; i < stats_count; i++) {
		const struct stats_entry *e = &stats_ring[(first + i) % STATS_RECENT];
		json_t *path = jsonout_string(e->path, strlen(e->path));

		if (path == NULL || json_array_append_new(recent, json_pack("{s:I, s:o, s:i}", "t",
		    (json_int_t)e->t_ms, "path", path, "status", e->status)) < 0)
			goto fail;
	}
	/* "o" steals by and recent even when packing fails. */
	out = json_pack("{s:I, s:o, s:o}", "requests", (json_int_t)stats_requests,
	    "by_status", by, "recent", recent);
	return out;
fail:
	json_decref(by);
	json_decref(recent);
	return NULL;
}
