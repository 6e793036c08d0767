/*
 * masters: the Masters API under /api/masters, {"count": n, "data": [...]}
 * for lists and the object itself for one item.  Every body is built by
 * PostgreSQL in one statement (one query a request) and sent as it is.
 *
 * Lists share one handler driven by a table of their filters; a name filter
 * matches a case-insensitive substring, literally (the original's ILIKE
 * '%name%' without its wildcards), served by a trigram index (0009); lists
 * are ordered by lower(name) COLLATE "C", read off an index (0005) when
 * there is no filter.
 *
 * Rows carry the original's columns (reference section 3) beside ours:
 * where the original named a concept differently (off_datetime for off_dt,
 * course_name for course...), both names are there.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

#define MASTERS_P_NAME { "name", "s", "part of the name, any case (at most 100 bytes)" }

/*
 * The list envelope around the rows of a page, t; lim and off are parameter
 * numbers, key the list's cursor (the json_build_array arguments of its name
 * and sort key, from t) for next_after when the page is full.
 */
#define MASTERS_ENVELOPE(lim, off, key, from) \
    "SELECT json_build_object('count', count(*), 'limit', $" lim "::int," \
    "       'offset', $" off "::int, 'data', coalesce(json_agg(t), '[]'::json)," \
    "       'next_after', CASE WHEN count(*) = $" lim " THEN" \
    "           dh_cursor((array_agg(json_build_array(" key ")))[$" lim "]) END)::text AS body" \
    "  FROM " from

/* A list whose page is an inner SELECT. */
#define MASTERS_LIST_SQL(lim, off, key, inner) \
    MASTERS_ENVELOPE(lim, off, key, "(" inner " LIMIT $" lim " OFFSET $" off ") t")

/*
 * Name lists: ordered by lower(name) in byte order, then id (the name
 * indexes of 0005); the cursor, parameters a and b, starts the index scan.
 */
#define MASTERS_NAME_ORDER(id) " ORDER BY lower(name) COLLATE \"C\", " id
#define MASTERS_NAME_AFTER(id, a, b) \
    " AND ($" a "::text IS NULL OR (lower(name) COLLATE \"C\", " id ") > ($" a "::text, $" b "::text))"
#define MASTERS_NAME_KEY(list, id) "'" list "', lower(t.name) COLLATE \"C\", t." id

/*
 * Races and results: newest day first, then off time (none last), race
 * (ra_races_page_idx, ra_results_page_idx; 0011).  The cursor (day d, off
 * time in microseconds since 1970 or 2^63 - 1 for none, race) starts the
 * index scan at its day; that day's rows before it are filtered.
 */
#define MASTERS_OFF_US(r) "coalesce((extract(epoch FROM " r "off_dt) * 1000000)::bigint, 9223372036854775807)"
#define MASTERS_DAY_ORDER(r) " ORDER BY " r "race_date DESC, " r "off_dt, " r "race_id"
#define MASTERS_DAY_AFTER(r, d, o, id) \
    " AND ($" d "::date IS NULL OR (" r "race_date <= $" d " AND (" r "race_date < $" d \
    "      OR (" MASTERS_OFF_US(r) ", " r "race_id) > ($" o "::bigint, $" id "::text))))"
#define MASTERS_DAY_KEY(list) "'" list "', t.race_date, " MASTERS_OFF_US("t.") ", t.race_id"

/* A name filter on column col with parameter p: a substring, any case ('' matches all). */
#define MASTERS_CONTAINS(col, p) " lower(" col ") LIKE dh_contains_pattern($" p ")"

/* The columns of one row, lists and items alike: ours, then the original's. */
#define MASTERS_COURSE_COLS \
    "course_id, name, region_code, lower(region_code) AS region, region AS country," \
    " NULL::float AS latitude, NULL::float AS longitude, created_at, updated_at"
#define MASTERS_PERSON_COLS "name, created_at, updated_at"
#define MASTERS_BOOKMAKER_COLS \
    "bookmaker_id, name, type, active, name AS bookmaker_name," \
    " dh_original_type(type) AS bookmaker_type, created_at"
#define MASTERS_RACE_COLS(r) \
    r ".race_id, " r ".race_date, " r ".off_dt, " r ".off_time, " r ".course_id, " r ".course," \
    " " r ".region_code, " r ".race_name, " r ".race_class, " r ".type, " r ".pattern, " r ".age_band," \
    " " r ".rating_band, " r ".sex_restriction, " r ".distance_f AS distance, " r ".distance_round," \
    " " r ".distance AS distance_f," \
    " " r ".prize, " r ".field_size, " r ".going, " r ".surface, " r ".big_race, " r ".is_abandoned," \
    " " r ".course AS course_name, " r ".region_code AS region, " r ".off_dt AS off_datetime," \
    " " r ".type AS race_type, round(" r ".distance_y * 0.9144)::int AS distance_meters," \
    " " r ".going_detailed AS track_condition, " r ".weather AS weather_conditions," \
    " " r ".rail_movements, 'GBP' AS currency," \
    " nullif(regexp_replace(" r ".prize, '[^0-9.]', '', 'g'), '')::numeric AS prize_money," \
    " NULL::json AS api_data, " r ".created_at, " r ".updated_at"
#define MASTERS_RUNNER_COLS \
    "ru.race_id, ru.horse_id, ru.race_date, ru.horse_name, ru.number, ru.draw, ru.age, ru.sex," \
    " ru.sex_code, ru.jockey_id, ru.jockey_name, ru.jockey_claim_lbs, ru.trainer_id, ru.trainer_name," \
    " ru.owner_id, ru.owner_name, ru.lbs, ru.weight, ru.ofr, ru.rpr, ru.ts, ru.headgear, ru.form," \
    " ru.last_run, ru.non_runner, ru.position, ru.position_num, ru.btn, ru.ovr_btn, ru.sp, ru.sp_dec," \
    " ru.finish_time, ru.prize," \
    " ru.race_id || '_' || ru.horse_id AS runner_id, ru.lbs AS weight_lbs," \
    " coalesce(ru.headgear LIKE '%b%', false) AS blinkers," \
    " coalesce(ru.headgear LIKE '%p%', false) AS cheekpieces," \
    " coalesce(ru.headgear LIKE '%v%', false) AS visor," \
    " coalesce(ru.headgear LIKE '%t%', false) AS tongue_tie," \
    " h.sire_id, h.sire AS sire_name, h.dam_id, h.dam AS dam_name, h.damsire_id," \
    " h.damsire AS damsire_name, ru.ofr AS official_rating, ru.ts AS tsr, ru.comment, ru.silk_url," \
    " NULL::json AS api_data, ru.created_at, ru.updated_at"
#define MASTERS_RESULT_COLS \
    "r.race_id, r.race_date, r.off_dt, r.course_id, r.course, r.region_code, r.race_name," \
    " r.winning_time_detail, r.comments, r.non_runners, r.tote_win, r.tote_pl, r.tote_ex," \
    " r.tote_csf, r.tote_tricast, r.tote_trifecta," \
    " r.course AS course_name, r.off_dt AS off_datetime, ra.off_time, ra.type AS race_type," \
    " ra.race_class, ra.distance_f AS distance, ra.distance AS distance_f, ra.surface, ra.going," \
    " nullif(regexp_replace(ra.prize, '[^0-9.]', '', 'g'), '')::numeric AS prize_money," \
    " 'GBP' AS currency, r.region_code AS region, 'resulted' AS results_status," \
    " coalesce(ra.is_abandoned, false) AS is_abandoned, NULL::json AS api_data," \
    " r.created_at, r.updated_at"

enum masters_kind { MASTERS_ID, MASTERS_DATE, MASTERS_REGION, MASTERS_NAME, MASTERS_TYPE };

struct masters_filter {
	const char        *name;	/* query parameter */
	enum masters_kind  kind;
};

/*
 * A list endpoint: its statement, the filters that are its first parameters
 * (then limit, offset and the cursor's columns), and its sort key.
 */
struct masters_list {
	struct db_stmt               stmt;
	const struct masters_filter  filters[5];	/* ends with { NULL } */
	struct api_key               key;
};

/* An item endpoint: its statement, what it is (for the 404) and its path capture. */
struct masters_item {
	struct db_stmt  stmt;
	const char     *what;
	const char     *capture;
};

#define MASTERS_ITEM_SQL(inner) "SELECT row_to_json(x)::text AS body FROM (" inner ") x"

static const struct masters_list masters_courses_list = {
	DB_STMT("masters_courses", MASTERS_LIST_SQL("3", "4", MASTERS_NAME_KEY("courses", "course_id"),
	    "SELECT " MASTERS_COURSE_COLS " FROM ra_courses"
	    " WHERE ($1::text IS NULL OR region_code = upper($1)) AND" MASTERS_CONTAINS("name", "2")
	    MASTERS_NAME_AFTER("course_id", "5", "6") MASTERS_NAME_ORDER("course_id"))),
	{ { "region", MASTERS_REGION }, { "name", MASTERS_NAME }, { NULL, 0 } },
	{ "courses", "ss" },
};

static const struct masters_list masters_bookmakers_list = {
	DB_STMT("masters_bookmakers", MASTERS_LIST_SQL("2", "3", "'bookmakers', t.name, t.bookmaker_id",
	    "SELECT " MASTERS_BOOKMAKER_COLS " FROM ra_bookmakers"
	    " WHERE ($1::text IS NULL OR type = $1)"
	    "   AND ($4::text IS NULL OR (name, bookmaker_id) > ($4::text, $5::text))"
	    " ORDER BY name, bookmaker_id")),
	{ { "type", MASTERS_TYPE }, { NULL, 0 } },
	{ "bookmakers", "ss" },
};

static const struct masters_list masters_jockeys_list = {
	DB_STMT("masters_jockeys", MASTERS_LIST_SQL("2", "3", MASTERS_NAME_KEY("jockeys", "jockey_id"),
	    "SELECT jockey_id, " MASTERS_PERSON_COLS " FROM ra_jockeys WHERE" MASTERS_CONTAINS("name", "1")
	    MASTERS_NAME_AFTER("jockey_id", "4", "5") MASTERS_NAME_ORDER("jockey_id"))),
	{ { "name", MASTERS_NAME }, { NULL, 0 } },
	{ "jockeys", "ss" },
};

static const struct masters_list masters_trainers_list = {
	DB_STMT("masters_trainers", MASTERS_LIST_SQL("2", "3", MASTERS_NAME_KEY("trainers", "trainer_id"),
	    "SELECT trainer_id, location, " MASTERS_PERSON_COLS " FROM ra_trainers WHERE"
	    MASTERS_CONTAINS("name", "1")
	    MASTERS_NAME_AFTER("trainer_id", "4", "5") MASTERS_NAME_ORDER("trainer_id"))),
	{ { "name", MASTERS_NAME }, { NULL, 0 } },
	{ "trainers", "ss" },
};

static const struct masters_list masters_owners_list = {
	DB_STMT("masters_owners", MASTERS_LIST_SQL("2", "3", MASTERS_NAME_KEY("owners", "owner_id"),
	    "SELECT owner_id, " MASTERS_PERSON_COLS " FROM ra_owners WHERE" MASTERS_CONTAINS("name", "1")
	    MASTERS_NAME_AFTER("owner_id", "4", "5") MASTERS_NAME_ORDER("owner_id"))),
	{ { "name", MASTERS_NAME }, { NULL, 0 } },
	{ "owners", "ss" },
};

static const struct masters_list masters_horses_list = {
	DB_STMT("masters_horses", MASTERS_LIST_SQL("3", "4", MASTERS_NAME_KEY("horses", "horse_id"),
	    "SELECT horse_id, name, dob, sex, sex_code, colour, region, sire_id, sire, dam_id, dam,"
	    "       damsire_id, damsire, created_at, updated_at"
	    "  FROM ra_horses"
	    " WHERE" MASTERS_CONTAINS("name", "1") " AND ($2::text IS NULL OR region = upper($2))"
	    MASTERS_NAME_AFTER("horse_id", "5", "6") MASTERS_NAME_ORDER("horse_id"))),
	{ { "name", MASTERS_NAME }, { "region", MASTERS_REGION }, { NULL, 0 } },
	{ "horses", "ss" },
};

static const struct masters_list masters_races_list = {
	DB_STMT("masters_races", MASTERS_LIST_SQL("4", "5", MASTERS_DAY_KEY("races"),
	    "SELECT " MASTERS_RACE_COLS("r") " FROM ra_races r"
	    " WHERE ($1::text IS NULL OR r.course_id = $1) AND ($2::date IS NULL OR r.race_date = $2)"
	    "   AND ($3::text IS NULL OR r.region_code = upper($3))"
	    MASTERS_DAY_AFTER("r.", "6", "7", "8") MASTERS_DAY_ORDER("r."))),
	{ { "course_id", MASTERS_ID }, { "race_date", MASTERS_DATE }, { "region", MASTERS_REGION },
	  { NULL, 0 } },
	{ "races", "dis" },
};

static const struct masters_list masters_runners_list = {
	/*
	 * The page of runners first, as the other lists; then each one's
	 * pedigree from its horse, looked up row by row (OFFSET 0 keeps it a
	 * nested loop over the page, in the page's order).  Newest day first,
	 * then race, number (none last), horse (ra_runners_page_idx, 0011); the
	 * cursor (day, race, number or 2^31 - 1, horse) starts the scan at its
	 * day.
	 */
	DB_STMT("masters_runners", MASTERS_ENVELOPE("5", "6",
	    "'runners', t.race_date, t.race_id, coalesce(t.number, 2147483647), t.horse_id",
	    "(SELECT " MASTERS_RUNNER_COLS
	    "   FROM (SELECT * FROM ra_runners"
	    "          WHERE ($1::text IS NULL OR race_id = $1) AND ($2::text IS NULL OR horse_id = $2)"
	    "            AND ($3::text IS NULL OR jockey_id = $3) AND ($4::text IS NULL OR trainer_id = $4)"
	    "            AND ($7::date IS NULL OR (race_date <= $7 AND (race_date < $7"
	    "                 OR (race_id, coalesce(number, 2147483647), horse_id) > ($8::text, $9::bigint, $10::text))))"
	    "          ORDER BY race_date DESC, race_id, number NULLS LAST, horse_id"
	    "          LIMIT $5 OFFSET $6) ru"
	    "   LEFT JOIN LATERAL (SELECT sire_id, sire, dam_id, dam, damsire_id, damsire FROM ra_horses"
	    "                       WHERE horse_id = ru.horse_id OFFSET 0) h ON true) t")),
	{ { "race_id", MASTERS_ID }, { "horse_id", MASTERS_ID }, { "jockey_id", MASTERS_ID },
	  { "trainer_id", MASTERS_ID }, { NULL, 0 } },
	{ "runners", "dsis" },
};

static const struct masters_list masters_results_list = {
	/*
	 * The page of results is cut first (from ra_results_page_idx); only its
	 * rows then get their race's columns (a primary-key probe each: LATERAL
	 * with LIMIT 1, where a join would hash the whole of ra_races) and their
	 * winner.
	 */
	DB_STMT("masters_results", MASTERS_ENVELOPE("4", "5", MASTERS_DAY_KEY("results"),
	    "(SELECT " MASTERS_RESULT_COLS ","
	    "       (SELECT json_build_object('horse_id', w.horse_id, 'horse_name', w.horse_name,"
	    "                                 'sp', w.sp, 'sp_dec', w.sp_dec,"
	    "                                 'jockey_name', w.jockey_name,"
	    "                                 'trainer_name', w.trainer_name)"
	    "          FROM ra_runners w WHERE w.race_id = r.race_id AND w.position_num = 1"
	    "         ORDER BY w.horse_id LIMIT 1) AS winner"
	    "  FROM (SELECT * FROM ra_results r"
	    "         WHERE ($1::text IS NULL OR r.course_id = $1) AND ($2::date IS NULL OR r.race_date = $2)"
	    "           AND ($3::text IS NULL OR r.region_code = upper($3))"
	    MASTERS_DAY_AFTER("r.", "6", "7", "8") MASTERS_DAY_ORDER("r.")
	    "         LIMIT $4 OFFSET $5) r"
	    "  LEFT JOIN LATERAL (SELECT * FROM ra_races WHERE race_id = r.race_id LIMIT 1) ra ON true"
	    MASTERS_DAY_ORDER("r.") ") t")),
	{ { "course_id", MASTERS_ID }, { "race_date", MASTERS_DATE }, { "region", MASTERS_REGION },
	  { NULL, 0 } },
	{ "results", "dis" },
};

/*
 * Items carry their form figures (migration 0021's dh_form; null when none)
 * beside their fields: the JSON of dh_form_json(), written out here as a
 * subquery, because a call of that SQL function is planned again on every
 * execution and cost 2.7 times the whole horse lookup (pgbench: 16,400
 * lookups/s with the call, 44,000 without, on 2 cores).
 */
#define MASTERS_FORM_WINDOW(name, runs, wins, places, profit) \
    "'" name "', json_build_object('runs', f." runs ", 'wins', f." wins ", 'places', f." places "," \
    " 'win_percent', round(100.0 * f." wins " / nullif(f." runs ", 0), 1)," \
    " 'place_percent', round(100.0 * f." places " / nullif(f." runs ", 0), 1), 'profit', f." profit ")"
#define MASTERS_FORM_JSON(kind, id_col) \
    "(SELECT json_build_object('as_of', f.as_of, " \
    MASTERS_FORM_WINDOW("last_14_days", "runs_14", "wins_14", "places_14", "profit_14") ", " \
    MASTERS_FORM_WINDOW("last_30_days", "runs_30", "wins_30", "places_30", "profit_30") ", " \
    MASTERS_FORM_WINDOW("all", "runs", "wins", "places", "profit") ", " \
    "'last_win_date', f.last_win_date, 'runs_since_win', f.runs_since_win)" \
    " FROM dh_form f WHERE f.kind = '" kind "' AND f.entity_id = " id_col ")"

static const char sql_course[] = MASTERS_ITEM_SQL(
    "SELECT " MASTERS_COURSE_COLS ", " MASTERS_FORM_JSON("course", "course_id") " AS form FROM ra_courses WHERE course_id = $1");

static const char sql_jockey[] = MASTERS_ITEM_SQL(
    "SELECT jockey_id, " MASTERS_PERSON_COLS ", " MASTERS_FORM_JSON("jockey", "jockey_id") " AS form"
    "  FROM ra_jockeys WHERE jockey_id = $1");

static const char sql_trainer[] = MASTERS_ITEM_SQL(
    "SELECT trainer_id, location, " MASTERS_PERSON_COLS ", " MASTERS_FORM_JSON("trainer", "trainer_id") " AS form"
    "  FROM ra_trainers WHERE trainer_id = $1");

static const char sql_horse[] = MASTERS_ITEM_SQL(
    "SELECT horse_id, name, dob, sex, sex_code, colour, colour_code, region, breeder,"
    "       sire_id, sire, sire_region, dam_id, dam, dam_region, damsire_id, damsire,"
    "       damsire_region,"
    "       json_build_object("
    "           'sire', json_build_object('id', sire_id, 'name', sire, 'region', sire_region),"
    "           'dam', json_build_object('id', dam_id, 'name', dam, 'region', dam_region),"
    "           'damsire', json_build_object('id', damsire_id, 'name', damsire,"
    "                                        'region', damsire_region),"
    "           'breeder', breeder) AS pedigree,"
    "       enriched_at, created_at, updated_at, " MASTERS_FORM_JSON("sire", "sire_id") " AS sire_form"
    "  FROM ra_horses WHERE horse_id = $1");

static const char sql_race[] = MASTERS_ITEM_SQL(
    "SELECT " MASTERS_RACE_COLS("r") ","
    "       r.distance_y, r.going_detailed, r.jumps, r.stalls, r.weather, r.tip, r.verdict,"
    "       r.betting_forecast,"
    "       (SELECT coalesce(json_agg(u ORDER BY u.number NULLS LAST, u.horse_id), '[]'::json)"
    "          FROM (SELECT horse_id, horse_name, number, draw, age, sex, sex_code, jockey_id,"
    "                       jockey_name, jockey_claim_lbs, trainer_id, trainer_name, trainer_rtf,"
    "                       owner_id, owner_name, lbs, weight, ofr, rpr, ts, headgear, headgear_run,"
    "                       wind_surgery, form, last_run, comment, spotlight, silk_url, non_runner,"
    "                       position, position_num, sp, sp_dec"
    "                  FROM ra_runners ru WHERE ru.race_id = r.race_id) u) AS runners"
    "  FROM ra_races r WHERE r.race_id = $1");

static const char sql_result[] = MASTERS_ITEM_SQL(
    "SELECT " MASTERS_RESULT_COLS ","
    "       (SELECT coalesce(json_agg(u ORDER BY u.position_num NULLS LAST, u.number NULLS LAST,"
    "                                 u.horse_id), '[]'::json)"
    "          FROM (SELECT horse_id, horse_name, number, draw, position, position_num, btn,"
    "                       ovr_btn, sp, sp_dec, finish_time, jockey_id, jockey_name,"
    "                       jockey_claim_lbs, trainer_id, trainer_name, owner_id, owner_name,"
    "                       weight, lbs, result_or AS \"or\", result_rpr AS rpr,"
    "                       result_tsr AS tsr, prize, result_comment AS comment, non_runner"
    "                  FROM ra_runners ru WHERE ru.race_id = r.race_id) u) AS runners"
    "  FROM ra_results r LEFT JOIN ra_races ra ON ra.race_id = r.race_id WHERE r.race_id = $1");

/*
 * Row counts are the statistics collector's (n_live_tup): exact counts of big
 * tables cost a scan.  The original's keys (database, tables, total_records)
 * carry the same figures.
 */
static const char sql_stats[] =
    "SELECT json_build_object("
    "         'database', 'connected',"
    "         'tables', coalesce(json_object_agg(relname, n_live_tup), '{}'::json),"
    "         'total_records', coalesce(sum(n_live_tup), 0)::bigint,"
    "         'count', count(*),"
    "         'data', coalesce(json_agg(json_build_object('table', relname, 'rows', n_live_tup,"
    "                                  'last_analyzed', greatest(last_analyze, last_autoanalyze))"
    "                                  ORDER BY relname), '[]'::json),"
    "         'races_from', (SELECT min(race_date) FROM ra_races),"
    "         'races_to', (SELECT max(race_date) FROM ra_races),"
    "         'rows_are', 'approximate (pg_stat_user_tables.n_live_tup)')::text AS body"
    "  FROM pg_stat_user_tables"
    " WHERE schemaname = 'public'"
    "   AND relname IN ('ra_courses', 'ra_bookmakers', 'ra_jockeys', 'ra_trainers', 'ra_owners',"
    "                   'ra_horses', 'ra_races', 'ra_runners', 'ra_results')";

static const struct masters_item masters_course = { DB_STMT_GENERIC("masters_course", sql_course), "course", "id" };
static const struct masters_item masters_jockey = { DB_STMT_GENERIC("masters_jockey", sql_jockey), "jockey", "id" };
static const struct masters_item masters_trainer = { DB_STMT_GENERIC("masters_trainer", sql_trainer), "trainer", "id" };
static const struct masters_item masters_horse = { DB_STMT_GENERIC("masters_horse", sql_horse), "horse", "id" };
static const struct masters_item masters_race = { DB_STMT_GENERIC("masters_race", sql_race), "race", "id" };
static const struct masters_item masters_result = {
	DB_STMT_GENERIC("masters_result", sql_result), "result for race", "race_id"
};
static const struct db_stmt masters_stats_stmt = DB_STMT("masters_stats", sql_stats);

/* A region code: 1 to 8 ASCII letters (gb, ire, FR...). */
static void
masters_region(struct request *r, const char *name, const char **out)
{
	const char *v;

	if (query_str(&r->query, name, 8, &v) == 1) {
		size_t n = strlen(v);

		if (n == 0 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != n) {
			char msg[160];

			snprintf(msg, sizeof(msg), "invalid value for parameter \"%s\": expected a region "
			    "code such as gb or ire", name);
			query_error(&r->query, name, msg, "value_error.region");
			v = NULL;
		}
	}
	*out = v;
}

/* Reads one filter into text for its parameter (NULL: not given). */
static const char *
masters_filter_value(struct request *r, const struct masters_filter *f, char *date, size_t datelen)
{
	static const char *const types[] = { "bookmaker", "exchange", NULL };
	struct clock_date d;
	const char *v = NULL;

	switch (f->kind) {
	case MASTERS_ID:
		query_id(&r->query, f->name, &v);
		break;
	case MASTERS_DATE:
		if (query_date(&r->query, f->name, &d) == 1) {
			clock_format_date(&d, date, datelen);
			v = date;
		}
		break;
	case MASTERS_REGION:
		masters_region(r, f->name, &v);
		break;
	case MASTERS_NAME:
		if (query_str(&r->query, f->name, 100, &v) != 1)
			v = NULL;
		v = v != NULL ? v : "";
		break;
	case MASTERS_TYPE:
		query_enum(&r->query, f->name, types, NULL, &v);
		break;
	}
	return v;
}

/* GET a masters list (the route's arg): filters, limit, offset and after, one statement. */
static enum api_outcome
masters_list_get(struct request *r)
{
	const struct masters_list *l = r->match.route->arg;
	const char *params[5 + 2 + API_MAX_KEYS];
	char dates[5][16];
	struct api_page page;
	int n = 0;

	for (const struct masters_filter *f = l->filters; f->name != NULL; f++, n++)
		params[n] = masters_filter_value(r, f, dates[n], sizeof(dates[n]));
	api_page_keyed(r, 100, &l->key, &page);
	return api_send_page(r, &l->stmt, params, n, &page);
}

/* GET one masters item (the route's arg) by its path id. */
static enum api_outcome
masters_item_get(struct request *r)
{
	const struct masters_item *item = r->match.route->arg;
	const char *id = api_path_id(r, 0, item->capture);

	if (resp_invalid_params(r))
		return API_DONE;
	return api_send_found(r, &item->stmt, 1, &id, item->what, id);
}

static enum api_outcome
masters_stats(struct request *r)
{
	return api_send_json(r, &masters_stats_stmt, 0, NULL);
}

/* GET /api/masters/: what the Masters API serves, from the route table. */
static enum api_outcome
masters_root(struct request *r)
{
	static const char prefix[] = "/api/masters";
	size_t n;
	const struct api_route *const *routes = api_routes(&n);
	json_t *data = json_array();

	for (size_t i = 0; data != NULL && i < n; i++) {
		if (strncmp(routes[i]->pattern, prefix, sizeof(prefix) - 1) != 0)
			continue;
		json_array_append_new(data, json_pack("{s:s, s:s, s:s}", "path", routes[i]->pattern,
		    "method", routes[i]->method, "name", routes[i]->name));
	}
	resp_json(r, 200, json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s},"
	    " s:s, s:I, s:o}",
	    "service", "Racing API Masters", "version", "1.0.0",
	    "description", "UK & Ireland Racing Data API", "docs", "/api/openapi.json",
	    "endpoints",
	    "courses", "/api/masters/courses", "bookmakers", "/api/masters/bookmakers",
	    "jockeys", "/api/masters/jockeys", "trainers", "/api/masters/trainers",
	    "owners", "/api/masters/owners", "horses", "/api/masters/horses",
	    "races", "/api/masters/races", "runners", "/api/masters/runners",
	    "results", "/api/masters/results", "health", "/api/masters/health",
	    "name", "DarkHorses Masters API",
	    "count", (json_int_t)json_array_size(data), "data", data));
	return API_DONE;
}

static const struct api_route masters_routes[] = {
	{ .method = "GET", .pattern = "/api/masters",
	  .handler = masters_root, .cache_control = API_MASTERS, .name = "masters",
	  .summary = "What the Masters API serves",
	  .schema = "MastersIndex" },
	{ .method = "GET", .pattern = "/api/masters/stats",
	  .handler = masters_stats, .cache_control = API_MASTERS, .name = "masters_stats",
	  .summary = "Rows per masters table (approximate) and the races' date range",
	  .schema = "MastersStats" },
	{ .method = "GET", .pattern = "/api/masters/courses",
	  .handler = masters_list_get, .arg = &masters_courses_list,
	  .cache_control = API_MASTERS, .name = "masters_courses", .flags = API_LIST,
	  .summary = "Courses",
	  .schema = "MastersCourse",
	  .params = { API_P_REGION, MASTERS_P_NAME, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/courses/{id}",
	  .handler = masters_item_get, .arg = &masters_course,
	  .cache_control = API_MASTERS, .name = "masters_course",
	  .summary = "One course, with its form figures (winners' strike rates and profit at SP)",
	  .schema = "MastersCourseItem" },
	{ .method = "GET", .pattern = "/api/masters/bookmakers",
	  .handler = masters_list_get, .arg = &masters_bookmakers_list,
	  .cache_control = API_MASTERS, .name = "masters_bookmakers", .flags = API_LIST,
	  .summary = "Bookmakers, by name",
	  .schema = "MastersBookmaker",
	  .params = { { "type", "s", "bookmaker or exchange" }, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/jockeys",
	  .handler = masters_list_get, .arg = &masters_jockeys_list,
	  .cache_control = API_MASTERS, .name = "masters_jockeys", .flags = API_LIST,
	  .summary = "Jockeys",
	  .schema = "Jockey",
	  .params = { MASTERS_P_NAME, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/jockeys/{id}",
	  .handler = masters_item_get, .arg = &masters_jockey,
	  .cache_control = API_MASTERS, .name = "masters_jockey",
	  .summary = "One jockey, with form figures: runs, wins, places, strike rates and level-stakes profit at SP "
	      "over 14 and 30 days and all stored days, runs since the last win",
	  .schema = "JockeyItem" },
	{ .method = "GET", .pattern = "/api/masters/trainers",
	  .handler = masters_list_get, .arg = &masters_trainers_list,
	  .cache_control = API_MASTERS, .name = "masters_trainers", .flags = API_LIST,
	  .summary = "Trainers",
	  .schema = "Trainer",
	  .params = { MASTERS_P_NAME, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/trainers/{id}",
	  .handler = masters_item_get, .arg = &masters_trainer,
	  .cache_control = API_MASTERS, .name = "masters_trainer",
	  .summary = "One trainer, with form figures (as a jockey's)",
	  .schema = "TrainerItem" },
	{ .method = "GET", .pattern = "/api/masters/owners",
	  .handler = masters_list_get, .arg = &masters_owners_list,
	  .cache_control = API_MASTERS, .name = "masters_owners", .flags = API_LIST,
	  .summary = "Owners",
	  .schema = "Owner",
	  .params = { MASTERS_P_NAME, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/horses",
	  .handler = masters_list_get, .arg = &masters_horses_list,
	  .cache_control = API_MASTERS, .name = "masters_horses", .flags = API_LIST,
	  .summary = "Horses",
	  .schema = "HorseSummary",
	  .params = { MASTERS_P_NAME, API_P_REGION, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/horses/{id}",
	  .handler = masters_item_get, .arg = &masters_horse,
	  .cache_control = API_MASTERS, .name = "masters_horse",
	  .summary = "One horse with its pedigree and its sire's form figures",
	  .schema = "Horse" },
	{ .method = "GET", .pattern = "/api/masters/races",
	  .handler = masters_list_get, .arg = &masters_races_list,
	  .cache_control = API_MASTERS, .name = "masters_races", .flags = API_LIST,
	  .summary = "Races, newest racing day first",
	  .schema = "Race",
	  .params = { { "course_id", "s", "e.g. crs_104" }, { "race_date", "d", "racing day" }, API_P_REGION, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/races/{id}",
	  .handler = masters_item_get, .arg = &masters_race,
	  .cache_control = API_MASTERS, .name = "masters_race",
	  .summary = "One race with its runners",
	  .schema = "RaceDetail" },
	{ .method = "GET", .pattern = "/api/masters/runners",
	  .handler = masters_list_get, .arg = &masters_runners_list,
	  .cache_control = API_MASTERS, .name = "masters_runners", .flags = API_LIST,
	  .summary = "Runners (racecard entries and results)",
	  .schema = "Runner",
	  .params = { { "race_id", "s", "one race" }, { "horse_id", "s", "one horse's runs" }, { "jockey_id", "s", "one jockey's rides" },
	      { "trainer_id", "s", "one trainer's runners" }, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/results",
	  .handler = masters_list_get, .arg = &masters_results_list,
	  .cache_control = API_MASTERS, .name = "masters_results", .flags = API_LIST,
	  .summary = "Race results with the winner",
	  .schema = "Result",
	  .params = { { "course_id", "s", "e.g. crs_104" }, { "race_date", "d", "racing day" }, API_P_REGION, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/masters/results/{race_id}",
	  .handler = masters_item_get, .arg = &masters_result,
	  .cache_control = API_MASTERS, .name = "masters_result",
	  .summary = "One race's result with every runner's",
	  .schema = "ResultDetail" },
};

/* Lists and items share their fields; an item adds its form figures. */
#define MASTERS_COURSE_PROPS "course_id:s name:s region_code:s region:s country:s latitude:n longitude:n " \
	"created_at:t updated_at:t"
#define MASTERS_JOCKEY_PROPS "jockey_id:s name:s created_at:t updated_at:t"
#define MASTERS_TRAINER_PROPS "trainer_id:s location:s name:s created_at:t updated_at:t"

static const struct api_schema masters_schemas[] = {
	{ "MastersRoute", "path:s method:s name:s" },
	{ "MastersIndex", "service:s version:s description:s docs:s endpoints:o name:s count:i data:[MastersRoute]" },
	{ "MastersTable", "table:s rows:i last_analyzed:t" },
	{ "MastersStats", "database:s tables:o total_records:i count:i data:[MastersTable] races_from:d races_to:d "
	  "rows_are:s" },
	{ "MastersCourse", MASTERS_COURSE_PROPS },
	{ "MastersCourseItem", MASTERS_COURSE_PROPS " form:Form" },
	{ "MastersBookmaker", "bookmaker_id:s name:s type:s active:b bookmaker_name:s bookmaker_type:s created_at:t" },
	{ "Jockey", MASTERS_JOCKEY_PROPS },
	{ "JockeyItem", MASTERS_JOCKEY_PROPS " form:Form" },
	{ "Trainer", MASTERS_TRAINER_PROPS },
	{ "TrainerItem", MASTERS_TRAINER_PROPS " form:Form" },
	{ "FormWindow", "runs:i wins:i places:i win_percent:n place_percent:n profit:n" },
	{ "Form", "as_of:d last_14_days:FormWindow last_30_days:FormWindow all:FormWindow last_win_date:d "
	  "runs_since_win:i" },
	{ "Owner", "owner_id:s name:s created_at:t updated_at:t" },
	{ "HorseSummary", "horse_id:s name:s dob:d sex:s sex_code:s colour:s region:s sire_id:s sire:s dam_id:s dam:s "
	  "damsire_id:s damsire:s created_at:t updated_at:t" },
	{ "Ancestor", "id:s name:s region:s" },
	{ "Pedigree", "sire:Ancestor dam:Ancestor damsire:Ancestor breeder:s" },
	{ "Horse", "horse_id:s name:s dob:d sex:s sex_code:s colour:s colour_code:s region:s breeder:s sire_id:s sire:s "
	  "sire_region:s dam_id:s dam:s dam_region:s damsire_id:s damsire:s damsire_region:s pedigree:Pedigree "
	  "enriched_at:t created_at:t updated_at:t sire_form:Form" },
	{ "Race", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "race_class:s type:s pattern:s age_band:s rating_band:s sex_restriction:s distance:n distance_round:s "
	  "distance_f:s prize:s field_size:i going:s surface:s big_race:b is_abandoned:b "
	  "course_name:s region:s off_datetime:t race_type:s distance_meters:i track_condition:s "
	  "weather_conditions:s rail_movements:s currency:s prize_money:n api_data:o created_at:t updated_at:t" },
	{ "Runner", "race_id:s horse_id:s race_date:d horse_name:s number:i draw:i age:i sex:s sex_code:s jockey_id:s "
	  "jockey_name:s jockey_claim_lbs:i trainer_id:s trainer_name:s owner_id:s owner_name:s lbs:i weight:s "
	  "ofr:i rpr:i ts:i headgear:s form:s last_run:i non_runner:b position:s position_num:i btn:s ovr_btn:s "
	  "sp:s sp_dec:n finish_time:s prize:n runner_id:s weight_lbs:i blinkers:b cheekpieces:b visor:b tongue_tie:b "
	  "sire_id:s sire_name:s dam_id:s dam_name:s damsire_id:s damsire_name:s official_rating:i tsr:i comment:s "
	  "silk_url:s api_data:o created_at:t updated_at:t" },
	{ "RaceDetail", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "race_class:s type:s distance:n distance_f:s field_size:i going:s surface:s big_race:b is_abandoned:b "
	  "course_name:s region:s off_datetime:t race_type:s distance_meters:i track_condition:s "
	  "weather_conditions:s rail_movements:s currency:s prize_money:n api_data:o created_at:t updated_at:t" " runners:[Runner]" },
	{ "Winner", "horse_id:s horse_name:s sp:s sp_dec:n jockey_name:s trainer_name:s" },
	{ "Result", "race_id:s race_date:d off_dt:t course_id:s course:s region_code:s race_name:s "
	  "winning_time_detail:s comments:s non_runners:s tote_win:s tote_pl:s tote_ex:s tote_csf:s "
	  "tote_tricast:s tote_trifecta:s winner:Winner "
	  "course_name:s off_datetime:t off_time:s race_type:s race_class:s distance:n distance_f:s "
	  "surface:s going:s prize_money:n currency:s region:s results_status:s is_abandoned:b api_data:o "
	  "created_at:t updated_at:t" },
	{ "RunnerResult", "horse_id:s horse_name:s number:i draw:i position:s position_num:i btn:s ovr_btn:s sp:s "
	  "sp_dec:n finish_time:s jockey_id:s jockey_name:s trainer_id:s trainer_name:s owner_id:s owner_name:s "
	  "weight:s lbs:i or:i rpr:i tsr:i prize:n comment:s non_runner:b" },
	{ "ResultDetail", "race_id:s race_date:d off_dt:t course_id:s course:s region_code:s race_name:s "
	  "winning_time_detail:s comments:s non_runners:s tote_win:s tote_pl:s runners:[RunnerResult] "
	  "course_name:s off_datetime:t off_time:s race_type:s race_class:s distance:n distance_f:s "
	  "surface:s going:s prize_money:n currency:s region:s results_status:s is_abandoned:b api_data:o "
	  "created_at:t updated_at:t" },
};

const struct api_module masters_module = {
	.name = "masters", .tag = "Masters API",
	.routes = masters_routes, .nroutes = API_COUNT(masters_routes),
	.schemas = masters_schemas, .nschemas = API_COUNT(masters_schemas),
};
