/* The listening TCP socket: bind, listen, and hand each incoming connection to the owner.
 *
 * Ownership: listener_t is embedded in its owner (the daemon), which must keep it alive until the
 * loop has run the close started by listener_close.
 * Threading: loop thread only.
 * Errors: listener_start and listener_accept return 0 or a negative libuv code (UV_EADDRINUSE...).
 */
#ifndef SL_LISTENER_H
#define SL_LISTENER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "config.h"

typedef struct listener listener_t;

/* A client is waiting: call listener_accept once (and close the client if that fails). */
typedef void (*listener_connection_cb)(listener_t *listener);

struct listener {
    /* public */
    void *user;
    /* read-only after listener_start */
    char url[80];  /* "http://127.0.0.1:8470", "http://[::1]:8470": with the port actually bound */
    uint16_t port; /* the port actually bound */
    bool is_open;
    /* private */
    uv_tcp_t tcp;
    listener_connection_cb on_connection;
};

/* Binds `addr` (port 0: a free port) and listens. On failure nothing is left open. */
int listener_start(listener_t *listener, uv_loop_t *loop, const config_addr_t *addr,
                   listener_connection_cb on_connection, void *user);

/* Accepts the waiting client into `client`, an initialised uv_tcp_t. */
int listener_accept(listener_t *listener, uv_tcp_t *client);

/* Stops accepting; the socket is closed on the loop. Safe to call twice, after a failed start, or
 * on a zeroed listener that never started. */
void listener_close(listener_t *listener);

#endif
