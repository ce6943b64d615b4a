/* The shared client side of the daemon's integration suites (daemon_client.h). */
#include "daemon_client.h"

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wat.h"

/* ---- the daemon ------------------------------------------------------------------------------ */


daemon_proc_t proc;

double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool
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

/* Starts slipstreamd on a free port with `extra` flags and waits for its "listening on" line. */
void
start(const char *const extra[])
{
    start_exe("SLIPSTREAMD", extra);
}

void
start_exe(const char *exe_env, const char *const extra[])
{
    static const char mark[] = "listening on http://127.0.0.1:";
    const char *exe = getenv(exe_env);
    ck_assert_msg(exe != NULL, "%s is not set", exe_env);
    char *argv[32] = {(char *)exe, "--listen", "127.0.0.1:0"};
    int argc = 3;
    for (int i = 0; extra != NULL && extra[i] != NULL; i++)
        argv[argc++] = (char *)extra[i];
    argv[argc] = NULL;
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    memset(&proc, 0, sizeof proc);
    proc.pid = fork();
    ck_assert_int_ge(proc.pid, 0);
    if (proc.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(exe, argv);
        _exit(127);
    }
    close(fds[1]);
    proc.err_fd = fds[0];
    double deadline = now_s() + 10;
    for (;;) {
        const char *at = strstr(proc.log, mark);
        if (at != NULL && strchr(at, '\n') != NULL) {
            proc.port = (unsigned)strtoul(at + strlen(mark), NULL, 10);
            break;
        }
        ck_assert_msg(now_s() < deadline, "no 'listening on' line in: %s", proc.log);
        if (!read_log(&proc, 100)) {
            int status;
            ck_assert_msg(waitpid(proc.pid, &status, WNOHANG) == 0, "exited: %s", proc.log);
        }
    }
}

/* SIGTERM, then status 0 within 10 s and nothing but log lines on stderr. */
void
stop(void)
{
    ck_assert_int_eq(kill(proc.pid, SIGTERM), 0);
    double deadline = now_s() + 10;
    int status = 0;
    while (waitpid(proc.pid, &status, WNOHANG) != proc.pid) {
        if (now_s() > deadline) {
            kill(proc.pid, SIGKILL);
            waitpid(proc.pid, &status, 0);
            ck_abort_msg("slipstreamd did not stop; log: %s", proc.log);
        }
        read_log(&proc, 20);
    }
    proc.pid = 0;
    while (read_log(&proc, 100))
        ;
    close(proc.err_fd);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d; log: %s", status,
                  proc.log);
    static const char *const levels[] = {"error: ", "warn: ", "info: ", "debug: "};
    for (const char *line = proc.log; *line != '\0';) {
        bool is_ok = false;
        for (size_t i = 0; i < 4; i++)
            is_ok = is_ok || strncmp(line, levels[i], strlen(levels[i])) == 0;
        const char *end = strchr(line, '\n');
        ck_assert_msg(is_ok && end != NULL, "unexpected output from slipstreamd: %s", line);
        line = end + 1;
    }
}

void
setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
teardown(void)
{
    if (proc.pid > 0) {
        kill(proc.pid, SIGKILL);
        waitpid(proc.pid, NULL, 0);
    }
    curl_global_cleanup();
}

/* ---- clients --------------------------------------------------------------------------------- */


size_t
on_body(char *data, size_t size, size_t n, void *user)
{
    reply_t *r = user;
    size_t len = size * n, room = sizeof r->body - 1 - r->body_len;
    size_t take = len < room ? len : room;
    memcpy(r->body + r->body_len, data, take);
    r->body_len += take;
    r->body[r->body_len] = '\0';
    return len;
}

/* One request on a new connection; `body` of `size` bytes (NULL: none). */
void
http(const char *method, const char *path, const void *body, size_t size, reply_t *out)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", proc.port, path);
    memset(out, 0, sizeof *out);
    CURL *curl = curl_easy_init();
    ck_assert_ptr_nonnull(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L); /* "/v1/modules/.." goes out as written */
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    CURLcode rc = curl_easy_perform(curl);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_cleanup(curl);
}

json_t *
parse(const reply_t *r)
{
    json_error_t err;
    json_t *json = json_loads(r->body, 0, &err);
    ck_assert_msg(json != NULL, "not JSON (%s): %s", err.text, r->body);
    return json;
}

uint8_t *
wasm_of(const char *wat, size_t *size)
{
    char why[512];
    uint8_t *bytes = wat_to_wasm(wat, size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "wat2wasm: %s", why);
    return bytes;
}

/* PUT of WAT text converted to wasm; returns the status, the reply in *r. */
long
put_wat(const char *name, const char *wat, reply_t *r)
{
    size_t size;
    uint8_t *bytes = wasm_of(wat, &size);
    char path[256];
    snprintf(path, sizeof path, "/v1/modules/%s", name);
    http("PUT", path, bytes, size, r);
    free(bytes);
    return r->status;
}

/* POST .../invoke/EXPORT with `args`; the reply in *r. */
long
invoke(const char *name, const char *export, const char *args, reply_t *r)
{
    char path[256];
    snprintf(path, sizeof path, "/v1/modules/%s/invoke/%s", name, export);
    http("POST", path, args, strlen(args), r);
    return r->status;
}

/* Invokes and asserts 200 with exactly `results` ("[3]"). */
void
assert_invoke(const char *name, const char *export, const char *args, const char *results)
{
    reply_t r;
    invoke(name, export, args, &r);
    char expected[512];
    snprintf(expected, sizeof expected, "{\"results\":%s}", results);
    ck_assert_msg(r.status == 200, "%s%s: %ld %s", export, args, r.status, r.body);
    ck_assert_str_eq(r.body, expected);
}

/* Asserts an error reply: status, error.code and a fragment of error.message. */
void
assert_error(const reply_t *r, long status, const char *code, const char *fragment)
{
    ck_assert_msg(r->status == status, "expected %ld, got %ld: %s", status, r->status, r->body);
    json_t *json = parse(r);
    json_t *error = json_object_get(json, "error");
    ck_assert_ptr_nonnull(error);
    ck_assert_str_eq(json_string_value(json_object_get(error, "code")), code);
    const char *message = json_string_value(json_object_get(error, "message"));
    ck_assert_msg(message != NULL && strstr(message, fragment) != NULL, "message '%s' lacks '%s'",
                  message, fragment);
    json_decref(json);
}

char *
many_functions_wat(int n)
{
    size_t cap = (size_t)n * 200 + 100, len = 0;
    char *wat = malloc(cap);
    len += (size_t)snprintf(wat + len, cap - len, "(module\n");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(wat + len, cap - len,
                                "(func %s(param i32) (result i32) local.get 0 i32.const %d i32.mul "
                                "i32.const %d i32.add i32.const 85 i32.xor i32.const 3 i32.rotl)\n",
                                i == 0 ? "(export \"f0\") " : "", i + 1, i);
    snprintf(wat + len, cap - len, ")\n");
    return wat;
}
