/* HTTP/1.1 request parsing for one connection, on llhttp.
 *
 * Bytes go in through http_feed in any chunking; requests come out through callbacks: on_begin at
 * the first byte of a request, on_head when its line and headers are in, on_body for each piece
 * of its body (de-chunked; Content-Length and chunked bodies look the same), on_request when the
 * body is complete. Trailers of a chunked body are counted against the header limit and dropped.
 *
 * Two kinds of pause. The parser pauses after every complete request, and on_body may ask for a
 * pause by returning true (backpressure); after the last piece of a Content-Length body that pause
 * becomes the one after the request (on_request follows at once), so an owner must be ready for
 * on_request while it holds the body paused. Either way http_feed returns early with the rest of the
 * input unconsumed and parses nothing more until http_resume; is_in_request tells the two apart.
 * That is how a connection keeps requests in order and stops reading while it cannot take more.
 *
 *     feed --> on_begin --> on_head --> on_body* --> on_request --> paused --resume--> feed ...
 *                                          |
 *                                          +--> (true) paused --resume--> on_body ...
 *
 * Framing is strict, so that a proxy in front and this parser cannot disagree on where a request
 * ends (request smuggling): llhttp runs in its strict mode (CRLF after each chunk), and the head
 * and the trailers are checked line by line besides: CRLF line ends only, no obs-fold, single
 * spaces in the request line, no empty header name, HTTP/1.0 or 1.1, at most one Host, and
 * Transfer-Encoding only as one header that is exactly "chunked" (and not in HTTP/1.0); llhttp
 * itself refuses Content-Length together with Transfer-Encoding, a repeated or non-numeric
 * Content-Length and bad chunk sizes. All of these fail with 400.
 *
 * Limits: the request line and headers may take max_header_size bytes in all; past that the
 * request fails with 431 (414 when the target alone is too long). Trailers and the chunk
 * extensions of a body count against the same limit. A body longer than max_body_size fails with
 * 413: at the headers for a Content-Length, when crossed for chunked.
 * Memory: the target and headers are kept in one buffer no larger than max_header_size (a header
 * costs its name and value plus two bytes, never more than it counted), allocated with a
 * request's target and freed once the request is complete, so an idle connection holds none.
 * Ownership: http_t is embedded in its owner (the connection); http_fini frees what it allocated.
 * A request's target and headers belong to the http_t and are valid from on_head until
 * on_request returns; body data only during on_body.
 * Threading: loop thread only.
 * Errors: http_feed returns 0, or SL_EMALFORMED (bad HTTP: status 400), SL_ELIMIT (413, 414 or
 * 431) or SL_ENOMEM (500), with the HTTP status and a message in error_status and error_message.
 * After an error the parser refuses all further input.
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
    const char *target;      /* request-target as received, NUL-terminated (from on_head) */
    size_t target_len;
    unsigned http_major;
    unsigned http_minor;
    /* set for on_head */
    const char *headers; /* "name:value\n" per header, values without surrounding blanks */
    size_t headers_size;
    bool expects_continue;   /* "Expect: 100-continue" */
    bool has_content_length; /* else chunked, or no body */
    uint64_t content_length;
    bool is_keep_alive; /* another request may follow (final for on_request) */
    /* grows with on_body */
    uint64_t body_size; /* body bytes received, after de-chunking */
} http_request_t;

typedef struct http http_t;

typedef void (*http_begin_cb)(http_t *http);
typedef void (*http_head_cb)(http_t *http, http_request_t *req);
/* Returns true to pause the parser after this piece. */
typedef bool (*http_body_cb)(http_t *http, http_request_t *req, const char *data, size_t size);
/* The parser is paused when this returns; the owner answers, then calls http_resume. */
typedef void (*http_request_cb)(http_t *http, http_request_t *req);

typedef struct http_handlers {
    http_begin_cb on_begin; /* may be NULL */
    http_head_cb on_head;   /* may be NULL */
    http_body_cb on_body;   /* may be NULL: bodies are counted and dropped */
    http_request_cb on_request;
} http_handlers_t;

struct http {
    /* public */
    void *user;             /* the owner's */
    uint64_t max_body_size; /* UINT64_MAX after http_init */
    /* read-only */
    int error_status;          /* 400, 413, 414, 431 or 500 after a failed http_feed, else 0 */
    const char *error_message; /* static text, or llhttp's reason */
    bool is_in_request;        /* between on_begin and on_request */
    bool is_paused;
    /* private */
    llhttp_t parser;
    const http_handlers_t *handlers;
    http_request_t req;
    size_t max_header_size;
    size_t header_size; /* bytes of the current request's line and headers so far */
    char *head;         /* the target, a NUL, then the headers as in req.headers */
    size_t head_len, head_cap;
    size_t name_off;    /* where the current header's name starts in head */
    size_t value_off;   /* where its value starts */
    bool is_head_done;  /* later header callbacks are trailers */
    int hold;           /* why the parser paused itself (http.c) */
    int scan;           /* the line check's state (http.c) */
    char scan_last;     /* the byte it saw last */
    const char *scan_from; /* the first byte of the current input it has not seen */
};

/* `handlers` must outlive the parser. */
void http_init(http_t *http, size_t max_header_size, const http_handlers_t *handlers, void *user);
void http_fini(http_t *http);

/* Parses up to `size` bytes; *n_used tells how many were taken: all of them, unless the parser
 * paused or failed. */
int http_feed(http_t *http, const char *data, size_t size, size_t *n_used);

/* Continues after either kind of pause. */
void http_resume(http_t *http);

/* The value of the first header named `name` (case-insensitive) in a block like req.headers, or
 * NULL; *len gets its length. */
const char *http_header_find(const char *headers, size_t headers_size, const char *name,
                             size_t *len);

#endif
