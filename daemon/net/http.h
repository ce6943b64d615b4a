/* HTTP/1.1 request parsing for one connection, on llhttp.
 *
 * Bytes go in through http_feed in any chunking; requests come out through callbacks: on_begin at
 * the first byte of a request, on_head when its line and headers are in, on_request when its body
 * (Content-Length or chunked) is complete. Bodies are counted and dropped for now.
 *
 * The parser pauses after every complete request: http_feed returns early with the rest of the
 * input unconsumed, and parses nothing more until http_resume. That is how a connection answers
 * pipelined requests one at a time and in order, and stops reading while it answers.
 *
 *     feed --> on_begin --> on_head --> (body) --> on_request --> paused --resume--> feed ...
 *
 * Limits: the request line and headers may take max_header_size bytes in all; past that the
 * request fails with 431 (414 when the target alone is too long).
 * Ownership: http_t is embedded in its owner (the connection); http_fini frees what it allocated.
 * A request and its target belong to the http_t and are valid until the next on_begin.
 * Threading: loop thread only.
 * Errors: http_feed returns 0, or SL_EMALFORMED (bad HTTP: status 400), SL_ELIMIT (414 or 431) or
 * SL_ENOMEM (500), with the HTTP status and a message in error_status and error_message. After an
 * error the parser refuses all further input.
 */
#ifndef SL_HTTP_H
#define SL_HTTP_H

#include <llhttp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct http_request {
    int method;              /* llhttp_method_t: HTTP_GET, HTTP_HEAD, ... */
    const char *method_name; /* "GET": static */
    char *target;            /* request-target as received, NUL-terminated */
    size_t target_len;
    unsigned http_major;
    unsigned http_minor;
    bool expects_continue; /* "Expect: 100-continue" (set from on_head) */
    bool is_keep_alive;    /* another request may follow (set for on_request) */
    uint64_t body_size;    /* body bytes received, after de-chunking */
} http_request_t;

typedef struct http http_t;

typedef void (*http_begin_cb)(http_t *http);
typedef void (*http_head_cb)(http_t *http, http_request_t *req);
/* The parser is paused when this returns; the owner answers, then calls http_resume. */
typedef void (*http_request_cb)(http_t *http, http_request_t *req);

typedef struct http_handlers {
    http_begin_cb on_begin; /* may be NULL */
    http_head_cb on_head;   /* may be NULL */
    http_request_cb on_request;
} http_handlers_t;

struct http {
    /* public */
    void *user; /* the owner's */
    /* read-only */
    int error_status;          /* 400, 414, 431 or 500 after a failed http_feed, else 0 */
    const char *error_message; /* static text, or llhttp's reason */
    bool is_in_request;        /* between on_begin and on_request */
    bool is_paused;
    /* private */
    llhttp_t parser;
    const http_handlers_t *handlers;
    http_request_t req;
    size_t target_cap;
    size_t max_header_size;
    size_t header_size; /* bytes of the current request's line and headers so far */
    char field[8];      /* the current header name, when short enough to be one we look at */
    size_t field_len;
    char value[16]; /* its value, for Expect */
    size_t value_len;
};

/* `handlers` must outlive the parser. */
void http_init(http_t *http, size_t max_header_size, const http_handlers_t *handlers, void *user);
void http_fini(http_t *http);

/* Parses up to `size` bytes; *n_used tells how many were taken: all of them, unless the parser
 * paused after a request (is_paused) or failed. */
int http_feed(http_t *http, const char *data, size_t size, size_t *n_used);

/* Continues after the pause that follows a request. */
void http_resume(http_t *http);

#endif
