/* sim_route: faults, stats, authentication and dispatch (see sim_route.h). */
#include "sim_route.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "sim_control.h"
#include "sim_faults.h"
#include "log.h"
#include "qstring.h"
#include "sim_reply.h"
#include "sim.h"
#include "sim_stats.h"

#define SIM_ROUTE_BODY_MAX (64L * 1024 * 1024)

struct sim_route_entry {
	const char *seg[4];   /* after "v1"; "*" matches any one segment */
	size_t      n;
	sim_handler handler;
};

static const struct sim_route_entry sim_route_table[] = {
	{ { "courses" }, 1, sim_masters_courses },
	{ { "courses", "regions" }, 2, sim_masters_regions },
	{ { "racecards", "pro" }, 2, sim_racecards_list },
	{ { "racecards", "summaries" }, 2, sim_racecards_summaries },
	{ { "racecards", "*", "pro" }, 3, sim_racecards_one },
	{ { "results" }, 1, sim_results_list },
	{ { "results", "*" }, 2, sim_results_one },
	{ { "horses", "search" }, 2, sim_masters_search },
	{ { "jockeys", "search" }, 2, sim_masters_search },
	{ { "trainers", "search" }, 2, sim_masters_search },
	{ { "owners", "search" }, 2, sim_masters_search },
	{ { "horses", "*", "pro" }, 3, sim_masters_horse },
	{ { "odds", "*", "*" }, 3, sim_odds_runner },
};

static const char *sim_route_username = "simulator";
static const char *sim_route_password = "simulator";
static int sim_route_open;	/* requests without credentials are let in */

void
sim_route_init(const char *username, const char *password, int open)
{
	sim_route_open = open;
	if (username != NULL && password != NULL) {
		sim_route_username = username;
		sim_route_password = password;
	}
}

static int
sim_route_b64(char c)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(alphabet, c) : NULL;

	return p != NULL ? (int)(p - alphabet) : -1;
}

/* Decodes base64 in into out (NUL-terminated).  Returns 0, or -1 when malformed. */
static int
sim_route_unbase64(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;

	for (; *in != '\0' && *in != '='; in++) {
		int v = sim_route_b64(*in);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return 0;
}

/*
 * Checks HTTP Basic credentials.  Returns 0 when accepted, else answers 401
 * as the upstream does and returns -1.
 */
static int
sim_route_auth(const char *authorization, struct sim_server_response *resp)
{
	char decoded[512], expected[512];
	const char *p = authorization;

	if (p == NULL && sim_route_open)
		return 0;
	snprintf(resp->headers, sizeof(resp->headers), "WWW-Authenticate: Basic\r\n");
	if (p == NULL || strncasecmp(p, "Basic ", 6) != 0) {
		sim_reply_detail(resp, 401, "Not authenticated");
		return -1;
	}
	p += 6 + strspn(p + 6, " ");
	snprintf(expected, sizeof(expected), "%s:%s", sim_route_username, sim_route_password);
	if (sim_route_unbase64(p, decoded, sizeof(decoded)) < 0 || strcmp(decoded, expected) != 0) {
		sim_reply_detail(resp, 401, "Incorrect username or password");
		return -1;
	}
	resp->headers[0] = '\0';
	return 0;
}

/*
 * Splits path into percent-decoded segments stored in store.  Returns the
 * count, or -1 for an empty segment or too many (no route has them).
 */
static int
sim_route_split(const char *path, char *store, char **seg, size_t max)
{
	size_t n = 0;

	if (*path != '/')
		return -1;
	while (*path == '/') {
		size_t len;

		path++;
		if (*path == '/' || *path == '\0' || n == max)
			return -1;
		len = strcspn(path, "/");
		seg[n++] = store;
		store += qstring_decode(path, len, store, 0) + 1;	/* "+" stays in a path */
		path += len;
	}
	return (int)n;
}

static const struct sim_route_entry *
sim_route_find(char **seg, size_t nseg)
{
	if (nseg < 2 || strcmp(seg[0], "v1") != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(sim_route_table) / sizeof(sim_route_table[0]); i++) {
		const struct sim_route_entry *e = &sim_route_table[i];
		size_t k;

		if (e->n != nseg - 1)
			continue;
		for (k = 0; k < e->n; k++)
			if (strcmp(e->seg[k], "*") != 0 && strcmp(e->seg[k], seg[k + 1]) != 0)
				break;
		if (k == e->n)
			return e;
	}
	return NULL;
}

/* Applies the body faults to a 200 answer: truncation, then padding. */
static void
sim_route_distort(struct sim_server_response *resp, const struct sim_faults_plan *plan)
{
	if (plan->truncate && resp->body.len > 0) {
		resp->body.len /= 2;
		resp->body.data[resp->body.len] = '\0';
	}
	while (plan->pad_to > 0 && resp->body.len < (size_t)plan->pad_to) {
		static const char spaces[] = "                                                                ";
		size_t n = (size_t)plan->pad_to - resp->body.len;

		if (buf_add(&resp->body, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1) < 0) {
			sim_reply_detail(resp, 500, "out of memory");
			return;
		}
	}
}

/* Runs the endpoint's handler and turns its outcome into the answer. */
static void
sim_route_call(const struct sim_route_entry *e, struct sim_req *r, const struct sim_server_request *req,
    struct sim_server_response *resp, const struct sim_faults_plan *plan)
{
	int status;

	if (sim_params_parse(&r->params, req->query) < 0) {
		sim_reply_detail(resp, 400, "Bad Request");
		goto out;
	}
	r->now = clock_now();
	buf_free(&resp->body);
	buf_init(&resp->body, SIM_ROUTE_BODY_MAX);
	jsonw_init(&r->w, &resp->body);
	if (plan->wrong_types)
		sim_json_corrupt(&r->w, &r->corrupt, plan->key);
	status = e->handler(r);
	if (status == 200 && jsonw_failed(&r->w)) {
		log_error("could not build the answer to %s: too large or out of memory", req->target);
		sim_reply_detail(resp, 500, "Internal Server Error");
	} else if (status == 200) {
		resp->status = 200;
		sim_route_distort(resp, plan);
	} else if (status == 422) {
		sim_reply_json(resp, 422, json_pack("{s:O}", "detail", r->params.errors));
	} else {
		sim_reply_detail(resp, 404, "Not Found");
	}
out:
	sim_params_free(&r->params);
}

/* A request to the API proper, its faults already drawn. */
static void
sim_route_api(const struct sim_server_request *req, struct sim_server_response *resp,
    const struct sim_faults_plan *plan)
{
	static char store[SIM_SERVER_MAX_HEAD + 8];
	static struct sim_req r;
	const struct sim_route_entry *e;
	int n;

	memset(&r, 0, sizeof(r));
	n = sim_route_split(req->path, store, r.seg, SIM_MAX_SEGS);
	e = n > 0 ? sim_route_find(r.seg, (size_t)n) : NULL;
	if (e == NULL) {
		sim_reply_detail(resp, 404, "Not Found");
		return;
	}
	if (strcmp(req->method, "GET") != 0) {
		snprintf(resp->headers, sizeof(resp->headers), "Allow: GET\r\n");
		sim_reply_detail(resp, 405, "Method Not Allowed");
		return;
	}
	if (sim_route_auth(req->authorization, resp) < 0)
		return;
	r.nseg = (size_t)n;
	sim_route_call(e, &r, req, resp, plan);
}

void
sim_route_handle(const struct sim_server_request *req, struct sim_server_response *resp)
{
	struct sim_faults_plan plan;
	int64_t t0 = clock_mono_ms();
	int v1 = strncmp(req->path, "/v1/", 4) == 0;

	if (strncmp(req->path, "/_sim/", 6) == 0) {
		sim_control_handle(req, resp);
		return;
	}
	sim_faults_plan(&plan, v1);
	if (plan.status == 401) {
		snprintf(resp->headers, sizeof(resp->headers), "WWW-Authenticate: Basic\r\n");
		sim_reply_detail(resp, 401, "Incorrect username or password");
	} else if (plan.status == 429) {
		char detail[96];

		snprintf(resp->headers, sizeof(resp->headers), "Retry-After: %d\r\n", plan.retry_after);
		snprintf(detail, sizeof(detail), "Rate limit exceeded: %ld per 1 second", sim_faults_rate_limit());
		sim_reply_detail(resp, 429, detail);
	} else if (plan.status == 500) {
		sim_reply_text(resp, 500, "Internal Server Error");
	} else if (!plan.hold) {
		sim_route_api(req, resp, &plan);
	}
	resp->hold = plan.hold;
	resp->delay_ms = plan.delay_ms;
	sim_stats_record(req->target, plan.hold ? 0 : resp->status);
	log_debug("%s %s %d %zu bytes in %lld ms%s", req->method, req->target, plan.hold ? 0 : resp->status,
	    resp->body.len, (long long)(clock_mono_ms() - t0), plan.hold ? " (held: timeout fault)" : "");
}
