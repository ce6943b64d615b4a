/* Helpers for the daemon's integration suites (test_modules.c, test_fetch.c): the built
 * slipstreamd (SLIPSTREAMD) started on 127.0.0.1:0 and stopped cleanly, and a small HTTP client
 * with JSON and WAT conveniences. Each helper asserts (Check) what it needs to go right.
 * One daemon at a time per test process: `proc` is it. */
#ifndef SL_DAEMON_CLIENT_H
#define SL_DAEMON_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct daemon_proc {
    pid_t pid;
    int err_fd;
    unsigned port;
    char log[65536];
    size_t log_len;
} daemon_proc_t;

extern daemon_proc_t proc;

typedef struct reply {
    long status;
    char body[65536];
    size_t body_len;
} reply_t;

double now_s(void);
/* Reads what the daemon wrote to stderr within `timeout_ms`; false if nothing came. */
bool read_log(daemon_proc_t *p, int timeout_ms);
/* Starts slipstreamd on a free port with `extra` flags (NULL-terminated, may be NULL) and waits
 * for its "listening on" line. */
void start(const char *const extra[]);
/* The same with the executable named by the environment variable `exe_env` (SLIPSTREAMD_TEST). */
void start_exe(const char *exe_env, const char *const extra[]);
/* SIGTERM, then status 0 within 10 s and nothing but log lines on stderr. */
void stop(void);
/* The Check fixture: curl set up and torn down, a daemon left running killed. */
void setup(void);
void teardown(void);
/* A curl write callback appending to the reply_t in `user` (truncating past its buffer). */
size_t on_body(char *data, size_t size, size_t n, void *user);
/* One request on a new connection; `body` of `size` bytes (NULL: none). */
void http(const char *method, const char *path, const void *body, size_t size, reply_t *out);
json_t *parse(const reply_t *r);
uint8_t *wasm_of(const char *wat, size_t *size);
/* PUT of WAT text converted to wasm; returns the status, the reply in *r. */
long put_wat(const char *name, const char *wat, reply_t *r);
/* POST .../invoke/EXPORT with `args`; returns the status, the reply in *r. */
long invoke(const char *name, const char *export, const char *args, reply_t *r);
/* WAT of a module of `n` functions, each a little arithmetic, with "f0" exported (malloc'd). */
char *many_functions_wat(int n);
/* Invokes and asserts 200 with exactly `results` ("[3]"). */
void assert_invoke(const char *name, const char *export, const char *args, const char *results);
/* Asserts an error reply: status, error.code and a fragment of error.message. */
void assert_error(const reply_t *r, long status, const char *code, const char *fragment);

#endif
