/* route: method + path pattern matching (see route.h). */
#include "route.h"

#include "api.h"

#include <stdio.h>
#include <string.h>

/*
 * Matches path against pattern segment by segment, copying {captures} into
 * m.  Returns 1 on a match.
 */
static int
route_match_path(const char *pattern, const char *path, struct route_match *m)
{
	const char *pp = pattern, *sp = path;

	m->ncaptures = 0;
	while (*pp != '\0' && *sp != '\0') {
		size_t plen, slen;

		if (*pp != '/' || *sp != '/')
			return 0;
		pp++;
		sp++;
		plen = strcspn(pp, "/");
		slen = strcspn(sp, "/");
		if (pp[0] == '{' && plen > 2 && pp[plen - 1] == '}') {
			if (slen == 0 || slen >= ROUTE_MAX_CAPTURE || m->ncaptures == ROUTE_MAX_CAPTURES)
				return 0;
			memcpy(m->captures[m->ncaptures], sp, slen);
			m->captures[m->ncaptures][slen] = '\0';
			m->ncaptures++;
		} else if (plen != slen || memcmp(pp, sp, plen) != 0) {
			return 0;
		}
		pp += plen;
		sp += slen;
	}
	return *pp == '\0' && *sp == '\0';
}

enum route_result
route_find(const struct api_route *const *routes, size_t n, const char *method,
    const char *path, struct route_match *m)
{
	char clean[ROUTE_MAX_PATH];
	size_t len = strlen(path);
	int path_known = 0;

	m->route = NULL;
	m->index = 0;
	m->ncaptures = 0;
	m->allow[0] = '\0';
	if (len == 0 || len >= sizeof(clean) || path[0] != '/')
		return ROUTE_NOT_FOUND;
	memcpy(clean, path, len + 1);
	if (len > 1 && clean[len - 1] == '/')
		clean[len - 1] = '\0';
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < n; i++) {
		struct route_match tmp;

		if (!route_match_path(routes[i]->pattern, clean, &tmp))
			continue;
		if (strcmp(routes[i]->method, method) == 0) {
			tmp.route = routes[i];
			tmp.index = i;
			memcpy(tmp.allow, m->allow, sizeof(tmp.allow));
			*m = tmp;
			return ROUTE_FOUND;
		}
		if (!path_known || strstr(m->allow, routes[i]->method) == NULL) {
			size_t used = strlen(m->allow);

			snprintf(m->allow + used, sizeof(m->allow) - used, "%s%s%s",
			    used ? ", " : "", routes[i]->method,
			    strcmp(routes[i]->method, "GET") == 0 ? ", HEAD" : "");
		}
		path_known = 1;
	}
	return path_known ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

int
route_regex(const char *pattern, char *out, size_t outlen)
{
	size_t o = 0;
	int n;

#define ROUTE_PUT(...) do { \
		n = snprintf(out + o, outlen - o, __VA_ARGS__); \
		if (n < 0 || (size_t)n >= outlen - o) \
			return -1; \
		o += (size_t)n; \
	} while (0)
	if (outlen == 0)
		return -1;
	ROUTE_PUT("^");
	for (const char *p = pattern; *p != '\0'; p++) {
		if (*p == '{') {
			const char *end = strchr(p, '}');

			if (end == NULL || end == p + 1)
				return -1;
			ROUTE_PUT("[^/]{1,%d}", ROUTE_MAX_CAPTURE - 1);
			p = end;
		} else if (*p == '.') {
			ROUTE_PUT("[.]");
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '/' || *p == '-') {
			ROUTE_PUT("%c", *p);
		} else {
			return -1;
		}
	}
	ROUTE_PUT("%s$", strcmp(pattern, "/") == 0 ? "" : "/?");
#undef ROUTE_PUT
	return 0;
}
