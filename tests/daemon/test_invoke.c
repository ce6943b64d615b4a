/* invoke_suite: how slipstreamd ends invocations it should not finish, against the real daemon
 * (SLIPSTREAMD) on 127.0.0.1:0: calls whose clients went away (cancelled while queued,
 * interrupted while running), calls that waited too long for an executor thread ([invoke]
 * queue_timeout_ms), calls running or queued when the daemon stops, and a second stop signal.
 * Clients run on threads of the test with curl and only record what they saw; the test thread
 * asserts. */
#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_client.h"
#include "suite.h"

static const char spin_wat[] = "(module (func (export \"spin\") (loop br 0))\n"
                               "  (func (export \"add\") (param i32 i32) (result i32)\n"
                               "    local.get 0 local.get 1 i32.add))";

static const char counter_wat[] =
    "(module (global $n (mut i32) (i32.const 0))\n"
    "  (func (export \"next\") (result i32)\n"
    "    global.get $n i32.const 1 i32.add global.set $n global.get $n))";

/* One client on its own thread: POST .../invoke/EXPORT with `args` ("[]" for NULL), giving up
 * (and closing its connection) after `timeout_ms`. */
typedef struct call {
    const char *module;
    const char *export;
    const char *args;
    long timeout_ms;
    pthread_t thread;
    CURLcode rc;
    double took;
    reply_t r;
} call_t;

static void *
call_main(void *arg)
{
    call_t *c = arg;
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/modules/%s/invoke/%s", proc.port, c->module,
             c->export);
    const char *args = c->args != NULL ? c->args : "[]";
    memset(&c->r, 0, sizeof c->r);
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &c->r);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, args);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(args));
    double t0 = now_s();
    c->rc = curl_easy_perform(curl);
    c->took = now_s() - t0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &c->r.status);
    curl_easy_cleanup(curl);
    return NULL;
}

static void
call_start(call_t *c, const char *module, const char *export, const char *args, long timeout_ms)
{
    memset(c, 0, sizeof *c);
    c->module = module;
    c->export = export;
    c->args = args;
    c->timeout_ms = timeout_ms;
    ck_assert_int_eq(pthread_create(&c->thread, NULL, call_main, c), 0);
}

/* The daemon's exit status within `limit_s` seconds (the test fails otherwise). */
static int
wait_exit(double limit_s)
{
    double deadline = now_s() + limit_s;
    int status = 0;
    while (waitpid(proc.pid, &status, WNOHANG) != proc.pid) {
        ck_assert_msg(now_s() < deadline, "slipstreamd still runs after %.1f s; log: %s", limit_s,
                      proc.log);
        read_log(&proc, 10);
    }
    proc.pid = 0;
    while (read_log(&proc, 50))
        ;
    close(proc.err_fd);
    return status;
}

/* The value of a metric line "NAME VALUE" in GET /metrics, -1 if absent. */
static long
metric(const char *name)
{
    reply_t r;
    http("GET", "/metrics", NULL, 0, &r);
    char line[160];
    snprintf(line, sizeof line, "\n%s ", name);
    const char *at = strstr(r.body, line);
    return at != NULL ? atol(at + strlen(line)) : -1;
}

/* ---- tests ----------------------------------------------------------------------------------- */

/* The probe: 20 infinite loops whose clients leave after 0.2 s, on 2 threads, as many as
 * max_concurrent. Their queued calls must never run and their running ones must be interrupted,
 * so a trivial call is answered at once instead of after the loops' 30 s deadlines (or 429). */
START_TEST(test_invoke_disconnected_clients_cancel_their_calls)
{
    start((const char *const[]){"--invoke-threads", "2", "--invoke-timeout-ms", "30000",
                                "--invoke-queue-timeout-ms", "60000", "--invoke-max-concurrent",
                                "20", NULL});
    reply_t r;
    ck_assert_int_eq(put_wat("s", spin_wat, &r), 201);
    enum { N = 20 };
    static call_t calls[N];
    for (int i = 0; i < N; i++)
        call_start(&calls[i], "s", "spin", NULL, 200);
    for (int i = 0; i < N; i++) {
        pthread_join(calls[i].thread, NULL);
        ck_assert_int_eq(calls[i].rc, CURLE_OPERATION_TIMEDOUT);
    }

    /* A slot and a thread come free within milliseconds; 2 s is generous. */
    double t0 = now_s();
    call_t add;
    do {
        call_start(&add, "s", "add", "[1, 2]", 2000);
        pthread_join(add.thread, NULL);
    } while (add.r.status == 429 && now_s() - t0 < 2);
    ck_assert_msg(add.rc == CURLE_OK && add.r.status == 200, "add: curl %d, %ld %s after %.2f s",
                  add.rc, add.r.status, add.r.body, now_s() - t0);
    ck_assert_str_eq(add.r.body, "{\"results\":[3]}");
    ck_assert_double_lt(now_s() - t0, 2.0);
    /* At most the two that were running trapped "interrupted"; the queued ones never ran. */
    ck_assert_int_le(metric("slipstream_traps_total{kind=\"interrupted\"}"), 2);
    stop();
}
END_TEST

/* More calls than threads: those still queued after queue_timeout_ms get 503 and never run (the
 * counter's kept instance shows no increment from them). */
START_TEST(test_invoke_queue_timeout_answers_503_without_running)
{
    start((const char *const[]){"--invoke-threads", "1", "--invoke-timeout-ms", "3000",
                                "--invoke-queue-timeout-ms", "200", "--invoke-idle-instances",
                                "2", NULL});
    reply_t r;
    ck_assert_int_eq(put_wat("s", spin_wat, &r), 201);
    ck_assert_int_eq(put_wat("c", counter_wat, &r), 201);
    assert_invoke("c", "next", "[]", "[1]");

    call_t spin;
    call_start(&spin, "s", "spin", NULL, 10000);
    usleep(300000); /* the one thread is spinning */
    enum { N = 3 };
    call_t queued[N];
    for (int i = 0; i < N; i++)
        call_start(&queued[i], "c", "next", NULL, 10000);
    for (int i = 0; i < N; i++) {
        pthread_join(queued[i].thread, NULL);
        ck_assert_int_eq(queued[i].rc, CURLE_OK);
        assert_error(&queued[i].r, 503, "queue_timeout", "queue_timeout_ms");
        /* answered at the queue timeout, not after the spin's deadline */
        ck_assert_msg(queued[i].took < 2.5, "answered after %.2f s", queued[i].took);
    }
    pthread_join(spin.thread, NULL);
    assert_error(&spin.r, 422, "trap", "interrupted");

    assert_invoke("c", "next", "[]", "[2]"); /* none of the three ran */
    ck_assert_int_eq(metric("slipstream_invocation_queue_timeouts_total"), N);
    /* every call that left the queue: 2 next, the spin, the 3 timed out */
    ck_assert_int_eq(metric("slipstream_invocation_queue_seconds_count"), 3 + N);
    stop();
}
END_TEST

/* The probe: a stop with a running and queued infinite loops waited for all of them. Now they are
 * answered 503 and the daemon exits within about a second, with status 0. */
START_TEST(test_invoke_stop_answers_running_and_queued_calls_with_503)
{
    start((const char *const[]){"--invoke-threads", "1", "--invoke-timeout-ms", "30000",
                                "--invoke-queue-timeout-ms", "30000", NULL});
    reply_t r;
    ck_assert_int_eq(put_wat("s", spin_wat, &r), 201);
    enum { N = 3 };
    call_t calls[N];
    for (int i = 0; i < N; i++)
        call_start(&calls[i], "s", "spin", NULL, 10000);
    usleep(400000); /* one spinning, two queued */

    double t0 = now_s();
    ck_assert_int_eq(kill(proc.pid, SIGTERM), 0);
    int status = wait_exit(2.0);
    ck_assert_double_lt(now_s() - t0, 2.0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d; log: %s", status,
                  proc.log);
    ck_assert_ptr_nonnull(strstr(proc.log, "info: stopped\n"));
    for (int i = 0; i < N; i++) {
        pthread_join(calls[i].thread, NULL);
        ck_assert_msg(calls[i].rc == CURLE_OK, "call %d: %s", i, curl_easy_strerror(calls[i].rc));
        assert_error(&calls[i].r, 503, "stopping", "stopping");
    }
}
END_TEST

/* A second SIGTERM while the stop is held up (here by the test build's echo worker, asked to
 * sleep 10 s before hashing, which the stop joins) ends the process at once. */
START_TEST(test_invoke_second_sigterm_exits_at_once)
{
    start_exe("SLIPSTREAMD_TEST", NULL);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/echo-sha256", proc.port);
    pid_t client = fork();
    ck_assert_int_ge(client, 0);
    if (client == 0) {
        CURL *curl = curl_easy_init();
        struct curl_slist *headers = curl_slist_append(NULL, "X-Echo-Delay-Ms: 10000");
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "abc");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
        curl_easy_perform(curl);
        _exit(0);
    }
    usleep(500000); /* the worker sleeps on the body */

    ck_assert_int_eq(kill(proc.pid, SIGTERM), 0);
    usleep(300000);
    int status;
    ck_assert_msg(waitpid(proc.pid, &status, WNOHANG) == 0,
                  "the stop was not held up by the worker: status %d; log %s", status, proc.log);
    double t0 = now_s();
    ck_assert_int_eq(kill(proc.pid, SIGTERM), 0);
    status = wait_exit(1.0);
    ck_assert_double_lt(now_s() - t0, 1.0);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %d; log: %s", status,
                  proc.log);
    kill(client, SIGKILL);
    waitpid(client, NULL, 0);
}
END_TEST

Suite *
invoke_suite(void)
{
    Suite *s = suite_create("invoke");
    TCase *tc = tcase_create("ending");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_invoke_disconnected_clients_cancel_their_calls);
    tcase_add_test(tc, test_invoke_queue_timeout_answers_503_without_running);
    tcase_add_test(tc, test_invoke_stop_answers_running_and_queued_calls_with_503);
    tcase_add_test(tc, test_invoke_second_sigterm_exits_at_once);
    suite_add_tcase(s, tc);
    return s;
}
