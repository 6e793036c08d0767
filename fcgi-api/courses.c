/*
 * courses: GET /api/courses, the racecourses known from the masters: ours
 * under "courses", the same page in the original's shape ({name}) under
 * "data" (reference section 2.13).
 */
#include <stdio.h>

#include "api.h"

/* A page of courses, each with its cursor (the last one's is the page's next_after). */
static const char sql_courses[] =
    "SELECT course_id, name, region_code, region,"
    "       dh_cursor(json_build_array('courses_all', name, course_id)) AS after"
    "  FROM ra_courses"
    " WHERE ($1::text IS NULL OR region_code = upper($1))"
    "   AND ($4::text IS NULL OR (name, course_id) > ($4::text, $5::text))"
    " ORDER BY name, course_id"
    " LIMIT $2 OFFSET $3";

static const struct api_key courses_key = { "courses_all", "ss" };

static const struct db_stmt courses_list_stmt = DB_STMT("courses_list", sql_courses);

static enum api_outcome
courses_list(struct request *r)
{
	struct api_page page;
	const char *params[1 + 2 + API_MAX_KEYS] = { NULL };
	PGresult *res;
	json_t *list, *names;
	int n;

	query_enum(&r->query, "region", api_regions, NULL, &params[0]);
	api_page_keyed(r, API_MAX_LIMIT, &courses_key, &page);
	if (resp_invalid_params(r))
		return API_DONE;
	params[1] = page.limit_s;
	params[2] = page.offset_s;
	for (int i = 0; i < page.nkeys; i++)
		params[3 + i] = page.after[i];
	res = db_exec_prepared(r->db, &courses_list_stmt, 3 + page.nkeys, params);
	if (res == NULL)
		return api_db_failed(r);
	n = PQntuples(res);
	list = json_array();
	names = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(list, json_pack("{s:s?, s:s?, s:s?, s:s?}",
		    "course_id", db_value(res, i, "course_id"),
		    "name", db_value(res, i, "name"),
		    "region_code", db_value(res, i, "region_code"),
		    "region", db_value(res, i, "region")));
		json_array_append_new(names, json_pack("{s:s?}", "name", db_value(res, i, "name")));
	}
	resp_json(r, 200, json_pack("{s:b, s:i, s:i, s:i, s:o, s:o, s:s?}",
	    "success", 1, "count", n, "limit", (int)page.limit, "offset", (int)page.offset,
	    "courses", list, "data", names,
	    "next_after", n == page.limit ? db_value(res, n - 1, "after") : NULL));
	PQclear(res);
	return API_DONE;
}

static const struct api_route courses_routes[] = {
	{ .method = "GET", .pattern = "/api/courses",
	  .operation_id = "get_courses_api_courses_get",
	  .handler = courses_list, .cache_control = API_MASTERS, .name = "courses",
	  .summary = "Racecourses (data: the original's {name})",
	  .schema = "CourseList",
	  .params = { API_P_REGION, API_P_LIMIT(1000), API_P_OFFSET, API_P_AFTER } },
};

static const struct api_schema courses_schemas[] = {
	{ "Course", "course_id:s name:s region_code:s region:s created_at:t updated_at:t" },
	{ "CourseName", "name:s" },
	{ "CourseList", "success:b count:i limit:i offset:i courses:[Course] data:[CourseName] next_after:s" },
};

const struct api_module courses_module = {
	.name = "courses", .tag = "Odds API",
	.routes = courses_routes, .nroutes = API_COUNT(courses_routes),
	.schemas = courses_schemas, .nschemas = API_COUNT(courses_schemas),
};
