/* Subprocesses for the CLI tests. Output goes to temporary files rather than pipes so that a
 * child writing more than a pipe holds can never block against a parent that is not reading. */
#define _GNU_SOURCE
#include "proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *
proc_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

char *
proc_tempdir(void)
{
    const char *tmp = proc_env("TMPDIR");
    char *dir = NULL;
    if (asprintf(&dir, "%s/sl-tools-XXXXXX", tmp ? tmp : "/tmp") < 0)
        return NULL;
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

void
proc_tempdir_remove(char *dir)
{
    if (!dir)
        return;
    char *cmd = NULL;
    if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0 && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
    free(dir);
}

/* An unlinked temporary file holding `text`, rewound; -1 on failure. */
static int
temp_file(const char *text)
{
    const char *tmp = proc_env("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/sl-proc-XXXXXX", tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    unlink(path);
    size_t len = text ? strlen(text) : 0;
    if ((len && write(fd, text, len) != (ssize_t)len) || lseek(fd, 0, SEEK_SET) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static char *
slurp(int fd)
{
    off_t size = lseek(fd, 0, SEEK_END);
    char *buf = malloc(size > 0 ? (size_t)size + 1 : 1);
    if (!buf)
        return NULL;
    ssize_t n = size > 0 ? pread(fd, buf, (size_t)size, 0) : 0;
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

bool
proc_run(char *const *argv, char *const *env, const char *stdin_text, unsigned timeout_s,
         proc_result_t *out)
{
    *out = (proc_result_t){0};
    int in = temp_file(stdin_text), fd_out = temp_file(NULL), fd_err = temp_file(NULL);
    bool is_started = false;
    if (in < 0 || fd_out < 0 || fd_err < 0)
        goto done;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in, 0);
        dup2(fd_out, 1);
        dup2(fd_err, 2);
        for (size_t i = 0; env && env[i]; i++)
            putenv(env[i]);
        alarm(timeout_s); /* survives exec: a hung child dies of SIGALRM */
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        goto done;
    out->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    out->out = slurp(fd_out);
    out->err = slurp(fd_err);
    is_started = out->out && out->err;
done:
    if (in >= 0)
        close(in);
    if (fd_out >= 0)
        close(fd_out);
    if (fd_err >= 0)
        close(fd_err);
    return is_started;
}

void
proc_result_free(proc_result_t *r)
{
    free(r->out);
    free(r->err);
    *r = (proc_result_t){0};
}
