/*
 * sim_control: the simulator's own endpoints, without authentication and never
 * subject to faults or counted in the stats:
 *
 *   GET  /_sim/faults   the fault settings (see sim_faults.h), every key present
 *   POST /_sim/faults   replace them with the JSON object in the body ({} clears);
 *                       200 with the new settings, or 422 {"detail": "..."}
 *   GET  /_sim/stats    {"requests": n, "by_status": {...}, "recent": [...]}
 *   POST /_sim/reset    forget the stats and start the fault sequence again
 */
#ifndef SIM_CONTROL_H
#define SIM_CONTROL_H

#include "sim_server.h"

void sim_control_handle(const struct sim_server_request *req, struct sim_server_response *resp);

#endif
