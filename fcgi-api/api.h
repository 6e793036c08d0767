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

#include <jansson.h>

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
	struct query        query;
	struct route_match  match;		/* the route and its {captures} */

	/* The response. */
	int                 status;
	const char         *cache_control;
	const char         *allow;		/* Allow header for 405 */
	struct buf          body;
};

/* Sets a JSON response; steals body (NULL means out of memory: 500). */
void resp_json(struct request *r, int status, json_t *body);

/* Sets {"detail": "<message>"} with status. */
void resp_detail(struct request *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * If any parameter getter failed, sets the 422 response listing them all and
 * returns 1; otherwise returns 0.
 */
int resp_invalid_params(struct request *r);

/* The handlers, one file per resource family. */
int health_get(struct request *r);
int courses_list(struct request *r);

/* Registers the prepared statements of every handler on a new handle. */
int health_prepare(struct db *db);
int courses_prepare(struct db *db);

#endif
