/* Conversions between floats and integers: the trapping and the saturating truncations, the
 * conversions of signed and unsigned integers (u64 inline, correctly rounded), and the
 * reinterpretations. f32 <-> f64 is in emit_float.c. */
#include "baseline_impl.h"

/* Float bit patterns of -2^63 and 2^63, the edges of the i64 range, both exact. */
#define F32_MINUS_2P63 0xDF000000u
#define F32_2P63 0x5F000000u
#define F64_MINUS_2P63 UINT64_C(0xC3E0000000000000)
#define F64_2P63 UINT64_C(0x43E0000000000000)

static void
ucomis(baseline_t *b, bool is_f64, x64_xreg_t x, x64_xreg_t y)
{
    (is_f64 ? x64_ucomisd_xx : x64_ucomiss_xx)(&b->buf, x, y);
}

/* cvtts*2si: truncation toward zero; NaN and out-of-range values give the "integer indefinite"
 * value, the most negative integer of the destination size. */
static void
cvtt(baseline_t *b, bool is_f64, unsigned size, x64_reg_t r, x64_xreg_t x)
{
    (is_f64 ? x64_cvttsd2si_rx : x64_cvttss2si_rx)(&b->buf, size, r, x);
}

/* SCRATCH_X = the float with bit pattern `bits`, through the general scratch register. */
static void
load_scratch(baseline_t *b, bool is_f64, uint64_t bits)
{
    x64_mov_ri(&b->buf, is_f64 ? 8 : 4, SCRATCH, (int64_t)bits);
    (is_f64 ? x64_movq_xr : x64_movd_xr)(&b->buf, SCRATCH_X, SCRATCH);
}

/* After a failed range check of x: spec: NaN is an invalid conversion, anything else an
 * overflow. */
static void
trap_nan_or_overflow(baseline_t *b, bool is_f64, x64_xreg_t x)
{
    ucomis(b, is_f64, x, x);
    emit_trap_jump(b, X64_CC_P, SL_TRAP_INVALID_CONVERSION, true);
    emit_trap_jump(b, X64_CC_O, SL_TRAP_INT_OVERFLOW, false);
}

/* i32.trunc_*: a 64-bit conversion is exact for every float in the i32 and u32 ranges and
 * beyond, so the result is checked for fitting the 32-bit range as an integer, and the float
 * is only looked at again when it does not. */
static void
trunc_i32(baseline_t *b, bool is_f64, bool is_signed, x64_reg_t r, x64_xreg_t x)
{
    x64_label_t ok;
    x64_label_init(&ok);
    cvtt(b, is_f64, 8, r, x);
    if (is_signed) {
        x64_movsx_rr(&b->buf, 8, SCRATCH, r, 4);
        x64_cmp_rr(&b->buf, 8, SCRATCH, r);
    } else {
        x64_mov_rr(&b->buf, 8, SCRATCH, r);
        x64_shr_ri(&b->buf, 8, SCRATCH, 32);
    }
    x64_jcc_label(&b->buf, X64_CC_E, &ok);
    trap_nan_or_overflow(b, is_f64, x);
    x64_label_bind(&b->buf, &ok);
    if (is_signed)
        x64_mov_rr(&b->buf, 4, r, r); /* an i32 in a register is zero-extended */
}

/* i64.trunc_*_s: the indefinite value INT64_MIN is also the conversion of -2^63 (the only float
 * that truncates to it: the next one down is below the range), so it is checked when it comes
 * out. cmp r, 1 overflows for INT64_MIN alone. */
static void
trunc_i64_s(baseline_t *b, bool is_f64, x64_reg_t r, x64_xreg_t x)
{
    x64_label_t ok;
    x64_label_init(&ok);
    cvtt(b, is_f64, 8, r, x);
    x64_cmp_ri(&b->buf, 8, r, 1);
    x64_jcc_label(&b->buf, X64_CC_NO, &ok);
    load_scratch(b, is_f64, is_f64 ? F64_MINUS_2P63 : F32_MINUS_2P63);
    ucomis(b, is_f64, x, SCRATCH_X);
    emit_trap_jump(b, X64_CC_P, SL_TRAP_INVALID_CONVERSION, true);
    emit_trap_jump(b, X64_CC_NE, SL_TRAP_INT_OVERFLOW, true);
    x64_label_bind(&b->buf, &ok);
}

/* The u64 truncations: below 2^63 (or NaN) a signed conversion, whose result is out of range
 * when negative; from 2^63 on (at `big`, which the caller emits), a signed conversion of
 * x - 2^63 (exact: x and 2^63 are within a factor of two) with the top bit set back. This emits
 * the split and the first conversion, and leaves the flags of `test r, r` on its result and
 * 2^63 in SCRATCH_X. */
static void
trunc_u64_parts(baseline_t *b, bool is_f64, x64_reg_t r, x64_xreg_t x, x64_label_t *big)
{
    load_scratch(b, is_f64, is_f64 ? F64_2P63 : F32_2P63);
    ucomis(b, is_f64, x, SCRATCH_X);
    x64_jcc_label(&b->buf, X64_CC_AE, big);
    cvtt(b, is_f64, 8, r, x);
    x64_test_rr(&b->buf, 8, r, r);
}

static void
trunc_i64_u(baseline_t *b, bool is_f64, x64_reg_t r, x64_xreg_t x)
{
    x64_label_t big, done;
    x64_label_init(&big);
    x64_label_init(&done);
    trunc_u64_parts(b, is_f64, r, x, &big);
    x64_jcc_label(&b->buf, X64_CC_NS, &done);
    trap_nan_or_overflow(b, is_f64, x);
    x64_label_bind(&b->buf, &big);
    (is_f64 ? x64_subsd_xx : x64_subss_xx)(&b->buf, x, SCRATCH_X);
    cvtt(b, is_f64, 8, r, x);
    x64_test_rr(&b->buf, 8, r, r);
    emit_trap_jump(b, X64_CC_S, SL_TRAP_INT_OVERFLOW, true);
    x64_mov_ri(&b->buf, 8, SCRATCH, INT64_MIN);
    x64_or_rr(&b->buf, 8, r, SCRATCH);
    x64_label_bind(&b->buf, &done);
}

/* spec: trunc_sat_s: NaN is 0, out of range is the nearest end. The indefinite value is already
 * the low end; when it comes out, x's sign tells the high end, and ucomis's PF a NaN. */
static void
trunc_sat_s(baseline_t *b, bool is_f64, unsigned size, x64_reg_t r, x64_xreg_t x)
{
    x64_label_t done;
    x64_label_init(&done);
    cvtt(b, is_f64, size, r, x);
    x64_cmp_ri(&b->buf, size, r, 1);
    x64_jcc_label(&b->buf, X64_CC_NO, &done);
    x64_xorps_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    ucomis(b, is_f64, x, SCRATCH_X);
    x64_mov_ri(&b->buf, size, SCRATCH, size == 4 ? INT32_MAX : INT64_MAX);
    x64_cmovcc_rr(&b->buf, size, X64_CC_A, r, SCRATCH);
    x64_mov_ri(&b->buf, 4, SCRATCH, 0);
    x64_cmovcc_rr(&b->buf, size, X64_CC_P, r, SCRATCH);
    x64_label_bind(&b->buf, &done);
}

/* spec: trunc_sat_u to i32: through a 64-bit conversion as trunc_i32; out of range, a positive
 * x gives UINT32_MAX, anything else (negative, NaN) 0. */
static void
trunc_sat_u32(baseline_t *b, bool is_f64, x64_reg_t r, x64_xreg_t x)
{
    x64_label_t done;
    x64_label_init(&done);
    cvtt(b, is_f64, 8, r, x);
    x64_mov_rr(&b->buf, 8, SCRATCH, r);
    x64_shr_ri(&b->buf, 8, SCRATCH, 32);
    x64_jcc_label(&b->buf, X64_CC_E, &done);
    x64_xorps_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    ucomis(b, is_f64, x, SCRATCH_X);
    x64_mov_ri(&b->buf, 4, r, UINT32_MAX);
    x64_mov_ri(&b->buf, 4, SCRATCH, 0);
    x64_cmovcc_rr(&b->buf, 4, X64_CC_BE, r, SCRATCH);
    x64_label_bind(&b->buf, &done);
}

/* spec: trunc_sat_u to i64: as trunc_i64_u, with 0 below the range (and for NaN) and UINT64_MAX
 * above it (where the second conversion gives the indefinite value, negative). */
static void
trunc_sat_u64(baseline_t *b, bool is_f64, x64_reg_t r, x64_xreg_t x)
{
    x64_label_t big, done;
    x64_label_init(&big);
    x64_label_init(&done);
    trunc_u64_parts(b, is_f64, r, x, &big);
    x64_jcc_label(&b->buf, X64_CC_NS, &done);
    x64_xor_rr(&b->buf, 4, r, r);
    x64_jmp_label(&b->buf, &done);
    x64_label_bind(&b->buf, &big);
    (is_f64 ? x64_subsd_xx : x64_subss_xx)(&b->buf, x, SCRATCH_X);
    cvtt(b, is_f64, 8, r, x);
    x64_test_rr(&b->buf, 8, r, r);
    x64_mov_ri(&b->buf, 8, SCRATCH, -1);
    x64_cmovcc_rr(&b->buf, 8, X64_CC_S, r, SCRATCH);
    x64_mov_ri(&b->buf, 8, SCRATCH, INT64_MIN);
    x64_or_rr(&b->buf, 8, r, SCRATCH);
    x64_label_bind(&b->buf, &done);
}

typedef enum trunc_kind { TRUNC_S, TRUNC_U, TRUNC_SAT_S, TRUNC_SAT_U } trunc_kind_t;

/* Every truncation: the float on top becomes an integer of `size` bytes in a new register. The
 * float's register is the emitter's to clobber: its value is consumed. */
static void
trunc_to_int(baseline_t *b, bool is_f64, unsigned size, trunc_kind_t kind)
{
    x64_xreg_t x = (x64_xreg_t)vs_to_reg(b, b->depth - 1, 0);
    x64_reg_t r = vs_alloc(b, 0);
    switch (kind) {
    case TRUNC_S:
        if (size == 4)
            trunc_i32(b, is_f64, true, r, x);
        else
            trunc_i64_s(b, is_f64, r, x);
        break;
    case TRUNC_U:
        if (size == 4)
            trunc_i32(b, is_f64, false, r, x);
        else
            trunc_i64_u(b, is_f64, r, x);
        break;
    case TRUNC_SAT_S: trunc_sat_s(b, is_f64, size, r, x); break;
    case TRUNC_SAT_U:
        if (size == 4)
            trunc_sat_u32(b, is_f64, r, x);
        else
            trunc_sat_u64(b, is_f64, r, x);
        break;
    }
    vs_drop(b, 1);
    vs_push_reg(b, size == 4 ? SL_TYPE_I32 : SL_TYPE_I64, r);
}

static void
cvtsi2s(baseline_t *b, bool is_f64, unsigned size, x64_xreg_t x, x64_reg_t r)
{
    (is_f64 ? x64_cvtsi2sd_xr : x64_cvtsi2ss_xr)(&b->buf, size, x, r);
}

/* An integer of `size` bytes on top becomes a float. A u32 is a zero-extended register, so a
 * signed 64-bit conversion; a u64 with the top bit set is halved first, its lowest bit kept as
 * a sticky bit (or-ed in) so the one rounding happens on the halved value and doubling is
 * exact. */
static void
convert(baseline_t *b, bool is_f64, unsigned size, bool is_signed)
{
    x64_reg_t r = vs_pop_reg(b, 0);
    x64_xreg_t x = vs_alloc_x(b, 0);
    /* cvtsi2s* writes the low lane only: clearing the rest first ends the dependency on
     * whatever wrote x last */
    x64_xorps_xx(&b->buf, x, x);
    if (size == 4 || is_signed) {
        cvtsi2s(b, is_f64, is_signed ? size : 8, x, r);
    } else {
        x64_label_t big, done;
        x64_label_init(&big);
        x64_label_init(&done);
        x64_test_rr(&b->buf, 8, r, r);
        x64_jcc_label(&b->buf, X64_CC_S, &big);
        cvtsi2s(b, is_f64, 8, x, r);
        x64_jmp_label(&b->buf, &done);
        x64_label_bind(&b->buf, &big);
        x64_mov_rr(&b->buf, 8, SCRATCH, r);
        x64_shr_ri(&b->buf, 8, SCRATCH, 1);
        x64_and_ri(&b->buf, 4, r, 1);
        x64_or_rr(&b->buf, 8, SCRATCH, r);
        cvtsi2s(b, is_f64, 8, x, SCRATCH);
        (is_f64 ? x64_addsd_xx : x64_addss_xx)(&b->buf, x, x);
        x64_label_bind(&b->buf, &done);
    }
    vs_free(b, r);
    vs_push_reg(b, is_f64 ? SL_TYPE_F64 : SL_TYPE_F32, (x64_reg_t)x);
}

/* The same bits as another type. A constant or a value in its home is only retyped: the home
 * holds the same bytes for both. A constant keeps the representation of its new type (an i32
 * sign-extended, an f32 zero-extended). */
static bool
reinterpret(baseline_t *b, uint8_t to)
{
    vslot_t *s = &b->stack[b->depth - 1];
    if (s->loc == LOC_LOCAL) /* a local of the old type: copy it before the type changes */
        vs_to_reg(b, b->depth - 1, 0);
    bool is_to_float = is_xmm_type(to);
    unsigned size = type_size(to);
    if (s->loc == LOC_CONST && size == 4)
        s->imm = is_to_float ? (int64_t)(uint32_t)s->imm : (int64_t)(int32_t)s->imm;
    if (s->loc != LOC_REG) {
        s->type = to;
        return true;
    }
    x64_reg_t from = vs_pop_reg(b, 0);
    if (is_to_float) {
        x64_xreg_t x = vs_alloc_x(b, 0);
        (size == 4 ? x64_movd_xr : x64_movq_xr)(&b->buf, x, from);
        vs_free(b, from);
        return vs_push_reg(b, to, (x64_reg_t)x);
    }
    x64_reg_t r = vs_alloc(b, 0);
    (size == 4 ? x64_movd_rx : x64_movq_rx)(&b->buf, r, (x64_xreg_t)from);
    vs_free_x(b, (x64_xreg_t)from);
    return vs_push_reg(b, to, r);
}

bool
emit_convert(baseline_t *b, unsigned op)
{
    switch (op) {
#define CONVERSIONS(W, size)                                                                       \
    case SL_OP_##W##_TRUNC_F32_S: trunc_to_int(b, false, size, TRUNC_S); return true;              \
    case SL_OP_##W##_TRUNC_F32_U: trunc_to_int(b, false, size, TRUNC_U); return true;              \
    case SL_OP_##W##_TRUNC_F64_S: trunc_to_int(b, true, size, TRUNC_S); return true;               \
    case SL_OP_##W##_TRUNC_F64_U: trunc_to_int(b, true, size, TRUNC_U); return true;               \
    case SL_OP_##W##_TRUNC_SAT_F32_S: trunc_to_int(b, false, size, TRUNC_SAT_S); return true;      \
    case SL_OP_##W##_TRUNC_SAT_F32_U: trunc_to_int(b, false, size, TRUNC_SAT_U); return true;      \
    case SL_OP_##W##_TRUNC_SAT_F64_S: trunc_to_int(b, true, size, TRUNC_SAT_S); return true;       \
    case SL_OP_##W##_TRUNC_SAT_F64_U: trunc_to_int(b, true, size, TRUNC_SAT_U); return true;       \
    case SL_OP_F32_CONVERT_##W##_S: convert(b, false, size, true); return true;                    \
    case SL_OP_F32_CONVERT_##W##_U: convert(b, false, size, false); return true;                   \
    case SL_OP_F64_CONVERT_##W##_S: convert(b, true, size, true); return true;                     \
    case SL_OP_F64_CONVERT_##W##_U: convert(b, true, size, false); return true;
    CONVERSIONS(I32, 4)
    CONVERSIONS(I64, 8)
#undef CONVERSIONS
    case SL_OP_I32_REINTERPRET_F32: return reinterpret(b, SL_TYPE_I32);
    case SL_OP_I64_REINTERPRET_F64: return reinterpret(b, SL_TYPE_I64);
    case SL_OP_F32_REINTERPRET_I32: return reinterpret(b, SL_TYPE_F32);
    case SL_OP_F64_REINTERPRET_I64: return reinterpret(b, SL_TYPE_F64);
    default:
        return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                             sl_opcode_info[op].text);
    }
}
