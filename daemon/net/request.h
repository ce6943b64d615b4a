/* One HTTP request as a route handler sees it: the head, then the body as it arrives, then an
 * answer, now or later. This is the interface request bodies (module uploads) plug into.
 *
 * Life of a request, seen from the handler:
 *
 *   start(req)                      the route's handler, once the headers are in; it may reply at
 *     |                             once, or call request_set_body to receive the body
 *     v
 *   on_chunk(req, data, size)*      each piece of the body, de-chunked, as it arrives; `data` is
 *     |                             valid during the call only. request_pause here stops reading
 *     |                             from the connection until request_resume (backpressure)
 *     v
 *   on_end(req)                     the body is complete (also for an empty or absent body);
 *                                   never while the handler holds the body paused: it waits for
 *                                   request_resume
 *     .
 *     .   request_reply(req, res)   the answer: now, or later from a mailbox callback after work
 *                                   on another thread (core/mailbox.h)
 *
 *   on_abort(req, reason)           instead of what is left of the above: SL_EABORTED when the
 *                                   client went away, its body stalled or crawled (timeouts, see
 *                                   conn.h) or the daemon is stopping; SL_ELIMIT for a body over
 *                                   max_body_size; SL_EMALFORMED for bad chunked encoding. No
 *                                   chunk or end follows.
 *
 * The one rule: every request a handler was started on ends with exactly one request_reply,
 * request_reply_json, request_reply_error or request_release, on the loop thread -- also after on_abort, where the
 * answer is dropped. Until then the request_t stays valid, so work in flight may keep a pointer
 * to it even when the client is gone; after it the handler must not touch the request. No
 * callback comes after the handler's reply: a body still arriving is read and dropped (and the
 * connection closed after the answer if the client was waiting for 100 Continue).
 *
 * Order: a connection answers its requests in the order they came (pipelining), however the
 * replies are timed. While a request waits for an asynchronous reply, the requests behind it are
 * read and handled (up to max_pipelined_requests), and their answers wait for it.
 *
 * Ownership: a request is created by its owner (the connection, or a test) with request_new, and
 * is shared by the owner and the handler; it is freed when both have let go (request_release by
 * the owner side is request_detach). The response given to request_reply is moved into the
 * request.
 * Threading: loop thread only, every function and callback. Workers report through the mailbox.
 * Errors: request_new returns NULL when out of memory; the others cannot fail.
 */
#ifndef SL_REQUEST_H
#define SL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "response.h"

typedef struct request request_t;

/* The body callbacks a handler registers; each may be NULL. */
typedef struct request_body_handler {
    void (*on_chunk)(request_t *req, const char *data, size_t size);
    void (*on_end)(request_t *req);
    void (*on_abort)(request_t *req, int reason); /* a negative SL_E* code */
} request_body_handler_t;

/* What the owner (the connection) hears from a request. */
typedef struct request_owner_ops {
    void (*on_reply)(void *owner, request_t *req); /* the response is in req->response */
    void (*on_flow)(void *owner, request_t *req);  /* req->is_paused changed */
} request_owner_ops_t;

enum {
    REQUEST_MAX_PARAMS = 4,
};

struct request {
    /* public */
    void *user; /* the handler's */
    /* read-only: the head, fixed once the request exists */
    int method;              /* llhttp_method_t */
    const char *method_name; /* "PUT": static */
    const char *target;      /* as received, NUL-terminated */
    const char *path;        /* the path part of the target, not NUL-terminated */
    size_t path_len;
    unsigned http_major, http_minor;
    const char *headers; /* as http_request_t.headers */
    size_t headers_size;
    bool has_content_length;
    uint64_t content_length;
    bool is_keep_alive;
    /* read-only: set by the router */
    const char *route; /* the route's pattern, "other" for none: a metrics label */
    struct {
        const char *at; /* a {name} segment of the pattern, not NUL-terminated */
        size_t len;
    } params[REQUEST_MAX_PARAMS];
    size_t n_params;
    /* read-only: progress */
    uint64_t body_size; /* body bytes delivered so far */
    bool is_body_done;  /* on_end was called */
    bool is_paused;     /* by request_pause */
    bool is_aborted;    /* on_abort was called (or would have been): replies are dropped */
    int abort_reason;
    bool has_response;       /* request_reply was called */
    response_t response;     /* the answer, once has_response */
    /* private */
    const request_body_handler_t *body;
    const request_owner_ops_t *owner_ops;
    void *owner;
    bool is_handler_holding; /* between request_start_handler and the handler's end */
    bool is_end_pending;     /* the body ended while paused: on_end waits for the resume */
    request_t *next;         /* the owner's queue */
    unsigned owner_flags;    /* the owner's */
};

/* Copies the head of `head` (target, headers) into a new request for `owner`. */
request_t *request_new(const http_request_t *head, const request_owner_ops_t *ops, void *owner);

/* Marks the request as given to a handler: from here it waits for the handler's end. */
void request_start_handler(request_t *req);

/* ---- for handlers ---- */

/* Registers the body callbacks; call from start, before returning. */
void request_set_body(request_t *req, const request_body_handler_t *body, void *user);

/* Stops reading from the connection (and delivering chunks) until request_resume. A pause after
 * the body is complete changes nothing. The body timeouts do not run while paused. */
void request_pause(request_t *req);
void request_resume(request_t *req);

/* The answer, moved out of `res` (which is left empty, ready for response_fini). Ends the
 * handler's part: see "the one rule" above. */
void request_reply(request_t *req, response_t *res);

/* request_reply with `json` as the body (response_json), its reference taken; a 500 when it is
 * NULL (out of memory). */
void request_reply_json(request_t *req, int status, json_t *json);

/* request_reply with the JSON error body (response_error_json): `code` (or NULL) names the error
 * for clients, `extra` (an object, or NULL; its reference taken) adds members to it. */
void request_reply_error(request_t *req, int status, const char *code, json_t *extra,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Ends the handler's part without an answer: only after on_abort (otherwise the client gets a
 * 500, since every request must be answered). */
void request_release(request_t *req);

/* The value of header `name` (case-insensitive), or NULL. */
const char *request_header(const request_t *req, const char *name, size_t *len);

/* ---- for owners ---- */

/* Body events, called by the owner; each reaches the handler only while it has not replied. */
void request_deliver_chunk(request_t *req, const char *data, size_t size);
void request_deliver_end(request_t *req);
void request_abort(request_t *req, int reason);

/* The owner's own answer (an error after request_abort, or for a request no handler saw); an
 * answer already there stands. */
void request_answer(request_t *req, int status, const char *message);

/* The owner lets go: the request is freed now, or when the handler ends its part. */
void request_detach(request_t *req);

#endif
