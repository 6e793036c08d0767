/*
 * store: dh-masters' writes.  A day's racecards or results become batches of
 * rows (rows.h) and each table gets one upsert statement, all inside one
 * transaction per unit of work, so a kill at any instant leaves the day
 * either written or untouched.  Values from results never erase what a
 * racecard gave (coalesce), and the reverse.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "masters.h"
#include "num.h"
#include "rows.h"

#define MASTERS_ROWS_MAX (64 * 1024 * 1024)

/* The batches one unit of work sends, one per table. */
struct batches {
	struct rows races, results, runners, horses, people, courses;
};

static void
batches_init(struct batches *bt)
{
	rows_init(&bt->races, MASTERS_ROWS_MAX);
	rows_init(&bt->results, MASTERS_ROWS_MAX);
	rows_init(&bt->runners, MASTERS_ROWS_MAX);
	rows_init(&bt->horses, MASTERS_ROWS_MAX);
	rows_init(&bt->people, MASTERS_ROWS_MAX);
	rows_init(&bt->courses, MASTERS_ROWS_MAX);
}

static void
batches_free(struct batches *bt)
{
	rows_free(&bt->races);
	rows_free(&bt->results);
	rows_free(&bt->runners);
	rows_free(&bt->horses);
	rows_free(&bt->people);
	rows_free(&bt->courses);
}

/*
 * A batch holds a race, and a runner of a race, once (the parser drops what
 * upstream lists twice: rapi_model.h).  A person, horse or course comes once
 * per race it is in, so those statements take each key once (DISTINCT ON).
 */
static const char sql_people[] =
    "WITH p AS (SELECT DISTINCT ON (kind, id) * FROM json_to_recordset($1::json)"
    "             AS x(kind text, id text, name text, location text) WHERE name IS NOT NULL),"
    " j AS (INSERT INTO ra_jockeys (jockey_id, name) SELECT id, name FROM p WHERE kind = 'j'"
    "       ON CONFLICT (jockey_id) DO UPDATE SET name = EXCLUDED.name"
    "       WHERE ra_jockeys.name IS DISTINCT FROM EXCLUDED.name RETURNING 1),"
    " t AS (INSERT INTO ra_trainers (trainer_id, name, location)"
    "       SELECT id, name, location FROM p WHERE kind = 't'"
    "       ON CONFLICT (trainer_id) DO UPDATE SET name = EXCLUDED.name,"
    "         location = coalesce(EXCLUDED.location, ra_trainers.location)"
    "       WHERE (ra_trainers.name, ra_trainers.location) IS DISTINCT FROM"
    "             (EXCLUDED.name, coalesce(EXCLUDED.location, ra_trainers.location)) RETURNING 1),"
    " o AS (INSERT INTO ra_owners (owner_id, name) SELECT id, name FROM p WHERE kind = 'o'"
    "       ON CONFLICT (owner_id) DO UPDATE SET name = EXCLUDED.name"
    "       WHERE ra_owners.name IS DISTINCT FROM EXCLUDED.name RETURNING 1)"
    " SELECT (SELECT count(*) FROM j) + (SELECT count(*) FROM t) + (SELECT count(*) FROM o) AS n";

static const char sql_horses[] =
    "WITH h AS (SELECT DISTINCT ON (horse_id) * FROM json_to_recordset($1::json) AS x("
    "    horse_id text, name text, dob date, sex text, sex_code text, colour text, region text,"
    "    breeder text, sire_id text, sire text, sire_region text, dam_id text, dam text,"
    "    dam_region text, damsire_id text, damsire text, damsire_region text)"
    "  WHERE name IS NOT NULL),"
    " up AS (INSERT INTO ra_horses AS r (horse_id, name, dob, sex, sex_code, colour, region, breeder,"
    "    sire_id, sire, sire_region, dam_id, dam, dam_region, damsire_id, damsire, damsire_region)"
    "  SELECT horse_id, name, dob, sex, sex_code, colour, upper(region), breeder, sire_id, sire,"
    "    upper(sire_region), dam_id, dam, upper(dam_region), damsire_id, damsire,"
    "    upper(damsire_region) FROM h"
    "  ON CONFLICT (horse_id) DO UPDATE SET name = EXCLUDED.name,"
    "    dob = coalesce(EXCLUDED.dob, r.dob), sex = coalesce(EXCLUDED.sex, r.sex),"
    "    sex_code = coalesce(EXCLUDED.sex_code, r.sex_code),"
    "    colour = coalesce(EXCLUDED.colour, r.colour), region = coalesce(EXCLUDED.region, r.region),"
    "    breeder = coalesce(EXCLUDED.breeder, r.breeder),"
    "    sire_id = coalesce(EXCLUDED.sire_id, r.sire_id), sire = coalesce(EXCLUDED.sire, r.sire),"
    "    sire_region = coalesce(EXCLUDED.sire_region, r.sire_region),"
    "    dam_id = coalesce(EXCLUDED.dam_id, r.dam_id), dam = coalesce(EXCLUDED.dam, r.dam),"
    "    dam_region = coalesce(EXCLUDED.dam_region, r.dam_region),"
    "    damsire_id = coalesce(EXCLUDED.damsire_id, r.damsire_id),"
    "    damsire = coalesce(EXCLUDED.damsire, r.damsire),"
    "    damsire_region = coalesce(EXCLUDED.damsire_region, r.damsire_region)"
    "  RETURNING 1)"
    " SELECT count(*) AS n FROM up";

static const char sql_courses[] =
    "WITH c AS (SELECT DISTINCT ON (course_id) * FROM json_to_recordset($1::json)"
    "             AS x(course_id text, name text, region_code text, region text)"
    "           WHERE course_id IS NOT NULL AND name IS NOT NULL AND region_code IS NOT NULL),"
    " up AS (INSERT INTO ra_courses AS r (course_id, name, region_code, region)"
    "  SELECT course_id, name, upper(region_code), region FROM c"
    "  ON CONFLICT (course_id) DO UPDATE SET name = EXCLUDED.name,"
    "    region_code = EXCLUDED.region_code, region = coalesce(EXCLUDED.region, r.region)"
    "  WHERE $2::boolean AND (r.name, r.region_code, r.region) IS DISTINCT FROM"
    "        (EXCLUDED.name, EXCLUDED.region_code, coalesce(EXCLUDED.region, r.region))"
    "  RETURNING 1)"
    " SELECT count(*) AS n FROM up";

static const char sql_races[] =
    "WITH r AS (SELECT * FROM json_to_recordset($1::json) AS x("
    "    race_id text, race_date date, off_dt timestamptz, off_time text, course_id text, course text, region_code text,"
    "    race_name text, race_class text, type text, pattern text, age_band text,"
    "    rating_band text, sex_restriction text, distance text, distance_round text,"
    "    distance_f numeric, distance_y int, prize text, field_size int, going text,"
    "    going_detailed text, surface text, jumps text, rail_movements text, stalls text,"
    "    weather text, tip text, verdict text, betting_forecast text, big_race boolean,"
    "    is_abandoned boolean)"
    "  WHERE race_date IS NOT NULL AND course_id IS NOT NULL),"
    " up AS (INSERT INTO ra_races AS t (race_id, race_date, off_dt, off_time, course_id, course,"
    "    region_code, race_name, race_class, type, pattern, age_band, rating_band,"
    "    sex_restriction, distance, distance_round, distance_f, distance_y, prize, field_size,"
    "    going, going_detailed, surface, jumps, rail_movements, stalls, weather, tip, verdict,"
    "    betting_forecast, big_race, is_abandoned)"
    "  SELECT race_id, race_date, off_dt, off_time, course_id, course, upper(region_code),"
    "    race_name, race_class, type, pattern, age_band, rating_band, sex_restriction, distance,"
    "    distance_round, CASE WHEN distance_f > 0 AND distance_f < 1000 THEN distance_f END,"
    "    CASE WHEN distance_y > 0 THEN distance_y END, prize, field_size, going, going_detailed,"
    "    surface, jumps, rail_movements, stalls, weather, tip, verdict, betting_forecast,"
    "    coalesce(big_race, false), coalesce(is_abandoned, false) FROM r"
    "  ON CONFLICT (race_id) DO UPDATE SET race_date = EXCLUDED.race_date,"
    "    off_dt = coalesce(EXCLUDED.off_dt, t.off_dt), off_time = coalesce(EXCLUDED.off_time, t.off_time),"
    "    course_id = EXCLUDED.course_id, course = coalesce(EXCLUDED.course, t.course),"
    "    region_code = coalesce(EXCLUDED.region_code, t.region_code),"
    "    race_name = coalesce(EXCLUDED.race_name, t.race_name),"
    "    race_class = coalesce(EXCLUDED.race_class, t.race_class), type = coalesce(EXCLUDED.type, t.type),"
    "    pattern = coalesce(EXCLUDED.pattern, t.pattern), age_band = coalesce(EXCLUDED.age_band, t.age_band),"
    "    rating_band = coalesce(EXCLUDED.rating_band, t.rating_band),"
    "    sex_restriction = coalesce(EXCLUDED.sex_restriction, t.sex_restriction),"
    "    distance = coalesce(EXCLUDED.distance, t.distance),"
    "    distance_round = coalesce(EXCLUDED.distance_round, t.distance_round),"
    "    distance_f = coalesce(EXCLUDED.distance_f, t.distance_f),"
    "    distance_y = coalesce(EXCLUDED.distance_y, t.distance_y),"
    "    prize = coalesce(EXCLUDED.prize, t.prize), field_size = coalesce(EXCLUDED.field_size, t.field_size),"
    "    going = coalesce(EXCLUDED.going, t.going),"
    "    going_detailed = coalesce(EXCLUDED.going_detailed, t.going_detailed),"
    "    surface = coalesce(EXCLUDED.surface, t.surface), jumps = coalesce(EXCLUDED.jumps, t.jumps),"
    "    rail_movements = coalesce(EXCLUDED.rail_movements, t.rail_movements),"
    "    stalls = coalesce(EXCLUDED.stalls, t.stalls), weather = coalesce(EXCLUDED.weather, t.weather),"
    "    tip = coalesce(EXCLUDED.tip, t.tip), verdict = coalesce(EXCLUDED.verdict, t.verdict),"
    "    betting_forecast = coalesce(EXCLUDED.betting_forecast, t.betting_forecast),"
    "    big_race = EXCLUDED.big_race OR t.big_race, is_abandoned = EXCLUDED.is_abandoned"
    "  RETURNING 1)"
    " SELECT count(*) AS n FROM up";

/*
 * Racecard fields of runners; result fields are left alone.  Who the runner
 * is (name, number, draw, age, sex, jockey, trainer, owner) is never erased by
 * a later card that leaves it out or sends it unusable; the day's form
 * fields (ratings, headgear, comments) follow the latest card.
 */
static const char sql_card_runners[] =
    "WITH r AS (SELECT * FROM json_to_recordset($1::json)"
    "    AS x(race_id text, horse_id text,"
    "    race_date date, horse_name text, number int, draw int, age int, sex text, sex_code text,"
    "    jockey_id text, jockey_name text, trainer_id text, trainer_name text, trainer_rtf int,"
    "    owner_id text, owner_name text, lbs int, ofr int, rpr int, ts int, headgear text,"
    "    form text, last_run int, comment text, spotlight text, silk_url text,"
    "    non_runner boolean)),"
    " up AS (INSERT INTO ra_runners AS t (race_id, horse_id, race_date, horse_name, number, draw,"
    "    age, sex, sex_code, jockey_id, jockey_name, trainer_id, trainer_name, trainer_rtf,"
    "    owner_id, owner_name, lbs, ofr, rpr, ts, headgear, form, last_run, comment, spotlight,"
    "    silk_url, non_runner)"
    "  SELECT race_id, horse_id, race_date, horse_name, number, draw, age, sex, sex_code,"
    "    jockey_id, jockey_name, trainer_id, trainer_name, trainer_rtf, owner_id, owner_name,"
    "    CASE WHEN lbs > 0 THEN lbs END, ofr, rpr, ts, headgear, form, last_run, comment,"
    "    spotlight, silk_url, coalesce(non_runner, false) FROM r"
    "  ON CONFLICT (race_id, horse_id) DO UPDATE SET race_date = EXCLUDED.race_date,"
    "    horse_name = coalesce(EXCLUDED.horse_name, t.horse_name),"
    "    number = coalesce(EXCLUDED.number, t.number), draw = coalesce(EXCLUDED.draw, t.draw),"
    "    age = coalesce(EXCLUDED.age, t.age), sex = coalesce(EXCLUDED.sex, t.sex),"
    "    sex_code = coalesce(EXCLUDED.sex_code, t.sex_code),"
    "    jockey_id = coalesce(EXCLUDED.jockey_id, t.jockey_id),"
    "    jockey_name = coalesce(EXCLUDED.jockey_name, t.jockey_name),"
    "    trainer_id = coalesce(EXCLUDED.trainer_id, t.trainer_id),"
    "    trainer_name = coalesce(EXCLUDED.trainer_name, t.trainer_name),"
    "    trainer_rtf = EXCLUDED.trainer_rtf, owner_id = coalesce(EXCLUDED.owner_id, t.owner_id),"
    "    owner_name = coalesce(EXCLUDED.owner_name, t.owner_name),"
    "    lbs = coalesce(EXCLUDED.lbs, t.lbs), ofr = EXCLUDED.ofr,"
    "    rpr = EXCLUDED.rpr, ts = EXCLUDED.ts, headgear = EXCLUDED.headgear, form = EXCLUDED.form,"
    "    last_run = EXCLUDED.last_run, comment = EXCLUDED.comment, spotlight = EXCLUDED.spotlight,"
    "    silk_url = EXCLUDED.silk_url, non_runner = EXCLUDED.non_runner"
    "  RETURNING 1)"
    " SELECT count(*) AS n FROM up";

/* Result fields of runners (and the basics when the card was never seen). */
static const char sql_result_runners[] =
    "WITH r AS (SELECT * FROM json_to_recordset($1::json)"
    "    AS x(race_id text, horse_id text,"
    "    race_date date, horse_name text, number int, draw int, age int, sex text,"
    "    jockey_id text, jockey_name text, jockey_claim_lbs int, trainer_id text,"
    "    trainer_name text, owner_id text, owner_name text, lbs int, weight text,"
    "    headgear text, position text, position_num int, btn text, ovr_btn text, sp text,"
    "    sp_dec numeric, finish_time text, result_or int, result_rpr int, result_tsr int,"
    "    prize numeric, result_comment text, silk_url text)"
    "  WHERE race_date IS NOT NULL),"
    " up AS (INSERT INTO ra_runners AS t (race_id, horse_id, race_date, horse_name, number, draw,"
    "    age, sex, jockey_id, jockey_name, jockey_claim_lbs, trainer_id, trainer_name, owner_id,"
    "    owner_name, lbs, weight, headgear, position, position_num, btn, ovr_btn, sp, sp_dec,"
    "    finish_time, result_or, result_rpr, result_tsr, prize, result_comment, silk_url,"
    "    resulted_at)"
    "  SELECT race_id, horse_id, race_date, horse_name, number, draw, age, sex, jockey_id,"
    "    jockey_name, jockey_claim_lbs, trainer_id, trainer_name, owner_id, owner_name,"
    "    CASE WHEN lbs > 0 THEN lbs END, weight, headgear, position,"
    "    CASE WHEN position_num >= 1 THEN position_num END, btn, ovr_btn, sp,"
    "    CASE WHEN sp_dec > 1 THEN sp_dec END, finish_time, result_or, result_rpr, result_tsr,"
    "    prize, result_comment, silk_url, $2::timestamptz FROM r"
    "  ON CONFLICT (race_id, horse_id) DO UPDATE SET"
    "    jockey_claim_lbs = EXCLUDED.jockey_claim_lbs, weight = EXCLUDED.weight,"
    "    lbs = coalesce(EXCLUDED.lbs, t.lbs), position = EXCLUDED.position,"
    "    position_num = EXCLUDED.position_num, btn = EXCLUDED.btn, ovr_btn = EXCLUDED.ovr_btn,"
    "    sp = EXCLUDED.sp, sp_dec = EXCLUDED.sp_dec, finish_time = EXCLUDED.finish_time,"
    "    result_or = EXCLUDED.result_or, result_rpr = EXCLUDED.result_rpr,"
    "    result_tsr = EXCLUDED.result_tsr, prize = EXCLUDED.prize,"
    "    result_comment = EXCLUDED.result_comment, resulted_at = EXCLUDED.resulted_at,"
    "    non_runner = false"
    "  RETURNING 1)"
    " SELECT count(*) AS n FROM up";

static const char sql_results[] =
    "WITH r AS (SELECT * FROM json_to_recordset($1::json) AS x("
    "    race_id text, race_date date, off_dt timestamptz, course_id text, course text, region_code text, race_name text,"
    "    winning_time_detail text, comments text, non_runners text, tote_win text, tote_pl text,"
    "    tote_ex text, tote_csf text, tote_tricast text, tote_trifecta text)"
    "  WHERE race_date IS NOT NULL AND course_id IS NOT NULL),"
    " up AS (INSERT INTO ra_results AS t (race_id, race_date, off_dt, course_id, course, region_code,"
    "    race_name, winning_time_detail, comments, non_runners, tote_win, tote_pl, tote_ex,"
    "    tote_csf, tote_tricast, tote_trifecta)"
    "  SELECT race_id, race_date, off_dt, course_id, course, upper(region_code), race_name,"
    "    winning_time_detail, comments, non_runners, tote_win, tote_pl, tote_ex, tote_csf,"
    "    tote_tricast, tote_trifecta FROM r"
    "  ON CONFLICT (race_id) DO UPDATE SET race_date = EXCLUDED.race_date, off_dt = EXCLUDED.off_dt,"
    "    course_id = EXCLUDED.course_id, course = EXCLUDED.course,"
    "    region_code = EXCLUDED.region_code, race_name = EXCLUDED.race_name,"
    "    winning_time_detail = EXCLUDED.winning_time_detail, comments = EXCLUDED.comments,"
    "    non_runners = EXCLUDED.non_runners, tote_win = EXCLUDED.tote_win,"
    "    tote_pl = EXCLUDED.tote_pl, tote_ex = EXCLUDED.tote_ex, tote_csf = EXCLUDED.tote_csf,"
    "    tote_tricast = EXCLUDED.tote_tricast, tote_trifecta = EXCLUDED.tote_trifecta"
    "  RETURNING 1)"
    " SELECT count(*) AS n FROM up";

static const char sql_enriched[] =
    "UPDATE ra_horses SET dob = coalesce($2::date, dob), sex = coalesce($3, sex),"
    "  sex_code = coalesce($4, sex_code), colour = coalesce($5, colour),"
    "  colour_code = coalesce($6, colour_code), breeder = coalesce($7, breeder),"
    "  sire_id = coalesce($8, sire_id), sire = coalesce($9, sire),"
    "  dam_id = coalesce($10, dam_id), dam = coalesce($11, dam),"
    "  damsire_id = coalesce($12, damsire_id), damsire = coalesce($13, damsire),"
    "  enriched_at = $14::timestamptz"
    " WHERE horse_id = $1";

/* Runs one batch statement; adds its "n" to *written.  0 or -1. */
static int
store_batch(struct db *db, const char *sql, struct rows *r, const char *extra, long *written)
{
	const char *params[2] = { rows_finish(r), extra };
	const char *n;
	PGresult *res;
	long v = 0;

	if (params[0] == NULL) {
		log_error("a batch of %ld rows is too large", r->n);
		return -1;
	}
	res = db_exec(db, sql, extra ? 2 : 1, params);
	if (res == NULL)
		return -1;
	n = db_value(res, 0, "n");
	if (n != NULL && num_parse_long(n, 0, 1L << 40, &v) == 0)
		*written += v;
	PQclear(res);
	return 0;
}

/*
 * Writes a unit of work's batches in one transaction, in the order the keys
 * need: courses, races, results (when any), runners (sql_runners, with
 * extra as $2), horses, people.  Frees the batches.  0, or -1 (rolled back).
 */
static int
batches_store(struct db *db, struct batches *bt, const char *sql_runners, const char *extra,
    long *written)
{
	int ok = db_begin(db) == 0 &&
	    store_batch(db, sql_courses, &bt->courses, "false", written) == 0 &&
	    store_batch(db, sql_races, &bt->races, NULL, written) == 0 &&
	    (bt->results.n == 0 || store_batch(db, sql_results, &bt->results, NULL, written) == 0) &&
	    store_batch(db, sql_runners, &bt->runners, extra, written) == 0 &&
	    store_batch(db, sql_horses, &bt->horses, NULL, written) == 0 &&
	    store_batch(db, sql_people, &bt->people, NULL, written) == 0 &&
	    db_commit(db) == 0;

	if (!ok)
		db_rollback(db);
	batches_free(bt);
	return ok ? 0 : -1;
}

static void
add_person(struct rows *r, const char *kind, const struct rapi_ref *p, const char *location)
{
	if (p->id == NULL || p->name == NULL)
		return;
	rows_open(r);
	rows_text(r, "kind", kind);
	rows_text(r, "id", p->id);
	rows_text(r, "name", p->name);
	rows_text(r, "location", location);
}

static void
add_pedigree(struct rows *r, const struct rapi_pedigree *p)
{
	rows_text(r, "sire_id", p->sire_id);
	rows_text(r, "sire", p->sire);
	rows_text(r, "sire_region", p->sire_region);
	rows_text(r, "dam_id", p->dam_id);
	rows_text(r, "dam", p->dam);
	rows_text(r, "dam_region", p->dam_region);
	rows_text(r, "damsire_id", p->damsire_id);
	rows_text(r, "damsire", p->damsire);
	rows_text(r, "damsire_region", p->damsire_region);
}

static void
add_course(struct rows *r, const char *id, const char *name, const char *region_code,
    const char *region)
{
	rows_open(r);
	rows_text(r, "course_id", id);
	rows_text(r, "name", name);
	rows_text(r, "region_code", region_code);
	rows_text(r, "region", region);
}

/* The racing day of a race: its own date, else the UK date of its off. */
static void
race_day(const char *date, const struct rapi_time *off, char out[11])
{
	struct clock_date d;

	out[0] = '\0';
	if (date != NULL && clock_parse_date(date, &d) == 0) {
		clock_format_date(&d, out, 11);
	} else if (off->present) {
		d = clock_racing_day(off->v);
		clock_format_date(&d, out, 11);
	}
}

/*
 * Adds a race's row to bt->races, and its course to bt->courses: from a
 * racecard, or from what a result says of its race, whose racecard-only
 * fields are absent (the upsert never lets an absent value erase one).  Its
 * racing day goes to day.  Returns 0, or -1 for a race without a course or
 * a day, which is not stored.
 */
static int
race_rows(struct batches *bt, const struct rapi_race *race, char day[11])
{
	struct rows *races = &bt->races;

	race_day(race->date, &race->off_dt, day);
	if (race->course_id == NULL || day[0] == '\0')
		return -1;
	rows_race(races, race, day);
	rows_text(races, "off_time", race->off_time);
	rows_text(races, "race_class", race->race_class);
	rows_text(races, "type", race->type);
	rows_text(races, "pattern", race->pattern);
	rows_text(races, "age_band", race->age_band);
	rows_text(races, "rating_band", race->rating_band);
	rows_text(races, "sex_restriction", race->sex_restriction);
	rows_text(races, "distance", race->distance);
	rows_text(races, "distance_round", race->distance_round);
	rows_real(races, "distance_f", &race->distance_f);
	rows_int(races, "distance_y", &race->distance_y);
	rows_text(races, "prize", race->prize);
	rows_int(races, "field_size", &race->field_size);
	rows_text(races, "going", race->going);
	rows_text(races, "going_detailed", race->going_detailed);
	rows_text(races, "surface", race->surface);
	rows_text(races, "jumps", race->jumps);
	rows_text(races, "rail_movements", race->rail_movements);
	rows_text(races, "stalls", race->stalls);
	rows_text(races, "weather", race->weather);
	rows_text(races, "tip", race->tip);
	rows_text(races, "verdict", race->verdict);
	rows_text(races, "betting_forecast", race->betting_forecast);
	rows_bool(races, "big_race", race->big_race.v);
	rows_bool(races, "is_abandoned", race->is_abandoned.v);
	if (race->course != NULL && race->region != NULL)
		add_course(&bt->courses, race->course_id, race->course, race->region, NULL);
	return 0;
}

/* A non-runner: quoted, but with no price from any bookmaker ("-"). */
static int
is_non_runner(const struct rapi_runner *run)
{
	if (run->number != NULL && run->number_n.present == 0)
		return 1;
	if (run->n_odds == 0)
		return 0;
	for (size_t i = 0; i < run->n_odds; i++)
		if (run->odds[i].fractional != NULL)
			return 0;
	return 1;
}

/* Days since the last run: the leading number of "204 (71F)". */
static struct rapi_int
last_run_days(const char *s)
{
	struct rapi_int v = { 0, 0 };

	for (; s != NULL && *s >= '0' && *s <= '9' && v.v < 100000; s++) {
		v.present = 1;
		v.v = v.v * 10 + (*s - '0');
	}
	return v;
}

static void
card_runner_rows(const struct rapi_race *race, const char *day, struct rows *runners,
    struct rows *horses, struct rows *people)
{
	for (size_t i = 0; i < race->n_runners; i++) {
		const struct rapi_runner *run = &race->runners[i];
		struct rapi_int last = last_run_days(run->last_run);

		rows_open(runners);
		rows_text(runners, "race_id", race->race_id);
		rows_text(runners, "horse_id", run->horse_id);
		rows_text(runners, "race_date", day);
		rows_text(runners, "horse_name", run->horse);
		rows_int(runners, "number", &run->number_n);
		rows_int(runners, "draw", &run->draw);
		rows_int(runners, "age", &run->age);
		rows_text(runners, "sex", run->sex);
		rows_text(runners, "sex_code", run->sex_code);
		rows_text(runners, "jockey_id", run->jockey.id);
		rows_text(runners, "jockey_name", run->jockey.name);
		rows_text(runners, "trainer_id", run->trainer.id);
		rows_text(runners, "trainer_name", run->trainer.name);
		rows_int(runners, "trainer_rtf", &run->trainer_rtf);
		rows_text(runners, "owner_id", run->owner.id);
		rows_text(runners, "owner_name", run->owner.name);
		rows_int(runners, "lbs", &run->lbs);
		rows_int(runners, "ofr", &run->ofr);
		rows_int(runners, "rpr", &run->rpr);
		rows_int(runners, "ts", &run->ts);
		rows_text(runners, "headgear", run->headgear);
		rows_text(runners, "form", run->form);
		rows_int(runners, "last_run", &last);
		rows_text(runners, "comment", run->comment);
		rows_text(runners, "spotlight", run->spotlight);
		rows_text(runners, "silk_url", run->silk_url);
		rows_bool(runners, "non_runner", is_non_runner(run));

		rows_open(horses);
		rows_text(horses, "horse_id", run->horse_id);
		rows_text(horses, "name", run->horse);
		rows_text(horses, "dob", run->dob);
		rows_text(horses, "sex", run->sex);
		rows_text(horses, "sex_code", run->sex_code);
		rows_text(horses, "colour", run->colour);
		rows_text(horses, "region", run->region);
		rows_text(horses, "breeder", run->breeder);
		add_pedigree(horses, &run->ped);

		add_person(people, "j", &run->jockey, NULL);
		add_person(people, "t", &run->trainer, run->trainer_location);
		add_person(people, "o", &run->owner, NULL);
	}
}

int
masters_store_cards(struct db *db, const struct rapi_racecards *rc, long *written)
{
	struct batches bt;

	batches_init(&bt);
	for (size_t i = 0; rc != NULL && i < rc->n; i++) {
		const struct rapi_race *race = &rc->races[i];
		char day[11];

		if (race_rows(&bt, race, day) == 0)
			card_runner_rows(race, day, &bt.runners, &bt.horses, &bt.people);
	}
	return batches_store(db, &bt, sql_card_runners, NULL, written);
}

static void
result_runner_rows(const struct rapi_result *race, const char *day, struct rows *runners,
    struct rows *horses, struct rows *people)
{
	for (size_t i = 0; i < race->n_runners; i++) {
		const struct rapi_result_runner *run = &race->runners[i];

		rows_open(runners);
		rows_text(runners, "race_id", race->race.race_id);
		rows_text(runners, "horse_id", run->horse_id);
		rows_text(runners, "race_date", day);
		rows_text(runners, "horse_name", run->horse);
		rows_int(runners, "number", &run->number_n);
		rows_int(runners, "draw", &run->draw);
		rows_int(runners, "age", &run->age);
		rows_text(runners, "sex", run->sex);
		rows_text(runners, "jockey_id", run->jockey.id);
		rows_text(runners, "jockey_name", run->jockey.name);
		rows_int(runners, "jockey_claim_lbs", &run->jockey_claim_lbs);
		rows_text(runners, "trainer_id", run->trainer.id);
		rows_text(runners, "trainer_name", run->trainer.name);
		rows_text(runners, "owner_id", run->owner.id);
		rows_text(runners, "owner_name", run->owner.name);
		rows_int(runners, "lbs", &run->lbs);
		rows_text(runners, "weight", run->weight);
		rows_text(runners, "headgear", run->headgear);
		rows_text(runners, "position", run->position);
		rows_int(runners, "position_num", &run->position_n);
		rows_real(runners, "btn", &run->btn);
		rows_real(runners, "ovr_btn", &run->ovr_btn);
		rows_text(runners, "sp", run->sp);
		rows_real(runners, "sp_dec", &run->sp_dec);
		rows_text(runners, "finish_time", run->time);
		rows_int(runners, "result_or", &run->ofr);
		rows_int(runners, "result_rpr", &run->rpr);
		rows_int(runners, "result_tsr", &run->ts);
		rows_real(runners, "prize", &run->prize);
		rows_text(runners, "result_comment", run->comment);
		rows_text(runners, "silk_url", run->silk_url);

		rows_open(horses);
		rows_text(horses, "horse_id", run->horse_id);
		rows_text(horses, "name", run->horse);
		rows_text(horses, "sex", run->sex);
		add_pedigree(horses, &run->ped);

		add_person(people, "j", &run->jockey, NULL);
		add_person(people, "t", &run->trainer, NULL);
		add_person(people, "o", &run->owner, NULL);
	}
}

int
masters_store_results(struct db *db, const struct rapi_results *rs, time_t now, long *written)
{
	struct batches bt;
	struct rows *results = &bt.results;
	char at[32];

	clock_format_instant(now, at, sizeof(at));
	batches_init(&bt);
	for (size_t i = 0; rs != NULL && i < rs->n; i++) {
		const struct rapi_result *res = &rs->races[i];
		const struct rapi_race *race = &res->race;
		char day[11];

		if (race_rows(&bt, race, day) < 0)
			continue;
		rows_race(results, race, day);
		rows_text(results, "winning_time_detail", res->winning_time_detail);
		rows_text(results, "comments", res->comments);
		rows_text(results, "non_runners", res->non_runners);
		rows_text(results, "tote_win", res->tote_win);
		rows_text(results, "tote_pl", res->tote_pl);
		rows_text(results, "tote_ex", res->tote_ex);
		rows_text(results, "tote_csf", res->tote_csf);
		rows_text(results, "tote_tricast", res->tote_tricast);
		rows_text(results, "tote_trifecta", res->tote_trifecta);
		result_runner_rows(res, day, &bt.runners, &bt.horses, &bt.people);
	}
	return batches_store(db, &bt, sql_result_runners, at, written);
}

int
masters_store_courses(struct db *db, const struct rapi_courses *cs, long *written)
{
	struct rows courses;
	int rc;

	rows_init(&courses, MASTERS_ROWS_MAX);
	for (size_t i = 0; i < cs->n; i++)
		if (cs->items[i].name != NULL && cs->items[i].region_code != NULL)
			add_course(&courses, cs->items[i].id, cs->items[i].name, cs->items[i].region_code,
			    cs->items[i].region);
	rc = store_batch(db, sql_courses, &courses, "true", written);
	rows_free(&courses);
	return rc;
}

int
masters_store_horse(struct db *db, const char *horse_id, const struct rapi_horse *h, time_t now)
{
	char at[32];
	const char *params[14];

	clock_format_instant(now, at, sizeof(at));
	memset(params, 0, sizeof(params));
	params[0] = horse_id;
	if (h != NULL) {
		params[1] = h->dob;
		params[2] = h->sex;
		params[3] = h->sex_code;
		params[4] = h->colour;
		params[5] = h->colour_code;
		params[6] = h->breeder;
		params[7] = h->ped.sire_id;
		params[8] = h->ped.sire;
		params[9] = h->ped.dam_id;
		params[10] = h->ped.dam;
		params[11] = h->ped.damsire_id;
		params[12] = h->ped.damsire;
	}
	params[13] = at;
	return db_command(db, sql_enriched, 14, params);
}
