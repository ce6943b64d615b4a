/* Whole-file reading with a size bound. Reads until end of file rather than trusting st_size, so
 * pipes and files that change while being read are handled the same way. */
#include "tool_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int
tool_file_read(const char *path, size_t max_size, uint8_t **out, size_t *size)
{
    int rc = 0;
    uint8_t *buf = NULL;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;

    struct stat st;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = -EISDIR;
        goto out;
    }
    /* One spare byte so a file of exactly the stat size ends with a zero-length read, not a
     * regrowth. */
    size_t cap = (S_ISREG(st.st_mode) && (uint64_t)st.st_size < max_size) ? (size_t)st.st_size + 1
                                                                           : 4096;
    buf = malloc(cap);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    for (;;) {
        if (len == cap) {
            if (cap > max_size) {
                rc = -EFBIG;
                goto out;
            }
            size_t new_cap = cap * 2 > max_size + 1 ? max_size + 1 : cap * 2;
            uint8_t *grown = realloc(buf, new_cap);
            if (!grown) {
                rc = -ENOMEM;
                goto out;
            }
            buf = grown;
            cap = new_cap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > max_size) {
        rc = -EFBIG;
        goto out;
    }
    *out = buf;
    *size = len;
    buf = NULL;
out:
    free(buf);
    close(fd);
    return rc;
}
