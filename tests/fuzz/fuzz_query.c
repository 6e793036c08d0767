/*
 * libFuzzer target: the query-string decoder, every typed getter, the
 * router and the validation of its captures as ids, on arbitrary bytes.  The first line of the input is the path, the
 * rest the raw query string.  Nothing may crash, leak or read out of bounds
 * (built with -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The shapes of dh-api's table: literals, one and two captures, prefixes of each other. */
static const struct api_route fuzz_defs[] = {
	{ .method = "GET", .pattern = "/api/health", .name = "health" },
	{ .method = "GET", .pattern = "/api/live-odds", .name = "live" },
	{ .method = "GET", .pattern = "/api/live-odds/races-by-stage", .name = "stage" },
	{ .method = "GET", .pattern = "/api/masters", .name = "masters" },
	{ .method = "GET", .pattern = "/api/masters/horses", .name = "horses" },
	{ .method = "GET", .pattern = "/api/masters/horses/{id}", .name = "horse" },
	{ .method = "GET", .pattern = "/api/races/{race_id}/odds", .name = "odds" },
	{ .method = "GET", .pattern = "/api/races/{race_id}/odds/history", .name = "history" },
	{ .method = "GET", .pattern = "/api/races/{race_id}/runners/{horse_id}", .name = "runner" },
	{ .method = "POST", .pattern = "/api/admin/{x}", .name = "admin" },
};

static const struct api_route *const fuzz_routes[] = {
	&fuzz_defs[0], &fuzz_defs[1], &fuzz_defs[2], &fuzz_defs[3], &fuzz_defs[4],
	&fuzz_defs[5], &fuzz_defs[6], &fuzz_defs[7], &fuzz_defs[8], &fuzz_defs[9],
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const choices[] = { "live", "historical", "all", NULL };
	char *text = malloc(size + 1), *nl, err[160];
	struct route_match m;
	struct clock_date d;
	struct query q;
	const char *s;
	long n;
	int b;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	if (nl != NULL)
		*nl = '\0';
	route_find(fuzz_routes, sizeof(fuzz_routes) / sizeof(fuzz_routes[0]), "POST", text, &m);
	if (query_parse(&q, nl ? nl + 1 : "", err, sizeof(err)) == 0) {
		/* What handlers do with captures: validate them as ids. */
		if (route_find(fuzz_routes, sizeof(fuzz_routes) / sizeof(fuzz_routes[0]), "GET", text,
		    &m) == ROUTE_FOUND)
			for (size_t i = 0; i < m.ncaptures; i++)
				query_path_id(&q, "id", m.captures[i], &s);
		query_int(&q, "limit", 1, 1000, 100, &n);
		query_str(&q, "course", 128, &s);
		query_bool(&q, "full", 0, &b);
		query_date(&q, "race_date", &d);
		query_enum(&q, "table", choices, "all", &s);
		query_id(&q, "race_id", &s);
		query_str(&q, "name", 100, &s);
		query_int(&q, "hours_ahead", 1, 168, 24, &n);
		query_valid_id(text);
	}
	query_free(&q);
	free(text);
	return 0;
}
