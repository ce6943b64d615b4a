/* The stderr logger behind LOG (log.h). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int log_threshold = LOG_LEVEL_INFO;

static bool is_journal;

/* syslog priorities (err, warning, info, debug) for journald's "<N>" prefix. */
static const char *const journal_prefix[] = {"<3>", "<4>", "<6>", "<7>"};

static bool
stderr_is_journal(void)
{
    const char *env = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
        return false;
    if (fstat(STDERR_FILENO, &st) != 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
log_init(int threshold)
{
    log_threshold = threshold;
    is_journal = stderr_is_journal();
}

void
log_write(int level, const char *fmt, ...)
{
    char line[1024];
    int n;
    if (level < LOG_LEVEL_ERROR || level > LOG_LEVEL_DEBUG)
        level = LOG_LEVEL_ERROR;
    if (is_journal)
        n = snprintf(line, sizeof line, "%s", journal_prefix[level]);
    else
        n = snprintf(line, sizeof line, "%s: ", config_level_name(level));
    size_t start = (size_t)n;

    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(line + start, sizeof line - start - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    size_t len = start + (size_t)n;
    if (len > sizeof line - 2)
        len = sizeof line - 2; /* truncated: the line still ends */
    for (size_t i = start; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            line[i] = '?';
    line[len++] = '\n';

    for (size_t done = 0; done < len;) {
        ssize_t w = write(STDERR_FILENO, line + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere left to report it */
        done += (size_t)w;
    }
}
