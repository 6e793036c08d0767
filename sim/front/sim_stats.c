/* sim_stats: request counts and the recent requests (see sim_stats.h). */
#include "sim_stats.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonout.h"

struct sim_stats_entry {
	int64_t t_ms;
	int     status;
	char    path[200];
};

static struct sim_stats_entry sim_stats_ring[SIM_STATS_RECENT];
static size_t sim_stats_next;        /* where the next entry goes */
static size_t sim_stats_count;       /* entries held, at most SIM_STATS_RECENT */
static long long sim_stats_requests;
static long long sim_stats_by_status[600];

void
sim_stats_record(const char *target, int status)
{
	struct sim_stats_entry *e = &sim_stats_ring[sim_stats_next];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	e->t_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	e->status = status;
	snprintf(e->path, sizeof(e->path), "%s", target);
	sim_stats_next = (sim_stats_next + 1) % SIM_STATS_RECENT;
	if (sim_stats_count < SIM_STATS_RECENT)
		sim_stats_count++;
	sim_stats_requests++;
	if (status >= 0 && status < 600)
		sim_stats_by_status[status]++;
}

void
sim_stats_reset(void)
{
	sim_stats_next = sim_stats_count = 0;
	sim_stats_requests = 0;
	memset(sim_stats_by_status, 0, sizeof(sim_stats_by_status));
}

json_t *
sim_stats_json(void)
{
	json_t *by = json_object(), *recent = json_array(), *out;
	size_t first = (sim_stats_next + SIM_STATS_RECENT - sim_stats_count) % SIM_STATS_RECENT;

	if (by == NULL || recent == NULL)
		goto fail;
	for (int s = 0; s < 600; s++) {
		char key[8];

		if (sim_stats_by_status[s] == 0)
			continue;
		snprintf(key, sizeof(key), "%d", s);
		if (json_object_set_new(by, key, json_integer(sim_stats_by_status[s])) < 0)
			goto fail;
	}
	for (size_t i = 0; i < sim_stats_count; i++) {
		const struct sim_stats_entry *e = &sim_stats_ring[(first + i) % SIM_STATS_RECENT];
		json_t *path = jsonout_string(e->path, strlen(e->path));

		if (path == NULL || json_array_append_new(recent, json_pack("{s:I, s:o, s:i}", "t",
		    (json_int_t)e->t_ms, "path", path, "status", e->status)) < 0)
			goto fail;
	}
	/* "o" steals by and recent even when packing fails. */
	out = json_pack("{s:I, s:o, s:o}", "requests", (json_int_t)sim_stats_requests,
	    "by_status", by, "recent", recent);
	return out;
fail:
	json_decref(by);
	json_decref(recent);
	return NULL;
}
