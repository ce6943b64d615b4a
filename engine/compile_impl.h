/* What compile.c (installing code, lazy mode, whole-buffer compiles) shares with compilation.c
 * (streaming compiles on the pool). Engine-internal. */
#ifndef SL_COMPILE_IMPL_H
#define SL_COMPILE_IMPL_H

#include "baseline.h"
#include "code_map.h"
#include "runtime.h"

/* Code-map entries waiting for their module to be finished, with copies of their sites: an
 * eagerly compiled function cannot run before that, and one code-map snapshot for the whole
 * module is cheaper than one per function. */
typedef struct site_list {
    codemap_entry_t *items;
    size_t n, cap;
} site_list_t;

/* Moves every entry of `from` to `to`; SL_ENOMEM leaves both as they were. */
int site_list_take(site_list_t *to, site_list_t *from);
void site_list_fini(site_list_t *l);

/* Gives a module its code (jump table, lazy stubs in lazy mode); `m->code` is set. When the
 * code space or the module's code limit is exhausted, `err` (may be NULL) says by how much. */
int code_new(sl_engine_t *engine, sl_module_t *m, sl_error_t *err);

/* Compiles and installs function `func_index` of `m` (its body complete). Its trap sites go to
 * `pending`, or straight to the code map when `pending` is NULL (the code may run at once). On
 * failure `err` says why. Any thread; one `baseline` per thread. */
int compile_and_install(baseline_t *baseline, sl_module_t *m, uint32_t func_index,
                        site_list_t *pending, sl_error_t *err);

#endif
