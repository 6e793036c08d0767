/*
 * metrics: request counters, a latency histogram and database errors for
 * GET /metrics (Prometheus text format 0.0.4).
 *
 * The numbers are the whole pool's: every dh-api process maps the same small
 * file, DH_VAR_DIR/run/dh-api.metrics (MAP_SHARED), and adds to it with
 * atomic operations, so a scrape answered by any one process sees them all.
 * The file is laid out for one route table; a process that finds another
 * layout (an upgrade) starts it afresh.  When the file cannot be mapped the
 * counters are this process's alone, and the HELP text says so.
 */
#ifndef DH_METRICS_H
#define DH_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"

/* How a request fared in the database (FALLBACK: fine, but on the primary, the replica being down). */
enum metrics_db { METRICS_DB_OK, METRICS_DB_ERROR, METRICS_DB_UNAVAILABLE, METRICS_DB_FALLBACK };

/*
 * Attaches to the segment in var_dir/run (NULL or failure: process-local
 * counters) for the route table routes[0..n) (api_routes()), which must
 * outlive the process.  Returns 1 when shared, 0 when local, -1 when out of
 * memory.
 */
int metrics_init(const struct api_route *const *routes, size_t n, const char *var_dir);

/* metrics_record's route when none matched. */
#define METRICS_UNMATCHED ((size_t)-1)

/*
 * Records one answered request: its route's index in the table (or
 * METRICS_UNMATCHED), status, time taken in microseconds, statements run
 * and whether the database failed.
 */
void metrics_record(size_t route, int status, int64_t micros, unsigned queries,
    int64_t query_micros, enum metrics_db db);

#endif
