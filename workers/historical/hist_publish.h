/*
 * hist_publish: dh-historical's results to live push (publish.c).
 * hist_publish_init starts the publisher when DH_PUSH is on (every other
 * call is a no-op otherwise); hist_publish_date, after a date's results were
 * committed, queues each race's result to its channel when the date is
 * recent; hist_publish_free sends what is queued (within a second) and stops.
 */
#ifndef DH_HIST_PUBLISH_H
#define DH_HIST_PUBLISH_H

#include <time.h>

#include "cfg.h"
#include "db.h"

void hist_publish_init(const struct cfg *cfg);
void hist_publish_date(struct db *db, const char *date, time_t now);
void hist_publish_free(void);

#endif
