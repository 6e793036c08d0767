/* reply: JSON answers (see reply.h). */
#include "reply.h"

#include "jsonout.h"
#include "log.h"

#define REPLY_MAX (4 * 1024 * 1024)

void
reply_json(struct server_response *resp, int status, json_t *j)
{
	buf_free(&resp->body);
	buf_init(&resp->body, REPLY_MAX);
	resp->status = status;
	if (j == NULL || jsonout_dump(&resp->body, j) < 0) {
		log_error("could not build a %d answer: out of memory", status);
		resp->status = 500;
	}
	json_decref(j);
}

void
reply_detail(struct server_response *resp, int status, const char *detail)
{
	reply_json(resp, status, json_pack("{s:s}", "detail", detail));
}

void
reply_text(struct server_response *resp, int status, const char *text)
{
	buf_free(&resp->body);
	buf_init(&resp->body, REPLY_MAX);
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	if (buf_addstr(&resp->body, text) < 0)
		log_error("could not build a %d answer: out of memory", status);
}
