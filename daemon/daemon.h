/* The daemon's root context: the loop, the configuration it runs with, the listener, the open
 * connections, the metrics, the admin token, the mailbox workers report through, and the order in
 * which they start and stop.
 *
 *   daemon_init --> daemon_start: read the admin token, open the mailbox, start the module
 *                   service (engine, compile pool, executor), bind, listen, log
 *                   "listening on URL", become ready
 *   daemon_stop:    not ready; stop accepting; answer queued invocations 503 and interrupt
 *                   running ones (invoke_stop), then, once those are back and answered 503 (or
 *                   after 1 s), close every connection (their requests are
 *                   aborted); stop_workers (threads that post to the mailbox) and the module
 *                   service's pools; close the mailbox, delivering what they posted. The handles
 *                   finish closing on the loop, after which uv_run returns (once the caller's own
 *                   handles are closed as well).
 *   daemon_fini:    after uv_run has returned: frees the registry, the engine, the metrics.
 *
 * Ownership: daemon_t embeds its handles, so it must not move between daemon_start and the return
 * of uv_run after daemon_stop. It copies the config_t it is given; extra_routes must outlive it.
 * Threading: loop thread only, except `mailbox` (mailbox_post from any thread).
 * Errors: daemon_start returns 0, SL_EARG (a bad admin token file: a configuration error), or a
 * negative libuv code (UV_EADDRINUSE, ...), and logs it.
 */
#ifndef SL_DAEMON_H
#define SL_DAEMON_H

#include <stdbool.h>
#include <uv.h>

#include "admin.h"
#include "config.h"
#include "conn.h"
#include "listener.h"
#include "mailbox.h"
#include "metrics.h"
#include "modules.h"

struct route;

typedef struct daemon {
    /* public: set between daemon_init and daemon_start */
    const struct route *extra_routes; /* routes after the built-in ones (test builds) */
    size_t n_extra_routes;
    void (*stop_workers)(void *user); /* joins threads that post to the mailbox */
    void *stop_workers_user;
    /* read-only after daemon_init */
    uv_loop_t *loop;
    config_t config;
    /* read-only */
    listener_t listener; /* listener.url: where it listens, with the real port */
    conn_list_t conns;
    admin_t admin;
    bool is_ready; /* listening and not stopping: GET /readyz */
    bool is_stopping;
    /* loop thread */
    metrics_t metrics;
    mailbox_t mailbox;
    modules_t modules; /* engine, pools, registry: the module API (modules.h) */
    /* private */
    conn_options_t conn_options;
    bool is_full; /* max_connections reached and not yet gone below: warned once */
    uv_timer_t stop_timer; /* while daemon_stop waits for interrupted invocations */
    bool has_stop_timer;
    uint64_t stop_since; /* uv_now when daemon_stop began */
} daemon_t;

void daemon_init(daemon_t *daemon, uv_loop_t *loop, const config_t *config);

/* Listens on config.listen and accepts connections from the next loop iteration on. */
int daemon_start(daemon_t *daemon);

/* Stops accepting, ends the invocations, and closes every connection (at once, or from the loop
 * within about a second when invocations were running). Idempotent; safe after a failed start. */
void daemon_stop(daemon_t *daemon);

/* Frees what outlives the handles (the metrics). After uv_run has returned. */
void daemon_fini(daemon_t *daemon);

#endif
