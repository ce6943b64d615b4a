/* Block layout: the order the back end emits blocks in, so the likely path falls through. There
 * is no profile; the guesses are the usual static ones. Cold blocks (those ending in a trap) go
 * to the end. The rest are laid out in chains: from each block not yet placed, in reverse
 * postorder, a chain follows a successor whose other forward predecessors are all placed (so a
 * join comes after both arms), preferring one that stays in the loop over one that leaves it.
 * Then innermost loops tested at the top (a header ending in br_if to its body or out, entered
 * again by a jump from one latch) are rotated: the header moves below the latch, so the latch
 * falls into it and its br_if is the back edge, a conditional branch at the bottom; the one
 * extra jump, into the loop at the header, runs once per entry instead of once per iteration.
 * Unreachable blocks keep their order after the cold ones. Linear in the function's size.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: nothing (only the order).
 */
#include "cfg.h"
#include "pipeline.h"

typedef struct layouter {
    ir_func_t *f;
    const cfg_t *cfg;
    uint8_t *is_placed, *is_cold;
    uint32_t *n_waiting; /* forward predecessors not yet placed */
    uint32_t *seen;      /* stamps, to visit each distinct successor once */
    uint32_t *order, n_order;
} layouter_t;

static bool
is_back_edge(const cfg_t *cfg, uint32_t from, uint32_t to)
{
    return cfg_dominates(cfg, to, from);
}

static void
place(layouter_t *lo, uint32_t b)
{
    lo->is_placed[b] = 1;
    lo->order[lo->n_order++] = b;
    const ir_insn_t *t = ir_insn(lo->f, ir_block_terminator(lo->f, b));
    for (uint32_t s = 0; s < t->n_succs; s++) {
        uint32_t to = t->ext.succs[s].block;
        if (lo->seen[to] != b && !is_back_edge(lo->cfg, b, to)) {
            lo->seen[to] = b;
            lo->n_waiting[to]--;
        }
    }
}

/* The successor to place after b, or IR_NO_BLOCK. */
static uint32_t
pick(const layouter_t *lo, uint32_t b)
{
    const cfg_t *cfg = lo->cfg;
    const ir_insn_t *t = ir_insn(lo->f, ir_block_terminator(lo->f, b));
    uint32_t best = IR_NO_BLOCK;
    for (uint32_t s = 0; s < t->n_succs; s++) {
        uint32_t to = t->ext.succs[s].block;
        if (lo->is_placed[to] || lo->is_cold[to] || lo->n_waiting[to] || !cfg_is_reachable(cfg, to))
            continue;
        if (cfg->loop_depth[to] >= cfg->loop_depth[b])
            return to; /* stays in the loop (or enters a deeper one) */
        if (best == IR_NO_BLOCK)
            best = to;
    }
    return best;
}

/* Rotates the innermost loop of header h if it is tested at the top and laid out as a run
 * [h, body..., latch] with the body's first block right after h. */
static void
rotate(layouter_t *lo, const uint32_t *position, const uint32_t *loop_size, uint32_t h)
{
    const ir_func_t *f = lo->f;
    const cfg_t *cfg = lo->cfg;
    const ir_insn_t *t = ir_insn(f, ir_block_terminator(f, h));
    if (h == cfg->entry || t->op != IR_BR_IF || t->n_succs != 2)
        return;
    uint32_t a = t->ext.succs[0].block, b = t->ext.succs[1].block;
    bool a_in = cfg->loop_header[a] == h && a != h, b_in = cfg->loop_header[b] == h && b != h;
    if (a_in == b_in)
        return;
    uint32_t top = a_in ? a : b, latch = IR_NO_BLOCK, n_latches = 0;
    for (uint32_t p = cfg->pred_start[h]; p < cfg->pred_start[h + 1]; p++) {
        if (is_back_edge(cfg, cfg->preds[p], h)) {
            latch = cfg->preds[p];
            n_latches++;
        }
    }
    if (n_latches != 1 || latch == h || ir_insn(f, ir_block_terminator(f, latch))->op != IR_JUMP)
        return;
    uint32_t i = position[h], last = i + loop_size[h];
    if (last >= lo->n_order || lo->order[i + 1] != top || lo->order[last] != latch)
        return;
    for (uint32_t k = i + 1; k <= last; k++)
        if (cfg->loop_header[lo->order[k]] != h)
            return;
    for (uint32_t k = i; k < last; k++)
        lo->order[k] = lo->order[k + 1];
    lo->order[last] = h;
}

int
pass_layout(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    int rc = cfg_build(f, scratch, &cfg);
    if (rc)
        return rc;
    uint32_t n = f->n_blocks;
    layouter_t lo = {.f = f, .cfg = &cfg};
    lo.is_placed = arena_alloc(scratch, n + 1);
    lo.is_cold = arena_alloc(scratch, n + 1);
    lo.n_waiting = arena_alloc_array(scratch, n + 1, sizeof *lo.n_waiting);
    lo.seen = arena_alloc_array(scratch, n + 1, sizeof *lo.seen);
    lo.order = arena_alloc_array(scratch, f->n_layout + 1, sizeof *lo.order);
    uint32_t *position = arena_alloc_array(scratch, n + 1, sizeof *position);
    uint32_t *loop_size = arena_alloc_array(scratch, n + 1, sizeof *loop_size);
    uint8_t *has_inner = arena_alloc(scratch, n + 1);
    if (!lo.is_placed || !lo.is_cold || !lo.n_waiting || !lo.seen || !lo.order || !position ||
        !loop_size || !has_inner)
        return scratch->last_error;
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t b = cfg.rpo[i];
        lo.seen[b] = IR_NO_BLOCK;
        lo.is_cold[b] = ir_insn(f, ir_block_terminator(f, b))->op == IR_TRAP && b != cfg.entry;
        for (uint32_t p = cfg.pred_start[b]; p < cfg.pred_start[b + 1]; p++)
            lo.n_waiting[b] += cfg_is_reachable(&cfg, cfg.preds[p]) &&
                               !is_back_edge(&cfg, cfg.preds[p], b);
        uint32_t h = cfg.loop_header[b];
        if (h != IR_NO_BLOCK && h != b)
            loop_size[h]++;
        if (h == b && cfg.loop_parent[b] != IR_NO_BLOCK)
            has_inner[cfg.loop_parent[b]] = 1;
    }

    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        for (uint32_t b = cfg.rpo[i]; b != IR_NO_BLOCK && !lo.is_placed[b] && !lo.is_cold[b];
             b = pick(&lo, b))
            place(&lo, b);
    }
    for (uint32_t i = 0; i < lo.n_order; i++)
        position[lo.order[i]] = i;
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t h = cfg.rpo[i];
        if (cfg.loop_header[h] == h && !has_inner[h])
            rotate(&lo, position, loop_size, h);
    }
    for (uint32_t i = 0; i < cfg.n_rpo; i++)
        if (lo.is_cold[cfg.rpo[i]])
            lo.order[lo.n_order++] = cfg.rpo[i];
    for (uint32_t l = 0; l < f->n_layout; l++)
        if (!cfg_is_reachable(&cfg, f->layout[l]))
            lo.order[lo.n_order++] = f->layout[l];
    ir_set_layout(f, lo.order, lo.n_order);
    return 0;
}
