/*
 * publish: dh-historical's live push (see historical.h in this directory
 * and shared/push.h).  After a recent date's results are committed, each
 * race's result goes to its channel, race-ID, as
 *
 *   {"type": "result", "race_id", "race_date", "runners": [{"horse_id",
 *    "horse_name", "number", "position", "sp", "sp_dec"}]}
 *
 * read back from ra_odds_historical (what the REST API serves), in
 * finishing order.  Dates older than HIST_PUBLISH_DAYS (a backfill) are not
 * published: nobody follows those races live.  Nothing here fails the cycle.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#include "hist_publish.h"
#include "log.h"
#include "push.h"

#define HIST_PUBLISH_DAYS 2

static const char sql_results[] =
    "SELECT race_id, horse_id, horse_name, number, position, sp, sp_dec::float8 AS sp_dec"
    "  FROM ra_odds_historical WHERE race_date = $1::date"
    " ORDER BY race_id, position_num NULLS LAST, number";

static struct push *hist_push;

void
hist_publish_init(const struct cfg *cfg)
{
	hist_push = push_from_cfg(cfg, 0);
}

void
hist_publish_free(void)
{
	push_free(hist_push, 1000);
	hist_push = NULL;
}

static json_t *
hist_value(PGresult *res, int row, const char *col, int number)
{
	int c = PQfnumber(res, col);

	if (c < 0 || PQgetisnull(res, row, c))
		return json_null();
	return number ? json_real(strtod(PQgetvalue(res, row, c), NULL)) : json_string(PQgetvalue(res, row, c));
}

void
hist_publish_date(struct db *db, const char *date, time_t now)
{
	struct clock_date oldest = clock_date_add(clock_racing_day(now), -HIST_PUBLISH_DAYS), day;
	char channel[PUSH_CHANNEL_MAX];
	const char *params[1] = { date };
	json_t *runners = NULL;
	PGresult *res;
	int rows;

	if (hist_push == NULL || clock_parse_date(date, &day) < 0 ||
	    clock_date_to_utc(&day) < clock_date_to_utc(&oldest))
		return;
	res = db_exec(db, sql_results, 1, params);
	if (res == NULL) {
		log_warn("push: could not read the results of %s back: %s", date, db_error(db));
		return;
	}
	rows = PQntuples(res);
	for (int i = 0; i < rows; i++) {
		const char *race_id = db_value(res, i, "race_id");

		if (runners == NULL)
			runners = json_array();
		json_array_append_new(runners, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}",
		    "horse_id", db_value(res, i, "horse_id"), "horse_name", hist_value(res, i, "horse_name", 0),
		    "number", hist_value(res, i, "number", 1), "position", hist_value(res, i, "position", 0),
		    "sp", hist_value(res, i, "sp", 0), "sp_dec", hist_value(res, i, "sp_dec", 1)));
		if (i + 1 < rows && strcmp(db_value(res, i + 1, "race_id"), race_id) == 0)
			continue;
		snprintf(channel, sizeof(channel), "race-%s", race_id);
		push_send(hist_push, channel, json_pack("{s:s, s:s, s:s, s:o}", "type", "result",
		    "race_id", race_id, "race_date", date, "runners", runners));
		runners = NULL;
	}
	PQclear(res);
}
