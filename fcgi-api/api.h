/*
 * api: what every dh-api endpoint family is made of, and what its handlers
 * see.  One request at a time per process; nothing in struct request
 * survives FCGX_Finish_r (the strings it points at are copies owned by the
 * accept loop, reset for every request).
 *
 * A family (health.c, masters.c, ...) exports one struct api_module: its
 * routes, each with its handler, cache policy, metrics name and OpenAPI
 * description, and the schemas of the bodies it answers with.  modules.c
 * lists the families; the router, the metrics, /api/masters and the OpenAPI
 * document are all made from that list.  Adding an endpoint touches its
 * family's file (and its test).
 *
 * A handler validates its parameters, queries through r->db with its
 * family's statements (struct db_stmt), sets the response with
 * resp_json()/resp_detail()/api_send_json()... and returns its outcome:
 * API_DONE when a response is set, or the database failure, which
 * api_dispatch answers (503 unreachable, 500 otherwise) and logs.
 * Route flags (API_ADMIN_KEY) are checked by api_dispatch before the
 * handler runs.
 */
#ifndef DH_API_H
#define DH_API_H

#include <stdio.h>
#include <time.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "digest.h"
#include "query.h"
#include "route.h"

struct api_route;

struct request {
	const struct cfg   *cfg;
	struct db          *db;
	const char         *method;
	const char         *path;
	const char         *authorization;	/* the Authorization header, or NULL */
	const char         *accept;		/* the Accept header, or NULL */
	/* API_ADMIN_KEY routes: the bearer key's SHA-256, hex (api_dispatch) */
	char                key_hash[DIGEST_SHA256_HEX_LEN + 1];
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
	struct FCGX_Stream *out;		/* the response stream (resp_stream_head) */
	int                 streamed;		/* the handler sent the response itself */
};

/* How a handler fared. */
enum api_outcome {
	API_DONE,		/* the response is set, whatever its status */
	API_DB_DOWN,		/* the database could not be reached: 503 */
	API_DB_FAILED,		/* a statement failed: 500 */
};

typedef enum api_outcome (*api_handler)(struct request *r);

/* An OpenAPI query parameter: type in openapi.c's notation (s, i, d...). */
struct api_param {
	const char *name;
	const char *type;
	const char *description;
};

#define API_MAX_PARAMS 8

/* Route flags. */
#define API_ADMIN_KEY 1u	/* needs Authorization: Bearer <key>; dispatch checks its form and hashes it */
#define API_TEXT      2u	/* a text/plain body, not JSON (OpenAPI) */
#define API_LIST      4u	/* body {count, limit, offset, data: [schema], next_after} (OpenAPI) */
#define API_STREAM    8u	/* served by nginx's nchan as text/event-stream or WebSocket messages
				   of schema; dh-api answers only when push is off (OpenAPI) */
#define API_EXPORT   16u	/* a streamed CSV or NDJSON body of schema rows (OpenAPI) */

/* How long nginx's micro-cache (and clients) may keep an answer. */
#define API_LIVE    "public, max-age=5"		/* prices: seconds */
#define API_SLOW    "public, max-age=60"	/* history, statistics, schedules */
#define API_MASTERS "public, max-age=300"	/* reference data: minutes */
#define API_NEVER   "no-store"			/* health, admin, metrics (see nginx's $dh_no_cache) */

struct api_route {
	const char       *method;		/* "GET"; HEAD is served by GET routes */
	const char       *pattern;		/* literal segments and {captures} */
	api_handler       handler;
	const void       *arg;			/* the handler's own data: r->match.route->arg */
	const char       *cache_control;	/* sent on success */
	const char       *name;			/* for metrics and logs */
	unsigned          flags;
	const char       *summary;		/* OpenAPI */
	const char       *description;		/* OpenAPI: more than the summary, optional */
	const char       *schema;		/* OpenAPI: the 200 body's schema; NULL: an object */
	const char       *tag;			/* OpenAPI: when not the module's */
	const char       *operation_id;	/* OpenAPI: the original's operationId for its paths;
						   NULL: NAME_PATH_METHOD, as FastAPI made them */
	struct api_param  params[API_MAX_PARAMS];	/* OpenAPI: query parameters */
};

/* A body schema for the OpenAPI document: "name:type name:type ..." (see openapi.c). */
struct api_schema {
	const char *name;
	const char *props;
};

struct api_module {
	const char              *name;		/* the family: "masters" */
	const char              *tag;		/* its OpenAPI tag */
	const struct api_route  *routes;
	size_t                   nroutes;
	const struct api_schema *schemas;
	size_t                   nschemas;
};

#define API_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The families (modules.c), NULL-terminated. */
extern const struct api_module *const api_modules[];

/* Parameters several families take, for api_route.params. */
#define API_P_LIMIT(def) { "limit", "i", "page size, 1 to 1000 (default " #def ")" }
#define API_P_OFFSET     { "offset", "i", "rows to skip, 0 to 50000 (page further with after)" }
#define API_P_AFTER      { "after", "s", "the next_after of the previous page: the page after its last row, "\
                                        "at the cost of the first page" }
#define API_P_REGION     { "region", "s", "region code, e.g. gb or ire (any case)" }

/* The values API_P_REGION takes, for query_enum (NULL-terminated). */
extern const char *const api_regions[];
#define API_P_COURSE     { "course", "s", "course name, case-insensitive (e.g. Ascot)" }

/*
 * Makes the route table from api_modules, once at start.  Returns 0, or -1
 * when there are more routes than API_MAX_ROUTES.
 */
#define API_MAX_ROUTES 96
int api_init(void);

/* The route table made by api_init, in the modules' order. */
const struct api_route *const *api_routes(size_t *n);

/*
 * Prints the entries of nginx's map from a GET route's path to the part of
 * the micro-cache key its parameters make (cachekey.c; `dh-api
 * --cache-key-map`, rendered into nginx/darkhorses.conf.in).  After
 * api_init.  Returns 0, or -1 when a route cannot be keyed (message on
 * stderr).
 */
int api_print_cache_map(FILE *f);

/*
 * Routes one request (r->method, r->path) with its query string, checks the
 * route's flags, runs the handler and answers its failures.  Returns the
 * handler's outcome (API_DONE when no handler ran).
 */
enum api_outcome api_dispatch(struct request *r, const char *raw_query);

/*
 * Whether the request carries a valid admin key (Authorization: Bearer, as
 * API_ADMIN_KEY routes take it, checked against dh_api_keys): routes open to
 * everyone show operators the detail they hide from the public (raw error
 * texts, hosts, pids).  Never a 401: no key, a malformed or an unknown one is
 * the public view.  Returns 1 (and makes the answer no-store), 0, or -1 when
 * the database failed.
 */
int api_operator(struct request *r);

/*
 * SQL: a worker's or a date's error text as the public sees it, a summary
 * (database error, upstream error, error) without the text, which may name
 * hosts, roles or upstream detail; $N is true for operators (api_operator),
 * who see the text.
 */
#define API_ERROR_TEXT(col, operator) \
    "CASE WHEN " col " IS NULL OR " operator " THEN " col \
    "     WHEN " col " ~* '(database|postgres|sql|relation|deadlock|permission denied)' THEN 'database error'" \
    "     WHEN " col " ~* '(upstream|racing api|http|curl|ssl|tls|timed out|connect|resolve)' THEN 'upstream error'" \
    "     ELSE 'error' END"

/* The outcome of a database failure on r->db: API_DB_DOWN or API_DB_FAILED. */
enum api_outcome api_db_failed(struct request *r);

/* Sets a JSON response; steals body (NULL means out of memory: 500). */
void resp_json(struct request *r, int status, json_t *body);

/*
 * Sets a response whose body is the value of column in the first row of
 * res, a JSON document PostgreSQL built (copied as it stands).  Clears res.  A missing or NULL value is a 500.
 */
void resp_result(struct request *r, int status, PGresult *res, const char *column);

/*
 * Marks the body the handler wrote into r->body as complete, with status
 * (a 500 instead when writing it failed: too large).
 */
void resp_body(struct request *r, int status, int failed);

/* Sets {"detail": "<message>"} with status. */
void resp_detail(struct request *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * If any parameter getter failed, sets the 422 response listing them all and
 * returns 1; otherwise returns 0.
 */
int resp_invalid_params(struct request *r);

/*
 * Streaming, for bodies of any size (exports): resp_stream_head sends a 200
 * with content_type, no Content-Length (nginx chunks it), no-store and
 * Content-Disposition: attachment with filename, and marks r as streamed
 * (nothing is sent after the handler returns); resp_stream sends a piece of
 * the body.  Both return 0, or -1 when the client went away.
 */
int resp_stream_head(struct request *r, const char *content_type, const char *filename);
int resp_stream(struct request *r, const char *data, size_t len);

/*
 * Lists take limit 1..API_MAX_LIMIT and offset 0..API_MAX_OFFSET, and page by
 * key with "after": the opaque cursor a full page answers as next_after (the
 * JSON array of the list's name and its last row's sort key, base64url; SQL's
 * dh_cursor() makes it).  An offset above the cap is a 422 that names the
 * cursor.  The cap keeps any racing day's live prices (about 18,000 rows;
 * two days are held) and a month of historical odds or runners in reach of
 * limit/offset, as the original's clients page them, while no request
 * reads more than API_MAX_OFFSET + API_MAX_LIMIT rows.
 */
#define API_MAX_LIMIT  1000
#define API_MAX_OFFSET 50000
#define API_MAX_KEYS   6	/* columns in a sort key */
#define API_CURSOR_TEXT 256	/* bytes of a text column in a cursor */

/*
 * A list's sort key as a cursor carries it: the list's name and one letter a
 * column, 'i' an integer, 'u' an instant in microseconds since 1970, 'd' a
 * date, 's' a text (e.g. { "races", "dis" }).  The statement's SQL makes the
 * cursor from the same columns in the same order.
 */
struct api_key {
	const char *list;
	const char *types;
};

struct api_page {
	long limit, offset;
	char limit_s[24], offset_s[24];	/* the same as text, for $n parameters */
	int nkeys;			/* columns of the list's key: parameters after offset */
	const char *after[API_MAX_KEYS];	/* the cursor's values; all NULL without one */
	char after_s[API_MAX_KEYS][API_CURSOR_TEXT + 1];
};

/*
 * Reads limit (default def_limit), offset and the "after" cursor of the list
 * key names; a bad value is a 422 item (a cursor that is not one of this
 * list's: malformed, tampered with, another list's; an offset above the cap).
 */
void api_page_keyed(struct request *r, long def_limit, const struct api_key *key, struct api_page *p);

/*
 * The parameters of a cursor's payload decoded from text: 0, or -1 (with a
 * message in err) when s is not a cursor of key.  For api_page_keyed and
 * its tests.
 */
int api_cursor_decode(const char *s, const struct api_key *key, struct api_page *p, char *err,
    size_t errlen);

/*
 * Answers a list: 422 when a parameter read so far is bad, else runs stmt
 * (see api_send_json) with params[0..n) followed by the page's limit,
 * offset and cursor columns; params must have room for n + 2 + nkeys.
 */
enum api_outcome api_send_page(struct request *r, const struct db_stmt *stmt, const char **params,
    int n, const struct api_page *page);

/*
 * Path capture i validated as an id named name; NULL (and a 422 item) when
 * it is not one.
 */
const char *api_path_id(struct request *r, size_t i, const char *name);

/*
 * Runs a prepared statement whose one row holds the whole body, built by
 * PostgreSQL, in a column "body", and answers 200 with it.
 */
enum api_outcome api_send_json(struct request *r, const struct db_stmt *stmt, int nparams,
    const char *const *params);

/* As api_send_json, but no row or a NULL body answers 404 "<what> <id> not found". */
enum api_outcome api_send_found(struct request *r, const struct db_stmt *stmt, int nparams,
    const char *const *params, const char *what, const char *id);

struct board;
struct jsonw;

/*
 * The odds format= parameter of the endpoints that write races from a board
 * (board.h): decimal or fractional (the default: both are always written),
 * american or probability (each price also carries that form).  Returns an
 * enum board_format; an unknown value adds a parameter error.
 */
int api_odds_format(struct request *r);

/* format=, as api_odds_format reads it, for a route's params[]. */
#define API_FORMAT_PARAM { "format", "s", "odds format: decimal or fractional (both always present), american " \
	"(each price also as American odds, \"+250\") or probability (each price also as implied_probability)" }

/*
 * Parses res into b (see board.h) with the odds format (api_odds_format)
 * and starts r's body with w: an open object holding "success": true and
 * "timestamp": now, for the caller to add to and close.  Returns 0, or -1
 * with a 500 set and b freed.
 */
int api_board_start(struct request *r, const PGresult *res, int format, struct board *b, struct jsonw *w);

#endif
