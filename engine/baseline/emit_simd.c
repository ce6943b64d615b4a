/* v128: the 0xFD opcodes. This file dispatches them and holds what the families share: the
 * function's pool of 16-byte constants. Families live in their own files (emit_simd_*.c).
 *
 * Constants are loaded from a pool placed after the function's code, 16-byte aligned (blocks of
 * code are, see CODESPACE_ALIGN), so SSE instructions may read them as memory operands. */
#include <string.h>

#include "baseline_impl.h"

static bool
not_yet(baseline_t *b, unsigned op)
{
    return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                         sl_opcode_info[op].text);
}

static x64_label_t *
simd_const_label(baseline_t *b, const uint8_t bytes[16])
{
    for (uint32_t i = 0; i < b->n_pool; i++)
        if (memcmp(b->pool[i].bytes, bytes, 16) == 0)
            return &b->pool[i].label;
    if (!BASELINE_RESERVE(b, pool, b->n_pool + 1, VEC_NO_LIMIT, "constant pool"))
        return NULL;
    pool_entry_t *e = &b->pool[b->n_pool++];
    memcpy(e->bytes, bytes, 16);
    x64_label_init(&e->label);
    return &e->label;
}

void
simd_use_const(baseline_t *b, const uint8_t bytes[16])
{
    x64_label_t *label = simd_const_label(b, bytes);
    if (label)
        x64_label_use(&b->buf, label);
}

void
simd_xm_const(baseline_t *b, xm_fn op, x64_xreg_t dst, const uint8_t bytes[16])
{
    op(&b->buf, dst, x64_mem_rip(0));
    simd_use_const(b, bytes);
}

void
simd_xm_splat(baseline_t *b, xm_fn op, x64_xreg_t dst, uint64_t lane, unsigned size)
{
    uint8_t bytes[16];
    for (unsigned i = 0; i < 16; i++)
        bytes[i] = (uint8_t)(lane >> (8 * (i % size)));
    simd_xm_const(b, op, dst, bytes);
}

bool
simd_push_const(baseline_t *b, const uint8_t bytes[16])
{
    static const uint8_t zeros[16], ones[16] = {255, 255, 255, 255, 255, 255, 255, 255,
                                                255, 255, 255, 255, 255, 255, 255, 255};
    x64_xreg_t x = vs_alloc_x(b, 0);
    if (memcmp(bytes, zeros, 16) == 0) {
        x64_pxor_xx(&b->buf, x, x);
    } else if (memcmp(bytes, ones, 16) == 0) {
        x64_pcmpeqd_xx(&b->buf, x, x);
    } else {
        x64_movdqu_xm(&b->buf, x, x64_mem_rip(0));
        simd_use_const(b, bytes);
    }
    return vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)x);
}

void
simd_emit_pool(baseline_t *b)
{
    if (b->n_pool == 0)
        return;
    size_t pad = (16 - x64_buf_offset(&b->buf) % 16) % 16;
    for (size_t i = 0; i < pad; i++)
        x64_emit8(&b->buf, 0xcc); /* never executed */
    for (uint32_t i = 0; i < b->n_pool; i++) {
        x64_label_bind(&b->buf, &b->pool[i].label);
        for (unsigned k = 0; k < 16; k++)
            x64_emit8(&b->buf, b->pool[i].bytes[k]);
    }
}

/* Which family file compiles an opcode: memory forms and lane movement, float lanes (an f32x4
 * or f64x2 operand or result, or a conversion from one), or integer lanes. */
bool
emit_simd(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    if (op == SL_OP_V128_CONST)
        return simd_push_const(b, imm->bytes);
    const sl_opcode_info_t *info = &sl_opcode_info[op];
    const char *text = info->text;
    switch (info->imm) {
    case SL_IMM_MEMARG:
    case SL_IMM_MEMARG_LANE:
    case SL_IMM_LANE:
    case SL_IMM_SHUFFLE:
        return emit_simd_lane(b, op, imm);
    default:
        break;
    }
    if (strncmp(text, "v128.", 5) == 0 || strstr(text, ".splat") || strstr(text, "swizzle") ||
        strstr(text, "all_true") || strstr(text, "bitmask"))
        return emit_simd_lane(b, op, imm);
    if (strncmp(text, "f32x4.", 6) == 0 || strncmp(text, "f64x2.", 6) == 0 ||
        strstr(text, "_f32x4") || strstr(text, "_f64x2"))
        return emit_simd_float(b, op, imm);
    if (strncmp(text, "i8x16.", 6) == 0 || strncmp(text, "i16x8.", 6) == 0 ||
        strncmp(text, "i32x4.", 6) == 0 || strncmp(text, "i64x2.", 6) == 0)
        return emit_simd_int(b, op, imm);
    return not_yet(b, op);
}
