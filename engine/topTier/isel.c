/* Instruction selection (isel.h): the driver, blocks and edges, control flow, integer ops.
 * Calls and memory are in isel_call.c, floats in isel_float.c.
 *
 * Blocks are selected in the IR's layout order, reachable ones only. An edge that needs moves
 * of its own gets a block right after its source, so regalloc can always put an edge's moves
 * at the end of a block with one successor or at the start of a block with one source. */
#include "isel_impl.h"

#include <stdarg.h>
#include <string.h>

#include "error.h"
#include "invariants.h"
#include "opcodes.h"

/* Budget units a call charges at function entry (the baseline's BUDGET_CALL_COST). */
enum { ENTRY_POLL_COST = 32 };

bool
isel_fail(isel_t *s, int code, const char *fmt, ...)
{
    if (s->rc)
        return false;
    s->rc = code;
    if (s->err && !s->err->code) {
        char text[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        error_set(s->err, code, SL_NO_SECTION, 0, "%s", text);
    }
    return false;
}

bool
isel_check(isel_t *s)
{
    if (s->m->status && !s->rc)
        isel_fail(s, s->m->status, "%s", s->m->status == SL_ELIMIT
                                             ? "function too large for the top tier"
                                             : "out of memory in the top tier");
    return !s->rc;
}

minsn_t *
isel_emit(isel_t *s, unsigned op, unsigned size)
{
    minsn_t *i = s->rc ? NULL : mach_append(s->m, op, size);
    if (!i)
        isel_check(s);
    return i;
}

bool
isel_emit2(isel_t *s, unsigned op, unsigned size, mopnd_t a, mopnd_t b)
{
    minsn_t *i = isel_emit(s, op, size);
    return i && mach_set2(i, a, b);
}

mreg_t
isel_reg(isel_t *s, ir_ref_t r)
{
    if (s->vreg[r] == MREG_NONE)
        s->vreg[r] = mach_vreg(s->m, (ir_type_t)ir_insn(s->f, r)->type);
    isel_check(s);
    return s->vreg[r];
}

mreg_t
isel_temp(isel_t *s, ir_type_t type)
{
    mreg_t r = mach_vreg(s->m, type);
    isel_check(s);
    return r;
}

bool
isel_imm(const isel_t *s, ir_ref_t r, unsigned size, int64_t *imm)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    if (i->op == IR_REF_NULL) {
        *imm = 0;
        return true;
    }
    if (i->op != IR_CONST || (i->type != IR_T_I32 && i->type != IR_T_I64))
        return false;
    int64_t v = i->type == IR_T_I32 ? (int32_t)(uint32_t)i->imm : (int64_t)i->imm;
    if (size == 8 && v != (int32_t)v)
        return false;
    *imm = v;
    return true;
}

mopnd_t
isel_src(isel_t *s, ir_ref_t r, unsigned size, bool allow_imm)
{
    int64_t imm;
    if (allow_imm && isel_imm(s, r, size, &imm))
        return mop_imm(imm);
    return mop_reg(isel_reg(s, r));
}

bool
isel_move_in(isel_t *s, mreg_t dst, ir_ref_t r, unsigned size)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    mopnd_t src = i->op == IR_CONST && mach_class_of((ir_type_t)i->type) == MC_GP
                      ? mop_imm(i->type == IR_T_I32 ? (int64_t)(uint32_t)i->imm : (int64_t)i->imm)
                      : i->op == IR_REF_NULL ? mop_imm(0) : mop_reg(isel_reg(s, r));
    return isel_emit2(s, MI_MOV, size, mop_reg(dst), src);
}

static ir_ref_t
arg(const isel_t *s, ir_ref_t r, unsigned k)
{
    return ir_args(ir_insn(s->f, r))[k];
}

/* ---- constants ---- */

static bool
select_const(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    mreg_t v = isel_reg(s, r);
    if (!isel_check(s))
        return false;
    mvreg_t *vr = &s->m->vregs[v - MREG_VIRTUAL];
    if (i->op == IR_REF_NULL || mach_class_of((ir_type_t)i->type) == MC_GP) {
        int64_t bits = i->op == IR_REF_NULL ? 0
                       : i->type == IR_T_I32 ? (int64_t)(uint32_t)i->imm
                                             : (int64_t)i->imm;
        vr->remat = REMAT_IMM;
        vr->remat_value = bits;
        return isel_emit2(s, MI_MOV, 8, mop_reg(v), mop_imm(bits));
    }
    uint8_t bytes[16] = {0};
    if (i->type == IR_T_V128)
        memcpy(bytes, i->ext.bytes, 16);
    else
        memcpy(bytes, &i->imm, i->type == IR_T_F32 ? 4 : 8);
    static const uint8_t zero[16];
    unsigned size = isel_size_of((ir_type_t)i->type);
    if (memcmp(bytes, zero, 16) == 0) {
        vr->remat = REMAT_ZERO;
        minsn_t *z = isel_emit(s, MI_XZERO, size);
        if (!z)
            return false;
        z->n_opnds = 1;
        z->o[0] = mop_reg(v);
        return true;
    }
    uint32_t k = mach_pool_add(s->m, bytes);
    if (!isel_check(s))
        return false;
    vr->remat = REMAT_POOL;
    vr->remat_value = k;
    vr->remat_size = (uint8_t)size;
    minsn_t *c = isel_emit(s, MI_LOAD_CONST, size);
    if (!c)
        return false;
    c->n_opnds = 1;
    c->o[0] = mop_reg(v);
    c->aux = k;
    return true;
}

/* ---- comparisons and flags ---- */

typedef struct int_cmp {
    uint8_t size, cc;
} int_cmp_t;

/* The integer comparisons: operand width and the condition under which they hold. */
static bool
int_compare(unsigned op, int_cmp_t *out)
{
    static const uint8_t ccs[10] = {X64_CC_E, X64_CC_NE, X64_CC_L,  X64_CC_B,  X64_CC_G,
                                    X64_CC_A, X64_CC_LE, X64_CC_BE, X64_CC_GE, X64_CC_AE};
    if (op >= IR_I32_EQ && op <= IR_I32_GE_U) {
        *out = (int_cmp_t){4, ccs[op - IR_I32_EQ]};
        return true;
    }
    if (op >= IR_I64_EQ && op <= IR_I64_GE_U) {
        *out = (int_cmp_t){8, ccs[op - IR_I64_EQ]};
        return true;
    }
    if (op == IR_I32_EQZ || op == IR_I64_EQZ) {
        *out = (int_cmp_t){op == IR_I32_EQZ ? 4 : 8, X64_CC_E};
        return true;
    }
    return false;
}

/* The condition with its operands swapped (a < b is b > a). */
static x64_cc_t
cc_swap(x64_cc_t cc)
{
    switch (cc) {
    case X64_CC_L: return X64_CC_G;
    case X64_CC_G: return X64_CC_L;
    case X64_CC_LE: return X64_CC_GE;
    case X64_CC_GE: return X64_CC_LE;
    case X64_CC_B: return X64_CC_A;
    case X64_CC_A: return X64_CC_B;
    case X64_CC_BE: return X64_CC_AE;
    case X64_CC_AE: return X64_CC_BE;
    default: return cc;
    }
}

/* Whether compare `c` can stay in the flags for its one user in the same block: as that user's
 * condition, not as an edge argument of a br_if, which needs the value in a register. */
static bool
is_fused(const isel_t *s, ir_ref_t c)
{
    int_cmp_t ic;
    const ir_insn_t *i = ir_insn(s->f, c);
    if (s->n_uses[c] != 1 || !int_compare(i->op, &ic))
        return false;
    const ir_insn_t *u = ir_insn(s->f, s->user[c]);
    if (u->block != i->block)
        return false;
    /* the one use must be the condition, not an edge argument or a selected value */
    const ir_ref_t *uses = ir_args((ir_insn_t *)u);
    switch (u->op) {
    case IR_BR_IF:
    case IR_TRAPIF: return uses[0] == c;
    case IR_SELECT: return mach_class_of((ir_type_t)u->type) == MC_GP && uses[2] == c;
    default: return false;
    }
}

/* Sets the flags for integer comparison `c` and returns the condition under which it holds. */
static x64_cc_t
emit_compare(isel_t *s, ir_ref_t c)
{
    int_cmp_t ic;
    int_compare(ir_insn(s->f, c)->op, &ic);
    ir_ref_t a = arg(s, c, 0);
    if (ir_insn(s->f, c)->op == IR_I32_EQZ || ir_insn(s->f, c)->op == IR_I64_EQZ) {
        mreg_t r = isel_reg(s, a);
        isel_emit2(s, MI_TEST, ic.size, mop_reg(r), mop_reg(r));
        return X64_CC_E;
    }
    ir_ref_t b = arg(s, c, 1);
    x64_cc_t cc = (x64_cc_t)ic.cc;
    int64_t imm;
    if (!isel_imm(s, b, ic.size, &imm) && isel_imm(s, a, ic.size, &imm)) {
        ir_ref_t t = a;
        a = b;
        b = t;
        cc = cc_swap(cc);
    }
    isel_emit2(s, MI_CMP, ic.size, mop_reg(isel_reg(s, a)), isel_src(s, b, ic.size, true));
    return cc;
}

/* The condition under which i32 value `cond` is true: a fused comparison's, or a test. */
static x64_cc_t
emit_condition(isel_t *s, ir_ref_t cond)
{
    if (is_fused(s, cond))
        return emit_compare(s, cond);
    mreg_t r = isel_reg(s, cond);
    isel_emit2(s, MI_TEST, 4, mop_reg(r), mop_reg(r));
    return X64_CC_NE;
}

static bool
set_cc(isel_t *s, mreg_t dst, x64_cc_t cc)
{
    minsn_t *i = isel_emit(s, MI_SETCC, 4);
    if (!i)
        return false;
    i->cc = (uint8_t)cc;
    i->n_opnds = 1;
    i->o[0] = mop_reg(dst);
    return true;
}

static bool
select_value(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    mreg_t v = isel_reg(s, r);
    ir_ref_t a = arg(s, r, 0), b = arg(s, r, 1), cond = arg(s, r, 2);
    if (mach_class_of((ir_type_t)i->type) == MC_XMM) {
        if (!isel_move_in(s, v, a, isel_size_of((ir_type_t)i->type)))
            return false;
        minsn_t *x = isel_emit(s, MI_XSELECT, isel_size_of((ir_type_t)i->type));
        if (!x)
            return false;
        x->n_opnds = 3;
        x->o[0] = mop_reg(v);
        x->o[1] = mop_reg(isel_reg(s, b));
        x->o[2] = mop_reg(isel_reg(s, cond));
        return isel_check(s);
    }
    /* the flags first: the copy after them (moves leave the flags alone) may then reuse a's
     * register when the comparison was a's last use */
    unsigned size = i->type == IR_T_I32 ? 4 : 8;
    x64_cc_t cc = emit_condition(s, cond);
    if (!isel_move_in(s, v, a, size))
        return false;
    minsn_t *c = isel_emit(s, MI_CMOV, size);
    if (!c)
        return false;
    c->cc = (uint8_t)x64_cc_negate(cc);
    c->n_opnds = 2;
    c->o[0] = mop_reg(v);
    c->o[1] = mop_reg(isel_reg(s, b));
    return isel_check(s);
}

/* ---- integer arithmetic ---- */

/* v = a OP b in two-address form; a constant b (or a, for a commutative op) is an immediate. */
static bool
alu(isel_t *s, ir_ref_t r, unsigned op, unsigned size, bool is_comm)
{
    ir_ref_t a = arg(s, r, 0), b = arg(s, r, 1);
    int64_t imm;
    if (is_comm && !isel_imm(s, b, size, &imm) && isel_imm(s, a, size, &imm)) {
        ir_ref_t t = a;
        a = b;
        b = t;
    }
    mreg_t v = isel_reg(s, r);
    mopnd_t src = isel_src(s, b, size, true);
    return isel_move_in(s, v, a, size) && isel_emit2(s, op, size, mop_reg(v), src);
}

static bool
multiply(isel_t *s, ir_ref_t r, unsigned size)
{
    ir_ref_t a = arg(s, r, 0), b = arg(s, r, 1);
    int64_t imm;
    if (!isel_imm(s, b, size, &imm) && isel_imm(s, a, size, &imm)) {
        ir_ref_t t = a;
        a = b;
        b = t;
    }
    mreg_t v = isel_reg(s, r);
    if (isel_imm(s, b, size, &imm)) {
        minsn_t *i = isel_emit(s, MI_IMUL3, size);
        if (!i)
            return false;
        i->n_opnds = 3;
        i->o[0] = mop_reg(v);
        i->o[1] = mop_reg(isel_reg(s, a));
        i->o[2] = mop_imm(imm);
        return isel_check(s);
    }
    return isel_move_in(s, v, a, size) &&
           isel_emit2(s, MI_IMUL, size, mop_reg(v), mop_reg(isel_reg(s, b)));
}

/* spec: shift counts are taken modulo the width, as x86 does with cl. */
static bool
shift(isel_t *s, ir_ref_t r, unsigned op_imm, unsigned op_cl, unsigned size)
{
    ir_ref_t a = arg(s, r, 0), b = arg(s, r, 1);
    mreg_t v = isel_reg(s, r);
    const ir_insn_t *count = ir_insn(s->f, b);
    if (count->op == IR_CONST) {
        unsigned n = (unsigned)(count->imm & (size * 8 - 1));
        if (!isel_move_in(s, v, a, size))
            return false;
        return !n || isel_emit2(s, op_imm, size, mop_reg(v), mop_imm(n));
    }
    if (!isel_move_in(s, v, a, size) || !isel_emit2(s, MI_MOV, 8, mop_reg(X64_RCX),
                                                    mop_reg(isel_reg(s, b))))
        return false;
    minsn_t *i = isel_emit(s, op_cl, size);
    if (!i)
        return false;
    i->n_opnds = 1;
    i->o[0] = mop_reg(v);
    i->use_gp = X64_REGSET(X64_RCX);
    return true;
}

/* rdx:rax by the divisor; the trap checks are the emitter's (emit.c). */
static bool
divide(isel_t *s, ir_ref_t r, unsigned size, unsigned kind)
{
    mreg_t v = isel_reg(s, r);
    if (!isel_move_in(s, X64_RAX, arg(s, r, 0), size))
        return false;
    mreg_t divisor = isel_reg(s, arg(s, r, 1));
    minsn_t *i = isel_emit(s, MI_DIV, size);
    if (!i)
        return false;
    i->n_opnds = 1;
    i->o[0] = mop_reg(divisor);
    i->aux = kind;
    i->use_gp = X64_REGSET(X64_RAX);
    i->def_gp = X64_REGSET(X64_RAX) | X64_REGSET(X64_RDX);
    i->tmp_gp = X64_REGSET(X64_RDX);
    return isel_emit2(s, MI_MOV, size, mop_reg(v),
                      mop_reg((kind & DIV_REM) ? X64_RDX : X64_RAX));
}

/* The high half of a full product (strength reduction's division by a constant). i64: the
 * one-operand multiply into rdx:rax. i32: a 64-bit multiply of the extended operands, shifted
 * down; shr leaves the upper half zero, as an i32 in a register must be. */
static bool
multiply_high(isel_t *s, ir_ref_t r, unsigned size, unsigned kind)
{
    mreg_t v = isel_reg(s, r);
    mreg_t t[2] = {isel_temp(s, IR_T_I64), isel_temp(s, IR_T_I64)};
    if (size == 8) {
        if (!isel_move_in(s, X64_RAX, arg(s, r, 0), 8) || !isel_move_in(s, t[1], arg(s, r, 1), 8))
            return false;
        minsn_t *i = isel_emit(s, MI_MULH, 8);
        if (!i)
            return false;
        i->n_opnds = 1;
        i->o[0] = mop_reg(t[1]);
        i->aux = kind;
        i->use_gp = X64_REGSET(X64_RAX);
        i->def_gp = X64_REGSET(X64_RAX) | X64_REGSET(X64_RDX);
        return isel_emit2(s, MI_MOV, 8, mop_reg(v), mop_reg(X64_RDX));
    }
    for (unsigned k = 0; k < 2; k++) {
        if (!(kind & DIV_SIGNED)) {
            if (!isel_move_in(s, t[k], arg(s, r, k), 4)) /* a 32-bit move zero-extends */
                return false;
            continue;
        }
        mreg_t narrow = isel_temp(s, IR_T_I32);
        if (!isel_move_in(s, narrow, arg(s, r, k), 4))
            return false;
        minsn_t *x = isel_emit(s, MI_MOVSX, 8);
        if (!x)
            return false;
        x->n_opnds = 2;
        x->aux = 4;
        x->o[0] = mop_reg(t[k]);
        x->o[1] = mop_reg(narrow);
    }
    return isel_emit2(s, MI_IMUL, 8, mop_reg(t[0]), mop_reg(t[1])) &&
           isel_emit2(s, MI_SHR, 8, mop_reg(t[0]), mop_imm(32)) &&
           isel_emit2(s, MI_MOV, 4, mop_reg(v), mop_reg(t[0]));
}

static bool
unary_to(isel_t *s, ir_ref_t r, unsigned op, unsigned size, unsigned aux)
{
    minsn_t *i = isel_emit(s, op, size);
    if (!i)
        return false;
    i->n_opnds = 2;
    i->aux = aux;
    i->o[0] = mop_reg(isel_reg(s, r));
    i->o[1] = mop_reg(isel_reg(s, arg(s, r, 0)));
    return isel_check(s);
}

static bool
select_integer(isel_t *s, ir_ref_t r)
{
    unsigned op = ir_insn(s->f, r)->op;
    int_cmp_t ic;
    if (int_compare(op, &ic)) {
        if (is_fused(s, r))
            return true; /* its user sets the flags */
        mreg_t v = isel_reg(s, r);
        return set_cc(s, v, emit_compare(s, r));
    }
    switch (op) {
#define ARITH(W, size)                                                                             \
    case IR_##W##_ADD: return alu(s, r, MI_ADD, size, true);                                       \
    case IR_##W##_SUB: return alu(s, r, MI_SUB, size, false);                                      \
    case IR_##W##_AND: return alu(s, r, MI_AND, size, true);                                       \
    case IR_##W##_OR: return alu(s, r, MI_OR, size, true);                                         \
    case IR_##W##_XOR: return alu(s, r, MI_XOR, size, true);                                       \
    case IR_##W##_MUL: return multiply(s, r, size);                                                \
    case IR_##W##_DIV_S: return divide(s, r, size, DIV_SIGNED);                                    \
    case IR_##W##_DIV_U: return divide(s, r, size, 0);                                             \
    case IR_##W##_REM_S: return divide(s, r, size, DIV_SIGNED | DIV_REM);                          \
    case IR_##W##_REM_U: return divide(s, r, size, DIV_REM);                                       \
    case IR_##W##_MULH_S: return multiply_high(s, r, size, DIV_SIGNED);                            \
    case IR_##W##_MULH_U: return multiply_high(s, r, size, 0);                                     \
    case IR_##W##_SHL: return shift(s, r, MI_SHL, MI_SHL_CL, size);                                \
    case IR_##W##_SHR_S: return shift(s, r, MI_SAR, MI_SAR_CL, size);                              \
    case IR_##W##_SHR_U: return shift(s, r, MI_SHR, MI_SHR_CL, size);                              \
    case IR_##W##_ROTL: return shift(s, r, MI_ROL, MI_ROL_CL, size);                               \
    case IR_##W##_ROTR: return shift(s, r, MI_ROR, MI_ROR_CL, size);                               \
    case IR_##W##_CLZ: return unary_to(s, r, MI_CLZ, size, 0);                                     \
    case IR_##W##_CTZ: return unary_to(s, r, MI_CTZ, size, 0);                                     \
    case IR_##W##_POPCNT: return unary_to(s, r, MI_POPCNT, size, 0);
    ARITH(I32, 4)
    ARITH(I64, 8)
#undef ARITH
    case IR_I32_WRAP_I64: return isel_move_in(s, isel_reg(s, r), arg(s, r, 0), 4);
    case IR_I64_EXTEND_I32_U: /* an i32 in a register is zero-extended already */
        return isel_move_in(s, isel_reg(s, r), arg(s, r, 0), 8);
    case IR_I64_EXTEND_I32_S: return unary_to(s, r, MI_MOVSX, 8, 4);
    case IR_I32_EXTEND8_S: return unary_to(s, r, MI_MOVSX, 4, 1);
    case IR_I32_EXTEND16_S: return unary_to(s, r, MI_MOVSX, 4, 2);
    case IR_I64_EXTEND8_S: return unary_to(s, r, MI_MOVSX, 8, 1);
    case IR_I64_EXTEND16_S: return unary_to(s, r, MI_MOVSX, 8, 2);
    case IR_I64_EXTEND32_S: return unary_to(s, r, MI_MOVSX, 8, 4);
    default:
        return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet", ir_op_name(op));
    }
}

/* ---- checks ---- */

static bool
select_trap_if(isel_t *s, ir_ref_t r)
{
    x64_cc_t cc = emit_condition(s, arg(s, r, 0));
    minsn_t *i = isel_emit(s, MI_TRAPCC, 0);
    if (!i)
        return false;
    i->cc = (uint8_t)cc;
    i->aux = (uint32_t)ir_insn(s->f, r)->imm;
    return true;
}

static bool
select_poll(isel_t *s, ir_ref_t r)
{
    uint32_t b = ir_insn(s->f, r)->block;
    minsn_t *i = isel_emit(s, MI_POLL, 0);
    if (!i)
        return false;
    i->aux = b == s->cfg.entry                  ? ENTRY_POLL_COST
             : s->cfg.loop_header[b] == b ? s->loop_cost[b]
                                          : 1;
    return true;
}

/* ---- edges and terminators ---- */

/* The machine edge for IR edge `e` out of the current block, through a block of its own when it
 * needs moves that can go neither at the end of this block nor at the start of its target. */
static bool
edge(isel_t *s, const ir_succ_t *e, bool is_multi, medge_t *out, uint32_t *split)
{
    mreg_t *args = NULL;
    if (e->n_args) {
        args = arena_alloc_array(s->arena, e->n_args, sizeof *args);
        if (!args)
            return isel_fail(s, s->arena->last_error ? s->arena->last_error : SL_ENOMEM,
                             "out of memory in the top tier");
        for (uint32_t k = 0; k < e->n_args; k++)
            args[k] = isel_reg(s, e->args[k]);
    }
    *out = (medge_t){.block = s->mblock[e->block], .n_args = e->n_args, .args = args};
    *split = IR_NO_BLOCK;
    if (!is_multi || (s->in_src[e->block] == s->cur_block && s->in_same[e->block]))
        return isel_check(s);
    *split = mach_block_new(s->m); /* filled after the terminator (select_block) */
    return isel_check(s);
}

static bool
terminate(isel_t *s, ir_ref_t r, uint32_t mb)
{
    const ir_insn_t *t = ir_insn(s->f, r);
    unsigned op = MI_JMP;
    minsn_t *i;
    switch (t->op) {
    case IR_JUMP: break;
    case IR_BR_IF: {
        x64_cc_t cc = emit_condition(s, ir_args((ir_insn_t *)t)[0]);
        if (!(i = isel_emit(s, MI_JCC, 0)))
            return false;
        i->cc = (uint8_t)cc;
        op = MI_LABEL; /* emitted */
        break;
    }
    case IR_BR_TABLE: {
        if (!(i = isel_emit(s, MI_BR_TABLE, 4)))
            return false;
        i->n_opnds = 2;
        i->o[0] = mop_reg(isel_reg(s, ir_args((ir_insn_t *)t)[0]));
        i->o[1] = mop_reg(isel_temp(s, IR_T_I64));
        op = MI_LABEL;
        break;
    }
    case IR_RETURN: {
        const ir_ref_t *vals = ir_args((ir_insn_t *)t);
        if (t->n_args == 1) {
            ir_type_t type = (ir_type_t)ir_insn(s->f, vals[0])->type;
            bool is_x = mach_class_of(type) == MC_XMM;
            mreg_t to = is_x ? MREG_XMM(0) : X64_RAX;
            if (!isel_move_in(s, to, vals[0], isel_size_of(type)))
                return false;
            if (!(i = isel_emit(s, MI_RET, 0)))
                return false;
            if (is_x)
                i->use_xmm = X64_REGSET(0);
            else
                i->use_gp = X64_REGSET(X64_RAX);
            return isel_check(s);
        }
        int32_t at = 16;
        for (uint32_t k = 0; k < t->n_args; k++) {
            ir_type_t type = (ir_type_t)ir_insn(s->f, vals[k])->type;
            unsigned size = type == IR_T_V128 ? 16 : 8;
            if (!isel_emit2(s, MI_STORE, size, mop_mem(X64_RBP, MREG_NONE, 1, at),
                            mop_reg(isel_reg(s, vals[k]))))
                return false;
            at += (int32_t)size;
        }
        return isel_emit(s, MI_RET, 0) != NULL;
    }
    case IR_TRAP:
        if (!(i = isel_emit(s, MI_TRAP, 0)))
            return false;
        i->aux = (uint32_t)t->imm;
        return true;
    default: return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet", ir_op_name(t->op));
    }
    if (op == MI_JMP && !isel_emit(s, MI_JMP, 0))
        return false;
    /* the edges, and the blocks of split edges right after this one */
    mblock_t *b = &s->m->blocks[mb];
    b->n_succs = t->n_succs;
    b->succs = arena_alloc_array(s->arena, t->n_succs ? t->n_succs : 1, sizeof *b->succs);
    uint32_t *splits = arena_alloc_array(s->arena, t->n_succs ? t->n_succs : 1, sizeof *splits);
    if (!b->succs || !splits)
        return isel_fail(s, s->arena->last_error ? s->arena->last_error : SL_ENOMEM,
                         "out of memory in the top tier");
    for (uint32_t k = 0; k < t->n_succs; k++) {
        medge_t e;
        if (!edge(s, &t->ext.succs[k], t->n_succs > 1, &e, &splits[k]))
            return false;
        s->m->blocks[mb].succs[k] = e;
    }
    for (uint32_t k = 0; k < t->n_succs; k++) {
        if (splits[k] == IR_NO_BLOCK)
            continue;
        mblock_t *sb = &s->m->blocks[splits[k]];
        sb->first = s->m->n_insns;
        sb->loop_depth = s->m->blocks[mb].loop_depth;
        sb->n_succs = 1;
        sb->succs = arena_alloc(s->arena, sizeof *sb->succs);
        if (!sb->succs)
            return isel_fail(s, SL_ENOMEM, "out of memory in the top tier");
        *sb->succs = s->m->blocks[mb].succs[k];
        s->m->blocks[mb].succs[k] = (medge_t){.block = splits[k]};
        if (!isel_emit(s, MI_LABEL, 0) || !isel_emit(s, MI_JMP, 0))
            return false;
        s->m->blocks[splits[k]].n_insns = s->m->n_insns - s->m->blocks[splits[k]].first;
    }
    return isel_check(s);
}

/* ---- blocks ---- */

/* The entry's parameters come from the caller's area at [rbp + 16] (vmctx.h). */
static bool
load_params(isel_t *s)
{
    const ir_block_t *entry = ir_block(s->f, s->cfg.entry);
    int32_t at = 16;
    for (uint32_t k = 0; k < entry->n_params; k++) {
        ir_ref_t p = entry->params[k];
        ir_type_t type = (ir_type_t)ir_insn(s->f, p)->type;
        unsigned size = isel_size_of(type);
        if (s->n_uses[p] &&
            !isel_emit2(s, MI_LOAD, size, mop_reg(isel_reg(s, p)),
                        mop_mem(X64_RBP, MREG_NONE, 1, at)))
            return false;
        at += type == IR_T_V128 ? 16 : 8;
    }
    return true;
}

static bool
select_insn(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    switch (i->op) {
    case IR_CONST:
    case IR_REF_NULL: return select_const(s, r);
    case IR_COPY:
        return isel_move_in(s, isel_reg(s, r), arg(s, r, 0), isel_size_of((ir_type_t)i->type));
    case IR_SELECT: return select_value(s, r);
    case IR_TRAPIF: return select_trap_if(s, r);
    case IR_STACK_CHECK: return isel_emit(s, MI_STACK_CHECK, 0) != NULL;
    case IR_POLL: return select_poll(s, r);
    case IR_REF_IS_NULL: {
        mreg_t a = isel_reg(s, arg(s, r, 0));
        return isel_emit2(s, MI_TEST, 8, mop_reg(a), mop_reg(a)) &&
               set_cc(s, isel_reg(s, r), X64_CC_E);
    }
    case IR_CALL:
    case IR_CALL_INDIRECT:
    case IR_CALL_IMPORT:
    case IR_CALL_BUILTIN:
    case IR_PROJ: return isel_call(s, r);
    case IR_I32_MULH_S:
    case IR_I32_MULH_U:
    case IR_I64_MULH_S:
    case IR_I64_MULH_U: return select_integer(s, r);
    default: break;
    }
    if (ir_op_wasm(i->op) < 0 || (ir_op_flags(i->op) & (IRF_READ | IRF_WRITE)))
        return isel_memory(s, r);
    if (sl_opcode_info[ir_op_wasm(i->op)].prefix == 0xfd)
        return isel_simd(s, r);
    if (mach_class_of((ir_type_t)i->type) == MC_XMM ||
        (i->n_args && mach_class_of((ir_type_t)ir_insn(s->f, arg(s, r, 0))->type) == MC_XMM))
        return isel_float(s, r);
    return select_integer(s, r);
}

static bool
select_block(isel_t *s, uint32_t irb)
{
    uint32_t mb = s->mblock[irb];
    s->cur_block = irb;
    s->m->blocks[mb].first = s->m->n_insns;
    if (!isel_emit(s, MI_LABEL, 0))
        return false;
    const ir_block_t *blk = ir_block(s->f, irb);
    bool is_entry = irb == s->cfg.entry, are_params_loaded = !is_entry;
    if (!is_entry && blk->n_params) {
        mreg_t *params = arena_alloc_array(s->arena, blk->n_params, sizeof *params);
        if (!params)
            return isel_fail(s, SL_ENOMEM, "out of memory in the top tier");
        for (uint32_t k = 0; k < blk->n_params; k++)
            params[k] = isel_reg(s, blk->params[k]);
        s->m->blocks[mb].params = params;
        s->m->blocks[mb].n_params = blk->n_params;
    }
    IR_FOREACH_INSN(s->f, irb, r) {
        const ir_insn_t *i = ir_insn(s->f, r);
        /* the entry's checks run before anything is loaded, so nothing is live across them */
        if (!are_params_loaded && i->op != IR_STACK_CHECK && i->op != IR_POLL) {
            if (!load_params(s))
                return false;
            are_params_loaded = true;
        }
        if (ir_op_flags(i->op) & IRF_TERM) {
            if (!terminate(s, r, mb))
                return false;
            break;
        }
        if (!select_insn(s, r))
            return false;
    }
    if (!are_params_loaded && !load_params(s))
        return false;
    mblock_t *b = &s->m->blocks[mb];
    /* the block ends at its terminator; split-edge blocks follow it */
    uint32_t end = b->first;
    while (end < s->m->n_insns && !(mach_op_flags(s->m->insns[end].op) & MF_TERM))
        end++;
    b->n_insns = end + 1 - b->first;
    return isel_check(s);
}

/* ---- analyses before selection ---- */

static void
count_uses(isel_t *s)
{
    const ir_func_t *f = s->f;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t b = f->layout[l];
        if (!cfg_is_reachable(&s->cfg, b))
            continue;
        IR_FOREACH_INSN(f, b, r) {
            ir_insn_t *i = ir_insn(f, r);
            ir_ref_t *args = ir_args(i);
            for (uint32_t k = 0; k < i->n_args; k++) {
                s->n_uses[args[k]]++;
                s->user[args[k]] = r;
            }
            if (!(ir_op_flags(i->op) & IRF_TERM))
                continue;
            for (uint32_t k = 0; k < i->n_succs; k++) {
                const ir_succ_t *e = &i->ext.succs[k];
                for (uint32_t a = 0; a < e->n_args; a++) {
                    s->n_uses[e->args[a]]++;
                    s->user[e->args[a]] = r;
                }
                uint32_t to = e->block;
                if (s->n_in[to]++ == 0) {
                    s->in_src[to] = b;
                    s->in_same[to] = true;
                    continue;
                }
                if (s->in_src[to] != b)
                    s->in_src[to] = IR_NO_BLOCK;
            }
        }
    }
}

/* Whether every edge into each block passes the same arguments (then one set of moves at the
 * block's start serves them all, if they also come from one block). */
static void
compare_edge_args(isel_t *s, const ir_succ_t **first)
{
    const ir_func_t *f = s->f;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t b = f->layout[l];
        if (!cfg_is_reachable(&s->cfg, b))
            continue;
        ir_ref_t t = ir_block_terminator(f, b);
        const ir_insn_t *i = t ? ir_insn(f, t) : NULL;
        for (uint32_t k = 0; i && k < i->n_succs; k++) {
            const ir_succ_t *e = &i->ext.succs[k];
            if (!first[e->block]) {
                first[e->block] = e;
                continue;
            }
            const ir_succ_t *e0 = first[e->block];
            if (e0->n_args != e->n_args ||
                (e->n_args && memcmp(e0->args, e->args, e->n_args * sizeof *e->args) != 0))
                s->in_same[e->block] = false;
        }
    }
}

static void
measure_loops(isel_t *s)
{
    const cfg_t *c = &s->cfg;
    for (uint32_t k = 0; k < c->n_rpo; k++) {
        uint32_t b = c->rpo[k];
        uint32_t n = 0;
        IR_FOREACH_INSN(s->f, b, r)
            n++;
        if (c->loop_header[b] != IR_NO_BLOCK)
            s->loop_cost[c->loop_header[b]] += n;
    }
    /* inner headers come after their parents in reverse postorder */
    for (uint32_t k = c->n_rpo; k-- > 0;) {
        uint32_t h = c->rpo[k];
        if (c->loop_header[h] == h && c->loop_parent[h] != IR_NO_BLOCK)
            s->loop_cost[c->loop_parent[h]] += s->loop_cost[h];
    }
}

/* Blocks were numbered in layout order, split-edge blocks after them: sort them all by their
 * first instruction, which is the order they were selected in. */
static bool
order_blocks(isel_t *s)
{
    mfunc_t *m = s->m;
    uint32_t n = m->n_blocks;
    uint32_t *by_first = arena_alloc_array(s->arena, (size_t)m->n_insns + 1, sizeof *by_first);
    uint32_t *new_id = arena_alloc_array(s->arena, n ? n : 1, sizeof *new_id);
    mblock_t *sorted = arena_alloc_array(s->arena, n ? n : 1, sizeof *sorted);
    if (!by_first || !new_id || !sorted)
        return isel_fail(s, SL_ENOMEM, "out of memory in the top tier");
    memset(by_first, 0xff, ((size_t)m->n_insns + 1) * sizeof *by_first);
    for (uint32_t b = 0; b < n; b++)
        by_first[m->blocks[b].first] = b;
    uint32_t k = 0;
    for (uint32_t p = 0; p < m->n_insns; p++) {
        uint32_t b = by_first[p];
        if (b == UINT32_MAX)
            continue;
        new_id[b] = k;
        sorted[k++] = m->blocks[b];
    }
    SL_ASSERT(k == n);
    for (uint32_t b = 0; b < n; b++)
        for (uint32_t e = 0; e < sorted[b].n_succs; e++)
            sorted[b].succs[e].block = new_id[sorted[b].succs[e].block];
    m->blocks = sorted;
    m->cap_blocks = n;
    return true;
}

/* Removes instructions that only compute a register nobody reads: constants that every use took
 * as an immediate, mostly. Repeats while that frees more (a dead copy of a dead constant). */
static bool
remove_dead(isel_t *s)
{
    mfunc_t *m = s->m;
    uint32_t *reads = arena_alloc_array(s->arena, m->n_vregs ? m->n_vregs : 1, sizeof *reads);
    if (!reads)
        return isel_fail(s, SL_ENOMEM, "out of memory in the top tier");
    for (bool again = true; again;) {
        again = false;
        memset(reads, 0, m->n_vregs * sizeof *reads);
        for (uint32_t i = 0; i < m->n_insns; i++) {
            const minsn_t *insn = &m->insns[i];
            const char *roles = mach_op_roles(insn->op);
            for (unsigned k = 0; k < insn->n_opnds; k++) {
                const mopnd_t *o = &insn->o[k];
                mreg_t regs[2] = {o->reg, o->kind == MO_MEM ? o->index : MREG_NONE};
                /* a pure op's own two-address operand goes with it */
                bool is_read = o->kind == MO_MEM || roles[k] == 'U' || roles[k] == 'm' ||
                               (roles[k] == 'B' && !(mach_op_flags(insn->op) & MF_PURE));
                for (unsigned j = 0; j < 2; j++)
                    if (is_read && o->kind != MO_IMM && regs[j] != MREG_NONE &&
                        !mreg_is_phys(regs[j]))
                        reads[regs[j] - MREG_VIRTUAL]++;
            }
        }
        for (uint32_t b = 0; b < m->n_blocks; b++)
            for (uint32_t e = 0; e < m->blocks[b].n_succs; e++)
                for (uint32_t a = 0; a < m->blocks[b].succs[e].n_args; a++)
                    reads[m->blocks[b].succs[e].args[a] - MREG_VIRTUAL]++;
        uint32_t n = 0;
        for (uint32_t b = 0; b < m->n_blocks; b++) {
            mblock_t *mb = &m->blocks[b];
            uint32_t first = n;
            for (uint32_t i = mb->first; i < mb->first + mb->n_insns; i++) {
                const minsn_t *insn = &m->insns[i];
                bool is_dead = (mach_op_flags(insn->op) & MF_PURE) &&
                               !(insn->flags & MIF_TRAP_SITE) && insn->o[0].kind == MO_REG &&
                               !mreg_is_phys(insn->o[0].reg) &&
                               !reads[insn->o[0].reg - MREG_VIRTUAL];
                if (is_dead) {
                    again = true;
                    continue;
                }
                m->insns[n++] = *insn;
            }
            mb->first = first;
            mb->n_insns = n - first;
        }
        m->n_insns = n;
    }
    return true;
}

int
isel_run(const ir_func_t *f, const isel_options_t *opts, arena_t *arena, mfunc_t **out,
         sl_error_t *err)
{
    *out = NULL;
    isel_t s = {.f = f, .opts = opts, .arena = arena, .err = err};
    int rc = mach_new(arena, f, &s.m);
    if (rc)
        return rc;
    if (!f->n_layout)
        return isel_fail(&s, SL_ENOTSUP, "a function without blocks"), s.rc;
    rc = cfg_build(f, arena, &s.cfg);
    if (rc)
        return isel_fail(&s, rc, "out of memory in the top tier"), s.rc;
    uint32_t nb = f->n_blocks ? f->n_blocks : 1;
    s.vreg = arena_alloc_array(arena, f->n_insns, sizeof *s.vreg);
    s.n_uses = arena_alloc_array(arena, f->n_insns, sizeof *s.n_uses);
    s.user = arena_alloc_array(arena, f->n_insns, sizeof *s.user);
    s.mblock = arena_alloc_array(arena, nb, sizeof *s.mblock);
    s.n_in = arena_alloc_array(arena, nb, sizeof *s.n_in);
    s.in_src = arena_alloc_array(arena, nb, sizeof *s.in_src);
    s.in_same = arena_alloc_array(arena, nb, sizeof *s.in_same);
    s.loop_cost = arena_alloc_array(arena, nb, sizeof *s.loop_cost);
    s.tuple = arena_alloc_array(arena, f->n_insns, sizeof *s.tuple);
    const ir_succ_t **first = arena_alloc_array(arena, nb, sizeof *first);
    if (!s.vreg || !s.n_uses || !s.user || !s.mblock || !s.n_in || !s.in_src || !s.in_same ||
        !s.loop_cost || !s.tuple || !first)
        return isel_fail(&s, arena->last_error ? arena->last_error : SL_ENOMEM,
                         "out of memory in the top tier"), s.rc;
    memset(s.vreg, 0xff, f->n_insns * sizeof *s.vreg);
    count_uses(&s);
    compare_edge_args(&s, first);
    measure_loops(&s);
    if (s.n_in[s.cfg.entry])
        return isel_fail(&s, SL_ENOTSUP, "the entry block has predecessors"), s.rc;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t b = f->layout[l];
        if (!cfg_is_reachable(&s.cfg, b))
            continue;
        s.mblock[b] = mach_block_new(s.m);
        if (!isel_check(&s))
            return s.rc;
        s.m->blocks[s.mblock[b]].ir_block = b;
        s.m->blocks[s.mblock[b]].loop_depth = s.cfg.loop_depth[b];
    }
    for (uint32_t l = 0; l < f->n_layout && !s.rc; l++)
        if (cfg_is_reachable(&s.cfg, f->layout[l]))
            select_block(&s, f->layout[l]);
    if (!s.rc)
        order_blocks(&s);
    if (!s.rc)
        remove_dead(&s);
    if (s.rc)
        return s.rc;
    *out = s.m;
    return 0;
}
