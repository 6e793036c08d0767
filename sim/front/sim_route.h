/*
 * sim_route: the server's handler.  The /_sim paths go to sim_control.c.  Everything else
 * is counted in the stats, meets the fault plan (sim_faults.h), then the router:
 * unknown paths 404 {"detail":"Not Found"} (before authentication, as
 * FastAPI does), other methods than GET 405, HTTP Basic authentication 401,
 * then the endpoint's handler (sim.h).
 */
#ifndef SIM_ROUTE_H
#define SIM_ROUTE_H

#include "sim_server.h"

/*
 * Sets the credentials /v1 accepts.  The strings must outlive the program
 * (they come from the environment).  Cannot fail.
 */
void sim_route_init(const char *username, const char *password, int open);

/* The sim_server_handler of the simulator. */
void sim_route_handle(const struct sim_server_request *req, struct sim_server_response *resp);

#endif
