/*
 * rapi: the client of The Racing API (or of dh-racing-sim, which answers
 * the same way) that the workers call.
 *
 * - Base URL, credentials and rate come from the configuration: with no
 *   RACING_API_BASE_URL and no credentials, the simulator at
 *   http://127.0.0.1:DH_SIM_PORT/v1 with simulator/simulator.
 * - HTTP Basic auth over one kept-alive connection (http.h).
 * - Every request first takes a slot from the machine-wide rate limiter
 *   (rapi_limit.h), so all workers together stay under RACING_API_RATE.
 * - Timeouts, connection errors, 5xx, 429 and unreadable bodies are retried
 *   with exponential backoff and jitter (a 429's Retry-After is honoured and
 *   holds back every worker), up to max_attempts in all per call.  Other
 *   4xx are not retried: 401/403 are RAPI_ERR_AUTH (a configuration
 *   problem: back off long and say so in the worker status), 404 is
 *   RAPI_ERR_NOT_FOUND, the rest RAPI_ERR_REQUEST.
 * - The stop flag (SIGTERM) is checked while sleeping and during transfers:
 *   a call returns RAPI_ERR_STOPPED within about a second.
 *
 * Each call returns RAPI_OK and a parsed result the caller frees with the
 * matching rapi_*_free (rapi_model.h), or an error with *out set to NULL and
 * rapi_error() saying what happened.  Parse counters (bad fields, skipped
 * and repeated records) come with the result, are not errors, and are
 * logged in one warning by the calls for a date's cards or results, a horse
 * and the courses.
 */
#ifndef DH_RAPI_H
#define DH_RAPI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "rapi_model.h"

enum rapi_err {
	RAPI_OK = 0,
	RAPI_ERR_AUTH,         /* 401/403: credentials or plan; not retried */
	RAPI_ERR_NOT_FOUND,    /* 404 */
	RAPI_ERR_REQUEST,      /* another 4xx (422: a bad parameter); not retried */
	RAPI_ERR_UNAVAILABLE,  /* attempts used up on timeouts, connection errors, 5xx, 429 */
	RAPI_ERR_BAD_BODY,     /* attempts used up on bodies that are not the expected JSON */
	RAPI_ERR_TOO_BIG,      /* a body past max_body; not retried */
	RAPI_ERR_STOPPED,      /* *stop was raised */
	RAPI_ERR_INTERNAL,     /* out of memory, bad argument, URL too long */
};

struct rapi_opts {
	char                   base_url[512];  /* without trailing slash: ".../v1" */
	const char            *username, *password;  /* NULL: no auth */
	double                 rate;           /* requests/s for all processes together */
	char                   limit_dir[512]; /* shared limiter state; "": this process only */
	const char            *regions;        /* "gb,ire" */
	int                    max_attempts;   /* per call, first try included */
	int64_t                backoff_base_ms, backoff_max_ms;
	int64_t                retry_after_max_ms;  /* longer Retry-After: give up */
	long                   connect_timeout_ms, timeout_ms;
	size_t                 max_body;
	int                    racecards_limit;     /* races per /racecards/pro page, 1..500 */
	volatile sig_atomic_t *stop;           /* may be NULL */
};

/* What a client did since it was made. */
struct rapi_stats {
	unsigned long requests;     /* HTTP requests sent */
	unsigned long retries;      /* of which repeats */
	unsigned long bad_bodies;   /* 2xx bodies that would not parse */
	unsigned long throttled;    /* 429 answers */
	int64_t       waited_ms;    /* time spent waiting for rate-limit slots and backoff */
};

struct rapi;

/*
 * Fills *o with the defaults and the configuration: base URL (or the
 * simulator), credentials, rate, regions, limiter under var_dir/run, 5
 * attempts, backoff 500 ms doubling to 30 s, timeouts 10 s connect and 60 s
 * total, bodies up to 32 MiB, 500 races a page.  Cannot fail.
 */
void rapi_opts_from_cfg(struct rapi_opts *o, const struct cfg *c,
    volatile sig_atomic_t *stop);

/*
 * Makes a client.  The strings in *o must outlive it.  On error (out of
 * memory, libcurl), NULL is returned.  Call http_global_init() first.
 */
struct rapi *rapi_new(const struct rapi_opts *o);

/* Frees the client.  NULL is fine. */
void rapi_free(struct rapi *r);

/* The last error, one line; "" after success. */
const char *rapi_error(const struct rapi *r);

/* A short name: "ok", "auth", "not found", ... */
const char *rapi_err_name(enum rapi_err e);

const struct rapi_stats *rapi_stats(const struct rapi *r);

/* /racecards/pro for a date ("YYYY-MM-DD") and the configured regions, every page. */
enum rapi_err rapi_racecards(struct rapi *r, const char *date, struct rapi_racecards **out);

/* /racecards/{race_id}/pro: one race (n is 1). */
enum rapi_err rapi_racecard(struct rapi *r, const char *race_id, struct rapi_racecards **out);

/* /results for one date and the configured regions, 50 a page until a short page. */
enum rapi_err rapi_results(struct rapi *r, const char *date, struct rapi_results **out);

/* /results/{race_id} */
enum rapi_err rapi_result(struct rapi *r, const char *race_id, struct rapi_results **out);

/* /horses/{horse_id}/pro */
enum rapi_err rapi_horse(struct rapi *r, const char *horse_id, struct rapi_horse **out);

/* /courses for the configured regions. */
enum rapi_err rapi_courses(struct rapi *r, struct rapi_courses **out);

/* /courses/regions */
enum rapi_err rapi_regions(struct rapi *r, struct rapi_regions **out);

/* /{kind}/search?name=...: kind is "horses", "jockeys", "trainers" or "owners". */
enum rapi_err rapi_search(struct rapi *r, const char *kind, const char *name,
    struct rapi_search **out);

/*
 * The backoff before attempt number `attempt` (1 = the first retry):
 * base * 2^(attempt-1), at most max, with "equal jitter": half of it fixed
 * and half scaled by rnd/UINT32_MAX.  Pure.
 */
int64_t rapi_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms, uint32_t rnd);

#endif
