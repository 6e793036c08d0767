/*
 * sim_http: the request head of HTTP/1.0 and 1.1 (request line and headers),
 * parsed into a copy of its bytes, and the reason phrases of answers.  Only
 * what the simulator needs: method, target, path and query, Content-Length,
 * Transfer-Encoding, Connection, Authorization and Expect.
 */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <stddef.h>

#define SIM_HTTP_MAX_HEAD 16384	/* request line and headers */

struct sim_http_head {
	char        copy[SIM_HTTP_MAX_HEAD + 8];
	char        path[SIM_HTTP_MAX_HEAD + 8];  /* the target up to the "?", not decoded */
	size_t      len;                      /* bytes of the head in the input */
	const char *method;                   /* these point into copy */
	const char *target;
	const char *query;                    /* after the "?"; "" when none */
	const char *authorization;            /* NULL when absent */
	long        content_length;           /* -1 when absent */
	int         keep_alive;               /* by version and Connection */
	int         expect_continue;
	int         chunked;
};

/* Length of the head (through its blank line) in p[0..n), or 0 when incomplete. */
size_t sim_http_head_end(const char *p, size_t n);

/*
 * Parses the head raw[0..len) (len <= SIM_HTTP_MAX_HEAD + 4, as sim_http_head_end
 * found it) into h.  Returns 0, or -1 when malformed (answer 400).
 */
int sim_http_parse_head(struct sim_http_head *h, const char *raw, size_t len);

/* The reason phrase of a status code ("OK", "Not Found", ...). */
const char *sim_http_reason(int status);

#endif
