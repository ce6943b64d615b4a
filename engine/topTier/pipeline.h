/* The pass pipeline of the top tier: an ordered table of passes, each one file (pass_*.c), and a
 * runner that verifies the IR after each pass in debug and test builds and names the pass that
 * broke it.
 *
 * A pass takes the function and a scratch arena (emptied after the pass), and one that reads
 * more than the function (inlining) the environment too; it returns 0 or the arena's SL_ELIMIT /
 * SL_ENOMEM and does not fail otherwise. The environment and its module are only read.
 * Threading: as the function (the module may be shared: it is immutable once decoded).
 */
#ifndef SL_TOPTIER_PIPELINE_H
#define SL_TOPTIER_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "ir.h"

/* What a pass may read besides the function: the module it comes from and the inliner's limits.
 * Without a module (text IR) the passes that need one do nothing. */
typedef struct pipeline_env {
    const sl_module_t *module;
    uint32_t inline_max_body;  /* bytes of a callee's body; longer ones stay calls; 0: none */
    uint32_t inline_max_depth; /* calls in inlined code inlined in turn, this deep; 0: none */
} pipeline_env_t;

enum { PIPELINE_INLINE_MAX_BODY = 40, PIPELINE_INLINE_MAX_DEPTH = 2 };

/* The defaults above, for functions of `module`. */
void pipeline_env_init(pipeline_env_t *env, const sl_module_t *module);

typedef int (*ir_pass_cb)(ir_func_t *f, arena_t *scratch);
typedef int (*ir_env_pass_cb)(ir_func_t *f, const pipeline_env_t *env, arena_t *scratch);

typedef struct ir_pass {
    const char *name;
    ir_pass_cb run;
    ir_env_pass_cb run_env; /* instead of run, for a pass that reads the environment */
} ir_pass_t;

int pass_inline(ir_func_t *f, const pipeline_env_t *env, arena_t *scratch);

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
 * is NULL, with `env` (NULL: none). An unknown name is SL_EARG. With `verify`, a verifier
 * failure after a pass is SL_EINVALID with "after pass NAME: ..." in err. */
int pipeline_run_env(ir_func_t *f, const pipeline_env_t *env, const char *passes, bool verify,
                     sl_error_t *err);
/* pipeline_run_env without an environment: text IR, or a function alone. */
int pipeline_run(ir_func_t *f, const char *passes, bool verify, sl_error_t *err);

#endif
