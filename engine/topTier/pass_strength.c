/* Strength reduction of i32 / i64 multiplication, division and remainder by a constant: x * 2^k
 * becomes a shift; unsigned x / 2^k and x % 2^k a shift and a mask; signed ones add a bias first
 * so the shift rounds toward zero (spec: idiv_s truncates); other divisors multiply by a magic
 * number and keep the high half (mulh, an op of the IR's own that the back end lowers), with the
 * multipliers of Granlund & Montgomery, "Division by Invariant Integers using Multiplication"
 * (PLDI 1994) and Hacker's Delight, chapter 10. What traps stays: division by zero, and signed
 * division by -1 (INT_MIN / -1 overflows); x rem_s -1 is 0 (spec: irem_s) and goes.
 * tests/topTier/test_strength.c runs the code this pass emits over many divisors and dividends.
 * Requires: nothing.  Provides: -.  Invalidates: nothing (new code is straight-line, placed
 * before the instruction it replaces).
 */
#include "ir_edit.h"
#include "pipeline.h"

__extension__ typedef unsigned __int128 u128;

/* The ops of one integer width. */
typedef struct width {
    unsigned bits;
    ir_type_t type;
    uint16_t add, sub, mul, and, shl, shr_s, shr_u, ge_u, mulh_s, mulh_u;
} width_t;

static const width_t width32 = {
    32, IR_T_I32, IR_I32_ADD, IR_I32_SUB, IR_I32_MUL, IR_I32_AND, IR_I32_SHL,
    IR_I32_SHR_S, IR_I32_SHR_U, IR_I32_GE_U, IR_I32_MULH_S, IR_I32_MULH_U,
};
static const width_t width64 = {
    64, IR_T_I64, IR_I64_ADD, IR_I64_SUB, IR_I64_MUL, IR_I64_AND, IR_I64_SHL,
    IR_I64_SHR_S, IR_I64_SHR_U, IR_I64_GE_U, IR_I64_MULH_S, IR_I64_MULH_U,
};

/* A multiplier for the high half and the shift after it; `is_add` says the multiplier has one
 * bit more than the width (unsigned) or is negative as a signed number (signed), and the
 * sequence adds the dividend back. */
typedef struct magic {
    uint64_t m;
    unsigned shift;
    bool is_add;
} magic_t;

static unsigned
bit_length(uint64_t x)
{
    return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

static bool
is_pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}

/* Unsigned n / d for 3 <= d < 2^(bits-1), d not a power of two. With l = ceil(log2 d) and
 * m = ceil(2^(bits+s) / d), floor(n * m / 2^(bits+s)) = floor(n / d) for every bits-wide n when
 * m * d - 2^(bits+s) <= 2^s (the error then stays below one step of n / d). The smallest s < l
 * that satisfies it gives a multiplier of the width; s = l always does, with one bit more. */
static magic_t
magic_unsigned(uint64_t d, unsigned bits)
{
    unsigned l = bit_length(d);
    for (unsigned s = 0; s < l; s++) {
        u128 p = (u128)1 << (bits + s);
        u128 m = p / d + 1;
        if (m * d - p <= (u128)1 << s)
            return (magic_t){(uint64_t)m, s, false};
    }
    u128 p = (u128)1 << (bits + l);
    u128 m = p / d + 1 - ((u128)1 << bits);
    return (magic_t){(uint64_t)m, l - 1, true};
}

/* Signed n / d (truncating) for 3 <= d < 2^(bits-1), d not a power of two. With
 * m = floor(2^(bits+s) / d) + 1, floor(n * m / 2^(bits+s)), plus one for negative n, is n / d
 * when m * d - 2^(bits+s) <= 2^(s+1); s = ceil(log2 d) - 1 always satisfies it. A multiplier of
 * 2^(bits-1) or more is negative as a signed number: the sequence adds n back. */
static magic_t
magic_signed(uint64_t d, unsigned bits)
{
    unsigned l = bit_length(d), s = 0;
    u128 p, m;
    for (;; s++) {
        p = (u128)1 << (bits + s);
        m = p / d + 1;
        if (m * d - p <= (u128)1 << (s + 1) || s + 1 >= l)
            break;
    }
    return (magic_t){(uint64_t)m, s, m >= (u128)1 << (bits - 1)};
}

typedef struct rewriter {
    ir_func_t *f;
    ir_ref_t at; /* the instruction being replaced: new code goes just before it */
    const width_t *w;
} rewriter_t;

static uint64_t
mask_of(const width_t *w)
{
    return w->bits == 64 ? UINT64_MAX : UINT32_MAX;
}

/* A new instruction just before the one being replaced. */
static ir_ref_t
emit(rewriter_t *rw, unsigned op, ir_type_t type, uint32_t n_args, const ir_ref_t *args)
{
    for (uint32_t i = 0; i < n_args; i++)
        if (!args[i])
            return IR_NOREF;
    ir_ref_t r = ir_append(rw->f, ir_insn(rw->f, rw->at)->block, op, type, n_args, args);
    if (r)
        ir_move_before(rw->f, r, rw->at);
    return r;
}

static ir_ref_t
konst(rewriter_t *rw, uint64_t bits)
{
    ir_ref_t r = emit(rw, IR_CONST, rw->w->type, 0, NULL);
    if (r)
        ir_insn(rw->f, r)->imm = bits & mask_of(rw->w);
    return r;
}

static ir_ref_t
op2(rewriter_t *rw, unsigned op, ir_ref_t a, ir_ref_t b)
{
    ir_ref_t args[2] = {a, b};
    return emit(rw, op, op == IR_I64_GE_U ? IR_T_I32 : rw->w->type, 2, args);
}

/* a op constant. */
static ir_ref_t
op2k(rewriter_t *rw, unsigned op, ir_ref_t a, uint64_t k)
{
    return op2(rw, op, a, konst(rw, k));
}

static ir_ref_t
negate(rewriter_t *rw, ir_ref_t x)
{
    return op2(rw, rw->w->sub, konst(rw, 0), x);
}

/* floor(x / d) for unsigned d >= 2 (any d a division may have that is not a power of two). */
static ir_ref_t
udiv(rewriter_t *rw, ir_ref_t x, uint64_t d)
{
    const width_t *w = rw->w;
    if (d >> (w->bits - 1)) {
        /* At least half the range: the quotient is 0 or 1. */
        ir_ref_t ge = op2k(rw, w->ge_u, x, d);
        return w->bits == 32 ? ge : emit(rw, IR_I64_EXTEND_I32_U, IR_T_I64, 1, &ge);
    }
    magic_t mg = magic_unsigned(d, w->bits);
    ir_ref_t t = op2k(rw, w->mulh_u, x, mg.m);
    if (mg.is_add) {
        /* floor((x + t) / 2^(shift+1)) without overflowing: t + (x - t) / 2, t <= x. */
        ir_ref_t half = op2k(rw, w->shr_u, op2(rw, w->sub, x, t), 1);
        t = op2(rw, w->add, half, t);
    }
    return mg.shift ? op2k(rw, w->shr_u, t, mg.shift) : t;
}

/* x plus 2^k - 1 when x is negative (1 <= k < bits): shifting that right by k, or clearing its
 * low k bits, rounds toward zero instead of down. */
static ir_ref_t
bias_toward_zero(rewriter_t *rw, ir_ref_t x, unsigned k)
{
    const width_t *w = rw->w;
    ir_ref_t sign = k == 1 ? x : op2k(rw, w->shr_s, x, w->bits - 1);
    return op2(rw, w->add, x, op2k(rw, w->shr_u, sign, w->bits - k));
}

/* x / d for 3 <= d < 2^(bits-1), d not a power of two, truncating. */
static ir_ref_t
sdiv_magic(rewriter_t *rw, ir_ref_t x, uint64_t d)
{
    const width_t *w = rw->w;
    magic_t mg = magic_signed(d, w->bits);
    ir_ref_t t = op2k(rw, w->mulh_s, x, mg.m);
    if (mg.is_add)
        t = op2(rw, w->add, t, x);
    if (mg.shift)
        t = op2k(rw, w->shr_s, t, mg.shift);
    /* floor rounds a negative quotient down; adding its sign bit rounds it toward zero. */
    return op2(rw, w->add, t, op2k(rw, w->shr_u, t, w->bits - 1));
}

/* The replacement of insn `at` (x op c, c constant), or IR_NOREF to leave it. */
static ir_ref_t
reduce(rewriter_t *rw, unsigned op, ir_ref_t x, uint64_t c)
{
    const width_t *w = rw->w;
    uint64_t mask = mask_of(w);
    c &= mask;
    uint64_t neg_c = (0 - c) & mask;
    bool is_negative = c >> (w->bits - 1);
    uint64_t abs_c = is_negative ? neg_c : c;
    unsigned k = bit_length(abs_c) - 1; /* log2 of a power of two */
    switch (op) {
    case IR_I32_MUL: case IR_I64_MUL:
        if (c == 0)
            return konst(rw, 0);
        if (c == 1)
            return x;
        if (c == mask)
            return negate(rw, x);
        return is_pow2(c) ? op2k(rw, w->shl, x, k) : IR_NOREF;
    case IR_I32_DIV_U: case IR_I64_DIV_U:
        if (c == 0)
            return IR_NOREF; /* spec: idiv_u traps on zero */
        if (is_pow2(c))
            return c == 1 ? x : op2k(rw, w->shr_u, x, bit_length(c) - 1);
        return udiv(rw, x, c);
    case IR_I32_REM_U: case IR_I64_REM_U:
        if (c == 0)
            return IR_NOREF;
        if (is_pow2(c))
            return op2k(rw, w->and, x, c - 1);
        return op2(rw, w->sub, x, op2k(rw, w->mul, udiv(rw, x, c), c));
    case IR_I32_DIV_S: case IR_I64_DIV_S: {
        if (c == 0 || c == mask)
            return IR_NOREF; /* spec: idiv_s traps on zero and on INT_MIN / -1 */
        if (c == 1)
            return x;
        ir_ref_t q = is_pow2(abs_c) ? op2k(rw, w->shr_s, bias_toward_zero(rw, x, k), k)
                                    : sdiv_magic(rw, x, abs_c);
        return is_negative ? negate(rw, q) : q;
    }
    case IR_I32_REM_S: case IR_I64_REM_S: {
        /* The remainder takes the dividend's sign: x rem -d = x rem d. */
        if (c == 0)
            return IR_NOREF;
        if (abs_c == 1)
            return konst(rw, 0);
        if (is_pow2(abs_c))
            return op2(rw, w->sub, x, op2k(rw, w->and, bias_toward_zero(rw, x, k), 0 - abs_c));
        return op2(rw, w->sub, x, op2k(rw, w->mul, sdiv_magic(rw, x, abs_c), abs_c));
    }
    default: return IR_NOREF;
    }
}

int
pass_strength(ir_func_t *f, arena_t *scratch)
{
    ir_ref_t *map = arena_alloc_array(scratch, f->n_insns, sizeof *map);
    if (!map)
        return scratch->last_error;
    uint32_t n_old = f->n_insns;
    bool changed = false;
    for (uint32_t l = 0; l < f->n_layout && !f->status; l++) {
        for (ir_ref_t r = ir_block(f, f->layout[l])->first; r;) {
            ir_insn_t *insn = ir_insn(f, r);
            ir_ref_t next = insn->next;
            unsigned t = ir_op_operand(insn->op, 0);
            if (r >= n_old || insn->n_args != 2 || ir_op_n_operands(insn->op) != 2 ||
                ir_op_imm(insn->op) != IR_IMM_NONE || (t != IR_T_I32 && t != IR_T_I64)) {
                r = next;
                continue;
            }
            rewriter_t rw = {f, r, t == IR_T_I32 ? &width32 : &width64};
            ir_ref_t x = ir_args(insn)[0], y = ir_args(insn)[1];
            uint64_t c;
            bool is_mul = insn->op == IR_I32_MUL || insn->op == IR_I64_MUL;
            ir_ref_t with = IR_NOREF;
            if (ir_is_const(f, y, &c))
                with = reduce(&rw, insn->op, x, c);
            else if (is_mul && ir_is_const(f, x, &c))
                with = reduce(&rw, insn->op, y, c);
            if (with && !f->status) {
                map[r] = with;
                ir_remove(f, r);
                changed = true;
            }
            r = next;
        }
    }
    if (f->status)
        return f->status;
    if (changed) {
        /* ir_replace_uses needs an entry per instruction, the new ones included. */
        ir_ref_t *full = arena_alloc_array(scratch, f->n_insns, sizeof *full);
        if (!full)
            return scratch->last_error;
        for (uint32_t i = 0; i < n_old; i++)
            full[i] = map[i];
        ir_replace_uses(f, full);
    }
    return f->status;
}
