/* resp: setting and sending responses (see api.h). */
#include "resp.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "jsonw.h"
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

/* A body could not be built (out of memory): sets the fixed 500 body.  Returns 500. */
static int
resp_fallback(struct request *r)
{
	log_error("could not build the response body for %s", r->path);
	buf_reset(&r->body);
	buf_addstr(&r->body, "{\"detail\":\"internal error\"}");
	return 500;
}

void
resp_json(struct request *r, int status, json_t *body)
{
	buf_reset(&r->body);
	if (body == NULL || jsonout_dump(&r->body, body) < 0)
		status = resp_fallback(r);
	json_decref(body);
	r->status = status;
	r->content_type = NULL;
}

/*
 * Bodies PostgreSQL built are sent as it wrote them, white space between
 * tokens included.  A pass stripping it (resp_compact) was measured and
 * dropped, nginx gzipping JSON: on GET /api/historical-odds?limit=1000
 * (741,534 bytes) it cost 262 us against 10 us for the copy and saved 0.4%
 * raw, 13 bytes of 27,113 gzipped (level 5, nginx's); on
 * /api/historical-odds/coverage for 366 days (52,165 bytes) 53 us for 15%
 * raw but 78 bytes of 2,489 gzipped (3%); on /summary 23 bytes.  json_agg
 * of rows is compact already; what white space there is, gzip takes.
 */
void
resp_result(struct request *r, int status, PGresult *res, const char *column)
{
	int col = res != NULL ? PQfnumber(res, column) : -1;
	int ok = col >= 0 && PQntuples(res) > 0 && !PQgetisnull(res, 0, col);

	buf_reset(&r->body);
	if (ok && buf_add(&r->body, PQgetvalue(res, 0, col), (size_t)PQgetlength(res, 0, col)) < 0)
		ok = 0;
	PQclear(res);
	if (!ok) {
		log_error("no \"%s\" value for the response of %s, or larger than %zu bytes",
		    column, r->path, r->body.max);
		resp_detail(r, 500, "internal error");
		return;
	}
	r->status = status;
}

void
resp_body(struct request *r, int status, int failed)
{
	if (failed || r->body.data == NULL) {
		log_error("could not build the response body for %s (larger than %zu bytes?)",
		    r->path, r->body.max);
		resp_detail(r, 500, "internal error: response too large");
		return;
	}
	r->status = status;
}

void
resp_detail(struct request *r, int status, const char *fmt, ...)
{
	char msg[512];
	struct jsonw w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_reset(&r->body);
	jsonw_init(&w, &r->body);
	jsonw_obj(&w);
	jsonw_kstr(&w, "detail", msg);
	jsonw_obj_end(&w);
	if (jsonw_failed(&w))
		status = resp_fallback(r);
	r->status = status;
}

int
resp_invalid_params(struct request *r)
{
	if (r->query.errors == NULL)
		return 0;
	resp_json(r, 422, json_pack("{s:O}", "detail", r->query.errors));
	return 1;
}

/*
 * Writes the status line and headers: Content-Length when len >= 0, else
 * extra (NULL or "Name: value\r\n" lines) in its place.  Returns 0 or -1.
 */
static int
resp_head(struct request *r, FCGX_Stream *out, long long len, const char *extra)
{
	char head[1024], length[48] = "", stats[96] = "";
	unsigned queries;
	int64_t micros;
	const char *cc = r->status == 200 && r->cache_control ? r->cache_control : "no-store";
	int n;

	if (len >= 0)
		snprintf(length, sizeof(length), "Content-Length: %lld\r\n", len);
	db_stats(r->db, &queries, &micros);
	/* For operators; a public deployment may turn them off (DH_QUERY_HEADERS=off). */
	if (r->cfg == NULL || r->cfg->query_headers)
		snprintf(stats, sizeof(stats), "X-Query-Count: %u\r\nX-Query-Time: %" PRId64 ".%03" PRId64 "\r\n",
		    queries, micros / 1000, micros % 1000);
	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "%s%s"
	    "Cache-Control: %s\r\n"
	    "%s"
	    "%s%s%s"
	    "%s%s%s"
	    "\r\n",
	    r->status, resp_reason(r->status),
	    r->content_type ? r->content_type : "application/json", length, extra ? extra : "", cc, stats,
	    r->allow ? "Allow: " : "", r->allow ? r->allow : "", r->allow ? "\r\n" : "",
	    r->www_authenticate ? "WWW-Authenticate: " : "",
	    r->www_authenticate ? r->www_authenticate : "", r->www_authenticate ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head) || FCGX_PutStr(head, n, out) < 0)
		return -1;
	return 0;
}

/* Writes data[0..len) to out; libfcgi takes an int length: large bodies go in pieces. */
static int
resp_put(FCGX_Stream *out, const char *data, size_t len)
{
	for (size_t off = 0; off < len; ) {
		int piece = len - off > (1u << 20) ? 1 << 20 : (int)(len - off);

		if (FCGX_PutStr(data + off, piece, out) < 0)
			return -1;
		off += (size_t)piece;
	}
	return 0;
}

int
resp_send(struct request *r, FCGX_Stream *out, int head_only)
{
	if (resp_head(r, out, (long long)r->body.len, NULL) < 0)
		return -1;
	return head_only ? 0 : resp_put(out, buf_str(&r->body), r->body.len);
}

int
resp_stream_head(struct request *r, const char *content_type, const char *filename)
{
	char disposition[256];

	r->status = 200;
	r->content_type = content_type;
	r->cache_control = "no-store";
	r->streamed = 1;
	snprintf(disposition, sizeof(disposition), "Content-Disposition: attachment; filename=\"%s\"\r\n",
	    filename);
	return resp_head(r, r->out, -1, disposition);
}

int
resp_stream(struct request *r, const char *data, size_t len)
{
	return resp_put(r->out, data, len);
}
