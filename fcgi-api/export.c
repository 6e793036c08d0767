/*
 * export: bulk downloads over a range of racing days, streamed.
 *
 *   GET /api/export/historical-odds   finished races' rows (ra_odds_historical)
 *   GET /api/export/price-history     every recorded price change of the races run (ra_odds_history)
 *   GET /api/export/results           one row per runner of the resulted races
 *
 * from and to (racing days, to defaults to from, at most EXPORT_MAX_DAYS
 * apart); format=csv (a header line, RFC 4180 quoting) or ndjson (one JSON
 * object a line), else the Accept header (text/csv, application/x-ndjson),
 * else csv.  price-history takes race_id for one race.
 *
 * The body is PostgreSQL's COPY ... TO STDOUT passed on row by row as it
 * arrives (db_copy_out): constant memory whatever the range, nginx gzips
 * and chunks it.  Before the first byte, a count that stops one row past
 * the cap (DH_EXPORT_MAX_ROWS, default 1,000,000) refuses a request over it
 * with a 422 naming it (the status can no longer change once rows flow).  Should the database fail mid-stream, the
 * body ends with a line saying so: "# export failed: ..." in CSV, an
 * {"error": ...} object in NDJSON; a complete export has no such line.
 *
 * COPY takes no parameters, and no value of the request is ever written
 * into SQL: the range goes in through set_config() (a parameterised
 * statement) as transaction-local settings the fixed COPY statements read
 * with current_setting(); being stable, they still prune the history's
 * partitions when the executor starts.  The export's transaction also
 * lifts the reader's statement_timeout (migration 0010) to
 * EXPORT_TIMEOUT: the row cap bounds what it may read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "log.h"
#include "num.h"

#define EXPORT_MAX_DAYS 366
#define EXPORT_HISTORY_BEFORE_DAYS 8	/* prices appear at most 7 days before the off */

#define EXPORT_TIMEOUT "300s"

/* The range, as export_settings sets it for the transaction. */
#define EXPORT_FROM "current_setting('dh.export_from')::date"
#define EXPORT_TO   "current_setting('dh.export_to')::date"

/*
 * One export's statements: the bounded count ($1: the cap + 1) and the COPY
 * in each format, all made at compile time from its columns, rows and order.
 */
#define EXPORT_KIND(name, cols, rows, order) { name, \
	DB_STMT("export_count_" name, "SELECT count(*) FROM (SELECT 1" rows " LIMIT $1) x"), \
	"COPY (" cols rows order ") TO STDOUT WITH (FORMAT csv, HEADER)", \
	"COPY (SELECT row_to_json(x) FROM (" cols rows order ") x) TO STDOUT" }

struct export_kind {
	const char     *name;		/* the file's stem: historical-odds */
	struct db_stmt  count;
	const char     *csv, *ndjson;
};

static const struct export_kind export_historical = EXPORT_KIND("historical-odds",
	"SELECT race_id, horse_id, race_date, race_time, off_dt, country, course_id, course, race_name,"
	"       race_class, race_type, distance, going, field_size, horse_name, jockey, trainer, number,"
	"       draw, position, position_num, finished, sp, sp_dec, sp_fav_rank, bookmaker_count,"
	"       price_min, price_max, price_mean, win_return, place_return, ew_return, ew_fraction, ew_places",
	"  FROM ra_odds_historical WHERE race_date BETWEEN " EXPORT_FROM " AND " EXPORT_TO,
	" ORDER BY race_date, off_dt, race_id, number, horse_id");

static const struct export_kind export_results = EXPORT_KIND("results",
	"SELECT ru.race_id, ru.race_date, re.off_dt, re.course_id, re.course, re.region_code, re.race_name,"
	"       ru.horse_id, ru.horse_name, ru.number, ru.draw, ru.jockey_id, ru.jockey_name, ru.trainer_id,"
	"       ru.trainer_name, ru.non_runner, ru.position, ru.position_num, ru.btn, ru.sp, ru.sp_dec,"
	"       ru.finish_time, ru.prize",
	"  FROM ra_results re JOIN ra_runners ru USING (race_id)"
	" WHERE re.race_date BETWEEN " EXPORT_FROM " AND " EXPORT_TO,
	" ORDER BY ru.race_date, re.off_dt, ru.race_id, ru.position_num NULLS LAST, ru.number, ru.horse_id");

/*
 * The races run on the days (dh.export_race: one of them, '' for all), and
 * each race's prices read by its series index (a LATERAL probe a race) within
 * [from - 8 days, to + 2 days) (dh.export_lo, dh.export_hi): the
 * partitions of that window only, never a partition read whole.
 */
static const struct export_kind export_history = EXPORT_KIND("price-history",
	"SELECT h.race_id, h.horse_id, h.bookmaker_id, h.observed_at, h.fractional, h.decimal,"
	"       h.previous_decimal",
	"  FROM ra_races r CROSS JOIN LATERAL"
	"       (SELECT * FROM ra_odds_history x WHERE x.race_id = r.race_id"
	"           AND x.observed_at >= current_setting('dh.export_lo')::timestamptz"
	"           AND x.observed_at < current_setting('dh.export_hi')::timestamptz) h"
	" WHERE r.race_date BETWEEN " EXPORT_FROM " AND " EXPORT_TO
	"   AND (current_setting('dh.export_race') = '' OR r.race_id = current_setting('dh.export_race'))",
	" ORDER BY h.race_id, h.horse_id, h.bookmaker_id, h.observed_at");

/* Sets the range for the export's transaction: $1 from, $2 to, $3 lo, $4 hi, $5 race or ''. */
static const struct db_stmt export_settings = DB_STMT("export_settings",
    "SELECT set_config('dh.export_from', $1, true), set_config('dh.export_to', $2, true),"
    "       set_config('dh.export_lo', $3, true), set_config('dh.export_hi', $4, true),"
    "       set_config('dh.export_race', $5, true), set_config('statement_timeout', $6, true)");

/* Where rows go: r's stream, NDJSON lines unescaped from COPY's text format. */
struct export_sink {
	struct request *r;
	int             ndjson;
};

/*
 * A COPY row to the client.  NDJSON rows are one json column in COPY's
 * text format, which doubles every backslash (JSON text has no raw newline
 * or tab for it to escape otherwise): each pair goes out as one.
 */
static int
export_row(void *ctx, const char *row, size_t len)
{
	struct export_sink *s = ctx;
	size_t start = 0;

	if (!s->ndjson)
		return resp_stream(s->r, row, len);
	for (size_t i = 0; i + 1 < len; i++) {
		if (row[i] == '\\' && row[i + 1] == '\\') {
			if (resp_stream(s->r, row + start, i + 1 - start) < 0)
				return -1;
			start = i + 2;
			i++;
		}
	}
	return resp_stream(s->r, row + start, len - start);
}

/* csv or ndjson, from format= or else the Accept header; -1 with a parameter error. */
static int
export_format(struct request *r, const char *accept)
{
	static const char *const formats[] = { "csv", "ndjson", NULL };
	const char *f;

	if (query_enum(&r->query, "format", formats, NULL, &f) < 0)
		return -1;
	if (f != NULL)
		return strcmp(f, "ndjson") == 0;
	return accept != NULL && (strstr(accept, "application/x-ndjson") != NULL ||
	    strstr(accept, "application/ndjson") != NULL) && strstr(accept, "text/csv") == NULL;
}

/* A request's range: its racing days, the history's window around them, one race or "". */
struct export_range {
	char        from[16], to[16], lo[16], hi[16];
	const char *race;
};

/*
 * The range r asks for, from the validated days (and race id, for the price
 * history); returns 0, or -1 with the parameter errors added.
 */
static int
export_range(struct request *r, const struct export_kind *kind, struct export_range *x)
{
	struct clock_date from, to, lo, hi;

	x->race = "";
	if (query_date(&r->query, "from", &from) == 0)
		query_error(&r->query, "from", "field required", "value_error.missing");
	to = from;
	query_date(&r->query, "to", &to);
	if (kind == &export_history)
		query_id(&r->query, "race_id", &x->race);
	if (r->query.errors == NULL)
		query_date_span(&r->query, &from, &to, EXPORT_MAX_DAYS);
	if (r->query.errors != NULL)
		return -1;
	if (x->race == NULL)
		x->race = "";
	lo = clock_date_add(from, -EXPORT_HISTORY_BEFORE_DAYS);
	hi = clock_date_add(to, 2);
	clock_format_date(&from, x->from, sizeof(x->from));
	clock_format_date(&to, x->to, sizeof(x->to));
	clock_format_date(&lo, x->lo, sizeof(x->lo));
	clock_format_date(&hi, x->hi, sizeof(x->hi));
	return 0;
}

/*
 * Opens the export's transaction with its settings and counts its rows, no
 * further than the cap + 1.  Returns the count, or -1 (the transaction rolled back).
 */
static long
export_begin(struct request *r, const struct export_kind *kind, const struct export_range *x)
{
	const char *settings[6] = { x->from, x->to, x->lo, x->hi, x->race, EXPORT_TIMEOUT };
	char cap[24];
	const char *params[1] = { cap };
	PGresult *res;
	long n = -1;

	snprintf(cap, sizeof(cap), "%ld", (long)r->cfg->export_max_rows + 1);
	if (db_begin(r->db) < 0)
		return -1;
	res = db_exec_prepared(r->db, &export_settings, 6, settings);
	if (res != NULL) {
		PQclear(res);
		res = db_exec_prepared(r->db, &kind->count, 1, params);
	}
	if (res != NULL && num_parse_long(PQgetvalue(res, 0, 0), 0, 1L << 40, &n) < 0)
		n = -1;
	PQclear(res);
	if (n < 0)
		db_rollback(r->db);
	return n;
}

static enum api_outcome
export_run(struct request *r, const struct export_kind *kind)
{
	struct export_sink sink = { r, export_format(r, r->accept) };
	struct export_range x;
	char filename[96], fail[160];
	const char *type;
	long rows;

	if (sink.ndjson < 0 || export_range(r, kind, &x) < 0) {
		resp_invalid_params(r);
		return API_DONE;
	}
	rows = export_begin(r, kind, &x);
	if (rows < 0)
		return api_db_failed(r);
	snprintf(filename, sizeof(filename), "%s_%s_%s.%s", kind->name, x.from, x.to,
	    sink.ndjson ? "ndjson" : "csv");
	type = sink.ndjson ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8";
	if (rows > r->cfg->export_max_rows || strcmp(r->method, "HEAD") == 0) {
		db_rollback(r->db);
		if (rows > r->cfg->export_max_rows)
			resp_detail(r, 422, "more than %d rows (DH_EXPORT_MAX_ROWS) from %s to %s: export a shorter "
			    "range of days", r->cfg->export_max_rows, x.from, x.to);
		else
			resp_stream_head(r, type, filename);
		return API_DONE;
	}
	if (resp_stream_head(r, type, filename) < 0) {
		db_rollback(r->db);
		return API_DONE;
	}
	if (db_copy_out(r->db, sink.ndjson ? kind->ndjson : kind->csv, export_row, &sink) < 0) {
		log_error("export %s from %s to %s ended early: %s", kind->name, x.from, x.to, db_error(r->db));
		snprintf(fail, sizeof(fail), "%s%s%s\n", sink.ndjson ? "{\"error\":\"" : "# ",
		    "export failed: the database failed mid-stream; the rows above are incomplete",
		    sink.ndjson ? "\"}" : "");
		resp_stream(r, fail, strlen(fail));
	}
	db_rollback(r->db);	/* read only: nothing to keep but the settings, which go with it */
	return API_DONE;
}

static enum api_outcome
export_historical_odds(struct request *r)
{
	return export_run(r, &export_historical);
}

static enum api_outcome
export_price_history(struct request *r)
{
	return export_run(r, &export_history);
}

static enum api_outcome
export_results_rows(struct request *r)
{
	return export_run(r, &export_results);
}

#define EXPORT_PARAMS { "from", "d", "first racing day (required)" }, \
	{ "to", "d", "last racing day (default: from; at most 365 days after it)" }, \
	{ "format", "s", "csv (a header line) or ndjson (one JSON object a line); default from Accept, else csv" }

static const struct api_route export_routes[] = {
	{ .method = "GET", .pattern = "/api/export/historical-odds",
	  .handler = export_historical_odds, .cache_control = API_NEVER, .name = "export_historical_odds",
	  .flags = API_EXPORT, .schema = "ExportHistoricalRow", .params = { EXPORT_PARAMS },
	  .summary = "Finished races' rows over a range of days as CSV or NDJSON, streamed; at most DH_EXPORT_MAX_ROWS rows "
	      "(1,000,000; a 422 beyond)" },
	{ .method = "GET", .pattern = "/api/export/price-history",
	  .handler = export_price_history, .cache_control = API_NEVER, .name = "export_price_history",
	  .flags = API_EXPORT, .schema = "ExportPriceRow",
	  .params = { EXPORT_PARAMS, { "race_id", "s", "one race only" } },
	  .summary = "Every recorded price change of the races run over a range of days (or of one race) as CSV or "
	      "NDJSON, streamed; at most DH_EXPORT_MAX_ROWS rows (1,000,000; a 422 beyond)" },
	{ .method = "GET", .pattern = "/api/export/results",
	  .handler = export_results_rows, .cache_control = API_NEVER, .name = "export_results",
	  .flags = API_EXPORT, .schema = "ExportResultRow", .params = { EXPORT_PARAMS },
	  .summary = "One row per runner of the races resulted over a range of days as CSV or NDJSON, streamed; at "
	      "most DH_EXPORT_MAX_ROWS rows (1,000,000; a 422 beyond)" },
};

static const struct api_schema export_schemas[] = {
	{ "ExportHistoricalRow", "race_id:s horse_id:s race_date:d race_time:s off_dt:t country:s course_id:s "
	  "course:s race_name:s race_class:s race_type:s distance:s going:s field_size:i horse_name:s jockey:s "
	  "trainer:s number:i draw:i position:s position_num:i finished:b sp:s sp_dec:n sp_fav_rank:i "
	  "bookmaker_count:i price_min:n price_max:n price_mean:n win_return:n place_return:n ew_return:n "
	  "ew_fraction:s ew_places:i" },
	{ "ExportPriceRow", "race_id:s horse_id:s bookmaker_id:s observed_at:t fractional:s decimal:n "
	  "previous_decimal:n" },
	{ "ExportResultRow", "race_id:s race_date:d off_dt:t course_id:s course:s region_code:s race_name:s "
	  "horse_id:s horse_name:s number:i draw:i jockey_id:s jockey_name:s trainer_id:s trainer_name:s "
	  "non_runner:b position:s position_num:i btn:s sp:s sp_dec:n finish_time:s prize:n" },
};

const struct api_module export_module = {
	.name = "export", .tag = "Export",
	.routes = export_routes, .nroutes = API_COUNT(export_routes),
	.schemas = export_schemas, .nschemas = API_COUNT(export_schemas),
};
