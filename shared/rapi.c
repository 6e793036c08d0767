/* rapi: The Racing API client: requests, retries, paging (see rapi.h). */
#include "rapi.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "http.h"
#include "log.h"
#include "rapi_limit.h"
#include "redact.h"

#define RAPI_URL_MAX        2048
#define RAPI_RESULTS_LIMIT  50
#define RAPI_MAX_PAGES      200

struct rapi {
	struct rapi_opts     o;
	struct http_client  *http;
	struct rapi_limit   *limit;
	struct rapi_stats    stats;
	uint32_t             rng;
	char                 err[512];
};

static enum rapi_err
rapi_fail(struct rapi *r, enum rapi_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum rapi_err
rapi_fail(struct rapi *r, enum rapi_err e, const char *fmt, ...)
{
	char msg[sizeof(r->err)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	redact_secrets(msg, r->err, sizeof(r->err));	/* a base URL may carry user:password@ */
	return e;
}

void
rapi_opts_from_cfg(struct rapi_opts *o, const struct cfg *c, volatile sig_atomic_t *stop)
{
	size_t n;

	memset(o, 0, sizeof(*o));
	if (c->racing_api_base_url != NULL)
		snprintf(o->base_url, sizeof(o->base_url), "%s", c->racing_api_base_url);
	else
		snprintf(o->base_url, sizeof(o->base_url), "http://127.0.0.1:%d/v1", c->sim_port);
	n = strlen(o->base_url);
	while (n > 0 && o->base_url[n - 1] == '/')
		o->base_url[--n] = '\0';
	o->username = c->racing_api_username;
	o->password = c->racing_api_password;
	if (c->racing_api_base_url == NULL && o->username == NULL) {
		o->username = "simulator";
		o->password = "simulator";
	}
	o->rate = c->racing_api_rate > 0 ? c->racing_api_rate : 2.0;
	snprintf(o->limit_dir, sizeof(o->limit_dir), "%s/run", c->var_dir ? c->var_dir : "var");
	o->regions = c->regions[0] ? c->regions : "gb,ire";
	o->max_attempts = 5;
	o->backoff_base_ms = 500;
	o->backoff_max_ms = 30000;
	o->retry_after_max_ms = 300000;
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->max_body = 32u << 20;
	o->racecards_limit = 500;
	o->stop = stop;
}

struct rapi *
rapi_new(const struct rapi_opts *o)
{
	struct rapi *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->o = *o;
	if (r->o.max_attempts < 1)
		r->o.max_attempts = 1;
	if (r->o.racecards_limit < 1 || r->o.racecards_limit > 500)
		r->o.racecards_limit = 500;
	r->rng = (uint32_t)getpid() * 2654435761u ^ (uint32_t)clock_mono_ms();
	if (r->rng == 0)
		r->rng = 1;
	r->http = http_new(o->connect_timeout_ms, o->timeout_ms, o->max_body, o->stop);
	r->limit = rapi_limit_new(o->limit_dir[0] ? o->limit_dir : NULL, o->rate);
	if (r->http == NULL || r->limit == NULL ||
	    http_set_basic_auth(r->http, o->username, o->password) < 0) {
		rapi_free(r);
		return NULL;
	}
	return r;
}

void
rapi_free(struct rapi *r)
{
	if (r == NULL)
		return;
	http_free(r->http);
	rapi_limit_free(r->limit);
	free(r);
}

const char *
rapi_error(const struct rapi *r)
{
	return r->err;
}

const struct rapi_stats *
rapi_stats(const struct rapi *r)
{
	return &r->stats;
}

const char *
rapi_err_name(enum rapi_err e)
{
	static const char *const names[] = { "ok", "auth", "not found", "bad request",
	    "unavailable", "bad body", "too big", "stopped", "internal" };

	return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "unknown";
}

int64_t
rapi_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms, uint32_t rnd)
{
	int64_t d = base_ms;

	for (int i = 1; i < attempt && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	if (d < 0)
		d = 0;
	return d / 2 + (int64_t)((double)(d - d / 2) * ((double)rnd / (double)UINT32_MAX));
}

static uint32_t
rapi_random(struct rapi *r)
{
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 17;
	r->rng ^= r->rng << 5;
	return r->rng;
}

/* Sleeps between attempts; returns 0, or -1 when stopped. */
static int
rapi_pause(struct rapi *r, int64_t ms)
{
	r->stats.waited_ms += ms;
	return rapi_limit_sleep(ms, r->o.stop);
}

/*
 * GETs url and parses the body into the result doc heads, retrying what is worth
 * retrying (see rapi.h).  The one place requests are made.
 */
static enum rapi_err
rapi_fetch(struct rapi *r, const char *url, struct rapi_doc *doc)
{
	enum rapi_err last = RAPI_ERR_UNAVAILABLE;
	int64_t retry_after_ms = -1, waited;
	struct http_response res;
	char why[320] = "";

	for (int attempt = 1; attempt <= r->o.max_attempts; attempt++) {
		if (attempt > 1) {
			int64_t d = rapi_backoff_ms(attempt - 1, r->o.backoff_base_ms,
			    r->o.backoff_max_ms, rapi_random(r));

			if (retry_after_ms > r->o.retry_after_max_ms)
				return rapi_fail(r, RAPI_ERR_UNAVAILABLE,
				    "%s: rate limited for %lld s, more than this client waits",
				    url, (long long)(retry_after_ms / 1000));
			if (retry_after_ms > d)
				d = retry_after_ms;
			r->stats.retries++;
			log_info("racing api: %s; attempt %d of %d in %lld ms", why, attempt,
			    r->o.max_attempts, (long long)d);
			if (rapi_pause(r, d) < 0)
				break;
		}
		retry_after_ms = -1;
		waited = rapi_limit_acquire(r->limit, r->o.stop);
		if (waited < 0)
			break;
		r->stats.waited_ms += waited;
		r->stats.requests++;
		switch (http_get(r->http, url, &res)) {
		case HTTP_OK:
			break;
		case HTTP_STOPPED:
			return rapi_fail(r, RAPI_ERR_STOPPED, "%s: stopped", url);
		case HTTP_TOO_BIG:
			return rapi_fail(r, RAPI_ERR_TOO_BIG, "%s: %s", url, res.error);
		default:
			snprintf(why, sizeof(why), "%s: %s", url, res.error);
			last = RAPI_ERR_UNAVAILABLE;
			continue;
		}
		if (res.status >= 200 && res.status < 300) {
			char perr[256];

			if (rapi_parse(doc, res.body, res.len, perr, sizeof(perr)) == 0) {
				r->err[0] = '\0';
				return RAPI_OK;
			}
			r->stats.bad_bodies++;
			snprintf(why, sizeof(why), "%s: unreadable body: %s", url, perr);
			last = RAPI_ERR_BAD_BODY;
			continue;
		}
		if (res.status == 401 || res.status == 403)
			return rapi_fail(r, RAPI_ERR_AUTH,
			    "%s: HTTP %ld: credentials refused or endpoint not in the plan "
			    "(RACING_API_USERNAME, RACING_API_PASSWORD)", url, res.status);
		if (res.status == 404)
			return rapi_fail(r, RAPI_ERR_NOT_FOUND, "%s: HTTP 404", url);
		if (res.status == 429 || res.status >= 500) {
			if (res.status == 429) {
				r->stats.throttled++;
				retry_after_ms = res.retry_after >= 0 ? res.retry_after * 1000 : -1;
				if (retry_after_ms >= 0)
					rapi_limit_defer(r->limit, clock_mono_ms() + retry_after_ms);
			}
			snprintf(why, sizeof(why), "%s: HTTP %ld", url, res.status);
			last = RAPI_ERR_UNAVAILABLE;
			continue;
		}
		return rapi_fail(r, RAPI_ERR_REQUEST, "%s: HTTP %ld: %.200s", url, res.status,
		    res.body);
	}
	if (r->o.stop != NULL && *r->o.stop)
		return rapi_fail(r, RAPI_ERR_STOPPED, "%s: stopped", url);
	return rapi_fail(r, last, "%s (gave up after %d attempts)", why, r->o.max_attempts);
}

/* base_url + path (printf-style) into url.  Returns 0, or -1 when too long. */
static int
rapi_url(const struct rapi *r, char *url, size_t urllen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
rapi_url(const struct rapi *r, char *url, size_t urllen, const char *fmt, ...)
{
	size_t n = (size_t)snprintf(url, urllen, "%s", r->o.base_url);
	va_list ap;
	int k;

	if (n >= urllen)
		return -1;
	va_start(ap, fmt);
	k = vsnprintf(url + n, urllen - n, fmt, ap);
	va_end(ap);
	return k < 0 || (size_t)k >= urllen - n ? -1 : 0;
}

/* Adds name=code for each configured region ("gb,ire"). */
static int
rapi_url_regions(const struct rapi *r, char *url, size_t urllen, const char *name)
{
	const char *p = r->o.regions;

	while (p != NULL && *p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char code[16];

		if (len > 0 && len < sizeof(code)) {
			memcpy(code, p, len);
			code[len] = '\0';
			if (http_query_add(url, urllen, name, code) < 0)
				return -1;
		}
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int
rapi_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '_' && id[i] != '-' && id[i] != '.')
			return 0;
	return 1;
}

/* Warns of what a parse could not use (rapi_model.h), which is otherwise silent. */
static void
rapi_warn_counts(const char *what, const char *arg, const struct rapi_counts *c)
{
	if (c->skipped == 0 && c->bad_fields == 0 && c->utf8_repaired == 0 && c->repeated == 0)
		return;
	log_warn("racing api: %s %s: %u records without a usable id skipped, %u unusable values "
	    "read as absent, %u invalid characters read as U+FFFD, %u records listed twice "
	    "skipped (the first kept)", what, arg, c->skipped, c->bad_fields, c->utf8_repaired,
	    c->repeated);
}

enum rapi_err
rapi_racecards(struct rapi *r, const char *date, struct rapi_racecards **out)
{
	struct rapi_racecards *rc = NULL;
	char url[RAPI_URL_MAX], num[24];
	struct clock_date d;
	enum rapi_err e = RAPI_OK;
	long skip = 0;

	*out = NULL;
	if (date == NULL || clock_parse_date(date, &d) < 0)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "invalid date \"%s\"", date ? date : "");
	rc = rapi_racecards_new();
	if (rc == NULL)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "out of memory");
	for (int page = 0; page < RAPI_MAX_PAGES; page++) {
		const struct rapi_page *p = &rc->doc.page;

		if (rapi_url(r, url, sizeof(url), "/racecards/pro") < 0 ||
		    http_query_add(url, sizeof(url), "date", date) < 0 ||
		    rapi_url_regions(r, url, sizeof(url), "region_codes") < 0 ||
		    (snprintf(num, sizeof(num), "%d", r->o.racecards_limit),
		    http_query_add(url, sizeof(url), "limit", num)) < 0 ||
		    (snprintf(num, sizeof(num), "%ld", skip),
		    http_query_add(url, sizeof(url), "skip", num)) < 0) {
			e = rapi_fail(r, RAPI_ERR_INTERNAL, "URL too long");
			break;
		}
		e = rapi_fetch(r, url, &rc->doc);
		if (e != RAPI_OK)
			break;
		skip += (long)p->items;
		if (p->items == 0 || p->items < (size_t)r->o.racecards_limit ||
		    !p->total.present || skip >= p->total.v)
			break;
	}
	if (e != RAPI_OK) {
		rapi_racecards_free(rc);
		return e;
	}
	rapi_warn_counts("racecards for", date, &rc->doc.counts);
	*out = rc;
	return RAPI_OK;
}

/*
 * GETs url into doc, the head of a new result (NULL: out of memory); on
 * error the result is freed.  For the calls of one request.
 */
static enum rapi_err
rapi_fetch_one(struct rapi *r, const char *url, struct rapi_doc *doc)
{
	enum rapi_err e;

	if (doc == NULL)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "out of memory");
	e = rapi_fetch(r, url, doc);
	if (e != RAPI_OK)
		rapi_doc_free(doc);
	return e;
}

/* rapi_fetch_one of base_url + prefix + id + suffix, after checking the id. */
static enum rapi_err
rapi_fetch_id(struct rapi *r, struct rapi_doc *doc, const char *what, const char *id,
    const char *prefix, const char *suffix)
{
	char url[RAPI_URL_MAX];
	enum rapi_err e = RAPI_OK;

	if (!rapi_id_ok(id))
		e = rapi_fail(r, RAPI_ERR_INTERNAL, "invalid %s id \"%s\"", what, id ? id : "");
	else if (rapi_url(r, url, sizeof(url), "%s%s%s", prefix, id, suffix) < 0)
		e = rapi_fail(r, RAPI_ERR_INTERNAL, "URL too long");
	if (e != RAPI_OK) {
		rapi_doc_free(doc);
		return e;
	}
	return rapi_fetch_one(r, url, doc);
}

enum rapi_err
rapi_racecard(struct rapi *r, const char *race_id, struct rapi_racecards **out)
{
	enum rapi_err e;

	*out = rapi_racecards_new();
	e = rapi_fetch_id(r, *out ? &(*out)->doc : NULL, "race", race_id, "/racecards/", "/pro");
	if (e != RAPI_OK)
		*out = NULL;
	return e;
}

enum rapi_err
rapi_results(struct rapi *r, const char *date, struct rapi_results **out)
{
	struct rapi_results *rs;
	char url[RAPI_URL_MAX], num[24];
	struct clock_date d;
	enum rapi_err e = RAPI_OK;
	long skip = 0;

	*out = NULL;
	if (date == NULL || clock_parse_date(date, &d) < 0)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "invalid date \"%s\"", date ? date : "");
	rs = rapi_results_new();
	if (rs == NULL)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "out of memory");
	for (int page = 0; page < RAPI_MAX_PAGES && skip <= 20000; page++) {
		if (rapi_url(r, url, sizeof(url), "/results") < 0 ||
		    http_query_add(url, sizeof(url), "start_date", date) < 0 ||
		    http_query_add(url, sizeof(url), "end_date", date) < 0 ||
		    rapi_url_regions(r, url, sizeof(url), "region") < 0 ||
		    http_query_add(url, sizeof(url), "limit", "50") < 0 ||
		    (snprintf(num, sizeof(num), "%ld", skip),
		    http_query_add(url, sizeof(url), "skip", num)) < 0) {
			e = rapi_fail(r, RAPI_ERR_INTERNAL, "URL too long");
			break;
		}
		e = rapi_fetch(r, url, &rs->doc);
		if (e != RAPI_OK || rs->doc.page.items < RAPI_RESULTS_LIMIT)
			break;
		skip += RAPI_RESULTS_LIMIT;
	}
	if (e != RAPI_OK) {
		rapi_results_free(rs);
		return e;
	}
	rapi_warn_counts("results for", date, &rs->doc.counts);
	*out = rs;
	return RAPI_OK;
}

enum rapi_err
rapi_result(struct rapi *r, const char *race_id, struct rapi_results **out)
{
	enum rapi_err e;

	*out = rapi_results_new();
	e = rapi_fetch_id(r, *out ? &(*out)->doc : NULL, "race", race_id, "/results/", "");
	if (e != RAPI_OK)
		*out = NULL;
	return e;
}

enum rapi_err
rapi_horse(struct rapi *r, const char *horse_id, struct rapi_horse **out)
{
	enum rapi_err e;

	*out = rapi_horse_new();
	e = rapi_fetch_id(r, *out ? &(*out)->doc : NULL, "horse", horse_id, "/horses/", "/pro");
	if (e != RAPI_OK)
		*out = NULL;
	else
		rapi_warn_counts("horse", horse_id, &(*out)->doc.counts);
	return e;
}

enum rapi_err
rapi_courses(struct rapi *r, struct rapi_courses **out)
{
	char url[RAPI_URL_MAX];
	enum rapi_err e;

	*out = NULL;
	if (rapi_url(r, url, sizeof(url), "/courses") < 0 ||
	    rapi_url_regions(r, url, sizeof(url), "region_codes") < 0)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "URL too long");
	*out = rapi_courses_new();
	e = rapi_fetch_one(r, url, *out ? &(*out)->doc : NULL);
	if (e != RAPI_OK) {
		*out = NULL;
		return e;
	}
	rapi_warn_counts("courses for", r->o.regions ? r->o.regions : "", &(*out)->doc.counts);
	return e;
}

enum rapi_err
rapi_regions(struct rapi *r, struct rapi_regions **out)
{
	char url[RAPI_URL_MAX];
	enum rapi_err e;

	*out = NULL;
	if (rapi_url(r, url, sizeof(url), "/courses/regions") < 0)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "URL too long");
	*out = rapi_regions_new();
	e = rapi_fetch_one(r, url, *out ? &(*out)->doc : NULL);
	if (e != RAPI_OK) {
		*out = NULL;
	}
	return e;
}

enum rapi_err
rapi_search(struct rapi *r, const char *kind, const char *name, struct rapi_search **out)
{
	static const char *const kinds[] = { "horses", "jockeys", "trainers", "owners" };
	char url[RAPI_URL_MAX];
	enum rapi_err e;
	size_t i;

	*out = NULL;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kind != NULL && strcmp(kind, kinds[i]) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]) || name == NULL || *name == '\0')
		return rapi_fail(r, RAPI_ERR_INTERNAL, "search needs a kind (horses, jockeys, "
		    "trainers, owners) and a name");
	if (rapi_url(r, url, sizeof(url), "/%s/search", kinds[i]) < 0 ||
	    http_query_add(url, sizeof(url), "name", name) < 0)
		return rapi_fail(r, RAPI_ERR_INTERNAL, "URL too long");
	*out = rapi_search_new();
	e = rapi_fetch_one(r, url, *out ? &(*out)->doc : NULL);
	if (e != RAPI_OK) {
		*out = NULL;
	}
	return e;
}
