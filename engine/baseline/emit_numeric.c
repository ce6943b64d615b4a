/* Integer constants, arithmetic, comparisons, bit counts and conversions. i32 values in
 * registers are always zero-extended to 64 bits (every 32-bit x86 operation does it), so an i32
 * can be used as a 64-bit address or extended for free. */
#include "baseline_impl.h"

typedef void (*alu_rr_fn)(x64_buf_t *, unsigned, x64_reg_t, x64_reg_t);
typedef void (*alu_ri_fn)(x64_buf_t *, unsigned, x64_reg_t, int32_t);
typedef void (*alu_rm_fn)(x64_buf_t *, unsigned, x64_reg_t, x64_mem_t);

typedef struct alu {
    alu_rr_fn rr;
    alu_ri_fn ri;
    alu_rm_fn rm;
} alu_t;

static const alu_t alu_add = {x64_add_rr, x64_add_ri, x64_add_rm};
static const alu_t alu_sub = {x64_sub_rr, x64_sub_ri, x64_sub_rm};
static const alu_t alu_and = {x64_and_rr, x64_and_ri, x64_and_rm};
static const alu_t alu_or = {x64_or_rr, x64_or_ri, x64_or_rm};
static const alu_t alu_xor = {x64_xor_rr, x64_xor_ri, x64_xor_rm};
static const alu_t alu_cmp = {x64_cmp_rr, x64_cmp_ri, x64_cmp_rm};

static bool
fits_imm32(const vslot_t *s)
{
    return s->loc == LOC_CONST && s->imm >= INT32_MIN && s->imm <= INT32_MAX;
}

/* lhs = lhs OP rhs, the right operand folded into an immediate or a memory operand when it can
 * be. Leaves lhs (now a register) on the stack; returns it. */
static x64_reg_t
binary(baseline_t *b, unsigned size, const alu_t *alu)
{
    uint32_t top = b->depth - 1;
    vslot_t rhs = b->stack[top];
    x64_regset_t keep = rhs.loc == LOC_REG ? X64_REGSET(rhs.reg) : 0;
    x64_reg_t lhs = vs_to_reg(b, top - 1, keep);
    if (fits_imm32(&b->stack[top]))
        alu->ri(&b->buf, size, lhs, (int32_t)rhs.imm);
    else if (rhs.loc == LOC_STACK)
        alu->rm(&b->buf, size, lhs, home(b, top));
    else if (rhs.loc == LOC_LOCAL && local_reg(b, (uint32_t)rhs.imm) == X64_NO_REG)
        alu->rm(&b->buf, size, lhs, local_slot(b, (uint32_t)rhs.imm));
    else
        alu->rr(&b->buf, size, lhs, vs_read_reg(b, top, X64_REGSET(lhs)));
    vs_drop(b, 1);
    return lhs;
}

/* A comparison: the flags of lhs CMP rhs turned into 0 or 1 in lhs's register. */
/* Turns the flags of a comparison just emitted into the i32 result held by the top slot's
 * register r: left in the flags when br_if or if comes next and branches on them, else 0 or 1. */
void
finish_comparison(baseline_t *b, x64_reg_t r, x64_cc_t cc)
{
    vslot_t *top = &b->stack[b->depth - 1];
    top->type = SL_TYPE_I32;
    const uint8_t *next = b->validator->r.p;
    if (next < b->validator->r.end && (*next == 0x0d /* br_if */ || *next == 0x04 /* if */)) {
        vs_free(b, r);
        top->loc = LOC_COND;
        top->reg = (uint8_t)cc;
        return;
    }
    x64_setcc_r(&b->buf, cc, r);
    x64_movzx_rr(&b->buf, r, r, 1);
}

static void
compare(baseline_t *b, unsigned size, x64_cc_t cc)
{
    finish_comparison(b, binary(b, size, &alu_cmp), cc);
}

static void
eqz(baseline_t *b, unsigned size)
{
    x64_reg_t r = vs_to_reg(b, b->depth - 1, 0);
    x64_test_rr(&b->buf, size, r, r);
    finish_comparison(b, r, X64_CC_E);
}

static void
multiply(baseline_t *b, unsigned size)
{
    uint32_t top = b->depth - 1;
    vslot_t rhs = b->stack[top];
    x64_regset_t keep = rhs.loc == LOC_REG ? X64_REGSET(rhs.reg) : 0;
    x64_reg_t lhs = vs_to_reg(b, top - 1, keep);
    if (fits_imm32(&rhs))
        x64_imul_rri(&b->buf, size, lhs, lhs, (int32_t)rhs.imm);
    else
        x64_imul_rr(&b->buf, size, lhs, vs_read_reg(b, top, X64_REGSET(lhs)));
    vs_drop(b, 1);
}

typedef void (*shift_cl_fn)(x64_buf_t *, unsigned, x64_reg_t);
typedef void (*shift_ri_fn)(x64_buf_t *, unsigned, x64_reg_t, uint8_t);

/* spec: shift counts are taken modulo the width, as x86 does with cl. */
static void
shift(baseline_t *b, unsigned size, shift_cl_fn by_cl, shift_ri_fn by_imm)
{
    uint32_t top = b->depth - 1;
    if (b->stack[top].loc == LOC_CONST) {
        uint8_t count = (uint8_t)(b->stack[top].imm & (size * 8 - 1));
        vs_drop(b, 1);
        x64_reg_t r = vs_to_reg(b, b->depth - 1, 0);
        if (count)
            by_imm(&b->buf, size, r, count);
        return;
    }
    vs_pop_into(b, X64_RCX);
    x64_reg_t r = vs_to_reg(b, b->depth - 1, X64_REGSET(X64_RCX));
    by_cl(&b->buf, size, r);
    vs_free(b, X64_RCX);
}

/* div and rem: x86 divides rdx:rax. Division by zero and INT_MIN / -1 trap (spec: integer
 * divide by zero, integer overflow); INT_MIN rem -1 is 0, where x86 would fault. */
static void
divide(baseline_t *b, unsigned size, bool is_signed, bool is_rem)
{
    x64_regset_t fixed = X64_REGSET(X64_RAX) | X64_REGSET(X64_RDX);
    x64_reg_t divisor = vs_pop_reg(b, fixed);
    vs_pop_into(b, X64_RAX);
    vs_evict(b, X64_RDX, fixed | X64_REGSET(divisor));
    b->gp_used |= X64_REGSET(X64_RDX);

    x64_test_rr(&b->buf, size, divisor, divisor);
    emit_trap_jump(b, X64_CC_E, SL_TRAP_DIV_ZERO, true);
    x64_label_t done, normal;
    x64_label_init(&done);
    x64_label_init(&normal);
    if (is_signed) {
        x64_cmp_ri(&b->buf, size, divisor, -1);
        x64_jcc_label(&b->buf, X64_CC_NE, &normal);
        if (is_rem) {
            x64_xor_rr(&b->buf, 4, X64_RDX, X64_RDX);
            x64_jmp_label(&b->buf, &done);
        } else {
            if (size == 4) {
                x64_cmp_ri(&b->buf, 4, X64_RAX, INT32_MIN);
            } else {
                x64_mov_ri(&b->buf, 8, SCRATCH, INT64_MIN);
                x64_cmp_rr(&b->buf, 8, X64_RAX, SCRATCH);
            }
            emit_trap_jump(b, X64_CC_E, SL_TRAP_INT_OVERFLOW, true);
        }
        x64_label_bind(&b->buf, &normal);
        x64_cdq_cqo(&b->buf, size);
        x64_idiv_r(&b->buf, size, divisor);
    } else {
        x64_xor_rr(&b->buf, 4, X64_RDX, X64_RDX);
        x64_div_r(&b->buf, size, divisor);
    }
    x64_label_bind(&b->buf, &done);
    vs_free(b, divisor);
    x64_reg_t result = is_rem ? X64_RDX : X64_RAX;
    vs_free(b, is_rem ? X64_RAX : X64_RDX);
    b->gp_used &= (x64_regset_t)~X64_REGSET(result);
    vs_push_reg(b, size == 4 ? SL_TYPE_I32 : SL_TYPE_I64, result);
}

/* clz and ctz through bsr/bsf, which every x86-64 has, with cmov for a zero input. */
static void
count_zeros(baseline_t *b, unsigned size, bool is_leading)
{
    x64_reg_t src = vs_to_reg(b, b->depth - 1, 0);
    x64_reg_t dst = vs_alloc(b, X64_REGSET(src));
    unsigned bits = size * 8;
    if (is_leading) {
        x64_mov_ri(&b->buf, 4, SCRATCH, 2 * bits - 1);  /* zero input: (2*bits-1) ^ (bits-1) */
        x64_bsr_rr(&b->buf, size, dst, src);
        x64_cmovcc_rr(&b->buf, size, X64_CC_E, dst, SCRATCH);
        x64_xor_ri(&b->buf, size, dst, (int32_t)bits - 1); /* bits-1 - index, as index < bits */
    } else {
        x64_mov_ri(&b->buf, 4, SCRATCH, bits);
        x64_bsf_rr(&b->buf, size, dst, src);
        x64_cmovcc_rr(&b->buf, size, X64_CC_E, dst, SCRATCH);
    }
    vs_free(b, src);
    b->stack[b->depth - 1].reg = (uint8_t)dst;
}

static void
unary_in_place(baseline_t *b, void (*fn)(x64_buf_t *, unsigned, x64_reg_t, x64_reg_t),
               unsigned size)
{
    x64_reg_t r = vs_to_reg(b, b->depth - 1, 0);
    fn(&b->buf, size, r, r);
}

static void
set_top_type(baseline_t *b, uint8_t type)
{
    b->stack[b->depth - 1].type = type;
}

static void
sign_extend(baseline_t *b, unsigned dst_size, unsigned src_size, uint8_t type)
{
    x64_reg_t r = vs_to_reg(b, b->depth - 1, 0);
    x64_movsx_rr(&b->buf, dst_size, r, r, src_size);
    set_top_type(b, type);
}

bool
emit_numeric(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    switch (op) {
    case SL_OP_NOP: return true;
    case SL_OP_I32_CONST: return vs_push_const(b, SL_TYPE_I32, imm->u.i32);
    case SL_OP_I64_CONST: return vs_push_const(b, SL_TYPE_I64, imm->u.i64);

    case SL_OP_I32_EQZ: eqz(b, 4); return true;
    case SL_OP_I64_EQZ: eqz(b, 8); return true;
#define CMP(w, size)                                                                               \
    case SL_OP_##w##_EQ: compare(b, size, X64_CC_E); return true;                                  \
    case SL_OP_##w##_NE: compare(b, size, X64_CC_NE); return true;                                 \
    case SL_OP_##w##_LT_S: compare(b, size, X64_CC_L); return true;                                \
    case SL_OP_##w##_LT_U: compare(b, size, X64_CC_B); return true;                                \
    case SL_OP_##w##_GT_S: compare(b, size, X64_CC_G); return true;                                \
    case SL_OP_##w##_GT_U: compare(b, size, X64_CC_A); return true;                                \
    case SL_OP_##w##_LE_S: compare(b, size, X64_CC_LE); return true;                               \
    case SL_OP_##w##_LE_U: compare(b, size, X64_CC_BE); return true;                               \
    case SL_OP_##w##_GE_S: compare(b, size, X64_CC_GE); return true;                               \
    case SL_OP_##w##_GE_U: compare(b, size, X64_CC_AE); return true;
    CMP(I32, 4)
    CMP(I64, 8)
#undef CMP

#define ARITH(w, size)                                                                             \
    case SL_OP_##w##_ADD: binary(b, size, &alu_add); return true;                                  \
    case SL_OP_##w##_SUB: binary(b, size, &alu_sub); return true;                                  \
    case SL_OP_##w##_AND: binary(b, size, &alu_and); return true;                                  \
    case SL_OP_##w##_OR: binary(b, size, &alu_or); return true;                                    \
    case SL_OP_##w##_XOR: binary(b, size, &alu_xor); return true;                                  \
    case SL_OP_##w##_MUL: multiply(b, size); return true;                                          \
    case SL_OP_##w##_DIV_S: divide(b, size, true, false); return true;                             \
    case SL_OP_##w##_DIV_U: divide(b, size, false, false); return true;                            \
    case SL_OP_##w##_REM_S: divide(b, size, true, true); return true;                              \
    case SL_OP_##w##_REM_U: divide(b, size, false, true); return true;                             \
    case SL_OP_##w##_SHL: shift(b, size, x64_shl_rcl, x64_shl_ri); return true;                    \
    case SL_OP_##w##_SHR_S: shift(b, size, x64_sar_rcl, x64_sar_ri); return true;                  \
    case SL_OP_##w##_SHR_U: shift(b, size, x64_shr_rcl, x64_shr_ri); return true;                  \
    case SL_OP_##w##_ROTL: shift(b, size, x64_rol_rcl, x64_rol_ri); return true;                   \
    case SL_OP_##w##_ROTR: shift(b, size, x64_ror_rcl, x64_ror_ri); return true;                   \
    case SL_OP_##w##_CLZ: count_zeros(b, size, true); return true;                                 \
    case SL_OP_##w##_CTZ: count_zeros(b, size, false); return true;                                \
    case SL_OP_##w##_POPCNT: unary_in_place(b, x64_popcnt_rr, size); return true;
    ARITH(I32, 4)
    ARITH(I64, 8)
#undef ARITH

    case SL_OP_I32_WRAP_I64: { /* a 32-bit move clears the upper half */
        x64_reg_t r = vs_to_reg(b, b->depth - 1, 0);
        x64_mov_rr(&b->buf, 4, r, r);
        set_top_type(b, SL_TYPE_I32);
        return true;
    }
    case SL_OP_I64_EXTEND_I32_U: /* already zero-extended in a register */
        vs_to_reg(b, b->depth - 1, 0);
        set_top_type(b, SL_TYPE_I64);
        return true;
    case SL_OP_I64_EXTEND_I32_S: sign_extend(b, 8, 4, SL_TYPE_I64); return true;
    case SL_OP_I32_EXTEND8_S: sign_extend(b, 4, 1, SL_TYPE_I32); return true;
    case SL_OP_I32_EXTEND16_S: sign_extend(b, 4, 2, SL_TYPE_I32); return true;
    case SL_OP_I64_EXTEND8_S: sign_extend(b, 8, 1, SL_TYPE_I64); return true;
    case SL_OP_I64_EXTEND16_S: sign_extend(b, 8, 2, SL_TYPE_I64); return true;
    case SL_OP_I64_EXTEND32_S: sign_extend(b, 8, 4, SL_TYPE_I64); return true;
    default:
        return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                             sl_opcode_info[op].text);
    }
}
