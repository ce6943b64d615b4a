/* Emission of the v128 machine ops (emit_impl.h) in SSE4.1: the baseline's sequences
 * (emit_simd_lane.c, emit_simd_int.c, emit_simd_float.c) over allocated registers. In a VOP,
 * x (operand 0) holds the first operand and takes the result; y and z (operands 1 and 2) are
 * only read; t (operand 3) and xmm15 are free. Constants come from the function's pool, 16-byte
 * aligned, the only memory operands of the legacy SSE forms. */
#include <string.h>

#include "emit_impl.h"
#include "opcodes.h"

typedef void (*xx_fn)(x64_buf_t *, x64_xreg_t, x64_xreg_t);
typedef void (*xm_fn)(x64_buf_t *, x64_xreg_t, x64_mem_t);
typedef void (*xi_fn)(x64_buf_t *, x64_xreg_t, uint8_t);

/* The lane width in bytes of an opcode with a memory or lane immediate (opcodes.def). */
static unsigned
lane_size(unsigned op)
{
    return 1u << sl_opcode_info[op].size_log2;
}

/* log2 of the lane width of an opcode's shape, from its name. */
static unsigned
shape_log2(unsigned op)
{
    const char *text = sl_opcode_info[op].text;
    if (!strncmp(text, "i8x16", 5))
        return 0;
    if (!strncmp(text, "i16x8", 5))
        return 1;
    if (!strncmp(text, "i32x4", 5) || !strncmp(text, "f32x4", 5))
        return 2;
    return 3;
}

/* ---- constants ---- */

/* dst OP= the constant `bytes` from the pool (found or added). */
static void
xm_const(emitter_t *e, xm_fn op, x64_xreg_t dst, const uint8_t bytes[16])
{
    uint32_t k = emitter_const(e, bytes);
    op(e->b, dst, x64_mem_rip(0));
    if (k != UINT32_MAX)
        x64_label_use(e->b, &e->pool[k]);
}

/* dst OP= the constant with `lane` (`size` bytes) in every lane. */
static void
xm_splat(emitter_t *e, xm_fn op, x64_xreg_t dst, uint64_t lane, unsigned size)
{
    uint8_t bytes[16];
    for (unsigned i = 0; i < 16; i++)
        bytes[i] = (uint8_t)(lane >> (8 * (i % size)));
    xm_const(e, op, dst, bytes);
}

/* ---- lanes ---- */

/* Spreads lane 0 of x (`size` bytes) over all lanes. */
static void
broadcast(emitter_t *e, x64_xreg_t x, unsigned size)
{
    x64_buf_t *b = e->b;
    switch (size) {
    case 1: /* an all-zero pshufb mask picks byte 0 everywhere */
        x64_pxor_xx(b, SCRATCH_X, SCRATCH_X);
        x64_pshufb_xx(b, x, SCRATCH_X);
        break;
    case 2:
        x64_pshuflw_xxi(b, x, x, 0);
        x64_pshufd_xxi(b, x, x, 0);
        break;
    case 4: x64_pshufd_xxi(b, x, x, 0); break;
    default: x64_punpcklqdq_xx(b, x, x); break;
    }
}

static void
invert(emitter_t *e, x64_xreg_t x)
{
    x64_pcmpeqd_xx(e->b, SCRATCH_X, SCRATCH_X);
    x64_pxor_xx(e->b, x, SCRATCH_X);
}

/* spec: memory instructions, v128.load*: each form reads only the bytes it uses, in its first
 * instruction (the trap site). */
static void
load(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    x64_xreg_t x = xmm(&i->o[0]);
    x64_mem_t src = mem(&i->o[1]);
    switch (i->aux) {
    case SL_OP_V128_LOAD: x64_movdqu_xm(b, x, src); break;
    case SL_OP_V128_LOAD8X8_S: x64_pmovsxbw_xm(b, x, src); break;
    case SL_OP_V128_LOAD8X8_U: x64_pmovzxbw_xm(b, x, src); break;
    case SL_OP_V128_LOAD16X4_S: x64_pmovsxwd_xm(b, x, src); break;
    case SL_OP_V128_LOAD16X4_U: x64_pmovzxwd_xm(b, x, src); break;
    case SL_OP_V128_LOAD32X2_S: x64_pmovsxdq_xm(b, x, src); break;
    case SL_OP_V128_LOAD32X2_U: x64_pmovzxdq_xm(b, x, src); break;
    case SL_OP_V128_LOAD8_SPLAT:
        x64_pinsrb_xmi(b, x, src, 0);
        broadcast(e, x, 1);
        break;
    case SL_OP_V128_LOAD16_SPLAT:
        x64_pinsrw_xmi(b, x, src, 0);
        broadcast(e, x, 2);
        break;
    case SL_OP_V128_LOAD32_SPLAT:
        x64_movss_xm(b, x, src);
        broadcast(e, x, 4);
        break;
    case SL_OP_V128_LOAD64_SPLAT: x64_movddup_xm(b, x, src); break;
    /* a scalar load into an xmm register clears the rest of it */
    case SL_OP_V128_LOAD32_ZERO: x64_movss_xm(b, x, src); break;
    default: x64_movsd_xm(b, x, src); break; /* v128.load64_zero */
    }
}

/* spec: v128.loadN_lane keeps the other lanes; v128.storeN_lane writes one. */
static void
lane_memory(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    uint8_t lane = (uint8_t)i->aux2;
    if (i->op == MI_VLOADLANE) {
        x64_xreg_t x = xmm(&i->o[0]);
        x64_mem_t src = mem(&i->o[1]);
        switch (lane_size(i->aux)) {
        case 1: x64_pinsrb_xmi(b, x, src, lane); break;
        case 2: x64_pinsrw_xmi(b, x, src, lane); break;
        case 4: x64_pinsrd_xmi(b, x, src, lane); break;
        default: x64_pinsrq_xmi(b, x, src, lane); break;
        }
        return;
    }
    x64_mem_t dst = mem(&i->o[0]);
    x64_xreg_t x = xmm(&i->o[1]);
    switch (lane_size(i->aux)) {
    case 1: x64_pextrb_mxi(b, dst, x, lane); break;
    case 2: x64_pextrw_mxi(b, dst, x, lane); break;
    case 4: x64_pextrd_mxi(b, dst, x, lane); break;
    default: x64_pextrq_mxi(b, dst, x, lane); break;
    }
}

/* spec: splat of a scalar in a register (constants are pool constants already). */
static void
splat(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    x64_xreg_t x = xmm(&i->o[0]);
    switch (i->aux) {
    case SL_OP_F32X4_SPLAT: x64_pshufd_xxi(b, x, xmm(&i->o[1]), 0x00); return;
    case SL_OP_F64X2_SPLAT: x64_pshufd_xxi(b, x, xmm(&i->o[1]), 0x44); return;
    default: {
        unsigned size = 1u << shape_log2(i->aux);
        (size == 8 ? x64_movq_xr : x64_movd_xr)(b, x, gp(&i->o[1]));
        broadcast(e, x, size);
    }
    }
}

/* An i32 0 or 1 from the flags of a ptest: the register is cleared before the flags are set. */
static void
test_to_i32(emitter_t *e, x64_reg_t r, x64_xreg_t x, x64_cc_t cc)
{
    x64_xor_rr(e->b, 4, r, r);
    x64_ptest_xx(e->b, x, x);
    x64_setcc_r(e->b, cc, r);
}

/* Lanes, any_true, all_true and bitmask into a scalar. */
static void
to_scalar(emitter_t *e, const minsn_t *i)
{
    static const xx_fn cmpeq[4] = {x64_pcmpeqb_xx, x64_pcmpeqw_xx, x64_pcmpeqd_xx,
                                   x64_pcmpeqq_xx};
    x64_buf_t *b = e->b;
    x64_xreg_t x = xmm(&i->o[1]);
    uint8_t lane = (uint8_t)i->aux2;
    switch (i->aux) {
    /* a float lane to lane 0 of the result, where a scalar lives */
    case SL_OP_F32X4_EXTRACT_LANE:
        if (lane)
            x64_pshufd_xxi(b, xmm(&i->o[0]), x, lane);
        else
            x64_movaps_xx(b, xmm(&i->o[0]), x);
        return;
    case SL_OP_F64X2_EXTRACT_LANE:
        if (lane)
            x64_pshufd_xxi(b, xmm(&i->o[0]), x, 0xee);
        else
            x64_movaps_xx(b, xmm(&i->o[0]), x);
        return;
    default: break;
    }
    x64_reg_t r = gp(&i->o[0]);
    switch (i->aux) {
    case SL_OP_I8X16_EXTRACT_LANE_S:
        x64_pextrb_rxi(b, r, x, lane);
        x64_movsx_rr(b, 4, r, r, 1);
        break;
    case SL_OP_I8X16_EXTRACT_LANE_U: x64_pextrb_rxi(b, r, x, lane); break;
    case SL_OP_I16X8_EXTRACT_LANE_S:
        x64_pextrw_rxi(b, r, x, lane);
        x64_movsx_rr(b, 4, r, r, 2);
        break;
    case SL_OP_I16X8_EXTRACT_LANE_U: x64_pextrw_rxi(b, r, x, lane); break;
    case SL_OP_I32X4_EXTRACT_LANE:
        if (lane)
            x64_pextrd_rxi(b, r, x, lane);
        else
            x64_movd_rx(b, r, x);
        break;
    case SL_OP_I64X2_EXTRACT_LANE:
        if (lane)
            x64_pextrq_rxi(b, r, x, lane);
        else
            x64_movq_rx(b, r, x);
        break;
    case SL_OP_V128_ANY_TRUE: test_to_i32(e, r, x, X64_CC_NE); break;
    /* spec: all_true: no lane is zero, so comparing them with zero gives none equal */
    case SL_OP_I8X16_ALL_TRUE:
    case SL_OP_I16X8_ALL_TRUE:
    case SL_OP_I32X4_ALL_TRUE:
    case SL_OP_I64X2_ALL_TRUE:
        x64_pxor_xx(b, SCRATCH_X, SCRATCH_X);
        cmpeq[shape_log2(i->aux)](b, SCRATCH_X, x);
        test_to_i32(e, r, SCRATCH_X, X64_CC_E);
        break;
    /* spec: bitmask: the lanes' sign bits. packsswb keeps each word's sign in a byte of the
     * high half, which the shift brings down. */
    case SL_OP_I8X16_BITMASK: x64_pmovmskb_rx(b, 4, r, x); break;
    case SL_OP_I16X8_BITMASK:
        x64_packsswb_xx(b, SCRATCH_X, x);
        x64_pmovmskb_rx(b, 4, r, SCRATCH_X);
        x64_shr_ri(b, 4, r, 8);
        break;
    case SL_OP_I32X4_BITMASK: x64_movmskps_rx(b, 4, r, x); break;
    default: x64_movmskpd_rx(b, 4, r, x); break; /* i64x2.bitmask */
    }
}

/* ---- integer lanes ---- */

static const xx_fn add_op[4] = {x64_paddb_xx, x64_paddw_xx, x64_paddd_xx, x64_paddq_xx};
static const xx_fn sub_op[4] = {x64_psubb_xx, x64_psubw_xx, x64_psubd_xx, x64_psubq_xx};
static const xx_fn eq_op[4] = {x64_pcmpeqb_xx, x64_pcmpeqw_xx, x64_pcmpeqd_xx, x64_pcmpeqq_xx};
static const xx_fn gt_op[3] = {x64_pcmpgtb_xx, x64_pcmpgtw_xx, x64_pcmpgtd_xx};
static const xx_fn min_u_op[3] = {x64_pminub_xx, x64_pminuw_xx, x64_pminud_xx};
static const xx_fn max_u_op[3] = {x64_pmaxub_xx, x64_pmaxuw_xx, x64_pmaxud_xx};
static const xx_fn abs_op[3] = {x64_pabsb_xx, x64_pabsw_xx, x64_pabsd_xx};
static const xx_fn extend_s_op[3] = {x64_pmovsxbw_xx, x64_pmovsxwd_xx, x64_pmovsxdq_xx};
static const xx_fn extend_u_op[3] = {x64_pmovzxbw_xx, x64_pmovzxwd_xx, x64_pmovzxdq_xx};

/* pshufd orders (emit_simd_int.c): the high qword into the low one; dwords 0,0,1,1 and
 * 2,2,3,3; each qword's high dword twice. */
enum { HIGH_TO_LOW = 0xEE, LOW_PAIR = 0x50, HIGH_PAIR = 0xFA, HIGH_DWORDS = 0xF5 };

/* x = a > b per signed i64 lane, without SSE4.2's pcmpgtq: the high dwords decide unless they
 * are equal, and then the low ones compare unsigned, which is the sign of b - a (no overflow
 * for equal high halves). Everything of a and b is read before x is written, so x may be
 * either. */
static void
greater_i64(emitter_t *e, x64_xreg_t x, x64_xreg_t a, x64_xreg_t c, x64_xreg_t t)
{
    x64_buf_t *b = e->b;
    x64_movaps_xx(b, SCRATCH_X, c);
    x64_psubq_xx(b, SCRATCH_X, a);
    x64_movaps_xx(b, t, a);
    x64_pcmpeqd_xx(b, t, c);
    x64_andps_xx(b, SCRATCH_X, t);
    x64_movaps_xx(b, t, a);
    x64_pcmpgtd_xx(b, t, c);
    x64_orps_xx(b, t, SCRATCH_X);
    x64_pshufd_xxi(b, x, t, HIGH_DWORDS);
    x64_psrad_xi(b, x, 31);
}

enum { SHL, SHR_S, SHR_U };

typedef struct shift_op {
    xx_fn xx;
    xi_fn xi;
} shift_op_t;

static const shift_op_t shift_op[3][4] = {
    [SHL] = {{0}, {x64_psllw_xx, x64_psllw_xi}, {x64_pslld_xx, x64_pslld_xi},
             {x64_psllq_xx, x64_psllq_xi}},
    [SHR_S] = {{0}, {x64_psraw_xx, x64_psraw_xi}, {x64_psrad_xx, x64_psrad_xi}, {0}},
    [SHR_U] = {{0}, {x64_psrlw_xx, x64_psrlw_xi}, {x64_psrld_xx, x64_psrld_xi},
               {x64_psrlq_xx, x64_psrlq_xi}},
};

/* spec: shifts take the count modulo the lane width: an immediate (isel masked it), or a
 * register, masked into SCRATCH_X for the shifts by xmm count. i8x16 has no shifts: 16-bit ones
 * with masks for the bits that cross bytes (emit_simd_int.c says how); i64x2 has no psraq: a
 * logical shift and a sign extension (v ^ s) - s with s = 1 << (63 - n). */
static void
shift(emitter_t *e, const minsn_t *i, unsigned k, int kind)
{
    x64_buf_t *b = e->b;
    x64_xreg_t x = xmm(&i->o[0]);
    bool is_imm = i->o[1].kind == MO_IMM;
    uint8_t n = (uint8_t)i->o[1].imm;
    if (is_imm && n == 0)
        return;
    if (!is_imm) {
        x64_mov_rr(b, 4, SCRATCH, gp(&i->o[1]));
        x64_and_ri(b, 4, SCRATCH, (int32_t)((8u << k) - 1));
        x64_movd_xr(b, SCRATCH_X, SCRATCH);
    }
    if (k == 0 && is_imm) {
        if (kind == SHL) {
            x64_psllw_xi(b, x, n);
            xm_splat(e, x64_andps_xm, x, (uint8_t)(0xff << n), 1);
            return;
        }
        x64_psrlw_xi(b, x, n);
        xm_splat(e, x64_andps_xm, x, 0xffu >> n, 1);
        if (kind == SHR_S) {
            xm_splat(e, x64_pxor_xm, x, 0x80u >> n, 1);
            xm_splat(e, x64_psubb_xm, x, 0x80u >> n, 1);
        }
        return;
    }
    if (k == 0) {
        x64_xreg_t t = xmm(&i->o[3]);
        x64_pcmpeqd_xx(b, t, t);
        x64_psrlw_xi(b, t, 8);
        x64_psrlw_xx(b, t, SCRATCH_X);
        x64_packuswb_xx(b, t, t);
        if (kind == SHL) {
            x64_andps_xx(b, x, t);
            x64_psllw_xx(b, x, SCRATCH_X);
        } else {
            x64_psrlw_xx(b, x, SCRATCH_X);
            x64_andps_xx(b, x, t);
        }
        if (kind == SHR_S) {
            xm_splat(e, x64_movdqu_xm, t, 0x8080, 2); /* 0x80 >> n in both bytes of a word */
            x64_psrlw_xx(b, t, SCRATCH_X);
            x64_pxor_xx(b, x, t);
            x64_psubb_xx(b, x, t);
        }
        return;
    }
    if (k == 3 && kind == SHR_S) {
        x64_xreg_t s = is_imm ? SCRATCH_X : xmm(&i->o[3]);
        x64_pcmpeqd_xx(b, s, s);
        x64_psllq_xi(b, s, 63);
        if (is_imm) {
            x64_psrlq_xi(b, s, n);
            x64_psrlq_xi(b, x, n);
        } else {
            x64_psrlq_xx(b, s, SCRATCH_X);
            x64_psrlq_xx(b, x, SCRATCH_X);
        }
        x64_pxor_xx(b, x, s);
        x64_psubq_xx(b, x, s);
        return;
    }
    if (is_imm)
        shift_op[kind][k].xi(b, x, n);
    else
        shift_op[kind][k].xx(b, x, SCRATCH_X);
}

/* The comparisons, all ones where they hold. */
enum { CMP_EQ, CMP_NE, CMP_LT_S, CMP_GT_S, CMP_LE_S, CMP_GE_S, CMP_LT_U, CMP_GT_U, CMP_LE_U,
       CMP_GE_U };

static void
int_compare(emitter_t *e, const minsn_t *i, unsigned k, int cmp)
{
    x64_buf_t *b = e->b;
    x64_xreg_t x = xmm(&i->o[0]), y = xmm(&i->o[1]);
    bool is_swapped = cmp == CMP_LT_S || cmp == CMP_GE_S; /* y > x */
    switch (cmp) {
    case CMP_EQ:
    case CMP_NE:
        eq_op[k](b, x, y);
        if (cmp == CMP_NE)
            invert(e, x);
        return;
    case CMP_LT_S:
    case CMP_GT_S:
    case CMP_LE_S:
    case CMP_GE_S:
        if (k == 3) {
            greater_i64(e, x, is_swapped ? y : x, is_swapped ? x : y, xmm(&i->o[3]));
        } else if (is_swapped) {
            x64_movaps_xx(b, SCRATCH_X, y);
            gt_op[k](b, SCRATCH_X, x);
            x64_movaps_xx(b, x, SCRATCH_X);
        } else {
            gt_op[k](b, x, y);
        }
        if (cmp == CMP_LE_S || cmp == CMP_GE_S)
            invert(e, x);
        return;
    default: /* unsigned: x >= y exactly when x == max_u(x, y), x <= y when x == min_u(x, y) */
        x64_movaps_xx(b, SCRATCH_X, x);
        (cmp == CMP_GE_U || cmp == CMP_LT_U ? max_u_op : min_u_op)[k](b, SCRATCH_X, y);
        eq_op[k](b, x, SCRATCH_X);
        if (cmp == CMP_GT_U || cmp == CMP_LT_U)
            invert(e, x);
        return;
    }
}

/* i64x2.mul without pmullq: al * cl + ((ah * cl + al * ch) << 32), three pmuludq. */
static void
multiply_i64(emitter_t *e, x64_xreg_t a, x64_xreg_t c, x64_xreg_t t)
{
    x64_buf_t *b = e->b;
    x64_movaps_xx(b, SCRATCH_X, a);
    x64_psrlq_xi(b, SCRATCH_X, 32);
    x64_pmuludq_xx(b, SCRATCH_X, c);
    x64_movaps_xx(b, t, c);
    x64_psrlq_xi(b, t, 32);
    x64_pmuludq_xx(b, t, a);
    x64_paddq_xx(b, SCRATCH_X, t);
    x64_psllq_xi(b, SCRATCH_X, 32);
    x64_pmuludq_xx(b, a, c);
    x64_paddq_xx(b, a, SCRATCH_X);
}

/* x = the low (or high) half of x's lanes of width k, widened. */
static void
extend_half(emitter_t *e, x64_xreg_t x, unsigned k, bool is_high, bool is_signed)
{
    if (is_high)
        x64_pshufd_xxi(e->b, x, x, HIGH_TO_LOW);
    (is_signed ? extend_s_op : extend_u_op)[k](e->b, x, x);
}

/* spec: extmul widens both operands' halves and multiplies them; the second operand is
 * widened in the temporary. */
static void
extmul(emitter_t *e, const minsn_t *i, unsigned k, bool is_high, bool is_signed)
{
    x64_buf_t *b = e->b;
    x64_xreg_t a = xmm(&i->o[0]), t = xmm(&i->o[3]);
    x64_movaps_xx(b, t, xmm(&i->o[1]));
    if (k == 2) {
        x64_pshufd_xxi(b, a, a, is_high ? HIGH_PAIR : LOW_PAIR);
        x64_pshufd_xxi(b, t, t, is_high ? HIGH_PAIR : LOW_PAIR);
        (is_signed ? x64_pmuldq_xx : x64_pmuludq_xx)(b, a, t);
    } else {
        extend_half(e, a, k, is_high, is_signed);
        extend_half(e, t, k, is_high, is_signed);
        (k == 0 ? x64_pmullw_xx : x64_pmulld_xx)(b, a, t);
    }
}

/* spec: extadd_pairwise: a multiply-add by ones (pmaddubsw is unsigned by signed, pmaddwd
 * signed, so unsigned words are biased by -0x8000 first and the biases added back). */
static void
extadd_pairwise(emitter_t *e, x64_xreg_t x, unsigned k, bool is_signed)
{
    if (k == 0 && is_signed) {
        xm_splat(e, x64_movdqu_xm, SCRATCH_X, 1, 1);
        x64_pmaddubsw_xx(e->b, SCRATCH_X, x);
        x64_movaps_xx(e->b, x, SCRATCH_X);
    } else if (k == 0) {
        xm_splat(e, x64_pmaddubsw_xm, x, 1, 1);
    } else if (is_signed) {
        xm_splat(e, x64_pmaddwd_xm, x, 1, 2);
    } else {
        xm_splat(e, x64_pxor_xm, x, 0x8000, 2);
        xm_splat(e, x64_pmaddwd_xm, x, 1, 2);
        xm_splat(e, x64_paddd_xm, x, 0x10000, 4);
    }
}

/* i8x16.popcnt: each nibble's count looked up with pshufb in a 16-byte table. */
static void
popcount(emitter_t *e, x64_xreg_t x, x64_xreg_t t)
{
    static const uint8_t counts[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    x64_buf_t *b = e->b;
    x64_movaps_xx(b, t, x);
    x64_psrlw_xi(b, t, 4);
    xm_splat(e, x64_andps_xm, t, 0x0f, 1);
    xm_splat(e, x64_andps_xm, x, 0x0f, 1);
    xm_const(e, x64_movdqu_xm, SCRATCH_X, counts);
    x64_pshufb_xx(b, SCRATCH_X, x);
    xm_const(e, x64_movdqu_xm, x, counts);
    x64_pshufb_xx(b, x, t);
    x64_paddb_xx(b, x, SCRATCH_X);
}

/* ---- float lanes ---- */

/* cmpps/cmppd predicates and roundps/roundpd modes. */
enum { FCMP_EQ = 0, FCMP_LT = 1, FCMP_LE = 2, FCMP_UNORD = 3, FCMP_NEQ = 4 };

#define F32_2P31 0x4F000000u
#define F64_I32_MAX UINT64_C(0x41DFFFFFFFC00000)
#define F64_U32_MAX UINT64_C(0x41EFFFFFFFE00000)
#define F64_2P52 UINT64_C(0x4330000000000000)

typedef struct fop {
    xx_fn ps, pd;
} fop_t;

static const fop_t f_add = {x64_addps_xx, x64_addpd_xx}, f_sub = {x64_subps_xx, x64_subpd_xx},
                   f_mul = {x64_mulps_xx, x64_mulpd_xx}, f_div = {x64_divps_xx, x64_divpd_xx},
                   f_min = {x64_minps_xx, x64_minpd_xx}, f_max = {x64_maxps_xx, x64_maxpd_xx},
                   f_or = {x64_orps_xx, x64_orpd_xx}, f_xor = {x64_xorps_xx, x64_xorpd_xx},
                   f_andn = {x64_andnps_xx, x64_andnpd_xx};

static xx_fn
fop(const fop_t *op, bool is_f64)
{
    return is_f64 ? op->pd : op->ps;
}

/* spec: fmin/fmax lane-wise, each computed both ways round and merged, the NaN lanes made
 * the canonical NaN (emit_simd_float.c explains the steps). */
static void
float_min_max(emitter_t *e, bool is_f64, bool is_min, x64_xreg_t x, x64_xreg_t rhs)
{
    x64_buf_t *b = e->b;
    xx_fn op = fop(is_min ? &f_min : &f_max, is_f64);
    x64_movaps_xx(b, SCRATCH_X, rhs);
    op(b, SCRATCH_X, x);
    op(b, x, rhs);
    if (is_min) {
        fop(&f_or, is_f64)(b, SCRATCH_X, x);
    } else {
        fop(&f_xor, is_f64)(b, x, SCRATCH_X);
        fop(&f_or, is_f64)(b, SCRATCH_X, x);
        fop(&f_sub, is_f64)(b, SCRATCH_X, x);
    }
    (is_f64 ? x64_cmppd_xxi : x64_cmpps_xxi)(b, x, SCRATCH_X, FCMP_UNORD);
    fop(&f_or, is_f64)(b, SCRATCH_X, x);
    if (is_f64)
        x64_psrlq_xi(b, x, 13);
    else
        x64_psrld_xi(b, x, 10);
    fop(&f_andn, is_f64)(b, x, SCRATCH_X);
}

/* An operation that leaves its result in a copy of y (rhs OP lhs), then in x. */
static void
swapped(emitter_t *e, xx_fn op, x64_xreg_t x, x64_xreg_t y)
{
    x64_movaps_xx(e->b, SCRATCH_X, y);
    op(e->b, SCRATCH_X, x);
    x64_movaps_xx(e->b, x, SCRATCH_X);
}

static void
float_compare(emitter_t *e, bool is_f64, uint8_t predicate, bool is_swapped, x64_xreg_t x,
              x64_xreg_t y)
{
    void (*cmp)(x64_buf_t *, x64_xreg_t, x64_xreg_t, uint8_t) =
        is_f64 ? x64_cmppd_xxi : x64_cmpps_xxi;
    if (!is_swapped) {
        cmp(e->b, x, y, predicate);
        return;
    }
    x64_movaps_xx(e->b, SCRATCH_X, y);
    cmp(e->b, SCRATCH_X, x, predicate);
    x64_movaps_xx(e->b, x, SCRATCH_X);
}

/* The conversions between float and integer lanes (emit_simd_float.c explains each). */
static void
convert(emitter_t *e, unsigned op, x64_xreg_t x, x64_xreg_t t)
{
    x64_buf_t *b = e->b;
    switch (op) {
    case SL_OP_F32X4_CONVERT_I32X4_S: x64_cvtdq2ps_xx(b, x, x); return;
    case SL_OP_F32X4_CONVERT_I32X4_U:
        x64_movaps_xx(b, SCRATCH_X, x);
        xm_splat(e, x64_andps_xm, SCRATCH_X, 0xFFFF, 4);
        x64_xorps_xx(b, x, SCRATCH_X);
        x64_cvtdq2ps_xx(b, SCRATCH_X, SCRATCH_X);
        x64_psrld_xi(b, x, 1);
        x64_cvtdq2ps_xx(b, x, x);
        x64_addps_xx(b, x, x);
        x64_addps_xx(b, x, SCRATCH_X);
        return;
    case SL_OP_I32X4_TRUNC_SAT_F32X4_S:
        x64_movaps_xx(b, SCRATCH_X, x);
        x64_cmpps_xxi(b, SCRATCH_X, x, FCMP_EQ);
        x64_andps_xx(b, x, SCRATCH_X);
        xm_splat(e, x64_movaps_xm, SCRATCH_X, F32_2P31, 4);
        x64_cmpps_xxi(b, SCRATCH_X, x, FCMP_LE);
        x64_cvttps2dq_xx(b, x, x);
        x64_xorps_xx(b, x, SCRATCH_X);
        return;
    case SL_OP_I32X4_TRUNC_SAT_F32X4_U:
        x64_xorps_xx(b, SCRATCH_X, SCRATCH_X);
        x64_maxps_xx(b, x, SCRATCH_X);
        xm_splat(e, x64_movaps_xm, SCRATCH_X, F32_2P31, 4);
        x64_movaps_xx(b, t, x);
        x64_subps_xx(b, t, SCRATCH_X);
        x64_cmpps_xxi(b, SCRATCH_X, t, FCMP_LE);
        x64_cvttps2dq_xx(b, t, t);
        x64_xorps_xx(b, t, SCRATCH_X);
        x64_pxor_xx(b, SCRATCH_X, SCRATCH_X);
        x64_pmaxsd_xx(b, t, SCRATCH_X);
        x64_cvttps2dq_xx(b, x, x);
        x64_paddd_xx(b, x, t);
        return;
    case SL_OP_I32X4_TRUNC_SAT_F64X2_S_ZERO:
        x64_movapd_xx(b, SCRATCH_X, x);
        x64_cmppd_xxi(b, SCRATCH_X, x, FCMP_EQ);
        x64_andpd_xx(b, x, SCRATCH_X);
        xm_splat(e, x64_minpd_xm, x, F64_I32_MAX, 8);
        x64_cvttpd2dq_xx(b, x, x);
        return;
    case SL_OP_I32X4_TRUNC_SAT_F64X2_U_ZERO:
        x64_xorpd_xx(b, SCRATCH_X, SCRATCH_X);
        x64_maxpd_xx(b, x, SCRATCH_X);
        xm_splat(e, x64_minpd_xm, x, F64_U32_MAX, 8);
        x64_roundpd_xxi(b, x, x, ROUND_TRUNC);
        xm_splat(e, x64_addpd_xm, x, F64_2P52, 8);
        x64_shufps_xxi(b, x, SCRATCH_X, 0x08);
        return;
    case SL_OP_F64X2_CONVERT_LOW_I32X4_S: x64_cvtdq2pd_xx(b, x, x); return;
    case SL_OP_F64X2_CONVERT_LOW_I32X4_U:
        xm_splat(e, x64_unpcklps_xm, x, F64_2P52 >> 32, 4);
        xm_splat(e, x64_subpd_xm, x, F64_2P52, 8);
        return;
    case SL_OP_F32X4_DEMOTE_F64X2_ZERO: x64_cvtpd2ps_xx(b, x, x); return;
    default: x64_cvtps2pd_xx(b, x, x); return; /* f64x2.promote_low_f32x4 */
    }
}

/* ---- the in-place operations ---- */

static bool
vop(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    unsigned op = i->aux;
    x64_xreg_t x = xmm(&i->o[0]);
    x64_xreg_t y = i->o[1].kind == MO_REG && i->o[1].reg >= 16 ? xmm(&i->o[1]) : SCRATCH_X;
    x64_xreg_t t = i->o[3].kind == MO_REG ? xmm(&i->o[3]) : SCRATCH_X;
    unsigned k = shape_log2(op);
    bool is_f64 = k == 3;
    switch (op) {
    case SL_OP_V128_NOT: invert(e, x); return true;
    case SL_OP_V128_AND: x64_andps_xx(b, x, y); return true;
    case SL_OP_V128_OR: x64_orps_xx(b, x, y); return true;
    case SL_OP_V128_XOR: x64_xorps_xx(b, x, y); return true;
    case SL_OP_V128_ANDNOT: swapped(e, x64_andnps_xx, x, y); return true; /* ~y & x */
    /* spec: bitselect(v1, v2, c) = (v1 & c) | (v2 & ~c), as ((v1 ^ v2) & c) ^ v2 */
    case SL_OP_V128_BITSELECT:
        x64_xorps_xx(b, x, y);
        x64_andps_xx(b, x, xmm(&i->o[2]));
        x64_xorps_xx(b, x, y);
        return true;
    /* spec: swizzle: an index of 16 or more gives 0 (adding 0x70 with unsigned saturation sets
     * bit 7, which zeroes the lane, for those alone) */
    case SL_OP_I8X16_SWIZZLE:
        x64_movaps_xx(b, SCRATCH_X, y);
        xm_splat(e, x64_paddusb_xm, SCRATCH_X, 0x70, 1);
        x64_pshufb_xx(b, x, SCRATCH_X);
        return true;
    case SL_OP_I8X16_SHUFFLE: /* the masks of isel_simd.c */
        x64_movaps_xx(b, SCRATCH_X, y);
        x64_pshufb_xm(b, SCRATCH_X, x64_mem_rip(0));
        x64_label_use(b, &e->pool[i->aux2 >> 16]);
        x64_pshufb_xm(b, x, x64_mem_rip(0));
        x64_label_use(b, &e->pool[i->aux2 & 0xffff]);
        x64_orps_xx(b, x, SCRATCH_X);
        return true;
    case SL_OP_I8X16_REPLACE_LANE: x64_pinsrb_xri(b, x, gp(&i->o[1]), (uint8_t)i->aux2); return true;
    case SL_OP_I16X8_REPLACE_LANE: x64_pinsrw_xri(b, x, gp(&i->o[1]), (uint8_t)i->aux2); return true;
    case SL_OP_I32X4_REPLACE_LANE: x64_pinsrd_xri(b, x, gp(&i->o[1]), (uint8_t)i->aux2); return true;
    case SL_OP_I64X2_REPLACE_LANE: x64_pinsrq_xri(b, x, gp(&i->o[1]), (uint8_t)i->aux2); return true;
    /* insertps: the source's lane 0 to lane `lane`, no zeroing */
    case SL_OP_F32X4_REPLACE_LANE: x64_insertps_xxi(b, x, y, (uint8_t)(i->aux2 << 4)); return true;
    case SL_OP_F64X2_REPLACE_LANE:
        (i->aux2 == 0 ? x64_movsd_xx : x64_punpcklqdq_xx)(b, x, y);
        return true;

#define LANES(W, k)                                                                                \
    case SL_OP_##W##_ADD: add_op[k](b, x, y); return true;                                         \
    case SL_OP_##W##_SUB: sub_op[k](b, x, y); return true;                                         \
    case SL_OP_##W##_NEG: /* spec: 0 - x, wrapping */                                               \
        x64_pxor_xx(b, SCRATCH_X, SCRATCH_X);                                                       \
        sub_op[k](b, SCRATCH_X, x);                                                                 \
        x64_movaps_xx(b, x, SCRATCH_X);                                                             \
        return true;                                                                                \
    case SL_OP_##W##_SHL: shift(e, i, k, SHL); return true;                                        \
    case SL_OP_##W##_SHR_S: shift(e, i, k, SHR_S); return true;                                    \
    case SL_OP_##W##_SHR_U: shift(e, i, k, SHR_U); return true;                                    \
    case SL_OP_##W##_EQ: int_compare(e, i, k, CMP_EQ); return true;                                \
    case SL_OP_##W##_NE: int_compare(e, i, k, CMP_NE); return true;                                \
    case SL_OP_##W##_LT_S: int_compare(e, i, k, CMP_LT_S); return true;                            \
    case SL_OP_##W##_GT_S: int_compare(e, i, k, CMP_GT_S); return true;                            \
    case SL_OP_##W##_LE_S: int_compare(e, i, k, CMP_LE_S); return true;                            \
    case SL_OP_##W##_GE_S: int_compare(e, i, k, CMP_GE_S); return true;
    LANES(I8X16, 0)
    LANES(I16X8, 1)
    LANES(I32X4, 2)
    LANES(I64X2, 3)
#undef LANES
    /* spec: iabs of the most negative value is itself, as pabs* gives; i64x2 has no pabsq:
     * (x ^ m) - m with m the sign spread over the lane */
    case SL_OP_I8X16_ABS:
    case SL_OP_I16X8_ABS:
    case SL_OP_I32X4_ABS: abs_op[k](b, x, x); return true;
    case SL_OP_I64X2_ABS:
        x64_movaps_xx(b, SCRATCH_X, x);
        x64_psrad_xi(b, SCRATCH_X, 31);
        x64_pshufd_xxi(b, SCRATCH_X, SCRATCH_X, HIGH_DWORDS);
        x64_pxor_xx(b, x, SCRATCH_X);
        x64_psubq_xx(b, x, SCRATCH_X);
        return true;
#define NARROW_LANES(W, k, minsb, minub, maxsb, maxub)                                             \
    case SL_OP_##W##_LT_U: int_compare(e, i, k, CMP_LT_U); return true;                            \
    case SL_OP_##W##_GT_U: int_compare(e, i, k, CMP_GT_U); return true;                            \
    case SL_OP_##W##_LE_U: int_compare(e, i, k, CMP_LE_U); return true;                            \
    case SL_OP_##W##_GE_U: int_compare(e, i, k, CMP_GE_U); return true;                            \
    case SL_OP_##W##_MIN_S: x64_##minsb##_xx(b, x, y); return true;                                \
    case SL_OP_##W##_MIN_U: x64_##minub##_xx(b, x, y); return true;                                \
    case SL_OP_##W##_MAX_S: x64_##maxsb##_xx(b, x, y); return true;                                \
    case SL_OP_##W##_MAX_U: x64_##maxub##_xx(b, x, y); return true;
    NARROW_LANES(I8X16, 0, pminsb, pminub, pmaxsb, pmaxub)
    NARROW_LANES(I16X8, 1, pminsw, pminuw, pmaxsw, pmaxuw)
    NARROW_LANES(I32X4, 2, pminsd, pminud, pmaxsd, pmaxud)
#undef NARROW_LANES
    /* spec: saturating arithmetic and the rounding average, one instruction each */
    case SL_OP_I8X16_ADD_SAT_S: x64_paddsb_xx(b, x, y); return true;
    case SL_OP_I8X16_ADD_SAT_U: x64_paddusb_xx(b, x, y); return true;
    case SL_OP_I8X16_SUB_SAT_S: x64_psubsb_xx(b, x, y); return true;
    case SL_OP_I8X16_SUB_SAT_U: x64_psubusb_xx(b, x, y); return true;
    case SL_OP_I16X8_ADD_SAT_S: x64_paddsw_xx(b, x, y); return true;
    case SL_OP_I16X8_ADD_SAT_U: x64_paddusw_xx(b, x, y); return true;
    case SL_OP_I16X8_SUB_SAT_S: x64_psubsw_xx(b, x, y); return true;
    case SL_OP_I16X8_SUB_SAT_U: x64_psubusw_xx(b, x, y); return true;
    case SL_OP_I8X16_AVGR_U: x64_pavgb_xx(b, x, y); return true;
    case SL_OP_I16X8_AVGR_U: x64_pavgw_xx(b, x, y); return true;
    case SL_OP_I16X8_MUL: x64_pmullw_xx(b, x, y); return true;
    case SL_OP_I32X4_MUL: x64_pmulld_xx(b, x, y); return true;
    case SL_OP_I64X2_MUL: multiply_i64(e, x, y, t); return true;
    /* spec: q15mulr_sat_s: pmulhrsw, but -0x8000 * -0x8000 wraps to -0x8000 there */
    case SL_OP_I16X8_Q15MULR_SAT_S:
        x64_pmulhrsw_xx(b, x, y);
        x64_pcmpeqd_xx(b, SCRATCH_X, SCRATCH_X);
        x64_psllw_xi(b, SCRATCH_X, 15);
        x64_pcmpeqw_xx(b, SCRATCH_X, x);
        x64_pxor_xx(b, x, SCRATCH_X);
        return true;
    /* spec: the one overflowing sum, 2 * 0x8000 * 0x8000, wraps as pmaddwd does */
    case SL_OP_I32X4_DOT_I16X8_S: x64_pmaddwd_xx(b, x, y); return true;
    case SL_OP_I8X16_POPCNT: popcount(e, x, t); return true;
    /* spec: narrowing saturates signed inputs, as the pack instructions read them */
    case SL_OP_I8X16_NARROW_I16X8_S: x64_packsswb_xx(b, x, y); return true;
    case SL_OP_I8X16_NARROW_I16X8_U: x64_packuswb_xx(b, x, y); return true;
    case SL_OP_I16X8_NARROW_I32X4_S: x64_packssdw_xx(b, x, y); return true;
    case SL_OP_I16X8_NARROW_I32X4_U: x64_packusdw_xx(b, x, y); return true;
#define WIDEN(W, F, k)                                                                             \
    case SL_OP_##W##_EXTEND_LOW_##F##_S: extend_half(e, x, k, false, true); return true;           \
    case SL_OP_##W##_EXTEND_HIGH_##F##_S: extend_half(e, x, k, true, true); return true;           \
    case SL_OP_##W##_EXTEND_LOW_##F##_U: extend_half(e, x, k, false, false); return true;          \
    case SL_OP_##W##_EXTEND_HIGH_##F##_U: extend_half(e, x, k, true, false); return true;          \
    case SL_OP_##W##_EXTMUL_LOW_##F##_S: extmul(e, i, k, false, true); return true;                \
    case SL_OP_##W##_EXTMUL_HIGH_##F##_S: extmul(e, i, k, true, true); return true;                \
    case SL_OP_##W##_EXTMUL_LOW_##F##_U: extmul(e, i, k, false, false); return true;               \
    case SL_OP_##W##_EXTMUL_HIGH_##F##_U: extmul(e, i, k, true, false); return true;
    WIDEN(I16X8, I8X16, 0)
    WIDEN(I32X4, I16X8, 1)
    WIDEN(I64X2, I32X4, 2)
#undef WIDEN
    case SL_OP_I16X8_EXTADD_PAIRWISE_I8X16_S: extadd_pairwise(e, x, 0, true); return true;
    case SL_OP_I16X8_EXTADD_PAIRWISE_I8X16_U: extadd_pairwise(e, x, 0, false); return true;
    case SL_OP_I32X4_EXTADD_PAIRWISE_I16X8_S: extadd_pairwise(e, x, 1, true); return true;
    case SL_OP_I32X4_EXTADD_PAIRWISE_I16X8_U: extadd_pairwise(e, x, 1, false); return true;

    /* spec: pmin is rhs < lhs ? rhs : lhs, pmax lhs < rhs ? rhs : lhs: minps and maxps with rhs
     * first, which give their second operand, lhs, for a NaN and for equal lanes */
#define FLOAT_LANES(W)                                                                             \
    case SL_OP_##W##_ADD: fop(&f_add, is_f64)(b, x, y); return true;                               \
    case SL_OP_##W##_SUB: fop(&f_sub, is_f64)(b, x, y); return true;                               \
    case SL_OP_##W##_MUL: fop(&f_mul, is_f64)(b, x, y); return true;                               \
    case SL_OP_##W##_DIV: fop(&f_div, is_f64)(b, x, y); return true;                               \
    case SL_OP_##W##_MIN: float_min_max(e, is_f64, true, x, y); return true;                       \
    case SL_OP_##W##_MAX: float_min_max(e, is_f64, false, x, y); return true;                      \
    case SL_OP_##W##_PMIN: swapped(e, fop(&f_min, is_f64), x, y); return true;                     \
    case SL_OP_##W##_PMAX: swapped(e, fop(&f_max, is_f64), x, y); return true;                     \
    /* spec: abs and neg change the sign bits only, NaN payloads included */                       \
    case SL_OP_##W##_ABS:                                                                          \
        xm_splat(e, x64_andps_xm, x, is_f64 ? ~(UINT64_C(1) << 63) : 0x7fffffffu, is_f64 ? 8 : 4); \
        return true;                                                                               \
    case SL_OP_##W##_NEG:                                                                          \
        xm_splat(e, x64_xorps_xm, x, is_f64 ? UINT64_C(1) << 63 : 0x80000000u, is_f64 ? 8 : 4);   \
        return true;                                                                               \
    case SL_OP_##W##_SQRT: (is_f64 ? x64_sqrtpd_xx : x64_sqrtps_xx)(b, x, x); return true;         \
    case SL_OP_##W##_CEIL: (is_f64 ? x64_roundpd_xxi : x64_roundps_xxi)(b, x, x, ROUND_CEIL); return true; \
    case SL_OP_##W##_FLOOR: (is_f64 ? x64_roundpd_xxi : x64_roundps_xxi)(b, x, x, ROUND_FLOOR); return true; \
    case SL_OP_##W##_TRUNC: (is_f64 ? x64_roundpd_xxi : x64_roundps_xxi)(b, x, x, ROUND_TRUNC); return true; \
    case SL_OP_##W##_NEAREST: (is_f64 ? x64_roundpd_xxi : x64_roundps_xxi)(b, x, x, ROUND_NEAREST); return true; \
    /* gt and ge are lt and le swapped, which keeps them false for NaN */                          \
    case SL_OP_##W##_EQ: float_compare(e, is_f64, FCMP_EQ, false, x, y); return true;              \
    case SL_OP_##W##_NE: float_compare(e, is_f64, FCMP_NEQ, false, x, y); return true;             \
    case SL_OP_##W##_LT: float_compare(e, is_f64, FCMP_LT, false, x, y); return true;              \
    case SL_OP_##W##_GT: float_compare(e, is_f64, FCMP_LT, true, x, y); return true;               \
    case SL_OP_##W##_LE: float_compare(e, is_f64, FCMP_LE, false, x, y); return true;              \
    case SL_OP_##W##_GE: float_compare(e, is_f64, FCMP_LE, true, x, y); return true;
    FLOAT_LANES(F32X4)
    FLOAT_LANES(F64X2)
#undef FLOAT_LANES
    case SL_OP_F32X4_CONVERT_I32X4_S:
    case SL_OP_F32X4_CONVERT_I32X4_U:
    case SL_OP_I32X4_TRUNC_SAT_F32X4_S:
    case SL_OP_I32X4_TRUNC_SAT_F32X4_U:
    case SL_OP_I32X4_TRUNC_SAT_F64X2_S_ZERO:
    case SL_OP_I32X4_TRUNC_SAT_F64X2_U_ZERO:
    case SL_OP_F64X2_CONVERT_LOW_I32X4_S:
    case SL_OP_F64X2_CONVERT_LOW_I32X4_U:
    case SL_OP_F32X4_DEMOTE_F64X2_ZERO:
    case SL_OP_F64X2_PROMOTE_LOW_F32X4: convert(e, op, x, t); return true;
    default: return emitter_fail(e, SL_ENOTSUP, "no emitter");
    }
}

bool
emitter_simd(emitter_t *e, const minsn_t *i)
{
    switch (i->op) {
    case MI_VOP: return vop(e, i);
    case MI_VTOS: to_scalar(e, i); return true;
    case MI_VFROMS: splat(e, i); return true;
    case MI_VLOAD:
        if (!emitter_trap_site(e))
            return false;
        load(e, i);
        return true;
    case MI_VLOADLANE:
    case MI_VSTORELANE:
        if (!emitter_trap_site(e))
            return false;
        lane_memory(e, i);
        return true;
    default: return emitter_fail(e, SL_ENOTSUP, "no emitter");
    }
}
