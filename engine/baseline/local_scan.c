/* Which locals deserve a register: a quick pass over a body's instructions before it is
 * compiled, counting local.get/set/tee with more weight inside loops (a use in a loop runs many
 * times). It decodes with the validator's own readers but validates nothing: the real pass does,
 * so on bytes that do not decode this one simply stops early. */
#include <string.h>

#include "baseline_impl.h"

enum { MAX_TRACKED_DEPTH = 64, MAX_WEIGHT_SHIFT = 12 };

void
scan_local_uses(body_validator_t *v, uint64_t *uses)
{
    reader_t saved = v->r;
    sl_error_t ignored; /* an encoding error here is the real pass's to report */
    v->r.err = &ignored;
    if (v->n_locals)
        memset(uses, 0, v->n_locals * sizeof *uses);
    uint64_t loops = 0; /* bit d: the block at depth d is a loop */
    unsigned depth = 0, loop_depth = 0;
    while (v->r.p < v->r.end) {
        unsigned op = 0;
        if (!read_opcode(v, &op))
            break;
        if (op == SL_OP_LOCAL_GET || op == SL_OP_LOCAL_SET || op == SL_OP_LOCAL_TEE) {
            uint32_t index;
            if (!reader_u32(&v->r, &index))
                break;
            unsigned shift = 3 * loop_depth;
            if (index < v->n_locals)
                uses[index] += UINT64_C(1) << (shift < MAX_WEIGHT_SHIFT ? shift : MAX_WEIGHT_SHIFT);
            continue;
        }
        if (!skip_immediates(v, &sl_opcode_info[op]))
            break;
        if (op == SL_OP_BLOCK || op == SL_OP_LOOP || op == SL_OP_IF) {
            if (op == SL_OP_LOOP && depth < MAX_TRACKED_DEPTH) {
                loops |= UINT64_C(1) << depth;
                loop_depth++;
            }
            depth++;
        } else if (op == SL_OP_END && depth > 0) {
            depth--;
            if (depth < MAX_TRACKED_DEPTH && (loops >> depth & 1)) {
                loops &= ~(UINT64_C(1) << depth);
                loop_depth--;
            }
        }
    }
    v->r = saved;
}
