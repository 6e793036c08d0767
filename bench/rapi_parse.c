/*
 * rapi_parse benchmark (part of `make bench`): the time rapi_parse takes
 * over a full day of racecards, 60 races x 12 runners x 25 bookmakers
 * (about 18,000 prices, the ingest benchmark's day), load and convert.  A
 * timed check is a benchmark, not a unit test: the parser's correctness is
 * tests/unit/test_rapi_parse.c.
 *
 * Prints the median of RUNS parses (the best and worst beside it) and
 * judges it against the target: parsing a day costs no more than the
 * database time a live cycle is allowed (DESIGN.md: 300 ms), so it is never
 * the larger part of a cycle.  (The unit test used to assert < 2000 ms.)
 * Exit status 1 when the body cannot be built or parsed, not for a slow run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buf.h"
#include "rapi_model.h"

#define RUNS      9
#define TARGET_MS 300.0

/* Appends a day of 60 races to b; 0 or -1. */
static int
day_body(struct buf *b)
{
	int rc = buf_addstr(b, "{\"racecards\": [");

	for (int r = 0; r < 60 && rc == 0; r++) {
		rc = buf_addf(b, "%s{\"race_id\": \"rac_%d\", \"course\": \"Course %d\","
		    " \"course_id\": \"crs_%d\", \"date\": \"2025-10-14\", \"off_time\": \"1:30\","
		    " \"off_dt\": \"2025-10-14T13:30:00+01:00\", \"region\": \"GB\", \"field_size\": \"12\","
		    " \"distance_f\": \"8.0\", \"race_name\": \"Handicap Stakes\", \"big_race\": false,"
		    " \"runners\": [", r ? "," : "", r, r % 6, r % 6);
		for (int h = 0; h < 12 && rc == 0; h++) {
			rc = buf_addf(b, "%s{\"horse_id\": \"hrs_%d\", \"horse\": \"Horse %d\","
			    " \"number\": \"%d\", \"lbs\": \"133\", \"ofr\": \"60\", \"rpr\": \"-\","
			    " \"jockey\": \"J Smith\", \"jockey_id\": \"jky_%d\", \"trainer\": \"T Jones\","
			    " \"trainer_id\": \"trn_%d\", \"sire\": \"Sire\", \"sire_id\": \"sir_1\","
			    " \"sire_region\": \"IRE\", \"trainer_14_days\": {\"runs\": \"11\", \"wins\": \"0\","
			    " \"percent\": \"0\"}, \"odds\": [", h ? "," : "", r * 12 + h, h, h + 1, h, h);
			for (int k = 0; k < 25 && rc == 0; k++)
				rc = buf_addf(b, "%s{\"bookmaker\": \"Bookie Number %d\","
				    " \"fractional\": \"11/4\", \"decimal\": \"3.75\", \"ew_places\": \"3\","
				    " \"ew_denom\": \"5\", \"updated\": \"2025-10-14 13:43:08\", \"history\": []}",
				    k ? "," : "", k);
			if (rc == 0)
				rc = buf_addstr(b, "]}");
		}
		if (rc == 0)
			rc = buf_addstr(b, "]}");
	}
	return rc == 0 ? buf_addstr(b, "], \"total\": 60, \"limit\": 500, \"skip\": 0}") : -1;
}

/* Parses body once; returns the milliseconds, or -1 with the reason printed. */
static double
parse_once(const struct buf *b, size_t *prices)
{
	struct rapi_racecards *rc = rapi_racecards_new();
	struct timespec t0, t1;
	char err[256];
	int r;

	if (rc == NULL) {
		fprintf(stderr, "bench rapi_parse: out of memory\n");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = rapi_parse(&rc->doc, b->data, b->len, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*prices = 0;
	for (size_t i = 0; r == 0 && i < rc->n; i++)
		for (size_t j = 0; j < rc->races[i].n_runners; j++)
			*prices += rc->races[i].runners[j].n_odds;
	rapi_racecards_free(rc);
	if (r < 0) {
		fprintf(stderr, "bench rapi_parse: %s\n", err);
		return -1;
	}
	return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(void)
{
	double ms[RUNS];
	size_t prices = 0;
	struct buf b;

	buf_init(&b, 64 << 20);
	if (day_body(&b) < 0) {
		fprintf(stderr, "bench rapi_parse: could not build the day's body\n");
		buf_free(&b);
		return 1;
	}
	for (int i = 0; i < RUNS; i++) {
		ms[i] = parse_once(&b, &prices);
		if (ms[i] < 0) {
			buf_free(&b);
			return 1;
		}
	}
	qsort(ms, RUNS, sizeof(ms[0]), by_value);
	printf("\nrapi_parse: a full day of racecards, %zu bytes, %zu prices, %d parses\n", b.len,
	    prices, RUNS);
	printf("median %.1f ms (best %.1f, worst %.1f)\n", ms[RUNS / 2], ms[0], ms[RUNS - 1]);
	printf("target: a day parsed in <= %.0f ms: %.1f ms median %s\n", TARGET_MS, ms[RUNS / 2],
	    ms[RUNS / 2] <= TARGET_MS ? "met" : "MISSED");
	buf_free(&b);
	return 0;
}
