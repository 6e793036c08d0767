/*
 * cachekey: the routes' part of nginx's micro-cache key (see api.h).
 *
 * A key made of the whole query string lets any client miss the cache at
 * will, with a parameter the route ignores (OWASP API4: every such request
 * reaches the database).  A key made naively of $arg_NAME lets one client
 * plant an answer for another's request: nginx matches $arg_ names without
 * regard to case, takes the first of repeated names and splits only at "&",
 * while dh-api (query.c) is case-sensitive, refuses repeats, splits at "&"
 * and ";" and decodes percent-escapes in names.
 *
 * So nginx/darkhorses.conf.in keys a request on its route's own parameters,
 * in the order the route declares them, only when the query string is
 * plain: lowercase names of [a-z0-9_], each given once with a non-empty
 * value of unreserved characters or well-formed escapes, "&" between pairs,
 * and a path of [A-Za-z0-9_./-].  There nginx's $arg_NAME and dh-api's
 * getter read the same value, and an absent parameter reads empty as
 * nothing else can.  Anything else is keyed on the whole request line, as
 * before.  The handlers read only what their route declares (query.c sees a
 * parameter it is not told of as absent), so the key covers every input an
 * answer depends on but the Authorization header, which bypasses the cache
 * where it matters ($dh_auth_bypass).
 *
 * This file prints the map's entries, one per GET route, on one line (the
 * renderer's values hold no newline): the path's regex (route_regex) and
 * "C" followed by "name=$arg_name&" for each declared parameter.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

/* A name nginx can take as $arg_NAME and no client can spell another way. */
static int
cachekey_plain_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/*
 * $dh_arg_NAME: "" when the query string lacks NAME, "=VALUE" (as sent) when
 * it has it once, "!" when more than once (dh-api's 422).  Case-sensitive and
 * split at "&" only, as dh-api reads it ("limit" alone is "limit=").
 */
static void
cachekey_print_name(FILE *f, const char *name)
{
	fprintf(f, "map $args $dh_arg_%s { default \"\"; "
	    "\"~(?:^|&)%s(?:=[^&]*)?&(?:[^&]*&)*%s(?:[=&]|$)\" \"!\"; "
	    "\"~(?:^|&)%s=(?<dh_v_%s>[^&]*)\" \"=$dh_v_%s\"; "
	    "\"~(?:^|&)%s(?:&|$)\" \"=\"; } ",
	    name, name, name, name, name, name, name);
}

int
api_print_cache_map(FILE *f)
{
	static const char *printed[API_MAX_ROUTES * API_MAX_PARAMS];
	const struct api_route *const *routes;
	size_t n, nprinted = 0;
	char re[512];

	routes = api_routes(&n);
	for (size_t i = 0; i < n; i++) {
		const struct api_route *rt = routes[i];

		if (strcmp(rt->method, "GET") != 0)
			continue;
		for (size_t p = 0; p < API_MAX_PARAMS && rt->params[p].name != NULL; p++) {
			if (!cachekey_plain_name(rt->params[p].name)) {
				fprintf(stderr, "dh-api: route %s: parameter \"%s\" is not [a-z0-9_]+\n",
				    rt->pattern, rt->params[p].name);
				return -1;
			}
			size_t k = 0;

			while (k < nprinted && strcmp(printed[k], rt->params[p].name) != 0)
				k++;
			if (k == nprinted) {
				printed[nprinted++] = rt->params[p].name;
				cachekey_print_name(f, rt->params[p].name);
			}
		}
	}
	fprintf(f, "map $uri $dh_route_args { default \"U$args\"; ");
	for (size_t i = 0; i < n; i++) {
		const struct api_route *rt = routes[i];

		if (strcmp(rt->method, "GET") != 0)
			continue;
		if (route_regex(rt->pattern, re, sizeof(re)) < 0) {
			fprintf(stderr, "dh-api: route %s: pattern has no regex\n", rt->pattern);
			return -1;
		}
		fprintf(f, "\"~%s\" \"C", re);
		for (size_t p = 0; p < API_MAX_PARAMS && rt->params[p].name != NULL; p++)
			fprintf(f, "%s$dh_arg_%s&", rt->params[p].name, rt->params[p].name);
		fprintf(f, "\"; ");
	}
	fprintf(f, "}\n");
	return ferror(f) ? -1 : 0;
}
