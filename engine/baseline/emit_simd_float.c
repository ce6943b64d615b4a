/* v128 float lanes: f32x4 and f64x2 arithmetic, min/max with the spec's NaN and signed-zero
 * rules, rounding, comparisons, and conversions between float and integer lanes, in SSE4.1 at
 * most, with the VEX three-operand forms of the binary arithmetic and comparisons where the CPU
 * has AVX (binary(), compare()). As in emit_float.c, a NaN the hardware makes is the first NaN operand quieted or the
 * default NaN, which the spec's arithmetic and canonical NaN rules accept; min and max, whose
 * instructions pass a NaN on without quieting it, build the canonical NaN themselves. Constants
 * come from the function's pool, 16-byte aligned, so they are the only memory operands of SSE
 * forms; the AVX forms may also read an operand from its slot, since VEX allows it unaligned. */
#include "baseline_impl.h"

typedef void (*xxi_fn)(x64_buf_t *, x64_xreg_t, x64_xreg_t, uint8_t);
typedef void (*xxx_fn)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t);
typedef void (*xxm_fn)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_mem_t);
typedef void (*xxxi_fn)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t, uint8_t);

/* The legacy forms, and the AVX ones of the operations binary() applies (NULL for the rest). */
typedef struct sse {
    xx_fn xx;
    xm_fn xm;
    xxx_fn xxx;
    xxm_fn xxm;
} sse_t;

#define SSE(ps, pd) {{x64_##ps##_xx, x64_##ps##_xm}, {x64_##pd##_xx, x64_##pd##_xm}}
#define SSE_AVX(ps, pd)                                                                            \
    {{x64_##ps##_xx, x64_##ps##_xm, x64_v##ps##_xxx, x64_v##ps##_xxm},                             \
     {x64_##pd##_xx, x64_##pd##_xm, x64_v##pd##_xxx, x64_v##pd##_xxm}}

/* Indexed by [operation][is_f64]. */
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MIN, OP_MAX, OP_SQRT, OP_AND, OP_ANDN, OP_OR, OP_XOR,
       N_OPS };
static const sse_t sse[N_OPS][2] = {
    [OP_ADD] = SSE_AVX(addps, addpd), [OP_SUB] = SSE_AVX(subps, subpd),
    [OP_MUL] = SSE_AVX(mulps, mulpd), [OP_DIV] = SSE_AVX(divps, divpd),
    [OP_MIN] = SSE_AVX(minps, minpd), [OP_MAX] = SSE_AVX(maxps, maxpd),
    [OP_SQRT] = SSE(sqrtps, sqrtpd), [OP_AND] = SSE(andps, andpd),
    [OP_ANDN] = SSE(andnps, andnpd), [OP_OR] = SSE(orps, orpd),
    [OP_XOR] = SSE(xorps, xorpd),
};
static const xxi_fn cmp[2] = {x64_cmpps_xxi, x64_cmppd_xxi};
static const xxxi_fn avx_cmp[2] = {x64_vcmpps_xxxi, x64_vcmppd_xxxi};
static const xxi_fn round_lanes[2] = {x64_roundps_xxi, x64_roundpd_xxi};

/* cmpps/cmppd predicates: all false for a NaN operand but NEQ and UNORD. */
enum { CMP_EQ = 0, CMP_LT = 1, CMP_LE = 2, CMP_UNORD = 3, CMP_NEQ = 4 };
/* roundps/roundpd rounding modes. */
enum { ROUND_NEAREST = 0, ROUND_FLOOR = 1, ROUND_CEIL = 2, ROUND_TRUNC = 3 };

/* Lane bit patterns of the constants. */
#define F32_2P31 0x4F000000u                    /* 2^31 */
#define F64_I32_MAX UINT64_C(0x41DFFFFFFFC00000) /* 2147483647.0 */
#define F64_U32_MAX UINT64_C(0x41EFFFFFFFE00000) /* 4294967295.0 */
#define F64_2P52 UINT64_C(0x4330000000000000)    /* 2^52, whose low mantissa word is 0 */

/* The operands of a binary operator in registers: *dst one to overwrite with the result, *src
 * the other, only read. is_swapped gives the result rhs's register, for rhs OP lhs. */
static void
operands(baseline_t *b, bool is_swapped, x64_xreg_t *dst, x64_xreg_t *src)
{
    uint32_t top = b->depth - 1;
    uint32_t d = is_swapped ? top : top - 1, s = is_swapped ? top - 1 : top;
    *dst = vs_to_xreg(b, d, vs_xmm_of(b, s));
    *src = vs_read_xreg(b, s, X64_REGSET(*dst));
}

/* The operand of a unary operator: *src to read, *dst for the result. They are one register but
 * for a pinned local, which is read in place. */
static void
operand(baseline_t *b, x64_xreg_t *dst, x64_xreg_t *src)
{
    const vslot_t *s = &b->stack[b->depth - 1];
    if (s->loc == LOC_LOCAL && local_reg(b, (uint32_t)s->imm) != X64_NO_REG) {
        *src = (x64_xreg_t)local_reg(b, (uint32_t)s->imm);
        *dst = vs_alloc_x(b, 0);
    } else {
        *src = *dst = vs_to_xreg(b, b->depth - 1, 0);
    }
}

/* The top `n` operands replaced by the result in `dst`. */
static bool
result(baseline_t *b, uint32_t n, x64_xreg_t dst)
{
    vs_drop(b, n);
    return vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)dst);
}

/* With AVX, a left operand in a pinned local is read in place, and a right operand in a home or
 * local slot is the memory operand (avx_binary). */
static bool
binary(baseline_t *b, const sse_t *op, bool is_swapped)
{
    if (b->has_avx) {
        avx_binary(b, is_swapped, SL_TYPE_V128, op->xxx, op->xxm);
        return true;
    }
    x64_xreg_t dst, src;
    operands(b, is_swapped, &dst, &src);
    op->xx(&b->buf, dst, src);
    return result(b, 2, dst);
}

/* eq, ne, lt and le compare in stack order; gt and ge are lt and le with the operands swapped,
 * which keeps them false for NaN (the negated predicates, nle and nlt, would be true). */
static bool
compare(baseline_t *b, bool is_f64, uint8_t predicate, bool is_swapped)
{
    x64_xreg_t dst, src;
    if (b->has_avx) {
        x64_xreg_t src1;
        x64_mem_t unused;
        avx_operands(b, is_swapped, false, &dst, &src1, &src, &unused);
        avx_cmp[is_f64](&b->buf, dst, src1, src, predicate);
        return avx_done(b, SL_TYPE_V128, dst);
    }
    operands(b, is_swapped, &dst, &src);
    cmp[is_f64](&b->buf, dst, src, predicate);
    return result(b, 2, dst);
}

static bool
unary(baseline_t *b, xx_fn op)
{
    x64_xreg_t dst, src;
    operand(b, &dst, &src);
    op(&b->buf, dst, src);
    return result(b, 1, dst);
}

static bool
round_to(baseline_t *b, bool is_f64, uint8_t mode)
{
    x64_xreg_t dst, src;
    operand(b, &dst, &src);
    round_lanes[is_f64](&b->buf, dst, src, mode);
    return result(b, 1, dst);
}

/* spec: abs and neg change the sign bits only, NaN payloads included. */
static bool
abs_neg(baseline_t *b, bool is_f64, bool is_abs)
{
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    uint64_t sign = is_f64 ? UINT64_C(1) << 63 : UINT64_C(1) << 31;
    if (is_abs)
        simd_xm_splat(b, sse[OP_AND][is_f64].xm, x, ~sign, is_f64 ? 8 : 4);
    else
        simd_xm_splat(b, sse[OP_XOR][is_f64].xm, x, sign, is_f64 ? 8 : 4);
    return result(b, 1, x);
}

/* spec: fmin/fmax lane-wise: a NaN operand gives a NaN, and -0 is below +0. minps/maxps give
 * their second operand when either is a NaN or the two are equal (zeros of either sign), so each
 * is computed both ways round, r1 = rhs OP lhs and r2 = lhs OP rhs. Where r1 and r2 differ, one
 * is a NaN or they are zeros of opposite signs. min merges them with or, which keeps a NaN a NaN
 * and makes -0 win. max needs +0 to win: with d = r1 ^ r2 (the sign bit for such zeros, 0 where
 * they agree), (r1 | d) - d is -0 - -0 = +0 there, a NaN where either was one, and r1
 * otherwise. Last, the NaN lanes become the canonical NaN: all ones (which sets the quiet bit,
 * clear in a signalling NaN that min passed on) with the payload below the quiet bit cleared. */
static bool
min_max(baseline_t *b, bool is_f64, bool is_min)
{
    x64_buf_t *buf = &b->buf;
    x64_xreg_t dst, rhs;
    operands(b, false, &dst, &rhs);
    const sse_t *op = &sse[is_min ? OP_MIN : OP_MAX][is_f64];
    x64_movaps_xx(buf, SCRATCH_X, rhs);
    op->xx(buf, SCRATCH_X, dst);
    op->xx(buf, dst, rhs);
    if (is_min) {
        sse[OP_OR][is_f64].xx(buf, SCRATCH_X, dst);
    } else {
        sse[OP_XOR][is_f64].xx(buf, dst, SCRATCH_X);
        sse[OP_OR][is_f64].xx(buf, SCRATCH_X, dst);
        sse[OP_SUB][is_f64].xx(buf, SCRATCH_X, dst);
    }
    /* dst is r2 or d now, a NaN only where the merged value is one */
    cmp[is_f64](buf, dst, SCRATCH_X, CMP_UNORD);
    sse[OP_OR][is_f64].xx(buf, SCRATCH_X, dst);
    if (is_f64)
        x64_psrlq_xi(buf, dst, 13);
    else
        x64_psrld_xi(buf, dst, 10);
    sse[OP_ANDN][is_f64].xx(buf, dst, SCRATCH_X);
    return result(b, 2, dst);
}

/* spec: f32x4.convert_i32x4_u: cvtdq2ps reads signed lanes, so each lane is split into its low
 * 16 bits and the rest. The low part converts exactly; the high part, halved to fit the signed
 * range, has at most 16 significant bits and converts and doubles exactly; adding the two
 * rounds once, as a direct conversion would. */
static bool
convert_u32_lanes(baseline_t *b)
{
    x64_buf_t *buf = &b->buf;
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_movaps_xx(buf, SCRATCH_X, x);
    simd_xm_splat(b, x64_andps_xm, SCRATCH_X, 0xFFFF, 4);
    x64_xorps_xx(buf, x, SCRATCH_X);
    x64_cvtdq2ps_xx(buf, SCRATCH_X, SCRATCH_X);
    x64_psrld_xi(buf, x, 1);
    x64_cvtdq2ps_xx(buf, x, x);
    x64_addps_xx(buf, x, x);
    x64_addps_xx(buf, x, SCRATCH_X);
    return result(b, 1, x);
}

/* spec: i32x4.trunc_sat_f32x4_s: NaN is 0, out of range the nearest end. cvttps2dq gives
 * 0x80000000 (the low end) for both; NaN lanes are zeroed first, and lanes from 2^31 up flipped
 * to 0x7fffffff afterwards. */
static bool
trunc_sat_s32_lanes(baseline_t *b)
{
    x64_buf_t *buf = &b->buf;
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_movaps_xx(buf, SCRATCH_X, x);
    x64_cmpps_xxi(buf, SCRATCH_X, x, CMP_EQ);
    x64_andps_xx(buf, x, SCRATCH_X);
    simd_xm_splat(b, x64_movaps_xm, SCRATCH_X, F32_2P31, 4);
    x64_cmpps_xxi(buf, SCRATCH_X, x, CMP_LE);
    x64_cvttps2dq_xx(buf, x, x);
    x64_xorps_xx(buf, x, SCRATCH_X);
    return result(b, 1, x);
}

/* spec: i32x4.trunc_sat_f32x4_u. maxps against 0 takes NaN and negative lanes to 0 (maxps gives
 * its second operand for a NaN). Below 2^31 cvttps2dq is right; from 2^31 it gives 0x80000000,
 * to which the conversion of x - 2^31 is added: that is negative below 2^31, where it is
 * clamped to 0, and 0x80000000 from 2^32, flipped to 0x7fffffff so the sum saturates. */
static bool
trunc_sat_u32_lanes(baseline_t *b)
{
    x64_buf_t *buf = &b->buf;
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_xreg_t t = vs_alloc_x(b, X64_REGSET(x));
    x64_xorps_xx(buf, SCRATCH_X, SCRATCH_X);
    x64_maxps_xx(buf, x, SCRATCH_X);
    simd_xm_splat(b, x64_movaps_xm, SCRATCH_X, F32_2P31, 4);
    x64_movaps_xx(buf, t, x);
    x64_subps_xx(buf, t, SCRATCH_X);
    x64_cmpps_xxi(buf, SCRATCH_X, t, CMP_LE);
    x64_cvttps2dq_xx(buf, t, t);
    x64_xorps_xx(buf, t, SCRATCH_X);
    x64_pxor_xx(buf, SCRATCH_X, SCRATCH_X);
    x64_pmaxsd_xx(buf, t, SCRATCH_X);
    x64_cvttps2dq_xx(buf, x, x);
    x64_paddd_xx(buf, x, t);
    vs_free_x(b, t);
    return result(b, 1, x);
}

/* spec: i32x4.trunc_sat_f64x2_s_zero: NaN lanes zeroed, the high end clamped (cvttpd2dq gives
 * the low end for anything below it); cvttpd2dq zeroes the upper two lanes. */
static bool
trunc_sat_s32_zero(baseline_t *b)
{
    x64_buf_t *buf = &b->buf;
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_movapd_xx(buf, SCRATCH_X, x);
    x64_cmppd_xxi(buf, SCRATCH_X, x, CMP_EQ);
    x64_andpd_xx(buf, x, SCRATCH_X);
    simd_xm_splat(b, x64_minpd_xm, x, F64_I32_MAX, 8);
    x64_cvttpd2dq_xx(buf, x, x);
    return result(b, 1, x);
}

/* spec: i32x4.trunc_sat_f64x2_u_zero: clamped to [0, 2^32 - 1] (maxpd against 0 also takes NaN
 * to 0), truncated, then added to 2^52, which leaves the integer as the low word of each lane;
 * shufps gathers the two and zeroes the upper lanes. */
static bool
trunc_sat_u32_zero(baseline_t *b)
{
    x64_buf_t *buf = &b->buf;
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_xorpd_xx(buf, SCRATCH_X, SCRATCH_X);
    x64_maxpd_xx(buf, x, SCRATCH_X);
    simd_xm_splat(b, x64_minpd_xm, x, F64_U32_MAX, 8);
    x64_roundpd_xxi(buf, x, x, ROUND_TRUNC);
    simd_xm_splat(b, x64_addpd_xm, x, F64_2P52, 8);
    x64_shufps_xxi(buf, x, SCRATCH_X, 0x08);
    return result(b, 1, x);
}

/* spec: f64x2.convert_low_i32x4_u: each u32 becomes the low word of a double whose high word is
 * that of 2^52, which is 2^52 + u exactly; subtracting 2^52 leaves u. */
static bool
convert_low_u32(baseline_t *b)
{
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    simd_xm_splat(b, x64_unpcklps_xm, x, F64_2P52 >> 32, 4);
    simd_xm_splat(b, x64_subpd_xm, x, F64_2P52, 8);
    return result(b, 1, x);
}

bool
emit_simd_float(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    (void)imm;
    switch (op) {
    /* spec: pmin is rhs < lhs ? rhs : lhs, pmax lhs < rhs ? rhs : lhs: minps and maxps with rhs
     * first, which give their second operand, lhs, for a NaN and for equal lanes. */
#define LANES(W, is_f64)                                                                           \
    case SL_OP_##W##_ADD: return binary(b, &sse[OP_ADD][is_f64], false);                         \
    case SL_OP_##W##_SUB: return binary(b, &sse[OP_SUB][is_f64], false);                         \
    case SL_OP_##W##_MUL: return binary(b, &sse[OP_MUL][is_f64], false);                         \
    case SL_OP_##W##_DIV: return binary(b, &sse[OP_DIV][is_f64], false);                         \
    case SL_OP_##W##_MIN: return min_max(b, is_f64, true);                                         \
    case SL_OP_##W##_MAX: return min_max(b, is_f64, false);                                        \
    case SL_OP_##W##_PMIN: return binary(b, &sse[OP_MIN][is_f64], true);                         \
    case SL_OP_##W##_PMAX: return binary(b, &sse[OP_MAX][is_f64], true);                         \
    case SL_OP_##W##_ABS: return abs_neg(b, is_f64, true);                                         \
    case SL_OP_##W##_NEG: return abs_neg(b, is_f64, false);                                        \
    case SL_OP_##W##_SQRT: return unary(b, sse[OP_SQRT][is_f64].xx);                               \
    case SL_OP_##W##_CEIL: return round_to(b, is_f64, ROUND_CEIL);                                 \
    case SL_OP_##W##_FLOOR: return round_to(b, is_f64, ROUND_FLOOR);                               \
    case SL_OP_##W##_TRUNC: return round_to(b, is_f64, ROUND_TRUNC);                               \
    case SL_OP_##W##_NEAREST: return round_to(b, is_f64, ROUND_NEAREST);                           \
    case SL_OP_##W##_EQ: return compare(b, is_f64, CMP_EQ, false);                                 \
    case SL_OP_##W##_NE: return compare(b, is_f64, CMP_NEQ, false);                                \
    case SL_OP_##W##_LT: return compare(b, is_f64, CMP_LT, false);                                 \
    case SL_OP_##W##_GT: return compare(b, is_f64, CMP_LT, true);                                  \
    case SL_OP_##W##_LE: return compare(b, is_f64, CMP_LE, false);                                 \
    case SL_OP_##W##_GE: return compare(b, is_f64, CMP_LE, true);
    LANES(F32X4, false)
    LANES(F64X2, true)
#undef LANES

    case SL_OP_F32X4_CONVERT_I32X4_S: return unary(b, x64_cvtdq2ps_xx);
    case SL_OP_F32X4_CONVERT_I32X4_U: return convert_u32_lanes(b);
    case SL_OP_I32X4_TRUNC_SAT_F32X4_S: return trunc_sat_s32_lanes(b);
    case SL_OP_I32X4_TRUNC_SAT_F32X4_U: return trunc_sat_u32_lanes(b);
    case SL_OP_I32X4_TRUNC_SAT_F64X2_S_ZERO: return trunc_sat_s32_zero(b);
    case SL_OP_I32X4_TRUNC_SAT_F64X2_U_ZERO: return trunc_sat_u32_zero(b);
    case SL_OP_F64X2_CONVERT_LOW_I32X4_S: return unary(b, x64_cvtdq2pd_xx);
    case SL_OP_F64X2_CONVERT_LOW_I32X4_U: return convert_low_u32(b);
    /* spec: demote and promote quiet a NaN and keep what of its payload fits (arithmetic);
     * cvtpd2ps zeroes the upper two lanes */
    case SL_OP_F32X4_DEMOTE_F64X2_ZERO: return unary(b, x64_cvtpd2ps_xx);
    case SL_OP_F64X2_PROMOTE_LOW_F32X4: return unary(b, x64_cvtps2pd_xx);
    default:
        return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                             sl_opcode_info[op].text);
    }
}
