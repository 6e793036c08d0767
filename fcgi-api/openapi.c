/*
 * openapi: the API described as OpenAPI 3.0 (see openapi.h).
 *
 * Operations are listed by path pattern, exactly as in main.c's route table
 * (a unit test checks that the two agree).  Bodies are described in a small
 * notation, expanded into JSON Schema when the document is built:
 *
 *   "name:type name:type ..."   an object's properties, where type is
 *   s string, i integer, n number, b boolean, d date, t date-time, o object,
 *   a Schema name ($ref), or [type] an array of it.
 *
 * Values may be null when unknown (upstream data is often incomplete).
 */
#include "openapi.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "log.h"

#define OPENAPI_AUTH  1u	/* needs Authorization: Bearer <key> */
#define OPENAPI_TEXT  2u	/* text/plain body, not JSON */
#define OPENAPI_LIST  4u	/* body {count, limit, offset, data: [schema]} */

struct openapi_param {
	const char *name;
	const char *type;	/* the notation above: one type */
	const char *description;
};

struct openapi_op {
	const char                 *path;
	const char                 *tag;
	const char                 *summary;
	const char                 *schema;	/* the 200 body */
	unsigned                    flags;
	const struct openapi_param  params[8];
};

#define P_LIMIT(def) { "limit", "i", "page size, 1 to 1000 (default " #def ")" }
#define P_OFFSET     { "offset", "i", "rows to skip, 0 to 1000000" }
#define P_REGION     { "region", "s", "region code, e.g. gb or ire (any case)" }
#define P_NAME       { "name", "s", "case-insensitive prefix of the name (at most 100 bytes)" }
#define P_COURSE     { "course", "s", "course name, case-insensitive (e.g. Ascot)" }

static const struct openapi_op openapi_ops[] = {
	{ "/health", "Odds API", "Health: 200 when the database answers, 503 when not", "Health", 0, { { NULL, NULL, NULL } } },
	{ "/api/health", "Odds API", "Health (same as /health)", "Health", 0, { { NULL, NULL, NULL } } },
	{ "/api/live-odds", "Odds API", "Current prices, one row per race, runner and bookmaker", "LiveOddsList", 0,
	  { { "race_date", "d", "racing day (Europe/London)" }, P_COURSE,
	    { "bookmaker", "s", "bookmaker_id, e.g. bet365" }, P_LIMIT(100), P_OFFSET } },
	{ "/api/live-odds/races-by-stage", "Odds API",
	  "Races still to run on a racing day, grouped by stage: at_post (< 5 min to the off), "
	  "going_to_post (5 to < 30), pre_race (30 to < 120), early_market (>= 120); every runner with "
	  "all prices, its best price (the highest decimal) and the favourite (the lowest best price)",
	  "RacesByStage", 0, { { "race_date", "d", "racing day (default: today, Europe/London)" } } },
	{ "/api/live-odds/upcoming-races", "Odds API", "Races off within hours_ahead hours", "UpcomingRaces", 0,
	  { { "hours_ahead", "i", "1 to 168 (default 24)" }, P_LIMIT(100), P_OFFSET } },
	{ "/api/live-odds/next-race", "Odds API", "The next race to run, with its runners and prices", "NextRace", 0,
	  { { NULL, NULL, NULL } } },
	{ "/api/historical-odds", "Odds API", "Finished races: SP, position, pre-race price range, returns; newest first",
	  "HistoricalList", 0,
	  { { "race_date", "d", "racing day" }, P_COURSE, { "year", "i", "1990 to 2100" }, P_LIMIT(100), P_OFFSET } },
	{ "/api/historical-odds/summary", "Odds API", "Totals of the historical odds, by year", "HistoricalSummary", 0,
	  { { NULL, NULL, NULL } } },
	{ "/api/historical-odds/coverage", "Odds API",
	  "Backfill gap report: dates with historical odds and dates missing (at most 366 days)", "Coverage", 0,
	  { { "from", "d", "first date (default: 89 days before to)" },
	    { "to", "d", "last date (default: yesterday)" } } },
	{ "/api/statistics", "Odds API", "The latest statistics snapshot of each kind; {} when none yet", "Statistics", 0,
	  { { "table", "s", "live, historical or all (default all)" } } },
	{ "/api/scheduler-status", "Odds API", "Each worker's schedule, state, last and next run, last error, stale flag",
	  "SchedulerStatus", 0, { { NULL, NULL, NULL } } },
	{ "/api/bookmakers", "Odds API", "Bookmakers and exchanges", "BookmakerList", 0,
	  { { "type", "s", "bookmaker or exchange" }, { "active", "b", "true or false" }, P_LIMIT(1000), P_OFFSET } },
	{ "/api/courses", "Odds API", "Racecourses", "CourseList", 0, { P_REGION, P_LIMIT(1000), P_OFFSET } },
	{ "/api/races/{race_id}/odds", "Races",
	  "Runners x bookmakers grid of a race: best prices and the favourite marked, each-way terms; from the "
	  "last observed prices once the race is off", "RaceOdds", 0, { { NULL, NULL, NULL } } },
	{ "/api/races/{race_id}/odds/history", "Races",
	  "Price movement per runner and bookmaker, the last `points` observations of each, oldest first",
	  "OddsHistory", 0,
	  { { "horse_id", "s", "one runner only" }, { "bookmaker", "s", "one bookmaker_id only" },
	    { "points", "i", "observations per series, 1 to 500 (default 100)" } } },
	{ "/api/db-health/stats", "Admin",
	  "Database health: connections, table sizes, index usage, cache hit ratio, long-running queries",
	  "DbHealth", OPENAPI_AUTH, { { "long_query_seconds", "i", "0 to 86400 (default 5)" } } },
	{ "/metrics", "Admin", "Prometheus metrics (text format 0.0.4); loopback only", NULL, OPENAPI_TEXT,
	  { { NULL, NULL, NULL } } },
	{ "/api/openapi.json", "Admin", "This document", NULL, 0, { { NULL, NULL, NULL } } },
	{ "/api/masters", "Masters API", "What the Masters API serves", "MastersIndex", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/health", "Masters API", "Health", "Health", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/stats", "Masters API", "Rows per masters table (approximate) and the races' date range",
	  "MastersStats", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/courses", "Masters API", "Courses", "Course", OPENAPI_LIST,
	  { P_REGION, P_NAME, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/courses/{id}", "Masters API", "One course", "Course", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/bookmakers", "Masters API", "Bookmakers", "Bookmaker", OPENAPI_LIST,
	  { { "type", "s", "bookmaker or exchange" }, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/jockeys", "Masters API", "Jockeys", "Jockey", OPENAPI_LIST, { P_NAME, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/jockeys/{id}", "Masters API", "One jockey", "Jockey", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/trainers", "Masters API", "Trainers", "Trainer", OPENAPI_LIST, { P_NAME, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/trainers/{id}", "Masters API", "One trainer", "Trainer", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/owners", "Masters API", "Owners", "Owner", OPENAPI_LIST, { P_NAME, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/horses", "Masters API", "Horses", "HorseSummary", OPENAPI_LIST,
	  { P_NAME, P_REGION, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/horses/{id}", "Masters API", "One horse with its pedigree", "Horse", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/races", "Masters API", "Races, newest racing day first", "Race", OPENAPI_LIST,
	  { { "course_id", "s", "e.g. crs_104" }, { "race_date", "d", "racing day" }, P_REGION, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/races/{id}", "Masters API", "One race with its runners", "RaceDetail", 0, { { NULL, NULL, NULL } } },
	{ "/api/masters/runners", "Masters API", "Runners (racecard entries and results)", "Runner", OPENAPI_LIST,
	  { { "race_id", "s", "one race" }, { "horse_id", "s", "one horse's runs" }, { "jockey_id", "s", "one jockey's rides" },
	    { "trainer_id", "s", "one trainer's runners" }, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/results", "Masters API", "Race results with the winner", "Result", OPENAPI_LIST,
	  { { "course_id", "s", "e.g. crs_104" }, { "race_date", "d", "racing day" }, P_REGION, P_LIMIT(100), P_OFFSET } },
	{ "/api/masters/results/{race_id}", "Masters API", "One race's result with every runner's", "ResultDetail", 0,
	  { { NULL, NULL, NULL } } },
};

struct openapi_schema {
	const char *name;
	const char *props;
};

/* Bodies and their parts, in the notation at the top of the file. */
static const struct openapi_schema openapi_schemas[] = {
	{ "Detail", "detail:s" },
	{ "ValidationItem", "loc:[s] msg:s type:s" },
	{ "ValidationError", "detail:[ValidationItem]" },
	{ "Health", "success:b status:s database:s schema_version:s timestamp:t" },
	{ "Course", "course_id:s name:s region_code:s region:s created_at:t updated_at:t" },
	{ "CourseList", "success:b count:i limit:i offset:i courses:[Course]" },
	{ "Bookmaker", "bookmaker_id:s name:s type:s active:b" },
	{ "BookmakerList", "success:b count:i limit:i offset:i bookmakers:[Bookmaker]" },
	{ "LiveOdds", "race_id:s horse_id:s bookmaker_id:s race_date:d off_dt:t course_id:s course:s region_code:s "
	  "race_name:s horse_name:s number:i bookmaker:s fractional:s decimal:n ew_places:i ew_denom:i "
	  "price_changed_at:t fetched_at:t upstream_updated_at:t" },
	{ "LiveOddsList", "success:b count:i limit:i offset:i data:[LiveOdds]" },
	{ "Price", "bookmaker_id:s bookmaker:s fractional:s decimal:n" },
	{ "BestPrice", "decimal:n fractional:s bookmakers:[s]" },
	{ "Favourite", "horse_id:s horse_name:s number:i decimal:n joint:b" },
	{ "BoardRunner", "horse_id:s horse_name:s number:i favourite:b best_price:BestPrice prices:[Price]" },
	{ "BoardRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "stage:s seconds_to_off:i minutes_to_off:n next_phase:s next_phase_at:t minutes_to_next_phase:n "
	  "prices_updated_at:t runner_count:i bookmaker_count:i favourite:Favourite runners:[BoardRunner]" },
	{ "Stages", "at_post:[BoardRace] going_to_post:[BoardRace] pre_race:[BoardRace] early_market:[BoardRace]" },
	{ "StageCounts", "at_post:i going_to_post:i pre_race:i early_market:i" },
	{ "RacesByStage", "success:b timestamp:t race_date:d stages:Stages counts:StageCounts total_races:i truncated:b" },
	{ "UpcomingRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "minutes_to_off:n runners:i bookmakers:i prices_updated_at:t" },
	{ "UpcomingRaces", "success:b timestamp:t hours_ahead:i until:t count:i limit:i offset:i races:[UpcomingRace]" },
	{ "NextRace", "success:b timestamp:t race:BoardRace" },
	{ "HistoricalOdds", "race_id:s horse_id:s race_date:d race_time:s off_dt:t country:s course_id:s course:s "
	  "race_name:s race_class:s race_type:s distance:s going:s field_size:i horse_name:s jockey:s trainer:s "
	  "number:i draw:i position:s position_num:i finished:b sp:s sp_dec:n sp_fav_rank:i bookmaker_count:i "
	  "price_min:n price_max:n price_mean:n win_return:n place_return:n ew_return:n ew_fraction:s ew_places:i" },
	{ "HistoricalList", "success:b count:i limit:i offset:i data:[HistoricalOdds]" },
	{ "HistoricalTotals", "total_records:i total_races:i days_done:i days_missing:i days_failed:i "
	  "earliest_date:d latest_date:d last_completed_at:t estimated_rows:i" },
	{ "HistoricalYear", "year:i records:i races:i days_done:i days_not_done:i first_date:d last_date:d" },
	{ "HistoricalSummary", "success:b summary:HistoricalTotals by_year:[HistoricalYear]" },
	{ "CoverageDay", "date:d has_data:b state:s races:i rows:i attempts:i last_error:s" },
	{ "Coverage", "success:b from:d to:d days:i present_count:i missing_count:i present:[d] missing:[d] "
	  "no_racing:[d] dates:[CoverageDay]" },
	{ "Statistics", "success:b table:s statistics:o snapshots:o" },
	{ "Worker", "worker:s state:s schedule:s host:s pid:i started_at:t last_run_at:t last_success_at:t "
	  "next_run_at:t interval_s:i interval_reason:s last_error:s last_error_at:t rows_written:i cycles:i "
	  "detail:o updated_at:t seconds_to_next_run:i stale:b" },
	{ "SchedulerStatus", "success:b timestamp:t workers:[Worker] stale:[s]" },
	{ "EachWay", "places:i fraction:s terms:s" },
	{ "GridBookmaker", "bookmaker_id:s bookmaker:s ew_places:i ew_denom:i ew_terms:s" },
	{ "GridPrice", "fractional:s decimal:n best:b changed_at:t" },
	{ "GridRunner", "horse_id:s horse_name:s number:i favourite:b best_price:BestPrice prices:o" },
	{ "GridRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "stage:s seconds_to_off:i minutes_to_off:n next_phase:s next_phase_at:t minutes_to_next_phase:n "
	  "prices_updated_at:t runner_count:i bookmaker_count:i each_way:EachWay favourite:Favourite "
	  "bookmakers:[GridBookmaker] runners:[GridRunner]" },
	{ "RaceOdds", "success:b source:s timestamp:t race:GridRace" },
	{ "OddsPoint", "observed_at:t decimal:n fractional:s" },
	{ "OddsSeries", "horse_id:s horse_name:s bookmaker_id:s count:i points:[OddsPoint]" },
	{ "OddsHistory", "success:b race_id:s points_per_series:i series:[OddsSeries] series_count:i truncated:b" },
	{ "DbHealth", "success:b timestamp:t database:o connections:o cache_hit_ratio:n transactions:o tables:[o] "
	  "indexes:[o] unused_indexes:[s] long_query_seconds:i long_running_queries:[o]" },
	{ "MastersRoute", "path:s method:s name:s" },
	{ "MastersIndex", "name:s docs:s count:i data:[MastersRoute]" },
	{ "MastersTable", "table:s rows:i last_analyzed:t" },
	{ "MastersStats", "count:i data:[MastersTable] races_from:d races_to:d rows_are:s" },
	{ "Jockey", "jockey_id:s name:s created_at:t updated_at:t" },
	{ "Trainer", "trainer_id:s name:s location:s created_at:t updated_at:t" },
	{ "Owner", "owner_id:s name:s" },
	{ "HorseSummary", "horse_id:s name:s dob:d sex:s sex_code:s colour:s region:s sire_id:s sire:s dam_id:s dam:s "
	  "damsire_id:s damsire:s" },
	{ "Ancestor", "id:s name:s region:s" },
	{ "Pedigree", "sire:Ancestor dam:Ancestor damsire:Ancestor breeder:s" },
	{ "Horse", "horse_id:s name:s dob:d sex:s sex_code:s colour:s colour_code:s region:s breeder:s sire_id:s sire:s "
	  "sire_region:s dam_id:s dam:s dam_region:s damsire_id:s damsire:s damsire_region:s pedigree:Pedigree "
	  "enriched_at:t created_at:t updated_at:t" },
	{ "Race", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "race_class:s type:s pattern:s age_band:s rating_band:s sex_restriction:s distance:s distance_round:s "
	  "distance_f:n prize:s field_size:i going:s surface:s big_race:b is_abandoned:b" },
	{ "Runner", "race_id:s horse_id:s race_date:d horse_name:s number:i draw:i age:i sex:s sex_code:s jockey_id:s "
	  "jockey_name:s jockey_claim_lbs:i trainer_id:s trainer_name:s owner_id:s owner_name:s lbs:i weight:s "
	  "ofr:i rpr:i ts:i headgear:s form:s last_run:i non_runner:b position:s position_num:i btn:s ovr_btn:s "
	  "sp:s sp_dec:n finish_time:s prize:n" },
	{ "RaceDetail", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "race_class:s type:s distance:s field_size:i going:s surface:s big_race:b is_abandoned:b runners:[Runner]" },
	{ "Winner", "horse_id:s horse_name:s sp:s sp_dec:n jockey_name:s trainer_name:s" },
	{ "Result", "race_id:s race_date:d off_dt:t course_id:s course:s region_code:s race_name:s "
	  "winning_time_detail:s comments:s non_runners:s tote_win:s tote_pl:s tote_ex:s tote_csf:s "
	  "tote_tricast:s tote_trifecta:s winner:Winner" },
	{ "RunnerResult", "horse_id:s horse_name:s number:i draw:i position:s position_num:i btn:s ovr_btn:s sp:s "
	  "sp_dec:n finish_time:s jockey_id:s jockey_name:s trainer_id:s trainer_name:s owner_id:s owner_name:s "
	  "weight:s lbs:i or:i rpr:i tsr:i prize:n comment:s non_runner:b" },
	{ "ResultDetail", "race_id:s race_date:d off_dt:t course_id:s course:s region_code:s race_name:s "
	  "winning_time_detail:s comments:s non_runners:s tote_win:s tote_pl:s runners:[RunnerResult]" },
};

static json_t *openapi_doc;

static json_t *
openapi_ref(const char *name)
{
	char ref[128];

	snprintf(ref, sizeof(ref), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", ref);
}

/* The JSON Schema of one type of the notation (len bytes at t). */
static json_t *
openapi_type(const char *t, size_t len)
{
	char name[64];

	if (len >= 2 && t[0] == '[' && t[len - 1] == ']') {
		json_t *items = openapi_type(t + 1, len - 2);

		return items ? json_pack("{s:s, s:o}", "type", "array", "items", items) : NULL;
	}
	if (len == 1) {
		switch (t[0]) {
		case 's': return json_pack("{s:s}", "type", "string");
		case 'i': return json_pack("{s:s}", "type", "integer");
		case 'n': return json_pack("{s:s}", "type", "number");
		case 'b': return json_pack("{s:s}", "type", "boolean");
		case 'd': return json_pack("{s:s, s:s}", "type", "string", "format", "date");
		case 't': return json_pack("{s:s, s:s}", "type", "string", "format", "date-time");
		case 'o': return json_pack("{s:s}", "type", "object");
		default: break;
		}
	}
	if (len == 0 || len >= sizeof(name))
		return NULL;
	memcpy(name, t, len);
	name[len] = '\0';
	return openapi_ref(name);
}

/* An object schema from "name:type name:type ...". */
static json_t *
openapi_object(const char *props)
{
	json_t *properties = json_object();
	const char *p = props;

	while (properties != NULL && *p != '\0') {
		size_t n = strcspn(p, " "), k = strcspn(p, ":");
		char key[64];
		json_t *type;

		if (k >= n || k >= sizeof(key)) {
			log_error("openapi: malformed property near \"%.20s\"", p);
			json_decref(properties);
			return NULL;
		}
		memcpy(key, p, k);
		key[k] = '\0';
		type = openapi_type(p + k + 1, n - k - 1);
		if (type == NULL || json_object_set_new(properties, key, type) < 0) {
			json_decref(properties);
			return NULL;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return properties ? json_pack("{s:s, s:o}", "type", "object", "properties", properties) : NULL;
}

static json_t *
openapi_content(json_t *schema)
{
	return schema ? json_pack("{s:{s:{s:o}}}", "content", "application/json", "schema", schema) : NULL;
}

/* A response: description and, for JSON, the schema. */
static int
openapi_response(json_t *responses, const char *status, const char *description, json_t *schema)
{
	json_t *r = schema ? openapi_content(schema) : json_object();

	if (r == NULL || json_object_set_new(r, "description", json_string(description)) < 0) {
		json_decref(r);
		return -1;
	}
	return json_object_set_new(responses, status, r);
}

/* The parameters of op: its query parameters, then {captures} of the path. */
static json_t *
openapi_parameters(const struct openapi_op *op)
{
	json_t *list = json_array();
	const char *p = op->path;

	for (const struct openapi_param *q = op->params; list && q->name != NULL; q++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", q->name, "in", "query",
		    "required", 0, "description", q->description, "schema", openapi_type(q->type, strlen(q->type))));
	while (list != NULL && (p = strchr(p, '{')) != NULL) {
		size_t n = strcspn(p + 1, "}");
		char name[64];

		if (n >= sizeof(name))
			break;
		memcpy(name, p + 1, n);
		name[n] = '\0';
		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:s}}", "name", name, "in", "path",
		    "required", 1, "description", "an upstream id, e.g. rac_11745861",
		    "schema", "type", "string", "pattern", "^[A-Za-z0-9_-]{1,64}$"));
		p += n + 1;
	}
	return list;
}

static json_t *
openapi_operation(const struct openapi_op *op)
{
	json_t *responses = json_object(), *body = NULL;
	int rc = 0;

	if (responses == NULL)
		return NULL;
	if (op->flags & OPENAPI_LIST) {
		char props[160];

		snprintf(props, sizeof(props), "count:i limit:i offset:i data:[%s]", op->schema);
		body = openapi_object(props);
	} else if (op->schema != NULL) {
		body = openapi_ref(op->schema);
	}
	if (op->flags & OPENAPI_TEXT)
		rc |= json_object_set_new(responses, "200", json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "OK",
		    "content", "text/plain; version=0.0.4", "schema", "type", "string"));
	else if (op->schema == NULL)
		rc |= openapi_response(responses, "200", "OK", json_pack("{s:s}", "type", "object"));
	else
		rc |= openapi_response(responses, "200", "OK", body);
	if (op->params[0].name != NULL || strchr(op->path, '{') != NULL)
		rc |= openapi_response(responses, "422", "a parameter is invalid (each one is named)",
		    openapi_ref("ValidationError"));
	if (strchr(op->path, '{') != NULL)
		rc |= openapi_response(responses, "404", "no such id", openapi_ref("Detail"));
	if (op->flags & OPENAPI_AUTH)
		rc |= openapi_response(responses, "401", "API key missing or wrong", openapi_ref("Detail"));
	rc |= openapi_response(responses, "503", "the database is unreachable", openapi_ref("Detail"));
	if (rc != 0) {
		json_decref(responses);
		return NULL;
	}
	return json_pack("{s:[s], s:s, s:o, s:o, s:o}", "tags", op->tag, "summary", op->summary,
	    "parameters", openapi_parameters(op), "responses", responses,
	    "security", (op->flags & OPENAPI_AUTH) ? json_pack("[{s:[]}]", "bearer") : json_array());
}

static json_t *
openapi_build(void)
{
	json_t *paths = json_object(), *schemas = json_object(), *doc;

	for (size_t i = 0; paths && i < sizeof(openapi_ops) / sizeof(openapi_ops[0]); i++) {
		json_t *op = openapi_operation(&openapi_ops[i]);

		if (op == NULL || json_object_set_new(paths, openapi_ops[i].path, json_pack("{s:o}", "get", op)) < 0) {
			log_error("openapi: could not describe %s", openapi_ops[i].path);
			json_decref(paths);
			paths = NULL;
		}
	}
	for (size_t i = 0; schemas && i < sizeof(openapi_schemas) / sizeof(openapi_schemas[0]); i++) {
		json_t *s = openapi_object(openapi_schemas[i].props);

		if (s == NULL || json_object_set_new(schemas, openapi_schemas[i].name, s) < 0) {
			log_error("openapi: could not describe schema %s", openapi_schemas[i].name);
			json_decref(schemas);
			schemas = NULL;
		}
	}
	if (paths == NULL || schemas == NULL) {
		json_decref(paths);
		json_decref(schemas);
		return NULL;
	}
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, s:s}}}}",
	    "openapi", "3.0.3",
	    "info", "title", "DarkHorses API", "version", "1.0",
	    "description", "Horse-racing odds (GB and IRE): the Odds API ({\"success\": true, ...} bodies), "
	    "the Masters API under /api/masters ({\"count\": n, \"data\": [...]}) and race odds. Ids are "
	    "upstream strings; times are ISO 8601 in UTC; racing days are Europe/London dates. Values may be "
	    "null when unknown. Every error is JSON: 404 {\"detail\": \"... not found\"}, 422 "
	    "{\"detail\": [{\"loc\", \"msg\", \"type\"}]} naming each bad parameter, 429 past the rate limit, "
	    "503 when the database is unreachable. Headers: X-Query-Count, X-Query-Time (ms), Cache-Control.",
	    "paths", paths,
	    "components", "schemas", schemas, "securitySchemes", "bearer", "type", "http", "scheme", "bearer");
	return doc;
}

const json_t *
openapi_document(void)
{
	if (openapi_doc == NULL)
		openapi_doc = openapi_build();
	return openapi_doc;
}

int
openapi_get(struct request *r)
{
	const json_t *doc = openapi_document();

	if (doc == NULL) {
		resp_detail(r, 500, "internal error: the OpenAPI document could not be built");
		return 0;
	}
	resp_json(r, 200, json_incref((json_t *)doc));
	return 0;
}
