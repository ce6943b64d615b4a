/* Test support: the spec suite's modules as files. Converts a .wast with wast2json (Debian's
 * wabt) into a private temporary folder and lists the .wasm files it produced. The spec folder
 * and the converter come from the environment the meson test sets (SL_SPEC_DIR, SL_WAST2JSON). */
#ifndef SL_TEST_SPEC_FILES_H
#define SL_TEST_SPEC_FILES_H

#include <stddef.h>
#include <stdint.h>

/* The sorted names of the top-level *.wast files of SL_SPEC_DIR; NULL-terminated, malloc'd.
 * Returns NULL if the folder cannot be read. */
char **spec_list_wast(size_t *n_files);
void spec_free_list(char **list);

typedef struct spec_conversion {
    char dir[256];   /* the temporary folder */
    char **wasm;     /* full paths of the .wasm files, sorted */
    size_t n_wasm;
} spec_conversion_t;

/* Converts SL_SPEC_DIR/<name> into a fresh temporary folder. 0 on success, else -1 with a reason
 * in `why`. */
int spec_convert(const char *name, spec_conversion_t *out, char *why, size_t why_size);
/* Removes the folder and frees the list. */
void spec_conversion_free(spec_conversion_t *c);

/* Reads a whole file; NULL on failure. */
uint8_t *spec_read_file(const char *path, size_t *size);

#endif
