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

#endif
