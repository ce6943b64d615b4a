/* The pass table and its runner (pipeline.h). */
#include "pipeline.h"

#include <string.h>

#include "error.h"

/* In pipeline order; a pass may come back when an earlier one leaves it more to do. Folding
 * first gives strength reduction its constant divisors; value numbering then merges the
 * constants and shifts it emits. Branch folding leaves parameters every edge passes the same
 * value to, so copy propagation runs again. The loads pass sees addresses value numbering has
 * merged, and a second numbering merges what the loads it replaced were feeding. Dead code goes
 * last but one, and the layout, which only orders blocks, is last. */
static const ir_pass_t passes[] = {
    {"copy", pass_copy},
    {"fold", pass_fold},
    {"strength", pass_strength},
    {"gvn", pass_gvn},
    {"branch", pass_branch},
    {"copy", pass_copy},
    {"licm", pass_licm},
    {"loads", pass_loads},
    {"gvn", pass_gvn},
    {"dce", pass_dce},
    {"layout", pass_layout},
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

static int
run_one(ir_func_t *f, const ir_pass_t *pass, bool verify, sl_error_t *err)
{
    arena_t scratch;
    arena_init(&scratch, f->arena->budget);
    int rc = pass->run(f, &scratch);
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
    if (!names) {
        for (unsigned i = 0; i < N_PASSES; i++) {
            int rc = run_one(f, &passes[i], verify, err);
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
        int rc = run_one(f, pass, verify, err);
        if (rc)
            return rc;
        p += len;
    }
    return 0;
}
