/* f32 and f64 constants, arithmetic, comparisons and bit operations in SSE scalar instructions
 * (SSE4.1 for rounding), with add, sub, mul and div in their VEX three-operand forms where the
 * CPU has AVX; conversions to and from integers are in emit_convert.c. Only the low 32 or 64
 * bits of an xmm register belong to its value: what lies above is undefined and nothing reads
 * it (the VEX forms copy it from their first source). NaN results are whatever the hardware
 * produces: x86 returns the first NaN operand quieted, or the default NaN when none is an
 * operand, which satisfies the spec's canonical and arithmetic NaN rules. */
#include "baseline_impl.h"

/* The legacy forms, and for the binary arithmetic the AVX ones (NULL for the others). */
typedef struct sse {
    void (*xx)(x64_buf_t *, x64_xreg_t, x64_xreg_t);
    void (*xm)(x64_buf_t *, x64_xreg_t, x64_mem_t);
    void (*xxx)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t);
    void (*xxm)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_mem_t);
} sse_t;

#define SSE(ss, sd) {{x64_##ss##_xx, x64_##ss##_xm}, {x64_##sd##_xx, x64_##sd##_xm}}
#define SSE_AVX(ss, sd)                                                                            \
    {{x64_##ss##_xx, x64_##ss##_xm, x64_v##ss##_xxx, x64_v##ss##_xxm},                             \
     {x64_##sd##_xx, x64_##sd##_xm, x64_v##sd##_xxx, x64_v##sd##_xxm}}

/* Indexed by [operation][is_f64]. */
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MIN, OP_MAX, OP_SQRT, OP_UCOMI, OP_TO_OTHER, N_OPS };
static const sse_t sse[N_OPS][2] = {
    [OP_ADD] = SSE_AVX(addss, addsd),     [OP_SUB] = SSE_AVX(subss, subsd),
    [OP_MUL] = SSE_AVX(mulss, mulsd),     [OP_DIV] = SSE_AVX(divss, divsd),
    [OP_MIN] = SSE(minss, minsd),         [OP_MAX] = SSE(maxss, maxsd),
    [OP_SQRT] = SSE(sqrtss, sqrtsd),      [OP_UCOMI] = SSE(ucomiss, ucomisd),
    [OP_TO_OTHER] = SSE(cvtss2sd, cvtsd2ss),
};

/* roundss/roundsd rounding modes. */
enum { ROUND_NEAREST = 0, ROUND_FLOOR = 1, ROUND_CEIL = 2, ROUND_TRUNC = 3 };

/* dst OP slot `position`, the slot read from its home when it is there: the scalar forms read
 * only the operand's own 4 or 8 bytes. */
static void
apply(baseline_t *b, const sse_t *op, x64_xreg_t dst, uint32_t position)
{
    const vslot_t *s = &b->stack[position];
    if (s->loc == LOC_STACK)
        op->xm(&b->buf, dst, home(b, position));
    else if (s->loc == LOC_LOCAL && local_reg(b, (uint32_t)s->imm) == X64_NO_REG)
        op->xm(&b->buf, dst, local_slot(b, (uint32_t)s->imm));
    else
        op->xx(&b->buf, dst, vs_read_xreg(b, position, X64_REGSET(dst)));
}

/* lhs = lhs OP rhs in lhs's register, which stays on the stack; with AVX, lhs OP rhs into a
 * register of avx_binary's choice, so that a pinned local on the left is not copied first. */
static void
binary(baseline_t *b, const sse_t *op)
{
    uint32_t top = b->depth - 1;
    if (b->has_avx) {
        avx_binary(b, false, b->stack[top - 1].type, op->xxx, op->xxm);
        return;
    }
    x64_xreg_t lhs = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    apply(b, op, lhs, top);
    vs_drop(b, 1);
}

/* The top value replaced by OP of it, with result type `type`: in place when it is in a
 * register, straight from its home into a new one otherwise. */
static void
unary(baseline_t *b, const sse_t *op, uint8_t type)
{
    uint32_t top = b->depth - 1;
    if (b->stack[top].loc == LOC_STACK) {
        x64_xreg_t x = vs_alloc_x(b, 0);
        op->xm(&b->buf, x, home(b, top));
        vs_drop(b, 1);
        vs_push_reg(b, type, (x64_reg_t)x);
        return;
    }
    x64_xreg_t x = vs_to_xreg(b, top, 0);
    op->xx(&b->buf, x, x);
    b->stack[top].type = type;
}

static void
round_to(baseline_t *b, bool is_f64, uint8_t mode)
{
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    (is_f64 ? x64_roundsd_xxi : x64_roundss_xxi)(&b->buf, x, x, mode);
}

/* spec: fmin/fmax: a NaN operand gives a NaN, and -0 is below +0. minss/maxss return the second
 * operand for both, so they only serve for ordered, unequal operands. Equal ones differ at most
 * in the sign of a zero, which or (min) and and (max) merge; a NaN is passed on by an add. */
static void
min_max(baseline_t *b, bool is_f64, bool is_min)
{
    uint32_t top = b->depth - 1;
    x64_xreg_t lhs = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    x64_xreg_t rhs = vs_to_xreg(b, top, X64_REGSET(lhs));
    x64_label_t ordered, nan, done;
    x64_label_init(&ordered);
    x64_label_init(&nan);
    x64_label_init(&done);
    sse[OP_UCOMI][is_f64].xx(&b->buf, lhs, rhs);
    x64_jcc_label(&b->buf, X64_CC_P, &nan);
    x64_jcc_label(&b->buf, X64_CC_NE, &ordered);
    (is_min ? x64_orps_xx : x64_andps_xx)(&b->buf, lhs, rhs);
    x64_jmp_label(&b->buf, &done);
    x64_label_bind(&b->buf, &nan);
    sse[OP_ADD][is_f64].xx(&b->buf, lhs, rhs);
    x64_jmp_label(&b->buf, &done);
    x64_label_bind(&b->buf, &ordered);
    sse[is_min ? OP_MIN : OP_MAX][is_f64].xx(&b->buf, lhs, rhs);
    x64_label_bind(&b->buf, &done);
    vs_drop(b, 1);
}

static uint64_t
sign_bit(bool is_f64)
{
    return is_f64 ? UINT64_C(1) << 63 : UINT64_C(1) << 31;
}

/* SCRATCH_X = the sign bit (is_sign) or every other bit, in each lane: all ones shifted, which
 * needs no general register and no constant in memory. */
static void
sign_mask(baseline_t *b, bool is_f64, bool is_sign)
{
    x64_pcmpeqd_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    if (is_sign)
        (is_f64 ? x64_psllq_xi : x64_pslld_xi)(&b->buf, SCRATCH_X, is_f64 ? 63 : 31);
    else
        (is_f64 ? x64_psrlq_xi : x64_psrld_xi)(&b->buf, SCRATCH_X, 1);
}

/* spec: abs and neg change the sign bit only, NaN payloads included: bit operations, folded
 * into a constant operand. */
static void
abs_neg(baseline_t *b, bool is_f64, bool is_abs)
{
    vslot_t *s = &b->stack[b->depth - 1];
    if (s->loc == LOC_CONST) {
        uint64_t bits = (uint64_t)s->imm;
        s->imm = (int64_t)(is_abs ? bits & ~sign_bit(is_f64) : bits ^ sign_bit(is_f64));
        return;
    }
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    sign_mask(b, is_f64, !is_abs);
    (is_abs ? x64_andps_xx : x64_xorps_xx)(&b->buf, x, SCRATCH_X);
}

/* spec: copysign takes lhs's magnitude and rhs's sign bit, also of NaNs. */
static void
copy_sign(baseline_t *b, bool is_f64)
{
    uint32_t top = b->depth - 1;
    const vslot_t *rhs = &b->stack[top];
    if (rhs->loc == LOC_CONST) { /* the sign is known: an abs, maybe negated */
        bool is_negative = ((uint64_t)rhs->imm & sign_bit(is_f64)) != 0;
        vs_drop(b, 1);
        abs_neg(b, is_f64, true);
        if (is_negative)
            abs_neg(b, is_f64, false);
        return;
    }
    x64_xreg_t lhs = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    x64_xreg_t sign = vs_to_xreg(b, top, X64_REGSET(lhs));
    sign_mask(b, is_f64, false);
    x64_andps_xx(&b->buf, lhs, SCRATCH_X);
    x64_andnps_xx(&b->buf, SCRATCH_X, sign);
    x64_orps_xx(&b->buf, lhs, SCRATCH_X);
    vs_drop(b, 1);
}

/* A comparison into 0 or 1 in a new general register. `cc` reads the flags of ucomis on the
 * operands in stack order, or swapped (lt and le become gt and ge) so that a NaN, which sets
 * ZF, PF and CF, fails every condition: above and above-or-equal test CF. eq and ne also look
 * at PF, through a cmov from the scratch register. */
static void
compare(baseline_t *b, bool is_f64, x64_cc_t cc, bool is_swapped)
{
    uint32_t top = b->depth - 1;
    uint32_t left = is_swapped ? top : top - 1, right = is_swapped ? top - 1 : top;
    x64_xreg_t x = vs_to_xreg(b, left, vs_xmm_of(b, right));
    if (b->stack[right].loc != LOC_STACK)
        vs_to_xreg(b, right, X64_REGSET(x));
    x64_reg_t r = vs_alloc(b, 0);
    /* zeroing clobbers the flags, so it comes first; mov leaves them alone */
    x64_xor_rr(&b->buf, 4, r, r);
    if (cc == X64_CC_E || cc == X64_CC_NE)
        x64_mov_ri(&b->buf, 4, SCRATCH, cc == X64_CC_NE); /* the unordered result */
    apply(b, &sse[OP_UCOMI][is_f64], x, right);
    x64_setcc_r(&b->buf, cc, r);
    if (cc == X64_CC_E || cc == X64_CC_NE)
        x64_cmovcc_rr(&b->buf, 4, X64_CC_P, r, SCRATCH);
    vs_drop(b, 2);
    vs_push_reg(b, SL_TYPE_I32, r);
}

bool
emit_float(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    switch (op) {
    case SL_OP_F32_CONST: return vs_push_const(b, SL_TYPE_F32, imm->u.f32_bits);
    case SL_OP_F64_CONST: return vs_push_const(b, SL_TYPE_F64, (int64_t)imm->u.f64_bits);

#define ARITH(W, is_f64)                                                                           \
    case SL_OP_##W##_ADD: binary(b, &sse[OP_ADD][is_f64]); return true;                            \
    case SL_OP_##W##_SUB: binary(b, &sse[OP_SUB][is_f64]); return true;                            \
    case SL_OP_##W##_MUL: binary(b, &sse[OP_MUL][is_f64]); return true;                            \
    case SL_OP_##W##_DIV: binary(b, &sse[OP_DIV][is_f64]); return true;                            \
    case SL_OP_##W##_MIN: min_max(b, is_f64, true); return true;                                   \
    case SL_OP_##W##_MAX: min_max(b, is_f64, false); return true;                                  \
    case SL_OP_##W##_COPYSIGN: copy_sign(b, is_f64); return true;                                  \
    case SL_OP_##W##_ABS: abs_neg(b, is_f64, true); return true;                                   \
    case SL_OP_##W##_NEG: abs_neg(b, is_f64, false); return true;                                  \
    case SL_OP_##W##_SQRT: unary(b, &sse[OP_SQRT][is_f64], SL_TYPE_##W); return true;              \
    case SL_OP_##W##_CEIL: round_to(b, is_f64, ROUND_CEIL); return true;                           \
    case SL_OP_##W##_FLOOR: round_to(b, is_f64, ROUND_FLOOR); return true;                         \
    case SL_OP_##W##_TRUNC: round_to(b, is_f64, ROUND_TRUNC); return true;                         \
    case SL_OP_##W##_NEAREST: round_to(b, is_f64, ROUND_NEAREST); return true;                     \
    case SL_OP_##W##_EQ: compare(b, is_f64, X64_CC_E, false); return true;                         \
    case SL_OP_##W##_NE: compare(b, is_f64, X64_CC_NE, false); return true;                        \
    case SL_OP_##W##_LT: compare(b, is_f64, X64_CC_A, true); return true;                          \
    case SL_OP_##W##_GT: compare(b, is_f64, X64_CC_A, false); return true;                         \
    case SL_OP_##W##_LE: compare(b, is_f64, X64_CC_AE, true); return true;                         \
    case SL_OP_##W##_GE: compare(b, is_f64, X64_CC_AE, false); return true;
    ARITH(F32, false)
    ARITH(F64, true)
#undef ARITH

    /* spec: promote and demote quiet a NaN and keep what of its payload fits (arithmetic) */
    case SL_OP_F64_PROMOTE_F32: unary(b, &sse[OP_TO_OTHER][0], SL_TYPE_F64); return true;
    case SL_OP_F32_DEMOTE_F64: unary(b, &sse[OP_TO_OTHER][1], SL_TYPE_F32); return true;
    default: return emit_convert(b, op);
    }
}
