/* Instruction selection of calls, memory and variables (isel_impl.h). */
#include "isel_impl.h"

bool
isel_call(isel_t *s, ir_ref_t r)
{
    return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet",
                     ir_op_name(ir_insn(s->f, r)->op));
}

bool
isel_memory(isel_t *s, ir_ref_t r)
{
    return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet",
                     ir_op_name(ir_insn(s->f, r)->op));
}
