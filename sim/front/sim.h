/*
 * sim: what the endpoint modules share.  sim_route.c parses a /v1 request into
 * a struct sim_req and calls one handler; the handler writes a 200 body
 * with r->w, or returns 404 (route writes {"detail":"Not Found"}) or 422
 * (route writes {"detail": r->params.errors}).
 *
 *   sim_masters.c    /courses, /courses/regions, /horses/{id}/pro, the searches
 *   sim_racecards.c  /racecards/pro, /racecards/{id}/pro, /racecards/summaries
 *   sim_odds.c       /odds/{race_id}/{horse_id}
 *   sim_results.c    /results, /results/{race_id}
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stddef.h>
#include <time.h>

#include "jsonw.h"
#include "sim_params.h"
#include "sim_json.h"

#define SIM_MAX_SEGS 8

struct sim_req {
	char                   *seg[SIM_MAX_SEGS];  /* decoded path segments: "v1", "racecards", ... */
	size_t                  nseg;
	struct sim_params       params;
	time_t                  now;      /* clock_now() when the request arrived */
	struct jsonw            w;        /* the 200 body */
	struct sim_json_corrupt corrupt;  /* the wrong_types fault's state for w */
};

/* A handler: returns 200 (body written), 404 or 422. */
typedef int (*sim_handler)(struct sim_req *r);

int sim_masters_courses(struct sim_req *r);
int sim_masters_regions(struct sim_req *r);
int sim_masters_horse(struct sim_req *r);
int sim_masters_search(struct sim_req *r);
int sim_racecards_list(struct sim_req *r);
int sim_racecards_one(struct sim_req *r);
int sim_racecards_summaries(struct sim_req *r);
int sim_odds_runner(struct sim_req *r);
int sim_results_list(struct sim_req *r);
int sim_results_one(struct sim_req *r);

#endif
