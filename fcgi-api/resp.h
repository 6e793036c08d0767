/* resp: writing a finished response to the FastCGI stream. */
#ifndef DH_RESP_H
#define DH_RESP_H

#include <fcgiapp.h>

#include "api.h"

/*
 * Writes the status line, headers (Content-Type, Content-Length,
 * Cache-Control, X-Query-Count, X-Query-Time, Allow) and, unless head_only,
 * the body.  Returns 0, or -1 when the client went away.
 */
int resp_send(struct request *r, FCGX_Stream *out, int head_only);

#endif
