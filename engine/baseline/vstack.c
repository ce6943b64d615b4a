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

bool
baseline_reserve(baseline_t *b, void **items, size_t *cap, size_t need, size_t elem_size,
                 size_t limit, const char *what)
{
    int rc = vec_grow(items, cap, need, elem_size, limit);
    if (rc == SL_ELIMIT)
        return baseline_fail(b, rc, "%s deeper than %zu", what, limit);
    if (rc < 0)
        return baseline_fail(b, rc, "out of memory");
    return true;
}

static bool
grow(baseline_t *b)
{
    return b->depth < b->cap_stack ||
           BASELINE_RESERVE(b, stack, b->depth + 1, b->limits.max_operand_stack, "operand stack");
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

static x64_regset_t *
used_set(baseline_t *b, uint8_t type)
{
    return is_xmm_type(type) ? &b->xmm_used : &b->gp_used;
}

bool
vs_push_reg(baseline_t *b, uint8_t type, x64_reg_t r)
{
    *used_set(b, type) |= X64_REGSET(r);
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
vs_free_x(baseline_t *b, x64_xreg_t r)
{
    b->xmm_used &= (x64_regset_t)~X64_REGSET(r);
}

static void
release(baseline_t *b, const vslot_t *s)
{
    if (s->loc == LOC_REG)
        *used_set(b, s->type) &= (x64_regset_t)~X64_REGSET(s->reg);
}

void
vs_spill(baseline_t *b, uint32_t position)
{
    vslot_t *s = &b->stack[position];
    if (s->loc == LOC_STACK)
        return;
    vs_store_to(b, position, home(b, position));
    release(b, s);
    s->loc = LOC_STACK;
}

void
vs_spill_all(baseline_t *b)
{
    for (uint32_t i = 0; i < b->depth; i++)
        vs_spill(b, i);
    b->alias_floor = b->depth; /* every slot is in its home now */
}

/* A free register of one file, spilling the deepest value held in an allowed one if need be:
 * it is used last. */
static unsigned
alloc_in(baseline_t *b, bool is_xmm, x64_regset_t exclude)
{
    x64_regset_t *used = is_xmm ? &b->xmm_used : &b->gp_used;
    x64_regset_t all = is_xmm ? BASELINE_XMM_REGS : BASELINE_GP_REGS;
    x64_regset_t free_regs = all & ~*used & ~exclude;
    if (!free_regs) {
        for (uint32_t i = 0; i < b->depth; i++) {
            vslot_t *s = &b->stack[i];
            if (s->loc == LOC_REG && is_xmm_type(s->type) == is_xmm &&
                !(exclude & X64_REGSET(s->reg))) {
                vs_spill(b, i);
                break;
            }
        }
        free_regs = all & ~*used & ~exclude;
        SL_ASSERT(free_regs);
    }
    unsigned r = (unsigned)__builtin_ctz(free_regs);
    *used |= X64_REGSET(r);
    return r;
}

x64_reg_t
vs_alloc(baseline_t *b, x64_regset_t exclude)
{
    return (x64_reg_t)alloc_in(b, false, exclude);
}

x64_xreg_t
vs_alloc_x(baseline_t *b, x64_regset_t exclude)
{
    return (x64_xreg_t)alloc_in(b, true, exclude);
}

/* Loads an xmm value of `type` from memory. */
static void
load_xmm(baseline_t *b, uint8_t type, x64_xreg_t r, x64_mem_t src)
{
    if (type == SL_TYPE_F32)
        x64_movss_xm(&b->buf, r, src);
    else if (type == SL_TYPE_F64)
        x64_movsd_xm(&b->buf, r, src);
    else
        x64_movdqu_xm(&b->buf, r, src);
}

static void
store_xmm(baseline_t *b, uint8_t type, x64_mem_t dst, x64_xreg_t r)
{
    if (type == SL_TYPE_F32)
        x64_movss_mx(&b->buf, dst, r);
    else if (type == SL_TYPE_F64)
        x64_movsd_mx(&b->buf, dst, r);
    else
        x64_movdqu_mx(&b->buf, dst, r);
}

static void
load_to(baseline_t *b, const vslot_t *s, uint32_t position, unsigned r)
{
    SL_ASSERT(s->loc != LOC_COND); /* consumed by the branch that follows it */
    unsigned size = type_size(s->type);
    if (s->loc == LOC_LOCAL) {
        uint32_t index = (uint32_t)s->imm;
        x64_reg_t pinned = local_reg(b, index);
        if (pinned == X64_NO_REG && is_xmm_type(s->type))
            load_xmm(b, s->type, (x64_xreg_t)r, local_slot(b, index));
        else if (pinned == X64_NO_REG)
            x64_mov_rm(&b->buf, size, r, local_slot(b, index));
        else if (is_xmm_type(s->type))
            x64_movaps_xx(&b->buf, (x64_xreg_t)r, (x64_xreg_t)pinned);
        else
            x64_mov_rr(&b->buf, size == 4 ? 4 : 8, r, pinned);
        return;
    }
    if (!is_xmm_type(s->type)) {
        if (s->loc == LOC_CONST)
            x64_mov_ri(&b->buf, size, r, size == 4 ? (int64_t)(uint32_t)s->imm : s->imm);
        else if (s->loc == LOC_STACK)
            x64_mov_rm(&b->buf, size, r, home(b, position));
        else if (s->reg != r)
            x64_mov_rr(&b->buf, size == 4 ? 4 : 8, r, s->reg);
        return;
    }
    x64_xreg_t x = (x64_xreg_t)r;
    if (s->loc == LOC_CONST) { /* f32/f64 bits; +0.0 needs no load */
        if (s->imm == 0) {
            x64_xorps_xx(&b->buf, x, x);
        } else if (size == 4) {
            x64_mov_ri(&b->buf, 4, SCRATCH, (uint32_t)s->imm);
            x64_movd_xr(&b->buf, x, SCRATCH);
        } else {
            x64_mov_ri(&b->buf, 8, SCRATCH, s->imm);
            x64_movq_xr(&b->buf, x, SCRATCH);
        }
    } else if (s->loc == LOC_STACK) {
        load_xmm(b, s->type, x, home(b, position));
    } else if (s->reg != r) {
        x64_movaps_xx(&b->buf, x, (x64_xreg_t)s->reg);
    }
}

void
vs_copy_to_reg(baseline_t *b, uint32_t position, x64_reg_t r)
{
    load_to(b, &b->stack[position], position, r);
}

x64_reg_t
vs_to_reg(baseline_t *b, uint32_t position, x64_regset_t exclude)
{
    vslot_t *s = &b->stack[position];
    if (s->loc == LOC_REG && !(exclude & X64_REGSET(s->reg)))
        return s->reg;
    unsigned r = alloc_in(b, is_xmm_type(s->type), exclude);
    load_to(b, s, position, r);
    release(b, s);
    s->loc = LOC_REG;
    s->reg = (uint8_t)r;
    return (x64_reg_t)r;
}

x64_reg_t
vs_pop_reg(baseline_t *b, x64_regset_t exclude)
{
    x64_reg_t r = vs_to_reg(b, b->depth - 1, exclude);
    b->depth--; /* the caller owns r now: still marked used */
    return r;
}

bool
vs_push_local(baseline_t *b, uint8_t type, uint32_t index)
{
    if (b->depth < b->alias_floor)
        b->alias_floor = b->depth;
    return push_slot(b, (vslot_t){.loc = LOC_LOCAL, .type = type, .imm = index});
}

void
vs_before_local_write(baseline_t *b, uint32_t index)
{
    for (uint32_t i = b->alias_floor; i < b->depth; i++)
        if (b->stack[i].loc == LOC_LOCAL && b->stack[i].imm == index)
            vs_to_reg(b, i, 0);
}

x64_reg_t
vs_read_reg(baseline_t *b, uint32_t position, x64_regset_t exclude)
{
    const vslot_t *s = &b->stack[position];
    if (s->loc == LOC_LOCAL) {
        x64_reg_t pinned = local_reg(b, (uint32_t)s->imm);
        if (pinned != X64_NO_REG)
            return pinned;
    }
    return vs_to_reg(b, position, exclude);
}

bool
vs_push_load(baseline_t *b, uint8_t type, x64_mem_t src)
{
    if (is_xmm_type(type)) {
        x64_xreg_t x = vs_alloc_x(b, 0);
        load_xmm(b, type, x, src);
        return vs_push_reg(b, type, (x64_reg_t)x);
    }
    x64_reg_t r = vs_alloc(b, 0);
    x64_mov_rm(&b->buf, type_size(type), r, src);
    return vs_push_reg(b, type, r);
}

x64_cc_t
vs_pop_condition(baseline_t *b)
{
    vslot_t *top = &b->stack[b->depth - 1];
    if (top->loc == LOC_COND) {
        b->depth--;
        return (x64_cc_t)top->reg;
    }
    x64_reg_t r = vs_pop_reg(b, 0);
    x64_test_rr(&b->buf, 4, r, r);
    vs_free(b, r);
    return X64_CC_NE;
}

void
vs_evict(baseline_t *b, x64_reg_t r, x64_regset_t exclude)
{
    if (!(b->gp_used & X64_REGSET(r)))
        return;
    for (uint32_t i = 0; i < b->depth; i++) {
        vslot_t *s = &b->stack[i];
        if (s->loc == LOC_REG && !is_xmm_type(s->type) && s->reg == r) {
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
    SL_ASSERT(!is_xmm_type(top->type)); /* general registers only */
    if (top->loc == LOC_REG && top->reg == r) {
        b->depth--;
        return;
    }
    vs_evict(b, r, 0);
    load_to(b, top, b->depth - 1, r);
    release(b, top);
    b->gp_used |= X64_REGSET(r);
    b->depth--;
}

void
vs_drop(baseline_t *b, uint32_t n)
{
    for (; n > 0; n--)
        release(b, &b->stack[--b->depth]);
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
    if (s->type == SL_TYPE_V128 && s->loc == LOC_STACK) { /* 16 bytes: through the xmm scratch */
        x64_movdqu_xm(&b->buf, SCRATCH_X, home(b, position));
        x64_movdqu_mx(&b->buf, dst, SCRATCH_X);
        return;
    }
    unsigned size = type_size(s->type) == 4 ? 4 : 8;
    SL_ASSERT(s->loc != LOC_COND);
    if (s->loc == LOC_LOCAL) {
        uint32_t index = (uint32_t)s->imm;
        x64_reg_t pinned = local_reg(b, index);
        if (pinned != X64_NO_REG && is_xmm_type(s->type)) {
            store_xmm(b, s->type, dst, (x64_xreg_t)pinned);
        } else if (pinned != X64_NO_REG) {
            x64_mov_mr(&b->buf, size, dst, pinned);
        } else if (s->type == SL_TYPE_V128) {
            x64_movdqu_xm(&b->buf, SCRATCH_X, local_slot(b, index));
            x64_movdqu_mx(&b->buf, dst, SCRATCH_X);
        } else {
            x64_mov_rm(&b->buf, size, SCRATCH, local_slot(b, index));
            x64_mov_mr(&b->buf, size, dst, SCRATCH);
        }
        return;
    }
    switch (s->loc) {
    case LOC_REG:
        if (is_xmm_type(s->type))
            store_xmm(b, s->type, dst, (x64_xreg_t)s->reg);
        else
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

bool
avx_operands(baseline_t *b, bool is_swapped, bool may_use_mem, x64_xreg_t *dst,
             x64_xreg_t *src1, x64_xreg_t *src2, x64_mem_t *mem)
{
    SL_DASSERT(b->has_avx);
    uint32_t top = b->depth - 1;
    uint32_t left = is_swapped ? top : top - 1, right = is_swapped ? top - 1 : top;
    const vslot_t *l = &b->stack[left], *r = &b->stack[right];
    x64_regset_t right_reg = r->loc == LOC_REG ? X64_REGSET(r->reg) : 0;
    bool is_unpinned_local = r->loc == LOC_LOCAL && local_reg(b, (uint32_t)r->imm) == X64_NO_REG;
    bool is_mem = may_use_mem && (r->loc == LOC_STACK || is_unpinned_local);
    *src1 = (x64_xreg_t)vs_read_reg(b, left, right_reg);
    if (is_mem)
        *mem = r->loc == LOC_STACK ? home(b, right) : local_slot(b, (uint32_t)r->imm);
    else
        *src2 = (x64_xreg_t)vs_read_reg(b, right, X64_REGSET(*src1));
    /* both slots are dropped by avx_done, so either's own register may take the result */
    if (l->loc == LOC_REG)
        *dst = (x64_xreg_t)l->reg;
    else if (r->loc == LOC_REG)
        *dst = (x64_xreg_t)r->reg;
    else
        *dst = vs_alloc_x(b, X64_REGSET(*src1) | (is_mem ? 0 : X64_REGSET(*src2)));
    return is_mem;
}

bool
avx_done(baseline_t *b, uint8_t type, x64_xreg_t dst)
{
    vs_drop(b, 2);
    return vs_push_reg(b, type, (x64_reg_t)dst);
}

x64_xreg_t
avx_binary(baseline_t *b, bool is_swapped, uint8_t type,
           void (*xxx)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t),
           void (*xxm)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_mem_t))
{
    x64_xreg_t dst, src1, src2;
    x64_mem_t mem;
    if (avx_operands(b, is_swapped, xxm != NULL, &dst, &src1, &src2, &mem))
        xxm(&b->buf, dst, src1, mem);
    else
        xxx(&b->buf, dst, src1, src2);
    avx_done(b, type, dst);
    return dst;
}
