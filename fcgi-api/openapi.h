/*
 * openapi: the OpenAPI 3.0 document of the API (GET /api/openapi.json),
 * built once per process from the compact tables in openapi.c.
 */
#ifndef DH_OPENAPI_H
#define DH_OPENAPI_H

#include <jansson.h>

/*
 * The document; a borrowed reference the module keeps (built on the first
 * call).  NULL when out of memory or when a table entry is malformed (a
 * bug: logged).
 */
const json_t *openapi_document(void);

#endif
