/*
 * route: the table of endpoints, matched by method and path pattern.
 * Patterns are literal segments and {name} captures ("/api/masters/horses/{id}");
 * a trailing slash on the path is ignored.  Matching is pure: it neither
 * allocates nor touches the request beyond the captures.
 */
#ifndef DH_ROUTE_H
#define DH_ROUTE_H

#include <stddef.h>

#define ROUTE_MAX_CAPTURES 4
#define ROUTE_MAX_PATH     1024
#define ROUTE_MAX_CAPTURE  128

struct request;
typedef int (*route_handler)(struct request *r);

struct route {
	const char    *method;		/* "GET"; HEAD is served by GET routes */
	const char    *pattern;
	route_handler  handler;
	const char    *cache_control;	/* sent on success */
	const char    *name;		/* for metrics and logs */
};

struct route_match {
	const struct route *route;
	size_t              ncaptures;
	char                captures[ROUTE_MAX_CAPTURES][ROUTE_MAX_CAPTURE];
	char                allow[64];	/* for 405: the methods the path accepts */
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Finds the route for method and path among n routes. */
enum route_result route_find(const struct route *routes, size_t n, const char *method,
    const char *path, struct route_match *m);

#endif
