/*
 * sim_filter: the region and course filters of list endpoints.  Racecards call
 * them region_codes and course_ids, results region and course; both accept
 * repeated keys and the "[]" form.  Courses, when given, win over regions
 * (as upstream documents).  Region codes match in any case ("gb", "GB").
 */
#ifndef SIM_FILTER_H
#define SIM_FILTER_H

#include <stddef.h>

#include "sim_courses.h"
#include "sim_params.h"

#define SIM_FILTER_MAX 64

struct sim_filter {
	const char *regions[SIM_FILTER_MAX];
	size_t      nregions;
	const char *courses[SIM_FILTER_MAX];
	size_t      ncourses;
};

/* Reads the two parameters.  The values stay in p.  Cannot fail. */
void sim_filter_init(struct sim_filter *f, const struct sim_params *p, const char *region_key,
    const char *course_key);

/* Whether a course passes. */
int sim_filter_match(const struct sim_filter *f, const struct sim_courses_course *c);

#endif
