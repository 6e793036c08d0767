/*
 * Unit tests for shared/rapi_parse (and rapi_value, rapi_arena): every
 * captured sample in tests/fixtures/racing-api/ with field-level checks,
 * crafted broken bodies, what upstream lists twice.  The time to parse a
 * full day of racecards is a benchmark: bench/rapi_parse.c.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "rapi_model.h"

static char fixtures[4096] = "tests/fixtures/racing-api";

/* Reads a fixture; the caller frees it. */
static char *
slurp(const char *name, size_t *len)
{
	char path[4200];
	FILE *f;
	char *p;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static time_t
instant(const char *s)
{
	time_t t = 0;

	assert_int_equal(clock_parse_instant(s, &t), 0);
	return t;
}

#define assert_int_field(f, val) do { \
	assert_true((f).present); \
	assert_long_equal((f).v, (val)); \
} while (0)

#define assert_real_field(f, val) do { \
	assert_true((f).present); \
	assert_true((f).v > (val) - 1e-9 && (f).v < (val) + 1e-9); \
} while (0)

#define assert_counts_zero(doc) do { \
	assert_int_equal((doc).counts.skipped, 0); \
	assert_int_equal((doc).counts.bad_fields, 0); \
	assert_int_equal((doc).counts.utf8_repaired, 0); \
} while (0)

static struct rapi_racecards *
racecards_of(const char *body, size_t len)
{
	struct rapi_racecards *rc = rapi_racecards_new();
	char err[256];

	assert_non_null(rc);
	if (rapi_parse(&rc->doc, body, len, err, sizeof(err)) < 0)
		fail_msg("parse failed: %s", err);
	return rc;
}

static struct rapi_results *
results_of(const char *body, size_t len)
{
	struct rapi_results *rs = rapi_results_new();
	char err[256];

	assert_non_null(rs);
	if (rapi_parse(&rs->doc, body, len, err, sizeof(err)) < 0)
		fail_msg("parse failed: %s", err);
	return rs;
}

/*
 * Parses body as a course list, a region list, a search and a horse, each
 * into a new result; returns how many parses succeeded.
 */
static int
parse_others(const char *body, size_t len)
{
	struct rapi_courses *c = rapi_courses_new();
	struct rapi_regions *r = rapi_regions_new();
	struct rapi_search *s = rapi_search_new();
	struct rapi_horse *h = rapi_horse_new();
	char err[256];
	int ok = 0;

	assert_true(c != NULL && r != NULL && s != NULL && h != NULL);
	ok += rapi_parse(&c->doc, body, len, err, sizeof(err)) == 0;
	ok += rapi_parse(&r->doc, body, len, err, sizeof(err)) == 0;
	ok += rapi_parse(&s->doc, body, len, err, sizeof(err)) == 0;
	ok += rapi_parse(&h->doc, body, len, err, sizeof(err)) == 0;
	rapi_courses_free(c);
	rapi_regions_free(r);
	rapi_search_free(s);
	rapi_horse_free(h);
	return ok;
}

static void
test_racecards_page(void **state)
{
	struct rapi_racecards *rc;
	const struct rapi_race *r;
	const struct rapi_runner *ru;
	const struct rapi_odds *o;
	size_t len;
	char *body = slurp("racecards_pro_2025-10-14.json", &len);

	(void)state;
	rc = racecards_of(body, len);
	assert_counts_zero(rc->doc);
	assert_int_field(rc->doc.page.total, 47);
	assert_int_field(rc->doc.page.limit, 500);
	assert_int_field(rc->doc.page.skip, 0);
	assert_int_equal(rc->doc.page.items, 2);
	assert_int_equal(rc->n, 2);

	r = &rc->races[0];
	assert_string_equal(r->race_id, "rac_11775764");
	assert_string_equal(r->course, "Chantilly");
	assert_string_equal(r->course_id, "crs_5304");
	assert_string_equal(r->date, "2025-10-14");
	assert_string_equal(r->region, "FR");
	assert_string_equal(r->off_time, "1:30");
	assert_int_field(r->off_dt, instant("2025-10-14T12:30:00Z"));
	assert_real_field(r->distance_f, 8.0);
	assert_int_field(r->field_size, 8);
	assert_int_field(r->big_race, 0);
	assert_int_field(r->is_abandoned, 0);
	assert_string_equal(r->prize, "\xc2\xa3" "12,851");
	assert_null(r->race_class);
	assert_null(r->pattern);
	assert_string_equal(r->type, "Flat");
	assert_int_equal(r->n_runners, 8);
	ru = &r->runners[0];
	assert_string_equal(ru->horse_id, "hrs_57816129");
	assert_string_equal(ru->horse, "Seneque");
	assert_string_equal(ru->region, "IRE");
	assert_string_equal(ru->dob, "2023-02-18");
	assert_int_field(ru->age, 2);
	assert_false(ru->ofr.present);
	assert_false(ru->rpr.present);
	assert_false(ru->ts.present);
	assert_int_field(ru->lbs, 126);
	assert_int_field(ru->draw, 3);
	assert_string_equal(ru->number, "1");
	assert_int_field(ru->number_n, 1);
	assert_string_equal(ru->trainer.id, "trn_9837");
	assert_string_equal(ru->trainer.name, "A Fabre");
	assert_string_equal(ru->jockey.id, "jky_266550");
	assert_string_equal(ru->owner.id, "own_1379920");
	assert_int_field(ru->trainer_14d_runs, 24);
	assert_int_field(ru->trainer_14d_wins, 4);
	assert_int_field(ru->trainer_14d_percent, 17);
	assert_string_equal(ru->ped.sire, "Zarak");
	assert_string_equal(ru->ped.sire_id, "sir_6319173");
	assert_string_equal(ru->ped.sire_region, "FR");
	assert_string_equal(ru->ped.dam_id, "dam_20006056");
	assert_string_equal(ru->ped.damsire_region, "IRE");
	assert_null(ru->comment);
	assert_null(ru->last_run);
	assert_int_equal(ru->n_odds, 0);
	assert_null(ru->odds);

	r = &rc->races[1];
	assert_string_equal(r->course, "Leicester");
	assert_string_equal(r->region, "GB");
	assert_string_equal(r->off_time, "1:44");
	assert_int_field(r->off_dt, instant("2025-10-14T13:44:00+01:00"));
	assert_string_equal(r->race_class, "Class 6");
	assert_string_equal(r->tip, "Mr Nippy");
	assert_int_equal(r->n_runners, 10);
	ru = &r->runners[0];
	assert_string_equal(ru->horse, "Raging Raj");
	assert_int_field(ru->ofr, 60);
	assert_int_field(ru->rpr, 63);
	assert_int_field(ru->ts, 38);
	assert_string_equal(ru->last_run, "95");
	assert_int_field(ru->trainer_rtf, 20);
	assert_string_equal(ru->form, "490");
	assert_int_equal(ru->n_odds, 28);
	o = &ru->odds[0];
	assert_string_equal(o->bookmaker, "Bet365");
	assert_string_equal(o->bookmaker_id, "bet365");
	assert_string_equal(o->fractional, "11/4");
	assert_real_field(o->decimal, 3.75);
	assert_int_field(o->ew_places, 3);
	assert_int_field(o->ew_denom, 5);
	assert_int_field(o->updated, instant("2025-10-14T12:43:08Z"));
	assert_string_equal(ru->odds[1].bookmaker_id, "williamhill");
	assert_string_equal(ru->odds[14].bookmaker_id, "talksportbet");
	o = &ru->odds[27];
	assert_string_equal(o->bookmaker, "Betfair Exchange");
	assert_string_equal(o->bookmaker_id, "betfairexchange");
	assert_string_equal(o->fractional, "4.5");
	assert_real_field(o->decimal, 4.5);
	assert_false(o->ew_places.present);
	assert_false(o->ew_denom.present);
	rapi_racecards_free(rc);
	free(body);
}

/* The 2023 card: one race object, "SP"/"0" prices, a bare "4", an "NR". */
static void
test_racecard_single(void **state)
{
	struct rapi_racecards *rc;
	const struct rapi_race *r;
	size_t len;
	char *body = slurp("racecard_race_pro.json", &len);

	(void)state;
	rc = racecards_of(body, len);
	assert_counts_zero(rc->doc);
	assert_false(rc->doc.page.total.present);
	assert_int_equal(rc->doc.page.items, 1);
	assert_int_equal(rc->n, 1);
	r = &rc->races[0];
	assert_string_equal(r->race_id, "rac_10975861");
	assert_string_equal(r->course, "Cartmel");
	assert_string_equal(r->jumps, "11 hurdles");
	assert_int_field(r->off_dt, instant("2023-07-22T13:15:00Z"));
	assert_int_equal(r->n_runners, 5);
	assert_string_equal(r->runners[0].odds[0].fractional, "4");
	assert_real_field(r->runners[0].odds[0].decimal, 5.0);
	assert_int_field(r->runners[0].odds[4].ew_places, 2);
	assert_int_field(r->runners[0].odds[4].ew_denom, 4);
	assert_string_equal(r->runners[0].odds[21].bookmaker, "V Bet");
	assert_string_equal(r->runners[0].odds[21].fractional, "SP");
	assert_false(r->runners[0].odds[21].decimal.present);
	assert_false(r->runners[1].ofr.present);
	assert_string_equal(r->runners[4].number, "NR");
	assert_false(r->runners[4].number_n.present);
	assert_int_field(r->runners[4].ofr, 85);
	assert_string_equal(r->runners[4].last_run, "204 (71F)");
	assert_int_field(r->runners[0].odds[0].updated, instant("2023-07-22T13:03:40Z"));
	rapi_racecards_free(rc);
	free(body);
}

static void
test_results_page(void **state)
{
	struct rapi_results *rs;
	const struct rapi_result *r;
	const struct rapi_result_runner *ru;
	size_t len;
	char *body = slurp("results_2025-10-13.json", &len);

	(void)state;
	rs = results_of(body, len);
	assert_counts_zero(rs->doc);
	assert_int_field(rs->doc.page.total, 39);
	assert_int_field(rs->doc.page.limit, 25);
	assert_int_equal(rs->n, 2);
	r = &rs->races[0];
	/* Under a racecard's names: "off", "class", "sex_rest", "dist", "dist_y", "dist_m". */
	assert_string_equal(r->race.race_id, "rac_11746254");
	assert_string_equal(r->race.course, "Kempton (AW)");
	assert_string_equal(r->race.off_time, "8:10");
	assert_int_field(r->race.off_dt, instant("2025-10-13T19:10:00Z"));
	assert_string_equal(r->race.race_class, "Class 5");
	assert_string_equal(r->race.sex_restriction, "F");
	assert_string_equal(r->race.distance, "1m3f");
	assert_int_field(r->race.distance_y, 2419);
	assert_int_field(r->race.distance_m, 2212);
	assert_false(r->race.distance_f.present);
	assert_null(r->race.runners);
	assert_string_equal(r->winning_time_detail, "2m 19.97s (slow by 2.07s)");
	assert_string_equal(r->non_runners, "Miss Chester (self certificate, coughing)");
	assert_string_equal(r->tote_win, "\xc2\xa3" "9.50");
	assert_string_equal(r->tote_trifecta, "\xc2\xa3" "277.30");
	assert_null(r->comments);
	assert_null(r->race.pattern);
	assert_int_equal(r->n_runners, 10);
	ru = &r->runners[0];
	assert_string_equal(ru->horse_id, "hrs_42073850");
	assert_string_equal(ru->position, "1");
	assert_int_field(ru->position_n, 1);
	assert_string_equal(ru->sp, "17/2");
	assert_real_field(ru->sp_dec, 9.5);
	assert_real_field(ru->btn, 0.0);
	assert_string_equal(ru->weight, "9-5");
	assert_int_field(ru->lbs, 131);
	assert_string_equal(ru->time, "2:19.97");
	assert_real_field(ru->time_s, 139.97);
	assert_int_field(ru->ofr, 66);
	assert_false(ru->rpr.present);
	assert_false(ru->ts.present);
	assert_real_field(ru->prize, 4187.2);
	assert_int_field(ru->jockey_claim_lbs, 0);
	assert_string_equal(ru->jockey.name, "Hollie Doyle");
	assert_string_equal(ru->ped.damsire_id, "dsi_3709314");
	assert_null(ru->ped.sire_region);
	assert_string_equal(r->runners[1].sp, "7/2J");
	assert_real_field(r->runners[1].btn, 0.75);
	assert_false(r->runners[5].prize.present);
	assert_int_field(r->runners[7].jockey_claim_lbs, 5);
	assert_string_equal(r->runners[7].weight, "8-13");
	r = &rs->races[1];
	assert_null(r->non_runners);
	assert_string_equal(r->runners[7].sp, "100/30");
	assert_real_field(r->runners[7].sp_dec, 4.33);
	rapi_results_free(rs);
	free(body);
}

/*
 * Pages append: bodies parsed into one result add their races; races an
 * earlier page gave are dropped and counted, the first page's kept.
 */
static void
test_results_pages_append(void **state)
{
	static const char one[] = "{\"race_id\": \"rac_new\", \"runners\": []}";
	struct rapi_results *rs = rapi_results_new();
	size_t len;
	char *body = slurp("results_2025-10-13.json", &len), err[128];

	(void)state;
	assert_int_equal(rapi_parse(&rs->doc, body, len, err, sizeof(err)), 0);
	assert_int_equal(rapi_parse(&rs->doc, body, len, err, sizeof(err)), 0);
	assert_int_equal(rs->n, 2);
	assert_int_equal(rs->doc.counts.repeated, 2);
	assert_int_equal(rapi_parse(&rs->doc, one, sizeof(one) - 1, err, sizeof(err)), 0);
	assert_int_equal(rs->n, 3);
	assert_string_equal(rs->races[1].race.race_id, "rac_11775751");
	assert_string_equal(rs->races[2].race.race_id, "rac_new");
	assert_string_equal(rs->races[0].runners[0].horse, "Veraison (IRE)");
	rapi_results_free(rs);
	free(body);
}

/*
 * What upstream lists twice is dropped and counted, the first entry kept: a
 * race (with what its second listing held, counted nowhere else), a horse in
 * a race, a bookmaker for a runner; a race of a later page too.
 */
static void
test_listed_twice(void **state)
{
	static const char page[] =
	    "{\"racecards\": [{\"race_id\": \"rac_1\", \"course\": \"Ascot\", \"runners\": ["
	    "  {\"horse_id\": \"hrs_a\", \"horse\": \"First\", \"odds\": ["
	    "    {\"bookmaker\": \"Bet365\", \"decimal\": \"3.0\"},"
	    "    {\"bookmaker\": \"Coral\", \"decimal\": \"3.5\"},"
	    "    {\"bookmaker\": \"Bet365\", \"decimal\": \"9.0\"}]},"
	    "  {\"horse_id\": \"hrs_b\"},"
	    "  {\"horse_id\": \"hrs_a\", \"horse\": \"Second\", \"odds\": []}]},"
	    " {\"race_id\": \"rac_2\"},"
	    " {\"race_id\": \"rac_1\", \"course\": \"Again\", \"draw\": \"x\", \"runners\": ["
	    "  {\"horse_id\": \"hrs_c\"}, {\"horse_id\": \"hrs_c\"}, {}]}]}";
	static const char later[] = "{\"racecards\": [{\"race_id\": \"rac_2\", \"course\": \"Late\"},"
	    " {\"race_id\": \"rac_3\"}]}";
	struct rapi_racecards *rc = racecards_of(page, sizeof(page) - 1);
	const struct rapi_runner *a;
	char err[128];

	(void)state;
	assert_int_equal(rc->n, 2);
	assert_string_equal(rc->races[0].race_id, "rac_1");
	assert_string_equal(rc->races[0].course, "Ascot");
	assert_string_equal(rc->races[1].race_id, "rac_2");
	assert_int_equal(rc->races[0].n_runners, 2);
	a = &rc->races[0].runners[0];
	assert_string_equal(a->horse, "First");
	assert_string_equal(rc->races[0].runners[1].horse_id, "hrs_b");
	assert_int_equal(a->n_odds, 2);
	assert_string_equal(a->odds[0].bookmaker_id, "bet365");
	assert_real_field(a->odds[0].decimal, 3.0);
	assert_string_equal(a->odds[1].bookmaker_id, "coral");
	/* A price, a horse, a race; the repeated race's own faults count nowhere. */
	assert_int_equal(rc->doc.counts.repeated, 3);
	assert_counts_zero(rc->doc);

	assert_int_equal(rapi_parse(&rc->doc, later, sizeof(later) - 1, err, sizeof(err)), 0);
	assert_int_equal(rc->n, 3);
	assert_null(rc->races[1].course);
	assert_string_equal(rc->races[2].race_id, "rac_3");
	assert_int_equal(rc->doc.counts.repeated, 4);
	rapi_racecards_free(rc);
}

static void
test_horse_and_search(void **state)
{
	struct rapi_horse *h;
	struct rapi_search *s;
	size_t len;
	char *body = slurp("horse_pro.json", &len), err[128];

	(void)state;
	h = rapi_horse_new();
	assert_int_equal(rapi_parse(&h->doc, body, len, err, sizeof(err)), 0);
	assert_counts_zero(h->doc);
	assert_string_equal(h->id, "hrs_6181308");
	assert_string_equal(h->name, "Flaggan (IRE)");
	assert_string_equal(h->dob, "2011-06-19");
	assert_string_equal(h->sex, "gelding");
	assert_string_equal(h->sex_code, "G");
	assert_string_equal(h->colour_code, "B");
	assert_string_equal(h->breeder, "Liam Delahunty & Dick O'Hara");
	assert_string_equal(h->ped.sire, "Stowaway (GB)");
	assert_string_equal(h->ped.sire_id, "sir_3188248");
	assert_string_equal(h->ped.dam_id, "dam_3194996");
	assert_string_equal(h->ped.damsire, "Thatching (GB)");
	assert_string_equal(h->ped.damsire_id, "dsi_2117444");
	rapi_horse_free(h);
	free(body);

	body = slurp("horses_search.json", &len);
	s = rapi_search_new();
	assert_int_equal(rapi_parse(&s->doc, body, len, err, sizeof(err)), 0);
	assert_counts_zero(s->doc);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->items[0].id, "hrs_3356262");
	assert_string_equal(s->items[0].ped.damsire, "Northern Dancer");
	assert_string_equal(s->items[1].name, "Test Drive (SAF)");
	assert_null(s->items[1].ped.damsire);
	assert_null(s->items[1].ped.damsire_id);
	rapi_search_free(s);
	free(body);

	body = slurp("jockeys_search.json", &len);
	s = rapi_search_new();
	assert_int_equal(rapi_parse(&s->doc, body, len, err, sizeof(err)), 0);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->items[1].id, "jky_34245");
	assert_string_equal(s->items[1].name, "Timmy Murphy");
	assert_null(s->items[1].ped.sire);
	rapi_search_free(s);
	free(body);
}

static void
test_courses_and_regions(void **state)
{
	struct rapi_courses *c;
	struct rapi_regions *r;
	size_t len;
	char *body = slurp("courses_gb.json", &len), err[128];

	(void)state;
	c = rapi_courses_new();
	assert_int_equal(rapi_parse(&c->doc, body, len, err, sizeof(err)), 0);
	assert_counts_zero(c->doc);
	assert_int_field(c->doc.page.total, 69);
	assert_int_equal(c->n, 2);
	assert_string_equal(c->items[0].id, "crs_832");
	assert_string_equal(c->items[0].name, "Aintree");
	assert_string_equal(c->items[0].region_code, "GB");
	assert_string_equal(c->items[1].region, "Great Britain");
	/* A second page appends; the same courses again are repeats. */
	assert_int_equal(rapi_parse(&c->doc, body, len, err, sizeof(err)), 0);
	assert_int_equal(c->n, 2);
	assert_int_equal(c->doc.counts.repeated, 2);
	rapi_courses_free(c);
	free(body);

	body = slurp("courses_regions.json", &len);
	r = rapi_regions_new();
	assert_int_equal(rapi_parse(&r->doc, body, len, err, sizeof(err)), 0);
	assert_int_equal(r->n, 2);
	assert_string_equal(r->items[0].code, "SPA");
	assert_string_equal(r->items[0].name, "Spain");
	assert_string_equal(r->items[1].code, "GB");
	rapi_regions_free(r);
	free(body);
}

/*
 * Every parser over every fixture: the matching ones succeed, the others
 * fail with a message or parse nothing; none crashes or leaks (ASan).
 */
static void
test_every_fixture_every_parser(void **state)
{
	DIR *d = opendir(fixtures);
	struct dirent *e;
	int files = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		struct rapi_racecards *rc = rapi_racecards_new();
		struct rapi_results *rs = rapi_results_new();
		char err[256] = "", *body;
		size_t len;
		int a, b;

		if (strstr(e->d_name, ".json") == NULL) {
			rapi_racecards_free(rc);
			rapi_results_free(rs);
			continue;
		}
		files++;
		body = slurp(e->d_name, &len);
		a = rapi_parse(&rc->doc, body, len, err, sizeof(err));
		b = rapi_parse(&rs->doc, body, len, err, sizeof(err));
		if (strncmp(e->d_name, "racecard", 8) == 0 && strstr(e->d_name, "summaries") == NULL)
			assert_true(a == 0 && rc->n > 0);
		else
			assert_true(a < 0 && err[0] != '\0');
		/* A single race object reads as either (the path tells them apart). */
		if (strncmp(e->d_name, "results", 7) == 0)
			assert_true(b == 0 && rs->n > 0);
		else if (strcmp(e->d_name, "racecard_race_pro.json") != 0)
			assert_true(b < 0);
		rapi_racecards_free(rc);
		rapi_results_free(rs);
		parse_others(body, len);
		free(body);
	}
	closedir(d);
	assert_true(files >= 10);
}

/* Parses a crafted racecards body that must load; returns the result. */
static struct rapi_racecards *
crafted(const char *body)
{
	return racecards_of(body, strlen(body));
}

static void
test_wrong_types(void **state)
{
	struct rapi_racecards *rc;
	const struct rapi_runner *ru;

	(void)state;
	rc = crafted("{\"racecards\": ["
	    "{\"race_id\": 123, \"course\": \"Nowhere\"},"
	    "\"not a race\", null, 7,"
	    "{\"race_id\": \"rac_1\", \"field_size\": {\"x\": 1}, \"big_race\": \"yes\","
	    " \"off_dt\": \"1:30\", \"date\": \"2025-02-30\", \"region\": \"g b\","
	    " \"distance_f\": [8], \"course\": 42, \"runners\": \"none\"},"
	    "{\"race_id\": \"rac_2\", \"field_size\": 9, \"big_race\": true, \"region\": \"ire\","
	    " \"runners\": [{\"horse\": \"No Id\"}, {\"horse_id\": \"hrs 1\"},"
	    "  {\"horse_id\": \"hrs_3\", \"trainer_14_days\": \"x\", \"lbs\": 140.0, \"draw\": 2.5,"
	    "   \"odds\": [\"x\", {\"decimal\": \"3\"}, {\"bookmaker\": \"!!!\"},"
	    "     {\"bookmaker\": \"Coral\", \"decimal\": true, \"ew_places\": \"three\","
	    "      \"updated\": \"yesterday\", \"fractional\": 5}]}]}],"
	    " \"total\": \"4\", \"limit\": {}, \"skip\": -1}");
	/* Dropped: race_id 123, the string, null, 7; runners without usable ids; odds "x", no bookmaker, "!!!". */
	assert_int_equal(rc->doc.counts.skipped, 4 + 2 + 3);
	/*
	 * Bad: race_id 123, course "Nowhere" no; race 1: field_size, big_race,
	 * off_dt, date, region, distance_f, course, runners (8) + race 0's
	 * race_id (1); runner hrs 1's id (1); trainer_14_days, draw (2); odds
	 * slug "!!!" (1); Coral: decimal, ew_places, updated, fractional (4);
	 * limit, skip -1 (2).
	 */
	assert_int_equal(rc->doc.counts.bad_fields, 1 + 8 + 1 + 2 + 1 + 4 + 2);
	assert_int_field(rc->doc.page.total, 4);
	assert_false(rc->doc.page.skip.present);
	assert_false(rc->doc.page.limit.present);
	assert_int_equal(rc->doc.page.items, 6);
	assert_int_equal(rc->n, 2);
	assert_string_equal(rc->races[0].race_id, "rac_1");
	assert_false(rc->races[0].field_size.present);
	assert_false(rc->races[0].big_race.present);
	assert_false(rc->races[0].off_dt.present);
	assert_null(rc->races[0].date);
	assert_null(rc->races[0].region);
	assert_null(rc->races[0].course);
	assert_int_equal(rc->races[0].n_runners, 0);
	assert_int_field(rc->races[1].field_size, 9);
	assert_int_field(rc->races[1].big_race, 1);
	assert_string_equal(rc->races[1].region, "IRE");
	assert_int_equal(rc->races[1].n_runners, 1);
	ru = &rc->races[1].runners[0];
	assert_string_equal(ru->horse_id, "hrs_3");
	assert_int_field(ru->lbs, 140);
	assert_false(ru->draw.present);
	assert_int_equal(ru->n_odds, 1);
	assert_string_equal(ru->odds[0].bookmaker_id, "coral");
	assert_false(ru->odds[0].decimal.present);
	assert_false(ru->odds[0].updated.present);
	assert_null(ru->odds[0].fractional);
	rapi_racecards_free(rc);
}

/* "", "-", en and em dashes, "SP", "0" and positions: absent, never counted. */
static void
test_missing_markers(void **state)
{
	struct rapi_results *rs;
	const struct rapi_result_runner *ru;
	static const char body[] = "{\"results\": [{\"race_id\": \"rac_9\", \"runners\": ["
	    "{\"horse_id\": \"hrs_1\", \"position\": \"PU\", \"or\": \"-\", \"rpr\": \"\xe2\x80\x93\","
	    " \"tsr\": \"\xe2\x80\x94\", \"sp_dec\": \"SP\", \"btn\": \"\", \"time\": \"-\","
	    " \"prize\": \"  \", \"number\": \"NR\", \"jockey\": \"-\"},"
	    "{\"horse_id\": \"hrs_2\", \"position\": \"DSQ\", \"sp_dec\": \"0\", \"time\": \"59.3\"},"
	    "{\"horse_id\": \"hrs_3\", \"position\": \"12\", \"sp_dec\": \"1.0\"}]}]}";
	static const char *const positions[] = { "F", "U", "PU", "BD", "RO", "DSQ", "VO", "RR",
	    "CO", "SU", "UR" };

	(void)state;
	rs = results_of(body, sizeof(body) - 1);
	assert_counts_zero(rs->doc);
	assert_int_equal(rs->races[0].n_runners, 3);
	ru = &rs->races[0].runners[0];
	assert_string_equal(ru->position, "PU");
	assert_false(ru->position_n.present);
	assert_false(ru->ofr.present);
	assert_false(ru->rpr.present);
	assert_false(ru->ts.present);
	assert_false(ru->sp_dec.present);
	assert_false(ru->btn.present);
	assert_null(ru->time);
	assert_false(ru->time_s.present);
	assert_false(ru->prize.present);
	assert_string_equal(ru->number, "NR");
	assert_false(ru->number_n.present);
	assert_null(ru->jockey.name);
	assert_false(rs->races[0].runners[1].sp_dec.present);
	assert_real_field(rs->races[0].runners[1].time_s, 59.3);
	assert_int_field(rs->races[0].runners[2].position_n, 12);
	assert_false(rs->races[0].runners[2].sp_dec.present);
	rapi_results_free(rs);

	for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
		char one[160];

		snprintf(one, sizeof(one), "{\"race_id\": \"rac_1\", \"runners\": "
		    "[{\"horse_id\": \"hrs_1\", \"position\": \"%s\"}]}", positions[i]);
		rs = results_of(one, strlen(one));
		assert_counts_zero(rs->doc);
		assert_string_equal(rs->races[0].runners[0].position, positions[i]);
		assert_false(rs->races[0].runners[0].position_n.present);
		rapi_results_free(rs);
	}
}

/* Bodies that cannot be read at all: an error with a message, nothing kept. */
static void
test_unreadable_bodies(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "{\"racecards\": [{\"race_id\": \"rac_1\"", "[]", "null", "42",
		"\"racecards\"", "{\"racecards\": {}}", "{\"racecards\": \"x\"}", "{\"total\": 3}",
		"{\"racecards\": [1e400]}", "{\"racecards\": []} trailing",
	};
	struct rapi_racecards *rc = rapi_racecards_new();
	struct rapi_horse *h;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (rapi_parse(&rc->doc, bad[i], strlen(bad[i]), err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err[0] != '\0');
		assert_int_equal(rc->n, 0);
	}
	rapi_parse(&rc->doc, bad[3], strlen(bad[3]), err, sizeof(err));
	assert_contains(err, "invalid JSON");
	rapi_parse(&rc->doc, bad[4], strlen(bad[4]), err, sizeof(err));
	assert_contains(err, "racecards");
	rapi_racecards_free(rc);

	h = rapi_horse_new();
	assert_int_equal(rapi_parse(&h->doc, "{\"name\": \"x\"}", 13, err, sizeof(err)), -1);
	assert_contains(err, "id");
	assert_null(h->name);
	assert_int_equal(rapi_parse(&h->doc, "[]", 2, err, sizeof(err)), -1);
	rapi_horse_free(h);
	assert_int_equal(parse_others("{\"courses\": 1}", 14), 0);
	assert_int_equal(parse_others("{}", 2), 0);
	assert_int_equal(parse_others("{\"search_results\": null}", 24), 0);
}

/* Invalid UTF-8 is read as U+FFFD and counted; a NUL refuses one field only. */
static void
test_invalid_utf8(void **state)
{
	static const char body[] = "{\"results\": [{\"race_id\": \"rac_1\", \"course\": \"Kemp\xfft\\u0000on\","
	    " \"race_name\": \"Caf\xc3\xa9 \xc0\xaf" "Stakes\", \"runners\": ["
	    "{\"horse_id\": \"hrs_\xe9\", \"horse\": \"Bad Id\"},"
	    "{\"horse_id\": \"hrs_2\", \"horse\": \"Ma\xf1" "ana\", \"or\": \"6\\u00007\"}]}]}";
	struct rapi_results *rs;

	(void)state;
	rs = results_of(body, sizeof(body) - 1);
	assert_int_equal(rs->doc.counts.utf8_repaired, 5);
	assert_int_equal(rs->doc.counts.skipped, 1);
	/* The course holds a NUL; "or" too; the invalid-id runner's id. */
	assert_int_equal(rs->doc.counts.bad_fields, 3);
	assert_null(rs->races[0].race.course);
	assert_string_equal(rs->races[0].race.race_name, "Caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbdStakes");
	assert_int_equal(rs->races[0].n_runners, 1);
	assert_string_equal(rs->races[0].runners[0].horse, "Ma\xef\xbf\xbd" "ana");
	assert_false(rs->races[0].runners[0].ofr.present);
	rapi_results_free(rs);
}

/*
 * A lone surrogate escape, which Jansson refuses, is read as U+FFFD and
 * counted instead of losing the body; pairs and an escaped backslash before
 * "ud800" are left alone.
 */
static void
test_lone_surrogates(void **state)
{
	static const char body[] = "{\"results\": [{\"race_id\": \"rac_1\", \"course\": \"Kemp\\ud800ton\","
	    " \"race_name\": \"\\ud83d\\ude00 \\\\ud800 \\uDC00\\uD800\", \"runners\": ["
	    "{\"horse_id\": \"hrs_1\", \"horse\": \"Ma\xf1" "ana \\udbff\"}]}]}";
	struct rapi_results *rs;

	(void)state;
	rs = results_of(body, sizeof(body) - 1);
	assert_int_equal(rs->doc.counts.utf8_repaired, 1 + 2 + 1 + 1);
	assert_int_equal(rs->doc.counts.bad_fields, 0);
	assert_string_equal(rs->races[0].race.course, "Kemp\xef\xbf\xbdton");
	assert_string_equal(rs->races[0].race.race_name,
	    "\xf0\x9f\x98\x80 \\ud800 \xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(rs->races[0].runners[0].horse, "Ma\xef\xbf\xbd" "ana \xef\xbf\xbd");
	rapi_results_free(rs);
}

static void
test_huge_numbers_and_garbage(void **state)
{
	struct rapi_racecards *rc;
	struct buf deep;
	char err[256];

	(void)state;
	rc = crafted("{\"racecards\": [{\"race_id\": \"rac_1\","
	    " \"field_size\": \"99999999999999999999\", \"distance_f\": \"1e300\","
	    " \"going\": {\"a\": {\"b\": [[[[{}]]]]}}, \"tip\": [null, true, 1.5],"
	    " \"runners\": [{\"horse_id\": \"hrs_1\", \"lbs\": 123456789012345678901234567890,"
	    "   \"age\": -0.5, \"draw\": \"0x10\", \"ofr\": \"nan\", \"rpr\": \"inf\", \"ts\": \" 5\","
	    "   \"odds\": [{\"bookmaker\": \"Tote\", \"decimal\": \"1e999\", \"ew_denom\": 1e20}],"
	    "   \"horse_id_extra\": {\"odds\": [[[]]]}}], \"odds\": \"x\"}]}");
	assert_int_equal(rc->n, 1);
	assert_false(rc->races[0].field_size.present);
	assert_false(rc->races[0].distance_f.present);
	assert_null(rc->races[0].going);
	assert_null(rc->races[0].tip);
	assert_int_equal(rc->races[0].runners[0].n_odds, 1);
	assert_false(rc->races[0].runners[0].odds[0].decimal.present);
	assert_false(rc->races[0].runners[0].odds[0].ew_denom.present);
	/* field_size, distance_f, going, tip, lbs, age, draw, ofr, rpr, ts, decimal, ew_denom */
	assert_int_equal(rc->doc.counts.bad_fields, 12);
	rapi_racecards_free(rc);

	/* Nesting deeper than Jansson allows: a clean error. */
	buf_init(&deep, 1 << 20);
	assert_int_equal(buf_addstr(&deep, "{\"racecards\": "), 0);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(buf_addstr(&deep, "["), 0);
	rc = rapi_racecards_new();
	assert_int_equal(rapi_parse(&rc->doc, deep.data, deep.len, err, sizeof(err)), -1);
	rapi_racecards_free(rc);
	buf_free(&deep);
}

/*
 * Values that parse but that no column can hold: a negative count or
 * rating, a place 0, a price that rounds to 1.000 or overflows numeric(10,3),
 * a 100 kB name (an index key), an instant before 1970 or past year 9998.
 * Each is one bad field (a price under the floor or a place 0: absent),
 * never a value that makes the whole batch fail in the database.
 */
static void
test_storable_bounds(void **state)
{
	struct rapi_racecards *rc;
	struct rapi_results *rs;
	const struct rapi_runner *ru;
	const struct rapi_result_runner *rr;
	struct buf b;
	char name[502];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_addf(&b, "{\"racecards\": [{\"race_id\": \"rac_1\","
	    " \"off_dt\": \"9999-12-31T23:59:59-14:00\", \"field_size\": \"-1\","
	    " \"distance_f\": \"-8\", \"course\": \"%s\", \"runners\": ["
	    "{\"horse_id\": \"hrs_1\", \"horse\": \"%.500s\", \"number\": \"-1\", \"draw\": -2,"
	    " \"age\": \"-3\", \"ofr\": \"-4\", \"jockey\": \"%s\", \"odds\": ["
	    "{\"bookmaker\": \"A\", \"decimal\": \"1.0004\", \"ew_places\": \"-1\","
	    " \"updated\": \"1969-12-31 23:59:59\"},"
	    "{\"bookmaker\": \"B\", \"decimal\": 1.0005, \"ew_denom\": \"0\"},"
	    "{\"bookmaker\": \"C\", \"decimal\": \"1e9\", \"updated\": \"9999-01-01 00:00:00\"},"
	    "{\"bookmaker\": \"D\", \"decimal\": \"1000000\","
	    " \"updated\": \"9998-12-31 23:59:59\"}]}]}]}", name, name, name), 0);
	rc = racecards_of(b.data, b.len);
	/* off_dt, field_size, distance_f, course; number is a place (absent, not bad);
	 * draw, age, ofr, jockey; A: ew_places, updated; C: decimal, updated. */
	assert_int_equal(rc->doc.counts.bad_fields, 4 + 4 + 2 + 2);
	assert_false(rc->races[0].off_dt.present);
	assert_false(rc->races[0].field_size.present);
	assert_false(rc->races[0].distance_f.present);
	assert_null(rc->races[0].course);
	ru = &rc->races[0].runners[0];
	assert_int_equal(strlen(ru->horse), 500);
	assert_null(ru->jockey.name);
	assert_false(ru->number_n.present);
	assert_false(ru->draw.present || ru->age.present || ru->ofr.present);
	assert_int_equal(ru->n_odds, 4);
	assert_false(ru->odds[0].decimal.present);
	assert_false(ru->odds[0].ew_places.present);
	assert_false(ru->odds[0].updated.present);
	assert_real_field(ru->odds[1].decimal, 1.0005);
	assert_int_field(ru->odds[1].ew_denom, 0);
	assert_false(ru->odds[2].decimal.present);
	assert_false(ru->odds[2].updated.present);
	assert_real_field(ru->odds[3].decimal, 1e6);
	assert_true(ru->odds[3].updated.present);
	rapi_racecards_free(rc);

	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "{\"results\": [{\"race_id\": \"rac_1\","
	    " \"off_dt\": \"0001-01-01T00:00:00+01:00\", \"dist_y\": \"-1\", \"runners\": ["
	    "{\"horse_id\": \"hrs_1\", \"position\": \"0\", \"sp_dec\": \"1.0004\","
	    " \"prize\": \"-1\", \"or\": \"-1\", \"jockey_claim_lbs\": \"-3\", \"trainer\": \"%s\"},"
	    "{\"horse_id\": \"hrs_2\", \"position\": \"-2\", \"sp_dec\": \"1e9\","
	    " \"prize\": \"1e10\", \"btn\": \"-0.5\"}]}]}", name), 0);
	rs = results_of(b.data, b.len);
	/* off_dt, dist_y; hrs_1: prize, or, claim, trainer; hrs_2: sp_dec, prize, btn. */
	assert_int_equal(rs->doc.counts.bad_fields, 2 + 4 + 3);
	assert_false(rs->races[0].race.off_dt.present);
	rr = &rs->races[0].runners[0];
	assert_string_equal(rr->position, "0");
	assert_false(rr->position_n.present);
	assert_false(rr->sp_dec.present || rr->prize.present || rr->ofr.present);
	assert_false(rr->jockey_claim_lbs.present);
	assert_null(rr->trainer.name);
	rr = &rs->races[0].runners[1];
	assert_false(rr->position_n.present || rr->sp_dec.present || rr->prize.present);
	assert_false(rr->btn.present);
	rapi_results_free(rs);
	buf_free(&b);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_racecards_page),
		cmocka_unit_test(test_racecard_single),
		cmocka_unit_test(test_results_page),
		cmocka_unit_test(test_results_pages_append),
		cmocka_unit_test(test_listed_twice),
		cmocka_unit_test(test_horse_and_search),
		cmocka_unit_test(test_courses_and_regions),
		cmocka_unit_test(test_every_fixture_every_parser),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_missing_markers),
		cmocka_unit_test(test_unreadable_bodies),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_huge_numbers_and_garbage),
		cmocka_unit_test(test_storable_bounds),
	};
	const char *slash = strrchr(argv[0], '/');

	/* Run from the project root (make test), or found beside the binary. */
	if (argc > 0 && access(fixtures, R_OK) != 0 && slash != NULL)
		snprintf(fixtures, sizeof(fixtures), "%.*s/../../tests/fixtures/racing-api",
		    (int)(slash - argv[0]), argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
