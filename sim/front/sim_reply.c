/* sim_reply: JSON answers (see sim_reply.h). */
#include "sim_reply.h"

#include "jsonout.h"
#include "log.h"

#define SIM_REPLY_MAX (4 * 1024 * 1024)

void
sim_reply_json(struct sim_server_response *resp, int status, json_t *j)
{
	buf_free(&resp->body);
	buf_init(&resp->body, SIM_REPLY_MAX);
	resp->status = status;
	if (j == NULL || jsonout_dump(&resp->body, j) < 0) {
		log_error("could not build a %d answer: out of memory", status);
		resp->status = 500;
	}
	json_decref(j);
}

void
sim_reply_detail(struct sim_server_response *resp, int status, const char *detail)
{
	sim_reply_json(resp, status, json_pack("{s:s}", "detail", detail));
}

void
sim_reply_text(struct sim_server_response *resp, int status, const char *text)
{
	buf_free(&resp->body);
	buf_init(&resp->body, SIM_REPLY_MAX);
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	if (buf_addstr(&resp->body, text) < 0)
		log_error("could not build a %d answer: out of memory", status);
}
