/* The pass pipeline of the top tier: an ordered table of passes, each one file (pass_*.c), and a
 * runner that verifies the IR after each pass in debug and test builds and names the pass that
 * broke it.
 *
 * A pass takes the function and a scratch arena (emptied after the pass) and returns 0 or the
 * arena's SL_ELIMIT / SL_ENOMEM; passes do not fail otherwise. Threading: as the function.
 */
#ifndef SL_TOPTIER_PIPELINE_H
#define SL_TOPTIER_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "ir.h"

typedef int (*ir_pass_cb)(ir_func_t *f, arena_t *scratch);

typedef struct ir_pass {
    const char *name;
    ir_pass_cb run;
} ir_pass_t;

int pass_copy(ir_func_t *f, arena_t *scratch);
int pass_fold(ir_func_t *f, arena_t *scratch);
int pass_gvn(ir_func_t *f, arena_t *scratch);
int pass_strength(ir_func_t *f, arena_t *scratch);
int pass_branch(ir_func_t *f, arena_t *scratch);
int pass_licm(ir_func_t *f, arena_t *scratch);
int pass_loads(ir_func_t *f, arena_t *scratch);
int pass_dce(ir_func_t *f, arena_t *scratch);
int pass_layout(ir_func_t *f, arena_t *scratch);

#ifdef NDEBUG
#define PIPELINE_VERIFY false
#else
#define PIPELINE_VERIFY true
#endif

/* The pass called name[0..len), or NULL. */
const ir_pass_t *pipeline_find(const char *name, size_t len);
/* Runs the comma-separated passes of `passes` ("fold,dce"), or the whole table in order when it
 * is NULL. An unknown name is SL_EARG. With `verify`, a verifier failure after a pass is
 * SL_EINVALID with "after pass NAME: ..." in err. */
int pipeline_run(ir_func_t *f, const char *passes, bool verify, sl_error_t *err);

#endif
