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
#define PUSH_CONNECT_MS   200
#define PUSH_TIMEOUT_MS   1000

struct push_item {
	struct push_item *next;
	char              channel[PUSH_CHANNEL_MAX];
	char              key[PUSH_CHANNEL_MAX];
	time_t            at;		/* timed: when to send */
	json_t           *msg;
};

struct push_channel {
	char    name[PUSH_CHANNEL_MAX];
	long    seq;
	int64_t used_ms;
};

struct push {
	pthread_t          thread;
	pthread_mutex_t    lock;
	pthread_cond_t     wake;
	struct push_item  *head, *tail;	/* to send now, in order */
	struct push_item  *timed;	/* to send at their instant, unordered */
	size_t             nqueued, ntimed;
	int                stopping;
	struct push_stats  stats;

	/* The thread's own. */
	CURL              *curl;
	struct curl_slist *headers;
	char              *socket_path;
	long long          epoch;
	int                resync_at_start;
	int                lost;		/* failures since the last success */
	struct push_channel *channels;
	size_t             nchannels;
	char               errbuf[CURL_ERROR_SIZE];
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
push_post(struct push *p, const char *channel, const char *body, char *why, size_t whylen)
{
	char url[128 + PUSH_CHANNEL_MAX];
	CURLcode rc;
	long status = 0;

	snprintf(url, sizeof(url), "http://localhost/pub/%s", channel);
	p->errbuf[0] = '\0';
	curl_easy_setopt(p->curl, CURLOPT_URL, url);
	curl_easy_setopt(p->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(p->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	rc = curl_easy_perform(p->curl);
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", p->errbuf[0] ? p->errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 201 && status != 202) {
		snprintf(why, whylen, "nchan answered HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* The channel's entry, made (least recently used one replaced) when new; *fresh says so. */
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

/*
 * Numbers msg for channel c, sends it and counts.  Steals msg.  0 or -1.
 * The failures of a run are logged once, then every 100th.
 */
static int
push_deliver(struct push *p, struct push_channel *c, json_t *msg)
{
	char id[64], ts[32], why[CURL_ERROR_SIZE + 64];
	char *body;
	int rc;

	c->seq++;
	snprintf(id, sizeof(id), "%lld-%ld", p->epoch, c->seq);
	clock_format_instant(clock_now(), ts, sizeof(ts));
	json_object_set_new(msg, "id", json_string(id));
	json_object_set_new(msg, "seq", json_integer(c->seq));
	json_object_set_new(msg, "epoch", json_integer(p->epoch));
	if (json_object_get(msg, "timestamp") == NULL)
		json_object_set_new(msg, "timestamp", json_string(ts));
	body = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (body == NULL) {
		snprintf(why, sizeof(why), "out of memory");
		rc = -1;
	} else {
		int64_t t0 = clock_mono_ms();

		rc = push_post(p, c->name, body, why, sizeof(why));
		if (clock_mono_ms() - t0 > 100)
			log_debug("push: %s took %lld ms (%zu bytes)", c->name, (long long)(clock_mono_ms() - t0),
			    strlen(body));
		free(body);
	}
	pthread_mutex_lock(&p->lock);
	if (rc == 0)
		p->stats.published++;
	else
		p->stats.failed++;
	pthread_mutex_unlock(&p->lock);
	if (rc < 0) {
		if (p->lost % 100 == 0)
			log_warn("push: could not publish to %s (%d failed in a row): %s", c->name,
			    p->lost + 1, why);
		p->lost++;
	} else if (p->lost > 0) {
		log_info("push: nchan takes messages again after %d failures", p->lost);
		p->lost = 0;
	}
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
 */
static int
push_resync_all(struct push *p)
{
	int fresh;
	struct push_channel *board = push_channel(p, "board", &fresh);

	if (board == NULL || push_deliver(p, board, push_resync_msg()) < 0)
		return -1;
	for (size_t i = 0; i < p->nchannels; i++)
		if (&p->channels[i] != board && push_deliver(p, &p->channels[i], push_resync_msg()) < 0)
			return -1;
	return 0;
}

static void
push_one(struct push *p, struct push_item *it)
{
	struct push_channel *c;
	int fresh, was_lost = p->lost > 0;

	if (was_lost && push_resync_all(p) < 0) {
		json_decref(it->msg);
		pthread_mutex_lock(&p->lock);
		p->stats.failed++;
		pthread_mutex_unlock(&p->lock);
		return;
	}
	c = push_channel(p, it->channel, &fresh);
	if (c == NULL) {
		json_decref(it->msg);
		return;
	}
	if (fresh && p->resync_at_start && !was_lost && push_deliver(p, c, push_resync_msg()) < 0) {
		c->seq = 0;	/* and again next time */
		json_decref(it->msg);
		return;
	}
	push_deliver(p, c, it->msg);
}

/* The timed item due first, unlinked, or NULL; *wait_s is how long until the next one (-1: none). */
static struct push_item *
push_due(struct push *p, long *wait_s)
{
	struct push_item **pp, **first = NULL, *it;
	time_t now = clock_now();

	for (pp = &p->timed; *pp != NULL; pp = &(*pp)->next)
		if (first == NULL || (*pp)->at < (*first)->at)
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
	struct push *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct push_item *it = p->head;
		long wait_s = -1;

		if (it != NULL) {
			p->head = it->next;
			if (p->head == NULL)
				p->tail = NULL;
			p->nqueued--;
		} else if (!p->stopping) {
			it = push_due(p, &wait_s);
		}
		if (it != NULL) {
			pthread_mutex_unlock(&p->lock);
			push_one(p, it);
			free(it);
			pthread_mutex_lock(&p->lock);
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

struct push *
push_new(const char *socket_path, int resync_at_start)
{
	struct push *p = calloc(1, sizeof(*p));
	struct timeval tv;

	if (p == NULL)
		goto out_oom;
	p->socket_path = strdup(socket_path);
	p->curl = curl_easy_init();
	p->headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* No "Expect: 100-continue" (curl's for bodies over 1 KiB): it may wait a second for it. */
	if (p->headers != NULL)
		p->headers = curl_slist_append(p->headers, "Expect:");
	if (p->socket_path == NULL || p->curl == NULL || p->headers == NULL)
		goto out_free;
	gettimeofday(&tv, NULL);
	p->epoch = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	p->resync_at_start = resync_at_start;
	curl_easy_setopt(p->curl, CURLOPT_UNIX_SOCKET_PATH, p->socket_path);
	curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, p->headers);
	curl_easy_setopt(p->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)PUSH_CONNECT_MS);
	curl_easy_setopt(p->curl, CURLOPT_TIMEOUT_MS, (long)PUSH_TIMEOUT_MS);
	curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->curl, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION, push_discard);
	curl_easy_setopt(p->curl, CURLOPT_USERAGENT, "darkhorses-push");
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	if (pthread_create(&p->thread, NULL, push_thread, p) != 0) {
		log_error("push: could not start the publisher thread: %s", strerror(errno));
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		goto out_free;
	}
	return p;
out_free:
	curl_slist_free_all(p->headers);
	curl_easy_cleanup(p->curl);
	free(p->socket_path);
	free(p);
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

static void
push_free_items(struct push_item *it)
{
	while (it != NULL) {
		struct push_item *next = it->next;

		json_decref(it->msg);
		free(it);
		it = next;
	}
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
		empty = p->head == NULL;
		pthread_mutex_unlock(&p->lock);
		if (empty || clock_mono_ms() >= until)
			break;
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&p->lock);
	push_free_items(p->head);
	p->head = p->tail = NULL;
	p->stopping = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	push_free_items(p->timed);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	curl_slist_free_all(p->headers);
	curl_easy_cleanup(p->curl);
	free(p->channels);
	free(p->socket_path);
	free(p);
}

static struct push_item *
push_item(const char *channel, json_t *msg, time_t at, const char *key)
{
	struct push_item *it;

	if (msg == NULL || !json_is_object(msg) || !push_channel_valid(channel))
		return NULL;
	it = calloc(1, sizeof(*it));
	if (it == NULL)
		return NULL;
	snprintf(it->channel, sizeof(it->channel), "%s", channel);
	snprintf(it->key, sizeof(it->key), "%s", key ? key : "");
	it->at = at;
	it->msg = msg;
	return it;
}

/* Queues msg (at 0: now, else at its instant); steals msg.  0, or -1 when dropped. */
static int
push_queue(struct push *p, const char *channel, json_t *msg, time_t at, const char *key)
{
	struct push_item *it;
	int timed = at != 0;

	if (p == NULL) {
		json_decref(msg);
		return 0;
	}
	it = push_item(channel, msg, at, key);
	pthread_mutex_lock(&p->lock);
	if (it == NULL || (timed ? p->ntimed >= PUSH_TIMED_MAX : p->nqueued >= PUSH_QUEUE_MAX)) {
		p->stats.dropped++;
		pthread_mutex_unlock(&p->lock);
		free(it);
		json_decref(msg);
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
	return push_queue(p, channel, msg, 0, NULL);
}

int
push_at(struct push *p, const char *channel, json_t *msg, time_t at, const char *key)
{
	return push_queue(p, channel, msg, at > 0 ? at : 1, key);
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
