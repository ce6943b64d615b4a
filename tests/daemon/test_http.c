/* http_suite: the daemon's HTTP layer. In memory first: the parser (daemon/net/http.h) fed at
 * every split point, the routes and the rendering (routes.h, response.h). Then the real
 * slipstreamd (its path in SLIPSTREAMD) on 127.0.0.1:0, driven with libcurl and raw sockets:
 * endpoints, keep-alive, pipelining, bodies, bad input, limits, timeouts, and a clean stop. */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "http.h"
#include "mailbox.h"
#include "metrics.h"
#include "request.h"
#include "response.h"
#include "routes.h"
#include "slipstream.h"

/* ---- the parser, in memory ------------------------------------------------------------------- */

typedef struct seen {
    int n_begin;
    int n_head;
    int n_request;
    char target[256];
    int method;
    unsigned http_minor;
    bool is_keep_alive;
    bool expects_continue;
    uint64_t body_size;
} seen_t;

static seen_t seen;

static void
seen_begin(http_t *http)
{
    seen.n_begin++;
}

static void
seen_head(http_t *http, http_request_t *req)
{
    seen.n_head++;
    seen.expects_continue = req->expects_continue;
}

static void
seen_request(http_t *http, http_request_t *req)
{
    seen.n_request++;
    snprintf(seen.target, sizeof seen.target, "%s", req->target);
    seen.method = req->method;
    seen.http_minor = req->http_minor;
    seen.is_keep_alive = req->is_keep_alive;
    seen.body_size = req->body_size;
}

static const http_handlers_t seen_handlers = {
    .on_begin = seen_begin,
    .on_head = seen_head,
    .on_request = seen_request,
};

/* Feeds one chunk to the end, resuming after each request as a connection would. */
static int
feed_chunk(http_t *http, const char *data, size_t size)
{
    size_t off = 0;
    while (off < size) {
        size_t n_used;
        int rc = http_feed(http, data + off, size - off, &n_used);
        if (rc < 0)
            return rc;
        off += n_used;
        if (http->is_paused)
            http_resume(http);
        else
            ck_assert_uint_eq(off, size);
    }
    /* A pause may come with the last byte of a piece (a body piece at the end of the input). */
    if (http->is_paused)
        http_resume(http);
    return 0;
}

/* Feeds `text` cut at `split`, with a fresh parser and fresh observations. */
static int
parse_split(const char *text, size_t split, size_t max_header_size)
{
    http_t http;
    size_t size = strlen(text);
    memset(&seen, 0, sizeof seen);
    http_init(&http, max_header_size, &seen_handlers, NULL);
    int rc = feed_chunk(&http, text, split);
    if (rc == 0)
        rc = feed_chunk(&http, text + split, size - split);
    if (rc < 0)
        ck_assert_int_ne(http.error_status, 0);
    http_fini(&http);
    return rc;
}

/* Every byte its own read. */
static int
parse_bytewise(const char *text, size_t max_header_size)
{
    http_t http;
    int rc = 0;
    memset(&seen, 0, sizeof seen);
    http_init(&http, max_header_size, &seen_handlers, NULL);
    for (size_t i = 0; text[i] != '\0' && rc == 0; i++)
        rc = feed_chunk(&http, text + i, 1);
    http_fini(&http);
    return rc;
}

static const char chunked_post[] = "POST /v1/modules/x?y=1 HTTP/1.1\r\n"
                                   "Host: example\r\n"
                                   "Expect: 100-continue\r\n"
                                   "Transfer-Encoding: chunked\r\n"
                                   "\r\n"
                                   "5\r\nhello\r\n"
                                   "6\r\n world\r\n"
                                   "0\r\n\r\n";

START_TEST(test_http_parses_chunked_post_at_every_split)
{
    for (size_t split = 0; split <= strlen(chunked_post); split++) {
        ck_assert_int_eq(parse_split(chunked_post, split, 16384), 0);
        ck_assert_int_eq(seen.n_begin, 1);
        ck_assert_int_eq(seen.n_head, 1);
        ck_assert_int_eq(seen.n_request, 1);
        ck_assert_str_eq(seen.target, "/v1/modules/x?y=1");
        ck_assert_int_eq(seen.method, HTTP_POST);
        ck_assert_uint_eq(seen.body_size, 11);
        ck_assert(seen.expects_continue);
        ck_assert(seen.is_keep_alive);
    }
    ck_assert_int_eq(parse_bytewise(chunked_post, 16384), 0);
    ck_assert_int_eq(seen.n_request, 1);
    ck_assert_str_eq(seen.target, "/v1/modules/x?y=1");
    ck_assert_uint_eq(seen.body_size, 11);
}
END_TEST

START_TEST(test_http_parses_content_length_body_at_every_split)
{
    static const char text[] = "PUT /v1/modules/m HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    for (size_t split = 0; split <= strlen(text); split++) {
        ck_assert_int_eq(parse_split(text, split, 16384), 0);
        ck_assert_int_eq(seen.n_request, 1);
        ck_assert_int_eq(seen.method, HTTP_PUT);
        ck_assert_uint_eq(seen.body_size, 5);
        ck_assert(!seen.expects_continue);
    }
}
END_TEST

START_TEST(test_http_pauses_after_each_pipelined_request)
{
    static const char first[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char second[] = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    char both[128];
    snprintf(both, sizeof both, "%s%s", first, second);

    http_t http;
    size_t n_used;
    memset(&seen, 0, sizeof seen);
    http_init(&http, 16384, &seen_handlers, NULL);

    ck_assert_int_eq(http_feed(&http, both, strlen(both), &n_used), 0);
    ck_assert(http.is_paused);
    ck_assert_uint_eq(n_used, strlen(first));
    ck_assert_int_eq(seen.n_request, 1);
    ck_assert_str_eq(seen.target, "/a");

    /* Still paused: nothing more is parsed until the owner resumes. */
    ck_assert_int_eq(http_feed(&http, both + n_used, strlen(second), &n_used), 0);
    ck_assert_uint_eq(n_used, 0);
    ck_assert_int_eq(seen.n_request, 1);

    http_resume(&http);
    ck_assert(!http.is_paused);
    ck_assert_int_eq(http_feed(&http, both + strlen(first), strlen(second), &n_used), 0);
    ck_assert_uint_eq(n_used, strlen(second));
    ck_assert_int_eq(seen.n_request, 2);
    ck_assert_str_eq(seen.target, "/b");
    http_fini(&http);
}
END_TEST

static const struct {
    const char *text;
    bool is_keep_alive;
    unsigned http_minor;
} keep_alive_cases[] = {
    {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true, 1},
    {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false, 1},
    {"GET / HTTP/1.0\r\n\r\n", false, 0},
    {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true, 0},
    {"GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", false, 1},
};

START_TEST(test_http_reports_keep_alive)
{
    ck_assert_int_eq(parse_split(keep_alive_cases[_i].text, 0, 16384), 0);
    ck_assert_int_eq(seen.n_request, 1);
    ck_assert_int_eq(seen.is_keep_alive, keep_alive_cases[_i].is_keep_alive);
    ck_assert_uint_eq(seen.http_minor, keep_alive_cases[_i].http_minor);
}
END_TEST

START_TEST(test_http_rejects_garbage_for_good)
{
    http_t http;
    size_t n_used;
    memset(&seen, 0, sizeof seen);
    http_init(&http, 16384, &seen_handlers, NULL);
    ck_assert_int_eq(http_feed(&http, "\x16\x03\x01\x02\x00\x01", 6, &n_used), SL_EMALFORMED);
    ck_assert_int_eq(http.error_status, 400);
    ck_assert_ptr_nonnull(http.error_message);
    static const char good[] = "GET / HTTP/1.1\r\n\r\n";
    ck_assert_int_eq(http_feed(&http, good, strlen(good), &n_used), SL_EMALFORMED);
    ck_assert_uint_eq(n_used, 0);
    ck_assert_int_eq(seen.n_request, 0);
    http_fini(&http);
}
END_TEST

static const char *const malformed[] = {
    "GET / HTTP/9.9\r\n\r\n",
    "GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
    "G@T / HTTP/1.1\r\n\r\n",
};

START_TEST(test_http_rejects_malformed_requests)
{
    ck_assert_int_eq(parse_split(malformed[_i], 0, 16384), SL_EMALFORMED);
    ck_assert_int_eq(seen.n_request, 0);
}
END_TEST

/* Framing a proxy in front could read differently (request smuggling), each followed by a
 * request that must never be parsed: every one is refused with 400 at every split point. */
#define SMUGGLED "DELETE /v1/modules/m HTTP/1.1\r\nHost: t\r\n\r\n"
static const char *const ambiguous[] = {
    /* chunk data not followed by CRLF */
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[1,2]XX0\r\n\r\n" SMUGGLED,
    /* obs-fold: the folded line is part of X's value to this parser, a header to others */
    "GET /healthz HTTP/1.1\r\nHost: t\r\nX: a\r\n Content-Length: 44\r\n\r\n" SMUGGLED,
    "GET / HTTP/1.1\r\n\tX: a\r\n\r\n",
    /* CL.TE and TE.CL */
    "POST / HTTP/1.1\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
    "2c\r\n" SMUGGLED "\r\n0\r\n\r\n",
    /* Content-Length twice, or as a list */
    "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nX" SMUGGLED,
    "POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\nX" SMUGGLED,
    /* Transfer-Encoding other than one final "chunked" */
    "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
    "0\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" SMUGGLED,
    /* line ends other than CRLF */
    "GET / HTTP/1.1\nHost: t\r\n\r\n" SMUGGLED,
    "GET / HTTP/1.1\r\nHost: t\r\n\n" SMUGGLED,
    "GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: v\r\n\n" SMUGGLED,
    /* whitespace where none belongs */
    "POST / HTTP/1.1\r\nContent-Length : 1\r\n\r\nX" SMUGGLED,
    "GET  / HTTP/1.1\r\n\r\n" SMUGGLED,
    "GET / HTTP/1.1 \r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: v\r\n w\r\n\r\n" SMUGGLED,
    /* an empty header name, two Hosts, no HTTP/1.x */
    "GET / HTTP/1.1\r\n: x\r\n\r\n" SMUGGLED,
    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" SMUGGLED,
    "GET /\r\n\r\n" SMUGGLED,
    "GET / HTTP/2.0\r\n\r\n" SMUGGLED,
    /* chunk sizes and extensions */
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a\nhello\r\n0\r\n\r\n" SMUGGLED,
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n" SMUGGLED,
};

START_TEST(test_http_refuses_ambiguous_framing_at_every_split)
{
    const char *text = ambiguous[_i];
    for (size_t split = 0; split <= strlen(text); split++) {
        ck_assert_msg(parse_split(text, split, 16384) == SL_EMALFORMED, "split %zu of %s", split,
                      text);
        ck_assert_int_eq(seen.n_request, 0);
    }
    ck_assert_int_eq(parse_bytewise(text, 16384), SL_EMALFORMED);
    ck_assert_int_eq(seen.n_request, 0);
}
END_TEST

START_TEST(test_http_accepts_strict_framing_at_every_split)
{
    /* chunk extensions, trailers, blanks around values, empty lines before a request */
    static const char text[] = "PUT /m HTTP/1.1\r\nHost: t\r\nX-Blank: \t v \t\r\n"
                               "Transfer-Encoding: Chunked\r\n\r\n"
                               "5;name=value\r\nhello\r\n0;last\r\nTrailer: t\r\n\r\n"
                               "\r\nGET / HTTP/1.0\r\n\r\n";
    for (size_t split = 0; split <= strlen(text); split++) {
        ck_assert_msg(parse_split(text, split, 16384) == 0, "split %zu", split);
        ck_assert_int_eq(seen.n_request, 2);
        ck_assert_str_eq(seen.target, "/");
    }
}
END_TEST

START_TEST(test_http_limits_chunk_extensions)
{
    char text[1024];
    int n = sprintf(text, "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 40; i++)
        n += sprintf(text + n, "1;extension=value\r\nx\r\n");
    sprintf(text + n, "0\r\n\r\n");
    http_t http;
    size_t n_used;
    memset(&seen, 0, sizeof seen);
    http_init(&http, 256, &seen_handlers, NULL);
    ck_assert_int_eq(http_feed(&http, text, strlen(text), &n_used), SL_ELIMIT);
    ck_assert_int_eq(http.error_status, 431);
    ck_assert_str_eq(http.error_message, "chunk extensions exceed max_header_size");
    ck_assert_int_eq(seen.n_request, 0);
    http_fini(&http);
}
END_TEST

static char *
request_with_header(size_t value_size)
{
    char *text = malloc(value_size + 64);
    ck_assert_ptr_nonnull(text);
    int n = sprintf(text, "GET / HTTP/1.1\r\nX-Pad: ");
    memset(text + n, 'a', value_size);
    strcpy(text + n + value_size, "\r\n\r\n");
    return text;
}

START_TEST(test_http_limits_header_size)
{
    /* 16 bytes of method, target, version, name and line ends besides the value. */
    char *fits = request_with_header(200);
    char *too_big = request_with_header(300);
    ck_assert_int_eq(parse_split(fits, 0, 256), 0);
    ck_assert_int_eq(seen.n_request, 1);
    ck_assert_int_eq(parse_bytewise(too_big, 256), SL_ELIMIT);
    ck_assert_int_eq(seen.n_request, 0);

    http_t http;
    size_t n_used;
    http_init(&http, 256, &seen_handlers, NULL);
    ck_assert_int_eq(http_feed(&http, too_big, strlen(too_big), &n_used), SL_ELIMIT);
    ck_assert_int_eq(http.error_status, 431);
    http_fini(&http);
    free(fits);
    free(too_big);
}
END_TEST

START_TEST(test_http_limits_target_size)
{
    char text[600];
    int n = sprintf(text, "GET /");
    memset(text + n, 'p', 400);
    strcpy(text + n + 400, " HTTP/1.1\r\n\r\n");
    http_t http;
    size_t n_used;
    memset(&seen, 0, sizeof seen);
    http_init(&http, 256, &seen_handlers, NULL);
    ck_assert_int_eq(http_feed(&http, text, strlen(text), &n_used), SL_ELIMIT);
    ck_assert_int_eq(http.error_status, 414);
    http_fini(&http);
}
END_TEST

/* ---- routes and rendering, in memory --------------------------------------------------------- */

static void
ignore_reply(void *owner, request_t *req)
{
}

static const request_owner_ops_t test_owner_ops = {.on_reply = ignore_reply};
static int test_owner; /* stands for a connection */

/* The rendered answer of the routes to one request, NUL-terminated. */
static char *
answer(int method, const char *target)
{
    http_request_t head = {
        .method = method,
        .method_name = llhttp_method_name((llhttp_method_t)method),
        .target = (char *)target,
        .target_len = strlen(target),
        .http_major = 1,
        .http_minor = 1,
        .is_keep_alive = true,
    };
    char *data;
    size_t size;
    request_t *req = request_new(&head, &test_owner_ops, &test_owner);
    ck_assert_ptr_nonnull(req);
    request_start_handler(req);
    routes_dispatch(NULL, req);
    ck_assert(req->has_response);
    ck_assert(!req->is_handler_holding);
    req->response.is_head = method == HTTP_HEAD;
    ck_assert_int_eq(response_render(&req->response, &data, &size), 0);
    request_detach(req);
    char *text = malloc(size + 1);
    ck_assert_ptr_nonnull(text);
    memcpy(text, data, size);
    text[size] = '\0';
    free(data);
    return text;
}

/* ---- request bodies, headers, matching, metrics, admin, mailbox: in memory ------------------- */

typedef struct body_seen {
    char data[512];
    size_t len;
    int n_pieces;
    char host[32];
} body_seen_t;

static body_seen_t body_seen;

static void
body_head(http_t *http, http_request_t *req)
{
    size_t len;
    const char *host = http_header_find(req->headers, req->headers_size, "HOST", &len);
    if (host != NULL)
        snprintf(body_seen.host, sizeof body_seen.host, "%.*s", (int)len, host);
}

/* Asks for a pause after every piece, as a handler that hands each chunk to a worker does. */
static bool
body_piece(http_t *http, http_request_t *req, const char *data, size_t size)
{
    ck_assert_uint_le(body_seen.len + size, sizeof body_seen.data);
    memcpy(body_seen.data + body_seen.len, data, size);
    body_seen.len += size;
    body_seen.n_pieces++;
    return true;
}

static const http_handlers_t body_handlers = {
    .on_head = body_head,
    .on_body = body_piece,
    .on_request = seen_request,
};

START_TEST(test_http_delivers_body_pieces_with_pauses_at_every_split)
{
    static const char *const texts[] = {chunked_post,
                                        "PUT /m HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n"
                                        "hello world"};
    for (size_t t = 0; t < 2; t++) {
        const char *text = texts[t];
        for (size_t split = 0; split <= strlen(text); split++) {
            http_t http;
            memset(&seen, 0, sizeof seen);
            memset(&body_seen, 0, sizeof body_seen);
            http_init(&http, 16384, &body_handlers, NULL);
            ck_assert_int_eq(feed_chunk(&http, text, split), 0);
            ck_assert_int_eq(feed_chunk(&http, text + split, strlen(text) - split), 0);
            http_fini(&http);
            ck_assert_msg(seen.n_request == 1 && body_seen.len == 11,
                          "text %zu split %zu: %d requests, %zu body bytes", t, split,
                          seen.n_request, body_seen.len);
            ck_assert_mem_eq(body_seen.data, t == 0 ? "hello world" : "hello world", 11);
            ck_assert_int_ge(body_seen.n_pieces, 1);
        }
    }
    ck_assert_str_eq(body_seen.host, "h");
}
END_TEST

static void
find_headers(http_t *http, http_request_t *req)
{
    size_t len;
    const char *v = http_header_find(req->headers, req->headers_size, "authorization", &len);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(len, 10);
    ck_assert_mem_eq(v, "Bearer xyz", 10);
    v = http_header_find(req->headers, req->headers_size, "x-empty", &len);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(len, 0);
    v = http_header_find(req->headers, req->headers_size, "x-colon", &len);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(v, "a:b", 3);
    ck_assert_ptr_null(http_header_find(req->headers, req->headers_size, "x-none", &len));
    seen.n_head++;
}

START_TEST(test_http_finds_headers_by_name)
{
    static const char text[] = "GET / HTTP/1.1\r\nHost: a\r\nAuthorization:  Bearer xyz  \r\n"
                               "X-Empty:\r\nX-Colon: a:b\r\n\r\n";
    static const http_handlers_t handlers = {.on_head = find_headers, .on_request = seen_request};
    http_t http;
    size_t n_used;
    memset(&seen, 0, sizeof seen);
    http_init(&http, 16384, &handlers, NULL);
    ck_assert_int_eq(http_feed(&http, text, strlen(text), &n_used), 0);
    ck_assert_int_eq(seen.n_head, 1);
    ck_assert_int_eq(seen.n_request, 1);
    http_fini(&http);
}
END_TEST

START_TEST(test_http_limits_body_size)
{
    http_t http;
    size_t n_used;
    static const char declared[] = "PUT / HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
    http_init(&http, 16384, &seen_handlers, NULL);
    http.max_body_size = 10;
    ck_assert_int_eq(http_feed(&http, declared, strlen(declared), &n_used), SL_ELIMIT);
    ck_assert_int_eq(http.error_status, 413);
    http_fini(&http);

    static const char chunked[] = "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
    memset(&seen, 0, sizeof seen);
    http_init(&http, 16384, &seen_handlers, NULL);
    http.max_body_size = 10;
    ck_assert_int_eq(http_feed(&http, chunked, strlen(chunked), &n_used), SL_ELIMIT);
    ck_assert_int_eq(http.error_status, 413);
    ck_assert_int_eq(seen.n_request, 0);
    http_fini(&http);
}
END_TEST

START_TEST(test_routes_match_patterns_with_params)
{
    http_request_t head = {.target = "/", .target_len = 1, .method_name = "GET"};
    request_t *req = request_new(&head, &test_owner_ops, &test_owner);
    ck_assert_ptr_nonnull(req);
    static const char path[] = "/v1/modules/calc/invoke/add";
    ck_assert(routes_match("/v1/modules/{name}/invoke/{export}", path, strlen(path), req));
    ck_assert_uint_eq(req->n_params, 2);
    ck_assert_mem_eq(req->params[0].at, "calc", 4);
    ck_assert_uint_eq(req->params[0].len, 4);
    ck_assert_mem_eq(req->params[1].at, "add", 3);
    ck_assert(!routes_match("/v1/modules/{name}", "/v1/modules/", 12, NULL));
    ck_assert(!routes_match("/v1/modules/{name}", "/v1/modules/a/b", 15, NULL));
    ck_assert(routes_match("/v1/modules/{name}", "/v1/modules/a", 13, NULL));
    ck_assert(!routes_match("/healthz", "/healthz/", 9, NULL));
    request_detach(req);
}
END_TEST

START_TEST(test_metrics_render_counters_by_label)
{
    metrics_t m;
    metrics_init(&m);
    metrics_add(&m, METRIC_http_requests_total, (const char *[]){"/healthz", "200"}, 1);
    metrics_add(&m, METRIC_http_requests_total, (const char *[]){"/healthz", "200"}, 2);
    metrics_add(&m, METRIC_http_requests_total, (const char *[]){"a\"b\\c\n", "404"}, 1);
    metrics_add(&m, METRIC_http_received_bytes_total, NULL, 42);
    ck_assert_uint_eq(
        metrics_get(&m, METRIC_http_requests_total, (const char *[]){"/healthz", "200"}), 3);
    char *text;
    size_t size;
    ck_assert_int_eq(metrics_render(&m, &text, &size), 0);
    ck_assert_uint_eq(strlen(text), size);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE slipstream_http_requests_total counter\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "\nslipstream_http_requests_total{route=\"/healthz\",status=\"200\"} 3\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "\nslipstream_http_requests_total{route=\"a\\\"b\\\\c\\n\",status=\"404\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nslipstream_http_received_bytes_total 42\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nslipstream_http_connections 0\n"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE slipstream_http_connections gauge\n"));
    free(text);
    metrics_fini(&m);
}
END_TEST

/* Writes `text` to a new temporary file; returns its path (static buffer). */
static const char *
write_temp(const char *text)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/sl-http-XXXXXX", dir != NULL && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    return path;
}

START_TEST(test_admin_checks_bearer_tokens)
{
    admin_t admin;
    char why[256];
    ck_assert_int_eq(admin_load(&admin, "", why, sizeof why), 0);
    ck_assert_int_eq(admin_check(&admin, NULL, 0), 0);

    const char *path = write_temp("s3cret-token\n");
    int rc = admin_load(&admin, path, why, sizeof why);
    unlink(path);
    ck_assert_msg(rc == 0, "%s", why);
    ck_assert_int_eq(admin_check(&admin, NULL, 0), 401);
    ck_assert_int_eq(admin_check(&admin, "Basic abc", 9), 401);
    ck_assert_int_eq(admin_check(&admin, "Bearer ", 7), 401);
    ck_assert_int_eq(admin_check(&admin, "Bearer s3cret-tokeN", 19), 403);
    ck_assert_int_eq(admin_check(&admin, "Bearer s3cret-token-longer", 26), 403);
    ck_assert_int_eq(admin_check(&admin, "Bearer s3cret", 13), 403);
    ck_assert_int_eq(admin_check(&admin, "Bearer s3cret-token", 19), 0);
    ck_assert_int_eq(admin_check(&admin, "bearer s3cret-token", 19), 0);

    path = write_temp("\n");
    ck_assert_int_eq(admin_load(&admin, path, why, sizeof why), SL_EARG);
    unlink(path);
    ck_assert_ptr_nonnull(strstr(why, "holds no token"));
    ck_assert_int_eq(admin_load(&admin, "/nonexistent/token", why, sizeof why), SL_EARG);
    ck_assert_ptr_nonnull(strstr(why, "No such file"));
}
END_TEST

typedef struct posted {
    mailbox_item_t item;
    int value;
} posted_t;

static int delivered[64];
static int n_delivered;

static void
on_posted(mailbox_item_t *item)
{
    posted_t *p = (posted_t *)item;
    delivered[n_delivered++] = p->value;
}

static void *
post_many(void *arg)
{
    mailbox_t *mb = ((void **)arg)[0];
    posted_t *items = ((void **)arg)[1];
    for (int i = 0; i < 64; i++)
        mailbox_post(mb, &items[i].item);
    return NULL;
}

START_TEST(test_mailbox_delivers_posts_from_a_thread_in_order)
{
    uv_loop_t loop;
    mailbox_t mb;
    posted_t items[64];
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    ck_assert_int_eq(mailbox_init(&mb, &loop), 0);
    for (int i = 0; i < 64; i++)
        items[i] = (posted_t){.item.cb = on_posted, .value = i};
    n_delivered = 0;
    pthread_t thread;
    void *args[2] = {&mb, items};
    ck_assert_int_eq(pthread_create(&thread, NULL, post_many, args), 0);
    while (n_delivered < 64)
        uv_run(&loop, UV_RUN_ONCE);
    pthread_join(thread, NULL);
    for (int i = 0; i < 64; i++)
        ck_assert_int_eq(delivered[i], i);
    /* What is queued at close is delivered by the close. */
    n_delivered = 0;
    mailbox_post(&mb, &items[0].item);
    mailbox_close(&mb);
    ck_assert_int_eq(n_delivered, 1);
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

static const char *
body_of(const char *text)
{
    const char *end = strstr(text, "\r\n\r\n");
    ck_assert_ptr_nonnull(end);
    return end + 4;
}

/* Asserts a JSON error body of the given kind whose message mentions `fragment`. */
static void
assert_error_body(const char *body, const char *kind, const char *fragment)
{
    json_error_t jerr;
    json_t *doc = json_loads(body, 0, &jerr);
    ck_assert_msg(doc != NULL, "not JSON: %s (%s)", body, jerr.text);
    json_t *error = json_object_get(doc, "error");
    ck_assert_ptr_nonnull(error);
    ck_assert_str_eq(json_string_value(json_object_get(error, "kind")), kind);
    const char *message = json_string_value(json_object_get(error, "message"));
    ck_assert_ptr_nonnull(message);
    ck_assert_msg(strstr(message, fragment) != NULL, "'%s' lacks '%s'", message, fragment);
    json_decref(doc);
}

START_TEST(test_routes_healthz_get)
{
    char *text = answer(HTTP_GET, "/healthz");
    ck_assert_msg(strncmp(text, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\r\nContent-Type: application/json\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\nContent-Length: 15\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\nDate: "));
    ck_assert_ptr_null(strstr(text, "\r\nConnection:"));
    ck_assert_str_eq(body_of(text), "{\"status\":\"ok\"}");
    free(text);
}
END_TEST

START_TEST(test_routes_healthz_head_has_get_headers_no_body)
{
    char *text = answer(HTTP_HEAD, "/healthz");
    ck_assert_msg(strncmp(text, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\r\nContent-Length: 15\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\nContent-Type: application/json\r\n"));
    ck_assert_str_eq(body_of(text), "");
    free(text);
}
END_TEST

static const char *const healthz_spellings[] = {
    "/healthz?verbose=1",
    "/healthz#top",
    "http://localhost:8470/healthz",
    "HTTP://127.0.0.1/healthz?x",
};

START_TEST(test_routes_healthz_target_forms)
{
    char *text = answer(HTTP_GET, healthz_spellings[_i]);
    ck_assert_msg(strncmp(text, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s: %s", healthz_spellings[_i],
                  text);
    free(text);
}
END_TEST

static const char *const not_found[] = {
    "/nope", "/healthz/", "/HEALTHZ", "/healthzz", "/", "*", "http://localhost", "/\xff\x01\"x",
};

START_TEST(test_routes_unknown_path_is_404_json)
{
    char *text = answer(HTTP_GET, not_found[_i]);
    ck_assert_msg(strncmp(text, "HTTP/1.1 404 Not Found\r\n", 24) == 0, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\r\nContent-Type: application/json\r\n"));
    assert_error_body(body_of(text), "not_found", "no endpoint at ");
    free(text);
}
END_TEST

START_TEST(test_routes_wrong_method_is_405_with_allow)
{
    static const int methods[] = {HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_OPTIONS};
    char *text = answer(methods[_i], "/healthz");
    ck_assert_msg(strncmp(text, "HTTP/1.1 405 Method Not Allowed\r\n", 33) == 0, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\r\nAllow: GET, HEAD\r\n"));
    assert_error_body(body_of(text), "method_not_allowed", "/healthz");
    free(text);
}
END_TEST

START_TEST(test_response_error_kinds_follow_status)
{
    ck_assert_str_eq(response_kind(400), "bad_request");
    ck_assert_str_eq(response_kind(404), "not_found");
    ck_assert_str_eq(response_kind(405), "method_not_allowed");
    ck_assert_str_eq(response_kind(431), "headers_too_large");
    ck_assert_str_eq(response_kind(503), "overloaded");
    ck_assert_str_eq(response_kind(599), "internal");
    ck_assert_str_eq(response_reason(431), "Request Header Fields Too Large");
    /* Engine errors: errors.def's status column; a call turns the module's 4xx into 422. */
    ck_assert_int_eq(response_error_status(SL_EMALFORMED, false), 400);
    ck_assert_int_eq(response_error_status(SL_ELIMIT, false), 413);
    ck_assert_int_eq(response_error_status(SL_ELIMIT, true), 422);
    ck_assert_int_eq(response_error_status(SL_ENOSPACE, false), 507);
    ck_assert_int_eq(response_error_status(SL_ENOSPACE, true), 507);
    ck_assert_int_eq(response_error_status(SL_ENOMEM, true), 500);
    ck_assert_int_eq(response_error_status(-1000, false), 500);
    /* The one error body: a code only when given, extra members after the message, ASCII. */
    json_t *body = response_error_json(404, NULL, NULL, "no \x01 here");
    char *text = json_dumps(body, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"error\":{\"kind\":\"not_found\",\"message\":\"no ? here\"}}");
    free(text);
    json_decref(body);
    body = response_error_json(507, "module_limit", json_pack("{s:i}", "offset", 3), "full");
    text = json_dumps(body, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"error\":{\"kind\":\"insufficient_storage\",\"code\":"
                           "\"module_limit\",\"message\":\"full\",\"offset\":3}}");
    free(text);
    json_decref(body);
}
END_TEST

/* ---- the real daemon ------------------------------------------------------------------------- */

typedef struct daemon_proc {
    pid_t pid;
    int err_fd; /* the read end of its stderr */
    unsigned port;
    char log[32768];
    size_t log_len;
} daemon_proc_t;

static daemon_proc_t proc; /* the fixture's daemon */

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads what the daemon wrote to stderr, waiting up to `timeout_ms`; false on nothing or EOF. */
static bool
read_log(daemon_proc_t *p, int timeout_ms)
{
    struct pollfd pfd = {.fd = p->err_fd, .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) <= 0)
        return false;
    ssize_t n = read(p->err_fd, p->log + p->log_len, sizeof p->log - 1 - p->log_len);
    if (n <= 0)
        return false;
    p->log_len += (size_t)n;
    p->log[p->log_len] = '\0';
    return true;
}

static void
spawn_exe(daemon_proc_t *p, const char *env_name, const char *const extra[])
{
    const char *exe = getenv(env_name);
    ck_assert_msg(exe != NULL, "%s is not set", env_name);
    char *argv[32] = {(char *)exe, "--listen", "127.0.0.1:0"};
    int argc = 3;
    for (int i = 0; extra != NULL && extra[i] != NULL; i++)
        argv[argc++] = (char *)extra[i];
    argv[argc] = NULL;

    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    memset(p, 0, sizeof *p);
    p->pid = fork();
    ck_assert_int_ge(p->pid, 0);
    if (p->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a test that crashed */
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(exe, argv);
        _exit(127);
    }
    close(fds[1]);
    p->err_fd = fds[0];
}

static void
spawn(daemon_proc_t *p, const char *const extra[])
{
    spawn_exe(p, "SLIPSTREAMD", extra);
}

/* Waits for "listening on http://127.0.0.1:PORT" and takes the port. */
static void
wait_listening(daemon_proc_t *p)
{
    static const char mark[] = "listening on http://127.0.0.1:";
    double deadline = now_s() + 10;
    for (;;) {
        const char *at = strstr(p->log, mark);
        if (at != NULL && strchr(at, '\n') != NULL) {
            p->port = (unsigned)strtoul(at + strlen(mark), NULL, 10);
            break;
        }
        ck_assert_msg(now_s() < deadline, "no 'listening on' line in: %s", p->log);
        if (!read_log(p, 100)) {
            int status;
            ck_assert_msg(waitpid(p->pid, &status, WNOHANG) == 0, "slipstreamd exited: %s", p->log);
            usleep(10000);
        }
    }
    ck_assert_uint_gt(p->port, 0);
    ck_assert_uint_lt(p->port, 65536);
}

/* Waits up to `limit_s` for the daemon to exit; returns its wait status. */
static int
wait_exit(daemon_proc_t *p, double limit_s)
{
    double deadline = now_s() + limit_s;
    int status = 0;
    while (waitpid(p->pid, &status, WNOHANG) != p->pid) {
        if (now_s() > deadline) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
            p->pid = 0;
            ck_abort_msg("slipstreamd did not exit within %.1f s; log: %s", limit_s, p->log);
        }
        if (!read_log(p, 20)) /* drains its stderr meanwhile, so it never blocks on it */
            usleep(10000);
    }
    p->pid = 0;
    while (read_log(p, 100))
        ;
    close(p->err_fd);
    return status;
}

/* Every line is "LEVEL: message": anything else (a sanitizer's report, a stray printf) fails. */
static void
assert_log_lines(const daemon_proc_t *p)
{
    static const char *const levels[] = {"error: ", "warn: ", "info: ", "debug: "};
    for (const char *line = p->log; *line != '\0';) {
        bool is_ok = false;
        for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
            is_ok = is_ok || strncmp(line, levels[i], strlen(levels[i])) == 0;
        const char *end = strchr(line, '\n');
        ck_assert_msg(is_ok && end != NULL, "unexpected output from slipstreamd: %s", line);
        line = end + 1;
    }
}

/* SIGTERM, then a clean exit (status 0, "stopped" logged) within `limit_s`. */
static void
stop_cleanly(daemon_proc_t *p, double limit_s)
{
    ck_assert_int_eq(kill(p->pid, SIGTERM), 0);
    int status = wait_exit(p, limit_s);
    ck_assert_msg(WIFEXITED(status), "slipstreamd died of signal %d; log: %s",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0, p->log);
    ck_assert_msg(WEXITSTATUS(status) == 0, "exit status %d; log: %s", WEXITSTATUS(status), p->log);
    ck_assert_msg(strstr(p->log, "info: stopped\n") != NULL, "no 'stopped' in: %s", p->log);
    assert_log_lines(p);
}

static void
daemon_setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    spawn(&proc, NULL);
    wait_listening(&proc);
}

/* Every test on the shared daemon also proves that it still stops cleanly afterwards. */
static void
daemon_teardown(void)
{
    if (proc.pid != 0)
        stop_cleanly(&proc, 5);
    curl_global_cleanup();
}

static void
curl_setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void
curl_teardown(void)
{
    curl_global_cleanup();
}

/* ---- clients ---- */

typedef struct reply {
    long status;
    char body[8192];
    size_t body_len;
    char headers[8192];
    size_t headers_len;
    curl_off_t content_length;
    const char *content_type; /* owned by the curl handle */
    long n_connects;
    long local_port;
} reply_t;

static size_t
append(char *buf, size_t cap, size_t *len, const char *data, size_t size)
{
    size_t n = size < cap - 1 - *len ? size : cap - 1 - *len;
    memcpy(buf + *len, data, n);
    *len += n;
    buf[*len] = '\0';
    return size;
}

static size_t
on_curl_body(char *data, size_t size, size_t n, void *user)
{
    reply_t *r = user;
    return append(r->body, sizeof r->body, &r->body_len, data, size * n);
}

static size_t
on_curl_header(char *data, size_t size, size_t n, void *user)
{
    reply_t *r = user;
    return append(r->headers, sizeof r->headers, &r->headers_len, data, size * n);
}

/* One request with `curl` (connections are kept between calls) to the daemon at `port`. */
static void
request(CURL *curl, unsigned port, const char *method, const char *path, const char *body,
        struct curl_slist *headers, reply_t *out)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    memset(out, 0, sizeof *out);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_curl_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_curl_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else if (body != NULL)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "POST") != 0)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);

    CURLcode rc = curl_easy_perform(curl);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &out->content_length);
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &out->content_type);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &out->n_connects);
    curl_easy_getinfo(curl, CURLINFO_LOCAL_PORT, &out->local_port);
}

static int
connect_raw(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    return fd;
}

static void
send_all(int fd, const char *data, size_t size)
{
    while (size > 0) {
        ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
        ck_assert_msg(n > 0, "send: %s", strerror(errno));
        data += n;
        size -= (size_t)n;
    }
}

typedef enum read_end {
    READ_CLOSED,  /* orderly FIN from the daemon */
    READ_RESET,   /* connection reset */
    READ_TIMEOUT, /* nothing for timeout_ms */
    READ_FOUND,   /* `until` appeared */
} read_end_t;

/* Reads into buf (NUL-terminated) until `until` appears (if not NULL), the daemon closes, or
 * nothing arrives for `timeout_ms`. */
static read_end_t
read_raw(int fd, char *buf, size_t cap, size_t *len, const char *until, int timeout_ms)
{
    for (;;) {
        if (until != NULL && strstr(buf, until) != NULL)
            return READ_FOUND;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, timeout_ms) <= 0)
            return READ_TIMEOUT;
        ssize_t n = recv(fd, buf + *len, cap - 1 - *len, 0);
        if (n == 0)
            return READ_CLOSED;
        if (n < 0)
            return READ_RESET;
        *len += (size_t)n;
        buf[*len] = '\0';
    }
}

static int
count(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Sends `text` on a new connection and reads until the daemon closes it. */
static void
exchange_raw(unsigned port, const char *text, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    int fd = connect_raw(port);
    send_all(fd, text, strlen(text));
    read_end_t end = read_raw(fd, buf, cap, &len, NULL, 5000);
    close(fd);
    ck_assert_msg(end == READ_CLOSED, "ended with %d after: %s", (int)end, buf);
}

START_TEST(test_daemon_healthz_get)
{
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, proc.port, "GET", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"ok\"}");
    ck_assert_ptr_nonnull(r.content_type);
    ck_assert_str_eq(r.content_type, "application/json");
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_healthz_head)
{
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, proc.port, "HEAD", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, 0);
    ck_assert_int_eq(r.content_length, 15);
    ck_assert_str_eq(r.content_type, "application/json");
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_unknown_path_is_404_json)
{
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, proc.port, "GET", "/nope?x=1", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.content_type, "application/json");
    assert_error_body(r.body, "not_found", "/nope");
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_wrong_method_is_405_with_allow)
{
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, proc.port, "POST", "/healthz", "x=1", NULL, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_msg(strstr(r.headers, "\r\nAllow: GET, HEAD\r\n") != NULL, "%s", r.headers);
    assert_error_body(r.body, "method_not_allowed", "POST");
    request(curl, proc.port, "DELETE", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 405);
    /* Two rows share this pattern (GET/HEAD/DELETE and PUT): Allow names the methods of both. */
    request(curl, proc.port, "POST", "/v1/modules/m", "x=1", NULL, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_msg(strstr(r.headers, "\r\nAllow: DELETE, GET, HEAD, PUT\r\n") != NULL, "%s",
                  r.headers);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_keeps_connection_alive)
{
    CURL *curl = curl_easy_init();
    reply_t first, second;
    request(curl, proc.port, "GET", "/healthz", NULL, NULL, &first);
    request(curl, proc.port, "GET", "/healthz", NULL, NULL, &second);
    ck_assert_int_eq(first.status, 200);
    ck_assert_int_eq(second.status, 200);
    ck_assert_int_eq(first.n_connects, 1);
    ck_assert_int_eq(second.n_connects, 0); /* reused */
    ck_assert_int_eq(first.local_port, second.local_port);
    ck_assert_ptr_null(strstr(first.headers, "Connection: close"));
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_answers_pipelined_requests_in_order)
{
    char buf[8192];
    exchange_raw(proc.port,
                 "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                 "HEAD /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                 buf, sizeof buf);
    ck_assert_int_eq(count(buf, "HTTP/1.1 "), 3);
    const char *ok = strstr(buf, "HTTP/1.1 200 OK\r\n");
    const char *missing = strstr(buf, "HTTP/1.1 404 Not Found\r\n");
    const char *head = ok ? strstr(ok + 1, "HTTP/1.1 200 OK\r\n") : NULL;
    ck_assert_msg(ok == buf, "%s", buf);
    ck_assert_msg(missing != NULL && missing > ok && head != NULL && head > missing, "%s", buf);
    ck_assert_ptr_nonnull(strstr(ok, "\r\n\r\n{\"status\":\"ok\"}HTTP/1.1 404"));
    ck_assert_ptr_nonnull(strstr(head, "Connection: close\r\n"));
    ck_assert_msg(strstr(head, "\r\n\r\n")[4] == '\0', "HEAD had a body: %s", head);
}
END_TEST

START_TEST(test_daemon_reads_past_request_bodies)
{
    /* If a body were not consumed exactly, the next request would parse as garbage (400). */
    char buf[8192];
    exchange_raw(proc.port,
                 "POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                 "PUT /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world"
                 "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                 buf, sizeof buf);
    ck_assert_int_eq(count(buf, "HTTP/1.1 "), 3);
    const char *a = strstr(buf, "HTTP/1.1 405 ");
    const char *b = strstr(buf, "HTTP/1.1 404 ");
    const char *c = strstr(buf, "HTTP/1.1 200 ");
    ck_assert_msg(a == buf && b > a && c > b, "%s", buf);
}
END_TEST

START_TEST(test_daemon_answers_early_without_100_continue)
{
    /* The answer is known from the headers: no 100 Continue, and since the client may never send
     * the body it was holding back, the connection closes after the answer. */
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Expect: 100-continue");
    char body[3000];
    memset(body, 'b', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    reply_t r;
    request(curl, proc.port, "POST", "/healthz", body, headers, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_msg(strstr(r.headers, "100 Continue") == NULL, "%s", r.headers);
    ck_assert_msg(strstr(r.headers, "Connection: close\r\n") != NULL, "%s", r.headers);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_answers_garbage_with_400_and_close)
{
    char buf[8192];
    exchange_raw(proc.port, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", buf,
                 sizeof buf);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 400 Bad Request\r\n", 26) == 0, "%s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: close\r\n"));
    assert_error_body(body_of(buf), "bad_request", "malformed HTTP request: ");
    ck_assert_int_eq(count(buf, "HTTP/1.1 "), 1);

    /* and it still serves */
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, proc.port, "GET", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_error_response_survives_unread_input)
{
    /* The daemon answers 400 after the first line, while most of this is still on its way. A
     * plain close() with input unread would send a reset, which can destroy the 400 in flight
     * (and fail the sends here); the daemon shuts down its side and drains instead. */
    size_t size = 1 << 20;
    char *text = malloc(size + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, 'j', size);
    static const char line[] = "BREW /pot HTCPCP/1.0\r\n";
    memcpy(text, line, strlen(line));
    text[size] = '\0';
    char buf[8192];
    exchange_raw(proc.port, text, buf, sizeof buf);
    free(text);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 400 Bad Request\r\n", 26) == 0, "%s", buf);
}
END_TEST

START_TEST(test_daemon_answers_bad_request_after_good_one)
{
    char buf[8192];
    exchange_raw(proc.port, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nNOT HTTP AT ALL\r\n\r\n", buf,
                 sizeof buf);
    ck_assert_int_eq(count(buf, "HTTP/1.1 "), 2);
    const char *bad = strstr(buf, "HTTP/1.1 400 ");
    ck_assert_msg(strncmp(buf, "HTTP/1.1 200 OK", 15) == 0 && bad != NULL, "%s", buf);
}
END_TEST

START_TEST(test_daemon_answers_oversized_headers_with_431)
{
    size_t value_size = 20000; /* over the default max_header_size of 16384 */
    char *text = malloc(value_size + 128);
    ck_assert_ptr_nonnull(text);
    int n = sprintf(text, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(text + n, 'a', value_size);
    strcpy(text + n + value_size, "\r\n\r\n");
    char buf[8192];
    exchange_raw(proc.port, text, buf, sizeof buf);
    free(text);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 431 Request Header Fields Too Large\r\n", 46) == 0, "%s",
                  buf);
    assert_error_body(body_of(buf), "headers_too_large", "max_header_size");
}
END_TEST

START_TEST(test_daemon_closes_http10_after_response)
{
    char buf[8192];
    exchange_raw(proc.port, "GET /healthz HTTP/1.0\r\n\r\n", buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: close\r\n"));
    ck_assert_str_eq(body_of(buf), "{\"status\":\"ok\"}");
}
END_TEST

START_TEST(test_daemon_keeps_http10_alive_when_asked)
{
    char buf[8192];
    size_t len = 0;
    buf[0] = '\0';
    int fd = connect_raw(proc.port);
    static const char req[] = "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    send_all(fd, req, strlen(req));
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, "{\"status\":\"ok\"}", 5000), READ_FOUND);
    ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: keep-alive\r\n"));
    send_all(fd, req, strlen(req));
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, "}HTTP/1.1 200 OK", 5000), READ_FOUND);
    close(fd);
}
END_TEST

START_TEST(test_daemon_stops_on_sigterm_with_a_connection_open)
{
    char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    int fd = connect_raw(proc.port);
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    send_all(fd, req, strlen(req));
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, "{\"status\":\"ok\"}", 5000), READ_FOUND);

    double start = now_s();
    stop_cleanly(&proc, 5);
    ck_assert_double_lt(now_s() - start, 3.0);
    ck_assert_ptr_nonnull(strstr(proc.log, "SIGTERM received, stopping"));
    /* the idle keep-alive connection was closed, not left behind */
    ck_assert_int_ne(read_raw(fd, buf, sizeof buf, &len, NULL, 5000), READ_TIMEOUT);
    close(fd);
}
END_TEST

START_TEST(test_daemon_stops_on_sigint)
{
    ck_assert_int_eq(kill(proc.pid, SIGINT), 0);
    int status = wait_exit(&proc, 5);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    ck_assert_ptr_nonnull(strstr(proc.log, "SIGINT received, stopping"));
    ck_assert_ptr_nonnull(strstr(proc.log, "info: stopped\n"));
}
END_TEST

/* ---- daemons with their own settings ---- */

START_TEST(test_daemon_closes_idle_connection)
{
    daemon_proc_t p;
    const char *args[] = {"--idle-timeout-ms", "200", NULL};
    spawn(&p, args);
    wait_listening(&p);

    char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    int fd = connect_raw(p.port);
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    send_all(fd, req, strlen(req));
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, "{\"status\":\"ok\"}", 5000), READ_FOUND);
    double start = now_s();
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 5000), READ_CLOSED);
    ck_assert_double_ge(now_s() - start, 0.1);
    close(fd);
    stop_cleanly(&p, 5);
}
END_TEST

START_TEST(test_daemon_times_out_slow_headers_with_408)
{
    daemon_proc_t p;
    const char *args[] = {"--header-timeout-ms", "300", NULL};
    spawn(&p, args);
    wait_listening(&p);

    char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    int fd = connect_raw(p.port);
    static const char partial[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
    send_all(fd, partial, strlen(partial));
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 5000), READ_CLOSED);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 408 Request Timeout\r\n", 30) == 0, "%s", buf);
    assert_error_body(body_of(buf), "request_timeout", "header_timeout_ms");
    close(fd);

    /* A connection that never sends anything is closed without a word. */
    len = 0;
    buf[0] = '\0';
    fd = connect_raw(p.port);
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 5000), READ_CLOSED);
    ck_assert_uint_eq(len, 0);
    close(fd);
    stop_cleanly(&p, 5);
}
END_TEST

START_TEST(test_daemon_turns_clients_away_at_max_connections)
{
    daemon_proc_t p;
    const char *args[] = {"--max-connections", "1", NULL};
    spawn(&p, args);
    wait_listening(&p);

    char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    int first = connect_raw(p.port);
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    send_all(first, req, strlen(req));
    ck_assert_int_eq(read_raw(first, buf, sizeof buf, &len, "{\"status\":\"ok\"}", 5000),
                     READ_FOUND);

    len = 0;
    buf[0] = '\0';
    int second = connect_raw(p.port);
    ck_assert_int_eq(read_raw(second, buf, sizeof buf, &len, NULL, 5000), READ_CLOSED);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 503 Service Unavailable\r\n", 34) == 0, "%s", buf);
    assert_error_body(body_of(buf), "overloaded", "max_connections");
    close(second);

    /* Once the first one goes, there is room again. */
    close(first);
    CURL *curl = curl_easy_init();
    reply_t r = {0};
    for (int i = 0; i < 50 && r.status != 200; i++) {
        usleep(20000);
        request(curl, p.port, "GET", "/healthz", NULL, NULL, &r);
    }
    ck_assert_int_eq(r.status, 200);
    curl_easy_cleanup(curl);
    stop_cleanly(&p, 5);
    ck_assert_msg(strstr(p.log, "warn: max_connections (1) reached") != NULL, "%s", p.log);
}
END_TEST

START_TEST(test_daemon_refuses_bad_settings_with_status_2)
{
    daemon_proc_t p;
    const char *args[] = {"--max-connections", "0", NULL};
    spawn(&p, args);
    int status = wait_exit(&p, 5);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 2);
    ck_assert_msg(strstr(p.log, "error: --max-connections: 0 is out of range") != NULL, "%s",
                  p.log);
    ck_assert_ptr_null(strstr(p.log, "listening on"));
}
END_TEST

START_TEST(test_daemon_fails_to_start_on_a_taken_port)
{
    daemon_proc_t p;
    char taken[32];
    snprintf(taken, sizeof taken, "127.0.0.1:%u", proc.port);
    const char *args[] = {"--listen", taken, NULL};
    spawn(&p, args);
    int status = wait_exit(&p, 5);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 1);
    ck_assert_msg(strstr(p.log, "error: cannot listen on 127.0.0.1:") != NULL, "%s", p.log);
}
END_TEST

/* ---- the request-body interface, through slipstreamd-test's PUT /v1/echo-sha256 -------------- */

static void
sha256_hex(const void *data, size_t size, char hex[65])
{
    unsigned char digest[32];
    unsigned n = 0;
    EVP_Digest(data, size, digest, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* Deterministic body bytes: every byte value, in an order that no short period repeats. */
static char *
make_body(size_t size, unsigned seed)
{
    char *body = malloc(size + 1);
    ck_assert_ptr_nonnull(body);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < size; i++) {
        x = x * 1103515245u + 12345u;
        body[i] = (char)(x >> 16);
    }
    body[size] = '\0';
    return body;
}

static void
test_daemon_setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    spawn_exe(&proc, "SLIPSTREAMD_TEST", NULL);
    wait_listening(&proc);
}

/* Sends `size` bytes in pieces of `piece` bytes (1: every byte its own segment). */
static void
send_pieces(int fd, const char *data, size_t size, size_t piece, useconds_t pause_us)
{
    for (size_t off = 0; off < size; off += piece) {
        send_all(fd, data + off, size - off < piece ? size - off : piece);
        if (pause_us > 0)
            usleep(pause_us);
    }
}

/* Asserts the echo answer in `text` (status line on) names the digest of `body`. */
static void
assert_echo(const char *text, const char *body, size_t size, int min_chunks)
{
    char hex[65];
    ck_assert_msg(strncmp(text, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", text);
    json_error_t jerr;
    json_t *doc = json_loads(body_of(text), JSON_DISABLE_EOF_CHECK, &jerr);
    ck_assert_msg(doc != NULL, "not JSON: %s", body_of(text));
    sha256_hex(body, size, hex);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "sha256")), hex);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "size")), (json_int_t)size);
    ck_assert_int_ge(json_integer_value(json_object_get(doc, "chunks")), min_chunks);
    json_decref(doc);
}

START_TEST(test_echo_hashes_content_length_bodies_in_any_split)
{
    static const size_t pieces[] = {1, 7, 1000, 100000};
    size_t size = _i == 0 ? 300 : 20000;
    char *body = make_body(size, (unsigned)_i);
    char head[256];
    int n = snprintf(head, sizeof head,
                     "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     size);
    char buf[8192];
    size_t len = 0;
    buf[0] = '\0';
    int fd = connect_raw(proc.port);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    send_pieces(fd, head, (size_t)n, pieces[_i], _i == 0 ? 200 : 0);
    send_pieces(fd, body, size, pieces[_i], _i == 0 ? 200 : 0);
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 10000), READ_CLOSED);
    close(fd);
    /* One byte at a time with a pause: the handler sees many chunks, each hashed on the worker. */
    assert_echo(buf, body, size, _i == 0 ? 30 : 1);
    free(body);
}
END_TEST

START_TEST(test_echo_hashes_chunked_bodies_in_any_split)
{
    size_t size = 5000;
    char *body = make_body(size, 7);
    /* chunks of 1, 2, 3, ... bytes, then the last chunk and a trailer */
    size_t cap = size * 3 + 4096;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t used = (size_t)sprintf(text, "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\n"
                                        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (size_t off = 0, k = 1; off < size; off += k, k++) {
        size_t c = size - off < k ? size - off : k;
        used += (size_t)sprintf(text + used, "%zx\r\n", c);
        memcpy(text + used, body + off, c);
        used += c;
        used += (size_t)sprintf(text + used, "\r\n");
    }
    used += (size_t)sprintf(text + used, "0\r\nX-Trailer: yes\r\n\r\n");

    static const size_t pieces[] = {1, 3, 64, 1 << 20};
    char buf[8192];
    size_t len = 0;
    buf[0] = '\0';
    int fd = connect_raw(proc.port);
    send_pieces(fd, text, used, pieces[_i], 0);
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 10000), READ_CLOSED);
    close(fd);
    assert_echo(buf, body, size, 1);
    free(text);
    free(body);
}
END_TEST

START_TEST(test_echo_sends_100_continue_and_keeps_alive)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Expect: 100-continue");
    char *body = make_body(3000, 3);
    for (size_t i = 0; i < 3000; i++)
        body[i] = (char)('a' + (unsigned char)body[i] % 26); /* a C string for POSTFIELDS */
    reply_t r, again;
    request(curl, proc.port, "PUT", "/v1/echo-sha256", body, headers, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strncmp(r.headers, "HTTP/1.1 100 Continue\r\n", 23) == 0, "%s", r.headers);
    char hex[65];
    sha256_hex(body, 3000, hex);
    ck_assert_msg(strstr(r.body, hex) != NULL, "%s", r.body);
    request(curl, proc.port, "GET", "/healthz", NULL, NULL, &again);
    ck_assert_int_eq(again.status, 200);
    ck_assert_int_eq(again.n_connects, 0);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(body);
}
END_TEST

START_TEST(test_pipelined_requests_wait_for_an_async_answer)
{
    /* The first answer comes from the worker 300 ms later; the two behind it are answered at
     * once by the loop, but must leave after it. */
    char buf[8192];
    double start = now_s();
    exchange_raw(proc.port,
                 "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\nX-Echo-Delay-Ms: 300\r\n"
                 "Content-Length: 3\r\n\r\nabc"
                 "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                 buf, sizeof buf);
    ck_assert_double_ge(now_s() - start, 0.29);
    ck_assert_int_eq(count(buf, "HTTP/1.1 "), 3);
    const char *hash = strstr(buf, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *ok = strstr(buf, "{\"status\":\"ok\"}");
    const char *missing = strstr(buf, "HTTP/1.1 404 ");
    ck_assert_msg(strncmp(buf, "HTTP/1.1 200 OK", 15) == 0 && hash != NULL && ok > hash &&
                      missing > ok,
                  "%s", buf);
}
END_TEST

START_TEST(test_pause_stops_reading_the_connection)
{
    /* The worker sleeps 1.5 s on the first chunk, and the body stays paused meanwhile: the
     * daemon must not read, so the client can only fill the socket buffers, far less than the
     * body. Afterwards the whole body arrives and hashes right. */
    size_t size = 40 << 20;
    char *body = make_body(size, 11);
    char head[256];
    int n = snprintf(head, sizeof head,
                     "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\nX-Echo-Delay-Ms: 1500\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     size);
    int fd = connect_raw(proc.port);
    send_all(fd, head, (size_t)n);
    size_t sent = 0;
    double until = now_s() + 0.8;
    while (now_s() < until && sent < size) {
        ssize_t k = send(fd, body + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (k > 0)
            sent += (size_t)k;
        else
            usleep(5000);
    }
    ck_assert_msg(sent < size / 2, "%zu of %zu bytes taken while the body was paused", sent,
                  size);
    send_all(fd, body + sent, size - sent);
    char buf[8192];
    size_t len = 0;
    buf[0] = '\0';
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 30000), READ_CLOSED);
    close(fd);
    assert_echo(buf, body, size, 2);
    free(body);
}
END_TEST

START_TEST(test_client_gone_mid_body_costs_nothing)
{
    /* Gone while a chunk is with the worker, and gone between chunks. */
    for (int k = 0; k < 2; k++) {
        int fd = connect_raw(proc.port);
        static const char head_slow[] = "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\n"
                                        "X-Echo-Delay-Ms: 200\r\nContent-Length: 100000\r\n\r\n";
        static const char head[] = "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\n"
                                   "Content-Length: 100000\r\n\r\n";
        const char *h = k == 0 ? head_slow : head;
        send_all(fd, h, strlen(h));
        char part[5000];
        memset(part, 'x', sizeof part);
        send_all(fd, part, sizeof part);
        usleep(50000);
        close(fd);
    }
    usleep(400000); /* the worker finishes its chunk for a request nobody waits for */
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, proc.port, "GET", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    request(curl, proc.port, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_msg(strstr(r.body, "slipstream_http_requests_aborted_total{route=\"/v1/echo-sha256\"}"
                                 " 2\n") != NULL,
                  "%s", r.body);
    curl_easy_cleanup(curl);
    /* the teardown's clean stop proves, under ASan, that nothing leaked */
}
END_TEST

typedef struct upload {
    CURL *curl;
    char *body;
    reply_t reply;
} upload_t;

START_TEST(test_daemon_serves_100_concurrent_clients)
{
    enum { N = 100, SIZE = 20000 };
    CURLM *multi = curl_multi_init();
    upload_t *ups = calloc(N, sizeof *ups);
    ck_assert_ptr_nonnull(ups);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/echo-sha256", proc.port);
    for (int i = 0; i < N; i++) {
        upload_t *u = &ups[i];
        u->body = make_body(SIZE, (unsigned)i + 100);
        u->curl = curl_easy_init();
        curl_easy_setopt(u->curl, CURLOPT_URL, url);
        curl_easy_setopt(u->curl, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(u->curl, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(u->curl, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(u->curl, CURLOPT_POSTFIELDS, u->body);
        curl_easy_setopt(u->curl, CURLOPT_POSTFIELDSIZE, (long)SIZE);
        curl_easy_setopt(u->curl, CURLOPT_WRITEFUNCTION, on_curl_body);
        curl_easy_setopt(u->curl, CURLOPT_WRITEDATA, &u->reply);
        curl_multi_add_handle(multi, u->curl);
    }
    int running = 1;
    while (running > 0) {
        ck_assert_int_eq(curl_multi_perform(multi, &running), CURLM_OK);
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    for (int i = 0; i < N; i++) {
        upload_t *u = &ups[i];
        long status = 0;
        char hex[65];
        curl_easy_getinfo(u->curl, CURLINFO_RESPONSE_CODE, &status);
        ck_assert_msg(status == 200, "client %d: %ld %s", i, status, u->reply.body);
        sha256_hex(u->body, SIZE, hex);
        ck_assert_msg(strstr(u->reply.body, hex) != NULL, "client %d: %s", i, u->reply.body);
        curl_multi_remove_handle(multi, u->curl);
        curl_easy_cleanup(u->curl);
        free(u->body);
    }
    free(ups);
    curl_multi_cleanup(multi);
}
END_TEST

/* ---- limits on bodies, tokens and metrics ---- */

START_TEST(test_daemon_answers_oversized_bodies_with_413)
{
    daemon_proc_t p;
    const char *args[] = {"--max-body-size", "1000", NULL};
    spawn_exe(&p, "SLIPSTREAMD_TEST", args);
    wait_listening(&p);
    char buf[8192];
    exchange_raw(p.port, "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n",
                 buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 413 Content Too Large\r\n", 32) == 0, "%s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: close\r\n"));
    assert_error_body(body_of(buf), "too_large", "max_body_size");

    char *text = malloc(4096);
    ck_assert_ptr_nonnull(text);
    int n = sprintf(text, "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) {
        n += sprintf(text + n, "190\r\n");
        memset(text + n, 'z', 400);
        n += 400;
        n += sprintf(text + n, "\r\n");
    }
    strcpy(text + n, "0\r\n\r\n");
    exchange_raw(p.port, text, buf, sizeof buf);
    free(text);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 413 ", 13) == 0, "%s", buf);

    /* A body of exactly the limit is fine, and the daemon kept serving. */
    char *fits = malloc(1200);
    ck_assert_ptr_nonnull(fits);
    n = sprintf(fits, "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n"
                      "Connection: close\r\n\r\n");
    memset(fits + n, 'q', 1000);
    fits[n + 1000] = '\0';
    exchange_raw(p.port, fits, buf, sizeof buf);
    assert_echo(buf, fits + n, 1000, 1);
    free(fits);
    stop_cleanly(&p, 5);
}
END_TEST

enum {
    UPLOAD_LIMIT = 65536,
    UPLOAD_TOTAL = 64 << 20, /* what the client would send if nobody stopped it */
    UPLOAD_CHUNK = 4096,
};

/* Sends a chunked module upload of UPLOAD_TOTAL bytes as fast as the daemon takes it, stopping
 * at the first byte of an answer; returns the body bytes sent by then. The module is valid as far
 * as it goes (a custom section as large as the whole), so only a size limit can stop it. */
static size_t
upload_until_answered(int fd)
{
    static const char head[] = "PUT /v1/modules/big HTTP/1.1\r\nHost: t\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n";
    /* magic, version; custom section of 64 MiB: id 0, size (LEB128), name "x" */
    static const char start[] = "\0asm\1\0\0\0\0\x80\x80\x80\x20\1x";
    send_all(fd, head, strlen(head));
    char *chunk = calloc(1, UPLOAD_CHUNK + 16);
    ck_assert_ptr_nonnull(chunk);
    int n = sprintf(chunk, "%x\r\n", UPLOAD_CHUNK);
    size_t size = (size_t)n + UPLOAD_CHUNK + 2, body_off = (size_t)n;
    memcpy(chunk + body_off, start, sizeof start - 1);
    memcpy(chunk + size - 2, "\r\n", 2);

    size_t sent = 0, off = 0;
    double deadline = now_s() + 20;
    while (sent < UPLOAD_TOTAL && now_s() < deadline) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLOUT};
        ck_assert_int_ge(poll(&pfd, 1, 1000), 0);
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
            break;
        if (!(pfd.revents & POLLOUT))
            continue;
        ssize_t k = send(fd, chunk + off, size - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        ck_assert_msg(k > 0, "send: %s", strerror(errno));
        off += (size_t)k;
        if (off == size) {
            off = 0;
            sent += UPLOAD_CHUNK;
            memset(chunk + body_off, 0, sizeof start - 1); /* the rest of the section: zeros */
        }
    }
    if (sent >= UPLOAD_TOTAL)
        send_all(fd, "0\r\n\r\n", 5); /* all sent: let the daemon answer, too late */
    free(chunk);
    return sent;
}

/* Over max_module_size (the upload's handler refuses it) or max_body_size (the parser does): the
 * 413 comes while the client is still sending, and the connection closes after it. */
START_TEST(test_daemon_answers_oversize_chunked_uploads_at_once)
{
    static const char *const limits[] = {"--max-module-size", "--max-body-size"};
    char limit[32];
    snprintf(limit, sizeof limit, "%d", UPLOAD_LIMIT);
    const char *args[] = {limits[_i], limit, NULL};
    daemon_proc_t p;
    spawn(&p, args);
    wait_listening(&p);

    int fd = connect_raw(p.port);
    size_t sent = upload_until_answered(fd);
    char buf[8192];
    size_t len = 0;
    buf[0] = '\0';
    read_end_t end = read_raw(fd, buf, sizeof buf, &len, NULL, 5000);
    close(fd);
    ck_assert_msg(sent < UPLOAD_TOTAL / 4, "%zu body bytes sent before the answer", sent);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 413 ", 13) == 0, "%s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: close\r\n"));
    ck_assert_msg(end == READ_CLOSED || end == READ_RESET, "ended with %d", (int)end);

    /* What the daemon read is bounded by the client's few buffers, not the body. */
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, p.port, "GET", "/metrics", NULL, NULL, &r);
    curl_easy_cleanup(curl);
    static const char metric[] = "\nslipstream_http_received_bytes_total ";
    const char *line = strstr(r.body, metric);
    ck_assert_msg(line != NULL, "no %s", metric + 1);
    unsigned long long received = strtoull(line + strlen(metric), NULL, 10);
    ck_assert_msg(received < UPLOAD_TOTAL / 4, "the daemon read %llu bytes", received);
    stop_cleanly(&p, 5);
}
END_TEST

/* The daemon's resident memory from /proc/PID/status, in KiB. */
static long
rss_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    long kib = -1;
    while (kib < 0 && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    ck_assert_int_gt(kib, 0);
    return kib;
}

enum {
    N_IDLE = 500,
    N_EMPTY_HEADERS = 3000, /* 15,000 of the 16,384 bytes of max_header_size */
    /* What an idle connection may keep resident (docs/ARCHITECTURE.md): its conn_t and libuv
     * handles, about 1 KiB, and slack for malloc; none of its requests' headers. */
    IDLE_CONN_KIB = 16,
};

/* Requests with thousands of empty headers, then the connections left idle: the header memory
 * goes with each request (it used to stay, growing with the header count: 310 KB a connection). */
START_TEST(test_daemon_idle_connections_keep_no_header_memory)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = rl.rlim_max; /* the daemon inherits it */
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_msg(rl.rlim_cur >= N_IDLE + 64, "RLIMIT_NOFILE's hard limit %llu is below %d",
                  (unsigned long long)rl.rlim_cur, N_IDLE + 64);
    /* Under ASan freed memory waits in a quarantine instead of being reused, which is not the
     * daemon's own cost: turn it off for the daemon (other builds ignore the variable). */
    const char *asan = getenv("ASAN_OPTIONS");
    char options[512];
    snprintf(options, sizeof options, "%s%squarantine_size_mb=0", asan ? asan : "",
             asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", options, 1);
    daemon_proc_t p;
    spawn(&p, NULL);
    wait_listening(&p);

    static const char line[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
    size_t size = strlen(line) + 4 * N_EMPTY_HEADERS + 2;
    char *text = malloc(size + 1);
    ck_assert_ptr_nonnull(text);
    char *at = text + sprintf(text, "%s", line);
    for (int i = 0; i < N_EMPTY_HEADERS; i++)
        at += sprintf(at, "a:\r\n");
    strcpy(at, "\r\n");

    int *fds = malloc(N_IDLE * sizeof *fds);
    ck_assert_ptr_nonnull(fds);
    long before = 0;
    for (int i = 0; i <= N_IDLE; i++) {
        int fd = connect_raw(p.port);
        send_all(fd, text, size);
        char buf[4096];
        size_t len = 0;
        buf[0] = '\0';
        read_end_t end = read_raw(fd, buf, sizeof buf, &len, "{\"status\":\"ok\"}", 5000);
        ck_assert_msg(end == READ_FOUND, "connection %d ended with %d: %s", i, (int)end, buf);
        if (i == 0) { /* a warm-up: the first request's allocations are not the connections' */
            close(fd);
            usleep(100000);
            before = rss_kib(p.pid);
        } else {
            fds[i - 1] = fd;
        }
    }
    long after = rss_kib(p.pid);
    for (int i = 0; i < N_IDLE; i++)
        close(fds[i]);
    free(fds);
    free(text);
    ck_assert_msg(after - before <= (long)N_IDLE * IDLE_CONN_KIB,
                  "%d idle connections took %ld KiB (%ld to %ld)", N_IDLE, after - before, before,
                  after);
    fprintf(stderr, "%d idle connections: %ld KiB\n", N_IDLE, after - before);
    stop_cleanly(&p, 5);
}
END_TEST

START_TEST(test_daemon_cuts_off_stalled_and_crawling_bodies)
{
    daemon_proc_t p;
    const char *args[] = {"--body-timeout-ms", "400", "--min-body-rate", "50", NULL};
    spawn_exe(&p, "SLIPSTREAMD_TEST", args);
    wait_listening(&p);
    static const char head[] = "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\n"
                               "Content-Length: 1000\r\n\r\n0123456789";
    char buf[8192];
    size_t len = 0;

    /* Stalled: ten bytes, then silence. */
    buf[0] = '\0';
    int fd = connect_raw(p.port);
    double start = now_s();
    send_all(fd, head, strlen(head));
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 5000), READ_CLOSED);
    double took = now_s() - start;
    close(fd);
    ck_assert_msg(took >= 0.35 && took < 3, "%.3f s", took);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 408 Request Timeout\r\n", 30) == 0, "%s", buf);
    assert_error_body(body_of(buf), "request_timeout", "body_timeout_ms");

    /* Crawling: a byte every 100 ms never trips the 400 ms inactivity timeout, but 10 bytes/s is
     * under min_body_rate: cut off once 0.4 s + received/50 s have passed (about 0.5 s). */
    len = 0;
    buf[0] = '\0';
    fd = connect_raw(p.port);
    start = now_s();
    send_all(fd, head, strlen(head));
    read_end_t end = READ_TIMEOUT;
    for (int i = 0; i < 50 && end == READ_TIMEOUT; i++) {
        send(fd, "x", 1, MSG_NOSIGNAL);
        end = read_raw(fd, buf, sizeof buf, &len, NULL, 100);
    }
    if (end == READ_FOUND || end == READ_TIMEOUT)
        end = read_raw(fd, buf, sizeof buf, &len, NULL, 2000);
    took = now_s() - start;
    close(fd);
    ck_assert_msg(took >= 0.4 && took < 3, "%.3f s", took);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 408 Request Timeout\r\n", 30) == 0, "%s", buf);
    assert_error_body(body_of(buf), "request_timeout", "min_body_rate");

    /* and it still serves */
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, p.port, "GET", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    curl_easy_cleanup(curl);
    stop_cleanly(&p, 5);
}
END_TEST

START_TEST(test_daemon_needs_the_admin_token_for_put)
{
    const char *path = write_temp("tok-123\n");
    char token_path[256];
    snprintf(token_path, sizeof token_path, "%s", path);
    daemon_proc_t p;
    const char *args[] = {"--admin-token-file", token_path, NULL};
    spawn_exe(&p, "SLIPSTREAMD_TEST", args);
    wait_listening(&p);
    unlink(token_path); /* read once, at start-up */

    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, p.port, "PUT", "/v1/echo-sha256", "abc", NULL, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_msg(strstr(r.headers, "\r\nWWW-Authenticate: Bearer") != NULL, "%s", r.headers);
    assert_error_body(r.body, "unauthorized", "Bearer");

    struct curl_slist *wrong = curl_slist_append(NULL, "Authorization: Bearer tok-124");
    request(curl, p.port, "PUT", "/v1/echo-sha256", "abc", wrong, &r);
    ck_assert_int_eq(r.status, 403);
    assert_error_body(r.body, "forbidden", "admin token");

    struct curl_slist *right = curl_slist_append(NULL, "Authorization: Bearer tok-123");
    request(curl, p.port, "PUT", "/v1/echo-sha256", "abc", right, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(
        strstr(r.body, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));

    /* Reading needs no token; and the token's route is checked only where the table says. */
    request(curl, p.port, "GET", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    request(curl, p.port, "POST", "/v1/echo-sha256", "abc", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    curl_slist_free_all(wrong);
    curl_slist_free_all(right);
    curl_easy_cleanup(curl);
    stop_cleanly(&p, 5);

    /* A token file that cannot be read is a configuration error. */
    const char *bad[] = {"--admin-token-file", "/nonexistent/token", NULL};
    spawn_exe(&p, "SLIPSTREAMD_TEST", bad);
    int status = wait_exit(&p, 5);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 2);
    ck_assert_msg(strstr(p.log, "error: admin_token_file /nonexistent/token") != NULL, "%s",
                  p.log);
}
END_TEST

/* The empty module, 8 bytes: magic and version. */
static const char empty_wasm[] = "\0asm\1\0\0\0";

static void
put_empty_module(unsigned port, const char *name)
{
    char text[256], buf[8192];
    size_t len = 0;
    int n = snprintf(text, sizeof text,
                     "PUT /v1/modules/%s HTTP/1.1\r\nHost: t\r\nContent-Length: 8\r\n"
                     "Connection: close\r\n\r\n",
                     name);
    memcpy(text + n, empty_wasm, 8);
    buf[0] = '\0';
    int fd = connect_raw(port);
    send_all(fd, text, (size_t)n + 8);
    ck_assert_int_eq(read_raw(fd, buf, sizeof buf, &len, NULL, 5000), READ_CLOSED);
    close(fd);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 201 ", 13) == 0, "%s", buf);
}

static long
get_status(unsigned port, const char *path)
{
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, port, "GET", path, NULL, NULL, &r);
    curl_easy_cleanup(curl);
    return r.status;
}

/* The probes of issue 10 and the classic CL.TE and TE.CL cases, each with a DELETE behind it that
 * a front proxy would take for the body: one 400, the connection closed, the module still there. */
static const char *const smuggling[] = {
    "PUT /v1/modules/other HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\n[1,2]XX0\r\n\r\n" SMUGGLED,
    "GET /healthz HTTP/1.1\r\nHost: t\r\nX: a\r\n Content-Length: 44\r\n\r\n" SMUGGLED,
    "PUT /v1/modules/other HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" SMUGGLED,
    "PUT /v1/modules/other HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
    "Content-Length: 4\r\n\r\n2c\r\n" SMUGGLED "\r\n0\r\n\r\n",
};

START_TEST(test_daemon_never_runs_a_smuggled_request)
{
    put_empty_module(proc.port, "m");
    ck_assert_int_eq(get_status(proc.port, "/v1/modules/m"), 200);
    char buf[8192];
    exchange_raw(proc.port, smuggling[_i], buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 400 ", 13) == 0, "%s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: close\r\n"));
    assert_error_body(body_of(buf), "bad_request", "malformed HTTP request: ");
    ck_assert_msg(count(buf, "HTTP/1.1 ") == 1, "%s", buf);
    ck_assert_int_eq(get_status(proc.port, "/v1/modules/m"), 200);
}
END_TEST

START_TEST(test_daemon_counts_requests_by_route_and_status)
{
    CURL *curl = curl_easy_init();
    reply_t r;
    request(curl, proc.port, "GET", "/healthz", NULL, NULL, &r);
    request(curl, proc.port, "GET", "/healthz?x=1", NULL, NULL, &r);
    request(curl, proc.port, "GET", "/no/such/thing", NULL, NULL, &r);
    request(curl, proc.port, "POST", "/readyz", "x", NULL, &r);
    request(curl, proc.port, "GET", "/readyz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"ready\"}");
    request(curl, proc.port, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    static const char *const lines[] = {
        "\nslipstream_http_requests_total{route=\"/healthz\",status=\"200\"} 2\n",
        "\nslipstream_http_requests_total{route=\"other\",status=\"404\"} 1\n",
        "\nslipstream_http_requests_total{route=\"/readyz\",status=\"405\"} 1\n",
        "\nslipstream_http_requests_total{route=\"/readyz\",status=\"200\"} 1\n",
        "\nslipstream_http_connections 1\n",
        "\nslipstream_http_connections_total 1\n",
        "# TYPE slipstream_http_received_bytes_total counter\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        ck_assert_msg(strstr(r.body, lines[i]) != NULL, "no '%s' in:\n%s", lines[i], r.body);
    const char *bytes = strstr(r.body, "\nslipstream_http_received_bytes_total ");
    ck_assert_ptr_nonnull(bytes);
    ck_assert_uint_gt(strtoull(bytes + 38, NULL, 10), 300);
    /* the echo route is for tests only: not in slipstreamd */
    request(curl, proc.port, "PUT", "/v1/echo-sha256", "abc", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(test_daemon_answers_pipelined_requests_one_at_a_time_when_asked)
{
    daemon_proc_t p;
    const char *args[] = {"--max-pipelined-requests", "1", NULL};
    spawn_exe(&p, "SLIPSTREAMD_TEST", args);
    wait_listening(&p);
    char buf[8192];
    exchange_raw(p.port,
                 "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\nX-Echo-Delay-Ms: 100\r\n"
                 "Content-Length: 3\r\n\r\nabc"
                 "PUT /v1/echo-sha256 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
                 "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                 buf, sizeof buf);
    const char *abc = strstr(buf, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *empty =
        strstr(buf, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *ok = strstr(buf, "{\"status\":\"ok\"}");
    ck_assert_msg(abc != NULL && empty > abc && ok > empty, "%s", buf);
    stop_cleanly(&p, 5);
}
END_TEST

Suite *http_suite(void);

Suite *
http_suite(void)
{
    Suite *s = suite_create("http");

    TCase *tc = tcase_create("parser");
    tcase_add_test(tc, test_http_parses_chunked_post_at_every_split);
    tcase_add_test(tc, test_http_parses_content_length_body_at_every_split);
    tcase_add_test(tc, test_http_pauses_after_each_pipelined_request);
    tcase_add_loop_test(tc, test_http_reports_keep_alive, 0,
                        (int)(sizeof keep_alive_cases / sizeof keep_alive_cases[0]));
    tcase_add_test(tc, test_http_rejects_garbage_for_good);
    tcase_add_loop_test(tc, test_http_rejects_malformed_requests, 0,
                        (int)(sizeof malformed / sizeof malformed[0]));
    tcase_add_loop_test(tc, test_http_refuses_ambiguous_framing_at_every_split, 0,
                        (int)(sizeof ambiguous / sizeof ambiguous[0]));
    tcase_add_test(tc, test_http_accepts_strict_framing_at_every_split);
    tcase_add_test(tc, test_http_limits_chunk_extensions);
    tcase_add_test(tc, test_http_limits_header_size);
    tcase_add_test(tc, test_http_limits_target_size);
    tcase_add_test(tc, test_http_delivers_body_pieces_with_pauses_at_every_split);
    tcase_add_test(tc, test_http_finds_headers_by_name);
    tcase_add_test(tc, test_http_limits_body_size);
    suite_add_tcase(s, tc);

    tc = tcase_create("routes");
    tcase_add_test(tc, test_routes_healthz_get);
    tcase_add_test(tc, test_routes_healthz_head_has_get_headers_no_body);
    tcase_add_loop_test(tc, test_routes_healthz_target_forms, 0,
                        (int)(sizeof healthz_spellings / sizeof healthz_spellings[0]));
    tcase_add_loop_test(tc, test_routes_unknown_path_is_404_json, 0,
                        (int)(sizeof not_found / sizeof not_found[0]));
    tcase_add_loop_test(tc, test_routes_wrong_method_is_405_with_allow, 0, 4);
    tcase_add_test(tc, test_response_error_kinds_follow_status);
    tcase_add_test(tc, test_routes_match_patterns_with_params);
    tcase_add_test(tc, test_metrics_render_counters_by_label);
    tcase_add_test(tc, test_admin_checks_bearer_tokens);
    tcase_add_test(tc, test_mailbox_delivers_posts_from_a_thread_in_order);
    suite_add_tcase(s, tc);

    tc = tcase_create("daemon");
    tcase_add_checked_fixture(tc, daemon_setup, daemon_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_daemon_healthz_get);
    tcase_add_test(tc, test_daemon_healthz_head);
    tcase_add_test(tc, test_daemon_unknown_path_is_404_json);
    tcase_add_test(tc, test_daemon_wrong_method_is_405_with_allow);
    tcase_add_test(tc, test_daemon_keeps_connection_alive);
    tcase_add_test(tc, test_daemon_answers_pipelined_requests_in_order);
    tcase_add_test(tc, test_daemon_reads_past_request_bodies);
    tcase_add_test(tc, test_daemon_answers_early_without_100_continue);
    tcase_add_test(tc, test_daemon_answers_garbage_with_400_and_close);
    tcase_add_test(tc, test_daemon_error_response_survives_unread_input);
    tcase_add_test(tc, test_daemon_answers_bad_request_after_good_one);
    tcase_add_test(tc, test_daemon_answers_oversized_headers_with_431);
    tcase_add_test(tc, test_daemon_closes_http10_after_response);
    tcase_add_test(tc, test_daemon_keeps_http10_alive_when_asked);
    tcase_add_test(tc, test_daemon_stops_on_sigterm_with_a_connection_open);
    tcase_add_test(tc, test_daemon_stops_on_sigint);
    tcase_add_test(tc, test_daemon_fails_to_start_on_a_taken_port);
    tcase_add_test(tc, test_daemon_counts_requests_by_route_and_status);
    tcase_add_loop_test(tc, test_daemon_never_runs_a_smuggled_request, 0,
                        (int)(sizeof smuggling / sizeof smuggling[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("bodies");
    tcase_add_checked_fixture(tc, test_daemon_setup, daemon_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_echo_hashes_content_length_bodies_in_any_split, 0, 4);
    tcase_add_loop_test(tc, test_echo_hashes_chunked_bodies_in_any_split, 0, 4);
    tcase_add_test(tc, test_echo_sends_100_continue_and_keeps_alive);
    tcase_add_test(tc, test_pipelined_requests_wait_for_an_async_answer);
    tcase_add_test(tc, test_pause_stops_reading_the_connection);
    tcase_add_test(tc, test_client_gone_mid_body_costs_nothing);
    tcase_add_test(tc, test_daemon_serves_100_concurrent_clients);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, curl_setup, curl_teardown);
    tcase_add_test(tc, test_daemon_closes_idle_connection);
    tcase_add_test(tc, test_daemon_times_out_slow_headers_with_408);
    tcase_add_test(tc, test_daemon_turns_clients_away_at_max_connections);
    tcase_add_test(tc, test_daemon_refuses_bad_settings_with_status_2);
    tcase_add_test(tc, test_daemon_answers_oversized_bodies_with_413);
    tcase_add_loop_test(tc, test_daemon_answers_oversize_chunked_uploads_at_once, 0, 2);
    tcase_add_test(tc, test_daemon_idle_connections_keep_no_header_memory);
    tcase_add_test(tc, test_daemon_cuts_off_stalled_and_crawling_bodies);
    tcase_add_test(tc, test_daemon_needs_the_admin_token_for_put);
    tcase_add_test(tc, test_daemon_answers_pipelined_requests_one_at_a_time_when_asked);
    suite_add_tcase(s, tc);
    return s;
}
