/* The routes slipstreamd-test adds to the daemon, for tests only (never in slipstreamd):
 * PUT/POST /v1/echo-sha256 (echo_sha256.h), with the worker thread behind it.
 *
 *   extra_routes_add    before daemon_start: the routes, and the worker's stop among the daemon's
 *                      stop_workers
 *   extra_routes_start  after daemon_start (the mailbox is open): the worker thread
 *
 * Ownership: extra_routes_t is embedded in main's app and must outlive the daemon.
 * Threading: loop thread. Errors: extra_routes_start returns 0 or a negative errno, and logs it.
 */
#ifndef SL_EXTRA_ROUTES_H
#define SL_EXTRA_ROUTES_H

#include "daemon.h"
#include "echo_sha256.h"
#include "routes.h"

typedef struct extra_routes {
    /* private */
    echo_worker_t echo_worker;
    route_t routes[1];
} extra_routes_t;

void extra_routes_add(extra_routes_t *t, daemon_t *daemon);
int extra_routes_start(extra_routes_t *t, daemon_t *daemon);

#endif
