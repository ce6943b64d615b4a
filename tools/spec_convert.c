/* wast2json as a child process. A close-on-exec pipe carries the child's exec errno back, so
 * "not installed" is told apart from "ran and rejected the file" without guessing from exit
 * status 127. */
#include "spec_convert.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

const char *
spec_convert_program(void)
{
    const char *program = getenv("SL_WAST2JSON");
    return program && program[0] ? program : "wast2json";
}

/* The first line of the converter's log, e.g. "i32.wast:6:95: error: unexpected token". */
static void
first_log_line(const char *log_path, char *line, size_t size)
{
    line[0] = '\0';
    FILE *log = fopen(log_path, "r");
    if (!log)
        return;
    if (!fgets(line, (int)size, log))
        line[0] = '\0';
    line[strcspn(line, "\n")] = '\0';
    fclose(log);
}

static int
wait_child(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

/* Returns the errno the child reported after a failed exec, or 0 when exec succeeded (the pipe
 * closed on exec without data). */
static int
read_exec_errno(int fd)
{
    int child_errno = 0;
    ssize_t n;
    do
        n = read(fd, &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof child_errno ? child_errno : 0;
}

/* The child's stdin (/dev/null), its stdout and stderr (the log), and the exec-report pipe, all
 * close-on-exec in this process. What was opened before a failure is left for the caller to
 * close. */
static int
open_child_fds(const char *log_path, int *null_fd, int *log_fd, int report[2])
{
    *null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (*null_fd < 0)
        return -errno;
    *log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (*log_fd < 0)
        return -errno;
    if (pipe(report) < 0)
        return -errno;
    if (fcntl(report[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(report[1], F_SETFD, FD_CLOEXEC) < 0)
        return -errno;
    return 0;
}

int
spec_convert(const char *program, const char *wast_path, const char *json_path,
             const char *log_path, char *why, size_t why_size)
{
    int rc = 0;
    int null_fd = -1, log_fd = -1;
    int report[2] = {-1, -1};
    /* Built before fork: the child only calls async-signal-safe functions until exec. */
    char *argv[] = {(char *)program, (char *)wast_path, "-o", (char *)json_path, NULL};

    rc = open_child_fds(log_path, &null_fd, &log_fd, report);
    if (rc < 0) {
        snprintf(why, why_size, "cannot prepare to run %s: %s", program, strerror(-rc));
        goto out;
    }
    fflush(NULL); /* nothing buffered may be written twice if the child ever flushes */
    pid_t pid = fork();
    if (pid < 0) {
        rc = -errno;
        snprintf(why, why_size, "cannot run %s: %s", program, strerror(-rc));
        goto out;
    }
    if (pid == 0) {
        /* dup2 clears close-on-exec on the copies, so only these three reach the program. */
        if (dup2(null_fd, STDIN_FILENO) >= 0 && dup2(log_fd, STDOUT_FILENO) >= 0 &&
            dup2(log_fd, STDERR_FILENO) >= 0)
            execvp(program, argv);
        int child_errno = errno;
        ssize_t ignored = write(report[1], &child_errno, sizeof child_errno);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    report[1] = -1;
    int exec_errno = read_exec_errno(report[0]);
    int status = 0;
    int wait_rc = wait_child(pid, &status);
    if (exec_errno != 0) {
        rc = -exec_errno;
        snprintf(why, why_size, "cannot run %s: %s%s", program, strerror(exec_errno),
                 exec_errno == ENOENT ? " (install wabt, or set SL_WAST2JSON)" : "");
        goto out;
    }
    if (wait_rc < 0) {
        rc = wait_rc;
        snprintf(why, why_size, "cannot wait for %s: %s", program, strerror(-rc));
        goto out;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        goto out;
    char line[240];
    first_log_line(log_path, line, sizeof line);
    rc = -EPROTO;
    if (WIFSIGNALED(status))
        snprintf(why, why_size, "%s killed by signal %d%s%s", program, WTERMSIG(status),
                 line[0] ? ": " : "", line);
    else
        snprintf(why, why_size, "%s failed (exit %d)%s%s", program, WEXITSTATUS(status),
                 line[0] ? ": " : "", line);
out:
    if (report[0] >= 0)
        close(report[0]);
    if (report[1] >= 0)
        close(report[1]);
    if (log_fd >= 0)
        close(log_fd);
    if (null_fd >= 0)
        close(null_fd);
    return rc;
}
