/* One client connection: read buffer, HTTP parser, the queue of requests in progress, response
 * writes, timers and the close protocol.
 *
 * Requests are queued in arrival order and answered in that order. Each is handed to the owner's
 * on_request when its headers are in (see request.h for what a handler does with it); its body
 * follows through the request's callbacks. A handler may answer later: the requests behind it are
 * read and handled meanwhile, up to max_pipelined_requests in the queue, and their answers wait.
 * Reading stops while the queue is full, while a handler has paused its body, and while input is
 * buffered that cannot be parsed yet; so a client that does not read its answers, or sends faster
 * than a handler takes, cannot make the daemon buffer more than one read of input.
 *
 *   parsing:  IDLE --first byte--> HEAD --headers in--> BODY --body done--> IDLE ...
 *                                   (408)                (408, 413)
 *   writing:  the first queued request with an answer (and a complete body) is written, then
 *             dropped from the queue; the next follows. "100 Continue" goes out for the first
 *             request when it is the one being read.
 *   ending:   after an answer marked last (Connection: close, HTTP/1.0, an error): ENDED (no more
 *             parsing) --written--> LINGER (write side shut down, input dropped) --> closed
 *
 * Timers (one uv_timer_t, armed at the nearest deadline):
 *   HEAD  header_timeout_ms from the connect or the request's first byte; progress does not
 *         extend it (slowloris). 408 if part of a request is in, otherwise a silent close.
 *   BODY  two checks, both 408 and close: no byte for body_timeout_ms (inactivity), and a rate
 *         floor: by time t after the headers, body_timeout_ms + received / min_body_rate seconds
 *         must cover t (a grace, then each byte buys 1/min_body_rate s). Time while a handler
 *         holds the body paused does not count against either.
 *   idle  idle_timeout_ms with nothing queued; and a response write that makes no progress for
 *         idle_timeout_ms closes the connection (a client that does not read).
 *   LINGER at most 2 s for the client to read the last answer.
 *
 * Disconnect: every request still queued is aborted (on_abort, SL_EABORTED) and released by the
 * connection; a handler's pending reply then just frees its request.
 *
 * Ownership: a conn_t is allocated by conn_accept and freed by itself in its last close callback;
 * it is linked into its conn_list_t from accept to free. The options (and the metrics they point
 * to) and the list must outlive all the connections (the daemon owns them).
 * Threading: loop thread only.
 * Errors: conn_accept returns 0 or a negative libuv code.
 */
#ifndef SL_CONN_H
#define SL_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "http.h"
#include "listener.h"
#include "metrics.h"
#include "request.h"
#include "response.h"

typedef struct conn conn_t;

/* A request's headers are in: route it. request_start_handler has been called. */
typedef void (*conn_request_cb)(void *user, request_t *req);

typedef struct conn_options {
    uint64_t max_header_size;
    uint64_t max_body_size;
    uint64_t max_pipelined_requests;
    uint64_t idle_timeout_ms;
    uint64_t header_timeout_ms;
    uint64_t body_timeout_ms;
    uint64_t min_body_rate; /* bytes per second; 0: no rate check */
    metrics_t *metrics;
    conn_request_cb on_request;
    void *user;
} conn_options_t;

/* The open connections of one owner; embed it and zero it. */
typedef struct conn_list {
    /* read-only */
    size_t n_conns; /* accepted and not yet freed (closing ones included) */
    /* private */
    conn_t *head;
} conn_list_t;

/* Accepts the client waiting on `listener` into a new connection and starts reading. */
int conn_accept(listener_t *listener, conn_list_t *list, const conn_options_t *options,
                conn_t **out);

/* Closes at once: queued requests are aborted, pending writes cancelled, the memory freed on the
 * loop. Idempotent. */
void conn_close(conn_t *conn);

/* conn_close on every connection of the list. */
void conn_list_close_all(conn_list_t *list);

#endif
