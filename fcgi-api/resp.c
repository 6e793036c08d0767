/* resp: setting and sending responses (see api.h). */
#include "resp.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "log.h"

static const char *
resp_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}

void
resp_json(struct request *r, int status, json_t *body)
{
	buf_reset(&r->body);
	if (body == NULL || jsonout_dump(&r->body, body) < 0) {
		log_error("could not build the response body for %s", r->path);
		buf_reset(&r->body);
		buf_addstr(&r->body, "{\"detail\":\"internal error\"}");
		status = 500;
	}
	json_decref(body);
	r->status = status;
}

void
resp_detail(struct request *r, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	resp_json(r, status, json_pack("{s:o}", "detail", jsonout_string(msg, strlen(msg))));
}

int
resp_invalid_params(struct request *r)
{
	if (r->query.errors == NULL)
		return 0;
	resp_json(r, 422, json_pack("{s:O}", "detail", r->query.errors));
	return 1;
}

int
resp_send(struct request *r, FCGX_Stream *out, int head_only)
{
	char head[1024];
	unsigned queries;
	int64_t micros;
	const char *cc = r->status == 200 && r->cache_control ? r->cache_control : "no-store";
	int n;

	db_stats(r->db, &queries, &micros);
	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: %s\r\n"
	    "X-Query-Count: %u\r\n"
	    "X-Query-Time: %" PRId64 ".%03" PRId64 "\r\n"
	    "%s%s%s"
	    "\r\n",
	    r->status, resp_reason(r->status), r->body.len, cc, queries,
	    micros / 1000, micros % 1000,
	    r->allow ? "Allow: " : "", r->allow ? r->allow : "", r->allow ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (FCGX_PutStr(head, n, out) < 0)
		return -1;
	if (!head_only && r->body.len > 0 &&
	    FCGX_PutStr(buf_str(&r->body), (int)r->body.len, out) < 0)
		return -1;
	return 0;
}
