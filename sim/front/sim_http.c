/* sim_http: request heads and reason phrases (see sim_http.h). */
#include "sim_http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "num.h"

const char *
sim_http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}

size_t
sim_http_head_end(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Whether the comma-separated header value v holds token. */
static int
sim_http_has_token(const char *v, const char *token)
{
	size_t n = strlen(token);

	while (*v != '\0') {
		v += strspn(v, " \t,");
		if (strncasecmp(v, token, n) == 0 && (v[n] == '\0' || v[n] == ',' || v[n] == ' '))
			return 1;
		v += strcspn(v, ",");
	}
	return 0;
}

/* Reads one "Name: value" line into the head.  Returns 0, or -1 (400). */
static int
sim_http_header(struct sim_http_head *h, char *line)
{
	char *colon = strchr(line, ':'), *v, *end;
	long n;

	if (colon == NULL || colon == line)
		return -1;
	*colon = '\0';
	v = colon + 1 + strspn(colon + 1, " \t");
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (strcasecmp(line, "Content-Length") == 0) {
		if (num_parse_long(v, 0, 1L << 40, &n) < 0 ||
		    (h->content_length >= 0 && h->content_length != n))
			return -1;
		h->content_length = n;
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		h->chunked = 1;
	} else if (strcasecmp(line, "Connection") == 0) {
		if (sim_http_has_token(v, "close"))
			h->keep_alive = 0;
		else if (sim_http_has_token(v, "keep-alive"))
			h->keep_alive = 1;
	} else if (strcasecmp(line, "Authorization") == 0) {
		h->authorization = v;
	} else if (strcasecmp(line, "Expect") == 0) {
		h->expect_continue = sim_http_has_token(v, "100-continue");
	}
	return 0;
}

int
sim_http_parse_head(struct sim_http_head *h, const char *raw, size_t len)
{
	char *line, *next, *sp1, *sp2, *q;

	if (len > SIM_HTTP_MAX_HEAD + 4 || memchr(raw, '\0', len) != NULL)
		return -1;
	memcpy(h->copy, raw, len);
	h->copy[len] = '\0';
	h->len = len;
	h->authorization = NULL;
	h->content_length = -1;
	h->expect_continue = h->chunked = 0;
	line = h->copy;
	next = strchr(line, '\n');
	*next = '\0';
	if (next > line && next[-1] == '\r')
		next[-1] = '\0';
	sp1 = strchr(line, ' ');
	sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL || sp1 == line || sp1 - line > 15 || sp1[1] != '/')
		return -1;
	*sp1 = *sp2 = '\0';
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		h->keep_alive = 1;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		h->keep_alive = 0;
	else
		return -1;
	h->method = line;
	h->target = sp1 + 1;
	for (line = next + 1; *line != '\0' && *line != '\r' && *line != '\n'; line = next + 1) {
		next = strchr(line, '\n');
		*next = '\0';
		if (next > line && next[-1] == '\r')
			next[-1] = '\0';
		if (sim_http_header(h, line) < 0)
			return -1;
	}
	/* The path ends at the "?". */
	q = strchr(h->target, '?');
	h->query = q != NULL ? q + 1 : "";
	snprintf(h->path, sizeof(h->path), "%.*s",
	    (int)(q != NULL ? (size_t)(q - h->target) : strlen(h->target)), h->target);
	return 0;
}
