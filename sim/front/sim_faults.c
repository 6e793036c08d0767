/* sim_faults: fault settings and per-request decisions (see sim_faults.h). */
#include "sim_faults.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "sim_rng.h"

struct sim_faults_settings {
	long   rate_limit_per_s;
	double error_rate;
	long   latency_ms;
	double timeout_rate;
	double truncate_rate;
	double wrong_types_rate;
	long   oversize_bytes;
	int    status_401;
};

enum sim_faults_kind { SIM_FAULTS_TIMEOUT = 1, SIM_FAULTS_ERROR, SIM_FAULTS_TRUNCATE, SIM_FAULTS_WRONG };

static struct sim_faults_settings sim_faults_now;
static uint64_t sim_faults_count;          /* requests since the last restart */
/* Arrival times (monotonic ms) of the requests let through in the last second. */
static int64_t *sim_faults_window;
static size_t sim_faults_window_cap, sim_faults_window_head, sim_faults_window_len;

/* Reads a number in [min, max] (an integer when integral is set). */
static int
sim_faults_number(const char *key, json_t *v, double min, double max, int integral, double *out,
    char *err, size_t errlen)
{
	double d;

	if (json_is_null(v) || json_is_false(v)) {
		*out = 0;
		return 0;
	}
	if (!json_is_number(v)) {
		snprintf(err, errlen, "invalid value for \"%s\": expected a number", key);
		return -1;
	}
	d = json_number_value(v);
	if (!(d >= min && d <= max) || (integral && d != floor(d))) {
		snprintf(err, errlen, "invalid value for \"%s\": %g (expected %s from %g to %g)",
		    key, d, integral ? "an integer" : "a number", min, max);
		return -1;
	}
	*out = d;
	return 0;
}

/* Reads one key into s. */
static int
sim_faults_key(struct sim_faults_settings *s, const char *key, json_t *v, char *err, size_t errlen)
{
	double d = 0;
	int rc = 0;

	if (strcmp(key, "rate_limit_per_s") == 0) {
		rc = sim_faults_number(key, v, 0, SIM_FAULTS_MAX_RATE, 1, &d, err, errlen);
		s->rate_limit_per_s = (long)d;
	} else if (strcmp(key, "error_rate") == 0) {
		rc = sim_faults_number(key, v, 0, 1, 0, &s->error_rate, err, errlen);
	} else if (strcmp(key, "latency_ms") == 0) {
		rc = sim_faults_number(key, v, 0, SIM_FAULTS_MAX_LATENCY, 1, &d, err, errlen);
		s->latency_ms = (long)d;
	} else if (strcmp(key, "timeout_rate") == 0) {
		rc = sim_faults_number(key, v, 0, 1, 0, &s->timeout_rate, err, errlen);
	} else if (strcmp(key, "truncate_rate") == 0) {
		rc = sim_faults_number(key, v, 0, 1, 0, &s->truncate_rate, err, errlen);
	} else if (strcmp(key, "wrong_types_rate") == 0) {
		rc = sim_faults_number(key, v, 0, 1, 0, &s->wrong_types_rate, err, errlen);
	} else if (strcmp(key, "oversize_bytes") == 0) {
		rc = sim_faults_number(key, v, 0, (double)SIM_FAULTS_MAX_OVERSIZE, 1, &d, err, errlen);
		s->oversize_bytes = (long)d;
	} else if (strcmp(key, "status_401") == 0) {
		if (!json_is_boolean(v) && !json_is_null(v)) {
			snprintf(err, errlen, "invalid value for \"status_401\": expected true or false");
			return -1;
		}
		s->status_401 = json_is_true(v);
	} else {
		snprintf(err, errlen, "unknown fault \"%.60s\" (expected rate_limit_per_s, error_rate, "
		    "latency_ms, timeout_rate, truncate_rate, wrong_types_rate, oversize_bytes, status_401)", key);
		return -1;
	}
	return rc;
}

int
sim_faults_set(const char *text, size_t len, char *err, size_t errlen)
{
	struct sim_faults_settings s;
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *v;
	const char *key;
	int64_t *window = NULL;

	memset(&s, 0, sizeof(s));
	if (!json_is_object(root)) {
		snprintf(err, errlen, "faults must be a JSON object%s%s", root == NULL ? ": " : "",
		    root == NULL ? jerr.text : "");
		json_decref(root);
		return -1;
	}
	json_object_foreach(root, key, v) {
		if (sim_faults_key(&s, key, v, err, errlen) < 0) {
			json_decref(root);
			return -1;
		}
	}
	json_decref(root);
	if (s.rate_limit_per_s > 0) {
		window = calloc((size_t)s.rate_limit_per_s, sizeof(*window));
		if (window == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	free(sim_faults_window);
	sim_faults_window = window;
	sim_faults_window_cap = (size_t)s.rate_limit_per_s;
	sim_faults_now = s;
	sim_faults_restart();
	return 0;
}

json_t *
sim_faults_json(void)
{
	const struct sim_faults_settings *s = &sim_faults_now;

	return json_pack("{s:I, s:f, s:I, s:f, s:f, s:f, s:I, s:b}",
	    "rate_limit_per_s", (json_int_t)s->rate_limit_per_s, "error_rate", s->error_rate,
	    "latency_ms", (json_int_t)s->latency_ms, "timeout_rate", s->timeout_rate,
	    "truncate_rate", s->truncate_rate, "wrong_types_rate", s->wrong_types_rate,
	    "oversize_bytes", (json_int_t)s->oversize_bytes, "status_401", s->status_401);
}

void
sim_faults_restart(void)
{
	sim_faults_count = 0;
	sim_faults_window_head = sim_faults_window_len = 0;
}

/* Whether the request numbered n draws a fault of this kind at rate. */
static int
sim_faults_draw(enum sim_faults_kind kind, uint64_t n, double rate)
{
	return rate > 0 && sim_rng_unit(sim_rng_hash(SIM_RNG_FAULT, kind, n, 0)) < rate;
}

/*
 * The sliding-second rate limit: 0 when the request may pass (it is then
 * counted), else the seconds until it could.
 */
static int
sim_faults_rate_limited(int64_t now)
{
	while (sim_faults_window_len > 0 && sim_faults_window[sim_faults_window_head] <= now - 1000) {
		sim_faults_window_head = (sim_faults_window_head + 1) % sim_faults_window_cap;
		sim_faults_window_len--;
	}
	if (sim_faults_window_len >= sim_faults_window_cap) {
		int64_t wait = sim_faults_window[sim_faults_window_head] + 1000 - now;

		/* The oldest is less than a second old, so wait > 0: at least 1 s. */
		return (int)((wait + 999) / 1000);
	}
	sim_faults_window[(sim_faults_window_head + sim_faults_window_len) % sim_faults_window_cap] = now;
	sim_faults_window_len++;
	return 0;
}

void
sim_faults_plan(struct sim_faults_plan *out, int v1)
{
	const struct sim_faults_settings *s = &sim_faults_now;
	uint64_t n = sim_faults_count++;

	memset(out, 0, sizeof(*out));
	out->delay_ms = s->latency_ms;
	out->key = sim_rng_hash(SIM_RNG_FAULT, 0, n, 1);
	out->pad_to = s->oversize_bytes;
	if (v1 && s->status_401) {
		out->status = 401;
		return;
	}
	if (s->rate_limit_per_s > 0) {
		out->retry_after = sim_faults_rate_limited(clock_mono_ms());
		if (out->retry_after > 0) {
			out->status = 429;
			return;
		}
	}
	if (sim_faults_draw(SIM_FAULTS_TIMEOUT, n, s->timeout_rate)) {
		out->hold = 1;
		return;
	}
	if (sim_faults_draw(SIM_FAULTS_ERROR, n, s->error_rate)) {
		out->status = 500;
		return;
	}
	out->truncate = sim_faults_draw(SIM_FAULTS_TRUNCATE, n, s->truncate_rate);
	out->wrong_types = sim_faults_draw(SIM_FAULTS_WRONG, n, s->wrong_types_rate);
}

long
sim_faults_rate_limit(void)
{
	return sim_faults_now.rate_limit_per_s;
}

void
sim_faults_free(void)
{
	free(sim_faults_window);
	sim_faults_window = NULL;
	sim_faults_window_cap = 0;
	sim_faults_restart();
}
