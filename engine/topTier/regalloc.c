/* The linear scan (regalloc.h): intervals in order of their start, each given a register free
 * for all of it, or for a prefix (the rest is split off and queued), or one taken from the
 * intervals whose next use is farthest (they are split and spilled until that use). Fixed
 * intervals of physical registers take part as intervals that can never move.
 *
 * Spill costs follow the loops: a split or spill position may move back, between the last use
 * before it and the position itself, to the start of the block of lowest loop depth there, so
 * reloads and stores leave loops when they can. */
#include "regalloc_impl.h"

#include <string.h>

#include "error.h"
#include "invariants.h"

/* Scan work allowed per instruction: intersections and splits. */
enum { SCAN_UNITS_PER_INSN = 512, SCAN_UNITS_BASE = 1 << 20 };
/* Blocks an optimal split position looks back over. */
enum { SPLIT_SEARCH_BLOCKS = 64 };

#define POS_MAX UINT32_MAX

typedef struct ra {
    mfunc_t *m;
    ra_status_t st;
    liveness_t *lv;
    interval_t **heap; /* unhandled, a min-heap by start */
    uint32_t n_heap, cap_heap;
    interval_t **active, **inactive;
    uint32_t n_active, n_inactive, cap_lists;
} ra_t;

bool
ra_fail(ra_status_t *st, int code, const char *what)
{
    if (!st->rc) {
        st->rc = code;
        if (st->err && !st->err->code)
            error_set(st->err, code, SL_NO_SECTION, 0, "top tier: %s", what);
    }
    return false;
}

bool
ra_fail_alloc(ra_status_t *st)
{
    int code = st->arena->last_error ? st->arena->last_error : SL_ENOMEM;
    return ra_fail(st, code, code == SL_ELIMIT ? "function too large for the register allocator"
                                               : "out of memory in the register allocator");
}

bool
ra_spend(ra_status_t *st, uint64_t units)
{
    st->work += units;
    return st->work <= st->budget ||
           ra_fail(st, SL_ELIMIT, "function too large for the register allocator");
}

bool
ra_grow(ra_status_t *st, void **array, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return true;
    if (need > IR_MAX_INDEX)
        return ra_fail(st, SL_ELIMIT, "function too large for the register allocator");
    uint32_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *p = arena_alloc_array(st->arena, n, size);
    if (!p)
        return ra_fail_alloc(st);
    if (*cap)
        memcpy(p, *array, (size_t)*cap * size);
    *array = p;
    *cap = n;
    return true;
}

/* ---- the unhandled queue ---- */

static bool
heap_less(const interval_t *a, const interval_t *b)
{
    return a->start < b->start || (a->start == b->start && a->vreg < b->vreg);
}

static bool
heap_push(ra_t *ra, interval_t *it)
{
    if (ra->n_heap == ra->cap_heap) {
        uint32_t cap = ra->cap_heap ? 2 * ra->cap_heap : 256;
        interval_t **h = arena_alloc_array(ra->st.arena, cap, sizeof *h);
        if (!h)
            return ra_fail_alloc(&ra->st);
        if (ra->n_heap)
            memcpy(h, ra->heap, ra->n_heap * sizeof *h);
        ra->heap = h;
        ra->cap_heap = cap;
    }
    uint32_t i = ra->n_heap++;
    while (i && heap_less(it, ra->heap[(i - 1) / 2])) {
        ra->heap[i] = ra->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    ra->heap[i] = it;
    return true;
}

static interval_t *
heap_pop(ra_t *ra)
{
    interval_t *top = ra->heap[0], *last = ra->heap[--ra->n_heap];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= ra->n_heap)
            break;
        if (c + 1 < ra->n_heap && heap_less(ra->heap[c + 1], ra->heap[c]))
            c++;
        if (!heap_less(ra->heap[c], last))
            break;
        ra->heap[i] = ra->heap[c];
        i = c;
    }
    if (ra->n_heap)
        ra->heap[i] = last;
    return top;
}

/* ---- interval queries ---- */

/* The first position >= from covered by both a and b, or POS_MAX. */
static uint32_t
next_intersection(ra_t *ra, const interval_t *a, const interval_t *b, uint32_t from)
{
    uint32_t i = interval_range_after(a, from), j = interval_range_after(b, from);
    while (i < a->n_ranges && j < b->n_ranges) {
        ra_spend(&ra->st, 1);
        uint32_t lo = range_from(a, i) > range_from(b, j) ? range_from(a, i) : range_from(b, j);
        if (lo < from)
            lo = from;
        uint32_t hi = range_to(a, i) < range_to(b, j) ? range_to(a, i) : range_to(b, j);
        if (lo < hi)
            return lo;
        if (range_to(a, i) < range_to(b, j))
            i++;
        else
            j++;
    }
    return POS_MAX;
}

/* The index of the first use of `it` at or after pos (n_uses if none). */
static uint32_t
use_index(const interval_t *it, uint32_t pos)
{
    uint32_t lo = 0, hi = it->n_uses;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (it->uses[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first use of `it` at or after pos (of kind USE_MUST when must), or POS_MAX. */
static uint32_t
next_use(const interval_t *it, uint32_t pos, bool must)
{
    for (uint32_t k = use_index(it, pos); k < it->n_uses; k++)
        if (!must || it->uses[k].kind == USE_MUST)
            return it->uses[k].pos;
    return POS_MAX;
}

/* The last use of `it` before pos, or its start. */
static uint32_t
prev_use(const interval_t *it, uint32_t pos)
{
    uint32_t k = use_index(it, pos);
    return k ? it->uses[k - 1].pos : it->start;
}

/* ---- splitting ---- */

static uint32_t
block_at(const ra_t *ra, uint32_t pos)
{
    uint32_t i = pos / 2;
    return ra->lv->block_of[i < ra->lv->n_insns ? i : ra->lv->n_insns - 1];
}

/* An even position in (min, max] to split at: max itself within one block, else the start of
 * the block of lowest loop depth in between (the latest of those), so that the moves leave
 * loops. UINT32_MAX when there is none. */
static uint32_t
split_position(const ra_t *ra, uint32_t min, uint32_t max)
{
    max &= ~1u;
    if (max <= min)
        return POS_MAX;
    uint32_t bmin = block_at(ra, min), bmax = block_at(ra, max);
    if (bmin == bmax)
        return max;
    uint32_t best = max, depth = ra->m->blocks[bmax].loop_depth;
    for (uint32_t b = bmax, k = 0; b > bmin && k < SPLIT_SEARCH_BLOCKS; b--, k++) {
        uint32_t d = ra->m->blocks[b].loop_depth;
        if (d < depth) {
            depth = d;
            best = block_from(ra->m, b);
        }
    }
    return best;
}

/* Splits `it` at even position pos (start < pos < end): it keeps [start, pos), the new child
 * (returned) gets the rest. NULL after a failure. */
static interval_t *
split(ra_t *ra, interval_t *it, uint32_t pos)
{
    SL_ASSERT(pos > it->start && pos < it->end && !(pos & 1));
    if (!ra_spend(&ra->st, 4))
        return NULL;
    interval_t *c = arena_alloc(ra->st.arena, sizeof *c);
    if (!c)
        return ra_fail_alloc(&ra->st), NULL;
    *c = *it;
    c->reg = -1;
    c->is_spilled = false;
    /* ranges: it keeps those starting before pos, c those ending after it */
    uint32_t keep = 0;
    while (keep < it->n_ranges && range_from(it, keep) < pos)
        keep++;
    uint32_t first = interval_range_after(it, pos);
    c->ranges = it->ranges + first;
    c->n_ranges = it->n_ranges - first;
    it->n_ranges = keep;
    uint32_t u = use_index(it, pos);
    c->uses = it->uses + u;
    c->n_uses = it->n_uses - u;
    it->n_uses = u;
    c->start = pos;
    it->end = pos;
    if (c->n_ranges && range_from(c, 0) > c->start)
        c->start = range_from(c, 0); /* pos was in a lifetime hole */
    if (it->n_ranges && range_to(it, it->n_ranges - 1) < it->end)
        it->end = range_to(it, it->n_ranges - 1);
    c->next = it->next;
    it->next = c;
    return c;
}

static int32_t
spill_slot(ra_t *ra, interval_t *it)
{
    interval_t *p = it->parent;
    if (!p->slot) {
        unsigned size = ra->m->vregs[p->vreg - MREG_VIRTUAL].type == IR_T_V128 ? 16 : 8;
        ra->m->frame_size += size;
        p->slot = -(int32_t)(RA_FRAME_FIXED + ra->m->frame_size);
    }
    return p->slot;
}

/* `it` has no register from its start up to its next use that needs one; the part from that
 * use on (or from a better position before it) is queued again. */
static bool
spill_until_use(ra_t *ra, interval_t *it)
{
    uint32_t use = next_use(it, it->start, true);
    if (use != POS_MAX && use <= it->start) /* needs a register at once: queue it */
        return heap_push(ra, it);
    it->is_spilled = true;
    it->reg = -1;
    if (ra->m->vregs[it->vreg - MREG_VIRTUAL].remat == REMAT_NONE)
        spill_slot(ra, it);
    if (use == POS_MAX)
        return true;
    uint32_t at = split_position(ra, it->start, use);
    if (at == POS_MAX || at >= it->end)
        at = use & ~1u;
    if (at <= it->start)
        return ra_fail(&ra->st, SL_ELIMIT, "register allocation: no split position");
    interval_t *rest = split(ra, it, at);
    return rest && heap_push(ra, rest);
}

/* ---- the two allocation steps ---- */

static x64_regset_t
class_regs(unsigned cls)
{
    return cls == MC_GP ? RA_GP_REGS : RA_XMM_REGS;
}

/* The order registers are tried in: caller-saved first, so callee-saved ones (which cost a save
 * in the prologue) go to intervals that live across calls. */
static const uint8_t gp_order[] = {X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI, X64_R8,
                                   X64_R9,  X64_R10, X64_RBX, X64_R12, X64_R13};

static unsigned
reg_order(unsigned cls, const uint8_t **order)
{
    static const uint8_t xmm_order[15] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    *order = cls == MC_GP ? gp_order : xmm_order;
    return cls == MC_GP ? sizeof gp_order : sizeof xmm_order;
}

/* The register a move connects `it` to, if that value has one around its start. */
static int
hint_reg(ra_t *ra, const interval_t *it)
{
    mreg_t h = it->parent->hint;
    if (h == MREG_NONE)
        return -1;
    if (mreg_is_phys(h))
        return (h < 16) == (it->cls == MC_GP) ? (int)(h & 15) : -1;
    interval_t *hp = &ra->lv->intervals[h - MREG_VIRTUAL];
    for (interval_t *c = hp; c; c = c->next)
        if (c->reg >= 0 && (c->end == it->start || c->start == it->end ||
                            (c->start <= it->start && c->end > it->start)))
            return c->reg;
    return -1;
}

static bool
try_free_reg(ra_t *ra, interval_t *cur)
{
    uint32_t free_until[16];
    for (unsigned r = 0; r < 16; r++)
        free_until[r] = (class_regs(cur->cls) >> r) & 1 ? POS_MAX : 0;
    for (uint32_t k = 0; k < ra->n_active; k++)
        if (ra->active[k]->cls == cur->cls)
            free_until[ra->active[k]->reg] = 0;
    for (uint32_t k = 0; k < ra->n_inactive; k++) {
        interval_t *it = ra->inactive[k];
        if (it->cls != cur->cls || free_until[it->reg] == 0)
            continue;
        uint32_t p = next_intersection(ra, it, cur, cur->start);
        if (p < free_until[it->reg])
            free_until[it->reg] = p;
    }
    const uint8_t *order;
    unsigned n = reg_order(cur->cls, &order);
    int reg = -1, hint = hint_reg(ra, cur);
    if (hint >= 0 && free_until[hint] >= cur->end)
        reg = hint;
    for (unsigned k = 0; reg < 0 && k < n; k++)
        if (free_until[order[k]] >= cur->end)
            reg = order[k];
    if (reg >= 0) {
        cur->reg = (int8_t)reg;
        return true;
    }
    /* none is free for all of it: the one free longest, for a prefix */
    for (unsigned k = 0; k < n; k++)
        if (reg < 0 || free_until[order[k]] > free_until[reg])
            reg = order[k];
    uint32_t until = free_until[reg];
    if (until <= cur->start + 1)
        return false;
    uint32_t at = split_position(ra, prev_use(cur, until), until);
    if (at == POS_MAX || at <= cur->start)
        at = split_position(ra, cur->start, until);
    if (at == POS_MAX || at <= cur->start)
        return false;
    interval_t *rest = split(ra, cur, at);
    if (!rest)
        return false;
    cur->reg = (int8_t)reg;
    return heap_push(ra, rest);
}

/* Moves the part of `it` from pos on out of its register: spilled until its next use that
 * needs one, queued from there. */
static bool
split_and_spill(ra_t *ra, interval_t *it, uint32_t pos)
{
    if (pos <= it->start) { /* the whole interval: it has not begun to use its register */
        it->reg = -1;
        return spill_until_use(ra, it);
    }
    if (pos >= it->end)
        return true;
    interval_t *rest = split(ra, it, pos);
    return rest && spill_until_use(ra, rest);
}

static bool
remove_from(interval_t **list, uint32_t *n, const interval_t *it)
{
    for (uint32_t k = 0; k < *n; k++)
        if (list[k] == it) {
            list[k] = list[--*n];
            return true;
        }
    return false;
}

static bool
alloc_blocked_reg(ra_t *ra, interval_t *cur)
{
    uint32_t use_pos[16], block_pos[16];
    uint32_t at = cur->start & ~1u;
    for (unsigned r = 0; r < 16; r++)
        use_pos[r] = block_pos[r] = (class_regs(cur->cls) >> r) & 1 ? POS_MAX : 0;
    for (uint32_t k = 0; k < ra->n_active; k++) {
        interval_t *it = ra->active[k];
        if (it->cls != cur->cls)
            continue;
        if (it->is_fixed) {
            use_pos[it->reg] = block_pos[it->reg] = 0;
        } else {
            uint32_t u = next_use(it, at, false);
            if (u < use_pos[it->reg])
                use_pos[it->reg] = u;
        }
    }
    for (uint32_t k = 0; k < ra->n_inactive; k++) {
        interval_t *it = ra->inactive[k];
        if (it->cls != cur->cls)
            continue;
        uint32_t p = next_intersection(ra, it, cur, cur->start);
        if (p == POS_MAX)
            continue;
        if (it->is_fixed) {
            if (p < block_pos[it->reg])
                block_pos[it->reg] = p;
            if (p < use_pos[it->reg])
                use_pos[it->reg] = p;
        } else {
            uint32_t u = next_use(it, at, false);
            if (u < use_pos[it->reg])
                use_pos[it->reg] = u;
        }
    }
    const uint8_t *order;
    unsigned n = reg_order(cur->cls, &order);
    int reg = -1;
    for (unsigned k = 0; k < n; k++)
        if (reg < 0 || use_pos[order[k]] > use_pos[reg])
            reg = order[k];
    /* a use that could read memory still counts: the value is wanted there (Wimmer's "should
     * have a register"), and spilling it for a value used later costs a load per such use */
    uint32_t first_use = next_use(cur, cur->start, false);
    if (use_pos[reg] < first_use) {
        /* every register is needed before this interval wants one: spill it up to the use
         * that needs a register */
        uint32_t must = next_use(cur, cur->start, true);
        if (must <= cur->start + 1 && must != POS_MAX)
            return ra_fail(&ra->st, SL_ELIMIT, "register allocation: no register for an operand");
        return spill_until_use(ra, cur);
    }
    if (block_pos[reg] <= cur->start)
        return ra_fail(&ra->st, SL_ELIMIT, "register allocation: no register for an operand");
    cur->reg = (int8_t)reg;
    if (block_pos[reg] < cur->end) {
        uint32_t s = split_position(ra, prev_use(cur, block_pos[reg]), block_pos[reg]);
        if (s == POS_MAX || s <= cur->start)
            s = split_position(ra, cur->start, block_pos[reg]);
        if (s == POS_MAX)
            return ra_fail(&ra->st, SL_ELIMIT, "register allocation: no split position");
        interval_t *rest = split(ra, cur, s);
        if (!rest || !heap_push(ra, rest))
            return false;
    }
    /* whatever else holds reg where cur needs it moves out */
    for (uint32_t k = 0; k < ra->n_active;) {
        interval_t *it = ra->active[k];
        if (it->is_fixed || it->cls != cur->cls || it->reg != reg) {
            k++;
            continue;
        }
        /* it leaves the register after its last use before here, at the block boundary of
         * lowest loop depth in between: a value unused in a loop is not stored in the loop */
        uint32_t leave = split_position(ra, prev_use(it, at), at);
        if (leave == POS_MAX || leave <= it->start || leave > at)
            leave = at;
        remove_from(ra->active, &ra->n_active, it);
        if (!split_and_spill(ra, it, leave))
            return false;
    }
    for (uint32_t k = 0; k < ra->n_inactive;) {
        interval_t *it = ra->inactive[k];
        if (it->is_fixed || it->cls != cur->cls || it->reg != reg ||
            next_intersection(ra, it, cur, cur->start) == POS_MAX) {
            k++;
            continue;
        }
        /* it is in a lifetime hole here: it leaves the register where it is live again */
        uint32_t next = range_from(it, interval_range_after(it, cur->start)) & ~1u;
        remove_from(ra->inactive, &ra->n_inactive, it);
        if (!split_and_spill(ra, it, next))
            return false;
    }
    return !ra->st.rc;
}

/* ---- the scan ---- */

static bool
list_add(ra_t *ra, interval_t ***list, uint32_t *n, interval_t *it)
{
    if (*n == ra->cap_lists) { /* both lists share one capacity */
        uint32_t cap = ra->cap_lists ? 2 * ra->cap_lists : 64;
        interval_t **a = arena_alloc_array(ra->st.arena, cap, sizeof *a);
        interval_t **b = arena_alloc_array(ra->st.arena, cap, sizeof *b);
        if (!a || !b)
            return ra_fail_alloc(&ra->st);
        if (ra->n_active)
            memcpy(a, ra->active, ra->n_active * sizeof *a);
        if (ra->n_inactive)
            memcpy(b, ra->inactive, ra->n_inactive * sizeof *b);
        ra->active = a;
        ra->inactive = b;
        ra->cap_lists = cap;
    }
    (*list)[(*n)++] = it;
    return true;
}

static bool
scan(ra_t *ra)
{
    while (ra->n_heap && !ra->st.rc) {
        interval_t *cur = heap_pop(ra);
        uint32_t pos = cur->start;
        if (!ra_spend(&ra->st, 1 + ra->n_active + ra->n_inactive))
            return false;
        for (uint32_t k = 0; k < ra->n_active;) {
            interval_t *it = ra->active[k];
            if (it->end <= pos) {
                ra->active[k] = ra->active[--ra->n_active];
            } else if (!interval_covers(it, pos)) {
                ra->active[k] = ra->active[--ra->n_active];
                if (!list_add(ra, &ra->inactive, &ra->n_inactive, it))
                    return false;
            } else {
                k++;
            }
        }
        for (uint32_t k = 0; k < ra->n_inactive;) {
            interval_t *it = ra->inactive[k];
            if (it->end <= pos) {
                ra->inactive[k] = ra->inactive[--ra->n_inactive];
            } else if (interval_covers(it, pos)) {
                ra->inactive[k] = ra->inactive[--ra->n_inactive];
                if (!list_add(ra, &ra->active, &ra->n_active, it))
                    return false;
            } else {
                k++;
            }
        }
        if (!try_free_reg(ra, cur) && !ra->st.rc && !alloc_blocked_reg(ra, cur))
            return false;
        if (ra->st.rc)
            return false;
        if (cur->reg >= 0 && !list_add(ra, &ra->active, &ra->n_active, cur))
            return false;
    }
    return !ra->st.rc;
}

int
regalloc_run(mfunc_t *m, sl_error_t *err)
{
    arena_t *arena = m->arena;
    liveness_t lv;
    int rc = live_build(m, arena, &lv, err);
    if (rc)
        return rc;
    ra_t ra = {.m = m, .lv = &lv, .st = {.arena = arena, .err = err}};
    ra.st.budget = (uint64_t)m->n_insns * SCAN_UNITS_PER_INSN + SCAN_UNITS_BASE;
    m->frame_size = 0;
    for (mreg_t r = 0; r < 32; r++)
        if (lv.fixed[r].n_ranges && !list_add(&ra, &ra.inactive, &ra.n_inactive, &lv.fixed[r]))
            return ra.st.rc;
    for (uint32_t v = 0; v < m->n_vregs; v++)
        if (lv.intervals[v].n_ranges && !heap_push(&ra, &lv.intervals[v]))
            return ra.st.rc;
    if (!scan(&ra))
        return ra.st.rc;
    return resolve_run(m, &lv, arena, err);
}
