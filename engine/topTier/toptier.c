/* The top tier's compiler object and its one function (toptier.h). */
#include "toptier.h"

#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "emit.h"
#include "error.h"
#include "pipeline.h"
#include "regalloc.h"

struct toptier {
    bool has_avx;
    body_validator_t *validator;
    emit_out_t out;
};

int
toptier_new(const sl_limits_t *limits, bool has_avx, toptier_t **out)
{
    *out = NULL;
    toptier_t *t = calloc(1, sizeof *t);
    if (!t)
        return SL_ENOMEM;
    t->has_avx = has_avx;
    emitter_out_init(&t->out);
    int rc = body_validator_new(limits, &t->validator);
    if (rc) {
        toptier_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void
toptier_free(toptier_t *t)
{
    if (!t)
        return;
    body_validator_free(t->validator);
    emitter_out_fini(&t->out);
    free(t);
}

int
toptier_lower(const ir_func_t *f, const isel_options_t *opts, bool allocate, arena_t *arena,
              mfunc_t **out, sl_error_t *err)
{
    int rc = isel_run(f, opts, arena, out, err);
    if (!rc && allocate)
        rc = regalloc_run(*out, err);
    return rc;
}

int
toptier_compile(toptier_t *t, const sl_module_t *m, uint32_t func_index, compiled_code_t *out,
                sl_error_t *err)
{
    const module_func_t *mf = &m->funcs[func_index];
    arena_t arena;
    arena_init(&arena, TOPTIER_ARENA_BUDGET);
    ir_func_t *f = NULL;
    mfunc_t *mach = NULL;
    isel_options_t opts = {.module = m, .func_index = func_index, .has_avx = t->has_avx};
    int rc = ir_build(t->validator, &arena, m, func_index, &f, err);
    if (!rc) {
        pipeline_env_t env;
        pipeline_env_init(&env, m);
        rc = pipeline_run_env(f, &env, NULL, PIPELINE_VERIFY, err);
        if (!rc)
            rc = toptier_lower(f, &opts, true, &arena, &mach, err);
        if (!rc) {
            emit_options_t eo = {.defined_index = func_index - m->n_imported_funcs,
                                 .has_avx = t->has_avx};
            rc = emitter_run(mach, &eo, &t->out, err);
        }
        /* The body is valid (ir_build validated it): a verifier failure after a pass is the top
         * tier's own fault, and the function goes to the baseline instead. */
        if (rc == SL_EINVALID)
            rc = err->code = SL_ENOTSUP;
    }
    arena_fini(&arena);
    if (rc) {
        if (err->code && err->func_index == SL_NO_INDEX) {
            err->func_index = func_index;
            err->section = 10;
            err->offset = mf->body_offset;
        }
        return rc;
    }
    *out = (compiled_code_t){
        .code = t->out.buf.data,
        .code_size = (uint32_t)t->out.buf.len,
        .relocs = t->out.relocs,
        .n_relocs = t->out.n_relocs,
        .trap_sites = t->out.sites,
        .n_trap_sites = t->out.n_sites,
    };
    return 0;
}
