/* Instruction selection of f32 and f64 operations and conversions (isel_impl.h). The emitters
 * of the pseudo-instructions (emit_float.c) hold the wasm rules for NaNs, signed zeros and
 * out-of-range conversions; this file picks operands and forms. */
#include "isel_impl.h"

static ir_ref_t
arg(const isel_t *s, ir_ref_t r, unsigned k)
{
    return ir_args(ir_insn(s->f, r))[k];
}

static bool
is_f64_operand(const isel_t *s, ir_ref_t r)
{
    return ir_insn(s->f, arg(s, r, 0))->type == IR_T_F64;
}

/* v = a OP b, two-address: the right operand may stay in its spill slot. */
static bool
binary(isel_t *s, ir_ref_t r, unsigned op)
{
    mreg_t v = isel_reg(s, r);
    unsigned size = isel_size_of((ir_type_t)ir_insn(s->f, r)->type);
    mreg_t b = isel_reg(s, arg(s, r, 1));
    return isel_move_in(s, v, arg(s, r, 0), size) && isel_emit2(s, op, size, mop_reg(v), mop_reg(b));
}

static bool
in_place(isel_t *s, ir_ref_t r, unsigned op)
{
    mreg_t v = isel_reg(s, r);
    unsigned size = isel_size_of((ir_type_t)ir_insn(s->f, r)->type);
    if (!isel_move_in(s, v, arg(s, r, 0), size))
        return false;
    minsn_t *i = isel_emit(s, op, size);
    if (!i)
        return false;
    i->n_opnds = 1;
    i->o[0] = mop_reg(v);
    return true;
}

/* v = OP a into a new register, `size` the result's width; `aux` for the emitter. */
static bool
unary(isel_t *s, ir_ref_t r, unsigned op, unsigned size, unsigned aux, ir_type_t temp)
{
    minsn_t *i = isel_emit(s, op, size);
    if (!i)
        return false;
    i->n_opnds = temp == IR_T_NONE ? 2 : 3;
    i->aux = aux;
    i->o[0] = mop_reg(isel_reg(s, r));
    i->o[1] = mop_reg(isel_reg(s, arg(s, r, 0)));
    if (temp != IR_T_NONE)
        i->o[2] = mop_reg(isel_temp(s, temp));
    return isel_check(s);
}

/* A comparison into 0 or 1: ucomis on the operands in IR order, or swapped so that lt and le
 * become gt and ge, which a NaN (ZF, PF and CF set) fails, as wasm wants. */
static bool
compare(isel_t *s, ir_ref_t r, x64_cc_t cc, bool is_swapped)
{
    minsn_t *i = isel_emit(s, MI_FCMP, is_f64_operand(s, r) ? 8 : 4);
    if (!i)
        return false;
    i->n_opnds = 3;
    i->cc = (uint8_t)cc;
    i->o[0] = mop_reg(isel_reg(s, r));
    i->o[1] = mop_reg(isel_reg(s, arg(s, r, is_swapped ? 1 : 0)));
    i->o[2] = mop_reg(isel_reg(s, arg(s, r, is_swapped ? 0 : 1)));
    return isel_check(s);
}

static bool
truncate(isel_t *s, ir_ref_t r, unsigned kind)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    bool is_f64 = is_f64_operand(s, r);
    unsigned size = i->type == IR_T_I32 ? 4 : 8;
    bool needs_temp = size == 8 && (kind == FTOI_U || kind == FTOI_SAT_U);
    return unary(s, r, MI_FTOI, size, kind | (is_f64 ? FTOI_F64 : 0),
                 needs_temp ? (is_f64 ? IR_T_F64 : IR_T_F32) : IR_T_NONE);
}

static bool
convert(isel_t *s, ir_ref_t r, bool is_signed)
{
    bool is_64 = ir_insn(s->f, arg(s, r, 0))->type == IR_T_I64;
    unsigned size = ir_insn(s->f, r)->type == IR_T_F64 ? 8 : 4;
    return unary(s, r, MI_ITOF, size, (is_signed ? ITOF_SIGNED : 0) | (is_64 ? ITOF_64 : 0),
                 is_64 && !is_signed ? IR_T_I64 : IR_T_NONE);
}

bool
isel_float(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    switch (i->op) {
#define ARITH(W)                                                                                   \
    case IR_##W##_ADD: return binary(s, r, MI_FADD);                                               \
    case IR_##W##_SUB: return binary(s, r, MI_FSUB);                                               \
    case IR_##W##_MUL: return binary(s, r, MI_FMUL);                                               \
    case IR_##W##_DIV: return binary(s, r, MI_FDIV);                                               \
    case IR_##W##_MIN: return binary(s, r, MI_FMIN);                                               \
    case IR_##W##_MAX: return binary(s, r, MI_FMAX);                                               \
    case IR_##W##_COPYSIGN: return binary(s, r, MI_FCOPYSIGN);                                     \
    case IR_##W##_ABS: return in_place(s, r, MI_FABS);                                             \
    case IR_##W##_NEG: return in_place(s, r, MI_FNEG);                                             \
    case IR_##W##_SQRT: return unary(s, r, MI_FSQRT, isel_size_of(IR_T_##W), 0, IR_T_NONE);       \
    case IR_##W##_CEIL: return unary(s, r, MI_FROUND, isel_size_of(IR_T_##W), ROUND_CEIL, IR_T_NONE); \
    case IR_##W##_FLOOR:                                                                           \
        return unary(s, r, MI_FROUND, isel_size_of(IR_T_##W), ROUND_FLOOR, IR_T_NONE);             \
    case IR_##W##_TRUNC:                                                                           \
        return unary(s, r, MI_FROUND, isel_size_of(IR_T_##W), ROUND_TRUNC, IR_T_NONE);             \
    case IR_##W##_NEAREST:                                                                         \
        return unary(s, r, MI_FROUND, isel_size_of(IR_T_##W), ROUND_NEAREST, IR_T_NONE);           \
    case IR_##W##_EQ: return compare(s, r, X64_CC_E, false);                                       \
    case IR_##W##_NE: return compare(s, r, X64_CC_NE, false);                                      \
    case IR_##W##_LT: return compare(s, r, X64_CC_A, true);                                        \
    case IR_##W##_GT: return compare(s, r, X64_CC_A, false);                                       \
    case IR_##W##_LE: return compare(s, r, X64_CC_AE, true);                                       \
    case IR_##W##_GE: return compare(s, r, X64_CC_AE, false);
    ARITH(F32)
    ARITH(F64)
#undef ARITH
    /* spec: promote and demote quiet a NaN and keep what of its payload fits */
    case IR_F64_PROMOTE_F32: return unary(s, r, MI_FCVT, 8, 0, IR_T_NONE);
    case IR_F32_DEMOTE_F64: return unary(s, r, MI_FCVT, 4, 0, IR_T_NONE);
    case IR_I32_TRUNC_F32_S:
    case IR_I32_TRUNC_F64_S:
    case IR_I64_TRUNC_F32_S:
    case IR_I64_TRUNC_F64_S: return truncate(s, r, FTOI_S);
    case IR_I32_TRUNC_F32_U:
    case IR_I32_TRUNC_F64_U:
    case IR_I64_TRUNC_F32_U:
    case IR_I64_TRUNC_F64_U: return truncate(s, r, FTOI_U);
    case IR_I32_TRUNC_SAT_F32_S:
    case IR_I32_TRUNC_SAT_F64_S:
    case IR_I64_TRUNC_SAT_F32_S:
    case IR_I64_TRUNC_SAT_F64_S: return truncate(s, r, FTOI_SAT_S);
    case IR_I32_TRUNC_SAT_F32_U:
    case IR_I32_TRUNC_SAT_F64_U:
    case IR_I64_TRUNC_SAT_F32_U:
    case IR_I64_TRUNC_SAT_F64_U: return truncate(s, r, FTOI_SAT_U);
    case IR_F32_CONVERT_I32_S:
    case IR_F32_CONVERT_I64_S:
    case IR_F64_CONVERT_I32_S:
    case IR_F64_CONVERT_I64_S: return convert(s, r, true);
    case IR_F32_CONVERT_I32_U:
    case IR_F32_CONVERT_I64_U:
    case IR_F64_CONVERT_I32_U:
    case IR_F64_CONVERT_I64_U: return convert(s, r, false);
    case IR_I32_REINTERPRET_F32:
    case IR_F32_REINTERPRET_I32: return unary(s, r, MI_MOVD, 4, 0, IR_T_NONE);
    case IR_I64_REINTERPRET_F64:
    case IR_F64_REINTERPRET_I64: return unary(s, r, MI_MOVD, 8, 0, IR_T_NONE);
    default:
        return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet",
                         ir_op_name(i->op));
    }
}
