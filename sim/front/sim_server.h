/*
 * sim_server: a small HTTP/1.1 server on one poll() loop, for the simulator.
 *
 * Many connections at once, keep-alive, pipelined requests answered in
 * order, Content-Length bodies (no chunked uploads: 501).  The request line
 * and headers may take SIM_SERVER_MAX_HEAD bytes (beyond: 431) and a body
 * SIM_SERVER_MAX_BODY (beyond: 413); both answers close the connection.
 *
 * The handler runs once per request and fills in a response.  It may ask
 * for the answer to go out later (delay_ms) or never (hold: the connection
 * stays open, silent, until the client closes it).  Both are timers in the
 * loop, so no connection waits for another.
 */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sim_http.h"

#define SIM_SERVER_MAX_HEAD  SIM_HTTP_MAX_HEAD
#define SIM_SERVER_MAX_BODY  (1024 * 1024)
#define SIM_SERVER_MAX_CONNS 1000

struct sim_server_request {
	const char *method;         /* "GET" */
	const char *target;         /* "/v1/courses?region_codes=gb" */
	const char *path;           /* target up to the "?", not decoded */
	const char *query;          /* after the "?"; "" when none */
	const char *authorization;  /* the header's value, or NULL */
	const char *body;
	size_t      body_len;
};

struct sim_server_response {
	int         status;
	const char *content_type;   /* NULL: application/json */
	struct buf  body;           /* filled by the handler, freed by the server */
	char        headers[256];   /* extra header lines, each ending in "\r\n" */
	int64_t     delay_ms;       /* send this much later */
	int         hold;           /* never answer */
	int         head_only;      /* HEAD: headers without the body */
};

/* Fills in resp for req.  resp->body is initialised (empty) by the server. */
typedef void (*sim_server_handler)(const struct sim_server_request *req, struct sim_server_response *resp);

/* Opens a listening TCP socket on addr:port.  Returns the fd, or -1 (logged). */
int sim_server_listen(const char *addr, int port);

/*
 * Serves listen_fd until stop_fd becomes readable (the signal handler's
 * pipe), then closes every connection.  Returns 0, or -1 when poll fails.
 */
int sim_server_run(int listen_fd, int stop_fd, sim_server_handler handler);

#endif
