/*
 * dh-api: the read-only JSON API, one FastCGI responder per process.
 *
 * supervisord's [fcgi-program] opens the listening socket and starts
 * DH_API_PROCS copies of this program with it on fd 0 (the prefork model);
 * each copy serves one connection at a time.  `--listen PATH|HOST:PORT`
 * opens a socket itself, for runs outside supervisord.
 *
 * SIGTERM: between requests the process exits at once; during one it
 * finishes the request, then exits 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "api.h"
#include "clock.h"
#include "log.h"
#include "resp.h"

#define BODY_MAX (8 * 1024 * 1024)

static const struct route routes[] = {
	{ "GET", "/health",      health_get,   "no-store",              "health" },
	{ "GET", "/api/health",  health_get,   "no-store",              "health" },
	{ "GET", "/api/courses", courses_list, "public, max-age=300",   "courses" },
};

static volatile sig_atomic_t in_request;
static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	if (!in_request)
		_exit(0);
	stopping = 1;
}

static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

static const char *
param(FCGX_Request *fr, const char *name, const char *def)
{
	const char *v = FCGX_GetParam(name, fr->envp);

	return v != NULL ? v : def;
}

/* Routes one request and sets its response. */
static void
dispatch(struct request *r, const char *raw_query)
{
	char err[160];
	int rc;

	switch (route_find(routes, sizeof(routes) / sizeof(routes[0]), r->method, r->path, &r->match)) {
	case ROUTE_NOT_FOUND:
		resp_detail(r, 404, "%s not found", r->path);
		return;
	case ROUTE_BAD_METHOD:
		r->allow = r->match.allow;
		resp_detail(r, 405, "method %s not allowed on %s", r->method, r->path);
		return;
	case ROUTE_FOUND:
		break;
	}
	if (query_parse(&r->query, raw_query, err, sizeof(err)) < 0) {
		resp_detail(r, 400, "%s", err);
		return;
	}
	r->cache_control = r->match.route->cache_control;
	rc = r->match.route->handler(r);
	if (rc == 0 && r->status != 0)
		return;
	if (db_is_down(r->db)) {
		log_warn("%s %s: database unavailable: %s", r->method, r->path, db_error(r->db));
		resp_detail(r, 503, "database unavailable");
	} else {
		log_error("%s %s: %s", r->method, r->path, db_error(r->db));
		resp_detail(r, 500, "internal error");
	}
}

static void
serve(FCGX_Request *fr, struct request *r)
{
	const char *method = param(fr, "REQUEST_METHOD", "GET");
	const char *path = param(fr, "DOCUMENT_URI", param(fr, "SCRIPT_NAME", "/"));
	const char *length = param(fr, "CONTENT_LENGTH", "");

	r->method = method;
	r->path = path;
	r->status = 0;
	r->cache_control = NULL;
	r->allow = NULL;
	buf_reset(&r->body);
	db_stats_reset(r->db);

	if (length[0] != '\0' && strcmp(length, "0") != 0 && strcmp(method, "GET") == 0)
		resp_detail(r, 400, "a GET request takes no body");
	else
		dispatch(r, param(fr, "QUERY_STRING", ""));
	if (resp_send(r, fr->out, strcmp(method, "HEAD") == 0) < 0)
		log_debug("client went away during %s %s", method, path);
	query_free(&r->query);
}

static int
open_listen_socket(int argc, char **argv)
{
	int fd;

	if (argc == 1)
		return 0;
	if (argc == 3 && strcmp(argv[1], "--listen") == 0) {
		fd = FCGX_OpenSocket(argv[2], 128);
		if (fd < 0)
			log_error("could not listen on \"%s\"", argv[2]);
		return fd;
	}
	fprintf(stderr, "usage: dh-api [--listen PATH|HOST:PORT]\n");
	return -2;
}

int
main(int argc, char **argv)
{
	struct cfg cfg;
	struct request r;
	FCGX_Request fr;
	char err[512];
	const char *url;
	int fd;

	if (cfg_load(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "dh-api: %s\n", err);
		return CFG_EXIT_CONFIG;
	}
	log_init("dh-api", cfg.log_level);
	url = cfg.database_read_url ? cfg.database_read_url : cfg.database_url;
	if (url == NULL) {
		fprintf(stderr, "dh-api: DATABASE_URL is not set (make run sets it for the embedded cluster)\n");
		return CFG_EXIT_CONFIG;
	}
	fd = open_listen_socket(argc, argv);
	if (fd == -2)
		return 64;
	if (fd < 0 || install_signals() < 0 || FCGX_Init() != 0)
		return 1;

	memset(&r, 0, sizeof(r));
	r.cfg = &cfg;
	buf_init(&r.body, BODY_MAX);
	r.db = db_new(url, "dh-api", "-c statement_timeout=5000 -c default_transaction_read_only=on");
	if (r.db == NULL || health_prepare(r.db) < 0 || courses_prepare(r.db) < 0) {
		log_error("out of memory at start");
		return 1;
	}
	if (FCGX_InitRequest(&fr, fd, 0) != 0)
		return 1;
	/* Connect now so the first request does not pay for it; not fatal. */
	if (db_ensure(r.db) < 0)
		log_warn("%s; will retry on the next request", db_error(r.db));
	log_info("ready, pid %d", (int)getpid());
	while (!stopping) {
		in_request = 0;
		if (stopping || FCGX_Accept_r(&fr) < 0)
			break;
		in_request = 1;
		serve(&fr, &r);
		FCGX_Finish_r(&fr);
	}
	log_info("stopping");
	db_free(r.db);
	buf_free(&r.body);
	return 0;
}
