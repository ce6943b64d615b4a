/* `slipstream stream` against a fake daemon: a thread in the test listening on 127.0.0.1:0 that
 * reads one PUT, records when each piece of the body arrives, and answers a canned reply. It checks
 * what reaches the wire (head, body, pacing, latency) and what the tool makes of each answer. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "suite.h"

#define MAX_ARRIVALS 4096

typedef struct arrival {
    double at; /* seconds, CLOCK_MONOTONIC */
    size_t n;  /* body bytes in this read */
} arrival_t;

typedef struct fake_daemon {
    /* set by the test */
    int status;
    const char *reply;
    bool is_early; /* answer right after the head, then drain the body */
    /* set by the server thread */
    int listen_fd, port;
    pthread_t thread;
    char head[8192];
    double started_at; /* before the client is launched */
    double accepted_at;
    uint8_t *body;
    size_t body_len, content_length;
    arrival_t arrivals[MAX_ARRIVALS];
    size_t n_arrivals;
} fake_daemon_t;

static char *dir; /* per test */

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
record_body(fake_daemon_t *d, const char *data, size_t n, double at)
{
    if (n == 0)
        return;
    d->body = realloc(d->body, d->body_len + n);
    ck_assert_ptr_nonnull(d->body);
    memcpy(d->body + d->body_len, data, n);
    d->body_len += n;
    if (d->n_arrivals < MAX_ARRIVALS)
        d->arrivals[d->n_arrivals++] = (arrival_t){at, n};
}

static void
send_reply(int fd, const fake_daemon_t *d)
{
    char text[4096];
    int n = snprintf(text, sizeof text,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     d->status, strlen(d->reply), d->reply);
    ck_assert_int_eq(send(fd, text, (size_t)n, MSG_NOSIGNAL), n);
}

/* One connection: the head, then Content-Length bytes of body (or, when answering early, whatever
 * comes until the client stops), each read timed on arrival. */
static void *
serve(void *user)
{
    fake_daemon_t *d = user;
    struct pollfd pfd = {.fd = d->listen_fd, .events = POLLIN};
    if (poll(&pfd, 1, 20000) != 1)
        return NULL;
    int fd = accept(d->listen_fd, NULL, NULL);
    d->accepted_at = now_s();
    if (fd < 0)
        return NULL;
    struct timeval timeout = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    size_t head_len = 0;
    char buf[65536];
    char *end = NULL;
    while (!end && head_len < sizeof d->head - 1) {
        ssize_t n = recv(fd, d->head + head_len, sizeof d->head - 1 - head_len, 0);
        double at = now_s();
        if (n <= 0)
            goto out;
        head_len += (size_t)n;
        d->head[head_len] = 0;
        if ((end = strstr(d->head, "\r\n\r\n"))) {
            end += 4;
            record_body(d, end, head_len - (size_t)(end - d->head), at);
            *end = 0;
        }
    }
    const char *length = strcasestr(d->head, "\r\ncontent-length:");
    d->content_length = length ? strtoul(length + 17, NULL, 10) : 0;
    if (d->is_early) {
        send_reply(fd, d);
        shutdown(fd, SHUT_WR);
    }
    while (d->is_early || d->body_len < d->content_length) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        double at = now_s();
        if (n <= 0)
            break;
        record_body(d, buf, (size_t)n, at);
    }
    if (!d->is_early)
        send_reply(fd, d);
out:
    close(fd);
    return NULL;
}

static void
daemon_start(fake_daemon_t *d, int status, const char *reply)
{
    d->status = status;
    d->reply = reply;
    d->started_at = now_s();
    d->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(d->listen_fd, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    ck_assert_int_eq(bind(d->listen_fd, (struct sockaddr *)&addr, sizeof addr), 0);
    ck_assert_int_eq(listen(d->listen_fd, 4), 0);
    ck_assert_int_eq(getsockname(d->listen_fd, (struct sockaddr *)&addr, &len), 0);
    d->port = ntohs(addr.sin_port);
    ck_assert_int_eq(pthread_create(&d->thread, NULL, serve, d), 0);
}

static void
daemon_join(fake_daemon_t *d)
{
    pthread_join(d->thread, NULL);
    close(d->listen_fd);
}

static const char *
daemon_url(const fake_daemon_t *d)
{
    static char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", d->port);
    return url;
}

/* True when the request head holds `line` (case-insensitive, a whole header line). */
static bool
head_has(const fake_daemon_t *d, const char *line)
{
    char needle[256];
    snprintf(needle, sizeof needle, "\r\n%s\r\n", line);
    return strcasestr(d->head, needle) != NULL;
}

static void
setup(void)
{
    ck_assert_msg(proc_env("SLIPSTREAM") != NULL, "SLIPSTREAM (the built tool) is not set");
    dir = proc_tempdir();
    ck_assert_ptr_nonnull(dir);
}

static void
teardown(void)
{
    proc_tempdir_remove(dir);
    dir = NULL;
}

/* A file of `size` pseudo-random bytes (the fake daemon does not care that it is no module);
 * returns its path (static) and the bytes through *out (malloc'd). */
static const char *
data_file(size_t size, uint8_t **out)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/m.wasm", dir);
    uint8_t *bytes = malloc(size ? size : 1);
    ck_assert_ptr_nonnull(bytes);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        bytes[i] = (uint8_t)x;
    }
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, size, f), size);
    fclose(f);
    *out = bytes;
    return path;
}

/* Runs `slipstream stream ARGS...` (NULL-terminated); *seconds is its wall-clock time. */
static proc_result_t
stream(double *seconds, const char *first, ...)
{
    char *argv[32] = {(char *)proc_env("SLIPSTREAM"), "stream"};
    int n = 2;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
        argv[n++] = (char *)a;
    va_end(ap);
    proc_result_t r;
    double start = now_s();
    ck_assert_msg(proc_run(argv, NULL, NULL, 60, &r), "cannot start %s", argv[0]);
    if (seconds)
        *seconds = now_s() - start;
    return r;
}

#define STREAM(...) stream(NULL, __VA_ARGS__, (const char *)NULL)

static void
expect_status(const proc_result_t *r, int status)
{
    ck_assert_msg(r->status == status, "exit status %d, wanted %d; stdout:\n%s\nstderr:\n%s",
                  r->status, status, r->out, r->err);
}

static void
expect_err(const proc_result_t *r, const char *part)
{
    ck_assert_msg(strstr(r->err, part) != NULL, "stderr lacks '%s':\n%s", part, r->err);
}

#define MODULE_REPLY(size)                                                                         \
    "{\"name\": \"mymod\", \"sha256\": \"00ff\", \"size\": " size ", \"exports\": [\"f\"],\n"      \
    " \"timeline\": {\"first_byte_ms\": 1.5, \"last_byte_ms\": 501.5,"                             \
    " \"code_section_start_ms\": 2.3, \"baseline_done_ms\": 524.7, \"functions_total\": 1300,"     \
    " \"functions_compiled_before_last_byte\": 1234, \"ready_after_last_byte_ms\": 12.4,"          \
    " \"compile_cpu_ms\": 830.1}}"

/* ---- what reaches the wire ---------------------------------------------------------------- */

START_TEST(test_stream_paces_body_at_rate)
{
    enum { SIZE = 500000, RATE = 1000000 };
    uint8_t *bytes;
    const char *path = data_file(SIZE, &bytes);
    fake_daemon_t d = {0};
    daemon_start(&d, 200, MODULE_REPLY("500000"));
    proc_result_t r = STREAM(daemon_url(&d), "mymod", path, "--rate=1000000", "--token=sekrit");
    daemon_join(&d);
    expect_status(&r, 0);

    ck_assert_msg(strncmp(d.head, "PUT /v1/modules/mymod HTTP/1.1\r\n", 32) == 0, "%s", d.head);
    ck_assert(head_has(&d, "content-length: 500000"));
    ck_assert(head_has(&d, "content-type: application/wasm"));
    ck_assert(head_has(&d, "authorization: Bearer sekrit"));
    ck_assert_ptr_null(strcasestr(d.head, "transfer-encoding"));
    ck_assert_ptr_null(strcasestr(d.head, "100-continue"));
    ck_assert_uint_eq(d.body_len, SIZE);
    ck_assert_mem_eq(d.body, bytes, SIZE);

    /* The average as the daemon measures it: size over first-to-last byte. */
    double span = d.arrivals[d.n_arrivals - 1].at - d.arrivals[0].at;
    double rate = SIZE / span;
    printf("cli-stream: %d bytes in %.1f ms: %.0f B/s for --rate=%d (%zu reads)\n", SIZE,
           span * 1e3, rate, RATE, d.n_arrivals);
    ck_assert_msg(rate > RATE * 0.75 && rate < RATE * 1.25, "rate %.0f B/s", rate);

    ck_assert_str_eq(r.out,
                     "module mymod: 500000 bytes sent in 500.0 ms (1.00 MB/s), code section from "
                     "2.3 ms\n"
                     "functions: 1234 of 1300 (94.9%) compiled before the last byte\n"
                     "ready 12.4 ms after the last byte; compile CPU 830.1 ms; baseline done at "
                     "524.7 ms\n");
    ck_assert_str_eq(r.err, "");
    proc_result_free(&r);
    free(d.body);
    free(bytes);
}
END_TEST

/* 4 chunks of 8 KiB spread over 1 s: 4 separate bursts, 333 ms apart, of one chunk each. The gaps
 * are wide so that a loaded machine, which may wake the reading thread late, does not merge two. */
START_TEST(test_stream_sends_one_chunk_at_a_time)
{
    enum { SIZE = 32768, CHUNK = 8192, N_CHUNKS = SIZE / CHUNK };
    const double gap = 1.0 / (N_CHUNKS - 1);
    uint8_t *bytes;
    const char *path = data_file(SIZE, &bytes);
    fake_daemon_t d = {0};
    daemon_start(&d, 200, MODULE_REPLY("32768"));
    proc_result_t r = STREAM(daemon_url(&d), "mymod", path, "--rate=32768", "--chunk=8192");
    daemon_join(&d);
    expect_status(&r, 0);
    ck_assert_uint_eq(d.body_len, SIZE);
    ck_assert_mem_eq(d.body, bytes, SIZE);

    size_t bursts[64] = {0}, n_bursts = 0;
    double starts[64];
    for (size_t i = 0; i < d.n_arrivals; i++) {
        if (i == 0 || d.arrivals[i].at - d.arrivals[i - 1].at > gap / 3) {
            ck_assert_uint_lt(n_bursts, 64);
            starts[n_bursts++] = d.arrivals[i].at;
        }
        bursts[n_bursts - 1] += d.arrivals[i].n;
    }
    ck_assert_uint_eq(n_bursts, N_CHUNKS);
    for (size_t i = 0; i < n_bursts; i++) {
        ck_assert_uint_eq(bursts[i], CHUNK);
        if (i > 0)
            ck_assert_msg(starts[i] - starts[i - 1] > gap * 0.5 &&
                              starts[i] - starts[i - 1] < gap * 2,
                          "chunk %zu came %.1f ms after the one before", i,
                          (starts[i] - starts[i - 1]) * 1e3);
    }
    proc_result_free(&r);
    free(d.body);
    free(bytes);
}
END_TEST

/* Each with and without --latency: the head is sent at once, the body waits. The delay's lower
 * bound is measured from before the client started (its clock starts after it connected, and a
 * loaded machine may run the accepting thread later than that), the upper from the accept. */
START_TEST(test_stream_latency_delays_first_byte)
{
    static const struct {
        const char *option;
        double min_s, max_s;
    } cases[] = {
        {"--latency=0", 0, 0.2},
        {"--latency=400", 0.4, 1.4},
    };
    uint8_t *bytes;
    const char *path = data_file(20000, &bytes);
    for (size_t i = 0; i < 2; i++) {
        fake_daemon_t d = {0};
        daemon_start(&d, 200, MODULE_REPLY("20000"));
        proc_result_t r = STREAM(daemon_url(&d), "mymod", path, "--rate=10000000", cases[i].option);
        daemon_join(&d);
        expect_status(&r, 0);
        ck_assert_uint_eq(d.body_len, 20000);
        ck_assert_mem_eq(d.body, bytes, 20000);
        double first = d.arrivals[0].at - d.accepted_at;
        double since_start = d.arrivals[0].at - d.started_at;
        printf("cli-stream: %s: first body byte %.1f ms after the connection\n", cases[i].option,
               first * 1e3);
        ck_assert_msg(since_start >= cases[i].min_s && first < cases[i].max_s,
                      "%s: first body byte %.3f s after the client started, %.3f s after the "
                      "accept", cases[i].option, since_start, first);
        proc_result_free(&r);
        free(d.body);
    }
    free(bytes);
}
END_TEST

/* The name is percent-encoded, a trailing slash on the URL is not doubled, and --json prints the
 * reply byte for byte. */
START_TEST(test_stream_json_prints_reply_as_received)
{
    static const char reply[] = "{ \"name\" : \"my mod\",\"size\":3,\"timeline\":{} }\n";
    uint8_t *bytes;
    const char *path = data_file(3, &bytes);
    fake_daemon_t d = {0};
    daemon_start(&d, 201, reply);
    char url[80];
    snprintf(url, sizeof url, "%s/", daemon_url(&d));
    proc_result_t r = STREAM(url, "my mod/x", path, "--rate=1000", "--json");
    daemon_join(&d);
    expect_status(&r, 0);
    ck_assert_msg(strncmp(d.head, "PUT /v1/modules/my%20mod%2Fx HTTP/1.1\r\n", 39) == 0, "%s",
                  d.head);
    ck_assert_uint_eq(d.body_len, 3);
    ck_assert_mem_eq(d.body, bytes, 3);
    ck_assert_str_eq(r.out, reply);
    proc_result_free(&r);
    free(d.body);
    free(bytes);
}
END_TEST

/* ---- answers that are not a stored module ---------------------------------------------------- */

START_TEST(test_stream_error_reply_exits_1)
{
    uint8_t *bytes;
    const char *path = data_file(1000, &bytes);
    fake_daemon_t d = {0};
    daemon_start(&d, 400,
                 "{\"error\": {\"code\": \"malformed\", \"message\": \"section 3: unexpected end\","
                 " \"offset\": 17}}");
    proc_result_t r = STREAM(daemon_url(&d), "mymod", path, "--rate=100000");
    daemon_join(&d);
    expect_status(&r, 1);
    ck_assert_uint_eq(d.body_len, 1000);
    ck_assert_str_eq(r.out, "");
    expect_err(&r, "refused mymod: HTTP 400 (malformed): section 3: unexpected end\n");
    proc_result_free(&r);
    free(d.body);
    free(bytes);
}
END_TEST

/* A refusal right after the head (a bad token, say) ends the upload: a 5 s upload stops at once,
 * and the daemon's message is what the user sees, not the broken transfer. */
START_TEST(test_stream_early_refusal_stops_upload)
{
    uint8_t *bytes;
    const char *path = data_file(500000, &bytes);
    fake_daemon_t d = {.is_early = true};
    daemon_start(&d, 401,
                 "{\"error\": {\"code\": \"unauthorized\", \"message\": \"PUT /v1/modules/mymod "
                 "needs Authorization: Bearer <admin token>\"}}");
    double seconds;
    proc_result_t r = stream(&seconds, daemon_url(&d), "mymod", path, "--rate=100000", NULL);
    daemon_join(&d);
    expect_status(&r, 1);
    expect_err(&r, "HTTP 401 (unauthorized): PUT /v1/modules/mymod needs Authorization");
    ck_assert_msg(seconds < 2.5, "the tool ran %.2f s after the refusal", seconds);
    ck_assert_uint_lt(d.body_len, 500000 / 2);
    proc_result_free(&r);
    free(d.body);
    free(bytes);
}
END_TEST

static const struct {
    int status;
    const char *reply, *err;
} bad_replies[] = {
    {200, "stored", "reply is not a module with a timeline: stored"},
    {200, "{\"size\": 10, \"timeline\": {\"first_byte_ms\": 1}}",
     "lacks a number timeline.last_byte_ms"},
    {502, "<html>bad gateway</html>", "refused mymod: HTTP 502: <html>bad gateway</html>"},
};

START_TEST(test_stream_unexpected_reply_exits_1)
{
    uint8_t *bytes;
    const char *path = data_file(10, &bytes);
    fake_daemon_t d = {0};
    daemon_start(&d, bad_replies[_i].status, bad_replies[_i].reply);
    proc_result_t r = STREAM(daemon_url(&d), "mymod", path, "--rate=1000");
    daemon_join(&d);
    expect_status(&r, 1);
    ck_assert_uint_eq(d.body_len, 10);
    ck_assert_str_eq(r.out, "");
    expect_err(&r, bad_replies[_i].err);
    proc_result_free(&r);
    free(d.body);
    free(bytes);
}
END_TEST

/* A port nobody listens on: bound, then closed. */
static int
closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

START_TEST(test_stream_bad_url_exits_1)
{
    uint8_t *bytes;
    const char *path = data_file(10, &bytes);
    char refused[64];
    snprintf(refused, sizeof refused, "http://127.0.0.1:%d", closed_port());
    static const char *const bad_urls[][2] = {
        {"ftp://127.0.0.1:1", "bad DAEMON_URL 'ftp://127.0.0.1:1'"},
        {"http://[::1", "bad DAEMON_URL"},
        {NULL, "network error: "},
    };
    for (size_t i = 0; i < 3; i++) {
        proc_result_t r = STREAM(bad_urls[i][0] ? bad_urls[i][0] : refused, "mymod", path,
                                 "--rate=1000");
        expect_status(&r, 1);
        ck_assert_str_eq(r.out, "");
        expect_err(&r, bad_urls[i][1]);
        proc_result_free(&r);
    }
    free(bytes);
}
END_TEST

START_TEST(test_stream_unreadable_file_exits_1)
{
    char path[600];
    snprintf(path, sizeof path, "%s/missing.wasm", dir);
    proc_result_t r = STREAM("http://127.0.0.1:1", "mymod", path, "--rate=1000");
    expect_status(&r, 1);
    expect_err(&r, "missing.wasm: cannot read: No such file or directory");
    proc_result_free(&r);
}
END_TEST

/* ---- the command line ---------------------------------------------------------------------- */

static const struct {
    const char *args[6];
    const char *err;
} bad_lines[] = {
    {{NULL}, "wants DAEMON_URL, NAME and FILE.wasm, 0 given"},
    {{"http://h", "m", "f.wasm"}, "--rate is required"},
    {{"http://h", "m", "f.wasm", "--rate=0"}, "--rate wants a number from 1 to"},
    {{"http://h", "m", "f.wasm", "--rate=fast"}, "not 'fast'"},
    {{"http://h", "m", "f.wasm", "--rate=-5"}, "not '-5'"},
    {{"http://h", "m", "f.wasm", "--rate=10", "--chunk=0"}, "--chunk wants a number from 1"},
    {{"http://h", "m", "f.wasm", "--rate=10", "--latency=1s"}, "not '1s'"},
    {{"http://h", "m", "f.wasm", "--rate=10", "--bogus"}, "usage: slipstream stream"},
    {{"http://h", "m", "f.wasm", "extra", "--rate=10"}, "4 given"},
    {{"http://h", "", "f.wasm", "--rate=10"}, "must not be empty"},
};

START_TEST(test_stream_bad_command_line_exits_2)
{
    const char *const *a = bad_lines[_i].args;
    proc_result_t r = STREAM(a[0], a[1], a[2], a[3], a[4], a[5]);
    expect_status(&r, 2);
    ck_assert_str_eq(r.out, "");
    expect_err(&r, bad_lines[_i].err);
    proc_result_free(&r);
}
END_TEST

START_TEST(test_stream_help_names_the_output)
{
    proc_result_t r = STREAM("--help");
    expect_status(&r, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: slipstream stream DAEMON_URL NAME FILE.wasm"));
    ck_assert_ptr_nonnull(strstr(r.out, "compiled before the last byte"));
    proc_result_free(&r);
}
END_TEST

Suite *
cli_stream_suite(void)
{
    Suite *s = suite_create("cli-stream");
    TCase *wire = tcase_create("wire");
    tcase_add_checked_fixture(wire, setup, teardown);
    tcase_set_timeout(wire, 60);
    tcase_add_test(wire, test_stream_paces_body_at_rate);
    tcase_add_test(wire, test_stream_sends_one_chunk_at_a_time);
    tcase_add_test(wire, test_stream_latency_delays_first_byte);
    tcase_add_test(wire, test_stream_json_prints_reply_as_received);
    suite_add_tcase(s, wire);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_set_timeout(errors, 60);
    tcase_add_test(errors, test_stream_error_reply_exits_1);
    tcase_add_test(errors, test_stream_early_refusal_stops_upload);
    tcase_add_loop_test(errors, test_stream_unexpected_reply_exits_1, 0,
                        sizeof bad_replies / sizeof bad_replies[0]);
    tcase_add_test(errors, test_stream_bad_url_exits_1);
    tcase_add_test(errors, test_stream_unreadable_file_exits_1);
    tcase_add_loop_test(errors, test_stream_bad_command_line_exits_2, 0,
                        sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_test(errors, test_stream_help_names_the_output);
    suite_add_tcase(s, errors);
    return s;
}
