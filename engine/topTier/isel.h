/* Instruction selection: an IR function (ir.h) becomes machine IR (mach.h) on virtual registers.
 *
 * What it does beyond one pattern per op: constants become immediates where x86 takes them
 * (and otherwise instructions regalloc can repeat instead of spilling), a comparison used only
 * by the branch, select or trap after it stays in the flags (cmp + jcc), memory accesses address
 * [r15 + index + offset] with constant addresses folded, and edges that need moves of their own
 * (a branch with several successors into a block with several incoming edges) get a block.
 *
 * Calls keep the baseline's convention (vmctx.h), so code of either tier calls the other through
 * the jump table. Unreachable blocks are left out.
 *
 * `module` gives call signatures and the function's index for the tier-up budget; it may be NULL
 * for IR read from text, whose calls then take their types from the IR. Errors: SL_ENOTSUP
 * ("the top tier does not compile OP yet") for an op it has no pattern for, SL_ELIMIT /
 * SL_ENOMEM from the arena. Threading: one thread per call. */
#ifndef SL_TOPTIER_ISEL_H
#define SL_TOPTIER_ISEL_H

#include "mach.h"
#include "module.h"

typedef struct isel_options {
    const sl_module_t *module; /* may be NULL */
    uint32_t func_index;       /* with a module: the function's index, imports included */
    bool has_avx;              /* VEX three-operand forms allowed */
} isel_options_t;

int isel_run(const ir_func_t *f, const isel_options_t *opts, arena_t *arena, mfunc_t **out,
             sl_error_t *err);

#endif
