/* The HTTP API's route table: which method and path go to which handler, and the 404 and 405
 * answers for everything else. Paths are matched exactly, without the query string.
 *
 * Endpoints now: GET and HEAD /healthz, {"status":"ok"} while the daemon runs.
 *
 * Threading: loop thread only; handlers must not block (compiles and wasm calls go to workers).
 */
#ifndef SL_ROUTES_H
#define SL_ROUTES_H

#include "daemon.h"
#include "http.h"
#include "response.h"

/* Fills `res` (status, JSON body, Allow) for `req`. */
void routes_dispatch(daemon_t *daemon, const http_request_t *req, response_t *res);

#endif
