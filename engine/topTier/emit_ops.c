/* Emission of moves, memory accesses and integer arithmetic (emit_impl.h). Operands are
 * physical: a register, an immediate that fits the instruction, or memory. i32 results are
 * computed with 32-bit instructions, which zero the upper half as the IR's contract wants. */
#include "emit_impl.h"

/* add, sub, and, or, xor and cmp: a register, immediate or memory source. */
static bool
alu(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    x64_reg_t dst = gp(&i->o[0]);
    const mopnd_t *src = &i->o[1];
    if (src->kind == MO_IMM) {
        int32_t imm = (int32_t)src->imm;
        switch (i->op) {
        case MI_ADD: x64_add_ri(b, i->size, dst, imm); break;
        case MI_SUB: x64_sub_ri(b, i->size, dst, imm); break;
        case MI_AND: x64_and_ri(b, i->size, dst, imm); break;
        case MI_OR: x64_or_ri(b, i->size, dst, imm); break;
        case MI_XOR: x64_xor_ri(b, i->size, dst, imm); break;
        default: x64_cmp_ri(b, i->size, dst, imm); break;
        }
    } else if (src->kind == MO_MEM) {
        x64_mem_t m = mem(src);
        switch (i->op) {
        case MI_ADD: x64_add_rm(b, i->size, dst, m); break;
        case MI_SUB: x64_sub_rm(b, i->size, dst, m); break;
        case MI_AND: x64_and_rm(b, i->size, dst, m); break;
        case MI_OR: x64_or_rm(b, i->size, dst, m); break;
        case MI_XOR: x64_xor_rm(b, i->size, dst, m); break;
        default: x64_cmp_rm(b, i->size, dst, m); break;
        }
    } else {
        x64_reg_t r = gp(src);
        switch (i->op) {
        case MI_ADD: x64_add_rr(b, i->size, dst, r); break;
        case MI_SUB: x64_sub_rr(b, i->size, dst, r); break;
        case MI_AND: x64_and_rr(b, i->size, dst, r); break;
        case MI_OR: x64_or_rr(b, i->size, dst, r); break;
        case MI_XOR: x64_xor_rr(b, i->size, dst, r); break;
        default: x64_cmp_rr(b, i->size, dst, r); break;
        }
    }
    return true;
}

/* dst = src for general or xmm registers, immediates and (spilled) memory sources. */
static bool
move(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    const mopnd_t *dst = &i->o[0], *src = &i->o[1];
    if (is_xmm_opnd(dst)) {
        if (src->kind == MO_REG)
            x64_movaps_xx(b, xmm(dst), xmm(src));
        else if (i->size == 4)
            x64_movss_xm(b, xmm(dst), mem(src));
        else if (i->size == 8)
            x64_movsd_xm(b, xmm(dst), mem(src));
        else
            x64_movdqu_xm(b, xmm(dst), mem(src));
        return true;
    }
    unsigned size = i->size == 4 ? 4 : 8;
    switch (src->kind) {
    case MO_REG: x64_mov_rr(b, size, gp(dst), gp(src)); return true;
    case MO_IMM: x64_mov_ri(b, size, gp(dst), size == 4 ? (int64_t)(uint32_t)src->imm : src->imm); return true;
    case MO_MEM: x64_mov_rm(b, size, gp(dst), mem(src)); return true;
    default: return emitter_fail(e, SL_ELIMIT, "bad operand");
    }
}

static bool
load(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    const mopnd_t *dst = &i->o[0];
    x64_mem_t src = mem(&i->o[1]);
    if ((i->flags & MIF_TRAP_SITE) && !emitter_trap_site(e))
        return false;
    if (is_xmm_opnd(dst)) {
        if (i->size == 4)
            x64_movss_xm(b, xmm(dst), src);
        else if (i->size == 8)
            x64_movsd_xm(b, xmm(dst), src);
        else
            x64_movdqu_xm(b, xmm(dst), src);
        return true;
    }
    if (i->op == MI_LOADS) {
        x64_movsx_rm(b, i->aux, gp(dst), i->size, src);
        return true;
    }
    if (i->size <= 2)
        x64_movzx_rm(b, gp(dst), i->size, src);
    else
        x64_mov_rm(b, i->size, gp(dst), src);
    return true;
}

static bool
store(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    x64_mem_t dst = mem(&i->o[0]);
    const mopnd_t *src = &i->o[1];
    if ((i->flags & MIF_TRAP_SITE) && !emitter_trap_site(e))
        return false;
    if (src->kind == MO_IMM) {
        x64_mov_mi(b, i->size, dst, (int32_t)src->imm);
    } else if (is_xmm_opnd(src)) {
        if (i->size == 4)
            x64_movss_mx(b, dst, xmm(src));
        else if (i->size == 8)
            x64_movsd_mx(b, dst, xmm(src));
        else
            x64_movdqu_mx(b, dst, xmm(src));
    } else {
        x64_mov_mr(b, i->size, dst, gp(src));
    }
    return true;
}

static void
load_const(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    x64_xreg_t x = xmm(&i->o[0]);
    if (i->size == 4)
        x64_movss_xm(b, x, x64_mem_rip(0));
    else if (i->size == 8)
        x64_movsd_xm(b, x, x64_mem_rip(0));
    else
        x64_movdqu_xm(b, x, x64_mem_rip(0));
    x64_label_use(b, &e->pool[i->aux]);
}

/* clz and ctz through bsr/bsf, which every x86-64 has, with cmov for a zero input (as the
 * baseline does). */
static void
count_zeros(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    x64_reg_t dst = gp(&i->o[0]), src = gp(&i->o[1]);
    unsigned bits = i->size * 8;
    if (i->op == MI_CLZ) {
        x64_mov_ri(b, 4, SCRATCH, 2 * bits - 1); /* zero input: (2*bits-1) ^ (bits-1) */
        x64_bsr_rr(b, i->size, dst, src);
        x64_cmovcc_rr(b, i->size, X64_CC_E, dst, SCRATCH);
        x64_xor_ri(b, i->size, dst, (int32_t)bits - 1);
    } else {
        x64_mov_ri(b, 4, SCRATCH, bits);
        x64_bsf_rr(b, i->size, dst, src);
        x64_cmovcc_rr(b, i->size, X64_CC_E, dst, SCRATCH);
    }
}

/* rdx:rax by the divisor. spec: division by zero and INT_MIN / -1 trap; INT_MIN rem -1 is 0,
 * where x86 would fault. */
static void
divide(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    unsigned size = i->size;
    x64_reg_t d = gp(&i->o[0]);
    x64_test_rr(b, size, d, d);
    x64_jcc_label(b, X64_CC_E, emitter_trap_label(e, SL_TRAP_DIV_ZERO));
    if (!(i->aux & DIV_SIGNED)) {
        x64_xor_rr(b, 4, X64_RDX, X64_RDX);
        x64_div_r(b, size, d);
        return;
    }
    x64_label_t normal, done;
    x64_label_init(&normal);
    x64_label_init(&done);
    x64_cmp_ri(b, size, d, -1);
    x64_jcc_label(b, X64_CC_NE, &normal);
    if (i->aux & DIV_REM) {
        x64_xor_rr(b, 4, X64_RDX, X64_RDX);
        x64_jmp_label(b, &done);
    } else if (size == 4) {
        x64_cmp_ri(b, 4, X64_RAX, INT32_MIN);
        x64_jcc_label(b, X64_CC_E, emitter_trap_label(e, SL_TRAP_INT_OVERFLOW));
    } else {
        x64_mov_ri(b, 8, SCRATCH, INT64_MIN);
        x64_cmp_rr(b, 8, X64_RAX, SCRATCH);
        x64_jcc_label(b, X64_CC_E, emitter_trap_label(e, SL_TRAP_INT_OVERFLOW));
    }
    x64_label_bind(b, &normal);
    x64_cdq_cqo(b, size);
    x64_idiv_r(b, size, d);
    x64_label_bind(b, &done);
}

typedef void (*shift_ri_fn)(x64_buf_t *, unsigned, x64_reg_t, uint8_t);
typedef void (*shift_cl_fn)(x64_buf_t *, unsigned, x64_reg_t);

static const shift_ri_fn shift_ri[] = {
    [MI_SHL] = x64_shl_ri, [MI_SHR] = x64_shr_ri, [MI_SAR] = x64_sar_ri,
    [MI_ROL] = x64_rol_ri, [MI_ROR] = x64_ror_ri,
};
static const shift_cl_fn shift_cl[] = {
    [MI_SHL_CL] = x64_shl_rcl, [MI_SHR_CL] = x64_shr_rcl, [MI_SAR_CL] = x64_sar_rcl,
    [MI_ROL_CL] = x64_rol_rcl, [MI_ROR_CL] = x64_ror_rcl,
};

bool
emitter_op(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    switch (i->op) {
    case MI_MOV: return move(e, i);
    case MI_LOAD:
    case MI_LOADS: return load(e, i);
    case MI_STORE: return store(e, i);
    case MI_LEA: x64_lea_rm(b, i->size, gp(&i->o[0]), mem(&i->o[1])); return true;
    case MI_LOAD_CONST: load_const(e, i); return true;
    case MI_XZERO: x64_xorps_xx(b, xmm(&i->o[0]), xmm(&i->o[0])); return true;
    case MI_ADD:
    case MI_SUB:
    case MI_AND:
    case MI_OR:
    case MI_XOR:
    case MI_CMP: return alu(e, i);
    case MI_IMUL: x64_imul_rr(b, i->size, gp(&i->o[0]), gp(&i->o[1])); return true;
    case MI_IMUL3:
        x64_imul_rri(b, i->size, gp(&i->o[0]), gp(&i->o[1]), (int32_t)i->o[2].imm);
        return true;
    case MI_NEG: x64_neg_r(b, i->size, gp(&i->o[0])); return true;
    case MI_NOT: x64_not_r(b, i->size, gp(&i->o[0])); return true;
    case MI_SHL:
    case MI_SHR:
    case MI_SAR:
    case MI_ROL:
    case MI_ROR: shift_ri[i->op](b, i->size, gp(&i->o[0]), (uint8_t)i->o[1].imm); return true;
    case MI_SHL_CL:
    case MI_SHR_CL:
    case MI_SAR_CL:
    case MI_ROL_CL:
    case MI_ROR_CL: shift_cl[i->op](b, i->size, gp(&i->o[0])); return true;
    case MI_MOVSX: x64_movsx_rr(b, i->size, gp(&i->o[0]), gp(&i->o[1]), i->aux); return true;
    case MI_MOVZX: x64_movzx_rr(b, gp(&i->o[0]), gp(&i->o[1]), i->aux); return true;
    case MI_CLZ:
    case MI_CTZ: count_zeros(e, i); return true;
    case MI_POPCNT: x64_popcnt_rr(b, i->size, gp(&i->o[0]), gp(&i->o[1])); return true;
    case MI_DIV: divide(e, i); return true;
    case MI_MULH:
        if (i->aux & DIV_SIGNED)
            x64_imul_r(b, 8, gp(&i->o[0]));
        else
            x64_mul_r(b, 8, gp(&i->o[0]));
        return true;
    case MI_TEST:
        if (i->o[1].kind == MO_IMM)
            x64_test_ri(b, i->size, gp(&i->o[0]), (int32_t)i->o[1].imm);
        else
            x64_test_rr(b, i->size, gp(&i->o[0]), gp(&i->o[1]));
        return true;
    case MI_SETCC:
        x64_setcc_r(b, (x64_cc_t)i->cc, gp(&i->o[0]));
        x64_movzx_rr(b, gp(&i->o[0]), gp(&i->o[0]), 1);
        return true;
    case MI_CMOV:
        x64_cmovcc_rr(b, i->size == 4 ? 4 : 8, (x64_cc_t)i->cc, gp(&i->o[0]), gp(&i->o[1]));
        return true;
    case MI_XSELECT: {
        x64_label_t keep;
        x64_label_init(&keep);
        x64_test_rr(b, 4, gp(&i->o[2]), gp(&i->o[2]));
        x64_jcc_label(b, X64_CC_NE, &keep);
        x64_movaps_xx(b, xmm(&i->o[0]), xmm(&i->o[1]));
        x64_label_bind(b, &keep);
        return true;
    }
    default: return emitter_float(e, i);
    }
}
