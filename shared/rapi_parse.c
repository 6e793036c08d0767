/*
 * rapi_parse: response bodies of The Racing API into the structs of
 * rapi_model.h, through one entry point, rapi_parse(), that the result's doc
 * steers (its kind: which array, which record parser).  Each record type is
 * a table of fields (rapi_value.h) plus the few lines that table cannot
 * say: nested arrays and the id without which a record is dropped.  Every
 * list, nested or paged, is cleaned here once: a record whose id an earlier
 * one has is dropped and counted (rapi_parse_list), so no consumer meets a
 * race, runner or price twice.
 */
#include "rapi_model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonout.h"
#include "rapi_arena.h"
#include "rapi_odds.h"
#include "rapi_value.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * NULs in strings load (the field is then refused, not the body); integers
 * load as doubles, so a 30-digit one is a bad field instead of a load error.
 */
#define RAPI_PARSE_JSON_FLAGS (JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL)
#define F(type, key, kind, member) { key, RAPI_V_##kind, offsetof(type, member) }

typedef int (*rapi_parse_item)(struct rapi_value_ctx *x, const json_t *obj, void *out);

#define PED(type, m) \
	F(type, "sire", TEXT, m.sire), F(type, "sire_id", ID, m.sire_id), \
	F(type, "sire_region", REGION, m.sire_region), F(type, "dam", TEXT, m.dam), \
	F(type, "dam_id", ID, m.dam_id), F(type, "dam_region", REGION, m.dam_region), \
	F(type, "damsire", TEXT, m.damsire), F(type, "damsire_id", ID, m.damsire_id), \
	F(type, "damsire_region", REGION, m.damsire_region)

#define PEOPLE(type) \
	F(type, "jockey", NAME, jockey.name), F(type, "jockey_id", ID, jockey.id), \
	F(type, "trainer", NAME, trainer.name), F(type, "trainer_id", ID, trainer.id), \
	F(type, "owner", NAME, owner.name), F(type, "owner_id", ID, owner.id)

static const struct rapi_value_field rapi_parse_page_fields[] = {
	F(struct rapi_page, "total", INT, total), F(struct rapi_page, "limit", INT, limit),
	F(struct rapi_page, "skip", INT, skip),
};

static const struct rapi_value_field rapi_parse_odds_fields[] = {
	F(struct rapi_odds, "bookmaker", TEXT, bookmaker),
	F(struct rapi_odds, "fractional", TEXT, fractional),
	F(struct rapi_odds, "decimal", PRICE, decimal),
	F(struct rapi_odds, "ew_places", INT, ew_places),
	F(struct rapi_odds, "ew_denom", INT, ew_denom),
	F(struct rapi_odds, "updated", UKLOCAL, updated),
};

static const struct rapi_value_field rapi_parse_runner_fields[] = {
	F(struct rapi_runner, "horse_id", ID, horse_id), F(struct rapi_runner, "horse", NAME, horse),
	F(struct rapi_runner, "dob", DATE, dob), F(struct rapi_runner, "age", INT, age),
	F(struct rapi_runner, "sex", TEXT, sex), F(struct rapi_runner, "sex_code", TEXT, sex_code),
	F(struct rapi_runner, "colour", TEXT, colour), F(struct rapi_runner, "region", REGION, region),
	F(struct rapi_runner, "breeder", TEXT, breeder), PED(struct rapi_runner, ped),
	PEOPLE(struct rapi_runner),
	F(struct rapi_runner, "trainer_location", TEXT, trainer_location),
	F(struct rapi_runner, "trainer_rtf", INT, trainer_rtf),
	F(struct rapi_runner, "number", TEXT, number), F(struct rapi_runner, "number", PLACE, number_n),
	F(struct rapi_runner, "draw", INT, draw), F(struct rapi_runner, "lbs", INT, lbs),
	F(struct rapi_runner, "ofr", INT, ofr), F(struct rapi_runner, "rpr", INT, rpr),
	F(struct rapi_runner, "ts", INT, ts), F(struct rapi_runner, "last_run", TEXT, last_run),
	F(struct rapi_runner, "headgear", TEXT, headgear), F(struct rapi_runner, "form", TEXT, form),
	F(struct rapi_runner, "comment", TEXT, comment),
	F(struct rapi_runner, "spotlight", TEXT, spotlight),
	F(struct rapi_runner, "silk_url", TEXT, silk_url),
};

static const struct rapi_value_field rapi_parse_trainer14_fields[] = {
	F(struct rapi_runner, "runs", INT, trainer_14d_runs),
	F(struct rapi_runner, "wins", INT, trainer_14d_wins),
	F(struct rapi_runner, "percent", INT, trainer_14d_percent),
};

static const struct rapi_value_field rapi_parse_race_fields[] = {
	F(struct rapi_race, "race_id", ID, race_id), F(struct rapi_race, "course_id", ID, course_id),
	F(struct rapi_race, "course", NAME, course), F(struct rapi_race, "date", DATE, date),
	F(struct rapi_race, "region", REGION, region), F(struct rapi_race, "off_time", TEXT, off_time),
	F(struct rapi_race, "off_dt", INSTANT, off_dt), F(struct rapi_race, "race_name", TEXT, race_name),
	F(struct rapi_race, "distance_round", TEXT, distance_round),
	F(struct rapi_race, "distance", TEXT, distance),
	F(struct rapi_race, "distance_f", REAL, distance_f),
	F(struct rapi_race, "pattern", TEXT, pattern),
	F(struct rapi_race, "sex_restriction", TEXT, sex_restriction),
	F(struct rapi_race, "race_class", TEXT, race_class), F(struct rapi_race, "type", TEXT, type),
	F(struct rapi_race, "age_band", TEXT, age_band),
	F(struct rapi_race, "rating_band", TEXT, rating_band),
	F(struct rapi_race, "prize", TEXT, prize), F(struct rapi_race, "field_size", INT, field_size),
	F(struct rapi_race, "going", TEXT, going),
	F(struct rapi_race, "going_detailed", TEXT, going_detailed),
	F(struct rapi_race, "surface", TEXT, surface), F(struct rapi_race, "jumps", TEXT, jumps),
	F(struct rapi_race, "rail_movements", TEXT, rail_movements),
	F(struct rapi_race, "stalls", TEXT, stalls), F(struct rapi_race, "weather", TEXT, weather),
	F(struct rapi_race, "big_race", BOOL, big_race),
	F(struct rapi_race, "is_abandoned", BOOL, is_abandoned),
	F(struct rapi_race, "tip", TEXT, tip), F(struct rapi_race, "verdict", TEXT, verdict),
	F(struct rapi_race, "betting_forecast", TEXT, betting_forecast),
};

static const struct rapi_value_field rapi_parse_result_runner_fields[] = {
	F(struct rapi_result_runner, "horse_id", ID, horse_id),
	F(struct rapi_result_runner, "horse", NAME, horse),
	F(struct rapi_result_runner, "sp", TEXT, sp),
	F(struct rapi_result_runner, "sp_dec", PRICE, sp_dec),
	F(struct rapi_result_runner, "number", TEXT, number),
	F(struct rapi_result_runner, "number", PLACE, number_n),
	F(struct rapi_result_runner, "position", TEXT, position),
	F(struct rapi_result_runner, "position", PLACE, position_n),
	F(struct rapi_result_runner, "draw", INT, draw), F(struct rapi_result_runner, "age", INT, age),
	F(struct rapi_result_runner, "btn", REAL, btn),
	F(struct rapi_result_runner, "ovr_btn", REAL, ovr_btn),
	F(struct rapi_result_runner, "sex", TEXT, sex),
	F(struct rapi_result_runner, "weight", TEXT, weight),
	F(struct rapi_result_runner, "weight_lbs", INT, lbs),
	F(struct rapi_result_runner, "jockey_claim_lbs", INT, jockey_claim_lbs),
	F(struct rapi_result_runner, "headgear", TEXT, headgear),
	F(struct rapi_result_runner, "time", TEXT, time),
	F(struct rapi_result_runner, "time", DURATION, time_s),
	F(struct rapi_result_runner, "or", INT, ofr), F(struct rapi_result_runner, "rpr", INT, rpr),
	F(struct rapi_result_runner, "tsr", INT, ts),
	F(struct rapi_result_runner, "prize", REAL, prize),
	PEOPLE(struct rapi_result_runner), PED(struct rapi_result_runner, ped),
	F(struct rapi_result_runner, "comment", TEXT, comment),
	F(struct rapi_result_runner, "silk_url", TEXT, silk_url),
};

static const struct rapi_value_field rapi_parse_result_fields[] = {
	F(struct rapi_result, "race_id", ID, race.race_id),
	F(struct rapi_result, "date", DATE, race.date),
	F(struct rapi_result, "region", REGION, race.region),
	F(struct rapi_result, "course", NAME, race.course),
	F(struct rapi_result, "course_id", ID, race.course_id),
	F(struct rapi_result, "off", TEXT, race.off_time),
	F(struct rapi_result, "off_dt", INSTANT, race.off_dt),
	F(struct rapi_result, "race_name", TEXT, race.race_name),
	F(struct rapi_result, "type", TEXT, race.type),
	F(struct rapi_result, "class", TEXT, race.race_class),
	F(struct rapi_result, "pattern", TEXT, race.pattern),
	F(struct rapi_result, "rating_band", TEXT, race.rating_band),
	F(struct rapi_result, "age_band", TEXT, race.age_band),
	F(struct rapi_result, "sex_rest", TEXT, race.sex_restriction),
	F(struct rapi_result, "dist", TEXT, race.distance),
	F(struct rapi_result, "dist_y", INT, race.distance_y),
	F(struct rapi_result, "dist_m", INT, race.distance_m),
	F(struct rapi_result, "going", TEXT, race.going),
	F(struct rapi_result, "surface", TEXT, race.surface),
	F(struct rapi_result, "jumps", TEXT, race.jumps),
	F(struct rapi_result, "winning_time_detail", TEXT, winning_time_detail),
	F(struct rapi_result, "comments", TEXT, comments),
	F(struct rapi_result, "non_runners", TEXT, non_runners),
	F(struct rapi_result, "tote_win", TEXT, tote_win), F(struct rapi_result, "tote_pl", TEXT, tote_pl),
	F(struct rapi_result, "tote_ex", TEXT, tote_ex),
	F(struct rapi_result, "tote_csf", TEXT, tote_csf),
	F(struct rapi_result, "tote_tricast", TEXT, tote_tricast),
	F(struct rapi_result, "tote_trifecta", TEXT, tote_trifecta),
};

static const struct rapi_value_field rapi_parse_course_fields[] = {
	F(struct rapi_course, "id", ID, id), F(struct rapi_course, "course", NAME, name),
	F(struct rapi_course, "region_code", REGION, region_code),
	F(struct rapi_course, "region", TEXT, region),
};

static const struct rapi_value_field rapi_parse_region_fields[] = {
	F(struct rapi_region, "region_code", REGION, code),
	F(struct rapi_region, "region", TEXT, name),
};

static const struct rapi_value_field rapi_parse_horse_fields[] = {
	F(struct rapi_horse, "id", ID, id), F(struct rapi_horse, "name", NAME, name),
	F(struct rapi_horse, "dob", DATE, dob), F(struct rapi_horse, "sex", TEXT, sex),
	F(struct rapi_horse, "sex_code", TEXT, sex_code), F(struct rapi_horse, "colour", TEXT, colour),
	F(struct rapi_horse, "colour_code", TEXT, colour_code),
	F(struct rapi_horse, "breeder", TEXT, breeder), PED(struct rapi_horse, ped),
};

static const struct rapi_value_field rapi_parse_search_fields[] = {
	F(struct rapi_search_item, "id", ID, id), F(struct rapi_search_item, "name", NAME, name),
	PED(struct rapi_search_item, ped),
};

/* The id of a record: the char * at offset id in it. */
static const char *
rapi_parse_id(const void *rec, size_t id)
{
	const char *s;

	memcpy(&s, (const char *)rec + id, sizeof(s));
	return s;
}

/* 1 when one of the n records at items (size bytes each) has the id id_s. */
static int
rapi_parse_listed(const void *items, size_t n, size_t size, size_t id, const char *id_s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rapi_parse_id((const char *)items + i * size, id), id_s) == 0)
			return 1;
	return 0;
}

/*
 * Parses the objects of arr into a new arena array of `size`-byte records;
 * a non-object or a record its parser rejects is counted as skipped.  A
 * record whose id (the char * at offset id) an earlier one has, in this
 * array or in the nprev records at prev, is dropped and counted as repeated,
 * with whatever its parse counted: the first entry is kept.
 * Returns the array (NULL when empty) and its length in *n.
 */
static void *
rapi_parse_list(struct rapi_value_ctx *x, const json_t *arr, size_t size, size_t id,
    rapi_parse_item fn, const void *prev, size_t nprev, size_t *n)
{
	size_t total, i, kept = 0;
	char *items;

	*n = 0;
	if (arr == NULL || json_is_null(arr))
		return NULL;
	if (!json_is_array(arr)) {
		x->counts->bad_fields++;
		return NULL;
	}
	total = json_array_size(arr);
	if (total == 0)
		return NULL;
	items = total <= SIZE_MAX / size ? rapi_arena_alloc(x->arena, total * size) : NULL;
	if (items == NULL) {
		x->oom = 1;
		return NULL;
	}
	for (i = 0; i < total; i++) {
		const json_t *o = json_array_get(arr, i);
		char *slot = items + kept * size;
		struct rapi_counts before = *x->counts;

		if (!json_is_object(o) || !fn(x, o, slot)) {
			x->counts->skipped++;
		} else if (rapi_parse_listed(items, kept, size, id, rapi_parse_id(slot, id)) ||
		    rapi_parse_listed(prev, nprev, size, id, rapi_parse_id(slot, id))) {
			*x->counts = before;
			x->counts->repeated++;
		} else {
			kept++;
			continue;
		}
		memset(slot, 0, size);  /* the slot is reused */
	}
	*n = kept;
	return kept > 0 ? items : NULL;
}

/* 1 when a list's key holds something else than a list (or null). */
static int
rapi_parse_not_list(const json_t *v)
{
	return v != NULL && !json_is_null(v) && !json_is_array(v);
}

static int
rapi_parse_odds(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_odds *e = out;
	const char *name;
	char slug[128];
	int n;

	rapi_value_fields(x, o, rapi_parse_odds_fields, N(rapi_parse_odds_fields), e);
	if (e->bookmaker == NULL)
		return 0;
	n = rapi_odds_bookmaker_slug(e->bookmaker, slug, sizeof(slug));
	if (n < 0) {
		x->counts->bad_fields++;
		return 0;
	}
	e->bookmaker_id = rapi_arena_strndup(x->arena, slug, (size_t)n);
	/* One name per id, the original's for the ids of its alias map: "BetVictor". */
	name = rapi_odds_bookmaker_name(e->bookmaker_id);
	if (name != NULL)
		e->bookmaker = rapi_arena_strndup(x->arena, name, strlen(name));
	if (e->bookmaker_id == NULL || e->bookmaker == NULL)
		x->oom = 1;
	return e->bookmaker_id != NULL && e->bookmaker != NULL;
}

static int
rapi_parse_runner(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_runner *r = out;
	const json_t *t14 = json_object_get(o, "trainer_14_days");

	rapi_value_fields(x, o, rapi_parse_runner_fields, N(rapi_parse_runner_fields), r);
	if (r->horse_id == NULL)
		return 0;
	if (json_is_object(t14))
		rapi_value_fields(x, t14, rapi_parse_trainer14_fields,
		    N(rapi_parse_trainer14_fields), r);
	else if (t14 != NULL && !json_is_null(t14))
		x->counts->bad_fields++;
	r->odds = rapi_parse_list(x, json_object_get(o, "odds"), sizeof(*r->odds),
	    offsetof(struct rapi_odds, bookmaker_id), rapi_parse_odds, NULL, 0, &r->n_odds);
	r->odds_unreadable = rapi_parse_not_list(json_object_get(o, "odds"));
	return 1;
}

static int
rapi_parse_race(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_race *r = out;

	rapi_value_fields(x, o, rapi_parse_race_fields, N(rapi_parse_race_fields), r);
	if (r->race_id == NULL)
		return 0;
	r->runners = rapi_parse_list(x, json_object_get(o, "runners"), sizeof(*r->runners),
	    offsetof(struct rapi_runner, horse_id), rapi_parse_runner, NULL, 0, &r->n_runners);
	r->runners_unreadable = rapi_parse_not_list(json_object_get(o, "runners"));
	return 1;
}

static int
rapi_parse_result_runner(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_result_runner *r = out;

	rapi_value_fields(x, o, rapi_parse_result_runner_fields,
	    N(rapi_parse_result_runner_fields), r);
	return r->horse_id != NULL;
}

static int
rapi_parse_result(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_result *r = out;

	rapi_value_fields(x, o, rapi_parse_result_fields, N(rapi_parse_result_fields), r);
	if (r->race.race_id == NULL)
		return 0;
	r->runners = rapi_parse_list(x, json_object_get(o, "runners"), sizeof(*r->runners),
	    offsetof(struct rapi_result_runner, horse_id), rapi_parse_result_runner, NULL, 0,
	    &r->n_runners);
	return 1;
}

static int
rapi_parse_course(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_course *c = out;

	rapi_value_fields(x, o, rapi_parse_course_fields, N(rapi_parse_course_fields), c);
	return c->id != NULL;
}

static int
rapi_parse_region(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_region *r = out;

	rapi_value_fields(x, o, rapi_parse_region_fields, N(rapi_parse_region_fields), r);
	return r->code != NULL;
}

static int
rapi_parse_search_item(struct rapi_value_ctx *x, const json_t *o, void *out)
{
	struct rapi_search_item *s = out;

	rapi_value_fields(x, o, rapi_parse_search_fields, N(rapi_parse_search_fields), s);
	return s->id != NULL;
}

/* Reads four hex digits at s (left bytes there) into *out; 0 or -1. */
static int
rapi_parse_hex4(const char *s, size_t left, unsigned *out)
{
	unsigned v = 0;

	if (left < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int c = (unsigned char)s[k];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v * 16 + (unsigned)d;
	}
	*out = v;
	return 0;
}

/*
 * Rewrites in place each \uD800..\uDFFF escape of s[0..len) that is not half
 * of a surrogate pair as \uFFFD (the same length); returns how many.
 */
static unsigned
rapi_parse_surrogates(char *s, size_t len)
{
	unsigned n = 0, cp, lo;

	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] != 'u' || rapi_parse_hex4(s + i + 2, len - i - 2, &cp) < 0) {
			i++;	/* another escape: skip its letter (a backslash too) */
			continue;
		}
		if (cp >= 0xd800 && cp <= 0xdbff && len - i >= 12 && s[i + 6] == '\\' &&
		    s[i + 7] == 'u' && rapi_parse_hex4(s + i + 8, len - i - 8, &lo) == 0 &&
		    lo >= 0xdc00 && lo <= 0xdfff) {
			i += 11;
			continue;
		}
		if (cp >= 0xd800 && cp <= 0xdfff) {
			memcpy(s + i + 2, "fffd", 4);
			n++;
		}
		i += 5;
	}
	return n;
}

/*
 * Loads a body.  Invalid UTF-8 and lone surrogate escapes ("\ud800"), which
 * Jansson refuses, are read as U+FFFD and counted, so one bad character in
 * a name does not lose a day of racing.  Returns a new reference, or NULL
 * with err set.
 */
static json_t *
rapi_parse_load(const char *body, size_t len, struct rapi_counts *counts, char *err,
    size_t errlen)
{
	json_error_t je;
	json_t *root, *fixed = NULL;
	char *copy = NULL;
	unsigned lone;

	root = json_loadb(body, len, RAPI_PARSE_JSON_FLAGS, &je);
	if (root != NULL)
		return root;
	if (!jsonout_valid_utf8(body, len)) {
		fixed = jsonout_string(body, len);
		if (fixed == NULL)
			goto oom;
		counts->utf8_repaired += (unsigned)((json_string_length(fixed) - len) / 2);
		body = json_string_value(fixed);
		len = json_string_length(fixed);
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		goto oom;
	memcpy(copy, body, len);
	lone = rapi_parse_surrogates(copy, len);
	counts->utf8_repaired += lone;
	if (fixed != NULL || lone > 0)
		root = json_loadb(copy, len, RAPI_PARSE_JSON_FLAGS, &je);
	free(copy);
	json_decref(fixed);
	if (root == NULL)
		snprintf(err, errlen, "invalid JSON at line %d column %d: %s", je.line, je.column,
		    je.text);
	return root;
oom:
	json_decref(fixed);
	snprintf(err, errlen, "out of memory");
	return NULL;
}

/* What a list result holds, by its doc's kind (a horse is one object: rapi_parse_horse). */
struct rapi_parse_kind {
	const char     *key;   /* the array of a page; NULL: the body is the array */
	int             one;   /* a body may also be one record: an object with "race_id" */
	size_t          size;  /* of a record */
	size_t          id;    /* offset of the record's id */
	rapi_parse_item parse;
};

#define KIND(key, one, type, id, fn) { key, one, sizeof(type), offsetof(type, id), fn }

static const struct rapi_parse_kind rapi_parse_kinds[] = {
	[RAPI_DOC_RACECARDS] = KIND("racecards", 1, struct rapi_race, race_id, rapi_parse_race),
	[RAPI_DOC_RESULTS] = KIND("results", 1, struct rapi_result, race.race_id, rapi_parse_result),
	[RAPI_DOC_COURSES] = KIND("courses", 0, struct rapi_course, id, rapi_parse_course),
	[RAPI_DOC_REGIONS] = KIND(NULL, 0, struct rapi_region, code, rapi_parse_region),
	[RAPI_DOC_SEARCH] = KIND("search_results", 0, struct rapi_search_item, id,
	    rapi_parse_search_item),
};

/*
 * Allocates a zeroed result of size bytes whose first member is its doc,
 * with an arena.  On error (out of memory), NULL is returned.
 */
static void *
rapi_parse_new(size_t size, enum rapi_doc_kind kind)
{
	struct rapi_doc *doc = calloc(1, size);

	if (doc == NULL)
		return NULL;
	doc->kind = kind;
	doc->arena = rapi_arena_new();
	if (doc->arena == NULL) {
		free(doc);
		return NULL;
	}
	return doc;
}

/*
 * Parses the records of one loaded body (a page, the array itself, or one
 * race object) onto the end of the array of *n records (room for *cap),
 * growing it with realloc.  Returns the array, moved or not; *rc is 0, or
 * -1 with err set and the array and *n as they were.
 */
static void *
rapi_parse_append(struct rapi_doc *doc, json_t *root, void *array, size_t *n,
    size_t *cap, int *rc, char *err, size_t errlen)
{
	const struct rapi_parse_kind *k = &rapi_parse_kinds[doc->kind];
	struct rapi_value_ctx x = { doc->arena, &doc->counts, 0 };
	json_t *arr = k->key != NULL ? json_object_get(root, k->key) : root, *one = NULL;
	void *items;
	size_t got;

	*rc = -1;
	memset(&doc->page, 0, sizeof(doc->page));
	if (k->one && arr == NULL && json_is_object(root) && json_object_get(root, "race_id")) {
		arr = one = json_array();  /* one race object: a page of one */
		if (one == NULL || json_array_append(one, root) < 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	} else if (k->key != NULL && json_is_array(arr)) {
		rapi_value_fields(&x, root, rapi_parse_page_fields, N(rapi_parse_page_fields),
		    &doc->page);
	}
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "expected %s%s%s", k->key ? "an object with an array \"" :
		    "an array", k->key ? k->key : "", k->key ? "\"" : "");
		goto out;
	}
	doc->page.items = json_array_size(arr);
	items = rapi_parse_list(&x, arr, k->size, k->id, k->parse, array, *n, &got);
	if (!x.oom && *n + got > *cap) {
		size_t ncap = *cap ? *cap : 64;
		void *p;

		while (ncap < *n + got)
			ncap *= 2;
		p = ncap <= SIZE_MAX / k->size ? realloc(array, ncap * k->size) : NULL;
		if (p == NULL) {
			x.oom = 1;
		} else {
			array = p;
			*cap = ncap;
		}
	}
	if (x.oom) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (got > 0)
		memcpy((char *)array + *n * k->size, items, got * k->size);
	*n += got;
	*rc = 0;
out:
	json_decref(one);
	return array;
}

/* Parses a /horses/{id}/pro body into h; 0, or -1 with err set and h unchanged. */
static int
rapi_parse_horse(struct rapi_horse *h, const json_t *root, char *err, size_t errlen)
{
	struct rapi_value_ctx x = { h->doc.arena, &h->doc.counts, 0 };
	struct rapi_horse got;

	if (!json_is_object(root)) {
		snprintf(err, errlen, "expected a horse object");
		return -1;
	}
	memset(&got, 0, sizeof(got));
	rapi_value_fields(&x, root, rapi_parse_horse_fields, N(rapi_parse_horse_fields), &got);
	if (x.oom || got.id == NULL) {
		snprintf(err, errlen, x.oom ? "out of memory" : "horse without a usable \"id\"");
		return -1;
	}
	got.doc = h->doc;
	*h = got;
	return 0;
}

/* Appends a body's records to the array `member` of the result doc, a `type`. */
#define APPEND(type, member) do { \
	type *p_ = (type *)doc; \
	p_->member = rapi_parse_append(doc, root, p_->member, &p_->n, &p_->cap, &r, err, \
	    errlen); \
} while (0)

int
rapi_parse(struct rapi_doc *doc, const char *body, size_t len, char *err, size_t errlen)
{
	json_t *root = rapi_parse_load(body, len, &doc->counts, err, errlen);
	int r = -1;

	if (root == NULL)
		return -1;
	switch (doc->kind) {
	case RAPI_DOC_RACECARDS:
		APPEND(struct rapi_racecards, races);
		break;
	case RAPI_DOC_RESULTS:
		APPEND(struct rapi_results, races);
		break;
	case RAPI_DOC_COURSES:
		APPEND(struct rapi_courses, items);
		break;
	case RAPI_DOC_REGIONS:
		APPEND(struct rapi_regions, items);
		break;
	case RAPI_DOC_SEARCH:
		APPEND(struct rapi_search, items);
		break;
	case RAPI_DOC_HORSE:
		r = rapi_parse_horse((struct rapi_horse *)doc, root, err, errlen);
		break;
	}
	json_decref(root);
	return r;
}

struct rapi_racecards *
rapi_racecards_new(void)
{
	return rapi_parse_new(sizeof(struct rapi_racecards), RAPI_DOC_RACECARDS);
}

struct rapi_results *
rapi_results_new(void)
{
	return rapi_parse_new(sizeof(struct rapi_results), RAPI_DOC_RESULTS);
}

struct rapi_courses *
rapi_courses_new(void)
{
	return rapi_parse_new(sizeof(struct rapi_courses), RAPI_DOC_COURSES);
}

struct rapi_regions *
rapi_regions_new(void)
{
	return rapi_parse_new(sizeof(struct rapi_regions), RAPI_DOC_REGIONS);
}

struct rapi_search *
rapi_search_new(void)
{
	return rapi_parse_new(sizeof(struct rapi_search), RAPI_DOC_SEARCH);
}

struct rapi_horse *
rapi_horse_new(void)
{
	return rapi_parse_new(sizeof(struct rapi_horse), RAPI_DOC_HORSE);
}

void
rapi_doc_free(struct rapi_doc *doc)
{
	void *array = NULL;

	if (doc == NULL)
		return;
	switch (doc->kind) {
	case RAPI_DOC_RACECARDS:
		array = ((struct rapi_racecards *)doc)->races;
		break;
	case RAPI_DOC_RESULTS:
		array = ((struct rapi_results *)doc)->races;
		break;
	case RAPI_DOC_COURSES:
		array = ((struct rapi_courses *)doc)->items;
		break;
	case RAPI_DOC_REGIONS:
		array = ((struct rapi_regions *)doc)->items;
		break;
	case RAPI_DOC_SEARCH:
		array = ((struct rapi_search *)doc)->items;
		break;
	case RAPI_DOC_HORSE:
		break;
	}
	rapi_arena_free(doc->arena);
	free(array);
	free(doc);
}

void
rapi_racecards_free(struct rapi_racecards *p)
{
	rapi_doc_free(p ? &p->doc : NULL);
}

void
rapi_results_free(struct rapi_results *p)
{
	rapi_doc_free(p ? &p->doc : NULL);
}

void
rapi_courses_free(struct rapi_courses *p)
{
	rapi_doc_free(p ? &p->doc : NULL);
}

void
rapi_regions_free(struct rapi_regions *p)
{
	rapi_doc_free(p ? &p->doc : NULL);
}

void
rapi_search_free(struct rapi_search *p)
{
	rapi_doc_free(p ? &p->doc : NULL);
}

void
rapi_horse_free(struct rapi_horse *p)
{
	rapi_doc_free(p ? &p->doc : NULL);
}

