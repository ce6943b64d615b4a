/* Test support for tests/tools: runs a program as a subprocess with a given stdin and captures
 * its stdout, stderr and exit status; finds the tools the tests need. */
#ifndef SL_TEST_PROC_H
#define SL_TEST_PROC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct proc_result {
    char *out;   /* stdout, NUL-terminated, malloc'd */
    char *err;   /* stderr, likewise */
    int status;  /* exit status, or 128 + signal number when a signal ended it */
} proc_result_t;

/* Runs argv[0] (searched on PATH) with `argv`, `stdin_text` as its stdin (NULL: empty) and the
 * NAME=VALUE strings of `env` (NULL-terminated, may be NULL) added to the environment. The child
 * is killed by SIGALRM after `timeout_s` seconds. Returns false if it could not be started. */
bool proc_run(char *const *argv, char *const *env, const char *stdin_text, unsigned timeout_s,
              proc_result_t *out);
void proc_result_free(proc_result_t *r);

/* The value of environment variable `name`, or NULL when it is unset or empty. */
const char *proc_env(const char *name);

/* A new temporary directory (malloc'd path) and its removal with everything in it. */
char *proc_tempdir(void);
void proc_tempdir_remove(char *dir);

#endif
