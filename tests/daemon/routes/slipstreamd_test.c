/* slipstreamd-test: slipstreamd (app.h) with the test-only routes of extra_routes.h. */
#include "app.h"
#include "extra_routes.h"

static void
add(void *user, daemon_t *daemon)
{
    extra_routes_add(user, daemon);
}

static int
start(void *user, daemon_t *daemon)
{
    return extra_routes_start(user, daemon);
}

int
main(int argc, char **argv)
{
    extra_routes_t routes = {0}; /* outlives the daemon: app_run returns after its end */
    const app_hooks_t hooks = {.before_start = add, .after_start = start, .user = &routes};
    return app_run(argc, argv, &hooks);
}
