/* The engine: executable memory, trap handling, type ids and the trampolines (compiling is in
 * compile.c). */
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "runtime.h"
#include "trap_handler.h"

enum { CODE_RESERVE = 1u << 30 }; /* address space only: pages are committed as code is written */

int
sl_engine_new(const sl_engine_options_t *options, sl_engine_t **out)
{
    *out = NULL;
    if (!__builtin_cpu_supports("popcnt"))
        return SL_ENOTSUP; /* i32.popcnt and i64.popcnt use the instruction */
    if (!__builtin_cpu_supports("sse4.1"))
        return SL_ENOTSUP; /* f32/f64 ceil, floor, trunc and nearest use roundss/roundsd */
    sl_engine_t *e = calloc(1, sizeof *e);
    if (!e)
        return SL_ENOMEM;
    e->options = options ? *options : (sl_engine_options_t){.tier = SL_TIER_BASELINE};
    sl_limits_init(&e->limits);
    /* process-wide and idempotent: memory accesses rely on the handler from the first call on */
    int rc = traps_install();
    if (rc == 0)
        rc = typeregistry_new(&e->types);
    if (rc == 0)
        rc = codespace_new(CODE_RESERVE, &e->code);
    if (rc == 0)
        rc = entry_generate(e);
    if (rc == 0)
        rc = lazy_entry_generate(e);
    if (rc == 0)
        rc = deadlines_new(&e->deadlines);
    if (rc != 0) {
        sl_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void
sl_engine_free(sl_engine_t *e)
{
    if (!e)
        return;
    if (e->entry.rx)
        codespace_release(e->code, &e->entry);
    if (e->host_thunk.rx)
        codespace_release(e->code, &e->host_thunk);
    if (e->lazy_entry.rx)
        codespace_release(e->code, &e->lazy_entry);
    deadlines_free(e->deadlines);
    codespace_free(e->code);
    typeregistry_free(e->types);
    free(e);
}
