/* Temporary folders: mkdtemp to create, a depth-first nftw walk to remove. */
#define _XOPEN_SOURCE 700 /* nftw */

#include "tempdir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

int
tempdir_make(const char *prefix, char *path, size_t size)
{
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = "/tmp";
    int n = snprintf(path, size, "%s/%s-XXXXXX", base, prefix);
    if (n < 0 || (size_t)n >= size)
        return -ENAMETOOLONG;
    return mkdtemp(path) ? 0 : -errno;
}

/* nftw passes no user pointer, so the first error of the current walk lives here; the tools are
 * single-threaded. */
static int first_error;

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) < 0 && first_error == 0)
        first_error = -errno;
    return 0; /* keep going: leave as little behind as possible */
}

int
tempdir_remove(const char *path)
{
    first_error = 0;
    /* FTW_DEPTH: contents before their folder; FTW_PHYS: a symlink is removed, never followed. */
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
        return -errno;
    return first_error;
}
