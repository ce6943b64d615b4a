/* Whole-file reading with a size bound. Reads until end of file rather than trusting st_size, so
 * pipes and files that change while being read are handled the same way. */
#include "tool_file.h"

#include "vec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int
tool_file_read(const char *path, size_t max_size, uint8_t **out, size_t *size)
{
    int rc = 0;
    bytebuf_t buf = {0};
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
     * regrowth; one byte past max_size tells a file that is too large. */
    size_t limit = max_size < SIZE_MAX ? max_size + 1 : SIZE_MAX;
    size_t first = (S_ISREG(st.st_mode) && (uint64_t)st.st_size < max_size) ? (size_t)st.st_size + 1
                                                                             : 4096;
    rc = bytebuf_reserve(&buf, first < limit ? first : limit, limit);
    for (;;) {
        if (rc == 0 && buf.len == buf.cap)
            rc = bytebuf_reserve(&buf, buf.len + 1, limit);
        if (rc < 0) {
            rc = rc == SL_ELIMIT ? -EFBIG : -ENOMEM;
            goto out;
        }
        ssize_t n = read(fd, buf.items + buf.len, buf.cap - buf.len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            goto out;
        }
        if (n == 0)
            break;
        buf.len += (size_t)n;
    }
    if (buf.len > max_size) {
        rc = -EFBIG;
        goto out;
    }
    *out = buf.items;
    *size = buf.len;
    buf = (bytebuf_t){0};
out:
    bytebuf_fini(&buf);
    close(fd);
    return rc;
}
