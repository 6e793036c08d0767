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
 * COPY takes no parameters: the statements are built from validated values
 * only (dates parsed by clock_parse_date and printed back, an id of
 * [A-Za-z0-9_-]), never from the request's text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "log.h"

#define EXPORT_MAX_DAYS 366
#define EXPORT_HISTORY_BEFORE_DAYS 8	/* prices appear at most 7 days before the off */

/* What one export reads: its name, columns and table, and how the range applies. */
struct export_kind {
	const char *name;		/* the file's stem: historical-odds */
	const char *select;		/* "SELECT ... FROM ... WHERE " up to the range */
	const char *day;		/* the column of the racing day the range applies to */
	const char *order;
	int         history;	/* price history: race_id= and the partition window */
};

static const struct export_kind export_historical = {
	"historical-odds",
	"SELECT race_id, horse_id, race_date, race_time, off_dt, country, course_id, course, race_name,"
	"       race_class, race_type, distance, going, field_size, horse_name, jockey, trainer, number,"
	"       draw, position, position_num, finished, sp, sp_dec, sp_fav_rank, bookmaker_count,"
	"       price_min, price_max, price_mean, win_return, place_return, ew_return, ew_fraction, ew_places"
	"  FROM ra_odds_historical WHERE ",
	"race_date",
	" ORDER BY race_date, off_dt, race_id, number, horse_id", 0,
};

static const struct export_kind export_results = {
	"results",
	"SELECT ru.race_id, ru.race_date, re.off_dt, re.course_id, re.course, re.region_code, re.race_name,"
	"       ru.horse_id, ru.horse_name, ru.number, ru.draw, ru.jockey_id, ru.jockey_name, ru.trainer_id,"
	"       ru.trainer_name, ru.non_runner, ru.position, ru.position_num, ru.btn, ru.sp, ru.sp_dec,"
	"       ru.finish_time, ru.prize"
	"  FROM ra_results re JOIN ra_runners ru USING (race_id) WHERE ",
	"re.race_date",
	" ORDER BY ru.race_date, re.off_dt, ru.race_id, ru.position_num NULLS LAST, ru.number, ru.horse_id", 0,
};

/*
 * The races run on the days, and their prices' partitions only: the window
 * [from - 8 days, to + 2 days) as literals, so the planner prunes the rest.
 */
static const struct export_kind export_history = {
	"price-history",
	"SELECT h.race_id, h.horse_id, h.bookmaker_id, h.observed_at, h.fractional, h.decimal,"
	"       h.previous_decimal"
	"  FROM ra_odds_history h JOIN ra_races r ON r.race_id = h.race_id WHERE ",
	"r.race_date",
	" ORDER BY h.race_id, h.horse_id, h.bookmaker_id, h.observed_at", 1,
};

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

/* A request's range: its days as text and the WHERE clause they make. */
struct export_range {
	char from[16], to[16];
	char where[512];
};

/*
 * The range of kind's rows that r asks for, from the validated days (and
 * race id); returns 0, or -1 with the parameter errors added.
 */
static int
export_where(struct request *r, const struct export_kind *kind, struct export_range *x)
{
	struct clock_date from, to;
	char lo[16], hi[16], race[96] = "";
	const char *race_id = NULL;

	if (query_date(&r->query, "from", &from) == 0)
		query_error(&r->query, "from", "field required", "value_error.missing");
	to = from;
	query_date(&r->query, "to", &to);
	if (kind->history)
		query_id(&r->query, "race_id", &race_id);
	if (r->query.errors == NULL)
		query_date_span(&r->query, &from, &to, EXPORT_MAX_DAYS);
	if (r->query.errors != NULL)
		return -1;
	clock_format_date(&from, x->from, sizeof(x->from));
	clock_format_date(&to, x->to, sizeof(x->to));
	if (!kind->history) {
		snprintf(x->where, sizeof(x->where), "%s BETWEEN '%s' AND '%s'", kind->day, x->from, x->to);
		return 0;
	}
	from = clock_date_add(from, -EXPORT_HISTORY_BEFORE_DAYS);
	to = clock_date_add(to, 2);
	clock_format_date(&from, lo, sizeof(lo));
	clock_format_date(&to, hi, sizeof(hi));
	if (race_id != NULL)
		snprintf(race, sizeof(race), " AND h.race_id = '%s'", race_id);	/* [A-Za-z0-9_-] only */
	snprintf(x->where, sizeof(x->where), "%s BETWEEN '%s' AND '%s' AND h.observed_at >= '%s'"
	    " AND h.observed_at < '%s'%s", kind->day, x->from, x->to, lo, hi, race);
	return 0;
}

/* Rows the export would send, counting no further than the cap + 1; -1 on failure. */
static long
export_count(struct request *r, const struct export_kind *kind, const char *where)
{
	char sql[2048];
	PGresult *res;
	long n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT 1 FROM %s%s LIMIT %ld) x",
	    strstr(kind->select, " FROM ") + 6, where, (long)r->cfg->export_max_rows + 1);
	res = db_exec(r->db, sql, 0, NULL);
	if (res == NULL)
		return -1;
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

static enum api_outcome
export_run(struct request *r, const struct export_kind *kind)
{
	struct export_sink sink = { r, export_format(r, r->accept) };
	struct export_range x;
	char sql[4096], filename[96], fail[160];
	long rows;

	if (sink.ndjson < 0 || export_where(r, kind, &x) < 0) {
		resp_invalid_params(r);
		return API_DONE;
	}
	rows = export_count(r, kind, x.where);
	if (rows < 0)
		return api_db_failed(r);
	if (rows > r->cfg->export_max_rows) {
		resp_detail(r, 422, "more than %d rows (DH_EXPORT_MAX_ROWS) from %s to %s: export a shorter range of days",
		    r->cfg->export_max_rows, x.from, x.to);
		return API_DONE;
	}
	snprintf(filename, sizeof(filename), "%s_%s_%s.%s", kind->name, x.from, x.to,
	    sink.ndjson ? "ndjson" : "csv");
	if (sink.ndjson)
		snprintf(sql, sizeof(sql), "COPY (SELECT row_to_json(x) FROM (%s%s%s) x) TO STDOUT",
		    kind->select, x.where, kind->order);
	else
		snprintf(sql, sizeof(sql), "COPY (%s%s%s) TO STDOUT WITH (FORMAT csv, HEADER)",
		    kind->select, x.where, kind->order);
	if (resp_stream_head(r, sink.ndjson ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8",
	    filename) < 0 || strcmp(r->method, "HEAD") == 0)
		return API_DONE;
	if (db_copy_out(r->db, sql, export_row, &sink) < 0) {
		log_error("export %s from %s to %s ended early: %s", kind->name, x.from, x.to, db_error(r->db));
		snprintf(fail, sizeof(fail), "%s%s%s\n", sink.ndjson ? "{\"error\":\"" : "# ",
		    "export failed: the database failed mid-stream; the rows above are incomplete",
		    sink.ndjson ? "\"}" : "");
		resp_stream(r, fail, strlen(fail));
	}
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
