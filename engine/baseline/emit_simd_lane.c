/* v128 memory forms (loads, stores, splats, zero-extending and lane loads and stores, each a
 * registered trap site like scalar accesses) and lane instructions: splat, extract and replace
 * lane, shuffle, swizzle, bitwise operations, any_true, all_true and bitmask. */
#include "baseline_impl.h"

bool
emit_simd_lane(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    (void)imm;
    return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                         sl_opcode_info[op].text);
}
