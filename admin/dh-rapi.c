/*
 * dh-rapi: asks The Racing API (or the simulator) one question with the
 * workers' client, and prints what was parsed: for operators checking
 * credentials and upstream data, and for the client's integration tests.
 *
 *   dh-rapi [options] racecards --date YYYY-MM-DD | results --date YYYY-MM-DD
 *           | racecard RACE_ID | result RACE_ID | horse HORSE_ID
 *           | courses | regions | search horses|jockeys|trainers|owners NAME
 *
 * Output: key=value lines, the last one the client's counters.  Exit
 * status: 0 ok, 3 auth (401/403), 4 not found, 5 bad request, 6 upstream
 * unavailable (attempts used up), 7 unreadable bodies, 8 body too big,
 * 9 stopped by a signal, 10 internal, 64 usage, 78 configuration.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "http.h"
#include "log.h"
#include "num.h"
#include "rapi.h"
#include "sig.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: dh-rapi [--attempts N] [--timeout-ms N] [--max-body BYTES] [--backoff-ms N]\n"
	    "               [--page N] COMMAND\n"
	    "commands: racecards --date YYYY-MM-DD | results --date YYYY-MM-DD |\n"
	    "          racecard RACE_ID | result RACE_ID | horse HORSE_ID | courses | regions |\n"
	    "          search horses|jockeys|trainers|owners NAME\n");
	return 64;
}

static void
print_counts(const struct rapi_doc *doc)
{
	printf("skipped=%u repeated=%u bad_fields=%u utf8_repaired=%u\n", doc->counts.skipped,
	    doc->counts.repeated, doc->counts.bad_fields, doc->counts.utf8_repaired);
}

static void
print_racecards(const struct rapi_racecards *rc)
{
	size_t runners = 0, prices = 0, priced = 0;

	for (size_t i = 0; i < rc->n; i++) {
		const struct rapi_race *r = &rc->races[i];

		for (size_t j = 0; j < r->n_runners; j++) {
			runners++;
			prices += r->runners[j].n_odds;
			for (size_t k = 0; k < r->runners[j].n_odds; k++)
				priced += r->runners[j].odds[k].decimal.present;
		}
		printf("race id=%s course=\"%s\" off_dt=%lld runners=%zu first_horse=%s\n",
		    r->race_id, r->course ? r->course : "", (long long)r->off_dt.v, r->n_runners,
		    r->n_runners > 0 ? r->runners[0].horse_id : "");
	}
	printf("races=%zu runners=%zu prices=%zu priced=%zu ", rc->n, runners, prices, priced);
	print_counts(&rc->doc);
}

static void
print_results(const struct rapi_results *rs)
{
	size_t runners = 0, placed = 0;

	for (size_t i = 0; i < rs->n; i++) {
		const struct rapi_result *r = &rs->races[i];

		for (size_t j = 0; j < r->n_runners; j++) {
			runners++;
			placed += r->runners[j].position_n.present;
		}
		printf("result id=%s course=\"%s\" off_dt=%lld runners=%zu\n", r->race.race_id,
		    r->race.course ? r->race.course : "", (long long)r->race.off_dt.v, r->n_runners);
	}
	printf("races=%zu runners=%zu placed=%zu ", rs->n, runners, placed);
	print_counts(&rs->doc);
}

/* Runs one command; returns the client's verdict. */
static enum rapi_err
run(struct rapi *r, int argc, char **argv, int *bad_usage)
{
	const char *cmd = argv[0];
	enum rapi_err e = RAPI_ERR_INTERNAL;

	*bad_usage = 0;
	if ((strcmp(cmd, "racecards") == 0 || strcmp(cmd, "results") == 0) && argc == 3 &&
	    strcmp(argv[1], "--date") == 0) {
		struct rapi_racecards *rc = NULL;
		struct rapi_results *rs = NULL;

		e = cmd[1] == 'a' ? rapi_racecards(r, argv[2], &rc) : rapi_results(r, argv[2], &rs);
		if (rc != NULL)
			print_racecards(rc);
		if (rs != NULL)
			print_results(rs);
		rapi_racecards_free(rc);
		rapi_results_free(rs);
	} else if (strcmp(cmd, "racecard") == 0 && argc == 2) {
		struct rapi_racecards *rc = NULL;

		if ((e = rapi_racecard(r, argv[1], &rc)) == RAPI_OK)
			print_racecards(rc);
		rapi_racecards_free(rc);
	} else if (strcmp(cmd, "result") == 0 && argc == 2) {
		struct rapi_results *rs = NULL;

		if ((e = rapi_result(r, argv[1], &rs)) == RAPI_OK)
			print_results(rs);
		rapi_results_free(rs);
	} else if (strcmp(cmd, "horse") == 0 && argc == 2) {
		struct rapi_horse *h = NULL;

		if ((e = rapi_horse(r, argv[1], &h)) == RAPI_OK) {
			printf("horse id=%s name=\"%s\" sire_id=%s dam_id=%s damsire_id=%s ", h->id,
			    h->name ? h->name : "", h->ped.sire_id ? h->ped.sire_id : "",
			    h->ped.dam_id ? h->ped.dam_id : "",
			    h->ped.damsire_id ? h->ped.damsire_id : "");
			print_counts(&h->doc);
		}
		rapi_horse_free(h);
	} else if (strcmp(cmd, "courses") == 0 && argc == 1) {
		struct rapi_courses *c = NULL;

		if ((e = rapi_courses(r, &c)) == RAPI_OK) {
			printf("courses=%zu ", c->n);
			print_counts(&c->doc);
		}
		rapi_courses_free(c);
	} else if (strcmp(cmd, "regions") == 0 && argc == 1) {
		struct rapi_regions *g = NULL;

		if ((e = rapi_regions(r, &g)) == RAPI_OK) {
			printf("regions=%zu ", g->n);
			print_counts(&g->doc);
		}
		rapi_regions_free(g);
	} else if (strcmp(cmd, "search") == 0 && argc == 3) {
		struct rapi_search *s = NULL;

		if ((e = rapi_search(r, argv[1], argv[2], &s)) == RAPI_OK) {
			printf("found=%zu ", s->n);
			print_counts(&s->doc);
		}
		rapi_search_free(s);
	} else {
		*bad_usage = 1;
	}
	return e;
}

/* Reads "--name N" options; returns the index of the command, or -1. */
static int
options(int argc, char **argv, struct rapi_opts *o)
{
	int i;

	for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		long v;

		if (num_parse_long(argv[i + 1], 1, 1L << 30, &v) < 0)
			return -1;
		if (strcmp(argv[i], "--attempts") == 0)
			o->max_attempts = (int)v;
		else if (strcmp(argv[i], "--timeout-ms") == 0)
			o->timeout_ms = o->connect_timeout_ms = v;
		else if (strcmp(argv[i], "--max-body") == 0)
			o->max_body = (size_t)v;
		else if (strcmp(argv[i], "--backoff-ms") == 0)
			o->backoff_base_ms = v;
		else if (strcmp(argv[i], "--page") == 0 && v <= 500)
			o->racecards_limit = (int)v;
		else
			return -1;
	}
	return i < argc ? i : -1;
}

int
main(int argc, char **argv)
{
	const struct rapi_stats *st;
	struct rapi_opts o;
	struct rapi *r;
	struct cfg c;
	char err[512];
	enum rapi_err e;
	int cmd, bad_usage;

	if (cfg_load(&c, err, sizeof(err)) < 0) {
		fprintf(stderr, "configuration error: %s\n", err);
		return CFG_EXIT_CONFIG;
	}
	log_init("dh-rapi", c.log_level);
	cfg_log_unused();
	rapi_opts_from_cfg(&o, &c, &stop);
	cmd = options(argc, argv, &o);
	if (cmd < 0)
		return usage();
	sig_install(on_signal);
	if (http_global_init() < 0) {
		log_error("could not initialise libcurl");
		return 10;
	}
	r = rapi_new(&o);
	if (r == NULL) {
		log_error("could not make the Racing API client: out of memory");
		http_global_cleanup();
		return 10;
	}
	e = run(r, argc - cmd, argv + cmd, &bad_usage);
	st = rapi_stats(r);
	if (!bad_usage) {
		printf("result=%s requests=%lu retries=%lu bad_bodies=%lu throttled=%lu waited_ms=%lld\n",
		    e == RAPI_OK ? "ok" : rapi_err_name(e), st->requests, st->retries, st->bad_bodies,
		    st->throttled, (long long)st->waited_ms);
		if (e != RAPI_OK)
			log_error("%s", rapi_error(r));
	}
	rapi_free(r);
	http_global_cleanup();
	if (bad_usage)
		return usage();
	return e == RAPI_OK ? 0 : 2 + (int)e;
}
