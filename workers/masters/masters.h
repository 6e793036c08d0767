/*
 * masters: dh-masters' writes (store.c).  Each call is one transaction and
 * adds the rows it inserted or changed to *written.  0, or -1 (rolled back;
 * db_error says why).
 */
#ifndef DH_MASTERS_H
#define DH_MASTERS_H

#include <time.h>

#include "db.h"
#include "rapi_model.h"

/* Races, runners (racecard fields), horses with pedigree, people, new courses. */
int masters_store_cards(struct db *db, const struct rapi_racecards *rc, long *written);

/* Results: ra_results, runners' result fields, races, horses, people, new courses. */
int masters_store_results(struct db *db, const struct rapi_results *rs, time_t now, long *written);

/* The /courses list (names and regions refreshed). */
int masters_store_courses(struct db *db, const struct rapi_courses *cs, long *written);

/* A horse's /horses/{id}/pro profile (h NULL: not found), marking it enriched. */
int masters_store_horse(struct db *db, const char *horse_id, const struct rapi_horse *h, time_t now);

#endif
