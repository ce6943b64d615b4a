/* The `spectest` host module that spec-test scripts import from, as the spec interpreter defines
 * it: print functions (no results; they print only when given a stream), immutable globals
 * global_i32 = 666, global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6, a funcref table of
 * 10..20 elements and a memory of 1..2 pages.
 *
 * Ownership: the runtime objects belong to the store and live until it is freed; the spectest_t
 * only names them and must outlive every call into its print functions (free it after the store).
 * Errors: spectest_new returns what the engine's constructors return, or SL_ENOMEM.
 */
#ifndef SL_TOOLS_SPECTEST_H
#define SL_TOOLS_SPECTEST_H

#include <stddef.h>
#include <stdio.h>

#include "slipstream.h"

typedef struct spectest spectest_t;

/* Creates the host objects in `store`. `print_to` receives one line per print call ("spectest:
 * print_i32(i32:42)"); NULL prints nothing. */
int spectest_new(sl_store_t *store, FILE *print_to, spectest_t **out);
void spectest_free(spectest_t *spectest); /* accepts NULL */

/* The export `name` (not NUL-terminated): 0 with *out set, or SL_ENOTFOUND. */
int spectest_export(const spectest_t *spectest, const char *name, size_t name_len,
                    sl_extern_t *out);

#endif
