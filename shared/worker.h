/*
 * worker: the life every worker daemon shares, so each dh-NAME program is a
 * thin main() plus one cycle function.
 *
 *   - configuration checked at start (exit 78 on a bad value);
 *   - connect to DATABASE_URL with backoff, never exiting because it is down;
 *   - a Racing API client (libcurl initialised once), made and freed by the
 *     loop for the kinds that ask for one (worker_def.rapi_page_races);
 *   - one active instance per kind across hosts: a session advisory lock,
 *     taken again after every reconnect; a second copy waits and says so;
 *   - a row per cycle in dh_worker_runs and the kind's row in
 *     dh_worker_status (state, last run, last success, next run, interval and
 *     the reason, last error, rows written);
 *   - errors back off exponentially (5 s doubling to 5 min), and say so;
 *   - SIGTERM/SIGINT: the cycle sees ctx->stop, finishes or rolls back, and
 *     the program exits 0;
 *   - `--once [--date YYYY-MM-DD]`: one cycle, exit 0 when it succeeded,
 *     1 when it failed, 75 when another instance holds the lock.
 *   - `--backfill --from DATE --to DATE` (kinds with a backfill function):
 *     the dates from newest to oldest, skipping those already done (so a
 *     stopped run resumes), beside a running daemon and within the shared
 *     rate budget; progress on a terminal, log lines otherwise.  Exit 0 when
 *     every date is done, 1 when some failed.
 */
#ifndef DH_WORKER_H
#define DH_WORKER_H

#include <signal.h>
#include <stdint.h>

#include <jansson.h>

#include "cfg.h"
#include "clock.h"
#include "db.h"

#define WORKER_EXIT_LOCKED 75	/* EX_TEMPFAIL */

/* Advisory lock keys, one per kind ("dh" in the high bytes). */
#define WORKER_LOCK_MASTERS    0x6468000001LL
#define WORKER_LOCK_LIVE       0x6468000002LL
#define WORKER_LOCK_STATISTICS 0x6468000003LL
#define WORKER_LOCK_HISTORICAL 0x6468000004LL

struct rapi;

struct worker_ctx {
	const struct cfg      *cfg;
	struct db             *db;
	struct rapi           *api;	/* the Racing API client, when def->rapi_page_races > 0 */
	volatile sig_atomic_t *stop;	/* non-zero once SIGTERM arrived */
	int                    once;	/* --once */
	int                    has_date;	/* --date given */
	struct clock_date      date;
	int                    backfill;	/* --backfill --from --to */
	struct clock_date      from, to;
	void                  *state;	/* the worker's own, set by its setup */
};

/* What a cycle reports; the loop records it. */
struct worker_result {
	int     ok;			/* 1 when the unit of work succeeded */
	long    rows_written;
	int     next_in_s;		/* when to run again (the loop's default: 60) */
	char    reason[256];		/* why that interval, e.g. "IMMINENT: Ascot 14:30 in 4.2 min" */
	char    error[512];		/* when !ok: what failed */
	json_t *detail;			/* optional, stolen by the loop */
};

struct worker_def {
	const char *name;		/* "live": the dh_worker_status key; program dh-live */
	int64_t     lock_key;		/* advisory lock of this kind */
	const char *schedule;		/* one line for operators, e.g. "adaptive 10 s to 15 min" */
	/*
	 * > 0: the worker calls The Racing API.  The loop makes ctx->api from the
	 * configuration (rapi_opts_from_cfg, the stop flag) before setup, with
	 * this many races per /racecards/pro page (bounding the parser's memory,
	 * about 0.5 MiB a race), and frees it at exit.  0: no client.
	 */
	int         rapi_page_races;
	/* Optional: once at start, e.g. to register prepared statements.  0 or -1. */
	int       (*setup)(struct worker_ctx *ctx);
	/* Optional: at exit, after setup succeeded, before the client and the connection go. */
	void      (*teardown)(struct worker_ctx *ctx);
	/* One unit of work.  Must check *ctx->stop between steps. */
	void      (*cycle)(struct worker_ctx *ctx, struct worker_result *res);
	/*
	 * Optional, for --backfill: one date.  Returns 1 when it was already done
	 * (skipped), 0 when done now (res->rows_written set), -1 on failure.
	 */
	int       (*backfill)(struct worker_ctx *ctx, struct clock_date date,
	    struct worker_result *res);
};

/* Runs the worker until SIGTERM (or one cycle with --once).  Returns the exit status. */
int worker_main(int argc, char **argv, const struct worker_def *def);

/* Sleeps up to ms: -1 as soon as the stop flag is raised, 0 after ms or at once on SIGUSR1. */
int worker_sleep(volatile sig_atomic_t *stop, int64_t ms);

/* Sets res->error from printf arguments and marks the cycle failed. */
void worker_fail(struct worker_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets res->reason and next_in_s. */
void worker_next(struct worker_result *res, int seconds, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * For backfill functions: runs sql with the date as $1 and returns 1 when it
 * finds a row (the date is done), 0 when not, -1 on error (res failed).
 */
int worker_date_found(struct worker_ctx *ctx, const char *sql, struct clock_date day,
    struct worker_result *res);

/* The backoff after n consecutive failures (n >= 1): 5 s doubling, at most 300 s. */
int worker_backoff_s(int failures);

#endif
