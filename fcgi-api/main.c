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
 *
 * This file is the process: configuration, the socket, the accept loop.
 * What is served is the endpoint families of modules.c, routed by
 * api_dispatch (api.c).
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include <fcgiapp.h>

#include "api.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "resp.h"
#include "sig.h"

#define BODY_MAX (8 * 1024 * 1024)

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
	return sig_install(on_term);
}

static const char *
param(FCGX_Request *fr, const char *name, const char *def)
{
	const char *v = FCGX_GetParam(name, fr->envp);

	return v != NULL ? v : def;
}

static void
serve(FCGX_Request *fr, struct request *r)
{
	const char *method = param(fr, "REQUEST_METHOD", "GET");
	const char *path = param(fr, "DOCUMENT_URI", param(fr, "SCRIPT_NAME", "/"));
	const char *length = param(fr, "CONTENT_LENGTH", "");
	enum metrics_db db = METRICS_DB_OK;
	enum api_outcome out = API_DONE;
	int64_t t0 = clock_mono_us();
	unsigned queries;
	int64_t query_micros;

	r->method = method;
	r->path = path;
	r->authorization = FCGX_GetParam("HTTP_AUTHORIZATION", fr->envp);
	r->accept = FCGX_GetParam("HTTP_ACCEPT", fr->envp);
	r->now = clock_now();
	r->status = 0;
	r->content_type = NULL;
	r->cache_control = NULL;
	r->allow = NULL;
	r->www_authenticate = NULL;
	r->out = fr->out;
	r->streamed = 0;
	r->match.route = NULL;
	r->key_hash[0] = '\0';
	buf_reset(&r->body);
	db_poll_fallback(r->db);	/* between requests: one request reads one server */
	db_stats_reset(r->db);

	if (length[0] != '\0' && strcmp(length, "0") != 0 && strcmp(method, "GET") == 0)
		resp_detail(r, 400, "a GET request takes no body");
	else
		out = api_dispatch(r, param(fr, "QUERY_STRING", ""));
	db_stats(r->db, &queries, &query_micros);
	if (out == API_DB_DOWN)
		db = METRICS_DB_UNAVAILABLE;
	else if (out == API_DB_FAILED)
		db = METRICS_DB_ERROR;
	else if (queries > 0 && db_on_fallback(r->db))
		db = METRICS_DB_FALLBACK;
	if (!r->streamed && resp_send(r, fr->out, strcmp(method, "HEAD") == 0) < 0)
		log_debug("client went away during %s %s", method, path);
	metrics_record(r->match.route ? r->match.index : METRICS_UNMATCHED, r->status, clock_mono_us() - t0, queries, query_micros, db);
	query_free(&r->query);
	r->authorization = NULL;
}

/*
 * Ends the request and closes the connection.  libfcgi's own close lingers
 * (shutdown, then up to 2 s waiting for nginx to close first) so that unread
 * input cannot turn the close into a TCP reset; that wait keeps the process
 * from its next request.  Reading the rest of the request instead (a GET's
 * empty stdin record, at most client_max_body_size) leaves nothing unread,
 * and the plain close that follows is as safe, on a unix socket or TCP.
 */
static void
finish(FCGX_Request *fr)
{
	char rest[4096];

	while (FCGX_GetStr(rest, sizeof(rest), fr->in) > 0)
		;
	FCGX_Detach(fr);
	FCGX_Finish_r(fr);
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

/*
 * Over TCP, says which peers libfcgi lets in: it reads FCGI_WEB_SERVER_ADDRS
 * itself and closes connections from other IPv4 addresses, but lets every
 * IPv6 peer through, so that combination is refused, and so is TCP without
 * the list (any host that reaches the port would be served).  Returns 0, or
 * -1.
 */
static int
check_peers(int fd, const struct cfg *cfg)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || sa.ss_family == AF_UNIX)
		return 0;
	if (cfg->fcgi_web_server_addrs == NULL) {
		log_error("FastCGI over TCP would accept any peer: set FCGI_WEB_SERVER_ADDRS to the nginx hosts");
		return -1;
	}
	if (sa.ss_family == AF_INET6) {
		log_error("FCGI_WEB_SERVER_ADDRS filters IPv4 peers only: listen on an IPv4 address");
		return -1;
	}
	log_info("FastCGI over TCP from %s only", cfg->fcgi_web_server_addrs);
	return 0;
}

/*
 * A replica that goes away is not an outage: while DATABASE_READ_URL does
 * not answer, read from DATABASE_URL's server, as the same read-only role
 * (never with the writer's credentials).  Nothing to do when both name the
 * same server.  Returns 0, or -1 when out of memory.
 */
static int
read_fallback(struct db *db, const struct cfg *cfg)
{
	char url[2048];
	int rc;

	if (cfg->database_read_url == NULL || cfg->database_url == NULL)
		return 0;
	rc = db_fallback_url(cfg->database_read_url, cfg->database_url, url, sizeof(url));
	if (rc < 0)
		log_warn("DATABASE_READ_URL or DATABASE_URL does not parse as a connection string: no fallback to the primary");
	if (rc <= 0)
		return 0;
	log_info("reading from DATABASE_READ_URL; from DATABASE_URL's server when it does not answer");
	return db_set_fallback(db, url, "DATABASE_READ_URL", "the primary (DATABASE_URL's server)");
}

int
main(int argc, char **argv)
{
	const struct api_route *const *routes;
	size_t nroutes;
	struct cfg cfg;
	struct request r;
	FCGX_Request fr;
	char err[512];
	const char *url;
	int fd;

	if (argc == 2 && strcmp(argv[1], "--cache-key-map") == 0) {
		if (api_init() < 0 || api_print_cache_map(stdout) < 0 || fflush(stdout) != 0)
			return 1;
		return 0;
	}
	if (cfg_load(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "dh-api: %s\n", err);
		return CFG_EXIT_CONFIG;
	}
	log_init("dh-api", cfg.log_level);
	cfg_log_unused();
	url = cfg.database_read_url ? cfg.database_read_url : cfg.database_url;
	if (url == NULL) {
		fprintf(stderr, "dh-api: DATABASE_URL is not set (make run sets it for the embedded cluster)\n");
		return CFG_EXIT_CONFIG;
	}
	fd = open_listen_socket(argc, argv);
	if (fd == -2)
		return 64;
	if (fd >= 0 && check_peers(fd, &cfg) < 0)
		return CFG_EXIT_CONFIG;
	if (fd < 0 || install_signals() < 0 || FCGX_Init() != 0)
		return 1;

	/*
	 * Keep memory freed after a request for the next one instead of giving
	 * it back to the kernel and faulting it in again (that was a third of the
	 * time of formatting a full day's board).  Blocks over 4 MiB still come
	 * and go by mmap, so RSS stays at a few MiB over the largest ordinary
	 * request (see DESIGN.md: 16 MiB a process).
	 */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	memset(&r, 0, sizeof(r));
	r.cfg = &cfg;
	buf_init(&r.body, BODY_MAX);
	/*
	 * UTC: the time texts the handlers parse and print are all "+00".  The
	 * data dh-api reads is in memory, where a page read at random costs about
	 * what one in sequence does: with the default random_page_cost (4) the
	 * planner prefers a scan and a sort (slow for text keys) to reading the
	 * board index in order.  Plans for the values at hand: a list's
	 * statement has a "$n IS NULL OR ..." for each filter and its cursor,
	 * which such a plan folds away; a generic plan keeps them all and, once
	 * PostgreSQL switches to it after five calls, reads a large table whole
	 * (issue 15).  But the item lookups (DB_STMT_GENERIC) keep one generic
	 * plan: planning the horse lookup took longer than running it.
	 */
	r.db = db_new(url, "dh-api", "-c statement_timeout=5000 -c default_transaction_read_only=on "
	    "-c TimeZone=UTC -c random_page_cost=1.1 -c work_mem=16MB");
	if (r.db == NULL)
		goto oom;
	db_plan_for_values(r.db);
	if (read_fallback(r.db, &cfg) < 0 || api_init() < 0)
		goto oom;
	routes = api_routes(&nroutes);
	if (metrics_init(routes, nroutes, cfg.var_dir) < 0)
		goto oom;
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
		finish(&fr);
	}
	log_info("stopping");
	db_free(r.db);
	buf_free(&r.body);
	explicit_bzero(r.key_hash, sizeof(r.key_hash));
	return 0;
oom:
	log_error("out of memory at start (or more than %d routes)", API_MAX_ROUTES);
	return 1;
}
