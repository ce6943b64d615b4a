/* The daemon's root context: the loop, the configuration it runs with, the listener and the open
 * connections, and the order in which they start and stop.
 *
 *   daemon_init --> daemon_start: bind, listen, log "listening on URL"
 *   daemon_stop: stop accepting, close every connection; the handles finish closing on the loop,
 *                after which uv_run returns (once the caller's own handles are closed as well).
 *
 * Ownership: daemon_t embeds its handles, so it must not move between daemon_start and the return
 * of uv_run after daemon_stop. It copies the config_t it is given.
 * Threading: loop thread only.
 * Errors: daemon_start returns 0 or a negative libuv code (UV_EADDRINUSE, ...), and logs it.
 */
#ifndef SL_DAEMON_H
#define SL_DAEMON_H

#include <stdbool.h>
#include <uv.h>

#include "config.h"
#include "conn.h"
#include "listener.h"

typedef struct daemon {
    /* read-only after daemon_init */
    uv_loop_t *loop;
    config_t config;
    /* read-only */
    listener_t listener; /* listener.url: where it listens, with the real port */
    conn_list_t conns;
    bool is_stopping;
    /* private */
    conn_options_t conn_options;
    bool is_full; /* max_connections reached and not yet gone below: warned once */
} daemon_t;

void daemon_init(daemon_t *daemon, uv_loop_t *loop, const config_t *config);

/* Listens on config.listen and accepts connections from the next loop iteration on. */
int daemon_start(daemon_t *daemon);

/* Stops accepting and closes every connection. Idempotent; safe after a failed start. */
void daemon_stop(daemon_t *daemon);

#endif
