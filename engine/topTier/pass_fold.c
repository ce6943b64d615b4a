/* Constant folding with wasm semantics (spec: execution, numeric instructions): i32/i64
 * arithmetic, bitwise ops, shifts and rotations (count modulo the width), eqz, comparisons, and
 * division or remainder when the divisor is a non-zero constant and, for div_s, not INT_MIN / -1
 * (those trap at run time and are left alone). A folded instruction becomes a const in place, so
 * its uses need no rewrite. br_if / br_table on a constant become a jump; trapif on zero goes.
 * Blocks in reverse postorder, so folded values feed the folds after them. Linear.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: cfg (edges change).
 */
#include <stdint.h>

#include "cfg.h"
#include "ir_edit.h"
#include "pipeline.h"

/* A shift or rotation count is taken modulo the width (spec: ishl, ishr, irotl, irotr). */
static uint64_t
rotl(uint64_t x, unsigned k, unsigned bits)
{
    uint64_t mask = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    k %= bits;
    x &= mask;
    return k ? ((x << k) | (x >> (bits - k))) & mask : x;
}

/* Sign-extends the low `bits` of x. */
static int64_t
sx(uint64_t x, unsigned bits)
{
    return bits == 64 ? (int64_t)x : (int64_t)(int32_t)(uint32_t)x;
}

/* The value of a binary integer op on constants, or false when it must not fold. */
static bool
eval_binary(unsigned op, unsigned bits, uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t mask = bits == 64 ? UINT64_MAX : UINT32_MAX;
    int64_t min = bits == 64 ? INT64_MIN : INT32_MIN;
    int64_t sa = sx(a, bits), sb = sx(b, bits);
    a &= mask;
    b &= mask;
    uint64_t r;
    switch (op) {
    case IR_I32_ADD: case IR_I64_ADD: r = a + b; break;
    case IR_I32_SUB: case IR_I64_SUB: r = a - b; break;
    case IR_I32_MUL: case IR_I64_MUL: r = a * b; break;
    case IR_I32_AND: case IR_I64_AND: r = a & b; break;
    case IR_I32_OR: case IR_I64_OR: r = a | b; break;
    case IR_I32_XOR: case IR_I64_XOR: r = a ^ b; break;
    case IR_I32_SHL: case IR_I64_SHL: r = a << (b % bits); break;
    case IR_I32_SHR_U: case IR_I64_SHR_U: r = a >> (b % bits); break;
    case IR_I32_SHR_S: case IR_I64_SHR_S: r = (uint64_t)(sa >> (b % bits)); break;
    case IR_I32_ROTL: case IR_I64_ROTL: r = rotl(a, (unsigned)(b % bits), bits); break;
    case IR_I32_ROTR: case IR_I64_ROTR: r = rotl(a, (unsigned)(bits - b % bits), bits); break;
    case IR_I32_EQ: case IR_I64_EQ: *out = a == b; return true;
    case IR_I32_NE: case IR_I64_NE: *out = a != b; return true;
    case IR_I32_LT_S: case IR_I64_LT_S: *out = sa < sb; return true;
    case IR_I32_LT_U: case IR_I64_LT_U: *out = a < b; return true;
    case IR_I32_GT_S: case IR_I64_GT_S: *out = sa > sb; return true;
    case IR_I32_GT_U: case IR_I64_GT_U: *out = a > b; return true;
    case IR_I32_LE_S: case IR_I64_LE_S: *out = sa <= sb; return true;
    case IR_I32_LE_U: case IR_I64_LE_U: *out = a <= b; return true;
    case IR_I32_GE_S: case IR_I64_GE_S: *out = sa >= sb; return true;
    case IR_I32_GE_U: case IR_I64_GE_U: *out = a >= b; return true;
    /* spec: idiv_s, irem_s: zero traps; INT_MIN / -1 overflows (traps), INT_MIN rem -1 is 0. */
    case IR_I32_DIV_S: case IR_I64_DIV_S:
        if (sb == 0 || (sa == min && sb == -1))
            return false;
        r = (uint64_t)(sa / sb);
        break;
    case IR_I32_REM_S: case IR_I64_REM_S:
        if (sb == 0)
            return false;
        r = sb == -1 ? 0 : (uint64_t)(sa % sb);
        break;
    case IR_I32_DIV_U: case IR_I64_DIV_U:
        if (b == 0)
            return false;
        r = a / b;
        break;
    case IR_I32_REM_U: case IR_I64_REM_U:
        if (b == 0)
            return false;
        r = a % b;
        break;
    default: return false;
    }
    *out = r & mask;
    return true;
}

/* Width of the integer operands of op (from its first operand's type), or 0. */
static unsigned
operand_bits(unsigned op)
{
    unsigned t = ir_op_operand(op, 0);
    return t == IR_T_I32 ? 32 : t == IR_T_I64 ? 64 : 0;
}

static void
to_const(ir_insn_t *insn, uint64_t bits)
{
    insn->op = IR_CONST;
    insn->n_args = 0;
    insn->imm = bits;
}

static void
fold_insn(ir_func_t *f, ir_ref_t r)
{
    ir_insn_t *insn = ir_insn(f, r);
    const ir_ref_t *args = ir_args(insn);
    uint64_t a, b;
    switch (insn->op) {
    case IR_BR_IF:
        if (insn->n_args == 1 && insn->n_succs == 2 && ir_is_const(f, args[0], &a))
            ir_keep_edge(insn, (uint32_t)a ? 0 : 1);
        return;
    case IR_BR_TABLE:
        /* spec: br_table: an index past the labels takes the default, the last successor. */
        if (insn->n_args == 1 && insn->n_succs >= 1 && ir_is_const(f, args[0], &a))
            ir_keep_edge(insn,
                         (uint32_t)a < insn->n_succs - 1 ? (uint32_t)a : insn->n_succs - 1);
        return;
    case IR_TRAPIF:
        if (insn->n_args == 1 && ir_is_const(f, args[0], &a) && (uint32_t)a == 0)
            ir_remove(f, r);
        return;
    case IR_I32_EQZ:
        if (insn->n_args == 1 && ir_is_const(f, args[0], &a))
            to_const(insn, (uint32_t)a == 0);
        return;
    case IR_I64_EQZ:
        if (insn->n_args == 1 && ir_is_const(f, args[0], &a))
            to_const(insn, a == 0);
        return;
    default: break;
    }
    unsigned bits = operand_bits(insn->op);
    uint64_t result;
    if (bits && ir_op_n_operands(insn->op) == 2 && insn->n_args == 2 &&
        ir_is_const(f, args[0], &a) && ir_is_const(f, args[1], &b) &&
        eval_binary(insn->op, bits, a, b, &result))
        to_const(insn, result);
}

int
pass_fold(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    int rc = cfg_build(f, scratch, &cfg);
    if (rc)
        return rc;
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        for (ir_ref_t r = ir_block(f, cfg.rpo[i])->first; r;) {
            ir_ref_t next = ir_insn(f, r)->next;
            fold_insn(f, r);
            r = next;
        }
    }
    return 0;
}
