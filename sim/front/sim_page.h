/*
 * sim_page: the envelope of the upstream's paged lists,
 * {"<items>": [...], "total": n, "limit": n, "skip": n, "query": [[k, v], ...]},
 * as /racecards/pro and /results answer.
 */
#ifndef SIM_PAGE_H
#define SIM_PAGE_H

#include "jsonw.h"
#include "sim_params.h"

struct sim_page {
	long total;   /* items matching so far */
	long limit;
	long skip;
};

/* Opens the object and the items array. */
void sim_page_begin(struct jsonw *w, const char *items_key);

/*
 * Counts one more matching item; returns 1 when it falls on the page (the
 * caller then writes it).
 */
int sim_page_take(struct sim_page *pg);

/* Closes the array and writes total, limit, skip and the query echo. */
void sim_page_end(struct jsonw *w, const struct sim_page *pg, const struct sim_params *p);

#endif
