/* push: the publisher thread to nchan (see push.h). */
#include "push.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <curl/curl.h>

#include "cfg.h"
#include "clock.h"
#include "log.h"

#define PUSH_QUEUE_MAX    4096	/* messages waiting to be sent */
#define PUSH_TIMED_MAX    4096	/* timed messages waiting for their instant */
#define PUSH_CHANNELS_MAX 4096	/* channels with a sequence; the least recently used goes */
#define PUSH_SENDERS      4	/* threads, each with its keep-alive connection */
#define PUSH_CONNECT_MS   200
#define PUSH_TIMEOUT_MS   1000

struct push_item {
	struct push_item *next;
	char              channel[PUSH_CHANNEL_MAX];
	char              key[PUSH_CHANNEL_MAX];
	time_t            at;		/* timed: when to send */
	int               open;		/* push_open: the channel's first-use resync only */
	json_t           *msg;
	char             *text;		/* or the message as JSON text (push_send_text) */
};

struct push_channel {
	char    name[PUSH_CHANNEL_MAX];
	long    seq;
	int64_t used_ms;
};

struct push;

/* One sending thread, its connection and the channel it is sending to. */
struct push_sender {
	struct push *p;
	pthread_t    thread;
	CURL        *curl;
	char         busy[PUSH_CHANNEL_MAX];	/* "" when idle */
	char         errbuf[CURL_ERROR_SIZE];
};

/*
 * Everything below lock is shared by the senders: the queues, the channels'
 * sequences, the counters and the failure run.  A channel is sent to by one
 * sender at a time (busy), in the order its messages were queued; a resync
 * of every channel (after failures) runs alone (resyncing).
 */
struct push {
	pthread_mutex_t    lock;
	pthread_cond_t     wake;
	struct push_item  *head, *tail;	/* to send now, in order */
	struct push_item  *timed;	/* to send at their instant, unordered */
	size_t             nqueued, ntimed;
	int                inflight;	/* messages being sent */
	int                resyncing;
	int                stopping;
	struct push_stats  stats;
	int                lost;		/* failures since the last success */
	struct push_channel *channels;
	size_t             nchannels;

	struct curl_slist *headers;
	char              *socket_path;
	long long          epoch;
	int                resync_at_start;
	struct push_sender senders[PUSH_SENDERS];
	int                nsenders;	/* threads started */
};

int
push_channel_valid(const char *name)
{
	size_t n;

	if (strcmp(name, "board") == 0)
		return 1;
	if (strncmp(name, "race-", 5) != 0)
		return 0;
	n = strlen(name + 5);
	return n >= 1 && n <= 64 && strspn(name + 5,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static size_t
push_discard(char *ptr, size_t size, size_t n, void *data)
{
	(void)ptr;
	(void)data;
	return size * n;
}

/* POSTs body to the channel.  0 when nchan took it, -1 (with why) otherwise. */
static int
push_post(struct push_sender *s, const char *channel, const char *body, char *why, size_t whylen)
{
	char url[128 + PUSH_CHANNEL_MAX];
	CURLcode rc;
	long status = 0;

	snprintf(url, sizeof(url), "http://localhost/pub/%s", channel);
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	rc = curl_easy_perform(s->curl);
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 201 && status != 202) {
		snprintf(why, whylen, "nchan answered HTTP %ld", status);
		return -1;
	}
	return 0;
}

/*
 * The channel's entry, made (least recently used one replaced) when new;
 * *fresh says so.  Under lock.
 */
static struct push_channel *
push_channel(struct push *p, const char *name, int *fresh)
{
	struct push_channel *c, *oldest = NULL;

	*fresh = 0;
	for (size_t i = 0; i < p->nchannels; i++) {
		c = &p->channels[i];
		if (strcmp(c->name, name) == 0) {
			c->used_ms = clock_mono_ms();
			return c;
		}
		if (oldest == NULL || c->used_ms < oldest->used_ms)
			oldest = c;
	}
	if (p->nchannels < PUSH_CHANNELS_MAX) {
		c = realloc(p->channels, (p->nchannels + 1) * sizeof(*c));
		if (c != NULL) {
			p->channels = c;
			oldest = &c[p->nchannels++];
		}
	}
	if (oldest == NULL)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->name, sizeof(oldest->name), "%s", name);
	oldest->used_ms = clock_mono_ms();
	*fresh = 1;
	return oldest;
}

char *
push_text_prepend(const char *fields, const char *object)
{
	size_t n = strlen(fields) + strlen(object) + 2;
	char *text = malloc(n);

	if (text != NULL)
		snprintf(text, n, "{%s%s%s", fields, object[1] == '}' ? "" : ",", object + 1);
	return text;
}

/*
 * Numbers msg (or text) for the channel, sends it from sender s and counts.
 * Steals both.  0 or -1.  The failures of a run are logged once, then every
 * 100th.
 */
static int
push_deliver(struct push_sender *s, const char *channel, json_t *msg, char *text)
{
	struct push *p = s->p;
	struct push_channel *c;
	char id[64], ts[32], why[CURL_ERROR_SIZE + 64];
	char *body = NULL;
	long seq = 0;
	int rc = -1, fresh;

	pthread_mutex_lock(&p->lock);
	if ((c = push_channel(p, channel, &fresh)) != NULL)
		seq = ++c->seq;
	pthread_mutex_unlock(&p->lock);
	snprintf(id, sizeof(id), "%lld-%ld", p->epoch, seq);
	clock_format_instant(clock_now(), ts, sizeof(ts));
	if (text != NULL) {
		char fields[160];

		snprintf(fields, sizeof(fields), "\"id\":\"%s\",\"seq\":%ld,\"epoch\":%lld,\"timestamp\":\"%s\"",
		    id, seq, p->epoch, ts);
		if (c != NULL)
			body = push_text_prepend(fields, text);
	} else {
		json_object_set_new(msg, "id", json_string(id));
		json_object_set_new(msg, "seq", json_integer(seq));
		json_object_set_new(msg, "epoch", json_integer(p->epoch));
		if (json_object_get(msg, "timestamp") == NULL)
			json_object_set_new(msg, "timestamp", json_string(ts));
		if (c != NULL)
			body = json_dumps(msg, JSON_COMPACT);
	}
	json_decref(msg);
	free(text);
	if (body == NULL) {
		snprintf(why, sizeof(why), "out of memory");
	} else {
		int64_t t0 = clock_mono_ms();

		rc = push_post(s, channel, body, why, sizeof(why));
		if (clock_mono_ms() - t0 > 100)
			log_debug("push: %s took %lld ms (%zu bytes)", channel, (long long)(clock_mono_ms() - t0),
			    strlen(body));
		free(body);
	}
	pthread_mutex_lock(&p->lock);
	if (rc == 0)
		p->stats.published++;
	else
		p->stats.failed++;
	if (rc < 0) {
		if (p->lost % 100 == 0)
			log_warn("push: could not publish to %s (%d failed in a row): %s", channel,
			    p->lost + 1, why);
		p->lost++;
	} else if (p->lost > 0) {
		log_info("push: nchan takes messages again after %d failures", p->lost);
		p->lost = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static json_t *
push_resync_msg(void)
{
	return json_pack("{s:s}", "type", "resync");
}

/*
 * After failures: a resync to "board" and every channel used, so that
 * subscribers refetch what the lost messages carried.  0 when all went.
 * Runs alone (resyncing): no other sender is sending.
 */
static int
push_resync_all(struct push_sender *s)
{
	struct push *p = s->p;
	int fresh;

	pthread_mutex_lock(&p->lock);
	push_channel(p, "board", &fresh);
	pthread_mutex_unlock(&p->lock);
	if (push_deliver(s, "board", push_resync_msg(), NULL) < 0)
		return -1;
	for (size_t i = 0;; i++) {
		char name[PUSH_CHANNEL_MAX];

		pthread_mutex_lock(&p->lock);
		if (i >= p->nchannels) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		snprintf(name, sizeof(name), "%s", p->channels[i].name);
		pthread_mutex_unlock(&p->lock);
		if (strcmp(name, "board") != 0 && push_deliver(s, name, push_resync_msg(), NULL) < 0)
			return -1;
	}
	return 0;
}

/* Frees what an item carries. */
static void
push_item_drop(struct push_item *it)
{
	json_decref(it->msg);
	free(it->text);
	it->msg = NULL;
	it->text = NULL;
}

/* Sends it from s: after a resync of everything when resync_first, or its channel's at first use. */
static void
push_one(struct push_sender *s, struct push_item *it, int resync_first)
{
	struct push *p = s->p;
	struct push_channel *c;
	int fresh = 0;

	if (resync_first && push_resync_all(s) < 0) {
		push_item_drop(it);
		pthread_mutex_lock(&p->lock);
		p->stats.failed++;
		pthread_mutex_unlock(&p->lock);
		return;
	}
	pthread_mutex_lock(&p->lock);
	c = push_channel(p, it->channel, &fresh);
	pthread_mutex_unlock(&p->lock);
	if (c == NULL || (it->open && !fresh)) {
		push_item_drop(it);
		return;
	}
	if (fresh && p->resync_at_start && !resync_first && push_deliver(s, it->channel, push_resync_msg(), NULL) < 0) {
		pthread_mutex_lock(&p->lock);
		if ((c = push_channel(p, it->channel, &fresh)) != NULL)
			c->seq = 0;	/* and again next time */
		pthread_mutex_unlock(&p->lock);
		push_item_drop(it);
		return;
	}
	if (it->open) {
		push_item_drop(it);
		return;
	}
	push_deliver(s, it->channel, it->msg, it->text);
}

/* Whether a sender is sending to channel.  Under lock. */
static int
push_busy(struct push *p, const char *channel)
{
	for (int i = 0; i < p->nsenders; i++)
		if (strcmp(p->senders[i].busy, channel) == 0)
			return 1;
	return 0;
}

/*
 * The first queued item whose channel no sender is busy with, unlinked, or
 * NULL.  Under lock.
 */
static struct push_item *
push_next(struct push *p)
{
	struct push_item **pp, *it, *prev = NULL;

	for (pp = &p->head; (it = *pp) != NULL; prev = it, pp = &it->next) {
		if (push_busy(p, it->channel))
			continue;
		*pp = it->next;
		if (p->tail == it)
			p->tail = prev;
		p->nqueued--;
		return it;
	}
	return NULL;
}

/*
 * The timed item due first whose channel is not busy, unlinked, or NULL;
 * *wait_s is how long until the next one (-1: none).  Under lock.
 */
static struct push_item *
push_due(struct push *p, long *wait_s)
{
	struct push_item **pp, **first = NULL, *it;
	time_t now = clock_now();

	for (pp = &p->timed; *pp != NULL; pp = &(*pp)->next)
		if ((first == NULL || (*pp)->at < (*first)->at) && !push_busy(p, (*pp)->channel))
			first = pp;
	*wait_s = -1;
	if (first == NULL)
		return NULL;
	if ((*first)->at > now) {
		*wait_s = (long)((*first)->at - now);
		return NULL;
	}
	it = *first;
	*first = it->next;
	p->ntimed--;
	return it;
}

static void *
push_thread(void *arg)
{
	struct push_sender *s = arg;
	struct push *p = s->p;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct push_item *it = NULL;
		long wait_s = -1;
		int resync_first;

		if (!p->resyncing) {
			it = push_next(p);
			if (it == NULL && !p->stopping)
				it = push_due(p, &wait_s);
		}
		if (it != NULL) {
			snprintf(s->busy, sizeof(s->busy), "%s", it->channel);
			p->inflight++;
			resync_first = p->lost > 0;
			if (resync_first) {
				/* Alone: the others finish what they are sending and take nothing new. */
				p->resyncing = 1;
				while (p->inflight > 1)
					pthread_cond_wait(&p->wake, &p->lock);
			}
			pthread_mutex_unlock(&p->lock);
			push_one(s, it, resync_first);
			free(it);
			pthread_mutex_lock(&p->lock);
			s->busy[0] = '\0';
			p->inflight--;
			if (resync_first)
				p->resyncing = 0;
			pthread_cond_broadcast(&p->wake);
			continue;
		}
		if (p->stopping)
			break;
		if (wait_s < 0) {
			pthread_cond_wait(&p->wake, &p->lock);
		} else {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += wait_s > 3600 ? 3600 : wait_s;
			pthread_cond_timedwait(&p->wake, &p->lock, &until);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void
push_free_items(struct push_item *it)
{
	while (it != NULL) {
		struct push_item *next = it->next;

		push_item_drop(it);
		free(it);
		it = next;
	}
}

/* Stops and joins the senders started, and frees what push_new made. */
static void
push_destroy(struct push *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nsenders; i++)
		pthread_join(p->senders[i].thread, NULL);
	push_free_items(p->head);
	push_free_items(p->timed);
	for (int i = 0; i < PUSH_SENDERS; i++)
		curl_easy_cleanup(p->senders[i].curl);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	curl_slist_free_all(p->headers);
	free(p->channels);
	free(p->socket_path);
	free(p);
}

struct push *
push_new(const char *socket_path, int resync_at_start)
{
	struct push *p = calloc(1, sizeof(*p));
	struct timeval tv;

	if (p == NULL)
		goto out_oom;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	p->socket_path = strdup(socket_path);
	p->headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* No "Expect: 100-continue" (curl's for bodies over 1 KiB): it may wait a second for it. */
	if (p->headers != NULL)
		p->headers = curl_slist_append(p->headers, "Expect:");
	if (p->socket_path == NULL || p->headers == NULL)
		goto out_free;
	gettimeofday(&tv, NULL);
	p->epoch = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	p->resync_at_start = resync_at_start;
	for (int i = 0; i < PUSH_SENDERS; i++) {
		struct push_sender *s = &p->senders[i];

		s->p = p;
		if ((s->curl = curl_easy_init()) == NULL)
			goto out_free;
		curl_easy_setopt(s->curl, CURLOPT_UNIX_SOCKET_PATH, p->socket_path);
		curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, p->headers);
		curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)PUSH_CONNECT_MS);
		curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, (long)PUSH_TIMEOUT_MS);
		curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->errbuf);
		curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, push_discard);
		curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "darkhorses-push");
	}
	for (int i = 0; i < PUSH_SENDERS; i++) {
		if (pthread_create(&p->senders[i].thread, NULL, push_thread, &p->senders[i]) != 0) {
			log_error("push: could not start the publisher thread: %s", strerror(errno));
			goto out_free;
		}
		p->nsenders++;
	}
	return p;
out_free:
	push_destroy(p);
out_oom:
	log_error("push: out of memory: live push is off");
	return NULL;
}

struct push *
push_from_cfg(const struct cfg *cfg, int resync_at_start)
{
	char path[1024];
	struct push *p;

	if (!cfg->push)
		return NULL;
	if (cfg->push_socket != NULL)
		snprintf(path, sizeof(path), "%s", cfg->push_socket);
	else
		snprintf(path, sizeof(path), "%s/run/dh-push.sock", cfg->var_dir);
	p = push_new(path, resync_at_start);
	if (p != NULL)
		log_info("push: publishing to nchan at %s", path);
	return p;
}

void
push_free(struct push *p, long wait_ms)
{
	int64_t until = clock_mono_ms() + wait_ms;

	if (p == NULL)
		return;
	/* What is queued goes first, within wait_ms; the rest is dropped. */
	for (;;) {
		int empty;

		pthread_mutex_lock(&p->lock);
		empty = p->head == NULL && p->inflight == 0;
		pthread_mutex_unlock(&p->lock);
		if (empty || clock_mono_ms() >= until)
			break;
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&p->lock);
	push_free_items(p->head);
	p->head = p->tail = NULL;
	pthread_mutex_unlock(&p->lock);
	push_destroy(p);
}

static struct push_item *
push_item(const char *channel, json_t *msg, char *text, time_t at, const char *key)
{
	struct push_item *it;

	if (text != NULL ? text[0] != '{' : msg == NULL || !json_is_object(msg))
		return NULL;
	if (!push_channel_valid(channel))
		return NULL;
	it = calloc(1, sizeof(*it));
	if (it == NULL)
		return NULL;
	snprintf(it->channel, sizeof(it->channel), "%s", channel);
	snprintf(it->key, sizeof(it->key), "%s", key ? key : "");
	it->at = at;
	it->msg = msg;
	it->text = text;
	return it;
}

/*
 * Queues msg or text (at 0: now, else at its instant; open: push_open's);
 * steals both.  0, or -1 when dropped.
 */
static int
push_queue(struct push *p, const char *channel, json_t *msg, char *text, time_t at, const char *key,
    int open)
{
	struct push_item *it;
	int timed = at != 0;

	if (p == NULL) {
		json_decref(msg);
		free(text);
		return 0;
	}
	if ((it = push_item(channel, msg, text, at, key)) != NULL)
		it->open = open;
	pthread_mutex_lock(&p->lock);
	if (it == NULL || (timed ? p->ntimed >= PUSH_TIMED_MAX : p->nqueued >= PUSH_QUEUE_MAX)) {
		p->stats.dropped++;
		pthread_mutex_unlock(&p->lock);
		free(it);
		json_decref(msg);
		free(text);
		return -1;
	}
	if (timed) {
		it->next = p->timed;
		p->timed = it;
		p->ntimed++;
	} else {
		if (p->tail != NULL)
			p->tail->next = it;
		else
			p->head = it;
		p->tail = it;
		p->nqueued++;
	}
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int
push_send(struct push *p, const char *channel, json_t *msg)
{
	return push_queue(p, channel, msg, NULL, 0, NULL, 0);
}

int
push_send_text(struct push *p, const char *channel, char *text)
{
	return push_queue(p, channel, NULL, text, 0, NULL, 0);
}

int
push_open(struct push *p, const char *channel)
{
	if (p == NULL || !p->resync_at_start)
		return 0;
	return push_queue(p, channel, json_object(), NULL, 0, NULL, 1);
}

int
push_at(struct push *p, const char *channel, json_t *msg, time_t at, const char *key)
{
	return push_queue(p, channel, msg, NULL, at > 0 ? at : 1, key, 0);
}

void
push_cancel(struct push *p, const char *key)
{
	struct push_item **pp, *gone = NULL;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	for (pp = &p->timed; *pp != NULL;) {
		struct push_item *it = *pp;

		if (strcmp(it->key, key) == 0) {
			*pp = it->next;
			it->next = gone;
			gone = it;
			p->ntimed--;
		} else {
			pp = &it->next;
		}
	}
	pthread_mutex_unlock(&p->lock);
	push_free_items(gone);
}

void
push_get_stats(struct push *p, struct push_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	*s = p->stats;
	pthread_mutex_unlock(&p->lock);
}
