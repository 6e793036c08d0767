/*
 * courses: GET /api/courses, the racecourses known from the masters: ours
 * under "courses", the same page in the original's shape ({name}) under
 * "data" (reference section 2.13).
 */
#include <stdio.h>

#include "api.h"

static const char sql_courses[] =
    "SELECT course_id, name, region_code, region"
    "  FROM ra_courses"
    " WHERE $1::text IS NULL OR region_code = upper($1)"
    " ORDER BY name, course_id"
    " LIMIT $2 OFFSET $3";

static const struct db_stmt courses_list_stmt = DB_STMT("courses_list", sql_courses);

static enum api_outcome
courses_list(struct request *r)
{
	static const char *const regions[] = { "gb", "ire", "GB", "IRE", NULL };
	const char *region;
	long limit, offset;
	char lim[24], off[24];
	const char *params[3] = { NULL, lim, off };
	PGresult *res;
	json_t *list, *names;
	int n;

	query_enum(&r->query, "region", regions, NULL, &region);
	query_int(&r->query, "limit", 1, 1000, 1000, &limit);
	query_int(&r->query, "offset", 0, 1000000, 0, &offset);
	if (resp_invalid_params(r))
		return API_DONE;
	params[0] = region;
	snprintf(lim, sizeof(lim), "%ld", limit);
	snprintf(off, sizeof(off), "%ld", offset);
	res = db_exec_prepared(r->db, &courses_list_stmt, 3, params);
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
	resp_json(r, 200, json_pack("{s:b, s:i, s:i, s:i, s:o, s:o}",
	    "success", 1, "count", n, "limit", (int)limit, "offset", (int)offset,
	    "courses", list, "data", names));
	PQclear(res);
	return API_DONE;
}

static const struct api_route courses_routes[] = {
	{ .method = "GET", .pattern = "/api/courses",
	  .operation_id = "get_courses_api_courses_get",
	  .handler = courses_list, .cache_control = API_MASTERS, .name = "courses",
	  .summary = "Racecourses (data: the original's {name})",
	  .schema = "CourseList",
	  .params = { API_P_REGION, API_P_LIMIT(1000), API_P_OFFSET } },
};

static const struct api_schema courses_schemas[] = {
	{ "Course", "course_id:s name:s region_code:s region:s created_at:t updated_at:t" },
	{ "CourseName", "name:s" },
	{ "CourseList", "success:b count:i limit:i offset:i courses:[Course] data:[CourseName]" },
};

const struct api_module courses_module = {
	.name = "courses", .tag = "Odds API",
	.routes = courses_routes, .nroutes = API_COUNT(courses_routes),
	.schemas = courses_schemas, .nschemas = API_COUNT(courses_schemas),
};
