/* The daemon process around daemon_t: flags and config (config/), logging, SIGINT/SIGTERM,
 * sd_notify READY/STOPPING, and the loop's life from start-up to an orderly stop. main.c is
 * slipstreamd's main; a build that adds to the daemon (slipstreamd-test's routes) passes hooks.
 *
 * Exit status: 0 after a signal-driven stop, 1 if start-up fails (a hook's start included), 2 for
 * a bad command line or config file.
 * Threading: the calling thread runs the loop; the hooks run on it.
 */
#ifndef SL_APP_H
#define SL_APP_H

#include "daemon.h"

typedef struct app_hooks {
    /* After daemon_init, before daemon_start: set the daemon's public fields (extra_routes,
     * stop_workers). */
    void (*before_start)(void *user, daemon_t *daemon);
    /* After a successful daemon_start (the mailbox is open): 0, or a negative code that stops
     * the daemon again. */
    int (*after_start)(void *user, daemon_t *daemon);
    void *user;
} app_hooks_t;

/* Runs the daemon until it is stopped; `hooks` may be NULL. Returns the exit status. */
int app_run(int argc, char **argv, const app_hooks_t *hooks);

#endif
