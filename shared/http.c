/* http: libcurl wrapper with bounded bodies (see http.h). */
#include "http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"

#define HTTP_RETRY_AFTER_MAX 86400L

struct http_client {
	CURL                  *curl;
	struct buf             body;
	size_t                 max_body;
	int                    too_big;         /* set by the write callback */
	volatile sig_atomic_t *stop;
	char                   errbuf[CURL_ERROR_SIZE];
};

int
http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t
http_on_body(char *p, size_t size, size_t n, void *data)
{
	struct http_client *c = data;

	if (buf_add(&c->body, p, size * n) < 0) {
		c->too_big = 1;
		return 0;  /* curl stops with CURLE_WRITE_ERROR */
	}
	return size * n;
}

/* Called by curl about once a second, and often while data flows. */
static int
http_on_progress(void *data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct http_client *c = data;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->stop != NULL && *c->stop ? 1 : 0;
}

struct http_client *
http_new(long connect_timeout_ms, long timeout_ms, size_t max_body, volatile sig_atomic_t *stop)
{
	struct http_client *c = calloc(1, sizeof(*c));
	CURL *h;

	if (c == NULL)
		return NULL;
	c->curl = h = curl_easy_init();
	if (h == NULL) {
		free(c);
		return NULL;
	}
	c->max_body = max_body;
	c->stop = stop;
	buf_init(&c->body, max_body);
	if (curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_USERAGENT, HTTP_USER_AGENT) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_body) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_on_body) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, c) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, http_on_progress) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK) {
		http_free(c);
		return NULL;
	}
	return c;
}

void
http_free(struct http_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	buf_free(&c->body);
	free(c);
}

int
http_set_basic_auth(struct http_client *c, const char *user, const char *password)
{
	if (user == NULL)
		return curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, CURLAUTH_NONE) == CURLE_OK ? 0 : -1;
	if (curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_USERNAME, user) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_PASSWORD, password ? password : "") != CURLE_OK)
		return -1;
	return 0;
}

static enum http_result
http_classify(CURLcode rc, int too_big)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return HTTP_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_TIMEOUT;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_TOO_BIG;
	case CURLE_ABORTED_BY_CALLBACK:
		return HTTP_STOPPED;
	case CURLE_WRITE_ERROR:
		return too_big ? HTTP_TOO_BIG : HTTP_FAILED;
	default:
		return HTTP_FAILED;
	}
}

enum http_result
http_get(struct http_client *c, const char *url, struct http_response *res)
{
	curl_off_t retry_after = 0;
	enum http_result r;
	CURLcode rc;

	memset(res, 0, sizeof(*res));
	res->retry_after = -1;
	res->body = "";
	buf_reset(&c->body);
	c->too_big = 0;
	c->errbuf[0] = '\0';
	if (c->stop != NULL && *c->stop) {
		snprintf(res->error, sizeof(res->error), "stopped");
		return HTTP_STOPPED;
	}
	if (curl_easy_setopt(c->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L) != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "invalid URL \"%s\"", url);
		return HTTP_FAILED;
	}
	rc = curl_easy_perform(c->curl);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &res->status);
	/* libcurl reads both forms (seconds, HTTP-date); 0 when none or "now". */
	if (curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
	    retry_after > 0)
		res->retry_after = retry_after < HTTP_RETRY_AFTER_MAX ? (long)retry_after :
		    HTTP_RETRY_AFTER_MAX;
	r = http_classify(rc, c->too_big);
	if (r == HTTP_TOO_BIG) {
		buf_free(&c->body);
		snprintf(res->error, sizeof(res->error), "response body larger than %zu bytes",
		    c->max_body);
		return r;
	}
	if (r != HTTP_OK) {
		snprintf(res->error, sizeof(res->error), "%s", c->errbuf[0] ? c->errbuf :
		    curl_easy_strerror(rc));
		buf_reset(&c->body);
		return r;
	}
	res->body = buf_str(&c->body);
	res->len = c->body.len;
	return HTTP_OK;
}

int
http_query_add(char *url, size_t urllen, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(url), start = n;
	int k;

	k = snprintf(url + n, urllen - n, "%c%s=", strchr(url, '?') ? '&' : '?', name);
	if (k < 0 || (size_t)k >= urllen - n)
		goto toolong;
	n += (size_t)k;
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
		int plain = isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~';

		if (n + (plain ? 1 : 3) >= urllen)
			goto toolong;
		if (plain) {
			url[n++] = (char)*p;
		} else {
			url[n++] = '%';
			url[n++] = hex[*p >> 4];
			url[n++] = hex[*p & 15];
		}
	}
	url[n] = '\0';
	return 0;
toolong:
	url[start] = '\0';
	return -1;
}

const char *
http_result_name(enum http_result r)
{
	static const char *const names[] = { "ok", "connect", "timeout", "too big", "stopped",
	    "failed" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}
