/* Instruction selection of v128 operations (isel_impl.h): every SIMD opcode becomes one of the
 * v128 machine ops of mach_ops.def, whose emitter (emit_simd.c) holds the SSE4.1 sequences. Here
 * the operands are arranged: the first v128 operand is copied into the result (the op works in
 * place), a constant shift count becomes an immediate, a splat of a constant a pool constant,
 * shuffle masks pool constants, and a temporary is added where the sequence needs one. */
#include "isel_impl.h"

#include <string.h>

#include "opcodes.h"

static ir_ref_t
arg(const isel_t *s, ir_ref_t r, unsigned k)
{
    return ir_args(ir_insn(s->f, r))[k];
}

/* The sequences (emit_simd.c) that need an xmm register besides their operands. */
static bool
needs_temp(unsigned op, bool is_imm_count)
{
    switch (op) {
    case SL_OP_I8X16_SHL:
    case SL_OP_I8X16_SHR_S:
    case SL_OP_I8X16_SHR_U:
    case SL_OP_I64X2_SHR_S: return !is_imm_count;
    case SL_OP_I64X2_MUL:
    case SL_OP_I64X2_LT_S:
    case SL_OP_I64X2_GT_S:
    case SL_OP_I64X2_LE_S:
    case SL_OP_I64X2_GE_S:
    case SL_OP_I8X16_POPCNT:
    case SL_OP_I32X4_TRUNC_SAT_F32X4_U:
    case SL_OP_I16X8_EXTMUL_LOW_I8X16_S:
    case SL_OP_I16X8_EXTMUL_HIGH_I8X16_S:
    case SL_OP_I16X8_EXTMUL_LOW_I8X16_U:
    case SL_OP_I16X8_EXTMUL_HIGH_I8X16_U:
    case SL_OP_I32X4_EXTMUL_LOW_I16X8_S:
    case SL_OP_I32X4_EXTMUL_HIGH_I16X8_S:
    case SL_OP_I32X4_EXTMUL_LOW_I16X8_U:
    case SL_OP_I32X4_EXTMUL_HIGH_I16X8_U:
    case SL_OP_I64X2_EXTMUL_LOW_I32X4_S:
    case SL_OP_I64X2_EXTMUL_HIGH_I32X4_S:
    case SL_OP_I64X2_EXTMUL_LOW_I32X4_U:
    case SL_OP_I64X2_EXTMUL_HIGH_I32X4_U: return true;
    default: return false;
    }
}

static bool
is_shift(unsigned op)
{
    const char *text = sl_opcode_info[op].text;
    return strstr(text, ".shl") || strstr(text, ".shr_");
}

/* The lane width in bytes of a shape named in an opcode ("i16x8." ...). */
static unsigned
shape_bytes(unsigned op)
{
    const char *text = sl_opcode_info[op].text;
    if (!strncmp(text, "i8x16", 5))
        return 1;
    if (!strncmp(text, "i16x8", 5))
        return 2;
    if (!strncmp(text, "i32x4", 5) || !strncmp(text, "f32x4", 5))
        return 4;
    return 8;
}

/* The pool index of `bytes`, or UINT32_MAX after a failure. */
static uint32_t
pool(isel_t *s, const uint8_t bytes[16])
{
    uint32_t k = mach_pool_add(s->m, bytes);
    isel_check(s);
    return k;
}

static bool
in_place(isel_t *s, ir_ref_t r, unsigned op)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    mreg_t v = isel_reg(s, r);
    unsigned n = (unsigned)ir_op_n_operands(i->op);
    if (!isel_move_in(s, v, arg(s, r, 0), 16))
        return false;
    minsn_t *x = isel_emit(s, MI_VOP, 16);
    if (!x)
        return false;
    x->aux = op;
    x->aux2 = (uint32_t)i->imm; /* the lane of replace_lane */
    x->n_opnds = 4;
    x->o[0] = mop_reg(v);
    bool is_imm = false;
    for (unsigned k = 1; k < n && k < 3; k++) {
        int64_t imm;
        if (k == 1 && is_shift(op) && isel_imm(s, arg(s, r, 1), 4, &imm)) {
            x->o[1] = mop_imm(imm & (int64_t)(8 * shape_bytes(op) - 1));
            is_imm = true;
        } else {
            x->o[k] = mop_reg(isel_reg(s, arg(s, r, k)));
        }
    }
    if (needs_temp(op, is_imm))
        x->o[3] = mop_reg(isel_temp(s, IR_T_V128));
    return isel_check(s);
}

/* spec: i8x16.shuffle: pshufb zeroes a lane whose mask byte has bit 7 set, so each operand is
 * shuffled with a mask that zeroes the other's lanes, and the two are or-ed. */
static bool
shuffle(isel_t *s, ir_ref_t r)
{
    const uint8_t *lanes = ir_insn(s->f, r)->ext.bytes;
    uint8_t mask_a[16], mask_b[16];
    for (unsigned i = 0; i < 16; i++) {
        bool is_b = lanes[i] >= 16;
        mask_a[i] = is_b ? 0x80 : lanes[i];
        mask_b[i] = is_b ? (uint8_t)(lanes[i] - 16) : 0x80;
    }
    uint32_t ka = pool(s, mask_a), kb = pool(s, mask_b);
    if (ka == UINT32_MAX || kb == UINT32_MAX || !in_place(s, r, SL_OP_I8X16_SHUFFLE))
        return false;
    s->m->insns[s->m->n_insns - 1].aux2 = ka | kb << 16;
    return true;
}

static bool
splat(isel_t *s, ir_ref_t r, unsigned op)
{
    ir_ref_t a = arg(s, r, 0);
    const ir_insn_t *c = ir_insn(s->f, a);
    mreg_t v = isel_reg(s, r);
    if (c->op == IR_CONST) { /* a constant vector */
        unsigned size = shape_bytes(op);
        uint8_t bytes[16];
        for (unsigned i = 0; i < 16; i++)
            bytes[i] = (uint8_t)(c->imm >> 8 * (i % size));
        uint32_t k = pool(s, bytes);
        minsn_t *l = k == UINT32_MAX ? NULL : isel_emit(s, MI_LOAD_CONST, 16);
        if (!l)
            return false;
        l->n_opnds = 1;
        l->o[0] = mop_reg(v);
        l->aux = k;
        mvreg_t *vr = &s->m->vregs[v - MREG_VIRTUAL];
        vr->remat = REMAT_POOL;
        vr->remat_value = k;
        vr->remat_size = 16;
        return true;
    }
    minsn_t *x = isel_emit(s, MI_VFROMS, 16);
    if (!x)
        return false;
    x->aux = op;
    x->n_opnds = 2;
    x->o[0] = mop_reg(v);
    x->o[1] = mop_reg(isel_reg(s, a));
    return isel_check(s);
}

static bool
to_scalar(isel_t *s, ir_ref_t r, unsigned op)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    minsn_t *x = isel_emit(s, MI_VTOS, 16);
    if (!x)
        return false;
    x->aux = op;
    x->aux2 = (uint32_t)i->imm;
    x->n_opnds = 3;
    x->o[0] = mop_reg(isel_reg(s, r));
    x->o[1] = mop_reg(isel_reg(s, arg(s, r, 0)));
    return isel_check(s);
}

bool
isel_simd(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    int wasm = ir_op_wasm(i->op);
    if (wasm < 0)
        return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet",
                         ir_op_name(i->op));
    unsigned op = (unsigned)wasm;
    switch (op) {
    case SL_OP_I8X16_SHUFFLE: return shuffle(s, r);
    case SL_OP_I8X16_SPLAT:
    case SL_OP_I16X8_SPLAT:
    case SL_OP_I32X4_SPLAT:
    case SL_OP_I64X2_SPLAT:
    case SL_OP_F32X4_SPLAT:
    case SL_OP_F64X2_SPLAT: return splat(s, r, op);
    case SL_OP_I8X16_EXTRACT_LANE_S:
    case SL_OP_I8X16_EXTRACT_LANE_U:
    case SL_OP_I16X8_EXTRACT_LANE_S:
    case SL_OP_I16X8_EXTRACT_LANE_U:
    case SL_OP_I32X4_EXTRACT_LANE:
    case SL_OP_I64X2_EXTRACT_LANE:
    case SL_OP_F32X4_EXTRACT_LANE:
    case SL_OP_F64X2_EXTRACT_LANE:
    case SL_OP_V128_ANY_TRUE:
    case SL_OP_I8X16_ALL_TRUE:
    case SL_OP_I16X8_ALL_TRUE:
    case SL_OP_I32X4_ALL_TRUE:
    case SL_OP_I64X2_ALL_TRUE:
    case SL_OP_I8X16_BITMASK:
    case SL_OP_I16X8_BITMASK:
    case SL_OP_I32X4_BITMASK:
    case SL_OP_I64X2_BITMASK: return to_scalar(s, r, op);
    default: break;
    }
    if (i->type != IR_T_V128 || ir_insn(s->f, arg(s, r, 0))->type != IR_T_V128)
        return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet",
                         ir_op_name(i->op));
    return in_place(s, r, op);
}

/* The memory forms, from isel_memory: the address is operand 0 (and the vector operand 1). */
bool
isel_simd_memory(isel_t *s, ir_ref_t r, mopnd_t at)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    unsigned op = (unsigned)ir_op_wasm(i->op);
    minsn_t *x;
    if (op == SL_OP_V128_STORE8_LANE || op == SL_OP_V128_STORE16_LANE ||
        op == SL_OP_V128_STORE32_LANE || op == SL_OP_V128_STORE64_LANE) {
        mreg_t vec = isel_reg(s, arg(s, r, 1));
        if (!(x = isel_emit(s, MI_VSTORELANE, 16)))
            return false;
        mach_set2(x, at, mop_reg(vec));
    } else if (op == SL_OP_V128_LOAD8_LANE || op == SL_OP_V128_LOAD16_LANE ||
               op == SL_OP_V128_LOAD32_LANE || op == SL_OP_V128_LOAD64_LANE) {
        mreg_t v = isel_reg(s, r);
        if (!isel_move_in(s, v, arg(s, r, 1), 16) || !(x = isel_emit(s, MI_VLOADLANE, 16)))
            return false;
        mach_set2(x, mop_reg(v), at);
    } else {
        if (!(x = isel_emit(s, MI_VLOAD, 16)))
            return false;
        mach_set2(x, mop_reg(isel_reg(s, r)), at);
    }
    x->aux = op;
    x->aux2 = i->imm2; /* the lane */
    x->flags |= MIF_TRAP_SITE;
    return isel_check(s);
}
