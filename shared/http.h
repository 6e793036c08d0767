/*
 * http: a small libcurl client for the workers' upstream calls.
 *
 * - The program's main calls http_global_init() once, before any thread or
 *   client exists, and http_global_cleanup() at exit.
 * - One client holds one easy handle, reused for every request so the
 *   connection stays open (keep-alive).  Not thread-safe: one per worker.
 * - Every request has a connect timeout and a total timeout, runs with
 *   CURLOPT_NOSIGNAL, and reads its body into a bounded buffer: a body past
 *   the maximum is refused (HTTP_TOO_BIG) with the memory already freed.
 * - A stop flag (SIGTERM) aborts a request in flight within about a second.
 * - A Retry-After header, in seconds or as an HTTP-date, is read by libcurl
 *   (CURLINFO_RETRY_AFTER).
 * - User-Agent: "darkhorses/<DH_VERSION>".
 */
#ifndef DH_HTTP_H
#define DH_HTTP_H

#include <signal.h>
#include <stddef.h>

#ifndef DH_VERSION
#define DH_VERSION "0.1"
#endif

#define HTTP_USER_AGENT "darkhorses/" DH_VERSION

/* What became of a request.  HTTP_OK means a response came, whatever its status. */
enum http_result {
	HTTP_OK = 0,
	HTTP_CONNECT,   /* could not resolve or connect */
	HTTP_TIMEOUT,   /* connect or total timeout */
	HTTP_TOO_BIG,   /* the body passed the client's maximum */
	HTTP_STOPPED,   /* the stop flag was raised */
	HTTP_FAILED,    /* anything else: TLS, protocol, reset mid-body */
};

struct http_response {
	long        status;       /* HTTP status; 0 when no response */
	const char *body;         /* NUL-terminated; owned by the client, valid until its next request */
	size_t      len;
	long        retry_after;  /* seconds a Retry-After header asks for (capped at a
	                             day); -1 when none, or when it says now */
	char        error[256];   /* what went wrong when the result is not HTTP_OK */
};

struct http_client;

/*
 * Initialises libcurl for the whole program.  Returns 0, or -1 (log it and
 * exit: nothing will work).
 */
int http_global_init(void);
void http_global_cleanup(void);

/*
 * Makes a client: timeouts in milliseconds, max_body the largest body
 * accepted, stop (may be NULL) a flag that aborts requests when non-zero.
 * On error (out of memory, libcurl failure), NULL is returned.  Free it
 * with http_free().
 */
struct http_client *http_new(long connect_timeout_ms, long timeout_ms, size_t max_body,
    volatile sig_atomic_t *stop);

/* Closes the connection and frees the client.  NULL is fine. */
void http_free(struct http_client *c);

/*
 * Sets HTTP Basic credentials for every later request (NULL user: none).
 * Returns 0, or -1 when out of memory.
 */
int http_set_basic_auth(struct http_client *c, const char *user, const char *password);

/*
 * GETs url into *res (which the call fills entirely).  Returns HTTP_OK when
 * a response arrived (any status), else the failure, with res->error saying
 * what went wrong and no body.
 */
enum http_result http_get(struct http_client *c, const char *url, struct http_response *res);

/*
 * Appends "name=value" to a URL's query, with "?" or "&" as needed and the
 * value percent-encoded.  The URL lives in url (at most urllen bytes).
 * Returns 0, or -1 when it does not fit (url is then unchanged).
 */
int http_query_add(char *url, size_t urllen, const char *name, const char *value);

/* A short name for a result: "ok", "connect", "timeout", ... */
const char *http_result_name(enum http_result r);

#endif
