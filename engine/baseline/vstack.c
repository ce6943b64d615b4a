/* The compile-time value stack: where each wasm operand lives, register allocation on demand,
 * spilling to home slots. */
#include <stdarg.h>
#include <stdio.h>

#include "baseline_impl.h"

bool
baseline_fail(baseline_t *b, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    body_validator_t *v = b->validator;
    v->r.failed = true;
    error_vset(v->r.err, code, 10, v->op_at, fmt, ap);
    va_end(ap);
    return false;
}

static bool
grow(baseline_t *b)
{
    if (b->depth < b->cap_stack)
        return true;
    uint32_t cap = b->cap_stack ? b->cap_stack * 2 : 64;
    if (cap > b->limits.max_operand_stack)
        cap = b->limits.max_operand_stack;
    if (b->depth >= cap)
        return baseline_fail(b, SL_ELIMIT, "operand stack deeper than %u", cap);
    vslot_t *p = realloc(b->stack, cap * sizeof *p);
    if (!p)
        return baseline_fail(b, SL_ENOMEM, "out of memory");
    b->stack = p;
    b->cap_stack = cap;
    return true;
}

static bool
push_slot(baseline_t *b, vslot_t slot)
{
    if (!grow(b))
        return false;
    b->stack[b->depth++] = slot;
    if (b->depth > b->max_depth)
        b->max_depth = b->depth;
    return true;
}

bool
vs_push_reg(baseline_t *b, uint8_t type, x64_reg_t r)
{
    b->gp_used |= X64_REGSET(r);
    return push_slot(b, (vslot_t){.loc = LOC_REG, .type = type, .reg = (uint8_t)r});
}

bool
vs_push_const(baseline_t *b, uint8_t type, int64_t imm)
{
    return push_slot(b, (vslot_t){.loc = LOC_CONST, .type = type, .imm = imm});
}

bool
vs_push_stack(baseline_t *b, uint8_t type)
{
    return push_slot(b, (vslot_t){.loc = LOC_STACK, .type = type});
}

void
vs_free(baseline_t *b, x64_reg_t r)
{
    b->gp_used &= (x64_regset_t)~X64_REGSET(r);
}

void
vs_spill(baseline_t *b, uint32_t position)
{
    vslot_t *s = &b->stack[position];
    if (s->loc == LOC_STACK)
        return;
    vs_store_to(b, position, home(b, position));
    if (s->loc == LOC_REG)
        vs_free(b, s->reg);
    s->loc = LOC_STACK;
}

void
vs_spill_all(baseline_t *b)
{
    for (uint32_t i = 0; i < b->depth; i++)
        vs_spill(b, i);
}

x64_reg_t
vs_alloc(baseline_t *b, x64_regset_t exclude)
{
    x64_regset_t free_regs = BASELINE_GP_REGS & ~b->gp_used & ~exclude;
    if (!free_regs) {
        /* Spill the deepest value held in an allowed register: it is used last. */
        for (uint32_t i = 0; i < b->depth; i++) {
            vslot_t *s = &b->stack[i];
            if (s->loc == LOC_REG && !(exclude & X64_REGSET(s->reg))) {
                vs_spill(b, i);
                break;
            }
        }
        free_regs = BASELINE_GP_REGS & ~b->gp_used & ~exclude;
        SL_ASSERT(free_regs);
    }
    x64_reg_t r = (x64_reg_t)__builtin_ctz(free_regs);
    b->gp_used |= X64_REGSET(r);
    return r;
}

static void
load_to(baseline_t *b, const vslot_t *s, uint32_t position, x64_reg_t r)
{
    unsigned size = type_size(s->type);
    if (s->loc == LOC_CONST)
        x64_mov_ri(&b->buf, size, r, size == 4 ? (int64_t)(uint32_t)s->imm : s->imm);
    else if (s->loc == LOC_STACK)
        x64_mov_rm(&b->buf, size, r, home(b, position));
    else if (s->reg != r)
        x64_mov_rr(&b->buf, size == 4 ? 4 : 8, r, s->reg);
}

x64_reg_t
vs_to_reg(baseline_t *b, uint32_t position, x64_regset_t exclude)
{
    vslot_t *s = &b->stack[position];
    if (s->loc == LOC_REG && !(exclude & X64_REGSET(s->reg)))
        return s->reg;
    x64_reg_t r = vs_alloc(b, exclude);
    load_to(b, s, position, r);
    if (s->loc == LOC_REG)
        vs_free(b, s->reg);
    s->loc = LOC_REG;
    s->reg = (uint8_t)r;
    return r;
}

x64_reg_t
vs_pop_reg(baseline_t *b, x64_regset_t exclude)
{
    x64_reg_t r = vs_to_reg(b, b->depth - 1, exclude);
    b->depth--; /* the caller owns r now: still marked used */
    return r;
}

void
vs_evict(baseline_t *b, x64_reg_t r, x64_regset_t exclude)
{
    if (!(b->gp_used & X64_REGSET(r)))
        return;
    for (uint32_t i = 0; i < b->depth; i++) {
        vslot_t *s = &b->stack[i];
        if (s->loc == LOC_REG && s->reg == r) {
            x64_reg_t to = vs_alloc(b, exclude | X64_REGSET(r));
            x64_mov_rr(&b->buf, 8, to, r);
            s->reg = (uint8_t)to;
            vs_free(b, r);
            return;
        }
    }
    SL_ASSERT(!"register marked used but held by no value");
}

void
vs_pop_into(baseline_t *b, x64_reg_t r)
{
    vslot_t *top = &b->stack[b->depth - 1];
    if (top->loc == LOC_REG && top->reg == r) {
        b->depth--;
        return;
    }
    vs_evict(b, r, 0);
    load_to(b, top, b->depth - 1, r);
    if (top->loc == LOC_REG)
        vs_free(b, top->reg);
    b->gp_used |= X64_REGSET(r);
    b->depth--;
}

void
vs_drop(baseline_t *b, uint32_t n)
{
    for (; n > 0; n--) {
        vslot_t *s = &b->stack[--b->depth];
        if (s->loc == LOC_REG)
            vs_free(b, s->reg);
    }
}

bool
vs_reset(baseline_t *b, uint32_t height, const uint8_t *types, uint32_t n)
{
    if (b->depth > height)
        vs_drop(b, b->depth - height);
    SL_ASSERT(b->depth == height);
    for (uint32_t i = 0; i < n; i++)
        if (!vs_push_stack(b, types[i]))
            return false;
    return true;
}

void
vs_store_to(baseline_t *b, uint32_t position, x64_mem_t dst)
{
    const vslot_t *s = &b->stack[position];
    unsigned size = type_size(s->type) == 4 ? 4 : 8;
    switch (s->loc) {
    case LOC_REG:
        x64_mov_mr(&b->buf, size, dst, s->reg);
        break;
    case LOC_CONST:
        if (size == 4 || (s->imm >= INT32_MIN && s->imm <= INT32_MAX)) {
            x64_mov_mi(&b->buf, size, dst, (int32_t)s->imm);
        } else {
            x64_mov_ri(&b->buf, 8, SCRATCH, s->imm);
            x64_mov_mr(&b->buf, 8, dst, SCRATCH);
        }
        break;
    case LOC_STACK:
        x64_mov_rm(&b->buf, size, SCRATCH, home(b, position));
        x64_mov_mr(&b->buf, size, dst, SCRATCH);
        break;
    }
}
