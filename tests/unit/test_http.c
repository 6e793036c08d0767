/*
 * Unit tests for shared/http: query building, and requests against a
 * one-shot server forked on a loopback port (status, Retry-After in seconds
 * and as an HTTP-date, the body maximum, connection refused, the stop flag).
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

static void
test_query_add(void **state)
{
	char url[64] = "http://h/v1/racecards/pro", small[24] = "http://h/x";

	(void)state;
	assert_int_equal(http_query_add(url, sizeof(url), "date", "2025-10-14"), 0);
	assert_int_equal(http_query_add(url, sizeof(url), "region_codes", "gb"), 0);
	assert_string_equal(url, "http://h/v1/racecards/pro?date=2025-10-14&region_codes=gb");
	assert_int_equal(http_query_add(small, sizeof(small), "name", "A b&c/\xc3\xa9"), -1);
	assert_string_equal(small, "http://h/x");
	assert_int_equal(http_query_add(small, sizeof(small), "n", "a b&"), 0);
	assert_string_equal(small, "http://h/x?n=a%20b%26");
	assert_int_equal(http_query_add(small, sizeof(small), "n", "\xc3\xa9"), -1);
	assert_string_equal(small, "http://h/x?n=a%20b%26");
}

/* Serves one canned response on a loopback port; returns the child's pid. */
static pid_t
serve_once(const char *response, size_t len, int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pid_t pid;

	assert_true(s >= 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int c = accept(s, NULL, NULL);
		char req[4096];

		if (c >= 0 && read(c, req, sizeof(req)) > 0) {
			for (size_t off = 0; off < len;) {
				ssize_t n = write(c, response + off, len - off);

				if (n <= 0)
					break;
				off += (size_t)n;
			}
		}
		_exit(0);
	}
	close(s);
	return pid;
}

static void
reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void
test_get_status_and_retry_after(void **state)
{
	static const char resp[] = "HTTP/1.1 429 Too Many Requests\r\nRetry-After:  7 \r\n"
	    "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
	struct http_client *c = http_new(2000, 5000, 1024, NULL);
	struct http_response res;
	char url[64];
	int port;
	pid_t pid = serve_once(resp, sizeof(resp) - 1, &port);

	(void)state;
	assert_non_null(c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/x", port);
	assert_int_equal(http_get(c, url, &res), HTTP_OK);
	assert_int_equal(res.status, 429);
	assert_int_equal(res.retry_after, 7);
	assert_int_equal(res.len, 2);
	assert_string_equal(res.body, "{}");
	http_free(c);
	reap(pid);
}

/* One GET of a canned response on a fresh one-shot server; returns retry_after. */
static long
get_retry_after(struct http_client *c, const char *resp)
{
	struct http_response res;
	char url[64];
	int port;
	pid_t pid = serve_once(resp, strlen(resp), &port);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	assert_int_equal(http_get(c, url, &res), HTTP_OK);
	reap(pid);
	return res.retry_after;
}

/*
 * Retry-After as an HTTP-date (30 s ahead, in the past, far ahead: capped at
 * a day), and a later response without one on the same client: none.
 */
static void
test_get_retry_after_forms(void **state)
{
	struct http_client *c = http_new(2000, 5000, 1024, NULL);
	char date[64], resp[256];
	time_t when = time(NULL) + 30;
	long secs;

	(void)state;
	assert_non_null(c);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&when));
	snprintf(resp, sizeof(resp), "HTTP/1.1 429 Too Many Requests\r\nRetry-After: %s\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n", date);
	secs = get_retry_after(c, resp);
	assert_true(secs >= 28 && secs <= 31);
	assert_int_equal(get_retry_after(c, "HTTP/1.1 429 Too Many Requests\r\n"
	    "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n"), -1);
	assert_int_equal(get_retry_after(c, "HTTP/1.1 503 Unavailable\r\n"
	    "Retry-After: Fri, 01 Jan 2100 00:00:00 GMT\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n"), 86400);
	assert_int_equal(get_retry_after(c, "HTTP/1.1 429 Too Many Requests\r\n"
	    "Retry-After: 99999999\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), 86400);
	assert_int_equal(get_retry_after(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n"), -1);
	http_free(c);
}

/* A body past the maximum: refused, with or without Content-Length. */
static void
test_get_too_big(void **state)
{
	char resp[4096];
	struct http_client *c = http_new(2000, 5000, 1000, NULL);
	struct http_response res;
	char url[64];
	int port, n;
	pid_t pid;

	(void)state;
	for (int chunked = 0; chunked < 2; chunked++) {
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\n%s\r\nConnection: close\r\n\r\n",
		    chunked ? "X-No-Length: 1" : "Content-Length: 3000");
		memset(resp + n, 'x', 3000);
		pid = serve_once(resp, (size_t)n + 3000, &port);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
		assert_int_equal(http_get(c, url, &res), HTTP_TOO_BIG);
		assert_int_equal(res.len, 0);
		assert_string_equal(res.body, "");
		assert_contains(res.error, "larger than 1000");
		reap(pid);
	}
	http_free(c);
}

static void
test_get_refused_and_stopped(void **state)
{
	volatile sig_atomic_t stop = 0;
	struct http_client *c = http_new(2000, 5000, 1000, &stop);
	struct http_response res;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char url[64];

	(void)state;
	/* A port nobody listens on: bound, then closed. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	close(s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(sa.sin_port));
	assert_int_equal(http_get(c, url, &res), HTTP_CONNECT);
	assert_int_equal(res.status, 0);
	assert_true(res.error[0] != '\0');
	stop = 1;
	assert_int_equal(http_get(c, url, &res), HTTP_STOPPED);
	assert_string_equal(http_result_name(HTTP_TOO_BIG), "too big");
	http_free(c);
	http_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_add),
		cmocka_unit_test(test_get_status_and_retry_after),
		cmocka_unit_test(test_get_retry_after_forms),
		cmocka_unit_test(test_get_too_big),
		cmocka_unit_test(test_get_refused_and_stopped),
	};
	int rc;

	if (http_global_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	http_global_cleanup();
	return rc;
}
