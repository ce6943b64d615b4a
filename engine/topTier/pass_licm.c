/* Loop-invariant code motion: a pure instruction whose operands are all defined outside a loop
 * moves to the loop's preheader, out of as many enclosing loops as its operands allow (constants
 * included: the register allocator rematerializes them). Only IRF_PURE ops move: nothing that
 * may trap (a division, a memory access) and nothing that reads memory, which a write in the
 * loop could change. Pure ops cannot fail, so running one on a path that would not have is
 * harmless. The preheader is the header's one outside predecessor when that ends in a jump to
 * it; otherwise a new block takes every edge from outside the loop (with the header's parameters
 * as its own) and jumps to the header; it is placed just before the header. Edges from
 * unreachable blocks are left as they are.
 * An operand defined in block D is outside the loop of header h when D strictly dominates h
 * (natural loops: D dominates the use inside the loop). Blocks go in reverse postorder, so an
 * operand has moved before its users are looked at. An instruction leaves at most
 * LICM_MAX_LEVELS loops, which keeps the pass linear on deep nests.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: cfg (new blocks).
 */
#include "cfg.h"
#include "ir_edit.h"
#include "pipeline.h"

enum { LICM_MAX_LEVELS = 32 };

typedef struct mover {
    ir_func_t *f;
    const cfg_t *cfg;
    uint32_t n_old_blocks;
    uint32_t *preheader;  /* by header: its preheader, or IR_NO_BLOCK while it has none */
    uint32_t *header_of;  /* by new block (id - n_old_blocks): the header it leads to */
} mover_t;

static bool
is_movable(const ir_insn_t *insn)
{
    unsigned flags = ir_op_flags(insn->op);
    return (flags & IRF_PURE) && !(flags & (IRF_PINNED | IRF_TERM)) && insn->type != IR_T_NONE;
}

/* Whether the definition of value a is outside the loop of header h. */
static bool
is_outside(const mover_t *mv, ir_ref_t a, uint32_t h)
{
    uint32_t d = ir_insn(mv->f, a)->block;
    if (d >= mv->n_old_blocks) /* a new preheader dominates what its header dominates */
        return cfg_dominates(mv->cfg, mv->header_of[d - mv->n_old_blocks], h);
    return d != h && cfg_dominates(mv->cfg, d, h);
}

/* The outermost loop header insn r may leave, or IR_NO_BLOCK. */
static uint32_t
target_loop(const mover_t *mv, ir_ref_t r, uint32_t h)
{
    ir_insn_t *insn = ir_insn(mv->f, r);
    const ir_ref_t *args = ir_args(insn);
    uint32_t target = IR_NO_BLOCK;
    for (int level = 0; h != IR_NO_BLOCK && h != mv->cfg->entry && level < LICM_MAX_LEVELS;
         level++) {
        for (uint32_t i = 0; i < insn->n_args; i++)
            if (!is_outside(mv, args[i], h))
                return target;
        target = h;
        h = mv->cfg->loop_parent[h];
    }
    return target;
}

/* Whether an edge from p enters the loop of header h from outside. Unreachable blocks may keep
 * their edges to h: they never run. */
static bool
is_entry_edge(const cfg_t *cfg, uint32_t p, uint32_t h)
{
    return cfg_is_reachable(cfg, p) && !cfg_dominates(cfg, h, p);
}

/* The preheader of header h, made on first use. IR_NO_BLOCK if out of memory. */
static uint32_t
preheader_of(mover_t *mv, uint32_t h)
{
    ir_func_t *f = mv->f;
    const cfg_t *cfg = mv->cfg;
    if (mv->preheader[h] != IR_NO_BLOCK)
        return mv->preheader[h];
    uint32_t outside = IR_NO_BLOCK, n_outside = 0;
    for (uint32_t p = cfg->pred_start[h]; p < cfg->pred_start[h + 1]; p++) {
        if (is_entry_edge(cfg, cfg->preds[p], h)) {
            outside = cfg->preds[p];
            n_outside++;
        }
    }
    if (n_outside == 1 && ir_insn(f, ir_block_terminator(f, outside))->op == IR_JUMP)
        return mv->preheader[h] = outside;

    uint32_t ph = ir_block_new(f);
    if (ph == IR_NO_BLOCK)
        return IR_NO_BLOCK;
    uint32_t n_params = ir_block(f, h)->n_params;
    ir_ref_t *args = arena_alloc_array(f->arena, n_params + 1, sizeof *args);
    if (!args)
        return IR_NO_BLOCK;
    for (uint32_t i = 0; i < n_params; i++)
        args[i] = ir_block_add_param(f, ph, (ir_type_t)ir_insn(f, ir_block(f, h)->params[i])->type);
    ir_succ_t to_header = {h, n_params, args};
    if (!ir_set_terminator(f, ph, IR_JUMP, 0, NULL, 1, &to_header))
        return IR_NO_BLOCK;
    for (uint32_t p = cfg->pred_start[h]; p < cfg->pred_start[h + 1]; p++) {
        if (!is_entry_edge(cfg, cfg->preds[p], h))
            continue;
        ir_insn_t *t = ir_insn(f, ir_block_terminator(f, cfg->preds[p]));
        for (uint32_t s = 0; s < t->n_succs; s++)
            if (t->ext.succs[s].block == h)
                t->ext.succs[s].block = ph;
    }
    mv->header_of[ph - mv->n_old_blocks] = h;
    return mv->preheader[h] = ph;
}

/* New preheaders go just before their headers. */
static int
place_preheaders(mover_t *mv, arena_t *scratch)
{
    ir_func_t *f = mv->f;
    uint32_t *layout = arena_alloc_array(scratch, f->n_layout + 1, sizeof *layout);
    if (!layout)
        return scratch->last_error;
    uint32_t n = 0;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t b = f->layout[l];
        if (b >= mv->n_old_blocks)
            continue;
        uint32_t ph = mv->preheader[b];
        if (ph != IR_NO_BLOCK && ph >= mv->n_old_blocks)
            layout[n++] = ph;
        layout[n++] = b;
    }
    ir_set_layout(f, layout, n);
    return 0;
}

int
pass_licm(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    int rc = cfg_build(f, scratch, &cfg);
    if (rc)
        return rc;
    mover_t mv = {.f = f, .cfg = &cfg, .n_old_blocks = f->n_blocks};
    mv.preheader = arena_alloc_array(scratch, f->n_blocks + 1, sizeof *mv.preheader);
    mv.header_of = arena_alloc_array(scratch, f->n_blocks + 1, sizeof *mv.header_of);
    if (!mv.preheader || !mv.header_of)
        return scratch->last_error;
    for (uint32_t b = 0; b < f->n_blocks; b++)
        mv.preheader[b] = IR_NO_BLOCK;
    bool has_new = false;
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t b = cfg.rpo[i];
        if (cfg.loop_header[b] == IR_NO_BLOCK)
            continue;
        for (ir_ref_t r = ir_block(f, b)->first; r;) {
            ir_ref_t next = ir_insn(f, r)->next;
            uint32_t h = is_movable(ir_insn(f, r)) ? target_loop(&mv, r, cfg.loop_header[b])
                                                   : IR_NO_BLOCK;
            if (h != IR_NO_BLOCK) {
                uint32_t ph = preheader_of(&mv, h);
                if (ph == IR_NO_BLOCK)
                    return f->status ? f->status : f->arena->last_error;
                has_new |= ph >= mv.n_old_blocks;
                ir_move_before(f, r, ir_block_terminator(f, ph));
            }
            r = next;
        }
    }
    return has_new ? place_preheaders(&mv, scratch) : 0;
}
