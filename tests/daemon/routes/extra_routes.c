/* slipstreamd-test's extra routes (see extra_routes.h). */
#include "extra_routes.h"

#include <string.h>

#include "log.h"

static void
stop_workers(void *user)
{
    extra_routes_t *t = user;
    echo_worker_stop(&t->echo_worker);
}

void
extra_routes_add(extra_routes_t *t, daemon_t *daemon)
{
    t->routes[0] = (route_t){
        .pattern = "/v1/echo-sha256",
        .methods = ROUTE_METHOD(HTTP_PUT) | ROUTE_METHOD(HTTP_POST),
        .admin_methods = ROUTE_METHOD(HTTP_PUT),
        .start = echo_sha256_start,
        .user = &t->echo_worker,
    };
    daemon->extra_routes = t->routes;
    daemon->n_extra_routes = 1;
    daemon->stop_workers = stop_workers;
    daemon->stop_workers_user = t;
}

int
extra_routes_start(extra_routes_t *t, daemon_t *daemon)
{
    int rc = echo_worker_start(&t->echo_worker, &daemon->mailbox);
    if (rc < 0)
        LOG(LOG_LEVEL_ERROR, "cannot start the echo worker: %s", strerror(-rc));
    return rc;
}
