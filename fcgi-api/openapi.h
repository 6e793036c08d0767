/*
 * openapi: the OpenAPI 3.0 document of the API (GET /api/openapi.json),
 * built once per process from the endpoint families (api_modules, api.h).
 */
#ifndef DH_OPENAPI_H
#define DH_OPENAPI_H

#include <jansson.h>

/*
 * The document; a borrowed reference the module keeps (built on the first
 * call).  NULL when out of memory or when a route or schema is malformed
 * (a bug: logged).
 */
const json_t *openapi_document(void);

#endif
