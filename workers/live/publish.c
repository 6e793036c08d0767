/*
 * publish: dh-live's live push (see live.h and shared/push.h).
 *
 * Each race's prices are held here as the database has them after the last
 * commit.  Before a day's prices are written (live_publish_prepare), the
 * prices that cycle writes are compared with what is held, in memory: the
 * rows store.c writes (live_race_stored, live_price_usable) are exactly the
 * rows of those races in ra_odds_live after its COMMIT, so nothing is read
 * back.  The differences wait as small JSON deltas with the REST API's field
 * names, and go to the push thread right after the COMMIT (live_publish_day);
 * a rolled-back day drops them and keeps what was held:
 *
 *   race-ID  {"type": "prices", "race_id", "prices": [changed or new
 *            prices], "removed": [prices gone], "non_runners": [horse ids
 *            whose every price went], "runners": [runners whose best price
 *            or favourite mark changed]}
 *   board    {"type": "board", "races": [races added, or whose favourite or a
 *            best price changed], "removed": [race ids no longer listed]}
 *
 * The board's message goes first (it has most subscribers), then the races'.
 * Each race's stage transitions (pre_race at 120 minutes to the off,
 * going_to_post at 30, at_post at 5, off at the off) are handed to the push
 * thread as timed messages {"type": "stage"} to both channels, sent on time
 * whether or not a cycle runs then.  Races not held yet (the first cycle
 * after start, a new day's cards) are read from the database first, so that
 * the first commit has something to compare with; a race with no price then
 * is "added" on the board.  The push layer sends each channel a "resync" the
 * first time this process uses it.  Nothing here fails the cycle: a failed
 * read is logged, and the race is then "added" on the board.
 */
#include <math.h>
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

/* Column numbers of sql_read. */
enum { C_RACE, C_OFF, C_COURSE, C_NAME, C_DATE, C_HORSE, C_HNAME, C_NUMBER, C_BOOK, C_BNAME,
       C_FRAC, C_DEC, C_CHANGED };

/* One price as ra_odds_live has it (after the commit); strings borrowed. */
struct pub_row {
	const char *course, *race_name, *race_date, *horse_id, *horse_name;
	const char *bookmaker_id, *bookmaker_name, *fractional, *changed_at;
	int         has_number;
	long        number;
	double      decimal;	/* numeric(10,3) */
	double      written;	/* the value written, which the database compares with the stored one */
	char        frac[16], changed[40];
};

struct pub_price {
	char   *horse_id;
	char   *bookmaker_id;
	char   *fractional;
	double  decimal;
	char    changed_at[40];
};

struct pub_runner {
	char   *horse_id;
	double  best;
	int     favourite;
};

struct pub_race {
	char               race_id[64];
	time_t             off;
	char              *course, *race_name;
	struct pub_price  *prices;	/* by horse_id, bookmaker_id (byte order) */
	size_t             nprices;
	struct pub_runner *runners;	/* by horse_id */
	size_t             nrunners;
};

/* What a day's commit publishes and makes the held state: a race's new state or its end. */
struct pub_next {
	struct pub_race race;	/* the new state (owned) */
	int             gone;	/* no price left: forgotten, its timers cancelled */
	char           *msg;	/* its delta as JSON text (a day's first holds ~14,000 prices), or NULL */
};

static struct {
	struct push     *push;
	struct pub_race *races;
	size_t           nraces;
	/* Waiting for the day's COMMIT. */
	struct pub_next *next;
	size_t           nnext;
	json_t          *board_races, *board_removed;
} pub;

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
		free(r->prices[i].fractional);
	}
	for (size_t i = 0; i < r->nrunners; i++)
		free(r->runners[i].horse_id);
	free(r->prices);
	free(r->runners);
	free(r->course);
	free(r->race_name);
	r->prices = NULL;
	r->runners = NULL;
	r->course = r->race_name = NULL;
	r->nprices = r->nrunners = 0;
}

/* Drops what waits for a commit (the day was rolled back, or nothing was published). */
static void
pub_next_free(void)
{
	for (size_t i = 0; i < pub.nnext; i++) {
		pub_race_clear(&pub.next[i].race);
		free(pub.next[i].msg);
	}
	free(pub.next);
	json_decref(pub.board_races);
	json_decref(pub.board_removed);
	pub.next = NULL;
	pub.nnext = 0;
	pub.board_races = pub.board_removed = NULL;
}

void
live_publish_free(void)
{
	push_free(pub.push, 1000);
	pub_next_free();
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

/*
 * '{"id1","id2"}': the ids of the races this day writes that are not held
 * yet, as a text[] literal (ids hold no quote or backslash).
 */
static int
pub_ids(const struct rapi_racecards *rc, time_t now, struct buf *b)
{
	int n = 0;

	buf_addstr(b, "{");
	for (size_t i = 0; rc != NULL && i < rc->n; i++) {
		const struct rapi_race *race = &rc->races[i];

		if (!live_race_stored(race, now) || strpbrk(race->race_id, "\"\\{},") != NULL ||
		    pub_find(race->race_id) != NULL)
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

static json_t *
pub_number(const struct pub_row *w)
{
	return w->has_number ? json_integer(w->number) : json_null();
}

/* One price, as /api/races/{id}/odds names its fields. */
static json_t *
pub_price_json(const struct pub_row *w)
{
	return json_pack("{s:s, s:s?, s:o, s:s, s:s?, s:s?, s:f, s:s?}",
	    "horse_id", w->horse_id, "horse_name", w->horse_name, "number", pub_number(w),
	    "bookmaker_id", w->bookmaker_id, "bookmaker", w->bookmaker_name,
	    "fractional", w->fractional, "decimal", w->decimal, "changed_at", w->changed_at);
}

/*
 * The runner of rows [a, b) (one horse): best price with its bookmakers, as
 * the REST API's best_price, and the favourite mark.
 */
static json_t *
pub_runner_json(const struct pub_row *w, size_t a, size_t b, double best, int favourite)
{
	json_t *books = json_array(), *bp = json_null();

	for (size_t j = a; best > 1 && j < b; j++) {
		if (!odds_same_price(w[j].decimal, best))
			continue;
		if (json_is_null(bp))
			bp = json_pack("{s:f, s:s?, s:o}", "decimal", best, "fractional", w[j].fractional,
			    "bookmakers", json_incref(books));
		json_array_append_new(books, json_string(w[j].bookmaker_id));
	}
	json_decref(books);
	return json_pack("{s:s, s:s?, s:o, s:b, s:o}", "horse_id", w[a].horse_id,
	    "horse_name", w[a].horse_name, "number", pub_number(&w[a]),
	    "favourite", favourite, "best_price", bp);
}

static int
pub_key_cmp(const char *h1, const char *b1, const char *h2, const char *b2)
{
	int c = strcmp(h1, h2);

	return c != 0 ? c : strcmp(b1, b2);
}

static int
pub_row_cmp(const void *x, const void *y)
{
	const struct pub_row *a = x, *b = y;

	return pub_key_cmp(a->horse_id, a->bookmaker_id, b->horse_id, b->bookmaker_id);
}

static struct pub_runner *
pub_runner_find(const struct pub_race *r, const char *horse_id)
{
	for (size_t i = 0; r != NULL && i < r->nrunners; i++)
		if (strcmp(r->runners[i].horse_id, horse_id) == 0)
			return &r->runners[i];
	return NULL;
}

static const struct pub_price *
pub_price_find(const struct pub_race *r, const char *horse_id, const char *bookmaker_id)
{
	size_t lo = 0, hi = r != NULL ? r->nprices : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = pub_key_cmp(r->prices[mid].horse_id, r->prices[mid].bookmaker_id, horse_id, bookmaker_id);

		if (c == 0)
			return &r->prices[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The stage transitions of a race to come, as timed messages to both channels. */
static void
pub_schedule(const struct pub_race *r, time_t now)
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
				"off_dt", off, "course", r->course, "race_name", r->race_name, "timestamp", ts),
			    when, r->race_id);
	}
}

/*
 * Compares the rows w[0, n) of race race_id (sorted by horse, bookmaker;
 * n >= 1) with old (NULL: not held, fresh), and fills next: the new state,
 * and unless quiet the race's delta (NULL when nothing changed) and its
 * board entry (appended to board_races when something on the board changed).
 * 0, or -1 when out of memory (next is then empty).
 */
static int
pub_race_diff(const char *race_id, time_t off, const struct pub_row *w, size_t n,
    const struct pub_race *old, time_t now, int quiet, struct pub_next *next, json_t *board_races)
{
	json_t *prices = json_array(), *removed = json_array(), *runners = json_array();
	json_t *non_runners = json_array(), *board_best = json_array();
	struct pub_race *r = &next->race;
	double *best = calloc(n + 1, sizeof(*best));
	size_t *first = calloc(n + 2, sizeof(*first));
	size_t i = 0, nrun = 0, nold = old != NULL ? old->nprices : 0;
	double fav;
	int fav_changed = 0, joint = 0, fresh = old == NULL, rc = -1;
	size_t fav_row = 0;
	int has_fav = 0;
	char off_s[32];

	memset(next, 0, sizeof(*next));
	snprintf(r->race_id, sizeof(r->race_id), "%s", race_id);
	r->off = off;
	r->course = w[0].course != NULL ? strdup(w[0].course) : NULL;
	r->race_name = w[0].race_name != NULL ? strdup(w[0].race_name) : NULL;
	r->prices = calloc(n, sizeof(*r->prices));
	r->runners = calloc(n, sizeof(*r->runners));
	if (r->prices == NULL || r->runners == NULL || best == NULL || first == NULL)
		goto out;
	/* The prices: changed or new, then gone. */
	for (size_t j = 0; j < n; j++) {
		struct pub_price *np = &r->prices[j];

		while (i < nold && pub_key_cmp(old->prices[i].horse_id, old->prices[i].bookmaker_id,
		    w[j].horse_id, w[j].bookmaker_id) < 0) {
			json_array_append_new(removed, json_pack("{s:s, s:s}", "horse_id",
			    old->prices[i].horse_id, "bookmaker_id", old->prices[i].bookmaker_id));
			i++;
		}
		if (i < nold && pub_key_cmp(old->prices[i].horse_id, old->prices[i].bookmaker_id,
		    w[j].horse_id, w[j].bookmaker_id) == 0) {
			if (!odds_same_price(old->prices[i].decimal, w[j].decimal) ||
			    strcmp(old->prices[i].fractional, w[j].fractional ? w[j].fractional : "") != 0)
				json_array_append_new(prices, pub_price_json(&w[j]));
			i++;
		} else {
			json_array_append_new(prices, pub_price_json(&w[j]));
		}
		np->horse_id = strdup(w[j].horse_id);
		np->bookmaker_id = strdup(w[j].bookmaker_id);
		np->fractional = strdup(w[j].fractional ? w[j].fractional : "");
		np->decimal = w[j].decimal;
		snprintf(np->changed_at, sizeof(np->changed_at), "%s", w[j].changed_at ? w[j].changed_at : "");
		r->nprices++;
		if (np->horse_id == NULL || np->bookmaker_id == NULL || np->fractional == NULL)
			goto out;
	}
	for (; i < nold; i++)
		json_array_append_new(removed, json_pack("{s:s, s:s}", "horse_id", old->prices[i].horse_id,
		    "bookmaker_id", old->prices[i].bookmaker_id));

	/* The runners: best prices, then the favourite. */
	for (size_t j = 0; j < n; j++)
		if (j == 0 || strcmp(w[j].horse_id, w[j - 1].horse_id) != 0)
			first[nrun++] = j;
	first[nrun] = n;
	for (size_t k = 0; k < nrun; k++) {
		double prices_of[512];
		size_t m = 0;

		for (size_t j = first[k]; j < first[k + 1] && m < 512; j++)
			prices_of[m++] = w[j].decimal;
		best[k] = odds_best(prices_of, m);
	}
	fav = odds_favourite_price(best, nrun);
	for (size_t k = 0; k < nrun; k++) {
		const char *h = w[first[k]].horse_id;
		const struct pub_runner *was = pub_runner_find(old, h);
		int is_fav = fav > 1 && odds_same_price(best[k], fav);

		if ((r->runners[k].horse_id = strdup(h)) == NULL)
			goto out;
		r->runners[k].best = best[k];
		r->runners[k].favourite = is_fav;
		r->nrunners++;
		if (is_fav) {
			if (!has_fav) {
				fav_row = first[k];
				has_fav = 1;
			} else {
				joint = 1;
			}
		}
		if (was == NULL || was->favourite != is_fav)
			fav_changed = 1;
		if (was == NULL || !odds_same_price(was->best, best[k]) || was->favourite != is_fav) {
			json_array_append_new(runners, pub_runner_json(w, first[k], first[k + 1], best[k], is_fav));
			json_array_append_new(board_best, pub_runner_json(w, first[k], first[k + 1], best[k], is_fav));
		}
	}
	for (size_t k = 0; old != NULL && k < old->nrunners; k++) {
		int still = 0;

		for (size_t m = 0; m < nrun && !still; m++)
			still = strcmp(r->runners[m].horse_id, old->runners[k].horse_id) == 0;
		if (!still) {
			json_array_append_new(non_runners, json_string(old->runners[k].horse_id));
			fav_changed |= old->runners[k].favourite;
		}
	}
	rc = 0;
	if (quiet)
		goto out;
	clock_format_instant(off, off_s, sizeof(off_s));
	if (json_array_size(prices) || json_array_size(removed) || json_array_size(non_runners)) {
		json_t *msg = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O}",
		    "type", "prices", "race_id", race_id, "off_dt", off_s,
		    "prices", prices, "removed", removed, "non_runners", non_runners, "runners", runners);

		/* Held as text until the commit: a tree of every price took 16 MB on a day's first cycle. */
		next->msg = msg != NULL ? json_dumps(msg, JSON_COMPACT) : NULL;
		json_decref(msg);
		if (next->msg == NULL) {
			rc = -1;
			goto out;
		}
	}
	if (fresh || fav_changed || json_array_size(board_best) || json_array_size(non_runners)) {
		json_t *favourite = !has_fav ? json_null() :
		    json_pack("{s:s, s:s?, s:o, s:f, s:b}", "horse_id", w[fav_row].horse_id,
			"horse_name", w[fav_row].horse_name, "number", pub_number(&w[fav_row]),
			"decimal", fav, "joint", joint);

		char now_s[32];

		/* The board's prices_updated_at (the rows written) when a price was. */
		clock_format_instant(now, now_s, sizeof(now_s));
		json_array_append_new(board_races, json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:s, s:s, s:I, s:o, s:o, s:s?}",
		    "race_id", race_id, "added", fresh, "course", w[0].course,
		    "race_name", w[0].race_name, "race_date", w[0].race_date, "off_dt", off_s,
		    "stage", odds_stage_name(odds_stage_of((long)(off - now))),
		    "runner_count", (json_int_t)nrun, "favourite", favourite,
		    "runners", fresh ? json_array() : json_incref(board_best),
		    "prices_updated_at", json_array_size(prices) ? now_s : NULL));
	}
out:
	if (rc < 0) {
		pub_race_clear(r);
		free(next->msg);
		next->msg = NULL;
		log_warn("push: out of memory comparing race %s", race_id);
	}
	free(best);
	free(first);
	json_decref(prices);
	json_decref(removed);
	json_decref(runners);
	json_decref(non_runners);
	json_decref(board_best);
	return rc;
}

/* Makes next the held state of its race (a new entry when not held). */
static void
pub_keep(struct pub_next *next)
{
	struct pub_race *r = pub_find(next->race.race_id);

	if (r == NULL && (r = pub_add(next->race.race_id)) == NULL) {
		pub_race_clear(&next->race);
		return;
	}
	pub_race_clear(r);
	*r = next->race;
	memset(&next->race, 0, sizeof(next->race));
}

/* The row j of sql_read as a pub_row. */
static void
pub_row_of_result(PGresult *res, int j, struct pub_row *w)
{
	const char *dec = val(res, j, C_DEC);

	memset(w, 0, sizeof(*w));
	w->course = val(res, j, C_COURSE);
	w->race_name = val(res, j, C_NAME);
	w->race_date = val(res, j, C_DATE);
	w->horse_id = PQgetvalue(res, j, C_HORSE);
	w->horse_name = val(res, j, C_HNAME);
	w->bookmaker_id = PQgetvalue(res, j, C_BOOK);
	w->bookmaker_name = val(res, j, C_BNAME);
	w->fractional = val(res, j, C_FRAC);
	w->changed_at = val(res, j, C_CHANGED);
	w->decimal = w->written = dec != NULL ? strtod(dec, NULL) : 0;
	w->has_number = val(res, j, C_NUMBER) != NULL &&
	    num_parse_long(val(res, j, C_NUMBER), -1000000, 1000000, &w->number) == 0;
}

/*
 * The races this day writes that are not held yet, as the database has them
 * now (before the day's transaction): what its commit is compared with.
 */
static void
pub_read_unknown(struct db *db, const struct rapi_racecards *rc, time_t now)
{
	struct buf ids;
	const char *params[1];
	struct pub_row *w = NULL;
	char channel[PUSH_CHANNEL_MAX];
	PGresult *res;
	int n, rows;

	buf_init(&ids, 1024 * 1024);
	n = pub_ids(rc, now, &ids);
	if (n <= 0) {
		buf_free(&ids);
		return;
	}
	params[0] = buf_str(&ids);
	res = db_exec(db, sql_read, 1, params);
	buf_free(&ids);
	if (res == NULL) {
		log_warn("push: could not read the live prices: %s", db_error(db));
		return;
	}
	rows = PQntuples(res);
	if (rows > 0 && (w = calloc((size_t)rows, sizeof(*w))) == NULL)
		rows = 0;
	for (int j = 0; j < rows; j++)
		pub_row_of_result(res, j, &w[j]);
	for (int a = 0, b; a < rows; a = b) {
		const char *race_id = PQgetvalue(res, a, C_RACE);
		struct pub_next next;
		long off = 0;

		for (b = a + 1; b < rows && strcmp(PQgetvalue(res, b, C_RACE), race_id) == 0; b++)
			;
		num_parse_long(PQgetvalue(res, a, C_OFF), 0, 1L << 40, &off);
		if (pub_race_diff(race_id, (time_t)off, &w[a], (size_t)(b - a), NULL, now, 1, &next, NULL) == 0)
			pub_keep(&next);
		/* Its channel's first-use resync goes now, during the day's write, not before its first delta. */
		snprintf(channel, sizeof(channel), "race-%s", race_id);
		push_open(pub.push, channel);
	}
	if (rows > 0)
		push_open(pub.push, "board");
	free(w);
	PQclear(res);
}

/*
 * The rows store.c writes for race (live_race_stored), sorted by horse and
 * bookmaker, into w (room for every price of the race); their count.
 * changed_at is the held one while the stored decimal equals the written one
 * (store.c's price_changed_at rule), else now_s.
 */
static size_t
pub_rows_of_race(const struct rapi_race *race, const struct pub_race *old, const char *now_s,
    const char *race_date, struct pub_row *w)
{
	size_t n = 0;

	for (size_t r = 0; r < race->n_runners; r++) {
		const struct rapi_runner *run = &race->runners[r];

		for (size_t k = 0; k < run->n_odds; k++) {
			const struct rapi_odds *o = &run->odds[k];
			const struct pub_price *was;
			struct pub_row *x = &w[n];
			char dec[32];

			if (!live_price_usable(o))
				continue;
			memset(x, 0, sizeof(*x));
			x->course = race->course;
			x->race_name = race->race_name;
			x->race_date = race_date;
			x->horse_id = run->horse_id;
			x->horse_name = run->horse;
			x->bookmaker_id = o->bookmaker_id;
			x->bookmaker_name = o->bookmaker;
			x->has_number = run->number_n.present;
			x->number = run->number_n.v;
			/* As store.c's row: "%.10g" into numeric, stored at numeric(10,3). */
			snprintf(dec, sizeof(dec), "%.10g", o->decimal.v);
			x->written = strtod(dec, NULL);
			x->decimal = round(x->written * 1000) / 1000;
			if (o->fractional != NULL) {
				x->fractional = o->fractional;
			} else {
				snprintf(x->frac, sizeof(x->frac), "%.3f", o->decimal.v);
				x->fractional = x->frac;
			}
			was = pub_price_find(old, x->horse_id, x->bookmaker_id);
			snprintf(x->changed, sizeof(x->changed), "%s",
			    was != NULL && fabs(was->decimal - x->written) < 1e-9 ? was->changed_at : now_s);
			x->changed_at = x->changed;
			n++;
		}
	}
	qsort(w, n, sizeof(*w), pub_row_cmp);
	return n;
}

void
live_publish_prepare(struct db *db, const struct rapi_racecards *rc, time_t now)
{
	struct pub_row *w = NULL;
	size_t cap = 0;
	char now_s[40], ts[32];

	pub_next_free();
	if (pub.push == NULL)
		return;
	pub_read_unknown(db, rc, now);
	clock_format_instant(now, ts, sizeof(ts));
	snprintf(now_s, sizeof(now_s), "%.19s+00:00", ts);	/* as to_json(timestamptz) in UTC */
	pub.board_races = json_array();
	pub.board_removed = json_array();
	pub.next = calloc(rc != NULL && rc->n > 0 ? rc->n : 1, sizeof(*pub.next));
	if (pub.next == NULL || pub.board_races == NULL || pub.board_removed == NULL) {
		pub_next_free();
		return;
	}
	for (size_t i = 0; rc != NULL && i < rc->n; i++) {
		const struct rapi_race *race = &rc->races[i];
		const struct pub_race *old;
		struct pub_next *next = &pub.next[pub.nnext];
		struct clock_date day;
		char race_date[11];
		size_t need = 0, n;

		if (!live_race_stored(race, now))
			continue;	/* not written: the database keeps what it has, so does this */
		old = pub_find(race->race_id);
		for (size_t r = 0; r < race->n_runners; r++)
			need += race->runners[r].n_odds;
		if (need > cap) {
			struct pub_row *grown = realloc(w, need * sizeof(*w));

			if (grown == NULL)
				continue;
			w = grown;
			cap = need;
		}
		day = clock_racing_day(race->off_dt.v);
		clock_format_date(&day, race_date, sizeof(race_date));
		n = pub_rows_of_race(race, old, now_s, race_date, w);
		if (n == 0) {
			/* Every price of the race deleted: gone from the board. */
			if (old != NULL) {
				memset(next, 0, sizeof(*next));
				snprintf(next->race.race_id, sizeof(next->race.race_id), "%s", race->race_id);
				next->gone = 1;
				json_array_append_new(pub.board_removed, json_string(race->race_id));
				pub.nnext++;
			}
			continue;
		}
		if (pub_race_diff(race->race_id, race->off_dt.v, w, n, old, now, 0, next, pub.board_races) == 0)
			pub.nnext++;
	}
	free(w);
}

void
live_publish_day(struct db *db, const struct rapi_racecards *rc, time_t now)
{
	struct timeval tv;
	char committed_at[40], ca_field[64], ts[32];
	json_t *ca;
	int64_t t0 = clock_mono_ms();
	size_t sent = 0;

	(void)db;
	(void)rc;
	if (pub.push == NULL || pub.next == NULL)
		return;
	/* The commit's instant, wall clock with milliseconds (COMMIT-to-subscriber latency). */
	gettimeofday(&tv, NULL);
	clock_format_instant(tv.tv_sec, ts, sizeof(ts));
	snprintf(committed_at, sizeof(committed_at), "%.19s.%03ldZ", ts, (long)(tv.tv_usec / 1000));
	ca = json_string(committed_at);
	snprintf(ca_field, sizeof(ca_field), "\"committed_at\":\"%s\"", committed_at);
	if (json_array_size(pub.board_races) || json_array_size(pub.board_removed)) {
		push_send(pub.push, "board", json_pack("{s:s, s:O, s:O, s:O}", "type", "board",
		    "races", pub.board_races, "removed", pub.board_removed, "committed_at", ca));
		sent++;
	}
	for (size_t i = 0; i < pub.nnext; i++) {
		struct pub_next *next = &pub.next[i];
		char channel[PUSH_CHANNEL_MAX];

		if (next->msg == NULL)
			continue;
		snprintf(channel, sizeof(channel), "race-%s", next->race.race_id);
		push_send_text(pub.push, channel, push_text_prepend(ca_field, next->msg));
		free(next->msg);
		next->msg = NULL;
		sent++;
	}
	json_decref(ca);
	/* What was published is what is held now; timers follow the new offs. */
	for (size_t i = 0; i < pub.nnext; i++) {
		struct pub_next *next = &pub.next[i];
		struct pub_race *r;
		char race_id[sizeof(next->race.race_id)];

		memcpy(race_id, next->race.race_id, sizeof(race_id));
		if (next->gone) {
			push_cancel(pub.push, race_id);
			if ((r = pub_find(race_id)) != NULL)
				pub_remove(r);
			continue;
		}
		pub_keep(next);
		if ((r = pub_find(race_id)) != NULL)
			pub_schedule(r, now);
	}
	/* Races long off. */
	for (size_t i = 0; i < pub.nraces;) {
		if (pub.races[i].off + PUB_KEEP_AFTER_OFF_S < now)
			pub_remove(&pub.races[i]);
		else
			i++;
	}
	log_debug("push: %zu messages of %zu races queued %lld ms after COMMIT", sent, pub.nnext,
	    (long long)(clock_mono_ms() - t0));
	pub_next_free();
}
