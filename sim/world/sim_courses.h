/*
 * sim_courses: the racecourses of Great Britain and Ireland, with the upstream's
 * ids where they are known from captured responses.  A fixed table: ids and
 * names never depend on the seed.
 */
#ifndef SIM_COURSES_H
#define SIM_COURSES_H

#include <stddef.h>

/* What a course races: F flat turf, J jumps, M both, A all-weather flat. */
struct sim_courses_course {
	const char *id;
	const char *name;
	int         ire;     /* 0 Great Britain, 1 Ireland */
	char        kind;
};

/* The number of courses, and course i (i < sim_courses_count()). */
size_t sim_courses_count(void);
const struct sim_courses_course *sim_courses_get(size_t i);

/* "GB" or "IRE" (bodies), "gb" or "ire" (queries and /courses). */
const char *sim_courses_region(int ire);
const char *sim_courses_region_lower(int ire);
const char *sim_courses_region_name(int ire);

#endif
