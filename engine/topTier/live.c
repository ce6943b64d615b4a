/* Liveness and live intervals of the machine IR (regalloc_impl.h).
 *
 * Liveness walks from each value's uses back to its definition (SSA "path exploration"): a
 * value is live into every block on a path from a use up to its defining block. That costs the
 * size of the answer, not blocks times values as bit-vector dataflow would, and it needs no
 * particular block order: loops need no special case, and irreducible ones are handled the same.
 * The intervals are then built block by block from the last (Wimmer and Franz): live-out values
 * get the whole block, definitions shorten their range to start there, uses extend it back to
 * the block's start. Ranges and uses come out in descending order and are reversed at the end.
 *
 * Bounds: the live-in pairs, ranges and uses together may not pass a budget proportional to
 * the code (SL_ELIMIT: the function stays on the baseline). */
#include "regalloc_impl.h"

#include <string.h>

#include "error.h"

/* Work allowed per machine instruction, and a floor for small functions. */
enum { LIVE_UNITS_PER_INSN = 256, LIVE_UNITS_BASE = 1 << 20 };

typedef struct rbuild {
    lrange_t *r;
    uint32_t n, cap;
    luse_t *u;
    uint32_t n_u, cap_u;
} rbuild_t;

typedef struct live {
    const mfunc_t *m;
    ra_status_t st;
    liveness_t *lv;
    rbuild_t *vb;      /* per virtual register */
    rbuild_t fb[32];   /* per physical register */
    uint32_t *def_block, *n_defs, *last_def;
    bool *is_param;
} live_t;

/* Adds [from, to) below (or over) the lowest range so far: ranges arrive in descending order. */
static bool
add_range(live_t *l, rbuild_t *b, uint32_t from, uint32_t to)
{
    if (b->n && b->r[b->n - 1].from <= to) {
        lrange_t *low = &b->r[b->n - 1];
        if (from < low->from)
            low->from = from;
        if (to > low->to)
            low->to = to;
        return true;
    }
    if (!ra_spend(&l->st, 1) || !ra_grow(&l->st, (void **)&b->r, &b->cap, b->n + 1, sizeof *b->r))
        return false;
    b->r[b->n++] = (lrange_t){from, to};
    return true;
}

/* A definition at pos: the range live below it starts here, or the value is dead after it. */
static bool
add_def(live_t *l, rbuild_t *b, uint32_t pos)
{
    if (b->n && b->r[b->n - 1].from <= pos && b->r[b->n - 1].to > pos) {
        b->r[b->n - 1].from = pos;
        return true;
    }
    return add_range(l, b, pos, pos + 1);
}

static bool
add_use(live_t *l, rbuild_t *b, uint32_t pos, uint8_t kind)
{
    if (!ra_spend(&l->st, 1) || !ra_grow(&l->st, (void **)&b->u, &b->cap_u, b->n_u + 1, sizeof *b->u))
        return false;
    b->u[b->n_u++] = (luse_t){pos, kind};
    return true;
}

static rbuild_t *
fixed_builder(live_t *l, mreg_t r)
{
    bool is_allocatable = r < 16 ? (RA_GP_REGS >> r) & 1 : (RA_XMM_REGS >> (r - 16)) & 1;
    return is_allocatable ? &l->fb[r] : NULL;
}

/* ---- pass 1: definitions, uses per value, predecessors ---- */

static bool
scan_defs(live_t *l, uint32_t **use_start, uint32_t **use_blocks)
{
    const mfunc_t *m = l->m;
    liveness_t *lv = l->lv;
    uint32_t nv = m->n_vregs;
    uint32_t *count = arena_alloc_array(l->st.arena, (size_t)nv + 1, sizeof *count);
    if (!count)
        return ra_fail_alloc(&l->st);
    for (uint32_t b = 0; b < m->n_blocks; b++) {
        const mblock_t *mb = &m->blocks[b];
        for (uint32_t k = 0; k < mb->n_params; k++) {
            uint32_t v = mb->params[k] - MREG_VIRTUAL;
            l->def_block[v] = b;
            l->n_defs[v]++;
            l->last_def[v] = 2 * mb->first + 1;
            l->is_param[v] = true;
        }
        for (uint32_t i = mb->first; i < mb->first + mb->n_insns; i++) {
            lv->block_of[i] = b;
            mention_t ms[MAX_MENTIONS];
            unsigned n = insn_mentions(&m->insns[i], ms);
            for (unsigned k = 0; k < n; k++) {
                mreg_t r = *ms[k].reg;
                if (mreg_is_phys(r))
                    continue;
                uint32_t v = r - MREG_VIRTUAL;
                if (role_reads(ms[k].role))
                    count[v]++;
                if (role_writes(ms[k].role) || ms[k].role == 'T') {
                    if (!l->n_defs[v]++)
                        l->def_block[v] = b;
                    else if (l->def_block[v] != b)
                        return ra_fail(&l->st, SL_ENOTSUP, "internal error: a register written in two blocks");
                    l->last_def[v] = 2 * i + 1;
                }
            }
        }
        for (uint32_t e = 0; e < mb->n_succs; e++)
            for (uint32_t a = 0; a < mb->succs[e].n_args; a++)
                count[mb->succs[e].args[a] - MREG_VIRTUAL]++;
    }
    /* the uses' blocks, by value */
    uint32_t total = 0;
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t c = count[v];
        if (c && !l->n_defs[v])
            return ra_fail(&l->st, SL_ENOTSUP, "internal error: a register read but never written");
        count[v] = total;
        total += c;
    }
    count[nv] = total;
    uint32_t *blocks = arena_alloc_array(l->st.arena, total ? total : 1, sizeof *blocks);
    uint32_t *fill = arena_alloc_array(l->st.arena, nv ? nv : 1, sizeof *fill);
    if (!blocks || !fill || !ra_spend(&l->st, total))
        return blocks && fill ? false : ra_fail_alloc(&l->st);
    memcpy(fill, count, nv * sizeof *fill);
    for (uint32_t b = 0; b < m->n_blocks; b++) {
        const mblock_t *mb = &m->blocks[b];
        for (uint32_t i = mb->first; i < mb->first + mb->n_insns; i++) {
            mention_t ms[MAX_MENTIONS];
            unsigned n = insn_mentions(&m->insns[i], ms);
            for (unsigned k = 0; k < n; k++)
                if (!mreg_is_phys(*ms[k].reg) && role_reads(ms[k].role))
                    blocks[fill[*ms[k].reg - MREG_VIRTUAL]++] = b;
        }
        for (uint32_t e = 0; e < mb->n_succs; e++)
            for (uint32_t a = 0; a < mb->succs[e].n_args; a++)
                blocks[fill[mb->succs[e].args[a] - MREG_VIRTUAL]++] = b;
    }
    *use_start = count;
    *use_blocks = blocks;
    return true;
}

static bool
build_preds(live_t *l)
{
    const mfunc_t *m = l->m;
    liveness_t *lv = l->lv;
    uint32_t n = m->n_blocks;
    lv->pred_start = arena_alloc_array(l->st.arena, (size_t)n + 1, sizeof *lv->pred_start);
    uint32_t *seen = arena_alloc_array(l->st.arena, n ? n : 1, sizeof *seen);
    uint32_t *fill = arena_alloc_array(l->st.arena, n ? n : 1, sizeof *fill);
    if (!lv->pred_start || !seen || !fill)
        return ra_fail_alloc(&l->st);
    /* counted first, then filled; `seen` (stamped with the source) drops repeated edges */
    for (int pass = 0; pass < 2; pass++) {
        memset(seen, 0xff, n * sizeof *seen);
        for (uint32_t b = 0; b < n; b++)
            for (uint32_t e = 0; e < m->blocks[b].n_succs; e++) {
                uint32_t to = m->blocks[b].succs[e].block;
                if (seen[to] == b)
                    continue;
                seen[to] = b;
                if (pass)
                    lv->preds[fill[to]++] = b;
                else
                    lv->pred_start[to + 1]++;
            }
        if (pass)
            break;
        for (uint32_t b = 0; b < n; b++)
            lv->pred_start[b + 1] += lv->pred_start[b];
        lv->preds = arena_alloc_array(l->st.arena, lv->pred_start[n] ? lv->pred_start[n] : 1,
                                      sizeof *lv->preds);
        if (!lv->preds)
            return ra_fail_alloc(&l->st);
        memcpy(fill, lv->pred_start, n * sizeof *fill);
    }
    return true;
}

/* ---- pass 2: live-in sets by path exploration ---- */

typedef struct pair {
    uint32_t block;
    mreg_t vreg;
} pair_t;

static bool
explore(live_t *l, const uint32_t *use_start, const uint32_t *use_blocks)
{
    const mfunc_t *m = l->m;
    liveness_t *lv = l->lv;
    uint32_t n = m->n_blocks;
    uint32_t *mark = arena_alloc_array(l->st.arena, n ? n : 1, sizeof *mark);
    uint32_t *stack = arena_alloc_array(l->st.arena, n ? n : 1, sizeof *stack);
    if (!mark || !stack)
        return ra_fail_alloc(&l->st);
    memset(mark, 0xff, n * sizeof *mark);
    pair_t *pairs = NULL;
    uint32_t n_pairs = 0, cap_pairs = 0;
    for (uint32_t v = 0; v < m->n_vregs; v++) {
        uint32_t def = l->def_block[v], sp = 0;
        for (uint32_t k = use_start[v]; k < use_start[v + 1]; k++) {
            uint32_t b = use_blocks[k];
            if (b == def || mark[b] == v)
                continue;
            mark[b] = v;
            stack[sp++] = b;
        }
        while (sp) {
            uint32_t b = stack[--sp];
            if (!ra_spend(&l->st, 1) || !ra_grow(&l->st, (void **)&pairs, &cap_pairs, n_pairs + 1, sizeof *pairs))
                return false;
            pairs[n_pairs++] = (pair_t){b, MREG_VIRTUAL + v};
            if (lv->pred_start[b] == lv->pred_start[b + 1])
                return ra_fail(&l->st, SL_ENOTSUP,
                           "internal error: a register read where it may not be written");
            for (uint32_t p = lv->pred_start[b]; p < lv->pred_start[b + 1]; p++) {
                uint32_t pb = lv->preds[p];
                if (pb == def || mark[pb] == v)
                    continue;
                mark[pb] = v;
                stack[sp++] = pb;
            }
        }
    }
    lv->livein_start = arena_alloc_array(l->st.arena, (size_t)n + 1, sizeof *lv->livein_start);
    lv->livein = arena_alloc_array(l->st.arena, n_pairs ? n_pairs : 1, sizeof *lv->livein);
    uint32_t *fill = arena_alloc_array(l->st.arena, n ? n : 1, sizeof *fill);
    if (!lv->livein_start || !lv->livein || !fill)
        return ra_fail_alloc(&l->st);
    for (uint32_t k = 0; k < n_pairs; k++)
        lv->livein_start[pairs[k].block + 1]++;
    for (uint32_t b = 0; b < n; b++)
        lv->livein_start[b + 1] += lv->livein_start[b];
    memcpy(fill, lv->livein_start, n * sizeof *fill);
    for (uint32_t k = 0; k < n_pairs; k++)
        lv->livein[fill[pairs[k].block]++] = pairs[k].vreg;
    return true;
}

/* ---- pass 3: intervals, blocks from the last ---- */

static bool
block_intervals(live_t *l, uint32_t b, uint32_t *stamp)
{
    const mfunc_t *m = l->m;
    const liveness_t *lv = l->lv;
    const mblock_t *mb = &m->blocks[b];
    uint32_t from = block_from(m, b), to = block_to(m, b);
    /* live out, once each (stamped with the block): what each successor needs at its start,
     * and the edges' arguments */
    for (uint32_t e = 0; e < mb->n_succs; e++) {
        const medge_t *edge = &mb->succs[e];
        uint32_t s = edge->block, n_in = lv->livein_start[s + 1] - lv->livein_start[s];
        for (uint32_t k = 0; k < n_in + edge->n_args; k++) {
            mreg_t r = k < n_in ? lv->livein[lv->livein_start[s] + k] : edge->args[k - n_in];
            uint32_t v = r - MREG_VIRTUAL;
            if (stamp[v] == b)
                continue;
            stamp[v] = b;
            if (!add_range(l, &l->vb[v], from, to))
                return false;
        }
    }
    uint32_t phys_end[32] = {0}; /* a physical register read later in the block: until there */
    for (uint32_t i = mb->first + mb->n_insns; i-- > mb->first;) {
        minsn_t *insn = &((mfunc_t *)m)->insns[i];
        uint32_t use = 2 * i, def = 2 * i + 1;
        mention_t ms[MAX_MENTIONS];
        unsigned n = insn_mentions(insn, ms);
        x64_regset_t def_gp = insn->def_gp, def_x = insn->def_xmm;
        x64_regset_t use_gp = insn->use_gp, use_x = insn->use_xmm;
        if (mach_op_flags(insn->op) & MF_CALL) {
            def_gp |= RA_GP_CALLER_SAVED;
            def_x |= RA_XMM_REGS;
        }
        /* results */
        for (unsigned k = 0; k < n; k++) {
            mreg_t r = *ms[k].reg;
            char role = ms[k].role;
            if (mreg_is_phys(r)) {
                x64_regset_t bit = (x64_regset_t)X64_REGSET(r & 15);
                if (role_writes(role))
                    *(r < 16 ? &def_gp : &def_x) |= bit;
                if (role_reads(role))
                    *(r < 16 ? &use_gp : &use_x) |= bit;
                continue;
            }
            rbuild_t *vb = &l->vb[r - MREG_VIRTUAL];
            if (role_writes(role)) {
                if (!add_def(l, vb, def) || !add_use(l, vb, def, USE_MUST))
                    return false;
            } else if (role == 'T') {
                if (!add_range(l, vb, use, def + 1) || !add_use(l, vb, use, USE_MUST))
                    return false;
            }
        }
        if (insn->op == MI_LABEL)
            for (uint32_t p = 0; p < mb->n_params; p++) {
                rbuild_t *vb = &l->vb[mb->params[p] - MREG_VIRTUAL];
                if (!add_def(l, vb, def))
                    return false;
            }
        for (mreg_t r = 0; r < 32; r++) {
            bool is_def = r < 16 ? (def_gp >> r) & 1 : (def_x >> (r - 16)) & 1;
            bool is_tmp = r < 16 ? (insn->tmp_gp >> r) & 1 : (insn->tmp_xmm >> (r - 16)) & 1;
            rbuild_t *fb = (is_def || is_tmp) ? fixed_builder(l, r) : NULL;
            if (!fb)
                continue;
            if (is_def) {
                if (!add_range(l, fb, def, phys_end[r] ? phys_end[r] : def + 1))
                    return false;
                phys_end[r] = 0;
            }
            if (is_tmp && !add_range(l, fb, use, def + 1))
                return false;
        }
        /* operands */
        for (unsigned k = 0; k < n; k++) {
            mreg_t r = *ms[k].reg;
            if (mreg_is_phys(r) || !role_reads(ms[k].role))
                continue;
            uint32_t v = r - MREG_VIRTUAL;
            uint8_t kind = ms[k].role == 'm' && m->vregs[v].remat == REMAT_NONE ? USE_MAY
                                                                                : USE_MUST;
            if (!add_range(l, &l->vb[v], from, use + 1) || !add_use(l, &l->vb[v], use, kind))
                return false;
        }
        for (mreg_t r = 0; r < 32; r++) {
            bool is_use = r < 16 ? (use_gp >> r) & 1 : (use_x >> (r - 16)) & 1;
            if (is_use && fixed_builder(l, r) && !phys_end[r])
                phys_end[r] = use + 1;
        }
    }
    for (mreg_t r = 0; r < 32; r++) /* read at the block's start: never by construction */
        if (phys_end[r] && !add_range(l, &l->fb[r], from, phys_end[r]))
            return false;
    return true;
}

static void
reverse_build(rbuild_t *b)
{
    for (uint32_t i = 0, j = b->n; i + 1 < j; i++, j--) {
        lrange_t t = b->r[i];
        b->r[i] = b->r[j - 1];
        b->r[j - 1] = t;
    }
    for (uint32_t i = 0, j = b->n_u; i + 1 < j; i++, j--) {
        luse_t t = b->u[i];
        b->u[i] = b->u[j - 1];
        b->u[j - 1] = t;
    }
}

static void
finish_interval(interval_t *it, rbuild_t *b, mreg_t vreg, uint8_t cls)
{
    reverse_build(b);
    *it = (interval_t){
        .vreg = vreg,
        .cls = cls,
        .reg = -1,
        .ranges = b->r,
        .n_ranges = b->n,
        .uses = b->u,
        .n_uses = b->n_u,
        .start = b->n ? b->r[0].from : 0,
        .end = b->n ? b->r[b->n - 1].to : 0,
        .hint = MREG_NONE,
    };
    it->parent = it;
}

int
live_build(const mfunc_t *m, arena_t *arena, liveness_t *out, sl_error_t *err)
{
    memset(out, 0, sizeof *out);
    live_t l = {.m = m, .lv = out, .st = {.arena = arena, .err = err}};
    l.st.budget = (uint64_t)m->n_insns * LIVE_UNITS_PER_INSN + LIVE_UNITS_BASE;
    uint32_t nv = m->n_vregs ? m->n_vregs : 1;
    out->n_insns = m->n_insns;
    out->n_blocks = m->n_blocks;
    out->block_of = arena_alloc_array(arena, m->n_insns ? m->n_insns : 1, sizeof *out->block_of);
    out->intervals = arena_alloc_array(arena, nv, sizeof *out->intervals);
    l.vb = arena_alloc_array(arena, nv, sizeof *l.vb);
    l.def_block = arena_alloc_array(arena, nv, sizeof *l.def_block);
    l.n_defs = arena_alloc_array(arena, nv, sizeof *l.n_defs);
    l.last_def = arena_alloc_array(arena, nv, sizeof *l.last_def);
    l.is_param = arena_alloc_array(arena, nv, sizeof *l.is_param);
    uint32_t *stamp = arena_alloc_array(arena, nv, sizeof *stamp);
    if (!out->block_of || !out->intervals || !l.vb || !l.def_block || !l.n_defs || !l.last_def ||
        !l.is_param || !stamp)
        return ra_fail_alloc(&l.st), l.st.rc;
    uint32_t *use_start = NULL, *use_blocks = NULL;
    if (!scan_defs(&l, &use_start, &use_blocks) || !build_preds(&l) ||
        !explore(&l, use_start, use_blocks))
        return l.st.rc;
    memset(stamp, 0xff, nv * sizeof *stamp);
    for (uint32_t b = m->n_blocks; b-- > 0;)
        if (!block_intervals(&l, b, stamp))
            return l.st.rc;
    for (uint32_t v = 0; v < m->n_vregs; v++) {
        interval_t *it = &out->intervals[v];
        finish_interval(it, &l.vb[v], MREG_VIRTUAL + v, m->vregs[v].cls);
        it->def_block = l.def_block[v];
        it->last_def = l.last_def[v];
        it->is_param = l.is_param[v];
        it->is_read = use_start[v + 1] > use_start[v];
    }
    for (mreg_t r = 0; r < 32; r++) {
        finish_interval(&out->fixed[r], &l.fb[r], r, r < 16 ? MC_GP : MC_XMM);
        out->fixed[r].is_fixed = true;
        out->fixed[r].reg = (int8_t)(r & 15);
    }
    /* hints: the two sides of a register-to-register move */
    for (uint32_t i = 0; i < m->n_insns; i++) {
        const minsn_t *insn = &m->insns[i];
        if (insn->op != MI_MOV || insn->o[1].kind != MO_REG)
            continue;
        mreg_t d = insn->o[0].reg, s = insn->o[1].reg;
        if (!mreg_is_phys(d) && out->intervals[d - MREG_VIRTUAL].hint == MREG_NONE)
            out->intervals[d - MREG_VIRTUAL].hint = s;
        if (!mreg_is_phys(s) && out->intervals[s - MREG_VIRTUAL].hint == MREG_NONE)
            out->intervals[s - MREG_VIRTUAL].hint = d;
    }
    return 0;
}

uint32_t
interval_range_after(const interval_t *it, uint32_t pos)
{
    uint32_t lo = 0, hi = it->n_ranges;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (range_to(it, mid) <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool
interval_covers(const interval_t *it, uint32_t pos)
{
    if (pos < it->start || pos >= it->end)
        return false;
    uint32_t k = interval_range_after(it, pos);
    return k < it->n_ranges && range_from(it, k) <= pos;
}
