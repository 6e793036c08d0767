/*
 * sim_masters: /v1/courses, /v1/courses/regions, /v1/horses/{horse_id}/pro and
 * the searches /v1/{horses,jockeys,trainers,owners}/search (name required;
 * a case-insensitive part of the name; at most SIM_MASTERS_FOUND answers).
 */
#include <stdio.h>
#include <string.h>

#include "sim_courses.h"
#include "sim_filter.h"
#include "sim_pool.h"
#include "sim_runner.h"
#include "sim.h"

#define SIM_MASTERS_FOUND 50

int
sim_masters_courses(struct sim_req *r)
{
	struct sim_filter f;
	int total = 0;

	sim_filter_init(&f, &r->params, "region_codes", "course_ids");
	f.ncourses = 0;
	jsonw_obj(&r->w);
	jsonw_key(&r->w, "courses");
	jsonw_arr(&r->w);
	for (size_t i = 0; i < sim_courses_count(); i++) {
		const struct sim_courses_course *c = sim_courses_get(i);

		if (!sim_filter_match(&f, c))
			continue;
		jsonw_obj(&r->w);
		jsonw_kstr(&r->w, "id", c->id);
		jsonw_kstr(&r->w, "course", c->name);
		jsonw_kstr(&r->w, "region_code", sim_courses_region_lower(c->ire));
		jsonw_kstr(&r->w, "region", sim_courses_region_name(c->ire));
		jsonw_obj_end(&r->w);
		total++;
	}
	jsonw_arr_end(&r->w);
	jsonw_kint(&r->w, "total", total);
	jsonw_obj_end(&r->w);
	return 200;
}

int
sim_masters_regions(struct sim_req *r)
{
	static const char *const regions[][2] = {
		{ "Spain", "spa" }, { "Great Britain", "gb" }, { "Ireland", "ire" }, { "France", "fr" },
		{ "Germany", "ger" }, { "Italy", "ity" }, { "United States", "usa" }, { "Australia", "aus" },
		{ "Japan", "jpn" }, { "Hong Kong", "hk" }, { "South Africa", "saf" }, { "United Arab Emirates", "uae" },
	};

	jsonw_arr(&r->w);
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		jsonw_obj(&r->w);
		jsonw_kstr(&r->w, "region", regions[i][0]);
		jsonw_kstr(&r->w, "region_code", regions[i][1]);
		jsonw_obj_end(&r->w);
	}
	jsonw_arr_end(&r->w);
	return 200;
}

/* Whether a horse of the pool has been foaled by now. */
static int
sim_masters_foaled(uint32_t index, time_t now)
{
	return SIM_POOL_FIRST_CROP + (int)(index / SIM_POOL_CROP_SIZE) <= clock_racing_day(now).year;
}

int
sim_masters_horse(struct sim_req *r)
{
	struct sim_pool_horse h;
	struct sim_pool_stallion sire, damsire;
	struct sim_pool_dam dam;
	uint32_t index;
	const char *sex, *code;
	char name[64], colour[4];

	if (sim_pool_horse_find(r->seg[2], &index) < 0 || !sim_masters_foaled(index, r->now))
		return 404;
	sim_pool_horse(index, &h);
	sim_pool_stallion(h.sire, &sire);
	sim_pool_dam(h.dam, &dam);
	sim_pool_stallion(dam.sire, &damsire);
	sex = sim_pool_horse_sex(&h, clock_racing_day(r->now).year - h.birth_year, &code);
	jsonw_obj(&r->w);
	jsonw_kstr(&r->w, "id", h.id);
	jsonw_kstr(&r->w, "breeder", h.breeder);
	jsonw_kstr(&r->w, "colour", h.colour);
	for (size_t i = 0; i < sizeof(colour) - 1; i++)
		colour[i] = (char)(h.colour[i] >= 'a' && h.colour[i] <= 'z' ? h.colour[i] - 32 : h.colour[i]);
	colour[sizeof(colour) - 1] = '\0';
	jsonw_kstr(&r->w, "colour_code", colour);
	sim_runner_suffixed(dam.name, dam.region, name, sizeof(name));
	jsonw_kstr(&r->w, "dam", name);
	jsonw_kstr(&r->w, "dam_id", dam.id);
	sim_runner_suffixed(damsire.name, damsire.region, name, sizeof(name));
	jsonw_kstr(&r->w, "damsire", name);
	jsonw_kstr(&r->w, "damsire_id", damsire.damsire_id);
	jsonw_kstr(&r->w, "dob", h.dob);
	sim_runner_suffixed(h.name, h.region, name, sizeof(name));
	jsonw_kstr(&r->w, "name", name);
	jsonw_kstr(&r->w, "sex", sex);
	jsonw_kstr(&r->w, "sex_code", code);
	sim_runner_suffixed(sire.name, sire.region, name, sizeof(name));
	jsonw_kstr(&r->w, "sire", name);
	jsonw_kstr(&r->w, "sire_id", sire.id);
	jsonw_obj_end(&r->w);
	return 200;
}

/* Whether needle is in hay, ASCII letters compared without case. */
static int
sim_masters_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		size_t i = 0;

		while (i < n && hay[i] != '\0' &&
		    (hay[i] | (hay[i] >= 'A' && hay[i] <= 'Z' ? 0x20 : 0)) ==
		    (needle[i] | (needle[i] >= 'A' && needle[i] <= 'Z' ? 0x20 : 0)))
			i++;
		if (i == n)
			return 1;
	}
	return n == 0;
}

static void
sim_masters_found_horse(struct jsonw *w, uint32_t index)
{
	struct sim_pool_horse h;
	struct sim_pool_stallion sire, damsire;
	struct sim_pool_dam dam;
	char name[64];

	sim_pool_horse(index, &h);
	sim_pool_stallion(h.sire, &sire);
	sim_pool_dam(h.dam, &dam);
	sim_pool_stallion(dam.sire, &damsire);
	jsonw_obj(w);
	jsonw_kstr(w, "id", h.id);
	sim_runner_suffixed(dam.name, dam.region, name, sizeof(name));
	jsonw_kstr(w, "dam", name);
	jsonw_kstr(w, "dam_id", dam.id);
	jsonw_kstr(w, "damsire", damsire.name);
	jsonw_kstr(w, "damsire_id", damsire.damsire_id);
	sim_runner_suffixed(h.name, h.region, name, sizeof(name));
	jsonw_kstr(w, "name", name);
	sim_runner_suffixed(sire.name, sire.region, name, sizeof(name));
	jsonw_kstr(w, "sire", name);
	jsonw_kstr(w, "sire_id", sire.id);
	jsonw_obj_end(w);
}

/* Searches one kind of person; fill gets a member by index. */
static void
sim_masters_people(struct jsonw *w, const char *needle, uint32_t count,
    void (*fill)(uint32_t, struct sim_pool_person *))
{
	struct sim_pool_person p;
	int found = 0;

	for (uint32_t i = 0; i < count && found < SIM_MASTERS_FOUND; i++) {
		fill(i, &p);
		if (!sim_masters_contains(p.name, needle))
			continue;
		jsonw_obj(w);
		jsonw_kstr(w, "id", p.id);
		jsonw_kstr(w, "name", p.name);
		jsonw_obj_end(w);
		found++;
	}
}

int
sim_masters_search(struct sim_req *r)
{
	const char *kind = r->seg[1], *needle;

	if (sim_params_require(&r->params, "name", &needle) < 0)
		return 422;
	jsonw_obj(&r->w);
	jsonw_key(&r->w, "search_results");
	jsonw_arr(&r->w);
	if (strcmp(kind, "horses") == 0) {
		uint32_t end = (uint32_t)(clock_racing_day(r->now).year - 2 - SIM_POOL_FIRST_CROP + 1) * SIM_POOL_CROP_SIZE;
		int found = 0;
		char name[48];

		for (uint32_t i = 0; i < end && i < SIM_POOL_HORSES && found < SIM_MASTERS_FOUND; i++) {
			sim_pool_horse_name(i, name, sizeof(name));
			if (sim_masters_contains(name, needle)) {
				sim_masters_found_horse(&r->w, i);
				found++;
			}
		}
	} else if (strcmp(kind, "jockeys") == 0) {
		sim_masters_people(&r->w, needle, SIM_POOL_JOCKEYS, sim_pool_jockey);
	} else if (strcmp(kind, "trainers") == 0) {
		sim_masters_people(&r->w, needle, SIM_POOL_TRAINERS, sim_pool_trainer);
	} else {
		sim_masters_people(&r->w, needle, SIM_POOL_OWNERS, sim_pool_owner);
	}
	jsonw_arr_end(&r->w);
	jsonw_obj_end(&r->w);
	return 200;
}
