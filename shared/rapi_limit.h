/*
 * rapi_limit: one request rate for every process on the machine that talks
 * to The Racing API (RACING_API_RATE, 2/s by default).
 *
 * Design: the processes share a small state file, DH_VAR_DIR/run/
 * racing-api.rate, holding as text the earliest instant (clock_mono_ms:
 * CLOCK_MONOTONIC, which every process on the machine shares) at which the
 * next request may start, and the kernel's boot id: after a reboot the
 * monotonic clock starts again, so an instant of another boot is stale.  To send a
 * request a process takes flock(LOCK_EX) on the file, reads the instant,
 * takes slot = max(now, instant), writes back slot + 1000/rate, unlocks, and
 * sleeps until its slot.  Each caller so reserves its own slot, in the
 * order they arrive, spaced exactly 1/rate apart: any number of workers
 * together start at most `rate` requests per second, with no burst, and
 * nobody holds the lock while sleeping.  A 429 pushes the instant forward
 * for everybody (rapi_limit_defer), so one worker's Retry-After holds back
 * all of them.  The lock is held for a read and a write, never across a
 * sleep; flock is released by the kernel if a process dies.
 *
 * A state of another boot, further ahead than RAPI_LIMIT_STALE_MS, or
 * unreadable is taken as "now".  When the file
 * cannot be opened, the limiter keeps the same state in memory and limits
 * this process only (rapi_limit_shared() says which).  Not thread-safe.
 */
#ifndef DH_RAPI_LIMIT_H
#define DH_RAPI_LIMIT_H

#include <signal.h>
#include <stdint.h>

#define RAPI_LIMIT_FILE     "racing-api.rate"
#define RAPI_LIMIT_STALE_MS (15 * 60 * 1000)

struct rapi_limit;

/*
 * Makes a limiter at rate requests/s (> 0) sharing state through
 * dir/RAPI_LIMIT_FILE (dir NULL: this process only; missing directories
 * are made).  On error (out of memory), NULL is returned; a file that
 * cannot be opened is not an error (see above).
 */
struct rapi_limit *rapi_limit_new(const char *dir, double rate);

/* Closes the file and frees the limiter.  NULL is fine. */
void rapi_limit_free(struct rapi_limit *l);

/* 1 when the state is shared through the file, 0 when per process. */
int rapi_limit_shared(const struct rapi_limit *l);

/*
 * Reserves the next slot and sleeps until it.  Returns the milliseconds
 * waited, or -1 when *stop (may be NULL) became non-zero while waiting
 * (checked at least every 100 ms).
 */
int64_t rapi_limit_acquire(struct rapi_limit *l, volatile sig_atomic_t *stop);

/* Holds every process back until at least until_ms (clock_mono_ms). */
void rapi_limit_defer(struct rapi_limit *l, int64_t until_ms);

/*
 * The slot arithmetic on its own: given the stored next instant, now and
 * the interval, returns the slot granted and sets *next_out to the instant
 * to store.  Pure.
 */
int64_t rapi_limit_slot(int64_t next, int64_t now, int64_t interval_ms, int64_t *next_out);

/*
 * Sleeps ms milliseconds in steps of at most 100 ms.  Returns 0, or -1 as
 * soon as *stop (may be NULL) is non-zero.
 */
int rapi_limit_sleep(int64_t ms, volatile sig_atomic_t *stop);

#endif
