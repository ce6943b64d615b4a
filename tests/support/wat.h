/* Test support: WebAssembly text to binary with wat2wasm (Debian's wabt), found through
 * SL_WAT2WASM or on PATH. */
#ifndef SL_TEST_WAT_H
#define SL_TEST_WAT_H

#include <stddef.h>
#include <stdint.h>

/* Returns malloc'd module bytes, or NULL with the converter's complaint in `why`. */
uint8_t *wat_to_wasm(const char *wat, size_t *size, char *why, size_t why_size);

#endif
