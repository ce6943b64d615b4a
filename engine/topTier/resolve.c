/* From an assignment of intervals to code (regalloc.h): the moves it implies and the rewrite.
 *
 * Moves come from three places, each a parallel move at one point of the code:
 *   - a split inside a block: the value goes from the first child's location to the next one's;
 *   - an edge: every value live into the target whose location differs at the two ends, and
 *     every block argument into its parameter; the moves go at the end of the source when it has
 *     one successor, else at the start of the target (isel made sure it then has one source);
 *   - a definition whose value is ever spilled: one store right after it, which makes every
 *     later move into the slot unnecessary (SSA: the slot never goes stale).
 * A parallel move is done in an order that reads every source before it is overwritten; a cycle
 * goes through r11 or xmm15, which the allocator never hands out.
 *
 * Then every register operand becomes the physical register of the child covering it, or, for
 * operands that take memory, the spill slot. */
#include "regalloc_impl.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

/* Work allowed per instruction: child lookups and poll checks. */
enum { RESOLVE_UNITS_PER_INSN = 512, RESOLVE_UNITS_BASE = 1 << 20 };

typedef struct loc {
    uint8_t kind; /* LOC_* */
    uint8_t reg;  /* LOC_REG: 0-15 in the value's file */
    int32_t slot; /* LOC_SLOT: rbp offset */
} loc_t;

/* Where a group of moves goes: before instruction `before`, groups at one place ordered as
 * edge moves at a block's start, stores after a definition, split moves, edge moves at a
 * block's end. */
enum { AT_BLOCK_START, AT_AFTER_DEF, AT_SPLIT, AT_BLOCK_END };

typedef struct pmove {
    uint32_t before;
    uint8_t order;
    uint32_t seq;
    mreg_t vreg;     /* the value moved (its type sizes the move) */
    mreg_t src_vreg; /* whose location src is: vreg, or a block argument into parameter vreg */
    loc_t src, dst;
} pmove_t;

typedef struct resolver {
    mfunc_t *m;
    liveness_t *lv;
    ra_status_t st;
    pmove_t *moves;
    uint32_t n_moves, cap_moves;
    minsn_t *out;
    uint32_t n_out, cap_out;
} resolver_t;

static interval_t *
parent_of(resolver_t *rs, mreg_t v)
{
    return &rs->lv->intervals[v - MREG_VIRTUAL];
}

/* The child of value `parent` covering pos, or NULL; the walk over the children is charged to
 * the work budget (a value split many times, live into many blocks, is what a pathological
 * body makes). */
static interval_t *
child_at(resolver_t *rs, interval_t *parent, uint32_t pos)
{
    for (interval_t *c = parent; c; c = c->next) {
        if (!ra_spend(&rs->st, 1) || pos < c->start)
            return NULL;
        if (pos < c->end)
            return interval_covers(c, pos) ? c : NULL;
    }
    return NULL;
}

static loc_t
loc_of(resolver_t *rs, const interval_t *c)
{
    if (!c)
        return (loc_t){LOC_NONE, 0, 0};
    if (c->reg >= 0)
        return (loc_t){LOC_REG, (uint8_t)c->reg, 0};
    if (rs->m->vregs[c->vreg - MREG_VIRTUAL].remat != REMAT_NONE)
        return (loc_t){LOC_REMAT, 0, 0};
    return (loc_t){LOC_SLOT, 0, c->parent->slot};
}

static bool
loc_equal(loc_t a, loc_t b)
{
    return a.kind == b.kind && (a.kind != LOC_REG || a.reg == b.reg) &&
           (a.kind != LOC_SLOT || a.slot == b.slot);
}

/* Whether the slot of the value already holds it at pos: it is stored right after its
 * definition, and pos comes after that definition (in its block) or in another block (which the
 * definition dominates, the value being live there). */
static bool
is_stored_at(resolver_t *rs, const interval_t *p, uint32_t pos)
{
    if (!p->slot || p->is_param || rs->m->vregs[p->vreg - MREG_VIRTUAL].remat != REMAT_NONE)
        return false;
    return rs->lv->block_of[pos / 2] != p->def_block || pos > p->last_def;
}

static bool
add_move(resolver_t *rs, uint32_t before, uint8_t order, mreg_t v, mreg_t src_v, loc_t src,
         loc_t dst, uint32_t pos)
{
    if (dst.kind == LOC_NONE || dst.kind == LOC_REMAT || loc_equal(src, dst))
        return true;
    if (src.kind == LOC_NONE)
        return ra_fail(&rs->st, SL_ELIMIT, "register allocation: a value without a location");
    if (dst.kind == LOC_SLOT && is_stored_at(rs, parent_of(rs, v), pos))
        return true;
    if (!ra_grow(&rs->st, (void **)&rs->moves, &rs->cap_moves, rs->n_moves + 1, sizeof *rs->moves))
        return false;
    rs->moves[rs->n_moves] = (pmove_t){before, order, rs->n_moves, v, src_v, src, dst};
    rs->n_moves++;
    return true;
}

/* ---- collecting the moves ---- */

static bool
split_moves(resolver_t *rs)
{
    mfunc_t *m = rs->m;
    for (uint32_t v = 0; v < m->n_vregs; v++) {
        interval_t *p = &rs->lv->intervals[v];
        for (interval_t *c = p; c && c->next; c = c->next) {
            if (!ra_spend(&rs->st, 1))
                return false;
            interval_t *n = c->next;
            uint32_t at = n->start;
            if (c->end != at || (at & 1))
                continue;
            uint32_t b = rs->lv->block_of[at / 2];
            if (block_from(m, b) == at) /* a block start: the edges see to it */
                continue;
            if (!interval_covers(c, at - 1) || !interval_covers(n, at))
                continue;
            if (!add_move(rs, at / 2, AT_SPLIT, p->vreg, p->vreg, loc_of(rs, c), loc_of(rs, n),
                          at))
                return false;
        }
    }
    return true;
}

static bool
def_stores(resolver_t *rs)
{
    mfunc_t *m = rs->m;
    for (uint32_t v = 0; v < m->n_vregs; v++) {
        interval_t *p = &rs->lv->intervals[v];
        if (!p->slot || p->is_param || m->vregs[v].remat != REMAT_NONE || !p->n_ranges)
            continue;
        interval_t *c = child_at(rs, p, p->last_def);
        if (!c || c->reg < 0)
            return ra_fail(&rs->st, SL_ELIMIT, "register allocation: a definition without a register");
        loc_t slot = {LOC_SLOT, 0, p->slot};
        /* not through add_move: the store is what makes the slot valid */
        if (!ra_grow(&rs->st, (void **)&rs->moves, &rs->cap_moves, rs->n_moves + 1, sizeof *rs->moves))
            return false;
        rs->moves[rs->n_moves] = (pmove_t){p->last_def / 2 + 1, AT_AFTER_DEF, rs->n_moves,
                                           p->vreg, p->vreg, loc_of(rs, c), slot};
        rs->n_moves++;
    }
    return true;
}

static bool
edge_moves(resolver_t *rs)
{
    mfunc_t *m = rs->m;
    liveness_t *lv = rs->lv;
    bool *done = arena_alloc_array(rs->st.arena, m->n_blocks ? m->n_blocks : 1, sizeof *done);
    if (!done)
        return ra_fail_alloc(&rs->st);
    for (uint32_t b = 0; b < m->n_blocks; b++) {
        const mblock_t *mb = &m->blocks[b];
        uint32_t end = block_to(m, b) - 1;
        for (uint32_t e = 0; e < mb->n_succs; e++) {
            const medge_t *edge = &mb->succs[e];
            uint32_t s = edge->block;
            const mblock_t *sb = &m->blocks[s];
            uint32_t start = block_from(m, s), before;
            uint8_t order;
            if (mb->n_succs == 1) {
                before = mb->first + mb->n_insns - 1;
                order = AT_BLOCK_END;
            } else {
                if (done[s])
                    continue;
                if (lv->pred_start[s + 1] - lv->pred_start[s] != 1)
                    return ra_fail(&rs->st, SL_ELIMIT, "register allocation: an edge without a place");
                done[s] = true;
                before = sb->first + 1;
                order = AT_BLOCK_START;
            }
            uint32_t at = order == AT_BLOCK_END ? end : start;
            for (uint32_t k = lv->livein_start[s]; k < lv->livein_start[s + 1]; k++) {
                interval_t *p = parent_of(rs, lv->livein[k]);
                if (!add_move(rs, before, order, p->vreg, p->vreg,
                              loc_of(rs, child_at(rs, p, end)), loc_of(rs, child_at(rs, p, start)),
                              at))
                    return false;
            }
            for (uint32_t a = 0; a < edge->n_args; a++) {
                interval_t *param = parent_of(rs, sb->params[a]);
                if (!param->is_read)
                    continue;
                interval_t *arg = parent_of(rs, edge->args[a]);
                if (!add_move(rs, before, order, param->vreg, arg->vreg,
                              loc_of(rs, child_at(rs, arg, end)),
                              loc_of(rs, child_at(rs, param, start + 1)), at))
                    return false;
            }
        }
    }
    return true;
}

/* ---- emitting the moves ---- */

static minsn_t *
out_insn(resolver_t *rs, unsigned op, unsigned size)
{
    if (!ra_grow(&rs->st, (void **)&rs->out, &rs->cap_out, rs->n_out + 1, sizeof *rs->out))
        return NULL;
    minsn_t *i = &rs->out[rs->n_out++];
    memset(i, 0, sizeof *i);
    i->op = (uint16_t)op;
    i->size = (uint8_t)size;
    return i;
}

static mreg_t
phys(unsigned cls, unsigned reg)
{
    return cls == MC_GP ? reg : MREG_XMM(reg);
}

static mopnd_t
slot_opnd(int32_t slot)
{
    return mop_mem(X64_RBP, MREG_NONE, 1, slot);
}

static bool
emit2(resolver_t *rs, unsigned op, unsigned size, mopnd_t a, mopnd_t b)
{
    minsn_t *i = out_insn(rs, op, size);
    return i && mach_set2(i, a, b);
}

/* Writes constant `vr` into register `to` (physical). */
static bool
emit_remat(resolver_t *rs, const mvreg_t *vr, mreg_t to)
{
    if (vr->remat == REMAT_IMM)
        return emit2(rs, MI_MOV, 8, mop_reg(to), mop_imm(vr->remat_value));
    minsn_t *i = out_insn(rs, vr->remat == REMAT_POOL ? MI_LOAD_CONST : MI_XZERO,
                          vr->remat == REMAT_POOL ? vr->remat_size : 16);
    if (!i)
        return false;
    i->n_opnds = 1;
    i->o[0] = mop_reg(to);
    i->aux = (uint32_t)vr->remat_value;
    return true;
}

/* Whether the move goes through the scratch register of its file: memory to memory, or a
 * constant into memory that no store immediate can write. */
static bool
needs_scratch(const resolver_t *rs, const pmove_t *mv)
{
    const mvreg_t *vr = &rs->m->vregs[mv->src_vreg - MREG_VIRTUAL];
    if (mv->dst.kind != LOC_SLOT)
        return false;
    if (mv->src.kind == LOC_SLOT)
        return true;
    return mv->src.kind == LOC_REMAT &&
           (vr->remat != REMAT_IMM || vr->remat_value != (int32_t)vr->remat_value);
}

/* One move, physical and final: a register, slot or constant into a register or slot. A cycle's
 * value comes from `scratch_src` instead of its source. */
static bool
emit_move(resolver_t *rs, const pmove_t *mv, mreg_t scratch_src)
{
    const mvreg_t *vr = &rs->m->vregs[mv->vreg - MREG_VIRTUAL];
    const mvreg_t *from = &rs->m->vregs[mv->src_vreg - MREG_VIRTUAL];
    loc_t src = mv->src, dst = mv->dst;
    unsigned cls = vr->cls;
    unsigned size = vr->type == IR_T_V128 ? 16 : 8;
    mreg_t scratch = cls == MC_GP ? X64_R11 : MREG_XMM(15);
    if (scratch_src != MREG_NONE) /* only registers are in cycles */
        src = (loc_t){LOC_REG, (uint8_t)(scratch_src & 15), 0};
    mopnd_t to = dst.kind == LOC_REG ? mop_reg(phys(cls, dst.reg)) : slot_opnd(dst.slot);
    switch (src.kind) {
    case LOC_REG:
        return emit2(rs, dst.kind == LOC_REG ? MI_MOV : MI_STORE,
                     dst.kind == LOC_REG && cls == MC_XMM ? 16 : size, to,
                     mop_reg(phys(cls, src.reg)));
    case LOC_SLOT:
        if (dst.kind == LOC_REG)
            return emit2(rs, MI_LOAD, size, to, slot_opnd(src.slot));
        return emit2(rs, MI_LOAD, size, mop_reg(scratch), slot_opnd(src.slot)) &&
               emit2(rs, MI_STORE, size, to, mop_reg(scratch));
    case LOC_REMAT:
        if (dst.kind == LOC_REG)
            return emit_remat(rs, from, to.reg);
        if (from->remat == REMAT_IMM && from->remat_value == (int32_t)from->remat_value)
            return emit2(rs, MI_STORE, 8, to, mop_imm(from->remat_value));
        return emit_remat(rs, from, scratch) && emit2(rs, MI_STORE, size, to, mop_reg(scratch));
    default: return ra_fail(&rs->st, SL_ELIMIT, "register allocation: a value without a location");
    }
}

/* Emits moves[0..n) as one parallel move: each move once no other pending one still reads its
 * destination; when only cycles are left, one destination is first copied to the scratch
 * register of its file and its readers read that instead. After a cycle is broken its moves
 * all become ready before anything can be stuck again, so one scratch register per file is
 * enough. */
static bool
emit_parallel(resolver_t *rs, pmove_t *mv, uint32_t n)
{
    const mfunc_t *m = rs->m;
    uint8_t small[32], *state; /* 0 pending, 1 pending from the scratch register, 2 done */
    if (n <= sizeof small)
        state = small;
    else if (!(state = arena_alloc_array(rs->st.arena, n, 1)))
        return ra_fail_alloc(&rs->st);
    memset(state, 0, n);
    for (uint32_t left = n; left;) {
        bool progress = false;
        for (uint32_t k = 0; k < n; k++) {
            if (state[k] == 2)
                continue;
            unsigned cls = m->vregs[mv[k].vreg - MREG_VIRTUAL].cls;
            bool is_blocked = false;
            for (uint32_t j = 0; j < n && !is_blocked; j++)
                is_blocked = j != k && state[j] == 0 &&
                             m->vregs[mv[j].vreg - MREG_VIRTUAL].cls == cls &&
                             loc_equal(mv[j].src, mv[k].dst);
            /* the scratch register is busy while a cycle's value waits in it */
            for (uint32_t j = 0; j < n && !is_blocked && needs_scratch(rs, &mv[k]); j++)
                is_blocked = state[j] == 1 && m->vregs[mv[j].vreg - MREG_VIRTUAL].cls == cls;
            if (is_blocked)
                continue;
            mreg_t scratch = cls == MC_GP ? X64_R11 : MREG_XMM(15);
            if (!emit_move(rs, &mv[k], state[k] == 1 ? scratch : MREG_NONE))
                return false;
            state[k] = 2;
            left--;
            progress = true;
        }
        if (progress)
            continue;
        uint32_t k = 0;
        while (state[k] == 2)
            k++;
        unsigned cls = m->vregs[mv[k].vreg - MREG_VIRTUAL].cls;
        for (uint32_t j = 0; j < n; j++)
            if (state[j] == 1 && m->vregs[mv[j].vreg - MREG_VIRTUAL].cls == cls)
                return ra_fail(&rs->st, SL_ELIMIT, "register allocation: two cycles at once");
        if (mv[k].dst.kind != LOC_REG)
            return ra_fail(&rs->st, SL_ELIMIT, "register allocation: a cycle through memory");
        if (!emit2(rs, MI_MOV, cls == MC_GP ? 8 : 16, mop_reg(cls == MC_GP ? X64_R11 : MREG_XMM(15)),
                   mop_reg(phys(cls, mv[k].dst.reg))))
            return false;
        for (uint32_t j = 0; j < n; j++)
            if (state[j] == 0 && m->vregs[mv[j].vreg - MREG_VIRTUAL].cls == cls &&
                loc_equal(mv[j].src, mv[k].dst))
                state[j] = 1;
    }
    return true;
}

static int
compare_moves(const void *a, const void *b)
{
    const pmove_t *x = a, *y = b;
    if (x->before != y->before)
        return x->before < y->before ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- rewriting ---- */

static bool
rewrite_insn(resolver_t *rs, minsn_t *i, uint32_t index, interval_t **cursor)
{
    mention_t ms[MAX_MENTIONS];
    unsigned n = insn_mentions(i, ms);
    for (unsigned k = 0; k < n; k++) {
        mreg_t r = *ms[k].reg;
        if (mreg_is_phys(r))
            continue;
        uint32_t v = r - MREG_VIRTUAL;
        uint32_t pos = ms[k].role == 'D' ? 2 * index + 1 : 2 * index;
        interval_t *c = cursor[v] && cursor[v]->start <= pos ? cursor[v] : &rs->lv->intervals[v];
        while (c && c->end <= pos)
            c = c->next;
        if (c && c->start > pos)
            c = NULL;
        cursor[v] = c ? c : cursor[v];
        if (c && c->reg >= 0) {
            *ms[k].reg = phys(c->cls, (unsigned)c->reg);
            continue;
        }
        loc_t l = loc_of(rs, c);
        if (ms[k].role == 'm' && l.kind == LOC_SLOT) {
            /* the operand itself becomes the slot */
            for (unsigned o = 0; o < i->n_opnds; o++)
                if (i->o[o].kind == MO_REG && &i->o[o].reg == ms[k].reg)
                    i->o[o] = mop_mem(X64_RBP, MREG_NONE, 1, l.slot);
            continue;
        }
        return ra_fail(&rs->st, SL_ELIMIT, "register allocation: an operand without a register");
    }
    return true;
}

/* Values in caller-saved registers across each poll: its slow path calls C and saves them. */
static bool
poll_masks(resolver_t *rs)
{
    mfunc_t *m = rs->m;
    uint32_t n_polls = 0;
    for (uint32_t i = 0; i < m->n_insns; i++)
        n_polls += m->insns[i].op == MI_POLL || m->insns[i].op == MI_STACK_CHECK;
    uint32_t *polls = arena_alloc_array(rs->st.arena, n_polls ? n_polls : 1, sizeof *polls);
    if (!polls)
        return ra_fail_alloc(&rs->st);
    n_polls = 0;
    for (uint32_t i = 0; i < m->n_insns; i++)
        if (m->insns[i].op == MI_POLL || m->insns[i].op == MI_STACK_CHECK)
            polls[n_polls++] = i;
    for (uint32_t v = 0; v < m->n_vregs; v++)
        for (interval_t *c = &rs->lv->intervals[v]; c; c = c->next) {
            if (c->reg < 0)
                continue;
            if (c->cls == MC_GP && ((RA_GP_CALLEE_SAVED >> c->reg) & 1))
                m->callee_saved |= (x64_regset_t)X64_REGSET(c->reg);
            if (c->cls == MC_GP && !((RA_GP_CALLER_SAVED >> c->reg) & 1))
                continue;
            uint32_t lo = 0, hi = n_polls;
            while (lo < hi) { /* the first poll at or after the child's start */
                uint32_t mid = lo + (hi - lo) / 2;
                if (2 * polls[mid] + 1 < c->start)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (uint32_t k = lo; k < n_polls && 2 * polls[k] + 1 < c->end; k++) {
                if (!ra_spend(&rs->st, 1))
                    return false;
                if (!interval_covers(c, 2 * polls[k] + 1))
                    continue;
                minsn_t *p = &m->insns[polls[k]];
                if (c->cls == MC_GP)
                    p->use_gp |= (x64_regset_t)X64_REGSET(c->reg);
                else
                    p->use_xmm |= (x64_regset_t)X64_REGSET(c->reg);
            }
        }
    return true;
}

/* Whether a 32-bit move clears an upper half that may be dirty (i32.wrap_i64, an import's
 * result), so that it stays even from a register to itself. */
static bool
is_zero_extension(const mfunc_t *m, const minsn_t *i)
{
    if (i->op != MI_MOV || i->size != 4 || i->o[1].kind != MO_REG)
        return false;
    mreg_t r = i->o[1].reg;
    if (mreg_is_phys(r))
        return r < 16 && (i->flags & MIF_FOREIGN);
    const mvreg_t *v = &m->vregs[r - MREG_VIRTUAL];
    return v->cls == MC_GP && v->type != IR_T_I32;
}

/* `mov d, s` then `add d, x` (an immediate or a register other than d), or `sub d, imm`, is
 * `lea d, [s + x]`: the copy of a two-address form the allocator could not coalesce costs
 * nothing then. Nothing reads the flags an add sets (isel compares explicitly). */
static void
fuse_into_lea(minsn_t *pair, uint32_t *n_out)
{
    minsn_t *mv = &pair[0], *op = &pair[1];
    if (mv->op != MI_MOV || mv->o[0].kind != MO_REG || mv->o[1].kind != MO_REG ||
        mv->o[0].reg >= 16 || mv->o[1].reg >= 16 || (mv->size != 4 && mv->size != 8) ||
        (op->op != MI_ADD && op->op != MI_SUB) || op->o[0].kind != MO_REG ||
        op->o[0].reg != mv->o[0].reg)
        return;
    mreg_t d = mv->o[0].reg, s = mv->o[1].reg;
    mopnd_t at;
    if (op->o[1].kind == MO_IMM && (op->op == MI_ADD || op->o[1].imm != INT32_MIN))
        at = mop_mem(s, MREG_NONE, 1, (int32_t)(op->op == MI_ADD ? op->o[1].imm : -op->o[1].imm));
    else if (op->op == MI_ADD && op->o[1].kind == MO_REG && op->o[1].reg != d &&
             op->o[1].reg != X64_RSP)
        at = mop_mem(s, op->o[1].reg, 1, 0);
    else
        return;
    unsigned size = op->size;
    memset(mv, 0, sizeof *mv);
    mv->op = MI_LEA;
    mv->size = (uint8_t)size;
    mach_set2(mv, mop_reg(d), at);
    --*n_out;
}

int
resolve_run(mfunc_t *m, liveness_t *lv, arena_t *arena, sl_error_t *err)
{
    resolver_t rs = {.m = m, .lv = lv, .st = {.arena = arena, .err = err}};
    rs.st.budget = (uint64_t)m->n_insns * RESOLVE_UNITS_PER_INSN + RESOLVE_UNITS_BASE;
    if (!split_moves(&rs) || !def_stores(&rs) || !edge_moves(&rs) || !poll_masks(&rs))
        return rs.st.rc;
    if (rs.n_moves)
        qsort(rs.moves, rs.n_moves, sizeof *rs.moves, compare_moves);
    interval_t **cursor = arena_alloc_array(arena, m->n_vregs ? m->n_vregs : 1, sizeof *cursor);
    if (!cursor)
        return ra_fail_alloc(&rs.st), rs.st.rc;
    uint32_t k = 0;
    for (uint32_t b = 0; b < m->n_blocks; b++) {
        mblock_t *mb = &m->blocks[b];
        uint32_t first = rs.n_out;
        for (uint32_t i = mb->first; i < mb->first + mb->n_insns; i++) {
            while (k < rs.n_moves && rs.moves[k].before == i) {
                uint32_t g = k;
                while (k < rs.n_moves && rs.moves[k].before == i &&
                       rs.moves[k].order == rs.moves[g].order)
                    k++;
                if (!emit_parallel(&rs, &rs.moves[g], k - g))
                    return rs.st.rc;
            }
            minsn_t *copy = out_insn(&rs, MI_LABEL, 0);
            if (!copy)
                return rs.st.rc;
            *copy = m->insns[i];
            bool is_zero_ext = is_zero_extension(m, copy);
            if (!rewrite_insn(&rs, copy, i, cursor))
                return rs.st.rc;
            /* a move that became a copy of a register onto itself */
            if (copy->op == MI_MOV && copy->o[1].kind == MO_REG && copy->o[0].kind == MO_REG &&
                copy->o[0].reg == copy->o[1].reg && !is_zero_ext)
                rs.n_out--;
            else if (rs.n_out - first >= 2)
                fuse_into_lea(&rs.out[rs.n_out - 2], &rs.n_out);
        }
        mb->first = first;
        mb->n_insns = rs.n_out - first;
    }
    m->insns = rs.out;
    m->n_insns = rs.n_out;
    m->cap_insns = rs.cap_out;
    m->is_allocated = true;
    return 0;
}
