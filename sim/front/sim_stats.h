/*
 * sim_stats: what the simulator answered, so that tests can measure a client
 * (GET /_sim/stats): a count per status and the last SIM_STATS_RECENT requests
 * with their wall-clock time (never DH_NOW), target and status.  The
 * /_sim paths themselves are not recorded.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <jansson.h>

#define SIM_STATS_RECENT 1000

/* Records one request; status 0 means held by the timeout fault (no answer). */
void sim_stats_record(const char *target, int status);

/* Forgets everything recorded.  Cannot fail. */
void sim_stats_reset(void);

/*
 * {"requests": n, "by_status": {"200": n, ...}, "recent": [{"t": unix_ms,
 * "path": "...", "status": n}, ...]} oldest first.  Returns a new reference,
 * or NULL when out of memory.
 */
json_t *sim_stats_json(void);

#endif
