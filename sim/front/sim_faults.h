/*
 * sim_faults: injected failures, so that tests can see how a client copes.
 *
 * Settings come as one JSON object, from DH_SIM_FAULTS at start and from
 * POST /_sim/faults at run time; each setting replaces all earlier ones and
 * {} clears them.  Keys (all optional; 0, false or null is off):
 *
 *   rate_limit_per_s   integer: past this many requests in a sliding second,
 *                      429 with Retry-After (seconds) and a JSON body
 *   error_rate         0..1: share of requests answered 500
 *   latency_ms         integer: every answer goes out this much later
 *   timeout_rate       0..1: share of requests never answered (the connection
 *                      stays open and silent until the client closes it)
 *   truncate_rate      0..1: share of 200 bodies cut in half, Content-Length
 *                      matching what is sent (the client sees invalid JSON)
 *   wrong_types_rate   0..1: share of 200 bodies where some string fields
 *                      come as numbers, null or objects
 *   oversize_bytes     integer: pad every 200 JSON body with spaces to at
 *                      least this many bytes
 *   status_401         boolean: every /v1 request answers 401
 *
 * Which request gets which fault depends only on DH_SIM_SEED and the number
 * of requests since the settings were last made (or /_sim/reset), so a test
 * run is reproducible.
 */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SIM_FAULTS_MAX_RATE     100000
#define SIM_FAULTS_MAX_LATENCY  600000
#define SIM_FAULTS_MAX_OVERSIZE (64L * 1024 * 1024)

/* What to do to one request. */
struct sim_faults_plan {
	int      status;        /* 0: answer normally; else 401, 429 or 500 */
	int      retry_after;   /* seconds, with 429 */
	int      hold;          /* never answer */
	int64_t  delay_ms;
	int      truncate;      /* cut a 200 body in half */
	int      wrong_types;
	uint64_t key;           /* what the wrong types depend on */
	long     pad_to;        /* bytes a 200 JSON body is padded to (0: none) */
};

/*
 * Replaces the settings with the JSON object text[0..len).  Returns 0, or
 * -1 with the settings unchanged and a message in err.
 */
int sim_faults_set(const char *text, size_t len, char *err, size_t errlen);

/* The settings, every key present.  New reference, or NULL when out of memory. */
json_t *sim_faults_json(void);

/* Starts the request count again (what faults depend on) and empties the rate window. */
void sim_faults_restart(void);

/*
 * Decides the faults of the next request (counting it), v1 when its path is
 * under /v1.  Cannot fail.
 */
void sim_faults_plan(struct sim_faults_plan *out, int v1);

/* The rate limit in force (requests per second; 0: none). */
long sim_faults_rate_limit(void);

/* Frees the rate window.  At exit. */
void sim_faults_free(void);

#endif
