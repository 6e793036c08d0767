/*
 * sim_reply: small JSON answers shared by the router and the /_sim control
 * endpoints.  On out of memory they leave an empty 500 (and log it).
 */
#ifndef SIM_REPLY_H
#define SIM_REPLY_H

#include <jansson.h>

#include "sim_server.h"

/* Answers status with j as the body.  Steals j (NULL: out of memory). */
void sim_reply_json(struct sim_server_response *resp, int status, json_t *j);

/* Answers status with {"detail": detail}. */
void sim_reply_detail(struct sim_server_response *resp, int status, const char *detail);

/* Answers status with a plain-text body (FastAPI's bare 500). */
void sim_reply_text(struct sim_server_response *resp, int status, const char *text);

#endif
