/* sim_filter: region and course filters (see sim_filter.h). */
#include "sim_filter.h"

#include <string.h>
#include <strings.h>

void
sim_filter_init(struct sim_filter *f, const struct sim_params *p, const char *region_key, const char *course_key)
{
	f->nregions = sim_params_list(p, region_key, f->regions, SIM_FILTER_MAX);
	f->ncourses = sim_params_list(p, course_key, f->courses, SIM_FILTER_MAX);
}

int
sim_filter_match(const struct sim_filter *f, const struct sim_courses_course *c)
{
	if (f->ncourses > 0) {
		for (size_t i = 0; i < f->ncourses; i++)
			if (strcmp(f->courses[i], c->id) == 0)
				return 1;
		return 0;
	}
	if (f->nregions == 0)
		return 1;
	for (size_t i = 0; i < f->nregions; i++)
		if (strcasecmp(f->regions[i], sim_courses_region_lower(c->ire)) == 0)
			return 1;
	return 0;
}
