/* One client connection: read buffer, HTTP parser, response writes, timers and the close protocol.
 *
 * A connection answers one request at a time. When a request is complete the parser pauses and
 * reading stops; the response is written; when the write is done the parser resumes on bytes
 * already buffered (pipelined requests) and reading starts again. So responses leave in request
 * order and a client that does not read its responses cannot make the daemon buffer more input.
 *
 *           first byte             headers in           request complete
 *   IDLE -----------------> HEAD -------------> BODY -------------------> RESPONDING
 *    ^                       ^                                        (parser paused,
 *    |                       | accept                                  not reading)
 *    |                                                                       |
 *    +------------------------- written, keep-alive -------------------------+
 *                                                                            |
 *           closed <-- EOF or timeout -- LINGER <-- written, last response --+
 *                                 (write side shut down, input dropped)
 *
 * Timers (one uv_timer_t): HEAD has header_timeout_ms from the connect or the request's first
 * byte, not extended by progress (a slow trickle of header bytes is the slowloris attack); IDLE,
 * BODY and RESPONDING have idle_timeout_ms, restarted by progress; LINGER gives the client a moment
 * to read the last response before the socket goes. A timeout in HEAD with part of a request in
 * answers 408; otherwise it closes.
 *
 * The last response (Connection: close, HTTP/1.0 without keep-alive, a parse error) is followed by
 * a write shutdown and a short drain of input, so unread client bytes do not turn the close into
 * a reset that could destroy the response in flight.
 *
 * Ownership: a conn_t is allocated by conn_accept and freed by itself in its last close callback;
 * it is linked into its conn_list_t from accept to free. The options and the list must outlive all
 * the connections (the daemon owns both).
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
#include "response.h"

typedef struct conn conn_t;

/* Fills `res` for `req` (status, body, Allow); the connection decides Connection and HEAD. */
typedef void (*conn_request_cb)(void *user, const http_request_t *req, response_t *res);

typedef struct conn_options {
    uint64_t max_header_size;
    uint64_t idle_timeout_ms;
    uint64_t header_timeout_ms;
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

/* Closes at once: pending writes are cancelled, the memory is freed on the loop. Idempotent. */
void conn_close(conn_t *conn);

/* conn_close on every connection of the list. */
void conn_list_close_all(conn_list_t *list);

#endif
