/* sim_control: the /_sim endpoints (see sim_control.h). */
#include "sim_control.h"

#include <stdlib.h>
#include <string.h>

#include "sim_faults.h"
#include "log.h"
#include "sim_reply.h"
#include "sim_stats.h"

/* Logs the settings now in force, as one compact JSON line. */
static void
sim_control_log_faults(void)
{
	json_t *j = sim_faults_json();
	char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	log_info("faults set: %s", text != NULL ? text : "(out of memory)");
	free(text);
	json_decref(j);
}

static void
sim_control_faults(const struct sim_server_request *req, struct sim_server_response *resp)
{
	char err[256];

	if (strcmp(req->method, "GET") == 0) {
		sim_reply_json(resp, 200, sim_faults_json());
		return;
	}
	if (sim_faults_set(req->body, req->body_len, err, sizeof(err)) < 0) {
		log_warn("faults refused: %s", err);
		sim_reply_detail(resp, 422, err);
		return;
	}
	sim_control_log_faults();
	sim_reply_json(resp, 200, sim_faults_json());
}

void
sim_control_handle(const struct sim_server_request *req, struct sim_server_response *resp)
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
			sim_control_faults(req, resp);
		} else if (strcmp(req->path, "/_sim/stats") == 0) {
			sim_reply_json(resp, 200, sim_stats_json());
		} else {
			sim_stats_reset();
			sim_faults_restart();
			log_info("stats reset");
			sim_reply_json(resp, 200, json_pack("{s:b}", "reset", 1));
		}
		return;
	}
	if (path_known)
		sim_reply_detail(resp, 405, "Method Not Allowed");
	else
		sim_reply_detail(resp, 404, "Not Found");
}
