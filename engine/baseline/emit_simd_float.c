/* v128 float lanes: f32x4 and f64x2 arithmetic, min/max with the spec's NaN and signed-zero
 * rules, rounding, comparisons, and conversions between float and integer lanes. */
#include "baseline_impl.h"

bool
emit_simd_float(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    (void)imm;
    return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                         sl_opcode_info[op].text);
}
