/*
 * route: finding the endpoint for a method and path among the routes (struct
 * api_route, see api.h).  Patterns are literal segments and {name} captures
 * ("/api/masters/horses/{id}"); a trailing slash on the path is ignored.
 * Matching is pure: it neither allocates nor touches anything beyond m.
 */
#ifndef DH_ROUTE_H
#define DH_ROUTE_H

#include <stddef.h>

#define ROUTE_MAX_CAPTURES 4
#define ROUTE_MAX_PATH     1024
#define ROUTE_MAX_CAPTURE  128

struct api_route;

struct route_match {
	const struct api_route *route;
	size_t                  index;	/* of route in the table */
	size_t                  ncaptures;
	char                    captures[ROUTE_MAX_CAPTURES][ROUTE_MAX_CAPTURE];
	char                    allow[64];	/* for 405: the methods the path accepts */
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Finds the route for method and path among routes[0..n). */
enum route_result route_find(const struct api_route *const *routes, size_t n, const char *method,
    const char *path, struct route_match *m);

/*
 * Writes the PCRE that matches exactly the paths route_find matches to
 * pattern (nginx's map, for the micro-cache's key: see cachekey.c):
 * anchored, literal segments with "." as "[.]", each {capture} as 1 to
 * ROUTE_MAX_CAPTURE - 1 bytes without "/", one optional trailing slash.
 * Returns 0, or -1 when out is too small or the pattern holds a character
 * a regex would read as syntax (patterns are [A-Za-z0-9_./-] and {names}).
 */
int route_regex(const char *pattern, char *out, size_t outlen);

#endif
