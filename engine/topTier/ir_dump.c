/* sl_module_ir_text (slipstream.h): the top tier's IR of one function as text, the entry
 * `slipstream compile --tier=top --dump-ir` reaches the top tier through. A last pass name of
 * "isel" or "regalloc" prints the machine IR after that stage of the back end instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "error.h"
#include "pipeline.h"
#include "toptier.h"

/* The arena of one function's IR; past it the build stops with SL_ELIMIT. */
enum { DUMP_ARENA_BUDGET = 1u << 28 };

int
sl_module_ir_text(const sl_module_t *m, uint32_t func_index, const char *passes, char **text,
                  sl_error_t *err)
{
    sl_error_t local = {0};
    if (!err)
        err = &local;
    *text = NULL;
    if (func_index < m->n_imported_funcs || func_index >= m->n_funcs ||
        !m->funcs[func_index].body_offset) {
        error_set(err, SL_EARG, SL_NO_SECTION, 0, "function %u has no body in this module",
                  func_index);
        return SL_EARG;
    }
    sl_limits_t limits;
    sl_limits_init(&limits);
    body_validator_t *v = NULL;
    int rc = body_validator_new(&limits, &v);
    if (rc)
        return rc;
    /* a back-end stage at the end of the list */
    const char *stage = NULL;
    char *ir_passes = NULL;
    if (passes) {
        const char *last = strrchr(passes, ',');
        last = last ? last + 1 : passes;
        while (*last == ' ')
            last++;
        if (strcmp(last, "isel") == 0 || strcmp(last, "regalloc") == 0) {
            stage = last;
            ir_passes = strndup(passes, (size_t)(last - passes));
            if (!ir_passes) {
                body_validator_free(v);
                return SL_ENOMEM;
            }
            passes = ir_passes;
        }
    }
    arena_t arena;
    arena_init(&arena, DUMP_ARENA_BUDGET);
    ir_func_t *f = NULL;
    mfunc_t *mach = NULL;
    rc = ir_build(v, &arena, m, func_index, &f, err);
    if (!rc)
        rc = ir_verify(f, err);
    pipeline_env_t env;
    pipeline_env_init(&env, m);
    if (!rc)
        rc = pipeline_run_env(f, &env, stage && !*passes ? NULL : passes, true, err);
    if (!rc && stage) {
        isel_options_t opts = {.module = m, .func_index = func_index};
        rc = toptier_lower(f, &opts, strcmp(stage, "regalloc") == 0, &arena, &mach, err);
    }
    if (!rc) {
        size_t size = 0;
        FILE *out = open_memstream(text, &size);
        if (!out || (mach ? mach_print(mach, out) : ir_print(f, out)) != 0 || fclose(out) != 0) {
            if (out)
                free(*text);
            *text = NULL;
            rc = SL_ENOMEM;
        }
    }
    arena_fini(&arena);
    free(ir_passes);
    body_validator_free(v);
    return rc;
}
