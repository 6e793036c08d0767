/* board: runners' aggregated prices into race objects in one pass (see board.h). */
#include "board.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
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
	if (b->best == NULL || b->first == NULL)
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
	b->dec = b->best = NULL;
	b->first = NULL;
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

/* Appends ,"key":"value" (or null) for a text column. */
static void
board_field(struct jsonw *w, const struct board *b, int row, const char *key, int col)
{
	jsonw_lit(w, ",\"");
	jsonw_raw(w, key);
	jsonw_lit(w, "\":");
	jsonw_str(w, board_val(b, row, col));
}

static void
board_tok(struct jsonw *w, const struct board_tok *t)
{
	jsonw_rawn(w, t->p, t->len);
}

/* Byte order of two tokens, the shorter first on a common prefix. */
static int
board_tok_cmp(const struct board_tok *a, const struct board_tok *b)
{
	int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

/* The race's own fields, from its first row, after the opening brace. */
static void
board_race_fields(struct jsonw *w, const struct board *b, const struct board_race *race)
{
	int row = race->first;
	time_t local;

	jsonw_lit(w, "\"race_id\":");
	jsonw_str(w, board_val(b, row, b->c.race_id));
	board_field(w, b, row, "race_date", b->c.race_date);
	jsonw_lit(w, ",\"off_dt\":");
	jsonw_time(w, board_val(b, row, b->c.off_dt));
	if (race->off) {
		local = race->off + clock_uk_offset(race->off);
		jsonw_rawf(w, ",\"off_time\":\"%02d:%02d\"", (int)(local / 3600 % 24), (int)(local / 60 % 60));
	} else {
		jsonw_lit(w, ",\"off_time\":null");
	}
	board_field(w, b, row, "course_id", b->c.course_id);
	board_field(w, b, row, "course", b->c.course);
	board_field(w, b, row, "region_code", b->c.region_code);
	board_field(w, b, row, "race_name", b->c.race_name);
}

/* Stage, time to the off and the next phase. */
static void
board_race_timing(struct jsonw *w, const struct board_race *race, time_t now)
{
	long secs = race->secs_to_off, until;
	const char *next = odds_next_phase(secs, &until);

	if (!race->off) {
		jsonw_raw(w, ",\"stage\":null,\"seconds_to_off\":null,\"minutes_to_off\":null,"
		    "\"next_phase\":null,\"next_phase_at\":null,\"minutes_to_next_phase\":null");
		return;
	}
	jsonw_rawf(w, ",\"stage\":\"%s\",\"seconds_to_off\":%ld,\"minutes_to_off\":%.2f",
	    odds_stage_name(odds_stage_of(secs)), secs, (double)secs / 60.0);
	if (next == NULL) {
		jsonw_lit(w, ",\"next_phase\":null,\"next_phase_at\":null,\"minutes_to_next_phase\":null");
		return;
	}
	jsonw_rawf(w, ",\"next_phase\":\"%s\",\"next_phase_at\":", next);
	jsonw_instant(w, now + until);
	jsonw_rawf(w, ",\"minutes_to_next_phase\":%.2f", (double)until / 60.0);
}

/*
 * The bookmakers quoting in the race, each once, in byte order of their ids:
 * pos[k] is where bookmaker k is first seen among the prices.  Returns how
 * many (at most BOARD_MAX_PRICES).
 */
static int
board_race_bookmakers(const struct board *b, const struct board_race *race, int *pos)
{
	const struct board_tok *ids = b->tok[BOARD_ID];
	int n = 0;

	for (int j = b->first[race->first]; j < b->first[race->end]; j++) {
		int lo = 0, hi = n;

		while (lo < hi) {
			int mid = (lo + hi) / 2, c = board_tok_cmp(&ids[pos[mid]], &ids[j]);

			if (c == 0) {
				lo = -1;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < 0 || n == BOARD_MAX_PRICES)
			continue;
		memmove(pos + lo + 1, pos + lo, (size_t)(n - lo) * sizeof(pos[0]));
		pos[lo] = j;
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

/* Writes the fields every race view shares, up to the favourite included. */
static void
board_race_head(struct jsonw *w, const struct board *b, const struct board_race *race, time_t now,
    int nbooks, double fav)
{
	int first = -1, joint = 0;

	board_race_fields(w, b, race);
	board_race_timing(w, race, now);
	jsonw_lit(w, ",\"prices_updated_at\":");
	jsonw_time(w, board_updated(b, race));
	jsonw_rawf(w, ",\"runner_count\":%d,\"bookmaker_count\":%d", race->end - race->first, nbooks);
	for (int row = race->first; row < race->end; row++) {
		if (fav > 1 && odds_same_price(b->best[row], fav)) {
			if (first < 0)
				first = row;
			else
				joint = 1;
		}
	}
	if (first < 0) {
		jsonw_lit(w, ",\"favourite\":null");
		return;
	}
	jsonw_lit(w, ",\"favourite\":{\"horse_id\":");
	jsonw_str(w, PQgetvalue(b->res, first, b->c.horse_id));
	board_field(w, b, first, "horse_name", b->c.horse_name);
	jsonw_lit(w, ",\"number\":");
	jsonw_num(w, board_val(b, first, b->c.number));
	jsonw_rawf(w, ",\"decimal\":%.3f,\"joint\":%s}", fav, joint ? "true" : "false");
}

/* The runner's fields after the opening brace: id, name, number, favourite, best price. */
static void
board_runner_head(struct jsonw *w, const struct board *b, int row, double fav)
{
	double best = b->best[row];
	int first = 1;

	jsonw_lit(w, "\"horse_id\":");
	jsonw_str(w, PQgetvalue(b->res, row, b->c.horse_id));
	board_field(w, b, row, "horse_name", b->c.horse_name);
	jsonw_lit(w, ",\"number\":");
	jsonw_num(w, board_val(b, row, b->c.number));
	jsonw_raw(w, fav > 1 && odds_same_price(best, fav) ? ",\"favourite\":true" : ",\"favourite\":false");
	if (best <= 1) {
		jsonw_lit(w, ",\"best_price\":null");
		return;
	}
	for (int j = b->first[row]; j < b->first[row + 1]; j++) {
		if (!odds_same_price(b->dec[j], best))
			continue;
		if (first) {
			jsonw_lit(w, ",\"best_price\":{\"decimal\":");
			board_tok(w, &b->tok[BOARD_DEC][j]);
			jsonw_lit(w, ",\"fractional\":");
			board_tok(w, &b->tok[BOARD_FRAC][j]);
			jsonw_lit(w, ",\"bookmakers\":[");
		} else {
			jsonw_lit(w, ",");
		}
		board_tok(w, &b->tok[BOARD_ID][j]);
		first = 0;
	}
	jsonw_lit(w, "]}");
}

void
board_write_race(struct jsonw *w, const struct board *b, const struct board_race *race, time_t now)
{
	int pos[BOARD_MAX_PRICES], nbooks = board_race_bookmakers(b, race, pos);
	double fav = odds_favourite_price(b->best + race->first, (size_t)(race->end - race->first));

	jsonw_lit(w, "{");
	board_race_head(w, b, race, now, nbooks, fav);
	jsonw_lit(w, ",\"runners\":[");
	for (int row = race->first; row < race->end; row++) {
		jsonw_raw(w, row > race->first ? ",{" : "{");
		board_runner_head(w, b, row, fav);
		jsonw_lit(w, ",\"prices\":[");
		for (int j = b->first[row]; j < b->first[row + 1]; j++) {
			jsonw_raw(w, j > b->first[row] ? ",{\"bookmaker_id\":" : "{\"bookmaker_id\":");
			board_tok(w, &b->tok[BOARD_ID][j]);
			jsonw_lit(w, ",\"fractional\":");
			board_tok(w, &b->tok[BOARD_FRAC][j]);
			jsonw_lit(w, ",\"decimal\":");
			board_tok(w, &b->tok[BOARD_DEC][j]);
			jsonw_lit(w, "}");
		}
		jsonw_lit(w, "]}");
	}
	jsonw_lit(w, "]}");
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

/* The grid's columns: each bookmaker with its name and each-way terms. */
static void
board_grid_columns(struct jsonw *w, const struct board *b, const int *pos, int n)
{
	char terms[48];

	jsonw_lit(w, ",\"bookmakers\":[");
	for (int k = 0; k < n; k++) {
		const struct board_tok *ewp = board_price_tok(b, BOARD_EWP, pos[k]);
		const struct board_tok *ewd = board_price_tok(b, BOARD_EWD, pos[k]);

		odds_ew_text(board_tok_int(ewp), board_tok_int(ewd), terms, sizeof(terms));
		jsonw_raw(w, k ? ",{\"bookmaker_id\":" : "{\"bookmaker_id\":");
		board_tok(w, &b->tok[BOARD_ID][pos[k]]);
		jsonw_lit(w, ",\"bookmaker\":");
		board_tok(w, board_price_tok(b, BOARD_NAME, pos[k]));
		jsonw_lit(w, ",\"ew_places\":");
		board_tok(w, ewp);
		jsonw_lit(w, ",\"ew_denom\":");
		board_tok(w, ewd);
		jsonw_lit(w, ",\"ew_terms\":");
		jsonw_str(w, terms);
		jsonw_lit(w, "}");
	}
	jsonw_lit(w, "]");
}

void
board_write_grid(struct jsonw *w, const struct board *b, const struct board_race *race, time_t now)
{
	int pos[BOARD_MAX_PRICES], nbooks = board_race_bookmakers(b, race, pos);
	int nrunners = race->end - race->first;
	double fav = odds_favourite_price(b->best + race->first, (size_t)nrunners);
	struct odds_ew ew = odds_ew_standard(nrunners);
	char terms[48];

	jsonw_lit(w, "{");
	board_race_head(w, b, race, now, nbooks, fav);
	odds_ew_text(ew.places, ew.denom, terms, sizeof(terms));
	jsonw_rawf(w, ",\"each_way\":{\"places\":%d,\"fraction\":", ew.places);
	if (ew.places > 0)
		jsonw_rawf(w, "\"1/%d\"", ew.denom);
	else
		jsonw_lit(w, "null");
	jsonw_lit(w, ",\"terms\":");
	jsonw_str(w, terms);
	jsonw_lit(w, "}");
	board_grid_columns(w, b, pos, nbooks);
	jsonw_lit(w, ",\"runners\":[");
	for (int row = race->first; row < race->end; row++) {
		double best = b->best[row];

		jsonw_raw(w, row > race->first ? ",{" : "{");
		board_runner_head(w, b, row, fav);
		jsonw_lit(w, ",\"prices\":{");
		for (int j = b->first[row]; j < b->first[row + 1]; j++) {
			jsonw_raw(w, j > b->first[row] ? "," : "");
			board_tok(w, &b->tok[BOARD_ID][j]);
			jsonw_lit(w, ":{\"fractional\":");
			board_tok(w, &b->tok[BOARD_FRAC][j]);
			jsonw_lit(w, ",\"decimal\":");
			board_tok(w, &b->tok[BOARD_DEC][j]);
			jsonw_raw(w, best > 1 && odds_same_price(b->dec[j], best) ? ",\"best\":true" : ",\"best\":false");
			jsonw_lit(w, ",\"changed_at\":");
			board_tok(w, board_price_tok(b, BOARD_CHANGED, j));
			jsonw_lit(w, "}");
		}
		jsonw_lit(w, "}}");
	}
	jsonw_lit(w, "]}");
}
