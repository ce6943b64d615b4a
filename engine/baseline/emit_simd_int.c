/* v128 integer lanes: i8x16, i16x8, i32x4 and i64x2 arithmetic, saturation, shifts,
 * comparisons, narrowing and widening. */
#include "baseline_impl.h"

bool
emit_simd_int(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    (void)imm;
    return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                         sl_opcode_info[op].text);
}
