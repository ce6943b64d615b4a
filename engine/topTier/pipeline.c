/* The pass table and its runner (pipeline.h). */
#include "pipeline.h"

#include <string.h>

#include "error.h"

/* In pipeline order; a pass may come back when an earlier one leaves it more to do. Inlining
 * goes first, so everything after it sees the callees' code in the caller's context. Folding
 * first gives strength reduction its constant divisors; value numbering then merges the
 * constants and shifts it emits. Branch folding leaves parameters every edge passes the same
 * value to, so copy propagation runs again. The loads pass sees addresses value numbering has
 * merged, and a second numbering merges what the loads it replaced were feeding. Dead code goes
 * last but one, and the layout, which only orders blocks, is last. */
static const ir_pass_t passes[] = {
    {"inline", NULL, pass_inline},
    {"copy", pass_copy, NULL},
    {"fold", pass_fold, NULL},
    {"strength", pass_strength, NULL},
    {"gvn", pass_gvn, NULL},
    {"branch", pass_branch, NULL},
    {"copy", pass_copy, NULL},
    {"licm", pass_licm, NULL},
    {"loads", pass_loads, NULL},
    {"gvn", pass_gvn, NULL},
    {"dce", pass_dce, NULL},
    {"layout", pass_layout, NULL},
};
enum { N_PASSES = sizeof passes / sizeof passes[0] };

const ir_pass_t *
pipeline_find(const char *name, size_t len)
{
    for (unsigned i = 0; i < N_PASSES; i++)
        if (strlen(passes[i].name) == len && memcmp(passes[i].name, name, len) == 0)
            return &passes[i];
    return NULL;
}

void
pipeline_env_init(pipeline_env_t *env, const sl_module_t *module)
{
    env->module = module;
    env->inline_max_body = PIPELINE_INLINE_MAX_BODY;
    env->inline_max_depth = PIPELINE_INLINE_MAX_DEPTH;
}

static int
run_one(ir_func_t *f, const pipeline_env_t *env, const ir_pass_t *pass, bool verify,
        sl_error_t *err)
{
    arena_t scratch;
    arena_init(&scratch, f->arena->budget);
    int rc = pass->run_env ? pass->run_env(f, env, &scratch) : pass->run(f, &scratch);
    arena_fini(&scratch);
    if (!rc)
        rc = f->status;
    if (rc) {
        error_set(err, rc, SL_NO_SECTION, 0, "pass %s: %s", pass->name, sl_strerror(rc));
        return rc;
    }
    if (verify) {
        sl_error_t detail = {0};
        rc = ir_verify(f, &detail);
        if (rc)
            error_set(err, rc, SL_NO_SECTION, 0, "after pass %s: %s", pass->name, detail.message);
    }
    return rc;
}

int
pipeline_run(ir_func_t *f, const char *names, bool verify, sl_error_t *err)
{
    return pipeline_run_env(f, NULL, names, verify, err);
}

int
pipeline_run_env(ir_func_t *f, const pipeline_env_t *env, const char *names, bool verify,
                 sl_error_t *err)
{
    if (!names) {
        for (unsigned i = 0; i < N_PASSES; i++) {
            int rc = run_one(f, env, &passes[i], verify, err);
            if (rc)
                return rc;
        }
        return 0;
    }
    for (const char *p = names; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if (!len)
            break;
        const ir_pass_t *pass = pipeline_find(p, len);
        if (!pass) {
            error_set(err, SL_EARG, SL_NO_SECTION, 0, "no pass called '%.*s'", (int)len, p);
            return SL_EARG;
        }
        int rc = run_one(f, env, pass, verify, err);
        if (rc)
            return rc;
        p += len;
    }
    return 0;
}
