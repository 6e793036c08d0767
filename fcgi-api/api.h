/*
 * api: what every dh-api handler sees.  One request at a time per process;
 * nothing in struct request survives FCGX_Finish_r (the strings it points
 * at are copies owned by the accept loop, reset for every request).
 *
 * A handler validates its parameters, queries through r->db, and sets the
 * response with resp_json()/resp_detail().  It returns 0 when a response is
 * set, or -1 after a database failure: the loop then answers 503 when the
 * database is unreachable and 500 otherwise, and logs it.
 */
#ifndef DH_API_H
#define DH_API_H

#include <time.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "query.h"
#include "route.h"

struct request {
	const struct cfg   *cfg;
	struct db          *db;
	const char         *method;
	const char         *path;
	const char         *authorization;	/* the Authorization header, or NULL */
	time_t              now;		/* clock_now() when the request came in */
	struct query        query;
	struct route_match  match;		/* the route and its {captures} */

	/* The response. */
	int                 status;
	const char         *content_type;	/* NULL: application/json */
	const char         *cache_control;
	const char         *allow;		/* Allow header for 405 */
	const char         *www_authenticate;	/* WWW-Authenticate header for 401 */
	struct buf          body;
};

/* Sets a JSON response; steals body (NULL means out of memory: 500). */
void resp_json(struct request *r, int status, json_t *body);

/*
 * Sets a response whose body is the value of column in the first row of
 * res, a JSON document PostgreSQL built (copied as it stands).  Clears res.  A missing or NULL value is a 500.
 */
void resp_result(struct request *r, int status, PGresult *res, const char *column);

/*
 * Marks the body the handler wrote into r->body as complete, with status.
 * Returns 0, or -1 (a 500 is set) when writing it failed (too large).
 */
int resp_body(struct request *r, int status, int failed);

/* Sets {"detail": "<message>"} with status. */
void resp_detail(struct request *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * If any parameter getter failed, sets the 422 response listing them all and
 * returns 1; otherwise returns 0.
 */
int resp_invalid_params(struct request *r);

/* Lists take limit 1..API_MAX_LIMIT and offset 0..API_MAX_OFFSET. */
#define API_MAX_LIMIT  1000
#define API_MAX_OFFSET 1000000

struct api_page {
	long limit, offset;
	char limit_s[24], offset_s[24];	/* the same as text, for $n parameters */
};

/* Reads limit (default def_limit) and offset; a bad value is a 422 item. */
void api_page(struct request *r, long def_limit, struct api_page *p);

/*
 * Answers a list: 422 when a parameter read so far is bad, else runs stmt
 * (see api_send_json) with params[0..n) followed by the page's limit and
 * offset; params must have room for n + 2.
 */
int api_send_page(struct request *r, const char *stmt, const char **params, int n,
    const struct api_page *page);

/*
 * Path capture i validated as an id named name; NULL (and a 422 item) when
 * it is not one.
 */
const char *api_path_id(struct request *r, size_t i, const char *name);

/*
 * Runs a prepared statement whose one row holds the whole body, built by
 * PostgreSQL, in a column "body", and answers 200 with it.  Returns 0, or -1
 * after a database failure.
 */
int api_send_json(struct request *r, const char *stmt, int nparams, const char *const *params);

/* As api_send_json, but no row or a NULL body answers 404 "<what> <id> not found". */
int api_send_found(struct request *r, const char *stmt, int nparams, const char *const *params,
    const char *what, const char *id);

struct board;
struct jsonw;

/*
 * Parses res into b (see board.h) and starts r's body with w: an open
 * object holding "success": true and "timestamp": now, for the caller to
 * add to and close.  Returns 0, or -1 with a 500 set and b freed.
 */
int api_board_start(struct request *r, const PGresult *res, struct board *b, struct jsonw *w);

/* The route table (main.c). */
const struct route *api_routes(size_t *n);

/* The handlers, one file per resource family. */
int health_get(struct request *r);
int courses_list(struct request *r);
int bookmakers_list(struct request *r);
int odds_live_list(struct request *r);
int odds_live_upcoming(struct request *r);
int odds_stage_races(struct request *r);
int odds_stage_next_race(struct request *r);
int odds_historical_list(struct request *r);
int odds_historical_summary(struct request *r);
int odds_historical_coverage(struct request *r);
int status_statistics(struct request *r);
int status_scheduler(struct request *r);
int race_odds_grid(struct request *r);
int race_odds_history(struct request *r);
int masters_root(struct request *r);
int masters_stats(struct request *r);
int masters_courses(struct request *r);
int masters_course(struct request *r);
int masters_bookmakers(struct request *r);
int masters_jockeys(struct request *r);
int masters_jockey(struct request *r);
int masters_trainers(struct request *r);
int masters_trainer(struct request *r);
int masters_owners(struct request *r);
int masters_horses(struct request *r);
int masters_horse(struct request *r);
int masters_races(struct request *r);
int masters_race(struct request *r);
int masters_runners(struct request *r);
int masters_results(struct request *r);
int masters_result(struct request *r);
int admin_db_stats(struct request *r);
int metrics_get(struct request *r);
int openapi_get(struct request *r);

/* Register the prepared statements of each family on a new handle: 0 or -1. */
int health_prepare(struct db *db);
int courses_prepare(struct db *db);
int bookmakers_prepare(struct db *db);
int odds_live_prepare(struct db *db);
int odds_stage_prepare(struct db *db);
int odds_historical_prepare(struct db *db);
int status_prepare(struct db *db);
int race_odds_prepare(struct db *db);
int masters_prepare(struct db *db);
int admin_prepare(struct db *db);

#endif
