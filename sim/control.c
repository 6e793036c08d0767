/* control: the /_sim endpoints (see control.h). */
#include "control.h"

#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "log.h"
#include "reply.h"
#include "stats.h"

/* Logs the settings now in force, as one compact JSON line. */
static void
control_log_faults(void)
{
	json_t *j = faults_json();
	char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	log_info("faults set: %s", text != NULL ? text : "(out of memory)");
	free(text);
	json_decref(j);
}

static void
control_faults(const struct server_request *req, struct server_response *resp)
{
	char err[256];

	if (strcmp(req->method, "GET") == 0) {
		reply_json(resp, 200, faults_json());
		return;
	}
	if (faults_set(req->body, req->body_len, err, sizeof(err)) < 0) {
		log_warn("faults refused: %s", err);
		reply_detail(resp, 422, err);
		return;
	}
	control_log_faults();
	reply_json(resp, 200, faults_json());
}

void
control_handle(const struct server_request *req, struct server_response *resp)
{
	static const struct {
		const char *path, *method;
	} known[] = {
		{ "/_sim/faults", "GET" }, { "/_sim/faults", "POST" },
		{ "/_sim/stats", "GET" }, { "/_sim/reset", "POST" },
	};
	int path_known = 0;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(req->path, known[i].path) != 0)
			continue;
		path_known = 1;
		if (strcmp(req->method, known[i].method) != 0)
			continue;
		if (strcmp(req->path, "/_sim/faults") == 0) {
			control_faults(req, resp);
		} else if (strcmp(req->path, "/_sim/stats") == 0) {
			reply_json(resp, 200, stats_json());
		} else {
			stats_reset();
			faults_restart();
			log_info("stats reset");
			reply_json(resp, 200, json_pack("{s:b}", "reset", 1));
		}
		return;
	}
	if (path_known)
		reply_detail(resp, 405, "Method Not Allowed");
	else
		reply_detail(resp, 404, "Not Found");
}
