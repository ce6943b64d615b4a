/* fetch_suite: POST /v1/modules/{name}/fetch on the real daemon (SLIPSTREAMD) on 127.0.0.1:0,
 * against an origin server run by the test on a thread: a listening socket on 127.0.0.1 that
 * serves wasm bytes at a throttled rate, records every connection and request with its headers,
 * and per test answers with validators, 304, 404/500, redirects, a cut-off body or a huge
 * Content-Length. Modules are WAT converted with wat2wasm (SL_WAT2WASM). Each test stops its
 * daemon cleanly (status 0, only log lines on stderr: a sanitizer's report fails the test). */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon_client.h"
#include "fetch.h"
#include "suite.h"
#include "wat.h"

/* ---- the origin ------------------------------------------------------------------------------ */

typedef struct origin {
    /* set before origin_start */
    const uint8_t *body;
    size_t size;
    size_t piece;          /* bytes per send */
    unsigned delay_us;     /* between pieces */
    int status;            /* 200 unless set */
    const char *location;  /* for a 3xx */
    const char *redirect_path; /* requests for this path get 302 to `location`, others the body */
    const char *etag, *last_modified;
    bool is_conditional;   /* 304 when If-None-Match matches the ETag */
    size_t cut_after;      /* close after this many body bytes (0: never) */
    const char *content_length; /* announced instead of the real size ("" for none) */
    unsigned head_delay_ms; /* before answering */
    /* recorded */
    atomic_int n_connections;
    atomic_int n_requests;
    char requests[4][2048]; /* the first four request heads */
    atomic_size_t sent;     /* body bytes of the last response that went out */
    atomic_bool is_cut_by_peer; /* a send failed: the daemon closed the connection */
    /* private */
    int fd;
    unsigned port;
    pthread_t thread;
    atomic_bool is_stopping;
} origin_t;

static origin_t origin;

static void
serve_one(origin_t *o, int fd)
{
    char head[2048] = "";
    size_t len = 0;
    while (len < sizeof head - 1 && strstr(head, "\r\n\r\n") == NULL) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 5000) <= 0)
            return;
        ssize_t n = recv(fd, head + len, sizeof head - 1 - len, 0);
        if (n <= 0)
            return;
        len += (size_t)n;
        head[len] = '\0';
    }
    int i = atomic_fetch_add(&o->n_requests, 1);
    if (i < 4)
        memcpy(o->requests[i], head, len + 1);
    if (o->head_delay_ms)
        usleep(o->head_delay_ms * 1000);
    int status = o->status ? o->status : 200;
    const char *location = o->location;
    if (o->redirect_path != NULL) {
        bool is_redirect = strncmp(head + 4, o->redirect_path, strlen(o->redirect_path)) == 0 &&
                           head[4 + strlen(o->redirect_path)] == ' ';
        status = is_redirect ? 302 : 200;
        location = is_redirect ? o->location : NULL;
    }
    char tag[300];
    snprintf(tag, sizeof tag, "If-None-Match: %s\r\n", o->etag ? o->etag : "");
    if (o->is_conditional && o->etag != NULL && strcasestr(head, tag) != NULL)
        status = 304;
    bool has_body = status == 200 || status == 404 || status == 500;
    char out[1024];
    int n = snprintf(out, sizeof out, "HTTP/1.1 %d X\r\nConnection: close\r\n", status);
    if (o->etag)
        n += snprintf(out + n, sizeof out - n, "ETag: %s\r\n", o->etag);
    if (o->last_modified)
        n += snprintf(out + n, sizeof out - n, "Last-Modified: %s\r\n", o->last_modified);
    if (location)
        n += snprintf(out + n, sizeof out - n, "Location: %s\r\n", location);
    if (status == 200 && o->content_length == NULL)
        n += snprintf(out + n, sizeof out - n, "Content-Length: %zu\r\n", o->size);
    else if (status == 200 && o->content_length[0] != '\0')
        n += snprintf(out + n, sizeof out - n, "Content-Length: %s\r\n", o->content_length);
    else if (status != 200)
        n += snprintf(out + n, sizeof out - n, "Content-Length: %d\r\n", has_body ? 9 : 0);
    n += snprintf(out + n, sizeof out - n, "\r\n");
    if (send(fd, out, (size_t)n, MSG_NOSIGNAL) != n)
        return;
    if (status != 200) {
        if (has_body)
            send(fd, "no module", 9, MSG_NOSIGNAL);
        return;
    }
    atomic_store(&o->sent, 0);
    size_t piece = o->piece ? o->piece : o->size;
    for (size_t at = 0; at < o->size; at += piece) {
        size_t k = o->size - at < piece ? o->size - at : piece;
        if (o->cut_after && at + k > o->cut_after)
            k = o->cut_after - at;
        if (k == 0 || send(fd, o->body + at, k, MSG_NOSIGNAL) != (ssize_t)k) {
            atomic_store(&o->is_cut_by_peer, k != 0);
            return;
        }
        atomic_fetch_add(&o->sent, k);
        if (o->cut_after && atomic_load(&o->sent) >= o->cut_after)
            return;
        if (o->delay_us)
            usleep(o->delay_us);
    }
}

static void *
origin_main(void *arg)
{
    origin_t *o = arg;
    while (!atomic_load(&o->is_stopping)) {
        struct pollfd pfd = {.fd = o->fd, .events = POLLIN};
        if (poll(&pfd, 1, 20) <= 0)
            continue;
        int fd = accept(o->fd, NULL, NULL);
        if (fd < 0)
            continue;
        atomic_fetch_add(&o->n_connections, 1);
        serve_one(o, fd);
        shutdown(fd, SHUT_WR);
        usleep(20000); /* let the daemon read the end before the socket goes */
        close(fd);
    }
    return NULL;
}

/* Listens on 127.0.0.1 and serves from a thread; set the fields of `origin` first. */
static void
origin_start(void)
{
    origin.fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(origin.fd, 0);
    int one = 1;
    setsockopt(origin.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(origin.fd, (struct sockaddr *)&sin, sizeof sin), 0);
    ck_assert_int_eq(listen(origin.fd, 16), 0);
    socklen_t sl = sizeof sin;
    getsockname(origin.fd, (struct sockaddr *)&sin, &sl);
    origin.port = ntohs(sin.sin_port);
    ck_assert_int_eq(pthread_create(&origin.thread, NULL, origin_main, &origin), 0);
}

static void
origin_stop(void)
{
    atomic_store(&origin.is_stopping, true);
    pthread_join(origin.thread, NULL);
    close(origin.fd);
}

/* POST /v1/modules/NAME/fetch {"url": URL}; the reply in *r. */
static long
fetch(const char *name, const char *url, reply_t *r)
{
    char path[256], body[1024];
    snprintf(path, sizeof path, "/v1/modules/%s/fetch", name);
    snprintf(body, sizeof body, "{\"url\":\"%s\"}", url);
    http("POST", path, body, strlen(body), r);
    return r->status;
}

static char *
origin_url(const char *host, const char *path)
{
    static char url[256];
    snprintf(url, sizeof url, "http://%s:%u%s", host, origin.port, path);
    return url;
}

/* The allowlist entry of the origin: 127.0.0.1 on its port (a bare host allows 80 and 443 only). */
static const char *
origin_allow(void)
{
    static char entry[64];
    snprintf(entry, sizeof entry, "127.0.0.1:%u", origin.port);
    return entry;
}

#define ALLOW_ORIGIN "--fetch-allow", origin_allow()

/* A port of 127.0.0.1 bound but not listening: connecting there is refused. Close `*fd` after. */
static unsigned
closed_port(int *fd)
{
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(*fd, (struct sockaddr *)&sin, sizeof sin), 0);
    socklen_t sl = sizeof sin;
    getsockname(*fd, (struct sockaddr *)&sin, &sl);
    return ntohs(sin.sin_port);
}

/* The module of `n` functions, converted; its bytes stay alive for the origin. */
static uint8_t *
module_of(int n, size_t *size)
{
    char *wat = many_functions_wat(n);
    uint8_t *bytes = wasm_of(wat, size);
    free(wat);
    return bytes;
}

/* ---- tests ----------------------------------------------------------------------------------- */

static json_t *
origin_of(json_t *json)
{
    json_t *o = json_object_get(json, "origin");
    if (o == NULL)
        o = json_object_get(json_object_get(json, "error"), "origin");
    ck_assert_ptr_nonnull(o);
    return o;
}

START_TEST(test_fetch_compiles_before_the_last_byte)
{
    size_t size;
    uint8_t *bytes = module_of(300, &size);
    origin.body = bytes;
    origin.size = size;
    origin.piece = 256;
    origin.delay_us = 4000;
    origin.etag = "\"v1\"";
    origin.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
    origin_start();
    start((const char *const[]){ALLOW_ORIGIN, NULL});
    reply_t r;
    ck_assert_msg(fetch("many", origin_url("127.0.0.1", "/m.wasm"), &r) == 201, "%ld %s",
                  r.status, r.body);
    json_t *json = parse(&r);
    json_t *t = json_object_get(json, "timeline");
    ck_assert_int_eq(json_integer_value(json_object_get(t, "functions_total")), 300);
    ck_assert_int_gt(json_integer_value(json_object_get(t, "functions_compiled_before_last_byte")),
                     0);
    ck_assert_int_eq(json_integer_value(json_object_get(t, "size")), (json_int_t)size);
    json_t *o = origin_of(json);
    ck_assert_int_eq(json_integer_value(json_object_get(o, "status")), 200);
    ck_assert_str_eq(json_string_value(json_object_get(o, "etag")), "\"v1\"");
    ck_assert_str_eq(json_string_value(json_object_get(o, "last_modified")),
                     "Wed, 21 Oct 2015 07:28:00 GMT");
    ck_assert_str_eq(json_string_value(json_object_get(o, "url")),
                     origin_url("127.0.0.1", "/m.wasm"));
    json_decref(json);
    /* No credentials or validators on a first fetch. */
    ck_assert_ptr_null(strcasestr(origin.requests[0], "authorization:"));
    ck_assert_ptr_null(strcasestr(origin.requests[0], "cookie:"));
    ck_assert_ptr_null(strcasestr(origin.requests[0], "if-none-match:"));
    assert_invoke("many", "f0", "[5]", "[640]");
    stop();
    origin_stop();
    free(bytes);
}
END_TEST

START_TEST(test_fetch_refetch_sends_validators_and_keeps_the_module_on_304)
{
    size_t size;
    uint8_t *bytes = module_of(3, &size);
    origin.body = bytes;
    origin.size = size;
    origin.etag = "\"abc\"";
    origin.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
    origin.is_conditional = true;
    origin_start();
    start((const char *const[]){ALLOW_ORIGIN, NULL});
    reply_t r;
    const char *url = origin_url("127.0.0.1", "/m.wasm");
    ck_assert_msg(fetch("m", url, &r) == 201, "%ld %s", r.status, r.body);
    json_t *first = parse(&r);
    ck_assert_msg(fetch("m", url, &r) == 200, "%ld %s", r.status, r.body);
    json_t *second = parse(&r);
    ck_assert(json_is_true(json_object_get(second, "not_modified")));
    ck_assert_str_eq(json_string_value(json_object_get(second, "sha256")),
                     json_string_value(json_object_get(first, "sha256")));
    ck_assert_int_eq(json_integer_value(json_object_get(origin_of(second), "status")), 304);
    ck_assert_int_eq(atomic_load(&origin.n_requests), 2);
    ck_assert_ptr_nonnull(strcasestr(origin.requests[1], "If-None-Match: \"abc\"\r\n"));
    ck_assert_ptr_nonnull(
        strcasestr(origin.requests[1], "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT\r\n"));
    /* Another name does not serve those bytes: no validators, a full fetch. */
    ck_assert_msg(fetch("other", url, &r) == 201, "%ld %s; origin saw: %s", r.status, r.body,
                  origin.requests[2]);
    ck_assert_ptr_null(strcasestr(origin.requests[2], "If-None-Match"));
    json_decref(first);
    json_decref(second);
    assert_invoke("m", "f0", "[5]", "[640]");
    stop();
    origin_stop();
    free(bytes);
}
END_TEST

START_TEST(test_fetch_refuses_hosts_not_allowed_without_connecting)
{
    origin.body = (const uint8_t *)"x";
    origin.size = 1;
    origin_start();
    start((const char *const[]){ALLOW_ORIGIN, NULL});
    reply_t r;
    fetch("m", origin_url("localhost", "/m.wasm"), &r);
    assert_error(&r, 403, "host_not_allowed", "allow_hosts");
    fetch("m", "ftp://127.0.0.1/m.wasm", &r);
    assert_error(&r, 400, "bad_url", "http");
    fetch("m", "http://user:secret@127.0.0.1/m.wasm", &r);
    assert_error(&r, 400, "bad_url", "credentials");
    http("POST", "/v1/modules/m/fetch", "{\"uri\":1}", 9, &r);
    assert_error(&r, 400, "bad_request", "url");
    stop();
    /* The default allowlist is empty: nothing may be fetched. */
    start(NULL);
    fetch("m", origin_url("127.0.0.1", "/m.wasm"), &r);
    assert_error(&r, 403, "host_not_allowed", "allow_hosts");
    http("GET", "/v1/modules/m", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    stop();
    usleep(100000);
    ck_assert_int_eq(atomic_load(&origin.n_connections), 0);
    origin_stop();
}
END_TEST

/* The allowlist names ports: an allowed host on another port is refused before connecting, with
 * the same answer whether something listens there or not. */
START_TEST(test_fetch_allowlist_checks_ports_before_connecting)
{
    origin.body = (const uint8_t *)"x";
    origin.size = 1;
    origin_start();
    int fd, other_fd;
    unsigned closed = closed_port(&fd), other = closed_port(&other_fd);
    char allow[64], open_url[256], closed_url[128];
    snprintf(allow, sizeof allow, "127.0.0.1:%u, 127.0.0.1", other); /* neither the origin's */
    snprintf(open_url, sizeof open_url, "%s", origin_url("127.0.0.1", "/m.wasm"));
    snprintf(closed_url, sizeof closed_url, "http://127.0.0.1:%u/m.wasm", closed);
    start((const char *const[]){"--fetch-allow", allow, NULL});
    static reply_t r, first;
    fetch("m", open_url, &first);
    assert_error(&first, 403, "host_not_allowed", "allow_hosts");
    fetch("m", closed_url, &r);
    assert_error(&r, 403, "host_not_allowed", "allow_hosts");
    /* The same answer for both. */
    json_t *a = parse(&first), *b = parse(&r);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(a, "error"), "message")),
                     json_string_value(json_object_get(json_object_get(b, "error"), "message")));
    json_decref(a);
    json_decref(b);
    stop();
    usleep(100000);
    ck_assert_int_eq(atomic_load(&origin.n_connections), 0);

    /* Listed with its port, the same origin is fetched. */
    start((const char *const[]){ALLOW_ORIGIN, NULL});
    fetch("m", open_url, &r);
    ck_assert_int_ne(r.status, 403);
    ck_assert_int_eq(atomic_load(&origin.n_connections), 1);
    stop();
    close(fd);
    close(other_fd);
    origin_stop();
}
END_TEST

START_TEST(test_fetch_host_allowed_parses_entries)
{
    static const struct {
        const char *allow, *host;
        unsigned port;
        bool is_allowed;
    } cases[] = {
        {"127.0.0.1", "127.0.0.1", 80, true},
        {"127.0.0.1", "127.0.0.1", 443, true},
        {"127.0.0.1", "127.0.0.1", 8080, false},
        {"127.0.0.1:8080", "127.0.0.1", 8080, true},
        {"127.0.0.1:8080", "127.0.0.1", 80, false},
        {"a.example, Example.COM:8443", "example.com", 8443, true},
        {"a.example,example.com:8443", "example.com", 443, false},
        {"[::1]:8080", "[::1]", 8080, true},
        {"[::1]:8080", "::1", 8081, false},
        {"[::1]", "[::1]", 443, true},
        {"::1", "[::1]", 80, true},
        {"::1", "[::1]", 8080, false},
        {"127.0.0.1:", "127.0.0.1", 80, false},      /* a bad port allows nothing */
        {"127.0.0.1:99999", "127.0.0.1", 99999 & 0xffff, false},
        {"127.0.0.1:80x", "127.0.0.1", 80, false},
        {"[::1]x", "[::1]", 80, false},
        {"127.0.0.10", "127.0.0.1", 80, false},
        {"", "127.0.0.1", 80, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(fetch_host_allowed(cases[i].allow, cases[i].host, cases[i].port) ==
                          cases[i].is_allowed,
                      "'%s' with %s port %u", cases[i].allow, cases[i].host, cases[i].port);
}
END_TEST

START_TEST(test_fetch_follows_redirects_only_to_allowed_hosts)
{
    size_t size;
    uint8_t *bytes = module_of(3, &size);
    origin.body = bytes;
    origin.size = size;
    origin.redirect_path = "/old";
    origin_start();
    char location[256];
    snprintf(location, sizeof location, "%s", "/m.wasm");
    origin.location = location;
    start((const char *const[]){ALLOW_ORIGIN, NULL});
    reply_t r;
    ck_assert_msg(fetch("m", origin_url("127.0.0.1", "/old"), &r) == 201, "%ld %s", r.status,
                  r.body);
    json_t *json = parse(&r);
    ck_assert_str_eq(json_string_value(json_object_get(origin_of(json), "url")),
                     origin_url("127.0.0.1", "/m.wasm"));
    json_decref(json);
    ck_assert_int_eq(atomic_load(&origin.n_requests), 2);
    /* A redirect to another host is refused before connecting there. */
    snprintf(location, sizeof location, "%s", origin_url("localhost", "/m.wasm"));
    fetch("m2", origin_url("127.0.0.1", "/old"), &r);
    assert_error(&r, 403, "host_not_allowed", "redirected to http://localhost:");
    ck_assert_int_eq(atomic_load(&origin.n_requests), 3);
    ck_assert_int_eq(atomic_load(&origin.n_connections), 3);
    http("GET", "/v1/modules/m2", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    /* So is a redirect to the allowed host on a port that is not listed. */
    int fd;
    snprintf(location, sizeof location, "http://127.0.0.1:%u/m.wasm", closed_port(&fd));
    fetch("m2", origin_url("127.0.0.1", "/old"), &r);
    close(fd);
    assert_error(&r, 403, "host_not_allowed", "redirected to http://127.0.0.1:");
    ck_assert_int_eq(atomic_load(&origin.n_connections), 4);
    stop();
    /* A loop of redirects ends at max_redirects. */
    origin.location = "/old";
    start((const char *const[]){ALLOW_ORIGIN, "--fetch-max-redirects", "2", NULL});
    fetch("m3", origin_url("127.0.0.1", "/old"), &r);
    assert_error(&r, 502, "too_many_redirects", "redirect 3");
    stop();
    origin_stop();
    free(bytes);
}
END_TEST

START_TEST(test_fetch_aborts_an_oversize_module_early)
{
    size_t size;
    uint8_t *bytes = module_of(300, &size);
    ck_assert_uint_gt(size, 6000);
    origin.body = bytes;
    origin.size = size;
    origin.piece = 256;
    origin.delay_us = 3000;
    origin.content_length = ""; /* unknown length: the limit must hold while streaming */
    origin_start();
    start((const char *const[]){ALLOW_ORIGIN, "--max-module-size", "2000", NULL});
    reply_t r;
    fetch("big", origin_url("127.0.0.1", "/m.wasm"), &r);
    assert_error(&r, 413, "too_large", "max_module_size");
    usleep(200000);
    ck_assert(atomic_load(&origin.is_cut_by_peer));
    ck_assert_msg(atomic_load(&origin.sent) < size / 2, "the origin sent %zu of %zu bytes",
                  (size_t)atomic_load(&origin.sent), size);
    /* A huge Content-Length is refused as soon as the headers are in. */
    origin.content_length = "100000000000";
    fetch("big", origin_url("127.0.0.1", "/m.wasm"), &r);
    assert_error(&r, 413, "too_large", "max_module_size");
    http("GET", "/v1/modules/big", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    stop();
    origin_stop();
    free(bytes);
}
END_TEST

START_TEST(test_fetch_failures_are_clear_errors)
{
    size_t size;
    uint8_t *bytes = module_of(40, &size);
    origin.body = bytes;
    origin.size = size;
    origin_start();
    start((const char *const[]){ALLOW_ORIGIN, NULL});
    reply_t r;
    const char *url = origin_url("127.0.0.1", "/m.wasm");
    ck_assert_msg(fetch("m", url, &r) == 201, "%ld %s", r.status, r.body);
    json_t *json;
    origin.cut_after = size / 2; /* closes mid-body */
    fetch("m", url, &r);
    assert_error(&r, 502, "origin_incomplete", "closed the connection");
    origin.cut_after = 0;

    origin.status = 404;
    fetch("m", url, &r);
    assert_error(&r, 502, "origin_status", "answered 404");
    json = parse(&r);
    ck_assert_int_eq(json_integer_value(json_object_get(origin_of(json), "status")), 404);
    json_decref(json);
    origin.status = 500;
    fetch("m", url, &r);
    assert_error(&r, 502, "origin_status", "answered 500");

    origin.status = 200;
    static const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff};
    origin.body = junk;
    origin.size = sizeof junk;
    fetch("m", url, &r);
    ck_assert_msg(r.status == 400, "%ld %s", r.status, r.body);

    origin.body = bytes;
    origin.size = size;
    origin.head_delay_ms = 1500; /* longer than the daemon's timeout below */
    stop();
    /* An allowed port nobody listens on. */
    int fd;
    unsigned port = closed_port(&fd);
    char allow[128], closed[128];
    snprintf(allow, sizeof allow, "%s,127.0.0.1:%u", origin_allow(), port);
    snprintf(closed, sizeof closed, "http://127.0.0.1:%u/m.wasm", port);
    start((const char *const[]){"--fetch-allow", allow, "--fetch-timeout-ms", "300", NULL});
    fetch("m", url, &r);
    assert_error(&r, 504, "origin_timeout", "in time");

    fetch("m", closed, &r);
    close(fd);
    assert_error(&r, 502, "origin_unreachable", "could not be reached");
    stop();
    origin_stop();
    free(bytes);
}
END_TEST

START_TEST(test_fetch_failure_leaves_the_serving_version)
{
    size_t size;
    uint8_t *bytes = module_of(40, &size);
    origin.body = bytes;
    origin.size = size;
    origin_start();
    start((const char *const[]){ALLOW_ORIGIN, NULL});
    reply_t r;
    const char *url = origin_url("127.0.0.1", "/m.wasm");
    ck_assert_msg(fetch("m", url, &r) == 201, "%ld %s", r.status, r.body);
    json_t *json = parse(&r);
    char sha[65];
    snprintf(sha, sizeof sha, "%s", json_string_value(json_object_get(json, "sha256")));
    json_decref(json);
    origin.cut_after = size / 2;
    fetch("m", url, &r);
    assert_error(&r, 502, "origin_incomplete", "closed");
    http("GET", "/v1/modules/m", NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    json = parse(&r);
    ck_assert_str_eq(json_string_value(json_object_get(json, "sha256")), sha);
    json_decref(json);
    assert_invoke("m", "f0", "[5]", "[640]");
    stop();
    origin_stop();
    free(bytes);
}
END_TEST

Suite *
fetch_suite(void)
{
    Suite *s = suite_create("fetch");
    TCase *tc = tcase_create("fetch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fetch_compiles_before_the_last_byte);
    tcase_add_test(tc, test_fetch_refetch_sends_validators_and_keeps_the_module_on_304);
    tcase_add_test(tc, test_fetch_refuses_hosts_not_allowed_without_connecting);
    tcase_add_test(tc, test_fetch_allowlist_checks_ports_before_connecting);
    tcase_add_test(tc, test_fetch_host_allowed_parses_entries);
    tcase_add_test(tc, test_fetch_follows_redirects_only_to_allowed_hosts);
    tcase_add_test(tc, test_fetch_aborts_an_oversize_module_early);
    tcase_add_test(tc, test_fetch_failures_are_clear_errors);
    tcase_add_test(tc, test_fetch_failure_leaves_the_serving_version);
    suite_add_tcase(s, tc);
    return s;
}
