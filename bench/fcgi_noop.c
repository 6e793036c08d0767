/*
 * fcgi_noop: the FastCGI hop's yardstick for make bench (bench/run): a
 * libfcgi responder that does no work.  It accepts on the listening socket
 * it is given as fd 0 (as supervisord's fcgi-program gives dh-api its own),
 * and answers every request 200 with a fixed JSON body of the size given,
 * the headers dh-api sends, and nothing read or looked up.  nginx in front of
 * a pool of these, as many as dh-api's, is the rate dh-api's uncached lookup
 * is measured against (DESIGN.md: >= 90%).
 *
 *     fcgi_noop [BODY_BYTES]      (8 to 65536, default 600)
 *
 * Runs until killed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "num.h"

#define NOOP_MAX_BODY 65536

int
main(int argc, char **argv)
{
	static char body[NOOP_MAX_BODY + 1];
	char head[256];
	long size = 600;
	FCGX_Request req;
	int headlen;

	if (argc > 1 && num_parse_long(argv[1], 8, NOOP_MAX_BODY, &size) < 0) {
		fprintf(stderr, "usage: fcgi_noop [BODY_BYTES 8..%d]\n", NOOP_MAX_BODY);
		return 64;
	}
	/* {"x":"aaa...a"} padded to size bytes. */
	memset(body, 'a', (size_t)size);
	memcpy(body, "{\"", 2);
	body[size - 2] = '"';
	body[size - 1] = '}';
	memcpy(body + 2, "x\":\"", 4);
	headlen = snprintf(head, sizeof(head), "Status: 200 OK\r\nContent-Type: application/json\r\n"
	    "Cache-Control: public, max-age=300\r\nX-Query-Count: 0\r\nX-Query-Time: 0.000\r\n"
	    "Content-Length: %ld\r\n\r\n", size);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0) {
		fprintf(stderr, "fcgi_noop: could not initialise libfcgi\n");
		return 1;
	}
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(head, headlen, req.out);
		FCGX_PutStr(body, (int)size, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
