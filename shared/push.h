/*
 * push: the workers' publisher to nginx's nchan (live push, DESIGN.md).
 *
 * Messages go to nchan's publisher location, a server on a unix socket that
 * only local processes reach (nginx/push.conf.in): POST /pub/CHANNEL, where
 * CHANNEL is "board" or "race-RACE_ID".  Subscribers read them at
 * /api/stream/board and /api/stream/races/RACE_ID.
 *
 * - Threads of its own send them, so a worker's cycle never waits on
 *   nginx: push_send() queues and returns at once.  The queue is bounded; a
 *   message that does not fit is dropped and counted.  PUSH_SENDERS threads,
 *   each with one keep-alive connection, send side by side: a channel's
 *   messages go one at a time in the order queued (one sender at a time
 *   takes a channel), different channels' at once.
 * - Each request has short timeouts (connect 200 ms, total 1 s); a failure is
 *   logged (the first of a run of failures, then every 100th) and counted,
 *   never retried: what it carried is replaced by a "resync".
 * - Every message gets "id" ("EPOCH-SEQ"), "seq" (1, 2, ... per channel
 *   and publisher), "epoch" (the publisher's start, ms) and "timestamp"
 *   (when it was sent; DH_NOW's clock).  A subscriber that sees a gap in
 *   seq within one epoch missed something and refetches the REST snapshot,
 *   as it does on {"type": "resync"}.
 * - {"type": "resync"} is sent to every channel the publisher has used
 *   (and "board") when it comes back after failures (nginx was down: its
 *   buffers may be gone), and, with push_new's resync_at_start, to each
 *   channel the first time it is used (the publisher restarted: it cannot
 *   tell what it missed).
 * - Timed messages (push_at) are sent when their instant comes, whatever
 *   the worker is doing: a race's stage changes on time without a cycle.
 *
 * Not thread-safe apart from those threads: one struct push per worker, used
 * from the worker's thread.  The program calls http_global_init() first.
 */
#ifndef DH_PUSH_H
#define DH_PUSH_H

#include <time.h>

#include <jansson.h>

#define PUSH_CHANNEL_MAX 80	/* "race-" and a race id */

struct push;

struct push_stats {
	long published;		/* messages nchan accepted */
	long failed;		/* refused or unreachable */
	long dropped;		/* not queued: the queue was full */
};

/*
 * Starts a publisher to the nchan server on the unix socket at path.
 * resync_at_start: see above.  Returns NULL when out of memory or the thread
 * cannot start (logged); workers carry on without push then.  Free it with
 * push_free().
 */
struct push *push_new(const char *socket_path, int resync_at_start);

struct cfg;

/*
 * push_new on the configured socket (DH_PUSH_SOCKET, else
 * VAR_DIR/run/dh-push.sock), said in the log; NULL when DH_PUSH is off or
 * push_new failed.
 */
struct push *push_from_cfg(const struct cfg *cfg, int resync_at_start);

/*
 * Sends what is queued (waiting at most wait_ms for it), stops the thread
 * and frees everything.  NULL is fine.
 */
void push_free(struct push *p, long wait_ms);

/*
 * Queues msg for channel ("board" or "race-ID"); steals msg (also on
 * failure).  Returns 0, or -1 when it was dropped (queue full, out of
 * memory, bad channel name).  NULL p: msg is freed, 0 returned.
 */
int push_send(struct push *p, const char *channel, json_t *msg);

/*
 * As push_send, for a message already written as JSON text: an object
 * ("{...}") without the fields every message gets, which go in front of its
 * own.  Steals text (malloc'd, freed also on failure).  For a message held a
 * while before it is sent: its text takes a tenth of a Jansson tree's memory.
 */
int push_send_text(struct push *p, const char *channel, char *text);

/*
 * The JSON text of object (an object: "{...}") with fields ("\"k\":v,...",
 * written by the caller) in front of its own; malloc'd, NULL when out of
 * memory.  How push_send_text's messages get the fields every message gets.
 */
char *push_text_prepend(const char *fields, const char *object);

/*
 * With resync_at_start: sends the channel's first-use resync now, when it has
 * not been used yet, rather than in front of its first message (a worker
 * that knows which channels it will publish to opens them before its first
 * commit, off the way of its first deltas).  Nothing else is sent.  0, or -1
 * when dropped.  NULL p: 0.
 */
int push_open(struct push *p, const char *channel);

/*
 * Queues msg for channel at instant at (clock_now()'s clock; in the past:
 * at once), under key (e.g. a race id): push_cancel(key) drops what is
 * still waiting.  Steals msg.  Returns 0 or -1 as push_send.
 */
int push_at(struct push *p, const char *channel, json_t *msg, time_t at, const char *key);

/* Drops the timed messages of key not sent yet.  NULL p: nothing. */
void push_cancel(struct push *p, const char *key);

/* The counters so far.  NULL p: zeros. */
void push_get_stats(struct push *p, struct push_stats *s);

/* Whether name is a channel push sends to: "board" or "race-" [A-Za-z0-9_.-]{1,64}. */
int push_channel_valid(const char *name);

#endif
