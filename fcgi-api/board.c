/* board: runners' aggregated prices into race objects in one pass (see board.h). */
#include "board.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "market.h"
#include "odds.h"

static int
board_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

int
board_tokens(const char *json, struct board_tok *toks, int max)
{
	const char *p = json;
	int n = 0;

	while (board_space(*p))
		p++;
	if (*p++ != '[')
		return -1;
	for (;;) {
		const char *start;

		while (board_space(*p))
			p++;
		if (*p == ']' && n == 0)
			return 0;
		start = p;
		if (*p == '"') {
			for (p++; *(p += strcspn(p, "\"\\")) != '"'; p += 2)
				if (*p == '\0' || p[1] == '\0')
					return -1;	/* unterminated, or a final backslash */
			p++;
		} else {
			while (*p != '\0' && *p != ',' && *p != ']' && !board_space(*p))
				p++;
			if (p == start)
				return -1;
		}
		if (n < max) {
			toks[n].p = start;
			toks[n].len = (size_t)(p - start);
		}
		n++;
		while (board_space(*p))
			p++;
		if (*p == ']')
			return n;
		if (*p++ != ',')
			return -1;
	}
}

/* A value, or NULL when the column is absent or the value SQL NULL. */
static const char *
board_val(const struct board *b, int row, int col)
{
	if (col < 0 || PQgetisnull(b->res, row, col))
		return NULL;
	return PQgetvalue(b->res, row, col);
}

/*
 * A price token as a double: "3.750" (numeric(10,3) as json_agg writes it)
 * read digit by digit, strtod being slow; anything else is 0 (no price).
 */
static double
board_decimal(const struct board_tok *t)
{
	double v = 0, scale = 1;
	size_t i = 0;

	while (i < t->len && t->p[i] >= '0' && t->p[i] <= '9')
		v = v * 10 + (t->p[i++] - '0');
	if (i == 0)
		return 0;
	if (i < t->len && t->p[i] == '.')
		for (i++; i < t->len && t->p[i] >= '0' && t->p[i] <= '9'; i++) {
			scale /= 10;
			v += (t->p[i] - '0') * scale;
		}
	return i == t->len ? v : 0;
}

/* The columns of each array kind (-1 when absent). */
static void
board_array_cols(const struct board *b, int cols[BOARD_NARRAYS])
{
	cols[BOARD_ID] = b->c.bookmakers;
	cols[BOARD_FRAC] = b->c.fractionals;
	cols[BOARD_DEC] = b->c.decimals;
	cols[BOARD_NAME] = b->c.names;
	cols[BOARD_EWP] = b->c.ew_places;
	cols[BOARD_EWD] = b->c.ew_denoms;
	cols[BOARD_CHANGED] = b->c.changed;
}

/*
 * Parses every row's arrays into the pools.  Each array of a row must have
 * as many values as its bookmakers.  Returns 0 or -1.
 */
static int
board_parse(struct board *b)
{
	int cols[BOARD_NARRAYS], total = 0;

	board_array_cols(b, cols);
	/* Upper bound of the values: one per comma, plus one, a row. */
	for (int i = 0; i < b->nrows; i++) {
		const char *v = board_val(b, i, cols[BOARD_ID]);

		for (total++; v != NULL && *v != '\0'; v++)
			total += *v == ',';
	}
	for (int k = 0; k < BOARD_NARRAYS; k++) {
		b->tok[k] = cols[k] >= 0 ? malloc((size_t)total * sizeof(struct board_tok)) : NULL;
		if (cols[k] >= 0 && b->tok[k] == NULL)
			return -1;
	}
	b->dec = malloc((size_t)total * sizeof(double));
	if (b->dec == NULL)
		return -1;
	b->first[0] = 0;
	for (int i = 0; i < b->nrows; i++) {
		int at = b->first[i], n = -1;
		int room = total - at < BOARD_MAX_PRICES ? total - at : BOARD_MAX_PRICES;

		for (int k = 0; k < BOARD_NARRAYS; k++) {
			const char *v = board_val(b, i, cols[k]);
			int got;

			if (cols[k] < 0)
				continue;
			got = v != NULL ? board_tokens(v, b->tok[k] + at, room) : 0;
			if (got < 0 || (n >= 0 && got != n))
				return -1;
			n = got;
		}
		if (n > room)
			n = room;	/* more bookmakers than BOARD_MAX_PRICES: the rest are left out */
		for (int j = 0; j < n; j++)
			b->dec[at + j] = board_decimal(&b->tok[BOARD_DEC][at + j]);
		b->best[i] = odds_best(b->dec + at, (size_t)n);
		b->consensus[i] = market_median(b->dec + at, (size_t)n);
		b->first[i + 1] = at + n;
	}
	return 0;
}

int
board_init(struct board *b, const PGresult *res)
{
	struct board_cols *c = &b->c;

	memset(b, 0, sizeof(*b));
	b->res = res;
	b->nrows = PQntuples(res);
	c->race_id = PQfnumber(res, "race_id");
	c->race_date = PQfnumber(res, "race_date");
	c->off_dt = PQfnumber(res, "off_dt");
	c->course_id = PQfnumber(res, "course_id");
	c->course = PQfnumber(res, "course");
	c->region_code = PQfnumber(res, "region_code");
	c->race_name = PQfnumber(res, "race_name");
	c->horse_id = PQfnumber(res, "horse_id");
	c->horse_name = PQfnumber(res, "horse_name");
	c->number = PQfnumber(res, "number");
	c->fetched_at = PQfnumber(res, "fetched_at");
	c->race_type = PQfnumber(res, "race_type");
	c->distance = PQfnumber(res, "distance");
	c->field_size = PQfnumber(res, "field_size");
	c->bookmakers = PQfnumber(res, "bookmakers");
	c->fractionals = PQfnumber(res, "fractionals");
	c->decimals = PQfnumber(res, "decimals");
	c->names = PQfnumber(res, "bookmaker_names");
	c->ew_places = PQfnumber(res, "ew_places");
	c->ew_denoms = PQfnumber(res, "ew_denoms");
	c->changed = PQfnumber(res, "changed");
	if (c->race_id < 0 || c->off_dt < 0 || c->horse_id < 0 || c->bookmakers < 0 ||
	    c->fractionals < 0 || c->decimals < 0)
		return -1;
	b->best = calloc((size_t)b->nrows + 1, sizeof(double));
	b->first = calloc((size_t)b->nrows + 1, sizeof(int));
	b->order = calloc((size_t)b->nrows + 1, sizeof(int));
	b->consensus = calloc((size_t)b->nrows + 1, sizeof(double));
	b->fair_prob = calloc((size_t)b->nrows + 1, sizeof(double));
	b->fair = calloc((size_t)b->nrows + 1, sizeof(double));
	if (b->best == NULL || b->first == NULL || b->order == NULL || b->consensus == NULL ||
	    b->fair_prob == NULL || b->fair == NULL)
		return -1;
	return board_parse(b);
}

void
board_free(struct board *b)
{
	for (int k = 0; k < BOARD_NARRAYS; k++) {
		free(b->tok[k]);
		b->tok[k] = NULL;
	}
	free(b->dec);
	free(b->best);
	free(b->first);
	free(b->order);
	free(b->consensus);
	free(b->fair_prob);
	free(b->fair);
	b->dec = b->best = b->consensus = b->fair_prob = b->fair = NULL;
	b->first = b->order = NULL;
}

int
board_race(const struct board *b, int row, time_t now, struct board_race *race)
{
	const char *off, *id;
	int end = row + 1;

	if (row >= b->nrows)
		return -1;
	id = PQgetvalue(b->res, row, b->c.race_id);
	while (end < b->nrows && strcmp(PQgetvalue(b->res, end, b->c.race_id), id) == 0)
		end++;
	race->first = row;
	race->end = end;
	off = board_val(b, row, b->c.off_dt);
	if (off == NULL || jsonw_parse_pgtime(off, &race->off) < 0)
		race->off = 0;
	race->secs_to_off = race->off ? (long)(race->off - now) : 0;
	return 0;
}

/* Writes "key": the text column's value (or null). */
static void
board_field(struct jsonw *w, const struct board *b, int row, const char *key, int col)
{
	jsonw_kstr(w, key, board_val(b, row, col));
}

/* Writes the pre-encoded value t. */
static void
board_tok(struct jsonw *w, const struct board_tok *t)
{
	jsonw_token(w, t->p, t->len);
}

/* Writes "key": the pre-encoded value t. */
static void
board_ktok(struct jsonw *w, const char *key, const struct board_tok *t)
{
	jsonw_key(w, key);
	board_tok(w, t);
}

/* Writes "key": null for each key of keys[0..n). */
static void
board_knulls(struct jsonw *w, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		jsonw_key(w, keys[i]);
		jsonw_null(w);
	}
}

/* Byte order of two tokens, the shorter first on a common prefix. */
static int
board_tok_cmp(const struct board_tok *a, const struct board_tok *b)
{
	int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

/*
 * Writes "key": the UK local time of off, "HH:MM" or with seconds
 * "HH:MM:SS"; null when off is 0 (unknown).
 */
static void
board_uk_time(struct jsonw *w, const char *key, time_t off, int seconds)
{
	char hms[16];
	time_t local = off + clock_uk_offset(off);

	if (!off) {
		jsonw_kstr(w, key, NULL);
		return;
	}
	snprintf(hms, sizeof(hms), "%02d:%02d:%02d", (int)(local / 3600 % 24), (int)(local / 60 % 60),
	    (int)(local % 60));
	if (!seconds)
		hms[5] = '\0';
	jsonw_kstr(w, key, hms);
}

/* The race's own fields, from its first row, in an open object. */
static void
board_race_fields(struct jsonw *w, const struct board *b, const struct board_race *race)
{
	int row = race->first;

	board_field(w, b, row, "race_id", b->c.race_id);
	board_field(w, b, row, "race_date", b->c.race_date);
	jsonw_key(w, "off_dt");
	jsonw_time(w, board_val(b, row, b->c.off_dt));
	board_uk_time(w, "off_time", race->off, 0);
	board_field(w, b, row, "course_id", b->c.course_id);
	board_field(w, b, row, "course", b->c.course);
	board_field(w, b, row, "region_code", b->c.region_code);
	board_field(w, b, row, "race_name", b->c.race_name);
}

/* Stage, time to the off and the next phase. */
static void
board_race_timing(struct jsonw *w, const struct board_race *race, time_t now)
{
	static const char *const timing[] = { "stage", "seconds_to_off", "minutes_to_off",
		"next_phase", "next_phase_at", "minutes_to_next_phase" };
	long secs = race->secs_to_off, until;
	const char *next = odds_next_phase(secs, &until);

	if (!race->off) {
		board_knulls(w, timing, 6);
		return;
	}
	jsonw_kstr(w, "stage", odds_stage_name(odds_stage_of(secs)));
	jsonw_kint(w, "seconds_to_off", secs);
	jsonw_key(w, "minutes_to_off");
	jsonw_fixed(w, (double)secs / 60.0, 2);
	if (next == NULL) {
		board_knulls(w, timing + 3, 3);
		return;
	}
	jsonw_kstr(w, "next_phase", next);
	jsonw_key(w, "next_phase_at");
	jsonw_instant(w, now + until);
	jsonw_key(w, "minutes_to_next_phase");
	jsonw_fixed(w, (double)until / 60.0, 2);
}

/*
 * The bookmakers quoting in the race, each once, in byte order of their ids:
 * pos[k] is where bookmaker k is first seen among the prices.  Returns how
 * many (at most BOARD_MAX_PRICES).
 */
/*
 * Finds price j's bookmaker among the n columns pos[] (in byte order of
 * their ids): returns its column, or -1 with *at set to where it belongs.
 */
static int
board_find_column(const struct board *b, const int *pos, int n, int j, int *at)
{
	const struct board_tok *ids = b->tok[BOARD_ID];
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = (lo + hi) / 2, c = board_tok_cmp(&ids[pos[mid]], &ids[j]);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return -1;
}

static int
board_race_bookmakers(const struct board *b, const struct board_race *race, int *pos)
{
	int n = 0;

	for (int j = b->first[race->first]; j < b->first[race->end]; j++) {
		int at;

		if (board_find_column(b, pos, n, j, &at) >= 0 || n == BOARD_MAX_PRICES)
			continue;
		memmove(pos + at + 1, pos + at, (size_t)(n - at) * sizeof(pos[0]));
		pos[at] = j;
		n++;
	}
	return n;
}

/* The latest fetched_at of the race's runners, or NULL. */
static const char *
board_updated(const struct board *b, const struct board_race *race)
{
	const char *latest = NULL;

	for (int row = race->first; row < race->end; row++) {
		const char *f = board_val(b, row, b->c.fetched_at);

		if (f != NULL && (latest == NULL || strcmp(f, latest) > 0))
			latest = f;
	}
	return latest;
}

/* Writes "key": v with places decimals, or null when v is 0 (no figure). */
static void
board_kfigure(struct jsonw *w, const char *key, double v, int places)
{
	jsonw_key(w, key);
	if (v > 0)
		jsonw_fixed(w, v, places);
	else
		jsonw_null(w);
}

/*
 * The race's market (market.h): sets its rows' fair probabilities and prices
 * and writes "market": the best-price and consensus book percentages and
 * how many runners have a price.
 */
static void
board_race_market(struct jsonw *w, const struct board *b, const struct board_race *race)
{
	size_t n = (size_t)(race->end - race->first);
	double best_book, consensus_book;
	int priced;

	best_book = market_book_percent(b->best + race->first, n, &priced);
	consensus_book = market_fair(b->consensus + race->first, n, b->fair_prob + race->first,
	    b->fair + race->first);
	jsonw_key(w, "market");
	jsonw_obj(w);
	board_kfigure(w, "best_book_percent", best_book, 2);
	board_kfigure(w, "consensus_book_percent", consensus_book, 2);
	jsonw_kint(w, "runners_priced", priced);
	jsonw_obj_end(w);
}

/* Writes the fields every race view shares, up to the favourite and the market included. */
static void
board_race_head(struct jsonw *w, const struct board *b, const struct board_race *race, time_t now,
    int nbooks, double fav)
{
	int first = -1, joint = 0;

	board_race_fields(w, b, race);
	board_race_timing(w, race, now);
	jsonw_key(w, "prices_updated_at");
	jsonw_time(w, board_updated(b, race));
	jsonw_kint(w, "runner_count", race->end - race->first);
	jsonw_kint(w, "bookmaker_count", nbooks);
	for (int row = race->first; row < race->end; row++) {
		if (fav > 1 && odds_same_price(b->best[row], fav)) {
			if (first < 0)
				first = row;
			else
				joint = 1;
		}
	}
	board_race_market(w, b, race);
	jsonw_key(w, "favourite");
	if (first < 0) {
		jsonw_null(w);
		return;
	}
	jsonw_obj(w);
	jsonw_kstr(w, "horse_id", PQgetvalue(b->res, first, b->c.horse_id));
	board_field(w, b, first, "horse_name", b->c.horse_name);
	jsonw_key(w, "number");
	jsonw_num(w, board_val(b, first, b->c.number));
	jsonw_key(w, "decimal");
	jsonw_fixed(w, fav, 3);
	jsonw_kbool(w, "joint", joint);
	jsonw_obj_end(w);
}

/* Writes price j's representation in the board's format (nothing when plain). */
static void
board_price_format(struct jsonw *w, const struct board *b, int j)
{
	char american[16];

	switch (b->format) {
	case BOARD_FORMAT_AMERICAN:
		market_american(b->dec[j], american, sizeof(american));
		jsonw_kstr(w, "american", american[0] != '\0' ? american : NULL);
		break;
	case BOARD_FORMAT_PROBABILITY:
		board_kfigure(w, "implied_probability", market_implied(b->dec[j]), 4);
		break;
	default:
		break;
	}
}

/*
 * The runner's market figures: the implied probability of its best price,
 * its consensus price, fair probability and fair price (board_race_market
 * set them).
 */
static void
board_runner_market(struct jsonw *w, const struct board *b, int row)
{
	board_kfigure(w, "implied_probability", market_implied(b->best[row]), 4);
	board_kfigure(w, "consensus_decimal", b->consensus[row], 3);
	board_kfigure(w, "fair_probability", b->fair_prob[row], 4);
	board_kfigure(w, "fair_decimal", b->fair[row], 3);
}

/* The runner's fields in an open object: id, name, number, favourite, best price, market figures. */
static void
board_runner_head(struct jsonw *w, const struct board *b, int row, double fav)
{
	double best = b->best[row];
	int first = 1;

	jsonw_kstr(w, "horse_id", PQgetvalue(b->res, row, b->c.horse_id));
	board_field(w, b, row, "horse_name", b->c.horse_name);
	jsonw_key(w, "number");
	jsonw_num(w, board_val(b, row, b->c.number));
	jsonw_kbool(w, "favourite", fav > 1 && odds_same_price(best, fav));
	jsonw_key(w, "best_price");
	for (int j = b->first[row]; best > 1 && j < b->first[row + 1]; j++) {
		if (!odds_same_price(b->dec[j], best))
			continue;
		if (first) {
			jsonw_obj(w);
			board_ktok(w, "decimal", &b->tok[BOARD_DEC][j]);
			board_ktok(w, "fractional", &b->tok[BOARD_FRAC][j]);
			board_price_format(w, b, j);
			jsonw_key(w, "bookmakers");
			jsonw_arr(w);
		}
		board_tok(w, &b->tok[BOARD_ID][j]);
		first = 0;
	}
	if (first)
		jsonw_null(w);
	else {
		jsonw_arr_end(w);
		jsonw_obj_end(w);
	}
	board_runner_market(w, b, row);
}

/* Order of two tokens ignoring ASCII case, then byte order (A-Z for names). */
static int
board_tok_casecmp(const struct board_tok *a, const struct board_tok *b)
{
	size_t n = a->len < b->len ? a->len : b->len;

	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)a->p[i]) - tolower((unsigned char)b->p[i]);

		if (c != 0)
			return c;
	}
	return a->len != b->len ? (a->len > b->len) - (a->len < b->len) : board_tok_cmp(a, b);
}

/* Price j's bookmaker display name, or its id when the result has no name. */
static const struct board_tok *
board_price_name(const struct board *b, int j)
{
	const struct board_tok *name = b->tok[BOARD_NAME] != NULL ? &b->tok[BOARD_NAME][j] : NULL;

	return name != NULL && !(name->len == 4 && memcmp(name->p, "null", 4) == 0) ? name : &b->tok[BOARD_ID][j];
}

/* Price x before price y in the original's all_odds: decimal descending, then name. */
static int
board_price_before(const struct board *b, int x, int y)
{
	if (!odds_same_price(b->dec[x], b->dec[y]))
		return b->dec[x] > b->dec[y];
	return board_tok_casecmp(board_price_name(b, x), board_price_name(b, y)) < 0;
}

/* Row x before row y in runners_data: best price ascending, unpriced last, then row order. */
static int
board_runner_before(const struct board *b, int x, int y)
{
	double bx = b->best[x] > 1 ? b->best[x] : 1e9, by = b->best[y] > 1 ? b->best[y] : 1e9;

	if (!odds_same_price(bx, by))
		return bx < by;
	return x < y;
}

/* Sorts idx[0..n) by before (an insertion sort: a runner's prices, a race's runners). */
static void
board_sort(const struct board *b, int *idx, int n, int (*before)(const struct board *, int, int))
{
	for (int i = 1; i < n; i++) {
		int v = idx[i], k = i;

		for (; k > 0 && before(b, v, idx[k - 1]); k--)
			idx[k] = idx[k - 1];
		idx[k] = v;
	}
}

/* The original's name of the phase odds_next_phase() names. */
static const char *
board_phase_title(const char *phase)
{
	static const char *const titles[][2] = { { "pre_race", "Pre Race" },
		{ "going_to_post", "Going To Post" }, { "at_post", "At Post" }, { "off", "Race Start" } };

	for (size_t i = 0; phase != NULL && i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(phase, titles[i][0]) == 0)
			return titles[i][1];
	return NULL;
}

/* The original's race fields (reference §2.5) in an open race object. */
static void
board_race_original(struct jsonw *w, const struct board *b, const struct board_race *race, time_t now)
{
	static const char *const phase[] = { "minutes_until", "next_phase_name", "next_phase_time",
		"next_phase_minutes" };
	int row = race->first;
	const char *field = board_val(b, row, b->c.field_size), *updated = board_updated(b, race);
	const char *next;
	long until;

	board_uk_time(w, "race_time", race->off, 1);
	board_field(w, b, row, "race_type", b->c.race_type);
	board_field(w, b, row, "distance", b->c.distance);
	jsonw_key(w, "runners");
	if (field != NULL)
		jsonw_num(w, field);
	else
		jsonw_int(w, race->end - race->first);
	if (updated != NULL) {
		jsonw_key(w, "last_updated");
		jsonw_time(w, updated);
	}
	next = race->off ? odds_next_phase(race->secs_to_off, &until) : NULL;
	if (next == NULL) {
		board_knulls(w, phase, 4);
		return;
	}
	jsonw_key(w, "minutes_until");
	jsonw_fixed(w, (double)race->secs_to_off / 60.0, 6);
	jsonw_kstr(w, "next_phase_name", board_phase_title(next));
	jsonw_key(w, "next_phase_time");
	jsonw_instant(w, now + until);
	jsonw_key(w, "next_phase_minutes");
	jsonw_fixed(w, (double)until / 60.0, 1);
}

/*
 * The original's runner fields (reference §2.5, C1) in an open runner
 * object: horse_number, the best price and its bookmaker, is_favorite and
 * all_odds.
 */
static void
board_runner_original(struct jsonw *w, const struct board *b, int row, double fav)
{
	int idx[BOARD_MAX_PRICES], n = b->first[row + 1] - b->first[row];
	double best = b->best[row];

	jsonw_key(w, "horse_number");
	jsonw_num(w, board_val(b, row, b->c.number));
	for (int k = 0; k < n; k++)
		idx[k] = b->first[row] + k;
	board_sort(b, idx, n, board_price_before);
	if (n > 0 && best > 1) {
		board_ktok(w, "best_odds_decimal", &b->tok[BOARD_DEC][idx[0]]);
		board_ktok(w, "best_odds_fractional", &b->tok[BOARD_FRAC][idx[0]]);
		board_ktok(w, "best_bookmaker", board_price_name(b, idx[0]));
	} else {
		static const char *const none[] = { "best_odds_decimal", "best_odds_fractional", "best_bookmaker" };

		board_knulls(w, none, 3);
	}
	jsonw_kbool(w, "is_favorite", fav > 1 && odds_same_price(best, fav));
	jsonw_key(w, "all_odds");
	jsonw_arr(w);
	for (int k = 0; k < n; k++) {
		jsonw_obj(w);
		board_ktok(w, "bookmaker", board_price_name(b, idx[k]));
		board_ktok(w, "odds_fractional", &b->tok[BOARD_FRAC][idx[k]]);
		board_ktok(w, "odds_decimal", &b->tok[BOARD_DEC][idx[k]]);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

void
board_write_race(struct jsonw *w, const struct board *b, const struct board_race *race, time_t now)
{
	int pos[BOARD_MAX_PRICES], nbooks = board_race_bookmakers(b, race, pos);
	int nrunners = race->end - race->first, *order = b->order + race->first;
	double fav = odds_favourite_price(b->best + race->first, (size_t)nrunners);

	jsonw_obj(w);
	board_race_head(w, b, race, now, nbooks, fav);
	board_race_original(w, b, race, now);
	for (int k = 0; k < nrunners; k++)
		order[k] = race->first + k;
	board_sort(b, order, nrunners, board_runner_before);
	jsonw_key(w, "runners_data");
	jsonw_arr(w);
	for (int k = 0; k < nrunners; k++) {
		int row = order[k];

		jsonw_obj(w);
		board_runner_head(w, b, row, fav);
		board_runner_original(w, b, row, fav);
		jsonw_key(w, "prices");
		jsonw_arr(w);
		for (int j = b->first[row]; j < b->first[row + 1]; j++) {
			jsonw_obj(w);
			board_ktok(w, "bookmaker_id", &b->tok[BOARD_ID][j]);
			board_ktok(w, "fractional", &b->tok[BOARD_FRAC][j]);
			board_ktok(w, "decimal", &b->tok[BOARD_DEC][j]);
			board_price_format(w, b, j);
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

/* An integer token ("3"; null or anything else: 0). */
static int
board_tok_int(const struct board_tok *t)
{
	return t->len > 0 && t->p[0] >= '0' && t->p[0] <= '9' ? (int)strtol(t->p, NULL, 10) : 0;
}

/* Token k of price j, or null when the result has no such array. */
static const struct board_tok *
board_price_tok(const struct board *b, enum board_array k, int j)
{
	static const struct board_tok null_tok = { "null", 4 };

	return b->tok[k] != NULL ? &b->tok[k][j] : &null_tok;
}

/*
 * The grid's columns: each bookmaker with its name, each-way terms and its
 * book (market.h) over the runners it prices.
 */
static void
board_grid_columns(struct jsonw *w, const struct board *b, const struct board_race *race,
    const int *pos, int n)
{
	double book[BOARD_MAX_PRICES] = { 0 };
	int priced[BOARD_MAX_PRICES] = { 0 };
	char terms[48];

	for (int j = b->first[race->first]; j < b->first[race->end]; j++) {
		int at, k = board_find_column(b, pos, n, j, &at);

		if (k >= 0 && b->dec[j] > 1) {
			book[k] += 100.0 * market_implied(b->dec[j]);
			priced[k]++;
		}
	}

	jsonw_key(w, "bookmakers");
	jsonw_arr(w);
	for (int k = 0; k < n; k++) {
		const struct board_tok *ewp = board_price_tok(b, BOARD_EWP, pos[k]);
		const struct board_tok *ewd = board_price_tok(b, BOARD_EWD, pos[k]);

		odds_ew_text(board_tok_int(ewp), board_tok_int(ewd), terms, sizeof(terms));
		jsonw_obj(w);
		board_ktok(w, "bookmaker_id", &b->tok[BOARD_ID][pos[k]]);
		board_ktok(w, "bookmaker", board_price_tok(b, BOARD_NAME, pos[k]));
		board_ktok(w, "ew_places", ewp);
		board_ktok(w, "ew_denom", ewd);
		jsonw_kstr(w, "ew_terms", terms);
		board_kfigure(w, "book_percent", book[k], 2);
		jsonw_kint(w, "runners_priced", priced[k]);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

void
board_write_grid(struct jsonw *w, const struct board *b, const struct board_race *race, time_t now)
{
	int pos[BOARD_MAX_PRICES], nbooks = board_race_bookmakers(b, race, pos);
	int nrunners = race->end - race->first;
	double fav = odds_favourite_price(b->best + race->first, (size_t)nrunners);
	struct odds_ew ew = odds_ew_standard(nrunners);
	char terms[48], fraction[16];

	jsonw_obj(w);
	board_race_head(w, b, race, now, nbooks, fav);
	odds_ew_text(ew.places, ew.denom, terms, sizeof(terms));
	jsonw_key(w, "each_way");
	jsonw_obj(w);
	jsonw_kint(w, "places", ew.places);
	snprintf(fraction, sizeof(fraction), "1/%d", ew.denom);
	jsonw_kstr(w, "fraction", ew.places > 0 ? fraction : NULL);
	jsonw_kstr(w, "terms", terms);
	jsonw_obj_end(w);
	board_grid_columns(w, b, race, pos, nbooks);
	jsonw_key(w, "runners");
	jsonw_arr(w);
	for (int row = race->first; row < race->end; row++) {
		double best = b->best[row];

		jsonw_obj(w);
		board_runner_head(w, b, row, fav);
		jsonw_key(w, "prices");
		jsonw_obj(w);
		for (int j = b->first[row]; j < b->first[row + 1]; j++) {
			const struct board_tok *id = &b->tok[BOARD_ID][j];

			jsonw_key_token(w, id->p, id->len);
			jsonw_obj(w);
			board_ktok(w, "fractional", &b->tok[BOARD_FRAC][j]);
			board_ktok(w, "decimal", &b->tok[BOARD_DEC][j]);
			jsonw_kbool(w, "best", best > 1 && odds_same_price(b->dec[j], best));
			board_ktok(w, "changed_at", board_price_tok(b, BOARD_CHANGED, j));
			board_price_format(w, b, j);
			jsonw_obj_end(w);
		}
		jsonw_obj_end(w);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}
