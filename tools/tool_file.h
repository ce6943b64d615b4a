/* Whole-file reading for the command-line tools. */
#ifndef SL_TOOLS_TOOL_FILE_H
#define SL_TOOLS_TOOL_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The largest module the tools read: far above any spec test, low enough that a wrong path (a
 * disk image, /dev/zero) fails fast instead of exhausting memory. */
#define TOOL_MAX_WASM_SIZE ((size_t)64 << 20)

/* Reads all of `path` into a new heap buffer (*out, freed by the caller with free(); never NULL on
 * success, even for an empty file). Returns 0, -EFBIG when the file holds more than `max_size`
 * bytes, or another -errno from open/read. */
int tool_file_read(const char *path, size_t max_size, uint8_t **out, size_t *size);

#endif
