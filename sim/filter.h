/*
 * filter: the region and course filters of list endpoints.  Racecards call
 * them region_codes and course_ids, results region and course; both accept
 * repeated keys and the "[]" form.  Courses, when given, win over regions
 * (as upstream documents).  Region codes match in any case ("gb", "GB").
 */
#ifndef SIM_FILTER_H
#define SIM_FILTER_H

#include <stddef.h>

#include "courses.h"
#include "params.h"

#define FILTER_MAX 64

struct filter {
	const char *regions[FILTER_MAX];
	size_t      nregions;
	const char *courses[FILTER_MAX];
	size_t      ncourses;
};

/* Reads the two parameters.  The values stay in p.  Cannot fail. */
void filter_init(struct filter *f, const struct params *p, const char *region_key,
    const char *course_key);

/* Whether a course passes. */
int filter_match(const struct filter *f, const struct courses_course *c);

#endif
