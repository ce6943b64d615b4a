/* Private temporary folders for the tools: created with mkdtemp (mode 0700) under $TMPDIR, or
 * /tmp when it is unset or empty, and removed with everything in them. */
#ifndef SL_TOOLS_TEMPDIR_H
#define SL_TOOLS_TEMPDIR_H

#include <stddef.h>

/* Creates "<tmp>/<prefix>-XXXXXX" and writes its path to `path`. Returns 0, -ENAMETOOLONG when
 * `size` is too small, or the -errno of mkdtemp. */
int tempdir_make(const char *prefix, char *path, size_t size);

/* Removes the folder and everything below it without following symbolic links. Keeps going past
 * entries it cannot remove and returns the first -errno, or 0. */
int tempdir_remove(const char *path);

#endif
