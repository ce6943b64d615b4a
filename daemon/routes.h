/* The HTTP API's route table: which method and path go to which handler; the 404, 405, 401 and
 * 403 answers for everything else.
 *
 * A pattern is a path whose segments are literal or "{name}", which matches one non-empty segment
 * (given to the handler in req->params, in order), or "{name?}", which may also match an empty
 * one. Paths are matched without the query string.
 * Several rows may share a pattern, one per handler (GET and PUT of /v1/modules/{name}); a method
 * no row of the path takes is a 405 whose Allow lists them all.
 * HEAD goes wherever GET goes; the connection drops the body. Methods in a route's admin_methods
 * need the admin token when one is configured (admin.h).
 *
 * Endpoints now: GET /healthz (liveness), GET /readyz (readiness: 503 once stopping), GET /metrics
 * (Prometheus text), and the module API (modules.h; uploads and fetches through
 * stream/session.h; invoke.h). Test builds add their own table through daemon_t.extra_routes.
 *
 * A handler's start gets the request once its headers are in and follows request.h from there: it
 * answers at once (request_reply), or takes the body (request_set_body) and answers later.
 * Threading: loop thread only; handlers must not block (compiles and wasm calls go to workers).
 */
#ifndef SL_ROUTES_H
#define SL_ROUTES_H

#include <stdint.h>

#include "daemon.h"
#include "request.h"

#define ROUTE_METHOD(m) (UINT64_C(1) << (m))

typedef struct route route_t;
typedef void (*route_start_cb)(daemon_t *daemon, const route_t *route, request_t *req);

struct route {
    const char *pattern;    /* "/v1/modules/{name}"; also the metrics label */
    uint64_t methods;       /* ROUTE_METHOD of each llhttp method the handler takes */
    uint64_t admin_methods; /* those of them that need the admin token */
    route_start_cb start;
    void *user; /* the handler's */
};

/* Routes `req`: sets req->route and req->params, then starts the handler or answers an error. */
void routes_dispatch(daemon_t *daemon, request_t *req);

/* Matches `path` against `pattern`, filling the params of `req` (which may be NULL). */
bool routes_match(const char *pattern, const char *path, size_t path_len, request_t *req);

#endif
