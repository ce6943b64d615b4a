/* Logging: one line per event on stderr, with its level: "info: listening on http://...".
 *
 * When stderr is a journald stream (systemd sets JOURNAL_STREAM to its device and inode), the level
 * is written as a syslog priority prefix ("<6>") instead, which journald turns into the entry's
 * priority. Control characters in a message (client-supplied text) are replaced by '?', so one
 * event is always one line.
 *
 * Threading: log_init once at start-up, before any other thread exists; LOG from any thread (each
 * line is one write(2), so lines from different threads do not interleave).
 * Blocking: a line is written synchronously. Lines are short and rare at the default level, and a
 * full stderr pipe means the supervisor is gone; buffering them in the loop would only hide that.
 */
#ifndef SL_LOG_H
#define SL_LOG_H

#include "config.h"

enum log_level {
    LOG_LEVEL_ERROR = CONFIG_LEVEL_ERROR,
    LOG_LEVEL_WARN = CONFIG_LEVEL_WARN,
    LOG_LEVEL_INFO = CONFIG_LEVEL_INFO,
    LOG_LEVEL_DEBUG = CONFIG_LEVEL_DEBUG,
};

/* The most verbose level written; read-only after log_init. */
extern int log_threshold;

/* Sets the threshold and looks at where stderr goes. */
void log_init(int threshold);

/* Writes one line at `level`, whatever the threshold. Use LOG. */
void log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logs at `level`; below the threshold the arguments are not even evaluated. */
#define LOG(level, ...)                                                                            \
    do {                                                                                           \
        if ((level) <= log_threshold)                                                              \
            log_write((level), __VA_ARGS__);                                                       \
    } while (0)

#endif
