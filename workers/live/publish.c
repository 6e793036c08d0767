/*
 * publish: dh-live's live push (see live.h and shared/push.h).
 *
 * After a day's prices are committed, the live rows of that day's races are
 * read back (what subscribers would get from the REST API now) and compared
 * with what was read after the previous commit, held here per race.  The
 * differences go out as small JSON deltas with the REST API's field names:
 *
 *   race-ID  {"type": "prices", "race_id", "prices": [changed or new
 *            prices], "removed": [prices gone], "non_runners": [horse ids
 *            whose every price went], "runners": [runners whose best price
 *            or favourite mark changed]}
 *   board    {"type": "board", "races": [races added, or whose favourite or a
 *            best price changed], "removed": [race ids no longer listed]}
 *
 * and each race's stage transitions (pre_race at 120 minutes to the off,
 * going_to_post at 30, at_post at 5, off at the off) are handed to the push
 * thread as timed messages {"type": "stage"} to both channels, sent on time
 * whether or not a cycle runs then.  Races not held yet (the first cycle
 * after start, a new day's cards) are read before the day's transaction
 * (live_publish_prepare), so that the first commit has something to compare
 * with; a race with no price then is "added" on the board.  The push layer
 * sends each channel a "resync" the first time this process uses it.
 * Nothing here fails the cycle: a failed read is logged, and the next commit
 * compares with the last good one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "buf.h"
#include "clock.h"
#include "live.h"
#include "log.h"
#include "num.h"
#include "odds.h"
#include "push.h"

#define PUB_RACES_MAX 1024
#define PUB_KEEP_AFTER_OFF_S 3600	/* a race is forgotten this long after its off */

static const char sql_read[] =
    "SELECT race_id, extract(epoch FROM off_dt)::bigint AS off, course, race_name, race_date,"
    "       horse_id, horse_name, number, bookmaker_id, bookmaker_name, fractional, decimal,"
    "       to_json(price_changed_at) #>> '{}' AS changed_at"
    "  FROM ra_odds_live"
    " WHERE race_id = ANY ($1::text[])"
    " ORDER BY race_id COLLATE \"C\", horse_id COLLATE \"C\", bookmaker_id COLLATE \"C\"";

struct pub_price {
	char   *horse_id;
	char   *bookmaker_id;
	double  decimal;
	char    fractional[16];
};

struct pub_runner {
	char   *horse_id;
	double  best;
	int     favourite;
};

struct pub_race {
	char               race_id[64];
	time_t             off;
	struct pub_price  *prices;	/* by horse_id, bookmaker_id (byte order) */
	size_t             nprices;
	struct pub_runner *runners;	/* by horse_id */
	size_t             nrunners;
	int                seen;	/* in the last read */
};

static struct {
	struct push     *push;
	struct pub_race *races;
	size_t           nraces;
} pub;

/* Column numbers of sql_read. */
enum { C_RACE, C_OFF, C_COURSE, C_NAME, C_DATE, C_HORSE, C_HNAME, C_NUMBER, C_BOOK, C_BNAME,
       C_FRAC, C_DEC, C_CHANGED };

void
live_publish_init(const struct cfg *cfg)
{
	pub.push = push_from_cfg(cfg, 1);
}

static void
pub_race_clear(struct pub_race *r)
{
	for (size_t i = 0; i < r->nprices; i++) {
		free(r->prices[i].horse_id);
		free(r->prices[i].bookmaker_id);
	}
	for (size_t i = 0; i < r->nrunners; i++)
		free(r->runners[i].horse_id);
	free(r->prices);
	free(r->runners);
	r->prices = NULL;
	r->runners = NULL;
	r->nprices = r->nrunners = 0;
}

void
live_publish_free(void)
{
	push_free(pub.push, 1000);
	for (size_t i = 0; i < pub.nraces; i++)
		pub_race_clear(&pub.races[i]);
	free(pub.races);
	memset(&pub, 0, sizeof(pub));
}

void
live_publish_stats(long *published, long *failed, long *dropped)
{
	struct push_stats s;

	push_get_stats(pub.push, &s);
	*published = s.published;
	*failed = s.failed;
	*dropped = s.dropped;
}

static struct pub_race *
pub_find(const char *race_id)
{
	for (size_t i = 0; i < pub.nraces; i++)
		if (strcmp(pub.races[i].race_id, race_id) == 0)
			return &pub.races[i];
	return NULL;
}

static struct pub_race *
pub_add(const char *race_id)
{
	struct pub_race *r;

	if (pub.nraces >= PUB_RACES_MAX)
		return NULL;
	r = realloc(pub.races, (pub.nraces + 1) * sizeof(*r));
	if (r == NULL)
		return NULL;
	pub.races = r;
	r = &pub.races[pub.nraces++];
	memset(r, 0, sizeof(*r));
	snprintf(r->race_id, sizeof(r->race_id), "%s", race_id);
	return r;
}

static void
pub_remove(struct pub_race *r)
{
	pub_race_clear(r);
	*r = pub.races[--pub.nraces];
}

static struct pub_race *pub_find(const char *race_id);

/*
 * '{"id1","id2"}': the ids of the races not off as a text[] literal (ids
 * hold no quote or backslash); only those not held yet when unknown_only.
 */
static int
pub_ids(const struct rapi_racecards *rc, time_t now, int unknown_only, struct buf *b)
{
	int n = 0;

	buf_addstr(b, "{");
	for (size_t i = 0; rc != NULL && i < rc->n; i++) {
		const struct rapi_race *race = &rc->races[i];

		if (race->race_id == NULL || !race->off_dt.present || race->off_dt.v <= now ||
		    strpbrk(race->race_id, "\"\\{},") != NULL ||
		    (unknown_only && pub_find(race->race_id) != NULL))
			continue;
		buf_addf(b, "%s\"%s\"", n++ ? "," : "", race->race_id);
	}
	return buf_addstr(b, "}") < 0 ? -1 : n;
}

static const char *
val(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static double
dec_of(PGresult *res, int row)
{
	const char *v = val(res, row, C_DEC);

	return v != NULL ? strtod(v, NULL) : 0;
}

static json_t *
num_or_null(PGresult *res, int row, int col)
{
	long n;
	const char *v = val(res, row, col);

	return v != NULL && num_parse_long(v, -1000000, 1000000, &n) == 0 ? json_integer(n) : json_null();
}

/* One price of a row, as /api/races/{id}/odds names its fields. */
static json_t *
pub_price_json(PGresult *res, int row)
{
	return json_pack("{s:s, s:s?, s:o, s:s, s:s?, s:s?, s:f, s:s?}",
	    "horse_id", val(res, row, C_HORSE), "horse_name", val(res, row, C_HNAME),
	    "number", num_or_null(res, row, C_NUMBER),
	    "bookmaker_id", val(res, row, C_BOOK), "bookmaker", val(res, row, C_BNAME),
	    "fractional", val(res, row, C_FRAC), "decimal", dec_of(res, row),
	    "changed_at", val(res, row, C_CHANGED));
}

/*
 * The runner of rows [a, b) (one horse): best price with its bookmakers, as
 * the REST API's best_price, and the favourite mark.
 */
static json_t *
pub_runner_json(PGresult *res, int a, int b, double best, int favourite)
{
	json_t *books = json_array(), *bp = json_null();

	for (int j = a; best > 1 && j < b; j++) {
		if (!odds_same_price(dec_of(res, j), best))
			continue;
		if (json_is_null(bp))
			bp = json_pack("{s:f, s:s?, s:o}", "decimal", best, "fractional", val(res, j, C_FRAC),
			    "bookmakers", json_incref(books));
		json_array_append_new(books, json_string(val(res, j, C_BOOK)));
	}
	json_decref(books);
	return json_pack("{s:s, s:s?, s:o, s:b, s:o}", "horse_id", val(res, a, C_HORSE),
	    "horse_name", val(res, a, C_HNAME), "number", num_or_null(res, a, C_NUMBER),
	    "favourite", favourite, "best_price", bp);
}

static int
pub_key_cmp(const char *h1, const char *b1, const char *h2, const char *b2)
{
	int c = strcmp(h1, h2);

	return c != 0 ? c : strcmp(b1, b2);
}

static struct pub_runner *
pub_runner_find(struct pub_race *r, const char *horse_id)
{
	for (size_t i = 0; i < r->nrunners; i++)
		if (strcmp(r->runners[i].horse_id, horse_id) == 0)
			return &r->runners[i];
	return NULL;
}

/* The stage transitions of a race to come, as timed messages to both channels. */
static void
pub_schedule(struct pub_race *r, PGresult *res, int row, time_t now)
{
	static const long at[] = { 7200, 1800, 300, 0 };
	char channel[PUSH_CHANNEL_MAX], off[32];

	snprintf(channel, sizeof(channel), "race-%s", r->race_id);
	clock_format_instant(r->off, off, sizeof(off));
	push_cancel(pub.push, r->race_id);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		time_t when = r->off - at[i] + 1;	/* the boundary itself is the earlier stage */
		const char *stage = odds_stage_name(odds_stage_of(at[i] - 1 < 0 ? -1 : at[i] - 1));
		const char *before = odds_stage_name(odds_stage_of(at[i] + 1));
		char ts[32];

		if (when <= now)
			continue;
		clock_format_instant(when, ts, sizeof(ts));
		for (int c = 0; c < 2; c++)
			push_at(pub.push, c == 0 ? channel : "board",
			    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s}", "type", "stage",
				"race_id", r->race_id, "stage", stage, "previous_stage", before,
				"off_dt", off, "course", val(res, row, C_COURSE),
				"race_name", val(res, row, C_NAME), "timestamp", ts),
			    when, r->race_id);
	}
}

/*
 * Compares the rows [a, b) of one race with what r held, queues the race's
 * delta, adds its board entry to board_races when something on the board
 * changed, and keeps the new state in r.
 */
static void
pub_race_diff(struct pub_race *r, PGresult *res, int a, int b, int fresh, time_t now,
    json_t *board_races, const char *committed_at)
{
	int quiet = board_races == NULL;	/* live_publish_prepare: the state only */

	json_t *prices = json_array(), *removed = json_array(), *runners = json_array();
	json_t *non_runners = json_array(), *board_best = json_array();
	struct pub_price *np = calloc((size_t)(b - a) + 1, sizeof(*np));
	struct pub_runner *nr = calloc((size_t)(b - a) + 1, sizeof(*nr));
	double *best = calloc((size_t)(b - a) + 1, sizeof(*best));
	int *first = calloc((size_t)(b - a) + 2, sizeof(*first));
	size_t i = 0, nrun = 0;
	double fav;
	int fav_changed = 0, fav_row = -1, joint = 0;
	char channel[PUSH_CHANNEL_MAX], off[32];

	if (np == NULL || nr == NULL || best == NULL || first == NULL)
		goto out;
	/* The prices: changed or new, then gone. */
	for (int j = a; j < b; j++) {
		const char *h = val(res, j, C_HORSE), *k = val(res, j, C_BOOK), *f = val(res, j, C_FRAC);
		double d = dec_of(res, j);

		while (i < r->nprices && pub_key_cmp(r->prices[i].horse_id, r->prices[i].bookmaker_id, h, k) < 0) {
			json_array_append_new(removed, json_pack("{s:s, s:s}", "horse_id",
			    r->prices[i].horse_id, "bookmaker_id", r->prices[i].bookmaker_id));
			i++;
		}
		if (i < r->nprices && pub_key_cmp(r->prices[i].horse_id, r->prices[i].bookmaker_id, h, k) == 0) {
			if (!odds_same_price(r->prices[i].decimal, d) ||
			    strcmp(r->prices[i].fractional, f ? f : "") != 0)
				json_array_append_new(prices, pub_price_json(res, j));
			i++;
		} else {
			json_array_append_new(prices, pub_price_json(res, j));
		}
		np[j - a].horse_id = strdup(h);
		np[j - a].bookmaker_id = strdup(k);
		np[j - a].decimal = d;
		snprintf(np[j - a].fractional, sizeof(np[j - a].fractional), "%s", f ? f : "");
	}
	for (; i < r->nprices; i++)
		json_array_append_new(removed, json_pack("{s:s, s:s}", "horse_id", r->prices[i].horse_id,
		    "bookmaker_id", r->prices[i].bookmaker_id));

	/* The runners: best prices, then the favourite. */
	for (int j = a; j < b; j++) {
		if (j == a || strcmp(val(res, j, C_HORSE), val(res, j - 1, C_HORSE)) != 0)
			first[nrun++] = j;
	}
	first[nrun] = b;
	for (size_t k = 0; k < nrun; k++) {
		double prices_of[512];
		int n = 0;

		for (int j = first[k]; j < first[k + 1] && n < 512; j++)
			prices_of[n++] = dec_of(res, j);
		best[k] = odds_best(prices_of, (size_t)n);
	}
	fav = odds_favourite_price(best, nrun);
	for (size_t k = 0; k < nrun; k++) {
		const char *h = val(res, first[k], C_HORSE);
		struct pub_runner *old = pub_runner_find(r, h);
		int is_fav = fav > 1 && odds_same_price(best[k], fav);

		nr[k].horse_id = strdup(h);
		nr[k].best = best[k];
		nr[k].favourite = is_fav;
		if (is_fav) {
			if (fav_row < 0)
				fav_row = first[k];
			else
				joint = 1;
		}
		if (old == NULL || old->favourite != is_fav)
			fav_changed = 1;
		if (old == NULL || !odds_same_price(old->best, best[k]) || old->favourite != is_fav) {
			json_array_append_new(runners, pub_runner_json(res, first[k], first[k + 1], best[k], is_fav));
			json_array_append_new(board_best, pub_runner_json(res, first[k], first[k + 1], best[k], is_fav));
		}
	}
	for (size_t k = 0; k < r->nrunners; k++) {
		int still = 0;

		for (size_t m = 0; m < nrun && !still; m++)
			still = strcmp(nr[m].horse_id, r->runners[k].horse_id) == 0;
		if (!still) {
			json_array_append_new(non_runners, json_string(r->runners[k].horse_id));
			fav_changed |= r->runners[k].favourite;
		}
	}

	snprintf(channel, sizeof(channel), "race-%s", r->race_id);
	clock_format_instant(r->off, off, sizeof(off));
	if (quiet)
		goto keep;
	if ((json_array_size(prices) || json_array_size(removed) ||
	    json_array_size(non_runners))) {
		push_send(pub.push, channel, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
		    "type", "prices", "race_id", r->race_id, "off_dt", off,
		    "prices", json_incref(prices), "removed", json_incref(removed),
		    "non_runners", json_incref(non_runners), "runners", json_incref(runners),
		    "committed_at", committed_at));
	}
	if (fresh || fav_changed || json_array_size(board_best) || json_array_size(non_runners)) {
		json_t *favourite = fav_row < 0 ? json_null() :
		    json_pack("{s:s, s:s?, s:o, s:f, s:b}", "horse_id", val(res, fav_row, C_HORSE),
			"horse_name", val(res, fav_row, C_HNAME), "number", num_or_null(res, fav_row, C_NUMBER),
			"decimal", fav, "joint", joint);

		json_array_append_new(board_races, json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:s, s:s, s:I, s:o, s:o}",
		    "race_id", r->race_id, "added", fresh, "course", val(res, a, C_COURSE),
		    "race_name", val(res, a, C_NAME), "race_date", val(res, a, C_DATE), "off_dt", off,
		    "stage", odds_stage_name(odds_stage_of((long)(r->off - now))),
		    "runner_count", (json_int_t)nrun, "favourite", favourite,
		    "runners", fresh ? json_array() : json_incref(board_best)));
	}
	pub_schedule(r, res, a, now);
keep:
	/* Keep the new state. */
	pub_race_clear(r);
	r->prices = np;
	r->nprices = (size_t)(b - a);
	r->runners = nr;
	r->nrunners = nrun;
	np = NULL;
	nr = NULL;
out:
	free(np);
	free(nr);
	free(best);
	free(first);
	json_decref(prices);
	json_decref(removed);
	json_decref(runners);
	json_decref(non_runners);
	json_decref(board_best);
}

/* The live rows of the cards' races (those not held yet when unknown_only); NULL when none or failed. */
static PGresult *
pub_read(struct db *db, const struct rapi_racecards *rc, time_t now, int unknown_only)
{
	struct buf ids;
	const char *params[1];
	PGresult *res;
	int n;

	buf_init(&ids, 1024 * 1024);
	n = pub_ids(rc, now, unknown_only, &ids);
	if (n <= 0) {
		buf_free(&ids);
		return NULL;
	}
	params[0] = buf_str(&ids);
	res = db_exec(db, sql_read, 1, params);
	buf_free(&ids);
	if (res == NULL)
		log_warn("push: could not read the live prices: %s", db_error(db));
	return res;
}

void
live_publish_prepare(struct db *db, const struct rapi_racecards *rc, time_t now)
{
	PGresult *res;
	int rows;

	if (pub.push == NULL || (res = pub_read(db, rc, now, 1)) == NULL)
		return;
	rows = PQntuples(res);
	for (int a = 0, b; a < rows; a = b) {
		const char *race_id = PQgetvalue(res, a, C_RACE);
		struct pub_race *r;
		long off = 0;

		for (b = a + 1; b < rows && strcmp(PQgetvalue(res, b, C_RACE), race_id) == 0; b++)
			;
		if ((r = pub_add(race_id)) == NULL)
			continue;
		num_parse_long(PQgetvalue(res, a, C_OFF), 0, 1L << 40, &off);
		r->off = (time_t)off;
		pub_race_diff(r, res, a, b, 1, now, NULL, NULL);
	}
	PQclear(res);
}

void
live_publish_day(struct db *db, const struct rapi_racecards *rc, time_t now)
{
	struct timeval tv;
	char committed_at[40], ts[32];
	json_t *board_races, *board_removed;
	PGresult *res;
	int rows, races = 0;
	int64_t t0 = clock_mono_ms(), t_read;
	struct push_stats before, after;

	if (pub.push == NULL)
		return;
	push_get_stats(pub.push, &before);
	/* The commit's instant, wall clock with milliseconds (COMMIT-to-subscriber latency). */
	gettimeofday(&tv, NULL);
	clock_format_instant(tv.tv_sec, ts, sizeof(ts));
	snprintf(committed_at, sizeof(committed_at), "%.19s.%03ldZ", ts, (long)(tv.tv_usec / 1000));
	if ((res = pub_read(db, rc, now, 0)) == NULL)
		return;
	t_read = clock_mono_ms() - t0;
	board_races = json_array();
	board_removed = json_array();
	for (size_t i = 0; i < pub.nraces; i++)
		pub.races[i].seen = 0;
	rows = PQntuples(res);
	for (int a = 0, b; a < rows; a = b) {
		const char *race_id = PQgetvalue(res, a, C_RACE);
		struct pub_race *r = pub_find(race_id);
		int fresh = r == NULL;
		long off = 0;

		for (b = a + 1; b < rows && strcmp(PQgetvalue(res, b, C_RACE), race_id) == 0; b++)
			;
		if (r == NULL && (r = pub_add(race_id)) == NULL)
			continue;
		num_parse_long(PQgetvalue(res, a, C_OFF), 0, 1L << 40, &off);
		r->off = (time_t)off;
		r->seen = 1;
		pub_race_diff(r, res, a, b, fresh, now, board_races, committed_at);
		races++;
	}
	PQclear(res);
	/* Races of these cards that were listed and have no price now; races long off. */
	for (size_t i = 0; i < pub.nraces;) {
		struct pub_race *r = &pub.races[i];
		int listed = 0;

		for (size_t k = 0; rc != NULL && k < rc->n && !listed; k++)
			listed = rc->races[k].race_id != NULL && strcmp(rc->races[k].race_id, r->race_id) == 0;
		if (listed && !r->seen && r->off > now) {
			json_array_append_new(board_removed, json_string(r->race_id));
			push_cancel(pub.push, r->race_id);
			pub_remove(r);
		} else if (r->off + PUB_KEEP_AFTER_OFF_S < now) {
			pub_remove(r);
		} else {
			i++;
		}
	}
	if (json_array_size(board_races) || json_array_size(board_removed))
		push_send(pub.push, "board", json_pack("{s:s, s:o, s:o, s:s}", "type", "board",
		    "races", board_races, "removed", board_removed, "committed_at", committed_at));
	else {
		json_decref(board_races);
		json_decref(board_removed);
	}
	push_get_stats(pub.push, &after);
	log_debug("push: %d prices of %d races read back in %lld ms, compared in %lld ms (%ld published meanwhile)",
	    rows, races, (long long)t_read, (long long)(clock_mono_ms() - t0 - t_read),
	    after.published - before.published);
}
