/* sim_server: poll()-based HTTP/1.1 (see sim_server.h). */
#define _GNU_SOURCE	/* accept4 */
#include "sim_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

#define SIM_SERVER_IDLE_MS    75000	/* a keep-alive connection with nothing to do */
#define SIM_SERVER_READ_MS    30000	/* a request that has started to arrive */
#define SIM_SERVER_READ_CHUNK 16384
#define SIM_SERVER_IN_MAX     (SIM_SERVER_MAX_HEAD + 4 + SIM_SERVER_MAX_BODY + SIM_SERVER_READ_CHUNK)

enum sim_server_state {
	SIM_SERVER_READING,   /* waiting for (the rest of) a request */
	SIM_SERVER_WAITING,   /* an answer held back until the deadline */
	SIM_SERVER_HOLDING,   /* no answer ever: the "timeout" fault */
	SIM_SERVER_WRITING
};

struct sim_server_conn {
	int               fd;         /* -1 once closed */
	enum sim_server_state state;
	char             *in;         /* bytes received and not yet handled */
	size_t            in_len, in_cap;
	struct buf        head;       /* the answer's status line and headers */
	struct buf        body;
	size_t            sent;       /* bytes of head + body written */
	int               keep_alive;
	int               continued;  /* "100 Continue" sent for the pending request */
	int64_t           deadline;   /* monotonic ms */
};

static struct sim_server_conn *sim_server_conns[SIM_SERVER_MAX_CONNS];
static size_t sim_server_nconns;
static sim_server_handler sim_server_handle;
static int64_t sim_server_accept_paused_until;

int
sim_server_listen(const char *addr, int port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		log_error("could not listen: invalid address \"%s\"", addr);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("could not create a socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1024) < 0) {
		log_error("could not listen on %s:%d: %s", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
sim_server_close(struct sim_server_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->in);
	c->in = NULL;
	c->in_len = c->in_cap = 0;
	buf_free(&c->head);
	buf_free(&c->body);
}

static void
sim_server_accept(int listen_fd, int64_t now)
{
	while (sim_server_nconns < SIM_SERVER_MAX_CONNS) {
		struct sim_server_conn *c;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				log_warn("could not accept a connection: %s (pausing 100 ms)", strerror(errno));
				sim_server_accept_paused_until = now + 100;
			}
			return;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			log_warn("could not accept a connection: out of memory");
			close(fd);
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->state = SIM_SERVER_READING;
		c->deadline = now + SIM_SERVER_IDLE_MS;
		buf_init(&c->head, 4096);
		buf_init(&c->body, 0);
		sim_server_conns[sim_server_nconns++] = c;
	}
}

/* Makes the answer's head and starts sending (or waiting, or holding). */
static void
sim_server_respond(struct sim_server_conn *c, struct sim_server_response *r, int keep_alive)
{
	char date[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	buf_reset(&c->head);
	c->keep_alive = keep_alive;
	c->sent = 0;
	c->body = r->body;
	buf_init(&r->body, 0);
	if (buf_addf(&c->head, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: dh-racing-sim\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: %s\r\n%s\r\n",
	    r->status, sim_http_reason(r->status), date,
	    r->content_type != NULL ? r->content_type : "application/json",
	    c->body.len, keep_alive ? "keep-alive" : "close", r->headers) < 0) {
		log_warn("could not answer: out of memory");
		sim_server_close(c);
		return;
	}
	if (r->head_only)
		buf_free(&c->body);
	if (r->hold) {
		buf_free(&c->head);
		buf_free(&c->body);
		c->state = SIM_SERVER_HOLDING;
		c->deadline = 0;
	} else if (r->delay_ms > 0) {
		c->state = SIM_SERVER_WAITING;
		c->deadline = clock_mono_ms() + r->delay_ms;
	} else {
		c->state = SIM_SERVER_WRITING;
		c->deadline = 0;
	}
}

/* Answers an error the server finds itself, and closes after it. */
static void
sim_server_fail(struct sim_server_conn *c, int status, const char *detail)
{
	struct sim_server_response r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	buf_init(&r.body, 1024);
	buf_addf(&r.body, "{\"detail\":\"%s\"}", detail);
	sim_server_respond(c, &r, 0);
	c->in_len = 0;
}

/* Drops the first n bytes of the input. */
static void
sim_server_consume(struct sim_server_conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

/*
 * Handles the request at the start of the input, if it is complete.
 * Returns 1 when one was handled (the connection then has an answer under
 * way), 0 when more bytes are needed.
 */
static int
sim_server_parse(struct sim_server_conn *c)
{
	static struct sim_http_head h;
	struct sim_server_request req;
	struct sim_server_response r;
	size_t len = sim_http_head_end(c->in, c->in_len < SIM_SERVER_MAX_HEAD + 4 ? c->in_len : SIM_SERVER_MAX_HEAD + 4);

	if (len == 0) {
		if (c->in_len > SIM_SERVER_MAX_HEAD)
			sim_server_fail(c, 431, "Request Header Fields Too Large");
		return c->in_len > SIM_SERVER_MAX_HEAD;
	}
	if (sim_http_parse_head(&h, c->in, len) < 0) {
		sim_server_fail(c, 400, "Bad Request");
		return 1;
	}
	if (h.chunked) {
		sim_server_fail(c, 501, "chunked request bodies are not supported");
		return 1;
	}
	if (h.content_length > SIM_SERVER_MAX_BODY) {
		sim_server_fail(c, 413, "Payload Too Large");
		return 1;
	}
	if (h.content_length < 0)
		h.content_length = 0;
	if (c->in_len < len + (size_t)h.content_length) {
		if (h.expect_continue && !c->continued) {
			static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

			c->continued = 1;
			if (send(c->fd, cont, sizeof(cont) - 1, MSG_NOSIGNAL) < 0)
				log_debug("could not send 100 Continue: %s", strerror(errno));
		}
		return 0;
	}
	req.method = h.method;
	req.target = h.target;
	req.path = h.path;
	req.query = h.query;
	req.authorization = h.authorization;
	req.body = c->in + len;
	req.body_len = (size_t)h.content_length;
	memset(&r, 0, sizeof(r));
	buf_init(&r.body, 0);
	r.head_only = strcmp(h.method, "HEAD") == 0;
	sim_server_handle(&req, &r);
	sim_server_respond(c, &r, h.keep_alive);
	buf_free(&r.body);
	if (c->fd >= 0)
		sim_server_consume(c, len + (size_t)h.content_length);
	c->continued = 0;
	return 1;
}

/* Sends what it can.  Returns 1 when the answer is all out, 0 when not yet. */
static int
sim_server_write(struct sim_server_conn *c)
{
	for (;;) {
		struct iovec iov[2];
		struct msghdr msg;
		size_t hl = c->head.len, total = hl + c->body.len;
		ssize_t n;

		if (c->sent >= total)
			break;
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		if (c->sent < hl) {
			iov[0].iov_base = c->head.data + c->sent;
			iov[0].iov_len = hl - c->sent;
			iov[1].iov_base = c->body.data;
			iov[1].iov_len = c->body.len;
			msg.msg_iovlen = c->body.len > 0 ? 2 : 1;
		} else {
			iov[0].iov_base = c->body.data + (c->sent - hl);
			iov[0].iov_len = total - c->sent;
			msg.msg_iovlen = 1;
		}
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			log_debug("connection lost while answering: %s", strerror(errno));
			sim_server_close(c);
			return 0;
		}
		c->sent += (size_t)n;
	}
	buf_reset(&c->head);
	buf_free(&c->body);
	if (!c->keep_alive) {
		sim_server_close(c);
		return 0;
	}
	c->state = SIM_SERVER_READING;
	c->deadline = clock_mono_ms() + SIM_SERVER_IDLE_MS;
	return 1;
}

/* Answers every complete request in the input, one after the other. */
static void
sim_server_process(struct sim_server_conn *c)
{
	while (c->fd >= 0 && c->state == SIM_SERVER_READING && c->in_len > 0 && sim_server_parse(c)) {
		if (c->state != SIM_SERVER_WRITING || !sim_server_write(c))
			return;
	}
	if (c->fd >= 0 && c->state == SIM_SERVER_READING && c->in_len > 0)
		c->deadline = clock_mono_ms() + SIM_SERVER_READ_MS;
	if (c->in_len == 0) {
		/* Idle connections keep no input buffer. */
		free(c->in);
		c->in = NULL;
		c->in_cap = 0;
	}
}

/* Reads what arrived.  Returns bytes read, 0 at the end, -1 on error or EAGAIN. */
static ssize_t
sim_server_recv(struct sim_server_conn *c)
{
	ssize_t n;

	if (c->in_cap - c->in_len < SIM_SERVER_READ_CHUNK) {
		size_t cap = c->in_cap == 0 ? SIM_SERVER_READ_CHUNK * 2 : c->in_cap * 2;
		char *p;

		if (cap > SIM_SERVER_IN_MAX)
			cap = SIM_SERVER_IN_MAX;
		if (cap <= c->in_len) {
			/* Full of pipelined bytes we cannot take yet: stop reading. */
			errno = EAGAIN;
			return -1;
		}
		p = realloc(c->in, cap);
		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		c->in = p;
		c->in_cap = cap;
	}
	n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
	if (n > 0)
		c->in_len += (size_t)n;
	return n;
}

static void
sim_server_on_readable(struct sim_server_conn *c)
{
	ssize_t n = sim_server_recv(c);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		sim_server_close(c);
		return;
	}
	if (c->state == SIM_SERVER_HOLDING) {
		c->in_len = 0;	/* nobody will answer: drop it */
		return;
	}
	sim_server_process(c);
}

static short
sim_server_events(const struct sim_server_conn *c)
{
	switch (c->state) {
	case SIM_SERVER_READING:
		return c->in_len < SIM_SERVER_IN_MAX - SIM_SERVER_READ_CHUNK ? POLLIN : 0;
	case SIM_SERVER_HOLDING:
		return POLLIN;
	case SIM_SERVER_WRITING:
		return POLLOUT;
	default:
		return 0;
	}
}

/* Acts on one connection's poll result and its timer. */
static void
sim_server_service(struct sim_server_conn *c, short revents, int64_t now)
{
	if (revents & (POLLERR | POLLNVAL)) {
		sim_server_close(c);
		return;
	}
	if ((c->state == SIM_SERVER_READING || c->state == SIM_SERVER_HOLDING) && (revents & (POLLIN | POLLHUP)))
		sim_server_on_readable(c);
	else if (c->state == SIM_SERVER_WRITING && (revents & (POLLOUT | POLLHUP)) && sim_server_write(c))
		sim_server_process(c);
	if (c->fd < 0 || c->deadline == 0 || now < c->deadline)
		return;
	if (c->state == SIM_SERVER_WAITING) {
		c->state = SIM_SERVER_WRITING;
		c->deadline = 0;
		if (sim_server_write(c))
			sim_server_process(c);
	} else if (c->state == SIM_SERVER_READING) {
		log_debug("closing a connection idle for %d s", (c->in_len ? SIM_SERVER_READ_MS : SIM_SERVER_IDLE_MS) / 1000);
		sim_server_close(c);
	}
}

/* Frees closed connections, keeping the others in order. */
static void
sim_server_sweep(void)
{
	size_t kept = 0;

	for (size_t i = 0; i < sim_server_nconns; i++) {
		if (sim_server_conns[i]->fd >= 0)
			sim_server_conns[kept++] = sim_server_conns[i];
		else
			free(sim_server_conns[i]);
	}
	sim_server_nconns = kept;
}

/* Milliseconds until the nearest timer, or -1 for none. */
static int
sim_server_timeout(int64_t now)
{
	int64_t next = -1;

	if (sim_server_accept_paused_until > now)
		next = sim_server_accept_paused_until - now;
	for (size_t i = 0; i < sim_server_nconns; i++) {
		int64_t d = sim_server_conns[i]->deadline;

		if (d != 0 && (next < 0 || d - now < next))
			next = d > now ? d - now : 0;
	}
	return next > 60000 ? 60000 : (int)next;
}

int
sim_server_run(int listen_fd, int stop_fd, sim_server_handler handler)
{
	static struct pollfd fds[SIM_SERVER_MAX_CONNS + 2];
	int rc = 0;

	sim_server_handle = handler;
	for (;;) {
		int64_t now = clock_mono_ms();
		size_t n = 0, polled;
		int ready;

		fds[n].fd = stop_fd;
		fds[n++].events = POLLIN;
		fds[n].fd = listen_fd;
		fds[n++].events = sim_server_nconns < SIM_SERVER_MAX_CONNS && now >= sim_server_accept_paused_until ? POLLIN : 0;
		for (size_t i = 0; i < sim_server_nconns; i++) {
			fds[n].fd = sim_server_conns[i]->fd;
			fds[n++].events = sim_server_events(sim_server_conns[i]);
		}
		polled = sim_server_nconns;
		ready = poll(fds, n, sim_server_timeout(now));
		if (ready < 0 && errno != EINTR) {
			log_error("poll failed: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (ready > 0 && (fds[0].revents & POLLIN))
			break;
		now = clock_mono_ms();
		if (ready > 0 && (fds[1].revents & POLLIN))
			sim_server_accept(listen_fd, now);
		for (size_t i = 0; i < polled; i++)
			if (sim_server_conns[i]->fd >= 0)
				sim_server_service(sim_server_conns[i], ready > 0 ? fds[i + 2].revents : 0, now);
		sim_server_sweep();
	}
	if (sim_server_nconns > 0)
		log_info("closing %zu connections", sim_server_nconns);
	for (size_t i = 0; i < sim_server_nconns; i++)
		sim_server_close(sim_server_conns[i]);
	sim_server_sweep();
	close(listen_fd);
	return rc;
}
