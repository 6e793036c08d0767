/*
 * rapi_model: The Racing API's records as C structs, and the one parser
 * that makes them from response bodies (rapi_parse.c).  A concept has one
 * name across racecards and results, whatever upstream calls it in each.
 *
 * Conventions, for every struct below:
 * - A string is NULL when upstream left it out, sent "", "-" or an en dash,
 *   or sent something unusable (wrong JSON type, not UTF-8, an id with odd
 *   characters, a name over 500 bytes).  Strings are valid UTF-8 without NULs.
 * - A number is a struct with `present`; when present is 0, v is 0.  Upstream
 *   sends numbers as strings ("10"); real JSON numbers are accepted too.  No
 *   number is negative, and each fits its database column (rapi_value.c).
 * - Region codes are uppercase ("GB", "IRE").
 * - Instants are Unix seconds: off_dt from ISO-8601 with its offset, odds
 *   `updated` read as Europe/London local time.  The 12-hour off_time text
 *   is kept for display only: use off_dt.
 * - A value that is present but unusable counts in counts.bad_fields; a
 *   record that cannot stand (not an object, no id) is dropped and counts in
 *   counts.skipped, so a kept record's id is never NULL.  The known "no
 *   value" markers count nowhere.
 * - Ids are unique in their list: a race, runner, price (per bookmaker),
 *   course, region or search result whose id an earlier record of the same
 *   list has (pages of one result included) is dropped and counts in
 *   counts.repeated; the first entry is kept, and what the dropped one held
 *   counts nowhere else.
 *
 * Ownership: a parsed result owns all its memory (one arena); free it with
 * its rapi_*_free or rapi_doc_free (NULL is fine).  Nothing inside may be freed separately.
 */
#ifndef DH_RAPI_MODEL_H
#define DH_RAPI_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct rapi_arena;

struct rapi_int  { int present; long   v; };
struct rapi_real { int present; double v; };
struct rapi_time { int present; time_t v; };

/* What a parse met that it could not use. */
struct rapi_counts {
	unsigned skipped;       /* records dropped: not an object, or no usable id */
	unsigned repeated;      /* records dropped: their id listed before in the same list */
	unsigned bad_fields;    /* values present but unusable, set to NULL/absent */
	unsigned utf8_repaired; /* invalid UTF-8 bytes or lone \ud800 escapes, read as U+FFFD */
};

/* Paging fields of the last page read (absent for bodies without them). */
struct rapi_page {
	struct rapi_int total, limit, skip;
	size_t          items;  /* records in the last page's array, kept or not */
};

/* Which result a doc heads (set by its rapi_*_new). */
enum rapi_doc_kind {
	RAPI_DOC_RACECARDS, RAPI_DOC_RESULTS, RAPI_DOC_COURSES, RAPI_DOC_REGIONS,
	RAPI_DOC_SEARCH, RAPI_DOC_HORSE,
};

/* What every parsed result carries first. */
struct rapi_doc {
	struct rapi_counts  counts;
	struct rapi_page    page;
	enum rapi_doc_kind  kind;   /* private */
	struct rapi_arena  *arena;  /* private */
};

/* A person or organisation as a runner names it. */
struct rapi_ref {
	char *id;    /* "jky_286164", "trn_160659", "own_1279616" */
	char *name;
};

/* Sire, dam and damsire.  Results and search results carry no regions. */
struct rapi_pedigree {
	char *sire, *sire_id, *sire_region;
	char *dam, *dam_id, *dam_region;
	char *damsire, *damsire_id, *damsire_region;
};

/* /courses */
struct rapi_course {
	char *id, *name, *region_code, *region;
};

struct rapi_courses {
	struct rapi_doc     doc;
	struct rapi_course *items;
	size_t              n, cap;
};

/* /courses/regions */
struct rapi_region {
	char *code, *name;
};

struct rapi_regions {
	struct rapi_doc     doc;
	struct rapi_region *items;
	size_t              n, cap;
};

/* One bookmaker's price for a runner. */
struct rapi_odds {
	char            *bookmaker;     /* as upstream names it: "Betfair Exchange", or
					   rapi_odds_bookmaker_name(bookmaker_id) */
	char            *bookmaker_id;  /* rapi_odds_bookmaker_slug(): "betfairexchange" */
	char            *fractional;    /* as given: "11/4", "4.5" (Betfair: a decimal), "SP" */
	struct rapi_real decimal;       /* > 1; absent for "-", "SP", "0": no price */
	struct rapi_int  ew_places, ew_denom;
	struct rapi_time updated;
};

struct rapi_runner {
	char                *horse_id, *horse, *dob, *sex, *sex_code, *colour, *region;
	char                *breeder;
	struct rapi_int      age;
	struct rapi_pedigree ped;
	struct rapi_ref      jockey, trainer, owner;
	char                *trainer_location;
	struct rapi_int      trainer_14d_runs, trainer_14d_wins, trainer_14d_percent;
	struct rapi_int      trainer_rtf;
	char                *number;        /* as given: "1", or "NR" for a non-runner */
	struct rapi_int      number_n;      /* absent when not numeric */
	struct rapi_int      draw, lbs, ofr, rpr, ts;
	char                *last_run;      /* days since: "95", "204 (71F)" */
	char                *headgear, *form, *comment, *spotlight, *silk_url;
	struct rapi_odds    *odds;
	size_t               n_odds;
	int                  odds_unreadable;  /* "odds" not a list: unknown, not none */
};

/*
 * One race of /racecards/pro (or /racecards/{race_id}/pro); also what a
 * result says of its race (struct rapi_result), with the same names where
 * results name a field otherwise ("off", "dist", "sex_rest", "class").
 */
struct rapi_race {
	char               *race_id, *course_id, *course, *date, *region;
	char               *off_time;       /* 12-hour text: display only */
	struct rapi_time    off_dt;
	char               *race_name, *distance_round, *distance, *pattern;
	struct rapi_real    distance_f;     /* furlongs; racecards only */
	struct rapi_int     distance_y, distance_m;  /* yards, metres; results only */
	char               *sex_restriction, *race_class, *type, *age_band;
	char               *rating_band, *prize, *going, *going_detailed, *surface;
	char               *jumps, *rail_movements, *stalls, *weather;
	char               *tip, *verdict, *betting_forecast;
	struct rapi_int     field_size;
	struct rapi_int     big_race, is_abandoned;  /* 0 or 1 */
	struct rapi_runner *runners;
	size_t              n_runners;
	int                 runners_unreadable;  /* "runners" not a list: unknown, not none */
};

struct rapi_racecards {
	struct rapi_doc   doc;
	struct rapi_race *races;
	size_t            n, cap;
};

struct rapi_result_runner {
	char                *horse_id, *horse;
	char                *sp;            /* as given: "7/2J", "9/4F" */
	struct rapi_real     sp_dec;
	char                *number;
	struct rapi_int      number_n;
	char                *position;      /* "1", or "PU", "F", "UR", ... */
	struct rapi_int      position_n;    /* absent when not a placing */
	struct rapi_int      draw, age;
	struct rapi_real     btn, ovr_btn;  /* lengths */
	char                *sex;
	char                *weight;        /* stones-lbs: "9-5" */
	struct rapi_int      lbs, jockey_claim_lbs;
	char                *headgear;
	char                *time;          /* as given: "2:19.97" */
	struct rapi_real     time_s;        /* the same in seconds */
	struct rapi_int      ofr, rpr, ts;  /* official, Racing Post, Topspeed ratings */
	struct rapi_real     prize;
	struct rapi_ref      jockey, trainer, owner;
	struct rapi_pedigree ped;
	char                *comment, *silk_url;
};

/*
 * One race of /results (or /results/{race_id}).  race holds what the result
 * says of the race under a racecard's names; the fields only racecards
 * carry are absent there, and its runners are none (they are below).
 */
struct rapi_result {
	struct rapi_race           race;
	char                      *winning_time_detail, *comments, *non_runners;
	char                      *tote_win, *tote_pl, *tote_ex, *tote_csf;
	char                      *tote_tricast, *tote_trifecta;
	struct rapi_result_runner *runners;
	size_t                     n_runners;
};

struct rapi_results {
	struct rapi_doc     doc;
	struct rapi_result *races;
	size_t              n, cap;
};

/* /horses/{horse_id}/pro */
struct rapi_horse {
	struct rapi_doc      doc;
	char                *id, *name, *dob, *sex, *sex_code, *colour, *colour_code;
	char                *breeder;
	struct rapi_pedigree ped;
};

/* /{horses,jockeys,trainers,owners}/search: id and name; horses add pedigree. */
struct rapi_search_item {
	char                *id, *name;
	struct rapi_pedigree ped;
};

struct rapi_search {
	struct rapi_doc          doc;
	struct rapi_search_item *items;
	size_t                   n, cap;
};

/*
 * Parsing: make an empty result with its rapi_*_new (NULL when out of
 * memory), parse each response body into it with rapi_parse, free it with
 * its rapi_*_free.  A list grows page by page: each body (a page
 * {racecards|results|courses|search_results: [...], total, ...}, the bare
 * array of /courses/regions, or for racecards and results one race object)
 * adds its records after those of earlier bodies; a horse body fills the
 * horse.
 */
struct rapi_racecards *rapi_racecards_new(void);
struct rapi_results *rapi_results_new(void);
struct rapi_courses *rapi_courses_new(void);
struct rapi_regions *rapi_regions_new(void);
struct rapi_search *rapi_search_new(void);
struct rapi_horse *rapi_horse_new(void);

/*
 * Parses body[0..len) (need not be NUL-terminated) into the result that doc
 * heads.  Returns 0, or -1 with err set (not JSON, the wrong shape at the
 * top, a horse without an id, out of memory) and the result unchanged but
 * for its counters.  Bad fields and records inside are counted, never an
 * error.
 */
int rapi_parse(struct rapi_doc *doc, const char *body, size_t len, char *err, size_t errlen);

/* Free a parsed result and everything in it.  NULL is fine. */
void rapi_doc_free(struct rapi_doc *doc);
void rapi_courses_free(struct rapi_courses *p);
void rapi_regions_free(struct rapi_regions *p);
void rapi_racecards_free(struct rapi_racecards *p);
void rapi_results_free(struct rapi_results *p);
void rapi_horse_free(struct rapi_horse *p);
void rapi_search_free(struct rapi_search *p);

#endif
