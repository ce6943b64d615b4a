/* Emission of scalar float operations and conversions (emit_impl.h), in SSE4.1. The sequences
 * for min/max, copysign, comparisons and the conversions are the baseline's (emit_float.c,
 * emit_convert.c) over allocated registers: operands are never overwritten unless they are
 * the result, and the u64 conversions work in their temporary. Only the low 32 or 64 bits of an
 * xmm register belong to a scalar; NaN results are what the hardware gives, which meets the
 * spec's canonical and arithmetic NaN rules. */
#include "emit_impl.h"

typedef void (*xx_fn)(x64_buf_t *, x64_xreg_t, x64_xreg_t);
typedef void (*xm_fn)(x64_buf_t *, x64_xreg_t, x64_mem_t);

typedef struct sse {
    xx_fn xx[2]; /* ss, sd */
    xm_fn xm[2];
} sse_t;

#define SSE(ss, sd) {{x64_##ss##_xx, x64_##sd##_xx}, {x64_##ss##_xm, x64_##sd##_xm}}
static const sse_t sse_add = SSE(addss, addsd), sse_sub = SSE(subss, subsd),
                   sse_mul = SSE(mulss, mulsd), sse_div = SSE(divss, divsd),
                   sse_min = SSE(minss, minsd), sse_max = SSE(maxss, maxsd),
                   sse_sqrt = SSE(sqrtss, sqrtsd), sse_ucomi = SSE(ucomiss, ucomisd);
#undef SSE

/* Float bit patterns of -2^63 and 2^63, the edges of the i64 range, both exact. */
#define F32_MINUS_2P63 0xDF000000u
#define F32_2P63 0x5F000000u
#define F64_MINUS_2P63 UINT64_C(0xC3E0000000000000)
#define F64_2P63 UINT64_C(0x43E0000000000000)

static void
apply(emitter_t *e, const sse_t *op, bool is_f64, x64_xreg_t dst, const mopnd_t *src)
{
    if (src->kind == MO_MEM)
        op->xm[is_f64](e->b, dst, mem(src));
    else
        op->xx[is_f64](e->b, dst, xmm(src));
}

/* spec: fmin/fmax: a NaN operand gives a NaN, and -0 is below +0. minss/maxss return the second
 * operand for both, so they serve only for ordered, unequal operands; equal ones differ at most
 * in the sign of a zero, which or (min) and and (max) merge; a NaN is passed on by an add. */
static void
min_max(emitter_t *e, bool is_f64, bool is_min, x64_xreg_t lhs, x64_xreg_t rhs)
{
    x64_buf_t *b = e->b;
    x64_label_t ordered, nan, done;
    x64_label_init(&ordered);
    x64_label_init(&nan);
    x64_label_init(&done);
    sse_ucomi.xx[is_f64](b, lhs, rhs);
    x64_jcc_label(b, X64_CC_P, &nan);
    x64_jcc_label(b, X64_CC_NE, &ordered);
    (is_min ? x64_orps_xx : x64_andps_xx)(b, lhs, rhs);
    x64_jmp_label(b, &done);
    x64_label_bind(b, &nan);
    sse_add.xx[is_f64](b, lhs, rhs);
    x64_jmp_label(b, &done);
    x64_label_bind(b, &ordered);
    (is_min ? &sse_min : &sse_max)->xx[is_f64](b, lhs, rhs);
    x64_label_bind(b, &done);
}

/* SCRATCH_X = the sign bit (is_sign) or every other bit: all ones shifted. */
static void
sign_mask(emitter_t *e, bool is_f64, bool is_sign)
{
    x64_pcmpeqd_xx(e->b, SCRATCH_X, SCRATCH_X);
    if (is_sign)
        (is_f64 ? x64_psllq_xi : x64_pslld_xi)(e->b, SCRATCH_X, is_f64 ? 63 : 31);
    else
        (is_f64 ? x64_psrlq_xi : x64_psrld_xi)(e->b, SCRATCH_X, 1);
}

/* A comparison into 0 or 1: eq and ne also look at the parity flag (unordered), through a cmov
 * from the scratch register. The zeroing clobbers the flags, so it comes first. */
static void
compare(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    bool is_f64 = i->size == 8;
    x64_reg_t r = gp(&i->o[0]);
    x64_cc_t cc = (x64_cc_t)i->cc;
    bool has_parity = cc == X64_CC_E || cc == X64_CC_NE;
    x64_xor_rr(b, 4, r, r);
    if (has_parity)
        x64_mov_ri(b, 4, SCRATCH, cc == X64_CC_NE);
    sse_ucomi.xx[is_f64](b, xmm(&i->o[1]), xmm(&i->o[2]));
    x64_setcc_r(b, cc, r);
    if (has_parity)
        x64_cmovcc_rr(b, 4, X64_CC_P, r, SCRATCH);
}

/* ---- float to integer ---- */

static void
cvtt(emitter_t *e, bool is_f64, unsigned size, x64_reg_t r, x64_xreg_t x)
{
    (is_f64 ? x64_cvttsd2si_rx : x64_cvttss2si_rx)(e->b, size, r, x);
}

/* SCRATCH_X = the float with bit pattern `bits`. */
static void
load_scratch(emitter_t *e, bool is_f64, uint64_t bits)
{
    x64_mov_ri(e->b, is_f64 ? 8 : 4, SCRATCH, (int64_t)bits);
    (is_f64 ? x64_movq_xr : x64_movd_xr)(e->b, SCRATCH_X, SCRATCH);
}

/* After a failed range check: spec: NaN is an invalid conversion, anything else an overflow. */
static void
trap_nan_or_overflow(emitter_t *e, bool is_f64, x64_xreg_t x)
{
    sse_ucomi.xx[is_f64](e->b, x, x);
    x64_jcc_label(e->b, X64_CC_P, emitter_trap_label(e, SL_TRAP_INVALID_CONVERSION));
    x64_jmp_label(e->b, emitter_trap_label(e, SL_TRAP_INT_OVERFLOW));
}

/* i32.trunc_*: a 64-bit conversion is exact for every float in the i32 and u32 ranges and
 * beyond, so the integer is checked for fitting, and the float looked at only when not. */
static void
trunc_i32(emitter_t *e, bool is_f64, bool is_signed, x64_reg_t r, x64_xreg_t x)
{
    x64_buf_t *b = e->b;
    x64_label_t ok;
    x64_label_init(&ok);
    cvtt(e, is_f64, 8, r, x);
    if (is_signed) {
        x64_movsx_rr(b, 8, SCRATCH, r, 4);
        x64_cmp_rr(b, 8, SCRATCH, r);
    } else {
        x64_mov_rr(b, 8, SCRATCH, r);
        x64_shr_ri(b, 8, SCRATCH, 32);
    }
    x64_jcc_label(b, X64_CC_E, &ok);
    trap_nan_or_overflow(e, is_f64, x);
    x64_label_bind(b, &ok);
    if (is_signed)
        x64_mov_rr(b, 4, r, r); /* an i32 in a register is zero-extended */
}

/* i64.trunc_*_s: the indefinite value INT64_MIN is also the conversion of -2^63 (the only float
 * that truncates to it), so it is checked when it comes out; cmp r, 1 overflows for it alone. */
static void
trunc_i64_s(emitter_t *e, bool is_f64, x64_reg_t r, x64_xreg_t x)
{
    x64_buf_t *b = e->b;
    x64_label_t ok;
    x64_label_init(&ok);
    cvtt(e, is_f64, 8, r, x);
    x64_cmp_ri(b, 8, r, 1);
    x64_jcc_label(b, X64_CC_NO, &ok);
    load_scratch(e, is_f64, is_f64 ? F64_MINUS_2P63 : F32_MINUS_2P63);
    sse_ucomi.xx[is_f64](b, x, SCRATCH_X);
    x64_jcc_label(b, X64_CC_P, emitter_trap_label(e, SL_TRAP_INVALID_CONVERSION));
    x64_jcc_label(b, X64_CC_NE, emitter_trap_label(e, SL_TRAP_INT_OVERFLOW));
    x64_label_bind(b, &ok);
}

/* The u64 truncations: below 2^63 (or NaN) a signed conversion, out of range when negative;
 * from 2^63 on (at `big`), a signed conversion of x - 2^63 (exact) in the temporary, with the
 * top bit set back. This is the first part; it leaves the flags of `test r, r` and 2^63 in
 * SCRATCH_X. */
static void
trunc_u64_first(emitter_t *e, bool is_f64, x64_reg_t r, x64_xreg_t x, x64_label_t *big)
{
    load_scratch(e, is_f64, is_f64 ? F64_2P63 : F32_2P63);
    sse_ucomi.xx[is_f64](e->b, x, SCRATCH_X);
    x64_jcc_label(e->b, X64_CC_AE, big);
    cvtt(e, is_f64, 8, r, x);
    x64_test_rr(e->b, 8, r, r);
}

/* i64.trunc_*_u traps out of range; spec: trunc_sat_u to i64 gives 0 below the range and for
 * NaN, UINT64_MAX above it (where the second conversion gives the indefinite value, negative). */
static void
trunc_u64(emitter_t *e, bool is_f64, bool is_sat, x64_reg_t r, x64_xreg_t x, x64_xreg_t tmp)
{
    x64_buf_t *b = e->b;
    x64_label_t big, done;
    x64_label_init(&big);
    x64_label_init(&done);
    trunc_u64_first(e, is_f64, r, x, &big);
    x64_jcc_label(b, X64_CC_NS, &done);
    if (is_sat) {
        x64_xor_rr(b, 4, r, r);
        x64_jmp_label(b, &done);
    } else {
        trap_nan_or_overflow(e, is_f64, x);
    }
    x64_label_bind(b, &big);
    x64_movaps_xx(b, tmp, x);
    sse_sub.xx[is_f64](b, tmp, SCRATCH_X);
    cvtt(e, is_f64, 8, r, tmp);
    x64_test_rr(b, 8, r, r);
    if (is_sat) {
        x64_mov_ri(b, 8, SCRATCH, -1);
        x64_cmovcc_rr(b, 8, X64_CC_S, r, SCRATCH);
    } else {
        x64_jcc_label(b, X64_CC_S, emitter_trap_label(e, SL_TRAP_INT_OVERFLOW));
    }
    x64_mov_ri(b, 8, SCRATCH, INT64_MIN);
    x64_or_rr(b, 8, r, SCRATCH);
    x64_label_bind(b, &done);
}

/* spec: trunc_sat_s: NaN is 0, out of range the nearest end. The indefinite value is already
 * the low end; when it comes out, x's sign tells the high end, and the parity flag a NaN. */
static void
trunc_sat_s(emitter_t *e, bool is_f64, unsigned size, x64_reg_t r, x64_xreg_t x)
{
    x64_buf_t *b = e->b;
    x64_label_t done;
    x64_label_init(&done);
    cvtt(e, is_f64, size, r, x);
    x64_cmp_ri(b, size, r, 1);
    x64_jcc_label(b, X64_CC_NO, &done);
    x64_xorps_xx(b, SCRATCH_X, SCRATCH_X);
    sse_ucomi.xx[is_f64](b, x, SCRATCH_X);
    x64_mov_ri(b, size, SCRATCH, size == 4 ? INT32_MAX : INT64_MAX);
    x64_cmovcc_rr(b, size, X64_CC_A, r, SCRATCH);
    x64_mov_ri(b, 4, SCRATCH, 0);
    x64_cmovcc_rr(b, size, X64_CC_P, r, SCRATCH);
    x64_label_bind(b, &done);
}

/* spec: trunc_sat_u to i32: through a 64-bit conversion; out of range, a positive x gives
 * UINT32_MAX, anything else (negative, NaN) 0. */
static void
trunc_sat_u32(emitter_t *e, bool is_f64, x64_reg_t r, x64_xreg_t x)
{
    x64_buf_t *b = e->b;
    x64_label_t done;
    x64_label_init(&done);
    cvtt(e, is_f64, 8, r, x);
    x64_mov_rr(b, 8, SCRATCH, r);
    x64_shr_ri(b, 8, SCRATCH, 32);
    x64_jcc_label(b, X64_CC_E, &done);
    x64_xorps_xx(b, SCRATCH_X, SCRATCH_X);
    sse_ucomi.xx[is_f64](b, x, SCRATCH_X);
    x64_mov_ri(b, 4, r, UINT32_MAX);
    x64_mov_ri(b, 4, SCRATCH, 0);
    x64_cmovcc_rr(b, 4, X64_CC_BE, r, SCRATCH);
    x64_label_bind(b, &done);
}

static void
float_to_int(emitter_t *e, const minsn_t *i)
{
    bool is_f64 = (i->aux & FTOI_F64) != 0;
    unsigned size = i->size;
    x64_reg_t r = gp(&i->o[0]);
    x64_xreg_t x = xmm(&i->o[1]);
    x64_xreg_t tmp = i->n_opnds > 2 ? xmm(&i->o[2]) : SCRATCH_X;
    switch (i->aux & ~(unsigned)FTOI_F64) {
    case FTOI_S:
        if (size == 4)
            trunc_i32(e, is_f64, true, r, x);
        else
            trunc_i64_s(e, is_f64, r, x);
        break;
    case FTOI_U:
        if (size == 4)
            trunc_i32(e, is_f64, false, r, x);
        else
            trunc_u64(e, is_f64, false, r, x, tmp);
        break;
    case FTOI_SAT_S: trunc_sat_s(e, is_f64, size, r, x); break;
    default:
        if (size == 4)
            trunc_sat_u32(e, is_f64, r, x);
        else
            trunc_u64(e, is_f64, true, r, x, tmp);
        break;
    }
}

/* ---- integer to float ---- */

static void
cvtsi2s(emitter_t *e, bool is_f64, unsigned size, x64_xreg_t x, x64_reg_t r)
{
    (is_f64 ? x64_cvtsi2sd_xr : x64_cvtsi2ss_xr)(e->b, size, x, r);
}

/* A u32 is a zero-extended register: a signed 64-bit conversion. A u64 with the top bit set is
 * halved first, its lowest bit kept as a sticky bit so the one rounding happens on the halved
 * value and doubling is exact. */
static void
int_to_float(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    bool is_f64 = i->size == 8, is_signed = i->aux & ITOF_SIGNED, is_64 = i->aux & ITOF_64;
    x64_xreg_t x = xmm(&i->o[0]);
    x64_reg_t r = gp(&i->o[1]);
    /* cvtsi2s* writes the low lane only: clearing the rest ends the dependency on x's past */
    x64_xorps_xx(b, x, x);
    if (!is_64 || is_signed) {
        cvtsi2s(e, is_f64, is_64 || !is_signed ? 8 : 4, x, r);
        return;
    }
    x64_reg_t tmp = gp(&i->o[2]);
    x64_label_t big, done;
    x64_label_init(&big);
    x64_label_init(&done);
    x64_test_rr(b, 8, r, r);
    x64_jcc_label(b, X64_CC_S, &big);
    cvtsi2s(e, is_f64, 8, x, r);
    x64_jmp_label(b, &done);
    x64_label_bind(b, &big);
    x64_mov_rr(b, 8, SCRATCH, r);
    x64_shr_ri(b, 8, SCRATCH, 1);
    x64_mov_rr(b, 4, tmp, r);
    x64_and_ri(b, 4, tmp, 1);
    x64_or_rr(b, 8, SCRATCH, tmp);
    cvtsi2s(e, is_f64, 8, x, SCRATCH);
    sse_add.xx[is_f64](b, x, x);
    x64_label_bind(b, &done);
}

bool
emitter_float(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    bool is_f64 = i->size == 8;
    const mopnd_t *dst = &i->o[0], *src = &i->o[1];
    switch (i->op) {
    case MI_FADD: apply(e, &sse_add, is_f64, xmm(dst), src); return true;
    case MI_FSUB: apply(e, &sse_sub, is_f64, xmm(dst), src); return true;
    case MI_FMUL: apply(e, &sse_mul, is_f64, xmm(dst), src); return true;
    case MI_FDIV: apply(e, &sse_div, is_f64, xmm(dst), src); return true;
    case MI_FSQRT: apply(e, &sse_sqrt, is_f64, xmm(dst), src); return true;
    case MI_FMIN:
    case MI_FMAX: min_max(e, is_f64, i->op == MI_FMIN, xmm(dst), xmm(src)); return true;
    /* spec: abs, neg and copysign change the sign bit only, NaN payloads included */
    case MI_FABS:
        sign_mask(e, is_f64, false);
        x64_andps_xx(b, xmm(dst), SCRATCH_X);
        return true;
    case MI_FNEG:
        sign_mask(e, is_f64, true);
        x64_xorps_xx(b, xmm(dst), SCRATCH_X);
        return true;
    case MI_FCOPYSIGN:
        sign_mask(e, is_f64, false);
        x64_andps_xx(b, xmm(dst), SCRATCH_X);
        x64_andnps_xx(b, SCRATCH_X, xmm(src));
        x64_orps_xx(b, xmm(dst), SCRATCH_X);
        return true;
    case MI_FROUND:
        (is_f64 ? x64_roundsd_xxi : x64_roundss_xxi)(b, xmm(dst), xmm(src), (uint8_t)i->aux);
        return true;
    case MI_FCMP: compare(e, i); return true;
    case MI_UCOMIS: sse_ucomi.xx[is_f64](b, xmm(dst), xmm(src)); return true;
    case MI_FCVT:
        (is_f64 ? x64_cvtss2sd_xx : x64_cvtsd2ss_xx)(b, xmm(dst), xmm(src));
        return true;
    case MI_FTOI: float_to_int(e, i); return true;
    case MI_ITOF: int_to_float(e, i); return true;
    case MI_MOVD:
        if (is_xmm_opnd(dst))
            (is_f64 ? x64_movq_xr : x64_movd_xr)(b, xmm(dst), gp(src));
        else
            (is_f64 ? x64_movq_rx : x64_movd_rx)(b, gp(dst), xmm(src));
        return true;
    default: return emitter_simd(e, i);
    }
}
