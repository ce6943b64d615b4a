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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
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

/* The rendered answer of the routes to one request, NUL-terminated. */
static char *
answer(int method, const char *target)
{
    http_request_t req = {
        .method = method,
        .method_name = llhttp_method_name((llhttp_method_t)method),
        .target = (char *)target,
        .target_len = strlen(target),
        .http_major = 1,
        .http_minor = 1,
        .is_keep_alive = true,
    };
    response_t res;
    char *data;
    size_t size;
    response_init(&res);
    routes_dispatch(NULL, &req, &res);
    res.is_head = method == HTTP_HEAD;
    ck_assert_int_eq(response_render(&res, &data, &size), 0);
    response_fini(&res);
    char *text = malloc(size + 1);
    ck_assert_ptr_nonnull(text);
    memcpy(text, data, size);
    text[size] = '\0';
    free(data);
    return text;
}

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
spawn(daemon_proc_t *p, const char *const extra[])
{
    const char *exe = getenv("SLIPSTREAMD");
    ck_assert_msg(exe != NULL, "SLIPSTREAMD is not set");
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

START_TEST(test_daemon_sends_100_continue)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Expect: 100-continue");
    char body[3000];
    memset(body, 'b', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    reply_t r;
    request(curl, proc.port, "POST", "/healthz", body, headers, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_msg(strncmp(r.headers, "HTTP/1.1 100 Continue\r\n", 23) == 0, "%s", r.headers);
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
    tcase_add_test(tc, test_http_limits_header_size);
    tcase_add_test(tc, test_http_limits_target_size);
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
    tcase_add_test(tc, test_daemon_sends_100_continue);
    tcase_add_test(tc, test_daemon_answers_garbage_with_400_and_close);
    tcase_add_test(tc, test_daemon_error_response_survives_unread_input);
    tcase_add_test(tc, test_daemon_answers_bad_request_after_good_one);
    tcase_add_test(tc, test_daemon_answers_oversized_headers_with_431);
    tcase_add_test(tc, test_daemon_closes_http10_after_response);
    tcase_add_test(tc, test_daemon_keeps_http10_alive_when_asked);
    tcase_add_test(tc, test_daemon_stops_on_sigterm_with_a_connection_open);
    tcase_add_test(tc, test_daemon_stops_on_sigint);
    tcase_add_test(tc, test_daemon_fails_to_start_on_a_taken_port);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, curl_setup, curl_teardown);
    tcase_add_test(tc, test_daemon_closes_idle_connection);
    tcase_add_test(tc, test_daemon_times_out_slow_headers_with_408);
    tcase_add_test(tc, test_daemon_turns_clients_away_at_max_connections);
    tcase_add_test(tc, test_daemon_refuses_bad_settings_with_status_2);
    suite_add_tcase(s, tc);
    return s;
}
