/* v128 integer lanes: i8x16, i16x8, i32x4 and i64x2 arithmetic, saturation, shifts,
 * comparisons, narrowing and widening, in SSE4.1 at most (no pcmpgtq, which is SSE4.2), and
 * where the CPU has AVX, the VEX three-operand forms of the binary instructions (binary(),
 * greater(), unsigned_order()). Splats, lane access, all_true and bitmask are in
 * emit_simd_lane.c, conversions from and to float lanes in emit_simd_float.c.
 *
 * Results are computed in place in the lhs register, or with AVX in the register avx_binary
 * picks. In the SSE forms the rhs is always read from a register: legacy SSE memory operands
 * must be 16-byte aligned, which home and local slots need not be (VEX ones need not, so the AVX
 * forms read a rhs in a slot from memory); constants come from the function's pool, which is
 * aligned, and are folded as memory operands.
 * Many operations exist for some lane widths only; `k` is log2 of the lane size in bytes
 * (0 for i8x16 ... 3 for i64x2) and indexes the tables of per-width instructions. */
#include "baseline_impl.h"

typedef void (*xi_fn)(x64_buf_t *, x64_xreg_t, uint8_t);

/* A binary instruction in its legacy form (dst OP= src) and its AVX ones (dst = src1 OP src2,
 * src2 a register or memory). */
typedef struct xop {
    xx_fn xx;
    void (*xxx)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t);
    void (*xxm)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_mem_t);
} xop_t;
#define XOP(name) {x64_##name##_xx, x64_v##name##_xxx, x64_v##name##_xxm}
#define OP(name) (&(const xop_t)XOP(name))

static const xop_t add_op[4] = {XOP(paddb), XOP(paddw), XOP(paddd), XOP(paddq)};
static const xop_t sub_op[4] = {XOP(psubb), XOP(psubw), XOP(psubd), XOP(psubq)};
static const xop_t eq_op[4] = {XOP(pcmpeqb), XOP(pcmpeqw), XOP(pcmpeqd), XOP(pcmpeqq)};
static const xop_t gt_op[3] = {XOP(pcmpgtb), XOP(pcmpgtw), XOP(pcmpgtd)};
static const xop_t min_u_op[3] = {XOP(pminub), XOP(pminuw), XOP(pminud)};
static const xop_t max_u_op[3] = {XOP(pmaxub), XOP(pmaxuw), XOP(pmaxud)};
static const xx_fn abs_op[3] = {x64_pabsb_xx, x64_pabsw_xx, x64_pabsd_xx};
/* Widening of the low half, by the source lane width. */
static const xx_fn extend_s_op[3] = {x64_pmovsxbw_xx, x64_pmovsxwd_xx, x64_pmovsxdq_xx};
static const xx_fn extend_u_op[3] = {x64_pmovzxbw_xx, x64_pmovzxwd_xx, x64_pmovzxdq_xx};

/* Packed shifts by an xmm count or by an immediate, for 16-, 32- and 64-bit lanes. */
typedef struct shift_op {
    xx_fn xx;
    xi_fn xi;
} shift_op_t;

enum { SHL, SHR_S, SHR_U };
static const shift_op_t shift_op[3][4] = {
    [SHL] = {{0}, {x64_psllw_xx, x64_psllw_xi}, {x64_pslld_xx, x64_pslld_xi},
             {x64_psllq_xx, x64_psllq_xi}},
    [SHR_S] = {{0}, {x64_psraw_xx, x64_psraw_xi}, {x64_psrad_xx, x64_psrad_xi}, {0}},
    [SHR_U] = {{0}, {x64_psrlw_xx, x64_psrlw_xi}, {x64_psrld_xx, x64_psrld_xi},
               {x64_psrlq_xx, x64_psrlq_xi}},
};

/* pshufd orders: the high qword's dwords into the low one; dwords 0,0,1,1 and 2,2,3,3 (so that
 * pmuldq/pmuludq, which read dwords 0 and 2, see the low or the high pair); each qword's high
 * dword twice. */
enum { HIGH_TO_LOW = 0xEE, LOW_PAIR = 0x50, HIGH_PAIR = 0xFA, HIGH_DWORDS = 0xF5 };

/* x = ~x, with all ones made in the scratch register. */
static void
invert(baseline_t *b, x64_xreg_t x)
{
    x64_pcmpeqd_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    x64_pxor_xx(&b->buf, x, SCRATCH_X);
}

/* lhs = lhs OP rhs in lhs's register, which stays on the stack; with AVX, lhs OP rhs into the
 * register avx_binary picks, the lhs read in place when it is a pinned local and the rhs in
 * memory when it is in a slot. Returns the result's register (on the stack). */
static x64_xreg_t
binary(baseline_t *b, const xop_t *op)
{
    if (b->has_avx)
        return avx_binary(b, false, SL_TYPE_V128, op->xxx, op->xxm);
    uint32_t top = b->depth - 1;
    x64_xreg_t lhs = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    op->xx(&b->buf, lhs, vs_read_xreg(b, top, X64_REGSET(lhs)));
    vs_drop(b, 1);
    return lhs;
}

/* The operands of a binary operation in registers: *dst the lhs's (or, is_swapped, the rhs's),
 * which the caller overwrites with the result, *src the other one, read only. Finish with
 * binary_done. */
static void
binary_operands(baseline_t *b, bool is_swapped, x64_xreg_t *dst, x64_xreg_t *src)
{
    uint32_t top = b->depth - 1;
    uint32_t d = is_swapped ? top : top - 1, s = is_swapped ? top - 1 : top;
    *dst = vs_to_xreg(b, d, vs_xmm_of(b, s));
    *src = vs_read_xreg(b, s, X64_REGSET(*dst));
}

/* Replaces both operands with the result in `dst`. */
static void
binary_done(baseline_t *b, x64_xreg_t dst)
{
    vs_drop(b, 2);
    vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)dst);
}

/* spec: ineg is 0 - x, wrapping */
static void
negate(baseline_t *b, unsigned k)
{
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_pxor_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    if (b->has_avx) {
        sub_op[k].xxx(&b->buf, x, SCRATCH_X, x);
        return;
    }
    sub_op[k].xx(&b->buf, SCRATCH_X, x);
    x64_movaps_xx(&b->buf, x, SCRATCH_X);
}

/* spec: iabs of the most negative value is itself, as pabs* gives. i64x2 has no pabsq:
 * (x ^ m) - m with m the sign spread over the lane, from the high dword's psrad. */
static void
absolute(baseline_t *b, unsigned k)
{
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    if (k < 3) {
        abs_op[k](&b->buf, x, x);
        return;
    }
    x64_movaps_xx(&b->buf, SCRATCH_X, x);
    x64_psrad_xi(&b->buf, SCRATCH_X, 31);
    x64_pshufd_xxi(&b->buf, SCRATCH_X, SCRATCH_X, HIGH_DWORDS);
    x64_pxor_xx(&b->buf, x, SCRATCH_X);
    x64_psubq_xx(&b->buf, x, SCRATCH_X);
}

/* i64x2.mul without pmullq: with a = ah:al and c = ch:cl in 32-bit halves, the low 64 bits of
 * a * c are al * cl + ((ah * cl + al * ch) << 32), three pmuludq. */
static void
multiply_i64(baseline_t *b)
{
    x64_xreg_t a, c;
    binary_operands(b, false, &a, &c);
    x64_xreg_t t = vs_alloc_x(b, X64_REGSET(a) | X64_REGSET(c));
    x64_movaps_xx(&b->buf, SCRATCH_X, a);
    x64_psrlq_xi(&b->buf, SCRATCH_X, 32);
    x64_pmuludq_xx(&b->buf, SCRATCH_X, c);
    x64_movaps_xx(&b->buf, t, c);
    x64_psrlq_xi(&b->buf, t, 32);
    x64_pmuludq_xx(&b->buf, t, a);
    x64_paddq_xx(&b->buf, SCRATCH_X, t);
    x64_psllq_xi(&b->buf, SCRATCH_X, 32);
    x64_pmuludq_xx(&b->buf, a, c);
    x64_paddq_xx(&b->buf, a, SCRATCH_X);
    vs_free_x(b, t);
    binary_done(b, a);
}

/* dst = dst > src per signed i64 lane, without SSE4.2's pcmpgtq: the high dwords decide
 * (pcmpgtd) unless they are equal, and then the low ones compare unsigned, which is the sign of
 * src - dst (the difference of two equal-high values cannot overflow). The answer ends in the
 * sign bit of each high dword, which is then spread over the lane. */
static void
greater_i64(baseline_t *b, x64_xreg_t dst, x64_xreg_t src)
{
    x64_xreg_t t = vs_alloc_x(b, X64_REGSET(dst) | X64_REGSET(src));
    x64_movaps_xx(&b->buf, SCRATCH_X, src);
    x64_psubq_xx(&b->buf, SCRATCH_X, dst);
    x64_movaps_xx(&b->buf, t, dst);
    x64_pcmpeqd_xx(&b->buf, t, src);
    x64_andps_xx(&b->buf, SCRATCH_X, t);
    x64_pcmpgtd_xx(&b->buf, dst, src);
    x64_orps_xx(&b->buf, dst, SCRATCH_X);
    x64_pshufd_xxi(&b->buf, dst, dst, HIGH_DWORDS);
    x64_psrad_xi(&b->buf, dst, 31);
    vs_free_x(b, t);
}

/* lhs > rhs (or rhs > lhs, is_swapped) per signed lane, into a register left on the stack. */
static x64_xreg_t
greater(baseline_t *b, unsigned k, bool is_swapped)
{
    if (k < 3 && b->has_avx)
        return avx_binary(b, is_swapped, SL_TYPE_V128, gt_op[k].xxx, gt_op[k].xxm);
    x64_xreg_t dst, src;
    binary_operands(b, is_swapped, &dst, &src);
    if (k == 3)
        greater_i64(b, dst, src);
    else
        gt_op[k].xx(&b->buf, dst, src);
    binary_done(b, dst);
    return dst;
}

/* Unsigned comparisons have no instruction: lhs >= rhs exactly when lhs == max_u(lhs, rhs),
 * and lhs <= rhs when lhs == min_u(lhs, rhs). */
static x64_xreg_t
unsigned_order(baseline_t *b, unsigned k, const xop_t *min_max)
{
    x64_xreg_t dst, src;
    if (b->has_avx) {
        x64_xreg_t src1;
        x64_mem_t mem;
        if (avx_operands(b, false, true, &dst, &src1, &src, &mem))
            min_max[k].xxm(&b->buf, SCRATCH_X, src1, mem);
        else
            min_max[k].xxx(&b->buf, SCRATCH_X, src1, src);
        eq_op[k].xxx(&b->buf, dst, src1, SCRATCH_X);
        avx_done(b, SL_TYPE_V128, dst);
        return dst;
    }
    binary_operands(b, false, &dst, &src);
    x64_movaps_xx(&b->buf, SCRATCH_X, dst);
    min_max[k].xx(&b->buf, SCRATCH_X, src);
    eq_op[k].xx(&b->buf, dst, SCRATCH_X);
    binary_done(b, dst);
    return dst;
}

enum { CMP_EQ, CMP_NE, CMP_LT_S, CMP_LT_U, CMP_GT_S, CMP_GT_U, CMP_LE_S, CMP_LE_U, CMP_GE_S,
       CMP_GE_U };

/* spec: comparisons give all ones in a lane where they hold, zeros elsewhere. */
static void
compare(baseline_t *b, unsigned k, int cmp)
{
    switch (cmp) {
    case CMP_EQ: binary(b, &eq_op[k]); break;
    case CMP_NE: invert(b, binary(b, &eq_op[k])); break;
    case CMP_GT_S: greater(b, k, false); break;
    case CMP_LT_S: greater(b, k, true); break;
    case CMP_LE_S: invert(b, greater(b, k, false)); break;
    case CMP_GE_S: invert(b, greater(b, k, true)); break;
    case CMP_GE_U: unsigned_order(b, k, max_u_op); break;
    case CMP_LE_U: unsigned_order(b, k, min_u_op); break;
    case CMP_GT_U: invert(b, unsigned_order(b, k, min_u_op)); break;
    case CMP_LT_U: invert(b, unsigned_order(b, k, max_u_op)); break;
    default: SL_UNREACHABLE();
    }
}

/* x OP= the count: an immediate, or SCRATCH_X. */
static void
shift_by(baseline_t *b, shift_op_t op, x64_xreg_t x, bool is_imm, uint8_t n)
{
    if (is_imm)
        op.xi(&b->buf, x, n);
    else
        op.xx(&b->buf, x, SCRATCH_X);
}

/* i8x16 shifts have no instruction: the 16-bit shifts move bits across the byte boundary, so
 * each byte keeps its low 8 - n bits before shl and after shr_u (the mask 0xff >> n, built for
 * a variable count by shifting 0x00ff words and packing them to bytes). shr_s then sign-extends
 * the (8 - n)-bit result as (v ^ s) - s with s = 0x80 >> n. */
static void
shift_i8(baseline_t *b, int kind, x64_xreg_t x, bool is_imm, uint8_t n)
{
    if (is_imm) {
        if (kind == SHL) {
            x64_psllw_xi(&b->buf, x, n);
            simd_xm_splat(b, x64_andps_xm, x, (uint8_t)(0xff << n), 1);
            return;
        }
        x64_psrlw_xi(&b->buf, x, n);
        simd_xm_splat(b, x64_andps_xm, x, 0xffu >> n, 1);
        if (kind == SHR_S) {
            simd_xm_splat(b, x64_pxor_xm, x, 0x80u >> n, 1);
            simd_xm_splat(b, x64_psubb_xm, x, 0x80u >> n, 1);
        }
        return;
    }
    x64_xreg_t t = vs_alloc_x(b, X64_REGSET(x));
    x64_pcmpeqd_xx(&b->buf, t, t);
    x64_psrlw_xi(&b->buf, t, 8);
    x64_psrlw_xx(&b->buf, t, SCRATCH_X);
    x64_packuswb_xx(&b->buf, t, t);
    if (kind == SHL) {
        x64_andps_xx(&b->buf, x, t);
        x64_psllw_xx(&b->buf, x, SCRATCH_X);
    } else {
        x64_psrlw_xx(&b->buf, x, SCRATCH_X);
        x64_andps_xx(&b->buf, x, t);
    }
    if (kind == SHR_S) {
        simd_xm_splat(b, x64_movdqu_xm, t, 0x8080, 2); /* 0x80 >> n in both bytes of a word */
        x64_psrlw_xx(&b->buf, t, SCRATCH_X);
        x64_pxor_xx(&b->buf, x, t);
        x64_psubb_xx(&b->buf, x, t);
    }
    vs_free_x(b, t);
}

/* spec: shifts take the count modulo the lane width. A constant count becomes an immediate
 * (and 0 nothing at all); a variable one goes to SCRATCH_X for the shifts by xmm count. */
static void
shift(baseline_t *b, unsigned k, int kind)
{
    unsigned bits = 8u << k;
    const vslot_t *count = &b->stack[b->depth - 1];
    bool is_imm = count->loc == LOC_CONST;
    uint8_t n = 0;
    x64_reg_t r = X64_NO_REG;
    if (is_imm) {
        n = (uint8_t)((uint64_t)count->imm & (bits - 1));
        vs_drop(b, 1);
        if (n == 0)
            return;
    } else {
        r = vs_pop_reg(b, 0);
        x64_and_ri(&b->buf, 4, r, (int32_t)(bits - 1));
    }
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    if (!is_imm) {
        x64_movd_xr(&b->buf, SCRATCH_X, r);
        vs_free(b, r);
    }
    if (k == 0) {
        shift_i8(b, kind, x, is_imm, n);
    } else if (k == 3 && kind == SHR_S) {
        /* no psraq: a logical shift, then the sign extension of shift_i8 with
         * s = 1 << (63 - n) */
        x64_xreg_t s = is_imm ? SCRATCH_X : vs_alloc_x(b, X64_REGSET(x));
        x64_pcmpeqd_xx(&b->buf, s, s);
        x64_psllq_xi(&b->buf, s, 63);
        shift_by(b, shift_op[SHR_U][3], s, is_imm, n);
        shift_by(b, shift_op[SHR_U][3], x, is_imm, n);
        x64_pxor_xx(&b->buf, x, s);
        x64_psubq_xx(&b->buf, x, s);
        if (!is_imm)
            vs_free_x(b, s);
    } else {
        shift_by(b, shift_op[kind][k], x, is_imm, n);
    }
}

/* x = the low (or high) half of x's lanes of width k, widened. */
static void
extend_half(baseline_t *b, x64_xreg_t x, unsigned k, bool is_high, bool is_signed)
{
    if (is_high)
        x64_pshufd_xxi(&b->buf, x, x, HIGH_TO_LOW);
    (is_signed ? extend_s_op : extend_u_op)[k](&b->buf, x, x);
}

static void
extend(baseline_t *b, unsigned k, bool is_high, bool is_signed)
{
    extend_half(b, vs_to_xreg(b, b->depth - 1, 0), k, is_high, is_signed);
}

/* spec: extmul widens both operands' halves and multiplies them, which cannot overflow. i32
 * lanes go to the positions pmuldq/pmuludq read, which multiply into 64 bits. */
static void
extmul(baseline_t *b, unsigned k, bool is_high, bool is_signed)
{
    uint32_t top = b->depth - 1;
    x64_xreg_t a = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    x64_xreg_t c = vs_to_xreg(b, top, X64_REGSET(a));
    if (k == 2) {
        x64_pshufd_xxi(&b->buf, a, a, is_high ? HIGH_PAIR : LOW_PAIR);
        x64_pshufd_xxi(&b->buf, c, c, is_high ? HIGH_PAIR : LOW_PAIR);
        (is_signed ? x64_pmuldq_xx : x64_pmuludq_xx)(&b->buf, a, c);
    } else {
        extend_half(b, a, k, is_high, is_signed);
        extend_half(b, c, k, is_high, is_signed);
        (k == 0 ? x64_pmullw_xx : x64_pmulld_xx)(&b->buf, a, c);
    }
    vs_drop(b, 1);
}

/* spec: extadd_pairwise adds adjacent lanes into one twice as wide: a multiply-add by ones.
 * pmaddubsw multiplies its destination's bytes as unsigned by its source's as signed, so the
 * ones go on the other side from x. pmaddwd is signed only: unsigned words are biased by
 * -0x8000 first, and the two biases added back. */
static void
extadd_pairwise(baseline_t *b, unsigned k, bool is_signed)
{
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    if (k == 0 && is_signed) {
        simd_xm_splat(b, x64_movdqu_xm, SCRATCH_X, 1, 1);
        x64_pmaddubsw_xx(&b->buf, SCRATCH_X, x);
        x64_movaps_xx(&b->buf, x, SCRATCH_X);
    } else if (k == 0) {
        simd_xm_splat(b, x64_pmaddubsw_xm, x, 1, 1);
    } else if (is_signed) {
        simd_xm_splat(b, x64_pmaddwd_xm, x, 1, 2);
    } else {
        simd_xm_splat(b, x64_pxor_xm, x, 0x8000, 2);
        simd_xm_splat(b, x64_pmaddwd_xm, x, 1, 2);
        simd_xm_splat(b, x64_paddd_xm, x, 0x10000, 4);
    }
}

/* spec: q15mulr_sat_s is (a * b + 0x4000) >> 15, saturated: pmulhrsw, except that
 * -0x8000 * -0x8000 wraps to -0x8000, which no other product rounds to. */
static void
q15mulr(baseline_t *b)
{
    x64_xreg_t x = binary(b, OP(pmulhrsw));
    x64_pcmpeqd_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    x64_psllw_xi(&b->buf, SCRATCH_X, 15);
    x64_pcmpeqw_xx(&b->buf, SCRATCH_X, x);
    x64_pxor_xx(&b->buf, x, SCRATCH_X);
}

/* i8x16.popcnt: each nibble's count looked up with pshufb in a 16-byte table. */
static void
popcount(baseline_t *b)
{
    static const uint8_t counts[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_xreg_t t = vs_alloc_x(b, X64_REGSET(x));
    x64_movaps_xx(&b->buf, t, x);
    x64_psrlw_xi(&b->buf, t, 4);
    simd_xm_splat(b, x64_andps_xm, t, 0x0f, 1);
    simd_xm_splat(b, x64_andps_xm, x, 0x0f, 1);
    simd_xm_const(b, x64_movdqu_xm, SCRATCH_X, counts);
    x64_pshufb_xx(&b->buf, SCRATCH_X, x);
    simd_xm_const(b, x64_movdqu_xm, x, counts);
    x64_pshufb_xx(&b->buf, x, t);
    x64_paddb_xx(&b->buf, x, SCRATCH_X);
    vs_free_x(b, t);
}

bool
emit_simd_int(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    (void)imm;
    switch (op) {
#define LANES(W, k)                                                                                \
    case SL_OP_##W##_ADD: binary(b, &add_op[k]); return true;                                      \
    case SL_OP_##W##_SUB: binary(b, &sub_op[k]); return true;                                      \
    case SL_OP_##W##_NEG: negate(b, k); return true;                                               \
    case SL_OP_##W##_ABS: absolute(b, k); return true;                                             \
    case SL_OP_##W##_SHL: shift(b, k, SHL); return true;                                           \
    case SL_OP_##W##_SHR_S: shift(b, k, SHR_S); return true;                                       \
    case SL_OP_##W##_SHR_U: shift(b, k, SHR_U); return true;                                       \
    case SL_OP_##W##_EQ: compare(b, k, CMP_EQ); return true;                                       \
    case SL_OP_##W##_NE: compare(b, k, CMP_NE); return true;                                       \
    case SL_OP_##W##_LT_S: compare(b, k, CMP_LT_S); return true;                                   \
    case SL_OP_##W##_GT_S: compare(b, k, CMP_GT_S); return true;                                   \
    case SL_OP_##W##_LE_S: compare(b, k, CMP_LE_S); return true;                                   \
    case SL_OP_##W##_GE_S: compare(b, k, CMP_GE_S); return true;
    LANES(I8X16, 0)
    LANES(I16X8, 1)
    LANES(I32X4, 2)
    LANES(I64X2, 3)
#undef LANES

#define NARROW_LANES(W, k, minsb, minub, maxsb, maxub)                                             \
    case SL_OP_##W##_LT_U: compare(b, k, CMP_LT_U); return true;                                   \
    case SL_OP_##W##_GT_U: compare(b, k, CMP_GT_U); return true;                                   \
    case SL_OP_##W##_LE_U: compare(b, k, CMP_LE_U); return true;                                   \
    case SL_OP_##W##_GE_U: compare(b, k, CMP_GE_U); return true;                                   \
    case SL_OP_##W##_MIN_S: binary(b, OP(minsb)); return true;                                     \
    case SL_OP_##W##_MIN_U: binary(b, OP(minub)); return true;                                     \
    case SL_OP_##W##_MAX_S: binary(b, OP(maxsb)); return true;                                     \
    case SL_OP_##W##_MAX_U: binary(b, OP(maxub)); return true;
    NARROW_LANES(I8X16, 0, pminsb, pminub, pmaxsb, pmaxub)
    NARROW_LANES(I16X8, 1, pminsw, pminuw, pmaxsw, pmaxuw)
    NARROW_LANES(I32X4, 2, pminsd, pminud, pmaxsd, pmaxud)
#undef NARROW_LANES

    /* spec: saturating arithmetic and the rounding average, one instruction each */
    case SL_OP_I8X16_ADD_SAT_S: binary(b, OP(paddsb)); return true;
    case SL_OP_I8X16_ADD_SAT_U: binary(b, OP(paddusb)); return true;
    case SL_OP_I8X16_SUB_SAT_S: binary(b, OP(psubsb)); return true;
    case SL_OP_I8X16_SUB_SAT_U: binary(b, OP(psubusb)); return true;
    case SL_OP_I16X8_ADD_SAT_S: binary(b, OP(paddsw)); return true;
    case SL_OP_I16X8_ADD_SAT_U: binary(b, OP(paddusw)); return true;
    case SL_OP_I16X8_SUB_SAT_S: binary(b, OP(psubsw)); return true;
    case SL_OP_I16X8_SUB_SAT_U: binary(b, OP(psubusw)); return true;
    case SL_OP_I8X16_AVGR_U: binary(b, OP(pavgb)); return true;
    case SL_OP_I16X8_AVGR_U: binary(b, OP(pavgw)); return true;

    case SL_OP_I16X8_MUL: binary(b, OP(pmullw)); return true;
    case SL_OP_I32X4_MUL: binary(b, OP(pmulld)); return true;
    case SL_OP_I64X2_MUL: multiply_i64(b); return true;
    case SL_OP_I16X8_Q15MULR_SAT_S: q15mulr(b); return true;
    /* spec: the one overflowing sum, 2 * 0x8000 * 0x8000, wraps as pmaddwd does */
    case SL_OP_I32X4_DOT_I16X8_S: binary(b, OP(pmaddwd)); return true;
    case SL_OP_I8X16_POPCNT: popcount(b); return true;

    /* spec: narrowing saturates signed inputs; the pack instructions read them as signed too */
    case SL_OP_I8X16_NARROW_I16X8_S: binary(b, OP(packsswb)); return true;
    case SL_OP_I8X16_NARROW_I16X8_U: binary(b, OP(packuswb)); return true;
    case SL_OP_I16X8_NARROW_I32X4_S: binary(b, OP(packssdw)); return true;
    case SL_OP_I16X8_NARROW_I32X4_U: binary(b, OP(packusdw)); return true;

#define WIDEN(W, F, k)                                                                             \
    case SL_OP_##W##_EXTEND_LOW_##F##_S: extend(b, k, false, true); return true;                   \
    case SL_OP_##W##_EXTEND_HIGH_##F##_S: extend(b, k, true, true); return true;                   \
    case SL_OP_##W##_EXTEND_LOW_##F##_U: extend(b, k, false, false); return true;                  \
    case SL_OP_##W##_EXTEND_HIGH_##F##_U: extend(b, k, true, false); return true;                  \
    case SL_OP_##W##_EXTMUL_LOW_##F##_S: extmul(b, k, false, true); return true;                   \
    case SL_OP_##W##_EXTMUL_HIGH_##F##_S: extmul(b, k, true, true); return true;                   \
    case SL_OP_##W##_EXTMUL_LOW_##F##_U: extmul(b, k, false, false); return true;                  \
    case SL_OP_##W##_EXTMUL_HIGH_##F##_U: extmul(b, k, true, false); return true;
    WIDEN(I16X8, I8X16, 0)
    WIDEN(I32X4, I16X8, 1)
    WIDEN(I64X2, I32X4, 2)
#undef WIDEN
    case SL_OP_I16X8_EXTADD_PAIRWISE_I8X16_S: extadd_pairwise(b, 0, true); return true;
    case SL_OP_I16X8_EXTADD_PAIRWISE_I8X16_U: extadd_pairwise(b, 0, false); return true;
    case SL_OP_I32X4_EXTADD_PAIRWISE_I16X8_S: extadd_pairwise(b, 1, true); return true;
    case SL_OP_I32X4_EXTADD_PAIRWISE_I16X8_U: extadd_pairwise(b, 1, false); return true;

    default:
        return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                             sl_opcode_info[op].text);
    }
}
