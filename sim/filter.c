/* filter: region and course filters (see filter.h). */
#include "filter.h"

#include <string.h>
#include <strings.h>

void
filter_init(struct filter *f, const struct params *p, const char *region_key, const char *course_key)
{
	f->nregions = params_list(p, region_key, f->regions, FILTER_MAX);
	f->ncourses = params_list(p, course_key, f->courses, FILTER_MAX);
}

int
filter_match(const struct filter *f, const struct courses_course *c)
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
		if (strcasecmp(f->regions[i], courses_region_lower(c->ire)) == 0)
			return 1;
	return 0;
}
