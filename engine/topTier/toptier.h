/* The top tier as a compiler of the tier table (compile_impl.h): one function body through
 * build → pipeline → isel → regalloc → emit, in an arena of its own that is freed when the code
 * has been handed over.
 *
 * What it declines: SL_ENOTSUP for an instruction the back end has no pattern for (none is left)
 * or an inconsistency it finds in its own work (a pass that breaks the IR, a register the
 * allocator finds unwritten), SL_ELIMIT for a function past a bound of the builder, a pass or
 * the allocator. The compile layer then
 * compiles that function with the baseline and counts it (sl_module_stats.funcs_top says how many
 * the top tier compiled). Validation errors are the validator's, as for the baseline.
 *
 * Threading: a toptier_t belongs to one thread at a time and is reused from body to body; the
 * code handed out is valid until its next compile. */
#ifndef SL_TOPTIER_H
#define SL_TOPTIER_H

#include "isel.h"
#include "jump_table.h"
#include "module.h"

/* Peak memory of one function's compile (the bound): past it, SL_ELIMIT. */
#define TOPTIER_ARENA_BUDGET (64u << 20)

typedef struct toptier toptier_t;

int toptier_new(const sl_limits_t *limits, bool has_avx, toptier_t **out);
void toptier_free(toptier_t *t); /* NULL is a no-op */

/* Validates and compiles defined function `func_index` (imports included in the index). */
int toptier_compile(toptier_t *t, const sl_module_t *m, uint32_t func_index,
                    compiled_code_t *out, sl_error_t *err);

/* The back end's stages on an IR function, for dumps and tests: machine IR after instruction
 * selection, and after register allocation when `allocate` is set. In `arena`. */
int toptier_lower(const ir_func_t *f, const isel_options_t *opts, bool allocate, arena_t *arena,
                  mfunc_t **out, sl_error_t *err);

#endif
