/* What compile.c (the tier table, lazy mode, whole-buffer compiles) shares with compilation.c
 * (streaming compiles on the pool) and compile_pool.c. Engine-internal. */
#ifndef SL_COMPILE_IMPL_H
#define SL_COMPILE_IMPL_H

#include "baseline.h"
#include "engine_state.h"
#include "jump_table.h"

/* A tier: the entry points a compile reaches a compiler through, so every tier plugs in the
 * same way. A compiler belongs to one thread at a time and is reused from body to body; what
 * `compile` hands back is valid until its next call. */
typedef struct tier {
    const char *name;
    int (*new)(const sl_engine_t *engine, void **out);
    void (*free)(void *compiler);
    /* Validates and compiles the complete body of function `func_index` (imports included). */
    int (*compile)(void *compiler, const sl_module_t *m, uint32_t func_index,
                   compiled_code_t *out, sl_error_t *err);
} tier_t;

/* The rows of the tier table. A function the top tier declines (SL_ENOTSUP: an instruction it
 * has no pattern for yet; SL_ELIMIT: past one of its bounds) is compiled by the baseline and
 * counted: module_code_t.funcs_top counts those the top tier did compile. */
enum { TIER_BASELINE, TIER_TOP, N_TIERS };
extern const tier_t tiers[N_TIERS];

/* The tier an engine compiles with (sl_engine_options_t.tier). */
static inline unsigned
engine_tier(const sl_engine_t *engine)
{
    return engine->options.tier == SL_TIER_TOP ? TIER_TOP : TIER_BASELINE;
}

/* One tier's compiler with the state behind it. Errors: SL_ENOMEM. */
typedef struct compiler compiler_t;
int compiler_new(const sl_engine_t *engine, unsigned tier, compiler_t **out);
void compiler_free(compiler_t *c); /* NULL is a no-op */

/* Gives a module its code (jump table, lazy stubs in lazy mode); `m->code` and the module's
 * release hook are set. When the code space or the module's code limit is exhausted, `err` (may
 * be NULL) says by how much. */
int code_new(sl_engine_t *engine, sl_module_t *m, sl_error_t *err);

/* Compiles and installs function `func_index` of `m` (its body complete). Its trap sites go to
 * `pending`, or straight to the code map when `pending` is NULL (the code may run at once). On
 * failure `err` says why. Any thread; one compiler per thread. */
int compile_and_install(compiler_t *compiler, sl_module_t *m, uint32_t func_index,
                        site_list_t *pending, sl_error_t *err);

/* Lazy mode: the engine's lazy compiler, its lock and the stubs' common entry. */
int lazy_init(sl_engine_t *engine);
void lazy_fini(sl_engine_t *engine);

#endif
